"""The blue-green strategy: the new ReplicaSet comes up behind the preview Service, the active
Service switches to it once it is fully available (after a pause, pre-promotion analysis, or a
promotion), and the old one stays up for scaleDownDelaySeconds.

Models: rollout/bluegreen.go (rolloutBlueGreen, reconcileBlueGreenStableReplicaSet,
reconcileBlueGreenReplicaSets, isBlueGreenFastTracked, reconcileBlueGreenPause,
needsBlueGreenControllerPause, scaleDownOldReplicaSetsForBlueGreen, GetScaleDownRevisionLimit,
syncRolloutStatusBlueGreen, calculateScaleUpPreviewCheckPoint), argo-rollouts at 9f8d111.
Simplifies: AWS target-group verification is off (the controller's default).
Covered by: tests/test_rollouts_bluegreen.py (rollout/bluegreen_test.go),
tests/test_rollouts_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.errors import Status
from kubefold.reducers.rollouts.rollout import analysis, restart, service
from kubefold.reducers.rollouts.rollout import replicaset as rrs
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import (
    PAUSE_REASON_BLUE_GREEN_PAUSE,
    PAUSE_REASON_INCONCLUSIVE_ANALYSIS,
    Err,
    RolloutContext,
    completed_pre_promotion_analysis,
    get_pause_condition,
)
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import get_replicas_or_default


def rollout_blue_green(c: RolloutContext) -> Err:
    """rolloutBlueGreen."""
    preview_svc, active_svc, err = service.get_preview_and_active_services(c)
    if err is not None:
        return err
    new_rs, err = rsync.get_all_replica_sets_and_sync_revision(c)
    if err is not None:
        return Status(err.reason, err.code, "failed to getAllReplicaSetsAndSyncRevision in "
                                            f"rolloutBlueGreen create true: {err.message}")
    c.new_rs = new_rs
    preview_svc, err = service.reconcile_preview_service(c, preview_svc)
    if err is not None:
        return err
    if rsutil.check_pod_spec_change(c.rollout, c.new_rs):
        return sync_rollout_status_blue_green(c, preview_svc, active_svc)
    _, err = restart.reconcile(c)
    if err is not None:
        return err
    err = reconcile_blue_green_replica_sets(c, active_svc)
    if err is not None:
        return err
    reconcile_blue_green_pause(c, active_svc, preview_svc)
    active_svc, err = service.reconcile_active_service(c, active_svc)
    if err is not None:
        return err
    err = analysis.reconcile_analysis_runs(c)
    if err is not None:
        return err
    return sync_rollout_status_blue_green(c, preview_svc, active_svc)


def reconcile_blue_green_stable_replica_set(c: RolloutContext) -> Err:
    if c.stable_rs is None:
        return None
    _, _, err = rsync.scale_replica_set_and_record_event(
        c, c.stable_rs, get_replicas_or_default(c.rollout.spec.replicas))
    return err


def reconcile_blue_green_replica_sets(c: RolloutContext, active_svc: Any) -> Err:
    """reconcileBlueGreenReplicaSets: the stable at full size, the new one to its count, the
    others down (after their delay), then the revision history."""
    for step in (lambda: rrs.remove_scale_down_deadlines(c),
                 lambda: reconcile_blue_green_stable_replica_set(c),
                 lambda: rrs.reconcile_new_replica_set(c)[1],
                 lambda: rrs.reconcile_other_replica_sets(c)[1],
                 lambda: rsync.reconcile_revision_history_limit(c, c.other_rss)):
        err = step()
        if err is not None:
            return err
    return None


def is_blue_green_fast_tracked(c: RolloutContext, active_svc: Any) -> bool:
    """isBlueGreenFastTracked: a fast rollback, a full promotion, or an active Service that
    points at no ReplicaSet yet (or already at the new one)."""
    if rsync.is_fast_rollback(c) or c.rollout.status.promote_full:
        return True
    selector = active_svc.spec.selector
    if rsutil.HASH_KEY not in selector:
        return True
    return selector.get(rsutil.HASH_KEY) == c.new_rs.metadata.labels.get(rsutil.HASH_KEY)


def reconcile_blue_green_pause(c: RolloutContext, active_svc: Any, preview_svc: Any) -> None:
    """reconcileBlueGreenPause: pause before the switch when autoPromotionEnabled is false or
    autoPromotionSeconds is set; resume when promoted or the seconds pass."""
    ro = c.rollout
    if ro.status.abort:
        return
    if not rsutil.ready_for_pause(ro, c.new_rs, c.all_rss):
        return
    if c.halt_progress():
        return
    if is_blue_green_fast_tracked(c, active_svc):
        c.pause_context.remove_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)
        return
    new_hash = c.new_rs.metadata.labels.get(rsutil.HASH_KEY)
    if active_svc.spec.selector.get(rsutil.HASH_KEY) == new_hash:
        c.pause_context.remove_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)
        return
    if ro.status.blue_green.scale_up_preview_check_point:
        c.pause_context.remove_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)
        return
    if not needs_blue_green_controller_pause(ro):
        c.pause_context.remove_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)
        return
    if not completed_pre_promotion_analysis(c):
        return
    cond = get_pause_condition(ro, PAUSE_REASON_BLUE_GREEN_PAUSE)
    if cond is not None:
        if not c.pause_context.completed_blue_green_pause(c.now):
            seconds = ro.spec.strategy.blue_green.auto_promotion_seconds or 0
            if seconds > 0:
                c.check_enqueue_rollout_during_wait(cond.start_time, seconds)
        else:
            c.pause_context.remove_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)
    elif not ro.status.controller_pause:
        c.pause_context.add_pause_condition(PAUSE_REASON_BLUE_GREEN_PAUSE)


def needs_blue_green_controller_pause(ro: Any) -> bool:
    blue_green = ro.spec.strategy.blue_green
    if blue_green.auto_promotion_enabled is not None and not blue_green.auto_promotion_enabled:
        return True
    return (blue_green.auto_promotion_seconds or 0) > 0


def scale_down_old_replica_sets_for_blue_green(c: RolloutContext, old_rss: list[Any]
                                               ) -> tuple[bool, Err]:
    """scaleDownOldReplicaSetsForBlueGreen: each old ReplicaSet not referenced gets its
    scale-down delay, then goes to 0 (not while analysis is inconclusive, nor while
    post-promotion analysis runs without a delay)."""
    ro = c.rollout
    if get_pause_condition(ro, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
        return False, None
    post = c.current_ars.blue_green_post_promotion
    blue_green = ro.spec.strategy.blue_green
    if blue_green is not None and blue_green.post_promotion_analysis is not None \
            and blue_green.scale_down_delay_seconds is None \
            and not analysis.skip_post_promotion_analysis_run(ro, c.new_rs, post) \
            and (post is None or post.status.phase != "Successful"):
        return False, None
    scaled = False
    annotated = 0
    replicas = get_replicas_or_default(ro.spec.replicas)
    for target in rsutil.sort_by_revision(old_rss, reverse=True):
        if rrs.is_replica_set_referenced(c, target):
            continue
        if rsutil.spec_replicas(target) == 0:
            continue
        annotated, desired, err = rrs.scale_down_delay_helper(c, target, annotated, replicas)
        if err is not None:
            return False, err
        if rsutil.spec_replicas(target) == desired:
            continue
        _, _, err = rsync.scale_replica_set_and_record_event(c, target, desired)
        if err is not None:
            return False, err
        scaled = True
    return scaled, None


def sync_rollout_status_blue_green(c: RolloutContext, preview_svc: Any, active_svc: Any) -> Err:
    """syncRolloutStatusBlueGreen: selectors, promotion, the preview checkpoint, and the
    counts of the active ReplicaSet."""
    from kubefold.core.labels import format_label_selector
    from kubefold.reducers.rollouts.rollout.service import get_rollout_selector_label

    ro = c.rollout
    status = rsync.calculate_base_status(c)
    status = attrs.evolve(status, stable_rs=ro.status.stable_rs)
    if rsutil.check_pod_spec_change(ro, c.new_rs):
        status = rsync.reset_rollout_status(c, status)
    if ro.status.promote_full or rsync.is_rollback_within_window(c):
        c.pause_context.do_clear_pause_conditions()
        c.pause_context.do_remove_abort()
    status = attrs.evolve(status, blue_green=attrs.evolve(
        status.blue_green, preview_selector=get_rollout_selector_label(preview_svc) or None,
        active_selector=get_rollout_selector_label(active_svc) or None))
    reason = rsync.should_full_promote(c, status)
    if reason:
        status, _ = rsync.promote_stable(c, status, reason)
    else:
        status = attrs.evolve(status, blue_green=attrs.evolve(
            status.blue_green,
            scale_up_preview_check_point=calculate_scale_up_preview_check_point(c) or None))
    active_rs, _ = rsutil.get_replica_set_by_template_hash(c.all_rss,
                                                           status.blue_green.active_selector)
    if active_rs is not None:
        selector = format_label_selector(active_rs.spec.selector)
        status = attrs.evolve(status, hpa_replicas=active_rs.status.replicas or 0,
                              selector=None if selector == "<none>" else selector,
                              available_replicas=active_rs.status.available_replicas or 0,
                              ready_replicas=active_rs.status.ready_replicas or 0)
    else:
        selector = format_label_selector(ro.spec.selector)
        status = attrs.evolve(
            status, hpa_replicas=rsutil.get_actual_replica_count_for_replica_sets(c.all_rss),
            selector=None if selector == "<none>" else selector,
            available_replicas=rsutil.get_available_replica_count_for_replica_sets(c.all_rss))
    return rsync.persist_rollout_status(c, status)


def calculate_scale_up_preview_check_point(c: RolloutContext) -> bool:
    """calculateScaleUpPreviewCheckPoint: with previewReplicaCount, flips true (and stays) once
    the pause and pre-promotion analysis are done and the preview replicas are available."""
    ro = c.rollout
    count = ro.spec.strategy.blue_green.preview_replica_count
    if count is None:
        return False
    if ro.status.blue_green.scale_up_preview_check_point:
        return True
    if not completed_pre_promotion_analysis(c) \
            or not c.pause_context.completed_blue_green_pause(c.now):
        return False
    return count == rsutil.get_available_replica_count_for_replica_sets([c.new_rs])
