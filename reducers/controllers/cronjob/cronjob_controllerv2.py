"""The CronJob controller: creates a Job at each scheduled time, honours the concurrency
policy and the starting deadline, keeps the active list and the history.

One `sync(cluster, "ns/name")` is one call of Go's ControllerV2.sync (cleanupFinishedJobs,
syncCronJob, one status update, and the requeue for the next schedule, which is how `tick`
wakes it in auto mode). `watch` is the Job and CronJob informers' handlers.

Models (v1.34): pkg/controller/cronjob/cronjob_controllerv2.go — processNextWorkItem's
requeue, sync, resolveControllerRef, getJobsToBeReconciled, addJob, updateJob, deleteJob,
updateCronJob (a new schedule or time zone requeues for its next time), syncCronJob (the
active list against the Jobs, missing Jobs, suspend, unparseable schedules, the starting
deadline, an already processed time, Forbid, Replace, creating the Job and recording it as
active with lastScheduleTime), cleanupFinishedJobs, removeOldestJobs, deleteJob (Background
propagation); injection.go's realJobControl.
Simplifies: Events (SawCompletedJob, MissSchedule, TooManyMissedTimes, UnexpectedJob, ...)
are not recorded; an unparseable schedule or unknown time zone just stops the CronJob, as
Go's does after its event. The re-reads from the API server Go makes to avoid a stale
informer read the same cluster value. The retry after an error uses the work queue's
default rate limiter.
Covered by: tests/test_cronjob_controller.py,
properties/invariants.py (forbid_cronjobs_never_run_two_jobs).
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import freeze

from kubefold.core.batch import CronJob, Job
from kubefold.core.cluster import Change, Cluster
from kubefold.core.cron import CronError, load_location
from kubefold.core.errors import Status
from kubefold.core.meta import get_controller_of, is_controlled_by
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.cronjob.utils import (
    by_job_start_time,
    delete_from_active_list,
    get_job_from_template2,
    get_job_name,
    in_active_list,
    in_active_list_by_name,
    next_schedule_time,
    next_schedule_time_duration,
    parse_schedule,
)
from kubefold.reducers.controllers.job.util import finished_condition, is_job_succeeded
from kubefold.reducers.controlplane import Controller

NAME = "cronjob"
KIND = "CronJob"


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


# -- informer handlers -----------------------------------------------------------------------


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any) -> CronJob | None:
    """resolveControllerRef."""
    if ref.kind != KIND:
        return None
    cj = cluster.get(KIND, namespace, ref.name or "")
    if cj is None or cj.metadata.uid != ref.uid:
        return None
    return cj  # type: ignore[no-any-return]


def watch(cluster: Cluster, change: Change) -> list[str | tuple[str, int]]:
    """addJob, updateJob, deleteJob; the CronJob's add, updateCronJob and delete."""
    if change.kind == KIND:
        if change.old is not None and change.new is not None:
            return update_cron_job(cluster, change.old, change.new)
        return [f"{change.namespace}/{change.name}"]
    if change.kind != "Job":
        return []
    keys: list[str | tuple[str, int]] = []
    if change.old is not None and change.new is not None:
        if change.old.metadata.resource_version == change.new.metadata.resource_version:
            return []
        old_ref, cur_ref = get_controller_of(change.old), get_controller_of(change.new)
        if old_ref is not None and old_ref != cur_ref:
            cj = resolve_controller_ref(cluster, change.namespace, old_ref)
            if cj is not None:
                keys.append(_key(cj))
    job = change.new if change.new is not None else change.old
    ref = get_controller_of(job)
    if ref is not None:
        cj = resolve_controller_ref(cluster, change.namespace, ref)
        if cj is not None:
            keys.append(_key(cj))
    return keys


def update_cron_job(cluster: Cluster, old: CronJob, cur: CronJob
                    ) -> list[str | tuple[str, int]]:
    """updateCronJob: a changed schedule or time zone requeues for its next time (nothing
    while it does not parse); any other change requeues now."""
    if old.spec.schedule != cur.spec.schedule or old.spec.time_zone != cur.spec.time_zone:
        try:
            schedule = parse_schedule(cur)
        except CronError:
            return []
        return [(_key(cur), next_schedule_time_duration(cur, cluster.now, schedule))]
    return [_key(cur)]


