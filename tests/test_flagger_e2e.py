"""Flagger's Canary end to end, through the DESIGN contract only: `apply:` of manifests,
`metric:` samples, `tick:`, `rollout: {action: promote|abort, kind: Canary}`, `kubefold
replay` of the examples, the dump, and (when `kubefold.route` is there) where requests go.

Covered here: the analysis schedule (at creation, then every interval; a changed interval
restarts it), the gates (confirm-rollout, confirm-traffic-increase, confirm-promotion; the
loadtester's /gate/approve and /gate/halt; promote refused with nothing waiting), abort (with
and without a rollback webhook; refused outside an analysis), the Gateway API provider over a
mesh Service binding, the kubernetes provider's Blue/Green, progressDeadlineSeconds, a deleted
Canary's objects collected, the CRD's validation messages, and the two properties with their
planted bugs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kubefold
from kubefold.core.codec import decode_log, decode_object, dump_snapshot, load_snapshot
from kubefold.core.events import Apply, Delete, Rollout, Tick
from kubefold.core.flagger import (
    FAILED,
    FINALISING,
    INITIALIZED,
    INITIALIZING,
    PROGRESSING,
    PROMOTING,
    SUCCEEDED,
    WAITING,
    WAITING_PROMOTION,
)
from kubefold.core.schema import thaw
from kubefold.io import load_events
from kubefold.properties.flagger import INVARIANTS
from kubefold.reducers import manager
from kubefold.reducers.flagger import controller as flagger_controller
from tests.flagger_helpers import (
    Mocks,
    canary_manifest,
    new_deployment_fixture,
    new_deployment_test_deployment,
)
from tests.planted import planted

EXAMPLES = Path(__file__).parent.parent / "examples"
COOKIE = EXAMPLES / "flagger-ab-cookie.yaml"
HEADER = EXAMPLES / "flagger-ab-header-rollback.yaml"
needs_route = pytest.mark.skipif(not hasattr(kubefold, "route"),
                                 reason="kubefold.route (issue 15) is not in this tree yet")


def replay(path: Path, plane: Any = None, until: int | None = None) -> list[Any]:
    """Every state the replay passes through (after each event and each reconcile turn), up
    to `until` seconds when given."""
    states: list[Any] = []
    cluster = manager.empty_cluster(plane=plane)
    events = list(load_events(path))
    if until is not None:
        events = [e for e in events if (e.at or 0) <= until] + [Tick(0, at=until)]
    for event in events:
        outcome = manager.apply_event(cluster, event, plane=plane,
                                      observer=lambda c, _turn: states.append(c))
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
        states.append(cluster)
    return states


def violations(states: list[Any]) -> list[str]:
    return sorted({str(v) for s in states for inv in INVARIANTS for v in inv(s)})


def phases_by_minute(states: list[Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    for s in states:
        cd = s.get("Canary", "default", "podinfo")
        if cd is not None and cd.status.phase:
            out[s.elapsed // 60] = cd.status.phase
    return out


# -- the examples ------------------------------------------------------------------------------


def test_ab_cookie_example_succeeds_after_its_iterations():
    """examples/flagger-ab-cookie.yaml: Initialized at 1 min, Progressing at 2, five
    iterations, Promoting, Finalising, Succeeded at 10; the primary runs 6.0.1, the canary
    is at zero."""
    states = replay(COOKIE)
    final = states[-1]
    assert phases_by_minute(states) == {0: INITIALIZING, 1: INITIALIZED, 2: PROGRESSING,
                                        3: PROGRESSING, 4: PROGRESSING, 5: PROGRESSING,
                                        6: PROGRESSING, 7: PROGRESSING, 8: PROMOTING,
                                        9: FINALISING, 10: SUCCEEDED}
    iterations = {s.elapsed // 60: s.get("Canary", "default", "podinfo").status.iterations
                  for s in states if s.get("Canary", "default", "podinfo") is not None}
    assert [iterations[m] for m in range(3, 8)] == [1, 2, 3, 4, 5]
    primary = final.get("Deployment", "default", "podinfo-primary")
    assert primary.spec.template.spec.containers[0].image == \
        "ghcr.io/stefanprodan/podinfo:6.0.1"
    assert final.get("Deployment", "default", "podinfo").spec.replicas == 0
    assert violations(states) == []


def test_ab_header_example_fails_on_success_rate_and_rolls_back():
    """examples/flagger-ab-header-rollback.yaml: two failed checks (at 4 and 5 min), the
    rollback at 6: all traffic to the primary (still 6.0.0), the canary at zero."""
    states = replay(HEADER)
    final = states[-1]
    cd = final.get("Canary", "default", "podinfo")
    assert cd.status.phase == FAILED
    assert phases_by_minute(states)[5] == PROGRESSING and phases_by_minute(states)[6] == FAILED
    http = thaw(final.get("VirtualService", "default", "podinfo").extra["spec"])["http"]
    assert [(d["destination"]["host"], d["weight"]) for d in http[0]["route"]] == [
        ("podinfo-primary", 100), ("podinfo-canary", 0)]
    assert final.get("Deployment", "default", "podinfo").spec.replicas == 0
    primary = final.get("Deployment", "default", "podinfo-primary")
    assert primary.spec.template.spec.containers[0].image == \
        "ghcr.io/stefanprodan/podinfo:6.0.0"
    messages = [e.message for e in kubefold.reducers.flagger.canary_events(
        final, "default", "podinfo")]
    assert "Halt podinfo.default advancement success rate 95.00% < 99%" in messages
    assert "Rolling back podinfo.default failed checks threshold reached 2" in messages
    assert violations(states) == []


@pytest.mark.parametrize("bug,example,invariant", [
    ("flagger-ab-match-dropped", COOKIE, "ab_tests_send_only_matching_requests_to_the_canary"),
    ("flagger-rollback-keeps-canary", HEADER,
     "failed_analyses_leave_all_traffic_on_the_primary"),
], ids=["ab-match-dropped", "rollback-keeps-canary"])
def test_planted_bugs_break_the_properties(bug, example, invariant):
    """Each planted bug breaks its property on the example that exercises it."""
    found = violations(replay(example, plane=planted(bug)))
    assert found and all(v.startswith(invariant) for v in found), found


def test_examples_replay_from_the_command_line(tmp_path):
    """`kubefold replay EXAMPLE --dump`: the dump holds the Canary's status; loading and
    dumping it again gives the same text."""
    from kubefold.cli import main

    dump = tmp_path / "state.yaml"
    assert main(["replay", str(COOKIE), "--dump", str(dump), "--quiet", "--strict"]) == 0
    cluster = load_snapshot(dump.read_text(), str(dump)).objects
    objects = {(o.kind, o.metadata.name) for o in cluster}
    assert {("Canary", "podinfo"), ("Deployment", "podinfo-primary"),
            ("Service", "podinfo-canary"), ("VirtualService", "podinfo"),
            ("DestinationRule", "podinfo-primary")} <= objects
    canary = next(o for o in cluster if o.kind == "Canary")
    assert canary.status.phase == SUCCEEDED
    assert canary.status.last_promoted_spec == canary.status.last_applied_spec
    assert dump_snapshot(cluster) == dump.read_text()


# -- the schedule ------------------------------------------------------------------------------


def test_analysis_runs_at_creation_then_every_interval():
    """A Canary is analysed when created, then every interval from then; writes in between
    wake nothing; a new interval restarts the job."""
    canary = canary_manifest("podinfo", {"interval": "2m", "threshold": 1, "stepWeight": 10})
    mocks = new_deployment_fixture(canary)
    assert mocks.phase() == INITIALIZING
    mocks = mocks.event(Tick(119))
    assert mocks.phase() == INITIALIZING
    mocks = mocks.event(Tick(1))
    assert mocks.phase() == INITIALIZED
    assert flagger_controller.analysis_due(mocks.cluster, mocks.canary()) == \
        mocks.cluster.now + 120
    mocks = mocks.apply(new_deployment_test_deployment(v2=True))
    assert mocks.phase() == INITIALIZED  # acted on at the next tick only
    mocks = mocks.event(Tick(60))
    assert mocks.phase() == INITIALIZED
    canary["spec"]["analysis"]["interval"] = "30s"
    mocks = mocks.apply(canary)  # a new job: analysed now
    assert mocks.phase() == PROGRESSING
    assert flagger_controller.analysis_due(mocks.cluster, mocks.canary()) == \
        mocks.cluster.now + 30


# -- gates -------------------------------------------------------------------------------------


def gated(hook_type: str, url: str = "http://flagger-loadtester.test/gate/check",
          **analysis: Any) -> dict[str, Any]:
    body = {"interval": "1m", "threshold": 5, "stepWeight": 25, "maxWeight": 50,
            "metrics": [{"name": "request-success-rate", "thresholdRange": {"min": 99}}],
            "webhooks": [{"name": "gate", "type": hook_type, "url": url}], **analysis}
    return canary_manifest("podinfo", body)


def started(canary: dict[str, Any]) -> Mocks:
    mocks = new_deployment_fixture(canary).advance()
    assert mocks.phase() == INITIALIZED
    return mocks.apply(new_deployment_test_deployment(v2=True)).advance()


def test_confirm_rollout_waits_for_promote():
    """confirm-rollout: Waiting (the canary not scaled up) until a promote; promote is refused
    when no gate waits."""
    mocks = started(gated("confirm-rollout"))
    assert mocks.phase() == WAITING
    assert mocks.replicas("podinfo") == 0
    mocks = mocks.advance()
    assert mocks.phase() == WAITING
    assert "Halt podinfo.default advancement waiting for approval gate" in mocks.events()
    mocks = mocks.promote().advance()
    assert mocks.phase() == PROGRESSING
    assert mocks.replicas("podinfo") == 1
    assert "Confirm-rollout check gate passed" in mocks.events()
    outcome = manager.apply_event(mocks.cluster, Rollout("promote", "Canary", "podinfo",
                                                         "default"))
    assert outcome.rejected is not None
    assert outcome.rejected.message == ("canary default/podinfo has no gate waiting for "
                                        "approval (phase Progressing)")


def test_confirm_traffic_increase_holds_each_step():
    """confirm-traffic-increase: each weight step waits for its own promote."""
    mocks = started(gated("confirm-traffic-increase"))
    mocks = mocks.advance()
    assert mocks.routes() == (100, 0, False)
    assert mocks.events()[-1] == ("Halt podinfo.default advancement waiting for traffic "
                                  "increase approval gate")
    mocks = mocks.promote().advance()
    assert mocks.routes() == (75, 25, False)
    mocks = mocks.advance()
    assert mocks.routes() == (75, 25, False)
    mocks = mocks.promote().advance()
    assert mocks.routes() == (50, 50, False)


def test_confirm_promotion_waits_at_max_weight():
    """confirm-promotion: WaitingPromotion at maxWeight (status weight 0 as Flagger's
    SetStatusPhase writes it, the routes kept) until a promote."""
    mocks = started(gated("confirm-promotion"))
    mocks = mocks.advance(3)
    assert mocks.phase() == WAITING_PROMOTION
    assert mocks.canary().status.canary_weight == 0
    assert mocks.routes() == (50, 50, False)
    mocks = mocks.advance()
    assert mocks.phase() == WAITING_PROMOTION
    mocks = mocks.promote().advance()
    assert mocks.phase() == PROMOTING


@pytest.mark.parametrize("url,phase", [
    ("http://flagger-loadtester.test/gate/approve", PROGRESSING),
    ("http://flagger-loadtester.test/gate/halt", WAITING),
], ids=["approve", "halt"])
def test_loadtester_fixed_gates(url, phase):
    """/gate/approve always opens, /gate/halt never does."""
    mocks = started(gated("confirm-rollout", url)).advance()
    assert mocks.phase() == phase


# -- abort -------------------------------------------------------------------------------------


@pytest.mark.parametrize("webhooks", [
    [], [{"name": "rollback", "type": "rollback",
          "url": "http://flagger-loadtester.test/rollback/check"}]
], ids=["no rollback webhook", "rollback webhook"])
def test_abort_rolls_back_at_the_next_tick(webhooks):
    """abort: at the next analysis tick, all traffic to the primary, the canary at zero,
    Failed."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 5, "stepWeight": 25,
                                         "webhooks": webhooks})
    mocks = started(canary).advance()
    assert mocks.routes() == (75, 25, False)
    mocks = mocks.abort()
    assert mocks.phase() == PROGRESSING  # nothing happens before the tick
    mocks = mocks.advance()
    assert mocks.phase() == FAILED
    assert mocks.routes() == (100, 0, False)
    assert mocks.replicas("podinfo") == 0
    assert "Rolling back podinfo.default manual webhook invoked" in mocks.events()


