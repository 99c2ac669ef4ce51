"""The Recreate strategy: scale every old ReplicaSet to zero, wait until no old pod is left,
then create and scale up the new ReplicaSet.

Models (v1.34): pkg/controller/deployment/recreate.go — rolloutRecreate,
scaleDownOldReplicaSetsForRecreate, oldPodsRunning, scaleUpNewReplicaSetForRecreate.

Simplifies: the terminating-pods variant of the old-pods check (DeploymentPodReplacementPolicy)
is not in v1.34; `old_pods_running` is v1.34's.

Covered by: tests/test_deployment_recreate.py (TestScaleDownOldReplicaSets, TestOldPodsRunning,
TestScaleUpNewReplicaSetForRecreate-style cases and a sync-by-sync Recreate rollout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Deployment, Pod, ReplicaSet
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

PodMap = Mapping[str, Sequence[Pod]]  # ReplicaSet uid -> the pods it controls


def rollout_recreate(cluster: Cluster, d: Deployment, rs_list: RSs, pod_map: PodMap
                     ) -> tuple[Cluster, Err]:
    """rolloutRecreate: old down, wait for their pods to go, new up, clean up when complete."""
    # Don't create a new RS if not already existed, so that we avoid scaling up before down.
    cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, False)
    if err is not None:
        return cluster, err
    all_rss = with_new(old_rss, new_rs)
    active_old_rss = util.filter_active_replica_sets(old_rss)
    cluster, scaled_down, err = scale_down_old_replica_sets_for_recreate(
        cluster, active_old_rss, d)
    if err is not None:
        return cluster, err
    if scaled_down:
        return sync_rollout_status(cluster, all_rss, new_rs, d)
    # Do not process a deployment when it has old pods running.
    if old_pods_running(new_rs, old_rss, pod_map):
        return sync_rollout_status(cluster, all_rss, new_rs, d)
    if new_rs is None:
        cluster, d, new_rs, old_rss, err = get_all_replica_sets_and_sync_revision(
            cluster, d, rs_list, True)
        if err is not None:
            return cluster, err
        all_rss = with_new(old_rss, new_rs)
    assert new_rs is not None
    cluster, _, err = scale_up_new_replica_set_for_recreate(cluster, new_rs, d)
    if err is not None:
        return cluster, err
    if util.deployment_complete(d, d.status):
        cluster, err = cleanup_deployment(cluster, old_rss, d)
        if err is not None:
            return cluster, err
    return sync_rollout_status(cluster, all_rss, new_rs, d)


def scale_down_old_replica_sets_for_recreate(cluster: Cluster, old_rss: Sequence[ReplicaSet],
                                             d: Deployment) -> tuple[Cluster, bool, Err]:
    """scaleDownOldReplicaSetsForRecreate: every old ReplicaSet to zero."""
    scaled = False
    for rs in old_rss:
        if replicas(rs) == 0:
            continue  # Scaling not required.
        cluster, scaled_rs, _, err = scale_replica_set_and_record_event(cluster, rs, 0, d)
        if err is not None:
            return cluster, False, err
        scaled = scaled or scaled_rs
    return cluster, scaled, None


def old_pods_running(new_rs: ReplicaSet | None, old_rss: Sequence[ReplicaSet],
                     pod_map: PodMap) -> bool:
    """oldPodsRunning: an old ReplicaSet reports pods, or a pod it controls is not in a terminal
    phase (Unknown counts as running: it may be)."""
    if util.get_actual_replica_count_for_replica_sets(old_rss) > 0:
        return True
    for rs_uid, pods in pod_map.items():
        # If the pods belong to the new ReplicaSet, ignore.
        if new_rs is not None and new_rs.metadata.uid == rs_uid:
            continue
        for pod in pods:
            phase = pod.status.phase
            if phase not in ("Failed", "Succeeded"):
                return True
    return False


def scale_up_new_replica_set_for_recreate(cluster: Cluster, new_rs: ReplicaSet, d: Deployment
                                          ) -> tuple[Cluster, bool, Err]:
    """scaleUpNewReplicaSetForRecreate: the new ReplicaSet to spec.replicas."""
    cluster, scaled, _, err = scale_replica_set_and_record_event(cluster, new_rs, replicas(d), d)
    return cluster, scaled, err
