"""The disruption controller against pkg/controller/disruption/disruption_test.go (v1.34):
TestNoSelector, TestUnavailable, TestIntegerMaxUnavailable,
TestIntegerMaxUnavailableWithScaling, TestPercentageMaxUnavailableWithScaling, TestNakedPod,
TestUnsupportedControllerPod, TestStatusForUnmanagedPod, TestTotalUnmanagedPods,
TestReplicaSet, TestScaleResource, TestScaleFinderNoResource, TestMultipleControllers,
TestReplicationController, TestStatefulSetController, TestTwoControllers, TestPDBNotExist,
TestUpdateDisruptedPods, TestBasicFinderFunctions, TestDeploymentFinderFunction,
TestInvalidSelectors, TestKeepExistingPDBConditionDuringSync; plus the informer handlers, the
recheck of disruptedPods entries, and the write made only when the status changed.

Each Go `dc.sync(ctx, pdbName)` is one `reconcile` through the manager; objects Go adds to the
informer stores are restored into the cluster as a snapshot would hold them."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.meta import find_status_condition
from kubefold.core.objects import OwnerReference
from kubefold.core.pdb import (
    DISRUPTION_ALLOWED_CONDITION,
    INSUFFICIENT_PODS_REASON,
    SUFFICIENT_PODS_REASON,
)
from kubefold.core.schema import format_time, parse_time
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controllers import disruption as dc
from tests.helpers import Engine, plane

T0 = "2024-01-01T00:00:00Z"

ENGINE = Engine(plane(dc.CONTROLLER))


NOW = parse_time(T0)
KEY = "default/foobar"
FOO_BAR = {"foo": "bar"}


# -- builders (disruption_test.go newMinAvailablePodDisruptionBudget, newPod, ...) -------------


def new_pdb(min_available: int | str | None = None, max_unavailable: int | str | None = None,
            selector: Any = None, status: dict[str, Any] | None = None,
            name: str = "foobar", generation: int = 1) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"matchLabels": FOO_BAR} if selector is None
                            else selector}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if max_unavailable is not None:
        spec["maxUnavailable"] = max_unavailable
    m: dict[str, Any] = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                         "metadata": {"name": name, "namespace": "default",
                                      "uid": f"{name}-pdb-uid", "generation": generation},
                         "spec": spec}
    if status:
        m["status"] = status
    return m


def owner(kind: str, name: str, uid: str, api_version: str | None = None) -> dict[str, Any]:
    version = api_version or {"ReplicationController": "v1"}.get(kind, "apps/v1")
    return {"apiVersion": version, "kind": kind, "name": name, "uid": uid, "controller": True}


def new_pod(name: str, labels: dict[str, str] | None = None, ready: bool = True,
            *owners: dict[str, Any], deleting: bool = False) -> dict[str, Any]:
    """newPod: labels foo=bar and Ready=True (ready=False: no conditions)."""
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"{name}-uid",
                            "labels": labels if labels is not None else FOO_BAR}
    if owners:
        meta["ownerReferences"] = list(owners)
    if deleting:
        meta["deletionTimestamp"] = T0
        meta["deletionGracePeriodSeconds"] = 30
    status: dict[str, Any] = {"phase": "Running"}
    if ready:
        status["conditions"] = [{"type": "Ready", "status": "True"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "c", "image": "i"}], "nodeName": "n"},
            "status": status}


def workload(kind: str, replicas: int, name: str = "foobar", uid: str | None = None,
             selector: dict[str, str] | None = None, *owners: dict[str, Any]) -> dict[str, Any]:
    """newReplicaSet / newStatefulSet / newDeployment / newReplicationController."""
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": uid or f"{name}-uid",
                            "labels": FOO_BAR}
    if owners:
        meta["ownerReferences"] = list(owners)
    sel = selector or FOO_BAR
    spec: dict[str, Any] = {"replicas": replicas}
    if kind == "ReplicationController":
        spec["selector"] = sel
    else:
        spec["selector"] = {"matchLabels": sel}
        spec["template"] = {"metadata": {"labels": sel},
                            "spec": {"containers": [{"name": "c", "image": "i"}]}}
    version = "v1" if kind == "ReplicationController" else "apps/v1"
    return {"apiVersion": version, "kind": kind, "metadata": meta, "spec": spec}


def add(cluster: Cluster, *manifests: dict[str, Any]) -> Cluster:
    """Go's `add(t, store, obj)` / `update(...)`: the informer's store now holds obj."""
    restored = apiserver.restore(cluster, [decode_object(m) for m in manifests])
    return ENGINE.dispatch(restored)[0]


def start(*manifests: dict[str, Any]) -> Cluster:
    return ENGINE.restore(*manifests, now=T0)


def sync(cluster: Cluster, key: str = KEY) -> Cluster:
    return ENGINE.reconcile(cluster, "disruption", key)


def verify_pdb_status(cluster: Cluster, allowed: int, current: int, desired: int,
                      expected: int, disrupted: dict[str, str] | None = None,
                      key: str = KEY) -> None:
    """pdbStates.VerifyPdbStatus: the counts, the disruptedPods, observedGeneration, and a
    DisruptionAllowed condition True exactly when disruptions are allowed."""
    ns, name = key.split("/")
    pdb = cluster.get("PodDisruptionBudget", ns, name)
    status = pdb.status
    assert (status.disruptions_allowed, status.current_healthy, status.desired_healthy,
            status.expected_pods) == (allowed, current, desired, expected)
    assert dict(status.disrupted_pods) == (disrupted or {})
    assert status.observed_generation == pdb.metadata.generation
    cond = find_status_condition(status.conditions, DISRUPTION_ALLOWED_CONDITION)
    assert cond is not None
    assert cond.status == ("True" if allowed > 0 else "False")
    assert cond.reason == (SUFFICIENT_PODS_REASON if allowed > 0
                           else INSUFFICIENT_PODS_REASON)


def allowed_of(cluster: Cluster, key: str = KEY) -> int:
    """pdbStates.VerifyDisruptionAllowed's value."""
    ns, name = key.split("/")
    return cluster.get("PodDisruptionBudget", ns, name).status.disruptions_allowed


