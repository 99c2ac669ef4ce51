"""The `argo-rollouts` controller (key namespace/name): one call of Argo Rollouts' syncHandler
per reconcile.

`sync(cluster, key)` follows syncHandler: a missing or deleted Rollout -> nothing; the rollout
context (the workload reference resolved, the ReplicaSets claimed and sorted into new, stable,
older and other, the Experiments and AnalysisRuns, the spec validated: an invalid one gets the
InvalidSpec condition and is retried, rate limited; the new ReplicaSet created when missing);
spec.replicas defaulted to 1; then reconcile: the paused conditions, a scaling event, or the
blue-green or canary strategy. A Go error requeues the key rate limited; every wait the
controller asks for (a pause's end, a scale-down deadline, a progress deadline, a restart) is a
requeue at that logical time.

Informers (`watch`): a Rollout's writes; its ReplicaSets' and Experiments'; its AnalysisRuns'
when their phase changes; a Service it manages or references; the VirtualService,
DestinationRule or workload it names.

Models: rollout/controller.go (NewController's event handlers, syncHandler,
newRolloutContext, getReplicaSetsForRollouts), rollout/context.go (reconcile),
service/service.go (syncService's enqueue of the Rollout), rollout/trafficrouting/istio
controller.go (a VirtualService or DestinationRule enqueues its Rollouts),
experiments/controller.go (an Experiment enqueues its Rollout), argo-rollouts at 9f8d111.
Simplifies: the resync period (15 minutes) is not modelled (every wait is requeued for its own
time); the service controller's clean-up of Services no Rollout references is not done.
Finding the Rollouts that reference a Service, VirtualService, DestinationRule or Deployment
reads the namespace's Rollouts (Argo keeps indexers for it).
Covered by: tests/test_rollouts_canary.py, tests/test_rollouts_bluegreen.py,
tests/test_rollouts_e2e.py, tests/test_rollouts_properties.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import FieldError, Status, invalid
from kubefold.reducers.controlplane import Controller
from kubefold.reducers.rollouts.rollout import (
    analysis,
    bluegreen,
    canary,
    experiment,
    templateref,
    validation,
)
from kubefold.reducers.rollouts.rollout import replicaset as rrs
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.utils import analysis as au
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import conditions as cond
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.rollout import is_fully_promoted

NAME = "argo-rollouts"
INVALID_SPEC_REQUEUE = 20  # enqueueRolloutAfter for an invalid workload reference


def _key(namespace: str | None, name: str | None) -> str:
    return f"{namespace or ''}/{name}"


# -- informer event handlers -----------------------------------------------------------------


def _controller_of(obj: Any) -> Any:
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


def _parent_key(cluster: Cluster, obj: Any) -> list[str]:
    """EnqueueParentObject(obj, Rollout): the Rollout that controls it."""
    ref = _controller_of(obj)
    if ref is None or ref.kind != "Rollout":
        return []
    ro = cluster.get("Rollout", obj.metadata.namespace, ref.name or "")
    if ro is None or ro.metadata.uid != ref.uid:
        return []
    return [_key(obj.metadata.namespace, ref.name)]


def _rollouts_referencing(cluster: Cluster, namespace: str, test: Any) -> list[str]:
    return [_key(namespace, ro.metadata.name) for ro in
            sorted(cluster.list("Rollout", namespace), key=lambda r: r.metadata.name)
            if test(ro)]


def _references_service(ro: Any, name: str) -> bool:
    bg, canary_ = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    names = [bg.active_service, bg.preview_service] if bg is not None else []
    if canary_ is not None:
        names += [canary_.stable_service, canary_.canary_service]
    return name in names


def _references_istio(ro: Any, kind: str, name: str) -> bool:
    canary_ = ro.spec.strategy.canary
    if canary_ is None or canary_.traffic_routing is None or canary_.traffic_routing.istio is None:
        return False
    istio = canary_.traffic_routing.istio
    if kind == "DestinationRule":
        return istio.destination_rule is not None and istio.destination_rule.name == name
    vss = list(istio.virtual_services) or ([istio.virtual_service] if istio.virtual_service
                                          else [])
    return any((v.name or "").split(".")[0] == name for v in vss)


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The keys a write enqueues, as the informers' handlers decide."""
    obj = change.new if change.new is not None else change.old
    if change.kind == "Rollout":
        return [_key(change.namespace, change.name)]
    if change.kind in ("ReplicaSet", "Experiment"):
        return _parent_key(cluster, obj)
    if change.kind == "AnalysisRun":
        if change.old is not None and change.new is not None \
                and change.old.status.phase == change.new.status.phase:
            return []
        return _parent_key(cluster, obj)
    if change.kind == "Service":
        if change.new is None or rsutil.HASH_KEY not in change.new.spec.selector:
            return []
        if _own_switch(change):
            return []
        manager = change.new.metadata.annotations.get(ann.MANAGED_BY_ROLLOUTS_KEY)
        if manager:
            ro = cluster.get("Rollout", change.namespace, manager)
            return [_key(change.namespace, manager)] \
                if ro is not None and _references_service(ro, change.name) else []
        return _rollouts_referencing(cluster, change.namespace,
                                     lambda ro: _references_service(ro, change.name))
    if change.kind in ("VirtualService", "DestinationRule"):
        return _rollouts_referencing(cluster, change.namespace,
                                     lambda ro: _references_istio(ro, change.kind, change.name))
    if change.kind in ("Deployment", "PodTemplate"):
        if change.old is not None and change.new is not None \
                and change.old.metadata.generation == change.new.metadata.generation:
            return []
        return _rollouts_referencing(cluster, change.namespace, lambda ro: (
            ro.spec.workload_ref is not None and ro.spec.workload_ref.kind == change.kind
            and ro.spec.workload_ref.name == change.name))
    return []


