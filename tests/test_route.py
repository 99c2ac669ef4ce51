"""Where a request goes: kube-proxy's shares, Gateway API HTTPRoutes, Istio VirtualServices.

Ported: Gateway API's conformance tests (kubernetes-sigs/gateway-api conformance/tests, the
manifests copied in tests/data/gateway-api, the requests and expected backends transcribed
from the .go files): HTTPRouteMatching, HTTPRouteMatchingAcrossRoutes,
HTTPRouteExactPathMatching, HTTPRouteHeaderMatching, HTTPRouteMethodMatching,
HTTPRoutePathMatchOrder, HTTPRouteQueryParamMatching, HTTPRouteWeight; the backends are
conformance/base's infra-backend-v1/v2/v3 (two pods each) behind Gateway same-namespace.
kube-proxy's cases follow pkg/proxy/topology_test.go TestCategorizeEndpoints (ready only,
terminating fallback, Local policies) and the iptables proxier's equal probabilities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kubefold.core.codec import decode_object
from kubefold.reducers.controllers.endpointslice import endpointslice_controller as esc
from kubefold.reducers.proxy import Request, route
from tests.helpers import DATA, Engine, plane, restore

GATEWAY_API = DATA / "gateway-api"
INFRA = "gateway-conformance-infra"
NOW = "2024-01-01T00:00:00Z"
SETTLE = Engine(plane(esc.CONTROLLER))


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
            "status": {"phase": "Active"}}


def node(name: str, ip: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}],
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def service(name: str, ns: str = "default", labels: dict[str, str] | None = None,
            **spec: Any) -> dict[str, Any]:
    body = {"selector": labels or {"app": name}, "clusterIP": spec.pop("clusterIP", None),
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
            **spec}
    if body["clusterIP"] is None:
        del body["clusterIP"]
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}"},
            "spec": body}


def pod(name: str, ip: str, labels: dict[str, str], ns: str = "default", ready: bool = True,
        node_name: str = "n1", terminating: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "labels": labels,
                            "uid": f"uid-{name}"}
    if terminating:
        meta.update(deletionTimestamp=NOW, deletionGracePeriodSeconds=30)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": node_name, "containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready",
                                       "status": "True" if ready else "False"}]}}


def settled(*manifests: dict[str, Any]):
    cluster = restore(*manifests, now=NOW)
    return SETTLE.run_until_settled(cluster)[0]


def shares(answer) -> dict[str, float]:
    return {s.pod: round(s.share, 6) for s in answer.shares}


def by_service(answer) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in answer.shares:
        out[s.service] = round(out.get(s.service, 0.0) + s.share, 6)
    return out


# -- kube-proxy --------------------------------------------------------------------------------


def web(*pods: dict[str, Any], **spec: Any):
    return settled(namespace("default"), node("n1", "192.168.0.1"), node("n2", "192.168.0.2"),
                   service("web", **spec), *pods)


def test_each_ready_endpoint_gets_an_equal_share():
    cluster = web(pod("a", "10.244.0.2", {"app": "web"}), pod("b", "10.244.0.3", {"app": "web"}),
                  pod("c", "10.244.1.2", {"app": "web"}, node_name="n2"),
                  pod("d", "10.244.1.3", {"app": "web"}, ready=False))
    answer = route(cluster, "default/web")
    assert shares(answer) == {"default/a": 0.333333, "default/b": 0.333333,
                              "default/c": 0.333333}
    assert answer.to_json()[0] == {"pod": "default/a", "service": "default/web",
                                   "share": 1 / 3}
    assert abs(sum(s.share for s in answer.shares) - 1) < 1e-9


def test_terminating_serving_endpoints_only_when_none_is_ready():
    """TestCategorizeEndpoints: ProxyTerminatingEndpoints."""
    cluster = web(pod("a", "10.244.0.2", {"app": "web"}, terminating=True),
                  pod("b", "10.244.0.3", {"app": "web"}, ready=False, terminating=True))
    assert shares(route(cluster, "default/web")) == {"default/a": 1.0}
    cluster = web(pod("a", "10.244.0.2", {"app": "web"}, terminating=True),
                  pod("c", "10.244.0.4", {"app": "web"}))
    assert shares(route(cluster, "default/web")) == {"default/c": 1.0}


def test_no_endpoint_is_an_empty_answer_that_says_why():
    answer = route(web(pod("a", "10.244.0.2", {"app": "web"}, ready=False)), "default/web")
    assert answer.shares == () and not answer.no_route
    assert answer.reason == "no endpoint is ready (nor serving while terminating)"
    answer = route(web(), "default/web")
    assert answer.shares == () and answer.reason == "Service default/web has no endpoints"


def test_session_affinity_pins_a_client():
    pods = [pod(n, f"10.244.0.{i + 2}", {"app": "web"}) for i, n in enumerate("abcd")]
    cluster = web(*pods, sessionAffinity="ClientIP")
    one = route(cluster, Request(to="default/web", client_ip="10.1.1.1"))
    assert len(one.shares) == 1 and one.shares[0].share == 1.0
    assert route(cluster, Request(to="default/web", client_ip="10.1.1.1")).shares == one.shares
    picks = {route(cluster, Request(to="default/web", client_ip=f"10.1.1.{i}")).shares[0].pod
             for i in range(40)}
    assert len(picks) > 1
    assert len(route(cluster, "default/web").shares) == 4  # many clients: an even spread


def test_internal_traffic_policy_local():
    pods = [pod("a", "10.244.0.2", {"app": "web"}), pod("b", "10.244.1.2", {"app": "web"},
                                                        node_name="n2"),
            pod("client", "10.244.0.9", {"app": "client"})]
    cluster = web(*pods, internalTrafficPolicy="Local")
    assert shares(route(cluster, Request(to="default/web", client_ip="10.244.0.9"))) == \
        {"default/a": 1.0}
    assert shares(route(cluster, Request(to="default/web", client_ip="192.168.0.2"))) == \
        {"default/b": 1.0}
    unknown = route(cluster, "default/web")
    assert shares(unknown) == {"default/a": 0.5, "default/b": 0.5}


def test_internal_traffic_policy_local_without_a_local_endpoint_drops():
    cluster = web(pod("b", "10.244.1.2", {"app": "web"}, node_name="n2"),
                  internalTrafficPolicy="Local")
    answer = route(cluster, Request(to="default/web", client_ip="192.168.0.1"))
    assert answer.shares == ()
    assert answer.reason == "internalTrafficPolicy Local: no usable endpoint on node n1"


def test_external_traffic_policy_local_splits_by_node():
    """Through the load balancer's address, nodes with a local endpoint share the traffic
    evenly (its health check leaves the others out)."""
    pods = [pod("a", "10.244.0.2", {"app": "web"}), pod("b", "10.244.0.3", {"app": "web"}),
            pod("c", "10.244.1.2", {"app": "web"}, node_name="n2")]
    svc = service("web", type="LoadBalancer", externalTrafficPolicy="Local",
                  allocateLoadBalancerNodePorts=True)
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}
    cluster = settled(namespace("default"), node("n1", "192.168.0.1"),
                      node("n2", "192.168.0.2"), svc, *pods)
    assert shares(route(cluster, "203.0.113.7")) == {"default/a": 0.25, "default/b": 0.25,
                                                     "default/c": 0.5}
    assert shares(route(cluster, "default/web")) == {"default/a": 0.333333,
                                                     "default/b": 0.333333,
                                                     "default/c": 0.333333}


def test_ports_by_number_and_name_and_missing():
    cluster = web(pod("a", "10.244.0.2", {"app": "web"}))
    assert shares(route(cluster, Request(to="default/web", port=80))) == {"default/a": 1.0}
    assert shares(route(cluster, Request(to="default/web", port="http"))) == {"default/a": 1.0}
    answer = route(cluster, Request(to="default/web", port=81))
    assert answer.no_route and answer.reason == "Service default/web has no port 81"


def test_dns_name_and_cluster_ip_reach_the_service():
    cluster = web(pod("a", "10.244.0.2", {"app": "web"}), clusterIP="10.96.7.7")
    for target in ("web.default.svc.cluster.local", "web.default", "10.96.7.7"):
        assert shares(route(cluster, target)) == {"default/a": 1.0}, target
    assert route(cluster, "nothing.example.com").no_route


def test_snapshot_without_slices_answers_from_pods():
    """A hand-written snapshot with no EndpointSlices: the pods the controller would list."""
    cluster = restore(namespace("default"), node("n1", "192.168.0.1"), service("web"),
                      pod("a", "10.244.0.2", {"app": "web"}),
                      pod("b", "10.244.0.3", {"app": "web"}, ready=False), now=NOW)
    assert shares(route(cluster, "default/web")) == {"default/a": 1.0}


# -- Gateway API conformance -------------------------------------------------------------------


def accepted(route_doc: dict[str, Any]) -> dict[str, Any]:
    """The status a Gateway controller writes: Accepted for each parentRef."""
    route_doc["status"] = {"parents": [
        {"parentRef": ref, "controllerName": "example.com/gateway",
         "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted"}]}
        for ref in route_doc["spec"]["parentRefs"]]}
    return route_doc


def conformance(*files: str):
    routes = [accepted(doc) for f in files
              for doc in yaml.safe_load_all((GATEWAY_API / f"{f}.yaml").read_text()) if doc]
    backends = []
    for i, version in enumerate(("v1", "v2", "v3")):
        name = f"infra-backend-{version}"
        backends.append(service(name, INFRA))
        backends += [pod(f"{name}-{j}", f"10.244.{i}.{j + 2}", {"app": name}, INFRA)
                     for j in range(2)]
    gateway = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
               "metadata": {"name": "same-namespace", "namespace": INFRA},
               "spec": {"gatewayClassName": "example",
                        "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}}
    return settled(namespace(INFRA), node("n1", "192.168.0.1"), gateway, *backends, *routes)


def backend(answer) -> str | int:
    """The single backend Service that takes every request, or 404 for no route."""
    if answer.no_route:
        return 404
    services = by_service(answer)
    assert len(services) == 1 and list(services.values()) == [1.0], services
    return next(iter(services)).rpartition("-")[2]


def req(path: str, headers: dict[str, str] | None = None, method: str = "GET",
        host: str | None = None) -> Request:
    all_headers = dict(headers or {})
    if host:
        all_headers["Host"] = host
    return Request(to=f"{INFRA}/same-namespace", path=path, method=method, headers=all_headers)


MATCHING = [("/", {}, "v1"), ("/example", {}, "v1"), ("/", {"Version": "one"}, "v1"),
            ("/v2", {}, "v2"), ("/v2/example", {}, "v2"), ("/", {"Version": "two"}, "v2"),
            ("/v2/", {}, "v2"), ("/v2example", {}, "v1"), ("/foo/v2/example", {}, "v1")]


@pytest.mark.parametrize(("path", "headers", "expected"), MATCHING,
                         ids=[f"HTTPRouteMatching/{i}" for i in range(len(MATCHING))])
def test_httproute_matching(path, headers, expected):
    assert backend(route(conformance("httproute-matching"), req(path, headers))) == expected


ACROSS = [("example.com", "/", {}, "v1"), ("example.com", "/example", {}, "v1"),
          ("example.net", "/example", {}, "v1"),
          ("example.com", "/example", {"Version": "one"}, "v1"),
          ("example.com", "/v2", {}, "v2"), ("example.net", "/v2", {}, "v1"),
          ("example.com", "/v2/example", {}, "v2"),
          ("example.com", "/", {"Version": "two"}, "v2")]


@pytest.mark.parametrize(("host", "path", "headers", "expected"), ACROSS,
                         ids=[f"HTTPRouteMatchingAcrossRoutes/{i}" for i in range(len(ACROSS))])
def test_httproute_matching_across_routes(host, path, headers, expected):
    cluster = conformance("httproute-matching-across-routes")
    assert backend(route(cluster, req(path, headers, host=host))) == expected


EXACT = [("/one", "v1"), ("/two", "v2"), ("/", 404), ("/one/example", 404), ("/two/", 404),
         ("/Two", 404)]


@pytest.mark.parametrize(("path", "expected"), EXACT,
                         ids=[f"HTTPRouteExactPathMatching/{i}" for i in range(len(EXACT))])
def test_httproute_exact_path_matching(path, expected):
    assert backend(route(conformance("httproute-exact-path-matching"), req(path))) == expected


HEADERS = [({"Version": "one"}, "v1"), ({"Version": "two"}, "v2"),
           ({"Version": "two", "Color": "orange"}, "v1"),
           ({"Version": "two", "Color": "blue"}, "v2"), ({"Color": "orange"}, 404),
           ({"Some-Other-Header": "one"}, 404), ({"Color": "blue"}, "v1"),
           ({"Color": "green"}, "v1"), ({"Color": "red"}, "v2"), ({"Color": "yellow"}, "v2"),
           ({"Color": "purple"}, 404)]


@pytest.mark.parametrize(("headers", "expected"), HEADERS,
                         ids=[f"HTTPRouteHeaderMatching/{i}" for i in range(len(HEADERS))])
def test_httproute_header_matching(headers, expected):
    assert backend(route(conformance("httproute-header-matching"), req("/", headers))) == \
        expected


METHODS = [("POST", "/", {}, "v1"), ("GET", "/", {}, "v2"), ("HEAD", "/", {}, 404),
           ("GET", "/path1", {}, "v1"), ("PUT", "/", {"version": "one"}, "v2"),
           ("POST", "/path2", {"version": "two"}, "v3"), ("PATCH", "/path3", {}, "v1"),
           ("DELETE", "/path4", {"version": "three"}, "v1"), ("PUT", "/", {}, 404),
           ("DELETE", "/path4", {}, 404), ("PATCH", "/path5", {}, "v1"),
           ("PATCH", "/", {"version": "four"}, "v2")]


@pytest.mark.parametrize(("method", "path", "headers", "expected"), METHODS,
                         ids=[f"HTTPRouteMethodMatching/{i}" for i in range(len(METHODS))])
def test_httproute_method_matching(method, path, headers, expected):
    cluster = conformance("httproute-method-matching")
    assert backend(route(cluster, req(path, headers, method))) == expected


ORDER = [("/match/exact/one", "v3"), ("/match/exact", "v2"), ("/match", "v1"),
         ("/match/prefix/one/any", "v2"), ("/match/prefix/any", "v1"), ("/match/any", "v3")]


@pytest.mark.parametrize(("path", "expected"), ORDER,
                         ids=[f"HTTPRoutePathMatchOrder/{i}" for i in range(len(ORDER))])
def test_httproute_path_match_order(path, expected):
    assert backend(route(conformance("httproute-path-match-order"), req(path))) == expected


QUERY = [("/?animal=whale", {}, "v1"), ("/?animal=dolphin", {}, "v2"),
         ("/?animal=dolphin&color=blue", {}, "v3"), ("/?ANIMAL=Whale", {}, "v3"),
         ("/?animal=whale&otherparam=irrelevant", {}, "v1"),
         ("/?animal=dolphin&color=yellow", {}, "v2"), ("/?color=blue", {}, 404),
         ("/?animal=dog", {}, 404), ("/?animal=whaledolphin", {}, 404), ("/", {}, 404),
         ("/path1?animal=whale", {}, "v1"), ("/?animal=whale", {"version": "one"}, "v2"),
         ("/path2?animal=whale", {"version": "two"}, "v3"), ("/path3?animal=shark", {}, "v1"),
         ("/path4?animal=kraken", {"version": "three"}, "v1"), ("/?animal=shark", {}, 404),
         ("/path4?animal=kraken", {}, 404), ("/path5?animal=hydra", {}, "v1"),
         ("/?animal=hydra", {"version": "four"}, "v3")]


@pytest.mark.parametrize(("path", "headers", "expected"), QUERY,
                         ids=[f"HTTPRouteQueryParamMatching/{i}" for i in range(len(QUERY))])
def test_httproute_query_param_matching(path, headers, expected):
    cluster = conformance("httproute-query-param-matching")
    assert backend(route(cluster, req(path, headers))) == expected


def test_httproute_weight():
    """HTTPRouteWeight: 70 / 30 / 0, each split over the backend's two pods."""
    answer = route(conformance("httproute-weight"), req("/"))
    assert by_service(answer) == {f"{INFRA}/infra-backend-v1": 0.7,
                                  f"{INFRA}/infra-backend-v2": 0.3}
    assert shares(answer)[f"{INFRA}/infra-backend-v1-0"] == 0.35


