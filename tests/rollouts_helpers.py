"""Builders for the Argo Rollouts tests, named as argo-rollouts' Go tests name theirs
(utils/replicaset/canary_test.go's newRollout and newRS, rollout/controller_test.go's
newCanaryRollout, newBlueGreenRollout, newReplicaSetWithStatus), and a small driver that
applies manifests and ticks the logical clock through the default control plane."""

from __future__ import annotations

import copy
from typing import Any

from kubefold.core.codec import decode_document, decode_object, encode_object
from kubefold.core.events import Apply, Event, Rollout, Tick
from kubefold.reducers import manager
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash
from tests.helpers import node

HASH_LABEL = "rollouts-pod-template-hash"
GV = "argoproj.io/v1alpha1"


# -- typed values for the utils ports (no cluster) --------------------------------------------

def set_canary_scale(replicas: int | None = None, weight: int | None = None,
                     match: bool = False) -> dict[str, Any]:
    scs: dict[str, Any] = {}
    if replicas is not None:
        scs["replicas"] = replicas
    if weight is not None:
        scs["weight"] = weight
    if match:
        scs["matchTrafficWeight"] = True
    return scs


def new_rollout(spec_replicas: int = 1, set_weight: int = 0, max_surge: int | str = 0,
                max_unavailable: int | str = 0, current_pod_hash: str = "",
                stable_pod_hash: str = "", scs: dict[str, Any] | None = None,
                rtr: dict[str, Any] | None = None) -> dict[str, Any]:
    """canary_test.go's newRollout as a manifest (decode it with `typed`)."""
    step: dict[str, Any] = {"setWeight": set_weight}
    if scs is not None:
        step["setCanaryScale"] = scs
    canary: dict[str, Any] = {"maxSurge": max_surge, "maxUnavailable": max_unavailable,
                              "steps": [step]}
    if rtr is not None:
        canary["trafficRouting"] = rtr
    status: dict[str, Any] = {}
    if stable_pod_hash:
        status["stableRS"] = stable_pod_hash
    if current_pod_hash:
        status["currentPodHash"] = current_pod_hash
    return {"apiVersion": GV, "kind": "Rollout",
            "metadata": {"name": "rollout", "namespace": "default"},
            "spec": {"replicas": spec_replicas, "strategy": {"canary": canary}},
            "status": status}


def bare_rollout(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """`&v1alpha1.Rollout{Spec: ..., Status: ...}` as a manifest."""
    return {"apiVersion": GV, "kind": "Rollout",
            "metadata": {"name": "rollout", "namespace": "default"},
            "spec": spec or {}, "status": status or {}}


def new_rs(pod_hash: str, spec_replicas: int | None, available: int,
           replicas: int | None = None, name: str | None = None) -> Any:
    """canary_test.go's newRS: a typed ReplicaSet labelled with the pod hash."""
    labels = {HASH_LABEL: pod_hash} if pod_hash else {}
    spec: dict[str, Any] = {}
    if spec_replicas is not None:
        spec["replicas"] = spec_replicas
    status: dict[str, Any] = {"replicas": replicas or 0, "availableReplicas": available}
    return decode_object({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                          "metadata": {"name": name or pod_hash or "rs",
                                       "namespace": "default", "labels": labels},
                          "spec": spec, "status": status})


def typed(manifest: dict[str, Any]) -> Any:
    return decode_object(copy.deepcopy(manifest))


# -- manifests for the controller tests -------------------------------------------------------

def pod_template(image: str = "app:v1", app: str = "foo") -> dict[str, Any]:
    return {"metadata": {"labels": {"app": app}},
            "spec": {"containers": [{"name": "app", "image": image}]}}


def canary_rollout(name: str = "foo", replicas: int = 10, steps: list[dict[str, Any]] | None = None,
                   image: str = "app:v1", max_surge: int | str | None = None,
                   max_unavailable: int | str | None = None, **canary: Any) -> dict[str, Any]:
    """controller_test.go's newCanaryRollout: a Rollout with these canary steps."""
    strategy: dict[str, Any] = dict(canary)
    if steps is not None:
        strategy["steps"] = steps
    if max_surge is not None:
        strategy["maxSurge"] = max_surge
    if max_unavailable is not None:
        strategy["maxUnavailable"] = max_unavailable
    return {"apiVersion": GV, "kind": "Rollout",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": {"app": name}},
                     "template": pod_template(image, name),
                     "strategy": {"canary": strategy}}}


def bluegreen_rollout(name: str = "foo", replicas: int = 3, image: str = "app:v1",
                      active: str = "active", preview: str | None = "preview",
                      **bluegreen: Any) -> dict[str, Any]:
    """controller_test.go's newBlueGreenRollout."""
    strategy: dict[str, Any] = {"activeService": active, **bluegreen}
    if preview is not None:
        strategy["previewService"] = preview
    return {"apiVersion": GV, "kind": "Rollout",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": {"app": name}},
                     "template": pod_template(image, name),
                     "strategy": {"blueGreen": strategy}}}