def sync_failed(cluster: Cluster) -> Any:
    cond = find_status_condition(cluster.get("PodDisruptionBudget", "default", "foobar")
                                    .status.conditions, DISRUPTION_ALLOWED_CONDITION)
    return cond if cond is not None and cond.reason == dc.SYNC_FAILED_REASON else None


# -- TestNoSelector, TestUnavailable ------------------------------------------------------------


def test_no_selector() -> None:
    """TestNoSelector: an empty selector matches every pod."""
    cluster = sync(start(new_pdb(3, selector={})))
    verify_pdb_status(cluster, 0, 0, 3, 0)
    cluster = sync(add(cluster, new_pod("yo-yo-yo", labels={})))
    verify_pdb_status(cluster, 0, 1, 3, 1)


def test_unavailable() -> None:
    """TestUnavailable: counts go up as pods are added, down when one turns unready."""
    cluster = sync(start(new_pdb(3)))
    for i in range(4):
        verify_pdb_status(cluster, 0, i, 3, i)
        cluster = sync(add(cluster, new_pod(f"yo-yo-yo-{i}")))
    verify_pdb_status(cluster, 1, 4, 3, 4)
    cluster = sync(add(cluster, new_pod("yo-yo-yo-0", ready=False)))
    verify_pdb_status(cluster, 0, 3, 3, 4)


# -- maxUnavailable and percentages ----------------------------------------------------------


def test_integer_max_unavailable() -> None:
    """TestIntegerMaxUnavailable: no controller, no disruption (and no error)."""
    cluster = sync(start(new_pdb(max_unavailable=1)))
    assert allowed_of(cluster) == 0
    cluster = sync(add(cluster, new_pod("naked")))
    assert allowed_of(cluster) == 0
    verify_pdb_status(cluster, 0, 1, 0, 0)


