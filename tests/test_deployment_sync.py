"""sync.go and syncDeployment: TestScale, TestDeploymentController_cleanupDeployment, and the
deployment_controller_test.go cases that run through one syncDeployment, plus the informer
handlers. Builders named as the Go tests' (newDeployment, rs, newRSWithStatus) are shared with
the other Deployment test modules."""

from __future__ import annotations

from typing import Any

import pytest
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.reducers.controllers.deployment import controller, util
from kubefold.reducers.controllers.deployment.sync import cleanup_deployment, scale
from tests.helpers import Engine, plane, restore

ENGINE = Engine(plane(controller.CONTROLLER))


NEW = "2016-05-20T02:00:00Z"
OLD = "2016-05-20T01:00:00Z"
OLDER = "2016-05-20T00:00:00Z"
NO_TIMESTAMP = "2016-05-19T00:00:00Z"
MAX_INT32 = 2**31 - 1


def uid(name: str) -> str:
    return f"uid-{name}"


def new_deployment(name: str = "foo", replicas: int = 1, revision_history_limit: int | None = None,
                   max_surge: int | str = 0, max_unavailable: int | str = 0,
                   selector: dict[str, str] | None = None, image: str = "foo/bar",
                   progress_deadline_seconds: int | None = MAX_INT32,
                   **extra: Any) -> dict[str, Any]:
    """newDeployment: RollingUpdate 0/0 unless given, the selector as template labels. No
    progress deadline (Go's nil) unless given, and no revision history limit (Go's nil, read
    as unlimited) unless given."""
    selector = {"foo": "bar"} if selector is None else selector
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": selector},
        "template": {"metadata": {"labels": selector},
                     "spec": {"containers": [{"name": "app", "image": image}]}},
        "strategy": {"type": "RollingUpdate",
                     "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable}},
        "revisionHistoryLimit": MAX_INT32 if revision_history_limit is None
        else revision_history_limit,
        "progressDeadlineSeconds": progress_deadline_seconds,
    }
    spec.update(extra.pop("spec", {}))
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": uid(name),
                            "generation": 1, **extra.pop("metadata", {})}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec,
            **extra}


def rs(name: str, replicas: int, selector: dict[str, str] | None = None,
       created: str = NO_TIMESTAMP, owner: str | None = "foo", image: str = "foo/old",
       available: int | None = None, status_replicas: int | None = None,
       annotations: dict[str, str] | None = None, labels: dict[str, str] | None = None,
       **metadata: Any) -> dict[str, Any]:
    """rs: a ReplicaSet of `owner` (a Deployment's name; None: an orphan). Its template is the
    image's (foo/bar is newDeployment's); the template labels are the selector's."""
    selector = {"foo": "bar"} if selector is None else selector
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": uid(name),
                            "creationTimestamp": created,
                            "labels": selector if labels is None else labels,
                            "annotations": annotations or {}, **metadata}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner,
                                    "uid": uid(owner), "controller": True,
                                    "blockOwnerDeletion": True}]
    status: dict[str, Any] = {}
    if status_replicas is not None:
        status["replicas"] = status_replicas
    if available is not None:
        status["availableReplicas"] = available
        status["readyReplicas"] = available
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": selector},
                     "template": {"metadata": {"labels": selector},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}},
            "status": status}


def replicas_of(cluster: Cluster, name: str) -> int | None:
    found = cluster.get("ReplicaSet", "default", name)
    return None if found is None else found.spec.replicas


def get_rs(cluster: Cluster, name: str) -> Any:
    return cluster.get("ReplicaSet", "default", name)


def get_d(cluster: Cluster, name: str = "foo") -> Any:
    return cluster.get("Deployment", "default", name)


# -- TestScale ---------------------------------------------------------------------------------

