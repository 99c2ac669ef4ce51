"""Invariants of Flagger's Canaries, on every state.

- `ab_tests_send_only_matching_requests_to_the_canary`: while a Canary runs an A/B test (its
  analysis has `match` conditions and `iterations`), no route of its apex VirtualService
  (Istio) or HTTPRoute (Gateway API) that a request without the analysis' headers or cookies
  can take gives the canary Service any weight. A route is taken only by matching requests
  when every one of its match conditions tests a header the analysis matches on (the Cookie
  header for a cookie rule); any other route (no match, or a match on the path alone) is open
  to everyone.
- `failed_analyses_leave_all_traffic_on_the_primary`: a Canary whose analysis failed (phase
  Failed with canaryWeight 0: a rollback, not a failed promotion) routes everything to the
  primary (weight 100, canary 0, in every route naming both) and its target Deployment is at
  zero replicas.

Both read the route objects as they are stored, so they hold whatever `kubefold route` makes
of them; the end-to-end tests ask `route` too.

Models: Flagger's documented guarantees (docs/gitbook/usage/deployment-strategies.md, "A/B
Testing": only the users matching the conditions are routed to the canary; "Canary Release":
on failure, the canary is scaled to zero and the traffic routed back to the primary).
Covered by: tests/test_flagger_e2e.py (and a deliberately broken router that drops the match),
tests/test_properties_invariants.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import (
    FAILED,
    Canary,
    deployment_strategy,
    get_analysis,
    get_service_names,
    target_name,
)
from kubefold.core.schema import thaw

if TYPE_CHECKING:
    from kubefold.properties.invariants import Violation

STRATEGY_AB = "ab-testing"


def _violation(invariant: str, message: str, who: str) -> Violation:
    # invariants.py lists these invariants, so it is imported when they run, not before.
    from kubefold.properties.invariants import Violation
    return Violation(invariant, message, (who,))


def _spec(obj: Any) -> Mapping[str, Any]:
    return thaw(obj.extra.get("spec")) or {} if obj is not None else {}


def _gating_headers(cd: Canary) -> set[str]:
    """The header names (lower case) the analysis' match conditions test."""
    names = set()
    for match in get_analysis(cd).match:
        for name in (thaw(match).get("headers") or {}):
            names.add(name.lower())
    return names


def _istio_routes(cluster: Cluster, cd: Canary) -> Iterator[tuple[list[Any], dict[str, int]]]:
    """(match conditions, weight by host) of each http route of the apex VirtualService."""
    apex, _, _ = get_service_names(cd)
    vs = cluster.get("VirtualService", cd.metadata.namespace, apex)
    for route in _spec(vs).get("http") or ():
        matches = [set(k.lower() for k in (m.get("headers") or {}))
                   for m in route.get("match") or ()]
        weights: dict[str, int] = {}
        for dest in route.get("route") or ():
            weights[(dest.get("destination") or {}).get("host") or ""] = dest.get("weight") or 0
        yield matches, weights


def _gateway_routes(cluster: Cluster, cd: Canary) -> Iterator[tuple[list[Any], dict[str, int]]]:
    apex, _, _ = get_service_names(cd)
    route = cluster.get("HTTPRoute", cd.metadata.namespace, apex)
    for rule in _spec(route).get("rules") or ():
        matches = [set((h.get("name") or "").lower() for h in m.get("headers") or ())
                   for m in rule.get("matches") or ()]
        weights = {b.get("name"): b.get("weight", 1) for b in rule.get("backendRefs") or ()}
        yield matches, weights


def _routes(cluster: Cluster, cd: Canary) -> Iterable[tuple[list[Any], dict[str, int]]]:
    if (cd.spec.provider or "").startswith("gatewayapi"):
        return _gateway_routes(cluster, cd)
    return _istio_routes(cluster, cd)


def ab_tests_send_only_matching_requests_to_the_canary(cluster: Cluster
                                                       ) -> Iterator[Violation]:
    """No route open to requests without the A/B headers weighs the canary."""
    for cd in cluster.list("Canary"):
        if deployment_strategy(cd) != STRATEGY_AB:
            continue
        _, _, canary = get_service_names(cd)
        gating = _gating_headers(cd)
        for i, (matches, weights) in enumerate(_routes(cluster, cd)):
            gated = bool(matches) and all(m & gating for m in matches)
            if not gated and weights.get(canary, 0) > 0:
                yield _violation("ab_tests_send_only_matching_requests_to_the_canary",
                                 f"route {i} of Canary {cd.metadata.namespace}/"
                                 f"{cd.metadata.name} sends requests without "
                                 f"{', '.join(sorted(gating))} to {canary} (weight "
                                 f"{weights[canary]})",
                                 f"Canary {cd.metadata.namespace}/{cd.metadata.name}")


def failed_analyses_leave_all_traffic_on_the_primary(cluster: Cluster) -> Iterator[Violation]:
    """A rolled-back Canary: the primary takes all traffic, the canary runs no replica."""
    for cd in cluster.list("Canary"):
        if cd.status.phase != FAILED or (cd.status.canary_weight or 0) != 0:
            continue
        who = f"Canary {cd.metadata.namespace}/{cd.metadata.name}"
        _, primary, canary = get_service_names(cd)
        for i, (_, weights) in enumerate(_routes(cluster, cd)):
            if canary in weights and primary in weights and (
                    weights[canary] != 0 or weights[primary] != 100):
                yield _violation("failed_analyses_leave_all_traffic_on_the_primary",
                                 f"route {i} of failed {who} weighs primary "
                                 f"{weights[primary]}, canary {weights[canary]}", who)
        target = cluster.get("Deployment", cd.metadata.namespace, target_name(cd))
        if target is not None and (target.spec.replicas or 0) != 0:
            yield _violation("failed_analyses_leave_all_traffic_on_the_primary",
                             f"failed {who} leaves Deployment {target.metadata.name} at "
                             f"{target.spec.replicas} replicas", who)


INVARIANTS = (ab_tests_send_only_matching_requests_to_the_canary,
              failed_analyses_leave_all_traffic_on_the_primary)
