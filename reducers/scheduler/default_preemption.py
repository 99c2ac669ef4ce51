"""DefaultPreemption: the PostFilter plugin that makes room for a pod by preempting pods of
lower priority.

When no node fits, PostFilter dry-runs preemption on the nodes whose filter status is
Unschedulable (from a random offset, until enough candidates are found), picks the node whose
victims cost least, asks the API server to mark those victims DisruptionTarget and delete them,
clears the nomination of lower-priority pods nominated to that node, and nominates the node
for the pod. The pod is not bound in this cycle: it is retried once the victims are gone.

Models (v1.34): pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go (New,
PostFilter, calculateNumCandidates, GetOffsetAndNumCandidates, CandidatesToVictimsMap,
SelectVictimsOnNode, PodEligibleToPreemptOthers, OrderedScoreFuncs, isPreemptionAllowed,
podTerminatingByPreemption, filterPodsWithPDBViolation); apis/config/v1 defaults and
validation ValidateDefaultPreemptionArgs; framework/preemption/preemption.go (Candidate,
Evaluator.Preempt, findCandidates, SelectCandidate, prepareCandidate with PreemptPod,
getPodDisruptionBudgets, pickOneNodeForPreemption, getLowerPriorityNominatedPods,
DryRunPreemption with its two candidate lists capped at the candidate count);
framework/types.go (NodeToStatus.NodesForStatusCode, NodeInfo.AddPodInfo/RemovePod);
framework/runtime/framework.go (RunPreFilterExtensionAddPod/RemovePod); pkg/scheduler/util
(MoreImportantPod, GetPodStartTime, GetEarliestPodStartTime, ClearNominatedNodeName).
Simplifies:
- prepareCandidate runs within the cycle, one victim after the other (v1.34 turns
  SchedulerAsyncPreemption on: the same writes then come from a goroutine while PreEnqueue
  holds the pod back); a write that fails drops the ones before it (Go keeps them). No
  Preempted events, no waiting pods, no extenders, no metrics.
- The dry run visits nodes one at a time and stops as soon as it has enough candidates (Go's
  16 workers may look at a few nodes more).
- Nodes are taken in the snapshot's node order, where Go ranges over maps: the nodes to try
  when the absent nodes do not qualify (NodesForStatusCode), and tied candidates in
  pickOneNodeForPreemption.
- A pod without status.startTime counts as started at `cluster.now` (Go reads time.Now() at
  each comparison); start times are compared in seconds (Go: nanoseconds); victims are sorted
  stably (Go's sort.Slice is stable below 13 elements).
- The filters run once per node, without the pods nominated to it (as cycle.py does).
- The framework handle (the profile) reaches the plugin through the cycle state
  (`HANDLE_STATE_KEY`); the API writes leave it as `PostFilterResult.cluster`.
Covered by: tests/test_scheduler_preemption.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import FieldError, aggregate, invalid
from kubefold.core.errors import Status as ApiStatus
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.nodeinfo import pod_info
from kubefold.core.objects import Condition, Pod, PodDisruptionBudget
from kubefold.reducers import apiserver
from kubefold.reducers.scheduler.cycle import (
    DEFAULT_SCHEDULER_NAME,
    Diagnosis,
    FitError,
    run_filter_plugins,
    update_pod_condition,
)
from kubefold.reducers.scheduler.framework import (
    ERROR,
    HANDLE_STATE_KEY,
    OK,
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    NodeInfo,
    NodeToStatus,
    PostFilterResult,
    Snapshot,
    Status,
    unschedulable,
)
from kubefold.reducers.scheduler.queue_sort import pod_priority

NAME = "DefaultPreemption"
DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE = 10
DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE = 100
MAX_INT32 = 2**31 - 1
MIN_INT64 = -(2**63)
DISRUPTION_TARGET = "DisruptionTarget"
POD_REASON_PREEMPTION_BY_SCHEDULER = "PreemptionByScheduler"
ERR_NO_VICTIMS = "No preemption victims found for incoming pod"
ERR_NOT_HELPFUL = "Preemption is not helpful for scheduling"
MSG_PREEMPT_NEVER = "not eligible due to preemptionPolicy=Never."
MSG_TERMINATING = "not eligible due to a terminating pod on the nominated node."

ScoreFunc = Callable[[str], int]


# --- args: DefaultPreemptionArgs, its v1 defaults and validation ----------------------------


@attrs.frozen
class DefaultPreemptionArgs:
    min_candidate_nodes_percentage: int = DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE
    min_candidate_nodes_absolute: int = DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE


def decode_args(args: Mapping[str, Any]) -> DefaultPreemptionArgs:
    """The v1 args, defaulted (SetDefaults_DefaultPreemptionArgs: 10 % and 100)."""
    pct = args.get("minCandidateNodesPercentage")
    absolute = args.get("minCandidateNodesAbsolute")
    return DefaultPreemptionArgs(
        DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE if pct is None else int(pct),
        DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE if absolute is None else int(absolute))


def validate_default_preemption_args(args: DefaultPreemptionArgs) -> list[FieldError]:
    pct_path, abs_path = "minCandidateNodesPercentage", "minCandidateNodesAbsolute"
    pct, absolute = args.min_candidate_nodes_percentage, args.min_candidate_nodes_absolute
    errs = []
    if not 0 <= pct <= 100:
        errs.append(invalid(pct_path, pct, "not in valid range [0, 100]"))
    if absolute < 0:
        errs.append(invalid(abs_path, absolute, "not in valid range [0, inf)"))
    if pct == 0 and absolute == 0:
        errs.append(invalid(pct_path, pct,
                            "cannot be zero at the same time as minCandidateNodesAbsolute"))
        errs.append(invalid(abs_path, absolute,
                            "cannot be zero at the same time as minCandidateNodesPercentage"))
    return errs


# --- candidates (preemption.go) and pod helpers (pkg/scheduler/util) -----------------------


@attrs.frozen
class Victims:
    """extenderv1.Victims: the pods to preempt, most important first, and how many of them
    violate a PodDisruptionBudget."""

    pods: tuple[Pod, ...] = ()
    num_pdb_violations: int = 0


@attrs.frozen
class Candidate:
    victims: Victims
    name: str


def get_pod_start_time(pod: Pod, now: int) -> int:
    """util.GetPodStartTime: status.startTime, else now."""
    return pod.status.start_time if pod.status.start_time is not None else now


def more_important_pod(pod1: Pod, pod2: Pod, now: int) -> bool:
    """util.MoreImportantPod: higher priority, then the one that started earlier."""
    p1, p2 = pod_priority(pod1), pod_priority(pod2)
    if p1 != p2:
        return p1 > p2
    return get_pod_start_time(pod1, now) < get_pod_start_time(pod2, now)


def sort_by_importance(pods: Iterable[Pod], now: int) -> list[Pod]:
    """sort.Slice with MoreImportantPod: most important first (stably)."""
    def cmp(a: Pod, b: Pod) -> int:
        return -1 if more_important_pod(a, b, now) else (
            1 if more_important_pod(b, a, now) else 0)
    return sorted(pods, key=functools.cmp_to_key(cmp))


def get_earliest_pod_start_time(victims: Victims, now: int) -> int | None:
    """util.GetEarliestPodStartTime: the earliest start among the highest-priority victims."""
    if not victims.pods:
        return None
    earliest = get_pod_start_time(victims.pods[0], now)
    max_priority = pod_priority(victims.pods[0])
    for pod in victims.pods:
        priority = pod_priority(pod)
        if priority == max_priority:
            earliest = min(earliest, get_pod_start_time(pod, now))
        elif priority > max_priority:
            max_priority, earliest = priority, get_pod_start_time(pod, now)
    return earliest


def _key(pod: Pod) -> tuple[str, str]:
    return pod.metadata.namespace or "", pod.metadata.name or ""


# --- the framework's NodeInfo and PreFilter extensions -------------------------------------


def remove_pod(node_info: NodeInfo, pod: Pod) -> NodeInfo:
    """NodeInfo.RemovePod: the pod and its requests (and slot) leave the node."""
    pods = tuple(p for p in node_info.pods if _key(p) != _key(pod))
    return node_info.with_pods(pods, node_info.allocation.add(pod_info(pod), -1))


def add_pod(node_info: NodeInfo, pod: Pod) -> NodeInfo:
    """NodeInfo.AddPodInfo: the pod joins the node (appended)."""
    return node_info.with_pods((*node_info.pods, pod), node_info.allocation.add(pod_info(pod)))


def _run_pre_filter_extension(verb: str, profile: Any, state: CycleState, pod: Pod,
                              other: Pod, node_info: NodeInfo) -> tuple[CycleState, Status]:
    method = "add_pod" if verb == "AddPod" else "remove_pod"
    for pl in profile.pre_filter:
        if not hasattr(pl, method) or pl.name in state.skip_filter_plugins:
            continue
        state, status = getattr(pl, method)(state, pod, other, node_info)
        if not status.is_success():
            return state, Status(ERROR, (f'running {verb} on PreFilter plugin "{pl.name}": '
                                         f"{status.message()}",))
    return state, OK


def run_pre_filter_extension_add_pod(profile: Any, state: CycleState, pod: Pod, to_add: Pod,
                                     node_info: NodeInfo) -> tuple[CycleState, Status]:
    """RunPreFilterExtensionAddPod: each PreFilter plugin with AddPod (not skipped)."""
    return _run_pre_filter_extension("AddPod", profile, state, pod, to_add, node_info)


def run_pre_filter_extension_remove_pod(profile: Any, state: CycleState, pod: Pod,
                                        to_remove: Pod, node_info: NodeInfo
                                        ) -> tuple[CycleState, Status]:
    """RunPreFilterExtensionRemovePod: each PreFilter plugin with RemovePod (not skipped)."""
    return _run_pre_filter_extension("RemovePod", profile, state, pod, to_remove, node_info)


def nodes_for_status_code(statuses: NodeToStatus, snapshot: Snapshot, code: int
                          ) -> list[NodeInfo]:
    """NodeToStatus.NodesForStatusCode: the nodes whose status has `code` (every node not
    listed, when the absent nodes' status has it)."""
    if statuses.absent_nodes_status.code == code:
        return [n for n in snapshot if n.name not in statuses or statuses[n.name].code == code]
    return [info for name in snapshot.node_names
            if name in statuses and statuses[name].code == code
            and (info := snapshot.get(name)) is not None]


def _aggregate(messages: Sequence[str]) -> str:
    """utilerrors.NewAggregate(errs).Error()."""
    seen = list(dict.fromkeys(messages))
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


# --- default_preemption.go ------------------------------------------------------------------


@attrs.frozen
class DefaultPreemption:
    args: DefaultPreemptionArgs = DefaultPreemptionArgs()
    # IsEligiblePod: whether a lower-priority victim may be preempted (default: always).
    is_eligible_pod: Callable[[NodeInfo, Pod, Pod], bool] = lambda info, victim, pod: True
    name: str = NAME

    def post_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                    statuses: NodeToStatus) -> tuple[PostFilterResult | None, Status]:
        """PostFilter: Evaluator.Preempt, its message prefixed "preemption: "."""
        result, status = self.preempt(state, pod, snapshot, statuses)
        if status.message():
            return result, Status(status.code, (f"preemption: {status.message()}",))
        return result, status

    def calculate_num_candidates(self, num_nodes: int) -> int:
        """numNodes * percentage / 100, at least the absolute minimum, at most numNodes."""
        n = num_nodes * self.args.min_candidate_nodes_percentage // 100
        n = max(n, self.args.min_candidate_nodes_absolute)
        return min(n, num_nodes)

    def get_offset_and_num_candidates(self, num_nodes: int, random: Callable[[int], int]
                                      ) -> tuple[int, int]:
        """A random offset in [0, numNodes) (`random(n)` is rand.Int31n) and the count."""
        return random(num_nodes), self.calculate_num_candidates(num_nodes)

    def candidates_to_victims_map(self, candidates: Sequence[Candidate]) -> dict[str, Victims]:
        return {c.name: c.victims for c in candidates}

    def select_victims_on_node(self, state: CycleState, pod: Pod, node_info: NodeInfo,
                               pdbs: Sequence[PodDisruptionBudget], now: int
                               ) -> tuple[list[Pod], int, Status]:
        """Remove every lower-priority pod; if the pod then fits, reprieve victims (PDB
        violating ones first, each group most important first) while it still fits. The
        profile whose plugins run is the handle in `state`."""
        profile = state.read(HANDLE_STATE_KEY)
        potential = [p for p in node_info.pods if self.is_preemption_allowed(node_info, p, pod)]
        for victim in potential:
            node_info = remove_pod(node_info, victim)
            state, status = run_pre_filter_extension_remove_pod(profile, state, pod, victim,
                                                                node_info)
            if not status.is_success():
                return [], 0, status
        if not potential:
            return [], 0, unschedulable(ERR_NO_VICTIMS, unresolvable=True)
        status = run_filter_plugins(profile, state, pod, node_info)
        if not status.is_success():
            return [], 0, status
        potential = sort_by_importance(potential, now)
        violating, non_violating = filter_pods_with_pdb_violation(potential, pdbs)
        victims: list[Pod] = []
        num_violating = 0
        for group, counts in ((violating, True), (non_violating, False)):
            for p in group:
                outcome = _reprieve_pod(profile, state, pod, node_info, p)
                if isinstance(outcome, Status):
                    return [], 0, outcome
                state, node_info, fits = outcome
                if not fits:
                    victims.append(p)
                    num_violating += counts
        if violating and non_violating:
            victims = sort_by_importance(victims, now)
        return victims, num_violating, OK

    def pod_eligible_to_preempt_others(self, pod: Pod, snapshot: Snapshot,
                                       nominated_node_status: Status | None) -> tuple[bool, str]:
        """Not with preemptionPolicy Never; not while lower-priority pods on its nominated node
        are still terminating by preemption (unless that node is now unresolvable)."""
        if pod.spec.preemption_policy == "Never":
            return False, MSG_PREEMPT_NEVER
        nominated = pod.status.nominated_node_name
        if nominated:
            code = nominated_node_status.code if nominated_node_status is not None else SUCCESS
            if code == UNSCHEDULABLE_AND_UNRESOLVABLE:
                return True, ""
            info = snapshot.get(nominated)
            if info is not None:
                for p in info.pods:
                    if self.is_preemption_allowed(info, p, pod) and \
                            pod_terminating_by_preemption(p):
                        return False, MSG_TERMINATING
        return True, ""

    def ordered_score_funcs(self, nodes_to_victims: Mapping[str, Victims]
                            ) -> list[ScoreFunc] | None:
        """None: pickOneNodeForPreemption's default criteria."""
        return None

    def is_preemption_allowed(self, node_info: NodeInfo, victim: Pod, preemptor: Pod) -> bool:
        """The victim has lower priority and IsEligiblePod allows it."""
        return pod_priority(victim) < pod_priority(preemptor) and \
            self.is_eligible_pod(node_info, victim, preemptor)

    # --- preemption.go: the Evaluator --------------------------------------------------------

    def preempt(self, state: CycleState, pod: Pod, snapshot: Snapshot, statuses: NodeToStatus
                ) -> tuple[PostFilterResult | None, Status]:
        """Evaluator.Preempt: eligibility, candidates, the best one, its preparation."""
        cluster = snapshot.cluster
        namespace, name = _key(pod)
        latest = cluster.get("Pod", namespace, name)
        if latest is None:
            return None, Status(ERROR, (f'pods "{name}" not found',))
        pod = latest
        nominated_status = statuses.get(pod.status.nominated_node_name or "")
        ok, msg = self.pod_eligible_to_preempt_others(pod, snapshot, nominated_status)
        if not ok:
            return None, unschedulable(msg)
        all_nodes = list(snapshot)
        candidates, node_statuses, errs = self.find_candidates(state, all_nodes, pod, statuses,
                                                               snapshot)
        if errs and not candidates:
            return None, Status(ERROR, (_aggregate(errs),))
        if not candidates:
            diagnosis = Diagnosis()
            diagnosis.node_to_status = node_statuses
            node_statuses.absent_nodes_status = unschedulable(ERR_NOT_HELPFUL, unresolvable=True)
            fit_error = FitError(pod, len(all_nodes), diagnosis)
            return PostFilterResult(""), unschedulable(fit_error.error())
        best = self.select_candidate(candidates, cluster.now)
        if best is None or not best.name:
            return None, unschedulable("no candidate node for preemption")
        prepared = prepare_candidate(cluster, best, pod)
        if isinstance(prepared, Status):
            return None, prepared
        return PostFilterResult(best.name, cluster=prepared), OK

    def find_candidates(self, state: CycleState, all_nodes: Sequence[NodeInfo], pod: Pod,
                        statuses: NodeToStatus, snapshot: Snapshot
                        ) -> tuple[list[Candidate], NodeToStatus, list[str]]:
        """The Unschedulable nodes, dry-run from a random offset."""
        if not all_nodes:
            return [], NodeToStatus(), ["no nodes available"]
        potential = nodes_for_status_code(statuses, snapshot, UNSCHEDULABLE)
        if not potential:
            return [], NodeToStatus(), []
        pdbs = get_pod_disruption_budgets(snapshot.cluster)
        cluster = snapshot.cluster
        pod_key = "/".join(_key(pod))
        offset, num = self.get_offset_and_num_candidates(
            len(potential), lambda n: cluster.random_bits("preemption", pod_key) % n)
        return self.dry_run_preemption(state, pod, potential, pdbs, offset, num, cluster.now)

    def select_candidate(self, candidates: Sequence[Candidate], now: int) -> Candidate | None:
        """SelectCandidate: the only one, or pickOneNodeForPreemption's choice."""
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        victims_map = self.candidates_to_victims_map(candidates)
        node = pick_one_node_for_preemption(victims_map, self.ordered_score_funcs(victims_map),
                                            now)
        victims = victims_map.get(node)
        return Candidate(victims, node) if victims is not None else candidates[0]

    def dry_run_preemption(self, state: CycleState, pod: Pod,
                           potential_nodes: Sequence[NodeInfo],
                           pdbs: Sequence[PodDisruptionBudget], offset: int,
                           num_candidates: int, now: int
                           ) -> tuple[list[Candidate], NodeToStatus, list[str]]:
        """DryRunPreemption: SelectVictimsOnNode on each node from `offset`, until there is a
        non-violating candidate and `num_candidates` in all; each list holds at most
        `num_candidates`. Non-violating candidates come first; also the failed nodes'
        statuses and the errors."""
        non_violating: list[Candidate] = []
        violating: list[Candidate] = []
        statuses = NodeToStatus()
        errs: list[str] = []
        n = len(potential_nodes)
        for i in range(n):
            info = potential_nodes[(offset + i) % n]
            pods, num_violations, status = self.select_victims_on_node(state, pod, info, pdbs,
                                                                       now)
            if status.is_success() and pods:
                target = non_violating if num_violations == 0 else violating
                if len(target) < num_candidates:
                    target.append(Candidate(Victims(tuple(pods), num_violations), info.name))
                if non_violating and len(non_violating) + len(violating) >= num_candidates:
                    break
                continue
            if status.is_success():
                status = Status(ERROR, (f'expected at least one victim pod on node "{info.name}"',))
            if status.code == ERROR:
                errs.append(status.message())
            statuses.set(info.name, status)
        return non_violating + violating, statuses, errs


