"""The Deployment controller: its informer handlers, its claim on ReplicaSets, and
syncDeployment, the ladder that sends each Deployment down one path.

`sync_deployment(cluster, key)` is one call of Go's syncDeployment followed by handleErr:
missing object -> nothing; empty selector -> only observedGeneration (Go also records a
SelectingAll event); being deleted -> syncStatusOnly; paused conditions; paused -> sync;
rollback annotation -> rollback; scaling event -> sync; then the Recreate or RollingUpdate
rollout.

Models (v1.34): pkg/controller/deployment/deployment_controller.go — addDeployment,
updateDeployment, deleteDeployment, addReplicaSet, getDeploymentsForReplicaSet,
updateReplicaSet, deleteReplicaSet, deletePod, getDeploymentForPod, resolveControllerRef,
handleErr (maxRetries 15), getReplicaSetsForDeployment, getPodMapForDeployment,
syncDeployment; pkg/controller/controller_ref_manager.go (ClaimObject, ClaimReplicaSets,
AdoptReplicaSet, ReleaseReplicaSet, RecheckDeletionTimestamp) and util.ListReplicaSets,
util.GetDeploymentsForReplicaSet.

Simplifies:
- Listers are the cluster itself (always synced); the "uncached quorum read" before an
  adoption reads the same cluster. ReplicaSets are listed in name order.
- The adoption and release patches are updates without a resourceVersion (a patch is
  unconditional) that add or remove the owner reference; the claimed ReplicaSets are the
  lister's copies, as in Go (a later update of an adopted one in the same sync conflicts).
- Events are not recorded (see sync.py).

Covered by: tests/test_deployment_sync.py (TestSyncDeploymentCreatesReplicaSet,
TestSyncDeploymentDontDoAnythingDuringDeletion, TestSyncDeploymentDeletionRace,
TestDontSyncDeploymentsWithEmptyPodSelector, TestGetReplicaSetsForDeployment* and the informer
handler tests), tests/test_deployment_worked_rollout.py.
"""

from __future__ import annotations

from typing import Any

from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status, bad_request
from kubefold.core.labels import Selector, label_selector_as_selector
from kubefold.core.objects import Deployment, LabelSelector, Pod, ReplicaSet
from kubefold.core.schema import format_time, replace
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.deployment import sync as dsync
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.recreate import PodMap, rollout_recreate
from kubefold.reducers.controllers.deployment.rollback import get_rollback_to, rollback
from kubefold.reducers.controllers.deployment.rolling import rollout_rolling
from kubefold.reducers.controllers.deployment.sync import (
    NAME,
    Err,
    RSs,
    controller_ref,
    get_controller_of,
)
from kubefold.reducers.controlplane import Controller

MAX_RETRIES = 15  # 5ms * 2^(maxRetries-1): the last retry comes after about 82 s


def _key(namespace: str | None, name: str | None) -> str:
    return f"{namespace or ''}/{name}" if namespace else str(name)


# -- informer event handlers -----------------------------------------------------------------


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The keys a write enqueues, as the informer handlers decide."""
    if change.kind == "Deployment":
        # addDeployment, updateDeployment (the current object), deleteDeployment
        return [_key(change.namespace, change.name)]
    if change.kind == "ReplicaSet":
        if change.old is None:
            return add_replica_set(cluster, change.new)
        if change.new is None:
            return delete_replica_set(cluster, change.old)
        return update_replica_set(cluster, change.old, change.new)
    if change.kind == "Pod" and change.new is None and change.old is not None:
        return delete_pod(cluster, change.old)
    return []


def add_replica_set(cluster: Cluster, rs: ReplicaSet) -> list[str]:
    """addReplicaSet: its controller, or every Deployment that might adopt an orphan."""
    if rs.metadata.deletion_timestamp is not None:
        # A restarted controller manager may see an object already pending deletion.
        return delete_replica_set(cluster, rs)
    ref = get_controller_of(rs)
    if ref is not None:
        d = resolve_controller_ref(cluster, rs.metadata.namespace, ref)
        return [] if d is None else [_d_key(d)]
    return [_d_key(d) for d in get_deployments_for_replica_set(cluster, rs)]


def get_deployments_for_replica_set(cluster: Cluster, rs: ReplicaSet) -> list[Deployment]:
    """util.GetDeploymentsForReplicaSet: the Deployments whose non-empty selector matches the
    ReplicaSet's labels (none for a ReplicaSet without labels)."""
    if not rs.metadata.labels:
        return []
    found = []
    for d in sorted(cluster.list("Deployment", rs.metadata.namespace),
                    key=lambda d: d.metadata.name):
        selector = _selector(d)
        if isinstance(selector, Status) or selector.empty() \
                or not selector.matches(rs.metadata.labels):
            continue
        found.append(d)
    return found


