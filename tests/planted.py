"""Planted bugs: test-only control planes that depart from Kubernetes in one known way.

The explorer's tests show that `explore` finds each bug, shrinks it to a few events, and finds
nothing with the default control plane. Production code carries no switch for them: each bug is
a variant of a real controller (or scheduler) built here, and a test passes the control plane
holding it to the explorer, the checker or `kubefold.cli.main`.

- "max-surge-rounded-down": the Deployment controller rounds a percentage maxSurge down
  instead of up (then, when both come to 0, maxUnavailable becomes 1). Built as a view: the
  controller syncs a Deployment whose percentage maxSurge reads as its floor, which
  ResolveFenceposts turns into exactly the rounded-down value.
- "new-unavailable-ignored": reconcileOldReplicaSets leaves the new ReplicaSet's unavailable
  pods out of maxScaledDown.
- "taints-ignored": the scheduler's TaintToleration filter lets every pod onto every node.
- "recreate-no-wait": rolloutRecreate scales the new ReplicaSet up without waiting for the old
  pods to be gone.
- "statefulset-eager": the StatefulSet controller's processReplica reads every pod as Running,
  Ready and Available, so an OrderedReady set creates ordinal i+1 before i is Ready.
- "job-ignores-parallelism": the Job controller's manageJob runs every remaining completion
  at once instead of at most `parallelism` pods.
- "tolerance-ignored": the HPA's replica calculator acts on any usage ratio other than 1, as if
  --horizontal-pod-autoscaler-tolerance were 0: every method that takes the tolerances is
  handed zero ones. Under a steady load each rescale changes every pod's share of it, and the
  HPA scales back within its stabilisation window (properties/autoscaling.py).
- "unready-endpoints": the EndpointSlice controller writes every endpoint as ready, whatever
  its pod's Ready condition says (as if every Service published not-ready addresses).
- "namespace-finalized-early": the namespace controller removes the `kubernetes` finalizer
  without deleting the namespace's content.
- "flagger-ab-match-dropped": Flagger's Istio router sets an A/B test's weights on a route
  without the analysis' header and cookie conditions, so everyone reaches the canary.
- "flagger-rollback-keeps-canary": Flagger's rollback routes traffic back but leaves the
  canary Deployment running.

A planted cluster value, `ForgetfulCluster`, breaks the scheduler cache's maintenance: a pod
that ends (turns Succeeded or Failed) is not taken off its node's allocation. Writes keep a
value's class (attrs.evolve), so a replay started from it keeps the bug.
- "canary-pause-skipped": the argo-rollouts controller counts a canary's timed pause step as
  completed as soon as the pause has begun (promotion before the pause ends).
- "bluegreen-switch-unready": reconcileActiveService switches the active Service without
  waiting for the new ReplicaSet to be saturated and available.

`variant(fn, **names)` copies a function with some of the module-level names it calls bound to
other values: the copy runs the real code with one callee swapped, and the module is untouched.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.reducers.controllers.deployment import controller, recreate, rolling, sync
from kubefold.reducers.controllers.endpointslice import endpointslice_controller as es_controller
from kubefold.reducers.controllers.endpointslice import utils as es_utils
from kubefold.reducers.controllers.namespace import deletion as ns_deletion
from kubefold.reducers.controllers.namespace import namespace_controller as ns_controller
from kubefold.reducers.controllers.podautoscaler.horizontal import HorizontalController
from kubefold.reducers.controllers.podautoscaler.replica_calculator import (
    ReplicaCalculator,
    Tolerances,
)
from kubefold.reducers.controllers.statefulset import stateful_set
from kubefold.reducers.controllers.statefulset import stateful_set_control as sts_control
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.registry import DEFAULT
from kubefold.reducers.rollouts.rollout import bluegreen as ro_bluegreen
from kubefold.reducers.rollouts.rollout import canary as ro_canary
from kubefold.reducers.rollouts.rollout import controller as ro_controller
from kubefold.reducers.rollouts.rollout import service as ro_service
from kubefold.reducers.rollouts.rollout.context import get_pause_condition
from kubefold.reducers.scheduler import controller as scheduler


@attrs.frozen
class ForgetfulCluster(Cluster):
    """A cluster whose scheduler cache keeps a pod that ends on its node."""

    def _reindex_pod(self, fields: dict[str, Any], ref: Any, old: Any, new: Any) -> None:
        super()._reindex_pod(fields, ref, old, new)
        ended = old is not None and new is not None and new.status.phase in (
            "Succeeded", "Failed") and old.status.phase not in ("Succeeded", "Failed")
        if ended:
            fields["sched"] = self.sched


BUGS = ("max-surge-rounded-down", "new-unavailable-ignored", "taints-ignored",
        "recreate-no-wait", "statefulset-eager", "tolerance-ignored", "unready-endpoints",
        "namespace-finalized-early", "canary-pause-skipped", "bluegreen-switch-unready",
        "flagger-ab-match-dropped", "flagger-rollback-keeps-canary")


def variant(fn: Callable[..., Any], **names: Any) -> Callable[..., Any]:
    """A copy of `fn` whose global names in `names` are bound to the values given."""
    missing = set(names) - set(fn.__code__.co_names)
    assert not missing, f"{fn.__name__} does not call {sorted(missing)}"
    scope = {**fn.__globals__, **names}
    copy = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def _deployment_with(**rollouts: Any) -> Controller:
    """The Deployment controller with its Recreate or RollingUpdate rollout swapped."""
    rollout = variant(controller._rollout, **rollouts)
    inner = variant(controller._sync_deployment, _rollout=rollout)
    return attrs.evolve(controller.CONTROLLER,
                        sync=variant(controller.sync_deployment, _sync_deployment=inner))


def recreate_no_wait() -> Controller:
    return _deployment_with(rollout_recreate=variant(
        recreate.rollout_recreate, old_pods_running=lambda *_: False))


def new_unavailable_ignored() -> Controller:
    def replicas(obj: Any) -> int:  # the new ReplicaSet reads as fully available
        if obj.kind == "ReplicaSet":
            return obj.status.available_replicas or 0
        return sync.replicas(obj)

    reconcile_old = variant(rolling.reconcile_old_replica_sets, replicas=replicas)
    return _deployment_with(rollout_rolling=variant(
        rolling.rollout_rolling, reconcile_old_replica_sets=reconcile_old))


def _floored_surge(d: Any) -> Any:
    """`d` with a percentage maxSurge replaced by the number it rounds down to."""
    rolling_update = d.spec.strategy.rolling_update if d.spec.strategy else None
    surge = rolling_update.max_surge if rolling_update else None
    if not isinstance(surge, str) or not surge.endswith("%"):
        return d
    floored = math.floor(int(surge[:-1]) * (d.spec.replicas or 0) / 100)
    strategy = attrs.evolve(d.spec.strategy, rolling_update=attrs.evolve(
        rolling_update, max_surge=floored))
    return attrs.evolve(d, spec=attrs.evolve(d.spec, strategy=strategy))


def max_surge_rounded_down() -> Controller:
    real = controller.CONTROLLER.sync

    def sync_deployment(cluster: Cluster, key: str) -> Cluster:
        namespace, _, name = key.rpartition("/")
        d = cluster.get("Deployment", namespace, name)
        view = _floored_surge(d) if d is not None else None
        if view is None or view is d:
            return real(cluster, key)
        mark = len(cluster.changes)
        out = real(cluster.put(view), key)
        after = out.get("Deployment", namespace, name)
        if after is not None:  # the stored spec keeps what the user wrote
            strategy = attrs.evolve(after.spec.strategy, rolling_update=d.spec.strategy
                                    .rolling_update)
            out = out.put(attrs.evolve(after, spec=attrs.evolve(after.spec,
                                                                strategy=strategy)))
        # The view's own two writes are not the controller's: informers never see them.
        kept = [c for i, c in enumerate(out.changes)
                if i != mark and not (after is not None and i == len(out.changes) - 1)]
        return attrs.evolve(out, changes=pvector(kept))

    return attrs.evolve(controller.CONTROLLER, sync=sync_deployment)


def scheduler_without_filter(plugin: str) -> Controller:
    """The scheduler with one plugin left out of the Filter extension point: it lets every
    pod through where that plugin would have stopped it."""
    def configured(cluster: Cluster) -> Any:
        config = scheduler.scheduler_config(cluster)
        profiles = {name: attrs.evolve(p, filter=tuple(
            f for f in p.filter if f.name != plugin))
            for name, p in config.profiles.items()}
        return attrs.evolve(config, profiles=profiles)

    return attrs.evolve(scheduler.CONTROLLER,
                        sync=variant(scheduler.sync, scheduler_config=configured))


def taints_ignored() -> Controller:
    return scheduler_without_filter("TaintToleration")


def statefulset_eager() -> Controller:
    """processReplica without its waits: every pod reads as Running, Ready and Available."""
    eager = variant(sts_control.process_replica, is_running_and_ready=lambda pod: True,
                    is_running_and_available=lambda *_: True)
    pods = variant(sts_control.update_stateful_set_pods, process_replica=eager)
    perform = variant(sts_control.perform_update, update_stateful_set_pods=pods)
    update = variant(sts_control.update_stateful_set, perform_update=perform)
    control = types.SimpleNamespace(**{**vars(sts_control), "update_stateful_set": update})
    sync_set = variant(stateful_set.sync_stateful_set, control=control)
    return attrs.evolve(stateful_set.CONTROLLER,
                        sync=variant(stateful_set.sync, sync_stateful_set=sync_set))


NO_TOLERANCE = Tolerances(0.0, 0.0)


def _ignoring_tolerance(method: Callable[..., Any]) -> Callable[..., Any]:
    def without_tolerance(self: Any, *args: Any) -> Any:
        return method(self, *(NO_TOLERANCE if isinstance(a, Tolerances) else a for a in args))
    return without_tolerance


class ToleranceIgnoringCalculator(ReplicaCalculator):
    """The replica calculator with every tolerance it is given replaced by zero."""

    get_resource_replicas = _ignoring_tolerance(ReplicaCalculator.get_resource_replicas)
    get_raw_resource_replicas = _ignoring_tolerance(ReplicaCalculator.get_raw_resource_replicas)
    get_metric_replicas = _ignoring_tolerance(ReplicaCalculator.get_metric_replicas)
    get_object_metric_replicas = _ignoring_tolerance(
        ReplicaCalculator.get_object_metric_replicas)
    get_usage_ratio_replica_count = _ignoring_tolerance(
        ReplicaCalculator.get_usage_ratio_replica_count)
    get_object_per_pod_metric_replicas = _ignoring_tolerance(
        ReplicaCalculator.get_object_per_pod_metric_replicas)
    get_external_metric_replicas = _ignoring_tolerance(
        ReplicaCalculator.get_external_metric_replicas)
    get_external_per_pod_metric_replicas = _ignoring_tolerance(
        ReplicaCalculator.get_external_per_pod_metric_replicas)


def tolerance_ignored() -> Controller:
    return HorizontalController(replica_calc=ToleranceIgnoringCalculator()).controller()


def unready_endpoints() -> Controller:
    def everything_ready(pod: Any, node: Any, svc: Any, address_type: str) -> Any:
        ep = es_utils.pod_to_endpoint(pod, node, svc, address_type)
        return attrs.evolve(ep, conditions=attrs.evolve(ep.conditions, ready=True))

    desired = variant(es_controller.desired_endpoints, pod_to_endpoint=everything_ready)
    return attrs.evolve(es_controller.CONTROLLER, sync=variant(
        es_controller.sync_service, desired_endpoints=desired))


def namespace_finalized_early() -> Controller:
    def nothing_to_delete(cluster: Cluster, ns: Any) -> tuple[Cluster, int, list[str]]:
        return cluster, 0, []

    delete = variant(ns_deletion.delete_namespace, delete_all_content=nothing_to_delete)
    return attrs.evolve(ns_controller.CONTROLLER, sync=variant(
        ns_controller.sync_namespace, delete_namespace=delete))


def _module_with(module: types.ModuleType, **overrides: Any) -> types.SimpleNamespace:
    """A stand-in for `module` with some of its names replaced, for `variant` to bind."""
    return types.SimpleNamespace(**{**vars(module), **overrides})


def _rollouts_with(**strategies: Any) -> Controller:
    """The argo-rollouts controller with its canary or blue-green module swapped."""
    reconcile = variant(ro_controller.reconcile, **strategies)
    inner = variant(ro_controller._sync, reconcile=reconcile)
    return attrs.evolve(ro_controller.CONTROLLER, sync=variant(ro_controller.sync, _sync=inner))


def canary_pause_skipped() -> Controller:
    """The argo-rollouts controller whose completedCurrentCanaryStep counts a pause with a
    duration as done once its pause condition exists."""
    def completed(c: Any) -> bool:
        step, _ = ro_canary.rsutil.get_current_canary_step(c.rollout)
        if step is not None and step.pause is not None and step.pause.duration is not None \
                and get_pause_condition(c.rollout, "CanaryPauseStep") is not None:
            return True
        return ro_canary.completed_current_canary_step(c)

    status = variant(ro_canary.sync_rollout_status_canary,
                     completed_current_canary_step=completed)
    rollout_canary = variant(ro_canary.rollout_canary, sync_rollout_status_canary=status)
    return _rollouts_with(canary=_module_with(ro_canary, rollout_canary=rollout_canary))


def bluegreen_switch_unready() -> Controller:
    """Blue-green without the ReadyForPause and IsSaturated guards of reconcileBlueGreenPause
    and reconcileActiveService: it pauses, and switches the active Service, before the new
    ReplicaSet's pods are available."""
    ready = _module_with(ro_service.rsutil, ready_for_pause=lambda *_: True)
    active = variant(ro_service.reconcile_active_service, rsutil=ready,
                     ann=_module_with(ro_service.ann, is_saturated=lambda *_: True))
    pause = variant(ro_bluegreen.reconcile_blue_green_pause, rsutil=ready)
    rollout = variant(ro_bluegreen.rollout_blue_green, reconcile_blue_green_pause=pause,
                      service=_module_with(ro_service, reconcile_active_service=active))
    return _rollouts_with(bluegreen=_module_with(ro_bluegreen, rollout_blue_green=rollout))


