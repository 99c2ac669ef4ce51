"""kube-proxy's view of a Service: which endpoints take its traffic, and in what shares.

For a Service port, the endpoints are those of the Service's EndpointSlices (label
`kubernetes.io/service-name`) that serve a port of that name, of the Service's primary IP
family, one per address. kube-proxy uses the ready ones; only when no endpoint anywhere is
ready does it fall back to endpoints that are serving and terminating
(ProxyTerminatingEndpoints, GA). With a traffic policy `Local` (internalTrafficPolicy for
traffic to the ClusterIP from inside the cluster, externalTrafficPolicy for traffic that
arrives from outside) only the endpoints on the node the traffic arrives at are used, the same
fallback applying among them. Each usable endpoint gets an equal share (iptables mode's
`--probability 1/n, 1/(n-1), ...` chain, IPVS round robin and nftables' numgen all come to
that). `sessionAffinity: ClientIP` sends one client address to one endpoint for the timeout:
which one is kubefold's deterministic choice among the usable endpoints, drawn from the
cluster's seed, the Service and the address.

Models (v1.34): pkg/proxy/topology.go (CategorizeEndpoints), pkg/proxy/endpointslicecache.go
(the endpoints of a service port from its slices, ready/serving/terminating with nil read as
Kubernetes reads it), pkg/proxy/endpoint.go (BaseEndpointInfo), pkg/proxy/servicechangetracker
(service ports by name), the iptables proxier's load-balancing chain.
Simplifies:
- Topology-aware routing (hints, trafficDistribution) is not applied: the EndpointSlice
  controller writes no hints.
- When the node a Local-policy request arrives at is unknown (no client address, or one that
  is neither a pod's nor a node's), traffic is taken to arrive at every node alike (internal)
  or at every node the load balancer's health check passes, i.e. every node with a usable
  local endpoint (external); traffic that reaches a node with no local endpoint is dropped.
- A Service with a selector but no EndpointSlices at all (a hand-written snapshot) is
  answered from its pods as the EndpointSlice controller would list them.
- Endpoints without a targetRef (hand-made slices) are not reported (the answer names pods).
Covered by: tests/test_route.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.labels import selector_from_set
from kubefold.core.networking import parse_ip
from kubefold.core.objects import Service, ServicePort
from kubefold.reducers.controllers.endpointslice.utils import (
    LABEL_SERVICE_NAME,
    get_endpoint_ports,
    pod_to_endpoint,
    should_pod_be_in_endpoints,
)


@attrs.frozen
class EndpointInfo:
    """BaseEndpointInfo: an address, where it runs and whether it may take traffic."""

    ip: str
    pod: str | None  # "namespace/name"
    node: str | None
    ready: bool
    serving: bool
    terminating: bool


def service_port(svc: Service, port: int | str | None) -> ServicePort | None:
    """The Service port a request names (by number or name); the only one, or the first,
    when it names none."""
    ports = list(svc.spec.ports)
    if port is None:
        return ports[0] if ports else None
    for sp in ports:
        if sp.port == port or (isinstance(port, str) and sp.name == port) or \
                (isinstance(port, str) and port.isdigit() and sp.port == int(port)):
            return sp
    return None


def primary_family(svc: Service) -> str:
    if svc.spec.ip_families:
        return svc.spec.ip_families[0]
    parsed = parse_ip(svc.spec.cluster_ip or "")
    return "IPv6" if parsed is not None and parsed.version == 6 else "IPv4"


def service_endpoints(cluster: Cluster, svc: Service, port: ServicePort | None
                      ) -> list[EndpointInfo]:
    """The endpoints of one service port, from the EndpointSlices (or, when the Service has
    a selector and no slice at all, from its pods)."""
    namespace, name = svc.metadata.namespace or "", svc.metadata.name or ""
    port_name = (port.name or "") if port is not None else ""
    family = primary_family(svc)
    slices = sorted(cluster.select("EndpointSlice", namespace,
                                   selector_from_set({LABEL_SERVICE_NAME: name})),
                    key=lambda es: es.metadata.name or "")
    if not slices and svc.spec.selector:
        return _endpoints_from_pods(cluster, svc, port_name, family)
    seen: set[str] = set()
    out: list[EndpointInfo] = []
    for es in slices:
        if es.address_type != family:
            continue
        if port is not None and not any((p.name or "") == port_name for p in es.ports):
            continue
        for ep in es.endpoints:
            if not ep.addresses or ep.addresses[0] in seen:
                continue
            seen.add(ep.addresses[0])
            ready = ep.conditions.ready is None or ep.conditions.ready
            serving = ready if ep.conditions.serving is None else ep.conditions.serving
            ref = ep.target_ref
            pod = f"{ref.namespace or namespace}/{ref.name}" if ref is not None and \
                ref.kind == "Pod" and ref.name else None
            out.append(EndpointInfo(ep.addresses[0], pod, ep.node_name, bool(ready),
                                    bool(serving), bool(ep.conditions.terminating)))
    return out


def _endpoints_from_pods(cluster: Cluster, svc: Service, port_name: str, family: str
                         ) -> list[EndpointInfo]:
    out = []
    pods = cluster.select("Pod", svc.metadata.namespace, selector_from_set(svc.spec.selector))
    for pod in pods:
        if not should_pod_be_in_endpoints(pod, True):
            continue
        if svc.spec.ports and not any((p.name or "") == port_name
                                      for p in get_endpoint_ports(svc, pod)):
            continue
        node = cluster.get("Node", "", pod.spec.node_name or "")
        ep = pod_to_endpoint(pod, node, svc, family)
        if not ep.addresses:
            continue
        out.append(EndpointInfo(ep.addresses[0], f"{pod.metadata.namespace}/{pod.metadata.name}",
                                ep.node_name, bool(ep.conditions.ready),
                                bool(ep.conditions.serving), bool(ep.conditions.terminating)))
    return out


def usable(endpoints: Iterable[EndpointInfo]) -> list[EndpointInfo]:
    """CategorizeEndpoints for one set: the ready endpoints, else the serving terminating
    ones."""
    endpoints = list(endpoints)
    ready = [ep for ep in endpoints if ep.ready]
    if ready:
        return ready
    return [ep for ep in endpoints if ep.serving and ep.terminating]


def node_of_client(cluster: Cluster, client_ip: str | None) -> str | None:
    """The node a client address sits on: a pod's IP, or a node's address."""
    if not client_ip:
        return None
    for node, ips in cluster.pod_ips.items():
        if client_ip in ips:
            return node
    for node in cluster.list("Node"):
        for address in node.status.addresses:
            if hasattr(address, "get") and address.get("address") == client_ip:
                return node.metadata.name
    return None


def affinity_choice(cluster: Cluster, svc: Service, client_ip: str, count: int) -> int:
    """Which of `count` usable endpoints a client address is pinned to (ClientIP affinity)."""
    text = f"{cluster.seed}/{svc.metadata.namespace}/{svc.metadata.name}/{client_ip}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % count


@attrs.frozen
class Split:
    """A Service's answer: each endpoint's share of the requests, and what was dropped."""

    shares: tuple[tuple[EndpointInfo, float], ...]
    dropped: float = 0.0
    note: str | None = None


def split(cluster: Cluster, svc: Service, endpoints: list[EndpointInfo],
          client_ip: str | None, external: bool) -> Split:
    """The shares of one service port's traffic over its endpoints, as kube-proxy sends it."""
    policy = (svc.spec.external_traffic_policy if external
              else svc.spec.internal_traffic_policy) or "Cluster"
    if policy != "Local":
        chosen = usable(endpoints)
        if not chosen:
            return Split((), 1.0, "no endpoint is ready (nor serving while terminating)")
        return _spread(cluster, svc, chosen, client_ip, 1.0)
    kind = "externalTrafficPolicy" if external else "internalTrafficPolicy"
    node = node_of_client(cluster, client_ip)
    if node is not None:
        local = usable(ep for ep in endpoints if ep.node == node)
        if not local:
            return Split((), 1.0, f"{kind} Local: no usable endpoint on node {node}")
        return _spread(cluster, svc, local, client_ip, 1.0)
    by_node: dict[str, list[EndpointInfo]] = {}
    for ep in endpoints:
        if ep.node:
            by_node.setdefault(ep.node, []).append(ep)
    receiving = [n for n in sorted(by_node) if usable(by_node[n])] if external else \
        list(cluster.node_names())
    if not receiving:
        return Split((), 1.0, f"{kind} Local: no node has a usable endpoint")
    shares: list[tuple[EndpointInfo, float]] = []
    dropped = 0.0
    for n in receiving:
        local = usable(by_node.get(n, ()))
        if not local:
            dropped += 1 / len(receiving)
            continue
        shares += _spread(cluster, svc, local, client_ip, 1 / len(receiving)).shares
    note = (f"{kind} Local, client node unknown: traffic taken to arrive at "
            f"{'every node with a local endpoint' if external else 'every node'} alike")
    return Split(tuple(shares), dropped, note)


def _spread(cluster: Cluster, svc: Service, chosen: list[EndpointInfo], client_ip: str | None,
            weight: float) -> Split:
    if svc.spec.session_affinity == "ClientIP" and client_ip:
        pick = sorted(chosen, key=lambda ep: ep.ip)[affinity_choice(cluster, svc, client_ip,
                                                                    len(chosen))]
        return Split(((pick, weight),), 0.0, f"sessionAffinity ClientIP: {client_ip} is "
                     "pinned to one endpoint")
    return Split(tuple((ep, weight / len(chosen)) for ep in chosen))
