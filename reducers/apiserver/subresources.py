"""Subresources the API server serves beside the main resource: pods/binding and */scale.

Models (v1.34): pkg/registry/core/pod/storage/storage.go (BindingREST.Create ->
setPodNodeAndMetadata), pkg/registry/apps/deployment/storage (ScaleREST Get/Update,
scaleFromDeployment) and the scale subresources of ReplicaSets, StatefulSets and
ReplicationControllers, and the scale subresource of a custom resource
(apiextensions-apiserver's scale: specReplicasPath, statusReplicasPath, labelSelectorPath);
the Eviction subresource is in eviction.py.
Simplifies: a scale request carries no resourceVersion precondition. A custom resource has a
scale subresource when it has an integer spec.replicas (its CRD is not consulted); its
replicas are read at .spec.replicas and .status.replicas and its selector at .status.selector
or .spec.selector.
Covered by: tests/test_apiserver.py, tests/test_scheduler_cycle.py, tests/test_autoscaling_api.py
(the scale subresource), tests/test_hpa_e2e.py (a custom resource scaled by an HPA).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyrsistent import pmap

from kubefold.core.autoscaling import Scale
from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, conflict, invalid, invalid_status, not_found_status
from kubefold.core.kinds import kind_info
from kubefold.core.labels import label_selector_as_selector, selector_from_set
from kubefold.core.objects import Condition, GenericObject, LabelSelector
from kubefold.core.schema import DecodeError, TypeMismatch, decode, replace, thaw
from kubefold.reducers.apiserver.store import (
    Result,
    cannot_be_handled,
    put_at_next_revision,
    set_condition,
    update,
    with_meta,
)


def bind(cluster: Cluster, namespace: str, name: str, node_name: str) -> Result:
    """POST pods/binding (BindingREST.Create -> setPodNodeAndMetadata): set spec.nodeName of
    an unbound pod, not being deleted and without scheduling gates, and its PodScheduled
    condition to True, in one write."""
    old = cluster.get("Pod", namespace, name)
    if old is None:
        return not_found_status("pods", name)
    if old.metadata.deletion_timestamp is not None:
        return conflict("pods/binding", name,
                        f"pod {name} is being deleted, cannot be assigned to a host")
    if old.spec.node_name:
        return conflict("pods/binding", name,
                        f'pod {name} is already assigned to node "{old.spec.node_name}"')
    if old.spec.extra.get("schedulingGates"):
        return conflict("pods/binding", name,
                        f"pod {name} has non-empty .spec.schedulingGates")
    scheduled = Condition(type="PodScheduled", status="True", last_transition_time=cluster.now)
    for c in old.status.conditions:
        if c.type == "PodScheduled" and c.status == "True":
            scheduled = replace(scheduled, last_transition_time=c.last_transition_time)
    new = replace(old, spec=replace(old.spec, node_name=node_name),
                  status=replace(old.status, conditions=set_condition(old.status.conditions,
                                                                      scheduled)))
    return put_at_next_revision(cluster, new)


SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})


def _generic_part(obj: Any, part: str) -> Any:
    value = obj.extra.get(part) if isinstance(obj, GenericObject) else None
    return value if isinstance(value, Mapping) else None


def _scalable(obj: Any) -> bool:
    """Whether `obj` has a scale subresource: a built-in scalable kind, or any object with an
    integer spec.replicas (a custom resource whose CRD declares `subresources.scale`)."""
    if obj.kind in SCALABLE and not isinstance(obj, GenericObject):
        return True
    spec = _generic_part(obj, "spec")
    replicas = spec.get("replicas") if spec is not None else None
    return isinstance(replicas, int) and not isinstance(replicas, bool)


def _selector_string(obj: Any) -> str:
    """status.selector of the Scale: the LabelSelector's string (Deployment, ReplicaSet,
    StatefulSet), the label map's (ReplicationController), or for a custom resource the string
    at status.selector or spec.selector (a labelSelectorPath), or spec.selector's LabelSelector
    as a string. Empty when there is none or it does not parse."""
    spec = getattr(obj, "spec", None)
    try:
        if spec is not None and hasattr(spec, "selector") and not isinstance(obj, GenericObject):
            return str(label_selector_as_selector(spec.selector)) if spec.selector else ""
        status = _generic_part(obj, "status") or {}
        spec_map = _generic_part(obj, "spec") or {}
        if isinstance(status.get("selector"), str):
            return str(status["selector"])
        chosen = spec_map.get("selector")
        if isinstance(chosen, str):
            return chosen
        if isinstance(chosen, Mapping) and obj.kind == "ReplicationController":
            return str(selector_from_set({str(k): str(v) for k, v in chosen.items()}))
        if isinstance(chosen, Mapping):
            return str(label_selector_as_selector(decode(LabelSelector, thaw(chosen))))
    except (ValueError, DecodeError):
        return ""
    return ""


def get_scale(cluster: Cluster, kind: str, namespace: str | None, name: str) -> Scale | Status:
    """GET on the scale subresource (ScaleREST.Get, scaleFromDeployment and its kin, and a
    custom resource's scale): spec.replicas, status.replicas and the selector string."""
    info = kind_info(kind)
    obj = cluster.get(kind, namespace or "default", name)
    if obj is None:
        return not_found_status(info.qualified_resource, name)
    if not _scalable(obj):
        return not_found_status(f"{info.qualified_resource}/scale", name)
    if isinstance(obj, GenericObject):
        spec = _generic_part(obj, "spec") or {}
        status = _generic_part(obj, "status") or {}
        spec_replicas, status_replicas = spec.get("replicas"), status.get("replicas")
    else:
        spec_replicas, status_replicas = obj.spec.replicas, obj.status.replicas
    spec_replicas = spec_replicas if isinstance(spec_replicas, int) else 1
    return Scale(kind, obj.metadata.namespace or "", name, spec_replicas,
                 status_replicas if isinstance(status_replicas, int) else 0,
                 _selector_string(obj))


def scale(cluster: Cluster, kind: str, namespace: str | None, name: str, replicas: int) -> Result:
    """PUT on the scale subresource: spec.replicas."""
    info = kind_info(kind)
    old = cluster.get(kind, namespace or "default", name)
    if old is None and kind not in SCALABLE:
        return not_found_status(f"{info.qualified_resource}/scale", name)
    if old is None:
        return not_found_status(info.qualified_resource, name)
    if not _scalable(old):
        return not_found_status(f"{info.qualified_resource}/scale", name)
    if not -(2**31) <= replicas < 2**31:  # ScaleSpec.Replicas is an int32
        return cannot_be_handled("Scale", "autoscaling/v1", TypeMismatch(
            "spec.replicas", replicas, "int32", literal=True).in_struct_named("ScaleSpec"))
    if replicas < 0:
        return invalid_status("Scale.autoscaling", name, [
            invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
    if isinstance(old, GenericObject):
        spec = _generic_part(old, "spec") or pmap()
        new = replace(old, extra=old.extra.set("spec", spec.set("replicas", replicas)))
    else:
        new = replace(old, spec=replace(old.spec, replicas=replicas))
    return update(cluster, with_meta(new, resource_version=None))
