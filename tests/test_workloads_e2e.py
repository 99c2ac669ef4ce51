"""StatefulSets and DaemonSets end to end, through the event contract: `reconcile` in manual
mode (one call = one Go sync), auto mode with `tick` and the whole control plane (scheduler,
kubelet, garbage collector, pod GC), `scale`, `rollout undo|restart`, dumps; kubectl's own
statefulset history test (test/cmd/apps.sh run_statefulset_history_tests) on its manifests."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kubefold.core.codec import decode_object, dump_snapshot, load_snapshot
from kubefold.core.events import Apply, Delete, Reconcile, Rollout, Scale, Tick
from kubefold.core.schema import thaw
from kubefold.reducers import apiserver, manager
from tests.helpers import CORPUS, node

READY_AFTER = 5


def sts_manifest(name: str = "web", replicas: int = 3, image: str = "nginx:1", **spec: Any
                 ) -> dict[str, Any]:
    body = {"serviceName": name, "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {
                "terminationGracePeriodSeconds": 0,
                "containers": [{"name": "app", "image": image, "readinessProbe": {
                    "tcpSocket": {"port": 80}, "initialDelaySeconds": READY_AFTER,
                    "periodSeconds": 1}}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
            **spec}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "default"}, "spec": body}


def ds_manifest(name: str = "agent", image: str = "agent:1", **spec: Any) -> dict[str, Any]:
    body = {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {
                "terminationGracePeriodSeconds": 0,
                "containers": [{"name": "agent", "image": image}]}}, **spec}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "default"}, "spec": body}


def step(cluster: Any, event: Any, mode: str = "auto") -> Any:
    outcome = manager.apply_event(cluster, event, mode)
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster


def apply(cluster: Any, manifest: dict[str, Any], mode: str = "auto") -> Any:
    return step(cluster, Apply(decode_object(manifest)), mode)


def pod_names(cluster: Any, app: str) -> list[str]:
    return sorted(p.metadata.name for p in cluster.list("Pod", "default")
                  if p.metadata.labels.get("app") == app and p.metadata.deletion_timestamp is None)


def with_nodes(count: int = 2) -> Any:
    cluster = manager.empty_cluster()
    for i in range(count):
        cluster = apply(cluster, node(f"node-{i + 1}"))
    return cluster


def test_ordered_ready_creates_one_ordinal_at_a_time_in_auto_mode():
    """OrderedReady: web-1 appears only once web-0 is Running and Ready (5 s after it starts),
    web-2 once web-1 is."""
    cluster = apply(with_nodes(), sts_manifest())
    assert pod_names(cluster, "web") == ["web-0"]
    cluster = step(cluster, Tick(READY_AFTER - 1))
    assert pod_names(cluster, "web") == ["web-0"]
    cluster = step(cluster, Tick(1))
    assert pod_names(cluster, "web") == ["web-0", "web-1"]
    cluster = step(cluster, Tick(READY_AFTER))
    assert pod_names(cluster, "web") == ["web-0", "web-1", "web-2"]
    cluster = step(cluster, Tick(READY_AFTER))
    status = cluster.get("StatefulSet", "default", "web").status
    assert (status.replicas, status.ready_replicas, status.available_replicas,
            status.current_replicas, status.updated_replicas) == (3, 3, 3, 3, 3)
    for ordinal in range(3):
        pod = cluster.get("Pod", "default", f"web-{ordinal}")
        assert pod.spec.node_name in ("node-1", "node-2")
        assert (pod.spec.extra["hostname"], pod.spec.extra["subdomain"]) == \
            (f"web-{ordinal}", "web")
    assert sorted(c.metadata.name for c in cluster.list("PersistentVolumeClaim", "default")) \
        == ["data-web-0", "data-web-1", "data-web-2"]


def test_parallel_creates_every_ordinal_at_once():
    cluster = apply(with_nodes(), sts_manifest(podManagementPolicy="Parallel"))
    assert pod_names(cluster, "web") == ["web-0", "web-1", "web-2"]


def test_one_reconcile_is_one_sync_in_manual_mode():
    """Manual mode: each `reconcile: {controller: statefulset}` creates one pod under
    OrderedReady, and nothing while the last one is not ready."""
    cluster = manager.empty_cluster()
    cluster = apply(cluster, sts_manifest(), "manual")
    cluster = step(cluster, Reconcile("statefulset", "default/web"), "manual")
    assert pod_names(cluster, "web") == ["web-0"]
    cluster = step(cluster, Reconcile("statefulset", "default/web"), "manual")
    assert pod_names(cluster, "web") == ["web-0"]  # web-0 is Pending


def test_scale_down_from_the_highest_ordinal_and_claims_outlive_pods():
    """`scale` (the scale subresource): 3 -> 1 deletes web-2 then web-1; the claims stay
    (Retain); 1 -> 2 brings web-1 back onto its old claim."""
    cluster = apply(with_nodes(), sts_manifest())
    cluster = step(cluster, Tick(3 * READY_AFTER))
    cluster = step(cluster, Scale("StatefulSet", "web", 1, "default"))
    cluster = step(cluster, Tick(1))
    assert pod_names(cluster, "web") == ["web-0"]
    assert len(list(cluster.list("PersistentVolumeClaim", "default"))) == 3
    uid = cluster.get("PersistentVolumeClaim", "default", "data-web-1").metadata.uid
    cluster = step(cluster, Scale("StatefulSet", "web", 2, "default"))
    cluster = step(cluster, Tick(READY_AFTER))
    assert pod_names(cluster, "web") == ["web-0", "web-1"]
    assert cluster.get("PersistentVolumeClaim", "default", "data-web-1").metadata.uid == uid


def test_delete_on_scale_down_retention_policy_deletes_the_claims():
    """whenScaled: Delete: the scaled-down pod owns its claim, which the garbage collector
    deletes after the pod."""
    policy = {"whenScaled": "Delete", "whenDeleted": "Retain"}
    cluster = apply(with_nodes(), sts_manifest(persistentVolumeClaimRetentionPolicy=policy))
    cluster = step(cluster, Tick(3 * READY_AFTER))
    cluster = step(cluster, Scale("StatefulSet", "web", 2, "default"))
    cluster = step(cluster, Tick(5))
    assert sorted(c.metadata.name for c in cluster.list("PersistentVolumeClaim", "default")) \
        == ["data-web-0", "data-web-1"]


def test_rolling_update_with_partition_and_undo():
    """Partition 1: a new image replaces web-2 then web-1, never web-0; undo puts the first
    revision back (renumbered 3, as the controller does)."""
    manifest = sts_manifest(updateStrategy={"type": "RollingUpdate",
                                            "rollingUpdate": {"partition": 1}})
    cluster = apply(with_nodes(), manifest)
    cluster = step(cluster, Tick(3 * READY_AFTER))
    first = cluster.get("StatefulSet", "default", "web").status.current_revision
    cluster = apply(cluster, sts_manifest(image="nginx:2", updateStrategy={
        "type": "RollingUpdate", "rollingUpdate": {"partition": 1}}))
    cluster = step(cluster, Tick(4 * READY_AFTER))
    images = {p.metadata.name: p.spec.containers[0].image for p in cluster.list("Pod", "default")}
    assert images == {"web-0": "nginx:1", "web-1": "nginx:2", "web-2": "nginx:2"}
    sts = cluster.get("StatefulSet", "default", "web")
    assert sts.status.current_revision == first != sts.status.update_revision
    assert (sts.status.current_replicas, sts.status.updated_replicas) == (1, 2)
    cluster = step(cluster, Rollout("undo", "StatefulSet", "web", "default"))
    cluster = step(cluster, Tick(4 * READY_AFTER))
    assert {p.spec.containers[0].image for p in cluster.list("Pod", "default")} == {"nginx:1"}
    assert cluster.get("ControllerRevision", "default", first).revision == 3


def test_never_replaces_an_ordinal_while_its_predecessor_terminates():
    """A rolling update deletes web-2 with a grace period: web-2 is not created again until
    the old pod is gone from the API."""
    manifest = sts_manifest()
    manifest["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 20
    cluster = apply(with_nodes(), manifest)
    cluster = step(cluster, Tick(3 * READY_AFTER))
    changed = sts_manifest(image="nginx:2")
    changed["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 20
    cluster = apply(cluster, changed)
    old = cluster.get("Pod", "default", "web-2")
    assert old.metadata.deletion_timestamp is not None
    cluster = step(cluster, Tick(10))
    assert cluster.get("Pod", "default", "web-2").metadata.uid == old.metadata.uid
    cluster = step(cluster, Tick(11))
    assert cluster.get("Pod", "default", "web-2").metadata.uid != old.metadata.uid


def test_kubectl_statefulset_history():
    """test/cmd/apps.sh run_statefulset_history_tests, on its own manifests: rv1 then rv2 make
    revisions 1 and 2; undo to revision 1 restores the single container; an unknown revision
    is refused; a plain undo goes back to rv2."""
    docs = [yaml.safe_load((CORPUS / "manifests" / f"kubernetes-hack-rollingupdate-statefulset"
                                                    f"{suffix}.yaml").read_text())
            for suffix in ("", "-rv2")]
    cluster = apply(manager.empty_cluster(), docs[0])
    cluster = apply(cluster, docs[1])
    revisions = sorted((r.revision, r.metadata.name) for r in
                       cluster.list("ControllerRevision", "default"))
    assert [n for n, _ in revisions] == [1, 2]

    def containers() -> list[str]:
        sts = cluster.get("StatefulSet", "default", "nginx")
        return [c.image for c in sts.spec.template.spec.containers]

    assert containers() == ["registry.k8s.io/nginx-slim:0.8", "registry.k8s.io/pause:2.0"]
    cluster = step(cluster, Rollout("undo", "StatefulSet", "nginx", "default", 1))
    assert containers() == ["registry.k8s.io/nginx-slim:0.7"]
    outcome = manager.apply_event(cluster, Rollout("undo", "StatefulSet", "nginx", "default",
                                                   1000000))
    assert outcome.rejected is not None
    assert outcome.rejected.message == "unable to find specified revision 1000000 in history"
    cluster = step(cluster, Rollout("undo", "StatefulSet", "nginx", "default"))
    assert containers() == ["registry.k8s.io/nginx-slim:0.8", "registry.k8s.io/pause:2.0"]


def test_rollout_restart_replaces_every_pod_with_a_new_revision():
    cluster = apply(with_nodes(1), ds_manifest())
    before = pod_names(cluster, "agent")
    cluster = step(cluster, Rollout("restart", "DaemonSet", "agent", "default"))
    cluster = step(cluster, Tick(5))
    assert pod_names(cluster, "agent") != before and len(pod_names(cluster, "agent")) == 1
    assert len(list(cluster.list("ControllerRevision", "default"))) == 2


def test_daemon_set_pods_follow_the_nodes():
    """One pod per node, bound by the scheduler to the node its affinity names; a node added
    later gets one; a deleted node's pod is collected."""
    cluster = apply(with_nodes(2), ds_manifest())
    bound = sorted(p.spec.node_name for p in cluster.list("Pod", "default"))
    assert bound == ["node-1", "node-2"]
    cluster = apply(cluster, node("node-3"))
    assert sorted(p.spec.node_name for p in cluster.list("Pod", "default")) == \
        ["node-1", "node-2", "node-3"]
    ds = cluster.get("DaemonSet", "default", "agent").status
    assert (ds.desired_number_scheduled, ds.current_number_scheduled, ds.number_ready,
            ds.number_available, ds.updated_number_scheduled) == (3, 3, 3, 3, 3)
    cluster = step(cluster, Delete("Node", "node-3"))
    cluster = step(cluster, Tick(60))
    assert sorted(p.spec.node_name for p in cluster.list("Pod", "default")) == \
        ["node-1", "node-2"]
    assert cluster.get("DaemonSet", "default", "agent").status.desired_number_scheduled == 2


