"""Matching a failed pod against a Job's podFailurePolicy.

Models (v1.34): pkg/controller/job/pod_failure_policy.go (matchPodFailurePolicy,
matchOnExitCodes, matchOnPodConditions, getMatchingContainerFromList,
isOnExitCodesOperatorMatching), with JobBackoffLimitPerIndex on (GA).
Covered by: tests/test_job_controller.py (TestMatchPodFailurePolicy).
"""

from __future__ import annotations

from typing import Any

from kubefold.core.batch import PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement
from kubefold.core.objects import Condition, ContainerStatus, Pod


def match_pod_failure_policy(policy: PodFailurePolicy | None, pod: Pod
                             ) -> tuple[str | None, bool, str | None]:
    """matchPodFailurePolicy: (the FailJob message, whether the failure counts, the action)."""
    if policy is None:
        return None, True, None
    for index, rule in enumerate(policy.rules):
        if rule.on_exit_codes is not None:
            status = match_on_exit_codes(pod, rule.on_exit_codes)
            if status is None:
                continue
            if rule.action == "Ignore":
                return None, False, "Ignore"
            if rule.action == "FailIndex":
                return None, True, "FailIndex"
            if rule.action == "Count":
                return None, True, "Count"
            if rule.action == "FailJob":
                code = _terminated(status).get("exitCode", 0)
                return (f"Container {status.name} for pod {pod.metadata.namespace}/"
                        f"{pod.metadata.name} failed with exit code {code} matching FailJob "
                        f"rule at index {index}"), True, "FailJob"
        elif rule.on_pod_conditions:
            condition = match_on_pod_conditions(pod, rule.on_pod_conditions)
            if condition is None:
                continue
            if rule.action == "Ignore":
                return None, False, "Ignore"
            if rule.action == "FailIndex":
                return None, True, "FailIndex"
            if rule.action == "Count":
                return None, True, "Count"
            if rule.action == "FailJob":
                return (f"Pod {pod.metadata.namespace}/{pod.metadata.name} has condition "
                        f"{condition.type} matching FailJob rule at index {index}"), True, \
                    "FailJob"
    return None, True, None


def _terminated(status: ContainerStatus) -> Any:
    return (status.state or {}).get("terminated")


def match_on_exit_codes(pod: Pod, requirement: PodFailurePolicyOnExitCodesRequirement
                        ) -> ContainerStatus | None:
    """matchOnExitCodes: regular containers first, then init containers."""
    return _matching_container(pod.status.container_statuses, requirement) \
        or _matching_container(pod.status.init_container_statuses, requirement)


def match_on_pod_conditions(pod: Pod, patterns: Any) -> Condition | None:
    """matchOnPodConditions: the first pod condition any pattern matches."""
    for condition in pod.status.conditions:
        for pattern in patterns:
            if condition.type == pattern.type and condition.status == pattern.status:
                return condition
    return None


def _matching_container(statuses: Any, requirement: PodFailurePolicyOnExitCodesRequirement
                        ) -> ContainerStatus | None:
    """getMatchingContainerFromList: a terminated container with a non-zero exit code that
    the operator matches."""
    for status in statuses:
        terminated = _terminated(status)
        if terminated is None:
            continue
        if requirement.container_name is not None and requirement.container_name != status.name:
            continue
        code = int(terminated.get("exitCode", 0) or 0)
        if code != 0 and is_on_exit_codes_operator_matching(code, requirement):
            return status  # type: ignore[no-any-return]
    return None


def is_on_exit_codes_operator_matching(code: int,
                                       requirement: PodFailurePolicyOnExitCodesRequirement
                                       ) -> bool:
    """isOnExitCodesOperatorMatching."""
    if requirement.operator == "In":
        return code in requirement.values
    if requirement.operator == "NotIn":
        return code not in requirement.values
    return False
