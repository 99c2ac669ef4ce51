"""PodDisruptionBudget helpers shared by the disruption controller and the Eviction API.

Models (v1.34): k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go
(UpdateDisruptionAllowedCondition, ConditionsAreUpToDate).
Covered by: tests/test_disruption.py, tests/test_eviction.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.meta import find_status_condition, set_status_condition
from kubefold.core.objects import Condition, PodDisruptionBudget

DISRUPTION_ALLOWED_CONDITION = "DisruptionAllowed"
SUFFICIENT_PODS_REASON = "SufficientPods"
INSUFFICIENT_PODS_REASON = "InsufficientPods"


def _int(value: int | None) -> int:
    """A Go int32/int64 field: absent is 0."""
    return value or 0


def update_disruption_allowed_condition(pdb: PodDisruptionBudget, now: int
                                        ) -> PodDisruptionBudget:
    """UpdateDisruptionAllowedCondition: True/SufficientPods when disruptions are allowed,
    False/InsufficientPods otherwise."""
    status = pdb.status
    allowed = _int(status.disruptions_allowed) > 0
    condition = Condition(
        type=DISRUPTION_ALLOWED_CONDITION, status="True" if allowed else "False",
        reason=SUFFICIENT_PODS_REASON if allowed else INSUFFICIENT_PODS_REASON, message="",
        observed_generation=status.observed_generation or None)
    conditions = set_status_condition(status.conditions, condition, now)
    return attrs.evolve(pdb, status=attrs.evolve(status, conditions=conditions))


def conditions_are_up_to_date(pdb: PodDisruptionBudget) -> bool:
    """ConditionsAreUpToDate: the DisruptionAllowed condition agrees with disruptionsAllowed
    and the status observed the current generation."""
    cond = find_status_condition(pdb.status.conditions, DISRUPTION_ALLOWED_CONDITION)
    if cond is None:
        return False
    if _int(pdb.status.observed_generation) != _int(pdb.metadata.generation):
        return False
    if _int(pdb.status.disruptions_allowed) > 0:
        return cond.status == "True" and cond.reason == SUFFICIENT_PODS_REASON
    return cond.status == "False" and cond.reason == INSUFFICIENT_PODS_REASON
