"""The StatefulSet controller: its informer handlers and its sync.

`sync(cluster, key)` is one call of Go's sync for `namespace/name`: the set, its selector,
orphan ControllerRevisions adopted, its pods claimed (adopting orphans whose names are
`<set>-<n>` and that the selector matches, releasing owned ones that stop matching), then
syncStatefulSet (UpdateStatefulSet, and a requeue after minReadySeconds while not every
replica is available). `watch(cluster, change)` is addPod/updatePod/deletePod and the set's
own handlers.

Models (v1.34): pkg/controller/statefulset/stateful_set.go (addPod, updatePod, deletePod,
getPodsForStatefulSet, adoptOrphanRevisions, getStatefulSetsForPod, resolveControllerRef,
sync, syncStatefulSet) and the listers' GetPodStatefulSets.

Simplifies:
- ControllerRevision writes wake nobody (the StatefulSet controller registers no handler for
  them, as in Go).
- updatePod's AddAfter(minReadySeconds + 1 s) when a pod turns ready is the sync's own
  requeue after minReadySeconds (a watch handler only queues keys now).
- Pods are found through the cluster's indices: the set's own pods (by owner) and the
  orphans its selector matches, the only pods ClaimPods can keep or adopt.

Covered by: tests/test_workloads_e2e.py, tests/test_stateful_set_control.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.apps import StatefulSet
from kubefold.core.cluster import Change, Cluster
from kubefold.core.labels import NOTHING, Selector, label_selector_as_selector
from kubefold.core.meta import get_controller_of
from kubefold.core.podutil import is_pod_ready
from kubefold.reducers.controllers.controller_utils import claim_object
from kubefold.reducers.controllers.statefulset import stateful_set_control as control
from kubefold.reducers.controllers.statefulset.stateful_set_utils import (
    API_VERSION,
    KIND,
    is_member_of,
    replicas,
)
from kubefold.reducers.controlplane import Controller

NAME = "statefulset"


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


# -- informer handlers -------------------------------------------------------------------------


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any
                           ) -> StatefulSet | None:
    """resolveControllerRef: the set the reference names, if the uid matches."""
    if ref.kind != KIND:
        return None
    sts = cluster.get(KIND, namespace, ref.name or "")
    if sts is None or sts.metadata.uid != ref.uid:
        return None
    return sts  # type: ignore[no-any-return]


def get_stateful_sets_for_pod(cluster: Cluster, pod: Any) -> list[StatefulSet]:
    """getStatefulSetsForPod (GetPodStatefulSets): sets of the pod's namespace whose selector
    matches its labels."""
    if not pod.metadata.labels:
        return []
    out = []
    for sts in sorted(cluster.list(KIND, pod.metadata.namespace),
                      key=lambda s: s.metadata.name or ""):
        try:
            selector = label_selector_as_selector(sts.spec.selector)
        except ValueError:
            continue
        if not selector.empty() and selector.matches(pod.metadata.labels):
            out.append(sts)
    return out


def add_pod(cluster: Cluster, pod: Any) -> list[str]:
    """addPod."""
    if pod.metadata.deletion_timestamp is not None:
        return delete_pod(cluster, pod)
    ref = get_controller_of(pod)
    if ref is not None:
        sts = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
        return [_key(sts)] if sts is not None else []
    return [_key(s) for s in get_stateful_sets_for_pod(cluster, pod)]


def update_pod(cluster: Cluster, old: Any, cur: Any) -> list[str]:
    """updatePod."""
    if cur.metadata.resource_version == old.metadata.resource_version:
        return []
    cur_ref, old_ref = get_controller_of(cur), get_controller_of(old)
    keys: list[str] = []
    if cur_ref != old_ref and old_ref is not None:
        sts = resolve_controller_ref(cluster, old.metadata.namespace, old_ref)
        if sts is not None:
            keys.append(_key(sts))
    if cur_ref is not None:
        sts = resolve_controller_ref(cluster, cur.metadata.namespace, cur_ref)
        if sts is not None:
            keys.append(_key(sts))
        return list(dict.fromkeys(keys))
    if cur.metadata.labels != old.metadata.labels or cur_ref != old_ref:
        keys += [_key(s) for s in get_stateful_sets_for_pod(cluster, cur)]
    return list(dict.fromkeys(keys))


def delete_pod(cluster: Cluster, pod: Any) -> list[str]:
    """deletePod: the controlling set."""
    ref = get_controller_of(pod)
    if ref is None:
        return []
    sts = resolve_controller_ref(cluster, pod.metadata.namespace, ref)
    return [_key(sts)] if sts is not None else []


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The set's handlers (add, update, delete enqueue it) and the pod handlers."""
    if change.kind == KIND:
        return [f"{change.namespace}/{change.name}"]
    if change.kind != "Pod":
        return []
    if change.old is None:
        return add_pod(cluster, change.new)
    if change.new is None:
        return delete_pod(cluster, change.old)
    return update_pod(cluster, change.old, change.new)


