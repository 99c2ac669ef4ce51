"""The PodTopologySpread plugin: PreFilter/Filter for DoNotSchedule constraints, PreScore/
Score/NormalizeScore for ScheduleAnyway ones.

Models (v1.34): pkg/scheduler/framework/plugins/podtopologyspread/common.go
(topologySpreadConstraint.matchNodeInclusionPolicies, buildDefaultConstraints,
nodeLabelsMatchSpreadConstraints, filterTopologySpreadConstraints, mergeLabelSetWithSelector,
countPodsMatchSelector), filtering.go (preFilterState.minMatchNum, criticalPaths.update,
PreFilter, AddPod, RemovePod, updateWithPod, calPreFilterState, Filter), scoring.go
(initPreScoreState, PreScore, Score, NormalizeScore, topologyNormalizingWeight,
scoreForCount), plugin.go (systemDefaultConstraints, New, getConstraints).
Simplifies:
- Feature gates at their v1.34 defaults: minDomains, nodeAffinityPolicy/nodeTaintsPolicy and
  matchLabelKeys are always honoured.
- Args are validated no further than their shape; the state is immutable, so AddPod/RemovePod
  return a new CycleState instead of updating one in place.
- EventsToRegister / queueing hints are not modelled.
Covered by: tests/test_scheduler_topology_spread.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from immutables import Map
from pyrsistent import PMap, pmap

from kubefold.core.cluster import Cluster
from kubefold.core.labels import Selector, matches_nothing, selector_from_set
from kubefold.core.objects import Node, Pod
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    OK,
    SKIP,
    CycleState,
    NodeInfo,
    NodeScore,
    PreFilterResult,
    Snapshot,
    Status,
    unschedulable,
)
from kubefold.reducers.scheduler.helpers import (
    default_selector,
    do_not_schedule_taints_filter,
    find_matching_untolerated_taint,
    required_node_affinity_match,
    selector_from_raw,
)

NAME = "PodTopologySpread"

ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"

LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"
DO_NOT_SCHEDULE = "DoNotSchedule"
SCHEDULE_ANYWAY = "ScheduleAnyway"
HONOR = "Honor"
IGNORE = "Ignore"
MAX_INT32 = 2**31 - 1

SYSTEM_DEFAULT_CONSTRAINTS: tuple[Mapping[str, Any], ...] = (
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": SCHEDULE_ANYWAY, "maxSkew": 3},
    {"topologyKey": LABEL_TOPOLOGY_ZONE, "whenUnsatisfiable": SCHEDULE_ANYWAY, "maxSkew": 5},
)

PRE_FILTER_STATE_KEY = "PreFilter" + NAME
PRE_SCORE_STATE_KEY = "PreScore" + NAME
INVALID_SCORE = -1


# --- common.go --------------------------------------------------------------------------------


@attrs.frozen
class TopologySpreadConstraint:
    """topologySpreadConstraint: a v1.TopologySpreadConstraint with its selector parsed."""

    max_skew: int
    topology_key: str
    selector: Selector
    min_domains: int = 1
    node_affinity_policy: str = HONOR
    node_taints_policy: str = IGNORE

    def with_selector(self, selector: Selector) -> TopologySpreadConstraint:
        """attrs.evolve(self, selector=selector), without evolve's introspection."""
        return TopologySpreadConstraint(self.max_skew, self.topology_key, selector,
                                        self.min_domains, self.node_affinity_policy,
                                        self.node_taints_policy)

    def includes_every_node(self, pod: Pod) -> bool:
        """Whether match_node_inclusion_policies holds whatever the node: taints ignored, and
        node affinity ignored or the pod without a nodeSelector or required node affinity
        (required_node_affinity_match is then true)."""
        if self.node_taints_policy == HONOR:
            return False
        return self.node_affinity_policy != HONOR or (
            not pod.spec.node_selector and ((pod.spec.affinity or {}).get("nodeAffinity") or {})
            .get("requiredDuringSchedulingIgnoredDuringExecution") is None)

    def match_node_inclusion_policies(self, pod: Pod, node: Node) -> bool:
        """Whether the node counts for this constraint under its inclusion policies."""
        if self.node_affinity_policy == HONOR and not required_node_affinity_match(pod, node):
            return False
        return self.node_taints_policy != HONOR or find_matching_untolerated_taint(
            node.spec.taints, pod.spec.tolerations, do_not_schedule_taints_filter) is None


