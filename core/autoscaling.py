"""HorizontalPodAutoscalers as frozen values: autoscaling/v2, the version kubefold stores and
prints (as kube-apiserver stores them and kubectl prints them by default).

An autoscaling/v1 manifest decodes into the same class, its v1-only fields
(`targetCPUUtilizationPercentage`, `currentCPUUtilizationPercentage`) kept in `extra`; the API
server converts it to v2 on the way in (reducers/apiserver/autoscaling.py).

Models: k8s.io/api/autoscaling/v2 types.go (HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec,
CrossVersionObjectReference, MetricSpec and its five sources, MetricIdentifier, MetricTarget,
HorizontalPodAutoscalerBehavior, HPAScalingRules, HPAScalingPolicy, HorizontalPodAutoscalerStatus,
MetricStatus, MetricValueStatus, HorizontalPodAutoscalerCondition), release v1.34.
Simplifies: `policies` and `metrics` tell an absent list (None) from an empty one, as Go's nil
and empty slices differ for the defaulter; nothing else is typed beyond what the API server and
the controller read.
Covered by: tests/test_autoscaling_api.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import PMap, PVector

from kubefold.core.objects import QUANTITY, Condition, LabelSelector, ObjectMeta, part
from kubefold.core.quantity import Quantity
from kubefold.core.schema import INT, TIME, ListOf, Nested, extra_field, field, list_of, nested

API_VERSION = "autoscaling/v2"
API_VERSION_V1 = "autoscaling/v1"

# MetricSourceType, MetricTargetType, ScalingPolicySelect and HPAScalingPolicyType values.
OBJECT = "Object"
PODS = "Pods"
RESOURCE = "Resource"
CONTAINER_RESOURCE = "ContainerResource"
EXTERNAL = "External"
UTILIZATION = "Utilization"
VALUE = "Value"
AVERAGE_VALUE = "AverageValue"
MAX_CHANGE = "Max"
MIN_CHANGE = "Min"
DISABLED = "Disabled"
PODS_POLICY = "Pods"
PERCENT_POLICY = "Percent"

# HorizontalPodAutoscalerConditionType values.
ABLE_TO_SCALE = "AbleToScale"
SCALING_ACTIVE = "ScalingActive"
SCALING_LIMITED = "ScalingLimited"


def optional_list(k8s: str, cls: type) -> Any:
    """A list that may be absent (None) or empty: Go's nil and empty slices."""
    return field(k8s, ListOf(Nested(cls)))


@attrs.frozen
class CrossVersionObjectReference:
    kind: str | None = field("kind")
    name: str | None = field("name")
    api_version: str | None = field("apiVersion")
    extra: PMap = extra_field()


@attrs.frozen
class MetricIdentifier:
    name: str | None = field("name")
    selector: LabelSelector | None = nested("selector", LabelSelector)
    extra: PMap = extra_field()


@attrs.frozen
class MetricTarget:
    type: str | None = field("type")
    value: Quantity | None = field("value", QUANTITY)
    average_value: Quantity | None = field("averageValue", QUANTITY)
    average_utilization: int | None = field("averageUtilization", INT)
    extra: PMap = extra_field()


@attrs.frozen
class ObjectMetricSource:
    described_object: CrossVersionObjectReference = part("describedObject",
                                                         CrossVersionObjectReference)
    target: MetricTarget = part("target", MetricTarget)
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    extra: PMap = extra_field()


@attrs.frozen
class PodsMetricSource:
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    target: MetricTarget = part("target", MetricTarget)
    extra: PMap = extra_field()


@attrs.frozen
class ResourceMetricSource:
    name: str | None = field("name")
    target: MetricTarget = part("target", MetricTarget)
    extra: PMap = extra_field()


@attrs.frozen
class ContainerResourceMetricSource:
    name: str | None = field("name")
    target: MetricTarget = part("target", MetricTarget)
    container: str | None = field("container")
    extra: PMap = extra_field()


@attrs.frozen
class ExternalMetricSource:
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    target: MetricTarget = part("target", MetricTarget)
    extra: PMap = extra_field()


@attrs.frozen
class MetricSpec:
    type: str | None = field("type")
    object: ObjectMetricSource | None = nested("object", ObjectMetricSource)
    pods: PodsMetricSource | None = nested("pods", PodsMetricSource)
    resource: ResourceMetricSource | None = nested("resource", ResourceMetricSource)
    container_resource: ContainerResourceMetricSource | None = nested(
        "containerResource", ContainerResourceMetricSource)
    external: ExternalMetricSource | None = nested("external", ExternalMetricSource)
    extra: PMap = extra_field()


