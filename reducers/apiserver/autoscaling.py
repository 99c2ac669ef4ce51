"""HorizontalPodAutoscalers on the way in: autoscaling/v1 converted to v2, and v2's defaults.

kube-apiserver stores HPAs as autoscaling/v2 and kubectl prints that version by default, so
kubefold keeps every HPA in v2 form. An autoscaling/v1 request gets v1's defaults, then is
converted as Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler does:
`targetCPUUtilizationPercentage` becomes a cpu Utilization metric, the round-trip annotations
(`autoscaling.alpha.kubernetes.io/metrics`, `.../behavior`, `.../current-metrics`,
`.../conditions`) are read back into the spec and status and dropped, and with no metric at
all the cpu default of 80% applies. `to_v1` is the other direction, as v1.34 writes it when a
client asks for autoscaling/v1: the cpu utilization target in the field, the other metrics,
the behavior, the current metrics and the conditions in those annotations.

Models (v1.34): pkg/apis/autoscaling/v1/defaults.go (SetDefaults_HorizontalPodAutoscaler),
pkg/apis/autoscaling/v1/conversion.go (the HorizontalPodAutoscaler, Spec, Status, MetricSpec,
MetricStatus and condition conversions), pkg/apis/autoscaling/annotations.go
(DropRoundTripHorizontalPodAutoscalerAnnotations), pkg/apis/autoscaling/v2/conversion.go,
pkg/apis/autoscaling/v2/defaults.go
(SetDefaults_HorizontalPodAutoscaler, SetDefaults_HorizontalPodAutoscalerBehavior,
GenerateHPAScaleUpRules, GenerateHPAScaleDownRules, copyHPAScalingRules).
Simplifies: the behavior annotation holds the internal type's JSON (Go field names), as Go
marshals it, and is read back from the same form; an annotation that does not parse is ignored,
as Go ignores it.
Covered by: tests/test_autoscaling_api.py.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.autoscaling import (
    API_VERSION,
    API_VERSION_V1,
    AVERAGE_VALUE,
    MAX_CHANGE,
    PERCENT_POLICY,
    PODS_POLICY,
    RESOURCE,
    UTILIZATION,
    VALUE,
    ContainerResourceMetricSource,
    ContainerResourceMetricStatus,
    CrossVersionObjectReference,
    ExternalMetricSource,
    ExternalMetricStatus,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior,
    HPAScalingPolicy,
    HPAScalingRules,
    MetricIdentifier,
    MetricSpec,
    MetricStatus,
    MetricTarget,
    MetricValueStatus,
    ObjectMetricSource,
    ObjectMetricStatus,
    PodsMetricSource,
    PodsMetricStatus,
    ResourceMetricSource,
    ResourceMetricStatus,
)
from kubefold.core.codec import encode_object
from kubefold.core.objects import Condition, LabelSelector
from kubefold.core.quantity import Quantity, quantity_from_json
from kubefold.core.schema import DecodeError, decode, encode, format_time

METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
ROUND_TRIP_ANNOTATIONS = (METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION,
                          CONDITIONS_ANNOTATION, BEHAVIOR_SPECS_ANNOTATION)
DEFAULT_CPU_UTILIZATION = 80

# pkg/apis/autoscaling/v2/defaults.go: "these constants repeat previous HPA behavior".
SCALE_UP_LIMIT_PERCENT = 100
SCALE_UP_LIMIT_MINIMUM_PODS = 4
SCALE_UP_PERIOD = 15
SCALE_UP_STABILIZATION_SECONDS = 0
SCALE_DOWN_PERIOD = 15
SCALE_DOWN_LIMIT_PERCENT = 100
DEFAULT_HPA_SCALE_UP_RULES = HPAScalingRules(
    stabilization_window_seconds=SCALE_UP_STABILIZATION_SECONDS, select_policy=MAX_CHANGE,
    policies=pvector([
        HPAScalingPolicy(type=PODS_POLICY, value=SCALE_UP_LIMIT_MINIMUM_PODS,
                         period_seconds=SCALE_UP_PERIOD),
        HPAScalingPolicy(type=PERCENT_POLICY, value=SCALE_UP_LIMIT_PERCENT,
                         period_seconds=SCALE_UP_PERIOD)]))
# The scale-down window stays unset: the controller fills in its own flag (300 s by default).
DEFAULT_HPA_SCALE_DOWN_RULES = HPAScalingRules(
    stabilization_window_seconds=None, select_policy=MAX_CHANGE,
    policies=pvector([HPAScalingPolicy(type=PERCENT_POLICY, value=SCALE_DOWN_LIMIT_PERCENT,
                                       period_seconds=SCALE_DOWN_PERIOD)]))


# -- v2 defaults -----------------------------------------------------------------------------


def cpu_utilization_metric(utilization: int) -> MetricSpec:
    return MetricSpec(type=RESOURCE, resource=ResourceMetricSource(
        name="cpu", target=MetricTarget(type=UTILIZATION, average_utilization=utilization)))


def set_defaults_horizontal_pod_autoscaler(obj: HorizontalPodAutoscaler
                                           ) -> HorizontalPodAutoscaler:
    """SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, cpu at 80% when no metric is
    given, then the behavior's defaults."""
    spec = obj.spec
    if spec.min_replicas is None:
        spec = attrs.evolve(spec, min_replicas=1)
    if not spec.metrics:
        spec = attrs.evolve(spec, metrics=pvector([cpu_utilization_metric(
            DEFAULT_CPU_UTILIZATION)]))
    if spec is not obj.spec:
        obj = attrs.evolve(obj, spec=spec)
    return set_defaults_horizontal_pod_autoscaler_behavior(obj)


