"""The scheduling cycle, the queue's backoff, the configuration and the controller.

Ported from pkg/scheduler/schedule_one_test.go (v1.34): TestNumFeasibleNodesToFind (every
case), TestFairEvaluationForNodes, TestSelectHost; framework/types_test.go TestFitError-like
message cases; backend/queue backoff (TestBackoffPodDuration-like); and the public path: one
`reconcile` of the scheduler on a restored snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubefold.core.objects import Pod
from kubefold.reducers import manager
from kubefold.reducers.scheduler import config, controller, cycle, queue
from kubefold.reducers.scheduler.framework import (
    OK,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    NodeScore,
    Snapshot,
    Status,
)
from tests.helpers import Engine, new_pod, node, plane

ENGINE = Engine(plane(controller.CONTROLLER))


NOW = "2024-01-01T00:00:00Z"


# --- numFeasibleNodesToFind ------------------------------------------------------------------


@pytest.mark.parametrize("global_pct,profile_pct,num_all,want", [
    pytest.param(0, None, 10, 10, id="TestNumFeasibleNodesToFind/not set "
                 "percentageOfNodesToScore and nodes number not more than 50"),
    pytest.param(0, 40, 10, 10, id="TestNumFeasibleNodesToFind/set profile "
                 "percentageOfNodesToScore and nodes number not more than 50"),
    pytest.param(0, None, 1000, 420, id="TestNumFeasibleNodesToFind/not set "
                 "percentageOfNodesToScore and nodes number more than 50"),
    pytest.param(0, 40, 1000, 400, id="TestNumFeasibleNodesToFind/set profile "
                 "percentageOfNodesToScore and nodes number more than 50"),
    pytest.param(100, 40, 1000, 400, id="TestNumFeasibleNodesToFind/set global and profile "
                 "percentageOfNodesToScore and nodes number more than 50"),
    pytest.param(40, None, 1000, 400, id="TestNumFeasibleNodesToFind/set global "
                 "percentageOfNodesToScore and nodes number more than 50"),
    pytest.param(0, None, 6000, 300, id="TestNumFeasibleNodesToFind/not set "
                 "percentageOfNodesToScore and nodes number more than 50*125"),
    pytest.param(0, 40, 6000, 2400, id="TestNumFeasibleNodesToFind/set profile "
                 "percentageOfNodesToScore and nodes number more than 50*125"),
])
def test_num_feasible_nodes_to_find(global_pct: int, profile_pct: int | None, num_all: int,
                                    want: int) -> None:
    assert cycle.num_feasible_nodes_to_find(profile_pct, num_all, global_pct) == want


class TrueFilter:
    name = "TrueFilter"

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        return OK


class NumericMap:
    name = "NumericMap"

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        return int(node_info.name), OK


def test_fair_evaluation_for_nodes() -> None:
    """TestFairEvaluationForNodes: 500 nodes, percentageOfNodesToScore 30: each cycle finds
    150 nodes and the start index moves on by 150, wrapping round."""
    num_all = 500
    snap = Snapshot(ENGINE.restore(*(node(str(i)) for i in range(num_all)), now=NOW))
    profile = config.Profile(filter=(TrueFilter(),), score=((NumericMap(), 1),))
    sched = cycle.Scheduler(snap, profile, 0, 30)
    to_find = cycle.num_feasible_nodes_to_find(None, num_all, 30)
    assert to_find == 150
    pod = Pod()
    for i in range(2 * (num_all // to_find + 1)):
        _, fit, _, error = sched.find_nodes_that_fit_pod(CycleState(), pod)
        assert error is None
        assert len(fit) == to_find
        assert sched.next_start_node_index == (i + 1) * to_find % num_all


# --- selectHost ------------------------------------------------------------------------------


def scores(*pairs: tuple[str, int]) -> list[NodeScore]:
    return [NodeScore(n, s) for n, s in pairs]


SELECT_HOST_CASES = [
    pytest.param(scores(("node1.1", 1), ("node2.1", 2)), {"node2.1"},
                 id="TestSelectHost/unique properly ordered scores"),
    pytest.param(scores(("node1.1", 1), ("node1.2", 2), ("node1.3", 2), ("node2.1", 2)),
                 {"node1.2", "node1.3", "node2.1"}, id="TestSelectHost/equal scores"),
    pytest.param(scores(("node1.1", 3), ("node1.2", 3), ("node2.1", 2), ("node3.1", 1),
                        ("node1.3", 3)),
                 {"node1.1", "node1.2", "node1.3"}, id="TestSelectHost/out of order scores"),
]


@pytest.mark.parametrize("node_scores,possible", SELECT_HOST_CASES)
def test_select_host(node_scores: list[NodeScore], possible: set[str]) -> None:
    """The chosen host is among the best; every choice of Go's rand is one of them; the top
    list has at most 3 entries, the chosen host first; a seed fixes the choice."""
    seen = set()
    for target in range(1, len(node_scores) + 1):  # rand.Intn(n) is 0 only when n == target
        host, top = cycle.select_host(node_scores, 3, lambda n, t=target: 0 if n == t else 1)
        assert host in possible and top[0].name == host and len(top) <= 3
        seen.add(host)
    assert seen == possible
    cluster = ENGINE.restore(now=NOW)
    rand = cycle._random(cluster, "default/p")
    assert cycle.select_host(node_scores, 3, rand) == cycle.select_host(node_scores, 3, rand)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_select_host_name_is_select_hosts_choice(values: list[int], seed: int) -> None:
    """The cycle's shortcut (select_host_name: the reservoir's draws counted down, the heap
    popped only as far as the chosen node) picks the node selectHost picks, for any scores
    and any `random` that is a function of its argument, as the cycle's seeded one is."""
    names = [f"node-{i}" for i in range(len(values))]

    def rand(n: int) -> int:
        return hash((seed, n)) % n

    node_scores = [NodeScore(name, score) for name, score in zip(names, values, strict=True)]
    assert cycle.select_host_name(names, values, rand) == \
        cycle.select_host(node_scores, 3, rand)[0]


