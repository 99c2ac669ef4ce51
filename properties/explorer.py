"""The explorer: searches event sequences against the user's manifests for a violation of the
safety invariants, the transition properties or convergence, and shrinks what it finds.

The workloads are the manifests' Deployments and Argo Rollouts: template changes reach both;
`rollout:` undo/pause/resume/restart a Deployment, promote/abort a Rollout.

`explore(manifests, ...)` sets the cluster up (the manifests applied in auto mode, then time
until nothing is due; cluster seed 0, the replay's default), draws action sequences
(`strategies/events.py`) with Hypothesis (seeded: the same seed, the same counterexample),
resolves each action into a concrete event against the state it applies to, checks every
intermediate state and step (`properties/check.py`), then ends the lasting faults (`healing`)
and checks convergence. A `Runner` remembers where each prefix of actions led, so the many
sequences that begin alike cost only their new actions. The counterexample is the setup and
the concrete events, a self-contained event log that `kubefold replay --check` reproduces.

`explore_exhaustive(manifests, depth)` enumerates, as a model checker does, every
interleaving of queued reconciles and of a finite set of allowed actions up to `depth` steps
(manual mode, from a setup written as explicit reconciles, `set_up_manual`), deduplicating
states (`state_key`), and returns the shortest counterexample found (breadth first); it
replays with `kubefold replay --check --mode manual`.

Covered by: tests/test_explorer.py.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import HypothesisException

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object, encode_object, sort_key
from kubefold.core.errors import InputError
from kubefold.core.events import (
    Apply,
    Drain,
    Event,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Settle,
    Tick,
)
from kubefold.core.podutil import is_pod_ready
from kubefold.core.schema import freeze, thaw
from kubefold.properties.check import Finding, _Checker
from kubefold.properties.convergence import MAX_WAKEUPS, _stable, converge, problems_of
from kubefold.properties.transitions import Monitor
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane
from kubefold.strategies.events import (
    READY_DELAYS,
    Action,
    ChangeJob,
    ChangeTemplate,
    CompletePod,
    CrashPod,
    DrainNode,
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
    steps: int = 0  # events applied and checked (random search)


# -- setting up and resolving ------------------------------------------------------------------


def setup_events(manifests: Sequence[dict[str, Any]]) -> tuple[Event, ...]:
    return tuple(Apply(decode_object(m)) for m in manifests)


def set_up(manifests: Sequence[dict[str, Any]], seed: int = 0,
           plane: ControlPlane | None = None) -> tuple[Cluster, tuple[Event,
                                                                                       ...]]:
    """The cluster after applying the manifests and letting due work happen; and the events
    that build it (the applies and one tick to the settled time)."""
    events = setup_events(manifests)
    cluster = manager.empty_cluster(seed, plane)
    for event in events:
        outcome = manager.apply_event(cluster, event, plane=plane)
        if not outcome.settled:
            raise InputError("explore", "", f"the manifests do not settle: {outcome.bound}")
        cluster = outcome.cluster
    settled = converge(cluster).cluster
    wait = Tick(settled.now - cluster.now)
    return manager.step(cluster, wait, plane=plane), (*events, wait)


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout")


def _deployment_manifest(manifests: Sequence[dict[str, Any]], name: str) -> dict[str, Any]:
    """The workload (Deployment, StatefulSet, DaemonSet or Argo Rollout) the actions name."""
    for m in manifests:
        if m.get("kind") in WORKLOAD_KINDS and m["metadata"]["name"] == name:
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


def _manifest(manifests: Sequence[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    for m in manifests:
        if m.get("kind") == kind and m["metadata"]["name"] == name:
            return m
    raise KeyError(name)


def _with_parallelism(manifest: dict[str, Any], parallelism: int, suspend: bool
                      ) -> dict[str, Any]:
    m = thaw(freeze(manifest))
    m["spec"]["parallelism"] = parallelism
    m["spec"]["suspend"] = suspend
    return m


def _running_pod_at(cluster: Cluster, position: int) -> Any:
    """The running pod at this position among running pods not being deleted, by name."""
    pods = sorted((p for p in cluster.list("Pod") if p.metadata.deletion_timestamp is None
                   and p.status.phase == "Running"),
                  key=lambda p: (p.metadata.namespace, p.metadata.name))
    return pods[position % len(pods)] if pods else None


def resolve(action: Action, cluster: Cluster, manifests: Sequence[dict[str, Any]]
            ) -> Event | None:
    """The concrete event an action stands for in this state (None when it has no target)."""
    if isinstance(action, ChangeTemplate):
        m = _deployment_manifest(manifests, action.deployment)
        return Apply(decode_object(_with_template(m, action.image, action.ready_after)))
    if isinstance(action, RolloutAction):
        m = _deployment_manifest(manifests, action.deployment)
        ns = m["metadata"].get("namespace")
        return Rollout(action.action, m["kind"], action.deployment, ns or "default",
                       action.to_revision)
    if isinstance(action, Wait):
        return Tick(action.seconds)
    if isinstance(action, ScaleTo):
        m = _deployment_manifest(manifests, action.deployment)
        ns = m["metadata"].get("namespace")
        return Scale(m["kind"], action.deployment, action.replicas, ns or "default")
    if isinstance(action, NodeDown | NodeUp):
        return NodeHealth(action.node, isinstance(action, NodeUp))
    if isinstance(action, DrainNode):
        return Drain(action.node)
    if isinstance(action, ChangeJob):
        return Apply(decode_object(_with_parallelism(
            _manifest(manifests, "Job", action.job), action.parallelism, action.suspend)))
    if isinstance(action, CompletePod):
        running = _running_pod_at(cluster, action.position)
        return None if running is None else PodEvent(
            running.metadata.namespace, running.metadata.name, None, exit=0)
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
                check_convergence: bool = True, plane: ControlPlane | None = None
                ) -> tuple[tuple[Event, ...], tuple[Finding, ...]]:
    """Apply the actions, checking every step; then end the faults that last (nodes come back,
    failing probes pass again) and check convergence."""
    return Runner(start, manifests, check_convergence, plane=plane).run(actions)


@attrs.frozen
class _Point:
    """Where a prefix of actions leads: the state, the monitor and the events so far."""

    cluster: Cluster
    monitor: Monitor
    events: tuple[Event, ...]


class Runner:
    """Runs action sequences from one start state, remembering where each prefix led (the
    sequences Hypothesis tries, mutates and shrinks mostly begin alike), so a sequence costs
    only the actions after its longest known prefix."""

    def __init__(self, start: Cluster, manifests: Sequence[dict[str, Any]],
                 check_convergence: bool = True, max_points: int = 20_000,
                 plane: ControlPlane | None = None) -> None:
        self.start, self.manifests, self.plane = start, manifests, plane
        self.check_convergence, self.max_points = check_convergence, max_points
        self.points: dict[tuple[Action, ...], _Point] = {}
        self.steps = 0  # events applied, for the benchmark

    def run(self, actions: Sequence[Action]) -> tuple[tuple[Event, ...], tuple[Finding, ...]]:
        actions = tuple(actions)
        known = next((n for n in range(len(actions), 0, -1) if actions[:n] in self.points), 0)
        checker = _Checker(self.start)
        point = self.points[actions[:known]] if known else \
            _Point(self.start, checker.monitor, ())
        if checker.findings:  # the setup itself breaks an invariant
            return (), tuple(checker.findings)
        checker.previous, checker.monitor = point.cluster, point.monitor
        cluster, events = point.cluster, list(point.events)

        def run(event: Event) -> bool:
            nonlocal cluster
            events.append(event)
            checker.index, checker.event = len(events), event
            cluster = manager.apply_event(cluster, event, observer=checker,
                                          plane=self.plane).cluster
            self.steps += 1
            return bool(checker.findings)

        for n in range(known, len(actions)):
            event = resolve(actions[n], cluster, self.manifests)
            if event is not None and run(event):
                return tuple(events), tuple(checker.findings)
            self._remember(actions[:n + 1], _Point(cluster, checker.monitor, tuple(events)))
        if not self.check_convergence:
            return tuple(events), ()
        for event in healing(cluster, events):
            if run(event):
                return tuple(events), tuple(checker.findings)
        result = converge(cluster, plane=self.plane)
        if not result.ok:
            # The file carries the bound convergence was checked within: `replay --check`
            # runs the same check on a `settle:` event.
            wait = Settle(MAX_WAKEUPS)
            events.append(wait)
            return tuple(events), tuple(Finding(len(events), wait, "after events stopped", p)
                                        for p in problems_of(result))
        return tuple(events), ()

    def _remember(self, prefix: tuple[Action, ...], point: _Point) -> None:
        if len(self.points) >= self.max_points:
            self.points.clear()
        self.points[prefix] = point


def healing(cluster: Cluster, events: Sequence[Event]) -> list[Event]:
    """The events that end the lasting faults among `events`: each drained node is uncordoned
    (while still down, so the copy applied keeps its kubelet's state), each node still down
    comes back, then each pod a `pod:` event made unready whose
    container runs but is still unready (a failing probe; a crash reported while the node's
    kubelet was stopped, which the kubelet does not make ready again) passes its probe. A
    container in CrashLoopBackOff is left to the kubelet, which restarts it."""
    down: dict[str, None] = {}
    hit: dict[tuple[str, str], None] = {}
    drained: dict[str, None] = {}
    for event in events:
        if isinstance(event, Drain):
            drained[event.node] = None
        elif isinstance(event, NodeHealth):
            if event.ready:
                down.pop(event.name, None)
            else:
                down[event.name] = None
        elif isinstance(event, PodEvent) and (event.ready is False or event.exit is not None):
            hit[(event.namespace, event.name)] = None
    heal: list[Event] = []
    for name in drained:  # kubectl uncordon, before the node's kubelet starts again: applied
        node = cluster.get("Node", "", name)  # after, this copy would stop it once more
        if node is not None and node.spec.unschedulable:
            uncordoned = attrs.evolve(node, spec=attrs.evolve(node.spec, unschedulable=False),
                                      metadata=attrs.evolve(node.metadata,
                                                            resource_version=None))
            heal.append(Apply(uncordoned))
    heal += [NodeHealth(name, True) for name in down]
    for ns, name in hit:
        pod = cluster.get("Pod", ns, name)
        if pod is None or pod.metadata.deletion_timestamp is not None or \
                pod.status.phase != "Running" or is_pod_ready(pod):
            continue
        stuck = [c.name for c in pod.status.container_statuses
                 if not c.ready and "running" in (c.state or {})]
        if stuck:
            heal.append(PodEvent(ns, name, stuck[0] if len(stuck) == 1 else None, ready=True))
    return heal


# -- random search -------------------------------------------------------------------------


def explore(manifests: Sequence[dict[str, Any]], *, budget: int = 200, seed: int = 0,
            faults: bool = False, scale: bool = False, max_actions: int = 12,
            progress: Callable[[int], None] | None = None,
            plane: ControlPlane | None = None) -> Exploration:
    """Search `budget` random action sequences for a violation; shrink the first found. The
    seed drives the search; the cluster keeps seed 0, the replay's default, so the
    counterexample replays as it is."""
    start, setup = set_up(manifests, plane=plane)
    deployments = [m["metadata"]["name"] for m in manifests
                   if m.get("kind") in ("Deployment", "StatefulSet", "DaemonSet")]
    rollouts = [m["metadata"]["name"] for m in manifests if m.get("kind") == "Rollout"]
    nodes = [m["metadata"]["name"] for m in manifests if m.get("kind") == "Node"]
    jobs = [m["metadata"]["name"] for m in manifests if m.get("kind") == "Job"]
    cron_jobs = [m["metadata"]["name"] for m in manifests if m.get("kind") == "CronJob"]
    strategy = action_sequences(deployments=deployments, nodes=nodes, faults=faults,
                                scale=scale, max_size=max_actions, jobs=jobs,
                                cron_jobs=cron_jobs, rollouts=rollouts)
    found: list[tuple[tuple[Event, ...], tuple[Finding, ...]]] = []
    count = [0]
    runner = Runner(start, manifests, plane=plane)

    @hypothesis_seed(seed)
    @settings(max_examples=budget, database=None, deadline=None, derandomize=False,
              phases=(Phase.generate, Phase.shrink), report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def search(actions: list[Action]) -> None:
        count[0] += 1
        if progress is not None:
            progress(count[0])
        events, findings = runner.run(actions)
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
        return Exploration(count[0], None, steps=runner.steps)
    events, findings = found[-1]  # Hypothesis replays the shrunk example last
    return Exploration(count[0], Counterexample(setup, events, findings), steps=runner.steps)


class _Found(Exception):
    """Raised inside the search to mark a failing example for Hypothesis to shrink."""


# -- exhaustive search ---------------------------------------------------------------------


def default_moves(manifests: Sequence[dict[str, Any]]) -> tuple[Action, ...]:
    """The finite alphabet of exhaustive mode: one template change per Deployment, an undo
    and a wait long enough for readiness."""
    moves: list[Action] = []
    for m in manifests:
        if m.get("kind") in WORKLOAD_KINDS:
            name = m["metadata"]["name"]
            moves += [ChangeTemplate(name, 1, READY_DELAYS[0]), RolloutAction(name, "undo")]
    moves.append(Wait(10))
    return tuple(moves)


def set_up_manual(manifests: Sequence[dict[str, Any]], seed: int = 0,
                  max_wakeups: int = 200, plane: ControlPlane | None = None
                  ) -> tuple[Cluster, tuple[Event, ...]]:
    """The settled cluster of `set_up`, reached in manual mode: the applies, each queued
    reconcile as an explicit event, and ticks to each moment work falls due, so the setup
    replays with `--mode manual` as the search's events do."""
    cluster = manager.empty_cluster(seed, plane)
    events: list[Event] = []

    def run(event: Event) -> None:
        nonlocal cluster
        cluster = manager.apply_event(cluster, event, "manual", plane=plane).cluster
        events.append(event)

    def drain() -> None:
        for _ in range(manager.MAX_TURNS):
            queue = cluster.queue
            if queue.head == queue.tail:
                return
            run(Reconcile(*queue.items[queue.head]))

    for event in setup_events(manifests):
        run(event)
        drain()
    for _ in range(max_wakeups):
        due = cluster.queue.next_due()
        if due is None:
            break
        run(Tick(due - cluster.now))
        drain()
    return cluster, tuple(events)


def explore_exhaustive(manifests: Sequence[dict[str, Any]], *, depth: int = 4, seed: int = 0,
                       moves: Sequence[Action] | None = None, max_states: int = 200_000,
                       should_stop: Callable[[], bool] | None = None,
                       plane: ControlPlane | None = None) -> Exploration:
    """Breadth-first over every interleaving of queued reconciles and allowed actions (manual
    mode) up to `depth` steps from the settled setup, deduplicating states (the objects'
    content, the ready queue and what waits for when); the first violation found is a
    shortest counterexample. `seed` is the cluster's (generated names); `should_stop`, asked
    before each state is expanded, ends the search early (the caller's deadline; the counts
    say how far it got)."""
    start, setup = set_up_manual(manifests, seed, plane=plane)
    moves = tuple(moves or default_moves(manifests))
    memo: dict[int, tuple[Any, bytes]] = {}
    root = _Checker(start)
    frontier: deque[tuple[Cluster, Monitor, tuple[Event, ...]]] = deque(
        [(start, root.monitor, ())])
    seen = {state_key(start, memo)}
    explored = 0
    while frontier and explored < max_states:
        if should_stop is not None and should_stop():
            break
        cluster, monitor, path = frontier.popleft()
        if len(path) >= depth:
            continue
        for event in _successors(cluster, moves, manifests):
            explored += 1
            checker = _Checker.resume(cluster, monitor)
            checker.index, checker.event = len(path) + 1, event
            outcome = manager.apply_event(cluster, event, "manual", observer=checker,
                                          plane=plane)
            if outcome.rejected is not None:
                continue
            if checker.findings:
                cx = Counterexample(setup, (*path, event), tuple(checker.findings))
                return Exploration(explored, cx, explored, len(seen))
            key = state_key(outcome.cluster, memo)
            if key not in seen:
                seen.add(key)
                frontier.append((outcome.cluster, checker.monitor, (*path, event)))
    return Exploration(explored, None, explored, len(seen))


def state_key(cluster: Cluster, memo: dict[int, tuple[Any, bytes]]) -> bytes:
    """What tells two states apart in exhaustive mode: each object's content without
    resourceVersion and times (digests remembered by object identity in `memo`), the ready
    queue as a set, and how long each waiting item has to wait."""
    digest = hashlib.sha256()
    for kind in sorted(cluster.objects):
        for obj in sorted(cluster.list(kind), key=sort_key):
            known = memo.get(id(obj))
            if known is None or known[0] is not obj:
                text = json.dumps(_stable(encode_object(obj)), sort_keys=True, default=str)
                known = (obj, hashlib.sha256(text.encode()).digest())
                memo[id(obj)] = known
            digest.update(known[1])
    queue = cluster.queue
    ready = sorted({queue.items[i] for i in range(queue.head, queue.tail)})
    waiting = sorted((item, due - cluster.now) for item, due in queue.waiting.items())
    digest.update(repr((ready, waiting)).encode())
    return digest.digest()


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