def set_defaults_horizontal_pod_autoscaler_behavior(obj: HorizontalPodAutoscaler
                                                    ) -> HorizontalPodAutoscaler:
    """SetDefaults_HorizontalPodAutoscalerBehavior: a behavior that is set gets every unset
    field of both directions from the defaults."""
    behavior = obj.spec.behavior
    if behavior is None:
        return obj
    new = attrs.evolve(behavior, scale_up=generate_hpa_scale_up_rules(behavior.scale_up),
                       scale_down=generate_hpa_scale_down_rules(behavior.scale_down))
    if new == behavior:
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, behavior=new))


def generate_hpa_scale_up_rules(rules: HPAScalingRules | None) -> HPAScalingRules:
    """GenerateHPAScaleUpRules."""
    return copy_hpa_scaling_rules(rules, DEFAULT_HPA_SCALE_UP_RULES)


def generate_hpa_scale_down_rules(rules: HPAScalingRules | None) -> HPAScalingRules:
    """GenerateHPAScaleDownRules (stabilizationWindowSeconds may stay unset)."""
    return copy_hpa_scaling_rules(rules, DEFAULT_HPA_SCALE_DOWN_RULES)


def copy_hpa_scaling_rules(source: HPAScalingRules | None, to: HPAScalingRules
                           ) -> HPAScalingRules:
    """copyHPAScalingRules: every field of `source` that is set replaces the default."""
    if source is None:
        return to
    return attrs.evolve(
        to, extra=source.extra,
        select_policy=source.select_policy if source.select_policy is not None
        else to.select_policy,
        stabilization_window_seconds=source.stabilization_window_seconds
        if source.stabilization_window_seconds is not None else to.stabilization_window_seconds,
        policies=source.policies if source.policies is not None else to.policies,
        tolerance=source.tolerance if source.tolerance is not None else to.tolerance)


# -- v1 -> v2 --------------------------------------------------------------------------------


def default_horizontal_pod_autoscaler(obj: Any) -> Any:
    """What the API server stores for an HPA request: a v1 one converted, then v2's defaults,
    then the strategy's dropDisabledFields (the behavior's `tolerance` needs the
    HPAConfigurableTolerance gate, alpha and off in v1.34)."""
    if not isinstance(obj, HorizontalPodAutoscaler):
        return obj
    if obj.api_version == API_VERSION_V1:
        obj = convert_v1_to_v2(set_defaults_v1(obj))
    else:
        obj = drop_round_trip_annotations(obj)
    return drop_disabled_fields(set_defaults_horizontal_pod_autoscaler(obj))


def drop_round_trip_annotations(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    """Convert_v2_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler: v2 carries no
    round-trip annotations (DropRoundTripHorizontalPodAutoscalerAnnotations)."""
    annotations = obj.metadata.annotations
    for name in ROUND_TRIP_ANNOTATIONS:
        annotations = annotations.discard(name)
    if annotations is obj.metadata.annotations:
        return obj
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, annotations=annotations))


