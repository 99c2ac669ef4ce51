"""InterPodAffinity: the cases of pkg/scheduler/framework/plugins/interpodaffinity
filtering_test.go (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes) and
scoring_test.go (TestPreferredAffinity, TestPreferredAffinityWithHardPodAffinitySymmetricWeight),
with v1.34's single-reason statuses. Go's default namespace "" is "default" here."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.reducers.scheduler import inter_pod_affinity as ipa
from kubefold.reducers.scheduler.framework import (
    ERROR,
    SKIP,
    CycleState,
    NodeScore,
    Snapshot,
    Status,
    unschedulable,
)
from tests.helpers import restore

AFF = unschedulable(ipa.ERR_REASON_AFFINITY_RULES_NOT_MATCH, unresolvable=True)
ANTI = unschedulable(ipa.ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
EXISTING = unschedulable(ipa.ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
OK = Status()


def req(key: str, op: str, *values: str) -> dict[str, Any]:
    r: dict[str, Any] = {"key": key, "operator": op}
    if values:
        r["values"] = list(values)
    return r


def term(topology: str | None, *reqs: dict[str, Any], namespaces: list[str] | None = None,
         ns_selector: dict[str, Any] | None = None) -> dict[str, Any]:
    """A v1.PodAffinityTerm whose label selector ANDs `reqs`."""
    t: dict[str, Any] = {"labelSelector": {"matchExpressions": list(reqs)}}
    if topology:
        t["topologyKey"] = topology
    if namespaces:
        t["namespaces"] = namespaces
    if ns_selector is not None:
        t["namespaceSelector"] = ns_selector
    return t


def weighted(weight: int, t: dict[str, Any]) -> dict[str, Any]:
    return {"weight": weight, "podAffinityTerm": t}


def with_terms(affinity: list[Any] | None, anti: list[Any] | None) -> dict[str, Any]:
    """createPodWithAffinityTerms' affinity: both kinds present, required terms as given."""
    return {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": affinity},
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": anti}}


def pod(name: str, labels: dict[str, str] | None = None, node_name: str | None = None,
        affinity: dict[str, Any] | None = None, ns: str = "default") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "i"}]}
    if node_name:
        spec["nodeName"] = node_name
    if affinity is not None:
        spec["affinity"] = affinity
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": labels or {}}, "spec": spec}


def node(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}}


def namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def filter_statuses(incoming: dict[str, Any], existing: list[Any], nodes: list[Any],
                    objs: list[Any] = ()) -> list[Status]:  # type: ignore[assignment]
    snapshot = Snapshot(restore(*nodes, *existing, *objs))
    plugin = ipa.new({})
    p = decode_object(incoming)
    state, _, status = plugin.pre_filter(CycleState(), p, snapshot)
    if status.code == SKIP:
        return [OK for _ in nodes]
    assert status.is_success(), status
    return [plugin.filter(state, p, snapshot.get(n["metadata"]["name"])) for n in nodes]


# --- TestRequiredAffinitySingleNode -----------------------------------------------------------

SECURITYSCAN = {"service": "securityscan"}
S1 = {"security": "S1"}
NODE1 = node("machine1", {"region": "r1", "zone": "z11"})
IN_SCAN = req("service", "In", "securityscan", "value2")
IN_ANTIVIRUS = req("service", "In", "antivirusscan", "value2")

