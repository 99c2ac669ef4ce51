"""pkg/controller/statefulset/stateful_set_control_test.go (v1.34), ported onto the real API
server with only the StatefulSet controller running: one `reconcile` is one sync. As the Go
fakes do, a test moves the pods forward itself (Pending -> Running -> Ready, one pod a turn,
chosen by a seeded random as Go's rand.Int63n chooses) and checks assertMonotonicInvariants
or assertBurstInvariants after every turn. Each case runs under the four claim retention
policies (runTestOverPVCRetentionPolicies).

Not ported: the cases that inject API failures into the fakes (CreatePodFailure,
UpdatePodFailure, UpdateSetStatusFailure, NewRevisionDeletePodFailure, the *WithDeleteFailure
variants) and the MaxUnavailableStatefulSet cases (the gate is off in v1.34).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from pyrsistent import pvector

from kubefold.core.apps import (
    RollingUpdateStatefulSetStrategy,
    StatefulSetPersistentVolumeClaimRetentionPolicy,
)
from kubefold.core.cluster import Cluster
from kubefold.core.codec import encode_object
from kubefold.core.events import Apply, Reconcile
from kubefold.core.objects import Condition
from kubefold.reducers import apiserver
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.statefulset import stateful_set
from kubefold.reducers.controllers.statefulset import stateful_set_utils as u
from tests.helpers import Engine, new_stateful_set, plane

ENGINE = Engine(plane(stateful_set.CONTROLLER))
KEY = "default/foo"
POLICIES = {
    "Retain": ("Retain", "Retain"),
    "SetDeleteOnly": ("Retain", "Delete"),
    "ScaleDownOnly": ("Delete", "Retain"),
    "Delete": ("Delete", "Delete"),
}


# -- the fakes' helpers -----------------------------------------------------------------------


def sts_of(cluster: Cluster) -> Any:
    return cluster.get("StatefulSet", "default", "foo")


def pods_of(cluster: Cluster) -> list[Any]:
    """The set's pods by ascending ordinal (ascendingOrdinal)."""
    sts = sts_of(cluster)
    pods = [p for p in cluster.owned_by(sts.metadata.uid, "Pod") if p is not None]
    return sorted(pods, key=u.get_ordinal)


def claims_of(cluster: Cluster) -> list[Any]:
    return list(cluster.list("PersistentVolumeClaim", "default"))


