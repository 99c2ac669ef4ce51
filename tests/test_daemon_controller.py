"""pkg/controller/daemon/daemon_controller_test.go (v1.34), ported onto the API server with only
the DaemonSet controller running (tests/daemon_harness.py): eligibility (TestNodeShouldRunDaemonPod,
taints and tolerations, node selectors and affinity), pods launched and removed, pinning by
node affinity, status."""

from __future__ import annotations

import attrs
import pytest

from kubefold.core.codec import decode_object
from kubefold.core.schema import thaw
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.daemon.daemon_controller import node_should_run_daemon_pod
from kubefold.reducers.controllers.daemon.util import get_target_node_name
from kubefold.reducers.manager import advance
from tests.daemon_harness import (
    ENGINE,
    SIMPLE_DAEMON_SET_LABEL,
    SIMPLE_DAEMON_SET_LABEL2,
    SIMPLE_NODE_LABEL,
    add_nodes,
    apply,
    daemon_set,
    delete_node,
    expect_sync_daemon_sets,
    mark_pods_ready,
    new_node,
    pods,
    sync,
    target_nodes,
)

STRATEGIES = [pytest.param({"type": "OnDelete"}, id="OnDelete"),
              pytest.param({"type": "RollingUpdate",
                            "rollingUpdate": {"maxUnavailable": 1}}, id="RollingUpdate")]


def resource_pod_spec(node_name: str, memory: str, cpu: str) -> dict:
    """resourcePodSpec."""
    spec: dict = {"containers": [{"name": "c", "image": "i", "resources": {
        "requests": {"memory": memory, "cpu": cpu}}}]}
    if node_name:
        spec["nodeName"] = node_name
    return spec


def affinity(key: str, values: list[str]) -> dict:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": key, "operator": "In", "values": values}]}]}}}}


NODE_SHOULD_RUN = [
    ("ShouldRunDaemonPod", resource_pod_spec("", "50M", "0.5"), False, True, True),
    ("InsufficientResourceError", resource_pod_spec("", "200M", "0.5"), False, True, True),
    ("ErrPodNotMatchHostName", resource_pod_spec("other-node", "50M", "0.5"), False,
     False, False),
    ("ErrNodeSelectorNotMatch", {"nodeSelector": SIMPLE_DAEMON_SET_LABEL2}, False,
     False, False),
    ("ShouldRunDaemonPod with node selector", {"nodeSelector": SIMPLE_DAEMON_SET_LABEL},
     False, True, True),
    ("ErrPodAffinityNotMatch", affinity("type", ["test"]), False, False, False),
    ("ShouldRunDaemonPod with node affinity", affinity("type", ["production"]), False,
     True, True),
    ("ShouldRunDaemonPodOnUnschedulableNode", resource_pod_spec("", "50M", "0.5"), True,
     True, True),
]


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("name,pod_spec,unschedulable,should_run,should_continue",
                         NODE_SHOULD_RUN, ids=[c[0] for c in NODE_SHOULD_RUN])
def test_node_should_run_daemon_pod(name, pod_spec, unschedulable, should_run,
                                    should_continue, strategy):
    """TestNodeShouldRunDaemonPod: resources do not matter (the scheduler places the pod); the
    template's nodeName, nodeSelector and required node affinity do; unschedulable does not."""
    spec = {"containers": [{"name": "c", "image": "i"}], **pod_spec}
    ds = decode_object(daemon_set(updateStrategy=strategy, template_spec=spec))
    node = decode_object(new_node("test-node", SIMPLE_DAEMON_SET_LABEL,
                                  unschedulable=unschedulable))
    assert node_should_run_daemon_pod(node, ds) == (should_run, should_continue)


