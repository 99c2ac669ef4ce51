"""Helpers the workload controllers share: controller references, adoption and release of
pods, pod creation from a template, the orderings that pick pods to delete, and the next
availability check.

Models (v1.34):
- staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/controller_ref.go: GetControllerOf,
  IsControlledBy, NewControllerRef.
- pkg/controller/controller_ref_manager.go: ClaimPods, ClaimObject, AdoptPod, ReleasePod
  (the strategic-merge patches of ownerReferences keyed by uid).
- pkg/controller/controller_utils.go: GetPodFromTemplate, getPodsPrefix, RealPodControl
  (createPods, DeletePod), ActivePods and ActivePodsWithRanks (Less), afterOrZero,
  podReadyTime, logarithmicRankDiff, compareMaxContainerRestarts, maxContainerRestarts,
  FilterActivePods, FilterTerminatingPods, FilterClaimedPods, nextPodAvailabilityCheck,
  findMinNextPodAvailabilitySimpleCheck, FindMinNextPodAvailabilityCheck.
- pkg/apis/core/helper: GetDeletionCostFromPodAnnotations (PodDeletionCost is GA; on).

Simplifies:
- Writes go through `apiserver.update` / `create` / `delete` and return the new cluster; an
  error is the rejected request's `Status` message as a string (Go's `err.Error()`).
- CanAdopt (RecheckDeletionTimestamp's uncached GET) reads the same cluster value, so it only
  repeats the owner's deletionTimestamp check ClaimObject already made.
- Sorting is Python's stable sort with Go's Less; Go's sort.Sort is stable for up to 12 items
  (insertion sort) and its input order is the informer's map order, so for larger equal runs
  kubefold's order (pods listed by name) is one of the orders Go could produce.
- LogarithmicScaleDown (on since v1.22) buckets durations as Go does, in nanoseconds:
  int(log2(seconds * 1e9)).
- Event recording (SuccessfulCreate, FailedDelete, ...) is not modelled.

Covered by: tests/test_controller_utils.py, tests/test_replicaset.py.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, conflict, not_found_status
from kubefold.core.labels import Selector
from kubefold.core.meta import get_controller_of, is_controlled_by
from kubefold.core.objects import ObjectMeta, OwnerReference, Pod, PodTemplateSpec
from kubefold.core.podutil import (
    get_pod_ready_condition,
    is_pod_active,
    is_pod_ready,
    is_pod_terminating,
)
from kubefold.core.schema import replace
from kubefold.reducers import apiserver
from kubefold.reducers.apiserver.validation.names import is_dns1123_subdomain

POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
POD_PHASE_TO_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
NANOS = 1_000_000_000
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# -- metav1 controller_ref.go -----------------------------------------------------------------


def new_controller_ref(owner: Any, api_version: str, kind: str) -> OwnerReference:
    """metav1.NewControllerRef: controller and blockOwnerDeletion set."""
    return OwnerReference(api_version=api_version, kind=kind, name=owner.metadata.name,
                          uid=owner.metadata.uid, controller=True, block_owner_deletion=True)


# -- controller_ref_manager.go ----------------------------------------------------------------


@attrs.frozen
class Claimed:
    """ClaimPods' result: the new cluster, the pods claimed, and the aggregated error."""

    cluster: Cluster
    pods: tuple[Pod, ...]
    error: str | None = None


def claim_pods(cluster: Cluster, owner: Any, selector: Selector, pods: Iterable[Pod],
               api_version: str, kind: str) -> Claimed:
    """PodControllerRefManager.ClaimPods: keep owned pods that match, adopt matching orphans
    (unless the owner is being deleted), release owned pods that no longer match."""
    claimed: list[Pod] = []
    errors: list[str] = []
    for pod in pods:
        cluster, ok, err = claim_object(cluster, owner, selector, pod, api_version, kind)
        if err is not None:
            errors.append(err)
            continue
        if ok:
            claimed.append(pod)
    return Claimed(cluster, tuple(claimed), _aggregate(errors))


