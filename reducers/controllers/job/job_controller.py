"""The Job controller: runs a Job's pods to completion, counts them through the job-tracking
finalizer, and reports the Job's conditions.

One `sync(cluster, "ns/name")` is one call of Go's syncJob; `sync(cluster, "orphan:ns/name")`
is one call of syncOrphanPod (the orphan queue, which removes the tracking finalizer from pods
no running Job counts). `watch` is the informer handlers: pod events and Job status updates
enqueue the Job after the one-second batching period (syncJobBatchPeriod), Job creation and
spec changes at once.

Models (v1.34): pkg/controller/job/job_controller.go — addPod, updatePod, deletePod, addJob,
updateJob (the activeDeadlineSeconds requeue), deleteJob, cleanupPodFinalizers,
syncOrphanPod, getPodsForJob (ClaimPods adopting with the tracking finalizer), syncJob,
newFailureCondition / newSuccessCondition (delayTerminalCondition: JobManagedBy and
JobPodReplacementPolicy are on, so FailureTarget and SuccessCriteriaMet come first;
CompletionsReached "Reached expected number of succeeded pods"), deleteActivePods,
nonIgnoredFailedPodsCount, deleteJobPods, trackJobStatusAndRemoveFinalizers,
canRemoveFinalizer, flushUncountedAndRemoveFinalizers, cleanUncountedPodsWithoutFinalizers,
removeTrackingFinalizerFromPods, enactJobFinished, newFailedConditionForFailureTarget,
pastBackoffLimitOnFailure, pastActiveDeadline, getFailJobMessage, getNewFinishedPods,
jobSuspended, manageJob (suspend, too many and too few pods, the pod-failure backoff, slow
start), getPodCreationInfoForIndependentIndexes, activePodsForRemoval, getValidPodsWithFilter,
ensureJobConditionStatus, isPodFailed, countReadyPods, trackTerminatingPods,
onlyReplaceFailedPods; tracking_utils.go hasJobTrackingFinalizer.

Simplifies:
- Expectations (pods and finalizer removals in flight) are always satisfied: every write is in
  the cluster value at once.
- While a pod-failure backoff holds pod creation back, manageJob reports the Job's real number
  of active pods, as the v1.34 patch releases do (kubernetes#139457); v1.34.0 reported 0,
  which the API server then rejected.
- The API-error retry uses the work queue's default rate limiter (kubefold's), not the Job
  controller's 1 s to 1 min one. Events and metrics are not recorded.
- Pods are found through `owned_by` (the Job's) and `select` (orphans its selector matches),
  in name order (Go's informer order is arbitrary).
- The backoff store lives in the cluster's controller memory (see backoff_utils).

Covered by: tests/test_job_controller.py, tests/test_job_e2e.py,
properties/invariants.py (jobs_never_run_more_pods_than_parallelism).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.batch import (
    JOB_COMPLETION_INDEX_ANNOTATION,
    JOB_CONTROLLER_NAME,
    JOB_INDEX_FAILURE_COUNT_ANNOTATION,
    JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
    JOB_TRACKING_FINALIZER,
    Job,
    UncountedTerminatedPods,
)
from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import Condition, Pod, PodTemplateSpec
from kubefold.core.podutil import is_pod_ready, is_pod_terminating
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.controller_utils import (
    delete_pod,
    filter_active_pods,
    get_pod_from_template,
    get_pods_prefix,
    new_controller_ref,
    release_pod,
    sort_active_pods,
)
from kubefold.reducers.controllers.job.backoff_utils import (
    BackoffRecord,
    get_finished_time,
    get_remaining_time,
    get_remaining_time_per_index,
    new_backoff_record,
)
from kubefold.reducers.controllers.job.indexed_job_utils import (
    UNKNOWN_COMPLETION_INDEX,
    Intervals,
    add_completion_index_env_variables,
    append_duplicated_index_pods_for_removal,
    by_completion_index,
    calculate_failed_indexes,
    calculate_succeeded_indexes,
    first_pending_indexes,
    get_completion_index,
    get_index_absolute_failure_count,
    get_indexes,
    get_new_index_failure_counts,
    has,
    has_backoff_limit_per_index,
    has_job_tracking_finalizer,
    intervals_string,
    is_indexed_job,
    is_pod_failed,
    only_replace_failed_pods,
    pod_generate_name_with_index,
    total,
    with_ordered_indexes,
)
from kubefold.reducers.controllers.job.pod_failure_policy import match_pod_failure_policy
from kubefold.reducers.controllers.job.success_policy import (
    has_success_criteria_met_condition,
    is_success_criteria_met_condition,
    match_success_policy,
)
from kubefold.reducers.controllers.job.util import (
    COMPLETE,
    FAILED,
    FAILURE_TARGET,
    SUCCESS_CRITERIA_MET,
    SUSPENDED,
    ensure_job_condition_status,
    find_condition_by_type,
    is_job_finished,
    new_condition,
)
from kubefold.reducers.controlplane import Controller

NAME = "job"
KIND = "Job"
API_VERSION = "batch/v1"
ORPHAN = "orphan:"
SYNC_JOB_BATCH_PERIOD = 1
MAX_UNCOUNTED_PODS = 500
MAX_POD_CREATE_DELETE_PER_SYNC = 500
SLOW_START_INITIAL_BATCH_SIZE = 1

# Reasons and messages (k8s.io/api/batch/v1 and job_controller.go).
REASON_POD_FAILURE_POLICY = "PodFailurePolicy"
REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded"
REASON_DEADLINE_EXCEEDED = "DeadlineExceeded"
REASON_MAX_FAILED_INDEXES_EXCEEDED = "MaxFailedIndexesExceeded"
REASON_FAILED_INDEXES = "FailedIndexes"
REASON_SUCCESS_POLICY = "SuccessPolicy"
REASON_COMPLETIONS_REACHED = "CompletionsReached"
MESSAGE_BACKOFF_LIMIT = "Job has reached the specified backoff limit"
MESSAGE_DEADLINE = "Job was active longer than specified deadline"
MESSAGE_MAX_FAILED_INDEXES = "Job has exceeded the specified maximal number of failed indexes"
MESSAGE_FAILED_INDEXES = "Job has failed indexes"
MESSAGE_COMPLETIONS_REACHED = "Reached expected number of succeeded pods"


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


def _batched(job: Job) -> tuple[str, int]:
    return _key(job), SYNC_JOB_BATCH_PERIOD


def managed_by_external_controller(job: Job) -> str | None:
    """managedByExternalController: spec.managedBy when it names another controller."""
    managed_by = job.spec.managed_by
    return managed_by if managed_by is not None and managed_by != JOB_CONTROLLER_NAME else None


# -- informer handlers -----------------------------------------------------------------------


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any) -> Job | None:
    """resolveControllerRef."""
    if ref.kind != KIND:
        return None
    job = cluster.get(KIND, namespace, ref.name or "")
    if job is None or job.metadata.uid != ref.uid:
        return None
    return job  # type: ignore[no-any-return]


def get_pod_jobs(cluster: Cluster, pod: Pod) -> list[Job]:
    """getPodJobs (GetPodJobs): Jobs whose selector matches the orphan's labels."""
    if not pod.metadata.labels:
        return []
    found = []
    for job in sorted(cluster.list(KIND, pod.metadata.namespace),
                      key=lambda j: j.metadata.name or ""):
        try:
            selector = label_selector_as_selector(job.spec.selector)
        except ValueError:
            continue
        if not selector.empty() and selector.matches(pod.metadata.labels):
            found.append(job)
    return found


