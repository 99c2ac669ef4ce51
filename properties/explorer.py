"""The explorer: searches event sequences against the user's manifests for a violation of the
safety invariants, the transition properties or convergence, and shrinks what it finds.

`explore(manifests, ...)` sets the cluster up (the manifests applied in auto mode, then time
until nothing is due), draws action sequences (`strategies/events.py`), resolves each action
into a concrete event against the state it applies to, checks every intermediate state and step
(`properties/check.py`), and, when events stop, convergence. Hypothesis drives the search and
shrinks a failing sequence; the counterexample is the setup and the concrete events, a
self-contained event log that `kubefold replay --check` reproduces.

`explore_exhaustive(manifests, depth)` enumerates, as a model checker does, every
interleaving of queued reconciles and of a finite set of allowed actions up to `depth` steps
(manual mode), deduplicating states by a fingerprint of their objects, and returns the
shortest counterexample found (breadth first).

Covered by: tests/test_explorer.py.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import HypothesisException

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import (
    Apply,
    Event,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
)
from kubefold.core.schema import freeze, thaw
from kubefold.properties.check import Finding, _Checker
from kubefold.properties.convergence import _fingerprint, converge
from kubefold.properties.invariants import Violation
from kubefold.reducers import manager
from kubefold.strategies.events import (
    READY_DELAYS,
    Action,
    ChangeTemplate,
    CrashPod,
    FailProbe,
    NodeDown,
    NodeUp,
    RolloutAction,
    ScaleTo,
    Wait,
    action_sequences,
)
from kubefold.strategies.objects import IMAGES


@attrs.frozen
class Counterexample:
    setup: tuple[Event, ...]
    events: tuple[Event, ...]
    findings: tuple[Finding, ...]

    @property
    def log(self) -> tuple[Event, ...]:
        return self.setup + self.events


@attrs.frozen
class Exploration:
    examples: int
    counterexample: Counterexample | None
    states: int = 0
    distinct_states: int = 0


# -- setting up and resolving ------------------------------------------------------------------


def setup_events(manifests: Sequence[dict[str, Any]]) -> tuple[Event, ...]:
    return tuple(Apply(decode_object(m)) for m in manifests)


def set_up(manifests: Sequence[dict[str, Any]], seed: int = 0) -> tuple[Cluster, tuple[Event,
                                                                                       ...]]:
    """The cluster after applying the manifests and letting due work happen; and the events
    that build it (the applies and one tick to the settled time)."""
    events = setup_events(manifests)
    cluster = manager.replay(manager.empty_cluster(seed), events)
    settled = converge(cluster).cluster
    wait = Tick(settled.now - cluster.now)
    return manager.step(cluster, wait), (*events, wait)


def _deployment_manifest(manifests: Sequence[dict[str, Any]], name: str) -> dict[str, Any]:
    for m in manifests:
        if m.get("kind") == "Deployment" and m["metadata"]["name"] == name:
            return m
    raise KeyError(name)


def _with_template(manifest: dict[str, Any], image: int, ready_after: int) -> dict[str, Any]:
    m = thaw(freeze(manifest))
    container = m["spec"]["template"]["spec"]["containers"][0]
    container["image"] = IMAGES[image % len(IMAGES)]
    if ready_after:
        container["readinessProbe"] = {"tcpSocket": {"port": 80},
                                       "initialDelaySeconds": ready_after, "periodSeconds": 1}
    else:
        container.pop("readinessProbe", None)
    return m


def _pod_at(cluster: Cluster, position: int) -> Any:
    pods = sorted((p for p in cluster.list("Pod") if p.metadata.deletion_timestamp is None),
                  key=lambda p: (p.metadata.namespace, p.metadata.name))
    return pods[position % len(pods)] if pods else None


def resolve(action: Action, cluster: Cluster, manifests: Sequence[dict[str, Any]]
            ) -> Event | None:
    """The concrete event an action stands for in this state (None when it has no target)."""
    if isinstance(action, ChangeTemplate):
        m = _deployment_manifest(manifests, action.deployment)
        return Apply(decode_object(_with_template(m, action.image, action.ready_after)))
    if isinstance(action, RolloutAction):
        ns = _deployment_manifest(manifests, action.deployment)["metadata"].get("namespace")
        return Rollout(action.action, "Deployment", action.deployment, ns or "default",
                       action.to_revision)
    if isinstance(action, Wait):
        return Tick(action.seconds)
    if isinstance(action, ScaleTo):
        ns = _deployment_manifest(manifests, action.deployment)["metadata"].get("namespace")
        return Scale("Deployment", action.deployment, action.replicas, ns or "default")
    if isinstance(action, NodeDown | NodeUp):
        return NodeHealth(action.node, isinstance(action, NodeUp))
    pod = _pod_at(cluster, action.position)
    if pod is None:
        return None
    container = pod.spec.containers[0].name if pod.spec.containers else None
    if isinstance(action, CrashPod):
        return PodEvent(pod.metadata.namespace, pod.metadata.name, container, exit=1)
    assert isinstance(action, FailProbe)
    return PodEvent(pod.metadata.namespace, pod.metadata.name, container, ready=False)


# -- running one sequence ----------------------------------------------------------------------


def run_actions(start: Cluster, actions: Sequence[Action], manifests: Sequence[dict[str, Any]],
                check_convergence: bool = True) -> tuple[tuple[Event, ...], tuple[Finding, ...]]:
    """Apply the actions, checking every step; then, with no node left down, convergence."""
    checker = _Checker(start)
    cluster = start
    events: list[Event] = []
    down: set[str] = set()
    for action in actions:
        event = resolve(action, cluster, manifests)
        if event is None:
            continue
        events.append(event)
        checker.index, checker.event = len(events), event
        cluster = manager.apply_event(cluster, event, observer=checker).cluster
        if isinstance(event, NodeHealth):
            (down.discard if event.ready else down.add)(event.name)
        if checker.findings:
            return tuple(events), tuple(checker.findings)
    if check_convergence and not down:
        result = converge(cluster)
        if not result.ok:
            problems = result.problems or (Violation(
                "convergence", "the cluster oscillates: " + " -> ".join(result.cycle)),)
            tick = Tick(result.cluster.now - cluster.now)
            events.append(tick)
            return tuple(events), tuple(Finding(len(events), tick, "after events stopped", p)
                                        for p in problems)
    return tuple(events), ()


# -- random search -------------------------------------------------------------------------


def explore(manifests: Sequence[dict[str, Any]], *, budget: int = 200, seed: int = 0,
            faults: bool = False, scale: bool = False, max_actions: int = 12,
            progress: Callable[[int], None] | None = None) -> Exploration:
    """Search `budget` random action sequences for a violation; shrink the first found."""
    start, setup = set_up(manifests, seed)
    deployments = [m["metadata"]["name"] for m in manifests if m.get("kind") == "Deployment"]
    nodes = [m["metadata"]["name"] for m in manifests if m.get("kind") == "Node"]
    strategy = action_sequences(deployments=deployments, nodes=nodes, faults=faults,
                                scale=scale, max_size=max_actions)
    found: list[tuple[tuple[Event, ...], tuple[Finding, ...]]] = []
    count = [0]

    @hypothesis_seed(seed)
    @settings(max_examples=budget, database=None, deadline=None, derandomize=False,
              phases=(Phase.generate, Phase.shrink), report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def search(actions: list[Action]) -> None:
        count[0] += 1
        if progress is not None:
            progress(count[0])
        events, findings = run_actions(start, actions, manifests)
        if findings:
            found.append((events, findings))
            raise _Found()

    try:
        search()
    except _Found:
        pass
    except HypothesisException:
        raise
    if not found:
        return Exploration(count[0], None)
    events, findings = found[-1]  # Hypothesis replays the shrunk example last
    return Exploration(count[0], Counterexample(setup, events, findings))


class _Found(Exception):
    """Raised inside the search to mark a failing example for Hypothesis to shrink."""


# -- exhaustive search ---------------------------------------------------------------------


def default_moves(manifests: Sequence[dict[str, Any]]) -> tuple[Action, ...]:
    """The finite alphabet of exhaustive mode: one template change per Deployment, an undo
    and a wait long enough for readiness."""
    moves: list[Action] = []
    for m in manifests:
        if m.get("kind") == "Deployment":
            name = m["metadata"]["name"]
            moves += [ChangeTemplate(name, 1, READY_DELAYS[0]), RolloutAction(name, "undo")]
    moves.append(Wait(10))
    return tuple(moves)


def explore_exhaustive(manifests: Sequence[dict[str, Any]], *, depth: int = 4, seed: int = 0,
                       moves: Sequence[Action] | None = None, max_states: int = 200_000
                       ) -> Exploration:
    """Breadth-first over every interleaving of queued reconciles and allowed actions (manual
    mode) up to `depth` steps; the first violation found is a shortest counterexample."""
    start, setup = set_up(manifests, seed)
    moves = tuple(moves or default_moves(manifests))
    frontier: deque[tuple[Cluster, tuple[Event, ...]]] = deque([(start, ())])
    seen = {_fingerprint(start)}
    explored = 0
    while frontier and explored < max_states:
        cluster, path = frontier.popleft()
        if len(path) >= depth:
            continue
        for event in _successors(cluster, moves, manifests):
            explored += 1
            checker = _Checker(cluster)
            checker.index, checker.event = len(path) + 1, event
            outcome = manager.apply_event(cluster, event, "manual", observer=checker)
            if outcome.rejected is not None:
                continue
            if checker.findings:
                cx = Counterexample(setup, (*path, event), tuple(checker.findings))
                return Exploration(explored, cx, explored, len(seen))
            fingerprint = _fingerprint(outcome.cluster)
            if fingerprint not in seen:
                seen.add(fingerprint)
                frontier.append((outcome.cluster, (*path, event)))
    return Exploration(explored, None, explored, len(seen))


def _successors(cluster: Cluster, moves: Sequence[Action], manifests: Sequence[dict[str, Any]]
                ) -> list[Event]:
    """Each distinct ready reconcile, then each allowed action resolved in this state."""
    queue = cluster.queue
    ready = [queue.items[i] for i in range(queue.head, queue.tail)]
    events: list[Event] = [Reconcile(c, k) for c, k in dict.fromkeys(ready)]
    for move in moves:
        event = resolve(move, cluster, manifests)
        if event is not None:
            events.append(event)
    return events