def _flagger_with(advance: Callable[..., Any]) -> Controller:
    """The flagger controller whose analysis tick is `advance`."""
    from kubefold.reducers import flagger
    from kubefold.reducers.flagger import controller as flagger_controller

    run_job = variant(flagger_controller.run_job,
                      scheduler=types.SimpleNamespace(advance_canary=advance))
    return attrs.evolve(flagger.CONTROLLER,
                        sync=variant(flagger_controller.sync_canary, run_job=run_job))


def flagger_ab_match_dropped() -> Controller:
    from kubefold.reducers.flagger import scheduler as flagger_scheduler
    from kubefold.reducers.flagger.router import istio

    set_routes = variant(istio.IstioRouter.set_routes,
                         merge_match_conditions=lambda canary, defaults: defaults)
    dropped = type("DroppedMatchRouter", (istio.IstioRouter,), {"set_routes": set_routes})

    def mesh_router(provider: str) -> Any:
        found = flagger_scheduler.mesh_router(provider)
        return dropped() if isinstance(found, istio.IstioRouter) else found

    return _flagger_with(variant(flagger_scheduler.advance_canary, mesh_router=mesh_router))


def flagger_rollback_keeps_canary() -> Controller:
    from kubefold.reducers.flagger import scheduler as s
    from kubefold.reducers.flagger.canary import deployment_controller

    kept = types.SimpleNamespace(**{**vars(deployment_controller),
                                    "scale_to_zero": lambda cluster, cd: (cluster, None)})
    rollback = variant(s.rollback, deployer=kept)
    phases = variant(s._phases, rollback=rollback)
    analyse = variant(s._analyse, rollback=rollback, _phases=phases)
    initialize = variant(s._initialize, rollback=rollback, _analyse=analyse)
    return _flagger_with(variant(s.advance_canary, _initialize=initialize))


