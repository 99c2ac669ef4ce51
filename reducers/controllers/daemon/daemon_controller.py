"""The DaemonSet controller: one pod on every node that should run one.

`sync(cluster, key)` is one syncDaemonSet for `namespace/name`: the history is constructed
(the current ControllerRevision found or created), then manage (for each node, by
nodeShouldRunDaemonPod, create the missing pod — pinned to the node by required node affinity
on metadata.name, left to the scheduler to bind — or delete the pods of a node that should not
run them, failed and succeeded pods, and the surplus), the rolling update (update.py), the
history cleanup, and the status. `watch(cluster, change)` is the informer handlers: DaemonSets,
their pods, their ControllerRevisions, and nodes whose labels or taints change what should run.

Models (v1.34): pkg/controller/daemon/daemon_controller.go (addDaemonset, updateDaemonset,
deleteDaemonset, addHistory, updateHistory, deleteHistory, addPod, updatePod, deletePod,
addNode, shouldIgnoreNodeUpdate, updateNode, getDaemonPods, getNodesToDaemonPods,
resolveControllerRef, podsShouldBeOnNode, updateDaemonSet, manage, syncNodes,
storeDaemonSetStatus, updateDaemonSetStatus, syncDaemonSet, NodeShouldRunDaemonPod,
predicates, NewPod, podByCreationTimestampAndPhase, getUnscheduledPodsWithoutNode).

Simplifies:
- Expectations are always satisfied (every write is visible at once), so the "only update
  status" rung never runs.
- The failed-pods backoff (1 s doubling to 15 min, kept in the controller's memory) is a
  fixed wait: a Failed pod is deleted once its Ready condition has been false for 1 s, so a
  pod the kubelet keeps rejecting is recreated once a logical second, never within one
  instant.
- syncNodes' goroutines run one after another (creations in node order, then deletions);
  the burst limit is 250 as in Go.
- updatePod's AddAfter(minReadySeconds + 1 s) is the status's own requeue after
  minReadySeconds. Events (SelectingAll, FailedDaemonPod, ...) are not recorded.

Covered by: tests/test_daemon_controller.py, tests/test_daemon_update.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from kubefold.core.apps import DaemonSet
from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import Node, ObjectMeta, Pod
from kubefold.core.podutil import (
    get_pod_ready_condition,
    is_pod_available,
    is_pod_ready,
    is_pod_terminal,
)
from kubefold.core.scheduling import find_matching_untolerated_taint, required_node_affinity_match
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.controller_utils import (
    claim_pods,
    create_pods,
    new_controller_ref,
)
from kubefold.reducers.controllers.daemon import update, util
from kubefold.reducers.controlplane import Controller

NAME = "daemonset"
KIND = "DaemonSet"
API_VERSION = "apps/v1"
BURST_REPLICAS = 250
FAILED_POD_BACKOFF = 1
NAMESPACE_TERMINATING = "because it is being terminated"
Err = str | None


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


# -- NodeShouldRunDaemonPod ------------------------------------------------------------------


def new_pod(ds: DaemonSet, node_name: str) -> Pod:
    """NewPod: the template's pod on the node, with the daemon tolerations."""
    template = ds.spec.template
    spec = template.spec if template is not None and template.spec is not None else Pod().spec
    meta = template.metadata if template is not None else ObjectMeta()
    spec = util.add_or_update_daemon_pod_tolerations(attrs.evolve(spec, node_name=node_name))
    return Pod(metadata=attrs.evolve(meta, namespace=ds.metadata.namespace), spec=spec)


def predicates(pod: Pod, node: Node) -> tuple[bool, bool, bool]:
    """predicates: (fits the node name, fits the required node affinity, tolerates the
    NoSchedule and NoExecute taints)."""
    fits_node_name = not pod.spec.node_name or pod.spec.node_name == node.metadata.name
    fits_affinity = required_node_affinity_match(pod, node)
    untolerated = find_matching_untolerated_taint(
        node.spec.taints, pod.spec.tolerations,
        lambda t: t.effect in ("NoExecute", "NoSchedule"))
    return fits_node_name, fits_affinity, untolerated is None