def node_labels_match_spread_constraints(
    node_labels: Mapping[str, str], constraints: Sequence[TopologySpreadConstraint]
) -> bool:
    """Whether ALL the constraints' topology keys are node labels."""
    return all(c.topology_key in node_labels for c in constraints)


def filter_topology_spread_constraints(
    constraints: Sequence[Mapping[str, Any]], pod_labels: Mapping[str, str], action: str
) -> list[TopologySpreadConstraint]:
    """The constraints whose whenUnsatisfiable is `action`, parsed (ValueError if a selector
    is invalid); matchLabelKeys' pod label values are merged into the selector."""
    result = []
    for c in constraints:
        if c.get("whenUnsatisfiable") != action:
            continue
        selector = selector_from_raw(c.get("labelSelector"))
        match_labels = {k: pod_labels[k] for k in c.get("matchLabelKeys") or ()
                        if k in pod_labels}
        if match_labels:
            selector = merge_label_set_with_selector(match_labels, selector)
        min_domains = c.get("minDomains")
        result.append(TopologySpreadConstraint(
            max_skew=int(c.get("maxSkew") or 0),
            topology_key=c.get("topologyKey") or "",
            selector=selector,
            min_domains=1 if min_domains is None else int(min_domains),
            node_affinity_policy=c.get("nodeAffinityPolicy") or HONOR,
            node_taints_policy=c.get("nodeTaintsPolicy") or IGNORE,
        ))
    return result


# The system default constraints as filter_topology_spread_constraints parses them, per
# whenUnsatisfiable (they have no matchLabelKeys, so the pod's labels do not matter).
_SYSTEM_DEFAULT_PARSED: Mapping[str, tuple[TopologySpreadConstraint, ...]] = {
    action: tuple(filter_topology_spread_constraints(SYSTEM_DEFAULT_CONSTRAINTS, {}, action))
    for action in (DO_NOT_SCHEDULE, SCHEDULE_ANYWAY)}


def merge_label_set_with_selector(match_labels: Mapping[str, str], s: Selector) -> Selector:
    """The set's `k=v` requirements plus the selector's (Nothing stays Nothing)."""
    if matches_nothing(s):
        return s
    return selector_from_set(match_labels).add(*s.requirements)


def count_pods_match_selector(pods: Sequence[Pod], selector: Selector, ns: str) -> int:
    """Non-terminating pods of namespace `ns` the selector matches; 0 for an empty one."""
    if selector.empty():
        return 0
    return sum(1 for p in pods
               if p.metadata.deletion_timestamp is None and p.metadata.namespace == ns
               and selector.matches(p.metadata.labels))


def matching_groups(snapshot: Snapshot, selector: Selector, ns: str) -> list[Any]:
    """The scheduler cache's spread counts (pods per node) of the label sets of namespace
    `ns` that the selector matches: countPodsMatchSelector for every node at once."""
    if selector.empty() or matches_nothing(selector):
        return []
    return snapshot.spread_counts(ns, selector)


def count_on_node(info: NodeInfo, selector: Selector, ns: str, groups: Sequence[Any] | None
                  ) -> int:
    """countPodsMatchSelector on one node: from the cache's counts for a snapshot's NodeInfo,
    by walking the pods for a what-if one."""
    if groups is not None and info.cached:
        name = info.name
        return sum(g.get(name, 0) for g in groups)
    return count_pods_match_selector(info.pods, selector, ns)


# --- filtering.go -----------------------------------------------------------------------------


@attrs.frozen
class CriticalPaths:
    """criticalPaths: the two topology values with (close to) the fewest matching pods;
    `paths[0]` always holds the minimum."""

    paths: tuple[tuple[str, int], tuple[str, int]] = (("", MAX_INT32), ("", MAX_INT32))

    def update(self, tp_val: str, num: int) -> CriticalPaths:
        p0, p1 = self.paths
        if tp_val in (p0[0], p1[0]):
            if tp_val == p0[0]:
                p0 = (tp_val, num)
            else:
                p1 = (tp_val, num)
            if p0[1] > p1[1]:
                p0, p1 = p1, p0
        elif num < p0[1]:
            p0, p1 = (tp_val, num), p0
        elif num < p1[1]:
            p1 = (tp_val, num)
        return CriticalPaths((p0, p1))


