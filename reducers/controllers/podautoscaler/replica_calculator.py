"""The replica calculator: from metrics and pods to a proposed replica count.

Each method returns Go's results with `err` last (None, or the error's text). Pods are found
through `cluster.select("Pod", namespace, selector)`, the pod lister filtered by the selector.

Models (v1.34): pkg/controller/podautoscaler/replica_calculator.go (Tolerances and isWithin,
GetResourceReplicas, GetRawResourceReplicas, GetMetricReplicas, calcPlainMetricReplicas,
GetObjectMetricReplicas, getUsageRatioReplicaCount, GetObjectPerPodMetricReplicas,
getReadyPodsCount, GetExternalMetricReplicas, GetExternalPerPodMetricReplicas, getPerPodUsage,
groupPods, calculateRequests with pod-level requests (PodLevelResources, beta and on in
v1.34), calculatePodRequestsFromContainers, removeMetricsForPods).
Simplifies: pod-level requests are the pod's `spec.resources.requests` where set, else the sum
of its containers' (resourcehelpers.PodRequests also folds in init containers' maxima and the
pod overhead); replica counts beyond int32 are capped as the newer Go does.
Covered by: tests/test_replica_calculator.py (ports of replica_calculator_test.go).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.labels import Selector, label_selector_as_selector
from kubefold.core.objects import LabelSelector, Pod
from kubefold.core.podutil import get_pod_condition, is_pod_ready, is_pod_terminal
from kubefold.core.quantity import quantity_from_json
from kubefold.reducers.controllers.podautoscaler import metrics as metricsclient
from kubefold.reducers.controllers.podautoscaler.metrics import PodMetric, PodMetricsInfo

MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
POD_LEVEL_RESOURCES = True  # feature gate PodLevelResources: beta, on in v1.34
SUPPORTED_POD_LEVEL_RESOURCES = ("cpu", "memory")


@attrs.frozen
class Tolerances:
    """The usage-ratio tolerances below and above 1."""

    scale_down: float
    scale_up: float

    def __str__(self) -> str:
        return f"[down:{self.scale_down * 100:.1f}%, up:{self.scale_up * 100:.1f}%]"

    def is_within(self, usage_ratio: float) -> bool:
        """isWithin: 1 - down <= ratio <= 1 + up."""
        return (1.0 - self.scale_down) <= usage_ratio <= (1.0 + self.scale_up)


def _ceil(value: float) -> int:
    """int32(math.Ceil(value)), capped at MaxInt32."""
    return MAX_INT32 if value > MAX_INT32 else math.ceil(value)


@attrs.frozen
class ReplicaCalculator:
    """The kube-controller-manager flags the calculator uses:
    --horizontal-pod-autoscaler-cpu-initialization-period (5 min) and
    --horizontal-pod-autoscaler-initial-readiness-delay (30 s)."""

    cpu_initialization_period: int = 300
    delay_of_initial_readiness_status: int = 30
    # The pods one sync has already listed (namespace, selector, pods): the informer cache
    # Go's calculator reads is the same for the whole sync, so one listing serves it.
    listed: tuple[str, Selector, tuple[Pod, ...]] | None = attrs.field(
        default=None, eq=False, repr=False)

    def with_pods(self, namespace: str, selector: Selector, pods: Iterable[Pod]
                  ) -> ReplicaCalculator:
        """This calculator for one sync, whose pod lister already returned `pods`."""
        return attrs.evolve(self, listed=(namespace, selector, tuple(pods)))

    def _pods(self, cluster: Cluster, namespace: str, selector: Selector) -> list[Pod]:
        listed = self.listed
        if listed is not None and listed[0] == namespace and listed[1] == selector:
            return list(listed[2])
        return cluster.select("Pod", namespace, selector)

    def get_resource_replicas(self, cluster: Cluster, current_replicas: int,
                              target_utilization: int, resource: str, tolerances: Tolerances,
                              namespace: str, selector: Selector, container: str
                              ) -> tuple[int, int, int, int | None, str | None]:
        """GetResourceReplicas: (replicas, utilization %, raw average, timestamp, err)."""
        pods = self._pods(cluster, namespace, selector)
        metrics, timestamp, err = metricsclient.get_resource_metric(
            cluster, resource, namespace, selector, container, pods)
        if err is not None:
            return 0, 0, 0, None, f"unable to get metrics for resource {resource}: {err}"
        if not pods:
            return 0, 0, 0, None, "no pods returned by selector while calculating replica count"
        ready, unready, missing, ignored = group_pods(
            pods, metrics, resource, self.cpu_initialization_period,
            self.delay_of_initial_readiness_status, cluster.now)
        remove_metrics_for_pods(metrics, ignored)
        remove_metrics_for_pods(metrics, unready)
        if not metrics:
            return 0, 0, 0, None, "did not receive metrics for targeted pods (pods might be " \
                                  "unready)"
        requests, err = calculate_requests(pods, container, resource)
        if err is not None:
            return 0, 0, 0, None, err
        ratio, utilization, raw, err = metricsclient.get_resource_utilization_ratio(
            metrics, requests, target_utilization)
        if err is not None:
            return 0, 0, 0, None, err
        scale_up_with_unready = bool(unready) and ratio > 1.0
        if not scale_up_with_unready and not missing:
            if tolerances.is_within(ratio):
                return current_replicas, utilization, raw, timestamp, None
            return _ceil(ratio * ready), utilization, raw, timestamp, None
        if missing:
            if ratio < 1.0:
                # on a scale-down, missing pods use 100% of their request (or the target, when
                # it is above 100%)
                fallback = max(100, target_utilization)
                for name in missing:
                    metrics[name] = PodMetric(0, 0, requests[name] * fallback // 100)
            elif ratio > 1.0:
                for name in missing:  # on a scale-up, missing pods use 0%
                    metrics[name] = PodMetric(0, 0, 0)
        if scale_up_with_unready:
            for name in unready:  # on a scale-up, unready pods use 0%
                metrics[name] = PodMetric(0, 0, 0)
        new_ratio, _, _, err = metricsclient.get_resource_utilization_ratio(
            metrics, requests, target_utilization)
        if err is not None:
            return 0, utilization, raw, None, err
        return (_rerun_result(current_replicas, ratio, new_ratio, len(metrics), tolerances),
                utilization, raw, timestamp, None)

    def get_raw_resource_replicas(self, cluster: Cluster, current_replicas: int,
                                  target_usage: int, resource: str, tolerances: Tolerances,
                                  namespace: str, selector: Selector, container: str
                                  ) -> tuple[int, int, int | None, str | None]:
        """GetRawResourceReplicas: (replicas, average usage, timestamp, err)."""
        metrics, timestamp, err = metricsclient.get_resource_metric(
            cluster, resource, namespace, selector, container,
            self._pods(cluster, namespace, selector))
        if err is not None:
            return 0, 0, None, f"unable to get metrics for resource {resource}: {err}"
        replicas, usage, err = self.calc_plain_metric_replicas(
            cluster, metrics, current_replicas, target_usage, tolerances, namespace, selector,
            resource)
        return replicas, usage, timestamp, err

    def get_metric_replicas(self, cluster: Cluster, current_replicas: int, target_usage: int,
                            metric_name: str, tolerances: Tolerances, namespace: str,
                            selector: Selector, metric_selector: Selector
                            ) -> tuple[int, int, int | None, str | None]:
        """GetMetricReplicas (a Pods metric): (replicas, average usage, timestamp, err)."""
        metrics, timestamp, err = metricsclient.get_raw_metric(
            cluster, metric_name, namespace, selector, metric_selector)
        if err is not None:
            return 0, 0, None, f"unable to get metric {metric_name}: {err}"
        replicas, usage, err = self.calc_plain_metric_replicas(
            cluster, metrics, current_replicas, target_usage, tolerances, namespace, selector,
            "")
        return replicas, usage, timestamp, err

    def calc_plain_metric_replicas(self, cluster: Cluster, metrics: PodMetricsInfo,
                                   current_replicas: int, target_usage: int,
                                   tolerances: Tolerances, namespace: str, selector: Selector,
                                   resource: str) -> tuple[int, int, str | None]:
        """calcPlainMetricReplicas: as for utilization, with missing pods at exactly the target
        on a scale-down."""
        pods = self._pods(cluster, namespace, selector)
        if not pods:
            return 0, 0, "no pods returned by selector while calculating replica count"
        ready, unready, missing, ignored = group_pods(
            pods, metrics, resource, self.cpu_initialization_period,
            self.delay_of_initial_readiness_status, cluster.now)
        remove_metrics_for_pods(metrics, ignored)
        remove_metrics_for_pods(metrics, unready)
        if not metrics:
            return 0, 0, "did not receive metrics for targeted pods (pods might be unready)"
        ratio, usage = metricsclient.get_metric_usage_ratio(metrics, target_usage)
        scale_up_with_unready = bool(unready) and ratio > 1.0
        if not scale_up_with_unready and not missing:
            if tolerances.is_within(ratio):
                return current_replicas, usage, None
            return _ceil(ratio * ready), usage, None
        if missing:
            if ratio < 1.0:
                for name in missing:  # on a scale-down, missing pods use exactly the target
                    metrics[name] = PodMetric(0, 0, target_usage)
            elif ratio > 1.0:
                for name in missing:
                    metrics[name] = PodMetric(0, 0, 0)
        if scale_up_with_unready:
            for name in unready:
                metrics[name] = PodMetric(0, 0, 0)
        new_ratio, _ = metricsclient.get_metric_usage_ratio(metrics, target_usage)
        return _rerun_result(current_replicas, ratio, new_ratio, len(metrics), tolerances), \
            usage, None

    def get_object_metric_replicas(self, cluster: Cluster, current_replicas: int,
                                   target_usage: int, metric_name: str, tolerances: Tolerances,
                                   namespace: str, kind: str, name: str, selector: Selector,
                                   metric_selector: Selector
                                   ) -> tuple[int, int, int | None, str | None]:
        """GetObjectMetricReplicas (an Object metric with a Value target)."""
        usage, _, err = metricsclient.get_object_metric(
            cluster, metric_name, namespace, kind, name, metric_selector)
        if err is not None:
            return 0, 0, None, f"unable to get metric {metric_name} on {kind} " \
                               f"{namespace}/{name}: {err}"
        replicas, timestamp, err = self.get_usage_ratio_replica_count(
            cluster, current_replicas, usage / target_usage, tolerances, namespace, selector)
        return replicas, usage, timestamp, err

    def get_usage_ratio_replica_count(self, cluster: Cluster, current_replicas: int,
                                      usage_ratio: float, tolerances: Tolerances,
                                      namespace: str, selector: Selector
                                      ) -> tuple[int, int | None, str | None]:
        """getUsageRatioReplicaCount: ready pods times the ratio; from zero, the ratio alone.
        (Its timestamp is never set: Go returns the zero time.)"""
        if current_replicas == 0:
            return math.ceil(usage_ratio), None, None
        if tolerances.is_within(usage_ratio):
            return current_replicas, None, None
        ready, err = self.get_ready_pods_count(cluster, namespace, selector)
        if err is not None:
            return 0, None, f"unable to calculate ready pods: {err}"
        return _ceil(usage_ratio * ready), None, None

    def get_object_per_pod_metric_replicas(self, cluster: Cluster, status_replicas: int,
                                           target_average_usage: int, metric_name: str,
                                           tolerances: Tolerances, namespace: str, kind: str,
                                           name: str, metric_selector: Selector
                                           ) -> tuple[int, int, int | None, str | None]:
        """GetObjectPerPodMetricReplicas (an Object metric with an AverageValue target)."""
        usage, timestamp, err = metricsclient.get_object_metric(
            cluster, metric_name, namespace, kind, name, metric_selector)
        if err is not None:
            return 0, 0, None, f"unable to get metric {metric_name} on {kind} " \
                               f"{namespace}/{name}: {err}"
        replicas = status_replicas
        ratio = _per_pod_ratio(usage, target_average_usage, replicas)
        if not tolerances.is_within(ratio):
            replicas = _ceil(usage / target_average_usage)
        return replicas, get_per_pod_usage(usage, status_replicas), timestamp, None

    def get_ready_pods_count(self, cluster: Cluster, namespace: str, selector: Selector
                             ) -> tuple[int, str | None]:
        """getReadyPodsCount: Running and Ready pods."""
        pods = self._pods(cluster, namespace, selector)
        if not pods:
            return 0, "no pods returned by selector while calculating replica count"
        return sum(1 for p in pods if p.status.phase == "Running" and is_pod_ready(p)), None

    def get_external_metric_replicas(self, cluster: Cluster, current_replicas: int,
                                     target_usage: int, metric_name: str,
                                     tolerances: Tolerances, namespace: str,
                                     metric_selector: LabelSelector | None,
                                     pod_selector: Selector
                                     ) -> tuple[int, int, int | None, str | None]:
        """GetExternalMetricReplicas (an External metric with a Value target): the sum of the
        matching values against the target."""
        values, _, err = self._external(cluster, metric_name, namespace, metric_selector)
        if err is not None:
            return 0, 0, None, err
        usage = min(sum(values), MAX_INT64)
        replicas, timestamp, err = self.get_usage_ratio_replica_count(
            cluster, current_replicas, usage / target_usage, tolerances, namespace,
            pod_selector)
        return replicas, usage, timestamp, err

    def get_external_per_pod_metric_replicas(self, cluster: Cluster, status_replicas: int,
                                             target_usage_per_pod: int, metric_name: str,
                                             tolerances: Tolerances, namespace: str,
                                             metric_selector: LabelSelector | None
                                             ) -> tuple[int, int, int | None, str | None]:
        """GetExternalPerPodMetricReplicas (an External metric with an AverageValue target)."""
        values, timestamp, err = self._external(cluster, metric_name, namespace,
                                                metric_selector)
        if err is not None:
            return 0, 0, None, err
        usage = min(sum(values), MAX_INT64)
        replicas = status_replicas
        ratio = _per_pod_ratio(usage, target_usage_per_pod, replicas)
        if not tolerances.is_within(ratio):
            replicas = _ceil(usage / target_usage_per_pod)
        return replicas, get_per_pod_usage(usage, status_replicas), timestamp, None

    def _external(self, cluster: Cluster, metric_name: str, namespace: str,
                  metric_selector: LabelSelector | None
                  ) -> tuple[list[int], int | None, str | None]:
        try:
            label_selector = label_selector_as_selector(metric_selector)
        except ValueError as exc:
            return [], None, str(exc)
        values, timestamp, err = metricsclient.get_external_metric(
            cluster, metric_name, namespace, label_selector)
        if err is not None:
            return [], None, f"unable to get external metric {namespace}/{metric_name}/" \
                             f"{go_label_selector(metric_selector)}: {err}"
        return values, timestamp, None


def _per_pod_ratio(usage: int, target: int, replicas: int) -> float:
    """float64(usage) / (float64(target) * float64(replicas)), with Go's division by zero."""
    denominator = float(target) * float(replicas)
    if denominator == 0:
        return math.inf if usage > 0 else math.nan
    return usage / denominator


