"""The Rollout's ReplicaSets, revisions, status, conditions and phase: what every strategy
shares.

Models: rollout/sync.go (getAllReplicaSetsAndSyncRevision, syncReplicaSetRevision,
setRolloutRevision, createDesiredReplicaSet, syncReplicasOnly, isScalingEvent,
scaleReplicaSetAndRecordEvent, scaleReplicaSet, calculateBaseStatus,
reconcileRevisionHistoryLimit, checkPausedConditions, patchCondition, isIndefiniteStep,
isWaitingForReplicaSetScaleDown, evaluateProgressDeadlineAbort, calculateRolloutConditions,
persistRolloutStatus, requeueStuckRollout, getReplicaFailures, resetRolloutStatus,
isRollback, isFastRollback, isRollbackWithinWindow, shouldFullPromote, promoteStable),
argo-rollouts at 9f8d111.
Simplifies:
- Status writes replace the status (Go sends the two-way merge patch between the old and the
  new status, which comes to the same object); a write with nothing changed is skipped.
- status.duration (the duration metrics of v1.10) is not computed: a status that has one keeps
  it as it was. Events are not recorded.
- A hash collision on create bumps collisionCount as Go does; kubefold's hashes come from the
  template, so a collision needs a ReplicaSet of that name with another template.
Covered by: tests/test_rollouts_canary.py, tests/test_rollouts_bluegreen.py,
tests/test_rollouts_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.errors import Status
from kubefold.core.objects import ObjectMeta, OwnerReference, ReplicaSet, ReplicaSetSpec
from kubefold.core.rollouts import RolloutStatus
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import conditions as cond
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import (
    get_progress_deadline_seconds_or_default,
    get_replicas_or_default,
    get_revision_history_limit_or_default,
)
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash
from kubefold.reducers.rollouts.utils.rollout import calculate_rollout_phase

API_VERSION = "argoproj.io/v1alpha1"
KIND = "Rollout"
EXPERIMENT_NAME_ANNOTATION = "experiment.argoproj.io/name"


# -- writes ------------------------------------------------------------------------------------


def _unconditional(obj: Any) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, resource_version=None))


def _follow(c: RolloutContext, written: Any) -> None:
    """The context's Rollout is the one written (with a resolved template kept)."""
    c.cluster = written.cluster
    ro = written.object
    if c.resolved_template or c.resolved_selector:
        ro = attrs.evolve(ro, spec=attrs.evolve(
            ro.spec, template=c.rollout.spec.template if c.resolved_template
            else ro.spec.template,
            selector=c.rollout.spec.selector if c.resolved_selector else ro.spec.selector))
    c.rollout = ro
    c.new_rollout = written.object
    c.pause_context.rollout = ro


def update_rollout(c: RolloutContext, ro: Any) -> Err:
    """Update of the Rollout (metadata and spec): ctx.rollout and ctx.new_rollout follow (a
    template resolved from a workloadRef is not written)."""
    from kubefold.reducers.rollouts.rollout.templateref import stored_spec

    written = apiserver.update(c.cluster, _unconditional(stored_spec(c, ro)))
    if isinstance(written, Status):
        return written
    _follow(c, written)
    return None


def update_rollout_status(c: RolloutContext, ro: Any) -> Err:
    """UpdateStatus (or a status patch) of the Rollout."""
    written = apiserver.update_status(c.cluster, _unconditional(ro))
    if isinstance(written, Status):
        return written
    _follow(c, written)
    return None


def update_replica_set(c: RolloutContext, rs: Any) -> tuple[Any, Err]:
    """updateReplicaSet: an Update with the ReplicaSet's resourceVersion."""
    written = apiserver.update(c.cluster, rs)
    if isinstance(written, Status):
        return None, Status(written.reason, written.code,
                            f"error updating replicaset in updateReplicaSet "
                            f"{rs.metadata.name}: {written.message}")
    c.cluster = written.cluster
    return written.object, None


def _replace_rs(c: RolloutContext, rs: Any) -> None:
    """Keep the context's lists pointing at the ReplicaSet as written."""
    def swap(items: list[Any]) -> list[Any]:
        return [rs if x is not None and x.metadata.name == rs.metadata.name else x
                for x in items]
    c.all_rss = swap(c.all_rss)
    c.older_rss = swap(c.older_rss)
    c.other_rss = swap(c.other_rss)
    if c.new_rs is not None and c.new_rs.metadata.name == rs.metadata.name:
        c.new_rs = rs
    if c.stable_rs is not None and c.stable_rs.metadata.name == rs.metadata.name:
        c.stable_rs = rs


