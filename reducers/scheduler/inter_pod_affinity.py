"""The InterPodAffinity plugin: required pod affinity and anti-affinity (both the incoming
pod's and, symmetrically, the existing pods' anti-affinity) at PreFilter/Filter, preferred terms
(and existing pods' required affinity, at hardPodAffinityWeight) at PreScore/Score.

Models (v1.34): pkg/scheduler/framework/plugins/interpodaffinity/filtering.go (preFilterState,
updateWithPod, topologyToMatchedTermCount.update/updateWithAffinityTerms/
updateWithAntiAffinityTerms, podMatchesAllAffinityTerms, getExistingAntiAffinityCounts,
getIncomingAffinityAntiAffinityCounts, PreFilter, AddPod, RemovePod,
satisfyExistingPodsAntiAffinity, satisfyPodAntiAffinity, satisfyPodAffinity, Filter),
scoring.go (scoreMap.processTerm/processTerms/append, processExistingPod, PreScore, Score,
NormalizeScore), plugin.go (New, mergeAffinityTermNamespacesIfNotEmpty,
GetNamespaceLabelsSnapshot) and framework/types.go (AffinityTerm, AffinityTerm.Matches,
newAffinityTerm, getNamespacesFromPodAffinityTerm, PodInfo's parsed terms,
NodeInfo.PodsWithAffinity / PodsWithRequiredAntiAffinity).
Simplifies:
- matchLabelKeys / mismatchLabelKeys are not read: in v1.34 the API server merges them into
  the label selector when the pod is created.
- A pod whose terms fail to parse is rejected at PreFilter with "parsing pod: <error>"; an
  existing pod's terms of a kind that fails to parse are dropped (as Go's PodInfo does).
- The state is immutable: AddPod/RemovePod return a new CycleState.
Covered by: tests/test_scheduler_interpod_affinity.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.cluster import Cluster
from kubefold.core.labels import NOTHING, Selector
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
from kubefold.reducers.scheduler.helpers import selector_from_raw

NAME = "InterPodAffinity"

PRE_FILTER_STATE_KEY = "PreFilter" + NAME
PRE_SCORE_STATE_KEY = "PreScore" + NAME

ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = \
    "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules"

DEFAULT_HARD_POD_AFFINITY_WEIGHT = 1

TopologyPair = tuple[str, str]
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


# --- framework/types.go: the parsed terms -----------------------------------------------------


@attrs.frozen
class AffinityTerm:
    """framework.AffinityTerm: a PodAffinityTerm with its selectors parsed."""

    namespaces: frozenset[str]
    selector: Selector
    topology_key: str
    namespace_selector: Selector

    def matches(self, pod: Pod, ns_labels: Mapping[str, str] | None) -> bool:
        """Whether the pod's namespace is selected and its labels match the selector."""
        if (pod.metadata.namespace or "") in self.namespaces or \
                self.namespace_selector.matches(ns_labels or {}):
            return self.selector.matches(pod.metadata.labels)
        return False


@attrs.frozen
class WeightedAffinityTerm:
    term: AffinityTerm
    weight: int


@attrs.frozen
class PodTerms:
    """The (anti-)affinity terms of a pod, parsed as framework.PodInfo holds them."""

    required_affinity: tuple[AffinityTerm, ...] = ()
    required_anti_affinity: tuple[AffinityTerm, ...] = ()
    preferred_affinity: tuple[WeightedAffinityTerm, ...] = ()
    preferred_anti_affinity: tuple[WeightedAffinityTerm, ...] = ()


def get_namespaces_from_pod_affinity_term(pod: Pod, term: Mapping[str, Any]) -> frozenset[str]:
    """The term's namespaces; the pod's own when it names none and has no selector."""
    if not term.get("namespaces") and term.get("namespaceSelector") is None:
        return frozenset({pod.metadata.namespace or ""})
    return frozenset(term.get("namespaces") or ())


