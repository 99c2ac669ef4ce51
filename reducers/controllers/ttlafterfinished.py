"""The TTL-after-finished controller: deletes a finished Job `ttlSecondsAfterFinished` after it
finished, with Foreground propagation, so the garbage collector deletes its pods first.

One `sync(cluster, "ns/name")` is one call of processJob: a Job not finished, without a TTL
or already being deleted is left alone; one whose TTL has not expired is requeued for the
moment it does (that is how `tick` wakes it); an expired one is deleted.

Models (v1.34): pkg/controller/ttlafterfinished/ttlafterfinished_controller.go (addJob,
updateJob, processJob with its fresh re-read, processTTL, needsCleanup,
getFinishAndExpireTime, timeLeft, jobFinishTime: the Complete or Failed condition's
lastTransitionTime).
Simplifies: the re-read and the uid precondition read the same cluster value; no events or
metrics.
Covered by: tests/test_job_e2e.py (test_ttl_after_finished_deletes_the_job_and_its_pods).
"""

from __future__ import annotations

from kubefold.core.batch import Job
from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.job.util import is_job_finished
from kubefold.reducers.controlplane import Controller

NAME = "ttl-after-finished"


def needs_cleanup(job: Job) -> bool:
    """needsCleanup: a TTL and a finished Job."""
    return job.spec.ttl_seconds_after_finished is not None and is_job_finished(job)


def job_finish_time(job: Job) -> int | None:
    """jobFinishTime: when the Complete or Failed condition turned True."""
    for c in job.status.conditions:
        if c.type in ("Complete", "Failed") and c.status == "True":
            return c.last_transition_time
    return None


def time_left(job: Job, now: int) -> int | None:
    """timeLeft: seconds until the TTL expires (negative once past), or None without a finish
    time."""
    finished = job_finish_time(job)
    if finished is None or job.spec.ttl_seconds_after_finished is None:
        return None
    return finished + job.spec.ttl_seconds_after_finished - now


def watch(cluster: Cluster, change: Change) -> list[str]:
    """addJob and updateJob: a Job not being deleted that needs cleaning up."""
    job = change.new
    if job is None or job.metadata.deletion_timestamp is not None or not needs_cleanup(job):
        return []
    return [f"{change.namespace}/{change.name}"]


def sync(cluster: Cluster, key: str) -> Cluster:
    """processJob."""
    namespace, _, name = key.partition("/")
    job: Job | None = cluster.get("Job", namespace, name)
    if job is None or job.metadata.deletion_timestamp is not None or not needs_cleanup(job):
        return cluster.forget(NAME, key)
    left = time_left(job, cluster.now)
    if left is None:
        return cluster.enqueue_rate_limited(NAME, key)  # "unable to find the time ..."
    if left > 0:
        return cluster.forget(NAME, key).enqueue_after(NAME, key, left)
    result = apiserver.delete(cluster, "Job", namespace, name, "Foreground")
    if isinstance(result, Status):
        if result.reason == "NotFound":
            return cluster.forget(NAME, key)
        return cluster.enqueue_rate_limited(NAME, key)
    return result.cluster.forget(NAME, key)


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Job"}))