def drop_disabled_fields(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    """dropDisabledFields: without HPAConfigurableTolerance the tolerances are dropped."""
    behavior = obj.spec.behavior
    if behavior is None:
        return obj
    new = attrs.evolve(behavior, **{
        side: attrs.evolve(rules, tolerance=None)
        for side in ("scale_up", "scale_down")
        if (rules := getattr(behavior, side)) is not None and rules.tolerance is not None})
    return obj if new == behavior else attrs.evolve(obj, spec=attrs.evolve(obj.spec,
                                                                           behavior=new))


def set_defaults_v1(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    """SetDefaults_HorizontalPodAutoscaler (v1): minReplicas 1 (the cpu default is applied in
    conversion, where the annotations are at hand)."""
    if obj.spec.min_replicas is not None:
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, min_replicas=1))


def _annotation(obj: HorizontalPodAutoscaler, name: str) -> Any:
    text = obj.metadata.annotations.get(name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def convert_v1_to_v2(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    """Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, read as v2."""
    spec_extra = dict(obj.spec.extra)
    target_cpu = spec_extra.pop("targetCPUUtilizationPercentage", None)
    spec_extra.pop("metrics", None)  # not a v1 field: Go's decoder drops it
    spec_extra.pop("behavior", None)
    metrics = [cpu_utilization_metric(target_cpu)] if isinstance(target_cpu, int) else []
    other = _annotation(obj, METRIC_SPECS_ANNOTATION)
    if isinstance(other, list):
        converted = [_v1_metric_spec(m) for m in other]
        if all(m is not None for m in converted):
            metrics = [m for m in converted if m is not None] + metrics
    behavior = _behavior_from_annotation(_annotation(obj, BEHAVIOR_SPECS_ANNOTATION))
    status = obj.status
    status_extra = dict(status.extra)
    current_cpu = status_extra.pop("currentCPUUtilizationPercentage", None)
    current = [MetricStatus(type=RESOURCE, resource=ResourceMetricStatus(
        name="cpu", current=MetricValueStatus(average_utilization=current_cpu)))] \
        if isinstance(current_cpu, int) else list(status.current_metrics)
    statuses = _annotation(obj, METRIC_STATUSES_ANNOTATION)
    if isinstance(statuses, list):
        read = [_v1_metric_status(m) for m in statuses]
        if all(m is not None for m in read):
            current = [m for m in read if m is not None]
    if not metrics:
        metrics = [cpu_utilization_metric(DEFAULT_CPU_UTILIZATION)]
    conditions = list(status.conditions)
    read_conditions = _annotation(obj, CONDITIONS_ANNOTATION)
    if isinstance(read_conditions, list):
        with contextlib.suppress(DecodeError):
            conditions = [decode(Condition, c) for c in read_conditions]
    if behavior is not None:
        behavior = attrs.evolve(
            behavior, scale_up=behavior.scale_up or generate_hpa_scale_up_rules(None),
            scale_down=behavior.scale_down or generate_hpa_scale_down_rules(None))
    annotations = obj.metadata.annotations
    for name in ROUND_TRIP_ANNOTATIONS:
        annotations = annotations.discard(name)
    spec = attrs.evolve(obj.spec, metrics=pvector(metrics), behavior=behavior,
                        extra=_frozen(spec_extra))
    status = attrs.evolve(status, current_metrics=pvector(current),
                          conditions=pvector(conditions), extra=_frozen(status_extra))
    return attrs.evolve(obj, api_version=API_VERSION, spec=spec, status=status,
                        metadata=attrs.evolve(obj.metadata, annotations=annotations))


def _frozen(extra: dict[str, Any]) -> Any:
    return pmap(extra)


def _quantity(value: Any) -> Quantity | None:
    if value is None:
        return None
    try:
        return quantity_from_json(value)
    except ValueError:
        return None


def _selector(value: Any) -> LabelSelector | None:
    if not isinstance(value, dict):
        return None
    try:
        return decode(LabelSelector, value)
    except DecodeError:
        return None


def _reference(value: Any) -> CrossVersionObjectReference:
    ref = value if isinstance(value, dict) else {}
    return CrossVersionObjectReference(kind=ref.get("kind"), name=ref.get("name"),
                                       api_version=ref.get("apiVersion"))


def _v1_metric_spec(m: Any) -> MetricSpec | None:
    """Convert_v1_MetricSpec_To_autoscaling_MetricSpec (the v2beta1-shaped v1 MetricSpec)."""
    if not isinstance(m, dict):
        return None
    kind = m.get("type")
    if isinstance(m.get("object"), dict):
        src = m["object"]
        average = _quantity(src.get("averageValue"))
        return MetricSpec(type=kind, object=ObjectMetricSource(
            described_object=_reference(src.get("target")),
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("selector"))),
            target=MetricTarget(type=VALUE if average is None else AVERAGE_VALUE,
                                value=_quantity(src.get("targetValue")) or Quantity.of(0),
                                average_value=average)))
    if isinstance(m.get("pods"), dict):
        src = m["pods"]
        return MetricSpec(type=kind, pods=PodsMetricSource(
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("selector"))),
            target=MetricTarget(type=AVERAGE_VALUE, average_value=_quantity(
                src.get("targetAverageValue")) or Quantity.of(0))))
    if isinstance(m.get("resource"), dict):
        src = m["resource"]
        return MetricSpec(type=kind, resource=ResourceMetricSource(
            name=src.get("name"), target=_v1_resource_target(src)))
    if isinstance(m.get("containerResource"), dict):
        src = m["containerResource"]
        return MetricSpec(type=kind, container_resource=ContainerResourceMetricSource(
            name=src.get("name"), container=src.get("container"),
            target=_v1_resource_target(src)))
    if isinstance(m.get("external"), dict):
        src = m["external"]
        value = _quantity(src.get("targetValue"))
        return MetricSpec(type=kind, external=ExternalMetricSource(
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("metricSelector"))),
            target=MetricTarget(type=AVERAGE_VALUE if value is None else VALUE, value=value,
                                average_value=_quantity(src.get("targetAverageValue")))))
    return MetricSpec(type=kind)


