"""Builders for the Job controller's tests, named as job_controller_test.go names its own:
`new_job`, `set_pods_statuses` (pods of each phase owned by the Job, with the tracking
finalizer), `set_pods_statuses_with_indexes`."""

from __future__ import annotations

from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.schema import format_time
from tests.helpers import restore

NOW = "2024-06-01T00:00:00Z"
FINISHED_AT = "2024-01-01T00:00:01Z"  # long before NOW: no backoff left (Go's testFinishedAt)
JOB_UID = "job-uid"
FINALIZER = "batch.kubernetes.io/job-tracking"


def new_job(parallelism: int | None = 2, completions: int | None = 5, backoff_limit: int = 6,
            completion_mode: str = "NonIndexed", name: str = "foobar", **spec: Any
            ) -> dict[str, Any]:
    """newJobWithName: selector foo=bar, one container; None leaves a count unset."""
    body: dict[str, Any] = {
        "selector": {"matchLabels": {"foo": "bar"}},
        "template": {"metadata": {"labels": {"foo": "bar"}},
                     "spec": {"restartPolicy": "Never",
                              "containers": [{"name": "c", "image": "foo/bar"}]}},
        "backoffLimit": backoff_limit, "completionMode": completion_mode,
        "manualSelector": True, **spec}
    if completions is not None:
        body["completions"] = completions
    if parallelism is not None:
        body["parallelism"] = parallelism
    status = body.pop("status", {})
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": JOB_UID,
                            "creationTimestamp": "2024-01-01T00:00:00Z"}
    if body.pop("deleting", False):
        meta["deletionTimestamp"] = NOW
        meta["finalizers"] = ["foregroundDeletion"]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": body,
            "status": status}


def new_pod(name: str, phase: str, index: str | None = None, ready: bool = False,
            terminating: bool = False, job: str = "foobar") -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name, "namespace": "default", "uid": name, "labels": {"foo": "bar"},
        "creationTimestamp": "2024-01-01T00:00:00Z", "finalizers": [FINALIZER],
        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": job,
                             "uid": JOB_UID, "controller": True,
                             "blockOwnerDeletion": True}]}
    if index is not None:
        meta["annotations"] = {"batch.kubernetes.io/job-completion-index": index}
    if terminating:
        meta["deletionTimestamp"] = NOW
        meta["deletionGracePeriodSeconds"] = 0
    status: dict[str, Any] = {"phase": phase}
    if phase in ("Succeeded", "Failed"):
        status["containerStatuses"] = [{"name": "c", "state": {"terminated": {
            "exitCode": 0 if phase == "Succeeded" else 1, "finishedAt": FINISHED_AT}}}]
    if ready:
        status["conditions"] = [{"type": "Ready", "status": "True",
                                 "lastTransitionTime": FINISHED_AT}]
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "foo/bar"}],
                            "restartPolicy": "Never"}
    if index is not None:
        spec["hostname"] = f"foobar-{index}"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
            "status": status}


def set_pods_statuses(pending: int = 0, active: int = 0, succeeded: int = 0, failed: int = 0,
                      terminating: int = 0, ready: int = 0) -> list[dict[str, Any]]:
    """setPodsStatuses."""
    pods = []
    n = 0
    for phase, count in (("Pending", pending), ("Running", active), ("Succeeded", succeeded),
                         ("Failed", failed)):
        for i in range(count):
            pods.append(new_pod(f"pod-{n:03d}", phase,
                                ready=phase == "Running" and i < ready))
            n += 1
    for _ in range(terminating):
        pods.append(new_pod(f"pod-{n:03d}", "Running", terminating=True))
        n += 1
    return pods


def set_pods_statuses_with_indexes(indexes: list[tuple[str, str]], start: int = 100
                                   ) -> list[dict[str, Any]]:
    """setPodsStatusesWithIndexes: (index, phase) pairs; "" is no index."""
    return [new_pod(f"pod-{start + i:03d}", phase, index=ix or None)
            for i, (ix, phase) in enumerate(indexes)]


def job_cluster(job: dict[str, Any], pods: list[dict[str, Any]]) -> Cluster:
    return restore(job, *pods, now=NOW)


def iso(seconds: int) -> str:
    return format_time(seconds)
