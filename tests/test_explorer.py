"""The explorer against planted bugs: each is found with the default budget and shrunk to a few
events, and the same search finds nothing with the bugs off; the PDB scenario (rollouts do not
honour PodDisruptionBudgets); exhaustive mode; the prefix memory and fault healing.

The scopes are small: three 4-cpu nodes (node-3 tainted NoSchedule) and a 3-replica
RollingUpdate Deployment with the default 25%/25% (maxSurge 1, maxUnavailable 0); two nodes
and a 3-replica Recreate Deployment. Faults (crashes, failing probes, node loss) are on: the
"new-unavailable-ignored" bug shows only when an old pod is unhealthy during a rollout.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.events import NodeHealth, PodEvent, Reconcile
from kubefold.properties import check, explorer
from kubefold.reducers import manager
from kubefold.strategies.events import (
    ChangeTemplate,
    CrashPod,
    FailProbe,
    NodeDown,
    RolloutAction,
    Wait,
)
from tests.planted import planted

MAX_ACTIONS = 6


def node(name: str, taint: bool = False) -> dict[str, Any]:
    capacity = {"cpu": "4", "memory": "8Gi", "pods": "110"}
    spec = {"taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]} \
        if taint else {}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": spec,
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def deployment(strategy: dict[str, Any], replicas: int = 3) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "strategy": strategy,
                     "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{
                                      "name": "app", "image": "web:v1",
                                      "resources": {"requests": {"cpu": "100m"}}}]}}}}


def rolling(surge: int | str = "25%", unavailable: int | str = "25%") -> dict[str, Any]:
    return {"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}


def rolling_scope() -> list[dict[str, Any]]:
    return [node("node-1"), node("node-2"), node("node-3", taint=True), deployment(rolling())]


def recreate_scope() -> list[dict[str, Any]]:
    return [node("node-1"), node("node-2"), deployment({"type": "Recreate"})]


def pdb_scope(surge: int | str, unavailable: int | str) -> list[dict[str, Any]]:
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "web"}}}}
    return [node("node-1"), node("node-2"), node("node-3"),
            deployment(rolling(surge, unavailable)), pdb]


def search(manifests: list[dict[str, Any]], seed: int = 0, plane: Any = None
           ) -> explorer.Exploration:
    """The search every planted-bug test runs: default budget (200), faults on."""
    return explorer.explore(manifests, seed=seed, faults=True, max_actions=MAX_ACTIONS,
                            plane=plane)


def invariants(findings: Any) -> set[str]:
    return {f.violation.invariant for f in findings}


def replayed(cx: explorer.Counterexample, mode: str = "auto", plane: Any = None
             ) -> check.CheckedReplay:
    return check.check_replay(manager.empty_cluster(0, plane), cx.log, mode, plane=plane)


PLANTED_BUGS = [
    pytest.param("max-surge-rounded-down", rolling_scope, "rollouts_stay_within_bounds",
                 id="max-surge-rounded-down"),
    pytest.param("new-unavailable-ignored", rolling_scope, "rollouts_stay_within_bounds",
                 id="new-unavailable-ignored"),
    pytest.param("taints-ignored", rolling_scope,
                 "pods_are_bound_only_where_taints_are_tolerated", id="taints-ignored"),
    pytest.param("recreate-no-wait", recreate_scope, "recreate_never_runs_old_and_new_together",
                 id="recreate-no-wait"),
]


@pytest.mark.parametrize(("bug", "scope", "invariant"), PLANTED_BUGS)
def test_planted_bug_is_found_and_shrunk(bug, scope, invariant):
    result = search(scope(), plane=planted(bug))
    cx = result.counterexample
    assert cx is not None, f"{bug} not found in {result.examples} sequences"
    assert 1 <= len(cx.events) <= 6, [str(e) for e in cx.events]
    assert invariant in invariants(cx.findings)
    # the log reproduces it
    assert invariant in invariants(replayed(cx, plane=planted(bug)).findings)


@pytest.mark.parametrize("scope", [rolling_scope, recreate_scope], ids=["rolling", "recreate"])
def test_same_search_finds_nothing_without_planted_bugs(scope):
    result = search(scope())
    assert result.counterexample is None, [str(f) for f in result.counterexample.findings]
    assert result.examples == 200


def test_bug_found_is_the_bug_switched_on():
    """The rolling scope's counterexample for one planted bug replays cleanly without it."""
    cx = search(rolling_scope(), plane=planted("taints-ignored")).counterexample
    assert cx is not None
    assert replayed(cx).findings == ()


