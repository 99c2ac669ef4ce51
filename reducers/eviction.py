"""The Eviction API (`POST pods/<name>/eviction`) and `kubectl drain`, which uses it.

`evict(cluster, namespace, name)` is EvictionREST.Create: a pod that can ignore its
PodDisruptionBudget (finished, Pending, or already being deleted) is deleted at once; otherwise
the one PDB matching the pod must allow a disruption, which the eviction takes
(`disruptionsAllowed` - 1, the pod recorded in `disruptedPods`) before the pod gets the
DisruptionTarget condition and is deleted gracefully. `drain(cluster, node)` cordons the node
and evicts its pods as `kubectl drain NODE --ignore-daemonsets` does.

Models (v1.34): pkg/registry/core/pod/storage/eviction.go (MaxDisruptedPodSize,
EvictionREST.Create, addConditionAndDeletePod, canIgnorePDB, createTooManyRequestsError,
checkAndDecrement, getPodDisruptionBudgets); k8s.io/component-helpers/apps/poddisruptionbudget
(UpdateDisruptionAllowedCondition, through reducers/disruption.py);
staging/src/k8s.io/kubectl/pkg/drain (cordon.go CordonHelper.UpdateIfRequired, drain.go
GetPodsForDeletion and evictPods, filters.go daemonSetFilter, mirrorPodFilter,
localStorageFilter, unreplicatedFilter and PodDeleteList.errors) with kubectl drain's flags
`--ignore-daemonsets` set and `--force`, `--delete-emptydir-data`, `--grace-period`,
`--timeout`, `--pod-selector` left at their defaults.

Simplifies:
- A refusal's StatusCause (type DisruptionBudget) is kept in `Status.causes` as a FieldError
  whose type is the cause type, field empty and detail the cause message; `Status.message` is
  Go's message alone ("Cannot evict pod as it would violate the pod's disruption budget.").
  The Retry-After seconds (0 or 10) are not kept.
- The "more than one PodDisruptionBudget" answer is a metav1.Status with code 500 and no
  reason (client-go turns it into an error of StatusReasonUnknown); kubefold names its reason
  InternalError, the reason of code 500.
- Every step happens within one event, so the retries on conflict (EvictionsRetry), the
  resourceVersion preconditions and the dry-run option have nothing to do and are left out.
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

from collections.abc import MutableMapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import (
    FieldError,
    Status,
    bad_request,
    forbidden_status,
    not_found_status,
)
from kubefold.core.events import Drain, Evict
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.objects import Condition, Node, Pod, PodDisruptionBudget
from kubefold.core.podutil import is_pod_ready, update_pod_condition
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.controller_utils import get_controller_of
from kubefold.reducers.disruption import update_disruption_allowed_condition

MAX_DISRUPTED_POD_SIZE = 2000
ALWAYS_ALLOW = "AlwaysAllow"
IF_HEALTHY_BUDGET = "IfHealthyBudget"
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"
DISRUPTION_TARGET = "DisruptionTarget"
EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."
MORE_THAN_ONE_PDB = ("This pod has more than one PodDisruptionBudget, which the eviction "
                     "subresource does not support.")
MIRROR_POD_ANNOTATION_KEY = "kubernetes.io/config.mirror"

# filters.go
DAEMON_SET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMON_SET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
IGNORE_ALL_DAEMON_SETS = True  # --ignore-daemonsets
FORCE = False
DELETE_EMPTY_DIR_DATA = False


# -- the eviction subresource ------------------------------------------------------------------


def evict(cluster: Cluster, namespace: str, name: str,
          grace_period_seconds: int | None = None) -> apiserver.Result:
    """EvictionREST.Create: delete the pod if its PodDisruptionBudget allows it.
    `grace_period_seconds` is the Eviction's deleteOptions.gracePeriodSeconds (kubectl
    drain's `--grace-period`; by default the pod's own)."""
    pod = cluster.get("Pod", namespace, name)
    if pod is None:
        return not_found_status("pods", name)
    if can_ignore_pdb(pod):
        return add_condition_and_delete_pod(cluster, pod, grace_period_seconds)
    pdbs = get_pod_disruption_budgets(cluster, pod)
    if len(pdbs) > 1:
        return Status("InternalError", 500, MORE_THAN_ONE_PDB)
    if pdbs and not _unhealthy_pod_may_go(pod, pdbs[0]):
        decremented = check_and_decrement(cluster, namespace, name, pdbs[0])
        if isinstance(decremented, Status):
            return decremented
        cluster = decremented.cluster
    return add_condition_and_delete_pod(cluster, pod, grace_period_seconds)


def _unhealthy_pod_may_go(pod: Pod, pdb: PodDisruptionBudget) -> bool:
    """An unready pod does not count towards currentHealthy: it goes without taking a
    disruption under AlwaysAllow, or under IfHealthyBudget (the default) while the guarded
    application is healthy."""
    if is_pod_ready(pod):
        return False
    if pdb.spec.unhealthy_pod_eviction_policy == ALWAYS_ALLOW:
        return True
    current = pdb.status.current_healthy or 0
    desired = pdb.status.desired_healthy or 0
    return current >= desired and desired > 0


def add_condition_and_delete_pod(cluster: Cluster, pod: Pod,
                                 grace_period_seconds: int | None = None) -> apiserver.Result:
    """addConditionAndDeletePod: DisruptionTarget=True (EvictionByEvictionAPI) through the
    status store, then a graceful delete."""
    namespace, name = pod.metadata.namespace or "", pod.metadata.name or ""
    latest = cluster.get("Pod", namespace, name)
    if latest is None:
        return not_found_status("pods", name)
    status, _ = update_pod_condition(latest.status, Condition(
        type=DISRUPTION_TARGET, status="True", reason="EvictionByEvictionAPI",
        message="Eviction API: evicting"), cluster.now)
    written = apiserver.update_status(cluster, attrs.evolve(latest, status=status))
    if isinstance(written, Status):
        return written
    return apiserver.delete(written.cluster, "Pod", namespace, name,
                            grace_period_seconds=grace_period_seconds)


def can_ignore_pdb(pod: Pod) -> bool:
    """canIgnorePDB: finished, Pending, or already being deleted."""
    return pod.status.phase in ("Succeeded", "Failed", "Pending") \
        or pod.metadata.deletion_timestamp is not None


def create_too_many_requests_error(name: str) -> Status:
    """createTooManyRequestsError: the PDB's status has not caught up with its spec."""
    return too_many_requests(f"The disruption budget {name} is still being processed by the "
                             "server.")


