"""The node lifecycle controller.

`node-lifecycle` (key: a node's name) is one monitorNodeHealth pass for that node plus the
NoSchedule and NoExecute tainting passes: a node whose kubelet has not posted a heartbeat for
node-monitor-grace-period (50 s since v1.32) gets its Ready, MemoryPressure, DiskPressure and
PIDPressure conditions set Unknown ("Kubelet stopped posting node status."), its pods' Ready
condition set False (MarkPodsNotReady), the `node.kubernetes.io/unreachable:NoSchedule` taint at
once and the `unreachable:NoExecute` taint one monitor period (5 s) later, on the pass that
observes the Unknown condition it wrote (`not-ready` taints for Ready=False). When the node is
Ready again, the taints go.

The pods of a tainted node are deleted by the taint eviction controller (tainteviction.py).

Models (v1.34): pkg/controller/nodelifecycle/node_lifecycle_controller.go
(doNoScheduleTaintingPass, doNoExecuteTaintingPass, monitorNodeHealth, processTaintBaseEviction,
tryUpdateNodeHealth, ComputeZoneState, handleDisruption's full-disruption rule,
ReducedQPSFunc, markNodeAsReachable, processPod), pkg/controller/util/node/controller_utils.go
(MarkPodsNotReady, SwapNodeControllerTaint), pkg/util/taints.

Simplifies:
- Go polls every 5 s (node-monitor-period); here each node is woken at the exact second
  something falls due: its heartbeat + grace period, and the Unknown condition's
  lastTransitionTime + 5 s for the NoExecute taint. The probe timestamp is the Ready
  condition's lastHeartbeatTime (or a Lease's renewTime in kube-node-lease, whichever is
  later), not the controller's local observation time; "after" is read as "at or after" since
  a controller runs just after the writes it observes.
- NoExecute tainting is not rate limited (0.1 node/s per zone in Go), except that a zone in
  partial disruption with at most 50 nodes taints nothing (its limiter is 0), and when every
  zone is fully disrupted no node is tainted and this node's NoExecute taints are removed.
  Leaving full disruption does not reset the other nodes' probe timestamps.
- Pods on a node whose Ready condition is not True are marked not ready on every pass that
  finds them Ready (Go: at the transition, on retries, and when a pod is bound there).
- No events, metrics, or node label reconciliation.

Covered by: tests/test_node_lifecycle.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.nodelease import STOPPED_AT_ANNOTATION, kubelet_stopped
from kubefold.core.objects import Condition, Node, Taint
from kubefold.core.podutil import update_pod_condition
from kubefold.core.schema import parse_time
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "node-lifecycle"

NODE_MONITOR_PERIOD = 5
NODE_MONITOR_GRACE_PERIOD = 50
NODE_STARTUP_GRACE_PERIOD = 60
UNHEALTHY_ZONE_THRESHOLD = 0.55
LARGE_CLUSTER_THRESHOLD = 50

TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
NODE_CONDITION_TO_TAINT_KEY = {
    "Ready": {"False": TAINT_NODE_NOT_READY, "Unknown": TAINT_NODE_UNREACHABLE},
    "MemoryPressure": {"True": "node.kubernetes.io/memory-pressure"},
    "DiskPressure": {"True": "node.kubernetes.io/disk-pressure"},
    "NetworkUnavailable": {"True": "node.kubernetes.io/network-unavailable"},
    "PIDPressure": {"True": "node.kubernetes.io/pid-pressure"},
}
TAINT_KEY_TO_NODE_CONDITION = {key: ctype for ctype, by_status in
                               NODE_CONDITION_TO_TAINT_KEY.items()
                               for key in by_status.values()}
UNREACHABLE_TAINT = Taint(key=TAINT_NODE_UNREACHABLE, effect="NoExecute")
NOT_READY_TAINT = Taint(key=TAINT_NODE_NOT_READY, effect="NoExecute")
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption"


# -- taints ----------------------------------------------------------------------------------


def _matches(a: Taint, b: Taint) -> bool:
    """Taint.MatchTaint: same key and effect."""
    return a.key == b.key and a.effect == b.effect


def taint_exists(taints: Iterable[Taint], taint: Taint) -> bool:
    return any(_matches(t, taint) for t in taints)


def swap_node_controller_taint(cluster: Cluster, node: Node, to_add: Sequence[Taint],
                               to_remove: Sequence[Taint]) -> Cluster | Status:
    """SwapNodeControllerTaint: add (timeAdded now, one write), then remove (another write,
    only when one of them is there)."""
    taints = list(node.spec.taints)
    added = False
    for taint in to_add:
        taint = attrs.evolve(taint, time_added=cluster.now)
        index = next((i for i, t in enumerate(taints) if _matches(t, taint)), None)
        if index is None:
            taints.append(taint)
            added = True
        elif not _same_taint(taints[index], taint):
            taints[index] = taint
            added = True
    if added:
        result = _write_taints(cluster, node, taints)
        if isinstance(result, Status):
            return result
        cluster, node = result, result.get("Node", "", node.metadata.name)
    remaining = [t for t in node.spec.taints if not any(_matches(t, r) for r in to_remove)]
    if len(remaining) == len(node.spec.taints):
        return cluster
    return _write_taints(cluster, node, remaining)


def _same_taint(a: Taint, b: Taint) -> bool:
    """Semantic equality for AddOrUpdateTaint: the time added is ignored only when equal."""
    return (a.key, a.value, a.effect) == (b.key, b.value, b.effect)


def _write_taints(cluster: Cluster, node: Node, taints: Sequence[Taint]) -> Cluster | Status:
    spec = attrs.evolve(node.spec, taints=pvector(taints))
    result = apiserver.update(cluster, attrs.evolve(node, spec=spec))
    return result if isinstance(result, Status) else result.cluster


# -- the passes ---------------------------------------------------------------------------------


def get_node_condition(node: Node, ctype: str) -> Condition | None:
    return next((c for c in node.status.conditions if c.type == ctype), None)


def do_no_schedule_tainting_pass(cluster: Cluster, node: Node) -> Cluster | Status:
    """doNoScheduleTaintingPass: the NoSchedule taints the node's conditions call for."""
    wanted = [Taint(key=NODE_CONDITION_TO_TAINT_KEY[c.type][c.status or ""],
                    effect="NoSchedule")
              for c in node.status.conditions
              if c.type in NODE_CONDITION_TO_TAINT_KEY
              and (c.status or "") in NODE_CONDITION_TO_TAINT_KEY[c.type]]
    if node.spec.unschedulable:
        wanted.append(Taint(key=TAINT_NODE_UNSCHEDULABLE, effect="NoSchedule"))
    current = [t for t in node.spec.taints if t.effect == "NoSchedule" and (
        t.key == TAINT_NODE_UNSCHEDULABLE or t.key in TAINT_KEY_TO_NODE_CONDITION)]
    to_add = [t for t in wanted if not taint_exists(current, t)]
    to_remove = [t for t in current if not taint_exists(wanted, t)]
    if not to_add and not to_remove:
        return cluster
    return swap_node_controller_taint(cluster, node, to_add, to_remove)


