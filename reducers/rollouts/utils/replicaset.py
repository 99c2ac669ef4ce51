"""ReplicaSet arithmetic of Argo Rollouts: which ReplicaSet is new, stable or other, and how
many replicas each should have at the current canary step or blue-green phase.

Everything here is pure: a Rollout and ReplicaSets in, numbers or ReplicaSets out.

Models: utils/replicaset/canary.go (AtDesiredReplicaCountsForCanary,
CalculateReplicaCountsForBasicCanary, approximateWeightedCanaryStableReplicaCounts,
floorCeilingTied, weightDelta, calculateScaleDownReplicaCount, adjustReplicaWithinLimits,
CheckMinPodsPerReplicaSet, CalculateReplicaCountsForTrafficRoutedCanary,
trafficWeightToReplicas, BeforeStartingStep, CheckStableRSExists, GetReplicasForScaleDown,
GetCurrentCanaryStep, GetCanaryReplicasOrWeight, GetDesiredCanaryWeight,
GetCurrentSetWeight, UseSetCanaryScale, GetOtherRSs, GetStableRS, GetCurrentExperimentStep,
ReplicaProgressThresholdMet, ParseExistingPodMetadata, SyncEphemeralPodMetadata,
SyncReplicaSetEphemeralPodMetadata), utils/replicaset/replicaset.go (FindNewReplicaSet,
FindOldReplicaSets, NewRSNewReplicas, MaxRevision, Revision, resolveFenceposts,
MaxUnavailable, MaxSurge, checkStepHashChange, CheckPodSpecChange, PodTemplateOrStepsChanged,
ResetCurrentStepIndex, GetPodTemplateHash, ReplicaSetsByRevisionNumber,
HasScaleDownDeadline, GetTimeRemainingBeforeScaleDownDeadline, IsReplicaSetAvailable,
IsActive, the Get*ReplicaCountForReplicaSets sums, NeedsRestart) and
utils/replicaset/bluegreen.go (GetReplicaSetByTemplateHash, ReadyForPause), argo-rollouts at
9f8d111; intstr.GetValueFromIntOrPercent (the legacy reading, where "25" is 25%).
Simplifies: FindNewReplicaSet's last resort compares templates as DeepDerivative does
(every field the Rollout sets equals the ReplicaSet's), without applying the pod defaults;
the injected anti-affinity rule is not modelled.
Covered by: tests/test_rollouts_utils.py (utils/replicaset/canary_test.go tables).
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.schema import encode, parse_time, thaw
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils.defaults import (
    get_abort_scale_down_delay_seconds_or_default,
    get_max_surge_or_default,
    get_max_unavailable_or_default,
    get_replicas_or_default,
    has_explicit_abort_scale_down_delay,
    max_traffic_weight,
)
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash, compute_step_hash

HASH_KEY = ann.DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY
EPHEMERAL_METADATA_ANNOTATION = ann.ROLLOUT_LABEL + "/ephemeral-metadata"
PROGRESS_TYPE_PERCENTAGE = "Percent"


def _n(value: int | None) -> int:
    return value or 0


def spec_replicas(rs: Any) -> int:
    """*rs.Spec.Replicas (a ReplicaSet the API server stored always has it)."""
    return _n(rs.spec.replicas)


def available(rs: Any) -> int:
    return _n(rs.status.available_replicas)


# -- intstr ------------------------------------------------------------------------------------


def get_value_from_int_or_percent(value: int | str | None, total: int, round_up: bool
                                  ) -> int | None:
    """intstr.GetValueFromIntOrPercent (the deprecated reading): an int as is; any string,
    with or without `%`, as a percentage of `total`; None for a string that is no number."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = value.replace("%", "")
    try:
        percent = int(text)
    except ValueError:
        return None
    scaled = percent * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def resolve_fenceposts(max_surge: int | str | None, max_unavailable: int | str | None,
                       desired: int) -> tuple[int, int]:
    """resolveFenceposts: surge rounded up, unavailable down; both zero makes unavailable 1.
    A value that does not parse gives (0, 0), as Go's error return does."""
    surge = get_value_from_int_or_percent(0 if max_surge is None else max_surge, desired, True)
    unavailable = get_value_from_int_or_percent(0 if max_unavailable is None
                                                else max_unavailable, desired, False)
    if surge is None or unavailable is None:
        return 0, 0
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_unavailable(ro: Any) -> int:
    """MaxUnavailable: canary through resolveFenceposts; blue-green the plain percentage;
    never more than the replicas."""
    replicas = get_replicas_or_default(ro.spec.replicas)
    if replicas == 0:
        return 0
    if ro.spec.strategy.canary is not None:
        _, unavailable = resolve_fenceposts(get_max_surge_or_default(ro),
                                            get_max_unavailable_or_default(ro), replicas)
    else:
        unavailable = get_value_from_int_or_percent(get_max_unavailable_or_default(ro),
                                                    replicas, False) or 0
    return min(unavailable, replicas)


