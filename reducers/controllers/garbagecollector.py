"""The garbage collector: deletes objects whose owners are gone, orphans or deletes the
dependents of owners deleted with the Orphan or Foreground propagation policy.

A key is `kind/namespace/name` (namespace empty for a cluster-scoped object). `watch` decides,
as the GraphBuilder does from the informers' events, which objects need a look; `sync` is one
turn of the attemptToDelete or attemptToOrphan worker for one object: an object being deleted
with the `orphan` finalizer goes to the orphan worker, every other object to attemptToDeleteItem.

Models (v1.34, pkg/controller/garbagecollector):
- graph.go: node.blockingDependents, ownerReferenceMatchesCoordinates, node.isDeletingDependents.
- graph_builder.go: processGraphChanges (add, update and delete events), addDependentToOwners,
  referencesDiffs, deletionStartsWithFinalizer, addUnblockedOwnersToDeleteQueue,
  processTransitions.
- garbagecollector.go: attemptToDeleteWorker, isDangling, classifyReferences,
  attemptToDeleteItem (solid, dangling and waitingForDependentsDeletion owners; the cycle
  breaker that unblocks ownerReferences), processDeletingDependentsItem, orphanDependents,
  attemptToOrphanWorker.
- operations.go: apiResource, deleteObject, removeFinalizer. patch.go:
  deleteOwnerRefJSONMergePatch, unblockOwnerReferencesStrategicMergePatch.

Simplifies:
- The dependency graph is the cluster itself (`Cluster.owned_by`, `Cluster.by_uid`): it never
  lags behind the store, so there are no virtual nodes, no virtual delete events and no
  alternate owner identities; where Go enqueues a virtual owner node that later proves absent
  (and then enqueues its dependents), the dependent is enqueued at once.
- There is no absentOwnerCache: an owner is looked up in the store every time.
- The two work queues share one key space; an object in both is processed once per turn.
- The REST mapping is kubefold's table of kinds: a built-in kind maps in its own group at any
  version (an apiVersion of another group, such as extensions/v1beta1 for a Deployment, does
  not map and is retried with backoff); any other kind maps as the store keeps it, namespaced,
  whether or not a CustomResourceDefinition serves it.
- Patches are updates of the object as stored (its resourceVersion as precondition); deletes
  carry no preconditions, as turns never interleave. No Events are recorded
  (OwnerRefInvalidNamespace).

Covered by: tests/test_garbage_collector.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.kinds import KINDS, KindInfo, kind_info
from kubefold.core.objects import OwnerReference
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "garbage-collector"
FINALIZER_ORPHAN_DEPENDENTS = "orphan"  # metav1.FinalizerOrphanDependents
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"  # metav1.FinalizerDeleteDependents
IGNORED_KINDS = frozenset({"Event"})  # DefaultIgnoredResources: events (core and events.k8s.io)

# Errors that end a turn without a retry (attemptToDeleteWorker forgets the item).
ENQUEUED_VIRTUAL_DELETE_EVENT_ERR = "enqueued virtual delete event"
NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT_ERR = \
    "cluster-scoped objects cannot refer to namespaced owners"
FORGET_ERRORS = frozenset({ENQUEUED_VIRTUAL_DELETE_EVENT_ERR,
                           NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT_ERR})

Err: TypeAlias = str | None  # Go's error: None, or its message
Step: TypeAlias = tuple[Cluster, Err]


# -- keys and identities ---------------------------------------------------------------------


def key_of(obj: Any) -> str:
    """The work-queue key of an object: `kind/namespace/name`."""
    return f"{obj.kind}/{obj.metadata.namespace or ''}/{obj.metadata.name}"


def split_key(key: str) -> tuple[str, str, str] | None:
    parts = key.split("/")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[1], parts[2]


def api_version_of(obj: Any) -> str:
    return obj.api_version or kind_info(obj.kind).api_version


def identity(obj: Any) -> str:
    """objectReference.String(): `[apiVersion/kind, namespace: ns, name: n, uid: u]`."""
    meta = obj.metadata
    return (f"[{api_version_of(obj)}/{obj.kind}, namespace: {meta.namespace or ''}, "
            f"name: {meta.name}, uid: {meta.uid or ''}]")


def _unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


# -- graph.go: what a node knows, read from the store -----------------------------------------


def being_deleted(obj: Any) -> bool:
    return obj.metadata.deletion_timestamp is not None


def has_finalizer(obj: Any, finalizer: str) -> bool:
    return finalizer in obj.metadata.finalizers


def has_delete_dependents_finalizer(obj: Any) -> bool:
    return has_finalizer(obj, FINALIZER_DELETE_DEPENDENTS)


def has_orphan_finalizer(obj: Any) -> bool:
    return has_finalizer(obj, FINALIZER_ORPHAN_DEPENDENTS)


def is_deleting_dependents(obj: Any) -> bool:
    """node.isDeletingDependents: being deleted with the foregroundDeletion finalizer."""
    return being_deleted(obj) and has_delete_dependents_finalizer(obj)


def get_dependents(cluster: Cluster, obj: Any) -> list[Any]:
    """node.getDependents: the objects whose ownerReferences name this object's uid."""
    uid = obj.metadata.uid
    if not uid:
        return []
    return [d for d in cluster.owned_by(uid) if d is not None]