SINGLE_NODE = [
    ("A pod that has no required pod affinity scheduling rules can schedule onto a node with no "
     "existing pods", pod("p"), [], OK),
    ("satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In "
     "operator that matches the existing pod",
     pod("p", S1, affinity=with_terms([term("region", IN_SCAN)], None)),
     [pod("e", SECURITYSCAN, "machine1")], OK),
    ("satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using "
     "not in operator in labelSelector that matches the existing pod",
     pod("p", S1, affinity=with_terms(
         [term("region", req("service", "NotIn", "securityscan3", "value3"))], None)),
     [pod("e", SECURITYSCAN, "machine1")], OK),
    ("Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
     pod("p", S1, affinity=with_terms([term(None, IN_SCAN, namespaces=["diffnamespace"])],
                                      None)),
     [pod("e", SECURITYSCAN, "machine1", ns="ns")], AFF),
    ("Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
     pod("p", SECURITYSCAN, affinity=with_terms([term(None, IN_ANTIVIRUS)], None)),
     [pod("e", SECURITYSCAN, "machine1")], AFF),
    ("satisfies the PodAffinity with different label Operators in multiple "
     "RequiredDuringSchedulingIgnoredDuringExecution ",
     pod("p", S1, affinity=with_terms([
         term("region", req("service", "Exists"), req("wrongkey", "DoesNotExist")),
         term("region", req("service", "In", "securityscan"),
              req("service", "NotIn", "WrongValue"))], None)),
     [pod("e", SECURITYSCAN, "machine1")], OK),
    ("The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule "
     "onto the node because one of the matchExpression item don't match.",
     pod("p", S1, affinity=with_terms([
         term("region", req("service", "Exists"), req("wrongkey", "DoesNotExist")),
         term("region", req("service", "In", "securityscan2"),
              req("service", "NotIn", "WrongValue"))], None)),
     [pod("e", SECURITYSCAN, "machine1")], AFF),
    ("satisfies the PodAffinity and PodAntiAffinity with the existing pod",
     pod("p", S1, affinity=with_terms([term("region", IN_SCAN)], [term("node", IN_ANTIVIRUS)])),
     [pod("e", SECURITYSCAN, "machine1")], OK),
    ("satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the "
     "existing pod",
     pod("p", S1, affinity=with_terms([term("region", IN_SCAN)], [term("node", IN_ANTIVIRUS)])),
     [pod("e", SECURITYSCAN, "machine1", with_terms(None, [term("node", IN_ANTIVIRUS)]))], OK),
    ("satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
     pod("p", S1, affinity=with_terms([term("region", IN_SCAN)], [term("zone", IN_SCAN)])),
     [pod("e", SECURITYSCAN, "machine1")], ANTI),
    ("satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry "
     "with the existing pod",
     pod("p", SECURITYSCAN, affinity=with_terms([term("region", IN_SCAN)],
                                                [term("node", IN_ANTIVIRUS)])),
     [pod("e", SECURITYSCAN, "machine1", with_terms(None, [term("zone", IN_SCAN)]))], EXISTING),
    ("pod matches its own Label in PodAffinity and that matches the existing pod Labels",
     pod("p", SECURITYSCAN, affinity=with_terms(
         [term("region", req("service", "NotIn", "securityscan", "value2"))], None)),
     [pod("e", SECURITYSCAN, "machine2")], AFF),
    ("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity "
     "constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
     pod("p", SECURITYSCAN),
     [pod("e", SECURITYSCAN, "machine1", with_terms(None, [term("zone", IN_SCAN)]))], EXISTING),
    ("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity "
     "constraints. satisfy PodAntiAffinity symmetry with the existing pod",
     pod("p", SECURITYSCAN),
     [pod("e", SECURITYSCAN, "machine1", with_terms(
         None, [term("zone", req("service", "NotIn", "securityscan", "value2"))]))], OK),
    ("kubefold: existing pod's anti-affinity with a namespaceSelector selecting the pod's "
     "namespace",
     pod("p", SECURITYSCAN, ns="team1-a"),
     [pod("e", {}, "machine1", with_terms(None, [term(
         "zone", req("service", "Exists"),
         ns_selector={"matchLabels": {"team": "team1"}})]))], EXISTING),
    ("kubefold: existing pod's anti-affinity with a namespaceSelector not selecting the pod's "
     "namespace",
     pod("p", SECURITYSCAN, ns="team2-a"),
     [pod("e", {}, "machine1", with_terms(None, [term(
         "zone", req("service", "Exists"),
         ns_selector={"matchLabels": {"team": "team1"}})]))], OK),
    ("kubefold: incoming pod's affinity with a namespaceSelector resolved to namespaces",
     pod("p", S1, affinity=with_terms([term("region", IN_SCAN, ns_selector={
         "matchLabels": {"team": "team2"}})], None)),
     [pod("e", SECURITYSCAN, "machine1", ns="team2-a")], OK),
]
NAMESPACES = [namespace("team1-a", {"team": "team1"}), namespace("team2-a", {"team": "team2"}),
              namespace("ns", {}), namespace("ns1", {}), namespace("ns2", {})]


