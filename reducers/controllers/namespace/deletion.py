"""Emptying a namespace that is being deleted, then releasing its `kubernetes` finalizer.

`delete_namespace(cluster, name)` is one call of NamespacedResourcesDeleter.Delete: the phase
becomes Terminating; pods are deleted first (OrderedNamespaceDeletion, on in v1.34) and the
rest waits until none remain; then every other namespaced resource is deleted (propagation
Background) and counted; the namespace's conditions report what remains; when nothing does,
`kubernetes` is removed from spec.finalizers and the API server removes the namespace. It
returns the cluster and an `Outcome`: done, an error (retried with backoff), or content
remaining with Go's estimate in seconds (the controller looks again after estimate/2 + 1).

Cost: one look at each kind the store holds (a few dozen) and the namespace's objects of each
kind, read from the store's per-namespace maps; no index is needed, as the store is keyed by
kind, then namespace.

Models (v1.34): pkg/controller/namespace/deletion/namespaced_resources_deleter.go (Delete,
updateNamespaceStatusFunc, finalized, finalizeNamespace, deleteAllContent with
OrderedNamespaceDeletion, deleteAllContentForGroupVersionResource, estimateGracefulTermination,
estimateGracefulTerminationForPods, ResourcesRemainingError, finalizerEstimateSeconds),
status_condition_utils.go (conditionTypes, okMessages, okReasons, ProcessContentTotals,
makeDeleteContentCondition, updateConditions, newSuccessfulCondition), and
pkg/registry/core/namespace (ShouldDeleteNamespaceDuringUpdate: the API server removes a
deleting namespace once both finalizer lists are empty).
Simplifies: discovery never fails (every kind the store holds is discoverable and deletable,
a custom kind as namespaced), so the discovery and group-version conditions are always the
"ok" ones; deleteCollection is a delete of each item; resources are visited in the order of
their group and resource names (Go ranges over a map).
Covered by: tests/test_namespace.py (namespaced_resources_deleter_test.go cases,
TestUpdateNamespaceConditions, the guestbook deletion).
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.kinds import kind_info
from kubefold.core.objects import Condition, Namespace
from kubefold.reducers import apiserver

FINALIZER_KUBERNETES = "kubernetes"
FINALIZER_ESTIMATE_SECONDS = 15
ORDERED_NAMESPACE_DELETION = True  # OrderedNamespaceDeletion: GA-bound, on in v1.34

CONDITION_TYPES = (
    "NamespaceDeletionDiscoveryFailure",
    "NamespaceDeletionGroupVersionParsingFailure",
    "NamespaceDeletionContentFailure",
    "NamespaceContentRemaining",
    "NamespaceFinalizersRemaining",
)
OK_MESSAGES = {
    "NamespaceDeletionDiscoveryFailure": "All resources successfully discovered",
    "NamespaceDeletionGroupVersionParsingFailure": "All legacy kube types successfully parsed",
    "NamespaceDeletionContentFailure":
        "All content successfully deleted, may be waiting on finalization",
    "NamespaceContentRemaining": "All content successfully removed",
    "NamespaceFinalizersRemaining": "All content-preserving finalizers finished",
}
OK_REASONS = {
    "NamespaceDeletionDiscoveryFailure": "ResourcesDiscovered",
    "NamespaceDeletionGroupVersionParsingFailure": "ParsedGroupVersions",
    "NamespaceDeletionContentFailure": "ContentDeleted",
    "NamespaceContentRemaining": "ContentRemoved",
    "NamespaceFinalizersRemaining": "ContentHasNoFinalizers",
}


@attrs.frozen
class Outcome:
    """Delete's result: None (done), an error message, or content remaining (`estimate`)."""

    error: str | None = None
    estimate: int | None = None

    @property
    def remaining_message(self) -> str:
        """ResourcesRemainingError.Error()."""
        return (f"some content remains in the namespace, estimate {self.estimate} seconds "
                "before it is removed")


@attrs.frozen
class GVRDeletion:
    """gvrDeletionMetadata."""

    estimate: int = 0
    remaining: int = 0
    finalizers: tuple[tuple[str, int], ...] = ()


def gvr_string(kind: str) -> str:
    """schema.GroupVersionResource.String(): `apps/v1, Resource=deployments`."""
    info = kind_info(kind)
    return f"{info.group}/{info.version}, Resource={info.resource}"


def finalized(ns: Namespace) -> bool:
    return not ns.spec.finalizers


