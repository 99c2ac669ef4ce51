"""Traffic and namespace properties (properties/services.py) over event sequences, with
hand-built violating states and planted bugs that each property must catch."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Delete, Tick
from kubefold.properties import explorer
from kubefold.properties.services import (
    check_services,
    finished_namespaces_hold_nothing,
    requests_reach_only_ready_pods,
    service_shares_sum_to_one,
)
from kubefold.reducers import manager
from kubefold.strategies.events import action_sequences
from tests.helpers import new_deployment, node, restore
from tests.planted import planted

SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web",
                                                                "namespace": "default"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}


def manifests() -> list[dict[str, Any]]:
    d = new_deployment("web", replicas=3)
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "100m", "memory": "64Mi"}}
    d["spec"]["strategy"] = {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
    return [node("node-1"), node("node-2"), d, SERVICE]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(action_sequences(deployments=["web"], nodes=["node-1", "node-2"], faults=True,
                        scale=True, max_size=8))
def test_traffic_properties_hold_on_every_settled_state(actions):
    """After every event: requests reach only Ready pods (or serving terminating ones when
    none is ready), shares sum to 1, and no object outlives its namespace."""
    ms = manifests()
    cluster, _ = explorer.set_up(ms)
    assert check_services(cluster) == []
    for action in actions:
        event = explorer.resolve(action, cluster, ms)
        if event is None:
            continue
        cluster = manager.step(cluster, event)
        assert check_services(cluster) == [], (action, check_services(cluster))


def test_a_rolling_update_with_slow_readiness_routes_only_to_ready_pods():
    ms = manifests()
    cluster, _ = explorer.set_up(ms)
    slow = explorer.resolve(explorer.ChangeTemplate("web", 1, 30), cluster, ms)
    cluster = manager.step(cluster, slow)
    for _ in range(12):
        assert check_services(cluster) == []
        cluster = manager.step(cluster, Tick(5))


def test_planted_unready_endpoints_break_the_ready_property():
    """A controller that writes unready pods as ready endpoints is caught."""
    bug = planted("unready-endpoints")
    ms = manifests()
    cluster, _ = explorer.set_up(ms, plane=bug)
    cluster = manager.step(cluster, explorer.resolve(explorer.ChangeTemplate("web", 1, 30),
                                                     cluster, ms), plane=bug)
    found = list(requests_reach_only_ready_pods(cluster))
    assert found and all("is not Ready" in v.message for v in found)


def test_planted_early_finalize_leaves_content_behind():
    bug = planted("namespace-finalized-early")
    cluster = manager.empty_cluster(plane=bug)
    for m in ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
              {**SERVICE, "metadata": {"name": "web", "namespace": "shop"}}):
        cluster = manager.step(cluster, Apply(decode_object(m)), plane=bug)
    cluster = manager.step(cluster, Delete(kind="Namespace", namespace=None, name="shop"),
                           plane=bug)
    cluster = manager.step(cluster, Tick(10), plane=bug)
    assert cluster.get("Namespace", "", "shop") is None
    found = {o for v in finished_namespaces_hold_nothing(cluster) for o in v.objects}
    assert {"Service/shop/web", "ServiceAccount/shop/default"} <= found
    default = manager.empty_cluster()
    for m in ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
              {**SERVICE, "metadata": {"name": "web", "namespace": "shop"}}):
        default = manager.step(default, Apply(decode_object(m)))
    default = manager.step(default, Delete(kind="Namespace", namespace=None, name="shop"))
    default = manager.step(default, Tick(10))
    assert default.get("Namespace", "", "shop") is None
    assert list(finished_namespaces_hold_nothing(default)) == []


def test_hand_built_states_violate_each_property():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default",
                                                           "labels": {"app": "web"}},
           "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "i"}]},
           "status": {"phase": "Running", "podIP": "10.244.0.2",
                      "conditions": [{"type": "Ready", "status": "False"}]}}
    stale = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "web-x", "namespace": "default",
                          "labels": {"kubernetes.io/service-name": "web"}},
             "addressType": "IPv4", "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.244.0.2"], "conditions": {"ready": True},
                            "targetRef": {"kind": "Pod", "namespace": "default",
                                          "name": "p"}}]}
    cluster = restore(node("n1"), SERVICE, pod, stale, now="2024-01-01T00:00:00Z")
    (found,) = list(requests_reach_only_ready_pods(cluster))
    assert found.message == ("Service default/web sends 100% of its requests to pod "
                             "default/p, which is not Ready")
    orphan = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
                                                                    "namespace": "gone"}}
    lost = restore(orphan, now="2024-01-01T00:00:00Z")
    assert [str(v) for v in finished_namespaces_hold_nothing(lost)] == [
        "finished_namespaces_hold_nothing: ConfigMap gone/c is left in namespace gone, which "
        "no longer exists"]
    assert list(service_shares_sum_to_one(cluster)) == []
