"""Hypothesis strategies for Kubernetes objects, as manifests (plain dicts) that decode.

House style: plural nouns, keyword-only arguments, `min_size`/`max_size` where a size applies;
examples shrink towards small numbers, no taints, one zone, integer surge and unavailability,
and the default strategy. Edge configurations (maxSurge 0, one replica, 100%) are drawn more
often than their share, swarm style.

Covered by: tests/test_strategies.py.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kubefold.core.quantity import Quantity

DNS_LABELS = st.from_regex(r"\A[a-z]([a-z0-9-]{0,6}[a-z0-9])?\Z")
ZONES = ("zone-a", "zone-b", "zone-c")
IMAGES = ("web:v1", "web:v2", "web:v3", "web:v4")


def _check_range(name: str, low: int, high: int) -> None:
    if low < 0 or high < low:
        raise ValueError(f"{name}: need 0 <= min <= max, got {low} and {high}")


def quantities(*, min_milli: int = 0, max_milli: int = 8000) -> st.SearchStrategy[Quantity]:
    """CPU-style quantities in millis; shrinks towards `min_milli`."""
    _check_range("quantities", min_milli, max_milli)
    return st.integers(min_milli, max_milli).map(Quantity.from_milli)


def label_sets(*, max_size: int = 3) -> st.SearchStrategy[dict[str, str]]:
    """Small label maps with valid keys and values; shrinks towards {}."""
    keys = st.sampled_from(["app", "tier", "team", "example.com/role"])
    values = st.sampled_from(["web", "db", "a", "b"])
    return st.dictionaries(keys, values, max_size=max_size)


def int_or_percents(*, allow_zero: bool = True) -> st.SearchStrategy[int | str]:
    """maxSurge / maxUnavailable values: small ints and percentages, edges favoured."""
    edges = st.sampled_from([0, 1, "0%", "25%", "50%", "100%"] if allow_zero
                            else [1, "25%", "50%", "100%"])
    ints = st.integers(0 if allow_zero else 1, 5)
    percents = st.integers(0 if allow_zero else 1, 100).map(lambda p: f"{p}%")
    return st.one_of(edges, ints, percents)


def _is_zero(value: int | str) -> bool:
    return value in (0, "0%")


@st.composite
def rolling_updates(draw: st.DrawFn) -> dict[str, Any]:
    """RollingUpdate parameters that validation accepts (not both zero)."""
    surge = draw(int_or_percents())
    unavailable = draw(int_or_percents(allow_zero=not _is_zero(surge)))
    return {"maxSurge": surge, "maxUnavailable": unavailable}


def deployments(*, name: str = "web", namespace: str = "default", min_replicas: int = 0,
                max_replicas: int = 20,
                strategy_types: tuple[str, ...] = ("RollingUpdate", "Recreate"),
                cpu: str | None = "100m") -> st.SearchStrategy[dict[str, Any]]:
    """apps/v1 Deployments with every strategy field drawn; shrinks towards one replica of the
    default RollingUpdate."""
    _check_range("deployments", min_replicas, max_replicas)
    if not strategy_types:
        raise ValueError("deployments: strategy_types may not be empty")
    return _deployments(name, namespace, min_replicas, max_replicas, strategy_types, cpu)


@st.composite
def _deployments(draw: st.DrawFn, name: str, namespace: str, min_replicas: int,
                 max_replicas: int, strategy_types: tuple[str, ...], cpu: str | None
                 ) -> dict[str, Any]:
    replicas = draw(st.one_of(st.sampled_from([1, min_replicas, max_replicas]),
                              st.integers(min_replicas, max_replicas)))
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}},
                     "spec": {"containers": [{"name": "app", "image": IMAGES[0]}]}},
    }
    if cpu is not None:
        spec["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
    kind = draw(st.sampled_from(strategy_types))
    if kind == "RollingUpdate":
        spec["strategy"] = {"type": kind, "rollingUpdate": draw(rolling_updates())}
    else:
        spec["strategy"] = {"type": kind}
    if draw(st.booleans()):
        spec["minReadySeconds"] = draw(st.sampled_from([0, 5, 30]))
    if draw(st.booleans()):
        spec["revisionHistoryLimit"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        spec["progressDeadlineSeconds"] = draw(st.sampled_from([60, 600]))
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


@st.composite
def nodes(draw: st.DrawFn, *, name: str = "node-1", tainted: bool = True) -> dict[str, Any]:
    """Ready nodes with 1-8 cpus, 10-110 pod slots, a zone, and sometimes a taint."""
    cpu = draw(st.sampled_from(["1", "2", "4", "8"]))
    pods = draw(st.sampled_from(["10", "110"]))
    capacity = {"cpu": cpu, "memory": "16Gi", "pods": pods}
    spec: dict[str, Any] = {}
    if tainted and draw(st.booleans()):
        spec["taints"] = [{"key": "dedicated", "value": "infra",
                           "effect": draw(st.sampled_from(["NoSchedule", "PreferNoSchedule"]))}]
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  "topology.kubernetes.io/zone":
                                                      draw(st.sampled_from(ZONES))}},
            "spec": spec,
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


@st.composite
def pod_disruption_budgets(draw: st.DrawFn, *, app: str = "web", namespace: str = "default",
                           max_replicas: int = 20) -> dict[str, Any]:
    """policy/v1 PDBs selecting `app`, by minAvailable or maxUnavailable."""
    field = draw(st.sampled_from(["minAvailable", "maxUnavailable"]))
    value = draw(st.one_of(st.integers(0, max_replicas), st.sampled_from(["50%", "100%"])))
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": f"{app}-pdb", "namespace": namespace},
            "spec": {field: value, "selector": {"matchLabels": {"app": app}}}}


def clusters(*, min_nodes: int = 1, max_nodes: int = 3, max_deployments: int = 2,
             pdbs: bool = True) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Whole clusters as manifests: nodes, Deployments and maybe a PDB for each; shrinks
    towards one node and one Deployment."""
    _check_range("clusters", min_nodes, max_nodes)
    return _clusters(min_nodes, max_nodes, max_deployments, pdbs)