# -- revisions and the new ReplicaSet ----------------------------------------------------------


def get_all_replica_sets_and_sync_revision(c: RolloutContext) -> tuple[Any, Err]:
    return sync_replica_set_revision(c)


def sync_replica_set_revision(c: RolloutContext) -> tuple[Any, Err]:
    """syncReplicaSetRevision: the new ReplicaSet's revision above the older ones, the
    Rollout's annotations copied, minReadySeconds synced; the Rollout's revision annotation;
    a first Progressing condition (FoundNewReplicaSet)."""
    if c.new_rs is None:
        return None, None
    new_revision = str(rsutil.max_revision(c.older_rss) + 1)
    rs, changed = ann.set_new_replica_set_annotations(c.rollout, c.new_rs, new_revision, True)
    min_ready_changed = (rs.spec.min_ready_seconds or 0) != (c.rollout.spec.min_ready_seconds or 0)
    if changed or min_ready_changed:
        rs = attrs.evolve(rs, spec=attrs.evolve(
            rs.spec, min_ready_seconds=c.rollout.spec.min_ready_seconds or None))
        updated, err = update_replica_set(c, rs)
        if err is not None:
            return None, Status(err.reason, err.code,
                                f"failed to update replicaset revision on "
                                f"{rs.metadata.name}: {err.message}")
        _replace_rs(c, updated)
        return updated, None
    err = set_rollout_revision(c, rs.metadata.annotations.get(ann.REVISION_ANNOTATION, ""))
    if err is not None:
        return None, err
    if cond.get_rollout_condition(c.rollout.status, cond.PROGRESSING) is None:
        message = cond.FOUND_NEW_RS_MESSAGE.format(rs.metadata.name)
        condition = cond.new_rollout_condition(cond.PROGRESSING, "True",
                                               cond.FOUND_NEW_RS_REASON, message, c.now)
        status, _ = cond.set_rollout_condition(c.rollout.status, condition)
        err = update_rollout_status(c, attrs.evolve(c.rollout, status=status))
        if err is not None:
            return None, err
    return rs, None


def set_rollout_revision(c: RolloutContext, revision: str) -> Err:
    ro, changed = ann.set_rollout_revision(c.rollout, revision)
    if changed:
        return update_rollout(c, ro)
    return None


def _controller_ref(ro: Any) -> OwnerReference:
    return OwnerReference(api_version=API_VERSION, kind=KIND, name=ro.metadata.name,
                          uid=ro.metadata.uid, controller=True, block_owner_deletion=True)


def create_desired_replica_set(c: RolloutContext) -> tuple[Any, Err]:
    """createDesiredReplicaSet: `<rollout>-<hash>`, zero replicas, the hash label on its
    template and selector, the revision and desired-replicas annotations, the ephemeral
    metadata of the strategy; then the Rollout's revision and a NewReplicaSetCreated
    Progressing condition."""
    ro = c.rollout
    new_revision = str(rsutil.max_revision(c.older_rss) + 1)
    template = ro.spec.template
    pod_hash = compute_pod_template_hash(template, ro.status.collision_count)
    labels = template.metadata.labels.set(rsutil.HASH_KEY, pod_hash)
    template = attrs.evolve(template, metadata=attrs.evolve(template.metadata, labels=labels))
    selector = ro.spec.selector
    selector = attrs.evolve(selector, match_labels=selector.match_labels.set(
        rsutil.HASH_KEY, pod_hash))
    rs = ReplicaSet(
        api_version="apps/v1", kind="ReplicaSet",
        metadata=ObjectMeta(name=f"{ro.metadata.name}-{pod_hash}",
                            namespace=ro.metadata.namespace, labels=labels,
                            owner_references=pvector([_controller_ref(ro)])),
        spec=ReplicaSetSpec(replicas=0, min_ready_seconds=ro.spec.min_ready_seconds or None,
                            selector=selector, template=template))
    rs, _ = ann.set_new_replica_set_annotations(ro, rs, new_revision, False)
    canary, blue_green = ro.spec.strategy.canary, ro.spec.strategy.blue_green
    if canary is not None or blue_green is not None:
        if c.stable_rs is not None and c.stable_rs is not c.new_rs:
            metadata = canary.canary_metadata if canary is not None \
                else blue_green.preview_metadata
        else:
            metadata = canary.stable_metadata if canary is not None \
                else blue_green.active_metadata
        rs, _ = rsutil.sync_replica_set_ephemeral_pod_metadata(rs, metadata)
    written = apiserver.create(c.cluster, rs)
    already_exists = False
    if isinstance(written, Status):
        if written.reason != "AlreadyExists":
            message = cond.FAILED_RS_CREATE_MESSAGE.format(rs.metadata.name, written.message)
            condition = cond.new_rollout_condition(cond.PROGRESSING, "False",
                                                   cond.FAILED_RS_CREATE_REASON, message, c.now)
            patch_condition(c, c.rollout, c.rollout.status, condition)
            return None, written
        already_exists = True
        existing = c.cluster.get("ReplicaSet", rs.metadata.namespace, rs.metadata.name)
        ref = _get_controller_of(existing)
        if ref is not None and ref.uid == ro.metadata.uid \
                and rsutil.pod_template_equal_ignore_hash(existing.spec.template, ro.spec.template):
            created = existing
        else:
            count = (ro.status.collision_count or 0) + 1
            update_rollout_status(c, attrs.evolve(ro, status=attrs.evolve(
                ro.status, collision_count=count)))
            return None, written
    else:
        c.cluster = written.cluster
        created = written.object
    err = set_rollout_revision(c, new_revision)
    if err is not None:
        return None, err
    if not already_exists:
        message = cond.NEW_REPLICA_SET_MESSAGE.format(created.metadata.name)
        condition = cond.new_rollout_condition(cond.PROGRESSING, "True",
                                               cond.NEW_REPLICA_SET_REASON, message, c.now)
        status, _ = cond.set_rollout_condition(c.rollout.status, condition)
        err = update_rollout_status(c, attrs.evolve(c.rollout, status=status))
        if err is not None:
            return None, err
    return created, None


