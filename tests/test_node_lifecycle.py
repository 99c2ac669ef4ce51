"""Node loss end to end: the kubelet stops, the node lifecycle controller marks the node Unknown
and taints it, the taint eviction controller deletes its pods, the kubelet comes back."""

from __future__ import annotations

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, NodeHealth, Tick
from kubefold.core.objects import Condition, Taint, Toleration
from kubefold.core.schema import parse_time
from kubefold.reducers.controllers import nodelifecycle as node_lifecycle
from kubefold.reducers.controllers import podgc, tainteviction
from kubefold.reducers.controllers.nodelifecycle import compute_zone_state
from kubefold.reducers.controllers.tainteviction import (
    get_matching_tolerations,
    get_min_toleration_time,
)
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.kubelet import kubelet
from kubefold.reducers.world import nodes as node_events
from tests.helpers import Engine, new_pod, node, restore

ENGINE = Engine(ControlPlane(
    (kubelet.CONTROLLER, node_lifecycle.CONTROLLER, tainteviction.CONTROLLER, podgc.CONTROLLER),
    {NodeHealth: node_events.handle}))


NOW = "2024-06-01T00:00:00Z"
T0 = parse_time(NOW)


def _ready(cluster, name="n1"):
    return next(c for c in cluster.get("Node", "", name).status.conditions if c.type == "Ready")


def _taints(cluster, name="n1"):
    return [(t.key, t.effect, t.time_added) for t in cluster.get("Node", "", name).spec.taints]


def _pod(cluster, name):
    return cluster.get("Pod", "default", name)


def _pod_ready(pod):
    return next(c for c in pod.status.conditions if c.type == "Ready")


UNREACHABLE = "node.kubernetes.io/unreachable"


def test_node_loss_end_to_end():
    # "bare" is restored as a snapshot (no admission: no tolerations); "web" is created through
    # the API server, whose DefaultTolerationSeconds plugin gives it 300 s.
    c = ENGINE.restore(node("n1"), node("n2"), new_pod("bare", node_name="n1"), now=NOW)
    c = ENGINE.step(c, Apply(decode_object(new_pod("web", node_name="n1"))))
    assert {t.key: t.toleration_seconds for t in _pod(c, "web").spec.tolerations} == {
        "node.kubernetes.io/not-ready": 300, UNREACHABLE: 300}
    assert _pod(c, "web").status.phase == "Running"
    c = ENGINE.step(c, Tick(10))
    assert _ready(c).last_heartbeat_time == T0  # the Lease renews; the node is not rewritten
    c = ENGINE.step(c, NodeHealth("n1", False))  # the Lease was last renewed at T0 + 10
    assert c.get("Node", "", "n1").metadata.annotations[kubelet.KUBELET_ANNOTATION] == "stopped"

    c = ENGINE.step(c, Tick(49))  # T0 + 59: the Lease is 49 s old
    assert _ready(c).status == "True" and _taints(c) == []
    c = ENGINE.step(c, Tick(1))  # T0 + 60: node-monitor-grace-period (50 s) has passed
    ready = _ready(c)
    assert (ready.status, ready.reason, ready.message) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    assert (ready.last_heartbeat_time, ready.last_transition_time) == (T0, T0 + 60)
    assert {x.type: x.status for x in c.get("Node", "", "n1").status.conditions} == {
        "Ready": "Unknown", "MemoryPressure": "Unknown", "DiskPressure": "Unknown",
        "PIDPressure": "Unknown"}
    assert _taints(c) == [(UNREACHABLE, "NoSchedule", T0 + 60)]
    assert _pod_ready(_pod(c, "web")).status == "False"
    assert _pod_ready(_pod(c, "web")).last_transition_time == T0 + 60
    assert _ready(c, "n2").status == "True"

    c = ENGINE.step(c, Tick(5))  # the next monitor pass observes Unknown: NoExecute
    assert _taints(c) == [(UNREACHABLE, "NoSchedule", T0 + 60),
                          (UNREACHABLE, "NoExecute", T0 + 65)]
    bare = _pod(c, "bare")  # not tolerated: deleted at once, left Terminating
    assert bare.metadata.deletion_timestamp == T0 + 65 + 30
    assert any(x.type == "DisruptionTarget" and x.reason == "DeletionByTaintManager"
               for x in bare.status.conditions)
    assert _pod(c, "web").metadata.deletion_timestamp is None

    c = ENGINE.step(c, Tick(299))
    assert _pod(c, "web").metadata.deletion_timestamp is None
    c = ENGINE.step(c, Tick(1))  # T0 + 365: tolerationSeconds 300 after the taint
    web = _pod(c, "web")
    assert web.metadata.deletion_timestamp == T0 + 365 + 30
    c = ENGINE.step(c, Tick(600))  # the kubelet is away: both stay Terminating
    assert _pod(c, "web") is not None and _pod(c, "bare") is not None

    c = ENGINE.step(c, NodeHealth("n1", True))
    ready = _ready(c)
    assert (ready.status, ready.reason, ready.last_transition_time) == (
        "True", "KubeletReady", c.now)
    assert _taints(c) == []
    # The kubelet sees the deletions on its return: 30 s of grace from now (pod_workers.go).
    c = ENGINE.step(c, Tick(29))
    assert _pod(c, "web") is not None and _pod(c, "bare") is not None
    c = ENGINE.step(c, Tick(1))
    assert _pod(c, "web") is None and _pod(c, "bare") is None