def update_replica_set(cluster: Cluster, old: ReplicaSet, cur: ReplicaSet) -> list[str]:
    """updateReplicaSet: the old controller if the ControllerRef changed, the current one, or
    for an orphan whose labels or ControllerRef changed, every Deployment that might adopt it."""
    if cur.metadata.resource_version == old.metadata.resource_version:
        return []  # a periodic resync
    keys: list[str] = []
    cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
    ref_changed = cur_ref != old_ref
    if ref_changed and old_ref is not None:
        d = resolve_controller_ref(cluster, old.metadata.namespace, old_ref)
        if d is not None:
            keys.append(_d_key(d))
    if cur_ref is not None:
        d = resolve_controller_ref(cluster, cur.metadata.namespace, cur_ref)
        return keys if d is None else [*keys, _d_key(d)]
    if cur.metadata.labels != old.metadata.labels or ref_changed:
        keys.extend(_d_key(d) for d in get_deployments_for_replica_set(cluster, cur))
    return keys


def delete_replica_set(cluster: Cluster, rs: ReplicaSet) -> list[str]:
    """deleteReplicaSet: its controller; no controller cares about a deleted orphan."""
    ref = get_controller_of(rs)
    if ref is None:
        return []
    d = resolve_controller_ref(cluster, rs.metadata.namespace, ref)
    return [] if d is None else [_d_key(d)]


def delete_pod(cluster: Cluster, pod: Pod) -> list[str]:
    """deletePod: a Recreate Deployment once it has no pods left."""
    d = get_deployment_for_pod(cluster, pod)
    if d is None or d.spec.strategy is None \
            or d.spec.strategy.type != util.RECREATE_DEPLOYMENT_STRATEGY_TYPE:
        return []
    rs_list = list_replica_sets(cluster, d)
    pod_map = get_pod_map_for_deployment(cluster, d, rs_list)
    if isinstance(rs_list, Status) or isinstance(pod_map, Status):
        return []
    return [_d_key(d)] if sum(len(pods) for pods in pod_map.values()) == 0 else []


def get_deployment_for_pod(cluster: Cluster, pod: Pod) -> Deployment | None:
    """getDeploymentForPod: through the pod's ReplicaSet to that ReplicaSet's Deployment."""
    ref = get_controller_of(pod)
    if ref is None or ref.kind != "ReplicaSet":
        return None
    rs = cluster.get("ReplicaSet", pod.metadata.namespace, ref.name or "")
    if rs is None or rs.metadata.uid != ref.uid:
        return None
    rs_ref = get_controller_of(rs)
    return None if rs_ref is None else resolve_controller_ref(cluster, rs.metadata.namespace,
                                                              rs_ref)


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any
                           ) -> Deployment | None:
    """resolveControllerRef: the Deployment of that name, if it is a Deployment and its uid
    is the reference's."""
    if ref.kind != "Deployment":
        return None
    d = cluster.get("Deployment", namespace, ref.name or "")
    if d is None or d.metadata.uid != ref.uid:
        return None
    return d


def _d_key(d: Deployment) -> str:
    return _key(d.metadata.namespace, d.metadata.name)


# -- the work queue ----------------------------------------------------------------------------


def handle_err(cluster: Cluster, err: Err, key: str) -> Cluster:
    """handleErr: forget on success (or a terminating namespace); requeue rate-limited up to
    maxRetries, then drop the key."""
    if err is None or dsync._namespace_terminating(err):
        return cluster.forget(NAME, key)
    if cluster.queue.num_requeues((NAME, key)) < MAX_RETRIES:
        return cluster.enqueue_rate_limited(NAME, key)
    return cluster.forget(NAME, key)


# -- ReplicaSets and pods of a Deployment -------------------------------------------------------


def _selector(d: Deployment) -> Selector | Status:
    try:
        return label_selector_as_selector(d.spec.selector)
    except ValueError as exc:
        return bad_request(f"deployment {d.metadata.namespace}/{d.metadata.name} has invalid "
                           f"label selector: {exc}")


def list_replica_sets(cluster: Cluster, d: Deployment) -> RSs | Status:
    """util.ListReplicaSets: the ReplicaSets the selector matches and the Deployment controls."""
    selector = _selector(d)
    if isinstance(selector, Status):
        return selector
    return [rs for rs in cluster.controlled_by(d.metadata.uid or "", "ReplicaSet",
                                               d.metadata.namespace)
            if selector.matches(rs.metadata.labels)]


def _replica_sets(cluster: Cluster, d: Deployment) -> RSs:
    """The ReplicaSets ClaimReplicaSets can act on: those d controls and the namespace's
    orphans (one owned by another controller is left alone), by name."""
    return cluster.controlled_by(d.metadata.uid or "", "ReplicaSet", d.metadata.namespace,
                                 include_orphans=True)