def _get_controller_of(obj: Any) -> Any:
    if obj is None:
        return None
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


# -- scaling -----------------------------------------------------------------------------------


def is_scaling_event(c: RolloutContext) -> tuple[bool, Err]:
    """isScalingEvent: the new or stable ReplicaSet wants another replica count than the
    Rollout's."""
    new_rs, err = get_all_replica_sets_and_sync_revision(c)
    if err is not None:
        return False, Status(err.reason, err.code, "failed to getAllReplicaSetsAndSyncRevision "
                                                   f"in isScalingEvent: {err.message}")
    c.new_rs = new_rs
    for rs in rsutil.filter_active_replica_sets([c.new_rs, c.stable_rs]):
        desired = ann.get_desired_replicas_annotation(rs)
        if desired is None:
            continue
        if desired != get_replicas_or_default(c.rollout.spec.replicas):
            return True, None
    return False, None


def sync_replicas_only(c: RolloutContext) -> Err:
    """syncReplicasOnly: a scaling event scales the ReplicaSets, then the status."""
    from kubefold.reducers.rollouts.rollout import bluegreen, canary, service

    new_rs, err = get_all_replica_sets_and_sync_revision(c)
    if err is not None:
        return err
    c.new_rs = new_rs
    new_status = c.rollout.status
    if c.rollout.spec.strategy.blue_green is not None:
        _, active_svc, err = service.get_preview_and_active_services(c)
        if err is not None:
            return None
        err = bluegreen.reconcile_blue_green_replica_sets(c, active_svc)
        if err is not None:
            return err
        active_rs, _ = rsutil.get_replica_set_by_template_hash(
            c.all_rss, new_status.blue_green.active_selector)
        if active_rs is not None:
            new_status = attrs.evolve(new_status, hpa_replicas=active_rs.status.replicas or 0,
                                      available_replicas=active_rs.status.available_replicas
                                      or 0)
        else:
            new_status = attrs.evolve(
                new_status,
                hpa_replicas=rsutil.get_actual_replica_count_for_replica_sets(c.all_rss),
                available_replicas=rsutil.get_available_replica_count_for_replica_sets(
                    c.all_rss))
    if c.rollout.spec.strategy.canary is not None:
        _, err = canary.reconcile_canary_replica_sets(c)
        if err is not None:
            return err
        new_status = attrs.evolve(
            new_status,
            available_replicas=rsutil.get_available_replica_count_for_replica_sets(c.all_rss),
            hpa_replicas=rsutil.get_actual_replica_count_for_replica_sets(c.all_rss))
    return persist_rollout_status(c, new_status)


