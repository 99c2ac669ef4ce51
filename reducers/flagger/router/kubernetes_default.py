"""Flagger's ClusterIP Services: `<apex>-canary` selecting the target's pods, `<apex>-primary`
selecting the primary's, and the apex `<apex>` turned to the primary's pods.

Models: fluxcd/flagger pkg/router/kubernetes_default.go (Initialize, Reconcile,
reconcileService, isOwnedByCanary) with the Canary's service port, portName (default `http`),
targetPort, appProtocol, trafficDistribution, headless, portDiscovery and the apex, primary and
canary metadata.
Simplifies: Finalize (revertOnDeletion) is not modelled.
Covered by: tests/test_flagger_router.py (TestServiceRouter_*).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import KIND, Canary, get_service_names, service_of
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary.deployment_controller import controller_ref
from kubefold.reducers.flagger.canary.util import filter_metadata

Step = tuple[Cluster, str | None]


@attrs.frozen
class KubernetesDefaultRouter:
    """The router of a Deployment target: its selector label, value and discovered ports."""

    label_selector: str
    label_value: str
    ports: Mapping[str, int] = attrs.field(factory=dict)

    def initialize(self, cluster: Cluster, cd: Canary) -> Step:
        """Initialize: the canary and primary Services."""
        _, primary, canary = get_service_names(cd)
        service = service_of(cd)
        cluster, err = self.reconcile_service(cluster, cd, canary, self.label_value,
                                              service.canary)
        if err is not None:
            return cluster, f"reconcileService failed: {err}"
        cluster, err = self.reconcile_service(cluster, cd, primary,
                                              f"{self.label_value}-primary", service.primary)
        if err is not None:
            return cluster, f"reconcileService failed: {err}"
        return cluster, None

    def reconcile(self, cluster: Cluster, cd: Canary) -> Step:
        """Reconcile: the apex Service, selecting the primary's pods."""
        apex, _, _ = get_service_names(cd)
        cluster, err = self.reconcile_service(cluster, cd, apex, f"{self.label_value}-primary",
                                              service_of(cd).apex)
        if err is not None:
            return cluster, f"reconcileService failed: {err}"
        return cluster, None

    def desired_ports(self, cd: Canary) -> list[dict[str, Any]]:
        service = service_of(cd)
        target: Any = service.port
        if service.target_port not in (None, 0, "0"):
            target = service.target_port
        port: dict[str, Any] = {"name": service.port_name or "http", "protocol": "TCP",
                                "port": service.port, "targetPort": target}
        if service.app_protocol:
            port["appProtocol"] = service.app_protocol
        ports = [port]
        for name, number in self.ports.items():
            ports.append({"name": name, "protocol": "TCP", "port": number,
                          "targetPort": number})
        return ports

    def reconcile_service(self, cluster: Cluster, cd: Canary, name: str, pod_selector: str,
                          custom: Any) -> Step:
        """reconcileService: create the Service, or correct its ports and selector (and, when
        the Canary owns it, its labels and annotations)."""
        namespace = cd.metadata.namespace or "default"
        service = service_of(cd)
        spec: dict[str, Any] = {"type": "ClusterIP",
                                "selector": {self.label_selector: pod_selector},
                                "ports": self.desired_ports(cd)}
        if service.headless:
            spec["clusterIP"] = "None"
        if service.traffic_distribution:
            spec["trafficDistribution"] = service.traffic_distribution
        metadata = thaw(custom) or {}
        labels = {**(metadata.get("labels") or {}), self.label_selector: name}
        annotations = dict(metadata.get("annotations") or {})
        existing = cluster.get("Service", namespace, name)
        if existing is None:
            manifest = {"apiVersion": "v1", "kind": "Service", "metadata": {
                "name": name, "namespace": namespace, "labels": labels,
                "annotations": filter_metadata(annotations),
                "ownerReferences": [controller_ref(cd)]}, "spec": spec}
            written = apiserver.create(cluster, manifest)
            if isinstance(written, Status):
                return cluster, f"service {name}.{namespace} create error: {written.message}"
            return written.cluster, None
        return self._update(cluster, cd, existing, spec, labels, annotations)

    def _update(self, cluster: Cluster, cd: Canary, existing: Any, spec: dict[str, Any],
                labels: dict[str, str], annotations: dict[str, str]) -> Step:
        current: dict[str, Any] = copy.deepcopy(encode(existing))
        current_spec = current.setdefault("spec", {})
        current_ports = list(current_spec.get("ports") or ())
        for port in current_ports:
            for wanted in spec["ports"]:
                if port.get("name") == wanted["name"] and (port.get("nodePort") or 0) > 0:
                    wanted["nodePort"] = port["nodePort"]
                    break
        update = False
        if _port_key(spec["ports"]) != _port_key(current_ports) \
                or spec["selector"] != (current_spec.get("selector") or {}):
            current_spec["ports"] = spec["ports"]
            current_spec["selector"] = spec["selector"]
            update = True
        meta = current["metadata"]
        if is_owned_by_canary(existing, cd.metadata.name or "")[1]:
            unmanaged = thaw(service_of(cd).unmanaged_metadata) or {}
            old_annotations = dict(existing.metadata.annotations)
            new_annotations = filter_metadata(annotations)
            for key in unmanaged.get("annotations") or ():
                if key in old_annotations:
                    new_annotations[key] = old_annotations[key]
            new_labels = dict(labels)
            for key in unmanaged.get("labels") or ():
                if key in existing.metadata.labels:
                    new_labels[key] = existing.metadata.labels[key]
            if new_annotations != old_annotations:
                meta["annotations"] = new_annotations
                update = True
            if new_labels != dict(existing.metadata.labels):
                meta["labels"] = new_labels
                update = True
        if not update:
            return cluster, None
        meta["annotations"] = filter_metadata(meta.get("annotations"))
        meta.pop("resourceVersion", None)
        written = apiserver.update(cluster, current)
        if isinstance(written, Status):
            return cluster, f"service {existing.metadata.name} update error: {written.message}"
        return written.cluster, None


def _port_key(ports: Any) -> list[tuple[Any, ...]]:
    """The ServicePort fields cmp.Diff compares, sorted by port (SortSlices)."""
    keyed = [(p.get("port"), p.get("name") or "", p.get("protocol") or "TCP",
              p.get("appProtocol"), p.get("targetPort"), p.get("nodePort") or 0)
             for p in ports]
    return sorted(keyed, key=lambda k: k[0] or 0)


def is_owned_by_canary(obj: Any, name: str) -> tuple[bool, bool]:
    """isOwnedByCanary: (a Canary controls it, that Canary is `name`)."""
    ref = next((r for r in obj.metadata.owner_references if r.controller), None)
    if ref is None or ref.kind != KIND:
        return False, False
    return True, ref.name == name