def blocking_dependents(cluster: Cluster, obj: Any) -> list[Any]:
    """node.blockingDependents: dependents whose reference to `obj` has blockOwnerDeletion."""
    uid = obj.metadata.uid
    return [d for d in get_dependents(cluster, obj)
            if any(r.uid == uid and r.block_owner_deletion for r in d.metadata.owner_references)]


def owner_reference_matches_coordinates(ref: OwnerReference, owner: Any) -> bool:
    """ownerReferenceMatchesCoordinates: uid, name, kind and apiVersion all agree."""
    return (ref.uid == owner.metadata.uid and ref.name == owner.metadata.name
            and ref.kind == owner.kind and ref.api_version == api_version_of(owner))


# -- graph_builder.go: which objects an informer event puts in the queues ----------------------


def add_dependent_to_owners(cluster: Cluster, n: Any, owners: Sequence[OwnerReference]
                            ) -> list[str]:
    """addDependentToOwners: an owner not in the graph (a virtual node, which attemptToDelete
    proves absent and whose dependents it then enqueues), or one whose observed identity the
    reference contradicts (another namespace, kind, name or apiVersion), puts the dependent in
    attemptToDelete."""
    for owner_ref in owners:
        owner = cluster.by_uid(owner_ref.uid) if owner_ref.uid else None
        if owner is None:
            return [key_of(n)]
        owner_ns = owner.metadata.namespace or ""
        if owner_ns and owner_ns != (n.metadata.namespace or ""):
            return [key_of(n)]
        if not owner_reference_matches_coordinates(owner_ref, owner):
            return [key_of(n)]
    return []


def references_diffs(old: Sequence[OwnerReference], new: Sequence[OwnerReference]
                     ) -> tuple[list[OwnerReference], list[OwnerReference],
                                list[tuple[OwnerReference, OwnerReference]]]:
    """referencesDiffs: references added, removed, and changed (same uid), keyed by uid."""
    if old is new:  # the same references (a write that left them alone)
        return [], [], []
    old_by_uid = {ref.uid: ref for ref in old}
    remaining = dict(old_by_uid)
    added: list[OwnerReference] = []
    changed: list[tuple[OwnerReference, OwnerReference]] = []
    for ref in new:
        if ref.uid in remaining:
            if old_by_uid[ref.uid] != ref:
                changed.append((old_by_uid[ref.uid], ref))
            del remaining[ref.uid]
        else:
            added.append(ref)
    return added, list(remaining.values()), changed


def deletion_starts_with_finalizer(old: Any, new: Any, finalizer: str) -> bool:
    """deletionStartsWithFinalizer: `new` is being deleted with the finalizer, `old` was not."""
    if not being_deleted(new) or not has_finalizer(new, finalizer):
        return False
    if old is None:
        return True
    return not being_deleted(old) or not has_finalizer(old, finalizer)


