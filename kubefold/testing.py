"""Property tests over your own manifests: Hypothesis strategies and a pytest plugin.

    from hypothesis import given, settings
    from kubefold.testing import event_sequences

    @settings(max_examples=25, deadline=None)
    @given(event_sequences(["k8s/web.yaml"], faults=True))
    def test_web_always_has_a_ready_pod(run):
        for state in run.states():
            ready = [p for p in state.list("Pod", "default") if is_ready(p)]
            assert ready, run.explain()
        assert not run.violations(), run.explain()

`event_sequences(manifests, faults=..., scale=...)` draws sequences of what a team does (template
changes, rollout undo/pause/resume/restart, drains through the Eviction API, time; with
`scale` scaling, with `faults` node loss, crashes and failing probes) against the cluster your
manifests build, and replays each: an example is a `Run` with the events, every state and
helpers. Hypothesis shrinks a failing run to the shortest one; `run.log()` is it as an event log
that `kubefold replay --check` replays, and `run.explain()` says it in words (and writes the
log to `kubefold-failure.yaml` when `KUBEFOLD_FAILURE_LOG` names a file).

The pytest plugin (registered as the `kubefold` pytest11 entry point) adds the
`--kubefold-examples N` option and the `kubefold_examples` fixture (the number of examples a
test should draw, 25 by default), and the `kubefold` marker.

Covered by: tests/test_testing.py, examples/test_web_properties.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

from kubefold import history as history_mod
from kubefold import io
from kubefold.core.cluster import Cluster
from kubefold.core.codec import dump_log, encode_object
from kubefold.core.events import Event
from kubefold.properties import check, explorer
from kubefold.reducers.controlplane import ControlPlane
from kubefold.strategies.events import action_sequences

DEFAULT_EXAMPLES = 25

__all__ = ["Run", "event_sequences", "is_ready", "load_manifests"]


def load_manifests(manifests: Iterable[str | Path | dict[str, Any]]) -> list[dict[str, Any]]:
    """Manifests as JSON mappings: files (YAML or JSON, several documents each) or mappings."""
    out: list[dict[str, Any]] = []
    for item in manifests:
        if isinstance(item, dict):
            out.append(item)
        else:
            out.extend(encode_object(o) for o in io.load_objects(item))
    return out


def is_ready(pod: Any) -> bool:
    """The pod's Ready condition is True (what a Service's endpoints count)."""
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions)


@attrs.frozen(repr=False)
class Run:
    """One drawn sequence, replayed: the set-up events that built the starting cluster, the
    drawn events, and the History of the replay from that cluster."""

    setup: tuple[Event, ...]
    events: tuple[Event, ...]
    history: history_mod.History
    plane: ControlPlane | None = None

    def __repr__(self) -> str:
        from kubefold import report

        return f"Run({'; '.join(report.describe_event(e) for e in self.events)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How Hypothesis prints a falsifying example: the events, not every state."""
        printer.text(repr(self))

    def states(self) -> list[Cluster]:
        """The starting state and the state after each drawn event."""
        return [self.history[i] for i in range(len(self.history) + 1)]

    @property
    def final(self) -> Cluster:
        return self.history.final

    def violations(self) -> list[Any]:
        """kubefold's own checks on every state and step: the safety invariants, the rollout
        bounds, PodDisruptionBudgets (as `kubefold replay --check` reports them)."""
        checked = check.check_replay(self.history.start, self.events, plane=self.plane)
        return list(checked.findings)

    def log(self) -> str:
        """The run as an event log (set-up included) that `kubefold replay --check` replays."""
        return dump_log(self.setup + self.events, "kubefold.testing: a drawn run; replay with\n"
                        "  kubefold replay --check FILE")

    def explain(self) -> str:
        """The drawn events in words, numbered as `kubefold replay` numbers the log; the log is
        written where KUBEFOLD_FAILURE_LOG says, when set."""
        from kubefold import report

        offset = len(self.setup)
        lines = [f"after {offset} set-up events, {len(self.events)} drawn event(s):"]
        lines += [f"  #{offset + i} {report.describe_event(e)}"
                  for i, e in enumerate(self.events, 1)]
        target = os.environ.get("KUBEFOLD_FAILURE_LOG")
        if target:
            Path(target).write_text(self.log(), encoding="utf-8")
            lines.append(f"the log is in {target}: kubefold replay --check {target}")
        return "\n".join(lines)


class _Player:
    """Replays drawn action sequences from one set-up cluster (built once per strategy)."""

    def __init__(self, manifests: Sequence[dict[str, Any]], plane: ControlPlane | None) -> None:
        self.manifests, self.plane = list(manifests), plane
        self.start, self.setup = explorer.set_up(self.manifests, plane=plane)

    def play(self, actions: Sequence[Any]) -> Run:
        cluster = self.start
        events: list[Event] = []
        from kubefold.reducers import manager

        outcomes = []
        for action in actions:
            event = explorer.resolve(action, cluster, self.manifests)
            if event is None:
                continue
            outcome = manager.apply_event(cluster, event, plane=self.plane)
            outcomes.append(outcome)
            events.append(event)
            cluster = outcome.cluster
        hist = history_mod.History(self.start, tuple(outcomes), "auto", self.plane)
        return Run(self.setup, tuple(events), hist, self.plane)


def event_sequences(manifests: Iterable[str | Path | dict[str, Any]], *, faults: bool = False,
                    scale: bool = False, min_size: int = 1, max_size: int = 8,
                    plane: ControlPlane | None = None) -> st.SearchStrategy[Run]:
    """Runs of drawn event sequences against the cluster `manifests` build (at least one
    Deployment; Nodes and PodDisruptionBudgets among them are used). Shrinks towards fewer
    events and simpler actions (shorter waits, earlier images)."""
    docs = load_manifests(manifests)
    deployments = [m["metadata"]["name"] for m in docs if m.get("kind") == "Deployment"]
    if not deployments:
        raise ValueError("event_sequences() needs at least one Deployment among the manifests")
    nodes = [m["metadata"]["name"] for m in docs if m.get("kind") == "Node"]
    player = _Player(docs, plane)
    return action_sequences(deployments=deployments, nodes=nodes, faults=faults, scale=scale,
                            min_size=min_size, max_size=max_size).map(player.play)


# -- the pytest plugin -------------------------------------------------------------------------


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--kubefold-examples", type=int, default=None,
                     help="examples each kubefold property draws (kubefold_examples fixture; "
                     f"default {DEFAULT_EXAMPLES})")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "kubefold: a property test over manifests with "
                            "kubefold.testing")


try:
    import pytest

    @pytest.fixture
    def kubefold_examples(request: Any) -> int:
        """How many examples a property should draw (`--kubefold-examples`, default 25)."""
        value = request.config.getoption("--kubefold-examples", default=None)
        return DEFAULT_EXAMPLES if value is None else int(value)
except ImportError:  # strategies work without pytest
    pass
