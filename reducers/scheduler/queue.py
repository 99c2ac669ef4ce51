"""The scheduling queue's per-pod bookkeeping: attempts and backoff.

Models: pkg/scheduler/backend/queue (v1.34): scheduling_queue.go (Pop counts an attempt;
AddUnschedulableIfNotPresent puts a rejected pod in unschedulablePods and a failed one in
backoffQ; MoveAllToActiveOrBackoffQueue sends a pod still backing off to backoffQ, else to
activeQ; flushUnschedulablePodsLeftover after podMaxInUnschedulablePodsDuration),
backoff_queue.go calculateBackoffDuration (podInitialBackoffSeconds 1, doubling per attempt,
capped at podMaxBackoffSeconds 10).
Storage: the attempts and the backoff expiry live in the cluster's work queue failure map
(`WorkQueue.failures`), under the items ("scheduler", key) and ("scheduler/backoff", key): the
same persistent map `enqueue_rate_limited` uses, so they travel with the cluster value.
Simplifies:
- activeQ, backoffQ and unschedulablePods are one work queue: a pod popped while still backing
  off is put back until its expiry (`defer_if_backing_off`), which is where backoffQ would have
  held it.
- The SchedulerPopFromBackoffQ behaviour (v1.33+: pop from backoffQ when activeQ is empty) and
  the 1-second backoff windows are not modelled; backoff is always waited out.
- The leftover flush is a timer `podMaxInUnschedulablePodsDuration` (300 s) after each
  rejection, not a 30 s ticker.
Covered by: tests/test_scheduler_cycle.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster

CONTROLLER = "scheduler"
BACKOFF_ITEM = "scheduler/backoff"
POD_INITIAL_BACKOFF_SECONDS = 1
POD_MAX_BACKOFF_SECONDS = 10
POD_MAX_IN_UNSCHEDULABLE_PODS_SECONDS = 300


def attempts(cluster: Cluster, key: str) -> int:
    """QueuedPodInfo.Attempts: the scheduling attempts made for the pod so far."""
    return cluster.queue.failures.get((CONTROLLER, key), 0)


def calculate_backoff_duration(num_attempts: int) -> int:
    """backoffQueue.calculateBackoffDuration: 0 before any attempt, then 1 s doubling, capped
    at 10 s."""
    if num_attempts == 0:
        return 0
    duration = POD_INITIAL_BACKOFF_SECONDS
    for _ in range(1, num_attempts):
        if duration > POD_MAX_BACKOFF_SECONDS - duration:
            return POD_MAX_BACKOFF_SECONDS
        duration += duration
    return duration


def backoff_expiry(cluster: Cluster, key: str) -> int | None:
    return cluster.queue.failures.get((BACKOFF_ITEM, key))


def is_pod_backing_off(cluster: Cluster, key: str) -> bool:
    expiry = backoff_expiry(cluster, key)
    return expiry is not None and expiry > cluster.now


def _set(cluster: Cluster, item: tuple[str, str], value: int) -> Cluster:
    queue = cluster.queue
    return attrs.evolve(cluster, queue=attrs.evolve(queue, failures=queue.failures.set(item,
                                                                                       value)))


def record_attempt(cluster: Cluster, key: str) -> Cluster:
    """Pop: one more attempt."""
    return _set(cluster, (CONTROLLER, key), attempts(cluster, key) + 1)


def _record_failure(cluster: Cluster, key: str) -> Cluster:
    expiry = cluster.now + calculate_backoff_duration(attempts(cluster, key))
    return _set(cluster, (BACKOFF_ITEM, key), expiry)


def add_unschedulable(cluster: Cluster, key: str) -> Cluster:
    """A rejected pod waits in unschedulablePods for an event, or for the leftover flush."""
    cluster = _record_failure(cluster, key)
    return cluster.enqueue_after(CONTROLLER, key, POD_MAX_IN_UNSCHEDULABLE_PODS_SECONDS)


def add_backoff(cluster: Cluster, key: str) -> Cluster:
    """A pod that failed with an error goes to backoffQ: retried when its backoff expires."""
    cluster = _record_failure(cluster, key)
    return cluster.enqueue_after(CONTROLLER, key, max(
        1, (backoff_expiry(cluster, key) or cluster.now) - cluster.now))


def defer_if_backing_off(cluster: Cluster, key: str) -> Cluster | None:
    """A pod moved to the queue while still backing off waits for its expiry (backoffQ);
    None when it may be scheduled now."""
    expiry = backoff_expiry(cluster, key)
    if expiry is None or expiry <= cluster.now:
        return None
    return cluster.enqueue_after(CONTROLLER, key, expiry - cluster.now)


def done(cluster: Cluster, key: str) -> Cluster:
    """The pod left the queue for good (bound or gone): drop its bookkeeping."""
    queue = cluster.queue.forget_all((CONTROLLER, key), (BACKOFF_ITEM, key))
    if queue is cluster.queue:
        return cluster
    return attrs.evolve(cluster, queue=queue)
