"""The Gateway API traffic-router plugin (`argoproj-labs/gatewayAPI`) for HTTPRoutes.

SetWeight writes the canary Service's backendRef weight and the stable's (100 - weight) in
every rule of each configured HTTPRoute that is not a managed header rule, and labels the route
`rollouts.argoproj.io/gatewayapi-canary: in-progress` while the weight is above 0.
SetHeaderRoute adds, for every rule that routes to both Services, a rule named after the managed
route that sends requests with the headers to the canary alone; RemoveManagedRoutes removes
them. UpdateHash, SetMirrorRoute and VerifyWeight do nothing (the weight counts as verified).

Models: argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0 pkg/plugin (plugin.go:
SetWeight, SetHeaderRoute, SetMirrorRoute, VerifyWeight, RemoveManagedRoutes,
getGatewayAPITrafficRoutingConfig, insertGatewayAPIRouteLists, isManagedRuleName,
getAllRouteRules, managedRouteNamesSet; httproute.go: setHTTPRouteWeight,
setHTTPHeaderRoute, isHTTPManagedRule, getHTTPHeaderRouteRuleList,
removeHTTPManagedRoutes; labels.go: ensureInProgressLabel; errors.go).
Simplifies: GRPCRoutes, TCPRoutes and TLSRoutes, route discovery by label selector, and the
experiment services a route can gain are not modelled.
Covered by: tests/test_rollouts_trafficrouting.py.
"""

from __future__ import annotations

import json
from typing import Any

from kubefold.core.errors import Status, bad_request
from kubefold.core.schema import thaw
from kubefold.reducers.rollouts.trafficrouting import read, write

PLUGIN_NAME = "argoproj-labs/gatewayAPI"
TYPE = "GatewayAPI"
IN_PROGRESS_LABEL_KEY = "rollouts.argoproj.io/gatewayapi-canary"
IN_PROGRESS_LABEL_VALUE = "in-progress"
GATEWAY_API_MANIFEST_ERROR = (
    "No routes configured. At least one of 'httpRoutes', 'grpcRoutes', 'tcpRoutes', "
    "'tlsRoutes', 'httpRoute', 'grpcRoute', 'tcpRoute' or 'tlsRoute' must be set")
INVALID_HEADER_MATCH_TYPE_ERROR = "invalid header match type"
BACKEND_REF_NOT_FOUND = "backendRef was not found in httpRoute"


def config(ro: Any) -> tuple[dict[str, Any], Status | None]:
    """getGatewayAPITrafficRoutingConfig: the plugin's settings, the namespace defaulted to the
    Rollout's and `httpRoute` added to `httpRoutes` (with header routes)."""
    raw = thaw(ro.spec.strategy.canary.traffic_routing.plugins.get(PLUGIN_NAME))
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            return {}, bad_request(str(exc))
    cfg = dict(raw or {})
    if not cfg.get("namespace"):
        cfg["namespace"] = ro.metadata.namespace
    routes = [dict(r) for r in cfg.get("httpRoutes") or []]
    if cfg.get("httpRoute"):
        routes.append({"name": cfg["httpRoute"], "useHeaderRoutes": True})
    cfg["httpRoutes"] = routes
    return cfg, None


def _managed_names(ro: Any) -> set[str]:
    return {m.name or "" for m in ro.spec.strategy.canary.traffic_routing.managed_routes}


def is_managed_rule_name(name: str, managed: set[str]) -> bool:
    if name in managed:
        return True
    return any(name.startswith(base + "-") and name[len(base) + 1:].isdigit()
               for base in managed)


def is_http_managed_rule(rule: dict[str, Any], canary: str,
                         headers: list[dict[str, Any]] | None) -> bool:
    refs = rule.get("backendRefs") or []
    if len(refs) != 1 or refs[0].get("name") != canary:
        return False
    if headers is None:
        return True
    wanted = {h.get("name") for h in headers}
    return any(wanted <= {h.get("name") for h in (m.get("headers") or [])}
               for m in rule.get("matches") or [])


def _is_managed(rule: dict[str, Any], managed: set[str], canary: str,
                headers: list[dict[str, Any]] | None) -> bool:
    name = rule.get("name")
    return (name is not None and is_managed_rule_name(name, managed)) \
        or is_http_managed_rule(rule, canary, headers)


def header_route_rule_list(route: Any) -> tuple[list[dict[str, Any]], Status | None]:
    """getHTTPHeaderRouteRuleList: exact -> Exact; prefix -> RegularExpression `prefix.*`;
    regex -> RegularExpression."""
    out = []
    for match in route.match:
        value = match.header_value
        rule: dict[str, Any] = {"name": match.header_name}
        if value is not None and value.exact:
            rule.update(type="Exact", value=value.exact)
        elif value is not None and value.prefix:
            rule.update(type="RegularExpression", value=value.prefix + ".*")
        elif value is not None and value.regex:
            rule.update(type="RegularExpression", value=value.regex)
        else:
            return [], bad_request(INVALID_HEADER_MATCH_TYPE_ERROR)
        out.append(rule)
    return out, None


