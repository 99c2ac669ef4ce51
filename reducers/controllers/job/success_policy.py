"""A Job's successPolicy against its succeeded indexes.

Models (v1.34): pkg/controller/job/success_policy.go (matchSuccessPolicy,
hasSuccessCriteriaMetCondition, isSuccessCriteriaMetCondition, matchSucceededIndexesRule), with
JobSuccessPolicy on (GA).
Covered by: tests/test_job_controller.py (TestMatchSuccessPolicy).
"""

from __future__ import annotations

from kubefold.core.batch import Job, SuccessPolicy
from kubefold.core.objects import Condition
from kubefold.reducers.controllers.job.indexed_job_utils import (
    Intervals,
    parse_indexes_from_string,
    total,
)
from kubefold.reducers.controllers.job.util import SUCCESS_CRITERIA_MET, find_condition_by_type


def match_success_policy(policy: SuccessPolicy | None, completions: int,
                         succeeded: Intervals) -> tuple[str, bool]:
    """matchSuccessPolicy: ("Matched rules at index N", True) for the first rule met."""
    if policy is None or not succeeded:
        return "", False
    for index, rule in enumerate(policy.rules):
        if rule.succeeded_indexes is not None:
            required = parse_indexes_from_string(rule.succeeded_indexes, completions)
            if not required:
                continue
            if match_succeeded_indexes_rule(required, succeeded, rule.succeeded_count):
                return f"Matched rules at index {index}", True
        elif rule.succeeded_count is not None and total(succeeded) >= rule.succeeded_count:
            return f"Matched rules at index {index}", True
    return "", False


def has_success_criteria_met_condition(job: Job) -> Condition | None:
    """hasSuccessCriteriaMetCondition."""
    c = find_condition_by_type(job.status.conditions, SUCCESS_CRITERIA_MET)
    return c if c is not None and c.status == "True" else None


def is_success_criteria_met_condition(c: Condition | None) -> bool:
    """isSuccessCriteriaMetCondition."""
    return c is not None and c.type == SUCCESS_CRITERIA_MET and c.status == "True"


def match_succeeded_indexes_rule(rule: Intervals, succeeded: Intervals,
                                 succeeded_count: int | None) -> bool:
    """matchSucceededIndexesRule: all the rule's indexes, or succeededCount of them."""
    contains = i = j = 0
    while i < len(rule) and j < len(succeeded):
        overlap = min(rule[i][1], succeeded[j][1]) - max(rule[i][0], succeeded[j][0]) + 1
        if overlap > 0:
            contains += overlap
        if succeeded[j][1] < rule[i][1]:
            j += 1
        elif succeeded[j][1] > rule[i][1]:
            i += 1
        else:
            i += 1
            j += 1
    return contains == total(rule) or (succeeded_count is not None
                                       and contains >= succeeded_count)
