"""Ports of argo-rollouts rollout/canary_test.go (9f8d111): each Go test seeds the listers with
a Rollout and its ReplicaSets (and Services), runs one sync (or two) and checks what the
controller wrote; here the same objects are restored and `argo-rollouts` reconciles the key, and
the test reads the ReplicaSets, Services and the Rollout's status back. Fields kubefold does not
write (status.duration, the observedGeneration patch, events, metrics) are not compared.

Ported: TestCanaryRolloutBumpVersion, TestReconcileCanaryStepsHandleBaseCases (through a sync),
TestCanaryRolloutEnterPauseState, TestCanaryRolloutNoProgressWhilePaused,
TestCanaryRolloutUpdatePauseConditionWhilePaused, TestCanaryRolloutResetProgressDeadlineOnRetry,
TestCanaryRolloutIncrementStepAfterUnPaused, TestCanaryRolloutUpdateStatusWhenAtEndOfSteps,
TestResetCurrentStepIndexOnStepChange, TestResetCurrentStepIndexOnPodSpecChange,
TestCanaryRolloutCreateFirstReplicasetNoSteps, TestCanaryRolloutCreateFirstReplicasetWithSteps,
TestCanaryRolloutCreateNewReplicaWithCorrectWeight,
TestCanaryRolloutScaleUpNewReplicaWithCorrectWeight,
TestCanaryRolloutScaleDownStableToMatchWeight, TestCanaryRolloutScaleDownOldRs,
TestCanaryRolloutScaleDownOldRsDontScaleDownTooMuch, TestRollBackToStable,
TestRollBackToActiveReplicaSetWithinWindow, TestGradualShiftToNewStable,
TestRollBackToStableAndStepChange, TestCanaryRolloutIncrementStepIfSetWeightsAreCorrect,
TestSyncRolloutWaitAddToQueue (as the requeue at the pause's end),
TestSyncRolloutWaitIncrementStepIndex, TestCanaryRolloutStatusHPAStatusFields,
TestCanaryRolloutWithCanaryService, TestCanarySVCSelectors (4),
TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack (2),
TestCanaryRolloutWithInvalidCanaryServiceName, TestCanaryRolloutWithStableService,
TestCanaryRolloutWithInvalidStableServiceName, TestCanaryRolloutScaleWhilePaused,
TestResumeRolloutAfterPauseDuration, TestNoResumeAfterPauseDurationIfUserPaused,
TestHandleNilNewRSOnScaleAndImageChange, TestHandleCanaryAbort (2),
TestIsDynamicallyRollingBackToStable (through utils/rollout).

Not ported: TestCanaryRolloutWithMaxWeightInTrafficRouting and the interrupted-update tests
(Nginx and SMI routers, which kubefold does not run), the ping-pong service tests (not
modelled), TestSyncRolloutIgnoreWaitOutsideOfReconciliationPeriod (the resync period)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.reducers.rollouts.utils import conditions as cond
from tests.rollouts_fixture import (
    NOW,
    NOW_TEXT,
    REVISION,
    available_condition,
    bump_version,
    completed_condition,
    get_condition,
    hash_of,
    new_canary_rollout,
    new_replica_set,
    new_replica_set_with_status,
    new_service,
    paused_condition,
    pod_hash,
    progressing_condition,
    replica_set,
    replicas,
    rollout,
    run,
    set_condition,
    step_hash,
    update_canary_rollout_status,
)

REVISION_HISTORY = "rollout.argoproj.io/revision-history"
DESIRED = "rollout.argoproj.io/desired-replicas"
PAUSE = [{"pause": {}}]


def test_canary_rollout_bump_version() -> None:
    """TestCanaryRolloutBumpVersion."""
    r1 = new_canary_rollout("foo", 10, None, None, 0, 1, 0)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    r1["status"]["stableRS"] = hash_of(rs1)
    r2 = bump_version(r1)
    r2["metadata"]["annotations"][REVISION] = "1"
    rs2 = new_replica_set(r2, 1)
    cluster = run(r2, rs1, syncs=2)
    created = replica_set(cluster, rs2)
    assert created.spec.replicas == 1
    assert created.metadata.annotations[REVISION] == "2"
    assert rollout(cluster).metadata.annotations[REVISION] == "2"
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert progressing.reason in (cond.NEW_REPLICA_SET_REASON, cond.REPLICA_SET_UPDATED_REASON)
    assert progressing.status == "True"


def test_canary_rollout_bump_version_first_sync() -> None:
    """TestCanaryRolloutBumpVersion, its first sync: the new ReplicaSet is created at 0 and the
    Progressing condition says NewReplicaSetCreated."""
    r1 = new_canary_rollout("foo", 10, None, None, 0, 1, 0)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    r1["status"]["stableRS"] = hash_of(rs1)
    r2 = bump_version(r1)
    r2["metadata"]["annotations"][REVISION] = "1"
    rs2 = new_replica_set(r2, 1)
    cluster = run(r2, rs1)
    created = replica_set(cluster, rs2)
    assert created.spec.replicas == 0
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.NEW_REPLICA_SET_REASON, "True",
        cond.NEW_REPLICA_SET_MESSAGE.format(rs2["metadata"]["name"]))


def test_reconcile_canary_steps_handle_base_cases() -> None:
    """TestReconcileCanaryStepsHandleBaseCases: no steps, or past the last step, the sync does
    not pause."""
    r = new_canary_rollout("foo", 1, None, None, None, 0, 1)
    rs = new_replica_set_with_status(r, 1, 1)
    r["status"]["stableRS"] = hash_of(rs)
    cluster = run(r, rs)
    assert not rollout(cluster).status.pause_conditions
    r2 = new_canary_rollout("foo", 1, None, [{"setWeight": 10}], 1, 0, 1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2["status"]["stableRS"] = hash_of(rs2)
    cluster = run(r2, rs2)
    assert not rollout(cluster).status.pause_conditions


def _paused_pair(step_index: int = 0, surge: int = 1, unavailable: int = 0
                 ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    r1 = new_canary_rollout("foo", 10, None, PAUSE, step_index, surge, unavailable)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    rs2 = new_replica_set_with_status(r2, 0, 0)
    return r1, r2, rs1, rs2


def test_canary_rollout_enter_pause_state() -> None:
    """TestCanaryRolloutEnterPauseState."""
    _, r2, rs1, rs2 = _paused_pair()
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, False)
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert [(p.reason, p.start_time) for p in status.pause_conditions] == \
        [("CanaryPauseStep", NOW)]
    assert status.controller_pause is True
    assert (status.phase, status.message) == ("Paused", "CanaryPauseStep")
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.REPLICA_SET_UPDATED_REASON, "True", cond.ROLLOUT_PROGRESSING_MESSAGE.format("foo"))
    assert get_condition(cluster, cond.AVAILABLE).status == "True"
    assert get_condition(cluster, cond.COMPLETED).status == "False"
    assert get_condition(cluster, cond.PAUSED) is None


def test_canary_rollout_no_progress_while_paused() -> None:
    """TestCanaryRolloutNoProgressWhilePaused."""
    _, r2, rs1, rs2 = _paused_pair()
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, r2))
    set_condition(r2, paused_condition(True))
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, True)
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs1) == 10
    assert replicas(cluster, rs2) == 0
    assert rollout(cluster).status.current_step_index == 0
    assert rollout(cluster).status.phase == "Paused"


def test_canary_rollout_update_pause_condition_while_paused() -> None:
    """TestCanaryRolloutUpdatePauseConditionWhilePaused: nothing but observedGeneration
    changes."""
    _, r2, rs1, rs2 = _paused_pair()
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, r2))
    set_condition(r2, paused_condition(True))
    set_condition(r2, available_condition(True))
    set_condition(r2, completed_condition(False))
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, True)
    before = run(r2, rs1, rs2, syncs=0)
    cluster = run(r2, rs1, rs2)
    assert rollout(cluster).status.conditions == rollout(before).status.conditions
    assert rollout(cluster).status.pause_conditions == rollout(before).status.pause_conditions


def test_canary_rollout_reset_progress_deadline_on_retry() -> None:
    """TestCanaryRolloutResetProgressDeadlineOnRetry."""
    _, r2, rs1, rs2 = _paused_pair()
    set_condition(r2, progressing_condition(cond.ROLLOUT_ABORTED_REASON, r2))
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, False)
    r2["status"]["abort"] = False
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.ROLLOUT_RETRY_REASON, "Unknown", cond.ROLLOUT_RETRY_MESSAGE)
    assert (status.phase, status.message) == ("Progressing", "more replicas need to be updated")


def test_canary_rollout_increment_step_after_unpaused() -> None:
    """TestCanaryRolloutIncrementStepAfterUnPaused."""
    r1, r2, rs1, rs2 = _paused_pair()
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, False)
    r2["status"]["controllerPause"] = True
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert status.controller_pause is None or status.controller_pause is False
    assert status.current_step_index == 1


def test_canary_rollout_update_status_when_at_end_of_steps() -> None:
    """TestCanaryRolloutUpdateStatusWhenAtEndOfSteps."""
    r1 = new_canary_rollout("foo", 10, None, PAUSE, 1, 1, 0)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 0, 0)
    rs2 = new_replica_set_with_status(r2, 10, 10)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 10, 10, False)
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert status.stable_rs == hash_of(rs2)
    assert (status.phase, status.message) == ("Healthy", None)
    assert get_condition(cluster, cond.COMPLETED).status == "True"


def test_reset_current_step_index_on_step_change() -> None:
    """TestResetCurrentStepIndexOnStepChange."""
    r1 = new_canary_rollout("foo", 10, None, PAUSE, 1, 0, 1)
    r2 = bump_version(r1)
    expected_pod_hash = r2["status"]["currentPodHash"]
    r2["spec"]["strategy"]["canary"]["steps"] = PAUSE + PAUSE
    expected_step_hash = step_hash(r2)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, False)
    r2["status"]["currentPodHash"] = hash_of(rs1)
    cluster = run(r2, rs1, syncs=2)
    status = rollout(cluster).status
    assert status.current_step_index == 0
    assert status.current_pod_hash == expected_pod_hash
    assert status.current_step_hash == expected_step_hash


def test_reset_current_step_index_on_pod_spec_change() -> None:
    """TestResetCurrentStepIndexOnPodSpecChange."""
    r1 = new_canary_rollout("foo", 10, None, PAUSE, 1, 0, 1)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    expected_pod_hash = r2["status"]["currentPodHash"]
    r2["status"]["currentPodHash"] = hash_of(rs1)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 0, 10, False)
    cluster = run(r2, rs1, syncs=2)
    status = rollout(cluster).status
    assert status.current_step_index == 0
    assert status.current_pod_hash == expected_pod_hash


@pytest.mark.parametrize(("steps", "step_index"), [(None, None), ([{"setWeight": 10}], 1)],
                         ids=["TestCanaryRolloutCreateFirstReplicasetNoSteps",
                              "TestCanaryRolloutCreateFirstReplicasetWithSteps"])
def test_canary_rollout_create_first_replicaset(steps: list[dict[str, Any]] | None,
                                                step_index: int | None) -> None:
    r = new_canary_rollout("foo", 10, None, steps, None, 1, 0)
    del r["status"]["currentPodHash"]
    rs = new_replica_set(r, 1)
    first = run(r)
    progressing = get_condition(first, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.NEW_REPLICA_SET_REASON, "True",
        cond.NEW_REPLICA_SET_MESSAGE.format(rs["metadata"]["name"]))
    cluster = run(r, syncs=2)
    status = rollout(cluster).status
    assert status.stable_rs == hash_of(rs)
    assert status.current_pod_hash == hash_of(rs)
    assert status.current_step_index == step_index
    assert replicas(cluster, rs) == 10
    assert get_condition(cluster, cond.COMPLETED).status == "True"
    assert get_condition(cluster, cond.AVAILABLE).status == "False"


def test_canary_rollout_create_new_replica_with_correct_weight() -> None:
    """TestCanaryRolloutCreateNewReplicaWithCorrectWeight."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 1, 0)
    r1["status"]["stableRS"] = "895c6c4f9"
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    rs2 = new_replica_set_with_status(r2, 1, 0)
    cluster = run(r2, rs1)
    assert replicas(cluster, rs2) == 0
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.NEW_REPLICA_SET_REASON, cond.NEW_REPLICA_SET_MESSAGE.format(rs2["metadata"]["name"]))
    cluster = run(r2, rs1, syncs=2)
    assert replicas(cluster, rs2) == 1