@attrs.frozen
class PreFilterState:
    """preFilterState: the hard constraints, their critical paths and matching pods per
    topology value (one entry per constraint)."""

    constraints: tuple[TopologySpreadConstraint, ...] = ()
    critical_paths: tuple[CriticalPaths, ...] = ()
    tp_value_to_match_num: tuple[PMap[str, int], ...] = ()

    def min_match_num(self, constraint_id: int, min_domains: int) -> int:
        """The global minimum for the skew: 0 while fewer than minDomains domains exist."""
        if len(self.tp_value_to_match_num[constraint_id]) < min_domains:
            return 0
        return self.critical_paths[constraint_id].paths[0][1]


@attrs.frozen
class PodTopologySpread:
    """The plugin; `default_constraints` apply to pods without constraints of their own."""

    default_constraints: tuple[Mapping[str, Any], ...] = ()
    system_defaulted: bool = False
    name: str = NAME

    def pre_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot
                   ) -> tuple[CycleState, PreFilterResult | None, Status]:
        try:
            # The snapshot is iterated (each NodeInfo built) only when there are constraints.
            s = self.cal_pre_filter_state(pod, snapshot, snapshot.cluster)
        except ValueError as err:
            return state, None, Status(ERROR, (f"get constraints from pod: {err}",))
        if not s.constraints:
            return state, None, Status(SKIP)
        return state.write(PRE_FILTER_STATE_KEY, s), None, OK

    def add_pod(self, state: CycleState, pod_to_schedule: Pod, pod_to_add: Pod,
                node_info: NodeInfo) -> tuple[CycleState, Status]:
        """PreFilterExtensions.AddPod."""
        return self._update(state, pod_to_schedule, pod_to_add, node_info, 1)

    def remove_pod(self, state: CycleState, pod_to_schedule: Pod, pod_to_remove: Pod,
                   node_info: NodeInfo) -> tuple[CycleState, Status]:
        """PreFilterExtensions.RemovePod."""
        return self._update(state, pod_to_schedule, pod_to_remove, node_info, -1)

    def _update(self, state: CycleState, pod_to_schedule: Pod, pod: Pod, node_info: NodeInfo,
                delta: int) -> tuple[CycleState, Status]:
        s = state.read(PRE_FILTER_STATE_KEY)
        if s is None:
            return state, _not_found(PRE_FILTER_STATE_KEY)
        s = update_with_pod(s, pod, pod_to_schedule, node_info.node, delta)
        return state.write(PRE_FILTER_STATE_KEY, s), OK

    def get_constraints(self, pod: Pod, cluster: Cluster) -> list[TopologySpreadConstraint]:
        """The pod's hard constraints, or the default ones when it declares none."""
        if pod.spec.topology_spread_constraints:
            return filter_topology_spread_constraints(
                pod.spec.topology_spread_constraints, pod.metadata.labels, DO_NOT_SCHEDULE)
        return self.build_default_constraints(pod, cluster, DO_NOT_SCHEDULE)

    def build_default_constraints(self, pod: Pod, cluster: Cluster, action: str
                                  ) -> list[TopologySpreadConstraint]:
        """The default constraints for `action`, selecting what the pod's Services and
        controller select; none when that selector is empty."""
        constraints: Sequence[TopologySpreadConstraint]
        if self.default_constraints is SYSTEM_DEFAULT_CONSTRAINTS:  # parsed once: no labels
            constraints = _SYSTEM_DEFAULT_PARSED[action]
        else:
            constraints = filter_topology_spread_constraints(
                self.default_constraints, pod.metadata.labels, action)
        if not constraints:
            return []
        selector = default_selector(pod, cluster)
        if selector.empty():
            return []
        return [c.with_selector(selector) for c in constraints]

    def cal_pre_filter_state(self, pod: Pod, all_nodes: Iterable[NodeInfo],
                             cluster: Cluster) -> PreFilterState:
        """Count the matching pods per topology value over the nodes that count."""
        constraints = self.get_constraints(pod, cluster)
        if not constraints:
            return PreFilterState()
        counts: list[dict[str, int]] = [{} for _ in constraints]
        ns = pod.metadata.namespace or ""
        groups = [matching_groups(all_nodes, c.selector, ns)
                  if isinstance(all_nodes, Snapshot) else None for c in constraints]
        for info in all_nodes:
            node = info.node
            if not node_labels_match_spread_constraints(info.labels, constraints):
                continue
            for i, c in enumerate(constraints):
                if not c.match_node_inclusion_policies(pod, node):
                    continue
                value = info.labels[c.topology_key]
                count = count_on_node(info, c.selector, ns, groups[i])
                counts[i][value] = counts[i].get(value, 0) + count
        paths = []
        for tp_counts in counts:
            p = CriticalPaths()
            for value, num in tp_counts.items():
                p = p.update(value, num)
            paths.append(p)
        return PreFilterState(tuple(constraints), tuple(paths),
                              tuple(pmap(c) for c in counts))

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        s: PreFilterState | None = state.read(PRE_FILTER_STATE_KEY)
        if s is None:
            return _not_found(PRE_FILTER_STATE_KEY)
        if not s.constraints:
            return OK
        node_labels = node_info.labels
        for i, c in enumerate(s.constraints):
            tp_val = node_labels.get(c.topology_key)
            if tp_val is None:
                return unschedulable(ERR_REASON_NODE_LABEL_NOT_MATCH, unresolvable=True)
            min_match_num = s.min_match_num(i, c.min_domains)
            self_match_num = 1 if c.selector.matches(pod.metadata.labels) else 0
            match_num = s.tp_value_to_match_num[i].get(tp_val, 0)
            if match_num + self_match_num - min_match_num > c.max_skew:
                return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return OK

    # --- scoring.go ---------------------------------------------------------------------------

    def init_pre_score_state(self, pod: Pod, filtered_nodes: Sequence[NodeInfo],
                             require_all_topologies: bool, cluster: Cluster) -> PreScoreState:
        """The soft constraints, the nodes to ignore, a zeroed count per topology value of
        the filtered nodes (hostname excepted) and each constraint's normalizing weight."""
        if pod.spec.topology_spread_constraints:
            constraints = filter_topology_spread_constraints(
                pod.spec.topology_spread_constraints, pod.metadata.labels, SCHEDULE_ANYWAY)
        else:
            constraints = self.build_default_constraints(pod, cluster, SCHEDULE_ANYWAY)
        if not constraints:
            return PreScoreState()
        ignored: set[str] = set()
        if require_all_topologies:
            ignored = {info.name for info in filtered_nodes
                       if not node_labels_match_spread_constraints(info.labels, constraints)}
        counted = [info for info in filtered_nodes if info.name not in ignored] if ignored \
            else filtered_nodes
        # The topology values of the counted nodes, zeroed (in node order), but for hostname.
        counts: list[dict[str, int]] = [
            {} if c.topology_key == LABEL_HOSTNAME else
            dict.fromkeys([info.labels.get(c.topology_key, "") for info in counted], 0)
            for c in constraints]
        weights = []
        for i, c in enumerate(constraints):
            size = len(counts[i])
            if c.topology_key == LABEL_HOSTNAME:
                size = len(filtered_nodes) - len(ignored)
            weights.append(topology_normalizing_weight(size))
        return PreScoreState(tuple(constraints), frozenset(ignored),
                             tuple(Map(c) for c in counts), tuple(weights))

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        if len(snapshot) == 0:
            return state, Status(SKIP)
        require_all = bool(pod.spec.topology_spread_constraints) or not self.system_defaulted
        try:
            s = self.init_pre_score_state(pod, nodes, require_all, snapshot.cluster)
        except ValueError as err:
            return state, Status(ERROR, (f"calculating preScoreState: {err}",))
        if not s.constraints:
            return state, Status(SKIP)
        counts = [dict(c) for c in s.topology_value_to_pod_counts]
        ns = pod.metadata.namespace or ""
        groups = tuple(matching_groups(snapshot, c.selector, ns) for c in s.constraints)
        # Only the nodes holding matching pods are read (the cache's spread counts): the
        # others add 0 to their domain, so a cycle costs what the selector matches.
        for i, c in enumerate(s.constraints):
            if not counts[i]:
                continue  # the hostname constraint: Score counts on the node itself
            per_node: Mapping[str, int]
            if len(groups[i]) == 1:
                per_node = groups[i][0]
            else:
                per_node = {}
                for group in groups[i]:
                    for name, n in group.items():
                        per_node[name] = per_node.get(name, 0) + n  # type: ignore[index]
            every_node = c.includes_every_node(pod)
            key = c.topology_key
            tp_counts = counts[i]
            labels_of = snapshot.node_labels
            for name, n in per_node.items():
                node_labels = labels_of(name)
                if node_labels is None:
                    continue  # no such node
                if require_all and not node_labels_match_spread_constraints(
                        node_labels, s.constraints):
                    continue
                if not every_node:
                    info = snapshot.get(name)
                    if info is None or not c.match_node_inclusion_policies(pod, info.node):
                        continue
                value = node_labels.get(key, "")
                if value in tp_counts:
                    tp_counts[value] += n
        s = attrs.evolve(s, topology_value_to_pod_counts=tuple(Map(c) for c in counts),
                         matching=groups)
        return state.write(PRE_SCORE_STATE_KEY, s), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return 0, _not_found(PRE_SCORE_STATE_KEY, "error reading")
        return _score_node(s, pod.metadata.namespace or "", node_info), OK

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                    ) -> tuple[list[int], Status]:
        """`score` for each node."""
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return [], _not_found(PRE_SCORE_STATE_KEY, "error reading")
        return score_nodes(s, pod.metadata.namespace or "", nodes), OK

    def normalize_score(self, state: CycleState, pod: Pod, scores: list[NodeScore]
                        ) -> tuple[list[NodeScore], Status]:
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return scores, _not_found(PRE_SCORE_STATE_KEY, "error reading")
        values = _normalize(s, [ns.name for ns in scores], [ns.score for ns in scores])
        return [NodeScore(ns.name, v) for ns, v in zip(scores, values, strict=True)], OK

    def normalize_values(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo],
                         values: Sequence[int]) -> tuple[list[int], Status]:
        """`normalize_score` on the scores of `nodes`, in order."""
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return list(values), _not_found(PRE_SCORE_STATE_KEY, "error reading")
        return _normalize(s, [info.name for info in nodes], values), OK


