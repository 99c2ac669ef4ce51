"""Transition properties: predicates on a pair of states and the event between them.

- `rollouts_stay_within_bounds`: for a RollingUpdate Deployment that started complete, with no
  node loss, eviction or scale event since, available pods never fall below `replicas -
  maxUnavailable` and its ReplicaSets never ask for more than `replicas + maxSurge` pods
  (DESIGN's rollout bounds). A container crash or a failing probe excuses only the pod it hit,
  while that pod is unavailable and not being deleted, and (until the Deployment is complete
  again) the unavailable pods the old ReplicaSets keep: the controllers may delete an old
  unhealthy pod only as far as rolling.go's maxScaledDown (all pods - minAvailable - the new
  ReplicaSet's unavailable pods) lets them, never to make up for a fault. An old ReplicaSet's
  pods that are ready but not yet available (minReadySeconds) are excused too, while
  unavailable, even once deleted: the ReplicaSet controller may delete an available pod in
  their place (`waiting_for_min_ready`). The bounds are worked out here from the spec as the
  documentation states them (maxSurge rounds up, maxUnavailable down, not both zero), not by
  the controller's code.
- `recreate_never_runs_old_and_new_together`: a Recreate Deployment's pods never come from two
  templates at once (Kubernetes waits for old pods to be gone before it creates the new
  ReplicaSet), checked on every state of an upgrade: not from a pause or a scale until the
  Deployment is complete again (the controller's paused and scaling path does not wait).
- `revisions_only_grow`: a Deployment's revision annotation never decreases while a
  ReplicaSet of the higher revision is left (with every ReplicaSet pruned, revisions restart).
- `resource_versions_only_grow`: the global revision and each object's resourceVersion never
  decrease.
- `pods_are_bound_only_where_taints_are_tolerated`: when a pod is bound to a node (its
  nodeName set on a pod that existed without one), it tolerates every NoSchedule and NoExecute
  taint the node has then (the scheduler's TaintToleration filter).
- `ordered_ready_stateful_sets_start_in_order` (properties/workloads.py): an OrderedReady
  StatefulSet's new pod appears only when every lower ordinal was Running and Ready.
- `pod_disruption_budgets_hold`: a PodDisruptionBudget's minAvailable (or maxUnavailable), once
  its pods have reached it, holds while only voluntary events happen (apply, rollout, time,
  controller turns, and evictions and drains, which go through the Eviction API; a scale, a
  delete or a fault disarms it until it is reached again).

- The Argo Rollouts properties (canary pauses, step weights, blue-green active switches) are in
  properties/rollouts.py; `observe` runs them too.

`Monitor` carries what must be remembered between steps (which Deployments and PDBs are armed,
which pods a fault hit; `initial_monitor` arms what holds in the starting state);
`observe` returns the next monitor and the violations of one step.

Models: the guarantees documented for Deployments (concepts/workloads/controllers/deployment:
"Max Unavailable", "Max Surge", "Recreate") and PodDisruptionBudgets; the arithmetic of
pkg/controller/deployment/util (ResolveFenceposts) and of the disruption controller.
Simplifies: "available" is a ready pod that has been ready for minReadySeconds; a PDB's healthy
pods are the ready ones (the disruption controller's countHealthyPods). The surge bound is on
the replicas the ReplicaSets ask for, not on pods: as in Kubernetes, a scaled-down
ReplicaSet's pods may outlive the new ReplicaSet's first pods for a moment, because each
ReplicaSet is synced on its own.
Covered by: tests/test_properties_transitions.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

import attrs
from pyrsistent import PSet, pset

from kubefold.core.cluster import Cluster
from kubefold.core.events import (
    Apply,
    Delete,
    Drain,
    Evict,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Settle,
    Tick,
)
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.podutil import is_pod_available, is_pod_ready
from kubefold.properties import rollouts
from kubefold.properties.invariants import Violation
from kubefold.properties.workloads import ordered_ready_stateful_sets_start_in_order

VOLUNTARY = (Apply, Rollout, Tick, Reconcile, Evict, Drain, Settle)


@attrs.frozen
class Monitor:
    """Deployments (ns/name) whose rollout bounds apply, PDBs (ns/name) that are armed, the
    pods (ns, name) a container crash or a failing probe hit, the nodes a `node:` event took
    down, the Deployments such a pod belongs to (until they are complete again), the
    Recreate Deployments (ns/name) paused or scaled since they were complete, and the
    (Deployment, pod name) stand-ins of `waiting_for_min_ready` not yet available."""

    armed_deployments: PSet[str] = attrs.field(factory=pset)
    armed_pdbs: PSet[str] = attrs.field(factory=pset)
    hit_pods: PSet[tuple[str, str]] = attrs.field(factory=pset)
    down_nodes: PSet[str] = attrs.field(factory=pset)
    faulted_deployments: PSet[str] = attrs.field(factory=pset)
    excused_recreates: PSet[str] = attrs.field(factory=pset)
    stand_ins: PSet[tuple[str, str]] = attrs.field(factory=pset)


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


def rollout_counts(cluster: Cluster, d: Any, hit: Collection[tuple[str, str]] = (),
                   faulted: bool = False) -> tuple[int, int, int]:
    """(available pods, excused pods, pods its ReplicaSets ask for) of a Deployment. Excused
    are the live unavailable pods a fault hit and, once a fault has hit the Deployment, the
    live unavailable pods of its old ReplicaSets (kept, they may yet become available)."""
    from kubefold.reducers.controllers.deployment.util import equal_ignore_hash

    min_ready = d.spec.min_ready_seconds or 0
    available = excused = desired = 0
    for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet"):
        if rs is None:
            continue
        desired += rs.spec.replicas or 0
        old = not equal_ignore_hash(rs.spec.template, d.spec.template)
        for p in cluster.owned_by(rs.metadata.uid or "", "Pod"):
            if p is None or not _live(p):
                continue
            if is_pod_available(p, min_ready, cluster.now):
                available += 1
            elif (p.metadata.namespace, p.metadata.name) in hit or (faulted and old):
                excused += 1
    return available, excused, desired


def waiting_for_min_ready(cluster: Cluster, d: Any) -> Iterator[tuple[str, str]]:
    """An old ReplicaSet's pods that are ready but not yet available (minReadySeconds). The
    ReplicaSet controller ranks ready pods for deletion by the related pods on their node,
    then by ready time, never by availability (controller_utils.go ActivePodsWithRanks), so
    scaling an old ReplicaSet down by its unavailable replicas (rolling.go
    cleanupUnhealthyReplicas) may delete an available pod and keep one of these: they stand
    in for it until they are available themselves."""
    from kubefold.reducers.controllers.deployment.util import equal_ignore_hash

    min_ready = d.spec.min_ready_seconds or 0
    if not min_ready:
        return
    for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet"):
        if rs is None or equal_ignore_hash(rs.spec.template, d.spec.template):
            continue
        for p in cluster.owned_by(rs.metadata.uid or "", "Pod"):
            if p is not None and _live(p) and is_pod_ready(p) \
                    and not is_pod_available(p, min_ready, cluster.now):
                yield p.metadata.namespace, p.metadata.name


def _stand_ins(stand_ins: PSet[tuple[str, str]], cluster: Cluster, d: Any
               ) -> PSet[tuple[str, str]]:
    """The stand-ins of `waiting_for_min_ready`, this state's added and the available ones
    dropped. A stand-in deleted before it was available stays: the available pod deleted in
    its place is still missing (the Deployment controller counts neither as available)."""
    key = _key(d)
    stand_ins = stand_ins.update((key, name) for _, name in waiting_for_min_ready(cluster, d))
    min_ready = d.spec.min_ready_seconds or 0
    for k, name in list(stand_ins):
        pod = cluster.get("Pod", d.metadata.namespace, name) if k == key else None
        if pod is not None and _live(pod) and is_pod_available(pod, min_ready, cluster.now):
            stand_ins = stand_ins.discard((k, name))
    return stand_ins


def _live_pod(cluster: Cluster, key: tuple[str, str]) -> bool:
    pod = cluster.get("Pod", *key)
    return pod is not None and _live(pod)


def _scaled(value: int | str | None, total: int, round_up: bool) -> int:
    """An int as is, or "N%" of total rounded up or down (an unparsable value counts 0)."""
    if isinstance(value, int):
        return value
    text = str(value or "0").removesuffix("%")
    if not text.isdigit():
        return 0
    whole, part = divmod(int(text) * total, 100)
    return whole + (1 if round_up and part else 0)


def rollout_bounds(d: Any) -> tuple[int, int]:
    """(min available, max desired) from replicas, maxUnavailable (rounded down, at most
    replicas) and maxSurge (rounded up); when both come to 0, maxUnavailable is 1."""
    replicas = d.spec.replicas or 0
    ru = d.spec.strategy.rolling_update if d.spec.strategy else None
    surge = _scaled(ru.max_surge if ru else "25%", replicas, True)
    unavailable = _scaled(ru.max_unavailable if ru else "25%", replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return replicas - min(unavailable, replicas), replicas + surge


def _complete(cluster: Cluster, d: Any) -> bool:
    """All replicas updated, available and none extra, for the current generation."""
    from kubefold.reducers.controllers.deployment.util import deployment_complete

    return (d.status.observed_generation or 0) >= (d.metadata.generation or 0) \
        and deployment_complete(d, d.status)


def _disarms_deployment(event: Any, d: Any) -> bool:
    """Scale events, node loss and evictions end the bounds' promise until the rollout
    completes again."""
    return isinstance(event, NodeHealth | Evict | Drain) or (
        isinstance(event, Scale | Delete) and event.name == d.metadata.name)


def _hit_pods(monitor: Monitor, after: Cluster, event: Any) -> PSet[tuple[str, str]]:
    """The pods a crash or a failing probe hit, including this event's; those gone dropped."""
    hit = monitor.hit_pods
    if isinstance(event, PodEvent) and (event.exit is not None or event.ready is False):
        ns = event.namespace or "default"
        if event.name == "*":
            hit = hit.update((ns, p.metadata.name) for p in after.list("Pod", ns))
        else:
            hit = hit.add((ns, event.name))
    return pset(k for k in hit if after.get("Pod", *k) is not None)