def test_abort_outside_an_analysis_is_refused():
    mocks = new_deployment_fixture().advance()
    outcome = manager.apply_event(mocks.cluster, Rollout("abort", "Canary", "podinfo",
                                                         "default"))
    assert outcome.rejected is not None
    assert outcome.rejected.message == ("canary default/podinfo is not being analysed (phase "
                                        "Initialized): there is nothing to abort")
    missing = manager.apply_event(mocks.cluster, Rollout("promote", "Canary", "nope",
                                                         "default"))
    assert missing.rejected.message == 'canaries.flagger.app "nope" not found'
    retry = manager.apply_event(mocks.cluster, Rollout("retry", "Canary", "podinfo", "default"))
    assert retry.rejected.message == ('unknown action "retry" for kind Canary: expected one '
                                      "of promote, abort")
    deployment = manager.apply_event(mocks.cluster, Rollout("promote", "Deployment",
                                                            "podinfo", "default"))
    assert deployment.rejected is not None


def test_rollout_events_read_from_a_log():
    """`rollout: {action: promote, kind: Canary, ...}` in an event log."""
    events = load_events_text("rollout: {action: promote, kind: Canary, namespace: default, "
                              "name: podinfo}\n---\nrollout: {action: abort, kind: Canary, "
                              "name: podinfo}\n")
    assert events == [Rollout("promote", "Canary", "podinfo", "default"),
                      Rollout("abort", "Canary", "podinfo")]