def _aggregate(errors: Sequence[str]) -> str | None:
    """utilerrors.NewAggregate(...).Error(); None for no errors."""
    unique = list(dict.fromkeys(errors))
    if not unique:
        return None
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def claim_object(cluster: Cluster, owner: Any, selector: Selector, pod: Pod, api_version: str,
                 kind: str) -> tuple[Cluster, bool, str | None]:
    """BaseControllerRefManager.ClaimObject for one pod: (cluster, claimed, error)."""
    ref = get_controller_of(pod)
    owner_deleting = owner.metadata.deletion_timestamp is not None
    if ref is not None:
        if ref.uid != owner.metadata.uid:
            return cluster, False, None  # owned by someone else
        if selector.matches(pod.metadata.labels):
            return cluster, True, None
        if owner_deleting:
            return cluster, False, None
        result = release_pod(cluster, owner, pod)
        if isinstance(result, Status):
            return cluster, False, None if result.reason == "NotFound" else result.message
        return result.cluster, False, None
    if owner_deleting or not selector.matches(pod.metadata.labels):
        return cluster, False, None
    if pod.metadata.deletion_timestamp is not None:
        return cluster, False, None
    if owner.metadata.namespace and owner.metadata.namespace != pod.metadata.namespace:
        return cluster, False, None
    result = adopt_pod(cluster, owner, pod, api_version, kind)
    if isinstance(result, Status):
        return cluster, False, None if result.reason == "NotFound" else result.message
    return result.cluster, True, None


def adopt_pod(cluster: Cluster, owner: Any, pod: Pod, api_version: str, kind: str
              ) -> apiserver.Result:
    """AdoptPod: the ownerRefControllerPatch (merge by uid, with a uid precondition)."""
    stored = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name)
    if stored is None:
        return not_found_status("pods", pod.metadata.name)
    if stored.metadata.uid != pod.metadata.uid:
        return _uid_precondition_failed(pod, stored)
    ref = new_controller_ref(owner, api_version, kind)
    refs = [r for r in stored.metadata.owner_references if r.uid != ref.uid]
    refs.append(ref)
    return _patch_owner_references(cluster, stored, refs)


def release_pod(cluster: Cluster, owner: Any, pod: Pod) -> apiserver.Result:
    """ReleasePod: delete the owner's reference ($patch: delete by uid); NotFound and Invalid
    are not errors."""
    stored = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name)
    if stored is None:
        return _unchanged(cluster)
    if stored.metadata.uid != pod.metadata.uid:
        return _unchanged(cluster)  # Go: Invalid (uid precondition), ignored
    refs = [r for r in stored.metadata.owner_references if r.uid != owner.metadata.uid]
    result = _patch_owner_references(cluster, stored, refs)
    if isinstance(result, Status) and result.reason in ("NotFound", "Invalid"):
        return _unchanged(cluster)
    return result


def _unchanged(cluster: Cluster) -> apiserver.Written:
    return apiserver.Written(cluster, None)


def _uid_precondition_failed(pod: Pod, stored: Pod) -> Status:
    return conflict(
        "pods", pod.metadata.name or "",
        f"Precondition failed: UID in precondition: {pod.metadata.uid}, "
        f"UID in object meta: {stored.metadata.uid}")


def _patch_owner_references(cluster: Cluster, pod: Pod, refs: list[OwnerReference]
                            ) -> apiserver.Result:
    meta = replace(pod.metadata, owner_references=pvector(refs), resource_version=None)
    return apiserver.update(cluster, replace(pod, metadata=meta))


# -- controller_utils.go: pod control --------------------------------------------------------


