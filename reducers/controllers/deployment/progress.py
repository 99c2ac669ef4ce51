"""The rollout status: the Progressing condition (complete, progressing, timed out), replica
failures, and the requeue that checks a stuck Deployment against its deadline.

Models (v1.34): pkg/controller/deployment/progress.go — syncRolloutStatus,
getReplicaFailures, requeueStuckDeployment.

Simplifies: time is whole seconds: `after` is lastUpdateTime + progressDeadlineSeconds - now;
under one second the key is requeued rate-limited, otherwise after `after + 1` seconds (Go adds
the second against millisecond skew).

Covered by: tests/test_deployment_progress.py (TestRequeueStuckDeployment,
TestSyncRolloutStatus).
"""

from __future__ import annotations

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Condition, Deployment, DeploymentStatus, ReplicaSet
from kubefold.core.schema import replace
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.sync import (
    NAME,
    Err,
    RSs,
    calculate_status,
    go_status,
    update_status,
)


def sync_rollout_status(cluster: Cluster, all_rss: RSs, new_rs: ReplicaSet | None,
                        d: Deployment) -> tuple[Cluster, Err]:
    """syncRolloutStatus: the status with the Progressing condition estimated (when a deadline
    is set and the latest rollout is not complete) and replica failures carried over."""
    new_status = calculate_status(all_rss, new_rs, d, cluster.now)
    if not util.has_progress_deadline(d):
        new_status = util.remove_deployment_condition(new_status, util.DEPLOYMENT_PROGRESSING)
    current_cond = util.get_deployment_condition(d.status, util.DEPLOYMENT_PROGRESSING)
    is_complete_deployment = new_status.replicas == new_status.updated_replicas \
        and current_cond is not None and current_cond.reason == util.NEW_RS_AVAILABLE_REASON
    if util.has_progress_deadline(d) and not is_complete_deployment:
        new_status = _estimate_progress(cluster.now, d, new_rs, new_status, current_cond)
    failures = get_replica_failures(all_rss, new_rs)
    if failures:
        # There will be only one ReplicaFailure condition on the replica set.
        new_status = util.set_deployment_condition(new_status, failures[0])
    else:
        new_status = util.remove_deployment_condition(new_status,
                                                      util.DEPLOYMENT_REPLICA_FAILURE)
    if go_status(d.status) == new_status:
        # Nothing new: requeue the deployment for a progress check if required.
        cluster, _ = requeue_stuck_deployment(cluster, d, new_status)
        return cluster, None
    return update_status(cluster, replace(d, status=new_status))


def _estimate_progress(now: int, d: Deployment, new_rs: ReplicaSet | None,
                       new_status: DeploymentStatus, current_cond: Condition | None
                       ) -> DeploymentStatus:
    subject = f'ReplicaSet "{new_rs.metadata.name}"' if new_rs is not None \
        else f'Deployment "{d.metadata.name}"'
    if util.deployment_complete(d, new_status):
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "True", util.NEW_RS_AVAILABLE_REASON,
            f"{subject} has successfully progressed.", now)
        return util.set_deployment_condition(new_status, condition)
    if util.deployment_progressing(d, new_status):
        # Progress: update everything but lastTransitionTime (SetDeploymentCondition would
        # keep a condition of the same reason, so the old one is removed first).
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "True", util.REPLICA_SET_UPDATED_REASON,
            f"{subject} is progressing.", now)
        if current_cond is not None:
            if current_cond.status == "True":
                condition = replace(
                    condition, last_transition_time=current_cond.last_transition_time)
            new_status = util.remove_deployment_condition(new_status,
                                                          util.DEPLOYMENT_PROGRESSING)
        return util.set_deployment_condition(new_status, condition)
    if util.deployment_timed_out(d, new_status, now):
        condition = util.new_deployment_condition(
            util.DEPLOYMENT_PROGRESSING, "False", util.TIMED_OUT_REASON,
            f"{subject} has timed out progressing.", now)
        return util.set_deployment_condition(new_status, condition)
    return new_status


def get_replica_failures(all_rss: RSs, new_rs: ReplicaSet | None) -> list[Condition]:
    """getReplicaFailures: the ReplicaFailure conditions of the new ReplicaSet, else of all."""
    conditions = _failures(new_rs) if new_rs is not None else []
    if conditions:
        return conditions
    return [c for rs in all_rss if rs is not None for c in _failures(rs)]


def _failures(rs: ReplicaSet) -> list[Condition]:
    return [util.replica_set_to_deployment_condition(c) for c in rs.status.conditions
            if c.type == util.DEPLOYMENT_REPLICA_FAILURE]


def requeue_stuck_deployment(cluster: Cluster, d: Deployment, new_status: DeploymentStatus
                             ) -> tuple[Cluster, int]:
    """requeueStuckDeployment: (cluster, seconds until the progress check, 0 if requeued now,
    -1 if none is needed)."""
    current_cond = util.get_deployment_condition(d.status, util.DEPLOYMENT_PROGRESSING)
    # No deadline or no Progressing condition: no progress to estimate.
    if not util.has_progress_deadline(d) or current_cond is None:
        return cluster, -1
    # Complete, or already timed out: nothing left to check.
    if util.deployment_complete(d, new_status) or current_cond.reason == util.TIMED_OUT_REASON:
        return cluster, -1
    key = f"{d.metadata.namespace}/{d.metadata.name}"
    last_update = current_cond.last_update_time
    last_update = util.GO_ZERO_TIME if last_update is None else last_update
    after = last_update + (d.spec.progress_deadline_seconds or 0) - cluster.now
    if after < 1:
        # Less than a second left: now, rate-limited to stay on the safe side.
        return cluster.enqueue_rate_limited(NAME, key), 0
    return cluster.enqueue_after(NAME, key, after + 1), after
