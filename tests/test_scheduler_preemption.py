"""DefaultPreemption: PostFilter, the dry run, candidate selection and the preemption itself.

Ported (v1.34) from pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go:
TestPostFilter (9 of 10 cases; the extender case is left out), TestDryRunPreemption (19
cases, the filter-call counts included), TestSelectBestCandidate (all 9),
TestPodEligibleToPreemptOthers (all 5, plus one of ours), TestPreempt (the 4 of 8 cases
without extenders); and from
framework/preemption/preemption_test.go: TestNodesWherePreemptionMightHelp (9 cases, against
NodesForStatusCode), TestDryRunPreemption (2) and TestSelectCandidate (1) with the fake
preemption plugins. Plus the args, and the public path: one `reconcile` preempts, the next
binds once the victims are gone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest

from kubefold.core.objects import Pod
from kubefold.reducers import apiserver, manager
from kubefold.reducers.scheduler import (
    controller,
    cycle,
    default_preemption,
    inter_pod_affinity,
    noderesources_fit,
    pod_topology_spread,
    queue,
)
from kubefold.reducers.scheduler.config import Profile
from kubefold.reducers.scheduler.default_preemption import (
    Candidate,
    DefaultPreemption,
    DefaultPreemptionArgs,
    Victims,
)
from kubefold.reducers.scheduler.framework import (
    ERROR,
    HANDLE_STATE_KEY,
    OK,
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    NodeToStatus,
    PostFilterResult,
    Snapshot,
    Status,
)
from tests.helpers import Engine, plane

ENGINE = Engine(plane(controller.CONTROLLER))


NOW = "2024-01-01T00:00:00Z"
NEG, LOW, MID, HIGH, VERY_HIGH = -100, 0, 100, 1000, 10000
SMALL = {"cpu": "100m", "memory": "100"}
MEDIUM = {"cpu": "200m", "memory": "200"}
LARGE = {"cpu": "300m", "memory": "300"}
VERY_LARGE = {"cpu": "500m", "memory": "500"}
ONE_POD = {"pods": "1"}
NODE_RES = {"cpu": "200m", "memory": "400"}
LABEL_KEYS = ("hostname", "zone", "region")


# --- builders (st.MakePod / st.MakeNode) -----------------------------------------------------


def epoch(n: int) -> str:
    """epochTime<n> (Go: n nanoseconds after the epoch; here seconds)."""
    return f"1970-01-01T00:00:{n:02d}Z"


def pod(name: str, priority: int | None = None, node: str | None = None,
        req: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None,
        start: int | None = None, containers: int = 1, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": [{"name": f"c{i}", "image": "i"}
                                           for i in range(containers)], **spec}
    if req is not None:
        body["containers"][0]["resources"] = {"requests": dict(req)}
    if priority is not None:
        body["priority"] = priority
    if node:
        body["nodeName"] = node
    manifest: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Pod", "spec": body,
        "metadata": {"name": name, "namespace": "default", "labels": dict(labels or {})}}
    if start is not None:
        manifest["status"] = {"startTime": epoch(start)}
    return manifest


def terminating(manifest: dict[str, Any], by_preemption: bool = False) -> dict[str, Any]:
    """Terminating(), and Condition(DisruptionTarget, True, PreemptionByScheduler)."""
    manifest["metadata"].update(deletionTimestamp=NOW, finalizers=["test"])
    if by_preemption:
        manifest.setdefault("status", {})["conditions"] = [
            {"type": "DisruptionTarget", "status": "True", "reason": "PreemptionByScheduler"}]
    return manifest


def make_node(name: str, capacity: Mapping[str, str] = VERY_LARGE,
              labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """st.MakeNode().Capacity(...): pods 32 unless given; a "a/b/c" name becomes the
    hostname, zone and region labels."""
    parts = name.split("/")
    res = {"pods": "32", **capacity}
    all_labels = {**dict(zip(LABEL_KEYS, parts, strict=False)), **(labels or {})}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": parts[0], "labels": all_labels},
            "status": {"capacity": res, "allocatable": res}}


def pdb(allowed: int, disrupted: Sequence[str] = ()) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "pdb", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "foo"}}},
            "status": {"disruptionsAllowed": allowed,
                       "disruptedPods": {name: NOW for name in disrupted}}}


def anti_affinity_exists(key: str, topology_key: str) -> dict[str, Any]:
    """PodAntiAffinityExists(key, topologyKey, PodAntiAffinityWithRequiredReq)."""
    term = {"labelSelector": {"matchExpressions": [{"key": key, "operator": "Exists"}]},
            "topologyKey": topology_key}
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}


def spread_foo(*keys: str) -> list[dict[str, Any]]:
    """SpreadConstraint(1, key, DoNotSchedule, Exists(foo)) for each key."""
    selector = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
    return [{"maxSkew": 1, "topologyKey": k, "whenUnsatisfiable": "DoNotSchedule",
             "labelSelector": selector} for k in keys]


def spread_pod(name: str) -> dict[str, Any]:
    return pod(name, HIGH, labels={"foo": ""},
               topologySpreadConstraints=spread_foo("zone", "hostname"))


def get(snapshot: Snapshot, name: str) -> Pod:
    p = snapshot.cluster.get("Pod", "default", name)
    assert p is not None
    return p


# --- fake plugins (testing/framework fake_plugins.go) ---------------------------------------

ERR_REASON_FAKE = "Nodes failed the fake plugin"


class FakeFilter:
    """FakeFilterPlugin: counts its calls; fails the nodes given a code."""

    name = "FakeFilter"

    def __init__(self, code: int = SUCCESS) -> None:
        self.code = code
        self.calls = 0

    def filter(self, state: CycleState, p: Pod, node_info: NodeInfo) -> Status:
        self.calls += 1
        if self.code != SUCCESS:
            return Status(self.code, (f"injecting failure for pod {p.metadata.name}",))
        return OK


class FalseFilter:
    name = "FalseFilter"

    def filter(self, state: CycleState, p: Pod, node_info: NodeInfo) -> Status:
        return Status(UNSCHEDULABLE, (ERR_REASON_FAKE,))


class TrueFilter:
    name = "TrueFilter"

    def filter(self, state: CycleState, p: Pod, node_info: NodeInfo) -> Status:
        return OK


class MatchFilter:
    name = "MatchFilter"

    def filter(self, state: CycleState, p: Pod, node_info: NodeInfo) -> Status:
        return OK if p.metadata.name == node_info.name else Status(UNSCHEDULABLE,
                                                                     (ERR_REASON_FAKE,))


class TestPlugin:
    """TestPlugin: AddPod and RemovePod fail on nodes labelled error=true."""

    __test__ = False
    name = "test-plugin"

    def pre_filter(self, state: CycleState, p: Pod, snapshot: Snapshot) -> Any:
        return state, None, OK

    def add_pod(self, state: CycleState, p: Pod, other: Pod, info: NodeInfo) -> Any:
        return state, self._status("add", p, info)

    def remove_pod(self, state: CycleState, p: Pod, other: Pod, info: NodeInfo) -> Any:
        return state, self._status("remove", p, info)

    def _status(self, verb: str, p: Pod, info: NodeInfo) -> Status:
        if info.node.metadata.labels.get("error") == "true":
            return Status(ERROR, (f"failed to {verb} pod: {p.metadata.name}",))
        return OK

    def filter(self, state: CycleState, p: Pod, node_info: NodeInfo) -> Status:
        return OK


def fit() -> Any:
    return noderesources_fit.new({})


def profile_of(*plugins: Any) -> Profile:
    """RegisterPluginAsExtensions(..., "PreFilter", "Filter") for each plugin, in order."""
    return Profile(pre_filter=tuple(p for p in plugins if hasattr(p, "pre_filter")),
                   filter=tuple(p for p in plugins if hasattr(p, "filter")))


def pre_filtered(profile: Profile, p: Pod, snapshot: Snapshot) -> CycleState:
    """RunPreFilterPlugins (must succeed), with the framework handle lent as the cycle does."""
    state, _, status, _ = cycle.run_pre_filter_plugins(profile, CycleState(), p, snapshot)
    assert status.is_success(), status
    return state.write(HANDLE_STATE_KEY, profile)


def statuses_of(codes: Mapping[str, int], absent: int = UNSCHEDULABLE_AND_UNRESOLVABLE
                ) -> NodeToStatus:
    return NodeToStatus({n: Status(c) for n, c in codes.items()}, Status(absent))


def victim_names(c: Candidate) -> tuple[str, ...]:
    return tuple(sorted(p.metadata.name or "" for p in c.victims.pods))


# --- TestPostFilter --------------------------------------------------------------------------

U, UU = UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE

POST_FILTER_CASES = [
    pytest.param(pod("p", HIGH), [pod("p1", node="node1")], [make_node("node1", ONE_POD)],
                 {"node1": U}, False, "node1", Status(), id="TestPostFilter/pod with higher "
                 "priority can be made schedulable"),
    pytest.param(pod("p"), [pod("p1", node="node1")], [make_node("node1", ONE_POD)],
                 {"node1": U}, False, "", Status(U, (
                     "preemption: 0/1 nodes are available: 1 No preemption victims found for "
                     "incoming pod.",)),
                 id="TestPostFilter/pod with tied priority is still unschedulable"),
    pytest.param(pod("p", HIGH), [pod("p1", node="node1")], [make_node("node1", ONE_POD)],
                 {"node1": UU}, False, "", Status(U, (
                     "preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
                     "scheduling.",)),
                 id="TestPostFilter/preemption should respect filteredNodesStatuses"),
    pytest.param(pod("p", MID), [pod("p1", HIGH, "node1"), pod("p2", LOW, "node2")],
                 [make_node("node1", ONE_POD), make_node("node2", ONE_POD)],
                 {"node1": U, "node2": U}, False, "node2", Status(),
                 id="TestPostFilter/pod can be made schedulable on one node"),
    pytest.param(pod("p", HIGH, req=LARGE), [pod("p1", node="node1"), pod("p2", node="node2")],
                 [make_node("node1", NODE_RES), make_node("node2", NODE_RES)],
                 {"node1": U, "node2": U}, False, "", Status(U, (
                     "preemption: 0/2 nodes are available: 2 Insufficient cpu.",)),
                 id="TestPostFilter/no candidate nodes found, no enough resource after "
                 "removing low priority pods"),
    pytest.param(pod("p", HIGH, req=LARGE),
                 [pod("p1", HIGH, "node1"), pod("p2", node="node2"), pod("p3", HIGH, "node3")],
                 [make_node("node1", ONE_POD), make_node("node2", NODE_RES),
                  make_node("node3", ONE_POD)],
                 {"node1": U, "node2": U, "node3": U}, False, "", Status(U, (
                     "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption "
                     "victims found for incoming pod.",)),
                 id="TestPostFilter/no candidate nodes found with mixed reasons, no lower "
                 "priority pod and no enough CPU resource"),
    pytest.param(pod("p", HIGH, req=LARGE), [pod("p1", node="node1"), pod("p2", node="node2")],
                 [make_node(f"node{i}", NODE_RES) for i in range(1, 5)],
                 {"node1": U, "node2": U, "node4": UU}, False, "", Status(U, (
                     "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is "
                     "not helpful for scheduling.",)),
                 id="TestPostFilter/no candidate nodes found with mixed reason, 2 "
                 "UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU "
                 "resource"),
    pytest.param(pod("p", HIGH, req=LARGE), [pod("p1", node="node1")],
                 [make_node("node1", LARGE, {"error": "true"})], {"node1": U}, True, None,
                 Status(ERROR, ('preemption: running RemovePod on PreFilter plugin '
                                '"test-plugin": failed to remove pod: p',)),
                 id="TestPostFilter/only one node but failed with TestPlugin"),
    pytest.param(pod("p", HIGH, req=LARGE),
                 [pod("p1", node="node1"), pod("p2", node="node2", req=MEDIUM)],
                 [make_node("node1", LARGE, {"error": "true"}), make_node("node2", LARGE)],
                 {"node1": U, "node2": U}, True, "node2", Status(),
                 id="TestPostFilter/one failed with TestPlugin and the other pass"),
]


@pytest.mark.parametrize("preemptor,pods,nodes,codes,with_test_plugin,want_node,want_status",
                         POST_FILTER_CASES)
def test_post_filter(preemptor: dict[str, Any], pods: list[dict[str, Any]],
                     nodes: list[dict[str, Any]], codes: dict[str, int], with_test_plugin: bool,
                     want_node: str | None, want_status: Status) -> None:
    snapshot = Snapshot(ENGINE.restore(*nodes, *pods, preemptor, now=NOW))
    profile = profile_of(fit(), *((TestPlugin(),) if with_test_plugin else ()))
    p = get(snapshot, "p")
    result, status = default_preemption.new({}).post_filter(
        pre_filtered(profile, p, snapshot), p, snapshot, statuses_of(codes))
    assert status == want_status
    if want_node is None:
        assert result is None
    else:
        assert result is not None and result.nominated_node_name == want_node
        assert (result.cluster is not None) == bool(want_node)


# --- TestDryRunPreemption (default_preemption_test.go) --------------------------------------

FIT = "fit"
PTS = "pts"
IPA = "ipa"


def lp(*names: str, node: str, prio: int = MID, req: Mapping[str, str] = LARGE,
       **kw: Any) -> list[dict[str, Any]]:
    return [pod(n, prio, node, req, **kw) for n in names]


DRY_RUN_CASES = [
    pytest.param([FalseFilter], ["node1", "node2"], [pod("p", HIGH)],
                 [pod("p1", MID, "node1"), pod("p2", MID, "node2")], [], SUCCESS, None, [0],
                 [[]], [2], id="TestDryRunPreemption/a pod that does not fit on any node"),
    pytest.param([TrueFilter], ["node1", "node2"], [pod("p", HIGH)],
                 [pod("p1", MID, "node1"), pod("p2", MID, "node2")], [], UNSCHEDULABLE, None,
                 [0], [[]], [2], id="TestDryRunPreemption/a pod that fits with no preemption"),
    pytest.param([MatchFilter], ["node1", "node2"], [pod("node1", HIGH)],
                 [pod("p1", MID, "node1"), pod("p2", MID, "node2")], [], UNSCHEDULABLE, None,
                 [0], [[]], [2],
                 id="TestDryRunPreemption/a pod that fits on one node with no preemption"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", HIGH, req=LARGE)],
                 [*lp("p1", node="node1"), *lp("p2", node="node2")], [], SUCCESS, None, [0],
                 [[("node1", ("p1",), 0), ("node2", ("p2",), 0)]], [4],
                 id="TestDryRunPreemption/a pod that fits on both nodes when lower priority "
                 "pods are preempted"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", LOW, req=LARGE)],
                 [*lp("p1", node="node1"), *lp("p2", node="node2")], [], SUCCESS, None, [0],
                 [[]], [0], id="TestDryRunPreemption/a pod that would fit on the nodes, but "
                 "other pods running are higher priority, no preemption would happen"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", HIGH, req=LARGE)],
                 [pod("p1.1", LOW, "node1", SMALL), pod("p1.2", MID, "node1", LARGE),
                  pod("p2", MID, "node2", LARGE)], [], SUCCESS, None, [0],
                 [[("node1", ("p1.2",), 0), ("node2", ("p2",), 0)]], [5],
                 id="TestDryRunPreemption/medium priority pod is preempted, but lower priority "
                 "one stays as it is small"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", HIGH, req=LARGE)],
                 [pod("p1.1", MID, "node1", SMALL), pod("p1.2", LOW, "node1", SMALL),
                  pod("p1.3", MID, "node1", MEDIUM), pod("p1.4", HIGH, "node1", SMALL),
                  pod("p2", HIGH, "node2", LARGE)], [], SUCCESS, None, [0],
                 [[("node1", ("p1.2", "p1.3"), 0)]], [4],
                 id="TestDryRunPreemption/mixed priority pods are preempted"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", HIGH, req=LARGE)],
                 [pod("p1.1", LOW, "node1", SMALL, start=5),
                  pod("p1.2", LOW, "node1", SMALL, start=4),
                  pod("p1.3", MID, "node1", MEDIUM, start=3),
                  pod("p1.4", HIGH, "node1", SMALL, start=2),
                  pod("p2", HIGH, "node2", LARGE, start=1)], [], SUCCESS, None, [0],
                 [[("node1", ("p1.1", "p1.3"), 0)]], [4],
                 id="TestDryRunPreemption/mixed priority pods are preempted, pick later "
                 "StartTime one when priorities are equal"),
    pytest.param([FIT, IPA], ["node1", "node2"],
                 [pod("p", HIGH, req=SMALL, labels={"foo": ""})],
                 [pod("p1.1", LOW, "node1", SMALL, labels={"foo": ""},
                      affinity=anti_affinity_exists("foo", "hostname")),
                  pod("p1.2", MID, "node1", SMALL), pod("p1.3", HIGH, "node1", SMALL),
                  pod("p2", HIGH, "node2", SMALL)], [], SUCCESS, None, [0],
                 [[("node1", ("p1.1",), 0)]], [3],
                 id="TestDryRunPreemption/pod with anti-affinity is preempted"),
    pytest.param([PTS], ["node-a/zone1", "node-b/zone1", "node-x/zone2"], [spread_pod("p")],
                 [pod("pod-a1", MID, "node-a", labels={"foo": ""}),
                  pod("pod-a2", LOW, "node-a", labels={"foo": ""}),
                  pod("pod-b1", LOW, "node-b", labels={"foo": ""}),
                  pod("pod-x1", HIGH, "node-x", labels={"foo": ""}),
                  pod("pod-x2", HIGH, "node-x", labels={"foo": ""})], [], SUCCESS, None, [0],
                 [[("node-a", ("pod-a2",), 0), ("node-b", ("pod-b1",), 0)]], [5],
                 id="TestDryRunPreemption/preemption to resolve pod topology spread filter "
                 "failure"),
    pytest.param([FIT], ["node1", "node2"], [pod("p", HIGH, req=LARGE)],
                 [*lp("p1", node="node1"), *lp("p2", node="node2")], [], UNSCHEDULABLE, None,
                 [0], [[]], [2], id="TestDryRunPreemption/get Unschedulable in the preemption "
                 "phase when the filter plugins filtering the nodes"),
    pytest.param([FIT], ["node1"], [pod("p", HIGH, req=VERY_LARGE)],
                 lp("p1.1", "p1.2", node="node1", req=MEDIUM, labels={"app": "foo"}),
                 [pdb(1)], SUCCESS, None, [0], [[("node1", ("p1.1", "p1.2"), 1)]], [3],
                 id="TestDryRunPreemption/preemption with violation of same pdb"),
    pytest.param([FIT], ["node1"], [pod("p", HIGH, req=VERY_LARGE)],
                 lp("p1.1", "p1.2", node="node1", req=MEDIUM, labels={"app": "foo"}),
                 [pdb(1, ["p2"])], SUCCESS, None, [0], [[("node1", ("p1.1", "p1.2"), 1)]],
                 [3], id="TestDryRunPreemption/preemption with violation of the pdb with pod "
                 "whose eviction was processed, the victim doesn't belong to DisruptedPods"),
    pytest.param([FIT], ["node1"], [pod("p", HIGH, req=VERY_LARGE)],
                 lp("p1.1", "p1.2", node="node1", req=MEDIUM, labels={"app": "foo"}),
                 [pdb(1, ["p1.2"])], SUCCESS, None, [0], [[("node1", ("p1.1", "p1.2"), 0)]],
                 [3], id="TestDryRunPreemption/preemption with violation of the pdb with pod "
                 "whose eviction was processed, the victim belongs to DisruptedPods"),
    pytest.param([FIT], ["node1"], [pod("p", HIGH, req=VERY_LARGE)],
                 lp("p1.1", "p1.2", "p1.3", node="node1", req=MEDIUM, labels={"app": "foo"}),
                 [pdb(1, ["p1.3"])], SUCCESS, None, [0],
                 [[("node1", ("p1.1", "p1.2", "p1.3"), 1)]], [4],
                 id="TestDryRunPreemption/preemption with violation of the pdb with pod whose "
                 "eviction was processed, the victim which belongs to DisruptedPods is treated "
                 "as 'nonViolating'"),
    pytest.param([FIT], [f"node{i}" for i in range(1, 6)], [pod("p", HIGH, req=LARGE)],
                 [p for i in range(1, 6) for p in lp(f"p{i}", node=f"node{i}")], [], SUCCESS,
                 DefaultPreemptionArgs(40, 1), [4],
                 [[("node1", ("p1",), 0), ("node5", ("p5",), 0)]], [4],
                 id="TestDryRunPreemption/all nodes are possible candidates, but "
                 "DefaultPreemptionArgs limits to 2"),
    pytest.param([FIT], [f"node{i}" for i in range(1, 6)], [pod("p", HIGH, req=LARGE)],
                 [*lp("p1", node="node1"), *lp("p2", node="node2", prio=VERY_HIGH),
                  *lp("p3", node="node3"), *lp("p4", node="node4"),
                  *lp("p5", node="node5", prio=VERY_HIGH)], [], SUCCESS,
                 DefaultPreemptionArgs(40, 1), [4],
                 [[("node1", ("p1",), 0), ("node3", ("p3",), 0)]], [4],
                 id="TestDryRunPreemption/some nodes are not possible candidates, "
                 "DefaultPreemptionArgs limits to 2"),
    pytest.param([FIT], [f"node{i}" for i in range(1, 6)],
                 [pod(f"tp{i}", HIGH, req=LARGE) for i in range(1, 4)],
                 [p for i in range(1, 6) for p in lp(f"p{i}", node=f"node{i}")], [], SUCCESS,
                 DefaultPreemptionArgs(40, 1), [4, 1, 3],
                 [[("node1", ("p1",), 0), ("node5", ("p5",), 0)],
                  [("node2", ("p2",), 0), ("node3", ("p3",), 0)],
                  [("node4", ("p4",), 0), ("node5", ("p5",), 0)]], [4, 4, 4],
                 id="TestDryRunPreemption/preemption offset across multiple scheduling cycles "
                 "and wrap around"),
    pytest.param([FIT], [f"node{i}" for i in range(1, 6)], [pod("p", HIGH, req=LARGE)],
                 [*lp("p1", node="node1", labels={"app": "foo"}),
                  *lp("p2", node="node2", labels={"app": "foo"}), *lp("p3", node="node3"),
                  *lp("p4", node="node4"), *lp("p5", node="node5", labels={"app": "foo"})],
                 [pdb(0)], SUCCESS, DefaultPreemptionArgs(40, 2), [4],
                 [[("node1", ("p1",), 1), ("node3", ("p3",), 0), ("node5", ("p5",), 1)]], [8],
                 id="TestDryRunPreemption/preemption looks past numCandidates until a non-PDB "
                 "violating node is found"),
]


def _plugin(kind: Any) -> Any:
    if kind == FIT:
        return fit()
    if kind == PTS:
        return pod_topology_spread.new({})
    if kind == IPA:
        return inter_pod_affinity.new({})
    return kind()


@pytest.mark.parametrize(
    "plugins,node_names,test_pods,init_pods,pdbs,fake_code,args,offsets,expected,filter_calls",
    DRY_RUN_CASES)
def test_dry_run_preemption(plugins: list[Any], node_names: list[str],
                            test_pods: list[dict[str, Any]], init_pods: list[dict[str, Any]],
                            pdbs: list[dict[str, Any]], fake_code: int,
                            args: DefaultPreemptionArgs | None, offsets: list[int],
                            expected: list[list[tuple[str, tuple[str, ...], int]]],
                            filter_calls: list[int]) -> None:
    """The offsets are those Go's rand.Seed(4) yields (named in the Go test's comments)."""
    cluster = ENGINE.restore(*(make_node(n) for n in node_names), *init_pods, *test_pods, *pdbs,
                      now=NOW)
    snapshot = Snapshot(cluster)
    fake = FakeFilter(fake_code)
    profile = profile_of(fake, *(_plugin(k) for k in plugins))
    pl = DefaultPreemption(args or DefaultPreemptionArgs())
    node_infos = sorted(snapshot, key=lambda n: n.name)
    budgets = default_preemption.get_pod_disruption_budgets(cluster)
    for i, manifest in enumerate(test_pods):
        p = get(snapshot, manifest["metadata"]["name"])
        state = pre_filtered(profile, p, snapshot)
        fake.calls = 0
        num = pl.calculate_num_candidates(len(node_infos))
        got, _, errs = pl.dry_run_preemption(state, p, node_infos, budgets, offsets[i], num,
                                             cluster.now)
        assert errs == []
        assert sorted((c.name, victim_names(c), c.victims.num_pdb_violations)
                      for c in got) == expected[i]
        assert fake.calls == filter_calls[i]


# --- TestSelectBestCandidate ----------------------------------------------------------------

SELECT_BEST_CASES = [
    pytest.param(["node1", "node2"], pod("p", HIGH, req=LARGE),
                 [pod("p1", MID, "node1", LARGE, start=0), pod("p2", MID, "node2", LARGE, start=0)],
                 {"node1", "node2"}, id="TestSelectBestCandidate/a pod that fits on both nodes "
                 "when lower priority pods are preempted"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", MEDIUM, start=0),
                  pod("p1.2", MID, "node1", LARGE, start=0),
                  pod("p2.1", MID, "node2", MEDIUM, start=0),
                  pod("p2.2", LOW, "node2", MEDIUM, start=0),
                  pod("p3.1", LOW, "node3", MEDIUM, start=0),
                  pod("p3.2", LOW, "node3", MEDIUM, start=0)], {"node3"},
                 id="TestSelectBestCandidate/node with min highest priority pod is picked"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", MEDIUM, start=0),
                  pod("p1.2", MID, "node1", LARGE, start=0),
                  pod("p2.1", MID, "node2", LARGE, start=0),
                  pod("p2.2", LOW, "node2", MEDIUM, start=0),
                  pod("p3.1", MID, "node3", MEDIUM, start=0),
                  pod("p3.2", MID, "node3", MEDIUM, start=0)], {"node2"},
                 id="TestSelectBestCandidate/when highest priorities are the same, minimum sum "
                 "of priorities is picked"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", SMALL, start=0),
                  pod("p1.2", NEG, "node1", SMALL, start=0),
                  pod("p1.3", MID, "node1", SMALL, start=0),
                  pod("p1.4", NEG, "node1", SMALL, start=0),
                  pod("p2.1", MID, "node2", LARGE, start=0),
                  pod("p2.2", NEG, "node2", MEDIUM, start=0),
                  pod("p3.1", MID, "node3", MEDIUM, start=0),
                  pod("p3.2", NEG, "node3", SMALL, start=0),
                  pod("p3.3", LOW, "node3", SMALL, start=0)], {"node2"},
                 id="TestSelectBestCandidate/when highest priority and sum are the same, "
                 "minimum number of pods is picked"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", SMALL, start=0),
                  pod("p1.2", NEG, "node1", SMALL, start=0),
                  pod("p1.3", NEG, "node1", SMALL, start=0),
                  pod("p2.1", MID, "node2", LARGE, start=0),
                  pod("p2.2", NEG, "node2", MEDIUM, start=0),
                  pod("p3.1", MID, "node3", MEDIUM, start=0),
                  pod("p3.2", NEG, "node3", SMALL, start=0),
                  pod("p3.3", LOW, "node3", SMALL, start=0)], {"node2"},
                 id="TestSelectBestCandidate/sum of adjusted priorities is considered"),
    pytest.param(["node1", "node2", "node3", "node4"], pod("p", VERY_HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", SMALL, start=0),
                  pod("p1.2", LOW, "node1", SMALL, start=0),
                  pod("p1.3", LOW, "node1", SMALL, start=0),
                  pod("p2.1", HIGH, "node2", LARGE, start=0),
                  pod("p3.1", MID, "node3", MEDIUM, start=0),
                  pod("p3.2", LOW, "node3", SMALL, start=0),
                  pod("p3.3", LOW, "node3", SMALL, start=0),
                  pod("p3.4", LOW, "node3", MEDIUM, start=0),
                  pod("p4.1", MID, "node4", MEDIUM, start=0),
                  pod("p4.2", MID, "node4", SMALL, start=0),
                  pod("p4.3", MID, "node4", SMALL, start=0),
                  pod("p4.4", NEG, "node4", SMALL, start=0)], {"node1"},
                 id="TestSelectBestCandidate/non-overlapping lowest high priority, sum "
                 "priorities, and number of pods"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", MEDIUM, start=2),
                  pod("p1.2", MID, "node1", MEDIUM, start=2),
                  pod("p2.1", MID, "node2", MEDIUM, start=3),
                  pod("p2.2", MID, "node2", MEDIUM, start=3),
                  pod("p3.1", MID, "node3", MEDIUM, start=1),
                  pod("p3.2", MID, "node3", MEDIUM, start=1)], {"node2"},
                 id="TestSelectBestCandidate/same priority, same number of victims, different "
                 "start time for each node's pod"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", MID, "node1", MEDIUM, start=4),
                  pod("p1.2", MID, "node1", MEDIUM, start=2),
                  pod("p2.1", MID, "node2", MEDIUM, start=5),
                  pod("p2.2", MID, "node2", MEDIUM, start=1),
                  pod("p3.1", MID, "node3", MEDIUM, start=3),
                  pod("p3.2", MID, "node3", MEDIUM, start=6)], {"node3"},
                 id="TestSelectBestCandidate/same priority, same number of victims, different "
                 "start time for all pods"),
    pytest.param(["node1", "node2", "node3"], pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", LOW, "node1", MEDIUM, start=4),
                  pod("p1.2", MID, "node1", MEDIUM, start=2),
                  pod("p2.1", MID, "node2", MEDIUM, start=6),
                  pod("p2.2", LOW, "node2", MEDIUM, start=1),
                  pod("p3.1", LOW, "node3", MEDIUM, start=3),
                  pod("p3.2", MID, "node3", MEDIUM, start=5)], {"node2"},
                 id="TestSelectBestCandidate/different priority, same number of victims, "
                 "different start time for all pods"),
]


@pytest.mark.parametrize("node_names,preemptor,pods,expected", SELECT_BEST_CASES)
@pytest.mark.parametrize("offset", [0, 1, 2])
def test_select_best_candidate(node_names: list[str], preemptor: dict[str, Any],
                               pods: list[dict[str, Any]], expected: set[str],
                               offset: int) -> None:
    """Every offset of the dry run must pick an expected node."""
    cluster = ENGINE.restore(*(make_node(n) for n in node_names), *pods, preemptor, now=NOW)
    snapshot = Snapshot(cluster)
    profile = profile_of(fit())
    p = get(snapshot, "p")
    pl = default_preemption.new({})
    infos = list(snapshot)
    candidates, _, _ = pl.dry_run_preemption(pre_filtered(profile, p, snapshot), p, infos, [],
                                             offset, pl.calculate_num_candidates(len(infos)),
                                             cluster.now)
    best = pl.select_candidate(candidates, cluster.now)
    assert best is not None and best.name in expected


# --- TestPodEligibleToPreemptOthers ---------------------------------------------------------

ELIGIBLE_CASES = [
    pytest.param(pod("p_with_nominated_node", HIGH), "node1",
                 [terminating(pod("p1", LOW, "node1"))], ["node1"],
                 Status(UU, ("node(s) had taints that the pod didn't tolerate",)), True,
                 id="TestPodEligibleToPreemptOthers/Pod with nominated node"),
    pytest.param(pod("p_without_nominated_node", HIGH), None, [], [], None, True,
                 id="TestPodEligibleToPreemptOthers/Pod without nominated node"),
    pytest.param(pod("p_with_preempt_never_policy", HIGH, preemptionPolicy="Never"), None, [],
                 [], None, False,
                 id="TestPodEligibleToPreemptOthers/Pod with 'PreemptNever' preemption policy"),
    pytest.param(pod("p_with_nominated_node", HIGH), "node1",
                 [terminating(pod("p1", LOW, "node1"), by_preemption=True)], ["node1"], None,
                 False, id="TestPodEligibleToPreemptOthers/preemption victim pod terminating, "
                 "as indicated by the dedicated DisruptionTarget condition"),
    pytest.param(pod("p_with_nominated_node", HIGH), "node1",
                 [terminating(pod("p1", LOW, "node1"))], ["node1"], None, True,
                 id="TestPodEligibleToPreemptOthers/non-victim Pods terminating"),
    pytest.param(pod("p_with_nominated_node", HIGH), "node1",
                 [terminating(pod("p1", VERY_HIGH, "node1"), by_preemption=True)], ["node1"],
                 None, True, id="kubefold/a terminating pod of higher priority is no victim "
                 "of this pod (isPreemptionAllowed)"),
]


@pytest.mark.parametrize("preemptor,nominated,pods,nodes,nominated_status,expected",
                         ELIGIBLE_CASES)
def test_pod_eligible_to_preempt_others(preemptor: dict[str, Any], nominated: str | None,
                                        pods: list[dict[str, Any]], nodes: list[str],
                                        nominated_status: Status | None,
                                        expected: bool) -> None:
    if nominated:
        preemptor["status"] = {"nominatedNodeName": nominated}
    snapshot = Snapshot(ENGINE.restore(*(make_node(n) for n in nodes), *pods, preemptor, now=NOW))
    p = get(snapshot, preemptor["metadata"]["name"])
    got, msg = default_preemption.new({}).pod_eligible_to_preempt_others(p, snapshot,
                                                                         nominated_status)
    assert got == expected
    assert (msg == "") == expected


# --- TestPreempt ----------------------------------------------------------------------------

PREEMPT_CASES = [
    pytest.param(pod("p", HIGH, req=VERY_LARGE, preemptionPolicy="PreemptLowerPriority"),
                 [pod("p1.1", LOW, "node1", SMALL), pod("p1.2", LOW, "node1", SMALL),
                  pod("p2.1", HIGH, "node2", LARGE), pod("p3.1", MID, "node3", MEDIUM)],
                 ["node1", "node2", "node3"], FIT, "node1", ["p1.1", "p1.2"],
                 id="TestPreempt/basic preemption logic"),
    pytest.param(spread_pod("p"),
                 [pod("p-a1", HIGH, "node-a", labels={"foo": ""}),
                  pod("p-a2", HIGH, "node-a", labels={"foo": ""}),
                  pod("p-b1", LOW, "node-b", labels={"foo": ""}),
                  pod("p-x1", HIGH, "node-x", labels={"foo": ""}),
                  pod("p-x2", HIGH, "node-x", labels={"foo": ""})],
                 ["node-a/zone1", "node-b/zone1", "node-x/zone2"], PTS, "node-b", ["p-b1"],
                 id="TestPreempt/preemption for topology spread constraints"),
    pytest.param(pod("p", HIGH, req=VERY_LARGE, preemptionPolicy="Never"),
                 [pod("p1.1", LOW, "node1", SMALL), pod("p1.2", LOW, "node1", SMALL),
                  pod("p2.1", HIGH, "node2", LARGE), pod("p3.1", MID, "node3", MEDIUM)],
                 ["node1", "node2", "node3"], FIT, None, [],
                 id="TestPreempt/no preempting in pod"),
    pytest.param(pod("p", HIGH, req=VERY_LARGE),
                 [pod("p1.1", LOW, "node1", SMALL), pod("p1.2", LOW, "node1", SMALL),
                  pod("p2.1", HIGH, "node2", LARGE), pod("p3.1", MID, "node3", MEDIUM)],
                 ["node1", "node2", "node3"], FIT, "node1", ["p1.1", "p1.2"],
                 id="TestPreempt/PreemptionPolicy is nil"),
]

DISRUPTION_MESSAGE = "default-scheduler: preempting to accommodate a higher priority pod"


@pytest.mark.parametrize("preemptor,pods,node_names,plugin,want,expected_pods", PREEMPT_CASES)
def test_preempt(preemptor: dict[str, Any], pods: list[dict[str, Any]], node_names: list[str],
                 plugin: str, want: str | None, expected_pods: list[str]) -> None:
    cluster = ENGINE.restore(*(make_node(n) for n in node_names), *pods, preemptor, now=NOW)
    snapshot = Snapshot(cluster)
    profile = profile_of(_plugin(plugin))
    p = get(snapshot, "p")
    pl = default_preemption.new({})
    statuses = statuses_of({info.name: U for info in snapshot})
    result, status = pl.preempt(pre_filtered(profile, p, snapshot), p, snapshot, statuses)
    assert status.is_success() or status.is_rejected()
    if want is None:
        assert result is None
        return
    assert result is not None and result.nominated_node_name == want
    after = result.cluster
    assert after is not None
    deleted = sorted(v.metadata.name or "" for v in after.list("Pod", "default")
                     if v.metadata.deletion_timestamp is not None)
    assert deleted == expected_pods
    for name in expected_pods:
        victim = after.get("Pod", "default", name)
        cond = next(c for c in victim.status.conditions if c.type == "DisruptionTarget")
        assert (cond.status, cond.reason, cond.message) == (
            "True", "PreemptionByScheduler", DISRUPTION_MESSAGE)
    # Preempt again with the pod nominated: no more victims.
    nominated = attrs.evolve(p, status=attrs.evolve(p.status, nominated_node_name=want))
    again = apiserver.update_status(after, nominated)
    assert isinstance(again, apiserver.Written)
    snap2 = Snapshot(again.cluster)
    p2 = get(snap2, "p")
    result2, _ = pl.preempt(pre_filtered(profile, p2, snap2), p2, snap2, NodeToStatus())
    assert result2 is None or result2.cluster is None


# --- preemption_test.go: TestNodesWherePreemptionMightHelp ----------------------------------

NODE4 = [f"node{i}" for i in range(1, 5)]
AFFINITY_RULES = inter_pod_affinity.ERR_REASON_AFFINITY_RULES_NOT_MATCH
ANTI_AFFINITY_RULES = inter_pod_affinity.ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH


def st(code: int, reason: str = "") -> Status:
    return Status(code, (reason,) if reason else ())


MIGHT_HELP_CASES = [
    pytest.param({"node1": st(UU, "node(s) didn't match Pod's node affinity/selector"),
                  "node2": st(UU, "node(s) didn't match the requested node name"),
                  "node3": st(UU, "node(s) had taints that the pod didn't tolerate"),
                  "node4": st(UU, AFFINITY_RULES)}, set(),
                 id="TestNodesWherePreemptionMightHelp/No node should be attempted"),
    pytest.param({"node1": st(U, ANTI_AFFINITY_RULES),
                  "node2": st(UU, "node(s) didn't match the requested node name"),
                  "node3": st(UU, "node(s) were unschedulable"),
                  "node4": st(U, "Unschedulable")}, {"node1", "node4"},
                 id="TestNodesWherePreemptionMightHelp/ErrReasonAntiAffinityRulesNotMatch should "
                 "be tried as it indicates that the pod is unschedulable due to inter-pod "
                 "anti-affinity"),
    pytest.param({"node1": st(UU, AFFINITY_RULES), "node2": st(U, ANTI_AFFINITY_RULES),
                  "node3": st(U, "Unschedulable"), "node4": st(U, "Unschedulable")},
                 {"node2", "node3", "node4"},
                 id="TestNodesWherePreemptionMightHelp/ErrReasonAffinityRulesNotMatch should "
                 "not be tried as it indicates that the pod is unschedulable due to inter-pod "
                 "affinity, but ErrReasonAntiAffinityRulesNotMatch should be tried as it "
                 "indicates that the pod is unschedulable due to inter-pod anti-affinity"),
    pytest.param({"node1": st(UU, "node(s) had no available disk"),
                  "node2": st(U, "Insufficient memory"), "node3": st(U, "Unschedulable"),
                  "node4": st(U, "Unschedulable")}, {"node2", "node3", "node4"},
                 id="TestNodesWherePreemptionMightHelp/Mix of failed predicates works fine"),
    pytest.param({"node1": st(UU, "node(s) had unknown conditions"),
                  "node2": st(U, "Unschedulable"), "node3": st(U, "Unschedulable"),
                  "node4": st(U, "Unschedulable")}, {"node2", "node3", "node4"},
                 id="TestNodesWherePreemptionMightHelp/Node condition errors should be "
                 "considered unresolvable"),
    pytest.param({"node1": st(UU, "node(s) had no available volume zone"),
                  "node2": st(UU, "node(s) had volume node affinity conflict"),
                  "node3": st(UU, "node(s) didn't find available persistent volumes to bind"),
                  "node4": st(U, "Unschedulable")}, {"node4"},
                 id="TestNodesWherePreemptionMightHelp/ErrVolume... errors should not be tried "
                 "as it indicates that the pod is unschedulable due to no matching volumes for "
                 "pod on node"),
    pytest.param({"node1": st(U, pod_topology_spread.ERR_REASON_CONSTRAINTS_NOT_MATCH),
                  "node2": st(UU, "node(s) didn't match the requested node name"),
                  "node3": st(U, pod_topology_spread.ERR_REASON_CONSTRAINTS_NOT_MATCH),
                  "node4": st(U, "Unschedulable")}, {"node1", "node3", "node4"},
                 id="TestNodesWherePreemptionMightHelp/ErrReasonConstraintsNotMatch should be "
                 "tried as it indicates that the pod is unschedulable due to topology spread "
                 "constraints"),
    pytest.param({"node1": st(U), "node2": st(UU), "node3": st(U), "node4": st(UU)},
                 {"node1", "node3"},
                 id="TestNodesWherePreemptionMightHelp/UnschedulableAndUnresolvable status "
                 "should be skipped but Unschedulable should be tried"),
    pytest.param({"node1": st(U),
                  "node2": st(UU, pod_topology_spread.ERR_REASON_NODE_LABEL_NOT_MATCH),
                  "node3": st(U), "node4": st(UU)}, {"node1", "node3"},
                 id="TestNodesWherePreemptionMightHelp/ErrReasonNodeLabelNotMatch should not be "
                 "tried as it indicates that the pod is unschedulable due to node doesn't have "
                 "the required label"),
]


@pytest.mark.parametrize("statuses,expected", MIGHT_HELP_CASES)
def test_nodes_where_preemption_might_help(statuses: dict[str, Status],
                                           expected: set[str]) -> None:
    snapshot = Snapshot(ENGINE.restore(*(make_node(n) for n in NODE4), now=NOW))
    nodes = default_preemption.nodes_for_status_code(NodeToStatus(statuses), snapshot,
                                                     UNSCHEDULABLE)
    assert {n.name for n in nodes} == expected


def test_nodes_for_status_code_absent_nodes() -> None:
    """NodesForStatusCode: nodes not listed count when the absent nodes' status has the code."""
    snapshot = Snapshot(ENGINE.restore(*(make_node(n) for n in NODE4), now=NOW))
    statuses = statuses_of({"node2": UU}, absent=U)
    nodes = default_preemption.nodes_for_status_code(statuses, snapshot, UNSCHEDULABLE)
    assert [n.name for n in nodes] == ["node1", "node3", "node4"]