def test_canary_rollout_scale_up_new_replica_with_correct_weight() -> None:
    """TestCanaryRolloutScaleUpNewReplicaWithCorrectWeight."""
    r1 = new_canary_rollout("foo", 5, None, [{"setWeight": 40}], 0, 0, 1)
    r1["status"]["stableRS"] = "895c6c4f9"
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 3, 3)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs2) == 2


def test_canary_rollout_scale_down_stable_to_match_weight() -> None:
    """TestCanaryRolloutScaleDownStableToMatchWeight."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 0, 1)
    r1["status"]["stableRS"] = r1["status"]["currentPodHash"]
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 10, 10)
    rs2 = new_replica_set_with_status(r2, 0, 0)
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs1) == 9


def test_canary_rollout_scale_down_old_rs() -> None:
    """TestCanaryRolloutScaleDownOldRs: the Go test syncs r2's key with r3 in the lister."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 1, 0)
    r1["status"]["stableRS"] = r1["status"]["currentPodHash"]
    r2 = bump_version(r1)
    r3 = bump_version(r2)
    rs1 = new_replica_set_with_status(r1, 9, 9)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    rs3 = new_replica_set_with_status(r3, 1, 1)
    cluster = run(r3, rs1, rs2, rs3)
    updated = replica_set(cluster, rs2)
    assert updated.spec.replicas == 0
    assert updated.metadata.annotations[DESIRED] == "10"