@pytest.mark.parametrize(("max_unavailable", "first", "scaled", "second"), [
    pytest.param(2, (0, 1, 5, 7), 5, (0, 1, 3, 5),
                 id="TestIntegerMaxUnavailableWithScaling"),
    pytest.param("30%", (0, 1, 4, 7), 3, (0, 1, 2, 3),
                 id="TestPercentageMaxUnavailableWithScaling"),
])
def test_max_unavailable_with_scaling(max_unavailable: int | str, first: tuple, scaled: int,
                                      second: tuple) -> None:
    """The PDB follows its pods' ReplicaSet's scale."""
    rs = workload("ReplicaSet", 7)
    pod = new_pod("pod", None, True, owner("ReplicaSet", "foobar", "foobar-uid"))
    cluster = sync(start(new_pdb(max_unavailable=max_unavailable), rs, pod))
    verify_pdb_status(cluster, *first)
    rs["spec"]["replicas"] = scaled
    cluster = sync(add(cluster, rs))
    verify_pdb_status(cluster, *second)


@pytest.mark.parametrize("name", [
    pytest.param("naked", id="TestNakedPod"),
    pytest.param("unmanaged", id="TestStatusForUnmanagedPod"),
])
def test_naked_pod(name: str) -> None:
    """A percentage with a pod that has no controller: no disruption, and no SyncFailed."""
    cluster = sync(start(new_pdb("28%")))
    assert allowed_of(cluster) == 0
    cluster = sync(add(cluster, new_pod(name)))
    assert allowed_of(cluster) == 0
    assert sync_failed(cluster) is None
    verify_pdb_status(cluster, 0, 1, 0, 0)


def test_total_unmanaged_pods() -> None:
    """TestTotalUnmanagedPods: getExpectedScale names the unmanaged pod."""
    cluster = start(new_pdb("28%"), new_pod("unmanaged"))
    pdb = cluster.get("PodDisruptionBudget", "default", "foobar")
    pods = list(cluster.list("Pod", "default"))
    assert dc.get_expected_scale(cluster, pdb, pods) == (0, ["unmanaged"], None)


def test_unsupported_controller_pod() -> None:
    """TestUnsupportedControllerPod: an owner kind with no REST mapping fails the sync; the
    fail-safe status allows no disruption."""
    cluster = sync(start(new_pdb("28%")))
    bad = owner("TestWorkload", "fake-controller", "b7329742-8daa-493a-8881-6ca07139172b",
                "apps.test.io/v1")
    cluster = sync(add(cluster, new_pod("naked", None, True, bad)))
    assert allowed_of(cluster) == 0
    cond = sync_failed(cluster)
    assert cond is not None and cond.status == "False"
    assert cond.message == 'no matches for kind "TestWorkload" in version "apps.test.io/v1"'
    # failSafe keeps the observedGeneration the status had (that of the first sync).
    assert cluster.get("PodDisruptionBudget", "default", "foobar") \
        .status.observed_generation == 1
    assert cluster.queue.num_requeues(("disruption", KEY)) == 0  # failSafe wrote: no retry


def test_replica_set() -> None:
    """TestReplicaSet: a ReplicaSet's scale counts even without a Deployment."""
    pod = new_pod("pod", None, True, owner("ReplicaSet", "foobar", "foobar-uid"))
    cluster = sync(start(new_pdb("20%"), workload("ReplicaSet", 10), pod))
    verify_pdb_status(cluster, 0, 1, 2, 10)


def test_scale_resource() -> None:
    """TestScaleResource: a custom resource's scale subresource."""
    cr = {"apiVersion": "custom.k8s.io/v1", "kind": "customresource",
          "metadata": {"name": "cr", "namespace": "default", "uid": "cr-uid"},
          "spec": {"replicas": 10}}
    ref = owner("customresource", "cr", "cr-uid", "custom.k8s.io/v1")
    pods = [new_pod(f"pod-{i}", None, True, ref) for i in range(4)]
    cluster = sync(start(new_pdb(max_unavailable=5), cr, *pods))
    # replicas - pods = 6 > maxUnavailable: no disruption allowed.
    verify_pdb_status(cluster, 0, 4, 5, 10)


@pytest.mark.parametrize(("spec", "expect_error"), [
    pytest.param({"replicas": 3}, None,
                 id="TestScaleFinderNoResource/resource implements scale"),
    pytest.param({"size": 3}, "customresources.custom.k8s.io does not implement the scale "
                 "subresource", id="TestScaleFinderNoResource/resource does not implement scale"),
])
def test_scale_finder_no_resource(spec: dict[str, Any], expect_error: str | None) -> None:
    """TestScaleFinderNoResource: the named object is not found; whether that is an error
    depends on whether the resource implements scale (kubefold: has spec.replicas)."""
    other = {"apiVersion": "custom.k8s.io/v1", "kind": "customresource",
             "metadata": {"name": "other", "namespace": "default", "uid": "other-uid"},
             "spec": spec}
    cluster = start(other)
    ref = OwnerReference(api_version="custom.k8s.io/v1", kind="customresource", name="name",
                         uid="missing-uid", controller=True)
    assert dc.get_scale_controller(cluster, ref, "default") == (None, expect_error)