def delete_namespace(cluster: Cluster, name: str) -> tuple[Cluster, Outcome]:
    """NamespacedResourcesDeleter.Delete."""
    ns: Namespace | None = cluster.get("Namespace", "", name)
    if ns is None or ns.metadata.deletion_timestamp is None:
        return cluster, Outcome()
    if ns.status.phase != "Terminating":  # updateNamespaceStatusFunc
        result = apiserver.update_status(cluster, attrs.evolve(
            ns, status=attrs.evolve(ns.status, phase="Terminating")))
        if isinstance(result, Status):
            return cluster, Outcome(error=result.message)
        cluster, ns = result.cluster, result.object
        if ns is None:
            return cluster, Outcome()
    if finalized(ns):
        return cluster, Outcome()
    cluster, estimate, errors = delete_all_content(cluster, ns)
    if errors:
        return cluster, Outcome(error=", ".join(errors))
    if estimate > 0:
        return cluster, Outcome(estimate=estimate)
    return finalize_namespace(cluster, name)


def finalize_namespace(cluster: Cluster, name: str) -> tuple[Cluster, Outcome]:
    """finalizeNamespace: remove `kubernetes` from spec.finalizers (the finalize
    subresource); with none left the API server removes the namespace."""
    ns = cluster.get("Namespace", "", name)
    if ns is None:
        return cluster, Outcome()
    kept = sorted({f for f in ns.spec.finalizers if f != FINALIZER_KUBERNETES})
    result = apiserver.update(cluster, attrs.evolve(ns, spec=attrs.evolve(
        ns.spec, finalizers=pvector(kept))))
    if isinstance(result, Status):
        if result.reason == "NotFound":
            return cluster, Outcome()
        return cluster, Outcome(error=result.message)
    return result.cluster, Outcome()


def namespaced_kinds(cluster: Cluster, namespace: str) -> list[str]:
    """The kinds with objects in this namespace, in order of group and resource name."""
    kinds = [kind for kind, by_ns in cluster.objects.items()
             if kind != "Namespace" and by_ns.get(namespace)]
    return sorted(kinds, key=lambda k: (kind_info(k).group, kind_info(k).resource))


def delete_all_content(cluster: Cluster, ns: Namespace) -> tuple[Cluster, int, list[str]]:
    """deleteAllContent: pods first, then the rest; the conditions written as they stand.
    Returns the cluster, the estimate in seconds and the errors."""
    name = ns.metadata.name or ""
    deleted_at = ns.metadata.deletion_timestamp or cluster.now
    errors: list[str] = []
    estimate = 0
    remaining: dict[str, int] = {}
    finalizers: dict[str, int] = {}
    kinds = namespaced_kinds(cluster, name)
    if ORDERED_NAMESPACE_DELETION:
        cluster, pods, error = delete_all_content_for_kind(cluster, "Pod", name, deleted_at)
        if error:
            errors.append(error)
        estimate = max(estimate, pods.estimate)
        if pods.remaining > 0:
            cluster = update_conditions(cluster, name, {}, {}, errors)
            return cluster, estimate, errors
        kinds = [k for k in kinds if k != "Pod"]
    for kind in kinds:
        cluster, gvr, error = delete_all_content_for_kind(cluster, kind, name, deleted_at)
        if error:
            errors.append(error)
        estimate = max(estimate, gvr.estimate)
        if gvr.remaining > 0:
            info = kind_info(kind)
            remaining[f"{info.resource}.{info.group}"] = gvr.remaining
            for finalizer, count in gvr.finalizers:
                finalizers[finalizer] = finalizers.get(finalizer, 0) + count
    cluster = update_conditions(cluster, name, remaining, finalizers, errors)
    return cluster, estimate, errors


def estimate_graceful_termination(cluster: Cluster, kind: str, namespace: str,
                                  deleted_at: int) -> int:
    """estimateGracefulTermination: for pods, the longest grace period of those not
    finished; 0 once that long has passed since the namespace's deletion."""
    estimate = 0
    if kind == "Pod":
        for pod in cluster.list("Pod", namespace):
            if pod.status.phase in ("Succeeded", "Failed"):
                continue
            grace = pod.spec.termination_grace_period_seconds
            if grace is not None and grace > estimate:
                estimate = grace
    return 0 if cluster.now - deleted_at >= estimate else estimate