def test_canary_rollout_scale_down_old_rs_dont_scale_down_too_much() -> None:
    """TestCanaryRolloutScaleDownOldRsDontScaleDownTooMuch. The Go test names its updates by
    index: the first update (0) is rs2's, the newest old ReplicaSet (old ReplicaSets are scaled
    down newest revision first), the second (4) rs1's."""
    r1 = new_canary_rollout("foo", 4, None, None, 0, 1, 0)
    r2 = bump_version(r1)
    r3 = bump_version(r2)
    r3["status"]["stableRS"] = r3["status"]["currentPodHash"]
    rs1 = new_replica_set_with_status(r1, 5, 5)
    rs2 = new_replica_set_with_status(r2, 5, 5)
    rs3 = new_replica_set_with_status(r3, 5, 0)
    cluster = run(r3, rs1, rs2, rs3)
    assert replicas(cluster, rs2) == 0
    assert replicas(cluster, rs1) == 4


def test_roll_back_to_stable() -> None:
    """TestRollBackToStable."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 1, 0)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2["spec"]["template"] = r1["spec"]["template"]
    rs1 = new_replica_set_with_status(r1, 9, 9)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 9, 10, False)
    cluster = run(r2, rs1, rs2)
    updated = replica_set(cluster, rs1)
    assert updated.metadata.annotations[REVISION] == "3"
    assert updated.metadata.annotations[REVISION_HISTORY] == "1"
    assert rollout(cluster).metadata.annotations[REVISION] == "3"
    status = rollout(cluster).status
    assert status.current_pod_hash == pod_hash(r2)
    assert status.current_step_index == 1
    assert get_condition(cluster, cond.COMPLETED).status == "True"


def test_roll_back_to_active_replica_set_within_window() -> None:
    """TestRollBackToActiveReplicaSetWithinWindow."""
    steps = [{"setWeight": 10}]
    r1 = new_canary_rollout("foo", 1, None, steps, 0, 1, 0)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2["spec"]["rollbackWindow"] = {"revisions": 1}
    rs1["metadata"]["creationTimestamp"] = "2024-05-01T11:00:00Z"
    rs2["metadata"]["creationTimestamp"] = NOW_TEXT
    r2["spec"]["template"] = r1["spec"]["template"]
    r2 = update_canary_rollout_status(r2, hash_of(rs2), 2, 2, 2, False)
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert status.current_pod_hash == hash_of(rs1)
    assert status.current_step_index == len(steps)


def test_gradual_shift_to_new_stable() -> None:
    """TestGradualShiftToNewStable."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 1, 3, 0)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 4, 4)
    rs1 = new_replica_set_with_status(r1, 9, 9)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 13, 4, 13, False)
    r2["status"]["currentPodHash"] = hash_of(rs2)
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs1) == 6
    assert replicas(cluster, rs2) == 4


