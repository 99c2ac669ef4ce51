"""kubectl drain: cordon a node and evict its pods through the Eviction API.

`drain(cluster, node)` cordons the node and evicts its pods as `kubectl drain NODE
--ignore-daemonsets` does.

Models (v1.34): staging/src/k8s.io/kubectl/pkg/drain (cordon.go CordonHelper.UpdateIfRequired,
drain.go GetPodsForDeletion and evictPods, filters.go daemonSetFilter, mirrorPodFilter,
localStorageFilter, unreplicatedFilter and PodDeleteList.errors) with kubectl drain's flags
`--ignore-daemonsets` set and `--force`, `--delete-emptydir-data`, `--grace-period`,
`--timeout`, `--pod-selector` left at their defaults.

Simplifies:
- kubectl retries a refused (429) eviction every 5 s until `--timeout` (forever by default),
  and then waits for each evicted pod to be gone. kubefold's drain makes one pass: a refused
  pod stays where it is, and a later `drain` event retries it. It does not wait for the
  deletions either. Other refusals (500 for two PDBs, 403) end kubectl's attempt on that pod
  and make the command fail at the end; kubefold's drain event still succeeds. Each pod's
  answer is in `drain_node(...).evictions`.
- kubectl cordons the node before it lists the pods, and leaves it cordoned when the filters
  refuse the drain (pods without a controller, with emptyDir volumes, or of a missing
  DaemonSet). A rejected event changes nothing in kubefold, so such a drain leaves the node
  schedulable. The filters' warnings are not printed; their errors are sorted (Go: map
  order).

Covered by: tests/test_eviction.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import Drain
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import Node, Pod
from kubefold.reducers.apiserver import Result, Written, evict, update

MIRROR_POD_ANNOTATION_KEY = "kubernetes.io/config.mirror"

# filters.go
DAEMON_SET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMON_SET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
IGNORE_ALL_DAEMON_SETS = True  # --ignore-daemonsets
FORCE = False
DELETE_EMPTY_DIR_DATA = False


@attrs.frozen
class PodEviction:
    """One pod drain tried to evict, and the refusal if it was refused."""

    namespace: str
    name: str
    refused: Status | None = None


@attrs.frozen
class Drained:
    """What a drain did: the cluster after it, the node as stored, each eviction tried."""

    cluster: Cluster
    node: Node
    evictions: tuple[PodEviction, ...]


def drain(cluster: Cluster, node_name: str) -> Result:
    """kubectl drain NODE --ignore-daemonsets, one pass (see the module docstring)."""
    drained = drain_node(cluster, node_name)
    if isinstance(drained, Status):
        return drained
    return Written(drained.cluster, drained.node)


def drain_node(cluster: Cluster, node_name: str) -> Drained | Status:
    """Cordon the node, list its pods through the filters, and evict them in name order,
    going on past refusals."""
    cordoned = cordon(cluster, node_name)
    if isinstance(cordoned, Status):
        return cordoned
    cluster, node = cordoned.cluster, cordoned.object
    pods, errors = get_pods_for_deletion(cluster, node_name)
    if errors:
        return bad_request(_aggregate_errors(errors))
    evictions = []
    for pod in pods:
        namespace, name = pod.metadata.namespace or "", pod.metadata.name or ""
        result = evict(cluster, namespace, name)
        if isinstance(result, Status):
            evictions.append(PodEviction(namespace, name, None if result.code == 404
                                         else result))
            continue
        cluster = result.cluster
        evictions.append(PodEviction(namespace, name))
    return Drained(cluster, node, tuple(evictions))


def cordon(cluster: Cluster, node_name: str) -> Result:
    """CordonHelper.UpdateIfRequired(true): set spec.unschedulable unless already set."""
    node = cluster.get("Node", None, node_name)
    if node is None:
        return not_found_status("nodes", node_name)
    if node.spec.unschedulable:
        return Written(cluster, node)
    return update(cluster, attrs.evolve(node, spec=attrs.evolve(
        node.spec, unschedulable=True)))


def get_pods_for_deletion(cluster: Cluster, node_name: str) -> tuple[list[Pod], list[str]]:
    """GetPodsForDeletion: the node's pods (by namespace and name, as the API lists them)
    that pass every filter, and the filters' errors as PodDeleteList.errors words them."""
    pods: list[Pod] = []
    failed: dict[str, list[str]] = {}
    for pod in cluster.pods_on_node(node_name):
        delete, error = True, None
        for pod_filter in make_filters():
            delete, error = pod_filter(cluster, pod)
            if not delete:
                break
        if error is not None:
            failed.setdefault(error, []).append(f"{pod.metadata.namespace}/{pod.metadata.name}")
        elif delete:
            pods.append(pod)
    errors = []
    for msg, names in failed.items():
        prefix = "" if msg.lower().startswith("cannot delete") else "cannot delete "
        errors.append(f"{prefix}{msg}: {', '.join(names)}")
    return pods, sorted(errors)


def _aggregate_errors(errors: list[str]) -> str:
    """utilerrors.NewAggregate(errs).Error(): one error bare, several as `[a, b]`."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


FilterResult = tuple[bool, str | None]  # (delete, error message)


def make_filters() -> list[Any]:
    """makeFilters: skipDeletedFilter (a no-op without --skip-wait-for-delete-timeout),
    daemonSetFilter, mirrorPodFilter, localStorageFilter, unreplicatedFilter."""
    return [daemon_set_filter, mirror_pod_filter, local_storage_filter, unreplicated_filter]


def _finished(pod: Pod) -> bool:
    return pod.status.phase in ("Succeeded", "Failed")


def daemon_set_filter(cluster: Cluster, pod: Pod) -> FilterResult:
    """daemonSetFilter: DaemonSet pods stay (an error without --ignore-daemonsets, or when
    their DaemonSet is gone); finished ones go."""
    ref = get_controller_of(pod)
    if ref is None or ref.kind != "DaemonSet" or _finished(pod):
        return True, None
    if cluster.get("DaemonSet", pod.metadata.namespace, ref.name or "") is None:
        return False, not_found_status("daemonsets.apps", ref.name or "").message
    if not IGNORE_ALL_DAEMON_SETS:
        return False, DAEMON_SET_FATAL
    return False, None  # warning: DAEMON_SET_WARNING


def mirror_pod_filter(cluster: Cluster, pod: Pod) -> FilterResult:
    """mirrorPodFilter: static pods' mirrors are skipped."""
    return MIRROR_POD_ANNOTATION_KEY not in pod.metadata.annotations, None


def local_storage_filter(cluster: Cluster, pod: Pod) -> FilterResult:
    """localStorageFilter: running pods with emptyDir volumes need --delete-emptydir-data."""
    volumes = pod.spec.extra.get("volumes") or ()
    if not any(hasattr(v, "get") and v.get("emptyDir") is not None for v in volumes):
        return True, None
    if _finished(pod) or DELETE_EMPTY_DIR_DATA:
        return True, None
    return False, LOCAL_STORAGE_FATAL


def unreplicated_filter(cluster: Cluster, pod: Pod) -> FilterResult:
    """unreplicatedFilter: running pods without a controller need --force."""
    if _finished(pod) or get_controller_of(pod) is not None or FORCE:
        return True, None
    return False, UNMANAGED_FATAL


def handle_drain(cluster: Cluster, event: Drain) -> Result:
    """The `drain:` event: kubectl drain --ignore-daemonsets."""
    return drain(cluster, event.node)
