"""The controller manager: auto and manual modes, the work queue, time, and the registry."""

from __future__ import annotations

import attrs
import pytest

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, NodeHealth, Reconcile, Tick
from kubefold.reducers import apiserver, manager
from tests.helpers import Engine, new_deployment, plane


def _annotate_sync(cluster: Cluster, key: str) -> Cluster:
    """A toy controller: marks each ConfigMap `seen`, then asks to be woken in 60 s."""
    ns, name = key.split("/")
    cm = cluster.get("ConfigMap", ns, name)
    if cm is None:
        return cluster
    if cm.metadata.annotations.get("seen") != "yes":
        cm = attrs.evolve(cm, metadata=attrs.evolve(
            cm.metadata, annotations=cm.metadata.annotations.set("seen", "yes")))
        written = apiserver.update(cluster, cm)
        assert isinstance(written, apiserver.Written)
        cluster = written.cluster
    queue = cluster.queue.add_after(("toy", key), cluster.now + 60, cluster.now)
    return attrs.evolve(cluster, queue=queue)


def _annotate_watch(cluster: Cluster, change: Change) -> list[str]:
    return [f"{change.namespace}/{change.name}"] if change.kind == "ConfigMap" else []


TOY = manager.Controller("toy", _annotate_sync, _annotate_watch)
ENGINE = Engine(plane(TOY))
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}


def test_auto_mode_runs_queued_work_to_a_fixpoint():
    outcome = ENGINE.apply_event(ENGINE.empty_cluster(), Apply(decode_object(CM)))
    cm = outcome.cluster.get("ConfigMap", "default", "c")
    assert cm.metadata.annotations["seen"] == "yes"
    assert [(t.controller, t.key) for t in outcome.turns] == [("toy", "default/c")]
    assert len(outcome.cluster.queue) == 0
    assert outcome.cluster.queue.next_due() == outcome.cluster.now + 60


def test_manual_mode_only_queues():
    c = ENGINE.step(ENGINE.empty_cluster(), Apply(decode_object(CM)), mode="manual")
    assert "seen" not in c.get("ConfigMap", "default", "c").metadata.annotations
    assert ("toy", "default/c") in c.queue.queued
    c = ENGINE.step(c, Reconcile("toy", "default/c"), mode="manual")
    assert c.get("ConfigMap", "default", "c").metadata.annotations["seen"] == "yes"
    # its own write queued the key again, as an informer would
    assert ("toy", "default/c") in c.queue.queued


def test_tick_releases_due_work():
    c = ENGINE.step(ENGINE.empty_cluster(), Apply(decode_object(CM)))
    outcome = ENGINE.apply_event(c, Tick(59))
    assert outcome.turns == ()
    outcome = ENGINE.apply_event(outcome.cluster, Tick(1))
    assert outcome.cluster.queue.next_due() == outcome.cluster.now + 60


def test_at_moves_the_clock_before_the_event():
    c = manager.empty_cluster()
    c = manager.step(c, Apply(decode_object(CM), at=45))
    assert c.elapsed == 45
    assert c.get("ConfigMap", "default", "c").metadata.creation_timestamp == c.clock_start + 45
    # `at` never moves the clock back
    c = manager.step(c, Tick(0, at=10))
    assert c.elapsed == 45


def test_unknown_controller_is_rejected():
    c = manager.empty_cluster()
    outcome = manager.apply_event(c, Reconcile("nonesuch", "default/web"), mode="manual")
    assert outcome.rejected is not None and outcome.rejected.reason == "BadRequest"
    assert 'unknown controller "nonesuch"' in outcome.rejected.message
    assert outcome.cluster is c


def test_node_events_are_rejected_until_the_kubelet_exists():
    c = manager.empty_cluster()
    outcome = manager.apply_event(c, NodeHealth("n1", False))
    assert outcome.rejected is not None and outcome.cluster is c


def test_replay_is_a_fold():
    events = [Apply(decode_object(new_deployment())), Tick(5),
              Apply(decode_object(new_deployment(image="web:v2")))]
    c = manager.empty_cluster()
    folded = c
    for e in events:
        folded = manager.step(folded, e)
    assert manager.replay(c, events) == folded
    assert folded.get("Deployment", "default", "web").metadata.generation == 2


def test_mode_must_be_known():
    with pytest.raises(ValueError, match="mode"):
        manager.apply_event(manager.empty_cluster(), Tick(1), mode="turbo")
