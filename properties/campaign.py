"""Campaigns: many explorations and checked replays as independent tasks, and their summary.

A campaign is a set of tasks, each a pure function of its inputs: `explore` one manifest set
with one alphabet (profile) and one seed, or `check` one event log (optionally with a what-if
variation applied). `run_task` runs one task and returns a `TaskResult`; `summarize` folds
the results, in any order, into the campaign's summary. Because each task is deterministic and
the summary is computed from results sorted by task, a campaign gives the same violations
whatever the number of workers and the order results come back in. The shell
(kubefold/campaign.py) reads the plan, fans the tasks out (Ray, or one local process) and
writes the files.

Deduplication: two counterexamples are the same when they break the same property with the
same event log (by its text's digest). Per property, the shortest distinct counterexample is
the one kept (ties: the lowest seed, then the task's order); the others are listed.

Models: nothing in Kubernetes; a map-reduce of the explorer (properties/explorer.py) and the
checker (properties/check.py).
Simplifies: a what-if variation is one change to a log (the cluster seed, one extra event at a
time, one field of an applied object); several at once are several entries.
Covered by: tests/test_campaign.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from kubefold.core.codec import dump_log
from kubefold.core.events import Apply, Event
from kubefold.properties import explorer
from kubefold.properties.check import check_replay
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane

PROFILES: dict[str, tuple[bool, bool]] = {  # profile -> (faults, scale), explore's flags
    "default": (False, False),
    "faults": (True, False),
    "scale": (False, True),
    "faults+scale": (True, True),
}


@attrs.frozen
class Task:
    """One unit of work. `kind` is "explore" (manifests, profile, seed, budget) or "check"
    (a log's events, its label, the cluster seed and the replay mode)."""

    index: int
    kind: str
    label: str  # the manifest set's name, or the log's path (and its variation)
    manifests: tuple[Any, ...] = ()  # plain JSON objects (explore)
    profile: str = "default"
    seed: int | None = None
    budget: int = 50
    max_actions: int = 12
    events: tuple[Event, ...] = ()  # (check)
    mode: str = "auto"
    cluster_seed: int = 0


@attrs.frozen
class Found:
    """One counterexample a task found: the properties it breaks, its log as text (what
    `kubefold replay --check` reproduces), and how many events it has after the setup."""

    properties: tuple[str, ...]
    log: str
    length: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.log.encode()).hexdigest()[:16]


@attrs.frozen
class TaskResult:
    task: Task
    examples: int
    steps: int
    found: Found | None
    summary: tuple[str, ...] = ()  # a checked log's final state, one line per kind


def run_task(task: Task, plane: ControlPlane | None = None) -> TaskResult:
    """Run one task; the same task gives the same result."""
    if task.kind == "explore":
        return _explore(task, plane)
    if task.kind == "check":
        return _check(task, plane)
    raise ValueError(f"unknown task kind {task.kind!r}")


def _explore(task: Task, plane: ControlPlane | None) -> TaskResult:
    faults, scale = PROFILES[task.profile]
    result = explorer.explore(list(task.manifests), budget=task.budget, seed=task.seed or 0,
                              faults=faults, scale=scale, max_actions=task.max_actions,
                              plane=plane)
    cx = result.counterexample
    if cx is None:
        return TaskResult(task, result.examples, result.steps, None)
    header = (f"kubefold campaign counterexample ({task.label}, profile {task.profile}, "
              f"seed {task.seed}): replay with\n  kubefold replay --check FILE")
    found = Found(_properties(cx.findings), dump_log(cx.log, header), len(cx.events))
    return TaskResult(task, result.examples, result.steps, found)


def _check(task: Task, plane: ControlPlane | None) -> TaskResult:
    start = manager.empty_cluster(task.cluster_seed, plane)
    checked = check_replay(start, task.events, task.mode, plane=plane)
    end = checked.outcomes[-1].cluster if checked.outcomes else start
    summary = tuple(f"{kind}: {end.count(kind)}" for kind in sorted(end.objects))
    found = None
    if checked.findings:
        broken = _properties(checked.findings)
        header = f"kubefold campaign: {task.label} breaks {', '.join(broken)}"
        found = Found(broken, dump_log(task.events, header), len(task.events))
    return TaskResult(task, 1, len(task.events), found, summary)


