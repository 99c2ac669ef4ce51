"""rolling_test.go (v1.34): reconcileNewReplicaSet, reconcileOldReplicaSets,
cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate, on restored clusters."""

from __future__ import annotations

import pytest

from kubefold.reducers.controllers.deployment.rolling import (
    cleanup_unhealthy_replicas,
    reconcile_new_replica_set,
    reconcile_old_replica_sets,
    scale_down_old_replica_sets_for_rolling_update,
)
from tests.helpers import restore
from tests.test_deployment_sync import get_d, get_rs, new_deployment, replicas_of, rs

# (deploymentReplicas, maxSurge, oldReplicas, newReplicas, scaleExpected, expectedNewReplicas)
RECONCILE_NEW = [
    (10, 0, 10, 0, False, 0),
    (10, 2, 10, 0, True, 2),
    (10, 2, 5, 0, True, 7),
    (10, 2, 10, 2, False, 2),
    (10, 2, 2, 11, True, 10),  # should scale down
]


@pytest.mark.parametrize("replicas,surge,old,new,scale_expected,expected_new", RECONCILE_NEW,
                         ids=[f"TestDeploymentController_reconcileNewReplicaSet/scenario {i}"
                              for i in range(len(RECONCILE_NEW))])
def test_reconcile_new_replica_set(replicas: int, surge: int, old: int, new: int,
                                   scale_expected: bool, expected_new: int) -> None:
    cluster = restore(new_deployment(replicas=replicas, max_surge=surge, max_unavailable=0),
                      rs("foo-new", new, image="foo/bar"), rs("foo-old", old))
    new_rs, old_rs = get_rs(cluster, "foo-new"), get_rs(cluster, "foo-old")
    after, scaled, err = reconcile_new_replica_set(cluster, [new_rs, old_rs], new_rs,
                                                   get_d(cluster))
    assert err is None
    assert scaled is scale_expected
    assert replicas_of(after, "foo-new") == expected_new
    assert (after.resource_version > cluster.resource_version) is scale_expected


# (deploymentReplicas, maxUnavailable, oldReplicas, newReplicas, readyPodsFromOldRS,
#  readyPodsFromNewRS, scaleExpected, expectedOldReplicas)
RECONCILE_OLD = [
    (10, 0, 10, 0, 10, 0, True, 9),
    (10, 2, 10, 0, 10, 0, True, 8),
    (10, 2, 10, 0, 8, 0, True, 8),  # unhealthy old replicas cleaned up
    (10, 2, 10, 0, 9, 0, True, 8),  # 1 unhealthy cleaned up, 1 ready scaled down
    (10, 2, 8, 2, 8, 0, False, 8),  # the new RS's unavailable pods block further scale-down
]
# kubefold: rolling.go's own "case 1" (maxSurge 3): old 8 with 7 available, new 5 crashlooping
# (0 available): 13 - 8 - 5 = 0, so not even the unhealthy old replica is cleaned up.
RECONCILE_OLD_KUBEFOLD = [(10, 2, 8, 5, 7, 0, False, 8)]


@pytest.mark.parametrize("replicas,unavailable,old,new,ready_old,ready_new,scale_expected,"
                         "expected_old", RECONCILE_OLD + RECONCILE_OLD_KUBEFOLD,
                         ids=[f"TestDeploymentController_reconcileOldReplicaSets/scenario {i}"
                              for i in range(len(RECONCILE_OLD))]
                         + ["kubefold/new RS unavailable pods block the cleanup"])
def test_reconcile_old_replica_sets(replicas: int, unavailable: int, old: int, new: int,
                                    ready_old: int, ready_new: int, scale_expected: bool,
                                    expected_old: int) -> None:
    cluster = restore(
        new_deployment(replicas=replicas, max_surge=0, max_unavailable=unavailable,
                       selector={"foo": "new"}),
        rs("foo-new", new, selector={"foo": "new"}, image="foo/bar", available=ready_new),
        rs("foo-old", old, selector={"foo": "old"}, available=ready_old))
    new_rs, old_rs = get_rs(cluster, "foo-new"), get_rs(cluster, "foo-old")
    after, scaled, err = reconcile_old_replica_sets(cluster, [old_rs, new_rs], [old_rs], new_rs,
                                                    get_d(cluster))
    assert err is None
    assert scaled is scale_expected
    assert replicas_of(after, "foo-old") == expected_old


# (oldReplicas, readyPods, unHealthyPods, maxCleanupCount, cleanupCountExpected)
CLEANUP_UNHEALTHY = [
    (10, 8, 2, 1, 1),
    (10, 8, 2, 3, 2),
    (10, 8, 2, 0, 0),
    (10, 10, 0, 3, 0),
]


@pytest.mark.parametrize("old,ready,unhealthy,max_cleanup,expected", CLEANUP_UNHEALTHY,
                         ids=[f"TestDeploymentController_cleanupUnhealthyReplicas/scenario {i}"
                              for i in range(len(CLEANUP_UNHEALTHY))])
def test_cleanup_unhealthy_replicas(old: int, ready: int, unhealthy: int, max_cleanup: int,
                                    expected: int) -> None:
    cluster = restore(new_deployment(replicas=10, max_surge=2, max_unavailable=2),
                      rs("foo-v2", old, available=ready))
    after, old_rss, count, err = cleanup_unhealthy_replicas(
        cluster, [get_rs(cluster, "foo-v2")], get_d(cluster), max_cleanup)
    assert err is None
    assert count == expected
    assert replicas_of(after, "foo-v2") == old - expected
    assert old_rss[0].spec.replicas == old - expected  # the updated ReplicaSet replaces it


# (deploymentReplicas, maxUnavailable, readyPods, oldReplicas, scaleExpected,
#  expectedOldReplicas)
SCALE_DOWN_OLD = [
    (10, 0, 10, 10, True, 9),
    (10, 2, 10, 10, True, 8),
    (10, 2, 8, 10, False, 10),
    (10, 2, 10, 0, False, 0),
    (10, 2, 1, 10, False, 10),
]


@pytest.mark.parametrize("replicas,unavailable,ready,old,scale_expected,expected_old",
                         SCALE_DOWN_OLD,
                         ids=[f"TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate"
                              f"/scenario {i}" for i in range(len(SCALE_DOWN_OLD))])
def test_scale_down_old_replica_sets_for_rolling_update(replicas: int, unavailable: int,
                                                        ready: int, old: int,
                                                        scale_expected: bool,
                                                        expected_old: int) -> None:
    cluster = restore(new_deployment(replicas=replicas, max_surge=0, max_unavailable=unavailable),
                      rs("foo-v2", old, available=ready))
    old_rs = get_rs(cluster, "foo-v2")
    after, scaled, err = scale_down_old_replica_sets_for_rolling_update(
        cluster, [old_rs], [old_rs], get_d(cluster))
    assert err is None
    assert (scaled != 0) is scale_expected
    assert replicas_of(after, "foo-v2") == expected_old