def scale_replica_set_and_record_event(c: RolloutContext, rs: Any, new_scale: int
                                       ) -> tuple[bool, Any, Err]:
    """scaleReplicaSetAndRecordEvent: nothing to do when the size and annotations match."""
    replicas = get_replicas_or_default(c.rollout.spec.replicas)
    if rsutil.spec_replicas(rs) == new_scale \
            and not ann.replicas_annotations_need_update(rs, replicas):
        return False, rs, None
    return scale_replica_set(c, rs, new_scale)


def scale_replica_set(c: RolloutContext, rs: Any, new_scale: int) -> tuple[bool, Any, Err]:
    """scaleReplicaSet: the size and the desired-replicas annotation; a full scale-down drops
    the scale-down deadline (unless an abort delays it)."""
    from kubefold.reducers.rollouts.rollout.replicaset import should_delay_scale_down_on_abort

    size_changed = rsutil.spec_replicas(rs) != new_scale
    replicas = get_replicas_or_default(c.rollout.spec.replicas)
    if not (size_changed or ann.replicas_annotations_need_update(rs, replicas)):
        return False, rs, None
    copy = attrs.evolve(rs, spec=attrs.evolve(rs.spec, replicas=new_scale))
    copy, _ = ann.set_replicas_annotations(copy, replicas)
    if new_scale == 0 and not should_delay_scale_down_on_abort(c):
        copy = ann.with_annotations(copy, copy.metadata.annotations.discard(
            ann.SCALE_DOWN_DEADLINE_ANNOTATION))
    updated, err = update_replica_set(c, copy)
    if err is not None:
        return False, rs, Status(err.reason, err.code,
                                 f"failed to updateReplicaSet in scaleReplicaSet: "
                                 f"{err.message}")
    _replace_rs(c, updated)
    return size_changed, updated, None


# -- status ------------------------------------------------------------------------------------


def calculate_base_status(c: RolloutContext) -> RolloutStatus:
    """calculateBaseStatus: the hash, the replica counts and the conditions (without
    InvalidSpec once the spec is valid again)."""
    from kubefold.reducers.rollouts.rollout.validation import get_rollout_validation_errors

    prev = c.rollout.status
    if get_rollout_validation_errors(c) is None \
            and cond.get_rollout_condition(prev, cond.INVALID_SPEC) is not None:
        prev = cond.remove_rollout_condition(prev, cond.INVALID_SPEC)
    if c.new_rs is None:
        current_hash = compute_pod_template_hash(c.rollout.spec.template,
                                                 c.rollout.status.collision_count)
    else:
        current_hash = c.new_rs.metadata.labels.get(rsutil.HASH_KEY, "")
    status = c.new_status
    return attrs.evolve(
        status, current_pod_hash=current_hash or None,
        replicas=rsutil.get_actual_replica_count_for_replica_sets(c.all_rss),
        updated_replicas=rsutil.get_actual_replica_count_for_replica_sets([c.new_rs]),
        ready_replicas=rsutil.get_ready_replica_count_for_replica_sets(c.all_rss),
        collision_count=c.rollout.status.collision_count, conditions=prev.conditions,
        promote_full=((current_hash != (status.stable_rs or "")) and bool(prev.promote_full))
        or None)


def reconcile_revision_history_limit(c: RolloutContext, old_rss: list[Any]) -> Err:
    """reconcileRevisionHistoryLimit: delete the oldest scaled-down ReplicaSets beyond the
    limit, with their AnalysisRuns and Experiments."""
    limit = get_revision_history_limit_or_default(c.rollout)
    cleanable = [rs for rs in old_rss if rs is not None and rs.metadata.deletion_timestamp is None]
    diff = len(cleanable) - limit
    if diff <= 0:
        return None
    cleanable = rsutil.sort_by_creation(cleanable)
    ars_by_hash: dict[str, list[Any]] = {}
    for run in c.other_ars:
        h = run.metadata.labels.get(rsutil.HASH_KEY)
        if h is not None:
            ars_by_hash.setdefault(h, []).append(run)
    exs_by_hash: dict[str, list[Any]] = {}
    for ex in c.other_exs:
        h = ex.metadata.labels.get(rsutil.HASH_KEY)
        if h is not None:
            exs_by_hash.setdefault(h, []).append(ex)
    for rs in cleanable[:diff]:
        if (rs.status.replicas or 0) != 0 or rsutil.spec_replicas(rs) != 0 \
                or (rs.metadata.generation or 0) > (rs.status.observed_generation or 0) \
                or rs.metadata.deletion_timestamp is not None:
            continue
        deleted = apiserver.delete(c.cluster, "ReplicaSet", rs.metadata.namespace,
                                   rs.metadata.name)
        if isinstance(deleted, Status):
            if deleted.reason != "NotFound":
                return deleted
        else:
            c.cluster = deleted.cluster
        pod_hash = rs.metadata.labels.get(rsutil.HASH_KEY)
        if pod_hash is not None:
            for kind, objs in (("AnalysisRun", ars_by_hash.get(pod_hash, [])),
                               ("Experiment", exs_by_hash.get(pod_hash, []))):
                err = delete_objects(c, kind, objs)
                if err is not None:
                    return err
    return None