def _reprieve_pod(profile: Any, state: CycleState, pod: Pod, node_info: NodeInfo, victim: Pod
                  ) -> tuple[CycleState, NodeInfo, bool] | Status:
    """reprievePod: put the victim back; if the pod no longer fits, take it out again."""
    node_info = add_pod(node_info, victim)
    state, status = run_pre_filter_extension_add_pod(profile, state, pod, victim, node_info)
    if not status.is_success():
        return status
    fits = run_filter_plugins(profile, state, pod, node_info).is_success()
    if not fits:
        node_info = remove_pod(node_info, victim)
        state, status = run_pre_filter_extension_remove_pod(profile, state, pod, victim,
                                                            node_info)
        if not status.is_success():
            return status
    return state, node_info, fits


def pod_terminating_by_preemption(pod: Pod) -> bool:
    """Being deleted, with DisruptionTarget=True for PreemptionByScheduler."""
    if pod.metadata.deletion_timestamp is None:
        return False
    for c in pod.status.conditions:
        if c.type == DISRUPTION_TARGET:
            return c.status == "True" and c.reason == POD_REASON_PREEMPTION_BY_SCHEDULER
    return False


def filter_pods_with_pdb_violation(pods: Sequence[Pod], pdbs: Sequence[PodDisruptionBudget]
                                   ) -> tuple[list[Pod], list[Pod]]:
    """Split the pods (order kept) into those whose eviction would exceed a matching PDB's
    disruptionsAllowed and the rest; a pod already in status.disruptedPods spends nothing."""
    allowed = [pdb.status.disruptions_allowed or 0 for pdb in pdbs]
    violating: list[Pod] = []
    non_violating: list[Pod] = []
    for pod in pods:
        violated = False
        if pod.metadata.labels:
            for i, pdb in enumerate(pdbs):
                if pdb.metadata.namespace != pod.metadata.namespace:
                    continue
                try:
                    selector = label_selector_as_selector(pdb.spec.selector)
                except ValueError:
                    continue
                if selector.empty() or not selector.matches(pod.metadata.labels):
                    continue
                if (pod.metadata.name or "") in pdb.status.disrupted_pods:
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    violated = True
        (violating if violated else non_violating).append(pod)
    return violating, non_violating


