"""The HPA controller against pkg/controller/podautoscaler/horizontal_test.go, each test named
as in Go.

The reconcile tables (TestScaleUp ... TestNoScaleDownOneMetricEmpty) run one
`reconcile: {controller: horizontal-pod-autoscaler, key: test-namespace/test-hpa}` in manual
mode against a cluster restored from a snapshot built as the Go harness builds its fakes: the
target (a ReplicationController `test-rc` unless the case names another), pods `test-pod-i`
with two containers each requesting half the pod's cpu, the HPA `test-hpa`, and the samples the
fake metrics clients would serve, sent as `usage:` and `metric:` events. As the Go tests do, the
controller runs with scaleUpLimitFactor 8, a 2 minute cpu initialization period and a 10 s
readiness delay; recommendations a case presets go into the controller's memory. A fake client
that fails becomes a state that fails the same way: no samples (FailedGet...Metric), no target
(FailedGetScale), a target whose spec no longer validates (FailedUpdateScale), a custom resource
whose scale selector does not parse (InvalidSelector).

The normalisation tables (TestConvertDesiredReplicasWithRules,
TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors,
TestNormalizeDesiredReplicas, TestScalingWithRules, TestStoreScaleEvents,
TestNormalizeDesiredReplicasWithBehavior) call the controller's methods on a sync state, as the
Go tests call them on a bare HorizontalController.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from pyrsistent import pmap, pvector

from kubefold.core.autoscaling import HPAScalingPolicy, HPAScalingRules
from kubefold.core.cluster import Cluster
from kubefold.core.events import MetricSample, Reconcile, Usage
from kubefold.core.labels import selector_from_set
from kubefold.core.schema import format_time, freeze, parse_time
from kubefold.reducers.apiserver.autoscaling import (
    generate_hpa_scale_down_rules,
    generate_hpa_scale_up_rules,
)
from kubefold.reducers.controllers.podautoscaler import horizontal as hpa_mod
from kubefold.reducers.controllers.podautoscaler.horizontal import (
    HorizontalController,
    HorizontalMemory,
    SyncState,
    TimestampedRecommendation,
    TimestampedScaleEvent,
    calculate_scale_down_limit_with_behaviors,
    calculate_scale_up_limit_with_scaling_rules,
    get_replicas_change_per_period,
)
from kubefold.reducers.controllers.podautoscaler.replica_calculator import ReplicaCalculator
from tests.helpers import Engine, plane

NS = "test-namespace"
KEY = f"{NS}/test-hpa"
NOW = "2024-06-01T12:00:00Z"
T = parse_time(NOW)
COOL, HOT = T - 180, T  # coolCPUCreationTime, hotCPUCreationTime
LONG_AGO = T - 3600  # a zero metav1.Time: long before anything
CONTROLLER = HorizontalController(
    replica_calc=ReplicaCalculator(cpu_initialization_period=120,
                                   delay_of_initial_readiness_status=10),
    scale_up_limit_factor=8)
ENGINE = Engine(plane(CONTROLLER.controller(), world=True))

OK = [("AbleToScale", "True", "SucceededRescale"), ("ScalingActive", "True", "ValidMetricFound"),
      ("ScalingLimited", "False", "DesiredWithinRange")]


def ok(**overrides: tuple[str, str]) -> list[tuple[str, str, str]]:
    """statusOkWithOverrides: the ok conditions with some types' (status, reason) replaced."""
    return [(t, *overrides[t]) if t in overrides else (t, s, r) for t, s, r in OK]


def q(milli: int) -> str:
    return f"{milli}m"


# -- the harness (prepareTestClient) ---------------------------------------------------------


def target_object(resource: tuple[str, str, str], spec: int, status: int,
                  invalid_spec: bool = False, no_selector: bool = False) -> dict[str, Any]:
    kind, api_version, name = resource
    meta = {"name": name, "namespace": NS, "uid": f"uid-{name}", "creationTimestamp": NOW}
    if kind == "ReplicationController":
        spec_body: dict[str, Any] = {"replicas": spec}
        if not no_selector:
            spec_body["selector"] = {"name": "test-pod"}
        return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": spec_body,
                "status": {"replicas": status}}
    if kind in ("Deployment", "ReplicaSet"):
        labels = {"name": "other"} if invalid_spec else {"name": "test-pod"}
        return {"apiVersion": api_version, "kind": kind, "metadata": meta,
                "spec": {"replicas": spec, "selector": {"matchLabels": {"name": "test-pod"}},
                         "template": {"metadata": {"labels": labels},
                                      "spec": {"containers": [{"name": "c", "image": "i"}]}}},
                "status": {"replicas": status}}
    return {"apiVersion": api_version, "kind": kind, "metadata": meta,
            "spec": {"replicas": spec}, "status": {"replicas": status,
                                                   "selector": "cheddar cheese"}}


def pod(i: int, request: int, readiness: str, start: int, phase: str, deleted: bool
        ) -> dict[str, Any]:
    half = {"requests": {"cpu": q(request // 2)}}
    meta: dict[str, Any] = {"name": f"test-pod-{i}", "namespace": NS, "uid": f"pod-{i}",
                            "labels": {"name": "test-pod"}, "creationTimestamp": format_time(start)}
    if deleted:
        meta["deletionTimestamp"] = NOW
        meta["deletionGracePeriodSeconds"] = 30
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": "n1", "containers": [
                {"name": "container1", "image": "i", "resources": half},
                {"name": "container2", "image": "i", "resources": half}]},
            "status": {"phase": phase, "startTime": format_time(start),
                       "conditions": [{"type": "Ready", "status": readiness,
                                       "lastTransitionTime": format_time(start)}]}}


def rules(pods: int, pods_period: int, percent: int, percent_period: int, window: int
          ) -> dict[str, Any]:
    """generateScalingRules, as the manifest's JSON."""
    policies = []
    if pods:
        policies.append({"type": "Pods", "value": pods, "periodSeconds": pods_period})
    if percent:
        policies.append({"type": "Percent", "value": percent, "periodSeconds": percent_period})
    return {"stabilizationWindowSeconds": window, "selectPolicy": "Max", "policies": policies}


def rules_value(pods: int, pods_period: int, percent: int, percent_period: int, window: int
                ) -> HPAScalingRules:
    policies = []
    if pods:
        policies.append(HPAScalingPolicy(type="Pods", value=pods, period_seconds=pods_period))
    if percent:
        policies.append(HPAScalingPolicy(type="Percent", value=percent,
                                         period_seconds=percent_period))
    return HPAScalingRules(stabilization_window_seconds=window, select_policy="Max",
                           policies=pvector(policies))


def cpu_metric(target: int) -> dict[str, Any]:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": target}}}


def pods_metric(average: str) -> dict[str, Any]:
    return {"type": "Pods", "pods": {"metric": {"name": "qps"},
                                     "target": {"type": "AverageValue", "averageValue": average}}}


