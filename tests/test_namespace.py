"""The namespace controller and the namespace's deletion.

Ported: pkg/controller/namespace/deletion/namespaced_resources_deleter_test.go (TestFinalized,
TestFinalizeNamespaceFunc, TestSyncNamespaceThatIsTerminating's pending-finalize and
complete-finalize, TestSyncNamespaceThatIsActive, the OrderedNamespaceDeletion order),
status_condition_utils_test.go (TestUpdateConditions: the five conditions and their
messages); and the guestbook (kubernetes/examples, Apache-2.0, copied in
tests/data/corpus/manifests) deleted with its namespace.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object, encode_object, load_snapshot
from kubefold.core.events import Apply, Delete, Tick
from kubefold.core.objects import Condition
from kubefold.reducers.controllers.namespace import deletion, namespace_controller
from tests.helpers import CORPUS, ENGINE, Engine, node, plane, restore

NS = "test"


def namespace(finalizers: list[str], deleting: bool = True, phase: str = "Terminating",
              name: str = NS) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "resourceVersion": "1"}
    if deleting:
        meta.update(deletionTimestamp="2024-01-01T00:00:00Z", deletionGracePeriodSeconds=0)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta,
            "spec": {"finalizers": finalizers}, "status": {"phase": phase}}


def configmap(name: str, finalizers: list[str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": NS}
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}


def test_finalized():
    """TestFinalized."""
    assert not deletion.finalized(decode_object(namespace(["a", "b"])))
    assert deletion.finalized(decode_object(namespace([])))


def test_finalize_namespace_func():
    """TestFinalizeNamespaceFunc: only `kubernetes` is removed; the namespace stays while
    another finalizer remains."""
    cluster = restore(namespace(["kubernetes", "other"]), now="2024-01-01T00:00:00Z")
    cluster, outcome = deletion.finalize_namespace(cluster, NS)
    assert outcome == deletion.Outcome()
    assert list(cluster.get("Namespace", "", NS).spec.finalizers) == ["other"]


def test_sync_namespace_that_is_terminating_pending_finalize():
    """TestSyncNamespaceThatIsTerminating/pending-finalize: nothing left inside, so the
    finalizer goes, and with it the namespace; the conditions were written first."""
    cluster = restore(namespace(["kubernetes"]), now="2024-01-01T00:00:00Z")
    cluster, outcome = deletion.delete_namespace(cluster, NS)
    assert outcome == deletion.Outcome()
    assert cluster.get("Namespace", "", NS) is None


def test_sync_namespace_that_is_terminating_complete_finalize():
    """TestSyncNamespaceThatIsTerminating/complete-finalize: already finalized, no writes."""
    cluster = restore(namespace([]), now="2024-01-01T00:00:00Z")
    after, outcome = deletion.delete_namespace(cluster, NS)
    assert outcome == deletion.Outcome() and after == cluster


def test_sync_namespace_that_is_active():
    """TestSyncNamespaceThatIsActive: no deletionTimestamp, nothing to do."""
    cluster = restore(namespace(["kubernetes"], deleting=False, phase="Active"),
                      configmap("c"), now="2024-01-01T00:00:00Z")
    after, outcome = deletion.delete_namespace(cluster, NS)
    assert after == cluster and outcome == deletion.Outcome()


def test_phase_becomes_terminating():
    """updateNamespaceStatusFunc: a deleting namespace still marked Active."""
    cluster = restore(namespace(["kubernetes"], phase="Active"), configmap("c", ["hold"]),
                      now="2024-01-01T00:00:00Z")
    cluster, _ = deletion.delete_namespace(cluster, NS)
    assert cluster.get("Namespace", "", NS).status.phase == "Terminating"


def conditions(cluster) -> dict[str, tuple[str | None, str | None, str | None]]:
    ns = cluster.get("Namespace", "", NS)
    return {c.type: (c.status, c.reason, c.message) for c in ns.status.conditions}


def test_finalizers_remaining_are_reported():
    """deleteAllContentForGroupVersionResource with finalizers: an estimate of 15 s, and
    NamespaceContentRemaining / NamespaceFinalizersRemaining as Kubernetes words them."""
    cluster = restore(namespace(["kubernetes"]), configmap("a", ["example.com/hold"]),
                      configmap("b", ["example.com/hold", "other/x"]),
                      now="2024-01-01T00:00:00Z")
    cluster, outcome = deletion.delete_namespace(cluster, NS)
    assert outcome == deletion.Outcome(estimate=15)
    found = conditions(cluster)
    assert found["NamespaceContentRemaining"] == (
        "True", "SomeResourcesRemain",
        "Some resources are remaining: configmaps. has 2 resource instances")
    assert found["NamespaceFinalizersRemaining"] == (
        "True", "SomeFinalizersRemain",
        "Some content in the namespace has finalizers remaining: example.com/hold in 2 "
        "resource instances, other/x in 1 resource instances")
    assert found["NamespaceDeletionDiscoveryFailure"] == (
        "False", "ResourcesDiscovered", "All resources successfully discovered")
    assert found["NamespaceDeletionGroupVersionParsingFailure"] == (
        "False", "ParsedGroupVersions", "All legacy kube types successfully parsed")
    assert found["NamespaceDeletionContentFailure"] == (
        "False", "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization")
    assert len(cluster.get("Namespace", "", NS).status.conditions) == 5


@pytest.mark.parametrize(("old", "new", "transition"), [
    (None, ("False", "ContentRemoved"), True),
    (("True", "SomeResourcesRemain"), ("False", "ContentRemoved"), True),
    (("False", "ContentRemoved"), ("False", "ContentRemoved"), False),
], ids=["TestUpdateConditions/add", "TestUpdateConditions/status flips",
        "TestUpdateConditions/unchanged"])
def test_update_conditions(old, new, transition):
    """updateConditions: a condition whose status changes takes a new lastTransitionTime."""
    existing = [] if old is None else [Condition(type="NamespaceContentRemaining",
                                                 status=old[0], reason=old[1], message="m",
                                                 last_transition_time=10)]
    failing = {} if new[0] == "False" else {"NamespaceContentRemaining": Condition(
        type="NamespaceContentRemaining", status=new[0], reason=new[1], message="x")}
    result, _ = deletion.new_conditions(existing, failing, 99)
    got = next(c for c in result if c.type == "NamespaceContentRemaining")
    assert (got.status, got.reason) == new
    assert got.last_transition_time == (99 if transition else 10)


def test_pods_go_first():
    """OrderedNamespaceDeletion: while pods remain, nothing else is deleted."""
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "namespace": NS},
           "spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 30,
                    "containers": [{"name": "c", "image": "i"}]},
           "status": {"phase": "Running"}}
    cluster = restore(node("n1"), namespace(["kubernetes"]), pod, configmap("c"),
                      now="2024-01-01T00:00:05Z")
    cluster, outcome = deletion.delete_namespace(cluster, NS)
    assert outcome == deletion.Outcome(estimate=30)
    assert cluster.get("Pod", NS, "p").metadata.deletion_timestamp is not None
    assert cluster.get("ConfigMap", NS, "c") is not None
    assert conditions(cluster)["NamespaceContentRemaining"][0] == "False"  # Go writes no
    # remaining-content condition while it waits for pods


def test_terminating_namespace_refuses_new_content():
    cluster = restore(namespace(["kubernetes"]), now="2024-01-01T00:00:00Z")
    outcome = ENGINE.apply_event(cluster, Apply(decode_object(configmap("new"))),
                                 mode="manual")
    assert outcome.rejected is not None and outcome.rejected.reason == "Forbidden"
    assert outcome.rejected.message == ('configmaps "new" is forbidden: unable to create new '
                                        "content in namespace test because it is being "
                                        "terminated")


def guestbook_in(namespace_name: str) -> list[Any]:
    """The guestbook's objects, placed in a namespace."""
    path = CORPUS / "manifests" / "guestbook-all-in-one.yaml"
    out = []
    for obj in load_snapshot(path.read_text(), str(path)).objects:
        manifest = encode_object(obj)
        manifest["metadata"]["namespace"] = namespace_name
        out.append(decode_object(manifest))
    return out


