"""Builders shared by the tests, named as Kubernetes' Go tests name theirs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Event, Reconcile
from kubefold.reducers import manager
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.registry import DEFAULT, WORLD

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


def plane(*controllers: Controller, world: bool = False) -> ControlPlane:
    """A control plane of only these controllers (and the default world handlers, or none)."""
    return ControlPlane(controllers, WORLD if world else {})


@attrs.frozen
class Engine:
    """The manager's entry points bound to one control plane: a test that runs fewer
    controllers, or a deliberately broken one, builds its own and calls these."""

    plane: ControlPlane = DEFAULT

    def empty_cluster(self, seed: int = 0) -> Cluster:
        return manager.empty_cluster(seed, self.plane)

    def apply_event(self, cluster: Cluster, event: Event, mode: str = "auto",
                    observer: Any = None) -> manager.Outcome:
        return manager.apply_event(cluster, event, mode, observer, self.plane)

    def step(self, cluster: Cluster, event: Event, mode: str = "auto") -> Cluster:
        return manager.step(cluster, event, mode, self.plane)

    def replay(self, cluster: Cluster, events: Any, mode: str = "auto") -> Cluster:
        return manager.replay(cluster, events, mode, self.plane)

    def trace(self, cluster: Cluster, events: Any, mode: str = "auto") -> Any:
        return manager.trace(cluster, events, mode, self.plane)

    def dispatch(self, cluster: Cluster) -> tuple[Cluster, tuple]:
        return manager.dispatch(cluster, self.plane)

    def run_until_settled(self, cluster: Cluster, max_turns: int = manager.MAX_TURNS,
                          observer: Any = None) -> tuple[Cluster, tuple, bool]:
        return manager.run_until_settled(cluster, max_turns, observer, self.plane)

    def apply(self, cluster: Cluster, *manifests: dict[str, Any], mode: str = "manual"
              ) -> Cluster:
        """Apply manifests through the API server; fail the test on a rejection."""
        for m in manifests:
            outcome = self.apply_event(cluster, Apply(decode_object(m)), mode)
            assert outcome.rejected is None, outcome.rejected
            cluster = outcome.cluster
        return cluster

    def restore(self, *manifests: dict[str, Any], now: str | None = None) -> Cluster:
        """A cluster restored from manifests as a snapshot would be (status kept, no
        admission). `now` (RFC 3339) sets the clock; otherwise it starts at the latest
        timestamp found."""
        from kubefold.core.codec import latest_timestamp
        from kubefold.core.schema import parse_time
        from kubefold.reducers import apiserver

        objects = [decode_object(m) for m in manifests]
        latest = parse_time(now) if now else latest_timestamp(list(manifests))
        cluster = apiserver.restore(Cluster(), objects, latest)
        return self.dispatch(cluster)[0]

    def reconcile(self, cluster: Cluster, controller: str, key: str) -> Cluster:
        """One turn of one controller for one key, in manual mode; fail the test on a
        rejection."""
        outcome = self.apply_event(cluster, Reconcile(controller, key), mode="manual")
        assert outcome.rejected is None, outcome.rejected
        return outcome.cluster


ENGINE = Engine()
apply = ENGINE.apply
restore = ENGINE.restore
reconcile = ENGINE.reconcile


# -- apps/v1 StatefulSets and DaemonSets (stateful_set_utils_test.go, daemon_controller_test.go)


def new_stateful_set_with_volumes(replicas: int, name: str, pet_mounts: list[str],
                                  pod_mounts: list[str]) -> Any:
    """newStatefulSetWithVolumes: a claim template per pet mount, a hostPath volume per pod
    mount, RollingUpdate without rollingUpdate, Retain/Retain, history 2, uid "test"."""
    claims = [new_pvc(m) for m in pet_mounts]
    mounts = [{"name": m, "mountPath": f"/tmp/{m}"} for m in [*pet_mounts, *pod_mounts]]
    volumes = [{"name": m, "hostPath": {"path": f"/tmp/{m}"}} for m in pod_mounts]
    spec = {"containers": [{"name": "nginx", "image": "nginx", "volumeMounts": mounts}]}
    if volumes:
        spec["volumes"] = volumes
    return decode_object({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default", "uid": "test"},
        "spec": {"selector": {"matchLabels": {"foo": "bar"}}, "replicas": replicas,
                 "template": {"metadata": {"labels": {"foo": "bar"}}, "spec": spec},
                 "volumeClaimTemplates": claims, "serviceName": "governingsvc",
                 "updateStrategy": {"type": "RollingUpdate"},
                 "persistentVolumeClaimRetentionPolicy": {"whenScaled": "Retain",
                                                          "whenDeleted": "Retain"},
                 "revisionHistoryLimit": 2}})


def new_stateful_set(replicas: int) -> Any:
    """newStatefulSet: `foo` with a `datadir` claim and a `home` hostPath volume."""
    return new_stateful_set_with_volumes(replicas, "foo", ["datadir"], ["home"])


def new_pvc(name: str) -> dict[str, Any]:
    """newPVC: a claim template asking for 1 of storage."""
    return {"metadata": {"namespace": "default", "name": name},
            "spec": {"resources": {"requests": {"storage": "1"}}}}


def new_daemon_set(name: str = "foo", image: str = "foo/bar", **spec: Any) -> dict[str, Any]:
    """newDaemonSet: selector and labels `{"name": "simple-daemon", "type": "production"}`."""
    labels = {"name": "simple-daemon", "type": "production"}
    body: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels},
                     "spec": {"containers": [{"name": "foo", "image": image}]}},
        **spec,
    }
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "default"}, "spec": body}


def crd(kind: str, group: str = "example.com", version: str = "v1",
        scope: str = "Namespaced") -> dict[str, Any]:
    """An apiextensions.k8s.io/v1 CustomResourceDefinition serving `kind` at group/version,
    with the scale subresource (spec.replicas, status.replicas, status.selector)."""
    plural = kind.lower() + "s"
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{group}"},
            "spec": {"group": group, "scope": scope,
                     "names": {"kind": kind, "plural": plural, "singular": kind.lower()},
                     "versions": [{"name": version, "served": True, "storage": True,
                                   "subresources": {"scale": {
                                       "specReplicasPath": ".spec.replicas",
                                       "statusReplicasPath": ".status.replicas",
                                       "labelSelectorPath": ".status.selector"}}}]}}
