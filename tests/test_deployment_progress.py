"""progress_test.go: TestRequeueStuckDeployment and TestSyncRolloutStatus-style cases."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubefold.core.objects import DeploymentStatus
from kubefold.core.schema import parse_time
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.progress import (
    requeue_stuck_deployment,
    sync_rollout_status,
)
from tests.helpers import restore
from tests.test_deployment_sync import MAX_INT32, get_d, get_rs, new_deployment, rs

STUCK_AT = "2017-02-15T18:49:00Z"
FAILED = [{"type": "Progressing", "status": "False", "reason": util.TIMED_OUT_REASON}]
STUCK = [{"type": "Progressing", "status": "True", "lastUpdateTime": STUCK_AT}]


def current_deployment(pds: int | None, replicas: int, status_replicas: int, updated: int,
                       available: int, conditions: list | None) -> dict[str, Any]:
    """currentDeployment."""
    m = new_deployment(replicas=replicas, progress_deadline_seconds=pds)
    m["status"] = {"replicas": status_replicas, "updatedReplicas": updated,
                   "availableReplicas": available, "conditions": conditions or []}
    return m


def new_deployment_status(replicas: int, updated: int, available: int) -> DeploymentStatus:
    """newDeploymentStatus."""
    return DeploymentStatus(replicas=replicas, updated_replicas=updated,
                            available_replicas=available, observed_generation=1)


# (name, d, status, now, expected seconds)
REQUEUE = [
    ("nil progressDeadlineSeconds specified", (None, 4, 3, 3, 2, None), (3, 3, 2), None, -1),
    ("infinite progressDeadlineSeconds specified", (MAX_INT32, 4, 3, 3, 2, None), (3, 3, 2),
     None, -1),
    ("no progressing condition found", (60, 4, 3, 3, 2, None), (3, 3, 2), None, -1),
    ("complete deployment does not need to be requeued", (60, 3, 3, 3, 3, None), (3, 3, 3),
     None, -1),
    ("already failed deployment does not need to be requeued", (60, 3, 3, 3, 0, FAILED),
     (3, 3, 0), None, -1),
    ("stuck deployment - 30s", (60, 3, 3, 3, 1, STUCK), (3, 3, 1), "2017-02-15T18:49:30Z", 30),
    ("stuck deployment - 1s", (60, 3, 3, 3, 1, STUCK), (3, 3, 1), "2017-02-15T18:49:59Z", 1),
    ("failed deployment - now", (60, 3, 3, 3, 1, STUCK), (3, 3, 1), "2017-02-15T18:50:00Z", 0),
    ("failed deployment - 1s after deadline", (60, 3, 3, 3, 1, STUCK), (3, 3, 1),
     "2017-02-15T18:50:01Z", 0),
    ("failed deployment - 60s after deadline", (60, 3, 3, 3, 1, STUCK), (3, 3, 1),
     "2017-02-15T18:51:00Z", 0),
]


@pytest.mark.parametrize("d,status,now,expected", [c[1:] for c in REQUEUE],
                         ids=[f"TestRequeueStuckDeployment/{c[0]}" for c in REQUEUE])
def test_requeue_stuck_deployment(d: tuple, status: tuple, now: str | None,
                                  expected: int) -> None:
    cluster = restore(current_deployment(*d), now=now or STUCK_AT)
    item = ("deployment", "default/foo")
    after, got = requeue_stuck_deployment(cluster, get_d(cluster),
                                          new_deployment_status(*status))
    assert got == expected
    if expected > 0:
        # Go adds a second against skew.
        assert after.queue.waiting[item] == parse_time(now or STUCK_AT) + expected + 1
    elif expected == 0:
        assert after.queue.num_requeues(item) == 1
    else:
        assert after.queue == cluster.queue


T0 = "2024-01-01T00:00:00Z"


def _rollout_cluster(new_available: int, conditions: list | None, now: str,
                     replicas: int = 2, failure: bool = False) -> Any:
    d = new_deployment(replicas=replicas, progress_deadline_seconds=60, max_surge=1,
                       max_unavailable=0)
    d["status"] = {"conditions": conditions or []}
    new = rs("foo-new", replicas, image="foo/bar", available=new_available,
             status_replicas=replicas)
    if failure:
        new["status"]["conditions"] = [{"type": "ReplicaFailure", "status": "True",
                                        "reason": "FailedCreate", "message": "quota",
                                        "lastTransitionTime": T0}]
    old = rs("foo-old", 0, status_replicas=0)
    return restore(d, new, old, now=now)


def _progressing(cluster: Any) -> Any:
    return util.get_deployment_condition(get_d(cluster).status, util.DEPLOYMENT_PROGRESSING)


def test_sync_rollout_status_no_deadline_removes_progressing() -> None:
    """TestSyncRolloutStatus/General: no deadline, no Progressing condition kept."""
    d = new_deployment(replicas=2)
    d["status"] = {"conditions": [{"type": "Progressing", "status": "True",
                                   "reason": util.REPLICA_SET_UPDATED_REASON}]}
    cluster = restore(d, rs("foo-new", 2, image="foo/bar", available=2, status_replicas=2))
    after, err = sync_rollout_status(cluster, [get_rs(cluster, "foo-new")],
                                     get_rs(cluster, "foo-new"), get_d(cluster))
    assert err is None
    assert _progressing(after) is None


def test_sync_rollout_status_complete() -> None:
    """TestSyncRolloutStatus/DeploymentComplete: NewReplicaSetAvailable with its message."""
    cluster = _rollout_cluster(2, [{"type": "Progressing", "status": "True",
                                    "reason": util.REPLICA_SET_UPDATED_REASON,
                                    "lastUpdateTime": T0, "lastTransitionTime": T0}], T0)
    new = get_rs(cluster, "foo-new")
    after, err = sync_rollout_status(cluster, [new, get_rs(cluster, "foo-old")], new,
                                     get_d(cluster))
    assert err is None
    cond = _progressing(after)
    assert (cond.status, cond.reason, cond.message) == (
        "True", util.NEW_RS_AVAILABLE_REASON, 'ReplicaSet "foo-new" has successfully progressed.')


def test_sync_rollout_status_progressing_keeps_transition_time() -> None:
    """TestSyncRolloutStatus/DeploymentProgressing: lastUpdateTime moves to now,
    lastTransitionTime stays (the previous condition was True)."""
    now = "2024-01-01T00:00:30Z"
    cluster = _rollout_cluster(1, [{"type": "Progressing", "status": "True",
                                    "reason": util.REPLICA_SET_UPDATED_REASON,
                                    "lastUpdateTime": T0, "lastTransitionTime": T0}], now)
    new = get_rs(cluster, "foo-new")
    after, err = sync_rollout_status(cluster, [new], new, get_d(cluster))
    assert err is None
    cond = _progressing(after)
    assert (cond.reason, cond.last_update_time, cond.last_transition_time) == (
        util.REPLICA_SET_UPDATED_REASON, parse_time(now), parse_time(T0))


def test_sync_rollout_status_timed_out_and_replica_failure() -> None:
    """TestSyncRolloutStatus/DeploymentTimedOut, and the new ReplicaSet's ReplicaFailure moved
    onto the Deployment."""
    old_status = {"replicas": 2, "updatedReplicas": 2, "availableReplicas": 0}
    cluster = _rollout_cluster(0, [{"type": "Progressing", "status": "True",
                                    "reason": util.REPLICA_SET_UPDATED_REASON,
                                    "lastUpdateTime": T0, "lastTransitionTime": T0}],
                               "2024-01-01T00:01:01Z", failure=True)
    d = get_d(cluster)
    d = attrs.evolve(d, status=attrs.evolve(d.status, replicas=old_status["replicas"],
                                            updated_replicas=2, available_replicas=0))
    new = get_rs(cluster, "foo-new")
    after, err = sync_rollout_status(cluster, [new], new, d)
    assert err is None
    cond = _progressing(after)
    assert (cond.status, cond.reason, cond.message) == (
        "False", util.TIMED_OUT_REASON, 'ReplicaSet "foo-new" has timed out progressing.')
    failure = util.get_deployment_condition(get_d(after).status, "ReplicaFailure")
    assert (failure.reason, failure.message) == ("FailedCreate", "quota")


def test_sync_rollout_status_unchanged_requeues_stuck_deployment() -> None:
    """No new status: nothing written, the Deployment is requeued for its deadline check."""
    cluster = _rollout_cluster(0, [{"type": "Progressing", "status": "True",
                                    "reason": util.REPLICA_SET_UPDATED_REASON,
                                    "lastUpdateTime": T0, "lastTransitionTime": T0}],
                               "2024-01-01T00:00:20Z")
    new = get_rs(cluster, "foo-new")
    once, _ = sync_rollout_status(cluster, [new], new, get_d(cluster))
    twice, err = sync_rollout_status(once, [new], new, get_d(once))
    assert err is None
    assert twice.resource_version == once.resource_version
    # the first call saw progress (2 updated): lastUpdateTime is now, the deadline 60 s on
    assert twice.queue.waiting[("deployment", "default/foo")] == \
        parse_time("2024-01-01T00:00:20Z") + 60 + 1
