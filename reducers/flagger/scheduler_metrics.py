"""The analysis' metric checks, against the `metric:` samples in force.

Each check reads the newest sample named as the metric: one for the Canary itself
(`metric: {name, value, namespace, object: {kind: Canary, name}}`) when there is one, else the
newest one for its namespace or for every namespace (`metric: {name, value, namespace}`: a
sample given with only a namespace applies to every Canary there). A list value is read as a
Prometheus vector: its last element; an empty list or no sample at all is Flagger's "no values
found", a failed check. The built-in `request-success-rate` is a percentage (0-100) and
`request-duration` milliseconds (truncated to whole ones, as Go's time.Duration(int64(v))
does); a metric with an inline `query` or a `templateRef` (whose MetricTemplate must exist)
reads the sample named as the metric.

Models: fluxcd/flagger pkg/controller/scheduler_metrics.go (runBuiltinMetricChecks,
runMetricChecks, toMetricModel) with the messages Flagger records, and
pkg/metrics/providers/prometheus.go's RunQuery (the last value of the vector; NaN or none is
ErrNoValuesFound).
Simplifies: queries are kept, not evaluated (no Prometheus); checkMetricProviderAvailability
finds every provider online; a MetricTemplate is looked up (with its provider's secret) but
its provider type is not.
Covered by: tests/test_flagger_scheduler.py (TestController_runMetricChecks), tests/
test_flagger_e2e.py.
"""

from __future__ import annotations

import math
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import (
    ROLLOUT_HOOK,
    Canary,
    CanaryMetric,
    get_analysis,
    go_duration_string,
    go_float,
    target_kind,
    target_name,
)
from kubefold.core.metrics import external_metric, object_metric, values_of
from kubefold.core.schema import thaw
from kubefold.reducers.flagger.events import warning

SUCCESS_RATE = "request-success-rate"
DURATION = "request-duration"
BUILTIN = (SUCCESS_RATE, DURATION)
MESH_PROVIDER = "istio"  # Flagger's -mesh-provider default
NO_VALUES = "no values found"

Checked = tuple[Cluster, bool]


def sample_value(cluster: Cluster, cd: Canary, name: str) -> float | None:
    """The value a query for metric `name` returns for the Canary, or None (no values)."""
    namespace = cd.metadata.namespace or "default"
    sample = object_metric(cluster, name, namespace, "Canary", cd.metadata.name or "")
    if sample is None:
        found = external_metric(cluster, name, namespace)
        sample = found[-1] if found else None
    if sample is None:
        return None
    values = values_of(thaw(sample.value))
    if not values:
        return None
    value = float(values[-1])
    return None if math.isnan(value) else value


def metrics_provider(cd: Canary, mesh_provider: str = MESH_PROVIDER) -> str:
    """The observer's provider name: the Canary's provider over the mesh's (Linkerd's when
    the mesh is Linkerd), `:service` for a Service target."""
    provider = "crossover" if "crossover" in mesh_provider else mesh_provider
    if cd.spec.provider:
        provider = "linkerd" if "linkerd" in mesh_provider else cd.spec.provider
    if target_kind(cd) == "Service":
        provider += ":service"
    return provider


def _in_range(cluster: Cluster, cd: Canary, metric: CanaryMetric, value: float,
              describe: Any) -> Checked:
    """The thresholdRange's min and max (the deprecated threshold is checked by the caller)."""
    rng = metric.threshold_range
    assert rng is not None
    who = f"{cd.metadata.name}.{cd.metadata.namespace}"
    if rng.min is not None and value < describe.bound(rng.min):
        return warning(cluster, cd, f"Halt {who} advancement {describe(value, '<', rng.min)}"), \
            False
    if rng.max is not None and value > describe.bound(rng.max):
        return warning(cluster, cd, f"Halt {who} advancement {describe(value, '>', rng.max)}"), \
            False
    return cluster, True


class _SuccessRate:
    def __call__(self, value: float, op: str, bound: float) -> str:
        return f"success rate {value:.2f}% {op} {go_float(bound)}%"

    def bound(self, bound: float) -> float:
        return bound


class _Duration:
    def __call__(self, value: float, op: str, bound: float) -> str:
        return f"request duration {go_duration_string(int(value) * 1_000_000)} {op} " \
               f"{go_duration_string(int(self.bound(bound)) * 1_000_000)}"

    def bound(self, bound: float) -> float:
        return float(int(bound))  # time.Duration(*tr.Min) * time.Millisecond


