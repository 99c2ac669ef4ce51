"""Flagger's scheduler tests, ported to the DESIGN contract: each Go `advanceCanary` is the
Canary's creation (the first) or one `tick:` of its analysis interval, `makePrimaryReady` and
`makeCanaryReady` are the pods the kubelet makes ready in auto mode, the Go fixture's Prometheus
(which answers 100 to every query) is `metric:` samples of 100.

Ported: scheduler_deployment_test.go (TestScheduler_DeploymentInit, DeploymentNewRevision,
DeploymentRollback, DeploymentSkipAnalysis, DeploymentAnalysisPhases,
DeploymentBlueGreenAnalysisPhases, DeploymentNewRevisionReset, DeploymentPromotion,
DeploymentMirroring, DeploymentABTesting, DeploymentPortDiscovery, DeploymentTargetPortNumber,
DeploymentTargetPortName, DeploymentPromotionPrimaryNotReady), scheduler_svc_test.go's
testServicePromotion table (four weight sequences, on a Deployment target),
scheduler_metrics_test.go (TestController_runMetricChecks, five cases), and the nextStepWeight
and maxWeight arithmetic.

Not ported, and why: the DaemonSet variants and TestScheduler_ServicePromotion's Service
target (kubefold drives Deployment targets); DeploymentAlerts and the metrics-recorder tests
(MetricsStateTransition, AnalysisMetricsRecording: Flagger's own Prometheus metrics and alerts
are not modelled); PromotionFailedAfterTrafficShift writes a stuck Deployment status in the
Finalising phase by hand, which a black box cannot reach (PromotionPrimaryNotReady's path,
handleFailedPromotion, is reached below by a primary whose new pod finds no room on the node
and passes its progress deadline).
Where Go writes the status or the routes by hand (SyncStatus with 10 failed checks,
SetStatusIterations(10), SetRoutes(60, 40)), the port reaches the same state through the
contract (failing samples, more ticks).
"""

from __future__ import annotations

import pytest

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.events import MetricSample
from kubefold.core.flagger import (
    FAILED,
    FINALISING,
    INITIALIZED,
    INITIALIZING,
    PROGRESSING,
    PROMOTING,
    SUCCEEDED,
)
from kubefold.reducers.flagger.scheduler import max_weight, next_step_weight
from kubefold.reducers.flagger.scheduler_metrics import run_metric_checks
from tests.flagger_helpers import (
    canary_manifest,
    config_map,
    new_deployment_fixture,
    new_deployment_test_canary,
    new_deployment_test_canary_ab,
    new_deployment_test_deployment,
    secret,
)


def initialized(canary=None, **kwargs):
    """Initializing (creation), then Initialized one interval later."""
    mocks = new_deployment_fixture(canary, **kwargs)
    assert mocks.phase() == INITIALIZING
    mocks = mocks.advance()
    assert mocks.phase() == INITIALIZED
    return mocks


def test_scheduler_deployment_init():
    """TestScheduler_DeploymentInit: the first analysis creates podinfo-primary."""
    mocks = new_deployment_fixture()
    assert mocks.deployment("podinfo-primary") is not None


def test_scheduler_deployment_new_revision():
    """TestScheduler_DeploymentNewRevision: the target is scaled to zero once initialized, and
    scaled back to 1 when a new revision is detected."""
    mocks = initialized()
    assert mocks.replicas("podinfo") == 0
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance()
    assert mocks.replicas("podinfo") == 1


def test_scheduler_deployment_rollback():
    """TestScheduler_DeploymentRollback: a metric that fails every check (`fail` = 100, range
    [0, 50]) rolls back once the failed checks reach the threshold (10)."""
    canary = new_deployment_test_canary()
    canary["spec"]["analysis"]["metrics"].append(
        {"name": "fail", "interval": "1m", "thresholdRange": {"min": 0, "max": 50},
         "query": "fail"})
    mocks = initialized(canary)
    mocks = mocks.event(MetricSample("fail", 100, namespace="default"))
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance()
    assert mocks.phase() == PROGRESSING
    mocks = mocks.advance()  # "Starting canary analysis": no checks yet, weight 10
    for expected in range(1, 11):
        mocks = mocks.advance()
        assert mocks.canary().status.failed_checks == expected
    assert "Halt podinfo.default advancement fail 100.00 > 50" in mocks.events()
    mocks = mocks.advance()
    assert mocks.phase() == FAILED
    assert mocks.routes() == (100, 0, False)
    assert mocks.replicas("podinfo") == 0
    assert "Rolling back podinfo.default failed checks threshold reached 10" in mocks.events()
    condition = mocks.canary().status.conditions[0]
    assert (condition.type, condition.status, condition.reason, condition.message) == (
        "Promoted", "False", "Failed", "Canary analysis failed, Deployment scaled to zero.")


