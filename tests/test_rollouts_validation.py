"""Ports of argo-rollouts pkg/apis/rollouts/validation/validation_test.go (9f8d111) through
reducers/rollouts/rollout/validation.py: TestValidateRollout (5), TestValidateRolloutStrategy
(2), TestValidateRolloutStrategyBlueGreen, TestValidateRolloutStrategyCanaryMissingServiceNames
(the Istio case; the other routers are not modelled), TestValidateRolloutStrategyCanary (16 of
its cases: the ping-pong ones are left out, ping-pong is not modelled),
TestValidateRolloutStrategyAntiAffinity (2), TestValidateRolloutStrategyCanarySetHeaderRoute,
TestInvalidMaxSurgeMaxUnavailable (7), TestHasMultipleStepsType (2),
TestCanaryScaleDownDelaySeconds (2), TestCanaryDynamicStableScale (2),
TestWorkloadRefWithTemplate (3), TestCanaryExperimentStepWithWeight (the no-routing,
empty-routing, Istio, SMI, ALB and plugin cases). Each case decodes the Go test's Rollout and
checks the first error's detail (or the whole error, where Go does).

The `kubefold` cases at the end check the controller's InvalidSpec condition for a Rollout
applied through the API server, and that it clears when the spec is fixed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.reducers.rollouts.rollout import validation as v
from tests.rollouts_helpers import World, canary_rollout, service, typed

SELECTOR = {"matchLabels": {"key": "value"}}
TEMPLATE = {"metadata": {"labels": {"key": "value"}},
            "spec": {"containers": [{"image": "foo", "name": "image-name"}]}}


def ro(spec: dict[str, Any]) -> Any:
    return typed({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                  "metadata": {"name": "", "namespace": "default"}, "spec": spec})


def base(strategy: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"selector": copy.deepcopy(SELECTOR), "template": copy.deepcopy(TEMPLATE),
            "strategy": strategy if strategy is not None else {"canary": {}}}


def first_detail(errs: list[Any]) -> str:
    assert errs, "expected an error"
    return str(errs[0].detail)


# -- TestValidateRollout -----------------------------------------------------------------------


def test_validate_rollout_missing_selector() -> None:
    spec = base()
    del spec["selector"]
    assert first_detail(v.validate_rollout(ro(spec))) == \
        v.MISSING_FIELD_MESSAGE.format(".spec.selector")


def test_validate_rollout_empty_selector() -> None:
    spec = base()
    spec["selector"] = {}
    assert first_detail(v.validate_rollout(ro(spec))) == \
        "empty selector is invalid for deployment"


def test_validate_rollout_invalid_progress_deadline_seconds() -> None:
    spec = base()
    spec["minReadySeconds"] = 601
    errs = v.validate_rollout(ro(spec))
    assert (errs[0].field, errs[0].detail) == ("spec.progressDeadlineSeconds",
                                               "must be greater than minReadySeconds")


def test_validate_rollout_successful_run() -> None:
    spec = base({"blueGreen": {"activeService": "active", "previewService": "preview"}})
    assert v.validate_rollout(ro(spec)) == []


def test_validate_rollout_privileged_container() -> None:
    spec = base()
    spec["template"]["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    assert v.validate_rollout(ro(spec)) == []


def test_validate_rollout_strategy() -> None:
    """TestValidateRolloutStrategy."""
    assert first_detail(v.validate_rollout_strategy(ro({"strategy": {}}))) == \
        v.MISSING_FIELD_MESSAGE.format(".spec.strategy.canary or .spec.strategy.blueGreen")
    both = ro({"strategy": {"blueGreen": {}, "canary": {}}})
    assert first_detail(v.validate_rollout_strategy(both)) == v.INVALID_STRATEGY


def test_validate_rollout_strategy_blue_green() -> None:
    """TestValidateRolloutStrategyBlueGreen."""
    r = ro({"strategy": {"blueGreen": {"previewService": "service-name",
                                       "activeService": "service-name",
                                       "scaleDownDelayRevisionLimit": 11,
                                       "autoPromotionSeconds": 30}}})
    errs = v.validate_blue_green(r, "spec.strategy.blueGreen")
    assert [e.detail for e in errs] == [v.DUPLICATED_SERVICES_BLUE_GREEN,
                                        v.SCALE_DOWN_LIMIT_LARGER]


def test_validate_rollout_strategy_canary_missing_service_names_istio() -> None:
    """TestValidateRolloutStrategyCanaryMissingServiceNames/Istio."""
    r = ro({"strategy": {"canary": {"steps": [{"setWeight": 10}],
                                    "trafficRouting": {"istio": {}}}}})
    assert first_detail(v.validate_canary(r, "")) == v.INVALID_TRAFFIC_ROUTING


# -- TestValidateRolloutStrategyCanary ---------------------------------------------------------

INVALID_ARGS = [{"name": "metadata.labels['app']",
                 "valueFrom": {"fieldRef": {"fieldPath": "metadata.label['app']"}}},
                {"name": "value-key", "value": "hardcoded-value"}]


def canary_case(**changes: Any) -> dict[str, Any]:
    canary: dict[str, Any] = {"canaryService": "canary", "stableService": "stable",
                              "trafficRouting": {"alb": {"rootService": "root-service"}},
                              "steps": [{}]}
    canary.update(changes)
    return {"strategy": {"canary": canary}}


def _with_step(**step: Any) -> dict[str, Any]:
    return canary_case(steps=[step])


CANARY_CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("valid rollout", _with_step(setWeight=10), None),
    ("valid plugin missing canary and stable service",
     canary_case(steps=[{"setWeight": 10}], canaryService="", stableService="",
                 trafficRouting={"plugins": {"some-plugin": {"key": "value"}}}), None),
    ("valid Istio missing canary and stable service",
     canary_case(steps=[{"setWeight": 10}], canaryService="", stableService="",
                 trafficRouting={"istio": {"destinationRule": {"name": "destination-rule"}}}),
     None),
    ("invalid two plugins missing canary and stable service",
     canary_case(steps=[{"setWeight": 10}], canaryService="", stableService="",
                 trafficRouting={"istio": {}, "plugins": {"some-plugin": {"key": "value"}}}),
     v.INVALID_TRAFFIC_ROUTING),
    ("duplicate services", canary_case(canaryService="stable"), v.DUPLICATED_SERVICES_CANARY),
    ("invalid traffic routing", canary_case(canaryService=""), v.INVALID_TRAFFIC_ROUTING),
    ("invalid setCanaryScale without trafficRouting",
     canary_case(steps=[{"setCanaryScale": {}}], trafficRouting=None),
     v.INVALID_SET_CANARY_SCALE),
    ("invalid canary step", canary_case(), v.INVALID_STEP),
    ("invalid set weight value", _with_step(setWeight=101),
     v.INVALID_SET_WEIGHT_MESSAGE.format(100)),
    ("only nginx/plugins support max weight value/alb",
     canary_case(steps=[{"setWeight": 1}],
                 trafficRouting={"alb": {"rootService": "root-service"}, "maxTrafficWeight": 1}),
     v.INVALID_MAX_WEIGHT_ROUTER),
    ("only nginx/plugins support max weight value/nginx",
     canary_case(steps=[{"setWeight": 1}],
                 trafficRouting={"nginx": {"stableIngress": "stable-ingress"},
                                 "maxTrafficWeight": 1}), None),
    ("only nginx/plugins support max weight value/plugins",
     canary_case(steps=[{"setWeight": 1}],
                 trafficRouting={"plugins": {"anyplugin": {"key": "value"}},
                                 "maxTrafficWeight": 1}), None),
    ("invalid duration set in paused step", _with_step(pause={"duration": -1}),
     v.INVALID_DURATION),
    ("invalid metadata references in analysis step", _with_step(analysis={"args": INVALID_ARGS}),
     v.INVALID_ANALYSIS_ARGS),
    ("invalid metadata references in experiment step",
     _with_step(experiment={"templates": [], "analyses": [{"args": INVALID_ARGS}]}),
     v.INVALID_ANALYSIS_ARGS),
]


@pytest.mark.parametrize(("spec", "want"), [c[1:] for c in CANARY_CASES],
                         ids=[f"TestValidateRolloutStrategyCanary/{c[0]}" for c in CANARY_CASES])
def test_validate_rollout_strategy_canary(spec: dict[str, Any], want: str | None) -> None:
    canary = spec["strategy"]["canary"]
    if canary.get("trafficRouting", "unset") is None:
        del canary["trafficRouting"]
    errs = v.validate_canary(ro(spec), "")
    if want is None:
        assert errs == []
    else:
        assert first_detail(errs) == want


def test_validate_rollout_strategy_anti_affinity() -> None:
    """TestValidateRolloutStrategyAntiAffinity."""
    empty = ro({"strategy": {"canary": {"antiAffinity": {}}}}).spec.strategy.canary.anti_affinity
    assert first_detail(v.validate_anti_affinity(empty, "antiAffinity")) == \
        v.INVALID_ANTI_AFFINITY_STRATEGY
    weighted = ro({"strategy": {"canary": {"antiAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": {"weight": 101}}}}}
    ).spec.strategy.canary.anti_affinity
    assert first_detail(v.validate_anti_affinity(weighted, "antiAffinity")) == \
        v.INVALID_ANTI_AFFINITY_WEIGHT


def test_validate_rollout_strategy_canary_set_header_route() -> None:
    """TestValidateRolloutStrategyCanarySetHeaderRoute."""
    r = ro({"strategy": {"canary": {"canaryService": "canary", "stableService": "stable",
                                    "steps": [{"setHeaderRoute": {"match": [{
                                        "headerName": "agent",
                                        "headerValue": {"exact": "chrome"}}]}}]}}})
    assert first_detail(v.validate_canary(r, "")) == v.INVALID_SET_HEADER_ROUTE


@pytest.mark.parametrize(("surge", "unavailable"), [
    (0, 0), ("0", 0), ("0%", 0), (0, "0"), (0, "0%"), ("0", "0"), ("0%", "0%")],
    ids=[f"TestInvalidMaxSurgeMaxUnavailable/{i}" for i in range(7)])
def test_invalid_max_surge_max_unavailable(surge: int | str, unavailable: int | str) -> None:
    r = ro({"strategy": {"canary": {"maxSurge": surge, "maxUnavailable": unavailable}}})
    assert first_detail(v.validate_canary(r, "")) == v.INVALID_MAX_SURGE_MAX_UNAVAILABLE


def test_has_multiple_steps_type() -> None:
    """TestHasMultipleStepsType."""
    one = ro({"strategy": {"canary": {"steps": [{"setWeight": 1}]}}})
    assert v.validate_canary(one, "") == []
    two = ro({"strategy": {"canary": {"steps": [{"setWeight": 1, "pause": {"duration": 1}}]}}})
    assert first_detail(v.validate_canary(two, "")) == v.INVALID_STEP


def _services_spec(**canary: Any) -> dict[str, Any]:
    return base({"canary": {"stableService": "stable", "canaryService": "canary", **canary}})


def test_canary_scale_down_delay_seconds() -> None:
    """TestCanaryScaleDownDelaySeconds."""
    errs = v.validate_rollout(ro(_services_spec(scaleDownDelaySeconds=60)))
    assert str(errs[0]) == ("spec.strategy.scaleDownDelaySeconds: Invalid value: 60: "
                            f"{v.INVALID_CANARY_SCALE_DOWN_DELAY}")
    routed = _services_spec(scaleDownDelaySeconds=60, trafficRouting={"smi": {}})
    assert v.validate_rollout(ro(routed)) == []


def test_canary_dynamic_stable_scale() -> None:
    """TestCanaryDynamicStableScale."""
    errs = v.validate_rollout(ro(_services_spec(dynamicStableScale=True)))
    assert str(errs[0]) == ("spec.strategy.dynamicStableScale: Invalid value: true: "
                            f"{v.INVALID_DYNAMIC_STABLE_SCALE}")
    both = _services_spec(dynamicStableScale=True, scaleDownDelaySeconds=60,
                          trafficRouting={"smi": {}})
    errs = v.validate_rollout(ro(both))
    assert str(errs[0]) == ("spec.strategy.dynamicStableScale: Invalid value: true: "
                            f"{v.INVALID_DYNAMIC_STABLE_SCALE_WITH_DELAY}")


def test_workload_ref_with_template() -> None:
    """TestWorkloadRefWithTemplate."""
    spec = _services_spec()
    spec["workloadRef"] = {"name": "my-deployment", "kind": "Deployment",
                           "apiVersion": "apps/v1"}
    spec["template"] = {"metadata": {"labels": {"key": "value"}}}
    errs = v.validate_rollout(ro(spec))
    assert [str(e) for e in errs] == [
        "spec.template: Internal error: template must be empty for workload reference rollout"]
    del spec["template"]
    assert v.validate_rollout(ro(spec)) == []
    del spec["selector"]
    assert v.validate_rollout(ro(spec)) == []


EXPERIMENT_WEIGHT = [
    ("invalid - no TrafficRouting set", None, v.INVALID_EXPERIMENT_WEIGHT),
    ("invalid - empty TrafficRouting", {}, "Experiment template weight is only available for "
     "TrafficRouting with SMI, ALB, Istio and Plugins at this time"),
    ("unsupported - Istio TrafficRouting", {"istio": {"virtualService": {"name": "virtualSvc"}}},
     None),
    ("success - SMI TrafficRouting", {"smi": {}}, None),
    ("success - ALB TrafficRouting", {"alb": {}}, None),
    ("success - Plugins", {"plugins": {"any/plugin": {}}}, None),
]


@pytest.mark.parametrize(("routing", "want"), [c[1:] for c in EXPERIMENT_WEIGHT],
                         ids=[f"TestCanaryExperimentStepWithWeight/{c[0]}"
                              for c in EXPERIMENT_WEIGHT])
def test_canary_experiment_step_with_weight(routing: dict[str, Any] | None,
                                            want: str | None) -> None:
    canary: dict[str, Any] = {"canaryService": "canary", "stableService": "stable",
                              "steps": [{"experiment": {"templates": [
                                  {"name": "template", "specRef": "canary", "weight": 20}]}}]}
    if routing is not None:
        canary["trafficRouting"] = routing
    errs = v.validate_canary(ro({"strategy": {"canary": canary}}), "")
    if want is None:
        assert errs == []
    else:
        assert len(errs) == 1
        assert errs[0].detail == want


# -- kubefold: the InvalidSpec condition -------------------------------------------------------


def test_invalid_spec_condition_and_recovery() -> None:
    """A Rollout whose canary Service does not exist is Degraded with Argo's InvalidSpec
    message; once the Service exists the next sync clears the condition."""
    world = World()
    manifest = canary_rollout("foo", replicas=2, steps=[{"setWeight": 50}],
                              canaryService="canary", stableService="stable")
    world.apply(service("stable"), manifest)
    world.tick(1)
    condition = world.condition("InvalidSpec")
    assert condition is not None and condition.status == "True"
    assert condition.message == ('The Rollout "foo" is invalid: '
                                 'spec.strategy.canary.canaryService: Invalid value: "canary": '
                                 'service "canary" not found')
    assert world.status().phase == "Degraded"
    assert world.status().message == f"InvalidSpec: {condition.message}"
    world.apply(service("canary"))
    world.tick(1)
    assert world.condition("InvalidSpec") is None
    assert world.status().phase == "Healthy"