def new_affinity_term(pod: Pod, term: Mapping[str, Any]) -> AffinityTerm:
    """newAffinityTerm; ValueError when a selector is invalid."""
    return AffinityTerm(
        namespaces=get_namespaces_from_pod_affinity_term(pod, term),
        selector=selector_from_raw(term.get("labelSelector")),
        topology_key=term.get("topologyKey") or "",
        namespace_selector=selector_from_raw(term.get("namespaceSelector")),
    )


def _kind_terms(pod: Pod, kind: str, when: str) -> Sequence[Any]:
    affinity = pod.spec.affinity or {}
    return (affinity.get(kind) or {}).get(when) or ()


def get_affinity_terms(pod: Pod, kind: str) -> tuple[AffinityTerm, ...]:
    return tuple(new_affinity_term(pod, t) for t in _kind_terms(pod, kind, REQUIRED))


def get_weighted_affinity_terms(pod: Pod, kind: str) -> tuple[WeightedAffinityTerm, ...]:
    return tuple(WeightedAffinityTerm(new_affinity_term(pod, t.get("podAffinityTerm") or {}),
                                      int(t.get("weight") or 0))
                 for t in _kind_terms(pod, kind, PREFERRED))


def pod_terms(pod: Pod, strict: bool = True) -> PodTerms:
    """PodInfo.Update's parse of the terms: with `strict`, ValueError on the first invalid
    kind; otherwise a kind that fails to parse is left empty."""
    parsers = (
        ("required_affinity", lambda: get_affinity_terms(pod, "podAffinity")),
        ("required_anti_affinity", lambda: get_affinity_terms(pod, "podAntiAffinity")),
        ("preferred_affinity", lambda: get_weighted_affinity_terms(pod, "podAffinity")),
        ("preferred_anti_affinity", lambda: get_weighted_affinity_terms(pod, "podAntiAffinity")),
    )
    parsed: dict[str, Any] = {}
    for field, parse in parsers:
        try:
            parsed[field] = parse()
        except ValueError:
            if strict:
                raise
    return PodTerms(**parsed)


def pod_with_affinity(pod: Pod) -> bool:
    affinity = pod.spec.affinity or {}
    return affinity.get("podAffinity") is not None or \
        affinity.get("podAntiAffinity") is not None


def pod_with_required_anti_affinity(pod: Pod) -> bool:
    return bool(_kind_terms(pod, "podAntiAffinity", REQUIRED))


# --- filtering.go -----------------------------------------------------------------------------


@attrs.frozen
class PreFilterState:
    """preFilterState: per topology pair, the existing pods whose anti-affinity matches the
    incoming pod, and the existing pods matching the incoming pod's (anti-)affinity."""

    existing_anti_affinity_counts: PMap[TopologyPair, int]
    affinity_counts: PMap[TopologyPair, int]
    anti_affinity_counts: PMap[TopologyPair, int]
    pod: Pod
    terms: PodTerms
    namespace_labels: Mapping[str, str] | None

    def update_with_pod(self, pod: Pod, node: Node, multiplier: int) -> PreFilterState:
        """The state with `pod` added to (1) or removed from (-1) `node`."""
        existing = dict(self.existing_anti_affinity_counts)
        update_with_anti_affinity_terms(existing, pod_terms(pod, strict=False)
                                        .required_anti_affinity, self.pod,
                                        self.namespace_labels, node, multiplier)
        affinity = dict(self.affinity_counts)
        update_with_affinity_terms(affinity, self.terms.required_affinity, pod, node,
                                   multiplier)
        anti = dict(self.anti_affinity_counts)
        update_with_anti_affinity_terms(anti, self.terms.required_anti_affinity, pod, None,
                                        node, multiplier)
        return attrs.evolve(self, existing_anti_affinity_counts=pmap(existing),
                            affinity_counts=pmap(affinity), anti_affinity_counts=pmap(anti))


