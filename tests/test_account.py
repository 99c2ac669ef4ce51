"""kubefold/account.py and the per-controller account of report.py: what a person reads."""

from __future__ import annotations

import io as stdio
from pathlib import Path

import yaml

from kubefold import account, replaying
from kubefold.cli import main
from tests.helpers import new_deployment, node

EXAMPLE = Path(__file__).parent.parent / "examples" / "rolling-update.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_op_diffs_and_last_applied_are_never_printed(capsys):
    for flags in ([], ["-v"], ["-vv"]):
        code, out, _ = run(capsys, "replay", *flags, str(EXAMPLE))
        assert code == 0
        assert "last-applied-configuration" not in out
        assert "True -> True" not in out and "False -> False" not in out


def test_levels_of_detail(capsys):
    lines = {flag: run(capsys, "replay", *([flag] if flag else []), str(EXAMPLE))[1]
             for flag in ("", "-v", "-vv")}
    assert len(lines[""].splitlines()) <= 60
    assert "replicaset default/web-77c5fd4f9d: created 10 Pods" in lines["-v"]
    assert "KubeletReady" not in lines["-v"]
    assert "Ready reason: - -> KubeletReady" in lines["-vv"]
    assert len(lines["-vv"]) > len(lines["-v"]) > len(lines[""])
    assert "Deployment default/web: revision 1 -> 2" in lines[""]
    assert "10 scheduled (node-1: 5, node-2: 5)" in lines[""]


def test_multi_line_values_are_elided(tmp_path, capsys):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
          "data": {"script": "line one\nline two\nline three\n"}}
    changed = {**cm, "data": {"script": "other\nlines\n"}}
    log = tmp_path / "log.yaml"
    log.write_text(yaml.safe_dump_all([cm, changed]))
    _, out, _ = run(capsys, "replay", "-vv", str(log))
    assert "data.script: line one... (3 lines) -> other... (2 lines)" in out


def test_rejections_are_grouped_in_the_summary(tmp_path, capsys):
    docs = [new_deployment(name=f"d{i}", namespace="dsb") for i in range(5)]
    log = tmp_path / "log.yaml"
    log.write_text(yaml.safe_dump_all(docs))
    _, out, _ = run(capsys, "replay", "-q", str(log))
    assert f'5 x NotFound: namespaces "dsb" not found, first at {log}: document 1' in out


def test_pending_pods_with_the_schedulers_reason(tmp_path, capsys):
    log = tmp_path / "log.yaml"
    big = new_deployment(replicas=3)
    big["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "3"}}
    log.write_text(yaml.safe_dump_all([node("n1", cpu="4"), node("n2", cpu="4"), big]))
    _, out, _ = run(capsys, "replay", "-q", str(log))
    assert "pending pods (why, as kubectl describe pod shows it):" in out
    assert ("Warning  FailedScheduling  0s  default-scheduler  0/2 nodes are available: 2 "
            "Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims "
            "found for incoming pod.") in out
    assert "deployment.apps/web   2/3" in out


def test_workloads_table_is_kubectls(capsys):
    _, out, _ = run(capsys, "replay", "-q", str(EXAMPLE))
    table = out[out.index("$ kubectl get deploy,sts,ds,job -A"):].splitlines()
    assert table[1].split() == ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[2].split() == ["default", "deployment.apps/web", "15/15", "15", "15", "4m20s"]


class _Terminal(stdio.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_and_progress_on_a_terminal_plain_text_otherwise():
    plain = stdio.StringIO()
    out = replaying.Output(500, plain)
    out.line("#1 [+0s] apply Deployment default/web: created")
    out.close()
    assert plain.getvalue() == "#1 [+0s] apply Deployment default/web: created\n"
    term = _Terminal()
    out = replaying.Output(500, term)
    assert out.progress is not None  # a long replay on a terminal shows a bar
    out.line("#1 [+0s] apply Deployment default/web: rejected: NotFound")
    out.advance()
    out.close()
    assert "\x1b[" in term.getvalue()  # coloured
    assert replaying.Output(5, _Terminal()).progress is None  # short: no bar


def test_settle_and_stop_pseudo_events_are_described():
    assert account.describe_event(account.Settle(600)) == "settle (up to 600s)"
    assert account.describe_event(account.StopAt(1704067260)) == "stop at 2024-01-01T00:01:00Z"
