"""TaintToleration: NoSchedule/NoExecute taints a pod does not tolerate rule a node out; the
fewer untolerated PreferNoSchedule taints, the higher a node scores.

Models: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.34): Filter,
PreScore, getAllTolerationPreferNoSchedule, countIntolerableTaintsPreferNoSchedule, Score,
NormalizeScore (reversed DefaultNormalizeScore).
Simplifies: the TaintTolerationComparisonOperators (Gt/Lt) of later releases are not modelled.
Covered by: tests/test_scheduler_filters.py (TestTaintTolerationFilter,
TestTaintTolerationScore).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.objects import Pod, Taint, Toleration
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    OK,
    CycleState,
    NodeInfo,
    NodeScore,
    Snapshot,
    Status,
    unschedulable,
)
from kubefold.reducers.scheduler.helpers import (
    default_normalize_score,
    default_normalize_values,
    do_not_schedule_taints_filter,
    find_matching_untolerated_taint,
    tolerates_taint,
)

NAME = "TaintToleration"
PRE_SCORE_STATE_KEY = "PreScore" + NAME
ERR_REASON_NOT_MATCH = "node(s) had taints that the pod didn't tolerate"


def get_all_toleration_prefer_no_schedule(tolerations: Sequence[Toleration]
                                          ) -> tuple[Toleration, ...]:
    """Tolerations with effect PreferNoSchedule or none (an empty effect means all)."""
    return tuple(t for t in tolerations if not t.effect or t.effect == "PreferNoSchedule")


def count_intolerable_taints_prefer_no_schedule(taints: Sequence[Taint],
                                                tolerations: Sequence[Toleration]) -> int:
    return sum(1 for taint in taints if taint.effect == "PreferNoSchedule"
               and not any(tolerates_taint(t, taint) for t in tolerations))


class TaintToleration:
    name = NAME

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        taint = find_matching_untolerated_taint(node_info.node.spec.taints,
                                                pod.spec.tolerations,
                                                do_not_schedule_taints_filter)
        if taint is None:
            return OK
        return unschedulable(
            f"node(s) had untolerated taint {{{taint.key or ''}: {taint.value or ''}}}",
            unresolvable=True)

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                     ) -> list[Status]:
        """`filter` for each node (an untainted node passes at once)."""
        return [OK if not info.node.spec.taints else self.filter(state, pod, info)
                for info in nodes]

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        tolerations = get_all_toleration_prefer_no_schedule(pod.spec.tolerations)
        return state.write(PRE_SCORE_STATE_KEY, tolerations), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        tolerations = state.read(PRE_SCORE_STATE_KEY)
        if tolerations is None:
            return 0, Status(ERROR, (f'reading "{PRE_SCORE_STATE_KEY}" from cycleState: '
                                     "not found",))
        return count_intolerable_taints_prefer_no_schedule(node_info.node.spec.taints,
                                                           tolerations), OK

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                    ) -> tuple[list[int], Status]:
        """`score` for each node (an untainted node has no intolerable taint)."""
        tolerations = state.read(PRE_SCORE_STATE_KEY)
        if tolerations is None:
            return [], self.score(state, pod, nodes[0])[1] if nodes else OK
        return [count_intolerable_taints_prefer_no_schedule(info.node.spec.taints, tolerations)
                if info.node.spec.taints else 0 for info in nodes], OK

    def normalize_score(self, state: CycleState, pod: Pod, scores: Sequence[NodeScore]
                        ) -> tuple[list[NodeScore], Status]:
        return default_normalize_score(MAX_NODE_SCORE, True, scores), OK

    def normalize_values(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo],
                         values: Sequence[int]) -> tuple[list[int], Status]:
        """`normalize_score` on the scores of `nodes`, in order."""
        return default_normalize_values(MAX_NODE_SCORE, True, values), OK


def new(args: Mapping[str, Any]) -> TaintToleration:
    return TaintToleration()
