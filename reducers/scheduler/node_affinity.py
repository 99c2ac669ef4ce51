"""NodeAffinity: the pod's nodeSelector and required node affinity (and the profile's
addedAffinity) filter nodes; preferred terms score them.

Models: pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go (v1.34): PreFilter
(Skip when nothing to check; PreFilterResult from matchFields metadata.name In, terms ORed,
requirements ANDed; "pod affinity terms conflict"), Filter, PreScore (Skip when no preferred
terms), Score (sum of the weights of matching preferred terms), NormalizeScore;
component-helpers nodeaffinity PreferredSchedulingTerms (weight-0 and empty terms ignored).
Simplifies:
- A preferred term that fails to parse never matches (Go fails PreScore with the error).
Covered by: tests/test_scheduler_filters.py (TestNodeAffinity, TestNodeAffinityPriority).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.objects import Node, Pod, PodSpec
from kubefold.core.schema import freeze
from kubefold.reducers.scheduler.framework import (
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
    default_normalize_score,
    node_selector_term_matches,
    required_node_affinity_match,
)

NAME = "NodeAffinity"
PRE_SCORE_STATE_KEY = "PreScore" + NAME
PRE_FILTER_STATE_KEY = "PreFilter" + NAME
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
ERR_REASON_CONFLICT = "pod affinity terms conflict"
OBJECT_NAME_FIELD = "metadata.name"
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


def _node_affinity(pod: Pod) -> Any:
    return (pod.spec.affinity or {}).get("nodeAffinity")


def preferred_score(terms: Sequence[Any], node: Node) -> int:
    """PreferredSchedulingTerms.Score: the sum of the weights of the matching terms."""
    total = 0
    for term in terms or ():
        weight = term.get("weight") or 0
        preference = term.get("preference") or {}
        if weight == 0 or not (preference.get("matchExpressions")
                               or preference.get("matchFields")):
            continue
        if node_selector_term_matches(preference, node):
            total += weight
    return total


def node_names_of_terms(terms: Sequence[Any]) -> set[str] | None:
    """The node names the required terms are limited to by matchFields metadata.name In; None
    when some term is not limited (terms are ORed)."""
    node_names: set[str] | None = None
    for term in terms:
        term_names: set[str] | None = None
        for r in term.get("matchFields") or ():
            if r.get("key") == OBJECT_NAME_FIELD and r.get("operator") == "In":
                values = set(r.get("values") or ())
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None
        node_names = term_names if node_names is None else node_names | term_names
    return node_names


class NodeAffinity:
    name = NAME

    def __init__(self, added_affinity: Any = None) -> None:
        added = added_affinity or {}
        self.added_node_selector = None
        if added.get(REQUIRED) is not None:
            self.added_node_selector = Pod(spec=PodSpec(
                affinity=freeze({"nodeAffinity": {REQUIRED: added[REQUIRED]}})))
        self.added_pref_sched_terms = added.get(PREFERRED)

    def pre_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot
                   ) -> tuple[CycleState, PreFilterResult | None, Status]:
        required = (_node_affinity(pod) or {}).get(REQUIRED)
        no_node_affinity = required is None
        if no_node_affinity and self.added_node_selector is None and not pod.spec.node_selector:
            return state, None, Status(SKIP)
        state = state.write(PRE_FILTER_STATE_KEY, True)
        if no_node_affinity or self.added_node_selector is not None:
            return state, None, OK
        assert required is not None
        node_names = node_names_of_terms(required.get("nodeSelectorTerms") or ())
        if node_names is not None and not node_names:
            return state, None, unschedulable(ERR_REASON_CONFLICT, unresolvable=True)
        if node_names:
            return state, PreFilterResult(frozenset(node_names)), OK
        return state, None, OK

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        node = node_info.node
        if self.added_node_selector is not None and not required_node_affinity_match(
                self.added_node_selector, node):
            return unschedulable(ERR_REASON_ENFORCED, unresolvable=True)
        if not required_node_affinity_match(pod, node):
            return unschedulable(ERR_REASON_POD, unresolvable=True)
        return OK

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        preferred = (_node_affinity(pod) or {}).get(PREFERRED)
        if preferred is None and self.added_pref_sched_terms is None:
            return state, Status(SKIP)
        return state.write(PRE_SCORE_STATE_KEY, preferred), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        node = node_info.node
        count = 0
        if self.added_pref_sched_terms is not None:
            count += preferred_score(self.added_pref_sched_terms, node)
        preferred = state.read(PRE_SCORE_STATE_KEY)
        if preferred is None:  # PreScore did not run: compute it here, as Go falls back
            preferred = (_node_affinity(pod) or {}).get(PREFERRED)
        if preferred is not None:
            count += preferred_score(preferred, node)
        return count, OK

    def normalize_score(self, state: CycleState, pod: Pod, scores: Sequence[NodeScore]
                        ) -> tuple[list[NodeScore], Status]:
        return default_normalize_score(MAX_NODE_SCORE, False, scores), OK


def new(args: Mapping[str, Any]) -> NodeAffinity:
    return NodeAffinity(args.get("addedAffinity"))