@pytest.mark.parametrize(
    "incoming,existing,want",
    [pytest.param(*c[1:], id=f"TestRequiredAffinitySingleNode/{c[0]}") for c in SINGLE_NODE])
def test_required_affinity_single_node(incoming: dict[str, Any], existing: list[Any],
                                       want: Status) -> None:
    assert filter_statuses(incoming, existing, [NODE1], NAMESPACES) == [want]


# --- TestRequiredAffinityMultipleNodes --------------------------------------------------------

RG_CHINA = {"region": "China"}
RG_CHINA_AZ1 = {"region": "China", "az": "az1"}
RG_INDIA = {"region": "India"}
FOO_BAR = req("foo", "In", "bar")
FOO_ABC = req("foo", "In", "abc")
NODES_AB_R1 = [node("nodeA", {"region": "r1", "zone": "z1", "hostname": "nodeA"}),
               node("nodeB", {"region": "r1", "zone": "z2", "hostname": "nodeB"})]
NODES_AB_SAME_ZONE = [node("nodeA", {"region": "r1", "zone": "z1", "hostname": "nodeA"}),
                      node("nodeB", {"region": "r1", "zone": "z1", "hostname": "nodeB"})]
CHINA_INDIA = [node("nodeA", RG_CHINA), node("nodeB", RG_CHINA_AZ1), node("nodeC", RG_INDIA)]

MULTIPLE_NODES = [
    ("A pod can be scheduled onto all the nodes that have the same topology key & label value "
     "with one of them has an existing pod that matches the affinity rules",
     pod("p", {}, affinity=with_terms([term("region", FOO_BAR)], None)),
     [pod("p1", {"foo": "bar"}, "machine1")],
     [node("machine1", RG_CHINA), node("machine2", RG_CHINA_AZ1), node("machine3", RG_INDIA)],
     [OK, OK, AFF]),
    ("The affinity rule is to schedule all of the pods of this collection to the same zone. The "
     "first pod of the collection should not be blocked from being scheduled onto any node, even "
     "there's no existing pod that matches the rule anywhere.",
     pod("p", {"foo": "bar", "service": "securityscan"}, affinity=with_terms(
         [term("zone", FOO_BAR), term("zone", req("service", "In", "securityscan"))], None)),
     [pod("p1", {"foo": "bar"}, "nodeA")],
     [node("nodeA", {"zone": "az1", "hostname": "h1"}),
      node("nodeB", {"zone": "az2", "hostname": "h2"})], [OK, OK]),
    ("The first pod of the collection can only be scheduled on nodes labelled with the requested "
     "topology keys",
     pod("p", {"foo": "bar", "service": "securityscan"}, affinity=with_terms(
         [term("zone", FOO_BAR), term("zone", req("service", "In", "securityscan"))], None)),
     [pod("p1", {"foo": "bar"}, "nodeA")],
     [node("nodeA", {"zoneLabel": "az1", "hostname": "h1"}),
      node("nodeB", {"zoneLabel": "az2", "hostname": "h2"})], [AFF, AFF]),
    ("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
     "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
     pod("p", {}, affinity=with_terms(None, [term("region", FOO_ABC)])),
     [pod("e", {"foo": "abc"}, "nodeA")],
     [node("nodeA", {"region": "r1", "hostname": "nodeA"}),
      node("nodeB", {"region": "r1", "hostname": "nodeB"})], [ANTI, ANTI]),
    ("This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule "
     "matches a pod.",
     pod("p", {}, affinity=with_terms(None, [
         term("region", FOO_ABC), term("zone", req("service", "In", "securityscan"))])),
     [pod("e", {"foo": "abc", "service": "securityscan"}, "nodeA")],
     [node("nodeA", {"region": "r1", "zone": "z1", "hostname": "nodeA"}),
      node("nodeB", {"region": "r1", "zone": "z2", "hostname": "nodeB"})], [ANTI, ANTI]),
    ("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
     "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but "
     "can be scheduled onto nodeC",
     pod("p", {}, affinity=with_terms(None, [term("region", FOO_ABC)])),
     [pod("e", {"foo": "abc"}, "nodeA")], CHINA_INDIA, [ANTI, ANTI, OK]),
    ("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that "
     "matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but "
     "can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity "
     "rule but in different namespace)",
     pod("p", {"foo": "123"}, affinity=with_terms(None, [term("region", FOO_BAR)]), ns="ns1"),
     [pod("e1", {"foo": "bar"}, "nodeA", ns="ns1"),
      pod("e2", {}, "nodeC", with_terms(None, [term("region", req("foo", "In", "123"))]),
          ns="ns2")],
     CHINA_INDIA, [ANTI, ANTI, OK]),
    ("Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, "
     "labelSelector of the term is firstly checked, and then topologyKey of the term is also "
     "checked",
     pod("p", {"foo": ""}),
     [pod("e", {}, "nodeA", with_terms(None, [term("invalid-node-label",
                                                   req("foo", "Exists"))]))],
     NODES_AB_SAME_ZONE, [OK, OK]),
    ("Test incoming pod's anti-affinity: even if labelSelector matches, we still check if "
     "topologyKey matches",
     pod("p", {}, affinity=with_terms(None, [term("invalid-node-label", req("foo", "Exists"))])),
     [pod("e", {"foo": ""}, "nodeA")], NODES_AB_SAME_ZONE, [OK, OK]),
    ("Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates "
     "each existingPod's terms on all nodes",
     pod("p", {"foo": "", "bar": ""}),
     [pod("e1", {}, "nodeA", with_terms(None, [term("zone", req("foo", "Exists"))])),
      pod("e2", {}, "nodeA", with_terms(None, [term("region", req("bar", "Exists"))]))],
     NODES_AB_R1, [EXISTING, EXISTING]),
]


