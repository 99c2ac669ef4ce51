"""Validation of HorizontalPodAutoscalers (stored as autoscaling/v2; v1 requests are converted
first) and of the Scale subresource, as pkg/apis/autoscaling/validation validates them.

Models (release v1.34): pkg/apis/autoscaling/validation/validation.go (ValidateScale,
ValidateHorizontalPodAutoscaler, ValidateHorizontalPodAutoscalerUpdate,
ValidateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerSpec,
ValidateCrossVersionObjectReference with the apiVersion check of kubernetes#132537,
validateMetrics, validateBehavior, validateScalingRules with the tolerance check of the
HPAConfigurableTolerance field, validateScalingPolicy, validateMetricSpec, validateObjectSource,
validateExternalSource, validatePodsSource, validateContainerResourceSource,
validateResourceSource, validateMetricTarget, validateMetricIdentifier), with HPAScaleToZero off
(its v1.34 default): minReplicas must be at least 1, unless the stored object already has 0.
Simplifies: the apiVersion of a reference is checked as ParseGroupVersion parses it; a
scaleTargetRef's apiVersion must name a group (except for a ReplicationController); on an
update whose scaleTargetRef keeps its apiVersion and kind that apiVersion is not re-checked, nor
are Object metrics' when a stored one is already invalid (the ratcheting of kubernetes#132537,
validationOptionsForHorizontalPodAutoscaler). Where Go
ranges over a set of the metric sources present, they are reported in sorted order.
Covered by: tests/test_autoscaling_api.py (TestValidateHorizontalPodAutoscaler,
TestValidateHorizontalPodAutoscalerUpdate, TestValidateBehavior, TestValidateScale cases).
"""

from __future__ import annotations

from typing import Any

from kubefold.core.autoscaling import (
    AVERAGE_VALUE,
    CONTAINER_RESOURCE,
    EXTERNAL,
    OBJECT,
    PERCENT_POLICY,
    PODS,
    PODS_POLICY,
    RESOURCE,
    UTILIZATION,
    VALUE,
    ContainerResourceMetricSource,
    CrossVersionObjectReference,
    ExternalMetricSource,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior,
    HPAScalingPolicy,
    HPAScalingRules,
    MetricIdentifier,
    MetricSpec,
    MetricTarget,
    ObjectMetricSource,
    PodsMetricSource,
    ResourceMetricSource,
    parse_group_version,
)
from kubefold.core.errors import FieldError, forbidden, invalid, not_supported, required
from kubefold.reducers.apiserver.validation.core import (
    go_quantity,
    index,
    validate_container_resource_name,
    validate_meta,
    validate_object_meta_update,
)
from kubefold.reducers.apiserver.validation.names import (
    IS_NEGATIVE_ERROR_MSG,
    child,
    name_is_dns_subdomain,
    validate_dns1123_label,
    validate_nonnegative_field,
)

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
HPA_SCALE_TO_ZERO = False  # feature gate HPAScaleToZero: alpha, off in v1.34

VALID_SELECT_POLICY_TYPES = ("Disabled", "Max", "Min")
VALID_POLICY_TYPES = (PERCENT_POLICY, PODS_POLICY)
VALID_METRIC_SOURCE_TYPES = (CONTAINER_RESOURCE, EXTERNAL, OBJECT, PODS, RESOURCE)


def validate_scale(replicas: int) -> list[FieldError]:
    """ValidateScale (the replicas rule; the Scale's metadata is the target's)."""
    if replicas < 0:
        return [invalid("spec.replicas", replicas, IS_NEGATIVE_ERROR_MSG)]
    return []


def is_valid_path_segment_name(name: str) -> list[str]:
    """path.IsValidPathSegmentName."""
    for illegal in (".", ".."):
        if name == illegal:
            return [f"may not be '{illegal}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def validate_cross_version_object_reference(ref: CrossVersionObjectReference, path: str,
                                            require_group: bool = False,
                                            check_api_version: bool = True,
                                            names: bool = True) -> list[FieldError]:
    """ValidateCrossVersionObjectReference (with `names` off: ValidateAPIVersion alone)."""
    errs: list[FieldError] = []
    for field, value in (("kind", ref.kind), ("name", ref.name)) if names else ():
        if not value:
            errs.append(required(child(path, field)))
        else:
            errs += [invalid(child(path, field), value, m)
                     for m in is_valid_path_segment_name(value)]
    if check_api_version:
        parsed = parse_group_version(ref.api_version or "")
        if isinstance(parsed, str):
            errs.append(invalid(child(path, "apiVersion"), ref.api_version or "", parsed))
        elif require_group and not parsed[0] and ref.kind != "ReplicationController":
            errs.append(invalid(child(path, "apiVersion"), ref.api_version or "",
                                "apiVersion must specify API group"))
    return errs


