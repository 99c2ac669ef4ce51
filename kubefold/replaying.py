"""`kubefold replay`: read the inputs, start the cluster, fold the events, tell what happened.

    kubefold replay LOG... [--from SNAPSHOT]... [--mode auto|manual] [--dump FILE] [--check]
                    [--strict] [--nodes N[:CPU,MEMORY,PODS]] [--settle [SECONDS]] [--keep-going]
                    [--at TIME] [--report FILE.html] [--plot FILE.png|svg] [-q | -v | -vv]

The cluster starts from the merged snapshots (`--from`, several allowed), or empty with its
clock at the first recorded time of the logs (a SimKube trace's first `ts`), or at kubefold's
epoch. Restored nodes recorded not Ready keep that condition (see reducers/kubelet). Load-time
surprises are warned about, one line each. `--nodes` adds ready nodes before the first event;
`--at` stops the replay at a logical time; `--settle` lets time run after the last event.

Output: the account (account.py; `-v`, `-vv` more detailed, `-q` the summary only), in colour
with a progress bar when standard output is a terminal and the replay is long, plain text
otherwise. Warnings and notes go to standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubefold import account, helm, history, report, sources, timeline
from kubefold.core.cluster import Cluster
from kubefold.core.codec import check_clock
from kubefold.core.errors import InputError
from kubefold.core.events import Settle
from kubefold.core.limits import MAX_EVENTS
from kubefold.core.nodelease import KUBELET_ANNOTATION, RECORDED
from kubefold.core.objects import KObject
from kubefold.properties.check import _Checker, checked_apply
from kubefold.reducers import apiserver, manager

LONG_REPLAY = 50  # events: a progress bar is shown on a terminal from this many on
DEFAULT_SETTLE = 3600


def add_arguments(replay: argparse.ArgumentParser) -> None:
    """The replay flags this module handles (added to the parser cli.py builds)."""
    replay.add_argument("--nodes", metavar="N[:CPU,MEMORY,PODS]",
                        help="add N ready nodes before the first event (default shape 8 cpu, "
                        "16Gi memory, 110 pods, as a kind node on a laptop)")
    replay.add_argument("--settle", nargs="?", type=int, const=DEFAULT_SETTLE, metavar="SECONDS",
                        help="after the last event, let logical time run until nothing is "
                        f"left to do (at most SECONDS, default {DEFAULT_SETTLE})")
    replay.add_argument("--keep-going", action="store_true",
                        help="skip unreadable records (naming file and line) instead of "
                        "stopping; they are counted in the summary")
    replay.add_argument("--at", metavar="TIME",
                        help="stop the replay at this logical time (RFC 3339, or seconds "
                        "since the start), so --dump writes the state as it was then")
    replay.add_argument("--report", metavar="FILE.html",
                        help="write a self-contained HTML report of the replay")
    replay.add_argument("--plot", metavar="FILE.png|svg",
                        help="draw the rollout timeline (replicas per revision) with matplotlib")


def mark_recorded_nodes(objects: Sequence[KObject]) -> list[KObject]:
    """Nodes whose recorded Ready condition is not True, annotated so their kubelet keeps it
    (reducers/kubelet: `kubelet_keeps_recorded_status`)."""
    out = []
    for obj in objects:
        node: Any = obj
        if obj.kind == "Node" and KUBELET_ANNOTATION not in obj.metadata.annotations:
            ready = next((c for c in node.status.conditions if c.type == "Ready"), None)
            if ready is not None and ready.status != "True":
                meta = attrs.evolve(obj.metadata, annotations=obj.metadata.annotations.set(
                    KUBELET_ANNOTATION, RECORDED))
                obj = attrs.evolve(obj, metadata=meta)
        out.append(obj)
    return out


def start_cluster(snapshot_paths: Sequence[str] | None, logs: Sequence[sources.Source],
                  seed: int, plane: Any, warn: Callable[[str], None]) -> Cluster:
    """The starting state: the merged snapshots, or an empty cluster whose clock starts at the
    logs' first recorded time."""
    if snapshot_paths:
        snaps = sources.load_snapshots(snapshot_paths)
        for note in snaps.notes:
            warn(f"note: {note}")
        for line in sources.load_warnings(snaps.objects):
            warn(line)
        objects = mark_recorded_nodes(snaps.objects)
        cluster = apiserver.restore(Cluster(seed=seed), objects, snaps.latest_time)
        return manager.dispatch(cluster, plane)[0]
    start = next((s.start for s in logs if s.start is not None), None)
    if start is None:
        return manager.empty_cluster(seed, plane)
    cluster = Cluster(seed=seed, clock_start=start, now=start)
    started = manager.dispatch(apiserver.ensure_bootstrap_namespaces(cluster), plane)[0]
    return manager.run_until_settled(started, plane=plane)[0]  # as empty_cluster does