def rollouts_stay_within_bounds(before: Cluster, after: Cluster, event: Any,
                                monitor: Monitor) -> tuple[Monitor, list[Violation]]:
    armed = monitor.armed_deployments
    hit = _hit_pods(monitor, after, event)
    stand_ins = monitor.stand_ins
    faulted = monitor.faulted_deployments
    down = monitor.down_nodes
    if isinstance(event, NodeHealth):
        down = down.discard(event.name) if event.ready else down.add(event.name)
    violations = []
    for d in after.list("Deployment"):
        key = _key(d)
        strategy = d.spec.strategy.type if d.spec.strategy else "RollingUpdate"
        old = before.get("Deployment", d.metadata.namespace, d.metadata.name)
        replicas_changed = old is not None and old.spec.replicas != d.spec.replicas
        if strategy != "RollingUpdate" or _disarms_deployment(event, d) or replicas_changed \
                or down:
            armed = armed.discard(key)
            continue
        if isinstance(event, PodEvent) and any(
                (p.metadata.namespace, p.metadata.name) in hit for p in deployment_pods(after, d)):
            faulted = faulted.add(key)
        stand_ins = _stand_ins(stand_ins, after, d)
        if key in armed:
            mine = {(d.metadata.namespace, name) for k, name in stand_ins if k == key}
            available, excused, desired = rollout_counts(after, d, hit | mine, key in faulted)
            excused += sum(1 for k in mine if not _live_pod(after, k))
            low, high = rollout_bounds(d)
            if available + excused < low:
                more = f" (and {excused} unavailable after a fault)" if excused else ""
                violations.append(Violation(
                    "rollouts_stay_within_bounds",
                    f"deployment {key} has {available} available pods{more}, below "
                    f"replicas - maxUnavailable = {low}", (f"Deployment {key}",)))
            if desired > high:
                violations.append(Violation(
                    "rollouts_stay_within_bounds",
                    f"deployment {key}'s ReplicaSets ask for {desired} pods, above replicas + "
                    f"maxSurge = {high}", (f"Deployment {key}",)))
        if _complete(after, d):
            armed, faulted = armed.add(key), faulted.discard(key)
            stand_ins = pset(k for k in stand_ins if k[0] != key)
    armed = pset(k for k in armed if after.get("Deployment", *k.split("/")) is not None)
    return attrs.evolve(monitor, armed_deployments=armed, hit_pods=hit, down_nodes=down,
                        faulted_deployments=faulted, stand_ins=stand_ins), violations