def test_roll_back_to_stable_and_step_change() -> None:
    """TestRollBackToStableAndStepChange."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 1, 0)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2["spec"]["template"] = r1["spec"]["template"]
    rs1 = new_replica_set_with_status(r1, 9, 9)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 9, 10, False)
    r2["spec"]["strategy"]["canary"]["steps"][0]["setWeight"] = 20
    cluster = run(r2, rs1, rs2)
    updated = replica_set(cluster, rs1)
    assert updated.metadata.annotations[REVISION] == "3"
    assert updated.metadata.annotations[REVISION_HISTORY] == "1"
    status = rollout(cluster).status
    assert status.current_pod_hash == pod_hash(r2)
    assert status.current_step_hash == step_hash(r2)
    assert status.current_step_index == 1


def test_canary_rollout_increment_step_if_set_weights_are_correct() -> None:
    """TestCanaryRolloutIncrementStepIfSetWeightsAreCorrect."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 10}], 0, 1, 0)
    rs1 = new_replica_set_with_status(r1, 9, 9)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 0, 0)
    r3 = bump_version(r2)
    rs3 = new_replica_set_with_status(r3, 1, 1)
    r3 = update_canary_rollout_status(r3, hash_of(rs1), 10, 1, 10, False)
    cluster = run(r3, rs1, rs2, rs3)
    assert rollout(cluster).status.current_step_index == 1
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.REPLICA_SET_UPDATED_REASON,
        cond.REPLICA_SET_PROGRESSING_MESSAGE.format(rs3["metadata"]["name"]))