def _properties(findings: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted({f.violation.invariant for f in findings}))


# -- the summary -------------------------------------------------------------------------------


@attrs.frozen
class Violated:
    """One violated property across the campaign: how many tasks broke it, their seeds, the
    shortest counterexample and the other distinct ones (each a Found)."""

    property: str
    count: int
    seeds: tuple[int | None, ...]
    shortest: Found
    shortest_task: Task
    others: tuple[tuple[Found, Task], ...]


@attrs.frozen
class Summary:
    tasks: int
    examples: int
    steps: int
    violations: tuple[Violated, ...]
    results: tuple[TaskResult, ...]


def summarize(results: Iterable[TaskResult], only: Sequence[str] = ()) -> Summary:
    """Fold the results (in any order) into the summary; `only` keeps just those properties."""
    ordered = tuple(sorted(results, key=lambda r: r.task.index))
    by_property: dict[str, list[TaskResult]] = {}
    for result in ordered:
        if result.found is None:
            continue
        for prop in result.found.properties:
            if not only or prop in only:
                by_property.setdefault(prop, []).append(result)
    violations = []
    for prop in sorted(by_property):
        hits = by_property[prop]
        distinct: dict[str, tuple[Found, Task]] = {}
        for r in sorted(hits, key=_rank):
            assert r.found is not None
            distinct.setdefault(r.found.digest, (r.found, r.task))
        (shortest, task), *others = distinct.values()
        violations.append(Violated(prop, len(hits), tuple(r.task.seed for r in hits),
                                   shortest, task, tuple(others)))
    return Summary(len(ordered), sum(r.examples for r in ordered),
                   sum(r.steps for r in ordered), tuple(violations), ordered)


def _rank(result: TaskResult) -> tuple[int, int, int]:
    """Shortest first; ties: the lowest seed (a log, seed None, after), then task order."""
    assert result.found is not None
    seed = result.task.seed
    return (result.found.length, seed if seed is not None else 1 << 62, result.task.index)


# -- what-if variations of a log ---------------------------------------------------------------


def vary(events: Sequence[Event], variation: dict[str, Any]) -> tuple[tuple[Event, ...], int]:
    """The log's events with one variation applied, and the cluster seed to replay them with.

    - `{seed: N}`: the same log from a cluster of seed N (other names, other tie-breaks);
    - `{event: EVENT, at: SECONDS}`: one more event (any verb of the log format, already
      decoded) at that time, before the first event later than it;
    - `{set: {kind, name, namespace, path, value}}`: every apply of that object gets `value`
      at the dotted JSON `path` (e.g. spec.strategy.rollingUpdate.maxSurge)."""
    seed = int(variation.get("seed", 0))
    out = list(events)
    if "event" in variation:
        extra: Event = variation["event"]
        at = extra.at if extra.at is not None else 0
        place = next((i for i, e in enumerate(out) if (e.at or 0) > at), len(out))
        out.insert(place, extra)
    if "set" in variation:
        out = [_set_field(e, variation["set"]) for e in out]
    return tuple(out), seed


def _set_field(event: Event, change: dict[str, Any]) -> Event:
    from kubefold.core.codec import decode_object, encode_object

    if not isinstance(event, Apply):
        return event
    obj = event.object
    meta = getattr(obj, "metadata", None)
    if obj.kind != change.get("kind") or meta is None or meta.name != change.get("name") \
            or (meta.namespace or "default") != change.get("namespace", "default"):
        return event
    doc = encode_object(obj)
    *parents, last = str(change["path"]).split(".")
    target = doc
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = change.get("value")
    return attrs.evolve(event, object=decode_object(doc))