def _own_switch(change: Change) -> bool:
    """A Service write that only moved the pod-hash selector of a Service this Rollout already
    manages: the controller's own switchServiceSelector. Go's service controller re-enqueues
    the Rollout for it (rate limited, 5 ms); on whole seconds that requeue would redo, once a
    second, what the sync that wrote it has just done (and, during a routed abort, flip the
    canary Service between canary and stable each time, as Argo does): it is left out."""
    old, new = change.old, change.new
    if old is None or new is None:
        return False
    manager = old.metadata.annotations.get(ann.MANAGED_BY_ROLLOUTS_KEY)
    if not manager or new.metadata.annotations.get(ann.MANAGED_BY_ROLLOUTS_KEY) != manager:
        return False
    return old.spec.selector.discard(rsutil.HASH_KEY) == new.spec.selector.discard(
        rsutil.HASH_KEY) and old.spec.ports == new.spec.ports


# -- syncHandler ---------------------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """syncHandler, then the work queue's verdict: forget on success, rate-limited requeue on
    an error; and the requeues the reconciliation asked for."""
    namespace, _, name = key.rpartition("/")
    ro = cluster.get("Rollout", namespace, name)
    if ro is None or ro.metadata.deletion_timestamp is not None:
        return cluster
    c = RolloutContext(cluster, ro)
    err = _sync(c)
    cluster = c.cluster
    if err is not None or c.requeue_rate_limited:
        cluster = cluster.enqueue_rate_limited(NAME, key)
    else:
        cluster = cluster.forget(NAME, key)
    if c.requeue_after is not None:
        cluster = cluster.enqueue_after(NAME, key, max(c.requeue_after, 1))
    return cluster


def _sync(c: RolloutContext) -> Err:
    resolve_err, err = new_rollout_context(c)
    if err is not None:
        return err
    if resolve_err is not None:
        c.enqueue_after(INVALID_SPEC_REQUEUE)
        return None
    if c.new_rollout is not None:
        return None  # the Rollout was written: the next reconcile sees it
    if c.rollout.spec.replicas is None:
        return rsync.update_rollout(c, attrs.evolve(c.rollout, spec=attrs.evolve(
            c.rollout.spec, replicas=1)))
    return reconcile(c)


def new_rollout_context(c: RolloutContext) -> tuple[FieldError | None, Err]:
    """newRolloutContext: (the workload-reference error, any other error)."""
    resolve_err = templateref.resolve(c)
    c.cluster, rs_list, err = rrs.get_replica_sets_for_rollout(c.cluster, c.rollout)
    if err is not None:
        return None, err
    ro = c.rollout
    c.new_rs = rsutil.find_new_replica_set(ro, rs_list)
    c.older_rss = rsutil.find_old_replica_sets(ro, rs_list, c.new_rs)
    c.stable_rs = rsutil.get_stable_rs(ro, c.new_rs, c.older_rss)
    c.other_rss = rsutil.get_other_rss(ro, c.new_rs, c.stable_rs, rs_list)
    c.all_rss = list(rs_list)
    exs = experiment.get_experiments_for_rollout(c.cluster, ro)
    c.current_ex = experiment.get_current_experiment(ro, exs)
    c.other_exs = [e for e in exs if c.current_ex is None
                   or e.metadata.uid != c.current_ex.metadata.uid]
    runs = analysis.get_analysis_runs_for_rollout(c.cluster, ro)
    c.current_ars, c.other_ars = au.filter_current_rollout_analysis_runs(runs, ro)
    if c.new_rs is not None and rsutil.get_time_remaining_before_scale_down_deadline(
            c.new_rs, c.now) is not None:
        c.new_rs_within_delay = True
    if resolve_err is not None:
        field_err = invalid("spec.workloadRef", _go_object_ref(ro.spec.workload_ref),
                            resolve_err.message)
        err = create_invalid_rollout_condition(c, field_err)
        return field_err, err
    spec_err = validation.get_rollout_validation_errors(c)
    if spec_err is not None:
        create_invalid_rollout_condition(c, spec_err)
        return None, Status("Invalid", 422, str(spec_err))
    if c.new_rs is None:
        new_rs, err = rsync.create_desired_replica_set(c)
        if err is not None:
            return None, err
        c.new_rs = new_rs
        c.older_rss = rsutil.find_old_replica_sets(c.rollout, rs_list, c.new_rs)
        c.stable_rs = rsutil.get_stable_rs(c.rollout, c.new_rs, c.older_rss)
        c.other_rss = rsutil.get_other_rss(c.rollout, c.new_rs, c.stable_rs, rs_list)
        c.all_rss = [*rs_list, c.new_rs]
    if is_fully_promoted(ro) and c.pause_context.is_aborted():
        c.pause_context.do_remove_abort()
    c.new_status = attrs.evolve(c.new_status, canary=attrs.evolve(
        c.new_status.canary, weights=ro.status.canary.weights))
    return None, None


def _go_object_ref(ref: Any) -> Any:
    from kubefold.core.errors import GoLiteral
    return GoLiteral(f'&v1alpha1.ObjectRef{{APIVersion:"{ref.api_version or ""}", '
                     f'Kind:"{ref.kind or ""}", Name:"{ref.name or ""}", '
                     f'ScaleDown:"{ref.scale_down or ""}"}}')


def create_invalid_rollout_condition(c: RolloutContext, error: FieldError) -> Err:
    """createInvalidRolloutCondition: InvalidSpec with `The Rollout "<name>" is invalid:
    <error>`, written with the generation observed and the phase Degraded."""
    ro = c.rollout
    prev = cond.get_rollout_condition(ro.status, cond.INVALID_SPEC)
    message = f'The Rollout "{ro.metadata.name}" is invalid: {error}'
    new = prev
    if prev is None or prev.message != message:
        new = cond.new_rollout_condition(cond.INVALID_SPEC, "True", cond.INVALID_SPEC_REASON,
                                         message, c.now)
    if ro.status.observed_generation != str(ro.metadata.generation or 0) or new != prev:
        status = ro.status
        if prev is not None and new is not None and prev.message != new.message:
            status = cond.remove_rollout_condition(status, cond.INVALID_SPEC)
        return rsync.patch_condition(c, ro, status, new)
    return None


def reconcile(c: RolloutContext) -> Err:
    """rolloutContext.reconcile."""
    err = rsync.check_paused_conditions(c)
    if err is not None:
        return err
    if c.new_rollout is not None:
        return None
    scaling, err = rsync.is_scaling_event(c)
    if err is not None:
        return err
    if scaling:
        return rsync.sync_replicas_only(c)
    if c.rollout.spec.strategy.blue_green is not None:
        return bluegreen.rollout_blue_green(c)
    return canary.rollout_canary(c)


CONTROLLER = Controller(NAME, sync, watch, frozenset({
    "Rollout", "ReplicaSet", "AnalysisRun", "Experiment", "Service", "VirtualService",
    "DestinationRule", "Deployment", "PodTemplate"}))
