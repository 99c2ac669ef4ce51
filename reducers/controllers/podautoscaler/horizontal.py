"""The HorizontalPodAutoscaler controller: reads metrics, proposes a replica count, and scales
the target through its scale subresource.

`HorizontalController` holds what kube-controller-manager's flags give the Go controller (sync
period 15 s, tolerance 0.1, downscale stabilisation 300 s, and the calculator's cpu
initialization period 300 s and initial readiness delay 30 s); its methods are the Go
controller's, in horizontal.go's order. One `reconcile: {controller: horizontal-pod-autoscaler,
key: ns/name}` is one reconcileKey -> reconcileAutoscaler; after it the key is due again one
sync period later (processNextWorkItem's AddRateLimited with the fixed-interval limiter), and a
write of the HPA queues it one period later too (enqueueHPA), so in auto mode every HPA is
synced every 15 s of logical time, its first sync 15 s after it is created, as in v1.34.

What the Go controller keeps in memory between syncs — the recent unstabilised recommendations,
the scale-up and scale-down events of the behavior policies' periods, and the selectors of the
HPAs (hpaSelectors) — lives in the cluster value, as `HorizontalMemory` under
`Cluster.memory["horizontal-pod-autoscaler"]`: the fold must be pure, so nothing a sync
depends on may live outside the value, and equal histories must give equal states. A deleted
HPA's memory is dropped by the reconcile that finds it gone (reconcileKey).

Models (v1.34): pkg/controller/podautoscaler/horizontal.go (updateHPA, enqueueHPA, deleteHPA,
processNextWorkItem, computeReplicasForMetrics, hpasControllingPodsUnderSelector,
validateAndParseSelector, computeReplicasForMetric, reconcileKey, computeStatusForObjectMetric,
computeStatusForPodsMetric, computeStatusForResourceMetricGeneric,
computeStatusForResourceMetric, computeStatusForContainerResourceMetric,
computeStatusForExternalMetric, recordInitialRecommendation, reconcileAutoscaler,
stabilizeRecommendation, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors,
maybeInitScaleDownStabilizationWindow, getReplicasChangePerPeriod,
getUnableComputeReplicaCountCondition, storeScaleEvent, stabilizeRecommendationWithBehaviors,
convertDesiredReplicasWithBehaviorRate, convertDesiredReplicasWithRules, calculateScaleUpLimit,
markScaleEventsOutdated, getLongestPolicyPeriod, calculateScaleUpLimitWithScalingRules,
calculateScaleDownLimitWithBehaviors, scaleForResourceMappings,
setCurrentReplicasAndMetricsInStatus, setStatus, updateStatusIfNeeded, tolerancesForHpa,
setCondition, setConditionInList),
rate_limiters.go (FixedItemIntervalRateLimiter), with HPAScaleToZero and
HPAConfigurableTolerance off (their v1.34 defaults).
Simplifies:
- No Events are recorded (FailedGetScale, SuccessfulRescale with its "New size: N; reason: ..."):
  the conditions carry the same reasons and messages, and the rescale reason is not kept.
- Time is whole logical seconds. A recommendation or scale event exactly a window (or period)
  old counts as outside it: in Go each sync runs a little later than the previous one plus the
  period, so what was recorded one window of syncs ago is always just before the cutoff.
- The REST mapper knows the built-in kinds of core/kinds.py, the kinds of objects in the store
  and the kinds a CustomResourceDefinition named `<plural>.<group>` declares.
- A scale update never conflicts (reads are of the current value), so RetryOnConflict has nothing
  to retry.
Covered by: tests/test_horizontal.py (ports of horizontal_test.go), tests/test_hpa_e2e.py,
tests/test_properties_hpa.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.autoscaling import (
    ABLE_TO_SCALE,
    AVERAGE_VALUE,
    CONTAINER_RESOURCE,
    DISABLED,
    EXTERNAL,
    MIN_CHANGE,
    OBJECT,
    PERCENT_POLICY,
    PODS,
    PODS_POLICY,
    RESOURCE,
    SCALING_ACTIVE,
    SCALING_LIMITED,
    VALUE,
    ContainerResourceMetricStatus,
    ExternalMetricStatus,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior,
    HorizontalPodAutoscalerStatus,
    HPAScalingRules,
    MetricIdentifier,
    MetricSpec,
    MetricStatus,
    MetricTarget,
    MetricValueStatus,
    ObjectMetricStatus,
    PodsMetricStatus,
    ResourceMetricStatus,
    Scale,
    parse_group_version,
)
from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.kinds import KINDS, plural
from kubefold.core.labels import Selector, label_selector_as_selector, parse_selector
from kubefold.core.objects import Condition
from kubefold.core.quantity import Quantity
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.podautoscaler.replica_calculator import (
    ReplicaCalculator,
    Tolerances,
    go_label_selector,
)
from kubefold.reducers.controlplane import Controller

NAME = "horizontal-pod-autoscaler"
KIND = "HorizontalPodAutoscaler"
MAX_INT32 = 2**31 - 1
MIN_INT32 = -(2**31)


# -- what the controller remembers -----------------------------------------------------------

# The whole controller's memory is one value (the selectors of every HPA are read together).
MEMORY_KEY = ""


@attrs.frozen
class TimestampedRecommendation:
    recommendation: int
    timestamp: int


@attrs.frozen
class TimestampedScaleEvent:
    replica_change: int  # absolute value, non-negative
    timestamp: int
    outdated: bool = False


@attrs.frozen
class HorizontalMemory:
    """The Go controller's maps, by HPA key: recommendations, scaleUpEvents, scaleDownEvents;
    and hpaSelectors, by namespace then HPA name."""

    recommendations: PMap[str, PVector[TimestampedRecommendation]] = attrs.field(factory=pmap)
    scale_up_events: PMap[str, PVector[TimestampedScaleEvent]] = attrs.field(factory=pmap)
    scale_down_events: PMap[str, PVector[TimestampedScaleEvent]] = attrs.field(factory=pmap)
    selectors: PMap[str, PMap[str, Selector]] = attrs.field(factory=pmap)

    def forget(self, key: str) -> HorizontalMemory:
        """What reconcileKey (and deleteHPA's selector removal) drops for a deleted HPA."""
        namespace, _, name = key.partition("/")
        in_namespace = self.selectors.get(namespace, pmap()).discard(name)
        selectors = self.selectors.set(namespace, in_namespace) if in_namespace \
            else self.selectors.discard(namespace)
        return HorizontalMemory(self.recommendations.discard(key),
                                self.scale_up_events.discard(key),
                                self.scale_down_events.discard(key), selectors)


class SyncState:
    """One reconcileAutoscaler's working state: the cluster as it evolves, the HPA's status
    being built (Go mutates its deep copy of the HPA), and the controller's memory. It lives
    within one sync and never escapes it."""

    __slots__ = ("cluster", "hpa", "status", "memory", "key", "calc")

    def __init__(self, cluster: Cluster, hpa: HorizontalPodAutoscaler, key: str,
                 memory: HorizontalMemory, calc: ReplicaCalculator | None = None) -> None:
        self.cluster = cluster
        self.hpa = hpa
        self.status = hpa.status
        self.memory = memory
        self.key = key
        self.calc = calc if calc is not None else ReplicaCalculator()

    @property
    def now(self) -> int:
        return self.cluster.now


@attrs.frozen
class Proposal:
    """What computeReplicasForMetric returns for one metric."""

    replicas: int = 0
    metric: str = ""
    timestamp: int | None = None
    condition: Condition | None = None
    error: str | None = None
    status: MetricStatus | None = None


# -- the controller --------------------------------------------------------------------------


@attrs.frozen
class HorizontalController:
    """The controller and its flags (kube-controller-manager's defaults). `scale_up_limit_factor`
    and `scale_up_limit_minimum` are package variables in Go (scaleUpLimitFactor 2,
    scaleUpLimitMinimum 4), which horizontal_test.go sets to 8: fields here so that a test can
    build a controller with them."""

    resync_period: int = 15
    downscale_stabilisation_window: int = 300
    tolerance: float = 0.1
    replica_calc: ReplicaCalculator = ReplicaCalculator()
    scale_up_limit_factor: float = 2.0
    scale_up_limit_minimum: float = 4.0

    def controller(self) -> Controller:
        return Controller(NAME, self.sync, self.watch, frozenset({KIND}))

    # -- informer handlers and the work loop ------------------------------------------------

    def watch(self, cluster: Cluster, change: Change) -> list[str | tuple[str, int]]:
        """enqueueHPA / updateHPA: the key, due one sync period from now (AddRateLimited);
        deleteHPA queues nothing (the key already waiting finds the HPA gone)."""
        if change.kind != KIND or change.new is None:
            return []
        return [(f"{change.namespace}/{change.name}", self.resync_period)]

    def sync(self, cluster: Cluster, key: str) -> Cluster:
        """processNextWorkItem: reconcileKey, then the key again one period later unless the
        HPA is gone."""
        deleted, cluster = self.reconcile_key(cluster, key)
        if deleted:
            return cluster.forget(NAME, key)
        return cluster.enqueue_after(NAME, key, self.resync_period)

    def reconcile_key(self, cluster: Cluster, key: str) -> tuple[bool, Cluster]:
        """reconcileKey: a missing HPA's memory is dropped."""
        namespace, _, name = key.partition("/")
        hpa = cluster.get(KIND, namespace, name)
        memory = memory_of(cluster)
        if hpa is None:
            forgotten = memory.forget(key)
            if forgotten == memory:
                return True, cluster
            return True, cluster.remember(NAME, MEMORY_KEY, forgotten)
        return False, self.reconcile_autoscaler(cluster, hpa, key)

    # -- computeReplicasForMetrics ----------------------------------------------------------

    def compute_replicas_for_metrics(self, s: SyncState, scale: Scale,
                                     metric_specs: Sequence[MetricSpec]
                                     ) -> tuple[int, str, list[MetricStatus], int | None,
                                                str | None]:
        """computeReplicasForMetrics: the largest proposal over the metrics; -1 when none can
        be computed, or some cannot and the others would scale down."""
        selector, err = self.validate_and_parse_selector(s, scale.selector)
        if selector is None:
            return -1, "", [], None, err
        statuses = [MetricStatus(type="") for _ in metric_specs]
        invalid_count = 0
        invalid_condition: Condition | None = None
        invalid_error: str | None = None
        replicas, metric, timestamp = 0, "", None
        for i, spec in enumerate(metric_specs):
            proposal = self.compute_replicas_for_metric(s, spec, scale.spec_replicas,
                                                        scale.status_replicas, selector)
            if proposal.error is not None:
                if invalid_count <= 0:
                    invalid_condition, invalid_error = proposal.condition, proposal.error
                invalid_count += 1
                continue
            if proposal.status is not None:
                statuses[i] = proposal.status
            if replicas == 0 or proposal.replicas > replicas:
                timestamp, replicas, metric = (proposal.timestamp, proposal.replicas,
                                               proposal.metric)
        if invalid_error is not None:
            invalid_error = (f"invalid metrics ({invalid_count} invalid out of "
                             f"{len(metric_specs)}), first error is: {invalid_error}")
        if invalid_count >= len(metric_specs) or (invalid_count > 0
                                                  and replicas < scale.spec_replicas):
            if invalid_condition is not None:
                set_condition(s, invalid_condition.type or "", invalid_condition.status or "",
                              invalid_condition.reason or "", invalid_condition.message or "")
            return -1, "", statuses, None, invalid_error
        set_condition(s, SCALING_ACTIVE, "True", "ValidMetricFound",
                      f"the HPA was able to successfully calculate a replica count from "
                      f"{metric}")
        return replicas, metric, statuses, timestamp, invalid_error

    def hpas_controlling_pods_under_selector(self, s: SyncState, pods: Iterable[Any]) -> list[str]:
        """hpasControllingPodsUnderSelector: the HPAs (namespace/name, sorted) whose last
        selector selects any of the pods."""
        namespace = s.hpa.metadata.namespace or ""
        selectors = s.memory.selectors.get(namespace, pmap())
        found: set[str] = set()
        # Pods of one workload share their labels: each distinct label set is matched once,
        # as the BiMultimap caches selectors by labels key.
        for labels in {pod.metadata.labels for pod in pods}:
            for name, sel in selectors.items():
                if name not in found and sel.matches(labels):
                    found.add(name)
        return [f"{namespace}/{name}" for name in sorted(found)
                if s.cluster.get(KIND, namespace, name) is not None]

    def validate_and_parse_selector(self, s: SyncState, selector: str
                                    ) -> tuple[Selector | None, str | None]:
        """validateAndParseSelector: a selector that is present, parses, and selects pods no
        other HPA controls."""
        if not selector:
            set_condition(s, SCALING_ACTIVE, "False", "InvalidSelector",
                          "the HPA target's scale is missing a selector")
            return None, "selector is required"
        try:
            parsed = parse_selector(selector)
        except ValueError as exc:
            message = ("couldn't convert selector into a corresponding internal selector "
                       f"object: {exc}")
            set_condition(s, SCALING_ACTIVE, "False", "InvalidSelector", message)
            return None, message
        namespace = s.hpa.metadata.namespace or ""
        name = s.hpa.metadata.name or ""
        s.memory = attrs.evolve(s.memory, selectors=s.memory.selectors.set(
            namespace, s.memory.selectors.get(namespace, pmap()).set(name, parsed)))
        pods = s.cluster.select("Pod", namespace, parsed)
        s.calc = s.calc.with_pods(namespace, parsed, pods)  # one listing serves the sync
        selecting = self.hpas_controlling_pods_under_selector(s, pods)
        if len(selecting) > 1:
            message = (f"pods by selector {selector} are controlled by multiple HPAs: "
                       f"[{' '.join(selecting)}]")
            set_condition(s, SCALING_ACTIVE, "False", "AmbiguousSelector", message)
            return None, message
        return parsed, None

    def compute_replicas_for_metric(self, s: SyncState, spec: MetricSpec, spec_replicas: int,
                                    status_replicas: int, selector: Selector) -> Proposal:
        """computeReplicasForMetric: dispatch on the metric's source type."""
        if spec.type == OBJECT and spec.object is not None:
            metric_selector, err = _metric_selector(spec.object.metric)
            if metric_selector is None:
                return self._failed(s, "FailedGetObjectMetric", err or "",
                                    f"failed to get object metric value: {err}")
            return self.compute_status_for_object_metric(
                s, spec_replicas, status_replicas, spec, selector, metric_selector)
        if spec.type == PODS and spec.pods is not None:
            metric_selector, err = _metric_selector(spec.pods.metric)
            if metric_selector is None:
                return self._failed(s, "FailedGetPodsMetric", err or "",
                                    f"failed to get pods metric value: {err}")
            return self.compute_status_for_pods_metric(s, spec_replicas, spec, selector,
                                                       metric_selector)
        if spec.type == RESOURCE and spec.resource is not None:
            return self.compute_status_for_resource_metric(s, spec_replicas, spec, selector)
        if spec.type == CONTAINER_RESOURCE and spec.container_resource is not None:
            return self.compute_status_for_container_resource_metric(s, spec_replicas, spec,
                                                                     selector)
        if spec.type == EXTERNAL and spec.external is not None:
            return self.compute_status_for_external_metric(s, spec_replicas, status_replicas,
                                                           spec, selector)
        err = f'unknown metric source type "{spec.type or ""}"'
        return self._failed(s, "InvalidMetricSourceType", err, err)

    def _failed(self, s: SyncState, reason: str, cause: str, error: str) -> Proposal:
        return Proposal(condition=self.get_unable_compute_replica_count_condition(reason, cause),
                        error=error)

    # -- computeStatusFor... ----------------------------------------------------------------

    def compute_status_for_object_metric(self, s: SyncState, spec_replicas: int,
                                         status_replicas: int, spec: MetricSpec,
                                         selector: Selector, metric_selector: Selector
                                         ) -> Proposal:
        """computeStatusForObjectMetric: a Value target against the ready pods, an
        AverageValue target against status.replicas."""
        source = spec.object
        assert source is not None
        ref = source.described_object
        namespace = s.hpa.metadata.namespace or ""
        tolerances = self.tolerances_for_hpa(s.hpa)
        identifier = MetricIdentifier(name=source.metric.name, selector=source.metric.selector)
        target = source.target
        if target.type == VALUE and target.value is not None:
            replicas, usage, timestamp, err = s.calc.get_object_metric_replicas(
                s.cluster, spec_replicas, target.value.milli_value(), source.metric.name or "",
                tolerances, namespace, ref.kind or "", ref.name or "", selector,
                metric_selector)
            if err is not None:
                return self._failed(s, "FailedGetObjectMetric", err,
                                    f"failed to get object metric value: {err}")
            status = MetricStatus(type=OBJECT, object=ObjectMetricStatus(
                described_object=ref, metric=identifier,
                current=MetricValueStatus(value=Quantity.from_milli(usage))))
            return Proposal(replicas, f"{ref.kind} metric {source.metric.name}", timestamp,
                            status=status)
        if target.type == AVERAGE_VALUE and target.average_value is not None:
            replicas, usage, timestamp, err = \
                s.calc.get_object_per_pod_metric_replicas(
                    s.cluster, status_replicas, target.average_value.milli_value(),
                    source.metric.name or "", tolerances, namespace, ref.kind or "",
                    ref.name or "", metric_selector)
            if err is not None:
                return self._failed(s, "FailedGetObjectMetric", err,
                                    f"failed to get {source.metric.name} object metric: {err}")
            status = MetricStatus(type=OBJECT, object=ObjectMetricStatus(
                described_object=ref, metric=identifier,
                current=MetricValueStatus(average_value=Quantity.from_milli(usage))))
            name = f"external metric {source.metric.name}" \
                   f"({go_label_selector(source.metric.selector)})"
            return Proposal(replicas, name, timestamp, status=status)
        err = "invalid object metric source: neither a value target nor an average value " \
              "target was set"
        return self._failed(s, "FailedGetObjectMetric", err, err)

    def compute_status_for_pods_metric(self, s: SyncState, current_replicas: int, spec: MetricSpec,
                                       selector: Selector, metric_selector: Selector
                                       ) -> Proposal:
        """computeStatusForPodsMetric."""
        source = spec.pods
        assert source is not None
        average = source.target.average_value or Quantity.of(0)
        replicas, usage, timestamp, err = s.calc.get_metric_replicas(
            s.cluster, current_replicas, average.milli_value(), source.metric.name or "",
            self.tolerances_for_hpa(s.hpa), s.hpa.metadata.namespace or "", selector,
            metric_selector)
        if err is not None:
            return self._failed(s, "FailedGetPodsMetric", err,
                                f"failed to get pods metric value: {err}")
        status = MetricStatus(type=PODS, pods=PodsMetricStatus(
            metric=MetricIdentifier(name=source.metric.name, selector=source.metric.selector),
            current=MetricValueStatus(average_value=Quantity.from_milli(usage))))
        return Proposal(replicas, f"pods metric {source.metric.name}", timestamp,
                        status=status)

    def compute_status_for_resource_metric_generic(
            self, s: SyncState, current_replicas: int, target: MetricTarget, resource: str,
            container: str, selector: Selector, source_type: str
    ) -> tuple[int, MetricValueStatus | None, int | None, str, str | None]:
        """computeStatusForResourceMetricGeneric: (replicas, value status, timestamp, metric
        name, err) for an AverageValue or a Utilization target."""
        namespace = s.hpa.metadata.namespace or ""
        tolerances = self.tolerances_for_hpa(s.hpa)
        if target.average_value is not None:
            replicas, raw, timestamp, err = s.calc.get_raw_resource_replicas(
                s.cluster, current_replicas, target.average_value.milli_value(), resource,
                tolerances, namespace, selector, container)
            if err is not None:
                return 0, None, None, "", f"failed to get {resource} usage: {err}"
            return (replicas, MetricValueStatus(average_value=Quantity.from_milli(raw)),
                    timestamp, f"{resource} resource", None)
        if target.average_utilization is None:
            return 0, None, None, "", ("invalid resource metric source: neither an average "
                                       "utilization target nor an average value (usage) "
                                       "target was set")
        replicas, percentage, raw, timestamp, err = s.calc.get_resource_replicas(
            s.cluster, current_replicas, target.average_utilization, resource, tolerances,
            namespace, selector, container)
        if err is not None:
            return 0, None, None, "", f"failed to get {resource} utilization: {err}"
        what = "container resource" if source_type == CONTAINER_RESOURCE else "resource"
        return (replicas, MetricValueStatus(average_utilization=percentage,
                                            average_value=Quantity.from_milli(raw)),
                timestamp, f"{resource} {what} utilization (percentage of request)", None)

    def compute_status_for_resource_metric(self, s: SyncState, current_replicas: int,
                                           spec: MetricSpec, selector: Selector) -> Proposal:
        """computeStatusForResourceMetric."""
        source = spec.resource
        assert source is not None
        replicas, value, timestamp, name, err = self.compute_status_for_resource_metric_generic(
            s, current_replicas, source.target, source.name or "", "", selector, RESOURCE)
        if err is not None or value is None:
            return self._failed(s, "FailedGetResourceMetric", err or "",
                                f"failed to get {source.name} resource metric value: {err}")
        status = MetricStatus(type=RESOURCE, resource=ResourceMetricStatus(
            name=source.name, current=value))
        return Proposal(replicas, name, timestamp, status=status)

    def compute_status_for_container_resource_metric(self, s: SyncState, current_replicas: int,
                                                     spec: MetricSpec, selector: Selector
                                                     ) -> Proposal:
        """computeStatusForContainerResourceMetric."""
        source = spec.container_resource
        assert source is not None
        replicas, value, timestamp, name, err = self.compute_status_for_resource_metric_generic(
            s, current_replicas, source.target, source.name or "", source.container or "",
            selector, CONTAINER_RESOURCE)
        if err is not None or value is None:
            return self._failed(s, "FailedGetContainerResourceMetric", err or "",
                                f"failed to get {source.container} container metric value: "
                                f"{err}")
        status = MetricStatus(type=CONTAINER_RESOURCE, container_resource=(
            ContainerResourceMetricStatus(name=source.name, container=source.container,
                                          current=value)))
        return Proposal(replicas, name, timestamp, status=status)

    def compute_status_for_external_metric(self, s: SyncState, spec_replicas: int,
                                           status_replicas: int, spec: MetricSpec,
                                           selector: Selector) -> Proposal:
        """computeStatusForExternalMetric: an AverageValue target per pod of status.replicas,
        a Value target against the ready pods."""
        source = spec.external
        assert source is not None
        tolerances = self.tolerances_for_hpa(s.hpa)
        namespace = s.hpa.metadata.namespace or ""
        metric_name = source.metric.name or ""
        identifier = MetricIdentifier(name=source.metric.name, selector=source.metric.selector)
        name = f"external metric {metric_name}({go_label_selector(source.metric.selector)})"
        if source.target.average_value is not None:
            replicas, usage, timestamp, err = \
                s.calc.get_external_per_pod_metric_replicas(
                    s.cluster, status_replicas, source.target.average_value.milli_value(),
                    metric_name, tolerances, namespace, source.metric.selector)
            if err is not None:
                return self._failed(s, "FailedGetExternalMetric", err,
                                    f"failed to get {metric_name} external metric: {err}")
            status = MetricStatus(type=EXTERNAL, external=ExternalMetricStatus(
                metric=identifier,
                current=MetricValueStatus(average_value=Quantity.from_milli(usage))))
            return Proposal(replicas, name, timestamp, status=status)
        if source.target.value is not None:
            replicas, usage, timestamp, err = s.calc.get_external_metric_replicas(
                s.cluster, spec_replicas, source.target.value.milli_value(), metric_name,
                tolerances, namespace, source.metric.selector, selector)
            if err is not None:
                return self._failed(s, "FailedGetExternalMetric", err,
                                    f"failed to get external metric {metric_name}: {err}")
            status = MetricStatus(type=EXTERNAL, external=ExternalMetricStatus(
                metric=identifier, current=MetricValueStatus(value=Quantity.from_milli(usage))))
            return Proposal(replicas, name, timestamp, status=status)
        err = "invalid external metric source: neither a value target nor an average value " \
              "target was set"
        return self._failed(s, "FailedGetExternalMetric", err, err)

    # -- reconcileAutoscaler ----------------------------------------------------------------

    def record_initial_recommendation(self, s: SyncState, current_replicas: int) -> None:
        """recordInitialRecommendation: the current size, the first time the HPA is seen."""
        if s.key not in s.memory.recommendations:
            s.memory = attrs.evolve(s.memory, recommendations=s.memory.recommendations.set(
                s.key, pvector([TimestampedRecommendation(current_replicas, s.now)])))

    def reconcile_autoscaler(self, cluster: Cluster, hpa: HorizontalPodAutoscaler, key: str
                             ) -> Cluster:
        """reconcileAutoscaler: read the target's scale, propose a size from the metrics,
        normalise it, scale, and write the status."""
        s = SyncState(cluster, hpa, key, memory_of(cluster), self.replica_calc)
        original = hpa.status
        ref = hpa.spec.scale_target_ref
        namespace = hpa.metadata.namespace or ""
        scale = self._get_scale(s)
        if scale is None:
            return self.update_status_if_needed(s, original)
        set_condition(s, ABLE_TO_SCALE, "True", "SucceededGetScale",
                      "the HPA controller was able to get the target's current scale")
        current = scale.spec_replicas
        self.record_initial_recommendation(s, current)
        statuses: list[MetricStatus] = []
        desired, rescale = 0, True
        min_replicas = 1 if hpa.spec.min_replicas is None else hpa.spec.min_replicas
        max_replicas = hpa.spec.max_replicas or 0
        if current == 0 and min_replicas != 0:
            desired, rescale = 0, False  # autoscaling is disabled for this resource
            set_condition(s, SCALING_ACTIVE, "False", "ScalingDisabled",
                          "scaling is disabled since the replica count of the target is zero")
        elif current > max_replicas:
            desired = max_replicas  # "Current number of replicas above Spec.MaxReplicas"
        elif current < min_replicas:
            desired = min_replicas  # "Current number of replicas below Spec.MinReplicas"
        else:
            metric_desired, _, statuses, _, err = self.compute_replicas_for_metrics(
                s, scale, hpa.spec.metrics or ())
            if err is not None and metric_desired == -1:
                self.set_current_replicas_and_metrics_in_status(s, current, statuses)
                return self.update_status_if_needed(s, original)
            desired = max(desired, metric_desired)
            if hpa.spec.behavior is None:
                desired = self.normalize_desired_replicas(s, current, desired, min_replicas)
            else:
                desired = self.normalize_desired_replicas_with_behaviors(s, current, desired,
                                                                         min_replicas)
            rescale = desired != current
        if rescale:
            written = apiserver.scale(s.cluster, ref.kind or "", namespace, ref.name or "",
                                      desired)
            if isinstance(written, Status):
                set_condition(s, ABLE_TO_SCALE, "False", "FailedUpdateScale",
                              f"the HPA controller was unable to update the target scale: "
                              f"{written.message}")
                self.set_current_replicas_and_metrics_in_status(s, current, statuses)
                return self.update_status_if_needed(s, original)
            s.cluster = written.cluster
            set_condition(s, ABLE_TO_SCALE, "True", "SucceededRescale",
                          f"the HPA controller was able to update the target scale to "
                          f"{desired}")
            self.store_scale_event(s, hpa.spec.behavior, current, desired)
        else:
            desired = current
        self.set_status(s, current, desired, statuses, rescale)
        return self.update_status_if_needed(s, original)

    def _get_scale(self, s: SyncState) -> Scale | None:
        """The target's GroupVersion, its REST mapping and its scale (scaleForResourceMappings);
        on failure AbleToScale is False with FailedGetScale."""
        ref = s.hpa.spec.scale_target_ref
        parsed = parse_group_version(ref.api_version or "")
        failure: str | None = parsed if isinstance(parsed, str) else None
        if failure is None:
            assert not isinstance(parsed, str)
            failure = rest_mapping_error(s.cluster, parsed[0], ref.kind or "")
        if failure is None:
            scale = apiserver.get_scale(s.cluster, ref.kind or "",
                                        s.hpa.metadata.namespace or "", ref.name or "")
            if not isinstance(scale, Status):
                return scale
            failure = scale.message
        set_condition(s, ABLE_TO_SCALE, "False", "FailedGetScale",
                      f"the HPA controller was unable to get the target's current scale: "
                      f"{failure}")
        return None

    # -- normalisation: the legacy path ---------------------------------------------------

    def stabilize_recommendation(self, s: SyncState, prenormalized: int) -> int:
        """stabilizeRecommendation: the largest recommendation of the last window (this one
        included); the new one replaces an outdated one or is appended."""
        best = prenormalized
        old_index: int | None = None
        cutoff = s.now - self.downscale_stabilisation_window
        recommendations = s.memory.recommendations.get(s.key, pvector())
        for i, rec in enumerate(recommendations):
            if rec.timestamp <= cutoff:
                old_index = i
            elif rec.recommendation > best:
                best = rec.recommendation
        new = TimestampedRecommendation(prenormalized, s.now)
        recommendations = recommendations.set(old_index, new) if old_index is not None \
            else recommendations.append(new)
        s.memory = attrs.evolve(s.memory, recommendations=s.memory.recommendations.set(
            s.key, recommendations))
        return best

    def normalize_desired_replicas(self, s: SyncState, current_replicas: int, prenormalized: int,
                                   min_replicas: int) -> int:
        """normalizeDesiredReplicas: stabilise, then bound by min, max and the scale-up
        limit."""
        stabilized = self.stabilize_recommendation(s, prenormalized)
        if stabilized != prenormalized:
            set_condition(s, ABLE_TO_SCALE, "True", "ScaleDownStabilized",
                          "recent recommendations were higher than current one, applying the "
                          "highest recent recommendation")
        else:
            set_condition(s, ABLE_TO_SCALE, "True", "ReadyForNewScale",
                          "recommended size matches current size")
        desired, reason, message = self.convert_desired_replicas_with_rules(
            current_replicas, stabilized, min_replicas, s.hpa.spec.max_replicas or 0)
        set_condition(s, SCALING_LIMITED, "False" if desired == stabilized else "True", reason,
                      message)
        return desired

    def convert_desired_replicas_with_rules(self, current_replicas: int, desired_replicas: int,
                                            hpa_min_replicas: int, hpa_max_replicas: int
                                            ) -> tuple[int, str, str]:
        """convertDesiredReplicasWithRules: (replicas, reason, message)."""
        minimum = hpa_min_replicas
        scale_up_limit = self.calculate_scale_up_limit(current_replicas)
        if hpa_max_replicas > scale_up_limit:
            maximum, condition = scale_up_limit, "ScaleUpLimit"
            message = "the desired replica count is increasing faster than the maximum scale " \
                      "rate"
        else:
            maximum, condition = hpa_max_replicas, "TooManyReplicas"
            message = "the desired replica count is more than the maximum replica count"
        if desired_replicas < minimum:
            return minimum, "TooFewReplicas", "the desired replica count is less than the " \
                                              "minimum replica count"
        if desired_replicas > maximum:
            return maximum, condition, message
        return desired_replicas, "DesiredWithinRange", "the desired count is within the " \
                                                       "acceptable range"

    def calculate_scale_up_limit(self, current_replicas: int) -> int:
        """calculateScaleUpLimit: max(factor x current, minimum)."""
        return int(max(self.scale_up_limit_factor * current_replicas,
                       self.scale_up_limit_minimum))

    # -- normalisation: the behavior path -------------------------------------------------

    def normalize_desired_replicas_with_behaviors(self, s: SyncState, current_replicas: int,
                                                  prenormalized: int, min_replicas: int) -> int:
        """normalizeDesiredReplicasWithBehaviors: stabilise within each direction's window,
        then bound by min, max and the policies' rates."""
        behavior = self.maybe_init_scale_down_stabilization_window(s.hpa.spec.behavior)
        assert behavior is not None and behavior.scale_up is not None \
            and behavior.scale_down is not None
        stabilized, reason, message = self.stabilize_recommendation_with_behaviors(
            s, behavior, current_replicas, prenormalized)
        if stabilized != prenormalized:
            set_condition(s, ABLE_TO_SCALE, "True", reason, message)
        else:
            set_condition(s, ABLE_TO_SCALE, "True", "ReadyForNewScale",
                          "recommended size matches current size")
        desired, reason, message = self.convert_desired_replicas_with_behavior_rate(
            s, behavior, current_replicas, stabilized, min_replicas,
            s.hpa.spec.max_replicas or 0)
        set_condition(s, SCALING_LIMITED, "False" if desired == stabilized else "True", reason,
                      message)
        return desired

    def maybe_init_scale_down_stabilization_window(
            self, behavior: HorizontalPodAutoscalerBehavior | None
    ) -> HorizontalPodAutoscalerBehavior | None:
        """maybeInitScaleDownStabilizationWindow: an unset scale-down window is the flag's."""
        if behavior is not None and behavior.scale_down is not None \
                and behavior.scale_down.stabilization_window_seconds is None:
            return attrs.evolve(behavior, scale_down=attrs.evolve(
                behavior.scale_down,
                stabilization_window_seconds=self.downscale_stabilisation_window))
        return behavior

    def stabilize_recommendation_with_behaviors(self, s: SyncState,
                                                behavior: HorizontalPodAutoscalerBehavior,
                                                current_replicas: int, desired_replicas: int
                                                ) -> tuple[int, str, str]:
        """stabilizeRecommendationWithBehaviors: the smallest recommendation of the scale-up
        window and the largest of the scale-down window bound the current size."""
        assert behavior.scale_up is not None and behavior.scale_down is not None
        up_recommendation = down_recommendation = desired_replicas
        up_cutoff = s.now - (behavior.scale_up.stabilization_window_seconds or 0)
        down_cutoff = s.now - (behavior.scale_down.stabilization_window_seconds or 0)
        old_index: int | None = None
        recommendations = s.memory.recommendations.get(s.key, pvector())
        for i, rec in enumerate(recommendations):
            if rec.timestamp > up_cutoff:
                up_recommendation = min(rec.recommendation, up_recommendation)
            if rec.timestamp > down_cutoff:
                down_recommendation = max(rec.recommendation, down_recommendation)
            if rec.timestamp <= up_cutoff and rec.timestamp <= down_cutoff:
                old_index = i
        recommendation = current_replicas
        if recommendation < up_recommendation:
            recommendation = up_recommendation
        if recommendation > down_recommendation:
            recommendation = down_recommendation
        new = TimestampedRecommendation(desired_replicas, s.now)
        recommendations = recommendations.set(old_index, new) if old_index is not None \
            else recommendations.append(new)
        s.memory = attrs.evolve(s.memory, recommendations=s.memory.recommendations.set(
            s.key, recommendations))
        if desired_replicas >= current_replicas:
            return recommendation, "ScaleUpStabilized", (
                "recent recommendations were lower than current one, applying the lowest "
                "recent recommendation")
        return recommendation, "ScaleDownStabilized", (
            "recent recommendations were higher than current one, applying the highest recent "
            "recommendation")

    def convert_desired_replicas_with_behavior_rate(
            self, s: SyncState, behavior: HorizontalPodAutoscalerBehavior, current_replicas: int,
            desired_replicas: int, min_replicas: int, max_replicas: int) -> tuple[int, str, str]:
        """convertDesiredReplicasWithBehaviorRate: the policies' limits for the period, and
        min/max."""
        up_events = s.memory.scale_up_events.get(s.key, pvector())
        down_events = s.memory.scale_down_events.get(s.key, pvector())
        if desired_replicas > current_replicas:
            assert behavior.scale_up is not None
            limit = calculate_scale_up_limit_with_scaling_rules(
                current_replicas, up_events, down_events, behavior.scale_up, s.now)
            limit = max(limit, current_replicas)
            if max_replicas > limit:
                maximum, reason = limit, "ScaleUpLimit"
                message = "the desired replica count is increasing faster than the maximum " \
                          "scale rate"
            else:
                maximum, reason = max_replicas, "TooManyReplicas"
                message = "the desired replica count is more than the maximum replica count"
            if desired_replicas > maximum:
                return maximum, reason, message
        elif desired_replicas < current_replicas:
            assert behavior.scale_down is not None
            limit = calculate_scale_down_limit_with_behaviors(
                current_replicas, up_events, down_events, behavior.scale_down, s.now)
            limit = min(limit, current_replicas)
            if min_replicas < limit:
                minimum, reason = limit, "ScaleDownLimit"
                message = "the desired replica count is decreasing faster than the maximum " \
                          "scale rate"
            else:
                minimum, reason = min_replicas, "TooFewReplicas"
                message = "the desired replica count is less than the minimum replica count"
            if desired_replicas < minimum:
                return minimum, reason, message
        return desired_replicas, "DesiredWithinRange", "the desired count is within the " \
                                                       "acceptable range"

    def get_unable_compute_replica_count_condition(self, reason: str, err: str) -> Condition:
        """getUnableComputeReplicaCountCondition."""
        return Condition(type=SCALING_ACTIVE, status="False", reason=reason,
                         message=f"the HPA was unable to compute the replica count: {err}")

    def store_scale_event(self, s: SyncState, behavior: HorizontalPodAutoscalerBehavior | None,
                          prev_replicas: int, new_replicas: int) -> None:
        """storeScaleEvent: kept only with a behavior; the change replaces an event older than
        the longest policy period, or is appended."""
        if behavior is None:
            return
        up = new_replicas > prev_replicas
        rules = behavior.scale_up if up else behavior.scale_down
        events_map = s.memory.scale_up_events if up else s.memory.scale_down_events
        events = mark_scale_events_outdated(events_map.get(s.key, pvector()),
                                            get_longest_policy_period(rules), s.now)
        old_index: int | None = None
        for i, event in enumerate(events):
            if event.outdated:
                old_index = i
        new = TimestampedScaleEvent(abs(new_replicas - prev_replicas), s.now)
        events = events.set(old_index, new) if old_index is not None else events.append(new)
        if up:
            s.memory = attrs.evolve(s.memory, scale_up_events=events_map.set(s.key, events))
        else:
            s.memory = attrs.evolve(s.memory, scale_down_events=events_map.set(s.key, events))

    # -- status ---------------------------------------------------------------------------

    def set_current_replicas_and_metrics_in_status(self, s: SyncState, current_replicas: int,
                                                   statuses: list[MetricStatus]) -> None:
        """setCurrentReplicasAndMetricsInStatus."""
        self.set_status(s, current_replicas, s.status.desired_replicas or 0, statuses, False)

    def set_status(self, s: SyncState, current_replicas: int, desired_replicas: int,
                   statuses: list[MetricStatus], rescale: bool) -> None:
        """setStatus: a new status (observedGeneration is not kept: v1.34 writes none)."""
        s.status = HorizontalPodAutoscalerStatus(
            current_replicas=current_replicas, desired_replicas=desired_replicas,
            last_scale_time=s.now if rescale else s.status.last_scale_time,
            current_metrics=pvector(statuses), conditions=s.status.conditions)

    def update_status_if_needed(self, s: SyncState, original: HorizontalPodAutoscalerStatus
                                ) -> Cluster:
        """updateStatusIfNeeded: write the status only when it changed; keep the memory."""
        cluster = s.cluster
        if memory_of(cluster) != s.memory:
            cluster = cluster.remember(NAME, MEMORY_KEY, s.memory)
        if s.status == original:
            return cluster
        written = apiserver.update_status(cluster, attrs.evolve(s.hpa, status=s.status))
        return cluster if isinstance(written, Status) else written.cluster

    def tolerances_for_hpa(self, hpa: HorizontalPodAutoscaler) -> Tolerances:
        """tolerancesForHpa: the flag's tolerance both ways (HPAConfigurableTolerance is off,
        so the behavior's tolerances are not read)."""
        return Tolerances(self.tolerance, self.tolerance)


# -- pure helpers ----------------------------------------------------------------------------


def memory_of(cluster: Cluster) -> HorizontalMemory:
    memory: HorizontalMemory = cluster.recall(NAME, MEMORY_KEY) or EMPTY_MEMORY
    return memory


EMPTY_MEMORY = HorizontalMemory()


def _metric_selector(identifier: MetricIdentifier) -> tuple[Selector | None, str | None]:
    try:
        return label_selector_as_selector(identifier.selector), None
    except ValueError as exc:
        return None, str(exc)


def set_condition(s: SyncState, condition_type: str, status: str, reason: str, message: str
                  ) -> None:
    """setCondition on the status being built."""
    s.status = attrs.evolve(s.status, conditions=set_condition_in_list(
        s.status.conditions, condition_type, status, reason, message, s.now))


def set_condition_in_list(conditions: PVector[Condition], condition_type: str, status: str,
                          reason: str, message: str, now: int) -> PVector[Condition]:
    """setConditionInList: update the condition of that type (appended when missing); its
    lastTransitionTime moves only when its status changes."""
    for i, existing in enumerate(conditions):
        if existing.type == condition_type:
            transition = now if existing.status != status else existing.last_transition_time
            return conditions.set(i, attrs.evolve(
                existing, status=status, reason=reason, message=message,
                last_transition_time=transition))
    return conditions.append(Condition(type=condition_type, status=status, reason=reason,
                                       message=message, last_transition_time=now))


def get_replicas_change_per_period(period_seconds: int,
                                   scale_events: Iterable[TimestampedScaleEvent], now: int
                                   ) -> int:
    """getReplicasChangePerPeriod: the changes of the events within the period."""
    cutoff = now - period_seconds
    return sum(e.replica_change for e in scale_events if e.timestamp > cutoff)


def mark_scale_events_outdated(events: PVector[TimestampedScaleEvent],
                               longest_policy_period: int, now: int
                               ) -> PVector[TimestampedScaleEvent]:
    """markScaleEventsOutdated: events older than the longest period may be reused."""
    cutoff = now - longest_policy_period
    return pvector(attrs.evolve(e, outdated=True) if e.timestamp <= cutoff else e
                   for e in events)


def get_longest_policy_period(rules: HPAScalingRules | None) -> int:
    """getLongestPolicyPeriod."""
    if rules is None:
        return 0
    return max((p.period_seconds or 0 for p in rules.policies or ()), default=0)


def calculate_scale_up_limit_with_scaling_rules(
        current_replicas: int, scale_up_events: Sequence[TimestampedScaleEvent],
        scale_down_events: Sequence[TimestampedScaleEvent], rules: HPAScalingRules, now: int
) -> int:
    """calculateScaleUpLimitWithScalingRules: the most pods the policies allow (the fewest with
    selectPolicy Min; the current count when Disabled)."""
    if rules.select_policy == DISABLED:
        return current_replicas
    use_min = rules.select_policy == MIN_CHANGE
    result = MAX_INT32 if use_min else MIN_INT32
    for policy in rules.policies or ():
        period = policy.period_seconds or 0
        added = get_replicas_change_per_period(period, scale_up_events, now)
        deleted = get_replicas_change_per_period(period, scale_down_events, now)
        start = current_replicas - added + deleted
        if policy.type == PODS_POLICY:
            proposed = start + (policy.value or 0)
        elif policy.type == PERCENT_POLICY:
            proposed = _go_ceil(start * (1 + (policy.value or 0) / 100))
        else:
            proposed = 0
        result = min(result, proposed) if use_min else max(result, proposed)
    return result


def calculate_scale_down_limit_with_behaviors(
        current_replicas: int, scale_up_events: Sequence[TimestampedScaleEvent],
        scale_down_events: Sequence[TimestampedScaleEvent], rules: HPAScalingRules, now: int
) -> int:
    """calculateScaleDownLimitWithBehaviors: the fewest pods the policies allow (the most with
    selectPolicy Min; the current count when Disabled)."""
    if rules.select_policy == DISABLED:
        return current_replicas
    use_min = rules.select_policy == MIN_CHANGE
    result = MIN_INT32 if use_min else MAX_INT32
    for policy in rules.policies or ():
        period = policy.period_seconds or 0
        added = get_replicas_change_per_period(period, scale_up_events, now)
        deleted = get_replicas_change_per_period(period, scale_down_events, now)
        start = current_replicas - added + deleted
        if policy.type == PODS_POLICY:
            proposed = start - (policy.value or 0)
        elif policy.type == PERCENT_POLICY:
            proposed = int(start * (1 - (policy.value or 0) / 100))
        else:
            proposed = 0
        result = max(result, proposed) if use_min else min(result, proposed)
    return result


def _go_ceil(value: float) -> int:
    """int32(math.Ceil(value))."""
    return math.ceil(value)


def rest_mapping_error(cluster: Cluster, group: str, kind: str) -> str | None:
    """RESTMappings(GroupKind): None when the kind is served in that group (a built-in kind,
    a kind stored objects have, or one a CustomResourceDefinition `<plural>.<group>` declares);
    else meta.NoKindMatchError's text."""
    info = KINDS.get(kind)
    if info is not None and info.group == group:
        return None
    if info is None:
        for obj in cluster.list(kind):
            obj_group = (obj.api_version or "").rpartition("/")[0]
            if obj_group == group:
                return None
            break
        crd = cluster.get("CustomResourceDefinition", "", f"{plural(kind)}.{group}")
        if crd is not None:
            return None
    return f'no matches for kind "{kind}" in group "{group}"'


DEFAULT = HorizontalController()
CONTROLLER = DEFAULT.controller()