def load_events_text(text: str) -> list[Any]:
    return list(decode_log(text, "log.yaml").events)


# -- providers ---------------------------------------------------------------------------------


def test_gateway_api_provider_over_a_mesh_service():
    """provider gatewayapi:v1: the HTTPRoute bound to the apex Service (GAMMA) carries the
    weights."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 5, "stepWeight": 20,
                                         "maxWeight": 40},
                             gatewayRefs=[{"name": "podinfo", "kind": "Service", "group": "",
                                           "port": 9898}])
    canary["spec"]["provider"] = "gatewayapi:v1"
    mocks = started(canary).advance()
    route = mocks.cluster.get("HTTPRoute", "default", "podinfo")
    spec = thaw(route.extra["spec"])
    assert spec["parentRefs"] == [{"group": "", "kind": "Service", "name": "podinfo",
                                   "port": 9898}]
    assert [(b["name"], b["weight"]) for b in spec["rules"][0]["backendRefs"]] == [
        ("podinfo-primary", 80), ("podinfo-canary", 20)]
    assert mocks.cluster.get("VirtualService", "default", "podinfo") is None
    mocks = mocks.advance(4)
    assert mocks.phase() == SUCCEEDED


def test_kubernetes_provider_runs_blue_green():
    """provider kubernetes: no weights; without iterations Flagger runs 10 (then one more,
    runBlueGreen's "route all traffic to canary" step, which the kubernetes provider only
    counts)."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 5, "stepWeight": 20})
    canary["spec"]["provider"] = "kubernetes"
    mocks = started(canary)
    iterations = []
    for _ in range(12):
        mocks = mocks.advance()
        iterations.append(mocks.canary().status.iterations)
    assert iterations == [*range(1, 12), 11]
    assert mocks.phase() == PROMOTING
    assert "Setting canaryAnalysis.iterations: 10" in mocks.events()
    mocks = mocks.advance(2)
    assert mocks.phase() == SUCCEEDED


