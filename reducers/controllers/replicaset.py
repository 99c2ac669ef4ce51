"""The ReplicaSet controller: keeps `spec.replicas` pods matching the selector, and reports them.

One `sync_replica_set(cluster, key)` is one call of Go's syncReplicaSet: the pods it controls
and the namespace's orphans (FilterPodsByOwner over the cluster's owner and orphan indices, so
a sync costs what it touches), keep the active ones, claim them (adopt matching orphans,
release owned pods that no longer match), create or delete pods toward `spec.replicas`
(`manage_replicas`), then compute and write the status. `watch(cluster, change)` is the
informer handlers: which ReplicaSets a write of a ReplicaSet or a pod wakes.

Models (v1.34): pkg/controller/replicaset/replica_set.go (BurstReplicas, getPodReplicaSets,
resolveControllerRef, addRS/updateRS/deleteRS, addPod/updatePod/deletePod, manageReplicas,
syncReplicaSet with the availability requeue of kubernetes#132121, claimPods, slowStartBatch,
getIndirectlyRelatedPods, getPodsToDelete, getPodsRankedByRelatedPodsOnSameNode) and
replica_set_utils.go (updateReplicaSetStatus, calculateStatus, NewReplicaSetCondition,
GetCondition, SetCondition, RemoveCondition); listers' GetPodReplicaSets.

Simplifies:
- ControllerExpectations are always satisfied: every write is visible in the cluster value at
  once, so there is never a create or delete "in flight" to wait for.
- The DeploymentReplicaSetTerminatingReplicas gate is alpha and off in v1.34, so
  `status.terminatingReplicas` is never set (`TERMINATING_REPLICAS` turns it on).
- The goroutines of a slow-start batch, and of the deletes, run one after another; the first
  error in that order is the one returned (Go returns whichever arrives first).
- updatePod's `AddAfter(minReadySeconds)` on a pod turning ready cannot be a `watch` result
  (watch returns keys queued now); the sync that the same update queues plans the same check
  (FindMinNextPodAvailabilityCheck), which lands at the same second.
- Only `apps/v1` ReplicaSets (no ReplicationController adapter); no events or metrics.
- Pod names `<rs>-<5 chars>` come from the API server's generateName, derived from the
  cluster value.

Covered by: tests/test_replicaset.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import label_selector_as_selector, selector_from_set
from kubefold.core.objects import Condition, Pod, ReplicaSet, ReplicaSetStatus
from kubefold.core.podutil import is_pod_available, is_pod_ready
from kubefold.core.schema import replace
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.controller_utils import (
    claim_pods,
    create_pods,
    delete_pod,
    filter_active_pods,
    filter_claimed_pods,
    filter_terminating_pods,
    find_min_next_pod_availability_check,
    get_controller_of,
    new_controller_ref,
    pods_with_ranks,
)
from kubefold.reducers.controlplane import Controller

NAME = "replicaset"
KIND = "ReplicaSet"
API_VERSION = "apps/v1"
BURST_REPLICAS = 500
SLOW_START_INITIAL_BATCH_SIZE = 1
TERMINATING_REPLICAS = False  # DeploymentReplicaSetTerminatingReplicas: alpha, off in v1.34
REPLICA_FAILURE = "ReplicaFailure"
NAMESPACE_TERMINATING = "because it is being terminated"

S = TypeVar("S")


# -- lookups ---------------------------------------------------------------------------------


def get_replica_sets_with_same_controller(cluster: Cluster, rs: ReplicaSet) -> list[ReplicaSet]:
    """getReplicaSetsWithSameController: ReplicaSets whose controller is rs's controller."""
    ref = get_controller_of(rs)
    if ref is None:
        return []
    return [r for r in cluster.owned_by(ref.uid or "", KIND)
            if (c := get_controller_of(r)) is not None and c.uid == ref.uid]