def test_multiple_controllers() -> None:
    """TestMultipleControllers: no controllers, then one RC of scale 1 with 2 healthy pods."""
    pods = [new_pod(f"pod-{i}") for i in range(2)]
    cluster = sync(start(new_pdb("1%"), *pods))
    assert allowed_of(cluster) == 0
    rc = workload("ReplicationController", 1, "rc-1", "rc-1-uid")
    ref = owner("ReplicationController", "rc-1", "rc-1-uid")
    cluster = sync(add(cluster, rc, *[new_pod(f"pod-{i}", None, True, ref) for i in range(2)]))
    assert allowed_of(cluster) == 1


@pytest.mark.parametrize("kind", [
    pytest.param("ReplicationController", id="TestReplicationController"),
    pytest.param("StatefulSet", id="TestStatefulSetController"),
    pytest.param("ReplicaSet", id="TestReplicationController-like for a ReplicaSet"),
])
def test_controller(kind: str) -> None:
    """34% of 3 rounds up to 2; a rogue pod without a controller counts as healthy but not
    as expected."""
    labels = {"foo": "bar", "baz": "quux"}
    ctrl = workload(kind, 3, selector=labels)
    cluster = sync(start(new_pdb("34%"), ctrl))
    # It starts out at 0 expected: with no pods, the PDB does not know the controller.
    verify_pdb_status(cluster, 0, 0, 0, 0)
    ref = owner(kind, "foobar", "foobar-uid")
    for i in range(3):
        cluster = sync(add(cluster, new_pod(f"foobar-{i}", labels, True, ref)))
        verify_pdb_status(cluster, 0 if i < 2 else 1, i + 1, 2, 3)
    cluster = sync(add(cluster, new_pod("rogue")))
    assert allowed_of(cluster) == 2