# -- sync ------------------------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """ControllerV2.sync for `namespace/name`, with processNextWorkItem's requeue."""
    namespace, _, name = key.partition("/")
    cj: CronJob | None = cluster.get(KIND, namespace, name)
    if cj is None:
        return cluster.forget(NAME, key)
    jobs = get_jobs_to_be_reconciled(cluster, cj)
    cluster, cj, cleaned = cleanup_finished_jobs(cluster, cj, jobs)
    cluster, cj, requeue, synced, err = sync_cron_job(cluster, cj, jobs)
    if cleaned or synced:
        stored = cluster.get(KIND, namespace, name)
        if stored is not None:
            result = apiserver.update_status(cluster, attrs.evolve(
                cj, metadata=attrs.evolve(cj.metadata,
                                          resource_version=stored.metadata.resource_version)))
            if isinstance(result, Status):
                return cluster.enqueue_rate_limited(NAME, key)
            cluster = result.cluster
    if requeue is not None:
        return cluster.forget(NAME, key).enqueue_after(NAME, key, requeue)
    if err is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    return cluster.forget(NAME, key)


def get_jobs_to_be_reconciled(cluster: Cluster, cj: CronJob) -> list[Job]:
    """getJobsToBeReconciled: the Jobs the CronJob controls."""
    return [j for j in cluster.owned_by(cj.metadata.uid or "", "Job")
            if j is not None and (ref := get_controller_of(j)) is not None
            and ref.name == cj.metadata.name]


def _with_status(cj: CronJob, **changes: Any) -> CronJob:
    return attrs.evolve(cj, status=attrs.evolve(cj.status, **changes))


def sync_cron_job(cluster: Cluster, cj: CronJob, jobs: list[Job]
                  ) -> tuple[Cluster, CronJob, int | None, bool, str | None]:
    """syncCronJob: (cluster, cronjob, requeue after, status changed, error)."""
    now = cluster.now
    update = False
    children = {j.metadata.uid for j in jobs}
    for j in jobs:
        found = in_active_list(cj, j.metadata.uid)
        finished, _ = finished_condition(j)
        if not found and not finished:
            continue  # UnexpectedJob: seen, not adopted into the active list
        if found and finished:
            cj = _with_status(cj, active=delete_from_active_list(cj.status.active,
                                                                 j.metadata.uid))
            update = True
        elif is_job_succeeded(j) and j.status.completion_time is not None:
            last = cj.status.last_successful_time
            if last is None or j.status.completion_time > last:
                cj = _with_status(cj, last_successful_time=j.status.completion_time)
                update = True
    for ref in cj.status.active:
        if ref.get("uid") in children:
            continue
        if cluster.get("Job", ref.get("namespace"), ref.get("name")) is None:  # MissingJob
            cj = _with_status(cj, active=delete_from_active_list(cj.status.active,
                                                                 ref.get("uid")))
            update = True
    if cj.metadata.deletion_timestamp is not None:
        return cluster, cj, None, update, None
    if cj.spec.time_zone is not None:
        try:
            load_location(cj.spec.time_zone)
        except CronError:
            return cluster, cj, None, update, None  # UnknownTimeZone
    if cj.spec.suspend:
        return cluster, cj, None, update, None
    try:
        schedule = parse_schedule(cj)
    except CronError:
        return cluster, cj, None, update, None  # UnparseableSchedule
    scheduled, _, err = next_schedule_time(cj, now, schedule)
    if err is not None:
        return cluster, cj, None, update, None  # InvalidSchedule
    if scheduled is None:
        return cluster, cj, next_schedule_time_duration(cj, now, schedule), update, None
    deadline = cj.spec.starting_deadline_seconds
    if deadline is not None and scheduled + deadline < now:  # MissSchedule
        return cluster, cj, next_schedule_time_duration(cj, now, schedule), update, None
    if in_active_list_by_name(cj, cj.metadata.namespace, get_job_name(cj, scheduled)) \
            or cj.status.last_schedule_time == scheduled:
        return cluster, cj, next_schedule_time_duration(cj, now, schedule), update, None
    if cj.spec.concurrency_policy == "Forbid" and cj.status.active:  # JobAlreadyActive
        return cluster, cj, next_schedule_time_duration(cj, now, schedule), update, None
    if cj.spec.concurrency_policy == "Replace":
        for ref in list(cj.status.active):
            job = cluster.get("Job", ref.get("namespace"), ref.get("name"))
            if job is None:
                return cluster, cj, None, update, f'jobs.batch "{ref.get("name")}" not found'
            cluster, cj, deleted = delete_job(cluster, cj, job)
            if not deleted:
                return cluster, cj, None, update, \
                    f"could not replace job {job.metadata.namespace}/{job.metadata.name}"
            update = True
    return _create_job(cluster, cj, scheduled, schedule, update)


