"""A canary Rollout's update (setWeight 20, pause 10 s, setWeight 60, pause 10 s) at 10, 100 and
500 replicas: print the wall time of the whole update, the `argo-rollouts` syncs it took and
the mean cost of one sync.

A sync of the Rollout controller touches the Rollout, its ReplicaSets (by the owner index),
its Services and AnalysisRuns, never the pods (except to restart them), so its mean cost should
stay near flat as the replicas grow ("x first" near 1), while the whole update grows with the
pods the ReplicaSet controller, the scheduler and the kubelets create.

    .venv/bin/python benchmarks/rollouts.py [--sizes 10,100,500]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Tick
from kubefold.reducers import manager
from kubefold.reducers.registry import DEFAULT
from kubefold.reducers.rollouts.rollout import controller as ro_controller

STEPS = [{"setWeight": 20}, {"pause": {"duration": 10}}, {"setWeight": 60},
         {"pause": {"duration": 10}}]


def rollout(replicas: int, image: str) -> Apply:
    return Apply(decode_object({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": image}]}},
                 "strategy": {"canary": {"steps": STEPS}}}}))


def node(i: int) -> Apply:
    capacity = {"cpu": "256", "memory": "1Ti", "pods": "1000"}
    return Apply(decode_object({
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i}"},
        "status": {"capacity": capacity, "allocatable": capacity,
                   "conditions": [{"type": "Ready", "status": "True"}]}}))


def run(replicas: int) -> tuple[float, int, float]:
    calls = [0, 0.0]
    real = ro_controller.CONTROLLER.sync

    def timed(cluster: Any, key: str) -> Any:
        start = time.perf_counter()
        out = real(cluster, key)
        calls[0] += 1
        calls[1] += time.perf_counter() - start
        return out

    import attrs
    plane = DEFAULT.replace(attrs.evolve(ro_controller.CONTROLLER, sync=timed))
    cluster = manager.empty_cluster(plane=plane)
    for i in range(2):
        cluster = manager.step(cluster, node(i), plane=plane)
    cluster = manager.step(cluster, rollout(replicas, "web:v1"), plane=plane)
    calls[0], calls[1] = 0, 0.0
    start = time.perf_counter()
    cluster = manager.step(cluster, rollout(replicas, "web:v2"), plane=plane)
    cluster = manager.step(cluster, Tick(30), plane=plane)
    wall = time.perf_counter() - start
    status = cluster.get("Rollout", "default", "web").status
    assert status.stable_rs == status.current_pod_hash, "the update did not finish"
    return wall, int(calls[0]), calls[1] / max(1, calls[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,500")
    args = parser.parse_args()
    first = None
    print(f"{'replicas':>8} {'update s':>9} {'syncs':>6} {'ms/sync':>8} {'x first':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        wall, syncs, mean = run(size)
        first = first or mean
        print(f"{size:>8} {wall:>9.2f} {syncs:>6} {mean * 1000:>8.2f} {mean / first:>8.2f}")


if __name__ == "__main__":
    main()
