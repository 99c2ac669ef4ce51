"""The Job controller, one syncJob at a time: job_controller_test.go's TestControllerSyncJob
cases, with the expectations Kubernetes v1.34 computes (JobPodReplacementPolicy, JobManagedBy,
JobSuccessPolicy and JobBackoffLimitPerIndex on: `terminating` is always counted, the Job gets
FailureTarget or SuccessCriteriaMet before Failed or Complete, and Failed waits for its
terminating pods). A Go case that ran with those gates off is ported with the v1.34 outcome.
Also TestGetRemainingTime / TestJobBackoff-style backoff arithmetic, TestNewBackoffRecord,
getFinishedTime, pod failure policy matching (TestMatchPodFailurePolicy), success policy
(TestMatchSuccessPolicy) and the indexed utilities (TestCalculateSucceededIndexes,
TestIntervalsHaveIndex, TestFirstPendingIndexes, TestPodGenerateNameWithIndex)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubefold.core.codec import decode_object
from kubefold.core.events import Tick
from kubefold.core.schema import parse_time
from kubefold.reducers.apiserver.defaults import default_object
from kubefold.reducers.controllers.job.backoff_utils import (
    BackoffRecord,
    get_finished_time,
    get_remaining_time,
    new_backoff_record,
)
from kubefold.reducers.controllers.job.indexed_job_utils import (
    first_pending_indexes,
    has,
    intervals_string,
    parse_indexes_from_string,
    pod_generate_name_with_index,
    with_ordered_indexes,
)
from kubefold.reducers.controllers.job.pod_failure_policy import match_pod_failure_policy
from kubefold.reducers.controllers.job.success_policy import match_success_policy
from tests.helpers import ENGINE, reconcile
from tests.job_helpers import (
    FINALIZER,
    JOB_UID,
    NOW,
    job_cluster,
    new_job,
    new_pod,
    set_pods_statuses,
    set_pods_statuses_with_indexes,
)

KEY = "default/foobar"
CM = ("SuccessCriteriaMet", "CompletionsReached"), ("Complete", "CompletionsReached")
BACKOFF = ("FailureTarget", "BackoffLimitExceeded")


@attrs.frozen
class Case:
    job: dict[str, Any]
    pods: list[dict[str, Any]]
    creations: int = 0
    deletions: int = 0
    active: int = 0
    ready: int = 0
    succeeded: int = 0
    failed: int = 0
    terminating: int = 0
    patches: int = 0
    conditions: tuple[tuple[str, str], ...] = ()
    completed: str | None = None
    created_indexes: frozenset[str] | None = None


def idx(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return set_pods_statuses_with_indexes(list(pairs))


S, F, R, P = "Succeeded", "Failed", "Running", "Pending"
INDEXED = "Indexed"

SYNC_JOB = {
    "job start": Case(new_job(2, 5), [], creations=2, active=2),
    "WQ job start": Case(new_job(2, None), [], creations=2, active=2),
    "pending pods": Case(new_job(2, 5), set_pods_statuses(pending=2), active=2),
    "correct # of pods": Case(new_job(3, 5), set_pods_statuses(active=3, ready=2), active=3,
                              ready=2),
    "WQ job: correct # of pods": Case(new_job(2, None), set_pods_statuses(active=2), active=2),
    "too few active pods": Case(new_job(2, 5), set_pods_statuses(active=1, succeeded=1),
                                creations=1, active=2, succeeded=1, patches=1),
    "WQ job: recreate pods when failed": Case(
        new_job(1, None, podReplacementPolicy="Failed"),
        set_pods_statuses(active=1, failed=1, terminating=1), active=1, failed=1,
        terminating=1, patches=1),
    "WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy": Case(
        new_job(1, 1), set_pods_statuses(active=1, failed=1, terminating=1), active=1,
        failed=2, terminating=1, patches=2),
    "WQ job: recreate pods when terminating or failed": Case(
        new_job(1, None, podReplacementPolicy="TerminatingOrFailed"),
        set_pods_statuses(active=1, failed=1, terminating=1), active=1, failed=2,
        terminating=1, patches=2),
    "more terminating pods than parallelism": Case(
        new_job(1, 1, podReplacementPolicy="Failed"),
        set_pods_statuses(active=2, terminating=4), active=1, deletions=1, terminating=5,
        patches=1),
    "too many active pods": Case(new_job(2, 5), set_pods_statuses(active=3), deletions=1,
                                 active=2, patches=1, terminating=1),
    "count ready pods when too many active pods": Case(
        new_job(2, 5), set_pods_statuses(active=3, ready=3), deletions=1, active=2, ready=2,
        patches=1, terminating=1),
    "failed + succeed pods: reset backoff delay": Case(
        new_job(2, 5), set_pods_statuses(active=1, succeeded=1, failed=1), creations=1,
        active=2, succeeded=1, failed=1, patches=2),
    "new failed pod": Case(new_job(2, 5), set_pods_statuses(active=1, failed=1), creations=1,
                           active=2, failed=1, patches=1),
    "job finish": Case(new_job(2, 5), set_pods_statuses(succeeded=5), succeeded=5, patches=5,
                       conditions=CM),
    "WQ job finishing": Case(new_job(2, None), set_pods_statuses(active=1, succeeded=1),
                             active=1, succeeded=1, patches=1),
    "WQ job all finished": Case(new_job(2, None), set_pods_statuses(succeeded=2), succeeded=2,
                                patches=2, conditions=CM),
    "WQ job all finished despite one failure": Case(
        new_job(2, None), set_pods_statuses(succeeded=1, failed=1), succeeded=1, failed=1,
        patches=2, conditions=CM),
    "more active pods than parallelism": Case(new_job(2, 5), set_pods_statuses(active=10),
                                              deletions=8, active=2, patches=8, terminating=8),
    "more active pods than remaining completions": Case(
        new_job(3, 4), set_pods_statuses(active=3, succeeded=2), deletions=1, active=2,
        succeeded=2, patches=3, terminating=1),
    "status change": Case(new_job(2, 5), set_pods_statuses(active=2, succeeded=2), active=2,
                          succeeded=2, patches=2),
    "deleting job": Case(new_job(2, 5, deleting=True),
                         set_pods_statuses(pending=1, active=1, succeeded=1), active=2,
                         succeeded=1, patches=3),
    "too many job failures": Case(new_job(2, 5, 0, deleting=True), set_pods_statuses(failed=1),
                                  failed=1, patches=1,
                                  conditions=(BACKOFF, ("Failed", "BackoffLimitExceeded"))),
    "indexed job start": Case(new_job(2, 5, completion_mode=INDEXED), [], creations=2, active=2,
                              created_indexes=frozenset({"0", "1"})),
    "indexed job with some pods deleted, podReplacementPolicy Failed": Case(
        new_job(2, 5, completion_mode=INDEXED, podReplacementPolicy="Failed"),
        set_pods_statuses(terminating=1), creations=1, active=1, terminating=1,
        created_indexes=frozenset({"0"})),
    "indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed": Case(
        new_job(2, 5, completion_mode=INDEXED, podReplacementPolicy="TerminatingOrFailed"),
        set_pods_statuses(terminating=1), creations=2, active=2, terminating=1, patches=1,
        created_indexes=frozenset({"0", "1"})),
    "indexed job completed": Case(
        new_job(2, 3, completion_mode=INDEXED), idx(("0", S), ("1", F), ("1", S), ("2", S)),
        succeeded=3, failed=1, completed="0-2", patches=4, conditions=CM),
    "count terminating pods when indexed job fails and PodReplacementPolicy enabled": Case(
        new_job(2, 3, 0, completion_mode=INDEXED), idx(("0", S), ("1", F), ("2", R)),
        succeeded=1, failed=2, completed="0", patches=3, deletions=1, terminating=1,
        conditions=(BACKOFF,)),
    "count ready pods when job fails": Case(
        new_job(2, 3, 0), set_pods_statuses(active=2, ready=2, failed=1), failed=3, patches=3,
        deletions=2, terminating=2, conditions=(BACKOFF,)),
    "indexed job repeated completed index": Case(
        new_job(2, 3, completion_mode=INDEXED), idx(("0", S), ("1", S), ("1", S)), creations=1,
        active=1, succeeded=2, completed="0,1", patches=3, created_indexes=frozenset({"2"})),
    "indexed job some running and completed pods": Case(
        new_job(8, 20, completion_mode=INDEXED),
        idx(("0", R), ("2", S), ("3", P), ("4", S), ("5", S), ("7", S), ("8", S), ("9", S)),
        creations=6, active=8, succeeded=6, completed="2,4,5,7-9", patches=6,
        created_indexes=frozenset({"1", "6", "10", "11", "12", "13"})),
    "indexed job some failed pods": Case(
        new_job(3, 4, completion_mode=INDEXED), idx(("0", F), ("1", P), ("2", F)), creations=2,
        active=3, failed=2, patches=2, created_indexes=frozenset({"0", "2"})),
    "indexed job some pods without index": Case(
        new_job(2, 5, completion_mode=INDEXED),
        set_pods_statuses(active=1, succeeded=1, failed=1)
        + idx(("invalid", R), ("invalid", S), ("invalid", F), ("invalid", P), ("0", S),
              ("1", R), ("2", R)),
        deletions=3, active=2, succeeded=1, completed="0", patches=8, terminating=3),
    "indexed job repeated indexes": Case(
        new_job(5, 5, completion_mode=INDEXED),
        set_pods_statuses(succeeded=1, failed=1)
        + idx(("invalid", R), ("0", S), ("1", R), ("2", R), ("2", P)),
        deletions=2, active=2, succeeded=1, completed="0", patches=5, terminating=2),
    "indexed job with indexes outside of range": Case(
        new_job(2, 5, completion_mode=INDEXED),
        idx(("0", S), ("5", R), ("6", S), ("7", P), ("8", F)),
        succeeded=1, deletions=2, completed="0", patches=5, terminating=2),
    "suspending a job with satisfied expectations; PodReplacementPolicy enabled": Case(
        new_job(2, 4, suspend=True), set_pods_statuses(active=2), deletions=2, patches=2,
        terminating=2, conditions=(("Suspended", "JobSuspended"),)),
    "count ready pods when suspending a job with satisfied expectations": Case(
        new_job(2, 4, suspend=True), set_pods_statuses(active=2, ready=2), deletions=2,
        patches=2, terminating=2, conditions=(("Suspended", "JobSuspended"),)),
}


def _pods(cluster: Any) -> dict[str, Any]:
    return {p.metadata.name: p for p in cluster.list("Pod", "default")}


@pytest.mark.parametrize("name", list(SYNC_JOB), ids=list(SYNC_JOB))
def test_controller_sync_job(name):
    """TestControllerSyncJob: one syncJob, then what it created, deleted and wrote."""
    case = SYNC_JOB[name]
    before = job_cluster(case.job, case.pods)
    after = reconcile(before, "job", KEY)
    old, new = _pods(before), _pods(after)
    created = [p for n, p in new.items() if n not in old]
    deleted = [n for n, p in old.items() if p.metadata.deletion_timestamp is None
               and (n not in new or new[n].metadata.deletion_timestamp is not None)]
    patched = [n for n, p in old.items() if FINALIZER in p.metadata.finalizers
               and (n not in new or FINALIZER not in new[n].metadata.finalizers)]
    job = after.get("Job", "default", "foobar")
    s = job.status
    assert (len(created), len(deleted), len(patched)) == \
        (case.creations, case.deletions, case.patches)
    assert (s.active or 0, s.ready, s.succeeded or 0, s.failed or 0, s.terminating) == \
        (case.active, case.ready, case.succeeded, case.failed, case.terminating)
    assert tuple((c.type, c.reason) for c in s.conditions) == case.conditions
    assert s.completed_indexes == case.completed
    if case.created_indexes is not None:
        got = {p.metadata.annotations["batch.kubernetes.io/job-completion-index"]
               for p in created}
        assert got == case.created_indexes
        for p in created:
            ix = p.metadata.annotations["batch.kubernetes.io/job-completion-index"]
            assert p.metadata.labels["batch.kubernetes.io/job-completion-index"] == ix
            assert p.spec.extra["hostname"] == f"foobar-{ix}"
            assert p.metadata.name.startswith(f"foobar-{ix}-")
    for p in created:
        assert FINALIZER in p.metadata.finalizers
        assert p.metadata.owner_references[0].uid == JOB_UID


def test_conditions_carry_the_sync_time_and_messages():
    """The interim and final conditions: SuccessCriteriaMet and Complete at the same time,
    reason CompletionsReached, message "Reached expected number of succeeded pods";
    completionTime that time."""
    after = reconcile(job_cluster(new_job(2, 2), set_pods_statuses(succeeded=2)), "job", KEY)
    job = after.get("Job", "default", "foobar")
    now = parse_time(NOW)
    assert [(c.type, c.status, c.reason, c.message, c.last_transition_time, c.last_probe_time)
            for c in job.status.conditions] == [
        (t, "True", "CompletionsReached", "Reached expected number of succeeded pods", now, now)
        for t in ("SuccessCriteriaMet", "Complete")]
    assert job.status.completion_time == now and job.status.start_time == now
    assert job.status.uncounted_terminated_pods is not None


@pytest.mark.parametrize("record,expect_creations", [
    (BackoffRecord(KEY, 1, parse_time(NOW)), 0),
    (BackoffRecord(KEY, 0, parse_time(NOW)), 1),
], ids=["too few active pods and active back-off", "too few active pods and no back-offs"])
def test_sync_job_backoff(record, expect_creations):
    """TestControllerSyncJob's backoff cases: the record in the controller's memory holds pod
    creation back until 10 s after the last failure; the Job is woken then."""
    job = new_job(1, 1, status={"startTime": NOW})
    before = job_cluster(job, []).remember("job", KEY, record)
    after = reconcile(before, "job", KEY)
    assert len(list(after.list("Pod"))) == expect_creations
    assert after.get("Job", "default", "foobar").status.active == expect_creations
    if expect_creations == 0:  # its own status write wakes it at +1 s; it then waits for +10 s
        assert after.queue.waiting[("job", KEY)] == parse_time(NOW) + 1
        later = reconcile(ENGINE.step(after, Tick(1), mode="manual"), "job", KEY)
        assert later.queue.waiting[("job", KEY)] == parse_time(NOW) + 10


# -- backoff_utils -----------------------------------------------------------------------------

T0 = parse_time("2024-01-01T00:00:00Z")


@pytest.mark.parametrize("failures,elapsed,expected", [
    (0, 0, 0), (1, 0, 10), (1, 5, 5), (1, 10, 0), (1, 15, 0), (2, 0, 20), (3, 0, 40),
    (4, 0, 80), (6, 0, 320), (7, 0, 600), (10, 0, 600), (7, 599, 1),
], ids=lambda v: str(v))
def test_get_remaining_time(failures, elapsed, expected):
    """TestGetRemainingTime / TestJobBackoff: 10 s doubling per failure, capped at
    MaxJobPodFailureBackOff (10 min in v1.34), less the time since the last failure."""
    record = BackoffRecord("k", failures, T0)
    assert get_remaining_time(record, T0 + elapsed) == expected


def _finished(name: str, phase: str, at: int) -> Any:
    pod = new_pod(name, phase)
    code = 0 if phase == "Succeeded" else 1
    pod["status"]["containerStatuses"] = [{"name": "c", "state": {"terminated": {
        "exitCode": code, "finishedAt": f"2024-01-01T00:00:{at:02d}Z"}}}]
    return decode_object(pod)


@pytest.mark.parametrize("name,old,succeeded,failed,expected", [
    ("no new pods", BackoffRecord("k", 2, T0 + 1), [], [], BackoffRecord("k", 2, T0 + 1)),
    ("new failures add up", BackoffRecord("k", 1, T0 + 1), [], [2, 3],
     BackoffRecord("k", 3, T0 + 3)),
    ("a success resets", BackoffRecord("k", 3, T0 + 1), [5], [], BackoffRecord("k", 0, None)),
    ("failures after the last success count", BackoffRecord("k", 3, T0 + 1), [4], [2, 6, 8],
     BackoffRecord("k", 2, T0 + 8)),
    ("failures before the last success do not", BackoffRecord("k", 3, T0 + 1), [9], [2, 6],
     BackoffRecord("k", 0, None)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_new_backoff_record(name, old, succeeded, failed, expected):
    """TestNewBackoffRecord."""
    s = [_finished(f"s{i}", "Succeeded", t) for i, t in enumerate(succeeded)]
    f = [_finished(f"f{i}", "Failed", t) for i, t in enumerate(failed)]
    assert new_backoff_record(old, "k", s, f) == expected


def test_get_finished_time_lookups():
    """TestGetFinishedTime: containers, then Ready=False, then deletion less grace, then
    creation."""
    pod = new_pod("p", "Failed")
    assert get_finished_time(decode_object(pod)) == parse_time("2024-01-01T00:00:01Z")
    del pod["status"]["containerStatuses"]
    pod["status"]["conditions"] = [{"type": "Ready", "status": "False",
                                    "lastTransitionTime": "2024-01-01T00:00:07Z"}]
    assert get_finished_time(decode_object(pod)) == parse_time("2024-01-01T00:00:07Z")
    pod["status"]["conditions"] = []
    pod["metadata"].update(deletionTimestamp="2024-01-01T00:01:00Z",
                           deletionGracePeriodSeconds=30)
    assert get_finished_time(decode_object(pod)) == parse_time("2024-01-01T00:00:30Z")
    del pod["metadata"]["deletionTimestamp"]
    assert get_finished_time(decode_object(pod)) == parse_time("2024-01-01T00:00:00Z")


# -- pod_failure_policy ------------------------------------------------------------------------


def _policy(*rules: dict[str, Any]) -> Any:
    """The policy as the API server stores it (a pattern's status defaults to True)."""
    job = default_object(decode_object(new_job(podFailurePolicy={"rules": list(rules)})))
    return job.spec.pod_failure_policy


def _failed_pod(code: int = 42, container: str = "c", conditions: tuple[str, ...] = ()) -> Any:
    pod = new_pod("p", "Failed")
    pod["status"]["containerStatuses"] = [{"name": container, "state": {"terminated": {
        "exitCode": code, "finishedAt": "2024-01-01T00:00:01Z"}}}]
    pod["status"]["conditions"] = [{"type": t, "status": "True"} for t in conditions]
    return decode_object(pod)


FAIL_JOB_42 = {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}
MATCH = [
    ("default handling for pod failure if no policy", None, _failed_pod(), (None, True, None)),
    ("FailJob rule matched for exit codes", _policy(FAIL_JOB_42), _failed_pod(),
     ("Container c for pod default/p failed with exit code 42 matching FailJob rule at index 0",
      True, "FailJob")),
    ("FailJob rule not matched for exit codes", _policy(FAIL_JOB_42), _failed_pod(5),
     (None, True, None)),
    ("Ignore rule matched for exit codes",
     _policy({"action": "Ignore", "onExitCodes": {"operator": "In", "values": [1, 2, 42]}}),
     _failed_pod(), (None, False, "Ignore")),
    ("Count rule matched for exit codes with NotIn",
     _policy({"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [1, 2]}}),
     _failed_pod(), (None, True, "Count")),
    ("NotIn does not match exit code 0",
     _policy({"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [1]}}),
     _failed_pod(0), (None, True, None)),
    ("rule for another container does not match",
     _policy({"action": "FailJob", "onExitCodes": {"containerName": "other", "operator": "In",
                                                   "values": [42]}}),
     _failed_pod(), (None, True, None)),
    ("first matching rule wins",
     _policy({"action": "Ignore", "onExitCodes": {"operator": "In", "values": [42]}},
             FAIL_JOB_42), _failed_pod(), (None, False, "Ignore")),
    ("Ignore rule matched for pod conditions",
     _policy({"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}),
     _failed_pod(conditions=("DisruptionTarget",)), (None, False, "Ignore")),
    ("FailJob rule matched for pod conditions",
     _policy({"action": "FailJob", "onPodConditions": [{"type": "DisruptionTarget"}]}),
     _failed_pod(conditions=("DisruptionTarget",)),
     ("Pod default/p has condition DisruptionTarget matching FailJob rule at index 0", True,
      "FailJob")),
    ("FailIndex rule matched for exit codes",
     _policy({"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [42]}}),
     _failed_pod(), (None, True, "FailIndex")),
]


@pytest.mark.parametrize("name,policy,pod,expected", MATCH, ids=[m[0] for m in MATCH])
def test_match_pod_failure_policy(name, policy, pod, expected):
    """TestMatchPodFailurePolicy (pod_failure_policy_test.go)."""
    assert match_pod_failure_policy(policy, pod) == expected


# -- success_policy ----------------------------------------------------------------------------


def _success(*rules: dict[str, Any]) -> Any:
    return decode_object(new_job(successPolicy={"rules": list(rules)})).spec.success_policy


SUCCESS = [
    ("successPolicy is null", None, 10, "0-9", ("", False)),
    ("any succeededIndexes", _success({"succeededIndexes": "0-2"}), 10, "", ("", False)),
    ("rules.succeededIndexes matched", _success({"succeededIndexes": "0-2"}), 10, "0-3",
     ("Matched rules at index 0", True)),
    ("rules.succeededIndexes not matched", _success({"succeededIndexes": "0-2"}), 10, "0,1",
     ("", False)),
    ("rules.succeededCount matched", _success({"succeededCount": 3}), 10, "1,5,9",
     ("Matched rules at index 0", True)),
    ("rules.succeededIndexes and succeededCount matched",
     _success({"succeededIndexes": "0-5", "succeededCount": 2}), 10, "3,7",
     ("", False)),
    ("rules.succeededIndexes and succeededCount matched, two in range",
     _success({"succeededIndexes": "0-5", "succeededCount": 2}), 10, "3,4",
     ("Matched rules at index 0", True)),
    ("second rule matched", _success({"succeededIndexes": "9"}, {"succeededCount": 2}), 10,
     "0,1", ("Matched rules at index 1", True)),
]


@pytest.mark.parametrize("name,policy,completions,succeeded,expected", SUCCESS,
                         ids=[s[0] for s in SUCCESS])
def test_match_success_policy(name, policy, completions, succeeded, expected):
    """TestMatchSuccessPolicy (success_policy_test.go)."""
    intervals = parse_indexes_from_string(succeeded, completions)
    assert match_success_policy(policy, completions, intervals) == expected


# -- indexed_job_utils -------------------------------------------------------------------------


@pytest.mark.parametrize("prev,new,expected", [
    ("", [], ""), ("", [0, 1, 2], "0-2"), ("0,2", [1], "0-2"), ("1-3,7", [0, 5], "0-3,5,7"),
    ("0-1", [5, 6], "0,1,5,6"), ("4", [0, 9], "0,4,9"),
], ids=lambda v: str(v))
def test_with_ordered_indexes_and_string(prev, new, expected):
    """orderedIntervals.withOrderedIndexes and String (TestCalculateSucceededIndexes)."""
    assert intervals_string(with_ordered_indexes(parse_indexes_from_string(prev, 100), new)) \
        == expected


@pytest.mark.parametrize("text,completions,expected", [
    ("1,3-5,8", 10, ((1, 1), (3, 5), (8, 8))), ("1-3,4", 10, ((1, 4),)),
    ("0-7", 5, ((0, 4),)), ("1,x,3", 10, ((1, 1), (3, 3))), ("2,9", 5, ((2, 2),)),
], ids=lambda v: str(v))
def test_parse_indexes_from_string(text, completions, expected):
    """parseIndexesFromString: joined, cut at completions, corrupt parts skipped."""
    assert parse_indexes_from_string(text, completions) == expected


@pytest.mark.parametrize("intervals,ix,expected", [
    ("", 0, False), ("1,3-5", 1, True), ("1,3-5", 2, False), ("1,3-5", 5, True),
    ("1,3-5", 6, False),
], ids=lambda v: str(v))
def test_intervals_have_index(intervals, ix, expected):
    """TestIntervalsHaveIndex."""
    assert has(parse_indexes_from_string(intervals, 100), ix) is expected


def test_first_pending_indexes():
    """TestFirstPendingIndexes: lowest indexes no active pod, success or failure covers."""
    job = decode_object(new_job(completion_mode="Indexed"))
    active = [decode_object(p) for p in idx(("0", R), ("3", R))]
    succeeded = parse_indexes_from_string("1,5-6", 10)
    assert first_pending_indexes(job, active, active, succeeded, None, 3, 10) == [2, 4, 7]
    assert first_pending_indexes(job, active, active, succeeded, ((2, 2),), 10, 10) == \
        [4, 7, 8, 9]
    assert first_pending_indexes(job, active, active, succeeded, None, 0, 10) == []


@pytest.mark.parametrize("job,index,expected", [
    ("job", 1, "job-1-"), ("a" * 60, 10, "a" * 54 + "-10-"), ("a" * 53, 1, "a" * 53 + "-1-"),
], ids=["short", "cut", "fits"])
def test_pod_generate_name_with_index(job, index, expected):
    """TestPodGenerateNameWithIndex: `<job>-<index>-`, the job's name cut to fit 58."""
    assert pod_generate_name_with_index(job, index) == expected


# -- backoffLimitPerIndex (TestBackoffLimitPerIndex / TestSyncJobWithJobBackoffLimitPerIndex) ----


def _indexed_pod(name: str, index: str, phase: str, failures: int | None = None) -> Any:
    pod = new_pod(name, phase, index=index)
    if failures is not None:
        pod["metadata"]["annotations"]["batch.kubernetes.io/job-index-failure-count"] = \
            str(failures)
    return pod


def _per_index_job(completions: int = 2, parallelism: int = 2, **spec: Any) -> Any:
    return new_job(parallelism, completions, completion_mode="Indexed",
                   backoffLimitPerIndex=1, **spec)


def test_backoff_limit_per_index_replaces_a_failed_index_and_keeps_its_count():
    """A failed pod whose index is below its limit: the replacement for that index carries
    job-index-failure-count 1, and the failed pod keeps its finalizer until the replacement
    exists (getPodsWithDelayedDeletionPerIndex); the next sync counts it."""
    pods = [_indexed_pod("pod-a", "0", F, failures=0), _indexed_pod("pod-b", "1", R)]
    cluster = reconcile(job_cluster(_per_index_job(), pods), "job", KEY)
    created = [p for p in cluster.list("Pod") if p.metadata.name.startswith("foobar-0-")]
    assert len(created) == 1
    assert created[0].metadata.annotations["batch.kubernetes.io/job-index-failure-count"] == "1"
    assert FINALIZER in cluster.get("Pod", "default", "pod-a").metadata.finalizers
    later = reconcile(cluster, "job", KEY)
    assert FINALIZER not in later.get("Pod", "default", "pod-a").metadata.finalizers
    job = later.get("Job", "default", "foobar")
    assert (job.status.failed, job.status.failed_indexes) == (1, "")


def test_backoff_limit_per_index_fails_an_index_then_the_job():
    """An index whose failures reach backoffLimitPerIndex is failed (status.failedIndexes);
    with every index succeeded or failed, the Job fails with FailedIndexes."""
    pods = [_indexed_pod("pod-a", "0", F, failures=1), _indexed_pod("pod-b", "1", S)]
    cluster = reconcile(job_cluster(_per_index_job(), pods), "job", KEY)
    job = cluster.get("Job", "default", "foobar")
    assert (job.status.failed_indexes, job.status.completed_indexes) == ("0", "1")
    assert [(c.type, c.reason, c.message) for c in job.status.conditions] == [
        ("FailureTarget", "FailedIndexes", "Job has failed indexes"),
        ("Failed", "FailedIndexes", "Job has failed indexes")]


def test_max_failed_indexes_exceeded():
    pods = [_indexed_pod("pod-a", "0", F, failures=1), _indexed_pod("pod-b", "1", R)]
    cluster = reconcile(job_cluster(_per_index_job(3, 3, maxFailedIndexes=0), pods), "job",
                        KEY)
    job = cluster.get("Job", "default", "foobar")
    assert [(c.type, c.reason) for c in job.status.conditions] == [
        ("FailureTarget", "MaxFailedIndexesExceeded")]
    assert job.status.terminating == 1 and job.status.failed_indexes == "0"


def test_fail_index_rule():
    """podFailurePolicy FailIndex: the index fails at once, whatever its count."""
    policy = {"rules": [{"action": "FailIndex", "onExitCodes": {"operator": "In",
                                                                 "values": [1]}}]}
    pods = [_indexed_pod("pod-a", "0", F, failures=0), _indexed_pod("pod-b", "1", R)]
    cluster = reconcile(job_cluster(_per_index_job(podFailurePolicy=policy), pods), "job", KEY)
    job = cluster.get("Job", "default", "foobar")
    assert job.status.failed_indexes == "0"
    assert [p.metadata.name for p in cluster.list("Pod") if p.metadata.name.startswith(
        "foobar-0-")] == []


def test_success_policy_ends_the_job():
    """successPolicy met: SuccessCriteriaMet (SuccessPolicy, "Matched rules at index 0"), the
    remaining pods deleted; Complete once they are gone."""
    policy = {"rules": [{"succeededIndexes": "0"}]}
    pods = [_indexed_pod("pod-a", "0", S), _indexed_pod("pod-b", "1", R)]
    job = new_job(2, 2, completion_mode="Indexed", successPolicy=policy)
    cluster = reconcile(job_cluster(job, pods), "job", KEY)
    j = cluster.get("Job", "default", "foobar")
    assert [(c.type, c.reason, c.message) for c in j.status.conditions] == [
        ("SuccessCriteriaMet", "SuccessPolicy", "Matched rules at index 0")]
    left = cluster.get("Pod", "default", "pod-b")  # unbound: gone once its finalizer is
    assert left is None or left.metadata.deletion_timestamp is not None
    assert j.status.terminating == 1