def test_daemon_set_pods_stay_on_a_node_that_stops():
    """DaemonSet pods tolerate not-ready and unreachable: a stopped node keeps its pod (not
    evicted after 300 s as a Deployment's would be)."""
    from kubefold.core.events import NodeHealth

    cluster = apply(with_nodes(2), ds_manifest())
    cluster = step(cluster, NodeHealth("node-1", False))
    cluster = step(cluster, Tick(600))
    assert sorted(p.spec.node_name for p in cluster.list("Pod", "default")
                  if p.metadata.deletion_timestamp is None) == ["node-1", "node-2"]


def test_dump_of_the_new_kinds_reads_back_the_same():
    """A dump with StatefulSets, DaemonSets, ControllerRevisions and claims loads and dumps
    again to the same text; Go-printed zeros are kept (`replicas: 0`)."""
    cluster = apply(with_nodes(2), sts_manifest(replicas=2))
    cluster = apply(cluster, ds_manifest())
    cluster = step(cluster, Tick(20))
    text = dump_snapshot(o for kind in cluster.objects for o in cluster.list(kind))
    again = dump_snapshot(load_snapshot(text, "dump").objects)
    assert again == text
    doc = yaml.safe_load(text)
    revision = next(o for o in doc["items"] if o["kind"] == "ControllerRevision"
                    and o["metadata"]["name"].startswith("web-"))
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"


