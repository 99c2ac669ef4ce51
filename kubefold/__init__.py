"""kubefold: the Kubernetes control plane as a pure-functional fold.

The public API: build or load a cluster value, apply events, inspect any state.

    import kubefold
    cluster = kubefold.empty_cluster()
    for event in kubefold.load_events("examples/rolling-update.yaml"):
        cluster = kubefold.step(cluster, event)
    print(cluster.get("Deployment", "default", "web").status)
    print(kubefold.dump(cluster))
"""

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_log, decode_object, dump_snapshot, encode_object
from kubefold.core.errors import FieldError, InputError, Status
from kubefold.core.events import (
    Apply,
    Delete,
    Event,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
)
from kubefold.core.quantity import Quantity, parse_quantity
from kubefold.io import dump, load_events, load_log, load_objects, load_snapshot, write_dump
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.manager import Outcome, apply_event, empty_cluster, replay, step, trace
from kubefold.reducers.proxy import Request as RouteRequest
from kubefold.reducers.proxy import Routed, route
from kubefold.reducers.registry import DEFAULT as DEFAULT_CONTROL_PLANE

__all__ = [
    "DEFAULT_CONTROL_PLANE", "Apply", "Cluster", "ControlPlane", "Controller", "Delete", "Event",
    "FieldError", "InputError", "NodeHealth", "Outcome", "PodEvent", "Quantity", "Reconcile",
    "Rollout", "RouteRequest", "Routed", "Scale", "Status", "Tick", "apply_event", "decode_log",
    "decode_object", "dump",
    "dump_snapshot", "empty_cluster", "encode_object", "load_events", "load_log", "load_objects",
    "load_snapshot", "parse_quantity", "replay", "route", "step", "trace", "write_dump",
]