def test_two_controllers() -> None:
    """TestTwoControllers: an RC and a ReplicaSet of 11 each under a 28% budget."""
    rc_labels = {"foo": "bar", "baz": "quux"}
    d_labels = {"foo": "bar", "baz": "quuux"}
    collection_size, minimum_one, minimum_two = 11, 4, 7
    rc = workload("ReplicationController", collection_size, selector=rc_labels)
    cluster = sync(start(new_pdb("28%"), rc))
    verify_pdb_status(cluster, 0, 0, 0, 0)

    rc_ref = owner("ReplicationController", "foobar", "foobar-uid")
    unavailable = collection_size - minimum_one - 1
    for i in range(1, collection_size + 1):
        pod = new_pod(f"quux-{i}", rc_labels, i > unavailable, rc_ref)
        cluster = sync(add(cluster, pod))
        if i <= unavailable:
            verify_pdb_status(cluster, 0, 0, minimum_one, collection_size)
        elif i - unavailable <= minimum_one:
            verify_pdb_status(cluster, 0, i - unavailable, minimum_one, collection_size)
        else:
            verify_pdb_status(cluster, 1, i - unavailable, minimum_one, collection_size)

    d = workload("Deployment", collection_size, "foobar-d", selector=d_labels)
    cluster = sync(add(cluster, d))
    verify_pdb_status(cluster, 1, minimum_one + 1, minimum_one, collection_size)

    rs = workload("ReplicaSet", collection_size, "foobar-rs", selector=d_labels)
    cluster = sync(add(cluster, rs))
    verify_pdb_status(cluster, 1, minimum_one + 1, minimum_one, collection_size)

    rs_ref = owner("ReplicaSet", "foobar-rs", "foobar-rs-uid")
    unavailable = 2 * collection_size - (minimum_two + 2) - unavailable
    rs_pods = []
    for i in range(1, collection_size + 1):
        pod = new_pod(f"quuux-{i}", d_labels, i > unavailable, rs_ref)
        rs_pods.append(pod)
        cluster = sync(add(cluster, pod))
        both = 2 * collection_size
        if i <= unavailable:
            verify_pdb_status(cluster, 0, minimum_one + 1, minimum_two, both)
        elif i - unavailable <= minimum_two - (minimum_one + 1):
            verify_pdb_status(cluster, 0, minimum_one + 1 + i - unavailable, minimum_two, both)
        else:
            verify_pdb_status(cluster, i - unavailable - (minimum_two - (minimum_one + 1)),
                              minimum_one + 1 + i - unavailable, minimum_two, both)

    # Bring down one pod: still one disruption; two: none; one back: one again.
    both = 2 * collection_size
    verify_pdb_status(cluster, 2, 2 + minimum_two, minimum_two, both)
    last, before_last = rs_pods[-1], rs_pods[-2]
    del last["status"]["conditions"]
    cluster = sync(add(cluster, last))
    verify_pdb_status(cluster, 1, 1 + minimum_two, minimum_two, both)
    del before_last["status"]["conditions"]
    cluster = sync(add(cluster, before_last))
    verify_pdb_status(cluster, 0, minimum_two, minimum_two, both)
    last["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    cluster = sync(add(cluster, last))
    verify_pdb_status(cluster, 1, 1 + minimum_two, minimum_two, both)


def test_pdb_not_exist() -> None:
    """TestPDBNotExist: a key with no PDB is done with (no error, no write)."""
    cluster = start(new_pdb("67%"))
    after = sync(cluster, "default/notExist")
    assert after.resource_version == cluster.resource_version
    assert ("disruption", "default/notExist") not in after.queue.queued


def test_update_disrupted_pods() -> None:
    """TestUpdateDisruptedPods: entries go when the pod is being deleted, is gone, or the
    entry expired; an untouched pod's entry stays, and the PDB is rechecked at its expiry."""
    disrupted = {"p1": T0, "p2": format_time(NOW - 180), "p3": format_time(NOW - 60),
                 "notthere": T0}
    pdb = new_pdb(1, status={"disruptedPods": disrupted})
    cluster = start(pdb, new_pod("p1", deleting=True), new_pod("p2"), new_pod("p3"))
    cluster = sync(cluster)
    verify_pdb_status(cluster, 0, 1, 1, 3, {"p3": format_time(NOW - 60)})
    assert cluster.queue.waiting.get(("disruption", KEY)) == NOW + 60


def test_disrupted_pod_expires_at_its_deadline() -> None:
    """At disruption time + DeletionTimeout the entry is gone and the pod healthy again."""
    pdb = new_pdb(1, status={"disruptedPods": {"p1": T0}})
    cluster = sync(ENGINE.restore(pdb, new_pod("p1"), new_pod("p2"), now=T0))
    verify_pdb_status(cluster, 0, 1, 1, 2, {"p1": T0})
    cluster = sync(manager.advance(cluster, NOW + dc.DELETION_TIMEOUT - 1))
    verify_pdb_status(cluster, 0, 1, 1, 2, {"p1": T0})
    cluster = sync(manager.advance(cluster, NOW + dc.DELETION_TIMEOUT))
    verify_pdb_status(cluster, 1, 2, 1, 2)


# -- finders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("finder", "api_version", "kind", "name", "expected"), [
    pytest.param(dc.get_pod_replica_set, "apps/v1", "ReplicaSet", "rs", 10,
                 id="TestBasicFinderFunctions/replicaset controller with apps group"),
    pytest.param(dc.get_pod_replica_set, "invalid/v1", "ReplicaSet", "rs", None,
                 id="TestBasicFinderFunctions/replicaset controller with invalid group"),
    pytest.param(dc.get_pod_replication_controller, "/v1", "ReplicationController", "rc", 12,
                 id="TestBasicFinderFunctions/replicationcontroller with empty group"),
    pytest.param(dc.get_pod_replication_controller, "apps/v1", "ReplicationController", "rc",
                 None, id="TestBasicFinderFunctions/replicationcontroller with invalid group"),
    pytest.param(dc.get_pod_stateful_set, "apps/v1", "StatefulSet", "ss", 14,
                 id="TestBasicFinderFunctions/statefulset controller with extensions group"),
    pytest.param(dc.get_pod_stateful_set, "apps/v1", "ReplicaSet", "ss", None,
                 id="TestBasicFinderFunctions/statefulset controller with invalid kind"),
])
def test_basic_finder_functions(finder: Any, api_version: str, kind: str, name: str,
                                expected: int | None) -> None:
    cluster = start(workload("ReplicaSet", 10, "rs"), workload("ReplicationController", 12, "rc"),
                    workload("StatefulSet", 14, "ss"))
    ref = OwnerReference(api_version=api_version, kind=kind, name=name, uid=f"{name}-uid")
    cas, err = finder(cluster, ref, "default")
    assert err is None
    assert cas == (None if expected is None else dc.ControllerAndScale(f"{name}-uid", expected))


