"""Flagger's Istio router: the DestinationRules `<apex>-canary` and `<apex>-primary` and the
VirtualService `<apex>` whose routes carry the canary's weight.

Progressive canaries get one http route (the service's `match`) with two destinations,
primary and canary, weighted; A/B tests (analysis.match) get two: first the analysis' header
and cookie conditions (merged with the service's URI matches) routed to primary and canary as
the scheduler sets them (0/100 during the A/B iterations), then everything else to the primary
alone. Session affinity adds a route that sends the holders of the canary's cookie to the
canary (and, with primaryCookieName, one for the primary's). Mirroring sets the route's
`mirror` to the canary Service.

Models: fluxcd/flagger pkg/router/istio.go (Reconcile, reconcileDestinationRule, isTcp,
canaryToL4Match, reconcileVirtualService, GetRoutes, SetRoutes, mergeMatchConditions,
makeDestination, getSessionAffinityRouteRules, getRouteByServiceName) and router.go's
annotation names; objects written with networking.istio.io/v1beta1 as Flagger's client does.
Simplifies: Finalize (revertOnDeletion) is not modelled; the original-configuration
annotation holds the old spec's JSON with sorted keys (Go marshals in struct order); a session
cookie's random value is drawn from the cluster's seeded bits. The objects carry
`kubefold.io/written-by: flagger`, the mark `kubefold route` takes for an accepted route.
Covered by: tests/test_flagger_router.py (TestIstioRouter_*).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import (
    Canary,
    get_analysis,
    get_service_names,
    parse_go_duration,
    service_of,
)
from kubefold.core.networking import WRITTEN_BY
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary.deployment_controller import controller_ref
from kubefold.reducers.flagger.canary.util import filter_metadata

API_VERSION = "networking.istio.io/v1beta1"
COOKIE_HEADER = "Cookie"
SET_COOKIE_HEADER = "Set-Cookie"
CONFIG_ANNOTATION = "flagger.kubernetes.io/original-configuration"
KUBECTL_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

Routed = tuple[Cluster, Canary, str | None]


def _ns(cd: Canary) -> str:
    return cd.metadata.namespace or "default"


def is_tcp(cd: Canary) -> bool:
    """isTcp: the service's appProtocol is tcp."""
    return (service_of(cd).app_protocol or "").lower() == "tcp"


def canary_to_l4_match(cd: Canary) -> list[dict[str, Any]]:
    """canaryToL4Match: the service matches' ports."""
    return [{"port": int((thaw(m) or {}).get("port") or 0)} if (thaw(m) or {}).get("port")
            else {} for m in service_of(cd).match]


def merge_match_conditions(canary: list[Any], defaults: list[Any]) -> list[Any]:
    """mergeMatchConditions: each canary condition crossed with each default one, the canary's
    headers and sourceLabels replacing the default's."""
    if not defaults:
        return canary
    merged = []
    for c in canary:
        for d in defaults:
            item = copy.deepcopy(d)
            if c.get("headers") is not None:
                item["headers"] = copy.deepcopy(c["headers"])
            if c.get("sourceLabels") is not None:
                item["sourceLabels"] = copy.deepcopy(c["sourceLabels"])
            merged.append(item)
    return merged


def make_destination(cd: Canary, host: str, weight: int) -> dict[str, Any]:
    """makeDestination: the Service host and weight; with port discovery behind a gateway
    other than the mesh (or delegation), the service port too."""
    service = service_of(cd)
    destination: dict[str, Any] = {"host": host}
    gateways = list(service.gateways)
    if service.port_discovery and ((gateways and gateways[0] != "mesh") or service.delegation):
        destination["port"] = {"number": service.port}
    return {"destination": destination, "weight": weight}


def _http_route(cd: Canary, match: list[Any], route: list[dict[str, Any]]) -> dict[str, Any]:
    """An HTTPRoute with the service's rewrite, timeout, retries, CORS policy and headers."""
    service = service_of(cd)
    out: dict[str, Any] = {}
    if match:
        out["match"] = copy.deepcopy(match)
    out["route"] = route
    rewrite = thaw(service.rewrite)
    if rewrite is not None:
        istio_rewrite = {k: rewrite[k] for k in ("uri", "authority") if rewrite.get(k)}
        out["rewrite"] = istio_rewrite
    if service.timeout:
        out["timeout"] = service.timeout
    for key, value in (("retries", service.retries), ("corsPolicy", service.cors_policy),
                       ("headers", service.headers)):
        if value is not None:
            out[key] = thaw(value)
    return out


