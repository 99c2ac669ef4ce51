"""Schedule pods onto 100, 500, 1000, 2000 and 5000 nodes with the default profile, and print
pods per second and the mean cost of one scheduling cycle at each size.

kube-scheduler stops filtering at numFeasibleNodesToFind (adaptive percentageOfNodesToScore:
all nodes below 100, then max(100, n * max(5, 50 - n/125) / 100): 100, 230, 420, 680, 1250)
and scores only those; so the cost of a cycle grows with the nodes examined, not with the
nodes in the cluster. Printed: the cycle's cost against the previous size ("x prev", which
should follow the growth of "examined" and stay near 1 from 2000 to 5000 nodes), and the cost
per examined node against the smallest size ("x first", which should stay near 1).

    .venv/bin/python benchmarks/schedule_pods.py [--pods N] [--sizes 100,500,...]

Only the scheduler runs (the kubelet and the controllers are not registered), and the pods are
bare pods, so the figures are the scheduling cycle's alone: Snapshot, PreFilter, Filter,
PreScore, Score, selectHost and the binding write.
"""

from __future__ import annotations

import argparse
import time

import attrs

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.scheduler import controller as scheduler
from kubefold.reducers.scheduler.cycle import num_feasible_nodes_to_find

SIZES = (100, 500, 1000, 2000, 5000)


def node(i: int) -> Apply:
    capacity = {"cpu": "64", "memory": "256Gi", "pods": "250"}
    name = f"node-{i}"
    return Apply(decode_object({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                              "topology.kubernetes.io/zone": f"z{i % 3}"}},
        "status": {"capacity": capacity, "allocatable": capacity,
                   "conditions": [{"type": "Ready", "status": "True"}]}}))


def pod(i: int) -> Apply:
    return Apply(decode_object({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"pod-{i}", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "web:v1",
                                 "resources": {"requests": {"cpu": "100m",
                                                            "memory": "128Mi"}}}]}}))


def cluster_of(nodes: int) -> manager.Cluster:  # type: ignore[name-defined]
    cluster = manager.empty_cluster()
    for i in range(nodes):
        cluster = manager.step(cluster, node(i))
    return cluster


def measure(nodes: int, pods: int) -> tuple[float, float, int]:
    """(pods per second, mean seconds per scheduling cycle, nodes examined per cycle)."""
    cluster = cluster_of(nodes)
    cycles: list[float] = []
    sync = scheduler.CONTROLLER.sync

    def timed(c: manager.Cluster, key: str) -> manager.Cluster:  # type: ignore[name-defined]
        start = time.perf_counter()
        result = sync(c, key)
        cycles.append(time.perf_counter() - start)
        return result

    plane = ControlPlane((attrs.evolve(scheduler.CONTROLLER, sync=timed),))
    start = time.perf_counter()
    for i in range(pods):
        cluster = manager.step(cluster, pod(i), plane=plane)
    elapsed = time.perf_counter() - start
    bound = sum(1 for p in cluster.list("Pod", "default") if p.spec.node_name)
    assert bound == pods, f"only {bound} of {pods} pods were bound"
    return pods / elapsed, sum(cycles) / len(cycles), num_feasible_nodes_to_find(None, nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pods", type=int, default=200)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"{'nodes':>6} {'examined':>8} {'pods/s':>8} {'ms/cycle':>9} {'x prev':>7} "
          f"{'us/examined':>12} {'x first':>8}")
    base = previous = None
    for size in sizes:
        rate, cycle, examined = measure(size, args.pods)
        per_node = cycle / examined
        base = base or per_node
        growth = f"{cycle / previous:>7.2f}" if previous else f"{'':>7}"
        previous = cycle
        print(f"{size:>6} {examined:>8} {rate:>8,.0f} {cycle * 1e3:>9.2f} {growth} "
              f"{per_node * 1e6:>12.1f} {per_node / base:>8.2f}")


if __name__ == "__main__":
    main()
