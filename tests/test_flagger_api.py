"""The Canary value (core/flagger.py), its CRD validation and defaults
(reducers/apiserver/validation/flagger.py, defaults.py).

Ported: pkg/apis/flagger/v1beta1/canary_test.go TestCanary_GetDeploymentStrategy (six cases);
the CustomResourceDefinition's required fields, enums, patterns and defaults; Go's
time.ParseDuration, Duration.String and %v of a float64, which Flagger's messages use.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.events import Apply
from kubefold.core.flagger import (
    SessionAffinity,
    deployment_strategy,
    get_analysis_interval,
    get_analysis_threshold,
    get_progress_deadline_seconds,
    get_service_names,
    go_duration_string,
    go_float,
    parse_go_duration,
    skip_analysis,
)
from kubefold.reducers import manager


def canary(analysis: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "podinfo"},
                            "service": {"port": 9898}, **spec}
    if analysis is not None:
        body["analysis"] = analysis
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": "podinfo", "namespace": "default"}, "spec": body}


AB_MATCH = [{"headers": {"x-canary": {"exact": "insider"}}}]


@pytest.mark.parametrize("analysis,expected", [
    ({"maxWeight": 30, "stepWeight": 10}, "canary"),
    ({"stepWeights": [10, 20, 30]}, "canary"),
    ({"iterations": 5}, "blue-green"),
    ({"iterations": 10, "match": AB_MATCH}, "ab-testing"),
    (None, "canary"),
    ({}, "canary"),
], ids=["canary strategy with maxWeight", "canary strategy with stepWeights",
        "blue-green strategy with iterations", "ab-testing strategy with iterations and match",
        "default to canary when analysis is nil", "default to canary when analysis is empty"])
def test_canary_get_deployment_strategy(analysis, expected):
    """TestCanary_GetDeploymentStrategy."""
    assert deployment_strategy(decode_object(canary(analysis))) == expected


def test_round_trip_keeps_what_it_does_not_model():
    manifest = canary({"interval": "1m", "threshold": 5, "iterations": 3, "match": AB_MATCH,
                       "alerts": [{"name": "on-call", "providerRef": {"name": "slack"}}],
                       "metrics": [{"name": "request-success-rate",
                                    "thresholdRange": {"min": 99}, "interval": "1m"}],
                       "webhooks": [{"name": "gate", "type": "confirm-rollout",
                                     "url": "http://x/gate/check", "metadata": {"a": "b"}}]},
                      autoscalerRef={"apiVersion": "autoscaling/v2",
                                     "kind": "HorizontalPodAutoscaler", "name": "podinfo"},
                      ingressRef={"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                  "name": "podinfo"})
    manifest["status"] = {"phase": "Progressing", "failedChecks": 0, "canaryWeight": 0,
                          "iterations": 0, "trackedConfigs": {},
                          "conditions": [{"type": "Promoted", "status": "Unknown",
                                          "reason": "Progressing"}]}
    assert encode_object(decode_object(manifest)) == manifest


def test_getters_and_their_defaults():
    """GetAnalysisInterval (60 s unless set; at least 10 s; 60 s when it does not parse),
    GetAnalysisThreshold (1), GetProgressDeadlineSeconds (600), GetServiceNames,
    SkipAnalysis."""
    def of(**analysis: Any) -> Any:
        return decode_object(canary(analysis))
    assert get_analysis_interval(of()) == 60
    assert get_analysis_interval(of(interval="5s")) == 10
    assert get_analysis_interval(of(interval="1m30s")) == 90
    assert get_analysis_interval(of(interval="soon")) == 60
    assert get_analysis_threshold(of()) == 1 and get_analysis_threshold(of(threshold=3)) == 3
    assert get_progress_deadline_seconds(of()) == 600
    named = decode_object(canary({}, service={"port": 80, "name": "web"}))
    assert get_service_names(named) == ("web", "web-primary", "web-canary")
    assert skip_analysis(decode_object(canary(None))) is True
    assert skip_analysis(of(interval="1m")) is False


def test_session_affinity_build_cookie():
    """SessionAffinity.BuildCookie and GetMaxAge."""
    affinity = SessionAffinity(cookie_name="c", domain="flagger.app", http_only=True,
                               partitioned=True, path="/app", same_site="Strict", secure=True)
    assert affinity.get_max_age() == 86400
    assert affinity.build_cookie("c=abc", 300) == (
        "c=abc; Max-Age=300; Domain=flagger.app; HttpOnly; Partitioned; Path=/app; "
        "SameSite=Strict; Secure")


@pytest.mark.parametrize("text,seconds", [
    ("1m", 60), ("1m30s", 90), ("1.5h", 5400), ("300ms", 0.3), ("0", 0), ("-2s", -2),
], ids=["minute", "compound", "fraction", "millis", "zero", "negative"])
def test_parse_go_duration(text, seconds):
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text,message", [
    ("", 'time: invalid duration ""'), ("5", 'time: missing unit in duration "5"'),
    ("5d", 'time: unknown unit "d" in duration "5d"'), ("x", 'time: invalid duration "x"'),
], ids=["empty", "no unit", "unknown unit", "garbage"])
def test_parse_go_duration_errors(text, message):
    with pytest.raises(ValueError) as raised:
        parse_go_duration(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("nanoseconds,text", [
    (0, "0s"), (500_000_000, "500ms"), (1_500_000_000, "1.5s"), (90_000_000_000, "1m30s"),
    (3_600_000_000_000, "1h0m0s"), (600_001_000_000, "10m0.001s"), (1500, "1.5µs"),
], ids=["zero", "ms", "fraction", "minutes", "hour", "millis in minutes", "micros"])
def test_go_duration_string(nanoseconds, text):
    assert go_duration_string(nanoseconds) == text


@pytest.mark.parametrize("value,text", [
    (99.0, "99"), (99.5, "99.5"), (500000.0, "500000"), (1e6, "1e+06"),
    (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-3.25, "-3.25"),
], ids=["integral", "fraction", "below 1e6", "1e6", "long", "small", "tiny", "negative"])
def test_go_float(value, text):
    assert go_float(value) == text


# -- the CustomResourceDefinition --------------------------------------------------------------


def rejected(manifest: dict[str, Any]) -> str:
    outcome = manager.apply_event(manager.empty_cluster(), Apply(decode_object(manifest)))
    assert outcome.rejected is not None
    return outcome.rejected.message


@pytest.mark.parametrize("change,errors", [
    (lambda c: c["spec"].pop("analysis"), ["spec.analysis: Required value"]),
    (lambda c: c["spec"].pop("targetRef"), ["spec.targetRef: Required value"]),
    (lambda c: c["spec"]["targetRef"].pop("apiVersion"),
     ["spec.targetRef.apiVersion: Required value"]),
    (lambda c: c["spec"].update(provider="envoy"),
     ['spec.provider: Unsupported value: "envoy": supported values: "apisix", "appmesh", '
      '"appmesh:v1beta2", "contour", "gatewayapi:v1", "gatewayapi:v1beta1", "gloo", "istio", '
      '"knative", "kubernetes", "kuma", "linkerd", "nginx", "osm", "skipper", "smi:v1alpha1", '
      '"smi:v1alpha2", "smi:v1alpha3", "traefik"']),
    (lambda c: c["spec"]["service"].pop("port"), ["spec.service.port: Required value"]),
    (lambda c: c["spec"]["analysis"].update(stepWeight=10),
     ['spec.analysis: Invalid value: "object": must validate one and only one schema (oneOf). '
      "Found 2 valid alternatives"]),
    (lambda c: c["spec"]["analysis"].pop("threshold"),
     ['spec.analysis: Invalid value: "object": must validate one and only one schema (oneOf). '
      "Found none valid"]),
    (lambda c: c["spec"]["analysis"]["metrics"].append({"interval": "2h"}),
     ["spec.analysis.metrics[0].name: Required value",
      'spec.analysis.metrics[0].interval: Invalid value: "2h": '
      "spec.analysis.metrics[0].interval in body should match '^[0-9]+(m|s)'"]),
    (lambda c: c["spec"]["analysis"]["webhooks"].append({"type": "gate"}),
     ["spec.analysis.webhooks[0].name: Required value",
      "spec.analysis.webhooks[0].url: Required value",
      'spec.analysis.webhooks[0].type: Unsupported value: "gate": supported values: "", '
      '"confirm-rollout", "pre-rollout", "rollout", "confirm-promotion", "post-rollout", '
      '"event", "rollback", "confirm-traffic-increase"']),
    (lambda c: c["spec"]["analysis"].update(sessionAffinity={"sameSite": "Sometimes"}),
     ["spec.analysis.sessionAffinity.cookieName: Required value",
      'spec.analysis.sessionAffinity.sameSite: Unsupported value: "Sometimes": supported '
      'values: "Strict", "Lax", "None"']),
    (lambda c: c["metadata"].update(name="Podinfo"),
     ['metadata.name: Invalid value: "Podinfo": a lowercase RFC 1123 subdomain must consist '
      "of lower case alphanumeric characters, '-' or '.', and must start and end with an "
      "alphanumeric character (e.g. 'example.com', regex used for validation is "
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
], ids=["analysis required", "targetRef required", "targetRef.apiVersion required",
        "provider enum", "service.port required", "iterations and stepWeight", "no threshold",
        "metric name and interval", "webhook name, url and type", "session affinity",
        "name"])
def test_crd_validation(change, errors):
    """The CRD's schema, as kube-apiserver reports its violations."""
    manifest = canary({"interval": "1m", "threshold": 1, "iterations": 2, "metrics": [],
                       "webhooks": []})
    change(manifest)
    text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    assert rejected(manifest) == f'Canary.flagger.app "{manifest["metadata"]["name"]}" is ' \
                                 f"invalid: {text}"


