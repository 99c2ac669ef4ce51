"""Hypothesis strategies for scheduling: nodes with capacity, taints and labels, and pods and
Deployments with requests, tolerations and node selectors, as manifests (plain dicts) that
decode and that the API server accepts.

House style: plural nouns, keyword-only arguments, `min_size`/`max_size` where a size applies;
bad arguments raise ValueError at once. Examples shrink towards fewer nodes, the largest
node size, small requests, no taints, no tolerations, no node selector and one zone, so a
failing example ends as the smallest cluster that still fails. Taint keys, label values and
toleration keys come from one small vocabulary so that tolerations and selectors do match the
nodes often.

Models: the fields kube-scheduler's default Filter plugins read (NodeResourcesFit: requests
and allocatable; TaintToleration: taints and tolerations; NodeAffinity: nodeSelector and
labels; NodeUnschedulable: spec.unschedulable; PodTopologySpread: hostname and zone labels).
Covered by: tests/test_properties_scheduling.py.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ZONES = ("zone-a", "zone-b", "zone-c")
DISKS = ("ssd", "hdd")
TAINT_KEYS = ("dedicated", "gpu")
TAINT_VALUES = ("infra", "batch")
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
NODE_CPUS = ("8", "4", "2", "1")  # the first (largest) is what examples shrink towards
NODE_MEMORY = ("16Gi", "8Gi", "4Gi", "2Gi")
APPS = ("web", "api", "db")


def _check_range(name: str, low: int, high: int) -> None:
    if low < 0 or high < low:
        raise ValueError(f"{name}: need 0 <= min_size <= max_size, got {low} and {high}")


def taints() -> st.SearchStrategy[dict[str, Any]]:
    """One taint from the shared vocabulary; shrinks towards dedicated=infra:NoSchedule."""
    return st.builds(lambda key, value, effect: {"key": key, "value": value, "effect": effect},
                     st.sampled_from(TAINT_KEYS), st.sampled_from(TAINT_VALUES),
                     st.sampled_from(EFFECTS))


def tolerations() -> st.SearchStrategy[dict[str, Any]]:
    """One toleration of the vocabulary's taints: Equal to a key and value, Exists for a key,
    optionally for one effect; shrinks towards Equal dedicated=infra for every effect."""
    return st.builds(_toleration, st.sampled_from(["Equal", "Exists"]),
                     st.sampled_from(TAINT_KEYS), st.sampled_from(TAINT_VALUES),
                     st.one_of(st.none(), st.sampled_from(EFFECTS)))


def _toleration(operator: str, key: str, value: str, effect: str | None) -> dict[str, Any]:
    toleration: dict[str, Any] = {"key": key, "operator": operator}
    if operator == "Equal":
        toleration["value"] = value
    if effect is not None:
        toleration["effect"] = effect
    return toleration


def node_selectors() -> st.SearchStrategy[dict[str, str]]:
    """nodeSelector maps over the disk or zone label nodes carry; shrinks towards {}."""
    return st.one_of(st.just({}),
                     st.sampled_from(DISKS).map(lambda disk: {"disk": disk}),
                     st.sampled_from(ZONES).map(
                         lambda zone: {"topology.kubernetes.io/zone": zone}))


def scheduling_nodes(*, min_size: int = 1, max_size: int = 4, max_taints: int = 2,
                     unschedulable: bool = False) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of Ready Nodes named node-1, node-2, ... with cpu, memory and pod-slot capacity
    (allocatable = capacity), hostname, zone and disk labels, up to `max_taints` taints, and
    (if `unschedulable`) sometimes spec.unschedulable; shrinks towards one big untainted node
    in zone-a."""
    _check_range("scheduling_nodes", min_size, max_size)
    if max_taints < 0:
        raise ValueError(f"scheduling_nodes: max_taints must be >= 0, got {max_taints}")
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(*[_nodes(f"node-{i + 1}", max_taints, unschedulable)
                              for i in range(n)]).map(list))


