"""Restarting a Rollout's pods (spec.restartAt, which `kubectl argo rollouts restart` sets):
pods created before restartAt are evicted through the Eviction API, as many at a time as
maxUnavailable allows, stable ReplicaSet first; status.restartedAt records when all are new.

Models: rollout/restart.go (RolloutPodRestarter.checkEnqueueRollout, Reconcile,
getRolloutPods, getAvailablePodCount, SortReplicaSetsByPriority; restartPodCheckTime 30 s),
argo-rollouts at 9f8d111.
Covered by: tests/test_rollouts_kubectl.py (restart).
"""

from __future__ import annotations

import functools
from typing import Any

from kubefold.core.errors import Status
from kubefold.core.podutil import is_pod_available
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import get_replicas_or_default

RESTART_POD_CHECK_TIME = 30


def _priority(c: RolloutContext) -> list[Any]:
    """SortReplicaSetsByPriority: stable, new, then by creation."""
    stable = c.stable_rs.metadata.name if c.stable_rs is not None else ""
    new = c.new_rs.metadata.name if c.new_rs is not None else ""

    def cmp(a: Any, b: Any) -> int:
        for name in (stable, new):
            if a.metadata.name == name:
                return -1
            if b.metadata.name == name:
                return 1
        ka = (a.metadata.creation_timestamp or 0, a.metadata.name)
        kb = (b.metadata.creation_timestamp or 0, b.metadata.name)
        return -1 if ka < kb else (1 if ka > kb else 0)
    return sorted(c.all_rss, key=functools.cmp_to_key(cmp))


def reconcile(c: RolloutContext) -> tuple[int, Err]:
    """Reconcile: (pods evicted this sync, error)."""
    ro = c.rollout
    restart_at = ro.spec.restart_at
    if restart_at is not None and restart_at > c.now:
        c.enqueue_after(restart_at - c.now)
    if not rsutil.needs_restart(ro, c.now):
        return 0, None
    rss = _priority(c)
    pods = [p for rs in rss for p in c.cluster.owned_by(rs.metadata.uid or "", "Pod")]
    total = rsutil.get_replica_count_for_replica_sets(rss)
    replicas = get_replicas_or_default(ro.spec.replicas)
    min_ready = ro.spec.min_ready_seconds or 0
    available = sum(1 for p in pods if p.metadata.deletion_timestamp is None
                    and is_pod_available(p, min_ready, c.now))
    concurrent = max(rsutil.max_unavailable(ro), 1)
    can_restart = available - (max(replicas, total) - concurrent)
    restarted = needs = 0
    for pod in pods:
        if (pod.metadata.creation_timestamp or 0) >= (restart_at or 0):
            continue
        needs += 1
        if can_restart <= 0 or pod.metadata.deletion_timestamp is not None:
            continue
        evicted = apiserver.evict(c.cluster, pod.metadata.namespace, pod.metadata.name)
        if isinstance(evicted, Status):
            if evicted.code == 429:
                continue
            return restarted, evicted
        c.cluster = evicted.cluster
        can_restart -= 1
        restarted += 1
    if needs - restarted != 0:
        c.enqueue_after(RESTART_POD_CHECK_TIME)
    else:
        c.set_restarted_at()
    return restarted, None
