"""Properties of HorizontalPodAutoscalers, checked step by step on a replay.

- `hpa_rescales_stay_within_bounds`: whenever an HPA rescales its target (a status write that
  moves lastScaleTime), the count it chose (status.desiredReplicas) lies within [minReplicas,
  maxReplicas] and is what it wrote to the target's spec.replicas just before.
- `hpas_do_not_flap`: once the metrics an HPA reads have stopped changing, it never reverses
  its direction within its stabilisation window (`behavior.scaleDown.
  stabilizationWindowSeconds`, or kube-controller-manager's default of 300 s when the HPA does
  not set it): no scale down less than the window after it began scaling up, nor a scale up
  less than the window after it began scaling down. The window counts from the first rescale
  of the run the reversal ends, because that is what the controller guarantees: a scale-down
  waits until every recommendation of the last window is below the current count, and the
  recommendation behind a run of scale-ups limited to max(2 x current, 4) per sync was made
  when the run began (so Kubernetes may scale down 285 s after its last scale-up, never 285 s
  after the first). The tolerance is what keeps a steady load from moving an HPA back and
  forth: scaling changes each pod's share of the load, and without it the new share is enough
  to scale again.

When the metrics stopped changing is the caller's knowledge, not the log's: the property is
given `steady_since` (logical seconds since the clock's start), and compares only rescales made
after it. Per-pod samples legitimately keep changing when the load is steady (the same load is
shared by more or fewer pods), so "steady" is about what the world does (its total load), which
a replay alone cannot tell; that is why this is not one of the checker's transition properties.
A caller accounts for the sample lag itself: a sync reads the samples of the period before it.
The properties read a step's writes (a manager.Outcome's), so several syncs in one step (a long
`tick`) are each seen.

Models: the guarantee the documentation gives for the stabilisation window ("to limit the
flapping of replica count when the metrics used for scaling keep fluctuating",
tasks/run-application/horizontal-pod-autoscale, "Stabilization window", "Flapping"), and
minReplicas/maxReplicas as hard bounds of every rescale.
Simplifies: a rescale's direction is status.desiredReplicas against status.currentReplicas as
the HPA records them in the same status write.
Covered by: tests/test_properties_hpa.py (worlds of load-shared cpu samples; a broken
"tolerance-ignored" calculator breaks `hpas_do_not_flap`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.cluster import Change, Cluster
from kubefold.core.objects import GenericObject
from kubefold.properties.invariants import Violation

DEFAULT_DOWNSCALE_STABILIZATION = 300  # --horizontal-pod-autoscaler-downscale-stabilization


@attrs.frozen
class Rescale:
    """One rescale of an HPA's target: when, from how many, to how many."""

    at: int
    current: int
    desired: int

    @property
    def direction(self) -> int:
        return (self.desired > self.current) - (self.desired < self.current)


@attrs.frozen
class Run:
    """Consecutive rescales of one HPA in one direction: since when, and the latest."""

    direction: int
    since: int
    last: Rescale


@attrs.frozen
class HPAMonitor:
    """Each HPA's (by ns/name) current run of rescales made after the metrics became steady."""

    steady_since: int
    runs: PMap[str, Run] = attrs.field(factory=pmap)


def _key(hpa: Any) -> str:
    return f"{hpa.metadata.namespace}/{hpa.metadata.name}"


def stabilization_window(hpa: Any) -> int:
    """The scale-down stabilisation window the controller applies to this HPA."""
    behavior = hpa.spec.behavior
    down = behavior.scale_down if behavior is not None else None
    if down is not None and down.stabilization_window_seconds is not None:
        return int(down.stabilization_window_seconds)
    return DEFAULT_DOWNSCALE_STABILIZATION


def rescales(changes: Sequence[Change], clock_start: int) -> list[tuple[Any, Rescale, int]]:
    """The rescales among a step's writes: the HPA as written, what it did, and the write's
    index (every status write that moves lastScaleTime is one)."""
    out = []
    for i, change in enumerate(changes):
        if change.kind != "HorizontalPodAutoscaler" or change.new is None:
            continue
        status = change.new.status
        old = change.old.status.last_scale_time if change.old is not None else None
        if status.last_scale_time is None or status.last_scale_time == old:
            continue
        out.append((change.new, Rescale(status.last_scale_time - clock_start,
                                        status.current_replicas or 0,
                                        status.desired_replicas or 0), i))
    return out


