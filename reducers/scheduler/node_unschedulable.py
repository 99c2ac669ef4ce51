"""NodeUnschedulable: a node with spec.unschedulable takes only pods that tolerate it.

Models: pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go (v1.34):
Filter.
Simplifies: no queueing hints (the controller requeues on every node change).
Covered by: tests/test_scheduler_filters.py (TestNodeUnschedulable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.objects import Pod, Taint
from kubefold.reducers.scheduler.framework import OK, CycleState, NodeInfo, Status, unschedulable
from kubefold.reducers.scheduler.helpers import tolerates_taint

NAME = "NodeUnschedulable"
ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions"
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


class NodeUnschedulable:
    name = NAME

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        if not node_info.node.spec.unschedulable:
            return OK
        taint = Taint(key=TAINT_NODE_UNSCHEDULABLE, effect="NoSchedule")
        if any(tolerates_taint(t, taint) for t in pod.spec.tolerations):
            return OK
        return unschedulable(ERR_REASON_UNSCHEDULABLE, unresolvable=True)

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                     ) -> list[Status]:
        """`filter` for each node (a schedulable node passes at once)."""
        return [OK if not info.node.spec.unschedulable else self.filter(state, pod, info)
                for info in nodes]


def new(args: Mapping[str, Any]) -> NodeUnschedulable:
    return NodeUnschedulable()
