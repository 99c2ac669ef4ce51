"""kubefold/sources.py: snapshots merged, SimKube traces, times from metadata, --keep-going,
load-time warnings; and the corpus's real inputs replaying with exit 0 and no converter."""

from __future__ import annotations

import io as stdio
import json

import pytest
import yaml

from kubefold import sources
from kubefold.cli import main
from kubefold.core.errors import InputError
from kubefold.core.events import Apply, Delete, PodEvent
from tests.helpers import CORPUS, new_deployment, new_pod, node

WATCH = CORPUS / "watch-streams"
SONOBUOY = WATCH / "sonobuoy-kind-v1.20"
FALCO = CORPUS / "audit-logs" / "falco-k8s-audit"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _list(tmp_path, name, items):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    return str(path)


# -- snapshots -------------------------------------------------------------------------------


def test_several_snapshots_merge(tmp_path):
    a = _list(tmp_path, "a.yaml", [node("n1")])
    b = _list(tmp_path, "b.yaml", [node("n2"), node("n1")])  # n1 again, identical
    snap = sources.load_snapshots([a, b])
    assert sorted(o.metadata.name for o in snap.objects) == ["n1", "n2"]


def test_two_different_objects_with_one_identity_is_an_error(tmp_path):
    a = _list(tmp_path, "a.yaml", [node("n1", cpu="4")])
    b = _list(tmp_path, "b.yaml", [node("n1", cpu="8")])
    with pytest.raises(InputError, match=r"b.yaml: Node n1 is also in .*a.yaml with different"):
        sources.load_snapshots([a, b])


def test_a_directory_is_every_snapshot_under_it_and_skips_what_is_not_one():
    snap = sources.load_snapshots([str(SONOBUOY)])
    kinds = {o.kind for o in snap.objects}
    assert kinds == {"Node", "Pod"} and len(snap.objects) == 23
    assert any("serverversion.json: skipped" in n for n in snap.notes)


def test_standard_input(monkeypatch, tmp_path):
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [node("n9")]})
    monkeypatch.setattr("sys.stdin", stdio.TextIOWrapper(stdio.BytesIO(text.encode())))
    snap = sources.load_snapshots(["-"])
    assert [o.metadata.name for o in snap.objects] == ["n9"]


def test_split_sonobuoy_dump_replays_with_several_from(capsys):
    res = SONOBUOY / "resources"
    froms = [x for p in sorted(res.rglob("*.json")) for x in ("--from", str(p))]
    code, out, err = run(capsys, "replay", *froms, str(CORPUS / "manifests" /
                                                       "guestbook-all-in-one.yaml"))
    assert code == 0, err
    assert "objects:" in out and "Node 3" in out
    assert "whose owners are absent (the garbage collector will delete them)" in err
    assert "pod(s) in namespaces the snapshot lacks (local-path-storage, sonobuoy)" in err


def test_load_warnings_count_each_kind_of_problem():
    from kubefold.core.codec import decode_object
    pod = new_pod("orphan", "missing-ns")
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                           "name": "gone", "uid": "u-gone",
                                           "controller": True}]
    bare = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "empty"}}
    lines = sources.load_warnings([decode_object(pod), decode_object(bare)])
    assert lines[0].startswith("warning: 1 object(s) whose owners are absent")
    assert "Pod missing-ns/orphan (owner ReplicaSet gone)" in lines[0]
    assert lines[1].startswith("warning: 1 pod(s) in namespaces the snapshot lacks "
                               "(missing-ns)")
    assert lines[2].startswith("warning: 1 node(s) without capacity")


