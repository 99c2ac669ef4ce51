"""Invariants of StatefulSets and DaemonSets, and the transition property of OrderedReady.

- `at_most_one_live_pod_per_stateful_set_identity` (a state): a StatefulSet's identity is its
  ordinal (the `apps.kubernetes.io/pod-index` label, the `-<n>` of the name); at most one of
  its pods per ordinal is live — not Succeeded or Failed, terminating included, since a pod
  still terminating may still hold the identity's storage and network name. The controller
  never replaces an ordinal's pod before the old one is gone from the API.
- `daemon_sets_run_at_most_one_pod_per_node` (a state): on each node at most one
  non-terminating pod of a DaemonSet (two while a surge rolling update replaces one), and,
  once the DaemonSet is reconciled (its key waits in no queue and its status observed its
  generation), none on a node where its pod may not keep running: the node's labels fail the
  template's nodeSelector or required node affinity, or a NoExecute taint is not tolerated
  (the DaemonSet's own tolerations — not-ready and unreachable — added, as the controller adds
  them).
- `ordered_ready_stateful_sets_start_in_order` (a step): when an OrderedReady StatefulSet's pod
  of ordinal k appears, every lower ordinal of the set had, in the state before, a pod that is
  Running, Ready and not terminating (the documented guarantee: "before a scaling operation
  is applied to a Pod, all of its predecessors must be Running and Ready").

Models: the guarantees of concepts/workloads/controllers/statefulset ("Deployment and Scaling
Guarantees", "Pod Identity") and daemonset ("How Daemon Pods are scheduled", "Taints and
tolerations"), stated from the documentation, not from the controllers' code.
Covered by: tests/test_properties_workloads.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Pod
from kubefold.core.podutil import is_pod_ready
from kubefold.core.scheduling import find_matching_untolerated_taint, required_node_affinity_match
from kubefold.properties.invariants import Violation

TERMINAL = ("Succeeded", "Failed")
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
DAEMON_TOLERATED_NO_EXECUTE = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def _ordinal(pod: Any) -> int | None:
    index = pod.metadata.labels.get(POD_INDEX_LABEL)
    if index is not None and index.isdigit():
        return int(index)
    head, _, tail = (pod.metadata.name or "").rpartition("-")
    return int(tail) if head and tail.isdigit() else None


def _pods_of(cluster: Cluster, owner: Any) -> list[Any]:
    return [p for p in cluster.owned_by(owner.metadata.uid or "", "Pod") if p is not None]


def at_most_one_live_pod_per_stateful_set_identity(cluster: Cluster) -> Iterator[Violation]:
    """At most one live pod per StatefulSet ordinal."""
    for sts in cluster.list("StatefulSet"):
        by_ordinal: dict[int, list[str]] = {}
        for pod in _pods_of(cluster, sts):
            ordinal = _ordinal(pod)
            if ordinal is None or pod.status.phase in TERMINAL:
                continue
            by_ordinal.setdefault(ordinal, []).append(pod.metadata.name or "")
        for ordinal, names in sorted(by_ordinal.items()):
            if len(names) > 1:
                key = f"{sts.metadata.namespace}/{sts.metadata.name}"
                yield Violation("at_most_one_live_pod_per_stateful_set_identity",
                                f"statefulset {key} has {len(names)} live pods for ordinal "
                                f"{ordinal}: {', '.join(sorted(names))}",
                                tuple(f"Pod {sts.metadata.namespace}/{n}" for n in names))


def _surges(ds: Any) -> bool:
    strategy = ds.spec.update_strategy
    rolling = strategy.rolling_update if strategy is not None else None
    surge = rolling.max_surge if rolling is not None else None
    return strategy is not None and strategy.type == "RollingUpdate" \
        and surge not in (None, 0, "0%")


def _may_keep_running(node: Any, ds: Any) -> bool:
    """The node's labels fit the template's node selection, and every NoExecute taint is
    tolerated by the template or by the DaemonSet's own not-ready/unreachable tolerations."""
    template = ds.spec.template
    if template is None or template.spec is None:
        return False
    pod = Pod(spec=template.spec)
    if not required_node_affinity_match(pod, node):
        return False
    taints = [t for t in node.spec.taints if t.key not in DAEMON_TOLERATED_NO_EXECUTE]
    return find_matching_untolerated_taint(taints, template.spec.tolerations,
                                           lambda t: t.effect == "NoExecute") is None


def _reconciled(cluster: Cluster, ds: Any) -> bool:
    item = ("daemonset", f"{ds.metadata.namespace}/{ds.metadata.name}")
    return item not in cluster.queue.queued and \
        (ds.status.observed_generation or 0) >= (ds.metadata.generation or 0)


