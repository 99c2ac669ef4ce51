"""Metric samples as world events (`usage:` and `metric:`, DESIGN's "Metrics" paragraph): their
decoding, the store in the cluster value (core/metrics.py) and its queries, and the rejections
that leave the cluster unchanged (reducers/world/metrics.py)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_log, dump_log
from kubefold.core.errors import InputError
from kubefold.core.events import MetricSample, Reconcile, Tick, Usage
from kubefold.core.labels import EVERYTHING, parse_selector
from kubefold.core.metrics import (
    POD_METRICS_WINDOW,
    external_metric,
    latest_metric,
    latest_sample,
    milli_value,
    object_metric,
    pod_usage,
    pod_usages,
    pods_metric,
)
from kubefold.core.quantity import parse_quantity
from tests.helpers import ENGINE, new_pod

WEB = {"app": "web"}


def pod(name: str, labels: dict[str, str] | None = None, containers: tuple[str, ...] = ("app",),
        namespace: str = "default") -> dict[str, Any]:
    manifest = new_pod(name, namespace)
    manifest["metadata"]["labels"] = labels if labels is not None else WEB
    manifest["spec"]["containers"] = [{"name": c, "image": "app:v1"} for c in containers]
    return manifest


def cluster_with(*manifests: dict[str, Any]) -> Cluster:
    return ENGINE.apply(ENGINE.empty_cluster(), *manifests)


def events(text: str) -> tuple[Any, ...]:
    return decode_log(text, "log.yaml").events


def run(cluster: Cluster, text: str) -> Cluster:
    for event in events(text):
        outcome = ENGINE.apply_event(cluster, event, mode="manual")
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def rejected(cluster: Cluster, text: str) -> str:
    (event,) = events(text)
    outcome = ENGINE.apply_event(cluster, event, mode="manual")
    assert outcome.rejected is not None
    assert outcome.cluster == cluster, "a rejected sample changes nothing"
    return str(outcome.rejected)


def cpu(text: str) -> Any:
    return parse_quantity(text)


# -- decoding --------------------------------------------------------------------------------


ROUND_TRIP = """\
usage: {namespace: default, pod: web-x, cpu: 250m, memory: 200Mi}
---
usage: {namespace: default, selector: {matchLabels: {app: web}}, cpu: 700m}
---
usage: {namespace: default, pod: web-x, containers: {app: {cpu: 200m}, sidecar: {cpu: 50m}}}
---
metric: {name: packets-per-second, value: 20, namespace: default, pod: web-x}
---
metric: {name: requests-per-second, value: 50, namespace: default,
         object: {kind: Service, name: web}}