def test_a_restored_node_keeps_its_recorded_not_ready_condition(capsys, tmp_path):
    out = tmp_path / "out.yaml"
    nodes = SONOBUOY / "resources" / "cluster" / "core_v1_nodes.json"
    code, _, err = run(capsys, "replay", "--from", str(nodes), "/dev/null", "--settle", "60",
                       "--dump", str(out))
    assert code == 0, err
    items = {i["metadata"]["name"]: i for i in yaml.safe_load(out.read_text())["items"]
             if i["kind"] == "Node"}
    ready = next(c for c in items["kind-worker"]["status"]["conditions"]
                 if c["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "KubeletNotReady"
    # a node: event says otherwise, and the kubelet posts Ready again
    log = tmp_path / "log.yaml"
    log.write_text("node: {name: kind-worker, ready: true}\n")
    code, _, err = run(capsys, "replay", "--from", str(out), str(log), "--dump", str(out))
    items = {i["metadata"]["name"]: i for i in yaml.safe_load(out.read_text())["items"]
             if i["kind"] == "Node"}
    ready = next(c for c in items["kind-worker"]["status"]["conditions"]
                 if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")


# -- SimKube traces --------------------------------------------------------------------------


def test_simkube_json_trace_is_read_with_its_times():
    src = sources.read_log(str(WATCH / "simkube-large_trace.json"))
    assert src.start == min(t for t in src.times if t is not None)
    assert isinstance(src.events[0], Apply) and src.events[0].object.kind == "Namespace"
    deployments = [e for e in src.events if isinstance(e, Apply)
                   and e.object.kind == "Deployment"]
    assert len(deployments) == 250
    assert all(not e.object.status.replicas for e in deployments)  # status removed
    assert list(src.times) == sorted(src.times)
    assert src.times[-1] - src.times[0] == 1265


@pytest.mark.parametrize("name", ["simkube-bare-pods.sktrace", "simkube-cronjob.sktrace"])
def test_simkube_msgpack_traces_are_read(name):
    src = sources.read_log(str(WATCH / name))
    assert src.events and all(t is not None for t in src.times)
    if name.startswith("simkube-bare"):
        exits = [e for e in src.events if isinstance(e, PodEvent)]
        assert [(e.name, e.exit) for e in exits][0] == ("bare-pod-1781282449", 0)
        assert len(exits) == 3  # the fourth pod is still Running at the end of the trace
    else:
        assert isinstance(src.events[-1], Delete) and src.events[-1].kind == "CronJob"
        assert any("lifecycle(s) of pods a controller owns" in n for n in src.notes)


@pytest.mark.parametrize("name", ["simkube-trace.json", "simkube-bare-pods.sktrace",
                                  "simkube-cronjob.sktrace"])
def test_corpus_simkube_traces_replay_with_exit_0(capsys, name):
    """(The large trace replays with exit 0 in tests/test_golden.py.)"""
    code, out, err = run(capsys, "replay", str(WATCH / name), "--nodes", "4", "-q")
    assert code == 0, err
    assert "events:" in out


def test_a_bad_simkube_trace_version_is_named(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"version": 1, "events": [{"ts": 1, "applied_objs": []}]}))
    with pytest.raises(InputError, match="unsupported SimKube trace version 1"):
        sources.read_log(str(path))


# -- times of watch streams ------------------------------------------------------------------


def test_watch_events_take_their_times_from_metadata(tmp_path):
    first = new_deployment()
    first["metadata"]["creationTimestamp"] = "2024-01-01T00:00:10Z"
    second = new_deployment(replicas=3)
    second["metadata"]["managedFields"] = [{"manager": "kubectl",
                                            "time": "2024-01-01T00:01:00Z"}]
    gone = new_deployment()
    gone["metadata"]["deletionTimestamp"] = "2024-01-01T00:02:00Z"
    untimed = new_deployment(name="other")
    path = tmp_path / "w.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in [
        {"type": "ADDED", "object": first}, {"type": "MODIFIED", "object": second},
        {"type": "DELETED", "object": gone}, {"type": "ADDED", "object": untimed}]))
    src = sources.read_log(str(path))
    base = 1704067200
    assert [t - base if t else None for t in src.times] == [10, 60, 120, None]
    assert "3 of 4 watch events timed" in src.notes[0]
    assert "1 carry no time" in src.notes[0]
    events, _ = sources.place_in_time([src], base)
    assert [e.at for e in events] == [10, 60, 120, None]


# -- --keep-going ----------------------------------------------------------------------------


def test_keep_going_skips_and_names_unreadable_records(tmp_path, capsys):
    path = tmp_path / "log.jsonl"
    path.write_text('{"tick": 1}\n{"tick": \n{"frobnicate": 1}\n{"tick": 2}\n')
    code, _, err = run(capsys, "replay", str(path))
    assert code == 2 and "line 2: malformed or truncated JSON" in err
    code, out, err = run(capsys, "replay", "--keep-going", str(path))
    assert code == 0
    assert f"{path}: line 2: malformed or truncated JSON" in err
    assert f"{path}: line 3: frobnicate: unknown verb" in err
    assert "events: 2 applied, 0 rejected, 2 unreadable record(s) skipped" in out


def test_keep_going_in_a_yaml_stream(tmp_path):
    path = tmp_path / "log.yaml"
    path.write_text("tick: 1\n---\napply: {a: [\n---\ntick: 2\n")
    src = sources.read_log(str(path), keep_going=True)
    assert len(src.events) == 2
    assert "document 2" in src.unreadable[0] and "malformed YAML" in src.unreadable[0]


def test_corpus_falco_logs_replay_with_keep_going(capsys):
    files = [str(p) for p in sorted(FALCO.glob("*.json"))]
    code, _, err = run(capsys, "replay", "-q", *files)
    assert code == 2 and "fal_01_003.json: document 1: kind" in err
    code, out, err = run(capsys, "replay", "-q", "--keep-going", *files)
    assert code == 0, err
    assert "1 unreadable record(s) skipped (--keep-going)" in out
    assert "fal_01_003.json: document 1: kind: expected a string" in err


def test_keep_going_keeps_the_codecs_limits(tmp_path):
    """Under --keep-going each record still goes through the codec's checks: an alias bomb is
    an unreadable record, not an expansion, and the records around it are read."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    path = tmp_path / "log.yaml"
    path.write_text(f"tick: 1\n---\n{bomb}---\ntick: 2\n")
    src = sources.read_log(str(path), keep_going=True)
    assert len(src.events) == 2
    assert len(src.unreadable) == 1 and "document 2" in src.unreadable[0]