def test_select_host_empty() -> None:
    with pytest.raises(ValueError, match="empty priorityList"):
        cycle.select_host([], 3, lambda n: 0)


# --- FitError --------------------------------------------------------------------------------


def diagnosis(statuses: dict[str, Status], absent: Status | None = None,
              pre_filter_msg: str = "", post_filter_msg: str = "") -> cycle.Diagnosis:
    d = cycle.Diagnosis()
    for name, status in statuses.items():
        d.node_to_status.set(name, status)
    if absent is not None:
        d.node_to_status.absent_nodes_status = absent
    d.pre_filter_msg, d.post_filter_msg = pre_filter_msg, post_filter_msg
    return d


TAINT = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


@pytest.mark.parametrize("num_all,d,want", [
    pytest.param(3, diagnosis({"n1": Status(UNSCHEDULABLE, ("Insufficient cpu",)),
                               "n2": Status(UNSCHEDULABLE, ("Insufficient cpu",)),
                               "n3": Status(UNSCHEDULABLE_AND_UNRESOLVABLE, (TAINT,))},
                              post_filter_msg="preemption: 0/3 nodes are available: 3 "
                                              "Preemption is not helpful for scheduling."),
                 f"0/3 nodes are available: 1 {TAINT}, 2 Insufficient cpu. preemption: 0/3 "
                 "nodes are available: 3 Preemption is not helpful for scheduling.",
                 id="FitError/filter reasons counted and sorted, then the PostFilter message"),
    pytest.param(2, diagnosis({"n1": Status(UNSCHEDULABLE, ("Insufficient cpu",
                                                            "Insufficient memory"))}),
                 "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
                 id="FitError/several reasons of one node; the absent node has none"),
    pytest.param(3, diagnosis({}, absent=Status(UNSCHEDULABLE_AND_UNRESOLVABLE, ("x",)),
                              pre_filter_msg="node(s) didn't satisfy plugin NodeAffinity"),
                 "0/3 nodes are available: node(s) didn't satisfy plugin NodeAffinity.",
                 id="FitError/a PreFilter rejection replaces the per-node reasons"),
    pytest.param(3, diagnosis({"n2": Status(UNSCHEDULABLE, ("Insufficient cpu",))},
                              absent=Status(UNSCHEDULABLE_AND_UNRESOLVABLE,
                                            ("node(s) didn't satisfy plugin(s) "
                                             "[NodeAffinity]",))),
                 "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy "
                 "plugin(s) [NodeAffinity].",
                 id="FitError/nodes a PreFilterResult left out count with the absent status"),
])
def test_fit_error(num_all: int, d: cycle.Diagnosis, want: str) -> None:
    assert cycle.FitError(Pod(), num_all, d).error() == want


# --- backoff ---------------------------------------------------------------------------------


@pytest.mark.parametrize("attempts,want", [
    (0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (6, 10), (20, 10)])
def test_backoff_duration(attempts: int, want: int) -> None:
    """calculateBackoffDuration: 1 s doubling per attempt, capped at 10 s."""
    assert queue.calculate_backoff_duration(attempts) == want


# --- configuration ---------------------------------------------------------------------------


def test_default_profile_weights_and_order() -> None:
    p = config.default_profile()
    weights = {pl.name: w for pl, w in p.score}
    assert weights["TaintToleration"] == 3 and weights["NodeAffinity"] == 2
    assert [pl.name for pl in p.filter][:5] == ["NodeUnschedulable", "NodeName",
                                               "TaintToleration", "NodeAffinity", "NodePorts"]
    assert [pl.name for pl in p.queue_sort] == ["PrioritySort"]


def test_profile_from_config_disables_and_reweights() -> None:
    doc = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "percentageOfNodesToScore": 70,
           "profiles": [{"schedulerName": "default-scheduler",
                         "plugins": {"score": {"disabled": [{"name": "TaintToleration"}],
                                               "enabled": [{"name": "NodeAffinity",
                                                            "weight": 7}]},
                                     "filter": {"disabled": [{"name": "*"}],
                                                "enabled": [{"name": "NodeName"}]}}},
                        {"schedulerName": "other"}]}
    cfg = config.config_from_document(doc)
    assert set(cfg.profiles) == {"default-scheduler", "other"}
    assert cfg.percentage_of_nodes_to_score == 70
    p = cfg.profiles["default-scheduler"]
    weights = {pl.name: w for pl, w in p.score}
    assert "TaintToleration" not in weights and weights["NodeAffinity"] == 7
    assert [pl.name for pl, _ in p.score][0] == "NodeAffinity"  # an override comes first
    assert [pl.name for pl in p.filter] == ["NodeName"]


