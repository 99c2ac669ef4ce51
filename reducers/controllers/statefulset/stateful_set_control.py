"""defaultStatefulSetControl: one UpdateStatefulSet of a StatefulSet and its pods.

The revisions are listed and sorted; the current and update revisions found or created
(getStatefulSetRevisions); then updateStatefulSet: pods are put in their ordinal slots (the
ones outside `[start, start + replicas)` are condemned), missing ordinals get new pods at the
right revision, and each replica is processed in ordinal order (processReplica: delete a
finished pod, create a missing one with its claims, wait — under OrderedReady — for it to be
Running, Ready and Available, fix its identity and storage); condemned pods' claims are fixed
and the condemned deleted from the highest ordinal (processCondemned); then, for RollingUpdate,
the pod with the highest ordinal not at the update revision (and at or above the partition) is
deleted, one at a time, waiting for each to be available. The status is computed as Go computes
it and written when inconsistent; the history is truncated to revisionHistoryLimit.

Models (v1.34): pkg/controller/statefulset/stateful_set_control.go (UpdateStatefulSet,
performUpdate, ListRevisions, AdoptOrphanRevisions, truncateHistory, getStatefulSetRevisions,
slowStartBatch, computeReplicaStatus, updateStatus, processReplica, processCondemned,
runForAll, updateStatefulSet, updateStatefulSetStatus) and stateful_set_status_updater.go.
MaxUnavailableStatefulSet is alpha and off in v1.34: maxUnavailable is not read and a rolling
update deletes one pod at a time (updateStatefulSetAfterInvariantEstablished is not taken).

Simplifies:
- Parallel (burst) mode runs slowStartBatch's goroutines one after another, in ordinal order;
  a batch's errors are aggregated in that order.
- Errors are messages; the caller requeues with backoff as processNextWorkItem does.

Covered by: tests/test_stateful_set_control.py, tests/test_workloads_e2e.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubefold.core.apps import StatefulSet, StatefulSetStatus
from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.meta import get_controller_of
from kubefold.reducers import apiserver
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.statefulset import stateful_pod_control as spc
from kubefold.reducers.controllers.statefulset.stateful_set_utils import (
    API_VERSION,
    KIND,
    ON_DELETE,
    allows_burst,
    apply_revision,
    complete_rolling_update,
    get_ordinal,
    get_pod_revision,
    get_start_ordinal,
    identity_matches,
    inconsistent_status,
    is_created,
    is_failed,
    is_pending,
    is_running_and_available,
    is_running_and_ready,
    is_succeeded,
    is_terminating,
    is_unavailable,
    new_revision,
    new_versioned_stateful_set_pod,
    next_revision,
    pod_in_ordinal_range,
    replicas,
    storage_matches,
)

MAX_BATCH_SIZE = 500
Err = str | None


@attrs.frozen
class Updated:
    """What UpdateStatefulSet returns: the cluster, the status computed (None when it could not
    be), and the error."""

    cluster: Cluster
    status: StatefulSetStatus | None
    error: Err = None


def update_stateful_set(cluster: Cluster, sts: StatefulSet, pods: Sequence[Any]) -> Updated:
    """UpdateStatefulSet: performUpdate, then truncateHistory (whose error joins the other)."""
    revisions = history.sort_controller_revisions(list_revisions(cluster, sts))
    cluster, current, update, status, err = perform_update(cluster, sts, pods, revisions)
    cluster, history_err = truncate_history(cluster, sts, pods, revisions, current, update)
    errors = [e for e in (err, history_err) if e is not None]
    if err is not None:
        return Updated(cluster, None, spc.aggregate(errors))
    return Updated(cluster, status, spc.aggregate(errors))


def perform_update(cluster: Cluster, sts: StatefulSet, pods: Sequence[Any],
                   revisions: list[Any]) -> tuple[Cluster, Any, Any, Any, Err]:
    """performUpdate: the revisions, updateStatefulSet, then the status write."""
    cluster, current, update, collision_count, err = get_stateful_set_revisions(
        cluster, sts, revisions)
    if err is not None:
        return cluster, current, update, None, err
    cluster, status, err = update_stateful_set_pods(cluster, sts, current, update,
                                                    collision_count, pods)
    if err is not None and status is None:
        return cluster, current, update, None, err
    assert status is not None
    cluster, status_err = update_stateful_set_status(cluster, sts, status)
    return cluster, current, update, status, err if err is not None else status_err


def list_revisions(cluster: Cluster, sts: StatefulSet) -> list[Any]:
    """ListRevisions."""
    try:
        selector = label_selector_as_selector(sts.spec.selector)
    except ValueError:
        return []
    return history.list_controller_revisions(cluster, sts, selector)


def adopt_orphan_revisions(cluster: Cluster, sts: StatefulSet, revisions: Sequence[Any]
                           ) -> tuple[Cluster, Err]:
    """AdoptOrphanRevisions."""
    for revision in revisions:
        result = history.adopt_controller_revision(cluster, sts, API_VERSION, KIND, revision)
        if isinstance(result, Status):
            return cluster, result.message
        cluster = result.cluster
    return cluster, None


def truncate_history(cluster: Cluster, sts: StatefulSet, pods: Sequence[Any],
                     revisions: list[Any], current: Any, update: Any) -> tuple[Cluster, Err]:
    """truncateHistory: delete the oldest revisions that no pod, nor the current or update
    revision, uses, down to revisionHistoryLimit."""
    live = {r.metadata.name for r in (current, update) if r is not None}
    live |= {get_pod_revision(p) for p in pods}
    old = [r for r in revisions if r.metadata.name not in live]
    limit = sts.spec.revision_history_limit
    limit = 10 if limit is None else limit
    if limit < 0 or len(old) <= limit:
        return cluster, None
    for revision in old[:len(old) - limit]:
        result = history.delete_controller_revision(cluster, revision)
        if isinstance(result, Status):
            if result.reason == "NotFound":
                continue
            return cluster, result.message
        cluster = result.cluster
    return cluster, None


def get_stateful_set_revisions(cluster: Cluster, sts: StatefulSet, revisions: list[Any]
                               ) -> tuple[Cluster, Any, Any, int, Err]:
    """getStatefulSetRevisions: the update revision is the set's template (an equal revision
    reused — its number raised when it is not the last — or a new one created); the current
    revision is the one the status names, or the update revision."""
    collision_count = sts.status.collision_count or 0
    update = new_revision(sts, next_revision(revisions), collision_count)
    equal = history.find_equal_revisions(revisions, update)
    if equal and history.equal_revision(revisions[-1], equal[-1]):
        update = revisions[-1]
    elif equal:
        result = history.update_controller_revision(cluster, equal[-1], update.revision)
        if isinstance(result, Status):
            return cluster, None, None, collision_count, result.message
        cluster, update = result.cluster, result.object
    else:
        created = history.create_controller_revision(cluster, sts, update, collision_count)
        collision_count = created.collision_count
        if created.error is not None:
            return created.cluster, None, None, collision_count, created.error
        cluster, update = created.cluster, created.revision
    current = next((r for r in revisions
                    if r.metadata.name == sts.status.current_revision), None)
    return cluster, current or update, update, collision_count, None


def slow_start_batch(initial_batch_size: int, remaining: int,
                     fn: Callable[[Cluster, int], tuple[Cluster, bool, Err]], cluster: Cluster
                     ) -> tuple[Cluster, int, Err]:
    """slowStartBatch: fn over 0..remaining-1 in batches of 1, 2, 4, ... (at most 500); stop
    after a batch with errors."""
    successes, j = 0, 0
    batch = min(remaining, initial_batch_size)
    while batch > 0:
        errors = []
        for _ in range(batch):
            cluster, _, err = fn(cluster, j)
            j += 1
            if err is not None:
                errors.append(err)
        successes += batch - len(errors)
        if errors:
            return cluster, successes, spc.aggregate(errors)
        remaining -= batch
        batch = min(2 * batch, remaining, MAX_BATCH_SIZE)
    return cluster, successes, None


def compute_replica_status(pods: Sequence[Any], min_ready_seconds: int, current: Any,
                           update: Any, now: int) -> tuple[int, int, int, int, int]:
    """computeReplicaStatus: (replicas, ready, available, current, updated)."""
    count = ready = available = at_current = at_update = 0
    for pod in pods:
        if is_created(pod):
            count += 1
        if is_running_and_ready(pod):
            ready += 1
            if is_running_and_available(pod, min_ready_seconds, now):
                available += 1
        if is_created(pod) and not is_terminating(pod):
            revision = get_pod_revision(pod)
            if revision == current.metadata.name:
                at_current += 1
            if revision == update.metadata.name:
                at_update += 1
    return count, ready, available, at_current, at_update


def update_status(status: StatefulSetStatus, min_ready_seconds: int, current: Any, update: Any,
                  now: int, *pod_lists: Sequence[Any]) -> StatefulSetStatus:
    """updateStatus: the five counters over the pod lists."""
    totals = [0, 0, 0, 0, 0]
    for pods in pod_lists:
        for i, n in enumerate(compute_replica_status(pods, min_ready_seconds, current, update,
                                                     now)):
            totals[i] += n
    return attrs.evolve(status, replicas=totals[0], ready_replicas=totals[1],
                        available_replicas=totals[2], current_replicas=totals[3],
                        updated_replicas=totals[4])


def process_replica(cluster: Cluster, sts: StatefulSet, update_set: StatefulSet,
                    monotonic: bool, replica_pods: list[Any], i: int
                    ) -> tuple[Cluster, bool, Err]:
    """processReplica: returns (cluster, should exit, error)."""
    pod = replica_pods[i]
    mrs = sts.spec.min_ready_seconds or 0
    if is_failed(pod) or is_succeeded(pod):
        if pod.metadata.deletion_timestamp is None:
            cluster, rejected = spc.delete_stateful_pod(cluster, sts, pod)
            if rejected is not None:
                return cluster, True, rejected.message
        return cluster, True, None
    if not is_created(pod):
        stale, err = spc.pod_claim_is_stale(cluster, sts, pod)
        if err is not None or stale:
            return cluster, True, err
        cluster, err = spc.create_stateful_pod(cluster, sts, pod)
        if err is not None:
            return cluster, True, err
        if monotonic:
            return cluster, True, None
    if is_pending(pod):
        cluster, err = spc.create_missing_persistent_volume_claims(cluster, sts, pod)
        if err is not None:
            return cluster, True, err
    if is_terminating(pod) and monotonic:
        return cluster, True, None
    if not is_running_and_ready(pod) and monotonic:
        return cluster, True, None
    if not is_running_and_available(pod, mrs, cluster.now) and monotonic:
        return cluster, True, None
    retention_match, err = spc.claims_match_retention_policy(cluster, update_set, pod)
    if err is not None:
        retention_match = True
    if identity_matches(sts, pod) and storage_matches(sts, pod) and retention_match:
        return cluster, False, None
    current = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name) or pod
    cluster, err = spc.update_stateful_pod(cluster, update_set, current)
    if err is not None:
        return cluster, True, err
    return cluster, False, None


def process_condemned(cluster: Cluster, sts: StatefulSet, first_unhealthy: Any,
                      monotonic: bool, condemned: list[Any], i: int
                      ) -> tuple[Cluster, bool, Err]:
    """processCondemned: delete a condemned pod; under OrderedReady only when every other pod
    is healthy (or it is the first unhealthy one), one at a time."""
    pod = condemned[i]
    mrs = sts.spec.min_ready_seconds or 0
    if is_terminating(pod):
        return cluster, monotonic, None
    if not is_running_and_ready(pod) and monotonic and pod is not first_unhealthy:
        return cluster, True, None
    if not is_running_and_available(pod, mrs, cluster.now) and monotonic \
            and pod is not first_unhealthy:
        return cluster, True, None
    cluster, rejected = spc.delete_stateful_pod(cluster, sts, pod)
    return cluster, True, rejected.message if rejected is not None else None


def run_for_all(cluster: Cluster, count: int,
                fn: Callable[[Cluster, int], tuple[Cluster, bool, Err]], monotonic: bool
                ) -> tuple[Cluster, bool, Err]:
    """runForAll: in order until one says exit (monotonic), or slowStartBatch (burst)."""
    if monotonic:
        for i in range(count):
            cluster, should_exit, err = fn(cluster, i)
            if should_exit or err is not None:
                return cluster, True, err
        return cluster, False, None
    cluster, _, err = slow_start_batch(1, count, fn, cluster)
    return cluster, err is not None, err


def update_stateful_set_pods(cluster: Cluster, sts: StatefulSet, current_revision: Any,
                             update_revision: Any, collision_count: int, pods: Sequence[Any]
                             ) -> tuple[Cluster, StatefulSetStatus | None, Err]:
    """updateStatefulSet: see the module docstring. Returns the status computed."""
    try:
        current_set = apply_revision(sts, current_revision)
        update_set = apply_revision(sts, update_revision)
    except ValueError as exc:
        return cluster, None, str(exc)
    mrs = sts.spec.min_ready_seconds or 0
    now = cluster.now
    status = StatefulSetStatus(observed_generation=sts.metadata.generation,
                               current_revision=current_revision.metadata.name,
                               update_revision=update_revision.metadata.name,
                               collision_count=collision_count)
    status = update_status(status, mrs, current_revision, update_revision, now, pods)
    start = get_start_ordinal(sts)
    slots: list[Any] = [None] * replicas(sts)
    condemned: list[Any] = []
    for pod in pods:
        if pod_in_ordinal_range(pod, sts):
            slots[get_ordinal(pod) - start] = pod
        elif get_ordinal(pod) >= 0:
            condemned.append(pod)
    for i, pod in enumerate(slots):
        if pod is None:
            slots[i] = new_versioned_stateful_set_pod(
                current_set, update_set, current_revision.metadata.name,
                update_revision.metadata.name, start + i)
    condemned.sort(key=get_ordinal, reverse=True)
    unavailable = [p for p in slots if is_unavailable(p, mrs, now)]
    unavailable += [p for p in reversed(condemned) if is_unavailable(p, mrs, now)]
    first_unavailable = unavailable[0] if unavailable else None
    if sts.metadata.deletion_timestamp is not None:
        return cluster, status, None
    monotonic = not allows_burst(sts)

    def finish(c: Cluster, err: Err) -> tuple[Cluster, StatefulSetStatus, Err]:
        return c, update_status(status, mrs, current_revision, update_revision, now, slots,
                                condemned), err

    replica, condemn = process_replica, process_condemned  # processReplicaFn, processCondemnedFn
    cluster, should_exit, err = run_for_all(
        cluster, len(slots),
        lambda c, i: replica(c, sts, update_set, monotonic, slots, i), monotonic)
    if should_exit or err is not None:
        return finish(cluster, err)

    def fix_pod_claim(c: Cluster, i: int) -> tuple[Cluster, bool, Err]:
        match, err = spc.claims_match_retention_policy(c, update_set, condemned[i])
        if err is not None:
            return c, True, err
        if not match:
            c, err = spc.update_pod_claim_for_retention_policy(c, update_set, condemned[i])
            if err is not None:
                return c, True, err
        return c, False, None

    cluster, should_exit, err = run_for_all(cluster, len(condemned), fix_pod_claim, monotonic)
    if should_exit or err is not None:
        return finish(cluster, err)
    cluster, should_exit, err = run_for_all(
        cluster, len(condemned),
        lambda c, i: condemn(c, sts, first_unavailable, monotonic, condemned, i),
        monotonic)
    if should_exit or err is not None:
        return finish(cluster, err)
    cluster, status, _ = finish(cluster, None)
    strategy = sts.spec.update_strategy
    if strategy is not None and strategy.type == ON_DELETE:
        return cluster, status, None
    rolling = strategy.rolling_update if strategy is not None else None
    update_min = (rolling.partition or 0) if rolling is not None else 0
    for target in range(len(slots) - 1, update_min - 1, -1):
        pod = slots[target]
        if get_pod_revision(pod) != update_revision.metadata.name and not is_terminating(pod):
            cluster, rejected = spc.delete_stateful_pod(cluster, sts, pod)
            if rejected is not None and rejected.reason != "NotFound":
                return cluster, status, rejected.message
            status = attrs.evolve(status, current_replicas=(status.current_replicas or 0) - 1)
            return cluster, status, rejected.message if rejected is not None else None
        if is_unavailable(pod, mrs, now):
            return cluster, status, None
    return cluster, status, None


def update_stateful_set_status(cluster: Cluster, sts: StatefulSet, status: StatefulSetStatus
                               ) -> tuple[Cluster, Err]:
    """updateStatefulSetStatus: complete a finished rolling update, then write the status when
    it is inconsistent with the stored one (UpdateStatefulSetStatus)."""
    status = complete_rolling_update(sts, status)
    if not inconsistent_status(sts, status):
        return cluster, None
    stored = cluster.get(KIND, sts.metadata.namespace, sts.metadata.name)
    if stored is None:
        return cluster, f'statefulsets.apps "{sts.metadata.name}" not found'
    result = apiserver.update_status(cluster, attrs.evolve(stored, status=status))
    if isinstance(result, Status):
        return cluster, result.message
    return result.cluster, None


def orphan_revisions(revisions: Sequence[Any]) -> list[Any]:
    """The revisions no controller owns (adoptOrphanRevisions' filter)."""
    return [r for r in revisions if get_controller_of(r) is None]