def sync(cluster: Cluster) -> Cluster:
    outcome = ENGINE.apply_event(cluster, Reconcile("statefulset", KEY), mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster


def write_status(cluster: Cluster, pod: Any, **status: Any) -> Cluster:
    result = apiserver.update_status(cluster, attrs.evolve(pod, status=attrs.evolve(
        pod.status, **status)))
    assert isinstance(result, apiserver.Written), result
    return result.cluster


def set_pod_running(cluster: Cluster, pod: Any) -> Cluster:
    """setPodRunning."""
    return write_status(cluster, pod, phase="Running")


def set_pod_ready(cluster: Cluster, pod: Any) -> Cluster:
    """setPodReady: the Ready condition True."""
    ready = Condition(type="Ready", status="True", last_transition_time=cluster.now)
    return write_status(cluster, pod, conditions=pvector([ready]))


def set_pod_phase(cluster: Cluster, pod: Any, phase: str) -> Cluster:
    return write_status(cluster, pod, phase=phase)


def apply_set(cluster: Cluster, sts: Any) -> Cluster:
    doc = encode_object(sts)
    doc.pop("status", None)
    for key in ("resourceVersion", "uid", "creationTimestamp", "generation"):
        doc["metadata"].pop(key, None)
    outcome = ENGINE.apply_event(cluster, Apply(ENGINE_DECODE(doc)), mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster


def ENGINE_DECODE(doc: dict[str, Any]) -> Any:  # noqa: N802 - a local alias
    from kubefold.core.codec import decode_object

    return decode_object(doc)


# -- invariants ---------------------------------------------------------------------------------


def check_claim_invariants(sts: Any, pod: Any, claim: Any) -> None:
    """checkClaimInvarients: the claim's owners agree with the retention policy."""
    assert claim is not None, f"claim for {pod.metadata.name} missing"
    policy = u.get_persistent_volume_claim_retention_policy(sts)
    set_ref, pod_ref = u.has_owner_ref(claim, sts), u.has_owner_ref(claim, pod)
    scaled_down = not u.pod_in_ordinal_range(pod, sts)
    if policy.when_scaled == "Retain" and policy.when_deleted == "Retain":
        assert not set_ref and not pod_ref, claim.metadata.name
    elif policy.when_scaled == "Retain" and policy.when_deleted == "Delete":
        assert set_ref and not pod_ref, claim.metadata.name
    elif policy.when_deleted == "Retain":
        assert not set_ref and pod_ref == scaled_down, claim.metadata.name


def assert_burst_invariants(cluster: Cluster) -> None:
    """assertBurstInvariants: each pod's identity, storage and claims."""
    sts = sts_of(cluster)
    for pod in pods_of(cluster):
        assert u.storage_matches(sts, pod), pod.metadata.name
        for _, claim in u.get_persistent_volume_claims(sts, pod):
            stored = cluster.get("PersistentVolumeClaim", "default", claim.metadata.name)
            if pod.metadata.deletion_timestamp is None:
                check_claim_invariants(sts, pod, stored)
        assert u.identity_matches(sts, pod), pod.metadata.name


def assert_monotonic_invariants(cluster: Cluster) -> None:
    """assertMonotonicInvariants: pods in ordinal order, no successor Running and Ready before
    its predecessor, and the burst invariants."""
    sts = sts_of(cluster)
    pods = pods_of(cluster)
    for idx, pod in enumerate(pods):
        if idx > 0 and u.is_running_and_ready(pod):
            assert u.is_running_and_ready(pods[idx - 1]), \
                f"successor {pod.metadata.name} is Running and Ready while " \
                f"{pods[idx - 1].metadata.name} is not"
        assert u.get_ordinal(pod) == idx + u.get_start_ordinal(sts), \
            f"pod {pod.metadata.name} deployed in the wrong order"
    assert_burst_invariants(cluster)


def assert_update_invariants(cluster: Cluster) -> None:
    """assertUpdateInvariants: the burst invariants, and under OrderedReady no pod deleted
    while another is unhealthy is checked by the controller's own order."""
    assert_burst_invariants(cluster)


Invariant = Callable[[Cluster], None]


# -- drivers ----------------------------------------------------------------------------------


def _advance_one(cluster: Cluster, rng: random.Random) -> Cluster:
    """Move one random pod forward: Pending -> Running -> Ready."""
    pods = [p for p in pods_of(cluster) if p.metadata.deletion_timestamp is None]
    if not pods:
        return cluster
    pod = pods[rng.randrange(len(pods))]
    if pod.status.phase == "Pending":
        return set_pod_running(cluster, pod)
    if pod.status.phase == "Running" and not u.is_running_and_ready(pod):
        return set_pod_ready(cluster, pod)
    return cluster


def scale_up_stateful_set_control(cluster: Cluster, invariants: Invariant, seed: int = 0
                                  ) -> Cluster:
    """scaleUpStatefulSetControl."""
    rng = random.Random(seed)
    cluster = sync(cluster)
    for _ in range(500):
        sts = sts_of(cluster)
        if (sts.status.ready_replicas or 0) >= (sts.spec.replicas or 0):
            break
        cluster = sync(_advance_one(cluster, rng))
        invariants(cluster)
    invariants(cluster)
    return cluster


def scale_down_stateful_set_control(cluster: Cluster, invariants: Invariant) -> Cluster:
    """scaleDownStatefulSetControl: the controller deletes; pods go at once (unbound)."""
    for _ in range(100):
        sts = sts_of(cluster)
        if (sts.status.replicas or 0) <= (sts.spec.replicas or 0):
            break
        cluster = sync(cluster)
        invariants(cluster)
    return cluster


def update_complete(cluster: Cluster) -> bool:
    """updateComplete."""
    sts, pods = sts_of(cluster), pods_of(cluster)
    want = sts.spec.replicas or 0
    if len(pods) != want or (sts.status.ready_replicas or 0) != want:
        return False
    strategy = sts.spec.update_strategy
    if strategy.type == "OnDelete":
        return True
    partition = strategy.rolling_update.partition if strategy.rolling_update else None
    if not partition or partition <= 0:
        if (sts.status.current_replicas or 0) < want:
            return False
        return all(u.get_pod_revision(p) == sts.status.current_revision for p in pods)
    if len(pods) < partition:
        return False
    return all(u.get_pod_revision(p) == sts.status.update_revision for p in pods[partition:])


def update_stateful_set_control(cluster: Cluster, invariants: Invariant, seed: int = 0
                                ) -> Cluster:
    """updateStatefulSetControl."""
    rng = random.Random(seed)
    cluster = sync(cluster)
    for _ in range(1000):
        if update_complete(cluster):
            break
        cluster = sync(_advance_one(cluster, rng))
        invariants(cluster)
    assert update_complete(cluster), "update did not complete"
    invariants(cluster)
    return cluster


# -- set-up -----------------------------------------------------------------------------------


def burst(sts: Any) -> Any:
    return attrs.evolve(sts, spec=attrs.evolve(sts.spec, pod_management_policy="Parallel"))


def with_policy(sts: Any, policy: str) -> Any:
    scaled, deleted = POLICIES[policy]
    return attrs.evolve(sts, spec=attrs.evolve(
        sts.spec, persistent_volume_claim_retention_policy=(
            StatefulSetPersistentVolumeClaimRetentionPolicy(when_scaled=scaled,
                                                            when_deleted=deleted))))


def start(sts: Any) -> Cluster:
    return apply_set(ENGINE.empty_cluster(), attrs.evolve(sts, metadata=attrs.evolve(
        sts.metadata, uid=None)))


def with_replicas(cluster: Cluster, replicas: int) -> Cluster:
    sts = sts_of(cluster)
    return apply_set(cluster, attrs.evolve(sts, spec=attrs.evolve(sts.spec, replicas=replicas)))


def with_image(cluster: Cluster, image: str, replicas: int | None = None) -> Cluster:
    sts = sts_of(cluster)
    container = attrs.evolve(sts.spec.template.spec.containers[0], image=image)
    template = attrs.evolve(sts.spec.template, spec=attrs.evolve(
        sts.spec.template.spec, containers=pvector([container])))
    spec = attrs.evolve(sts.spec, template=template,
                        replicas=sts.spec.replicas if replicas is None else replicas)
    return apply_set(cluster, attrs.evolve(sts, spec=spec))


def collect_claims(cluster: Cluster) -> Cluster:
    """The garbage collector's part, as the Go test plays it: claims whose owning pod is gone
    are deleted."""
    for claim in claims_of(cluster):
        if any(r.kind == "Pod" and cluster.by_uid(r.uid or "") is None
               for r in claim.metadata.owner_references):
            cluster = cluster.remove("PersistentVolumeClaim", "default", claim.metadata.name)
    return cluster


def images(cluster: Cluster) -> list[str]:
    return [p.spec.containers[0].image for p in pods_of(cluster)]


MODES = [pytest.param(assert_monotonic_invariants, False, id="Monotonic"),
         pytest.param(assert_burst_invariants, True, id="Burst")]
POLICY_IDS = list(POLICIES)


def initial(replicas: int, parallel: bool, policy: str) -> Any:
    sts = with_policy(new_stateful_set(replicas), policy)
    return burst(sts) if parallel else sts


# -- TestStatefulSetControl -------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_creates_pods(invariants, parallel, policy):
    """TestStatefulSetControl/CreatesPods: three pods, ready and updated, with the pod-index
    label of their names."""
    cluster = scale_up_stateful_set_control(start(initial(3, parallel, policy)), invariants)
    status = sts_of(cluster).status
    assert (status.replicas, status.ready_replicas, status.updated_replicas) == (3, 3, 3)
    assert [p.metadata.labels[u.POD_INDEX_LABEL] for p in pods_of(cluster)] == ["0", "1", "2"]
    assert [p.metadata.name for p in pods_of(cluster)] == ["foo-0", "foo-1", "foo-2"]
    assert sorted(c.metadata.name for c in claims_of(cluster)) == \
        ["datadir-foo-0", "datadir-foo-1", "datadir-foo-2"]


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_scales_up(invariants, parallel, policy):
    """TestStatefulSetControl/ScalesUp: 3 then 4."""
    cluster = scale_up_stateful_set_control(start(initial(3, parallel, policy)), invariants)
    cluster = scale_up_stateful_set_control(with_replicas(cluster, 4), invariants)
    status = sts_of(cluster).status
    assert (status.replicas, status.ready_replicas, status.updated_replicas) == (4, 4, 4)


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_scales_down(invariants, parallel, policy):
    """TestStatefulSetControl/ScalesDown: 3 then 0; the claims stay unless the policy deletes
    them on scale-down (their owner is then the pod)."""
    cluster = scale_up_stateful_set_control(start(initial(3, parallel, policy)), invariants)
    cluster = scale_down_stateful_set_control(with_replicas(cluster, 0), invariants)
    status = sts_of(cluster).status
    assert (status.replicas, status.ready_replicas, status.updated_replicas) == (0, 0, 0)
    assert pods_of(cluster) == []
    assert len(claims_of(cluster)) == 3


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_replaces_pods(invariants, parallel, policy):
    """TestStatefulSetControl/ReplacesPods: pods 0, 2 and 4 of five vanish; each comes back
    with its identity, and no claim of a live pod is owned by that pod."""
    cluster = scale_up_stateful_set_control(start(initial(5, parallel, policy)), invariants)
    assert sts_of(cluster).status.replicas == 5
    for pod in pods_of(cluster):
        for _, claim in u.get_persistent_volume_claims(sts_of(cluster), pod):
            stored = cluster.get("PersistentVolumeClaim", "default", claim.metadata.name)
            assert not u.has_owner_ref(stored, pod)
    for name in ("foo-0", "foo-2", "foo-4"):
        cluster = cluster.remove("Pod", "default", name)  # podsIndexer.Delete
    for ordinal in (0, 2, 4):
        cluster = sync(cluster)
        pod = cluster.get("Pod", "default", f"foo-{ordinal}")
        assert pod is not None, f"foo-{ordinal} was not recreated"
        cluster = sync(set_pod_running(cluster, pod))
        cluster = set_pod_ready(cluster, cluster.get("Pod", "default", f"foo-{ordinal}"))
    cluster = sync(cluster)
    assert sts_of(cluster).status.replicas == 5


def _recreates_pod(invariants: Invariant, parallel: bool, policy: str, phase: str) -> None:
    """recreatesPod: the first pod turns terminal; the next sync deletes it, the one after
    creates it again (not yet created: no phase in the controller's copy)."""
    sts = initial(3, parallel, policy)
    cluster = sync(start(sts))
    invariants(cluster)
    for i, pod in enumerate(pods_of(cluster)):
        cluster = set_pod_phase(cluster, pod, phase if i == 0 else "Pending")
    cluster = sync(cluster)
    invariants(cluster)
    assert cluster.get("Pod", "default", "foo-0") is None, "the terminal pod was not deleted"
    cluster = sync(cluster)
    invariants(cluster)
    recreated = cluster.get("Pod", "default", "foo-0")
    assert recreated is not None and recreated.status.phase == "Pending"


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_recreates_failed_pod(invariants, parallel, policy):
    """TestStatefulSetControl/RecreatesFailedPod."""
    _recreates_pod(invariants, parallel, policy, "Failed")


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_recreates_succeeded_pod(invariants, parallel, policy):
    """TestStatefulSetControl/RecreatesSucceededPod."""
    _recreates_pod(invariants, parallel, policy, "Succeeded")


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("invariants,parallel", MODES)
def test_recreates_pvc_for_pending_pod(invariants, parallel, policy):
    """TestStatefulSetControl/RecreatesPVCForPendingPod: a Pending pod's deleted claim is
    created again."""
    cluster = sync(start(initial(3, parallel, policy)))
    cluster = cluster.remove("PersistentVolumeClaim", "default", "datadir-foo-0")
    cluster = sync(cluster)
    assert cluster.get("PersistentVolumeClaim", "default", "datadir-foo-0") is not None


# -- rolling updates, partitions, OnDelete, rollback, history ---------------------------------

UPDATES = [
    pytest.param(3, None, False, id="monotonic image update"),
    pytest.param(3, 5, False, id="monotonic image update and scale up"),
    pytest.param(5, 3, False, id="monotonic image update and scale down"),
    pytest.param(3, None, True, id="burst image update"),
    pytest.param(3, 5, True, id="burst image update and scale up"),
    pytest.param(5, 3, True, id="burst image update and scale down"),
]


def _invariants(parallel: bool) -> Invariant:
    return assert_burst_invariants if parallel else assert_monotonic_invariants


@pytest.mark.parametrize("replicas,new_replicas,parallel", UPDATES)
def test_stateful_set_control_rolling_update(replicas, new_replicas, parallel):
    """TestStatefulSetControlRollingUpdate: every pod ends at the new image."""
    cluster = scale_up_stateful_set_control(start(initial(replicas, parallel, "Retain")),
                                            _invariants(parallel))
    cluster = update_stateful_set_control(with_image(cluster, "foo", new_replicas),
                                          assert_update_invariants)
    assert images(cluster) == ["foo"] * (new_replicas or replicas)


PARTITIONS = [
    pytest.param(3, None, False, id="monotonic image update"),
    pytest.param(3, 5, False, id="monotonic image update and scale up"),
    pytest.param(3, None, True, id="burst image update"),
    pytest.param(3, 5, True, id="burst image update and scale up"),
]


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("replicas,new_replicas,parallel", PARTITIONS)
def test_stateful_set_control_rolling_update_with_partition(replicas, new_replicas, parallel,
                                                            policy):
    """TestStatefulSetControlRollingUpdateWithPartition: partition 2 keeps ordinals 0 and 1 at
    the original image."""
    sts = initial(replicas, parallel, policy)
    strategy = attrs.evolve(sts.spec.update_strategy, rolling_update=(
        RollingUpdateStatefulSetStrategy(partition=2)))
    sts = attrs.evolve(sts, spec=attrs.evolve(sts.spec, update_strategy=strategy))
    cluster = scale_up_stateful_set_control(start(sts), _invariants(parallel))
    cluster = update_stateful_set_control(with_image(cluster, "foo", new_replicas),
                                          assert_update_invariants)
    got = images(cluster)
    assert got[:2] == ["nginx", "nginx"] and set(got[2:]) == {"foo"}


@pytest.mark.parametrize("policy", POLICY_IDS)
@pytest.mark.parametrize("replicas,new_replicas,parallel", UPDATES)
def test_stateful_set_control_on_delete_update(replicas, new_replicas, parallel, policy):
    """TestStatefulSetControlOnDeleteUpdate: OnDelete keeps the pods' images (new ordinals get
    the new one); scaled to 0 and back, every pod has the new image and no claim keeps a pod
    reference."""
    sts = initial(replicas, parallel, policy)
    sts = attrs.evolve(sts, spec=attrs.evolve(sts.spec, update_strategy=attrs.evolve(
        sts.spec.update_strategy, type="OnDelete", rolling_update=None)))
    cluster = scale_up_stateful_set_control(start(sts), _invariants(parallel))
    cluster = update_stateful_set_control(with_image(cluster, "foo", new_replicas),
                                          assert_update_invariants)
    expected = ["nginx"] * min(replicas, new_replicas or replicas)
    expected += ["foo"] * max(0, (new_replicas or replicas) - replicas)
    assert images(cluster) == expected
    final = sts_of(cluster).spec.replicas
    cluster = collect_claims(cluster)
    for claim in claims_of(cluster):
        assert not any(r.name.startswith("foo-") for r in claim.metadata.owner_references)
    cluster = scale_down_stateful_set_control(with_replicas(cluster, 0), _invariants(parallel))
    cluster = collect_claims(cluster)
    for claim in claims_of(cluster):
        assert not any(r.name.startswith("foo-") for r in claim.metadata.owner_references)
    cluster = scale_up_stateful_set_control(with_replicas(cluster, final),
                                            _invariants(parallel))
    assert images(cluster) == ["foo"] * final


@pytest.mark.parametrize("replicas,new_replicas,parallel", UPDATES)
def test_stateful_set_control_rollback(replicas, new_replicas, parallel):
    """TestStatefulSetControlRollback: the first revision applied back restores the image."""
    cluster = scale_up_stateful_set_control(start(initial(replicas, parallel, "Retain")),
                                            _invariants(parallel))
    cluster = update_stateful_set_control(with_image(cluster, "foo", new_replicas),
                                          assert_update_invariants)
    assert set(images(cluster)) == {"foo"}
    sts = sts_of(cluster)
    revisions = history.sort_controller_revisions(
        cluster.owned_by(sts.metadata.uid, "ControllerRevision"))
    cluster = apply_set(cluster, u.apply_revision(sts, revisions[0]))
    cluster = update_stateful_set_control(cluster, assert_update_invariants)
    assert set(images(cluster)) == {"nginx"}


@pytest.mark.parametrize("invariants,parallel", MODES)
def test_stateful_set_control_limits_history(invariants, parallel):
    """TestStatefulSetControlLimitsHistory: ten updates keep at most revisionHistoryLimit + 2
    revisions (the current and update revisions are live)."""
    cluster = scale_up_stateful_set_control(start(initial(3, parallel, "Retain")), invariants)
    for i in range(10):
        cluster = update_stateful_set_control(with_image(cluster, f"foo-{i}"),
                                              assert_update_invariants)
        cluster = sync(cluster)
        sts = sts_of(cluster)
        revisions = cluster.owned_by(sts.metadata.uid, "ControllerRevision")
        assert len(revisions) <= sts.spec.revision_history_limit + 2


def test_status_as_update_stateful_set_computes_it():
    """The status of a partitioned update, counter by counter: 3 replicas, partition 2, the
    top ordinal updated; currentRevision stays until every replica is updated."""
    sts = initial(3, False, "Retain")
    strategy = attrs.evolve(sts.spec.update_strategy, rolling_update=(
        RollingUpdateStatefulSetStrategy(partition=2)))
    cluster = scale_up_stateful_set_control(start(attrs.evolve(sts, spec=attrs.evolve(
        sts.spec, update_strategy=strategy))), assert_monotonic_invariants)
    first = sts_of(cluster).status.current_revision
    cluster = update_stateful_set_control(with_image(cluster, "foo"), assert_update_invariants)
    status = sts_of(cluster).status
    assert (status.replicas, status.ready_replicas, status.available_replicas,
            status.current_replicas, status.updated_replicas) == (3, 3, 3, 2, 1)
    assert status.current_revision == first != status.update_revision
    assert status.observed_generation == sts_of(cluster).metadata.generation
    assert status.collision_count == 0
