"""Checking a replay: every safety invariant on every state and every transition property on
every step, including the intermediate states between one controller's turn and the next.

Covered by: tests/test_properties_check.py, tests/test_cli.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.events import Settle
from kubefold.properties.convergence import converge, problems_of
from kubefold.properties.invariants import Violation, check_state
from kubefold.properties.transitions import Monitor, initial_monitor, observe
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane


@attrs.frozen
class Finding:
    """A violation, the event (1-based index and value) that led to it, and the step within it
    (`the event itself`, or the controller turn)."""

    index: int
    event: Any
    step: str
    violation: Violation

    def __str__(self) -> str:
        origin = getattr(self.event, "origin", "") or f"event {self.index}"
        return f"{origin} ({self.step}): {self.violation}"


@attrs.frozen
class CheckedReplay:
    cluster: Cluster
    outcomes: tuple[manager.Outcome, ...]
    findings: tuple[Finding, ...]


class _Checker:
    """Follows one replay: keeps the previous state and the monitor between observations."""

    def __init__(self, cluster: Cluster) -> None:
        self.previous = cluster
        self.monitor = initial_monitor(cluster)
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()
        self.index = 0
        self.event: Any = None
        self._record(cluster, "the starting state", check_state(cluster))

    @classmethod
    def resume(cls, cluster: Cluster, monitor: Monitor) -> _Checker:
        """A checker that carries on from `cluster` with `monitor`, the state not checked
        again (exhaustive mode checked it when it reached it)."""
        checker = cls.__new__(cls)
        checker.previous, checker.monitor = cluster, monitor
        checker.findings, checker.seen = [], set()
        checker.index, checker.event = 0, None
        return checker

    def _record(self, cluster: Cluster, step: str, violations: Iterable[Violation]) -> None:
        for v in violations:
            key = (v.invariant, v.message)
            if key not in self.seen:  # report a persisting violation once, where it began
                self.seen.add(key)
                self.findings.append(Finding(self.index, self.event, step, v))

    def __call__(self, cluster: Cluster, turn: manager.Turn | None) -> None:
        step = "the event itself" if turn is None else f"{turn.controller} {turn.key}"
        self.monitor, violations = observe(self.monitor, self.previous, cluster, self.event)
        state = [v for v in check_state(cluster) if not _left_behind(v, self.previous, cluster)]
        self._record(cluster, step, [*violations, *state])
        self.previous = cluster


def _left_behind(v: Violation, before: Cluster, after: Cluster) -> bool:
    """A pod on a node that no longer exists, already bound to it in the state before: its
    node was deleted under it, which Kubernetes allows (the pod GC collects such pods after its
    quarantine). What the invariant forbids is a binding to a missing node, and that shows as
    a pod not bound there before."""
    if v.invariant != "every_pod_is_on_an_existing_node":
        return False
    pod_ref = next((o for o in v.objects if o.startswith("Pod ")), None)
    if pod_ref is None:
        return False
    namespace, _, name = pod_ref[4:].partition("/")
    now, was = after.get("Pod", namespace, name), before.get("Pod", namespace, name)
    return now is not None and was is not None and bool(was.spec.node_name) \
        and was.spec.node_name == now.spec.node_name


def check_replay(cluster: Cluster, events: Iterable[Any], mode: str = "auto",
                 stop_at_first: bool = False, plane: ControlPlane | None = None,
                 prepare: Any = None, stop_unsettled: bool = False) -> CheckedReplay:
    """Replay `events`, checking every state and step; stop after the first event with a
    finding when `stop_at_first`, and after the first that reached a work bound (core/limits)
    when `stop_unsettled`."""
    checker = _Checker(cluster)
    outcomes = []
    for index, event in enumerate(events, 1):
        checker.index, checker.event = index, event
        outcome = checked_apply(checker, cluster, event, mode, plane, prepare)
        outcomes.append(outcome)
        cluster = outcome.cluster
        if stop_at_first and checker.findings or stop_unsettled and not outcome.settled:
            break
    return CheckedReplay(cluster, tuple(outcomes), tuple(checker.findings))


def checked_apply(checker: _Checker, cluster: Cluster, event: Any, mode: str = "auto",
                  plane: ControlPlane | None = None, prepare: Any = None) -> manager.Outcome:
    """One event under the checker: a `settle:` event in auto mode is time passing checked for
    convergence too; any other is applied with the checker observing every state."""
    if isinstance(event, Settle) and mode == "auto":
        return _converge(checker, cluster, event, plane)
    return manager.apply_event(cluster, event, mode, observer=checker, plane=plane,
                               prepare=prepare)


def _converge(checker: _Checker, cluster: Cluster, event: Settle,
              plane: ControlPlane | None) -> manager.Outcome:
    """A `settle:` event checked: the safety properties on the way, then convergence
    (properties/convergence.py) within the event's wakeups."""
    result = converge(cluster, event.wakeups, plane=plane, observer=checker)
    checker._record(result.cluster, "after events stopped", problems_of(result))
    return manager.Outcome(result.cluster, event)


def check_snapshot(cluster: Cluster) -> list[Violation]:
    """The safety invariants of one state."""
    return check_state(cluster)
