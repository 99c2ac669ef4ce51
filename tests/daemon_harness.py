"""The DaemonSet controller's Go test fixture on the real API server: only the DaemonSet
controller runs, one `reconcile` is one syncDaemonSet, and a test counts the pods each sync
creates and deletes as expectSyncDaemonSets does (daemon_controller_test.go: newNode,
addNodes, newDaemonSet, markPodsReady, expectSyncDaemonSets)."""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Delete, Reconcile
from kubefold.core.objects import Condition
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.daemon import daemon_controller
from tests.helpers import Engine, plane

ENGINE = Engine(plane(daemon_controller.CONTROLLER))
SIMPLE_DAEMON_SET_LABEL = {"name": "simple-daemon", "type": "production"}
SIMPLE_DAEMON_SET_LABEL2 = {"name": "simple-daemon", "type": "test"}
SIMPLE_NODE_LABEL = {"color": "blue", "speed": "fast"}


def new_node(name: str, labels: dict[str, str] | None = None, taints: list[Any] | None = None,
             conditions: list[Any] | None = None, unschedulable: bool = False
             ) -> dict[str, Any]:
    """newNode: ready, with room for 100 pods."""
    capacity = {"cpu": "4", "memory": "8Gi", "pods": "100"}
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels or {}}, "spec": spec,
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": conditions or [{"type": "Ready", "status": "True"}]}}


def daemon_set(name: str = "foo", template_spec: dict[str, Any] | None = None,
               **spec: Any) -> dict[str, Any]:
    """newDaemonSet: selector and template labels SIMPLE_DAEMON_SET_LABEL, image foo/bar."""
    pod_spec = {"containers": [{"name": "foo", "image": "foo/bar"}], **(template_spec or {})}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"matchLabels": SIMPLE_DAEMON_SET_LABEL},
                     "template": {"metadata": {"labels": SIMPLE_DAEMON_SET_LABEL},
                                  "spec": pod_spec}, **spec}}


def apply(cluster: Cluster, *manifests: dict[str, Any]) -> Cluster:
    for m in manifests:
        outcome = ENGINE.apply_event(cluster, Apply(decode_object(m)), mode="manual")
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def delete_node(cluster: Cluster, name: str) -> Cluster:
    return ENGINE.apply_event(cluster, Delete("Node", name), mode="manual").cluster


def add_nodes(cluster: Cluster, start: int, count: int, labels: dict[str, str] | None = None
              ) -> Cluster:
    """addNodes: node-<start> .. node-<start+count-1>."""
    return apply(cluster, *(new_node(f"node-{i}", labels) for i in range(start, start + count)))


def pods(cluster: Cluster, ds_name: str = "foo") -> list[Any]:
    ds = cluster.get("DaemonSet", "default", ds_name)
    return [p for p in cluster.owned_by(ds.metadata.uid, "Pod") if p is not None]


def sync(cluster: Cluster, name: str = "foo") -> Cluster:
    outcome = ENGINE.apply_event(cluster, Reconcile("daemonset", f"default/{name}"),
                                 mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster


def expect_sync_daemon_sets(cluster: Cluster, creates: int, deletes: int, name: str = "foo"
                            ) -> Cluster:
    """expectSyncDaemonSets: one sync creates and deletes exactly so many pods."""
    before = {p.metadata.name for p in pods(cluster, name)}
    cluster = sync(cluster, name)
    after = {p.metadata.name for p in pods(cluster, name)}
    assert (len(after - before), len(before - after)) == (creates, deletes), \
        f"created {sorted(after - before)}, deleted {sorted(before - after)}"
    return cluster


def mark_pods_ready(cluster: Cluster, name: str = "foo") -> Cluster:
    """markPodsReady: every pod's Ready condition True."""
    for pod in pods(cluster, name):
        if pod.metadata.deletion_timestamp is not None:
            continue
        ready = Condition(type="Ready", status="True", last_transition_time=cluster.now)
        result = apiserver.update_status(cluster, attrs.evolve(pod, status=attrs.evolve(
            pod.status, phase="Running", conditions=pvector([ready]))))
        assert isinstance(result, apiserver.Written), result
        cluster = result.cluster
    return cluster


def target_nodes(cluster: Cluster, name: str = "foo") -> list[str]:
    from kubefold.reducers.controllers.daemon.util import get_target_node_name

    return sorted(get_target_node_name(p) or "" for p in pods(cluster, name))
