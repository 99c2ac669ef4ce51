"""Flagger's Gateway API router: the HTTPRoute `<apex>` attached to the Canary's gatewayRefs,
whose rule's two backendRefs (primary and canary Services) carry the weights.

A/B tests get two rules: the analysis' header and query matches (merged with the service's
path matches) to primary and canary, then the service's matches to the primary alone. A
gatewayRef of kind Service (with group "" or core) binds the route to that Service for mesh
traffic (GAMMA), which is how `kubefold route --to NS/SERVICE` follows it.

Models: fluxcd/flagger pkg/router/gateway_api.go (Reconcile, GetRoutes, SetRoutes,
getSessionAffinityRouteRules, getBackendByServiceName, mapRouteMatches, makeHTTPRouteTimeouts,
makeBackendRef, mergeMatchConditions, makeFilters, toV1RequestMirrorFilter, toV1CORSFilter,
toV1ParentRefs); `gatewayapi:v1beta1` writes the same object as
gateway.networking.k8s.io/v1beta1 (gateway_api_v1beta1.go differs only in the types).
Simplifies: header and query parameter matches are sorted by name (Go ranges over a map, in
random order); an unsupported match is reported with the match as JSON (Go prints the struct
with %+v). The route carries `kubefold.io/written-by: flagger`, so `kubefold route` counts it
Accepted without a Gateway controller's status.
Covered by: tests/test_flagger_router.py (TestGatewayAPIRouter_*).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import (
    PROGRESSING,
    WAITING,
    WAITING_PROMOTION,
    Canary,
    get_analysis,
    get_service_names,
    parse_go_duration,
    service_of,
)
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary.deployment_controller import controller_ref
from kubefold.reducers.flagger.canary.util import filter_metadata
from kubefold.reducers.flagger.router.istio import (
    COOKIE_HEADER,
    SET_COOKIE_HEADER,
    WRITTEN_BY,
    _rand_seq,
)

GROUP = "gateway.networking.k8s.io"
INITIAL_PRIMARY_WEIGHT = 100
INITIAL_CANARY_WEIGHT = 0

Routed = tuple[Cluster, Canary, str | None]


def _ns(cd: Canary) -> str:
    return cd.metadata.namespace or "default"


def _default_matches() -> list[dict[str, Any]]:
    return [{"path": {"type": "PathPrefix", "value": "/"}}]


def map_route_matches(request_matches: Any) -> list[dict[str, Any]] | str:
    """mapRouteMatches: Istio HTTPMatchRequests as HTTPRouteMatches (path exact, prefix or
    regex; method exact; header and query parameter exact or regex)."""
    matches = []
    for request in request_matches or ():
        request = thaw(request) or {}
        match: dict[str, Any] = {}
        uri = request.get("uri")
        if uri is not None:
            if uri.get("regex"):
                match["path"] = {"type": "RegularExpression", "value": uri["regex"]}
            elif uri.get("exact"):
                match["path"] = {"type": "Exact", "value": uri["exact"]}
            elif uri.get("prefix"):
                match["path"] = {"type": "PathPrefix", "value": uri["prefix"]}
            else:
                return "Gateway API doesn't support the specified path matching selector: " \
                       f"{json.dumps(uri, sort_keys=True)}\n"
        method = request.get("method")
        if method is not None:
            if not method.get("exact"):
                return "Gateway API doesn't support the specified header matching selector: " \
                       f"{json.dumps(request.get('headers'), sort_keys=True)}\n"
            match["method"] = method["exact"]
        for field, kind in (("headers", "header"), ("queryParams", "query")):
            out = []
            for name, value in sorted((request.get(field) or {}).items()):
                if value.get("exact"):
                    out.append({"name": name, "type": "Exact", "value": value["exact"]})
                elif value.get("regex"):
                    out.append({"name": name, "type": "RegularExpression",
                                "value": value["regex"]})
                else:
                    return f"Gateway API doesn't support the specified {kind} matching " \
                           f"selector: {json.dumps(request.get(field), sort_keys=True)}\n"
            if out:
                match[field] = out
        if match:
            matches.append(match)
    return matches


def merge_match_conditions(analysis: list[Any], service: list[Any]) -> list[Any]:
    """mergeMatchConditions: each analysis match crossed with each service match, the
    analysis' headers and query parameters replacing the service's."""
    if not analysis:
        return service
    if not service:
        return analysis
    merged = []
    for a in analysis:
        for s in service:
            item = copy.deepcopy(s)
            if a.get("headers"):
                item["headers"] = copy.deepcopy(a["headers"])
            if a.get("queryParams"):
                item["queryParams"] = copy.deepcopy(a["queryParams"])
            merged.append(item)
    return merged


def make_backend_ref(name: str, weight: int, port: int | None) -> dict[str, Any]:
    """makeBackendRef: a core Service backend with its port and weight."""
    return {"group": "", "kind": "Service", "name": name, "port": port, "weight": weight}


def make_http_route_timeouts(cd: Canary) -> dict[str, Any]:
    service = service_of(cd)
    out = {}
    if service.timeout:
        out["request"] = service.timeout
    if service.backend_timeout:
        out["backendRequest"] = service.backend_timeout
    return out


def _header_filter(ops: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("add", "set"):
        headers = sorted(({"name": k, "value": v} for k, v in (ops.get(key) or {}).items()),
                         key=lambda h: (h["name"], h["value"]))
        if headers:
            out[key] = headers
    if ops.get("remove"):
        out["remove"] = list(ops["remove"])
    return out


def make_filters(cd: Canary) -> list[dict[str, Any]]:
    """makeFilters: request and response header modifiers, a URL rewrite, the service's
    mirrors and a CORS filter, from the Canary's service."""
    service = service_of(cd)
    filters: list[dict[str, Any]] = []
    headers = thaw(service.headers) or {}
    if headers.get("request") is not None:
        filters.append({"type": "RequestHeaderModifier",
                        "requestHeaderModifier": _header_filter(headers["request"])})
    if headers.get("response") is not None:
        filters.append({"type": "ResponseHeaderModifier",
                        "responseHeaderModifier": _header_filter(headers["response"])})
    rewrite = thaw(service.rewrite)
    if rewrite is not None:
        url: dict[str, Any] = {}
        if rewrite.get("authority"):
            url["hostname"] = rewrite["authority"]
        if rewrite.get("uri"):
            kind = "ReplacePrefixMatch" if rewrite.get("type") == "ReplacePrefixMatch" \
                else "ReplaceFullPath"
            path: dict[str, Any] = {"type": kind}
            path["replaceFullPath" if kind == "ReplaceFullPath" else "replacePrefixMatch"] = \
                rewrite["uri"]
            url["path"] = path
        filters.append({"type": "URLRewrite", "urlRewrite": url})
    for mirror in service.mirror:
        mirror = thaw(mirror) or {}
        ref = mirror.get("backendRef") or {}
        filters.append({"type": "RequestMirror", "requestMirror": {"backendRef": {
            k: ref[k] for k in ("group", "kind", "namespace", "name", "port") if k in ref}}})
    cors = thaw(service.cors_policy)
    if cors is not None:
        filters.append({"type": "CORS", "cors": _cors(cors)})
    return filters


