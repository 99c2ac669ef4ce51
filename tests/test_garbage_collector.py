"""The garbage collector: cases ported from pkg/controller/garbagecollector's Go tests
(garbagecollector_test.go, v1.34), tables for the decisions of attemptToDeleteItem,
classifyReferences, processDeletingDependentsItem and the GraphBuilder, and cascades through
the public path (a Delete event in auto mode with the collector registered)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.errors import conflict
from kubefold.core.events import Delete
from kubefold.core.objects import OwnerReference
from kubefold.core.workqueue import WorkQueue
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controllers import garbagecollector as gc
from tests.helpers import Engine, new_deployment, new_pod, plane

T0 = "2024-01-01T00:00:00Z"


# -- builders ----------------------------------------------------------------------------------

ENGINE = Engine(plane(gc.CONTROLLER))


def ref(kind: str, name: str, uid: str | None, api_version: str | None = None,
        block: bool | None = None, controller: bool | None = None) -> dict[str, Any]:
    r: dict[str, Any] = {"apiVersion": api_version or _api_version(kind), "kind": kind,
                         "name": name}
    if uid is not None:
        r["uid"] = uid
    if block is not None:
        r["blockOwnerDeletion"] = block
    if controller is not None:
        r["controller"] = controller
    return r


def _api_version(kind: str) -> str:
    return {"Deployment": "apps/v1", "ReplicaSet": "apps/v1",
            "Role": "rbac.authorization.k8s.io/v1"}.get(kind, "v1")


def meta(obj: dict[str, Any], uid: str, *owners: dict[str, Any], finalizers: tuple = (),
         deleting: bool = False) -> dict[str, Any]:
    """Give a manifest a uid, owners, finalizers and (optionally) a deletionTimestamp."""
    m = obj["metadata"]
    m["uid"] = uid
    if owners:
        m["ownerReferences"] = list(owners)
    if finalizers:
        m["finalizers"] = list(finalizers)
    if deleting:
        m["deletionTimestamp"] = T0
        m["deletionGracePeriodSeconds"] = 0
    return obj


def deployment(name: str = "web", uid: str = "d-uid", *owners: dict[str, Any],
               ns: str = "default", **kw: Any) -> dict[str, Any]:
    return meta(new_deployment(name, namespace=ns), uid, *owners, **kw)


def config_map(name: str, *owners: dict[str, Any], ns: str = "default", uid: str | None = None,
               **kw: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}}
    return meta(obj, uid or f"{name}-uid", *owners, **kw)


def pod(name: str, *owners: dict[str, Any], ns: str = "default", uid: str | None = None,
        node_name: str | None = None, **kw: Any) -> dict[str, Any]:
    return meta(new_pod(name, namespace=ns, node_name=node_name), uid or f"{name}-uid",
                *owners, **kw)


def cluster_scoped(kind: str, name: str, uid: str, *owners: dict[str, Any]) -> dict[str, Any]:
    return meta({"apiVersion": _api_version(kind), "kind": kind, "metadata": {"name": name}},
                uid, *owners)


WEB = ref("Deployment", "web", "d-uid")
WEB_BLOCK = ref("Deployment", "web", "d-uid", block=True)


def sync(cluster: Cluster, key: str) -> Cluster:
    """One turn of the collector in manual mode."""
    return ENGINE.reconcile(cluster, "garbage-collector", key)


def present(cluster: Cluster, key: str) -> Any:
    kind, ns, name = key.split("/")
    return cluster.get(kind, ns, name)


def owner_uids(cluster: Cluster, key: str) -> list[str | None]:
    return [r.uid for r in present(cluster, key).metadata.owner_references]


def queued(cluster: Cluster) -> set[str]:
    return {key for name, key in cluster.queue.queued if name == gc.NAME}


def backoffs(cluster: Cluster, key: str) -> int:
    return cluster.queue.num_requeues((gc.NAME, key))


def delete(cluster: Cluster, kind: str, name: str, policy: str | None = None,
           ns: str = "default") -> manager.Outcome:
    outcome = ENGINE.apply_event(cluster, Delete(kind, name, ns, propagation_policy=policy))
    assert outcome.rejected is None, outcome.rejected
    assert outcome.settled
    return outcome


def removals(outcome: manager.Outcome) -> list[str]:
    """Every object removed from the store by the event and the turns after it, in order."""
    changes = [*outcome.changes, *(c for t in outcome.turns for c in t.changes)]
    return [f"{c.kind}/{c.namespace}/{c.name}" for c in changes if c.new is None]


# -- garbagecollector_test.go ------------------------------------------------------------------


def test_attempt_to_delete_item_deletes_a_pod_whose_owner_is_absent():
    """TestAttemptToDeleteItem: the owner ReplicationController is not found (GET 404), so the
    pod is deleted (DELETE)."""
    c = ENGINE.restore(pod("ToBeDeletedPod", ref("ReplicationController", "owner1", "123"),
                           ns="ns1", uid="456"))
    assert "Pod/ns1/ToBeDeletedPod" in queued(c)  # the owner is not in the graph
    c = sync(c, "Pod/ns1/ToBeDeletedPod")
    assert present(c, "Pod/ns1/ToBeDeletedPod") is None
    assert backoffs(c, "Pod/ns1/ToBeDeletedPod") == 0


@pytest.mark.parametrize("name,owner", [
    pytest.param("rc1Pod1", ref("ReplicationController", "rc1", "1", controller=True),
                 id="TestAbsentOwnerCache/rc1Pod1"),
    pytest.param("rc2Pod1", ref("ReplicationController", "rc2", "2"),
                 id="TestAbsentOwnerCache/rc2Pod1"),
    pytest.param("rc1Pod2", ref("ReplicationController", "rc1", "1", controller=False),
                 id="TestAbsentOwnerCache/rc1Pod2"),
    pytest.param("rc3Pod1", ref("ReplicationController", "rc3", "3"),
                 id="TestAbsentOwnerCache/rc3Pod1"),
])
def test_absent_owner_cache_pods_of_absent_controllers_are_deleted(name, owner):
    """TestAbsentOwnerCache: whatever the cache remembers, each pod of an absent RC goes."""
    c = ENGINE.restore(pod(name, owner, ns="ns1"))
    c = sync(c, f"Pod/ns1/{name}")
    assert present(c, f"Pod/ns1/{name}") is None


def _refs(*specs: tuple[str, bool | None]) -> Any:
    return [OwnerReference(uid=uid, block_owner_deletion=block) for uid, block in specs]


def test_delete_owner_ref_patch():
    """TestDeleteOwnerRefPatch: removing owners 2 and 3 leaves owner 1."""
    item = decode_object(config_map("x"))
    item = gc._with_meta(item, owner_references=_refs(("1", None), ("2", None), ("3", None)))
    patched = gc.delete_owner_ref_json_merge_patch(item, "2", "3")
    assert list(patched.metadata.owner_references) == _refs(("1", None))
    assert patched.metadata.uid == item.metadata.uid


def test_unblock_owner_reference():
    """TestUnblockOwnerReference: blocking references stop blocking, the others are kept."""
    item = decode_object(config_map("x"))
    item = gc._with_meta(item, owner_references=_refs(("1", True), ("2", False), ("3", None)))
    patched = gc.unblock_owner_references_strategic_merge_patch(item)
    assert list(patched.metadata.owner_references) == _refs(("1", False), ("2", False),
                                                            ("3", None))


@pytest.fixture
def conflicting_pods(monkeypatch):
    """The API server reports a conflict for every write to a Pod (the Go test's 409)."""
    real = apiserver.update

    def update(cluster, obj):
        if obj.kind == "Pod":
            return conflict("pods", obj.metadata.name, "the object has been modified")
        return real(cluster, obj)

    monkeypatch.setattr(apiserver, "update", update)


def test_orphan_dependents_failure(conflicting_pods):
    """TestOrphanDependentsFailure: a dependent's patch fails with a conflict, and the error
    names the owner and the conflict."""
    c = ENGINE.restore(deployment(), pod("pod", WEB, ns="default"), config_map("cm", WEB))
    owner = c.get("Deployment", "default", "web")
    after, err = gc.orphan_dependents(c, owner, gc.get_dependents(c, owner))
    assert err == ("failed to orphan dependents of owner [apps/v1/Deployment, namespace: "
                   "default, name: web, uid: d-uid], got errors: orphaning [v1/Pod, namespace: "
                   "default, name: pod, uid: pod-uid] failed, Operation cannot be fulfilled on "
                   'pods "pod": the object has been modified')
    # the other dependent was orphaned all the same (Go patches them in parallel)
    assert owner_uids(after, "ConfigMap/default/cm") == []
    assert owner_uids(after, "Pod/default/pod") == ["d-uid"]


def test_orphan_dependents_failure_keeps_the_finalizer_and_retries(conflicting_pods):
    """attemptToOrphanWorker: on error the orphan finalizer stays and the owner is requeued
    with backoff."""
    c = ENGINE.restore(deployment(finalizers=("orphan",), deleting=True), pod("pod", WEB))
    c = sync(c, "Deployment/default/web")
    assert list(present(c, "Deployment/default/web").metadata.finalizers) == ["orphan"]
    assert backoffs(c, "Deployment/default/web") == 1
    assert "Deployment/default/web" not in queued(c)  # waiting for its backoff


# TestConflictingData: the scenarios whose outcome does not depend on virtual nodes. Each is
# the objects in the store, the object processed, and whether it is then gone or requeued.
POD1 = ref("Pod", "podname1", "poduid1")
POD2 = ref("Pod", "podname2", "poduid2")
NODE1 = ref("Node", "nodename", "nodeuid1")
ROLE_V1BETA1 = ref("Role", "role1", "roleuid1", "rbac.authorization.k8s.io/v1beta1")
DEPLOYMENT1 = ref("Deployment", "deployment1", "deploymentuid1")
DEPLOYMENT1_EXTENSIONS = ref("Deployment", "deployment1", "deploymentuid1",
                            "extensions/v1beta1")
BAD_SECRET = ref("Secret", "secretname", "deploymentuid1")


def _role(name: str, uid: str) -> dict[str, Any]:
    return meta({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                 "metadata": {"name": name, "namespace": "ns1"}}, uid)


CONFLICTING_DATA = [
    pytest.param([cluster_scoped("Node", "nodename", "nodeuid1"),
                  pod("podname1", NODE1, ns="ns1", uid="poduid1")],
                 "Pod/ns1/podname1", False, False,
                 id="TestConflictingData/good child in ns1 -> cluster-scoped owner"),
    pytest.param([pod("podname1", POD2, ns="ns1", uid="poduid1"),
                  pod("podname2", ns="ns2", uid="poduid2")],
                 "Pod/ns1/podname1", True, False,
                 id="TestConflictingData/bad child in ns1 -> owner in ns2"),
    pytest.param([cluster_scoped("Node", "nodename", "nodeuid1", POD1),
                  pod("podname1", ns="ns1", uid="poduid1")],
                 "Node//nodename", False, False,
                 id="TestConflictingData/bad cluster-scoped child -> owner in ns1"),
    pytest.param([_role("role1", "roleuid1"),
                  pod("podname1", ROLE_V1BETA1, ns="ns1", uid="poduid1")],
                 "Pod/ns1/podname1", False, False,
                 id="TestConflictingData/good child -> existing owner with non-preferred "
                    "accessible API version"),
    pytest.param([deployment("deployment1", "deploymentuid1", ns="ns1"),
                  pod("podname1", DEPLOYMENT1_EXTENSIONS, ns="ns1", uid="poduid1")],
                 "Pod/ns1/podname1", False, True,
                 id="TestConflictingData/child -> existing owner with inaccessible API version"),
    pytest.param([pod("podname1", DEPLOYMENT1_EXTENSIONS, ns="ns1", uid="poduid1")],
                 "Pod/ns1/podname1", False, True,
                 id="TestConflictingData/child -> non-existent owner with inaccessible API "
                    "version"),
    pytest.param([pod("podname2", DEPLOYMENT1, ns="ns1", uid="poduid2")],
                 "Pod/ns1/podname2", True, False,
                 id="TestConflictingData/child -> non-existent owner with accessible API "
                    "version"),
    pytest.param([deployment("deployment1", "deploymentuid1", ns="ns1"),
                  pod("badpod", BAD_SECRET, ns="ns1", uid="badpoduid"),
                  pod("goodpod", DEPLOYMENT1, ns="ns1", uid="goodpoduid")],
                 "Pod/ns1/badpod", True, False,
                 id="TestConflictingData/bad child -> existing owner with incorrect API "
                    "version (bad child)"),
    pytest.param([deployment("deployment1", "deploymentuid1", ns="ns1"),
                  pod("badpod", BAD_SECRET, ns="ns1", uid="badpoduid"),
                  pod("goodpod", DEPLOYMENT1, ns="ns1", uid="goodpoduid")],
                 "Pod/ns1/goodpod", False, False,
                 id="TestConflictingData/bad child -> existing owner with incorrect API "
                    "version (good child)"),
    pytest.param([pod("podname2", POD1, ns="ns1", uid="poduid2"),
                  cluster_scoped("Node", "nodename", "nodeuid1", POD1)],
                 "Pod/ns1/podname2", True, False,
                 id="TestConflictingData/cluster-scoped bad child, namespaced good child, "
                    "missing parent (good child)"),
    pytest.param([pod("podname2", POD1, ns="ns1", uid="poduid2"),
                  cluster_scoped("Node", "nodename", "nodeuid1", POD1)],
                 "Node//nodename", False, False,
                 id="TestConflictingData/cluster-scoped bad child, namespaced good child, "
                    "missing parent (bad child)"),
    pytest.param([pod("podname1", ns="ns1", uid="poduid1"),
                  pod("podname2", POD1, ns="ns1", uid="poduid2"),
                  cluster_scoped("Node", "nodename", "nodeuid1", POD1)],
                 "Pod/ns1/podname2", False, False,
                 id="TestConflictingData/cluster-scoped bad child, namespaced good child, "
                    "late observed parent"),
]


@pytest.mark.parametrize("objects,key,deleted,requeued", CONFLICTING_DATA)
def test_conflicting_data(objects, key, deleted, requeued):
    c = sync(ENGINE.restore(*objects), key)
    assert (present(c, key) is None) == deleted
    assert (backoffs(c, key) == 1) == requeued


def test_conflicting_data_bad_children_are_enqueued_by_the_graph_builder():
    """TestConflictingData: a child whose reference contradicts its owner's observed identity
    (another namespace, a wrong kind) is queued for attemptToDelete; a good child is not."""
    c = ENGINE.restore(deployment("deployment1", "deploymentuid1", ns="ns1"),
                pod("badpod", BAD_SECRET, ns="ns1", uid="badpoduid"),
                pod("goodpod", DEPLOYMENT1, ns="ns1", uid="goodpoduid"),
                pod("podname2", ns="ns2", uid="poduid2"),
                pod("podname1", POD2, ns="ns1", uid="poduid1"))
    assert queued(c) == {"Pod/ns1/badpod", "Pod/ns1/podname1"}


# -- classifyReferences ------------------------------------------------------------------------

OWNERS = [
    config_map("solid", uid="solid-uid"),
    config_map("orphaning", uid="orphaning-uid", finalizers=("orphan",), deleting=True),
    config_map("waiting", uid="waiting-uid", finalizers=("foregroundDeletion",), deleting=True),
    config_map("finalizing", uid="finalizing-uid", finalizers=("example.com/x",),
               deleting=True),
    config_map("renamed", uid="other-uid"),
]


@pytest.mark.parametrize("owner,expected", [
    pytest.param(ref("ConfigMap", "solid", "solid-uid"), "solid", id="classifyReferences/solid"),
    pytest.param(ref("ConfigMap", "absent", "absent-uid"), "dangling",
                 id="classifyReferences/absent owner is dangling"),
    pytest.param(ref("ConfigMap", "renamed", "renamed-uid"), "dangling",
                 id="classifyReferences/uid mismatch is dangling"),
    pytest.param(ref("ConfigMap", "solid", None), "dangling",
                 id="classifyReferences/no uid is dangling"),
    pytest.param(ref("ConfigMap", "waiting", "waiting-uid"), "waiting",
                 id="classifyReferences/foreground deleting owner is waiting"),
    pytest.param(ref("ConfigMap", "orphaning", "orphaning-uid"), "solid",
                 id="classifyReferences/orphaning owner is solid"),
    pytest.param(ref("ConfigMap", "finalizing", "finalizing-uid"), "solid",
                 id="classifyReferences/owner deleted with another finalizer is solid"),
])
def test_classify_references(owner, expected):
    c = ENGINE.restore(*OWNERS, config_map("item", owner))
    item = c.get("ConfigMap", "default", "item")
    solid, dangling, waiting, err = gc.classify_references(c, item,
                                                           item.metadata.owner_references)
    assert err is None
    got = {"solid": solid, "dangling": dangling, "waiting": waiting}
    assert {k: len(v) for k, v in got.items()} == {k: int(k == expected) for k in got}


def test_classify_references_stops_at_the_first_error():
    c = ENGINE.restore(*OWNERS, config_map("item", ref("ConfigMap", "solid", "solid-uid"),
                                    ref("Deployment", "d", "x", "extensions/v1beta1")))
    item = c.get("ConfigMap", "default", "item")
    assert gc.classify_references(c, item, item.metadata.owner_references) == (
        [], [], [], "unable to get REST mapping for extensions/v1beta1/Deployment.")


# -- attemptToDeleteItem -----------------------------------------------------------------------

SOLID = ref("ConfigMap", "solid", "solid-uid")
ABSENT = ref("ConfigMap", "absent", "absent-uid")
WAITING = ref("ConfigMap", "waiting", "waiting-uid", block=True)

ATTEMPT_TO_DELETE_ITEM = [
    # (case, objects besides OWNERS, the DELETE's propagation policy or None, the item's owner
    # uids afterwards, or None when it is gone)
    ("no owners", [config_map("item")], None, []),
    ("solid owner", [config_map("item", SOLID)], None, ["solid-uid"]),
    ("solid and dangling owners: dangling reference removed",
     [config_map("item", SOLID, ABSENT)], None, ["solid-uid"]),
    ("solid and waiting owners: waiting reference removed",
     [config_map("item", WAITING, SOLID)], None, ["solid-uid"]),
    ("all owners dangling: deleted in the background",
     [config_map("item", ABSENT), config_map("child", ref("ConfigMap", "item", "item-uid"))],
     "Background", None),
    ("dangling owner, orphan finalizer: deleted with Orphan",
     [config_map("item", ABSENT, finalizers=("orphan",))], "Orphan", ["absent-uid"]),
    ("dangling owner, foreground finalizer: deleted in the foreground",
     [config_map("item", ABSENT, finalizers=("foregroundDeletion",))], "Foreground",
     ["absent-uid"]),
    ("waiting owner, item with dependents: deleted in the foreground",
     [config_map("item", WAITING), config_map("child", ref("ConfigMap", "item", "item-uid"))],
     "Foreground", ["waiting-uid"]),
    ("waiting owner, item without dependents: deleted in the background",
     [config_map("item", WAITING)], "Background", None),
    ("waiting and dangling owners, item with dependents: deleted in the foreground",
     [config_map("item", WAITING, ABSENT),
      config_map("child", ref("ConfigMap", "item", "item-uid"))], "Foreground",
     ["waiting-uid", "absent-uid"]),
    ("terminating pod: left to the kubelet",
     [pod("item", ABSENT, node_name="n1", deleting=True)], None, ["absent-uid"]),
    ("being deleted with another finalizer: references left as they are",
     [config_map("item", SOLID, ABSENT, finalizers=("example.com/x",), deleting=True)], None,
     ["solid-uid", "absent-uid"]),
]


@pytest.fixture
def deletes(monkeypatch) -> list[tuple[str, str | None]]:
    """The DELETE requests sent to the API server: (kind/namespace/name, propagation policy)."""
    sent: list[tuple[str, str | None]] = []
    real = apiserver.delete

    def delete(cluster, kind, namespace, name, propagation_policy=None, **kw):
        sent.append((f"{kind}/{namespace}/{name}", propagation_policy))
        return real(cluster, kind, namespace, name, propagation_policy, **kw)

    monkeypatch.setattr(apiserver, "delete", delete)
    return sent


@pytest.mark.parametrize("objects,policy,uids", [
    pytest.param(objects, policy, uids, id=f"attemptToDeleteItem/{case}")
    for case, objects, policy, uids in ATTEMPT_TO_DELETE_ITEM])
def test_attempt_to_delete_item(objects, policy, uids, deletes):
    c = ENGINE.restore(*OWNERS, *objects)
    key = f"{objects[0]['kind']}/default/item"
    c = sync(c, key)
    assert deletes == ([(key, policy)] if policy else [])
    item = present(c, key)
    if uids is None:
        assert item is None
    else:
        assert [r.uid for r in item.metadata.owner_references] == uids
    assert backoffs(c, key) == 0


def test_attempt_to_delete_item_breaks_a_foreground_cycle():
    """attemptToDeleteItem: an owner waits for the item and a dependent of the item is itself
    deleting dependents; the item's references stop blocking, then it goes in the
    foreground."""
    c = ENGINE.restore(config_map("a", ref("ConfigMap", "b", "b-uid", block=True),
                           finalizers=("foregroundDeletion",), deleting=True),
                config_map("b", ref("ConfigMap", "a", "a-uid", block=True),
                           ref("ConfigMap", "other", "other-uid", block=False)),
                config_map("other", uid="other-uid", finalizers=("foregroundDeletion",),
                           deleting=True))
    c = sync(c, "ConfigMap/default/b")
    b = present(c, "ConfigMap/default/b")
    assert [(r.uid, r.block_owner_deletion) for r in b.metadata.owner_references] == [
        ("a-uid", False), ("other-uid", False)]
    assert b.metadata.deletion_timestamp is not None
    assert list(b.metadata.finalizers) == ["foregroundDeletion"]


def test_attempt_to_delete_item_of_an_absent_object_is_forgotten():
    c = ENGINE.restore()
    after = sync(c, "ConfigMap/default/nothing")
    assert after.objects == c.objects and backoffs(after, "ConfigMap/default/nothing") == 0


@pytest.mark.parametrize("key", ["", "ConfigMap", "ConfigMap/default", "a/b/c/d", "//x"])
def test_malformed_keys_are_forgotten(key):
    c = ENGINE.restore(config_map("x", ABSENT))
    after = gc.sync(c, key)
    assert after.objects == c.objects


# -- processDeletingDependentsItem -------------------------------------------------------------


def _deleting_owner(*finalizers: str) -> dict[str, Any]:
    return deployment(finalizers=("foregroundDeletion", *finalizers), deleting=True)


def test_process_deleting_dependents_item_without_dependents_removes_the_finalizer():
    c = sync(ENGINE.restore(_deleting_owner()), "Deployment/default/web")
    assert present(c, "Deployment/default/web") is None


def test_process_deleting_dependents_item_keeps_other_finalizers():
    c = sync(ENGINE.restore(_deleting_owner("example.com/x")), "Deployment/default/web")
    assert list(present(c, "Deployment/default/web").metadata.finalizers) == ["example.com/x"]


def test_process_deleting_dependents_item_ignores_non_blocking_dependents():
    c = ENGINE.restore(_deleting_owner(), config_map("a", WEB),
                config_map("b", ref("Deployment", "web", "d-uid", block=False)))
    c = sync(c, "Deployment/default/web")
    assert present(c, "Deployment/default/web") is None


def test_process_deleting_dependents_item_waits_for_blocking_dependents():
    """Blocking dependents keep the finalizer; each goes to attemptToDelete unless it is itself
    deleting its dependents."""
    c = ENGINE.restore(_deleting_owner(), config_map("a", WEB_BLOCK),
                config_map("b", WEB_BLOCK, finalizers=("foregroundDeletion",), deleting=True),
                config_map("c", WEB))
    c = attrs.evolve(c, queue=WorkQueue())
    c = sync(c, "Deployment/default/web")
    assert list(present(c, "Deployment/default/web").metadata.finalizers) == [
        "foregroundDeletion"]
    assert queued(c) == {"ConfigMap/default/a"}


# -- the GraphBuilder (watch) ------------------------------------------------------------------


def _graph() -> Cluster:
    """TestProcessEvent test2: 2 owned by 1, 3 by 1 and 2, 4 by 2."""
    return ENGINE.restore(config_map("one", uid="1"),
                   config_map("two", ref("ConfigMap", "one", "1"), uid="2"),
                   config_map("three", ref("ConfigMap", "one", "1"), ref("ConfigMap", "two", "2"),
                              uid="3"),
                   config_map("four", ref("ConfigMap", "two", "2", block=True), uid="4"))


def _obj(c: Cluster, name: str) -> Any:
    return c.get("ConfigMap", "default", name)


def _change(old: Any, new: Any) -> Change:
    o = new if new is not None else old
    return Change(o.kind, o.metadata.namespace or "", o.metadata.name, old, new)


def _edit(obj: Any, **changes: Any) -> Any:
    return gc._with_meta(obj, **changes)


def test_process_graph_changes_delete_enqueues_dependents():
    """TestProcessEvent test2: deleting 2 sends its dependents 3 and 4 to attemptToDelete."""
    c = _graph()
    two = _obj(c, "two")
    c = c.remove("ConfigMap", "default", "two")
    assert gc.watch(c, _change(two, None)) == ["ConfigMap/default/four", "ConfigMap/default/three"]


def test_process_graph_changes_delete_enqueues_owners_deleting_dependents():
    c = _graph()
    two = _obj(c, "two")
    deleting_one = _edit(_obj(c, "one"), deletion_timestamp=c.now,
                         finalizers=_obj(c, "one").metadata.finalizers.append(
                             "foregroundDeletion"))
    c = c.put(deleting_one).remove("ConfigMap", "default", "two")
    assert gc.watch(c, _change(two, None)) == [
        "ConfigMap/default/four", "ConfigMap/default/three", "ConfigMap/default/one"]
    # an owner that is not waiting for its dependents is not enqueued
    three = _obj(c, "three")
    c = c.remove("ConfigMap", "default", "three")
    assert gc.watch(c, _change(three, None)) == ["ConfigMap/default/one"]


@pytest.mark.parametrize("owners,expected", [
    pytest.param([ref("ConfigMap", "one", "1")], [], id="addDependentToOwners/observed owner"),
    pytest.param([ref("ConfigMap", "one", "9")], ["ConfigMap/default/new"],
                 id="addDependentToOwners/owner not in the graph"),
    pytest.param([ref("Secret", "one", "1")], ["ConfigMap/default/new"],
                 id="addDependentToOwners/coordinates do not match"),
    pytest.param([ref("ConfigMap", "one", "1"), ref("ConfigMap", "gone", "8")],
                 ["ConfigMap/default/new"], id="addDependentToOwners/one owner absent"),
    pytest.param([{"kind": "ConfigMap", "name": "one"}], ["ConfigMap/default/new"],
                 id="addDependentToOwners/reference without uid"),
])
def test_add_dependent_to_owners(owners, expected):
    c = _graph()
    new = decode_object(config_map("new", *owners))
    assert gc.watch(c.put(new), _change(None, new)) == expected


def test_add_dependent_to_owners_across_namespaces():
    c = ENGINE.restore(config_map("owner", ns="ns2", uid="o"))
    new = decode_object(config_map("new", ref("ConfigMap", "owner", "o"), ns="ns1"))
    assert gc.watch(c.put(new), _change(None, new)) == ["ConfigMap/ns1/new"]


@pytest.mark.parametrize("old_block,new_refs,expected", [
    pytest.param(True, [], ["ConfigMap/default/two"],
                 id="addUnblockedOwnersToDeleteQueue/blocking reference removed"),
    pytest.param(True, [ref("ConfigMap", "two", "2", block=False)], ["ConfigMap/default/two"],
                 id="addUnblockedOwnersToDeleteQueue/blocking reference unblocked"),
    pytest.param(True, [ref("ConfigMap", "two", "2")], ["ConfigMap/default/two"],
                 id="addUnblockedOwnersToDeleteQueue/blockOwnerDeletion unset"),
    pytest.param(None, [], [], id="addUnblockedOwnersToDeleteQueue/non-blocking removed"),
    pytest.param(True, [ref("ConfigMap", "two", "2", block=True)], [],
                 id="addUnblockedOwnersToDeleteQueue/still blocking"),
])
def test_add_unblocked_owners_to_delete_queue(old_block, new_refs, expected):
    c = _graph()
    old = _edit(_obj(c, "four"), owner_references=decode_object(
        config_map("x", ref("ConfigMap", "two", "2", block=old_block))).metadata.owner_references)
    new = _edit(old, owner_references=decode_object(
        config_map("x", *new_refs)).metadata.owner_references if new_refs else [])
    assert gc.watch(c.put(new), _change(old, new)) == expected


def test_references_diffs():
    old = _refs(("1", None), ("2", True), ("3", None))
    new = _refs(("2", False), ("3", None), ("4", None))
    added, removed, changed = gc.references_diffs(old, new)
    assert added == _refs(("4", None))
    assert removed == _refs(("1", None))
    assert changed == [(old[1], new[0])]


@pytest.mark.parametrize("old_finalizers,old_deleting,new_finalizers,expected", [
    pytest.param((), False, ("orphan",), ["self"],
                 id="processTransitions/starts waiting for dependents orphaned"),
    pytest.param((), False, ("foregroundDeletion",), ["dependents", "self"],
                 id="processTransitions/starts waiting for dependents deleted"),
    pytest.param((), False, ("orphan", "foregroundDeletion"), ["self"],
                 id="processTransitions/orphan first"),
    pytest.param(("foregroundDeletion",), True, ("foregroundDeletion",), [],
                 id="processTransitions/already waiting"),
    pytest.param(("orphan",), True, ("orphan", "example.com/x"), [],
                 id="processTransitions/already orphaning"),
    pytest.param((), False, ("example.com/x",), [],
                 id="processTransitions/deleted with another finalizer"),
])
def test_process_transitions(old_finalizers, old_deleting, new_finalizers, expected):
    c = _graph()
    two = _obj(c, "two")
    old = _edit(two, finalizers=old_finalizers,
                deletion_timestamp=c.now if old_deleting else None)
    new = _edit(two, finalizers=new_finalizers, deletion_timestamp=c.now)
    keys = {"self": ["ConfigMap/default/two"],
            "dependents": ["ConfigMap/default/four", "ConfigMap/default/three"]}
    assert gc.watch(c.put(new), _change(old, new)) == [k for e in expected for k in keys[e]]


def test_process_graph_changes_ignores_events():
    c = ENGINE.restore()
    event = decode_object({"apiVersion": "v1", "kind": "Event",
                           "metadata": {"name": "e", "namespace": "default", "uid": "e",
                                        "ownerReferences": [ref("Pod", "p", "absent")]}})
    assert gc.watch(c, _change(None, event)) == []


# -- cascades through the public path ----------------------------------------------------------


def test_background_deletes_dependents_after_the_owner():
    c = ENGINE.restore(deployment(), config_map("a", WEB), pod("p", WEB), config_map("free"))
    outcome = delete(c, "Deployment", "web", "Background")
    assert removals(outcome) == ["Deployment/default/web", "ConfigMap/default/a",
                                 "Pod/default/p"]
    assert present(outcome.cluster, "ConfigMap/default/free") is not None


def test_default_propagation_is_background():
    c = ENGINE.restore(deployment(), config_map("a", WEB))
    assert removals(delete(c, "Deployment", "web")) == ["Deployment/default/web",
                                                        "ConfigMap/default/a"]


def test_orphan_keeps_dependents_and_strips_their_owner_references():
    other = ref("ConfigMap", "other", "other-uid")
    c = ENGINE.restore(deployment(), config_map("other", uid="other-uid"),
                config_map("a", WEB_BLOCK, other), pod("p", WEB))
    outcome = delete(c, "Deployment", "web", "Orphan")
    c = outcome.cluster
    assert removals(outcome) == ["Deployment/default/web"]
    assert owner_uids(c, "ConfigMap/default/a") == ["other-uid"]
    assert owner_uids(c, "Pod/default/p") == []
    # the dependents were orphaned before the owner went
    turn = outcome.turns[0]
    assert [(ch.name, ch.new is None) for ch in turn.changes] == [
        ("a", False), ("p", False), ("web", True)]


def test_orphan_owner_with_another_finalizer_waits_for_it():
    c = ENGINE.restore(deployment(finalizers=("example.com/x",)), config_map("a", WEB))
    c = delete(c, "Deployment", "web", "Orphan").cluster
    web = present(c, "Deployment/default/web")
    assert list(web.metadata.finalizers) == ["example.com/x"]
    assert owner_uids(c, "ConfigMap/default/a") == []


def test_foreground_deletes_dependents_first():
    c = ENGINE.restore(deployment(), config_map("a", WEB_BLOCK), config_map("b", WEB))
    outcome = delete(c, "Deployment", "web", "Foreground")
    assert outcome.changes[0].new.metadata.finalizers == ["foregroundDeletion"]
    assert removals(outcome) == ["ConfigMap/default/a", "ConfigMap/default/b",
                                 "Deployment/default/web"]


def test_foreground_owner_waits_for_a_terminating_blocking_pod():
    c = ENGINE.restore(deployment(), pod("p", WEB_BLOCK, node_name="n1"), config_map("b", WEB))
    c = delete(c, "Deployment", "web", "Foreground").cluster
    web = present(c, "Deployment/default/web")
    p = present(c, "Pod/default/p")
    assert list(web.metadata.finalizers) == ["foregroundDeletion"]
    assert p.metadata.deletion_timestamp is not None  # the kubelet's business now
    assert present(c, "ConfigMap/default/b") is None
    # the kubelet finishes the pod; the owner goes
    written = apiserver.finish_deletion(c, "Pod", "default", "p")
    assert isinstance(written, apiserver.Written)
    c, turns, settled = ENGINE.run_until_settled(ENGINE.dispatch(written.cluster)[0])
    assert settled and present(c, "Deployment/default/web") is None


def test_foreground_owner_does_not_wait_for_a_non_blocking_pod():
    c = ENGINE.restore(deployment(), pod("p", WEB, node_name="n1"))
    c = delete(c, "Deployment", "web", "Foreground").cluster
    assert present(c, "Deployment/default/web") is None
    assert present(c, "Pod/default/p").metadata.deletion_timestamp is not None


def test_terminating_pods_are_left_to_the_kubelet():
    c = ENGINE.restore(deployment(), pod("p", WEB, node_name="n1"))
    outcome = delete(c, "Deployment", "web", "Background")
    p = present(outcome.cluster, "Pod/default/p")
    assert p.metadata.deletion_timestamp == outcome.cluster.now + 30
    again = sync(outcome.cluster, "Pod/default/p")
    assert present(again, "Pod/default/p") == p


def test_dependent_with_two_owners_survives_while_one_lives():
    second = ref("Deployment", "api", "api-uid")
    c = ENGINE.restore(deployment(), deployment("api", "api-uid"),
                       config_map("shared", WEB, second))
    c = delete(c, "Deployment", "web", "Background").cluster
    assert owner_uids(c, "ConfigMap/default/shared") == ["api-uid"]
    c = delete(c, "Deployment", "api", "Background").cluster
    assert present(c, "ConfigMap/default/shared") is None


def test_dependent_of_a_foreground_owner_with_another_owner_is_released():
    second = ref("Deployment", "api", "api-uid")
    c = ENGINE.restore(deployment(), deployment("api", "api-uid"),
                config_map("shared", WEB_BLOCK, second))
    c = delete(c, "Deployment", "web", "Foreground").cluster
    assert present(c, "Deployment/default/web") is None
    assert owner_uids(c, "ConfigMap/default/shared") == ["api-uid"]


CHAIN = [deployment(), config_map("child", WEB_BLOCK),
         pod("grandchild", ref("ConfigMap", "child", "child-uid", block=True))]


@pytest.mark.parametrize("policy,expected", [
    pytest.param("Background", ["Deployment/default/web", "ConfigMap/default/child",
                                "Pod/default/grandchild"], id="Background"),
    pytest.param("Foreground", ["Pod/default/grandchild", "ConfigMap/default/child",
                                "Deployment/default/web"], id="Foreground"),
])
def test_chains_cascade(policy, expected):
    outcome = delete(ENGINE.restore(*CHAIN), "Deployment", "web", policy)
    assert removals(outcome) == expected


def test_orphaning_the_head_of_a_chain_keeps_the_rest():
    outcome = delete(ENGINE.restore(*CHAIN), "Deployment", "web", "Orphan")
    assert removals(outcome) == ["Deployment/default/web"]
    assert owner_uids(outcome.cluster, "Pod/default/grandchild") == ["child-uid"]


def test_dependents_applied_through_the_api_server():
    c = ENGINE.apply(ENGINE.empty_cluster(), new_deployment(), mode="auto")
    uid = c.get("Deployment", "default", "web").metadata.uid
    owner = ref("Deployment", "web", uid, block=True)
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "a", "namespace": "default", "ownerReferences": [owner]}}
    c = ENGINE.apply(c, cm, mode="auto")
    assert present(c, "ConfigMap/default/a") is not None  # a solid owner: nothing to do
    outcome = delete(c, "Deployment", "web", "Foreground")
    assert removals(outcome) == ["ConfigMap/default/a", "Deployment/default/web"]


