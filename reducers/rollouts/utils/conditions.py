"""Rollout conditions: their reasons and messages, and the predicates the controller decides
progress, health and timeouts with.

Go's SetRolloutCondition mutates a status and says whether it changed; here it returns the new
status and that flag. Times are the cluster's logical clock, passed in.

Models: utils/conditions/conditions.go (argo-rollouts at 9f8d111): the reason and message
constants, NewRolloutCondition, GetRolloutCondition, SetRolloutCondition,
RemoveRolloutCondition, RolloutProgressing, RolloutHealthy, RolloutCompleted,
RolloutTimedOut, ComputeStepHash (in utils/hash.py).
Covered by: tests/test_rollouts_utils.py, tests/test_rollouts_canary.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.objects import Condition
from kubefold.reducers.rollouts.utils.defaults import (
    get_progress_deadline_seconds_or_default,
    get_replicas_or_default,
)

# Condition types
AVAILABLE = "Available"
PROGRESSING = "Progressing"
REPLICA_FAILURE = "ReplicaFailure"
PAUSED = "Paused"
HEALTHY = "Healthy"
COMPLETED = "Completed"
INVALID_SPEC = "InvalidSpec"

INVALID_SPEC_REASON = "InvalidSpec"
MISSING_FIELD_MESSAGE = "Rollout has missing field '%s'"
ROLLOUT_SELECT_ALL_MESSAGE = ("This rollout is selecting all pods. A non-empty selector is "
                              "required.")
AVAILABLE_REASON = "AvailableReason"
NOT_AVAILABLE_MESSAGE = "Rollout does not have minimum availability"
AVAILABLE_MESSAGE = "Rollout has minimum availability"
REPLICA_SET_UPDATED_REASON = "ReplicaSetUpdated"
ROLLOUT_PROGRESSING_MESSAGE = 'Rollout "{}" is progressing.'
REPLICA_SET_PROGRESSING_MESSAGE = 'ReplicaSet "{}" is progressing.'
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
FAILED_RS_CREATE_MESSAGE = 'Failed to create new replica set "{}": {}'
NEW_REPLICA_SET_REASON = "NewReplicaSetCreated"
NEW_REPLICA_SET_MESSAGE = 'Created new replica set "{}"'
NEW_REPLICA_SET_DETAILED_MESSAGE = "Created ReplicaSet {} (revision {})"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
FOUND_NEW_RS_MESSAGE = 'Found new replica set "{}"'
ROLLOUT_UPDATED_REASON = "RolloutUpdated"
ROLLOUT_UPDATED_MESSAGE = "Rollout updated to revision {}"
ROLLOUT_COMPLETED_REASON = "RolloutCompleted"
ROLLOUT_COMPLETED_MESSAGE = "Rollout completed update to revision {} ({}): {}"
ROLLOUT_NOT_COMPLETED_REASON = "RolloutNotCompleted"
ROLLOUT_NOT_COMPLETED_MESSAGE = "Rollout not completed, started update to revision {} ({})"
ROLLOUT_HEALTHY_REASON = "RolloutHealthy"
ROLLOUT_HEALTHY_MESSAGE = "Rollout is healthy"
ROLLOUT_NOT_HEALTHY_MESSAGE = "Rollout is not healthy"
ROLLOUT_ABORTED_REASON = "RolloutAborted"
ROLLOUT_ABORTED_MESSAGE = "Rollout aborted update to revision {}"
ROLLOUT_RETRY_REASON = "RolloutRetry"
ROLLOUT_RETRY_MESSAGE = "Retrying Rollout after abort"
ROLLOUT_PAUSED_REASON = "RolloutPaused"
ROLLOUT_PAUSED_MESSAGE = "Rollout is paused"
REPLICA_SET_NOT_AVAILABLE_REASON = "ReplicaSetNotAvailable"
ROLLOUT_RESUMED_REASON = "RolloutResumed"
ROLLOUT_RESUMED_MESSAGE = "Rollout is resumed"
ROLLOUT_STEP_COMPLETED_REASON = "RolloutStepCompleted"
ROLLOUT_STEP_COMPLETED_MESSAGE = "Rollout step {}/{} completed ({})"
TRAFFIC_WEIGHT_UPDATED_REASON = "TrafficWeightUpdated"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
ROLLOUT_TIME_OUT_MESSAGE = 'Rollout "{}" has timed out progressing.'
SCALING_REPLICA_SET_REASON = "ScalingReplicaSet"
SCALING_REPLICA_SET_MESSAGE = "Scaled {} ReplicaSet {} (revision {}) from {} to {}"
REPLICA_SET_TIME_OUT_MESSAGE = 'ReplicaSet "{}" has timed out progressing.'
REPLICA_SET_COMPLETED_MESSAGE = 'ReplicaSet "{}" has successfully progressed.'


def new_rollout_condition(cond_type: str, status: str, reason: str, message: str,
                          now: int) -> Condition:
    """NewRolloutCondition: both times now."""
    return Condition(type=cond_type, status=status, last_update_time=now,
                     last_transition_time=now, reason=reason, message=message)


def get_rollout_condition(status: Any, cond_type: str) -> Condition | None:
    for c in status.conditions:
        if c.type == cond_type:
            return c
    return None


def set_rollout_condition(status: Any, condition: Condition) -> tuple[Any, bool]:
    """SetRolloutCondition: no change when the same status and reason are there; the
    transition time is kept while the status stays; the condition moves to the end."""
    current = get_rollout_condition(status, condition.type or "")
    if current is not None and current.status == condition.status \
            and current.reason == condition.reason:
        return status, False
    if current is not None and current.status == condition.status:
        condition = attrs.evolve(condition, last_transition_time=current.last_transition_time)
    kept = [c for c in status.conditions if c.type != condition.type]
    return attrs.evolve(status, conditions=pvector([*kept, condition])), True


def remove_rollout_condition(status: Any, cond_type: str) -> Any:
    kept = [c for c in status.conditions if c.type != cond_type]
    return attrs.evolve(status, conditions=pvector(kept))


def rollout_progressing(ro: Any, new_status: Any) -> bool:
    """RolloutProgressing: replicas updated, old ones going, more ready or available, or a
    strategy step (selectors switched; stable, step index or steps changed)."""
    old = ro.status
    strategy_progress = False
    if ro.spec.strategy.blue_green is not None:
        strategy_progress = (old.blue_green.active_selector
                             != new_status.blue_green.active_selector
                             or old.blue_green.preview_selector
                             != new_status.blue_green.preview_selector)
    if ro.spec.strategy.canary is not None:
        stable_changed = new_status.stable_rs != old.stable_rs
        index_changed = False
        if new_status.current_step_index is not None and old.current_step_index is not None:
            index_changed = new_status.current_step_index != old.current_step_index
        steps_changed = (new_status.current_step_hash or "") != (old.current_step_hash or "")
        strategy_progress = stable_changed or index_changed or steps_changed
    old_old = (old.replicas or 0) - (old.updated_replicas or 0)
    new_old = (new_status.replicas or 0) - (new_status.updated_replicas or 0)
    return ((new_status.updated_replicas or 0) != (old.updated_replicas or 0)
            or new_old < old_old
            or (new_status.ready_replicas or 0) > (old.ready_replicas or 0)
            or (new_status.available_replicas or 0) > (old.available_replicas or 0)
            or strategy_progress)


def rollout_healthy(ro: Any, new_status: Any) -> bool:
    """RolloutHealthy: every replica updated and available, the generation observed, and the
    strategy complete (blue-green: selectors on the current hash; canary: all steps done,
    current is stable, old replicas gone)."""
    completed = True
    replicas = get_replicas_or_default(ro.spec.replicas)
    blue_green, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    if blue_green is not None:
        active = new_status.blue_green.active_selector == new_status.current_pod_hash
        preview = True
        if blue_green.preview_service:
            preview = new_status.blue_green.preview_selector == new_status.current_pod_hash
        completed = active and preview
    if canary is not None:
        steps = len(canary.steps)
        all_steps = True
        if steps > 0 and new_status.current_step_index is not None:
            all_steps = steps == new_status.current_step_index
        current_is_stable = bool(new_status.stable_rs) \
            and new_status.stable_rs == new_status.current_pod_hash
        scaled_down = (new_status.replicas or 0) == replicas
        completed = all_steps and current_is_stable and scaled_down
    return ((new_status.updated_replicas or 0) == replicas
            and (new_status.available_replicas or 0) == replicas
            and ro.status.observed_generation == str(ro.metadata.generation or 0)
            and completed)


def rollout_completed(new_status: Any) -> bool:
    """RolloutCompleted: the stable ReplicaSet is the current one."""
    return bool(new_status.stable_rs) and new_status.stable_rs == new_status.current_pod_hash


def rollout_timed_out(ro: Any, new_status: Any, now: int) -> bool:
    """RolloutTimedOut: the Progressing condition (not aborted, not paused) is older than
    progressDeadlineSeconds, or already says so."""
    condition = get_rollout_condition(new_status, PROGRESSING)
    if condition is None or condition.reason in (ROLLOUT_ABORTED_REASON, ROLLOUT_PAUSED_REASON):
        return False
    if condition.reason == TIMED_OUT_REASON:
        return True
    deadline = get_progress_deadline_seconds_or_default(ro)
    return (condition.last_update_time or 0) + deadline < now


def replica_set_to_rollout_condition(cond: Condition) -> Condition:
    return Condition(type=cond.type, status=cond.status,
                     last_transition_time=cond.last_transition_time,
                     last_update_time=cond.last_transition_time, reason=cond.reason,
                     message=cond.message)
