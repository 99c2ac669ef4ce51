"""Properties of scheduling in auto mode, over random nodes (capacity, taints, labels) and
random pods and Deployments (requests, tolerations, node selectors):

(a) no node is ever over-committed, in any intermediate state (`observer` of apply_event);
(b) a pod is bound only to a node that passes every Filter plugin of its profile, re-run on
    the state just before the bind, and that an independent oracle accepts (resources fit,
    NoSchedule/NoExecute taints tolerated, nodeSelector matched, node schedulable);
(c) after a node loss and recovery, with no other events, the cluster converges back to every
    Deployment available.

Checked by breaking the code on purpose: NodeResourcesFit.filter always OK fails (a) and (b),
TaintToleration.filter always OK fails (b) (both run by `test_properties_catch_a_broken_filter`);
node lifecycle never removing its taints, or a kubelet that never finishes terminating pods,
fails (c) (checked by hand).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, NodeHealth, Tick
from kubefold.core.objects import Taint
from kubefold.core.quantity import add_resource_lists
from kubefold.core.resources import pod_requests
from kubefold.properties.convergence import converge
from kubefold.properties.invariants import no_node_is_overcommitted
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.manager import Turn
from kubefold.reducers.registry import DEFAULT
from kubefold.reducers.scheduler.controller import scheduler_config
from kubefold.reducers.scheduler.cycle import (
    DEFAULT_SCHEDULER_NAME,
    run_filter_plugins,
    run_pre_filter_plugins,
)
from kubefold.reducers.scheduler.framework import CycleState, Snapshot
from kubefold.strategies.scheduling import (
    scheduling_deployments,
    scheduling_nodes,
    scheduling_pods,
)
from tests.planted import scheduler_without_filter

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the oracle --------------------------------------------------------------------------------


def _tolerated(taint: Any, tolerations: Any) -> bool:
    for t in tolerations:
        if t.effect and t.effect != taint.effect:
            continue
        if t.key and t.key != taint.key:
            continue
        if (t.operator or "Equal") == "Exists" or (t.value or "") == (taint.value or ""):
            return True
    return False


def oracle(cluster: Cluster, pod: Any, node_name: str) -> list[str]:
    """Why `pod` may not go to `node_name` in `cluster`, written from the API's meaning of
    the fields rather than from the plugins."""
    node = cluster.get("Node", "", node_name)
    if node is None:
        return [f"node {node_name} does not exist"]
    problems = []
    taints = list(node.spec.taints)
    if node.spec.unschedulable:
        taints.append(Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule"))
    for taint in taints:
        if taint.effect in ("NoSchedule", "NoExecute") and \
                not _tolerated(taint, pod.spec.tolerations):
            problems.append(f"untolerated taint {taint.key}={taint.value}:{taint.effect}")
    for key, value in (pod.spec.node_selector or {}).items():
        if node.metadata.labels.get(key) != value:
            problems.append(f"nodeSelector {key}={value} not matched")
    others = [p for p in cluster.pods_on_node(node_name)
              if p.status.phase not in ("Succeeded", "Failed")]
    used: Any = {}
    for other in others:
        used = add_resource_lists(used, pod_requests(other))
    wanted = add_resource_lists(used, pod_requests(pod))
    allocatable = node.status.allocatable
    for resource, amount in wanted.items():
        if resource in allocatable and amount > allocatable[resource]:
            problems.append(f"{resource}: {amount} > {allocatable[resource]}")
    if "pods" in allocatable and len(others) + 1 > allocatable["pods"].value():
        problems.append("too many pods")
    return problems


def filters_pass(cluster: Cluster, pod: Any, node_name: str) -> str | None:
    """Re-run the profile's PreFilter and Filter plugins for `pod` on `node_name`."""
    profile = scheduler_config(cluster).profiles[pod.spec.scheduler_name
                                                 or DEFAULT_SCHEDULER_NAME]
    snapshot = Snapshot(cluster)
    state, result, status, _ = run_pre_filter_plugins(profile, CycleState(), pod, snapshot)
    if not status.is_success():
        return f"PreFilter: {status.message()}"
    if result is not None and result.node_names is not None \
            and node_name not in result.node_names:
        return f"PreFilter allows only {sorted(result.node_names)}"
    info = snapshot.get(node_name)
    if info is None:
        return "no such node"
    status = run_filter_plugins(profile, state, pod, info)
    return None if status.is_success() else f"{status.plugin}: {status.message()}"


