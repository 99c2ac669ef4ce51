"""pkg/controller/history (controller_history_test.go) and the revision hashes Kubernetes
itself wrote: the StatefulSet compatibility fixtures of v1.33 and v1.34 are reproduced byte for
byte from the stored template, through kubefold's API server defaulting."""

from __future__ import annotations

import json

import attrs
import pytest
from pyrsistent import pmap

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Reconcile
from kubefold.core.gojson import get_patch, go_json
from kubefold.core.schema import freeze
from kubefold.reducers import apiserver
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.statefulset import stateful_set
from tests.helpers import DATA, Engine, plane

K8S = DATA / "kubernetes"

# stateful_set_compatibility_test.go: the revision a 1.33 cluster wrote (creationTimestamp null
# was still marshalled then), named test-c77f6d978.
RAW_1_33 = (b'{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},'
            b'"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":'
            b'"test","imagePullPolicy":"Always","name":"test","resources":{},'
            b'"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"'
            b'}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":'
            b'"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}')


def load(name: str) -> dict:
    return json.loads((K8S / name).read_text())


def test_hash_of_the_1_33_revision():
    """HashControllerRevision of the 1.33 fixture's raw data with collision count 0."""
    data = json.loads(RAW_1_33)
    assert go_json(data) == RAW_1_33
    assert history.hash_controller_revision(data, 0) == "c77f6d978"


def test_hash_of_the_1_34_revision():
    """The 1.34 fixture: its data re-encoded is its bytes, its hash its name."""
    revision = decode_object(load("compatibility_revision_1.34.0.json"))
    assert history.hash_controller_revision(revision.data, 0) == "776999688b"
    assert revision.metadata.name == "test-776999688b"


def test_a_stateful_set_created_through_the_api_server_gets_kubernetes_revision_name():
    """The 1.34 fixture's StatefulSet, applied as a user would (no status, defaults left to the
    API server): the controller's first sync creates `test-776999688b`, the pod `test-0` with
    Kubernetes' labels, and the claim `test-test-0`."""
    manifest = load("compatibility_set_1.34.0.json")
    manifest.pop("status")
    for key in ("creationTimestamp", "generation", "resourceVersion", "uid"):
        manifest["metadata"].pop(key)
    manifest["spec"]["template"]["spec"] = {"containers": [{"image": "test", "name": "test"}]}
    engine = Engine(plane(stateful_set.CONTROLLER))
    cluster = engine.apply_event(engine.empty_cluster(), Apply(decode_object(manifest)),
                                 "manual").cluster
    sts = cluster.get("StatefulSet", "default", "test")
    assert go_json(get_patch(sts.spec.template)) == go_json(
        load("compatibility_revision_1.34.0.json")["data"])
    cluster = engine.apply_event(cluster, Reconcile("statefulset", "default/test"),
                                 "manual").cluster
    revision = cluster.get("ControllerRevision", "default", "test-776999688b")
    assert revision is not None and revision.revision == 1
    assert dict(revision.metadata.labels) == {"app": "foo",
                                              "controller.kubernetes.io/hash": "776999688b"}
    pod = cluster.get("Pod", "default", "test-0")
    assert dict(pod.metadata.labels) == {
        "app": "foo", "apps.kubernetes.io/pod-index": "0",
        "controller-revision-hash": "test-776999688b",
        "statefulset.kubernetes.io/pod-name": "test-0"}
    assert pod.metadata.generate_name == "test-"
    assert pod.spec.extra["hostname"] == "test-0"
    assert pod.spec.extra["volumes"][0]["persistentVolumeClaim"]["claimName"] == "test-test-0"
    claim = cluster.get("PersistentVolumeClaim", "default", "test-test-0")
    assert dict(claim.metadata.labels) == {"app": "foo", "key": "value"}
    status = cluster.get("StatefulSet", "default", "test").status
    assert (status.current_revision, status.update_revision, status.collision_count) == \
        ("test-776999688b", "test-776999688b", 0)