def max_surge(ro: Any) -> int:
    """MaxSurge: canary only (blue-green never surges)."""
    if ro.spec.strategy.canary is None:
        return 0
    surge, _ = resolve_fenceposts(get_max_surge_or_default(ro),
                                  get_max_unavailable_or_default(ro),
                                  get_replicas_or_default(ro.spec.replicas))
    return surge


# -- finding ReplicaSets -----------------------------------------------------------------------


def get_pod_template_hash(rs: Any) -> str:
    if rs is None:
        return ""
    return rs.metadata.labels.get(HASH_KEY, "")


def _creation_key(rs: Any) -> tuple[int, str]:
    return (_n(rs.metadata.creation_timestamp), rs.metadata.name or "")


def sort_by_creation(rss: list[Any]) -> list[Any]:
    """controller.ReplicaSetsByCreationTimestamp (ties by name)."""
    return sorted(rss, key=_creation_key)


def _derivative(desired: Any, live: Any) -> bool:
    """apiequality.Semantic.DeepDerivative: every value `desired` sets equals `live`'s."""
    if desired is None or desired == {} or desired == []:
        return True
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return False
        return all(_derivative(v, live.get(k)) for k, v in desired.items())
    if isinstance(desired, list):
        if not isinstance(live, list) or len(desired) != len(live):
            return False
        return all(_derivative(d, v) for d, v in zip(desired, live, strict=True))
    return bool(desired == live)


def pod_template_equal_ignore_hash(live: Any, desired: Any) -> bool:
    """PodTemplateEqualIgnoreHash, read as DeepDerivative without the hash label and the
    deprecated serviceAccount (see Simplifies)."""
    def plain(template: Any) -> dict[str, Any]:
        doc = thaw(encode(template)) if template is not None else {}
        labels = (doc.get("metadata") or {}).get("labels") or {}
        labels.pop(HASH_KEY, None)
        (doc.get("spec") or {}).pop("serviceAccount", None)
        return doc
    return _derivative(plain(desired), plain(live))


def find_new_replica_set(ro: Any, rs_list: list[Any]) -> Any:
    """FindNewReplicaSet: by the pod-template hash, else the first (oldest) whose template
    equals the Rollout's once the injected metadata is removed."""
    rss = sort_by_creation([rs for rs in rs_list if rs is not None])
    pod_hash = compute_pod_template_hash(ro.spec.template, ro.status.collision_count)
    for rs in rss:
        if rs.metadata.labels.get(HASH_KEY) == pod_hash:
            return rs
    for rs in rss:
        stripped, _ = sync_replica_set_ephemeral_pod_metadata(rs, None)
        if pod_template_equal_ignore_hash(stripped.spec.template, ro.spec.template):
            return rs
    return None


def find_old_replica_sets(ro: Any, rs_list: list[Any], new_rs: Any) -> list[Any]:
    """FindOldReplicaSets: all but the new one."""
    uid = new_rs.metadata.uid if new_rs is not None else None
    return [rs for rs in rs_list if new_rs is None or rs.metadata.uid != uid]


def get_stable_rs(ro: Any, new_rs: Any, rs_list: list[Any]) -> Any:
    """GetStableRS: the ReplicaSet whose hash is status.stableRS (the new one first)."""
    stable = ro.status.stable_rs or ""
    if not stable:
        return None
    if new_rs is not None and new_rs.metadata.labels.get(HASH_KEY) == stable:
        return new_rs
    for rs in rs_list:
        if rs is not None and rs.metadata.labels.get(HASH_KEY) == stable:
            return rs
    return None