def object_metric(value: str | None = None, average: str | None = None) -> dict[str, Any]:
    target = {"type": "Value", "value": value} if value is not None else \
        {"type": "AverageValue", "averageValue": average}
    return {"type": "Object", "object": {
        "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment",
                            "name": "some-deployment"},
        "metric": {"name": "qps"}, "target": target}}


def external_metric(value: str | None = None, average: str | None = None) -> dict[str, Any]:
    target = {"type": "Value", "value": value} if value is not None else \
        {"type": "AverageValue", "averageValue": average}
    return {"type": "External", "external": {"metric": {"name": "qps", "selector": {}},
                                             "target": target}}


def container_metric(container: str, target: int) -> dict[str, Any]:
    return {"type": "ContainerResource", "containerResource": {
        "name": "cpu", "container": container,
        "target": {"type": "Utilization", "averageUtilization": target}}}


@attrs.frozen(kw_only=True)
class Case:
    """testCase."""

    min: int
    max: int
    spec: int
    status: int
    expected: int
    cpu_target: int = 0
    cpu_current: int | None = None
    verify_cpu: bool = False
    levels: tuple[int, ...] = ()
    requests: tuple[int, ...] | None = None  # milli-cpu per pod
    readiness: tuple[str, ...] | None = None
    start: tuple[int, ...] | None = None
    phase: tuple[str, ...] | None = None
    deleted: tuple[bool, ...] | None = None
    metrics: tuple[dict[str, Any], ...] = ()
    conditions: list[tuple[str, str, str]] | None = None
    resource: tuple[str, str, str] = ("ReplicationController", "v1", "test-rc")
    last_scale_time: int | None = None
    recommendations: tuple[tuple[int, int], ...] | None = None  # (replicas, seconds ago)
    scale_up: dict[str, Any] | None = None
    scale_down: dict[str, Any] | None = None
    other_hpa_selector: dict[str, str] | None = None  # a second HPA's selector, as hpaSelectors
    pod_labels: dict[str, str] | None = None
    samples: tuple[str, ...] = ("usage", "pods", "object", "external")
    invalid_target: bool = False
    no_target: bool = False
    no_selector: bool = False


def build(tc: Case) -> Cluster:
    """prepareTestClient and setupController, as a cluster value."""
    count = len(tc.requests) if tc.requests is not None else tc.status
    requests = tc.requests if tc.requests is not None else (1000,) * count
    pods = [pod(i, requests[i], tc.readiness[i] if tc.readiness else "True",
                tc.start[i] if tc.start else LONG_AGO, tc.phase[i] if tc.phase else "Running",
                bool(tc.deleted and tc.deleted[i])) for i in range(count)]
    if tc.pod_labels:
        for p in pods:
            p["metadata"]["labels"].update(tc.pod_labels)
    metrics = ([cpu_metric(tc.cpu_target)] if tc.cpu_target > 0 else []) + list(tc.metrics)
    spec: dict[str, Any] = {
        "scaleTargetRef": {"kind": tc.resource[0], "apiVersion": tc.resource[1],
                           "name": tc.resource[2]},
        "minReplicas": tc.min, "maxReplicas": tc.max, "metrics": metrics}
    if tc.scale_up or tc.scale_down:
        spec["behavior"] = {k: v for k, v in (("scaleUp", tc.scale_up),
                                              ("scaleDown", tc.scale_down)) if v}
    status: dict[str, Any] = {"currentReplicas": tc.spec, "desiredReplicas": tc.spec}
    if tc.last_scale_time is not None:
        status["lastScaleTime"] = format_time(tc.last_scale_time)
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "test-hpa", "namespace": NS, "uid": "hpa-uid",
                        "creationTimestamp": NOW},
           "spec": spec, "status": status}
    objects: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}, hpa, *pods]
    if not tc.no_target:
        objects.append(target_object(tc.resource, tc.spec, tc.status, tc.invalid_target,
                                     tc.no_selector))
    memory = HorizontalMemory()
    if tc.other_hpa_selector is not None:
        other = {**hpa, "metadata": {"name": "test-hpa-2", "namespace": NS, "uid": "hpa-2"}}
        objects.append(other)
        memory = attrs.evolve(memory, selectors=pmap({NS: pmap({
            "test-hpa-2": selector_from_set(tc.other_hpa_selector)})}))
    cluster = ENGINE.restore(*objects, now=NOW)
    if tc.recommendations is not None:
        memory = attrs.evolve(memory, recommendations=pmap({KEY: pvector(
            TimestampedRecommendation(r, T - ago) for r, ago in tc.recommendations)}))
    if memory != HorizontalMemory():
        cluster = cluster.remember(hpa_mod.NAME, hpa_mod.MEMORY_KEY, memory)
    return _with_samples(cluster, tc, count)