def daemon_sets_run_at_most_one_pod_per_node(cluster: Cluster) -> Iterator[Violation]:
    """At most one DaemonSet pod per node (two while surging), none on a node where it may not
    run once the DaemonSet is reconciled."""
    for ds in cluster.list("DaemonSet"):
        key = f"{ds.metadata.namespace}/{ds.metadata.name}"
        by_node: dict[str, list[str]] = {}
        for pod in _pods_of(cluster, ds):
            if pod.spec.node_name and pod.metadata.deletion_timestamp is None \
                    and pod.status.phase not in TERMINAL:
                by_node.setdefault(pod.spec.node_name, []).append(pod.metadata.name or "")
        allowed = 2 if _surges(ds) else 1
        reconciled = _reconciled(cluster, ds)
        for node_name, names in sorted(by_node.items()):
            if len(names) > allowed:
                yield Violation("daemon_sets_run_at_most_one_pod_per_node",
                                f"daemonset {key} runs {len(names)} pods on node {node_name}: "
                                f"{', '.join(sorted(names))}",
                                tuple(f"Pod {ds.metadata.namespace}/{n}" for n in names))
            node = cluster.get("Node", "", node_name)
            if reconciled and node is not None and not _may_keep_running(node, ds):
                yield Violation("daemon_sets_run_at_most_one_pod_per_node",
                                f"daemonset {key} is reconciled but still runs "
                                f"{', '.join(sorted(names))} on node {node_name}, where its "
                                "pods may not run",
                                tuple(f"Pod {ds.metadata.namespace}/{n}" for n in names))


def _ready_pod(cluster: Cluster, namespace: str, name: str) -> bool:
    pod = cluster.get("Pod", namespace, name)
    return pod is not None and pod.status.phase == "Running" and is_pod_ready(pod) \
        and pod.metadata.deletion_timestamp is None


def ordered_ready_stateful_sets_start_in_order(before: Cluster, after: Cluster
                                               ) -> Iterator[Violation]:
    """A new pod of an OrderedReady StatefulSet appears only when its predecessors were
    Running and Ready."""
    for sts in after.list("StatefulSet"):
        if sts.spec.pod_management_policy != "OrderedReady":
            continue
        namespace = sts.metadata.namespace or ""
        start = (sts.spec.ordinals.start or 0) if sts.spec.ordinals is not None else 0
        for pod in _pods_of(after, sts):
            if before.get("Pod", namespace, pod.metadata.name) is not None:
                continue
            ordinal = _ordinal(pod)
            if ordinal is None:
                continue
            waiting = [f"{sts.metadata.name}-{j}" for j in range(start, ordinal)
                       if not _ready_pod(before, namespace, f"{sts.metadata.name}-{j}")]
            if waiting:
                yield Violation("ordered_ready_stateful_sets_start_in_order",
                                f"statefulset {namespace}/{sts.metadata.name} created "
                                f"{pod.metadata.name} while {', '.join(waiting)} was not "
                                "Running and Ready",
                                (f"Pod {namespace}/{pod.metadata.name}",))


def stateful_set_matches_spec(cluster: Cluster, sts: Any) -> Iterator[str]:
    """Convergence of one StatefulSet: observed, every replica ready at the revision its
    strategy asks for."""
    key = f"{sts.metadata.namespace}/{sts.metadata.name}"
    want, s = sts.spec.replicas or 0, sts.status
    if (s.observed_generation or 0) < (sts.metadata.generation or 0):
        yield f"statefulset {key} has not observed generation {sts.metadata.generation}"
    if ((s.replicas or 0), (s.ready_replicas or 0)) != (want, want):
        yield (f"statefulset {key} wants {want} replicas, has {s.replicas or 0} "
               f"({s.ready_replicas or 0} ready)")
    strategy = sts.spec.update_strategy
    if strategy is None or strategy.type != "RollingUpdate":
        return
    partition = (strategy.rolling_update.partition or 0) if strategy.rolling_update else 0
    expected = max(0, want - partition)
    if (s.updated_replicas or 0) < expected:
        yield (f"statefulset {key} has {s.updated_replicas or 0} replicas at its update "
               f"revision, {expected} expected above partition {partition}")


def daemon_set_matches_spec(cluster: Cluster, ds: Any) -> Iterator[str]:
    """Convergence of one DaemonSet: observed, a ready updated pod on every node that should
    run one and none elsewhere."""
    key = f"{ds.metadata.namespace}/{ds.metadata.name}"
    s = ds.status
    if (s.observed_generation or 0) < (ds.metadata.generation or 0):
        yield f"daemonset {key} has not observed generation {ds.metadata.generation}"
    desired = s.desired_number_scheduled or 0
    counts = ((s.current_number_scheduled or 0), (s.number_available or 0),
              (s.number_misscheduled or 0))
    strategy = ds.spec.update_strategy
    if counts != (desired, desired, 0):
        yield (f"daemonset {key} wants {desired} pods, has scheduled/available/misscheduled "
               f"{counts[0]}/{counts[1]}/{counts[2]}")
    if strategy is not None and strategy.type == "RollingUpdate" \
            and (s.updated_number_scheduled or 0) != desired:
        yield f"daemonset {key} has {s.updated_number_scheduled or 0} of {desired} pods updated"
