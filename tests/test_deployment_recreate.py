"""recreate_test.go: TestScaleDownOldReplicaSets, TestOldPodsRunning, and a Recreate rollout
sync by sync (old down, wait for the pods to go, new up)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, PodEvent
from kubefold.reducers.controllers import replicaset
from kubefold.reducers.controllers.deployment import controller
from kubefold.reducers.controllers.deployment.recreate import (
    old_pods_running,
    scale_down_old_replica_sets_for_recreate,
)
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.world import pods as pod_events
from tests.helpers import Engine, restore
from tests.helpers import new_deployment as helpers_deployment
from tests.test_deployment_sync import get_d, get_rs, new_deployment, replicas_of, rs

# (oldRSSizes, d replicas) -> every old ReplicaSet at 0, `scaled` when one was above 0
SCALE_DOWN = [
    ("one old ReplicaSet", [3], True),
    ("two old ReplicaSets", [3, 2], True),
    ("already scaled down", [0, 0], False),
]


@pytest.mark.parametrize("sizes,scaled_expected", [c[1:] for c in SCALE_DOWN],
                         ids=[f"TestScaleDownOldReplicaSets/{c[0]}" for c in SCALE_DOWN])
def test_scale_down_old_replica_sets(sizes: list[int], scaled_expected: bool) -> None:
    cluster = restore(new_deployment(replicas=3, spec={"strategy": {"type": "Recreate"}}),
                      *[rs(f"foo-v{i}", n, image=f"foo/v{i}") for i, n in enumerate(sizes)])
    olds = [get_rs(cluster, f"foo-v{i}") for i in range(len(sizes))]
    after, scaled, err = scale_down_old_replica_sets_for_recreate(cluster, olds, get_d(cluster))
    assert err is None
    assert scaled is scaled_expected
    assert [replicas_of(after, f"foo-v{i}") for i in range(len(sizes))] == [0] * len(sizes)


def _pod(name: str, phase: str) -> Any:
    return decode_object({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": name, "namespace": "default"},
                          "spec": {"containers": [{"name": "c", "image": "i"}]},
                          "status": {"phase": phase}})


def _rs(name: str, status_replicas: int) -> Any:
    return decode_object(rs(name, 0, status_replicas=status_replicas))


OLD_PODS_RUNNING = [
    ("no old RSs", None, [], {}, False),
    ("old RSs with running pods", "new", [("old", 1)], {}, True),
    ("old RSs without pods but with non-zero status replicas", "new", [("old", 1)], {}, True),
    ("old RSs without pods or non-zero status replicas", "new", [("old", 0)], {}, False),
    ("old RSs with zero status replicas but pods in terminal state are present", "new",
     [("old", 0)], {"old": ["Failed", "Succeeded"]}, False),
    ("old RSs with zero status replicas but pod in unknown phase present", "new", [("old", 0)],
     {"old": ["Unknown"]}, True),
    ("old RSs with zero status replicas with pending pod present", "new", [("old", 0)],
     {"old": ["Pending"]}, True),
    ("old RSs with zero status replicas with running pod present", "new", [("old", 0)],
     {"old": ["Running"]}, True),
    ("old RSs with zero status replicas but pods in terminal state and pending are present",
     "new", [("old", 0)], {"old": ["Failed", "Succeeded", "Pending"]}, True),
    ("the new ReplicaSet's pods are ignored", "new", [("old", 0)], {"new": ["Running"]}, False),
]


@pytest.mark.parametrize("new,olds,pods,expected", [c[1:] for c in OLD_PODS_RUNNING],
                         ids=[f"TestOldPodsRunning/{c[0]}" for c in OLD_PODS_RUNNING])
def test_old_pods_running(new: str | None, olds: list, pods: dict, expected: bool) -> None:
    new_rs = _rs(new, 0) if new else None
    old_rss = [_rs(name, n) for name, n in olds]
    pod_map = {f"uid-{name}": [_pod(f"{name}-{i}", phase) for i, phase in enumerate(phases)]
               for name, phases in pods.items()}
    assert old_pods_running(new_rs, old_rss, pod_map) is expected


def test_recreate_rollout_sync_by_sync() -> None:
    """Old to 0 first; while its pods remain, no new ReplicaSet; once they are gone, the new
    ReplicaSet is created and jumps to spec.replicas; the deletion of the last old pod
    enqueues the Deployment (deletePod)."""
    engine = Engine(ControlPlane((controller.CONTROLLER, replicaset.CONTROLLER),
                                 {PodEvent: pod_events.handle}))
    strategy = {"type": "Recreate"}
    cluster = engine.step(engine.empty_cluster(), Apply(decode_object(
        helpers_deployment("web", replicas=3, strategy=strategy))))
    cluster = engine.step(cluster, PodEvent("default", "*", ready=True))
    cluster = engine.step(cluster, Apply(decode_object(
        helpers_deployment("web", replicas=3, image="web:v2", strategy=strategy))),
        mode="manual")
    cluster = engine.reconcile(cluster, "deployment", "default/web")
    (old,) = list(cluster.list("ReplicaSet", "default"))
    assert old.spec.replicas == 0  # scaled down, no new ReplicaSet yet
    cluster = engine.reconcile(cluster, "deployment", "default/web")
    assert len(list(cluster.list("ReplicaSet", "default"))) == 1  # old pods still running
    # The ReplicaSet controller deletes the 3 old pods; the last deletion wakes the Deployment.
    key = f"default/{old.metadata.name}"
    cluster = engine.reconcile(cluster, "replicaset", key)
    assert list(cluster.list("Pod", "default")) == []
    assert ("deployment", "default/web") in cluster.queue.queued
    cluster = engine.reconcile(cluster, "replicaset", key)  # status: 0 replicas
    cluster = engine.reconcile(cluster, "deployment", "default/web")
    rss = {rs.spec.template.spec.containers[0].image: rs.spec.replicas
           for rs in cluster.list("ReplicaSet", "default")}
    assert rss == {"web:v1": 0, "web:v2": 3}