def node_should_run_daemon_pod(node: Node, ds: DaemonSet) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run, should continue running)."""
    pod = new_pod(ds, node.metadata.name or "")
    template_node = ds.spec.template.spec.node_name \
        if ds.spec.template is not None and ds.spec.template.spec is not None else None
    if template_node and template_node != node.metadata.name:
        return False, False
    fits_name, fits_affinity, fits_taints = predicates(pod, node)
    if not fits_name or not fits_affinity:
        return False, False
    if not fits_taints:
        untolerated = find_matching_untolerated_taint(node.spec.taints, pod.spec.tolerations,
                                                      lambda t: t.effect == "NoExecute")
        return False, untolerated is None
    return True, True


# -- informer handlers -----------------------------------------------------------------------


def resolve_controller_ref(cluster: Cluster, namespace: str | None, ref: Any
                           ) -> DaemonSet | None:
    """resolveControllerRef."""
    if ref.kind != KIND:
        return None
    ds = cluster.get(KIND, namespace, ref.name or "")
    if ds is None or ds.metadata.uid != ref.uid:
        return None
    return ds  # type: ignore[no-any-return]


def _selecting(cluster: Cluster, namespace: str | None, labels: Any) -> list[DaemonSet]:
    """GetPodDaemonSets / GetHistoryDaemonSets: sets whose non-empty selector matches."""
    if not labels:
        return []
    out = []
    for ds in sorted(cluster.list(KIND, namespace), key=lambda d: d.metadata.name or ""):
        try:
            selector = label_selector_as_selector(ds.spec.selector)
        except ValueError:
            continue
        if not selector.empty() and selector.matches(labels):
            out.append(ds)
    return out


def _owned_change(cluster: Cluster, change: Change) -> list[str]:
    """addPod/updatePod/deletePod and addHistory/updateHistory/deleteHistory: the controlling
    set, both when the controller changed, or the sets that could adopt an orphan."""
    old, cur = change.old, change.new
    if cur is None or (old is None and cur.metadata.deletion_timestamp is not None) or (
            change.kind == "Pod" and old is not None
            and cur.metadata.deletion_timestamp is not None):
        ref = get_controller_of(cur if cur is not None else old)
        if ref is None:
            return []
        ds = resolve_controller_ref(cluster, change.namespace, ref)
        return [_key(ds)] if ds is not None else []
    if old is not None and cur.metadata.resource_version == old.metadata.resource_version:
        return []
    keys: list[str] = []
    cur_ref = get_controller_of(cur)
    old_ref = get_controller_of(old) if old is not None else None
    if old is not None and cur_ref != old_ref and old_ref is not None:
        ds = resolve_controller_ref(cluster, change.namespace, old_ref)
        if ds is not None:
            keys.append(_key(ds))
    if cur_ref is not None:
        ds = resolve_controller_ref(cluster, change.namespace, cur_ref)
        if ds is not None:
            keys.append(_key(ds))
        return list(dict.fromkeys(keys))
    if old is None or cur.metadata.labels != old.metadata.labels or cur_ref != old_ref:
        keys += [_key(ds) for ds in _selecting(cluster, change.namespace, cur.metadata.labels)]
    return list(dict.fromkeys(keys))


def should_ignore_node_update(old: Node, cur: Node) -> bool:
    """shouldIgnoreNodeUpdate: labels and taints unchanged."""
    return old.metadata.labels == cur.metadata.labels and old.spec.taints == cur.spec.taints


def _node_change(cluster: Cluster, change: Change) -> list[str]:
    """addNode (the sets that should run on it), updateNode (the sets whose verdict changed);
    a deleted node's pods are left to the pod GC, whose deletes wake the sets."""
    old, cur = change.old, change.new
    if cur is None:
        return []
    if old is not None and should_ignore_node_update(old, cur):
        return []
    keys = []
    for ds in sorted(cluster.list(KIND), key=lambda d: (d.metadata.namespace or "",
                                                        d.metadata.name or "")):
        if old is None:
            if node_should_run_daemon_pod(cur, ds)[0]:
                keys.append(_key(ds))
        elif node_should_run_daemon_pod(old, ds) != node_should_run_daemon_pod(cur, ds):
            keys.append(_key(ds))
    return keys


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The informer handlers of DaemonSets, ControllerRevisions, pods and nodes."""
    if change.kind == KIND:
        return [f"{change.namespace}/{change.name}"]
    if change.kind in ("Pod", "ControllerRevision"):
        return _owned_change(cluster, change)
    if change.kind == "Node":
        return _node_change(cluster, change)
    return []


# -- pods of a DaemonSet ---------------------------------------------------------------------


def get_daemon_pods(cluster: Cluster, ds: DaemonSet) -> tuple[Cluster, list[Pod], Err]:
    """getDaemonPods: ClaimPods over the set's own pods and the orphans it selects."""
    try:
        selector = label_selector_as_selector(ds.spec.selector)
    except ValueError as exc:
        return cluster, [], str(exc)
    owned = cluster.owned_by(ds.metadata.uid or "", "Pod")
    orphans = [p for p in cluster.select("Pod", ds.metadata.namespace, selector)
               if get_controller_of(p) is None]
    candidates = sorted({p.metadata.name: p for p in [*owned, *orphans] if p}.values(),
                        key=lambda p: p.metadata.name)
    claimed = claim_pods(cluster, ds, selector, candidates, API_VERSION, KIND)
    pods = [claimed.cluster.get("Pod", p.metadata.namespace, p.metadata.name) or p
            for p in claimed.pods]
    return claimed.cluster, pods, claimed.error