def _v1_resource_target(src: dict[str, Any]) -> MetricTarget:
    utilization = src.get("targetAverageUtilization")
    return MetricTarget(type=AVERAGE_VALUE if utilization is None else UTILIZATION,
                        average_utilization=utilization,
                        average_value=_quantity(src.get("targetAverageValue")))


def _v1_metric_status(m: Any) -> MetricStatus | None:
    """Convert_v1_MetricStatus_To_autoscaling_MetricStatus."""
    if not isinstance(m, dict):
        return None
    kind = m.get("type")
    zero = Quantity.of(0)
    if isinstance(m.get("object"), dict):
        src = m["object"]
        return MetricStatus(type=kind, object=ObjectMetricStatus(
            described_object=_reference(src.get("target")),
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("selector"))),
            current=MetricValueStatus(value=_quantity(src.get("currentValue")) or zero,
                                      average_value=_quantity(src.get("averageValue")))))
    if isinstance(m.get("pods"), dict):
        src = m["pods"]
        return MetricStatus(type=kind, pods=PodsMetricStatus(
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("selector"))),
            current=MetricValueStatus(average_value=_quantity(
                src.get("currentAverageValue")) or zero)))
    for key, cls in (("resource", ResourceMetricStatus),
                     ("containerResource", ContainerResourceMetricStatus)):
        if isinstance(m.get(key), dict):
            src = m[key]
            current = MetricValueStatus(
                average_value=_quantity(src.get("currentAverageValue")) or zero,
                average_utilization=src.get("currentAverageUtilization"))
            if cls is ResourceMetricStatus:
                return MetricStatus(type=kind, resource=ResourceMetricStatus(
                    name=src.get("name"), current=current))
            return MetricStatus(type=kind, container_resource=ContainerResourceMetricStatus(
                name=src.get("name"), container=src.get("container"), current=current))
    if isinstance(m.get("external"), dict):
        src = m["external"]
        return MetricStatus(type=kind, external=ExternalMetricStatus(
            metric=MetricIdentifier(name=src.get("metricName"),
                                    selector=_selector(src.get("metricSelector"))),
            current=MetricValueStatus(value=_quantity(src.get("currentValue")) or zero,
                                      average_value=_quantity(src.get("currentAverageValue")))))
    return MetricStatus(type=kind)


