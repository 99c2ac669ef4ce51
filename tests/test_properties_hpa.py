"""The HPA properties (properties/autoscaling.py) on worlds of load-shared cpu samples, with the
default control plane and with the planted "tolerance-ignored" calculator.

A world is a Deployment whose pods share a total cpu load (the load changes in phases, then
holds), and an HPA on it. Every 15 s the clock advances (the syncs due run) and a `usage:`
sample gives every existing pod its share: load / pods. So the per-pod samples move whenever
the HPA rescales, while the load, what the world calls its metrics, is steady after the last
phase; a sync reads the samples of the period before it, so the property counts rescales made
after the last phase began.

The interesting loads put some count of pods a few points of utilization above the target:
the usage ratio there is within the tolerance, and Kubernetes stays; an HPA that ignores the
tolerance scales one pod further, the truncated utilization of the larger count (a whole
percentage) then asks for one pod less, and it goes back and forth. `band_worlds` draws such
loads; `worlds` draws any.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyrsistent import pmap

from kubefold.core.cluster import Change
from kubefold.core.codec import decode_log, decode_object
from kubefold.core.events import Apply, Tick, Usage
from kubefold.core.schema import freeze
from kubefold.properties.autoscaling import (
    HPAMonitor,
    Rescale,
    Run,
    hpa_rescales_stay_within_bounds,
    hpas_do_not_flap,
    observe_hpas,
    stabilization_window,
)
from kubefold.properties.invariants import Violation
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.registry import DEFAULT
from tests.planted import planted

PERIOD = 15
SELECTOR = freeze({"matchLabels": {"app": "web"}})
NODE = {"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
        "status": {"capacity": {"cpu": "64", "memory": "256Gi", "pods": "250"},
                   "allocatable": {"cpu": "64", "memory": "256Gi", "pods": "250"},
                   "conditions": [{"type": "Ready", "status": "True"}]}}


@attrs.frozen
class World:
    """A Deployment of `initial` pods requesting `request` millicores, an HPA keeping them at
    `target`% within [low, high] (with `window`: its scaleDown stabilizationWindowSeconds, or
    None for the controller's 300 s), and the total load: (until, millicores) phases, the last
    one held for `hold` seconds."""

    request: int
    target: int
    low: int
    high: int
    initial: int
    phases: tuple[tuple[int, int], ...]
    final: int
    window: int | None = None
    hold: int = 660

    @property
    def steady_since(self) -> int:
        return self.phases[-1][0] if self.phases else 0

    def load(self, t: int) -> int:
        return next((load for until, load in self.phases if t < until), self.final)

    def manifests(self) -> list[dict[str, Any]]:
        labels = {"app": "web"}
        deployment = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": self.initial, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                         {"name": "app", "image": "web:v1",
                          "resources": {"requests": {"cpu": f"{self.request}m"}}}]}}}}
        spec: dict[str, Any] = {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": self.low, "maxReplicas": self.high,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization", "averageUtilization": self.target}}}]}
        if self.window is not None:
            spec["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": self.window}}
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "web", "namespace": "default"}, "spec": spec}
        return [NODE, deployment, hpa]


def run_world(world: World, plane: ControlPlane = DEFAULT) -> list[Violation]:
    """Replay the world and return what the HPA properties found."""
    cluster = manager.empty_cluster(0, plane)
    for manifest in world.manifests():
        cluster = manager.apply_event(cluster, Apply(decode_object(manifest)), plane=plane
                                      ).cluster
    monitor = HPAMonitor(world.steady_since)
    found: list[Violation] = []

    def step(event: Any) -> None:
        nonlocal cluster, monitor
        outcome = manager.apply_event(cluster, event, plane=plane)
        assert outcome.rejected is None, outcome.rejected
        monitor, violations = observe_hpas(monitor, outcome)
        found.extend(violations)
        cluster = outcome.cluster

    for t in range(0, world.steady_since + world.hold + 1, PERIOD):
        step(Tick(0, at=t))
        pods = [p for p in cluster.list("Pod", "default") if p.metadata.deletion_timestamp is None]
        if pods:
            step(Usage("default", selector=SELECTOR, cpu=f"{world.load(t) // len(pods)}m", at=t))
    return found


REQUESTS = st.sampled_from([100, 250, 500, 1000])
TARGETS = st.sampled_from([20, 30, 50, 60, 75, 90])
WINDOWS = st.sampled_from([None, None, 60, 120])


@st.composite
def worlds(draw: Any) -> World:
    """Any world: up to two phases of any load, then a load held near some count's worth."""
    request, target = draw(REQUESTS), draw(TARGETS)
    low = draw(st.integers(1, 3))
    high = draw(st.integers(low + 2, 16))
    per_pod = request * target / 100
    phases, until = [], 0
    for _ in range(draw(st.integers(0, 2))):
        until += draw(st.sampled_from([60, 150, 300]))
        phases.append((until, draw(st.integers(int(per_pod), int(high * per_pod)))))
    count = draw(st.integers(low, high - 1))
    final = int(count * per_pod * draw(st.floats(0.88, 1.12)))
    return World(request, target, low, high, draw(st.integers(1, 8)), tuple(phases),
                 max(final, 1), draw(WINDOWS))


@st.composite
def band_worlds(draw: Any) -> World:
    """A load held from the start that puts `count` pods a few points of utilization above
    the target, within the tolerance (so Kubernetes keeps `count` once it gets there); the HPA
    starts at or below count."""
    request, target = draw(REQUESTS), draw(TARGETS)
    count = draw(st.integers(2, 12))
    low = draw(st.integers(1, count))
    above = draw(st.integers(1, max(1, target // 10)))  # percentage points, within 10%
    final = count * -(-request * (target + above) // 100)  # count pods at target + above
    return World(request, target, low, draw(st.integers(count + 1, 16)),
                 draw(st.integers(1, count)), (), final, draw(WINDOWS))


ANY_WORLD = st.one_of(worlds(), band_worlds())
SEARCH = settings(max_examples=15, derandomize=True, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])


@SEARCH
@given(ANY_WORLD)
def test_default_hpa_stays_within_bounds_and_does_not_flap(world: World) -> None:
    assert run_world(world) == []


def test_planted_tolerance_ignored_fails_the_property() -> None:
    """The same property test, with the calculator that ignores the tolerance: it finds a
    world that flaps (generation only, no shrinking: the point is that it fails)."""
    plane = planted("tolerance-ignored")

    @settings(SEARCH, max_examples=40, phases=[Phase.generate])
    @given(band_worlds())
    def flaps(world: World) -> None:
        assert run_world(world, plane) == []

    with pytest.raises(AssertionError, match="hpas_do_not_flap"):
        flaps()


KNOWN_FLAP = World(request=500, target=60, low=3, high=12, initial=4, phases=(), final=1222)


def test_tolerance_ignored_flaps_in_a_known_world() -> None:
    """1222m over 300m per pod at target: 4 pods are at 61% (ratio 1.017, within the
    tolerance), so Kubernetes stays at 4. Ignoring the tolerance scales to 5 (ceil 4.07); at 5
    pods each uses 244m, 48% (truncated), which asks for 4 once the window has passed; at 4 it
    asks for 5 again 15 s later."""
    assert run_world(KNOWN_FLAP) == []
    violations = run_world(KNOWN_FLAP, planted("tolerance-ignored"))
    assert [v.invariant for v in violations] == ["hpas_do_not_flap"] * 2
    assert violations[0].message == (
        "HorizontalPodAutoscaler default/web began scaling down at +330s (5 -> 4 at +330s) "
        "and scaled up 4 -> 5 at +345s, 15s later, within its 300s stabilisation window, "
        "with metrics steady since +0s")


def test_the_example_does_not_flap_once_its_load_holds() -> None:
    """examples/hpa.yaml: the load falls at t=420 and holds; the scale-down waits the window."""
    text = (Path(__file__).parent.parent / "examples" / "hpa.yaml").read_text()
    cluster, monitor, found = manager.empty_cluster(), HPAMonitor(420), []
    for event in decode_log(text, "examples/hpa.yaml").events:
        outcome = manager.apply_event(cluster, event)
        monitor, violations = observe_hpas(monitor, outcome)
        found += violations
        cluster = outcome.cluster
    assert found == []
    assert monitor.runs["default/web"].last == Rescale(720, 8, 2)


# -- the properties on hand-made steps -------------------------------------------------------


def hpa(min_replicas: int = 1, max_replicas: int = 10, window: int | None = None,
        last_scale: str | None = None, current: int = 2, desired: int = 2) -> Any:
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": min_replicas, "maxReplicas": max_replicas}
    if window is not None:
        spec["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": window}}
    status: dict[str, Any] = {"currentReplicas": current, "desiredReplicas": desired}
    if last_scale is not None:
        status["lastScaleTime"] = last_scale
    return decode_object({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": spec, "status": status})


def deployment(replicas: int) -> Any:
    return decode_object({"apiVersion": "apps/v1", "kind": "Deployment",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"replicas": replicas,
                                   "selector": {"matchLabels": {"app": "web"}},
                                   "template": {"metadata": {"labels": {"app": "web"}}}}})


CLUSTER = manager.empty_cluster()  # clock at 2024-01-01T00:00:00Z


def at(seconds: int) -> str:
    return f"2024-01-01T00:{seconds // 60:02d}:{seconds % 60:02d}Z"


def rescale(old: Any, new: Any, replicas: int | None = None) -> list[Change]:
    writes = []
    if replicas is not None:
        writes.append(Change("Deployment", "default", "web", deployment(old.status
                                                                         .current_replicas),
                             deployment(replicas)))
    return writes + [Change("HorizontalPodAutoscaler", "default", "web", old, new)]


def test_a_rescale_outside_min_max_is_reported() -> None:
    old = hpa(max_replicas=10)
    new = hpa(max_replicas=10, last_scale=at(30), current=8, desired=12)
    assert [str(v) for v in hpa_rescales_stay_within_bounds(CLUSTER, rescale(old, new, 12))] == [
        "hpa_rescales_stay_within_bounds: HorizontalPodAutoscaler default/web rescaled "
        "Deployment web to 12 at +30s, outside [1, 10]"]


def test_a_rescale_that_wrote_another_count_is_reported() -> None:
    old, new = hpa(), hpa(last_scale=at(30), current=2, desired=4)
    assert [str(v) for v in hpa_rescales_stay_within_bounds(CLUSTER, rescale(old, new, 3))] == [
        "hpa_rescales_stay_within_bounds: HorizontalPodAutoscaler default/web recorded 4 "
        "replicas at +30s but wrote 3 to Deployment web's scale"]
    assert hpa_rescales_stay_within_bounds(CLUSTER, rescale(old, new, 4)) == []


def test_a_status_write_without_a_new_scale_time_is_no_rescale() -> None:
    old = hpa(last_scale=at(30), current=2, desired=4)
    new = hpa(last_scale=at(30), current=4, desired=4)
    assert hpa_rescales_stay_within_bounds(CLUSTER, rescale(old, new)) == []


def flap_steps(first: tuple[int, int, int], then: tuple[int, int, int],
               window: int | None = None, steady_since: int = 0) -> list[Violation]:
    monitor = HPAMonitor(steady_since)
    before = hpa(window=window)
    found: list[Violation] = []
    for when, current, desired in (first, then):
        after = hpa(window=window, last_scale=at(when), current=current, desired=desired)
        monitor, violations = hpas_do_not_flap(monitor, CLUSTER, rescale(before, after))
        found += violations
        before = after
    return found


@pytest.mark.parametrize(("first", "then", "window", "steady", "flags"), [
    ((30, 2, 4), (300, 4, 3), None, 0, True),  # down 270 s after the up began
    ((30, 2, 4), (330, 4, 3), None, 0, False),  # a whole window later
    ((30, 4, 3), (45, 3, 4), None, 0, True),  # up 15 s after a scale-down
    ((30, 4, 3), (45, 3, 4), 0, 0, False),  # no window: nothing to hold
    ((30, 2, 4), (90, 4, 3), 60, 0, False),  # the HPA's own window
    ((30, 2, 4), (75, 4, 3), 60, 0, True),
    ((30, 2, 4), (45, 4, 3), None, 30, False),  # the up came before the metrics were steady
    ((30, 2, 4), (45, 4, 6), None, 0, False),  # the same direction
], ids=["up-down-in-window", "up-down-after-window", "down-up", "window-0", "own-window-after",
        "own-window-within", "not-steady", "same-direction"])
def test_flap_window(first: tuple[int, int, int], then: tuple[int, int, int],
                     window: int | None, steady: int, flags: bool) -> None:
    assert bool(flap_steps(first, then, window, steady)) == flags


def test_a_run_counts_from_its_first_rescale() -> None:
    """Up at 30 and 45 (one run), down at 330: 300 s after the run began, so allowed, though
    only 285 s after its last scale-up."""
    monitor = HPAMonitor(0, pmap({"default/web": Run(1, 30, Rescale(45, 4, 8))}))
    old = hpa(last_scale=at(45), current=4, desired=8)
    new = hpa(last_scale=at(330), current=8, desired=6)
    monitor, violations = hpas_do_not_flap(monitor, CLUSTER, rescale(old, new))
    assert violations == []
    assert monitor.runs["default/web"] == Run(-1, 330, Rescale(330, 8, 6))


def test_stabilization_window_defaults_to_the_controllers() -> None:
    assert stabilization_window(hpa()) == 300
    assert stabilization_window(hpa(window=45)) == 45
