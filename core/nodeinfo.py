"""The scheduler's cache as part of the cluster value: what kube-scheduler's PodInfo computes
once per pod and what its NodeInfo sums per node, kept by the write that binds, changes or
removes a pod, so that a scheduling cycle reads a node in O(1).

`pod_info(pod)` is a pod's PodInfo: its requests as framework.Resource holds them (integers:
millicores, bytes), its non-zero requests, its host ports and whether it carries pod
(anti-)affinity terms. `NodeAllocation` is a node's sums over the pods that hold it (bound and
not terminal): pod count, requested and non-zero requested resources, used host ports (a
multiset), and how many of its pods carry (anti-)affinity terms. `SpreadCounts` counts the
pods that PodTopologySpread counts (bound, not terminal, not being deleted) per namespace and
label set, per node, with a label index on the sets: a selector finds the label sets it matches
and their nodes without walking pods.

Every update is O(1) in the pods of the node and of the cluster (O(labels) for the spread
counts). `recompute(cluster)` builds the same values from the pods from scratch: the property
tests compare the two at every state.

Models (v1.34): pkg/scheduler/framework/types.go (PodInfo.Update and calculateResource,
Resource.Add, NodeInfo.AddPodInfo / RemovePod / update: Requested, NonZeroRequested,
UsedPorts, PodsWithAffinity, PodsWithRequiredAntiAffinity; HostPortInfo.Add/Remove with
sanitize: 0.0.0.0 and TCP for empty fields), pkg/scheduler/util GetHostPorts and
pkg/scheduler/backend/cache/cache.go (addPod, updatePod, removePod: the cache follows the
assigned, non-terminal pods).
Simplifies:
- A host port held by two pods of one node is counted twice (a multiset) where Go's
  HostPortInfo keeps it once and forgets it when either pod leaves; the two agree whenever no
  two pods of a node share a port, which the NodePorts filter ensures for scheduled pods.
- Pod-level resources and in-place resize are not read (as core/resources.py).
Covered by: tests/test_nodeinfo.py (incremental == recomputed, Hypothesis).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from immutables import Map

from kubefold.core.objects import Pod
from kubefold.core.resources import (
    TERMINAL_PHASES,
    is_scalar_resource_name,
    non_zero_requests,
    pod_requests,
    resource_int,
)

EMPTY: Map[Any, Any] = Map()
DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"

HostPort = tuple[str, str, int]  # (ip, protocol, port), sanitized
PodKey = tuple[str, str]  # (namespace, name)
GroupKey = tuple[str, Any]  # (namespace, labels)


# -- PodInfo -----------------------------------------------------------------------------------


@attrs.frozen
class PodInfo:
    """framework.PodInfo's precomputed facts of one pod."""

    milli_cpu: int = 0
    memory: int = 0
    ephemeral_storage: int = 0
    scalars: tuple[tuple[str, int], ...] = ()  # ScalarResources, by name
    non0_cpu: int = 0
    non0_mem: int = 0
    host_ports: tuple[HostPort, ...] = ()
    with_affinity: bool = False  # podAffinity or podAntiAffinity set
    with_required_anti_affinity: bool = False


def host_ports(pod: Pod) -> tuple[HostPort, ...]:
    """GetHostPorts, sanitized as HostPortInfo.Add does: the host ports of the containers and
    of restartable (sidecar) init containers."""
    ports = []
    for c in (*(c for c in pod.spec.init_containers if c.restart_policy == "Always"),
              *pod.spec.containers):
        for p in c.ports:
            if (p.host_port or 0) > 0:
                ports.append((p.host_ip or DEFAULT_BIND_ALL_HOST_IP, p.protocol or "TCP",
                              p.host_port or 0))
    return tuple(ports)


def _anti_affinity_required(affinity: Any) -> bool:
    anti = affinity.get("podAntiAffinity") or {}
    return bool(anti.get("requiredDuringSchedulingIgnoredDuringExecution"))


