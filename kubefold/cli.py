"""The command line: `kubefold replay`, `get`, `describe`, `route`, `check`, `explore` and
`campaign`. It parses arguments, calls the library and prints; each command's work lives in its
own module (replaying.py, getcmd.py, route_report.py, campaign.py, ...), so this file stays a
dispatcher.

Exit status: 0 all well; 1 an invariant was violated (--check, check, explore) or an event was
rejected under --strict; 2 unreadable input or bad usage, with a message naming the file, the
document or line and what is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from kubefold import getcmd, io, replaying, report, route_report
from kubefold.core.codec import dump_log, encode_object
from kubefold.core.errors import InputError
from kubefold.properties import check, explorer, invariants
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
    replay.add_argument("--from", dest="snapshot", metavar="SNAPSHOT", action="append",
                        help="start from this snapshot (a v1 List, a directory of them, or - "
                        "for standard input) instead of an empty cluster; several are merged")
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
    replay.add_argument("--verbose", "-v", action="count", default=0,
                        help="-v: every controller's writes; -vv: every field diff")
    replay.add_argument("--seed", type=int, default=0,
                        help="seed for generated names and tie-breaks (default 0)")
    replay.add_argument("--kube-version", metavar="vX.Y.Z", default=None,
                        help="the Kubernetes version Helm charts see (default: the newest "
                        "kubelet in the snapshot, else v1.34.0)")
    replaying.add_arguments(replay)
    check = sub.add_parser("check", help="check the safety invariants of one state",
                           description="Check the safety invariants of a snapshot; exit 1 on a "
                           "violation.")
    check.add_argument("snapshot", metavar="SNAPSHOT")
    explore = sub.add_parser(
        "explore", help="search event sequences against your manifests for a violation",
        description="Search event sequences (template changes, rollout undo/pause/resume/"
        "restart, time; --scale and --faults add scaling and node loss, crashes and failing "
        "probes) against your Deployments, StatefulSets, DaemonSets, PDBs and Nodes for a "
        "violation of the safety invariants, the rollout bounds, PDBs or convergence. On one, "
        "exit 1 and write the shrunk counterexample as an event log that "
        "`kubefold replay --check` reproduces.")
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
    campaign = sub.add_parser(
        "campaign", help="run many explorations and replays, on Ray when it is installed",
        description="Run a plan's explorations (each manifest set x profile x seed) and "
        "checked replays (each log and what-if variation) as parallel tasks on Ray (a local "
        "instance unless --ray names a cluster; one local process without Ray), and summarise "
        "the violations found. Exit 1 when any was found.")
    campaign.add_argument("plan", metavar="PLAN.yaml")
    campaign.add_argument("--ray", metavar="ADDRESS",
                          help="the Ray cluster to run on (default: start a local instance)")
    campaign.add_argument("--workers", type=int, metavar="N",
                          help="CPUs of the local Ray instance (default: this machine's cores)")
    campaign.add_argument("--out", metavar="DIR",
                          help="write summary.json and the counterexamples here")
    getcmd.add_parsers(sub)
    add_route_parser(sub)
    return parser


def add_route_parser(sub: argparse._SubParsersAction) -> None:
    route = sub.add_parser(
        "route", help="where a request goes: each backend pod's share",
        description="Each backend pod's share of requests to a Service (NS/NAME), a Gateway "
        "(NS/NAME) or a host, as kube-proxy, Gateway API HTTPRoutes and Istio VirtualServices "
        "send them in the snapshot's state.")
    route.add_argument("snapshot", metavar="SNAPSHOT")
    route.add_argument("--to", required=True, metavar="NS/NAME|HOST",
                       help="a Service or Gateway (namespace/name), or a host")
    route.add_argument("--port", help="the Service port (number or name)")
    route.add_argument("--path", default="/", help="the request path, query included")
    route.add_argument("--method", default="GET", help="the request method (default GET)")
    route.add_argument("--header", action="append", default=[], metavar="K=V",
                       help="a request header (repeatable)")
    route.add_argument("--cookie", action="append", default=[], metavar="K=V",
                       help="a cookie (repeatable; sent as one Cookie header)")
    route.add_argument("--client-ip", metavar="IP", help="the client's address")
    route.add_argument("-o", "--output", choices=("text", "json"), default="text")


def cmd_replay(args: argparse.Namespace) -> int:
    return replaying.run(args)


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
    workloads = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Rollout")
    if not any(m.get("kind") in workloads for m in manifests):
        raise InputError(args.manifests[0], "", "explore needs at least one Deployment, "
                         "StatefulSet, DaemonSet, Job, CronJob or Rollout")
    print("\n".join(report.loaded(manifests)))
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


def _key_values(flag: str, items: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--{flag}", repr(item), "expected K=V")
        out.append((key, value))
    return out


def cmd_route(args: argparse.Namespace) -> int:
    from kubefold.reducers.proxy import Request, route

    port: int | str | None = args.port
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    request = Request(to=args.to, port=port, path=args.path, method=args.method,
                      headers=_key_values("header", args.header),
                      cookies=_key_values("cookie", args.cookie), client_ip=args.client_ip)
    answer = route(io.load_snapshot(args.snapshot, plane=args.plane), request)
    if args.output == "json":
        print(json.dumps(answer.to_json()))
        if not answer.shares and answer.reason:
            print(f"kubefold: {answer.reason}", file=sys.stderr)
        return 0
    print("\n".join(route_report.describe_route(answer)))
    return 0


COMMANDS = {"replay": cmd_replay, "check": cmd_check, "explore": cmd_explore,
            "route": cmd_route}


def cmd_campaign(args: argparse.Namespace) -> int:
    from kubefold import campaign

    if args.workers is not None and args.workers < 1:
        raise InputError("--workers", "", f"must be at least 1, not {args.workers}")
    return campaign.main(args, args.plane)


COMMANDS = {"replay": cmd_replay, "check": cmd_check, "explore": cmd_explore,
            "get": getcmd.cmd_get, "describe": getcmd.cmd_describe, "route": cmd_route,
            "campaign": cmd_campaign}


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
