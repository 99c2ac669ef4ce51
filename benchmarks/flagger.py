"""One Flagger analysis tick (the `flagger` controller's sync of a Progressing Canary: the
readiness checks, the metric checks, one weight step and the writes it makes) at two cluster
sizes: with few other objects and with 2,000 pods of another application around. A tick costs
what it touches (its Canary, the target, the primary, three Services, the routes, the tracked
configs), so the two must stay within 2x.

    .venv/bin/python benchmarks/flagger.py [--pods N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, MetricSample, Reconcile, Tick
from kubefold.reducers import apiserver, manager


def node(i: int) -> dict:
    capacity = {"cpu": "256", "memory": "1Ti", "pods": "5000"}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i}"},
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def deployment(image: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "podinfo", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "podinfo"}},
                     "template": {"metadata": {"labels": {"app": "podinfo"}},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}}}


CANARY = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
          "metadata": {"name": "podinfo", "namespace": "default"},
          "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                 "name": "podinfo"},
                   "service": {"port": 9898},
                   "analysis": {"interval": "1m", "threshold": 5, "stepWeight": 1,
                                "maxWeight": 99, "metrics": [
                                    {"name": "request-success-rate",
                                     "thresholdRange": {"min": 99}}]}}}


def background(cluster: Cluster, pods: int) -> Cluster:
    """`pods` bound pods of another application, written straight to the store."""
    for i in range(pods):
        pod = decode_object({"apiVersion": "v1", "kind": "Pod",
                             "metadata": {"name": f"other-{i}", "namespace": "default",
                                          "labels": {"app": "other"}},
                             "spec": {"nodeName": f"node-{i % 4}",
                                      "containers": [{"name": "a", "image": "a"}]}})
        cluster = apiserver.create(cluster, pod).cluster  # type: ignore[union-attr]
    return manager.dispatch(cluster)[0]


def progressing(pods: int) -> Cluster:
    cluster = manager.empty_cluster()
    for i in range(4):
        cluster = manager.step(cluster, Apply(decode_object(node(i))))
    cluster = background(cluster, pods)
    for event in (Apply(decode_object(deployment("podinfo:1"))),
                  MetricSample("request-success-rate", 100, namespace="default"),
                  Apply(decode_object(CANARY)), Tick(60),
                  Apply(decode_object(deployment("podinfo:2"))), Tick(60), Tick(60)):
        cluster = manager.step(cluster, event)
    phase = cluster.get("Canary", "default", "podinfo").status.phase
    assert phase == "Progressing", phase
    # the next tick is due: move the clock there without running it
    return manager.step(cluster, Tick(60), mode="manual")


def time_one_tick(cluster: Cluster, repeat: int = 30) -> float:
    """Median seconds of one analysis tick (one manual reconcile), from the same state."""
    tick = Reconcile("flagger", "default/podinfo")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        after = manager.step(cluster, tick, mode="manual")
        samples.append(time.perf_counter() - start)
    assert after.get("Canary", "default", "podinfo").status.canary_weight == 2
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=2_000)
    args = parser.parse_args()
    small = time_one_tick(progressing(0))
    large = time_one_tick(progressing(args.pods))
    print(f"one analysis tick beside 0 other pods: {small * 1e3:.2f} ms")
    print(f"one analysis tick beside {args.pods} other pods: {large * 1e3:.2f} ms")
    print(f"ratio: {large / small:.2f}x (must stay within 2x)")


if __name__ == "__main__":
    main()