def get_replica_sets_for_deployment(cluster: Cluster, d: Deployment
                                    ) -> tuple[Cluster, RSs, Err]:
    """getReplicaSetsForDeployment: the ReplicaSets this Deployment manages, adopting matching
    orphans and releasing its own that no longer match (ClaimReplicaSets)."""
    selector = _selector(d)
    if isinstance(selector, Status):
        return cluster, [], selector
    claimed: RSs = []
    errors: list[Status] = []
    can_adopt: list[Err] = []  # RecheckDeletionTimestamp runs once, at the first adoption
    for rs in _replica_sets(cluster, d):
        cluster, ok, err = _claim_object(cluster, d, selector, rs, can_adopt)
        if err is not None:
            errors.append(err)
        elif ok:
            claimed.append(rs)
    if errors:
        return cluster, claimed, _aggregate(errors)
    return cluster, claimed, None


def _aggregate(errors: list[Status]) -> Status:
    """utilerrors.NewAggregate: one error bare, several as `[a, b]`."""
    if len(errors) == 1:
        return errors[0]
    return bad_request("[" + ", ".join(e.message for e in errors) + "]")


def _claim_object(cluster: Cluster, d: Deployment, selector: Selector, rs: ReplicaSet,
                  can_adopt: list[Err]) -> tuple[Cluster, bool, Err]:
    """ClaimObject: ours and matching -> claimed; ours, not matching -> released (unless the
    Deployment is being deleted); a matching orphan -> adopted."""
    ref = get_controller_of(rs)
    matches = selector.matches(rs.metadata.labels)
    if ref is not None:
        if ref.uid != d.metadata.uid:
            return cluster, False, None  # owned by someone else
        if matches:
            return cluster, True, None
        if d.metadata.deletion_timestamp is not None:
            return cluster, False, None
        cluster, err = release_replica_set(cluster, d, rs)
        return cluster, False, err
    # An orphan.
    if d.metadata.deletion_timestamp is not None or not matches:
        return cluster, False, None
    if rs.metadata.deletion_timestamp is not None:
        return cluster, False, None
    if d.metadata.namespace and d.metadata.namespace != rs.metadata.namespace:
        return cluster, False, None
    cluster, err = adopt_replica_set(cluster, d, rs, can_adopt)
    if err is not None:
        return cluster, False, None if err.reason == "NotFound" else err
    return cluster, True, None


def _recheck_deletion_timestamp(cluster: Cluster, d: Deployment) -> Err:
    """RecheckDeletionTimestamp with the fresh Deployment."""
    fresh = cluster.get("Deployment", d.metadata.namespace, d.metadata.name or "")
    ns, name = d.metadata.namespace, d.metadata.name
    if fresh is None:
        return Status("NotFound", 404, f'deployments.apps "{name}" not found')
    if fresh.metadata.uid != d.metadata.uid:
        return bad_request(f"original Deployment {ns}/{name} is gone: got uid "
                           f"{fresh.metadata.uid}, wanted {d.metadata.uid}")
    if fresh.metadata.deletion_timestamp is not None:
        return bad_request(f"{ns}/{name} has just been deleted at "
                           f"{format_time(fresh.metadata.deletion_timestamp)}")
    return None


def adopt_replica_set(cluster: Cluster, d: Deployment, rs: ReplicaSet, can_adopt: list[Err]
                      ) -> tuple[Cluster, Err]:
    """AdoptReplicaSet: patch the Deployment's ControllerRef onto the ReplicaSet."""
    if not can_adopt:
        can_adopt.append(_recheck_deletion_timestamp(cluster, d))
    if can_adopt[0] is not None:
        return cluster, bad_request(
            f"can't adopt ReplicaSet {rs.metadata.namespace}/{rs.metadata.name} "
            f"({rs.metadata.uid}): {can_adopt[0].message}")
    ref = controller_ref(d)
    return _patch_owner_references(cluster, rs, lambda refs: [
        *[r for r in refs if r.uid != ref.uid], ref])


def release_replica_set(cluster: Cluster, d: Deployment, rs: ReplicaSet
                        ) -> tuple[Cluster, Err]:
    """ReleaseReplicaSet: patch the Deployment's owner reference away (gone or replaced
    ReplicaSets are not an error)."""
    cluster, err = _patch_owner_references(
        cluster, rs, lambda refs: [r for r in refs if r.uid != d.metadata.uid])
    if err is not None and err.reason in ("NotFound", "Invalid"):
        return cluster, None
    return cluster, err