@pytest.mark.parametrize(
    "incoming,existing,nodes,want",
    [pytest.param(*c[1:], id=f"TestRequiredAffinityMultipleNodes/{c[0]}")
     for c in MULTIPLE_NODES])
def test_required_affinity_multiple_nodes(incoming: dict[str, Any], existing: list[Any],
                                          nodes: list[Any], want: list[Status]) -> None:
    assert filter_statuses(incoming, existing, nodes, NAMESPACES) == want


def test_pre_filter_skips_without_terms_or_existing_anti_affinity() -> None:
    """PreFilter's Skip: no required terms and no existing anti-affinity matching the pod."""
    snapshot = Snapshot(restore(NODE1, pod("e", SECURITYSCAN, "machine1")))
    _, _, status = ipa.new({}).pre_filter(CycleState(), decode_object(pod("p")), snapshot)
    assert status.code == SKIP


def test_add_pod_updates_the_incoming_anti_affinity_counts() -> None:
    """AddPod/RemovePod (TestPreFilterStateAddRemovePod, in short)."""
    snapshot = Snapshot(restore(*NODES_AB_R1))
    plugin = ipa.new({})
    p = decode_object(pod("p", {}, affinity=with_terms(None, [term("region", FOO_ABC)])))
    state, _, _ = plugin.pre_filter(CycleState(), p, snapshot)
    node_a = snapshot.get("nodeA")
    assert plugin.filter(state, p, node_a) == OK
    added, _ = plugin.add_pod(state, p, decode_object(pod("e", {"foo": "abc"}, "nodeA")), node_a)
    assert plugin.filter(added, p, snapshot.get("nodeB")) == ANTI
    removed, _ = plugin.remove_pod(added, p, decode_object(pod("e", {"foo": "abc"}, "nodeA")),
                                   node_a)
    assert plugin.filter(removed, p, snapshot.get("nodeB")) == OK


# --- TestPreferredAffinity --------------------------------------------------------------------

S2 = {"security": "S2"}
AZ1 = {"az": "az1"}
AZ2 = {"az": "az2"}
IN_S1 = req("security", "In", "S1")
IN_S2 = req("security", "In", "S2")
STAY_WITH_S1_IN_REGION = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(5, term("region", IN_S1))]}}
STAY_WITH_S2_IN_REGION = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(6, term("region", IN_S2))]}}
AFFINITY3 = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(8, term("region", req("security", "NotIn", "S1"), IN_S2)),
    weighted(2, term("region", req("security", "Exists"), req("wrongkey", "DoesNotExist")))]}}
