"""reducers/controller_utils.py against pkg/controller/controller_utils_test.go
(TestActivePodFiltering, TestCountTerminatingPods, TestSortingActivePods,
TestSortingActivePodsWithRanks), the deletion-cost helper, the availability checks, and the
ControllerRefManager's adoption and release through the API server."""

from __future__ import annotations

import random
from typing import Any

import attrs
import pytest
from pyrsistent import pmap, pvector

from kubefold.core.labels import label_selector_as_selector
from kubefold.core.objects import (
    Condition,
    Container,
    ContainerStatus,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodStatus,
)
from kubefold.reducers.controllers import controller_utils as cu
from tests.helpers import restore

NOW = 1_700_000_000
MONTH = NOW - 30 * 24 * 3600
H2, H5, H8 = NOW - 2 * 3600, NOW - 5 * 3600, NOW - 8 * 3600


def mkpod(name: str, node: str | None = None, phase: str | None = "Running",
          ready: bool | None = None, ready_since: int | None = None,
          created: int | None = None, restarts: tuple[int, ...] = (),
          annotations: dict[str, str] | None = None, deleting: bool = False) -> Pod:
    conditions = [] if ready is None else [
        Condition(type="Ready", status="True" if ready else "False",
                  last_transition_time=ready_since)]
    return Pod(metadata=ObjectMeta(name=name, namespace="default", creation_timestamp=created,
                                   annotations=pmap(annotations or {}),
                                   deletion_timestamp=NOW if deleting else None),
               spec=PodSpec(node_name=node),
               status=PodStatus(phase=phase, conditions=pvector(conditions),
                                container_statuses=pvector(
                                    ContainerStatus(restart_count=r) for r in restarts)))


def test_active_pod_filtering() -> None:
    """TestActivePodFiltering/Filters active pods."""
    pods = [mkpod("pod-1", phase="Succeeded"), mkpod("pod-2", phase="Failed"),
            mkpod("pod-3"), mkpod("pod-4"), mkpod("pod-5")]
    assert [p.metadata.name for p in cu.filter_active_pods(pods)] == ["pod-3", "pod-4", "pod-5"]


def test_count_terminating_pods() -> None:
    """TestCountTerminatingPods: terminal pods do not count, deleting pending/running do."""
    pods = [mkpod("a", phase="Succeeded"), mkpod("b", phase="Failed"),
            mkpod("c", phase="Pending", deleting=True), mkpod("d", deleting=True),
            mkpod("e"), mkpod("f"), mkpod("g")]
    assert [p.metadata.name for p in cu.filter_terminating_pods(pods)] == ["c", "d"]


def test_sorting_active_pods() -> None:
    """TestSortingActivePods/Sorts by active pod (20 random permutations)."""
    pods = [
        mkpod("unscheduled", node="", phase="Pending"),
        mkpod("scheduledButPending", node="bar", phase="Pending"),
        mkpod("unknownPhase", node="foo", phase="Unknown"),
        mkpod("runningButNotReady", node="foo"),
        mkpod("runningNoLastTransitionTime", node="foo", ready=True, restarts=(3, 0)),
        mkpod("runningWithLastTransitionTime", node="foo", ready=True, ready_since=NOW,
              restarts=(3, 0)),
        mkpod("runningLongerTime", node="foo", ready=True, ready_since=MONTH, restarts=(3, 0)),
        mkpod("lowerContainerRestartCount", node="foo", ready=True, ready_since=MONTH,
              created=NOW, restarts=(2, 1)),
        mkpod("oldest", node="foo", ready=True, ready_since=MONTH, created=MONTH,
              restarts=(2, 1)),
    ]
    want = [p.metadata.name for p in pods]
    rng = random.Random(0)
    for _ in range(20):
        shuffled = rng.sample(pods, len(pods))
        assert [p.metadata.name for p in cu.sort_active_pods(shuffled)] == want


