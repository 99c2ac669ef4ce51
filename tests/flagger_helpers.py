"""Builders for the Flagger tests, named as Flagger's Go tests name theirs
(pkg/controller/scheduler_deployment_fixture_test.go, pkg/router/router_test.go), and the
harness that drives a Canary through the DESIGN contract: `apply:` of the objects, `metric:`
samples, `tick:` of one analysis interval, `rollout:` events.

The Go fixtures' Canaries lack fields the CRD's schema requires (an interval, a threshold);
here they carry `interval: 1m` and, where Go leaves it out, `threshold: 0` (which Flagger reads
as 1, as Go's zero value). They do not name an autoscaler (no HorizontalPodAutoscaler is
driven in these tests; the replicas are 1 either way)."""

from __future__ import annotations

import copy
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, MetricSample, Rollout, Tick
from kubefold.core.schema import thaw
from kubefold.reducers import manager
from kubefold.reducers.flagger import canary_events
from tests.helpers import node

INTERVAL = 60


# -- pkg/controller/scheduler_deployment_fixture_test.go ----------------------------------------


def new_deployment_test_canary(**analysis: Any) -> dict[str, Any]:
    """newDeploymentTestCanary: podinfo, port 9898, threshold 10, stepWeight 10, maxWeight 50,
    success rate >= 99, duration in [0, 500000] ms and the `custom` metric of template envoy."""
    body = {"interval": "1m", "threshold": 10, "stepWeight": 10, "maxWeight": 50, "metrics": [
        {"name": "request-success-rate", "threshold": 99, "interval": "1m"},
        {"name": "request-duration", "thresholdRange": {"min": 0, "max": 500000},
         "interval": "1m"},
        {"name": "custom", "thresholdRange": {"min": 0, "max": 100}, "interval": "1m",
         "templateRef": {"name": "envoy", "namespace": "default"}}]}
    body.update(analysis)
    return canary_manifest("podinfo", body)


def new_deployment_test_canary_ab() -> dict[str, Any]:
    """newDeploymentTestCanaryAB: 10 iterations for requests with `x-user-type: test`."""
    return canary_manifest("podinfo", {
        "interval": "1m", "threshold": 10, "iterations": 10,
        "match": [{"headers": {"x-user-type": {"exact": "test"}}}],
        "metrics": [
            {"name": "request-success-rate", "thresholdRange": {"min": 99, "max": 100},
             "interval": "1m"},
            {"name": "request-duration", "threshold": 500000, "interval": "1m"},
            {"name": "custom", "thresholdRange": {"min": 0, "max": 500000},
             "templateRef": {"name": "envoy", "namespace": "default"}, "interval": "1m",
             "query": "fake"}]})


def canary_manifest(name: str, analysis: dict[str, Any], target: str = "podinfo",
                    **service: Any) -> dict[str, Any]:
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                   "name": target},
                     "service": {"port": 9898, **service}, "analysis": analysis}}


def _container(image: str, v2: bool) -> dict[str, Any]:
    ports = [{"name": "http", "containerPort": 9898, "protocol": "TCP"}]
    if not v2:
        ports += [{"name": "http-metrics", "containerPort": 8080, "protocol": "TCP"},
                  {"containerPort": 8888}]
    env_from: list[dict[str, Any]] = [{"configMapRef": {"name": "podinfo-config-all-env"}}]
    if not v2:
        env_from.append({"secretRef": {"name": "podinfo-secret-all-env"}})
    return {"name": "podinfo", "image": image, "command": ["./podinfo", "--port=9898"],
            "ports": ports,
            "env": [{"name": "PODINFO_UI_COLOR", "valueFrom": {"configMapKeyRef": {
                        "name": "podinfo-config-env", "key": "color"}}},
                    {"name": "API_KEY", "valueFrom": {"secretKeyRef": {
                        "name": "podinfo-secret-env", "key": "apiKey"}}}],
            "envFrom": env_from,
            "volumeMounts": [{"name": "config", "mountPath": "/etc/podinfo/config",
                              "readOnly": True},
                             {"name": "secret", "mountPath": "/etc/podinfo/secret",
                              "readOnly": True}]}


def new_deployment_test_deployment(v2: bool = False, name: str = "podinfo",
                                   **spec: Any) -> dict[str, Any]:
    """newDeploymentTestDeployment (v1.2.0, three ports, configs and secrets by env, envFrom
    and volumes) or newDeploymentTestDeploymentV2 (v1.2.1, one port, no secret envFrom)."""
    image = "quay.io/stefanprodan/podinfo:1.2.1" if v2 else "quay.io/stefanprodan/podinfo:1.2.0"
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": name}}, **spec,
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {
                         "containers": [_container(image, v2)],
                         "volumes": [
                             {"name": "config", "configMap": {"name": "podinfo-config-vol"}},
                             {"name": "secret",
                              "secret": {"secretName": "podinfo-secret-vol"}}]}}}}


