"""The `analysis` controller: takes an AnalysisRun's measurements when they fall due and
decides its phase (Pending, Running, Successful, Failed, Error, Inconclusive) as Argo's
analysis controller does.

`sync(cluster, key)` is one syncHandler call for `namespace/name`: a completed run is only
garbage collected (its TTL); otherwise the metrics' arguments are resolved and validated (an
Error on a bad spec), the measurements that are due are taken (or the in-flight ones resumed or
terminated), every metric's phase is assessed and then the run's, old measurements are trimmed,
the status is written when it changed, and the key is requeued for the next measurement on the
logical clock.

Models: analysis/analysis.go (reconcileAnalysisRun, getResolvedMetricsWithoutSecrets,
generateMetricTasks, runMeasurements, assessRunStatus, assessMetricStatus,
assessMetricFailureInconclusiveOrError, calculateNextReconcileTime,
garbageCollectMeasurements with DefaultMeasurementHistoryLimit 10, isAnalysisRunTtlExceeded,
DefaultErrorRetryInterval 10 s), analysis/controller.go (syncHandler; the informer handlers:
every AnalysisRun write, and a Job that completed, enqueue the run) and analysis/sync.go
(persistAnalysisRunStatus), argo-rollouts at 9f8d111.
Simplifies:
- Time is the logical clock in whole seconds; a measurement due at t is taken at t (Go's
  "now is after t" holds by a few milliseconds there), and a requeue due now waits one second
  (an in-flight job measurement is looked at once a second at most).
- Measurements run one after another, not in goroutines; events are not recorded.
- Secrets as arguments are not resolved (an AnalysisRun naming one is an Error).
Covered by: tests/test_rollouts_analysis.py (analysis_test.go tables), tests/test_rollouts_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.rollouts import (
    Measurement,
    Metric,
    MetricResult,
    RunSummary,
    int_value,
    parse_go_duration,
    phase_completed,
)
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller
from kubefold.reducers.rollouts.analysis import provider
from kubefold.reducers.rollouts.utils import analysis as au
from kubefold.reducers.rollouts.utils.defaults import get_consecutive_error_limit_or_default

NAME = "analysis"
DEFAULT_MEASUREMENT_HISTORY_LIMIT = 10
DEFAULT_ERROR_RETRY_INTERVAL = 10
SUCCESSFUL_ASSESSMENT_RUN_TERMINATED = "Metric Assessment Result - Successful: Run Terminated"

PENDING, RUNNING, SUCCESSFUL = au.PENDING, au.RUNNING, au.SUCCESSFUL
FAILED, ERROR, INCONCLUSIVE = au.FAILED, au.ERROR, au.INCONCLUSIVE


@attrs.frozen
class MetricTask:
    metric: Metric
    incomplete: Measurement | None = None


def _seconds(text: str | None) -> int | None:
    parsed = parse_go_duration(text or "")
    return None if parsed is None else int(parsed)


# -- reconcileAnalysisRun ----------------------------------------------------------------------


def reconcile_analysis_run(cluster: Cluster, orig: Any) -> tuple[Cluster, Any, int | None]:
    """(cluster, the run with its new status, the time of the next reconcile or None)."""
    if phase_completed(orig.status.phase):
        return maybe_garbage_collect_analysis_run(cluster, orig), orig, _ttl_due(orig)
    run = orig
    resolved, err = get_resolved_metrics_without_secrets(run.spec.metrics, run.spec.args)
    if err is not None:
        return cluster, _errored(run, f"Unable to resolve metric arguments: {err}"), None
    err = au.validate_metrics(resolved)
    if err is not None:
        return cluster, _errored(run, f"Analysis spec invalid: {err}"), None
    dry_run, err = au.get_dry_run_metrics(run.spec.dry_run, resolved)
    if err is not None:
        return cluster, _errored(run, f"Analysis spec invalid: {err}"), None
    retention, err = au.get_measurement_retention_metrics(run.spec.measurement_retention,
                                                          resolved)
    if err is not None:
        return cluster, _errored(run, f"Analysis spec invalid: {err}"), None
    tasks = generate_metric_tasks(run, resolved, cluster.now)
    cluster, run, err = run_measurements(cluster, run, tasks, dry_run)
    if err is not None:
        return cluster, _errored(run, f"Unable to resolve metric arguments: {err}"), None
    run, phase, message = assess_run_status(run, resolved, dry_run, cluster.now)
    if phase != run.status.phase:
        status = attrs.evolve(run.status, phase=phase, message=message or None)
        if phase_completed(phase) and status.completed_at is None:
            status = attrs.evolve(status, completed_at=cluster.now)
        run = attrs.evolve(run, status=status)
    run = garbage_collect_measurements(run, retention, DEFAULT_MEASUREMENT_HISTORY_LIMIT)
    return cluster, run, calculate_next_reconcile_time(run, resolved, cluster.now)


def _errored(run: Any, message: str) -> Any:
    return attrs.evolve(run, status=attrs.evolve(run.status, phase=ERROR, message=message))


def get_resolved_metrics_without_secrets(metrics: Any, args: Any
                                         ) -> tuple[list[Metric], str | None]:
    """The metrics with `{{args.X}}` substituted (a secret argument stands in as a placeholder)."""
    placeholders = []
    for arg in args:
        if arg.value_from is not None and arg.value_from.secret_key_ref is not None:
            arg = attrs.evolve(arg, value_from=None, value="temp-for-secret")
        placeholders.append(arg)
    out = []
    for metric in metrics:
        resolved, err = au.resolve_metric_args(metric, placeholders)
        if err is not None or resolved is None:
            return [], err
        out.append(resolved)
    return out, None


def generate_metric_tasks(run: Any, metrics: list[Metric], now: int) -> list[MetricTask]:
    """generateMetricTasks: the measurements to take (or resume) now."""
    tasks = []
    terminating = au.is_terminating(run)
    for i, metric in enumerate(metrics):
        name = metric.name or ""
        if au.metric_completed(run, name):
            continue
        last = au.last_measurement(run, name)
        if last is not None and last.finished_at is None:
            if not terminating and last.resume_at is not None and last.resume_at > now:
                continue
            tasks.append(MetricTask(run.spec.metrics[i], last))
            continue
        if terminating:
            continue
        if last is None:
            if metric.initial_delay:
                if run.status.started_at is None:
                    continue
                delay = _seconds(metric.initial_delay)
                if delay is None or run.status.started_at + delay > now:
                    continue
            tasks.append(MetricTask(run.spec.metrics[i]))
            continue
        result = au.get_result(run, name)
        count = metric.effective_count()
        if count is not None and result is not None and (result.count or 0) >= count:
            continue
        interval = DEFAULT_ERROR_RETRY_INTERVAL
        if last.phase != ERROR and metric.interval:
            parsed = _seconds(metric.interval)
            if parsed is None:
                continue
            interval = parsed
        if now >= (last.finished_at or 0) + interval:
            tasks.append(MetricTask(run.spec.metrics[i]))
    return tasks


def _resolve_task_args(tasks: list[MetricTask], args: Any) -> tuple[list[MetricTask], str | None]:
    """resolveArgs without secrets: each task's metric with its arguments substituted."""
    for arg in args:
        if arg.value_from is not None and arg.value_from.secret_key_ref is not None:
            name = arg.value_from.secret_key_ref.get("name", "")
            return [], f'secrets "{name}" not found (kubefold does not resolve secret arguments)'
    out = []
    for task in tasks:
        resolved, err = au.resolve_metric_args(task.metric, args)
        if err is not None or resolved is None:
            return [], err
        out.append(attrs.evolve(task, metric=resolved))
    return out, None