def _with_samples(cluster: Cluster, tc: Case, count: int) -> Cluster:
    """What the fake metrics clients serve: each existing pod's usage and qps, the object's
    and the external metric."""
    kinds = {m["type"] for m in tc.metrics} | ({"Resource"} if tc.cpu_target > 0 else set())
    events: list[Any] = []
    for i, level in enumerate(tc.levels[:count]):
        if "usage" in tc.samples and kinds & {"Resource", "ContainerResource"}:
            events.append(Usage(NS, f"test-pod-{i}", containers=freeze({
                "container1": {"cpu": q(level // 2), "memory": "512Ki"},
                "container2": {"cpu": q(level // 2), "memory": "512Ki"}})))
        if "pods" in tc.samples and "Pods" in kinds:
            events.append(MetricSample("qps", level / 1000, NS, f"test-pod-{i}"))
    if tc.levels and "object" in tc.samples and "Object" in kinds:
        events.append(MetricSample("qps", tc.levels[0] / 1000, NS, object=freeze(
            {"kind": "Deployment", "name": "some-deployment"})))
    if tc.levels and "external" in tc.samples and "External" in kinds:
        events.append(MetricSample("qps", freeze([level / 1000 for level in tc.levels]), NS,
                                   labels=freeze({"queue": "test"})))
    for event in events:
        outcome = ENGINE.apply_event(cluster, event, mode="manual")
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def run(tc: Case) -> tuple[Cluster, Cluster]:
    before = build(tc)
    outcome = ENGINE.apply_event(before, Reconcile(hpa_mod.NAME, KEY), mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return before, outcome.cluster


def verify(tc: Case, after: Cluster) -> None:
    """verifyResults and the update reactors' assertions."""
    kind, _, name = tc.resource
    if not tc.no_target:
        target = after.get(kind, NS, name)
        replicas = target.spec.replicas if hasattr(target, "spec") \
            else target.extra["spec"]["replicas"]
        assert replicas == tc.expected, "the target's replica count"
    status = after.get("HorizontalPodAutoscaler", NS, "test-hpa").status
    assert status.desired_replicas == tc.expected
    got = [(c.type, c.status, c.reason) for c in status.conditions]
    assert got == (tc.conditions if tc.conditions is not None else OK)
    if tc.verify_cpu:
        current = tc.cpu_current
        if current is None:  # computeCPUCurrent
            current = 100 * sum(tc.levels) // sum(tc.requests or ())
        utilization = [m.resource.current.average_utilization for m in status.current_metrics
                       if m.type == "Resource" and m.resource is not None
                       and m.resource.name == "cpu"]
        assert utilization == [current]


R3, R5 = (1000,) * 3, (1000,) * 5
MIXED = (900, 1000, 1100)
CHEDDAR = ({"type": "CheddarCheese"},)
CASES: list[tuple[str, Case]] = [
    ("TestScaleUp", Case(min=2, max=6, spec=3, status=3, expected=5, cpu_target=30,
                         verify_cpu=True, levels=(300, 500, 700), requests=R3)),
    ("TestScaleUpContainer", Case(min=2, max=6, spec=3, status=3, expected=5,
                                  metrics=(container_metric("container1", 30),),
                                  levels=(300, 500, 700), requests=R3)),
    ("TestScaleUpUnreadyLessScale", Case(
        min=2, max=6, spec=3, status=3, expected=4, cpu_target=30, cpu_current=60,
        verify_cpu=True, levels=(300, 500, 700), requests=R3,
        readiness=("False", "True", "True"))),
    ("TestScaleUpHotCpuLessScale", Case(
        min=2, max=6, spec=3, status=3, expected=4, cpu_target=30, cpu_current=60,
        verify_cpu=True, levels=(300, 500, 700), requests=R3, start=(HOT, COOL, COOL))),
    ("TestScaleUpUnreadyNoScale", Case(
        min=2, max=6, spec=3, status=3, expected=3, cpu_target=30, cpu_current=40,
        verify_cpu=True, levels=(400, 500, 700), requests=R3,
        readiness=("True", "False", "False"),
        conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestScaleUpHotCpuNoScale", Case(
        min=2, max=6, spec=3, status=3, expected=3, cpu_target=30, cpu_current=40,
        verify_cpu=True, levels=(400, 500, 700), requests=R3,
        readiness=("True", "False", "False"), start=(COOL, HOT, HOT),
        conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestScaleUpIgnoresFailedPods", Case(
        min=2, max=6, spec=2, status=2, expected=4, cpu_target=30, cpu_current=60,
        verify_cpu=True, levels=(500, 700), requests=(1000,) * 4,
        readiness=("True", "True", "False", "False"),
        phase=("Running", "Running", "Failed", "Failed"))),
    ("TestScaleUpIgnoresDeletionPods", Case(
        min=2, max=6, spec=2, status=2, expected=4, cpu_target=30, cpu_current=60,
        verify_cpu=True, levels=(500, 700), requests=(1000,) * 4,
        readiness=("True", "True", "False", "False"), phase=("Running",) * 4,
        deleted=(False, False, True, True))),
    ("TestScaleUpDeployment", Case(
        min=2, max=6, spec=3, status=3, expected=5, cpu_target=30, verify_cpu=True,
        levels=(300, 500, 700), requests=R3, resource=("Deployment", "apps/v1", "test-dep"))),
    ("TestScaleUpReplicaSet", Case(
        min=2, max=6, spec=3, status=3, expected=5, cpu_target=30, verify_cpu=True,
        levels=(300, 500, 700), requests=R3,
        resource=("ReplicaSet", "apps/v1", "test-replicaset"))),
    ("TestScaleUpCM", Case(min=2, max=6, spec=3, status=3, expected=4,
                           metrics=(pods_metric("15.0"),), levels=(20000, 10000, 30000),
                           requests=R3)),
    ("TestScaleUpCMUnreadyAndHotCpuNoLessScale", Case(
        min=2, max=6, spec=3, status=3, expected=6, metrics=(pods_metric("15.0"),),
        levels=(50000, 10000, 30000), readiness=("True", "True", "False"),
        start=(COOL, COOL, HOT), requests=R3)),
    ("TestScaleUpCMUnreadyandCpuHot", Case(
        min=2, max=6, spec=3, status=3, expected=6, metrics=(pods_metric("15.0"),),
        levels=(50000, 15000, 30000), readiness=("False", "True", "False"),
        start=(HOT, COOL, HOT), requests=R3,
        conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestScaleUpHotCpuNoScaleWouldScaleDown", Case(
        min=2, max=6, spec=3, status=3, expected=6, metrics=(pods_metric("15.0"),),
        levels=(50000, 15000, 30000), start=(HOT, COOL, HOT), requests=R3,
        conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestScaleUpCMObject", Case(min=2, max=6, spec=3, status=3, expected=4,
                                 metrics=(object_metric(value="15.0"),), levels=(20000,))),
    ("TestScaleUpFromZeroCMObject", Case(min=0, max=6, spec=0, status=0, expected=2,
                                         metrics=(object_metric(value="15.0"),),
                                         levels=(20000,))),
    ("TestScaleUpFromZeroIgnoresToleranceCMObject", Case(
        min=0, max=6, spec=0, status=0, expected=1, metrics=(object_metric(value="1.0"),),
        levels=(1000,))),
    ("TestScaleUpPerPodCMObject", Case(min=2, max=6, spec=3, status=3, expected=4,
                                       metrics=(object_metric(average="10.0"),),
                                       levels=(40000,))),
    ("TestScaleUpCMExternal", Case(min=2, max=6, spec=3, status=3, expected=4,
                                   metrics=(external_metric(value="6666m"),), levels=(8600,))),
    ("TestScaleUpPerPodCMExternal", Case(min=2, max=6, spec=3, status=3, expected=4,
                                         metrics=(external_metric(average="2222m"),),
                                         levels=(8600,))),
    ("TestScaleDown", Case(min=2, max=6, spec=5, status=5, expected=3, cpu_target=50,
                           verify_cpu=True, levels=(100, 300, 500, 250, 250), requests=R5,
                           recommendations=())),
    ("TestScaleDownContainerResource", Case(
        min=2, max=6, spec=5, status=5, expected=3, levels=(100, 300, 500, 250, 250),
        requests=R5, metrics=(container_metric("container2", 50),), recommendations=())),
    ("TestScaleDownWithScalingRules", Case(
        min=2, max=6, spec=5, status=5, expected=3, cpu_target=50, verify_cpu=True,
        levels=(100, 300, 500, 250, 250), requests=R5, recommendations=(),
        scale_up=rules(0, 0, 100, 15, 30))),
    ("TestScaleUpOneMetricInvalid", Case(min=2, max=6, spec=3, status=3, expected=4,
                                         cpu_target=30, verify_cpu=True, metrics=CHEDDAR,
                                         levels=(300, 400, 500), requests=R3)),
    ("TestScaleUpFromZeroOneMetricInvalid", Case(
        min=0, max=6, spec=0, status=0, expected=4, cpu_target=30, verify_cpu=True,
        metrics=CHEDDAR, levels=(300, 400, 500), requests=R3, recommendations=())),
    ("TestScaleUpBothMetricsEmpty", Case(
        min=2, max=6, spec=3, status=3, expected=3, metrics=CHEDDAR, requests=R3,
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "InvalidMetricSourceType")])),
    ("TestScaleDownStabilizeInitialSize", Case(
        min=2, max=6, spec=5, status=5, expected=5, cpu_target=50, verify_cpu=True,
        levels=(100, 300, 500, 250, 250), requests=R5,
        conditions=ok(AbleToScale=("True", "ScaleDownStabilized")))),
    ("TestScaleDownCM", Case(min=2, max=6, spec=5, status=5, expected=3,
                             metrics=(pods_metric("20.0"),), levels=(12000,) * 5, requests=R5,
                             recommendations=())),
    ("TestScaleDownCMObject", Case(min=2, max=6, spec=5, status=5, expected=3,
                                   metrics=(object_metric(value="20.0"),), levels=(12000,),
                                   requests=R5, recommendations=())),
    ("TestScaleDownToZeroCMObject", Case(min=0, max=6, spec=5, status=5, expected=0,
                                         metrics=(object_metric(value="20.0"),), levels=(0,),
                                         requests=R5, recommendations=())),
    ("TestScaleDownPerPodCMObject", Case(min=2, max=6, spec=5, status=5, expected=3,
                                         metrics=(object_metric(average="20.0"),),
                                         levels=(60000,), requests=R5, recommendations=())),
    ("TestScaleDownCMExternal", Case(min=2, max=6, spec=5, status=5, expected=3,
                                     metrics=(external_metric(value="14400m"),),
                                     levels=(8600,), recommendations=())),
    ("TestScaleDownToZeroCMExternal", Case(min=0, max=6, spec=5, status=5, expected=0,
                                           metrics=(external_metric(value="14400m"),),
                                           levels=(0,), recommendations=())),
    ("TestScaleDownPerPodCMExternal", Case(min=2, max=6, spec=5, status=5, expected=3,
                                           metrics=(external_metric(average="3000m"),),
                                           levels=(8600,), recommendations=())),
    ("TestScaleDownIncludeUnreadyPods", Case(
        min=2, max=6, spec=5, status=5, expected=2, cpu_target=50, cpu_current=30,
        verify_cpu=True, levels=(100, 300, 500, 250, 250), requests=R5,
        readiness=("True", "True", "True", "False", "False"), recommendations=())),
    ("TestScaleDownIgnoreHotCpuPods", Case(
        min=2, max=6, spec=5, status=5, expected=2, cpu_target=50, cpu_current=30,
        verify_cpu=True, levels=(100, 300, 500, 250, 250), requests=R5,
        start=(COOL, COOL, COOL, HOT, HOT), recommendations=())),
    ("TestScaleDownIgnoresFailedPods", Case(
        min=2, max=6, spec=5, status=5, expected=3, cpu_target=50, cpu_current=28,
        verify_cpu=True, levels=(100, 300, 500, 250, 250), requests=(1000,) * 7,
        readiness=("True",) * 5 + ("False",) * 2, phase=("Running",) * 5 + ("Failed",) * 2,
        recommendations=())),
    ("TestScaleDownIgnoresDeletionPods", Case(
        min=2, max=6, spec=5, status=5, expected=3, cpu_target=50, cpu_current=28,
        verify_cpu=True, levels=(100, 300, 500, 250, 250), requests=(1000,) * 7,
        readiness=("True",) * 5 + ("False",) * 2, phase=("Running",) * 7,
        deleted=(False,) * 5 + (True,) * 2, recommendations=())),
    ("TestTolerance", Case(min=1, max=5, spec=3, status=3, expected=3, cpu_target=100,
                           levels=(1010, 1030, 1020), requests=MIXED,
                           conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestToleranceCM", Case(min=1, max=5, spec=3, status=3, expected=3,
                             metrics=(pods_metric("20.0"),), levels=(20000, 20001, 21000),
                             requests=MIXED,
                             conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestToleranceCMObject", Case(min=1, max=5, spec=3, status=3, expected=3,
                                   metrics=(object_metric(value="20.0"),), levels=(20050,),
                                   requests=MIXED,
                                   conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestToleranceCMExternal", Case(min=2, max=6, spec=4, status=4, expected=4,
                                     metrics=(external_metric(value="8666m"),), levels=(8600,),
                                     conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestTolerancePerPodCMObject", Case(
        min=2, max=6, spec=4, status=4, expected=4, metrics=(object_metric(average="2200m"),),
        levels=(8600,), conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestTolerancePerPodCMExternal", Case(
        min=2, max=6, spec=4, status=4, expected=4,
        metrics=(external_metric(average="2200m"),), levels=(8600,),
        conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestMinReplicas", Case(min=2, max=5, spec=3, status=3, expected=2, cpu_target=90,
                             levels=(10, 95, 10), requests=MIXED, recommendations=(),
                             conditions=ok(ScalingLimited=("True", "TooFewReplicas")))),
    ("TestZeroMinReplicasDesiredZero", Case(min=0, max=5, spec=3, status=3, expected=0,
                                            cpu_target=90, levels=(0, 0, 0), requests=MIXED,
                                            recommendations=())),
    ("TestMinReplicasDesiredZero", Case(
        min=2, max=5, spec=3, status=3, expected=2, cpu_target=90, levels=(0, 0, 0),
        requests=MIXED, recommendations=(),
        conditions=ok(ScalingLimited=("True", "TooFewReplicas")))),
    ("TestZeroReplicas", Case(min=3, max=5, spec=0, status=0, expected=0, cpu_target=90,
                              requests=(),
                              conditions=[("AbleToScale", "True", "SucceededGetScale"),
                                          ("ScalingActive", "False", "ScalingDisabled")])),
    ("TestTooFewReplicas", Case(min=3, max=5, spec=2, status=2, expected=3, cpu_target=90,
                                requests=(),
                                conditions=[("AbleToScale", "True", "SucceededRescale")])),
    ("TestTooManyReplicas", Case(min=3, max=5, spec=10, status=10, expected=5, cpu_target=90,
                                 requests=(),
                                 conditions=[("AbleToScale", "True", "SucceededRescale")])),
    ("TestMaxReplicas", Case(min=2, max=5, spec=3, status=3, expected=5, cpu_target=90,
                             levels=(8000, 9500, 1000), requests=MIXED,
                             conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestSuperfluousMetrics", Case(
        min=2, max=6, spec=4, status=4, expected=6, cpu_target=100,
        levels=(4000, 9500, 3000, 7000, 3200, 2000), requests=(1000,) * 4,
        conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestMissingMetrics", Case(min=2, max=6, spec=4, status=4, expected=3, cpu_target=100,
                                levels=(400, 95), requests=(1000,) * 4, recommendations=())),
    ("TestEmptyMetrics", Case(min=2, max=6, spec=4, status=4, expected=4, cpu_target=100,
                              requests=(1000,) * 4,
                              conditions=[("AbleToScale", "True", "SucceededGetScale"),
                                          ("ScalingActive", "False",
                                           "FailedGetResourceMetric")])),
    ("TestEmptyCPURequest", Case(min=1, max=5, spec=1, status=1, expected=1, cpu_target=100,
                                 levels=(200,), requests=(),
                                 conditions=[("AbleToScale", "True", "SucceededGetScale"),
                                             ("ScalingActive", "False",
                                              "FailedGetResourceMetric")])),
    ("TestEventCreated", Case(min=1, max=5, spec=1, status=1, expected=2, cpu_target=50,
                              levels=(200,), requests=(200,))),
    ("TestEventNotCreated", Case(min=1, max=5, spec=2, status=2, expected=2, cpu_target=50,
                                 levels=(200, 200), requests=(400, 400),
                                 conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestMissingReports", Case(min=1, max=5, spec=4, status=4, expected=2, cpu_target=50,
                                levels=(200,), requests=(200,), recommendations=())),
    ("TestUpscaleCap", Case(min=1, max=100, spec=3, status=3, expected=24, cpu_target=10,
                            levels=(100, 200, 300), requests=(100,) * 3,
                            scale_up=rules(0, 0, 700, 60, 0),
                            conditions=ok(ScalingLimited=("True", "ScaleUpLimit")))),
    ("TestUpscaleCapGreaterThanMaxReplicas", Case(
        min=1, max=20, spec=3, status=3, expected=20, cpu_target=10, levels=(100, 200, 300),
        requests=(100,) * 3, scale_up=rules(0, 0, 700, 60, 0),
        conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestMoreReplicasThanSpecNoScale", Case(
        min=1, max=8, spec=4, status=5, expected=4, cpu_target=50, levels=(500,) * 5,
        requests=(1000,) * 5, conditions=ok(AbleToScale=("True", "ReadyForNewScale")))),
    ("TestConditionInvalidSelectorMissing", Case(
        min=1, max=100, spec=3, status=3, expected=3, cpu_target=10, levels=(100, 200, 300),
        requests=(100,) * 3, no_selector=True,
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "InvalidSelector")])),
    ("TestConditionInvalidSelectorUnparsable", Case(
        min=1, max=100, spec=3, status=3, expected=3, cpu_target=10, levels=(100, 200, 300),
        requests=(100,) * 3, resource=("Cheese", "example.com/v1", "test-cheese"),
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "InvalidSelector")])),
    ("TestConditionNoAmbiguousSelectorWhenNoSelectorOverlapBetweenHPAs", Case(
        min=2, max=6, spec=3, status=3, expected=5, cpu_target=30, levels=(300, 500, 700),
        requests=R3, other_hpa_selector={"cheddar": "cheese"})),
    ("TestConditionAmbiguousSelectorWhenFullSelectorOverlapBetweenHPAs", Case(
        min=2, max=6, spec=3, status=3, expected=3, cpu_target=30, levels=(300, 500, 700),
        requests=R3, other_hpa_selector={"name": "test-pod"},
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "AmbiguousSelector")])),
    ("TestConditionAmbiguousSelectorWhenPartialSelectorOverlapBetweenHPAs", Case(
        min=2, max=6, spec=3, status=3, expected=3, cpu_target=30, levels=(300, 500, 700),
        requests=R3, other_hpa_selector={"cheddar": "cheese"},
        pod_labels={"cheddar": "cheese"},
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "AmbiguousSelector")])),
    ("TestConditionInvalidSourceType", Case(
        min=2, max=6, spec=3, status=3, expected=3, metrics=CHEDDAR, levels=(20000,),
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "InvalidMetricSourceType")])),
    ("TestConditionFailedGetScale", Case(
        min=1, max=100, spec=3, status=3, expected=3, cpu_target=10, levels=(100, 200, 300),
        requests=(100,) * 3, no_target=True,
        conditions=[("AbleToScale", "False", "FailedGetScale")])),
    ("TestConditionFailedUpdateScale", Case(
        min=1, max=5, spec=3, status=3, expected=3, cpu_target=100, levels=(150,) * 3,
        requests=(100,) * 3, resource=("Deployment", "apps/v1", "test-dep"),
        invalid_target=True, conditions=ok(AbleToScale=("False", "FailedUpdateScale")))),
    ("TestNoBackoffUpscaleCM", Case(
        min=1, max=5, spec=3, status=3, expected=4, metrics=(pods_metric("15.0"),),
        levels=(20000, 10000, 30000), requests=R3, last_scale_time=T)),
    ("TestNoBackoffUpscaleCMNoBackoffCpu", Case(
        min=1, max=5, spec=3, status=3, expected=5, cpu_target=10,
        metrics=(pods_metric("15.0"),), levels=(20000, 10000, 30000), requests=R3,
        last_scale_time=T, conditions=ok(ScalingLimited=("True", "TooManyReplicas")))),
    ("TestStabilizeDownscale", Case(
        min=1, max=5, spec=4, status=4, expected=4, cpu_target=100, levels=(50, 50, 50),
        requests=(100,) * 3, recommendations=((10, 600), (4, 60)),
        conditions=ok(AbleToScale=("True", "ScaleDownStabilized")))),
    ("TestScaleUpRCImmediately", Case(
        min=2, max=6, spec=1, status=1, expected=2, levels=(0, 0, 0, 0), requests=(1000,) * 4,
        last_scale_time=T, conditions=[("AbleToScale", "True", "SucceededRescale")])),
    ("TestScaleDownRCImmediately", Case(
        min=2, max=5, spec=6, status=6, expected=5, cpu_target=50, levels=(8000, 9500, 1000),
        requests=MIXED, last_scale_time=T,
        conditions=[("AbleToScale", "True", "SucceededRescale")])),
    ("TestScaleUpOneMetricEmpty", Case(
        min=2, max=6, spec=3, status=3, expected=4, cpu_target=30, verify_cpu=True,
        metrics=(external_metric(value="100m"),), levels=(300, 400, 500), requests=R3,
        samples=("usage",))),
    ("TestNoScaleDownOneMetricInvalid", Case(
        min=2, max=6, spec=5, status=5, expected=5, cpu_target=50, metrics=CHEDDAR,
        levels=(100, 300, 500, 250, 250), requests=R5, recommendations=(),
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "InvalidMetricSourceType")])),
    ("TestNoScaleDownOneMetricEmpty", Case(
        min=2, max=6, spec=5, status=5, expected=5, cpu_target=50,
        metrics=(external_metric(value="1000m"),), levels=(100, 300, 500, 250, 250),
        requests=R5, recommendations=(), samples=("usage",),
        conditions=[("AbleToScale", "True", "SucceededGetScale"),
                    ("ScalingActive", "False", "FailedGetExternalMetric")])),
]


