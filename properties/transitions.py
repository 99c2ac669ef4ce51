"""Transition properties: predicates on a pair of states and the event between them.

- `rollouts_stay_within_bounds`: for a RollingUpdate Deployment that started complete, with no
  fault and no scale event since, available pods never fall below `replicas - maxUnavailable`
  and non-terminating pods never exceed `replicas + maxSurge` (DESIGN's rollout bounds).
- `recreate_never_runs_old_and_new_together`: a Recreate Deployment's pods never come from two
  templates at once (Kubernetes waits for old pods to be gone before it creates the new
  ReplicaSet), checked on every state.
- `revisions_only_grow`: a Deployment's revision annotation never decreases.
- `resource_versions_only_grow`: the global revision and each object's resourceVersion never
  decrease.
- `pod_disruption_budgets_hold`: a PodDisruptionBudget's minAvailable (or maxUnavailable), once
  its pods have reached it, holds while only voluntary events happen (apply, rollout, time,
  controller turns; a scale, a delete or a fault disarms it until it is reached again).

`Monitor` carries what must be remembered between steps (which Deployments and PDBs are armed);
`observe` returns the next monitor and the violations of one step.

Models: the guarantees documented for Deployments (concepts/workloads/controllers/deployment:
"Max Unavailable", "Max Surge", "Recreate") and PodDisruptionBudgets; the arithmetic of
pkg/controller/deployment/util (ResolveFenceposts) and of the disruption controller.
Simplifies: "available" is a ready pod that has been ready for minReadySeconds; a PDB's healthy
pods are the ready ones (the disruption controller's countHealthyPods).
Covered by: tests/test_properties_transitions.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
from pyrsistent import PSet, pset

from kubefold.core.cluster import Cluster
from kubefold.core.events import (
    Apply,
    Delete,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
)
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.podutil import is_pod_available, is_pod_ready
from kubefold.properties.invariants import Violation

VOLUNTARY = (Apply, Rollout, Tick, Reconcile)


@attrs.frozen
class Monitor:
    """Deployments (ns/name) whose rollout bounds apply, and PDBs (ns/name) that are armed."""

    armed_deployments: PSet[str] = attrs.field(factory=pset)
    armed_pdbs: PSet[str] = attrs.field(factory=pset)


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


def deployment_pods(cluster: Cluster, d: Any) -> list[Any]:
    """The pods of a Deployment's ReplicaSets, by the owner index."""
    pods: list[Any] = []
    for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet"):
        if rs is not None:
            pods.extend(p for p in cluster.owned_by(rs.metadata.uid or "", "Pod") if p)
    return pods


def _live(pod: Any) -> bool:
    return pod.metadata.deletion_timestamp is None and pod.status.phase not in (
        "Succeeded", "Failed")


def rollout_counts(cluster: Cluster, d: Any) -> tuple[int, int]:
    """(available pods, non-terminating pods) of a Deployment."""
    pods = deployment_pods(cluster, d)
    min_ready = d.spec.min_ready_seconds or 0
    available = sum(1 for p in pods if _live(p) and is_pod_available(p, min_ready, cluster.now))
    return available, sum(1 for p in pods if _live(p))


def rollout_bounds(d: Any) -> tuple[int, int]:
    """(min available, max non-terminating) from replicas, maxUnavailable and maxSurge."""
    from kubefold.reducers.deployment.util import max_surge, max_unavailable

    replicas = d.spec.replicas or 0
    return replicas - max_unavailable(d), replicas + max_surge(d)


def _complete(cluster: Cluster, d: Any) -> bool:
    """All replicas updated, available and none extra, for the current generation."""
    from kubefold.reducers.deployment.util import deployment_complete

    return (d.status.observed_generation or 0) >= (d.metadata.generation or 0) \
        and deployment_complete(d, d.status)


def _disarms_deployment(event: Any, d: Any) -> bool:
    """Scale events and faults end the bounds' promise until the rollout completes again."""
    return isinstance(event, NodeHealth | PodEvent) or (
        isinstance(event, Scale | Delete) and event.name == d.metadata.name)


def rollouts_stay_within_bounds(before: Cluster, after: Cluster, event: Any,
                                monitor: Monitor) -> tuple[Monitor, list[Violation]]:
    armed = monitor.armed_deployments
    violations = []
    for d in after.list("Deployment"):
        key = _key(d)
        strategy = d.spec.strategy.type if d.spec.strategy else "RollingUpdate"
        old = before.get("Deployment", d.metadata.namespace, d.metadata.name)
        replicas_changed = old is not None and old.spec.replicas != d.spec.replicas
        if strategy != "RollingUpdate" or _disarms_deployment(event, d) or replicas_changed:
            armed = armed.discard(key)
            continue
        if key in armed:
            available, live = rollout_counts(after, d)
            low, high = rollout_bounds(d)
            if available < low:
                violations.append(Violation(
                    "rollouts_stay_within_bounds",
                    f"deployment {key} has {available} available pods, below replicas - "
                    f"maxUnavailable = {low}", (f"Deployment {key}",)))
            if live > high:
                violations.append(Violation(
                    "rollouts_stay_within_bounds",
                    f"deployment {key} has {live} non-terminating pods, above replicas + "
                    f"maxSurge = {high}", (f"Deployment {key}",)))
        if _complete(after, d):
            armed = armed.add(key)
    armed = pset(k for k in armed if after.get("Deployment", *k.split("/")) is not None)
    return attrs.evolve(monitor, armed_deployments=armed), violations


