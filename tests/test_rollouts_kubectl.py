"""Ports of the kubectl-argo-rollouts plugin's command tests (argo-rollouts 9f8d111,
pkg/kubectl-argo-rollouts/cmd): promote_test.go (TestPromoteNoStepCanary,
TestPromoteCmdSuccesFirstStep, TestPromoteCmdSuccessDoNotGoPastLastStep,
TestPromoteCmdSuccessUnpause, TestPromoteCmdNotFoundError, TestPromoteCmdFull,
TestPromoteCmdAlreadyFullyPromoted, TestPromoteCmdFullWithSpecPaused,
TestPromoteInconclusiveStep), abort_test.go (TestAbortCmd, TestAbortCmdError), retry_test.go
(TestRetryRolloutCmd, TestRetryRolloutCmdError), pause_test.go (TestPauseCmd, TestPauseCmdError),
restart_test.go (TestRestartCmdSuccessSetNow, TestRestartCmdNotFoundError), undo_test.go
(TestUndoCmd, TestUndoCmdToRevision, TestUndoCmdToRevisionOfWorkloadRef (Deployment),
TestUndoCmdToRevisionSkipCurrent, TestUndoCmdToRevisionNotFoundError, TestUndoCmdNoRevisionError,
TestUndoCmdError), each as a `rollout:` event on kind Rollout in manual mode (the event's writes
only). Usage and flag tests are the CLI's (the event has no flags to misuse); the deprecated
--skip-* flags are not offered. The `kubefold` cases check that promote/abort/retry refuse other
kinds with kubectl's own message, and that a rejected event leaves the cluster unchanged."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.events import Rollout as RolloutEvent
from kubefold.reducers import apiserver, manager
from tests.rollouts_fixture import NOW, NOW_TEXT
from tests.rollouts_helpers import GV

GUESTBOOK = "guestbook"


def guestbook(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None
              ) -> dict[str, Any]:
    return {"apiVersion": GV, "kind": "Rollout",
            "metadata": {"name": GUESTBOOK, "namespace": "default", "uid": "uid-guestbook"},
            "spec": spec or {}, "status": status or {}}


def restored(*manifests: dict[str, Any]) -> Any:
    cluster = manager.empty_cluster()
    return apiserver.restore(cluster, [decode_object(copy.deepcopy(m)) for m in manifests],
                             NOW)


def act(cluster: Any, action: str, name: str = GUESTBOOK, kind: str = "Rollout",
        full: bool | None = None, to_revision: int | None = None) -> manager.Outcome:
    event = RolloutEvent(action, kind, name, "default", to_revision=to_revision, full=full)
    return manager.apply_event(cluster, event, "manual")


def ro_after(outcome: manager.Outcome, name: str = GUESTBOOK) -> Any:
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster.get("Rollout", "default", name)


STEPS = [{"setWeight": 1}, {"setWeight": 2}]


def test_promote_no_step_canary() -> None:
    """TestPromoteNoStepCanary."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {}}})), "promote"))
    assert ro.status.current_step_index is None


def test_promote_cmd_succes_first_step() -> None:
    """TestPromoteCmdSuccesFirstStep."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}})),
                      "promote"))
    assert ro.status.current_step_index == 1


def test_promote_cmd_success_do_not_go_past_last_step() -> None:
    """TestPromoteCmdSuccessDoNotGoPastLastStep."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}},
                                         {"currentStepIndex": 2})), "promote"))
    assert ro.status.current_step_index == 2


def test_promote_cmd_success_unpause() -> None:
    """TestPromoteCmdSuccessUnpause."""
    ro = ro_after(act(restored(guestbook(
        {"paused": True}, {"pauseConditions": [{"reason": "CanaryPauseStep",
                                                "startTime": NOW_TEXT}],
                           "controllerPause": True})), "promote"))
    assert not ro.status.pause_conditions
    assert not ro.spec.paused
    assert ro.status.controller_pause is True


@pytest.mark.parametrize("action", ["promote", "abort", "retry", "pause", "restart", "undo"],
                         ids=["TestPromoteCmdNotFoundError", "TestAbortCmdError",
                              "TestRetryRolloutCmdError", "TestPauseCmdError",
                              "TestRestartCmdNotFoundError", "TestUndoCmdError"])