def _ranks_pod(name: str, node: str, phase: str, ready: bool, restarts: int,
               ready_since: int | None, created: int | None,
               annotations: dict[str, str] | None = None) -> Pod:
    return mkpod(name, node=node, phase=phase, ready=True if ready else None,
                 ready_since=ready_since if ready else None, created=created,
                 restarts=(restarts,) if ready else (), annotations=annotations)


COST = cu.POD_DELETION_COST
P: dict[str, Pod] = {
    "unscheduled": _ranks_pod("unscheduled", "", "Pending", False, 0, None, None),
    "pending": _ranks_pod("pending", "node", "Pending", False, 0, None, None),
    "unknown-phase": _ranks_pod("unknown-phase", "node", "Unknown", False, 0, None, None),
    "not-ready": _ranks_pod("not-ready", "node", "Running", False, 0, None, None),
    "ready-no-ltt": _ranks_pod("ready-no-last-transition-time", "node", "Running", True, 0,
                               None, None),
    "ready-now": _ranks_pod("ready-now", "node", "Running", True, 0, NOW, NOW),
    "ready-then": _ranks_pod("ready-then", "node", "Running", True, 0, MONTH, MONTH),
    "ready-high-restarts": _ranks_pod("ready-high-restarts", "node", "Running", True, 9001,
                                      NOW, NOW),
    "ready-now-created-then": _ranks_pod("ready-now-created-then", "node", "Running", True, 0,
                                         NOW, MONTH),
    "low-cost": _ranks_pod("low-deletion-cost", "node", "Running", True, 0, NOW, MONTH,
                           {COST: "10"}),
    "high-cost": _ranks_pod("high-deletion-cost", "node", "Running", True, 0, NOW, MONTH,
                            {COST: "100"}),
    "unscheduled-5h": _ranks_pod("unscheduled-5-hours", "", "Pending", False, 0, H5, H5),
    "unscheduled-8h": _ranks_pod("unscheduled-10-hours", "", "Pending", False, 0, H8, H8),
    "ready-2h": _ranks_pod("ready-2-hours", "", "Running", True, 0, H2, MONTH),
    "ready-5h": _ranks_pod("ready-5-hours", "", "Running", True, 0, H5, MONTH),
    "ready-8h": _ranks_pod("ready-10-hours", "", "Running", True, 0, H8, MONTH),
}

EQUALITY = [("unscheduled", None), ("pending", None), ("unknown-phase", None),
            ("not-ready", None), ("ready-now-created-then", None), ("ready-now", None),
            ("ready-then", None), ("ready-high-restarts", None), ("ready-now-created-then", None),
            ("unscheduled-5h", "unscheduled-8h"), ("ready-5h", "ready-8h")]


@pytest.mark.parametrize(("p1", "p2"), EQUALITY, ids=[
    f"TestSortingActivePodsWithRanks/Equality tests {i}" for i in range(len(EQUALITY))])
def test_sorting_active_pods_with_ranks_equality(p1: str, p2: str | None) -> None:
    s = cu.ActivePodsWithRanks((P[p1], P[p2 or p1]), (1, 1), NOW)
    assert not s.less(0, 1) and not s.less(1, 0)


INEQUALITY = [
    (("unscheduled", 1), ("pending", 2)),
    (("unscheduled", 2), ("pending", 1)),
    (("pending", 1), ("unknown-phase", 2)),
    (("unknown-phase", 1), ("not-ready", 2)),
    (("not-ready", 1), ("ready-no-ltt", 1)),
    (("ready-no-ltt", 1), ("ready-now", 1)),
    (("ready-now", 2), ("ready-no-ltt", 1)),
    (("ready-now", 1), ("ready-then", 1)),
    (("ready-now", 2), ("ready-then", 1)),
    (("ready-high-restarts", 1), ("ready-now", 1)),
    (("ready-now", 2), ("ready-high-restarts", 1)),
    (("ready-now", 1), ("ready-now-created-then", 1)),
    (("ready-now-created-then", 2), ("ready-now", 1)),
    (("low-cost", 2), ("high-cost", 1)),
    # Inequality test 14 (PodDeletionCost disabled) does not apply: the gate is on in v1.34.
    (("ready-2h", 1), ("ready-5h", 1)),
]


