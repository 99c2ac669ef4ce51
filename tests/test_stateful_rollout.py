"""A rule-based state machine over the real reducers (auto mode, the whole control plane): one
random Deployment on three nodes, driven by template changes, scales, `rollout undo|pause|
resume`, time, readiness flips and node loss and return. Every state reached (including each
controller turn within an event) is checked against the safety invariants and the transition
properties (`properties.transitions.observe` with a carried `Monitor`); at teardown, when no
node is left down, the faults end and the cluster must converge.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Event, NodeHealth, PodEvent, Rollout, Scale, Tick
from kubefold.properties.convergence import converge
from kubefold.properties.invariants import Violation, check_state
from kubefold.properties.transitions import Monitor, initial_monitor, observe
from kubefold.reducers import manager
from kubefold.strategies.objects import IMAGES, deployments
from tests.test_properties_rollout import (
    NAME,
    NAMESPACE,
    NODE_MANIFESTS,
    READY_DELAYS,
    WAITS,
    running_pods,
    set_up,
    with_template,
)

NODE_NAMES = tuple(m["metadata"]["name"] for m in NODE_MANIFESTS)


class RolloutMachine(RuleBasedStateMachine):
    """The cluster, the monitor of the transition properties, and what was seen since the
    last invariant check."""

    def __init__(self) -> None:
        super().__init__()
        self.cluster: Cluster = manager.empty_cluster()
        self.manifest: dict[str, Any] = {}
        self.monitor = Monitor()
        self.violations: list[tuple[str, Violation]] = []
        self.down: set[str] = set()
        self._previous: Cluster = self.cluster
        self._event: Event | None = None

    # -- driving ---------------------------------------------------------------------------

    def _observe(self, cluster: Cluster, turn: manager.Turn | None) -> None:
        """Every intermediate state: the safety invariants and the transition properties."""
        step = "event" if turn is None else f"{turn.controller} {turn.key}"
        self.monitor, found = observe(self.monitor, self._previous, cluster, self._event)
        self.violations += [(step, v) for v in (*found, *check_state(cluster))]
        self._previous = cluster

    def _apply(self, event: Event) -> None:
        self._previous, self._event = self.cluster, event
        outcome = manager.apply_event(self.cluster, event, observer=self._observe)
        assert outcome.settled, f"{event!r} did not settle"
        self.cluster = outcome.cluster

    # -- rules -----------------------------------------------------------------------------

    @initialize(manifest=deployments(name=NAME, namespace=NAMESPACE, max_replicas=10))
    def create(self, manifest: dict[str, Any]) -> None:
        """Nodes and the Deployment, settled: it must have completed its first rollout."""
        self.manifest = manifest
        self.cluster = set_up(manifest)
        self.monitor = initial_monitor(self.cluster)

    @rule(image=st.integers(0, len(IMAGES) - 1), ready_after=st.sampled_from(READY_DELAYS))
    def change_template(self, image: int, ready_after: int) -> None:
        live = self.cluster.get("Deployment", NAMESPACE, NAME)
        self._apply(Apply(decode_object(with_template(self.manifest, image, ready_after,
                                                      live))))

    @rule(replicas=st.integers(0, 10))
    def scale(self, replicas: int) -> None:
        self._apply(Scale("Deployment", NAME, replicas, NAMESPACE))

    @rule(action=st.sampled_from(["undo", "pause", "resume", "restart"]))
    def rollout(self, action: str) -> None:
        self._apply(Rollout(action, "Deployment", NAME, NAMESPACE))

    @rule(seconds=st.sampled_from(WAITS))
    def tick(self, seconds: int) -> None:
        self._apply(Tick(seconds))

    @rule(position=st.integers(0, 20), ready=st.booleans())
    def pod_readiness(self, position: int, ready: bool) -> None:
        pods = running_pods(self.cluster)
        if pods:
            pod = pods[position % len(pods)]
            self._apply(PodEvent(NAMESPACE, pod.metadata.name, ready=ready))

    @precondition(lambda self: len(self.down) < len(NODE_NAMES) - 1)
    @rule(node=st.sampled_from(NODE_NAMES))
    def node_down(self, node: str) -> None:
        self._apply(NodeHealth(node, False))
        self.down.add(node)

    @precondition(lambda self: bool(self.down))
    @rule(data=st.data())
    def node_up(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(sorted(self.down)))
        self._apply(NodeHealth(node, True))
        self.down.discard(node)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def properties_hold(self) -> None:
        found, self.violations = self.violations, []
        assert not found, "\n".join(f"({step}) {v}" for step, v in found)

    def teardown(self) -> None:
        """With every node up: the pods made unready recover (after every probe's time), a
        paused Deployment resumes, and the cluster converges."""
        if self.down or not self.manifest:
            return
        self._apply(Tick(max(READY_DELAYS) + 1))
        for pod in running_pods(self.cluster):
            if any(not cs.ready for cs in pod.status.container_statuses):
                self._apply(PodEvent(NAMESPACE, pod.metadata.name, ready=True))
        d = self.cluster.get("Deployment", NAMESPACE, NAME)
        if d is not None and d.spec.paused:
            self._apply(Rollout("resume", "Deployment", NAME, NAMESPACE))
        self.properties_hold()
        result = converge(self.cluster)
        assert result.ok, ("\n".join(str(p) for p in result.problems), result.cycle)


RolloutMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TestRolloutMachine = RolloutMachine.TestCase
