"""Jobs, CronJobs and the TTL-after-finished controller end to end in auto mode: the examples
(pod-failure backoff of 10, 20 and 40 s; a Forbid CronJob for a logical day), a finished Job
deleted with its pods after its TTL, restartPolicy OnFailure restarting in place until the
backoff limit, Indexed pods, suspend and resume, activeDeadlineSeconds, and podFailurePolicy
(FailJob on an exit code, Ignore on DisruptionTarget after an eviction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubefold
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Evict, PodEvent, Tick
from kubefold.properties import check
from kubefold.reducers import manager
from tests.helpers import apply, node, restore

EXAMPLES = Path(__file__).parent.parent / "examples"
NOW = "2024-06-01T00:00:00Z"


def job(name: str = "work", restart: str = "Never", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"template": {"spec": {"restartPolicy": restart, "containers": [
                {"name": "c", "image": "busybox:1.36"}]}}, **spec}}


def start(*manifests: dict[str, Any]) -> Any:
    return apply(restore(node("n1"), now=NOW), *manifests, mode="auto")


def step(cluster: Any, *events: Any) -> Any:
    for e in events:
        outcome = manager.apply_event(cluster, e)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def pods(cluster: Any, ns: str = "default") -> list[Any]:
    return sorted(cluster.list("Pod", ns), key=lambda p: (p.metadata.creation_timestamp,
                                                           p.metadata.name))


def running(cluster: Any) -> list[Any]:
    return [p for p in pods(cluster) if p.status.phase == "Running"
            and p.metadata.deletion_timestamp is None]


def exit_all(cluster: Any, code: int) -> Any:
    for p in running(cluster):
        cluster = step(cluster, PodEvent("default", p.metadata.name, None, exit=code))
    return cluster


def conditions(cluster: Any, name: str = "work") -> list[tuple[str, str, str | None]]:
    j = cluster.get("Job", "default", name)
    return [(c.type, c.status, c.reason) for c in j.status.conditions]


def test_job_backoff_example():
    """examples/job-backoff.yaml: replacement pods 10, 20 and 40 s after each failure (counted
    from the previous pod's finish), then BackoffLimitExceeded; pi completes."""
    events = kubefold.load_events(EXAMPLES / "job-backoff.yaml")
    cluster = manager.replay(manager.empty_cluster(), events)
    flaky = sorted(cluster.list("Pod", "failing"), key=lambda p: p.metadata.creation_timestamp)
    born = [p.metadata.creation_timestamp - cluster.clock_start for p in flaky]
    assert born == [0, 10, 31, 72]
    job = cluster.get("Job", "failing", "flaky")
    assert [(c.type, c.reason) for c in job.status.conditions] == [
        ("FailureTarget", "BackoffLimitExceeded"), ("Failed", "BackoffLimitExceeded")]
    assert (job.status.failed, job.status.active or 0, job.status.terminating) == (4, 0, 0)
    assert job.status.conditions[1].message == "Job has reached the specified backoff limit"
    pi = cluster.get("Job", "default", "pi")
    assert (pi.status.succeeded, [c.type for c in pi.status.conditions]) == \
        (3, ["SuccessCriteriaMet", "Complete"])


def test_cronjob_forbid_day_example():
    """examples/cronjob-forbid-day.yaml: 24 Jobs at half past each hour, never two running
    (the checker's invariants hold at every state), one failed Job kept."""
    events = kubefold.load_events(EXAMPLES / "cronjob-forbid-day.yaml")
    checked = check.check_replay(manager.empty_cluster(), events)
    assert checked.findings == ()
    created = sorted({ch.name: ch.new.metadata.creation_timestamp
                      for o in checked.outcomes for t in o.turns for ch in t.changes
                      if ch.kind == "Job" and ch.old is None}.values())
    start_time = checked.cluster.clock_start
    assert [(t - start_time) for t in created] == [1800 + 3600 * h for h in range(24)]
    cluster = checked.cluster
    jobs = sorted(cluster.list("Job"), key=lambda j: j.metadata.name)
    assert [j.metadata.name for j in jobs] == [f"report-{(start_time + 1800 + 3600 * h) // 60}"
                                               for h in (22, 23)]
    cj = cluster.get("CronJob", "default", "report")
    assert [ref["name"] for ref in cj.status.active] == [jobs[1].metadata.name]
    assert jobs[1].metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == \
        "2024-01-01T23:30:00Z"


def test_ttl_after_finished_deletes_the_job_and_its_pods():
    cluster = start(job(ttlSecondsAfterFinished=100))
    cluster = step(exit_all(cluster, 0), Tick(1))
    assert conditions(cluster)[-1] == ("Complete", "True", "CompletionsReached")
    finished = cluster.get("Job", "default", "work").status.conditions[-1].last_transition_time
    cluster = step(cluster, Tick(finished + 99 - cluster.now))
    assert cluster.get("Job", "default", "work") is not None
    cluster = step(cluster, Tick(1))
    assert cluster.get("Job", "default", "work") is None
    assert pods(cluster) == []


def test_on_failure_restarts_in_place_until_the_backoff_limit():
    """restartPolicy OnFailure: the kubelet restarts the container (restartCount, CrashLoop
    BackOff); the restarts count against backoffLimit (pastBackoffLimitOnFailure)."""
    cluster = start(job(restart="OnFailure", backoffLimit=2))
    [pod] = running(cluster)
    cluster = exit_all(cluster, 1)
    pod = cluster.get("Pod", "default", pod.metadata.name)
    assert (pod.status.phase, pod.status.container_statuses[0].restart_count) == ("Running", 1)
    cluster = step(cluster, Tick(1))
    assert conditions(cluster) == []
    cluster = exit_all(cluster, 1)
    waiting = cluster.get("Pod", "default", pod.metadata.name).status.container_statuses[0]
    assert waiting.state["waiting"]["reason"] == "CrashLoopBackOff"
    cluster = step(cluster, Tick(10))  # the restart after 10 s of CrashLoopBackOff
    assert cluster.get("Pod", "default", pod.metadata.name).status.container_statuses[0] \
        .restart_count == 2
    cluster = step(cluster, Tick(1))  # the Job's batched sync
    assert conditions(cluster) == [("FailureTarget", "True", "BackoffLimitExceeded")]
    cluster = step(cluster, Tick(40))
    assert conditions(cluster)[-1] == ("Failed", "True", "BackoffLimitExceeded")
    assert running(cluster) == []


def test_never_and_all_exits_zero_is_succeeded():
    cluster = start(job(completions=2, parallelism=2))
    cluster = exit_all(cluster, 0)
    assert [p.status.phase for p in pods(cluster)] == ["Succeeded", "Succeeded"]
    ready = next(c for c in pods(cluster)[0].status.conditions if c.type == "Ready")
    assert (ready.status, ready.reason) == ("False", "PodCompleted")


def test_indexed_job_runs_each_index_once():
    cluster = start(job("idx", completions=3, parallelism=2, completionMode="Indexed"))
    first = running(cluster)
    assert [p.metadata.annotations["batch.kubernetes.io/job-completion-index"]
            for p in first] == ["0", "1"]
    for p in first:
        ix = p.metadata.labels["batch.kubernetes.io/job-completion-index"]
        assert p.metadata.name.startswith(f"idx-{ix}-") and p.spec.extra["hostname"] == f"idx-{ix}"
        env = p.spec.containers[0].extra["env"][0]
        assert env["name"] == "JOB_COMPLETION_INDEX"
    cluster = step(exit_all(cluster, 0), Tick(1))
    assert [p.metadata.annotations["batch.kubernetes.io/job-completion-index"]
            for p in running(cluster)] == ["2"]
    cluster = step(exit_all(cluster, 0), Tick(1))
    j = cluster.get("Job", "default", "idx")
    assert (j.status.completed_indexes, j.status.succeeded) == ("0-2", 3)
    assert conditions(cluster, "idx")[-1] == ("Complete", "True", "CompletionsReached")


def test_suspend_and_resume():
    cluster = start(job(parallelism=2, completions=4))
    cluster = step(cluster, Tick(5), Apply(decode_object(job(parallelism=2, completions=4,
                                                             suspend=True))))
    assert conditions(cluster) == [("Suspended", "True", "JobSuspended")]
    cluster = step(cluster, Tick(40))
    assert running(cluster) == [] and not cluster.get("Job", "default", "work").status.active
    cluster = step(cluster, Apply(decode_object(job(parallelism=2, completions=4,
                                                    suspend=False))))
    assert conditions(cluster) == [("Suspended", "False", "JobResumed")]
    j = cluster.get("Job", "default", "work")
    assert j.status.start_time == cluster.now and len(running(cluster)) == 2


def test_active_deadline_seconds():
    cluster = start(job(activeDeadlineSeconds=30))
    started = cluster.now
    cluster = step(cluster, Tick(29))
    assert conditions(cluster) == []
    cluster = step(cluster, Tick(1))
    target = cluster.get("Job", "default", "work").status.conditions[0]
    assert (target.type, target.reason, target.message, target.last_transition_time) == \
        ("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline",
         started + 30)
    cluster = step(cluster, Tick(31))
    assert conditions(cluster)[-1] == ("Failed", "True", "DeadlineExceeded")


def test_pod_failure_policy_fail_job_on_an_exit_code():
    policy = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In",
                                                               "values": [42]}}]}
    cluster = start(job(podFailurePolicy=policy, completions=3, parallelism=3))
    [victim, *_] = running(cluster)
    cluster = step(cluster, PodEvent("default", victim.metadata.name, None, exit=42),
                   Tick(1))
    target = cluster.get("Job", "default", "work").status.conditions[0]
    assert (target.type, target.reason, target.message) == (
        "FailureTarget", "PodFailurePolicy",
        f"Container c for pod default/{victim.metadata.name} failed with exit code 42 matching "
        "FailJob rule at index 0")
    cluster = step(cluster, Tick(40))
    assert conditions(cluster)[-1] == ("Failed", "True", "PodFailurePolicy")