def test_scheduler_deployment_skip_analysis():
    """TestScheduler_DeploymentSkipAnalysis: with skipAnalysis the new revision is promoted
    without analysis."""
    canary = new_deployment_test_canary()
    mocks = initialized(canary)
    canary["spec"]["skipAnalysis"] = True
    mocks = mocks.apply(canary).apply(new_deployment_test_deployment(v2=True)).advance()
    mocks = mocks.advance()
    assert mocks.canary().spec.skip_analysis is True
    assert mocks.phase() == SUCCEEDED
    assert mocks.replicas("podinfo") == 0
    primary = mocks.deployment("podinfo-primary").spec.template.spec.containers[0]
    assert primary.image == "quay.io/stefanprodan/podinfo:1.2.1"


def test_scheduler_deployment_analysis_phases():
    """TestScheduler_DeploymentAnalysisPhases: stepWeight 100, stepWeightPromotion 50."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 0, "stepWeight": 100,
                                         "stepWeightPromotion": 50})
    mocks = initialized(canary)
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance()
    expected = [(PROGRESSING, 0), (PROGRESSING, 100), (PROMOTING, 100), (PROMOTING, 50),
                (FINALISING, 0), (SUCCEEDED, 0)]
    got = [(mocks.phase(), mocks.canary().status.canary_weight)]
    for _ in expected[1:]:
        mocks = mocks.advance()
        got.append((mocks.phase(), mocks.canary().status.canary_weight))
    assert got == expected


def test_scheduler_deployment_blue_green_analysis_phases():
    """TestScheduler_DeploymentBlueGreenAnalysisPhases: one iteration, then all traffic to the
    canary for one more, then promotion."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 0, "iterations": 1})
    mocks = initialized(canary)
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance()
    phases = [mocks.phase()]
    for _ in range(5):
        mocks = mocks.advance()
        phases.append(mocks.phase())
    assert phases == [PROGRESSING, PROGRESSING, PROGRESSING, PROMOTING, FINALISING, SUCCEEDED]


def test_scheduler_deployment_new_revision_reset():
    """TestScheduler_DeploymentNewRevisionReset: a second revision during the analysis routes
    everything back to the primary."""
    mocks = initialized()
    v2 = new_deployment_test_deployment(v2=True)
    mocks = mocks.apply(v2).advance().advance()
    assert mocks.routes() == (90, 10, False)
    v2["spec"]["template"]["spec"]["serviceAccountName"] = "test"
    mocks = mocks.apply(v2).advance()
    assert mocks.routes() == (100, 0, False)
    assert mocks.phase() == PROGRESSING
    assert "New revision detected! Restarting analysis for podinfo.default" in mocks.events()


def test_scheduler_deployment_promotion():
    """TestScheduler_DeploymentPromotion: a changed ConfigMap and Secret restart the analysis;
    at maxWeight the template and the configs are promoted to the primary."""
    mocks = initialized()
    assert mocks.canary().status.tracked_configs is not None
    v2 = new_deployment_test_deployment(v2=True)
    mocks = mocks.apply(v2).advance()
    mocks = mocks.apply(config_map("podinfo-config-env", {"color": "blue",
                                                          "output": "console"}))
    mocks = mocks.apply(secret("podinfo-secret-env", {"apiKey": "test2", "username": "test",
                                                      "password": "test"}))
    mocks = mocks.advance()  # detect configs changes
    assert mocks.routes() == (100, 0, False)
    weights = []
    while mocks.phase() == PROGRESSING and len(weights) < 10:
        mocks = mocks.advance()
        weights.append(mocks.canary().status.canary_weight)
    assert weights == [10, 20, 30, 40, 50, 50]  # the last tick promotes (Promoting)
    assert mocks.phase() == PROMOTING
    mocks = mocks.advance()
    assert mocks.routes() == (100, 0, False)
    primary = mocks.deployment("podinfo-primary").spec.template.spec.containers[0]
    assert primary.image == "quay.io/stefanprodan/podinfo:1.2.1"
    config = mocks.cluster.get("ConfigMap", "default", "podinfo-config-env-primary")
    assert config.extra["data"]["color"] == "blue"
    copied = mocks.cluster.get("Secret", "default", "podinfo-secret-env-primary")
    assert copied.extra["data"]["apiKey"] == "dGVzdDI="
    assert mocks.phase() == FINALISING
    mocks = mocks.advance()
    assert mocks.phase() == SUCCEEDED


