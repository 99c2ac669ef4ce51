"""Where a request goes: `route(cluster, request)`, the query behind `kubefold route`.

A request is addressed (`to`) to a Service (`namespace/name`), a Gateway (`namespace/name`
when no Service has that name), or a host. The answer is each backend pod's share of such
requests, as the data plane would send them:

- to a Service: through the mesh when an Istio VirtualService lists the Service among its
  hosts (istio.py), else when an accepted HTTPRoute names the Service as a parentRef
  (Gateway API's mesh binding, gateway.py), else as kube-proxy sends it (kubeproxy.py);
- to a Gateway: through the HTTPRoutes attached to it (the `Host` header choosing among
  their hostnames);
- to a host: through the VirtualServices that list it, else the HTTPRoutes that list it;
  a host that is a Service's DNS name or ClusterIP is that Service; an external IP or load
  balancer address of a Service is that Service's traffic from outside (externalTrafficPolicy).

A route's weights split the requests among its backend Services; each backend's part is split
evenly over its usable endpoints (its DestinationRule subset's, for Istio). A request no rule
matches is answered "no route"; a backend with no usable endpoint fails its part (kubefold
reports the failed fraction). Which pod `sessionAffinity: ClientIP` picks for an address is
kubefold's deterministic choice among the ready ones.

API for the controllers that write routes (Argo Rollouts, Flagger): write the weights in the
HTTPRoute's `backendRefs[].weight` or the VirtualService's `http[].route[].weight` as those
projects do; mark what you write with the annotation `kubefold.io/written-by: <controller>`
(gateway.WRITTEN_BY) so that an HTTPRoute without a Gateway controller's status counts as
Accepted. `route` reads nothing else and writes nothing.

Why a query in reducers/: the data plane (kube-proxy, a Gateway, Istio's proxies) never
writes to the API server in kubefold's model, so its behaviour is a function of a state,
`(cluster, request) -> shares`, not a step of the fold; it lives beside the components because
it is one (kube-proxy's pkg/proxy), imports only core and the EndpointSlice helpers kube-proxy
shares, and is what properties/ check traffic invariants with.
Covered by: tests/test_route.py, tests/test_properties_route.py, tests/test_cli_route.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Service
from kubefold.reducers.proxy import gateway, istio, kubeproxy

REVISION_LABELS = ("rollouts-pod-template-hash", "pod-template-hash", "controller-revision-hash")


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        return tuple((str(k), str(v)) for k, v in value.items())
    return tuple((str(k), str(v)) for k, v in value or ())


@attrs.frozen
class Request:
    """A request: its target, port, path (a `?query` included), method, headers, cookies and
    client address."""

    to: str
    port: int | str | None = None
    path: str = "/"
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    cookies: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    client_ip: str | None = None

    @classmethod
    def of(cls, value: Request | Mapping[str, Any] | str) -> Request:
        """A Request from itself, a mapping of its fields, or a bare target."""
        if isinstance(value, Request):
            return value
        if isinstance(value, str):
            return cls(to=value)
        fields = {k.replace("-", "_"): v for k, v in value.items()}
        return cls(**fields)

    def header_map(self) -> dict[str, str]:
        """Headers by lower-case name; the cookies joined into one Cookie header
        (`k1=v1; k2=v2`), after any Cookie header given."""
        out = {k.lower(): v for k, v in self.headers}
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies)
            out["cookie"] = f"{out['cookie']}; {jar}" if out.get("cookie") else jar
        return out

    def split_path(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path or "/")
        return parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))


@attrs.frozen
class Share:
    pod: str
    service: str
    share: float
    revision: str | None = None


@attrs.frozen
class Routed:
    """The answer: the shares (sorted by pod; pods with no share left out), how the request
    was routed, and, when nothing serves it, why."""

    request: Request
    shares: tuple[Share, ...] = ()
    via: tuple[str, ...] = ()
    reason: str | None = None
    no_route: bool = False
    failed: float = 0.0
    notes: tuple[str, ...] = ()

    def to_json(self) -> list[dict[str, Any]]:
        """The JSON contract: `[{"pod": "ns/name", "service": "ns/name", "share": 0.25}]`."""
        return [{"pod": s.pod, "service": s.service, "share": s.share} for s in self.shares]


@attrs.define
class _Part:
    """Routing so far, built up within one call: shares by (pod, service), failed fraction,
    notes."""

    shares: dict[tuple[str, str], float] = attrs.field(factory=dict)
    failed: float = 0.0
    notes: list[str] = attrs.field(factory=list)


def route(cluster: Cluster, request: Request | Mapping[str, Any] | str) -> Routed:
    """Each backend pod's share of the requests (see the module docstring)."""
    req = Request.of(request)
    target = req.to.strip()
    if "/" in target:
        namespace, _, name = target.partition("/")
        svc = cluster.get("Service", namespace, name)
        if svc is not None:
            return _to_service(cluster, req, svc)
        if cluster.get("Gateway", namespace, name) is not None:
            return _to_gateway(cluster, req, namespace, name)
        return Routed(req, reason=f"no Service or Gateway {target}", no_route=True)
    return _to_host(cluster, req, target)