def get_nodes_to_daemon_pods(cluster: Cluster, ds: DaemonSet, include_deleted_terminal: bool
                             ) -> tuple[Cluster, dict[str, list[Pod]], Err]:
    """getNodesToDaemonPods: the claimed pods by the node they run on or are pinned to."""
    cluster, pods, err = get_daemon_pods(cluster, ds)
    if err is not None:
        return cluster, {}, err
    out: dict[str, list[Pod]] = {}
    for pod in pods:
        if not include_deleted_terminal and is_pod_terminal(pod) \
                and pod.metadata.deletion_timestamp is not None:
            continue
        node_name = util.get_target_node_name(pod)
        if node_name is None:
            continue
        out.setdefault(node_name, []).append(pod)
    return cluster, out, None


def pod_by_creation_timestamp_and_phase(pod: Pod) -> tuple[int, int, str]:
    """podByCreationTimestampAndPhase: scheduled first, then oldest, then by name."""
    return (0 if pod.spec.node_name else 1, pod.metadata.creation_timestamp or 0,
            pod.metadata.name or "")


def _failed_at(pod: Pod) -> int:
    ready = get_pod_ready_condition(pod.status)
    if ready is not None and ready.last_transition_time is not None:
        return ready.last_transition_time
    return pod.metadata.creation_timestamp or 0


def pods_should_be_on_node(cluster: Cluster, node: Node, node_to_pods: dict[str, list[Pod]],
                           ds: DaemonSet, hash_: str
                           ) -> tuple[list[str], list[str], int | None]:
    """podsShouldBeOnNode: (nodes needing a pod, pods to delete, a backoff wait)."""
    should_run, should_continue = node_should_run_daemon_pod(node, ds)
    name = node.metadata.name or ""
    pods = node_to_pods.get(name)
    needing: list[str] = []
    to_delete: list[str] = []
    wait: int | None = None
    if should_run and pods is None:
        return [name], [], None
    if should_continue:
        running: list[Pod] = []
        for pod in pods or ():
            if pod.metadata.deletion_timestamp is not None:
                continue
            if pod.status.phase == "Failed":
                due = _failed_at(pod) + FAILED_POD_BACKOFF
                if cluster.now < due:
                    wait = due - cluster.now if wait is None else min(wait, due - cluster.now)
                    continue
                to_delete.append(pod.metadata.name or "")
            elif pod.status.phase == "Succeeded":
                to_delete.append(pod.metadata.name or "")
            else:
                running.append(pod)
        running.sort(key=pod_by_creation_timestamp_and_phase)
        if not util.allows_surge(ds):
            to_delete += [p.metadata.name or "" for p in running[1:]]
            return needing, to_delete, wait
        if len(running) <= 1:
            if not running and should_run:
                needing.append(name)
            return needing, to_delete, wait
        oldest_new = oldest_old = None
        for pod in running:
            if pod.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) == hash_:
                if oldest_new is None:
                    oldest_new = pod
                    continue
            elif oldest_old is None:
                oldest_old = pod
                continue
            to_delete.append(pod.metadata.name or "")
        if oldest_new is not None and oldest_old is not None and (
                not is_pod_ready(oldest_old) or is_pod_available(
                    oldest_new, ds.spec.min_ready_seconds or 0, cluster.now)):
            to_delete.append(oldest_old.metadata.name or "")
        return needing, to_delete, wait
    if pods is not None:
        to_delete += [p.metadata.name or "" for p in pods
                      if p.metadata.deletion_timestamp is None]
    return needing, to_delete, wait