class Watcher:
    """The observer: checks (a) on every state and (b) on every bind, against the state the
    scheduler's cycle saw (the previous state observed)."""

    def __init__(self) -> None:
        self.previous: Cluster | None = None
        self.binds = 0

    def __call__(self, cluster: Cluster, turn: Turn | None) -> None:
        violations = list(no_node_is_overcommitted(cluster))
        assert not violations, [str(v) for v in violations]
        if turn is not None and turn.controller == "scheduler" and self.previous is not None:
            for change in turn.changes:
                if change.kind != "Pod" or change.new is None or not change.new.spec.node_name \
                        or (change.old is not None and change.old.spec.node_name):
                    continue
                before = self.previous.get("Pod", change.namespace, change.name)
                node_name = change.new.spec.node_name
                assert filters_pass(self.previous, before, node_name) is None, \
                    filters_pass(self.previous, before, node_name)
                assert oracle(self.previous, before, node_name) == [], (
                    change.name, node_name, oracle(self.previous, before, node_name))
                self.binds += 1
        self.previous = cluster


def build(manifests: list[dict[str, Any]], watcher: Watcher | None = None,
          settle: int = 30, plane: ControlPlane | None = None) -> Cluster:
    cluster = manager.empty_cluster(plane=plane)
    if watcher is not None:
        watcher.previous = cluster
    for m in manifests:
        outcome = manager.apply_event(cluster, Apply(decode_object(m)), observer=watcher,
                                      plane=plane)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return manager.apply_event(cluster, Tick(settle), observer=watcher, plane=plane).cluster


# -- (a) and (b) -------------------------------------------------------------------------------


@st.composite
def workloads(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Nodes, then pods and Deployments in a drawn order (nodes may also come last)."""
    nodes = draw(scheduling_nodes(min_size=1, max_size=4, unschedulable=True))
    pods = draw(scheduling_pods(min_size=0, max_size=5))
    deployments = draw(scheduling_deployments(min_size=0, max_size=2))
    work = draw(st.permutations(pods + deployments))
    late = draw(st.integers(0, len(nodes) - 1))
    return nodes[late:] + work + nodes[:late]


def check_workload(manifests: list[dict[str, Any]], plane: ControlPlane | None = None) -> None:
    """(a) and (b) for one drawn cluster."""
    watcher = Watcher()
    cluster = build(manifests, watcher, plane=plane)
    bound = [p for p in cluster.list("Pod") if p.spec.node_name]
    assert watcher.binds >= len(bound)


@SETTINGS
@given(workloads())
def test_no_overcommit_and_binds_pass_the_filters(manifests: list[dict[str, Any]]) -> None:
    check_workload(manifests)


# -- (c) ---------------------------------------------------------------------------------------


@st.composite
def losses(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str, int]:
    nodes = draw(scheduling_nodes(min_size=2, max_size=3, max_taints=1))
    deployments = draw(scheduling_deployments(min_size=1, max_size=2, max_replicas=3,
                                              selectors=False))
    lost = draw(st.sampled_from(nodes))["metadata"]["name"]
    outage = draw(st.sampled_from([30, 60, 400, 1000]) | st.integers(0, 1000))
    return nodes + deployments, lost, outage


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(losses())
def test_node_loss_and_recovery_converge(case: tuple[list[dict[str, Any]], str, int]) -> None:
    manifests, lost, outage = case
    before = converge(build(manifests))
    assume(before.ok)
    cluster = manager.step(before.cluster, NodeHealth(lost, False))
    cluster = manager.step(cluster, Tick(outage))
    cluster = manager.step(cluster, NodeHealth(lost, True))
    after = converge(cluster)
    assert after.ok, (after.settled, [str(p) for p in after.problems], after.cycle)
    assert after.cluster.get("Node", "", lost).spec.taints == \
        before.cluster.get("Node", "", lost).spec.taints
    # The returned kubelet finished the pods evicted from its node.
    assert [p.metadata.name for p in after.cluster.list("Pod")
            if p.metadata.deletion_timestamp is not None] == []


# -- the properties catch broken code -----------------------------------------------------------


@pytest.mark.parametrize("plugin", ["NodeResourcesFit", "TaintToleration"],
                         ids=["NodeResourcesFit-filter-always-ok",
                              "TaintToleration-filter-always-ok"])
def test_properties_catch_a_broken_filter(plugin: str) -> None:
    """A scheduler whose filter lets every pod through (the plugin left out of the Filter
    extension point) is caught."""
    broken = DEFAULT.replace(scheduler_without_filter(plugin))

    def check(manifests: list[dict[str, Any]]) -> None:
        check_workload(manifests, broken)

    hunt = settings(max_examples=200, deadline=None, database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))(given(workloads())(check))
    with pytest.raises(AssertionError):
        hunt()
