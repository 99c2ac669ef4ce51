"""The command line: `kubefold replay`, `check` and `explore`. It parses arguments, calls the
library and prints.

Exit status: 0 all well; 1 an invariant was violated (--check, check, explore) or an event was
rejected under --strict; 2 unreadable input or bad usage, with a message naming the file, the
document or line and what is wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from kubefold import io, report
from kubefold.core.codec import check_clock, dump_log, encode_object
from kubefold.core.errors import InputError
from kubefold.core.limits import MAX_EVENTS
from kubefold.properties import check, explorer, invariants
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"kubefold: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kubefold", description="The Kubernetes control plane as a fold.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    replay = sub.add_parser("replay", help="replay event logs against a cluster",
                            description="Replay event logs (YAML streams, JSON Lines, plain "
                            "manifests, watch streams, audit logs) and report what happened.")
    replay.add_argument("logs", nargs="+", metavar="LOG", help="event log files, in order")
    replay.add_argument("--from", dest="snapshot", metavar="SNAPSHOT",
                        help="start from this snapshot (a v1 List) instead of an empty cluster")
    replay.add_argument("--mode", choices=("auto", "manual"), default="auto",
                        help="auto: controllers run after each event; manual: only `reconcile` "
                        "events run them")
    replay.add_argument("--dump", metavar="FILE", help="write the final state as a snapshot")
    replay.add_argument("--strict", action="store_true",
                        help="exit 1 if any event was rejected")
    replay.add_argument("--check", action="store_true",
                        help="check the safety invariants on every state and the transition "
                        "properties on every step; exit 1 on a violation")
    replay.add_argument("--quiet", "-q", action="store_true",
                        help="print only the summary, not each event")
    replay.add_argument("--seed", type=int, default=0,
                        help="seed for generated names and tie-breaks (default 0)")
    check = sub.add_parser("check", help="check the safety invariants of one state",
                           description="Check the safety invariants of a snapshot; exit 1 on a "
                           "violation.")
    check.add_argument("snapshot", metavar="SNAPSHOT")
    explore = sub.add_parser(
        "explore", help="search event sequences against your manifests for a violation",
        description="Search event sequences (template changes, rollout undo/pause/resume/"
        "restart, time; --scale and --faults add scaling and node loss, crashes and failing "
        "probes) against your Deployments, PDBs and Nodes for a violation of the safety "
        "invariants, the rollout bounds, PDBs or convergence. On one, exit 1 and write the "
        "shrunk counterexample as an event log that `kubefold replay --check` reproduces.")
    explore.add_argument("manifests", nargs="+", metavar="MANIFEST")
    explore.add_argument("--budget", type=int, default=200,
                         help="how many sequences to try (default 200)")
    explore.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    explore.add_argument("--out", metavar="FILE", default="counterexample.yaml",
                         help="where to write a counterexample (default counterexample.yaml)")
    explore.add_argument("--faults", action="store_true",
                         help="also node loss and return, container crashes, failing probes")
    explore.add_argument("--scale", action="store_true", help="also scale events")
    explore.add_argument("--max-events", type=int, default=12,
                         help="longest sequence to try (default 12)")
    explore.add_argument("--exhaustive", action="store_true",
                         help="enumerate every interleaving up to --depth instead of sampling")
    explore.add_argument("--depth", type=int, default=4, help="exhaustive depth (default 4)")
    return parser


def _load_logs(paths: Sequence[str]) -> list[Any]:
    """The logs, refused as soon as together they pass MAX_EVENTS."""
    logs, count = [], 0
    for path in paths:
        log = io.load_log(path)
        count += len(log.events)
        if count > MAX_EVENTS:
            raise InputError(path, "", f"the logs hold more than {MAX_EVENTS} events: kubefold "
                             f"replays at most {MAX_EVENTS} (see the README's Limits)")
        logs.append(log)
    return logs


def _bounded(outcomes: Iterable[manager.Outcome]) -> Iterator[manager.Outcome]:
    """The outcomes up to the first that reached a work bound (core/limits.py), which ends
    the replay as an InputError naming the event."""
    for outcome in outcomes:
        yield outcome
        if not outcome.settled:
            source, _, where = (getattr(outcome.event, "origin", "") or "log").partition(": ")
            raise _Bounded(source, where, f"replay stopped: {outcome.bound}")


class _Bounded(InputError):
    """A replay that reached a work bound: its account so far is printed, then the error."""


def cmd_replay(args: argparse.Namespace) -> int:
    cluster = (io.load_snapshot(args.snapshot, args.seed, args.plane) if args.snapshot
               else manager.empty_cluster(args.seed, args.plane))
    logs = _load_logs(args.logs)
    events = [e for log in logs for e in log.events]
    skipped = [s for log in logs for s in log.skipped]
    check_clock(events, cluster.clock_start, cluster.now)
    findings: tuple = ()
    outcomes: list[manager.Outcome] = []
    try:
        if args.check:
            checked = check.check_replay(cluster, events, args.mode, plane=args.plane,
                                         stop_unsettled=True)
            outcomes, findings = list(checked.outcomes), checked.findings
            list(_bounded(outcomes))
        else:
            outcomes.extend(_bounded(manager.trace(cluster, events, args.mode, args.plane)))
    except _Bounded:
        _account(args, cluster, outcomes, skipped)
        raise
    _account(args, cluster, outcomes, skipped)
    cluster = outcomes[-1].cluster if outcomes else cluster
    if args.check:
        print("\n".join(report.findings(findings)))
    if args.dump:
        io.write_dump(cluster, args.dump)
    if findings:
        return 1
    if args.strict and any(o.rejected is not None for o in outcomes):
        return 1
    return 0


def _account(args: argparse.Namespace, cluster: Any, outcomes: list[manager.Outcome],
             skipped: list[str]) -> None:
    start = cluster
    for index, outcome in enumerate(outcomes, 1):
        if not args.quiet:
            print("\n".join(report.describe_outcome(index, outcome, start)))
        start = outcome.cluster
    cluster = outcomes[-1].cluster if outcomes else cluster
    print("\n".join(report.summary(cluster, outcomes, skipped)))


def cmd_check(args: argparse.Namespace) -> int:
    violations = check.check_snapshot(io.load_snapshot(args.snapshot))
    for v in violations:
        print(f"violated: {v}")
    print(f"{len(violations)} violation(s) of {len(invariants.INVARIANTS)} invariants")
    return 1 if violations else 0


MAX_EXPLORE_EVENTS = 50  # the longest sequence explore tries (a shrunk example is shorter)
MAX_EXPLORE_DEPTH = 12  # exhaustive depth: each level multiplies the states


def _check_explore_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Usage errors (exit 2) for budgets and sizes explore cannot work with."""
    if args.budget < 1:
        parser.error(f"argument --budget: must be at least 1, not {args.budget}")
    if not 1 <= args.max_events <= MAX_EXPLORE_EVENTS:
        parser.error(f"argument --max-events: must be between 1 and {MAX_EXPLORE_EVENTS}, "
                     f"not {args.max_events}")
    if not 1 <= args.depth <= MAX_EXPLORE_DEPTH:
        parser.error(f"argument --depth: must be between 1 and {MAX_EXPLORE_DEPTH}, "
                     f"not {args.depth}")


