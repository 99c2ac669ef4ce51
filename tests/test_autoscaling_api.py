"""HorizontalPodAutoscalers and the scale subresource at the API server, against Kubernetes'
own tables: pkg/apis/autoscaling/validation/validation_test.go (TestValidateScale,
TestValidateBehavior, TestValidateHorizontalPodAutoscaler, the ScaleToZero and
ConfigurableTolerance tests), pkg/apis/autoscaling/v2/defaults_test.go (TestGenerateScaleDownRules,
TestGenerateScaleUpRules, TestHorizontalPodAutoscalerAnnotations),
pkg/apis/autoscaling/v1/conversion_test.go, pkg/registry/autoscaling/horizontalpodautoscaler/
strategy_test.go (PrepareForCreate, validationOptionsForHorizontalPodAutoscaler), plus the
scale subresource of Deployments, ReplicaSets and custom resources.

Go checks that the first error contains a substring; these tests compare the whole first error
(field path, type, value and detail). The Go tables build internal objects; here they are
autoscaling/v2 manifests, decoded without defaults as the Go tests validate them. Not ported:
the HPAConfigurableTolerance-enabled cases (the gate is off in v1.34, so the API server drops
`tolerance` before validating) and the gate-disabled "not supported" case, which only a direct
call with a tolerance can reach.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kubefold.core.autoscaling import HPAScalingPolicy, HPAScalingRules
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status
from kubefold.reducers import apiserver, manager
from kubefold.reducers.apiserver import Written
from kubefold.reducers.apiserver.autoscaling import (
    BEHAVIOR_SPECS_ANNOTATION,
    CONDITIONS_ANNOTATION,
    METRIC_SPECS_ANNOTATION,
    METRIC_STATUSES_ANNOTATION,
    generate_hpa_scale_down_rules,
    generate_hpa_scale_up_rules,
    to_v1,
)
from kubefold.reducers.apiserver.validation import validate_create, validate_update
from kubefold.reducers.apiserver.validation.autoscaling import validate_scale
from tests.helpers import crd as helpers_crd
from tests.helpers import new_deployment

RC = {"kind": "ReplicationController", "name": "myrc"}
CPU70 = {"type": "Resource", "resource": {"name": "cpu", "target": {
    "type": "Utilization", "averageUtilization": 70}}}


def hpa(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "myautoscaler", "namespace": "default", **meta}, "spec": spec}


def spec(metrics: list[dict[str, Any]] | None = None, ref: dict[str, Any] | None = None,
         min_replicas: int = 1, max_replicas: int = 5, **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"scaleTargetRef": RC if ref is None else ref,
                            "minReplicas": min_replicas, "maxReplicas": max_replicas, **more}
    if metrics is not None:
        body["metrics"] = metrics
    return body


def first_error(manifest: dict[str, Any]) -> str:
    errs = validate_create(decode_object(manifest))
    assert errs, "expected a failure"
    return str(errs[0])


def ok(result: Any) -> Written:
    assert isinstance(result, Written), result
    return result


# -- TestValidateScale -----------------------------------------------------------------------


@pytest.mark.parametrize("replicas", [1, 10, 0])
def test_validate_scale_success(replicas: int) -> None:
    assert validate_scale(replicas) == []


def test_validate_scale_negative() -> None:
    assert [str(e) for e in validate_scale(-1)] == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"]


# -- TestValidateBehavior --------------------------------------------------------------------

SIMPLE_POLICIES = [{"type": "Percent", "value": 10, "periodSeconds": 1},
                   {"type": "Pods", "value": 1, "periodSeconds": 1800}]
FOUR_POLICIES = [{"type": "Pods", "value": 1, "periodSeconds": 2},
                 {"type": "Percent", "value": 3, "periodSeconds": 4},
                 {"type": "Pods", "value": 5, "periodSeconds": 6},
                 {"type": "Percent", "value": 7, "periodSeconds": 8}]


def with_behavior(behavior: dict[str, Any]) -> dict[str, Any]:
    """prepareHPAWithBehavior."""
    return hpa(spec([CPU70], behavior=behavior), resourceVersion="1")


@pytest.mark.parametrize("behavior", [
    {},
    {"scaleUp": {"stabilizationWindowSeconds": 3600, "selectPolicy": "Min",
                 "policies": SIMPLE_POLICIES},
     "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled",
                   "policies": SIMPLE_POLICIES}},
    {"scaleUp": {"stabilizationWindowSeconds": 120, "selectPolicy": "Max",
                 "policies": FOUR_POLICIES},
     "scaleDown": {"stabilizationWindowSeconds": 120, "selectPolicy": "Max",
                   "policies": FOUR_POLICIES}},
], ids=["TestValidateBehavior/success/nil rules", "TestValidateBehavior/success/min and disabled",
        "TestValidateBehavior/success/four policies"])
def test_validate_behavior_success(behavior: dict[str, Any]) -> None:
    assert validate_create(decode_object(with_behavior(behavior))) == []


def _behavior_errors(side: str) -> list[tuple[dict[str, Any], str]]:
    p = f"spec.behavior.{side}"
    return [
        ({"selectPolicy": "Min"},
         f"{p}.policies: Required value: must specify at least one Policy"),
        ({"stabilizationWindowSeconds": 3601, "selectPolicy": "Min", "policies": SIMPLE_POLICIES},
         f"{p}.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to "
         "3600"),
        ({"policies": [{"type": "Pods" if side == "scaleUp" else "Percent", "value": 7,
                        "periodSeconds": 1801}]},
         f"{p}.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800"),
        ({"selectPolicy": "incorrect", "policies": [{"type": "Pods", "value": 7,
                                                     "periodSeconds": 8}]},
         f'{p}.selectPolicy: Unsupported value: "incorrect": supported values: "Disabled", '
         f'"Max", "Min"'),
        ({"policies": [{"type": "hm", "value": 7, "periodSeconds": 8}]},
         f'{p}.policies[0].type: Unsupported value: "hm": supported values: "Percent", "Pods"'),
        ({"policies": [{"type": "Pods", "value": 8}]},
         f"{p}.policies[0].periodSeconds: Invalid value: 0: must be greater than zero"),
        ({"policies": [{"type": "Pods", "periodSeconds": 8}]},
         f"{p}.policies[0].value: Invalid value: 0: must be greater than zero"),
        ({"policies": [{"type": "Pods", "periodSeconds": -1, "value": 1}]},
         f"{p}.policies[0].periodSeconds: Invalid value: -1: must be greater than zero"),
        ({"policies": [{"type": "Pods", "periodSeconds": 1, "value": -1}]},
         f"{p}.policies[0].value: Invalid value: -1: must be greater than zero"),
    ]


BEHAVIOR_ERRORS = [(side, rules, msg) for side in ("scaleUp", "scaleDown")
                   for rules, msg in _behavior_errors(side)]


@pytest.mark.parametrize(("side", "rules", "msg"), BEHAVIOR_ERRORS,
                         ids=[f"TestValidateBehavior/{m}" for _, _, m in BEHAVIOR_ERRORS])
def test_validate_behavior_errors(side: str, rules: dict[str, Any], msg: str) -> None:
    assert first_error(with_behavior({side: rules})) == msg


def test_api_server_defaults_a_partial_behavior_before_validating() -> None:
    """The same `selectPolicy: Min` alone that validation rejects is valid once created: the
    defaults (SetDefaults_HorizontalPodAutoscalerBehavior) fill in the policies first."""
    manifest = with_behavior({"scaleUp": {"selectPolicy": "Min"}})
    del manifest["metadata"]["resourceVersion"]
    created = ok(apiserver.create(manager.empty_cluster(), decode_object(manifest))).object
    up = created.spec.behavior.scale_up
    assert (up.select_policy, up.stabilization_window_seconds) == ("Min", 0)
    assert [(p.type, p.value, p.period_seconds) for p in up.policies] == [
        ("Pods", 4, 15), ("Percent", 100, 15)]


# -- TestValidateHorizontalPodAutoscaler -----------------------------------------------------

SELECTOR = {"matchLabels": {"label": "value"}}


def util(value: int) -> dict[str, Any]:
    return {"type": "Utilization", "averageUtilization": value}


def resource_metric(target: dict[str, Any], name: str | None = "cpu") -> dict[str, Any]:
    body: dict[str, Any] = {"target": target}
    if name is not None:
        body["name"] = name
    return {"type": "Resource", "resource": body}


def container_metric(target: dict[str, Any], name: str | None = "cpu",
                     container: str | None = "test-application") -> dict[str, Any]:
    body: dict[str, Any] = {"target": target}
    if name is not None:
        body["name"] = name
    if container is not None:
        body["container"] = container
    return {"type": "ContainerResource", "containerResource": body}


def pods_metric(target: dict[str, Any], name: str | None = "somemetric") -> dict[str, Any]:
    return {"type": "Pods", "pods": {"metric": {"name": name} if name else {},
                                     "target": target}}


def object_metric(target: dict[str, Any], ref: dict[str, Any] | None = None,
                  name: str | None = "somemetric") -> dict[str, Any]:
    return {"type": "Object", "object": {"describedObject": RC if ref is None else ref,
                                         "metric": {"name": name} if name else {},
                                         "target": target}}


def external_metric(target: dict[str, Any] | None, name: str | None = "somemetric"
                    ) -> dict[str, Any]:
    metric: dict[str, Any] = {"selector": SELECTOR}
    if name is not None:
        metric["name"] = name
    body: dict[str, Any] = {"metric": metric}
    if target is not None:
        body["target"] = target
    return {"type": "External", "external": body}


AVG300 = {"type": "AverageValue", "averageValue": "300m"}
VALUE300 = {"type": "Value", "value": "300m"}

HPA_SUCCESS = [
    ("cpu utilization", spec([CPU70])),
    ("no metrics", spec()),
    ("cpu average value", spec([resource_metric(AVG300)])),
    ("pods metric", spec([pods_metric(AVG300)])),
    ("container utilization", spec([container_metric(util(70), container="test-container")])),
    ("container average value", spec([container_metric(AVG300, container="test-container")])),
    ("object metric", spec([object_metric(VALUE300)])),
    ("external value", spec([external_metric(VALUE300)])),
    ("external average value", spec([external_metric(AVG300)])),
]


@pytest.mark.parametrize("body", [b for _, b in HPA_SUCCESS],
                         ids=[f"TestValidateHorizontalPodAutoscaler/success/{n}"
                              for n, _ in HPA_SUCCESS])
def test_validate_horizontal_pod_autoscaler_success(body: dict[str, Any]) -> None:
    assert validate_create(decode_object(hpa(body))) == []


CR70 = container_metric(util(70))
M = "spec.metrics[0]"
HPA_ERRORS = [
    (spec([CPU70], ref={"name": "myrc"}), "spec.scaleTargetRef.kind: Required value"),
    (spec([CR70], ref={"name": "myrc"}), "spec.scaleTargetRef.kind: Required value"),
    (spec([CPU70], ref={"kind": "..", "name": "myrc"}),
     """spec.scaleTargetRef.kind: Invalid value: "..": may not be '..'"""),
    (spec([CR70], ref={"kind": "..", "name": "myrc"}),
     """spec.scaleTargetRef.kind: Invalid value: "..": may not be '..'"""),
    (spec([CPU70], ref={"kind": "ReplicationController"}),
     "spec.scaleTargetRef.name: Required value"),
    (spec([CR70], ref={"kind": "ReplicationController"}),
     "spec.scaleTargetRef.name: Required value"),
    (spec([CPU70], ref={"kind": "ReplicationController", "name": ".."}),
     """spec.scaleTargetRef.name: Invalid value: "..": may not be '..'"""),
    (spec([CR70], ref={"kind": "ReplicationController", "name": ".."}),
     """spec.scaleTargetRef.name: Invalid value: "..": may not be '..'"""),
    (spec(ref={}, min_replicas=-1),
     "spec.minReplicas: Invalid value: -1: must be greater than or equal to 1"),
    (spec(ref={}, min_replicas=7),
     "spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"),
    (spec([resource_metric({**util(70), "averageValue": "300m"})]),
     f"{M}.resource.target.averageValue: Forbidden: may not set both a target raw value and a "
     "target utilization"),
    (spec([container_metric({**util(70), "averageValue": "300m"})]),
     f"{M}.containerResource.target.averageValue: Forbidden: may not set both a target raw "
     "value and a target utilization"),
    (spec([resource_metric(util(70), name=None)]),
     f"{M}.resource.name: Required value: must specify a resource name"),
    (spec([container_metric(util(70), name=None)]),
     f"{M}.containerResource.name: Required value: must specify a resource name"),
    (spec([container_metric(util(70), name="InvalidResource")]),
     f'{M}.containerResource.name: Invalid value: "InvalidResource": must be a standard '
     "resource type or fully qualified"),
    (spec([resource_metric(util(-10))]),
     f"{M}.resource.target.averageUtilization: Invalid value: -10: must be greater than 0"),
    (spec([container_metric(util(-10))]),
     f"{M}.containerResource.target.averageUtilization: Invalid value: -10: must be greater "
     "than 0"),
    (spec([container_metric(util(-10), container=None)]),
     f"{M}.containerResource.container: Required value: must specify a container"),
    (spec([container_metric(util(-10), container="---***")]),
     f'{M}.containerResource.container: Invalid value: "---***": a lowercase RFC 1123 label '
     "must consist of lower case alphanumeric characters or '-', and must start and end with "
     "an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    (spec([resource_metric({"type": "Value"})]),
     f"{M}.resource.target.averageUtilization: Required value: must set either a target raw "
     "value or a target utilization"),
    (spec([container_metric({"type": "Value"})]),
     f"{M}.containerResource.target.averageUtilization: Required value: must set either a "
     "target raw value or a target utilization"),
    (spec([pods_metric({"type": "Value", "averageValue": "100m"}, name=None)]),
     f"{M}.pods.metric.name: Required value: must specify a metric name"),
    (spec([pods_metric({"type": "Value"})]),
     f"{M}.pods.target.averageValue: Required value: must specify a positive target "
     "averageValue"),
    (spec([object_metric({"type": "Value"})]),
     f"{M}.object.target.averageValue: Required value: must set either a target value or "
     "averageValue"),
    (spec([object_metric({"type": "Value", "value": "100m"}, ref={"name": "myrc"})]),
     f"{M}.object.describedObject.kind: Required value"),
    (spec([object_metric({"type": "Value", "value": "100m"}, name=None)]),
     f"{M}.object.metric.name: Required value: must specify a metric name"),
    (spec([external_metric(VALUE300, name=None)]),
     f"{M}.external.metric.name: Required value: must specify a metric name"),
    (spec([external_metric(VALUE300, name="foo/../")]),
     f"""{M}.external.metric.name: Invalid value: "foo/../": may not contain '/'"""),
    (spec([external_metric({"type": "Value"})]),
     f"{M}.external.target.averageValue: Required value: must set either a target value for "
     "metric or a per-pod target"),
    (spec([external_metric({"type": "Value", "value": "-300m"})]),
     f'{M}.external.target.value: Invalid value: -300m: must be positive'),
    (spec([external_metric({"type": "Value", "averageValue": "-300m"})]),
     f'{M}.external.target.averageValue: Invalid value: -300m: must be positive'),
    (spec([external_metric({"type": "Value", "value": "300m", "averageValue": "300m"})]),
     f"{M}.external.target.value: Forbidden: may not set both a target value for metric and a "
     "per-pod target"),
    (spec([external_metric({"type": "boogity", "value": "300m"})]),
     f'{M}.external.target.type: Invalid value: "boogity": must be either Utilization, Value, '
     "or AverageValue"),
    (spec([external_metric({"value": "300m"})]),
     f"{M}.external.target.type: Required value: must specify a metric target type"),
    (spec([external_metric(None)]),
     f"{M}.external.target.type: Required value: must specify a metric target type"),
    (spec([{}]), f"{M}.type: Required value: must specify a metric source type"),
    (spec([{"type": "InvalidType"}]),
     f'{M}.type: Unsupported value: "InvalidType": supported values: "ContainerResource", '
     '"External", "Object", "Pods", "Resource"'),
    (spec([{**resource_metric(AVG300), "pods": pods_metric(AVG300)["pods"]}]),
     f"{M}.pods: Forbidden: must populate the given metric source only"),
]


@pytest.mark.parametrize(("body", "msg"), HPA_ERRORS,
                         ids=[f"TestValidateHorizontalPodAutoscaler/{i}/{m.split(': ')[-1]}"
                              for i, (_, m) in enumerate(HPA_ERRORS)])
def test_validate_horizontal_pod_autoscaler_errors(body: dict[str, Any], msg: str) -> None:
    assert first_error(hpa(body)) == msg


SOURCE_TYPES = {
    "Resource": resource_metric({"type": "AverageValue", "averageValue": "100m"}),
    "ContainerResource": container_metric({"type": "AverageValue", "averageValue": "100m"}),
    "Pods": pods_metric({"type": "AverageValue", "averageValue": "100m"}),
    "Object": object_metric({"type": "Value", "value": "100m"}),
}
FIELDS = {"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods",
          "Object": "object"}
MISMATCHES = [(c, i) for c in SOURCE_TYPES for i in SOURCE_TYPES if c != i]


@pytest.mark.parametrize(("correct", "incorrect"), MISMATCHES,
                         ids=[f"TestValidateHorizontalPodAutoscaler/{c} spec as {i}"
                              for c, i in MISMATCHES])
def test_validate_horizontal_pod_autoscaler_type_mismatch(correct: str, incorrect: str) -> None:
    metric = {**SOURCE_TYPES[correct], "type": incorrect}
    assert first_error(hpa(spec([metric]))) == (
        f"{M}.{FIELDS[incorrect]}: Required value: must populate information for the given "
        "metric source")


# -- scale to zero (HPAScaleToZero off in v1.34) ---------------------------------------------


def min_replicas_cases(min_replicas: int) -> list[dict[str, Any]]:
    """prepareMinReplicasCases: an Object metric and an External one."""
    return [hpa(spec([object_metric(VALUE300)], min_replicas=min_replicas),
                resourceVersion="theversion"),
            hpa(spec([external_metric(AVG300)], min_replicas=min_replicas),
                resourceVersion="theversion")]


@pytest.mark.parametrize("case", [0, 1], ids=["object", "external"])
def test_validate_horizontal_pod_autoscaler_scale_to_zero_disabled(case: int) -> None:
    assert first_error(min_replicas_cases(0)[case]) == (
        "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1")
    assert validate_create(decode_object(min_replicas_cases(1)[case])) == []


@pytest.mark.parametrize("case", [0, 1], ids=["object", "external"])
def test_validate_horizontal_pod_autoscaler_scale_to_zero_update_disabled(case: int) -> None:
    zero = decode_object(min_replicas_cases(0)[case])
    one = decode_object(min_replicas_cases(1)[case])
    assert [str(e) for e in validate_update(zero, one)] == [
        "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"]
    assert validate_update(zero, zero) == []
    assert validate_update(one, zero) == []


# -- HPAConfigurableTolerance off (its v1.34 default) ----------------------------------------

ONE_POLICY = [{"type": "Pods", "value": 1, "periodSeconds": 1800}]


@pytest.mark.parametrize("rules", [
    {"policies": ONE_POLICY}, {"selectPolicy": "Max", "policies": ONE_POLICY},
    {"stabilizationWindowSeconds": 60, "policies": ONE_POLICY},
], ids=["policies", "select policy", "window"])
def test_validate_horizontal_pod_autoscaler_configurable_tolerance_disabled_success(
        rules: dict[str, Any]) -> None:
    assert validate_create(decode_object(with_behavior({"scaleDown": rules}))) == []


@pytest.mark.parametrize("rules", [{}, {"stabilizationWindowSeconds": 60}],
                         ids=["empty", "window only"])
def test_validate_horizontal_pod_autoscaler_configurable_tolerance_disabled_failure(
        rules: dict[str, Any]) -> None:
    errs = validate_create(decode_object(with_behavior({"scaleUp": rules})))
    assert [str(e) for e in errs] == [
        "spec.behavior.scaleUp.policies: Required value: must specify at least one Policy"]


def test_prepare_for_create_configurable_tolerance_disabled() -> None:
    """TestPrepareForCreateConfigurableToleranceDisabled: the tolerance is wiped."""
    manifest = hpa(spec([CPU70], ref={"apiVersion": "apps/v1", "kind": "Deployment",
                                      "name": "web"},
                        behavior={"scaleUp": {"policies": ONE_POLICY, "tolerance": "0.05"}}))
    created = ok(apiserver.create(manager.empty_cluster(), decode_object(manifest))).object
    assert created.spec.behavior.scale_up.tolerance is None
    assert "tolerance" not in json.dumps(encode_object(created))


# -- the apiVersion checks and their ratchet (kubernetes#132537) -----------------------------

DEPLOYMENT_REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


@pytest.mark.parametrize(("ref", "msg"), [
    ({"kind": "Deployment", "name": "web"},
     'spec.scaleTargetRef.apiVersion: Invalid value: "": apiVersion must specify API group'),
    ({"apiVersion": "v1", "kind": "Deployment", "name": "web"},
     'spec.scaleTargetRef.apiVersion: Invalid value: "v1": apiVersion must specify API group'),
    ({"apiVersion": "apps/v1/v2", "kind": "Deployment", "name": "web"},
     'spec.scaleTargetRef.apiVersion: Invalid value: "apps/v1/v2": unexpected GroupVersion '
     'string: apps/v1/v2'),
], ids=["no group", "core group", "three parts"])
def test_scale_target_ref_api_version(ref: dict[str, Any], msg: str) -> None:
    assert first_error(hpa(spec([CPU70], ref=ref))) == msg


def test_replication_controller_may_name_no_group() -> None:
    """validationOptionsForHorizontalPodAutoscaler/ReplicationController with the legacy API
    Version."""
    assert validate_create(decode_object(hpa(spec([CPU70], ref=RC)))) == []


def test_update_keeping_api_version_and_kind_is_not_rechecked() -> None:
    """validationOptionsForHorizontalPodAutoscaler/scale target ref api version unchanged: an
    HPA stored before the check keeps working; changing the kind re-checks it."""
    bad = {"apiVersion": "v1", "kind": "Deployment", "name": "web"}
    old = decode_object(hpa(spec([CPU70], ref=bad)))
    renamed = decode_object(hpa(spec([CPU70], ref={**bad, "name": "other"}, max_replicas=6)))
    assert validate_update(renamed, old) == []
    rekinded = decode_object(hpa(spec([CPU70], ref={**bad, "kind": "StatefulSet"})))
    assert [str(e) for e in validate_update(rekinded, old)] == [
        'spec.scaleTargetRef.apiVersion: Invalid value: "v1": apiVersion must specify API group']


def test_object_metrics_ratchet_on_an_already_invalid_one() -> None:
    """validationOptionsForHorizontalPodAutoscaler/old object metric with invalid api version."""
    def with_object(api_version: str, min_replicas: int) -> Any:
        ref = {"apiVersion": api_version, "kind": "Deployment", "name": "mydeployment"}
        return decode_object(hpa(spec([object_metric(VALUE300, ref=ref)], ref=DEPLOYMENT_REF,
                                      min_replicas=min_replicas)))
    assert validate_update(with_object("apps/v1/v3", 1), with_object("apps/v1/v2", 2)) == []
    assert [str(e) for e in validate_create(with_object("apps/v1/v2", 1))] == [
        f'{M}.object.describedObject.apiVersion: Invalid value: "apps/v1/v2": unexpected '
        "GroupVersion string: apps/v1/v2"]
    # Object metrics may name the core group (AllowEmptyAPIGroup).
    assert validate_create(with_object("v1", 1)) == []


# -- TestGenerateScaleDownRules / TestGenerateScaleUpRules -----------------------------------


def rules_of(pods: int, pods_period: int, percent: int, percent_period: int,
             window: int | None, select: str | None) -> HPAScalingRules:
    policies = []
    if pods or pods_period:
        policies.append(HPAScalingPolicy(type="Pods", value=pods, period_seconds=pods_period))
    if percent or percent_period:
        policies.append(HPAScalingPolicy(type="Percent", value=percent,
                                         period_seconds=percent_period))
    return HPAScalingRules(stabilization_window_seconds=window, select_policy=select,
                           policies=policies or None)


def triples(rules: HPAScalingRules) -> list[tuple[str | None, int | None, int | None]]:
    return [(p.type, p.value, p.period_seconds) for p in rules.policies or ()]


@pytest.mark.parametrize(("given", "policies", "window", "select"), [
    ((0, 0, 0, 0, None, None), [("Percent", 100, 15)], None, "Max"),
    ((1, 2, 3, 4, 25, "Max"), [("Pods", 1, 2), ("Percent", 3, 4)], 25, "Max"),
    ((0, 0, 1, 2, None, "Min"), [("Percent", 1, 2)], None, "Min"),
    ((3, 4, 0, 0, None, None), [("Pods", 3, 4)], None, "Max"),
], ids=["TestGenerateScaleDownRules/Default values",
        "TestGenerateScaleDownRules/All parameters are specified",
        "TestGenerateScaleDownRules/Percent policy is specified",
        "TestGenerateScaleDownRules/Pods policy is specified"])
def test_generate_scale_down_rules(given: tuple[Any, ...], policies: list[Any],
                                   window: int | None, select: str) -> None:
    down = generate_hpa_scale_down_rules(rules_of(*given))
    assert (triples(down), down.stabilization_window_seconds, down.select_policy) == (
        policies, window, select)


@pytest.mark.parametrize(("given", "policies", "window", "select"), [
    ((0, 0, 0, 0, None, None), [("Pods", 4, 15), ("Percent", 100, 15)], 0, "Max"),
    ((1, 2, 3, 4, 25, "Max"), [("Pods", 1, 2), ("Percent", 3, 4)], 25, "Max"),
    ((1, 2, 0, 0, None, "Min"), [("Pods", 1, 2)], 0, "Min"),
    ((0, 0, 7, 10, None, None), [("Percent", 7, 10)], 0, "Max"),
    ((4, 2, 0, 0, 25, None), [("Pods", 4, 2)], 25, "Max"),
    ((0, 0, 7, 60, 25, None), [("Percent", 7, 60)], 25, "Max"),
], ids=["TestGenerateScaleUpRules/Default values",
        "TestGenerateScaleUpRules/All parameters are specified",
        "TestGenerateScaleUpRules/Pod policy is specified",
        "TestGenerateScaleUpRules/Percent policy is specified",
        "TestGenerateScaleUpRules/Pod policy and stabilization window are specified",
        "TestGenerateScaleUpRules/Percent policy and stabilization window are specified"])
def test_generate_scale_up_rules(given: tuple[Any, ...], policies: list[Any],
                                 window: int | None, select: str) -> None:
    up = generate_hpa_scale_up_rules(rules_of(*given))
    assert (triples(up), up.stabilization_window_seconds, up.select_policy) == (
        policies, window, select)


# -- v2 defaults through the API server ------------------------------------------------------


def create(manifest: dict[str, Any]) -> Any:
    return ok(apiserver.create(manager.empty_cluster(), decode_object(manifest))).object


def test_v2_defaults_min_replicas_and_cpu_metric() -> None:
    """SetDefaults_HorizontalPodAutoscaler: minReplicas 1 and cpu at 80% when no metric."""
    body = spec(ref=DEPLOYMENT_REF)
    del body["minReplicas"]
    doc = encode_object(create(hpa(body)))
    assert doc["spec"]["minReplicas"] == 1
    assert doc["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert "behavior" not in doc["spec"]


def test_v2_behavior_defaults_when_behavior_is_set() -> None:
    """SetDefaults_HorizontalPodAutoscalerBehavior: an empty behavior gets both directions."""
    doc = encode_object(create(hpa(spec([CPU70], ref=DEPLOYMENT_REF, behavior={}))))
    assert doc["spec"]["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"selectPolicy": "Max", "policies": [
            {"type": "Percent", "value": 100, "periodSeconds": 15}]}}


@pytest.mark.parametrize("value", ["", "abc", "[]"],
                         ids=["TestHorizontalPodAutoscalerAnnotations/empty value",
                              "TestHorizontalPodAutoscalerAnnotations/random value",
                              "TestHorizontalPodAutoscalerAnnotations/empty array value"])
def test_horizontal_pod_autoscaler_annotations(value: str) -> None:
    """v2 carries no round-trip annotations: whatever they hold, they are dropped."""
    names = (CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, BEHAVIOR_SPECS_ANNOTATION,
             METRIC_STATUSES_ANNOTATION)
    created = create(hpa(spec([CPU70], ref=DEPLOYMENT_REF),
                         annotations={**{n: value for n in names}, "keep": "me"}))
    assert dict(created.metadata.annotations) == {"keep": "me"}


# -- autoscaling/v1 ----------------------------------------------------------------------------


def v1(spec_body: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "web", "namespace": "default"}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": meta,
            "spec": {"scaleTargetRef": DEPLOYMENT_REF, "maxReplicas": 10, **spec_body}}


def test_v1_target_cpu_becomes_a_utilization_metric() -> None:
    doc = encode_object(create(v1({"targetCPUUtilizationPercentage": 50})))
    assert doc["apiVersion"] == "autoscaling/v2"
    assert doc["spec"] == {"scaleTargetRef": DEPLOYMENT_REF, "minReplicas": 1, "maxReplicas": 10,
                           "metrics": [{"type": "Resource", "resource": {
                               "name": "cpu", "target": {"type": "Utilization",
                                                         "averageUtilization": 50}}}]}


def test_v1_without_target_gets_80_percent() -> None:
    doc = encode_object(create(v1({"minReplicas": 2})))
    assert doc["spec"]["minReplicas"] == 2
    assert doc["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 80


def test_v1_metrics_and_behavior_annotations_are_read_and_dropped() -> None:
    metrics = [{"type": "Pods", "pods": {"metricName": "qps", "targetAverageValue": "10"}}]
    behavior = {"ScaleUp": None, "ScaleDown": {"StabilizationWindowSeconds": 60,
                                               "SelectPolicy": "Min", "Policies": [
                                                   {"Type": "Pods", "Value": 1,
                                                    "PeriodSeconds": 30}]}}
    created = create(v1({"targetCPUUtilizationPercentage": 60}, {
        METRIC_SPECS_ANNOTATION: json.dumps(metrics),
        BEHAVIOR_SPECS_ANNOTATION: json.dumps(behavior)}))
    doc = encode_object(created)
    assert "annotations" not in doc["metadata"]
    assert doc["spec"]["metrics"] == [
        {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {
            "type": "AverageValue", "averageValue": "10"}}},
        {"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 60}}}]
    assert doc["spec"]["behavior"]["scaleDown"] == {
        "stabilizationWindowSeconds": 60, "selectPolicy": "Min",
        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}]}
    assert doc["spec"]["behavior"]["scaleUp"]["policies"][0] == {
        "type": "Pods", "value": 4, "periodSeconds": 15}


def test_v1_unparsable_annotation_is_ignored() -> None:
    created = create(v1({"targetCPUUtilizationPercentage": 60},
                        {METRIC_SPECS_ANNOTATION: "abc"}))
    assert [m.type for m in created.spec.metrics] == ["Resource"]
    assert METRIC_SPECS_ANNOTATION not in created.metadata.annotations


def _to_v1_spec(metrics: list[dict[str, Any]]) -> dict[str, Any]:
    created = create(hpa(spec(metrics, ref=DEPLOYMENT_REF, max_replicas=3)))
    return to_v1(created)


@pytest.mark.parametrize(("metrics", "cpu", "other"), [
    ([resource_metric(AVG300), CPU70], 70, [
        {"type": "Resource", "resource": {"name": "cpu", "targetAverageValue": "300m"}}]),
    ([], 80, None),
    ([resource_metric(util(60))], 60, None),
], ids=["TestConvert_autoscaling_HorizontalPodAutoscalerSpec_To_v1/"
        "TestConversionWithCPUAverageValueAndUtilizationBoth1",
        "TestConvert_autoscaling_HorizontalPodAutoscalerSpec_To_v1/"
        "TestConversionWithoutMetrics (defaulted to 80 on the way in)",
        "TestConvert_autoscaling_HorizontalPodAutoscalerSpec_To_v1/"
        "TestConversionWithCPUUtilizationOnly"])
def test_to_v1(metrics: list[dict[str, Any]], cpu: int, other: Any) -> None:
    doc = _to_v1_spec(metrics)
    assert doc["apiVersion"] == "autoscaling/v1"
    assert (doc["spec"]["minReplicas"], doc["spec"]["maxReplicas"]) == (1, 3)
    assert doc["spec"]["targetCPUUtilizationPercentage"] == cpu
    annotations = doc["metadata"].get("annotations", {})
    assert (json.loads(annotations[METRIC_SPECS_ANNOTATION])
            if METRIC_SPECS_ANNOTATION in annotations else None) == other


def test_v1_round_trip_keeps_every_metric() -> None:
    """What v1 writes (the annotations), v1 reads back to the same v2 spec."""
    created = create(hpa(spec([pods_metric(AVG300), CPU70, external_metric(VALUE300)],
                              ref=DEPLOYMENT_REF, behavior={"scaleDown": {
                                  "stabilizationWindowSeconds": 30, "policies": ONE_POLICY}})))
    back = create(to_v1(created) | {"metadata": {"name": "web", "namespace": "default",
                                                 "annotations": to_v1(created)["metadata"][
                                                     "annotations"]}})
    metric_types = sorted(m.type for m in back.spec.metrics)
    assert metric_types == ["External", "Pods", "Resource"]
    assert sorted(map(repr, back.spec.metrics)) == sorted(map(repr, created.spec.metrics))
    assert back.spec.behavior == created.spec.behavior


# -- the scale subresource -------------------------------------------------------------------


@pytest.fixture
def with_targets() -> Any:
    cluster = manager.empty_cluster()
    deployment = decode_object(new_deployment("web", replicas=2))
    cluster = ok(apiserver.create(cluster, deployment)).cluster
    rs = copy.deepcopy(new_deployment("front", replicas=3))
    rs["kind"] = "ReplicaSet"
    cluster = ok(apiserver.create(cluster, decode_object(rs))).cluster
    crd = {"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "default"},
           "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "w"}}},
           "status": {"replicas": 4, "selector": "app=w"}}
    return apiserver.restore(cluster, [decode_object(helpers_crd("Widget")),
                                       decode_object(crd)])


@pytest.mark.parametrize(("kind", "name", "spec_replicas", "selector"), [
    ("Deployment", "web", 2, "app=web"), ("ReplicaSet", "front", 3, "app=front"),
    ("Widget", "w", 4, "app=w"),
], ids=["deployment", "replicaset", "custom resource"])
def test_get_scale(with_targets: Any, kind: str, name: str, spec_replicas: int,
                   selector: str) -> None:
    scale = apiserver.get_scale(with_targets, kind, "default", name)
    assert (scale.spec_replicas, scale.selector) == (spec_replicas, selector)


@pytest.mark.parametrize(("kind", "name"), [
    ("Deployment", "web"), ("ReplicaSet", "front"), ("Widget", "w")])
def test_update_scale(with_targets: Any, kind: str, name: str) -> None:
    written = ok(apiserver.scale(with_targets, kind, "default", name, 7))
    assert apiserver.get_scale(written.cluster, kind, "default", name).spec_replicas == 7


def test_update_scale_negative_is_invalid(with_targets: Any) -> None:
    status = apiserver.scale(with_targets, "Deployment", "default", "web", -1)
    assert isinstance(status, Status) and status.reason == "Invalid"
    assert status.message == ('Scale.autoscaling "web" is invalid: spec.replicas: Invalid '
                              'value: -1: must be greater than or equal to 0')


def test_scale_of_a_missing_object_is_not_found(with_targets: Any) -> None:
    status = apiserver.get_scale(with_targets, "Deployment", "default", "nope")
    assert isinstance(status, Status) and status.reason == "NotFound"
    assert status.message == 'deployments.apps "nope" not found'
