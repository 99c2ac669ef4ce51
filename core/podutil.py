"""Predicates on one pod: readiness, availability, activity, and its status conditions.

Models (v1.34): pkg/api/v1/pod/util.go (IsPodAvailable, IsPodReady, IsPodTerminal,
IsPodReadyConditionTrue, GetPodReadyCondition, GetPodCondition, GetPodConditionFromList,
UpdatePodCondition) and pkg/controller/controller_utils.go (IsPodActive, IsPodTerminating).

Simplifies:
- Times are int Unix seconds and `now` is an argument. A controller always runs after the writes
  it observes, so its clock reads a moment just after `now`: Go's
  `lastTransitionTime + minReadySeconds` *before* now becomes `<= now` here (with second-precision
  timestamps a requeue at exactly that second sees the pod available, as Go's does).
- `update_pod_condition` returns a new status instead of mutating one.

Covered by: tests/test_podutil.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from kubefold.core.objects import Condition, Pod, PodStatus

POD_READY = "Ready"
TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def is_pod_available(pod: Pod, min_ready_seconds: int, now: int) -> bool:
    """IsPodAvailable: ready, and either minReadySeconds is 0 or the Ready condition turned True
    at least minReadySeconds ago."""
    if not is_pod_ready(pod):
        return False
    c = get_pod_ready_condition(pod.status)
    assert c is not None
    if min_ready_seconds == 0:
        return True
    return c.last_transition_time is not None \
        and c.last_transition_time + min_ready_seconds <= now


def is_pod_ready(pod: Pod) -> bool:
    """IsPodReady: the Ready condition is True."""
    return is_pod_ready_condition_true(pod.status)


def is_pod_terminal(pod: Pod) -> bool:
    """IsPodTerminal: Succeeded or Failed."""
    return is_pod_phase_terminal(pod.status.phase)


def is_pod_phase_terminal(phase: str | None) -> bool:
    return phase in TERMINAL_PHASES


def is_pod_ready_condition_true(status: PodStatus) -> bool:
    condition = get_pod_ready_condition(status)
    return condition is not None and condition.status == "True"


def get_pod_ready_condition(status: PodStatus) -> Condition | None:
    """GetPodReadyCondition: the Ready condition, or None."""
    return get_pod_condition(status, POD_READY)[1]


def get_pod_condition(status: PodStatus | None, condition_type: str
                      ) -> tuple[int, Condition | None]:
    """GetPodCondition: (index, condition), or (-1, None) when absent."""
    if status is None:
        return -1, None
    return get_pod_condition_from_list(status.conditions, condition_type)


def get_pod_condition_from_list(conditions: Iterable[Condition] | None, condition_type: str
                                ) -> tuple[int, Condition | None]:
    for i, c in enumerate(conditions or ()):
        if c.type == condition_type:
            return i, c
    return -1, None


def update_pod_condition(status: PodStatus, condition: Condition, now: int
                         ) -> tuple[PodStatus, bool]:
    """UpdatePodCondition: add or replace the condition of its type; lastTransitionTime is `now`
    unless the status is unchanged. Returns the new status and whether anything changed."""
    condition = attrs.evolve(condition, last_transition_time=now)
    index, old = get_pod_condition(status, condition.type or "")
    if old is None:
        return attrs.evolve(status, conditions=status.conditions.append(condition)), True
    if condition.status == old.status:
        condition = attrs.evolve(condition, last_transition_time=old.last_transition_time)
    is_equal = (condition.status == old.status and condition.reason == old.reason
                and condition.message == old.message
                and condition.last_probe_time == old.last_probe_time
                and condition.last_transition_time == old.last_transition_time
                and condition.observed_generation == old.observed_generation)
    return attrs.evolve(status, conditions=status.conditions.set(index, condition)), not is_equal


def is_pod_active(pod: Pod) -> bool:
    """IsPodActive (pkg/controller): not Succeeded or Failed, and not being deleted."""
    return pod.status.phase not in TERMINAL_PHASES and pod.metadata.deletion_timestamp is None


def is_pod_terminating(pod: Pod) -> bool:
    """IsPodTerminating (pkg/controller): being deleted and not yet terminal."""
    return not is_pod_terminal(pod) and pod.metadata.deletion_timestamp is not None
