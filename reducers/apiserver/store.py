"""The generic registry store: create, update, update_status and delete of any kind.

Each returns `Written` (the new cluster and the object as stored) or a `Status` (the request
was rejected; the cluster is unchanged). `restore` loads a snapshot as a restored etcd.

Models (v1.34): staging/src/k8s.io/apiserver/pkg/registry/rest (create.go BeforeCreate,
update.go BeforeUpdate, delete.go BeforeDelete), registry/generic/registry/store.go (Create,
Update, Delete with finalizers and graceful deletion, the orphan and foregroundDeletion
finalizers from the propagation policy), pkg/registry/{apps,core}/.../strategy.go
(PrepareForCreate and PrepareForUpdate: status reset, generation on spec change),
names.SimpleNameGenerator (generateName + 5 characters).
Service allocation is service/alloc.py's, called where Go's REST hooks call it
(beginCreate before validation, beginUpdate after).
Simplifies: no field management (server-side apply), no watch cache; a resourceVersion is the
decimal of one global counter, as etcd's revision.
Covered by: tests/test_apiserver.py, tests/test_properties_engine.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import BOOTSTRAP_NAMESPACES, Cluster, ref_of
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import (
    Status,
    already_exists,
    bad_request,
    conflict,
    invalid,
    invalid_status,
    not_found_status,
)
from kubefold.core.kinds import (
    KINDS,
    KindInfo,
    crd_kind_info,
    crd_schema,
    kind_info,
    no_match_message,
    served_info,
)
from kubefold.core.objects import Condition, GenericObject, KObject, Namespace, ObjectMeta
from kubefold.core.schema import DecodeError, TypeMismatch, replace, thaw
from kubefold.reducers.apiserver import admission, batch
from kubefold.reducers.apiserver.defaults import default_object
from kubefold.reducers.apiserver.service import alloc as service_alloc
from kubefold.reducers.apiserver.validation import (
    validate_create,
    validate_status_update,
    validate_update,
)
from kubefold.reducers.apiserver.validation.customresource import validate_custom_resource
from kubefold.reducers.apiserver.validation.durations import DETAIL as DURATION_DETAIL
from kubefold.reducers.apiserver.validation.durations import MAX_DURATION_SECONDS

NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand
MAX_GENERATED_NAME_LENGTH = 63 - 5
GENERATION_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                              "CronJob", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                              "Pod"})
STATUS_RESET_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                                "CronJob", "PodDisruptionBudget", "HorizontalPodAutoscaler"})
SCHEDULER_CONFIG = "KubeSchedulerConfiguration"
CONFLICT_DETAIL = ("the object has been modified; please apply your changes to the latest "
                   "version and try again")


@attrs.frozen
class Written:
    cluster: Cluster
    object: Any


Result = Written | Status


# -- identity and names ----------------------------------------------------------------------


def generate_name(cluster: Cluster, kind: str, namespace: str, base: str) -> str:
    """SimpleNameGenerator: `base` cut to 58 characters plus 5 derived from the cluster."""
    base = base[:MAX_GENERATED_NAME_LENGTH]
    for attempt in range(100):
        bits = cluster.random_bits("generateName", kind, namespace, base, attempt)
        suffix = "".join(NAME_CHARS[(bits >> (6 * i)) % len(NAME_CHARS)] for i in range(5))
        if cluster.get(kind, namespace, base + suffix) is None:
            return base + suffix
    return base + str(cluster.resource_version)


def with_meta(obj: Any, **changes: Any) -> Any:
    return replace(obj, metadata=replace(obj.metadata, **changes))


def put_at_next_revision(cluster: Cluster, obj: Any) -> Written:
    """A write as etcd makes it: `obj` stamped with the next revision (its resourceVersion)
    and stored, the revision counter moved there in the same step."""
    revision = cluster.resource_version + 1
    obj = with_meta(obj, resource_version=str(revision))
    return Written(cluster.put(obj, revision), obj)


# -- discovery and decoding -------------------------------------------------------------------


def find_crd(cluster: Cluster | None, kind: str, api_version: str | None) -> Any:
    """The stored CustomResourceDefinition that serves `kind` at `api_version`, or None."""
    if cluster is None or not kind:
        return None
    group = (api_version or "").rpartition("/")[0]
    for crd in cluster.list("CustomResourceDefinition"):
        if crd.metadata.deletion_timestamp is not None:
            continue
        info = crd_kind_info(crd, api_version)
        if info is not None and info.kind == kind and info.group == group:
            return crd
    return None


def served_kind(cluster: Cluster | None, kind: str, api_version: str | None) -> KindInfo | None:
    """What discovery says of `kind` at `api_version`: a built-in or extension kind, a kind a
    stored CRD defines, or None (no matches). Without a cluster, CRDs are not consulted."""
    info = served_info(kind, api_version)
    if info is not None:
        return info
    crd = find_crd(cluster, kind, api_version)
    return None if crd is None else crd_kind_info(crd, api_version)


def resolve_scope(obj: Any, cluster: Cluster | None = None) -> Any:
    """BeforeCreate: a namespaced object gets the request's namespace (kubectl's default), a
    cluster-scoped one loses any namespace it names. A custom kind's scope is its CRD's."""
    info = served_kind(cluster, obj.kind, obj.api_version) or kind_info(obj.kind,
                                                                         obj.api_version)
    if info.namespaced and not obj.metadata.namespace:
        return with_meta(obj, namespace="default")
    if not info.namespaced and obj.metadata.namespace:
        return with_meta(obj, namespace=None)
    return obj


def cannot_be_handled(kind: str, api_version: str | None, error: DecodeError) -> Status:
    """transformDecodeError: `Deployment in version "v1" cannot be handled as a Deployment:
    json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
    int32`."""
    version = (api_version or "").rpartition("/")[2]
    return bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: '
                       f"{error.go}")


def decode_request(obj: Any, cluster: Cluster | None = None) -> KObject | Status:
    """A request body as kube-apiserver reads it: the kind must be served (kubectl's `no
    matches for kind "Deploymnet" in version "apps/v1"` otherwise, a NotFound), and a body
    that does not decode (kept raw by the codec) is a BadRequest naming the field and the
    type, worded as Go's decoder words it. Objects built by the control plane (no apiVersion)
    are taken as they are."""
    if not isinstance(obj, Mapping):  # a decoded object (a pmap is a raw body)
        if obj.api_version is not None and \
                served_kind(cluster, obj.kind or "", obj.api_version) is None:
            return Status("NotFound", 404, no_match_message(obj.kind or "", obj.api_version))
        return _named_config(obj)
    raw = thaw(obj)
    kind = raw.get("kind") if isinstance(raw, dict) else None
    api_version = raw.get("apiVersion") if isinstance(raw, dict) else None
    if not isinstance(kind, str) or not kind:
        return bad_request("Object 'Kind' is missing in the request body")
    if not isinstance(api_version, str) or not api_version:
        return bad_request(f"Object 'apiVersion' is missing in the {kind} request body")
    if served_kind(cluster, kind, api_version) is None:
        return Status("NotFound", 404, no_match_message(kind, api_version))
    try:
        return _named_config(decode_object(raw))
    except DecodeError as exc:
        return cannot_be_handled(kind, api_version, exc)


def _named_config(obj: Any) -> Any:
    """A KubeSchedulerConfiguration without a name is kube-scheduler's (core/kinds.py)."""
    if obj.kind == SCHEDULER_CONFIG and not obj.metadata.name and \
            not obj.metadata.generate_name:
        return with_meta(obj, name="kube-scheduler")
    return obj


def _validate_custom(cluster: Cluster, obj: Any) -> list[Any]:
    """A custom resource against its CRD's openAPIV3Schema, where it has one."""
    if obj.kind in KINDS or obj.api_version is None:
        return []
    crd = find_crd(cluster, obj.kind, obj.api_version)
    if crd is None:
        return []
    schema = crd_schema(crd, obj.api_version.rpartition("/")[2])
    if schema is None:
        return []
    return validate_custom_resource(encode_object(obj), schema)


# -- the strategies' PrepareForCreate / PrepareForUpdate --------------------------------------


def status_of(obj: Any) -> Any:
    """The status of any object (a generic object keeps it among its unmodelled keys)."""
    if isinstance(obj, GenericObject):
        return obj.extra.get("status")
    return getattr(obj, "status", None)


def with_status(obj: Any, status: Any) -> Any:
    if isinstance(obj, GenericObject):
        extra = obj.extra.discard("status") if status is None else obj.extra.set("status", status)
        return replace(obj, extra=extra)
    if not hasattr(obj, "status"):
        return obj
    return replace(obj, status=type(obj.status)() if status is None else status)


def prepare_for_create(obj: Any) -> Any:
    """Reset what a client may not set on create (status), as each kind's strategy does."""
    if obj.kind in STATUS_RESET_KINDS:
        obj = with_status(obj, None)
    if obj.kind == "Pod":
        obj = replace(obj, status=type(obj.status)(phase="Pending",
                                                    qos_class=qos_class(obj)))
    if obj.kind == "DaemonSet":
        obj = _template_generation(obj, max(1, _template_generation_of(obj)))
    elif obj.kind == "Service":
        obj = service_alloc.prepare_for_create(obj)
    elif obj.kind == "Namespace":
        finalizers = obj.spec.finalizers or ("kubernetes",)
        obj = replace(obj, spec=replace(obj.spec, finalizers=finalizers),
                      status=replace(obj.status, phase="Active"))
    return obj


DAEMON_SET_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _template_generation_of(ds: Any) -> int:
    """The internal spec.templateGeneration, which apps/v1 carries in an annotation."""
    text = ds.metadata.annotations.get(DAEMON_SET_TEMPLATE_GENERATION, "")
    return int(text) if text.isdigit() else 0


def _template_generation(ds: Any, generation: int) -> Any:
    return with_meta(ds, annotations=ds.metadata.annotations.set(
        DAEMON_SET_TEMPLATE_GENERATION, str(generation)))


def prepare_for_update(new: Any, old: Any) -> Any:
    """daemonSetStrategy.PrepareForUpdate: templateGeneration is the server's; it grows by one
    when the pod template changes."""
    if new.kind != "DaemonSet":
        return new
    generation = _template_generation_of(old)
    if new.spec.template != old.spec.template:
        generation += 1
    return _template_generation(new, generation)


def qos_class(pod: Any) -> str:
    """GetPodQOS: Guaranteed when every container's cpu and memory requests equal limits,
    BestEffort when none sets any, Burstable otherwise."""
    containers = [*pod.spec.containers, *pod.spec.init_containers]
    requests_any = limits_any = False
    guaranteed = True
    for c in containers:
        req = c.resources.requests if c.resources else pmap()
        lim = c.resources.limits if c.resources else pmap()
        for name in ("cpu", "memory"):
            if name in req and not req[name].is_zero():
                requests_any = True
            if name in lim and not lim[name].is_zero():
                limits_any = True
            if name not in lim or (name in req and req[name].cmp(lim[name]) != 0):
                guaranteed = False
    if not requests_any and not limits_any:
        return "BestEffort"
    return "Guaranteed" if guaranteed and limits_any else "Burstable"


def _spec_of(obj: Any) -> Any:
    return getattr(obj, "spec", None)


# -- create ----------------------------------------------------------------------------------


def create(cluster: Cluster, obj: Any) -> Result:
    """POST: default, admit, validate and store a new object."""
    decoded = decode_request(obj, cluster)
    if isinstance(decoded, Status):
        return decoded
    obj = resolve_scope(default_object(decoded), cluster)
    namespace = obj.metadata.namespace or ""
    if not obj.metadata.name and obj.metadata.generate_name:
        obj = with_meta(obj, name=generate_name(cluster, obj.kind, namespace,
                                                obj.metadata.generate_name))
    obj = prepare_for_create(obj)
    if obj.kind == "Job":  # the uid _store_new will give, for the generated selector
        obj = batch.prepare_job_for_create(
            obj, cluster.bump_resource_version()[1].new_uid(ref_of(obj)))
    admitted = admission.admit_create(cluster, obj)
    if isinstance(admitted, Status):
        return admitted
    obj = admitted
    if obj.kind == "Service":  # REST.beginCreate: IP families, ClusterIPs, node ports
        allocated = service_alloc.begin_create(cluster, obj)
        if isinstance(allocated, Status):
            return allocated
        obj = allocated
    info = served_kind(cluster, obj.kind, obj.api_version) or kind_info(obj.kind,
                                                                         obj.api_version)
    errors = validate_create(obj) + _validate_custom(cluster, obj)
    if errors:
        return invalid_status(info.qualified_kind, obj.metadata.name or "", errors)
    if cluster.get(obj.kind, namespace, obj.metadata.name) is not None:
        return already_exists(info.qualified_resource, obj.metadata.name)
    return _store_new(cluster, obj)


def _store_new(cluster: Cluster, obj: Any) -> Written:
    rv, cluster = cluster.bump_resource_version()
    obj = with_meta(obj, uid=cluster.new_uid(ref_of(obj)), resource_version=rv,
                    creation_timestamp=cluster.now, deletion_timestamp=None,
                    deletion_grace_period_seconds=None,
                    generation=1 if obj.kind in GENERATION_KINDS or obj.kind not in KINDS else None)
    if obj.api_version is None:
        obj = replace(obj, api_version=kind_info(obj.kind).api_version)
    return Written(cluster.put(obj), obj)


# -- update ----------------------------------------------------------------------------------


def _check_update(cluster: Cluster, obj: Any) -> tuple[Any, Status | None]:
    """The stored object, or NotFound / Conflict (a stale resourceVersion)."""
    info = kind_info(obj.kind, obj.api_version)
    old = cluster.get(obj.kind, obj.metadata.namespace, obj.metadata.name)
    if old is None:
        return None, not_found_status(info.qualified_resource, obj.metadata.name)
    rv = obj.metadata.resource_version
    if rv and rv != old.metadata.resource_version:
        return old, conflict(info.qualified_resource, obj.metadata.name, CONFLICT_DETAIL)
    return old, None


def _carry_system_meta(new: Any, old: Any) -> Any:
    """Fields of metadata that only the server sets survive an update."""
    return with_meta(new, uid=old.metadata.uid,
                     creation_timestamp=old.metadata.creation_timestamp,
                     deletion_timestamp=old.metadata.deletion_timestamp,
                     deletion_grace_period_seconds=old.metadata.deletion_grace_period_seconds,
                     generation=old.metadata.generation,
                     resource_version=old.metadata.resource_version)


def update(cluster: Cluster, obj: Any) -> Result:
    """PUT on the main resource: metadata and spec from `obj`, status kept (PrepareForUpdate)."""
    decoded = decode_request(obj, cluster)
    if isinstance(decoded, Status):
        return decoded
    obj = resolve_scope(default_object(decoded), cluster)
    old, rejected = _check_update(cluster, obj)
    if rejected is not None:
        return rejected
    new = with_status(_carry_system_meta(obj, old), status_of(old))
    new = prepare_for_update(new, old)
    if new.kind == "Service":
        new = service_alloc.prepare_for_update(new, old)
    return _write_update(cluster, new, old)


def update_status(cluster: Cluster, obj: Any) -> Result:
    """PUT on the status subresource: only the status changes."""
    old, rejected = _check_update(cluster, obj)
    if rejected is not None:
        return rejected
    new = with_status(old, status_of(obj))
    if obj.kind == "Deployment":  # deploymentStatusStrategy keeps the request's annotations
        new = with_meta(new, annotations=obj.metadata.annotations)
    if obj.kind == "Job":  # jobStatusStrategy keeps the request's (defaulted) labels
        new = with_meta(new, labels=batch.job_status_request_labels(obj))
    return _write_update(cluster, new, old, status_only=True)


def _write_update(cluster: Cluster, new: Any, old: Any, status_only: bool = False) -> Result:
    new_spec, old_spec = _spec_of(new), _spec_of(old)
    if new_spec is not old_spec and new_spec != old_spec and old.metadata.generation is not None:
        new = with_meta(new, generation=old.metadata.generation + 1)
    if new == old:
        return Written(cluster, old)
    info = kind_info(new.kind, new.api_version)
    errors = validate_status_update(new, old) if status_only else \
        validate_update(new, old) + _validate_custom(cluster, new)
    if errors:
        return invalid_status(info.qualified_kind, new.metadata.name or "", errors)
    if new.kind == "Service" and not status_only:  # REST.beginUpdate
        allocated = service_alloc.begin_update(cluster, new, old)
        if isinstance(allocated, Status):
            return allocated
        new = allocated
    if old.metadata.deletion_timestamp is not None and not new.metadata.finalizers \
            and (old.metadata.finalizers or _namespace_finalized(new, old)) \
            and (old.metadata.deletion_grace_period_seconds or 0) == 0:
        # The last finalizer is gone from an object being deleted: the store removes it.
        _, cluster = cluster.bump_resource_version()
        return Written(cluster.remove(new.kind, new.metadata.namespace, new.metadata.name), None)
    return put_at_next_revision(cluster, new)



def _namespace_finalized(new: Any, old: Any) -> bool:
    """ShouldDeleteNamespaceDuringUpdate: a deleting namespace whose spec.finalizers just
    emptied (the namespace controller's finalize) goes."""
    return new.kind == "Namespace" and bool(old.spec.finalizers) and not new.spec.finalizers


# -- delete ----------------------------------------------------------------------------------


def delete(cluster: Cluster, kind: str, namespace: str | None, name: str | None,
           propagation_policy: str | None = None,
           grace_period_seconds: int | None = None) -> Result:
    """DELETE: graceful for bound pods, deferred while finalizers remain, immediate otherwise.
    Orphan and Foreground propagation add their finalizers for the garbage collector."""
    info = kind_info(kind) if kind in KINDS else _custom_kind(cluster, kind)
    namespace = (namespace or "default") if info.namespaced else ""
    name = name or ""
    rejected = _check_delete_options(grace_period_seconds)
    if rejected is not None:
        return rejected
    old = cluster.get(kind, namespace, name)
    if old is None:
        return not_found_status(info.qualified_resource, name)
    if kind == "Namespace":
        rejected = admission.namespace_deletion(name)
        if rejected is not None:
            return rejected
    if propagation_policy not in (None, "Background", "Foreground", "Orphan"):
        return bad_request(f'Unsupported value: "{propagation_policy}": supported values: '
                           '"Background", "Foreground", "Orphan"')
    finalizers = list(old.metadata.finalizers)
    if propagation_policy == "Orphan" and "orphan" not in finalizers:
        finalizers.append("orphan")
    if propagation_policy == "Foreground" and "foregroundDeletion" not in finalizers:
        finalizers.append("foregroundDeletion")
    grace = _grace_period(old, grace_period_seconds)
    if old.metadata.deletion_timestamp is not None:
        return _shorten_grace(cluster, old, grace)
    if grace > 0 or finalizers or kind == "Namespace":
        return _mark_deleting(cluster, old, finalizers, grace)
    _, cluster = cluster.bump_resource_version()
    return Written(cluster.remove(kind, namespace, name), None)


def _custom_kind(cluster: Cluster, kind: str) -> KindInfo:
    """A kind named without its version (a DELETE by kind): a stored CRD's, or a guess."""
    for crd in cluster.list("CustomResourceDefinition"):
        info = crd_kind_info(crd)
        if info is not None and info.kind == kind:
            return info
    return kind_info(kind)


def _check_delete_options(grace: int | None) -> Status | None:
    """DeleteOptions.gracePeriodSeconds is an int64, and a Duration once used."""
    if grace is None:
        return None
    if not -(2**63) <= grace < 2**63:
        return cannot_be_handled("DeleteOptions", "meta.k8s.io/v1", TypeMismatch(
            "gracePeriodSeconds", grace, "int64", literal=True).in_struct_named("DeleteOptions"))
    if grace > MAX_DURATION_SECONDS:
        return invalid_status("DeleteOptions.meta.k8s.io", "", [
            invalid("gracePeriodSeconds", grace, DURATION_DETAIL)])
    return None


def _grace_period(obj: Any, requested: int | None) -> int:
    """Pods: the requested or spec grace period, 0 when unscheduled or finished; others: 0."""
    if obj.kind != "Pod":
        return 0
    if not obj.spec.node_name or obj.status.phase in ("Succeeded", "Failed"):
        return 0
    if requested is not None:
        return max(requested, 0)
    spec_grace = obj.spec.termination_grace_period_seconds
    return 30 if spec_grace is None else spec_grace


def _mark_deleting(cluster: Cluster, old: Any, finalizers: list[str], grace: int) -> Result:
    new = with_meta(old, deletion_timestamp=cluster.now + grace,
                    deletion_grace_period_seconds=grace, finalizers=pvector(finalizers))
    if old.kind == "Namespace":
        new = replace(new, status=replace(new.status, phase="Terminating"))
    if old.kind == "Pod" and grace == 0 and not finalizers:
        _, cluster = cluster.bump_resource_version()
        return Written(cluster.remove("Pod", old.metadata.namespace, old.metadata.name), None)
    return put_at_next_revision(cluster, new)


def _shorten_grace(cluster: Cluster, old: Any, grace: int) -> Result:
    """A second delete may only shorten the grace period; with it 0 and no finalizers the
    object goes."""
    current = old.metadata.deletion_grace_period_seconds or 0
    if grace >= current:
        return Written(cluster, old)
    if grace == 0 and not old.metadata.finalizers:
        _, cluster = cluster.bump_resource_version()
        return Written(cluster.remove(old.kind, old.metadata.namespace, old.metadata.name),
                       None)
    new = with_meta(old, deletion_timestamp=cluster.now + grace,
                    deletion_grace_period_seconds=grace)
    return put_at_next_revision(cluster, new)


def finish_deletion(cluster: Cluster, kind: str, namespace: str | None, name: str | None
                    ) -> Result:
    """The kubelet's final delete (grace 0) of a terminating pod, or a forced removal."""
    return delete(cluster, kind, namespace, name, grace_period_seconds=0)


# -- restore (a snapshot read as etcd's content) ----------------------------------------------


def restore(cluster: Cluster, objects: Any, latest_time: int | None = None) -> Cluster:
    """Load objects as a restored etcd would serve them: decoded with defaults, no admission or
    validation, uids, names and timestamps kept; missing identity fields are filled in. The
    clock starts at the latest timestamp found, and the resourceVersion counter above every
    stored one."""
    if latest_time is not None:
        cluster = replace(cluster, clock_start=latest_time, now=latest_time)
    counter = cluster.resource_version
    for obj in objects:
        rv = obj.metadata.resource_version
        if rv is not None and rv.isdigit():
            counter = max(counter, int(rv))
    cluster = replace(cluster, resource_version=counter)
    for obj in objects:
        obj = resolve_scope(default_object(obj))
        if obj.metadata.uid is None:
            obj = with_meta(obj, uid=cluster.new_uid(ref_of(obj)))
        if obj.metadata.creation_timestamp is None:
            obj = with_meta(obj, creation_timestamp=cluster.now)
        if obj.metadata.resource_version is None:
            rv, cluster = cluster.bump_resource_version()
            obj = with_meta(obj, resource_version=rv)
        cluster = cluster.put(obj)
    return ensure_bootstrap_namespaces(cluster)


def restore_problems(objects: Any) -> list[tuple[int, str]]:
    """What a restored etcd could not hold, by object index: a kind no server serves (a CRD
    among the objects counts), and what the API server's create validation refuses (no name,
    an owner reference without uid, a Deployment without a selector or template, ...) — the
    objects reducers would otherwise stumble on later. Each is `Kind ns/name: <error>`."""
    crds = [o for o in objects if o.kind == "CustomResourceDefinition"]
    problems = []
    for index, obj in enumerate(objects):
        problem = _restore_problem(obj, crds)
        if problem:
            meta = obj.metadata
            ref = f"{meta.namespace}/{meta.name}" if meta.namespace else str(meta.name)
            problems.append((index, f"{obj.kind} {ref}: {problem}"))
    return problems


def _restore_problem(obj: Any, crds: list[Any]) -> str:
    if obj.api_version is None or obj.kind is None:
        return "apiVersion and kind are required"
    served = served_info(obj.kind, obj.api_version)
    if served is None:
        defined = (crd_kind_info(crd, obj.api_version) for crd in crds)
        served = next((i for i in defined if i is not None and i.kind == obj.kind), None)
    if served is None:
        return no_match_message(obj.kind, obj.api_version)
    if not obj.metadata.name:
        return "metadata.name: Required value: a stored object has a name"
    errors = validate_create(resolve_scope(default_object(obj)))
    return str(errors[0]) if errors else ""


def ensure_bootstrap_namespaces(cluster: Cluster) -> Cluster:
    """What kube-apiserver's bootstrap makes: the namespaces default, kube-system,
    kube-public and kube-node-lease, and the `kubernetes` Service in default holding the
    service range's first address (10.96.0.1)."""
    for name in BOOTSTRAP_NAMESPACES:
        if cluster.get("Namespace", "", name) is None:
            ns = Namespace(api_version="v1", kind="Namespace",
                           metadata=ObjectMeta(name=name, labels=pmap(
                               {"kubernetes.io/metadata.name": name})))
            written = create(cluster, ns)
            assert isinstance(written, Written), written
            cluster = written.cluster
    return ensure_kubernetes_service(cluster)


KUBERNETES_SERVICE = {
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "kubernetes", "namespace": "default",
                 "labels": {"component": "apiserver", "provider": "kubernetes"}},
    "spec": {"type": "ClusterIP", "sessionAffinity": "None",
             "clusterIP": service_alloc.CLUSTER_IP_RANGE.address(
                 service_alloc.CLUSTER_IP_RANGE.first),
             "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                        "targetPort": 6443}]},
}


def ensure_kubernetes_service(cluster: Cluster) -> Cluster:
    """The kubernetesservice controller of kube-apiserver (pkg/controlplane/controller/
    kubernetesservice): the `kubernetes` Service, port https 443 to the secure port 6443,
    created when missing. It has no selector: its endpoints are the API servers' own, which
    kubefold does not model. A start whose state already holds its address elsewhere leaves
    it out, as the controller would keep retrying."""
    if cluster.get("Service", "default", "kubernetes") is not None:
        return cluster
    written = create(cluster, decode_object(KUBERNETES_SERVICE))
    return written.cluster if isinstance(written, Written) else cluster


def set_condition(conditions: Any, condition: Condition) -> Any:
    """Replace the condition of the same type, or append it."""
    for i, c in enumerate(conditions):
        if c.type == condition.type:
            return conditions.set(i, condition)
    return conditions.append(condition)
