"""A team's own property of its manifests, in ten lines: whatever we do on purpose (template
changes, rollout undo/pause/resume/restart, drains, time passing), web keeps a ready pod, and
kubefold's own checks (PDBs, rollout bounds, safety invariants) hold.

    .venv/bin/python -m pytest examples/test_web_properties.py --kubefold-examples 50
"""

from pathlib import Path

from hypothesis import given, settings

from kubefold.testing import event_sequences, is_ready

WEB = Path(__file__).parent / "web.yaml"


@settings(max_examples=10, deadline=None, derandomize=True)
@given(event_sequences([WEB]))
def test_web_always_has_a_ready_pod(run):
    for state in run.states():
        assert any(is_ready(p) for p in state.list("Pod", "default")), run.explain()
    assert not run.violations(), run.explain()