@pytest.mark.parametrize("tc", [c for _, c in CASES], ids=[n for n, _ in CASES])
def test_reconcile_autoscaler(tc):
    _, after = run(tc)
    verify(tc, after)


@pytest.mark.parametrize("reason, metrics, cpu_target", [
    ("FailedGetResourceMetric", (), 10),
    ("FailedGetPodsMetric", (pods_metric("15.0"),), 0),
    ("FailedGetObjectMetric", (object_metric(value="15.0"),), 0),
    ("FailedGetExternalMetric", (external_metric(value="300m"),), 0),
], ids=lambda v: v if isinstance(v, str) else None)
def test_condition_failed_get_metrics(reason, metrics, cpu_target):
    """TestConditionFailedGetMetrics: the metrics APIs serve nothing."""
    tc = Case(min=1, max=100, spec=3, status=3, expected=3, cpu_target=cpu_target,
              metrics=metrics, levels=(100, 200, 300), requests=(100,) * 3, samples=(),
              conditions=[("AbleToScale", "True", "SucceededGetScale"),
                          ("ScalingActive", "False", reason)])
    _, after = run(tc)
    verify(tc, after)


def test_computed_tolerance_alg_implementation():
    """TestComputedToleranceAlgImplementation: through a reconcile, a minimal scale-down just
    past the tolerance, none just inside it."""
    start_pods, used = 10, 10 * 150
    requested = 2 * used
    requested_to_used = float(requested // used)
    per_pod = requested // start_pods
    requests = tuple(per_pod + o for o in (100, -100, 10, -10, 2, -2, 1, -1, 0, 0))
    for margin, scales in ((0.01, True), (0.004, False)):
        target = abs(1 / (requested_to_used * (1 - 0.1))) + margin
        ratio = used / (requested * target)
        expected = -(-int(ratio * start_pods * 1_000_000) // 1_000_000) if scales else start_pods
        conditions = None if scales else ok(AbleToScale=("True", "ReadyForNewScale"))
        tc = Case(min=0, max=1000, spec=start_pods, status=start_pods, expected=expected,
                  cpu_target=int(target * 100), levels=(used // 10,) * 10, requests=requests,
                  recommendations=(), conditions=conditions)
        _, after = run(tc)
        verify(tc, after)


def test_avoid_unnecessary_updates():
    """TestAvoidUnnecessaryUpdates: a status that would not change is not written."""
    last = T - 3600
    tc = Case(min=2, max=6, spec=2, status=2, expected=2, levels=(400, 500, 700),
              requests=R3, start=(COOL, HOT, HOT), last_scale_time=last, recommendations=(),
              metrics=(cpu_metric(80),))
    cluster = build(tc)
    hpa = cluster.get("HorizontalPodAutoscaler", NS, "test-hpa")
    status = {
        "currentReplicas": 2, "desiredReplicas": 2, "lastScaleTime": format_time(last),
        "currentMetrics": [{"type": "Resource", "resource": {
            "name": "cpu", "current": {"averageValue": "400m", "averageUtilization": 40}}}],
        "conditions": [
            {"type": "AbleToScale", "status": "True", "lastTransitionTime": format_time(last),
             "reason": "ReadyForNewScale", "message": "recommended size matches current size"},
            {"type": "ScalingActive", "status": "True", "lastTransitionTime": format_time(last),
             "reason": "ValidMetricFound",
             "message": "the HPA was able to successfully calculate a replica count from cpu "
                        "resource utilization (percentage of request)"},
            {"type": "ScalingLimited", "status": "True", "lastTransitionTime": format_time(last),
             "reason": "TooFewReplicas",
             "message": "the desired replica count is less than the minimum replica count"}]}
    from kubefold.core.autoscaling import HorizontalPodAutoscalerStatus
    from kubefold.core.schema import decode

    cluster = cluster.put(attrs.evolve(hpa, status=decode(HorizontalPodAutoscalerStatus,
                                                          status)))
    before = cluster.get("HorizontalPodAutoscaler", NS, "test-hpa")
    after = ENGINE.apply_event(cluster, Reconcile(hpa_mod.NAME, KEY), mode="manual").cluster
    assert after.get("HorizontalPodAutoscaler", NS, "test-hpa") == before
    assert after.get("ReplicationController", NS, "test-rc") == \
        cluster.get("ReplicationController", NS, "test-rc")


# -- the normalisation tables ----------------------------------------------------------------


def state(recommendations: list[tuple[int, int]] | None = None,
          up_events: list[TimestampedScaleEvent] | None = None,
          down_events: list[TimestampedScaleEvent] | None = None,
          min_replicas: int = 1, max_replicas: int = 10) -> SyncState:
    """A sync state for the HPA `test-namespace/test-hpa` at time T, its memory preset."""
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "test-hpa", "namespace": NS},
           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "d",
                                       "apiVersion": "apps/v1"},
                    "minReplicas": min_replicas, "maxReplicas": max_replicas}}
    cluster = ENGINE.restore({"apiVersion": "v1", "kind": "Namespace",
                              "metadata": {"name": NS}}, hpa, now=NOW)
    memory = HorizontalMemory(
        recommendations=pmap({KEY: pvector(TimestampedRecommendation(r, T - ago)
                                           for r, ago in recommendations or ())}),
        scale_up_events=pmap({KEY: pvector(up_events or ())}),
        scale_down_events=pmap({KEY: pvector(down_events or ())}))
    return SyncState(cluster, cluster.get("HorizontalPodAutoscaler", NS, "test-hpa"), KEY,
                     memory)