def test_crd_defaults():
    """The schema's defaults: gatewayRefs group and kind, a mirror's backendRef group and
    kind, sessionAffinity's maxAge."""
    manifest = canary({"interval": "1m", "threshold": 1, "stepWeight": 10,
                       "sessionAffinity": {"cookieName": "c"}},
                      provider="gatewayapi:v1")
    manifest["spec"]["service"].update(gatewayRefs=[{"name": "gw"}, {"name": "podinfo",
                                                                     "kind": "Service",
                                                                     "group": ""}],
                                       mirror=[{"backendRef": {"name": "shadow",
                                                               "port": 80}}])
    cluster = manager.apply_event(manager.empty_cluster(),
                                  Apply(decode_object(manifest))).cluster
    stored = encode_object(cluster.get("Canary", "default", "podinfo"))
    service = stored["spec"]["service"]
    assert service["gatewayRefs"] == [
        {"name": "gw", "group": "gateway.networking.k8s.io", "kind": "Gateway"},
        {"name": "podinfo", "kind": "Service", "group": ""}]
    assert service["mirror"] == [{"backendRef": {"name": "shadow", "port": 80, "group": "",
                                                 "kind": "Service"}}]
    assert stored["spec"]["analysis"]["sessionAffinity"]["maxAge"] == 86400
