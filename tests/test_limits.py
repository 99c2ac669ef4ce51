"""Limits (core/limits.py) through the command line: each is exit 2 naming the file and the
document, line or item, with no traceback; bounded work ends with a message and exit 2;
snapshots are checked when loaded; explore refuses budgets and sizes it cannot work with; a
liveness counterexample replays. Each case here crashed, hung or was misread before issue 11.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubefold.cli import main
from kubefold.core.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_EVENTS
from tests.helpers import new_deployment, node


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "internal error" not in out.err
    return code, out.out, out.err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def laughs(levels: int) -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(levels):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


INPUT_LIMITS = [
    ("nesting-block", "apply:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(150))
     + "  " * 151 + "b: 1\n", "log.yaml", f"nesting deeper than {MAX_DEPTH} levels"),
    ("nesting-flow", "apply: " + "[" * 5000 + "]" * 5000 + "\n", "log.yaml",
     f"nesting deeper than {MAX_DEPTH} levels"),
    ("nesting-json", '{"apply": ' + "[" * 100000 + "]" * 100000 + "}\n", "log.json",
     f"nesting deeper than {MAX_DEPTH} levels"),
    ("digits-yaml", "tick: " + "9" * 5000 + "\n", "log.yaml", "an integer longer than"),
    ("digits-json", '{"tick": ' + "1" * 6000 + "}\n", "log.json", "an integer longer than"),
    ("billion-laughs", laughs(9), "log.yaml",
     f"YAML aliases expand to more than {MAX_ALIAS_NODES} nodes"),
    ("recursive-alias", "- &a [*a]\n", "log.yaml", "recursive YAML alias *a"),
    ("lone-surrogate-json", '{"apply": {"apiVersion": "v1", "kind": "ConfigMap", '
     '"metadata": {"name": "a\\ud800"}}}\n', "log.json", "a lone surrogate \\ud800"),
    ("lone-surrogate-yaml", 'apply: {apiVersion: v1, kind: ConfigMap, metadata: '
     '{name: "a\\udfff"}}\n', "log.yaml", "malformed YAML: found invalid Unicode character"),
    ("tick-past-9999", "tick: 253402300800\n", "log.yaml", "year 9999"),
    ("tick-past-any-clock", "tick: 1000000000000\n", "log.yaml",
     "1000000000000 seconds would move the clock past year 9999"),
    ("at-past-9999", "at: 999999999999\ntick: 1\n", "log.yaml", "past year 9999"),
    ("ticks-past-9999", "tick: 200000000000\n---\ntick: 200000000000\n", "log.yaml",
     "the clock would pass year 9999"),
    ("binary-tag", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: !!binary "
     "aGVsbG8=\n", "log.yaml", "unsupported YAML value of type bytes at data"),
    ("null-key", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {null: y}\n",
     "log.yaml", "unsupported map key of type NoneType at data"),
]


@pytest.mark.parametrize(("text", "name", "needle"), [c[1:] for c in INPUT_LIMITS],
                         ids=[c[0] for c in INPUT_LIMITS])
def test_input_past_a_limit_is_exit_2_naming_the_file(tmp_path, capsys, text, name, needle):
    path = write(tmp_path, name, text)
    code, _, err = run(capsys, "replay", path)
    assert code == 2
    assert err.startswith(f"kubefold: error: {path}: ")
    assert needle in err


def test_a_flow_document_is_read_as_yaml(tmp_path, capsys):
    path = write(tmp_path, "log.yaml", "{tick: 30}\n---\n{tick: 5}\n")
    code, out, _ = run(capsys, "replay", path)
    assert code == 0 and "(+35s)" in out


def test_a_byte_order_mark_and_yaml_keys_that_are_not_strings(tmp_path, capsys):
    """sigs.k8s.io/yaml turns 1 and false into the keys "1" and "false"."""
    text = "\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {1: x, false: y}\n"
    dump = tmp_path / "out.yaml"
    code, _, _ = run(capsys, "replay", write(tmp_path, "log.yaml", text), "--dump", str(dump))
    assert code == 0
    [cm] = [o for o in yaml.safe_load(dump.read_text())["items"] if o["kind"] == "ConfigMap"]
    assert cm["data"] == {"1": "x", "false": "y"}


def test_a_log_past_the_event_limit_is_refused_as_it_is_read(tmp_path, capsys):
    line = json.dumps({"tick": 1}) + "\n"
    path = write(tmp_path, "log.json", line * (MAX_EVENTS + 1))
    code, _, err = run(capsys, "replay", path)
    assert code == 2
    assert f"{path}: line {MAX_EVENTS + 1}: more than {MAX_EVENTS} events" in err


def test_a_billion_replicas_on_three_nodes_stop_at_the_work_bound(tmp_path, capsys):
    docs = [node("n1"), node("n2"), node("n3"), new_deployment("web", 10**9)]
    path = write(tmp_path, "log.yaml", yaml.safe_dump_all(docs))
    code, out, err = run(capsys, "replay", "-q", path)
    assert code == 2
    assert f"{path}: document 4: replay stopped: the control plane had not settled" in err
    assert "events: 4 applied" in out  # the account so far is printed


def test_a_long_tick_with_periodic_work_stops_at_the_wakeup_bound(tmp_path, capsys):
    docs = [node("n1"), new_deployment("web", 1), {"node": {"name": "n1", "ready": False}},
            {"tick": 10**8}]
    path = write(tmp_path, "log.yaml", yaml.safe_dump_all(docs))
    code, _, err = run(capsys, "replay", "-q", path)
    assert code == 2 and f"{path}: document 4: replay stopped" in err


# -- snapshots -------------------------------------------------------------------------------


T0 = "2024-06-01T00:00:00Z"


def stored(obj: dict[str, Any], uid: str) -> dict[str, Any]:
    obj = json.loads(json.dumps(obj))
    obj["metadata"].update(uid=uid, creationTimestamp=T0)
    return obj


def pod(**changes: Any) -> dict[str, Any]:
    p = stored({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p", "namespace": "default"},
                "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "x"}]}}, "p-1")
    for key, value in changes.items():
        p[key] = {**p.get(key, {}), **value}
    return p


SNAPSHOT_CASES = [
    ("no-metadata", [{"apiVersion": "v1", "kind": "ConfigMap"}],
     "items[0]: ConfigMap None: metadata.name: Required value"),
    ("no-name", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "a"}}],
     "items[0]: ConfigMap a/None: metadata.name: Required value"),
    ("owner-without-uid", [pod(metadata={"ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs"}]})],
     'items[0]: Pod default/p: metadata.ownerReferences.uid: Invalid value: "": must not '
     "be empty"),
    ("container-state-string", [pod(status={"containerStatuses": [
        {"name": "c", "state": "running"}]})],
     "items[0]: Pod default/p: status.containerStatuses[0].state: expected "
     "v1.ContainerState, got string"),
    ("container-state-bad-time", [pod(status={"containerStatuses": [
        {"name": "c", "state": {"running": {"startedAt": "x"}}}]})],
     "items[0]: Pod default/p: status.containerStatuses[0].state.running.startedAt"),
    ("deployment-without-spec", [stored({"apiVersion": "apps/v1", "kind": "Deployment",
                                         "metadata": {"name": "d", "namespace": "default"}},
                                        "d-1")],
     "items[0]: Deployment default/d: spec.selector: Required value"),
    ("items-not-a-list", 5, "document 1: items: expected a list of objects, got int"),
    ("unserved-kind", [stored({"apiVersion": "extensions/v1beta1", "kind": "Deployment",
                               "metadata": {"name": "d", "namespace": "default"}}, "d-1")],
     'items[0]: Deployment default/d: no matches for kind "Deployment" in version '
     '"extensions/v1beta1"'),
    ("bad-month", [pod(metadata={"creationTimestamp": "2024-13-01T00:00:00Z"})],
     'items[0]: Pod default/p: metadata.creationTimestamp: parsing time '
     '"2024-13-01T00:00:00Z": month out of range'),
]


@pytest.mark.parametrize(("items", "needle"), [c[1:] for c in SNAPSHOT_CASES],
                         ids=[c[0] for c in SNAPSHOT_CASES])
def test_a_snapshot_is_checked_when_loaded(tmp_path, capsys, items, needle):
    snap = write(tmp_path, "snap.yaml", yaml.safe_dump(
        {"apiVersion": "v1", "kind": "List", "items": items}))
    for argv in (("check", snap), ("replay", "--from", snap, write(tmp_path, "l.yaml",
                                                                    "tick: 1\n"))):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert err.startswith(f"kubefold: error: {snap}: document 1")
        assert needle in err


def test_a_snapshot_from_year_one_loads_and_dumps_four_digit_years(tmp_path, capsys):
    node_ = stored(node("n1"), "n-1")
    node_["metadata"]["creationTimestamp"] = "0001-01-01T00:00:00Z"
    snap = write(tmp_path, "snap.yaml", yaml.safe_dump({"apiVersion": "v1", "kind": "List",
                                                        "items": [node_]}))
    dump = tmp_path / "out.yaml"
    code, out, _ = run(capsys, "replay", "--from", snap, write(tmp_path, "l.yaml", "tick: 1\n"),
                       "--dump", str(dump))
    assert code == 0 and "0001-01-01T00:00:01Z" in out
    assert "creationTimestamp: '0001-01-01T00:00:00Z'" in dump.read_text()


# -- explore ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "needle"), [
    (("--budget", "0"), "argument --budget: must be at least 1, not 0"),
    (("--budget", "-3"), "argument --budget: must be at least 1, not -3"),
    (("--max-events", "1000000"), "argument --max-events: must be between 1 and 50"),
    (("--exhaustive", "--depth", "0"), "argument --depth: must be between 1 and 12"),
], ids=["budget-0", "budget-negative", "max-events-huge", "depth-0"])
def test_explore_refuses_budgets_and_sizes_it_cannot_use(tmp_path, capsys, flags, needle):
    path = write(tmp_path, "m.yaml", yaml.safe_dump_all([node("n1"), new_deployment()]))
    with pytest.raises(SystemExit) as exit_:
        main(["explore", path, *flags])
    assert exit_.value.code == 2
    assert needle in capsys.readouterr().err


def test_a_convergence_counterexample_replays_with_the_same_violation(tmp_path, capsys):
    """A node with room for 2 pods and a Deployment of 3: `explore` finds that the cluster
    never converges; the file it writes ends with `settle:` (the bound it was checked
    within), and `replay --check` reports the same violations (exit 1, where it was 0)."""
    small = node("n1", pods="2")
    path = write(tmp_path, "m.yaml", yaml.safe_dump_all([small, new_deployment("web", 3)]))
    cx = tmp_path / "cx.yaml"
    code, explored, _ = run(capsys, "explore", path, "--budget", "2", "--out", str(cx))
    assert code == 1 and "workloads_match_spec" in explored
    assert "settle:\n  wakeups: 200\n" in cx.read_text()
    code, replayed, _ = run(capsys, "replay", "--check", "-q", str(cx))
    assert code == 1
    found = {line.split("): ", 1)[1] for line in explored.splitlines()
             if "after events stopped" in line}
    again = {line.split("): ", 1)[1] for line in replayed.splitlines()
             if "after events stopped" in line}
    assert found and found == again


def test_explore_refuses_manifests_that_do_not_settle(tmp_path, capsys):
    path = write(tmp_path, "m.yaml", yaml.safe_dump_all([node("n1"),
                                                         new_deployment("web", 10**9)]))
    code, _, err = run(capsys, "explore", path, "--budget", "1", "--out",
                       str(tmp_path / "cx.yaml"))
    assert code == 2 and "explore: the manifests do not settle" in err


def test_a_replica_set_whose_selector_no_longer_matches_its_pod_finishes(tmp_path, capsys):
    rs = stored({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                 "metadata": {"name": "rs", "namespace": "default"},
                 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "new"}},
                          "template": {"metadata": {"labels": {"app": "new"}},
                                       "spec": {"containers": [{"name": "c", "image": "x"}]}}}},
                "rs-1")
    orphan = pod(metadata={"labels": {"app": "old"}, "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "rs-1",
         "controller": True}]})
    snap = write(tmp_path, "snap.yaml", yaml.safe_dump(
        {"apiVersion": "v1", "kind": "List", "items": [stored(node("n1"), "n-1"), rs, orphan]}))
    code, out, _ = run(capsys, "replay", "--check", "-q", "--from", snap,
                       write(tmp_path, "l.yaml", "tick: 30\n"))
    assert code == 0 and "Pod 3" in out  # released, and two pods that match
