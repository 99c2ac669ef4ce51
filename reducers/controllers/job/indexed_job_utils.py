"""Indexed Jobs: completion indexes as ordered intervals, the indexes to create next, the
duplicates to delete, and the failure counts carried from pod to pod of an index.

Models (v1.34): pkg/controller/job/indexed_job_utils.go (isIndexedJob, hasBackoffLimitPerIndex,
calculateSucceededIndexes, calculateFailedIndexes, isIndexFailed, orderedIntervals'
withOrderedIndexes, merge, total, String and has, parseIndexesFromString,
firstPendingIndexes, getIndexes, appendDuplicatedIndexPodsForRemoval,
getPodsWithDelayedDeletionPerIndex, addIndexFailureCountAnnotation, getNewIndexFailureCounts,
appendPodsWithSameIndexForRemovalAndRemaining, getCompletionIndex, getIndexFailureCount,
getIndexAbsoluteFailureCount, addCompletionIndexEnvVariables (PodIndexLabel on: the env var
reads the label), addCompletionIndexAnnotation, addCompletionIndexLabel,
podGenerateNameWithIndex, byCompletionIndex).
Covered by: tests/test_job_controller.py (TestCalculateSucceededIndexes,
TestIntervalsHaveIndex, TestFirstPendingIndexes, TestPodGenerateNameWithIndex, indexed cases).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import attrs
from pyrsistent import freeze, pvector

from kubefold.core.batch import (
    JOB_COMPLETION_INDEX_ANNOTATION,
    JOB_INDEX_FAILURE_COUNT_ANNOTATION,
    JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
    JOB_TRACKING_FINALIZER,
    Job,
)
from kubefold.core.objects import Pod, PodTemplateSpec
from kubefold.reducers.controllers.controller_utils import sort_active_pods
from kubefold.reducers.controllers.job.pod_failure_policy import match_pod_failure_policy

COMPLETION_INDEX_ENV_NAME = "JOB_COMPLETION_INDEX"
UNKNOWN_COMPLETION_INDEX = -1
MAX_GENERATED_NAME_LENGTH = 58  # names.MaxGeneratedNameLength
MAX_INT32 = 2**31 - 1

Intervals: TypeAlias = tuple[tuple[int, int], ...]


def is_indexed_job(job: Job) -> bool:
    return job.spec.completion_mode == "Indexed"


def has_backoff_limit_per_index(job: Job) -> bool:
    return job.spec.backoff_limit_per_index is not None


def has_job_tracking_finalizer(pod: Pod) -> bool:
    """hasJobTrackingFinalizer (tracking_utils.go)."""
    return JOB_TRACKING_FINALIZER in pod.metadata.finalizers


def is_pod_failed(pod: Pod, job: Job) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) being deleted and not
    Succeeded."""
    if pod.status.phase == "Failed":
        return True
    if only_replace_failed_pods(job):
        return False
    return pod.metadata.deletion_timestamp is not None and pod.status.phase != "Succeeded"


def only_replace_failed_pods(job: Job) -> bool:
    """onlyReplaceFailedPods."""
    return job.spec.pod_replacement_policy == "Failed" or job.spec.pod_failure_policy is not None


# -- ordered intervals ---------------------------------------------------------------------------


def with_ordered_indexes(oi: Intervals, new: Iterable[int]) -> Intervals:
    """withOrderedIndexes: `oi` with the (increasing) indexes added."""
    return merge(oi, tuple((i, i) for i in new))


def merge(a: Intervals, b: Intervals) -> Intervals:
    """merge: two ordered lists of intervals into one, adjacent ones joined."""
    result: list[list[int]] = []

    def add(iv: tuple[int, int]) -> None:
        if not result or iv[0] > result[-1][1] + 1:
            result.append([iv[0], iv[1]])
        elif result[-1][1] < iv[1]:
            result[-1][1] = iv[1]

    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] < b[j][0]:
            add(a[i])
            i += 1
        else:
            add(b[j])
            j += 1
    for iv in a[i:]:
        add(iv)
    for iv in b[j:]:
        add(iv)
    return tuple((x, y) for x, y in result)


def total(oi: Intervals) -> int:
    return sum(last - first + 1 for first, last in oi)