def update(m: dict[TopologyPair, int], node: Node, tk: str, value: int) -> None:
    """Add `value` to the node's pair for topology key `tk`, dropping entries down to 0."""
    tv = node.metadata.labels.get(tk)
    if tv is None:
        return
    pair = (tk, tv)
    m[pair] = m.get(pair, 0) + value
    if m[pair] == 0:
        del m[pair]


def update_with_affinity_terms(m: dict[TopologyPair, int], terms: Sequence[AffinityTerm],
                               pod: Pod, node: Node, value: int) -> None:
    """Count the node's pair of every term when the pod matches ALL the terms."""
    if pod_matches_all_affinity_terms(terms, pod):
        for t in terms:
            update(m, node, t.topology_key, value)


def update_with_anti_affinity_terms(m: dict[TopologyPair, int], terms: Sequence[AffinityTerm],
                                    pod: Pod, ns_labels: Mapping[str, str] | None, node: Node,
                                    value: int) -> None:
    """Count the node's pair of each term the pod matches."""
    for t in terms:
        if t.matches(pod, ns_labels):
            update(m, node, t.topology_key, value)


def pod_matches_all_affinity_terms(terms: Sequence[AffinityTerm], pod: Pod) -> bool:
    """True iff there are terms and the pod matches every one."""
    return bool(terms) and all(t.matches(pod, None) for t in terms)


def get_existing_anti_affinity_counts(pod: Pod, ns_labels: Mapping[str, str] | None,
                                      nodes: Iterable[NodeInfo]) -> dict[TopologyPair, int]:
    """Per topology pair, the existing pods' required anti-affinity terms matching `pod`."""
    result: dict[TopologyPair, int] = {}
    for info in nodes:
        for existing in info.pods:
            if pod_with_required_anti_affinity(existing):
                terms = pod_terms(existing, strict=False).required_anti_affinity
                update_with_anti_affinity_terms(result, terms, pod, ns_labels, info.node, 1)
    return result


def get_incoming_affinity_anti_affinity_counts(
    terms: PodTerms, all_nodes: Iterable[NodeInfo]
) -> tuple[dict[TopologyPair, int], dict[TopologyPair, int]]:
    """Per topology pair, the existing pods matching the incoming pod's required affinity
    (all terms) and anti-affinity (each term)."""
    affinity: dict[TopologyPair, int] = {}
    anti: dict[TopologyPair, int] = {}
    if not terms.required_affinity and not terms.required_anti_affinity:
        return affinity, anti
    for info in all_nodes:
        for existing in info.pods:
            update_with_affinity_terms(affinity, terms.required_affinity, existing, info.node, 1)
            update_with_anti_affinity_terms(anti, terms.required_anti_affinity, existing, None,
                                            info.node, 1)
    return affinity, anti


def satisfy_existing_pods_anti_affinity(state: PreFilterState, node_info: NodeInfo) -> bool:
    """No existing pod's anti-affinity term matching the pod covers the node's topology."""
    counts = state.existing_anti_affinity_counts
    return not counts or all(counts.get(pair, 0) <= 0
                             for pair in node_info.node.metadata.labels.items())


def satisfy_pod_anti_affinity(state: PreFilterState, node_info: NodeInfo) -> bool:
    """No existing pod matching one of the pod's anti-affinity terms is in the node's domain."""
    if not state.anti_affinity_counts:
        return True
    node_labels = node_info.node.metadata.labels
    for term in state.terms.required_anti_affinity:
        value = node_labels.get(term.topology_key)
        if value is not None and state.anti_affinity_counts.get(
                (term.topology_key, value), 0) > 0:
            return False
    return True