class Placements:
    """Observer: keeps the state before each scheduler turn that bound a pod, for the report's
    scores of the last placements (at most `keep`)."""

    def __init__(self, cluster: Cluster, keep: int = 12) -> None:
        self.previous = cluster
        self.keep = keep
        self.found: list[tuple[Cluster, str, str]] = []  # (state before, pod key, node)

    def __call__(self, cluster: Cluster, turn: Any) -> None:
        if turn is not None and turn.controller == "scheduler":
            for change in turn.changes:
                if change.kind == "Pod" and change.new is not None and \
                        change.new.spec.node_name and (change.old is None
                                                       or not change.old.spec.node_name):
                    self.found.append((self.previous, f"{change.namespace}/{change.name}",
                                       change.new.spec.node_name))
                    del self.found[:-self.keep]
        self.previous = cluster


class _Observers:
    """Several observers as one; `index` and `event` are passed on to those that track them
    (the checker)."""

    def __init__(self, *observers: Any) -> None:
        self.observers = [o for o in observers if o is not None]
        self._index, self._event = 0, None

    @property
    def index(self) -> int:
        return self._index

    @index.setter
    def index(self, value: int) -> None:
        self._index = value
        for o in self.observers:
            if hasattr(o, "index"):
                o.index = value

    @property
    def event(self) -> Any:
        return self._event

    @event.setter
    def event(self, value: Any) -> None:
        self._event = value
        for o in self.observers:
            if hasattr(o, "event"):
                o.event = value

    def __call__(self, cluster: Cluster, turn: Any) -> None:
        for o in self.observers:
            o(cluster, turn)


class Output:
    """Standard output: plain lines, or on a terminal colour (rich) and, for a long replay, a
    progress bar kept below the lines."""

    STYLES = (("#", "bold"), ("   (clock", "dim"), ("warning", "yellow"))

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = stream or sys.stdout
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.console: Any = None
        self.progress: Any = None
        self.task: Any = None
        if self.live:
            try:
                from rich.console import Console
            except ImportError:  # rich is a dependency; without it, plain text
                self.live = False
                return
            self.console = Console(file=self.stream, highlight=False)
            if total >= LONG_REPLAY:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
                self.progress = Progress(TextColumn("replaying"), BarColumn(),
                                         MofNCompleteColumn(), console=self.console,
                                         transient=True)
                self.task = self.progress.add_task("replay", total=total)
                self.progress.start()

    def line(self, text: str) -> None:
        if not self.live:
            print(text, file=self.stream)
            return
        from rich.text import Text

        style = ""
        if "rejected" in text:
            style = "red"
        else:
            style = next((s for prefix, s in self.STYLES if text.lstrip().startswith(prefix)
                          or text.startswith(prefix)), "")
        self.console.print(Text(text, style=style), soft_wrap=True)

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _verbosity(args: argparse.Namespace) -> int:
    return -1 if args.quiet else (args.verbose or 0)