# --- preemption.go: preparation and selection -----------------------------------------------


def preempt_pod(cluster: Cluster, candidate: Candidate, preemptor: Pod, victim: Pod
                ) -> Cluster | Status:
    """Evaluator.PreemptPod: DisruptionTarget written on the victim's status (if it changes),
    then the victim deleted (already gone is fine)."""
    namespace, name = _key(victim)
    scheduler = preemptor.spec.scheduler_name or DEFAULT_SCHEDULER_NAME
    condition = Condition(type=DISRUPTION_TARGET, status="True",
                          reason=POD_REASON_PREEMPTION_BY_SCHEDULER,
                          message=f"{scheduler}: preempting to accommodate a higher priority pod",
                          observed_generation=victim.metadata.generation or None)
    conditions, updated = update_pod_condition(victim.status.conditions, condition, cluster.now)
    if updated:
        current = cluster.get("Pod", namespace, name)
        if current is None:
            return Status(ERROR, (f'pods "{name}" not found',))
        patched = attrs.evolve(current, status=attrs.evolve(current.status,
                                                            conditions=pvector(conditions)))
        written = apiserver.update_status(cluster, patched)
        if isinstance(written, ApiStatus):
            return Status(ERROR, (written.message,))
        cluster = written.cluster
    deleted = apiserver.delete(cluster, "Pod", namespace, name)
    if isinstance(deleted, ApiStatus):
        return cluster if deleted.reason == "NotFound" else Status(ERROR, (deleted.message,))
    return deleted.cluster