def _service_match(cd: Canary) -> list[Any]:
    return [thaw(m) for m in service_of(cd).match]


def _analysis_match(cd: Canary) -> list[Any]:
    return [thaw(m) for m in get_analysis(cd).match]


@attrs.frozen
class IstioRouter:
    """The Istio router (also Flagger's fallback for providers it has no router for)."""

    set_owner_refs: bool = True

    # -- Reconcile ---------------------------------------------------------------------------

    def reconcile(self, cluster: Cluster, cd: Canary) -> tuple[Cluster, str | None]:
        """Reconcile: the two DestinationRules, then the VirtualService."""
        _, primary, canary = get_service_names(cd)
        for name in (canary, primary):
            cluster, err = self.reconcile_destination_rule(cluster, cd, name)
            if err is not None:
                return cluster, f"reconcileDestinationRule failed: {err}"
        cluster, err = self.reconcile_virtual_service(cluster, cd)
        if err is not None:
            return cluster, f"reconcileVirtualService failed: {err}"
        return cluster, None

    def _owner(self, cd: Canary) -> list[dict[str, Any]]:
        return [controller_ref(cd)] if self.set_owner_refs else []

    def reconcile_destination_rule(self, cluster: Cluster, cd: Canary, name: str
                                   ) -> tuple[Cluster, str | None]:
        """reconcileDestinationRule: host `name` with the service's traffic policy."""
        namespace = _ns(cd)
        spec: dict[str, Any] = {"host": name}
        policy = thaw(service_of(cd).traffic_policy)
        if policy is not None:
            spec["trafficPolicy"] = policy
        existing = cluster.get("DestinationRule", namespace, name)
        if existing is None:
            meta: dict[str, Any] = {"name": name, "namespace": namespace}
            if self.set_owner_refs:
                meta["ownerReferences"] = self._owner(cd)
            written = apiserver.create(cluster, {"apiVersion": API_VERSION,
                                                 "kind": "DestinationRule", "metadata": meta,
                                                 "spec": spec})
            if isinstance(written, Status):
                return cluster, f"DestinationRule {name}.{namespace} create error: " \
                                f"{written.message}"
            return written.cluster, None
        if thaw(existing.extra.get("spec")) == spec:
            return cluster, None
        clone = encode(existing)
        clone["spec"] = spec
        clone["metadata"].pop("resourceVersion", None)
        written = apiserver.update(cluster, clone)
        if isinstance(written, Status):
            return cluster, f"DestinationRule {name}.{namespace} update error: {written.message}"
        return written.cluster, None

    def desired_spec(self, cd: Canary) -> dict[str, Any] | str:
        """The VirtualService spec reconcileVirtualService writes (weights 100/0)."""
        apex, primary, canary = get_service_names(cd)
        service = service_of(cd)
        if service.delegation and (service.hosts or service.gateways):
            return f"VirtualService {apex}.{_ns(cd)} cannot have hosts and gateways when " \
                   "delegation enabled"
        hosts = list(service.hosts)
        if not any(h in (apex, "*") for h in hosts):
            hosts.append(apex)
        gateways = list(service.gateways)
        if "mesh" not in gateways and not service.gateways:
            gateways.append("mesh")
        route = [make_destination(cd, primary, 100), make_destination(cd, canary, 0)]
        if service.delegation:
            hosts, gateways = [], []
        spec: dict[str, Any] = {"hosts": hosts}
        if gateways:
            spec["gateways"] = gateways
        if is_tcp(cd):
            tcp: dict[str, Any] = {"route": route}
            l4 = canary_to_l4_match(cd)
            if l4:
                tcp["match"] = l4
            spec["tcp"] = [tcp]
            return spec
        spec["http"] = [_http_route(cd, _service_match(cd), route)]
        if get_analysis(cd).match:
            merged = merge_match_conditions(_analysis_match(cd), _service_match(cd))
            spec["http"] = [_http_route(cd, merged, route),
                            _http_route(cd, _service_match(cd),
                                        [make_destination(cd, primary, 100)])]
        return spec

    def reconcile_virtual_service(self, cluster: Cluster, cd: Canary
                                  ) -> tuple[Cluster, str | None]:
        """reconcileVirtualService: create it, or rewrite its spec (weights back to 100/0)
        when anything but the weights and mirror differs, keeping the old spec in the
        original-configuration annotation."""
        apex, _, _ = get_service_names(cd)
        namespace = _ns(cd)
        spec = self.desired_spec(cd)
        if isinstance(spec, str):
            return cluster, spec
        custom = thaw(service_of(cd).apex) or {}
        labels = dict(custom.get("labels") or {})
        annotations = {**filter_metadata(custom.get("annotations")), WRITTEN_BY: "flagger"}
        existing = cluster.get("VirtualService", namespace, apex)
        if existing is None:
            meta: dict[str, Any] = {"name": apex, "namespace": namespace, "labels": labels,
                                    "annotations": annotations}
            if self.set_owner_refs:
                meta["ownerReferences"] = self._owner(cd)
            written = apiserver.create(cluster, {"apiVersion": API_VERSION,
                                                 "kind": "VirtualService", "metadata": meta,
                                                 "spec": spec})
            if isinstance(written, Status):
                return cluster, f"VirtualService {apex}.{namespace} create error: " \
                                f"{written.message}"
            return written.cluster, None
        current = thaw(existing.extra.get("spec")) or {}
        if service_of(cd).delegation:
            current = {**current, "gateways": [], "hosts": []}
        for key in (KUBECTL_ANNOTATION, CONFIG_ANNOTATION):
            if key in existing.metadata.annotations:
                annotations[key] = existing.metadata.annotations[key]
        spec_diff = _comparable(cd, spec) != _comparable(cd, current)
        labels_diff = labels != dict(existing.metadata.labels)
        annotations_diff = annotations != dict(existing.metadata.annotations)
        if not (spec_diff or labels_diff or annotations_diff):
            return cluster, None
        clone = encode(existing)
        clone["spec"] = spec
        clone["metadata"]["labels"] = labels
        clone["metadata"]["annotations"] = annotations
        clone["metadata"].pop("resourceVersion", None)
        if KUBECTL_ANNOTATION not in annotations and spec_diff:
            original = json.dumps(thaw(existing.extra.get("spec")) or {}, sort_keys=True,
                                  separators=(",", ":"))
            clone["metadata"]["annotations"] = {**filter_metadata(annotations),
                                                CONFIG_ANNOTATION: original}
        written = apiserver.update(cluster, clone)
        if isinstance(written, Status):
            return cluster, f"VirtualService {apex}.{namespace} update error: {written.message}"
        return written.cluster, None

    # -- GetRoutes / SetRoutes ----------------------------------------------------------------

    def get_routes(self, cluster: Cluster, cd: Canary) -> tuple[int, int, bool, str | None]:
        """GetRoutes: the primary and canary weights of the (last) route holding the canary
        destination, whether it mirrors; with session affinity, the weighted route's."""
        apex, primary, canary = get_service_names(cd)
        namespace = _ns(cd)
        vs = cluster.get("VirtualService", namespace, apex)
        if vs is None:
            return 0, 0, False, f"VirtualService {apex}.{namespace} get query error " \
                                f'virtualservices.networking.istio.io "{apex}" not found'
        spec = thaw(vs.extra.get("spec")) or {}
        routes = spec.get("tcp") if is_tcp(cd) else spec.get("http")
        chosen: dict[str, Any] = {}
        for route in routes or ():
            if any((d.get("destination") or {}).get("host") == canary
                   for d in route.get("route") or ()):
                chosen = route
        primary_weight = canary_weight = 0
        for dest in chosen.get("route") or ():
            host = (dest.get("destination") or {}).get("host")
            if host == primary:
                primary_weight = dest.get("weight") or 0
            if host == canary:
                canary_weight = dest.get("weight") or 0
        mirrored = not is_tcp(cd) and bool((chosen.get("mirror") or {}).get("host"))
        if not is_tcp(cd) and get_analysis(cd).session_affinity is not None:
            for route in spec.get("http") or ():
                for dest in route.get("route") or ():
                    if dest.get("headers") is None:
                        continue
                    host = (dest.get("destination") or {}).get("host")
                    if host == primary:
                        primary_weight = dest.get("weight") or 0
                    if host == canary:
                        canary_weight = dest.get("weight") or 0
        if primary_weight == 0 and canary_weight == 0:
            return 0, 0, mirrored, f"VirtualService {apex}.{namespace} does not contain " \
                                   f"routes for {apex}-primary and {apex}-canary"
        return primary_weight, canary_weight, mirrored, None

    def set_routes(self, cluster: Cluster, cd: Canary, primary_weight: int,
                   canary_weight: int, mirrored: bool) -> Routed:
        """SetRoutes: rewrite the VirtualService's routes with these weights; returns the
        Canary as the router left it (session affinity cookies set or cleared in its
        status, which the scheduler's next status write carries)."""
        apex, primary, canary = get_service_names(cd)
        namespace = _ns(cd)
        vs = cluster.get("VirtualService", namespace, apex)
        if vs is None:
            return cluster, cd, f"VirtualService {apex}.{namespace} get query error " \
                                f'virtualservices.networking.istio.io "{apex}" not found'
        clone = encode(vs)
        clone["metadata"].pop("resourceVersion", None)
        spec = clone.setdefault("spec", {})
        weighted = [make_destination(cd, primary, primary_weight),
                    make_destination(cd, canary, canary_weight)]
        if is_tcp(cd):
            tcp: dict[str, Any] = {"route": weighted}
            l4 = canary_to_l4_match(cd)
            if l4:
                tcp["match"] = l4
            spec["tcp"] = [tcp]
            return _update(cluster, cd, clone, apex, namespace)
        weighted_route = _http_route(cd, _service_match(cd), weighted)
        spec["http"] = [weighted_route]
        if get_analysis(cd).session_affinity is not None:
            rules = self.session_affinity_route_rules(cluster, cd, canary_weight,
                                                      weighted_route)
            if isinstance(rules, str):
                return cluster, cd, rules
            cd, spec["http"] = rules
        if mirrored:
            spec["http"][0]["mirror"] = {"host": canary}
            mirror_weight = get_analysis(cd).mirror_weight or 0
            if mirror_weight > 0:
                spec["http"][0]["mirrorPercentage"] = {"value": float(mirror_weight)}
        if get_analysis(cd).match:
            merged = merge_match_conditions(_analysis_match(cd), _service_match(cd))
            spec["http"] = [
                _http_route(cd, merged, [make_destination(cd, primary, primary_weight),
                                         make_destination(cd, canary, canary_weight)]),
                _http_route(cd, _service_match(cd), [make_destination(cd, primary,
                                                                      primary_weight)])]
        return _update(cluster, cd, clone, apex, namespace)

    def session_affinity_route_rules(self, cluster: Cluster, cd: Canary, canary_weight: int,
                                     weighted: dict[str, Any]
                                     ) -> tuple[Canary, list[Any]] | str:
        """getSessionAffinityRouteRules: while the canary has weight, its responses set the
        canary cookie and a first route sends the cookie's holders to the canary (and, with
        primaryCookieName, a second its holders to the primary); at weight 0 the previous
        cookie is matched only to expire it."""
        affinity = get_analysis(cd).session_affinity
        assert affinity is not None
        _, primary, canary = get_service_names(cd)
        status = cd.status
        sticky_canary = copy.deepcopy(weighted)
        sticky_primary = copy.deepcopy(weighted)
        if canary_weight != 0:
            if not status.session_affinity_cookie:
                status = attrs.evolve(status, session_affinity_cookie=(
                    f"{affinity.cookie_name}={_rand_seq(cluster, cd, 'canary')}"))
            if not status.primary_session_affinity_cookie:
                status = attrs.evolve(status, primary_session_affinity_cookie=(
                    f"{affinity.primary_cookie_name or ''}="
                    f"{_rand_seq(cluster, cd, 'primary')}"))
            cd = attrs.evolve(cd, status=status)
            canary_dest = next(d for d in weighted["route"]
                               if d["destination"]["host"] == canary)
            canary_dest["headers"] = {"response": {"add": {SET_COOKIE_HEADER: (
                affinity.build_cookie(status.session_affinity_cookie or "",
                                      affinity.get_max_age()))}}}
            if affinity.primary_cookie_name:
                primary_dest = next(d for d in weighted["route"]
                                    if d["destination"]["host"] == primary)
                interval = _interval_seconds(cd)
                if isinstance(interval, str):
                    return interval
                primary_dest["headers"] = {"response": {"add": {SET_COOKIE_HEADER: (
                    affinity.build_cookie(status.primary_session_affinity_cookie or "",
                                          interval))}}}
            sticky_canary["match"] = _cookie_match(cd, status.session_affinity_cookie or "")
            sticky_canary["route"] = [make_destination(cd, primary, 0),
                                      make_destination(cd, canary, 100)]
            if affinity.primary_cookie_name:
                sticky_primary["match"] = _cookie_match(
                    cd, status.primary_session_affinity_cookie or "")
                sticky_primary["route"] = [make_destination(cd, primary, 100),
                                           make_destination(cd, canary, 0)]
                return cd, [sticky_canary, sticky_primary, weighted]
            return cd, [sticky_canary, weighted]
        if status.session_affinity_cookie:
            status = attrs.evolve(status, previous_session_affinity_cookie=(
                status.session_affinity_cookie))
        previous = status.previous_session_affinity_cookie
        if previous:
            sticky_canary["match"] = _cookie_match(cd, previous)
            headers = sticky_canary.setdefault("headers", {})
            response = headers.setdefault("response", {})
            response.setdefault("add", {})[SET_COOKIE_HEADER] = f"{previous}; Max-Age=-1"
        status = attrs.evolve(status, session_affinity_cookie=None)
        return attrs.evolve(cd, status=status), [sticky_canary, weighted]