def get_unscheduled_pods_without_node(nodes: Sequence[Node],
                                      node_to_pods: dict[str, list[Pod]]) -> list[str]:
    """getUnscheduledPodsWithoutNode: unbound pods pinned to nodes that do not exist."""
    existing = {n.metadata.name for n in nodes}
    return [p.metadata.name or "" for n in sorted(node_to_pods) if n not in existing
            for p in node_to_pods[n] if not p.spec.node_name]


def manage(cluster: Cluster, ds: DaemonSet, nodes: Sequence[Node], hash_: str
           ) -> tuple[Cluster, Err]:
    """manage: create and delete toward one pod per node that should run one."""
    cluster, node_to_pods, err = get_nodes_to_daemon_pods(cluster, ds, False)
    if err is not None:
        return cluster, (f'couldn\'t get node to daemon pod mapping for daemon set '
                         f'"{ds.metadata.name}": {err}')
    needing: list[str] = []
    to_delete: list[str] = []
    waits: list[int] = []
    for node in nodes:
        more_needing, more_delete, wait = pods_should_be_on_node(cluster, node, node_to_pods,
                                                                 ds, hash_)
        needing += more_needing
        to_delete += more_delete
        if wait is not None:
            waits.append(wait)
    to_delete += get_unscheduled_pods_without_node(nodes, node_to_pods)
    if waits:
        cluster = cluster.enqueue_after(NAME, _key(ds), min(waits))
    return sync_nodes(cluster, ds, to_delete, needing, hash_)


def sync_nodes(cluster: Cluster, ds: DaemonSet, to_delete: Sequence[str],
               needing: Sequence[str], hash_: str) -> tuple[Cluster, Err]:
    """syncNodes: create a pod per node (slow start: 1, 2, 4, ... stopping after a failed
    batch), then delete the pods; at most 250 of each."""
    create_diff = min(len(needing), BURST_REPLICAS)
    delete_diff = min(len(to_delete), BURST_REPLICAS)
    errors: list[str] = []
    template = util.create_pod_template(ds.spec.template, util.get_template_generation(ds),
                                        hash_)
    ref = new_controller_ref(ds, API_VERSION, KIND)
    namespace = ds.metadata.namespace or "default"
    batch, pos = min(create_diff, 1), 0
    while pos < create_diff:
        failed = False
        for i in range(pos, pos + batch):
            spec = template.spec
            assert spec is not None
            affinity = util.replace_daemon_set_pod_node_name_node_affinity(spec.affinity,
                                                                           needing[i])
            pod_template = attrs.evolve(template, spec=attrs.evolve(spec, affinity=affinity))
            cluster, err = create_pods(cluster, namespace, pod_template, ds, ref)
            if isinstance(err, Status):
                if err.reason == "Forbidden" and NAMESPACE_TERMINATING in err.message:
                    continue
                err = err.message
            if err is not None:
                errors.append(err)
                failed = True
        pos += batch
        if failed:
            break
        batch = min(2 * batch, create_diff - pos)
    for name in to_delete[:delete_diff]:
        result = apiserver.delete(cluster, "Pod", namespace, name)
        if isinstance(result, Status):
            if result.reason != "NotFound":
                errors.append(result.message)
            continue
        cluster = result.cluster
    return cluster, _aggregate(errors)


def _aggregate(errors: list[str]) -> Err:
    if not errors:
        return None
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


# -- status ----------------------------------------------------------------------------------


def update_daemon_set_status(cluster: Cluster, ds: DaemonSet, nodes: Sequence[Node],
                             hash_: str, update_observed_gen: bool) -> tuple[Cluster, Err]:
    """updateDaemonSetStatus: the counters over the nodes, written when any changed
    (storeDaemonSetStatus); look again after minReadySeconds while some are not available."""
    cluster, node_to_pods, err = get_nodes_to_daemon_pods(cluster, ds, False)
    if err is not None:
        return cluster, err
    desired = current = misscheduled = ready = updated = available = 0
    mrs, now = ds.spec.min_ready_seconds or 0, cluster.now
    generation = util.get_template_generation(ds)
    for node in nodes:
        should_run, _ = node_should_run_daemon_pod(node, ds)
        pods = node_to_pods.get(node.metadata.name or "", [])
        if not should_run:
            if pods:
                misscheduled += 1
            continue
        desired += 1
        if not pods:
            continue
        current += 1
        pod = sorted(pods, key=pod_by_creation_timestamp_and_phase)[0]
        if is_pod_ready(pod):
            ready += 1
            if is_pod_available(pod, mrs, now):
                available += 1
        if util.is_pod_updated(pod, hash_, generation):
            updated += 1
    cluster, err = store_daemon_set_status(cluster, ds, desired, current, misscheduled, ready,
                                           updated, available, desired - available,
                                           update_observed_gen)
    if err is not None:
        return cluster, f"error storing status for daemon set {ds.metadata.name}: {err}"
    if mrs > 0 and ready != available:
        cluster = cluster.enqueue_after(NAME, _key(ds), mrs)
    return cluster, None