def test_httproute_needs_acceptance_or_a_kubefold_writer():
    """No Gateway controller: a route without an Accepted status does not apply, unless a
    controller kubefold runs wrote it."""
    docs = [d for d in yaml.safe_load_all((GATEWAY_API / "httproute-weight.yaml").read_text())
            if d]
    cluster = settled(namespace(INFRA), node("n1", "192.168.0.1"),
                      {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                       "metadata": {"name": "same-namespace", "namespace": INFRA}}, *docs)
    assert route(cluster, req("/")).no_route
    docs[0]["metadata"]["annotations"] = {"kubefold.io/written-by": "argo-rollouts"}
    cluster = settled(namespace(INFRA), node("n1", "192.168.0.1"),
                      {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                       "metadata": {"name": "same-namespace", "namespace": INFRA}}, *docs)
    assert not route(cluster, req("/")).no_route


def mesh_route(weights: tuple[int, int], matches: list[Any] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"backendRefs": [{"name": "web-stable", "port": 80,
                                             "weight": weights[0]},
                                            {"name": "web-canary", "port": 80,
                                             "weight": weights[1]}]}
    if matches is not None:
        rule["matches"] = matches
    return accepted({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                     "metadata": {"name": "web", "namespace": "default"},
                     "spec": {"parentRefs": [{"group": "", "kind": "Service", "name": "web",
                                              "port": 80}],
                              "rules": [rule]}})


