"""NodeResourcesFit and NodeResourcesBalancedAllocation, ported from the Go tests (v1.34):
pkg/scheduler/framework/plugins/noderesources/fit_test.go (TestEnoughRequests,
TestPreFilterDisabled, TestNotEnoughRequests, TestStorageRequests,
TestRestartableInitContainers, TestFitScore), least_allocated_test.go, most_allocated_test.go,
requested_to_capacity_ratio_test.go and balanced_allocation_test.go.

Left out: the cases that need pod-level resources, DRA extended resources or the
SidecarContainers gate turned off; the queueing-hint and SignPod tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.objects import Pod
from kubefold.reducers.scheduler import noderesources_balanced_allocation as ba
from kubefold.reducers.scheduler import noderesources_fit as fit
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    MIN_NODE_SCORE,
    OK,
    SKIP,
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeScore,
    Snapshot,
    Status,
)
from kubefold.reducers.scheduler.helpers import go_quo, go_round, non_zero_requests
from kubefold.reducers.scheduler.noderesources_fit import (
    LEAST_ALLOCATED,
    MOST_ALLOCATED,
    REQUESTED_TO_CAPACITY_RATIO,
    NodeResourcesFitArgs,
    ResourceSpec,
    ScoringStrategy,
    UtilizationShapePoint,
)
from tests.helpers import restore

EXT_A = "example.com/aaa"
EXT_B = "example.com/bbb"
K8S_IO_A = "kubernetes.io/something"
K8S_IO_B = "subdomain.kubernetes.io/something"
HUGE_PAGE_A = "hugepages-2Mi"
EXT_DRA = "extended.resource.dra.io/something"
EXTENDED_RES = "abc.com/xyz"
GPU = "nvidia.com/gpu"

DEFAULT_RESOURCES = (ResourceSpec("cpu", 1), ResourceSpec("memory", 1))
EXTENDED_RESOURCE_SET = (*DEFAULT_RESOURCES, ResourceSpec(EXTENDED_RES, 1))


# --- builders: Go's newResourcePod, st.MakePod, st.MakeNode, makeNode ----------------------


def res(milli_cpu: int = 0, memory: int = 0, storage: int = 0) -> dict[str, str]:
    """One container of newResourcePod(framework.Resource{...}): cpu, memory, pods and
    ephemeral-storage always listed (zero included)."""
    return {"cpu": f"{milli_cpu}m", "memory": str(memory), "pods": "0",
            "ephemeral-storage": str(storage)}


def scalar(name: str, q: int, milli_cpu: int = 0, memory: int = 0) -> dict[str, str]:
    return {**res(milli_cpu, memory), name: str(q)}


def container(i: int, requests: dict[str, str] | None, **extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": f"c{i}", "image": "pause", **extra}
    if requests is not None:
        c["resources"] = {"requests": requests}
    return c


def pod(name: str = "pod", node: str | None = None,
        containers: Sequence[dict[str, str] | None] = (),
        init: Sequence[dict[str, str] | None] = (),
        sidecars: Sequence[dict[str, str] | None] = (),
        overhead: dict[str, str] | None = None) -> dict[str, Any]:
    """A pod manifest whose containers request `containers` (st.MakePod().Req(...) per entry;
    None for a container without requests), `init` the init containers, `sidecars` the
    restartable init containers (SidecarReq)."""
    spec: dict[str, Any] = {
        "containers": [container(i, r) for i, r in enumerate(containers)],
        "initContainers": ([container(100 + i, r, restartPolicy="Always")
                            for i, r in enumerate(sidecars)]
                           + [container(200 + i, r) for i, r in enumerate(init)]),
    }
    if node:
        spec["nodeName"] = node
    if overhead:
        spec["overhead"] = overhead
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def node(name: str, allocatable: dict[str, str] | None = None,
         images: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """st.MakeNode().Name(name).Capacity(allocatable): capacity and allocatable alike."""
    status: dict[str, Any] = {}
    if allocatable:
        status = {"capacity": dict(allocatable), "allocatable": dict(allocatable)}
    if images:
        status["images"] = list(images)
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "status": status}


def make_node(name: str, milli_cpu: int, memory: int, extended: dict[str, int] | None = None
              ) -> dict[str, Any]:
    """makeNode (test_util.go)."""
    alloc = {"cpu": f"{milli_cpu}m", "memory": str(memory)}
    alloc.update({k: str(v) for k, v in (extended or {}).items()})
    return node(name, alloc)


def decode_pod(manifest: dict[str, Any]) -> Pod:
    obj = decode_object(manifest)
    assert isinstance(obj, Pod)
    return obj


def snapshot_of(nodes: Sequence[dict[str, Any]], pods: Sequence[dict[str, Any]]) -> Snapshot:
    """cache.NewSnapshot(pods, nodes); the existing pods are renamed p0, p1, ..."""
    named = [{**p, "metadata": {**p["metadata"], "name": f"p{i}"}} for i, p in enumerate(pods)]
    return Snapshot(restore(*nodes, *named))


# --- fit_test.go: TestEnoughRequests ---------------------------------------------------------

FIT_ALLOCATABLE = {"cpu": "10m", "memory": "20", "pods": "32", EXT_A: "5",
                   "ephemeral-storage": "20", HUGE_PAGE_A: "5"}  # makeAllocatableResources

Insufficient = tuple[str, int, int, int, bool]  # name, requested, used, capacity, unresolvable


def unsched(*reasons: str) -> Status:
    return Status(UNSCHEDULABLE, reasons)


def unresolvable(*reasons: str) -> Status:
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, reasons)


def insufficient(name: str) -> str:
    return f"Insufficient {name}"


ENOUGH_REQUESTS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], Status,
                            list[Insufficient]]] = [
    # (name, pod, the node's pod, args, want status, want insufficient resources)
    ("no resources requested always fits", pod(), pod(containers=[res(10, 20)]), {}, OK, []),
    ("too many resources fails", pod(containers=[res(1, 1)]), pod(containers=[res(10, 20)]), {},
     unsched(insufficient("cpu"), insufficient("memory")),
     [("cpu", 1, 10, 10, False), ("memory", 1, 20, 20, False)]),
    ("too many resources fails due to init container cpu",
     pod(containers=[res(1, 1)], init=[res(3, 1)]), pod(containers=[res(8, 19)]), {},
     unsched(insufficient("cpu")), [("cpu", 3, 8, 10, False)]),
    ("too many resources fails due to highest init container cpu",
     pod(containers=[res(1, 1)], init=[res(3, 1), res(2, 1)]), pod(containers=[res(8, 19)]), {},
     unsched(insufficient("cpu")), [("cpu", 3, 8, 10, False)]),
    ("too many resources fails due to init container memory",
     pod(containers=[res(1, 1)], init=[res(1, 3)]), pod(containers=[res(9, 19)]), {},
     unsched(insufficient("memory")), [("memory", 3, 19, 20, False)]),
    ("too many resources fails due to highest init container memory",
     pod(containers=[res(1, 1)], init=[res(1, 3), res(1, 2)]), pod(containers=[res(9, 19)]),
     {}, unsched(insufficient("memory")), [("memory", 3, 19, 20, False)]),
    ("init container fits because it's the max, not sum, of containers and init containers",
     pod(containers=[res(1, 1)], init=[res(1, 1)]), pod(containers=[res(9, 19)]), {}, OK, []),
    ("multiple init containers fit because it's the max, not sum, of containers and init "
     "containers", pod(containers=[res(1, 1)], init=[res(1, 1), res(1, 1)]),
     pod(containers=[res(9, 19)]), {}, OK, []),
    ("both resources fit", pod(containers=[res(1, 1)]), pod(containers=[res(5, 5)]), {}, OK,
     []),
    ("one resource memory fits", pod(containers=[res(2, 1)]), pod(containers=[res(9, 5)]), {},
     unsched(insufficient("cpu")), [("cpu", 2, 9, 10, False)]),
    ("one resource cpu fits", pod(containers=[res(1, 2)]), pod(containers=[res(5, 19)]), {},
     unsched(insufficient("memory")), [("memory", 2, 19, 20, False)]),
    ("equal edge case", pod(containers=[res(5, 1)]), pod(containers=[res(5, 19)]), {}, OK, []),
    ("equal edge case for init container", pod(containers=[res(4, 1)], init=[res(5, 1)]),
     pod(containers=[res(5, 19)]), {}, OK, []),
    ("extended resource fits", pod(containers=[scalar(EXT_A, 1)]), pod(containers=[res()]), {},
     OK, []),
    ("extended resource fits for init container",
     pod(containers=[res()], init=[scalar(EXT_A, 1)]), pod(containers=[res()]), {}, OK, []),
    ("extended resource capacity enforced", pod(containers=[scalar(EXT_A, 10, 1, 1)]),
     pod(containers=[scalar(EXT_A, 0)]), {}, unresolvable(insufficient(EXT_A)),
     [(EXT_A, 10, 0, 5, True)]),
    ("extended resource capacity enforced for init container",
     pod(containers=[res()], init=[scalar(EXT_A, 10, 1, 1)]),
     pod(containers=[scalar(EXT_A, 0)]), {}, unresolvable(insufficient(EXT_A)),
     [(EXT_A, 10, 0, 5, True)]),
    ("extended resource allocatable enforced", pod(containers=[scalar(EXT_A, 1, 1, 1)]),
     pod(containers=[scalar(EXT_A, 5)]), {}, unsched(insufficient(EXT_A)),
     [(EXT_A, 1, 5, 5, False)]),
    ("extended resource allocatable enforced for init container",
     pod(containers=[res()], init=[scalar(EXT_A, 1, 1, 1)]),
     pod(containers=[scalar(EXT_A, 5)]), {}, unsched(insufficient(EXT_A)),
     [(EXT_A, 1, 5, 5, False)]),
    ("extended resource allocatable enforced for multiple containers",
     pod(containers=[scalar(EXT_A, 3, 1, 1), scalar(EXT_A, 3, 1, 1)]),
     pod(containers=[scalar(EXT_A, 2)]), {}, unresolvable(insufficient(EXT_A)),
     [(EXT_A, 6, 2, 5, True)]),
    ("extended resource allocatable admits multiple init containers",
     pod(containers=[res()], init=[scalar(EXT_A, 3, 1, 1), scalar(EXT_A, 3, 1, 1)]),
     pod(containers=[scalar(EXT_A, 2)]), {}, OK, []),
    ("extended resource allocatable enforced for multiple init containers",
     pod(containers=[res()], init=[scalar(EXT_A, 6, 1, 1), scalar(EXT_A, 3, 1, 1)]),
     pod(containers=[scalar(EXT_A, 2)]), {}, unresolvable(insufficient(EXT_A)),
     [(EXT_A, 6, 2, 5, True)]),
    ("extended resource allocatable enforced for unknown resource",
     pod(containers=[scalar(EXT_B, 1, 1, 1)]), pod(containers=[res()]), {},
     unresolvable(insufficient(EXT_B)), [(EXT_B, 1, 0, 0, True)]),
    ("extended resource allocatable enforced for unknown resource for init container",
     pod(containers=[res()], init=[scalar(EXT_B, 1, 1, 1)]), pod(containers=[res()]), {},
     unresolvable(insufficient(EXT_B)), [(EXT_B, 1, 0, 0, True)]),
    ("kubernetes.io resource capacity enforced", pod(containers=[scalar(K8S_IO_A, 10, 1, 1)]),
     pod(containers=[res()]), {}, unresolvable(insufficient(K8S_IO_A)),
     [(K8S_IO_A, 10, 0, 0, True)]),
    ("kubernetes.io resource capacity enforced for init container",
     pod(containers=[res()], init=[scalar(K8S_IO_B, 10, 1, 1)]), pod(containers=[res()]), {},
     unresolvable(insufficient(K8S_IO_B)), [(K8S_IO_B, 10, 0, 0, True)]),
    ("hugepages resource capacity enforced", pod(containers=[scalar(HUGE_PAGE_A, 10, 1, 1)]),
     pod(containers=[scalar(HUGE_PAGE_A, 0)]), {}, unresolvable(insufficient(HUGE_PAGE_A)),
     [(HUGE_PAGE_A, 10, 0, 5, True)]),
    ("hugepages resource capacity enforced for init container",
     pod(containers=[res()], init=[scalar(HUGE_PAGE_A, 10, 1, 1)]),
     pod(containers=[scalar(HUGE_PAGE_A, 0)]), {}, unresolvable(insufficient(HUGE_PAGE_A)),
     [(HUGE_PAGE_A, 10, 0, 5, True)]),
    ("hugepages resource allocatable enforced for multiple containers",
     pod(containers=[scalar(HUGE_PAGE_A, 3, 1, 1), scalar(HUGE_PAGE_A, 3, 1, 1)]),
     pod(containers=[scalar(HUGE_PAGE_A, 2)]), {}, unresolvable(insufficient(HUGE_PAGE_A)),
     [(HUGE_PAGE_A, 6, 2, 5, True)]),
    ("skip checking ignored extended resource", pod(containers=[scalar(EXT_B, 1, 1, 1)]),
     pod(containers=[res()]), {"ignoredResources": ["example.com/bbb"]}, OK, []),
    ("resources + pod overhead fits",
     pod(containers=[res(1, 1)], overhead={"cpu": "3m", "memory": "13"}),
     pod(containers=[res(5, 5)]), {}, OK, []),
    ("requests + overhead does not fit for memory",
     pod(containers=[res(1, 1)], overhead={"cpu": "1m", "memory": "15"}),
     pod(containers=[res(5, 5)]), {}, unsched(insufficient("memory")),
     [("memory", 16, 5, 20, False)]),
    ("skip checking ignored extended resource via resource groups",
     pod(containers=[{**res(1, 1), EXT_B: "1", K8S_IO_A: "1"}]), pod(containers=[res()]),
     {"ignoredResourceGroups": ["example.com"]}, unresolvable(insufficient(K8S_IO_A)),
     [(K8S_IO_A, 1, 0, 0, True)]),
    ("skip checking extended resource request with quantity zero via resource groups",
     pod(containers=[scalar(EXT_A, 0, 1, 1)]), pod(containers=[scalar(EXT_A, 6)]), {}, OK, []),
    ("skip checking resource request with quantity zero", pod(containers=[scalar(EXT_A, 1)]),
     pod(containers=[scalar(EXT_A, 1, 20, 30)]), {}, OK, []),
    ("extended resource backed by DRA not enabled", pod(containers=[scalar(EXT_DRA, 1, 1, 1)]),
     pod(containers=[res()]), {}, unresolvable(insufficient(EXT_DRA)),
     [(EXT_DRA, 1, 0, 0, True)]),
]


def fit_node_info(node_pods: Sequence[dict[str, Any]], allocatable: dict[str, str]) -> Any:
    snapshot = snapshot_of([node("node", allocatable)],
                           [{**p, "spec": {**p["spec"], "nodeName": "node"}} for p in node_pods])
    info = snapshot.get("node")
    assert info is not None
    return info


@pytest.mark.parametrize(
    ("requested", "node_pod", "args", "want_status", "want_insufficient"),
    [pytest.param(*case[1:], id=f"TestEnoughRequests/{case[0]}") for case in ENOUGH_REQUESTS])
def test_enough_requests(requested: dict[str, Any], node_pod: dict[str, Any],
                         args: dict[str, Any], want_status: Status,
                         want_insufficient: list[Insufficient]) -> None:
    node_info = fit_node_info([node_pod], FIT_ALLOCATABLE)
    plugin = fit.new(args)
    the_pod = decode_pod(requested)
    state, result, status = plugin.pre_filter(CycleState(), the_pod, Snapshot(restore()))
    assert (result, status) == (None, OK)
    assert plugin.filter(state, the_pod, node_info) == want_status
    got = fit.fits_request(fit.compute_pod_resource_request(the_pod), node_info,
                           plugin.ignored_resources, plugin.ignored_resource_groups)
    assert [(r.resource_name, r.requested, r.used, r.capacity, r.unresolvable)
            for r in got] == want_insufficient
    assert [r.reason for r in got] == list(want_status.reasons)


def test_pre_filter_disabled() -> None:
    """TestPreFilterDisabled: Filter without the PreFilter state is an error."""
    info = fit_node_info([], {})
    status = fit.new({}).filter(CycleState(), decode_pod(pod()), info)
    assert status == Status(ERROR, ('error reading "PreFilterNodeResourcesFit" from cycleState: '
                                    "not found",))


# --- TestNotEnoughRequests, TestStorageRequests, TestRestartableInitContainers ----------------

NOT_ENOUGH_REQUESTS = [
    ("even without specified resources, predicate fails when there's no space for additional "
     "pod", pod(), pod(containers=[res(10, 20)])),
    ("even if both resources fit, predicate fails when there's no space for additional pod",
     pod(containers=[res(1, 1)]), pod(containers=[res(5, 5)])),
    ("even for equal edge case, predicate fails when there's no space for additional pod",
     pod(containers=[res(5, 1)]), pod(containers=[res(5, 19)])),
    ("even for equal edge case, predicate fails when there's no space for additional pod due "
     "to init container", pod(containers=[res(5, 1)], init=[res(5, 1)]),
     pod(containers=[res(5, 19)])),
]


@pytest.mark.parametrize(("requested", "node_pod"),
                         [pytest.param(r, n, id=f"TestNotEnoughRequests/{name}")
                          for name, r, n in NOT_ENOUGH_REQUESTS])
def test_not_enough_requests(requested: dict[str, Any], node_pod: dict[str, Any]) -> None:
    allocatable = {"cpu": "10m", "memory": "20", "pods": "1", EXT_A: "0",
                   "ephemeral-storage": "0", HUGE_PAGE_A: "0"}
    node_info = fit_node_info([node_pod], allocatable)
    plugin = fit.new({})
    the_pod = decode_pod(requested)
    state, _, _ = plugin.pre_filter(CycleState(), the_pod, Snapshot(restore()))
    assert plugin.filter(state, the_pod, node_info) == unsched("Too many pods")


STORAGE_REQUESTS = [
    ("empty storage requested, and pod fits", pod(containers=[res(1, 1)]),
     pod(containers=[res(2, 10)]), OK),
    ("storage ephemeral local storage request exceeds allocatable",
     pod(containers=[res(storage=25)]), pod(containers=[res(2, 2)]),
     unresolvable(insufficient("ephemeral-storage"))),
    ("ephemeral local storage is sufficient", pod(containers=[res(storage=5)]),
     pod(containers=[res(2, 2, 10)]), OK),
    ("pod fits", pod(containers=[res(storage=10)]), pod(containers=[res(2, 2)]), OK),
]


@pytest.mark.parametrize(("requested", "node_pod", "want"),
                         [pytest.param(r, n, w, id=f"TestStorageRequests/{name}")
                          for name, r, n, w in STORAGE_REQUESTS])
def test_storage_requests(requested: dict[str, Any], node_pod: dict[str, Any], want: Status
                          ) -> None:
    node_info = fit_node_info([node_pod], FIT_ALLOCATABLE)
    plugin = fit.new({})
    the_pod = decode_pod(requested)
    state, _, _ = plugin.pre_filter(CycleState(), the_pod, Snapshot(restore()))
    assert plugin.filter(state, the_pod, node_info) == want


RESTARTABLE_INIT_CONTAINERS = [
    ("allow pod without restartable init containers if sidecar containers is enabled",
     pod(containers=[None]), OK),
    ("allow pod with restartable init containers if sidecar containers is enabled",
     pod(containers=[None], sidecars=[None]), OK),
    ("allow pod if the total requested resources do not exceed the node's allocatable "
     "resources", pod(containers=[{"cpu": "1m"}], sidecars=[{"cpu": "1m"}]), OK),
    ("not allow pod if the total requested resources do exceed the node's allocatable "
     "resources", pod(containers=[{"cpu": "1m"}], sidecars=[{"cpu": "2m"}]),
     unresolvable(insufficient("cpu"))),
]


@pytest.mark.parametrize(("requested", "want"),
                         [pytest.param(r, w, id=f"TestRestartableInitContainers/{name}")
                          for name, r, w in RESTARTABLE_INIT_CONTAINERS])
def test_restartable_init_containers(requested: dict[str, Any], want: Status) -> None:
    allocatable = {"cpu": "2m", "memory": "0", "pods": "1", EXT_A: "0",
                   "ephemeral-storage": "0", HUGE_PAGE_A: "0"}
    node_info = fit_node_info([], allocatable)
    plugin = fit.new({})
    the_pod = decode_pod(requested)
    state, _, status = plugin.pre_filter(CycleState(), the_pod, Snapshot(restore()))
    assert status == OK
    assert plugin.filter(state, the_pod, node_info) == want


# --- scoring: TestFitScore and the strategy tests ---------------------------------------------


def run_scores(plugin: Any, requested: dict[str, Any], nodes: Sequence[dict[str, Any]],
               existing: Sequence[dict[str, Any]], run_pre_score: bool = True,
               want_code: int = SUCCESS) -> list[NodeScore]:
    snapshot = snapshot_of(nodes, existing)
    the_pod = decode_pod(requested)
    state = CycleState()
    if run_pre_score:
        state, status = plugin.pre_score(state, the_pod, snapshot, list(snapshot))
        assert status == OK
    scores = []
    for name in snapshot.node_names:
        info = snapshot.get(name)
        assert info is not None
        score, status = plugin.score(state, the_pod, info)
        assert status.code == want_code
        scores.append(NodeScore(name, score))
    return scores


def scores(*pairs: tuple[str, int]) -> list[NodeScore]:
    return [NodeScore(n, s) for n, s in pairs]


def cap(cpu: str, memory: str) -> dict[str, str]:
    return {"cpu": cpu, "memory": memory}


req = cap


TWO_NODES_4_6 = [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))]
RTCR_SHAPE_DOWN = (UtilizationShapePoint(0, 10), UtilizationShapePoint(100, 0))
RTCR_SHAPE_UP = (UtilizationShapePoint(0, 0), UtilizationShapePoint(100, 10))
BIN_PACKING_SHAPE = (UtilizationShapePoint(0, 0), UtilizationShapePoint(100, 1))
FIT_SCORE_EXISTING = [pod(node="node1", containers=[req("2000", "4000")]),
                      pod(node="node2", containers=[req("1000", "2000")])]
SIDECAR_EXISTING = [pod(node="node1", containers=[req("1000", "2000")],
                        sidecars=[req("1000", "2000")]),
                    pod(node="node2", containers=[req("1000", "2000")])]
TWO_NODES_4_4 = [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))]

FIT_SCORE = [
    ("test case for ScoringStrategy RequestedToCapacityRatio case1",
     pod(containers=[req("3000", "5000")]), TWO_NODES_4_6, FIT_SCORE_EXISTING,
     ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, DEFAULT_RESOURCES, RTCR_SHAPE_DOWN), True,
     scores(("node1", 10), ("node2", 32))),
    ("test case for ScoringStrategy RequestedToCapacityRatio case2",
     pod(containers=[req("3000", "5000")]), TWO_NODES_4_6, FIT_SCORE_EXISTING,
     ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, DEFAULT_RESOURCES, RTCR_SHAPE_UP), True,
     scores(("node1", 95), ("node2", 68))),
    ("test case for ScoringStrategy MostAllocated", pod(containers=[req("1000", "2000")]),
     TWO_NODES_4_6, FIT_SCORE_EXISTING, ScoringStrategy(MOST_ALLOCATED, DEFAULT_RESOURCES),
     True, scores(("node1", 67), ("node2", 36))),
    ("test case for ScoringStrategy LeastAllocated", pod(containers=[req("1000", "2000")]),
     TWO_NODES_4_6, FIT_SCORE_EXISTING, ScoringStrategy(LEAST_ALLOCATED, DEFAULT_RESOURCES),
     True, scores(("node1", 32), ("node2", 63))),
    ("test case for ScoringStrategy RequestedToCapacityRatio case1 if PreScore is not called",
     pod(containers=[req("3000", "5000")]), TWO_NODES_4_6, FIT_SCORE_EXISTING,
     ScoringStrategy(REQUESTED_TO_CAPACITY_RATIO, DEFAULT_RESOURCES, RTCR_SHAPE_DOWN), False,
     scores(("node1", 10), ("node2", 32))),
    ("test case for ScoringStrategy MostAllocated if PreScore is not called",
     pod(containers=[req("1000", "2000")]), TWO_NODES_4_6, FIT_SCORE_EXISTING,
     ScoringStrategy(MOST_ALLOCATED, DEFAULT_RESOURCES), False,
     scores(("node1", 67), ("node2", 36))),
    ("test case for ScoringStrategy LeastAllocated if PreScore is not called",
     pod(containers=[req("1000", "2000")]), TWO_NODES_4_6, FIT_SCORE_EXISTING,
     ScoringStrategy(LEAST_ALLOCATED, DEFAULT_RESOURCES), False,
     scores(("node1", 32), ("node2", 63))),
    ("test case for ScoringStrategy MostAllocated with sidecar container",
     pod(containers=[req("1000", "2000")]), TWO_NODES_4_4, SIDECAR_EXISTING,
     ScoringStrategy(MOST_ALLOCATED, DEFAULT_RESOURCES), True,
     scores(("node1", 67), ("node2", 45))),
    ("test case for ScoringStrategy LeastAllocated with sidecar container",
     pod(containers=[req("1000", "2000")]), TWO_NODES_4_4, SIDECAR_EXISTING,
     ScoringStrategy(LEAST_ALLOCATED, DEFAULT_RESOURCES), True,
     scores(("node1", 32), ("node2", 55))),
]


@pytest.mark.parametrize(
    ("requested", "nodes", "existing", "strategy", "run_pre_score", "want"),
    [pytest.param(*case[1:], id=f"TestFitScore/{case[0]}") for case in FIT_SCORE])
def test_fit_score(requested: dict[str, Any], nodes: list[dict[str, Any]],
                   existing: list[dict[str, Any]], strategy: ScoringStrategy,
                   run_pre_score: bool, want: list[NodeScore]) -> None:
    plugin = fit.new_fit(NodeResourcesFitArgs(scoring_strategy=strategy))
    assert run_scores(plugin, requested, nodes, existing, run_pre_score) == want


TWO_NODES_10_20 = [node("node1", cap("10000", "20000")), node("node2", cap("10000", "20000"))]
NO_REQUEST_PODS_WITH_RESOURCES = [
    pod(node="node1", containers=[req("3000", "0")]),
    pod(node="node1", containers=[req("3000", "0")]),
    pod(node="node2", containers=[req("3000", "0")]),
    pod(node="node2", containers=[req("3000", "5000")]),
]
PODS_WITH_RESOURCES = [pod(node="node1", containers=[req("3000", "0")]),
                       pod(node="node2", containers=[req("3000", "5000")])]
TWO_CONTAINERS = pod(containers=[req("1000", "2000"), req("2000", "3000")])
EXT_NODES = [node("node1", cap("6000", "10000")),
             node("node2", {**cap("6000", "10000"), EXTENDED_RES: "4"})]
HONOR_EXT_NODES = [node("node1", {**cap("6000", "10000"), EXTENDED_RES: "4"}),
                   node("node2", {**cap("6000", "10000"), EXTENDED_RES: "10"})]
HONOR_EXT_POD = pod(containers=[{**req("3000", "5000"), EXTENDED_RES: "2"}])
WEIGHTS_2_1 = (ResourceSpec("memory", 2), ResourceSpec("cpu", 1))
NODE_LACKS_RESOURCE = (ResourceSpec(EXTENDED_RES, 2), ResourceSpec("cpu", 1),
                       ResourceSpec("memory", 1))

LEAST_ALLOCATED_CASES = [
    ("nothing scheduled, nothing requested", pod(), TWO_NODES_4_4, [], DEFAULT_RESOURCES,
     SUCCESS, scores(("node1", MAX_NODE_SCORE), ("node2", MAX_NODE_SCORE))),
    ("nothing scheduled, resources requested, differently sized nodes", TWO_CONTAINERS,
     TWO_NODES_4_6, [], DEFAULT_RESOURCES, SUCCESS, scores(("node1", 37), ("node2", 50))),
    ("Resources not set, pods scheduled with error", TWO_CONTAINERS, TWO_NODES_4_6, [], (),
     ERROR, scores(("node1", MIN_NODE_SCORE), ("node2", MIN_NODE_SCORE))),
    ("no resources requested, pods scheduled", pod(), TWO_NODES_4_4,
     [pod(node="node1"), pod(node="node1"), pod(node="node2"), pod(node="node2")],
     DEFAULT_RESOURCES, SUCCESS, scores(("node1", MAX_NODE_SCORE), ("node2", MAX_NODE_SCORE))),
    ("no resources requested, pods scheduled with resources", pod(), TWO_NODES_10_20,
     NO_REQUEST_PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS,
     scores(("node1", 70), ("node2", 57))),
    ("resources requested, pods scheduled with resources", TWO_CONTAINERS, TWO_NODES_10_20,
     PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS, scores(("node1", 57), ("node2", 45))),
    ("resources requested, pods scheduled with resources, differently sized nodes",
     TWO_CONTAINERS, [node("node1", cap("10000", "20000")), node("node2", cap("10000", "50000"))],
     PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS, scores(("node1", 57), ("node2", 60))),
    ("requested resources exceed node capacity", pod(containers=[req("3000", "0")]),
     TWO_NODES_4_4, PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS,
     scores(("node1", 50), ("node2", 25))),
    ("zero node resources, pods scheduled with resources", pod(),
     [node("node1"), node("node2")], PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS,
     scores(("node1", MIN_NODE_SCORE), ("node2", MIN_NODE_SCORE))),
    ("nothing scheduled, resources requested with different weight on CPU and memory, "
     "differently sized nodes", TWO_CONTAINERS, TWO_NODES_4_6, [], WEIGHTS_2_1, SUCCESS,
     scores(("node1", 41), ("node2", 50))),
    ("bypass extended resource if the pod does not request", TWO_CONTAINERS, EXT_NODES, [],
     EXTENDED_RESOURCE_SET, SUCCESS, scores(("node1", 50), ("node2", 50))),
    ("honor extended resource if the pod requests", HONOR_EXT_POD, HONOR_EXT_NODES, [],
     EXTENDED_RESOURCE_SET, SUCCESS, scores(("node1", 50), ("node2", 60))),
    ("if the node doesn't have a resource", pod(containers=[req("3000", "4000")]), EXT_NODES,
     [], NODE_LACKS_RESOURCE, SUCCESS, scores(("node1", 55), ("node2", 55))),
]

MOST_ALLOCATED_CASES = [
    ("nothing scheduled, nothing requested", pod(), TWO_NODES_4_4, [], DEFAULT_RESOURCES,
     SUCCESS, scores(("node1", MIN_NODE_SCORE), ("node2", MIN_NODE_SCORE))),
    ("nothing scheduled, resources requested, differently sized nodes", TWO_CONTAINERS,
     TWO_NODES_4_6, [], DEFAULT_RESOURCES, SUCCESS, scores(("node1", 62), ("node2", 50))),
    ("Resources not set, pods scheduled with error", TWO_CONTAINERS, TWO_NODES_4_6, [], (),
     ERROR, scores(("node1", MIN_NODE_SCORE), ("node2", MIN_NODE_SCORE))),
    ("no resources requested, pods scheduled with resources", pod(), TWO_NODES_10_20,
     NO_REQUEST_PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS,
     scores(("node1", 30), ("node2", 42))),
    ("resources requested, pods scheduled with resources", TWO_CONTAINERS, TWO_NODES_10_20,
     PODS_WITH_RESOURCES, DEFAULT_RESOURCES, SUCCESS, scores(("node1", 42), ("node2", 55))),
    ("resources requested equal node capacity",
     pod(containers=[req("2000", "4000"), req("3000", "5000")]),
     [node("node1", cap("5000", "10000")), node("node2", cap("10000", "9000"))], [],
     DEFAULT_RESOURCES, SUCCESS, scores(("node1", 95), ("node2", 75))),
    ("nothing scheduled, resources requested, differently sized nodes (weights)",
     TWO_CONTAINERS, TWO_NODES_4_6, [], WEIGHTS_2_1, SUCCESS,
     scores(("node1", 58), ("node2", 50))),
    ("no resources requested, pods scheduled, nonzero request for resource",
     pod(containers=[None]),
     [node("node1", cap("250m", "1000Mi")), node("node2", cap("250m", "1000Mi"))],
     [pod(node="node1", containers=[None]), pod(node="node1", containers=[None])],
     DEFAULT_RESOURCES, SUCCESS, scores(("node1", 80), ("node2", 30))),
    ("bypass extended resource if the pod does not request", TWO_CONTAINERS, EXT_NODES, [],
     EXTENDED_RESOURCE_SET, SUCCESS, scores(("node1", 50), ("node2", 50))),
    ("honor extended resource if the pod request", HONOR_EXT_POD, HONOR_EXT_NODES, [],
     EXTENDED_RESOURCE_SET, SUCCESS, scores(("node1", 50), ("node2", 40))),
    ("if the node doesn't have a resource", pod(containers=[req("3000", "4000")]), EXT_NODES,
     [], NODE_LACKS_RESOURCE, SUCCESS, scores(("node1", 45), ("node2", 45))),
]


@pytest.mark.parametrize(
    ("strategy", "requested", "nodes", "existing", "resources", "want_code", "want"),
    [pytest.param(LEAST_ALLOCATED, *c[1:], id=f"TestLeastAllocatedScoringStrategy/{c[0]}")
     for c in LEAST_ALLOCATED_CASES]
    + [pytest.param(MOST_ALLOCATED, *c[1:], id=f"TestMostAllocatedScoringStrategy/{c[0]}")
       for c in MOST_ALLOCATED_CASES])
def test_allocated_scoring_strategy(strategy: str, requested: dict[str, Any],
                                    nodes: list[dict[str, Any]], existing: list[dict[str, Any]],
                                    resources: tuple[ResourceSpec, ...], want_code: int,
                                    want: list[NodeScore]) -> None:
    plugin = fit.new_fit(NodeResourcesFitArgs(
        scoring_strategy=ScoringStrategy(strategy, resources)))
    assert run_scores(plugin, requested, nodes, existing, want_code=want_code) == want


INVALID_WEIGHTS = [
    ("TestLeastAllocatedScoringStrategy/resource with negative weight", LEAST_ALLOCATED,
     (ResourceSpec("memory", -1), ResourceSpec("cpu", 1)), "scoringStrategy.resources[0].weight"),
    ("TestLeastAllocatedScoringStrategy/resource with zero weight", LEAST_ALLOCATED,
     (ResourceSpec("memory", 1), ResourceSpec("cpu", 0)), "scoringStrategy.resources[1].weight"),
    ("TestLeastAllocatedScoringStrategy/resource weight larger than MaxNodeScore",
     LEAST_ALLOCATED, (ResourceSpec("memory", 1), ResourceSpec("cpu", 101)),
     "scoringStrategy.resources[1].weight"),
    ("TestMostAllocatedScoringStrategy/resource with negative weight", MOST_ALLOCATED,
     (ResourceSpec("memory", -1), ResourceSpec("cpu", 1)), "scoringStrategy.resources[0].weight"),
    ("TestMostAllocatedScoringStrategy/resource with zero weight", MOST_ALLOCATED,
     (ResourceSpec("memory", 1), ResourceSpec("cpu", 0)), "scoringStrategy.resources[1].weight"),
    ("TestMostAllocatedScoringStrategy/resource weight larger than MaxNodeScore",
     MOST_ALLOCATED, (ResourceSpec("memory", 101),), "scoringStrategy.resources[0].weight"),
]


@pytest.mark.parametrize(("strategy", "resources", "field"),
                         [pytest.param(*c[1:], id=c[0]) for c in INVALID_WEIGHTS])
def test_invalid_weights(strategy: str, resources: tuple[ResourceSpec, ...], field: str
                         ) -> None:
    args = NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(strategy, resources))
    errs = fit.validate_node_resources_fit_args(args)
    assert [(e.type, e.field) for e in errs] == [("Invalid value", field)]
    with pytest.raises(ValueError, match=r"resource weight of \w+ not in valid range"):
        fit.new_fit(args)


def test_new_defaults_args() -> None:
    """SetDefaults_NodeResourcesFitArgs: no args means LeastAllocated on cpu and memory; a
    zero weight in v1 args is defaulted to 1 (the internal-args zero weight is an error)."""
    plugin = fit.new({})
    assert plugin.resource_allocation_scorer.name == LEAST_ALLOCATED
    assert plugin.resource_allocation_scorer.resources == DEFAULT_RESOURCES
    plugin = fit.new({"scoringStrategy": {"type": "MostAllocated",
                                          "resources": [{"name": "cpu", "weight": 0}]}})
    assert plugin.resource_allocation_scorer.resources == (ResourceSpec("cpu", 1),)
    with pytest.raises(ValueError, match="scoringStrategy.type: Unsupported value"):
        fit.new({"scoringStrategy": {"type": "Bogus"}})


# --- requested_to_capacity_ratio_test.go --------------------------------------------------------

RTCR_CASES = [
    ("nothing scheduled, nothing requested (default - least requested nodes have priority)",
     pod(), TWO_NODES_4_4, [pod(node="node1"), pod(node="node1")],
     scores(("node1", MAX_NODE_SCORE), ("node2", MAX_NODE_SCORE))),
    ("nothing scheduled, resources requested, differently sized nodes (default - least "
     "requested nodes have priority)", TWO_CONTAINERS, TWO_NODES_4_6,
     [pod(node="node1"), pod(node="node1")], scores(("node1", 38), ("node2", 50))),
    ("no resources requested, pods scheduled with resources (default - least requested nodes "
     "have priority)", pod(), TWO_NODES_4_6,
     [pod(node="node1", containers=[req("3000", "5000")]),
      pod(node="node2", containers=[req("3000", "5000")])],
     scores(("node1", 38), ("node2", 50))),
]


@pytest.mark.parametrize(
    ("requested", "nodes", "existing", "want"),
    [pytest.param(*c[1:], id=f"TestRequestedToCapacityRatioScoringStrategy/{c[0]}")
     for c in RTCR_CASES])
def test_requested_to_capacity_ratio_scoring_strategy(
    requested: dict[str, Any], nodes: list[dict[str, Any]], existing: list[dict[str, Any]],
    want: list[NodeScore],
) -> None:
    plugin = fit.new_fit(NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
        REQUESTED_TO_CAPACITY_RATIO, DEFAULT_RESOURCES, RTCR_SHAPE_DOWN)))
    assert run_scores(plugin, requested, nodes, existing) == want


BROKEN_LINEAR = [
    ([(10, 1), (90, 9)], [(-10, 1), (0, 1), (9, 1), (10, 1), (15, 1), (19, 1), (20, 2), (89, 8),
                          (90, 9), (99, 9), (100, 9), (110, 9)]),
    ([(0, 2), (40, 10), (100, 0)], [(-10, 2), (0, 2), (20, 6), (30, 8), (40, 10), (70, 5),
                                    (100, 0), (110, 0)]),
    ([(0, 2), (40, 2), (100, 2)], [(-10, 2), (0, 2), (20, 2), (30, 2), (40, 2), (70, 2),
                                   (100, 2), (110, 2)]),
]


@pytest.mark.parametrize(("points", "assertions"),
                         [pytest.param(p, a, id=f"TestBrokenLinearFunction/case_{i}")
                          for i, (p, a) in enumerate(BROKEN_LINEAR)])
def test_broken_linear_function(points: list[tuple[int, int]],
                                assertions: list[tuple[int, int]]) -> None:
    function = fit.build_broken_linear_function(
        [UtilizationShapePoint(u, s) for u, s in points])
    assert [(p, function(p)) for p, _ in assertions] == assertions


def test_broken_linear_function_truncates_toward_zero() -> None:
    """A falling segment divides a negative product: Go truncates it toward zero."""
    function = fit.build_broken_linear_function(
        [UtilizationShapePoint(0, 100), UtilizationShapePoint(100, 0)])
    assert function(33) == 67  # 100 + (-3300 / 100) = 100 - 33; floor division gives 66
    function = fit.build_broken_linear_function(
        [UtilizationShapePoint(0, 10), UtilizationShapePoint(3, 0)])
    assert function(1) == 7  # 10 + trunc(-10 / 3) = 10 - 3


GIB_10000 = 10000 * 1024 * 1024
FOO = "intel.com/foo"
BAR = "intel.com/bar"
SINGLE_EXTENDED = [
    ("nothing scheduled, nothing requested", pod(), [], scores(("node1", 0), ("node2", 0))),
    ("resources requested, pods scheduled with less resources", pod(containers=[{FOO: "2"}]),
     [pod()], scores(("node1", 2), ("node2", 5))),
    ("resources requested, pods scheduled with resources, on node with existing pod running ",
     pod(containers=[{FOO: "2"}]), [pod(node="node2", containers=[{FOO: "2"}])],
     scores(("node1", 2), ("node2", 10))),
    ("resources requested, pods scheduled with more resources", pod(containers=[{FOO: "4"}]),
     [pod()], scores(("node1", 5), ("node2", 10))),
]


@pytest.mark.parametrize(
    ("requested", "existing", "want"),
    [pytest.param(*c[1:], id=f"TestResourceBinPackingSingleExtended/{c[0]}")
     for c in SINGLE_EXTENDED])
def test_resource_bin_packing_single_extended(requested: dict[str, Any],
                                              existing: list[dict[str, Any]],
                                              want: list[NodeScore]) -> None:
    nodes = [make_node("node1", 4000, GIB_10000, {FOO: 8}),
             make_node("node2", 4000, GIB_10000, {FOO: 4})]
    plugin = fit.new_fit(NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
        REQUESTED_TO_CAPACITY_RATIO, (ResourceSpec(FOO, 1),), BIN_PACKING_SHAPE)))
    assert run_scores(plugin, requested, nodes, existing) == want


MULTIPLE_EXTENDED = [
    ("nothing scheduled, nothing requested", pod(), [], scores(("node1", 0), ("node2", 0))),
    ("resources requested, pods scheduled with less resources",
     pod(containers=[{FOO: "2", BAR: "2"}]), [pod()], scores(("node1", 4), ("node2", 3))),
    ("resources requested, pods scheduled with resources, on node with existing pod running ",
     pod(containers=[{FOO: "2", BAR: "2"}]), [pod(node="node2", containers=[{FOO: "4",
                                                                              BAR: "2"}])],
     scores(("node1", 4), ("node2", 7))),
    ("resources requested, pods scheduled with more resources",
     pod(containers=[{FOO: "4", BAR: "2"}]), [pod()], scores(("node1", 5), ("node2", 5))),
]


@pytest.mark.parametrize(
    ("requested", "existing", "want"),
    [pytest.param(*c[1:], id=f"TestResourceBinPackingMultipleExtended/{c[0]}")
     for c in MULTIPLE_EXTENDED])
def test_resource_bin_packing_multiple_extended(requested: dict[str, Any],
                                                existing: list[dict[str, Any]],
                                                want: list[NodeScore]) -> None:
    nodes = [make_node("node1", 4000, GIB_10000, {FOO: 8, BAR: 4}),
             make_node("node2", 4000, GIB_10000, {FOO: 4, BAR: 8})]
    plugin = fit.new_fit(NodeResourcesFitArgs(scoring_strategy=ScoringStrategy(
        REQUESTED_TO_CAPACITY_RATIO, (ResourceSpec(FOO, 3), ResourceSpec(BAR, 5)),
        BIN_PACKING_SHAPE)))
    assert run_scores(plugin, requested, nodes, existing) == want


# --- balanced_allocation_test.go: TestNodeResourcesBalancedAllocation --------------------------

CPU_AND_MEMORY = [req("1000m", "2000"), req("2000m", "3000")]
CPU_ONLY = [req("1000m", "0"), req("2000m", "0")]
CPU_AND_MEMORY_AND_GPU = [req("1000m", "2000"), {**req("2000m", "3000"), GPU: "3"}]
BALANCED_EXISTING = [pod(node="node1", containers=CPU_ONLY),
                     pod(node="node2", containers=CPU_AND_MEMORY)]
WITH_GPU = (ResourceSpec("cpu", 1), ResourceSpec("memory", 1), ResourceSpec(GPU, 1))

BALANCED = [
    ("nothing scheduled, resources requested, differently sized nodes",
     pod(containers=CPU_AND_MEMORY),
     [make_node("node1", 4000, 10000), make_node("node2", 6000, 10000)], [], DEFAULT_RESOURCES,
     True, scores(("node1", 87), ("node2", MAX_NODE_SCORE))),
    ("resources requested, pods scheduled with resources", pod(containers=CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)], BALANCED_EXISTING,
     DEFAULT_RESOURCES, True, scores(("node1", 82), ("node2", 95))),
    ("resources requested, pods scheduled with resources, differently sized nodes",
     pod(containers=CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 50000)], BALANCED_EXISTING,
     DEFAULT_RESOURCES, True, scores(("node1", 82), ("node2", 80))),
    ("requested resources at node capacity", pod(containers=CPU_ONLY),
     [make_node("node1", 6000, 10000), make_node("node2", 6000, 10000)], BALANCED_EXISTING,
     DEFAULT_RESOURCES, True, scores(("node1", 50), ("node2", 75))),
    ("include scalar resource on a node for balanced resource allocation",
     pod(containers=[{"memory": "0", GPU: "1"}]),
     [make_node("node1", 3500, 40000, {GPU: 8}), make_node("node2", 3500, 40000, {GPU: 8})],
     [pod(node="node2", containers=CPU_AND_MEMORY),
      pod(node="node1", containers=CPU_AND_MEMORY_AND_GPU)],
     WITH_GPU, True, scores(("node1", 70), ("node2", 65))),
    ("node without the scalar resource should skip the scalar resource",
     pod(containers=CPU_AND_MEMORY),
     [make_node("node1", 3500, 40000, {GPU: 8}), make_node("node2", 3500, 40000)], [],
     WITH_GPU, True, scores(("node1", 63), ("node2", 63))),
    ("resources requested, pods scheduled with resources if PreScore not called",
     pod(containers=CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)], BALANCED_EXISTING,
     DEFAULT_RESOURCES, False, scores(("node1", 82), ("node2", 95))),
]


@pytest.mark.parametrize(
    ("requested", "nodes", "existing", "resources", "run_pre_score", "want"),
    [pytest.param(*c[1:], id=f"TestNodeResourcesBalancedAllocation/{c[0]}") for c in BALANCED])
def test_node_resources_balanced_allocation(
    requested: dict[str, Any], nodes: list[dict[str, Any]], existing: list[dict[str, Any]],
    resources: tuple[ResourceSpec, ...], run_pre_score: bool, want: list[NodeScore],
) -> None:
    plugin = ba.new_balanced_allocation(ba.NodeResourcesBalancedAllocationArgs(resources))
    assert run_scores(plugin, requested, nodes, existing, run_pre_score) == want


def test_node_resources_balanced_allocation_skips_best_effort() -> None:
    """TestNodeResourcesBalancedAllocation/nothing scheduled, nothing requested, skip in
    PreScore; without PreScore the best-effort pod scores 0."""
    plugin = ba.new({})
    snapshot = snapshot_of([make_node("node1", 4000, 10000), make_node("node2", 4000, 10000)],
                           [])
    best_effort = decode_pod(pod(containers=[None]))
    state, status = plugin.pre_score(CycleState(), best_effort, snapshot, list(snapshot))
    assert status.code == SKIP
    info = snapshot.get("node1")
    assert info is not None
    assert plugin.score(CycleState(), best_effort, info) == (0, OK)


def test_balanced_allocation_args() -> None:
    """Defaults to cpu and memory; validation wants unique names and weight 1."""
    assert ba.new({}).resource_allocation_scorer.resources == DEFAULT_RESOURCES
    with pytest.raises(ValueError, match=r"resources\[1\].name: Duplicate value"):
        ba.new({"resources": [{"name": "cpu"}, {"name": "cpu"}]})
    with pytest.raises(ValueError, match=r"resources\[0\].weight: Invalid value: 2: must be 1"):
        ba.new({"resources": [{"name": "cpu", "weight": 2}]})


def test_go_arithmetic() -> None:
    """Go's int64 division truncates toward zero and math.Round rounds halves away from
    zero (Python's // floors and round() rounds halves to even)."""
    assert [go_quo(-7, 2), go_quo(7, -2), go_quo(7, 2)] == [-3, -3, 3]
    assert [go_round(2.5), go_round(3.5), go_round(-2.5), go_round(2.4999)] == [3, 4, -3, 2]


def test_non_zero_requests() -> None:
    """Each container missing a cpu or memory request counts 100m / 200Mi; an explicit zero
    stays zero; init containers are completed too."""
    the_pod = decode_pod(pod(containers=[None, {"cpu": "0"}, {"memory": "1Gi"}],
                             init=[{"cpu": "1"}]))
    assert non_zero_requests(the_pod) == (1000, 2 * 200 * 1024 * 1024 + 1024**3)