def store_daemon_set_status(cluster: Cluster, ds: DaemonSet, desired: int, current: int,
                            misscheduled: int, ready: int, updated: int, available: int,
                            unavailable: int, update_observed_gen: bool) -> tuple[Cluster, Err]:
    """storeDaemonSetStatus."""
    s = ds.status
    if ((s.desired_number_scheduled or 0), (s.current_number_scheduled or 0),
            (s.number_misscheduled or 0), (s.number_ready or 0),
            (s.updated_number_scheduled or 0), (s.number_available or 0),
            (s.number_unavailable or 0)) == (desired, current, misscheduled, ready, updated,
                                             available, unavailable) \
            and (s.observed_generation or 0) >= (ds.metadata.generation or 0):
        return cluster, None
    stored = cluster.get(KIND, ds.metadata.namespace, ds.metadata.name) or ds
    status = attrs.evolve(
        stored.status, desired_number_scheduled=desired, current_number_scheduled=current,
        number_misscheduled=misscheduled, number_ready=ready,
        updated_number_scheduled=updated, number_available=available,
        number_unavailable=unavailable)
    if update_observed_gen:
        status = attrs.evolve(status, observed_generation=ds.metadata.generation)
    result = apiserver.update_status(cluster, attrs.evolve(stored, status=status))
    if isinstance(result, Status):
        return cluster, result.message
    return result.cluster, None


# -- syncDaemonSet ---------------------------------------------------------------------------


def node_list(cluster: Cluster) -> list[Node]:
    """The node lister's List: every node, in the order they were added."""
    return [n for name in cluster.node_names() if (n := cluster.get("Node", "", name))]


def update_daemon_set(cluster: Cluster, ds: DaemonSet, nodes: Sequence[Node], hash_: str,
                      old: list[Any]) -> tuple[Cluster, Err]:
    """updateDaemonSet: manage, the rolling update, then the history cleanup."""
    cluster, err = manage(cluster, ds, nodes, hash_)
    if err is not None:
        return cluster, err
    strategy = ds.spec.update_strategy
    if strategy is not None and strategy.type == util.ROLLING_UPDATE:
        current = cluster.get(KIND, ds.metadata.namespace, ds.metadata.name) or ds
        cluster, err = update.rolling_update(cluster, current, nodes, hash_)
        if err is not None:
            return cluster, err
    cluster, err = update.cleanup_history(cluster, ds, old)
    if err is not None:
        return cluster, f"failed to clean up revisions of DaemonSet: {err}"
    return cluster, None


def sync_daemon_set(cluster: Cluster, key: str) -> Cluster:
    """syncDaemonSet for `namespace/name`."""
    namespace, _, name = key.partition("/")
    ds: DaemonSet | None = cluster.get(KIND, namespace, name)
    if ds is None:
        return cluster.forget(NAME, key)
    nodes = node_list(cluster)
    selector = ds.spec.selector
    if selector is not None and not selector.match_labels and not selector.match_expressions:
        return cluster.forget(NAME, key)  # SelectingAll: a warning event, no retry
    if ds.metadata.deletion_timestamp is not None:
        return cluster.forget(NAME, key)
    cluster, cur, old, err = update.construct_history(cluster, ds)
    if err is not None or cur is None:
        return cluster.enqueue_rate_limited(NAME, key)
    ds = cluster.get(KIND, namespace, name) or ds
    hash_ = cur.metadata.labels.get(util.DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY, "")
    cluster, err = update_daemon_set(cluster, ds, nodes, hash_, old)
    current = cluster.get(KIND, namespace, name) or ds
    cluster, status_err = update_daemon_set_status(cluster, current, nodes, hash_, True)
    if err is not None or status_err is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    return cluster.forget(NAME, key)


CONTROLLER = Controller(NAME, sync_daemon_set, watch,
                        frozenset({KIND, "Pod", "Node", "ControllerRevision"}))