def test_scheduler_deployment_mirroring():
    """TestScheduler_DeploymentMirroring: one step of mirroring before the first weight."""
    canary = new_deployment_test_canary(mirror=True)
    mocks = initialized(canary)
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance().advance()
    assert mocks.routes() == (100, 0, True)
    assert mocks.virtual_service()["http"][0]["mirror"] == {"host": "podinfo-canary"}
    mocks = mocks.advance()
    assert mocks.routes() == (90, 10, False)


def test_scheduler_deployment_ab_testing():
    """TestScheduler_DeploymentABTesting: requests with `x-user-type: test` go to the canary
    during the iterations; then promotion."""
    mocks = initialized(new_deployment_test_canary_ab())
    v2 = new_deployment_test_deployment(v2=True)
    mocks = mocks.apply(v2).advance().advance()
    assert mocks.routes() == (0, 100, False)
    http = mocks.virtual_service()["http"]
    assert http[0]["match"] == [{"headers": {"x-user-type": {"exact": "test"}}}]
    assert [d["destination"]["host"] for d in http[1]["route"]] == ["podinfo-primary"]
    mocks = mocks.advance(9)
    assert mocks.canary().status.iterations == 10
    mocks = mocks.advance()  # promote
    assert mocks.phase() == PROMOTING
    mocks = mocks.advance()  # finalising
    assert mocks.phase() == FINALISING
    primary = mocks.deployment("podinfo-primary").spec.template.spec.containers[0]
    assert primary.image == "quay.io/stefanprodan/podinfo:1.2.1"
    mocks = mocks.advance()
    assert mocks.phase() == SUCCEEDED


def test_scheduler_deployment_promotion_primary_not_ready():
    """TestScheduler_DeploymentPromotionPrimaryNotReady: the promoted primary cannot roll out
    (a node with room for two pods: the canary's and the old primary's) and passes its
    progress deadline: the healthy canary keeps its replicas and all the traffic, Failed at
    weight 100."""
    from kubefold.reducers import manager
    from tests.flagger_helpers import Mocks, apply, metrics, new_deployment_test_configs
    from tests.helpers import node
    cluster = manager.empty_cluster()
    small = node("node-1", pods="2")
    cluster = apply(cluster, small)
    for manifest in new_deployment_test_configs():
        cluster = apply(cluster, manifest)
    cluster = apply(cluster, new_deployment_test_deployment(progressDeadlineSeconds=60))
    cluster = metrics(cluster)
    cluster = apply(cluster, canary_manifest("podinfo", {"interval": "1m", "threshold": 5,
                                                         "stepWeight": 50}))
    mocks = Mocks(cluster).advance()
    mocks = mocks.apply(new_deployment_test_deployment(v2=True, progressDeadlineSeconds=60))
    mocks = mocks.advance(4)
    assert mocks.phase() == PROMOTING and mocks.routes() == (0, 100, False)
    mocks = mocks.advance()
    assert mocks.phase() == PROMOTING
    assert mocks.events()[-1] == ("podinfo-primary.default not ready: waiting for rollout to "
                                  "finish: 1 old replicas are pending termination")
    mocks = mocks.advance()
    assert mocks.phase() == FAILED
    assert mocks.canary().status.canary_weight == 100
    assert mocks.routes() == (0, 100, False)
    assert mocks.replicas("podinfo") == 1
    assert mocks.events()[-1] == (
        "Promotion of podinfo.default failed, primary not ready: podinfo-primary.default not "
        'ready: deployment "podinfo-primary" exceeded its progress deadline')


