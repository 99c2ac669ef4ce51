"""`usage:` and `metric:` events: samples that metrics-server and a metrics adapter would serve.

`handle_usage` stores one PodMetrics per pod: for the named pod, for every pod a selector picks,
or for every pod of the namespace (`pod: "*"`); `handle_metric` stores a Pods metric (per pod,
`*` or selector), an Object metric (`object: {kind, name}`), or an External metric / plain
sample (neither: matched by `labels`, for a namespace or, without one, for every namespace).
A sample for a selector is the same sample for each pod selected now; a pod created later has
none until the next sample (as metrics-server has none for a pod it has not yet scraped).

Samples live in the cluster value (`Cluster.metrics`, core/metrics.py), not in the object
store: they are not API objects, and writing them wakes no controller (the HPA polls them
every sync period, as it polls the metrics APIs).

A bad sample is rejected with a message naming the field and changes nothing: an unknown pod
(NotFound), a selector that selects no pod, an unknown container, a quantity that does not
parse (Kubernetes' own message), a negative or non-numeric value.

Models: metrics-server (one PodMetrics per running pod, its containers' usage) and the custom
and external metrics APIs (k8s.io/metrics), as seen by their clients.
Simplifies: the sample's timestamp is the event's time; its window is metrics-server's default
resolution. Terminal pods are skipped by `*` and selectors (metrics-server serves no metrics
for them); a named terminal pod is accepted.
Covered by: tests/test_metrics.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import MetricSample, Usage
from kubefold.core.labels import EVERYTHING, Selector, label_selector_as_selector
from kubefold.core.metrics import (
    EXTERNAL,
    OBJECT,
    POD,
    POD_METRICS_WINDOW,
    MetricsStore,
    PodUsage,
    ResourceUsage,
    Sample,
    is_number,
    values_of,
)
from kubefold.core.objects import LabelSelector, Pod
from kubefold.core.podutil import is_pod_terminal
from kubefold.core.quantity import add_resource_lists, quantity_from_json
from kubefold.core.schema import DecodeError, decode, thaw

RESOURCES = ("cpu", "memory")


# -- usage: ----------------------------------------------------------------------------------


def handle_usage(cluster: Cluster, event: Usage) -> Cluster | Status:
    """Store the PodMetrics of every pod the event names; reject the whole event on a fault."""
    namespace = event.namespace or "default"
    pods = _target_pods(cluster, "usage", namespace, event.pod, event.selector)
    if isinstance(pods, Status):
        return pods
    if event.containers is not None and (event.cpu is not None or event.memory is not None):
        return bad_request("usage: give cpu and memory for the pod or per container "
                           "(containers), not both")
    if event.containers is not None:
        containers = _containers(event.containers)
        if isinstance(containers, Status):
            return containers
        total: ResourceUsage = pmap()
        for used in containers.values():
            total = add_resource_lists(total, used)
    else:
        parsed = _resources("usage", {"cpu": event.cpu, "memory": event.memory})
        if isinstance(parsed, Status):
            return parsed
        containers, total = None, parsed
    if not total and not containers:
        return bad_request("usage: no cpu or memory given")
    store = cluster.metrics
    for pod in pods:
        if containers is not None:
            known = {c.name for c in pod.spec.containers}
            unknown = sorted(set(containers) - known)
            if unknown:
                return bad_request(f"usage.containers: container {unknown[0]} is not valid for "
                                   f"pod {pod.metadata.name}")
        store = store.with_usage(PodUsage(namespace, pod.metadata.name or "", pod.metadata.uid,
                                          cluster.now, POD_METRICS_WINDOW, total, containers))
    return _with_store(cluster, store)


def _containers(raw: Any) -> PMap[str, ResourceUsage] | Status:
    out = {}
    for name, used in raw.items():
        where = f"usage.containers.{name}"
        if not isinstance(used, Mapping):
            return bad_request(f"{where}: expected a mapping of cpu and memory")
        extra = sorted(set(used) - set(RESOURCES))
        if extra:
            return bad_request(f"{where}.{extra[0]}: unknown field (a sample gives cpu and "
                               "memory)")
        parsed = _resources(where, used)
        if isinstance(parsed, Status):
            return parsed
        out[name] = parsed
    return pmap(out)


def _resources(where: str, raw: Mapping[str, Any]) -> ResourceUsage | Status:
    """cpu and memory as quantities: Kubernetes' parse errors, and no negative usage."""
    out = {}
    for name in RESOURCES:
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return bad_request(f"{where}.{name}: expected a quantity, got {value!r}")
        try:
            quantity = quantity_from_json(value)
        except ValueError as exc:
            return bad_request(f"{where}.{name}: unable to parse quantity {value!r}: {exc}")
        if quantity.sign() < 0:
            return bad_request(f"{where}.{name}: {value!r}: must be greater than or equal to 0")
        out[name] = quantity
    return pmap(out)