def _rerun_result(current: int, ratio: float, new_ratio: float, counted: int,
                  tolerances: Tolerances) -> int:
    """The end of GetResourceReplicas and calcPlainMetricReplicas: no change when the new ratio
    is within tolerance or would reverse the direction, nor when the count of pods considered
    would."""
    if tolerances.is_within(new_ratio) or (ratio < 1.0 < new_ratio) \
            or (ratio > 1.0 > new_ratio):
        return current
    new_replicas = _ceil(new_ratio * counted)
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas
                                                          < current):
        return current
    return new_replicas


def get_per_pod_usage(usage: int, status_replicas: int) -> int:
    """getPerPodUsage: the total over the replicas, rounded up (0 for no replicas)."""
    if usage >= MAX_INT64:
        return MAX_INT64
    if status_replicas == 0:
        return 0
    return math.ceil(usage / status_replicas)


def group_pods(pods: Iterable[Pod], metrics: PodMetricsInfo, resource: str,
               cpu_initialization_period: int, delay_of_initial_readiness_status: int,
               now: int) -> tuple[int, set[str], set[str], set[str]]:
    """groupPods: (ready count, unready, missing, ignored). Deleted and terminal pods are
    ignored; Pending ones are unready; pods without a metric are missing. For cpu, a pod still
    in its initialization period counts as unready while it is not ready or its sample is not a
    whole window past its readiness change; after it, only while it is not ready and has never
    been ready (its readiness last changed within the readiness delay of its start)."""
    ready_count = 0
    unready: set[str] = set()
    missing: set[str] = set()
    ignored: set[str] = set()
    for pod in pods:
        name = pod.metadata.name or ""
        if pod.metadata.deletion_timestamp is not None or is_pod_terminal(pod):
            ignored.add(name)
            continue
        if pod.status.phase == "Pending":
            unready.add(name)
            continue
        metric = metrics.get(name)
        if metric is None:
            missing.add(name)
            continue
        if resource == "cpu" and _cpu_unready(pod, metric, cpu_initialization_period,
                                              delay_of_initial_readiness_status, now):
            unready.add(name)
            continue
        ready_count += 1
    return ready_count, unready, missing, ignored


