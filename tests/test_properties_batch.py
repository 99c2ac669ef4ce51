"""The batch invariants and convergence: hand-built states that break
`jobs_never_run_more_pods_than_parallelism` and `forbid_cronjobs_never_run_two_jobs` (each
message exact), the planted "job-ignores-parallelism" bug caught by the checker and found and
shrunk by the explorer (which finds nothing with the real controller, faults included), and
convergence of Jobs once events stop."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Tick
from kubefold.properties import check, explorer
from kubefold.properties.convergence import converge, workloads_match_spec
from kubefold.reducers import manager
from kubefold.strategies.objects import cron_jobs, jobs
from tests.helpers import apply, node, restore
from tests.job_helpers import NOW, job_cluster, new_job, set_pods_statuses
from tests.planted import planted


def cron_job(policy: str) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "cj", "namespace": "default", "uid": "cj-uid"},
            "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": policy,
                     "jobTemplate": {"spec": {"template": {"spec": {
                         "restartPolicy": "Never", "containers": [{"name": "c",
                                                                   "image": "x"}]}}}}}}


def job_manifest(name: str = "work", parallelism: int = 2, completions: int | None = 5
                 ) -> dict[str, Any]:
    spec: dict[str, Any] = {"parallelism": parallelism, "template": {"spec": {
        "restartPolicy": "Never",
        "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "100m"}}}]}}}
    if completions is not None:
        spec["completions"] = completions
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def test_the_checker_catches_the_planted_bug():
    events = [Apply(decode_object(node("n1"))), Apply(decode_object(job_manifest()))]
    start = restore(now=NOW)
    clean = check.check_replay(start, events)
    assert clean.findings == ()
    found = check.check_replay(start, events, plane=planted("job-ignores-parallelism"))
    assert [f.violation.invariant for f in found.findings] == \
        ["jobs_never_run_more_pods_than_parallelism"]
    assert "has 5 active pods" in found.findings[0].violation.message


SCOPE = [node("node-1"), node("node-2"), job_manifest("work", 2, 5),
         job_manifest("queue", 1, None)]


def test_explorer_finds_the_planted_job_bug_and_shrinks_it():
    result = explorer.explore(SCOPE, budget=20, seed=0, max_actions=4,
                              plane=planted("job-ignores-parallelism"))
    assert result.counterexample is not None
    invariants = {f.violation.invariant for f in result.counterexample.findings}
    assert invariants == {"jobs_never_run_more_pods_than_parallelism"}
    assert len(result.counterexample.events) <= 1


def test_explorer_finds_nothing_in_jobs_with_faults():
    """Jobs under node loss and return, crashes, finishing pods, parallelism changes and
    suspension: every invariant holds and the Jobs converge once the faults end."""
    result = explorer.explore(SCOPE, budget=15, seed=1, max_actions=6, faults=True)
    assert result.counterexample is None, [str(f) for f in result.counterexample.findings]


def test_a_job_settles_and_matches_its_spec():
    cluster = apply(restore(node("n1"), now=NOW), job_manifest("work", 2, 5), mode="auto")
    result = converge(cluster)
    assert result.ok, result.problems
    job = result.cluster.get("Job", "default", "work")
    assert (job.status.active, job.status.ready) == (2, 2)
    assert list(workloads_match_spec(result.cluster)) == []


def test_convergence_reports_a_job_short_of_pods():
    cluster = job_cluster(new_job(3, 5), set_pods_statuses(active=1))
    problems = [v.message for v in workloads_match_spec(cluster)]
    assert "job default/foobar wants 3 active pods, has 1" in problems
    assert "job default/foobar reports 0 active and 0 terminating pods, has 1 and 0" in problems


def test_a_cronjob_alone_settles_between_its_runs():
    """Convergence stops once only the CronJob's next schedule is left to wait for."""
    cluster = apply(restore(node("n1"), now=NOW), cron_job("Forbid"), mode="auto")
    cluster = manager.step(cluster, Tick(600))
    result = converge(cluster)
    assert result.settled and result.ok, result.problems


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(job=jobs(), cron=cron_jobs())
def test_generated_batch_workloads_run_within_the_invariants(job, cron):
    """Generated Jobs and CronJobs pass validation, and an hour of their life keeps every
    invariant (a Job within parallelism, a Forbid CronJob one Job at a time)."""
    events = [Apply(decode_object(node("n1"))), Apply(decode_object(job)),
              Apply(decode_object(cron)), Tick(3600)]
    checked = check.check_replay(restore(now=NOW), events)
    assert [o.rejected for o in checked.outcomes] == [None] * 4
    assert checked.findings == ()


def test_convergence_skips_the_failed_indexes_of_an_indexed_job():
    """Found by the explorer: an Indexed Job with a failed index (backoffLimitPerIndex) runs
    pods only for the indexes left, so 3 of 4 is what it wants."""
    job = new_job(4, 4, completion_mode="Indexed", backoffLimitPerIndex=1,
                  status={"failedIndexes": "2", "active": 3, "terminating": 0})
    pods = set_pods_statuses(active=3)
    assert list(workloads_match_spec(job_cluster(job, pods))) == []