def _kubelet_running(node: Node) -> bool:
    return not kubelet_stopped(node)


def _probe_timestamp(cluster: Cluster, node: Node, ready: Condition | None) -> int:
    """When the node was last heard from: a running kubelet renews its Lease all the time (now);
    a stopped one last renewed it when it stopped; a Lease object, if one is stored, counts."""
    if _kubelet_running(node):
        return cluster.now
    creation = node.metadata.creation_timestamp or cluster.now
    probe = creation if ready is None else (
        ready.last_heartbeat_time or ready.last_transition_time or creation)
    stopped_at = node.metadata.annotations.get(STOPPED_AT_ANNOTATION)
    if stopped_at:
        probe = max(probe, parse_time(stopped_at))
    lease = cluster.get("Lease", "kube-node-lease", node.metadata.name)
    renew = lease.extra.get("spec", {}).get("renewTime") if lease is not None else None
    return max(probe, parse_time(renew)) if isinstance(renew, str) else probe


def try_update_node_health(cluster: Cluster, node: Node
                           ) -> tuple[Cluster | Status, Condition, Condition | None, int | None]:
    """tryUpdateNodeHealth: (cluster, observed Ready, current Ready, when the heartbeat goes
    stale). Past the grace period the kubelet's conditions become Unknown."""
    ready = get_node_condition(node, "Ready")
    if ready is None:
        created = node.metadata.creation_timestamp
        observed = Condition(type="Ready", status="Unknown", last_heartbeat_time=created,
                             last_transition_time=created)
        grace = NODE_STARTUP_GRACE_PERIOD
    else:
        observed, grace = ready, NODE_MONITOR_GRACE_PERIOD
    stale_at = _probe_timestamp(cluster, node, ready) + grace
    if cluster.now < stale_at:
        # A running kubelet never goes stale: its stop wakes this controller (a node write).
        return cluster, observed, ready, stale_at if not _kubelet_running(node) else None
    conditions = list(node.status.conditions)
    for ctype in UNKNOWN_CONDITIONS:
        index = next((i for i, c in enumerate(conditions) if c.type == ctype), None)
        if index is None:
            conditions.append(Condition(
                type=ctype, status="Unknown", reason="NodeStatusNeverUpdated",
                message="Kubelet never posted node status.",
                last_heartbeat_time=node.metadata.creation_timestamp,
                last_transition_time=cluster.now))
        elif conditions[index].status != "Unknown":
            conditions[index] = attrs.evolve(
                conditions[index], status="Unknown", reason="NodeStatusUnknown",
                message="Kubelet stopped posting node status.", last_transition_time=cluster.now)
    current = next(c for c in conditions if c.type == "Ready")
    if current == observed:
        return cluster, observed, current, None
    status = attrs.evolve(node.status, conditions=pvector(conditions))
    result = apiserver.update_status(cluster, attrs.evolve(node, status=status))
    if isinstance(result, Status):
        return result, observed, current, None
    return result.cluster, observed, current, None


