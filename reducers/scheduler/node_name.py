"""NodeName: a pod that names its node fits only that node.

Models: pkg/scheduler/framework/plugins/nodename/node_name.go (v1.34): Filter, Fits.
Simplifies: nothing.
Covered by: tests/test_scheduler_filters.py (TestNodeName).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.objects import Pod
from kubefold.reducers.scheduler.framework import OK, CycleState, NodeInfo, Status, unschedulable

NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"


def fits(pod: Pod, node_info: NodeInfo) -> bool:
    return not pod.spec.node_name or pod.spec.node_name == node_info.name


class NodeName:
    name = NAME

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        if not fits(pod, node_info):
            return unschedulable(ERR_REASON, unresolvable=True)
        return OK

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                     ) -> list[Status]:
        """`filter` for each node (all pass for a pod that names no node)."""
        if not pod.spec.node_name:
            return [OK] * len(nodes)
        return [self.filter(state, pod, info) for info in nodes]


def new(args: Mapping[str, Any]) -> NodeName:
    return NodeName()
