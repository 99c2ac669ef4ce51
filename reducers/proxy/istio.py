"""Istio VirtualServices (networking.istio.io): the first http route a request matches, its
weighted destinations, and DestinationRule subsets.

A VirtualService applies to a request addressed to a host it lists in `hosts`: a Service's
short name (relative to the VirtualService's namespace), `name.namespace`,
`name.namespace.svc` or the FQDN `name.namespace.svc.cluster.local`, or any other host
(exactly, or by a `*.` wildcard). Only mesh routes count for traffic between workloads
(`gateways` absent or naming `mesh`); a request to a host counts every VirtualService.

Its `http` routes are tried in order and the first whose `match` holds wins (a route without
`match` matches everything; one `match` entry holds when all its conditions do, any entry
suffices): `uri` exact/prefix/regex (with `ignoreUriCase`), `method`, `headers` and
`withoutHeaders` (names lower-case; exact/prefix/regex values; a `cookie` header is the
request's Cookie header, `k1=v1; k2=v2`), `queryParams`. The route's destinations share the
requests by `weight` (a lone destination takes all); a destination's `host` names a Service,
and its `subset` the DestinationRule subset whose labels its pods must carry.

Models: Istio's networking.istio.io/v1 VirtualService (HTTPRoute, HTTPMatchRequest,
StringMatch, HTTPRouteDestination, Destination) and DestinationRule (Subset), as Envoy routes
them: first match in order, weighted clusters.
Simplifies: no delegate VirtualServices, no rewrites, redirects, retries, faults or mirrors
(noted when present); DestinationRule load balancing is taken as an even spread over the
subset's usable endpoints; `sourceLabels`, `port` and `authority` matches are not evaluated
(a match using them is taken to hold); `exportTo` is ignored.
Covered by: tests/test_route.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster

CLUSTER_DOMAIN = "cluster.local"


def _spec(obj: Any) -> Mapping[str, Any]:
    return obj.extra.get("spec") or {}


def _ns(obj: Any) -> str:
    return obj.metadata.namespace or "default"


def service_of_host(host: str, namespace: str) -> tuple[str, str] | None:
    """The Service a host names, relative to `namespace`: `name`, `name.ns`, `name.ns.svc`,
    `name.ns.svc.cluster.local`; None for any other host."""
    host = host.lower().rstrip(".")
    parts = host.split(".")
    if len(parts) == 1:
        return namespace, parts[0]
    if len(parts) == 2:
        return parts[1], parts[0]
    if len(parts) == 3 and parts[2] == "svc":
        return parts[1], parts[0]
    if host.endswith(f".svc.{CLUSTER_DOMAIN}") and len(parts) == 5:
        return parts[1], parts[0]
    return None


def is_mesh(vs: Any) -> bool:
    gateways = list(_spec(vs).get("gateways") or ())
    return not gateways or "mesh" in gateways


def virtual_services_for_service(cluster: Cluster, namespace: str, name: str) -> list[Any]:
    """Mesh VirtualServices listing the Service among their hosts."""
    return [vs for vs in _ordered(cluster.list("VirtualService")) if is_mesh(vs)
            and any(service_of_host(h, _ns(vs)) == (namespace, name)
                    for h in _spec(vs).get("hosts") or ())]


def host_matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return pattern == host


def virtual_services_for_host(cluster: Cluster, host: str) -> list[Any]:
    return [vs for vs in _ordered(cluster.list("VirtualService"))
            if any(host_matches(h, host) for h in _spec(vs).get("hosts") or ())]


def _ordered(items: Iterable[Any]) -> list[Any]:
    """Istio merges VirtualServices for a host oldest first; ties by namespace/name."""
    return sorted(items, key=lambda vs: (vs.metadata.creation_timestamp or 0, _ns(vs),
                                         vs.metadata.name or ""))


# -- matching ---------------------------------------------------------------------------------


def string_match(spec: Mapping[str, Any], value: str | None, ignore_case: bool = False) -> bool:
    """StringMatch: exact, prefix or regex (RE2, whole string)."""
    if value is None:
        return False
    if ignore_case:
        value = value.lower()
    if "exact" in spec:
        want = spec["exact"].lower() if ignore_case else spec["exact"]
        return value == want
    if "prefix" in spec:
        want = spec["prefix"].lower() if ignore_case else spec["prefix"]
        return value.startswith(want)
    if "regex" in spec:
        return re.fullmatch(spec["regex"], value) is not None
    return True


def match_request(match: Mapping[str, Any], method: str, path: str,
                  headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """One HTTPMatchRequest: every condition it states holds."""
    uri = match.get("uri")
    if uri is not None and not string_match(uri, path, bool(match.get("ignoreUriCase"))):
        return False
    if match.get("method") is not None and not string_match(match["method"], method):
        return False
    for name, spec in (match.get("headers") or {}).items():
        if not string_match(spec, headers.get(name.lower())):
            return False
    for name, spec in (match.get("withoutHeaders") or {}).items():
        got = headers.get(name.lower())
        if got is not None and string_match(spec, got):
            return False
    for name, spec in (match.get("queryParams") or {}).items():
        if not string_match(spec, query.get(name)):
            return False
    return True


@attrs.frozen
class Choice:
    vs: Any
    index: int
    route: Mapping[str, Any]

    @property
    def name(self) -> str:
        label = self.route.get("name")
        where = f"http[{self.index}]" + (f" ({label})" if label else "")
        return f"VirtualService {_ns(self.vs)}/{self.vs.metadata.name} {where}"


def choose_route(services: Iterable[Any], method: str, path: str, headers: Mapping[str, str],
                 query: Mapping[str, str]) -> Choice | None:
    """The first http route, VirtualService by VirtualService, whose match holds."""
    for vs in services:
        for i, route in enumerate(_spec(vs).get("http") or ()):
            matches = list(route.get("match") or ())
            if not matches or any(match_request(m, method, path, headers, query)
                                  for m in matches):
                return Choice(vs, i, route)
    return None


@attrs.frozen
class Destination:
    namespace: str
    name: str
    subset: str | None
    port: int | None
    weight: int


def destinations(choice: Choice) -> list[Destination] | None:
    """The weighted destinations; None when a destination's host is not a Service."""
    routes = list(choice.route.get("route") or ())
    out = []
    for dest in routes:
        target = dest.get("destination") or {}
        found = service_of_host(target.get("host") or "", _ns(choice.vs))
        if found is None:
            return None
        weight = dest.get("weight")
        if len(routes) == 1:
            weight = 100  # Istio: a rule's only destination receives all its traffic
        elif weight is None:
            weight = 0
        port = (target.get("port") or {}).get("number")
        out.append(Destination(found[0], found[1], target.get("subset"), port, int(weight)))
    return out


def subset_labels(cluster: Cluster, namespace: str, name: str, subset: str,
                  vs_namespace: str) -> Mapping[str, str] | None:
    """The labels of a DestinationRule subset for the Service (a rule in the Service's
    namespace first, then the VirtualService's); None when no rule defines it."""
    for ns in dict.fromkeys((namespace, vs_namespace)):
        for dr in _ordered(cluster.list("DestinationRule", ns)):
            if service_of_host(_spec(dr).get("host") or "", _ns(dr)) != (namespace, name):
                continue
            for entry in _spec(dr).get("subsets") or ():
                if entry.get("name") == subset:
                    return entry.get("labels") or {}
    return None


def unapplied(choice: Choice) -> list[str]:
    """What the chosen route carries that kubefold does not apply."""
    return [k for k in ("rewrite", "redirect", "fault", "mirror", "retries", "delegate",
                        "headers", "corsPolicy") if choice.route.get(k)]
