"""Fuzzing in the suite: hostile objects, logs and snapshots (strategies/hostile.py) drive the
decoder, the API server and the command line. Properties: the decoder raises only DecodeError;
a rejected event leaves the cluster (and the dump) unchanged; the command line ends with exit
0, 1 or 2, no traceback and no "internal error".

The normal run tries a few hundred examples with a fixed seed (derandomized); `make fuzz` runs
the same properties long, with fresh randomness (KUBEFOLD_FUZZ_EXAMPLES, KUBEFOLD_FUZZ_RANDOM).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubefold.cli import main
from kubefold.core.codec import decode_document, decode_object, encode_object
from kubefold.core.errors import InputError
from kubefold.core.events import Apply
from kubefold.core.schema import DecodeError
from kubefold.reducers import manager
from kubefold.strategies.hostile import (
    BASES,
    NODE,
    hostile_logs,
    hostile_objects,
    hostile_snapshots,
)

EXAMPLES = int(os.environ.get("KUBEFOLD_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or 150, deadline=None, database=None,
                derandomize=not os.environ.get("KUBEFOLD_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
FEW = settings(FUZZ, max_examples=EXAMPLES or 40)


def _started() -> Any:
    cluster = manager.empty_cluster()
    for doc in (NODE, BASES["Deployment"], BASES["PodDisruptionBudget"]):
        cluster = manager.step(cluster, Apply(decode_object(doc)))
    return cluster


STARTED = _started()


@FUZZ
@given(hostile_objects())
def test_the_decoder_raises_only_decode_errors(manifest):
    try:
        obj = decode_object(manifest)
    except DecodeError as exc:
        assert exc.go and exc.message
        return
    again = decode_object(encode_object(obj))
    assert encode_object(again) == encode_object(obj)


@FUZZ
@given(hostile_objects())
def test_a_rejected_object_leaves_the_cluster_unchanged(manifest):
    [event], _ = decode_document({"apply": manifest}, "fuzz")
    outcome = manager.apply_event(STARTED, event)
    if outcome.rejected is not None:
        assert outcome.cluster == STARTED
        assert outcome.rejected.reason in ("BadRequest", "Invalid", "NotFound", "Forbidden",
                                           "AlreadyExists", "Conflict")


@FUZZ
@given(hostile_logs(verbs=True))
def test_every_log_document_is_an_event_or_an_input_error(docs):
    for i, doc in enumerate(docs):
        try:
            events, _ = decode_document(doc, f"fuzz: document {i}")
        except (DecodeError, InputError):
            continue
        for event in events:
            outcome = manager.apply_event(STARTED, event)
            assert outcome.rejected is None or outcome.cluster == STARTED


def _replay(tmp: Path, name: str, docs: list[Any], capsys: Any, *flags: str
            ) -> tuple[int, str]:
    log = tmp / f"{name}.yaml"
    log.write_text(yaml.safe_dump_all(docs, allow_unicode=True), encoding="utf-8")
    dump = tmp / f"{name}.out.yaml"
    dump.unlink(missing_ok=True)
    code = main(["replay", "-q", str(log), "--dump", str(dump), *flags])
    printed = capsys.readouterr()
    assert code in (0, 1, 2), printed.err
    assert "Traceback" not in printed.out + printed.err
    assert "internal error" not in printed.err
    return code, dump.read_text() if dump.exists() else ""


@FEW
@given(hostile_logs(verbs=True), st.booleans())
def test_the_command_line_ends_with_0_1_or_2(tmp_path_factory, capsys, docs, checked):
    tmp = tmp_path_factory.mktemp("fuzz")
    _replay(tmp, "log", docs, capsys, *(["--check"] if checked else []))


@FEW
@given(hostile_objects(), st.integers(0, 3))
def test_a_rejected_apply_leaves_the_dump_unchanged(tmp_path_factory, capsys, manifest, place):
    """The same log with and without a hostile apply: when the apply is rejected, the dumps
    are equal."""
    good = [NODE, BASES["Deployment"], {"tick": 5},
            {"scale": {"kind": "Deployment", "namespace": "default", "name": "web",
                       "replicas": 3}}, {"tick": 5}]
    mixed = [*good[:place + 2], {"apply": manifest}, *good[place + 2:]]
    tmp = tmp_path_factory.mktemp("fuzz")
    code, with_bad = _replay(tmp, "mixed", mixed, capsys)
    if code == 2:
        return  # unreadable (a value YAML cannot carry into JSON): nothing replayed
    [event], _ = decode_document({"apply": manifest}, "fuzz")
    cluster = manager.empty_cluster()
    for doc in good[:place + 2]:
        cluster = manager.step(cluster, decode_document(doc, "fuzz")[0][0])
    if manager.apply_event(cluster, event).rejected is None:
        return
    _, without = _replay(tmp, "clean", good, capsys)
    assert with_bad == without


@FEW
@given(hostile_snapshots())
def test_a_hostile_snapshot_is_loaded_or_refused(tmp_path_factory, capsys, items):
    tmp = tmp_path_factory.mktemp("fuzz")
    snap = tmp / "snap.yaml"
    snap.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items},
                                   allow_unicode=True), encoding="utf-8")
    log = tmp / "log.yaml"
    log.write_text("tick: 30\n")
    for argv in (["check", str(snap)], ["replay", "-q", "--check", "--from", str(snap),
                                        str(log)]):
        code = main(argv)
        printed = capsys.readouterr()
        assert code in (0, 1, 2), printed.err
        assert "internal error" not in printed.err and "Traceback" not in printed.err
