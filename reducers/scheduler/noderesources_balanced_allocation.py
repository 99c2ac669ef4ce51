"""NodeResourcesBalancedAllocation: favour nodes whose resources stay evenly used.

Models (v1.34): pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go
(NewBalancedAllocation, PreScore, Score, balancedResourceScorer) over resource_allocation.go
(`ResourceAllocationScorer` in noderesources_fit.py), apis/config/v1/defaults.go
(SetDefaults_NodeResourcesBalancedAllocationArgs) and apis/config/validation
(ValidateNodeResourcesBalancedAllocationArgs).

For each configured resource the node has, fraction = (node's requested + the incoming pod's
request) / allocatable, capped at 1; score = int((1 - std) * MaxNodeScore) with std the
population standard deviation of the fractions (|f0 - f1| / 2 for two). v1.34 facts:
- The incoming pod's requests are counted (requested = node's + pod's).
- The REAL requests are used, not the non-zero ones (`useRequested: true`, since v1.23): a
  container without requests adds nothing, on the node and in the pod.
- A best-effort pod (every configured resource requested at 0) is not scored: PreScore returns
  Skip (v1.33, kubernetes#130260); Score without the PreScore state returns 0.
- The score-with-versus-without-pod formula (kubernetes#135573) is later than v1.34.

Simplifies:
- DRA-backed extended resources (DRAExtendedResource, alpha) are not scored.
- `new(args)` applies the v1 defaults and validation and raises ValueError on invalid args;
  `new_balanced_allocation` takes internal (already defaulted) args as Go's tests do.

Covered by: tests/test_scheduler_noderesources.py (balanced_allocation_test.go).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from kubefold.core.errors import FieldError, aggregate, duplicate, invalid
from kubefold.core.objects import Pod
from kubefold.reducers.scheduler.framework import (
    MAX_NODE_SCORE,
    OK,
    SKIP,
    CycleState,
    NodeInfo,
    Snapshot,
    Status,
)
from kubefold.reducers.scheduler.noderesources_fit import (
    DEFAULT_RESOURCE_SPEC,
    ResourceAllocationScorer,
    ResourceSpec,
    decode_resource_specs,
)

NAME = "NodeResourcesBalancedAllocation"
PRE_SCORE_STATE_KEY = "PreScore" + NAME


@attrs.frozen
class NodeResourcesBalancedAllocationArgs:
    resources: tuple[ResourceSpec, ...] = ()


def decode_balanced_allocation_args(args: Mapping[str, Any]
                                    ) -> NodeResourcesBalancedAllocationArgs:
    return NodeResourcesBalancedAllocationArgs(decode_resource_specs(args.get("resources")))


def set_defaults_node_resources_balanced_allocation_args(
    args: NodeResourcesBalancedAllocationArgs,
) -> NodeResourcesBalancedAllocationArgs:
    """SetDefaults_NodeResourcesBalancedAllocationArgs: cpu and memory when none; a zero
    weight means 1."""
    resources = args.resources or DEFAULT_RESOURCE_SPEC
    return attrs.evolve(args, resources=tuple(attrs.evolve(r, weight=r.weight or 1)
                                              for r in resources))


def validate_node_resources_balanced_allocation_args(
    args: NodeResourcesBalancedAllocationArgs,
) -> list[FieldError]:
    """ValidateNodeResourcesBalancedAllocationArgs: names unique, weights exactly 1."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, r in enumerate(args.resources):
        if r.name in seen:
            errs.append(duplicate(f"resources[{i}].name", r.name))
        seen.add(r.name)
        if r.weight != 1:
            errs.append(invalid(f"resources[{i}].weight", r.weight, "must be 1"))
    return errs


def balanced_resource_scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    fractions: list[float] = []
    total_fraction = 0.0
    for i, req in enumerate(requested):
        if allocatable[i] == 0:
            continue
        fraction = min(float(req) / float(allocatable[i]), 1.0)
        total_fraction += fraction
        fractions.append(fraction)
    std = 0.0
    # Two resources (the usual cpu and memory): std = |f0 - f1| / 2.
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total_fraction / float(len(fractions))
        total = 0.0
        for fraction in fractions:
            total = total + (fraction - mean) * (fraction - mean)
        std = math.sqrt(total / float(len(fractions)))
    return int((1 - std) * float(MAX_NODE_SCORE))


def balanced_resource_scorer_nodes(requested: Sequence[Sequence[int]],
                                   allocatable: Sequence[Sequence[int]]) -> list[int]:
    """balanced_resource_scorer for a window of nodes (columns per resource): the usual two
    resources, both held, in one pass; any other node by balanced_resource_scorer."""
    if len(requested) != 2:
        rows = zip(zip(*requested, strict=True), zip(*allocatable, strict=True), strict=True)
        return [balanced_resource_scorer(req, alloc) for req, alloc in rows]
    # r * 1.0 is float(r) (int * float converts the int as float() does); f if f < 1.0
    # else 1.0 is min(f, 1.0).
    return [int((1 - abs(((f0 if (f0 := r0 * 1.0 / (a0 * 1.0)) < 1.0 else 1.0)
                          - (f1 if (f1 := r1 * 1.0 / (a1 * 1.0)) < 1.0 else 1.0)) / 2))
                * float(MAX_NODE_SCORE))
            if a0 != 0 and a1 != 0 else balanced_resource_scorer((r0, r1), (a0, a1))
            for r0, a0, r1, a1 in zip(requested[0], allocatable[0], requested[1],
                                      allocatable[1], strict=True)]


@attrs.frozen
class BalancedAllocation:
    resource_allocation_scorer: ResourceAllocationScorer
    name: str = NAME

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        """The pod's requests; Skip for a best-effort pod (kubernetes#129138)."""
        scorer = self.resource_allocation_scorer
        pod_requests = tuple(scorer.calculate_pod_resource_request_list(
            pod, snapshot.pod_info(pod)))
        if scorer.is_best_effort_pod(pod_requests):
            return state, Status(SKIP)
        return state.write(PRE_SCORE_STATE_KEY, pod_requests), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        scorer = self.resource_allocation_scorer
        pod_requests = state.read(PRE_SCORE_STATE_KEY)
        if pod_requests is None:
            pod_requests = tuple(scorer.calculate_pod_resource_request_list(pod))
            if scorer.is_best_effort_pod(pod_requests):
                return 0, OK
        return scorer.score(pod, node_info, pod_requests)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                    ) -> tuple[list[int], Status]:
        """`score` for each node."""
        pod_requests = state.read(PRE_SCORE_STATE_KEY)
        if pod_requests is None:
            out = []
            for info in nodes:
                value, status = self.score(state, pod, info)
                if not status.is_success():
                    return [], status
                out.append(value)
            return out, OK
        return self.resource_allocation_scorer.score_nodes(nodes, pod_requests)


def new_balanced_allocation(args: NodeResourcesBalancedAllocationArgs) -> BalancedAllocation:
    """NewBalancedAllocation on internal args; ValueError as its error."""
    errs = validate_node_resources_balanced_allocation_args(args)
    if errs:
        raise ValueError(aggregate(errs))
    return BalancedAllocation(ResourceAllocationScorer(
        NAME, balanced_resource_scorer, args.resources, use_requested=True,
        scorer_nodes=balanced_resource_scorer_nodes))


def new(args: Mapping[str, Any]) -> BalancedAllocation:
    """The plugin from its KubeSchedulerConfiguration (v1) args: defaulted, then built."""
    return new_balanced_allocation(set_defaults_node_resources_balanced_allocation_args(
        decode_balanced_allocation_args(args)))