def canary_cluster(*extra: dict[str, Any]):
    return settled(namespace("default"), node("n1", "192.168.0.1"),
                   service("web", labels={"app": "web"}),
                   service("web-stable", labels={"app": "web", "track": "stable"}),
                   service("web-canary", labels={"app": "web", "track": "canary"}),
                   pod("s1", "10.244.0.2", {"app": "web", "track": "stable"}),
                   pod("s2", "10.244.0.3", {"app": "web", "track": "stable"}),
                   pod("c1", "10.244.0.4", {"app": "web", "track": "canary"}), *extra)


def test_mesh_httproute_bound_to_the_service():
    """GAMMA: an HTTPRoute with the Service as parentRef decides where its traffic goes."""
    answer = route(canary_cluster(mesh_route((80, 20))), "default/web")
    assert shares(answer) == {"default/c1": 0.2, "default/s1": 0.4, "default/s2": 0.4}
    assert answer.via == ("HTTPRoute default/web rule 0",)
    plain = route(canary_cluster(), "default/web")
    assert shares(plain) == {"default/c1": 0.333333, "default/s1": 0.333333,
                             "default/s2": 0.333333}


def test_no_route_is_a_clear_answer():
    cluster = canary_cluster(mesh_route((100, 0), [{"path": {"type": "Exact",
                                                             "value": "/cart"}}]))
    answer = route(cluster, Request(to="default/web", path="/checkout"))
    assert answer.no_route and answer.shares == ()
    assert answer.reason == "no route: no rule of HTTPRoute default/web matches GET /checkout"


