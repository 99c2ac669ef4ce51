"""Metric providers: where a measurement's value comes from.

kubefold evaluates no provider's query. Every provider but `job` reads the latest `metric:`
sample whose name is the metric's name (in the run's namespace, or for every namespace), as
core/metrics.py `latest_metric` serves it, and evaluates the metric's conditions over it; the
query stays in the AnalysisRun as written. The `job` provider runs a real Job: it creates one
from the metric's job spec, and its measurement completes when the Job controller marks the
Job Complete (Successful) or Failed (Failed).

`run`, `resume` and `terminate` return (cluster, measurement) as the Go providers' Run, Resume
and Terminate return a Measurement; the job provider's writes go through the API server.

Models: metricproviders/job/job.go (newJobName, getJobIDSuffix, newMetricJob, Run, Resume,
Terminate, the analysisrun.argoproj.io labels and annotations), metricproviders/prometheus
(processResponse: a vector's value written `[a,b]`), utils/metric MarkMeasurementError,
argo-rollouts at 9f8d111.
Simplifies: a provider's own behaviour (Prometheus' range queries, Datadog's formulas,
Kayenta's scores, a web provider's jsonPath) is not modelled: the sample is the result. A
metric with no sample has a nil result (what a condition such as `default(result, 0) < 5`
is written for; others then fail to evaluate, as with no data). The job provider does not
look at its pods for image-pull errors (an Inconclusive measurement in Argo).
Covered by: tests/test_rollouts_analysis.py (job provider, samples).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status
from kubefold.core.metrics import latest_metric
from kubefold.core.rollouts import Measurement, Metric
from kubefold.core.schema import DecodeError, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.analysis.evaluate import ERROR, evaluate_result
from kubefold.reducers.rollouts.utils.analysis import get_result

JOB_NAME_KEY = "job-name"
JOB_NAMESPACE_KEY = "job-namespace"
ANALYSIS_RUN_NAME_ANNOTATION = "analysisrun.argoproj.io/name"
ANALYSIS_RUN_NAMESPACE_ANNOTATION = "analysisrun.argoproj.io/namespace"
ANALYSIS_RUN_METRIC_ANNOTATION = "analysisrun.argoproj.io/metric-name"
ANALYSIS_RUN_UID_LABEL = "analysisrun.argoproj.io/uid"
KUBERNETES_DNS_LIMIT = 63
RUNNING, SUCCESSFUL, FAILED, INCONCLUSIVE = "Running", "Successful", "Failed", "Inconclusive"


def provider_type(metric: Metric) -> str:
    """The provider a metric names (its first key), e.g. "prometheus", "job"."""
    for key, value in metric.provider.items():
        if value is not None:
            return str(key)
    return ""


def mark_measurement_error(m: Measurement, message: str, now: int) -> Measurement:
    """MarkMeasurementError."""
    return attrs.evolve(m, phase=ERROR, message=message,
                        finished_at=m.finished_at if m.finished_at is not None else now)


def format_value(value: Any) -> str:
    """A result as the providers write Measurement.Value: a number in Go's shortest fixed
    form, a list as `[a,b]`."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "[" + ",".join(format_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    if isinstance(value, int | float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value)


# -- samples -----------------------------------------------------------------------------------


def run_sample(cluster: Cluster, run: Any, metric: Metric) -> tuple[Cluster, Measurement]:
    """A measurement of the latest sample: taken, evaluated and finished now."""
    now = cluster.now
    result = latest_metric(cluster, metric.name or "", run.metadata.namespace)
    phase, err = evaluate_result(result, metric.success_condition, metric.failure_condition)
    m = Measurement(phase=phase, started_at=now, finished_at=now, value=format_value(result))
    if err is not None:
        m = attrs.evolve(m, message=err)
    return cluster, m


# -- job ---------------------------------------------------------------------------------------


def _job_id_suffix(run: Any, metric_name: str) -> int:
    result = get_result(run, metric_name)
    if result is None:
        return 1
    return (result.count or 0) + (result.error or 0) + 1


def new_job_name(run: Any, metric: Metric) -> str:
    """newJobName: `<run uid>.<metric>.<n>`, the metric name cut to fit 63 characters."""
    job_id = _job_id_suffix(run, metric.name or "")
    name = f"{run.metadata.uid}.{metric.name}.{job_id}"
    if len(name) <= KUBERNETES_DNS_LIMIT:
        return name
    over = len(name) - KUBERNETES_DNS_LIMIT
    return f"{run.metadata.uid}.{(metric.name or '')[:len(metric.name or '') - over]}.{job_id}"


def new_metric_job(run: Any, metric: Metric) -> dict[str, Any]:
    """newMetricJob: the metric's job spec, labelled and annotated for the run, owned by it."""
    job = thaw(metric.provider.get("job")) or {}
    meta = job.get("metadata") or {}
    labels = dict(meta.get("labels") or {})
    annotations = dict(meta.get("annotations") or {})
    labels[ANALYSIS_RUN_UID_LABEL] = run.metadata.uid
    annotations[ANALYSIS_RUN_NAME_ANNOTATION] = run.metadata.name
    annotations[ANALYSIS_RUN_NAMESPACE_ANNOTATION] = run.metadata.namespace
    annotations[ANALYSIS_RUN_METRIC_ANNOTATION] = metric.name
    spec = dict(job.get("spec") or {})
    template = dict(spec.get("template") or {})
    template_meta = dict(template.get("metadata") or {})
    template_meta["labels"] = {**(template_meta.get("labels") or {}),
                               ANALYSIS_RUN_UID_LABEL: run.metadata.uid}
    template["metadata"] = template_meta
    spec["template"] = template
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": new_job_name(run, metric),
                         "namespace": run.metadata.namespace,
                         "labels": labels, "annotations": annotations,
                         "ownerReferences": [{
                             "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
                             "name": run.metadata.name, "uid": run.metadata.uid,
                             "controller": True, "blockOwnerDeletion": True}]},
            "spec": spec}


