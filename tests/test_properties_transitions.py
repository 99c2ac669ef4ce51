"""Each transition property against a hand-built (before, after, event, monitor) that breaks it,
and one that does not, so that none can pass vacuously; plus the arming rules of the Monitor.

States are restored from manifests (`tests.helpers.restore`): a Deployment `web` (uid d-1)
with ReplicaSets `web-1` (uid rs-web-1, image v1) and `web-2` (uid rs-web-2, image v2), and
their pods, owned through ownerReferences, ready or not.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import attrs
import pytest
from pyrsistent import pset

from kubefold.core.cluster import Cluster
from kubefold.core.events import (
    Delete,
    Evict,
    NodeHealth,
    PodEvent,
    Reconcile,
    Scale,
    Tick,
)
from kubefold.properties import transitions
from kubefold.properties.invariants import Violation
from kubefold.properties.transitions import (
    Monitor,
    initial_monitor,
    observe,
    ordered_ready_stateful_sets_start_in_order,
    pod_disruption_budgets_hold,
    pods_are_bound_only_where_taints_are_tolerated,
    recreate_never_runs_old_and_new_together,
    resource_versions_only_grow,
    revisions_only_grow,
    rollouts_stay_within_bounds,
)
from tests.helpers import new_deployment, new_pod, node, restore

T0 = "2024-01-01T00:00:00Z"
NOW = "2024-01-01T00:10:00Z"
REVISION = "deployment.kubernetes.io/revision"
TURN = Reconcile("deployment", "default/web")
WEB = "default/web"
ARMED = Monitor(armed_deployments=pset([WEB]))


# -- builders -------------------------------------------------------------------------------


def deployment(replicas: int = 4, image: str = "web:v1", generation: int = 1,
               observed: int | None = None, available: int | None = None,
               updated: int | None = None, revision: int = 1, **spec: Any) -> dict[str, Any]:
    """`web`, complete for its generation unless `observed`, `available` or `updated` say
    otherwise."""
    d = new_deployment("web", replicas, image=image, **spec)
    d["metadata"].update(uid="d-1", generation=generation,
                         annotations={REVISION: str(revision)})
    d["status"] = {"observedGeneration": generation if observed is None else observed,
                   "replicas": replicas,
                   "updatedReplicas": replicas if updated is None else updated,
                   "availableReplicas": replicas if available is None else available}
    return d


def replica_set(name: str, replicas: int, image: str = "web:v1", revision: int = 1,
                owner: str = "d-1") -> dict[str, Any]:
    labels = {"app": "web", "pod-template-hash": name}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "uid": f"rs-{name}",
                         "labels": labels, "annotations": {REVISION: str(revision)},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                              "name": "web", "uid": owner,
                                              "controller": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app", "image": image}]}}},
            "status": {"replicas": replicas}}


def pod(name: str, rs: str | None = None, ready: bool = True, phase: str = "Running",
        node_name: str | None = "n1", app: str = "web", **spec: Any) -> dict[str, Any]:
    """A pod (of ReplicaSet `rs`, when given) whose Ready condition turned at T0."""
    p = new_pod(name, node_name=node_name, **spec)
    p["metadata"]["labels"] = {"app": app}
    if rs is not None:
        p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                             "name": rs, "uid": f"rs-{rs}",
                                             "controller": True}]
    p["status"] = {"phase": phase, "conditions": [
        {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": T0}]}
    return p


def pods(rs: str, ready: int, unready: int = 0) -> list[dict[str, Any]]:
    return [pod(f"{rs}-{i}", rs, ready=i < ready) for i in range(ready + unready)]


def state(*manifests: dict[str, Any]) -> Cluster:
    return restore(node("n1", cpu="16"), *manifests, now=NOW)


def complete() -> Cluster:
    """`web` (4 replicas, 25%/25%: at least 3 available, at most 5 asked for), complete."""
    return state(deployment(), replica_set("web-1", 4), *pods("web-1", 4))


def rolling(old: int, new: int, old_ready: int | None = None, new_ready: int = 0,
            **d: Any) -> Cluster:
    """`web` mid-way to v2: web-1 asks for `old` pods, web-2 for `new`."""
    return state(deployment(image="web:v2", generation=2, observed=1, updated=0, revision=2, **d),
                 replica_set("web-1", old), replica_set("web-2", new, "web:v2", 2),
                 *pods("web-1", old if old_ready is None else old_ready),
                 *pods("web-2", new_ready, new - new_ready))


# -- rollouts_stay_within_bounds ------------------------------------------------------------


def test_rollout_within_bounds_is_fine():
    monitor, violations = rollouts_stay_within_bounds(complete(), rolling(3, 2), TURN, ARMED)
    assert violations == []
    assert monitor.armed_deployments == pset([WEB])  # still armed: not complete, not disarmed


def test_rollout_below_min_available():
    _, violations = rollouts_stay_within_bounds(complete(), rolling(2, 3), TURN, ARMED)
    assert violations == [Violation(
        "rollouts_stay_within_bounds",
        "deployment default/web has 2 available pods, below replicas - maxUnavailable = 3",
        ("Deployment default/web",))]


def test_rollout_above_max_surge():
    _, violations = rollouts_stay_within_bounds(complete(), rolling(4, 2), TURN, ARMED)
    assert violations == [Violation(
        "rollouts_stay_within_bounds",
        "deployment default/web's ReplicaSets ask for 6 pods, above replicas + maxSurge = 5",
        ("Deployment default/web",))]


def test_rollout_bounds_from_explicit_strategy():
    """maxSurge 0, maxUnavailable 2: 2 available of 4 is fine, 5 asked for is not."""
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 2}}
    _, ok = rollouts_stay_within_bounds(
        complete(), rolling(2, 2, strategy=strategy), TURN, ARMED)
    assert ok == []
    _, violations = rollouts_stay_within_bounds(
        complete(), rolling(3, 2, strategy=strategy), TURN, ARMED)
    assert [v.message for v in violations] == [
        "deployment default/web's ReplicaSets ask for 5 pods, above replicas + maxSurge = 4"]


def fault(unready: int) -> Cluster:
    """`web` with its first `unready` pods unready."""
    return state(deployment(), replica_set("web-1", 4),
                 *[pod(f"web-1-{i}", "web-1", ready=i >= unready) for i in range(4)])


def test_pod_a_fault_hit_is_excused_while_unavailable():
    """The probe of web-1-0 fails: it is excused, web-1-1 is not."""
    hit = PodEvent("default", "web-1-0", ready=False)
    monitor, violations = rollouts_stay_within_bounds(complete(), fault(2), hit, ARMED)
    assert (violations, monitor.hit_pods) == ([], pset([("default", "web-1-0")]))
    _, violations = rollouts_stay_within_bounds(complete(), fault(2), TURN, ARMED)
    assert [v.message for v in violations] == [  # no fault: nothing excused
        "deployment default/web has 2 available pods, below replicas - maxUnavailable = 3"]


def test_pod_a_fault_hit_does_not_excuse_others():
    hit = PodEvent("default", "web-1-0", ready=False)
    _, violations = rollouts_stay_within_bounds(complete(), fault(3), hit, ARMED)
    assert [v.message for v in violations] == [
        "deployment default/web has 1 available pods (and 1 unavailable after a fault), "
        "below replicas - maxUnavailable = 3"]


def test_a_deployment_not_yet_complete_is_not_checked():
    incomplete = state(deployment(available=3), replica_set("web-1", 4), *pods("web-1", 3, 1))
    assert initial_monitor(incomplete).armed_deployments == pset()
    monitor, violations = rollouts_stay_within_bounds(incomplete, rolling(2, 3), TURN, Monitor())
    assert violations == []
    assert monitor.armed_deployments == pset()


def test_initial_monitor_arms_a_complete_deployment():
    assert initial_monitor(complete()).armed_deployments == pset([WEB])
    monitor, _ = rollouts_stay_within_bounds(complete(), complete(), Tick(1), Monitor())
    assert monitor.armed_deployments == pset([WEB])


@pytest.mark.parametrize("event", [Scale("Deployment", "web", 4),
                                   Delete("Deployment", "web"),
                                   NodeHealth("n1", False),
                                   Evict("default", "web-1-0")],
                         ids=["scale", "delete", "node-down", "evict"])
def test_disarming_events(event):
    monitor, violations = rollouts_stay_within_bounds(complete(), rolling(2, 3), event, ARMED)
    assert violations == []
    assert monitor.armed_deployments == pset()


def test_a_changed_replica_count_disarms():
    before = state(deployment(replicas=8), replica_set("web-1", 8), *pods("web-1", 8))
    monitor, violations = rollouts_stay_within_bounds(before, rolling(2, 3), TURN, ARMED)
    assert (violations, monitor.armed_deployments) == ([], pset())


def test_a_node_down_disarms_until_it_is_back():
    monitor, _ = rollouts_stay_within_bounds(complete(), complete(), NodeHealth("n1", False),
                                             ARMED)
    assert monitor.down_nodes == pset(["n1"])
    monitor = attrs.evolve(monitor, armed_deployments=pset([WEB]))
    monitor, violations = rollouts_stay_within_bounds(complete(), rolling(2, 3), TURN, monitor)
    assert (violations, monitor.armed_deployments) == ([], pset())
    monitor, _ = rollouts_stay_within_bounds(complete(), complete(), NodeHealth("n1", True),
                                             monitor)
    assert (monitor.down_nodes, monitor.armed_deployments) == (pset(), pset())
    monitor, _ = rollouts_stay_within_bounds(complete(), complete(), Tick(1), monitor)
    assert monitor.armed_deployments == pset([WEB])  # back and complete: armed again


def test_a_recreate_deployment_has_no_rolling_bounds():
    recreate = {"type": "Recreate"}
    _, violations = rollouts_stay_within_bounds(
        complete(), rolling(2, 3, strategy=recreate), TURN, ARMED)
    assert violations == []


# -- recreate_never_runs_old_and_new_together -----------------------------------------------


def recreating(old_phase: str = "Running", **d: Any) -> Cluster:
    return state(deployment(image="web:v2", generation=2, observed=1, updated=0, revision=2,
                            strategy={"type": "Recreate"}, **d),
                 replica_set("web-1", 0), replica_set("web-2", 1, "web:v2", 2),
                 pod("web-1-0", "web-1", phase=old_phase), pod("web-2-0", "web-2"))


def test_recreate_with_old_pods_gone_is_fine():
    _, violations = recreate_never_runs_old_and_new_together(
        recreating(), recreating("Succeeded"), TURN, Monitor())
    assert violations == []


def test_recreate_running_old_and_new_together():
    _, violations = recreate_never_runs_old_and_new_together(
        recreating(), recreating(), TURN, Monitor())
    assert violations == [Violation(
        "recreate_never_runs_old_and_new_together",
        "Recreate deployment default/web has pods of 2 ReplicaSets at once: web-1 (1 pods), "
        "web-2 (1 pods)", ("Deployment default/web",))]


def test_recreate_scaled_is_excused_until_complete():
    monitor, violations = recreate_never_runs_old_and_new_together(
        recreating(), recreating(), Scale("Deployment", "web", 4), Monitor())
    assert (violations, monitor.excused_recreates) == ([], pset([WEB]))
    monitor, violations = recreate_never_runs_old_and_new_together(
        recreating(), recreating(), TURN, monitor)
    assert violations == []  # not complete yet: still excused
    done = state(deployment(strategy={"type": "Recreate"}), replica_set("web-1", 4),
                 *pods("web-1", 4))
    monitor, _ = recreate_never_runs_old_and_new_together(done, done, TURN, monitor)
    assert monitor.excused_recreates == pset()


def test_recreate_paused_is_excused():
    paused = recreating(paused=True)
    monitor, violations = recreate_never_runs_old_and_new_together(
        paused, paused, TURN, Monitor())
    assert (violations, monitor.excused_recreates) == ([], pset([WEB]))


# -- revisions_only_grow --------------------------------------------------------------------


def revisions(revision: int, *rs_revisions: int, uid: str = "d-1") -> Cluster:
    d = deployment(revision=revision)
    d["metadata"]["uid"] = uid
    return state(d, *[replica_set(f"web-{r}", 0, f"web:v{r}", r, owner=uid)
                      for r in rs_revisions])


def test_revision_growing_is_fine():
    assert list(revisions_only_grow(revisions(2, 1, 2), revisions(3, 1, 2, 3))) == []


def test_revision_going_back():
    violations = list(revisions_only_grow(revisions(3, 1, 2, 3), revisions(1, 1, 2, 3)))
    assert violations == [Violation("revisions_only_grow",
                                    "deployment default/web went from revision 3 to 1",
                                    ("Deployment default/web",))]


def test_revision_restarting_once_every_higher_replica_set_is_pruned_is_fine():
    assert list(revisions_only_grow(revisions(3, 3), revisions(1, 1))) == []


def test_revision_of_a_recreated_deployment_is_not_compared():
    assert list(revisions_only_grow(revisions(3, 3), revisions(1, 3, uid="d-2"))) == []


# -- resource_versions_only_grow ------------------------------------------------------------


def test_resource_version_growing_is_fine():
    before = complete()
    after = attrs.evolve(before, resource_version=before.resource_version + 1)
    assert list(resource_versions_only_grow(before, after)) == []


def test_resource_version_going_back():
    before = complete()
    after = attrs.evolve(before, resource_version=before.resource_version - 2)
    assert list(resource_versions_only_grow(before, after)) == [Violation(
        "resource_versions_only_grow",
        f"the revision went back from {before.resource_version} to "
        f"{before.resource_version - 2}")]


# -- pods_are_bound_only_where_taints_are_tolerated -----------------------------------------


def tainted(bound: bool, *tolerations: dict[str, Any], effect: str = "NoSchedule") -> Cluster:
    n = node("n1")
    n["spec"] = {"taints": [{"key": "dedicated", "value": "gpu", "effect": effect}]}
    p = pod("p", node_name="n1" if bound else None, tolerations=list(tolerations))
    return restore(n, p, now=NOW)


def test_binding_to_an_untolerated_taint():
    violations = list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(False), tainted(True)))
    assert violations == [Violation(
        "pods_are_bound_only_where_taints_are_tolerated",
        "pod default/p was bound to node n1, whose taint dedicated=gpu:NoSchedule it does not "
        "tolerate", ("Pod default/p", "Node n1"))]


def test_binding_to_an_untolerated_no_execute_taint():
    violations = list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(False, effect="NoExecute"), tainted(True, effect="NoExecute")))
    assert [v.objects for v in violations] == [("Pod default/p", "Node n1")]


@pytest.mark.parametrize("toleration", [
    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
    {"key": "dedicated", "operator": "Exists"},
    {"operator": "Exists"},
], ids=["equal", "exists-key", "exists-all"])
def test_binding_with_a_matching_toleration_is_fine(toleration):
    assert list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(False, toleration), tainted(True, toleration))) == []


@pytest.mark.parametrize("toleration", [
    {"key": "dedicated", "operator": "Equal", "value": "cpu", "effect": "NoSchedule"},
    {"key": "dedicated", "operator": "Exists", "effect": "NoExecute"},
    {"key": "other", "operator": "Exists"},
], ids=["other-value", "other-effect", "other-key"])
def test_binding_with_a_toleration_that_does_not_match(toleration):
    assert len(list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(False, toleration), tainted(True, toleration)))) == 1


def test_prefer_no_schedule_and_already_bound_pods_are_fine():
    soft = "PreferNoSchedule"
    assert list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(False, effect=soft), tainted(True, effect=soft))) == []
    # bound before the step: not a binding
    assert list(pods_are_bound_only_where_taints_are_tolerated(
        tainted(True), tainted(True))) == []


# -- pod_disruption_budgets_hold ------------------------------------------------------------


def budget(ready: int, unready: int = 0, **spec: Any) -> Cluster:
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "db", "namespace": "default"},
           "spec": {"selector": {"matchLabels": {"app": "db"}}, **spec}}
    return state(pdb, *[pod(f"db-{i}", app="db", ready=i < ready)
                        for i in range(ready + unready)])


DB = Monitor(armed_pdbs=pset(["default/db"]))


def test_budget_kept_is_fine():
    monitor, violations = pod_disruption_budgets_hold(
        budget(3, minAvailable=2), budget(2, 1, minAvailable=2), Evict("default", "db-2"), DB)
    assert (violations, monitor.armed_pdbs) == ([], pset(["default/db"]))


@pytest.mark.parametrize("spec", [{"minAvailable": 2}, {"maxUnavailable": 1},
                                  {"minAvailable": "50%"}],
                         ids=["minAvailable", "maxUnavailable", "percent"])
def test_budget_broken_by_a_voluntary_event(spec):
    monitor, violations = pod_disruption_budgets_hold(
        budget(3, **spec), budget(1, 2, **spec), Evict("default", "db-1"), DB)
    assert violations == [Violation(
        "pod_disruption_budgets_hold",
        "PodDisruptionBudget default/db needs 2 healthy pods and has 1",
        ("PodDisruptionBudget default/db",))]
    assert monitor.armed_pdbs == pset()  # reported once, then armed again when reached


@pytest.mark.parametrize("event", [NodeHealth("n1", False), Delete("Pod", "db-1"),
                                   PodEvent("default", "db-1", ready=False),
                                   Scale("Deployment", "db", 1)],
                         ids=["node-down", "delete", "pod-fault", "scale"])
def test_budget_broken_by_an_involuntary_event_disarms(event):
    monitor, violations = pod_disruption_budgets_hold(
        budget(3, minAvailable=2), budget(1, 2, minAvailable=2), event, DB)
    assert (violations, monitor.armed_pdbs) == ([], pset())


def test_budget_not_yet_reached_is_not_checked():
    below = budget(1, 2, minAvailable=2)
    assert initial_monitor(below).armed_pdbs == pset()
    _, violations = pod_disruption_budgets_hold(below, below, TURN, Monitor())
    assert violations == []
    assert initial_monitor(budget(2, 1, minAvailable=2)).armed_pdbs == pset(["default/db"])


# -- observe --------------------------------------------------------------------------------


def test_observe_runs_every_property_and_carries_the_monitor():
    before = complete()
    after = rolling(2, 4)
    after = attrs.evolve(after, resource_version=before.resource_version - 1)
    monitor, violations = observe(initial_monitor(before), before, after, TURN)
    assert [v.message for v in violations] == [
        "deployment default/web has 2 available pods, below replicas - maxUnavailable = 3",
        "deployment default/web's ReplicaSets ask for 6 pods, above replicas + maxSurge = 5",
        f"the revision went back from {before.resource_version} to "
        f"{before.resource_version - 1}"]
    assert monitor.armed_deployments == pset([WEB])


def test_observe_on_a_healthy_step():
    before = complete()
    monitor, violations = observe(initial_monitor(before), before, rolling(3, 2), TURN)
    assert violations == []
    assert monitor.armed_deployments == pset([WEB])


TESTED = {
    rollouts_stay_within_bounds, recreate_never_runs_old_and_new_together, revisions_only_grow,
    resource_versions_only_grow, pods_are_bound_only_where_taints_are_tolerated,
    pod_disruption_budgets_hold, ordered_ready_stateful_sets_start_in_order,
}


def test_ordered_ready_stateful_set_creation_order():
    """ordered_ready_stateful_sets_start_in_order (tests/test_properties_workloads.py has the
    planted controller): a new ordinal with its predecessor not ready is reported."""
    from tests.test_properties_workloads import STS, owned, pod

    sts_owner = owned("sts-1", "StatefulSet", "db")
    sts = {**STS, "spec": {**STS["spec"], "podManagementPolicy": "OrderedReady"}}
    before = restore(node("n1"), sts, pod("db-0", sts_owner, "n1"))
    after = restore(node("n1"), sts, pod("db-0", sts_owner, "n1"), pod("db-1", sts_owner, "n1"))
    assert [v.invariant for v in ordered_ready_stateful_sets_start_in_order(before, after)] \
        == ["ordered_ready_stateful_sets_start_in_order"]
    assert list(ordered_ready_stateful_sets_start_in_order(before, before)) == []


def test_every_property_observe_runs_is_tested_here():
    """A guard: a property added to `observe` needs its own tests in this file (and a place
    in TESTED)."""
    called = re.findall(r"\b(\w+)\(\s*(?:before|monitor)\b", inspect.getsource(observe))
    assert {getattr(transitions, name) for name in called if name != "observe"} == TESTED


def test_an_object_resource_version_going_back_is_reported():
    import attrs as _attrs

    from kubefold.properties.transitions import resource_versions_only_grow
    from tests.helpers import node as _node
    from tests.helpers import restore as _restore

    before = _restore(_node("n1"))
    n1 = before.get("Node", "", "n1")
    older = _attrs.evolve(n1, metadata=_attrs.evolve(n1.metadata, resource_version="0"))
    after = _attrs.evolve(before.put(older), resource_version=before.resource_version)
    [v] = list(resource_versions_only_grow(before, after))
    assert v.message == f"Node n1 went from resourceVersion {n1.metadata.resource_version} to 0"
    assert list(resource_versions_only_grow(before, before)) == []