def intervals_string(oi: Intervals) -> str:
    """orderedIntervals.String: `1,3-5,7,8`."""
    parts = []
    for first, last in oi:
        if last == first:
            parts.append(str(first))
        elif last == first + 1:
            parts.append(f"{first},{last}")
        else:
            parts.append(f"{first}-{last}")
    return ",".join(parts)


def has(oi: Intervals | None, ix: int) -> bool:
    return oi is not None and any(first <= ix <= last for first, last in oi)


def parse_indexes_from_string(text: str | None, completions: int) -> Intervals:
    """parseIndexesFromString: corrupted intervals are skipped, indexes at or above
    completions dropped."""
    if not text:
        return ()
    result: list[list[int]] = []
    for part in text.split(","):
        limits = part.split("-")
        first = _atoi(limits[0])
        if first is None:
            continue
        if first >= completions:
            break
        last = first
        if len(limits) > 1:
            parsed = _atoi(limits[1])
            if parsed is None:
                continue
            last = min(parsed, completions - 1)
        if result and result[-1][1] == first - 1:
            result[-1][1] = last
        else:
            result.append([first, last])
    return tuple((x, y) for x, y in result)


def _atoi(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None


# -- indexes of pods ---------------------------------------------------------------------------


def get_completion_index(annotations: Any) -> int:
    """getCompletionIndex: the annotation's non-negative integer, else -1."""
    value = (annotations or {}).get(JOB_COMPLETION_INDEX_ANNOTATION)
    if value is None:
        return UNKNOWN_COMPLETION_INDEX
    parsed = _atoi(value)
    if parsed is None or parsed < 0:
        return UNKNOWN_COMPLETION_INDEX
    return parsed


def get_indexes(pods: Iterable[Pod]) -> set[int]:
    return {ix for p in pods if (ix := get_completion_index(p.metadata.annotations))
            != UNKNOWN_COMPLETION_INDEX}


def calculate_succeeded_indexes(job: Job, pods: Sequence[Pod]) -> tuple[Intervals, Intervals]:
    """calculateSucceededIndexes: (from status.completedIndexes, with the newly succeeded)."""
    completions = job.spec.completions or 0
    prev = parse_indexes_from_string(job.status.completed_indexes, completions)
    new = {ix for p in pods if p.status.phase == "Succeeded"
           and 0 <= (ix := get_completion_index(p.metadata.annotations)) < completions
           and has_job_tracking_finalizer(p)}
    return prev, with_ordered_indexes(prev, sorted(new))


def calculate_failed_indexes(job: Job, pods: Sequence[Pod]) -> Intervals:
    """calculateFailedIndexes: status.failedIndexes with the newly failed indexes."""
    completions = job.spec.completions or 0
    prev = parse_indexes_from_string(job.status.failed_indexes, completions) \
        if job.status.failed_indexes is not None else ()
    new = {ix for p in pods
           if 0 <= (ix := get_completion_index(p.metadata.annotations)) < completions
           and has_job_tracking_finalizer(p) and is_index_failed(job, p)}
    return with_ordered_indexes(prev, sorted(new))


def is_index_failed(job: Job, pod: Pod) -> bool:
    """isIndexFailed: FailIndex matched, or the counted failures reach backoffLimitPerIndex."""
    counted = False
    if is_pod_failed(pod, job):
        if job.spec.pod_failure_policy is not None:
            _, count, action = match_pod_failure_policy(job.spec.pod_failure_policy, pod)
            if action == "FailIndex":
                return True
            counted = count
        else:
            counted = True
    return counted and get_index_failure_count(pod) >= (job.spec.backoff_limit_per_index or 0)


def first_pending_indexes(job: Job, active: Sequence[Pod], pods: Sequence[Pod],
                          succeeded: Intervals, failed: Intervals | None, count: int,
                          completions: int) -> list[int]:
    """firstPendingIndexes: the lowest `count` indexes below completions that no active pod,
    success or failure covers (nor a terminating pod when only failed pods are replaced)."""
    if count == 0:
        return []
    non_pending = with_ordered_indexes(succeeded, sorted(get_indexes(active)))
    if only_replace_failed_pods(job):
        terminating = [p for p in pods if p.status.phase not in ("Succeeded", "Failed")
                       and p.metadata.deletion_timestamp is not None]
        non_pending = with_ordered_indexes(non_pending, sorted(get_indexes(terminating)))
    if failed is not None:
        non_pending = merge(non_pending, failed)
    result: list[int] = []
    candidate = 0
    for first, last in non_pending:
        while candidate < completions and len(result) < count and candidate < first:
            result.append(candidate)
            candidate += 1
        candidate = max(candidate, last + 1)
    while candidate < completions and len(result) < count:
        result.append(candidate)
        candidate += 1
    return result


def by_completion_index(pods: Iterable[Pod]) -> list[Pod]:
    """sort.Sort(byCompletionIndex(pods)) (stable here)."""
    return sorted(pods, key=lambda p: get_completion_index(p.metadata.annotations))


def append_duplicated_index_pods_for_removal(pods: Sequence[Pod], completions: int
                                             ) -> tuple[list[Pod], list[Pod]]:
    """appendDuplicatedIndexPodsForRemoval: (to remove, left): pods without an index or with
    one out of range, and all but one pod (the last in ActivePods order) of each repeated
    index."""
    rm: list[Pod] = []
    left: list[Pod] = []
    ordered = by_completion_index(pods)
    groups: dict[int, list[Pod]] = {}
    for i, pod in enumerate(ordered):
        ix = get_completion_index(pod.metadata.annotations)
        if ix >= completions:
            rm.extend(ordered[i:])
            break
        groups.setdefault(ix, []).append(pod)
    for ix, same in groups.items():
        if ix == UNKNOWN_COMPLETION_INDEX:
            rm.extend(same)
        elif len(same) == 1:
            left.append(same[0])
        else:
            ranked = sort_active_pods(same)
            rm.extend(ranked[:-1])
            left.append(ranked[-1])
    return rm, left


def get_index_failure_count(pod: Pod) -> int:
    """getIndexFailureCount."""
    return _parse_int32(pod.metadata.annotations.get(JOB_INDEX_FAILURE_COUNT_ANNOTATION))


def get_index_absolute_failure_count(pod: Pod) -> int:
    """getIndexAbsoluteFailureCount: counted and ignored failures."""
    return get_index_failure_count(pod) + _parse_int32(
        pod.metadata.annotations.get(JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION))


def _parse_int32(value: str | None) -> int:
    parsed = _atoi(value) if value is not None else None
    return parsed if parsed is not None and 0 <= parsed <= MAX_INT32 else 0


def get_new_index_failure_counts(job: Job, replaced: Pod | None) -> tuple[int, int]:
    """getNewIndexFailureCounts: the counts for the pod replacing `replaced`."""
    if replaced is None:
        return 0, 0
    failures = get_index_failure_count(replaced)
    ignored = _parse_int32(replaced.metadata.annotations.get(
        JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION))
    if job.spec.pod_failure_policy is not None:
        _, count, _ = match_pod_failure_policy(job.spec.pod_failure_policy, replaced)
        if count:
            failures += 1
        else:
            ignored += 1
    else:
        failures += 1
    return failures, ignored


def pod_generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: `<job>-<index>-`, the job name cut to fit 58 characters."""
    append = f"-{index}-"
    prefix = job_name + append
    if len(prefix) > MAX_GENERATED_NAME_LENGTH:
        prefix = prefix[:MAX_GENERATED_NAME_LENGTH - len(append)] + append
    return prefix


def add_completion_index_env_variables(template: PodTemplateSpec) -> PodTemplateSpec:
    """addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the index label."""
    spec = template.spec
    if spec is None:
        return template
    env_var = freeze({"name": COMPLETION_INDEX_ENV_NAME, "valueFrom": {"fieldRef": {
        "fieldPath": f"metadata.labels['{JOB_COMPLETION_INDEX_ANNOTATION}']"}}})

    def add(container: Any) -> Any:
        env = container.extra.get("env") or freeze([])
        if any(v.get("name") == COMPLETION_INDEX_ENV_NAME for v in env):
            return container
        return attrs.evolve(container, extra=container.extra.set("env", env.append(env_var)))

    spec = attrs.evolve(spec, init_containers=pvector(add(c) for c in spec.init_containers),
                        containers=pvector(add(c) for c in spec.containers))
    return attrs.evolve(template, spec=spec)