def get_other_rss(ro: Any, new_rs: Any, stable_rs: Any, all_rss: list[Any]) -> list[Any]:
    """GetOtherRSs: neither new nor stable."""
    out = []
    for rs in all_rss:
        if rs is None:
            continue
        if stable_rs is not None and rs.metadata.name == stable_rs.metadata.name:
            continue
        if new_rs is not None and rs.metadata.name == new_rs.metadata.name:
            continue
        out.append(rs)
    return out


def get_replica_set_by_template_hash(all_rss: list[Any], pod_hash: str | None
                                     ) -> tuple[Any, list[Any]]:
    """GetReplicaSetByTemplateHash: the one with that hash, and the others (with a hash)."""
    if not pod_hash:
        return None, list(all_rss)
    found, others = None, []
    for rs in all_rss:
        if rs is None:
            continue
        rs_hash = rs.metadata.labels.get(HASH_KEY)
        if rs_hash is None:
            continue
        if rs_hash == pod_hash:
            found = rs
            continue
        others.append(rs)
    return found, others


def check_stable_rs_exists(new_rs: Any, stable_rs: Any) -> bool:
    """CheckStableRSExists: a stable ReplicaSet other than the new one."""
    if stable_rs is None:
        return False
    if new_rs is None:
        return True
    return new_rs.metadata.name != stable_rs.metadata.name


# -- revisions ---------------------------------------------------------------------------------


def revision(obj: Any) -> int | None:
    """Revision: 0 without the annotation; None when it does not parse."""
    text = obj.metadata.annotations.get(ann.REVISION_ANNOTATION)
    if text is None:
        return 0
    return ann.parse_int(text)


def max_revision(rss: list[Any]) -> int:
    best = 0
    for rs in rss:
        v = revision(rs)
        if v is not None and v > best:
            best = v
    return best


def _revision_cmp(a: Any, b: Any) -> int:
    """ReplicaSetsByRevisionNumber.Less as a comparison (unparsable revisions keep their
    relative order)."""
    ra = ann.parse_int(a.metadata.annotations.get(ann.REVISION_ANNOTATION))
    rb = ann.parse_int(b.metadata.annotations.get(ann.REVISION_ANNOTATION))
    ka, kb = _creation_key(a), _creation_key(b)
    if ra is None and rb is None or ra == rb:
        return -1 if ka < kb else (1 if ka > kb else 0)
    if ra is None:
        return 1
    if rb is None:
        return -1
    return -1 if ra < rb else 1


def sort_by_revision(rss: list[Any], reverse: bool = False) -> list[Any]:
    """sort.Sort(ReplicaSetsByRevisionNumber) (or its reverse)."""
    return sorted(rss, key=functools.cmp_to_key(_revision_cmp), reverse=reverse)


# -- counts ------------------------------------------------------------------------------------


def get_replica_count_for_replica_sets(rss: list[Any]) -> int:
    return sum(spec_replicas(rs) for rs in rss if rs is not None)


def get_available_replica_count_for_replica_sets(rss: list[Any]) -> int:
    return sum(available(rs) for rs in rss if rs is not None)


def get_actual_replica_count_for_replica_sets(rss: list[Any]) -> int:
    return sum(_n(rs.status.replicas) for rs in rss if rs is not None)


def get_ready_replica_count_for_replica_sets(rss: list[Any]) -> int:
    return sum(_n(rs.status.ready_replicas) for rs in rss if rs is not None)