def watch(cluster: Cluster, change: Change) -> list[str | tuple[str, int]]:
    """The Job and pod informers' handlers."""
    if change.kind == KIND:
        if change.old is None:
            return [f"{change.namespace}/{change.name}"]  # addJob
        if change.new is None:
            return [f"{change.namespace}/{change.name}",
                    *cleanup_pod_finalizers(cluster, change.old)]  # deleteJob
        return update_job(cluster, change.old, change.new)
    if change.kind != "Pod":
        return []
    if change.old is None:
        return add_pod(cluster, change.new)
    if change.new is None:
        return delete_pod_handler(cluster, change.old, final=True)
    return update_pod(cluster, change.old, change.new)


def update_job(cluster: Cluster, old: Job, cur: Job) -> list[str | tuple[str, int]]:
    """updateJob: batched for status updates, at once for spec changes; the finished Job's
    pods' finalizers; a new activeDeadlineSeconds requeues for the deadline."""
    keys: list[str | tuple[str, int]] = []
    if cur.metadata.generation == old.metadata.generation:
        keys.append(_batched(cur))
    else:
        keys.append(_key(cur))
    if is_job_finished(cur):
        keys += cleanup_pod_finalizers(cluster, cur)
    deadline = cur.spec.active_deadline_seconds
    if cur.status.start_time is not None and deadline is not None \
            and old.spec.active_deadline_seconds != deadline:
        passed = cluster.now - cur.status.start_time
        keys.append((_key(cur), max(0, deadline - passed)))
    return keys


def cleanup_pod_finalizers(cluster: Cluster, job: Job) -> list[str | tuple[str, int]]:
    """cleanupPodFinalizers: orphan-queue the Job's pods that still have the finalizer."""
    return [ORPHAN + _key(p) for p in cluster.owned_by(job.metadata.uid or "", "Pod")
            if p is not None and has_job_tracking_finalizer(p)
            and (ref := get_controller_of(p)) is not None and ref.uid == job.metadata.uid]


def add_pod(cluster: Cluster, pod: Pod) -> list[str | tuple[str, int]]:
    """addPod."""
    if pod.metadata.deletion_timestamp is not None:
        return delete_pod_handler(cluster, pod, final=False)
    ref = get_controller_of(pod)
    if ref is not None:
        job = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
        return [_batched(job)] if job is not None else []
    keys: list[str | tuple[str, int]] = []
    if has_job_tracking_finalizer(pod):
        keys.append(ORPHAN + _key(pod))
    return keys + [_batched(j) for j in get_pod_jobs(cluster, pod)]


def update_pod(cluster: Cluster, old: Pod, cur: Pod) -> list[str | tuple[str, int]]:
    """updatePod."""
    if cur.metadata.resource_version == old.metadata.resource_version:
        return []
    if cur.metadata.deletion_timestamp is not None:
        return delete_pod_handler(cluster, cur, final=False)
    cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
    changed = cur_ref != old_ref
    keys: list[str | tuple[str, int]] = []
    if changed and old_ref is not None:
        job = resolve_controller_ref(cluster, old.metadata.namespace, old_ref)
        if job is not None:
            keys.append(_batched(job))
    if cur_ref is not None:
        job = resolve_controller_ref(cluster, cur.metadata.namespace, cur_ref)
        return keys + ([_batched(job)] if job is not None else [])
    if has_job_tracking_finalizer(cur):
        keys.append(ORPHAN + _key(cur))
    if cur.metadata.labels != old.metadata.labels or changed:
        keys += [_batched(j) for j in get_pod_jobs(cluster, cur)]
    return keys


def delete_pod_handler(cluster: Cluster, pod: Pod, final: bool) -> list[str | tuple[str, int]]:
    """deletePod."""
    ref = get_controller_of(pod)
    finalizer = has_job_tracking_finalizer(pod)
    if ref is None:
        return [ORPHAN + _key(pod)] if finalizer else []
    job = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
    if job is None or is_job_finished(job):
        return [ORPHAN + _key(pod)] if finalizer else []
    return [_batched(job)]


# -- syncOrphanPod ---------------------------------------------------------------------------


