"""The simple scheduler plugins, with the Go table tests ported (v1.34).

TestTaintTolerationFilter, TestTaintTolerationScore (tainttoleration), TestNodeAffinity,
TestNodeAffinityPriority (nodeaffinity), TestNodePorts (nodeports), TestNodeUnschedulable
(nodeunschedulable), TestNodeName (nodename), TestLess (queuesort).
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.reducers.apiserver.defaults import default_object
from kubefold.reducers.scheduler import (
    node_affinity,
    node_name,
    node_ports,
    node_unschedulable,
    queue_sort,
    tainttoleration,
)
from kubefold.reducers.scheduler.framework import (
    MAX_NODE_SCORE,
    OK,
    SKIP,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    NodeScore,
    PreFilterResult,
    Snapshot,
    Status,
)
from tests.helpers import restore


def pod(name: str = "pod1", node: str | None = None, labels: Any = None,
        created: str = "2024-01-01T00:00:00Z", **spec: Any) -> Any:
    body = {"containers": [{"name": "c", "image": "i"}], **spec}
    if node:
        body["nodeName"] = node
    meta: dict[str, Any] = {"name": name, "namespace": "default", "creationTimestamp": created}
    if labels:
        meta["labels"] = labels
    return default_object(decode_object({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                                         "spec": body}))


def node_manifest(name: str = "node1", labels: Any = None, taints: Any = None,
                  unschedulable: bool | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable is not None:
        spec["unschedulable"] = unschedulable
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": spec}


def snapshot(*nodes: dict[str, Any], pods: tuple[dict[str, Any], ...] = ()) -> Snapshot:
    return Snapshot(restore(*nodes, *pods, now="2024-01-01T00:00:00Z"))


def info(node: dict[str, Any], *pods: dict[str, Any]) -> NodeInfo:
    got = snapshot(node, pods=pods).get(node["metadata"]["name"])
    assert got is not None
    return got


def unresolvable(reason: str) -> Status:
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, (reason,))


# --- tainttoleration ------------------------------------------------------------------------

NS, PNS = "NoSchedule", "PreferNoSchedule"


@pytest.mark.parametrize("tolerations,taints,want", [
    pytest.param([], [{"key": "dedicated", "value": "user1", "effect": NS}],
                 unresolvable("node(s) had untolerated taint {dedicated: user1}"),
                 id="TestTaintTolerationFilter/A pod having no tolerations can't be scheduled "
                    "onto a node with nonempty taints"),
    pytest.param([{"key": "dedicated", "value": "user1", "effect": NS}],
                 [{"key": "dedicated", "value": "user1", "effect": NS}], OK,
                 id="TestTaintTolerationFilter/A pod which can be scheduled on a dedicated node "
                    "assigned to user1 with effect NoSchedule"),
    pytest.param([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": NS}],
                 [{"key": "dedicated", "value": "user1", "effect": NS}],
                 unresolvable("node(s) had untolerated taint {dedicated: user1}"),
                 id="TestTaintTolerationFilter/A pod which can't be scheduled on a dedicated "
                    "node assigned to user2 with effect NoSchedule"),
    pytest.param([{"key": "foo", "operator": "Exists", "effect": NS}],
                 [{"key": "foo", "value": "bar", "effect": NS}], OK,
                 id="TestTaintTolerationFilter/A pod can be scheduled onto the node, with a "
                    "toleration uses operator Exists that tolerates the taints on the node"),
    pytest.param([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": NS},
                  {"key": "foo", "operator": "Exists", "effect": NS}],
                 [{"key": "dedicated", "value": "user2", "effect": NS},
                  {"key": "foo", "value": "bar", "effect": NS}], OK,
                 id="TestTaintTolerationFilter/A pod has multiple tolerations, node has "
                    "multiple taints, all the taints are tolerated"),
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}],
                 [{"key": "foo", "value": "bar", "effect": NS}],
                 unresolvable("node(s) had untolerated taint {foo: bar}"),
                 id="TestTaintTolerationFilter/A pod has a toleration that keys and values "
                    "match the taint on the node, but (non-empty) effect doesn't match"),
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar"}],
                 [{"key": "foo", "value": "bar", "effect": NS}], OK,
                 id="TestTaintTolerationFilter/The pod has a toleration that keys and values "
                    "match the taint on the node, the effect of toleration is empty"),
    pytest.param([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": NS}],
                 [{"key": "dedicated", "value": "user1", "effect": PNS}], OK,
                 id="TestTaintTolerationFilter/The pod has a toleration that key and value "
                    "don't match the taint on the node, but the effect of taint on node is "
                    "PreferNoSchedule"),
    pytest.param([], [{"key": "dedicated", "value": "user1", "effect": PNS}], OK,
                 id="TestTaintTolerationFilter/The pod has no toleration, but the effect of "
                    "taint on node is PreferNoSchedule"),
])
def test_taint_toleration_filter(tolerations: Any, taints: Any, want: Status) -> None:
    p = pod(tolerations=tolerations)
    got = tainttoleration.new({}).filter(CycleState(), p, info(node_manifest(taints=taints)))
    assert got == want


def _scores(plugin: Any, p: Any, snap: Snapshot) -> list[NodeScore]:
    state = CycleState()
    nodes = list(snap)
    if hasattr(plugin, "pre_score"):
        state, status = plugin.pre_score(state, p, snap, nodes)
        assert status.is_success()
    scores = []
    for n in nodes:
        value, status = plugin.score(state, p, n)
        assert status.is_success()
        scores.append(NodeScore(n.name, value))
    scores, status = plugin.normalize_score(state, p, scores)
    assert status.is_success()
    return scores


def _taint(key: str, value: str, effect: str = PNS) -> dict[str, str]:
    return {"key": key, "value": value, "effect": effect}


@pytest.mark.parametrize("tolerations,nodes,want", [
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}],
                 [[_taint("foo", "bar")], [_taint("foo", "blah")]], [MAX_NODE_SCORE, 0],
                 id="TestTaintTolerationScore/node with taints tolerated by the pod, gets a "
                    "higher score than those node with intolerable taints"),
    pytest.param([{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": PNS},
                  {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": PNS}],
                 [[], [_taint("cpu-type", "arm64")],
                  [_taint("cpu-type", "arm64"), _taint("disk-type", "ssd")]],
                 [MAX_NODE_SCORE] * 3,
                 id="TestTaintTolerationScore/the nodes that all of their taints are tolerated "
                    "by the pod, get the same score"),
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}],
                 [[], [_taint("cpu-type", "arm64")],
                  [_taint("cpu-type", "arm64"), _taint("disk-type", "ssd")]],
                 [MAX_NODE_SCORE, 50, 0],
                 id="TestTaintTolerationScore/the more intolerable taints a node has, the "
                    "lower score it gets."),
    pytest.param([{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": NS},
                  {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": NS}],
                 [[], [_taint("cpu-type", "arm64", NS)],
                  [_taint("cpu-type", "arm64"), _taint("disk-type", "ssd")]],
                 [MAX_NODE_SCORE, MAX_NODE_SCORE, 0],
                 id="TestTaintTolerationScore/only taints and tolerations that have effect "
                    "PreferNoSchedule are checked by taints-tolerations priority function"),
    pytest.param([], [[], [_taint("cpu-type", "arm64")]], [MAX_NODE_SCORE, 0],
                 id="TestTaintTolerationScore/Default behaviour No taints and tolerations, "
                    "lands on node with no taints"),
])
def test_taint_toleration_score(tolerations: Any, nodes: Any, want: list[int]) -> None:
    names = ["nodeA", "nodeB", "nodeC"][:len(nodes)]
    snap = snapshot(*(node_manifest(n, taints=t) for n, t in zip(names, nodes, strict=True)))
    got = _scores(tainttoleration.new({}), pod(tolerations=tolerations), snap)
    assert got == [NodeScore(n, s) for n, s in zip(names, want, strict=True)]


# --- nodeaffinity ---------------------------------------------------------------------------

POD_REASON = unresolvable(node_affinity.ERR_REASON_POD)


def required(*terms: Any) -> dict[str, Any]:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": list(terms)}}}


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": op}
    if values:
        out["values"] = list(values)
    return out


def name_in(*values: str) -> dict[str, Any]:
    return expr("metadata.name", "In", *values)


@pytest.mark.parametrize("spec,labels,node,want,want_pre_status,want_pre_result", [
    pytest.param({"nodeSelector": {"foo": "bar"}}, None, "node1", POD_REASON, OK, None,
                 id="TestNodeAffinity/missing labels"),
    pytest.param({"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/same labels"),
    pytest.param({"nodeSelector": {"foo": "bar"}}, {"foo": "bar", "baz": "blah"}, "node1", OK,
                 OK, None, id="TestNodeAffinity/node labels are superset"),
    pytest.param({"nodeSelector": {"foo": "bar", "baz": "blah"}}, {"foo": "bar"}, "node1",
                 POD_REASON, OK, None, id="TestNodeAffinity/node labels are subset"),
    pytest.param({"affinity": required({"matchExpressions": [expr("foo", "In", "bar",
                                                                    "value2")]})},
                 {"foo": "bar"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/Pod with matchExpressions using In operator that matches "
                    "the existing node"),
    pytest.param({"affinity": required({"matchExpressions": [expr("kernel-version", "Gt",
                                                                    "0204")]})},
                 {"kernel-version": "0206"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/Pod with matchExpressions using Gt operator that matches "
                    "the existing node"),
    pytest.param({"affinity": required({"matchExpressions": [expr("mem-type", "NotIn", "DDR",
                                                                    "DDR2")]})},
                 {"mem-type": "DDR3"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/Pod with matchExpressions using NotIn operator that "
                    "matches the existing node"),
    pytest.param({"affinity": required({"matchExpressions": [expr("GPU", "Exists")]})},
                 {"GPU": "NVIDIA-GRID-K1"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/Pod with matchExpressions using Exists operator that "
                    "matches the existing node"),
    pytest.param({"affinity": required({"matchExpressions": [expr("foo", "In", "value1",
                                                                    "value2")]})},
                 {"foo": "bar"}, "node1", POD_REASON, OK, None,
                 id="TestNodeAffinity/Pod with affinity that don't match node's labels won't "
                    "schedule onto the node"),
    pytest.param({"affinity": required({"matchExpressions": []})}, {"foo": "bar"}, "node1",
                 POD_REASON, OK, None,
                 id="TestNodeAffinity/Pod with empty MatchExpressions is not a valid value "
                    "will match no objects and won't schedule onto the node"),
    pytest.param({}, {"foo": "bar"}, "node1", OK, Status(SKIP), None,
                 id="TestNodeAffinity/Pod with no Affinity will schedule onto a node"),
    pytest.param({"affinity": {"nodeAffinity": {}}}, {"foo": "bar"}, "node1", OK,
                 Status(SKIP), None,
                 id="TestNodeAffinity/Pod with Affinity but nil NodeSelector will schedule "
                    "onto a node"),
    pytest.param({"affinity": required({"matchExpressions": [
        expr("GPU", "Exists"), expr("GPU", "NotIn", "AMD", "INTER")]})},
        {"GPU": "NVIDIA-GRID-K1"}, "node1", OK, OK, None,
        id="TestNodeAffinity/Pod with multiple matchExpressions ANDed that matches the "
           "existing node"),
    pytest.param({"affinity": required({"matchExpressions": [
        expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER")]})},
        {"GPU": "NVIDIA-GRID-K1"}, "node1", POD_REASON, OK, None,
        id="TestNodeAffinity/Pod with multiple matchExpressions ANDed that doesn't match the "
           "existing node"),
    pytest.param({"affinity": required(
        {"matchExpressions": [expr("foo", "In", "bar", "value2")]},
        {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]})},
        {"foo": "bar"}, "node1", OK, OK, None,
        id="TestNodeAffinity/Pod with multiple NodeSelectorTerms ORed in affinity, matches "
           "the node's labels and will schedule onto the node"),
    pytest.param({"nodeSelector": {"foo": "bar"},
                  "affinity": required({"matchExpressions": [expr("foo", "Exists")]})},
                 {"foo": "bar"}, "node1", OK, OK, None,
                 id="TestNodeAffinity/Pod with an Affinity and a PodSpec.NodeSelector both "
                    "are satisfied, will schedule onto the node"),
    pytest.param({"nodeSelector": {"foo": "bar"},
                  "affinity": required({"matchExpressions": [expr("foo", "Exists")]})},
                 {"foo": "barrrrrr"}, "node1", POD_REASON, OK, None,
                 id="TestNodeAffinity/Pod with an Affinity matches node's labels but the "
                    "PodSpec.NodeSelector is not satisfied, won't schedule onto the node"),
    pytest.param({"affinity": required({"matchExpressions": [
        expr("foo", "NotIn", "invalid value: ___@#$%^")]})},
        {"foo": "bar"}, "node1", POD_REASON, OK, None,
        id="TestNodeAffinity/Pod with an invalid value in Affinity term won't be scheduled "
           "onto the node"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")]})}, None, "node1",
                 OK, OK, PreFilterResult(frozenset({"node1"})),
                 id="TestNodeAffinity/Pod with matchFields using In operator that matches the "
                    "existing node"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")]})}, None, "node2",
                 POD_REASON, OK, PreFilterResult(frozenset({"node1"})),
                 id="TestNodeAffinity/Pod with matchFields using In operator that does not "
                    "match the existing node"),
    pytest.param({"affinity": required(
        {"matchFields": [name_in("node1"), name_in("node2")]},
        {"matchExpressions": [expr("foo", "In", "bar")]})},
        {"foo": "bar"}, "node2", OK, OK, None,
        id="TestNodeAffinity/Pod with two terms: matchFields does not match, but "
           "matchExpressions matches"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")],
                                        "matchExpressions": [expr("foo", "In", "bar")]})},
                 {"foo": "bar"}, "node2", POD_REASON, OK,
                 PreFilterResult(frozenset({"node1"})),
                 id="TestNodeAffinity/Pod with one term: matchFields does not match, but "
                    "matchExpressions matches"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")],
                                        "matchExpressions": [expr("foo", "In", "bar")]})},
                 {"foo": "bar"}, "node1", OK, OK, PreFilterResult(frozenset({"node1"})),
                 id="TestNodeAffinity/Pod with one term: both matchFields and matchExpressions "
                    "match"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")]},
                                       {"matchExpressions": [expr("foo", "In", "not-match")]})},
                 {"foo": "bar"}, "node2", POD_REASON, OK, None,
                 id="TestNodeAffinity/Pod with two terms: both matchFields and matchExpressions "
                    "do not match"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1")]},
                                       {"matchFields": [name_in("node2")]})},
                 None, "node2", OK, OK, PreFilterResult(frozenset({"node1", "node2"})),
                 id="TestNodeAffinity/Pod with two terms of node.Name affinity"),
    pytest.param({"affinity": required({"matchFields": [name_in("node1"), name_in("node2")]})},
                 None, "node2", POD_REASON,
                 unresolvable(node_affinity.ERR_REASON_CONFLICT), None,
                 id="TestNodeAffinity/Pod with two conflicting mach field requirements"),
])
def test_node_affinity(spec: Any, labels: Any, node: str, want: Status,
                       want_pre_status: Status, want_pre_result: Any) -> None:
    p = pod(**spec)
    plugin = node_affinity.new({})
    node_info = info(node_manifest(node, labels=labels))
    state, result, status = plugin.pre_filter(CycleState(), p, Snapshot(restore()))
    assert status == want_pre_status
    assert result == want_pre_result
    assert plugin.filter(state, p, node_info) == want


def test_node_affinity_added_affinity_filter() -> None:
    """TestNodeAffinity/Matches added affinity and Pod's node affinity (scheduler-enforced)."""
    added = required({"matchExpressions": [expr("zone", "In", "foo")]})["nodeAffinity"]
    plugin = node_affinity.new({"addedAffinity": added})
    p = pod(affinity=required({"matchExpressions": [expr("foo", "In", "bar")]}))
    state, result, status = plugin.pre_filter(CycleState(), p, Snapshot(restore()))
    assert (result, status) == (None, OK)
    assert plugin.filter(state, p, info(node_manifest(labels={"zone": "foo", "foo": "bar"}))
                         ) == OK
    assert plugin.filter(state, p, info(node_manifest(labels={"foo": "bar"}))) == unresolvable(
        node_affinity.ERR_REASON_ENFORCED)


