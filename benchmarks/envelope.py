"""The envelope: N nodes and D Deployments of 100 replicas brought to all Running and Ready
through the public API, as `kubefold replay` would (every outcome kept, as its history).

For each size it prints the wall and CPU time, pods per second (of each) and peak RSS of
kubefold (on a shared machine the CPU figures are the steadier ones), then the same
placement work done by a plain mutable scheduler (dicts of integers: NodeResourcesFit's filter,
LeastAllocated and BalancedAllocation over the same rotating window of numFeasibleNodesToFind
nodes) and the ratio of the two times. Each size runs in a fresh process so that its peak RSS
is its own.

    .venv/bin/python benchmarks/envelope.py [--sizes 100/3000,500/15000,5000/150000]
                                            [--no-history] [--profile FILE]

`make bench-envelope` runs the three sizes of the issue. The nodes have 32 cpu, 128Gi and 110
pods each, labelled with a hostname and one of three zones; each replica requests 100m cpu and
128Mi memory and has no readiness probe (Ready as soon as it runs).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import subprocess
import sys
import time
from typing import Any

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply
from kubefold.reducers import manager

SIZES = "100/3000,500/15000,5000/150000"
REPLICAS = 100
NODE_CPU_MILLI, NODE_MEMORY, NODE_PODS = 32_000, 128 * 1024**3, 110
POD_CPU_MILLI, POD_MEMORY = 100, 128 * 1024**2


def node_manifest(i: int) -> dict[str, Any]:
    name = f"node-{i}"
    capacity = {"cpu": "32", "memory": "128Gi", "pods": str(NODE_PODS)}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  "topology.kubernetes.io/zone": f"z{i % 3}"}},
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def deployment_manifest(i: int, replicas: int = REPLICAS) -> dict[str, Any]:
    name = f"app-{i}"
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{
                                      "name": "app", "image": "registry.k8s.io/pause:3.9",
                                      "resources": {"requests": {"cpu": "100m",
                                                                 "memory": "128Mi"}}}]}}}}


def events(nodes: int, deployments: int) -> list[Apply]:
    return ([Apply(decode_object(node_manifest(i))) for i in range(nodes)]
            + [Apply(decode_object(deployment_manifest(i))) for i in range(deployments)])


def running_and_ready(cluster: Any) -> int:
    return sum(1 for p in cluster.list("Pod") if p.status.phase == "Running"
               and any(c.type == "Ready" and c.status == "True" for c in p.status.conditions))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_kubefold(nodes: int, deployments: int, history: bool, profile: str | None
                 ) -> dict[str, Any]:
    log = events(nodes, deployments)
    cluster = manager.empty_cluster()
    kept: list[Any] = []
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for event in log:
        outcome = manager.apply_event(cluster, event)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
        if history:
            kept.append(outcome)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    ready = running_and_ready(cluster)
    pods = deployments * REPLICAS
    assert ready == pods, f"only {ready} of {pods} pods are Running and Ready"
    return {"seconds": elapsed, "cpu_seconds": cpu, "pods_per_second": pods / elapsed,
            "pods_per_cpu_second": pods / cpu, "peak_rss_mib": peak_rss_mib(),
            "writes": cluster.resource_version, "outcomes": len(kept)}


# -- the reference: a plain mutable scheduler ----------------------------------------------


def num_feasible_nodes_to_find(num_all_nodes: int) -> int:
    if num_all_nodes < 100:
        return num_all_nodes
    percentage = max(50 - num_all_nodes // 125, 5)
    return max(num_all_nodes * percentage // 100, 100)


def run_reference(nodes: int, deployments: int) -> dict[str, Any]:
    """Place the same pods with dicts of integers: filter (pods, cpu, memory), score
    LeastAllocated (non-zero requests) + BalancedAllocation, highest score, first wins."""
    start, cpu_start = time.perf_counter(), time.process_time()
    names = [f"node-{i}" for i in range(nodes)]
    cpu = dict.fromkeys(names, 0)
    memory = dict.fromkeys(names, 0)
    count = dict.fromkeys(names, 0)
    placed: dict[str, str] = {}
    to_find = num_feasible_nodes_to_find(nodes)
    next_start = 0
    for d in range(deployments):
        for r in range(REPLICAS):
            feasible = []
            examined = 0
            for k in range(nodes):
                name = names[(next_start + k) % nodes]
                examined += 1
                if count[name] + 1 > NODE_PODS or cpu[name] + POD_CPU_MILLI > NODE_CPU_MILLI \
                        or memory[name] + POD_MEMORY > NODE_MEMORY:
                    continue
                feasible.append(name)
                if len(feasible) >= to_find:
                    break
            next_start = (next_start + examined) % nodes
            best, best_score = "", -1
            for name in feasible:
                c = cpu[name] + POD_CPU_MILLI
                m = memory[name] + POD_MEMORY
                least = ((NODE_CPU_MILLI - c) * 100 // NODE_CPU_MILLI
                         + (NODE_MEMORY - m) * 100 // NODE_MEMORY) // 2
                fc, fm = c / NODE_CPU_MILLI, m / NODE_MEMORY
                balanced = int((1 - abs(fc - fm) / 2) * 100)
                if least + balanced > best_score:
                    best, best_score = name, least + balanced
            cpu[best] += POD_CPU_MILLI
            memory[best] += POD_MEMORY
            count[best] += 1
            placed[f"app-{d}-{r}"] = best
    elapsed = time.perf_counter() - start
    assert len(placed) == deployments * REPLICAS
    return {"seconds": elapsed, "cpu_seconds": time.process_time() - cpu_start}


def one_size(nodes: int, pods: int, history: bool, profile: str | None) -> dict[str, Any]:
    deployments = pods // REPLICAS
    result = run_kubefold(nodes, deployments, history, profile)
    reference = run_reference(nodes, deployments)
    result["reference_seconds"] = reference["seconds"]
    result["reference_cpu_seconds"] = reference["cpu_seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=SIZES, help="NODES/PODS,... (pods a multiple of 100)")
    parser.add_argument("--no-history", action="store_true",
                        help="keep only the last state, not every outcome")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the kubefold run (one size)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        nodes, pods = map(int, args.one.split("/"))
        print(json.dumps(one_size(nodes, pods, not args.no_history, args.profile)))
        return
    print(f"{'nodes':>6} {'pods':>8} {'wall s':>8} {'cpu s':>8} {'pods/s':>8} "
          f"{'pods/cpu s':>10} {'peak RSS':>10} {'writes/pod':>10} {'ref cpu s':>9} "
          f"{'x ref':>6}")
    for size in args.sizes.split(","):
        nodes, pods = map(int, size.split("/"))
        command = [sys.executable, __file__, "--one", size]
        if args.no_history:
            command.append("--no-history")
        if args.profile:
            command += ["--profile", args.profile]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        ratio = r["cpu_seconds"] / r["reference_cpu_seconds"]
        print(f"{nodes:>6} {pods:>8} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
              f"{r['pods_per_second']:>8,.0f} {r['pods_per_cpu_second']:>10,.0f} "
              f"{r['peak_rss_mib']:>7,.0f} MiB {r['writes'] / pods:>10.2f} "
              f"{r['reference_cpu_seconds']:>9.2f} {ratio:>6.0f}", flush=True)


if __name__ == "__main__":
    main()