def get_pod_replica_sets(cluster: Cluster, pod: Pod) -> list[ReplicaSet]:
    """getPodReplicaSets (GetPodReplicaSets): ReplicaSets in the pod's namespace whose
    non-empty, valid selector matches the pod's labels, by name."""
    if not pod.metadata.labels:
        return []
    out = []
    for rs in sorted(cluster.list(KIND, pod.metadata.namespace), key=_name):
        try:
            selector = label_selector_as_selector(rs.spec.selector)
        except ValueError:
            continue
        if selector.empty() or not selector.matches(pod.metadata.labels):
            continue
        out.append(rs)
    return out


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any
                           ) -> ReplicaSet | None:
    """resolveControllerRef: the ReplicaSet the reference names, if its uid matches."""
    if ref.kind != KIND:
        return None
    rs = cluster.get(KIND, namespace, ref.name or "")
    if rs is None or rs.metadata.uid != ref.uid:
        return None
    return rs  # type: ignore[no-any-return]


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


def _name(obj: Any) -> str:
    return obj.metadata.name or ""


# -- informer handlers -----------------------------------------------------------------------


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The informer handlers: addRS/updateRS/deleteRS and addPod/updatePod/deletePod."""
    if change.kind == KIND:
        return [f"{change.namespace}/{change.name}"]
    if change.kind != "Pod":
        return []
    if change.old is None:
        return add_pod(cluster, change.new)
    if change.new is None:
        return delete_pod_handler(cluster, change.old)
    return update_pod(cluster, change.old, change.new)


def add_pod(cluster: Cluster, pod: Pod) -> list[str]:
    """addPod: the controlling ReplicaSet, or every ReplicaSet that could adopt an orphan."""
    if pod.metadata.deletion_timestamp is not None:
        return delete_pod_handler(cluster, pod)
    ref = get_controller_of(pod)
    if ref is not None:
        rs = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
        return [_key(rs)] if rs is not None else []
    return [_key(rs) for rs in get_pod_replica_sets(cluster, pod)]


def update_pod(cluster: Cluster, old: Pod, cur: Pod) -> list[str]:
    """updatePod: old and new controllers; for orphans whose labels or controller changed,
    every ReplicaSet that could adopt them."""
    if cur.metadata.resource_version == old.metadata.resource_version:
        return []
    label_changed = cur.metadata.labels != old.metadata.labels
    if cur.metadata.deletion_timestamp is not None:
        keys = delete_pod_handler(cluster, cur)
        if label_changed:
            keys += delete_pod_handler(cluster, old)
        return _unique(keys)
    cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
    keys = []
    ref_changed = cur_ref != old_ref
    if ref_changed and old_ref is not None:
        rs = resolve_controller_ref(cluster, old.metadata.namespace, old_ref)
        if rs is not None:
            keys.append(_key(rs))
    if cur_ref is not None:
        rs = resolve_controller_ref(cluster, cur.metadata.namespace, cur_ref)
        if rs is not None:
            keys.append(_key(rs))
        return _unique(keys)
    if label_changed or ref_changed:
        keys += [_key(rs) for rs in get_pod_replica_sets(cluster, cur)]
    return _unique(keys)


def delete_pod_handler(cluster: Cluster, pod: Pod) -> list[str]:
    """deletePod: the controlling ReplicaSet; nobody cares about orphans."""
    ref = get_controller_of(pod)
    if ref is None:
        return []
    rs = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
    return [_key(rs)] if rs is not None else []


def _unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


# -- manageReplicas --------------------------------------------------------------------------


@attrs.frozen
class Managed:
    cluster: Cluster
    error: str | None = None


def manage_replicas(cluster: Cluster, active: list[Pod], rs: ReplicaSet) -> Managed:
    """manageReplicas: create (slow start, at most BurstReplicas) or delete pods toward
    spec.replicas; the error is the first failed request's message."""
    diff = len(active) - _replicas(rs)
    namespace = rs.metadata.namespace or "default"
    if diff < 0:
        count = min(-diff, BURST_REPLICAS)
        ref = new_controller_ref(rs, API_VERSION, KIND)
        template = rs.spec.template
        assert template is not None

        def create(c: Cluster) -> tuple[Cluster, str | None]:
            c, err = create_pods(c, namespace, template, rs, ref)
            if isinstance(err, Status):
                if _namespace_terminating(err):
                    return c, None
                return c, err.message
            return c, err

        cluster, _, error = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, create,
                                             cluster)
        return Managed(cluster, error)
    if diff > 0:
        diff = min(diff, BURST_REPLICAS)
        related = get_indirectly_related_pods(cluster, rs)
        to_delete = get_pods_to_delete(active, related, diff, cluster.now)
        first_error: str | None = None
        for pod in to_delete:
            cluster, rejected = delete_pod(cluster, namespace, pod.metadata.name or "")
            if rejected is not None and rejected.reason != "NotFound" and first_error is None:
                first_error = f"unable to delete pods: {rejected.message}"
        return Managed(cluster, first_error)
    return Managed(cluster)