---
metric: {name: queue_messages_ready, value: 8.6, labels: {queue: worker_tasks}}
---
metric: {name: success-rate, value: 0.97, namespace: default}
---
at: 30
metric: {name: success-rate, value: [0.97, 0.5], namespace: default}
"""


def test_design_shapes_decode_and_round_trip():
    decoded = events(ROUND_TRIP)
    assert [type(e) for e in decoded] == [Usage] * 3 + [MetricSample] * 5
    assert decoded[0] == Usage("default", "web-x", cpu="250m", memory="200Mi")
    assert decoded[3].pod == "web-x" and decoded[3].value == 20
    assert decoded[-1].at == 30 and list(decoded[-1].value) == [0.97, 0.5]
    assert events(dump_log(decoded)) == decoded


@pytest.mark.parametrize("text, where", [
    ("usage: {pod: p, cpu: 1, gpu: 1}", "usage.gpu: unknown field"),
    ("usage: {pod: [p], cpu: 1}", "usage.pod: expected str"),
    ("metric: {name: m}", "metric.value: required field is missing"),
    ("metric: {value: 1}", "metric.name: required field is missing"),
    ("metric: {name: m, value: 1, object: web}", "metric.object: expected Mapping"),
], ids=["unknown-field", "pod-not-a-string", "no-value", "no-name", "object-not-a-mapping"])
def test_malformed_samples_are_unreadable(text, where):
    with pytest.raises(InputError, match=where):
        events(text)


# -- usage: ----------------------------------------------------------------------------------


def test_usage_of_one_pod_is_a_pod_metrics():
    c = cluster_with(pod("a"), pod("b"))
    c = run(c, "usage: {namespace: default, pod: a, cpu: 250m, memory: 200Mi}")
    usage = pod_usage(c, "default", "a")
    assert usage is not None and usage.total == {"cpu": cpu("250m"), "memory": cpu("200Mi")}
    assert usage.containers is None
    assert (usage.timestamp, usage.window) == (c.now, POD_METRICS_WINDOW)
    assert pod_usage(c, "default", "b") is None
    assert c.queue == cluster_with(pod("a"), pod("b")).queue, "a sample wakes no controller"


def test_usage_for_a_selector_and_for_every_pod():
    c = cluster_with(pod("a"), pod("b"), pod("other", {"app": "db"}))
    c = run(c, "usage: {selector: {matchLabels: {app: web}}, cpu: 700m}")
    assert [u.name for u in pod_usages(c, "default", EVERYTHING)] == ["a", "b"]
    c = run(c, 'usage: {pod: "*", cpu: 100m}')
    assert {u.name: u.total["cpu"] for u in pod_usages(c, "default", EVERYTHING)} == {
        "a": cpu("100m"), "b": cpu("100m"), "other": cpu("100m")}


def test_usage_per_container_sums_over_containers():
    c = cluster_with(pod("a", containers=("app", "sidecar")))
    c = run(c, "usage: {pod: a, containers: {app: {cpu: 200m}, sidecar: {cpu: 50m, "
               "memory: 1Mi}}}")
    usage = pod_usage(c, "default", "a")
    assert usage is not None and usage.total == {"cpu": cpu("250m"), "memory": cpu("1Mi")}
    assert usage.containers is not None and usage.containers["app"] == {"cpu": cpu("200m")}


def test_a_sample_holds_until_the_next_for_the_same_target():
    c = cluster_with(pod("a"), pod("b"))
    c = run(c, 'usage: {pod: "*", cpu: 100m}\n---\ntick: 30\n---\nusage: {pod: a, cpu: 300m}')
    a, b = pod_usage(c, "default", "a"), pod_usage(c, "default", "b")
    assert a is not None and b is not None
    assert (a.total["cpu"], b.total["cpu"]) == (cpu("300m"), cpu("100m"))
    assert a.timestamp == b.timestamp + 30


def test_a_pod_recreated_under_the_same_name_has_no_sample():
    c = cluster_with(pod("a"))
    c = run(c, "usage: {pod: a, cpu: 100m}\n---\nmetric: {name: qps, value: 3, pod: a}")
    c = run(c, "delete: {kind: Pod, namespace: default, name: a}")
    c = ENGINE.apply(c, pod("a"))
    assert pod_usage(c, "default", "a") is None
    assert pods_metric(c, "qps", "default", EVERYTHING) == []


@pytest.mark.parametrize("text, message", [
    ("usage: {pod: nope, cpu: 1}", 'NotFound: pods "nope" not found'),
    ('usage: {namespace: empty, pod: "*", cpu: 1}', 'no pod in namespace "empty"'),
    ("usage: {selector: {matchLabels: {app: none}}, cpu: 1}",
     "no pod matches the selector app=none"),
    ("usage: {selector: {matchExpressions: [{key: app, operator: Near}]}, cpu: 1}",
     'usage.selector: "Near" is not a valid label selector operator'),
    ("usage: {pod: a, cpu: 1x}", "usage.cpu: unable to parse quantity '1x': quantities must "
                                 "match the regular expression"),
    ("usage: {pod: a, memory: 1Mb}", "usage.memory: unable to parse quantity '1Mb'"),
    ("usage: {pod: a, cpu: -100m}", "usage.cpu: '-100m': must be greater than or equal to 0"),
    ("usage: {pod: a}", "usage: no cpu or memory given"),
    ("usage: {cpu: 1}", 'name a pod, "*" for every pod of the namespace, or a selector'),
    ("usage: {pod: a, selector: {}, cpu: 1}", "give pod or selector, not both"),
    ("usage: {pod: a, cpu: 1, containers: {app: {cpu: 1}}}", "not both"),
    ("usage: {pod: a, containers: {db: {cpu: 1}}}",
     "usage.containers: container db is not valid for pod a"),
    ("usage: {pod: a, containers: {app: {gpu: 1}}}", "usage.containers.app.gpu: unknown field"),
    ("usage: {pod: a, containers: {app: {cpu: -1}}}",
     "usage.containers.app.cpu: -1: must be greater than or equal to 0"),
], ids=["unknown-pod", "no-pod-in-namespace", "selector-selects-nothing", "bad-selector",
        "unparsable-cpu", "unparsable-memory", "negative", "no-resources", "no-target",
        "two-targets", "pod-and-containers", "unknown-container", "unknown-resource",
        "negative-container"])
def test_bad_usage_is_rejected_and_changes_nothing(text, message):
    c = cluster_with(pod("a"))
    assert message in rejected(c, text)


# -- metric: ---------------------------------------------------------------------------------


def test_pods_metric_by_pod_star_and_selector_with_labels():
    c = cluster_with(pod("a"), pod("b"), pod("c", {"app": "db"}))
    c = run(c, 'metric: {name: qps, value: 20, pod: "*"}\n---\n'
               "metric: {name: qps, value: 30, selector: {matchLabels: {app: web}}, "
               "labels: {verb: GET}}\n---\n"
               "metric: {name: qps, value: 40, pod: b}")
    web = parse_selector("app=web")
    assert [(s.pod, s.value) for s in pods_metric(c, "qps", "default", web)] == [
        ("a", 30), ("b", 40)]
    get = parse_selector("verb=GET")
    assert [(s.pod, s.value) for s in pods_metric(c, "qps", "default", web, get)] == [
        ("a", 30), ("b", 30)]
    assert [(s.pod, s.value) for s in pods_metric(c, "qps", "default", parse_selector(
        "app=db"))] == [("c", 20)]
    assert pods_metric(c, "rps", "default", web) == []


def test_object_metric():
    c = cluster_with(pod("a"))
    c = run(c, "metric: {name: rps, value: 50, namespace: default, object: {kind: Service, "
               "name: web}}\n---\nmetric: {name: rps, value: 70, object: {kind: Service, "
               "name: web}}\n---\nmetric: {name: load, value: 2, object: {kind: Namespace, "
               "name: default}}")
    found = object_metric(c, "rps", "default", "Service", "web")
    assert found is not None and found.value == 70
    assert object_metric(c, "rps", "default", "Service", "api") is None
    ns = object_metric(c, "load", "default", "Namespace", "ignored")
    assert ns is not None and ns.value == 2


def test_external_metric_matches_labels_and_namespaces():
    c = cluster_with(pod("a"))
    c = run(c, "metric: {name: queue, value: 8.6, labels: {queue: worker}}\n---\n"
               "metric: {name: queue, value: 2, namespace: other, labels: {queue: worker}}\n"
               "---\nmetric: {name: queue, value: 1, namespace: default, labels: {queue: mail}}"
               "\n---\nmetric: {name: queue, value: 9, labels: {queue: worker}}")
    worker = parse_selector("queue=worker")
    assert [s.value for s in external_metric(c, "queue", "default", worker)] == [9]
    assert [s.value for s in external_metric(c, "queue", "other", worker)] == [2, 9]
    assert [s.value for s in external_metric(c, "queue", "default", EVERYTHING)] == [1, 9]


def test_latest_metric_is_the_value_as_written():
    c = cluster_with(pod("a"))
    assert latest_metric(c, "success-rate", "default") is None
    c = run(c, "metric: {name: success-rate, value: 0.97, namespace: default}")
    assert latest_metric(c, "success-rate", "default") == 0.97
    assert latest_metric(c, "success-rate", "other") is None
    assert latest_metric(c, "success-rate") == 0.97
    c = run(c, "metric: {name: success-rate, value: [0.9, 0.5], namespace: other}")
    assert latest_metric(c, "success-rate", "other") == [0.9, 0.5]
    assert latest_metric(c, "success-rate", "default") == 0.97
    c = run(c, "metric: {name: success-rate, value: 0.4}")
    assert latest_metric(c, "success-rate", "default") == 0.4, "a cluster-wide sample is newer"
    c = run(c, "metric: {name: success-rate, value: 1, pod: a}")
    sample = latest_sample(c, "success-rate", "default")
    assert sample is not None and sample.pod == "a" and sample.value == 1


@pytest.mark.parametrize("text, message", [
    ("metric: {name: m, value: -1}", "metric.value: -1: must be greater than or equal to 0"),
    ("metric: {name: m, value: [1, -2]}", "metric.value: [1, -2]: must be greater than"),
    ("metric: {name: m, value: fast}", "expected a number or a list of numbers, got 'fast'"),
    ("metric: {name: m, value: true}", "expected a number or a list of numbers, got True"),
    ("metric: {name: m, value: .nan}", "expected a number or a list of numbers"),
    ("metric: {name: '', value: 1}", "metric.name: must not be empty"),
    ("metric: {name: m, value: 1, pod: nope}", 'pods "nope" not found'),
    ("metric: {name: m, value: [1, 2], pod: a}", "a pod sample has one value, not a list"),
    ("metric: {name: m, value: 1, pod: a, object: {kind: Service, name: web}}",
     "not pod and object"),
    ("metric: {name: m, value: 1, object: {kind: Service}}", "metric.object.name: required"),
    ("metric: {name: m, value: 1, object: {kind: Service, name: s, uid: x}}",
     "metric.object.uid: unknown field"),
    ("metric: {name: m, value: 1, labels: {a: 1}}", "metric.labels.a: expected a string"),
], ids=["negative", "negative-in-list", "not-a-number", "a-bool", "nan", "empty-name",
        "unknown-pod", "list-for-a-pod", "two-targets", "object-without-name",
        "object-unknown-field", "label-not-a-string"])
def test_bad_metric_is_rejected_and_changes_nothing(text, message):
    c = cluster_with(pod("a"))
    assert message in rejected(c, text)


def test_milli_value_is_the_metrics_api_quantity():
    assert [milli_value(v) for v in (8.6, 20, 0.0001, 0.97)] == [8600, 20000, 1, 970]


def test_samples_in_auto_mode_run_nothing_and_replay_deterministically():
    c = ENGINE.apply(ENGINE.empty_cluster(), pod("a"), mode="auto")
    log = events("usage: {pod: a, cpu: 1}\n---\nmetric: {name: m, value: 1}")
    outcomes = [ENGINE.apply_event(c, e) for e in log]
    assert all(o.turns == () and o.changes == () for o in outcomes)
    first = ENGINE.replay(c, [*log, Tick(10), Reconcile("replicaset", "default/none")])
    again = ENGINE.replay(c, [*log, Tick(10), Reconcile("replicaset", "default/none")])
    assert first == again and hash(first.metrics) == hash(again.metrics)
