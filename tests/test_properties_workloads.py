"""The StatefulSet and DaemonSet invariants: each against a hand-built state that breaks it
(none passes vacuously), the OrderedReady transition property against the planted eager
controller (found by `check` and by `explore`, and not with the real one), convergence of the
two kinds, and Hypothesis: drawn StatefulSets and DaemonSets under drawn event sequences with
faults keep every invariant at every state and converge once the faults stop."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Tick
from kubefold.core.workqueue import WorkQueue
from kubefold.properties import explorer
from kubefold.properties.check import check_replay
from kubefold.properties.convergence import converge, workloads_match_spec
from kubefold.properties.workloads import (
    at_most_one_live_pod_per_stateful_set_identity,
    daemon_sets_run_at_most_one_pod_per_node,
    ordered_ready_stateful_sets_start_in_order,
)
from kubefold.reducers import manager
from kubefold.strategies.events import ChangeTemplate, NodeDown, NodeUp, ScaleTo, Wait
from kubefold.strategies.objects import daemon_sets, nodes, stateful_sets
from tests.helpers import node, restore
from tests.planted import planted


def owned(uid: str, kind: str, name: str) -> list[dict[str, Any]]:
    return [{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid,
             "controller": True}]


def pod(name: str, owner: list[dict[str, Any]], node_name: str | None = None,
        phase: str = "Running", **meta: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "a", "image": "b"}]}
    if node_name:
        spec["nodeName"] = node_name
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "ownerReferences": owner,
                         **meta}, "spec": spec, "status": {"phase": phase}}


STS = {"apiVersion": "apps/v1", "kind": "StatefulSet",
       "metadata": {"name": "db", "namespace": "default", "uid": "sts-1"},
       "spec": {"replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                "template": {"metadata": {"labels": {"app": "db"}},
                             "spec": {"containers": [{"name": "a", "image": "b"}]}}}}


def ds(**template_spec: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": "default", "uid": "ds-1",
                         "generation": 1},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "a", "image": "b"}],
                                           **template_spec}}},
            "status": {"observedGeneration": 1}}


def test_two_live_pods_for_one_ordinal():
    """A pod labelled as ordinal 0 beside db-0 (an adopted stray, say): two live pods."""
    sts_owner = owned("sts-1", "StatefulSet", "db")
    cluster = restore(node("n1"), STS, pod("db-0", sts_owner, "n1"),
                      pod("stray", sts_owner, "n1",
                          labels={"apps.kubernetes.io/pod-index": "0"}),
                      pod("db-1", sts_owner, "n1"))
    [v] = list(at_most_one_live_pod_per_stateful_set_identity(cluster))
    assert v.message == "statefulset default/db has 2 live pods for ordinal 0: db-0, stray"


def test_a_finished_pod_does_not_hold_its_identity():
    sts_owner = owned("sts-1", "StatefulSet", "db")
    cluster = restore(node("n1"), STS, pod("db-0", sts_owner, "n1"),
                      pod("old", sts_owner, "n1", phase="Failed",
                          labels={"apps.kubernetes.io/pod-index": "0"}))
    assert list(at_most_one_live_pod_per_stateful_set_identity(cluster)) == []


def test_two_daemon_pods_on_one_node():
    owner = owned("ds-1", "DaemonSet", "agent")
    cluster = restore(node("n1"), ds(), pod("agent-a", owner, "n1"), pod("agent-b", owner, "n1"))
    [v] = list(daemon_sets_run_at_most_one_pod_per_node(cluster))
    assert v.message == "daemonset default/agent runs 2 pods on node n1: agent-a, agent-b"


def reconciled(*manifests: dict[str, Any]) -> Any:
    """A restored state with no work queued: every DaemonSet counts as reconciled."""
    return attrs.evolve(restore(*manifests), queue=WorkQueue())


def test_a_reconciled_daemon_set_pod_on_an_ineligible_node():
    """A node whose NoExecute taint the DaemonSet does not tolerate, once the DaemonSet is
    reconciled (not while its key is queued); not-ready NoExecute does not count (the
    controller tolerates it); a node selector that no longer matches does."""
    owner = owned("ds-1", "DaemonSet", "agent")
    tainted = node("n1")
    tainted["spec"] = {"taints": [{"key": "dedicated", "value": "x", "effect": "NoExecute"}]}
    assert list(daemon_sets_run_at_most_one_pod_per_node(
        restore(tainted, ds(), pod("agent-a", owner, "n1")))) == []  # its key is queued
    [v] = list(daemon_sets_run_at_most_one_pod_per_node(
        reconciled(tainted, ds(), pod("agent-a", owner, "n1"))))
    assert "is reconciled but still runs agent-a on node n1" in v.message
    not_ready = node("n1")
    not_ready["spec"] = {"taints": [{"key": "node.kubernetes.io/not-ready",
                                     "effect": "NoExecute"}]}
    assert list(daemon_sets_run_at_most_one_pod_per_node(
        reconciled(not_ready, ds(), pod("agent-a", owner, "n1")))) == []
    selected = reconciled(node("n1"), ds(nodeSelector={"zone": "a"}),
                          pod("agent-a", owner, "n1"))
    assert len(list(daemon_sets_run_at_most_one_pod_per_node(selected))) == 1


def test_ordered_ready_transition_property():
    """db-1 appears while db-0 is not Ready: a violation; after db-0 is Ready: none."""
    sts_owner = owned("sts-1", "StatefulSet", "db")
    sts = {**STS, "spec": {**STS["spec"], "podManagementPolicy": "OrderedReady"}}
    before = restore(node("n1"), sts, pod("db-0", sts_owner, "n1"))
    after = restore(node("n1"), sts, pod("db-0", sts_owner, "n1"), pod("db-1", sts_owner, "n1"))
    [v] = list(ordered_ready_stateful_sets_start_in_order(before, after))
    assert v.message == ("statefulset default/db created db-1 while db-0 was not Running and "
                         "Ready")
    ready = pod("db-0", sts_owner, "n1")
    ready["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    before = restore(node("n1"), sts, ready)
    assert list(ordered_ready_stateful_sets_start_in_order(before, after)) == []


def test_convergence_flags_an_unready_stateful_set_and_daemon_set():
    cluster = restore(node("n1"), STS, ds())
    problems = [v.message for v in workloads_match_spec(cluster)]
    assert "statefulset default/db wants 2 replicas, has 0 (0 ready)" in problems
    assert not any("daemonset" in p for p in problems)  # desired 0, nothing to run


NODES = [node("node-1"), node("node-2")]


def eager_manifests() -> list[dict[str, Any]]:
    manifest = {**STS, "metadata": {"name": "db", "namespace": "default"}}
    manifest["spec"] = {**STS["spec"], "replicas": 3, "template": {
        "metadata": {"labels": {"app": "db"}},
        "spec": {"containers": [{"name": "a", "image": "b", "readinessProbe": {
            "tcpSocket": {"port": 80}, "initialDelaySeconds": 5, "periodSeconds": 1}}]}}}
    return [*NODES, manifest]


def test_the_eager_stateful_set_controller_breaks_ordered_ready():
    """The planted bug (ordinal i+1 created before i is Ready) is caught by the checker on a
    plain apply, and not with the real controller."""
    events = [Apply(decode_object(m)) for m in eager_manifests()] + [Tick(30)]
    bad = planted("statefulset-eager")
    found = check_replay(manager.empty_cluster(plane=bad), events, plane=bad).findings
    assert {f.violation.invariant for f in found} == {"ordered_ready_stateful_sets_start_in_order"}
    assert check_replay(manager.empty_cluster(), events).findings == ()


def test_explore_finds_the_eager_controller_and_shrinks_it():
    """`explore` with the eager controller: a scale-up from a settled set breaks OrderedReady;
    the counterexample is a few events and replays."""
    manifests = eager_manifests()
    bad = planted("statefulset-eager")
    result = explorer.explore(manifests, budget=60, seed=0, scale=True, max_actions=4,
                              plane=bad)
    assert result.counterexample is not None
    cx = result.counterexample
    assert {f.violation.invariant for f in cx.findings} == \
        {"ordered_ready_stateful_sets_start_in_order"}
    assert len(cx.events) <= 3
    replayed = check_replay(manager.empty_cluster(plane=bad), cx.log, plane=bad)
    assert replayed.findings
    assert explorer.explore(manifests, budget=60, seed=0, scale=True,
                            max_actions=4).counterexample is None


@st.composite
def workload_scenarios(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Any]]:
    """Two or three nodes (some tainted), a drawn StatefulSet and DaemonSet, and a short
    sequence of template changes, scales, waits and node losses and returns."""
    count = draw(st.integers(2, 3))
    manifests = [draw(nodes(name=f"node-{i + 1}")) for i in range(count)]
    manifests.append(draw(stateful_sets(max_replicas=4)))
    manifests.append(draw(daemon_sets()))
    names = ["db", "agent"]
    node_names = [m["metadata"]["name"] for m in manifests[:count]]
    action = st.one_of(
        st.builds(ChangeTemplate, st.sampled_from(names), st.integers(0, 3),
                  st.sampled_from([0, 5])),
        st.builds(ScaleTo, st.just("db"), st.integers(0, 4)),
        st.builds(Wait, st.sampled_from([1, 5, 30, 60])),
        st.builds(NodeDown, st.sampled_from(node_names)),
        st.builds(NodeUp, st.sampled_from(node_names)))
    return manifests, draw(st.lists(action, max_size=6))


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(workload_scenarios())
def test_invariants_hold_and_workloads_converge(scenario):
    """Every state of every step keeps the safety invariants (these two included) and the
    transition properties; once nodes come back, the cluster converges."""
    manifests, actions = scenario
    start, _ = explorer.set_up(manifests)
    events, findings = explorer.run_actions(start, actions, manifests)
    assert findings == (), [str(f) for f in findings]


def test_convergence_after_node_loss_and_return():
    """The DaemonSet's pod on a node that stopped is ready again once the node returns;
    the StatefulSet settles."""
    manifests = [*NODES, {**STS, "metadata": {"name": "db", "namespace": "default"}},
                 {**ds(), "metadata": {"name": "agent", "namespace": "default"}}]
    start, _ = explorer.set_up(manifests)
    events, findings = explorer.run_actions(start, [NodeDown("node-1"), Wait(120)], manifests)
    assert findings == ()
    assert converge(manager.replay(start, events)).ok