@attrs.frozen
class HPAScalingPolicy:
    type: str | None = field("type")
    value: int | None = field("value", INT)
    period_seconds: int | None = field("periodSeconds", INT)
    extra: PMap = extra_field()


@attrs.frozen
class HPAScalingRules:
    stabilization_window_seconds: int | None = field("stabilizationWindowSeconds", INT)
    select_policy: str | None = field("selectPolicy")
    policies: PVector[HPAScalingPolicy] | None = optional_list("policies", HPAScalingPolicy)
    tolerance: Quantity | None = field("tolerance", QUANTITY)
    extra: PMap = extra_field()


@attrs.frozen
class HorizontalPodAutoscalerBehavior:
    scale_up: HPAScalingRules | None = nested("scaleUp", HPAScalingRules)
    scale_down: HPAScalingRules | None = nested("scaleDown", HPAScalingRules)
    extra: PMap = extra_field()


@attrs.frozen
class HorizontalPodAutoscalerSpec:
    scale_target_ref: CrossVersionObjectReference = part("scaleTargetRef",
                                                         CrossVersionObjectReference)
    min_replicas: int | None = field("minReplicas", INT)
    max_replicas: int | None = field("maxReplicas", INT)
    metrics: PVector[MetricSpec] | None = optional_list("metrics", MetricSpec)
    behavior: HorizontalPodAutoscalerBehavior | None = nested(
        "behavior", HorizontalPodAutoscalerBehavior)
    extra: PMap = extra_field()


@attrs.frozen
class MetricValueStatus:
    value: Quantity | None = field("value", QUANTITY)
    average_value: Quantity | None = field("averageValue", QUANTITY)
    average_utilization: int | None = field("averageUtilization", INT)
    extra: PMap = extra_field()


@attrs.frozen
class ObjectMetricStatus:
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    current: MetricValueStatus = part("current", MetricValueStatus)
    described_object: CrossVersionObjectReference = part("describedObject",
                                                         CrossVersionObjectReference)
    extra: PMap = extra_field()


@attrs.frozen
class PodsMetricStatus:
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    current: MetricValueStatus = part("current", MetricValueStatus)
    extra: PMap = extra_field()


@attrs.frozen
class ResourceMetricStatus:
    name: str | None = field("name")
    current: MetricValueStatus = part("current", MetricValueStatus)
    extra: PMap = extra_field()


@attrs.frozen
class ContainerResourceMetricStatus:
    name: str | None = field("name")
    current: MetricValueStatus = part("current", MetricValueStatus)
    container: str | None = field("container")
    extra: PMap = extra_field()


@attrs.frozen
class ExternalMetricStatus:
    metric: MetricIdentifier = part("metric", MetricIdentifier)
    current: MetricValueStatus = part("current", MetricValueStatus)
    extra: PMap = extra_field()


@attrs.frozen
class MetricStatus:
    type: str | None = field("type")
    object: ObjectMetricStatus | None = nested("object", ObjectMetricStatus)
    pods: PodsMetricStatus | None = nested("pods", PodsMetricStatus)
    resource: ResourceMetricStatus | None = nested("resource", ResourceMetricStatus)
    container_resource: ContainerResourceMetricStatus | None = nested(
        "containerResource", ContainerResourceMetricStatus)
    external: ExternalMetricStatus | None = nested("external", ExternalMetricStatus)
    extra: PMap = extra_field()


@attrs.frozen
class HorizontalPodAutoscalerStatus:
    observed_generation: int | None = field("observedGeneration", INT)
    last_scale_time: int | None = field("lastScaleTime", TIME)
    current_replicas: int | None = field("currentReplicas", INT)
    desired_replicas: int | None = field("desiredReplicas", INT)
    current_metrics: PVector[MetricStatus] = list_of("currentMetrics", MetricStatus)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


@attrs.frozen
class HorizontalPodAutoscaler:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: HorizontalPodAutoscalerSpec = part("spec", HorizontalPodAutoscalerSpec)
    status: HorizontalPodAutoscalerStatus = part("status", HorizontalPodAutoscalerStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Scale:
    """autoscaling/v1 Scale, what the scale subresource serves: the target's spec.replicas,
    its status.replicas, and its pod selector in the string form (status.selector)."""

    kind: str
    namespace: str
    name: str
    spec_replicas: int
    status_replicas: int
    selector: str


def parse_group_version(text: str) -> tuple[str, str] | str:
    """schema.ParseGroupVersion: (group, version), or the error's text."""
    if not text or text == "/":
        return "", ""
    parts = text.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return f"unexpected GroupVersion string: {text}"


MODELLED: dict[str, type] = {
    "HorizontalPodAutoscaler": HorizontalPodAutoscaler,
}