def _finish(cluster: Cluster, req: Request, part: _Part, via: Sequence[str],
            reason_if_empty: str) -> Routed:
    shares = tuple(Share(pod, service, share, _revision(cluster, pod))
                   for (pod, service), share in sorted(part.shares.items()) if share > 0)
    reason = None if shares else reason_if_empty
    return Routed(req, shares, tuple(via), reason, False, part.failed, tuple(part.notes))


def _revision(cluster: Cluster, pod: str) -> str | None:
    namespace, _, name = pod.partition("/")
    found = cluster.get("Pod", namespace, name)
    if found is None:
        return None
    for label in REVISION_LABELS:
        if label in found.metadata.labels:
            return found.metadata.labels[label]
    return None


# -- to a Service -----------------------------------------------------------------------------


def _to_service(cluster: Cluster, req: Request, svc: Service, external: bool = False
                ) -> Routed:
    namespace, name = svc.metadata.namespace or "", svc.metadata.name or ""
    port = kubeproxy.service_port(svc, req.port)
    if req.port is not None and port is None:
        return Routed(req, reason=f"Service {namespace}/{name} has no port {req.port}",
                      no_route=True)
    if not external:
        services = istio.virtual_services_for_service(cluster, namespace, name)
        if services:
            return _through_istio(cluster, req, services)
        routes = gateway.routes_for_parent(cluster, "Service", namespace, name,
                                           port.port if port is not None else None)
        if routes:
            return _through_gateway(cluster, req, routes, None)
    if svc.spec.type == "ExternalName":
        return Routed(req, reason=f"Service {namespace}/{name} is ExternalName "
                      f"({svc.spec.external_name}): no pods behind it", via=("DNS CNAME",))
    if not svc.spec.cluster_ip or svc.spec.cluster_ip == "None":
        via = [f"headless Service {namespace}/{name}: DNS returns the ready pods' addresses, "
               "the client picks"]
    else:
        shown = f"{svc.spec.cluster_ip}:{port.port}" if port is not None else svc.spec.cluster_ip
        via = [f"kube-proxy: Service {namespace}/{name} ({shown})"]
    endpoints = kubeproxy.service_endpoints(cluster, svc, port)
    if not endpoints:
        return Routed(req, via=tuple(via), failed=1.0,
                      reason=f"Service {namespace}/{name} has no endpoints")
    part = _Part()
    result = kubeproxy.split(cluster, svc, endpoints, req.client_ip, external)
    _add(part, result, f"{namespace}/{name}", 1.0)
    return _finish(cluster, req, part, via, result.note or "no endpoint can serve it")


def _add(part: _Part, result: kubeproxy.Split, service: str, weight: float) -> None:
    for ep, share in result.shares:
        if ep.pod is None:
            continue
        key = (ep.pod, service)
        part.shares[key] = part.shares.get(key, 0.0) + share * weight
    part.failed += result.dropped * weight
    if result.note:
        part.notes.append(f"{service}: {result.note}")


def _backend(cluster: Cluster, part: _Part, namespace: str, name: str, port: int | None,
             weight: float, labels: Mapping[str, str] | None = None) -> None:
    """One weighted backend Service: its part split evenly over its usable endpoints (those
    whose pods carry `labels`, for a subset)."""
    svc = cluster.get("Service", namespace, name)
    if svc is None:
        part.failed += weight
        part.notes.append(f"backend Service {namespace}/{name} does not exist")
        return
    sp = kubeproxy.service_port(svc, port)
    endpoints = kubeproxy.service_endpoints(cluster, svc, sp)
    if labels is not None:
        endpoints = [ep for ep in endpoints if ep.pod and _has_labels(cluster, ep.pod, labels)]
    chosen = kubeproxy.usable(endpoints)
    if not chosen:
        part.failed += weight
        part.notes.append(f"backend {namespace}/{name} has no usable endpoint")
        return
    _add(part, kubeproxy.Split(tuple((ep, 1 / len(chosen)) for ep in chosen)),
         f"{namespace}/{name}", weight)