def _normalize(s: PreScoreState, names: Sequence[str], values: Sequence[int]) -> list[int]:
    """NormalizeScore: ignored nodes 0; the others MaxNodeScore * (max + min - score) / max
    (all MaxNodeScore when the maximum is 0)."""
    ignored = s.ignored_nodes
    valid = [v for name, v in zip(names, values, strict=True) if name not in ignored] \
        if ignored else values
    min_score = min(valid, default=2**63 - 1)
    max_score = max(0, max(valid, default=0))
    if not ignored:  # the same, for a window without ignored nodes, in one pass
        if max_score == 0:
            return [MAX_NODE_SCORE] * len(values)
        return [MAX_NODE_SCORE * (max_score + min_score - v) // max_score for v in values]
    out = []
    for name, v in zip(names, values, strict=True):
        if name in ignored:
            out.append(0)
        elif max_score == 0:
            out.append(MAX_NODE_SCORE)
        else:
            out.append(MAX_NODE_SCORE * (max_score + min_score - v) // max_score)
    return out


def _score_node(s: PreScoreState, ns: str, node_info: NodeInfo) -> int:
    """Score for one node: per soft constraint, the matching pods in the node's domain (on
    the node itself for the hostname key) weighted, plus maxSkew - 1; rounded."""
    return score_nodes(s, ns, (node_info,))[0]


def score_nodes(s: PreScoreState, ns: str, nodes: Sequence[NodeInfo]) -> list[int]:
    """_score_node for each node, a column per constraint: the same float additions, in the
    same order, as node by node."""
    names = [info.name for info in nodes]
    node_labels = [info.labels for info in nodes]
    all_cached = all([info.cached for info in nodes])
    totals = [0.0] * len(nodes)
    for i, c in enumerate(s.constraints):
        key = c.topology_key
        tp_vals = [labels.get(key) for labels in node_labels]
        weight, skew = s.topology_normalizing_weight[i], float(c.max_skew - 1)
        # score_for_count inlined: the node's domain's count (its own for hostname) * weight
        # + maxSkew - 1, added for the nodes that have the key (an int times the float weight
        # is float(cnt) * weight)
        if key == LABEL_HOSTNAME:
            groups = s.matching[i] if s.matching else None
            if groups is not None and all_cached and len(groups) == 1:  # the usual case
                g = groups[0]
                totals = [t if v is None else t + (g.get(name, 0) * weight + skew)
                          for t, v, name in zip(totals, tp_vals, names, strict=True)]
                continue
            if groups is not None and all_cached:  # count_on_node, from the cache's counts
                cnts = [0] * len(names)
                for g in groups:
                    cnts = [n + g.get(name, 0) for n, name in zip(cnts, names, strict=True)]
            else:
                cnts = [count_on_node(info, c.selector, ns, groups) for info in nodes]
            totals = [t if v is None else t + (float(cnt) * weight + skew)
                      for t, v, cnt in zip(totals, tp_vals, cnts, strict=True)]
        else:
            tp_counts = s.topology_value_to_pod_counts[i]
            totals = [t if v is None else t + (tp_counts.get(v, 0) * weight + skew)
                      for t, v in zip(totals, tp_vals, strict=True)]
    ignored = s.ignored_nodes
    if not ignored:
        return [int(t + 0.5) if t >= 0 else _go_round(t) for t in totals]
    return [0 if name in ignored else int(t + 0.5) if t >= 0 else _go_round(t)
            for name, t in zip(names, totals, strict=True)]


def update_with_pod(s: PreFilterState, updated_pod: Pod, preemptor_pod: Pod,
                    node: Node | None, delta: int) -> PreFilterState:
    """The state with `updated_pod` added to (delta 1) or removed from (-1) `node`."""
    if node is None or updated_pod.metadata.namespace != preemptor_pod.metadata.namespace:
        return s
    if not node_labels_match_spread_constraints(node.metadata.labels, s.constraints):
        return s
    counts = list(s.tp_value_to_match_num)
    paths = list(s.critical_paths)
    for i, c in enumerate(s.constraints):
        if not c.selector.matches(updated_pod.metadata.labels):
            continue
        if not c.match_node_inclusion_policies(preemptor_pod, node):
            continue
        v = node.metadata.labels[c.topology_key]
        counts[i] = counts[i].set(v, counts[i].get(v, 0) + delta)
        paths[i] = paths[i].update(v, counts[i][v])
    return attrs.evolve(s, critical_paths=tuple(paths), tp_value_to_match_num=tuple(counts))


@attrs.frozen
class PreScoreState:
    """preScoreState: the soft constraints, the nodes missing a topology key, the matching
    pods per topology value (filled in by PreScore) and the normalizing weights."""

    constraints: tuple[TopologySpreadConstraint, ...] = ()
    ignored_nodes: frozenset[str] = frozenset()
    topology_value_to_pod_counts: tuple[Mapping[str, int], ...] = ()
    topology_normalizing_weight: tuple[float, ...] = ()
    matching: tuple[Sequence[Any], ...] = ()  # per constraint, the cache's counts it matches


def topology_normalizing_weight(size: int) -> float:
    """log(size + 2): smaller topologies' counts weigh more."""
    return math.log(size + 2)


def score_for_count(cnt: int, max_skew: int, tp_weight: float) -> float:
    """cnt * weight + (maxSkew - 1): maxSkew waters down the differences between domains."""
    return float(cnt) * tp_weight + float(max_skew - 1)


def _go_round(x: float) -> int:
    """math.Round: half away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _not_found(key: str, verb: str = "reading") -> Status:
    return Status(ERROR, (f'{verb} "{key}" from cycleState: not found',))


# --- plugin.go --------------------------------------------------------------------------------


def new(args: Mapping[str, Any]) -> PodTopologySpread:
    """New from PodTopologySpreadArgs (`defaultConstraints`, `defaultingType` System|List;
    System when unset, as the v1 config defaults it)."""
    if (args.get("defaultingType") or "System") == "System":
        return PodTopologySpread(SYSTEM_DEFAULT_CONSTRAINTS, system_defaulted=True)
    return PodTopologySpread(tuple(args.get("defaultConstraints") or ()))