HARD_AFFINITY = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    term("region", req("security", "In", "S1", "value2")),
    term("region", req("security", "Exists"), req("wrongkey", "DoesNotExist"))]}}
AWAY_FROM_S1_IN_AZ = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(5, term("az", IN_S1))]}}
AWAY_FROM_S2_IN_AZ = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(5, term("az", IN_S2))]}}
STAY_S1_AWAY_S2 = {
    "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        weighted(8, term("region", IN_S1))]},
    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        weighted(5, term("az", IN_S2))]}}
TEAM1 = {"matchExpressions": [req("team", "In", "team1")]}
AFFINITY_NS_SELECTOR = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(5, term("region", IN_S1, namespaces=["subteam2.team2"], ns_selector=TEAM1))]}}
ANTI_AFFINITY_NS_SELECTOR = {"podAntiAffinity": {
    "preferredDuringSchedulingIgnoredDuringExecution": [
        weighted(5, term("region", IN_S1, namespaces=["subteam2.team2"], ns_selector=TEAM1))]}}
INVALID_AFFINITY = {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(8, term("region", req("security", "In", "{{.bad-value.}}")))]}}
INVALID_ANTI_AFFINITY = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    weighted(5, term("az", req("security", "In", "{{.bad-value.}}")))]}}
TEAM_NAMESPACES = [namespace("subteam1.team1", {"team": "team1"}),
                   namespace("subteam2.team1", {"team": "team1"}),
                   namespace("subteam1.team2", {"team": "team2"}),
                   namespace("subteam2.team2", {"team": "team2"})]
NODES_CHINA_INDIA_AZ1 = [node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)]
FIVE_NODES = [node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", RG_CHINA),
              node("node4", RG_CHINA), node("node5", RG_INDIA)]


def existing(*specs: tuple[str, dict[str, str], dict[str, Any] | None]) -> list[Any]:
    return [pod(f"e{i}", labels, node_name, affinity)
            for i, (node_name, labels, affinity) in enumerate(specs)]