def _waiting(duration: int, started_ago: int, pause_steps: int = 1
             ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"setWeight": 10}, {"pause": {"duration": duration}}]
    steps += [{"pause": {}}] * (pause_steps - 1)
    r1 = new_canary_rollout("foo", 10, None, steps, 1, 1, 0)
    r1["status"]["stableRS"] = "895c6c4f9"
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 9, 9)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 1, 10, False)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    r2["status"]["controllerPause"] = True
    from kubefold.core.schema import format_time
    r2["status"]["pauseConditions"] = [{"reason": "CanaryPauseStep",
                                        "startTime": format_time(NOW - started_ago)}]
    return r2, rs1, rs2


def test_sync_rollout_wait_add_to_queue() -> None:
    """TestSyncRolloutWaitAddToQueue: a pause of 10 s that started now requeues the Rollout
    for its end (kubefold: enqueue_after on the logical clock)."""
    r2, rs1, rs2 = _waiting(10, 0)
    cluster = run(r2, rs1, rs2)
    assert rollout(cluster).status.current_step_index == 1
    assert cluster.queue.waiting.get(("argo-rollouts", "default/foo")) == NOW + 10


def test_sync_rollout_wait_increment_step_index() -> None:
    """TestSyncRolloutWaitIncrementStepIndex."""
    r2, rs1, rs2 = _waiting(5, 10, pause_steps=2)
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert not status.controller_pause
    assert not status.pause_conditions
    assert status.current_step_index == 2


def test_canary_rollout_status_hpa_status_fields() -> None:
    """TestCanaryRolloutStatusHPAStatusFields."""
    steps = [{"setWeight": 20}, {"pause": {}}]
    r1 = new_canary_rollout("foo", 5, None, steps, 1, 1, 0)
    r1["status"]["selector"] = ""
    r2 = bump_version(r1)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, r2))
    set_condition(r2, paused_condition(True))
    rs1 = new_replica_set_with_status(r1, 4, 4)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 5, 1, 10, True)
    cluster = run(r2, rs1, rs2)
    status = rollout(cluster).status
    assert status.hpa_replicas == 5
    assert status.selector == "foo=bar"