def add_unblocked_owners_to_delete_queue(cluster: Cluster, removed: Sequence[OwnerReference],
                                         changed: Sequence[tuple[OwnerReference, OwnerReference]]
                                         ) -> list[str]:
    """addUnblockedOwnersToDeleteQueue: a blocking reference removed, or set to not block,
    sends its owner to attemptToDelete (it may be waiting for its dependents)."""
    keys = []
    for ref in removed:
        if ref.block_owner_deletion:
            owner = cluster.by_uid(ref.uid) if ref.uid else None
            if owner is not None:
                keys.append(key_of(owner))
    for old_ref, new_ref in changed:
        if old_ref.block_owner_deletion and not new_ref.block_owner_deletion:
            owner = cluster.by_uid(new_ref.uid) if new_ref.uid else None
            if owner is not None:
                keys.append(key_of(owner))
    return keys


def process_transitions(cluster: Cluster, old: Any, new: Any) -> list[str]:
    """processTransitions: an object that starts being deleted with `orphan` goes to
    attemptToOrphan; with `foregroundDeletion`, its dependents and then itself go to
    attemptToDelete."""
    if deletion_starts_with_finalizer(old, new, FINALIZER_ORPHAN_DEPENDENTS):
        return [key_of(new)]
    if deletion_starts_with_finalizer(old, new, FINALIZER_DELETE_DEPENDENTS):
        return [*(key_of(d) for d in get_dependents(cluster, new)), key_of(new)]
    return []


def process_graph_changes(cluster: Cluster, change: Change) -> list[str]:
    """processGraphChanges for one informer event: the keys it enqueues."""
    if change.kind in IGNORED_KINDS:
        return []
    if change.new is None:
        return _process_delete_event(cluster, change.old)
    old, new = change.old, change.new
    old_refs = old.metadata.owner_references if old is not None else pvector()
    added, removed, changed = references_diffs(old_refs, new.metadata.owner_references)
    keys = add_unblocked_owners_to_delete_queue(cluster, removed, changed)
    keys += add_dependent_to_owners(cluster, new, added)
    keys += process_transitions(cluster, old, new)
    return _unique(keys)


def _process_delete_event(cluster: Cluster, old: Any) -> list[str]:
    """The delete branch: every dependent goes to attemptToDelete, and so does each owner that
    is waiting for its dependents to go."""
    if old is None:
        return []
    keys = [key_of(d) for d in get_dependents(cluster, old)]
    for owner_ref in old.metadata.owner_references:
        owner = cluster.by_uid(owner_ref.uid) if owner_ref.uid else None
        if owner is not None and is_deleting_dependents(owner):
            keys.append(key_of(owner))
    return _unique(keys)


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The GraphBuilder's informer handlers and graph processing, as keys to enqueue."""
    return process_graph_changes(cluster, change)