PREFERRED = [
    ("all nodes are same priority as Affinity is nil",
     pod("p", S1), [], NODES_CHINA_INDIA_AZ1, Status(SKIP)),
    ("Affinity: pod that matches topology key & pods in nodes will get high score comparing to "
     "otherswhich doesn't match either pods in nodes or in topology key",
     pod("p", S1, affinity=STAY_WITH_S1_IN_REGION),
     existing(("node1", S1, None), ("node2", S2, None), ("node3", S1, None)),
     NODES_CHINA_INDIA_AZ1, [100, 0, 0]),
    ("All the nodes that have the same topology key & label value with one of them has an "
     "existing pod that match the affinity rules, have the same score",
     pod("p", {}, affinity=STAY_WITH_S1_IN_REGION), existing(("node1", S1, None)),
     [node("node1", RG_CHINA), node("node2", RG_CHINA_AZ1), node("node3", RG_INDIA)],
     [100, 100, 0]),
    ("Affinity: nodes in one region has more matching pods comparing to other region, so the "
     "region which has more matches will get high score",
     pod("p", S1, affinity=STAY_WITH_S2_IN_REGION),
     existing(("node1", S2, None), ("node1", S2, None), ("node2", S2, None), ("node3", S2, None),
              ("node4", S2, None), ("node5", S2, None)),
     FIVE_NODES, [100, 0, 100, 100, 0]),
    ("Affinity: different Label operators and values for pod affinity scheduling preference, "
     "including some match failures ",
     pod("p", S1, affinity=AFFINITY3),
     existing(("node1", S1, None), ("node2", S2, None), ("node3", S1, None)),
     NODES_CHINA_INDIA_AZ1, [20, 100, 0]),
    ("Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in "
     "pod affinity symmetry",
     pod("p", S2), existing(("node1", S1, STAY_WITH_S1_IN_REGION),
                            ("node2", S2, STAY_WITH_S2_IN_REGION)),
     NODES_CHINA_INDIA_AZ1, [0, 100, 0]),
    ("Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod "
     "affinity symmetry",
     pod("p", S1), existing(("node1", S1, HARD_AFFINITY), ("node2", S2, HARD_AFFINITY)),
     NODES_CHINA_INDIA_AZ1, [100, 100, 0]),
    ("Anti Affinity: pod that does not match existing pods in node will get high score ",
     pod("p", S1, affinity=AWAY_FROM_S1_IN_AZ),
     existing(("node1", S1, None), ("node2", S2, None)),
     [node("node1", AZ1), node("node2", RG_CHINA)], [0, 100]),
    ("Anti Affinity: pod that does not match topology key & match the pods in nodes will get "
     "higher score comparing to others ",
     pod("p", S1, affinity=AWAY_FROM_S1_IN_AZ),
     existing(("node1", S1, None), ("node2", S1, None)),
     [node("node1", AZ1), node("node2", RG_CHINA)], [0, 100]),
    ("Anti Affinity: one node has more matching pods comparing to other node, so the node which "
     "has more unmatches will get high score",
     pod("p", S1, affinity=AWAY_FROM_S1_IN_AZ),
     existing(("node1", S1, None), ("node1", S1, None), ("node2", S2, None)),
     [node("node1", AZ1), node("node2", RG_INDIA)], [0, 100]),
    ("Anti Affinity symmetry: the existing pods in node which has anti affinity match will get "
     "high score",
     pod("p", S2), existing(("node1", S1, AWAY_FROM_S2_IN_AZ), ("node2", S2, AWAY_FROM_S1_IN_AZ)),
     [node("node1", AZ1), node("node2", AZ2)], [0, 100]),
    ("Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution "
     "in both pod affinity & anti affinity",
     pod("p", S1, affinity=STAY_S1_AWAY_S2), existing(("node1", S1, None), ("node2", S1, None)),
     [node("node1", RG_CHINA), node("node2", AZ1)], [100, 0]),
    ("Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to "
     "schedule and existing pods have the same labels",
     pod("p", S1, affinity=STAY_S1_AWAY_S2),
     existing(("node1", S1, None), ("node1", S1, None), ("node2", S1, None), ("node3", S1, None),
              ("node3", S1, None), ("node4", S1, None), ("node5", S1, None)),
     [node("node1", RG_CHINA_AZ1), *FIVE_NODES[1:]], [100, 0, 100, 100, 0]),
    ("Affinity and Anti Affinity and symmetry: considered only "
     "preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & "
     "symmetry",
     pod("p", S1, affinity=STAY_S1_AWAY_S2),
     existing(("node1", S1, None), ("node2", S2, None), ("node3", {}, STAY_S1_AWAY_S2),
              ("node4", {}, AWAY_FROM_S1_IN_AZ)),
     [node("node1", RG_CHINA), node("node2", AZ1), node("node3", RG_INDIA), node("node4", AZ2)],
     [100, 0, 100, 0]),
    ("Avoid panic when partial nodes in a topology don't have pods with affinity",
     pod("p", S1), existing(("node1", S1, None), ("node2", {}, STAY_S1_AWAY_S2)),
     [node("node1", RG_CHINA), node("node2", RG_CHINA)], [0, 0]),
    ("invalid Affinity fails PreScore", pod("p", {}, affinity=INVALID_AFFINITY), [],
     [node("node1", RG_CHINA), node("node2", RG_CHINA)], Status(ERROR)),
    ("invalid AntiAffinity fails PreScore", pod("p", {}, affinity=INVALID_ANTI_AFFINITY), [],
     [node("node1", RG_CHINA), node("node2", RG_CHINA)], Status(ERROR)),
]

NS_PREFERRED = [
    ("Affinity symmetry with namespace selector",
     pod("p", S1, ns="subteam1.team1"),
     existing(("node1", S1, AFFINITY_NS_SELECTOR), ("node2", S2, STAY_WITH_S2_IN_REGION)),
     NODES_CHINA_INDIA_AZ1, [100, 0, 0]),
    ("AntiAffinity symmetry with namespace selector",
     pod("p", S1, ns="subteam1.team1"),
     existing(("node1", S1, ANTI_AFFINITY_NS_SELECTOR), ("node2", S2, STAY_WITH_S2_IN_REGION)),
     NODES_CHINA_INDIA_AZ1, [0, 100, 100]),
]