def sync_orphan_pod(cluster: Cluster, key: str) -> Cluster:
    """syncOrphanPod: remove the finalizer of a pod no unfinished Job of ours controls."""
    namespace, _, name = key.partition("/")
    pod = cluster.get("Pod", namespace, name)
    if pod is None:
        return cluster.forget(NAME, ORPHAN + key)
    ref = get_controller_of(pod)
    if ref is not None:
        if ref.kind != KIND or ref.api_version != API_VERSION:
            return cluster.forget(NAME, ORPHAN + key)
        job = resolve_controller_ref(cluster, namespace, ref)
        if job is not None and managed_by_external_controller(job) is not None:
            return cluster.forget(NAME, ORPHAN + key)
        if job is not None and not is_job_finished(job):
            return cluster.forget(NAME, ORPHAN + key)
    cluster, err = remove_tracking_finalizer(cluster, pod)
    if err is not None and err.reason != "NotFound":
        return cluster.enqueue_rate_limited(NAME, ORPHAN + key)
    return cluster.forget(NAME, ORPHAN + key)


def remove_tracking_finalizer(cluster: Cluster, pod: Pod) -> tuple[Cluster, Status | None]:
    """The removeTrackingFinalizerPatch ($deleteFromPrimitiveList), as an update of the stored
    pod."""
    stored = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name)
    if stored is None:
        return cluster, Status("NotFound", 404, f'pods "{pod.metadata.name}" not found')
    if not has_job_tracking_finalizer(stored):
        return cluster, None
    finalizers = pvector(f for f in stored.metadata.finalizers if f != JOB_TRACKING_FINALIZER)
    meta = attrs.evolve(stored.metadata, finalizers=finalizers, resource_version=None)
    result = apiserver.update(cluster, attrs.evolve(stored, metadata=meta))
    if isinstance(result, Status):
        return cluster, result
    return result.cluster, None


# -- getPodsForJob ---------------------------------------------------------------------------


def get_pods_for_job(cluster: Cluster, job: Job) -> tuple[Cluster, list[Pod], str | None]:
    """getPodsForJob: the Job's pods and the orphans its selector matches, claimed: orphans
    adopted with the tracking finalizer, owned pods that stopped matching released."""
    try:
        selector = label_selector_as_selector(job.spec.selector)
    except ValueError as exc:
        return cluster, [], f"couldn't convert Job selector: {exc}"
    namespace = job.metadata.namespace
    candidates = {p.metadata.name: p for p in cluster.owned_by(job.metadata.uid or "", "Pod")
                  if p is not None}
    for p in cluster.select("Pod", namespace, selector):
        candidates.setdefault(p.metadata.name, p)
    deleting = job.metadata.deletion_timestamp is not None
    claimed: list[Pod] = []
    errors: list[str] = []
    for name in sorted(candidates):
        pod = candidates[name]
        ref = get_controller_of(pod)
        if ref is not None:
            if ref.uid != job.metadata.uid:
                continue
            if selector.matches(pod.metadata.labels):
                claimed.append(pod)
            elif not deleting:
                result = release_pod(cluster, job, pod)
                if isinstance(result, Status):
                    errors.append(result.message)
                else:
                    cluster = result.cluster
            continue
        if deleting or not selector.matches(pod.metadata.labels) \
                or pod.metadata.deletion_timestamp is not None:
            continue
        cluster, adopted, err = _adopt(cluster, job, pod)
        if err is not None:
            errors.append(err)
        elif adopted is not None:
            claimed.append(adopted)
    return cluster, claimed, (errors[0] if errors else None)


def _adopt(cluster: Cluster, job: Job, pod: Pod) -> tuple[Cluster, Pod | None, str | None]:
    """AdoptPod with the finalizer (the PodControllerRefManager's finalizers)."""
    ref = new_controller_ref(job, API_VERSION, KIND)
    refs = [r for r in pod.metadata.owner_references if r.uid != ref.uid] + [ref]
    finalizers = pod.metadata.finalizers
    if JOB_TRACKING_FINALIZER not in finalizers:
        finalizers = finalizers.append(JOB_TRACKING_FINALIZER)
    meta = attrs.evolve(pod.metadata, owner_references=pvector(refs), finalizers=finalizers)
    result = apiserver.update(cluster, attrs.evolve(pod, metadata=meta))
    if isinstance(result, Status):
        return cluster, None, None if result.reason == "NotFound" else result.message
    return result.cluster, result.object, None


# -- syncJob ---------------------------------------------------------------------------------


@attrs.define
class SyncJobCtx:
    """syncJobCtx: what one syncJob computes, changed as the sync goes (local to it)."""

    job: Job
    pods: list[Pod]
    active_pods: list[Pod]
    ready: int
    terminating: int
    uncounted_succeeded: frozenset[str]
    uncounted_failed: frozenset[str]
    finished_condition: Condition | None = None
    succeeded: int = 0
    failed: int = 0
    prev_succeeded_indexes: Intervals = ()
    succeeded_indexes: Intervals = ()
    failed_indexes: Intervals | None = None
    new_backoff_record: BackoffRecord | None = None
    pods_with_delayed_deletion_per_index: dict[int, Pod] = attrs.field(factory=dict)


def job_suspended(job: Job) -> bool:
    """jobSuspended."""
    return bool(job.spec.suspend)


def new_failure_condition(reason: str, message: str, now: int) -> Condition:
    """newFailureCondition: FailureTarget (delayTerminalCondition holds in v1.34)."""
    return new_condition(FAILURE_TARGET, "True", reason, message, now)


def new_success_condition(now: int) -> Condition:
    """newSuccessCondition: SuccessCriteriaMet, CompletionsReached."""
    return new_condition(SUCCESS_CRITERIA_MET, "True", REASON_COMPLETIONS_REACHED,
                         MESSAGE_COMPLETIONS_REACHED, now)


def new_failed_condition_for_failure_target(target: Condition, now: int) -> Condition:
    """newFailedConditionForFailureTarget."""
    return new_condition(FAILED, "True", target.reason or "", target.message or "", now)


