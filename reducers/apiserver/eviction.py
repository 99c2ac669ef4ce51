"""The Eviction API: `POST pods/<name>/eviction`.

`evict(cluster, namespace, name)` is EvictionREST.Create: a pod that can ignore its
PodDisruptionBudget (finished, Pending, or already being deleted) is deleted at once; otherwise
the one PDB matching the pod must allow a disruption, which the eviction takes
(`disruptionsAllowed` - 1, the pod recorded in `disruptedPods`) before the pod gets the
DisruptionTarget condition and is deleted gracefully.

Models (v1.34): pkg/registry/core/pod/storage/eviction.go (MaxDisruptedPodSize,
EvictionREST.Create, addConditionAndDeletePod, canIgnorePDB, createTooManyRequestsError,
checkAndDecrement, getPodDisruptionBudgets); k8s.io/component-helpers/apps/poddisruptionbudget
(UpdateDisruptionAllowedCondition, through controllers/disruption.py).

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

Covered by: tests/test_eviction.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import (
    FieldError,
    Status,
    forbidden_status,
    not_found_status,
)
from kubefold.core.events import Evict
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.objects import Condition, Pod, PodDisruptionBudget
from kubefold.core.pdb import update_disruption_allowed_condition
from kubefold.core.podutil import is_pod_ready, update_pod_condition
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver

MAX_DISRUPTED_POD_SIZE = 2000
ALWAYS_ALLOW = "AlwaysAllow"
IF_HEALTHY_BUDGET = "IfHealthyBudget"
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"
DISRUPTION_TARGET = "DisruptionTarget"
EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."
MORE_THAN_ONE_PDB = ("This pod has more than one PodDisruptionBudget, which the eviction "
                     "subresource does not support.")


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


def handle_evict(cluster: Cluster, event: Evict) -> apiserver.Result:
    """The `evict:` event: one request to the eviction subresource."""
    return evict(cluster, event.namespace, event.name)