# --- preemption_test.go: TestDryRunPreemption, TestSelectCandidate (fake plugins) -----------


@attrs.frozen
class FakePostFilterPlugin(DefaultPreemption):
    """SelectVictimsOnNode: the node's first pod, with the given PDB violation count; or, with
    `by_containers`, OrderedScoreFuncs preferring the fewest containers among the victims
    (FakePreemptionScorePostFilterPlugin)."""

    num_violating_victim: int = 0
    by_containers: bool = False

    def select_victims_on_node(self, state: CycleState, p: Pod, node_info: NodeInfo,
                               pdbs: Sequence[Any], now: int) -> tuple[list[Pod], int, Status]:
        return [node_info.pods[0]], self.num_violating_victim, OK

    def ordered_score_funcs(self, nodes_to_victims: Mapping[str, Victims]) -> Any:
        if not self.by_containers:
            return None
        return [lambda node: -sum(len(v.spec.containers) + len(v.spec.init_containers)
                                  for v in nodes_to_victims[node].pods)]


@pytest.mark.parametrize("num_violating", [
    pytest.param(0, id="TestDryRunPreemption(preemption)/no pdb violation"),
    pytest.param(1, id="TestDryRunPreemption(preemption)/pdb violation on each node"),
])
def test_dry_run_preemption_fake_plugin(num_violating: int) -> None:
    cluster = ENGINE.restore(make_node("node1"), make_node("node2"), pod("p", HIGH),
                      pod("p1", MID, "node1"), pod("p2", MID, "node2"), now=NOW)
    snapshot = Snapshot(cluster)
    pl = FakePostFilterPlugin(num_violating_victim=num_violating)
    infos = sorted(snapshot, key=lambda n: n.name)
    got, _, _ = pl.dry_run_preemption(CycleState(), get(snapshot, "p"), infos, [], 0,
                                      len(infos), cluster.now)
    assert sorted((c.name, victim_names(c), c.victims.num_pdb_violations) for c in got) == [
        ("node1", ("p1",), num_violating), ("node2", ("p2",), num_violating)]


