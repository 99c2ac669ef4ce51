"""End to end in auto mode, with the whole default control plane: applying Nodes and a
Deployment runs the create flow (Deployment -> ReplicaSet -> Pods -> scheduled -> Running and
Ready -> Deployment Available), and an unschedulable pod waits for a node.

Expected values are worked out by hand from the Go sources (v1.34): the scheduler's default
profile (LeastAllocated weight 1, BalancedAllocation 1, PodTopologySpread 2 with the system
default constraints hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway), the kubelet's prober
(first success at initialDelaySeconds rounded up to periodSeconds), the deployment controller's
calculateStatus/syncRolloutStatus and the scheduling queue's backoff (1 s doubling) and
podMaxInUnschedulablePodsDuration (300 s).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.events import Apply, Tick
from kubefold.reducers import manager
from kubefold.reducers.scheduler import queue
from tests.helpers import new_deployment
from tests.helpers import node as bare_node


def node(name: str, cpu: str = "4", memory: str = "8Gi") -> dict[str, Any]:
    """A Node as a kubelet registers it: with its kubernetes.io/hostname label, which the
    default hostname spread constraint needs."""
    manifest = bare_node(name, cpu=cpu, memory=memory)
    manifest["metadata"]["labels"] = {"kubernetes.io/hostname": name}
    return manifest


def run(cluster: Any, *manifests: dict[str, Any]) -> Any:
    for m in manifests:
        outcome = manager.apply_event(cluster, Apply(decode_object(m)))
        assert outcome.rejected is None, outcome.rejected
        assert outcome.settled
        cluster = outcome.cluster
    return cluster


def tick(cluster: Any, seconds: int) -> Any:
    return manager.step(cluster, Tick(seconds))


def web(replicas: int, cpu: str | None = None, memory: str | None = None,
        probe: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    d = new_deployment(replicas=replicas, **spec)
    container = d["spec"]["template"]["spec"]["containers"][0]
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    if requests:
        container["resources"] = {"requests": requests}
    if probe is not None:
        container["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080}, **probe}
    return d


def pods(cluster: Any) -> list[Any]:
    return list(cluster.list("Pod", "default"))


def placement(cluster: Any) -> Counter[str]:
    return Counter(p.spec.node_name for p in pods(cluster))


def condition(obj: Any, ctype: str) -> Any:
    return next((c for c in obj.status.conditions if c.type == ctype), None)


def deployment(cluster: Any) -> Any:
    return cluster.get("Deployment", "default", "web")


def the_replica_set(cluster: Any) -> Any:
    (rs,) = cluster.list("ReplicaSet", "default")
    return rs


def bind_order(outcome: Any) -> list[str]:
    """The nodes the scheduler bound pods to, in the order of its cycles."""
    return [ch.new.spec.node_name for turn in outcome.turns if turn.controller == "scheduler"
            for ch in turn.changes if ch.kind == "Pod" and ch.new is not None
            and ch.new.spec.node_name and not (ch.old and ch.old.spec.node_name)]


# -- the create flow -----------------------------------------------------------------------


def test_deployment_to_available_status_as_kubernetes_reports_it() -> None:
    c = manager.empty_cluster()
    t0 = c.now
    c = run(c, node("n0"), node("n1"), node("n2"),
            web(3, cpu="500m", memory="256Mi"))
    rs = the_replica_set(c)
    ref = rs.metadata.owner_references[0]
    assert (ref.kind, ref.name, ref.controller) == ("Deployment", "web", True)
    assert rs.metadata.name.startswith("web-") and rs.spec.replicas == 3
    assert (rs.status.replicas, rs.status.ready_replicas, rs.status.available_replicas) == \
        (3, 3, 3)

    # LeastAllocated and the default hostname spread put one replica on each node.
    assert placement(c) == {"n0": 1, "n1": 1, "n2": 1}
    for pod in pods(c):
        assert pod.metadata.owner_references[0].uid == rs.metadata.uid
        assert pod.status.phase == "Running"
        assert [(x.type, x.status) for x in pod.status.conditions] == [
            ("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "True"),
            ("ContainersReady", "True"), ("PodScheduled", "True")]
        assert all(x.last_transition_time == t0 for x in pod.status.conditions)
        assert pod.status.start_time == t0
        (status,) = pod.status.container_statuses
        assert (status.ready, status.started, status.restart_count) == (True, True, 0)

    d = deployment(c)
    status = encode_object(d)["status"]
    # DeploymentStatus' counts are omitempty in Go: 0 is not reported.
    if status.get("unavailableReplicas") == 0:
        del status["unavailableReplicas"]
    at = "2024-01-01T00:00:00Z"
    assert c.now == t0 and d.metadata.creation_timestamp == t0
    assert status == {
        "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
        "availableReplicas": 3,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability.",
             "lastUpdateTime": at, "lastTransitionTime": at},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
             "message": f'ReplicaSet "{rs.metadata.name}" has successfully progressed.',
             "lastUpdateTime": at, "lastTransitionTime": at},
        ]}


def test_default_topology_spread_outweighs_least_allocated() -> None:
    # Without requests the scorers use 100m / 200Mi per pod. On the big node LeastAllocated
    # scores ~99 against ~95 on the small one, but once the big node holds one more replica
    # the hostname constraint (weight 2) scores it 59 against 100: replicas alternate.
    big = node("big", cpu="16", memory="64Gi")
    small = node("small", cpu="2", memory="4Gi")
    c = run(manager.empty_cluster(), big, small)
    outcome = manager.apply_event(c, Apply(decode_object(web(4))))
    assert bind_order(outcome) == ["big", "small", "big", "small"]
    assert placement(outcome.cluster) == {"big": 2, "small": 2}


def test_bare_pods_get_no_default_spread_and_all_go_to_the_emptiest_node() -> None:
    # Pods no controller owns match no Service/ReplicaSet selector: the system default
    # constraints do not apply, and LeastAllocated alone keeps choosing the big node.
    c = run(manager.empty_cluster(), node("big", cpu="16", memory="64Gi"),
            node("small", cpu="2", memory="4Gi"))
    for i in range(4):
        c = run(c, {"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": f"web-{i}", "namespace": "default",
                                 "labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "web:v1"}]}})
    assert placement(c) == {"big": 4}


def test_least_allocated_then_spread_against_a_loaded_node() -> None:
    # n0 already holds 3 CPUs and 6Gi. Replica 1: the spread scores both nodes 100, so
    # LeastAllocated (n0 15, n1 90) and BalancedAllocation (n0 96, n1 96) send it to n1.
    # Replica 2: LeastAllocated n0 15 / n1 81, Balanced n0 96 / n1 93, but the hostname spread
    # scores n0 100 and n1 59, weight 2: 311 against 292, n0.
    loaded = {"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": "batch", "namespace": "default"},
              "spec": {"nodeName": "n0", "containers": [
                  {"name": "app", "image": "batch:v1",
                   "resources": {"requests": {"cpu": "3", "memory": "6Gi"}}}]}}
    c = run(manager.empty_cluster(), node("n0"), node("n1"), loaded)
    outcome = manager.apply_event(c, Apply(decode_object(web(2, cpu="500m",
                                                             memory="512Mi"))))
    assert bind_order(outcome) == ["n1", "n0"]


def test_readiness_probe_makes_pods_ready_at_the_first_successful_probe() -> None:
    # initialDelaySeconds 5, periodSeconds 10: the first probe that counts runs at 10 s.
    c = manager.empty_cluster()
    t0 = c.now
    c = run(c, node("n0"), node("n1"),
            web(2, probe={"initialDelaySeconds": 5, "periodSeconds": 10}))
    d = deployment(c)
    assert (d.status.replicas, d.status.ready_replicas, d.status.available_replicas) == \
        (2, 0, 0)
    assert condition(d, "Available").reason == "MinimumReplicasUnavailable"
    assert condition(d, "Progressing").reason == "ReplicaSetUpdated"
    for pod in pods(c):
        ready = condition(pod, "Ready")
        assert (pod.status.phase, ready.status, ready.reason, ready.message) == (
            "Running", "False", "ContainersNotReady",
            "containers with unready status: [app]")
    c = tick(c, 9)
    assert deployment(c).status.ready_replicas == 0
    c = tick(c, 1)
    assert c.now == t0 + 10
    for pod in pods(c):
        assert condition(pod, "Ready").status == "True"
        assert condition(pod, "Ready").last_transition_time == t0 + 10
    d = deployment(c)
    assert (d.status.ready_replicas, d.status.available_replicas) == (2, 2)
    available = condition(d, "Available")
    assert (available.status, available.last_transition_time) == ("True", t0 + 10)
    progressing = condition(d, "Progressing")
    assert (progressing.reason, progressing.last_update_time,
            progressing.last_transition_time) == ("NewReplicaSetAvailable", t0 + 10, t0)


def test_min_ready_seconds_delays_availability() -> None:
    # Ready at 10 s, available minReadySeconds (15) later, at 25 s.
    c = manager.empty_cluster()
    t0 = c.now
    c = run(c, node("n0"), node("n1"),
            web(2, probe={"initialDelaySeconds": 10, "periodSeconds": 5}, minReadySeconds=15))
    c = tick(c, 10)
    d = deployment(c)
    assert (d.status.ready_replicas, d.status.available_replicas) == (2, 0)
    assert condition(d, "Available").status == "False"
    c = tick(c, 14)
    assert deployment(c).status.available_replicas == 0
    c = tick(c, 1)
    d = deployment(c)
    assert c.now == t0 + 25
    assert (d.status.ready_replicas, d.status.available_replicas) == (2, 2)
    assert condition(d, "Available").last_transition_time == t0 + 25
    assert condition(d, "Progressing").reason == "NewReplicaSetAvailable"
    rs = the_replica_set(c)
    assert (rs.status.ready_replicas, rs.status.available_replicas) == (2, 2)


# -- an unschedulable pod --------------------------------------------------------------------


def _pending(cluster: Any) -> Any:
    (pod,) = [p for p in pods(cluster) if not p.spec.node_name]
    return pod


def _key(pod: Any) -> str:
    return f"{pod.metadata.namespace}/{pod.metadata.name}"


INSUFFICIENT_CPU = "0/1 nodes are available: 1 Insufficient cpu."


def test_unschedulable_pod_waits_and_schedules_when_a_node_is_added() -> None:
    c = manager.empty_cluster()
    t0 = c.now
    c = run(c, node("n0", cpu="1"), web(2, cpu="600m"))
    pending = _pending(c)
    scheduled = condition(pending, "PodScheduled")
    assert (scheduled.status, scheduled.reason) == ("False", "Unschedulable")
    assert scheduled.message.startswith(INSUFFICIENT_CPU)
    assert scheduled.last_transition_time == t0
    assert pending.status.phase == "Pending"
    assert queue.attempts(c, _key(pending)) == 1
    d = deployment(c)
    assert (d.status.replicas, d.status.available_replicas) == (2, 1)
    assert condition(d, "Available").status == "False"  # 2 - maxUnavailable 0 > 1

    # Rejected by a plugin: it waits in unschedulablePods, not retried on a timer ...
    c = tick(c, 299)
    assert queue.attempts(c, _key(pending)) == 1
    # ... until podMaxInUnschedulablePodsDuration flushes it back, and it fails again.
    c = tick(c, 1)
    assert queue.attempts(c, _key(pending)) == 2
    assert condition(_pending(c), "PodScheduled").last_transition_time == t0

    # Two attempts: a 2 s backoff from the last one (t0 + 300). The node add moves the pod
    # to the backoffQ, which releases it at t0 + 302.
    c = run(c, node("n1", cpu="1"))
    assert _pending(c).metadata.name == pending.metadata.name
    c = tick(c, 1)
    assert _pending(c).metadata.name == pending.metadata.name
    c = tick(c, 1)
    bound = c.get("Pod", "default", pending.metadata.name)
    assert bound.spec.node_name == "n1"
    scheduled = condition(bound, "PodScheduled")
    assert (scheduled.status, scheduled.reason, scheduled.message,
            scheduled.last_transition_time) == ("True", None, None, t0 + 302)
    assert bound.status.phase == "Running"
    d = deployment(c)
    assert (d.status.available_replicas, condition(d, "Available").status) == (2, "True")
    assert condition(d, "Available").last_transition_time == t0 + 302


def test_node_added_after_the_backoff_schedules_at_once() -> None:
    c = manager.empty_cluster()
    t0 = c.now
    c = run(c, node("n0", cpu="1"), web(2, cpu="600m"))
    pending = _pending(c)
    c = tick(c, 20)
    c = run(c, node("n1", cpu="1"))
    bound = c.get("Pod", "default", pending.metadata.name)
    assert bound.spec.node_name == "n1"
    assert condition(bound, "PodScheduled").last_transition_time == t0 + 20


def test_unschedulable_message_is_kube_schedulers() -> None:
    # FitError.Error: the filter histogram, then DefaultPreemption's PostFilter message.
    c = run(manager.empty_cluster(), node("n0", cpu="1"), web(2, cpu="600m"))
    assert condition(_pending(c), "PodScheduled").message == (
        INSUFFICIENT_CPU + " preemption: 0/1 nodes are available: 1 No preemption victims "
        "found for incoming pod.")