def filter_active_replica_sets(rss: list[Any]) -> list[Any]:
    """controller.FilterActiveReplicaSets: spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and spec_replicas(rs) > 0]


def is_active(rs: Any) -> bool:
    return rs is not None and spec_replicas(rs) > 0


def is_replica_set_available(rs: Any) -> bool:
    """IsReplicaSetAvailable: scaled up and every replica available."""
    if rs is None:
        return False
    replicas = rs.spec.replicas
    return replicas is not None and replicas != 0 and available(rs) != 0 \
        and replicas <= available(rs)


def is_replica_set_partially_available(rs: Any) -> bool:
    return available(rs) > 0


# -- scale-down deadlines ----------------------------------------------------------------------


def has_scale_down_deadline(rs: Any) -> bool:
    if rs is None:
        return False
    return bool(rs.metadata.annotations.get(ann.SCALE_DOWN_DEADLINE_ANNOTATION))


def scale_down_deadline(rs: Any) -> int | None:
    """The deadline as Unix seconds, or None when absent or unreadable."""
    text = rs.metadata.annotations.get(ann.SCALE_DOWN_DEADLINE_ANNOTATION)
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


def get_time_remaining_before_scale_down_deadline(rs: Any, now: int) -> int | None:
    """GetTimeRemainingBeforeScaleDownDeadline: seconds left when the deadline is still
    ahead, else None."""
    if not has_scale_down_deadline(rs):
        return None
    deadline = scale_down_deadline(rs)
    if deadline is None or deadline <= now:
        return None
    return deadline - now


# -- canary steps ------------------------------------------------------------------------------


def get_current_canary_step(ro: Any) -> tuple[Any, int | None]:
    """GetCurrentCanaryStep: (the step, its index); (None, index) past the last step;
    (None, None) without steps."""
    canary = ro.spec.strategy.canary
    if canary is None or not canary.steps:
        return None, None
    index = ro.status.current_step_index or 0
    if len(canary.steps) <= index:
        return None, index
    return canary.steps[index], index


def get_current_set_weight(ro: Any) -> int:
    """GetCurrentSetWeight: 0 when aborted; the last setWeight at or before the current step;
    the max weight past the last step."""
    if ro.status.abort:
        return 0
    step, index = get_current_canary_step(ro)
    if step is None:
        return max_traffic_weight(ro)
    for i in range(index or 0, -1, -1):
        weight = ro.spec.strategy.canary.steps[i].set_weight
        if weight is not None:
            return weight
    return 0


def use_set_canary_scale(ro: Any) -> Any:
    """UseSetCanaryScale: the latest setCanaryScale at or before the current step (traffic
    routing only; not when aborted unless the canary is left up; none after
    matchTrafficWeight)."""
    canary = ro.spec.strategy.canary
    if canary is None or canary.traffic_routing is None:
        return None
    if ro.status.abort:
        delay, _ = get_abort_scale_down_delay_seconds_or_default(ro)
        if delay is not None:
            return None
    step, index = get_current_canary_step(ro)
    if step is None:
        return None
    for i in range(index or 0, -1, -1):
        scs = canary.steps[i].set_canary_scale
        if scs is None:
            continue
        if scs.match_traffic_weight:
            return None
        return scs
    return None


def traffic_weight_to_replicas(replicas: int, weight: int, max_weight: int) -> int:
    """trafficWeightToReplicas: rounded up."""
    return math.ceil(weight * replicas / max_weight)


def get_desired_canary_weight(ro: Any, new_rs: Any, stable_rs: Any) -> int:
    """GetDesiredCanaryWeight: on abort with dynamicStableScale, walk the setWeight steps down
    as the stable scales back up; otherwise the current setWeight."""
    canary = ro.spec.strategy.canary
    if ro.status.abort and canary.dynamic_stable_scale and new_rs is not None \
            and stable_rs is not None:
        max_weight = max_traffic_weight(ro)
        replicas = get_replicas_or_default(ro.spec.replicas)
        expected_canary = replicas - available(stable_rs)
        canary_replicas = max(expected_canary, available(new_rs))
        if has_explicit_abort_scale_down_delay(ro):
            canary_replicas = expected_canary
        for step in reversed(canary.steps):
            if step.set_weight is not None and traffic_weight_to_replicas(
                    replicas, step.set_weight, max_weight) < canary_replicas:
                return step.set_weight
        return 0
    return get_current_set_weight(ro)


def get_canary_replicas_or_weight(ro: Any, new_rs: Any, stable_rs: Any
                                  ) -> tuple[int | None, int]:
    """GetCanaryReplicasOrWeight: (explicit canary replicas, or None; the weight)."""
    if ro.status.promote_full or not ro.status.stable_rs \
            or ro.status.current_pod_hash == ro.status.stable_rs:
        return None, max_traffic_weight(ro)
    scs = use_set_canary_scale(ro)
    if scs is not None:
        if scs.replicas is not None:
            return scs.replicas, 0
        if scs.weight is not None:
            return None, scs.weight
    return None, get_desired_canary_weight(ro, new_rs, stable_rs)


def before_starting_step(ro: Any) -> bool:
    canary = ro.spec.strategy.canary
    if canary is None or canary.analysis is None or canary.analysis.starting_step is None:
        return False
    _, index = get_current_canary_step(ro)
    if index is None:
        return False
    return index < canary.analysis.starting_step


def get_current_experiment_step(ro: Any) -> Any:
    step, index = get_current_canary_step(ro)
    if step is None:
        return None
    for i in range(index or 0, -1, -1):
        experiment = ro.spec.strategy.canary.steps[i].experiment
        if experiment is not None:
            return experiment
    return None


# -- the replica arithmetic --------------------------------------------------------------------


def get_replicas_for_scale_down(rs: Any, ignore_availability: bool) -> int:
    """GetReplicasForScaleDown."""
    if rs is None:
        return 0
    if spec_replicas(rs) < available(rs):
        return spec_replicas(rs)
    if ignore_availability:
        return spec_replicas(rs)
    return available(rs)


def floor_ceiling_tied(desired_weight: int, max_weight: int, total: int) -> bool:
    frac = math.modf(total * (desired_weight / max_weight))[0]
    return frac == 0.5


def weight_delta(desired_weight: int, max_weight: int, canary: int, total: int) -> float:
    return abs(canary * max_weight / total - desired_weight)


def approximate_weighted_canary_stable_replica_counts(spec_replicas_: int, desired_weight: int,
                                                      max_weight: int, surge: int
                                                      ) -> tuple[int, int]:
    """approximateWeightedCanaryStableReplicaCounts: the (canary, stable) counts closest to
    the weight, possibly with one surge replica; a weight strictly between 0 and max never
    rounds a side to 0 when there are two or more replicas to share."""
    if spec_replicas_ == 0:
        return 0, 0
    options: list[tuple[int, int]] = []
    ceil_count = math.ceil(spec_replicas_ * desired_weight / max_weight)
    floor_count = math.floor(spec_replicas_ * desired_weight / max_weight)
    tied = floor_ceiling_tied(desired_weight, max_weight, spec_replicas_)
    zero_allowed = desired_weight == max_weight or desired_weight == 0 \
        or (spec_replicas_ == 1 and surge == 0)
    if ceil_count < spec_replicas_ or zero_allowed:
        options.append((ceil_count, spec_replicas_))
    if not tied and (floor_count != 0 or zero_allowed):
        options.append((floor_count, spec_replicas_))
    if surge > 0:
        options.append((ceil_count, spec_replicas_ + 1))
        surge_tied = floor_ceiling_tied(desired_weight, max_weight, spec_replicas_ + 1)
        if not surge_tied and (floor_count != 0 or zero_allowed):
            options.append((floor_count, spec_replicas_ + 1))
    if not options:
        return 0, spec_replicas_
    best = options[0]
    best_delta = weight_delta(desired_weight, max_weight, *best)
    for option in options[1:]:
        delta = weight_delta(desired_weight, max_weight, *option)
        if delta < best_delta:
            best, best_delta = option, delta
    return best[0], best[1] - best[0]


def calculate_scale_down_replica_count(drain_rs: Any, desired: int, scale_down: int,
                                       drain_count: int) -> int:
    if drain_rs is not None and spec_replicas(drain_rs) > desired:
        return max(desired, spec_replicas(drain_rs) - scale_down)
    return drain_count


def adjust_replica_within_limits(drain_rs: Any, adjust_rs: Any, drain_count: int,
                                 adjust_count: int, max_allowed: int, min_available: int
                                 ) -> tuple[int, int]:
    """adjustReplicaWithinLimits: bring the pair within maxSurge without going below
    minAvailable."""
    total_available = 0
    over = max(0, adjust_count + drain_count - max_allowed)
    if drain_rs is not None:
        total_available += min(available(drain_rs), drain_count)
    if adjust_rs is not None:
        adjust_count -= over
        total_available += min(available(adjust_rs), adjust_count)
        extra_available = max(0, available(adjust_rs) - adjust_count)
        need_more = max(0, min_available - total_available)
        adjust_count += min(extra_available, need_more)
        over = max(0, adjust_count + drain_count - max_allowed)
        drain_count -= over
    return drain_count, adjust_count


def calculate_replica_counts_for_basic_canary(ro: Any, new_rs: Any, stable_rs: Any,
                                              old_rss: list[Any]) -> tuple[int, int]:
    """CalculateReplicaCountsForBasicCanary: (new, stable) replicas this sync may set without a
    traffic router, within maxSurge and maxUnavailable."""
    replicas = get_replicas_or_default(ro.spec.replicas)
    _, desired_weight = get_canary_replicas_or_weight(ro, new_rs, stable_rs)
    surge = max_surge(ro)
    max_weight = max_traffic_weight(ro)
    desired_new, desired_stable = approximate_weighted_canary_stable_replica_counts(
        replicas, desired_weight, max_weight, surge)
    stable_count = 0
    new_count = spec_replicas(new_rs) if new_rs is not None else 0
    scale_stable = check_stable_rs_exists(new_rs, stable_rs)
    if scale_stable:
        stable_count = spec_replicas(stable_rs)
    else:
        desired_new, desired_stable = replicas, 0
    max_allowed = replicas + surge
    all_rss = [*old_rss, new_rs, *([stable_rs] if scale_stable else [])]
    scale_up = max_allowed - get_replica_count_for_replica_sets(all_rss)
    if scale_stable and spec_replicas(stable_rs) < desired_stable and scale_up > 0:
        if spec_replicas(stable_rs) + scale_up < desired_stable:
            stable_count = spec_replicas(stable_rs) + scale_up
            scale_up = 0
        else:
            stable_count = desired_stable
            scale_up -= desired_stable - spec_replicas(stable_rs)
    if new_rs is not None and spec_replicas(new_rs) < desired_new and scale_up > 0:
        if spec_replicas(new_rs) + scale_up < desired_new:
            new_count = spec_replicas(new_rs) + scale_up
        else:
            new_count = desired_new
    if get_replica_count_for_replica_sets(old_rss) > 0:
        return new_count, stable_count
    min_available = replicas - max_unavailable(ro)
    increasing = new_rs is None or desired_new >= spec_replicas(new_rs)
    to_scale_down = get_replicas_for_scale_down(new_rs, not increasing) \
        + get_replicas_for_scale_down(stable_rs, increasing)
    if to_scale_down <= min_available:
        return new_count, stable_count
    scale_down = to_scale_down - min_available
    if not increasing:
        new_count = calculate_scale_down_replica_count(new_rs, desired_new, scale_down,
                                                       new_count)
        new_count, stable_count = adjust_replica_within_limits(
            new_rs, stable_rs, new_count, stable_count, max_allowed, min_available)
    elif scale_stable:
        stable_count = calculate_scale_down_replica_count(stable_rs, desired_stable,
                                                          scale_down, stable_count)
        stable_count, new_count = adjust_replica_within_limits(
            stable_rs, new_rs, stable_count, new_count, max_allowed, min_available)
    return new_count, stable_count


def check_min_pods_per_replica_set(ro: Any, count: int) -> int:
    """CheckMinPodsPerReplicaSet (traffic routing only; capped at the replicas)."""
    if count == 0:
        return count
    canary = ro.spec.strategy.canary
    if canary is None or canary.min_pods_per_replica_set is None \
            or canary.traffic_routing is None:
        return count
    minimum = min(canary.min_pods_per_replica_set, get_replicas_or_default(ro.spec.replicas))
    return max(count, minimum)


def calculate_replica_counts_for_traffic_routed_canary(ro: Any, new_rs: Any, stable_rs: Any,
                                                       weights: Any) -> tuple[int, int]:
    """CalculateReplicaCountsForTrafficRoutedCanary: the canary from the weight (or an explicit
    setCanaryScale); the stable at 100% unless dynamicStableScale, which keeps it at the
    higher of its current and desired traffic."""
    replicas = get_replicas_or_default(ro.spec.replicas)
    explicit, desired_weight = get_canary_replicas_or_weight(ro, new_rs, stable_rs)
    max_weight = max_traffic_weight(ro)
    if explicit is not None:
        canary_count = explicit
    else:
        canary_count = check_min_pods_per_replica_set(
            ro, traffic_weight_to_replicas(replicas, desired_weight, max_weight))
    if not ro.spec.strategy.canary.dynamic_stable_scale:
        return canary_count, replicas
    stable_count = traffic_weight_to_replicas(replicas, max_weight - desired_weight, max_weight)
    if weights is not None:
        stable_count = max(stable_count, traffic_weight_to_replicas(
            replicas, _n(weights.stable.weight), max_weight))
        if ro.status.abort:
            canary_count = max(traffic_weight_to_replicas(
                replicas, _n(weights.canary.weight), max_weight), canary_count)
    return check_min_pods_per_replica_set(ro, canary_count), \
        check_min_pods_per_replica_set(ro, stable_count)


def all_desired_are_available(rs: Any, desired: int) -> bool:
    return rs is not None and desired == get_replicas_or_default(rs.spec.replicas) \
        and desired == available(rs)


def all_desired_are_created(rs: Any, desired: int) -> bool:
    return rs is not None and desired == spec_replicas(rs) and desired == _n(rs.status.replicas)


def replica_progress_threshold_met(threshold: Any, rs: Any, desired: int) -> bool:
    """ReplicaProgressThresholdMet: all desired available, or the threshold (a count or a
    percentage) of them."""
    if threshold is None or rs is None or _n(threshold.value) < 0:
        return all_desired_are_available(rs, desired)
    if threshold.type == PROGRESS_TYPE_PERCENTAGE:
        if desired == 0:
            return True
        current = available(rs) / desired * 100
        return current >= _n(threshold.value) or abs(current - _n(threshold.value)) <= 1e-10
    return available(rs) >= _n(threshold.value)


def at_desired_replica_counts_for_canary(ro: Any, new_rs: Any, stable_rs: Any,
                                         older_rss: list[Any], weights: Any) -> bool:
    """AtDesiredReplicaCountsForCanary."""
    canary = ro.spec.strategy.canary
    if canary.traffic_routing is None:
        desired_new, desired_stable = calculate_replica_counts_for_basic_canary(
            ro, new_rs, stable_rs, older_rss)
    else:
        desired_new, desired_stable = calculate_replica_counts_for_traffic_routed_canary(
            ro, new_rs, stable_rs, weights)
    if not replica_progress_threshold_met(canary.replica_progress_threshold, new_rs,
                                          desired_new):
        return False
    if (canary.traffic_routing is None or not canary.dynamic_stable_scale) \
            and not all_desired_are_created(stable_rs, desired_stable):
        return False
    return not (canary.traffic_routing is None
                and get_available_replica_count_for_replica_sets(older_rss) != 0)


def new_rs_new_replicas(ro: Any, all_rss: list[Any], new_rs: Any, weights: Any) -> int:
    """NewRSNewReplicas: blue-green the replicas (or previewReplicaCount before the switch);
    canary from the basic or traffic-routed arithmetic."""
    blue_green = ro.spec.strategy.blue_green
    if blue_green is not None:
        desired = get_replicas_or_default(ro.spec.replicas)
        if blue_green.preview_replica_count is not None:
            active_rs, _ = get_replica_set_by_template_hash(
                all_rss, ro.status.blue_green.active_selector)
            if active_rs is None or active_rs.metadata.name == new_rs.metadata.name:
                return desired
            if ro.status.promote_full:
                return desired
            if new_rs.metadata.labels.get(HASH_KEY) != ro.status.current_pod_hash:
                return blue_green.preview_replica_count
            not_paused = not ro.spec.paused and not ro.status.pause_conditions
            if not_paused and ro.status.blue_green.scale_up_preview_check_point:
                return desired
            return blue_green.preview_replica_count
        return desired
    stable_rs = get_stable_rs(ro, new_rs, all_rss)
    if ro.spec.strategy.canary.traffic_routing is None:
        others = get_other_rss(ro, new_rs, stable_rs, all_rss)
        return calculate_replica_counts_for_basic_canary(ro, new_rs, stable_rs, others)[0]
    return calculate_replica_counts_for_traffic_routed_canary(ro, new_rs, stable_rs,
                                                              weights)[0]


def ready_for_pause(ro: Any, new_rs: Any, all_rss: list[Any]) -> bool:
    """ReadyForPause (blue-green): the new ReplicaSet has and sees available its replicas."""
    count = new_rs_new_replicas(ro, all_rss, new_rs, None)
    return spec_replicas(new_rs) == count and available(new_rs) == count


# -- changes -----------------------------------------------------------------------------------


def compute_current_step_hash(ro: Any) -> str:
    """conditions.ComputeStepHash: "" for blue-green."""
    canary = ro.spec.strategy.canary
    if ro.spec.strategy.blue_green is not None or canary is None:
        return ""
    return compute_step_hash(canary.steps)


def check_step_hash_change(ro: Any) -> bool:
    if not ro.status.current_step_hash:
        return True
    return ro.status.current_step_hash != compute_current_step_hash(ro)


def check_pod_spec_change(ro: Any, new_rs: Any) -> bool:
    """CheckPodSpecChange: the new ReplicaSet's hash (or the template's) is not the recorded
    current hash."""
    if not ro.status.current_pod_hash:
        return False
    pod_hash = compute_pod_template_hash(ro.spec.template, ro.status.collision_count)
    if new_rs is not None:
        pod_hash = get_pod_template_hash(new_rs)
    return ro.status.current_pod_hash != pod_hash


def pod_template_or_steps_changed(ro: Any, new_rs: Any) -> bool:
    return check_step_hash_change(ro) or check_pod_spec_change(ro, new_rs)


def reset_current_step_index(ro: Any) -> int | None:
    canary = ro.spec.strategy.canary
    if canary is not None and canary.steps:
        return 0
    return None


def needs_restart(ro: Any, now: int) -> bool:
    """NeedsRestart: restartAt is set, not yet done, and passed."""
    restart_at = ro.spec.restart_at
    if restart_at is None or now < restart_at:
        return False
    restarted_at = ro.status.restarted_at
    return restarted_at is None or restarted_at < restart_at


# -- ephemeral metadata ------------------------------------------------------------------------


def parse_existing_pod_metadata(rs: Any) -> dict[str, Any] | None:
    """ParseExistingPodMetadata: what we injected, from the ephemeral-metadata annotation."""
    text = rs.metadata.annotations.get(EPHEMERAL_METADATA_ANNOTATION)
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _metadata_dict(md: Any) -> dict[str, Any] | None:
    if md is None:
        return None
    if isinstance(md, dict):
        return md
    out: dict[str, Any] = {}
    if md.labels:
        out["labels"] = dict(md.labels)
    if md.annotations:
        out["annotations"] = dict(md.annotations)
    return out


def sync_ephemeral_pod_metadata(metadata: Any, existing: Any, desired: Any
                                ) -> tuple[Any, bool]:
    """SyncEphemeralPodMetadata: inject the desired labels and annotations, remove the ones
    injected before and no longer desired."""
    existing_d, desired_d = _metadata_dict(existing), _metadata_dict(desired)
    labels, annotations = dict(metadata.labels), dict(metadata.annotations)
    modified = False
    if desired_d is not None:
        for target, key in ((annotations, "annotations"), (labels, "labels")):
            for k, v in (desired_d.get(key) or {}).items():
                if target.get(k) != v:
                    target[k] = v
                    modified = True
    if existing_d is not None:
        for target, key in ((annotations, "annotations"), (labels, "labels")):
            wanted = (desired_d or {}).get(key) or {}
            for k in (existing_d.get(key) or {}):
                if (desired_d is None or k not in wanted) and k in target:
                    del target[k]
                    modified = True
    return attrs.evolve(metadata, labels=pmap(labels), annotations=pmap(annotations)), modified


def sync_replica_set_ephemeral_pod_metadata(rs: Any, pod_metadata: Any) -> tuple[Any, bool]:
    """SyncReplicaSetEphemeralPodMetadata: the ReplicaSet's template metadata synced, and the
    annotation that remembers what was injected."""
    existing = parse_existing_pod_metadata(rs)
    template = rs.spec.template
    new_meta, modified = sync_ephemeral_pod_metadata(template.metadata, existing, pod_metadata)
    if not modified:
        return rs, False
    rs = attrs.evolve(rs, spec=attrs.evolve(rs.spec, template=attrs.evolve(
        template, metadata=new_meta)))
    annotations = dict(rs.metadata.annotations)
    if pod_metadata is not None:
        annotations[EPHEMERAL_METADATA_ANNOTATION] = json.dumps(
            _metadata_dict(pod_metadata), separators=(",", ":"), sort_keys=False)
    else:
        annotations.pop(EPHEMERAL_METADATA_ANNOTATION, None)
    return ann.with_annotations(rs, annotations), True