def get_pod_from_template(template: PodTemplateSpec, parent: Any,
                          controller_ref: OwnerReference | None) -> Pod:
    """GetPodFromTemplate: the template's labels, annotations, finalizers and spec, the
    generateName `<parent>-`, and the controller reference."""
    meta = ObjectMeta(labels=template.metadata.labels, annotations=template.metadata.annotations,
                      generate_name=get_pods_prefix(parent.metadata.name or ""),
                      finalizers=template.metadata.finalizers,
                      owner_references=pvector([controller_ref] if controller_ref else []))
    spec = template.spec
    return Pod(api_version="v1", kind="Pod", metadata=meta,
               spec=spec if spec is not None else Pod().spec)


def get_pods_prefix(controller_name: str) -> str:
    """getPodsPrefix: `<name>-` when that is a valid generateName prefix, else the name."""
    prefix = f"{controller_name}-"
    masked = prefix[:-1] + "a" if len(prefix) > 1 else prefix  # maskTrailingDash
    return prefix if not is_dns1123_subdomain(masked) else controller_name


def create_pods(cluster: Cluster, namespace: str, template: PodTemplateSpec, parent: Any,
                controller_ref: OwnerReference) -> tuple[Cluster, Status | str | None]:
    """RealPodControl.CreatePods: (cluster, None) or the error (a Status, or a message)."""
    pod = get_pod_from_template(template, parent, controller_ref)
    pod = replace(pod, metadata=replace(pod.metadata, namespace=namespace))
    if not pod.metadata.labels:
        return cluster, "unable to create pods, no labels"
    result = apiserver.create(cluster, pod)
    if isinstance(result, Status):
        return cluster, result
    return result.cluster, None


def delete_pod(cluster: Cluster, namespace: str, name: str) -> tuple[Cluster, Status | None]:
    """RealPodControl.DeletePod: (cluster, None), or the rejection (NotFound included)."""
    result = apiserver.delete(cluster, "Pod", namespace, name)
    if isinstance(result, Status):
        return cluster, result
    return result.cluster, None


# -- controller_utils.go: orderings ----------------------------------------------------------


def active_pods_less(a: Pod, b: Pod) -> bool:
    """ActivePods.Less: whether `a` should be deleted before `b`."""
    if a.spec.node_name != b.spec.node_name and (not a.spec.node_name or not b.spec.node_name):
        return not a.spec.node_name
    pa, pb = _phase_ordinal(a), _phase_ordinal(b)
    if pa != pb:
        return pa < pb
    if is_pod_ready(a) != is_pod_ready(b):
        return not is_pod_ready(a)
    if is_pod_ready(a) and is_pod_ready(b):
        ra, rb = pod_ready_time(a), pod_ready_time(b)
        if ra != rb:
            return after_or_zero(ra, rb)
    restarts = compare_max_container_restarts(a, b)
    if restarts is not None:
        return restarts
    ca, cb = a.metadata.creation_timestamp, b.metadata.creation_timestamp
    if ca != cb:
        return after_or_zero(ca, cb)
    return False


