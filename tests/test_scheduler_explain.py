"""reducers/scheduler/explain.py: the scores of a cycle, per plugin, without deciding
anything; the node each cycle bound the pod to is among the best totals, and the totals are
prioritize_nodes' own."""

from __future__ import annotations

from pathlib import Path

import kubefold
from kubefold import history
from kubefold.reducers.scheduler.config import default_profile
from kubefold.reducers.scheduler.cycle import Scheduler, prioritize_nodes
from kubefold.reducers.scheduler.explain import explain_cycle
from kubefold.reducers.scheduler.framework import CycleState, Snapshot
from kubefold.replaying import Placements

EXAMPLE = Path(__file__).parent.parent / "examples" / "rolling-update.yaml"


def test_every_placement_is_among_the_best_scores():
    cluster = kubefold.empty_cluster()
    placements = Placements(cluster, keep=100)
    history.run(cluster, kubefold.load_events(EXAMPLE), observer=placements)
    assert len(placements.found) > 20
    for before, key, node in placements.found:
        explained = explain_cycle(before, key)
        assert node in explained.best(), (key, explained)
        names = [p for p, _ in explained.plugins]
        assert "NodeResourcesFit" in names and "TaintToleration" in names
        assert all(total == sum(scores) for _, scores, total in explained.scores)


def test_totals_equal_prioritize_nodes():
    cluster = kubefold.empty_cluster()
    placements = Placements(cluster)
    history.run(cluster, kubefold.load_events(EXAMPLE), observer=placements)
    before, key, _ = placements.found[-1]
    namespace, _, name = key.partition("/")
    pod = before.get("Pod", namespace, name)
    profile = default_profile()
    scheduler = Scheduler(Snapshot(before), profile, before.scheduler_next_start)
    state, feasible, _, _ = scheduler.find_nodes_that_fit_pod(CycleState(), pod)
    _, scores, _ = prioritize_nodes(profile, state, pod, scheduler.snapshot, feasible)
    explained = explain_cycle(before, key)
    assert {s.name: s.score for s in scores} == {n: t for n, _, t in explained.scores}


def test_explain_writes_nothing():
    cluster = kubefold.empty_cluster()
    placements = Placements(cluster)
    history.run(cluster, kubefold.load_events(EXAMPLE), observer=placements)
    before, key, _ = placements.found[0]
    explain_cycle(before, key)
    assert before.changes == placements.found[0][0].changes
    assert explain_cycle(before, "default/nope").error == "no such pod"
