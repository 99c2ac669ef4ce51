"""What kubefold knows of each kind: its group, served versions, resource name, scope and class.

Three sources say which kinds a server serves, as kube-apiserver's discovery does:
- `KINDS`: the built-in kinds of v1.34 at the versions v1.34 serves by default (`_TABLE`);
- `EXTENSIONS`: the custom resources of the outside systems kubefold runs (Argo Rollouts,
  Flagger, Gateway API, Istio): served as if their CustomResourceDefinitions were installed.
  A helper adding a controller adds ONE row to `_EXTENSION_TABLE`;
- a `CustomResourceDefinition` stored in the cluster (its group, names, scope and served
  versions): `crd_kind_info` reads one, the API server looks it up.
A kind at a version none of them serves is not found, as kubectl reports it:
`no matches for kind "Deploymnet" in version "apps/v1"` — versions removed from Kubernetes
(`extensions/v1beta1`, `apps/v1beta1`, `policy/v1beta1`, ...) included.

`kubescheduler.config.k8s.io/v1` `KubeSchedulerConfiguration` is not an API object in
Kubernetes but the file kube-scheduler is started with; kubefold accepts it as a
cluster-scoped object (named `kube-scheduler` when it has no name) so that a log or snapshot
can say how the scheduler is configured (reducers/scheduler/controller.py reads it).

Models: the REST mappings kube-apiserver serves (v1.34, beta APIs at their default of off),
used for the store's keys and for qualified names in messages (`deployments.apps "web" not
found`, `Deployment.apps "web" is invalid`); meta.NoKindMatchError's message.
Simplifies: the review kinds that are never stored (TokenReview, SubjectAccessReview, ...) are
not served; a kind is stored by its name alone, whatever its group (core/cluster.py).
Covered by: tests/test_objects.py, tests/test_kinds.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from kubefold.core import apps, autoscaling, batch, flagger, networking, objects, rollouts
from kubefold.core.objects import GenericObject

# The kinds with a class of their own, by kind name: one line per module of classes.
MODELLED: dict[str, type] = {
    **objects.MODELLED,
    **apps.MODELLED,
    **batch.MODELLED,
    **autoscaling.MODELLED,
    **networking.MODELLED,
    **rollouts.MODELLED,
    **flagger.MODELLED,
}


@attrs.frozen
class KindInfo:
    kind: str
    group: str
    version: str  # the preferred version
    resource: str
    namespaced: bool
    versions: tuple[str, ...] = attrs.field()  # every version served

    @versions.default
    def _preferred_only(self) -> tuple[str, ...]:
        return (self.version,)

    def serves(self, api_version: str | None) -> bool:
        """Whether `group/version` (or `version` for the core group) is served for the kind."""
        group, _, version = (api_version or "").rpartition("/")
        return group == self.group and version in self.versions

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_resource(self) -> str:
        """`deployments.apps`, `pods`: the resource as messages name it."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def qualified_kind(self) -> str:
        """`Deployment.apps`, `Pod`: the kind as Invalid messages name it."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def cls(self) -> type:
        return MODELLED.get(self.kind, GenericObject)


_TABLE = [
    # kind, group, version, resource, namespaced[, every served version]
    ("Namespace", "", "v1", "namespaces", False),
    ("ComponentStatus", "", "v1", "componentstatuses", False),
    ("Node", "", "v1", "nodes", False),
    ("Pod", "", "v1", "pods", True),
    ("Service", "", "v1", "services", True),
    ("ConfigMap", "", "v1", "configmaps", True),
    ("Secret", "", "v1", "secrets", True),
    ("ServiceAccount", "", "v1", "serviceaccounts", True),
    ("Endpoints", "", "v1", "endpoints", True),
    ("Event", "", "v1", "events", True),
    ("LimitRange", "", "v1", "limitranges", True),
    ("ResourceQuota", "", "v1", "resourcequotas", True),
    ("PersistentVolume", "", "v1", "persistentvolumes", False),
    ("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", True),
    ("ReplicationController", "", "v1", "replicationcontrollers", True),
    ("PodTemplate", "", "v1", "podtemplates", True),
    ("Deployment", "apps", "v1", "deployments", True),
    ("ReplicaSet", "apps", "v1", "replicasets", True),
    ("StatefulSet", "apps", "v1", "statefulsets", True),
    ("DaemonSet", "apps", "v1", "daemonsets", True),
    ("ControllerRevision", "apps", "v1", "controllerrevisions", True),
    ("Job", "batch", "v1", "jobs", True),
    ("CronJob", "batch", "v1", "cronjobs", True),
    ("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", True,
     ("v2", "v1")),
    ("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", True),
    ("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", False),
    ("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", True),
    ("Ingress", "networking.k8s.io", "v1", "ingresses", True),
    ("IngressClass", "networking.k8s.io", "v1", "ingressclasses", False),
    ("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", True),
    ("Role", "rbac.authorization.k8s.io", "v1", "roles", True),
    ("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", True),
    ("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", False),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", False),
    ("StorageClass", "storage.k8s.io", "v1", "storageclasses", False),
    ("Lease", "coordination.k8s.io", "v1", "leases", True),
    ("CSIDriver", "storage.k8s.io", "v1", "csidrivers", False),
    ("CSINode", "storage.k8s.io", "v1", "csinodes", False),
    ("CSIStorageCapacity", "storage.k8s.io", "v1", "csistoragecapacities", True),
    ("VolumeAttachment", "storage.k8s.io", "v1", "volumeattachments", False),
    ("VolumeAttributesClass", "storage.k8s.io", "v1", "volumeattributesclasses", False),
    ("RuntimeClass", "node.k8s.io", "v1", "runtimeclasses", False),
    ("CertificateSigningRequest", "certificates.k8s.io", "v1", "certificatesigningrequests",
     False),
    ("FlowSchema", "flowcontrol.apiserver.k8s.io", "v1", "flowschemas", False),
    ("PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io", "v1",
     "prioritylevelconfigurations", False),
    ("IPAddress", "networking.k8s.io", "v1", "ipaddresses", False),
    ("ServiceCIDR", "networking.k8s.io", "v1", "servicecidrs", False),
    ("ValidatingAdmissionPolicy", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicies", False),
    ("ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io", "v1",
     "validatingadmissionpolicybindings", False),
    ("DeviceClass", "resource.k8s.io", "v1", "deviceclasses", False),
    ("ResourceClaim", "resource.k8s.io", "v1", "resourceclaims", True),
    ("ResourceClaimTemplate", "resource.k8s.io", "v1", "resourceclaimtemplates", True),
    ("ResourceSlice", "resource.k8s.io", "v1", "resourceslices", False),
    ("CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions",
     False),
    ("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
     "validatingwebhookconfigurations", False),
    ("MutatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
     "mutatingwebhookconfigurations", False),
    ("APIService", "apiregistration.k8s.io", "v1", "apiservices", False),
]

# Kinds served under a second group besides their own row: events.k8s.io/v1 Event is stored
# with core/v1 Event (one store per kind name).
_ALSO_SERVED = {("Event", "events.k8s.io/v1")}

KINDS: dict[str, KindInfo] = {row[0]: KindInfo(*row) for row in _TABLE}  # type: ignore[arg-type,misc]

# The custom resources of the outside systems kubefold runs, served as if their CRDs were
# installed. ONE row per kind; the first version is the preferred one.
_EXTENSION_TABLE = [
    # kind, group, versions, resource, namespaced
    ("Rollout", "argoproj.io", ("v1alpha1",), "rollouts", True),
    ("AnalysisTemplate", "argoproj.io", ("v1alpha1",), "analysistemplates", True),
    ("ClusterAnalysisTemplate", "argoproj.io", ("v1alpha1",), "clusteranalysistemplates",
     False),
    ("AnalysisRun", "argoproj.io", ("v1alpha1",), "analysisruns", True),
    ("Experiment", "argoproj.io", ("v1alpha1",), "experiments", True),
    ("Canary", "flagger.app", ("v1beta1",), "canaries", True),
    ("MetricTemplate", "flagger.app", ("v1beta1",), "metrictemplates", True),
    ("AlertProvider", "flagger.app", ("v1beta1",), "alertproviders", True),
    ("HTTPRoute", "gateway.networking.k8s.io", ("v1", "v1beta1"), "httproutes", True),
    ("Gateway", "gateway.networking.k8s.io", ("v1", "v1beta1"), "gateways", True),
    ("GatewayClass", "gateway.networking.k8s.io", ("v1", "v1beta1"), "gatewayclasses", False),
    ("VirtualService", "networking.istio.io", ("v1", "v1beta1", "v1alpha3"), "virtualservices",
     True),
    ("DestinationRule", "networking.istio.io", ("v1", "v1beta1", "v1alpha3"),
     "destinationrules", True),
    ("KubeSchedulerConfiguration", "kubescheduler.config.k8s.io", ("v1",),
     "kubeschedulerconfigurations", False),
]

EXTENSIONS: dict[str, KindInfo] = {
    kind: KindInfo(kind, group, versions[0], resource, namespaced, versions)
    for kind, group, versions, resource, namespaced in _EXTENSION_TABLE}


def plural(kind: str) -> str:
    """The resource name Kubernetes derives from a kind (meta.UnsafeGuessKindToResource)."""
    lower = kind.lower()
    if not lower:
        return lower
    if lower.endswith("s"):
        return lower + "es"
    if lower.endswith("y"):
        return lower[:-1] + "ies"
    return lower + "s"


def kind_info(kind: str, api_version: str | None = None) -> KindInfo:
    """The info of a built-in or extension kind, or one guessed from the apiVersion of a
    custom kind (namespaced; the API server reads the CRD's scope where one is stored)."""
    known = KINDS.get(kind) or EXTENSIONS.get(kind)
    if known is not None:
        return known
    group, _, version = (api_version or "").rpartition("/")
    return KindInfo(kind, group, version or "v1", plural(kind), True)


def is_namespaced(obj: Any) -> bool:
    """The scope of an object whose namespace the API server has resolved: a known kind's, or
    for a custom kind (its CRD's scope applied by resolve_scope) whether it has a namespace."""
    known = KINDS.get(obj.kind) or EXTENSIONS.get(obj.kind)
    return known.namespaced if known is not None else bool(obj.metadata.namespace)


def served_info(kind: str, api_version: str | None) -> KindInfo | None:
    """The info of a built-in or extension kind served at `api_version`, or None (a custom
    resource, or a version no longer served)."""
    known = KINDS.get(kind) or EXTENSIONS.get(kind)
    if known is not None and (known.serves(api_version) or (kind, api_version) in _ALSO_SERVED):
        return known
    return None


def no_match_message(kind: str, api_version: str | None) -> str:
    """meta.NoKindMatchError as kubectl prints it."""
    return f'no matches for kind "{kind}" in version "{api_version or ""}"'


def crd_kind_info(crd: Any, api_version: str | None = None) -> KindInfo | None:
    """The kind a stored CustomResourceDefinition defines, if it serves `api_version` (any
    served version when None); None when its spec is not usable."""
    spec = crd.extra.get("spec")
    if not isinstance(spec, Mapping):
        return None
    names = spec.get("names")
    group = spec.get("group")
    if not isinstance(names, Mapping) or not isinstance(group, str):
        return None
    kind, resource = names.get("kind"), names.get("plural")
    if not isinstance(kind, str) or not isinstance(resource, str):
        return None
    versions = tuple(str(v["name"]) for v in spec.get("versions") or ()
                     if isinstance(v, Mapping) and v.get("served") is not False
                     and isinstance(v.get("name"), str))
    if not versions:
        return None
    info = KindInfo(kind, group, versions[0], resource, spec.get("scope") != "Cluster", versions)
    if api_version is not None and not info.serves(api_version):
        return None
    return info


def crd_schema(crd: Any, version: str) -> Any:
    """The openAPIV3Schema of one version of a stored CRD (frozen JSON), or None."""
    spec = crd.extra.get("spec")
    if not isinstance(spec, Mapping):
        return None
    for v in spec.get("versions") or ():
        if isinstance(v, Mapping) and v.get("name") == version:
            schema = v.get("schema")
            if isinstance(schema, Mapping):
                return schema.get("openAPIV3Schema")
    return None