def prepare_candidate(cluster: Cluster, candidate: Candidate, pod: Pod) -> Cluster | Status:
    """prepareCandidate: preempt every victim, then clear the nomination of the lower-priority
    pods nominated to the node (failures there are not fatal)."""
    for victim in candidate.victims.pods:
        result = preempt_pod(cluster, candidate, pod, victim)
        if isinstance(result, Status):
            return result
        cluster = result
    return clear_nominated_node_name(
        cluster, get_lower_priority_nominated_pods(cluster, pod, candidate.name))


def get_pod_disruption_budgets(cluster: Cluster) -> list[PodDisruptionBudget]:
    return list(cluster.list("PodDisruptionBudget"))


def pick_one_node_for_preemption(nodes_to_victims: Mapping[str, Victims],
                                 score_funcs: Sequence[ScoreFunc] | None, now: int) -> str:
    """The node with the highest score by each function in turn, ties going to the next:
    fewest PDB violations, lowest highest-victim priority, smallest sum of priorities (each
    shifted by MaxInt32+1), fewest victims, latest start of the highest-priority victims;
    then the first."""
    if not nodes_to_victims:
        return ""
    candidates = list(nodes_to_victims)
    if not score_funcs:
        def min_num_pdb_violating(node: str) -> int:
            return -nodes_to_victims[node].num_pdb_violations

        def min_highest_priority(node: str) -> int:
            return -pod_priority(nodes_to_victims[node].pods[0])

        def min_sum_priorities(node: str) -> int:
            return -sum(pod_priority(p) + MAX_INT32 + 1 for p in nodes_to_victims[node].pods)

        def min_num_pods(node: str) -> int:
            return -len(nodes_to_victims[node].pods)

        def latest_start_time(node: str) -> int:
            earliest = get_earliest_pod_start_time(nodes_to_victims[node], now)
            return MIN_INT64 if earliest is None else earliest

        score_funcs = [min_num_pdb_violating, min_highest_priority, min_sum_priorities,
                       min_num_pods, latest_start_time]
    for f in score_funcs:
        scores = {node: f(node) for node in candidates}
        best = max(scores.values())
        selected = [node for node in candidates if scores[node] == best]
        if len(selected) == 1:
            return selected[0]
        candidates = selected
    return candidates[0]