@pytest.mark.parametrize("current, desired, minimum, maximum, want, condition", [
    (5, 7, 3, 8, 7, "DesiredWithinRange"),
    (3, 1, 2, 8, 2, "TooFewReplicas"),
    (1, 0, 0, 10, 0, "DesiredWithinRange"),
    (20, 1000, 1, 10, 10, "TooManyReplicas"),
    (3, 1000, 1, 2000, 6, "ScaleUpLimit"),
], ids=["TestConvertDesiredReplicasWithRules/prenormalized desired replicas within range",
        "TestConvertDesiredReplicasWithRules/prenormalized desired replicas < minReplicas",
        "TestConvertDesiredReplicasWithRules/prenormalized desired zeroed replicas within range",
        "TestConvertDesiredReplicasWithRules/maxReplicas is the limit because maxReplicas < "
        "scaleUpLimit",
        "TestConvertDesiredReplicasWithRules/scaleUpLimit is the limit because scaleUpLimit < "
        "maxReplicas"])
def test_convert_desired_replicas_with_rules(current, desired, minimum, maximum, want,
                                             condition):
    """With v1.34's scaleUpLimitFactor (2): calculateScaleUpLimit(3) is 6."""
    got, reason, _ = HorizontalController().convert_desired_replicas_with_rules(
        current, desired, minimum, maximum)
    assert (got, reason) == (want, condition)