def test_canary_rollout_with_canary_service() -> None:
    """TestCanaryRolloutWithCanaryService."""
    ro = new_canary_rollout("foo", 1, None, None, None, 1, 0)
    canary_svc = new_service("canary", 80, None, ro)
    rs = new_replica_set_with_status(ro, 1, 1)
    ro["spec"]["strategy"]["canary"]["canaryService"] = "canary"
    cluster = run(ro, canary_svc, rs)
    svc = cluster.get("Service", "default", "canary")
    assert svc.spec.selector["rollouts-pod-template-hash"] == ro["status"]["currentPodHash"]


SVC_SELECTORS = [(0, 0, False), (2, 0, False), (2, 1, False), (2, 2, True)]


@pytest.mark.parametrize(("canary_replicas", "canary_available", "should_target_new"),
                         SVC_SELECTORS,
                         ids=[f"TestCanarySVCSelectors/{c[0]}-{c[1]}" for c in SVC_SELECTORS])
def test_canary_svc_selectors(canary_replicas: int, canary_available: int,
                              should_target_new: bool) -> None:
    """TestCanarySVCSelectors: the canary Service selects the new ReplicaSet only once all its
    desired pods are available."""
    r1 = new_canary_rollout("foo", 10, None, [{"setWeight": 20}, {"pause": {}}], 0, 0, 2)
    r1["spec"]["strategy"]["canary"].update(stableService="stable", canaryService="canary")
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 10 - canary_replicas, 10 - canary_replicas)
    rs2 = new_replica_set_with_status(r2, canary_replicas, canary_available)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, canary_replicas, 10, False)
    cluster = run(r2, rs1, rs2, new_service("stable", 80, None, None),
                  new_service("canary", 80, None, None))
    selector = dict(cluster.get("Service", "default", "canary").spec.selector)
    if should_target_new:
        assert selector.get("rollouts-pod-template-hash") == hash_of(rs2)
    else:
        assert selector.get("rollouts-pod-template-hash") != hash_of(rs2)


@pytest.mark.parametrize(("abort", "should_target_new"), [(False, True), (True, False)],
                         ids=["TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack/rollout",
                              "TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack/aborted"])
def test_canary_svc_selectors_basic_canary_abort_service_switch_back(
        abort: bool, should_target_new: bool) -> None:
    r1 = new_canary_rollout("foo", 4, None, [{"setWeight": 50}, {"pause": {}}], 0, 0, 1)
    r1["spec"]["strategy"]["canary"].update(stableService="stable", canaryService="canary")
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 2, 2)
    rs2 = new_replica_set_with_status(r2, 2, 2)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 4, 2, 4, False)
    if abort:
        r2["status"]["abort"] = True
        r2["status"]["abortedAt"] = NOW_TEXT
    cluster = run(r2, rs1, rs2, new_service("stable", 80, None, r2),
                  new_service("canary", 80, None, r2))
    selector = dict(cluster.get("Service", "default", "canary").spec.selector)
    want = hash_of(rs2) if should_target_new else hash_of(rs1)
    assert selector["rollouts-pod-template-hash"] == want


@pytest.mark.parametrize(("field", "service", "path"), [
    ("canaryService", "invalid-canary", "spec.strategy.canary.canaryService"),
    ("stableService", "invalid-stable", "spec.strategy.canary.stableService")],
    ids=["TestCanaryRolloutWithInvalidCanaryServiceName",
         "TestCanaryRolloutWithInvalidStableServiceName"])