def satisfy_pod_affinity(state: PreFilterState, node_info: NodeInfo) -> bool:
    """Every affinity term has a matching pod in the node's domain (the node having every
    topology key) -- or no pod anywhere matches and the pod matches its own terms."""
    pods_exist = True
    node_labels = node_info.node.metadata.labels
    for term in state.terms.required_affinity:
        value = node_labels.get(term.topology_key)
        if value is None:
            return False
        if state.affinity_counts.get((term.topology_key, value), 0) <= 0:
            pods_exist = False
    if not pods_exist:
        return not state.affinity_counts and pod_matches_all_affinity_terms(
            state.terms.required_affinity, state.pod)
    return True


# --- plugin.go --------------------------------------------------------------------------------


def merge_affinity_term_namespaces_if_not_empty(term: AffinityTerm,
                                                cluster: Cluster) -> AffinityTerm:
    """Resolve a non-empty namespace selector into the term's namespaces."""
    if term.namespace_selector.empty():
        return term
    names = {ns.metadata.name for ns in cluster.list("Namespace", "")
             if term.namespace_selector.matches(ns.metadata.labels)}
    return attrs.evolve(term, namespaces=term.namespaces | names, namespace_selector=NOTHING)


def get_namespace_labels_snapshot(namespace: str, cluster: Cluster) -> Mapping[str, str] | None:
    """The labels of the pod's namespace; None when it is not found."""
    ns = cluster.get("Namespace", "", namespace)
    return None if ns is None else pmap(ns.metadata.labels)


def _merged(terms: PodTerms, cluster: Cluster, preferred: bool) -> PodTerms:
    def merge(t: AffinityTerm) -> AffinityTerm:
        return merge_affinity_term_namespaces_if_not_empty(t, cluster)

    def merge_weighted(w: WeightedAffinityTerm) -> WeightedAffinityTerm:
        return attrs.evolve(w, term=merge(w.term))

    if preferred:
        return attrs.evolve(
            terms,
            preferred_affinity=tuple(map(merge_weighted, terms.preferred_affinity)),
            preferred_anti_affinity=tuple(map(merge_weighted, terms.preferred_anti_affinity)))
    return attrs.evolve(terms, required_affinity=tuple(map(merge, terms.required_affinity)),
                        required_anti_affinity=tuple(map(merge, terms.required_anti_affinity)))


