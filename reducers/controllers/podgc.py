"""The pod garbage collector: force-deletes pods no kubelet will ever finish.

One `sync` is one gc() pass: terminated pods over the threshold (oldest first, evicted ones
before), terminating pods on not-ready nodes tainted out-of-service, pods bound to nodes that
no longer exist (after a 40 s quarantine), and terminating pods never scheduled. Each is marked
Failed (orphans also get the DisruptionTarget condition "PodGC: node no longer exists") and
deleted with grace period 0.

Keys: "" is a plain pass; "quarantine@<unix seconds>" is a pass that also deletes orphaned pods,
due at that time (Go's nodeQueue.AddAfter(nodeName, quarantineTime)).

Models (v1.34): pkg/controller/podgc/gc_controller.go (gc, gcTerminated, gcTerminating,
gcOrphaned with discoverDeletedNodes, gcUnscheduledTerminating, byEvictionAndCreationTimestamp,
markFailedAndDeletePodWithCondition, isPodTerminated); kube-controller-manager's
--terminated-pod-gc-threshold default 12500.

Simplifies:
- Go runs gc() every 20 s (gcCheckPeriod); here a pass runs when a write makes it useful: a pod
  turning terminal, being deleted, or bound to a missing node, a node deleted or tainted. The
  quarantine starts when the orphan (or the node's deletion) is first seen, and the orphans of
  every node still missing when it ends are deleted then.
- The API GET that confirms a node is gone reads the cluster value.

Covered by: tests/test_podgc.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.objects import Condition, Pod
from kubefold.core.podutil import update_pod_condition
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "pod-garbage-collector"
TERMINATED_POD_GC_THRESHOLD = 12500
QUARANTINE_TIME = 40
QUARANTINE_PREFIX = "quarantine@"
TAINT_NODE_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"


def is_pod_terminated(pod: Pod) -> bool:
    """isPodTerminated: any phase but Pending, Running and Unknown."""
    return pod.status.phase not in ("Pending", "Running", "Unknown", None)


def is_pod_terminating(pod: Pod) -> bool:
    return pod.metadata.deletion_timestamp is not None


def _eviction_and_creation_order(pod: Pod) -> tuple[bool, int, str]:
    """byEvictionAndCreationTimestamp: evicted first, then oldest, then by name."""
    evicted = pod.status.phase == "Failed" and pod.status.reason == "Evicted"
    return (not evicted, pod.metadata.creation_timestamp or 0, pod.metadata.name or "")


def mark_failed_and_delete_pod(cluster: Cluster, pod: Pod,
                               condition: Condition | None = None) -> Cluster | Status:
    """markFailedAndDeletePodWithCondition: phase Failed (and the condition) unless already
    terminal, then delete with grace period 0."""
    if pod.status.phase not in ("Succeeded", "Failed"):
        status = attrs.evolve(pod.status, phase="Failed")
        if condition is not None:
            status, _ = update_pod_condition(status, condition, cluster.now)
        result = apiserver.update_status(cluster, attrs.evolve(pod, status=status))
        if isinstance(result, Status):
            return result
        cluster = result.cluster
    deleted = apiserver.delete(cluster, "Pod", pod.metadata.namespace, pod.metadata.name,
                               grace_period_seconds=0)
    return deleted if isinstance(deleted, Status) else deleted.cluster


def _delete_all(cluster: Cluster, pods: list[Pod], condition: Condition | None = None
                ) -> Cluster | Status:
    for pod in pods:
        current = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name)
        if current is None:
            continue
        result = mark_failed_and_delete_pod(cluster, current, condition)
        if isinstance(result, Status):
            return result
        cluster = result
    return cluster


def gc_terminated(cluster: Cluster, pods: list[Pod]) -> Cluster | Status:
    """gcTerminated: delete the terminated pods beyond the threshold."""
    terminated = [p for p in pods if is_pod_terminated(p)]
    delete_count = len(terminated) - TERMINATED_POD_GC_THRESHOLD
    if delete_count <= 0:
        return cluster
    terminated.sort(key=_eviction_and_creation_order)
    return _delete_all(cluster, terminated[:delete_count])


def _node_ready(node: Any) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)


def gc_terminating(cluster: Cluster, pods: list[Pod]) -> Cluster | Status:
    """gcTerminating: terminating pods on not-ready nodes tainted out-of-service."""
    doomed = []
    for pod in pods:
        if not is_pod_terminating(pod):
            continue
        node = cluster.get("Node", "", pod.spec.node_name or "")
        if node is None or _node_ready(node):
            continue
        if any(t.key == TAINT_NODE_OUT_OF_SERVICE for t in node.spec.taints):
            doomed.append(pod)
    doomed.sort(key=_eviction_and_creation_order)
    return _delete_all(cluster, doomed)


ORPHAN_CONDITION = Condition(type="DisruptionTarget", status="True", reason="DeletionByPodGC",
                             message="PodGC: node no longer exists")


def gc_orphaned(cluster: Cluster, pods: list[Pod], quarantine_over: bool) -> Cluster | Status:
    """gcOrphaned: pods bound to missing nodes; quarantined first, deleted when it ends."""
    orphans = [p for p in pods if p.spec.node_name
               and cluster.get("Node", "", p.spec.node_name) is None]
    if not orphans:
        return cluster
    if not quarantine_over:
        return cluster.enqueue_after(NAME, quarantine_key(cluster.now + QUARANTINE_TIME),
                                     QUARANTINE_TIME)
    return _delete_all(cluster, orphans, ORPHAN_CONDITION)


def gc_unscheduled_terminating(cluster: Cluster, pods: list[Pod]) -> Cluster | Status:
    """gcUnscheduledTerminating: terminating pods never bound to a node."""
    return _delete_all(cluster, [p for p in pods if is_pod_terminating(p)
                                 and not p.spec.node_name])


def quarantine_key(due: int) -> str:
    return f"{QUARANTINE_PREFIX}{due}"


def gc(cluster: Cluster, quarantine_over: bool) -> Cluster | Status:
    """gc: the four collections, in Go's order."""
    steps = [gc_terminated, gc_terminating,
             lambda c, p: gc_orphaned(c, p, quarantine_over), gc_unscheduled_terminating]
    result: Cluster | Status = cluster
    for step in steps:
        assert isinstance(result, Cluster)
        result = step(result, sorted(result.list("Pod"), key=_pod_ref))
        if isinstance(result, Status):
            return result
    return result


