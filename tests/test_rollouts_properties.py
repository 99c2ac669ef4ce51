"""The Rollout properties (properties/rollouts.py) and the explorer on a Rollout.

- Each property is shown to fail on a state (or step) built to break it, and to hold on the
  states the controller reaches.
- Random command sequences (template changes, promote, abort, time) on a canary without and
  with a Gateway API router and on a blue-green Rollout, checked at every state and step with
  `check_replay`, find nothing with the default control plane; and once the commands stop,
  every aborted Rollout ends with all its pods on the stable revision.
- The planted bug "canary-pause-skipped" (promotion before the pause ends) is found by
  `kubefold explore` on a Rollout, shrunk to one event, and its counterexample replays to the
  same violation (and is clean without the bug)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubefold.cli import main
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Rollout, Tick
from kubefold.properties import rollouts as props
from kubefold.properties.check import check_replay
from kubefold.properties.convergence import converge
from kubefold.properties.explorer import explore
from kubefold.reducers import manager
from tests.helpers import node
from tests.planted import planted
from tests.rollouts_helpers import (
    HASH_LABEL,
    World,
    bluegreen_rollout,
    canary_rollout,
    service,
)

CANARY_STEPS = [{"setWeight": 25}, {"pause": {"duration": 20}}, {"setWeight": 50},
                {"pause": {}}, {"setWeight": 75}, {"pause": {"duration": 10}}]


def _violations(found: list[Any], name: str) -> list[Any]:
    return [v for v in found if v.invariant == name]


# -- each property can fail --------------------------------------------------------------------


def _paused_canary() -> World:
    world = World()
    ro = canary_rollout("foo", replicas=4, steps=CANARY_STEPS)
    world.apply(ro)
    world.tick(5)
    ro["spec"]["template"]["spec"]["containers"][0]["image"] = "app:v2"
    world.apply(ro)
    world.tick(5)
    assert world.status().current_step_index == 1
    return world


def test_pause_property_fails_when_a_pause_is_cut_short() -> None:
    world = _paused_canary()
    before = world.cluster
    ro = world.ro()
    skipped = attrs.evolve(ro, status=attrs.evolve(ro.status, current_step_index=2,
                                                   pause_conditions=ro.status.pause_conditions
                                                   .delete(0)))
    after = before.put(skipped)
    found = list(props.canary_pauses_last_their_duration(before, after, Tick(0)))
    assert [v.message for v in found] == [
        "rollout default/foo moved past its pause of 20s (step 1) 5s after it began"]


def test_pause_property_holds_when_the_pause_ends() -> None:
    world = _paused_canary()
    found = []
    before = world.cluster
    for _ in range(20):
        world.tick(1)
        found += props.canary_pauses_last_their_duration(before, world.cluster, Tick(1))
        before = world.cluster
    assert world.status().current_step_index == 3
    assert found == []


def test_weight_property_fails_on_an_oversized_canary() -> None:
    world = _paused_canary()
    status = world.status()
    rs = world.rs(status.current_pod_hash)
    assert rs.spec.replicas == 1  # ceil(4 x 25 / 100)
    bigger = attrs.evolve(rs, spec=attrs.evolve(rs.spec, replicas=2))
    grown = world.cluster.put(bigger)
    found = list(props.canaries_stay_within_their_step_weight(world.cluster, grown))
    assert [v.message for v in found] == [
        f"rollout default/foo's canary ReplicaSet {rs.metadata.name} asks for 2 of 4 pods at "
        "step 1, whose weight 25 allows 1"]
    assert list(props.canaries_stay_within_their_step_weight(grown, grown)) == []  # shrinking
    assert list(props.canaries_stay_within_their_step_weight(world.cluster,
                                                             world.cluster)) == []


def test_active_switch_property_fails_on_an_unavailable_replica_set() -> None:
    world = World()
    ro = bluegreen_rollout("foo", replicas=2, autoPromotionEnabled=False)
    world.apply(service("active"), service("preview"), ro)
    world.tick(5)
    ro["spec"]["template"]["spec"]["containers"][0]["image"] = "app:v2"
    world.apply(ro)
    world.tick(5)
    before = world.cluster
    new = world.rs(world.status().current_pod_hash)
    unready = attrs.evolve(new, status=attrs.evolve(new.status, available_replicas=1))
    svc = before.get("Service", "default", "active")
    switched = attrs.evolve(svc, spec=attrs.evolve(svc.spec, selector=svc.spec.selector.set(
        HASH_LABEL, world.status().current_pod_hash)))
    after = before.put(unready).put(switched)
    found = list(props.active_service_switches_only_to_available(before, after))
    assert len(found) == 1 and "which has 1 of 2 pods available" in found[0].message
    world.rollout("promote")
    world.tick(2)
    assert list(props.active_service_switches_only_to_available(before, world.cluster)) == []


def test_aborted_property_fails_while_canary_pods_run() -> None:
    world = _paused_canary()
    ro = world.ro()
    aborted = attrs.evolve(ro, status=attrs.evolve(ro.status, abort=True))
    found = list(props.aborted_rollouts_end_on_stable(world.cluster.put(aborted)))
    assert len(found) == 1
    assert found[0].message.startswith("aborted rollout default/foo still runs pods of ")
    world.rollout("abort")
    world.tick(60)
    assert list(props.aborted_rollouts_end_on_stable(world.cluster)) == []


# -- random sequences with the default control plane -------------------------------------------

ROUTE = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
         "metadata": {"name": "route", "namespace": "default"},
         "spec": {"rules": [{"backendRefs": [{"name": "stable", "port": 80, "weight": 100},
                                             {"name": "canary", "port": 80, "weight": 0}]}]}}


def _scenarios() -> dict[str, list[dict[str, Any]]]:
    basic = canary_rollout("foo", replicas=4, steps=CANARY_STEPS)
    routed = canary_rollout("foo", replicas=4, steps=CANARY_STEPS, stableService="stable",
                            canaryService="canary", trafficRouting={"plugins": {
                                "argoproj-labs/gatewayAPI": {"httpRoute": "route"}}})
    blue_green = bluegreen_rollout("foo", replicas=2, autoPromotionEnabled=False)
    return {"basic canary": [basic],
            "routed canary": [service("stable"), service("canary"), ROUTE, routed],
            "blue-green": [service("active"), service("preview"), blue_green]}


SCENARIOS = _scenarios()
commands = st.lists(st.one_of(
    st.builds(lambda i, ready: ("image", i, ready), st.integers(1, 3), st.sampled_from([0, 5])),
    st.sampled_from([("promote",), ("abort",), ("retry",)]),
    st.builds(lambda s: ("tick", s), st.sampled_from([1, 5, 10, 30]))), min_size=1, max_size=8)


def _events(manifests: list[dict[str, Any]], sequence: list[tuple[Any, ...]]) -> list[Any]:
    ro = manifests[-1]
    events: list[Any] = []
    for command in sequence:
        if command[0] == "image":
            m = copy.deepcopy(ro)
            container = m["spec"]["template"]["spec"]["containers"][0]
            container["image"] = f"app:v{command[1] + 1}"
            if command[2]:  # pods ready only `command[2]` seconds after they start
                container["readinessProbe"] = {"tcpSocket": {"port": 80},
                                               "initialDelaySeconds": command[2],
                                               "periodSeconds": 1}
            events.append(Apply(decode_object(m)))
        elif command[0] == "tick":
            events.append(Tick(command[1]))
        else:
            events.append(Rollout(command[0], "Rollout", "foo", "default"))
    return events


def _start(manifests: list[dict[str, Any]]) -> Any:
    cluster = manager.empty_cluster()
    setup = [Apply(decode_object(node(f"node-{i}"))) for i in range(2)]
    setup += [Apply(decode_object(copy.deepcopy(m))) for m in manifests] + [Tick(10)]
    return manager.replay(cluster, setup)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sequence=commands)
def test_properties_hold_on_random_commands(scenario: str, sequence: list[tuple[Any, ...]]
                                            ) -> None:
    manifests = SCENARIOS[scenario]
    start = _start(manifests)
    checked = check_replay(start, _events(manifests, sequence))
    assert [str(f) for f in checked.findings] == []
    settled = converge(checked.cluster)
    assert settled.settled
    assert list(props.aborted_rollouts_end_on_stable(settled.cluster)) == []


def test_planted_unready_switch_breaks_the_active_service_property() -> None:
    """A blue-green promoted before its new pods are ready (a readiness delay of 5 s): the
    planted "bluegreen-switch-unready" controller pauses at once and the promote switches the
    active Service to pods not yet available, which `active_service_switches_only_to_available`
    reports; the real one pauses only once they are ready."""
    manifests = SCENARIOS["blue-green"]
    events = _events(manifests, [("image", 1, 5), ("promote",), ("tick", 10)])
    bug = planted("bluegreen-switch-unready")
    checked = check_replay(_start(manifests), events, plane=bug)
    assert {f.violation.invariant for f in checked.findings} == \
        {"active_service_switches_only_to_available"}
    checked = check_replay(_start(manifests), events)
    assert checked.findings == ()
    status = checked.cluster.get("Rollout", "default", "foo").status
    # The promote came before the pause (pods not ready yet): the real controller pauses
    # once they are, and waits for the next promote with the active Service on the old pods.
    assert (status.phase, status.message) == ("Paused", "BlueGreenPause")
    active = checked.cluster.get("Service", "default", "active")
    assert active.spec.selector[HASH_LABEL] == status.stable_rs != status.current_pod_hash


# -- the planted bug ---------------------------------------------------------------------------


def _explore_scope() -> list[dict[str, Any]]:
    return [node("node-1"), node("node-2"),
            canary_rollout("web", replicas=4, steps=[{"setWeight": 50},
                                                     {"pause": {"duration": 30}},
                                                     {"setWeight": 100}])]


def test_explore_finds_and_shrinks_the_planted_pause_bug() -> None:
    result = explore(_explore_scope(), budget=30, seed=0, plane=planted("canary-pause-skipped"))
    cx = result.counterexample
    assert cx is not None
    assert len(cx.events) == 1 and isinstance(cx.events[0], Apply)
    assert {f.violation.invariant for f in cx.findings} == {"canary_pauses_last_their_duration"}
    assert explore(_explore_scope(), budget=30, seed=0).counterexample is None


def test_cli_explore_on_a_rollout_writes_a_replayable_counterexample(tmp_path: Path,
                                                                     capsys: Any) -> None:
    bug = planted("canary-pause-skipped")
    manifests = tmp_path / "web.yaml"
    manifests.write_text(yaml.safe_dump_all(_explore_scope()))
    out = tmp_path / "cx.yaml"
    assert main(["explore", str(manifests), "--out", str(out), "--budget", "30",
                 "--max-events", "6"], plane=bug) == 1
    assert "canary_pauses_last_their_duration" in capsys.readouterr().out
    assert main(["replay", "--check", "--quiet", str(out)], plane=bug) == 1
    assert "canary_pauses_last_their_duration" in capsys.readouterr().out
    assert main(["replay", "--check", "--quiet", str(out)]) == 0
