"""Predicates on one Job's conditions.

Models (v1.34): pkg/controller/job/util/utils.go (FinishedCondition, IsJobFinished,
IsJobSucceeded) and job_controller.go's findConditionByType, newCondition and
ensureJobConditionStatus.
Covered by: tests/test_job_controller.py.
"""

from __future__ import annotations

from typing import Any

from pyrsistent import pvector

from kubefold.core.batch import Job
from kubefold.core.objects import Condition

COMPLETE, FAILED = "Complete", "Failed"
FAILURE_TARGET, SUCCESS_CRITERIA_MET, SUSPENDED = "FailureTarget", "SuccessCriteriaMet", "Suspended"


def finished_condition(job: Job) -> tuple[bool, str]:
    """FinishedCondition: (finished, Complete or Failed)."""
    for c in job.status.conditions:
        if c.type in (COMPLETE, FAILED) and c.status == "True":
            return True, c.type or ""
    return False, ""


def is_job_finished(job: Job) -> bool:
    """IsJobFinished."""
    return finished_condition(job)[0]


def is_job_succeeded(job: Job) -> bool:
    """IsJobSucceeded."""
    return any(c.type == COMPLETE and c.status == "True" for c in job.status.conditions)


def find_condition_by_type(conditions: Any, ctype: str) -> Condition | None:
    """findConditionByType."""
    return next((c for c in conditions if c.type == ctype), None)


def new_condition(ctype: str, status: str, reason: str, message: str, now: int) -> Condition:
    """newCondition: lastProbeTime and lastTransitionTime now."""
    return Condition(type=ctype, status=status, last_probe_time=now, last_transition_time=now,
                     reason=reason or None, message=message or None)


def ensure_job_condition_status(conditions: Any, ctype: str, status: str, reason: str,
                                message: str, now: int) -> tuple[Any, bool]:
    """ensureJobConditionStatus: update the condition of that type when its status, reason or
    message differs; append it unless it would be False. Returns (conditions, changed)."""
    for i, c in enumerate(conditions):
        if c.type != ctype:
            continue
        if c.status != status or (c.reason or "") != reason or (c.message or "") != message:
            return pvector(conditions).set(i, new_condition(ctype, status, reason, message,
                                                            now)), True
        return conditions, False
    if status != "False":
        return pvector(conditions).append(new_condition(ctype, status, reason, message, now)), True
    return conditions, False