@pytest.mark.parametrize(("rs_api_version", "rs_kind", "dep_api_version", "dep_kind", "finds"), [
    pytest.param("apps/v1", "ReplicaSet", "extensions/v1", "Deployment", True,
                 id="TestDeploymentFinderFunction/happy path"),
    pytest.param("invalid/v1", "ReplicaSet", "apps/v1", "Deployment", False,
                 id="TestDeploymentFinderFunction/invalid rs apiVersion"),
    pytest.param("apps/v1", "InvalidKind", "apps/v1", "Deployment", False,
                 id="TestDeploymentFinderFunction/invalid rs kind"),
    pytest.param("extensions/v1", "ReplicaSet", "deployment/v1", "Deployment", False,
                 id="TestDeploymentFinderFunction/invalid deployment apiVersion"),
    pytest.param("apps/v1", "ReplicaSet", "extensions/v1", "InvalidKind", False,
                 id="TestDeploymentFinderFunction/invalid deployment kind"),
])
def test_deployment_finder_function(rs_api_version: str, rs_kind: str, dep_api_version: str,
                                    dep_kind: str, finds: bool) -> None:
    dep = workload("Deployment", 10, "dep")
    rs = workload("ReplicaSet", 5, "rs", None, None,
                  owner(dep_kind, "dep", "dep-uid", dep_api_version))
    cluster = start(dep, rs)
    ref = OwnerReference(api_version=rs_api_version, kind=rs_kind, name="rs", uid="rs-uid")
    cas, _ = dc.get_pod_deployment(cluster, ref, "default")
    assert cas == (dc.ControllerAndScale("dep-uid", 10) if finds else None)


def test_replica_set_of_a_deployment_counts_the_deployment() -> None:
    """getPodDeployment comes before getPodReplicaSet: a Deployment's ReplicaSets count as
    the Deployment's scale, once."""
    dep = workload("Deployment", 3, "web")
    old = workload("ReplicaSet", 1, "web-old", None, None, owner("Deployment", "web", "web-uid"))
    new = workload("ReplicaSet", 2, "web-new", None, None, owner("Deployment", "web", "web-uid"))
    pods = [new_pod("a", None, True, owner("ReplicaSet", "web-old", "web-old-uid")),
            new_pod("b", None, True, owner("ReplicaSet", "web-new", "web-new-uid")),
            new_pod("c", None, True, owner("ReplicaSet", "web-new", "web-new-uid"))]
    cluster = sync(start(new_pdb(max_unavailable=1), dep, old, new, *pods))
    verify_pdb_status(cluster, 1, 3, 2, 3)


# -- TestInvalidSelectors, TestKeepExistingPDBConditionDuringSync ----------------------------


@pytest.mark.parametrize("selector", [
    pytest.param({"matchLabels": {"k8s.io/too/many/slashes": "value"}},
                 id="TestInvalidSelectors/illegal value key"),
    pytest.param({"matchExpressions": [{"key": "foo", "operator": "illegal",
                                        "values": ["bar"]}]},
                 id="TestInvalidSelectors/illegal operator"),
])
def test_invalid_selectors(selector: dict[str, Any]) -> None:
    """The fail-safe status: 0 everywhere, DisruptionAllowed False/SyncFailed."""
    cluster = sync(start(new_pdb(3, selector=selector)))
    status = cluster.get("PodDisruptionBudget", "default", "foobar").status
    assert (status.disruptions_allowed, status.current_healthy or 0,
            status.desired_healthy or 0, status.expected_pods or 0) == (0, 0, 0, 0)
    cond = sync_failed(cluster)
    assert cond is not None and cond.status == "False"


