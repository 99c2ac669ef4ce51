"""The pod garbage collector: orphans after the quarantine, terminated pods over the threshold,
unscheduled terminating pods, terminating pods on out-of-service nodes."""

from __future__ import annotations

from kubefold.core.events import Delete, Tick
from kubefold.core.schema import parse_time
from kubefold.reducers.controllers import podgc
from tests.helpers import Engine, new_pod, node, plane

ENGINE = Engine(plane(podgc.CONTROLLER))


NOW = "2024-06-01T00:00:00Z"
T0 = parse_time(NOW)


def _pod(cluster, name):
    return cluster.get("Pod", "default", name)


def _with(manifest, created=None, **status):
    manifest = dict(manifest)
    if created:
        manifest["metadata"] = {**manifest["metadata"], "creationTimestamp": created}
    if status:
        manifest["status"] = status
    return manifest


def test_controller_name():
    assert podgc.CONTROLLER.name == "pod-garbage-collector"


def test_orphaned_pod_is_deleted_after_the_quarantine():
    c = ENGINE.restore(node("n1"), _with(new_pod("lost", node_name="gone"), phase="Running"),
                _with(new_pod("kept", node_name="n1"), phase="Running"), now=NOW)
    outcome = ENGINE.apply_event(c, Tick(39))
    assert _pod(outcome.cluster, "lost") is not None
    outcome = ENGINE.apply_event(outcome.cluster, Tick(1))
    c = outcome.cluster
    assert _pod(c, "lost") is None and _pod(c, "kept") is not None
    (status_write, delete) = [ch for t in outcome.turns for ch in t.changes]
    assert status_write.new.status.phase == "Failed"
    target = next(x for x in status_write.new.status.conditions if x.type == "DisruptionTarget")
    assert (target.status, target.reason, target.message, target.last_transition_time) == (
        "True", "DeletionByPodGC", "PodGC: node no longer exists", T0 + 40)
    assert delete.new is None


def test_node_deleted_orphans_its_pods():
    c = ENGINE.restore(node("n1"), _with(new_pod("a", node_name="n1"), phase="Running"), now=NOW)
    c = ENGINE.step(c, Delete("Node", "n1"))
    c = ENGINE.step(c, Tick(39))
    assert _pod(c, "a") is not None
    c = ENGINE.step(c, Tick(1))
    assert _pod(c, "a") is None


def test_node_back_within_the_quarantine_keeps_the_pod():
    from kubefold.core.codec import decode_object
    from kubefold.core.events import Apply
    c = ENGINE.restore(_with(new_pod("a", node_name="n1"), phase="Running"), now=NOW)
    c = ENGINE.step(c, Tick(20))
    c = ENGINE.step(c, Apply(decode_object(node("n1"))))
    c = ENGINE.step(c, Tick(30))
    assert _pod(c, "a") is not None


def test_terminated_pods_over_the_threshold(monkeypatch):
    monkeypatch.setattr(podgc, "TERMINATED_POD_GC_THRESHOLD", 2)
    c = ENGINE.restore(
        node("n1"),
        _with(new_pod("old", node_name="n1"), "2024-05-01T00:00:00Z", phase="Succeeded"),
        _with(new_pod("older", node_name="n1"), "2024-04-01T00:00:00Z", phase="Failed"),
        _with(new_pod("evicted", node_name="n1"), "2024-05-20T00:00:00Z", phase="Failed",
              reason="Evicted"),
        _with(new_pod("new", node_name="n1"), "2024-05-30T00:00:00Z", phase="Succeeded"),
        _with(new_pod("live", node_name="n1"), "2024-01-01T00:00:00Z", phase="Running"),
        now=NOW)
    c = ENGINE.step(c, Tick(0))
    remaining = sorted(p.metadata.name for p in c.list("Pod"))
    assert remaining == ["live", "new", "old"]  # evicted first, then the oldest


def test_unscheduled_terminating_pod_is_force_deleted():
    manifest = new_pod("p")
    manifest["metadata"]["finalizers"] = ["example.com/hold"]
    c = ENGINE.restore(node("n1"), manifest, now=NOW)
    c = ENGINE.step(c, Delete("Pod", "p", "default"))
    pod = _pod(c, "p")  # a finalizer keeps it; PodGC marked it Failed and asked for grace 0
    assert pod.status.phase == "Failed"
    assert pod.metadata.deletion_grace_period_seconds == 0


def test_terminating_pod_on_out_of_service_node():
    n1 = node("n1")
    n1["status"]["conditions"] = [{"type": "Ready", "status": "Unknown"}]
    n1["spec"] = {"taints": [{"key": "node.kubernetes.io/out-of-service",
                              "effect": "NoExecute"}]}
    c = ENGINE.restore(n1, _with(new_pod("a", node_name="n1"), phase="Running"), now=NOW)
    c = ENGINE.step(c, Delete("Pod", "a", "default"))
    assert _pod(c, "a") is None