# -- garbagecollector.go -----------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """processAttemptToDeleteWorker / processAttemptToOrphanWorker: one turn for one object.
    Success and the two terminal errors forget the key; any other error requeues it with
    backoff."""
    ref = split_key(key)
    item = cluster.get(*ref) if ref is not None else None
    if item is None:
        # Not found: Go enqueues a virtual delete event and forgets the item.
        return cluster.forget(NAME, key)
    if being_deleted(item) and has_orphan_finalizer(item):
        cluster, err = attempt_to_orphan_worker(cluster, item)
    else:
        cluster, err = attempt_to_delete_item(cluster, item)
    if err is None or err in FORGET_ERRORS:
        return cluster.forget(NAME, key)
    return cluster.enqueue_rate_limited(NAME, key)


def is_dangling(cluster: Cluster, reference: OwnerReference, item: Any
                ) -> tuple[bool, Any, Err]:
    """isDangling: the owner named by the reference's coordinates is absent (in the item's
    namespace when its kind is namespaced), or has another uid."""
    resource, err = api_resource(reference.api_version, reference.kind)
    if resource is None:
        return False, None, err
    item_ns = item.metadata.namespace or ""
    if not item_ns and resource.namespaced:
        return False, None, NAMESPACED_OWNER_OF_CLUSTER_SCOPED_OBJECT_ERR
    owner_ns = item_ns if resource.namespaced else ""
    owner = cluster.get(resource.kind, owner_ns, reference.name) if reference.name else None
    if owner is None:
        return True, None, None
    if owner.metadata.uid != reference.uid:
        return True, None, None
    return False, owner, None


def classify_references(cluster: Cluster, item: Any, latest_references: Sequence[OwnerReference]
                        ) -> tuple[list[OwnerReference], list[OwnerReference],
                                   list[OwnerReference], Err]:
    """classifyReferences: solid (the owner exists and is not waiting), dangling (the owner does
    not exist) and waitingForDependentsDeletion (being deleted with foregroundDeletion)."""
    solid: list[OwnerReference] = []
    dangling: list[OwnerReference] = []
    waiting: list[OwnerReference] = []
    for reference in latest_references:
        is_dangling_ref, owner, err = is_dangling(cluster, reference, item)
        if err is not None:
            return [], [], [], err
        if is_dangling_ref:
            dangling.append(reference)
        elif being_deleted(owner) and has_delete_dependents_finalizer(owner):
            waiting.append(reference)
        else:
            solid.append(reference)
    return solid, dangling, waiting, None


def owner_refs_to_uids(refs: Iterable[OwnerReference]) -> list[str | None]:
    return [ref.uid for ref in refs]


def attempt_to_delete_item(cluster: Cluster, item: Any) -> Step:
    """attemptToDeleteItem: delete the item when all its owners are gone; with a solid owner,
    remove the references to the dangling and waiting ones instead."""
    if being_deleted(item) and not is_deleting_dependents(item):
        # A one-way trip to the final deletion (a pod's kubelet, other finalizers).
        return cluster, None
    if is_deleting_dependents(item):
        return process_deleting_dependents_item(cluster, item)
    owner_references = item.metadata.owner_references
    if not owner_references:
        return cluster, None
    solid, dangling, waiting, err = classify_references(cluster, item, owner_references)
    if err is not None:
        return cluster, err
    if solid:
        if not dangling and not waiting:
            return cluster, None
        owner_uids = owner_refs_to_uids(dangling) + owner_refs_to_uids(waiting)
        return patch(cluster, delete_owner_ref_json_merge_patch(item, *owner_uids))
    dependents = get_dependents(cluster, item)
    if waiting and dependents:
        for dep in dependents:
            if is_deleting_dependents(dep):
                # Break a possible cycle: this item stops blocking its owners, then goes in
                # the foreground.
                cluster, err = patch(cluster, unblock_owner_references_strategic_merge_patch(
                    item))
                if err is not None:
                    return cluster, err
                break
        return delete_object(cluster, item, "Foreground")
    if has_orphan_finalizer(item):
        policy = "Orphan"
    elif has_delete_dependents_finalizer(item):
        policy = "Foreground"
    else:
        policy = "Background"
    return delete_object(cluster, item, policy)


def process_deleting_dependents_item(cluster: Cluster, item: Any) -> Step:
    """processDeletingDependentsItem: without blocking dependents, drop foregroundDeletion;
    otherwise send each blocking dependent that is not itself deleting dependents to
    attemptToDelete."""
    blocking = blocking_dependents(cluster, item)
    if not blocking:
        return remove_finalizer(cluster, item, FINALIZER_DELETE_DEPENDENTS)
    for dep in blocking:
        if not is_deleting_dependents(dep):
            cluster = cluster.enqueue(NAME, key_of(dep))
    return cluster, None


def orphan_dependents(cluster: Cluster, owner: Any, dependents: Sequence[Any]) -> Step:
    """orphanDependents: remove the references to `owner` from each dependent; a dependent
    already gone is no error, any other failure is collected."""
    errors = []
    for dependent in dependents:
        latest = cluster.get(dependent.kind, dependent.metadata.namespace,
                             dependent.metadata.name)
        if latest is None or latest.metadata.uid != dependent.metadata.uid:
            continue
        result = apiserver.update(cluster, delete_owner_ref_json_merge_patch(
            latest, owner.metadata.uid))
        if isinstance(result, Status):
            if result.reason != "NotFound":
                errors.append(f"orphaning {identity(dependent)} failed, {result.message}")
            continue
        cluster = result.cluster
    if errors:
        return cluster, (f"failed to orphan dependents of owner {identity(owner)}, got errors: "
                         f"{_aggregate(errors)}")
    return cluster, None


def _aggregate(messages: Sequence[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message bare, several as `[a, b]`."""
    unique = _unique(messages)
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def attempt_to_orphan_worker(cluster: Cluster, owner: Any) -> Step:
    """attemptToOrphanWorker: orphan the dependents, then remove the `orphan` finalizer."""
    cluster, err = orphan_dependents(cluster, owner, get_dependents(cluster, owner))
    if err is not None:
        return cluster, err
    return remove_finalizer(cluster, owner, FINALIZER_ORPHAN_DEPENDENTS)