def _controller_uid(obj: Any) -> str | None:
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref.uid
    return None


def run_job(cluster: Cluster, run: Any, metric: Metric) -> tuple[Cluster, Measurement]:
    """Job provider Run: create the Job (or adopt the one this run already made) and resume
    the measurement now."""
    now = cluster.now
    m = Measurement(phase=RUNNING, started_at=now)
    doc = new_metric_job(run, metric)
    try:
        job = decode_object(doc)
    except DecodeError as exc:
        return cluster, mark_measurement_error(m, str(exc), now)
    written = apiserver.create(cluster, job)
    if isinstance(written, Status):
        if written.reason != "AlreadyExists":
            return cluster, mark_measurement_error(m, written.message, now)
        existing = cluster.get("Job", job.metadata.namespace, job.metadata.name)
        if existing is None or _controller_uid(existing) != run.metadata.uid:
            return cluster, mark_measurement_error(m, written.message, now)
        created = existing
    else:
        cluster, created = written.cluster, written.object
    metadata = pmap({JOB_NAME_KEY: created.metadata.name,
                     JOB_NAMESPACE_KEY: created.metadata.namespace})
    return cluster, attrs.evolve(m, metadata=metadata, resume_at=now)


def job_conditions(job: Any) -> list[dict[str, Any]]:
    """The Job's status conditions, whichever class holds it."""
    status = encode_object(job).get("status") or {}
    return [c for c in status.get("conditions") or [] if isinstance(c, dict)]


def resume_job(cluster: Cluster, run: Any, metric: Metric, m: Measurement
               ) -> tuple[Cluster, Measurement]:
    """Job provider Resume: Complete -> Successful, Failed -> Failed; otherwise look again
    after sqrt(2 * elapsed) seconds."""
    now = cluster.now
    name = m.metadata.get(JOB_NAME_KEY)
    namespace = m.metadata.get(JOB_NAMESPACE_KEY) or run.metadata.namespace
    if not name:
        return cluster, mark_measurement_error(m, "job metadata reference missing", now)
    job = cluster.get("Job", namespace, name)
    if job is None:
        return cluster, mark_measurement_error(m, f'job.batch "{name}" not found', now)
    for condition in job_conditions(job):
        if condition.get("type") == "Complete" and condition.get("status", "True") == "True":
            m = attrs.evolve(m, finished_at=now, phase=SUCCESSFUL)
        elif condition.get("type") == "Failed" and condition.get("status", "True") == "True":
            m = attrs.evolve(m, finished_at=now, phase=FAILED)
    if m.phase in (SUCCESSFUL, FAILED):
        return cluster, m
    elapsed = now - (m.started_at or now)
    delay = int(math.sqrt(2 * elapsed))
    return cluster, attrs.evolve(m, resume_at=now + delay)


def terminate_job(cluster: Cluster, run: Any, metric: Metric, m: Measurement
                  ) -> tuple[Cluster, Measurement]:
    """Job provider Terminate: delete the Job; the measurement ends Inconclusive."""
    now = cluster.now
    name = m.metadata.get(JOB_NAME_KEY)
    namespace = m.metadata.get(JOB_NAMESPACE_KEY) or run.metadata.namespace
    if name:
        deleted = apiserver.delete(cluster, "Job", namespace, name, "Background")
        if isinstance(deleted, Status):
            if deleted.reason != "NotFound":
                return cluster, mark_measurement_error(m, deleted.message, now)
        else:
            cluster = deleted.cluster
    return cluster, attrs.evolve(m, finished_at=now, phase=INCONCLUSIVE)


# -- dispatch ----------------------------------------------------------------------------------


def run(cluster: Cluster, run_obj: Any, metric: Metric) -> tuple[Cluster, Measurement]:
    if provider_type(metric) == "job":
        return run_job(cluster, run_obj, metric)
    return run_sample(cluster, run_obj, metric)


def resume(cluster: Cluster, run_obj: Any, metric: Metric, m: Measurement
           ) -> tuple[Cluster, Measurement]:
    if provider_type(metric) == "job":
        return resume_job(cluster, run_obj, metric, m)
    return cluster, m  # a sample measurement is never left in flight


def terminate(cluster: Cluster, run_obj: Any, metric: Metric, m: Measurement
              ) -> tuple[Cluster, Measurement]:
    if provider_type(metric) == "job":
        return terminate_job(cluster, run_obj, metric, m)
    return cluster, attrs.evolve(m, finished_at=cluster.now, phase=INCONCLUSIVE)
