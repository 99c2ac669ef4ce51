"""The ReplicaSet controller against pkg/controller/replicaset/replica_set_test.go
(TestGetPodsToDelete, TestSlowStartBatch, TestSyncReplicaSetDoesNothing,
TestSyncReplicaSetCreateFailures, TestDoNotPatchPodWithOtherControlRef,
TestDoNotAdoptOrCreateIfBeingDeleted, TestPodControllerLookup, TestRelatedPodsLookup,
TestGetReplicaSetsWithSameController, TestUpdatePods, TestGetCondition, TestSetCondition,
TestRemoveCondition) and replica_set_utils_test.go (TestCalculateStatus,
TestCalculateStatusConditions); the sync run through the manager on restored snapshots; and the
`pod:` event end to end."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import PodEvent
from kubefold.core.objects import Condition, ReplicaSetStatus
from kubefold.reducers import manager
from kubefold.reducers.controllers import replicaset as rsc
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.world import pods as pod_events
from tests.helpers import Engine

T0 = "2024-01-01T00:00:00Z"

ENGINE = Engine(ControlPlane((rsc.CONTROLLER,), {PodEvent: pod_events.handle}))


RS_UID = "11111111-1111-1111-1111-111111111111"
DEPLOY_UID = "99999999-9999-9999-9999-999999999999"


# -- builders (replica_set_test.go newReplicaSet / newPod) ------------------------------------


def new_replica_set(replicas: int, selector: dict[str, str], name: str = "foobar",
                    uid: str = RS_UID, owner: str | None = "123",
                    template_labels: dict[str, str] | None = None,
                    **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": uid,
                            "generation": 1, "creationTimestamp": T0}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment",
                                    "name": "d", "uid": owner, "controller": True}]
    # Go's newReplicaSet template labels, plus the selector so that the object is valid.
    labels = template_labels if template_labels is not None else {
        "name": "foo", "type": "production", **selector}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": selector},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": "foo/bar"}],
                                           "restartPolicy": "Always"}},
                     **spec}}


def new_pod(name: str, rs: dict[str, Any], phase: str = "Running", owned: bool = True,
            ready_since: str | None = None, node: str | None = None,
            ready: bool | None = None, uid: str | None = None) -> dict[str, Any]:
    """newPod: Running pods get a Ready=True condition (ready=False makes it False)."""
    meta: dict[str, Any] = {"name": name, "namespace": "default",
                            "labels": dict(rs["spec"]["selector"]["matchLabels"]),
                            "creationTimestamp": T0}
    if uid:
        meta["uid"] = uid
    if owned:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                    "name": rs["metadata"]["name"],
                                    "uid": rs["metadata"]["uid"], "controller": True}]
    status: dict[str, Any] = {"phase": phase}
    if phase == "Running":
        cond: dict[str, Any] = {"type": "Ready", "status": "False" if ready is False else "True"}
        if ready_since:
            cond["lastTransitionTime"] = ready_since
        status["conditions"] = [cond]
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "foo/bar"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
            "status": status}


def pods_of(cluster: Cluster) -> list[Any]:
    return sorted(cluster.list("Pod", "default"), key=lambda p: p.metadata.name)


def dec(m: dict[str, Any]) -> Any:
    return decode_object(m)


# -- TestGetPodsToDelete ---------------------------------------------------------------------

RS = new_replica_set(1, {"name": "foo"})
UNSCHED_PENDING = dec(new_pod("unscheduled-pending-pod", RS, "Pending"))
SCHED_PENDING = dec(new_pod("scheduled-pending-pod", RS, "Pending", node="fake-node"))
NOT_READY = dec(new_pod("scheduled-running-not-ready-pod", RS, node="fake-node", ready=False))
READY_N1 = dec(new_pod("scheduled-running-ready-pod-on-node-1", RS, node="fake-node-1"))
READY_N2 = dec(new_pod("scheduled-running-ready-pod-on-node-2", RS, node="fake-node-2"))

GET_PODS_TO_DELETE = {
    "len(pods) = 0 (i.e., diff = 0 too)": ([], None, 0, []),
    "diff = len(pods)": ([NOT_READY, READY_N1], None, 2, [NOT_READY, READY_N1]),
    "diff < len(pods)": ([READY_N1, NOT_READY], None, 1, [NOT_READY]),
    "various pod phases and conditions, diff = len(pods)": (
        [READY_N1, READY_N1, READY_N2, NOT_READY, SCHED_PENDING, UNSCHED_PENDING], None, 6,
        [READY_N1, READY_N1, READY_N2, NOT_READY, SCHED_PENDING, UNSCHED_PENDING]),
    "various pod phases and conditions, diff = len(pods), relatedPods empty": (
        [READY_N1, READY_N1, READY_N2, NOT_READY, SCHED_PENDING, UNSCHED_PENDING], [], 6,
        [READY_N1, READY_N1, READY_N2, NOT_READY, SCHED_PENDING, UNSCHED_PENDING]),
    "scheduled vs unscheduled, diff < len(pods)": (
        [SCHED_PENDING, UNSCHED_PENDING], None, 1, [UNSCHED_PENDING]),
    "ready vs not-ready, diff < len(pods)": (
        [READY_N1, NOT_READY, NOT_READY], None, 2, [NOT_READY, NOT_READY]),
    "ready and colocated with another ready pod vs not colocated, diff < len(pods)": (
        [READY_N1, READY_N2], [READY_N1, READY_N2, READY_N2], 1, [READY_N2]),
    "pending vs running, diff < len(pods)": (
        [SCHED_PENDING, NOT_READY], None, 1, [SCHED_PENDING]),
    "various pod phases and conditions, diff < len(pods)": (
        [READY_N1, READY_N2, NOT_READY, SCHED_PENDING, UNSCHED_PENDING], None, 3,
        [UNSCHED_PENDING, SCHED_PENDING, NOT_READY]),
}


@pytest.mark.parametrize("case", list(GET_PODS_TO_DELETE),
                         ids=[f"TestGetPodsToDelete/{c}" for c in GET_PODS_TO_DELETE])
def test_get_pods_to_delete(case: str) -> None:
    pods, related, diff, expected = GET_PODS_TO_DELETE[case]
    got = rsc.get_pods_to_delete(pods, pods if related is None else related, diff, None)
    assert got == expected


# -- TestSlowStartBatch ----------------------------------------------------------------------


@pytest.mark.parametrize(("count", "limit", "successes", "failed", "calls"), [
    (10, 0, 0, True, 1), (10, 10, 10, False, 10), (10, 5, 5, True, 7)],
    ids=["TestSlowStartBatch/callLimit = 0 (all fail)",
         "TestSlowStartBatch/callLimit = count (all succeed)",
         "TestSlowStartBatch/callLimit < count (some succeed)"])
def test_slow_start_batch(count: int, limit: int, successes: int, failed: bool,
                          calls: int) -> None:
    def fn(n: int) -> tuple[int, str | None]:
        return n + 1, ("fake error" if n + 1 > limit else None)

    n, got, err = rsc.slow_start_batch(count, 1, fn, 0)
    assert (n, got, err) == (calls, successes, "fake error" if failed else None)


# -- TestCalculateStatus / TestCalculateStatusConditions -------------------------------------

LABELS = {"name": "foo"}
FULL = {"name": "foo", "type": "production"}
NOT_FULLY_RS = new_replica_set(1, LABELS)
FULLY_RS = new_replica_set(2, FULL)
LONG_MIN_READY_RS = new_replica_set(1, FULL, minReadySeconds=3600)
NOW = 1_704_067_200  # T0


def _terminating(pod: dict[str, Any]) -> Any:
    p = dec(pod)
    return attrs.evolve(p, metadata=attrs.evolve(p.metadata, deletion_timestamp=NOW))


CALCULATE_STATUS = {
    "1 fully labelled pod": (False, FULLY_RS, [new_pod("pod1", FULLY_RS)], [], (1, 1, 1, 1, None)),
    "1 not fully labelled pod": (False, NOT_FULLY_RS, [new_pod("pod1", NOT_FULLY_RS)], [],
                                 (1, 0, 1, 1, None)),
    "2 fully labelled pods": (False, FULLY_RS, [new_pod("pod1", FULLY_RS),
                                                new_pod("pod2", FULLY_RS)], [],
                              (2, 2, 2, 2, None)),
    "2 fully labelled pods with DeploymentPodReplacementPolicy": (
        True, FULLY_RS, [new_pod("pod1", FULLY_RS), new_pod("pod2", FULLY_RS)], [],
        (2, 2, 2, 2, 0)),
    "2 not fully labelled pods": (False, NOT_FULLY_RS, [new_pod("pod1", NOT_FULLY_RS),
                                                        new_pod("pod2", NOT_FULLY_RS)], [],
                                  (2, 0, 2, 2, None)),
    "1 fully labelled pod, 1 not fully labelled pod": (
        False, NOT_FULLY_RS, [new_pod("pod1", NOT_FULLY_RS), new_pod("pod2", FULLY_RS)], [],
        (2, 1, 2, 2, None)),
    "1 non-ready pod": (False, FULLY_RS, [new_pod("pod1", FULLY_RS, "Pending")], [],
                        (1, 1, 0, 0, None)),
    "1 ready but non-available pod": (False, LONG_MIN_READY_RS,
                                      [new_pod("pod1", LONG_MIN_READY_RS)], [],
                                      (1, 1, 1, 0, None)),
    "1 fully labelled pod and 1 terminating without DeploymentPodReplacementPolicy": (
        False, FULLY_RS, [new_pod("pod1", FULLY_RS)], [new_pod("pod2", FULLY_RS)],
        (1, 1, 1, 1, None)),
    "1 fully labelled pods and 2 terminating with DeploymentPodReplacementPolicy": (
        True, FULLY_RS, [new_pod("pod1", FULLY_RS)],
        [new_pod("pod2", FULLY_RS), new_pod("pod3", FULLY_RS)], (1, 1, 1, 1, 2)),
}


@pytest.mark.parametrize("case", list(CALCULATE_STATUS),
                         ids=[f"TestCalculateStatus/{c}" for c in CALCULATE_STATUS])
def test_calculate_status(case: str) -> None:
    gate, rs, active, terminating, want = CALCULATE_STATUS[case]
    # The gate is off in v1.34; "on" passes the terminating pods as syncReplicaSet would.
    terms = [_terminating(p) for p in terminating] if gate else None
    status = rsc.calculate_status(dec(rs), [dec(p) for p in active], terms, None, NOW)
    assert (status.replicas, status.fully_labeled_replicas, status.ready_replicas,
            status.available_replicas, status.terminating_replicas) == want


RS2 = new_replica_set(2, LABELS)
FAILURE_RS = new_replica_set(10, LABELS)
FAILURE_RS["status"] = {"conditions": [{"type": "ReplicaFailure", "status": "True"}]}
CONDITIONS = {
    "manageReplicasErr != nil && failureCond == nil, diff < 0": (
        RS2, 1, "fake manageReplicasErr",
        [Condition(type="ReplicaFailure", status="True", reason="FailedCreate",
                   message="fake manageReplicasErr", last_transition_time=NOW)]),
    "manageReplicasErr != nil && failureCond == nil, diff > 0": (
        RS2, 3, "fake manageReplicasErr",
        [Condition(type="ReplicaFailure", status="True", reason="FailedDelete",
                   message="fake manageReplicasErr", last_transition_time=NOW)]),
    "manageReplicasErr == nil && failureCond != nil": (FAILURE_RS, 1, None, []),
    "manageReplicasErr != nil && failureCond != nil": (
        FAILURE_RS, 1, "fake manageReplicasErr",
        [Condition(type="ReplicaFailure", status="True")]),
    "manageReplicasErr == nil && failureCond == nil": (RS2, 1, None, []),
}


@pytest.mark.parametrize("case", list(CONDITIONS),
                         ids=[f"TestCalculateStatusConditions/{c}" for c in CONDITIONS])
def test_calculate_status_conditions(case: str) -> None:
    rs, n, err, want = CONDITIONS[case]
    pods = [dec(new_pod(f"pod{i + 1}", rs)) for i in range(n)]
    status = rsc.calculate_status(dec(rs), pods, None, err, NOW)
    assert list(status.conditions) == want


BACKOFF = Condition(type="ImagePullBackOff", status="True", reason="NonExistentImage")
FAILURE = Condition(type="ReplicaFailure", status="True", reason="OtherFailure")
FAILURE2 = Condition(type="ReplicaFailure", status="True", reason="AnotherFailure")


def _st(*conds: Condition) -> ReplicaSetStatus:
    return ReplicaSetStatus(conditions=pvector(conds))


def test_get_set_remove_condition() -> None:
    """TestGetCondition, TestSetCondition, TestRemoveCondition (every case)."""
    assert rsc.get_condition(_st(FAILURE), "ReplicaFailure") == FAILURE
    assert rsc.get_condition(_st(FAILURE), "ImagePullBackOff") is None
    assert rsc.set_condition(_st(), FAILURE) == _st(FAILURE)
    assert rsc.set_condition(_st(BACKOFF), FAILURE) == _st(BACKOFF, FAILURE)
    assert rsc.set_condition(_st(FAILURE), FAILURE2) == _st(FAILURE2)
    assert rsc.remove_condition(_st(), "ReplicaFailure") == _st()
    assert rsc.remove_condition(_st(FAILURE), "ReplicaFailure") == _st()
    assert rsc.remove_condition(_st(FAILURE), "ImagePullBackOff") == _st(FAILURE)


# -- lookups ---------------------------------------------------------------------------------


def test_pod_controller_lookup() -> None:
    """TestPodControllerLookup: no labels -> none; other namespace -> none; match -> it."""
    basic = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": "basic", "namespace": "default"}, "spec": {}}
    foo = new_replica_set(1, {"foo": "bar"}, name="foo")
    bar = copy.deepcopy(foo)
    bar["metadata"].update(name="bar", namespace="ns", uid="b")
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}
    cluster = ENGINE.restore(basic, foo, bar, ns)
    no_labels = dec({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "foo1", "namespace": "default"}})
    other_ns = dec({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "foo2", "namespace": "other",
                                 "labels": {"foo": "bar"}}})
    match = dec({"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": "foo3", "namespace": "ns", "labels": {"foo": "bar"}}})
    assert rsc.get_pod_replica_sets(cluster, no_labels) == []
    assert rsc.get_pod_replica_sets(cluster, other_ns) == []
    assert [r.metadata.name for r in rsc.get_pod_replica_sets(cluster, match)] == ["bar"]


def _family() -> Cluster:
    some = new_replica_set(1, {"foo": "bar"}, name="foo1", uid="u1")
    related = new_replica_set(1, {"foo": "baz"}, name="foo2", uid="u2")
    unrelated = new_replica_set(1, {"foo": "quux"}, name="bar1", uid="u3", owner="456")
    return ENGINE.restore(some, related, unrelated,
                   new_pod("pod1", some), new_pod("pod2", some), new_pod("pod3", related),
                   new_pod("pod4", unrelated))


def test_related_lookups() -> None:
    """TestGetReplicaSetsWithSameController and TestRelatedPodsLookup."""
    cluster = _family()
    some = cluster.get("ReplicaSet", "default", "foo1")
    unrelated = cluster.get("ReplicaSet", "default", "bar1")
    names = [r.metadata.name for r in rsc.get_replica_sets_with_same_controller(cluster, some)]
    assert sorted(names) == ["foo1", "foo2"]
    related = rsc.get_indirectly_related_pods(cluster, some)
    assert sorted(p.metadata.name for p in related) == ["pod1", "pod2", "pod3"]
    assert [p.metadata.name for p in rsc.get_indirectly_related_pods(cluster, unrelated)] \
        == ["pod4"]


def test_update_pods_enqueues() -> None:
    """TestUpdatePods: the four cases of old/new controller and labels."""
    rs1 = new_replica_set(1, {"foo": "bar"}, name="foobar", uid="u1")
    rs2 = new_replica_set(1, {"bar": "foo"}, name="barfoo", uid="u2")
    cluster = ENGINE.restore(rs1, rs2)
    ref1 = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "foobar", "uid": "u1",
            "controller": True}
    ref2 = {**ref1, "name": "barfoo", "uid": "u2"}

    def pod(labels: dict[str, str], refs: list[dict[str, Any]], rv: str) -> Any:
        return dec({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "pod0", "namespace": "default", "labels": labels,
                                 "ownerReferences": refs, "resourceVersion": rv}})

    def keys(old: Any, new: Any) -> set[str]:
        return set(rsc.watch(cluster, Change("Pod", "default", "pod0", old, new)))

    foo, bar = {"foo": "bar"}, {"bar": "foo"}
    assert keys(pod(foo, [ref1], "1"), pod(bar, [ref1], "2")) == {"default/foobar"}
    assert keys(pod(bar, [ref2], "1"), pod(bar, [], "2")) == {"default/barfoo"}
    assert keys(pod(bar, [ref1], "1"), pod(bar, [], "2")) == {"default/foobar",
                                                               "default/barfoo"}
    assert keys(pod(foo, [ref2], "1"), pod(bar, [ref2], "2")) == {"default/barfoo"}
    # A resync (same resourceVersion) wakes nobody; a deleted orphan neither.
    assert keys(pod(foo, [ref1], "1"), pod(foo, [ref1], "1")) == set()
    assert keys(pod(foo, [], "1"), None) == set()
    assert keys(None, pod(foo, [], "1")) == {"default/foobar"}


# -- syncReplicaSet through the manager ------------------------------------------------------


def test_sync_does_nothing_when_replicas_match() -> None:
    """TestSyncReplicaSetDoesNothing: two running pods, two replicas: no creates or deletes."""
    rs = new_replica_set(2, {"foo": "bar"})
    cluster = ENGINE.restore(rs, new_pod("pod0", rs), new_pod("pod1", rs), now=T0)
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    assert [p.metadata.name for p in pods_of(after)] == ["pod0", "pod1"]
    status = after.get("ReplicaSet", "default", "foobar").status
    assert (status.replicas, status.ready_replicas, status.available_replicas,
            status.observed_generation) == (2, 2, 2, 1)
    # A second sync writes nothing: the status is unchanged.
    again = ENGINE.reconcile(after, "replicaset", "default/foobar")
    assert again.resource_version == after.resource_version


def test_sync_creates_pods_from_the_template() -> None:
    rs = new_replica_set(3, {"foo": "bar"}, template_labels={"foo": "bar", "x": "y"})
    rs["spec"]["template"]["metadata"]["annotations"] = {"a": "b"}
    after = ENGINE.reconcile(ENGINE.restore(rs, now=T0), "replicaset", "default/foobar")
    pods = pods_of(after)
    assert len(pods) == 3
    for p in pods:
        assert p.metadata.name.startswith("foobar-") and len(p.metadata.name) == 12
        assert dict(p.metadata.labels) == {"foo": "bar", "x": "y"}
        assert dict(p.metadata.annotations) == {"a": "b"}
        ref = p.metadata.owner_references[0]
        assert (ref.kind, ref.name, ref.uid, ref.controller, ref.block_owner_deletion) == (
            "ReplicaSet", "foobar", RS_UID, True, True)
        assert p.spec.containers[0].image == "foo/bar"
    # The status counts the pods seen before the creates, as Go's does.
    status = after.get("ReplicaSet", "default", "foobar").status
    assert (status.replicas, status.observed_generation) == (0, 1)
    assert ("replicaset", "default/foobar") in after.queue.queued  # the pod adds woke it
    after = ENGINE.reconcile(after, "replicaset", "default/foobar")
    assert after.get("ReplicaSet", "default", "foobar").status.replicas == 3
    assert len(pods_of(after)) == 3


def test_sync_creates_at_most_burst_replicas() -> None:
    rs = new_replica_set(rsc.BURST_REPLICAS + 3, {"foo": "bar"})
    after = ENGINE.reconcile(ENGINE.restore(rs, now=T0), "replicaset", "default/foobar")
    assert len(pods_of(after)) == rsc.BURST_REPLICAS
    after = ENGINE.reconcile(after, "replicaset", "default/foobar")
    assert len(pods_of(after)) == rsc.BURST_REPLICAS + 3


def test_sync_create_failure_sets_replica_failure() -> None:
    """TestSyncReplicaSetCreateFailures: the first batch fails, slow start stops after one
    call, the ReplicaFailure condition carries the API server's message, and the key is
    requeued with backoff."""
    rs = new_replica_set(10, {"foo": "bar"})
    rs["spec"]["template"]["spec"]["priorityClassName"] = "missing"  # admission forbids
    cluster = ENGINE.restore(rs, now=T0)
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    assert pods_of(after) == []
    [cond] = after.get("ReplicaSet", "default", "foobar").status.conditions
    assert (cond.type, cond.status, cond.reason, cond.last_transition_time) == (
        "ReplicaFailure", "True", "FailedCreate", cluster.now)
    assert cond.message.startswith('pods "foobar-')
    assert cond.message.endswith('" is forbidden: no PriorityClass with name missing was found')
    assert after.queue.num_requeues(("replicaset", "default/foobar")) == 1
    # Slow start stopped after the first batch of one: only the status write happened.
    assert after.resource_version == cluster.resource_version + 1
    # The failure persists: the condition is kept as it was, not rewritten.
    again = ENGINE.reconcile(after, "replicaset", "default/foobar")
    assert again.get("ReplicaSet", "default", "foobar").status.conditions == \
        after.get("ReplicaSet", "default", "foobar").status.conditions


def test_sync_deletes_by_rank() -> None:
    rs = new_replica_set(2, {"foo": "bar"})
    cluster = ENGINE.restore(rs, new_pod("a-ready-old", rs, node="n1", ready_since=T0),
                      new_pod("b-pending", rs, "Pending", node="n1"),
                      new_pod("c-unscheduled", rs, "Pending"),
                      new_pod("d-ready", rs, node="n2", ready_since=T0),
                      now="2024-01-01T01:00:00Z")
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    pods = {p.metadata.name: p for p in pods_of(after)}
    # c (unscheduled) is removed at once (grace 0); b (pending on a node) is terminating.
    assert "c-unscheduled" not in pods
    assert pods["b-pending"].metadata.deletion_timestamp is not None
    assert pods["a-ready-old"].metadata.deletion_timestamp is None
    assert pods["d-ready"].metadata.deletion_timestamp is None


def test_sync_prefers_deleting_doubled_up_pods() -> None:
    rs = new_replica_set(2, {"foo": "bar"})
    cluster = ENGINE.restore(rs, new_pod("a", rs, node="n1", ready_since=T0),
                      new_pod("b", rs, node="n2", ready_since=T0),
                      new_pod("c", rs, node="n2", ready_since=T0),
                      now="2024-01-01T01:00:00Z")
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    deleting = [p.metadata.name for p in pods_of(after) if p.metadata.deletion_timestamp]
    assert deleting in (["b"], ["c"])


def test_sync_adopts_orphans_and_ignores_pods_of_other_controllers() -> None:
    """TestDoNotPatchPodWithOtherControlRef, plus an orphan the ReplicaSet adopts."""
    rs = new_replica_set(2, {"foo": "bar"})
    other = new_pod("other", rs)
    other["metadata"]["ownerReferences"][0].update(uid="another", name="AnotherRS")
    cluster = ENGINE.restore(rs, other, new_pod("orphan", rs, owned=False), now=T0)
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    pods = {p.metadata.name: p for p in pods_of(after)}
    assert len(pods) == 3  # orphan adopted, one created; "other" not counted
    assert pods["orphan"].metadata.owner_references[0].uid == RS_UID
    assert pods["other"].metadata.owner_references[0].uid == "another"


def test_sync_does_not_adopt_or_create_while_deleted() -> None:
    """TestDoNotAdoptOrCreateIfBeingDeleted."""
    rs = new_replica_set(2, {"foo": "bar"})
    rs["metadata"].update(deletionTimestamp=T0, finalizers=["foregroundDeletion"])
    cluster = ENGINE.restore(rs, new_pod("pod1", rs, owned=False), now=T0)
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    assert [p.metadata.name for p in pods_of(after)] == ["pod1"]
    assert not pods_of(after)[0].metadata.owner_references


def test_sync_releases_pods_that_no_longer_match() -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    stale = new_pod("stale", rs)
    stale["metadata"]["labels"] = {"foo": "other"}
    after = ENGINE.reconcile(ENGINE.restore(rs, stale, now=T0), "replicaset", "default/foobar")
    pods = {p.metadata.name: p for p in pods_of(after)}
    assert not pods["stale"].metadata.owner_references
    assert len(pods) == 2  # released, and a replacement created


def test_sync_plans_the_next_availability_check() -> None:
    rs = new_replica_set(2, {"foo": "bar"}, minReadySeconds=10)
    cluster = ENGINE.restore(rs, new_pod("a", rs, ready_since="2024-01-01T00:00:03Z"),
                      new_pod("b", rs, ready_since="2024-01-01T00:00:00Z"),
                      now="2024-01-01T00:00:05Z")
    after = ENGINE.reconcile(cluster, "replicaset", "default/foobar")
    status = after.get("ReplicaSet", "default", "foobar").status
    assert (status.ready_replicas, status.available_replicas) == (2, 0)
    assert after.queue.waiting[("replicaset", "default/foobar")] == after.now + 5
    later = manager.advance(after, after.now + 5)
    assert ("replicaset", "default/foobar") in later.queue.queued
    later = ENGINE.reconcile(later, "replicaset", "default/foobar")
    status = later.get("ReplicaSet", "default", "foobar").status
    assert (status.ready_replicas, status.available_replicas) == (2, 1)
    assert later.queue.waiting[("replicaset", "default/foobar")] == later.now + 3


def test_sync_of_a_missing_replica_set_does_nothing() -> None:
    cluster = ENGINE.restore(now=T0)
    assert ENGINE.reconcile(cluster, "replicaset", "default/gone").objects == cluster.objects


# -- the pod: event --------------------------------------------------------------------------


def _step(cluster: Cluster, event: PodEvent) -> manager.Outcome:
    return ENGINE.apply_event(cluster, event, mode="manual")


def test_pod_event_makes_every_pod_ready_and_the_replica_set_counts_them() -> None:
    rs = new_replica_set(3, {"foo": "bar"}, minReadySeconds=0)
    cluster = ENGINE.reconcile(ENGINE.restore(rs, now=T0), "replicaset", "default/foobar")
    outcome = _step(cluster, PodEvent("default", "*"))
    assert outcome.rejected is None
    for p in pods_of(outcome.cluster):
        assert p.status.phase == "Running" and p.status.start_time == cluster.now
        ready = {c.type: c for c in p.status.conditions}["Ready"]
        assert (ready.status, ready.last_transition_time) == ("True", cluster.now)
        assert [cs.ready for cs in p.status.container_statuses] == [True]
    after = ENGINE.reconcile(outcome.cluster, "replicaset", "default/foobar")
    status = after.get("ReplicaSet", "default", "foobar").status
    assert (status.replicas, status.ready_replicas, status.available_replicas) == (3, 3, 3)


def test_pod_event_unready_and_restart() -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    cluster = ENGINE.restore(rs, new_pod("p", rs, "Pending"), now=T0)
    c = _step(cluster, PodEvent("default", "p", ready=False)).cluster
    ready = {x.type: x for x in c.get("Pod", "default", "p").status.conditions}["Ready"]
    assert (ready.status, ready.reason, ready.message) == (
        "False", "ContainersNotReady", "containers with unready status: [c]")
    c = _step(c, PodEvent("default", "p", ready=True)).cluster
    c = _step(c, PodEvent("default", "p", exit=1)).cluster
    pod = c.get("Pod", "default", "p")
    assert pod.status.phase == "Running"
    assert pod.status.container_statuses[0].restart_count == 1
    assert pod.status.container_statuses[0].last_state["terminated"]["exitCode"] == 1
    assert {x.type: x for x in pod.status.conditions}["Ready"].status == "False"


@pytest.mark.parametrize(("policy", "code", "phase"), [
    ("Never", 0, "Succeeded"), ("Never", 3, "Failed"), ("OnFailure", 0, "Succeeded"),
    ("OnFailure", 3, "Running")])
def test_pod_event_exit_under_restart_policies(policy: str, code: int, phase: str) -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    pod = new_pod("p", rs)
    pod["spec"]["restartPolicy"] = policy
    c = _step(ENGINE.restore(rs, pod, now=T0), PodEvent("default", "p", exit=code)).cluster
    assert c.get("Pod", "default", "p").status.phase == phase


def test_failed_pod_is_replaced() -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    pod = new_pod("p", rs)
    pod["spec"]["restartPolicy"] = "Never"
    c = _step(ENGINE.restore(rs, pod, now=T0), PodEvent("default", "p", exit=2)).cluster
    assert ("replicaset", "default/foobar") in c.queue.queued
    c = ENGINE.reconcile(c, "replicaset", "default/foobar")
    assert len(pods_of(c)) == 2  # the failed pod stays; a replacement is created


@pytest.mark.parametrize(("event", "message"), [
    (PodEvent("default", "nope"), 'pods "nope" not found'),
    (PodEvent("default", "*"), 'pods "*" not found'),
    (PodEvent("default", "p", container="x"), "container x is not valid for pod p"),
])
def test_pod_event_rejections(event: PodEvent, message: str) -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    cluster = ENGINE.restore(rs, *( [new_pod("p", rs)] if event.name != "*" else []), now=T0)
    outcome = _step(cluster, event)
    assert outcome.rejected is not None and outcome.rejected.message == message
    assert outcome.cluster.objects == cluster.objects


def test_pod_event_names_one_container() -> None:
    rs = new_replica_set(1, {"foo": "bar"})
    pod = new_pod("p", rs, "Pending")
    pod["spec"]["containers"].append({"name": "side", "image": "s"})
    c = _step(ENGINE.restore(rs, pod, now=T0), PodEvent("default", "p", container="c")).cluster
    p = c.get("Pod", "default", "p")
    assert [(cs.name, cs.ready) for cs in p.status.container_statuses] == [
        ("c", True), ("side", False)]
    assert {x.type: x for x in p.status.conditions}["Ready"].message == \
        "containers with unready status: [side]"
