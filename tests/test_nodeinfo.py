"""The scheduler's cache kept in the cluster value (core/nodeinfo.py): for random event
sequences through the whole control plane, the cache the writes maintain incrementally equals
the cache recomputed from scratch from the pods, at every intermediate state; and a cache whose
maintenance is broken on purpose (tests/planted.py) is caught.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Delete, Event, NodeHealth, PodEvent, Scale, Tick
from kubefold.core.nodeinfo import NodeAllocation, pod_info, recompute
from kubefold.reducers import apiserver, manager
from tests.helpers import new_deployment, new_pod, node
from tests.planted import ForgetfulCluster

NODES = ("n0", "n1", "n2")
DEPLOYMENTS = ("web", "api")
PODS = ("p0", "p1")
CPUS = (None, "100m", "500m", "1500m")


def _node(name: str, cpu: str) -> dict[str, Any]:
    manifest = node(name, cpu=cpu, memory="2Gi", pods="4")
    manifest["metadata"]["labels"] = {"kubernetes.io/hostname": name,
                                      "topology.kubernetes.io/zone": f"z{name[-1]}"}
    return manifest


def _deployment(name: str, replicas: int, cpu: str | None, port: bool, anti: bool,
                version: int) -> dict[str, Any]:
    d = new_deployment(name, replicas=replicas, image=f"{name}:v{version}")
    spec = d["spec"]["template"]["spec"]
    container = spec["containers"][0]
    if cpu is not None:
        container["resources"] = {"requests": {"cpu": cpu, "memory": "64Mi"}}
    if port:
        container["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    if anti:
        spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"topologyKey": "kubernetes.io/hostname",
             "labelSelector": {"matchLabels": {"app": name}}}]}}
    return d


def _bare_pod(name: str, on: str, cpu: str | None, port: bool) -> dict[str, Any]:
    pod = new_pod(name, node_name=on, cpu=cpu, restartPolicy="Never")
    if port:
        pod["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    pod["metadata"]["labels"] = {"app": "bare"}
    return pod


def _apply(manifest: dict[str, Any]) -> Event:
    return Apply(decode_object(manifest))


def events() -> st.SearchStrategy[Event]:
    """Nodes, Deployments (requests, host ports, anti-affinity, rollouts), bare pods bound by
    name that run to an exit, scaling, deletions, node loss and time."""
    return st.one_of(
        st.builds(_node, st.sampled_from(NODES), st.sampled_from(("1", "2"))).map(_apply),
        st.builds(_deployment, st.sampled_from(DEPLOYMENTS), st.integers(0, 4),
                  st.sampled_from(CPUS), st.booleans(), st.booleans(),
                  st.integers(1, 2)).map(_apply),
        st.builds(Scale, st.just("Deployment"), st.sampled_from(DEPLOYMENTS),
                  st.integers(0, 5), st.just("default")),
        st.builds(Delete, st.just("Deployment"), st.sampled_from(DEPLOYMENTS),
                  st.just("default")),
        st.builds(_bare_pod, st.sampled_from(PODS), st.sampled_from(NODES),
                  st.sampled_from(CPUS), st.booleans()).map(_apply),
        st.builds(PodEvent, st.just("default"), st.sampled_from(PODS), st.just("app"),
                  st.integers(0, 1)),
        st.builds(Delete, st.just("Pod"), st.sampled_from(PODS), st.just("default")),
        st.builds(NodeHealth, st.sampled_from(NODES), st.booleans()),
        st.builds(Tick, st.sampled_from((1, 5, 30, 60))),
    )


def mismatches(cluster: Cluster) -> list[str]:
    """Where the incremental cache and the recomputed one differ (empty when equal)."""
    fresh = recompute(cluster.list("Pod"), cluster.list("Node"))
    cache = cluster.sched
    out = []
    for name in ("pod_infos", "allocations", "affinity_pods", "anti_affinity_pods",
                 "allocatable", "node_labels"):
        if getattr(cache, name) != getattr(fresh, name):
            out.append(f"{name}: {dict(getattr(cache, name))} != {dict(getattr(fresh, name))}")
    if cache.spread != fresh.spread:
        out.append(f"spread: {dict(cache.spread.groups)} != {dict(fresh.spread.groups)}")
    return out


def run(cluster: Cluster, sequence: list[Event]) -> list[str]:
    """Replay the events; the mismatches found at the first state that has any."""
    found: list[str] = []

    def observe(state: Cluster, turn: Any) -> None:
        if not found:
            found.extend(mismatches(state))

    for event in sequence:
        cluster = manager.apply_event(cluster, event, observer=observe).cluster
        if found:
            break
    return found


def _empty(cls: type[Cluster]) -> Cluster:
    return manager.dispatch(apiserver.ensure_bootstrap_namespaces(cls()))[0]


SEQUENCES = st.lists(events(), min_size=1, max_size=14)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(SEQUENCES)
def test_incremental_cache_equals_recomputed_at_every_state(sequence: list[Event]) -> None:
    assert run(_empty(Cluster), sequence) == []


def test_a_broken_cache_is_caught() -> None:
    """The planted cluster forgets to take a pod that ends off its node: the property finds
    it (Hypothesis searches, as above, with the same strategy)."""
    failures: list[list[Event]] = []

    @settings(max_examples=200, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])
    @given(SEQUENCES)
    def search(sequence: list[Event]) -> None:
        if run(_empty(ForgetfulCluster), sequence):
            failures.append(sequence)
            raise AssertionError("mismatch")

    with pytest.raises(AssertionError):
        search()
    assert failures


def test_a_pod_that_ends_leaves_its_node() -> None:
    """A worked case: a bare pod bound to n0 holds 500m until its container exits."""
    cluster = _empty(Cluster)
    for event in (_apply(_node("n0", "2")), _apply(_bare_pod("p0", "n0", "500m", True))):
        cluster = manager.apply_event(cluster, event).cluster
    held = cluster.allocation("n0")
    assert (held.pods, held.milli_cpu, held.non0_mem) == (1, 500, 200 * 1024 * 1024)
    assert dict(held.used_ports) == {("0.0.0.0", "TCP", 8080): 1}
    cluster = manager.apply_event(cluster, PodEvent("default", "p0", "app", 0)).cluster
    assert cluster.get("Pod", "default", "p0").status.phase == "Succeeded"
    assert cluster.allocation("n0") == NodeAllocation()
    assert mismatches(cluster) == []


def test_pod_info_rounds_each_pod_as_resource_add() -> None:
    """Resource.Add: cpu as MilliValue, memory as Value (each rounded up), per pod."""
    pod = decode_object(new_pod("p", cpu="0.5m"))
    info = pod_info(pod)
    assert (info.milli_cpu, info.non0_cpu, info.non0_mem) == (1, 1, 200 * 1024 * 1024)
