"""The argoproj.io kinds as values (core/rollouts.py): Argo's own example manifests
(tests/data/argo-rollouts, Apache-2.0) decode into typed values, round-trip through a snapshot
unchanged and apply without rejection; the Go helpers the types carry (time.ParseDuration,
IntOrString.IntValue, AnalysisPhase.Completed, Metric.EffectiveCount); and Argo's pod-template
hash: utils/hash/hash_test.go TestHashUtils (2), plus its properties (stable under a round trip,
blind to the fields Go's JSON omits, changed by a collision count)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kubefold.core import rollouts
from kubefold.core.codec import decode_log, decode_object, dump_snapshot, load_snapshot
from kubefold.core.rollouts import Metric, int_value, parse_go_duration, phase_completed
from kubefold.reducers import manager
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash

DATA = Path(__file__).parent / "data" / "argo-rollouts"
EXAMPLES = sorted(DATA.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_decodes_typed_and_round_trips(path: Path) -> None:
    snapshot = load_snapshot(path.read_text(), str(path))
    argo = [o for o in snapshot.objects if o.api_version == rollouts.GROUP_VERSION]
    assert argo
    for obj in argo:
        assert type(obj) is rollouts.MODELLED[obj.kind]
    text = dump_snapshot(snapshot.objects)
    assert dump_snapshot(load_snapshot(text, "dump").objects) == text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_applies_without_rejection(path: Path) -> None:
    log = decode_log(path.read_text(), str(path))
    cluster = manager.empty_cluster()
    for outcome in manager.trace(cluster, log.events, mode="manual"):
        assert outcome.rejected is None, (outcome.event.origin, outcome.rejected)
        cluster = outcome.cluster


def test_typed_fields_read_as_go_names_them() -> None:
    (doc,) = [d for d in load_snapshot((DATA / "rollout-analysis-step.yaml").read_text(),
                                       "x").objects if d.kind == "Rollout"]
    steps = doc.spec.strategy.canary.steps
    assert steps[0].set_weight == 25
    refs = steps[1].analysis.templates
    assert [(r.template_name, r.cluster_scope) for r in refs] == \
        [("random-fail", None), ("always-pass", True)]


@pytest.mark.parametrize(("text", "seconds"), [
    ("1m30s", 90.0), ("40s", 40.0), ("1.5h", 5400.0), ("-2s", -2.0), ("0", 0.0),
    ("500ms", 0.5), ("5", None), ("", None), ("1d", None), ("s", None)])
def test_parse_go_duration(text: str, seconds: float | None) -> None:
    assert parse_go_duration(text) == seconds


@pytest.mark.parametrize(("value", "want"), [(3, 3), ("3", 3), ("25%", 0), (None, 0)])
def test_int_value(value: int | str | None, want: int) -> None:
    assert int_value(value) == want


@pytest.mark.parametrize(("phase", "want"), [
    ("Successful", True), ("Failed", True), ("Error", True), ("Inconclusive", True),
    ("Running", False), ("Pending", False), ("", False), (None, False)])
def test_phase_completed(phase: str | None, want: bool) -> None:
    assert phase_completed(phase) is want


@pytest.mark.parametrize(("count", "interval", "want"), [
    (None, None, 1), (None, "10s", None), (0, "10s", None), (3, "10s", 3), (5, None, 5),
    ("2", None, 2)])
def test_metric_effective_count(count: Any, interval: str | None, want: int | None) -> None:
    assert Metric(name="m", count=count, interval=interval).effective_count() == want


# -- the pod-template hash ---------------------------------------------------------------------


def _template(image: str) -> Any:
    """hash_test.go's generatePodTemplate."""
    ro = decode_object({
        "apiVersion": rollouts.GROUP_VERSION, "kind": "Rollout",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": {"template": {
            "metadata": {"labels": {"name": image}},
            "spec": {"containers": [{"name": image, "image": image, "imagePullPolicy": "Always",
                                     "terminationMessagePath": "/dev/termination-log"}],
                     "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                     "securityContext": {}}}}})
    return ro.spec.template


def test_hash_for_same_templates() -> None:
    """TestHashUtils/HashForSameTemplates."""
    assert compute_pod_template_hash(_template("red"), None) == \
        compute_pod_template_hash(_template("red"), None)


def test_hash_for_different_templates() -> None:
    """TestHashUtils/HashForDifferentTemplates: a collision count changes the hash."""
    assert compute_pod_template_hash(_template("red"), 1) != \
        compute_pod_template_hash(_template("red"), None)


def test_hash_is_ten_safe_characters() -> None:
    value = compute_pod_template_hash(_template("red"), None)
    assert len(value) == 10
    assert set(value) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_hash_differs_by_image_and_survives_a_round_trip() -> None:
    red, blue = _template("red"), _template("blue")
    assert compute_pod_template_hash(red, None) != compute_pod_template_hash(blue, None)
    from kubefold.core.codec import encode_object
    ro = decode_object({"apiVersion": rollouts.GROUP_VERSION, "kind": "Rollout",
                        "metadata": {"name": "r", "namespace": "default"}, "spec": {}})
    import attrs
    doc = encode_object(attrs.evolve(ro, spec=attrs.evolve(ro.spec, template=red)))
    again = decode_object(copy.deepcopy(doc)).spec.template
    assert compute_pod_template_hash(again, None) == compute_pod_template_hash(red, None)


def test_hash_ignores_map_order_and_omitted_empties() -> None:
    """Go's JSON sorts map keys and omits empty omitempty fields: neither the order labels are
    written in nor an explicit empty list changes the hash."""
    a = decode_object({"apiVersion": rollouts.GROUP_VERSION, "kind": "Rollout",
                       "metadata": {"name": "r", "namespace": "default"},
                       "spec": {"template": {"metadata": {"labels": {"a": "1", "b": "2"}},
                                             "spec": {"containers": [{"name": "c",
                                                                      "image": "i"}]}}}})
    b = decode_object({"apiVersion": rollouts.GROUP_VERSION, "kind": "Rollout",
                       "metadata": {"name": "r", "namespace": "default"},
                       "spec": {"template": {"metadata": {"labels": {"b": "2", "a": "1"}},
                                             "spec": {"containers": [{"name": "c", "image": "i",
                                                                      "ports": []}]}}}})
    assert compute_pod_template_hash(a.spec.template, None) == \
        compute_pod_template_hash(b.spec.template, None)
