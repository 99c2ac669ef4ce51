"""The canary strategy: steps of weights, pauses, analyses and experiments, with the stable and
canary ReplicaSets scaled to each step's weight.

Models: rollout/canary.go (rolloutCanary, reconcileCanaryStableReplicaSet,
reconcileCanaryPause, scaleDownOldReplicaSetsForCanary, completedCurrentCanaryStep,
syncRolloutStatusCanary, reconcileCanaryReplicaSets), argo-rollouts at 9f8d111.
Simplifies: ALB target-group verification (canProceedWithScaleDownAnnotation) always
proceeds; step plugins are not run (a plugin step never completes); ping-pong services are not
switched.
Covered by: tests/test_rollouts_canary.py (rollout/canary_test.go), tests/test_rollouts_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.errors import Status
from kubefold.reducers.rollouts.rollout import (
    analysis,
    experiment,
    restart,
    service,
    trafficrouting,
)
from kubefold.reducers.rollouts.rollout import replicaset as rrs
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import (
    PAUSE_REASON_CANARY_PAUSE_STEP,
    Err,
    RolloutContext,
    get_pause_condition,
)
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import get_replicas_or_default
from kubefold.reducers.rollouts.utils.rollout import is_fully_promoted


def _wrap(err: Status, where: str) -> Status:
    return Status(err.reason, err.code, f"{where}: {err.message}")


def rollout_canary(c: RolloutContext) -> Err:
    """rolloutCanary: ReplicaSets, services, traffic, experiments, analyses, scaling, pauses,
    then the status."""
    if rsutil.pod_template_or_steps_changed(c.rollout, c.new_rs):
        new_rs, err = rsync.get_all_replica_sets_and_sync_revision(c)
        if err is not None:
            return _wrap(err, "failed to getAllReplicaSetsAndSyncRevision in rolloutCanary with "
                              "PodTemplateOrStepsChanged")
        c.new_rs = new_rs
        return sync_rollout_status_canary(c)
    new_rs, err = rsync.get_all_replica_sets_and_sync_revision(c)
    if err is not None:
        return _wrap(err, "failed to getAllReplicaSetsAndSyncRevision in rolloutCanary create "
                          "true")
    c.new_rs = new_rs
    restarted, err = restart.reconcile(c)
    if err is not None:
        return err
    if restarted > 0:
        return None
    for step in (lambda: rsync.reconcile_revision_history_limit(c, c.other_rss),
                 lambda: service.reconcile_stable_and_canary_service(c),
                 lambda: trafficrouting.reconcile_traffic_routing(c),
                 lambda: experiment.reconcile_experiments(c)):
        err = step()
        if err is not None:
            return err
    err = analysis.reconcile_analysis_runs(c)
    if c.pause_context.has_add_pause():
        return sync_rollout_status_canary(c)
    if err is not None:
        return err
    no_scaling, err = reconcile_canary_replica_sets(c)
    if err is not None:
        return err
    if no_scaling:
        return sync_rollout_status_canary(c)
    if reconcile_canary_pause(c):
        return sync_rollout_status_canary(c)
    return sync_rollout_status_canary(c)


def reconcile_canary_stable_replica_set(c: RolloutContext) -> tuple[bool, Err]:
    """reconcileCanaryStableReplicaSet: the stable ReplicaSet to its count for the step
    (traffic routed: from the weights recorded in the status, so the stable follows the
    traffic one sync later)."""
    if not rsutil.check_stable_rs_exists(c.new_rs, c.stable_rs):
        return False, None
    if c.rollout.spec.strategy.canary.traffic_routing is None:
        _, desired = rsutil.calculate_replica_counts_for_basic_canary(
            c.rollout, c.new_rs, c.stable_rs, c.other_rss)
    else:
        _, desired = rsutil.calculate_replica_counts_for_traffic_routed_canary(
            c.rollout, c.new_rs, c.stable_rs, c.rollout.status.canary.weights)
    scaled, _, err = rsync.scale_replica_set_and_record_event(c, c.stable_rs, desired)
    if err is not None:
        return scaled, _wrap(err, "failed to scaleReplicaSetAndRecordEvent in "
                                  "reconcileCanaryStableReplicaSet")
    return scaled, None


def reconcile_canary_pause(c: RolloutContext) -> bool:
    """reconcileCanaryPause: at a pause step, pause (once) and wait for its end or a
    promotion."""
    ro = c.rollout
    if ro.spec.paused or ro.status.promote_full:
        return False
    steps = ro.spec.strategy.canary.steps
    if not steps:
        return False
    step, index = rsutil.get_current_canary_step(ro)
    if len(steps) <= (index or 0) or step is None or step.pause is None:
        return False
    cond = get_pause_condition(ro, PAUSE_REASON_CANARY_PAUSE_STEP)
    if cond is None:
        if not ro.status.controller_pause:
            c.pause_context.add_pause_condition(PAUSE_REASON_CANARY_PAUSE_STEP)
        return True
    if step.pause.duration is None:
        return True
    c.check_enqueue_rollout_during_wait(cond.start_time, step.pause.duration_seconds())
    return True


def scale_down_old_replica_sets_for_canary(c: RolloutContext, old_rss: list[Any]
                                           ) -> tuple[int, Err]:
    """scaleDownOldReplicaSetsForCanary: unhealthy replicas first, then the oldest revisions
    as far as maxUnavailable allows; with traffic routing, a previous stable waits for its
    scale-down deadline (or goes at once with dynamicStableScale)."""
    old_rss, total, err = rrs.cleanup_unhealthy_replicas(c, old_rss)
    if err is not None:
        return total, None
    available = rsutil.get_available_replica_count_for_replica_sets(c.all_rss)
    min_available = get_replicas_or_default(c.rollout.spec.replicas) \
        - rsutil.max_unavailable(c.rollout)
    max_scale_down = available - min_available
    if max_scale_down <= 0:
        return 0, None
    canary = c.rollout.spec.strategy.canary
    annotated = 0
    for target in rsutil.sort_by_revision(old_rss, reverse=True):
        if canary.traffic_routing is not None and rrs.is_replica_set_referenced(c, target):
            continue
        if max_scale_down <= 0:
            break
        replicas = rsutil.spec_replicas(target)
        if replicas == 0:
            continue
        desired = 0
        if canary.traffic_routing is None:
            if replicas > max_scale_down:
                desired = replicas - max_scale_down
        elif (is_fully_promoted(c.rollout) or rsutil.has_scale_down_deadline(target)) \
                and not canary.dynamic_stable_scale:
            annotated, desired, err = rrs.scale_down_delay_helper(c, target, annotated, replicas)
            if err is not None:
                return total, err
        if replicas == desired:
            continue
        _, _, err = rsync.scale_replica_set_and_record_event(c, target, desired)
        if err is not None:
            return total, _wrap(err, "failed to scaleReplicaSetAndRecordEvent in "
                                     "scaleDownOldReplicaSetsForCanary")
        scaled = replicas - desired
        max_scale_down -= scaled
        total += scaled
    return total, None


def completed_current_canary_step(c: RolloutContext) -> bool:
    """completedCurrentCanaryStep: whether the current step is done."""
    ro = c.rollout
    if ro.spec.paused:
        return False
    step, _ = rsutil.get_current_canary_step(ro)
    if step is None:
        return False
    if step.pause is not None:
        return c.pause_context.completed_canary_pause_step(step.pause, c.now)
    if step.set_canary_scale is not None:
        return rsutil.at_desired_replica_counts_for_canary(
            ro, c.new_rs, c.stable_rs, c.other_rss, c.new_status.canary.weights)
    if step.set_weight is not None:
        if not rsutil.at_desired_replica_counts_for_canary(
                ro, c.new_rs, c.stable_rs, c.other_rss, c.new_status.canary.weights):
            return False
        weights = c.new_status.canary.weights
        return not (weights is not None and weights.verified is False)
    if step.experiment is not None:
        return c.current_ex is not None and c.current_ex.status.phase == "Successful"
    if step.analysis is not None:
        run = c.current_ars.canary_step
        return run is not None and run.status.phase == "Successful"
    return step.set_header_route is not None or step.set_mirror_route is not None


def sync_rollout_status_canary(c: RolloutContext) -> Err:
    """syncRolloutStatusCanary: the status of a canary, moving to the next step when the
    current one completed, promoting when all did."""
    ro = c.rollout
    status = rsync.calculate_base_status(c)
    status = attrs.evolve(
        status,
        available_replicas=rsutil.get_available_replica_count_for_replica_sets(c.all_rss),
        hpa_replicas=rsutil.get_actual_replica_count_for_replica_sets(c.all_rss),
        selector=_format_selector(ro.spec.selector),
        canary=attrs.evolve(status.canary, stable_ping_pong=ro.status.canary.stable_ping_pong),
        stable_rs=ro.status.stable_rs, current_step_hash=rsutil.compute_current_step_hash(ro)
        or None)
    step, index = rsutil.get_current_canary_step(ro)
    step_count = len(ro.spec.strategy.canary.steps)
    if rsutil.pod_template_or_steps_changed(ro, c.new_rs):
        status = rsync.reset_rollout_status(c, status)
        if c.new_rs is not None and step_count > 0:
            back_to_stable = ro.status.stable_rs == rsutil.get_pod_template_hash(c.new_rs)
            if back_to_stable or rsync.is_rollback_within_window(c) \
                    and rsutil.is_active(c.new_rs):
                status = attrs.evolve(status, current_step_index=step_count)
        return rsync.persist_rollout_status(c, status)
    if ro.status.promote_full or rsync.is_rollback_within_window(c):
        c.pause_context.do_clear_pause_conditions()
        c.pause_context.do_remove_abort()
        if step_count > 0:
            index = step_count
    reason = rsync.should_full_promote(c, status)
    if reason:
        status, err = rsync.promote_stable(c, status, reason)
        if err is not None:
            return err
        return rsync.persist_rollout_status(c, status)
    if c.pause_context.is_aborted():
        if step_count > 0:
            index = step_count if status.stable_rs == status.current_pod_hash else 0
            status = attrs.evolve(status, current_step_index=index)
        return rsync.persist_rollout_status(c, status)
    if completed_current_canary_step(c):
        index = (index or 0) + 1
        status = attrs.evolve(status, canary=attrs.evolve(
            status.canary, current_step_analysis_run_status=None))
        c.pause_context.remove_pause_condition(PAUSE_REASON_CANARY_PAUSE_STEP)
    status = attrs.evolve(status, current_step_index=index)
    return rsync.persist_rollout_status(c, status)


def _format_selector(selector: Any) -> str | None:
    from kubefold.core.labels import format_label_selector
    text = format_label_selector(selector)
    return None if text == "<none>" else text


def reconcile_canary_replica_sets(c: RolloutContext) -> tuple[bool, Err]:
    """reconcileCanaryReplicaSets: the stable first, then the new one, then the others; true
    when something was scaled (the status waits for the next sync)."""
    if c.halt_progress():
        return False, None
    err = rrs.remove_scale_down_deadlines(c)
    if err is not None:
        return False, err
    scaled, err = reconcile_canary_stable_replica_set(c)
    if err is not None:
        return False, err
    if scaled:
        return True, None
    scaled, err = rrs.reconcile_new_replica_set(c)
    if err is not None:
        return False, err
    if scaled:
        return True, None
    scaled, err = rrs.reconcile_other_replica_sets(c)
    if err is not None:
        return False, err
    return scaled, None