def delete_all_content_for_kind(cluster: Cluster, kind: str, namespace: str, deleted_at: int
                                ) -> tuple[Cluster, GVRDeletion, str | None]:
    """deleteAllContentForGroupVersionResource: delete every item, then count what
    remains and the finalizers holding it."""
    estimate = estimate_graceful_termination(cluster, kind, namespace, deleted_at)
    for obj in sorted(cluster.list(kind, namespace), key=lambda o: o.metadata.name or ""):
        if obj.metadata.deletion_timestamp is not None:
            continue
        result = apiserver.delete(cluster, kind, namespace, obj.metadata.name,
                                  propagation_policy="Background")
        if isinstance(result, Status):
            if result.reason != "NotFound":
                return cluster, GVRDeletion(estimate), result.message
            continue
        cluster = result.cluster
    items = list(cluster.list(kind, namespace))
    counts: dict[str, int] = {}
    for item in items:
        for finalizer in item.metadata.finalizers:
            counts[finalizer] = counts.get(finalizer, 0) + 1
    found = tuple(sorted(counts.items()))
    if estimate != 0:
        return cluster, GVRDeletion(estimate, len(items), found), None
    if counts:
        return cluster, GVRDeletion(FINALIZER_ESTIMATE_SECONDS, len(items), found), None
    if items:
        return cluster, GVRDeletion(estimate, len(items)), (
            f"unexpected items still remain in namespace: {namespace} for gvr: "
            f"{gvr_string(kind)}")
    return cluster, GVRDeletion(estimate), None


# -- status_condition_utils.go -----------------------------------------------------------------


def content_conditions(remaining: dict[str, int], finalizers: dict[str, int],
                       errors: list[str], now: int) -> dict[str, Condition]:
    """ProcessContentTotals and makeDeleteContentCondition: the failing conditions."""
    out: dict[str, Condition] = {}
    if remaining:
        parts = sorted(f"{resource} has {n} resource instances"
                       for resource, n in remaining.items() if n)
        out["NamespaceContentRemaining"] = Condition(
            type="NamespaceContentRemaining", status="True", last_transition_time=now,
            reason="SomeResourcesRemain",
            message=f"Some resources are remaining: {', '.join(parts)}")
    if finalizers:
        parts = sorted(f"{finalizer} in {n} resource instances"
                       for finalizer, n in finalizers.items() if n)
        out["NamespaceFinalizersRemaining"] = Condition(
            type="NamespaceFinalizersRemaining", status="True", last_transition_time=now,
            reason="SomeFinalizersRemain",
            message=f"Some content in the namespace has finalizers remaining: "
                    f"{', '.join(parts)}")
    if errors:
        out["NamespaceDeletionContentFailure"] = Condition(
            type="NamespaceDeletionContentFailure", status="True", last_transition_time=now,
            reason="ContentDeletionFailed",
            message=f"Failed to delete all resource types, {len(errors)} remaining: "
                    f"{', '.join(sorted(errors))}")
    return out


def new_conditions(old: Any, failing: dict[str, Condition], now: int) -> tuple[Any, bool]:
    """updateConditions: each of the five types set to its failing or its ok variant; a
    changed status takes a new lastTransitionTime."""
    conditions = list(old)
    changed = False
    for ctype in CONDITION_TYPES:
        new = failing.get(ctype) or Condition(
            type=ctype, status="False", last_transition_time=now,
            reason=OK_REASONS[ctype], message=OK_MESSAGES[ctype])
        index = next((i for i, c in enumerate(conditions) if c.type == ctype), None)
        if index is None:
            conditions.append(new)
            changed = True
            continue
        current = conditions[index]
        if (current.status, current.message, current.reason) != \
                (new.status, new.message, new.reason):
            when = now if current.status != new.status else current.last_transition_time
            conditions[index] = attrs.evolve(current, status=new.status, reason=new.reason,
                                             message=new.message, last_transition_time=when)
            changed = True
    return pvector(conditions), changed


def update_conditions(cluster: Cluster, name: str, remaining: dict[str, int],
                      finalizers: dict[str, int], errors: list[str]) -> Cluster:
    """conditionUpdater.Update then UpdateStatus when something changed (a failed status
    write is only logged in Go)."""
    ns = cluster.get("Namespace", "", name)
    if ns is None:
        return cluster
    failing = content_conditions(remaining, finalizers, errors, cluster.now)
    conditions, changed = new_conditions(ns.status.conditions, failing, cluster.now)
    if not changed:
        return cluster
    result = apiserver.update_status(cluster, attrs.evolve(
        ns, status=attrs.evolve(ns.status, conditions=conditions)))
    return cluster if isinstance(result, Status) else result.cluster