def _namespace_terminating(status: Status) -> bool:
    """apierrors.HasStatusCause(err, NamespaceTerminatingCause)."""
    return status.reason == "Forbidden" and NAMESPACE_TERMINATING in status.message


def _replicas(rs: ReplicaSet) -> int:
    return 1 if rs.spec.replicas is None else rs.spec.replicas


def slow_start_batch(count: int, initial_batch_size: int,
                     fn: Callable[[S], tuple[S, str | None]], state: S
                     ) -> tuple[S, int, str | None]:
    """slowStartBatch: call fn `count` times in batches of 1, 2, 4, ...; after a batch with a
    failure, stop. Returns (state, successes, first error)."""
    remaining, successes = count, 0
    batch = min(remaining, initial_batch_size)
    while batch > 0:
        errors = []
        for _ in range(batch):
            state, err = fn(state)
            if err is not None:
                errors.append(err)
        successes += batch - len(errors)
        if errors:
            return state, successes, errors[0]
        remaining -= batch
        batch = min(2 * batch, remaining)
    return state, successes, None


def get_indirectly_related_pods(cluster: Cluster, rs: ReplicaSet) -> list[Pod]:
    """getIndirectlyRelatedPods: pods selected by any ReplicaSet with rs's controller."""
    related: list[Pod] = []
    seen: set[str] = set()
    for other in get_replica_sets_with_same_controller(cluster, rs):
        try:
            selector = label_selector_as_selector(other.spec.selector)
        except ValueError:
            continue
        for pod in cluster.select("Pod", other.metadata.namespace, selector):
            if pod.metadata.uid in seen:
                continue
            seen.add(pod.metadata.uid or "")
            related.append(pod)
    return related


def get_pods_to_delete(active: list[Pod], related: list[Pod], diff: int, now: int | None
                       ) -> list[Pod]:
    """getPodsToDelete: the first `diff` pods by ActivePodsWithRanks, ranked by related
    active pods on the same node (no sort when all go)."""
    if diff < len(active):
        return list(get_pods_ranked_by_related_pods_on_same_node(active, related, now)
                    .sorted()[:diff])
    return active[:diff]


def get_pods_ranked_by_related_pods_on_same_node(pods: list[Pod], related: list[Pod],
                                                 now: int | None) -> Any:
    """getPodsRankedByRelatedPodsOnSameNode."""
    return pods_with_ranks(pods, related, now)


# -- syncReplicaSet --------------------------------------------------------------------------