def sync(cluster: Cluster, key: str) -> Cluster:
    """The job queue's syncJob, or the orphan queue's syncOrphanPod for `orphan:` keys."""
    if key.startswith(ORPHAN):
        return sync_orphan_pod(cluster, key[len(ORPHAN):])
    result = sync_job(cluster, key)
    if isinstance(result, tuple):  # an error: AddRateLimited
        return result[0].enqueue_rate_limited(NAME, key)
    return result.forget(NAME, key)


def sync_job(cluster: Cluster, key: str) -> Cluster | tuple[Cluster, str]:
    """syncJob for `namespace/name`; a tuple is (cluster, error) for a requeue."""
    namespace, _, name = key.partition("/")
    job: Job | None = cluster.get(KIND, namespace, name)
    if job is None:
        return cluster.remember(NAME, key, None)  # removeBackoffRecord
    if managed_by_external_controller(job) is not None:
        return cluster
    if is_job_finished(job):
        return cluster.remember(NAME, key, None)
    if job.spec.completion_mode not in (None, "NonIndexed", "Indexed"):
        return cluster  # UnknownCompletionMode
    status = job.status
    if status.uncounted_terminated_pods is None:
        status = attrs.evolve(status, uncounted_terminated_pods=UncountedTerminatedPods())
    job = attrs.evolve(job, status=status)
    cluster, pods, err = get_pods_for_job(cluster, job)
    if err is not None:
        return cluster, err
    return _sync_claimed(cluster, key, job, pods)


def _sync_claimed(cluster: Cluster, key: str, job: Job, pods: list[Pod]
                  ) -> Cluster | tuple[Cluster, str]:
    now = cluster.now
    uncounted = job.status.uncounted_terminated_pods or UncountedTerminatedPods()
    active_pods = filter_active_pods(pods)
    ctx = SyncJobCtx(job=job, pods=pods, active_pods=active_pods,
                     ready=sum(1 for p in active_pods if is_pod_ready(p)),
                     terminating=sum(1 for p in pods if is_pod_terminating(p)),
                     uncounted_succeeded=frozenset(uncounted.succeeded),
                     uncounted_failed=frozenset(uncounted.failed))
    active = len(active_pods)
    new_succeeded, new_failed = get_new_finished_pods(ctx)
    ctx.succeeded = (job.status.succeeded or 0) + len(new_succeeded) + len(uncounted.succeeded)
    ctx.failed = (job.status.failed or 0) + non_ignored_failed_pods_count(ctx, new_failed) \
        + len(uncounted.failed)
    if job.status.start_time is None and not job_suspended(job):
        ctx.job = job = attrs.evolve(job, status=attrs.evolve(job.status, start_time=now))
    ctx.new_backoff_record = new_backoff_record(cluster.recall(NAME, key), key, new_succeeded,
                                                new_failed)
    cluster = _finished_by_failures(cluster, key, ctx)
    if is_indexed_job(job):
        _indexed_finish(ctx, now)
    suspend_cond_changed = False
    manage_err: str | None = None
    if ctx.finished_condition is not None:
        cluster, deleted_ready, deleted, manage_err = delete_active_pods(cluster, job,
                                                                         ctx.active_pods)
        if deleted != active:
            ctx.finished_condition = None
        active -= deleted
        ctx.terminating += deleted
        ctx.ready -= deleted_ready
    else:
        manage_called = False
        if job.metadata.deletion_timestamp is None:
            cluster, active, manage_err = manage_job(cluster, key, ctx)
            manage_called = True
        if job.spec.completions is None:
            complete = ctx.succeeded > 0 and active == 0
        else:
            complete = ctx.succeeded >= job.spec.completions and active == 0
        if complete:
            ctx.finished_condition = new_success_condition(now)
        elif manage_called:
            suspend_cond_changed = _suspend_conditions(ctx, now)
    job = ctx.job
    needs_update = suspend_cond_changed or active != (job.status.active or 0) \
        or job.status.ready != ctx.ready or job.status.terminating != ctx.terminating
    ctx.job = attrs.evolve(job, status=attrs.evolve(job.status, active=active, ready=ctx.ready,
                                                    terminating=ctx.terminating))
    cluster, err = track_job_status_and_remove_finalizers(cluster, key, ctx, needs_update)
    if err is not None:
        return cluster, f"tracking status: {err}"
    if manage_err is not None:
        return cluster, manage_err
    return cluster


def _finished_by_failures(cluster: Cluster, key: str, ctx: SyncJobCtx) -> Cluster:
    """syncJob's failure checks: an existing FailureTarget, a FailJob rule, the backoff limit,
    the active deadline (or its requeue)."""
    job, now = ctx.job, cluster.now
    ctx.finished_condition = has_success_criteria_met_condition(job)
    if ctx.finished_condition is None:
        target = find_condition_by_type(job.status.conditions, FAILURE_TARGET)
        if target is not None and target.status == "True":
            ctx.finished_condition = new_failed_condition_for_failure_target(target, now)
        elif (message := get_fail_job_message(job, ctx.pods)) is not None:
            ctx.finished_condition = new_condition(FAILURE_TARGET, "True",
                                                   REASON_POD_FAILURE_POLICY, message, now)
    if ctx.finished_condition is not None:
        return cluster
    if ctx.failed > (job.spec.backoff_limit or 0) or past_backoff_limit_on_failure(job, ctx.pods):
        ctx.finished_condition = new_failure_condition(REASON_BACKOFF_LIMIT_EXCEEDED,
                                                       MESSAGE_BACKOFF_LIMIT, now)
    elif past_active_deadline(job, now):
        ctx.finished_condition = new_failure_condition(REASON_DEADLINE_EXCEEDED,
                                                       MESSAGE_DEADLINE, now)
    elif job.spec.active_deadline_seconds is not None and not job_suspended(job):
        start = job.status.start_time if job.status.start_time is not None else now
        cluster = cluster.enqueue_after(NAME, key,
                                        job.spec.active_deadline_seconds - (now - start))
    return cluster


