"""NodeResourcesFit: does the node have room for the pod's requests, and how full is it?

Models (v1.34): pkg/scheduler/framework/plugins/noderesources/fit.go (NewFit,
computePodResourceRequest, PreFilter, Filter, Fits, fitsRequest, PreScore, Score),
resource_allocation.go (resourceAllocationScorer: score, calculateResourceAllocatableRequest,
calculatePodResourceRequest, calculatePodResourceRequestList, isBestEffortPod),
least_allocated.go, most_allocated.go, requested_to_capacity_ratio.go,
plugins/helper/shape_score.go (BuildBrokenLinearFunction), apis/config/v1/defaults.go
(SetDefaults_NodeResourcesFitArgs) and apis/config/validation/validation_pluginargs.go
(ValidateNodeResourcesFitArgs).

The filter compares the pod's requests (its PodInfo, integers computed once per pod) with what
the node's allocatable leaves after what its pods request (`NodeInfo.allocation`, the cluster's
scheduler cache, each pod's quantities rounded to integers as Go's Resource.Add does): "Too many
pods" when the node's pod count is at allocatable pods (a pod requesting nothing still needs a
slot), then one "Insufficient <resource>" per resource in Go's order (cpu, memory,
ephemeral-storage, then the scalar resources). A request larger than the whole allocatable makes
the status UnschedulableAndUnresolvable (preemption cannot help; v1.34, kubernetes#131345).
Scores use the non-zero requests (100m cpu and 200Mi memory for a container without one), the
node's from its pods; all arithmetic is Go's int64 (division truncates).

Simplifies:
- Pod-level resources (spec.resources), in-place resize (status resources) and DRA-backed
  extended resources (DRAExtendedResource, alpha) are not modelled; SidecarContainers is on.
- The scalar resources are checked in name order (Go ranges over a map: random order).
- Score without the PreScore state recomputes the pod's requests (as Go does).
- `new(args)` applies the v1 defaults and validation and raises ValueError on invalid args
  (a configuration error, as NewFit's error fails scheduler start-up); `new_fit` takes the
  internal (already defaulted) args as Go's tests do.

Covered by: tests/test_scheduler_noderesources.py (fit_test.go, least_allocated_test.go,
most_allocated_test.go, requested_to_capacity_ratio_test.go).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from kubefold.core.errors import FieldError, aggregate, invalid, not_supported, required
from kubefold.core.nodeinfo import PodInfo
from kubefold.core.objects import Pod
from kubefold.core.resources import pod_requests
from kubefold.reducers.apiserver.validation.names import validate_label_name
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    OK,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    PreFilterResult,
    Snapshot,
    Status,
)
from kubefold.reducers.scheduler.helpers import (
    go_quo,
    go_round,
    is_extended_resource_name,
    is_scalar_resource_name,
    pod_requests_non_missing,
    resource_int,
)

NAME = "NodeResourcesFit"
PRE_FILTER_STATE_KEY = "PreFilter" + NAME
PRE_SCORE_STATE_KEY = "PreScore" + NAME

LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
SUPPORTED_SCORING_STRATEGY_TYPES = (LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO)
MAX_CUSTOM_PRIORITY_SCORE = 10  # config.MaxCustomPriorityScore
MAX_UTILIZATION = 100
ERR_NOT_FOUND = "not found"  # fwk.ErrNotFound


# --- args (apis/config types, v1 defaults, validation) -------------------------------------


@attrs.frozen
class ResourceSpec:
    name: str
    weight: int


@attrs.frozen
class UtilizationShapePoint:
    utilization: int
    score: int


@attrs.frozen
class ScoringStrategy:
    type: str
    resources: tuple[ResourceSpec, ...] = ()
    shape: tuple[UtilizationShapePoint, ...] | None = None  # requestedToCapacityRatio.shape


@attrs.frozen
class NodeResourcesFitArgs:
    ignored_resources: tuple[str, ...] = ()
    ignored_resource_groups: tuple[str, ...] = ()
    scoring_strategy: ScoringStrategy | None = None


DEFAULT_RESOURCE_SPEC = (ResourceSpec("cpu", 1), ResourceSpec("memory", 1))


def decode_resource_specs(raw: Any) -> tuple[ResourceSpec, ...]:
    return tuple(ResourceSpec(r.get("name") or "", int(r.get("weight") or 0)) for r in raw or ())


def decode_fit_args(args: Mapping[str, Any]) -> NodeResourcesFitArgs:
    """The NodeResourcesFitArgs JSON (camelCase) as the internal config type."""
    raw = args.get("scoringStrategy")
    strategy = None
    if raw is not None:
        rtcr = raw.get("requestedToCapacityRatio")
        shape = None if rtcr is None else tuple(
            UtilizationShapePoint(int(p.get("utilization") or 0), int(p.get("score") or 0))
            for p in rtcr.get("shape") or ())
        strategy = ScoringStrategy(raw.get("type") or "",
                                   decode_resource_specs(raw.get("resources")), shape)
    return NodeResourcesFitArgs(tuple(args.get("ignoredResources") or ()),
                                tuple(args.get("ignoredResourceGroups") or ()), strategy)


def set_defaults_node_resources_fit_args(args: NodeResourcesFitArgs) -> NodeResourcesFitArgs:
    """SetDefaults_NodeResourcesFitArgs: LeastAllocated on cpu and memory; no resources means
    cpu and memory; a zero weight means 1."""
    strategy = args.scoring_strategy or ScoringStrategy(LEAST_ALLOCATED, DEFAULT_RESOURCE_SPEC)
    resources = strategy.resources or DEFAULT_RESOURCE_SPEC
    resources = tuple(attrs.evolve(r, weight=r.weight or 1) for r in resources)
    return attrs.evolve(args, scoring_strategy=attrs.evolve(strategy, resources=resources))


def validate_resources(resources: Sequence[ResourceSpec], path: str) -> list[FieldError]:
    return [invalid(f"{path}[{i}].weight", r.weight,
                    f"resource weight of {r.name} not in valid range (0, 100]")
            for i, r in enumerate(resources) if r.weight <= 0 or r.weight > 100]


def validate_function_shape(shape: Sequence[UtilizationShapePoint], path: str
                            ) -> list[FieldError]:
    if not shape:
        return [required(path, "at least one point must be specified")]
    errs: list[FieldError] = []
    for i in range(1, len(shape)):
        if shape[i - 1].utilization >= shape[i].utilization:
            errs.append(invalid(f"{path}[{i}].utilization", shape[i].utilization,
                                "utilization values must be sorted in increasing order"))
            break
    for i, point in enumerate(shape):
        if not 0 <= point.utilization <= MAX_UTILIZATION:
            errs.append(invalid(f"{path}[{i}].utilization", point.utilization,
                                f"not in valid range [0, {MAX_UTILIZATION}]"))
        if not 0 <= point.score <= MAX_CUSTOM_PRIORITY_SCORE:
            errs.append(invalid(f"{path}[{i}].score", point.score,
                                f"not in valid range [0, {MAX_CUSTOM_PRIORITY_SCORE}]"))
    return errs


def validate_node_resources_fit_args(args: NodeResourcesFitArgs) -> list[FieldError]:
    """ValidateNodeResourcesFitArgs (the root path is empty)."""
    errs: list[FieldError] = []
    for i, name in enumerate(args.ignored_resources):
        errs.extend(validate_label_name(name, f"ignoredResources[{i}]"))
    for i, group in enumerate(args.ignored_resource_groups):
        if "/" in group:
            errs.append(invalid(f"ignoredResourceGroups[{i}]", group,
                                "resource group name can't contain '/'"))
        errs.extend(validate_label_name(group, f"ignoredResourceGroups[{i}]"))
    strategy = args.scoring_strategy
    if strategy is not None:
        if strategy.type not in SUPPORTED_SCORING_STRATEGY_TYPES:
            errs.append(not_supported("scoringStrategy.type", strategy.type,
                                      sorted(SUPPORTED_SCORING_STRATEGY_TYPES)))
        errs.extend(validate_resources(strategy.resources, "scoringStrategy.resources"))
        if strategy.shape is not None:
            errs.extend(validate_function_shape(strategy.shape, "scoringStrategy.shape"))
    return errs


# --- resource_allocation.go ----------------------------------------------------------------

Scorer = Callable[[Sequence[int], Sequence[int]], int]
# A Scorer over a window of nodes at once: per configured resource, the column of the nodes'
# requested and the column of their allocatable; one score per node, as Scorer gives each.
NodesScorer = Callable[[Sequence[Sequence[int]], Sequence[Sequence[int]]], list[int]]


def node_allocatable(node_info: NodeInfo, resource: str) -> tuple[int, bool]:
    """The node's allocatable as framework.Resource holds it, and whether it is held at all
    (cpu, memory and ephemeral-storage always are; other names only if scalar and listed)."""
    if resource == "pods":
        return 0, False
    return node_info.allocatable_resource.get(resource)


def node_requested(node_info: NodeInfo, resource: str) -> int:
    """NodeInfo.Requested for one resource (the cluster's scheduler cache, in integers)."""
    return node_info.allocation.requested(resource)


@attrs.frozen
class ResourceAllocationScorer:
    """resourceAllocationScorer: `use_requested` picks the real requests over the non-zero
    ones for cpu and memory."""

    name: str
    scorer: Scorer
    resources: tuple[ResourceSpec, ...]
    use_requested: bool = False
    scorer_nodes: NodesScorer | None = None  # `scorer` for a window at once, if it has one

    def score(self, pod: Pod, node_info: NodeInfo, pod_requests: Sequence[int],
              non_zero: tuple[int, int] | None = None) -> tuple[int, Status]:
        """`non_zero` is the node's NonZeroRequested (MilliCPU, Memory) when already known."""
        if not self.resources:
            return 0, Status(ERROR, ("resources not found",))
        return self._score(node_info, pod_requests, non_zero), OK

    def score_nodes(self, nodes: Sequence[NodeInfo], pod_requests: Sequence[int]
                    ) -> tuple[list[int], Status]:
        """`score` for each node (the batch the cycle calls): the requested and allocatable
        columns of the window, scored by `scorer_nodes` (else node by node by `scorer`)."""
        if not self.resources:
            return [], Status(ERROR, ("resources not found",))
        requested: list[list[int]] = []
        allocatable: list[list[int]] = []
        for i, spec in enumerate(self.resources):
            want = pod_requests[i]
            # cpu and memory inline (calculate_resource_allocatable_request's first case); a
            # resource whose allocatable is 0 is skipped by every scorer, whatever requested.
            if spec.name == "cpu":
                allocatable.append([info.allocatable_resource.milli_cpu for info in nodes])
                requested.append(
                    [info.allocation.milli_cpu + want for info in nodes] if self.use_requested
                    else [info.allocation.non0_cpu + want for info in nodes])
            elif spec.name == "memory":
                allocatable.append([info.allocatable_resource.memory for info in nodes])
                requested.append(
                    [info.allocation.memory + want for info in nodes] if self.use_requested
                    else [info.allocation.non0_mem + want for info in nodes])
            else:
                pairs = [self.calculate_resource_allocatable_request(info, spec.name, want, None
                                                                     if self.use_requested else
                                                                     (info.allocation.non0_cpu,
                                                                      info.allocation.non0_mem))
                         for info in nodes]
                allocatable.append([a for a, _ in pairs])
                requested.append([r for _, r in pairs])
        if self.scorer_nodes is not None:
            return self.scorer_nodes(requested, allocatable), OK
        rows = zip(zip(*requested, strict=True), zip(*allocatable, strict=True), strict=True)
        return [self.scorer(list(req), list(alloc)) for req, alloc in rows], OK

    def _score(self, node_info: NodeInfo, pod_requests: Sequence[int],
               non_zero: tuple[int, int] | None) -> int:
        held = node_info.allocation
        if non_zero is None and not self.use_requested:
            non_zero = (held.non0_cpu, held.non0_mem)
        node_alloc = node_info.allocatable_resource
        requested = [0] * len(self.resources)
        allocatable = [0] * len(self.resources)
        for i, spec in enumerate(self.resources):
            name = spec.name
            # cpu and memory inline (calculate_resource_allocatable_request's first case)
            if name == "cpu":
                alloc = node_alloc.milli_cpu
                used = held.milli_cpu if non_zero is None else non_zero[0]
                req = used + pod_requests[i]
            elif name == "memory":
                alloc = node_alloc.memory
                used = held.memory if non_zero is None else non_zero[1]
                req = used + pod_requests[i]
            else:
                alloc, req = self.calculate_resource_allocatable_request(
                    node_info, name, pod_requests[i], non_zero)
            if alloc == 0:
                continue
            allocatable[i], requested[i] = alloc, req
        return self.scorer(requested, allocatable)

    def calculate_resource_allocatable_request(
        self, node_info: NodeInfo, resource: str, pod_request: int,
        non_zero: tuple[int, int] | None,
    ) -> tuple[int, int]:
        """(allocatable, requested on the node plus the pod's request); (0, 0) for a scalar
        resource the pod does not request or the node does not have."""
        if pod_request == 0 and is_scalar_resource_name(resource):
            return 0, 0
        alloc, held = node_allocatable(node_info, resource)
        if resource in ("cpu", "memory"):
            if self.use_requested or non_zero is None:  # (_score inlines this case)
                used = node_requested(node_info, resource)
            else:
                used = non_zero[0] if resource == "cpu" else non_zero[1]
            return alloc, used + pod_request
        if resource == "ephemeral-storage" or held:
            return alloc, node_requested(node_info, resource) + pod_request
        return 0, 0

    def calculate_pod_resource_request(self, pod: Pod, resource: str) -> int:
        """The pod's request (overhead included); non-zero defaults unless use_requested."""
        requests = pod_requests(pod) if self.use_requested else pod_requests_non_missing(pod)
        return resource_int(resource, requests.get(resource))

    def calculate_pod_resource_request_list(self, pod: Pod, info: PodInfo | None = None
                                            ) -> list[int]:
        """The pod's request of each configured resource; read from its PodInfo (integers
        computed once per pod) when given and every resource is one PodInfo holds."""
        if info is not None:
            scalars = dict(info.scalars)
            held = [_pod_info_request(info, scalars, r.name, self.use_requested)
                    for r in self.resources]
            if None not in held:
                return held  # type: ignore[return-value]
        requests = pod_requests(pod) if self.use_requested else pod_requests_non_missing(pod)
        return [resource_int(r.name, requests.get(r.name)) for r in self.resources]

    def is_best_effort_pod(self, pod_requests: Sequence[int]) -> bool:
        return all(r == 0 for r in pod_requests)


def _pod_info_request(info: PodInfo, scalars: Mapping[str, int], resource: str,
                      use_requested: bool) -> int | None:
    """calculatePodResourceRequest from a PodInfo: cpu and memory real or non-zero,
    ephemeral-storage and scalar resources real; None for a name PodInfo does not hold."""
    if resource == "cpu":
        return info.milli_cpu if use_requested else info.non0_cpu
    if resource == "memory":
        return info.memory if use_requested else info.non0_mem
    if resource == "ephemeral-storage":
        return info.ephemeral_storage
    if is_scalar_resource_name(resource):
        return scalars.get(resource, 0)
    return None


# --- least_allocated.go, most_allocated.go --------------------------------------------------


def least_resource_scorer(resources: Sequence[ResourceSpec]) -> Scorer:
    """Favours nodes with fewer requested resources: the weighted mean of
    (capacity - requested) * MaxNodeScore / capacity."""
    def scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
        node_score = weight_sum = 0
        for i, req in enumerate(requested):
            if allocatable[i] == 0:
                continue
            node_score += least_requested_score(req, allocatable[i]) * resources[i].weight
            weight_sum += resources[i].weight
        return 0 if weight_sum == 0 else go_quo(node_score, weight_sum)
    return scorer


def least_resource_scorer_nodes(resources: Sequence[ResourceSpec]) -> NodesScorer:
    """least_resource_scorer for a window of nodes (columns per resource)."""
    def scorer(requested: Sequence[Sequence[int]], allocatable: Sequence[Sequence[int]]
               ) -> list[int]:
        return _weighted_mean(resources, [
            [0 if c == 0 else (c - r) * MAX_NODE_SCORE // c if 0 <= r <= c
             else least_requested_score(r, c) for r, c in zip(req, alloc, strict=True)]
            for req, alloc in zip(requested, allocatable, strict=True)], allocatable)
    return scorer


def _weighted_mean(resources: Sequence[ResourceSpec], scores: Sequence[Sequence[int]],
                   allocatable: Sequence[Sequence[int]]) -> list[int]:
    """Per node, sum(score * weight) / sum(weight) over the resources it has (allocatable
    not 0), int64 division; 0 without any: the least and most scorers' final step."""
    n = len(allocatable[0]) if allocatable else 0
    node_score = [0] * n
    if all(all(alloc) for alloc in allocatable):  # every node has every resource
        total_weight = sum(spec.weight for spec in resources)
        if len(resources) == 2:  # the usual cpu and memory, in one pass
            w0, w1 = resources[0].weight, resources[1].weight
            node_score = [a * w0 + b * w1 for a, b in zip(scores[0], scores[1], strict=True)]
        else:
            for spec, col in zip(resources, scores, strict=True):
                w = spec.weight
                node_score = [t + v * w for t, v in zip(node_score, col, strict=True)]
        return [0 if total_weight == 0 else ns // total_weight if ns >= 0 and total_weight > 0
                else go_quo(ns, total_weight) for ns in node_score]
    weight_sum = [0] * n
    for spec, col, alloc in zip(resources, scores, allocatable, strict=True):
        w = spec.weight
        node_score = [t + v * w if c != 0 else t
                      for t, v, c in zip(node_score, col, alloc, strict=True)]
        weight_sum = [t + w if c != 0 else t for t, c in zip(weight_sum, alloc, strict=True)]
    return [0 if ws == 0 else ns // ws if ns >= 0 and ws > 0 else go_quo(ns, ws)
            for ns, ws in zip(node_score, weight_sum, strict=True)]


def least_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return go_quo((capacity - requested) * MAX_NODE_SCORE, capacity)


def most_resource_scorer(resources: Sequence[ResourceSpec]) -> Scorer:
    """Favours nodes with more requested resources: the weighted mean of
    requested * MaxNodeScore / capacity."""
    def scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
        node_score = weight_sum = 0
        for i, req in enumerate(requested):
            if allocatable[i] == 0:
                continue
            node_score += most_requested_score(req, allocatable[i]) * resources[i].weight
            weight_sum += resources[i].weight
        return 0 if weight_sum == 0 else go_quo(node_score, weight_sum)
    return scorer


def most_resource_scorer_nodes(resources: Sequence[ResourceSpec]) -> NodesScorer:
    """most_resource_scorer for a window of nodes (columns per resource)."""
    def scorer(requested: Sequence[Sequence[int]], allocatable: Sequence[Sequence[int]]
               ) -> list[int]:
        return _weighted_mean(resources, [
            [0 if c == 0 else min(r, c) * MAX_NODE_SCORE // c if r >= 0 and c > 0
             else most_requested_score(r, c) for r, c in zip(req, alloc, strict=True)]
            for req, alloc in zip(requested, allocatable, strict=True)], allocatable)
    return scorer


def most_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0:
        return 0
    # requested may exceed capacity because pods with no requests get minimum values.
    return go_quo(min(requested, capacity) * MAX_NODE_SCORE, capacity)


# --- requested_to_capacity_ratio.go, helper/shape_score.go ---------------------------------


def build_broken_linear_function(shape: Sequence[UtilizationShapePoint]) -> Callable[[int], int]:
    """helper.BuildBrokenLinearFunction: shape[0].score below the first point, the last score
    above the last, linear (int64 division) in between."""
    def f(p: int) -> int:
        for i, point in enumerate(shape):
            if p <= point.utilization:
                if i == 0:
                    return shape[0].score
                prev = shape[i - 1]
                return prev.score + go_quo((point.score - prev.score) * (p - prev.utilization),
                                           point.utilization - prev.utilization)
        return shape[-1].score
    return f


def build_requested_to_capacity_ratio_scorer_function(
    shape: Sequence[UtilizationShapePoint], resources: Sequence[ResourceSpec],
) -> Scorer:
    raw_scoring_function = build_broken_linear_function(shape)

    def resource_scoring_function(requested: int, capacity: int) -> int:
        if capacity == 0 or requested > capacity:
            return raw_scoring_function(MAX_UTILIZATION)
        return raw_scoring_function(go_quo(requested * MAX_UTILIZATION, capacity))

    def scorer(requested: Sequence[int], allocatable: Sequence[int]) -> int:
        node_score = weight_sum = 0
        for i, req in enumerate(requested):
            if allocatable[i] == 0:
                continue
            resource_score = resource_scoring_function(req, allocatable[i])
            if resource_score > 0:
                node_score += resource_score * resources[i].weight
                weight_sum += resources[i].weight
        return 0 if weight_sum == 0 else go_round(float(node_score) / float(weight_sum))
    return scorer


def requested_to_capacity_ratio_scorer(resources: Sequence[ResourceSpec],
                                       shape: Sequence[UtilizationShapePoint]) -> Scorer:
    """Shape scores (0..MaxCustomPriorityScore) scaled to 0..MaxNodeScore."""
    factor = MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE
    scaled = [UtilizationShapePoint(p.utilization, p.score * factor) for p in shape]
    return build_requested_to_capacity_ratio_scorer_function(scaled, resources)


def scorer_for(strategy: ScoringStrategy) -> ResourceAllocationScorer:
    """nodeResourceStrategyTypeMap."""
    resources = strategy.resources
    if strategy.type == LEAST_ALLOCATED:
        return ResourceAllocationScorer(LEAST_ALLOCATED, least_resource_scorer(resources),
                                        resources, scorer_nodes=least_resource_scorer_nodes(
                                            resources))
    if strategy.type == MOST_ALLOCATED:
        return ResourceAllocationScorer(MOST_ALLOCATED, most_resource_scorer(resources),
                                        resources, scorer_nodes=most_resource_scorer_nodes(
                                            resources))
    return ResourceAllocationScorer(
        REQUESTED_TO_CAPACITY_RATIO,
        requested_to_capacity_ratio_scorer(resources, strategy.shape or ()), resources)


# --- fit.go ----------------------------------------------------------------------------------


@attrs.frozen
class PodResource:
    """framework.Resource of the pod's requests (preFilterState)."""

    milli_cpu: int = 0
    memory: int = 0
    ephemeral_storage: int = 0
    scalar_resources: tuple[tuple[str, int], ...] = ()  # in name order


def pod_resource_of(info: PodInfo) -> PodResource:
    """computePodResourceRequest from the pod's PodInfo (its requests in integers)."""
    return PodResource(info.milli_cpu, info.memory, info.ephemeral_storage, info.scalars)


def compute_pod_resource_request(pod: Pod) -> PodResource:
    """computePodResourceRequest: PodRequests as a framework.Resource."""
    reqs = pod_requests(pod)
    scalars = tuple((name, resource_int(name, q)) for name, q in sorted(reqs.items())
                    if is_scalar_resource_name(name))
    return PodResource(resource_int("cpu", reqs.get("cpu")), resource_int("memory",
                       reqs.get("memory")), resource_int("ephemeral-storage",
                       reqs.get("ephemeral-storage")), scalars)


@attrs.frozen
class InsufficientResource:
    resource_name: str
    reason: str
    requested: int
    used: int
    capacity: int
    unresolvable: bool = False


@attrs.frozen
class Fit:
    ignored_resources: frozenset[str]
    ignored_resource_groups: frozenset[str]
    resource_allocation_scorer: ResourceAllocationScorer
    name: str = NAME

    def pre_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot
                   ) -> tuple[CycleState, PreFilterResult | None, Status]:
        return state.write(PRE_FILTER_STATE_KEY, pod_resource_of(snapshot.pod_info(pod))), \
            None, OK

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        s = state.read(PRE_FILTER_STATE_KEY)
        if not isinstance(s, PodResource):
            return Status(ERROR, (f'error reading "{PRE_FILTER_STATE_KEY}" from cycleState: '
                                  f"{ERR_NOT_FOUND}",))
        insufficient = fits_request(s, node_info, self.ignored_resources,
                                    self.ignored_resource_groups)
        if not insufficient:
            return OK
        code = (UNSCHEDULABLE_AND_UNRESOLVABLE if any(r.unresolvable for r in insufficient)
                else UNSCHEDULABLE)
        return Status(code, tuple(r.reason for r in insufficient))

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                     ) -> list[Status]:
        """`filter` for each node: a node with room for the pod's pod slot, cpu, memory and
        ephemeral storage (and no scalar request to weigh) passes at once; any other is
        judged by `filter` itself, reasons and all."""
        s = state.read(PRE_FILTER_STATE_KEY)
        if not isinstance(s, PodResource) or s.scalar_resources:
            return [self.filter(state, pod, info) for info in nodes]
        cpu, memory, storage = s.milli_cpu, s.memory, s.ephemeral_storage
        out: list[Status] = []
        for info in nodes:
            alloc, held = info.allocatable_resource, info.allocation
            if held.pods < alloc.allowed_pod_number \
                    and (cpu <= 0 or cpu <= alloc.milli_cpu - held.milli_cpu) \
                    and (memory <= 0 or memory <= alloc.memory - held.memory) \
                    and (storage <= 0 or storage <= alloc.ephemeral_storage
                         - held.ephemeral_storage):
                out.append(OK)
            else:
                out.append(self.filter(state, pod, info))
        return out

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        """The pod's requests in scoring order (the nodes' NonZeroRequested is the cluster's
        scheduler cache, read by Score)."""
        scorer = self.resource_allocation_scorer
        data = PreScoreState(tuple(scorer.calculate_pod_resource_request_list(
            pod, snapshot.pod_info(pod))), {})
        return state.write(PRE_SCORE_STATE_KEY, data), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        scorer = self.resource_allocation_scorer
        s = state.read(PRE_SCORE_STATE_KEY)
        if not isinstance(s, PreScoreState):
            s = PreScoreState(tuple(scorer.calculate_pod_resource_request_list(pod)), {})
        return scorer.score(pod, node_info, s.pod_requests, s.non_zero.get(node_info.name))

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                    ) -> tuple[list[int], Status]:
        """`score` for each node."""
        s = state.read(PRE_SCORE_STATE_KEY)
        if not isinstance(s, PreScoreState) or s.non_zero:
            out = []
            for info in nodes:
                value, status = self.score(state, pod, info)
                if not status.is_success():
                    return [], status
                out.append(value)
            return out, OK
        return self.resource_allocation_scorer.score_nodes(nodes, s.pod_requests)