def test_go_json_escapes_as_go_does():
    """encoding/json: compact, sorted keys, HTML characters escaped, UTF-8 kept."""
    assert go_json({"b": 1, "a": ["<x>", "&", "é"]}) == \
        '{"a":["\\u003cx\\u003e","\\u0026","é"],"b":1}'.encode()


@pytest.mark.parametrize("data,probe", [({"a": 1}, None), ({"a": 1}, 0), ({"a": 1}, 7)])
def test_hash_controller_revision_probe(data, probe):
    """HashControllerRevision: the probe changes the hash; the hash is only letters and digits
    of SafeEncodeString's alphabet."""
    h = history.hash_controller_revision(data, probe)
    assert set(h) <= set("bcdfghjklmnpqrstvwxz2456789")
    others = {history.hash_controller_revision(data, p) for p in (None, 0, 7) if p != probe}
    assert h not in others


def revision(name: str, number: int, data: dict, created: int = 0, hash_label: str = ""
             ) -> object:
    from kubefold.core.apps import ControllerRevision
    from kubefold.core.objects import ObjectMeta
    from kubefold.core.schema import freeze

    labels = pmap({history.CONTROLLER_REVISION_HASH_LABEL: hash_label}) if hash_label \
        else pmap()
    return ControllerRevision(metadata=ObjectMeta(name=name, creation_timestamp=created,
                                                  labels=labels),
                              data=freeze(data), revision=number)


def test_sort_controller_revisions():
    """TestSortControllerRevisions: by revision, then creation time, then name."""
    revs = [revision("c", 2, {}), revision("b", 1, {}, 5), revision("a", 1, {}, 5),
            revision("d", 1, {}, 1)]
    assert [r.metadata.name for r in history.sort_controller_revisions(revs)] == \
        ["d", "a", "b", "c"]


@pytest.mark.parametrize("lhs,rhs,equal", [
    pytest.param(None, None, True, id="nil lhs and rhs"),
    pytest.param(revision("a", 1, {"x": 1}), None, False, id="nil rhs"),
    pytest.param(revision("a", 1, {"x": 1}), revision("b", 2, {"x": 1}), True,
                 id="same data"),
    pytest.param(revision("a", 1, {"x": 1}), revision("b", 1, {"x": 2}), False,
                 id="different data"),
    pytest.param(revision("a", 1, {"x": 1}, hash_label="1"),
                 revision("b", 1, {"x": 1}, hash_label="2"), False,
                 id="different numeric hash labels"),
])
def test_equal_revision(lhs, rhs, equal):
    """TestEqualRevision."""
    assert history.equal_revision(lhs, rhs) == equal


def test_find_equal_revisions():
    """TestFindEqualRevisions: the equal ones, in order."""
    revs = [revision("a", 1, {"x": 1}), revision("b", 2, {"x": 2}),
            revision("c", 3, {"x": 1})]
    found = history.find_equal_revisions(revs, revision("n", 4, {"x": 1}))
    assert [r.metadata.name for r in found] == ["a", "c"]


def test_controller_revision_name_truncates_the_prefix():
    """ControllerRevisionName: a prefix longer than 223 characters is cut."""
    assert history.controller_revision_name("p" * 300, "h") == "p" * 223 + "-h"


def test_create_controller_revision_counts_collisions():
    """CreateControllerRevision: a name taken by other data raises the collision count and the
    next name is tried; the same data returns the existing revision."""
    engine = Engine(plane())
    cluster = engine.empty_cluster()
    parent = attrs.evolve(decode_object({"apiVersion": "apps/v1", "kind": "StatefulSet",
                                         "metadata": {"name": "web", "namespace": "default",
                                                      "uid": "u"}}))
    first = history.new_controller_revision(parent, "apps/v1", "StatefulSet", {}, {"a": 1},
                                            1, 0)
    taken = attrs.evolve(first, data=freeze({"a": 2}))  # the same name, other data
    cluster = apiserver.create(cluster, taken).cluster  # type: ignore[union-attr]
    again = history.create_controller_revision(cluster, parent, first, 0)
    assert again.collision_count == 1 and again.revision.metadata.name != first.metadata.name
    same = history.create_controller_revision(again.cluster, parent, first, 1)
    assert same.revision.metadata.name == again.revision.metadata.name