def pod_info(pod: Pod) -> PodInfo:
    """PodInfo.Update: the pod's requests (Resource.Add: cpu as MilliValue, the rest as
    Value, scalar resources by name), its non-zero cpu and memory, host ports and affinity."""
    requests = pod_requests(pod)
    scalars = tuple(sorted((name, resource_int(name, q)) for name, q in requests.items()
                           if is_scalar_resource_name(name)))
    non0_cpu, non0_mem = non_zero_requests(pod)
    affinity = pod.spec.affinity or {}
    return PodInfo(
        milli_cpu=resource_int("cpu", requests.get("cpu")),
        memory=resource_int("memory", requests.get("memory")),
        ephemeral_storage=resource_int("ephemeral-storage", requests.get("ephemeral-storage")),
        scalars=scalars, non0_cpu=non0_cpu, non0_mem=non0_mem, host_ports=host_ports(pod),
        with_affinity=affinity.get("podAffinity") is not None
        or affinity.get("podAntiAffinity") is not None,
        with_required_anti_affinity=_anti_affinity_required(affinity))


def same_requests(old: Pod, new: Pod) -> bool:
    """Whether the parts of the spec PodInfo reads are the same objects (an update of status
    or metadata, or a binding, leaves them shared): then the old PodInfo still holds."""
    a, b = old.spec, new.spec
    return (a.containers is b.containers and a.init_containers is b.init_containers
            and a.overhead is b.overhead and a.affinity is b.affinity)


def holds_node(pod: Pod | None) -> bool:
    """The scheduler cache's pods: assigned and not terminal (the informer's field selector)."""
    return pod is not None and bool(pod.spec.node_name) \
        and pod.status.phase not in TERMINAL_PHASES


def counts_for_spread(pod: Pod | None) -> bool:
    """The pods PodTopologySpread counts: held by a node and not being deleted."""
    return holds_node(pod) and pod.metadata.deletion_timestamp is None  # type: ignore[union-attr]


# -- NodeAllocation ----------------------------------------------------------------------------


def _add_counts(counts: Map[Any, int], keys: Iterable[Any], sign: int) -> Map[Any, int]:
    """A multiset's counts with `keys` added (sign 1) or removed (-1); zeros are dropped."""
    mutation = counts.mutate()
    for key in keys:
        n = mutation.get(key, 0) + sign
        if n:
            mutation[key] = n
        else:
            del mutation[key]
    return mutation.finish()


@attrs.frozen
class NodeAllocation:
    """NodeInfo's sums over the pods that hold the node."""

    pods: int = 0
    milli_cpu: int = 0
    memory: int = 0
    ephemeral_storage: int = 0
    scalars: Map[str, int] = EMPTY
    non0_cpu: int = 0
    non0_mem: int = 0
    used_ports: Map[HostPort, int] = EMPTY  # (ip, protocol, port) -> pods holding it
    pods_with_affinity: int = 0
    pods_with_required_anti_affinity: int = 0

    def add(self, info: PodInfo, sign: int = 1) -> NodeAllocation:
        """NodeInfo.update: the pod's PodInfo added (sign 1) or removed (-1)."""
        scalars = self.scalars
        if info.scalars:
            mutation = scalars.mutate()
            for name, value in info.scalars:
                total = mutation.get(name, 0) + sign * value
                if total:
                    mutation[name] = total
                elif name in mutation:
                    del mutation[name]
            scalars = mutation.finish()
        ports = _add_counts(self.used_ports, info.host_ports, sign) if info.host_ports \
            else self.used_ports
        return NodeAllocation(
            self.pods + sign, self.milli_cpu + sign * info.milli_cpu,
            self.memory + sign * info.memory,
            self.ephemeral_storage + sign * info.ephemeral_storage, scalars,
            self.non0_cpu + sign * info.non0_cpu, self.non0_mem + sign * info.non0_mem, ports,
            self.pods_with_affinity + sign * info.with_affinity,
            self.pods_with_required_anti_affinity + sign * info.with_required_anti_affinity)

    def requested(self, resource: str) -> int:
        """NodeInfo.Requested for one resource (0 for one nothing requests)."""
        if resource == "cpu":
            return self.milli_cpu
        if resource == "memory":
            return self.memory
        if resource == "ephemeral-storage":
            return self.ephemeral_storage
        if resource == "pods":
            return self.pods
        return self.scalars.get(resource, 0)

    def host_port_info(self) -> dict[str, set[tuple[str, int]]]:
        """The used ports as HostPortInfo: ip -> {(protocol, port)}."""
        used: dict[str, set[tuple[str, int]]] = {}
        for ip, protocol, port in self.used_ports:
            used.setdefault(ip, set()).add((protocol, port))
        return used


