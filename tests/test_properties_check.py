"""`check_replay` and `check_snapshot`: a planted violation is found with its event's index and
step (the event itself, or a controller's turn), a persisting one is reported once, and a
healthy log has none."""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Tick
from kubefold.properties.check import Finding, check_replay, check_snapshot
from kubefold.properties.invariants import Violation
from kubefold.reducers import apiserver, manager
from tests.helpers import new_deployment, new_pod, node, plane, restore

NOW = "2024-01-01T00:10:00Z"
OVERCOMMIT = Violation("no_node_is_overcommitted",
                       "node n1 has 1200m cpu requested of 1 allocatable", ("Node n1",))


def small_node() -> Cluster:
    """n1 with 1 cpu, 600m of it taken by pod a."""
    return restore(node("n1", cpu="1"), new_pod("a", node_name="n1", cpu="600m"), now=NOW)


def bound(name: str) -> Apply:
    """A pod that names its node itself: the API server does not check capacity."""
    return Apply(decode_object(new_pod(name, node_name="n1", cpu="600m")))


def test_overcommit_planted_by_an_event():
    events = [Tick(1), bound("b"), Tick(5)]
    result = check_replay(small_node(), events, mode="manual")
    assert result.findings == (Finding(2, events[1], "the event itself", OVERCOMMIT),)
    assert str(result.findings[0]) == (
        "event 2 (the event itself): no_node_is_overcommitted: node n1 has 1200m cpu "
        "requested of 1 allocatable")
    assert len(result.outcomes) == 3  # the replay goes on; the violation is reported once


def test_the_origin_names_the_event():
    event = attrs.evolve(bound("b"), origin="log.yaml:3")
    [finding] = check_replay(small_node(), [event], mode="manual").findings
    assert str(finding).startswith("log.yaml:3 (the event itself): ")


def test_stop_at_first():
    events = [bound("b"), Tick(1)]
    result = check_replay(small_node(), events, mode="manual", stop_at_first=True)
    assert len(result.outcomes) == 1 and len(result.findings) == 1


def test_a_violation_in_the_starting_state():
    cluster = restore(node("n1", cpu="1"), new_pod("a", node_name="n1", cpu="600m"),
                      new_pod("b", node_name="n1", cpu="600m"), now=NOW)
    result = check_replay(cluster, [Tick(1)], mode="manual")
    assert result.findings == (Finding(0, None, "the starting state", OVERCOMMIT),)


def test_a_healthy_log_has_no_findings():
    cluster = restore(node("n1"), node("n2"), now=NOW)
    events = [Apply(decode_object(new_deployment("web", 3))), Tick(30),
              Apply(decode_object(new_deployment("web", 3, image="web:v2"))), Tick(60)]
    result = check_replay(cluster, events)
    assert result.findings == ()
    d = result.cluster.get("Deployment", "default", "web")
    assert d.status.updated_replicas == 3  # the rollout happened: the log was not idle


# -- a violation made by a controller's turn ------------------------------------------------


def _plant_sync(cluster: Cluster, key: str) -> Cluster:
    """A toy controller that overcommits: for each ConfigMap, binds a 600m pod to n1."""
    ns, name = key.split("/")
    written = apiserver.create(cluster, decode_object(
        new_pod(f"planted-{name}", ns, node_name="n1", cpu="600m")))
    assert isinstance(written, apiserver.Written), written
    return written.cluster


def _bind_sync(cluster: Cluster, key: str) -> Cluster:
    """A toy scheduler that ignores taints: binds pod p to n1."""
    written = apiserver.bind(cluster, "default", "p", "n1")
    assert isinstance(written, apiserver.Written), written
    return written.cluster


def _on_config_map(cluster: Cluster, change: Change) -> list[str]:
    created = change.kind == "ConfigMap" and change.old is None
    return [f"{change.namespace}/{change.name}"] if created else []


PLANT = manager.Controller("plant", _plant_sync, _on_config_map)
BIND = manager.Controller("bind", _bind_sync, _on_config_map)
CM = Apply(decode_object({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "c", "namespace": "default"}}))


def test_overcommit_planted_by_a_controller_turn():
    events = [Tick(1), CM]
    result = check_replay(small_node(), events, plane=plane(PLANT))
    assert result.findings == (Finding(2, CM, "plant default/c", OVERCOMMIT),)


def test_a_transition_property_broken_by_a_controller_turn():
    """A binding that ignores the node's taint, found on the step it happened."""
    tainted = node("n1")
    tainted["spec"] = {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]}
    cluster = restore(tainted, new_pod("p"), now=NOW)
    result = check_replay(cluster, [Tick(1), CM, Tick(1)], plane=plane(BIND))
    assert result.findings == (Finding(2, CM, "bind default/c", Violation(
        "pods_are_bound_only_where_taints_are_tolerated",
        "pod default/p was bound to node n1, whose taint dedicated=gpu:NoSchedule it does not "
        "tolerate", ("Pod default/p", "Node n1"))),)


# -- check_snapshot -------------------------------------------------------------------------


def test_check_snapshot():
    assert check_snapshot(small_node()) == []
    overcommitted = restore(node("n1", cpu="1"), new_pod("a", node_name="n1", cpu="600m"),
                            new_pod("b", node_name="n1", cpu="600m"), now=NOW)
    assert check_snapshot(overcommitted) == [OVERCOMMIT]


# -- pods and deleted nodes ----------------------------------------------------------------


def test_a_node_deleted_under_its_pods_breaks_nothing():
    """Kubernetes lets a node be deleted while pods are bound to it (the pod GC collects them
    after its quarantine): the pods left behind were bound while the node existed."""
    from kubefold.core.events import Delete

    start = restore(node("n1"), new_pod("a", node_name="n1"), now=NOW)
    result = check_replay(start, [Delete("Node", "n1"), Tick(10)], mode="manual")
    assert result.cluster.get("Pod", "default", "a").spec.node_name == "n1"
    assert result.findings == ()


def _bind_to_ghost(cluster: Cluster, key: str) -> Cluster:
    """A broken scheduler: binds pod p to a node that does not exist."""
    written = apiserver.bind(cluster, "default", "p", "ghost")
    assert isinstance(written, apiserver.Written), written
    return written.cluster


def test_a_binding_to_a_missing_node_is_reported():
    ghost = manager.Controller("ghost", _bind_to_ghost, _on_config_map)
    start = restore(node("n1"), new_pod("p"), now=NOW)
    result = check_replay(start, [Tick(1), CM], plane=plane(ghost))
    assert [f.violation.invariant for f in result.findings] == [
        "every_pod_is_on_an_existing_node"]
    assert result.findings[0].step == "ghost default/c"