def test_same_seed_same_counterexample():
    bug = planted("recreate-no-wait")
    first = search(recreate_scope(), seed=3, plane=bug).counterexample
    again = search(recreate_scope(), seed=3, plane=bug).counterexample
    assert first is not None and again is not None
    assert first.log == again.log


def test_rolling_update_breaks_a_pdb_of_min_available_3():
    """Kubernetes' rollouts do not honour PodDisruptionBudgets: maxUnavailable 1 takes a pod
    away although the PDB asks for all 3."""
    cx = explorer.explore(pdb_scope("25%", 1), max_actions=MAX_ACTIONS).counterexample
    assert cx is not None
    assert len(cx.events) <= 3
    assert invariants(cx.findings) == {"pod_disruption_budgets_hold"}
    assert "pod_disruption_budgets_hold" in invariants(replayed(cx).findings)


def test_surge_only_rollout_keeps_the_pdb():
    result = explorer.explore(pdb_scope(1, 0), max_actions=MAX_ACTIONS)
    assert result.counterexample is None
    assert result.examples == 200


# -- running sequences -------------------------------------------------------------------------


SEQUENCES = [
    [ChangeTemplate("web", 1, 5), Wait(1), ChangeTemplate("web", 2, 0)],
    [ChangeTemplate("web", 1, 5), Wait(10)],
    [ChangeTemplate("web", 1, 5), RolloutAction("web", "undo"), Wait(30)],
    [FailProbe(0), ChangeTemplate("web", 1, 0)],
    [CrashPod(1), Wait(5), ChangeTemplate("web", 1, 10)],
]


def test_runner_remembers_prefixes_without_changing_verdicts():
    bug = planted("new-unavailable-ignored")
    manifests = rolling_scope()
    start, _ = explorer.set_up(manifests, plane=bug)
    runner = explorer.Runner(start, manifests, plane=bug)
    for actions in SEQUENCES:
        shared = runner.run(actions)
        fresh = explorer.run_actions(start, actions, manifests, plane=bug)
        assert shared == fresh
    assert len(runner.points) >= 5  # the prefixes were remembered
    assert invariants(runner.run(SEQUENCES[3])[1]) == {"rollouts_stay_within_bounds"}


def test_faults_are_healed_before_convergence():
    manifests = rolling_scope()
    start, _ = explorer.set_up(manifests)
    events, findings = explorer.run_actions(start, [NodeDown("node-1"), FailProbe(2)],
                                            manifests)
    assert findings == ()
    healing = events[2:]
    assert healing[0] == NodeHealth("node-1", True)
    assert isinstance(healing[1], PodEvent) and healing[1].ready is True
    assert healing[1].name == events[1].name


# -- exhaustive mode ---------------------------------------------------------------------------


def test_exhaustive_finds_recreate_no_wait_at_depth_4():
    bug = planted("recreate-no-wait")
    result = explorer.explore_exhaustive(recreate_scope(), depth=4, plane=bug)
    cx = result.counterexample
    assert cx is not None
    assert len(cx.events) == 4  # breadth first: no shorter interleaving breaks it
    assert [type(e) for e in cx.events[1:]] == [Reconcile] * 3
    assert invariants(cx.findings) == {"recreate_never_runs_old_and_new_together"}
    assert 0 < result.distinct_states <= result.states
    assert "recreate_never_runs_old_and_new_together" in invariants(
        replayed(cx, "manual", plane=bug).findings)


def test_exhaustive_without_bugs_counts_what_it_explored():
    shallow = explorer.explore_exhaustive(recreate_scope(), depth=3)
    deeper = explorer.explore_exhaustive(recreate_scope(), depth=5)
    assert shallow.counterexample is None and deeper.counterexample is None
    assert 0 < shallow.distinct_states <= shallow.states
    assert shallow.states < deeper.states and shallow.distinct_states < deeper.distinct_states


def test_manual_setup_reaches_the_auto_setup_state():
    manifests = recreate_scope()
    auto, _ = explorer.set_up(manifests)
    manual, events = explorer.set_up_manual(manifests)
    assert sorted(p.metadata.name for p in manual.list("Pod")) == \
        sorted(p.metadata.name for p in auto.list("Pod"))
    assert any(isinstance(e, Reconcile) for e in events)
    assert list(manager.replay(manager.empty_cluster(0), events, "manual").list("Pod")) == \
        list(manual.list("Pod"))
