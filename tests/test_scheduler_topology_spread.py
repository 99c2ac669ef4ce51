"""PodTopologySpread: the cases of pkg/scheduler/framework/plugins/podtopologyspread
filtering_test.go (TestPreFilterState, TestSingleConstraint, TestMultipleConstraints,
TestPreFilterDisabled) and scoring_test.go (TestPodTopologySpreadScore), v1.34."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.reducers.scheduler import pod_topology_spread as pts
from kubefold.reducers.scheduler.framework import (
    ERROR,
    SKIP,
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeScore,
    Snapshot,
)
from tests.helpers import restore

HOST = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}
NO_SCHEDULE_TAINT = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]
OK, US, UU = SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE


def node(name: str, taints: list[Any] | None = None, **labels: str) -> dict[str, Any]:
    """st.MakeNode().Name(name).Label(k, v)...; `zone`/`node` keys as the Go tests use."""
    spec = {"taints": taints} if taints else {}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels}, "spec": spec}


def zn(name: str, zone: str) -> dict[str, Any]:
    return node(name, zone=zone, node=name)


def hn(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {**labels, HOST: name}}}


def spread(max_skew: int, key: str, when: str, selector: dict[str, Any] | None,
           min_domains: int | None = None, affinity_policy: str | None = None,
           taints_policy: str | None = None, match_label_keys: list[str] | None = None
           ) -> dict[str, Any]:
    """st.SpreadConstraint(maxSkew, key, when, selector, minDomains, nodeAffinityPolicy,
    nodeTaintsPolicy, matchLabelKeys)."""
    c: dict[str, Any] = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when}
    for k, v in (("labelSelector", selector), ("minDomains", min_domains),
                 ("nodeAffinityPolicy", affinity_policy), ("nodeTaintsPolicy", taints_policy),
                 ("matchLabelKeys", match_label_keys)):
        if v is not None:
            c[k] = v
    return c


def hard(*args: Any, **kw: Any) -> dict[str, Any]:
    return spread(args[0], args[1], "DoNotSchedule", *args[2:], **kw)


def soft(*args: Any, **kw: Any) -> dict[str, Any]:
    return spread(args[0], args[1], "ScheduleAnyway", *args[2:], **kw)


def pod(name: str, labels: tuple[str, ...] = ("foo",), node_name: str | None = None,
        ns: str = "default", constraints: tuple[dict[str, Any], ...] = (),
        terminating: bool = False, **spec: Any) -> dict[str, Any]:
    """st.MakePod().Name(name).Label(l, "")...; Terminating() sets a deletionTimestamp."""
    meta: dict[str, Any] = {"name": name, "namespace": ns, "labels": {k: "" for k in labels}}
    if terminating:
        meta["deletionTimestamp"] = "2024-01-01T00:00:00Z"
        meta["finalizers"] = ["test"]
    body: dict[str, Any] = {"containers": [{"name": "c", "image": "i"}], **spec}
    if node_name:
        body["nodeName"] = node_name
    if constraints:
        body["topologySpreadConstraints"] = list(constraints)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}


def pods_on(node_name: str, *names: str, labels: tuple[str, ...] = ("foo",)
            ) -> list[dict[str, Any]]:
    return [pod(n, labels, node_name) for n in names]


def affinity_in(key: str, values: list[str]) -> dict[str, Any]:
    """st.NodeAffinityIn(key, values, NodeSelectorTypeMatchExpressions)."""
    term = {"matchExpressions": [{"key": key, "operator": "In", "values": values}]}
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [term]}}}


def cluster_of(nodes: list[dict[str, Any]], existing: list[dict[str, Any]],
               objs: list[dict[str, Any]] = ()) -> Snapshot:  # type: ignore[assignment]
    return Snapshot(restore(*nodes, *existing, *objs))


# --- TestPreFilterState -----------------------------------------------------------------------

FOUR_ZONE_NODES = [zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-x", "zone2"),
                   zn("node-y", "zone2")]
A2_B1_Y2 = [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1"),
            *pods_on("node-y", "p-y1", "p-y2")]
A2_B1_Y4 = [*A2_B1_Y2, *pods_on("node-y", "p-y3", "p-y4")]

PRE_FILTER_STATE = [
    ("clean cluster with one spreadConstraint",
     pod("p", constraints=(hard(5, "zone", {"matchLabels": {"foo": "bar"}}),)),
     FOUR_ZONE_NODES, [], [{"zone1": 0, "zone2": 0}], [(0, 0)]),
    ("normal case with one spreadConstraint",
     pod("p", constraints=(hard(1, "zone", FOO),)), FOUR_ZONE_NODES, A2_B1_Y2,
     [{"zone1": 3, "zone2": 2}], [(("zone2", 2), ("zone1", 3))]),
    ("normal case with null label selector",
     pod("p", constraints=(hard(1, "zone", None),)), FOUR_ZONE_NODES, A2_B1_Y2,
     [{"zone1": 0, "zone2": 0}], [(0, 0)]),
    ("normal case with one spreadConstraint, on a 3-zone cluster",
     pod("p", constraints=(hard(1, "zone", FOO),)),
     [*FOUR_ZONE_NODES, zn("node-o", "zone3"), zn("node-p", "zone3")], A2_B1_Y2,
     [{"zone1": 3, "zone2": 2, "zone3": 0}], [(("zone3", 0), ("zone2", 2))]),
    ("namespace mismatch doesn't count",
     pod("p", constraints=(hard(1, "zone", FOO),)), FOUR_ZONE_NODES,
     [pod("p-a1", node_name="node-a"), pod("p-a2", node_name="node-a", ns="ns1"),
      pod("p-b1", node_name="node-b"), pod("p-y1", node_name="node-y", ns="ns2"),
      pod("p-y2", node_name="node-y")],
     [{"zone1": 2, "zone2": 1}], [(("zone2", 1), ("zone1", 2))]),
    ("normal case with two spreadConstraints",
     pod("p", constraints=(hard(1, "zone", FOO), hard(1, "node", FOO))), FOUR_ZONE_NODES,
     A2_B1_Y4, [{"zone1": 3, "zone2": 4}, {"node-a": 2, "node-b": 1, "node-x": 0, "node-y": 4}],
     [(("zone1", 3), ("zone2", 4)), (("node-x", 0), ("node-b", 1))]),
    ("soft spreadConstraints should be bypassed",
     pod("p", constraints=(soft(1, "zone", FOO), hard(1, "zone", FOO), soft(1, "node", FOO),
                           hard(1, "node", FOO))),
     [zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-y", "zone2")], A2_B1_Y4,
     [{"zone1": 3, "zone2": 4}, {"node-a": 2, "node-b": 1, "node-y": 4}],
     [(("zone1", 3), ("zone2", 4)), (("node-b", 1), ("node-a", 2))]),
    ("different labelSelectors - simple version",
     pod("p", ("foo", "bar"), constraints=(hard(1, "zone", FOO), hard(1, "node", BAR))),
     [zn("node-a", "zone1"), zn("node-b", "zone1"), zn("node-y", "zone2")],
     [pod("p-a", node_name="node-a"), pod("p-b", ("bar",), "node-b")],
     [{"zone1": 1, "zone2": 0}, {"node-a": 0, "node-b": 1, "node-y": 0}],
     [(("zone2", 0), ("zone1", 1)), (("node-a", 0), ("node-y", 0))]),
]


def _sorted_paths(paths: pts.CriticalPaths) -> tuple[Any, ...]:
    """criticalPaths.sort(): equal MatchNums compare with their values sorted."""
    (v0, n0), (v1, n1) = paths.paths
    if n0 == n1 and v0 > v1:
        v0, v1 = v1, v0
    return ((v0, n0), (v1, n1))


@pytest.mark.parametrize(
    "incoming,nodes,existing,want_counts,want_paths",
    [pytest.param(*c[1:], id=f"TestPreFilterState/{c[0]}") for c in PRE_FILTER_STATE])
def test_pre_filter_state(incoming: dict[str, Any], nodes: list[Any], existing: list[Any],
                          want_counts: list[dict[str, int]], want_paths: list[Any]) -> None:
    snapshot = cluster_of(nodes, existing)
    plugin = pts.new({"defaultingType": "List"})
    state, _, status = plugin.pre_filter(CycleState(), decode_object(incoming), snapshot)
    assert status.is_success()
    s = state.read(pts.PRE_FILTER_STATE_KEY)
    assert [dict(m) for m in s.tp_value_to_match_num] == want_counts
    for got, want in zip(s.critical_paths, want_paths, strict=True):
        if want == (0, 0):  # both paths at 0 whatever their order
            assert [n for _, n in got.paths] == [0, 0]
        else:
            assert _sorted_paths(got) == _sorted_paths(pts.CriticalPaths(want))


def test_pre_filter_state_no_constraints_skips() -> None:
    """TestPreFilterState: a pod without constraints (List defaulting, none) is skipped."""
    snapshot = cluster_of(FOUR_ZONE_NODES, [])
    plugin = pts.new({"defaultingType": "List"})
    _, _, status = plugin.pre_filter(CycleState(), decode_object(pod("p")), snapshot)
    assert status.code == SKIP


def test_pre_filter_state_default_constraints_from_service() -> None:
    """TestPreFilterState "default constraints and a service": the List defaults select
    what the matching Service selects."""
    snapshot = cluster_of(
        FOUR_ZONE_NODES, A2_B1_Y2,
        [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
          "spec": {"selector": {"foo": ""}}}])
    plugin = pts.new({"defaultingType": "List",
                      "defaultConstraints": [hard(3, "node", None), hard(2, "rack", None),
                                             soft(1, "zone", None)]})
    state, _, status = plugin.pre_filter(CycleState(), decode_object(pod("p")), snapshot)
    assert status.is_success()
    s = state.read(pts.PRE_FILTER_STATE_KEY)
    assert [c.topology_key for c in s.constraints] == ["node", "rack"]
    assert str(s.constraints[0].selector) == "foo="
    # no node has "rack": nothing is counted
    assert [dict(m) for m in s.tp_value_to_match_num] == [{}, {}]


# --- TestSingleConstraint / TestMultipleConstraints -------------------------------------------

A2_B1_Y3 = [*A2_B1_Y2, *pods_on("node-y", "p-y3")]

SINGLE_CONSTRAINT = [
    ("no existing pods", pod("p", constraints=(hard(1, "zone", FOO),)), FOUR_ZONE_NODES, [],
     {"node-a": OK, "node-b": OK, "node-x": OK, "node-y": OK}),
    ("no existing pods, incoming pod doesn't match itself",
     pod("p", constraints=(hard(1, "zone", BAR),)), FOUR_ZONE_NODES, [],
     {"node-a": OK, "node-b": OK, "node-x": OK, "node-y": OK}),
    ("existing pods in a different namespace do not count",
     pod("p", constraints=(hard(1, "zone", FOO),)), FOUR_ZONE_NODES,
     [pod("p-a1", node_name="node-a", ns="ns1"), pod("p-b1", node_name="node-a", ns="ns2"),
      pod("p-x1", node_name="node-x"), pod("p-y1", node_name="node-y")],
     {"node-a": OK, "node-b": OK, "node-x": US, "node-y": US}),
    ("pods spread across zones as 3/3, all nodes fit",
     pod("p", constraints=(hard(1, "zone", FOO),)), FOUR_ZONE_NODES, A2_B1_Y3,
     {"node-a": OK, "node-b": OK, "node-x": OK, "node-y": OK}),
    ("pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
     pod("p", constraints=(hard(1, "zone", FOO),)),
     [zn("node-a", "zone1"), node("node-b", zon="zone1", node="node-b"),
      zn("node-x", "zone2"), zn("node-y", "zone2")],
     [*pods_on("node-a", "p-a1"), *pods_on("node-b", "p-b1"), *pods_on("node-x", "p-x1"),
      *pods_on("node-y", "p-y1")],
     {"node-a": OK, "node-b": UU, "node-x": US, "node-y": US}),
    ("pod cannot be scheduled as all nodes don't have label 'rack'",
     pod("p", constraints=(hard(1, "rack", FOO),)),
     [zn("node-a", "zone1"), zn("node-x", "zone2")], [], {"node-a": UU, "node-x": UU}),
    ("pods spread across nodes as 2/1/0/3, only node-x fits",
     pod("p", constraints=(hard(1, "node", FOO),)), FOUR_ZONE_NODES, A2_B1_Y3,
     {"node-a": US, "node-b": US, "node-x": OK, "node-y": US}),
    ("pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
     pod("p", constraints=(hard(2, "node", FOO),)), FOUR_ZONE_NODES, A2_B1_Y3,
     {"node-a": US, "node-b": OK, "node-x": OK, "node-y": US}),
    ("pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
     pod("p", ("bar",), constraints=(hard(1, "node", FOO),)), FOUR_ZONE_NODES, A2_B1_Y3,
     {"node-a": US, "node-b": OK, "node-x": OK, "node-y": US}),
    ("incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
     pod("p", constraints=(hard(1, "node", FOO),),
         affinity=affinity_in("node", ["node-a", "node-y"])),
     FOUR_ZONE_NODES, A2_B1_Y3, {"node-a": OK, "node-b": OK, "node-x": OK, "node-y": US}),
    ("terminating Pods should be excluded",
     pod("p", constraints=(hard(1, "node", FOO),)),
     [node("node-a", node="node-a"), node("node-b", node="node-b")],
     [pod("p-a", node_name="node-a", terminating=True), pod("p-b", node_name="node-b")],
     {"node-a": OK, "node-b": US}),
    ("kubefold: pods spread across zones as 2/2, minDomains=3 makes the global minimum 0",
     pod("p", constraints=(hard(2, "zone", FOO, 3),)), FOUR_ZONE_NODES,
     [*pods_on("node-a", "p-a1"), *pods_on("node-b", "p-b1"), *pods_on("node-x", "p-x1"),
      *pods_on("node-y", "p-y1")],
     {"node-a": US, "node-b": US, "node-x": US, "node-y": US}),
    ("kubefold: NodeAffinityPolicy ignored with nodeSelector: node-x's domain counts",
     pod("p", constraints=(hard(1, "node", FOO, None, "Ignore"),),
         nodeSelector={"zone": "zone1"}),
     FOUR_ZONE_NODES, A2_B1_Y3, {"node-a": US, "node-b": US, "node-x": OK, "node-y": US}),
    ("kubefold: NodeAffinityPolicy honored with nodeSelector: node-b holds the minimum",
     pod("p", constraints=(hard(1, "node", FOO),), nodeSelector={"zone": "zone1"}),
     FOUR_ZONE_NODES, A2_B1_Y3, {"node-a": US, "node-b": OK, "node-x": OK, "node-y": OK}),
    ("kubefold: NodeTaintsPolicy honored: the tainted node-x doesn't count",
     pod("p", constraints=(hard(1, "node", FOO, None, None, "Honor"),)),
     [zn("node-a", "zone1"), zn("node-b", "zone1"),
      node("node-x", NO_SCHEDULE_TAINT, zone="zone2", node="node-x"), zn("node-y", "zone2")],
     A2_B1_Y3, {"node-a": US, "node-b": OK, "node-x": OK, "node-y": US}),
    ("kubefold: NodeTaintsPolicy ignored: the tainted node-x counts",
     pod("p", constraints=(hard(1, "node", FOO),)),
     [zn("node-a", "zone1"), zn("node-b", "zone1"),
      node("node-x", NO_SCHEDULE_TAINT, zone="zone2", node="node-x"), zn("node-y", "zone2")],
     A2_B1_Y3, {"node-a": US, "node-b": US, "node-x": OK, "node-y": US}),
    ("kubefold: matchLabelKeys ANDed with the selector: only pods of the same version count",
     pod("p", ("foo",), constraints=(hard(1, "node", FOO, None, None, None, ["version"]),),
         ) | {"metadata": {"name": "p", "namespace": "default",
                           "labels": {"foo": "", "version": "v2"}}},
     FOUR_ZONE_NODES, A2_B1_Y3, {"node-a": OK, "node-b": OK, "node-x": OK, "node-y": OK}),
]

MULTIPLE_CONSTRAINTS = [
    ("two Constraints on zone and node, spreads = [3/3, 2/1/0/3]",
     pod("p", constraints=(hard(1, "zone", FOO), hard(1, "node", FOO))), FOUR_ZONE_NODES,
     A2_B1_Y3, {"node-a": US, "node-b": US, "node-x": OK, "node-y": US}),
    ("two Constraints on zone and node, spreads = [3/4, 2/1/0/4]",
     pod("p", constraints=(hard(1, "zone", FOO), hard(1, "node", FOO))), FOUR_ZONE_NODES,
     A2_B1_Y4, {"node-a": US, "node-b": US, "node-x": US, "node-y": US}),
    ("Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
     pod("p", ("foo", "bar"), constraints=(hard(1, "zone", FOO), hard(1, "node", BAR))),
     FOUR_ZONE_NODES, [pod("p-a1", node_name="node-a"), pod("p-y1", ("bar",), "node-y")],
     {"node-a": US, "node-b": US, "node-x": OK, "node-y": US}),
    ("Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
     pod("p", ("foo", "bar"), constraints=(hard(1, "zone", FOO), hard(1, "node", BAR))),
     FOUR_ZONE_NODES, [pod("p-a1", node_name="node-a"), pod("p-x1", ("bar",), "node-x"),
                       pod("p-y1", ("bar",), "node-y")],
     {"node-a": US, "node-b": US, "node-x": US, "node-y": US}),
    ("Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
     pod("p", ("foo", "bar"), constraints=(hard(1, "zone", FOO), hard(1, "node", BAR))),
     FOUR_ZONE_NODES,
     [pod("p-a1", node_name="node-a"), pod("p-a2", ("foo", "bar"), "node-a"),
      pod("p-y1", node_name="node-y"), pod("p-y2", ("foo", "bar"), "node-y"),
      pod("p-y3", node_name="node-y")],
     {"node-a": US, "node-b": OK, "node-x": US, "node-y": US}),
    ("Constraints hold different labelSelectors but pod doesn't match itself on 'zone' "
     "constraint",
     pod("p", ("bar",), constraints=(hard(1, "zone", FOO), hard(1, "node", BAR))),
     FOUR_ZONE_NODES, [pod("p-a1", node_name="node-a"), pod("p-x1", ("bar",), "node-x"),
                       pod("p-y1", ("bar",), "node-y")],
     {"node-a": OK, "node-b": OK, "node-x": US, "node-y": US}),
    ("two Constraints on zone and node, absence of label 'node' on node-x, "
     "spreads = [1/1, 1/0/0/1]",
     pod("p", constraints=(hard(1, "zone", FOO), hard(1, "node", FOO))),
     [zn("node-a", "zone1"), zn("node-b", "zone1"), node("node-x", zone="zone2"),
      zn("node-y", "zone2")],
     [pod("p-a1", node_name="node-a"), pod("p-y3", node_name="node-y")],
     {"node-a": US, "node-b": OK, "node-x": UU, "node-y": US}),
]


def _filter_codes(incoming: dict[str, Any], nodes: list[Any], existing: list[Any]
                  ) -> dict[str, int]:
    snapshot = cluster_of(nodes, existing)
    plugin = pts.new({"defaultingType": "List"})
    p = decode_object(incoming)
    state, _, status = plugin.pre_filter(CycleState(), p, snapshot)
    assert status.is_success(), status
    codes = {}
    for info in snapshot:
        got = plugin.filter(state, p, info)
        if got.code == UNSCHEDULABLE:
            assert got.reasons == (pts.ERR_REASON_CONSTRAINTS_NOT_MATCH,)
        if got.code == UNSCHEDULABLE_AND_UNRESOLVABLE:
            assert got.reasons == (pts.ERR_REASON_NODE_LABEL_NOT_MATCH,)
        codes[info.name] = got.code
    return codes


@pytest.mark.parametrize(
    "incoming,nodes,existing,want",
    [pytest.param(*c[1:], id=f"TestSingleConstraint/{c[0]}") for c in SINGLE_CONSTRAINT]
    + [pytest.param(*c[1:], id=f"TestMultipleConstraints/{c[0]}")
       for c in MULTIPLE_CONSTRAINTS])
def test_filter(incoming: dict[str, Any], nodes: list[Any], existing: list[Any],
                want: dict[str, int]) -> None:
    assert _filter_codes(incoming, nodes, existing) == want


def test_pre_filter_disabled() -> None:
    """TestPreFilterDisabled: Filter without PreFilter state is an error."""
    snapshot = cluster_of([zn("node-a", "zone1")], [])
    got = pts.new({}).filter(CycleState(), decode_object(pod("p")), snapshot.get("node-a"))
    assert got.code == ERROR
    assert got.reasons == ('reading "PreFilterPodTopologySpread" from cycleState: not found',)


def test_add_and_remove_pod_update_the_counts() -> None:
    """TestPreFilterStateAddPod / RemovePod, in short: the counts and critical paths move."""
    snapshot = cluster_of(FOUR_ZONE_NODES, A2_B1_Y2)
    plugin = pts.new({"defaultingType": "List"})
    incoming = decode_object(pod("p", constraints=(hard(1, "zone", FOO),)))
    state, _, _ = plugin.pre_filter(CycleState(), incoming, snapshot)
    added, status = plugin.add_pod(state, incoming, decode_object(pod("p-x", node_name="node-x")),
                                   snapshot.get("node-x"))
    assert status.is_success()
    s = added.read(pts.PRE_FILTER_STATE_KEY)
    assert dict(s.tp_value_to_match_num[0]) == {"zone1": 3, "zone2": 3}
    removed, _ = plugin.remove_pod(added, incoming, decode_object(pod("p-a1", node_name="node-a")),
                                   snapshot.get("node-a"))
    s = removed.read(pts.PRE_FILTER_STATE_KEY)
    assert dict(s.tp_value_to_match_num[0]) == {"zone1": 2, "zone2": 3}
    assert s.critical_paths[0].paths[0] == ("zone1", 2)


# --- TestPodTopologySpreadScore ---------------------------------------------------------------

D4_C2_B3 = [*pods_on("node-a", "p-a1", "p-a2", "p-a3", "p-a4"),
            *pods_on("node-b", "p-b1", "p-b2", "p-b3"), *pods_on("node-c", "p-c1", "p-c2"),
            *pods_on("node-d", "p-d1")]
A2_B1_D3 = [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1"),
            *pods_on("node-d", "p-d1", "p-d2", "p-d3")]
ABCD = [hn("node-a"), hn("node-b"), hn("node-c"), hn("node-d")]
A4_B2_X1_Y3 = [*pods_on("node-a", "p-a1", "p-a2", "p-a3", "p-a4"),
               *pods_on("node-b", "p-b1", "p-b2"), *pods_on("node-x", "p-x1"),
               *pods_on("node-y", "p-y1", "p-y2", "p-y3")]
FOO_BAR_FOUR = [pod("p-a1", node_name="node-a"), pod("p-b1", ("foo", "bar"), "node-b"),
                pod("p-y1", node_name="node-y"), pod("p-y2", ("bar",), "node-y")]
ZONED_ABXY = [hn("node-a", zone="zone1"), hn("node-b", zone="zone1"),
              hn("node-x", zone="zone2"), hn("node-y", zone="zone2")]
A2_B1_C1 = [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1"),
            *pods_on("node-c", "p-c1")]
POLICY_NODES = [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""),
                node("node-c", node="node-c")]
TAINT_NODES = [node("node-a", node="node-a"), node("node-b", node="node-b"),
               node("node-c", NO_SCHEDULE_TAINT, node="node-c")]
SERVICE_FOO = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "svc", "namespace": "default"},
               "spec": {"selector": {"foo": ""}}}

SCORE = [
    ("one constraint on node, no existing pods",
     pod("p", constraints=(soft(1, HOST, FOO),)), [], [hn("node-a"), hn("node-b")], [], [],
     {"node-a": 100, "node-b": 100}),
    ("one constraint on node, only one node is candidate",
     pod("p", constraints=(soft(1, HOST, FOO),)),
     [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1")], [hn("node-a")],
     [hn("node-b")], [], {"node-a": 100}),
    ("one constraint on node, all nodes have the same number of matching pods",
     pod("p", constraints=(soft(1, HOST, FOO),)),
     [*pods_on("node-a", "p-a1"), *pods_on("node-b", "p-b1")], [hn("node-a"), hn("node-b")],
     [], [], {"node-a": 100, "node-b": 100}),
    ("one constraint on node, all 4 nodes are candidates",
     pod("p", constraints=(soft(1, HOST, FOO),)), A2_B1_D3, ABCD, [], [],
     {"node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0}),
    ("one constraint on node, null selector",
     pod("p", constraints=(soft(1, HOST, None),)), A2_B1_D3, ABCD, [], [],
     {"node-a": 100, "node-b": 100, "node-c": 100, "node-d": 100}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=2",
     pod("p", constraints=(soft(2, HOST, FOO),)), A2_B1_D3, ABCD, [], [],
     {"node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=3",
     pod("p", constraints=(soft(3, HOST, FOO),)), D4_C2_B3, ABCD, [], [],
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("system defaulting, nodes don't have zone, pods match service",
     pod("p"), D4_C2_B3, ABCD, [], [SERVICE_FOO],
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates",
     pod("p", constraints=(soft(1, HOST, FOO),)), A4_B2_X1_Y3,
     [hn("node-a"), hn("node-b"), hn("node-x")], [hn("node-y")], [],
     {"node-a": 33, "node-b": 83, "node-x": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match "
     "topology key",
     pod("p", constraints=(soft(1, HOST, FOO),)), A4_B2_X1_Y3,
     [hn("node-a"), node("node-b", n="node-b"), hn("node-x")], [hn("node-y")], [],
     {"node-a": 16, "node-b": 0, "node-x": 100}),
    ("one constraint on zone, 3 out of 4 nodes are candidates",
     pod("p", constraints=(soft(1, "zone", FOO),)), A4_B2_X1_Y3,
     [hn("node-a", zone="zone1"), hn("node-b", zone="zone1"), hn("node-x", zone="zone2")],
     [hn("node-y", zone="zone2")], [], {"node-a": 75, "node-b": 75, "node-x": 100}),
    ("two Constraints on zone and node, 2 out of 4 nodes are candidates",
     pod("p", constraints=(soft(1, "zone", FOO), soft(1, HOST, FOO))),
     [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1"),
      *pods_on("node-x", "p-x1", "p-x2"), *pods_on("node-y", "p-y1", "p-y2", "p-y3", "p-y4")],
     [hn("node-a", zone="zone1"), hn("node-x", zone="zone2")],
     [hn("node-b", zone="zone1"), hn("node-y", zone="zone2")], [],
     {"node-a": 100, "node-x": 63}),
    ("two Constraints on zone and node, with different labelSelectors",
     pod("p", ("foo", "bar"), constraints=(soft(1, "zone", FOO), soft(1, HOST, BAR))),
     FOO_BAR_FOUR, ZONED_ABXY, [], [],
     {"node-a": 60, "node-b": 20, "node-x": 100, "node-y": 60}),
    ("two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
     pod("p", ("foo", "bar"), constraints=(soft(1, "zone", FOO), soft(1, HOST, BAR))),
     [pod("p-b1", ("bar",), "node-b"), pod("p-x1", node_name="node-x"),
      pod("p-y1", ("foo", "bar"), "node-y")], ZONED_ABXY, [], [],
     {"node-a": 100, "node-b": 60, "node-x": 40, "node-y": 0}),
    ("two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are "
     "candidates",
     pod("p", ("foo", "bar"), constraints=(soft(1, "zone", FOO), soft(1, HOST, BAR))),
     FOO_BAR_FOUR, ZONED_ABXY[:3], ZONED_ABXY[3:], [],
     {"node-a": 50, "node-b": 25, "node-x": 100}),
    ("existing pods in a different namespace do not count",
     pod("p", constraints=(soft(1, HOST, FOO),)),
     [pod("p-a1", node_name="node-a", ns="ns1"), pod("p-a2", node_name="node-a"),
      pod("p-b1", node_name="node-b"), pod("p-b2", node_name="node-b")],
     [hn("node-a"), hn("node-b")], [], [], {"node-a": 100, "node-b": 33}),
    ("terminating Pods should be excluded",
     pod("p", constraints=(soft(1, HOST, FOO),)),
     [pod("p-a", node_name="node-a", terminating=True), pod("p-b", node_name="node-b")],
     [hn("node-a"), hn("node-b")], [], [], {"node-a": 100, "node-b": 0}),
    ("minDomains has no effect when ScheduleAnyway",
     pod("p", constraints=(soft(2, "node", FOO, 10),)),
     [*pods_on("node-a", "p-a1", "p-a2"), *pods_on("node-b", "p-b1", "p-b2"),
      *pods_on("node-c", "p-c1")],
     [node("node-a", node="node-a"), node("node-b", node="node-b"),
      node("node-c", node="node-c")], [], [], {"node-a": 75, "node-b": 75, "node-c": 100}),
    ("NodeAffinityPolicy honoed with labelSelectors",
     pod("p", constraints=(soft(1, "node", FOO),), nodeSelector={"foo": ""}), A2_B1_C1,
     POLICY_NODES, [], [], {"node-a": 0, "node-b": 33, "node-c": 100}),
    ("NodeAffinityPolicy ignored with labelSelectors",
     pod("p", constraints=(soft(1, "node", FOO, None, "Ignore"),), nodeSelector={"foo": ""}),
     A2_B1_C1, POLICY_NODES, [], [], {"node-a": 66, "node-b": 100, "node-c": 100}),
    ("NodeAffinityPolicy honoed with nodeAffinity",
     pod("p", constraints=(soft(1, "node", FOO),), affinity=affinity_in("foo", [""])),
     A2_B1_C1, POLICY_NODES, [], [], {"node-a": 0, "node-b": 33, "node-c": 100}),
    ("NodeAffinityPolicy ignored with nodeAffinity",
     pod("p", constraints=(soft(1, "node", FOO, None, "Ignore"),),
         affinity=affinity_in("foo", [""])),
     A2_B1_C1, POLICY_NODES, [], [], {"node-a": 66, "node-b": 100, "node-c": 100}),
    ("NodeTaintsPolicy honored",
     pod("p", constraints=(soft(1, "node", FOO, None, None, "Honor"),)), A2_B1_C1,
     TAINT_NODES, [], [], {"node-a": 0, "node-b": 33, "node-c": 100}),
    ("NodeTaintsPolicy ignored",
     pod("p", constraints=(soft(1, "node", FOO),)), A2_B1_C1, TAINT_NODES, [], [],
     {"node-a": 66, "node-b": 100, "node-c": 100}),
]


@pytest.mark.parametrize(
    "incoming,existing,nodes,failed,objs,want",
    [pytest.param(*c[1:], id=f"TestPodTopologySpreadScore/{c[0]}") for c in SCORE])
def test_pod_topology_spread_score(incoming: dict[str, Any], existing: list[Any],
                                   nodes: list[Any], failed: list[Any], objs: list[Any],
                                   want: dict[str, int]) -> None:
    snapshot = cluster_of([*nodes, *failed], existing, objs)
    plugin = pts.new({"defaultingType": "System"})
    p = decode_object(incoming)
    filtered = [snapshot.get(n["metadata"]["name"]) for n in nodes]
    state, status = plugin.pre_score(CycleState(), p, snapshot, filtered)
    assert status.is_success(), status
    scores = []
    for info in filtered:
        score, status = plugin.score(state, p, info)
        assert status.is_success()
        scores.append(NodeScore(info.name, score))
    normalized, status = plugin.normalize_score(state, p, scores)
    assert status.is_success()
    assert {s.name: s.score for s in normalized} == want


def test_pre_score_skips_without_soft_constraints() -> None:
    """TestPreScoreSkip: only hard constraints (or nothing to default from) -> Skip."""
    snapshot = cluster_of(ABCD, [])
    plugin = pts.new({"defaultingType": "System"})
    for incoming in (pod("p", constraints=(hard(1, HOST, FOO),)), pod("p")):
        _, status = plugin.pre_score(CycleState(), decode_object(incoming), snapshot,
                                     list(snapshot))
        assert status.code == SKIP
