"""The RollingUpdate strategy: scale the new ReplicaSet up within maxSurge, the old ones down
within maxUnavailable.

Models (v1.34): pkg/controller/deployment/rolling.go — rolloutRolling,
reconcileNewReplicaSet, reconcileOldReplicaSets, cleanupUnhealthyReplicas,
scaleDownOldReplicaSetsForRollingUpdate.

Simplifies:
- As in v1.34, reconcileOldReplicaSets swallows the errors of its two scale-downs (it returns
  "not scaled", no error); later releases return them.
- Go's in-place sort of oldRSs and the replacement of its elements by the updated ReplicaSets
  become returned lists; `rollout_rolling` keeps its own `all_rss` (the lister's copies), as Go's
  `allRSs` slice keeps the objects it was built from.

Covered by: tests/test_deployment_rolling.py (TestDeploymentController_reconcileNewReplicaSet,
_reconcileOldReplicaSets, _cleanupUnhealthyReplicas, _scaleDownOldReplicaSetsForRollingUpdate),
tests/test_deployment_worked_rollout.py.
"""

from __future__ import annotations

from kubefold.core.cluster import Cluster
from kubefold.core.errors import bad_request
from kubefold.core.objects import Deployment, ReplicaSet
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.progress import sync_rollout_status
from kubefold.reducers.controllers.deployment.sync import (
    Err,
    RSs,
    cleanup_deployment,
    get_all_replica_sets_and_sync_revision,
    replicas,
    scale_replica_set_and_record_event,
    with_new,
)


def rollout_rolling(cluster: Cluster, d: Deployment, rs_list: RSs) -> tuple[Cluster, Err]:
    """rolloutRolling: scale up if we can, else scale down if we can, else clean up a complete
    Deployment; then the rollout status."""
    cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, True)
    if err is not None:
        return cluster, err
    assert new_rs is not None
    all_rss = with_new(old_rss, new_rs)
    cluster, scaled_up, err = reconcile_new_replica_set(cluster, all_rss, new_rs, d)
    if err is not None:
        return cluster, err
    if scaled_up:
        return sync_rollout_status(cluster, all_rss, new_rs, d)
    cluster, scaled_down, err = reconcile_old_replica_sets(
        cluster, all_rss, util.filter_active_replica_sets(old_rss), new_rs, d)
    if err is not None:
        return cluster, err
    if scaled_down:
        return sync_rollout_status(cluster, all_rss, new_rs, d)
    if util.deployment_complete(d, d.status):
        cluster, err = cleanup_deployment(cluster, old_rss, d)
        if err is not None:
            return cluster, err
    return sync_rollout_status(cluster, all_rss, new_rs, d)


def reconcile_new_replica_set(cluster: Cluster, all_rss: RSs, new_rs: ReplicaSet,
                              d: Deployment) -> tuple[Cluster, bool, Err]:
    """reconcileNewReplicaSet: down to spec.replicas, or up by what maxSurge allows."""
    if replicas(new_rs) == replicas(d):
        return cluster, False, None  # Scaling not required.
    if replicas(new_rs) > replicas(d):
        cluster, scaled, _, err = scale_replica_set_and_record_event(
            cluster, new_rs, replicas(d), d)
        return cluster, scaled, err
    try:
        new_replicas_count = util.new_rs_new_replicas(d, all_rss, new_rs)
    except ValueError as exc:
        return cluster, False, bad_request(str(exc))
    cluster, scaled, _, err = scale_replica_set_and_record_event(
        cluster, new_rs, new_replicas_count, d)
    return cluster, scaled, err


