"""The taint eviction controller.

`taint-eviction` (key: a node's name) deletes the pods of a node with NoExecute taints: at once
when a taint is not tolerated, after the smallest tolerationSeconds otherwise (300 s from the
DefaultTolerationSeconds admission plugin), after adding the DisruptionTarget condition.

Models (v1.34): pkg/controller/tainteviction/taint_eviction.go (processPodOnNode,
getMinTolerationTime, addConditionAndDeletePod, PodUpdated, NodeUpdated), k8s.io/api core/v1
helpers (GetMatchingTolerations; ToleratesTaint is core/scheduling.py's).

Simplifies:
- An eviction is due at max(the earliest NoExecute taint's timeAdded, the pod's creation) +
  the smallest tolerationSeconds (Go: the time the controller first saw both); pods already
  being deleted are left alone.
- No events or metrics.

Covered by: tests/test_node_lifecycle.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.objects import Condition, Node, Pod, Taint, Toleration
from kubefold.core.podutil import update_pod_condition
from kubefold.core.scheduling import tolerates_taint
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "taint-eviction"


def get_matching_tolerations(taints: Sequence[Taint], tolerations: Sequence[Toleration]
                             ) -> tuple[bool, list[Toleration]]:
    """GetMatchingTolerations: whether every taint is tolerated, and the tolerations used."""
    if not taints:
        return True, []
    used = []
    for taint in taints:
        found = next((t for t in tolerations if tolerates_taint(t, taint)), None)
        if found is None:
            return False, []
        used.append(found)
    return True, used


def get_min_toleration_time(tolerations: Sequence[Toleration]) -> int:
    """getMinTolerationTime: the smallest tolerationSeconds, 0 for none, -1 for forever."""
    if not tolerations:
        return 0
    seconds = [t.toleration_seconds for t in tolerations if t.toleration_seconds is not None]
    if any(s <= 0 for s in seconds):
        return 0
    return min(seconds) if seconds else -1


def add_condition_and_delete_pod(cluster: Cluster, pod: Pod) -> Cluster | Status:
    """addConditionAndDeletePod: DisruptionTarget (DeletionByTaintManager), then delete."""
    condition = Condition(type="DisruptionTarget", status="True",
                          reason="DeletionByTaintManager",
                          message="Taint manager: deleting due to NoExecute taint")
    status, changed = update_pod_condition(pod.status, condition, cluster.now)
    if changed:
        result = apiserver.update_status(cluster, attrs.evolve(pod, status=status))
        if isinstance(result, Status):
            return result
        cluster = result.cluster
    deleted = apiserver.delete(cluster, "Pod", pod.metadata.namespace, pod.metadata.name)
    return deleted if isinstance(deleted, Status) else deleted.cluster


def process_pod_on_node(cluster: Cluster, pod: Pod, taints: Sequence[Taint]
                        ) -> tuple[Cluster | Status, int | None]:
    """processPodOnNode: evict now, later (returns when), or never."""
    all_tolerated, used = get_matching_tolerations(taints, pod.spec.tolerations)
    if not all_tolerated:
        return add_condition_and_delete_pod(cluster, pod), None
    wait = get_min_toleration_time(used)
    if wait < 0:
        return cluster, None
    start = min((t.time_added for t in taints if t.time_added is not None),
                default=cluster.now)
    due = max(start, pod.metadata.creation_timestamp or start) + wait
    if cluster.now >= due:
        return add_condition_and_delete_pod(cluster, pod), None
    return cluster, due


def no_execute_taints(node: Node) -> list[Taint]:
    return [t for t in node.spec.taints if t.effect == "NoExecute"]


def sync(cluster: Cluster, key: str) -> Cluster:
    """handleNodeUpdate and the timed evictions of node `key`'s pods."""
    node = cluster.get("Node", "", key)
    if node is None:
        return cluster.forget(NAME, key)
    taints = no_execute_taints(node)
    dues: list[int] = []
    if taints:
        for pod in cluster.pods_on_node(key):
            if pod.metadata.deletion_timestamp is not None:
                continue
            result, due = process_pod_on_node(cluster, pod, taints)
            if isinstance(result, Status):
                return cluster.enqueue_rate_limited(NAME, key)
            cluster = result
            if due is not None:
                dues.append(due)
    if dues:
        cluster = cluster.enqueue_after(NAME, key, min(dues) - cluster.now)
    return cluster.forget(NAME, key)


def _tolerations(pod: Any) -> Any:
    return pod.spec.tolerations if pod is not None else ()


def watch(cluster: Cluster, change: Change) -> list[str]:
    """NodeUpdated (NoExecute taints changed) and PodUpdated (node or tolerations changed)."""
    if change.kind == "Node":
        old = no_execute_taints(change.old) if change.old is not None else None
        new = no_execute_taints(change.new) if change.new is not None else None
        return [change.name] if old != new else []
    if change.kind == "Pod":
        old_node = change.old.spec.node_name if change.old is not None else None
        new_node = change.new.spec.node_name if change.new is not None else None
        if change.old is not None and change.new is not None and old_node == new_node \
                and _tolerations(change.old) == _tolerations(change.new):
            return []
        node = new_node or old_node
        return [node] if node and change.new is not None else []
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Node", "Pod"}))
