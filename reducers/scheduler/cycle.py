"""One scheduling cycle: kube-scheduler's ScheduleOne for one pod, as a pure function.

`schedule_one(cluster, pod_key, profile)` runs PreFilter, Filter (from a rotating start
index, stopping at numFeasibleNodesToFind), PostFilter when nothing fits, PreScore, Score,
NormalizeScore and the weighted sum, picks the host (reservoir sampling among the best, with
`cluster.random_bits` as Go's rand) and binds the pod through the API server's binding
subresource (`apiserver.bind`); on failure it writes PodScheduled=False with the FitError
message and requeues the pod with kube-scheduler's backoff (`queue.py`).

Models (v1.34): pkg/scheduler/schedule_one.go (ScheduleOne, schedulingCycle, skipPodSchedule,
schedulePod, findNodesThatFitPod, evaluateNominatedNode, findNodesThatPassFilters,
numFeasibleNodesToFind, prioritizeNodes, selectHost with nodeScoreHeap and
numberOfHighestScoredNodesToReport 3, bind, handleSchedulingFailure, updatePod);
framework/runtime/framework.go (RunPreFilterPlugins with PreFilterResult.Merge and Skip,
RunFilterPlugins, RunPostFilterPlugins, RunPreScorePlugins, RunScorePlugins);
framework/types.go (Diagnosis.AddPluginStatus, FitError.Error); container/heap (Init, Pop);
pkg/api/v1/pod UpdatePodCondition; CalculatePodConditionObservedGeneration
(PodObservedGenerationTracking, beta and on in v1.34).
Simplifies:
- Filters stop at exactly numFeasibleNodesToFind feasible nodes (Go's 16 goroutines may look
  at a few more before they notice). They run plugin by plugin over windows of nodes
  (`filter_nodes`, `score_nodes`: kubefold's batch forms of Filter and Score, one call per
  plugin per window), which gives the statuses and scores one node at a time would give.
- Nominated pods are not added to the nodes they are nominated to
  (RunFilterPluginsWithNominatedPods runs the filters once, on the node as it is).
- The nodes a PreFilterResult allows are taken in the cluster's node order (Go ranges over a
  map, in random order).
- No Reserve, Permit, PreBind or PostBind plugins; binding is synchronous, so there is no
  assumed pod; no extenders; no Events are recorded.
Covered by: tests/test_scheduler_cycle.py.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Condition, Pod
from kubefold.reducers import apiserver
from kubefold.reducers.scheduler import queue
from kubefold.reducers.scheduler.config import DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE, Profile
from kubefold.reducers.scheduler.framework import (
    ERROR,
    HANDLE_STATE_KEY,
    MAX_NODE_SCORE,
    MIN_NODE_SCORE,
    OK,
    PENDING,
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    NodeScore,
    NodeToStatus,
    PostFilterResult,
    PreFilterResult,
    Snapshot,
    Status,
)

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FILTER_WINDOW = 16  # kubefold's: the fewest nodes filtered in one batch
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
NUMBER_OF_HIGHEST_SCORED_NODES_TO_REPORT = 3
ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods"
NO_NODE_AVAILABLE_MSG = "0/{} nodes are available"
DEFAULT_SCHEDULER_NAME = "default-scheduler"


# -- diagnosis and FitError (framework/types.go) ------------------------------------------


class Diagnosis:
    """Why the pod fits no node: per-node statuses, the plugins that rejected it, and the
    PreFilter and PostFilter messages."""

    def __init__(self) -> None:
        self.node_to_status = NodeToStatus()
        self.unschedulable_plugins: set[str] = set()
        self.pending_plugins: set[str] = set()
        self.pre_filter_msg = ""
        self.post_filter_msg = ""

    def add_plugin_status(self, status: Status) -> None:
        if not status.plugin:
            return
        if status.is_rejected():
            self.unschedulable_plugins.add(status.plugin)
        if status.code == PENDING:
            self.pending_plugins.add(status.plugin)


@attrs.frozen
class FitError:
    pod: Pod
    num_all_nodes: int
    diagnosis: Any

    def error(self) -> str:
        """FitError.Error: "0/X nodes are available: <PreFilterMsg>. <FilterMsg>. <PostFilterMsg>"
        with the filter reasons counted and sorted."""
        msg = NO_NODE_AVAILABLE_MSG.format(self.num_all_nodes) + ":"
        d = self.diagnosis
        if d.pre_filter_msg:
            msg += f" {d.pre_filter_msg}."
        else:
            reasons: dict[str, int] = {}
            for status in d.node_to_status.values():
                for reason in status.reasons:
                    reasons[reason] = reasons.get(reason, 0) + 1
            explicit = len(d.node_to_status)
            if explicit < self.num_all_nodes:
                for reason in d.node_to_status.absent_nodes_status.reasons:
                    reasons[reason] = reasons.get(reason, 0) + self.num_all_nodes - explicit
            histogram = sorted(f"{n} {reason}" for reason, n in reasons.items())
            if histogram:
                msg += f" {', '.join(histogram)}."
        if d.post_filter_msg:
            msg += f" {d.post_filter_msg}"
        return msg


@attrs.frozen
class ScheduleResult:
    suggested_host: str = ""
    evaluated_nodes: int = 0
    feasible_nodes: int = 0


@attrs.frozen
class Failure:
    """A failed cycle: its status (message included), the FitError if the pod fits nowhere,
    and the nominated node to record (None: leave it; "": clear it)."""

    status: Status
    fit_error: FitError | None = None
    nominated_node_name: str | None = ""
    cluster: Cluster | None = None  # after the PostFilter plugins' writes (preemption)


def _as_error(message: str) -> Status:
    return Status(ERROR, (message,))


# -- the framework's Run* ---------------------------------------------------------------------


def merge_pre_filter_results(p: PreFilterResult | None, r: PreFilterResult | None
                             ) -> PreFilterResult | None:
    """PreFilterResult.Merge: None (all nodes) is the identity; otherwise the intersection."""
    p_all = p is None or p.node_names is None
    r_all = r is None or r.node_names is None
    if p_all and r_all:
        return None
    if p_all:
        assert r is not None
        return PreFilterResult(r.node_names)
    assert p is not None and p.node_names is not None
    if r_all:
        return PreFilterResult(p.node_names)
    assert r is not None and r.node_names is not None
    return PreFilterResult(p.node_names & r.node_names)


def run_pre_filter_plugins(profile: Profile, state: CycleState, pod: Pod, snapshot: Snapshot
                           ) -> tuple[CycleState, PreFilterResult | None, Status, set[str]]:
    skip: set[str] = set()
    result: PreFilterResult | None = None
    plugins_with_nodes: set[str] = set()
    return_status = OK

    def done(status: Status, plugins: set[str]) -> tuple[Any, ...]:
        return (state.with_skip_filter_plugins(frozenset(skip)), result, status,
                plugins)

    for pl in profile.pre_filter:
        state, r, s = pl.pre_filter(state, pod, snapshot)
        if s.is_skip():
            skip.add(pl.name)
            continue
        if not s.is_success():
            s = attrs.evolve(s, plugin=pl.name)
            if s.code == UNSCHEDULABLE_AND_UNRESOLVABLE:
                result = None
                return done(s, set())  # type: ignore[return-value]
            if s.code == UNSCHEDULABLE:
                return_status = s
                continue
            result = None
            return done(Status(ERROR, (f'running PreFilter plugin "{pl.name}": {s.message()}',),
                               pl.name), set())  # type: ignore[return-value]
        if r is not None and r.node_names is not None:
            plugins_with_nodes.add(pl.name)
        result = merge_pre_filter_results(result, r)
        if result is not None and result.node_names is not None and not result.node_names:
            names = sorted(plugins_with_nodes)
            msg = (f"node(s) didn't satisfy plugin {names[0]}" if len(names) == 1 else
                   f"node(s) didn't satisfy plugin(s) [{' '.join(names)}] simultaneously")
            return done(Status(UNSCHEDULABLE_AND_UNRESOLVABLE, (msg,)),  # type: ignore[return-value]
                        plugins_with_nodes)
    return done(return_status, plugins_with_nodes)  # type: ignore[return-value]


def run_filter_plugins(profile: Profile, state: CycleState, pod: Pod, node_info: NodeInfo
                       ) -> Status:
    for pl in profile.filter:
        if pl.name in state.skip_filter_plugins:
            continue
        status = pl.filter(state, pod, node_info)
        if not status.is_success():
            if not status.is_rejected():
                status = _as_error(f'running "{pl.name}" filter plugin: {status.message()}')
            return attrs.evolve(status, plugin=pl.name)
    return OK


def run_filter_plugins_on_nodes(profile: Profile, state: CycleState, pod: Pod,
                                nodes: Sequence[NodeInfo]) -> list[Status | None]:
    """RunFilterPlugins for each of `nodes`: None where every plugin passed, else the status
    of the first plugin that did not (as run_filter_plugins), each plugin called once for the
    nodes still passing (its `filter_nodes` when it has one)."""
    result: list[Status | None] = [None] * len(nodes)
    alive = list(range(len(nodes)))
    for pl in profile.filter:
        if not alive:
            break
        if pl.name in state.skip_filter_plugins:
            continue
        batch = getattr(pl, "filter_nodes", None)
        infos = nodes if len(alive) == len(nodes) else [nodes[k] for k in alive]
        statuses = batch(state, pod, infos) if batch is not None else \
            [pl.filter(state, pod, info) for info in infos]
        if statuses.count(OK) == len(statuses):  # every node passed (the usual case)
            continue
        passing = []
        for k, status in zip(alive, statuses, strict=True):
            if status.code == SUCCESS:
                passing.append(k)
                continue
            if not status.is_rejected():
                status = _as_error(f'running "{pl.name}" filter plugin: {status.message()}')
            result[k] = attrs.evolve(status, plugin=pl.name)
        alive = passing
    return result


def run_post_filter_plugins(profile: Profile, state: CycleState, pod: Pod, snapshot: Snapshot,
                            statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
    result: PostFilterResult | None = None
    reasons: list[str] = []
    rejector = ""
    state = state.write(HANDLE_STATE_KEY, profile)
    for pl in profile.post_filter:
        r, s = pl.post_filter(state, pod, snapshot, statuses)
        if s.is_success():
            return r, s
        if s.code == UNSCHEDULABLE_AND_UNRESOLVABLE:
            return r, s.with_plugin(pl.name)
        if not s.is_rejected():
            return None, Status(ERROR, s.reasons, pl.name)
        if r is not None and r.nominated_node_name is not None:
            result = r
        reasons.extend(s.reasons)
        rejector = rejector or pl.name
    return result, Status(UNSCHEDULABLE, tuple(reasons), rejector)


def run_pre_score_plugins(profile: Profile, state: CycleState, pod: Pod, snapshot: Snapshot,
                          nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
    skip: set[str] = set()
    for pl in profile.pre_score:
        state, status = pl.pre_score(state, pod, snapshot, nodes)
        if status.is_skip():
            skip.add(pl.name)
            continue
        if not status.is_success():
            return state, _as_error(f'running PreScore plugin "{pl.name}": {status.message()}')
    return state.with_skip_score_plugins(frozenset(skip)), OK


def run_score_plugins(profile: Profile, state: CycleState, pod: Pod,
                      nodes: Sequence[NodeInfo]) -> tuple[list[NodeScore], Status]:
    """Each plugin's scores, normalized, weighted and summed per node (NodePluginScores'
    TotalScore)."""
    totals, status = run_score_plugins_totals(profile, state, pod, nodes)
    return [NodeScore(info.name, t) for info, t in zip(nodes, totals, strict=True)], status


def run_score_plugins_totals(profile: Profile, state: CycleState, pod: Pod,
                             nodes: Sequence[NodeInfo]) -> tuple[list[int], Status]:
    """run_score_plugins' totals alone, in node order ([] on failure)."""
    plugins = [(pl, w) for pl, w in profile.score if pl.name not in state.skip_score_plugins]
    totals = [0] * len(nodes)
    for pl, weight in plugins:
        batch = getattr(pl, "score_nodes", None)
        if batch is not None:
            values, status = batch(state, pod, nodes)
            if not status.is_success():
                return [], _as_error(f'running Score plugins: plugin "{pl.name}" failed with: '
                                     f"{status.message()}")
            normalize_values = getattr(pl, "normalize_values", None)
            if normalize_values is not None:
                values, status = normalize_values(state, pod, nodes, values)
                if not status.is_success():
                    return [], _as_error('running Normalize on Score plugins: plugin '
                                         f'"{pl.name}" failed with: {status.message()}')
            if normalize_values is not None or not hasattr(pl, "normalize_score"):
                if values and not (min(values) >= MIN_NODE_SCORE
                                   and max(values) <= MAX_NODE_SCORE):
                    return [], _invalid_score(pl.name, next(
                        v for v in values if not MIN_NODE_SCORE <= v <= MAX_NODE_SCORE))
                totals = list(map(operator.add, totals, values)) if weight == 1 else \
                    [t + v * weight for t, v in zip(totals, values, strict=True)]
                continue
            scores = [NodeScore(info.name, v) for info, v in zip(nodes, values, strict=True)]
        else:
            scores = []
            for info in nodes:
                value, status = pl.score(state, pod, info)
                if not status.is_success():
                    return [], _as_error(f'running Score plugins: plugin "{pl.name}" failed '
                                         f"with: {status.message()}")
                scores.append(NodeScore(info.name, value))
        if hasattr(pl, "normalize_score"):
            scores, status = pl.normalize_score(state, pod, scores)
            if not status.is_success():
                return [], _as_error('running Normalize on Score plugins: plugin '
                                     f'"{pl.name}" failed with: {status.message()}')
        for i, s in enumerate(scores):
            if not MIN_NODE_SCORE <= s.score <= MAX_NODE_SCORE:
                return [], _invalid_score(pl.name, s.score)
            totals[i] += s.score * weight
    return totals, OK


