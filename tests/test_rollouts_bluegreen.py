"""Ports of argo-rollouts rollout/bluegreen_test.go (9f8d111), run as tests/test_rollouts_canary.py
runs canary_test.go: the Go fixture's objects restored, `argo-rollouts` reconciling the key, the
ReplicaSets, Services and Rollout status read back (status.duration, events and metrics are not
compared).

Ported: TestBlueGreenCompletedRolloutRestart, TestBlueGreenCreatesReplicaSet,
TestBlueGreenSetPreviewService, TestBlueGreenProgressDeadlineAbort (2),
TestSetServiceManagedBy, TestBlueGreenHandlePause (NoPauseIfNewRSIsNotHealthy, AddPause,
AddPausedConditionWhilePaused, NoActionsAfterPausing, NoActionsAfterPausedOnInconclusiveRun,
NoAutoPromoteBeforeDelayTimePasses, AutoPromoteAfterDelayTimePasses,
NoAutoPromoteAfterDelayTimePassesIfUserPaused, NoPauseWhenAutoPromotionEnabledIsNotSet,
PauseWhenAutoPromotionEnabledIsFalse, SkipPauseReconcileWhenActiveHasPodHashSelector,
ContinueAfterUnpaused), TestBlueGreenAddScaleDownDelayToPreviousActiveReplicaSet,
TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet, TestBlueGreenRolloutScaleUpdateActiveRS,
TestBlueGreenRolloutScaleUpdateStableRS,
TestBlueGreenStableRSReconciliationShouldNotScaleOnFirstTimeRollout,
TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint (3),
TestBlueGreenRolloutIgnoringScalingUsePreviewRSCount, TestBlueGreenRolloutCompleted,
TestBlueGreenRolloutCompletedFalse, TestBlueGreenUnableToReadScaleDownAt,
TestBlueGreenNotReadyToScaleDownOldReplica, TestBlueGreenReadyToScaleDownOldReplica,
TestFastRollback, TestBlueGreenScaleDownLimit, TestBlueGreenAbort,
TestBlueGreenHandlePauseAutoPromoteWithConditions, TestBlueGreenAddScaleDownDelay.

Not ported: TestBlueGreenRolloutStatusHPAStatusFieldsNoActiveSelector (a call of
syncRolloutStatusBlueGreen with a nil ReplicaSet, not reachable through a sync)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.schema import format_time
from kubefold.reducers.rollouts.utils import conditions as cond
from tests.rollouts_fixture import (
    NOW,
    NOW_TEXT,
    REVISION,
    bump_version,
    completed_condition,
    condition,
    get_condition,
    hash_of,
    new_blue_green_rollout,
    new_replica_set,
    new_replica_set_with_status,
    new_service,
    paused_condition,
    progressing_condition,
    replica_set,
    replicas,
    rollout,
    run,
    set_condition,
    update_blue_green_rollout_status,
)

DEADLINE = "scale-down-deadline"
DEADLINE_KEY = f"argo-rollouts.argoproj.io/{DEADLINE}"
DESIRED = "rollout.argoproj.io/desired-replicas"
HASH = "rollouts-pod-template-hash"


def selector_of(cluster: Any, name: str) -> str | None:
    return dict(cluster.get("Service", "default", name).spec.selector).get(HASH)


def svc(name: str, pod_hash: str | None, ro: dict[str, Any]) -> dict[str, Any]:
    return new_service(name, 80, {HASH: pod_hash} if pod_hash is not None else None, ro)


def _pair(replicas_: int = 1, active: str = "active", preview: str = "preview",
          new_available: int | None = None, **blue_green: Any
          ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    r1 = new_blue_green_rollout("foo", replicas_, None, active, preview)
    r1["spec"]["strategy"]["blueGreen"].update(blue_green)
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, replicas_, replicas_)
    rs2 = new_replica_set_with_status(r2, replicas_,
                                      replicas_ if new_available is None else new_available)
    return r1, r2, rs1, rs2


# -- first ReplicaSet --------------------------------------------------------------------------


@pytest.mark.parametrize("restart", [True, False],
                         ids=["TestBlueGreenCompletedRolloutRestart",
                              "TestBlueGreenCreatesReplicaSet"])
def test_blue_green_creates_replica_set(restart: bool) -> None:
    r = new_blue_green_rollout("foo", 1, None, "active", "preview")
    r["status"]["conditions"] = []
    if restart:
        set_condition(r, condition(cond.HEALTHY, "False", cond.ROLLOUT_HEALTHY_REASON,
                                   cond.ROLLOUT_NOT_HEALTHY_MESSAGE))
        set_condition(r, completed_condition(True))
    rs = new_replica_set(r, 1)
    objects = (r, new_service("preview", 80, None, r), new_service("active", 80, None, r))
    first = run(*objects)
    progressing = get_condition(first, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.NEW_REPLICA_SET_REASON, "True",
        cond.NEW_REPLICA_SET_MESSAGE.format(rs["metadata"]["name"]))
    cluster = run(*objects, syncs=2)
    status = rollout(cluster).status
    assert selector_of(cluster, "preview") == hash_of(rs)
    assert status.blue_green.preview_selector == hash_of(rs)
    assert status.stable_rs == hash_of(rs)
    assert status.selector == "foo=bar"
    assert (status.phase, status.message) == ("Progressing", "more replicas need to be updated")
    assert replicas(cluster, rs) == 1
    assert get_condition(cluster, cond.COMPLETED).status == "True"
    assert get_condition(cluster, cond.AVAILABLE).status == "False"


def test_blue_green_stable_rs_reconciliation_should_not_scale_on_first_time_rollout() -> None:
    """TestBlueGreenStableRSReconciliationShouldNotScaleOnFirstTimeRollout."""
    r = new_blue_green_rollout("foo", 1, None, "active", "preview")
    r["status"]["conditions"] = []
    rs = new_replica_set(r, 1)
    cluster = run(r, new_service("preview", 80, None, r), new_service("active", 80, None, r),
                  syncs=2)
    assert replicas(cluster, rs) == 1
    assert [x.metadata.name for x in cluster.list("ReplicaSet", "default")] == \
        [rs["metadata"]["name"]]


@pytest.mark.parametrize("test", ["TestBlueGreenSetPreviewService", "TestSetServiceManagedBy"])
def test_blue_green_set_preview_service(test: str) -> None:
    r = new_blue_green_rollout("foo", 1, None, "active", "preview")
    rs = new_replica_set_with_status(r, 1, 1)
    cluster = run(r, rs, new_service("preview", 80, None, r), svc("active", hash_of(rs), r))
    assert selector_of(cluster, "preview") == hash_of(rs)
    assert cluster.get("Service", "default", "preview").metadata.annotations[
        "argo-rollouts.argoproj.io/managed-by-rollouts"] == "foo"


@pytest.mark.parametrize("timed_out", [True, False],
                         ids=["TestBlueGreenProgressDeadlineAbort/timed out",
                              "TestBlueGreenProgressDeadlineAbort/spec changed to abort"])
def test_blue_green_progress_deadline_abort(timed_out: bool) -> None:
    r1 = new_blue_green_rollout("foo", 1, None, "active", "preview")
    r1["spec"]["progressDeadlineSeconds"] = 1
    r1["spec"]["progressDeadlineAbort"] = True
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs2 = new_replica_set_with_status(r2, 1, 0)
    r2["status"].update(stableRS=hash_of(rs1), updatedReplicas=1, readyReplicas=1,
                        availableReplicas=1,
                        blueGreen={"activeSelector": hash_of(rs1),
                                   "previewSelector": hash_of(rs2)})
    name = rs2["metadata"]["name"]
    if timed_out:
        c = condition(cond.PROGRESSING, "False", cond.TIMED_OUT_REASON,
                      f'ReplicaSet "{name}" has timed out progressing.')
    else:
        c = condition(cond.PROGRESSING, "True", cond.TIMED_OUT_REASON, cond.TIMED_OUT_REASON)
    set_condition(r2, c)
    cluster = run(r2, rs1, rs2, svc("active", hash_of(rs1), r2), svc("preview", hash_of(rs2), r2))
    status = rollout(cluster).status
    assert status.abort is True
    assert status.phase == "Degraded"
    assert f'ReplicaSet "{name}" has timed out progressing.' in (status.message or "")


# -- pauses ------------------------------------------------------------------------------------


def test_no_pause_if_new_rs_is_not_healthy() -> None:
    """TestBlueGreenHandlePause/NoPauseIfNewRSIsNotHealthy."""
    _, r2, rs1, rs2 = _pair(2, new_available=1, autoPromotionEnabled=False)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 2, 2, 4, 2,
                                          False, True, False)
    cluster = run(r2, rs1, rs2, svc("active", hash_of(rs1), r2), svc("preview", hash_of(rs2), r2))
    status = rollout(cluster).status
    assert not status.pause_conditions
    assert selector_of(cluster, "active") == hash_of(rs1)


def _paused(pause: bool, **blue_green: Any
            ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    _, r2, rs1, rs2 = _pair(1, **blue_green)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 1, 1, 2, 1,
                                          pause, True, False)
    return r2, rs1, rs2


def _services(r2: dict[str, Any], rs1: dict[str, Any], rs2: dict[str, Any]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    return svc("active", hash_of(rs1), r2), svc("preview", hash_of(rs2), r2)


def test_add_pause() -> None:
    """TestBlueGreenHandlePause/AddPause."""
    r2, rs1, rs2 = _paused(False, autoPromotionEnabled=False)
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    status = rollout(cluster).status
    assert [(p.reason, p.start_time) for p in status.pause_conditions] == \
        [("BlueGreenPause", NOW)]
    assert status.controller_pause is True
    assert (status.phase, status.message) == ("Paused", "BlueGreenPause")
    assert selector_of(cluster, "active") == hash_of(rs1)


def test_add_paused_condition_while_paused() -> None:
    """TestBlueGreenHandlePause/AddPausedConditionWhilePaused."""
    r2, rs1, rs2 = _paused(True, autoPromotionEnabled=False)
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status, progressing.message) == (
        cond.ROLLOUT_PAUSED_REASON, "Unknown", cond.ROLLOUT_PAUSED_MESSAGE)
    assert get_condition(cluster, cond.PAUSED).status == "True"
    assert get_condition(cluster, cond.AVAILABLE).status == "True"
    assert get_condition(cluster, cond.COMPLETED).status == "False"


def _fully_paused(**blue_green: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    r2, rs1, rs2 = _paused(True, **blue_green)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, r2))
    set_condition(r2, paused_condition(True))
    set_condition(r2, completed_condition(False))
    return r2, rs1, rs2


def _unchanged(r2: dict[str, Any], rs1: dict[str, Any], rs2: dict[str, Any],
               extra: tuple[dict[str, Any], ...] = ()) -> None:
    objects = (r2, rs1, rs2, *_services(r2, rs1, rs2), *extra)
    before, after = run(*objects, syncs=0), run(*objects)
    assert rollout(after).status.conditions == rollout(before).status.conditions
    assert rollout(after).status.pause_conditions == rollout(before).status.pause_conditions
    assert rollout(after).status.phase == rollout(before).status.phase
    assert selector_of(after, "active") == hash_of(rs1)
    assert replicas(after, rs1) == replicas(before, rs1)
    assert replicas(after, rs2) == replicas(before, rs2)


def test_no_actions_after_pausing() -> None:
    """TestBlueGreenHandlePause/NoActionsAfterPausing."""
    _unchanged(*_fully_paused(autoPromotionEnabled=False))


def test_no_actions_after_paused_on_inconclusive_run() -> None:
    """TestBlueGreenHandlePause/NoActionsAfterPausedOnInconclusiveRun."""
    r2, rs1, rs2 = _paused(False, autoPromotionEnabled=False)
    r2["spec"]["strategy"]["blueGreen"]["prePromotionAnalysis"] = {
        "templates": [{"templateName": "test"}]}
    r2["status"]["pauseConditions"] = [{"reason": "InconclusiveAnalysisRun",
                                        "startTime": NOW_TEXT}]
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, r2))
    set_condition(r2, paused_condition(True))
    template = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate",
                "metadata": {"name": "test", "namespace": "default"},
                "spec": {"metrics": [{"name": "example", "provider": {"job": {}}}]}}
    r2["status"]["phase"], r2["status"]["message"] = "Paused", "InconclusiveAnalysisRun"
    _unchanged(r2, rs1, rs2, (template,))


def test_no_auto_promote_before_delay_time_passes() -> None:
    """TestBlueGreenHandlePause/NoAutoPromoteBeforeDelayTimePasses."""
    _unchanged(*_fully_paused(autoPromotionSeconds=10))


def test_auto_promote_after_delay_time_passes() -> None:
    """TestBlueGreenHandlePause/AutoPromoteAfterDelayTimePasses."""
    r2, rs1, rs2 = _paused(True, autoPromotionSeconds=10)
    r2["status"]["pauseConditions"][0]["startTime"] = format_time(NOW - 60)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    status = rollout(cluster).status
    assert selector_of(cluster, "active") == hash_of(rs2)
    assert status.blue_green.active_selector == hash_of(rs2)
    assert status.stable_rs == hash_of(rs2)
    assert not status.pause_conditions
    assert not status.controller_pause
    assert status.selector == f"foo=bar,{HASH}={hash_of(rs2)}"
    assert (status.phase, status.message) == ("Healthy", None)


def test_no_auto_promote_after_delay_time_passes_if_user_paused() -> None:
    """TestBlueGreenHandlePause/NoAutoPromoteAfterDelayTimePassesIfUserPaused."""
    r2, rs1, rs2 = _paused(True, autoPromotionSeconds=10)
    r2["status"]["pauseConditions"][0]["startTime"] = format_time(NOW - 60)
    r2["spec"]["paused"] = True
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    set_condition(r2, completed_condition(False))
    r2["status"]["phase"], r2["status"]["message"] = "Paused", "manually paused"
    _unchanged(r2, rs1, rs2)


def test_no_pause_when_auto_promotion_enabled_is_not_set() -> None:
    """TestBlueGreenHandlePause/NoPauseWhenAutoPromotionEnabledIsNotSet."""
    _, r2, rs1, rs2 = _pair(1, preview="")
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs1), hash_of(rs1), 1, 1, 2, 1, False,
                                          True, False)
    r2["spec"]["strategy"]["blueGreen"]["scaleDownDelaySeconds"] = 10
    set_condition(r2, progressing_condition(cond.NEW_REPLICA_SET_REASON, rs2))
    cluster = run(r2, rs1, rs2, svc("active", hash_of(rs1), r2))
    status = rollout(cluster).status
    assert selector_of(cluster, "active") == hash_of(rs2)
    assert status.blue_green.active_selector == hash_of(rs2)
    assert status.stable_rs == hash_of(rs2)
    assert status.selector == f"foo=bar,{HASH}={hash_of(rs2)}"
    assert (status.phase, status.message) == ("Healthy", None)
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.REPLICA_SET_UPDATED_REASON,
        cond.REPLICA_SET_PROGRESSING_MESSAGE.format(rs2["metadata"]["name"]))
    assert get_condition(cluster, cond.COMPLETED).status == "True"


def test_pause_when_auto_promotion_enabled_is_false() -> None:
    """TestBlueGreenHandlePause/PauseWhenAutoPromotionEnabledIsFalse."""
    _, r2, rs1, rs2 = _pair(1, preview="", autoPromotionEnabled=False)
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs1), hash_of(rs1), 1, 1, 2, 1, False,
                                          True, False)
    set_condition(r2, progressing_condition(cond.NEW_REPLICA_SET_REASON, rs2))
    set_condition(r2, completed_condition(False))
    cluster = run(r2, rs1, rs2, svc("active", hash_of(rs1), r2))
    status = rollout(cluster).status
    assert [(p.reason, p.start_time) for p in status.pause_conditions] == \
        [("BlueGreenPause", NOW)]
    assert status.controller_pause is True
    assert (status.phase, status.message) == ("Paused", "BlueGreenPause")
    assert selector_of(cluster, "active") == hash_of(rs1)


def test_skip_pause_reconcile_when_active_has_pod_hash_selector() -> None:
    """TestBlueGreenHandlePause/SkipPauseReconcileWhenActiveHasPodHashSelector: a first
    revision goes active at once, even with autoPromotionEnabled false."""
    r1 = new_blue_green_rollout("foo", 1, None, "active", "")
    r1["spec"]["strategy"]["blueGreen"]["autoPromotionEnabled"] = False
    rs1 = new_replica_set_with_status(r1, 1, 1)
    r1 = update_blue_green_rollout_status(r1, "", "", "", 1, 1, 1, 1, False, False, False)
    cluster = run(r1, rs1, new_service("active", 80, {"foo": "bar"}, r1))
    status = rollout(cluster).status
    assert selector_of(cluster, "active") == hash_of(rs1)
    assert status.blue_green.active_selector == hash_of(rs1)
    assert status.stable_rs == hash_of(rs1)
    assert (status.phase, status.message) == ("Healthy", None)
    assert not status.pause_conditions


def test_continue_after_unpaused() -> None:
    """TestBlueGreenHandlePause/ContinueAfterUnpaused: the first sync records the resume
    (Progressing RolloutResumed), the second promotes."""
    _, r2, rs1, rs2 = _pair(1, autoPromotionEnabled=False)
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    r2["spec"]["strategy"]["blueGreen"]["scaleDownDelaySeconds"] = 10
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 1, 1, 2, 1,
                                          False, True, False)
    r2["status"]["controllerPause"] = True
    set_condition(r2, completed_condition(False))
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    objects = (r2, rs1, rs2, *_services(r2, rs1, rs2))
    first = run(*objects)
    progressing = get_condition(first, cond.PROGRESSING)
    assert (progressing.reason, progressing.status) == (cond.ROLLOUT_RESUMED_REASON, "Unknown")
    cluster = run(*objects, syncs=2)
    status = rollout(cluster).status
    assert selector_of(cluster, "active") == hash_of(rs2)
    assert status.stable_rs == hash_of(rs2)
    assert not status.controller_pause
    assert (status.phase, status.message) == ("Healthy", None)
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.NEW_RS_AVAILABLE_REASON,
        cond.REPLICA_SET_COMPLETED_MESSAGE.format(rs2["metadata"]["name"]))
    assert get_condition(cluster, cond.HEALTHY).status == "True"
    assert get_condition(cluster, cond.COMPLETED).status == "True"


def test_blue_green_handle_pause_auto_promote_with_conditions() -> None:
    """TestBlueGreenHandlePauseAutoPromoteWithConditions."""
    _, r2, rs1, rs2 = _pair(1, autoPromotionSeconds=10)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 1, 1, 2, 1,
                                          True, True, True)
    r2["status"]["pauseConditions"][0]["startTime"] = format_time(NOW - 60)
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    status = rollout(cluster).status
    assert selector_of(cluster, "active") == hash_of(rs2)
    assert status.stable_rs == hash_of(rs2)
    assert (status.phase, status.message) == ("Healthy", None)
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.REPLICA_SET_UPDATED_REASON,
        cond.REPLICA_SET_PROGRESSING_MESSAGE.format(rs2["metadata"]["name"]))
    assert get_condition(cluster, cond.COMPLETED).status == "True"


# -- promotion, scale down ---------------------------------------------------------------------


def test_blue_green_add_scale_down_delay_to_previous_active_replica_set() -> None:
    """TestBlueGreenAddScaleDownDelayToPreviousActiveReplicaSet."""
    _, r2, rs1, rs2 = _pair(1, active="bar", preview="")
    r2["spec"]["strategy"]["blueGreen"]["scaleDownDelaySeconds"] = 10
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs1), hash_of(rs1), 1, 1, 2, 1, False,
                                          True, False)
    cluster = run(r2, rs1, rs2, svc("bar", hash_of(rs1), r2))
    status = rollout(cluster).status
    assert selector_of(cluster, "bar") == hash_of(rs2)
    assert status.blue_green.active_selector == hash_of(rs2)
    assert status.stable_rs == hash_of(rs2)
    assert (status.phase, status.message) == ("Healthy", None)


def test_blue_green_add_scale_down_delay() -> None:
    """TestBlueGreenAddScaleDownDelay: after promotion, the next sync marks the previous
    ReplicaSet with a scale-down deadline 30 s (the default) from now."""
    _, r2, rs1, rs2 = _pair(1, preview="")
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs2), hash_of(rs2), 1, 1, 2, 1, False,
                                          True, True)
    set_condition(r2, condition(cond.HEALTHY, "True", cond.ROLLOUT_HEALTHY_REASON,
                                cond.ROLLOUT_HEALTHY_MESSAGE))
    set_condition(r2, progressing_condition(cond.NEW_RS_AVAILABLE_REASON, rs2))
    cluster = run(r2, rs1, rs2, svc("active", hash_of(rs2), r2))
    assert replica_set(cluster, rs1).metadata.annotations[DEADLINE_KEY] == format_time(NOW + 30)
    assert replicas(cluster, rs1) == 1


def test_blue_green_rollout_status_hpa_status_fields_active_selector_set() -> None:
    """TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet."""
    _, r2, rs1, rs2 = _pair(1, autoPromotionEnabled=False)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 0, 0, 0, 0,
                                          True, False, False)
    r2["status"]["selector"] = ""
    set_condition(r2, progressing_condition(cond.ROLLOUT_PAUSED_REASON, rs2))
    set_condition(r2, paused_condition(True))
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    status = rollout(cluster).status
    assert (status.hpa_replicas, status.ready_replicas, status.available_replicas,
            status.updated_replicas, status.replicas) == (1, 1, 1, 1, 2)
    assert status.selector == f"foo=bar,{HASH}={hash_of(rs1)}"


def test_blue_green_rollout_scale_update_active_rs() -> None:
    """TestBlueGreenRolloutScaleUpdateActiveRS."""
    _, r2, rs1, rs2 = _pair(1)
    r2["spec"]["replicas"] = 2
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 1, 1, 1, 1,
                                          False, True, False)
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    assert replicas(cluster, rs1) == 2
    assert replicas(cluster, rs2) == 2


def test_blue_green_rollout_scale_update_stable_rs() -> None:
    """TestBlueGreenRolloutScaleUpdateStableRS: during post-promotion analysis (new active,
    old stable) a scale change reaches both."""
    _, r2, rs1, rs2 = _pair(1, preview="")
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs2), hash_of(rs1), 1, 1, 2, 1,
                                          False, True, False)
    objects = [r2, rs1, rs2, svc("active", hash_of(rs2), r2)]
    cluster = run(*objects)
    assert (replicas(cluster, rs1), replicas(cluster, rs2)) == (1, 1)
    r2["spec"]["replicas"] = 2
    cluster = run(*objects)
    assert (replicas(cluster, rs1), replicas(cluster, rs2)) == (2, 2)


PREVIEW_CHECKPOINT = [
    ("TrueAfterMeetingMinAvailable", 3, 3, False, True, {}, True, 5),
    ("FalseAfterActiveServiceSwitch", 5, 5, True, False, {"autoPromotionEnabled": False}, None,
     5),
    ("TrueWhenScalingUpPreview", 3, 5, True, True, {}, True, 5),
]


@pytest.mark.parametrize(("rs2_replicas", "available", "checkpoint", "active_on_old", "extra",
                          "want", "rs1_replicas"), [c[1:] for c in PREVIEW_CHECKPOINT],
                         ids=[f"TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/{c[0]}"
                              for c in PREVIEW_CHECKPOINT])
def test_preview_replica_count_handle_scale_up_preview_check_point(
        rs2_replicas: int, available: int, checkpoint: bool, active_on_old: bool,
        extra: dict[str, Any], want: bool | None, rs1_replicas: int) -> None:
    r1 = new_blue_green_rollout("foo", 5, None, "active", "")
    r1["spec"]["strategy"]["blueGreen"].update(previewReplicaCount=3, **extra)
    rs1 = new_replica_set_with_status(r1, 5, 5)
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, rs2_replicas, rs2_replicas)
    active = hash_of(rs1) if active_on_old else hash_of(rs2)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), available,
                                          available, 8, 5, False, True, False)
    if checkpoint:
        r2["status"]["blueGreen"]["scaleUpPreviewCheckPoint"] = True
    cluster = run(r2, rs1, rs2, svc("active", active, r2))
    assert rollout(cluster).status.blue_green.scale_up_preview_check_point == want
    assert replicas(cluster, rs1) == rs1_replicas


def test_blue_green_rollout_ignoring_scaling_use_preview_rs_count() -> None:
    """TestBlueGreenRolloutIgnoringScalingUsePreviewRSCount."""
    r1 = new_blue_green_rollout("foo", 1, None, "active", "preview")
    r1["spec"]["strategy"]["blueGreen"]["previewReplicaCount"] = 3
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs1["spec"]["replicas"] = 2
    rs1["metadata"]["annotations"][DESIRED] = "2"
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 2, 1, 1, 1,
                                          False, True, True)
    r2["spec"]["replicas"] = 2
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    updated = replica_set(cluster, rs2)
    assert updated.spec.replicas == 3
    assert updated.metadata.annotations[DESIRED] == "2"


def test_blue_green_rollout_completed() -> None:
    """TestBlueGreenRolloutCompleted."""
    r1 = new_blue_green_rollout("foo", 1, None, "bar", "")
    r2 = bump_version(r1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs2), hash_of(rs2), 1, 1, 1, 1, False,
                                          True, True)
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    cluster = run(r2, rs2, svc("bar", hash_of(rs2), r2))
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.message) == (
        cond.NEW_RS_AVAILABLE_REASON,
        cond.REPLICA_SET_COMPLETED_MESSAGE.format(rs2["metadata"]["name"]))
    assert get_condition(cluster, cond.HEALTHY).status == "True"
    assert get_condition(cluster, cond.COMPLETED).status == "True"
    assert get_condition(cluster, cond.AVAILABLE).status == "True"


def test_blue_green_rollout_completed_false() -> None:
    """TestBlueGreenRolloutCompletedFalse."""
    _, r2, rs1, rs2 = _pair(1, autoPromotionEnabled=False)
    r2 = update_blue_green_rollout_status(r2, hash_of(rs2), hash_of(rs1), hash_of(rs1), 1, 1, 2, 1,
                                          True, True, True)
    r2["status"]["observedGeneration"] = str(r2["metadata"]["generation"])
    set_condition(r2, condition(cond.HEALTHY, "True", cond.ROLLOUT_HEALTHY_REASON,
                                cond.ROLLOUT_HEALTHY_MESSAGE))
    set_condition(r2, condition(cond.PROGRESSING, "Unknown", cond.ROLLOUT_PAUSED_REASON,
                                cond.ROLLOUT_PAUSED_MESSAGE))
    set_condition(r2, paused_condition(True))
    cluster = run(r2, rs1, rs2, *_services(r2, rs1, rs2))
    assert get_condition(cluster, cond.HEALTHY).status == "False"
    assert get_condition(cluster, cond.COMPLETED).status == "False"


def _old_with_deadline(deadline: str | None, old_deadline_too: bool = False
                       ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    _, r2, rs1, rs2 = _pair(1, active="bar", preview="")
    if deadline is not None:
        rs1["metadata"]["annotations"][DEADLINE_KEY] = deadline
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs2), hash_of(rs2), 1, 1, 2, 1, False,
                                          True, True)
    return r2, rs1, rs2


@pytest.mark.parametrize(("deadline", "scaled_down"), [
    ("Abcd123", True), (format_time(NOW + 10), False), (format_time(NOW - 10), True)],
    ids=["TestBlueGreenUnableToReadScaleDownAt", "TestBlueGreenNotReadyToScaleDownOldReplica",
         "TestBlueGreenReadyToScaleDownOldReplica"])
def test_blue_green_scale_down_old_replica(deadline: str, scaled_down: bool) -> None:
    r2, rs1, rs2 = _old_with_deadline(deadline)
    cluster = run(r2, rs1, rs2, svc("bar", hash_of(rs2), r2))
    old = replica_set(cluster, rs1)
    assert old.spec.replicas == (0 if scaled_down else 1)
    if scaled_down and deadline != "Abcd123":
        assert DEADLINE_KEY not in old.metadata.annotations
    assert replicas(cluster, rs2) == 1
    if not scaled_down:
        assert cluster.queue.waiting.get(("argo-rollouts", "default/foo")) is not None


def test_fast_rollback() -> None:
    """TestFastRollback: back to the previous template while its ReplicaSet is still up (its
    scale-down deadline not passed): the deadline is removed and it becomes active again."""
    r1 = new_blue_green_rollout("foo", 1, None, "bar", "")
    r2 = bump_version(r1)
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    future = format_time(NOW + 10)
    rs1["metadata"]["annotations"][DEADLINE_KEY] = future
    rs2["metadata"]["annotations"][DEADLINE_KEY] = future
    r2["spec"]["template"] = r1["spec"]["template"]
    r2["metadata"]["annotations"][REVISION] = "3"
    r2["status"]["currentPodHash"] = hash_of(rs1)
    rs1["metadata"]["annotations"][REVISION] = "3"
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs1), hash_of(rs1), 1, 1, 2, 1, False,
                                          True, True)
    cluster = run(r2, rs1, rs2, svc("bar", hash_of(rs1), r2))
    assert DEADLINE_KEY not in replica_set(cluster, rs1).metadata.annotations
    assert replicas(cluster, rs1) == 1
    assert selector_of(cluster, "bar") == hash_of(rs1)


def test_blue_green_scale_down_limit() -> None:
    """TestBlueGreenScaleDownLimit: scaleDownDelayRevisionLimit 1 keeps one old ReplicaSet
    waiting for its deadline and scales the older one down now."""
    r1 = new_blue_green_rollout("foo", 1, None, "bar", "")
    r2 = bump_version(r1)
    r3 = bump_version(r2)
    r3["spec"]["strategy"]["blueGreen"]["scaleDownDelayRevisionLimit"] = 1
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    rs3 = new_replica_set_with_status(r3, 1, 1)
    future = format_time(NOW + 10)
    rs1["metadata"]["annotations"][DEADLINE_KEY] = future
    rs2["metadata"]["annotations"][DEADLINE_KEY] = future
    r3 = update_blue_green_rollout_status(r3, "", hash_of(rs3), hash_of(rs3), 1, 1, 3, 1, False,
                                          True, True)
    cluster = run(r3, rs1, rs2, rs3, svc("bar", hash_of(rs3), r2))
    assert replicas(cluster, rs1) == 0
    assert replicas(cluster, rs2) == 1
    assert replicas(cluster, rs3) == 1


def test_blue_green_abort() -> None:
    """TestBlueGreenAbort: the active Service goes back to the stable ReplicaSet."""
    r1 = new_blue_green_rollout("foo", 1, None, "bar", "")
    r2 = bump_version(r1)
    r2["status"]["abort"] = True
    r2["status"]["abortedAt"] = NOW_TEXT
    rs1 = new_replica_set_with_status(r1, 1, 1)
    rs2 = new_replica_set_with_status(r2, 1, 1)
    r2 = update_blue_green_rollout_status(r2, "", hash_of(rs2), hash_of(rs1), 1, 1, 2, 1, False,
                                          True, True)
    cluster = run(r2, rs1, rs2, svc("bar", hash_of(rs2), r2))
    status = rollout(cluster).status
    assert selector_of(cluster, "bar") == hash_of(rs1)
    assert status.blue_green.active_selector == hash_of(rs1)
    assert status.selector == f"foo=bar,{HASH}={hash_of(rs1)}"
    message = cond.ROLLOUT_ABORTED_MESSAGE.format(2)
    assert (status.phase, status.message) == ("Degraded", f"RolloutAborted: {message}")
    progressing = get_condition(cluster, cond.PROGRESSING)
    assert (progressing.reason, progressing.status) == (cond.ROLLOUT_ABORTED_REASON, "False")