def _cors(policy: Mapping[str, Any]) -> dict[str, Any]:
    """toV1CORSFilter (allowOrigins as StringMatches cannot be mapped and are dropped)."""
    out: dict[str, Any] = {}
    for source, target in (("allowOrigin", "allowOrigins"), ("allowMethods", "allowMethods"),
                           ("allowHeaders", "allowHeaders"),
                           ("exposeHeaders", "exposeHeaders")):
        if policy.get(source):
            out[target] = list(policy[source])
    if policy.get("allowCredentials"):
        out["allowCredentials"] = True
    if policy.get("maxAge"):
        with contextlib.suppress(ValueError):
            out["maxAge"] = int(parse_go_duration(policy["maxAge"]))
    return out


def to_v1_parent_refs(refs: Any) -> list[dict[str, Any]]:
    keys = ("group", "kind", "namespace", "name", "sectionName", "port")
    return [{k: ref[k] for k in keys if k in ref} for ref in (thaw(r) for r in refs)]


@attrs.frozen
class GatewayAPIRouter:
    version: str = "v1"
    set_owner_refs: bool = True

    @property
    def api_version(self) -> str:
        return f"{GROUP}/{self.version}"

    def _rule(self, cd: Canary, matches: list[Any], backends: list[dict[str, Any]]
              ) -> dict[str, Any]:
        rule: dict[str, Any] = {"matches": copy.deepcopy(matches)}
        filters = make_filters(cd)
        if filters:
            rule["filters"] = filters
        rule["backendRefs"] = backends
        service = service_of(cd)
        if service.timeout or service.backend_timeout:
            rule["timeouts"] = make_http_route_timeouts(cd)
        return rule

    def _matches(self, cd: Canary) -> list[Any] | str:
        matches = map_route_matches(service_of(cd).match)
        if isinstance(matches, str):
            return f"Invalid request matching selectors: {matches}"
        return matches or _default_matches()

    def desired_spec(self, cd: Canary, primary_weight: int, canary_weight: int,
                     ab_primary_weight: int = INITIAL_PRIMARY_WEIGHT
                     ) -> dict[str, Any] | str:
        _, primary, canary = get_service_names(cd)
        port = service_of(cd).port
        matches = self._matches(cd)
        if isinstance(matches, str):
            return matches
        spec: dict[str, Any] = {"parentRefs": to_v1_parent_refs(service_of(cd).gateway_refs)}
        if service_of(cd).hosts:
            spec["hostnames"] = list(service_of(cd).hosts)
        spec["rules"] = [self._rule(cd, matches, [
            make_backend_ref(primary, primary_weight, port),
            make_backend_ref(canary, canary_weight, port)])]
        return spec

    def _ab(self, cd: Canary, spec: dict[str, Any], matches: list[Any]) -> None:
        """The A/B rules: the analysis' matches on the first rule, the rest to the primary."""
        _, primary, _ = get_service_names(cd)
        analysis = map_route_matches(get_analysis(cd).match)
        analysis = [] if isinstance(analysis, str) else analysis
        spec["rules"][0]["matches"] = merge_match_conditions(analysis, matches)
        spec["rules"] = spec["rules"][:1] + [self._rule(cd, matches, [make_backend_ref(
            primary, INITIAL_PRIMARY_WEIGHT, service_of(cd).port)])]

    def reconcile(self, cluster: Cluster, cd: Canary) -> tuple[Cluster, str | None]:
        """Reconcile: create the HTTPRoute, or rewrite it when anything but the weights
        differs."""
        if not service_of(cd).gateway_refs:
            return cluster, "GatewayRefs must be specified when using Gateway API as a provider."
        apex, _, _ = get_service_names(cd)
        namespace = _ns(cd)
        spec = self.desired_spec(cd, INITIAL_PRIMARY_WEIGHT, INITIAL_CANARY_WEIGHT)
        if isinstance(spec, str):
            return cluster, spec
        if get_analysis(cd).match:
            matches = self._matches(cd)
            assert not isinstance(matches, str)
            self._ab(cd, spec, matches)
        custom = thaw(service_of(cd).apex) or {}
        labels = dict(custom.get("labels") or {})
        annotations = {**filter_metadata(custom.get("annotations")), WRITTEN_BY: "flagger"}
        existing = cluster.get("HTTPRoute", namespace, apex)
        if existing is None:
            meta: dict[str, Any] = {"name": apex, "namespace": namespace, "labels": labels,
                                    "annotations": annotations}
            if self.set_owner_refs:
                meta["ownerReferences"] = [controller_ref(cd)]
            written = apiserver.create(cluster, {"apiVersion": self.api_version,
                                                 "kind": "HTTPRoute", "metadata": meta,
                                                 "spec": spec})
            if isinstance(written, Status):
                return cluster, f"HTTPRoute {apex}.{namespace} create error: {written.message}"
            return written.cluster, None
        merged = {**annotations}
        for key, value in existing.metadata.annotations.items():
            merged.setdefault(key, value)
        current = thaw(existing.extra.get("spec")) or {}
        spec_diff = _comparable(cd, current) != _comparable(cd, spec)
        if not (spec_diff or labels != dict(existing.metadata.labels)
                or merged != dict(existing.metadata.annotations)):
            return cluster, None
        clone = encode(existing)
        clone["spec"] = spec
        clone["metadata"]["annotations"] = merged
        clone["metadata"]["labels"] = labels
        clone["metadata"].pop("resourceVersion", None)
        written = apiserver.update(cluster, clone)
        if isinstance(written, Status):
            return cluster, f"HTTPRoute {apex}.{namespace} update error: {written.message} " \
                            "while reconciling"
        return written.cluster, None

    def get_routes(self, cluster: Cluster, cd: Canary) -> tuple[int, int, bool, str | None]:
        """GetRoutes: the weights of the rule with two backends (the weighted rule with
        session affinity); an error while a parent has not accepted the current
        generation."""
        apex, primary, canary = get_service_names(cd)
        namespace = _ns(cd)
        route = cluster.get("HTTPRoute", namespace, apex)
        if route is None:
            return 0, 0, False, f"HTTPRoute {apex}.{namespace} get error: " \
                                f'httproutes.{GROUP} "{apex}" not found'
        spec = thaw(route.extra.get("spec")) or {}
        generation = route.metadata.generation or 0
        parents = (thaw(route.extra.get("status")) or {}).get("parents") or ()
        for ref in spec.get("parentRefs") or ():
            for parent in parents:
                if parent.get("parentRef") != ref:
                    continue
                for cond in parent.get("conditions") or ():
                    if cond.get("type") == "Accepted" and (
                            cond.get("status") != "True"
                            or (cond.get("observedGeneration") or 0) < generation):
                        return 0, 0, False, (
                            f"HTTPRoute {apex}.{namespace} parent {ref.get('name')} is not "
                            f"ready (status: {cond.get('status')}, observed generation: "
                            f"{cond.get('observedGeneration') or 0}, current generation: "
                            f"{generation})")
        primary_weight = canary_weight = 0
        mirrored = False
        weighted = None
        for rule in spec.get("rules") or ():
            backends = rule.get("backendRefs") or []
            if get_analysis(cd).session_affinity is not None and any(
                    b.get("filters") for b in backends):
                weighted = rule
            if len(backends) == 2:
                for b in backends:
                    if b.get("name") == primary:
                        primary_weight = b.get("weight") or 0
                    if b.get("name") == canary:
                        canary_weight = b.get("weight") or 0
            for f in rule.get("filters") or ():
                mirror = (f.get("requestMirror") or {}).get("backendRef") or {}
                if f.get("type") == "RequestMirror" and mirror.get("name") == canary:
                    mirrored = True
        if weighted is not None:
            for b in weighted.get("backendRefs") or ():
                if b.get("name") == primary:
                    primary_weight = b.get("weight") or 0
                if b.get("name") == canary:
                    canary_weight = b.get("weight") or 0
        return primary_weight, canary_weight, mirrored, None

    def set_routes(self, cluster: Cluster, cd: Canary, primary_weight: int,
                   canary_weight: int, mirrored: bool) -> Routed:
        """SetRoutes: the weighted rule (with a mirror filter for a mirrored Blue/Green), the
        session affinity rules, the A/B rules."""
        apex, _, canary = get_service_names(cd)
        namespace = _ns(cd)
        route = cluster.get("HTTPRoute", namespace, apex)
        if route is None:
            return cluster, cd, f"HTTPRoute {apex}.{namespace} get error: " \
                                f'httproutes.{GROUP} "{apex}" not found'
        matches = self._matches(cd)
        if isinstance(matches, str):
            return cluster, cd, matches
        spec = self.desired_spec(cd, primary_weight, canary_weight)
        assert not isinstance(spec, str)
        weighted = spec["rules"][0]
        if mirrored and (get_analysis(cd).iterations or 0) > 0:
            weighted.setdefault("filters", []).append({
                "type": "RequestMirror", "requestMirror": {"backendRef": {
                    "group": "", "kind": "Service", "name": canary,
                    "port": service_of(cd).port}}})
        if get_analysis(cd).session_affinity is not None:
            rules = self.session_affinity_route_rules(cluster, cd, canary_weight, weighted)
            if isinstance(rules, str):
                return cluster, cd, rules
            cd, spec["rules"] = rules
        if get_analysis(cd).match:
            self._ab(cd, spec, matches)
        clone = encode(route)
        clone["spec"] = spec
        clone["metadata"].pop("resourceVersion", None)
        written = apiserver.update(cluster, clone)
        if isinstance(written, Status):
            return cluster, cd, f"HTTPRoute {apex}.{namespace} update error: " \
                                f"{written.message} while setting weights"
        return written.cluster, cd, None

    def session_affinity_route_rules(self, cluster: Cluster, cd: Canary, canary_weight: int,
                                     weighted: dict[str, Any]
                                     ) -> tuple[Canary, list[Any]] | str:
        """getSessionAffinityRouteRules, as the Istio router's, with backend filters."""
        affinity = get_analysis(cd).session_affinity
        assert affinity is not None
        _, primary, canary = get_service_names(cd)
        port = service_of(cd).port
        status = cd.status
        sticky_canary = copy.deepcopy(weighted)
        sticky_primary = copy.deepcopy(weighted)
        svc_matches = map_route_matches(service_of(cd).match)
        if isinstance(svc_matches, str):
            return svc_matches
        if canary_weight != 0:
            if not status.session_affinity_cookie:
                status = attrs.evolve(status, session_affinity_cookie=(
                    f"{affinity.cookie_name}={_rand_seq(cluster, cd, 'canary')}"))
            if not status.primary_session_affinity_cookie:
                status = attrs.evolve(status, primary_session_affinity_cookie=(
                    f"{affinity.primary_cookie_name or ''}="
                    f"{_rand_seq(cluster, cd, 'primary')}"))
            cd = attrs.evolve(cd, status=status)
            _backend(weighted, canary).setdefault("filters", []).append(_set_cookie(
                affinity.build_cookie(status.session_affinity_cookie or "",
                                      affinity.get_max_age())))
            if affinity.primary_cookie_name:
                try:
                    interval = int(parse_go_duration(get_analysis(cd).interval or ""))
                except ValueError as exc:
                    return f"failed to parse canary interval: {exc}"
                _backend(weighted, primary).setdefault("filters", []).append(_set_cookie(
                    affinity.build_cookie(status.primary_session_affinity_cookie or "",
                                          interval)))
            sticky_canary["matches"] = merge_match_conditions(
                [_cookie_match(status.session_affinity_cookie or "")], svc_matches)
            sticky_canary["backendRefs"] = [make_backend_ref(primary, 0, port),
                                            make_backend_ref(canary, 100, port)]
            if affinity.primary_cookie_name:
                sticky_primary["matches"] = merge_match_conditions(
                    [_cookie_match(status.primary_session_affinity_cookie or "")],
                    svc_matches)
                sticky_primary["backendRefs"] = [make_backend_ref(primary, 100, port),
                                                 make_backend_ref(canary, 0, port)]
                return cd, [sticky_canary, sticky_primary, weighted]
            return cd, [sticky_canary, weighted]
        if status.session_affinity_cookie:
            status = attrs.evolve(status, previous_session_affinity_cookie=(
                status.session_affinity_cookie))
        previous = status.previous_session_affinity_cookie
        if previous:
            sticky_canary["matches"] = merge_match_conditions([_cookie_match(previous)],
                                                              svc_matches)
            sticky_canary.setdefault("filters", []).append(
                _set_cookie(f"{previous}; Max-Age=-1"))
        status = attrs.evolve(status, session_affinity_cookie=None)
        return attrs.evolve(cd, status=status), [sticky_canary, weighted]


