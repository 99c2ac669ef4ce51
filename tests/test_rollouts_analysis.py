"""Ports of argo-rollouts analysis/analysis_test.go (9f8d111) through
reducers/rollouts/analysis/controller.py, on the logical clock (NOW stands for time.Now()):

TestGenerateMetricTasksInterval, ...Failing, ...NoIntervalOrCount, ...Incomplete,
...HonorInitialDelay, ...HonorResumeAt, ...Error; TestAssessRunStatus (2),
TestAssessRunStatusUpdateResult; TestAssessMetricStatusNoMeasurements, ...InFlightMeasurement,
...FailureLimit, ...ConsecutiveSuccessLimit (12 checks), ...FailureLimitAndConsecutiveSuccessLimit
(24), ...InconclusiveLimit, ...ConsecutiveErrors, ...CountReached;
TestCalculateNextReconcileTimeInterval, ...InitialDelay, ...NoInterval, ...EarliestMetric,
...HonorResumeAt, ...UponError; TestReconcileAnalysisRunInitial (3), ...Invalid,
...TerminateSiblingAfterFail (3), ...ResumeInProgress;
TestRunMeasurementsResetConsecutiveErrorCounter;
TestTrimMeasurementHistory (4); TestGarbageCollectArgResolution;
TestResolveMetricArgsUnableToSubstitute (3); TestAssessMetricFailureInconclusiveOrError (3);
TestAssessRunStatusErrorMessageAnalysisPhaseFail(+InDryRunMode),
...ErrorMessageFromProvider(+InDryRunMode), ...MultipleFailures(+InDryRunMode),
...WithOnlyDryRunMetrics, ...WithMixedMetrics, ...WorstMessageInReconcileAnalysisRun(+InDryRunMode);
TestTerminateAnalysisRun(+InDryRunMode); TestInvalidDryRunConfigThrowsError;
TestInvalidMeasurementsRetentionConfigThrowsError; TestExceededTtlChecked (10);
TestTtlNotGCInProgressAnalysisRun; TestCompletedTimeFilled; TestMaybeGarbageCollect* (4).

Where Go mocks a provider's Run, Resume or Terminate, kubefold's own providers stand in: a
`metric:` sample with conditions that give the mocked phase, or a Job whose status says
Complete. Not ported: TestGetMetadataIsCalled (provider metadata), the Secret tests (secret
arguments are not resolved), TestReconcileAnalysisRunOn*Errors (log lines).
The `kubefold` cases at the end run the analysis controller in a cluster: measurements at each
interval on the logical clock, a job provider's Job, and dry-run metrics."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import MetricSample
from kubefold.core.objects import ObjectMeta
from kubefold.core.rollouts import (
    AnalysisRun,
    AnalysisRunSpec,
    AnalysisRunStatus,
    Argument,
    DryRun,
    Measurement,
    MeasurementRetention,
    Metric,
    MetricResult,
)
from kubefold.core.schema import freeze, parse_time
from kubefold.reducers.rollouts.analysis import controller as ac
from kubefold.reducers.rollouts.analysis.controller import (
    ERROR,
    FAILED,
    INCONCLUSIVE,
    PENDING,
    RUNNING,
    SUCCESSFUL,
)
from kubefold.reducers.world.metrics import handle_metric
from tests.rollouts_helpers import World, sample_metric

NOW = parse_time("2024-05-01T12:00:00Z")


def measurement(phase: str, ago: int | None = 60, finished: bool = True, value: str = "99",
                resume_at: int | None = None, **kw: Any) -> Measurement:
    started = None if ago is None else NOW - ago
    return Measurement(phase=phase, value=value, started_at=started,
                       finished_at=started if finished else None, resume_at=resume_at, **kw)


def metric(name: str, job: bool = False, prometheus: dict[str, Any] | None = None,
           **kw: Any) -> Metric:
    provider: Any = pmap()
    if job:
        provider = pmap({"job": freeze({})})
    if prometheus is not None:
        provider = pmap({"prometheus": freeze(prometheus)})
    return Metric(name=name, provider=provider, **kw)


def result(name: str, phase: str | None = None, *measurements: Measurement, **kw: Any
           ) -> MetricResult:
    return MetricResult(name=name, phase=phase, measurements=pvector(measurements), **kw)


def new_run(metrics: list[Metric], results: list[MetricResult] | None = None,
            phase: str | None = RUNNING, started_at: int | None = None, name: str = "run",
            **spec: Any) -> AnalysisRun:
    return AnalysisRun(
        api_version="argoproj.io/v1alpha1", kind="AnalysisRun",
        metadata=ObjectMeta(name=name, namespace="default", uid="run-uid"),
        spec=AnalysisRunSpec(metrics=pvector(metrics), **spec),
        status=AnalysisRunStatus(phase=phase, metric_results=pvector(results or []),
                                 started_at=started_at))


def cluster_at(now: int = NOW, **samples: Any) -> Cluster:
    cluster = attrs.evolve(Cluster(), now=now)
    for name, value in samples.items():
        cluster = handle_metric(cluster, MetricSample(name=name.replace("_", "-"),
                                                      value=freeze(value)))
    return cluster


def reconcile(run: AnalysisRun, cluster: Cluster | None = None) -> AnalysisRun:
    return ac.reconcile_analysis_run(cluster or cluster_at(), run)[1]


def tasks(run: AnalysisRun) -> list[ac.MetricTask]:
    return ac.generate_metric_tasks(run, list(run.spec.metrics), NOW)


def assess(m: Metric, r: MetricResult, terminating: bool) -> str:
    return ac.assess_metric_status(m, r, terminating)


def next_time(run: AnalysisRun) -> int | None:
    return ac.calculate_next_reconcile_time(run, list(run.spec.metrics), NOW)


def with_result(run: AnalysisRun, index: int, r: MetricResult) -> AnalysisRun:
    results = run.status.metric_results.set(index, r)
    return attrs.evolve(run, status=attrs.evolve(run.status, metric_results=results))


def with_metric(run: AnalysisRun, index: int, **kw: Any) -> AnalysisRun:
    metrics = run.spec.metrics.set(index, attrs.evolve(run.spec.metrics[index], **kw))
    return attrs.evolve(run, spec=attrs.evolve(run.spec, metrics=metrics))


# -- generateMetricTasks -----------------------------------------------------------------------


def test_generate_metric_tasks_interval() -> None:
    """TestGenerateMetricTasksInterval."""
    run = new_run([metric("success-rate", interval="60s")],
                  [result("success-rate", RUNNING, measurement(SUCCESSFUL, 50))])
    assert len(tasks(run)) == 0
    run = with_result(run, 0, result("success-rate", RUNNING, measurement(SUCCESSFUL, 61)))
    assert len(tasks(run)) == 1


def test_generate_metric_tasks_failing() -> None:
    """TestGenerateMetricTasksFailing."""
    run = new_run([metric("success-rate"), metric("latency")], [result("latency", FAILED)])
    assert len(tasks(run)) == 0
    run = attrs.evolve(run, status=attrs.evolve(run.status, metric_results=pvector()))
    assert len(tasks(run)) == 2


def test_generate_metric_tasks_no_interval_or_count() -> None:
    """TestGenerateMetricTasksNoIntervalOrCount."""
    run = new_run([metric("success-rate")],
                  [result("success-rate", None, measurement(SUCCESSFUL, 50), count=1)])
    assert len(tasks(run)) == 0
    run = with_result(run, 0, result("success-rate", None))
    assert len(tasks(run)) == 1


def test_generate_metric_tasks_incomplete() -> None:
    """TestGenerateMetricTasksIncomplete."""
    run = new_run([metric("success-rate")],
                  [result("success-rate", RUNNING, measurement(SUCCESSFUL, 50, finished=False))])
    got = tasks(run)
    assert len(got) == 1 and got[0].incomplete is not None


def test_generate_metric_tasks_honor_initial_delay() -> None:
    """TestGenerateMetricTasksHonorInitialDelay."""
    run = new_run([metric("success-rate", initial_delay="20s")])
    assert len(tasks(run)) == 0
    run = attrs.evolve(run, status=attrs.evolve(run.status, started_at=NOW - 10))
    assert len(tasks(run)) == 0
    run = attrs.evolve(run, status=attrs.evolve(run.status, started_at=NOW - 20))
    assert len(tasks(run)) == 1
    run = with_metric(run, 0, initial_delay="invalid-start-delay")
    assert len(tasks(run)) == 0


def test_generate_metric_tasks_honor_resume_at() -> None:
    """TestGenerateMetricTasksHonorResumeAt."""
    run = new_run([metric("success-rate"), metric("success-rate2")], [
        result("success-rate", RUNNING,
               measurement(SUCCESSFUL, 50, finished=False, resume_at=NOW + 10)),
        result("success-rate2", RUNNING,
               measurement(SUCCESSFUL, 50, finished=False, resume_at=NOW - 10))])
    got = tasks(run)
    assert [t.metric.name for t in got] == ["success-rate2"]


def test_generate_metric_tasks_error() -> None:
    """TestGenerateMetricTasksError."""
    run = new_run([metric("success-rate")],
                  [result("success-rate", RUNNING, measurement(ERROR, 120, value=""), error=1)])
    assert len(tasks(run)) == 1
    assert len(tasks(with_metric(run, 0, interval="5m"))) == 1


# -- assessRunStatus ---------------------------------------------------------------------------


@pytest.mark.parametrize(("phases", "want"), [
    ((SUCCESSFUL, RUNNING), RUNNING), ((SUCCESSFUL, FAILED), FAILED)],
    ids=["TestAssessRunStatus/one metric still running",
         "TestAssessRunStatus/worst of the completed metrics"])
def test_assess_run_status(phases: tuple[str, str], want: str) -> None:
    run = new_run([metric("latency"), metric("success-rate")],
                  [result("latency", phases[0]), result("success-rate", phases[1])])
    _, phase, message = ac.assess_run_status(run, list(run.spec.metrics), {}, NOW)
    assert (phase, message) == (want, "")


def test_assess_run_status_update_result() -> None:
    """TestAssessRunStatusUpdateResult."""
    run = new_run([metric("sleep-infinity", job=True), metric("fail-after-30", job=True)], [
        result("sleep-infinity", RUNNING, measurement(RUNNING, 60, finished=False, value="")),
        result("fail-after-30", RUNNING, measurement(FAILED, 60, value=""), count=1, failed=1)])
    new, phase, message = ac.assess_run_status(run, list(run.spec.metrics), {}, NOW)
    assert (phase, message) == (RUNNING, "")
    assert new.status.metric_results[1].phase == FAILED


# -- assessMetricStatus ------------------------------------------------------------------------


def test_assess_metric_status_no_measurements() -> None:
    """TestAssessMetricStatusNoMeasurements."""
    m, r = metric("success-rate"), result("", None)
    assert assess(m, r, False) == PENDING
    assert assess(m, r, True) == SUCCESSFUL


def test_assess_metric_status_in_flight_measurement() -> None:
    """TestAssessMetricStatusInFlightMeasurement."""
    r = result("", None, measurement(SUCCESSFUL, 60),
               measurement(RUNNING, 0, finished=False))
    assert assess(metric("success-rate"), r, False) == RUNNING
    assert assess(metric("success-rate"), r, True) == RUNNING


def test_assess_metric_status_failure_limit() -> None:
    """TestAssessMetricStatusFailureLimit."""
    m = metric("success-rate", failure_limit=2, interval="60s")
    r = result("", None, measurement(FAILED), failed=3, count=3)
    assert assess(m, r, False) == FAILED
    assert assess(m, r, True) == FAILED
    m = attrs.evolve(m, failure_limit=3)
    assert assess(m, r, False) == RUNNING
    assert assess(m, r, True) == SUCCESSFUL


# (consecutiveSuccessLimit, count, (failed, successful, count, consecutiveSuccess),
#  want when not terminating, want when terminating)
CONSECUTIVE_SUCCESS = [
    (3, None, (3, 4, 7, 3), SUCCESSFUL, SUCCESSFUL),
    (5, None, (3, 4, 7, 3), RUNNING, SUCCESSFUL),
    (5, 7, (3, 4, 7, 3), FAILED, FAILED),
    (3, 7, (3, 4, 7, 3), SUCCESSFUL, SUCCESSFUL),
    (3, 9, (3, 4, 7, 3), SUCCESSFUL, SUCCESSFUL),
    (5, 9, (3, 4, 7, 3), RUNNING, SUCCESSFUL),
]


@pytest.mark.parametrize(("limit", "count", "counts", "want", "want_terminating"),
                         CONSECUTIVE_SUCCESS,
                         ids=[f"TestAssessMetricStatusConsecutiveSuccessLimit/{i}"
                              for i in range(len(CONSECUTIVE_SUCCESS))])
def test_assess_metric_status_consecutive_success_limit(
        limit: int, count: int | None, counts: tuple[int, int, int, int], want: str,
        want_terminating: str) -> None:
    m = metric("success-rate", consecutive_success_limit=limit, failure_limit=-1,
               interval="60s", count=count)
    failed, successful, total, consecutive = counts
    r = result("", None, measurement(FAILED), failed=failed, successful=successful,
               count=total, consecutive_success=consecutive)
    assert assess(m, r, False) == want
    assert assess(m, r, True) == want_terminating


FAILURE_AND_SUCCESS_LIMIT = [
    (None, (3, 4, 7, 3), RUNNING, SUCCESSFUL),
    (None, (5, 9, 9, 0), FAILED, FAILED),
    (None, (3, 5, 8, 4), SUCCESSFUL, SUCCESSFUL),
    (None, (5, 5, 10, 4), FAILED, FAILED),
    (10, (4, 6, 10, 3), INCONCLUSIVE, INCONCLUSIVE),
    (10, (5, 5, 10, 3), FAILED, FAILED),
    (10, (4, 6, 10, 4), SUCCESSFUL, SUCCESSFUL),
    (10, (5, 5, 10, 4), FAILED, FAILED),
    (10, (3, 5, 8, 3), RUNNING, SUCCESSFUL),
    (10, (5, 3, 8, 3), FAILED, FAILED),
    (10, (3, 5, 8, 4), SUCCESSFUL, SUCCESSFUL),
    (10, (5, 4, 9, 4), FAILED, FAILED),
]


@pytest.mark.parametrize(("count", "counts", "want", "want_terminating"),
                         FAILURE_AND_SUCCESS_LIMIT,
                         ids=[f"TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit/{i}"
                              for i in range(len(FAILURE_AND_SUCCESS_LIMIT))])
def test_assess_metric_status_failure_limit_and_consecutive_success_limit(
        count: int | None, counts: tuple[int, int, int, int], want: str,
        want_terminating: str) -> None:
    m = metric("success-rate", consecutive_success_limit=4, failure_limit=4, interval="60s",
               count=count)
    failed, successful, total, consecutive = counts
    r = result("", None, measurement(FAILED), failed=failed, successful=successful,
               count=total, consecutive_success=consecutive)
    assert assess(m, r, False) == want
    assert assess(m, r, True) == want_terminating


def test_assess_metric_status_inconclusive_limit() -> None:
    """TestAssessMetricStatusInconclusiveLimit."""
    m = metric("success-rate", inconclusive_limit=2, interval="60s")
    r = result("", None, measurement(INCONCLUSIVE), inconclusive=3, count=3)
    assert assess(m, r, False) == INCONCLUSIVE
    assert assess(m, r, True) == INCONCLUSIVE
    m = attrs.evolve(m, inconclusive_limit=3)
    assert assess(m, r, False) == RUNNING
    assert assess(m, r, True) == SUCCESSFUL


def test_assess_metric_status_consecutive_errors() -> None:
    """TestAssessMetricStatusConsecutiveErrors."""
    m = metric("success-rate", interval="60s")
    r = result("", None, measurement(ERROR, value=""), consecutive_error=5, count=5)
    assert assess(m, r, False) == ERROR
    assert assess(m, r, True) == ERROR
    r = attrs.evolve(r, consecutive_error=4)
    assert assess(m, r, True) == SUCCESSFUL
    assert assess(m, r, False) == RUNNING


def test_assess_metric_status_count_reached() -> None:
    """TestAssessMetricStatusCountReached."""
    m = metric("success-rate", count=10)
    r = result("", None, measurement(SUCCESSFUL), successful=10, count=10)
    assert assess(m, r, False) == SUCCESSFUL
    r = attrs.evolve(r, successful=5, inconclusive=5)
    assert assess(m, r, False) == INCONCLUSIVE


# -- calculateNextReconcileTime ----------------------------------------------------------------


def test_calculate_next_reconcile_time_interval() -> None:
    """TestCalculateNextReconcileTimeInterval."""
    run = new_run([metric("success-rate", interval="60s")],
                  [result("success-rate", RUNNING, measurement(SUCCESSFUL, 30))])
    assert next_time(run) == NOW + 30
    run = with_result(run, 0, result("success-rate", RUNNING,
                                      measurement(RUNNING, 30, finished=False)))
    assert next_time(run) is None
    run = with_result(run, 0, result("", SUCCESSFUL, measurement(SUCCESSFUL, 120)))
    assert next_time(run) is None


def test_calculate_next_reconcile_time_initial_delay() -> None:
    """TestCalculateNextReconcileTimeInitialDelay."""
    run = new_run([metric("success-rate", interval="60s"),
                   metric("start-delay", interval="60s", initial_delay="40s")],
                  [result("success-rate", RUNNING, measurement(SUCCESSFUL, 30))],
                  started_at=NOW - 30)
    assert next_time(run) == NOW + 10
    run = with_metric(run, 1, initial_delay="not-valid-start-delay")
    assert next_time(run) == NOW + 30


def test_calculate_next_reconcile_time_no_interval() -> None:
    """TestCalculateNextReconcileTimeNoInterval."""
    run = new_run([metric("success-rate", count=1)],
                  [result("success-rate", SUCCESSFUL, measurement(SUCCESSFUL, 0))])
    assert next_time(run) is None


def test_calculate_next_reconcile_earliest_metric() -> None:
    """TestCalculateNextReconcileEarliestMetric."""
    run = new_run([metric("success-rate", interval="60s"), metric("latency", interval="60s")],
                  [result("success-rate", RUNNING, measurement(SUCCESSFUL, 30)),
                   result("latency", RUNNING, measurement(SUCCESSFUL, 50, value="1"))])
    assert next_time(run) == NOW + 10


def test_calculate_next_reconcile_honor_resume_at() -> None:
    """TestCalculateNextReconcileHonorResumeAt."""
    run = new_run([metric("success-rate", interval="60s")],
                  [result("success-rate", RUNNING,
                          measurement(SUCCESSFUL, 30, finished=False, resume_at=NOW + 10))])
    assert next_time(run) == NOW + 10


def test_calculate_next_reconcile_upon_error() -> None:
    """TestCalculateNextReconcileUponError."""
    run = new_run([metric("success-rate")],
                  [result("success-rate", RUNNING, measurement(ERROR, 0), error=1)])
    assert next_time(run) == NOW + ac.DEFAULT_ERROR_RETRY_INTERVAL
    assert next_time(with_metric(run, 0, interval="5m")) == NOW + ac.DEFAULT_ERROR_RETRY_INTERVAL


# -- reconcileAnalysisRun ----------------------------------------------------------------------


def test_reconcile_analysis_run_initial() -> None:
    """TestReconcileAnalysisRunInitial: the mocked Run's Successful measurement is a
    `metric:` sample read with no conditions."""
    cluster = cluster_at(success_rate=100)
    run = new_run([metric("success-rate", interval="60s", prometheus={})], phase=None)
    new = reconcile(run, cluster)
    assert new.status.metric_results[0].phase == RUNNING
    assert new.status.phase == RUNNING
    assert [m.phase for m in new.status.metric_results[0].measurements] == [SUCCESSFUL]
    run = with_metric(run, 0, count=1)
    new = reconcile(run, cluster)
    assert new.status.metric_results[0].phase == SUCCESSFUL
    assert new.status.phase == SUCCESSFUL
    assert [m.phase for m in new.status.metric_results[0].measurements] == [SUCCESSFUL]
    run = with_metric(run, 0, count=0, interval=None)
    new = reconcile(run, cluster)
    assert new.status.metric_results[0].phase == SUCCESSFUL
    assert new.status.phase == SUCCESSFUL
    assert [m.phase for m in new.status.metric_results[0].measurements] == [SUCCESSFUL]


def test_reconcile_analysis_run_invalid() -> None:
    """TestReconcileAnalysisRunInvalid."""
    new = reconcile(new_run([metric("success-rate")], phase=None))
    assert new.status.phase == ERROR
    assert new.status.message == "Analysis spec invalid: metrics[0]: no provider specified"


def terminating_run(status: str, dry_run: bool) -> AnalysisRun:
    """newTerminatingRun."""
    results = [
        result("run-forever", RUNNING, measurement(RUNNING, 60, finished=False, value=""),
               dry_run=dry_run),
        result("failed-metric", status, measurement(status, 60, value=""), count=1,
               dry_run=dry_run)]
    if status == FAILED:
        results[1] = attrs.evolve(results[1], failed=1)
    elif status == INCONCLUSIVE:
        results[1] = attrs.evolve(results[1], inconclusive=1)
    elif status == ERROR:
        results[1] = attrs.evolve(results[1], error=1,
                                  measurements=pvector([measurement(ERROR, 120, value="")]))
    rules = [DryRun(metric_name="run-forever"), DryRun(metric_name="failed-metric")] \
        if dry_run else []
    return new_run([metric("run-forever", job=True), metric("failed-metric", job=True)],
                   results, dry_run=pvector(rules))


@pytest.mark.parametrize("status", [FAILED, INCONCLUSIVE, ERROR],
                         ids=[f"TestReconcileAnalysisRunTerminateSiblingAfterFail/{s}"
                              for s in (FAILED, INCONCLUSIVE, ERROR)])
def test_reconcile_analysis_run_terminate_sibling_after_fail(status: str) -> None:
    new = reconcile(terminating_run(status, False))
    assert new.status.phase == status
    assert new.status.metric_results[1].phase == status
    forever = new.status.metric_results[0]
    assert forever.phase == INCONCLUSIVE
    assert forever.measurements[0].phase == INCONCLUSIVE
    assert forever.measurements[0].finished_at == NOW
    assert forever.message == "Metric Terminated"
    assert forever.measurements[0].message == "Metric Terminated"


def _job(name: str, condition: str | None) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if condition is not None:
        status["conditions"] = [{"type": condition, "status": "True"}]
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [
                {"name": "check", "image": "check:v1"}]}}},
            "status": status}


def cluster_with_job(name: str, condition: str | None) -> Cluster:
    from kubefold.reducers import apiserver
    return apiserver.restore(cluster_at(), [decode_object(_job(name, condition))], NOW)


def test_reconcile_analysis_run_resume_in_progress() -> None:
    """TestReconcileAnalysisRunResumeInProgress: the mocked Resume's Successful is a Job whose
    status says Complete."""
    cluster = cluster_with_job("check-1", "Complete")
    in_flight = measurement(RUNNING, 60, finished=False, value="",
                            metadata=pmap({"job-name": "check-1", "job-namespace": "default"}))
    run = new_run([metric("test", job=True)], [result("test", RUNNING, in_flight)])
    new = reconcile(run, cluster)
    assert new.status.phase == SUCCESSFUL
    assert new.status.metric_results[0].phase == SUCCESSFUL
    assert new.status.metric_results[0].measurements[0].phase == SUCCESSFUL
    assert new.status.metric_results[0].measurements[0].finished_at == NOW


def test_run_measurements_reset_consecutive_error_counter() -> None:
    """TestRunMeasurementsResetConsecutiveErrorCounter: the mocked Error measurement is a
    condition over a missing sample."""
    run = new_run([metric("test", prometheus={}, success_condition="result[0] > 1")],
                  [result("test", RUNNING, consecutive_error=4, count=4, error=4)])
    new = reconcile(run)
    r = new.status.metric_results[0]
    assert (r.consecutive_error, r.error, r.count) == (5, 5, 4)


def _trim_run() -> AnalysisRun:
    """newRun."""
    return new_run([metric("metric1", job=True, interval="60s"),
                    metric("metric2", job=True, interval="60s")], [
        result("metric1", RUNNING, measurement(SUCCESSFUL, 60, value="1")),
        result("metric2", None, measurement(SUCCESSFUL, 60, value="2"),
               measurement(SUCCESSFUL, 30, value="3"))])


@pytest.mark.parametrize(("retention", "limit", "want1", "want2"), [
    ({}, 2, ["1"], ["2", "3"]),
    ({}, 1, ["1"], ["3"]),
    ({"metric2": MeasurementRetention(metric_name="*", limit=2)}, 1, ["1"], ["2", "3"]),
    ({"metric2": MeasurementRetention(metric_name="metric2", limit=2)}, 1, ["1"], ["2", "3"])],
    ids=[f"TestTrimMeasurementHistory/{i}" for i in range(4)])
def test_trim_measurement_history(retention: dict[str, Any], limit: int, want1: list[str],
                                  want2: list[str]) -> None:
    run = ac.garbage_collect_measurements(_trim_run(), retention, limit)
    assert [m.value for m in run.status.metric_results[0].measurements] == want1
    assert [m.value for m in run.status.metric_results[1].measurements] == want2


def test_garbage_collect_arg_resolution() -> None:
    """TestGarbageCollectArgResolution."""
    prometheus = {"address": "https://prometheus.kubeaddons:{{args.port}}"}
    run = new_run([metric("metric1", interval="60s", prometheus=prometheus),
                   metric("metric2", interval="60s", prometheus=prometheus)], [
        result("metric1", RUNNING, measurement(SUCCESSFUL, 60, value="1"),
               measurement(SUCCESSFUL, 60, value="2")),
        result("metric2", None, measurement(SUCCESSFUL, 60, value="2"),
               measurement(SUCCESSFUL, 30, value="3"), measurement(SUCCESSFUL, 30, value="4"))],
        args=pvector([Argument(name="port", value="8080")]))
    resolved, err = ac.get_resolved_metrics_without_secrets(run.spec.metrics, run.spec.args)
    assert err is None
    assert resolved[0].provider["prometheus"]["address"] == "https://prometheus.kubeaddons:8080"
    run = ac.garbage_collect_measurements(
        run, {"metric2": MeasurementRetention(metric_name="metric2", limit=2)}, 1)
    assert [m.value for m in run.status.metric_results[0].measurements] == ["2"]
    assert [m.value for m in run.status.metric_results[1].measurements] == ["3", "4"]


@pytest.mark.parametrize("dry_run", [False, True, False],
                         ids=[f"TestResolveMetricArgsUnableToSubstitute/{i}" for i in range(3)])
def test_resolve_metric_args_unable_to_substitute(dry_run: bool) -> None:
    rules = pvector([DryRun(metric_name="*")]) if dry_run else pvector()
    run = new_run([metric("rate", success_condition="{{args.does-not-exist}}",
                          prometheus={"query": "{{args.metric-name}}"})],
                  phase=None, dry_run=rules)
    new = reconcile(run)
    assert new.status.phase == ERROR
    assert new.status.message == \
        "Unable to resolve metric arguments: failed to resolve {{args.metric-name}}"


def test_assess_metric_failure_inconclusive_or_error() -> None:
    """TestAssessMetricFailureInconclusiveOrError."""
    m = Metric()
    r = result("", None, measurement(FAILED, None, finished=False), failed=1)
    assert ac.assess_metric_failure_inconclusive_or_error(m, r) == \
        (FAILED, "failed (1) > failureLimit (0)")
    assert assess(m, r, True) == FAILED
    r = result("", None, measurement(INCONCLUSIVE, None, finished=False), inconclusive=1)
    assert ac.assess_metric_failure_inconclusive_or_error(m, r) == \
        (INCONCLUSIVE, "inconclusive (1) > inconclusiveLimit (0)")
    assert assess(m, r, True) == INCONCLUSIVE
    r = result("", None, measurement(ERROR, None, finished=False), consecutive_error=5)
    assert ac.assess_metric_failure_inconclusive_or_error(m, r) == \
        (ERROR, "consecutiveErrors (5) > consecutiveErrorLimit (4)")
    assert assess(m, r, True) == ERROR


def _summary(run: AnalysisRun) -> tuple[int, ...]:
    s = run.status.dry_run_summary
    return tuple((getattr(s, k) or 0) for k in
                 ("count", "successful", "failed", "inconclusive", "error"))


def _assess_terminating(dry_run: bool, first_phase: str, first_failed: int = 0,
                        provider_message: str | None = None
                        ) -> tuple[str, str, tuple[int, ...]]:
    run = terminating_run(FAILED, dry_run)
    run = with_result(run, 0, attrs.evolve(run.status.metric_results[0], phase=first_phase,
                                           failed=first_failed or None))
    if provider_message is not None:
        run = with_result(run, 1, attrs.evolve(run.status.metric_results[1],
                                               message=provider_message))
    flags = {"run-forever": dry_run, "failed-metric": dry_run}
    new, phase, message = ac.assess_run_status(run, list(run.spec.metrics), flags, NOW)
    return phase, message, _summary(new)


def test_assess_run_status_error_message_analysis_phase_fail() -> None:
    """TestAssessRunStatusErrorMessageAnalysisPhaseFail."""
    assert _assess_terminating(False, SUCCESSFUL) == (
        FAILED, 'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0)',
        (0, 0, 0, 0, 0))


def test_assess_run_status_error_message_analysis_phase_fail_in_dry_run_mode() -> None:
    """TestAssessRunStatusErrorMessageAnalysisPhaseFailInDryRunMode."""
    assert _assess_terminating(True, SUCCESSFUL) == (SUCCESSFUL, "", (2, 1, 1, 0, 0))


def test_assess_run_status_error_message_from_provider() -> None:
    """TestAssessRunStatusErrorMessageFromProvider."""
    assert _assess_terminating(False, SUCCESSFUL, provider_message="Provider Error") == (
        FAILED, 'Metric "failed-metric" assessed Failed due to failed (1) > failureLimit (0): '
                '"Error Message: Provider Error"', (0, 0, 0, 0, 0))


def test_assess_run_status_error_message_from_provider_in_dry_run_mode() -> None:
    """TestAssessRunStatusErrorMessageFromProviderInDryRunMode."""
    assert _assess_terminating(True, SUCCESSFUL, provider_message="Provider Error") == (
        SUCCESSFUL, "", (2, 1, 1, 0, 0))


def test_assess_run_status_multiple_failures() -> None:
    """TestAssessRunStatusMultipleFailures."""
    assert _assess_terminating(False, FAILED, 1) == (
        FAILED, 'Metric "run-forever" assessed Failed due to failed (1) > failureLimit (0)',
        (0, 0, 0, 0, 0))


def test_assess_run_status_multiple_failures_in_dry_run_mode() -> None:
    """TestAssessRunStatusMultipleFailuresInDryRunMode."""
    assert _assess_terminating(True, FAILED, 1) == (SUCCESSFUL, "", (2, 0, 2, 0, 0))


def test_assess_run_status_with_only_dry_run_metrics() -> None:
    """TestAssessRunStatusWithOnlyDryRunMetrics."""
    run = new_run([metric("success-metric", job=True)],
                  [result("success-metric", SUCCESSFUL, measurement(SUCCESSFUL, value=""),
                          count=1, successful=1, dry_run=True)],
                  phase=None, dry_run=pvector([DryRun(metric_name="success-metric")]))
    assert reconcile(run).status.phase == SUCCESSFUL


def test_assess_run_status_with_mixed_metrics() -> None:
    """TestAssessRunStatusWithMixedMetrics: the mocked Resume's Successful is a Job whose
    status says Complete."""
    cluster = cluster_with_job("forever-1", "Complete")
    in_flight = measurement(RUNNING, 60, finished=False, value="",
                            metadata=pmap({"job-name": "forever-1"}))
    run = new_run([metric("run-forever", job=True), metric("success-metric", job=True)], [
        result("run-forever", RUNNING, in_flight, inconclusive=1),
        result("success-metric", SUCCESSFUL, measurement(FAILED, value=""), count=1, failed=1,
               dry_run=True)],
        phase=None, dry_run=pvector([DryRun(metric_name="success-metric")]))
    new = reconcile(run, cluster)
    assert new.status.phase == INCONCLUSIVE
    assert new.status.message == ('Metric "run-forever" assessed Inconclusive due to '
                                  "inconclusive (1) > inconclusiveLimit (0)")


@pytest.mark.parametrize("dry_run", [False, True],
                         ids=["TestAssessRunStatusWorstMessageInReconcileAnalysisRun",
                              "TestAssessRunStatusWorstMessageInReconcileAnalysisRunInDryRunMode"])
def test_assess_run_status_worst_message_in_reconcile_analysis_run(dry_run: bool) -> None:
    run = terminating_run(FAILED, dry_run)
    run = with_result(run, 0, attrs.evolve(run.status.metric_results[0], phase=FAILED,
                                           failed=1))
    new = reconcile(run)
    if not dry_run:
        assert new.status.phase == FAILED
        assert new.status.message == \
            'Metric "run-forever" assessed Failed due to failed (1) > failureLimit (0)'
        return
    assert new.status.phase == SUCCESSFUL
    assert not new.status.message
    assert _summary(new) == (2, 0, 2, 0, 0)
    for r in new.status.metric_results:
        assert r.message == "Metric assessed Failed due to failed (1) > failureLimit (0)"


@pytest.mark.parametrize("dry_run", [False, True],
                         ids=["TestTerminateAnalysisRun", "TestTerminateAnalysisRunInDryRunMode"])
def test_terminate_analysis_run(dry_run: bool) -> None:
    rules = pvector([DryRun(metric_name="success-rate")]) if dry_run else pvector()
    run = new_run([metric("success-rate", initial_delay="20s", interval="20s",
                          success_condition="result[0] > 0.90", prometheus={})],
                  started_at=NOW, terminate=True, dry_run=rules,
                  args=pvector([Argument(name="service",
                                         value="rollouts-demo-canary.default.svc.cluster.local")]))
    new = reconcile(run)
    assert new.status.phase == SUCCESSFUL
    assert new.status.message == "Run Terminated"
    if dry_run:
        assert _summary(new) == (1, 0, 0, 0, 0)


@pytest.mark.parametrize(("field", "rule", "message"), [
    ("dry_run", DryRun(metric_name="error-rate"),
     "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)"),
    ("measurement_retention", MeasurementRetention(metric_name="error-rate"),
     "Analysis spec invalid: measurementRetention[0]: Rule didn't match any metric name(s)")],
    ids=["TestInvalidDryRunConfigThrowsError",
         "TestInvalidMeasurementsRetentionConfigThrowsError"])
def test_invalid_rule_throws_error(field: str, rule: Any, message: str) -> None:
    run = new_run([metric("success-rate", initial_delay="20s", interval="20s",
                          success_condition="result[0] > 0.90", prometheus={})],
                  started_at=NOW, terminate=True, **{field: pvector([rule])})
    new = reconcile(run)
    assert (new.status.phase, new.status.message) == (ERROR, message)


# -- TTL ---------------------------------------------------------------------------------------

DAY = 86400
TTL_CASES = [
    ({"secondsAfterCompletion": DAY}, SUCCESSFUL, SUCCESSFUL, DAY),
    ({"secondsAfterCompletion": DAY}, FAILED, FAILED, DAY),
    ({"secondsAfterCompletion": DAY}, ERROR, ERROR, DAY),
    ({"secondsAfterSuccess": DAY}, SUCCESSFUL, SUCCESSFUL, DAY),
    ({"secondsAfterFailure": DAY}, FAILED, FAILED, DAY),
    ({"secondsAfterSuccess": DAY}, SUCCESSFUL, FAILED, DAY + 1),
    ({"secondsAfterFailure": DAY}, FAILED, SUCCESSFUL, DAY + 1),
    ({"secondsAfterCompletion": 100000, "secondsAfterSuccess": DAY}, SUCCESSFUL, SUCCESSFUL, DAY),
    ({"secondsAfterCompletion": 100000, "secondsAfterFailure": DAY}, FAILED, FAILED, DAY),
    ({"secondsAfterCompletion": DAY, "secondsAfterFailure": DAY + 1}, SUCCESSFUL, FAILED, DAY),
]


@pytest.mark.parametrize(("ttl", "expired_phase", "kept_phase", "kept_age"), TTL_CASES,
                         ids=[f"TestExceededTtlChecked/{i}" for i in range(len(TTL_CASES))])
def test_exceeded_ttl_checked(ttl: dict[str, int], expired_phase: str, kept_phase: str,
                              kept_age: int) -> None:
    from kubefold.reducers import apiserver

    def completed(name: str, phase: str, age: int) -> AnalysisRun:
        run = new_run([], phase=phase, name=name, ttl_strategy=freeze(ttl))
        return attrs.evolve(run, status=attrs.evolve(run.status, completed_at=NOW - age))
    expired = completed("expired-run", expired_phase, DAY + 1)
    kept = completed("not-expired-run", kept_phase, kept_age)
    cluster = apiserver.restore(cluster_at(), [expired, kept], NOW)
    for run in (expired, kept):
        cluster = ac.reconcile_analysis_run(cluster, cluster.get("AnalysisRun", "default",
                                                                 run.metadata.name))[0]
    assert cluster.get("AnalysisRun", "default", "expired-run") is None
    assert cluster.get("AnalysisRun", "default", "not-expired-run") is not None


def test_ttl_not_gc_in_progress_analysis_run() -> None:
    """TestTtlNotGCInProgressAnalysisRun."""
    run = new_run([metric("metric1", interval="60s", count=3, job=True)],
                  [result("metric1", RUNNING, measurement(SUCCESSFUL, 60, value="1"), count=1)],
                  started_at=NOW)
    new = reconcile(run)
    assert new.status.phase == RUNNING
    assert new.status.completed_at is None


def test_completed_time_filled() -> None:
    """TestCompletedTimeFilled."""
    run = new_run([metric("metric1", interval="60s", count=1, job=True)],
                  [result("metric1", SUCCESSFUL, measurement(SUCCESSFUL, 60, value="1"),
                          count=1)], started_at=NOW)
    new = reconcile(run)
    assert new.status.phase == SUCCESSFUL
    assert new.status.completed_at == NOW


@pytest.mark.parametrize(("phase", "ttl", "deleting", "completed"), [
    (RUNNING, None, False, True), (SUCCESSFUL, None, False, True),
    (SUCCESSFUL, {"secondsAfterCompletion": 1}, True, True),
    (SUCCESSFUL, {"secondsAfterCompletion": 1}, False, False)],
    ids=["TestMaybeGarbageCollectAnalysisRunNoGCIfNotCompleted",
         "TestMaybeGarbageCollectAnalysisRunNoGCIfNoTTLStrategy",
         "TestMaybeGarbageCollectAnalysisRunNoGCIfWithDeletionTimestamp",
         "TestMaybeGarbageCollectAnalysisRunNoGCIfNoCompletedAt"])
def test_maybe_garbage_collect_analysis_run_no_gc(phase: str, ttl: dict[str, int] | None,
                                                  deleting: bool, completed: bool) -> None:
    from kubefold.reducers import apiserver
    run = new_run([], phase=phase, ttl_strategy=freeze(ttl) if ttl else None)
    if completed and ttl:
        run = attrs.evolve(run, status=attrs.evolve(run.status, completed_at=NOW - 2))
    if deleting:
        run = attrs.evolve(run, metadata=attrs.evolve(run.metadata, deletion_timestamp=NOW,
                                                      finalizers=pvector(["keep"])))
    cluster = apiserver.restore(cluster_at(), [run], NOW)
    stored = cluster.get("AnalysisRun", "default", "run")
    after = ac.maybe_garbage_collect_analysis_run(cluster, stored)
    assert after.get("AnalysisRun", "default", "run") == stored


# -- kubefold: the analysis controller in a cluster --------------------------------------------


def _run_manifest(*metrics: dict[str, Any], name: str = "run", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"metrics": list(metrics), **spec}}


def test_measurements_at_each_interval() -> None:
    """A metric with interval 10s and count 3 measures at +0, +10 and +20 s, each reading the
    latest sample; failureLimit 1 allows one failure, so the second fails it at +20 s."""
    world = World(nodes=0)
    world.sample("success-rate", [0.99])
    world.apply(_run_manifest(sample_metric("success-rate", "result[0] >= 0.95",
                                            interval="10s", count=3, failureLimit=1)))
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert [m.value for m in run.status.metric_results[0].measurements] == ["[0.99]"]
    world.sample("success-rate", [0.5])
    world.tick(9)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert len(run.status.metric_results[0].measurements) == 1
    world.tick(1)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert [m.phase for m in run.status.metric_results[0].measurements] == [SUCCESSFUL, FAILED]
    assert run.status.phase == RUNNING
    world.tick(10)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert [m.phase for m in run.status.metric_results[0].measurements] == \
        [SUCCESSFUL, FAILED, FAILED]
    assert run.status.phase == FAILED
    assert run.status.message == \
        'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)'
    started = run.status.metric_results[0].measurements
    assert [m.started_at - started[0].started_at for m in started] == [0, 10, 20]


def test_initial_delay_and_no_sample_is_an_error() -> None:
    """initialDelay 30s: nothing is measured before +30 s; with no sample, `result[0]` is an
    Error measurement ("metric result is nil or empty"), retried every 10 s, and the fifth
    consecutive one errors the run."""
    world = World(nodes=0)
    world.apply(_run_manifest(sample_metric("latency", "result[0] < 100", interval="1m",
                                            initialDelay="30s")))
    world.tick(29)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert not run.status.metric_results or not run.status.metric_results[0].measurements
    world.tick(1)
    run = world.cluster.get("AnalysisRun", "default", "run")
    m = run.status.metric_results[0].measurements[0]
    assert m.phase == ERROR
    assert "metric result is nil or empty" in (m.message or "")
    for _ in range(4):
        world.tick(10)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert run.status.phase == ERROR
    assert run.status.message == (
        'Metric "latency" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit '
        '(4): "Error Message: could not evaluate successCondition "result[0] < 100": metric '
        'result is nil or empty: no data returned from the metric provider"')
    started = [m.started_at for m in run.status.metric_results[0].measurements]
    assert [t - started[0] for t in started] == [0, 10, 20, 30, 40]


def _finish_job_pod(world: Any, exit_code: int) -> None:
    """The job's one pod runs, then its container exits with `exit_code`."""
    from kubefold.core.events import PodEvent

    world.tick(1)
    (pod,) = list(world.cluster.list("Pod", "default"))
    rejected = world.step(PodEvent("default", pod.metadata.name, "check", exit=exit_code))
    assert rejected is None, rejected
    world.tick(5)  # the Job controller's pod-event batching, then the run polls the Job