def _indexed_finish(ctx: SyncJobCtx, now: int) -> None:
    """syncJob's Indexed part: succeeded and failed indexes, maxFailedIndexes, failed
    indexes, the success policy."""
    job = ctx.job
    completions = job.spec.completions or 0
    ctx.prev_succeeded_indexes, ctx.succeeded_indexes = calculate_succeeded_indexes(job, ctx.pods)
    ctx.succeeded = total(ctx.succeeded_indexes)
    if has_backoff_limit_per_index(job):
        ctx.failed_indexes = calculate_failed_indexes(job, ctx.pods)
        failed_total = total(ctx.failed_indexes)
        if ctx.finished_condition is None:
            if job.spec.max_failed_indexes is not None \
                    and failed_total > job.spec.max_failed_indexes:
                ctx.finished_condition = new_failure_condition(
                    REASON_MAX_FAILED_INDEXES_EXCEEDED, MESSAGE_MAX_FAILED_INDEXES, now)
            elif failed_total > 0 and failed_total + total(ctx.succeeded_indexes) >= completions:
                ctx.finished_condition = new_failure_condition(REASON_FAILED_INDEXES,
                                                               MESSAGE_FAILED_INDEXES, now)
        ctx.pods_with_delayed_deletion_per_index = get_pods_with_delayed_deletion_per_index(ctx)
    if ctx.finished_condition is None:
        message, met = match_success_policy(job.spec.success_policy, completions,
                                            ctx.succeeded_indexes)
        if met:
            ctx.finished_condition = new_condition(SUCCESS_CRITERIA_MET, "True",
                                                   REASON_SUCCESS_POLICY, message, now)


def _suspend_conditions(ctx: SyncJobCtx, now: int) -> bool:
    """The Suspended condition (True JobSuspended, or False JobResumed resetting startTime)."""
    job = ctx.job
    if job_suspended(job):
        conditions, updated = ensure_job_condition_status(
            job.status.conditions, SUSPENDED, "True", "JobSuspended", "Job suspended", now)
        status = attrs.evolve(job.status, conditions=conditions)
    else:
        conditions, updated = ensure_job_condition_status(
            job.status.conditions, SUSPENDED, "False", "JobResumed", "Job resumed", now)
        status = attrs.evolve(job.status, conditions=conditions)
        if updated:
            status = attrs.evolve(status, start_time=now)
    ctx.job = attrs.evolve(job, status=status)
    return updated


def get_pods_with_delayed_deletion_per_index(ctx: SyncJobCtx) -> dict[int, Pod]:
    """getPodsWithDelayedDeletionPerIndex: per index with no success, failure or active pod,
    the last failed pod, kept until its replacement carries the failure count."""
    job = ctx.job
    completions = job.spec.completions or 0
    active = get_indexes(ctx.active_pods)
    delayed: dict[int, Pod] = {}
    for pod in valid_pods_with_filter(ctx, frozenset(), lambda p: is_pod_failed(p, job)):
        ix = get_completion_index(pod.metadata.annotations)
        if ix == UNKNOWN_COMPLETION_INDEX or ix >= completions:
            continue
        if has(ctx.succeeded_indexes, ix) or has(ctx.failed_indexes, ix) or ix in active:
            continue
        last = delayed.get(ix)
        if last is None or (get_index_absolute_failure_count(last)
                            <= get_index_absolute_failure_count(pod)
                            and not get_finished_time(pod) < get_finished_time(last)):
            delayed[ix] = pod
    return delayed


def valid_pods_with_filter(ctx: SyncJobCtx, uncounted: frozenset[str], keep: Any
                           ) -> list[Pod]:
    """getValidPodsWithFilter: pods with the finalizer, not yet uncounted, with a valid index
    for an Indexed Job, that `keep` accepts."""
    job = ctx.job
    out = []
    for pod in ctx.pods:
        if not has_job_tracking_finalizer(pod) or (pod.metadata.uid or "") in uncounted:
            continue
        if is_indexed_job(job):
            ix = get_completion_index(pod.metadata.annotations)
            if ix == UNKNOWN_COMPLETION_INDEX or ix >= (job.spec.completions or 0):
                continue
        if keep(pod):
            out.append(pod)
    return out


def get_new_finished_pods(ctx: SyncJobCtx) -> tuple[list[Pod], list[Pod]]:
    """getNewFinishedPods."""
    succeeded = valid_pods_with_filter(ctx, ctx.uncounted_succeeded,
                                       lambda p: p.status.phase == "Succeeded")
    failed = valid_pods_with_filter(ctx, ctx.uncounted_failed,
                                    lambda p: is_pod_failed(p, ctx.job))
    return succeeded, failed


def non_ignored_failed_pods_count(ctx: SyncJobCtx, failed: Sequence[Pod]) -> int:
    """nonIgnoredFailedPodsCount: failures the pod failure policy does not ignore."""
    policy = ctx.job.spec.pod_failure_policy
    if policy is None:
        return len(failed)
    return sum(1 for p in failed if match_pod_failure_policy(policy, p)[1])


def get_fail_job_message(job: Job, pods: Iterable[Pod]) -> str | None:
    """getFailJobMessage: the message of the first failed pod a FailJob rule matches."""
    if job.spec.pod_failure_policy is None:
        return None
    for pod in pods:
        if is_pod_failed(pod, job):
            message, _, _ = match_pod_failure_policy(job.spec.pod_failure_policy, pod)
            if message is not None:
                return message
    return None


def past_backoff_limit_on_failure(job: Job, pods: Iterable[Pod]) -> bool:
    """pastBackoffLimitOnFailure: restarts of Pending and Running pods against backoffLimit
    (restartPolicy OnFailure only)."""
    template = job.spec.template
    if template is None or template.spec is None or template.spec.restart_policy != "OnFailure":
        return False
    restarts = sum((s.restart_count or 0) for p in pods if p.status.phase in ("Running", "Pending")
                   for s in (*p.status.init_container_statuses, *p.status.container_statuses))
    limit = job.spec.backoff_limit or 0
    return restarts > 0 if limit == 0 else restarts >= limit