def validate_horizontal_pod_autoscaler(obj: HorizontalPodAutoscaler) -> list[FieldError]:
    """ValidateHorizontalPodAutoscaler."""
    errs = validate_meta(obj.metadata, True, name_is_dns_subdomain)
    lower = 0 if HPA_SCALE_TO_ZERO else 1
    return errs + validate_horizontal_pod_autoscaler_spec(obj, "spec", lower, None)


def validate_horizontal_pod_autoscaler_update(new: HorizontalPodAutoscaler,
                                              old: HorizontalPodAutoscaler
                                              ) -> list[FieldError]:
    """ValidateHorizontalPodAutoscalerUpdate: minReplicas 0 stays allowed on an object that
    already has it."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    lower = 0 if HPA_SCALE_TO_ZERO or old.spec.min_replicas == 0 else 1
    return errs + validate_horizontal_pod_autoscaler_spec(new, "spec", lower, old)


def validate_horizontal_pod_autoscaler_status_update(new: HorizontalPodAutoscaler,
                                                     old: HorizontalPodAutoscaler
                                                     ) -> list[FieldError]:
    """ValidateHorizontalPodAutoscalerStatusUpdate."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    status = new.status
    for i, condition in enumerate(status.conditions):
        if condition.observed_generation is not None:
            errs += validate_nonnegative_field(
                condition.observed_generation,
                child(index("status.conditions", i), "observedGeneration"))
    errs += validate_nonnegative_field(status.current_replicas or 0, "status.currentReplicas")
    errs += validate_nonnegative_field(status.desired_replicas or 0, "status.desiredReplicas")
    return errs


def validate_horizontal_pod_autoscaler_spec(obj: HorizontalPodAutoscaler, path: str,
                                            min_replicas_lower_bound: int,
                                            old: HorizontalPodAutoscaler | None
                                            ) -> list[FieldError]:
    """validateHorizontalPodAutoscalerSpec."""
    spec = obj.spec
    errs: list[FieldError] = []
    if spec.min_replicas is not None and spec.min_replicas < min_replicas_lower_bound:
        errs.append(invalid(child(path, "minReplicas"), spec.min_replicas,
                            f"must be greater than or equal to {min_replicas_lower_bound}"))
    max_replicas = spec.max_replicas or 0
    if max_replicas < 1:
        errs.append(invalid(child(path, "maxReplicas"), max_replicas, "must be greater than 0"))
    if spec.min_replicas is not None and max_replicas < spec.min_replicas:
        errs.append(invalid(child(path, "maxReplicas"), max_replicas,
                            "must be greater than or equal to `minReplicas`"))
    ref, old_ref = spec.scale_target_ref, old.spec.scale_target_ref if old else None
    unchanged_ref = old_ref is not None and (old_ref.api_version, old_ref.kind) == (
        ref.api_version, ref.kind)
    errs += validate_cross_version_object_reference(
        ref, child(path, "scaleTargetRef"), require_group=True,
        check_api_version=not unchanged_ref)
    errs += validate_metrics(spec.metrics or (), child(path, "metrics"), spec.min_replicas,
                             check_api_version=not _has_invalid_object_metric(old))
    errs += validate_behavior(spec.behavior, child(path, "behavior"))
    return errs


def _has_invalid_object_metric(old: HorizontalPodAutoscaler | None) -> bool:
    """validationOptionsForHorizontalPodAutoscaler's ratchet: when a stored Object metric
    already names an invalid apiVersion, no Object metric's apiVersion is checked."""
    if old is None:
        return False
    return any(m.type == OBJECT and m.object is not None
               and validate_cross_version_object_reference(m.object.described_object, "",
                                                           names=False)
               for m in old.spec.metrics or ())


def validate_metrics(metrics: Any, path: str, min_replicas: int | None,
                     check_api_version: bool = True) -> list[FieldError]:
    """validateMetrics: each metric, and scaling to zero needs an Object or External one."""
    errs: list[FieldError] = []
    has_object_or_external = False
    for i, metric in enumerate(metrics):
        errs += validate_metric_spec(metric, index(path, i), check_api_version)
        if metric.type in (OBJECT, EXTERNAL):
            has_object_or_external = True
    if min_replicas == 0 and not has_object_or_external:
        errs.append(forbidden(path, "must specify at least one Object or External metric to "
                                    "support scaling to zero replicas"))
    return errs


