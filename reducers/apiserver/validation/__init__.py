"""Validation of API objects, as pkg/apis/.../validation and apimachinery validate them.

`validate_create(obj)` and `validate_update(new, old)` choose the validator by `obj.kind`:
Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision (apps.py), Job and
CronJob (batch.py), HorizontalPodAutoscaler (autoscaling.py), Pod, Namespace and Node
(core.py), Service, EndpointSlice and Endpoints (service.py), Flagger's Canary (flagger.py, its
CRD's schema); any other kind gets ValidateObjectMeta with the name rule Kubernetes uses for it
(on update:
ValidateObjectMetaUpdate). Errors come in the order Go appends them.

Models: the registry strategies' Validate/ValidateUpdate dispatch of kube-apiserver (v1.34) and
the name functions they pass to ValidateObjectMeta (NameIsDNSSubdomain by default,
ValidateNamespaceName, NameIsDNS1035Label for Services, NameIsDNSLabel for StatefulSets,
path-segment names for RBAC kinds).
Simplifies: PriorityClass is checked for its metadata only; PodDisruptionBudget (policy.py)
for its spec, not its status.
Covered by: tests/test_validation_apps.py, tests/test_validation_core.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubefold.core.errors import FieldError
from kubefold.core.kinds import is_namespaced
from kubefold.reducers.apiserver.validation import (
    apps,
    autoscaling,
    batch,
    core,
    flagger,
    policy,
    service,
)
from kubefold.reducers.apiserver.validation.durations import validate_durations
from kubefold.reducers.apiserver.validation.names import (
    NameFn,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_namespace_name,
)

_CREATE: dict[str, Callable[[Any], list[FieldError]]] = {
    "Deployment": apps.validate_deployment,
    "ReplicaSet": apps.validate_replica_set,
    "Pod": core.validate_pod,
    "Namespace": core.validate_namespace,
    "Node": core.validate_node,
    "StatefulSet": apps.validate_stateful_set,
    "DaemonSet": apps.validate_daemon_set,
    "ControllerRevision": apps.validate_controller_revision,
    "Job": batch.validate_job,
    "CronJob": batch.validate_cron_job,
    "HorizontalPodAutoscaler": autoscaling.validate_horizontal_pod_autoscaler,
    "Service": service.validate_service,
    "EndpointSlice": service.validate_endpoint_slice,
    "Endpoints": service.validate_endpoints,
    "PodDisruptionBudget": policy.validate_pod_disruption_budget,
    "Canary": flagger.validate_canary,
}

_UPDATE: dict[str, Callable[[Any, Any], list[FieldError]]] = {
    "Deployment": apps.validate_deployment_update,
    "ReplicaSet": apps.validate_replica_set_update,
    "Pod": core.validate_pod_update,
    "Namespace": core.validate_namespace_update,
    "Node": core.validate_node_update,
    "StatefulSet": apps.validate_stateful_set_update,
    "DaemonSet": apps.validate_daemon_set_update,
    "ControllerRevision": apps.validate_controller_revision_update,
    "Job": batch.validate_job_update,
    "CronJob": batch.validate_cron_job_update,
    "HorizontalPodAutoscaler": autoscaling.validate_horizontal_pod_autoscaler_update,
    "Service": service.validate_service_update,
    "EndpointSlice": service.validate_endpoint_slice_update,
    "Endpoints": service.validate_endpoints_update,
    "PodDisruptionBudget": policy.validate_pod_disruption_budget_update,
    "Canary": flagger.validate_canary_update,
}

_RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """path.ValidatePathSegmentName: not `.` or `..` (whole names), no `/` or `%`."""
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def name_function(kind: str) -> NameFn:
    """The ValidateNameFunc a kind's strategy passes to ValidateObjectMeta."""
    if kind == "Namespace":
        return validate_namespace_name
    if kind == "Service":
        return name_is_dns1035_label
    if kind == "StatefulSet":
        return name_is_dns_label
    if kind in _RBAC_KINDS:
        return validate_path_segment_name
    return name_is_dns_subdomain


def validate_create(obj: Any) -> list[FieldError]:
    """The field errors Kubernetes reports when `obj` is created (empty if valid)."""
    kind = obj.kind or ""
    validator = _CREATE.get(kind)
    if validator is not None:
        return validator(obj) + validate_durations(obj)
    return core.validate_meta(obj.metadata, is_namespaced(obj), name_function(kind))


def validate_update(new: Any, old: Any) -> list[FieldError]:
    """The field errors Kubernetes reports when `old` is replaced by `new`."""
    kind = new.kind or ""
    validator = _UPDATE.get(kind)
    if validator is not None:
        return validator(new, old) + validate_durations(new)
    return core.validate_object_meta_update(new.metadata, old.metadata)


_STATUS_UPDATE: dict[str, Callable[[Any, Any], list[FieldError]]] = {
    "Deployment": apps.validate_deployment_status_update,
    "ReplicaSet": apps.validate_replica_set_status_update,
    "StatefulSet": apps.validate_stateful_set_status_update,
    "DaemonSet": apps.validate_daemon_set_status_update,
    "Job": batch.validate_job_status_update,
    "HorizontalPodAutoscaler": autoscaling.validate_horizontal_pod_autoscaler_status_update,
}


def validate_status_update(new: Any, old: Any) -> list[FieldError]:
    """The field errors of a write to the status subresource: the status strategies validate
    the status (and the metadata update), not the spec."""
    validator = _STATUS_UPDATE.get(new.kind or "")
    if validator is not None:
        return validator(new, old)
    return core.validate_object_meta_update(new.metadata, old.metadata)


__all__ = ["name_function", "validate_create", "validate_status_update", "validate_update"]