def _cookie_match(cd: Canary, cookie: str) -> list[Any]:
    parts = cookie.split("=")
    key, value = parts[0], parts[1] if len(parts) > 1 else ""
    match = {"headers": {COOKIE_HEADER: {"regex": f".*{key}.*{value}.*"}}}
    return merge_match_conditions([match], _service_match(cd))


def _interval_seconds(cd: Canary) -> int | str:
    try:
        return int(parse_go_duration(get_analysis(cd).interval or ""))
    except ValueError as exc:
        return f"failed to parse canary interval: {exc}"


def _rand_seq(cluster: Cluster, cd: Canary, which: str) -> str:
    """randSeq: ten letters (from the cluster's seeded bits)."""
    bits = cluster.random_bits("flagger-cookie", cd.metadata.namespace, cd.metadata.name, which)
    out = []
    for _ in range(10):
        bits, index = divmod(bits, len(LETTERS))
        out.append(LETTERS[index])
    return "".join(out)


def _comparable(cd: Canary, given: Mapping[str, Any]) -> Any:
    """The spec as reconcileVirtualService compares it: destinations without weights, routes
    without mirrors; with session affinity, without the cookie routes and destination
    headers."""
    spec: dict[str, Any] = copy.deepcopy(dict(given))
    affinity = get_analysis(cd).session_affinity
    names = [n for n in ((affinity.cookie_name, affinity.primary_cookie_name)
                         if affinity is not None else ()) if n is not None]
    routes = []
    for route in spec.get("http") or ():
        route.pop("mirror", None)
        route.pop("mirrorPercentage", None)
        if affinity is not None and any(
                name in ((m.get("headers") or {}).get(COOKIE_HEADER) or {}).get("regex", "")
                for m in route.get("match") or () for name in names):
            continue
        for dest in route.get("route") or ():
            dest.pop("weight", None)
            if affinity is not None:
                dest.pop("headers", None)
        routes.append(route)
    if "http" in spec:
        spec["http"] = routes
    for route in spec.get("tcp") or ():
        for dest in route.get("route") or ():
            dest.pop("weight", None)
    return spec


def _update(cluster: Cluster, cd: Canary, clone: dict[str, Any], apex: str, namespace: str
            ) -> Routed:
    written = apiserver.update(cluster, clone)
    if isinstance(written, Status):
        return cluster, cd, f"VirtualService {apex}.{namespace} update failed: " \
                            f"{written.message}"
    return written.cluster, cd, None