# -- sync --------------------------------------------------------------------------------------


def adopt_orphan_revisions(cluster: Cluster, sts: StatefulSet) -> tuple[Cluster, str | None]:
    """adoptOrphanRevisions."""
    orphans = control.orphan_revisions(control.list_revisions(cluster, sts))
    if not orphans:
        return cluster, None
    if sts.metadata.deletion_timestamp is not None:
        return cluster, (f"can't adopt ControllerRevisions: {sts.metadata.namespace}/"
                         f"{sts.metadata.name} has just been deleted at "
                         f"{sts.metadata.deletion_timestamp}")
    return control.adopt_orphan_revisions(cluster, sts, orphans)


def candidate_pods(cluster: Cluster, sts: StatefulSet, selector: Selector) -> list[Any]:
    """The pods ClaimPods can keep or adopt: the set's own and the orphans its selector
    matches, by name."""
    owned = cluster.owned_by(sts.metadata.uid or "", "Pod")
    orphans = [p for p in cluster.select("Pod", sts.metadata.namespace, selector)
               if get_controller_of(p) is None]
    by_name = {p.metadata.name: p for p in [*owned, *orphans] if p is not None}
    return [by_name[n] for n in sorted(by_name)]


def get_pods_for_stateful_set(cluster: Cluster, sts: StatefulSet, selector: Selector
                              ) -> tuple[Cluster, list[Any], str | None]:
    """getPodsForStatefulSet: ClaimPods with the isMemberOf filter."""
    claimed: list[Any] = []
    errors: list[str] = []
    for pod in candidate_pods(cluster, sts, selector):
        match = selector if is_member_of(sts, pod) else NOTHING
        cluster, ok, err = claim_object(cluster, sts, match, pod, API_VERSION, KIND)
        if err is not None:
            errors.append(err)
        elif ok:
            claimed.append(cluster.get("Pod", pod.metadata.namespace, pod.metadata.name)
                           or pod)
    return cluster, claimed, control.spc.aggregate(errors)


def sync(cluster: Cluster, key: str) -> Cluster:
    """sync for `namespace/name`."""
    namespace, _, name = key.partition("/")
    sts: StatefulSet | None = cluster.get(KIND, namespace, name)
    if sts is None:
        return cluster.forget(NAME, key)
    try:
        selector = label_selector_as_selector(sts.spec.selector)
    except ValueError:
        return cluster.forget(NAME, key)  # a non-transient error: not retried
    cluster, err = adopt_orphan_revisions(cluster, sts)
    if err is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    cluster, pods, err = get_pods_for_stateful_set(cluster, sts, selector)
    if err is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    return sync_stateful_set(cluster, sts, pods, key)


def sync_stateful_set(cluster: Cluster, sts: StatefulSet, pods: list[Any], key: str
                      ) -> Cluster:
    """syncStatefulSet: UpdateStatefulSet; while not every replica is available, look again
    after minReadySeconds."""
    updated = control.update_stateful_set(cluster, sts, pods)
    cluster = updated.cluster
    if updated.error is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    mrs = sts.spec.min_ready_seconds or 0
    if mrs > 0 and updated.status is not None \
            and (updated.status.available_replicas or 0) != replicas(sts):
        cluster = cluster.enqueue_after(NAME, key, mrs)
    return cluster.forget(NAME, key)


def pod_turned_ready(old: Any, cur: Any) -> bool:
    return not is_pod_ready(old) and is_pod_ready(cur)


CONTROLLER = Controller(NAME, sync, watch, frozenset({KIND, "Pod"}))


