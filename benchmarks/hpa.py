"""1,000 HorizontalPodAutoscalers over 1,000 Deployments: one sync period (a `tick: 15` that
runs every HPA's reconcileAutoscaler once), and the syncs per second it gives.

Each Deployment has two ready pods requesting 500m cpu and an HPA (cpu at 50%, 1 to 10
replicas); one `usage: {pod: "*"}` sample covers every pod. Three periods are timed:

- "first sync": every HPA reads its scale and its pods' samples, finds them at target
  (250m each) and writes its first status (conditions, current metrics);
- "steady": the same again, with nothing to write (the status is unchanged);
- "rescale": the samples double (500m each): every HPA scales its Deployment from 2 to 4
  through the scale subresource and writes its status.

Printed per size and layout (all HPAs in one namespace, or spread over 100): syncs per second
in each period, and the cost of a sync against the smallest size ("x first"). A sync lists its
pods with `cluster.select`, which today scans the namespace's pods (as Go's lister does:
ListAllByNamespace, then the selector), and checks its selector against the other HPAs of the
namespace (hpasControllingPodsUnderSelector), so with one namespace the cost grows with the
HPAs there; spread over namespaces it stays near 1. A label index in `Cluster.select` would
remove the first part without changing the controller.

    .venv/bin/python benchmarks/hpa.py [--sizes 100,1000] [--namespaces 1,100]

Only the HPA controller runs (the Deployment controller and the rest are not registered), so
the figures are reconcileAutoscaler's alone: the scale subresource, the pod lister, the
metrics client, the calculator, normalisation and the status and scale writes.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from kubefold.core.codec import decode_object
from kubefold.core.events import Tick, Usage
from kubefold.reducers import apiserver, manager
from kubefold.reducers.registry import DEFAULT

NAME = "horizontal-pod-autoscaler"
PLANE = DEFAULT.only(NAME)
T0 = "2024-01-01T01:00:00Z"
LONG_AGO = "2024-01-01T00:00:00Z"


def namespace_of(i: int, namespaces: int) -> str:
    return "default" if namespaces == 1 else f"team-{i % namespaces}"


def objects(i: int, namespace: str) -> list[Any]:
    name, labels = f"web-{i}", {"app": f"web-{i}"}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": LONG_AGO},
        "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                     {"name": "app", "image": "web:v1",
                      "resources": {"requests": {"cpu": "500m"}}}]}}},
        "status": {"replicas": 2, "readyReplicas": 2}}
    pods = [{
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"{name}-{j}", "namespace": namespace, "labels": labels,
                     "creationTimestamp": LONG_AGO},
        "spec": {"nodeName": "node-1", "containers": [
            {"name": "app", "image": "web:v1", "resources": {"requests": {"cpu": "500m"}}}]},
        "status": {"phase": "Running", "startTime": LONG_AGO, "conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": LONG_AGO}]}}
        for j in range(2)]
    hpa = {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": T0},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                    "name": name},
                 "minReplicas": 1, "maxReplicas": 10,
                 "metrics": [{"type": "Resource", "resource": {
                     "name": "cpu", "target": {"type": "Utilization",
                                               "averageUtilization": 50}}}]}}
    return [decode_object(d) for d in (deployment, *pods, hpa)]


def cluster_of(size: int, namespaces: int) -> Any:
    names = sorted({namespace_of(i, namespaces) for i in range(size)} - {"default"})
    spaces = [decode_object({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": n, "creationTimestamp": LONG_AGO}})
              for n in names]
    cluster = apiserver.restore(manager.empty_cluster(0, PLANE), spaces + [
        o for i in range(size) for o in objects(i, namespace_of(i, namespaces))])
    _, cluster = cluster.take_changes()  # a restored etcd: no informer events
    for i in range(size):
        cluster = cluster.enqueue_after(NAME, f"{namespace_of(i, namespaces)}/web-{i}", 15)
    return cluster


def period(cluster: Any, cpu: str, namespaces: int) -> tuple[Any, float, int]:
    """Send a sample for every pod, then time one sync period: (cluster, seconds, syncs)."""
    for n in sorted({namespace_of(i, namespaces) for i in range(namespaces)}):
        cluster = manager.step(cluster, Usage(n, pod="*", cpu=cpu), plane=PLANE)
    start = time.perf_counter()
    outcome = manager.apply_event(cluster, Tick(15), plane=PLANE)
    elapsed = time.perf_counter() - start
    due = sum(1 for controller, _ in outcome.cluster.queue.waiting if controller == NAME)
    return outcome.cluster, elapsed, due


def measure(size: int, namespaces: int) -> dict[str, float]:
    cluster = cluster_of(size, namespaces)
    rates: dict[str, float] = {}
    for label, cpu in (("first sync", "250m"), ("steady", "250m"), ("rescale", "500m")):
        cluster, elapsed, requeued = period(cluster, cpu, namespaces)
        assert requeued == size, f"{requeued} of {size} HPAs were requeued"
        rates[label] = size / elapsed
    scaled = sum(1 for d in cluster.list("Deployment") if d.spec.replicas == 4)
    assert scaled == size, f"only {scaled} of {size} Deployments were scaled to 4"
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--namespaces", default="1,100",
                        help="layouts: the HPAs spread over this many namespaces")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'HPAs':>6} {'namespaces':>10} {'period':>11} {'syncs/s':>9} {'ms/sync':>8} "
          f"{'x first':>8}")
    for namespaces in (int(n) for n in args.namespaces.split(",")):
        first: dict[str, float] = {}
        for size in sizes:
            rates = measure(size, min(namespaces, size))
            for label, rate in rates.items():
                first.setdefault(label, rate)
                print(f"{size:>6} {min(namespaces, size):>10} {label:>11} {rate:>9.0f} "
                      f"{1000 / rate:>8.2f} {first[label] / rate:>8.2f}")


if __name__ == "__main__":
    main()