def test_not_found_error(action: str) -> None:
    outcome = act(restored(), action, name="doesnotexist")
    assert outcome.rejected is not None
    assert outcome.rejected.message == 'rollouts.argoproj.io "doesnotexist" not found'


def test_promote_cmd_full() -> None:
    """TestPromoteCmdFull."""
    ro = ro_after(act(restored(guestbook({}, {"stableRS": "abc123",
                                               "currentPodHash": "def456"})),
                      "promote", full=True))
    assert ro.status.promote_full is True


def test_promote_cmd_already_fully_promoted() -> None:
    """TestPromoteCmdAlreadyFullyPromoted: nothing is patched."""
    cluster = restored(guestbook({}, {"stableRS": "abc123", "currentPodHash": "abc123"}))
    before = cluster.get("Rollout", "default", GUESTBOOK)
    ro = ro_after(act(cluster, "promote", full=True))
    assert not ro.status.promote_full
    assert ro.metadata.resource_version == before.metadata.resource_version


def test_promote_cmd_full_with_spec_paused() -> None:
    """TestPromoteCmdFullWithSpecPaused."""
    steps = [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    ro = ro_after(act(restored(guestbook(
        {"paused": True, "strategy": {"canary": {"steps": steps}}},
        {"currentStepIndex": 1, "stableRS": "abc123", "currentPodHash": "def456"})),
        "promote", full=True))
    assert ro.status.promote_full is True
    assert not ro.spec.paused


def test_promote_inconclusive_step() -> None:
    """TestPromoteInconclusiveStep."""
    ro = ro_after(act(restored(guestbook(
        {"paused": True, "strategy": {"canary": {"steps": STEPS}}},
        {"pauseConditions": [{"reason": "CanaryPauseStep", "startTime": NOW_TEXT}],
         "controllerPause": True,
         "canary": {"currentStepAnalysisRunStatus": {"name": "run",
                                                     "status": "Inconclusive"}}})),
        "promote"))
    assert not ro.status.controller_pause
    assert not ro.status.pause_conditions
    assert ro.status.current_step_index == 1


def test_abort_cmd() -> None:
    """TestAbortCmd."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}})), "abort"))
    assert ro.status.abort is True


def test_retry_rollout_cmd() -> None:
    """TestRetryRolloutCmd."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}},
                                         {"abort": True})), "retry"))
    assert not ro.status.abort


