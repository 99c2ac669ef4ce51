"""Manifests, snapshots and event logs: decoding, encoding, and the errors bad input gets."""

from __future__ import annotations

import pytest
import yaml

from kubefold.core.codec import (
    decode_log,
    decode_object,
    dump_snapshot,
    encode_object,
    load_snapshot,
)
from kubefold.core.errors import InputError
from kubefold.core.events import (
    Apply,
    Delete,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
)
from kubefold.core.objects import Deployment, GenericObject, Pod
from kubefold.core.quantity import parse_quantity
from tests.helpers import new_deployment


def test_manifest_decodes_into_snake_case_values():
    d = decode_object(new_deployment(replicas=3, strategy={
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": "20%"}}))
    assert isinstance(d, Deployment)
    assert d.spec.replicas == 3
    assert d.spec.strategy.rolling_update.max_surge == 3
    assert d.spec.strategy.rolling_update.max_unavailable == "20%"
    assert d.spec.template.spec.containers[0].image == "web:v1"
    assert d.spec.selector.match_labels["app"] == "web"


def test_unmodelled_fields_survive_a_round_trip():
    manifest = new_deployment()
    manifest["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1"}]
    manifest["spec"]["template"]["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]
    manifest["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    manifest["spec"]["futureField"] = {"x": [1, 2]}
    assert encode_object(decode_object(manifest)) == manifest


def test_quantities_print_canonically():
    pod = decode_object({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                         "spec": {"containers": [{"name": "a", "image": "b", "resources": {
                             "requests": {"cpu": 0.5, "memory": "1024Mi"}}}]}})
    assert isinstance(pod, Pod)
    requests = encode_object(pod)["spec"]["containers"][0]["resources"]["requests"]
    assert requests == {"cpu": "500m", "memory": "1Gi"}
    assert pod.spec.containers[0].resources.requests["cpu"] == parse_quantity("500m")


def test_unknown_kinds_are_generic_and_kept_whole():
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
          "data": {"k": "v"}}
    obj = decode_object(cm)
    assert isinstance(obj, GenericObject)
    assert encode_object(obj) == cm


@pytest.mark.parametrize(("manifest", "field"), [
    ({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "three"}},
     "spec.replicas"),
    ({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": 1}]}},
     "spec.containers[0].name"),
    ({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {
        "requests": {"cpu": "lots"}}}]}}, "spec.containers[0].resources.requests[cpu]"),
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {"creationTimestamp": "yesterday"}},
     "metadata.creationTimestamp"),
], ids=["int-field-string", "string-field-int", "bad-quantity", "bad-time"])
def test_decode_errors_name_the_field(manifest, field):
    from kubefold.core.schema import DecodeError

    with pytest.raises(DecodeError) as err:
        decode_object(manifest)
    assert err.value.path == field


SNAPSHOT = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: n1, uid: u-n1, creationTimestamp: "2024-06-01T00:00:00Z"}
  status:
    allocatable: {cpu: "4"}
    conditions: [{type: Ready, status: "True", lastTransitionTime: "2024-06-02T03:04:05Z"}]
"""


def test_snapshot_latest_time_and_round_trip():
    snap = load_snapshot(SNAPSHOT, "s.yaml")
    assert snap.latest_time is not None
    from kubefold.core.schema import format_time

    assert format_time(snap.latest_time) == "2024-06-02T03:04:05Z"
    text = dump_snapshot(snap.objects)
    again = load_snapshot(text, "dump.yaml")
    assert dump_snapshot(again.objects) == text
    assert yaml.safe_load(text)["items"][0]["metadata"]["uid"] == "u-n1"


def test_dump_is_sorted_by_kind_namespace_name():
    objs = [decode_object({"apiVersion": "v1", "kind": k, "metadata": {"name": n,
                                                                       "namespace": ns}})
            for k, ns, n in [("Pod", "b", "x"), ("ConfigMap", "a", "z"), ("Pod", "a", "y"),
                             ("Pod", "a", "a")]]
    items = yaml.safe_load(dump_snapshot(objs))["items"]
    assert [(i["kind"], i["metadata"]["namespace"], i["metadata"]["name"]) for i in items] == [
        ("ConfigMap", "a", "z"), ("Pod", "a", "a"), ("Pod", "a", "y"), ("Pod", "b", "x")]


LOG = """\
apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
---
at: 10
delete: {kind: Deployment, namespace: default, name: web, propagationPolicy: Foreground}
---
scale: {kind: Deployment, namespace: default, name: web, replicas: 10}
---
rollout: {action: undo, kind: Deployment, namespace: default, name: web, toRevision: 2}
---
tick: 30
---
node: {name: node-1, ready: false}
---
pod: {namespace: default, name: web-x, container: app, exit: 1}
---
reconcile: {controller: deployment, key: default/web}
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
"""


def test_every_verb_decodes():
    events = decode_log(LOG, "log.yaml").events
    assert [type(e) for e in events] == [Apply, Delete, Scale, Rollout, Tick, NodeHealth,
                                         PodEvent, Reconcile, Apply]
    assert events[1] == Delete("Deployment", "web", "default", "Foreground", at=10)
    assert events[3].to_revision == 2
    assert events[1].origin == "log.yaml: document 2"


def test_json_lines_name_the_line():
    text = '{"tick": 5}\n\n{"apply": {"apiVersion": "v1", "kind": "ConfigMap"'
    with pytest.raises(InputError) as err:
        decode_log(text, "log.jsonl")
    assert err.value.where == "line 3"
    assert "truncated" in err.value.message


@pytest.mark.parametrize(("text", "where", "needle"), [
    ("frobnicate: 1\n", "document 1", 'unknown verb "frobnicate"'.replace('"', "'")),
    ("tick: 1\n---\napply: [1\n", "document 2", "malformed YAML"),
    ("tick: 1\ndelete: {kind: Pod, name: p}\n", "document 1", "exactly one verb"),
    ("scale: {kind: Deployment, name: web}\n", "document 1", "scale.replicas"),
    ("at: 10\ntick: 1\n---\nat: 5\ntick: 1\n", "document 2", "earlier"),
    ("rollout: {action: explode, kind: Deployment, name: w}\n", "document 1", "unknown action"),
    ("delete: {kind: Pod, name: p, colour: red}\n", "document 1", "delete.colour"),
    ("- 1\n- 2\n", "document 1", "expected a mapping"),
], ids=["unknown-verb", "malformed-yaml", "two-verbs", "missing-field", "time-goes-back",
        "unknown-action", "unknown-field", "not-a-mapping"])
def test_bad_logs_name_document_and_problem(text, where, needle):
    with pytest.raises(InputError) as err:
        decode_log(text, "bad.yaml")
    assert err.value.source == "bad.yaml"
    assert err.value.where.startswith(where)
    assert needle in err.value.message


def test_watch_stream_events():
    text = "\n".join([
        '{"type": "ADDED", "object": {"apiVersion": "v1", "kind": "ConfigMap", '
        '"metadata": {"name": "c", "namespace": "default"}}}',
        '{"type": "DELETED", "object": {"apiVersion": "v1", "kind": "ConfigMap", '
        '"metadata": {"name": "c", "namespace": "default"}}}',
    ])
    events = decode_log(text, "watch.jsonl").events
    assert isinstance(events[0], Apply)
    assert events[1] == Delete("ConfigMap", "c", "default")


def test_yaml_times_stay_strings():
    log = decode_log("apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, "
                     "data: {when: 2024-01-01T00:00:00Z}}\n", "l.yaml")
    assert encode_object(log.events[0].object)["data"]["when"] == "2024-01-01T00:00:00Z"