@st.composite
def _nodes(draw: st.DrawFn, name: str, max_taints: int, unschedulable: bool
           ) -> dict[str, Any]:
    size = draw(st.integers(0, len(NODE_CPUS) - 1))
    capacity = {"cpu": NODE_CPUS[size], "memory": NODE_MEMORY[size],
                "pods": draw(st.sampled_from(["110", "3"]))}
    spec: dict[str, Any] = {}
    drawn = draw(st.lists(taints(), max_size=max_taints,
                          unique_by=lambda t: (t["key"], t["effect"])))
    if drawn:
        spec["taints"] = drawn
    if unschedulable and draw(st.booleans()):
        spec["unschedulable"] = True
    labels = {"kubernetes.io/hostname": name,
              "topology.kubernetes.io/zone": draw(st.sampled_from(ZONES)),
              "disk": draw(st.sampled_from(DISKS))}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": spec,
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod_specs(*, max_cpu_milli: int = 2000, max_tolerations: int = 2,
              selectors: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """PodSpecs of one container with cpu and memory requests (up to `max_cpu_milli`), up to
    `max_tolerations` tolerations and (if `selectors`) a nodeSelector; shrinks towards 0m,
    no tolerations, no selector."""
    if max_cpu_milli < 0 or max_tolerations < 0:
        raise ValueError("pod_specs: max_cpu_milli and max_tolerations must be >= 0, got "
                         f"{max_cpu_milli} and {max_tolerations}")
    return _pod_specs(max_cpu_milli, max_tolerations, selectors)


@st.composite
def _pod_specs(draw: st.DrawFn, max_cpu_milli: int, max_tolerations: int, selectors: bool
               ) -> dict[str, Any]:
    cpu = draw(st.integers(0, max_cpu_milli // 100)) * 100
    memory = draw(st.sampled_from([0, 128, 512, 2048]))
    container: dict[str, Any] = {"name": "app", "image": "web:v1"}
    requests = {k: v for k, v in (("cpu", f"{cpu}m"), ("memory", f"{memory}Mi"))
                if not v.startswith("0")}
    if requests:
        container["resources"] = {"requests": requests}
    spec: dict[str, Any] = {"containers": [container]}
    drawn = draw(st.lists(tolerations(), max_size=max_tolerations))
    if drawn:
        spec["tolerations"] = drawn
    if selectors:
        selector = draw(node_selectors())
        if selector:
            spec["nodeSelector"] = selector
    return spec


def scheduling_pods(*, min_size: int = 1, max_size: int = 6, namespace: str = "default",
                    max_cpu_milli: int = 2000) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of unbound Pods named pod-1, pod-2, ... (labelled app=<one of web, api, db>) from
    `pod_specs`; shrinks towards one pod requesting nothing."""
    _check_range("scheduling_pods", min_size, max_size)
    if max_cpu_milli < 0:
        raise ValueError(f"scheduling_pods: max_cpu_milli must be >= 0, got {max_cpu_milli}")
    one = st.tuples(st.sampled_from(APPS), pod_specs(max_cpu_milli=max_cpu_milli))
    return st.lists(one, min_size=min_size, max_size=max_size).map(
        lambda drawn: [{"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": f"pod-{i + 1}", "namespace": namespace,
                                     "labels": {"app": app}},
                        "spec": spec} for i, (app, spec) in enumerate(drawn)])


def scheduling_deployments(*, min_size: int = 1, max_size: int = 2, max_replicas: int = 4,
                           namespace: str = "default", max_cpu_milli: int = 1000,
                           selectors: bool = True
                           ) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of Deployments named web, api, db whose pod template comes from `pod_specs`, with
    1..max_replicas replicas and the default RollingUpdate strategy; shrinks towards one
    Deployment of one replica requesting nothing."""
    _check_range("scheduling_deployments", min_size, max_size)
    if max_size > len(APPS):
        raise ValueError(f"scheduling_deployments: at most {len(APPS)} Deployments, "
                         f"got max_size {max_size}")
    if max_replicas < 1:
        raise ValueError(f"scheduling_deployments: max_replicas must be >= 1, got "
                         f"{max_replicas}")
    one = st.tuples(st.integers(1, max_replicas),
                    pod_specs(max_cpu_milli=max_cpu_milli, selectors=selectors))
    return st.lists(one, min_size=min_size, max_size=max_size).map(
        lambda drawn: [_deployment(APPS[i], namespace, replicas, spec)
                       for i, (replicas, spec) in enumerate(drawn)])


def _deployment(name: str, namespace: str, replicas: int, spec: dict[str, Any]
                ) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}