def _zone_key(node: Node) -> str:
    """GetZoneKey: region and zone labels (current or beta), or "" without them."""
    labels = node.metadata.labels
    region = labels.get("topology.kubernetes.io/region") \
        or labels.get("failure-domain.beta.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone") \
        or labels.get("failure-domain.beta.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def compute_zone_state(ready_conditions: Sequence[Condition | None]) -> str:
    """ComputeZoneState."""
    ready = sum(1 for c in ready_conditions if c is not None and c.status == "True")
    not_ready = len(ready_conditions) - ready
    if ready == 0 and not_ready > 0:
        return "FullDisruption"
    if not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
        return "PartialDisruption"
    return "Normal"


def _zone_states(cluster: Cluster) -> dict[str, tuple[str, int]]:
    zones: dict[str, list[Condition | None]] = {}
    for node in cluster.list("Node"):
        if EXCLUDE_DISRUPTION_LABEL in node.metadata.labels:
            continue
        zones.setdefault(_zone_key(node), []).append(get_node_condition(node, "Ready"))
    return {k: (compute_zone_state(v), len(v)) for k, v in zones.items()}


def tainting_allowed(cluster: Cluster, node: Node) -> bool | None:
    """The NoExecute tainter's limiter for the node's zone (handleDisruption, setLimiterInZone):
    None when every zone is fully disrupted (taints come off), False when its limiter is 0."""
    states = _zone_states(cluster)
    if states and all(state == "FullDisruption" for state, _ in states.values()):
        return None
    state, size = states.get(_zone_key(node), ("Normal", 0))
    return not (state == "PartialDisruption" and size <= LARGE_CLUSTER_THRESHOLD)


def mark_node_as_reachable(cluster: Cluster, node: Node) -> Cluster | Status:
    """markNodeAsReachable: remove both NoExecute taints."""
    return swap_node_controller_taint(cluster, node, [], [UNREACHABLE_TAINT, NOT_READY_TAINT])


def process_taint_base_eviction(cluster: Cluster, node: Node, observed: Condition
                                ) -> Cluster | Status:
    """processTaintBaseEviction with doNoExecuteTaintingPass: the NoExecute taint the observed
    Ready condition calls for."""
    if observed.status == "True":
        return mark_node_as_reachable(cluster, node)
    if observed.status == "False":
        taint, opposite = NOT_READY_TAINT, UNREACHABLE_TAINT
    elif observed.status == "Unknown":
        taint, opposite = UNREACHABLE_TAINT, NOT_READY_TAINT
    else:
        return cluster
    if taint_exists(node.spec.taints, opposite):
        return swap_node_controller_taint(cluster, node, [taint], [opposite])
    allowed = tainting_allowed(cluster, node)
    if allowed is None:
        return mark_node_as_reachable(cluster, node)
    if not allowed or taint_exists(node.spec.taints, taint):
        return cluster
    return swap_node_controller_taint(cluster, node, [taint], [opposite])


def mark_pods_not_ready(cluster: Cluster, node_name: str) -> Cluster | Status:
    """MarkPodsNotReady: each pod's Ready condition to False (reason and message kept)."""
    for pod in cluster.pods_on_node(node_name):
        ready = next((c for c in pod.status.conditions if c.type == "Ready"), None)
        if ready is None or ready.status == "False":
            continue
        status, changed = update_pod_condition(pod.status, attrs.evolve(ready, status="False"),
                                               cluster.now)
        if not changed:
            continue
        result = apiserver.update_status(cluster, attrs.evolve(pod, status=status))
        if isinstance(result, Status):
            return result
        cluster = result.cluster
    return cluster


def _observed_at(current: Condition) -> int | None:
    """When a monitor pass first observes a Ready condition this controller wrote: one
    monitor period after it wrote it (None for a condition the kubelet posted)."""
    if current.reason not in ("NodeStatusUnknown", "NodeStatusNeverUpdated") \
            or current.last_transition_time is None:
        return None
    return current.last_transition_time + NODE_MONITOR_PERIOD


def sync(cluster: Cluster, key: str) -> Cluster:
    """One monitorNodeHealth pass for node `key`, then its tainting passes."""
    node = cluster.get("Node", "", key)
    if node is None:
        return cluster.forget(NAME, key)
    result, observed, current, stale_at = try_update_node_health(cluster, node)
    if isinstance(result, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    dues = [stale_at] if stale_at is not None else []
    if current is not None:
        if current.status != "True":
            marked = mark_pods_not_ready(result, key)
            if isinstance(marked, Status):
                return result.enqueue_rate_limited(NAME, key)
            result = marked
        seen_at = _observed_at(current)
        if seen_at is not None and result.now < seen_at:
            dues.append(seen_at)  # the next monitor pass observes what this one wrote
        else:
            tainted = process_taint_base_eviction(result, result.get("Node", "", key),
                                                  current)
            if isinstance(tainted, Status):
                return result.enqueue_rate_limited(NAME, key)
            result = tainted
    scheduled = do_no_schedule_tainting_pass(result, result.get("Node", "", key))
    if isinstance(scheduled, Status):
        return result.enqueue_rate_limited(NAME, key)
    cluster = scheduled
    later = [d for d in dues if d > cluster.now]
    if later:
        cluster = cluster.enqueue_after(NAME, key, min(later) - cluster.now)
    return cluster.forget(NAME, key)


def watch(cluster: Cluster, change: Change) -> list[str]:
    """Node writes (the node informer and the monitor loop), a pod bound to a node
    (processPod), and Lease renewals in kube-node-lease."""
    if change.kind == "Node" and change.new is not None:
        return [change.name]
    if change.kind == "Pod" and change.new is not None and change.new.spec.node_name and (
            change.old is None or change.old.spec.node_name != change.new.spec.node_name):
        return [change.new.spec.node_name]
    if change.kind == "Lease" and change.namespace == "kube-node-lease" and change.new is not None:
        return [change.name]
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Node", "Pod", "Lease"}))