def sync_replica_set(cluster: Cluster, key: str) -> Cluster:
    """syncReplicaSet for `namespace/name`."""
    namespace, _, name = key.partition("/")
    rs: ReplicaSet | None = cluster.get(KIND, namespace, name)
    if rs is None:
        return cluster.forget(NAME, key)
    try:
        selector = label_selector_as_selector(rs.spec.selector)
    except ValueError:
        return cluster.forget(NAME, key)  # HandleError, return nil
    all_rs_pods = cluster.controlled_by(rs.metadata.uid or "", "Pod", namespace,
                                        include_orphans=True)
    claimed = claim_pods(cluster, rs, selector, filter_active_pods(all_rs_pods),
                         API_VERSION, KIND)
    if claimed.error is not None:
        return claimed.cluster.enqueue_rate_limited(NAME, key)
    cluster, active = claimed.cluster, list(claimed.pods)
    terminating: list[Pod] | None = None
    if TERMINATING_REPLICAS:
        terminating = filter_claimed_pods(rs, selector, filter_terminating_pods(all_rs_pods))
    manage_error: str | None = None
    if rs.metadata.deletion_timestamp is None:
        managed = manage_replicas(cluster, active, rs)
        cluster, manage_error = managed.cluster, managed.error
    now = cluster.now
    new_status = calculate_status(rs, active, terminating, manage_error, now)
    written = update_replica_set_status(cluster, rs, new_status)
    if isinstance(written, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    cluster, updated = written.cluster, written.object
    if manage_error is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    min_ready = updated.spec.min_ready_seconds or 0
    if min_ready > 0 and (updated.status.ready_replicas or 0) \
            != (updated.status.available_replicas or 0):
        next_sync = min_ready
        check = find_min_next_pod_availability_check(active, min_ready, now, cluster.now)
        if check is not None:
            next_sync = check
        cluster = cluster.enqueue_after(NAME, key, next_sync)
    return cluster.forget(NAME, key)


# -- replica_set_utils.go --------------------------------------------------------------------


def update_replica_set_status(cluster: Cluster, rs: ReplicaSet, new_status: ReplicaSetStatus
                              ) -> apiserver.Result:
    """updateReplicaSetStatus: write the status (with observedGeneration) unless nothing the
    controller reports has changed."""
    old = rs.status
    if (old.replicas or 0) == (new_status.replicas or 0) \
            and (old.fully_labeled_replicas or 0) == (new_status.fully_labeled_replicas or 0) \
            and (old.ready_replicas or 0) == (new_status.ready_replicas or 0) \
            and (old.available_replicas or 0) == (new_status.available_replicas or 0) \
            and old.terminating_replicas == new_status.terminating_replicas \
            and (rs.metadata.generation or 0) == (old.observed_generation or 0) \
            and old.conditions == new_status.conditions:
        return apiserver.Written(cluster, rs)
    new_status = replace(new_status, observed_generation=rs.metadata.generation)
    return apiserver.update_status(cluster, replace(rs, status=new_status))


def calculate_status(rs: ReplicaSet, active: list[Pod], terminating: list[Pod] | None,
                     manage_error: str | None, now: int) -> ReplicaSetStatus:
    """calculateStatus: counts of the claimed active pods, and the ReplicaFailure condition
    set on a manageReplicas error (FailedCreate / FailedDelete) or removed without one."""
    template_labels = rs.spec.template.metadata.labels if rs.spec.template else {}
    template_selector = selector_from_set(template_labels)
    fully_labeled = ready = available = 0
    min_ready = rs.spec.min_ready_seconds or 0
    for pod in active:
        if template_selector.matches(pod.metadata.labels):
            fully_labeled += 1
        if is_pod_ready(pod):
            ready += 1
            if is_pod_available(pod, min_ready, now):
                available += 1
    status = rs.status
    failure = get_condition(status, REPLICA_FAILURE)
    if manage_error is not None and failure is None:
        diff = len(active) - _replicas(rs)
        reason = "FailedCreate" if diff < 0 else "FailedDelete" if diff > 0 else ""
        status = set_condition(status, new_replica_set_condition(
            REPLICA_FAILURE, "True", reason, manage_error, now))
    elif manage_error is None and failure is not None:
        status = remove_condition(status, REPLICA_FAILURE)
    return replace(status, replicas=len(active), fully_labeled_replicas=fully_labeled,
                   ready_replicas=ready, available_replicas=available,
                   terminating_replicas=None if terminating is None else len(terminating))


def new_replica_set_condition(cond_type: str, status: str, reason: str, message: str,
                              now: int) -> Condition:
    """NewReplicaSetCondition, lastTransitionTime now."""
    return Condition(type=cond_type, status=status, last_transition_time=now,
                     reason=reason or None, message=message or None)


def get_condition(status: ReplicaSetStatus, cond_type: str) -> Condition | None:
    """GetCondition."""
    for c in status.conditions:
        if c.type == cond_type:
            return c
    return None


def set_condition(status: ReplicaSetStatus, condition: Condition) -> ReplicaSetStatus:
    """SetCondition: replace (moved last) unless one of the same status and reason exists."""
    current = get_condition(status, condition.type or "")
    if current is not None and current.status == condition.status \
            and current.reason == condition.reason:
        return status
    kept = _filter_out_condition(status.conditions, condition.type)
    return replace(status, conditions=pvector([*kept, condition]))


def remove_condition(status: ReplicaSetStatus, cond_type: str) -> ReplicaSetStatus:
    """RemoveCondition."""
    return replace(status, conditions=pvector(_filter_out_condition(status.conditions,
                                                                    cond_type)))


def _filter_out_condition(conditions: Iterable[Condition], cond_type: str | None
                          ) -> list[Condition]:
    return [c for c in conditions if c.type != cond_type]


CONTROLLER = Controller(NAME, sync_replica_set, watch, frozenset({KIND, "Pod"}))