def _has_labels(cluster: Cluster, pod: str, labels: Mapping[str, str]) -> bool:
    namespace, _, name = pod.partition("/")
    found = cluster.get("Pod", namespace, name)
    return found is not None and all(found.metadata.labels.get(k) == v
                                     for k, v in labels.items())


# -- through Istio and Gateway API ------------------------------------------------------------


def _through_istio(cluster: Cluster, req: Request, services: list[Any]) -> Routed:
    path, query = req.split_path()
    choice = istio.choose_route(services, req.method, path, req.header_map(), query)
    names = ", ".join(f"{vs.metadata.namespace}/{vs.metadata.name}" for vs in services)
    if choice is None:
        return Routed(req, via=(f"Istio VirtualService {names}",), no_route=True,
                      reason=f"no route: no http route of VirtualService {names} matches "
                             f"{req.method} {req.path}")
    part = _Part()
    dests = istio.destinations(choice)
    if dests is None:
        return Routed(req, via=(choice.name,), reason="the route's destination is not a "
                      "Service of the cluster")
    total = sum(d.weight for d in dests)
    for d in dests:
        if total == 0 or d.weight == 0:
            continue
        labels = None
        if d.subset:
            labels = istio.subset_labels(cluster, d.namespace, d.name, d.subset,
                                         choice.vs.metadata.namespace or "default")
            if labels is None:
                part.failed += d.weight / total
                part.notes.append(f"no DestinationRule defines subset {d.subset} of "
                                  f"{d.namespace}/{d.name}")
                continue
        _backend(cluster, part, d.namespace, d.name, d.port, d.weight / total, labels)
    skipped = istio.unapplied(choice)
    if skipped:
        part.notes.append(f"not applied: {', '.join(skipped)}")
    return _finish(cluster, req, part, [choice.name], "no destination can serve it")


def _through_gateway(cluster: Cluster, req: Request, routes: list[Any], host: str | None
                     ) -> Routed:
    path, query = req.split_path()
    match = gateway.choose_rule(routes, req.method, path, req.header_map(), query, host)
    names = ", ".join(f"{r.metadata.namespace}/{r.metadata.name}" for r in routes)
    if match is None:
        return Routed(req, via=(f"HTTPRoute {names}",), no_route=True,
                      reason=f"no route: no rule of HTTPRoute {names} matches "
                             f"{req.method} {req.path}")
    part = _Part()
    refs = gateway.backends(match)
    total = sum(b.weight for b in refs)
    if total == 0:
        return Routed(req, via=(match.name,), reason="every backend of the matched rule "
                      "has weight 0 (or there is none): the gateway answers 500")
    for b in refs:
        if b.weight == 0:
            continue
        if b.kind != "Service":
            part.failed += b.weight / total
            part.notes.append(f"backend {b.kind} {b.namespace}/{b.name} is not a Service")
            continue
        _backend(cluster, part, b.namespace, b.name, b.port, b.weight / total)
    filters = gateway.filters_of(match)
    if filters:
        part.notes.append(f"filters not applied: {', '.join(filters)}")
    return _finish(cluster, req, part, [match.name], "no backend can serve it")


def _to_gateway(cluster: Cluster, req: Request, namespace: str, name: str) -> Routed:
    routes = gateway.routes_for_parent(cluster, "Gateway", namespace, name)
    if not routes:
        return Routed(req, via=(f"Gateway {namespace}/{name}",), no_route=True,
                      reason=f"no route: no accepted HTTPRoute is attached to Gateway "
                             f"{namespace}/{name}")
    return _through_gateway(cluster, req, routes, req.header_map().get("host"))


def _to_host(cluster: Cluster, req: Request, host: str) -> Routed:
    services = istio.virtual_services_for_host(cluster, host)
    if services:
        return _through_istio(cluster, req, services)
    routes = gateway.routes_for_host(cluster, host)
    if routes:
        return _through_gateway(cluster, req, routes, host)
    found = istio.service_of_host(host, "default") if "." in host else None
    if found is not None and (svc := cluster.get("Service", *found)) is not None:
        return _to_service(cluster, req, svc)
    for svc in cluster.list("Service"):
        if host in svc.spec.cluster_ips or host == svc.spec.cluster_ip:
            return _to_service(cluster, req, svc)
        ingress = ((svc.status or {}).get("loadBalancer") or {}).get("ingress") or ()
        if host in svc.spec.external_ips or any(i.get("ip") == host for i in ingress):
            return _to_service(cluster, req, svc, external=True)
    return Routed(req, no_route=True, reason=f"no route: no VirtualService or HTTPRoute lists "
                  f"host {host}, and no Service answers to it")