def run_measurements(cluster: Cluster, run: Any, tasks: list[MetricTask],
                     dry_run: dict[str, bool]) -> tuple[Cluster, Any, str | None]:
    """runMeasurements: run, resume or terminate each task's measurement and count it."""
    terminating = au.is_terminating(run)
    tasks, err = _resolve_task_args(tasks, run.spec.args)
    if err is not None:
        return cluster, run, err
    for task in tasks:
        metric = task.metric
        if task.incomplete is None:
            cluster, m = provider.run(cluster, run, metric)
        elif terminating:
            cluster, m = provider.terminate(cluster, run, metric, task.incomplete)
            if m.phase in (SUCCESSFUL, INCONCLUSIVE):
                m = attrs.evolve(m, message="Metric Terminated")
        else:
            cluster, m = provider.resume(cluster, run, metric, task.incomplete)
        result = au.get_result(run, metric.name or "")
        if result is None:
            result = MetricResult(name=metric.name, phase=RUNNING,
                                  dry_run=True if dry_run.get(metric.name or "") else None)
        if phase_completed(m.phase):
            if m.finished_at is None:
                m = attrs.evolve(m, finished_at=cluster.now)
            result = _count(result, m.phase)
        measurements = list(result.measurements)
        if task.incomplete is None:
            measurements.append(m)
        else:
            measurements[-1] = m
        result = attrs.evolve(result, measurements=pvector(measurements))
        run = au.set_result(run, result)
    return cluster, run, None