def recreate_never_runs_old_and_new_together(cluster: Cluster) -> Iterator[Violation]:
    for d in cluster.list("Deployment"):
        if not d.spec.strategy or d.spec.strategy.type != "Recreate":
            continue
        hashes: dict[str, list[str]] = {}
        for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet"):
            if rs is None:
                continue
            names = [p.metadata.name for p in cluster.owned_by(rs.metadata.uid or "", "Pod")
                     if p is not None and p.status.phase not in ("Succeeded", "Failed")]
            if names:
                hashes[rs.metadata.name] = names
        if len(hashes) > 1:
            rss = ", ".join(f"{rs} ({len(p)} pods)" for rs, p in sorted(hashes.items()))
            yield Violation("recreate_never_runs_old_and_new_together",
                            f"Recreate deployment {_key(d)} has pods of {len(hashes)} "
                            f"ReplicaSets at once: {rss}", (f"Deployment {_key(d)}",))


def revisions_only_grow(before: Cluster, after: Cluster) -> Iterator[Violation]:
    annotation = "deployment.kubernetes.io/revision"
    for d in after.list("Deployment"):
        old = before.get("Deployment", d.metadata.namespace, d.metadata.name)
        if old is None or old.metadata.uid != d.metadata.uid:
            continue
        a = old.metadata.annotations.get(annotation, "0")
        b = d.metadata.annotations.get(annotation, "0")
        if a.isdigit() and b.isdigit() and int(b) < int(a):
            yield Violation("revisions_only_grow",
                            f"deployment {_key(d)} went from revision {a} to {b}",
                            (f"Deployment {_key(d)}",))


def resource_versions_only_grow(before: Cluster, after: Cluster) -> Iterator[Violation]:
    if after.resource_version < before.resource_version:
        yield Violation("resource_versions_only_grow",
                        f"the revision went back from {before.resource_version} to "
                        f"{after.resource_version}")


def _pdb_healthy(cluster: Cluster, pdb: Any) -> tuple[int, int, int]:
    """(healthy pods, expected pods, minimum healthy) for a PDB."""
    from kubefold.reducers.deployment.util import get_scaled_value_from_int_or_percent

    if pdb.spec.selector is None:
        return 0, 0, 0
    selector = label_selector_as_selector(pdb.spec.selector)
    pods = [p for p in cluster.list("Pod", pdb.metadata.namespace)
            if selector.matches(p.metadata.labels) and _live(p)]
    healthy = sum(1 for p in pods if is_pod_ready(p))
    expected = len(pods)
    if pdb.spec.min_available is not None:
        need = get_scaled_value_from_int_or_percent(pdb.spec.min_available, expected, True)
    elif pdb.spec.max_unavailable is not None:
        need = expected - get_scaled_value_from_int_or_percent(pdb.spec.max_unavailable,
                                                               expected, True)
    else:
        need = 0
    return healthy, expected, need


def pod_disruption_budgets_hold(before: Cluster, after: Cluster, event: Any,
                                monitor: Monitor) -> tuple[Monitor, list[Violation]]:
    armed = monitor.armed_pdbs
    violations = []
    voluntary = isinstance(event, VOLUNTARY)
    for pdb in after.list("PodDisruptionBudget"):
        key = _key(pdb)
        healthy, _, need = _pdb_healthy(after, pdb)
        if not voluntary:
            armed = armed.discard(key)
        elif key in armed and healthy < need:
            violations.append(Violation(
                "pod_disruption_budgets_hold",
                f"PodDisruptionBudget {key} needs {need} healthy pods and has {healthy}",
                (f"PodDisruptionBudget {key}",)))
            armed = armed.discard(key)
        if healthy >= need and need > 0 and voluntary:
            armed = armed.add(key)
    return attrs.evolve(monitor, armed_pdbs=armed), violations


def observe(monitor: Monitor, before: Cluster, after: Cluster, event: Any
            ) -> tuple[Monitor, list[Violation]]:
    """Every transition property on one step, and the monitor for the next."""
    monitor, violations = rollouts_stay_within_bounds(before, after, event, monitor)
    monitor, pdb_violations = pod_disruption_budgets_hold(before, after, event, monitor)
    violations += pdb_violations
    violations += revisions_only_grow(before, after)
    violations += resource_versions_only_grow(before, after)
    violations += recreate_never_runs_old_and_new_together(after)
    return monitor, violations