@st.composite
def _clusters(draw: st.DrawFn, min_nodes: int, max_nodes: int, max_deployments: int,
              pdbs: bool) -> list[dict[str, Any]]:
    count = draw(st.integers(min_nodes, max_nodes))
    manifests = [draw(nodes(name=f"node-{i + 1}")) for i in range(count)]
    for i in range(draw(st.integers(1, max(1, max_deployments)))):
        name = ["web", "api", "db"][i % 3]
        manifests.append(draw(deployments(name=name, max_replicas=6)))
        if pdbs and draw(st.booleans()):
            manifests.append(draw(pod_disruption_budgets(app=name, max_replicas=6)))
    return manifests


def stateful_sets(*, name: str = "db", namespace: str = "default", min_replicas: int = 0,
                  max_replicas: int = 5, cpu: str | None = "100m"
                  ) -> st.SearchStrategy[dict[str, Any]]:
    """apps/v1 StatefulSets with the pod management policy, update strategy (partition or
    OnDelete), minReadySeconds and claim retention drawn; shrinks towards one replica,
    OrderedReady, RollingUpdate without partition, no claims."""
    _check_range("stateful_sets", min_replicas, max_replicas)
    return _stateful_sets(name, namespace, min_replicas, max_replicas, cpu)


def _template(name: str, cpu: str | None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": IMAGES[0]}
    if cpu is not None:
        container["resources"] = {"requests": {"cpu": cpu}}
    return {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}


@st.composite
def _stateful_sets(draw: st.DrawFn, name: str, namespace: str, min_replicas: int,
                   max_replicas: int, cpu: str | None) -> dict[str, Any]:
    replicas = draw(st.integers(min_replicas, max_replicas))
    spec: dict[str, Any] = {
        "replicas": replicas, "serviceName": name,
        "selector": {"matchLabels": {"app": name}}, "template": _template(name, cpu),
        "podManagementPolicy": draw(st.sampled_from(["OrderedReady", "Parallel"])),
    }
    kind = draw(st.sampled_from(["RollingUpdate", "OnDelete"]))
    strategy: dict[str, Any] = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"partition": draw(st.integers(0, max_replicas))}
    spec["updateStrategy"] = strategy
    if draw(st.booleans()):
        spec["minReadySeconds"] = draw(st.sampled_from([0, 5]))
    if draw(st.booleans()):
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        spec["persistentVolumeClaimRetentionPolicy"] = {
            "whenScaled": draw(st.sampled_from(["Retain", "Delete"])),
            "whenDeleted": draw(st.sampled_from(["Retain", "Delete"]))}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def daemon_sets(*, name: str = "agent", namespace: str = "default", cpu: str | None = "50m"
                ) -> st.SearchStrategy[dict[str, Any]]:
    """apps/v1 DaemonSets with an update strategy (maxUnavailable or maxSurge, or OnDelete), a
    node selector and tolerations drawn; shrinks towards the default RollingUpdate on every
    node."""
    return _daemon_sets(name, namespace, cpu)