def test_single_node_full_disruption_adds_no_no_execute_taint():
    c = ENGINE.restore(node("n1"), new_pod("bare", node_name="n1"), now=NOW)
    c = ENGINE.step(c, Tick(0))
    c = ENGINE.step(c, NodeHealth("n1", False))
    c = ENGINE.step(c, Tick(50))
    assert _ready(c).status == "Unknown"
    c = ENGINE.step(c, Tick(100))
    assert _taints(c) == [(UNREACHABLE, "NoSchedule", T0 + 50)]
    assert _pod(c, "bare").metadata.deletion_timestamp is None


def test_node_health_for_a_missing_node_is_not_found():
    outcome = ENGINE.apply_event(ENGINE.restore(node("n1"), now=NOW), NodeHealth("nope", False))
    assert outcome.rejected is not None and outcome.rejected.code == 404


def test_kubelet_reported_not_ready_taints_at_once():
    c = restore(node("n1"), node("n2"), now=NOW)
    n1 = c.get("Node", "", "n1")
    import attrs
    cond = Condition(type="Ready", status="False", reason="KubeletNotReady",
                     last_heartbeat_time=T0, last_transition_time=T0)
    from pyrsistent import pvector

    from kubefold.reducers import apiserver
    written = apiserver.update_status(c, attrs.evolve(n1, status=attrs.evolve(
        n1.status, conditions=pvector([cond]))))
    c = node_lifecycle.sync(written.cluster, "n1")
    assert _taints(c) == [("node.kubernetes.io/not-ready", "NoExecute", T0),
                          ("node.kubernetes.io/not-ready", "NoSchedule", T0)]


@pytest.mark.parametrize(("ready", "not_ready", "state"), [
    (0, 1, "FullDisruption"), (1, 1, "Normal"), (2, 3, "PartialDisruption"),
    (3, 3, "Normal"), (0, 0, "Normal")])
def test_compute_zone_state(ready, not_ready, state):
    conditions = [Condition(type="Ready", status="True")] * ready + [None] * not_ready
    assert compute_zone_state(conditions) == state


def test_matching_tolerations_and_min_time():
    taint = Taint(key=UNREACHABLE, effect="NoExecute")
    forever = Toleration(operator="Exists")
    timed = Toleration(key=UNREACHABLE, operator="Exists", effect="NoExecute",
                       toleration_seconds=300)
    assert get_matching_tolerations([taint], []) == (False, [])
    assert get_matching_tolerations([taint], [timed, forever]) == (True, [timed])
    assert get_min_toleration_time([timed]) == 300
    assert get_min_toleration_time([forever]) == -1
    assert get_min_toleration_time([]) == 0
    assert get_min_toleration_time([Toleration(toleration_seconds=-5)]) == 0