# -- operations.go -----------------------------------------------------------------------------


def api_resource(api_version: str | None, kind: str | None) -> tuple[KindInfo | None, Err]:
    """apiResource: the REST mapping of an ownerReference's apiVersion and kind, or a
    restMappingError. A built-in kind maps only within its own group; any other kind maps as
    the store keeps it (kind_info)."""
    group = (api_version or "").rpartition("/")[0]
    known = KINDS.get(kind or "")
    if (known is not None and known.group == group) or (known is None and kind):
        return kind_info(kind or "", api_version), None
    return None, f"unable to get REST mapping for {api_version or ''}/{kind or ''}."


def delete_object(cluster: Cluster, item: Any, policy: str) -> Step:
    """deleteObject: DELETE with the propagation policy; NotFound means the item is gone."""
    result = apiserver.delete(cluster, item.kind, item.metadata.namespace, item.metadata.name,
                              policy)
    if isinstance(result, Status):
        if result.reason == "NotFound":
            return cluster, ENQUEUED_VIRTUAL_DELETE_EVENT_ERR
        return cluster, result.message
    return result.cluster, None


def patch(cluster: Cluster, patched: Any) -> Step:
    """gc.patch: write the patched object (an update with its resourceVersion)."""
    result = apiserver.update(cluster, patched)
    if isinstance(result, Status):
        return cluster, result.message
    return result.cluster, None


def remove_finalizer(cluster: Cluster, owner: Any, target_finalizer: str) -> Step:
    """removeFinalizer: drop one finalizer from the live object (gone or without it: done)."""
    latest = cluster.get(owner.kind, owner.metadata.namespace, owner.metadata.name)
    if latest is None or target_finalizer not in latest.metadata.finalizers:
        return cluster, None
    finalizers = pvector(f for f in latest.metadata.finalizers if f != target_finalizer)
    return patch(cluster, _with_meta(latest, finalizers=finalizers))


# -- patch.go ----------------------------------------------------------------------------------


def _with_meta(obj: Any, **changes: Any) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, **changes))


def delete_owner_ref_json_merge_patch(item: Any, *owner_uids: str | None) -> Any:
    """The item without the ownerReferences whose uid is one of `owner_uids`."""
    refs = pvector(r for r in item.metadata.owner_references if r.uid not in owner_uids)
    return _with_meta(item, owner_references=refs)


def unblock_owner_references_strategic_merge_patch(item: Any) -> Any:
    """The item with blockOwnerDeletion set to false on every reference that blocked."""
    refs = pvector(attrs.evolve(r, block_owner_deletion=False) if r.block_owner_deletion else r
                   for r in item.metadata.owner_references)
    return _with_meta(item, owner_references=refs)


CONTROLLER = Controller(name=NAME, sync=sync, watch=watch)