# --- the public path: one reconcile ------------------------------------------------------------


CONTROL_PLANE = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
NO_PREEMPTION = {"apiVersion": "kubescheduler.config.k8s.io/v1",
                 "kind": "KubeSchedulerConfiguration",
                 "metadata": {"name": "scheduler", "namespace": "kube-system"},
                 "profiles": [{"schedulerName": "default-scheduler",
                               "plugins": {"postFilter": {"disabled": [{"name": "*"}]}}}]}


def tainted(manifest: dict[str, Any], *taints: dict[str, Any]) -> dict[str, Any]:
    manifest["spec"] = {"taints": list(taints)}
    return manifest


def three_nodes(cpus: Sequence[str]) -> list[dict[str, Any]]:
    return [tainted(node("cp", cpu="8"), CONTROL_PLANE), node("w1", cpu=cpus[0]),
            node("w2", cpu=cpus[1])]


def pod_scheduled(pod: Pod) -> Any:
    return next(c for c in pod.status.conditions if c.type == "PodScheduled")


def test_reconcile_binds_to_the_best_node() -> None:
    """The control-plane node is filtered out; LeastAllocated prefers the emptier worker."""
    cluster = ENGINE.restore(*three_nodes(["2", "4"]), new_pod("p", cpu="1"), now=NOW)
    assert ("default", "p") in cluster.unscheduled_pods
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    pod = cluster.get("Pod", "default", "p")
    assert pod.spec.node_name == "w2"
    assert (pod_scheduled(pod).status, pod_scheduled(pod).last_transition_time) == (
        "True", cluster.now)
    assert ("default", "p") not in cluster.unscheduled_pods
    assert queue.attempts(cluster, "default/p") == 0  # done: bookkeeping dropped


def test_reconcile_leaves_pod_pending_with_the_fit_error() -> None:
    cluster = ENGINE.restore(*three_nodes(["1", "1"]), new_pod("p", cpu="2"), NO_PREEMPTION,
                             now=NOW)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    pod = cluster.get("Pod", "default", "p")
    assert pod.spec.node_name is None
    cond = pod_scheduled(pod)
    assert (cond.status, cond.reason) == ("False", "Unschedulable")
    assert cond.message == f"0/3 nodes are available: 1 {TAINT}, 2 Insufficient cpu."
    # Requeued: one attempt, 1 s of backoff, the leftover flush in 300 s.
    assert queue.attempts(cluster, "default/p") == 1
    assert queue.backoff_expiry(cluster, "default/p") == cluster.now + 1
    assert cluster.queue.waiting[("scheduler", "default/p")] == cluster.now + 300


def test_status_only_update_does_not_requeue_but_node_add_does() -> None:
    cluster = ENGINE.restore(*three_nodes(["1", "1"]), new_pod("p", cpu="2"), NO_PREEMPTION,
                             now=NOW)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    assert ("scheduler", "default/p") not in cluster.queue.queued  # its own status write
    cluster = ENGINE.apply(cluster, node("w3", cpu="4"))
    assert ("scheduler", "default/p") in cluster.queue.queued
    # Still backing off (1 s): the sync puts it back until the expiry, writing nothing.
    before = cluster.get("Pod", "default", "p")
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    assert cluster.get("Pod", "default", "p") == before
    assert cluster.queue.waiting[("scheduler", "default/p")] == cluster.now + 1
    cluster = manager.advance(cluster, cluster.now + 1)
    cluster = ENGINE.reconcile(cluster, "scheduler", "default/p")
    assert cluster.get("Pod", "default", "p").spec.node_name == "w3"


def test_skips_pods_for_another_scheduler_and_bound_pods() -> None:
    cluster = ENGINE.restore(node("w1"), new_pod("p", schedulerName="other"),
                      new_pod("q", node_name="w1"), now=NOW)
    assert controller.watch(cluster, manager.Change("Pod", "default", "p", None,
                                                    cluster.get("Pod", "default", "p"))) == []
    after = ENGINE.reconcile(cluster, "scheduler", "default/p")
    assert after.get("Pod", "default", "p") == cluster.get("Pod", "default", "p")


def test_no_nodes_available() -> None:
    cluster = ENGINE.reconcile(ENGINE.restore(new_pod("p"), now=NOW), "scheduler", "default/p")
    cond = pod_scheduled(cluster.get("Pod", "default", "p"))
    assert (cond.reason, cond.message) == ("Unschedulable", "no nodes available to schedule pods")
    # No plugin rejected it: backoffQ, retried after the 1 s backoff.
    assert cluster.queue.waiting[("scheduler", "default/p")] == cluster.now + 1
