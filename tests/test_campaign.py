"""`kubefold campaign`: a plan's tasks, the planted bugs of the explorer's tests found,
deduplicated and written as logs that `kubefold replay --check` reproduces; the same
violations in one process and on Ray with 1 and 2 workers; the plan's errors; checked logs
and their what-if variations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubefold import campaign
from kubefold.cli import main
from kubefold.core.codec import dump_log
from kubefold.properties import explorer
from kubefold.properties.campaign import Found, Task, TaskResult, summarize, vary
from tests.planted import planted
from tests.test_explorer import pdb_scope, recreate_scope, rolling_scope

BUGS = planted("recreate-no-wait", "taints-ignored")
EXPECTED = {"recreate_never_runs_old_and_new_together",
            "pods_are_bound_only_where_taints_are_tolerated"}


def write_plan(folder: Path, **plan: Any) -> Path:
    (folder / "recreate.yaml").write_text(yaml.safe_dump_all(recreate_scope()))
    (folder / "rolling.yaml").write_text(yaml.safe_dump_all(rolling_scope()))
    body = {"sets": [{"name": "recreate", "manifests": ["recreate.yaml"]},
                     {"name": "rolling", "manifests": ["rolling.yaml"]}],
            "profiles": ["faults"], "seeds": {"from": 0, "count": 2}, "budget": 50,
            "max_events": 6, **plan}
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def violations(summary: campaign.Campaign) -> dict[str, tuple[Any, ...]]:
    return {v.property: (v.count, v.seeds, v.shortest.log) for v in summary.summary.violations}


# -- the plan ------------------------------------------------------------------------------


def test_tasks_are_sets_times_profiles_times_seeds_then_logs(tmp_path):
    (tmp_path / "log.yaml").write_text("tick: 5\n")
    plan = campaign.load_plan(write_plan(tmp_path, profiles=["default", "faults+scale"],
                                         logs=["log.yaml"]))
    tasks = campaign.tasks_of(plan)
    assert len(tasks) == 2 * 2 * 2 + 1
    assert [(t.label, t.profile, t.seed) for t in tasks[:3]] == [
        ("recreate", "default", 0), ("recreate", "default", 1), ("recreate", "faults+scale", 0)]
    assert tasks[-1].kind == "check" and tasks[-1].seed is None


@pytest.mark.parametrize(("plan", "message"), [
    ({"profiles": ["chaos"]}, "unknown profile 'chaos'"),
    ({"seeds": {"from": 0}}, "seeds.count: must be a whole number of at least 1"),
    ({"budget": 0}, "budget: must be a whole number of at least 1, not 0"),
    ({"seeds": ["a"]}, "seeds: a list of whole numbers"),
    ({"colour": "blue"}, "unknown key(s) colour"),
    ({"logs": [{"log": "nope.yaml"}]}, "nope.yaml: no such file"),
], ids=["profile", "seed-count", "budget", "seed-type", "unknown-key", "missing-log"])
def test_bad_plans_exit_2_naming_the_key(tmp_path, capsys, plan, message):
    path = write_plan(tmp_path, **plan)
    assert main(["campaign", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_set_without_a_deployment_is_refused(tmp_path, capsys):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "plan.yaml").write_text("manifests: [cm.yaml]\n")
    assert main(["campaign", str(tmp_path / "plan.yaml")]) == 2
    assert "needs at least one Deployment" in capsys.readouterr().err


# -- the summary ---------------------------------------------------------------------------


def _found(prop: str, log: str, length: int) -> Found:
    return Found((prop,), log, length)


def test_summary_keeps_the_shortest_lowest_seed_and_lists_distinct_others():
    def result(index: int, seed: int, found: Found | None) -> TaskResult:
        return TaskResult(Task(index, "explore", "s", seed=seed), 10, 30, found)

    results = [result(0, 5, _found("p", "long", 3)), result(1, 2, _found("p", "short-b", 1)),
               result(2, 1, _found("p", "short-a", 1)), result(3, 0, None),
               result(4, 9, _found("p", "short-a", 1))]
    forward = summarize(results)
    (v,) = forward.violations
    assert (v.count, v.seeds) == (4, (5, 2, 1, 9))
    assert v.shortest.log == "short-a" and v.shortest_task.seed == 1  # ties: the lowest seed
    assert [f.log for f, _ in v.others] == ["short-b", "long"]  # short-a twice is one
    assert summarize(reversed(results)) == forward  # arrival order does not matter
    assert (forward.tasks, forward.examples, forward.steps) == (5, 50, 150)


# -- end to end: planted bugs ----------------------------------------------------------------


def test_planted_bugs_found_deduplicated_and_replayable(tmp_path, capsys):
    plan = campaign.load_plan(write_plan(tmp_path))
    assert campaign.run(plan, use_ray=False).summary.violations == ()  # no bug, nothing found
    result = campaign.run(plan, plane=BUGS, use_ray=False)
    found = violations(result)
    assert set(found) == EXPECTED
    assert all(count >= 1 for count, _, _ in found.values())
    out = tmp_path / "out"
    summary = campaign.write(result, plan, out)
    assert summary["tasks"] == 4 and summary["examples"] > 0
    assert {v["property"] for v in summary["violations"]} == EXPECTED
    assert json.loads((out / "summary.json").read_text()) == summary
    page = (out / "report.html").read_text()
    assert page.count('<tr class="violation">') == len(EXPECTED)
    assert f'{summary["steps"]} steps' in page and "http" not in page
    for v in summary["violations"]:
        assert f'<a href="{v["counterexample"]}">' in page
        assert sorted(v["seeds"]) == sorted(found[v["property"]][1])
        for name in [v["counterexample"], *v["others"]]:
            assert main(["replay", "--check", "--quiet", str(out / name)], plane=BUGS) == 1
            printed = capsys.readouterr().out
            assert v["property"] in printed
        # without the bug the same log is clean
        assert main(["replay", "--check", "--quiet", str(out / v["counterexample"])]) == 0
    capsys.readouterr()


def test_the_cli_writes_summary_and_exits_1(tmp_path, capsys):
    path = write_plan(tmp_path, seeds=[0], profiles=["default"])
    out = tmp_path / "out"
    code = main(["campaign", str(path), "--out", str(out)], plane=BUGS)
    printed = capsys.readouterr().out
    assert code == 1
    assert "[1/2]" in printed and "violated:" in printed and "states/s" in printed
    assert (out / "summary.json").exists()


# -- logs and what-ifs -----------------------------------------------------------------------


def pdb_counterexample_log(tmp_path: Path) -> Path:
    """A log that breaks the PDB property: the explorer's PDB scenario's counterexample."""
    cx = explorer.explore(pdb_scope("25%", 1), budget=50, max_actions=6).counterexample
    assert cx is not None
    path = tmp_path / "incident.yaml"
    path.write_text(dump_log(cx.log))
    return path


def test_logs_are_checked_and_copied(tmp_path):
    log = pdb_counterexample_log(tmp_path)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump({"logs": [log.name]}))
    plan = campaign.load_plan(tmp_path / "plan.yaml")
    result = campaign.run(plan, use_ray=False)
    (v,) = result.summary.violations
    assert v.property == "pod_disruption_budgets_hold" and v.seeds == (None,)
    summary = campaign.write(result, plan, tmp_path / "out")
    copied = tmp_path / "out" / summary["violations"][0]["counterexample"]
    assert copied.read_text() == log.read_text()
    assert campaign.report(result)[-1].startswith("log incident.yaml: pod_disruption")
    (checked,) = summary["logs"]
    assert checked["log"] == "incident.yaml"
    assert checked["broke"] == ["pod_disruption_budgets_hold"]
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<h2>Checked logs</h2>" in page and "pod_disruption_budgets_hold" in page


def test_whatif_variations_are_tasks_of_their_own(tmp_path):
    """A what-if that makes the PDB's budget impossible to break (maxUnavailable 0) replays
    clean; the plain log still breaks it."""
    log = pdb_counterexample_log(tmp_path)
    change = {"kind": "Deployment", "name": "web", "namespace": "default",
              "path": "spec.strategy.rollingUpdate.maxUnavailable", "value": 0}
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(
        {"logs": [{"log": log.name, "whatif": [{"set": change}, {"seed": 3}]}]}))
    plan = campaign.load_plan(tmp_path / "plan.yaml")
    result = campaign.run(plan, use_ray=False)
    verdicts = {r.task.label: r.found is not None for r in result.summary.results}
    assert verdicts == {"incident.yaml": True, "incident.yaml whatif[0]": False,
                        "incident.yaml whatif[1]": True}


def test_vary_inserts_an_event_at_its_time():
    from kubefold.core.events import NodeHealth, Tick

    events = (Tick(10, at=0), Tick(10, at=20), Tick(10, at=40))
    varied, seed = vary(events, {"event": NodeHealth("n1", False, at=30)})
    assert [type(e).__name__ for e in varied] == ["Tick", "Tick", "NodeHealth", "Tick"]
    assert seed == 0


# -- Ray -------------------------------------------------------------------------------------


def test_same_violations_in_process_and_on_ray_with_1_and_2_workers(tmp_path):
    pytest.importorskip("ray")
    plan = campaign.load_plan(write_plan(tmp_path))
    local = violations(campaign.run(plan, plane=BUGS, use_ray=False))
    one = campaign.run(plan, plane=BUGS, workers=1)
    two = campaign.run(plan, plane=BUGS, workers=2)
    assert one.runner == "local Ray, 1 workers" and not one.failed and not two.failed
    assert violations(one) == local == violations(two)


def test_an_unreachable_ray_address_exits_2_naming_it(tmp_path, capsys):
    pytest.importorskip("ray")
    path = write_plan(tmp_path)
    assert main(["campaign", str(path), "--ray", "127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Ray cluster at 127.0.0.1:9" in err and "Traceback" not in err


def test_counterexample_text_is_the_same_whatever_the_hash_seed(tmp_path):
    """Workers are separate processes with their own hash seeds: the log a task writes must
    not depend on it (persistent maps iterate in hash order)."""
    import os
    import subprocess
    import sys

    script = ("import sys; sys.path.insert(0, '.');"
              "from tests.test_explorer import recreate_scope;"
              "from tests.planted import planted;"
              "from kubefold.properties import explorer;"
              "from kubefold.core.codec import dump_log;"
              "r = explorer.explore(recreate_scope(), budget=20, faults=True, max_actions=6,"
              " plane=planted('recreate-no-wait'));"
              "print(dump_log(r.counterexample.log))")
    root = Path(__file__).parent.parent
    texts = {subprocess.run([sys.executable, "-c", script], cwd=root, text=True,
                            capture_output=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout
             for seed in ("0", "1", "2")}
    assert len(texts) == 1


def _crash(cluster: Any, key: str) -> Any:
    raise RuntimeError("a kubefold bug")


def test_a_task_that_raises_is_reported_not_lost(tmp_path):
    """A controller that raises (a kubefold bug) fails its tasks; each is reported with its
    error and counted, and the campaign goes on."""
    import attrs

    from kubefold.reducers.controllers.deployment import controller
    from kubefold.reducers.registry import DEFAULT

    broken = DEFAULT.replace(attrs.evolve(controller.CONTROLLER, sync=_crash))
    (tmp_path / "recreate.yaml").write_text(yaml.safe_dump_all(recreate_scope()))
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(
        {"manifests": ["recreate.yaml"], "seeds": [0, 1], "budget": 5}))
    plan = campaign.load_plan(tmp_path / "plan.yaml")
    result = campaign.run(plan, plane=broken, use_ray=False)
    assert [f.task.seed for f in result.failed] == [0, 1]
    assert all("a kubefold bug" in f.error for f in result.failed)
    summary = campaign.write(result, plan, tmp_path / "out")
    assert summary["tasks"] == 2 and len(summary["failed"]) == 2


def test_without_ray_the_cli_says_so_and_runs_in_process(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if not installed
    path = write_plan(tmp_path, seeds=[0], profiles=["default"])
    assert main(["campaign", str(path), "--out", str(tmp_path / "out")], plane=BUGS) == 1
    printed = capsys.readouterr().out
    assert "Ray is not installed" in printed and "one local process" in printed
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert {v["property"] for v in summary["violations"]} == EXPECTED