LABEL1, LABEL2, LABEL3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
LABEL4 = {"abc": "az11", "def": "az22"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}


def preferred(*terms: tuple[int, list[Any]]) -> dict[str, Any]:
    return {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": w, "preference": {"matchExpressions": e}} for w, e in terms]}


AFFINITY1 = preferred((2, [expr("foo", "In", "bar")]))
AFFINITY2 = preferred((2, [expr("foo", "In", "bar")]), (4, [expr("key", "In", "value")]),
                      (5, [expr("foo", "In", "bar"), expr("key", "In", "value"),
                           expr("az", "In", "az1")]))


@pytest.mark.parametrize("affinity,nodes,want,args", [
    pytest.param(AFFINITY1, [("node1", LABEL4), ("node2", LABEL2), ("node3", LABEL3)],
                 [0, 0, 0], {},
                 id="TestNodeAffinityPriority/no node matches preferred scheduling requirements "
                    "in NodeAffinity of pod so all nodes' priority is zero"),
    pytest.param(AFFINITY1, [("node1", LABEL1), ("node2", LABEL2), ("node3", LABEL3)],
                 [MAX_NODE_SCORE, 0, 0], {},
                 id="TestNodeAffinityPriority/only node1 matches the preferred scheduling "
                    "requirements of pod"),
    pytest.param(AFFINITY2, [("node1", LABEL1), ("node5", LABEL5), ("node2", LABEL2)],
                 [18, MAX_NODE_SCORE, 36], {},
                 id="TestNodeAffinityPriority/all nodes matches the preferred scheduling "
                    "requirements of pod but with different priorities"),
    pytest.param(None, [("node1", LABEL1), ("node2", LABEL2)], [MAX_NODE_SCORE, 0],
                 {"addedAffinity": AFFINITY1},
                 id="TestNodeAffinityPriority/added affinity"),
    pytest.param(AFFINITY1, [("node1", LABEL1), ("node2", LABEL2), ("node3", LABEL5)],
                 [40, 60, MAX_NODE_SCORE],
                 {"addedAffinity": preferred((3, [expr("key", "In", "value")]))},
                 id="TestNodeAffinityPriority/added affinity and pod has default affinity"),
])
def test_node_affinity_priority(affinity: Any, nodes: Any, want: list[int], args: Any) -> None:
    snap = snapshot(*(node_manifest(n, labels=labels) for n, labels in nodes))
    p = pod(affinity={"nodeAffinity": affinity}) if affinity else pod()
    got = _scores(node_affinity.new(args), p, snap)
    assert got == [NodeScore(n, s) for (n, _), s in zip(nodes, want, strict=True)]


def test_node_affinity_priority_nil_affinity_skips() -> None:
    """TestNodeAffinityPriority/all nodes are same priority as NodeAffinity is nil: PreScore
    says Skip, so the cycle runs no Score for the plugin."""
    snap = snapshot(node_manifest("node1", labels=LABEL1))
    _, status = node_affinity.new({}).pre_score(CycleState(), pod(), snap, list(snap))
    assert status == Status(SKIP)


# --- nodeports ------------------------------------------------------------------------------


def ports_pod(*infos: str, node: str | None = None, name: str = "pod1") -> dict[str, Any]:
    ports = []
    for item in infos:
        protocol, ip, port = item.split("/")
        ports.append({"containerPort": int(port), "hostIP": ip, "hostPort": int(port),
                      "protocol": protocol})
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "i", "ports": ports}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def sidecar_pod(sidecar: bool) -> dict[str, Any]:
    init: dict[str, Any] = {"name": "init", "image": "i", "ports": [
        {"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}]}
    if sidecar:
        init["restartPolicy"] = "Always"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod1", "namespace":
                                                           "default"},
            "spec": {"initContainers": [init], "containers": [{"name": "c", "image": "i"}]}}


PORTS_REASON = Status(UNSCHEDULABLE, (node_ports.ERR_REASON,))


@pytest.mark.parametrize("incoming,existing,want_pre,want", [
    pytest.param(ports_pod(), [], Status(SKIP), None, id="TestNodePorts/skip filter"),
    pytest.param(ports_pod("UDP/127.0.0.1/8080"), ["UDP/127.0.0.1/9090"], OK, OK,
                 id="TestNodePorts/other port"),
    pytest.param(ports_pod("UDP/127.0.0.1/8080"), ["UDP/127.0.0.1/8080"], OK, PORTS_REASON,
                 id="TestNodePorts/same udp port"),
    pytest.param(ports_pod("TCP/127.0.0.1/8080"), ["TCP/127.0.0.1/8080"], OK, PORTS_REASON,
                 id="TestNodePorts/same tcp port"),
    pytest.param(ports_pod("TCP/127.0.0.1/8080"), ["TCP/127.0.0.2/8080"], OK, OK,
                 id="TestNodePorts/different host ip"),
    pytest.param(ports_pod("UDP/127.0.0.1/8080"), ["TCP/127.0.0.1/8080"], OK, OK,
                 id="TestNodePorts/different protocol"),
    pytest.param(ports_pod("UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
                 ["UDP/127.0.0.1/8080"], OK, PORTS_REASON,
                 id="TestNodePorts/second udp port conflict"),
    pytest.param(ports_pod("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
                 ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"], OK, PORTS_REASON,
                 id="TestNodePorts/first tcp port conflict"),
    pytest.param(ports_pod("TCP/0.0.0.0/8001"), ["TCP/127.0.0.1/8001"], OK, PORTS_REASON,
                 id="TestNodePorts/first tcp port conflict due to 0.0.0.0 hostIP"),
    pytest.param(ports_pod("TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
                 ["TCP/127.0.0.1/8001"], OK, PORTS_REASON,
                 id="TestNodePorts/TCP hostPort conflict due to 0.0.0.0 hostIP"),
    pytest.param(ports_pod("TCP/127.0.0.1/8001"), ["TCP/0.0.0.0/8001"], OK, PORTS_REASON,
                 id="TestNodePorts/second tcp port conflict to 0.0.0.0 hostIP"),
    pytest.param(ports_pod("UDP/127.0.0.1/8001"), ["TCP/0.0.0.0/8001"], OK, OK,
                 id="TestNodePorts/second different protocol"),
    pytest.param(ports_pod("UDP/127.0.0.1/8001"), ["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
                 OK, PORTS_REASON, id="TestNodePorts/UDP hostPort conflict due to 0.0.0.0 "
                                      "hostIP"),
    pytest.param(sidecar_pod(False), ["TCP/0.0.0.0/8001"], Status(SKIP), None,
                 id="TestNodePorts/non-sidecar initContainer using hostPort"),
    pytest.param(sidecar_pod(True), ["TCP/0.0.0.0/8001"], OK, PORTS_REASON,
                 id="TestNodePorts/TCP hostPort conflict from sidecar initContainer"),
])
def test_node_ports(incoming: Any, existing: list[str], want_pre: Status, want: Any) -> None:
    p = default_object(decode_object(incoming))
    plugin = node_ports.new({})
    state, _, status = plugin.pre_filter(CycleState(), p, Snapshot(restore()))
    assert status == want_pre
    if status.is_skip():
        return
    node_info = info(node_manifest("m1"), ports_pod(*existing, node="m1", name="existing"))
    assert plugin.filter(state, p, node_info) == want


def test_node_ports_pre_filter_disabled() -> None:
    """TestPreFilterDisabled: Filter without PreFilter state is an error."""
    got = node_ports.new({}).filter(CycleState(), pod(), info(node_manifest()))
    assert got.code != OK.code and not got.is_rejected()


# --- nodeunschedulable, nodename, queuesort --------------------------------------------------


@pytest.mark.parametrize("tolerations,unsched,want", [
    pytest.param([], True, unresolvable(node_unschedulable.ERR_REASON_UNSCHEDULABLE),
                 id="TestNodeUnschedulable/Does not schedule pod to unschedulable node"),
    pytest.param([], False, OK, id="TestNodeUnschedulable/Schedule pod to normal node"),
    pytest.param([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}], True, OK,
                 id="TestNodeUnschedulable/Schedule pod with toleration to unschedulable node"),
])
def test_node_unschedulable(tolerations: Any, unsched: bool, want: Status) -> None:
    got = node_unschedulable.new({}).filter(
        CycleState(), pod(tolerations=tolerations),
        info(node_manifest(unschedulable=unsched)))
    assert got == want


@pytest.mark.parametrize("pod_node,want", [
    pytest.param(None, OK, id="TestNodeName/no host specified"),
    pytest.param("foo", OK, id="TestNodeName/host matches"),
    pytest.param("bar", unresolvable(node_name.ERR_REASON), id="TestNodeName/host doesn't match"),
])
def test_node_name(pod_node: str | None, want: Status) -> None:
    got = node_name.new({}).filter(CycleState(), pod(node=pod_node), info(node_manifest("foo")))
    assert got == want


T1, T2 = "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"


@pytest.mark.parametrize("p1,p2,want", [
    pytest.param((10, T1), (100, T2), False,
                 id="TestLess/p1.priority less than p2.priority"),
    pytest.param((100, T1), (10, T2), True,
                 id="TestLess/p1.priority greater than p2.priority"),
    pytest.param((100, T1), (100, T2), True,
                 id="TestLess/equal priority. p1 is added to schedulingQ earlier than p2"),
    pytest.param((100, T2), (100, T1), False,
                 id="TestLess/equal priority. p2 is added to schedulingQ earlier than p1"),
])
def test_less(p1: tuple[int, str], p2: tuple[int, str], want: bool) -> None:
    a = pod("a", priority=p1[0], created=p1[1])
    b = pod("b", priority=p2[0], created=p2[1])
    assert queue_sort.new({}).less(a, b) is want
