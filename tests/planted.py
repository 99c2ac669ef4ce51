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
- "flagger-ab-match-dropped": Flagger's Istio router sets an A/B test's weights on a route
  without the analysis' header and cookie conditions, so everyone reaches the canary.
- "flagger-rollback-keeps-canary": Flagger's rollback routes traffic back but leaves the
  canary Deployment running.

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
from kubefold.reducers.controllers.statefulset import stateful_set
from kubefold.reducers.controllers.statefulset import stateful_set_control as sts_control
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.registry import DEFAULT
from kubefold.reducers.scheduler import controller as scheduler

BUGS = ("max-surge-rounded-down", "new-unavailable-ignored", "taints-ignored",
        "recreate-no-wait", "statefulset-eager", "flagger-ab-match-dropped",
        "flagger-rollback-keeps-canary")


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
    "flagger-ab-match-dropped": flagger_ab_match_dropped,
    "flagger-rollback-keeps-canary": flagger_rollback_keeps_canary,
}


def planted(*bugs: str) -> ControlPlane:
    """The default control plane with the named bugs planted (none: the default one)."""
    return DEFAULT.replace(*(VARIANTS[bug]() for bug in bugs))