def test_pod_failure_policy_ignores_an_eviction():
    """An evicted pod carries DisruptionTarget; the Ignore rule keeps it out of `failed`, and
    (podReplacementPolicy Failed) its replacement waits until it has terminated."""
    policy = {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}
    cluster = start(job(podFailurePolicy=policy, backoffLimit=0))
    [pod] = running(cluster)
    cluster = step(cluster, Evict("default", pod.metadata.name), Tick(2))
    assert len(running(cluster)) == 0
    cluster = step(cluster, Tick(40))
    j = cluster.get("Job", "default", "work")
    assert (j.status.failed, conditions(cluster)) == (None, [])
    assert len(running(cluster)) == 1


def test_a_job_dumps_as_kubernetes_writes_it():
    """The shape of a finished Job as v1.34 stores it: the generated labels on the Job too
    (the status update's defaulting), manualSelector false, podReplacementPolicy, and a status
    with ready 0, terminating 0 and an empty uncountedTerminatedPods."""
    from kubefold.core.codec import encode_object

    cluster = start(job(completions=1))
    cluster = step(exit_all(cluster, 0), Tick(1))
    out = encode_object(cluster.get("Job", "default", "work"))
    uid = out["metadata"]["uid"]
    assert out["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "work",
        "controller-uid": uid, "job-name": "work"}
    assert {k: out["spec"][k] for k in ("backoffLimit", "completionMode", "completions",
                                         "manualSelector", "parallelism",
                                         "podReplacementPolicy", "suspend")} == {
        "backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1,
        "manualSelector": False, "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
        "suspend": False}
    status = out["status"]
    assert {k: status[k] for k in ("ready", "succeeded", "terminating",
                                   "uncountedTerminatedPods")} == {
        "ready": 0, "succeeded": 1, "terminating": 0, "uncountedTerminatedPods": {}}
    assert "active" not in status and "failed" not in status


def test_manual_mode_one_reconcile_is_one_sync():
    """`reconcile: {controller: job}` and `{controller: cronjob}` in manual mode: nothing runs
    until the log says so; one reconcile is one syncJob (pods and status in one turn)."""
    from kubefold.core.events import Reconcile

    cluster = restore(node("n1"), now=NOW)
    cron = {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "tick", "namespace": "default"},
            "spec": {"schedule": "*/10 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}}}}}}
    cluster = apply(cluster, job(parallelism=2, completions=2), cron, mode="manual")
    assert pods(cluster) == [] and ("job", "default/work") in cluster.queue.queued
    cluster = manager.step(cluster, Reconcile("job", "default/work"), mode="manual")
    assert len(pods(cluster)) == 2
    assert cluster.get("Job", "default", "work").status.active == 2
    cluster = manager.step(cluster, Tick(600), mode="manual")
    cluster = manager.step(cluster, Reconcile("cronjob", "default/tick"), mode="manual")
    [made] = [j for j in cluster.list("Job") if j.metadata.name.startswith("tick-")]
    assert made.metadata.name == f"tick-{(cluster.now // 600) * 10}"