def recreate_never_runs_old_and_new_together(before: Cluster, cluster: Cluster, event: Any,
                                             monitor: Monitor
                                             ) -> tuple[Monitor, list[Violation]]:
    """Checked on upgrades only, as documented: a Recreate Deployment paused or scaled mid-way
    is scaled by the controller's `sync`, which does not wait for old pods (nor does
    Kubernetes), so it is excused until it is complete again."""
    excused = monitor.excused_recreates
    violations: list[Violation] = []
    for d in cluster.list("Deployment"):
        if not d.spec.strategy or d.spec.strategy.type != "Recreate":
            continue
        key = _key(d)
        old = before.get("Deployment", d.metadata.namespace, d.metadata.name)
        if d.spec.paused or (isinstance(event, Scale) and event.name == d.metadata.name) or (
                old is not None and old.spec.replicas != d.spec.replicas):
            excused = excused.add(key)
        elif key in excused and _complete(cluster, d):
            excused = excused.discard(key)
        if key in excused:
            continue
        violations += _recreate_violations(cluster, d)
    return attrs.evolve(monitor, excused_recreates=excused), violations


def _recreate_violations(cluster: Cluster, d: Any) -> list[Violation]:
    """A violation when the Deployment's pods (not yet terminal) belong to two ReplicaSets."""
    hashes: dict[str, list[str]] = {}
    for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet"):
        if rs is None:
            continue
        names = [p.metadata.name for p in cluster.owned_by(rs.metadata.uid or "", "Pod")
                 if p is not None and p.status.phase not in ("Succeeded", "Failed")]
        if names:
            hashes[rs.metadata.name] = names
    if len(hashes) <= 1:
        return []
    rss = ", ".join(f"{rs} ({len(p)} pods)" for rs, p in sorted(hashes.items()))
    return [Violation("recreate_never_runs_old_and_new_together",
                      f"Recreate deployment {_key(d)} has pods of {len(hashes)} ReplicaSets "
                      f"at once: {rss}", (f"Deployment {_key(d)}",))]


