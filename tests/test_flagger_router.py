"""Flagger's router tests (pkg/router/istio_test.go, gateway_api_test.go,
kubernetes_default_test.go), on the routers' functions of (cluster, Canary): the objects they
write through the API server are read back and compared as the Go tests compare them.

Ported: TestIstioRouter_Sync, TestIstioRouter_SetRoutes (normal, session affinity, mirror),
TestIstioRouter_GetRoutes, TestIstioRouter_HTTPRequestHeaders, TestIstioRouter_CORS,
TestIstioRouter_ABTest, TestIstioRouter_GatewayPort, TestIstioRouter_Delegate (ok, invalid),
TestIstioRouter_Match, TestIstioRouter_SetRoutesTCP, TestIstioRouter_GetRoutesTCP;
TestGatewayAPIRouter_Reconcile, TestGatewayAPIRouter_Routes (normal, session affinity, b/g
mirror), TestGatewayAPIRouter_GetRoutes (the parent not ready); TestServiceRouter_Create,
TestServiceRouter_TrafficDistribution, TestServiceRouter_Update, TestServiceRouter_Undo,
TestServiceRouter_isOwnedByCanary.
Not ported: TestIstioRouter_Finalize and TestServiceRouter_Finalize (revertOnDeletion is not
modelled), the metadata and unmanaged-metadata Service tests' label and annotation
bookkeeping beyond isOwnedByCanary, the routers of other providers.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.schema import thaw
from kubefold.reducers import apiserver, manager
from kubefold.reducers.flagger.router import (
    GatewayAPIRouter,
    IstioRouter,
    KubernetesDefaultRouter,
)
from kubefold.reducers.flagger.router.kubernetes_default import is_owned_by_canary

P_HOST, C_HOST = "podinfo-primary", "podinfo-canary"


def new_test_canary(**service: Any) -> dict[str, Any]:
    """newTestCanary: port discovery, http, request/response headers, CORS, a URI match,
    retries, gateways `istio/public-gateway` and `mesh`."""
    body = {"port": 9898, "portDiscovery": True, "appProtocol": "http",
            "headers": {"request": {"add": {"x-envoy-upstream-rq-timeout-ms": "15000"},
                                    "remove": ["test"]},
                        "response": {"remove": ["token"]}},
            "corsPolicy": {"allowMethods": ["GET", "POST"]},
            "match": [{"name": "podinfo", "uri": {"prefix": "/podinfo"},
                       "method": {"exact": "GET"}, "ignoreUriCase": True}],
            "retries": {"attempts": 10, "perTryTimeout": "30s",
                        "retryOn": "connect-failure,gateway-error"},
            "gateways": ["istio/public-gateway", "mesh"]}
    body.update(service)
    return _canary("podinfo", body, {"interval": "1m", "threshold": 10, "stepWeight": 10,
                                     "maxWeight": 50})


def new_test_ab_test() -> dict[str, Any]:
    """newTestABTest: `abtest`, two iterations for `x-user-type: test`."""
    return _canary("abtest", {"port": 9898}, {
        "interval": "1m", "threshold": 10, "iterations": 2,
        "match": [{"headers": {"x-user-type": {"exact": "test"}}}]})


def new_test_gateway_api_canary() -> dict[str, Any]:
    """newTestGatewayAPICanary: port 80 to 9898, gatewayRef podinfo, timeouts."""
    return _canary("podinfo", {"name": "podinfo", "port": 80, "portName": "http",
                               "targetPort": 9898, "portDiscovery": True,
                               "gatewayRefs": [{"name": "podinfo"}], "timeout": "10s",
                               "backendTimeout": "5s"},
                   {"interval": "1m", "threshold": 10, "stepWeight": 10, "maxWeight": 50})


def _canary(name: str, service: dict[str, Any], analysis: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
            "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                   "name": name},
                     "service": service, "analysis": analysis}}


def canary(manifest: dict[str, Any]) -> Any:
    """The Canary value, defaulted as the API server stores it."""
    from kubefold.reducers.apiserver.defaults import default_object
    return default_object(decode_object(copy.deepcopy(manifest)))


def ok(result: tuple[Any, ...]) -> Cluster:
    assert result[-1] is None, result[-1]
    return result[0]  # type: ignore[no-any-return]


def routed(result: tuple[Cluster, Any, str | None]) -> tuple[Cluster, Any]:
    cluster, cd, err = result
    assert err is None, err
    return cluster, cd


def vs_spec(cluster: Cluster, name: str = "podinfo") -> dict[str, Any]:
    return thaw(cluster.get("VirtualService", "default", name).extra["spec"])  # type: ignore


def weights(spec: dict[str, Any], section: str = "http") -> tuple[int, int, Any]:
    """The Go tests' loop: the primary and canary destinations' weights, the canary route's
    mirror."""
    p = c = 0
    mirror = None
    for route in spec.get(section) or ():
        for dest in route["route"]:
            if dest["destination"]["host"] == P_HOST:
                p = dest["weight"]
            if dest["destination"]["host"] == C_HOST:
                c = dest["weight"]
                mirror = route.get("mirror")
    return p, c, mirror


ROUTER = IstioRouter(set_owner_refs=False)


def reconciled(manifest: dict[str, Any]) -> tuple[Cluster, Any]:
    cd = canary(manifest)
    return ok(ROUTER.reconcile(manager.empty_cluster(), cd)), cd


# -- Istio ------------------------------------------------------------------------------------


def test_istio_router_sync():
    """TestIstioRouter_Sync: insert, update (a host added), drift undone."""
    cluster, cd = reconciled(new_test_canary())
    assert cluster.get("DestinationRule", "default", C_HOST) is not None
    assert cluster.get("DestinationRule", "default", P_HOST) is not None
    spec = vs_spec(cluster)
    assert len(spec["http"]) == 1 and len(spec["http"][0]["route"]) == 2
    cd = canary(new_test_canary(hosts=["test.example.com"]))
    cluster = ok(ROUTER.reconcile(cluster, cd))
    assert vs_spec(cluster)["hosts"] == ["test.example.com", "podinfo"]
    vs = cluster.get("VirtualService", "default", "podinfo")
    manifest = {"apiVersion": vs.api_version, "kind": "VirtualService",
                "metadata": {"name": "podinfo", "namespace": "default",
                             "annotations": dict(vs.metadata.annotations)},
                "spec": {**vs_spec(cluster), "gateways": ["istio/public-gateway", "mesh",
                                                          "istio-system/test-gateway"]}}
    cluster = apiserver.update(cluster, manifest).cluster  # type: ignore[union-attr]
    assert len(vs_spec(cluster)["gateways"]) == 3
    cluster = ok(ROUTER.reconcile(cluster, cd))
    assert len(vs_spec(cluster)["gateways"]) == 2


def test_istio_router_set_routes_normal():
    """TestIstioRouter_SetRoutes/normal."""
    cluster, cd = reconciled(new_test_canary())
    cluster, _ = routed(ROUTER.set_routes(cluster, cd, 60, 40, False))
    assert weights(vs_spec(cluster)) == (60, 40, None)


def test_istio_router_set_routes_session_affinity():
    """TestIstioRouter_SetRoutes/session affinity: the sticky route, the Set-Cookie header,
    the reconcile that leaves them, and the promotion that expires the cookie."""
    manifest = new_test_canary()
    manifest["spec"]["analysis"]["sessionAffinity"] = {
        "cookieName": "flagger-cookie", "domain": "flagger.app", "httpOnly": True,
        "maxAge": 300, "partitioned": True, "path": "/app", "sameSite": "Strict",
        "secure": True}
    cluster, cd = reconciled(manifest)

    def check(cluster: Cluster, cd: Any, p: int, c: int) -> tuple[Any, Any]:
        http = vs_spec(cluster)["http"]
        assert len(http) == 2
        sticky, weighted = http
        assert any("flagger-cookie" in m["headers"]["Cookie"]["regex"] for m in sticky["match"])
        assert weights({"http": [sticky]})[:2] == (0, 100)
        assert weights({"http": [weighted]})[:2] == (p, c)
        dest = next(d for d in weighted["route"] if d["destination"]["host"] == C_HOST)
        value = dest["headers"]["response"]["add"]["Set-Cookie"]
        assert value.startswith("flagger-cookie")
        for part in ("Domain=flagger.app", "HttpOnly", "Max-Age=300", "Partitioned",
                     "Path=/app", "SameSite=Strict", "Secure"):
            assert part in value
        assert cd.status.session_affinity_cookie.startswith("flagger-cookie")
        return sticky, weighted

    cluster, cd = routed(ROUTER.set_routes(cluster, cd, 0, 10, False))
    sticky, weighted = check(cluster, cd, 0, 10)
    cluster = ok(ROUTER.reconcile(cluster, cd))
    assert vs_spec(cluster)["http"] == [sticky, weighted]
    cluster, cd = routed(ROUTER.set_routes(cluster, cd, 50, 50, False))
    check(cluster, cd, 50, 50)
    cookie = cd.status.session_affinity_cookie
    cluster, cd = routed(ROUTER.set_routes(cluster, cd, 100, 0, False))
    sticky, weighted = vs_spec(cluster)["http"]
    assert weights({"http": [sticky]})[:2] == (100, 0)
    assert cd.status.session_affinity_cookie is None
    assert cd.status.previous_session_affinity_cookie == cookie
    expire = sticky["headers"]["response"]["add"]["Set-Cookie"]
    assert expire.startswith(cookie) and "Max-Age=-1" in expire
    dest = next(d for d in weighted["route"] if d["destination"]["host"] == C_HOST)
    assert dest["weight"] == 0 and "headers" not in dest


@pytest.mark.parametrize("mirror_weight", [0, 10, 50])
def test_istio_router_set_routes_mirror(mirror_weight):
    """TestIstioRouter_SetRoutes/mirror: the canary route mirrors to the canary host, with
    mirrorPercentage when mirrorWeight is set."""
    manifest = new_test_canary()
    manifest["spec"]["analysis"]["mirrorWeight"] = mirror_weight
    cluster, cd = reconciled(manifest)
    cluster, _ = routed(ROUTER.set_routes(cluster, cd, 100, 0, True))
    spec = vs_spec(cluster)
    assert weights(spec) == (100, 0, {"host": C_HOST})
    percentage = spec["http"][0].get("mirrorPercentage")
    assert percentage == ({"value": float(mirror_weight)} if mirror_weight else None)


def test_istio_router_get_routes():
    """TestIstioRouter_GetRoutes: 100/0 unmirrored; mirror on in the Canary does not mirror
    until the route does."""
    cluster, cd = reconciled(new_test_canary())
    assert ROUTER.get_routes(cluster, cd) == (100, 0, False, None)
    mirror = new_test_canary()
    mirror["spec"]["analysis"]["mirror"] = True
    cd = canary(mirror)
    cluster = ok(ROUTER.reconcile(cluster, cd))
    assert ROUTER.get_routes(cluster, cd) == (100, 0, False, None)
    cluster, _ = routed(ROUTER.set_routes(cluster, cd, 100, 0, True))
    assert ROUTER.get_routes(cluster, cd) == (100, 0, True, None)


def test_istio_router_http_request_headers_and_cors():
    """TestIstioRouter_HTTPRequestHeaders and TestIstioRouter_CORS."""
    cluster, _ = reconciled(new_test_canary())
    http = vs_spec(cluster)["http"]
    assert len(http) == 1
    headers = http[0]["headers"]
    assert headers["request"]["add"]["x-envoy-upstream-rq-timeout-ms"] == "15000"
    assert headers["request"]["remove"][0] == "test"
    assert headers["response"]["remove"][0] == "token"
    assert len(http[0]["corsPolicy"]["allowMethods"]) == 2


def test_istio_router_ab_test():
    """TestIstioRouter_ABTest: two http routes; SetRoutes(0, 100) on the first."""
    cluster, cd = reconciled(new_test_ab_test())
    assert len(vs_spec(cluster, "abtest")["http"]) == 2
    cluster, _ = routed(ROUTER.set_routes(cluster, cd, 0, 100, False))
    spec = vs_spec(cluster, "abtest")
    hosts = {d["destination"]["host"]: d["weight"] for d in spec["http"][0]["route"]}
    assert hosts == {"abtest-primary": 0, "abtest-canary": 100}
    assert "mirror" not in spec["http"][0]


def test_istio_router_gateway_port():
    """TestIstioRouter_GatewayPort: behind a gateway with port discovery, the destination
    names the service port."""
    cluster, _ = reconciled(new_test_canary())
    assert vs_spec(cluster)["http"][0]["route"][0]["destination"]["port"] == {"number": 9898}


def test_istio_router_delegate():
    """TestIstioRouter_Delegate: ok (no hosts, no gateways, the port) and invalid."""
    cluster, _ = reconciled(new_test_canary(hosts=[], gateways=[], delegation=True))
    spec = vs_spec(cluster)
    assert spec["hosts"] == [] and "gateways" not in spec
    assert spec["http"][0]["route"][0]["destination"]["port"] == {"number": 9898}
    cd = canary(new_test_canary(delegation=True))
    _, err = ROUTER.reconcile(manager.empty_cluster(), cd)
    assert err == ("reconcileVirtualService failed: VirtualService podinfo.default cannot have "
                   "hosts and gateways when delegation enabled")


def test_istio_router_match():
    """TestIstioRouter_Match: the analysis' header matches merged with the service's URI
    match, each crossed with each."""
    cluster, cd = reconciled(new_test_ab_test())
    http = vs_spec(cluster, "abtest")["http"]
    assert http[0]["match"] == [{"headers": {"x-user-type": {"exact": "test"}}}]
    assert "match" not in http[1]
    manifest = new_test_ab_test()
    manifest["spec"]["service"]["match"] = [{"name": "podinfo", "uri": {"prefix": "/podinfo"},
                                             "method": {"exact": "GET"},
                                             "ignoreUriCase": True}]
    manifest["spec"]["analysis"]["match"] = [
        {"headers": {"x-user-type": {"exact": "test"}, "x-auth-test": {"exact": "test"}}},
        {"headers": {"x-session-id": {"exact": "test"}}}]
    cluster = ok(ROUTER.reconcile(cluster, canary(manifest)))
    http = vs_spec(cluster, "abtest")["http"]
    assert len(http[0]["match"]) == 2
    assert http[0]["match"][0]["uri"]["prefix"] == "/podinfo"
    assert http[0]["match"][0]["headers"] == {"x-user-type": {"exact": "test"},
                                              "x-auth-test": {"exact": "test"}}
    assert http[0]["match"][1]["headers"] == {"x-session-id": {"exact": "test"}}
    assert [m["uri"]["prefix"] for m in http[1]["match"]] == ["/podinfo"]


def new_test_canary_tcp() -> dict[str, Any]:
    """newTestCanaryTCP."""
    return _canary("podinfo", {"port": 9898, "portDiscovery": True, "appProtocol": "TCP",
                               "match": [{"port": 9898}],
                               "gateways": ["istio/public-gateway", "mesh"]},
                   {"interval": "1m", "threshold": 10, "stepWeight": 10, "maxWeight": 50})


def test_istio_router_set_and_get_routes_tcp():
    """TestIstioRouter_SetRoutesTCP and TestIstioRouter_GetRoutesTCP."""
    cluster, cd = reconciled(new_test_canary_tcp())
    assert ROUTER.get_routes(cluster, cd) == (100, 0, False, None)
    cluster, _ = routed(ROUTER.set_routes(cluster, cd, 60, 40, False))
    spec = vs_spec(cluster)
    assert weights(spec, "tcp")[:2] == (60, 40)
    assert spec["tcp"][0]["match"] == [{"port": 9898}]
    assert ROUTER.get_routes(cluster, cd) == (60, 40, False, None)


# -- Gateway API ------------------------------------------------------------------------------

GATEWAY = GatewayAPIRouter(set_owner_refs=False)


def route_spec(cluster: Cluster) -> dict[str, Any]:
    return thaw(cluster.get("HTTPRoute", "default", "podinfo").extra["spec"])  # type: ignore


def test_gateway_api_router_reconcile():
    """TestGatewayAPIRouter_Reconcile: one rule, 100/0, the timeouts; annotations another
    controller adds are kept."""
    cd = canary(new_test_gateway_api_canary())
    cluster = ok(GATEWAY.reconcile(manager.empty_cluster(), cd))
    rules = route_spec(cluster)["rules"]
    assert len(rules) == 1
    assert [b["weight"] for b in rules[0]["backendRefs"]] == [100, 0]
    assert rules[0]["timeouts"] == {"request": "10s", "backendRequest": "5s"}
    route = cluster.get("HTTPRoute", "default", "podinfo")
    assert route.api_version == "gateway.networking.k8s.io/v1"
    assert route.metadata.annotations["kubefold.io/written-by"] == "flagger"
    manifest = {"apiVersion": route.api_version, "kind": "HTTPRoute",
                "metadata": {"name": "podinfo", "namespace": "default",
                             "annotations": {**route.metadata.annotations, "foo": "bar"}},
                "spec": route_spec(cluster)}
    cluster = apiserver.update(cluster, manifest).cluster  # type: ignore[union-attr]
    cluster = ok(GATEWAY.reconcile(cluster, cd))
    route = cluster.get("HTTPRoute", "default", "podinfo")
    assert route.metadata.annotations["foo"] == "bar"
    assert route_spec(cluster)["parentRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "podinfo"}]


def test_gateway_api_router_routes_normal_and_mirror():
    """TestGatewayAPIRouter_Routes/normal and b/g mirror."""
    cd = canary(new_test_gateway_api_canary())
    cluster = ok(GATEWAY.reconcile(manager.empty_cluster(), cd))
    cluster, _ = routed(GATEWAY.set_routes(cluster, cd, 50, 50, False))
    assert route_spec(cluster)["rules"][0]["backendRefs"][0]["weight"] == 50
    mirrored = new_test_gateway_api_canary()
    mirrored["spec"]["analysis"].update(mirror=True, iterations=5)
    cd = canary(mirrored)
    cluster, _ = routed(GATEWAY.set_routes(cluster, cd, 100, 0, True))
    rules = route_spec(cluster)["rules"]
    assert len(rules) == 1
    assert any(f["type"] == "RequestMirror" and f["requestMirror"]["backendRef"]["name"] ==
               C_HOST for f in rules[0]["filters"])
    import attrs
    progressing = attrs.evolve(cd, status=attrs.evolve(cd.status, phase="Progressing"))
    cluster = ok(GATEWAY.reconcile(cluster, progressing))
    assert route_spec(cluster)["rules"] == rules
    cluster, _ = routed(GATEWAY.set_routes(cluster, cd, 100, 0, False))
    assert "filters" not in route_spec(cluster)["rules"][0]
    assert GATEWAY.get_routes(cluster, cd) == (100, 0, False, None)


def test_gateway_api_router_routes_session_affinity():
    """TestGatewayAPIRouter_Routes/session affinity."""
    manifest = new_test_gateway_api_canary()
    manifest["spec"]["analysis"]["sessionAffinity"] = {
        "cookieName": "flagger-cookie", "domain": "flagger.app", "httpOnly": True,
        "maxAge": 300, "partitioned": True, "path": "/app", "sameSite": "Strict",
        "secure": True}
    cd = canary(manifest)
    cluster = ok(GATEWAY.reconcile(manager.empty_cluster(), cd))
    cluster, cd = routed(GATEWAY.set_routes(cluster, cd, 90, 10, False))
    rules = route_spec(cluster)["rules"]
    assert len(rules) == 2
    sticky, weighted = rules
    header = sticky["matches"][0]["headers"][0]
    assert header["type"] == "RegularExpression" and header["name"] == "Cookie"
    assert "flagger-cookie" in header["value"]
    assert {b["name"]: b["weight"] for b in sticky["backendRefs"]} == {P_HOST: 0, C_HOST: 100}
    canary_ref = next(b for b in weighted["backendRefs"] if b["name"] == C_HOST)
    value = canary_ref["filters"][0]["responseHeaderModifier"]["add"][0]["value"]
    assert canary_ref["weight"] == 10 and value.startswith("flagger-cookie")
    for part in ("Domain=flagger.app", "HttpOnly", "Max-Age=300", "Partitioned",
                 "Path=/app", "SameSite=Strict", "Secure"):
        assert part in value
    cluster = ok(GATEWAY.reconcile(cluster, cd))
    assert route_spec(cluster)["rules"] == rules
    assert GATEWAY.get_routes(cluster, cd) == (90, 10, False, None)
    cluster, cd = routed(GATEWAY.set_routes(cluster, cd, 100, 0, False))
    sticky, weighted = route_spec(cluster)["rules"]
    assert cd.status.session_affinity_cookie is None
    assert "flagger-cookie" in cd.status.previous_session_affinity_cookie
    modifier = sticky["filters"][0]["responseHeaderModifier"]["add"][0]
    assert modifier == {"name": "Set-Cookie", "value":
                        f"{cd.status.previous_session_affinity_cookie}; Max-Age=-1"}
    canary_ref = next(b for b in weighted["backendRefs"] if b["name"] == C_HOST)
    assert canary_ref["weight"] == 0 and not canary_ref.get("filters")


@pytest.mark.parametrize("accepted,observed,expected", [
    ("False", 4, "HTTPRoute podinfo.default parent podinfo is not ready (status: False, "
                 "observed generation: 4, current generation: 5)"),
    ("False", 5, "HTTPRoute podinfo.default parent podinfo is not ready (status: False, "
                 "observed generation: 5, current generation: 5)"),
    ("True", 5, None),
], ids=["older generation", "not accepted", "accepted"])
def test_gateway_api_router_get_routes(accepted, observed, expected):
    """TestGatewayAPIRouter_GetRoutes/httproute generation: a parent whose Accepted condition
    is False or older than the route's generation is an error (another parent's, with a
    section name the route does not list, is not looked at); else the weights."""
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "podinfo", "namespace": "default", "generation": 5},
             "spec": {"parentRefs": [{"name": "podinfo"}], "rules": [{"backendRefs": [
                 {"name": "podinfo-canary", "weight": 10},
                 {"name": "podinfo-primary", "weight": 90}]}]},
             "status": {"parents": [
                 {"parentRef": {"name": "podinfo", "sectionName": "https"},
                  "conditions": [{"type": "Accepted", "status": "True",
                                  "observedGeneration": 1}]},
                 {"parentRef": {"name": "podinfo"},
                  "conditions": [{"type": "Accepted", "status": accepted,
                                  "observedGeneration": observed}]}]}}
    from tests.helpers import restore
    cluster = restore(route)
    got = GATEWAY.get_routes(cluster, canary(new_test_gateway_api_canary()))
    assert got == ((0, 0, False, expected) if expected else (90, 10, False, None))


# -- KubernetesDefaultRouter ------------------------------------------------------------------


KUBE = KubernetesDefaultRouter("app", "podinfo")


def service(cluster: Cluster, name: str) -> Any:
    return cluster.get("Service", "default", name)


def service_json(cluster: Cluster, name: str) -> dict[str, Any]:
    """The Service as the API serves it (its ports are typed or kept as JSON, whichever the
    Service class does)."""
    from kubefold.core.codec import encode_object
    return encode_object(service(cluster, name))


def initialized(cd: Any) -> Cluster:
    cluster = ok(KUBE.initialize(manager.empty_cluster(), cd))
    return ok(KUBE.reconcile(cluster, cd))


def test_service_router_create():
    """TestServiceRouter_Create: headless Services with the port's name and appProtocol."""
    cluster = initialized(canary(new_test_canary(headless=True)))
    for name in (C_HOST, P_HOST):
        svc = service_json(cluster, name)
        port = svc["spec"]["ports"][0]
        assert (port["name"], port["port"], svc["spec"]["clusterIP"]) == ("http", 9898, "None")
    assert service_json(cluster, C_HOST)["spec"]["ports"][0]["appProtocol"] == "http"
    assert dict(service(cluster, "podinfo").spec.selector) == {"app": "podinfo-primary"}
    assert dict(service(cluster, C_HOST).spec.selector) == {"app": "podinfo"}
    assert dict(service(cluster, C_HOST).metadata.labels) == {"app": C_HOST}