def _patch_owner_references(cluster: Cluster, rs: ReplicaSet, change: Any
                            ) -> tuple[Cluster, Err]:
    """A strategic merge patch of metadata.ownerReferences, with the ReplicaSet's uid as a
    precondition."""
    fresh = cluster.get("ReplicaSet", rs.metadata.namespace, rs.metadata.name or "")
    if fresh is None:
        return cluster, Status("NotFound", 404, f'replicasets.apps "{rs.metadata.name}" '
                                                'not found')
    if fresh.metadata.uid != rs.metadata.uid:
        return cluster, Status("Invalid", 422, "the UID in the precondition does not match")
    refs = pvector(change(list(fresh.metadata.owner_references)))
    patched = replace(fresh, metadata=replace(
        fresh.metadata, owner_references=refs, resource_version=None))
    written = apiserver.update(cluster, patched)
    if isinstance(written, Status):
        return cluster, written
    return written.cluster, None


def get_pod_map_for_deployment(cluster: Cluster, d: Deployment, rs_list: RSs | Status
                               ) -> dict[str, list[Pod]] | Status:
    """getPodMapForDeployment: ReplicaSet uid -> the pods (inactive ones too: Recreate must
    see them) that the selector matches and that ReplicaSet controls."""
    selector = _selector(d)
    if isinstance(selector, Status):
        return selector
    if isinstance(rs_list, Status):
        return rs_list
    pod_map: dict[str, list[Pod]] = {rs.metadata.uid or "": [] for rs in rs_list}
    for pod in cluster.select("Pod", d.metadata.namespace or "", selector):
        ref = get_controller_of(pod)
        if ref is not None and ref.uid in pod_map:
            pod_map[ref.uid].append(pod)
    return pod_map


# -- syncDeployment ------------------------------------------------------------------------------


def sync_deployment(cluster: Cluster, key: str) -> Cluster:
    """One syncDeployment for `key` (namespace/name), then handleErr."""
    cluster, err = _sync_deployment(cluster, key)
    return handle_err(cluster, err, key)


def _split_key(key: str) -> tuple[str, str] | Status:
    """cache.SplitMetaNamespaceKey."""
    parts = key.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return bad_request(f'unexpected key format: "{key}"')


def _sync_deployment(cluster: Cluster, key: str) -> tuple[Cluster, Err]:
    split = _split_key(key)
    if isinstance(split, Status):
        return cluster, split
    namespace, name = split
    d = cluster.get("Deployment", namespace, name)
    if d is None:
        return cluster, None  # Deployment has been deleted.
    if d.spec.selector == LabelSelector():
        # Selecting all pods (Go records a SelectingAll warning event): status only.
        if (d.status.observed_generation or 0) < (d.metadata.generation or 0):
            d = replace(d, status=replace(
                d.status, observed_generation=d.metadata.generation))
            cluster, _ = dsync.update_status(cluster, d)
        return cluster, None
    cluster, rs_list, err = get_replica_sets_for_deployment(cluster, d)
    if err is not None:
        return cluster, err
    pod_map = get_pod_map_for_deployment(cluster, d, rs_list)
    if isinstance(pod_map, Status):
        return cluster, pod_map
    if d.metadata.deletion_timestamp is not None:
        return dsync.sync_status_only(cluster, d, rs_list)
    # An Unknown condition on pause and resume: a resumed Deployment won't time out.
    cluster, d, err = dsync.check_paused_conditions(cluster, d)
    if err is not None:
        return cluster, err
    if d.spec.paused:
        return dsync.sync(cluster, d, rs_list)
    # Rollback is not re-entrant: no ReplicaSet is updated until the rollback is cleared.
    rollback_to = get_rollback_to(d)
    if rollback_to is not None:
        return rollback(cluster, d, rs_list, rollback_to)
    cluster, d, scaling_event, err = dsync.is_scaling_event(cluster, d, rs_list)
    if err is not None:
        return cluster, err
    if scaling_event:
        return dsync.sync(cluster, d, rs_list)
    return _rollout(cluster, d, rs_list, pod_map)


def _rollout(cluster: Cluster, d: Deployment, rs_list: RSs, pod_map: PodMap
             ) -> tuple[Cluster, Err]:
    strategy = d.spec.strategy.type if d.spec.strategy is not None else None
    if strategy == util.RECREATE_DEPLOYMENT_STRATEGY_TYPE:
        return rollout_recreate(cluster, d, rs_list, pod_map)
    if strategy == util.ROLLING_UPDATE_DEPLOYMENT_STRATEGY_TYPE:
        return rollout_rolling(cluster, d, rs_list)
    return cluster, bad_request(f"unexpected deployment strategy type: {strategy or ''}")


CONTROLLER = Controller(NAME, sync_deployment, watch,
                        frozenset({"Deployment", "ReplicaSet", "Pod"}))
