"""kubefold.testing: strategies over a team's own manifests, shrinking, the logs a failing run
writes, the pytest plugin, and the example in examples/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, find, settings

from kubefold.core.codec import decode_log
from kubefold.core.events import Rollout
from kubefold.strategies.events import Wait
from kubefold.testing import _Player, event_sequences, load_manifests

ROOT = Path(__file__).parent.parent
WEB = ROOT / "examples" / "web.yaml"
FAST = settings(max_examples=30, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def test_manifests_load_from_files_and_mappings():
    docs = load_manifests([WEB, {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "c"}}])
    assert [d["kind"] for d in docs].count("Node") == 3 and docs[-1]["kind"] == "ConfigMap"


def test_a_false_property_shrinks_to_one_event_and_replays():
    run = find(event_sequences([WEB]), lambda r: any(isinstance(e, Rollout)
                                                     for e in r.events), settings=FAST)
    assert len(run.events) == 1 and isinstance(run.events[0], Rollout)
    log = decode_log(run.log(), "run")
    assert len(log.events) == len(run.setup) + 1
    assert f"#{len(run.setup) + 1} rollout" in run.explain()


def test_the_failure_log_is_written_where_asked(tmp_path, monkeypatch):
    target = tmp_path / "failure.yaml"
    monkeypatch.setenv("KUBEFOLD_FAILURE_LOG", str(target))
    run = _Player(load_manifests([WEB]), None).play([Wait(1)])
    assert f"kubefold replay --check {target}" in run.explain()
    assert target.read_text().startswith("# kubefold.testing")


def test_no_deployment_is_a_clear_error():
    with pytest.raises(ValueError, match="needs at least one Deployment"):
        event_sequences([{"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "c"}}])


def test_the_example_property_holds():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import test_web_properties  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    test_web_properties.test_web_always_has_a_ready_pod()


def test_the_pytest_plugin_adds_its_option_and_fixture(tmp_path):
    test = tmp_path / "test_uses_fixture.py"
    test.write_text("def test_examples(kubefold_examples):\n"
                    "    assert kubefold_examples == 7\n")
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "kubefold.testing",
                        "--kubefold-examples", "7", str(test)], capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
