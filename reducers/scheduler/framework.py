"""The scheduling framework's values: statuses, node infos, cycle state, the plugin contract.

Plugins are plain objects with a `name` and any of the extension-point methods below; a plugin
module exposes `new(args: Mapping[str, Any]) -> plugin` to build one from its
KubeSchedulerConfiguration args. Everything here is pure: a cycle reads a `Snapshot` of the
cluster and returns values; nothing is mutated.

Extension points (methods a plugin may define; `state` is the `CycleState` of this cycle):
- `pre_filter(state, pod, snapshot) -> (state, PreFilterResult | None, Status)`
- `filter(state, pod, node_info) -> Status`
- `filter_nodes(state, pod, nodes: Sequence[NodeInfo]) -> list[Status]` (kubefold's batch
  form: the Filter of each node, exactly as `filter` would say; the cycle calls it when a
  plugin has it, so a window of nodes costs one call per plugin)
- `post_filter(state, pod, snapshot, statuses: Mapping[str, Status])
  -> (PostFilterResult | None, Status)`
- `pre_score(state, pod, snapshot, nodes: Sequence[NodeInfo]) -> (state, Status)`
- `score(state, pod, node_info) -> (int, Status)`
- `score_nodes(state, pod, nodes) -> (list[int], Status)` (the batch form of `score`)
- `normalize_score(state, pod, scores: list[NodeScore]) -> (list[NodeScore], Status)`
- `normalize_values(state, pod, nodes, values: Sequence[int]) -> (list[int], Status)` (the
  same on plain scores, in node order)
- `less(pod_a, pod_b) -> bool` (QueueSort)

Models: pkg/scheduler/framework/interface.go, types.go (NodeInfo, Resource, HostPortInfo,
ImageStateSummary), cycle_state.go, and k8s.io/kube-scheduler/framework Status codes (v1.34).
A NodeInfo reads what kube-scheduler's cache keeps (requested and non-zero requested
resources, pod count, used ports, allocatable, labels) from the cluster's scheduler cache
(core/nodeinfo.py), kept by the writes themselves: a cycle pays O(1) per node it examines.
Simplifies: no Permit/Wait, no extenders, no volume plugins; the cycle is sequential.
Covered by: tests/test_scheduler_*.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, NamedTuple

import attrs
from immutables import Map

from kubefold.core.cluster import Cluster, allocation_as_resource_list
from kubefold.core.nodeinfo import (
    ZERO,
    Allocatable,
    NodeAllocation,
    PodInfo,
    allocatable_of,
    pod_info,
)
from kubefold.core.objects import Node, Pod, ResourceList
from kubefold.core.resources import TERMINAL_PHASES

# Status codes (fwk.Code)
SUCCESS = 0
ERROR = 1
UNSCHEDULABLE = 2
UNSCHEDULABLE_AND_UNRESOLVABLE = 3
WAIT = 4
SKIP = 5
PENDING = 6

MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0


@attrs.frozen
class Status:
    """fwk.Status: a code, the reasons shown to users, and the plugin that returned it."""

    code: int = SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    def is_success(self) -> bool:
        return self.code == SUCCESS

    def is_skip(self) -> bool:
        return self.code == SKIP

    def is_rejected(self) -> bool:
        """Unschedulable, UnschedulableAndUnresolvable or Pending."""
        return self.code in (UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE, PENDING)

    def message(self) -> str:
        return ", ".join(self.reasons)

    def with_plugin(self, plugin: str) -> Status:
        return self if self.plugin else attrs.evolve(self, plugin=plugin)


OK = Status()


def unschedulable(*reasons: str, unresolvable: bool = False) -> Status:
    code = UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else UNSCHEDULABLE
    return Status(code, tuple(reasons))


class NodeScore(NamedTuple):
    name: str
    score: int


@attrs.frozen
class PreFilterResult:
    """The nodes PreFilter allows (None means all)."""

    node_names: frozenset[str] | None = None


@attrs.frozen
class PostFilterResult:
    """The node to nominate (None: leave the pod's nomination; "": clear it) and, when the
    plugin wrote through the API server (preemption's victims), the cluster after its writes:
    kubefold's stand-in for the clientset of Go's framework handle."""

    nominated_node_name: str | None = None
    cluster: Any = None


# The CycleState key under which a cycle lends its PostFilter plugins the framework handle
# (Go's fwk.Handle given to plugins at construction): the Profile whose PreFilter extensions
# and Filter plugins preemption runs again.
HANDLE_STATE_KEY = "kubefold/framework-handle"


@attrs.frozen
class CycleState:
    """Data plugins pass from one extension point to the next within one cycle."""

    data: Map[str, Any] = Map()
    skip_filter_plugins: frozenset[str] = frozenset()
    skip_score_plugins: frozenset[str] = frozenset()

    def read(self, key: str) -> Any:
        return self.data.get(key)

    def write(self, key: str, value: Any) -> CycleState:
        return CycleState(self.data.set(key, value), self.skip_filter_plugins,
                          self.skip_score_plugins)

    def with_skip_filter_plugins(self, plugins: frozenset[str]) -> CycleState:
        return CycleState(self.data, plugins, self.skip_score_plugins)

    def with_skip_score_plugins(self, plugins: frozenset[str]) -> CycleState:
        return CycleState(self.data, self.skip_filter_plugins, plugins)


class NodeInfo:
    """What the scheduler knows of one node: the node, the sums the cluster's scheduler cache
    keeps for it (`allocation`: requested and non-zero requested resources, pod count, used
    host ports, pods with affinity) and the pods on it (terminal ones left out), read from
    the cluster only when a plugin asks for them.

    A NodeInfo built by a Snapshot is `cached`: its allocation and pods are the cluster's,
    so plugins may read counts from the cluster's indices instead of walking `pods`. One built
    with explicit pods (preemption's what-ifs) is not."""

    __slots__ = ("node", "allocation", "name", "allocatable_resource", "labels", "cached",
                 "_pods", "_cluster")

    node: Node
    allocation: NodeAllocation
    name: str
    allocatable_resource: Allocatable  # NodeInfo.Allocatable in integers
    labels: Map[str, str]  # the node's labels as a fast map
    cached: bool  # whether this is the cluster's view of the node (no what-if pods)

    def __init__(self, node: Node, pods: tuple[Pod, ...] | None = None,
                 allocation: NodeAllocation | None = None, cluster: Cluster | None = None,
                 allocatable: Allocatable | None = None) -> None:
        if allocation is None:
            allocation = ZERO
            for pod in pods or ():
                allocation = allocation.add(pod_info(pod))
        name = node.metadata.name or ""
        sched = None if cluster is None else cluster.sched
        if allocatable is None:
            allocatable = None if sched is None else sched.allocatable.get(name)
            if allocatable is None:
                allocatable = allocatable_of(node)
        labels = None if sched is None else sched.node_labels.get(name)
        self.node = node
        self.allocation = allocation
        self.name = name
        self.allocatable_resource = allocatable
        self.labels = labels if labels is not None else Map(dict(node.metadata.labels))
        self.cached = cluster is not None
        self._pods = pods
        self._cluster = cluster

    @classmethod
    def of_cache(cls, node: Node, cluster: Cluster) -> NodeInfo:
        """NodeInfo(node, None, cluster.allocation(name), cluster), read straight from the
        cluster's scheduler cache (a Snapshot builds one per node it examines)."""
        info = cls.__new__(cls)
        sched = cluster.sched
        name = info.name = node.metadata.name or ""
        info.node = node
        info.allocation = sched.allocations.get(name, ZERO)
        allocatable = sched.allocatable.get(name)
        info.allocatable_resource = allocatable if allocatable is not None else \
            allocatable_of(node)
        labels = sched.node_labels.get(name)
        info.labels = labels if labels is not None else Map(dict(node.metadata.labels))
        info.cached = True
        info._pods = None
        info._cluster = cluster
        return info

    @property
    def allocatable(self) -> ResourceList:
        return self.node.status.allocatable

    @property
    def pods(self) -> tuple[Pod, ...]:
        if self._pods is None:
            assert self._cluster is not None
            self._pods = tuple(p for p in self._cluster.pods_on_node(self.name)
                               if p.status.phase not in TERMINAL_PHASES)
        return self._pods


    @property
    def requested(self) -> ResourceList:
        """The pods' requests as quantities ("pods" their count)."""
        return allocation_as_resource_list(self.allocation)

    def with_pods(self, pods: tuple[Pod, ...], allocation: NodeAllocation) -> NodeInfo:
        """A what-if copy holding other pods (preemption's AddPod/RemovePod)."""
        return NodeInfo(self.node, pods, allocation, None, self.allocatable_resource)


class Snapshot:
    """A cycle's read-only view of the cluster: nodes in the scheduler's order and NodeInfos
    built on demand (each node at most once per cycle), so a cycle that examines k nodes costs
    O(k) however many nodes the cluster has."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._infos: dict[str, NodeInfo] = {}
        self._spread: dict[tuple[str, Any], list[Any]] = {}

    @cached_property
    def node_names(self) -> Sequence[str]:
        return self.cluster.node_names()

    def __len__(self) -> int:
        return len(self.node_names)

    def get(self, name: str) -> NodeInfo | None:
        info = self._infos.get(name)
        if info is None:
            node = self.cluster.get("Node", "", name)
            if node is None:
                return None
            info = NodeInfo.of_cache(node, self.cluster)
            self._infos[name] = info
        return info

    def get_many(self, names: Iterable[str]) -> list[NodeInfo]:
        """`get` for each of `names` but those that are not nodes, in order (a window)."""
        infos = self._infos
        cluster = self.cluster
        nodes = self._nodes
        out = []
        for name in names:
            info = infos.get(name)
            if info is None:
                node = nodes.get(name)
                if node is None:
                    continue
                info = infos[name] = NodeInfo.of_cache(node, cluster)
            out.append(info)
        return out

    @cached_property
    def _nodes(self) -> Mapping[str, Node]:
        """The cluster's Nodes by name (cluster.get("Node", "", name) for each name)."""
        return self.cluster.objects.get("Node", Map()).get("", Map())  # type: ignore[return-value]

    def node_labels(self, name: str) -> Map[str, str] | None:
        """The node's labels (NodeInfo.labels) without building its NodeInfo; None when there
        is no such node."""
        info = self._infos.get(name)
        if info is not None:
            return info.labels
        if self.cluster.get("Node", "", name) is None:
            return None
        labels = self.cluster.sched.node_labels.get(name)
        return labels if labels is not None else self.get(name).labels  # type: ignore[union-attr]

    def __iter__(self) -> Iterator[NodeInfo]:
        for name in self.node_names:
            info = self.get(name)
            if info is not None:
                yield info

    def pod_info(self, pod: Pod) -> PodInfo:
        """The pod's PodInfo: the cluster's cached one when `pod` is the stored pod."""
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if self.cluster.get("Pod", *key) is pod:
            cached = self.cluster.sched.pod_infos.get(key)
            if cached is not None:
                return cached
        return pod_info(pod)

    def spread_counts(self, namespace: str, selector: Any) -> list[Any]:
        """Per (namespace, labels) group that `selector` matches, its pods per node (the pods
        PodTopologySpread counts), from the cluster's index; memoized for the cycle."""
        key = (namespace, selector)
        found = self._spread.get(key)
        if found is None:
            found = self._spread[key] = self.cluster.sched.spread.matching(namespace, selector)
        return found

    def nodes_hosting(self, pods: Mapping[tuple[str, str], str]) -> Iterator[NodeInfo]:
        """The NodeInfos of the nodes holding the given pods (pod -> node), in first-seen
        order."""
        for name in dict.fromkeys(pods.values()):
            info = self.get(name)
            if info is not None:
                yield info


class NodeToStatus(Mapping[str, Status]):
    """framework.NodeToStatus: the statuses of the nodes a cycle rejected, and one status for
    every node not listed (those PreFilter ruled out). Iterating yields the listed nodes;
    `[name]` and `get(name)` answer Go's Get: the listed status, else the absent nodes' one."""

    def __init__(self, statuses: Mapping[str, Status] | None = None,
                 absent_nodes_status: Status = Status(UNSCHEDULABLE_AND_UNRESOLVABLE)) -> None:
        self._statuses = dict(statuses or {})
        self.absent_nodes_status = absent_nodes_status

    def __getitem__(self, name: str) -> Status:
        return self._statuses.get(name, self.absent_nodes_status)

    def get(self, name: str, default: Any = None) -> Status:  # type: ignore[override]
        return self[name]

    def __contains__(self, name: object) -> bool:
        return name in self._statuses

    def __iter__(self) -> Iterator[str]:
        return iter(self._statuses)

    def __len__(self) -> int:
        return len(self._statuses)

    def set(self, name: str, status: Status) -> None:
        self._statuses[name] = status