# The internal HPAScalingRules has no JSON tags: Go marshals it with its field names.
_RULES_FIELDS = (("StabilizationWindowSeconds", "stabilization_window_seconds"),
                 ("SelectPolicy", "select_policy"), ("Policies", "policies"),
                 ("Tolerance", "tolerance"))


def _behavior_from_annotation(data: Any) -> HorizontalPodAutoscalerBehavior | None:
    """The behavior annotation read back (Go field names), or None when it is empty or does
    not parse."""
    if not isinstance(data, dict):
        return None
    rules: dict[str, HPAScalingRules | None] = {}
    for go_name, attr in (("ScaleUp", "scale_up"), ("ScaleDown", "scale_down")):
        raw = data.get(go_name)
        if raw is None:
            rules[attr] = None
            continue
        if not isinstance(raw, dict):
            return None
        policies = raw.get("Policies")
        rules[attr] = HPAScalingRules(
            stabilization_window_seconds=raw.get("StabilizationWindowSeconds"),
            select_policy=raw.get("SelectPolicy"),
            policies=None if policies is None else pvector(
                HPAScalingPolicy(type=p.get("Type"), value=p.get("Value"),
                                 period_seconds=p.get("PeriodSeconds")) for p in policies),
            tolerance=_quantity(raw.get("Tolerance")))
    behavior = HorizontalPodAutoscalerBehavior(scale_up=rules["scale_up"],
                                               scale_down=rules["scale_down"])
    return None if behavior == HorizontalPodAutoscalerBehavior() else behavior


# -- v2 -> v1 --------------------------------------------------------------------------------


def _is_cpu_utilization(metric: MetricSpec) -> bool:
    return metric.type == RESOURCE and metric.resource is not None \
        and metric.resource.name == "cpu" \
        and metric.resource.target.average_utilization is not None


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def to_v1(obj: HorizontalPodAutoscaler) -> dict[str, Any]:
    """The HPA as autoscaling/v1 serves it (Convert_autoscaling_HorizontalPodAutoscaler_To_v1_
    HorizontalPodAutoscaler): the round-trip annotations written as v1.34 writes them."""
    doc = encode_object(obj)
    doc["apiVersion"] = API_VERSION_V1
    spec = doc.setdefault("spec", {})
    for key in ("metrics", "behavior"):
        spec.pop(key, None)
    metrics = list(obj.spec.metrics or ())
    cpu = next((m for m in metrics if _is_cpu_utilization(m)), None)
    if cpu is not None and cpu.resource is not None:
        spec["targetCPUUtilizationPercentage"] = cpu.resource.target.average_utilization
    annotations = {k: v for k, v in (doc.get("metadata", {}).get("annotations") or {}).items()
                   if k not in ROUND_TRIP_ANNOTATIONS}
    other = [_v1_metric_spec_json(m) for m in metrics if not _is_cpu_utilization(m)]
    if other:
        annotations[METRIC_SPECS_ANNOTATION] = _compact(other)
    status = doc.get("status") or {}
    current = list(obj.status.current_metrics)
    if current:
        annotations[METRIC_STATUSES_ANNOTATION] = _compact(
            [_v1_metric_status_json(m) for m in current])
    if obj.spec.behavior is not None:
        annotations[BEHAVIOR_SPECS_ANNOTATION] = _compact(_behavior_json(obj.spec.behavior))
    if obj.status.conditions:
        annotations[CONDITIONS_ANNOTATION] = _compact(
            [_v1_condition_json(c) for c in obj.status.conditions])
    if annotations:
        doc.setdefault("metadata", {})["annotations"] = annotations
    for key in ("currentMetrics", "conditions"):
        status.pop(key, None)
    for m in current:
        if m.type == RESOURCE and m.resource is not None and m.resource.name == "cpu" \
                and m.resource.current.average_utilization is not None:
            status["currentCPUUtilizationPercentage"] = m.resource.current.average_utilization
    status.setdefault("currentReplicas", obj.status.current_replicas or 0)
    status.setdefault("desiredReplicas", obj.status.desired_replicas or 0)
    doc["status"] = status
    return doc


def _q(value: Quantity | None) -> str | None:
    return None if value is None else str(value)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _selector_json(selector: LabelSelector | None) -> Any:
    return None if selector is None else encode(selector)