@st.composite
def _daemon_sets(draw: st.DrawFn, name: str, namespace: str, cpu: str | None
                 ) -> dict[str, Any]:
    template = _template(name, cpu)
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": name}}, "template": template}
    kind = draw(st.sampled_from(["RollingUpdate", "OnDelete"]))
    if kind == "RollingUpdate":
        if draw(st.booleans()):
            rolling = {"maxUnavailable": draw(st.sampled_from([1, 2, "50%"])), "maxSurge": 0}
        else:
            rolling = {"maxUnavailable": 0, "maxSurge": draw(st.sampled_from([1, "50%"]))}
        spec["updateStrategy"] = {"type": kind, "rollingUpdate": rolling}
    else:
        spec["updateStrategy"] = {"type": kind}
    if draw(st.booleans()):
        template["spec"]["nodeSelector"] = {"topology.kubernetes.io/zone":
                                            draw(st.sampled_from(ZONES))}
    if draw(st.booleans()):
        template["spec"]["tolerations"] = [{"key": "dedicated", "operator": "Exists"}]
    if draw(st.booleans()):
        spec["minReadySeconds"] = draw(st.sampled_from([0, 5]))
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def jobs(*, name: str = "work", namespace: str = "default", max_parallelism: int = 4,
         max_completions: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """batch/v1 Jobs: parallelism, completions (or a work queue without), NonIndexed or
    Indexed, restartPolicy Never or OnFailure, a backoff limit, sometimes a deadline or a TTL;
    shrinks towards one NonIndexed pod that runs once."""
    _check_range("jobs", 1, max_parallelism)
    _check_range("jobs", 1, max_completions)
    return _jobs(name, namespace, max_parallelism, max_completions)


@st.composite
def _jobs(draw: st.DrawFn, name: str, namespace: str, max_parallelism: int,
          max_completions: int) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "parallelism": draw(st.integers(1, max_parallelism)),
        "backoffLimit": draw(st.sampled_from([6, 0, 1, 3])),
        "template": {"spec": {
            "restartPolicy": draw(st.sampled_from(["Never", "OnFailure"])),
            "containers": [{"name": "work", "image": IMAGES[0],
                            "resources": {"requests": {"cpu": "100m"}}}]}}}
    indexed = draw(st.booleans())
    if indexed or draw(st.booleans()):
        spec["completions"] = draw(st.integers(1, max_completions))
    if indexed:
        spec["completionMode"] = "Indexed"
    if draw(st.booleans()):
        spec["activeDeadlineSeconds"] = draw(st.sampled_from([60, 600]))
    if draw(st.booleans()):
        spec["ttlSecondsAfterFinished"] = draw(st.sampled_from([0, 100]))
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def cron_jobs(*, name: str = "cron", namespace: str = "default"
              ) -> st.SearchStrategy[dict[str, Any]]:
    """batch/v1 CronJobs: a schedule, a concurrency policy, sometimes a starting deadline and
    history limits, a job template; shrinks towards every minute, Allow."""
    return _cron_jobs(name, namespace)


@st.composite
def _cron_jobs(draw: st.DrawFn, name: str, namespace: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "schedule": draw(st.sampled_from(["* * * * *", "*/5 * * * *", "@hourly",
                                          "0 9 * * 1-5"])),
        "concurrencyPolicy": draw(st.sampled_from(["Allow", "Forbid", "Replace"])),
        "jobTemplate": {"spec": {
            "activeDeadlineSeconds": draw(st.sampled_from([30, 120, 600])),
            "template": {"spec": {"restartPolicy": "Never", "containers": [
                {"name": "work", "image": IMAGES[0],
                 "resources": {"requests": {"cpu": "100m"}}}]}}}}}
    if draw(st.booleans()):
        spec["startingDeadlineSeconds"] = draw(st.sampled_from([10, 60, 300]))
    if draw(st.booleans()):
        spec["successfulJobsHistoryLimit"] = draw(st.integers(0, 3))
        spec["failedJobsHistoryLimit"] = draw(st.integers(0, 2))
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}
