"""One analysis tick of a Canary: Flagger's advanceCanary, and the strategies it runs.

`advance_canary(cluster, namespace, name)` is what Flagger's CanaryJob runs every
`analysis.interval`: make the Services and the primary, wait for the primary, turn the apex
Service to it and scale the target to zero (Initializing -> Initialized); on a new revision of
the target (its pod template's hash, or a tracked ConfigMap or Secret) pass the confirm-rollout
gates and scale the target up (Progressing); then each tick check the metrics (a failure counts
one failed check, `threshold` of them roll back), and advance the strategy: a progressive
canary's weight by stepWeight (or to the next stepWeights) up to maxWeight, an A/B test's or a
Blue/Green's iterations; then promote (copy the target's template into the primary:
Promoting), route all traffic to the primary (at once, or by stepWeightPromotion: Finalising),
and scale the target to zero (Succeeded). A rollback routes all traffic to the primary, scales
the target to zero and marks the Canary Failed.

Every early `return` of Go's function is an early return here with the message Flagger records
(reducers/flagger/events.py); errors of writes are recorded, never raised.

Models: fluxcd/flagger pkg/controller/scheduler.go (maxWeight, totalWeight, nextStepWeight,
advanceCanary, runPromotionTrafficShift, runCanary, runAB, runBlueGreen, runAnalysis,
shouldSkipAnalysis, shouldAdvance, checkCanaryStatus, hasCanaryRevisionChanged, rollback,
handleFailedPromotion, setPhaseInitialized), at fluxcd/flagger main (v1.4x), with Flagger's
default flags (-mesh-provider istio).
Simplifies:
- Only Deployment targets are driven (DaemonSet and Service targets, Knative, and the
  autoscaler reconcilers are not modelled: a Canary naming another kind records a warning and
  is left alone); providers kubefold has no router for likewise (see router/__init__.py).
- Metric providers are always online; alerts, Prometheus metrics of Flagger itself and the
  event webhook are not produced.
Covered by: tests/test_flagger_scheduler.py (the ports of scheduler_deployment_test.go,
scheduler_svc_test.go and scheduler_metrics_test.go), tests/test_flagger_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import (
    FAILED,
    FINALISING,
    INITIALIZED,
    INITIALIZING,
    KUBERNETES,
    PROGRESSING,
    PROMOTING,
    STRATEGY_AB_TESTING,
    STRATEGY_BLUE_GREEN,
    SUCCEEDED,
    WAITING,
    WAITING_PROMOTION,
    Canary,
    deployment_strategy,
    get_analysis,
    get_analysis_threshold,
    provider_of,
    skip_analysis,
    target_kind,
    target_name,
)
from kubefold.reducers.flagger import scheduler_hooks as hooks
from kubefold.reducers.flagger.canary import deployment_controller as deployer
from kubefold.reducers.flagger.canary import deployment_ready
from kubefold.reducers.flagger.canary import status as canary_status
from kubefold.reducers.flagger.canary.status import StatusUpdate
from kubefold.reducers.flagger.events import info, warning
from kubefold.reducers.flagger.router import KubernetesDefaultRouter, mesh_router
from kubefold.reducers.flagger.scheduler_metrics import run_analysis

TOTAL_WEIGHT = 100


# -- weights ----------------------------------------------------------------------------------


def total_weight(cd: Canary) -> int:
    """totalWeight: 100."""
    return TOTAL_WEIGHT


def max_weight(cd: Canary) -> int:
    """maxWeight: the last of stepWeights (at most 100), else maxWeight, else 100."""
    analysis = get_analysis(cd)
    if analysis.step_weights:
        return min(total_weight(cd), analysis.step_weights[-1])
    if (analysis.max_weight or 0) > 0:
        return analysis.max_weight or 0
    return total_weight(cd)


def next_step_weight(cd: Canary, canary_weight: int) -> int:
    """nextStepWeight: stepWeight; with stepWeights, the step to the next one of them (never
    past 100; 1 once at 100, to go on to promotion)."""
    analysis = get_analysis(cd)
    steps = list(analysis.step_weights)
    if (analysis.step_weight or 0) > 0 or not steps:
        return analysis.step_weight or 0
    max_step = total_weight(cd) - canary_weight
    if max_step == 0:
        return 1
    if canary_weight == 0:
        return min(max_step, steps[0])
    for i in range(len(steps) - 1):
        if steps[i] == canary_weight:
            return min(max_step, steps[i + 1] - canary_weight)
    return max_step


# -- advanceCanary ----------------------------------------------------------------------------


@attrs.frozen
class Tick:
    """What one advanceCanary holds: the Canary as read, its routers and provider."""

    cd: Canary
    provider: str
    mesh: Any
    kube: KubernetesDefaultRouter


def advance_canary(cluster: Cluster, namespace: str, name: str) -> Cluster:
    """advanceCanary for the Canary `namespace/name`."""
    cd: Canary | None = cluster.get("Canary", namespace, name)
    if cd is None:
        return cluster
    if cd.spec.suspend:
        return info(cluster, cd, "skipping canary run as object is suspended")
    provider = provider_of(cd)
    if target_kind(cd) != "Deployment":
        return warning(cluster, cd, f"kubefold drives Deployment targets only, not "
                                    f"{target_kind(cd)} {target_name(cd)}.{namespace}")
    found = deployer.get_metadata(cluster, cd)
    if isinstance(found, str):
        return warning(cluster, cd, found)
    label, label_value, ports = found
    kube = KubernetesDefaultRouter(label, label_value, ports)
    cluster, err = kube.initialize(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    if not skip_analysis(cd) and cd.status.phase in (None, "", INITIALIZING):
        cluster = info(cluster, cd, "all the metrics providers are available!")
    mesh = mesh_router(provider)
    if mesh is None:
        return warning(cluster, cd, f"the {provider} provider is not modelled by kubefold")
    tick = Tick(cd, provider, mesh, kube)
    return _initialize(cluster, tick)


def _initialize(cluster: Cluster, tick: Tick) -> Cluster:
    """The part of advanceCanary that makes and keeps the primary, the Services and routes."""
    cd = tick.cd
    cluster, retriable, err = deployer.initialize(cluster, cd)
    if err is not None:
        cluster = warning(cluster, cd, err)
        if not retriable:
            return rollback(cluster, tick)
        return cluster
    cluster, err = tick.kube.reconcile(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    if cd.status.phase in (None, "", INITIALIZING):
        cluster, err = deployer.scale_to_zero(cluster, cd)
        if err is not None:
            return warning(cluster, cd, f"scaling down canary Deployment {target_name(cd)}."
                                        f"{cd.metadata.namespace} failed: {err}")
    cluster, err = tick.mesh.reconcile(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    cluster, cd, err = set_phase_initialized(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    return _analyse(cluster, attrs.evolve(tick, cd=cd))


def _analyse(cluster: Cluster, tick: Tick) -> Cluster:
    """The rest of advanceCanary: a new revision, the readiness checks, the rollback and
    promotion phases, the metric checks and the strategy's step."""
    cd = tick.cd
    cluster, should, err = should_advance(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    if not should:
        return cluster
    if not skip_analysis(cd):
        retriable, err = deployment_ready.is_primary_ready(cluster, cd)
        if err is not None:
            cluster = warning(cluster, cd, err)
            if not retriable:
                if cd.status.phase in (PROMOTING, FINALISING):
                    return handle_failed_promotion(cluster, tick, err)
                return rollback(cluster, tick)
            return cluster
    primary_weight, canary_weight, mirrored, err = tick.mesh.get_routes(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    cluster, ok = check_canary_status(cluster, cd, True)
    if not ok:
        return cluster
    if has_canary_revision_changed(cluster, cd):
        cluster = info(cluster, cd, "New revision detected! Restarting analysis for "
                                    f"{target_name(cd)}.{cd.metadata.namespace}")
        cluster, cd, err = tick.mesh.set_routes(cluster, cd, total_weight(cd), 0, False)
        if err is not None:
            return warning(cluster, cd, err)
        cluster, err = canary_status.sync_status(cluster, cd, StatusUpdate(PROGRESSING))
        return warning(cluster, cd, err) if err is not None else cluster
    retriable, err = deployment_ready.is_canary_ready(cluster, cd)
    if err is not None:
        cluster = warning(cluster, cd, err)
        return rollback(cluster, tick) if not retriable else cluster
    cluster, skipped = should_skip_analysis(cluster, tick)
    if skipped:
        return cluster
    return _phases(cluster, tick, primary_weight, canary_weight, mirrored)


def _phases(cluster: Cluster, tick: Tick, primary_weight: int, canary_weight: int,
            mirrored: bool) -> Cluster:
    cd = tick.cd
    who = f"{cd.metadata.name}.{cd.metadata.namespace}"
    phase = cd.status.phase
    if phase in (PROGRESSING, WAITING, WAITING_PROMOTION):
        cluster, requested = hooks.run_rollback_hooks(cluster, cd)
        if requested:
            cluster = warning(cluster, cd, f"Rolling back {who} manual webhook invoked")
            return rollback(cluster, tick)
    if phase == PROMOTING:
        return run_promotion_traffic_shift(cluster, tick, canary_weight, primary_weight)
    if phase == FINALISING:
        cluster, err = deployer.scale_to_zero(cluster, cd)
        if err is not None:
            return warning(cluster, cd, err)
        cluster, err = canary_status.set_status_phase(cluster, cd, SUCCEEDED)
        if err is not None:
            return warning(cluster, cd, err)
        cluster = hooks.forget_gates(cluster, cd)
        cluster, _ = hooks.run_post_rollout_hooks(cluster, cd)
        return info(cluster, cd, f"Promotion completed! Scaling down {target_name(cd)}."
                                 f"{cd.metadata.namespace}")
    if phase in (PROGRESSING, WAITING_PROMOTION) \
            and (cd.status.failed_checks or 0) >= get_analysis_threshold(cd):
        return rollback(cluster, tick)
    analysis = get_analysis(cd)
    if canary_weight == 0 and (cd.status.iterations or 0) == 0 \
            and not (analysis.mirror and mirrored):
        cluster = info(cluster, cd, f"Starting canary analysis for {target_name(cd)}."
                                    f"{cd.metadata.namespace}")
        cluster, _ = hooks.run_pre_rollout_hooks(cluster, cd)
    else:
        cluster, ok = run_analysis(cluster, cd)
        if not ok:
            cluster, err = canary_status.set_status_failed_checks(
                cluster, cd, (cd.status.failed_checks or 0) + 1)
            return warning(cluster, cd, err) if err is not None else cluster
    if tick.provider == KUBERNETES:
        cluster, tick = _kubernetes_blue_green(cluster, tick)
        cd = tick.cd
    strategy = deployment_strategy(cd)
    if strategy == STRATEGY_AB_TESTING:
        return run_ab(cluster, tick)
    if strategy == STRATEGY_BLUE_GREEN:
        return run_blue_green(cluster, tick, mirrored)
    if next_step_weight(cd, canary_weight) > 0:
        if not mirrored and phase not in (PROMOTING, WAITING_PROMOTION, FINALISING):
            cluster, ok = hooks.run_confirm_traffic_increase_hooks(cluster, cd)
            if not ok:
                return cluster
        return run_canary(cluster, tick, mirrored, canary_weight, primary_weight,
                          max_weight(cd))
    return cluster


def _kubernetes_blue_green(cluster: Cluster, tick: Tick) -> tuple[Cluster, Tick]:
    """With the kubernetes provider: no A/B (match dropped), and Blue/Green of 10 iterations
    when none are set (Go changes its in-memory copy of the Canary)."""
    cd = tick.cd
    analysis = get_analysis(cd)
    if analysis.match:
        cluster = warning(cluster, cd, "A/B testing is not supported when using the "
                                       "kubernetes provider")
        analysis = attrs.evolve(analysis, match=pvector())
    if (analysis.iterations or 0) < 1:
        cluster = warning(cluster, cd, "Progressive traffic is not supported when using the "
                                       "kubernetes provider")
        cluster = warning(cluster, cd, "Setting canaryAnalysis.iterations: 10")
        analysis = attrs.evolve(analysis, iterations=10)
    if cd.spec.analysis is not None:
        spec = attrs.evolve(cd.spec, analysis=analysis)
    else:
        spec = attrs.evolve(cd.spec, canary_analysis=analysis)
    cd = attrs.evolve(cd, spec=spec)
    return cluster, attrs.evolve(tick, cd=cd)


# -- promotion --------------------------------------------------------------------------------


def run_promotion_traffic_shift(cluster: Cluster, tick: Tick, canary_weight: int,
                                primary_weight: int) -> Cluster:
    """runPromotionTrafficShift: all traffic to the primary at once (Finalising), or
    stepWeightPromotion more each tick until it has it all."""
    cd = tick.cd
    if tick.provider == KUBERNETES:
        cluster, err = canary_status.set_status_phase(cluster, cd, FINALISING)
        return warning(cluster, cd, err) if err is not None else cluster
    step = get_analysis(cd).step_weight_promotion or 0
    if step == 0:
        cluster = info(cluster, cd, "Routing all traffic to primary")
        cluster, cd, err = tick.mesh.set_routes(cluster, cd, total_weight(cd), 0, False)
        if err is not None:
            return warning(cluster, cd, err)
        cluster, err = canary_status.set_status_phase(cluster, cd, FINALISING)
        return warning(cluster, cd, err) if err is not None else cluster
    if canary_weight > 0:
        primary_weight = min(primary_weight + step, total_weight(cd))
        canary_weight = max(canary_weight - step, 0)
        cluster, cd, err = tick.mesh.set_routes(cluster, cd, primary_weight, canary_weight,
                                                False)
        if err is not None:
            return warning(cluster, cd, err)
        cluster = info(cluster, cd, f"Advance {cd.metadata.name}.{cd.metadata.namespace} "
                                    f"primary weight {primary_weight}")
        if primary_weight == total_weight(cd):
            cluster, err = canary_status.set_status_phase(cluster, cd, FINALISING)
        else:
            cluster, err = canary_status.set_status_weight(cluster, cd, canary_weight)
        if err is not None:
            return warning(cluster, cd, err)
    return cluster


def _promote(cluster: Cluster, cd: Canary) -> Cluster:
    """Copy the target's template into the primary, then phase Promoting."""
    primary = f"{target_name(cd)}-primary"
    cluster = info(cluster, cd, f"Copying {target_name(cd)}.{cd.metadata.namespace} template "
                                f"spec to {primary}.{cd.metadata.namespace}")
    cluster, err = deployer.promote(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    cluster, err = canary_status.set_status_phase(cluster, cd, PROMOTING)
    return warning(cluster, cd, err) if err is not None else cluster


def run_canary(cluster: Cluster, tick: Tick, mirrored: bool, canary_weight: int,
               primary_weight: int, max_weight_: int) -> Cluster:
    """runCanary: one step of weight (after one step of mirroring, with mirror), or, at the
    maximum, the confirm-promotion gates and the promotion."""
    cd = tick.cd
    if canary_weight < max_weight_:
        step = next_step_weight(cd, canary_weight)
        if get_analysis(cd).mirror and canary_weight == 0:
            if not mirrored:
                mirrored, primary_weight, canary_weight = True, total_weight(cd), 0
            else:
                mirrored = False
                primary_weight, canary_weight = total_weight(cd) - step, step
        else:
            primary_weight = max(primary_weight - step, 0)
            canary_weight = min(canary_weight + step, total_weight(cd))
        cluster, cd, err = tick.mesh.set_routes(cluster, cd, primary_weight, canary_weight,
                                                mirrored)
        if err is not None:
            return warning(cluster, cd, err)
        cluster, err = canary_status.set_status_weight(cluster, cd, canary_weight)
        if err is not None:
            return warning(cluster, cd, err)
        return info(cluster, cd, f"Advance {cd.metadata.name}.{cd.metadata.namespace} canary "
                                 f"weight {canary_weight}")
    cluster, ok = hooks.run_confirm_promotion_hooks(cluster, cd)
    if not ok:
        return cluster
    return _promote(cluster, cd)


def _advance_iteration(cluster: Cluster, cd: Canary) -> Cluster:
    iterations = (cd.status.iterations or 0) + 1
    cluster, err = canary_status.set_status_iterations(cluster, cd, iterations)
    if err is not None:
        return warning(cluster, cd, err)
    return info(cluster, cd, f"Advance {cd.metadata.name}.{cd.metadata.namespace} canary "
                             f"iteration {iterations}/{get_analysis(cd).iterations or 0}")


def run_ab(cluster: Cluster, tick: Tick) -> Cluster:
    """runAB: route the matching requests to the canary and count one iteration; after the
    last, the confirm-promotion gates and the promotion."""
    cd = tick.cd
    iterations = get_analysis(cd).iterations or 0
    if iterations > (cd.status.iterations or 0):
        cluster, cd, err = tick.mesh.set_routes(cluster, cd, 0, total_weight(cd), False)
        if err is not None:
            return warning(cluster, cd, err)
        return _advance_iteration(cluster, cd)
    cluster, ok = hooks.run_confirm_promotion_hooks(cluster, cd)
    if not ok:
        return cluster
    if iterations == (cd.status.iterations or 0):
        return _promote(cluster, cd)
    return cluster


def run_blue_green(cluster: Cluster, tick: Tick, mirrored: bool) -> Cluster:
    """runBlueGreen: count the iterations (mirroring to the canary throughout, with mirror);
    then all traffic to the canary for one more; then the promotion."""
    cd = tick.cd
    analysis = get_analysis(cd)
    iterations = analysis.iterations or 0
    done = cd.status.iterations or 0
    if iterations > done:
        if tick.provider != KUBERNETES and analysis.mirror and not mirrored:
            cluster, cd, err = tick.mesh.set_routes(cluster, cd, total_weight(cd), 0, True)
            if err is not None:
                cluster = warning(cluster, cd, err)
        return _advance_iteration(cluster, cd)
    cluster, ok = hooks.run_confirm_promotion_hooks(cluster, cd)
    if not ok:
        return cluster
    if iterations == done:
        if tick.provider != KUBERNETES:
            cluster = info(cluster, cd, "Stop traffic mirroring and route all traffic to canary"
                           if analysis.mirror else "Routing all traffic to canary")
            cluster, cd, err = tick.mesh.set_routes(cluster, cd, 0, total_weight(cd), False)
            if err is not None:
                return warning(cluster, cd, err)
        cluster, err = canary_status.set_status_iterations(cluster, cd, done + 1)
        return warning(cluster, cd, err) if err is not None else cluster
    if iterations < done:
        return _promote(cluster, cd)
    return cluster


def should_skip_analysis(cluster: Cluster, tick: Tick) -> tuple[Cluster, bool]:
    """shouldSkipAnalysis: with skipAnalysis, promote at once and succeed."""
    cd = tick.cd
    if not skip_analysis(cd):
        return cluster, False
    cluster, cd, err = tick.mesh.set_routes(cluster, cd, total_weight(cd), 0, False)
    if err is not None:
        return warning(cluster, cd, err), True
    name, namespace = target_name(cd), cd.metadata.namespace
    cluster = info(cluster, cd, f"Copying {name}.{namespace} template spec to {name}-primary."
                                f"{namespace}")
    cluster, err = deployer.promote(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err), True
    cluster, err = deployer.scale_to_zero(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err), True
    cluster, err = canary_status.set_status_phase(cluster, cd, SUCCEEDED)
    if err is not None:
        return warning(cluster, cd, err), True
    cluster = hooks.forget_gates(cluster, cd)
    cluster, _ = hooks.run_post_rollout_hooks(cluster, cd)
    return info(cluster, cd, f"Promotion completed! Canary analysis was skipped for {name}."
                             f"{namespace}"), True


# -- phases -----------------------------------------------------------------------------------


def should_advance(cluster: Cluster, cd: Canary) -> tuple[Cluster, bool, str | None]:
    """shouldAdvance: an analysis under way, or a new revision of the target or its configs
    (a Failed Canary first records the target's current spec)."""
    if cd.status.phase in (PROGRESSING, WAITING, WAITING_PROMOTION, PROMOTING, FINALISING):
        return cluster, True, None
    if cd.status.phase == FAILED:
        status = cd.status
        cluster, err = canary_status.sync_status(cluster, cd, StatusUpdate(
            FAILED, status.canary_weight or 0, status.failed_checks or 0,
            status.iterations or 0))
        if err is not None:
            return cluster, False, err
    changed = deployer.has_target_changed(cluster, cd)
    if isinstance(changed, str):
        return cluster, False, changed
    if changed:
        return cluster, True, None
    configs = deployer.have_dependencies_changed(cluster, cd)
    if isinstance(configs, str):
        return cluster, False, configs
    return cluster, configs, None


def check_canary_status(cluster: Cluster, cd: Canary, should: bool) -> tuple[Cluster, bool]:
    """checkCanaryStatus: go on with an analysis under way; for a new revision, pass the
    confirm-rollout gates, scale the target up and start Progressing (next tick)."""
    if cd.status.phase in (PROGRESSING, WAITING_PROMOTION, PROMOTING, FINALISING):
        return cluster, True
    latest: Canary | None = cluster.get("Canary", cd.metadata.namespace, cd.metadata.name)
    if latest is None:
        return cluster, False
    if not should:
        return cluster, False
    cluster, approved = hooks.run_confirm_rollout_hooks(cluster, latest)
    if not approved:
        return cluster, False
    cluster = info(cluster, latest, f"New revision detected! Scaling up {target_name(latest)}."
                                    f"{latest.metadata.namespace}")
    cluster, err = deployer.scale_from_zero(cluster, latest)
    if err is not None:
        return warning(cluster, latest, err), False
    cluster, _ = canary_status.sync_status(cluster, latest, StatusUpdate(PROGRESSING))
    return cluster, False


def has_canary_revision_changed(cluster: Cluster, cd: Canary) -> bool:
    """hasCanaryRevisionChanged: during an analysis, the target or its configs changed."""
    if cd.status.phase not in (PROGRESSING, WAITING_PROMOTION):
        return False
    return deployer.has_target_changed(cluster, cd) is True \
        or deployer.have_dependencies_changed(cluster, cd) is True


def rollback(cluster: Cluster, tick: Tick) -> Cluster:
    """rollback: all traffic to the primary, the target scaled to zero, phase Failed."""
    cd = tick.cd
    who = f"{cd.metadata.name}.{cd.metadata.namespace}"
    if (cd.status.failed_checks or 0) >= get_analysis_threshold(cd):
        cluster = warning(cluster, cd, f"Rolling back {who} failed checks threshold reached "
                                       f"{cd.status.failed_checks or 0}")
    cluster, cd, err = tick.mesh.set_routes(cluster, cd, total_weight(cd), 0, False)
    if err is not None:
        return warning(cluster, cd, err)
    cluster = warning(cluster, cd, f"Canary failed! Scaling down {who}")
    cluster, err = deployer.scale_to_zero(cluster, cd)
    if err is not None:
        return warning(cluster, cd, err)
    cluster, err = canary_status.sync_status(cluster, cd, StatusUpdate(FAILED))
    if err is not None:
        return cluster
    cluster = hooks.forget_gates(cluster, cd)
    cluster, _ = hooks.run_post_rollout_hooks(cluster, cd)
    return cluster


def handle_failed_promotion(cluster: Cluster, tick: Tick, err: str) -> Cluster:
    """handleFailedPromotion: the primary broke while promoted: all traffic back to the
    canary (the healthy copy of the new revision), phase Failed at weight 100."""
    cd = tick.cd
    cluster = warning(cluster, cd, f"Promotion of {target_name(cd)}.{cd.metadata.namespace} "
                                   f"failed, primary not ready: {err}")
    cluster, cd, route_err = tick.mesh.set_routes(cluster, cd, 0, total_weight(cd), False)
    if route_err is not None:
        return warning(cluster, cd, route_err)
    cluster, sync_err = canary_status.sync_status(cluster, cd, StatusUpdate(
        FAILED, canary_weight=total_weight(cd)))
    if sync_err is not None:
        return cluster
    cluster = hooks.forget_gates(cluster, cd)
    cluster, _ = hooks.run_post_rollout_hooks(cluster, cd)
    return cluster


def set_phase_initialized(cluster: Cluster, cd: Canary) -> tuple[Cluster, Canary, str | None]:
    """setPhaseInitialized: Initializing (or no phase) becomes Initialized, recording the
    target's spec as applied and promoted."""
    if cd.status.phase not in (None, "", INITIALIZING):
        return cluster, cd, None
    cluster, err = canary_status.sync_status(cluster, cd, StatusUpdate(INITIALIZED))
    if err is not None:
        return cluster, cd, f"failed to sync canary {cd.metadata.name}.{cd.metadata.namespace} " \
                            f"status: {err}"
    latest: Canary = cluster.get("Canary", cd.metadata.namespace, cd.metadata.name)
    cd = attrs.evolve(cd, status=attrs.evolve(
        cd.status, phase=INITIALIZED, last_applied_spec=latest.status.last_applied_spec,
        tracked_configs=latest.status.tracked_configs))
    cluster = info(cluster, cd, f"Initialization done! {cd.metadata.name}."
                                f"{cd.metadata.namespace}")
    return cluster, cd, None