@pytest.mark.parametrize("manifest,message", [
    pytest.param(sts_manifest(podManagementPolicy="Sometimes"),
                 "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be "
                 "'OrderedReady' or 'Parallel'", id="podManagementPolicy"),
    pytest.param(sts_manifest(persistentVolumeClaimRetentionPolicy={"whenScaled": "Keep"}),
                 'spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: '
                 '"Keep": supported values: "Retain", "Delete"', id="retention policy"),
    pytest.param(sts_manifest(updateStrategy={"type": "RollingUpdate",
                                              "rollingUpdate": {"partition": -1}}),
                 "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be "
                 "greater than or equal to 0", id="negative partition"),
    pytest.param(ds_manifest(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": 1, "maxSurge": 1}}),
                 "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be "
                 "set when maxUnavailable is non-zero", id="surge and unavailability"),
    pytest.param(ds_manifest(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": 0}}),
                 "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be "
                 "0 when maxSurge is 0", id="neither surge nor unavailability"),
])
def test_validation_messages(manifest, message):
    """ValidateStatefulSetSpec and ValidateDaemonSetSpec: Kubernetes' messages and paths; the
    rejected create leaves the cluster unchanged."""
    cluster = manager.empty_cluster()
    outcome = manager.apply_event(cluster, Apply(decode_object(manifest)))
    assert outcome.rejected is not None and message in outcome.rejected.message
    assert outcome.cluster is cluster


def test_stateful_set_update_of_a_frozen_field_is_forbidden():
    cluster = apply(manager.empty_cluster(), sts_manifest(), "manual")
    changed = sts_manifest()
    changed["spec"]["serviceName"] = "other"
    outcome = manager.apply_event(cluster, Apply(decode_object(changed)), "manual")
    assert outcome.rejected is not None
    assert "updates to statefulset spec for fields other than 'replicas', 'ordinals', " \
           "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and " \
           "'minReadySeconds' are forbidden" in outcome.rejected.message


def test_defaults():
    """SetDefaults_StatefulSet and SetDefaults_DaemonSet, as stored."""
    cluster = apply(manager.empty_cluster(), {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "s", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "serviceName": "s",
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "i"}]}}}}, "manual")
    cluster = apply(cluster, ds_manifest(), "manual")
    sts = thaw(apiserver.status_of(cluster.get("StatefulSet", "default", "s")))
    from kubefold.core.codec import encode_object

    spec = encode_object(cluster.get("StatefulSet", "default", "s"))["spec"]
    assert (spec["replicas"], spec["podManagementPolicy"], spec["revisionHistoryLimit"],
            spec["updateStrategy"], spec["persistentVolumeClaimRetentionPolicy"]) == (
        1, "OrderedReady", 10, {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        {"whenDeleted": "Retain", "whenScaled": "Retain"})
    ds = encode_object(cluster.get("DaemonSet", "default", "agent"))
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {
        "maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    assert sts is not None


def test_min_ready_seconds_holds_the_next_ordinal():
    """OrderedReady waits for each pod to be available (minReadySeconds 10), and the set is
    looked at again minReadySeconds after each sync that finds replicas unavailable: web-0
    turns ready at 5 s; the sync queued at 0 s for 10 s finds it not yet available and queues
    one for 20 s (the sync at 5 s asked for 15 s, later than the 10 s already waiting, which a
    delaying queue keeps, as Go's does), which creates web-1."""
    cluster = apply(with_nodes(), sts_manifest(minReadySeconds=10))
    cluster = step(cluster, Tick(READY_AFTER))
    assert pod_names(cluster, "web") == ["web-0"]
    status = cluster.get("StatefulSet", "default", "web").status
    assert (status.ready_replicas, status.available_replicas) == (1, 0)
    cluster = step(cluster, Tick(14))
    assert pod_names(cluster, "web") == ["web-0"]
    cluster = step(cluster, Tick(1))
    assert pod_names(cluster, "web") == ["web-0", "web-1"]
    assert cluster.get("StatefulSet", "default", "web").status.available_replicas == 1


def test_ordinals_start():
    """spec.ordinals.start: the pods are web-3 and web-4, their claims data-web-3 and 4."""
    cluster = apply(with_nodes(), sts_manifest(replicas=2, ordinals={"start": 3},
                                               podManagementPolicy="Parallel"))
    assert pod_names(cluster, "web") == ["web-3", "web-4"]
    assert cluster.get("Pod", "default", "web-3").metadata.labels[
        "apps.kubernetes.io/pod-index"] == "3"
    assert sorted(c.metadata.name for c in cluster.list("PersistentVolumeClaim", "default")) \
        == ["data-web-3", "data-web-4"]


@pytest.mark.parametrize("example", ["statefulset-partition.yaml", "daemonset-nodes.yaml"])
def test_examples_replay(example):
    """The README's examples replay without a rejection and end where their comments say."""
    from pathlib import Path

    import kubefold

    path = Path(__file__).parent.parent / "examples" / example
    cluster = manager.empty_cluster()
    for event in kubefold.load_events(str(path)):
        outcome = manager.apply_event(cluster, event)
        assert outcome.rejected is None, (event.origin, outcome.rejected)
        cluster = outcome.cluster
    live = [p for p in cluster.list("Pod") if p.metadata.deletion_timestamp is None]
    if example.startswith("statefulset"):
        assert sorted(p.metadata.name for p in live) == ["web-0", "web-1", "web-2"]
        assert {p.spec.containers[0].image for p in live} == {"nginx:1.25"}
    else:
        assert sorted(p.spec.node_name for p in live) == ["node-1", "node-2"]
        assert {p.spec.containers[0].image for p in live} == {"agent:v2"}
