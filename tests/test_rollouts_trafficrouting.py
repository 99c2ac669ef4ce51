"""Traffic routing, end to end in auto mode: a canary Rollout with the Gateway API plugin writes
the HTTPRoute's backendRef weights and header routes; with Istio, the VirtualService's route
weights (host-level) or the DestinationRule's subsets (subset-level); with no router, the
canary's share is its share of the replicas. Replica counts follow
CalculateReplicaCountsForTrafficRoutedCanary (the stable stays at 100% unless dynamicStableScale).

Expected values are worked from the Go sources: the Gateway API plugin's setHTTPRouteWeight
(canary weight w, stable 100 - w, the in-progress label), setHTTPHeaderRoute (a rule named after
the managed route, matching the headers, to the canary Service alone), Istio's
generateVirtualServicePatches and UpdateHash (subset labels the pod hashes), and
trafficWeightToReplicas (ceil(replicas * w / 100)).
The route view (`kubefold route`, issue 15) is asserted on when it is present."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rollouts_helpers import World, canary_rollout, service

ROUTE = "web-route"
PLUGIN = "argoproj-labs/gatewayAPI"


def http_route() -> dict[str, Any]:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": ROUTE, "namespace": "default"},
            "spec": {"parentRefs": [{"name": "gateway"}],
                     "rules": [{"backendRefs": [{"name": "stable", "port": 80, "weight": 100},
                                                {"name": "canary", "port": 80, "weight": 0}]}]}}


def gateway_rollout(steps: list[dict[str, Any]], image: str = "app:v1",
                    **canary: Any) -> dict[str, Any]:
    return canary_rollout("foo", replicas=10, steps=steps, image=image,
                          stableService="stable", canaryService="canary",
                          trafficRouting={"plugins": {PLUGIN: {"httpRoute": ROUTE}},
                                          **canary.pop("traffic", {})}, **canary)


def route_doc(world: World, kind: str = "HTTPRoute", name: str = ROUTE) -> dict[str, Any]:
    from kubefold.core.codec import encode_object
    return encode_object(world.cluster.get(kind, "default", name))


def weights(world: World) -> dict[str, int]:
    rules = route_doc(world)["spec"]["rules"]
    return {ref["name"]: ref["weight"] for ref in rules[0]["backendRefs"]}


def start(world: World, manifest: dict[str, Any], *extra: dict[str, Any]) -> None:
    world.apply(service("stable"), service("canary"), *extra, manifest)
    world.tick(5)


def update(world: World, manifest: dict[str, Any], image: str = "app:v2") -> None:
    manifest["spec"]["template"]["spec"]["containers"][0]["image"] = image
    world.apply(manifest)
    world.tick(5)


def test_gateway_api_set_weight() -> None:
    world = World()
    manifest = gateway_rollout([{"setWeight": 30}, {"pause": {}}])
    start(world, manifest, http_route())
    assert weights(world) == {"stable": 100, "canary": 0}
    stable_hash = world.status().stable_rs
    update(world, manifest)
    status = world.status()
    assert status.current_step_index == 1
    assert weights(world) == {"stable": 70, "canary": 30}
    labels = route_doc(world)["metadata"].get("labels", {})
    assert labels.get("rollouts.argoproj.io/gatewayapi-canary") == "in-progress"
    sizes = world.sizes()
    assert sizes[stable_hash] == 10
    assert sizes[status.current_pod_hash] == 3
    assert world.selector("canary")["rollouts-pod-template-hash"] == status.current_pod_hash
    assert world.selector("stable")["rollouts-pod-template-hash"] == stable_hash
    assert status.canary.weights.canary.weight == 30
    assert status.canary.weights.stable.weight == 70
    world.rollout("promote")
    world.tick(40)
    status = world.status()
    assert status.stable_rs == status.current_pod_hash
    assert weights(world) == {"stable": 100, "canary": 0}
    assert world.selector("stable")["rollouts-pod-template-hash"] == status.current_pod_hash
    assert "rollouts.argoproj.io/gatewayapi-canary" not in \
        route_doc(world)["metadata"].get("labels", {})


def test_gateway_api_header_route() -> None:
    world = World()
    manifest = gateway_rollout(
        [{"setWeight": 10},
         {"setHeaderRoute": {"name": "canary-header",
                             "match": [{"headerName": "X-Canary",
                                        "headerValue": {"exact": "yes"}}]}},
         {"pause": {}}],
        traffic={"managedRoutes": [{"name": "canary-header"}]})
    start(world, manifest, http_route())
    update(world, manifest)
    assert world.status().current_step_index == 2
    rules = route_doc(world)["spec"]["rules"]
    header_rules = [r for r in rules if r.get("name") == "canary-header"]
    assert len(header_rules) == 1
    rule = header_rules[0]
    assert [ref["name"] for ref in rule["backendRefs"]] == ["canary"]
    assert rule["matches"][0]["headers"] == [{"type": "Exact", "name": "X-Canary",
                                              "value": "yes"}]
    world.rollout("promote")
    world.tick(40)
    rules = route_doc(world)["spec"]["rules"]
    assert not [r for r in rules if r.get("name") == "canary-header"]


def test_gateway_api_weight_never_exceeds_step() -> None:
    """Through steps 20/50 the canary's traffic weight is the step's, never more."""
    world = World()
    manifest = gateway_rollout([{"setWeight": 20}, {"pause": {"duration": 10}},
                                {"setWeight": 50}, {"pause": {}}])
    start(world, manifest, http_route())
    manifest["spec"]["template"]["spec"]["containers"][0]["image"] = "app:v2"
    world.apply(manifest)
    seen = []
    for _ in range(30):
        world.tick(1)
        seen.append(weights(world)["canary"])
    assert max(seen) == 50
    assert seen[0] <= 20
    assert world.status().current_step_index == 3


def virtual_service(routes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
            "metadata": {"name": "web-vs", "namespace": "default"},
            "spec": {"hosts": ["web"], "http": routes}}


def test_istio_host_level_weights() -> None:
    world = World()
    vs = virtual_service([{"name": "primary", "route": [
        {"destination": {"host": "stable"}, "weight": 100},
        {"destination": {"host": "canary"}, "weight": 0}]}])
    manifest = canary_rollout("foo", replicas=4, steps=[{"setWeight": 25}, {"pause": {}}],
                              stableService="stable", canaryService="canary",
                              trafficRouting={"istio": {"virtualService": {
                                  "name": "web-vs", "routes": ["primary"]}}})
    start(world, manifest, vs)
    update(world, manifest)
    routes = route_doc(world, "VirtualService", "web-vs")["spec"]["http"][0]["route"]
    assert {r["destination"]["host"]: r["weight"] for r in routes} == \
        {"stable": 75, "canary": 25}
    status = world.status()
    assert world.sizes()[status.current_pod_hash] == 1
    assert world.sizes()[status.stable_rs] == 4


def test_istio_subset_level_destination_rule() -> None:
    world = World()
    vs = virtual_service([{"name": "primary", "route": [
        {"destination": {"host": "web", "subset": "stable"}, "weight": 100},
        {"destination": {"host": "web", "subset": "canary"}, "weight": 0}]}])
    dr = {"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
          "metadata": {"name": "web-dr", "namespace": "default"},
          "spec": {"host": "web", "subsets": [{"name": "stable", "labels": {"app": "foo"}},
                                              {"name": "canary", "labels": {"app": "foo"}}]}}
    manifest = canary_rollout("foo", replicas=4, steps=[{"setWeight": 50}, {"pause": {}}],
                              trafficRouting={"istio": {
                                  "virtualService": {"name": "web-vs", "routes": ["primary"]},
                                  "destinationRule": {"name": "web-dr",
                                                      "canarySubsetName": "canary",
                                                      "stableSubsetName": "stable"}}})
    start(world, manifest, service("web"), vs, dr)
    stable_hash = world.status().stable_rs
    update(world, manifest)
    status = world.status()
    subsets = {s["name"]: s["labels"] for s in
               route_doc(world, "DestinationRule", "web-dr")["spec"]["subsets"]}
    assert subsets["stable"]["rollouts-pod-template-hash"] == stable_hash
    assert subsets["canary"]["rollouts-pod-template-hash"] == status.current_pod_hash
    routes = route_doc(world, "VirtualService", "web-vs")["spec"]["http"][0]["route"]
    assert {r["destination"]["subset"]: r["weight"] for r in routes} == \
        {"stable": 50, "canary": 50}


def test_no_router_weight_is_the_replica_ratio() -> None:
    """Without a router, the canary's share of traffic is its share of the pods: at setWeight
    20 of 5 replicas, 1 canary pod and 4 stable."""
    world = World()
    manifest = canary_rollout("foo", replicas=5, steps=[{"setWeight": 20}, {"pause": {}}])
    world.apply(manifest)
    world.tick(5)
    stable_hash = world.status().stable_rs
    update(world, manifest)
    status = world.status()
    assert world.pods_by_hash() == {stable_hash: 4, status.current_pod_hash: 1}


def test_route_view_reads_the_weights(tmp_path: Any, capsys: Any) -> None:
    """`kubefold route --to HOST -o json` (issue 15) splits requests for the route's host as
    the HTTPRoute's weights say: 30% to the canary Service's pods, 70% to the stable's."""
    import json

    from kubefold import io
    from kubefold.cli import main
    world = World()
    route = http_route()
    route["spec"]["hostnames"] = ["web.example.com"]
    manifest = gateway_rollout([{"setWeight": 30}, {"pause": {}}])
    start(world, manifest, route)
    update(world, manifest)
    world.tick(30)
    snapshot = tmp_path / "state.yaml"
    io.write_dump(world.cluster, str(snapshot))
    assert main(["route", str(snapshot), "--to", "web.example.com", "-o", "json"]) == 0
    shares: dict[str, float] = {}
    for row in json.loads(capsys.readouterr().out):
        shares[row["service"]] = shares.get(row["service"], 0.0) + row["share"]
    assert shares == pytest.approx({"default/canary": 0.3, "default/stable": 0.7})