def test_job_provider_creates_a_job_and_reads_its_status() -> None:
    """The job provider creates a Job owned by the run, labelled with the run's uid; the
    measurement completes when the Job Completes (its pod run through the Job controller and
    the kubelet, and exiting 0)."""
    job_spec = {"spec": {"backoffLimit": 0, "template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "check", "image": "check:v1"}]}}}}
    world = World(nodes=1)
    world.apply(_run_manifest({"name": "smoke", "provider": {"job": job_spec}}))
    run = world.cluster.get("AnalysisRun", "default", "run")
    jobs = list(world.cluster.list("Job", "default"))
    assert len(jobs) == 1
    job = jobs[0]
    assert job.metadata.name == f"{run.metadata.uid}.smoke.1"
    assert job.metadata.labels["analysisrun.argoproj.io/uid"] == run.metadata.uid
    assert job.metadata.owner_references[0].kind == "AnalysisRun"
    assert run.status.metric_results[0].measurements[0].phase == RUNNING
    _finish_job_pod(world, 0)
    assert any(c.type == "Complete" and c.status == "True"
               for c in world.cluster.get("Job", "default", job.metadata.name).status.conditions)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert run.status.metric_results[0].measurements[0].phase == SUCCESSFUL
    assert run.status.phase == SUCCESSFUL


def test_job_provider_failed_job_fails_the_run() -> None:
    job_spec = {"spec": {"backoffLimit": 0, "template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "check", "image": "check:v1"}]}}}}
    world = World(nodes=1)
    world.apply(_run_manifest({"name": "smoke", "provider": {"job": job_spec}}))
    _finish_job_pod(world, 1)
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert run.status.phase == FAILED
    assert run.status.message == \
        'Metric "smoke" assessed Failed due to failed (1) > failureLimit (0)'


def test_dry_run_metric_does_not_fail_the_run() -> None:
    world = World(nodes=0)
    world.sample("error-rate", 0.5)
    world.sample("success-rate", 0.99)
    world.apply(_run_manifest(sample_metric("error-rate", "result < 0.1"),
                              sample_metric("success-rate", "result > 0.9"),
                              dryRun=[{"metricName": "error-rate"}]))
    run = world.cluster.get("AnalysisRun", "default", "run")
    assert run.status.phase == SUCCESSFUL
    assert run.status.metric_results[0].phase == FAILED
    assert run.status.metric_results[0].dry_run is True