def cmd_explore(args: argparse.Namespace) -> int:
    manifests = [encode_object(o) for path in args.manifests for o in io.load_objects(path)]
    if not any(m.get("kind") == "Deployment" for m in manifests):
        raise InputError(args.manifests[0], "", "explore needs at least one Deployment")
    if args.exhaustive:
        result = explorer.explore_exhaustive(manifests, depth=args.depth, seed=args.seed,
                                             plane=args.plane)
        print(f"explored {result.states} states, {result.distinct_states} distinct, "
              f"depth {args.depth}")
    else:
        with report.Progress(args.budget) as progress:
            result = explorer.explore(manifests, budget=args.budget, seed=args.seed,
                                      faults=args.faults, scale=args.scale,
                                      max_actions=args.max_events, progress=progress.update,
                                      plane=args.plane)
        print(f"tried {result.examples} sequences (seed {args.seed})")
    if result.counterexample is None:
        print("no violation found")
        return 0
    cx = result.counterexample
    print("\n".join(report.explain(cx)))
    replay = "--check --mode manual" if args.exhaustive else "--check"
    if args.exhaustive and args.seed:
        replay += f" --seed {args.seed}"  # the cluster's seed in exhaustive mode
    header = (f"kubefold explore counterexample (seed {args.seed}): replay with\n"
              f"  kubefold replay {replay} {args.out}")
    io.write_text(args.out, dump_log(cx.log, header))
    print(f"counterexample written to {args.out}")
    return 1


COMMANDS = {"replay": cmd_replay, "check": cmd_check, "explore": cmd_explore}


def main(argv: Sequence[str] | None = None, plane: ControlPlane | None = None) -> int:
    """Run one command; `plane` is the control plane to run (the default one when None: a
    test passes its own)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.plane = plane
    if args.command == "explore":
        _check_explore_args(args, parser)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"kubefold: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (RecursionError, MemoryError) as exc:  # a bound kubefold failed to keep: say so
        print(f"kubefold: error: the input is beyond what kubefold can hold "
              f"({type(exc).__name__}); see the README's Limits", file=sys.stderr)
        return 2
    except Exception as exc:  # a kubefold bug: say so, without a traceback
        if os.environ.get("KUBEFOLD_DEBUG"):
            raise
        print(f"kubefold: internal error ({type(exc).__name__}: {exc}); this is a kubefold "
              "bug: rerun with KUBEFOLD_DEBUG=1 for the traceback", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