TAINTS = [
    # name, taints, tolerations, hostNetwork, shouldRun, shouldContinueRunning
    ("NoSchedule taint, intolerant", [{"key": "dedicated", "value": "user1",
                                       "effect": "NoSchedule"}], [], False, False, True),
    ("NoSchedule taint, tolerated", [{"key": "dedicated", "value": "user1",
                                      "effect": "NoSchedule"}],
     [{"key": "dedicated", "operator": "Equal", "value": "user1", "effect": "NoSchedule"}],
     False, True, True),
    ("NoExecute taint, intolerant", [{"key": "dedicated", "value": "user1",
                                      "effect": "NoExecute"}], [], False, False, False),
    ("not-ready NoExecute, tolerated by the daemon tolerations",
     [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}], [], False, True, True),
    ("unreachable NoExecute, tolerated by the daemon tolerations",
     [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}], [], False, True, True),
    ("memory, disk and pid pressure NoSchedule",
     [{"key": f"node.kubernetes.io/{k}-pressure", "effect": "NoSchedule"}
      for k in ("memory", "disk", "pid")], [], False, True, True),
    ("unschedulable NoSchedule", [{"key": "node.kubernetes.io/unschedulable",
                                   "effect": "NoSchedule"}], [], False, True, True),
    ("network-unavailable, pod network", [{"key": "node.kubernetes.io/network-unavailable",
                                           "effect": "NoSchedule"}], [], False, False, True),
    ("network-unavailable, host network", [{"key": "node.kubernetes.io/network-unavailable",
                                            "effect": "NoSchedule"}], [], True, True, True),
    ("PreferNoSchedule taint is ignored", [{"key": "dedicated", "value": "user1",
                                            "effect": "PreferNoSchedule"}], [], False, True,
     True),
]


@pytest.mark.parametrize("name,taints,tolerations,host_network,should_run,should_continue",
                         TAINTS, ids=[c[0] for c in TAINTS])
def test_node_should_run_daemon_pod_with_taints(name, taints, tolerations, host_network,
                                                should_run, should_continue):
    """TestTaintedNodeDaemonDoesNotLaunchIntolerantPods, TestTaintedNodeDaemonLaunchesToleratePod,
    TestNotReadyNodeDaemonLaunchesPod, TestUnreachableNodeDaemonLaunchesPod,
    TestTaintPressureNodeDaemonLaunchesPod, TestNodeDaemonLaunchesToleratePod (the tolerations
    the controller adds: AddOrUpdateDaemonPodTolerations)."""
    spec: dict = {"containers": [{"name": "c", "image": "i"}], "tolerations": tolerations}
    if host_network:
        spec["hostNetwork"] = True
    ds = decode_object(daemon_set(template_spec=spec))
    node = decode_object(new_node("test-node", taints=taints))
    assert node_should_run_daemon_pod(node, ds) == (should_run, should_continue)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_simple_daemon_set_launches_pods(strategy):
    """TestSimpleDaemonSetLaunchesPods / TestSimpleDaemonSetScheduleDaemonSetPodsLaunchesPods:
    five nodes, five pods, each pinned to its node by required node affinity on metadata.name,
    not bound (the scheduler binds them)."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 5)
    cluster = apply(cluster, daemon_set(updateStrategy=strategy))
    cluster = expect_sync_daemon_sets(cluster, 5, 0)
    assert target_nodes(cluster) == [f"node-{i}" for i in range(5)]
    for pod in pods(cluster):
        assert pod.spec.node_name is None
        terms = thaw(pod.spec.affinity)["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                           "values": [get_target_node_name(pod)]}]}]
        keys = {(t.key, t.effect) for t in pod.spec.tolerations}
        assert ("node.kubernetes.io/not-ready", "NoExecute") in keys
        assert ("node.kubernetes.io/unschedulable", "NoSchedule") in keys
        assert pod.metadata.labels["pod-template-generation"] == "1"
        assert pod.metadata.generate_name == "foo-"
    cluster = expect_sync_daemon_sets(cluster, 0, 0)


def test_daemon_set_pod_created_on_node_added_later():
    """A node added after the DaemonSet gets its pod (addNode enqueues the set); a deleted node's
    unbound pod is deleted (getUnscheduledPodsWithoutNode)."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 2)
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 2, 0)
    cluster = add_nodes(cluster, 2, 1)
    assert ("daemonset", "default/foo") in cluster.queue.queued
    cluster = expect_sync_daemon_sets(cluster, 1, 0)
    cluster = delete_node(cluster, "node-2")
    cluster = expect_sync_daemon_sets(cluster, 0, 1)
    assert target_nodes(cluster) == ["node-0", "node-1"]