def _invalid_score(plugin: str, score: int) -> Status:
    return _as_error('applying score defaultWeights on Score plugins: plugin '
                     f'"{plugin}" returns an invalid score {score}, it should in the range '
                     f"of [{MIN_NODE_SCORE}, {MAX_NODE_SCORE}] after normalizing")


# -- schedule_one.go ------------------------------------------------------------------------


def num_feasible_nodes_to_find(percentage_of_nodes_to_score: int | None, num_all_nodes: int,
                               global_percentage: int = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE
                               ) -> int:
    """All nodes below 100; else the profile's (or the global) percentage, 0 meaning the
    adaptive 50 - nodes/125 with a floor of 5 %; never fewer than 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    percentage = (percentage_of_nodes_to_score if percentage_of_nodes_to_score is not None
                  else global_percentage)
    if percentage == 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    num_nodes = num_all_nodes * percentage // 100
    return max(num_nodes, MIN_FEASIBLE_NODES_TO_FIND)


@attrs.define
class Scheduler:
    """What one cycle reads and updates: the snapshot, the profile, and nextStartNodeIndex."""

    snapshot: Snapshot
    profile: Profile
    next_start_node_index: int = 0
    percentage_of_nodes_to_score: int = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE

    def find_nodes_that_fit_pod(self, state: CycleState, pod: Pod
                                ) -> tuple[CycleState, list[NodeInfo], Diagnosis, Status | None]:
        diagnosis = Diagnosis()
        all_nodes = self.snapshot.node_names
        state, pre_res, s, plugins = run_pre_filter_plugins(self.profile, state, pod,
                                                            self.snapshot)
        diagnosis.unschedulable_plugins = set(plugins)
        if not s.is_success():
            if not s.is_rejected():
                return state, [], diagnosis, s
            diagnosis.node_to_status.absent_nodes_status = s
            diagnosis.pre_filter_msg = s.message()
            diagnosis.add_plugin_status(s)
            return state, [], diagnosis, None
        if pod.status.nominated_node_name:
            feasible = self.evaluate_nominated_node(state, pod, diagnosis)
            if feasible:
                return state, feasible, diagnosis, None
        names: Sequence[str] = all_nodes
        if pre_res is not None and pre_res.node_names is not None:
            names = [n for n in all_nodes if n in pre_res.node_names]
            diagnosis.node_to_status.absent_nodes_status = Status(
                UNSCHEDULABLE_AND_UNRESOLVABLE,
                (f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]",))
        feasible, error = self.find_nodes_that_pass_filters(state, pod, diagnosis, names)
        processed = len(feasible) + len(diagnosis.node_to_status)
        self.next_start_node_index = (self.next_start_node_index + processed) % len(all_nodes)
        return state, feasible, diagnosis, error

    def evaluate_nominated_node(self, state: CycleState, pod: Pod, diagnosis: Diagnosis
                                ) -> list[NodeInfo]:
        name = pod.status.nominated_node_name or ""
        if self.snapshot.get(name) is None:
            return []
        feasible, _ = self.find_nodes_that_pass_filters(state, pod, diagnosis, [name])
        return feasible

    def find_nodes_that_pass_filters(self, state: CycleState, pod: Pod, diagnosis: Diagnosis,
                                     names: Sequence[str]) -> tuple[list[NodeInfo], Status | None]:
        num_all = len(names)
        if num_all == 0:
            return [], None
        to_find = num_feasible_nodes_to_find(self.profile.percentage_of_nodes_to_score,
                                             num_all, self.percentage_of_nodes_to_score)
        if not self.profile.score:
            to_find = 1
        start = self.next_start_node_index
        if not self.profile.filter:
            nodes = (self.snapshot.get(names[(start + i) % num_all]) for i in range(num_all))
            return [n for _, n in zip(range(to_find), nodes, strict=False) if n], None
        # The nodes are filtered in windows of what is still to be found (each plugin once per
        # window), then taken in order exactly as one at a time: the first ERROR ends the
        # search, the search stops at the to_find-th feasible node, and the nodes of the last
        # window past that one are dropped as if never examined.
        feasible: list[NodeInfo] = []
        examined = 0
        while examined < num_all and len(feasible) < to_find:
            size = max(to_find - len(feasible), MIN_FILTER_WINDOW)
            # names[(start + i) % num_all] for i in examined..end-1, as at most two slices
            first, count = (start + examined) % num_all, min(num_all, examined + size) - examined
            wanted = names[first:first + count] if first + count <= num_all else \
                [*names[first:], *names[:first + count - num_all]]
            window = self.snapshot.get_many(wanted)
            examined += size
            statuses = run_filter_plugins_on_nodes(self.profile, state, pod, window)
            for info, status in zip(window, statuses, strict=True):
                if status is None:
                    feasible.append(info)
                    if len(feasible) >= to_find:
                        break
                elif status.code == ERROR:
                    return feasible, status
                else:
                    diagnosis.node_to_status.set(info.name, status)
                    diagnosis.add_plugin_status(status)
        return feasible, None

    def schedule_pod(self, state: CycleState, pod: Pod, random: Any
                     ) -> tuple[CycleState, ScheduleResult | Failure]:
        if len(self.snapshot) == 0:
            return state, Failure(Status(UNSCHEDULABLE_AND_UNRESOLVABLE,
                                         (ERR_NO_NODES_AVAILABLE,)))
        state, feasible, diagnosis, error = self.find_nodes_that_fit_pod(state, pod)
        if error is not None:
            return state, Failure(error)
        if not feasible:
            fit = FitError(pod, len(self.snapshot), diagnosis)
            return state, Failure(Status(UNSCHEDULABLE), fit)
        evaluated = len(feasible) + len(diagnosis.node_to_status)
        if len(feasible) == 1:
            return state, ScheduleResult(feasible[0].name, evaluated, 1)
        state, totals, status = prioritize_node_totals(self.profile, state, pod, self.snapshot,
                                                       feasible)
        if not status.is_success():
            return state, Failure(status)
        host = select_host_name([info.name for info in feasible], totals, random)
        return state, ScheduleResult(host, evaluated, len(feasible))


def prioritize_nodes(profile: Profile, state: CycleState, pod: Pod, snapshot: Snapshot,
                     nodes: Sequence[NodeInfo]) -> tuple[CycleState, list[NodeScore], Status]:
    """PreScore, Score, NormalizeScore and the weighted sum; every node scores 1 when the
    profile has no score plugins."""
    state, totals, status = prioritize_node_totals(profile, state, pod, snapshot, nodes)
    return state, [NodeScore(n.name, t) for n, t in zip(nodes, totals, strict=True)], status


def prioritize_node_totals(profile: Profile, state: CycleState, pod: Pod, snapshot: Snapshot,
                           nodes: Sequence[NodeInfo]) -> tuple[CycleState, list[int], Status]:
    """prioritize_nodes' scores alone, in node order ([] on failure)."""
    if not profile.score:
        return state, [1] * len(nodes), OK
    state, status = run_pre_score_plugins(profile, state, pod, snapshot, nodes)
    if not status.is_success():
        return state, [], status
    totals, status = run_score_plugins_totals(profile, state, pod, nodes)
    return state, totals, status