def revisions_only_grow(before: Cluster, after: Cluster) -> Iterator[Violation]:
    """A Deployment's revision never decreases while a ReplicaSet of the higher revision is
    left: a new ReplicaSet's revision is the highest of the old ones + 1 (sync.go
    getNewReplicaSet), so once revisionHistoryLimit has pruned every ReplicaSet, Kubernetes
    starts again from revision 1."""
    annotation = "deployment.kubernetes.io/revision"
    for d in after.list("Deployment"):
        old = before.get("Deployment", d.metadata.namespace, d.metadata.name)
        if old is None or old.metadata.uid != d.metadata.uid:
            continue
        a = old.metadata.annotations.get(annotation, "0")
        b = d.metadata.annotations.get(annotation, "0")
        if not (a.isdigit() and b.isdigit() and int(b) < int(a)):
            continue
        kept = [rs.metadata.annotations.get(annotation, "0")
                for rs in after.owned_by(d.metadata.uid or "", "ReplicaSet") if rs]
        if any(r.isdigit() and int(r) >= int(a) for r in kept):
            yield Violation("revisions_only_grow",
                            f"deployment {_key(d)} went from revision {a} to {b}",
                            (f"Deployment {_key(d)}",))


def resource_versions_only_grow(before: Cluster, after: Cluster) -> Iterator[Violation]:
    """The global revision never goes back, nor does the resourceVersion of an object that is
    still the same object (same uid). Objects the step did not touch are the same values in
    both states and are skipped by identity, so the cost follows what changed."""
    if after.resource_version < before.resource_version:
        yield Violation("resource_versions_only_grow",
                        f"the revision went back from {before.resource_version} to "
                        f"{after.resource_version}")
    if after.objects is before.objects:
        return
    for kind, by_ns in after.objects.items():
        old_by_ns = before.objects.get(kind)
        if old_by_ns is None or old_by_ns is by_ns:
            continue
        for ns, objs in by_ns.items():
            old_objs = old_by_ns.get(ns)
            if old_objs is None or old_objs is objs:
                continue
            for name, obj in objs.items():
                old = old_objs.get(name)
                if old is None or old is obj or old.metadata.uid != obj.metadata.uid:
                    continue
                a, b = old.metadata.resource_version, obj.metadata.resource_version
                if a and b and a.isdigit() and b.isdigit() and int(b) < int(a):
                    yield Violation("resource_versions_only_grow",
                                    f"{kind} {ns + '/' if ns else ''}{name} went from "
                                    f"resourceVersion {a} to {b}",
                                    (f"{kind} {ns + '/' if ns else ''}{name}",))