VARIANTS: dict[str, Callable[[], Controller]] = {
    "max-surge-rounded-down": max_surge_rounded_down,
    "new-unavailable-ignored": new_unavailable_ignored,
    "taints-ignored": taints_ignored,
    "recreate-no-wait": recreate_no_wait,
    "statefulset-eager": statefulset_eager,
    "tolerance-ignored": tolerance_ignored,
    "unready-endpoints": unready_endpoints,
    "namespace-finalized-early": namespace_finalized_early,
    "canary-pause-skipped": canary_pause_skipped,
    "bluegreen-switch-unready": bluegreen_switch_unready,
    "flagger-ab-match-dropped": flagger_ab_match_dropped,
    "flagger-rollback-keeps-canary": flagger_rollback_keeps_canary,
}


def planted(*bugs: str) -> ControlPlane:
    """The default control plane with the named bugs planted (none: the default one)."""
    return DEFAULT.replace(*(VARIANTS[bug]() for bug in bugs))


# -- batch/v1 ------------------------------------------------------------------------------------


def job_ignores_parallelism() -> Controller:
    """"job-ignores-parallelism": manageJob runs as many pods as completions remain (one more
    than parallelism for a work queue), not at most parallelism. Built as a view: manageJob sees
    the Job with parallelism raised, then the Job is as it was."""
    from kubefold.reducers.controllers.job import job_controller

    def manage_job(cluster: Cluster, key: str, ctx: Any) -> Any:
        real = ctx.job
        spec = real.spec
        wide = (spec.completions if spec.completions is not None
                else (spec.parallelism or 1) + 1)
        ctx.job = attrs.evolve(real, spec=attrs.evolve(spec, parallelism=max(
            wide, spec.parallelism or 0)))
        try:
            return job_controller.manage_job(cluster, key, ctx)
        finally:
            ctx.job = real

    sync_claimed = variant(job_controller._sync_claimed, manage_job=manage_job)
    sync_job = variant(job_controller.sync_job, _sync_claimed=sync_claimed)
    return attrs.evolve(job_controller.CONTROLLER,
                        sync=variant(job_controller.sync, sync_job=sync_job))


VARIANTS["job-ignores-parallelism"] = job_ignores_parallelism
BUGS = (*BUGS, "job-ignores-parallelism")
