"""The command line: `kubefold replay`. It parses arguments, calls the library and prints.

Exit status: 0 all well; 1 an event was rejected under --strict; 2 unreadable input or bad
usage, with a message naming the file, the document or line and what is wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kubefold import io, report
from kubefold.core.errors import InputError
from kubefold.reducers import manager


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
    replay.add_argument("--quiet", "-q", action="store_true",
                        help="print only the summary, not each event")
    replay.add_argument("--seed", type=int, default=0,
                        help="seed for generated names and tie-breaks (default 0)")
    return parser


def cmd_replay(args: argparse.Namespace) -> int:
    cluster = (io.load_snapshot(args.snapshot, args.seed) if args.snapshot
               else manager.empty_cluster(args.seed))
    logs = [io.load_log(path) for path in args.logs]
    events = [e for log in logs for e in log.events]
    skipped = [s for log in logs for s in log.skipped]
    outcomes = []
    for index, outcome in enumerate(manager.trace(cluster, events, args.mode), 1):
        if not args.quiet:
            print("\n".join(report.describe_outcome(index, outcome, cluster)))
        cluster = outcome.cluster
        outcomes.append(outcome)
    print("\n".join(report.summary(cluster, outcomes, skipped)))
    if args.dump:
        io.write_dump(cluster, args.dump)
    if args.strict and any(o.rejected is not None for o in outcomes):
        return 1
    return 0


COMMANDS = {"replay": cmd_replay}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"kubefold: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a kubefold bug: say so, without a traceback
        if os.environ.get("KUBEFOLD_DEBUG"):
            raise
        print(f"kubefold: internal error ({type(exc).__name__}: {exc}); this is a kubefold "
              "bug: rerun with KUBEFOLD_DEBUG=1 for the traceback", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