def _ports(mocks):
    """The ports Flagger asks the canary Service for (GetMetadata's discovered ports and the
    service port), as the Go test reads them back from its fake client."""
    from kubefold.reducers.flagger.canary.deployment_controller import get_metadata
    from kubefold.reducers.flagger.router import KubernetesDefaultRouter
    cd = mocks.canary()
    label, value, ports = get_metadata(mocks.cluster, cd)
    wanted = KubernetesDefaultRouter(label, value, ports).desired_ports(cd)
    return sorted(f"{p['name']} {p['port']}" for p in wanted)


@pytest.mark.parametrize("service,expected", [
    ({"portDiscovery": True}, ["http 9898", "http-metrics 8080", "tcp-podinfo-2 8888"]),
    ({"port": 80, "targetPort": 9898, "portDiscovery": True},
     ["http 80", "http-metrics 8080", "tcp-podinfo-2 8888"]),
    ({"port": 8080, "targetPort": "http", "portDiscovery": True},
     ["http 8080", "http-metrics 8080", "tcp-podinfo-2 8888"]),
], ids=["TestScheduler_DeploymentPortDiscovery", "TestScheduler_DeploymentTargetPortNumber",
        "TestScheduler_DeploymentTargetPortName"])
def test_scheduler_deployment_ports(service, expected):
    """Port discovery adds the target's other container ports to the Services. (The last
    case asks for port 8080 twice, which Go's fake client accepts; kube-apiserver's Service
    validation refuses the duplicate, so there only the ports asked for are compared.)"""
    canary = new_deployment_test_canary()
    canary["spec"]["service"].update(service)
    mocks = new_deployment_fixture(canary)
    assert _ports(mocks) == expected
    if len({p.split()[1] for p in expected}) == len(expected):
        svc = encode_object(mocks.cluster.get("Service", "default", "podinfo-canary"))
        assert sorted(f"{p['name']} {p['port']}" for p in svc["spec"]["ports"]) == expected


# -- scheduler_svc_test.go: testServicePromotion ---------------------------------------------


@pytest.mark.parametrize("analysis,primary_weights", [
    ({"stepWeight": 20, "maxWeight": 50}, [100, 80, 60, 40]),
    ({"stepWeight": 50, "maxWeight": 100}, [100, 50, 0]),
    ({"stepWeights": [1, 2, 10, 80]}, [100, 99, 98, 90, 20]),
    ({"stepWeights": [1, 2, 10, 200]}, [100, 99, 98, 90, 0]),
], ids=["TestScheduler_ServicePromotion", "TestScheduler_ServicePromotionMaxWeight",
        "TestScheduler_ServicePromotionWithWeightsHappyCase",
        "TestScheduler_ServicePromotionWithWeightsOverflow"])
def test_service_promotion(analysis, primary_weights):
    """testServicePromotion's weight sequences (on a Deployment target), then promotion."""
    body = {"interval": "1m", "threshold": 10, **analysis, "metrics": [
        {"name": "request-success-rate", "threshold": 99, "interval": "1m"},
        {"name": "request-duration", "threshold": 500000, "interval": "1m"}]}
    mocks = initialized(canary_manifest("podinfo", body))
    mocks = mocks.apply(new_deployment_test_deployment(v2=True))
    for expected in primary_weights:
        mocks = mocks.advance()
        assert mocks.routes() == (expected, 100 - expected, False)
    assert mocks.phase() == PROGRESSING
    mocks = mocks.advance()
    assert mocks.phase() == PROMOTING
    mocks = mocks.advance()
    assert mocks.routes() == (100, 0, False)
    assert mocks.phase() == FINALISING
    mocks = mocks.advance()
    assert mocks.phase() == SUCCEEDED


# -- nextStepWeight / maxWeight ---------------------------------------------------------------


def _canary(**analysis):
    return decode_object(canary_manifest("podinfo", {"interval": "1m", "threshold": 1,
                                                     **analysis}))


@pytest.mark.parametrize("analysis,weight,step", [
    ({"stepWeight": 10}, 0, 10),
    ({"stepWeight": 10}, 40, 10),
    ({"stepWeights": [1, 2, 10, 80]}, 0, 1),
    ({"stepWeights": [1, 2, 10, 80]}, 2, 8),
    ({"stepWeights": [1, 2, 10, 80]}, 80, 20),
    ({"stepWeights": [1, 2, 10, 200]}, 10, 90),
    ({"stepWeights": [1, 2, 10, 200]}, 100, 1),
    ({"stepWeights": [5, 50]}, 7, 93),
], ids=["step", "step-mid", "weights-first", "weights-next", "weights-unknown-to-max",
        "weights-overflow-capped", "weights-at-total", "weights-off-sequence"])