@pytest.mark.parametrize(("lesser", "greater"), INEQUALITY, ids=[
    f"TestSortingActivePodsWithRanks/Inequality tests {i if i < 14 else i + 1}"
    for i in range(len(INEQUALITY))])
def test_sorting_active_pods_with_ranks_inequality(lesser: tuple[str, int],
                                                   greater: tuple[str, int]) -> None:
    s = cu.ActivePodsWithRanks((P[lesser[0]], P[greater[0]]), (lesser[1], greater[1]), NOW)
    assert s.less(0, 1)
    assert not s.less(1, 0)


def test_log_scale_breaks_ties_by_uid() -> None:
    """Within one log2 bucket, the smaller uid goes first (LogarithmicScaleDown)."""
    a = mkpod("a", node="n", ready=True, ready_since=H5, created=MONTH)
    b = mkpod("b", node="n", ready=True, ready_since=H8, created=MONTH)
    a = attrs.evolve(a, metadata=attrs.evolve(a.metadata, uid="2"))
    b = attrs.evolve(b, metadata=attrs.evolve(b.metadata, uid="1"))
    s = cu.ActivePodsWithRanks((a, b), (0, 0), NOW)
    assert s.less(1, 0) and not s.less(0, 1)
    # Without a time to compare against (Go's zero Now), the plain order applies.
    plain = cu.ActivePodsWithRanks((a, b), (0, 0), None)
    assert plain.less(0, 1)


@pytest.mark.parametrize(("age", "bucket"), [(1, 29), (2, 30), (3, 31), (7200, 42)])
def test_logarithmic_rank_diff_counts_nanoseconds(age: int, bucket: int) -> None:
    # int(log2(age in ns)) - int(log2(0 s)) where the latter is -1.
    assert cu.logarithmic_rank_diff(NOW - age, NOW, NOW) == bucket + 1


@pytest.mark.parametrize(("value", "cost"), [
    (None, 0), ("10", 10), ("-5", -5), ("0", 0), ("+10", 0), ("008", 0), ("", 0),
    ("abc", 0), ("2147483647", 2147483647), ("2147483648", 0), ("-2147483648", -2147483648),
])
def test_get_deletion_cost_from_pod_annotations(value: str | None, cost: int) -> None:
    annotations = {} if value is None else {COST: value}
    assert cu.get_deletion_cost_from_pod_annotations(pmap(annotations)) == cost


def test_max_container_restarts_counts_sidecars_second() -> None:
    base = mkpod("a", restarts=(1,))
    sidecar = Pod(metadata=base.metadata,
                  spec=PodSpec(init_containers=pvector([Container(name="s",
                                                                  restart_policy="Always")])),
                  status=PodStatus(container_statuses=base.status.container_statuses,
                                   init_container_statuses=pvector(
                                       [ContainerStatus(name="s", restart_count=4)])))
    assert cu.max_container_restarts(sidecar) == (1, 4)
    assert cu.compare_max_container_restarts(sidecar, base) is True
    assert cu.compare_max_container_restarts(base, base) is None


def test_find_min_next_pod_availability_check() -> None:
    pods = [mkpod("a", ready=True, ready_since=NOW - 3), mkpod("b", ready=True,
                                                               ready_since=NOW - 7),
            mkpod("c", ready=False, ready_since=NOW), mkpod("d", ready=True,
                                                             ready_since=NOW - 30)]
    assert cu.next_pod_availability_check(pods[0], 10, NOW) == 7
    assert cu.next_pod_availability_check(pods[3], 10, NOW) is None
    assert cu.next_pod_availability_check(pods[2], 10, NOW) is None
    assert cu.find_min_next_pod_availability_check(pods, 10, NOW, NOW) == 3
    # Evaluated later than the status: refreshed against the later time, 0 once past.
    assert cu.find_min_next_pod_availability_check(pods, 10, NOW, NOW + 2) == 1
    assert cu.find_min_next_pod_availability_check(pods, 10, NOW, NOW + 5) == 0
    assert cu.find_min_next_pod_availability_check(pods, 0, NOW, NOW) is None