def score_nodes(incoming: dict[str, Any], existing_pods: list[Any], nodes: list[Any],
                args: dict[str, Any]) -> list[int] | Status:
    snapshot = Snapshot(restore(*nodes, *existing_pods, *TEAM_NAMESPACES))
    plugin = ipa.new(args)
    p = decode_object(incoming)
    infos = [snapshot.get(n["metadata"]["name"]) for n in nodes]
    state, status = plugin.pre_score(CycleState(), p, snapshot, infos)
    if not status.is_success():
        return status
    scores = []
    for info in infos:
        score, status = plugin.score(state, p, info)
        assert status.is_success()
        scores.append(NodeScore(info.name, score))
    normalized, status = plugin.normalize_score(state, p, scores)
    assert status.is_success()
    return [s.score for s in normalized]


@pytest.mark.parametrize(
    "incoming,existing_pods,nodes,want",
    [pytest.param(*c[1:], id=f"TestPreferredAffinity/{c[0]}") for c in PREFERRED + NS_PREFERRED])
def test_preferred_affinity(incoming: dict[str, Any], existing_pods: list[Any],
                            nodes: list[Any], want: list[int] | Status) -> None:
    got = score_nodes(incoming, existing_pods, nodes, {})
    if isinstance(want, Status):
        assert isinstance(got, Status) and got.code == want.code
        if want.code == ERROR:
            assert 'Invalid value: "{{.bad-value.}}"' in got.message()
    else:
        assert got == want


def test_preferred_affinity_ignore_preferred_terms_of_existing_pods() -> None:
    """TestPreferredAffinity "...ignorePreferredTermsOfExistingPods": an incoming pod without
    preferred terms skips PreScore."""
    got = score_nodes(pod("p", S2), existing(("node1", S1, STAY_WITH_S1_IN_REGION)),
                      NODES_CHINA_INDIA_AZ1, {"ignorePreferredTermsOfExistingPods": True})
    assert isinstance(got, Status) and got.code == SKIP


# --- TestPreferredAffinityWithHardPodAffinitySymmetricWeight ----------------------------------

HARD_POD_AFFINITY = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    term("region", req("service", "In", "S1"), namespaces=["default", "subteam2.team2"],
         ns_selector=TEAM1)]}}
TWO_HARD = existing(("node1", {}, HARD_POD_AFFINITY), ("node2", {}, HARD_POD_AFFINITY))
SERVICE_S1 = {"service": "S1"}

HARD_SYMMETRIC = [
    ("with default weight", pod("p", SERVICE_S1), TWO_HARD, NODES_CHINA_INDIA_AZ1,
     {"hardPodAffinityWeight": 1}, [100, 100, 0]),
    ("with zero weight", pod("p", SERVICE_S1), TWO_HARD, NODES_CHINA_INDIA_AZ1,
     {"hardPodAffinityWeight": 0}, Status(SKIP)),
    ("with no matching namespace", pod("p", SERVICE_S1, ns="subteam1.team2"), TWO_HARD,
     NODES_CHINA_INDIA_AZ1, {"hardPodAffinityWeight": 1}, Status(SKIP)),
    ("with matching NamespaceSelector", pod("p", SERVICE_S1, ns="subteam1.team1"), TWO_HARD,
     NODES_CHINA_INDIA_AZ1, {"hardPodAffinityWeight": 1}, [100, 100, 0]),
    ("with matching Namespaces", pod("p", SERVICE_S1, ns="subteam2.team2"), TWO_HARD,
     NODES_CHINA_INDIA_AZ1, {"hardPodAffinityWeight": 1}, [100, 100, 0]),
]


@pytest.mark.parametrize(
    "incoming,existing_pods,nodes,args,want",
    [pytest.param(*c[1:], id=f"TestPreferredAffinityWithHardPodAffinitySymmetricWeight/{c[0]}")
     for c in HARD_SYMMETRIC])
def test_preferred_affinity_with_hard_pod_affinity_symmetric_weight(
        incoming: dict[str, Any], existing_pods: list[Any], nodes: list[Any],
        args: dict[str, Any], want: list[int] | Status) -> None:
    got = score_nodes(incoming, existing_pods, nodes, args)
    if isinstance(want, Status):
        assert isinstance(got, Status) and got.code == want.code
    else:
        assert got == want