def reconcile_old_replica_sets(cluster: Cluster, all_rss: RSs, old_rss: RSs,
                               new_rs: ReplicaSet, d: Deployment
                               ) -> tuple[Cluster, bool, Err]:
    """reconcileOldReplicaSets: scale down by at most allPods - minAvailable - the new
    ReplicaSet's unavailable pods: first the old unhealthy replicas, then (keeping
    minAvailable available) the old available ones."""
    if util.get_replica_count_for_replica_sets(old_rss) == 0:
        return cluster, False, None  # Can't scale down further.
    all_pods_count = util.get_replica_count_for_replica_sets(all_rss)
    min_available = replicas(d) - util.max_unavailable(d)
    new_rs_unavailable_pod_count = replicas(new_rs) - (new_rs.status.available_replicas or 0)
    max_scaled_down = all_pods_count - min_available - new_rs_unavailable_pod_count
    if max_scaled_down <= 0:
        return cluster, False, None
    # Unhealthy replicas first: they would otherwise block the rollout (kubernetes#16737).
    cluster, old_rss, cleanup_count, err = cleanup_unhealthy_replicas(
        cluster, old_rss, d, max_scaled_down)
    if err is not None:
        return cluster, False, None
    cluster, scaled_down_count, err = scale_down_old_replica_sets_for_rolling_update(
        cluster, with_new(old_rss, new_rs), old_rss, d)
    if err is not None:
        return cluster, False, None
    return cluster, cleanup_count + scaled_down_count > 0, None


def cleanup_unhealthy_replicas(cluster: Cluster, old_rss: RSs, d: Deployment,
                               max_cleanup_count: int) -> tuple[Cluster, RSs, int, Err]:
    """cleanupUnhealthyReplicas: scale the oldest old ReplicaSets down by their unavailable
    replicas, at most max_cleanup_count in all; (the updated old ReplicaSets, the count)."""
    old_rss = util.replica_sets_by_creation_timestamp(old_rss)
    total_scaled_down = 0
    for i, target in enumerate(old_rss):
        if total_scaled_down >= max_cleanup_count:
            break
        available = target.status.available_replicas or 0
        if replicas(target) == 0 or replicas(target) == available:
            continue  # nothing to scale down, or no unhealthy replicas
        scaled_down_count = min(max_cleanup_count - total_scaled_down,
                                replicas(target) - available)
        new_replicas_count = replicas(target) - scaled_down_count
        if new_replicas_count > replicas(target):
            return cluster, [], 0, bad_request(
                "when cleaning up unhealthy replicas, got invalid request to scale down "
                f"{target.metadata.namespace}/{target.metadata.name} {replicas(target)} -> "
                f"{new_replicas_count}")
        cluster, _, updated, err = scale_replica_set_and_record_event(
            cluster, target, new_replicas_count, d)
        if err is not None:
            return cluster, [], total_scaled_down, err
        total_scaled_down += scaled_down_count
        old_rss[i] = updated
    return cluster, old_rss, total_scaled_down, None


def scale_down_old_replica_sets_for_rolling_update(cluster: Cluster, all_rss: RSs, old_rss: RSs,
                                                   d: Deployment) -> tuple[Cluster, int, Err]:
    """scaleDownOldReplicaSetsForRollingUpdate: scale the oldest old ReplicaSets down by the
    available pods above minAvailable."""
    min_available = replicas(d) - util.max_unavailable(d)
    available_pod_count = util.get_available_replica_count_for_replica_sets(all_rss)
    if available_pod_count <= min_available:
        return cluster, 0, None  # Cannot scale down.
    total_scaled_down = 0
    total_scale_down_count = available_pod_count - min_available
    for target in util.replica_sets_by_creation_timestamp(old_rss):
        if total_scaled_down >= total_scale_down_count:
            break  # No further scaling required.
        if replicas(target) == 0:
            continue  # cannot scale down this ReplicaSet
        scale_down_count = min(replicas(target), total_scale_down_count - total_scaled_down)
        new_replicas_count = replicas(target) - scale_down_count
        if new_replicas_count > replicas(target):
            return cluster, 0, bad_request(
                "when scaling down old RS, got invalid request to scale down "
                f"{target.metadata.namespace}/{target.metadata.name} {replicas(target)} -> "
                f"{new_replicas_count}")
        cluster, _, _, err = scale_replica_set_and_record_event(cluster, target,
                                                                new_replicas_count, d)
        if err is not None:
            return cluster, total_scaled_down, err
        total_scaled_down += scale_down_count
    return cluster, total_scaled_down, None
