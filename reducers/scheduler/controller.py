"""kube-scheduler as a controller: key `namespace/pod`, one sync = one scheduling cycle.

Models (v1.34): pkg/scheduler/eventhandlers.go (addAllEventHandlers: unassigned pods for one
of the profiles are queued on add and on update (isPodUpdated: a change beyond status,
resourceVersion, generation and finalizers); node add, node update and the deletion of an
assigned pod move the unschedulable pods (MoveAllToActiveOrBackoffQueue)), scheduler.go
(profiles by schedulerName; the pod informer without terminal pods), and the
KubeSchedulerConfiguration the scheduler is started with (here: a stored object of that kind).
Simplifies:
- No queueing hints: every node add, node update (labels, taints, allocatable, unschedulable,
  conditions, annotations) and every deletion (or end) of an assigned pod moves all pending
  pods; a pod still backing off waits in `sync` until its backoff expires.
- Pods are taken in queue order, not PrioritySort order.
Covered by: tests/test_scheduler_cycle.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.objects import Pod
from kubefold.core.resources import TERMINAL_PHASES
from kubefold.reducers.controlplane import Controller
from kubefold.reducers.scheduler import queue
from kubefold.reducers.scheduler.config import SchedulerConfig, config_of
from kubefold.reducers.scheduler.cycle import DEFAULT_SCHEDULER_NAME, schedule_one

NAME = queue.CONTROLLER
CONFIG_KIND = "KubeSchedulerConfiguration"


def scheduler_config(cluster: Cluster) -> SchedulerConfig:
    """The stored KubeSchedulerConfiguration (the first one, if several), or the defaults."""
    return config_of(next(iter(cluster.list(CONFIG_KIND)), None))


def sync(cluster: Cluster, key: str) -> Cluster:
    waiting = queue.defer_if_backing_off(cluster, key)
    if waiting is not None:
        return waiting
    namespace, _, name = key.partition("/")
    pod = cluster.get("Pod", namespace, name)
    if pod is None:
        return queue.done(cluster, key)
    config = scheduler_config(cluster)
    profile = config.profiles.get(pod.spec.scheduler_name or DEFAULT_SCHEDULER_NAME)
    if profile is None:
        return cluster
    return schedule_one(cluster, key, profile, config.percentage_of_nodes_to_score)


# -- informers --------------------------------------------------------------------------------


def _key(pod: Pod) -> str:
    return f"{pod.metadata.namespace}/{pod.metadata.name}"


def _pending(cluster: Cluster, pod: Pod) -> bool:
    """Unassigned, not terminal, not being deleted, and for one of our profiles."""
    return (not pod.spec.node_name and pod.status.phase not in TERMINAL_PHASES
            and pod.metadata.deletion_timestamp is None
            and (pod.spec.scheduler_name or DEFAULT_SCHEDULER_NAME)
            in scheduler_config(cluster).profiles)


def _strip(pod: Pod) -> Pod:
    meta = attrs.evolve(pod.metadata, resource_version=None, generation=None,
                        finalizers=pvector())
    return attrs.evolve(pod, metadata=meta, status=type(pod.status)())


def is_pod_updated(old: Pod, new: Pod) -> bool:
    return _strip(old) != _strip(new)


def move_all_to_active_or_backoff_queue(cluster: Cluster) -> list[str]:
    """Every pending pod of ours (the unscheduled pods index), in key order."""
    keys = []
    for namespace, name in sorted(cluster.unscheduled_pods):
        pod = cluster.get("Pod", namespace, name)
        if pod is not None and _pending(cluster, pod):
            keys.append(f"{namespace}/{name}")
    return keys



def _node_changed(old: Any, new: Any) -> bool:
    """nodeSchedulingPropertiesChange: allocatable, labels, taints, conditions,
    unschedulable or annotations changed."""
    return (old.status.allocatable != new.status.allocatable
            or old.metadata.labels != new.metadata.labels
            or old.metadata.annotations != new.metadata.annotations
            or old.spec.taints != new.spec.taints
            or old.spec.unschedulable != new.spec.unschedulable
            or [(c.type, c.status) for c in old.status.conditions]
            != [(c.type, c.status) for c in new.status.conditions])


def watch(cluster: Cluster, change: Change) -> list[str]:
    if change.kind == "Node":
        if change.new is None:
            return []
        if change.old is None or _node_changed(change.old, change.new):
            return move_all_to_active_or_backoff_queue(cluster)
        return []
    if change.kind != "Pod":
        return []
    old, new = change.old, change.new
    if new is not None and _pending(cluster, new):
        if old is None or old.spec.node_name or is_pod_updated(old, new):
            return [_key(new)]
        return []
    # An assigned pod deleted or finished frees its node's resources.
    was_assigned = old is not None and old.spec.node_name and \
        old.status.phase not in TERMINAL_PHASES
    gone = new is None or new.status.phase in TERMINAL_PHASES
    if was_assigned and gone:
        return move_all_to_active_or_backoff_queue(cluster)
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Node", "Pod"}))