def config_map(name: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": data}


def secret(name: str, data: dict[str, str]) -> dict[str, Any]:
    """A Secret (data given in clear, stored base64 as the API serves it)."""
    import base64
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": "default"}, "data": encoded}


def new_deployment_test_configs() -> list[dict[str, Any]]:
    """The ConfigMaps and Secrets of the fixture, and the envoy MetricTemplate."""
    return [
        config_map("podinfo-config-env", {"color": "red"}),
        config_map("podinfo-config-all-env", {"color": "red"}),
        config_map("podinfo-config-vol", {"color": "red"}),
        secret("podinfo-secret-env", {"apiKey": "test", "username": "test",
                                      "password": "test"}),
        secret("podinfo-secret-all-env", {"apiKey": "test"}),
        secret("podinfo-secret-vol", {"apiKey": "test"}),
        {"apiVersion": "flagger.app/v1beta1", "kind": "MetricTemplate",
         "metadata": {"name": "envoy", "namespace": "default"},
         "spec": {"provider": {"type": "prometheus", "address": "http://prometheus:9090",
                               "secretRef": {"name": "podinfo-secret-env"}},
                  "query": 'sum(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}'
                           '_{{ target }}"})'}},
        {"apiVersion": "flagger.app/v1beta1", "kind": "MetricTemplate",
         "metadata": {"name": "custom-vars", "namespace": "default"},
         "spec": {"provider": {"type": "prometheus", "address": "http://prometheus:9090",
                               "secretRef": {"name": "podinfo-secret-env"}},
                  "query": "sum(x)"}},
    ]


# -- the harness ------------------------------------------------------------------------------


def step(cluster: Cluster, event: Any) -> Cluster:
    outcome = manager.apply_event(cluster, event)
    assert outcome.rejected is None, outcome.rejected
    return outcome.cluster


def apply(cluster: Cluster, manifest: dict[str, Any]) -> Cluster:
    return step(cluster, Apply(decode_object(copy.deepcopy(manifest))))


def metrics(cluster: Cluster, value: float = 100, names: tuple[str, ...] = (
        "request-success-rate", "request-duration", "custom")) -> Cluster:
    """What the Go fixture's Prometheus answers every query with: 100."""
    for name in names:
        cluster = step(cluster, MetricSample(name, value, namespace="default"))
    return cluster


@attrs.frozen
class Mocks:
    """newDeploymentFixture through the contract: nodes, the fixture's configs, the target,
    the samples, then the Canary (whose creation is the first advanceCanary)."""

    cluster: Cluster

    def advance(self, ticks: int = 1) -> Mocks:
        """advanceCanary: one analysis interval of logical time."""
        cluster = self.cluster
        for _ in range(ticks):
            cluster = step(cluster, Tick(INTERVAL))
        return Mocks(cluster)

    def apply(self, manifest: dict[str, Any]) -> Mocks:
        return Mocks(apply(self.cluster, manifest))

    def event(self, event: Any) -> Mocks:
        return Mocks(step(self.cluster, event))

    def canary(self, name: str = "podinfo") -> Any:
        return self.cluster.get("Canary", "default", name)

    def phase(self, name: str = "podinfo") -> str | None:
        return self.canary(name).status.phase

    def deployment(self, name: str) -> Any:
        return self.cluster.get("Deployment", "default", name)

    def replicas(self, name: str) -> int | None:
        return self.deployment(name).spec.replicas

    def routes(self, name: str = "podinfo") -> tuple[int, int, bool]:
        """The Istio router's GetRoutes on the VirtualService."""
        from kubefold.reducers.flagger.router import IstioRouter
        p, c, m, err = IstioRouter().get_routes(self.cluster, self.canary(name))
        assert err is None, err
        return p, c, m

    def virtual_service(self, name: str = "podinfo") -> Any:
        vs = self.cluster.get("VirtualService", "default", name)
        return thaw(vs.extra.get("spec")) if vs is not None else None

    def events(self, name: str = "podinfo") -> list[str]:
        return [e.message for e in canary_events(self.cluster, "default", name)]

    def promote(self, name: str = "podinfo") -> Mocks:
        return self.event(Rollout("promote", "Canary", name, "default"))

    def abort(self, name: str = "podinfo") -> Mocks:
        return self.event(Rollout("abort", "Canary", name, "default"))


def new_deployment_fixture(canary: dict[str, Any] | None = None, nodes: int = 2,
                           deployment: dict[str, Any] | None = None) -> Mocks:
    cluster = manager.empty_cluster()
    for i in range(nodes):
        cluster = apply(cluster, node(f"node-{i + 1}"))
    for manifest in new_deployment_test_configs():
        cluster = apply(cluster, manifest)
    cluster = apply(cluster, deployment or new_deployment_test_deployment())
    cluster = metrics(cluster)
    cluster = apply(cluster, canary or new_deployment_test_canary())
    return Mocks(cluster)
