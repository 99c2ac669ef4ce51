"""Metric samples, kept as metrics-server and a custom/external metrics adapter would serve them.

The world's `usage:` and `metric:` events (reducers/world/metrics.py) write samples here; the
HorizontalPodAutoscaler, Argo Rollouts' analysis and Flagger read them through the queries
below. A sample holds from its event's time until the next sample for the same target replaces
it; nothing here is an API object, so a dump never shows it.

- `PodUsage` is one PodMetrics (metrics.k8s.io/v1beta1): the cpu and memory a pod uses, per
  container or summed, with the sample's timestamp and window. It belongs to the pod it was
  taken from (its uid): a pod recreated under the same name has no sample until the next one.
- `Sample` is one value of a named metric: for a pod (a Pods metric, custom.metrics.k8s.io), for
  an object (an Object metric), or, with neither, for a namespace or the whole cluster (an
  External metric, external.metrics.k8s.io, matched by its labels; and what analysis reads).
  Its `value` is as written: a number, or a list of numbers (as a Prometheus vector query
  returns them).

Targets: a pod usage by (namespace, pod); a Pods sample by (namespace, pod, metric, labels); an
Object sample by (namespace, kind, name, metric, labels); an External sample by (metric,
namespace or every namespace, labels). `latest` keeps, per metric name and namespace, the newest
sample of any kind, for `latest_metric`.

Models: the resource metrics API (k8s.io/metrics pkg/apis/metrics/v1beta1 PodMetrics,
ContainerMetrics), the custom metrics API (custom_metrics/v1beta2 MetricValue) and the external
metrics API (external_metrics/v1beta1 ExternalMetricValue), as the HPA's REST metrics client
lists them (pkg/controller/podautoscaler/metrics/client.go, v1.34).
Simplifies: a PodMetrics' window is metrics-server's default resolution (15 s) and a custom
metric's the HPA client's default (one minute), as samples carry neither; an Object metric
matches its described object by kind and name (not by API group); samples of deleted pods stay
in the store (they are never read: a query looks pods up by their current uid).
Costs: every write and lookup is O(log n) in the samples kept (pyrsistent maps); a query over a
selector costs the selected pods, as a lister filtered by a selector does.
Covered by: tests/test_metrics.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
from pyrsistent import PMap, PVector, pmap

from kubefold.core.labels import EVERYTHING, Selector
from kubefold.core.quantity import Quantity, json_number_text, parse_quantity
from kubefold.core.schema import thaw

if TYPE_CHECKING:
    from kubefold.core.cluster import Cluster

POD_METRICS_WINDOW = 15  # metrics-server's --metric-resolution: the window of its PodMetrics
CUSTOM_METRIC_WINDOW = 60  # metricServerDefaultMetricWindow: a custom metric without a window

Labels: TypeAlias = PMap[str, str]
ResourceUsage: TypeAlias = PMap[str, Quantity]

POD = "pod"
OBJECT = "object"
EXTERNAL = "external"


@attrs.frozen
class PodUsage:
    """One PodMetrics: usage per container (None when the sample gave only the pod's total)
    and the total, summed over containers."""

    namespace: str
    name: str
    uid: str | None
    timestamp: int
    window: int
    total: ResourceUsage
    containers: PMap[str, ResourceUsage] | None = None


@attrs.frozen
class Sample:
    """One value of a named metric, for a pod, an object, or a namespace (None: every one)."""

    name: str
    value: Any  # int, float, or a pvector of them: as the event wrote it
    timestamp: int
    seq: int
    kind: str  # POD, OBJECT or EXTERNAL
    namespace: str | None
    labels: Labels = attrs.field(factory=pmap)
    pod: str | None = None
    pod_uid: str | None = None
    object_kind: str | None = None
    object_name: str | None = None


def _set_in(outer: PMap, key: Any, inner_key: Any, value: Any) -> PMap:
    return outer.set(key, outer.get(key, pmap()).set(inner_key, value))


@attrs.frozen
class MetricsStore:
    """Every sample in force, by target, and the newest sample of each name per namespace."""

    usage: PMap[tuple[str, str], PodUsage] = attrs.field(factory=pmap)
    pods: PMap[tuple[str, str], PMap[tuple[str, Labels], Sample]] = attrs.field(factory=pmap)
    objects: PMap[tuple[str, str, str], PMap[tuple[str, Labels], Sample]] = attrs.field(
        factory=pmap)
    external: PMap[str, PMap[tuple[str, Labels], Sample]] = attrs.field(factory=pmap)
    latest: PMap[str, PMap[str, Sample]] = attrs.field(factory=pmap)
    seq: int = 0

    def with_usage(self, usage: PodUsage) -> MetricsStore:
        """The store with `usage` replacing the pod's previous one."""
        return attrs.evolve(self, usage=self.usage.set((usage.namespace, usage.name), usage))

    def with_sample(self, sample: Sample) -> MetricsStore:
        """The store with `sample` (its `seq` assigned here) replacing the previous sample for
        the same target."""
        sample = attrs.evolve(sample, seq=self.seq)
        key = (sample.name, sample.labels)
        store = attrs.evolve(self, seq=self.seq + 1,
                             latest=_set_in(self.latest, sample.name, sample.namespace or "",
                                            sample))
        if sample.kind == POD:
            return attrs.evolve(store, pods=_set_in(
                store.pods, (sample.namespace, sample.pod), key, sample))
        if sample.kind == OBJECT:
            target = (sample.namespace, sample.object_kind, sample.object_name)
            return attrs.evolve(store, objects=_set_in(store.objects, target, key, sample))
        return attrs.evolve(store, external=_set_in(
            store.external, sample.name, (sample.namespace or "", sample.labels), sample))


# -- values ----------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def values_of(value: Any) -> list[int | float]:
    """A sample's value as a list: the number, or the list's numbers."""
    if isinstance(value, PVector | list | tuple):
        return list(value)
    return [value]


def milli_value(value: int | float) -> int:
    """The number as a Quantity's MilliValue() (thousandths, rounded away from zero): what a
    metrics API serves for it (8.6 -> 8600)."""
    return parse_quantity(json_number_text(value)).milli_value()


# -- queries ---------------------------------------------------------------------------------


def _current_pod_uid(cluster: Cluster, namespace: str, name: str) -> str | None:
    pod = cluster.get("Pod", namespace, name)
    return None if pod is None else (pod.metadata.uid or "")


def pod_usage(cluster: Cluster, namespace: str, pod: str) -> PodUsage | None:
    """The pod's PodMetrics, or None when the pod has none (or no longer exists)."""
    usage = cluster.metrics.usage.get((namespace, pod))
    if usage is None or usage.uid != _current_pod_uid(cluster, namespace, pod):
        return None
    return usage


def pod_usages(cluster: Cluster, namespace: str, selector: Selector,
               pods: Iterable[Any] | None = None) -> list[PodUsage]:
    """PodMetricses(namespace).List(selector): the PodMetrics of the selected pods that have
    one, by pod name (`pods`: those pods, when the caller has listed them already)."""
    found = []
    for pod in cluster.select("Pod", namespace, selector) if pods is None else pods:
        usage = cluster.metrics.usage.get((namespace, pod.metadata.name))
        if usage is not None and usage.uid == (pod.metadata.uid or ""):
            found.append(usage)
    return found


def _newest(samples: Any, name: str, metric_selector: Selector) -> Sample | None:
    best: Sample | None = None
    for (sample_name, labels), sample in samples.items():
        if sample_name == name and metric_selector.matches(labels) \
                and (best is None or sample.seq > best.seq):
            best = sample
    return best


def pods_metric(cluster: Cluster, name: str, namespace: str, selector: Selector,
                metric_selector: Selector = EVERYTHING) -> list[Sample]:
    """A Pods metric for the selected pods (GetForObjects(Pod, selector, name, metricSelector)):
    per pod, the newest sample of that name whose labels the metric selector matches, by pod
    name."""
    found = []
    for pod in cluster.select("Pod", namespace, selector):
        samples = cluster.metrics.pods.get((namespace, pod.metadata.name))
        if samples is None:
            continue
        sample = _newest(samples, name, metric_selector)
        if sample is not None and sample.pod_uid == (pod.metadata.uid or ""):
            found.append(sample)
    return found


def object_metric(cluster: Cluster, name: str, namespace: str, kind: str, object_name: str,
                  metric_selector: Selector = EVERYTHING) -> Sample | None:
    """An Object metric (GetForObject(kind, name, metric, metricSelector)): the newest sample of
    that name for the object. For a Namespace the object is the namespace itself, whatever name
    the reference gives (as the HPA's client asks the root-scoped API)."""
    if kind == "Namespace":
        object_name = namespace
    samples = cluster.metrics.objects.get((namespace, kind, object_name))
    return None if samples is None else _newest(samples, name, metric_selector)


def external_metric(cluster: Cluster, name: str, namespace: str,
                    metric_selector: Selector = EVERYTHING) -> list[Sample]:
    """An External metric (NamespacedMetrics(namespace).List(name, selector)): every sample of
    that name for the namespace or for every namespace whose labels the selector matches, in
    the order they were written."""
    samples = cluster.metrics.external.get(name, pmap())
    found = [s for (ns, labels), s in samples.items()
             if ns in (namespace, "") and metric_selector.matches(labels)]
    return sorted(found, key=lambda s: s.seq)


def latest_sample(cluster: Cluster, name: str, namespace: str | None = None) -> Sample | None:
    """The newest sample named `name` of any kind: in `namespace` or for every namespace when
    one is given, anywhere when none is."""
    by_namespace = cluster.metrics.latest.get(name)
    if by_namespace is None:
        return None
    if namespace is None:
        candidates = list(by_namespace.values())
    else:
        candidates = [s for ns in (namespace, "") if (s := by_namespace.get(ns)) is not None]
    return max(candidates, key=lambda s: s.seq, default=None)


def latest_metric(cluster: Cluster, name: str, namespace: str | None = None) -> Any:
    """The value of `latest_sample`, as written (a number or a list; None when there is no
    sample): what an analysis' `result` is."""
    sample = latest_sample(cluster, name, namespace)
    return None if sample is None else thaw(sample.value)