ZERO = NodeAllocation()


@attrs.frozen
class Allocatable:
    """NodeInfo.Allocatable: the node's allocatable as framework.Resource holds it."""

    milli_cpu: int = 0
    memory: int = 0
    ephemeral_storage: int = 0
    allowed_pod_number: int = 0
    scalars: Map[str, int] = EMPTY  # the scalar resources the node lists

    def get(self, resource: str) -> tuple[int, bool]:
        """The allocatable of one resource and whether the node holds it at all (cpu, memory
        and ephemeral-storage always; a scalar resource only when listed)."""
        if resource == "cpu":
            return self.milli_cpu, True
        if resource == "memory":
            return self.memory, True
        if resource == "ephemeral-storage":
            return self.ephemeral_storage, True
        if resource == "pods":
            return self.allowed_pod_number, True
        value = self.scalars.get(resource)
        return (0, False) if value is None else (value, True)


def allocatable_of(node: Any) -> Allocatable:
    """NewResource(node.Status.Allocatable)."""
    allocatable = node.status.allocatable
    return Allocatable(
        resource_int("cpu", allocatable.get("cpu")), resource_int("memory", allocatable.get(
            "memory")), resource_int("ephemeral-storage", allocatable.get("ephemeral-storage")),
        resource_int("pods", allocatable.get("pods")),
        Map({name: resource_int(name, q) for name, q in allocatable.items()
             if is_scalar_resource_name(name)}))


# -- spread counts -----------------------------------------------------------------------------


@attrs.frozen
class SpreadCounts:
    """The pods PodTopologySpread counts, per (namespace, labels) group and node, and a label
    index from (namespace, key, value) to the groups carrying that label."""

    groups: Map[GroupKey, Map[str, int]] = EMPTY
    by_label: Map[tuple[str, str, str], Map[GroupKey, None]] = EMPTY

    def add(self, namespace: str, labels: Mapping[str, str], node: str, sign: int
            ) -> SpreadCounts:
        group = (namespace, labels)
        nodes = self.groups.get(group)
        count = (nodes.get(node, 0) if nodes is not None else 0) + sign
        if nodes is None:
            nodes = Map({node: count})
            by_label = self.by_label.mutate()
            for key, value in labels.items():
                label = (namespace, key, value)
                by_label[label] = by_label.get(label, EMPTY).set(group, None)
            return SpreadCounts(self.groups.set(group, nodes), by_label.finish())
        nodes = nodes.set(node, count) if count else nodes.delete(node)
        if nodes:
            return SpreadCounts(self.groups.set(group, nodes), self.by_label)
        by_label = self.by_label.mutate()
        for key, value in labels.items():
            label = (namespace, key, value)
            left = by_label[label].delete(group)
            if left:
                by_label[label] = left
            else:
                del by_label[label]
        return SpreadCounts(self.groups.delete(group), by_label.finish())

    def matching(self, namespace: str, selector: Any) -> list[Map[str, int]]:
        """The node counts of every group of `namespace` whose labels `selector` matches: the
        groups of the first `key=value` requirement's label when there is one, else every
        group of the namespace."""
        candidates: Iterable[GroupKey]
        for r in selector.requirements:
            if r.operator in ("=", "==", "in") and len(r.values) == 1:
                candidates = self.by_label.get((namespace, r.key, r.values[0]), EMPTY)
                break
        else:
            candidates = (g for g in self.groups if g[0] == namespace)
        return [self.groups[g] for g in candidates if selector.matches(g[1])]