@attrs.frozen
class ActivePodsWithRanks:
    """ActivePodsWithRanks: pods, their ranks (related active pods on the same node) and the
    time the ordering is evaluated at (`now`, None for Go's zero time)."""

    pods: tuple[Pod, ...]
    rank: tuple[int, ...]
    now: int | None = None

    def less(self, i: int, j: int) -> bool:
        """Less: whether pod i should be deleted before pod j."""
        a, b = self.pods[i], self.pods[j]
        if a.spec.node_name != b.spec.node_name \
                and (not a.spec.node_name or not b.spec.node_name):
            return not a.spec.node_name
        pa, pb = _phase_ordinal(a), _phase_ordinal(b)
        if pa != pb:
            return pa < pb
        if is_pod_ready(a) != is_pod_ready(b):
            return not is_pod_ready(a)
        cost_a = get_deletion_cost_from_pod_annotations(a.metadata.annotations)
        cost_b = get_deletion_cost_from_pod_annotations(b.metadata.annotations)
        if cost_a != cost_b:
            return cost_a < cost_b
        if self.rank[i] != self.rank[j]:
            return self.rank[i] > self.rank[j]
        if is_pod_ready(a) and is_pod_ready(b):
            ra, rb = pod_ready_time(a), pod_ready_time(b)
            if ra != rb:
                return self._log_scale_less(a, b, ra, rb)
        restarts = compare_max_container_restarts(a, b)
        if restarts is not None:
            return restarts
        ca, cb = a.metadata.creation_timestamp, b.metadata.creation_timestamp
        if ca != cb:
            return self._log_scale_less(a, b, ca, cb)
        return False

    def _log_scale_less(self, a: Pod, b: Pod, ta: int | None, tb: int | None) -> bool:
        if self.now is None or ta is None or tb is None:
            return after_or_zero(ta, tb)
        diff = logarithmic_rank_diff(ta, tb, self.now)
        if diff == 0:
            return (a.metadata.uid or "") < (b.metadata.uid or "")
        return diff < 0

    def sorted(self) -> tuple[Pod, ...]:
        """sort.Sort(s): the pods in deletion-preference order (stable on ties)."""
        def cmp(i: int, j: int) -> int:
            return -1 if self.less(i, j) else 1 if self.less(j, i) else 0
        order = sorted(range(len(self.pods)), key=functools.cmp_to_key(cmp))
        return tuple(self.pods[i] for i in order)


def sort_active_pods(pods: Iterable[Pod]) -> list[Pod]:
    """sort.Sort(ActivePods(pods)), stable on ties."""
    def cmp(a: Pod, b: Pod) -> int:
        return -1 if active_pods_less(a, b) else 1 if active_pods_less(b, a) else 0
    return sorted(pods, key=functools.cmp_to_key(cmp))


def pods_with_ranks(pods: Sequence[Pod], related: Iterable[Pod], now: int | None
                    ) -> ActivePodsWithRanks:
    """getPodsRankedByRelatedPodsOnSameNode's ranks: each pod's rank is the number of active
    related pods on its node (unscheduled pods share the node "")."""
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            key = pod.spec.node_name or ""
            on_node[key] = on_node.get(key, 0) + 1
    ranks = tuple(on_node.get(pod.spec.node_name or "", 0) for pod in pods)
    return ActivePodsWithRanks(tuple(pods), ranks, now)


def _phase_ordinal(pod: Pod) -> int:
    return POD_PHASE_TO_ORDINAL.get(pod.status.phase or "", 0)


def after_or_zero(t1: int | None, t2: int | None) -> bool:
    """afterOrZero: t1 after t2, a zero (absent) time counting as after any other."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def pod_ready_time(pod: Pod) -> int | None:
    """podReadyTime: the Ready condition's lastTransitionTime when ready, else zero (None)."""
    if is_pod_ready(pod):
        c = get_pod_ready_condition(pod.status)
        if c is not None and c.status == "True":
            return c.last_transition_time
    return None


def logarithmic_rank_diff(t1: int, t2: int, now: int) -> int:
    """logarithmicRankDiff: the difference of int(log2(age in nanoseconds)), age <= 0 -> -1."""
    def rank(t: int) -> int:
        d = (now - t) * NANOS
        return int(math.log2(d)) if d > 0 else -1
    return rank(t1) - rank(t2)


def compare_max_container_restarts(a: Pod, b: Pod) -> bool | None:
    """compareMaxContainerRestarts: True/False when a has more/fewer restarts (regular
    containers first, then sidecars), None when equal."""
    regular_a, sidecar_a = max_container_restarts(a)
    regular_b, sidecar_b = max_container_restarts(b)
    if regular_a != regular_b:
        return regular_a > regular_b
    if sidecar_a != sidecar_b:
        return sidecar_a > sidecar_b
    return None


