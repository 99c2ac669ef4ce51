"""Subresources the API server serves beside the main resource: pods/binding and */scale.

Models (v1.34): pkg/registry/core/pod/storage/storage.go (BindingREST.Create ->
setPodNodeAndMetadata), pkg/registry/apps/deployment/storage (ScaleREST) and the scale
subresources of ReplicaSets and StatefulSets; the Eviction subresource is in eviction.py.
Simplifies: a scale request carries no resourceVersion precondition.
Covered by: tests/test_apiserver.py, tests/test_scheduler_cycle.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import conflict, invalid, invalid_status, not_found_status
from kubefold.core.kinds import kind_info
from kubefold.core.objects import Condition
from kubefold.core.schema import TypeMismatch
from kubefold.reducers.apiserver.store import (
    Result,
    Written,
    cannot_be_handled,
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
    new = attrs.evolve(old, spec=attrs.evolve(old.spec, node_name=node_name))
    scheduled = Condition(type="PodScheduled", status="True", last_transition_time=cluster.now)
    for c in old.status.conditions:
        if c.type == "PodScheduled" and c.status == "True":
            scheduled = attrs.evolve(scheduled, last_transition_time=c.last_transition_time)
    new = attrs.evolve(new, status=attrs.evolve(
        new.status, conditions=set_condition(new.status.conditions, scheduled)))
    rv, cluster = cluster.bump_resource_version()
    new = with_meta(new, resource_version=rv)
    return Written(cluster.put(new), new)


SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})


def scale(cluster: Cluster, kind: str, namespace: str | None, name: str, replicas: int) -> Result:
    """PUT on the scale subresource: spec.replicas."""
    info = kind_info(kind)
    if kind not in SCALABLE:
        return not_found_status(f"{info.qualified_resource}/scale", name)
    old = cluster.get(kind, namespace or "default", name)
    if old is None:
        return not_found_status(info.qualified_resource, name)
    if not -(2**31) <= replicas < 2**31:  # ScaleSpec.Replicas is an int32
        return cannot_be_handled("Scale", "autoscaling/v1", TypeMismatch(
            "spec.replicas", replicas, "int32", literal=True).in_struct_named("ScaleSpec"))
    if replicas < 0:
        return invalid_status("Scale.autoscaling", name, [
            invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
    new = attrs.evolve(old, spec=attrs.evolve(old.spec, replicas=replicas))
    return update(cluster, with_meta(new, resource_version=None))