# -- the cache's updates -------------------------------------------------------------------------


@attrs.frozen
class SchedulerCache:
    """What the cluster keeps for the scheduler: PodInfo per pod, NodeAllocation per node, the
    pods carrying (anti-)affinity terms (usually none), and the spread counts."""

    pod_infos: Map[PodKey, PodInfo] = EMPTY
    allocations: Map[str, NodeAllocation] = EMPTY
    affinity_pods: Map[PodKey, str] = EMPTY  # pod -> its node, for pods with affinity
    anti_affinity_pods: Map[PodKey, str] = EMPTY  # ... with required anti-affinity
    spread: SpreadCounts = SpreadCounts()
    allocatable: Map[str, Allocatable] = EMPTY  # per node
    node_labels: Map[str, Map[str, str]] = EMPTY  # per node, for the plugins' lookups

    def update_node(self, name: str, old: Any, new: Any) -> SchedulerCache:
        """The cache after a Node write: its Allocatable recomputed when it changed."""
        if new is None:
            if name not in self.allocatable:
                return self
            return attrs.evolve(self, allocatable=self.allocatable.delete(name),
                                node_labels=self.node_labels.delete(name))
        cache = self
        if old is None or old.status.allocatable is not new.status.allocatable \
                or name not in self.allocatable:
            cache = attrs.evolve(cache, allocatable=cache.allocatable.set(
                name, allocatable_of(new)))
        if old is None or old.metadata.labels is not new.metadata.labels \
                or name not in self.node_labels:
            cache = attrs.evolve(cache, node_labels=cache.node_labels.set(
                name, Map(dict(new.metadata.labels))))
        return cache

    def update(self, key: PodKey, old: Pod | None, new: Pod | None) -> SchedulerCache:
        """The cache after `old` became `new` (None: absent); unchanged values are shared."""
        infos = self.pod_infos
        old_info = infos.get(key) if old is not None else None
        if new is None:
            new_info = None
            if old is not None:
                infos = infos.delete(key)
        elif old_info is not None and old is not None and same_requests(old, new):
            new_info = old_info
        else:
            new_info = pod_info(new)
            infos = infos.set(key, new_info)
        was, now = holds_node(old), holds_node(new)
        allocations = self.allocations
        affinity, anti = self.affinity_pods, self.anti_affinity_pods
        old_node = old.spec.node_name if was else None  # type: ignore[union-attr]
        new_node = new.spec.node_name if now else None  # type: ignore[union-attr]
        if (was or now) and (old_node != new_node or old_info is not new_info):
            if was:
                assert old_info is not None and old_node is not None
                allocations = _set_allocation(allocations, old_node,
                                              allocations.get(old_node, ZERO).add(old_info, -1))
                if old_info.with_affinity:
                    affinity = affinity.delete(key)
                if old_info.with_required_anti_affinity:
                    anti = anti.delete(key)
            if now:
                assert new_info is not None and new_node is not None
                allocations = allocations.set(new_node,
                                              allocations.get(new_node, ZERO).add(new_info))
                if new_info.with_affinity:
                    affinity = affinity.set(key, new_node)
                if new_info.with_required_anti_affinity:
                    anti = anti.set(key, new_node)
        spread = _update_spread(self.spread, old, new)
        return SchedulerCache(infos, allocations, affinity, anti, spread, self.allocatable,
                              self.node_labels)


