"""Properties of the engine on random API traffic: determinism, purity, rejected events change
nothing, every write raises the resourceVersion, and dump/load is the identity on dumps."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from kubefold.core.codec import dump_snapshot, load_snapshot
from kubefold.io import dump
from kubefold.reducers import apiserver, manager
from kubefold.strategies.api import api_events

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(api_events())
def test_same_log_twice_gives_equal_values_and_hashes(events):
    a = manager.replay(manager.empty_cluster(), events)
    b = manager.replay(manager.empty_cluster(), events)
    assert a == b
    assert hash(a) == hash(b)
    assert dump(a) == dump(b)


@SETTINGS
@given(api_events(max_size=10))
def test_steps_do_not_mutate_their_input(events):
    cluster = manager.empty_cluster()
    for event in events:
        before_text, before_hash = dump(cluster), hash(cluster)
        snapshot = cluster
        cluster = manager.step(cluster, event)
        assert dump(snapshot) == before_text
        assert hash(snapshot) == before_hash


@SETTINGS
@given(api_events(max_size=10))
def test_rejected_events_leave_the_cluster_equal(events):
    cluster = manager.empty_cluster()
    for event in events:
        outcome = manager.apply_event(cluster, event)
        if outcome.rejected is not None:
            assert outcome.cluster == cluster
            assert outcome.cluster is cluster
        cluster = outcome.cluster


@SETTINGS
@given(api_events(max_size=10))
def test_every_accepted_write_raises_the_resource_version(events):
    cluster = manager.empty_cluster()
    for event in events:
        outcome = manager.apply_event(cluster, event)
        writes = list(outcome.changes) + [c for t in outcome.turns for c in t.changes]
        if writes:
            assert outcome.cluster.resource_version > cluster.resource_version
        for change in writes:
            if change.new is not None:
                new_rv = int(change.new.metadata.resource_version)
                assert new_rv > cluster.resource_version
                if change.old is not None:
                    assert new_rv > int(change.old.metadata.resource_version)
        cluster = outcome.cluster


@SETTINGS
@given(api_events(max_size=10))
def test_dump_after_load_is_the_identity_on_dumps(events):
    cluster = manager.replay(manager.empty_cluster(), events)
    text = dump(cluster)
    snapshot = load_snapshot(text, "dump.yaml")
    assert dump_snapshot(snapshot.objects) == text
    restored = apiserver.restore(manager.empty_cluster(), snapshot.objects, snapshot.latest_time)
    assert dump(restored) == text
