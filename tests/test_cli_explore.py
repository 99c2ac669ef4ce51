"""`kubefold explore`, `kubefold replay --check` on what it writes, and `kubefold check`,
through `kubefold.cli.main`: the counterexample replays and reproduces the violation (exit 1,
the same invariant named), the explanation is in plain words, the same seed writes the same
file, and exhaustive mode reports its counts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubefold.cli import main
from tests.planted import planted
from tests.test_explorer import pdb_scope, recreate_scope


def write(path: Path, manifests: list[dict[str, Any]]) -> str:
    path.write_text(yaml.safe_dump_all(manifests))
    return str(path)


def violated(output: str) -> set[str]:
    """The invariants named by `check: ...` / `violated after ...` lines."""
    return set(re.findall(r"violated after .*?: (\w+):", output))


def test_pdb_counterexample_replays_and_reproduces(tmp_path, capsys):
    manifests = write(tmp_path / "web.yaml", pdb_scope("25%", 1))
    out = tmp_path / "cx.yaml"
    assert main(["explore", manifests, "--out", str(out), "--max-events", "6"]) == 1
    printed = capsys.readouterr().out
    assert "what was set up:" in printed and "what happened:" in printed
    assert "PodDisruptionBudget default/web: minAvailable 3" in printed
    assert "what broke:" in printed and "pod_disruption_budgets_hold" in printed
    assert "loaded: 1 Deployment (web), 3 Nodes (node-1, node-2, node-3), 1 " \
        "PodDisruptionBudget (web)" in printed
    assert "a rollout is not an eviction" in printed
    assert "spec.strategy.rollingUpdate.maxUnavailable" in printed
    assert f"kubefold replay --check {out}" in out.read_text()
    assert main(["replay", "--check", "--quiet", str(out)]) == 1
    replayed = capsys.readouterr().out
    assert violated(replayed) == {"pod_disruption_budgets_hold"}
    # explore numbers events as replay does
    explored_at = re.search(r"after event (#\d+)", printed)
    replayed_at = re.search(r"violated after (#\d+)", replayed)
    assert explored_at and replayed_at and explored_at.group(1) == replayed_at.group(1)


def test_planted_bug_counterexample_replays(tmp_path, capsys):
    bug = planted("recreate-no-wait")
    manifests = write(tmp_path / "web.yaml", recreate_scope())
    out = tmp_path / "cx.yaml"
    assert main(["explore", manifests, "--out", str(out), "--faults", "--max-events", "6"],
                plane=bug) == 1
    assert "recreate_never_runs_old_and_new_together" in capsys.readouterr().out
    assert main(["replay", "--check", "--quiet", str(out)], plane=bug) == 1
    assert violated(capsys.readouterr().out) == {"recreate_never_runs_old_and_new_together"}
    assert main(["replay", "--check", "--quiet", str(out)]) == 0  # without the bug: clean


def test_same_seed_writes_the_same_counterexample(tmp_path, capsys):
    manifests = write(tmp_path / "web.yaml", pdb_scope("25%", 1))
    first, again = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for out in (first, again):
        assert main(["explore", manifests, "--seed", "7", "--out", str(out),
                     "--max-events", "6"]) == 1
    def events(path: Path) -> str:  # the header names the file; the events must match
        return "\n".join(line for line in path.read_text().splitlines()
                         if not line.startswith("#"))

    assert events(first) == events(again)
    assert "apply:" in events(first)
    capsys.readouterr()


def test_exhaustive_reports_counts_and_replays_in_manual_mode(tmp_path, capsys):
    bug = planted("recreate-no-wait")
    manifests = write(tmp_path / "web.yaml", recreate_scope())
    out = tmp_path / "cx.yaml"
    assert main(["explore", manifests, "--exhaustive", "--depth", "4", "--out", str(out)],
                plane=bug) == 1
    printed = capsys.readouterr().out
    found = re.search(r"explored (\d+) states, (\d+) distinct, depth 4", printed)
    assert found and 0 < int(found[2]) <= int(found[1])
    assert "reconcile deployment default/web" in printed
    assert "kubefold replay --check --mode manual" in out.read_text()
    assert main(["replay", "--check", "--mode", "manual", "--quiet", str(out)], plane=bug) == 1
    assert violated(capsys.readouterr().out) == {"recreate_never_runs_old_and_new_together"}


def test_exhaustive_without_a_violation_exits_0(tmp_path, capsys):
    manifests = write(tmp_path / "web.yaml", recreate_scope())
    assert main(["explore", manifests, "--exhaustive", "--depth", "3",
                 "--out", str(tmp_path / "cx.yaml")]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"explored \d+ states, \d+ distinct, depth 3", printed)
    assert "no violation found" in printed


def snapshot_node(cpu: str) -> dict[str, Any]:
    capacity = {"cpu": cpu, "memory": "8Gi", "pods": "110"}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def snapshot_pod(name: str, cpu: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": "node-1", "containers": [
                {"name": "app", "image": "web:v1", "resources": {"requests": {"cpu": cpu}}}]},
            "status": {"phase": "Running"}}


@pytest.mark.parametrize(("pods", "code", "needle"), [
    pytest.param([("a", "1"), ("b", "1")], 0, "0 violation(s)", id="healthy"),
    pytest.param([("a", "3"), ("b", "2")], 1, "violated: no_node_is_overcommitted: node node-1 "
                 "has 5 cpu requested of 4 allocatable", id="overcommitted"),
])
def test_check_a_snapshot(tmp_path, capsys, pods, code, needle):
    snapshot = write(tmp_path / "snap.yaml",
                     [snapshot_node("4"), *(snapshot_pod(n, c) for n, c in pods)])
    assert main(["check", snapshot]) == code
    assert needle in capsys.readouterr().out