MIN_POLICY = HPAScalingRules(stabilization_window_seconds=300, select_policy="Min",
                             policies=pvector([
                                 HPAScalingPolicy(type="Pods", value=2, period_seconds=60),
                                 HPAScalingPolicy(type="Percent", value=50, period_seconds=60)]))


def test_calculate_scale_up_limit_with_scaling_rules():
    """TestCalculateScaleUpLimitWithScalingRules."""
    assert calculate_scale_up_limit_with_scaling_rules(1, [], [], MIN_POLICY, T) == 2


def test_calculate_scale_down_limit_with_behaviors():
    """TestCalculateScaleDownLimitWithBehaviors."""
    assert calculate_scale_down_limit_with_behaviors(5, [], [], MIN_POLICY, T) == 3


@pytest.mark.parametrize("recommendations, prenormalized, want, length", [
    ([], 5, 5, 1),
    ([(4, 120), (5, 60)], 3, 5, 3),
    ([(1, 120), (2, 60)], 3, 3, 3),
    ([(10, 600), (9, 540)], 3, 3, 2),
    ([(10, 600), (4, 60), (5, 120), (9, 540)], 3, 5, 4),
], ids=["TestNormalizeDesiredReplicas/empty log", "TestNormalizeDesiredReplicas/stabilize",
        "TestNormalizeDesiredReplicas/no stabilize",
        "TestNormalizeDesiredReplicas/no stabilize - old recommendations",
        "TestNormalizeDesiredReplicas/stabilize - old recommendations"])
