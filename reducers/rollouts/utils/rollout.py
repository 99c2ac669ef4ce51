"""A Rollout's phase and message, and the predicates on a whole Rollout that the controller,
the traffic routers and the kubectl plugin share.

Models: utils/rollout/rolloututil.go (argo-rollouts at 9f8d111): IsFullyPromoted,
IsDynamicallyRollingBackToStable, AbortOrDynamicRollbackToStable, CalculateRolloutPhase,
waitingForBlueGreenPostPromotionAnalysis, CanaryStepString, IsUnpausing.
Covered by: tests/test_rollouts_utils.py, tests/test_rollouts_canary.py,
tests/test_rollouts_bluegreen.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.rollouts import phase_completed
from kubefold.reducers.rollouts.utils import conditions as cond
from kubefold.reducers.rollouts.utils.defaults import get_replicas_or_default
from kubefold.reducers.rollouts.utils.replicaset import available, get_pod_template_hash

PHASE_HEALTHY = "Healthy"
PHASE_DEGRADED = "Degraded"
PHASE_PROGRESSING = "Progressing"
PHASE_PAUSED = "Paused"


def is_fully_promoted(ro: Any) -> bool:
    return (ro.status.stable_rs or "") == (ro.status.current_pod_hash or "")


def is_dynamically_rolling_back_to_stable(ro: Any, desired_rs: Any) -> tuple[bool, str]:
    """IsDynamicallyRollingBackToStable: fully promoted back to stable with dynamic stable
    scaling while traffic still points at the previous canary."""
    canary = ro.spec.strategy.canary
    if not is_fully_promoted(ro) or canary is None or canary.traffic_routing is None \
            or not canary.dynamic_stable_scale:
        return False, ""
    weights = ro.status.canary.weights
    if weights is None:
        return False, ""
    current = weights.canary.pod_template_hash or ""
    if current == get_pod_template_hash(desired_rs):
        return False, ""
    if available(desired_rs) >= (ro.spec.replicas or 0):
        return False, ""
    return True, current


def abort_or_dynamic_rollback_to_stable(ro: Any, all_rss: list[Any], stable_hash: str) -> bool:
    if ro.status.abort:
        return True
    stable = next((rs for rs in all_rss if get_pod_template_hash(rs) == stable_hash), None)
    if stable is None:
        return False
    return is_dynamically_rolling_back_to_stable(ro, stable)[0]


def is_unpausing(ro: Any) -> bool:
    return bool(ro.status.controller_pause) and not ro.status.pause_conditions


def calculate_rollout_phase(spec: Any, status: Any) -> tuple[str, str]:
    """CalculateRolloutPhase: Degraded (invalid spec, aborted, timed out), Paused, Progressing
    (with why) or Healthy."""
    for c in status.conditions:
        if c.type == cond.INVALID_SPEC:
            return PHASE_DEGRADED, f"{cond.INVALID_SPEC}: {c.message or ''}"
        if c.reason in (cond.ROLLOUT_ABORTED_REASON, cond.TIMED_OUT_REASON):
            return PHASE_DEGRADED, f"{c.reason}: {c.message or ''}"
    if spec.paused:
        return PHASE_PAUSED, "manually paused"
    for pause in status.pause_conditions:
        return PHASE_PAUSED, pause.reason or ""
    if spec.restart_at is not None and (status.restarted_at is None
                                        or spec.restart_at != status.restarted_at):
        return PHASE_PROGRESSING, "rollout is restarting"
    if (status.updated_replicas or 0) < get_replicas_or_default(spec.replicas):
        return PHASE_PROGRESSING, "more replicas need to be updated"
    if (status.available_replicas or 0) < (status.updated_replicas or 0):
        return PHASE_PROGRESSING, "updated replicas are still becoming available"
    promoted = (status.stable_rs or "") == (status.current_pod_hash or "")
    if spec.strategy.blue_green is not None:
        active = status.blue_green.active_selector or ""
        if not active or active != (status.current_pod_hash or ""):
            return PHASE_PROGRESSING, "active service cutover pending"
        if not status.stable_rs or not promoted:
            if spec.strategy.blue_green.post_promotion_analysis is not None:
                run = status.blue_green.post_promotion_analysis_run_status
                if run is None or not phase_completed(run.status):
                    return PHASE_PROGRESSING, "waiting for analysis to complete"
            return PHASE_PROGRESSING, "waiting for post-promotion verification to complete"
    elif spec.strategy.canary is not None:
        if spec.strategy.canary.traffic_routing is None \
                and (status.replicas or 0) > (status.updated_replicas or 0):
            return PHASE_PROGRESSING, "old replicas are pending termination"
        if not status.stable_rs or not promoted:
            return PHASE_PROGRESSING, "waiting for all steps to complete"
    return PHASE_HEALTHY, ""


def format_go_duration(value: int | str | None) -> str:
    """intstr's String() for a pause duration: the string as written, an int bare."""
    return "" if value is None else str(value)


def canary_step_string(step: Any) -> str:
    """CanaryStepString: how events name a step."""
    if step.set_weight is not None:
        return f"setWeight: {step.set_weight}"
    if step.pause is not None:
        text = "pause"
        if step.pause.duration is not None:
            text = f"{text}: {format_go_duration(step.pause.duration)}"
        return text
    if step.experiment is not None:
        return "experiment"
    if step.analysis is not None:
        return "analysis"
    scs = step.set_canary_scale
    if scs is not None:
        if scs.weight is not None:
            return f"setCanaryScale{{weight: {scs.weight}}}"
        if scs.match_traffic_weight:
            return "setCanaryScale{matchTrafficWeight: true}"
        if scs.replicas is not None:
            return f"setCanaryScale{{replicas: {scs.replicas}}}"
    if step.plugin is not None:
        return f"plugin: {step.plugin.get('name', '')}"
    if step.set_header_route is not None:
        return f"setHeaderRoute: {step.set_header_route.name or ''}"
    if step.set_mirror_route is not None:
        return f"setMirrorRoute: {step.set_mirror_route.name or ''}"
    return "invalid"
