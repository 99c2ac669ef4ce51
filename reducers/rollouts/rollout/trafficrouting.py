"""A canary's traffic routing: the weight each step wants, given to the router, and recorded in
status.canary.weights.

Models: rollout/trafficrouting.go (NewTrafficRoutingReconciler, checkReplicasAvailable,
reconcileTrafficRouting, calculateDesiredWeightOnAbortOrStableRollback,
calculateWeightStatus, calculateWeightDestinationsFromExperiment), argo-rollouts at 9f8d111.
Simplifies: only the Gateway API plugin and Istio write objects; other routers (Nginx, ALB,
SMI, Ambassador, AppMesh, Traefik, Apisix, other plugins) get the weights computed and recorded
but nothing written (trafficrouting.NoOpReconciler).
Covered by: tests/test_rollouts_trafficrouting.py, tests/test_rollouts_canary.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.errors import Status
from kubefold.core.rollouts import TrafficWeights, WeightDestination
from kubefold.reducers.rollouts.rollout import service
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.trafficrouting import NoOpReconciler
from kubefold.reducers.rollouts.trafficrouting.gatewayapi import PLUGIN_NAME, GatewayAPIReconciler
from kubefold.reducers.rollouts.trafficrouting.istio import IstioReconciler
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import (
    ROLLOUT_VERIFY_RETRY_INTERVAL,
    max_traffic_weight,
)
from kubefold.reducers.rollouts.utils.rollout import (
    is_dynamically_rolling_back_to_stable,
    is_fully_promoted,
)


def new_traffic_routing_reconcilers(c: RolloutContext) -> list[Any]:
    """NewTrafficRoutingReconciler: one per router the canary names."""
    routing = c.rollout.spec.strategy.canary.traffic_routing
    if routing is None:
        return []
    out: list[Any] = []
    if routing.istio is not None:
        out.append(IstioReconciler(c.rollout, c.all_rss))
    for name in routing.others():
        out.append(NoOpReconciler(name))
    for plugin in routing.plugins:
        out.append(GatewayAPIReconciler(c.rollout) if plugin == PLUGIN_NAME
                   else NoOpReconciler(plugin))
    return out


def check_replicas_available(c: RolloutContext, rs: Any, desired_weight: int) -> bool:
    if rs is None:
        return False
    desired = desired_weight * (c.rollout.spec.replicas or 0) // max_traffic_weight(c.rollout)
    threshold = c.rollout.spec.strategy.canary.replica_progress_threshold
    return not (rsutil.available(rs) < desired
                and not rsutil.replica_progress_threshold_met(threshold, rs, desired))


def reconcile_traffic_routing(c: RolloutContext) -> Err:
    """reconcileTrafficRouting: the desired weight (0 before the canary has a pod or after an
    abort; the last reached setWeight while the ReplicaSets scale; the step's weight; 100 past
    the last step), the header and mirror routes of the step, the hashes, the weight, and the
    weights in the status."""
    reconcilers = new_traffic_routing_reconcilers(c)
    if not reconcilers:
        c.new_status = attrs.evolve(c.new_status, canary=attrs.evolve(c.new_status.canary,
                                                                      weights=None))
        return None
    ro = c.rollout
    canary = ro.spec.strategy.canary
    max_weight = max_traffic_weight(ro)
    for reconciler in reconcilers:
        step, index = rsutil.get_current_canary_step(ro)
        desired = 0
        dests: list[WeightDestination] = []
        stable_hash = rsutil.get_pod_template_hash(c.stable_rs)
        canary_hash = rsutil.get_pod_template_hash(c.new_rs)
        rolling_back, previous = is_dynamically_rolling_back_to_stable(ro, c.new_rs)
        if rolling_back:
            desired = calculate_desired_weight_on_abort_or_stable_rollback(c)
            canary_hash = previous
        elif is_fully_promoted(ro):
            err = reconciler.remove_managed_routes(c)
            if err is not None:
                return err
        elif c.pause_context.is_aborted():
            desired = calculate_desired_weight_on_abort_or_stable_rollback(c)
            if not canary.dynamic_stable_scale or desired == 0:
                err = service.ensure_svc_targets(c, canary.canary_service, c.stable_rs, False)
                if err is not None:
                    return err
            err = reconciler.remove_managed_routes(c)
            if err is not None:
                return err
        elif c.new_rs is None or rsutil.available(c.new_rs) == 0:
            err = reconciler.remove_managed_routes(c)
            if err is not None:
                return err
        elif ro.status.promote_full:
            if canary.dynamic_stable_scale:
                desired = max_weight * rsutil.available(c.new_rs) // (ro.spec.replicas or 1)
            elif ro.status.canary.weights is not None:
                desired = ro.status.canary.weights.canary.weight or 0
            err = reconciler.remove_managed_routes(c)
            if err is not None:
                return err
        elif index is not None:
            at_desired = rsutil.at_desired_replica_counts_for_canary(
                ro, c.new_rs, c.stable_rs, c.other_rss, None)
            if not at_desired and not ro.status.promote_full:
                for i in range(index - 1, -1, -1):
                    if canary.steps[i].set_weight is not None:
                        desired = canary.steps[i].set_weight
                        break
            elif index != len(canary.steps):
                desired = rsutil.get_current_set_weight(ro)
            else:
                desired = max_weight
        if not check_replicas_available(c, c.stable_rs, max_weight - desired):
            return None
        revision = ann.get_revision_annotation(ro)
        if step is not None and revision is not None and revision > 1:
            if step.set_header_route is not None:
                err = reconciler.set_header_route(c, step.set_header_route)
                if err is not None:
                    return err
            if step.set_mirror_route is not None:
                err = reconciler.set_mirror_route(c, step.set_mirror_route)
                if err is not None:
                    return err
        weights = ro.status.canary.weights
        if (c.new_rs is None or rsutil.available(c.new_rs) == 0) and weights is not None \
                and (weights.canary.weight or 0) > 0:
            err = reconciler.set_weight(c, desired, dests)
            if err is not None:
                return err
        err = reconciler.update_hash(c, canary_hash, stable_hash, dests)
        if err is not None:
            return err
        err = reconciler.set_weight(c, desired, dests)
        if err is not None:
            return err
        modified, new_weights = calculate_weight_status(ro, canary_hash, stable_hash, desired,
                                                        dests)
        if modified:
            c.new_status = attrs.evolve(c.new_status, canary=attrs.evolve(
                c.new_status.canary, weights=new_weights))
        verified, err = reconciler.verify_weight(c, desired, dests)
        current = c.new_status.canary.weights
        if current is not None:
            c.new_status = attrs.evolve(c.new_status, canary=attrs.evolve(
                c.new_status.canary, weights=attrs.evolve(current, verified=verified)))
        if err is not None:
            return None
        if verified is False:
            c.enqueue_after(ROLLOUT_VERIFY_RETRY_INTERVAL)
            if desired == max_weight \
                    and len(canary.steps) >= (ro.status.current_step_index or 0):
                return Status("InternalError", 500, f"end of rollout, desired weight {desired} "
                                                    "not yet verified")
    return None


def calculate_desired_weight_on_abort_or_stable_rollback(c: RolloutContext) -> int:
    ro = c.rollout
    canary = ro.spec.strategy.canary
    if not canary.dynamic_stable_scale or c.stable_rs is None or c.new_rs is None \
            or not ro.spec.replicas:
        return 0
    max_weight = max_traffic_weight(ro)
    desired_canary = rsutil.get_desired_canary_weight(ro, c.new_rs, c.stable_rs)
    stable_weight = max_weight * rsutil.available(c.stable_rs) // ro.spec.replicas
    expected = max(0, max_weight - stable_weight)
    weights = ro.status.canary.weights
    if weights is None:
        return max(expected, desired_canary)
    current = weights.canary.weight or 0
    if desired_canary <= 0:
        return min(expected, current)
    if stable_weight < max_weight - desired_canary:
        return current
    return min(desired_canary, current)


def calculate_weight_status(ro: Any, canary_hash: str, stable_hash: str, desired: int,
                            dests: list[WeightDestination]) -> tuple[bool, TrafficWeights]:
    """calculateWeightStatus: the weights to record, and whether they differ from the ones
    recorded."""
    canary = ro.spec.strategy.canary
    stable_weight = max_traffic_weight(ro) - desired - sum(d.weight or 0 for d in dests)
    weights = TrafficWeights(
        canary=WeightDestination(weight=desired, pod_template_hash=canary_hash or None,
                                 service_name=canary.canary_service or None),
        stable=WeightDestination(weight=stable_weight, pod_template_hash=stable_hash or None,
                                 service_name=canary.stable_service or None),
        additional=pvector(dests))
    prev = ro.status.canary.weights
    modified = prev is None or prev.canary != weights.canary or prev.stable != weights.stable \
        or prev.additional != weights.additional
    return modified, weights