def _backend(rule: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in rule["backendRefs"] if b["name"] == name)
    return found


def _set_cookie(value: str) -> dict[str, Any]:
    return {"type": "ResponseHeaderModifier", "responseHeaderModifier": {
        "add": [{"name": SET_COOKIE_HEADER, "value": value}]}}


def _cookie_match(cookie: str) -> dict[str, Any]:
    parts = cookie.split("=")
    key, value = parts[0], parts[1] if len(parts) > 1 else ""
    return {"headers": [{"type": "RegularExpression", "name": COOKIE_HEADER,
                         "value": f".*{key}.*{value}.*"}]}


def _comparable(cd: Canary, given: Mapping[str, Any]) -> Any:
    """The spec as Reconcile compares it: backendRefs without weights, empty lists as absent;
    with session affinity, without the cookie rules and backend filters; with mirroring
    during an analysis, without rule filters."""
    spec: dict[str, Any] = copy.deepcopy(dict(given))
    affinity = get_analysis(cd).session_affinity
    names = [n for n in ((affinity.cookie_name, affinity.primary_cookie_name)
                         if affinity is not None else ()) if n]
    in_progress = get_analysis(cd).mirror and cd.status.phase in (
        WAITING, PROGRESSING, WAITING_PROMOTION)
    rules = []
    for rule in spec.get("rules") or ():
        if affinity is not None and any(
                h.get("type") == "RegularExpression" and h.get("name") == COOKIE_HEADER
                and name in (h.get("value") or "")
                for m in rule.get("matches") or () for h in m.get("headers") or ()
                for name in names):
            continue
        for b in rule.get("backendRefs") or ():
            b.pop("weight", None)
            if affinity is not None:
                b.pop("filters", None)
        if in_progress:
            rule.pop("filters", None)
        rules.append({k: v for k, v in rule.items() if v not in ([], {}, None)})
    spec["rules"] = rules
    return {k: v for k, v in spec.items() if v not in ([], {}, None)}