def test_select_candidate_ordered_score_funcs() -> None:
    """TestSelectCandidate/pod has different number of containers on each node."""
    cluster = ENGINE.restore(*(make_node(f"node{i}") for i in range(1, 4)),
                      pod("p", HIGH, req=VERY_LARGE), pod("p1.1", MID, "node1", containers=2),
                      pod("p2.1", MID, "node2", containers=1),
                      pod("p3.1", MID, "node3", containers=3), now=NOW)
    snapshot = Snapshot(cluster)
    pl = FakePostFilterPlugin(num_violating_victim=1, by_containers=True)
    infos = list(snapshot)
    candidates, _, _ = pl.dry_run_preemption(CycleState(), get(snapshot, "p"), infos, [], 0,
                                             len(infos), cluster.now)
    best = pl.select_candidate(candidates, cluster.now)
    assert best is not None and best.name == "node2"


# --- pickOneNodeForPreemption directly ------------------------------------------------------


def test_pick_one_node_for_preemption_pdb_violations_first() -> None:
    """Criterion 1 beats the others: fewer PDB violations wins over lower priorities."""
    cluster = ENGINE.restore(*(make_node(n) for n in ("node1", "node2")),
                      pod("a", LOW, "node1"), pod("b", MID, "node2"), now=NOW)
    a, b = (cluster.get("Pod", "default", n) for n in ("a", "b"))
    victims = {"node1": Victims((a,), 1), "node2": Victims((b,), 0)}
    assert default_preemption.pick_one_node_for_preemption(victims, None, cluster.now) == "node2"
    assert default_preemption.pick_one_node_for_preemption({}, None, cluster.now) == ""


