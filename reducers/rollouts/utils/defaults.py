"""Argo Rollouts' defaults: what a field means when the Rollout leaves it out.

Models: utils/defaults/defaults.go (argo-rollouts at 9f8d111): DefaultReplicas (1),
DefaultRevisionHistoryLimit (10), the AnalysisRun history limits (5 and 5), DefaultMaxSurge and
DefaultMaxUnavailable ("25", which the legacy intstr.GetValueFromIntOrPercent reads as 25%),
DefaultProgressDeadlineSeconds (600), DefaultScaleDownDelaySeconds (30),
DefaultAbortScaleDownDelaySeconds (30), DefaultAutoPromotionEnabled (true),
DefaultConsecutiveErrorLimit (4); weightutil.MaxTrafficWeight (100 unless a router sets it).
Simplifies: the controller's command-line settings (target-group verification, the Istio API
version) are at their defaults.
Covered by: tests/test_rollouts_utils.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.rollouts import Metric, int_value

DEFAULT_REPLICAS = 1
DEFAULT_REVISION_HISTORY_LIMIT = 10
DEFAULT_ANALYSIS_RUN_SUCCESSFUL_HISTORY_LIMIT = 5
DEFAULT_ANALYSIS_RUN_UNSUCCESSFUL_HISTORY_LIMIT = 5
DEFAULT_MAX_SURGE = "25"
DEFAULT_MAX_UNAVAILABLE = "25"
DEFAULT_PROGRESS_DEADLINE_SECONDS = 600
DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30
DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30
DEFAULT_AUTO_PROMOTION_ENABLED = True
DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4
DEFAULT_RESYNC_PERIOD = 15 * 60  # the controller's --rollout-resync (15 minutes)
ROLLOUT_VERIFY_RETRY_INTERVAL = 10


def get_replicas_or_default(replicas: int | None) -> int:
    return DEFAULT_REPLICAS if replicas is None else replicas


def get_revision_history_limit_or_default(ro: Any) -> int:
    limit = ro.spec.revision_history_limit
    return DEFAULT_REVISION_HISTORY_LIMIT if limit is None else limit


def get_analysis_run_successful_history_limit_or_default(ro: Any) -> int:
    a = ro.spec.analysis
    if a is None or a.successful_run_history_limit is None:
        return DEFAULT_ANALYSIS_RUN_SUCCESSFUL_HISTORY_LIMIT
    return int(a.successful_run_history_limit)


def get_analysis_run_unsuccessful_history_limit_or_default(ro: Any) -> int:
    a = ro.spec.analysis
    if a is None or a.unsuccessful_run_history_limit is None:
        return DEFAULT_ANALYSIS_RUN_UNSUCCESSFUL_HISTORY_LIMIT
    return int(a.unsuccessful_run_history_limit)


def get_max_surge_or_default(ro: Any) -> int | str:
    canary = ro.spec.strategy.canary
    if canary is not None and canary.max_surge is not None:
        return canary.max_surge
    return DEFAULT_MAX_SURGE


def get_max_unavailable_or_default(ro: Any) -> int | str:
    blue_green, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    if blue_green is not None and blue_green.max_unavailable is not None:
        return blue_green.max_unavailable
    if canary is not None and canary.max_unavailable is not None:
        return canary.max_unavailable
    return DEFAULT_MAX_UNAVAILABLE


def get_progress_deadline_seconds_or_default(ro: Any) -> int:
    seconds = ro.spec.progress_deadline_seconds
    return DEFAULT_PROGRESS_DEADLINE_SECONDS if seconds is None else seconds


def get_scale_down_delay_seconds_or_default(ro: Any) -> int:
    """Blue-green: 30 unless set; canary with traffic routing: 30 unless set; basic canary: 0."""
    delay = 0
    blue_green, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    if blue_green is not None:
        delay = DEFAULT_SCALE_DOWN_DELAY_SECONDS
        if blue_green.scale_down_delay_seconds is not None:
            delay = blue_green.scale_down_delay_seconds
    if canary is not None and canary.traffic_routing is not None:
        delay = DEFAULT_SCALE_DOWN_DELAY_SECONDS
        if canary.scale_down_delay_seconds is not None:
            delay = canary.scale_down_delay_seconds
    return delay


def get_abort_scale_down_delay_seconds_or_default(ro: Any) -> tuple[int | None, bool]:
    """(delay, was it set); a delay of None means "leave it up" (an explicit 0)."""
    delay = 0
    was_set = False
    blue_green, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    if blue_green is not None:
        delay = DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS
        if blue_green.abort_scale_down_delay_seconds is not None:
            was_set = True
            if blue_green.abort_scale_down_delay_seconds == 0:
                return None, was_set
            delay = blue_green.abort_scale_down_delay_seconds
    elif canary is not None and canary.traffic_routing is not None:
        delay = DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS
        if canary.abort_scale_down_delay_seconds is not None:
            was_set = True
            if canary.abort_scale_down_delay_seconds == 0:
                return None, was_set
            delay = canary.abort_scale_down_delay_seconds
    return delay, was_set


def has_explicit_abort_scale_down_delay(ro: Any) -> bool:
    delay, was_set = get_abort_scale_down_delay_seconds_or_default(ro)
    return was_set and delay is not None


def get_auto_promotion_enabled_or_default(ro: Any) -> bool:
    blue_green = ro.spec.strategy.blue_green
    if blue_green is None or blue_green.auto_promotion_enabled is None:
        return DEFAULT_AUTO_PROMOTION_ENABLED
    return bool(blue_green.auto_promotion_enabled)


def get_consecutive_error_limit_or_default(metric: Metric) -> int:
    if metric.consecutive_error_limit is not None:
        return int_value(metric.consecutive_error_limit)
    return DEFAULT_CONSECUTIVE_ERROR_LIMIT


def max_traffic_weight(ro: Any) -> int:
    """weightutil.MaxTrafficWeight: 100 unless the traffic router sets maxTrafficWeight."""
    canary = ro.spec.strategy.canary
    if canary is not None and canary.traffic_routing is not None \
            and canary.traffic_routing.max_traffic_weight is not None:
        return canary.traffic_routing.max_traffic_weight
    return 100