@attrs.frozen
class PreScoreState:
    pod_requests: tuple[int, ...]
    non_zero: Mapping[str, tuple[int, int]]


def fits(pod: Pod, node_info: NodeInfo) -> list[InsufficientResource]:
    """Fits: what the node lacks for the pod, nothing ignored."""
    return fits_request(compute_pod_resource_request(pod), node_info, frozenset(), frozenset())


def fits_request(pod_request: PodResource, node_info: NodeInfo,
                 ignored_extended_resources: frozenset[str],
                 ignored_resource_groups: frozenset[str]) -> list[InsufficientResource]:
    out: list[InsufficientResource] = []
    node_alloc = node_info.allocatable_resource
    allowed_pod_number = node_alloc.allowed_pod_number
    pod_count = node_info.allocation.pods
    if pod_count + 1 > allowed_pod_number:
        out.append(InsufficientResource("pods", "Too many pods", 1, pod_count,
                                        allowed_pod_number))
    if (pod_request.milli_cpu == 0 and pod_request.memory == 0
            and pod_request.ephemeral_storage == 0 and not pod_request.scalar_resources):
        return out
    for name, want in (("cpu", pod_request.milli_cpu), ("memory", pod_request.memory),
                       ("ephemeral-storage", pod_request.ephemeral_storage)):
        alloc = node_alloc.get(name)[0]
        used = node_requested(node_info, name)
        if want > 0 and want > alloc - used:
            out.append(InsufficientResource(name, f"Insufficient {name}", want, used, alloc,
                                            want > alloc))
    for name, want in pod_request.scalar_resources:
        if want == 0:
            continue
        if is_extended_resource_name(name):
            group = name.split("/")[0] if ignored_resource_groups else ""
            if name in ignored_extended_resources or group in ignored_resource_groups:
                continue
        alloc = node_alloc.get(name)[0]
        used = node_requested(node_info, name)
        if want > alloc - used:
            out.append(InsufficientResource(name, f"Insufficient {name}", want, used, alloc,
                                            want > alloc))
    return out


def new_fit(args: NodeResourcesFitArgs) -> Fit:
    """NewFit on internal args: validated; ValueError as NewFit's error."""
    errs = validate_node_resources_fit_args(args)
    if errs:
        raise ValueError(aggregate(errs))
    strategy = args.scoring_strategy
    if strategy is None:
        raise ValueError("scoring strategy not specified")
    return Fit(frozenset(args.ignored_resources), frozenset(args.ignored_resource_groups),
               scorer_for(strategy))


def new(args: Mapping[str, Any]) -> Fit:
    """The plugin from its KubeSchedulerConfiguration (v1) args: defaulted, then NewFit."""
    return new_fit(set_defaults_node_resources_fit_args(decode_fit_args(args)))