def test_keep_existing_pdb_condition_during_sync() -> None:
    existing = {"type": "ExistingTestCondition", "status": "True", "reason": "Test",
                "message": "This is a test condition", "lastTransitionTime": T0}
    pdb = new_pdb(3, selector={}, status={"conditions": [existing]})
    cluster = sync(start(pdb))
    verify_pdb_status(cluster, 0, 0, 3, 0)
    conditions = cluster.get("PodDisruptionBudget", "default", "foobar").status.conditions
    assert [c.type for c in conditions] == ["ExistingTestCondition", "DisruptionAllowed"]


# -- kubefold: the write, the condition, the informer handlers --------------------------------


def test_status_written_only_when_changed() -> None:
    cluster = sync(start(new_pdb(1), new_pod("a"), new_pod("b")))
    verify_pdb_status(cluster, 1, 2, 1, 2)
    again = sync(cluster)
    assert again.resource_version == cluster.resource_version


def test_condition_transition_time_moves_with_its_status() -> None:
    cluster = sync(start(new_pdb(1), new_pod("a"), new_pod("b")))
    cond = find_status_condition(cluster.get("PodDisruptionBudget", "default", "foobar")
                                    .status.conditions, DISRUPTION_ALLOWED_CONDITION)
    assert (cond.status, cond.last_transition_time, cond.observed_generation, cond.message) \
        == ("True", NOW, 1, "")
    cluster = sync(add(manager.advance(cluster, NOW + 5), new_pod("b", ready=False)))
    cond = find_status_condition(cluster.get("PodDisruptionBudget", "default", "foobar")
                                    .status.conditions, DISRUPTION_ALLOWED_CONDITION)
    assert (cond.status, cond.reason, cond.last_transition_time) \
        == ("False", INSUFFICIENT_PODS_REASON, NOW + 5)


def test_watch() -> None:
    """addDB/updateDB/removeDB; addPod/updatePod (the new labels), deletePod (the old)."""
    cluster = start(new_pdb(1, name="a"), new_pdb(1, name="b", selector={}),
                    new_pdb(1, name="c", selector={"matchLabels": {"x": "y"}}))
    pod = decode_object(new_pod("p"))
    other = decode_object(new_pod("p", labels={"x": "y"}))
    pdb = cluster.get("PodDisruptionBudget", "default", "c")
    assert dc.watch(cluster, Change("PodDisruptionBudget", "default", "c", None, pdb)) \
        == ["default/c"]
    assert dc.watch(cluster, Change("Pod", "default", "p", None, pod)) \
        == ["default/a", "default/b"]
    assert dc.watch(cluster, Change("Pod", "default", "p", pod, other)) \
        == ["default/b", "default/c"]
    assert dc.watch(cluster, Change("Pod", "default", "p", other, None)) \
        == ["default/b", "default/c"]
    assert dc.watch(cluster, Change("ReplicaSet", "default", "r", None, None)) == []


def test_pod_write_queues_its_pdb_in_auto_mode() -> None:
    """A pod turning unready in auto mode: the controller recomputes the budget."""
    cluster = ENGINE.run_until_settled(start(new_pdb(1), new_pod("a"), new_pod("b")))[0]
    verify_pdb_status(cluster, 1, 2, 1, 2)
    pod = cluster.get("Pod", "default", "b")
    unready = attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=pvector()))
    written = apiserver.update_status(cluster, unready)
    assert isinstance(written, apiserver.Written)
    cluster = ENGINE.run_until_settled(ENGINE.dispatch(written.cluster)[0])[0]
    verify_pdb_status(cluster, 0, 1, 1, 2)


def test_condition_written_when_counts_are_current() -> None:
    """ConditionsAreUpToDate: counts already right but no DisruptionAllowed condition (a
    status written before the condition existed): the sync adds it."""
    status = {"currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2,
              "disruptionsAllowed": 1, "observedGeneration": 1}
    cluster = start(new_pdb(1, status=status), new_pod("a"), new_pod("b"))
    after = sync(cluster)
    assert after.resource_version > cluster.resource_version
    verify_pdb_status(after, 1, 2, 1, 2)