def run(args: argparse.Namespace) -> int:
    def warn(text: str) -> None:
        print(text, file=sys.stderr)

    logs = [attrs.evolve(log, events=helm.attach(log.events, log.path))
            for log in (sources.read_log(path, args.keep_going) for path in args.logs)]
    cluster = start_cluster(args.snapshot, logs, args.seed, args.plane, warn)
    if args.nodes:
        try:
            count, shape = history.parse_nodes(args.nodes)
        except ValueError as exc:
            raise InputError("--nodes", "", str(exc)) from None
        cluster = history.add_nodes(cluster, count, shape, args.plane)
        warn(history.describe_nodes(count, shape))
    total = sum(len(log.events) for log in logs)
    if total > MAX_EVENTS:
        raise InputError(logs[-1].path, "", f"the logs hold {total} events: kubefold replays "
                         f"at most {MAX_EVENTS} (see the README's Limits)")
    events, notes = sources.place_in_time(logs, cluster.clock_start)
    check_clock(events, cluster.clock_start, cluster.now)
    if cluster.count("Node") == 0 and not any(
            getattr(getattr(e, "object", None), "kind", None) == "Node" for s in logs
            for e in s.events):
        warn("note: 0 nodes: nothing can be scheduled (add some with --nodes N)")
    for note in [n for s in logs for n in s.notes] + notes:
        warn(f"note: {note}")
    for line in (u for s in logs for u in s.unreadable):
        warn(f"skipped unreadable record: {line}")
    until = None
    if args.at is not None:
        try:
            until = history.parse_when(args.at, cluster.clock_start)
        except ValueError as exc:
            raise InputError("--at", "", str(exc)) from None
    checker = None
    if args.check:
        checker = _Checker(cluster)
    placements = Placements(cluster) if args.report else None
    recorder = timeline.Recorder(cluster) if (args.report or args.plot) else None
    observer = _Observers(checker, placements, recorder) if (checker or placements
                                                            or recorder) else None
    verbosity = _verbosity(args)
    out = Output(len(events))

    prepare = helm.preparer(args.kube_version)

    def apply(cluster: Cluster, event: Any) -> manager.Outcome:
        if checker is not None and isinstance(event, Settle) and args.mode == "auto":
            return checked_apply(checker, cluster, event, args.mode, args.plane, prepare)
        return manager.apply_event(cluster, event, args.mode, observer=observer,
                                   plane=args.plane, prepare=prepare)

    def on_outcome(index: int, outcome: manager.Outcome, before: Cluster) -> None:
        if verbosity >= 0:
            for line in account.event_lines(index, outcome, before, verbosity):
                out.line(line)
        out.advance()

    try:
        hist = history.run(cluster, events, args.mode, args.plane, until, observer, on_outcome,
                           prepare=prepare, apply=apply)
        outcomes = list(hist.outcomes)
        final = hist.final
        if args.settle is not None and until is None:
            if observer is not None:
                observer.index, observer.event = len(outcomes) + 1, account.Settle(args.settle)
            settled = history.settle(final, args.settle, args.mode, args.plane, observer)
            on_outcome(len(outcomes) + 1, settled, final)
            outcomes.append(settled)
            final = settled.cluster
            hist = attrs.evolve(hist, outcomes=tuple(outcomes))
    finally:
        out.close()
    if recorder is not None:
        recorder.samples.append((final.elapsed, timeline.sample(final)))
    skipped = [s for log in logs for s in log.skipped]
    unreadable = [u for log in logs for u in log.unreadable]
    for line in account.summary(final, outcomes, skipped, unreadable):
        out.line(line)
    findings = tuple(checker.findings) if checker is not None else ()
    if args.check:
        for line in report.findings(findings):
            out.line(line)
    last = outcomes[-1] if outcomes else None
    if last is not None and not last.settled and not isinstance(last.event, account.Settle):
        # One of kubefold's work bounds (core/limits.py): the account so far, then exit 2.
        source, _, where = (getattr(last.event, "origin", "") or "log").partition(": ")
        raise InputError(source, where, f"replay stopped: {last.bound}")
    if args.dump:
        from kubefold import io

        io.write_dump(final, args.dump)
    if args.report:
        from kubefold import htmlreport

        htmlreport.write(args.report, hist, findings, placements.found if placements else [],
                         recorder.samples if recorder else None, title=" ".join(args.logs))
    if args.plot:
        from kubefold import plot

        plot.write(args.plot, hist, recorder.samples if recorder else None)
    if findings:
        return 1
    if args.strict and any(o.rejected is not None for o in outcomes):
        return 1
    return 0
