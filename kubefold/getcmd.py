"""`kubefold get` and `kubefold describe`: look at a state as kubectl would.

    kubefold get SNAPSHOT [KIND] [NAME] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name]
    kubefold describe SNAPSHOT KIND NAME [-n NS]

SNAPSHOT is a dump (`replay --dump`), a `kubectl get -o yaml|json` List, a directory of them or
`-`; ages are counted from the snapshot's clock (its latest timestamp). KIND is what kubectl
accepts (`deploy`, `po`, `svc`, `deployments.apps`, `Deployment`, a comma list, or `all`,
the default). As kubectl, an empty table prints `No resources found in NS namespace.` (or
`No resources found` with -A or a cluster-scoped kind) on standard error and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from kubefold import describe, printers, sources
from kubefold.core.cluster import Cluster
from kubefold.core.errors import InputError
from kubefold.core.kinds import kind_info
from kubefold.printers.tableconvertor import CustomResource
from kubefold.reducers import apiserver


def add_parsers(sub: argparse._SubParsersAction) -> None:
    get = sub.add_parser("get", help="print objects of a snapshot as kubectl get does",
                         description="Print objects of a snapshot (a dump, a kubectl List, a "
                         "directory or -) with kubectl's columns, ages by the snapshot's "
                         "clock.")
    get.add_argument("snapshot", metavar="SNAPSHOT")
    get.add_argument("kind", nargs="?", default="all", metavar="KIND",
                     help="kind, resource or short name (deploy, po, svc, ...), a comma list, "
                     "or all (default)")
    get.add_argument("name", nargs="?", metavar="NAME")
    scope = get.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", default="default", help="namespace (default "
                       "default)")
    scope.add_argument("-A", "--all-namespaces", action="store_true",
                       help="list across all namespaces")
    get.add_argument("-l", "--selector", help="label selector (a=b,c in (d,e),!f)")
    get.add_argument("-o", "--output", choices=("wide", "yaml", "json", "name"))
    desc = sub.add_parser("describe", help="describe one object of a snapshot as kubectl "
                          "describe does")
    desc.add_argument("snapshot", metavar="SNAPSHOT")
    desc.add_argument("kind", metavar="KIND")
    desc.add_argument("name", metavar="NAME")
    desc.add_argument("-n", "--namespace", default="default")


def load_state(path: str) -> tuple[Cluster, int]:
    """The state of a snapshot (no controllers run on it) and its clock."""
    snap = sources.load_snapshots([path])
    cluster = apiserver.restore(Cluster(), snap.objects, snap.latest_time)
    return cluster, cluster.now


def _kinds(text: str, cluster: Cluster, where: str,
           customs: Mapping[str, CustomResource]) -> tuple[str, ...]:
    kinds: list[str] = []
    stored = cluster.objects.keys()
    for part in text.split(","):
        if part.lower() == "all":
            kinds.extend(printers.all_kinds(customs, stored))
            continue
        kind = printers.resolve_kind(part, stored, customs)
        if kind is None:
            raise InputError(where, "", f'the server doesn\'t have a resource type "{part}"')
        kinds.append(kind)
    return tuple(dict.fromkeys(kinds))


def cmd_get(args: argparse.Namespace) -> int:
    cluster, now = load_state(args.snapshot)
    customs = printers.custom_resources(cluster)
    kinds = _kinds(args.kind, cluster, args.snapshot, customs)
    namespace = None if args.all_namespaces else args.namespace
    try:
        query = printers.Query(kinds, args.name, namespace, args.selector)
        groups = printers.select(cluster, query, customs)
    except ValueError as exc:
        raise InputError("-l", "", f"unable to parse requirement: {exc}") from None
    if args.name is not None and not any(objs for _, objs in groups):
        info = kind_info(kinds[0])
        raise InputError(args.snapshot, "", f'{info.qualified_resource} "{args.name}" not found')
    single = args.name is not None and len(kinds) == 1
    text = printers.render(groups, now, args.output, args.all_namespaces, customs, single)
    if not text and args.output in (None, "wide"):
        print(printers.no_resources_message(kinds, namespace, customs), file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    cluster, now = load_state(args.snapshot)
    kind = _kinds(args.kind, cluster, args.snapshot, printers.custom_resources(cluster))[0]
    namespace = args.namespace if kind_info(kind).namespaced else None
    obj = cluster.get(kind, namespace, args.name)
    if obj is None:
        info = kind_info(kind)
        raise InputError(args.snapshot, "", f'{info.qualified_resource} "{args.name}" not found')
    sys.stdout.write(describe.describe(obj, now, cluster))
    return 0