def delete_objects(c: RolloutContext, kind: str, objs: list[Any]) -> Err:
    """deleteAnalysisRuns / deleteExperiments."""
    for obj in objs:
        if obj.metadata.deletion_timestamp is not None:
            continue
        deleted = apiserver.delete(c.cluster, kind, obj.metadata.namespace, obj.metadata.name)
        if isinstance(deleted, Status):
            if deleted.reason != "NotFound":
                return deleted
        else:
            c.cluster = deleted.cluster
    return None


def check_paused_conditions(c: RolloutContext) -> Err:
    """checkPausedConditions: the Progressing (Paused/Resumed/Retry) and Paused conditions
    follow spec.paused and the pause conditions, once the generation is observed."""
    ro = c.rollout
    if str(ro.metadata.generation or 0) != (ro.status.observed_generation or ""):
        return None
    prog = cond.get_rollout_condition(ro.status, cond.PROGRESSING)
    prog_paused = prog is not None and prog.reason == cond.ROLLOUT_PAUSED_REASON
    is_paused = bool(ro.status.pause_conditions) or bool(ro.spec.paused)
    abort_cond = prog is not None and prog.reason == cond.ROLLOUT_ABORTED_REASON
    updated = []
    if is_paused != prog_paused and not abort_cond and not cond.rollout_completed(ro.status):
        if is_paused:
            updated.append(cond.new_rollout_condition(cond.PROGRESSING, "Unknown",
                                                      cond.ROLLOUT_PAUSED_REASON,
                                                      cond.ROLLOUT_PAUSED_MESSAGE, c.now))
        else:
            updated.append(cond.new_rollout_condition(cond.PROGRESSING, "Unknown",
                                                      cond.ROLLOUT_RESUMED_REASON,
                                                      cond.ROLLOUT_RESUMED_MESSAGE, c.now))
    if not ro.status.abort and abort_cond:
        updated.append(cond.new_rollout_condition(cond.PROGRESSING, "Unknown",
                                                  cond.ROLLOUT_RETRY_REASON,
                                                  cond.ROLLOUT_RETRY_MESSAGE, c.now))
    pause_cond = cond.get_rollout_condition(ro.status, cond.PAUSED)
    paused_true = pause_cond is not None and pause_cond.status == "True"
    if is_paused != paused_true and not abort_cond:
        updated.append(cond.new_rollout_condition(cond.PAUSED, "True" if is_paused else "False",
                                                  cond.ROLLOUT_PAUSED_REASON,
                                                  cond.ROLLOUT_PAUSED_MESSAGE, c.now))
    if not updated:
        return None
    return patch_condition(c, ro, ro.status, *updated)


def patch_condition(c: RolloutContext, ro: Any, status: RolloutStatus, *conditions: Any) -> Err:
    """patchCondition: set the conditions, observe the generation, recompute the phase."""
    for condition in conditions:
        status, _ = cond.set_rollout_condition(status, condition)
    phase, message = calculate_rollout_phase(ro.spec, status)
    status = attrs.evolve(status, observed_generation=str(c.rollout.metadata.generation or 0),
                          phase=phase, message=message or None)
    if status == ro.status:
        return None
    fresh = c.cluster.get("Rollout", ro.metadata.namespace, ro.metadata.name)
    return update_rollout_status(c, attrs.evolve(fresh, status=status))


def is_indefinite_step(ro: Any) -> bool:
    """isIndefiniteStep: an experiment, analysis or pause step, or a blue-green pause, does
    not count against the progress deadline."""
    step, _ = rsutil.get_current_canary_step(ro)
    if step is not None and (step.experiment is not None or step.analysis is not None
                             or step.pause is not None):
        return True
    pause = cond.get_rollout_condition(ro.status, cond.PAUSED)
    return pause is not None and pause.status == "True"


def is_waiting_for_replica_set_scale_down(ro: Any, new_rs: Any, stable_rs: Any,
                                          all_rss: list[Any]) -> bool:
    return any(rsutil.has_scale_down_deadline(rs)
               for rs in rsutil.get_other_rss(ro, new_rs, stable_rs, all_rss))


