"""kubefold: the Kubernetes control plane as a pure-functional fold.

The public API: build or load a cluster value, apply events, inspect any state.

    import kubefold
    cluster = kubefold.empty_cluster()
    for event in kubefold.load_events("examples/rolling-update.yaml"):
        cluster = kubefold.step(cluster, event)
    print(cluster.get("Deployment", "default", "web").status)
    print(kubefold.dump(cluster))

    history = kubefold.trace(kubefold.empty_cluster(), kubefold.load_events("log.yaml"))
    history[3], history.at("2024-01-01T00:03:00Z"), history.diff(3, 5)
"""

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_log, decode_object, dump_snapshot, encode_object
from kubefold.core.errors import FieldError, InputError, Status
from kubefold.core.events import (
    Apply,
    Delete,
    Event,
    MetricSample,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
    Usage,
)
from kubefold.core.quantity import Quantity, parse_quantity
from kubefold.history import History, ObjectChange, trace
from kubefold.io import dump, load_events, load_log, load_objects, load_snapshot, write_dump
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.manager import Outcome, apply_event, empty_cluster, replay, step
from kubefold.reducers.proxy import Request as RouteRequest
from kubefold.reducers.proxy import Routed, route
from kubefold.reducers.registry import DEFAULT as DEFAULT_CONTROL_PLANE

__all__ = [
    "DEFAULT_CONTROL_PLANE", "Apply", "Cluster", "ControlPlane", "Controller", "Delete", "Event",
    "FieldError", "History", "InputError", "MetricSample", "NodeHealth", "ObjectChange",
    "Outcome", "PodEvent", "Quantity", "Reconcile", "Rollout", "RouteRequest", "Routed", "Scale",
    "Status", "Tick", "Usage", "apply_event", "decode_log", "decode_object", "dump",
    "dump_snapshot", "empty_cluster", "encode_object", "load_events", "load_log", "load_objects",
    "load_snapshot", "parse_quantity", "replay", "route", "step", "trace", "write_dump",
]