def test_canary_rollout_with_invalid_service_name(field: str, service: str, path: str) -> None:
    ro = new_canary_rollout("foo", 0, None, None, None, 1, 0)
    rs = new_replica_set_with_status(ro, 0, 0)
    ro["spec"]["strategy"]["canary"][field] = service
    if field == "stableService":
        ro["status"]["stableRS"] = hash_of(rs)
    cluster = run(ro, rs)
    conditions = rollout(cluster).status.conditions
    assert len(conditions) == 2
    assert conditions[1].reason == cond.INVALID_SPEC_REASON
    assert conditions[1].message == (f'The Rollout "foo" is invalid: {path}: Invalid value: '
                                     f'"{service}": service "{service}" not found')
    assert rollout(cluster).status.phase == "Degraded"


def test_canary_rollout_with_stable_service() -> None:
    """TestCanaryRolloutWithStableService."""
    ro = new_canary_rollout("foo", 1, None, None, None, 1, 0)
    stable = new_service("stable", 80, None, ro)
    rs = new_replica_set_with_status(ro, 1, 1)
    ro["spec"]["strategy"]["canary"]["stableService"] = "stable"
    ro["status"]["stableRS"] = hash_of(rs)
    cluster = run(ro, stable, rs)
    svc = cluster.get("Service", "default", "stable")
    assert svc.spec.selector["rollouts-pod-template-hash"] == ro["status"]["currentPodHash"]


def test_canary_rollout_scale_while_paused() -> None:
    """TestCanaryRolloutScaleWhilePaused."""
    r1 = new_canary_rollout("foo", 5, None, [{"setWeight": 20}], 0, 1, 0)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 5, 5)
    rs2 = new_replica_set_with_status(r2, 0, 0)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 5, 0, 5, True)
    r2["spec"]["replicas"] = 10
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs1) == 8
    assert rollout(cluster).status.current_step_index == 0


def _duration_pause(paused_ago: int, user_paused: bool, rs1_replicas: int
                    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    from kubefold.core.schema import format_time
    steps = [{"setWeight": 10}, {"pause": {"duration": 60}}, {"setWeight": 20}]
    r1 = new_canary_rollout("foo", 1, None, steps, 1, 1, 1)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, rs1_replicas, rs1_replicas)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 1, 1, 1, True)
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    r2["status"]["pauseConditions"] = [{"reason": "CanaryPauseStep",
                                        "startTime": format_time(NOW - paused_ago)}]
    if user_paused:
        r2["spec"]["paused"] = True
    return r2, rs1, rs2


def test_resume_rollout_after_pause_duration() -> None:
    """TestResumeRolloutAfterPauseDuration."""
    r2, rs1, rs2 = _duration_pause(61, False, 1)
    cluster = run(r2, rs1, rs2, syncs=2)
    status = rollout(cluster).status
    assert status.current_step_index == 2
    assert not status.controller_pause


def test_no_resume_after_pause_duration_if_user_paused() -> None:
    """TestNoResumeAfterPauseDurationIfUserPaused."""
    r2, rs1, rs2 = _duration_pause(63, True, 0)
    cluster = run(r2, rs1, rs2, syncs=2)
    status = rollout(cluster).status
    assert status.message == "manually paused"
    assert status.current_step_index == 1


def test_handle_nil_new_rs_on_scale_and_image_change() -> None:
    """TestHandleNilNewRSOnScaleAndImageChange: the new ReplicaSet is created (at 0) and both
    are scaled in the second sync; the step does not move."""
    steps = [{"setWeight": 10}, {"pause": {"duration": 60}}, {"setWeight": 20}]
    r1 = new_canary_rollout("foo", 1, None, steps, 1, 1, 1)
    rs1 = new_replica_set_with_status(r1, 3, 3)
    r2 = bump_version(r1)
    r2["spec"]["replicas"] = 3
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 3, 0, 3, True)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs1))
    set_condition(r2, paused_condition(True))
    set_condition(r2, available_condition(True))
    set_condition(r2, completed_condition(False))
    cluster = run(r2, rs1, syncs=2)
    rs2 = new_replica_set(r2, 0)
    assert replica_set(cluster, rs2) is not None
    assert rollout(cluster).status.current_step_index == 1


