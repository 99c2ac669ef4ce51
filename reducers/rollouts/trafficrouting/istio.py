"""Istio traffic routing: VirtualService route weights, DestinationRule subsets, header and
mirror routes.

Host-level routing: the route's destinations are the canary and stable Services (short name or
FQDN); subset-level routing: one host, the DestinationRule's canary and stable subsets, whose
`rollouts-pod-template-hash` labels UpdateHash keeps on the canary and stable ReplicaSets.
SetWeight patches the weights of the routes the Rollout names (or the only / first unnamed
route) and drops any other destination; header and mirror routes are named routes put first
(ordered as managedRoutes lists them) and removed when the update ends.

Models: rollout/trafficrouting/istio/istio.go (NewReconciler, generateVirtualServicePatches,
processRoutes, getHost, appendPatch, patchVirtualService, reconcileVirtualService,
shouldDelayDestinationRuleUpdate, UpdateHash, SetWeight, getVirtualServices,
reconcileVirtualServiceHeaderRoutes, SetHeaderRoute, getDestinationRuleHost,
createHeaderRoute, createHeaderRouteMatch, routeDestination, VerifyWeight,
getHttpRouteIndexesToPatch, ValidateHTTPRoutes, validateVirtualServiceRouteDestinations,
validateDestinationRule, SetMirrorRoute, reconcileVirtualServiceMirrorRoutes, createMirrorRoute,
removeRoute, orderRoutes, RemoveManagedRoutes) and utils/istio
(GetVirtualServiceNamespaceName), argo-rollouts at 9f8d111.
Simplifies: TLS and TCP routes are not patched; experiment destinations are not added.
Covered by: tests/test_rollouts_trafficrouting.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.errors import Status, bad_request
from kubefold.reducers.rollouts.trafficrouting import read, write
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.annotations import MANAGED_BY_ROLLOUTS_KEY
from kubefold.reducers.rollouts.utils.rollout import abort_or_dynamic_rollback_to_stable

TYPE = "Istio"
SPEC_HTTP_NOT_FOUND = "spec.http not found"
VS_RESOURCE = "virtualservices.networking.istio.io"
DR_RESOURCE = "destinationrules.networking.istio.io"


def get_virtual_service_namespace_name(text: str) -> tuple[str, str]:
    """GetVirtualServiceNamespaceName: `name.namespace` (a cluster.local suffix dropped)."""
    if text.endswith(".cluster.local"):
        text = text[:-len(".cluster.local")]
    fields = text.split(".")
    if len(fields) >= 2:
        return fields[-1], ".".join(fields[:-1])
    return "", fields[0]


def get_host(destination: dict[str, Any]) -> str:
    """getHost: the host up to its first dot."""
    host = (destination.get("destination") or {}).get("host") or ""
    idx = host.find(".")
    if idx > 0:
        return host[:idx]
    return host if idx < 0 else ""


def http_route_indexes_to_patch(names: list[str], routes: list[dict[str, Any]]
                                ) -> tuple[list[int], str | None]:
    if not names:
        if len(routes) == 1:
            return [0], None
        for i, route in enumerate(routes):
            if not route.get("name"):
                return [i], None
    out = []
    for name in names:
        found = next((i for i, r in enumerate(routes) if r.get("name") == name), -1)
        if found < 0:
            return [], f"HTTP Route '{name}' is not found in the defined Virtual Service."
        out.append(found)
    return out, None


class IstioReconciler:
    def __init__(self, ro: Any, all_rss: list[Any]) -> None:
        self.rollout = ro
        self.replica_sets = all_rss
        istio = ro.spec.strategy.canary.traffic_routing.istio
        self.istio = istio
        self.virtual_services = list(istio.virtual_services) if istio.virtual_services \
            else ([istio.virtual_service] if istio.virtual_service is not None else [])

    def type(self) -> str:
        return TYPE

    def _services(self) -> tuple[str, str]:
        canary = self.rollout.spec.strategy.canary
        return canary.stable_service or "", canary.canary_service or ""

    def _subsets(self) -> tuple[str, str, list[str]]:
        rule = self.istio.destination_rule
        if rule is None:
            return "", "", []
        return (rule.canary_subset_name or "", rule.stable_subset_name or "",
                list(rule.additional_subset_names))

    def _vsvc(self, c: Any, vs: Any) -> tuple[dict[str, Any], Status | None]:
        namespace, name = get_virtual_service_namespace_name(vs.name or "")
        return read(c, "VirtualService", namespace or self.rollout.metadata.namespace, name,
                    VS_RESOURCE)

    # -- weights ---------------------------------------------------------------------------------

    def validate_http_routes(self, names: list[str], routes: list[dict[str, Any]]
                             ) -> str | None:
        """ValidateHTTPRoutes: the routes exist and route to both Services (or subsets)."""
        stable, canary = self._services()
        indexes, err = http_route_indexes_to_patch(names, routes)
        if err is not None:
            return err
        rule = self.istio.destination_rule
        for i in indexes:
            has = {"stable_svc": False, "canary_svc": False, "stable_sub": False,
                   "canary_sub": False}
            for dest in routes[i].get("route") or []:
                host = get_host(dest)
                subset = (dest.get("destination") or {}).get("subset") or ""
                has["stable_svc"] |= bool(stable) and host == stable
                has["canary_svc"] |= bool(canary) and host == canary
                if rule is not None:
                    has["stable_sub"] |= bool(rule.stable_subset_name) \
                        and subset == rule.stable_subset_name
                    has["canary_sub"] |= bool(rule.canary_subset_name) \
                        and subset == rule.canary_subset_name
            if rule is not None:
                if not has["canary_sub"]:
                    return (f"Canary DestinationRule subset '{rule.canary_subset_name}' not "
                            "found in route")
                if not has["stable_sub"]:
                    return (f"Stable DestinationRule subset '{rule.stable_subset_name}' not "
                            "found in route")
            else:
                if not has["canary_svc"]:
                    return f"Canary Service '{canary}' not found in route"
                if not has["stable_svc"]:
                    return f"Stable Service '{stable}' not found in route"
        managed = {m.name for m in self.rollout.spec.strategy.canary.traffic_routing
                   .managed_routes}
        unmanaged = [r for r in routes if r.get("name") not in managed or not r.get("name")]
        if not names and len(unmanaged) > 1:
            return ("spec.http[] should be set in VirtualService and it must have exactly one "
                    "route when omitting spec.strategy.canary.trafficRouting.istio."
                    "virtualService.routes")
        return None

    def _process_routes(self, destinations: list[dict[str, Any]], weight: int) -> bool:
        """processRoutes applied: the canary gets `weight`, the stable the rest (less the
        additional subsets' weight), any other destination is removed."""
        stable_svc, canary_svc = self._services()
        canary_subset, stable_subset, additional = self._subsets()
        stable_weight = 100 - weight
        for dest in destinations:
            if (dest.get("destination") or {}).get("subset") in additional:
                stable_weight -= int(dest.get("weight") or 0)
        stable_weight = max(stable_weight, 0)
        changed = False
        keep = []
        for dest in destinations:
            host = get_host(dest)
            subset = (dest.get("destination") or {}).get("subset") or ""
            old = dest.get("weight") or 0
            if not host:
                keep.append(dest)
                continue
            if host == canary_svc or (subset and subset == canary_subset):
                new = weight
            elif host == stable_svc or (subset and subset == stable_subset):
                new = stable_weight
            elif subset and subset in additional:
                new = old
            else:
                changed = True
                continue  # a destination of neither: dropped
            if old != new:
                dest["weight"] = new
                changed = True
            keep.append(dest)
        destinations[:] = keep
        return changed

    def set_weight(self, c: Any, weight: int, dests: list[Any]) -> Status | None:
        """SetWeight: every VirtualService's weighted routes."""
        managed = self.rollout.spec.strategy.canary.traffic_routing.managed_routes
        for vs in self.virtual_services:
            doc, err = self._vsvc(c, vs)
            if err is not None:
                return err
            routes = (doc.get("spec") or {}).get("http")
            if routes is None:
                continue
            names = list(vs.routes)
            message = self.validate_http_routes(names, routes)
            if message is not None:
                return bad_request(message)
            names += [r.get("name") for r in routes if r.get("mirror") is not None
                      and r.get("name") in {m.name for m in managed}]
            indexes, _ = http_route_indexes_to_patch(names, routes)
            changed = False
            for i in indexes:
                changed |= self._process_routes(routes[i].setdefault("route", []), weight)
            if not changed:
                continue
            self._order_routes(doc)
            err = write(c, doc)
            if err is not None:
                return err
        return None

    def verify_weight(self, c: Any, weight: int, dests: list[Any]
                      ) -> tuple[bool | None, Status | None]:
        return None, None

    # -- the DestinationRule ---------------------------------------------------------------------

    def should_delay_destination_rule_update(self, canary_hash: str, stable_hash: str
                                             ) -> tuple[bool, str]:
        canary = self.rollout.spec.strategy.canary
        if canary.canary_service or canary.stable_service:
            return False, ""
        rollback = abort_or_dynamic_rollback_to_stable(self.rollout, self.replica_sets,
                                                       stable_hash)
        for rs in self.replica_sets:
            if rsutil.spec_replicas(rs) == 0:
                continue
            h = rsutil.get_pod_template_hash(rs)
            if not h or h not in (stable_hash, canary_hash):
                continue
            if rollback and h == canary_hash:
                continue
            if not rsutil.is_replica_set_available(rs):
                return True, rs.metadata.name or ""
        return False, ""

    def update_hash(self, c: Any, canary_hash: str, stable_hash: str, dests: list[Any]
                    ) -> Status | None:
        """UpdateHash: the canary and stable subsets select their ReplicaSets' hashes (once
        the ReplicaSets taking traffic are available)."""
        delay, name = self.should_delay_destination_rule_update(canary_hash, stable_hash)
        if delay:
            return bad_request(f"delaying destination rule switch: ReplicaSet {name} not fully "
                               "available")
        rule = self.istio.destination_rule
        if rule is None:
            return None
        doc, err = read(c, "DestinationRule", self.rollout.metadata.namespace, rule.name or "",
                        DR_RESOURCE)
        if err is not None:
            return err
        before = repr(doc)
        annotations = doc.setdefault("metadata", {}).setdefault("annotations", {})
        annotations[MANAGED_BY_ROLLOUTS_KEY] = self.rollout.metadata.name
        subsets = []
        for subset in (doc.get("spec") or {}).get("subsets") or []:
            name = subset.get("name")
            if name == rule.canary_subset_name:
                h = canary_hash
            elif name == rule.stable_subset_name:
                h = stable_hash
            else:
                continue
            labels = dict(subset.get("labels") or {})
            if h:
                labels[rsutil.HASH_KEY] = h
            else:
                labels.pop(rsutil.HASH_KEY, None)
            subset = {**subset, "labels": labels}
            if not labels:
                del subset["labels"]
            subsets.append(subset)
        doc.setdefault("spec", {})["subsets"] = subsets
        if repr(doc) == before:
            return None
        return write(c, doc)

    def _destination_rule_host(self, c: Any) -> tuple[str, Status | None]:
        rule = self.istio.destination_rule
        if rule is None:
            return "", None
        doc, err = read(c, "DestinationRule", self.rollout.metadata.namespace, rule.name or "",
                        DR_RESOURCE)
        if err is not None:
            return "", err
        return (doc.get("spec") or {}).get("host") or "", None

    # -- header and mirror routes ----------------------------------------------------------------

    def _canary_port(self, doc: dict[str, Any], vs: Any) -> int:
        routes = (doc.get("spec") or {}).get("http") or []
        indexes, err = http_route_indexes_to_patch(list(vs.routes), routes)
        if err is not None or not indexes:
            return 0
        dests = routes[indexes[0]].get("route") or []
        port = ((dests[0].get("destination") or {}).get("port") or {}) if dests else {}
        return int(port.get("number") or 0)

    def _canary_target(self, c: Any) -> tuple[str, str, Status | None]:
        host, err = self._destination_rule_host(c)
        if err is not None:
            return "", "", err
        _, canary_svc = self._services()
        canary_subset, _, _ = self._subsets()
        return host or canary_svc, canary_subset, None

    def set_header_route(self, c: Any, header_route: Any) -> Status | None:
        host, subset, err = self._canary_target(c)
        if err is not None:
            return err
        for vs in self.virtual_services:
            doc, err = self._vsvc(c, vs)
            if err is not None:
                return err
            http = (doc.get("spec") or {}).get("http")
            if http is None:
                return bad_request(SPEC_HTTP_NOT_FOUND)
            http[:] = [r for r in http if r.get("name") != header_route.name]
            if header_route.match:
                dest: dict[str, Any] = {"host": host}
                port = self._canary_port(doc, vs)
                if port > 0:
                    dest["port"] = {"number": port}
                if subset:
                    dest["subset"] = subset
                matches = []
                for m in header_route.match:
                    value = m.header_value
                    spec = {k: v for k, v in (("exact", value.exact if value else None),
                                              ("regex", value.regex if value else None),
                                              ("prefix", value.prefix if value else None)) if v}
                    matches.append({"headers": {m.header_name: spec}})
                http.append({"name": header_route.name, "match": matches,
                             "route": [{"weight": 100, "destination": dest}]})
            self._order_routes(doc)
            err = write(c, doc)
            if err is not None:
                return err
        return None

    def set_mirror_route(self, c: Any, mirror: Any) -> Status | None:
        from kubefold.core.schema import thaw

        host, subset, err = self._canary_target(c)
        if err is not None:
            return err
        for vs in self.virtual_services:
            doc, err = self._vsvc(c, vs)
            if err is not None:
                return err
            http = (doc.get("spec") or {}).get("http")
            if http is None:
                return bad_request(SPEC_HTTP_NOT_FOUND)
            http[:] = [r for r in http if r.get("name") != mirror.name]
            if mirror.match:
                indexes, message = http_route_indexes_to_patch(list(vs.routes), http)
                if message is not None:
                    return bad_request(message)
                route = [dict(d) for d in http[indexes[0]].get("route") or []] if indexes else []
                target: dict[str, Any] = {"host": host}
                if subset:
                    target["subset"] = subset
                if route and (route[0].get("destination") or {}).get("port") is not None:
                    target["port"] = {"number": route[0]["destination"]["port"].get("number")}
                matches = []
                for m in thaw(mirror.match):
                    match: dict[str, Any] = {}
                    if m.get("method"):
                        match["method"] = m["method"]
                    if m.get("path"):
                        match["uri"] = m["path"]
                    if m.get("headers"):
                        match["headers"] = m["headers"]
                    matches.append(match)
                percent = 100 if mirror.percentage is None else mirror.percentage
                http.insert(0, {"name": mirror.name, "match": matches, "route": route,
                                "mirror": target, "mirrorPercentage": {"value": percent}})
            self._order_routes(doc)
            err = write(c, doc)
            if err is not None:
                return err
        return None

    def _order_routes(self, doc: dict[str, Any]) -> None:
        """orderRoutes: the managed routes first, in managedRoutes' order."""
        managed = [m.name for m in self.rollout.spec.strategy.canary.traffic_routing
                   .managed_routes]
        http = (doc.get("spec") or {}).get("http")
        if http is None or not managed:
            return
        inside = [r for name in managed for r in http if r.get("name") == name]
        outside = [r for r in http if r.get("name") not in managed]
        http[:] = inside + outside

    def remove_managed_routes(self, c: Any) -> Status | None:
        """RemoveManagedRoutes: the steps' header and mirror routes, and the managed routes."""
        steps = self.rollout.spec.strategy.canary.steps
        names = {s.set_header_route.name for s in steps if s.set_header_route is not None}
        names |= {s.set_mirror_route.name for s in steps if s.set_mirror_route is not None}
        names |= {m.name for m in self.rollout.spec.strategy.canary.traffic_routing
                  .managed_routes}
        names.discard(None)
        for vs in self.virtual_services:
            doc, err = self._vsvc(c, vs)
            if err is not None:
                if err.reason == "NotFound":
                    continue
                return err
            http = (doc.get("spec") or {}).get("http")
            if http is None:
                return None
            kept = [r for r in http if r.get("name") not in names]
            if len(kept) == len(http):
                continue
            doc["spec"]["http"] = kept
            err = write(c, doc)
            if err is not None:
                return err
        return None