def _set_allocation(allocations: Map[str, NodeAllocation], node: str,
                    allocation: NodeAllocation) -> Map[str, NodeAllocation]:
    return allocations.delete(node) if allocation == ZERO else allocations.set(node, allocation)


def _update_spread(spread: SpreadCounts, old: Pod | None, new: Pod | None) -> SpreadCounts:
    was, now = counts_for_spread(old), counts_for_spread(new)
    if not was and not now:
        return spread
    if was and now:
        assert old is not None and new is not None
        if old.spec.node_name == new.spec.node_name \
                and old.metadata.labels is new.metadata.labels:
            return spread
    if was:
        assert old is not None
        spread = spread.add(old.metadata.namespace or "", old.metadata.labels,
                            old.spec.node_name or "", -1)
    if now:
        assert new is not None
        spread = spread.add(new.metadata.namespace or "", new.metadata.labels,
                            new.spec.node_name or "", 1)
    return spread


def recompute(pods: Iterable[Pod], node_objects: Iterable[Any] = ()) -> SchedulerCache:
    """The cache built from scratch from every pod, by plain sums (not by `update`): what the
    incremental one must equal at every state."""
    infos: dict[PodKey, PodInfo] = {}
    sums: dict[str, dict[str, Any]] = {}
    affinity: dict[PodKey, str] = {}
    anti: dict[PodKey, str] = {}
    groups: dict[GroupKey, dict[str, int]] = {}
    for pod in pods:
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        info = infos[key] = pod_info(pod)
        if not holds_node(pod):
            continue
        node = pod.spec.node_name or ""
        s = sums.setdefault(node, {"pods": 0, "milli_cpu": 0, "memory": 0,
                                   "ephemeral_storage": 0, "non0_cpu": 0, "non0_mem": 0,
                                   "pods_with_affinity": 0,
                                   "pods_with_required_anti_affinity": 0,
                                   "scalars": {}, "used_ports": {}})
        s["pods"] += 1
        for name in ("milli_cpu", "memory", "ephemeral_storage", "non0_cpu", "non0_mem"):
            s[name] += getattr(info, name)
        for name, value in info.scalars:
            s["scalars"][name] = s["scalars"].get(name, 0) + value
        for port in info.host_ports:
            s["used_ports"][port] = s["used_ports"].get(port, 0) + 1
        if info.with_affinity:
            s["pods_with_affinity"] += 1
            affinity[key] = node
        if info.with_required_anti_affinity:
            s["pods_with_required_anti_affinity"] += 1
            anti[key] = node
        if counts_for_spread(pod):
            nodes = groups.setdefault((key[0], pod.metadata.labels), {})
            nodes[node] = nodes.get(node, 0) + 1
    allocations = {}
    for node, s in sums.items():
        scalars = Map({k: v for k, v in s.pop("scalars").items() if v})
        allocation = NodeAllocation(scalars=scalars, used_ports=Map(s.pop("used_ports")), **s)
        if allocation != ZERO:
            allocations[node] = allocation
    by_label: dict[tuple[str, str, str], dict[GroupKey, None]] = {}
    for group in groups:
        for label, value in group[1].items():
            by_label.setdefault((group[0], label, value), {})[group] = None
    spread = SpreadCounts(Map({g: Map(n) for g, n in groups.items()}),
                          Map({k: Map(v.items()) for k, v in by_label.items()}))
    node_objects = list(node_objects)
    allocatable = Map({n.metadata.name: allocatable_of(n) for n in node_objects})
    labels = Map({n.metadata.name: Map(dict(n.metadata.labels)) for n in node_objects})
    return SchedulerCache(Map(infos), Map(allocations), Map(affinity), Map(anti), spread,
                          allocatable, labels)


def iter_nodes(pods: Mapping[PodKey, str]) -> Iterator[str]:
    """The distinct nodes of a pod -> node map, in first-seen order."""
    return iter(dict.fromkeys(pods.values()))