def evaluate_progress_deadline_abort(c: RolloutContext, new_status: RolloutStatus) -> None:
    """evaluateProgressDeadlineAbort: with progressDeadlineAbort, an update that timed out
    aborts."""
    ro = c.rollout
    if not ro.spec.progress_deadline_abort or c.pause_context.is_aborted():
        return
    if cond.rollout_completed(new_status) or cond.rollout_progressing(ro, new_status):
        return
    if is_indefinite_step(ro) or is_waiting_for_replica_set_scale_down(
            ro, c.new_rs, c.stable_rs, c.all_rss):
        return
    if not cond.rollout_timed_out(ro, ro.status, c.now):
        return
    message = cond.ROLLOUT_TIME_OUT_MESSAGE.format(ro.metadata.name)
    if c.new_rs is not None:
        message = cond.REPLICA_SET_TIME_OUT_MESSAGE.format(c.new_rs.metadata.name)
    c.pause_context.add_abort_with(message)


def calculate_rollout_conditions(c: RolloutContext, status: RolloutStatus) -> RolloutStatus:
    """calculateRolloutConditions: Healthy, the abort, Progressing (ReplicaSetUpdated,
    NewReplicaSetAvailable, ProgressDeadlineExceeded), Available, ReplicaFailure, Completed."""
    ro = c.rollout
    now = c.now
    is_paused = bool(status.pause_conditions) or bool(ro.spec.paused)
    is_aborted = c.pause_context.is_aborted()
    became_unhealthy = False
    healthy = cond.get_rollout_condition(ro.status, cond.HEALTHY)
    if not is_paused and cond.rollout_healthy(ro, status):
        status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
            cond.HEALTHY, "True", cond.ROLLOUT_HEALTHY_REASON, cond.ROLLOUT_HEALTHY_MESSAGE,
            now))
    elif healthy is not None:
        status, became_unhealthy = cond.set_rollout_condition(status, cond.new_rollout_condition(
            cond.HEALTHY, "False", cond.ROLLOUT_HEALTHY_REASON, cond.ROLLOUT_NOT_HEALTHY_MESSAGE,
            now))
    if is_aborted:
        revision = rsutil.revision(ro) or 0
        message = cond.ROLLOUT_ABORTED_MESSAGE.format(revision)
        if c.pause_context.abort_message:
            message = f"{message}: {c.pause_context.abort_message}"
        status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
            cond.PROGRESSING, "False", cond.ROLLOUT_ABORTED_REASON, message, now))
    current = cond.get_rollout_condition(ro.status, cond.PROGRESSING)
    healthy_rollout = (status.replicas or 0) == (status.available_replicas or 0) \
        and current is not None and current.reason == cond.NEW_RS_AVAILABLE_REASON \
        and current.type != cond.PROGRESSING
    if not healthy_rollout and not is_aborted:
        if cond.rollout_healthy(ro, status):
            name = c.new_rs.metadata.name if c.new_rs is not None else ""
            status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
                cond.PROGRESSING, "True", cond.NEW_RS_AVAILABLE_REASON,
                cond.REPLICA_SET_COMPLETED_MESSAGE.format(name), now))
        elif cond.rollout_progressing(ro, status) or became_unhealthy:
            message = cond.ROLLOUT_PROGRESSING_MESSAGE.format(ro.metadata.name)
            if c.new_rs is not None:
                message = cond.REPLICA_SET_PROGRESSING_MESSAGE.format(c.new_rs.metadata.name)
            reason = cond.REPLICA_SET_UPDATED_REASON
            if status.stable_rs == status.current_pod_hash and became_unhealthy:
                reason = cond.REPLICA_SET_NOT_AVAILABLE_REASON
                message = cond.NOT_AVAILABLE_MESSAGE
            condition = cond.new_rollout_condition(cond.PROGRESSING, "True", reason, message,
                                                   now)
            if current is not None:
                if current.status == "True":
                    condition = attrs.evolve(condition,
                                             last_transition_time=current.last_transition_time)
                status = cond.remove_rollout_condition(status, cond.PROGRESSING)
            status, _ = cond.set_rollout_condition(status, condition)
        elif not is_indefinite_step(ro) and not is_waiting_for_replica_set_scale_down(
                ro, c.new_rs, c.stable_rs, c.all_rss) and cond.rollout_timed_out(ro, status, now):
            message = cond.ROLLOUT_TIME_OUT_MESSAGE.format(ro.metadata.name)
            if c.new_rs is not None:
                message = cond.REPLICA_SET_TIME_OUT_MESSAGE.format(c.new_rs.metadata.name)
            status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
                cond.PROGRESSING, "False", cond.TIMED_OUT_REASON, message, now))
    active_rs, _ = rsutil.get_replica_set_by_template_hash(c.all_rss,
                                                           status.blue_green.active_selector)
    replicas = get_replicas_or_default(ro.spec.replicas)
    if ro.spec.strategy.blue_green is not None and active_rs is not None \
            and ann.is_saturated(ro, active_rs) or ro.spec.strategy.canary is not None \
            and rsutil.get_available_replica_count_for_replica_sets(c.all_rss) >= replicas:
        status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
            cond.AVAILABLE, "True", cond.AVAILABLE_REASON, cond.AVAILABLE_MESSAGE, now))
    else:
        status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
            cond.AVAILABLE, "False", cond.AVAILABLE_REASON, cond.NOT_AVAILABLE_MESSAGE, now))
    failures = get_replica_failures(c.all_rss, c.new_rs)
    if failures:
        status, _ = cond.set_rollout_condition(status, failures[0])
    else:
        status = cond.remove_rollout_condition(status, cond.REPLICA_FAILURE)
    completed = "True" if cond.rollout_completed(status) else "False"
    status, _ = cond.set_rollout_condition(status, cond.new_rollout_condition(
        cond.COMPLETED, completed, cond.ROLLOUT_COMPLETED_REASON, cond.ROLLOUT_COMPLETED_REASON,
        now))
    return status