class GatewayAPIReconciler:
    def __init__(self, ro: Any) -> None:
        self.rollout = ro

    def type(self) -> str:
        return TYPE

    def _routes(self) -> tuple[dict[str, Any], Status | None]:
        return config(self.rollout)

    def update_hash(self, c: Any, canary_hash: str, stable_hash: str, dests: list[Any]
                    ) -> Status | None:
        return None

    def set_weight(self, c: Any, weight: int, dests: list[Any]) -> Status | None:
        """SetWeight over every HTTPRoute."""
        cfg, err = self._routes()
        if err is not None:
            return err
        if not cfg["httpRoutes"]:
            return bad_request(GATEWAY_API_MANIFEST_ERROR)
        canary = self.rollout.spec.strategy.canary
        managed = _managed_names(self.rollout)
        for route in cfg["httpRoutes"]:
            doc, err = read(c, "HTTPRoute", cfg["namespace"], route.get("name", ""),
                            "httproutes.gateway.networking.k8s.io")
            if err is not None:
                return err
            found_canary = found_stable = False
            for rule in (doc.get("spec") or {}).get("rules") or []:
                if _is_managed(rule, managed, canary.canary_service or "", None):
                    continue
                for ref in rule.get("backendRefs") or []:
                    if ref.get("name") == canary.canary_service:
                        ref["weight"] = weight
                        found_canary = True
                    elif ref.get("name") == canary.stable_service:
                        ref["weight"] = 100 - weight
                        found_stable = True
            if not found_canary or not found_stable:
                return bad_request(BACKEND_REF_NOT_FOUND)
            self._in_progress_label(doc, weight, cfg)
            err = write(c, doc)
            if err is not None:
                return err
        return None

    @staticmethod
    def _in_progress_label(doc: dict[str, Any], weight: int, cfg: dict[str, Any]) -> None:
        """ensureInProgressLabel."""
        if cfg.get("disableInProgressLabel"):
            return
        key = cfg.get("inProgressLabelKey") or IN_PROGRESS_LABEL_KEY
        value = cfg.get("inProgressLabelValue") or IN_PROGRESS_LABEL_VALUE
        labels = doc.setdefault("metadata", {}).setdefault("labels", {})
        if weight == 0:
            labels.pop(key, None)
        else:
            labels[key] = value
        if not labels:
            doc["metadata"].pop("labels")

    def set_header_route(self, c: Any, header_route: Any) -> Status | None:
        """SetHeaderRoute over the HTTPRoutes that use header routes."""
        cfg, err = self._routes()
        if err is not None:
            return err
        for route in cfg["httpRoutes"]:
            if not route.get("useHeaderRoutes"):
                continue
            if not header_route.match:
                err = self._remove(c, cfg["namespace"], route.get("name", ""))
            else:
                err = self._set_header_route(c, cfg["namespace"], route.get("name", ""),
                                             header_route)
            if err is not None:
                return err
        return None

    def _set_header_route(self, c: Any, namespace: str, name: str, header_route: Any
                          ) -> Status | None:
        headers, err = header_route_rule_list(header_route)
        if err is not None:
            return err
        canary = self.rollout.spec.strategy.canary
        canary_name, stable_name = canary.canary_service or "", canary.stable_service or ""
        doc, err = read(c, "HTTPRoute", namespace, name, "httproutes.gateway.networking.k8s.io")
        if err is not None:
            return err
        rules = (doc.setdefault("spec", {})).get("rules") or []
        sources = [r for r in rules if r.get("backendRefs")
                   and {canary_name, stable_name} <= {b.get("name") for b in r["backendRefs"]}]
        if not sources:
            return bad_request(BACKEND_REF_NOT_FOUND)
        managed_name = header_route.name or ""
        new_rules = []
        for idx, source in enumerate(sources):
            ref = next(b for b in source["backendRefs"] if b.get("name") == canary_name)
            backend: dict[str, Any] = {"group": "", "kind": "Service", "name": canary_name}
            if ref.get("port") is not None:
                backend["port"] = ref["port"]
            new_rule: dict[str, Any] = {
                "name": managed_name if idx == 0 else f"{managed_name}-{idx}",
                "backendRefs": [backend],
                "filters": [dict(f) for f in source.get("filters") or []]}
            if not source.get("matches"):
                new_rule["matches"] = [{"headers": headers}]
            else:
                new_rule["matches"] = [
                    {k: v for k, v in {"path": m.get("path"),
                                       "headers": [*(m.get("headers") or []), *headers],
                                       "queryParams": m.get("queryParams"),
                                       "method": m.get("method")}.items() if v is not None}
                    for m in source["matches"]]
            if not new_rule["filters"]:
                del new_rule["filters"]
            new_rules.append(new_rule)
        kept = [r for r in rules if not _is_managed(r, {managed_name}, canary_name, headers)]
        doc["spec"]["rules"] = kept + new_rules
        return write(c, doc)

    def _remove(self, c: Any, namespace: str, name: str) -> Status | None:
        """removeHTTPManagedRoutes."""
        canary = self.rollout.spec.strategy.canary.canary_service or ""
        managed = _managed_names(self.rollout)
        doc, err = read(c, "HTTPRoute", namespace, name, "httproutes.gateway.networking.k8s.io")
        if err is not None:
            return err
        rules = (doc.get("spec") or {}).get("rules") or []
        kept = [r for r in rules if not _is_managed(r, managed, canary, None)]
        if len(kept) == len(rules):
            return None
        doc["spec"]["rules"] = kept
        return write(c, doc)

    def set_mirror_route(self, c: Any, route: Any) -> Status | None:
        return None

    def verify_weight(self, c: Any, weight: int, dests: list[Any]
                      ) -> tuple[bool | None, Status | None]:
        return True, None

    def remove_managed_routes(self, c: Any) -> Status | None:
        cfg, err = self._routes()
        if err is not None:
            return err
        for route in cfg["httpRoutes"]:
            if not route.get("useHeaderRoutes"):
                continue
            err = self._remove(c, cfg["namespace"], route.get("name", ""))
            if err is not None:
                return err
        return None