def past_active_deadline(job: Job, now: int) -> bool:
    """pastActiveDeadline."""
    deadline = job.spec.active_deadline_seconds
    if deadline is None or job.status.start_time is None or job_suspended(job):
        return False
    return now - job.status.start_time >= deadline


# -- deleting pods ---------------------------------------------------------------------------


def delete_active_pods(cluster: Cluster, job: Job, pods: Sequence[Pod]
                       ) -> tuple[Cluster, int, int, str | None]:
    """deleteActivePods: DELETE each active pod, finalizers kept. Returns (cluster, ready
    deleted, deleted, first error)."""
    deleted = deleted_ready = 0
    error: str | None = None
    for pod in pods:
        cluster, rejected = delete_pod(cluster, job.metadata.namespace or "",
                                       pod.metadata.name or "")
        if rejected is not None and rejected.reason != "NotFound":
            error = error or rejected.message
        else:
            deleted += 1
        if is_pod_ready(pod):
            deleted_ready += 1
    return cluster, deleted_ready, deleted, error


def delete_job_pods(cluster: Cluster, job: Job, pods: Sequence[Pod]
                    ) -> tuple[Cluster, int, int, str | None]:
    """deleteJobPods: remove the finalizer, then DELETE; NotFound counts as deleted."""
    deleted = deleted_ready = 0
    error: str | None = None
    for pod in pods:
        cluster, rejected = remove_tracking_finalizer(cluster, pod)
        if rejected is not None and rejected.reason != "NotFound":
            error = error or f"removing completion finalizer: {rejected.message}"
        else:
            cluster, rejected = delete_pod(cluster, job.metadata.namespace or "",
                                           pod.metadata.name or "")
            if rejected is not None and rejected.reason != "NotFound":
                error = error or rejected.message
            else:
                deleted += 1
        if is_pod_ready(pod):
            deleted_ready += 1
    return cluster, deleted_ready, deleted, error


def active_pods_for_removal(job: Job, pods: Sequence[Pod], rm_at_least: int) -> list[Pod]:
    """activePodsForRemoval: duplicated or invalid indexes first, then the ActivePods order."""
    if is_indexed_job(job):
        rm, left = append_duplicated_index_pods_for_removal(pods, job.spec.completions or 0)
    else:
        rm, left = [], list(pods)
    if len(rm) < rm_at_least:
        rm += sort_active_pods(left)[:rm_at_least - len(rm)]
    return rm


# -- manageJob -------------------------------------------------------------------------------


def manage_job(cluster: Cluster, key: str, ctx: SyncJobCtx) -> tuple[Cluster, int, str | None]:
    """manageJob: (cluster, active, error)."""
    job = ctx.job
    active = len(ctx.active_pods)
    parallelism = job.spec.parallelism or 0
    if job_suspended(job):
        to_delete = active_pods_for_removal(job, ctx.active_pods, active)
        cluster, ready, removed, err = delete_job_pods(cluster, job, to_delete)
        ctx.terminating += removed
        ctx.ready -= ready
        return cluster, active - removed, err
    if job.spec.completions is None:
        want = active if ctx.succeeded > 0 else parallelism
    else:
        want = max(0, min(job.spec.completions - ctx.succeeded, parallelism))
    to_delete = active_pods_for_removal(job, ctx.active_pods, max(0, active - want))
    to_delete = to_delete[:MAX_POD_CREATE_DELETE_PER_SYNC]
    if to_delete:
        cluster, ready, removed, err = delete_job_pods(cluster, job, to_delete)
        ctx.terminating += removed
        ctx.ready -= ready
        return cluster, active - removed, err
    terminating = ctx.terminating if only_replace_failed_pods(job) else 0
    diff = want - terminating - active
    if diff <= 0:
        return cluster, active, None
    remaining = 0
    if not has_backoff_limit_per_index(job):
        assert ctx.new_backoff_record is not None
        remaining = get_remaining_time(ctx.new_backoff_record, cluster.now)
    if remaining > 0:
        return cluster.enqueue_after(NAME, key, max(remaining, SYNC_JOB_BATCH_PERIOD)), active, \
            None
    diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
    indexes: list[int] = []
    if is_indexed_job(job):
        indexes = first_pending_indexes(job, ctx.active_pods, ctx.pods, ctx.succeeded_indexes,
                                        ctx.failed_indexes, diff, job.spec.completions or 0)
        if has_backoff_limit_per_index(job):
            indexes, remaining = _creation_info_for_independent_indexes(
                cluster.now, indexes, ctx.pods_with_delayed_deletion_per_index)
            if remaining > 0:
                return cluster.enqueue_after(NAME, key, max(remaining, SYNC_JOB_BATCH_PERIOD)), \
                    active, None
        diff = len(indexes)
    return _create_pods(cluster, ctx, active, diff, indexes)


def _creation_info_for_independent_indexes(now: int, indexes: list[int],
                                           delayed: dict[int, Pod]) -> tuple[list[int], int]:
    """getPodCreationInfoForIndependentIndexes: the indexes whose backoff has passed, or the
    shortest time left."""
    ready: list[int] = []
    least: int | None = None
    for ix in indexes:
        last = delayed.get(ix)
        left = get_remaining_time_per_index(
            last, now, get_index_absolute_failure_count(last) if last is not None else 0)
        if left == 0:
            ready.append(ix)
        elif least is None or left < least:
            least = left
    if ready:
        return ready, 0
    return ready, least or 0