def test_handle_canary_abort_scale_up_stable_replica_set() -> None:
    """TestHandleCanaryAbort/Scale up stable ReplicaSet."""
    steps = [{"setWeight": 10}, {"setWeight": 20}, {"setWeight": 30}]
    r1 = new_canary_rollout("foo", 10, None, steps, 1, 1, 0)
    rs1 = new_replica_set_with_status(r1, 9, 9)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_canary_rollout_status(r2, hash_of(rs1), 10, 1, 10, False)
    r2["status"]["abort"] = True
    r2["status"]["abortedAt"] = NOW_TEXT
    cluster = run(r2, rs1, rs2)
    assert replicas(cluster, rs1) == 10
    status = rollout(cluster).status
    assert status.current_step_index == 0
    message = cond.ROLLOUT_ABORTED_MESSAGE.format(2)
    assert (status.phase, status.message) == ("Degraded", f"RolloutAborted: {message}")
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.ROLLOUT_ABORTED_REASON, "False", message)


def test_handle_canary_abort_reset_abort_if_new_rs_is_stable() -> None:
    """TestHandleCanaryAbort/Do not reset currentStepCount and reset abort if newRS is
    stableRS."""
    steps = [{"setWeight": 10}, {"setWeight": 20}, {"setWeight": 30}]
    r1 = new_canary_rollout("foo", 2, None, steps, 3, 1, 0)
    r1["status"]["abort"] = True
    r1["status"]["abortedAt"] = NOW_TEXT
    rs1 = new_replica_set_with_status(r1, 2, 2)
    r1 = update_canary_rollout_status(r1, hash_of(rs1), 2, 2, 2, False)
    cluster = run(r1, rs1)
    status = rollout(cluster).status
    assert not status.abort
    assert status.aborted_at is None
    assert status.current_step_index == 3
    assert get_condition(cluster, cond.COMPLETED).status == "True"


DYNAMIC_ROLLBACK = [
    ("desired RS != stable RS", {"currentPodHash": "abc123", "stableRS": "def456"}, True, True,
     "", None, False),
    ("not using traffic routing", {"currentPodHash": "abc123", "stableRS": "abc123"}, False,
     True, "", None, False),
    ("not using dynamicStableScaling", {"currentPodHash": "abc123", "stableRS": "abc123"}, True,
     False, "", None, False),
    ("weighted selector == desired RS",
     {"currentPodHash": "abc123", "stableRS": "abc123",
      "canary": {"weights": {"canary": {"podTemplateHash": "abc123", "weight": 0},
                             "stable": {"weight": 0}}}}, True, True, "abc123", None, False),
    ("weighted selector != desired RS, desired not fully available",
     {"currentPodHash": "abc123", "stableRS": "abc123",
      "canary": {"weights": {"canary": {"podTemplateHash": "def456", "weight": 0},
                             "stable": {"weight": 0}}}}, True, True, "abc123", 1, True),
    ("weighted selector != desired RS, desired RS is fully available",
     {"currentPodHash": "abc123", "stableRS": "abc123",
      "canary": {"weights": {"canary": {"podTemplateHash": "def456", "weight": 0},
                             "stable": {"weight": 0}}}}, True, True, "abc123", None, True),
]


@pytest.mark.parametrize(("status", "routed", "dynamic", "rs_hash", "available", "want"),
                         [c[1:] for c in DYNAMIC_ROLLBACK],
                         ids=[f"TestIsDynamicallyRollingBackToStable/{c[0]}"
                              for c in DYNAMIC_ROLLBACK])
def test_is_dynamically_rolling_back_to_stable(status: dict[str, Any], routed: bool,
                                               dynamic: bool, rs_hash: str,
                                               available: int | None, want: bool) -> None:
    from kubefold.reducers.rollouts.utils.rollout import is_dynamically_rolling_back_to_stable
    from tests.rollouts_helpers import new_rs, typed
    ro = new_canary_rollout("test", 10, None, None, None, 0, 1)
    if routed:
        ro["spec"]["strategy"]["canary"]["trafficRouting"] = {}
    if dynamic:
        ro["spec"]["strategy"]["canary"]["dynamicStableScale"] = True
    ro["status"] = status
    desired = new_rs(rs_hash, None, 1 if available is None else available)
    assert is_dynamically_rolling_back_to_stable(typed(ro), desired)[0] is want