def max_container_restarts(pod: Pod) -> tuple[int, int]:
    """maxContainerRestarts: (regular containers' max, restartable init containers' max)."""
    regular = max((c.restart_count or 0 for c in pod.status.container_statuses), default=0)
    sidecars = {c.name for c in pod.spec.init_containers if c.restart_policy == "Always"}
    sidecar = max((c.restart_count or 0 for c in pod.status.init_container_statuses
                   if c.name in sidecars), default=0)
    return regular, sidecar


def get_deletion_cost_from_pod_annotations(annotations: Any) -> int:
    """GetDeletionCostFromPodAnnotations: the int32 cost, 0 when absent or invalid (no `+`,
    no leading zeros)."""
    value = (annotations or pmap()).get(POD_DELETION_COST)
    if value is None or not _valid_first_digit(value):
        return 0
    body = value[1:] if value.startswith("-") else value
    if not body.isascii() or not body.isdigit():
        return 0
    cost = int(value)
    return cost if INT32_MIN <= cost <= INT32_MAX else 0


def _valid_first_digit(s: str) -> bool:
    if not s:
        return False
    return s[0] == "-" or s == "0" or "1" <= s[0] <= "9"


# -- controller_utils.go: filters and availability checks -------------------------------------


def filter_active_pods(pods: Iterable[Pod]) -> list[Pod]:
    """FilterActivePods: pods neither terminal nor being deleted."""
    return [p for p in pods if is_pod_active(p)]


def filter_terminating_pods(pods: Iterable[Pod]) -> list[Pod]:
    """FilterTerminatingPods: pods being deleted that are not yet terminal."""
    return [p for p in pods if is_pod_terminating(p)]


def filter_claimed_pods(owner: Any, selector: Selector, pods: Iterable[Pod]) -> list[Pod]:
    """FilterClaimedPods: pods controlled by owner whose labels still match."""
    return [p for p in pods
            if is_controlled_by(p, owner) and selector.matches(p.metadata.labels)]


def filter_pods_by_owner(pods: Iterable[Pod], owner: Any, include_orphans: bool) -> list[Pod]:
    """FilterPodsByOwner over a namespace's pods: those whose controller is owner, and the
    orphans when asked."""
    out = []
    for p in pods:
        ref = get_controller_of(p)
        if (ref is not None and ref.uid == owner.metadata.uid) \
                or (ref is None and include_orphans):
            out.append(p)
    return out


def next_pod_availability_check(pod: Pod, min_ready_seconds: int, now: int) -> int | None:
    """nextPodAvailabilityCheck: seconds until a ready pod turns available, None when it is
    not ready, already available, or minReadySeconds is 0."""
    if not is_pod_ready(pod) or min_ready_seconds <= 0:
        return None
    c = get_pod_ready_condition(pod.status)
    if c is None or c.last_transition_time is None:
        return None
    next_check = c.last_transition_time + min_ready_seconds - now
    return next_check if next_check > 0 else None


def find_min_next_pod_availability_simple_check(pods: Iterable[Pod], min_ready_seconds: int,
                                                now: int) -> tuple[int | None, Pod | None]:
    """findMinNextPodAvailabilitySimpleCheck: the earliest next check and its pod."""
    best: int | None = None
    check_pod: Pod | None = None
    for p in pods:
        nxt = next_pod_availability_check(p, min_ready_seconds, now)
        if nxt is not None and (best is None or nxt < best):
            best, check_pod = nxt, p
    return best, check_pod


def find_min_next_pod_availability_check(pods: Iterable[Pod], min_ready_seconds: int,
                                         last_owner_status_evaluation: int, now: int
                                         ) -> int | None:
    """FindMinNextPodAvailabilityCheck: when the next pod turns available, counted from the
    owner's status evaluation and refreshed against `now` (0 when already past)."""
    nxt, pod = find_min_next_pod_availability_simple_check(
        pods, min_ready_seconds, last_owner_status_evaluation)
    if nxt is None or pod is None:
        return None
    updated = next_pod_availability_check(pod, min_ready_seconds, now)
    return updated if updated is not None else 0
