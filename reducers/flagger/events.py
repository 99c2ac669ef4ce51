"""What the flagger controller keeps in memory per Canary: its analysis schedule (the CanaryJob
Go runs on a ticker) and the events it records.

Flagger records its messages ("Halt advancement ...", "Advance podinfo.test canary weight
10", "Promotion completed! ...") as Kubernetes Events on the Canary (reason Synced, type Normal
or Warning). kubefold does not model the Event API, so the controller keeps the latest
`EVENTS_KEPT` of them in the cluster value's memory;
`canary_events(cluster, namespace, name)` reads them (as `kubectl describe canary` lists them).

Models: fluxcd/flagger pkg/controller/events.go (recordEventInfof, recordEventErrorf,
recordEventWarningf) and job.go (CanaryJob: the analysis interval and its ticker).
Simplifies: events are not Event objects (no count aggregation, not in a dump); alerts and the
event webhook are not sent.
Covered by: tests/test_flagger_scheduler.py.
"""

from __future__ import annotations

import attrs
from pyrsistent import PVector, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import Canary, key_of

NAME = "flagger"
EVENTS_KEPT = 50
NORMAL = "Normal"
WARNING = "Warning"


@attrs.frozen
class CanaryEvent:
    time: int
    type: str
    message: str
    reason: str = "Synced"


@attrs.frozen
class CanaryRecord:
    """One Canary's job: its interval, when the next analysis is due, and its events."""

    interval: int | None = None
    due: int | None = None
    events: PVector[CanaryEvent] = attrs.field(factory=pvector)


def record_of(cluster: Cluster, key: str) -> CanaryRecord:
    found: CanaryRecord = cluster.recall(NAME, key) or CanaryRecord()
    return found


def with_record(cluster: Cluster, key: str, record: CanaryRecord | None) -> Cluster:
    """The cluster with the Canary's record replaced (None: forgotten)."""
    return cluster.remember(NAME, key, record)


def record_event(cluster: Cluster, cd: Canary, event_type: str, message: str) -> Cluster:
    key = key_of(cd)
    record = record_of(cluster, key)
    events = record.events.append(CanaryEvent(cluster.now, event_type, message))
    if len(events) > EVENTS_KEPT:
        events = events[len(events) - EVENTS_KEPT:]
    return with_record(cluster, key, attrs.evolve(record, events=events))


def info(cluster: Cluster, cd: Canary, message: str) -> Cluster:
    """recordEventInfof."""
    return record_event(cluster, cd, NORMAL, message)


def warning(cluster: Cluster, cd: Canary, message: str) -> Cluster:
    """recordEventWarningf (and recordEventErrorf: both are Warning events)."""
    return record_event(cluster, cd, WARNING, message)


def canary_events(cluster: Cluster, namespace: str, name: str) -> list[CanaryEvent]:
    """The events recorded for the Canary, oldest first."""
    return list(record_of(cluster, f"{namespace}/{name}").events)
