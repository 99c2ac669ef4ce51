"""End to end in auto mode, with the whole default control plane: a node of a 3-node cluster
running a Deployment stops posting status, and comes back (or is deleted).

Timings (Kubernetes v1.34 defaults): node-monitor-grace-period 50 s after the last heartbeat,
then the Ready condition (and the pressure conditions) Unknown, "Kubelet stopped posting node
status.", the pods on the node Ready=False (MarkPodsNotReady) and the unreachable:NoSchedule
taint at once; unreachable:NoExecute on the next monitor pass, 5 s later; the pods' 300 s
tolerationSeconds (DefaultTolerationSeconds admission) counted from that taint; then the taint
eviction controller deletes them (DisruptionTarget DeletionByTaintManager, 30 s grace), the
ReplicaSet replaces them and the scheduler places the replacements on the healthy nodes. When
the kubelet returns, the taints go and it finishes the old pods a grace period after it sees
them; a deleted node's pods are force-deleted by PodGC after its 40 s quarantine.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Delete, NodeHealth, Tick
from kubefold.reducers import manager
from tests.helpers import new_deployment
from tests.helpers import node as bare_node

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"


def node(name: str) -> dict[str, Any]:
    manifest = bare_node(name)
    manifest["metadata"]["labels"] = {"kubernetes.io/hostname": name}
    return manifest


def step(cluster: Any, event: Any) -> Any:
    outcome = manager.apply_event(cluster, event)
    assert outcome.rejected is None, outcome.rejected
    assert outcome.settled
    return outcome.cluster


def condition(obj: Any, ctype: str) -> Any:
    return next((c for c in obj.status.conditions if c.type == ctype), None)


def taints(cluster: Any, name: str = "n1") -> list[tuple[str, str, int | None]]:
    return [(t.key, t.effect, t.time_added) for t in cluster.get("Node", "", name).spec.taints]


def pods_on(cluster: Any, name: str) -> list[Any]:
    return [p for p in cluster.list("Pod", "default") if p.spec.node_name == name]


def deployment(cluster: Any) -> Any:
    return cluster.get("Deployment", "default", "web")


def counts(cluster: Any) -> tuple[int | None, ...]:
    s = deployment(cluster).status
    return (s.replicas, s.updated_replicas, s.ready_replicas, s.available_replicas)


def available(cluster: Any) -> tuple[str | None, str | None, int | None]:
    cond = condition(deployment(cluster), "Available")
    return cond.status, cond.reason, cond.last_transition_time


@pytest.fixture
def lost() -> tuple[Any, int, str]:
    """Three nodes, three replicas (one a node), n1's kubelet stopped at t0 + 10; returns the
    cluster at t0 + 10, t0, and the name of the pod on n1."""
    c = manager.empty_cluster()
    t0 = c.now
    for name in ("n0", "n1", "n2"):
        c = step(c, Apply(decode_object(node(name))))
    c = step(c, Apply(decode_object(new_deployment(replicas=3))))
    assert Counter(p.spec.node_name for p in c.list("Pod", "default")) == {
        "n0": 1, "n1": 1, "n2": 1}
    assert counts(c) == (3, 3, 3, 3) and available(c) == ("True", "MinimumReplicasAvailable", t0)
    c = step(c, Tick(10))
    c = step(c, NodeHealth("n1", False))
    (victim,) = pods_on(c, "n1")
    return c, t0, victim.metadata.name


def tick_to(cluster: Any, t: int) -> Any:
    assert t >= cluster.now
    return step(cluster, Tick(t - cluster.now))


def unhealthy(lost: tuple[Any, int, str]) -> tuple[Any, int, str]:
    """The lost node through its eviction, at t0 + 365."""
    c, t0, victim = lost
    return tick_to(c, t0 + 365), t0, victim


def test_node_loss_timeline(lost: tuple[Any, int, str]) -> None:
    c, t0, victim = lost
    pod = lambda: c.get("Pod", "default", victim)  # noqa: E731

    c = tick_to(c, t0 + 59)  # 49 s since the last heartbeat
    assert condition(c.get("Node", "", "n1"), "Ready").status == "True"
    assert taints(c) == [] and condition(pod(), "Ready").status == "True"

    c = tick_to(c, t0 + 60)  # node-monitor-grace-period (50 s) has passed
    n1 = c.get("Node", "", "n1")
    ready = condition(n1, "Ready")
    assert (ready.status, ready.reason, ready.message, ready.last_transition_time) == (
        "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", t0 + 60)
    assert {x.type: (x.status, x.reason) for x in n1.status.conditions} == {
        t: ("Unknown", "NodeStatusUnknown")
        for t in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")}
    assert taints(c) == [(UNREACHABLE, "NoSchedule", t0 + 60)]
    pod_ready = condition(pod(), "Ready")
    assert (pod_ready.status, pod_ready.last_transition_time) == ("False", t0 + 60)
    assert pod().metadata.deletion_timestamp is None
    assert counts(c) == (3, 3, 2, 2)
    assert available(c) == ("False", "MinimumReplicasUnavailable", t0 + 60)
    for other in ("n0", "n2"):
        assert condition(c.get("Node", "", other), "Ready").status == "True"
        assert taints(c, other) == []

    c = tick_to(c, t0 + 64)
    assert taints(c) == [(UNREACHABLE, "NoSchedule", t0 + 60)]
    c = tick_to(c, t0 + 65)  # the next monitor pass observes Unknown
    assert taints(c) == [(UNREACHABLE, "NoSchedule", t0 + 60),
                         (UNREACHABLE, "NoExecute", t0 + 65)]

    # The pod tolerates unreachable:NoExecute for 300 s (DefaultTolerationSeconds).
    assert {(t.key, t.effect, t.toleration_seconds) for t in pod().spec.tolerations} == {
        (NOT_READY, "NoExecute", 300), (UNREACHABLE, "NoExecute", 300)}
    c = tick_to(c, t0 + 364)
    assert pod().metadata.deletion_timestamp is None
    assert len(list(c.list("Pod", "default"))) == 3

    c = tick_to(c, t0 + 365)
    evicted = pod()
    assert (evicted.metadata.deletion_timestamp,
            evicted.metadata.deletion_grace_period_seconds) == (t0 + 395, 30)
    target = condition(evicted, "DisruptionTarget")
    assert (target.status, target.reason, target.message, target.last_transition_time) == (
        "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint",
        t0 + 365)
    assert evicted.status.phase == "Running"  # nobody on n1 to stop it
    (replacement,) = [p for p in c.list("Pod", "default")
                      if p.metadata.creation_timestamp == t0 + 365]
    assert replacement.spec.node_name in ("n0", "n2")
    assert replacement.status.phase == "Running"
    assert condition(replacement, "Ready").status == "True"
    assert counts(c) == (3, 3, 3, 3)
    assert available(c) == ("True", "MinimumReplicasAvailable", t0 + 365)
    progressing = condition(deployment(c), "Progressing")
    assert (progressing.status, progressing.reason) == ("True", "NewReplicaSetAvailable")
    rs = next(iter(c.list("ReplicaSet", "default")))
    assert (rs.status.replicas, rs.status.ready_replicas) == (3, 3)

    c = tick_to(c, t0 + 1000)  # the kubelet is away: the old pod stays Terminating
    assert pod() is not None and pod().metadata.deletion_timestamp == t0 + 395


@pytest.mark.parametrize(("back_at", "gone_at"), [
    pytest.param(380, 410, id="back-before-the-deletion-deadline"),
    pytest.param(500, 530, id="back-after-the-deletion-deadline"),
])
def test_kubelet_returns_taints_go_and_old_pods_finish(lost: tuple[Any, int, str],
                                                       back_at: int, gone_at: int) -> None:
    c, t0, victim = unhealthy(lost)
    c = tick_to(c, t0 + back_at)
    c = step(c, NodeHealth("n1", True))
    n1 = c.get("Node", "", "n1")
    ready = condition(n1, "Ready")
    assert (ready.status, ready.reason, ready.message, ready.last_transition_time) == (
        "True", "KubeletReady", "kubelet is posting ready status", t0 + back_at)
    assert {x.type: x.status for x in n1.status.conditions} == {
        "Ready": "True", "MemoryPressure": "False", "DiskPressure": "False",
        "PIDPressure": "False"}
    assert taints(c) == []
    # The kubelet sees the deletion now, and gives the containers their 30 s.
    c = tick_to(c, t0 + gone_at - 1)
    assert c.get("Pod", "default", victim) is not None
    c = tick_to(c, t0 + gone_at)
    assert c.get("Pod", "default", victim) is None
    assert pods_on(c, "n1") == []
    assert counts(c) == (3, 3, 3, 3)
    assert available(c)[0] == "True"
    assert len(list(c.list("Pod", "default"))) == 3


def test_kubelet_returns_before_eviction_keeps_its_pod(lost: tuple[Any, int, str]) -> None:
    c, t0, victim = lost
    c = tick_to(c, t0 + 100)
    c = step(c, NodeHealth("n1", True))
    assert taints(c) == []
    pod = c.get("Pod", "default", victim)
    assert pod.metadata.deletion_timestamp is None
    assert condition(pod, "Ready").status == "True"
    assert counts(c) == (3, 3, 3, 3)
    assert available(c) == ("True", "MinimumReplicasAvailable", t0 + 100)
    c = tick_to(c, t0 + 1000)
    assert c.get("Pod", "default", victim).metadata.deletion_timestamp is None


def test_deleted_node_pods_are_collected_by_podgc(lost: tuple[Any, int, str]) -> None:
    c, t0, victim = lost
    c = tick_to(c, t0 + 70)
    c = step(c, Delete("Node", "n1"))
    assert c.get("Node", "", "n1") is None
    c = tick_to(c, t0 + 109)  # PodGC's 40 s quarantine
    assert c.get("Pod", "default", victim) is not None
    c = tick_to(c, t0 + 110)
    assert c.get("Pod", "default", victim) is None
    placed = Counter(p.spec.node_name for p in c.list("Pod", "default"))
    assert sum(placed.values()) == 3 and set(placed) <= {"n0", "n2"}
    assert counts(c) == (3, 3, 3, 3)
    assert available(c) == ("True", "MinimumReplicasAvailable", t0 + 110)
