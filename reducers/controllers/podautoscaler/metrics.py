"""The HPA's metrics client: what it asks the resource, custom and external metrics APIs, read
from the samples the cluster value keeps (core/metrics.py), and the utilization arithmetic.

Each getter returns Go's `(value, timestamp, err)`: `err` is None or the error's text.

Models (v1.34): pkg/controller/podautoscaler/metrics/client.go (GetResourceMetric,
getContainerMetrics, which leaves out a pod whose metrics lack the container, getPodMetrics,
GetRawMetric, GetObjectMetric, GetExternalMetric),
interfaces.go (PodMetric, PodMetricsInfo) and utilization.go (GetResourceUtilizationRatio,
GetMetricUsageRatio).
Simplifies: an Object metric with no sample fails with the message a metrics adapter's 404 gives
(`the server could not find the metric ...`); the metric APIs never fail otherwise.
Covered by: tests/test_replica_calculator.py, tests/test_horizontal.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.kinds import kind_info
from kubefold.core.labels import EVERYTHING, Selector, matches_nothing
from kubefold.core.metrics import (
    CUSTOM_METRIC_WINDOW,
    PodUsage,
    external_metric,
    milli_value,
    object_metric,
    pod_usages,
    pods_metric,
    values_of,
)
from kubefold.core.objects import Pod
from kubefold.core.quantity import Quantity


@attrs.frozen
class PodMetric:
    """One pod's value of a metric (milli-units), with the sample's timestamp and window."""

    timestamp: int
    window: int
    value: int


PodMetricsInfo: TypeAlias = dict[str, PodMetric]


def get_resource_metric(cluster: Cluster, resource: str, namespace: str, selector: Selector,
                        container: str, pods: Iterable[Pod] | None = None
                        ) -> tuple[PodMetricsInfo, int | None, str | None]:
    """GetResourceMetric: per pod, the resource's usage summed over containers (or of one
    container), and the first item's timestamp. `pods`: the selected pods when the caller has
    listed them already."""
    items = pod_usages(cluster, namespace, selector, pods)
    if not items:
        return {}, None, "no metrics returned from resource metrics API"
    res = get_container_metrics(items, resource, container) if container \
        else get_pod_metrics(items, resource)
    return res, items[0].timestamp, None


def get_container_metrics(items: list[PodUsage], resource: str, container: str
                          ) -> PodMetricsInfo:
    """getContainerMetrics: a pod without that container in its metrics (or without the
    resource in it) is left out, as one missing its metrics."""
    res: PodMetricsInfo = {}
    for m in items:
        containers: Mapping[str, Mapping[str, Quantity]] = m.containers or {}
        value = containers.get(container, {}).get(resource)
        if value is not None:
            res[m.name] = PodMetric(m.timestamp, m.window, value.milli_value())
    return res


def get_pod_metrics(items: list[PodUsage], resource: str) -> PodMetricsInfo:
    """getPodMetrics: the sum over containers; a pod missing the resource in any container is
    left out. A sample given for the whole pod counts as its one total."""
    res: PodMetricsInfo = {}
    for m in items:
        parts = list(m.containers.values()) if m.containers is not None else [m.total]
        if not parts or any(resource not in p for p in parts):
            continue
        res[m.name] = PodMetric(m.timestamp, m.window,
                                sum(p[resource].milli_value() for p in parts))
    return res


def get_raw_metric(cluster: Cluster, metric_name: str, namespace: str, selector: Selector,
                   metric_selector: Selector) -> tuple[PodMetricsInfo, int | None, str | None]:
    """GetRawMetric: a Pods metric per selected pod."""
    items = pods_metric(cluster, metric_name, namespace, selector, on_the_wire(metric_selector))
    if not items:
        return {}, None, "no metrics returned from custom metrics API"
    res = {m.pod or "": PodMetric(m.timestamp, CUSTOM_METRIC_WINDOW, milli_value(m.value))
           for m in items}
    return res, items[0].timestamp, None


def get_object_metric(cluster: Cluster, metric_name: str, namespace: str, kind: str,
                      name: str, metric_selector: Selector) -> tuple[int, int | None, str | None]:
    """GetObjectMetric: the metric of one object (of the namespace for a Namespace)."""
    sample = object_metric(cluster, metric_name, namespace, kind, name,
                           on_the_wire(metric_selector))
    if sample is None:
        resource = kind_info(kind).resource
        target = namespace if kind == "Namespace" else name
        return 0, None, ("unable to fetch metrics from custom metrics API: the server could not "
                         f"find the metric {metric_name} for {resource} {target}")
    return milli_value(sample.value), sample.timestamp, None


def get_external_metric(cluster: Cluster, metric_name: str, namespace: str,
                        selector: Selector) -> tuple[list[int], int | None, str | None]:
    """GetExternalMetric: every matching value (a list sample gives one item per element)."""
    items = external_metric(cluster, metric_name, namespace, on_the_wire(selector))
    values = [milli_value(v) for s in items for v in values_of(s.value)]
    if not values:
        return [], None, "no metrics returned from external metrics API"
    return values, items[0].timestamp, None


def on_the_wire(selector: Selector) -> Selector:
    """The metric selector as the metrics APIs receive it: labels.Nothing() (what a nil
    LabelSelector converts to) prints as "", which selects every series."""
    return EVERYTHING if matches_nothing(selector) else selector


# -- utilization.go --------------------------------------------------------------------------


def get_resource_utilization_ratio(metrics: PodMetricsInfo, requests: dict[str, int],
                                   target_utilization: int
                                   ) -> tuple[float, int, int, str | None]:
    """GetResourceUtilizationRatio: (usage ratio, utilization %, raw average value, err)."""
    metrics_total = requests_total = entries = 0
    for pod_name, metric in metrics.items():
        request = requests.get(pod_name)
        if request is None:
            continue  # missing requests are checked elsewhere: extraneous metrics
        metrics_total += metric.value
        requests_total += request
        entries += 1
    if requests_total == 0:
        return 0.0, 0, 0, "no metrics returned matched known pods"
    utilization = _go_div(metrics_total * 100, requests_total)
    return utilization / target_utilization, utilization, _go_div(metrics_total, entries), None


def get_metric_usage_ratio(metrics: PodMetricsInfo, target_usage: int) -> tuple[float, int]:
    """GetMetricUsageRatio: (usage ratio, average usage)."""
    total = sum(m.value for m in metrics.values())
    usage = _go_div(total, len(metrics))
    return usage / target_usage, usage


def _go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q