@attrs.frozen
class InterPodAffinity:
    hard_pod_affinity_weight: int = DEFAULT_HARD_POD_AFFINITY_WEIGHT
    ignore_preferred_terms_of_existing_pods: bool = False
    name: str = NAME

    # --- filtering.go -------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot
                   ) -> tuple[CycleState, PreFilterResult | None, Status]:
        if not pod_with_affinity(pod) and not snapshot.cluster.sched.anti_affinity_pods:
            # No terms of its own and no pod with required anti-affinity anywhere: nothing
            # to count, so Skip as below, without parsing and merging empty terms.
            return state, None, Status(SKIP)
        try:
            terms = pod_terms(pod)
        except ValueError as err:
            return state, None, unschedulable(f"parsing pod: {err}", unresolvable=True)
        cluster = snapshot.cluster
        terms = _merged(terms, cluster, preferred=False)
        ns_labels = get_namespace_labels_snapshot(pod.metadata.namespace or "", cluster)
        existing = get_existing_anti_affinity_counts(
            pod, ns_labels, _nodes_hosting(snapshot, pod_with_required_anti_affinity))
        # Iterates the snapshot (building every NodeInfo) only for a pod with required terms.
        affinity, anti = get_incoming_affinity_anti_affinity_counts(terms, snapshot)
        if not existing and not terms.required_affinity and not terms.required_anti_affinity:
            return state, None, Status(SKIP)
        s = PreFilterState(pmap(existing), pmap(affinity), pmap(anti), pod, terms, ns_labels)
        return state.write(PRE_FILTER_STATE_KEY, s), None, OK

    def add_pod(self, state: CycleState, pod_to_schedule: Pod, pod_to_add: Pod,
                node_info: NodeInfo) -> tuple[CycleState, Status]:
        """PreFilterExtensions.AddPod."""
        return self._update(state, pod_to_add, node_info, 1)

    def remove_pod(self, state: CycleState, pod_to_schedule: Pod, pod_to_remove: Pod,
                   node_info: NodeInfo) -> tuple[CycleState, Status]:
        """PreFilterExtensions.RemovePod."""
        return self._update(state, pod_to_remove, node_info, -1)

    def _update(self, state: CycleState, pod: Pod, node_info: NodeInfo,
                multiplier: int) -> tuple[CycleState, Status]:
        s: PreFilterState | None = state.read(PRE_FILTER_STATE_KEY)
        if s is None:
            return state, _not_found(PRE_FILTER_STATE_KEY)
        return state.write(PRE_FILTER_STATE_KEY,
                           s.update_with_pod(pod, node_info.node, multiplier)), OK

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        s: PreFilterState | None = state.read(PRE_FILTER_STATE_KEY)
        if s is None:
            return _not_found(PRE_FILTER_STATE_KEY)
        if not satisfy_pod_affinity(s, node_info):
            return unschedulable(ERR_REASON_AFFINITY_RULES_NOT_MATCH, unresolvable=True)
        if not satisfy_pod_anti_affinity(s, node_info):
            return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
        if not satisfy_existing_pods_anti_affinity(s, node_info):
            return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
        return OK

    # --- scoring.go ---------------------------------------------------------------------------

    def process_existing_pod(self, s: PreScoreState, existing: Pod, node: Node, pod: Pod,
                             topo_score: dict[str, dict[str, int]]) -> None:
        """Add the weights the existing pod on `node` contributes to its topology domains."""
        if not node.metadata.labels:
            return
        process_terms(topo_score, s.terms.preferred_affinity, existing, None, node, 1)
        process_terms(topo_score, s.terms.preferred_anti_affinity, existing, None, node, -1)
        existing_terms = pod_terms(existing, strict=False)
        if self.hard_pod_affinity_weight > 0:
            for t in existing_terms.required_affinity:
                process_term(topo_score, t, self.hard_pod_affinity_weight, pod,
                             s.namespace_labels, node, 1)
        process_terms(topo_score, existing_terms.preferred_affinity, pod, s.namespace_labels,
                      node, 1)
        process_terms(topo_score, existing_terms.preferred_anti_affinity, pod,
                      s.namespace_labels, node, -1)

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        has_constraints = bool(_kind_terms(pod, "podAffinity", PREFERRED)
                               or _kind_terms(pod, "podAntiAffinity", PREFERRED))
        if self.ignore_preferred_terms_of_existing_pods and not has_constraints:
            return state, Status(SKIP)
        if not pod_with_affinity(pod) and not snapshot.cluster.sched.affinity_pods:
            # No terms of its own and no pod with affinity terms anywhere: no topology
            # score, so Skip as below, without parsing and merging empty terms.
            return state, Status(SKIP)
        try:
            terms = pod_terms(pod)
        except ValueError as err:
            return state, Status(ERROR, (f"failed to parse pod: {err}",))
        cluster = snapshot.cluster
        s = PreScoreState(_merged(terms, cluster, preferred=True),
                          get_namespace_labels_snapshot(pod.metadata.namespace or "", cluster))
        topology_score: dict[str, dict[str, int]] = {}
        nodes_to_visit = snapshot if has_constraints else \
            _nodes_hosting(snapshot, pod_with_affinity)
        for info in nodes_to_visit:
            pods = info.pods if has_constraints else \
                tuple(p for p in info.pods if pod_with_affinity(p))
            topo_score: dict[str, dict[str, int]] = {}
            for existing in pods:
                self.process_existing_pod(s, existing, info.node, pod, topo_score)
            append(topology_score, topo_score)
        if not topology_score:
            return state, Status(SKIP)
        s = attrs.evolve(s, topology_score=pmap({k: pmap(v) for k, v in topology_score.items()}))
        return state.write(PRE_SCORE_STATE_KEY, s), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return 0, _not_found(PRE_SCORE_STATE_KEY, "failed to read")
        node_labels = node_info.node.metadata.labels
        return sum(values.get(node_labels[key], 0) for key, values in s.topology_score.items()
                   if key in node_labels), OK

    def normalize_score(self, state: CycleState, pod: Pod, scores: list[NodeScore]
                        ) -> tuple[list[NodeScore], Status]:
        s: PreScoreState | None = state.read(PRE_SCORE_STATE_KEY)
        if s is None:
            return scores, _not_found(PRE_SCORE_STATE_KEY, "failed to read")
        if not s.topology_score or not scores:
            return scores, OK
        min_count = min(ns.score for ns in scores)
        max_min_diff = max(ns.score for ns in scores) - min_count
        out = []
        for ns in scores:
            f_score = 0.0
            if max_min_diff > 0:
                f_score = float(MAX_NODE_SCORE) * (float(ns.score - min_count) / max_min_diff)
            out.append(NodeScore(ns.name, int(f_score)))
        return out, OK


