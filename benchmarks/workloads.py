"""The cost of one StatefulSet sync and one DaemonSet sync as the cluster grows.

A StatefulSet's sync touches its own pods, claims and revisions, found through the owner index
and `Cluster.select` (the orphans its selector could adopt). While `select` scans the
namespace's objects of a kind (a label index makes it O(matches) without changing callers),
the sync grows with the other pods of the namespace; the ratio printed shows by how much.
A DaemonSet's sync walks the node list (as Go's does), so it grows with the nodes: the figure
printed is per node.

    .venv/bin/python benchmarks/workloads.py [--other-pods N] [--nodes N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Reconcile, Tick
from kubefold.reducers import manager


def node(i: int) -> Apply:
    capacity = {"cpu": "64", "memory": "256Gi", "pods": "250"}
    return Apply(decode_object({"apiVersion": "v1", "kind": "Node",
                                "metadata": {"name": f"node-{i}"},
                                "status": {"capacity": capacity, "allocatable": capacity,
                                           "conditions": [{"type": "Ready",
                                                           "status": "True"}]}}))


def pod(i: int, nodes: int) -> Apply:
    return Apply(decode_object({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"other-{i}", "namespace": "default", "labels": {"app": "other"}},
        "spec": {"nodeName": f"node-{i % nodes}",
                 "containers": [{"name": "app", "image": "app:v1"}]}}))


def workload(kind: str, name: str, **spec: Any) -> Apply:
    body = {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "app", "image": "app:v1"}]}}, **spec}
    return Apply(decode_object({"apiVersion": "apps/v1", "kind": kind,
                                "metadata": {"name": name, "namespace": "default"},
                                "spec": body}))


def build(nodes: int, other_pods: int) -> Any:
    cluster = manager.empty_cluster()
    for event in [node(i) for i in range(nodes)] + [pod(i, nodes) for i in range(other_pods)]:
        cluster = manager.step(cluster, event, "manual")
    cluster = manager.step(cluster, workload("StatefulSet", "db", replicas=10,
                                             serviceName="db",
                                             podManagementPolicy="Parallel"))
    cluster = manager.step(cluster, workload("DaemonSet", "agent"))
    return manager.step(cluster, Tick(10))


def time_sync(cluster: Any, controller: str, key: str, repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        manager.apply_event(cluster, Reconcile(controller, key), "manual")
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other-pods", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=50)
    args = parser.parse_args()
    small, large = build(10, 100), build(args.nodes, args.other_pods)
    for label, cluster in (("small (10 nodes, 100 other pods)", small),
                           (f"large ({args.nodes} nodes, {args.other_pods} other pods)", large)):
        sts = time_sync(cluster, "statefulset", "default/db")
        ds = time_sync(cluster, "daemonset", "default/agent")
        count = len(cluster.node_names())
        print(f"{label}: statefulset sync {sts * 1000:.1f} ms; daemonset sync "
              f"{ds * 1000:.1f} ms ({ds * 1000 / count:.2f} ms per node)")
    ratio = time_sync(large, "statefulset", "default/db") / \
        time_sync(small, "statefulset", "default/db")
    print(f"statefulset sync, large / small: {ratio:.2f}x (Cluster.select's namespace scan)")


if __name__ == "__main__":
    main()