def test_pause_cmd() -> None:
    """TestPauseCmd."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}})), "pause"))
    assert ro.spec.paused is True


def test_restart_cmd_success_set_now() -> None:
    """TestRestartCmdSuccessSetNow."""
    ro = ro_after(act(restored(guestbook({"strategy": {"canary": {"steps": STEPS}}})),
                      "restart"))
    assert ro.spec.restart_at == NOW


# -- undo --------------------------------------------------------------------------------------


def _template(image: str, pod_hash: str | None = None) -> dict[str, Any]:
    labels = {"app": "canary-demo"}
    if pod_hash is not None:
        labels["rollouts-pod-template-hash"] = pod_hash
    return {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "canary-demo", "image": image}]}}


def _rs(pod_hash: str, revision: int, image: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"canary-demo-{pod_hash}", "namespace": "default",
                         "uid": f"uid-{pod_hash}",
                         "labels": {"app": "canary-demo", "rollouts-pod-template-hash": pod_hash},
                         "annotations": {"rollout.argoproj.io/revision": str(revision)},
                         "ownerReferences": [{"apiVersion": GV, "kind": "Rollout",
                                              "name": "canary-demo", "uid": "uid-canary-demo",
                                              "controller": True}]},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "canary-demo"}},
                     "template": _template(image, pod_hash)}}


def canary_demo(image: str = "argoproj/rollouts-demo:yellow",
                workload_ref: bool = False) -> list[dict[str, Any]]:
    """testdata.NewCanaryRollout, in miniature: revisions 29 (asdf), 30 (blue) and 31
    (yellow, current)."""
    spec: dict[str, Any] = {"replicas": 1, "selector": {"matchLabels": {"app": "canary-demo"}},
                            "strategy": {"canary": {"steps": [{"setWeight": 20}]}}}
    objects = [_rs("859c99b45c", 29, "argoproj/rollouts-demo:asdf"),
               _rs("877894d5b", 30, "argoproj/rollouts-demo:blue"),
               _rs("65fb5ffc84", 31, "argoproj/rollouts-demo:yellow")]
    if workload_ref:
        spec["workloadRef"] = {"apiVersion": "apps/v1", "kind": "Deployment",
                               "name": "canary-demo-deploy"}
        objects.append({"apiVersion": "apps/v1", "kind": "Deployment",
                        "metadata": {"name": "canary-demo-deploy", "namespace": "default"},
                        "spec": {"replicas": 0,
                                 "selector": {"matchLabels": {"app": "canary-demo"}},
                                 "template": _template(image)}})
    else:
        spec["template"] = _template(image)
    ro = {"apiVersion": GV, "kind": "Rollout",
          "metadata": {"name": "canary-demo", "namespace": "default", "uid": "uid-canary-demo",
                       "annotations": {"rollout.argoproj.io/revision": "31"}},
          "spec": spec, "status": {}}
    return [ro, *objects]


def _image(ro: Any) -> str:
    return ro.spec.template.spec.containers[0].image


def test_undo_cmd() -> None:
    """TestUndoCmd: back to the previous revision (30), its hash label dropped."""
    ro = ro_after(act(restored(*canary_demo()), "undo", name="canary-demo"), "canary-demo")
    assert _image(ro) == "argoproj/rollouts-demo:blue"
    assert "rollouts-pod-template-hash" not in ro.spec.template.metadata.labels


def test_undo_cmd_to_revision() -> None:
    """TestUndoCmdToRevision."""
    ro = ro_after(act(restored(*canary_demo()), "undo", name="canary-demo", to_revision=29),
                  "canary-demo")
    assert _image(ro) == "argoproj/rollouts-demo:asdf"


def test_undo_cmd_to_revision_of_workload_ref() -> None:
    """TestUndoCmdToRevisionOfWorkloadRef/Deployment: the referenced Deployment's template is
    restored."""
    outcome = act(restored(*canary_demo(workload_ref=True)), "undo", name="canary-demo",
                  to_revision=29)
    assert outcome.rejected is None, outcome.rejected
    d = outcome.cluster.get("Deployment", "default", "canary-demo-deploy")
    assert d.spec.template.spec.containers[0].image == "argoproj/rollouts-demo:asdf"


def test_undo_cmd_to_revision_skip_current() -> None:
    """TestUndoCmdToRevisionSkipCurrent: the template already matches; nothing is written."""
    cluster = restored(*canary_demo())
    before = cluster.get("Rollout", "default", "canary-demo")
    ro = ro_after(act(cluster, "undo", name="canary-demo", to_revision=31), "canary-demo")
    assert ro.metadata.resource_version == before.metadata.resource_version


def test_undo_cmd_to_revision_not_found_error() -> None:
    """TestUndoCmdToRevisionNotFoundError."""
    outcome = act(restored(*canary_demo()), "undo", name="canary-demo", to_revision=1)
    assert outcome.rejected.message == "unable to find specified revision 1 in history"


def test_undo_cmd_no_revision_error() -> None:
    """TestUndoCmdNoRevisionError."""
    outcome = act(restored(guestbook({"selector": {"matchLabels": {"app": "g"}},
                                      "strategy": {"canary": {}}})), "undo")
    assert outcome.rejected.message == 'no revision found for rollout "guestbook"'


# -- kubefold ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["promote", "abort", "retry"])
def test_plugin_verbs_refuse_other_kinds(action: str) -> None:
    """`kubectl rollout promote deployment/web` is not a kubectl verb: kubectl's own error."""
    from tests.helpers import new_deployment
    cluster = restored(new_deployment("web"))
    outcome = act(cluster, action, name="web", kind="Deployment")
    assert outcome.rejected is not None
    assert outcome.rejected.message.startswith(f'unknown command "{action}" for "kubectl rollout"')
    assert outcome.cluster == cluster


def test_rejected_event_leaves_cluster_unchanged() -> None:
    cluster = restored(*canary_demo())
    outcome = act(cluster, "undo", name="canary-demo", to_revision=7)
    assert outcome.rejected is not None
    assert outcome.cluster == cluster
