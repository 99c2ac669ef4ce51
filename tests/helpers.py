"""Builders shared by the tests, named as Kubernetes' Go tests name theirs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply
from kubefold.reducers import manager

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus"


def node(name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110") -> dict[str, Any]:
    capacity = {"cpu": cpu, "memory": memory, "pods": pods}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def new_deployment(name: str = "web", replicas: int | None = 1, image: str = "web:v1",
                   namespace: str = "default", **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}},
                     "spec": {"containers": [{"name": "app", "image": image}]}},
        **spec,
    }
    if replicas is not None:
        body["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def new_pod(name: str = "p", namespace: str = "default", node_name: str | None = None,
            cpu: str | None = None, **spec: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "app:v1"}
    if cpu is not None:
        container["resources"] = {"requests": {"cpu": cpu}}
    body: dict[str, Any] = {"containers": [container], **spec}
    if node_name:
        body["nodeName"] = node_name
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace}, "spec": body}


def apply(cluster: Cluster, *manifests: dict[str, Any], mode: str = "manual") -> Cluster:
    """Apply manifests through the API server; fail the test on a rejection."""
    for m in manifests:
        outcome = manager.apply_event(cluster, Apply(decode_object(m)), mode)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def restore(*manifests: dict[str, Any], now: str | None = None) -> Cluster:
    """A cluster restored from manifests as a snapshot would be (status kept, no admission).
    `now` (RFC 3339) sets the clock; otherwise it starts at the latest timestamp found."""
    from kubefold.core.codec import latest_timestamp
    from kubefold.core.schema import parse_time
    from kubefold.reducers import apiserver

    objects = [decode_object(m) for m in manifests]
    latest = parse_time(now) if now else latest_timestamp(list(manifests))
    cluster = apiserver.restore(Cluster(), objects, latest)
    return manager.dispatch(cluster)[0]


def reconcile(cluster: Cluster, controller: str, key: str) -> Cluster:
    """One turn of one controller for one key, in manual mode; fail the test on a rejection."""
    from kubefold.core.events import Reconcile

    outcome = manager.apply_event(cluster, Reconcile(controller, key), mode="manual")
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster
