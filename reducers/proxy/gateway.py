"""Gateway API HTTPRoutes (gateway.networking.k8s.io/v1): which rule a request matches, and
the weighted backends it goes to.

Routes apply to a request when they are attached to what it is addressed to: a Gateway
(`parentRefs` of kind Gateway), a Service (GAMMA's mesh binding: a parentRef of kind Service,
its `port` if set being the Service port), or a host the route lists in `hostnames` (exactly,
or by a `*.` wildcard). kubefold runs no Gateway controller: a route counts for a parent only
when its `status.parents` says Accepted for that parent, or when a controller kubefold runs
wrote it (annotation `kubefold.io/written-by`, which such controllers set on what they write).

Within the applicable routes, a request matches a rule when one of the rule's matches holds in
every part it states: path (Exact, PathPrefix by whole segments with a trailing `/` ignored,
RegularExpression over the whole path), method, headers (names case-insensitive; Exact or
RegularExpression values), query parameters (names case-sensitive). A rule with no matches
matches every request, as `PathPrefix /`. When several matches hold, the spec's precedence
picks one: the most specific hostname; then an Exact path; then the longest path; then a
method match; then more header matches; then more query parameter matches; then the oldest
route; then the route first by `namespace/name`; then the first rule in the route.

The matched rule's backendRefs share the requests by `weight` (default 1); a weight of 0 takes
none; a backend that cannot serve (not a Service, missing, no usable endpoint) fails its share
of requests (HTTP 500) rather than passing it on.

Models: Gateway API v1.x, HTTPRoute spec (HTTPRouteMatch, HTTPPathMatch, HTTPHeaderMatch,
HTTPQueryParamMatch, HTTPBackendRef) and its documented precedence rules; GAMMA (GEP-1426)
Service parentRefs; the conformance tests httproute-matching*, httproute-exact-path-matching,
httproute-header-matching, httproute-method-matching, httproute-query-param-matching,
httproute-path-match-order, httproute-weight.
Simplifies: filters (header modifiers, redirects, rewrites, mirrors) are not applied; the
result notes the filters a matched rule carries. ReferenceGrants are not checked for
cross-namespace backends; Gateway listeners (ports, allowedRoutes, listener hostnames) are
not consulted; regular expressions are Python's.
Covered by: tests/test_route.py (the conformance cases) and tests/test_properties_route.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kubefold.core import networking
from kubefold.core.cluster import Cluster

WRITTEN_BY = networking.WRITTEN_BY
GATEWAY_GROUP = "gateway.networking.k8s.io"


def _spec(route: Any) -> Mapping[str, Any]:
    return route.extra.get("spec") or {}


def _ns(route: Any) -> str:
    return route.metadata.namespace or "default"


@attrs.frozen
class Parent:
    """A normalised parentRef."""

    kind: str
    namespace: str
    name: str
    port: int | None = None


def parent_refs(route: Any) -> list[Parent]:
    out = []
    for ref in _spec(route).get("parentRefs") or ():
        kind = ref.get("kind") or "Gateway"
        group = ref.get("group")
        if group is None:
            group = GATEWAY_GROUP if kind == "Gateway" else ""
        if kind == "Service" and group not in ("", "core"):
            continue
        out.append(Parent(kind, ref.get("namespace") or _ns(route), ref.get("name") or "",
                          ref.get("port")))
    return out


def accepted(route: Any, parent: Parent) -> bool:
    """The route's status reports Accepted for this parent, or a kubefold controller wrote
    the route."""
    if route.metadata.annotations.get(WRITTEN_BY):
        return True
    status = route.extra.get("status") or {}
    for entry in status.get("parents") or ():
        ref = entry.get("parentRef") or {}
        kind = ref.get("kind") or "Gateway"
        if kind != parent.kind or (ref.get("name") or "") != parent.name or \
                (ref.get("namespace") or _ns(route)) != parent.namespace:
            continue
        if any(c.get("type") == "Accepted" and c.get("status") == "True"
               for c in entry.get("conditions") or ()):
            return True
    return False


def routes_for_parent(cluster: Cluster, kind: str, namespace: str, name: str,
                      port: int | None = None) -> list[Any]:
    """HTTPRoutes attached to a Gateway or (mesh) a Service, and accepted there."""
    out = []
    for route in cluster.list("HTTPRoute"):
        for parent in parent_refs(route):
            if (parent.kind, parent.namespace, parent.name) != (kind, namespace, name):
                continue
            if kind == "Service" and parent.port is not None and port is not None and \
                    parent.port != port:
                continue
            if accepted(route, parent):
                out.append(route)
                break
    return out


def hostname_specificity(pattern: str, host: str) -> tuple[int, int] | None:
    """How well a listed hostname matches a host: (0, -len) for an exact match, (1, -len)
    for a wildcard; None when it does not match."""
    host = host.lower().rstrip(".")
    pattern = pattern.lower().rstrip(".")
    if pattern == host:
        return (0, -len(pattern))
    if pattern.startswith("*.") and host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
        return (1, -len(pattern))
    return None


def best_hostname(route: Any, host: str | None) -> tuple[int, int] | None:
    """The best (most specific) match of the route's hostnames for the host; a route that
    lists none matches any host, least specifically."""
    names = list(_spec(route).get("hostnames") or ())
    if host is None:
        return (2, 0)
    if not names:
        return (2, 0)
    found = [s for n in names if (s := hostname_specificity(n, host)) is not None]
    return min(found) if found else None


def routes_for_host(cluster: Cluster, host: str) -> list[Any]:
    """Accepted HTTPRoutes that list the host (exactly or by wildcard)."""
    out = []
    for route in cluster.list("HTTPRoute"):
        names = list(_spec(route).get("hostnames") or ())
        if not any(hostname_specificity(n, host) for n in names):
            continue
        if any(accepted(route, p) for p in parent_refs(route)):
            out.append(route)
    return out


# -- matching ---------------------------------------------------------------------------------


@attrs.frozen
class Match:
    """The chosen rule: the route, the rule's index and the rule itself."""

    route: Any
    rule_index: int
    rule: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"HTTPRoute {_ns(self.route)}/{self.route.metadata.name} rule {self.rule_index}"


def path_matches(match: Mapping[str, Any], path: str) -> bool:
    spec = match.get("path") or {"type": "PathPrefix", "value": "/"}
    kind = spec.get("type") or "PathPrefix"
    value = spec.get("value") or "/"
    if kind == "Exact":
        return path == value
    if kind == "RegularExpression":
        return re.fullmatch(value, path) is not None
    prefix = value.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def headers_match(match: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    for header in match.get("headers") or ():
        got = headers.get((header.get("name") or "").lower())
        if got is None:
            return False
        if (header.get("type") or "Exact") == "RegularExpression":
            if re.search(header.get("value") or "", got) is None:
                return False
        elif got != header.get("value"):
            return False
    return True


def query_matches(match: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    for param in match.get("queryParams") or ():
        got = query.get(param.get("name") or "")
        if got is None:
            return False
        if (param.get("type") or "Exact") == "RegularExpression":
            if re.search(param.get("value") or "", got) is None:
                return False
        elif got != param.get("value"):
            return False
    return True


def match_holds(match: Mapping[str, Any], method: str, path: str,
                headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    if match.get("method") and match.get("method") != method:
        return False
    return path_matches(match, path) and headers_match(match, headers) and \
        query_matches(match, query)


def precedence(match: Mapping[str, Any]) -> tuple[int, int, int, int, int]:
    """The spec's order between matches of different rules: Exact path, longest path, a
    method, most headers, most query parameters (smaller sorts first)."""
    spec = match.get("path") or {"type": "PathPrefix", "value": "/"}
    kind = spec.get("type") or "PathPrefix"
    value = spec.get("value") or "/"
    return ({"Exact": 0, "PathPrefix": 1}.get(kind, 2), -len(value),
            0 if match.get("method") else 1, -len(match.get("headers") or ()),
            -len(match.get("queryParams") or ()))


def choose_rule(routes: Iterable[Any], method: str, path: str, headers: Mapping[str, str],
                query: Mapping[str, str], host: str | None) -> Match | None:
    """The rule whose best match wins by precedence among all matches that hold."""
    best: tuple[Any, ...] | None = None
    chosen: Match | None = None
    for route in routes:
        hostname = best_hostname(route, host)
        if hostname is None:
            continue
        created = route.metadata.creation_timestamp or 0
        ident = f"{_ns(route)}/{route.metadata.name}"
        for i, rule in enumerate(_spec(route).get("rules") or ()):
            matches = list(rule.get("matches") or ()) or [{}]
            for j, match in enumerate(matches):
                if not match_holds(match, method, path, headers, query):
                    continue
                key = (hostname, precedence(match), created, ident, i, j)
                if best is None or key < best:
                    best, chosen = key, Match(route, i, rule)
    return chosen


@attrs.frozen
class Backend:
    """One weighted backend of a matched rule."""

    kind: str
    namespace: str
    name: str
    port: int | None
    weight: int


def backends(match: Match) -> list[Backend]:
    out = []
    for ref in match.rule.get("backendRefs") or ():
        kind = ref.get("kind") or "Service"
        group = ref.get("group") or ""
        out.append(Backend(kind if group in ("", "core") else f"{kind}.{group}",
                           ref.get("namespace") or _ns(match.route), ref.get("name") or "",
                           ref.get("port"), 1 if ref.get("weight") is None
                           else int(ref.get("weight"))))
    return out


def filters_of(match: Match) -> list[str]:
    """The filter types a matched rule carries (and its backends), which are not applied."""
    kinds = [f.get("type") or "?" for f in match.rule.get("filters") or ()]
    for ref in match.rule.get("backendRefs") or ():
        kinds += [f.get("type") or "?" for f in ref.get("filters") or ()]
    return kinds