def _create_pods(cluster: Cluster, ctx: SyncJobCtx, active: int, diff: int,
                 indexes: list[int]) -> tuple[Cluster, int, str | None]:
    """manageJob's creation: slow-start batches (1, 2, 4, ...), stopping after a batch with
    a failure."""
    job = ctx.job
    template = job.spec.template or PodTemplateSpec()
    if is_indexed_job(job):
        template = add_completion_index_env_variables(template)
    finalizers = template.metadata.finalizers
    if JOB_TRACKING_FINALIZER not in finalizers:
        template = attrs.evolve(template, metadata=attrs.evolve(
            template.metadata, finalizers=finalizers.append(JOB_TRACKING_FINALIZER)))
    active += diff
    errors: list[str] = []
    pending = list(indexes)
    batch = min(diff, SLOW_START_INITIAL_BATCH_SIZE)
    while diff > 0:
        before = len(errors)
        for _ in range(batch):
            index = pending.pop(0) if pending else UNKNOWN_COMPLETION_INDEX
            cluster, err = create_pod(cluster, ctx, template, index)
            if err is not None:
                active -= 1
                errors.append(err)
        skipped = diff - batch
        if len(errors) > before and skipped > 0:
            active -= skipped
            break
        diff -= batch
        batch = min(2 * batch, diff)
    return cluster, active, errors[0] if errors else None


def create_pod(cluster: Cluster, ctx: SyncJobCtx, template: PodTemplateSpec, index: int
               ) -> tuple[Cluster, str | None]:
    """One pod from the template (CreatePodsWithGenerateName); an Indexed pod gets its index
    annotation and label, hostname `<job>-<index>`, the name `<job>-<index>-<random>` and,
    with backoffLimitPerIndex, its index's failure counts."""
    job = ctx.job
    name = job.metadata.name or ""
    generate_name = get_pods_prefix(name)
    if index != UNKNOWN_COMPLETION_INDEX:
        meta = template.metadata
        annotations = meta.annotations.set(JOB_COMPLETION_INDEX_ANNOTATION, str(index))
        labels = meta.labels.set(JOB_COMPLETION_INDEX_ANNOTATION, str(index))
        if has_backoff_limit_per_index(job):
            failures, ignored = get_new_index_failure_counts(
                job, ctx.pods_with_delayed_deletion_per_index.get(index))
            annotations = annotations.set(JOB_INDEX_FAILURE_COUNT_ANNOTATION, str(failures))
            if ignored > 0:
                annotations = annotations.set(JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
                                              str(ignored))
        spec = template.spec
        if spec is not None:
            spec = attrs.evolve(spec, extra=spec.extra.set("hostname", f"{name}-{index}"))
        template = attrs.evolve(template, spec=spec, metadata=attrs.evolve(
            meta, annotations=annotations, labels=labels))
        generate_name = pod_generate_name_with_index(name, index)
    pod = get_pod_from_template(template, job, new_controller_ref(job, API_VERSION, KIND))
    pod = attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, generate_name=generate_name,
                                                  namespace=job.metadata.namespace))
    result = apiserver.create(cluster, pod)
    if isinstance(result, Status):
        if result.reason == "Forbidden" and "because it is being terminated" in result.message:
            return cluster, None  # NamespaceTerminatingCause: ignored
        return cluster, result.message
    return result.cluster, None


# -- tracking --------------------------------------------------------------------------------


def can_remove_finalizer(ctx: SyncJobCtx, pod: Pod, considered_failed: bool) -> bool:
    """canRemoveFinalizer."""
    if ctx.job.metadata.deletion_timestamp is not None or ctx.finished_condition is not None \
            or pod.status.phase == "Succeeded":
        return True
    if not considered_failed:
        return False
    if has_backoff_limit_per_index(ctx.job):
        ix = get_completion_index(pod.metadata.annotations)
        delayed = ctx.pods_with_delayed_deletion_per_index.get(ix)
        if delayed is not None and delayed.metadata.uid == pod.metadata.uid:
            return False
    return True


def clean_uncounted_pods_without_finalizers(job: Job, with_finalizer: set[str]
                                            ) -> tuple[Job, bool]:
    """cleanUncountedPodsWithoutFinalizers: uncounted pods whose finalizer is gone move into
    the counters."""
    status = job.status
    uncounted = status.uncounted_terminated_pods or UncountedTerminatedPods()
    succeeded = [u for u in uncounted.succeeded if u in with_finalizer]
    failed = [u for u in uncounted.failed if u in with_finalizer]
    if len(succeeded) == len(uncounted.succeeded) and len(failed) == len(uncounted.failed):
        return job, False
    status = attrs.evolve(
        status,
        succeeded=(status.succeeded or 0) + len(uncounted.succeeded) - len(succeeded),
        failed=(status.failed or 0) + len(uncounted.failed) - len(failed),
        uncounted_terminated_pods=attrs.evolve(uncounted, succeeded=pvector(succeeded),
                                               failed=pvector(failed)))
    return attrs.evolve(job, status=status), True