def _cpu_unready(pod: Pod, metric: PodMetric, cpu_initialization_period: int,
                 delay_of_initial_readiness_status: int, now: int) -> bool:
    _, condition = get_pod_condition(pod.status, "Ready")
    start = pod.status.start_time
    if condition is None or start is None:
        return True
    transition = condition.last_transition_time or 0
    if start + cpu_initialization_period > now:
        return condition.status == "False" or metric.timestamp < transition + metric.window
    return condition.status == "False" and start + delay_of_initial_readiness_status > transition


def calculate_requests(pods: Iterable[Pod], container: str, resource: str
                       ) -> tuple[dict[str, int], str | None]:
    """calculateRequests: per pod, its pod-level request (when set, and no container is
    named) or its containers' (one container's, when named), in milli-units."""
    requests: dict[str, int] = {}
    for pod in pods:
        if POD_LEVEL_RESOURCES and _pod_level_requests(pod) and not container:
            request, err = calculate_pod_level_requests(pod, resource)
        else:
            request, err = calculate_pod_requests_from_containers(pod, container, resource)
        if err is not None:
            return {}, err
        requests[pod.metadata.name or ""] = request
    return requests, None


def _pod_level_requests(pod: Pod) -> dict[str, int]:
    """IsPodLevelRequestsSet: the pod's spec.resources.requests of supported resources."""
    resources = pod.spec.extra.get("resources")
    raw = resources.get("requests") if isinstance(resources, Mapping) else None
    if not isinstance(raw, Mapping):
        return {}
    out = {}
    for name, value in raw.items():
        if name in SUPPORTED_POD_LEVEL_RESOURCES:
            try:
                out[name] = quantity_from_json(value).milli_value()
            except ValueError:
                continue
    return out