def validate_behavior(behavior: HorizontalPodAutoscalerBehavior | None, path: str
                      ) -> list[FieldError]:
    """validateBehavior."""
    if behavior is None:
        return []
    return (validate_scaling_rules(behavior.scale_up, child(path, "scaleUp"))
            + validate_scaling_rules(behavior.scale_down, child(path, "scaleDown")))


def validate_scaling_rules(rules: HPAScalingRules | None, path: str) -> list[FieldError]:
    """validateScalingRules."""
    if rules is None:
        return []
    errs: list[FieldError] = []
    window = rules.stabilization_window_seconds
    if window is not None and window < 0:
        errs.append(invalid(child(path, "stabilizationWindowSeconds"), window,
                            "must be greater than or equal to zero"))
    if window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.append(invalid(child(path, "stabilizationWindowSeconds"), window,
                            f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    if rules.select_policy is not None and rules.select_policy not in VALID_SELECT_POLICY_TYPES:
        errs.append(not_supported(child(path, "selectPolicy"), rules.select_policy,
                                  VALID_SELECT_POLICY_TYPES))
    policies_path = child(path, "policies")
    if not rules.policies:
        errs.append(required(policies_path, "must specify at least one Policy"))
    for i, policy in enumerate(rules.policies or ()):
        errs += validate_scaling_policy(policy, index(policies_path, i))
    if rules.tolerance is not None and rules.tolerance.sign() < 0:
        errs.append(invalid(child(path, "tolerance"), go_quantity(rules.tolerance),
                            IS_NEGATIVE_ERROR_MSG))
    return errs


def validate_scaling_policy(policy: HPAScalingPolicy, path: str) -> list[FieldError]:
    """validateScalingPolicy."""
    errs: list[FieldError] = []
    if policy.type not in VALID_POLICY_TYPES:
        errs.append(not_supported(child(path, "type"), policy.type or "", VALID_POLICY_TYPES))
    value, period = policy.value or 0, policy.period_seconds or 0
    if value <= 0:
        errs.append(invalid(child(path, "value"), value, "must be greater than zero"))
    if period <= 0:
        errs.append(invalid(child(path, "periodSeconds"), period, "must be greater than zero"))
    if period > MAX_PERIOD_SECONDS:
        errs.append(invalid(child(path, "periodSeconds"), period,
                            f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    return errs


def validate_metric_spec(spec: MetricSpec, path: str, check_api_version: bool = True
                         ) -> list[FieldError]:
    """validateMetricSpec: the type, the source it names (and only that one)."""
    errs: list[FieldError] = []
    kind = spec.type or ""
    if not kind:
        errs.append(required(child(path, "type"), "must specify a metric source type"))
    if kind not in VALID_METRIC_SOURCE_TYPES:
        errs.append(not_supported(child(path, "type"), kind, VALID_METRIC_SOURCE_TYPES))
    present: list[str] = []
    sources = (("object", spec.object), ("external", spec.external), ("pods", spec.pods),
               ("resource", spec.resource), ("containerResource", spec.container_resource))
    for name, source in sources:
        if source is None:
            continue
        present.append(name)
        if len(present) == 1:
            errs += _validate_source(name, source, child(path, name), check_api_version)
    expected = {OBJECT: "object", PODS: "pods", RESOURCE: "resource", EXTERNAL: "external",
                CONTAINER_RESOURCE: "containerResource"}.get(kind)
    if expected is None:
        errs.append(not_supported(child(path, "type"), kind, VALID_METRIC_SOURCE_TYPES))
    elif expected not in present:
        errs.append(required(child(path, expected),
                             "must populate information for the given metric source"))
    if len(present) != 1:
        for name in sorted(set(present) - {expected}):
            errs.append(forbidden(child(path, name), "must populate the given metric source "
                                                     "only"))
    return errs


def _validate_source(name: str, source: Any, path: str, check_api_version: bool
                     ) -> list[FieldError]:
    if name == "object":
        return validate_object_source(source, path, check_api_version)
    if name == "external":
        return validate_external_source(source, path)
    if name == "pods":
        return validate_pods_source(source, path)
    if name == "resource":
        return validate_resource_source(source, path)
    return validate_container_resource_source(source, path)


def validate_object_source(src: ObjectMetricSource, path: str, check_api_version: bool = True
                           ) -> list[FieldError]:
    """validateObjectSource."""
    errs = validate_cross_version_object_reference(
        src.described_object, child(path, "describedObject"),
        check_api_version=check_api_version)
    errs += validate_metric_identifier(src.metric, child(path, "metric"))
    errs += validate_metric_target(src.target, child(path, "target"))
    if src.target.value is None and src.target.average_value is None:
        errs.append(required(child(child(path, "target"), "averageValue"),
                             "must set either a target value or averageValue"))
    return errs


def validate_external_source(src: ExternalMetricSource, path: str) -> list[FieldError]:
    """validateExternalSource."""
    errs = validate_metric_identifier(src.metric, child(path, "metric"))
    errs += validate_metric_target(src.target, child(path, "target"))
    target = child(path, "target")
    if src.target.value is None and src.target.average_value is None:
        errs.append(required(child(target, "averageValue"),
                             "must set either a target value for metric or a per-pod target"))
    if src.target.value is not None and src.target.average_value is not None:
        errs.append(forbidden(child(target, "value"),
                              "may not set both a target value for metric and a per-pod "
                              "target"))
    return errs


def validate_pods_source(src: PodsMetricSource, path: str) -> list[FieldError]:
    """validatePodsSource."""
    errs = validate_metric_identifier(src.metric, child(path, "metric"))
    errs += validate_metric_target(src.target, child(path, "target"))
    if src.target.average_value is None:
        errs.append(required(child(child(path, "target"), "averageValue"),
                             "must specify a positive target averageValue"))
    return errs


def validate_container_resource_source(src: ContainerResourceMetricSource, path: str
                                       ) -> list[FieldError]:
    """validateContainerResourceSource."""
    errs: list[FieldError] = []
    if not src.name:
        errs.append(required(child(path, "name"), "must specify a resource name"))
    else:
        errs += validate_container_resource_name(src.name, child(path, "name"))
    if not src.container:
        errs.append(required(child(path, "container"), "must specify a container"))
    else:
        errs += validate_dns1123_label(src.container, child(path, "container"))
    return errs + _resource_target_errors(src.target, path)


def validate_resource_source(src: ResourceMetricSource, path: str) -> list[FieldError]:
    """validateResourceSource."""
    errs: list[FieldError] = []
    if not src.name:
        errs.append(required(child(path, "name"), "must specify a resource name"))
    return errs + _resource_target_errors(src.target, path)


def _resource_target_errors(target: MetricTarget, path: str) -> list[FieldError]:
    errs = validate_metric_target(target, child(path, "target"))
    target_path = child(path, "target")
    if target.average_utilization is None and target.average_value is None:
        errs.append(required(child(target_path, "averageUtilization"),
                             "must set either a target raw value or a target utilization"))
    if target.average_utilization is not None and target.average_value is not None:
        errs.append(forbidden(child(target_path, "averageValue"),
                              "may not set both a target raw value and a target utilization"))
    return errs


def validate_metric_target(target: MetricTarget, path: str) -> list[FieldError]:
    """validateMetricTarget."""
    errs: list[FieldError] = []
    if not target.type:
        errs.append(required(child(path, "type"), "must specify a metric target type"))
    if target.type not in (UTILIZATION, VALUE, AVERAGE_VALUE):
        errs.append(invalid(child(path, "type"), target.type or "",
                            "must be either Utilization, Value, or AverageValue"))
    if target.value is not None and target.value.sign() != 1:
        errs.append(invalid(child(path, "value"), go_quantity(target.value), "must be positive"))
    if target.average_value is not None and target.average_value.sign() != 1:
        errs.append(invalid(child(path, "averageValue"), go_quantity(target.average_value),
                            "must be positive"))
    if target.average_utilization is not None and target.average_utilization < 1:
        errs.append(invalid(child(path, "averageUtilization"), target.average_utilization,
                            "must be greater than 0"))
    return errs


def validate_metric_identifier(identifier: MetricIdentifier, path: str) -> list[FieldError]:
    """validateMetricIdentifier."""
    if not identifier.name:
        return [required(child(path, "name"), "must specify a metric name")]
    return [invalid(child(path, "name"), identifier.name, m)
            for m in is_valid_path_segment_name(identifier.name)]