def _pod_ref(pod: Pod) -> tuple[str, str]:
    return (pod.metadata.namespace or "", pod.metadata.name or "")


def sync(cluster: Cluster, key: str) -> Cluster:
    """One gc() pass; a quarantine key waits for its time, then includes the orphans."""
    quarantine_over = False
    if key.startswith(QUARANTINE_PREFIX):
        due = int(key[len(QUARANTINE_PREFIX):])
        if cluster.now < due:
            return cluster.enqueue_after(NAME, key, due - cluster.now)
        quarantine_over = True
    result = gc(cluster, quarantine_over)
    if isinstance(result, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    return result.forget(NAME, key)


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The writes after which a gc pass has work: a pod terminal, terminating, or bound to a
    missing node; a node deleted, or given the out-of-service taint."""
    if change.kind == "Node":
        if change.new is None:
            return [quarantine_key(cluster.now + QUARANTINE_TIME)]
        if any(t.key == TAINT_NODE_OUT_OF_SERVICE for t in change.new.spec.taints):
            return [""]
        return []
    if change.kind != "Pod" or change.new is None:
        return []
    pod = change.new
    if pod.spec.node_name and cluster.get("Node", "", pod.spec.node_name) is None:
        return [quarantine_key(cluster.now + QUARANTINE_TIME)]
    if is_pod_terminating(pod) and (not pod.spec.node_name or change.old is None
                                    or not is_pod_terminating(change.old)):
        return [""]
    if is_pod_terminated(pod) and (change.old is None or not is_pod_terminated(change.old)):
        return [""]
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Node", "Pod"}))