def get_replica_failures(all_rss: list[Any], new_rs: Any) -> list[Any]:
    def failures(rs: Any) -> list[Any]:
        return [cond.replica_set_to_rollout_condition(x) for x in rs.status.conditions
                if x.type == "ReplicaFailure"]
    if new_rs is not None and failures(new_rs):
        return failures(new_rs)
    return [f for rs in all_rss if rs is not None for f in failures(rs)]


def persist_rollout_status(c: RolloutContext, status: RolloutStatus) -> Err:
    """persistRolloutStatus: observed generation, the progress-deadline abort, the pause and
    abort fields, the conditions and the phase; written when they changed (else requeue a
    possibly stuck rollout)."""
    ro = c.rollout
    status = attrs.evolve(status, observed_generation=str(ro.metadata.generation or 0))
    evaluate_progress_deadline_abort(c, status)
    status = c.pause_context.calculate_pause_status(status, c.now)
    status = calculate_rollout_conditions(c, status)
    phase, message = calculate_rollout_phase(ro.spec, status)
    status = attrs.evolve(status, phase=phase, message=message or None)
    if status == ro.status:
        requeue_stuck_rollout(c, status)
        return None
    fresh = c.cluster.get("Rollout", ro.metadata.namespace, ro.metadata.name)
    if fresh is None:
        return None
    return update_rollout_status(c, attrs.evolve(fresh, status=status))


def requeue_stuck_rollout(c: RolloutContext, status: RolloutStatus) -> None:
    """requeueStuckRollout: come back when the progress deadline would pass."""
    ro = c.rollout
    current = cond.get_rollout_condition(ro.status, cond.PROGRESSING)
    if current is None:
        return
    is_paused = bool(ro.status.pause_conditions) or bool(ro.spec.paused)
    if cond.rollout_healthy(ro, status) or current.reason == cond.TIMED_OUT_REASON \
            or is_paused or ro.status.abort or is_indefinite_step(ro):
        return
    after = (current.last_update_time or 0) + get_progress_deadline_seconds_or_default(ro) - c.now
    if after < 1:
        c.enqueue()
        return
    c.enqueue_after(after + 1)


def reset_rollout_status(c: RolloutContext, status: RolloutStatus) -> RolloutStatus:
    """resetRolloutStatus: a new update starts from the first step."""
    c.pause_context.do_clear_pause_conditions()
    c.pause_context.do_remove_abort()
    c.set_restarted_at()
    return attrs.evolve(
        status, restarted_at=c.new_status.restarted_at, promote_full=None,
        blue_green=attrs.evolve(status.blue_green, pre_promotion_analysis_run_status=None,
                                post_promotion_analysis_run_status=None,
                                scale_up_preview_check_point=None),
        canary=attrs.evolve(status.canary, current_step_analysis_run_status=None,
                            current_background_analysis_run_status=None),
        current_step_index=rsutil.reset_current_step_index(c.rollout))