def test_progress_deadline_rolls_back_a_canary_that_never_starts():
    """A canary Deployment that cannot schedule its pods stays unavailable past the
    Canary's progressDeadlineSeconds (60 s): not retriable, rollback."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 5, "stepWeight": 20})
    canary["spec"]["progressDeadlineSeconds"] = 60
    mocks = new_deployment_fixture(canary).advance()
    hungry = new_deployment_test_deployment(v2=True, progressDeadlineSeconds=60)
    hungry["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "64"}}
    mocks = mocks.apply(hungry).advance()
    assert mocks.phase() == PROGRESSING
    phases = []
    for _ in range(4):
        mocks = mocks.advance()
        phases.append(mocks.phase())
    assert phases == [PROGRESSING, FAILED, FAILED, FAILED]
    assert ("canary deployment podinfo.default not ready: waiting for rollout to finish: 0 "
            "of 1 (readyThreshold 100%) updated replicas are available") in mocks.events()
    assert "Canary failed! Scaling down podinfo.default" in mocks.events()
    assert mocks.replicas("podinfo") == 0


def test_deleted_canary_takes_its_objects():
    """The primary, the Services and the routes the Canary controls are collected with it;
    its memory goes too."""
    mocks = new_deployment_fixture().advance()
    mocks = mocks.event(Delete("Canary", "podinfo", "default"))
    for kind, name in (("Deployment", "podinfo-primary"), ("Service", "podinfo-canary"),
                       ("Service", "podinfo-primary"), ("VirtualService", "podinfo"),
                       ("DestinationRule", "podinfo-canary")):
        assert mocks.cluster.get(kind, "default", name) is None, (kind, name)
    assert mocks.cluster.get("Deployment", "default", "podinfo") is not None
    assert mocks.cluster.recall("flagger", "default/podinfo") is None


def test_an_invalid_canary_is_rejected_with_the_crd_messages():
    cluster = new_deployment_fixture().cluster
    bad = canary_manifest("web", {"interval": "1h", "threshold": 1})
    bad["spec"]["targetRef"]["kind"] = "StatefulSet"
    outcome = manager.apply_event(cluster, Apply(decode_object(bad)))
    assert outcome.rejected is not None
    assert outcome.rejected.message == (
        'Canary.flagger.app "web" is invalid: [spec.targetRef.kind: Unsupported value: '
        '"StatefulSet": supported values: "DaemonSet", "Deployment", "Service", '
        'spec.analysis: Invalid value: "object": must validate one and only one schema '
        "(oneOf). Found none valid, spec.analysis.interval: Invalid value: \"1h\": "
        "spec.analysis.interval in body should match '^[0-9]+(m|s)']")
    assert outcome.cluster.get("Canary", "default", "web") is None


# -- routes (kubefold route, issue 15) ---------------------------------------------------------


def _shares(cluster: Any, **request: Any) -> dict[str, float]:
    answer = kubefold.route(cluster, {"to": "default/podinfo", **request})
    out: dict[str, float] = {}
    for share in answer.to_json():
        pod = cluster.get("Pod", "default", share["pod"].split("/")[1])
        app = pod.metadata.labels["app"]
        out[app] = out.get(app, 0) + share["share"]
    return {k: round(v, 6) for k, v in out.items()}


@needs_route
def test_route_ab_header_sends_insiders_to_the_canary():
    """During the header example's analysis: `x-canary: insider` reaches the canary's pods,
    a request without it the primary's."""
    states = replay(HEADER, until=200)
    cluster = states[-1]
    assert _shares(cluster, headers={"x-canary": "insider"}) == {"podinfo": 1.0}
    assert _shares(cluster) == {"podinfo-primary": 1.0}
    final = replay(HEADER)[-1]
    assert _shares(final, headers={"x-canary": "insider"}) == {"podinfo-primary": 1.0}


@needs_route
def test_route_ab_cookie():
    """The cookie example: `canary=always` in the Cookie header reaches the canary. (Flagger's
    documented regex, `^(.*?;)?(canary=always)(;.*)?$`, wants the cookie first or right after
    a `;`: `session=x; canary=always`, with its space, does not match, in RE2 as here.)"""
    cluster = replay(COOKIE, until=300)[-1]
    assert _shares(cluster, cookies={"canary": "always"}) == {"podinfo": 1.0}
    assert _shares(cluster, cookies={"canary": "always", "session": "x"}) == {"podinfo": 1.0}
    assert _shares(cluster, cookies={"session": "x", "canary": "always"}) == \
        {"podinfo-primary": 1.0}
    assert _shares(cluster, cookies={"canary": "never"}) == {"podinfo-primary": 1.0}


@needs_route
def test_route_weighted_canary_splits_by_weight():
    """A progressive canary at weight 25 sends a quarter of the requests to its pods."""
    canary = canary_manifest("podinfo", {"interval": "1m", "threshold": 5, "stepWeight": 25})
    mocks = started(canary).advance()
    assert mocks.routes() == (75, 25, False)
    assert _shares(mocks.cluster) == {"podinfo": 0.25, "podinfo-primary": 0.75}