def _tolerates(toleration: Any, taint: Any) -> bool:
    """A toleration matches a taint: same effect (or none), same key (or none, with Exists),
    and the same value unless the operator is Exists (the documented matching rules)."""
    if toleration.effect and toleration.effect != taint.effect:
        return False
    if toleration.key and toleration.key != taint.key:
        return False
    return toleration.operator == "Exists" or (toleration.value or "") == (taint.value or "")


def pods_are_bound_only_where_taints_are_tolerated(before: Cluster, after: Cluster
                                                   ) -> Iterator[Violation]:
    for ns, name in _newly_bound(before, after):
        pod = after.get("Pod", ns, name)
        node = after.get("Node", "", pod.spec.node_name) if pod is not None else None
        if pod is None or node is None:
            continue
        for taint in node.spec.taints:
            if taint.effect in ("NoSchedule", "NoExecute") and not any(
                    _tolerates(t, taint) for t in pod.spec.tolerations):
                yield Violation("pods_are_bound_only_where_taints_are_tolerated",
                                f"pod {ns}/{name} was bound to node {node.metadata.name}, "
                                f"whose taint {taint.key}={taint.value or ''}:{taint.effect} "
                                "it does not tolerate",
                                (f"Pod {ns}/{name}", f"Node {node.metadata.name}"))


def _newly_bound(before: Cluster, after: Cluster) -> list[tuple[str, str]]:
    """The pods that existed unbound before this step and are bound after it."""
    bound = []
    for node_name, keys in after.pods_by_node.items():
        earlier: Any = before.pods_by_node.get(node_name, pset())
        if keys is earlier or not node_name:
            continue
        for ns, name in keys:
            if (ns, name) in earlier:
                continue
            old = before.get("Pod", ns, name)
            if old is not None and not old.spec.node_name:
                bound.append((ns, name))
    return sorted(bound)


def _pdb_healthy(cluster: Cluster, pdb: Any) -> tuple[int, int, int]:
    """(healthy pods, expected pods, minimum healthy) for a PDB."""
    from kubefold.reducers.controllers.deployment.util import get_scaled_value_from_int_or_percent

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


def initial_monitor(cluster: Cluster) -> Monitor:
    """The monitor for a replay that starts in `cluster`: what is complete or met there is
    armed (as if time had just passed)."""
    monitor, _ = observe(Monitor(), cluster, cluster, Tick(0))
    return monitor


def observe(monitor: Monitor, before: Cluster, after: Cluster, event: Any
            ) -> tuple[Monitor, list[Violation]]:
    """Every transition property on one step, and the monitor for the next."""
    monitor, violations = rollouts_stay_within_bounds(before, after, event, monitor)
    monitor, pdb_violations = pod_disruption_budgets_hold(before, after, event, monitor)
    violations += pdb_violations
    monitor, recreate_violations = recreate_never_runs_old_and_new_together(
        before, after, event, monitor)
    violations += recreate_violations
    violations += pods_are_bound_only_where_taints_are_tolerated(before, after)
    violations += revisions_only_grow(before, after)
    violations += resource_versions_only_grow(before, after)
    violations += ordered_ready_stateful_sets_start_in_order(before, after)
    violations += rollouts.observe(before, after, event)
    return monitor, violations
