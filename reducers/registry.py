"""The control plane kubefold runs by default: each controller one line, in the order the
manager offers them the writes, and the handlers of the world's events."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from kubefold.reducers import (
    disruption,
    eviction,
    garbage_collector,
    kubelet,
    node_events,
    node_lifecycle,
    pod_events,
    podgc,
    replicaset,
)
from kubefold.reducers.deployment import controller as deployment
from kubefold.reducers.manager import Controller
from kubefold.reducers.scheduler import controller as scheduler

CONTROLLERS: tuple[Controller, ...] = (
    deployment.CONTROLLER,
    replicaset.CONTROLLER,
    garbage_collector.CONTROLLER,
    scheduler.CONTROLLER,
    kubelet.CONTROLLER,
    node_lifecycle.CONTROLLER,
    node_lifecycle.TAINT_EVICTION_CONTROLLER,
    podgc.CONTROLLER,
    disruption.CONTROLLER,
)


def register_world(handlers: MutableMapping[type, Callable[..., Any]]) -> None:
    """The events of the world: a node's kubelet stopping and starting, `pod:` events (a
    container exits, a probe's verdict) that the kubelet then acts on, and the Eviction API
    (`evict:`, and kubectl's `drain:`)."""
    pod_events.register(handlers)
    node_events.register(handlers)
    eviction.register(handlers)