def test_deleting_the_guestbook_namespace_empties_it_then_removes_it():
    engine = ENGINE
    cluster = engine.empty_cluster()
    for manifest in (node("node-1", cpu="8", memory="16Gi"),
                     {"apiVersion": "v1", "kind": "Namespace",
                      "metadata": {"name": "guestbook"}}):
        cluster = engine.step(cluster, Apply(decode_object(manifest)))
    for obj in guestbook_in("guestbook"):
        outcome = engine.apply_event(cluster, Apply(obj))
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    cluster = engine.step(cluster, Tick(10))
    kinds = {k for k, by_ns in cluster.objects.items() if by_ns.get("guestbook")}
    assert {"Deployment", "ReplicaSet", "Pod", "Service", "EndpointSlice", "Endpoints",
            "ServiceAccount"} <= kinds
    assert len(list(cluster.list("Pod", "guestbook"))) == 6
    cluster = engine.step(cluster, Delete(kind="Namespace", namespace=None, name="guestbook"))
    ns = cluster.get("Namespace", "", "guestbook")
    assert ns.status.phase == "Terminating"
    cluster = engine.step(cluster, Tick(10))  # past the 5 s grace: pods are terminating
    assert all(p.metadata.deletion_timestamp is not None
               for p in cluster.list("Pod", "guestbook"))
    assert cluster.get("Deployment", "guestbook", "frontend") is not None
    cluster = engine.step(cluster, Tick(60))
    assert cluster.get("Namespace", "", "guestbook") is None
    assert not any(by_ns.get("guestbook") for by_ns in cluster.objects.values())
    assert not any(ns == "guestbook" for ns, _ in cluster.service_ips.values())
    assert not any(ns == "guestbook" for ns, _ in cluster.node_ports.values())


def test_namespace_controller_waits_the_deletion_grace_period():
    cluster = restore(namespace(["kubernetes"]), now="2024-01-01T00:00:02Z")
    engine = Engine(plane(namespace_controller.CONTROLLER))
    after = engine.reconcile(cluster, "namespace", NS)
    assert after.get("Namespace", "", NS) is not None
    assert after.queue.next_due() == cluster.now + 3
