"""Apply 10,000 pods across 100 nodes through the API server, and time one write at 100 and at
10,000 objects. A write must stay O(log n): within 2x between those sizes.

    .venv/bin/python benchmarks/apply_pods.py [--pods N] [--nodes N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply
from kubefold.reducers import manager


def node(i: int) -> Apply:
    capacity = {"cpu": "64", "memory": "256Gi", "pods": "250"}
    return Apply(decode_object({"apiVersion": "v1", "kind": "Node",
                                "metadata": {"name": f"node-{i}"},
                                "status": {"capacity": capacity, "allocatable": capacity}}))


def pod(i: int, nodes: int) -> Apply:
    return Apply(decode_object({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"pod-{i}", "namespace": "default", "labels": {"app": f"a{i % 50}"}},
        "spec": {"nodeName": f"node-{i % nodes}",
                 "containers": [{"name": "app", "image": "app:v1",
                                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
    }))


def time_one_write(cluster, probes: list[Apply], repeat: int = 5) -> float:
    """Median seconds for one apply of a new pod onto `cluster` (each probe from the same base)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for event in probes:
            manager.step(cluster, event)
        samples.append((time.perf_counter() - start) / len(probes))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100)
    args = parser.parse_args()

    cluster = manager.empty_cluster()
    for i in range(args.nodes):
        cluster = manager.step(cluster, node(i))
    events = [pod(i, args.nodes) for i in range(args.pods)]
    probes = [pod(10**6 + i, args.nodes) for i in range(200)]

    small_cost = None
    start = time.perf_counter()
    for i, event in enumerate(events, 1):
        cluster = manager.step(cluster, event)
        if i == 100:
            small_cost = time_one_write(cluster, probes)
    elapsed = time.perf_counter() - start
    large_cost = time_one_write(cluster, probes)
    assert small_cost is not None
    objects = sum(cluster.count(k) for k in cluster.objects)
    print(f"applied {args.pods} pods across {args.nodes} nodes in {elapsed:.2f} s: "
          f"{args.pods / elapsed:,.0f} events/s")
    print(f"one write at {100 + args.nodes + 4} objects: {small_cost * 1e6:,.0f} us")
    print(f"one write at {objects} objects: {large_cost * 1e6:,.0f} us")
    print(f"ratio: {large_cost / small_cost:.2f}x (must stay within 2x)")


if __name__ == "__main__":
    main()