def calculate_pod_level_requests(pod: Pod, resource: str) -> tuple[int, str | None]:
    """calculatePodLevelRequests."""
    pod_level = _pod_level_requests(pod)
    if resource in pod_level:
        return pod_level[resource], None
    total, err = calculate_pod_requests_from_containers(pod, "", resource)
    if err is not None:
        return 0, f"missing pod-level request for {resource} in Pod {pod.metadata.name}"
    return total, None


def calculate_pod_requests_from_containers(pod: Pod, container: str, resource: str
                                           ) -> tuple[int, str | None]:
    """calculatePodRequestsFromContainers: regular and restartable init containers."""
    containers = list(pod.spec.containers) + [
        c for c in pod.spec.init_containers if c.restart_policy == "Always"]
    request = 0
    for c in containers:
        if not container or container == c.name:
            requests = c.resources.requests if c.resources is not None else {}
            if resource not in requests:
                return 0, f"missing request for {resource} in container {c.name} of Pod " \
                          f"{pod.metadata.name}"
            request += requests[resource].milli_value()
        if container == c.name:
            return request, None
    if container:
        return 0, f"container {container} not found in Pod {pod.metadata.name}"
    return request, None


def remove_metrics_for_pods(metrics: PodMetricsInfo, pods: Iterable[str]) -> None:
    """removeMetricsForPods (on the calculation's own map)."""
    for name in pods:
        metrics.pop(name, None)


def go_label_selector(selector: LabelSelector | None) -> str:
    """`%+v` of a *metav1.LabelSelector: its generated String()."""
    if selector is None:
        return "nil"
    labels = "".join(f"{k}: {selector.match_labels[k]}," for k in sorted(selector.match_labels))
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{r.key or ''},Operator:{r.operator or ''},"
        f"Values:[{' '.join(r.values)}],}},"
        for r in selector.match_expressions)
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}")