def test_service_router_traffic_distribution():
    """TestServiceRouter_TrafficDistribution."""
    cluster = initialized(canary(new_test_canary(trafficDistribution="PreferClose")))
    for name in (C_HOST, P_HOST, "podinfo"):
        assert service_json(cluster, name)["spec"]["trafficDistribution"] == "PreferClose"


def test_service_router_update_and_undo():
    """TestServiceRouter_Update (the port name follows the Canary) and
    TestServiceRouter_Undo (a hand edit of the port is put back)."""
    cluster = initialized(canary(new_test_canary()))
    cd = canary(new_test_canary(portName="grpc"))
    cluster = ok(KUBE.reconcile(ok(KUBE.initialize(cluster, cd)), cd))
    assert service_json(cluster, C_HOST)["spec"]["ports"][0]["name"] == "grpc"
    edited = service_json(cluster, C_HOST)
    edited["metadata"].pop("resourceVersion")
    edited["spec"]["ports"][0].update(name="http2-podinfo", port=8080)
    cluster = apiserver.update(cluster, edited).cluster  # type: ignore[union-attr]
    cd = canary(new_test_canary())
    cluster = ok(KUBE.reconcile(ok(KUBE.initialize(cluster, cd)), cd))
    port = service_json(cluster, C_HOST)["spec"]["ports"][0]
    assert (port["name"], port["port"]) == ("http", 9898)


@pytest.mark.parametrize("owners,expected", [
    ([], (False, False)),
    ([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo", "uid": "u",
       "controller": True}], (False, False)),
    ([{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "other", "uid": "u",
       "controller": True}], (True, False)),
    ([{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo", "uid": "u",
       "controller": True}], (True, True)),
    ([{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo", "uid": "u"}],
     (False, False)),
], ids=["no owner", "owned by a Deployment", "owned by another Canary", "owned by the Canary",
        "a Canary owner that does not control"])
def test_service_router_is_owned_by_canary(owners, expected):
    """TestServiceRouter_isOwnedByCanary."""
    svc = decode_object({"apiVersion": "v1", "kind": "Service", "metadata": {
        "name": "podinfo", "namespace": "default", "ownerReferences": owners}})
    assert is_owned_by_canary(svc, "podinfo") == expected