def service(name: str, app: str = "foo", port: int = 80) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": app},
                     "ports": [{"port": port, "targetPort": 8080, "protocol": "TCP"}]}}


def analysis_template(name: str, *metrics: dict[str, Any], args: list[dict[str, Any]] | None = None,
                      kind: str = "AnalysisTemplate") -> dict[str, Any]:
    spec: dict[str, Any] = {"metrics": list(metrics)}
    if args is not None:
        spec["args"] = args
    metadata: dict[str, Any] = {"name": name}
    if kind == "AnalysisTemplate":
        metadata["namespace"] = "default"
    return {"apiVersion": GV, "kind": kind, "metadata": metadata, "spec": spec}


def sample_metric(name: str, success: str | None = None, failure: str | None = None,
                  **fields: Any) -> dict[str, Any]:
    """A template metric read from `metric:` samples (the provider's query is kept as written;
    a Prometheus provider is the docs' usual one)."""
    metric: dict[str, Any] = {"name": name,
                              "provider": {"prometheus": {"address": "http://prometheus",
                                                          "query": f"{name}-query"}}}
    if success is not None:
        metric["successCondition"] = success
    if failure is not None:
        metric["failureCondition"] = failure
    metric.update(fields)
    return metric


def pod_hash(manifest: dict[str, Any]) -> str:
    """Argo's pod-template hash of a Rollout manifest's template (as the controller computes
    it, on the defaulted template the API server stores)."""
    ro = decode_object(copy.deepcopy(manifest))
    return compute_pod_template_hash(ro.spec.template, None)


# -- a driver ---------------------------------------------------------------------------------

class World:
    """A cluster with three nodes run in auto mode through the default control plane;
    `apply`, `tick`, `promote`, `abort`, `sample` step it and the accessors read it."""

    def __init__(self, nodes: int = 3, seed: int = 0, mode: str = "auto") -> None:
        self.mode = mode
        self.cluster = manager.empty_cluster(seed)
        for i in range(nodes):
            self.step(Apply(decode_object(node(f"node-{i}"))))

    def step(self, event: Event) -> Any:
        outcome = manager.apply_event(self.cluster, event, self.mode)
        self.cluster = outcome.cluster
        return outcome.rejected

    def apply(self, *manifests: dict[str, Any]) -> None:
        for m in manifests:
            rejected = self.step(Apply(decode_object(copy.deepcopy(m))))
            assert rejected is None, rejected

    def tick(self, seconds: int = 1) -> None:
        self.step(Tick(seconds))

    def rollout(self, action: str, name: str = "foo", full: bool | None = None) -> Any:
        return self.step(Rollout(action, "Rollout", name, "default", full=full))

    def sample(self, name: str, value: Any, namespace: str | None = None) -> None:
        body: dict[str, Any] = {"name": name, "value": value}
        if namespace is not None:
            body["namespace"] = namespace
        events, _ = decode_document({"metric": body}, "test")
        for event in events:
            rejected = self.step(event)
            assert rejected is None, rejected

    # -- reading --
    def ro(self, name: str = "foo") -> Any:
        return self.cluster.get("Rollout", "default", name)

    def status(self, name: str = "foo") -> Any:
        return self.ro(name).status

    def manifest(self, name: str = "foo") -> dict[str, Any]:
        return encode_object(self.ro(name))

    def replica_sets(self) -> list[Any]:
        return sorted(self.cluster.list("ReplicaSet", "default"),
                      key=lambda rs: (rs.metadata.creation_timestamp or 0, rs.metadata.name))

    def rs(self, pod_hash: str) -> Any:
        for rs in self.cluster.list("ReplicaSet", "default"):
            if dict(rs.metadata.labels).get(HASH_LABEL) == pod_hash:
                return rs
        return None

    def sizes(self) -> dict[str, int | None]:
        """pod hash -> spec.replicas for every ReplicaSet."""
        return {dict(rs.metadata.labels).get(HASH_LABEL, rs.metadata.name): rs.spec.replicas
                for rs in self.replica_sets()}

    def selector(self, service_name: str) -> dict[str, str]:
        svc = self.cluster.get("Service", "default", service_name)
        return dict(svc.spec.selector or {})

    def condition(self, cond_type: str, name: str = "foo") -> Any:
        for c in self.status(name).conditions:
            if c.type == cond_type:
                return c
        return None

    def runs(self) -> list[Any]:
        return sorted(self.cluster.list("AnalysisRun", "default"),
                      key=lambda r: (r.metadata.creation_timestamp or 0, r.metadata.name))

    def pods_by_hash(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pod in self.cluster.list("Pod", "default"):
            if pod.metadata.deletion_timestamp is not None:
                continue
            h = dict(pod.metadata.labels).get(HASH_LABEL)
            if h is not None:
                counts[h] = counts.get(h, 0) + 1
        return counts