def _count(result: MetricResult, phase: str | None) -> MetricResult:
    def inc(v: int | None) -> int:
        return (v or 0) + 1
    if phase == SUCCESSFUL:
        return attrs.evolve(result, successful=inc(result.successful), count=inc(result.count),
                            consecutive_error=0,
                            consecutive_success=inc(result.consecutive_success))
    if phase == FAILED:
        return attrs.evolve(result, failed=inc(result.failed), count=inc(result.count),
                            consecutive_error=0, consecutive_success=0)
    if phase == INCONCLUSIVE:
        return attrs.evolve(result, inconclusive=inc(result.inconclusive),
                            count=inc(result.count), consecutive_error=0,
                            consecutive_success=0)
    if phase == ERROR:
        return attrs.evolve(result, error=inc(result.error),
                            consecutive_error=inc(result.consecutive_error),
                            consecutive_success=0)
    return result


# -- assessment --------------------------------------------------------------------------------


def assess_run_status(run: Any, metrics: list[Metric], dry_run: dict[str, bool], now: int
                      ) -> tuple[Any, str, str]:
    """assessRunStatus: (the run with its metric phases and summaries, the run's phase, its
    message). Running while any metric is; then the worst phase of the metrics that are not
    dry-run."""
    worst: str | None = None
    worst_message = ""
    terminating = au.is_terminating(run)
    everything_completed = True
    status = run.status
    if status.started_at is None:
        run = attrs.evolve(run, status=attrs.evolve(status, started_at=now))
    if run.spec.terminate:
        worst_message = "Run Terminated"
    summary = {"count": 0, "successful": 0, "failed": 0, "inconclusive": 0, "error": 0}
    dry = dict(summary)
    for metric in metrics:
        name = metric.name or ""
        target = dry if dry_run.get(name) else summary
        target["count"] += 1
        result = au.get_result(run, name)
        if result is None:
            everything_completed = False
            continue
        metric_status = assess_metric_status(metric, result, terminating)
        if result.phase != metric_status:
            last = au.last_measurement(run, name)
            if last is not None:
                result = attrs.evolve(result, message=last.message)
            result = attrs.evolve(result, phase=metric_status)
            run = au.set_result(run, result)
        if not phase_completed(metric_status):
            everything_completed = False
            continue
        phase, message = assess_metric_failure_inconclusive_or_error(metric, result)
        if not dry_run.get(name):
            if worst is None or au.is_worse(worst, metric_status):
                worst = metric_status
                if message:
                    worst_message = (f'Metric "{name}" assessed {metric_status} due to '
                                     f"{message}")
                    if result.message:
                        worst_message += f': "Error Message: {result.message}"'
        else:
            if worst is None:
                worst = SUCCESSFUL
            if message:
                run = au.set_result(run, attrs.evolve(
                    result, message=f"Metric assessed {metric_status} due to {message}"))
        key = {ERROR: "error", FAILED: "failed", INCONCLUSIVE: "inconclusive"}.get(
            phase or "", "successful")
        target[key] += 1
    worst_message = worst_message.strip()
    run = attrs.evolve(run, status=attrs.evolve(
        run.status, run_summary=_run_summary(summary), dry_run_summary=_run_summary(dry)))
    if terminating:
        return run, worst or SUCCESSFUL, worst_message
    if not everything_completed or worst is None:
        return run, RUNNING, ""
    return run, worst, worst_message


