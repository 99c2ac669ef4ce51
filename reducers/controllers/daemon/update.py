"""The DaemonSet controller's rolling update and history.

Models (v1.34): pkg/controller/daemon/update.go — rollingUpdate (the maxSurge == 0 branch:
delete old pods within maxUnavailable, unavailable old ones always; the surge branch: create a
new pod beside an old one within maxSurge, delete the old one once the new one is available),
findUpdatedPodsOnNode, constructHistory, cleanupHistory, maxRevision, dedupCurHistories,
controlledHistories, Match, getPatch, snapshot, updatedDesiredNodeCounts.

Simplifies:
- Go walks `nodeToDaemonPods`, a map, in random order; kubefold walks the nodes by name, one
  of the orders Go could take (which candidates win when only some may go depends on it).
- The revision's name is `<ds>-<hash>` with controller.ComputeHash of the template, which Go
  computes over a spew dump of the Go struct; kubefold uses the Deployment controller's
  `compute_hash` (FNV-1a 32 of the template's canonical JSON and the collision count), so a
  DaemonSet's revision names and pod hash labels are kubefold's, not Go's. Matching a
  revision, as in Go, compares the patch bytes (`Match`), which are Go's.

Covered by: tests/test_daemon_update.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.apps import ControllerRevision, DaemonSet
from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import ObjectMeta, OwnerReference
from kubefold.core.podutil import is_pod_available
from kubefold.core.schema import freeze
from kubefold.reducers import apiserver
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.daemon import util
from kubefold.reducers.controllers.deployment.util import compute_hash

API_VERSION = "apps/v1"
KIND = "DaemonSet"
Err = str | None


def find_updated_pods_on_node(ds: DaemonSet, pods: Sequence[Any], hash_: str
                              ) -> tuple[Any, Any, bool]:
    """findUpdatedPodsOnNode: (new pod, old pod, ok); not ok when there are two of a kind."""
    new_pod = old_pod = None
    generation = util.get_template_generation(ds)
    for pod in pods:
        if pod.metadata.deletion_timestamp is not None:
            continue
        if util.is_pod_updated(pod, hash_, generation):
            if new_pod is not None:
                return None, None, False
            new_pod = pod
        else:
            if old_pod is not None:
                return None, None, False
            old_pod = pod
    return new_pod, old_pod, True


def updated_desired_node_counts(cluster: Cluster, ds: DaemonSet, nodes: Sequence[Any],
                                node_to_pods: dict[str, list[Any]]
                                ) -> tuple[int, int, int, dict[str, list[Any]]]:
    """updatedDesiredNodeCounts: (maxSurge, maxUnavailable, desired, the node map with an empty
    entry for each node that should run a pod and has none)."""
    from kubefold.reducers.controllers.daemon.daemon_controller import (
        node_should_run_daemon_pod,
    )

    desired = 0
    node_to_pods = dict(node_to_pods)
    for node in nodes:
        should_run, _ = node_should_run_daemon_pod(node, ds)
        if not should_run:
            continue
        desired += 1
        node_to_pods.setdefault(node.metadata.name, [])
    max_unavailable = util.unavailable_count(ds, desired)
    max_surge = util.surge_count(ds, desired)
    if desired > 0 and max_unavailable == 0 and max_surge == 0:
        max_unavailable = 1
    return max_surge, max_unavailable, desired, node_to_pods


def rolling_update(cluster: Cluster, ds: DaemonSet, nodes: Sequence[Any], hash_: str
                   ) -> tuple[Cluster, Err]:
    """rollingUpdate: the old pods to delete, or the nodes to surge onto, within the strategy's
    bounds; syncNodes does the writes."""
    from kubefold.reducers.controllers.daemon.daemon_controller import (
        get_nodes_to_daemon_pods,
        node_should_run_daemon_pod,
        sync_nodes,
    )

    cluster, node_to_pods, err = get_nodes_to_daemon_pods(cluster, ds, False)
    if err is not None:
        return cluster, err
    try:
        max_surge, max_unavailable, desired, node_to_pods = updated_desired_node_counts(
            cluster, ds, nodes, node_to_pods)
    except ValueError as exc:
        return cluster, f"couldn't get unavailable numbers: {exc}"
    now, mrs = cluster.now, ds.spec.min_ready_seconds or 0
    order = sorted(node_to_pods)
    if max_surge == 0:
        num_unavailable = 0
        allowed: list[str] = []
        candidates: list[str] = []
        for node_name in order:
            new_pod, old_pod, ok = find_updated_pods_on_node(ds, node_to_pods[node_name], hash_)
            if not ok:
                num_unavailable += 1
                continue
            if (old_pod is None) == (new_pod is None):
                num_unavailable += 1
            elif new_pod is not None:
                if not is_pod_available(new_pod, mrs, now):
                    num_unavailable += 1
            elif not is_pod_available(old_pod, mrs, now):
                allowed.append(old_pod.metadata.name)
                num_unavailable += 1
            elif num_unavailable >= max_unavailable:
                continue
            else:
                candidates.append(old_pod.metadata.name)
        remaining = min(max(max_unavailable - num_unavailable, 0), len(candidates))
        return sync_nodes(cluster, ds, allowed + candidates[:remaining], [], hash_)

    old_to_delete: list[str] = []
    should_not_run: list[str] = []
    candidate_nodes: list[str] = []
    allowed_nodes: list[str] = []
    num_surge = num_available = 0
    for node_name in order:
        new_pod, old_pod, ok = find_updated_pods_on_node(ds, node_to_pods[node_name], hash_)
        if not ok:
            num_surge += 1
            continue
        if old_pod is not None:
            if is_pod_available(old_pod, mrs, now):
                num_available += 1
        elif new_pod is not None and is_pod_available(new_pod, mrs, now):
            num_available += 1
        if old_pod is None:
            continue
        if new_pod is None:
            node = cluster.get("Node", "", node_name)
            if node is None:
                return cluster, f'couldn\'t get node for nodeName "{node_name}": node ' \
                                f'"{node_name}" not found'
            should_run, _ = node_should_run_daemon_pod(node, ds)
            if not is_pod_available(old_pod, mrs, now):
                if not should_run:
                    old_to_delete.append(old_pod.metadata.name)
                    continue
                allowed_nodes.append(node_name)
            else:
                if not should_run:
                    should_not_run.append(old_pod.metadata.name)
                    continue
                if num_surge >= max_surge:
                    continue
                candidate_nodes.append(node_name)
            continue
        if not is_pod_available(new_pod, mrs, now):
            num_surge += 1
            continue
        old_to_delete.append(old_pod.metadata.name)
    remaining_surge = max_surge - num_surge
    deletable = num_available - desired
    if deletable > 0:
        for name in should_not_run[:min(deletable, len(should_not_run))]:
            if cluster.get("Pod", ds.metadata.namespace, name) is not None:
                old_to_delete.append(name)
    remaining_surge = min(max(remaining_surge, 0), len(candidate_nodes))
    return sync_nodes(cluster, ds, old_to_delete, allowed_nodes + candidate_nodes[:remaining_surge],
                      hash_)


# -- history ---------------------------------------------------------------------------------


def get_patch(ds: DaemonSet) -> dict[str, Any]:
    """getPatch."""
    return history.get_patch(ds.spec.template)


def match(ds: DaemonSet, revision: Any) -> bool:
    """Match: the revision's patch bytes are the DaemonSet's."""
    return history.go_json(get_patch(ds)) == history.go_json(revision.data)


def controlled_histories(cluster: Cluster, ds: DaemonSet) -> tuple[Cluster, list[Any], Err]:
    """controlledHistories: ClaimControllerRevisions — the set's revisions that still match its
    selector, and orphans it adopts; owned ones that stop matching are released."""
    try:
        selector = label_selector_as_selector(ds.spec.selector)
    except ValueError as exc:
        return cluster, [], str(exc)
    owned = cluster.owned_by(ds.metadata.uid or "", "ControllerRevision")
    orphans = [r for r in cluster.select("ControllerRevision", ds.metadata.namespace, selector)
               if get_controller_of(r) is None]
    claimed: list[Any] = []
    for revision in sorted({r.metadata.name: r for r in [*owned, *orphans] if r}.values(),
                           key=lambda r: r.metadata.name):
        ref = get_controller_of(revision)
        matches = selector.matches(revision.metadata.labels)
        if ref is not None:
            if ref.uid != ds.metadata.uid:
                continue
            if matches:
                claimed.append(revision)
            elif ds.metadata.deletion_timestamp is None:
                result = history.release_controller_revision(cluster, ds, revision)
                if isinstance(result, Status):
                    return cluster, claimed, result.message
                cluster = result.cluster
            continue
        if not matches or ds.metadata.deletion_timestamp is not None \
                or revision.metadata.deletion_timestamp is not None:
            continue
        result = history.adopt_controller_revision(cluster, ds, API_VERSION, KIND, revision)
        if isinstance(result, Status):
            return cluster, claimed, result.message
        cluster = result.cluster
        claimed.append(result.object)
    return cluster, claimed, None


def max_revision(revisions: Sequence[Any]) -> int:
    """maxRevision."""
    return max((r.revision or 0 for r in revisions), default=0)


def construct_history(cluster: Cluster, ds: DaemonSet) -> tuple[Cluster, Any, list[Any], Err]:
    """constructHistory: (current revision, old revisions); the current one is created, or
    deduplicated and renumbered to follow the old ones."""
    cluster, histories, err = controlled_histories(cluster, ds)
    if err is not None:
        return cluster, None, [], err
    current: list[Any] = []
    old: list[Any] = []
    for revision in histories:
        if util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY not in revision.metadata.labels:
            labels = revision.metadata.labels.set(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY,
                                                  revision.metadata.name)
            result = apiserver.update(cluster, attrs.evolve(revision, metadata=attrs.evolve(
                revision.metadata, labels=labels, resource_version=None)))
            if isinstance(result, Status):
                return cluster, None, [], result.message
            cluster, revision = result.cluster, result.object
        (current if match(ds, revision) else old).append(revision)
    next_number = max_revision(old) + 1
    if not current:
        cluster, cur, err = snapshot(cluster, ds, next_number)
        return cluster, cur, old, err
    cluster, cur, err = dedup_cur_histories(cluster, ds, current)
    if err is not None:
        return cluster, None, old, err
    if (cur.revision or 0) < next_number:
        result = history.update_controller_revision(cluster, cur, next_number)
        if isinstance(result, Status):
            return cluster, None, old, result.message
        cluster = result.cluster
    return cluster, cur, old, None


def dedup_cur_histories(cluster: Cluster, ds: DaemonSet, current: list[Any]
                        ) -> tuple[Cluster, Any, Err]:
    """dedupCurHistories: keep the highest-numbered one, relabel pods to it, delete the rest."""
    if len(current) == 1:
        return cluster, current[0], None
    keep = current[0]
    for revision in current:
        if (revision.revision or 0) >= (keep.revision or 0):
            keep = revision
    keep_hash = keep.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY)
    from kubefold.reducers.controllers.daemon.daemon_controller import get_daemon_pods

    cluster, pods, err = get_daemon_pods(cluster, ds)
    if err is not None:
        return cluster, None, err
    for pod in pods:
        if pod.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) != keep_hash:
            labels = pod.metadata.labels.set(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY,
                                             keep_hash or "")
            result = apiserver.update(cluster, attrs.evolve(pod, metadata=attrs.evolve(
                pod.metadata, labels=labels, resource_version=None)))
            if isinstance(result, Status):
                return cluster, None, result.message
            cluster = result.cluster
    for revision in current:
        if revision.metadata.name == keep.metadata.name:
            continue
        result = history.delete_controller_revision(cluster, revision)
        if isinstance(result, Status):
            return cluster, None, result.message
        cluster = result.cluster
    return cluster, keep, None


def snapshot(cluster: Cluster, ds: DaemonSet, revision: int) -> tuple[Cluster, Any, Err]:
    """snapshot: create the revision `<ds>-<hash>`; a name taken by other data bumps the
    DaemonSet's collisionCount and fails (the next sync retries with the new count)."""
    patch = get_patch(ds)
    hash_ = compute_hash(ds.spec.template, ds.status.collision_count)  # type: ignore[arg-type]
    name = f"{ds.metadata.name}-{hash_}"
    template_labels = ds.spec.template.metadata.labels if ds.spec.template else None
    labels = (template_labels or freeze({})).set(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY, hash_)
    ref = OwnerReference(api_version=API_VERSION, kind=KIND, name=ds.metadata.name,
                         uid=ds.metadata.uid, controller=True, block_owner_deletion=True)
    cr = ControllerRevision(api_version="apps/v1", kind="ControllerRevision",
                            metadata=ObjectMeta(name=name, namespace=ds.metadata.namespace,
                                                labels=labels,
                                                annotations=ds.metadata.annotations,
                                                owner_references=pvector([ref])),
                            data=freeze(patch), revision=revision)
    result = apiserver.create(cluster, cr)
    if isinstance(result, apiserver.Written):
        return result.cluster, result.object, None
    if result.reason != "AlreadyExists":
        return cluster, None, result.message
    existing = cluster.get("ControllerRevision", ds.metadata.namespace, name)
    if existing is not None and match(ds, existing):
        return cluster, existing, None
    count = (ds.status.collision_count or 0) + 1
    bumped = apiserver.update_status(cluster, attrs.evolve(ds, status=attrs.evolve(
        ds.status, collision_count=count)))
    if isinstance(bumped, Status):
        return cluster, None, bumped.message
    return bumped.cluster, None, result.message


def cleanup_history(cluster: Cluster, ds: DaemonSet, old: list[Any]) -> tuple[Cluster, Err]:
    """cleanupHistory: delete the oldest revisions no pod uses, beyond revisionHistoryLimit."""
    from kubefold.reducers.controllers.daemon.daemon_controller import (
        get_nodes_to_daemon_pods,
    )

    cluster, node_to_pods, err = get_nodes_to_daemon_pods(cluster, ds, True)
    if err is not None:
        return cluster, err
    limit = ds.spec.revision_history_limit
    to_kill = len(old) - (10 if limit is None else limit)
    if to_kill <= 0:
        return cluster, None
    live = {h for pods in node_to_pods.values() for p in pods
            if (h := p.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY))}
    for revision in sorted(old, key=lambda r: r.revision or 0):
        if to_kill <= 0:
            break
        if revision.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) in live:
            continue
        result = history.delete_controller_revision(cluster, revision)
        if isinstance(result, Status):
            return cluster, result.message
        cluster = result.cluster
        to_kill -= 1
    return cluster, None