def too_many_requests(cause: str) -> Status:
    """errors.NewTooManyRequests with one DisruptionBudget cause."""
    return Status("TooManyRequests", 429, EVICTION_REFUSED,
                  (FieldError(DISRUPTION_BUDGET_CAUSE, "", None, cause, omit_value=True),))


def check_and_decrement(cluster: Cluster, namespace: str, pod_name: str,
                        pdb: PodDisruptionBudget) -> apiserver.Result:
    """checkAndDecrement: take one disruption from the PDB and record the pod in
    disruptedPods, or refuse."""
    status = pdb.status
    name = pdb.metadata.name or ""
    allowed = status.disruptions_allowed or 0
    if (status.observed_generation or 0) < (pdb.metadata.generation or 0):
        return create_too_many_requests_error(name)
    if allowed < 0:
        return forbidden_status("poddisruptionbudget.policy", name,
                                "pdb disruptions allowed is negative")
    if len(status.disrupted_pods) > MAX_DISRUPTED_POD_SIZE:
        return forbidden_status("poddisruptionbudget.policy", name,
                                "DisruptedPods map too big - too many evictions not confirmed "
                                "by PDB controller")
    if allowed == 0:
        return too_many_requests(
            f"The disruption budget {name} needs {status.desired_healthy or 0} healthy pods "
            f"and has {status.current_healthy or 0} currently")
    pdb = attrs.evolve(pdb, status=attrs.evolve(status, disruptions_allowed=allowed - 1))
    if allowed - 1 == 0:
        pdb = update_disruption_allowed_condition(pdb, cluster.now)
    disrupted = pdb.status.disrupted_pods.set(pod_name, format_time(cluster.now))
    pdb = attrs.evolve(pdb, status=attrs.evolve(pdb.status, disrupted_pods=disrupted))
    return apiserver.update_status(cluster, pdb)


def get_pod_disruption_budgets(cluster: Cluster, pod: Pod) -> list[PodDisruptionBudget]:
    """getPodDisruptionBudgets: the PDBs in the pod's namespace whose valid selector matches
    the pod (an empty selector matches every pod), by name."""
    out = []
    for pdb in sorted(cluster.list("PodDisruptionBudget", pod.metadata.namespace or ""),
                      key=lambda p: p.metadata.name or ""):
        try:
            selector = label_selector_as_selector(pdb.spec.selector)
        except ValueError:
            continue  # this object has an invalid selector, it does not match the pod
        if selector.matches(pod.metadata.labels):
            out.append(pdb)
    return out


# -- kubectl drain -----------------------------------------------------------------------------


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


def drain(cluster: Cluster, node_name: str) -> apiserver.Result:
    """kubectl drain NODE --ignore-daemonsets, one pass (see the module docstring)."""
    drained = drain_node(cluster, node_name)
    if isinstance(drained, Status):
        return drained
    return apiserver.Written(drained.cluster, drained.node)


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


def cordon(cluster: Cluster, node_name: str) -> apiserver.Result:
    """CordonHelper.UpdateIfRequired(true): set spec.unschedulable unless already set."""
    node = cluster.get("Node", None, node_name)
    if node is None:
        return not_found_status("nodes", node_name)
    if node.spec.unschedulable:
        return apiserver.Written(cluster, node)
    return apiserver.update(cluster, attrs.evolve(node, spec=attrs.evolve(
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


# -- world events --------------------------------------------------------------------------------


def handle_evict(cluster: Cluster, event: Evict) -> apiserver.Result:
    """The `evict:` event: one request to the eviction subresource."""
    return evict(cluster, event.namespace, event.name)


def handle_drain(cluster: Cluster, event: Drain) -> apiserver.Result:
    """The `drain:` event: kubectl drain --ignore-daemonsets."""
    return drain(cluster, event.node)


def register(world_handlers: MutableMapping[type, Any]) -> None:
    """Install the `evict:` and `drain:` handlers in the manager's WORLD_HANDLERS."""
    world_handlers[Evict] = handle_evict
    world_handlers[Drain] = handle_drain