# --- args -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args,error", [
    pytest.param({}, None, id="kubefold/defaults 10 % and 100"),
    pytest.param({"minCandidateNodesPercentage": 101}, "minCandidateNodesPercentage: Invalid "
                 "value: 101: not in valid range [0, 100]", id="kubefold/percentage too large"),
    pytest.param({"minCandidateNodesAbsolute": -1}, "minCandidateNodesAbsolute: Invalid value: "
                 "-1: not in valid range [0, inf)", id="kubefold/negative absolute"),
    pytest.param({"minCandidateNodesPercentage": 0, "minCandidateNodesAbsolute": 0},
                 "cannot be zero at the same time", id="kubefold/both zero"),
])
def test_new(args: dict[str, Any], error: str | None) -> None:
    if error is None:
        pl = default_preemption.new(args)
        assert pl.args == DefaultPreemptionArgs(10, 100)
        assert [pl.calculate_num_candidates(n) for n in (5, 100, 2000)] == [5, 100, 200]
        return
    with pytest.raises(ValueError, match=re.escape(error)):
        default_preemption.new(args)


# --- the public path ------------------------------------------------------------------------


def test_reconcile_preempts_then_binds_once_the_victims_are_gone() -> None:
    """Three nodes full of low-priority pods; a high-priority pod is pending. One reconcile:
    the victims on the chosen node are marked DisruptionTarget and deleted (Terminating), the
    pod is nominated, not bound. While they terminate, a retry does not preempt again; once
    they are gone, the next cycle binds the pod to its nominated node."""
    nodes = [make_node(f"node{i}", {"cpu": "1", "memory": "1Gi"}) for i in range(1, 4)]
    fillers = [pod("f1a", LOW, "node1", {"cpu": "500m"}, start=10),
               pod("f1b", LOW, "node1", {"cpu": "500m"}, start=10),
               pod("f2a", MID, "node2", {"cpu": "1"}, start=10),
               pod("f3a", LOW, "node3", {"cpu": "600m"}, start=10),
               pod("f3b", MID, "node3", {"cpu": "400m"}, start=10)]
    cluster = ENGINE.restore(*nodes, *fillers, pod("p", HIGH, req={"cpu": "800m"}), now=NOW)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    p = cluster.get("Pod", "default", "p")
    assert p.spec.node_name is None
    assert p.status.nominated_node_name == "node1"
    cond = next(c for c in p.status.conditions if c.type == "PodScheduled")
    assert (cond.status, cond.reason, cond.message) == (
        "False", "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.")
    for name in ("f1a", "f1b"):
        victim = cluster.get("Pod", "default", name)
        assert victim.metadata.deletion_timestamp == cluster.now + 30
        dt = next(c for c in victim.status.conditions if c.type == "DisruptionTarget")
        assert (dt.status, dt.reason, dt.message) == (
            "True", "PreemptionByScheduler", DISRUPTION_MESSAGE)
    untouched = [cluster.get("Pod", "default", n) for n in ("f2a", "f3a", "f3b")]
    assert all(v.metadata.deletion_timestamp is None for v in untouched)

    # Retried while the victims terminate: not eligible, nothing more is preempted.
    cluster = manager.advance(cluster, cluster.now + 1)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    p = cluster.get("Pod", "default", "p")
    assert p.spec.node_name is None and p.status.nominated_node_name == "node1"
    cond = next(c for c in p.status.conditions if c.type == "PodScheduled")
    assert cond.message == ("0/3 nodes are available: 3 Insufficient cpu. preemption: not "
                            "eligible due to a terminating pod on the nominated node.")
    assert all(cluster.get("Pod", "default", n).metadata.deletion_timestamp is None
               for n in ("f2a", "f3a", "f3b"))

    # The kubelet finishes the deletions: the pod is moved to the queue and bound.
    for name in ("f1a", "f1b"):
        written = apiserver.finish_deletion(cluster, "Pod", "default", name)
        assert isinstance(written, apiserver.Written)
        cluster = ENGINE.dispatch(written.cluster)[0]
    assert ("scheduler", "default/p") in cluster.queue.queued
    cluster = manager.advance(cluster, cluster.now + 10)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    p = cluster.get("Pod", "default", "p")
    assert p.spec.node_name == "node1"
    assert queue.attempts(cluster, "default/p") == 0


def test_reconcile_clears_lower_priority_nomination() -> None:
    """prepareCandidate: a lower-priority pod nominated to the chosen node loses its
    nomination."""
    nominee = pod("n", LOW, req={"cpu": "900m"})
    nominee["status"] = {"nominatedNodeName": "node1"}
    cluster = ENGINE.restore(make_node("node1", {"cpu": "1", "memory": "1Gi"}),
                      pod("f", LOW, "node1", {"cpu": "1"}), nominee,
                      pod("p", HIGH, req={"cpu": "1"}), now=NOW)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    assert cluster.get("Pod", "default", "p").status.nominated_node_name == "node1"
    assert cluster.get("Pod", "default", "n").status.nominated_node_name is None
    assert cluster.get("Pod", "default", "f").metadata.deletion_timestamp is not None


def test_post_filter_result_carries_no_cluster_without_writes() -> None:
    assert PostFilterResult("").cluster is None
