"""Helm 3, as a client of the cluster: releases installed, upgraded, rolled back and
uninstalled, stored as Helm stores them.

A `helm:` event (core/events.py `Helm`) arrives rendered by the shell (kubefold/helm.py runs
Helm's own template engine); `handle` runs the action to where it must wait and returns the
cluster, or refuses it with Helm's error text (the cluster unchanged). The `helm` controller
(key `namespace/release`) carries a waiting action on: hooks that run Jobs or Pods, `wait`
with its timeout on the logical clock, `atomic`'s rollback or uninstall. The modules follow
helm.sh/helm/v3 pkg/action (install, upgrade, rollback, uninstall, action: the shared hook and
wait machinery) and pkg/storage (storage, release), pkg/releaseutil and pkg/kube (kube: the
client and the ready checker).

May import: kubefold.core, the API server's public names, the Deployment util layer (Helm
vendors it for its ready checker), kubectl's three-way JSON merge, and the control plane's
types.
Covered by: tests/test_helm_*.py, tests/test_properties_helm.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.events import Helm
from kubefold.reducers.controlplane import Controller
from kubefold.reducers.helm import install, rollback, storage, uninstall, upgrade
from kubefold.reducers.helm.action import NAME, key_of, refuse, resume
from kubefold.reducers.helm.releaseutil import HOOK_ANNOTATION

__all__ = ["CONTROLLER", "NAME", "handle", "history"]

ACTIONS = {"install": install.handle, "upgrade": upgrade.handle,
           "rollback": rollback.handle, "uninstall": uninstall.handle}


def handle(cluster: Cluster, event: Helm) -> Cluster | Status:
    """One Helm command against the cluster."""
    action = ACTIONS.get(event.action)
    if action is None:
        return refuse(f"unknown helm action {event.action!r}")
    return action(cluster, event)


def history(cluster: Cluster, namespace: str, name: str) -> list[Any]:
    """helm history: every stored revision, oldest first (pkg/action/history.go)."""
    return storage.history(cluster, namespace, name)


def sync(cluster: Cluster, key: str) -> Cluster:
    """Resume the waiting operation of release `key` (namespace/name), if any."""
    namespace, _, name = key.partition("/")
    return resume(cluster, namespace, name)


def watch(cluster: Cluster, change: Change) -> Iterable[str]:
    """A release Secret carrying an operation wakes its release; so does a change to a hook
    object (a Job or Pod annotated helm.sh/hook), for every release waiting in its
    namespace."""
    obj = change.new if change.new is not None else change.old
    annotations = obj.metadata.annotations
    if change.kind == "Secret":
        if change.new is not None and storage.OPERATION_ANNOTATION in annotations:
            name = obj.metadata.labels.get("name")
            if name:
                yield key_of(change.namespace, name)
        return
    if HOOK_ANNOTATION not in annotations:
        return
    for secret in cluster.select("Secret", change.namespace, _OWNED):
        if storage.OPERATION_ANNOTATION in secret.metadata.annotations:
            name = secret.metadata.labels.get("name")
            if name:
                yield key_of(change.namespace, name)


def _owned() -> Any:
    from kubefold.core.labels import selector_from_set

    return selector_from_set({"owner": storage.OWNER})


_OWNED = _owned()

CONTROLLER = Controller(NAME, sync, watch, frozenset({"Secret", "Job", "Pod"}))