# -- rollbacks and promotion -------------------------------------------------------------------


def is_rollback(c: RolloutContext) -> bool:
    if c.new_rs is None or c.stable_rs is None:
        return False
    to_stable = c.rollout.status.stable_rs == rsutil.get_pod_template_hash(c.new_rs)
    older = (c.new_rs.metadata.creation_timestamp or 0) \
        < (c.stable_rs.metadata.creation_timestamp or 0)
    return to_stable or older


def is_fast_rollback(c: RolloutContext) -> bool:
    if not is_rollback(c):
        return False
    within_delay = c.new_rs_within_delay and c.rollout.spec.strategy.blue_green is not None
    to_stable = c.rollout.status.stable_rs == rsutil.get_pod_template_hash(c.new_rs)
    return is_rollback_within_window(c) or within_delay or to_stable


def is_rollback_within_window(c: RolloutContext) -> bool:
    if c.new_rs is None or c.stable_rs is None:
        return False
    new_t = c.new_rs.metadata.creation_timestamp or 0
    stable_t = c.stable_rs.metadata.creation_timestamp or 0
    if not new_t < stable_t:
        return False
    window = c.rollout.spec.rollback_window
    if window is not None and (window.revisions or 0) > 0:
        size = 0
        for rs in c.all_rss:
            if rs.metadata.annotations.get(EXPERIMENT_NAME_ANNOTATION):
                continue
            t = rs.metadata.creation_timestamp or 0
            if t < stable_t and new_t < t:
                size += 1
        return size < window.revisions
    return False


def should_full_promote(c: RolloutContext, status: RolloutStatus) -> str:
    """shouldFullPromote: why the desired ReplicaSet becomes stable now ("" when it does not)."""
    ro = c.rollout
    if c.stable_rs is None:
        return "Initial deploy"
    canary, blue_green = ro.spec.strategy.canary, ro.spec.strategy.blue_green
    if canary is not None:
        if c.pause_context.is_aborted():
            return ""
        replicas = get_replicas_or_default(ro.spec.replicas)
        if c.new_rs is None or (rsutil.available(c.new_rs) < replicas
                                and not rsutil.replica_progress_threshold_met(
                                    canary.replica_progress_threshold, c.new_rs, replicas)):
            return ""
        if ro.status.promote_full:
            return "Full promotion requested"
        if is_fast_rollback(c):
            return "Rollback within window" if is_rollback_within_window(c) else "Fast rollback"
        _, index = rsutil.get_current_canary_step(ro)
        steps = len(canary.steps)
        if steps == 0 or (index is not None and index == steps):
            return f"Completed all {steps} canary steps"
    elif blue_green is not None:
        active = status.blue_green.active_selector or ""
        if not active:
            return "Initial deploy"
        if active != (status.current_pod_hash or ""):
            return ""
        if not (c.targets_verified is None or c.targets_verified):
            return ""
        if ro.status.promote_full:
            return "Full promotion requested"
        if is_fast_rollback(c):
            return "Rollback within window" if is_rollback_within_window(c) else "Fast rollback"
        if c.pause_context.is_aborted():
            return ""
        if blue_green.post_promotion_analysis is not None:
            run = c.current_ars.blue_green_post_promotion
            if run is None or run.status.phase != "Successful":
                return ""
        return "Completed blue-green update"
    return ""


def promote_stable(c: RolloutContext, status: RolloutStatus, reason: str
                   ) -> tuple[RolloutStatus, Err]:
    """promoteStable: clear the pauses and the abort, move to the last step, mark the current
    hash stable."""
    c.pause_context.do_clear_pause_conditions()
    c.pause_context.do_remove_abort()
    status = attrs.evolve(status, promote_full=None, blue_green=attrs.evolve(
        status.blue_green, scale_up_preview_check_point=None))
    canary = c.rollout.spec.strategy.canary
    if canary is not None:
        steps = len(canary.steps)
        status = attrs.evolve(status, current_step_index=steps if steps > 0 else None)
    if status.stable_rs != status.current_pod_hash:
        status = attrs.evolve(status, stable_rs=status.current_pod_hash)
    workload = c.rollout.spec.workload_ref
    if (rsutil.revision(c.rollout) or 0) == 1 and c.rollout.status.phase == "Healthy" \
            and workload is not None and workload.scale_down == "onsuccess":
        from kubefold.reducers.rollouts.rollout.templateref import scale_deployment
        err = scale_deployment(c, 0)
        if err is not None:
            return status, err
    return status, None