def test_normalize_desired_replicas(recommendations, prenormalized, want, length):
    s = state(recommendations)
    assert HorizontalController().stabilize_recommendation(s, prenormalized) == want
    assert len(s.memory.recommendations[KEY]) == length


def uniform(raw: list[int], period: int) -> list[TimestampedScaleEvent]:
    """generateEventsUniformDistribution: events spread over the last `period` seconds."""
    segment = period / len(raw)
    return [TimestampedScaleEvent(change, T - int(period - segment * (i + 1) + segment / 2))
            for i, change in enumerate(raw)]


SCALING_WITH_RULES = [
    ("prenormalized desired replicas within range", {}, 3, 8, None, None, 5, 7, 7,
     "DesiredWithinRange"),
    ("prenormalized desired replicas < minReplicas", {}, 2, 8, None, None, 3, 1, 2,
     "TooFewReplicas"),
    ("prenormalized desired replicas within range when minReplicas is 0", {}, 0, 10, None,
     None, 1, 0, 0, "DesiredWithinRange"),
    ("maxReplicas is the limit because maxReplicas < scaleUpLimit", {}, 1, 10, None, None, 20,
     1000, 10, "TooManyReplicas"),
    ("desired replica count is more than the maximum replica count", {}, 100, 150, None, None,
     100, 1000, 150, "TooManyReplicas"),
    ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", {}, 1,
     2000, (0, 0, 1, 60, 0), None, 3, 1000, 4, "ScaleUpLimit"),
    ("scaleUp with default behavior", {}, 1, 1000, None, None, 10, 50, 20, "ScaleUpLimit"),
    ("scaleUp with pods policy larger than percent policy", {}, 1, 1000, (100, 60, 100, 60, 0),
     None, 10, 500, 110, "ScaleUpLimit"),
    ("scaleUp with percent policy larger than pods policy", {}, 1, 1000, (2, 60, 100, 60, 0),
     None, 10, 500, 20, "ScaleUpLimit"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy", {}, 1, 1000,
     (100, 60, 0, 0, 0), None, 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy", {}, 1, 1000,
     (10000, 60, 0, 0, 0), None, 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with pod policy limitation", {}, 1, 1000, (30, 60, 0, 0, 0), None, 10, 50, 40,
     "ScaleUpLimit"),
    ("scaleUp with percent policy limitation", {}, 1, 1000, (0, 0, 200, 60, 0), None, 10, 50,
     30, "ScaleUpLimit"),
    ("scaleDown with percent policy larger than pod policy", {}, 1, 1000, None,
     (20, 60, 1, 60, 300), 100, 2, 80, "ScaleDownLimit"),
    ("scaleDown with pod policy larger than percent policy", {}, 1, 1000, None,
     (2, 60, 1, 60, 300), 100, 2, 98, "ScaleDownLimit"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy", {}, 1, 1000, None,
     (100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy", {}, 5, 1000, None,
     (0, 0, 100, 60, 300), 10, 2, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation", {}, 1, 1000, None, (5, 60, 0, 0, 300), 10, 2, 5,
     "ScaleDownLimit"),
    ("scaleDown with percent policy limitation", {}, 1, 1000, None, (0, 0, 50, 60, 300), 10, 5,
     5, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy and events",
     {"up": ([1, 5, 9], 120)}, 1, 200, (300, 60, 0, 0, 0), None, 100, 500, 200,
     "TooManyReplicas"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy and events",
     {"up": ([1, 5, 9], 120)}, 1, 200, (0, 0, 10000, 60, 0), None, 100, 500, 200,
     "TooManyReplicas"),
    ("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent "
     "scale up events", {"up": ([1, 5, 9], 120)}, 1, 1000, (5, 120, 0, 0, 0), None, 100, 500,
     100, "ScaleUpLimit"),
    ("scaleUp with pod policy and previous scale up events", {"up": ([1, 5, 9], 120)}, 1,
     1000, (150, 120, 0, 0, 0), None, 100, 500, 235, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up events", {"up": ([1, 5, 9], 120)}, 1,
     1000, (0, 0, 200, 120, 0), None, 100, 500, 255, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up and down events",
     {"up": ([4], 120), "down": ([2], 120)}, 1, 1000, (0, 0, 300, 300, 0), None, 6, 24, 16,
     "ScaleUpLimit"),
    ("scaleDown with default policy and previous events", {"down": ([1, 5, 9], 120)}, 1, 1000,
     None, None, 10, 5, 5, "DesiredWithinRange"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous "
     "events", {"down": ([1, 5, 9], 120)}, 1, 1000, None, (115, 120, 0, 0, 300), 100, 0, 1,
     "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy and previous events",
     {"down": ([1, 5, 9], 120)}, 5, 1000, None, (130, 120, 0, 0, 300), 100, 0, 5,
     "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy and previous "
     "events", {"down": ([1, 5, 9], 120)}, 5, 1000, None, (0, 0, 100, 120, 300), 100, 2, 5,
     "TooFewReplicas"),
    ("scaleDown with pod policy limitation and previous events", {"down": ([1, 5, 9], 120)}, 1,
     1000, None, (5, 120, 0, 0, 300), 100, 2, 100, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation and previous events",
     {"down": ([2, 4, 6], 120)}, 1, 1000, None, (0, 0, 50, 120, 300), 100, 0, 56,
     "ScaleDownLimit"),
    ("scaleDown with percent policy and previous scale up and down events",
     {"up": ([2], 120), "down": ([4], 120)}, 1, 1000, None, (0, 0, 50, 180, 0), 10, 1, 6,
     "ScaleDownLimit"),
    ("scaleDown with previous events preventing further scale down",
     {"down": ([10, 10, 10], 120)}, 1, 1000, None, (0, 0, 10, 120, 300), 100, 0, 100,
     "ScaleDownLimit"),
    ("scaleDown with with previous events still allowing more scale down",
     {"down": ([10, 10, 10], 120)}, 1, 1000, None, (0, 0, 1000, 120, 300), 10, 5, 5,
     "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for up",
     {"up": ([8, 12, 9, 11], 120)}, 1, 1000, (1000, 60, 0, 0, 0), None, 100, 200, 200,
     "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the "
     "behavior for up", {"up": ([8, 12, 9, 11], 120)}, 1, 1000, (1000, 120, 100, 60, 0), None,
     100, 200, 200, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for "
     "up", {"up": ([8, 12, 9, 11], 120)}, 1, 1000, (1000, 30, 100, 60, 0), None, 100, 200, 200,
     "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for down",
     {"down": ([8, 12, 9, 11], 120)}, 1, 1000, None, (1000, 60, 0, 0, 300), 100, 5, 5,
     "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the "
     "behavior for down", {"down": ([8, 12, 9, 11], 120)}, 1, 1000, None,
     (1000, 120, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for "
     "down", {"down": ([8, 12, 9, 11], 120)}, 1, 1000, None, (1000, 30, 100, 60, 300), 100, 5,
     5, "DesiredWithinRange"),
]


@pytest.mark.parametrize(
    "name, events, minimum, maximum, up, down, current, desired, want, condition",
    SCALING_WITH_RULES, ids=[f"TestScalingWithRules/{c[0]}" for c in SCALING_WITH_RULES])
def test_scaling_with_rules(name, events, minimum, maximum, up, down, current, desired, want,
                            condition):
    """TestScalingWithRules: convertDesiredReplicasWithBehaviorRate, with the rules a
    behavior's defaults complete (GenerateHPAScale{Up,Down}Rules)."""
    s = state(up_events=uniform(*events["up"]) if "up" in events else None,
              down_events=uniform(*events["down"]) if "down" in events else None)
    from kubefold.core.autoscaling import HorizontalPodAutoscalerBehavior

    behavior = HorizontalPodAutoscalerBehavior(
        scale_up=generate_hpa_scale_up_rules(rules_value(*up) if up else None),
        scale_down=generate_hpa_scale_down_rules(rules_value(*down) if down else None))
    got, reason, _ = HorizontalController().convert_desired_replicas_with_behavior_rate(
        s, behavior, current, desired, minimum, maximum)
    assert (got, reason) == (want, condition)


STORE_SCALE_EVENTS = [
    ("empty entries with default behavior", [], [], None, 0),
    ("empty entries with two-policy-behavior", [], [(5, False)], (10, 60, 100, 60, 0), 0),
    ("one outdated entry to be kept untouched without behavior", [(7, 61)], [(7, False)],
     None, 0),
    ("one outdated entry to be replaced with behavior", [(7, 61)], [(5, False)],
     (10, 60, 100, 60, 0), 0),
    ("one actual entry to be not touched with behavior", [(7, 58)], [(7, False), (5, False)],
     (10, 60, 100, 60, 0), 7),
    ("two entries, one of them to be replaced", [(7, 61), (6, 59)], [(5, False), (6, False)],
     (10, 60, 0, 0, 0), 6),
    ("replace one entry, use policies with different periods",
     [(8, 29), (6, 59), (7, 61), (9, 61)], [(8, False), (6, False), (7, True), (5, False)],
     (10, 60, 100, 30, 0), 14),
    ("two entries, both actual", [(7, 58), (6, 59)], [(7, False), (6, False), (5, False)],
     (10, 120, 100, 30, 0), 13),
]


@pytest.mark.parametrize("name, previous, expected, scaling, change", STORE_SCALE_EVENTS,
                         ids=[f"TestStoreScaleEvents/{c[0]}" for c in STORE_SCALE_EVENTS])
def test_store_scale_events(name, previous, expected, scaling, change):
    from kubefold.core.autoscaling import HorizontalPodAutoscalerBehavior

    prev = [TimestampedScaleEvent(c, T - ago) for c, ago in previous]
    for up in (True, False):
        s = state(up_events=prev if up else None, down_events=None if up else prev)
        events = s.memory.scale_up_events if up else s.memory.scale_down_events
        assert get_replicas_change_per_period(60, events[KEY], T) == change
        behavior = None
        if scaling is not None:
            r = rules_value(*scaling)
            behavior = HorizontalPodAutoscalerBehavior(scale_up=r) if up \
                else HorizontalPodAutoscalerBehavior(scale_down=r)
        HorizontalController().store_scale_event(s, behavior, 10, 10 + 5 if up else 10 - 5)
        stored = (s.memory.scale_up_events if up else s.memory.scale_down_events)[KEY]
        assert [(e.replica_change, e.outdated) for e in stored] == expected


NORMALIZE_WITH_BEHAVIOR = [
    ("empty recommendations for scaling down", [], 100, 5, 5, [5], 0, 0),
    ("simple scale down stabilization", [(4, 120), (5, 60)], 100, 3, 5, [4, 5, 3], 0, 180),
    ("simple scale up stabilization", [(4, 120), (5, 60)], 1, 7, 4, [4, 5, 7], 300, 0),
    ("no scale down stabilization", [(1, 120), (2, 60)], 100, 3, 3, [1, 2, 3], 300, 0),
    ("no scale up stabilization", [(4, 120), (5, 60)], 1, 3, 3, [4, 5, 3], 0, 300),
    ("no scale down stabilization, reuse recommendation element", [(10, 600), (9, 540)], 100,
     3, 3, [10, 3], 0, 0),
    ("no scale up stabilization, reuse recommendation element", [(10, 600), (9, 540)], 1, 100,
     100, [10, 100], 0, 0),
    ("scale down stabilization, reuse one of obsolete recommendation element",
     [(10, 600), (4, 60), (5, 120), (9, 540)], 100, 3, 5, [10, 4, 5, 3], 0, 180),
    ("scale up stabilization, reuse one of obsolete recommendation element",
     [(10, 6000), (6, 60), (5, 120), (9, 180)], 1, 100, 5, [100, 6, 5, 9], 300, 0),
    ("scale up and down stabilization, do not scale up when prenormalized rec goes down",
     [(2, 6000), (3, 180)], 2, 1, 2, None, 300, 300),
    ("scale up and down stabilization, do not scale down when prenormalized rec goes up",
     [(2, 6000), (1, 180)], 2, 3, 2, None, 300, 300),
]


@pytest.mark.parametrize("name, recommendations, current, prenormalized, want, stored, up, down",
                         NORMALIZE_WITH_BEHAVIOR,
                         ids=[f"TestNormalizeDesiredReplicasWithBehavior/{c[0]}"
                              for c in NORMALIZE_WITH_BEHAVIOR])
def test_normalize_desired_replicas_with_behavior(name, recommendations, current,
                                                  prenormalized, want, stored, up, down):
    from kubefold.core.autoscaling import HorizontalPodAutoscalerBehavior

    s = state(recommendations)
    behavior = HorizontalPodAutoscalerBehavior(
        scale_up=HPAScalingRules(stabilization_window_seconds=up),
        scale_down=HPAScalingRules(stabilization_window_seconds=down))
    got, _, _ = HorizontalController().stabilize_recommendation_with_behaviors(
        s, behavior, current, prenormalized)
    assert got == want
    if stored is not None:
        assert [r.recommendation for r in s.memory.recommendations[KEY]] == stored