# (name, deployment, oldDeployment, newRS, oldRSs, expectedNew, expectedOld,
#  desiredReplicasAnnotations); a ReplicaSet is (name, replicas, timestamp)
SCALE_CASES = [
    ("normal scaling event: 10 -> 12", dict(replicas=12), dict(replicas=10),
     ("foo-v1", 10, NEW), [], 12, [], {}),
    ("normal scaling event: 10 -> 5", dict(replicas=5), dict(replicas=10),
     ("foo-v1", 10, NEW), [], 5, [], {}),
    ("proportional scaling: 5 -> 10", dict(replicas=10), dict(replicas=5),
     ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 4, [6], {}),
    ("proportional scaling: 5 -> 3", dict(replicas=3), dict(replicas=5),
     ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 1, [2], {}),
    ("proportional scaling: 9 -> 4", dict(replicas=4), dict(replicas=9),
     ("foo-v2", 8, NEW), [("foo-v1", 1, OLD)], 4, [0], {}),
    ("proportional scaling: 7 -> 10", dict(replicas=10), dict(replicas=7),
     ("foo-v3", 2, NEW), [("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)], 3, [4, 3], {}),
    ("proportional scaling: 13 -> 8", dict(replicas=8), dict(replicas=13),
     ("foo-v3", 2, NEW), [("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)], 1, [5, 2], {}),
    ("leftover distribution: 3 -> 4", dict(replicas=4), dict(replicas=3),
     ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 2, [1, 1], {}),
    ("leftover distribution: 3 -> 2", dict(replicas=2), dict(replicas=3),
     ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 1, [1, 0], {}),
    ("proportional scaling (no new rs): 4 -> 5", dict(replicas=5), dict(replicas=4),
     None, [("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)], None, [3, 2], {}),
    ("proportional scaling: 6 -> 0", dict(replicas=0), dict(replicas=6),
     ("foo-v3", 3, NEW), [("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)], 0, [0, 0], {}),
    ("proportional scaling: 0 -> 6", dict(replicas=6), dict(replicas=6),
     ("foo-v3", 0, NEW), [("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)], 6, [0, 0], {}),
    ("failed rs update", dict(replicas=5), dict(replicas=5),
     ("foo-v3", 2, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 2, [2, 1],
     {"foo-v2": 3}),
    ("deployment with surge pods", dict(replicas=20, max_surge=2),
     dict(replicas=10, max_surge=2),
     ("foo-v2", 6, NEW), [("foo-v1", 6, OLD)], 11, [11], {}),
    ("change both surge and size", dict(replicas=50, max_surge=6),
     dict(replicas=10, max_surge=3),
     ("foo-v2", 5, NEW), [("foo-v1", 8, OLD)], 22, [34], {}),
    ("change both size and template",
     dict(replicas=14, spec={"template": {"metadata": {"labels": {"foo": "bar",
                                                                   "another": "label"}},
                                          "spec": {"containers": [{"name": "app",
                                                                   "image": "foo/bar"}]}}}),
     dict(replicas=10),
     None, [("foo-v2", 7, NEW), ("foo-v1", 3, OLD)], None, [10, 4], {}),
    ("saturated but broken new replica set does not affect old pods",
     dict(replicas=2, max_surge=1, max_unavailable=1),
     dict(replicas=2, max_surge=1, max_unavailable=1),
     ("foo-v2", 2, NEW), [("foo-v1", 1, OLD)], 2, [1], {}),
]


def _annotated(spec: tuple[str, int, str], old_d: Any, desired: dict[str, int], image: str
               ) -> dict[str, Any]:
    """The ReplicaSet with the replicas annotations of the Deployment before the scale."""
    name, count, created = spec
    want = desired.get(name, old_d.spec.replicas)
    return rs(name, count, created=created, image=image, available=0 if name == "foo-v2"
              else None, annotations={
                  util.DESIRED_REPLICAS_ANNOTATION: str(want),
                  util.MAX_REPLICAS_ANNOTATION: str(want + util.max_surge(old_d))})


@pytest.mark.parametrize(
    "deployment,old_deployment,new_rs,old_rss,expected_new,expected_old,desired",
    [case[1:] for case in SCALE_CASES], ids=[f"TestScale/{case[0]}" for case in SCALE_CASES])
def test_scale(deployment: dict, old_deployment: dict, new_rs: Any, old_rss: list,
               expected_new: int | None, expected_old: list[int],
               desired: dict[str, int]) -> None:
    old_d = decode_object(new_deployment(**old_deployment))
    manifests = [new_deployment(**deployment)]
    if new_rs is not None:
        manifests.append(_annotated(new_rs, old_d, desired, "foo/bar"))
    manifests += [_annotated(o, old_d, desired, f"foo/{o[0]}") for o in old_rss]
    cluster = restore(*manifests)
    d = get_d(cluster)
    new = get_rs(cluster, new_rs[0]) if new_rs is not None else None
    olds = [get_rs(cluster, o[0]) for o in old_rss]
    cluster, err = scale(cluster, d, new, olds)
    assert err is None
    if new_rs is not None:
        assert replicas_of(cluster, new_rs[0]) == expected_new
    assert [replicas_of(cluster, o[0]) for o in old_rss] == expected_old


def _scaling_event_cluster(revisions: bool) -> Cluster:
    old_d = decode_object(new_deployment(replicas=7))
    manifests = [new_deployment(replicas=10, metadata={"annotations": {
        util.REVISION_ANNOTATION: "3"}} if revisions else {})]
    for (name, count, created), image, rev in (
            (("foo-v3", 2, NEW), "foo/bar", "3"), (("foo-v2", 3, OLD), "foo/v2", "2"),
            (("foo-v1", 2, OLDER), "foo/v1", "1")):
        m = _annotated((name, count, created), old_d, {}, image)
        if revisions:
            m["metadata"]["annotations"][util.REVISION_ANNOTATION] = rev
        manifests.append(m)
    return restore(*manifests)


def test_scale_runs_through_sync_deployment_on_a_scaling_event() -> None:
    """TestScale's "proportional scaling: 7 -> 10" reached the public way: the desired-replicas
    annotations say 7, the Deployment says 10, so syncDeployment takes the `sync` path."""
    cluster = ENGINE.reconcile(_scaling_event_cluster(revisions=True), "deployment", "default/foo")
    assert [replicas_of(cluster, n) for n in ("foo-v3", "foo-v2", "foo-v1")] == [3, 4, 3]
    for name in ("foo-v3", "foo-v2", "foo-v1"):
        assert get_rs(cluster, name).metadata.annotations[
            util.DESIRED_REPLICAS_ANNOTATION] == "10"
    assert get_d(cluster).status.replicas == 0  # the ReplicaSets report no pods yet


def test_scaling_event_after_revision_sync_conflicts_once() -> None:
    """As in Go: isScalingEvent's getNewReplicaSet writes the new ReplicaSet's revision, and the
    `sync` path then updates the lister's (stale) copy again: Conflict, requeue; the next sync
    scales."""
    cluster = ENGINE.reconcile(_scaling_event_cluster(revisions=False), "deployment", "default/foo")
    assert [replicas_of(cluster, n) for n in ("foo-v3", "foo-v2", "foo-v1")] == [2, 3, 2]
    assert get_rs(cluster, "foo-v3").metadata.annotations[util.REVISION_ANNOTATION] == "1"
    assert cluster.queue.num_requeues(("deployment", "default/foo")) == 1
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    assert [replicas_of(cluster, n) for n in ("foo-v3", "foo-v2", "foo-v1")] == [3, 4, 3]


# -- TestDeploymentController_cleanupDeployment ------------------------------------------------

CLEANUP_CASES = [
    ("scenario 0", [("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 1, 2),
    ("scenario 1 only spec=status=0 deleted",
     [("foo-1", 0, 0), ("foo-2", 0, 1), ("foo-3", 1, 0), ("foo-4", 1, 1)], 0, 1),
    ("scenario 2", [("foo-1", 0, 0), ("foo-2", 0, 0)], 0, 2),
    ("scenario 3", [("foo-1", 1, 1), ("foo-2", 1, 1)], 0, 0),
    ("scenario 4 already deleted", [("foo-1", 0, 0, "deleted")], 0, 0),
    ("scenario 5 unlimited revisionHistoryLimit",
     [("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], MAX_INT32, 0),
]


@pytest.mark.parametrize("old_rss,limit,expected_deletions", [c[1:] for c in CLEANUP_CASES],
                         ids=[f"TestDeploymentController_cleanupDeployment/{c[0]}"
                              for c in CLEANUP_CASES])
def test_cleanup_deployment(old_rss: list, limit: int, expected_deletions: int) -> None:
    manifests = [new_deployment(revision_history_limit=limit)]
    for name, spec_replicas, status_replicas, *deleted in old_rss:
        extra: dict[str, Any] = {"deletionTimestamp": NO_TIMESTAMP} if deleted else {}
        manifests.append(rs(name, spec_replicas, image=f"foo/{name}",
                            status_replicas=status_replicas, **extra))
    cluster = restore(*manifests)
    olds = [get_rs(cluster, o[0]) for o in old_rss]
    after, err = cleanup_deployment(cluster, olds, get_d(cluster))
    assert err is None
    remaining = [o[0] for o in old_rss if get_rs(after, o[0]) is not None]
    assert len(old_rss) - len(remaining) == expected_deletions


# -- syncDeployment (deployment_controller_test.go) ---------------------------------------------


def test_sync_deployment_creates_replica_set() -> None:
    """TestSyncDeploymentCreatesReplicaSet: a new ReplicaSet `<name>-<hash>` with the hash label
    on its labels, selector and template, controlled by the Deployment; revision 1."""
    cluster = ENGINE.restore(new_deployment())
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    rss = list(cluster.list("ReplicaSet", "default"))
    assert len(rss) == 1
    created = rss[0]
    d = get_d(cluster)
    pod_hash = util.compute_hash(d.spec.template, None)
    assert created.metadata.name == f"foo-{pod_hash}"
    assert created.spec.replicas == 1
    assert created.metadata.labels == {"foo": "bar", "pod-template-hash": pod_hash}
    assert created.spec.selector.match_labels == {"foo": "bar", "pod-template-hash": pod_hash}
    assert created.spec.template.metadata.labels["pod-template-hash"] == pod_hash
    assert [(r.kind, r.uid, r.controller) for r in created.metadata.owner_references] == [
        ("Deployment", uid("foo"), True)]
    assert created.metadata.annotations == {util.REVISION_ANNOTATION: "1",
                                            util.DESIRED_REPLICAS_ANNOTATION: "1",
                                            util.MAX_REPLICAS_ANNOTATION: "1"}
    assert d.metadata.annotations[util.REVISION_ANNOTATION] == "1"


def test_sync_deployment_dont_do_anything_during_deletion() -> None:
    """TestSyncDeploymentDontDoAnythingDuringDeletion: only the status is written."""
    cluster = ENGINE.restore(new_deployment(metadata={"deletionTimestamp": NO_TIMESTAMP,
                                               "finalizers": ["foregroundDeletion"]}))
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    assert list(cluster.list("ReplicaSet", "default")) == []
    d = get_d(cluster)
    assert d.status.observed_generation == 1
    # 0 available >= 1 replica - maxUnavailable 1 (0/0 resolves to 0/1)
    assert [(c.type, c.reason) for c in d.status.conditions] == [
        ("Available", util.MINIMUM_REPLICAS_AVAILABLE)]


def test_sync_deployment_deletion_race() -> None:
    """TestSyncDeploymentDeletionRace, in kubefold's single store: the Deployment being deleted
    does not adopt a matching orphan and creates nothing."""
    cluster = ENGINE.restore(new_deployment(metadata={"deletionTimestamp": NO_TIMESTAMP,
                                               "finalizers": ["foregroundDeletion"]}),
                      rs("foo-orphan", 1, owner=None, image="foo/bar"))
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    assert get_rs(cluster, "foo-orphan").metadata.owner_references == pvector()
    assert len(list(cluster.list("ReplicaSet", "default"))) == 1


def test_dont_sync_deployments_with_empty_pod_selector() -> None:
    """TestDontSyncDeploymentsWithEmptyPodSelector: no ReplicaSet; observedGeneration only."""
    cluster = ENGINE.restore(new_deployment(spec={"selector": {}}, metadata={"generation": 3}))
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    assert list(cluster.list("ReplicaSet", "default")) == []
    assert get_d(cluster).status.observed_generation == 3
    assert get_d(cluster).status.conditions == pvector()


def test_missing_deployment_is_forgotten() -> None:
    cluster = ENGINE.restore()
    assert ENGINE.reconcile(cluster, "deployment", "default/gone").queue.num_requeues(
        ("deployment", "default/gone")) == 0


def test_get_replica_sets_for_deployment() -> None:
    """TestGetReplicaSetsForDeployment: each Deployment claims the ReplicaSet it controls."""
    cluster = restore(new_deployment("foo"), new_deployment("bar"),
                      rs("rs1", 1, owner="foo"), rs("rs2", 1, owner="bar"))
    for name, want in (("foo", ["rs1"]), ("bar", ["rs2"])):
        cluster, claimed, err = controller.get_replica_sets_for_deployment(
            cluster, get_d(cluster, name))
        assert err is None
        assert [r.metadata.name for r in claimed] == want


def test_get_replica_sets_for_deployment_adopt_release() -> None:
    """TestGetReplicaSetsForDeploymentAdoptRelease: a matching orphan is adopted, an owned
    ReplicaSet that no longer matches is released."""
    cluster = restore(new_deployment("foo"),
                      rs("rs1", 1, owner=None),
                      rs("rs2", 1, owner="foo", selector={"foo": "notbar"}))
    cluster, claimed, err = controller.get_replica_sets_for_deployment(cluster, get_d(cluster))
    assert err is None
    assert [r.metadata.name for r in claimed] == ["rs1"]
    assert [r.uid for r in get_rs(cluster, "rs1").metadata.owner_references] == [uid("foo")]
    assert get_rs(cluster, "rs2").metadata.owner_references == pvector()


def test_get_replica_sets_for_deployment_ignores_other_owners() -> None:
    """TestGetReplicaSetsForDeploymentNotMatch-style: owned by another Deployment -> ignored."""
    cluster = restore(new_deployment("foo"), new_deployment("bar"), rs("rs1", 1, owner="bar"))
    _, claimed, err = controller.get_replica_sets_for_deployment(cluster, get_d(cluster))
    assert err is None and claimed == []


def test_pod_map_for_deployment() -> None:
    """TestGetPodMapForReplicaSets: pods grouped by their controlling ReplicaSet; others and
    non-matching pods left out."""
    def pod(name: str, owner: str | None, labels: dict[str, str]) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": labels}
        if owner:
            meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                        "name": owner, "uid": uid(owner), "controller": True}]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": {"containers": [{"name": "c", "image": "i"}]}}
    cluster = restore(new_deployment(), rs("rs1", 1), rs("rs2", 1),
                      pod("rs1-pod", "rs1", {"foo": "bar"}), pod("rs2-pod", "rs2", {"foo": "bar"}),
                      pod("orphan", None, {"foo": "bar"}), pod("other", "rs1", {"foo": "baz"}),
                      pod("rs3-pod", "rs3", {"foo": "bar"}))
    d = get_d(cluster)
    rs_list = [get_rs(cluster, "rs1"), get_rs(cluster, "rs2")]
    pod_map = controller.get_pod_map_for_deployment(cluster, d, rs_list)
    assert isinstance(pod_map, dict)
    assert {k: [p.metadata.name for p in v] for k, v in pod_map.items()} == {
        uid("rs1"): ["rs1-pod"], uid("rs2"): ["rs2-pod"]}


# -- the informer handlers ----------------------------------------------------------------------


def test_add_replica_set_enqueues_its_controller_or_the_matching_deployments() -> None:
    """TestAddReplicaSet / TestAddReplicaSetOrphan."""
    cluster = restore(new_deployment("foo"), new_deployment("bar", selector={"foo": "bar"}),
                      new_deployment("baz", selector={"foo": "baz"}))
    owned = decode_object(rs("rs1", 1, owner="foo"))
    orphan = decode_object(rs("rs2", 1, owner=None))
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs1", None, owned)) == [
        "default/foo"]
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs2", None, orphan)) == [
        "default/bar", "default/foo"]


def test_update_replica_set_handlers() -> None:
    """TestUpdateReplicaSet / TestUpdateReplicaSetOrphanWithNewLabels / ChangeControllerRef."""
    cluster = restore(new_deployment("foo"), new_deployment("bar", selector={"foo": "new"}))
    old = decode_object(rs("rs1", 1, owner="foo", resourceVersion="1"))
    same_rv = decode_object(rs("rs1", 2, owner="foo", resourceVersion="1"))
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs1", old, same_rv)) == []
    moved = decode_object(rs("rs1", 1, owner="bar", resourceVersion="2"))
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs1", old, moved)) == [
        "default/foo", "default/bar"]
    orphan_old = decode_object(rs("rs2", 1, owner=None, resourceVersion="1"))
    relabelled = decode_object(rs("rs2", 1, owner=None, resourceVersion="2",
                                  labels={"foo": "new"}))
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs2", orphan_old,
                                            relabelled)) == ["default/bar"]


def test_delete_replica_set_and_deployment_handlers() -> None:
    cluster = restore(new_deployment("foo"))
    owned = decode_object(rs("rs1", 1, owner="foo"))
    orphan = decode_object(rs("rs2", 1, owner=None))
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs1", owned, None)) == [
        "default/foo"]
    assert controller.watch(cluster, Change("ReplicaSet", "default", "rs2", orphan, None)) == []
    assert controller.watch(cluster, Change("Deployment", "default", "foo", None, None)) == [
        "default/foo"]


def test_failed_sync_is_requeued_rate_limited() -> None:
    """handleErr: an error (here an unknown strategy type) requeues with backoff."""
    cluster = ENGINE.restore(new_deployment(spec={"strategy": {"type": "Bogus"}}))
    cluster = ENGINE.reconcile(cluster, "deployment", "default/foo")
    assert cluster.queue.num_requeues(("deployment", "default/foo")) == 1