def _run_summary(counts: dict[str, int]) -> RunSummary:
    return RunSummary(count=counts["count"], successful=counts["successful"],
                      failed=counts["failed"], inconclusive=counts["inconclusive"],
                      error=counts["error"])


def assess_metric_status(metric: Metric, result: MetricResult, terminating: bool) -> str:
    """assessMetricStatus: a metric's phase from its measurements and limits."""
    if phase_completed(result.phase):
        return result.phase or ""
    if not result.measurements:
        return SUCCESSFUL if terminating else PENDING
    last = result.measurements[-1]
    if not phase_completed(last.phase):
        return RUNNING
    phase, _ = assess_metric_failure_inconclusive_or_error(metric, result)
    if phase:
        return phase
    success_limit = int_value(metric.consecutive_success_limit)
    if metric.consecutive_success_limit is not None and success_limit > 0 \
            and (result.consecutive_success or 0) >= success_limit:
        return SUCCESSFUL
    count = metric.effective_count()
    if count is not None and (result.count or 0) >= count:
        failure_applicable = metric.failure_limit is None or int_value(metric.failure_limit) >= 0
        success_applicable = metric.consecutive_success_limit is not None and success_limit > 0
        if failure_applicable and success_applicable:
            return INCONCLUSIVE
        if success_applicable:
            return FAILED
        return SUCCESSFUL
    return SUCCESSFUL if terminating else RUNNING


def assess_metric_failure_inconclusive_or_error(metric: Metric, result: MetricResult
                                                ) -> tuple[str, str]:
    """Failed past failureLimit, Inconclusive past inconclusiveLimit, Error past
    consecutiveErrorLimit (the last that applies wins)."""
    phase, message = "", ""
    failure_limit = int_value(metric.failure_limit)
    if failure_limit >= 0 and (result.failed or 0) > failure_limit:
        phase = FAILED
        message = f"failed ({result.failed or 0}) > failureLimit ({failure_limit})"
    inconclusive_limit = int_value(metric.inconclusive_limit)
    if (result.inconclusive or 0) > inconclusive_limit:
        phase = INCONCLUSIVE
        message = (f"inconclusive ({result.inconclusive or 0}) > inconclusiveLimit "
                   f"({inconclusive_limit})")
    error_limit = get_consecutive_error_limit_or_default(metric)
    if (result.consecutive_error or 0) > error_limit:
        phase = ERROR
        message = (f"consecutiveErrors ({result.consecutive_error or 0}) > "
                   f"consecutiveErrorLimit ({error_limit})")
    return phase, message


def calculate_next_reconcile_time(run: Any, metrics: list[Metric], now: int) -> int | None:
    """calculateNextReconcileTime: the earliest next measurement of the metrics still going."""
    best: int | None = None

    def earliest(t: int) -> None:
        nonlocal best
        if best is None or t < best:
            best = t
    for metric in metrics:
        name = metric.name or ""
        if au.metric_completed(run, name):
            continue
        last = au.last_measurement(run, name)
        if last is None:
            if metric.initial_delay:
                delay = _seconds(metric.initial_delay)
                if delay is not None:
                    start = run.status.started_at if run.status.started_at is not None else now
                    earliest(start + delay)
            continue
        if last.finished_at is None:
            if last.resume_at is not None:
                earliest(last.resume_at)
            continue
        result = au.get_result(run, name)
        count = metric.effective_count()
        if count is not None and result is not None and (result.count or 0) >= count:
            continue
        if last.phase == ERROR:
            interval: int | None = DEFAULT_ERROR_RETRY_INTERVAL
        elif metric.interval:
            interval = _seconds(metric.interval)
            if interval is None:
                continue
        else:
            continue
        earliest(last.finished_at + interval)
    return best


def garbage_collect_measurements(run: Any, retention: dict[str, Any], limit: int) -> Any:
    """garbageCollectMeasurements: keep the newest `limit` (or the retention rule's)."""
    results = []
    for result in run.status.metric_results:
        rule = retention.get(result.name or "")
        keep = rule.limit if rule is not None and (rule.limit or 0) > 0 else limit
        if len(result.measurements) > keep:
            result = attrs.evolve(result, measurements=result.measurements[-keep:])
        results.append(result)
    return attrs.evolve(run, status=attrs.evolve(run.status, metric_results=pvector(results)))