def test_a_dependent_created_for_an_absent_owner_is_collected():
    c = ENGINE.apply(ENGINE.empty_cluster(), config_map("a", ref("Deployment", "web", "nope")),
              mode="auto")
    assert present(c, "ConfigMap/default/a") is None


# -- odd input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["Background", "Foreground", "Orphan"])
def test_a_cycle_of_two_owners(policy):
    c = ENGINE.restore(config_map("a", ref("ConfigMap", "b", "b-uid", block=True)),
                config_map("b", ref("ConfigMap", "a", "a-uid", block=True)))
    c = delete(c, "ConfigMap", "a", policy).cluster
    assert present(c, "ConfigMap/default/a") is None
    if policy == "Orphan":
        assert owner_uids(c, "ConfigMap/default/b") == []
    else:
        assert present(c, "ConfigMap/default/b") is None


def test_an_object_that_owns_itself():
    c = ENGINE.restore(config_map("a", ref("ConfigMap", "a", "a-uid", block=True)))
    c = delete(c, "ConfigMap", "a", "Background").cluster
    assert present(c, "ConfigMap/default/a") is None


@pytest.mark.parametrize("owner", [
    pytest.param({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, id="no uid"),
    pytest.param({"apiVersion": "apps/v1", "kind": "Deployment", "uid": "d-uid"}, id="no name"),
    pytest.param({"name": "web", "uid": "d-uid"}, id="no kind"),
    pytest.param({}, id="empty"),
])
def test_odd_owner_references_do_not_raise(owner):
    c = ENGINE.restore(deployment(), config_map("a", owner))
    for policy in ("Background", "Foreground", "Orphan"):
        outcome = delete(c, "Deployment", "web", policy)
        assert present(outcome.cluster, "Deployment/default/web") is None
    assert gc.sync(c, "ConfigMap/default/a") is not None


def test_an_owner_reference_without_uid_is_dangling():
    c = ENGINE.restore(deployment(), config_map("a", {"apiVersion": "apps/v1", "kind": "Deployment",
                                               "name": "web"}))
    assert present(sync(c, "ConfigMap/default/a"), "ConfigMap/default/a") is None


def test_an_unmappable_owner_is_retried_with_backoff():
    c = ENGINE.restore(config_map("a", {"name": "web", "uid": "d-uid"}))
    c = sync(c, "ConfigMap/default/a")
    assert present(c, "ConfigMap/default/a") is not None
    assert backoffs(c, "ConfigMap/default/a") == 1


def test_custom_kinds_map_as_the_store_keeps_them():
    widget = meta({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": "w", "namespace": "default"}}, "w-uid")
    owner = ref("Widget", "w", "w-uid", "example.com/v1")
    c = sync(ENGINE.restore(widget, config_map("a", owner)), "ConfigMap/default/a")
    assert present(c, "ConfigMap/default/a") is not None
    c = sync(ENGINE.restore(config_map("a", owner)), "ConfigMap/default/a")
    assert present(c, "ConfigMap/default/a") is None