def _v1_metric_spec_json(m: MetricSpec) -> dict[str, Any]:
    """Convert_autoscaling_MetricSpec_To_v1_MetricSpec, as JSON (v1's json tags)."""
    out: dict[str, Any] = {"type": m.type}
    if m.object is not None:
        src = m.object
        out["object"] = _drop_none({
            "target": encode(src.described_object), "metricName": src.metric.name,
            "targetValue": _q(src.target.value) or "0",
            "selector": _selector_json(src.metric.selector),
            "averageValue": _q(src.target.average_value)})
    if m.pods is not None:
        out["pods"] = _drop_none({
            "metricName": m.pods.metric.name,
            "targetAverageValue": _q(m.pods.target.average_value) or "0",
            "selector": _selector_json(m.pods.metric.selector)})
    if m.resource is not None:
        out["resource"] = _drop_none({
            "name": m.resource.name,
            "targetAverageUtilization": m.resource.target.average_utilization,
            "targetAverageValue": _q(m.resource.target.average_value)})
    if m.container_resource is not None:
        src_c = m.container_resource
        out["containerResource"] = _drop_none({
            "name": src_c.name, "targetAverageUtilization": src_c.target.average_utilization,
            "targetAverageValue": _q(src_c.target.average_value), "container": src_c.container})
    if m.external is not None:
        out["external"] = _drop_none({
            "metricName": m.external.metric.name,
            "metricSelector": _selector_json(m.external.metric.selector),
            "targetValue": _q(m.external.target.value),
            "targetAverageValue": _q(m.external.target.average_value)})
    return out


def _v1_metric_status_json(m: MetricStatus) -> dict[str, Any]:
    """Convert_autoscaling_MetricStatus_To_v1_MetricStatus, as JSON."""
    out: dict[str, Any] = {"type": m.type}
    if m.object is not None:
        out["object"] = _drop_none({
            "target": encode(m.object.described_object), "metricName": m.object.metric.name,
            "currentValue": _q(m.object.current.value) or "0",
            "selector": _selector_json(m.object.metric.selector),
            "averageValue": _q(m.object.current.average_value)})
    if m.pods is not None:
        out["pods"] = _drop_none({
            "metricName": m.pods.metric.name,
            "currentAverageValue": _q(m.pods.current.average_value) or "0",
            "selector": _selector_json(m.pods.metric.selector)})
    if m.resource is not None:
        out["resource"] = _drop_none({
            "name": m.resource.name,
            "currentAverageUtilization": m.resource.current.average_utilization,
            "currentAverageValue": _q(m.resource.current.average_value) or "0"})
    if m.container_resource is not None:
        c = m.container_resource
        out["containerResource"] = _drop_none({
            "name": c.name, "currentAverageUtilization": c.current.average_utilization,
            "currentAverageValue": _q(c.current.average_value) or "0",
            "container": c.container})
    if m.external is not None:
        out["external"] = _drop_none({
            "metricName": m.external.metric.name,
            "metricSelector": _selector_json(m.external.metric.selector),
            "currentValue": _q(m.external.current.value) or "0",
            "currentAverageValue": _q(m.external.current.average_value)})
    return out


def _rules_json(rules: HPAScalingRules | None) -> Any:
    if rules is None:
        return None
    return {"StabilizationWindowSeconds": rules.stabilization_window_seconds,
            "SelectPolicy": rules.select_policy,
            "Policies": None if rules.policies is None else [
                {"Type": p.type, "Value": p.value or 0, "PeriodSeconds": p.period_seconds or 0}
                for p in rules.policies],
            "Tolerance": _q(rules.tolerance)}


def _behavior_json(behavior: HorizontalPodAutoscalerBehavior) -> dict[str, Any]:
    """json.Marshal of the internal HorizontalPodAutoscalerBehavior (no JSON tags)."""
    return {"ScaleUp": _rules_json(behavior.scale_up),
            "ScaleDown": _rules_json(behavior.scale_down)}


def _v1_condition_json(c: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {"type": c.type, "status": c.status,
                           "lastTransitionTime": format_time(c.last_transition_time)
                           if c.last_transition_time is not None else None}
    if c.reason:
        out["reason"] = c.reason
    if c.message:
        out["message"] = c.message
    return out
