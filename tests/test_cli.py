"""`kubefold replay` from the outside: exit codes, messages, dumps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kubefold.cli import main
from tests.helpers import new_deployment, node

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path: Path, name: str, docs: list) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump_all(docs))
    return str(path)


def test_replay_prints_events_and_summary(tmp_path, capsys):
    log = write(tmp_path, "log.yaml", [{"apply": new_deployment()},
                                       {"delete": {"kind": "Deployment", "name": "nope"}}])
    code, out, _ = run(capsys, "replay", log)
    assert code == 0
    assert "#1 [+0s] apply Deployment default/web: created" in out
    assert 'rejected: NotFound: deployments.apps "nope" not found' in out
    assert "events: 1 applied, 1 rejected" in out
    assert '1 x NotFound: deployments.apps "nope" not found, first at' in out
    assert "objects: Deployment 1, Namespace 4" in out
    assert "clock: 2024-01-01T00:00:00Z (+0s)" in out


def test_strict_exits_1_on_a_rejection(tmp_path, capsys):
    log = write(tmp_path, "log.yaml", [{"delete": {"kind": "Deployment", "name": "nope"}}])
    assert run(capsys, "replay", "--strict", log)[0] == 1
    assert run(capsys, "replay", log)[0] == 0


@pytest.mark.parametrize(("content", "needle"), [
    ("frobnicate: 1\n", "document 1: frobnicate: unknown verb"),
    ("apply: {a: [\n", "document 1, line 2: malformed YAML"),
    ('{"tick": 1}\n{"tick": \n', "line 2: malformed or truncated JSON"),
], ids=["unknown-verb", "malformed-yaml", "truncated-jsonl"])
def test_bad_input_exits_2_naming_file_and_place(tmp_path, capsys, content, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    code, out, err = run(capsys, "replay", str(path))
    assert code == 2
    assert f"{path}: {needle}" in err
    assert "Traceback" not in out + err


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "replay", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml: no such file" in err


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["replay", "--mode", "turbo", "x.yaml"])
    assert exit_.value.code == 2


def test_snapshot_in_dump_out_round_trip(tmp_path, capsys):
    snap = tmp_path / "snap.yaml"
    n = node("n1")
    n["metadata"].update(uid="u-n1", creationTimestamp="2024-06-01T00:00:00Z")
    snap.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [n]}))
    log = write(tmp_path, "log.yaml", [{"apply": new_deployment()}, {"tick": 10}])
    out1, out2 = tmp_path / "out1.yaml", tmp_path / "out2.yaml"
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert run(capsys, "replay", "--from", str(snap), "--mode", "manual", log,
               "--dump", str(out1))[0] == 0
    items = yaml.safe_load(out1.read_text())["items"]
    n1 = next(i for i in items if i["kind"] == "Node")
    assert n1["metadata"]["uid"] == "u-n1"
    web = next(i for i in items if i["kind"] == "Deployment")
    # the clock started at the snapshot's latest time
    assert web["metadata"]["creationTimestamp"] == "2024-06-01T00:00:00Z"
    assert run(capsys, "replay", "--from", str(out1), str(empty), "--dump", str(out2))[0] == 0
    assert out2.read_text() == out1.read_text()


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("frobnicate: 1\n")
    exe = Path(sys.executable).parent / "kubefold"
    p = subprocess.run([str(exe), "replay", str(bad)], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_bundled_example_replays_cleanly(capsys):
    code, out, _ = run(capsys, "replay", "--strict", str(EXAMPLES / "rolling-update.yaml"))
    assert code == 0, out
