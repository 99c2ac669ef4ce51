"""kubefold/history.py: a replay's states by event number and by time, object-level diffs,
forks; and the command line's --at, --settle and --nodes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import kubefold
from kubefold.cli import main
from kubefold.core.events import Scale, Tick
from tests.helpers import new_deployment

EXAMPLE = Path(__file__).parent.parent / "examples" / "rolling-update.yaml"


@pytest.fixture(scope="module")
def history():
    return kubefold.trace(kubefold.empty_cluster(), kubefold.load_events(EXAMPLE))


def test_history_is_indexed_by_event_number(history):
    assert len(history) == 8
    assert history[0] is history.start
    assert history[3] is history.outcome(3).cluster
    assert history[-1] is history.final
    assert list(history) == list(history.outcomes)  # iterating gives Outcomes, as trace did
    with pytest.raises(IndexError):
        history[9]


def test_history_at_a_logical_time(history):
    at_60 = history.at("2024-01-01T00:01:00Z")
    assert at_60.elapsed == 60
    web = at_60.get("Deployment", "default", "web")
    assert web.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    # inside the 30 s tick of event #6: the clock is run to the moment from event #5's state
    mid = history.at(80)
    assert mid.elapsed == 80 and history.index_at(80) == 5
    assert history.at(0) is history[3]  # events #1-#3 happen at +0s


def test_history_diff_is_object_level(history):
    changes = history.diff(3, 4)
    kinds = {c.kind for c in changes}
    assert {"Deployment", "ReplicaSet", "Pod"} <= kinds
    created = [c for c in changes if c.change == "created"]
    assert any(c.kind == "ReplicaSet" for c in created)
    web = next(c for c in changes if c.kind == "Deployment")
    assert any("image: web:v1 -> web:v2" in f for f in web.fields)
    assert history.diff(4, 4) == []


def test_fork_from_a_past_state(history):
    fork = history.fork(3, [Scale("Deployment", "web", 2, "default"), Tick(30)])
    assert fork.final.get("Deployment", "default", "web").spec.replicas == 2
    assert history.final.get("Deployment", "default", "web").spec.replicas == 15


def test_replay_at_dumps_the_state_as_it_was(tmp_path, capsys):
    out = tmp_path / "at.yaml"
    assert main(["replay", str(EXAMPLE), "--at", "2024-01-01T00:01:10Z", "--dump",
                 str(out)]) == 0
    text = capsys.readouterr().out
    assert "stop at 2024-01-01T00:01:10Z" in text
    items = yaml.safe_load(out.read_text())["items"]
    web = next(i for i in items if i["kind"] == "Deployment")
    assert web["spec"]["replicas"] == 15  # the scale at +65s happened, the undo at +200 not
    assert web["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert main(["replay", str(EXAMPLE), "--at", "70", "--dump", str(tmp_path / "b.yaml")]) == 0
    assert (tmp_path / "b.yaml").read_text() == out.read_text()


def test_bad_at_is_exit_2(capsys):
    assert main(["replay", str(EXAMPLE), "--at", "yesterday"]) == 2
    assert "--at: 'yesterday' is neither RFC 3339" in capsys.readouterr().err


def test_nodes_and_settle_make_a_plain_manifest_run(tmp_path, capsys):
    manifest = tmp_path / "web.yaml"
    d = new_deployment(replicas=3)
    d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "tcpSocket": {"port": 80}, "initialDelaySeconds": 5, "periodSeconds": 5}
    manifest.write_text(yaml.safe_dump(d))
    out = tmp_path / "out.yaml"
    assert main(["replay", str(manifest), "--nodes", "2:4,8Gi,110", "--settle",
                 "--dump", str(out)]) == 0
    text = capsys.readouterr()
    assert "added 2 ready node(s) with 4 cpu, 8Gi memory, 110 pods each" in text.err
    assert "deployment.apps/web   3/3" in text.out
    items = yaml.safe_load(out.read_text())["items"]
    nodes = [i for i in items if i["kind"] == "Node"]
    assert [n["metadata"]["name"] for n in nodes] == ["node-1", "node-2"]
    assert nodes[0]["status"]["allocatable"]["cpu"] == "4"
    pods = [i for i in items if i["kind"] == "Pod"]
    assert len(pods) == 3 and all(p["status"]["phase"] == "Running" for p in pods)


def test_without_settle_the_pods_are_not_ready_yet(tmp_path, capsys):
    manifest = tmp_path / "web.yaml"
    d = new_deployment(replicas=1)
    d["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "tcpSocket": {"port": 80}, "initialDelaySeconds": 5, "periodSeconds": 5}
    manifest.write_text(yaml.safe_dump(d))
    assert main(["replay", str(manifest), "--nodes", "1"]) == 0
    assert "deployment.apps/web   0/1" in capsys.readouterr().out


def test_bad_nodes_is_exit_2(capsys):
    assert main(["replay", str(EXAMPLE), "--nodes", "3:4,8Gi"]) == 2
    assert "the shape is CPU,MEMORY,PODS" in capsys.readouterr().err


def test_zero_nodes_is_said(tmp_path, capsys):
    manifest = tmp_path / "web.yaml"
    manifest.write_text(yaml.safe_dump(new_deployment()))
    assert main(["replay", str(manifest)]) == 0
    captured = capsys.readouterr()
    assert "0 nodes: nothing can be scheduled" in captured.err
    assert "no nodes available to schedule pods" in captured.out  # the pending pod's reason


def test_describe_with_the_replays_own_events(history):
    text = history.describe("Deployment", "web")
    assert "Scaled up replica set web-7cbb767df from 0 to 3" in text  # maxSurge 3
    assert "Scaled down replica set web-77c5fd4f9d from 10 to 8" in text
    assert "#7 rollout undo Deployment default/web: spec.template" in text
    early = history.describe("Deployment", "web", index=3)
    assert "web-7cbb767df" not in early and "Replicas:" in early
    pod = next(iter(history.final.list("Pod", "default")))
    described = history.describe("Pod", pod.metadata.name)
    assert f"Successfully assigned default/{pod.metadata.name} to" in described