def test_selector_daemon_launches_pods_and_deletes_unselected():
    """TestSelectorDaemonLaunchesPods, TestSelectorDaemonDeletesUnselectedPods: only labelled
    nodes get a pod; a node whose labels stop matching loses it."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 4)
    cluster = add_nodes(cluster, 4, 3, SIMPLE_NODE_LABEL)
    cluster = apply(cluster, daemon_set(template_spec={"nodeSelector": SIMPLE_NODE_LABEL}))
    cluster = expect_sync_daemon_sets(cluster, 3, 0)
    assert target_nodes(cluster) == ["node-4", "node-5", "node-6"]
    cluster = apply(cluster, new_node("node-4", {}))
    assert ("daemonset", "default/foo") in cluster.queue.queued
    cluster = expect_sync_daemon_sets(cluster, 0, 1)


def test_node_affinity_daemon_launches_pods():
    """TestNodeAffinityDaemonLaunchesPods: a required node affinity on a label picks the nodes;
    the pods' affinity is replaced by the node pin."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 4)
    cluster = add_nodes(cluster, 4, 3, SIMPLE_NODE_LABEL)
    cluster = apply(cluster, daemon_set(template_spec=affinity("color", ["blue"])))
    cluster = expect_sync_daemon_sets(cluster, 3, 0)
    assert target_nodes(cluster) == ["node-4", "node-5", "node-6"]


def test_tainted_node_daemon_does_not_launch_intolerant_pods():
    """TestTaintedNodeDaemonDoesNotLaunchIntolerantPods, then the taint goes (updateNode
    enqueues the set) and the pod comes."""
    taint = {"key": "dedicated", "value": "user1", "effect": "NoSchedule"}
    cluster = apply(ENGINE.empty_cluster(), new_node("tainted", taints=[taint]))
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 0, 0)
    cluster = apply(cluster, new_node("tainted"))
    assert ("daemonset", "default/foo") in cluster.queue.queued
    expect_sync_daemon_sets(cluster, 1, 0)


def test_daemon_kill_failed_pods():
    """TestDaemonKillFailedPods: a failed daemon pod is deleted (after the backoff) and its node
    gets a new pod on the next sync."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 1)
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 1, 0)
    pod = pods(cluster)[0]
    cluster = apiserver.update_status(cluster, attrs.evolve(pod, status=attrs.evolve(
        pod.status, phase="Failed"))).cluster
    cluster = expect_sync_daemon_sets(cluster, 0, 0)  # within the backoff
    assert ("daemonset", "default/foo") in cluster.queue.waiting
    cluster = expect_sync_daemon_sets(advance(cluster, cluster.now + 1), 0, 1)
    expect_sync_daemon_sets(cluster, 1, 0)


def test_daemon_set_status():
    """updateDaemonSetStatus: desired, current, ready, available, updated and misscheduled as
    the nodes and pods stand; observedGeneration."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 3)
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 3, 0)
    ds = cluster.get("DaemonSet", "default", "foo")
    s = ds.status
    assert (s.desired_number_scheduled, s.current_number_scheduled, s.number_ready,
            s.number_available, s.number_unavailable, s.updated_number_scheduled,
            s.number_misscheduled, s.observed_generation) == (3, 3, 0, 0, 3, 3, 0, 1)
    cluster = sync(mark_pods_ready(cluster))
    s = cluster.get("DaemonSet", "default", "foo").status
    assert (s.number_ready, s.number_available, s.number_unavailable) == (3, 3, 0)
    taint = {"key": "dedicated", "value": "x", "effect": "NoSchedule"}
    cluster = sync(apply(cluster, new_node("node-0", taints=[taint])))
    s = cluster.get("DaemonSet", "default", "foo").status
    assert (s.desired_number_scheduled, s.current_number_scheduled,
            s.number_misscheduled) == (2, 2, 1)


def test_revision_and_hash_label():
    """constructHistory: one ControllerRevision `<ds>-<hash>` labelled with the hash, and the
    pods carry the same hash in controller-revision-hash; a template change adds revision 2."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 1)
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 1, 0)
    ds = cluster.get("DaemonSet", "default", "foo")
    (revision,) = cluster.owned_by(ds.metadata.uid, "ControllerRevision")
    hash_ = revision.metadata.labels["controller-revision-hash"]
    assert revision.metadata.name == f"foo-{hash_}" and revision.revision == 1
    assert pods(cluster)[0].metadata.labels["controller-revision-hash"] == hash_
    changed = daemon_set(template_spec={"containers": [{"name": "foo", "image": "foo/bar2"}]})
    cluster = sync(apply(cluster, changed))
    ds = cluster.get("DaemonSet", "default", "foo")
    assert ds.metadata.annotations["deprecated.daemonset.template.generation"] == "2"
    numbers = sorted(r.revision for r in cluster.owned_by(ds.metadata.uid,
                                                          "ControllerRevision"))
    assert numbers == [1, 2]
