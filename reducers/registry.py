"""The control plane kubefold runs by default: each controller one line, in the order the
manager offers them the writes, and the handlers of the world's events."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from kubefold.reducers import garbage_collector, pod_events, replicaset
from kubefold.reducers.manager import Controller

CONTROLLERS: tuple[Controller, ...] = (
    replicaset.CONTROLLER,
    garbage_collector.CONTROLLER,
)


def register_world(handlers: MutableMapping[type, Callable[..., Any]]) -> None:
    """The events of the world: until the kubelet runs pods, `pod:` events stand in for it."""
    pod_events.register(handlers)