# container/heap with nodeScoreHeap.Less = higher TotalScore first, on (name, score) pairs.

def _down(h: list[Any], i: int, n: int) -> None:
    """heap.down(h, i, n) with Less inlined: h[x][1] is the score."""
    while True:
        j = 2 * i + 1
        if j >= n:
            break
        if j + 1 < n and h[j + 1][1] > h[j][1]:
            j += 1
        if not h[j][1] > h[i][1]:
            break
        h[i], h[j] = h[j], h[i]
        i = j


def _heap_init(h: list[Any]) -> None:
    n = len(h)
    for i in range(n // 2 - 1, -1, -1):
        _down(h, i, n)


def _heap_pop(h: list[Any]) -> Any:
    n = len(h) - 1
    h[0], h[n] = h[n], h[0]
    _down(h, 0, n)
    return h.pop()


def select_host_name(names: Sequence[str], scores: Sequence[int], random: Any) -> str:
    """selectHost's choice alone (the node `names[i]` scored `scores[i]`), for a `random`
    that is a function of its argument (the cycle's: the cluster's seeded bits for this pod
    and revision). The reservoir sampling keeps the i-th node popped at the highest score (i
    from 0) where i + 1 is the largest n in 2..ties with random(n) == 0 (i = 0 if none): so
    that n is found counting down, and the heap is popped only down to that node. One node
    at the highest score draws nothing; with every node at it the heap never moves, so pop
    i > 0 is the (len - i)-th node."""
    if not scores:
        raise ValueError("empty priorityList")
    best = max(scores)
    ties = scores.count(best) if isinstance(scores, list) else list(scores).count(best)
    selected_index = 0
    for n in range(ties, 1, -1):
        if random(n) == 0:
            selected_index = n - 1
            break
    if ties == len(scores):
        return names[-selected_index if selected_index else 0]
    h = list(zip(names, scores, strict=True))
    _heap_init(h)
    for _ in range(selected_index):
        _heap_pop(h)
    return h[0][0]


def select_host(node_scores: Sequence[NodeScore], count: int, random: Any
                ) -> tuple[str, list[NodeScore]]:
    """selectHost: pop the heap; among the nodes with the highest score pick one by reservoir
    sampling (`random(n)` is Go's rand.Intn(n)); also return the top `count`."""
    if not node_scores:
        raise ValueError("empty priorityList")
    h = list(node_scores)
    _heap_init(h)
    cnt_of_max_score = 1
    selected_index = 0
    top = [_heap_pop(h)]
    max_score = top[0][1]
    while h:
        ns = _heap_pop(h)
        if ns[1] != max_score and len(top) == count:
            break
        if ns[1] == max_score:
            cnt_of_max_score += 1
            if random(cnt_of_max_score) == 0:
                selected_index = cnt_of_max_score - 1
        top.append(ns)
    if selected_index != 0:
        top[0], top[selected_index] = top[selected_index], top[0]
    return top[0].name, top[:count]


# -- failures and binding ---------------------------------------------------------------------


def update_pod_condition(conditions: Sequence[Condition], condition: Condition, now: int
                         ) -> tuple[tuple[Condition, ...], bool]:
    """podutil.UpdatePodCondition: add or replace; the transition time moves only when the
    status changes; says whether anything changed."""
    condition = attrs.evolve(condition, last_transition_time=now)
    out = list(conditions)
    for i, old in enumerate(out):
        if old.type != condition.type:
            continue
        if condition.status == old.status:
            condition = attrs.evolve(condition, last_transition_time=old.last_transition_time)
        out[i] = condition
        return tuple(out), condition != old
    return (*out, condition), True


def update_pod(cluster: Cluster, pod: Pod, condition: Condition,
               nominated_node_name: str | None) -> Cluster:
    """updatePod: patch the condition and (ModeOverride) the nominated node name, if either
    changed."""
    nnn_needs_update = (nominated_node_name is not None
                        and (pod.status.nominated_node_name or "") != nominated_node_name)
    conditions, changed = update_pod_condition(pod.status.conditions, condition, cluster.now)
    if not changed and not nnn_needs_update:
        return cluster
    status = attrs.evolve(pod.status, conditions=pvector(conditions))
    if nnn_needs_update:
        status = attrs.evolve(status, nominated_node_name=nominated_node_name or None)
    written = apiserver.update_status(cluster, attrs.evolve(pod, status=status))
    return written.cluster if isinstance(written, apiserver.Written) else cluster


def handle_scheduling_failure(cluster: Cluster, key: str, pod: Pod, failure: Failure
                              ) -> Cluster:
    """Requeue the pod (unschedulablePods when plugins rejected it, backoffQ otherwise) and
    record PodScheduled=False with the reason and the error message."""
    status = failure.status
    reason = "Unschedulable" if status.is_rejected() else "SchedulerError"
    message = failure.fit_error.error() if failure.fit_error is not None else status.message()
    rejectors: set[str] = set()
    if failure.fit_error is not None:
        d = failure.fit_error.diagnosis
        rejectors = d.unschedulable_plugins | d.pending_plugins
    cached = cluster.get("Pod", pod.metadata.namespace, pod.metadata.name or "")
    if cached is not None and not cached.spec.node_name:
        cluster = (queue.add_unschedulable(cluster, key) if rejectors
                   else queue.add_backoff(cluster, key))
    condition = Condition(type="PodScheduled", status="False", reason=reason, message=message,
                          observed_generation=pod.metadata.generation or None)
    return update_pod(cluster, pod, condition, failure.nominated_node_name)


def _random(cluster: Cluster, key: str) -> Any:
    return lambda n: cluster.random_bits("selectHost", key, n) % n


def scheduling_cycle(scheduler: Scheduler, state: CycleState, pod: Pod, random: Any
                     ) -> tuple[CycleState, ScheduleResult | Failure]:
    """schedulePod, then PostFilter (preemption) when the pod fits nowhere."""
    state, result = scheduler.schedule_pod(state, pod, random)
    if isinstance(result, ScheduleResult) or result.fit_error is None:
        return state, result
    fit = result.fit_error
    if not scheduler.profile.post_filter:
        return state, result
    post, status = run_post_filter_plugins(scheduler.profile, state, pod, scheduler.snapshot,
                                           fit.diagnosis.node_to_status)
    fit.diagnosis.post_filter_msg = status.message()
    nominated = post.nominated_node_name if post is not None else None
    written = post.cluster if post is not None else None
    return state, attrs.evolve(result, nominated_node_name=nominated, cluster=written)


def schedule_one(cluster: Cluster, pod_key: str, profile: Profile,
                 percentage_of_nodes_to_score: int = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE
                 ) -> Cluster:
    """ScheduleOne for the pod `namespace/name`: skip it when bound, being deleted or for
    another scheduler; otherwise one scheduling cycle and its binding or failure."""
    namespace, _, name = pod_key.partition("/")
    pod = cluster.get("Pod", namespace, name)
    if pod is None or pod.spec.node_name:
        return queue.done(cluster, pod_key)
    if (pod.spec.scheduler_name or DEFAULT_SCHEDULER_NAME) != profile.scheduler_name:
        return cluster
    if pod.metadata.deletion_timestamp is not None:
        return cluster
    cluster = queue.record_attempt(cluster, pod_key)
    scheduler = Scheduler(Snapshot(cluster), profile, cluster.scheduler_next_start,
                          percentage_of_nodes_to_score)
    _, result = scheduling_cycle(scheduler, CycleState(), pod, _random(cluster, pod_key))
    if isinstance(result, Failure) and result.cluster is not None:
        cluster = result.cluster
    if scheduler.next_start_node_index != cluster.scheduler_next_start:  # (all nodes examined:
        # the same start again)
        cluster = attrs.evolve(cluster, scheduler_next_start=scheduler.next_start_node_index)
    if isinstance(result, Failure):
        return handle_scheduling_failure(cluster, pod_key, pod, result)
    written = apiserver.bind(cluster, namespace, name, result.suggested_host)
    if isinstance(written, apiserver.Written):
        return queue.done(written.cluster, pod_key)
    error = Status(ERROR, (f'running Bind plugin "DefaultBinder": {written.message}',))
    return handle_scheduling_failure(cluster, pod_key, pod, Failure(error))