def test_next_step_weight(analysis, weight, step):
    """nextStepWeight."""
    assert next_step_weight(_canary(**analysis), weight) == step


@pytest.mark.parametrize("analysis,expected", [
    ({"stepWeight": 10}, 100), ({"stepWeight": 10, "maxWeight": 50}, 50),
    ({"stepWeights": [1, 2, 10, 80]}, 80), ({"stepWeights": [1, 200]}, 100),
], ids=["default", "maxWeight", "stepWeights", "stepWeights-capped"])
def test_max_weight(analysis, expected):
    """maxWeight."""
    assert max_weight(_canary(**analysis)) == expected


# -- scheduler_metrics_test.go: TestController_runMetricChecks ---------------------------------


RANGE = {"min": 0, "max": 100}


@pytest.mark.parametrize("metric,ok", [
    ({"name": "custom-vars", "templateVariables": {"first": "abc", "second": "def"},
      "templateRef": {"name": "custom-vars", "namespace": "default"}, "thresholdRange": RANGE},
     True),
    ({"name": "undefined metric", "thresholdRange": RANGE}, False),
    ({"name": "request-success-rate", "thresholdRange": RANGE}, True),
    ({"name": "undefined metric", "thresholdRange": RANGE,
      "query": '>- sum(logback_events_total{level="error", job="some-app"}) <= bool 0'}, True),
    ({"name": "custom-vars", "templateVariables": {"first": "abc", "second": "def"},
      "templateRef": {"name": "custom-vars", "namespace": "default"}, "thresholdRange": RANGE,
      "query": '>- sum(logback_events_total{level="error", job="some-app"}) <= bool 0'}, True),
    ({"name": "custom-vars", "templateRef": {"name": "missing"}, "thresholdRange": RANGE},
     False),
], ids=["customVariables", "undefined metric", "builtinMetric",
        "no metric Template is defined, but a query is specified",
        "both have metric Template and query", "kubefold: template not found"])
def test_controller_run_metric_checks(metric, ok):
    """TestController_runMetricChecks (the templated metric is named `custom-vars`: a sample
    needs a name, where Go's fixture Prometheus answers any query)."""
    mocks = new_deployment_fixture()
    mocks = mocks.event(MetricSample("custom-vars", 100, namespace="default"))
    canary = decode_object(canary_manifest("podinfo", {"interval": "1m", "threshold": 1,
                                                       "stepWeight": 10, "metrics": [metric]}))
    _, got = run_metric_checks(mocks.cluster, canary)
    assert got is ok


def test_missing_sample_is_a_failed_check():
    """No sample is Flagger's "no values found": a failed check, with Flagger's message."""
    canary = new_deployment_test_canary()
    mocks = initialized(canary)
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance().advance()
    assert mocks.canary().status.failed_checks == 0
    mocks = mocks.event(MetricSample("request-success-rate", [], namespace="default"))
    mocks = mocks.advance()
    assert mocks.canary().status.failed_checks == 1
    assert mocks.events()[-1] == (
        "Halt advancement no values found for istio metric request-success-rate probably "
        "podinfo.default is not receiving traffic: running query failed: no values found")


@pytest.mark.parametrize("sample,message", [
    (("request-success-rate", 98.5), "Halt podinfo.default advancement success rate 98.50% "
                                     "< 99%"),
    (("request-duration", 600001), "Halt podinfo.default advancement request duration "
                                   "10m0.001s > 8m20s"),
    (("custom", 150), "Halt podinfo.default advancement custom 150.00 > 100"),
], ids=["success-rate", "duration", "custom"])
def test_threshold_messages(sample, message):
    """runBuiltinMetricChecks' and runMetricChecks' messages (Go's %.2f, %v and Duration)."""
    mocks = initialized()
    mocks = mocks.apply(new_deployment_test_deployment(v2=True)).advance().advance()
    mocks = mocks.event(MetricSample(sample[0], sample[1], namespace="default")).advance()
    assert mocks.events()[-1] == message
    assert mocks.canary().status.failed_checks == 1
