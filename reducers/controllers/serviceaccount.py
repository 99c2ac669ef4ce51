"""The ServiceAccounts controller: a `default` ServiceAccount in every Active namespace.

A key is a namespace's name. A namespace added or updated, or a ServiceAccount deleted,
queues its namespace; `sync_namespace` creates each ServiceAccount to ensure (kube-controller-
manager ensures only `default`) that is missing, unless the namespace is not Active. A
create refused because the namespace is terminating is dropped; other failures retry with
backoff.

Models (v1.34): pkg/controller/serviceaccount/serviceaccounts_controller.go
(DefaultServiceAccountsControllerOptions, serviceAccountDeleted, namespaceAdded,
namespaceUpdated, syncNamespace).
Simplifies: no periodic resync (the informers' resync brings nothing the writes do not).
Covered by: tests/test_serviceaccount.py (serviceaccounts_controller_test.go
TestServiceAccountCreation cases).
"""

from __future__ import annotations

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "serviceaccount"
SERVICE_ACCOUNTS_TO_ENSURE = ("default",)
NAMESPACE_TERMINATING = "because it is being terminated"


def watch(cluster: Cluster, change: Change) -> list[str]:
    """namespaceAdded, namespaceUpdated (the namespace); serviceAccountDeleted (its
    namespace)."""
    if change.kind == "Namespace" and change.new is not None:
        return [change.name]
    if change.kind == "ServiceAccount" and change.new is None:
        return [change.namespace]
    return []


def sync_namespace(cluster: Cluster, key: str,
                   ensure: tuple[str, ...] = SERVICE_ACCOUNTS_TO_ENSURE) -> Cluster:
    """syncNamespace: create the missing ServiceAccounts of an Active namespace."""
    ns = cluster.get("Namespace", "", key)
    if ns is None or ns.status.phase != "Active":
        return cluster.forget(NAME, key)
    failed = False
    for name in ensure:
        if cluster.get("ServiceAccount", key, name) is not None:
            continue
        sa = decode_object({"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": name, "namespace": key}})
        result = apiserver.create(cluster, sa)
        if isinstance(result, Status):
            if result.reason != "AlreadyExists" and not (
                    result.reason == "Forbidden" and NAMESPACE_TERMINATING in result.message):
                failed = True
            continue
        cluster = result.cluster
    if failed:
        return cluster.enqueue_rate_limited(NAME, key)
    return cluster.forget(NAME, key)


def new_controller(service_accounts: tuple[str, ...] = SERVICE_ACCOUNTS_TO_ENSURE) -> Controller:
    """NewServiceAccountsController with ServiceAccountsControllerOptions.ServiceAccounts."""
    def sync(cluster: Cluster, key: str) -> Cluster:
        return sync_namespace(cluster, key, service_accounts)
    return Controller(NAME, sync, watch, frozenset({"Namespace", "ServiceAccount"}))


CONTROLLER = new_controller()
