"""Real inputs written elsewhere (tests/data/corpus, see its README): every manifest loads and
applies, snapshots built from them dump and reload identically, the Sonobuoy dumps load as
snapshots, and audit logs and watch streams replay."""

from __future__ import annotations

import pytest

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_log, dump_snapshot, load_snapshot
from kubefold.core.errors import InputError
from kubefold.io import dump
from kubefold.io import load_snapshot as load_cluster
from kubefold.reducers import apiserver, manager
from tests.helpers import CORPUS

MANIFESTS = sorted((CORPUS / "manifests").glob("*.yaml"))
SONOBUOY = sorted((CORPUS / "watch-streams" / "sonobuoy-kind-v1.20").rglob("*.json"))
FALCO = sorted((CORPUS / "audit-logs" / "falco-k8s-audit").glob("*.json"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_loads_and_round_trips(path):
    snap = load_snapshot(path.read_text(), str(path))
    assert snap.objects
    text = dump_snapshot(snap.objects)
    assert dump_snapshot(load_snapshot(text, "dump").objects) == text


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_applies_without_rejection(path):
    log = decode_log(path.read_text(), str(path))
    cluster = manager.empty_cluster()
    for outcome in manager.trace(cluster, log.events):
        assert outcome.rejected is None, (outcome.event.origin, outcome.rejected)
        cluster = outcome.cluster
    restored = apiserver.restore(manager.empty_cluster(), load_snapshot(dump(cluster), "d")
                                 .objects)
    assert dump(restored) == dump(cluster)


def test_microservices_demo_defaults_replicas_to_one():
    path = CORPUS / "manifests" / "microservices-demo-kubernetes-manifests.yaml"
    cluster = manager.replay(manager.empty_cluster(), decode_log(path.read_text(),
                                                                 str(path)).events)
    deployments = list(cluster.list("Deployment"))
    assert len(deployments) == 12
    assert {d.metadata.name: d.spec.replicas for d in deployments}["frontend"] == 1
    # plus the `kubernetes` Service of bootstrap, and the `default` ServiceAccount of each of
    # the four bootstrap namespaces (the demo's 11 are in `default` under their own names)
    assert cluster.count("Service") == 12 + 1 and cluster.count("ServiceAccount") == 11 + 4


@pytest.mark.parametrize("path", SONOBUOY, ids=lambda p: p.parent.name + "/" + p.name)
def test_sonobuoy_dumps_load_as_snapshots(path):
    if path.name == "serverversion.json":
        pytest.skip("the server version is not a Kubernetes object")
    cluster = load_cluster(path)
    assert cluster.count("Node") + cluster.count("Pod") > 0
    again = load_cluster_from_text(dump(cluster))
    assert dump(again) == dump(cluster)


def load_cluster_from_text(text: str):
    snap = load_snapshot(text, "dump")
    return apiserver.restore(Cluster(), snap.objects, snap.latest_time)  # as a restored etcd


def test_sonobuoy_nodes_keep_their_conditions_and_clock():
    path = CORPUS / "watch-streams" / "sonobuoy-kind-v1.20" / "resources" / "cluster" / \
        "core_v1_nodes.json"
    cluster = load_cluster(path)
    worker = cluster.get("Node", "", "kind-worker")
    ready = next(c for c in worker.status.conditions if c.type == "Ready")
    assert ready.status == "False"
    assert cluster.elapsed == 0 and cluster.now > cluster.clock_start - 1


@pytest.mark.parametrize("path", FALCO, ids=lambda p: p.name)
def test_falco_audit_events_decode(path):
    if path.name == "fal_01_003.json":
        with pytest.raises(InputError, match="kind"):
            decode_log(path.read_text(), str(path))
        return
    log = decode_log(path.read_text(), str(path))
    assert len(log.events) + len(log.skipped) >= 1


def test_audit2rbac_log_is_a_no_op():
    path = CORPUS / "audit-logs" / "audit2rbac-demo.log"
    log = decode_log(path.read_text(), str(path))
    assert log.events == ()
    assert len(log.skipped) == 37
