"""The worked rollout: 10 replicas, maxSurge 3, maxUnavailable 2, every old pod ready; a new
template, then, sync by sync in manual mode, the replica counts Kubernetes shows.

Between two Deployment syncs the world catches up: the ReplicaSet controller creates and
deletes pods, every pod turns ready (`pod: {name: "*"}`), the ReplicaSets report it.

The steps, as pkg/controller/deployment computes them (minAvailable 10 - 2 = 8, at most
10 + 3 = 13 pods):

  sync 1: the new ReplicaSet is created with 3 (13 in all); in the same sync
          reconcileOldReplicaSets finds 10 available > 8 and scales the old one 10 -> 8; the
          final status write then conflicts (getNewReplicaSet's status write left `d` with a
          stale resourceVersion), so the key is requeued rate-limited, as in Go
  sync 2: new 3 -> 5 (11 + 2 = 13)
  sync 3: 13 available, the new one fully available: old 8 -> 3
  sync 4: new 5 -> 10
  sync 5: old 3 -> 0
  sync 6: nothing to scale: complete, Progressing NewReplicaSetAvailable
"""

from __future__ import annotations

from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, PodEvent
from kubefold.reducers.controllers import replicaset
from kubefold.reducers.controllers.deployment import controller, util
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.world import pods as pod_events
from tests.helpers import Engine, new_deployment

ENGINE = Engine(ControlPlane((controller.CONTROLLER, replicaset.CONTROLLER),
                             {PodEvent: pod_events.handle}))


STRATEGY = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}


def web(image: str) -> dict[str, Any]:
    return new_deployment("web", replicas=10, image=image, strategy=STRATEGY)


def replica_sets(cluster: Cluster) -> tuple[Any, Any]:
    """(new, old): the ReplicaSets of web:v2 and web:v1."""
    by_image = {rs.spec.template.spec.containers[0].image: rs
                for rs in cluster.list("ReplicaSet", "default")}
    return by_image.get("web:v2"), by_image["web:v1"]


def counts(cluster: Cluster) -> tuple[int, int]:
    new, old = replica_sets(cluster)
    return (0 if new is None else new.spec.replicas), old.spec.replicas


def settle_replica_sets(cluster: Cluster) -> Cluster:
    """Run the ReplicaSet controller until it has nothing queued."""
    for _ in range(50):
        keys = sorted(key for name, key in cluster.queue.queued if name == "replicaset")
        if not keys:
            return cluster
        for key in keys:
            cluster = ENGINE.reconcile(cluster, "replicaset", key)
    raise AssertionError("the ReplicaSet controller did not settle")


def world_catches_up(cluster: Cluster) -> Cluster:
    """Pods created and deleted, all of them ready, the ReplicaSets' status up to date."""
    cluster = settle_replica_sets(cluster)
    outcome = ENGINE.apply_event(cluster, PodEvent("default", "*", ready=True), mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return settle_replica_sets(outcome.cluster)


def test_worked_rollout_10_replicas_max_surge_3_max_unavailable_2() -> None:
    # web:v1 rolled out and ready: 10 pods of one ReplicaSet (auto mode to get there).
    cluster = ENGINE.step(ENGINE.empty_cluster(), Apply(decode_object(web("web:v1"))))
    cluster = ENGINE.step(cluster, PodEvent("default", "*", ready=True))
    new, old = replica_sets(cluster)
    assert new is None and old.spec.replicas == 10 and old.status.available_replicas == 10

    # The new template, then one Deployment sync at a time.
    cluster = ENGINE.step(cluster, Apply(decode_object(web("web:v2"))), mode="manual")
    steps = []
    for _ in range(6):
        cluster = ENGINE.reconcile(cluster, "deployment", "default/web")
        steps.append(counts(cluster))
        cluster = world_catches_up(cluster)
    assert steps == [(3, 8), (5, 8), (5, 3), (10, 3), (10, 0), (10, 0)]

    new, old = replica_sets(cluster)
    assert (new.status.available_replicas, old.status.replicas) == (10, 0)
    d = cluster.get("Deployment", "default", "web")
    assert d.metadata.annotations[util.REVISION_ANNOTATION] == "2"
    assert (d.status.replicas, d.status.updated_replicas, d.status.ready_replicas,
            d.status.available_replicas, d.status.unavailable_replicas) == (10, 10, 10, 10, 0)
    assert [(c.type, c.status, c.reason) for c in d.status.conditions] == [
        ("Available", "True", util.MINIMUM_REPLICAS_AVAILABLE),
        ("Progressing", "True", util.NEW_RS_AVAILABLE_REASON)]
    progressing = util.get_deployment_condition(d.status, util.DEPLOYMENT_PROGRESSING)
    assert progressing is not None
    assert progressing.message == f'ReplicaSet "{new.metadata.name}" has successfully progressed.'


def test_first_sync_conflicts_on_its_last_status_write() -> None:
    """Sync 1 in detail: both scales happen, then the stale status write is a Conflict and the
    key is requeued with backoff; the revision and NewReplicaSetCreated were written."""
    cluster = ENGINE.step(ENGINE.empty_cluster(), Apply(decode_object(web("web:v1"))))
    cluster = ENGINE.step(cluster, PodEvent("default", "*", ready=True))
    cluster = ENGINE.step(cluster, Apply(decode_object(web("web:v2"))), mode="manual")
    cluster = ENGINE.reconcile(cluster, "deployment", "default/web")
    assert counts(cluster) == (3, 8)
    assert cluster.queue.num_requeues(("deployment", "default/web")) == 1
    d = cluster.get("Deployment", "default", "web")
    assert d.metadata.annotations[util.REVISION_ANNOTATION] == "2"
    new, _ = replica_sets(cluster)
    assert [(c.type, c.reason, c.message) for c in d.status.conditions][-1] == (
        "Progressing", util.NEW_REPLICA_SET_REASON,
        f'Created new replica set "{new.metadata.name}"')
    # sync 1's own status was not written: still generation 1's counts
    assert (d.metadata.generation, d.status.observed_generation) == (2, 1)
    assert d.status.updated_replicas == 10
