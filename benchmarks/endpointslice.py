"""A Service over 50 and over 5,000 pods going through a rolling update: the cost of the
EndpointSlice controller's sync when one pod becomes Ready, at each size.

The sync is incremental (reducers/controllers/endpointslice): the controller's cache names the
pods that changed since its last sync and the slice each endpoint lives in, so one pod turning
Ready rewrites one slice of at most 100 endpoints, whatever the Service's size. Printed: the
mean cost of that sync (and of the informer bookkeeping, `observe` + `watch`, for the pod
write) at each size, and the ratio 5,000 / 50, which should stay within 2x. For comparison,
the legacy Endpoints controller's sync for the same event, which rebuilds an object of up to
1,000 addresses, and the EndpointSlice controller's full resync of the Service.

    .venv/bin/python benchmarks/endpointslice.py [--sizes 50,5000] [--steps 40]

The rolling update is driven at the pods, as the kubelet and the ReplicaSet controller would
write them (an old pod is deleted gracefully, a new pod starts not ready, then turns Ready, then
the old one goes), with only the controller under test registered, so the figures are its
alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.objects import Condition
from kubefold.core.schema import parse_time
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controllers import endpoint
from kubefold.reducers.controllers.endpointslice import endpointslice_controller as esc
from kubefold.reducers.controlplane import Controller, ControlPlane

NOW = "2024-01-01T00:00:00Z"


def ip(i: int) -> str:
    return f"10.{244 + i // 62500}.{i // 250 % 250}.{i % 250 + 2}"


def pod(i: int, revision: str, ready: bool) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"web-{revision}-{i}", "namespace": "default",
                         "labels": {"app": "web", "pod-template-hash": revision}},
            "spec": {"nodeName": f"node-{i % 10}",
                     "containers": [{"name": "app", "image": f"web:{revision}",
                                     "ports": [{"name": "http", "containerPort": 8080}]}]},
            "status": {"phase": "Running", "podIP": ip(i), "podIPs": [{"ip": ip(i)}],
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": NOW}]}}


def start(size: int, plane: ControlPlane) -> Cluster:
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{n}", "labels": {
        "topology.kubernetes.io/zone": f"zone-{n % 3}"}}} for n in range(10)]
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "default"},
               "spec": {"selector": {"app": "web"}, "clusterIP": "10.96.10.10",
                        "ipFamilies": ["IPv4"],
                        "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}
    objects = [decode_object(m) for m in (*nodes, service,
                                          *(pod(i, "v1", True) for i in range(size)))]
    cluster = apiserver.restore(Cluster(), objects, parse_time(NOW))
    cluster = manager.dispatch(cluster, plane)[0]
    return manager.run_until_settled(cluster, plane=plane)[0]


def write(cluster: Cluster, obj: Any) -> Cluster:
    rv, cluster = cluster.bump_resource_version()
    return cluster.put(attrs.evolve(obj, metadata=attrs.evolve(obj.metadata,
                                                                resource_version=rv)))


def timed(controller: Controller, samples: list[float]) -> Controller:
    def sync(cluster: Cluster, key: str) -> Cluster:
        begin = time.perf_counter()
        out = controller.sync(cluster, key)
        samples.append(time.perf_counter() - begin)
        return out
    return attrs.evolve(controller, sync=sync)


def rolling_update(size: int, steps: int, controller: Controller) -> tuple[float, float, float]:
    """(mean sync seconds when a pod turns Ready, mean dispatch seconds of that pod write,
    seconds of a full resync of the Service)."""
    samples: list[float] = []
    plane = ControlPlane((timed(controller, samples),))
    cluster = start(size, plane)
    ready_syncs: list[float] = []
    dispatches: list[float] = []

    def step(c: Cluster, mutate: Callable[[Cluster], Cluster], record: bool) -> Cluster:
        c = mutate(c)
        begin = time.perf_counter()
        c = manager.dispatch(c, plane)[0]
        if record:
            dispatches.append(time.perf_counter() - begin)
        samples.clear()
        c = manager.run_until_settled(c, plane=plane)[0]
        if record:
            ready_syncs.extend(samples)
        return c

    for k in range(min(steps, size)):
        old = cluster.get("Pod", "default", f"web-v1-{k}")
        cluster = step(cluster, lambda c, old=old: write(c, attrs.evolve(
            old, metadata=attrs.evolve(old.metadata, deletion_timestamp=c.now,
                                       deletion_grace_period_seconds=30))), False)
        new = decode_object(pod(size + k, "v2", False))
        cluster = step(cluster, lambda c, new=new: write(c, new), False)
        created = cluster.get("Pod", "default", new.metadata.name)
        status = attrs.evolve(created.status, conditions=[Condition(
            type="Ready", status="True", last_transition_time=cluster.now)])
        cluster = step(cluster, lambda c, p=created, s=status: write(c, attrs.evolve(p, status=s)),
                       True)
        cluster = step(cluster, lambda c, name=old.metadata.name: c.remove(
            "Pod", "default", name), False)
    if controller.name == esc.NAME:  # a full resync: as after the Service is written
        tracker = esc.tracker_of(cluster)
        state = tracker.services["default/web"]
        cluster = attrs.evolve(cluster, caches=cluster.caches.set(esc.NAME, attrs.evolve(
            tracker, services=tracker.services.set("default/web",
                                                   attrs.evolve(state, full=True)))))
    else:
        states = cluster.caches[endpoint.NAME]
        cluster = attrs.evolve(cluster, caches=cluster.caches.set(endpoint.NAME, states.set(
            "default/web", attrs.evolve(states["default/web"], full=True))))
    begin = time.perf_counter()
    controller.sync(cluster, "default/web")
    full = time.perf_counter() - begin
    return statistics.mean(ready_syncs), statistics.mean(dispatches), full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,5000")
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for controller in (esc.CONTROLLER, endpoint.CONTROLLER):
        rows = [(size, *rolling_update(size, args.steps, controller)) for size in sizes]
        print(f"{controller.name}: one pod turning Ready during a rolling update")
        print(f"  {'pods':>6} {'sync ms':>9} {'dispatch ms':>12} {'full resync ms':>15}")
        for size, sync, dispatch, full in rows:
            print(f"  {size:>6} {sync * 1e3:>9.3f} {dispatch * 1e3:>12.3f} {full * 1e3:>15.1f}")
        if len(rows) > 1:
            print(f"  sync {rows[-1][0]}/{rows[0][0]}: x{rows[-1][1] / rows[0][1]:.2f}, "
                  f"dispatch x{rows[-1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