def _create_job(cluster: Cluster, cj: CronJob, scheduled: int, schedule: Any, update: bool
                ) -> tuple[Cluster, CronJob, int | None, bool, str | None]:
    """syncCronJob's creation: the Job, or the one already there when we made it."""
    request = get_job_from_template2(cj, scheduled)
    result = apiserver.create(cluster, request)
    if isinstance(result, Status):
        if result.reason == "Forbidden" and "because it is being terminated" in result.message:
            return cluster, cj, None, update, result.message
        if result.reason != "AlreadyExists":
            return cluster, cj, None, update, result.message  # FailedCreate
        job = cluster.get("Job", request.metadata.namespace, request.metadata.name)
        if job is None or not is_controlled_by(job, cj) or in_active_list(cj, job.metadata.uid):
            return cluster, cj, None, update, None
    else:
        cluster, job = result.cluster, result.object
    ref = freeze({"apiVersion": "batch/v1", "kind": "Job", "name": job.metadata.name,
                  "namespace": job.metadata.namespace,
                  "resourceVersion": job.metadata.resource_version, "uid": job.metadata.uid})
    cj = _with_status(cj, active=cj.status.active.append(ref), last_schedule_time=scheduled)
    return cluster, cj, next_schedule_time_duration(cj, cluster.now, schedule), True, None


def cleanup_finished_jobs(cluster: Cluster, cj: CronJob, jobs: list[Job]
                          ) -> tuple[Cluster, CronJob, bool]:
    """cleanupFinishedJobs: the oldest finished Jobs beyond each history limit are deleted."""
    if cj.spec.failed_jobs_history_limit is None and cj.spec.successful_jobs_history_limit is None:
        return cluster, cj, False
    succeeded, failed = [], []
    for job in jobs:
        finished, ctype = finished_condition(job)
        if finished and ctype == "Complete":
            succeeded.append(job)
        elif finished and ctype == "Failed":
            failed.append(job)
    update = False
    for limit, group in ((cj.spec.successful_jobs_history_limit, succeeded),
                         (cj.spec.failed_jobs_history_limit, failed)):
        if limit is None:
            continue
        cluster, cj, removed = remove_oldest_jobs(cluster, cj, group, limit)
        update = update or removed
    return cluster, cj, update


def remove_oldest_jobs(cluster: Cluster, cj: CronJob, jobs: list[Job], max_jobs: int
                       ) -> tuple[Cluster, CronJob, bool]:
    """removeOldestJobs: by start time, the oldest beyond `max_jobs`."""
    to_delete = len(jobs) - max_jobs
    if to_delete <= 0:
        return cluster, cj, False
    update = False
    for job in by_job_start_time(jobs)[:to_delete]:
        cluster, cj, deleted = delete_job(cluster, cj, job)
        update = update or deleted
    return cluster, cj, update


def delete_job(cluster: Cluster, cj: CronJob, job: Job) -> tuple[Cluster, CronJob, bool]:
    """deleteJob: DELETE with Background propagation, then out of the active list."""
    result = apiserver.delete(cluster, "Job", job.metadata.namespace, job.metadata.name,
                              "Background")
    if isinstance(result, Status):
        return cluster, cj, False
    cj = _with_status(cj, active=delete_from_active_list(cj.status.active, job.metadata.uid))
    return result.cluster, cj, True


CONTROLLER = Controller(NAME, sync, watch, frozenset({KIND, "Job"}))
