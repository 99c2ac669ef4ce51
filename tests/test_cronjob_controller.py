"""The CronJob controller, one sync at a time: cases of cronjob_controllerv2_test.go's
TestControllerV2SyncCronJob (never ran / ran before / still active; not time, is time, past
deadline, long overdue; Allow, Forbid, Replace; suspended), the history limits
(TestCleanupFinishedJobs), missing and finished active Jobs, and the requeue for the next
schedule. Each runs `reconcile: {controller: cronjob}` once on a restored state."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.schema import format_time, parse_time
from tests.helpers import reconcile, restore

T1 = parse_time("2016-05-19T10:00:00Z")  # topOfTheHour; the schedule is hourly
CJ_UID = "cj-uid"
KEY = "default/mycronjob"


def cron_job(policy: str = "Allow", suspend: bool = False, deadline: int | None = None,
             last: int | None = None, active: list[str] = (), **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schedule": "0 * * * *", "concurrencyPolicy": policy, "suspend": suspend,
        "jobTemplate": {"metadata": {"labels": {"a": "b"}},
                        "spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                                                       "containers": [{"name": "c",
                                                                       "image": "x"}]}}}},
        **spec}
    if deadline is not None:
        body["startingDeadlineSeconds"] = deadline
    status: dict[str, Any] = {}
    if last is not None:
        status["lastScheduleTime"] = format_time(last)
    if active:
        status["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": n,
                             "namespace": "default", "uid": f"uid-{n}"} for n in active]
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "mycronjob", "namespace": "default", "uid": CJ_UID,
                         "creationTimestamp": format_time(T1 - 600)},
            "spec": body, "status": status}


def job(name: str, finished: str | None = None, start: int | None = None,
        completion: int | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if start is not None:
        status["startTime"] = format_time(start)
    if finished is not None:
        at = format_time(completion or T1)
        status["conditions"] = [{"type": finished, "status": "True", "lastTransitionTime": at}]
        if finished == "Complete":
            status["completionTime"] = at
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}",
                         "creationTimestamp": format_time(T1 - 3600),
                         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob",
                                              "name": "mycronjob", "uid": CJ_UID,
                                              "controller": True}]},
            "spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                                           "containers": [{"name": "c", "image": "x"}]}}},
            "status": status}


def job_name(t: int) -> str:
    return f"mycronjob-{t // 60}"


PREV = job_name(T1 - 3600)
NOT_TIME, IS_TIME, WEEK_LATE = T1 - 60, T1 + 60, T1 + 7 * 86400 + 60

# name: (cronjob, jobs, now, created job names, deleted job names, active names, requeue)
CASES = {
    "never ran, not time, A": (cron_job(), [], NOT_TIME, [], [], [], 60),
    "never ran, not time, F": (cron_job("Forbid"), [], NOT_TIME, [], [], [], 60),
    "never ran, not time, R": (cron_job("Replace"), [], NOT_TIME, [], [], [], 60),
    "never ran, is time, A": (cron_job(), [], IS_TIME, [job_name(T1)], [], [job_name(T1)],
                              3540),
    "never ran, is time, F": (cron_job("Forbid"), [], IS_TIME, [job_name(T1)], [],
                              [job_name(T1)], 3540),
    "never ran, is time, R": (cron_job("Replace"), [], IS_TIME, [job_name(T1)], [],
                              [job_name(T1)], 3540),
    "never ran, is time, suspended": (cron_job(suspend=True), [], IS_TIME, [], [], [], None),
    "never ran, is time, past deadline": (cron_job(deadline=30), [], IS_TIME, [], [], [], 3540),
    "never ran, is time, not past deadline": (cron_job(deadline=300), [], IS_TIME,
                                              [job_name(T1)], [], [job_name(T1)], 3540),
    "prev ran but done, not time, A": (cron_job(last=T1 - 3600), [job(PREV, "Complete")],
                                       NOT_TIME, [], [], [], 60),
    "prev ran but done, is time, A": (cron_job(last=T1 - 3600), [job(PREV, "Complete")],
                                      IS_TIME, [job_name(T1)], [], [job_name(T1)], 3540),
    "prev ran but done, is time, F": (cron_job("Forbid", last=T1 - 3600),
                                      [job(PREV, "Complete")], IS_TIME, [job_name(T1)], [],
                                      [job_name(T1)], 3540),
    "prev ran but done, is time, R": (cron_job("Replace", last=T1 - 3600),
                                      [job(PREV, "Complete")], IS_TIME, [job_name(T1)], [],
                                      [job_name(T1)], 3540),
    "prev ran but done, is time, suspended": (cron_job(suspend=True, last=T1 - 3600),
                                              [job(PREV, "Complete")], IS_TIME, [], [], [],
                                              None),
    "still active, not time, A": (cron_job(last=T1 - 3600, active=[PREV]), [job(PREV)],
                                  NOT_TIME, [], [], [PREV], 60),
    "still active, is time, A": (cron_job(last=T1 - 3600, active=[PREV]), [job(PREV)],
                                 IS_TIME, [job_name(T1)], [], [PREV, job_name(T1)], 3540),
    "still active, is time, F": (cron_job("Forbid", last=T1 - 3600, active=[PREV]), [job(PREV)],
                                 IS_TIME, [], [], [PREV], 3540),
    "still active, is time, R": (cron_job("Replace", last=T1 - 3600, active=[PREV]),
                                 [job(PREV)], IS_TIME, [job_name(T1)], [PREV], [job_name(T1)],
                                 3540),
    "still active, is time, past deadline, A": (cron_job(deadline=30, last=T1 - 3600,
                                                         active=[PREV]),
                                                [job(PREV)], IS_TIME, [], [], [PREV], 3540),
    "prev ran but done, long overdue, not past deadline, A": (
        cron_job(last=T1 - 3600, deadline=86400), [job(PREV, "Complete")], WEEK_LATE,
        [job_name(T1 + 7 * 86400)], [], [job_name(T1 + 7 * 86400)], 3540),
    "prev ran but done, long overdue, past medium deadline, A": (
        cron_job(last=T1 - 3600, deadline=3600), [job(PREV, "Complete")], WEEK_LATE,
        [job_name(T1 + 7 * 86400)], [], [job_name(T1 + 7 * 86400)], 3540),
    "prev ran but done, long overdue, past short deadline, A": (
        cron_job(last=T1 - 3600, deadline=30), [job(PREV, "Complete")], WEEK_LATE,
        [], [], [], 3540),
    "prev ran but done, long overdue, no deadline, A (too many missed starts)": (
        cron_job(last=T1 - 3600), [job(PREV, "Complete")], WEEK_LATE,
        [job_name(T1 + 7 * 86400)], [], [job_name(T1 + 7 * 86400)], 3540),
    "finished job leaves the active list": (cron_job(last=T1 - 3600, active=[PREV]),
                                            [job(PREV, "Failed")], NOT_TIME, [], [], [], 60),
    "missing job leaves the active list": (cron_job(last=T1 - 3600, active=[PREV]), [],
                                           NOT_TIME, [], [], [], 60),
    "unparseable schedule stops the CronJob": (cron_job(schedule="0 * * *"), [], IS_TIME, [], [],
                                               [], None),
}


def _jobs(cluster: Any) -> set[str]:
    return {j.metadata.name for j in cluster.list("Job", "default")}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_controller_v2_sync_cron_job(name):
    """TestControllerV2SyncCronJob: the Jobs created and deleted, the active list, the
    lastScheduleTime of a start, and the requeue for the next schedule."""
    cj, jobs, now, created, deleted, active, requeue = CASES[name]
    before = restore(cj, *jobs, now=format_time(now))
    after = reconcile(before, "cronjob", KEY)
    assert sorted(_jobs(after) - _jobs(before)) == sorted(created)
    assert sorted(_jobs(before) - _jobs(after)) == sorted(deleted)
    status = after.get("CronJob", "default", "mycronjob").status
    assert [ref["name"] for ref in status.active] == active
    if created:
        made = after.get("Job", "default", created[0])
        scheduled = parse_time(f"{created[0]}"[len("mycronjob-"):] and
                               format_time(int(created[0][len("mycronjob-"):]) * 60))
        assert status.last_schedule_time == scheduled
        assert made.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] \
            == format_time(scheduled)
        assert made.metadata.labels["a"] == "b"
        [ref] = made.metadata.owner_references
        assert (ref.kind, ref.uid, ref.controller, ref.block_owner_deletion) == \
            ("CronJob", CJ_UID, True, True)
        [entry] = [r for r in status.active if r["name"] == created[0]]
        assert entry["uid"] == made.metadata.uid and entry["resourceVersion"] == \
            made.metadata.resource_version
    due = after.queue.waiting.get(("cronjob", KEY))
    assert (None if due is None else due - now) == requeue


def test_last_successful_time_follows_a_completed_job():
    """A Job that completed outside the active list sets lastSuccessfulTime to its
    completionTime (the later of two)."""
    jobs = [job(PREV, "Complete", completion=T1 - 1800),
            job("mycronjob-older", "Complete", completion=T1 - 3000)]
    after = reconcile(restore(cron_job(last=T1 - 3600), *jobs, now=format_time(NOT_TIME)),
                      "cronjob", KEY)
    assert after.get("CronJob", "default", "mycronjob").status.last_successful_time == T1 - 1800


@pytest.mark.parametrize("succeeded,failed,limits,kept", [
    (5, 0, (3, 1), 3), (0, 3, (3, 1), 1), (4, 4, (0, 0), 0), (2, 1, (3, 1), 3),
], ids=["succeeded over the limit", "failed over the limit", "limits of zero", "within limits"])
def test_cleanup_finished_jobs(succeeded, failed, limits, kept):
    """TestCleanupFinishedJobs: the oldest finished Jobs (by startTime) beyond each history
    limit are deleted; unfinished ones are kept."""
    jobs = [job(f"s-{i}", "Complete", start=T1 - 3600 * (10 - i)) for i in range(succeeded)]
    jobs += [job(f"f-{i}", "Failed", start=T1 - 3600 * (10 - i)) for i in range(failed)]
    cj = cron_job(successfulJobsHistoryLimit=limits[0], failedJobsHistoryLimit=limits[1],
                  last=T1)
    after = reconcile(restore(cj, *jobs, now=format_time(NOT_TIME + 3600)), "cronjob", KEY)
    left = _jobs(after)
    assert len(left) == kept
    if succeeded > limits[0] > 0:  # the newest are kept
        assert left >= {f"s-{i}" for i in range(succeeded - limits[0], succeeded)}
