"""The scores of one scheduling cycle, for people: which nodes passed the filters, why the
others did not, and each score plugin's normalized, weighted score per feasible node — what
kube-scheduler-simulator shows for a placement.

`explain_cycle(cluster, pod_key)` runs the same functions a cycle runs (cycle.py's
find_nodes_that_fit_pod, run_pre_score_plugins, each Score and NormalizeScore, the weights) on
the state the cycle saw, and returns the numbers; it writes nothing and decides nothing (it is
not called by the scheduler). The sum per node equals what `prioritize_nodes` computes, so the
node the cycle bound the pod to is among the highest totals.

Models (v1.34): pkg/scheduler/schedule_one.go schedulePod and prioritizeNodes;
framework/runtime/framework.go RunScorePlugins (NodePluginScores per plugin).
Simplifies: with one feasible node the cycle skips scoring; the scores are still computed here
for display.
Covered by: tests/test_scheduler_explain.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster
from kubefold.reducers.scheduler.config import Profile
from kubefold.reducers.scheduler.controller import scheduler_config
from kubefold.reducers.scheduler.cycle import (
    DEFAULT_SCHEDULER_NAME,
    Scheduler,
    run_pre_score_plugins,
)
from kubefold.reducers.scheduler.framework import CycleState, NodeScore, Snapshot


@attrs.frozen
class Placement:
    """One cycle's numbers: per feasible node, each plugin's weighted score and the total;
    per filtered-out node, the reason."""

    pod: str
    plugins: tuple[tuple[str, int], ...]  # (plugin, weight)
    scores: tuple[tuple[str, tuple[int, ...], int], ...]  # (node, weighted per plugin, total)
    rejected: tuple[tuple[str, str], ...] = ()  # (node, why)
    error: str = ""

    def best(self) -> tuple[str, ...]:
        """The nodes with the highest total (the cycle picks one of them)."""
        if not self.scores:
            return ()
        top = max(total for _, _, total in self.scores)
        return tuple(node for node, _, total in self.scores if total == top)


def explain_cycle(cluster: Cluster, pod_key: str, profile: Profile | None = None) -> Placement:
    """The filter verdicts and scores the scheduler computes for the pod `namespace/name` in
    `cluster` (the state before its binding), with the cluster's scheduler configuration."""
    namespace, _, name = pod_key.partition("/")
    pod = cluster.get("Pod", namespace, name)
    if pod is None:
        return Placement(pod_key, (), (), error="no such pod")
    config = scheduler_config(cluster)
    if profile is None:
        profile = config.profiles.get(pod.spec.scheduler_name or DEFAULT_SCHEDULER_NAME)
    if profile is None:
        return Placement(pod_key, (), (), error="no scheduler profile for this pod")
    if pod.spec.node_name:  # explain the pod as it was before binding
        pod = attrs.evolve(pod, spec=attrs.evolve(pod.spec, node_name=None))
    scheduler = Scheduler(Snapshot(cluster), profile, cluster.scheduler_next_start,
                          config.percentage_of_nodes_to_score)
    state, feasible, diagnosis, error = scheduler.find_nodes_that_fit_pod(CycleState(), pod)
    rejected = tuple(sorted((node, diagnosis.node_to_status[node].message())
                            for node in diagnosis.node_to_status))
    if error is not None:
        return Placement(pod_key, (), (), rejected, error.message())
    plugins = tuple((pl.name, weight) for pl, weight in profile.score)
    if not feasible or not profile.score:
        return Placement(pod_key, plugins, tuple((n.name, (), 1) for n in feasible), rejected)
    state, status = run_pre_score_plugins(profile, state, pod, scheduler.snapshot, feasible)
    if not status.is_success():
        return Placement(pod_key, plugins, (), rejected, status.message())
    per_plugin: list[list[int]] = []
    for pl, weight in profile.score:
        if pl.name in state.skip_score_plugins:
            per_plugin.append([0] * len(feasible))
            continue
        scores = [NodeScore(info.name, pl.score(state, pod, info)[0]) for info in feasible]
        if hasattr(pl, "normalize_score"):
            scores, _ = pl.normalize_score(state, pod, scores)
        per_plugin.append([s.score * weight for s in scores])
    rows = tuple((info.name, tuple(column[i] for column in per_plugin),
                  sum(column[i] for column in per_plugin)) for i, info in enumerate(feasible))
    return Placement(pod_key, plugins, rows, rejected)