# -- metric: ---------------------------------------------------------------------------------


def handle_metric(cluster: Cluster, event: MetricSample) -> Cluster | Status:
    """Store the sample for its target (each selected pod, an object, or a namespace)."""
    value = _value(event.value)
    if isinstance(value, Status):
        return value
    if not event.name:
        return bad_request("metric.name: must not be empty")
    targets = [t for t in ("pod", "selector", "object") if getattr(event, t) is not None]
    if len(targets) > 1:
        return bad_request(f"metric: a sample is for a pod, a selector or an object, not "
                           f"{' and '.join(targets)}")
    labels = _labels(event.labels)
    if isinstance(labels, Status):
        return labels
    if targets and not is_number(value):
        return bad_request(f"metric.value: a {targets[0]} sample has one value, not a list")
    base = Sample(event.name, event.value, cluster.now, 0, EXTERNAL, event.namespace, labels)
    if targets == ["object"]:
        return _object_sample(cluster, event, base)
    if targets:
        return _pod_samples(cluster, event, base)
    return _with_store(cluster, cluster.metrics.with_sample(base))


def _value(value: Any) -> Any:
    """A number >= 0 or a list of them, as written; else a rejection."""
    for item in values_of(value):
        if not is_number(item):
            return bad_request(f"metric.value: expected a number or a list of numbers, got "
                               f"{thaw(value)!r}")
        if item < 0:
            return bad_request(f"metric.value: {thaw(value)!r}: must be greater than or equal "
                               "to 0")
    return value


def _labels(raw: Any) -> PMap[str, str] | Status:
    if raw is None:
        return pmap()
    for key, value in raw.items():
        if not isinstance(value, str):
            return bad_request(f"metric.labels.{key}: expected a string, got {value!r}")
    return pmap(raw)


def _object_sample(cluster: Cluster, event: MetricSample, base: Sample) -> Cluster | Status:
    ref = event.object
    kind, name = ref.get("kind"), ref.get("name")
    for field, got in (("kind", kind), ("name", name)):
        if not isinstance(got, str) or not got:
            return bad_request(f"metric.object.{field}: required (a string)")
    extra = sorted(set(ref) - {"kind", "name", "apiVersion"})
    if extra:
        return bad_request(f"metric.object.{extra[0]}: unknown field")
    namespace = event.namespace or "default"
    if kind == "Namespace":
        namespace = name
    sample = Sample(base.name, base.value, base.timestamp, 0, OBJECT, namespace, base.labels,
                    object_kind=kind, object_name=name)
    return _with_store(cluster, cluster.metrics.with_sample(sample))


def _pod_samples(cluster: Cluster, event: MetricSample, base: Sample) -> Cluster | Status:
    namespace = event.namespace or "default"
    pods = _target_pods(cluster, "metric", namespace, event.pod, event.selector)
    if isinstance(pods, Status):
        return pods
    store = cluster.metrics
    for pod in pods:
        store = store.with_sample(Sample(base.name, base.value, base.timestamp, 0, POD,
                                         namespace, base.labels, pod=pod.metadata.name,
                                         pod_uid=pod.metadata.uid or ""))
    return _with_store(cluster, store)


# -- shared ----------------------------------------------------------------------------------


def _target_pods(cluster: Cluster, verb: str, namespace: str, pod: str | None,
                 selector: Any) -> list[Pod] | Status:
    """The pods a sample is for: one by name, every live one of the namespace (`*`), or
    every live one a selector picks."""
    if pod is not None and selector is not None:
        return bad_request(f"{verb}: give pod or selector, not both")
    if pod is None and selector is None:
        return bad_request(f'{verb}: name a pod, "*" for every pod of the namespace, or a '
                           "selector")
    if pod is not None and pod != "*":
        found = cluster.get("Pod", namespace, pod)
        if found is None:
            return not_found_status("pods", pod)
        return [found]
    chosen = _selector(verb, selector) if selector is not None else EVERYTHING
    if isinstance(chosen, Status):
        return chosen
    pods = [p for p in cluster.select("Pod", namespace, chosen) if not is_pod_terminal(p)]
    if not pods:
        what = "no pod" if pod == "*" else f"no pod matches the selector {chosen}"
        return Status("NotFound", 404, f'{verb}: {what} in namespace "{namespace}"')
    return pods


def _selector(verb: str, raw: Any) -> Selector | Status:
    try:
        ls = decode(LabelSelector, thaw(raw), f"{verb}.selector")
        return label_selector_as_selector(ls)
    except (DecodeError, ValueError) as exc:
        return bad_request(f"{verb}.selector: {exc}")


def _with_store(cluster: Cluster, store: MetricsStore) -> Cluster:
    return attrs.evolve(cluster, metrics=store)
