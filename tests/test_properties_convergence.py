"""`converge` and `workloads_match_spec`: a cluster that settles, hand-built states whose
workloads do not match their spec (each message exact), and a toy controller that flips an
object back and forth forever (a cycle)."""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply
from kubefold.properties import convergence
from kubefold.properties.convergence import converge, workloads_match_spec
from kubefold.properties.invariants import Violation
from kubefold.reducers import apiserver, manager
from tests.helpers import Engine, apply, new_deployment, node, plane, restore

NOW = "2024-01-01T00:10:00Z"


def test_a_deployment_on_enough_nodes_settles():
    cluster = restore(node("n1"), node("n2"), now=NOW)
    cluster = apply(cluster, new_deployment("web", 3), mode="auto")
    result = converge(cluster)
    assert result.ok, result.problems
    assert result.settled and result.cycle == ()
    assert list(workloads_match_spec(result.cluster)) == []
    d = result.cluster.get("Deployment", "default", "web")
    assert d.status.available_replicas == 3


def test_a_deployment_with_no_node_never_matches():
    """No node: the scheduler keeps retrying its pods, so `converge` gives up after
    MAX_WAKEUPS, not settled, and reports what does not match (no cycle: no write repeats)."""
    cluster = apply(restore(now=NOW), new_deployment("web", 2), mode="auto")
    result = converge(cluster)
    assert (result.settled, result.ok, result.cycle) == (False, False, ())
    assert result.wakeups == convergence.MAX_WAKEUPS
    assert Violation("workloads_match_spec",
                     "replicaset default/" + _only_rs(result.cluster)
                     + " wants 2 replicas, has 2 (0 available)") in result.problems


def _only_rs(cluster: Cluster) -> str:
    [rs] = cluster.list("ReplicaSet")
    return str(rs.metadata.name)


# -- workloads_match_spec on hand-built states ----------------------------------------------


def deployment(replicas: int = 3, generation: int = 1, observed: int = 1,
               counts: tuple[int, int, int] | None = None, **spec: Any) -> dict[str, Any]:
    d = new_deployment("web", replicas, **spec)
    d["metadata"].update(uid="d-1", generation=generation)
    r, u, a = counts or (replicas, replicas, replicas)
    d["status"] = {"observedGeneration": observed, "replicas": r, "updatedReplicas": u,
                   "availableReplicas": a}
    return d


def replica_set(name: str, replicas: int, have: int | None = None,
                available: int | None = None) -> dict[str, Any]:
    have = replicas if have is None else have
    labels = {"app": "web", "pod-template-hash": name}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "uid": f"rs-{name}",
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                              "name": "web", "uid": "d-1",
                                              "controller": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app", "image": name}]}}},
            "status": {"replicas": have,
                       "availableReplicas": have if available is None else available}}


def messages(*manifests: dict[str, Any]) -> list[str]:
    return [v.message for v in workloads_match_spec(restore(*manifests, now=NOW))]


def test_matching_workloads_have_no_problems():
    assert messages(deployment(), replica_set("web-1", 3)) == []


def test_deployment_whose_status_lags_its_spec():
    assert messages(deployment(generation=2, observed=1, counts=(3, 2, 2)),
                    replica_set("web-1", 3)) == [
        "deployment default/web has not observed generation 2",
        "deployment default/web wants 3 replicas, has replicas/updated/available 3/2/2"]


def test_replica_set_missing_pods():
    assert messages(deployment(), replica_set("web-1", 3, have=2)) == [
        "replicaset default/web-1 wants 3 replicas, has 2 (2 available)"]


def test_replica_set_with_unavailable_pods():
    assert messages(deployment(), replica_set("web-1", 3, available=1)) == [
        "replicaset default/web-1 wants 3 replicas, has 3 (1 available)"]


def test_two_replica_sets_with_replicas():
    assert messages(deployment(), replica_set("web-1", 1), replica_set("web-2", 2)) == [
        "deployment default/web has 2 ReplicaSets with replicas"]


def test_too_many_old_replica_sets():
    assert messages(deployment(revisionHistoryLimit=1), replica_set("web-1", 0),
                    replica_set("web-2", 0), replica_set("web-3", 3)) == [
        "deployment default/web keeps 2 old ReplicaSets, above its revisionHistoryLimit 1"]


def test_old_replica_sets_within_the_limit():
    assert messages(deployment(revisionHistoryLimit=2), replica_set("web-1", 0),
                    replica_set("web-2", 0), replica_set("web-3", 3)) == []


def test_a_paused_deployment_is_not_compared():
    assert messages(deployment(generation=2, observed=1, paused=True),
                    replica_set("web-1", 3)) == []


# -- a cycle --------------------------------------------------------------------------------


def _flip_sync(cluster: Cluster, key: str) -> Cluster:
    """A toy controller that never settles: flips the ConfigMap's `side` between a and b,
    then asks to be woken in 10 s."""
    ns, name = key.split("/")
    cm = cluster.get("ConfigMap", ns, name)
    if cm is None:
        return cluster
    side = "b" if cm.metadata.annotations.get("side") == "a" else "a"
    cm = attrs.evolve(cm, metadata=attrs.evolve(
        cm.metadata, annotations=cm.metadata.annotations.set("side", side)))
    written = apiserver.update(cluster, cm)
    assert isinstance(written, apiserver.Written), written
    return written.cluster.enqueue_after("flip", key, 10)


def _flip_watch(cluster: Cluster, change: Change) -> list[str]:
    """Only a new ConfigMap queues it (its own writes do not, or auto mode would not stop)."""
    created = change.kind == "ConfigMap" and change.old is None
    return [f"{change.namespace}/{change.name}"] if created else []


FLIP = manager.Controller("flip", _flip_sync, _flip_watch)
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}


FLIPPING = Engine(plane(FLIP))


def test_a_controller_that_flips_forever_is_a_cycle():
    cluster = FLIPPING.step(FLIPPING.empty_cluster(), Apply(decode_object(CM)))
    result = converge(cluster, plane=FLIPPING.plane)
    assert not result.settled and not result.ok
    assert len(result.cycle) == 2  # a, b, a again
    assert result.cycle[0] != result.cycle[1]
    assert result.wakeups == convergence.WATCH_AFTER + 2
    assert result.problems == ()


def test_a_flip_that_is_only_watched_too_briefly_is_not_called_settled():
    """With fewer wakeups than it takes to see the cycle, `converge` gives up unsettled."""
    cluster = FLIPPING.step(FLIPPING.empty_cluster(), Apply(decode_object(CM)))
    result = converge(cluster, max_wakeups=5, plane=FLIPPING.plane)
    assert (result.settled, result.cycle, result.wakeups) == (False, (), 5)