def _ttl_seconds(run: Any) -> int | None:
    ttl = run.spec.ttl_strategy
    if not ttl or not phase_completed(run.status.phase) or run.status.completed_at is None:
        return None
    if run.status.phase == SUCCESSFUL and ttl.get("secondsAfterSuccess") is not None:
        return int(ttl["secondsAfterSuccess"])
    if run.status.phase == FAILED and ttl.get("secondsAfterFailure") is not None:
        return int(ttl["secondsAfterFailure"])
    if ttl.get("secondsAfterCompletion") is not None:
        return int(ttl["secondsAfterCompletion"])
    return None


def _ttl_due(run: Any) -> int | None:
    """When a completed run's TTL runs out (Go relies on the resync to notice)."""
    seconds = _ttl_seconds(run)
    if seconds is None or run.metadata.deletion_timestamp is not None:
        return None
    return run.status.completed_at + seconds + 1


def maybe_garbage_collect_analysis_run(cluster: Cluster, run: Any) -> Cluster:
    """Delete a completed run whose TTL has passed."""
    seconds = _ttl_seconds(run)
    if run.metadata.deletion_timestamp is not None or seconds is None:
        return cluster
    if cluster.now - run.status.completed_at <= seconds:
        return cluster
    deleted = apiserver.delete(cluster, "AnalysisRun", run.metadata.namespace,
                               run.metadata.name)
    return cluster if isinstance(deleted, Status) else deleted.cluster


# -- the controller ----------------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """syncHandler, then persistAnalysisRunStatus and the requeue."""
    namespace, _, name = key.rpartition("/")
    run = cluster.get("AnalysisRun", namespace, name)
    if run is None or run.metadata.deletion_timestamp is not None:
        return cluster
    cluster, new_run, next_time = reconcile_analysis_run(cluster, run)
    if new_run.status != run.status:
        fresh = cluster.get("AnalysisRun", namespace, name)
        if fresh is not None:
            written = apiserver.update_status(cluster, attrs.evolve(
                fresh, status=new_run.status, metadata=attrs.evolve(
                    fresh.metadata, resource_version=None)))
            if isinstance(written, Status):
                return cluster.enqueue_rate_limited(NAME, key)
            cluster = written.cluster
    if next_time is not None:
        cluster = cluster.enqueue_after(NAME, key, max(1, next_time - cluster.now))
    return cluster


def _owner_run_key(obj: Any) -> str | None:
    """jobParentReference: the AnalysisRun that owns a Job (or its uid label names)."""
    for ref in obj.metadata.owner_references:
        if ref.controller and ref.kind == "AnalysisRun":
            namespace = obj.metadata.annotations.get(provider.ANALYSIS_RUN_NAMESPACE_ANNOTATION) \
                or obj.metadata.namespace
            return f"{namespace}/{ref.name}"
    if obj.metadata.labels.get(provider.ANALYSIS_RUN_UID_LABEL):
        name = obj.metadata.annotations.get(provider.ANALYSIS_RUN_NAME_ANNOTATION)
        namespace = obj.metadata.annotations.get(provider.ANALYSIS_RUN_NAMESPACE_ANNOTATION) \
            or obj.metadata.namespace
        if name:
            return f"{namespace}/{name}"
    return None


def watch(cluster: Cluster, change: Change) -> list[str]:
    """Every AnalysisRun write enqueues it; a Job that is Complete or Failed enqueues its run."""
    if change.kind == "AnalysisRun":
        return [f"{change.namespace}/{change.name}"]
    if change.kind == "Job":
        job = change.new if change.new is not None else change.old
        if any(c.get("type") in ("Complete", "Failed") for c in provider.job_conditions(job)):
            key = _owner_run_key(job)
            return [] if key is None else [key]
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"AnalysisRun", "Job"}))

__all__ = ["CONTROLLER", "NAME", "assess_metric_status", "assess_run_status",
           "calculate_next_reconcile_time", "generate_metric_tasks", "reconcile_analysis_run",
           "sync", "watch"]