class _Query:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: float, op: str, bound: float) -> str:
        return f"{self.name} {value:.2f} {op} {go_float(bound)}"

    def bound(self, bound: float) -> float:
        return bound


def _check(cluster: Cluster, cd: Canary, metric: CanaryMetric, value: float,
           describe: Any, deprecated_fails: bool, deprecated_op: str) -> Checked:
    if metric.threshold_range is not None:
        return _in_range(cluster, cd, metric, value, describe)
    if deprecated_fails:
        who = f"{cd.metadata.name}.{cd.metadata.namespace}"
        text = describe(value, deprecated_op, metric.threshold or 0)
        return warning(cluster, cd, f"Halt {who} advancement {text}"), False
    return cluster, True


def run_builtin_metric_checks(cluster: Cluster, cd: Canary,
                              mesh_provider: str = MESH_PROVIDER) -> Checked:
    """runBuiltinMetricChecks: request-success-rate, request-duration and inline queries."""
    provider = metrics_provider(cd, mesh_provider)
    target = f"{target_name(cd)}.{cd.metadata.namespace}"
    for metric in get_analysis(cd).metrics:
        name = metric.name or ""
        if name == SUCCESS_RATE:
            value = sample_value(cluster, cd, name)
            if value is None:
                return warning(cluster, cd, f"Halt advancement no values found for {provider} "
                                            f"metric {name} probably {target} is not receiving "
                                            f"traffic: running query failed: {NO_VALUES}"), False
            cluster, ok = _check(cluster, cd, metric, value, _SuccessRate(),
                                 (metric.threshold or 0) > value, "<")
            if not ok:
                return cluster, False
        if name == DURATION:
            value = sample_value(cluster, cd, name)
            if value is None:
                return warning(cluster, cd, f"Halt advancement no values found for {provider} "
                                            f"metric {name} probably {target} is not receiving "
                                            "traffic"), False
            value = float(int(value))
            cluster, ok = _check(cluster, cd, metric, value, _Duration(),
                                 value > int(metric.threshold or 0), ">")
            if not ok:
                return cluster, False
        if metric.query:
            value = sample_value(cluster, cd, name)
            if value is None:
                return warning(cluster, cd, "Halt advancement no values found for metric: "
                                            f"{name}"), False
            cluster, ok = _check(cluster, cd, metric, value, _Query(name),
                                 value > (metric.threshold or 0), ">")
            if not ok:
                return cluster, False
    return cluster, True


def run_metric_checks(cluster: Cluster, cd: Canary) -> Checked:
    """runMetricChecks: the metrics with a MetricTemplate; a metric that is neither built in
    nor has a template or a query fails."""
    for metric in get_analysis(cd).metrics:
        name = metric.name or ""
        ref = thaw(metric.template_ref)
        if ref is not None:
            namespace = ref.get("namespace") or cd.metadata.namespace or "default"
            template_name = ref.get("name") or ""
            template = cluster.get("MetricTemplate", namespace, template_name)
            if template is None:
                return warning(cluster, cd, f"Metric template {template_name}.{namespace} "
                                            f'error: metrictemplates.flagger.app '
                                            f'"{template_name}" not found'), False
            secret = (((thaw(template.extra.get("spec")) or {}).get("provider") or {})
                      .get("secretRef") or {}).get("name")
            if secret and cluster.get("Secret", namespace, secret) is None:
                return warning(cluster, cd, f"Metric template {template_name}.{namespace} "
                                            f'secret {secret} error: secrets "{secret}" not '
                                            "found"), False
            value = sample_value(cluster, cd, name)
            if value is None:
                return warning(cluster, cd, "Halt advancement no values found for custom "
                                            f"metric: {name}: {NO_VALUES}"), False
            cluster, ok = _check(cluster, cd, metric, value, _Query(name),
                                 value > (metric.threshold or 0), ">")
            if not ok:
                return cluster, False
        elif name not in BUILTIN and not metric.query:
            return warning(cluster, cd, "Metric query failed for no usable metrics template "
                                        "and query were configured"), False
    return cluster, True


def run_analysis(cluster: Cluster, cd: Canary, mesh_provider: str = MESH_PROVIDER) -> Checked:
    """runAnalysis: the rollout webhooks (which succeed), the built-in and inline metric
    checks, then the templated ones."""
    for hook in get_analysis(cd).webhooks:
        if hook.type in (None, "", ROLLOUT_HOOK):
            continue  # CallWebhook succeeds: no load test runs in kubefold
    cluster, ok = run_builtin_metric_checks(cluster, cd, mesh_provider)
    if not ok:
        return cluster, False
    return run_metric_checks(cluster, cd)