def _nodes_hosting(snapshot: Snapshot, wanted: Callable[[Pod], bool]) -> Iterator[NodeInfo]:
    """HavePodsWithAffinityList / HavePodsWithRequiredAntiAffinityList: the NodeInfos of the
    nodes hosting a pod `wanted` accepts, from the scheduler cache's lists of such pods
    (usually empty), so a plain pod's cycle walks nothing."""
    sched = snapshot.cluster.sched
    pods = sched.anti_affinity_pods if wanted is pod_with_required_anti_affinity \
        else sched.affinity_pods
    for info in snapshot.nodes_hosting(pods):
        if any(wanted(p) for p in info.pods):
            yield info


@attrs.frozen
class PreScoreState:
    """preScoreState: the summed weights per topology key and value, the incoming pod's
    terms (preferred ones namespace-resolved) and its namespace's labels."""

    terms: PodTerms
    namespace_labels: Mapping[str, str] | None
    topology_score: PMap[str, PMap[str, int]] = attrs.field(factory=pmap)


def process_term(m: dict[str, dict[str, int]], term: AffinityTerm, weight: int, pod: Pod,
                 ns_labels: Mapping[str, str] | None, node: Node, multiplier: int) -> None:
    """Add weight * multiplier to the node's domain when the pod matches the term."""
    if term.matches(pod, ns_labels):
        value = node.metadata.labels.get(term.topology_key)
        if value is not None:
            scores = m.setdefault(term.topology_key, {})
            scores[value] = scores.get(value, 0) + weight * multiplier


def process_terms(m: dict[str, dict[str, int]], terms: Sequence[WeightedAffinityTerm], pod: Pod,
                  ns_labels: Mapping[str, str] | None, node: Node, multiplier: int) -> None:
    for t in terms:
        process_term(m, t.term, t.weight, pod, ns_labels, node, multiplier)


def append(m: dict[str, dict[str, int]], other: Mapping[str, Mapping[str, int]]) -> None:
    """scoreMap.append: add another node's topology scores."""
    for key, values in other.items():
        scores = m.setdefault(key, {})
        for value, score in values.items():
            scores[value] = scores.get(value, 0) + score


def _not_found(key: str, verb: str = "error reading") -> Status:
    return Status(ERROR, (f'{verb} "{key}" from cycleState: not found',))


def new(args: Mapping[str, Any]) -> InterPodAffinity:
    """New from InterPodAffinityArgs (`hardPodAffinityWeight`, default 1;
    `ignorePreferredTermsOfExistingPods`, default false)."""
    weight = args.get("hardPodAffinityWeight")
    return InterPodAffinity(
        DEFAULT_HARD_POD_AFFINITY_WEIGHT if weight is None else int(weight),
        bool(args.get("ignorePreferredTermsOfExistingPods") or False))