@pytest.mark.parametrize(("name", "prefix"), [
    ("web", "web-"), ("a" * 252, "a" * 252 + "-"), ("a" * 253, "a" * 253)])
def test_get_pods_prefix(name: str, prefix: str) -> None:
    assert cu.get_pods_prefix(name) == prefix


# -- ControllerRefManager: ClaimPods through the API server ----------------------------------

RS_UID = "11111111-1111-1111-1111-111111111111"


def _rs(deleting: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "rs", "namespace": "default", "uid": RS_UID}
    if deleting:
        meta["deletionTimestamp"] = "2024-01-01T00:00:00Z"
        meta["finalizers"] = ["foregroundDeletion"]
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "a"}},
                     "template": {"metadata": {"labels": {"app": "a"}},
                                  "spec": {"containers": [{"name": "c", "image": "i"}]}}}}


def _pod(name: str, labels: dict[str, str], owner: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": labels,
                            "creationTimestamp": "2024-01-01T00:00:00Z"}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                    "name": "x", "uid": owner, "controller": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "c", "image": "i"}]}}


def _claim(cluster: Any) -> cu.Claimed:
    rs = cluster.get("ReplicaSet", "default", "rs")
    selector = label_selector_as_selector(LabelSelector(match_labels=pmap({"app": "a"})))
    pods = sorted(cluster.list("Pod", "default"), key=lambda p: p.metadata.name)
    return cu.claim_pods(cluster, rs, selector, pods, "apps/v1", "ReplicaSet")


def test_claim_pods_adopts_keeps_releases_and_ignores() -> None:
    cluster = restore(_rs(), _pod("orphan-match", {"app": "a"}, None),
                      _pod("orphan-other", {"app": "b"}, None),
                      _pod("owned-match", {"app": "a"}, RS_UID),
                      _pod("owned-stale", {"app": "b"}, RS_UID),
                      _pod("foreign", {"app": "a"}, "22222222-2222-2222-2222-222222222222"))
    claimed = _claim(cluster)
    assert claimed.error is None
    assert [p.metadata.name for p in claimed.pods] == ["orphan-match", "owned-match"]
    c = claimed.cluster
    adopted = c.get("Pod", "default", "orphan-match")
    ref = cu.get_controller_of(adopted)
    assert ref is not None and (ref.uid, ref.name, ref.kind, ref.api_version,
                                ref.block_owner_deletion) == (RS_UID, "rs", "ReplicaSet",
                                                              "apps/v1", True)
    assert not c.get("Pod", "default", "owned-stale").metadata.owner_references
    assert cu.get_controller_of(c.get("Pod", "default", "foreign")).uid != RS_UID
    assert not c.get("Pod", "default", "orphan-other").metadata.owner_references
    assert RS_UID in {r.uid for r in c.get("Pod", "default", "owned-match")
                      .metadata.owner_references}


def test_claim_pods_does_not_adopt_or_release_while_owner_is_deleted() -> None:
    """TestDoNotAdoptOrCreateIfBeingDeleted: no patches while the owner is being deleted."""
    cluster = restore(_rs(deleting=True), _pod("orphan-match", {"app": "a"}, None),
                      _pod("owned-stale", {"app": "b"}, RS_UID),
                      _pod("owned-match", {"app": "a"}, RS_UID))
    claimed = _claim(cluster)
    assert [p.metadata.name for p in claimed.pods] == ["owned-match"]
    assert claimed.cluster.resource_version == cluster.resource_version  # nothing written


def test_claim_pods_skips_orphans_being_deleted() -> None:
    pod = _pod("orphan-match", {"app": "a"}, None)
    pod["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:30Z"
    pod["metadata"]["finalizers"] = ["x/y"]
    claimed = _claim(restore(_rs(), pod))
    assert claimed.pods == ()
