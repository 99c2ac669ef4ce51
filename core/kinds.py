"""What kubefold knows of each kind: its group, version, resource name, scope and class.

Models: the REST mappings kube-apiserver serves for built-in kinds (v1.34), used for the store's
keys and for qualified names in messages (`deployments.apps "web" not found`,
`Deployment.apps "web" is invalid`).
Simplifies: a kind that is not listed (a custom resource) is taken as namespaced, as most custom
resources are; the scope a CustomResourceDefinition declares is not consulted.
Covered by: tests/test_objects.py.
"""

from __future__ import annotations

import attrs

from kubefold.core import apps, flagger, objects
from kubefold.core.objects import GenericObject

# The kinds with a class of their own, by kind name: one line per module of classes.
MODELLED: dict[str, type] = {
    **objects.MODELLED,
    **apps.MODELLED,
    **flagger.MODELLED,
}


@attrs.frozen
class KindInfo:
    kind: str
    group: str
    version: str
    resource: str
    namespaced: bool

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
    # kind, group, version, resource, namespaced
    ("Namespace", "", "v1", "namespaces", False),
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
    ("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", True),
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
    ("CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions",
     False),
    ("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
     "validatingwebhookconfigurations", False),
    ("MutatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
     "mutatingwebhookconfigurations", False),
    ("APIService", "apiregistration.k8s.io", "v1", "apiservices", False),
]

KINDS: dict[str, KindInfo] = {row[0]: KindInfo(*row) for row in _TABLE}


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
    """The info of a built-in kind, or one guessed from the apiVersion of a custom kind."""
    known = KINDS.get(kind)
    if known is not None:
        return known
    group, _, version = (api_version or "").rpartition("/")
    return KindInfo(kind, group, version or "v1", plural(kind), True)