# -- Istio -------------------------------------------------------------------------------------


def destination_rule() -> dict[str, Any]:
    return {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"host": "web", "subsets": [
                {"name": "stable", "labels": {"track": "stable"}},
                {"name": "canary", "labels": {"track": "canary"}}]}}


def virtual_service(http: list[Any], hosts: list[str] | None = None,
                    gateways: list[str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"hosts": hosts or ["web"], "http": http}
    if gateways is not None:
        spec["gateways"] = gateways
    return {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
            "metadata": {"name": "web", "namespace": "default"}, "spec": spec}


def to(subset: str, weight: int | None = None) -> dict[str, Any]:
    dest: dict[str, Any] = {"destination": {"host": "web", "subset": subset}}
    if weight is not None:
        dest["weight"] = weight
    return dest


ISTIO_HTTP = [
    {"name": "jason", "match": [{"headers": {"end-user": {"exact": "jason"}}}],
     "route": [to("canary")]},
    {"name": "beta-cookie", "match": [{"headers": {"cookie": {
        "regex": "^(.*?; ?)?(beta=yes)(;.*)?$"}}}], "route": [to("canary")]},
    {"name": "api", "match": [{"uri": {"prefix": "/api"}}],
     "route": [to("stable", 90), to("canary", 10)]},
    {"name": "default", "route": [to("stable")]},
]


@pytest.mark.parametrize(("request_", "expected"), [
    (Request(to="default/web", headers={"end-user": "jason"}), {"default/c1": 1.0}),
    (Request(to="default/web", cookies=[("session", "1"), ("beta", "yes")]),
     {"default/c1": 1.0}),
    (Request(to="default/web", cookies=[("beta", "no")]), {"default/s1": 0.5,
                                                            "default/s2": 0.5}),
    (Request(to="default/web", path="/api/cart"), {"default/c1": 0.1, "default/s1": 0.45,
                                                   "default/s2": 0.45}),
    (Request(to="web.default.svc.cluster.local"), {"default/s1": 0.5, "default/s2": 0.5}),
], ids=["header match", "cookie in a multi-cookie header", "cookie mismatch",
        "uri prefix, weighted subsets", "FQDN host"])
def test_istio_virtual_service(request_, expected):
    cluster = canary_cluster(virtual_service(ISTIO_HTTP), destination_rule())
    answer = route(cluster, request_)
    assert shares(answer) == expected
    assert answer.via[0].startswith("VirtualService default/web http[")


def test_istio_order_and_no_route():
    http = [{"match": [{"uri": {"exact": "/a"}}], "route": [to("canary")]},
            {"match": [{"uri": {"regex": "/a.*"}}], "route": [to("stable")]}]
    cluster = canary_cluster(virtual_service(http), destination_rule())
    assert shares(route(cluster, Request(to="default/web", path="/a"))) == {"default/c1": 1.0}
    assert shares(route(cluster, Request(to="default/web", path="/ab"))) == \
        {"default/s1": 0.5, "default/s2": 0.5}
    answer = route(cluster, Request(to="default/web", path="/b"))
    assert answer.no_route and answer.reason.startswith("no route:")


def test_istio_gateway_only_virtual_service_is_followed_by_host_not_by_mesh():
    vs = virtual_service([{"route": [to("canary")]}], hosts=["shop.example.com"],
                         gateways=["shop-gateway"])
    cluster = canary_cluster(vs, destination_rule())
    assert shares(route(cluster, "shop.example.com")) == {"default/c1": 1.0}
    assert len(route(cluster, "default/web").shares) == 3  # kube-proxy: no mesh route


def test_missing_subset_fails_its_share():
    http = [{"route": [to("stable", 50), to("ghost", 50)]}]
    cluster = canary_cluster(virtual_service(http), destination_rule())
    answer = route(cluster, "default/web")
    assert shares(answer) == {"default/s1": 0.25, "default/s2": 0.25}
    assert answer.failed == 0.5
    assert "no DestinationRule defines subset ghost of default/web" in answer.notes


def test_request_of_accepts_mappings_and_strings():
    assert Request.of("default/web") == Request(to="default/web")
    assert Request.of({"to": "default/web", "client-ip": "1.2.3.4"}).client_ip == "1.2.3.4"
    assert Request(to="x", cookies={"a": "1", "b": "2"}).header_map()["cookie"] == "a=1; b=2"
    assert Path(GATEWAY_API / "README.md").exists()
    assert decode_object(service("x"))  # the builders make valid objects
