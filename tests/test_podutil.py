"""core/podutil.py against pkg/api/v1/pod/util_test.go (TestIsPodAvailable,
TestGetPodReadyCondition, TestGetPodCondition, TestUpdatePodCondition) and
pkg/controller's IsPodActive / IsPodTerminating."""

from __future__ import annotations

import pytest
from pyrsistent import pvector

from kubefold.core.objects import Condition, ObjectMeta, Pod, PodStatus
from kubefold.core.podutil import (
    get_pod_condition,
    get_pod_ready_condition,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    is_pod_terminating,
    update_pod_condition,
)

NOW = 1_700_000_000


def ready_pod(transition: int | None, ready: bool = True) -> Pod:
    cond = Condition(type="Ready", status="True" if ready else "False",
                     last_transition_time=transition)
    return Pod(status=PodStatus(conditions=pvector([cond])))


# TestIsPodAvailable: newPod(now, ready, beforeSec) with LastTransitionTime = now - beforeSec.
@pytest.mark.parametrize(("pod", "min_ready", "expected"), [
    (ready_pod(NOW, ready=False), 0, False),
    (ready_pod(NOW), 1, False),
    (ready_pod(NOW), 0, True),
    (ready_pod(NOW - 2), 1, True),
    (ready_pod(None), 1, False),  # no lastTransitionTime: never available with minReady > 0
], ids=["TestIsPodAvailable/not-ready", "TestIsPodAvailable/ready-now-min-1",
        "TestIsPodAvailable/ready-now-min-0", "TestIsPodAvailable/ready-2s-ago-min-1",
        "zero-transition-time"])
def test_is_pod_available(pod: Pod, min_ready: int, expected: bool) -> None:
    assert is_pod_available(pod, min_ready, NOW) is expected


def test_is_pod_available_at_the_second_it_is_due() -> None:
    # A controller runs just after the clock's second: due at NOW counts as available.
    assert is_pod_available(ready_pod(NOW - 10), 10, NOW)
    assert not is_pod_available(ready_pod(NOW - 9), 10, NOW)


# TestGetPodReadyCondition
@pytest.mark.parametrize(("status", "expected"), [
    (None, None),
    (PodStatus(), None),
    (PodStatus(conditions=pvector([Condition(type="Ready", status="True")])),
     Condition(type="Ready", status="True")),
], ids=["TestGetPodReadyCondition/nil-status", "TestGetPodReadyCondition/no-conditions",
        "TestGetPodReadyCondition/ready-condition"])
def test_get_pod_ready_condition(status: PodStatus | None, expected: Condition | None) -> None:
    assert get_pod_condition(status, "Ready")[1] == expected
    if status is not None:
        assert get_pod_ready_condition(status) == expected


def test_get_pod_condition_index() -> None:
    status = PodStatus(conditions=pvector([Condition(type="PodScheduled", status="True"),
                                           Condition(type="Ready", status="False")]))
    assert get_pod_condition(status, "Ready") == (1, Condition(type="Ready", status="False"))
    assert get_pod_condition(status, "Initialized") == (-1, None)


def _status(*conds: Condition) -> PodStatus:
    return PodStatus(conditions=pvector(conds))


# TestUpdatePodCondition
@pytest.mark.parametrize(("status", "cond", "changed", "transition"), [
    (_status(), Condition(type="Ready", status="True"), True, NOW),
    (_status(Condition(type="Ready", status="True", last_transition_time=5)),
     Condition(type="Ready", status="True"), False, 5),
    (_status(Condition(type="Ready", status="True", last_transition_time=5)),
     Condition(type="Ready", status="False"), True, NOW),
    (_status(Condition(type="Ready", status="True", last_transition_time=5)),
     Condition(type="Ready", status="True", reason="Other"), True, 5),
], ids=["TestUpdatePodCondition/add", "TestUpdatePodCondition/unchanged",
        "TestUpdatePodCondition/status-changed", "TestUpdatePodCondition/reason-changed"])
def test_update_pod_condition(status: PodStatus, cond: Condition, changed: bool,
                              transition: int) -> None:
    new, got_changed = update_pod_condition(status, cond, NOW)
    assert got_changed is changed
    _, c = get_pod_condition(new, "Ready")
    assert c is not None and c.last_transition_time == transition and c.status == cond.status
    assert len(new.conditions) == 1


@pytest.mark.parametrize(("phase", "deleting", "active", "terminating"), [
    ("Running", False, True, False),
    ("Pending", False, True, False),
    ("Succeeded", False, False, False),
    ("Failed", False, False, False),
    ("Running", True, False, True),
    ("Failed", True, False, False),
])
def test_is_pod_active_and_terminating(phase: str, deleting: bool, active: bool,
                                       terminating: bool) -> None:
    pod = Pod(metadata=ObjectMeta(deletion_timestamp=NOW if deleting else None),
              status=PodStatus(phase=phase))
    assert is_pod_active(pod) is active
    assert is_pod_terminating(pod) is terminating
    assert is_pod_ready(pod) is False
