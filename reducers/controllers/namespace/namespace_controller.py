"""The namespace controller: deletes a terminating namespace's content, then the namespace.

A key is a namespace's name; a namespace written with a deletionTimestamp queues it.
`sync_namespace` is syncNamespaceFromKey: the deleter (deletion.py) runs; content remaining
is looked at again after estimate/2 + 1 seconds, an error after the rate limiter's backoff.

Models (v1.34): pkg/controller/namespace/namespace_controller.go (enqueueNamespace with
namespaceDeletionGracePeriod, worker, syncNamespaceFromKey).
Simplifies: Go delays every namespace event by namespaceDeletionGracePeriod (5 s, for HA API
servers to agree); here the first sync waits until 5 s after the deletionTimestamp, and later
writes queue the namespace at once.
Covered by: tests/test_namespace.py.
"""

from __future__ import annotations

from kubefold.core.cluster import Change, Cluster
from kubefold.reducers.controllers.namespace.deletion import delete_namespace
from kubefold.reducers.controlplane import Controller

NAME = "namespace"
NAMESPACE_DELETION_GRACE_PERIOD = 5


def watch(cluster: Cluster, change: Change) -> list[str]:
    """enqueueNamespace: only namespaces being deleted."""
    if change.kind != "Namespace" or change.new is None:
        return []
    return [change.name] if change.new.metadata.deletion_timestamp is not None else []


def sync_namespace(cluster: Cluster, key: str) -> Cluster:
    """syncNamespaceFromKey, and the worker's handling of its result."""
    ns = cluster.get("Namespace", "", key)
    if ns is None or ns.metadata.deletion_timestamp is None:
        return cluster.forget(NAME, key)
    due = ns.metadata.deletion_timestamp + NAMESPACE_DELETION_GRACE_PERIOD
    if cluster.now < due:
        return cluster.enqueue_after(NAME, key, due - cluster.now)
    cluster, outcome = delete_namespace(cluster, key)
    if outcome.error is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    if outcome.estimate is not None:
        return cluster.enqueue_after(NAME, key, outcome.estimate // 2 + 1)
    return cluster.forget(NAME, key)


CONTROLLER = Controller(NAME, sync_namespace, watch, frozenset({"Namespace"}))