def _spec_replicas(obj: Any) -> Any:
    if isinstance(obj, GenericObject):
        spec: Any = obj.extra.get("spec")
        return spec.get("replicas") if isinstance(spec, Mapping) else None
    return getattr(getattr(obj, "spec", None), "replicas", None)


def _target_write(changes: Sequence[Change], before: int, hpa: Any) -> Change | None:
    """The last write to the HPA's target before the HPA's own status write."""
    ref = hpa.spec.scale_target_ref
    for change in reversed(changes[:before]):
        if (change.kind, change.namespace, change.name) == (
                ref.kind, hpa.metadata.namespace, ref.name):
            return change
    return None


def hpa_rescales_stay_within_bounds(cluster: Cluster, changes: Sequence[Change]
                                    ) -> list[Violation]:
    violations = []
    for hpa, rescale, index in rescales(changes, cluster.clock_start):
        low = 1 if hpa.spec.min_replicas is None else hpa.spec.min_replicas
        high = hpa.spec.max_replicas or 0
        ref = hpa.spec.scale_target_ref
        target = _target_write(changes, index, hpa)
        written = _spec_replicas(target.new) if target is not None and target.new else None
        if not low <= rescale.desired <= high:
            violations.append(Violation(
                "hpa_rescales_stay_within_bounds",
                f"HorizontalPodAutoscaler {_key(hpa)} rescaled {ref.kind} {ref.name} to "
                f"{rescale.desired} at +{rescale.at}s, outside [{low}, {high}]",
                (f"HorizontalPodAutoscaler/{_key(hpa)}",)))
        elif written != rescale.desired:
            violations.append(Violation(
                "hpa_rescales_stay_within_bounds",
                f"HorizontalPodAutoscaler {_key(hpa)} recorded {rescale.desired} replicas at "
                f"+{rescale.at}s but wrote {written} to {ref.kind} {ref.name}'s scale",
                (f"HorizontalPodAutoscaler/{_key(hpa)}",)))
    return violations


def hpas_do_not_flap(monitor: HPAMonitor, cluster: Cluster, changes: Sequence[Change]
                     ) -> tuple[HPAMonitor, list[Violation]]:
    violations = []
    runs = monitor.runs
    for hpa, rescale, _ in rescales(changes, cluster.clock_start):
        if rescale.at <= monitor.steady_since or rescale.direction == 0:
            continue
        key = _key(hpa)
        run = runs.get(key)
        if run is not None and run.direction == rescale.direction:
            runs = runs.set(key, attrs.evolve(run, last=rescale))
            continue
        window = stabilization_window(hpa)
        if run is not None and rescale.at - run.since < window:
            first, then = ("up", "down") if run.direction > 0 else ("down", "up")
            violations.append(Violation(
                "hpas_do_not_flap",
                f"HorizontalPodAutoscaler {key} began scaling {first} at +{run.since}s "
                f"({run.last.current} -> {run.last.desired} at +{run.last.at}s) and scaled "
                f"{then} {rescale.current} -> {rescale.desired} at +{rescale.at}s, "
                f"{rescale.at - run.since}s later, within its {window}s stabilisation window, "
                f"with metrics steady since +{monitor.steady_since}s",
                (f"HorizontalPodAutoscaler/{key}",)))
        runs = runs.set(key, Run(rescale.direction, rescale.at, rescale))
    return attrs.evolve(monitor, runs=runs), violations


def step_changes(outcome: Any) -> list[Change]:
    """Every write of one engine step, in order: the controllers' turns while the clock ran to
    the event, the event's own writes, and the turns after it."""
    changes: list[Change] = []
    for turn in outcome.waited:
        changes.extend(turn.changes)
    changes.extend(outcome.changes)
    for turn in outcome.turns:
        changes.extend(turn.changes)
    return changes


def observe_hpas(monitor: HPAMonitor, outcome: Any) -> tuple[HPAMonitor, list[Violation]]:
    """Both HPA properties on one step (a manager.Outcome), and the monitor for the next."""
    changes = step_changes(outcome)
    monitor, violations = hpas_do_not_flap(monitor, outcome.cluster, changes)
    return monitor, hpa_rescales_stay_within_bounds(outcome.cluster, changes) + violations