def track_job_status_and_remove_finalizers(cluster: Cluster, key: str, ctx: SyncJobCtx,
                                           needs_flush: bool) -> tuple[Cluster, str | None]:
    """trackJobStatusAndRemoveFinalizers: finished pods into uncountedTerminatedPods, their
    finalizers removed, the counters updated, the interim and final conditions."""
    job = ctx.job
    indexed = is_indexed_job(job)
    completions = job.spec.completions or 0
    pods = by_completion_index(ctx.pods) if indexed else ctx.pods
    with_finalizer = {p.metadata.uid or "" for p in pods if has_job_tracking_finalizer(p)}
    job, cleaned = clean_uncounted_pods_without_finalizers(job, with_finalizer)
    needs_flush = needs_flush or cleaned
    uncounted = job.status.uncounted_terminated_pods or UncountedTerminatedPods()
    unc_succeeded, unc_failed = list(uncounted.succeeded), list(uncounted.failed)
    to_remove: list[Pod] = []
    new_indexes: list[int] = []
    reached_max = False
    for pod in pods:
        if not has_job_tracking_finalizer(pod):
            continue
        failed = is_pod_failed(pod, job)
        if not can_remove_finalizer(ctx, pod, failed):
            continue
        to_remove.append(pod)
        uid = pod.metadata.uid or ""
        ix = get_completion_index(pod.metadata.annotations)
        if pod.status.phase == "Succeeded" and uid not in ctx.uncounted_failed:
            if indexed:
                if ix != UNKNOWN_COMPLETION_INDEX and ix < completions \
                        and not has(ctx.prev_succeeded_indexes, ix):
                    new_indexes.append(ix)
                    needs_flush = True
            elif uid not in ctx.uncounted_succeeded:
                needs_flush = True
                unc_succeeded.append(uid)
        elif (failed or (ctx.finished_condition is not None
                         and not is_success_criteria_met_condition(ctx.finished_condition))) \
                and uid not in ctx.uncounted_failed \
                and (not indexed or (ix != UNKNOWN_COMPLETION_INDEX and ix < completions)):
            counts = True
            if job.spec.pod_failure_policy is not None:
                counts = match_pod_failure_policy(job.spec.pod_failure_policy, pod)[1]
            if counts:
                needs_flush = True
                unc_failed.append(uid)
        if len(new_indexes) + len(unc_succeeded) + len(unc_failed) >= MAX_UNCOUNTED_PODS:
            reached_max = True
            break
    status = attrs.evolve(job.status, uncounted_terminated_pods=attrs.evolve(
        uncounted, succeeded=pvector(unc_succeeded), failed=pvector(unc_failed)))
    if indexed:
        ctx.succeeded_indexes = with_ordered_indexes(ctx.succeeded_indexes, new_indexes)
        text = intervals_string(ctx.succeeded_indexes)
        if text != (status.completed_indexes or ""):
            needs_flush = True
        status = attrs.evolve(status, succeeded=total(ctx.succeeded_indexes),
                              completed_indexes=text or None)
        failed_text = intervals_string(ctx.failed_indexes) \
            if ctx.failed_indexes is not None else None
        if failed_text != status.failed_indexes:
            status = attrs.evolve(status, failed_indexes=failed_text)
            needs_flush = True
    finished = ctx.finished_condition
    if finished is not None and finished.type == FAILURE_TARGET:
        status = attrs.evolve(status, conditions=status.conditions.append(finished))
        needs_flush = True
        ctx.finished_condition = new_failed_condition_for_failure_target(finished, cluster.now)
    elif is_success_criteria_met_condition(finished):
        assert finished is not None
        if has_success_criteria_met_condition(job) is None:
            status = attrs.evolve(status, conditions=status.conditions.append(finished))
            needs_flush = True
        ctx.finished_condition = new_condition(COMPLETE, "True", finished.reason or "",
                                               finished.message or "", cluster.now)
    ctx.job = attrs.evolve(job, status=status)
    cluster, needs_flush, err = flush_uncounted_and_remove_finalizers(
        cluster, key, ctx, to_remove, with_finalizer, needs_flush)
    if err is not None:
        return cluster, err
    if not reached_max and enact_job_finished(ctx, cluster.now):
        needs_flush = True
    if needs_flush:
        cluster, written = _update_status(cluster, ctx.job)
        if written is None:
            return cluster, "removing uncounted pods from status: the update was rejected"
        ctx.job = written
    return cluster, None


def _update_status(cluster: Cluster, job: Job) -> tuple[Cluster, Job | None]:
    """updateJobStatus: PUT the status subresource."""
    result = apiserver.update_status(cluster, job)
    if isinstance(result, Status):
        return cluster, None
    return result.cluster, result.object


def flush_uncounted_and_remove_finalizers(cluster: Cluster, key: str, ctx: SyncJobCtx,
                                          to_remove: list[Pod], with_finalizer: set[str],
                                          needs_flush: bool
                                          ) -> tuple[Cluster, bool, str | None]:
    """flushUncountedAndRemoveFinalizers: write the uncounted pods (and the backoff record),
    remove the finalizers, count the pods whose finalizer went."""
    if needs_flush:
        cluster, written = _update_status(cluster, ctx.job)
        if written is None:
            return cluster, needs_flush, "adding uncounted pods to status: the update was " \
                                         "rejected"
        ctx.job = written
        cluster = cluster.remember(NAME, key, ctx.new_backoff_record)
        needs_flush = False
    error: str | None = None
    for pod in to_remove:
        cluster, rejected = remove_tracking_finalizer(cluster, pod)
        if rejected is None or rejected.reason == "NotFound":
            with_finalizer.discard(pod.metadata.uid or "")
        elif error is None:
            error = f"removing tracking finalizer: {rejected.message}"
    ctx.job, cleaned = clean_uncounted_pods_without_finalizers(ctx.job, with_finalizer)
    needs_flush = needs_flush or cleaned
    if error is not None and needs_flush:
        cluster, written = _update_status(cluster, ctx.job)
        if written is not None:
            ctx.job = written
    return cluster, needs_flush, error


def enact_job_finished(ctx: SyncJobCtx, now: int) -> bool:
    """enactJobFinished: the Complete or Failed condition, once no pod is uncounted or
    terminating; completionTime with Complete."""
    finished = ctx.finished_condition
    if finished is None:
        return False
    job = ctx.job
    uncounted = job.status.uncounted_terminated_pods
    if uncounted is not None and (uncounted.succeeded or uncounted.failed):
        return False
    if ctx.terminating > 0:
        return False
    conditions, _ = ensure_job_condition_status(job.status.conditions, finished.type or "",
                                                finished.status or "", finished.reason or "",
                                                finished.message or "", now)
    status = attrs.evolve(job.status, conditions=conditions)
    if finished.type == COMPLETE:
        status = attrs.evolve(status, completion_time=finished.last_transition_time)
    ctx.job = attrs.evolve(job, status=status)
    return True


CONTROLLER = Controller(NAME, sync, watch, frozenset({KIND, "Pod"}))
