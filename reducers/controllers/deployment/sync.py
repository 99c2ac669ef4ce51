"""Scaling, new ReplicaSets, revisions, cleanup and status: what every Deployment sync shares.

Models (v1.34): pkg/controller/deployment/sync.go — syncStatusOnly, sync,
checkPausedConditions, getAllReplicaSetsAndSyncRevision, getNewReplicaSet (the new ReplicaSet
`<deployment>-<pod-template-hash>`, the hash collision path with collisionCount, the
FailedRSCreate condition), scale (proportional scaling), scaleReplicaSetAndRecordEvent,
scaleReplicaSet, cleanupDeployment, syncDeploymentStatus, calculateStatus, isScalingEvent.

Simplifies:
- Go mutates the Deployment it syncs (`d`) and keeps its resourceVersion after its own status
  writes; here each function returns the mutated `d` with it, so a later write of the same sync
  meets the same Conflict Go's meets. The ReplicaSets are the lister's copies for the whole
  sync, as in Go (a second write to one of them conflicts as it does in Go).
- Events (ScalingReplicaSet, FailedCreate, SelectingAll, ...) are not recorded: kubefold has
  no Event objects yet.
- `calculateStatus` leaves `terminatingReplicas` out (DeploymentReplicaSetTerminatingReplicas
  is alpha, off by default, in v1.34).
- Go errors are `Status` values; util's ValueError (a bad maxSurge, an unknown strategy)
  becomes a BadRequest.

Covered by: tests/test_deployment_sync.py (TestScale, TestDeploymentController_cleanupDeployment,
getNewReplicaSet and the syncDeployment cases of deployment_controller_test.go).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import (
    Deployment,
    DeploymentStatus,
    ObjectMeta,
    OwnerReference,
    ReplicaSet,
    ReplicaSetSpec,
)
from kubefold.core.schema import replace
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.deployment import util

NAME = "deployment"
MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000  # limit revision history length to ~100 revisions

Err: TypeAlias = Status | None
RSs: TypeAlias = list[ReplicaSet]


# -- the API calls a sync makes -----------------------------------------------------------------


def update_status(cluster: Cluster, d: Deployment) -> tuple[Cluster, Err]:
    """UpdateStatus(d): Go ignores the returned object, so `d` keeps its resourceVersion."""
    written = apiserver.update_status(cluster, d)
    if isinstance(written, Status):
        return cluster, written
    return written.cluster, None


def update_deployment(cluster: Cluster, d: Deployment) -> tuple[Cluster, Err]:
    """Update(d) on the main resource."""
    written = apiserver.update(cluster, d)
    if isinstance(written, Status):
        return cluster, written
    return written.cluster, None


def update_replica_set(cluster: Cluster, rs: ReplicaSet
                       ) -> tuple[Cluster, ReplicaSet | None, Err]:
    """Update(rs): the ReplicaSet as stored, or the rejection."""
    written = apiserver.update(cluster, rs)
    if isinstance(written, Status):
        return cluster, None, written
    return written.cluster, written.object, None


def replicas(obj: Any) -> int:
    """*obj.Spec.Replicas (the API server defaults it; absent reads as 0, as in util)."""
    return obj.spec.replicas or 0


def with_new(old_rss: Sequence[ReplicaSet], new_rs: ReplicaSet | None) -> RSs:
    """append(oldRSs, newRS): every helper Go passes it to skips a nil newRS."""
    return [*old_rss, new_rs] if new_rs is not None else list(old_rss)


def _value_error(exc: ValueError) -> Status:
    return bad_request(str(exc))


# -- sync.go ------------------------------------------------------------------------------------


def sync_status_only(cluster: Cluster, d: Deployment, rs_list: RSs) -> tuple[Cluster, Err]:
    """syncStatusOnly: only the status, no mutating action (a Deployment being deleted)."""
    cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, False)
    if err is not None:
        return cluster, err
    return sync_deployment_status(cluster, with_new(old_rss, new_rs), new_rs, d)


def sync(cluster: Cluster, d: Deployment, rs_list: RSs) -> tuple[Cluster, Err]:
    """sync: reconcile a scaling event or a paused Deployment."""
    from kubefold.reducers.controllers.deployment.rollback import get_rollback_to

    cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, False)
    if err is not None:
        return cluster, err
    cluster, err = scale(cluster, d, new_rs, old_rss)
    if err is not None:
        # If we get an error while trying to scale, the deployment is requeued.
        return cluster, err
    # Clean up the deployment when it's paused and no rollback is in flight.
    if d.spec.paused and get_rollback_to(d) is None:
        cluster, err = cleanup_deployment(cluster, old_rss, d)
        if err is not None:
            return cluster, err
    return sync_deployment_status(cluster, with_new(old_rss, new_rs), new_rs, d)


def check_paused_conditions(cluster: Cluster, d: Deployment
                            ) -> tuple[Cluster, Deployment, Err]:
    """checkPausedConditions: a Progressing Unknown condition on pause and resume, so that a
    resumed Deployment does not time out for the time it was paused."""
    if not util.has_progress_deadline(d):
        return cluster, d, None
    cond = util.get_deployment_condition(d.status, util.DEPLOYMENT_PROGRESSING)
    if cond is not None and cond.reason == util.TIMED_OUT_REASON:
        # If we have reported lack of progress, do not overwrite it with a paused condition.
        return cluster, d, None
    paused_cond_exists = cond is not None and cond.reason == util.PAUSED_DEPLOY_REASON
    if d.spec.paused and not paused_cond_exists:
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "Unknown", util.PAUSED_DEPLOY_REASON,
            "Deployment is paused", cluster.now)
    elif not d.spec.paused and paused_cond_exists:
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "Unknown", util.RESUMED_DEPLOY_REASON,
            "Deployment is resumed", cluster.now)
    else:
        return cluster, d, None
    d = replace(d, status=util.set_deployment_condition(d.status, condition))
    cluster, err = update_status(cluster, d)
    return cluster, d, err


def get_all_replica_sets_and_sync_revision(
        cluster: Cluster, d: Deployment, rs_list: RSs, create_if_not_existed: bool,
) -> tuple[Cluster, Deployment, ReplicaSet | None, RSs, Err]:
    """getAllReplicaSetsAndSyncRevision: (new ReplicaSet or None, all old ones), with the new
    ReplicaSet's and the Deployment's revision brought up to date."""
    _, all_old_rss = util.find_old_replica_sets(d, rs_list)
    cluster, d, new_rs, err = get_new_replica_set(cluster, d, rs_list, all_old_rss,
                                                  create_if_not_existed)
    if err is not None:
        return cluster, d, None, [], err
    return cluster, d, new_rs, all_old_rss, None


def get_new_replica_set(cluster: Cluster, d: Deployment, rs_list: RSs, old_rss: RSs,
                        create_if_not_existed: bool
                        ) -> tuple[Cluster, Deployment, ReplicaSet | None, Err]:
    """getNewReplicaSet: the ReplicaSet matching the template (annotations and minReadySeconds
    synced), else a new one when asked (revision maxOld+1), else None."""
    existing = util.find_new_replica_set(d, rs_list)
    new_revision = str(util.max_revision(old_rss) + 1)
    if existing is not None:
        return _sync_existing_new_replica_set(cluster, d, existing, new_revision)
    if not create_if_not_existed:
        return cluster, d, None, None
    return _create_new_replica_set(cluster, d, old_rss, new_revision)


def _sync_existing_new_replica_set(cluster: Cluster, d: Deployment, existing: ReplicaSet,
                                   new_revision: str
                                   ) -> tuple[Cluster, Deployment, ReplicaSet | None, Err]:
    rs_copy, annotations_updated = util.set_new_replica_set_annotations(
        d, existing, new_revision, True, MAX_REV_HISTORY_LENGTH_IN_CHARS)
    if annotations_updated or rs_copy.spec.min_ready_seconds != d.spec.min_ready_seconds:
        rs_copy = replace(rs_copy, spec=replace(
            rs_copy.spec, min_ready_seconds=d.spec.min_ready_seconds))
        cluster, updated, err = update_replica_set(cluster, rs_copy)
        return cluster, d, updated, err
    # Should use the revision in existingNewRS's annotation, since it was set before.
    d, needs_update = util.set_deployment_revision(
        d, rs_copy.metadata.annotations.get(util.REVISION_ANNOTATION, ""))
    # No Progressing condition yet while progress is estimated: users started caring about
    # progress, so count from the first time we noticed their new ReplicaSet.
    cond = util.get_deployment_condition(d.status, util.DEPLOYMENT_PROGRESSING)
    if util.has_progress_deadline(d) and cond is None:
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "True", util.FOUND_NEW_RS_REASON,
            f'Found new replica set "{rs_copy.metadata.name}"', cluster.now)
        d = replace(d, status=util.set_deployment_condition(d.status, condition))
        needs_update = True
    if needs_update:
        cluster, err = update_status(cluster, d)
        if err is not None:
            return cluster, d, None, err
    return cluster, d, rs_copy, None


def new_replica_set_object(d: Deployment, replica_count: int) -> ReplicaSet:
    """The ReplicaSet getNewReplicaSet creates: `<name>-<hash>`, the hash label added to the
    template and the selector, controlled by the Deployment."""
    assert d.spec.template is not None and d.spec.selector is not None
    template = d.spec.template
    pod_template_spec_hash = util.compute_hash(template, d.status.collision_count)
    labels = util.clone_and_add_label(template.metadata.labels,
                                      util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
                                      pod_template_spec_hash)
    template = replace(template, metadata=replace(template.metadata, labels=labels))
    selector = util.clone_selector_and_add_label(
        d.spec.selector, util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, pod_template_spec_hash)
    return ReplicaSet(
        api_version="apps/v1", kind="ReplicaSet",
        metadata=ObjectMeta(name=f"{d.metadata.name}-{pod_template_spec_hash}",
                            namespace=d.metadata.namespace, labels=labels,
                            owner_references=pvector([controller_ref(d)])),
        spec=ReplicaSetSpec(replicas=replica_count, min_ready_seconds=d.spec.min_ready_seconds,
                            selector=selector, template=template))


def controller_ref(d: Deployment) -> OwnerReference:
    """metav1.NewControllerRef(d, apps/v1 Deployment)."""
    return OwnerReference(api_version="apps/v1", kind="Deployment", name=d.metadata.name,
                          uid=d.metadata.uid, controller=True, block_owner_deletion=True)


def _create_new_replica_set(cluster: Cluster, d: Deployment, old_rss: RSs, new_revision: str
                            ) -> tuple[Cluster, Deployment, ReplicaSet | None, Err]:
    new_rs = new_replica_set_object(d, 0)
    try:
        new_replicas_count = util.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
    except ValueError as exc:
        return cluster, d, None, _value_error(exc)
    new_rs = replace(new_rs, spec=replace(new_rs.spec, replicas=new_replicas_count))
    new_rs, _ = util.set_new_replica_set_annotations(d, new_rs, new_revision, False,
                                                     MAX_REV_HISTORY_LENGTH_IN_CHARS)
    created = apiserver.create(cluster, new_rs)
    already_exists = False
    if isinstance(created, Status) and created.reason == "AlreadyExists":
        # A slow cache or a fast resync; or a hash collision.
        already_exists = True
        rs = cluster.get("ReplicaSet", new_rs.metadata.namespace, new_rs.metadata.name)
        ref = get_controller_of(rs)
        if ref is not None and ref.uid == d.metadata.uid \
                and util.equal_ignore_hash(d.spec.template, rs.spec.template):
            created_rs = rs
        else:
            # Not ours or not equal: bump collisionCount and requeue with the original error.
            count = (d.status.collision_count or 0) + 1
            d = replace(d, status=replace(d.status, collision_count=count))
            cluster, _ = update_status(cluster, d)
            return cluster, d, None, created
    elif isinstance(created, Status):
        if _namespace_terminating(created):
            return cluster, d, None, created
        msg = f'Failed to create new replica set "{new_rs.metadata.name}": {created.message}'
        if util.has_progress_deadline(d):
            cond = util.new_deployment_condition(util.DEPLOYMENT_PROGRESSING, "False",
                                                 util.FAILED_RS_CREATE_REASON, msg, cluster.now)
            d = replace(d, status=util.set_deployment_condition(d.status, cond))
            # A bigger issue to report than this error.
            cluster, _ = update_status(cluster, d)
        return cluster, d, None, created
    else:
        cluster, created_rs = created.cluster, created.object
    d, needs_update = util.set_deployment_revision(d, new_revision)
    if not already_exists and util.has_progress_deadline(d):
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "True", util.NEW_REPLICA_SET_REASON,
            f'Created new replica set "{created_rs.metadata.name}"', cluster.now)
        d = replace(d, status=util.set_deployment_condition(d.status, condition))
        needs_update = True
    err: Err = None
    if needs_update:
        cluster, err = update_status(cluster, d)
    return cluster, d, created_rs, err


def _namespace_terminating(status: Status) -> bool:
    """errors.HasStatusCause(err, NamespaceTerminatingCause)."""
    return status.reason == "Forbidden" and "because it is being terminated" in status.message


def scale(cluster: Cluster, d: Deployment, new_rs: ReplicaSet | None, old_rss: RSs
          ) -> tuple[Cluster, Err]:
    """scale: one active ReplicaSet (or none) takes the whole size; a saturated new one empties
    the old; otherwise, rolling, the difference is shared in proportion to each ReplicaSet's
    size, rounding half away from zero, the leftover to the first (largest) ReplicaSet."""
    active_or_latest = util.find_active_or_latest(new_rs, old_rss)
    if active_or_latest is not None:
        if replicas(active_or_latest) == replicas(d):
            return cluster, None
        cluster, _, _, err = scale_replica_set_and_record_event(
            cluster, active_or_latest, replicas(d), d)
        return cluster, err
    # A saturated new ReplicaSet: the old ones are fully scaled down (adoption during one).
    if util.is_saturated(d, new_rs):
        for old in util.filter_active_replica_sets(old_rss):
            cluster, _, _, err = scale_replica_set_and_record_event(cluster, old, 0, d)
            if err is not None:
                return cluster, err
        return cluster, None
    if not util.is_rolling_update(d):
        return cluster, None
    return _scale_proportionally(cluster, d, util.filter_active_replica_sets(
        with_new(old_rss, new_rs)))


def _scale_proportionally(cluster: Cluster, d: Deployment, all_rss: RSs
                          ) -> tuple[Cluster, Err]:
    all_rss_replicas = util.get_replica_count_for_replica_sets(all_rss)
    allowed_size = replicas(d) + util.max_surge(d) if replicas(d) > 0 else 0
    # Replicas to add (or remove, when negative), shared among the active ReplicaSets.
    to_add = allowed_size - all_rss_replicas
    scaling_operation = ""
    if to_add > 0:
        all_rss = util.replica_sets_by_size_newer(all_rss)
        scaling_operation = "up"
    elif to_add < 0:
        all_rss = util.replica_sets_by_size_older(all_rss)
        scaling_operation = "down"
    added = 0
    name_to_size: dict[str, int] = {}
    for rs in all_rss:
        if to_add != 0:
            proportion = util.get_proportion(rs, d, to_add, added)
            name_to_size[rs.metadata.name or ""] = replicas(rs) + proportion
            added += proportion
        else:
            name_to_size[rs.metadata.name or ""] = replicas(rs)
    for i, rs in enumerate(all_rss):
        name = rs.metadata.name or ""
        if i == 0 and to_add != 0:
            # The leftover goes to the largest replica set.
            name_to_size[name] = max(name_to_size[name] + to_add - added, 0)
        cluster, _, _, err = scale_replica_set(cluster, rs, name_to_size[name], d,
                                               scaling_operation)
        if err is not None:
            return cluster, err  # the deployment is requeued
    return cluster, None


def scale_replica_set_and_record_event(cluster: Cluster, rs: ReplicaSet, new_scale: int,
                                       d: Deployment
                                       ) -> tuple[Cluster, bool, ReplicaSet, Err]:
    """scaleReplicaSetAndRecordEvent: (scaled, the ReplicaSet as stored, error)."""
    if replicas(rs) == new_scale:
        return cluster, False, rs, None
    operation = "up" if replicas(rs) < new_scale else "down"
    return scale_replica_set(cluster, rs, new_scale, d, operation)


def scale_replica_set(cluster: Cluster, rs: ReplicaSet, new_scale: int, d: Deployment,
                      scaling_operation: str) -> tuple[Cluster, bool, ReplicaSet, Err]:
    """scaleReplicaSet: write the new size and the desired/max-replicas annotations when
    either changed; `scaled` only when the size did."""
    size_needs_update = replicas(rs) != new_scale
    max_replicas = replicas(d) + util.max_surge(d)
    annotations_need_update = util.replicas_annotations_need_update(rs, replicas(d),
                                                                    max_replicas)
    if not (size_needs_update or annotations_need_update):
        return cluster, False, rs, None
    rs_copy = replace(rs, spec=replace(rs.spec, replicas=new_scale))
    rs_copy, _ = util.set_replicas_annotations(rs_copy, replicas(d), max_replicas)
    cluster, updated, err = update_replica_set(cluster, rs_copy)
    if err is not None:
        return cluster, False, rs, err
    assert updated is not None
    # Event: "Scaled <op> replica set <name> to <new> from <old>" (not recorded).
    return cluster, size_needs_update, updated, None


def cleanup_deployment(cluster: Cluster, old_rss: RSs, d: Deployment) -> tuple[Cluster, Err]:
    """cleanupDeployment: delete all but the newest revisionHistoryLimit old ReplicaSets, only
    those with no replicas, observed, and not already being deleted."""
    if not util.has_revision_history_limit(d):
        return cluster, None
    limit = d.spec.revision_history_limit or 0
    cleanable = [rs for rs in old_rss if rs is not None
                 and rs.metadata.deletion_timestamp is None]
    diff = len(cleanable) - limit
    if diff <= 0:
        return cluster, None
    cleanable = util.replica_sets_by_revision(cleanable)
    for rs in cleanable[:diff]:
        # Avoid deleting replica sets with non-zero replica counts.
        if (rs.status.replicas or 0) != 0 or replicas(rs) != 0 \
                or (rs.metadata.generation or 0) > (rs.status.observed_generation or 0) \
                or rs.metadata.deletion_timestamp is not None:
            continue
        deleted = apiserver.delete(cluster, "ReplicaSet", rs.metadata.namespace,
                                   rs.metadata.name)
        if isinstance(deleted, Status):
            if deleted.reason != "NotFound":
                return cluster, deleted  # don't keep overloading the API server
            continue
        cluster = deleted.cluster
    return cluster, None


def sync_deployment_status(cluster: Cluster, all_rss: RSs, new_rs: ReplicaSet | None,
                           d: Deployment) -> tuple[Cluster, Err]:
    """syncDeploymentStatus: write the calculated status when it differs."""
    new_status = calculate_status(all_rss, new_rs, d, cluster.now)
    if go_status(d.status) == new_status:
        return cluster, None
    return update_status(cluster, replace(d, status=new_status))


def go_status(status: DeploymentStatus) -> DeploymentStatus:
    """The status as Go holds it: its int32 counts are never nil (absent reads as 0)."""
    return replace(status, observed_generation=status.observed_generation or 0,
                   replicas=status.replicas or 0,
                   updated_replicas=status.updated_replicas or 0,
                   ready_replicas=status.ready_replicas or 0,
                   available_replicas=status.available_replicas or 0,
                   unavailable_replicas=status.unavailable_replicas or 0)


def calculate_status(all_rss: RSs, new_rs: ReplicaSet | None, d: Deployment,
                     now: int) -> DeploymentStatus:
    """calculateStatus: the counts from the ReplicaSets, the Deployment's conditions, and
    Available from minimum availability (spec.replicas - maxUnavailable)."""
    available = util.get_available_replica_count_for_replica_sets(all_rss)
    total = util.get_replica_count_for_replica_sets(all_rss)
    # More available than desired (e.g. while scaling down): none unavailable.
    unavailable = max(total - available, 0)
    status = DeploymentStatus(
        observed_generation=d.metadata.generation or 0,
        replicas=util.get_actual_replica_count_for_replica_sets(all_rss),
        updated_replicas=util.get_actual_replica_count_for_replica_sets(with_new([], new_rs)),
        ready_replicas=util.get_ready_replica_count_for_replica_sets(all_rss),
        available_replicas=available,
        unavailable_replicas=unavailable,
        collision_count=d.status.collision_count,
        conditions=pvector(d.status.conditions),
        extra=pmap())
    if available >= replicas(d) - util.max_unavailable(d):
        cond = util.new_deployment_condition(util.DEPLOYMENT_AVAILABLE, "True",
                                             util.MINIMUM_REPLICAS_AVAILABLE,
                                             "Deployment has minimum availability.", now)
    else:
        cond = util.new_deployment_condition(util.DEPLOYMENT_AVAILABLE, "False",
                                             util.MINIMUM_REPLICAS_UNAVAILABLE,
                                             "Deployment does not have minimum availability.",
                                             now)
    return util.set_deployment_condition(status, cond)


def is_scaling_event(cluster: Cluster, d: Deployment, rs_list: RSs
                     ) -> tuple[Cluster, Deployment, bool, Err]:
    """isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from
    spec.replicas."""
    cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, False)
    if err is not None:
        return cluster, d, False, err
    for rs in util.filter_active_replica_sets(with_new(old_rss, new_rs)):
        desired, ok = util.get_desired_replicas_annotation(rs)
        if ok and desired != replicas(d):
            return cluster, d, True, None
    return cluster, d, False, None
