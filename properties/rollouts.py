"""Properties of Argo Rollouts, worked out from the Rollout's spec as Argo's documentation states
them (not from the controller's code):

- `canary_pauses_last_their_duration` (transition): a canary does not move past a pause step
  with a duration before that duration has passed since the pause began, nor past an
  indefinite pause, while its pause condition stands (a `rollout: promote` or `resume` clears
  the condition first; `promote --full` is a promotion on purpose).
- `canaries_stay_within_their_step_weight` (transition): the controller never grows a basic
  canary's ReplicaSet past ceil(replicas x weight / 100) pods, nor a routed canary's traffic
  weight past the weight, where the weight is the highest setWeight (or setCanaryScale weight)
  of the steps reached so far (the maximum once past the last step). Checked once the
  controller has observed the Rollout's generation; skipped where a setCanaryScale asks for an
  explicit count. (A canary above the weight of the step it is back at, after an abort and a
  retry, shrinks: only growth is checked.)
- `active_service_switches_only_to_available` (transition): a blue-green Rollout's active
  Service is switched only to a ReplicaSet whose pods are all available (as many available as
  it asks for, at least one).
- `aborted_rollouts_end_on_stable` (once settled, with convergence): an aborted Rollout's live
  pods are all of its stable revision (unless abortScaleDownDelaySeconds is 0, which keeps the
  canary up on purpose).

Models: the Argo Rollouts documentation (features/canary "setWeight", "pause";
features/bluegreen "activeService"; features/scaledown-aborted-rs).
Covered by: tests/test_rollouts_properties.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.properties.invariants import Violation

HASH_KEY = "rollouts-pod-template-hash"


def _key(ro: Any) -> str:
    return f"{ro.metadata.namespace}/{ro.metadata.name}"


def _canary(ro: Any) -> Any:
    return ro.spec.strategy.canary if ro.spec is not None and ro.spec.strategy else None


def _pause_start(ro: Any) -> int | None:
    for cond in ro.status.pause_conditions:
        if cond.reason == "CanaryPauseStep":
            return cond.start_time
    return None


def _duration(pause: Any) -> int | None:
    if pause.duration is None:
        return None
    return pause.duration_seconds()


def canary_pauses_last_their_duration(before: Cluster, after: Cluster, event: Any
                                      ) -> Iterator[Violation]:
    for ro in after.list("Rollout"):
        canary = _canary(ro)
        if canary is None or not canary.steps:
            continue
        old = before.get("Rollout", ro.metadata.namespace, ro.metadata.name)
        if old is None or old.metadata.uid != ro.metadata.uid \
                or old.status.current_pod_hash != ro.status.current_pod_hash:
            continue
        index = old.status.current_step_index or 0
        if index >= len(canary.steps) or (ro.status.current_step_index or 0) <= index:
            continue
        pause = canary.steps[index].pause
        start = _pause_start(old)
        if pause is None or start is None or ro.status.promote_full:
            continue
        duration = _duration(pause)
        if duration is None:
            yield Violation("canary_pauses_last_their_duration",
                            f"rollout {_key(ro)} moved past its indefinite pause (step {index}) "
                            "with no command", (f"Rollout {_key(ro)}",))
        elif after.now < start + duration:
            yield Violation("canary_pauses_last_their_duration",
                            f"rollout {_key(ro)} moved past its pause of {duration}s (step "
                            f"{index}) {after.now - start}s after it began",
                            (f"Rollout {_key(ro)}",))


def _step_weight(ro: Any) -> int | None:
    """The highest weight of the steps reached (None: a step asks for explicit counts)."""
    canary = _canary(ro)
    routing = canary.traffic_routing
    maximum = routing.max_traffic_weight if routing is not None and \
        routing.max_traffic_weight else 100
    index = ro.status.current_step_index or 0
    if not canary.steps or index >= len(canary.steps):
        return maximum
    weight = 0
    for step in canary.steps[:index + 1]:
        if step.set_weight is not None:
            weight = max(weight, step.set_weight)
        scale = step.set_canary_scale
        if scale is not None and routing is not None:
            if scale.replicas is not None:
                return None
            if scale.weight is not None:
                weight = max(weight, scale.weight)
            if scale.match_traffic_weight:
                continue
    return weight


def _canary_rs(cluster: Cluster, ro: Any) -> Any:
    return _rs_by_hash(cluster, ro, ro.status.current_pod_hash or "")


def canaries_stay_within_their_step_weight(before: Cluster, after: Cluster
                                           ) -> Iterator[Violation]:
    for ro in after.list("Rollout"):
        canary = _canary(ro)
        status = ro.status
        if canary is None or ro.spec.workload_ref is not None or status.promote_full \
                or not status.stable_rs or status.stable_rs == status.current_pod_hash \
                or status.observed_generation != str(ro.metadata.generation or 0):
            continue
        weight = _step_weight(ro)
        if weight is None:
            continue
        old = before.get("Rollout", ro.metadata.namespace, ro.metadata.name)
        maximum = canary.traffic_routing.max_traffic_weight \
            if canary.traffic_routing is not None and canary.traffic_routing.max_traffic_weight \
            else 100
        if canary.traffic_routing is not None:
            weights = status.canary.weights
            now = weights.canary.weight or 0 if weights is not None else 0
            then = old.status.canary.weights.canary.weight or 0 \
                if old is not None and old.status.canary.weights is not None else 0
            if now > weight and now > then:
                yield Violation("canaries_stay_within_their_step_weight",
                                f"rollout {_key(ro)} sends {now} of {maximum} to its canary at "
                                f"step {status.current_step_index or 0}, whose weight is "
                                f"{weight}", (f"Rollout {_key(ro)}",))
            continue
        replicas = ro.spec.replicas if ro.spec.replicas is not None else 1
        cap = math.ceil(replicas * weight / maximum)
        rs = _canary_rs(after, ro)
        if rs is None:
            continue
        was = before.get("ReplicaSet", rs.metadata.namespace, rs.metadata.name)
        asked, had = rs.spec.replicas or 0, (was.spec.replicas or 0) if was is not None else 0
        if asked > cap and asked > had:
            yield Violation("canaries_stay_within_their_step_weight",
                            f"rollout {_key(ro)}'s canary ReplicaSet {rs.metadata.name} asks "
                            f"for {asked} of {replicas} pods at step "
                            f"{status.current_step_index or 0}, whose weight {weight} allows "
                            f"{cap}", (f"Rollout {_key(ro)}",))


def _rs_by_hash(cluster: Cluster, ro: Any, pod_hash: str) -> Any:
    for rs in cluster.owned_by(ro.metadata.uid or "", "ReplicaSet"):
        if rs is not None and rs.metadata.labels.get(HASH_KEY) == pod_hash:
            return rs
    return None


def active_service_switches_only_to_available(before: Cluster, after: Cluster
                                              ) -> Iterator[Violation]:
    for ro in after.list("Rollout"):
        blue_green = ro.spec.strategy.blue_green if ro.spec.strategy else None
        if blue_green is None or not blue_green.active_service:
            continue
        svc = after.get("Service", ro.metadata.namespace, blue_green.active_service)
        old = before.get("Service", ro.metadata.namespace, blue_green.active_service)
        if svc is None:
            continue
        new_hash = svc.spec.selector.get(HASH_KEY)
        old_hash = old.spec.selector.get(HASH_KEY) if old is not None else None
        if not new_hash or new_hash == old_hash:
            continue
        rs = _rs_by_hash(after, ro, new_hash)
        want = (rs.spec.replicas or 0) if rs is not None else 0
        have = (rs.status.available_replicas or 0) if rs is not None else 0
        if rs is None or want == 0 or have < want:
            yield Violation("active_service_switches_only_to_available",
                            f"rollout {_key(ro)}'s active Service {blue_green.active_service} "
                            f"switched to {new_hash}, which has {have} of {want} pods available",
                            (f"Rollout {_key(ro)}", f"Service {ro.metadata.namespace}/"
                                                    f"{blue_green.active_service}"))


def aborted_rollouts_end_on_stable(cluster: Cluster) -> Iterator[Violation]:
    for ro in cluster.list("Rollout"):
        if not ro.status.abort or not ro.status.stable_rs:
            continue
        strategy = ro.spec.strategy
        keep = (strategy.canary or strategy.blue_green) if strategy else None
        if keep is not None and getattr(keep, "abort_scale_down_delay_seconds", None) == 0:
            continue
        others: dict[str, int] = {}
        for rs in cluster.owned_by(ro.metadata.uid or "", "ReplicaSet"):
            if rs is None:
                continue
            pod_hash = rs.metadata.labels.get(HASH_KEY, "")
            if pod_hash == ro.status.stable_rs:
                continue
            live = [p for p in cluster.owned_by(rs.metadata.uid or "", "Pod")
                    if p is not None and p.metadata.deletion_timestamp is None]
            if live:
                others[pod_hash] = len(live)
        if others:
            yield Violation("aborted_rollouts_end_on_stable",
                            f"aborted rollout {_key(ro)} still runs pods of "
                            + ", ".join(f"{h} ({n})" for h, n in sorted(others.items()))
                            + f" besides its stable revision {ro.status.stable_rs}",
                            (f"Rollout {_key(ro)}",))


def observe(before: Cluster, after: Cluster, event: Any) -> list[Violation]:
    """The Rollout properties of one step."""
    if not after.objects.get("Rollout"):
        return []
    return [*canary_pauses_last_their_duration(before, after, event),
            *canaries_stay_within_their_step_weight(before, after),
            *active_service_switches_only_to_available(before, after)]