def get_lower_priority_nominated_pods(cluster: Cluster, pod: Pod, node_name: str) -> list[Pod]:
    """The pending pods nominated to the node with a lower priority than the pod."""
    out = []
    for namespace, name in sorted(cluster.unscheduled_pods):
        other = cluster.get("Pod", namespace, name)
        if other is not None and other.status.nominated_node_name == node_name \
                and pod_priority(other) < pod_priority(pod):
            out.append(other)
    return out


def clear_nominated_node_name(cluster: Cluster, pods: Iterable[Pod]) -> Cluster:
    """util.ClearNominatedNodeName: patch status.nominatedNodeName away (errors ignored)."""
    for pod in pods:
        if not pod.status.nominated_node_name:
            continue
        current = cluster.get("Pod", *_key(pod))
        if current is None:
            continue
        cleared = attrs.evolve(current, status=attrs.evolve(current.status,
                                                            nominated_node_name=None))
        written = apiserver.update_status(cluster, cleared)
        if isinstance(written, apiserver.Written):
            cluster = written.cluster
    return cluster


def new(args: Mapping[str, Any]) -> DefaultPreemption:
    """New: the args defaulted and validated (ValueError as New's error)."""
    decoded = decode_args(args)
    errs = validate_default_preemption_args(decoded)
    if errs:
        raise ValueError(aggregate(errs))
    return DefaultPreemption(decoded)
