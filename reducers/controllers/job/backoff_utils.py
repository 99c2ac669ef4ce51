"""The Job controller's pod-failure backoff: its record of failures since the last success,
and the time left before a pod may be created again.

Models (v1.34): pkg/controller/job/backoff_utils.go (backoffRecord, backoffStore's
newBackoffRecord, sortByFinishedTime, getFinishedTime with getFinishTimeFromContainers,
getFinishTimeFromPodReadyFalseCondition and getFinishTimeFromDeletionTimestamp,
getRemainingTime, getRemainingTimePerIndex, getRemainingTimeForFailuresCount) and
job_controller.go's DefaultJobPodFailureBackOff (10 s) and MaxJobPodFailureBackOff (10 min).
Simplifies: the store the controller keeps in memory is the cluster's `memory` for
("job", key): a restored snapshot starts without it, as a restarted controller does; times
are whole seconds.
Covered by: tests/test_job_controller.py (TestNewBackoffRecord, TestGetFinishedTime,
TestGetRemainingTime, TestJobBackoff).
"""

from __future__ import annotations

import attrs

from kubefold.core.objects import Pod
from kubefold.core.podutil import get_pod_ready_condition
from kubefold.core.schema import parse_time

DEFAULT_JOB_POD_FAILURE_BACKOFF = 10
MAX_JOB_POD_FAILURE_BACKOFF = 600


@attrs.frozen
class BackoffRecord:
    key: str
    failures_after_last_success: int = 0
    last_failure_time: int | None = None


def new_backoff_record(old: BackoffRecord | None, key: str, new_succeeded: list[Pod],
                       new_failed: list[Pod]) -> BackoffRecord:
    """backoffStore.newBackoffRecord: the stored record updated with the pods newly finished
    in this sync."""
    record = old if old is not None else BackoffRecord(key)
    succeeded = sort_by_finished_time(new_succeeded)
    failed = sort_by_finished_time(new_failed)
    if not succeeded:
        if not failed:
            return record
        return attrs.evolve(record,
                            failures_after_last_success=record.failures_after_last_success
                            + len(failed),
                            last_failure_time=get_finished_time(failed[-1]))
    if not failed:
        return attrs.evolve(record, failures_after_last_success=0, last_failure_time=None)
    last_success = get_finished_time(succeeded[-1])
    count, last_failure = 0, None
    for pod in reversed(failed):
        failed_at = get_finished_time(pod)
        if not failed_at > last_success:
            break
        if last_failure is None:
            last_failure = failed_at
        count += 1
    return attrs.evolve(record, failures_after_last_success=count, last_failure_time=last_failure)


def sort_by_finished_time(pods: list[Pod]) -> list[Pod]:
    """sortByFinishedTime (sort.Slice; stable here)."""
    return sorted(pods, key=get_finished_time)


def get_finished_time(pod: Pod) -> int:
    """getFinishedTime: the latest container finish, else the Ready=False transition, else the
    deletion time less the grace period, else the creation time."""
    for lookup in (_from_containers, _from_ready_false, _from_deletion):
        found = lookup(pod)
        if found is not None:
            return found
    return pod.metadata.creation_timestamp or 0


def _from_containers(pod: Pod) -> int | None:
    finish: int | None = None
    for status in pod.status.container_statuses:
        terminated = (status.state or {}).get("terminated")
        if terminated is None or not terminated.get("finishedAt"):
            return None
        at = parse_time(terminated["finishedAt"])
        if finish is None or finish < at:
            finish = at
    return finish


def _from_ready_false(pod: Pod) -> int | None:
    c = get_pod_ready_condition(pod.status)
    if c is not None and c.status == "False" and c.last_transition_time is not None:
        return c.last_transition_time
    return None


def _from_deletion(pod: Pod) -> int | None:
    if pod.metadata.deletion_timestamp is None:
        return None
    return pod.metadata.deletion_timestamp - (pod.metadata.deletion_grace_period_seconds or 0)


def get_remaining_time(record: BackoffRecord, now: int,
                       default: int = DEFAULT_JOB_POD_FAILURE_BACKOFF,
                       maximum: int = MAX_JOB_POD_FAILURE_BACKOFF) -> int:
    """backoffRecord.getRemainingTime."""
    return get_remaining_time_for_failures_count(now, default, maximum,
                                                 record.failures_after_last_success,
                                                 record.last_failure_time)


def get_remaining_time_per_index(last_failed_pod: Pod | None, now: int, absolute_failures: int,
                                 default: int = DEFAULT_JOB_POD_FAILURE_BACKOFF,
                                 maximum: int = MAX_JOB_POD_FAILURE_BACKOFF) -> int:
    """getRemainingTimePerIndex: from the last failed pod of the index and its failure count
    (the index-failure-count annotations) plus one."""
    if last_failed_pod is None:
        return 0
    return get_remaining_time_for_failures_count(now, default, maximum, absolute_failures + 1,
                                                 get_finished_time(last_failed_pod))


def get_remaining_time_for_failures_count(now: int, default: int, maximum: int, failures: int,
                                          last_failure_time: int | None) -> int:
    """getRemainingTimeForFailuresCount: 10 s doubling per failure, capped, less the time since
    the last failure."""
    if failures == 0 or last_failure_time is None:
        return 0
    backoff = default
    for _ in range(1, failures):
        backoff *= 2
        if backoff >= maximum:
            backoff = maximum
            break
    elapsed = now - last_failure_time
    if backoff < elapsed:
        return 0
    return backoff - elapsed
