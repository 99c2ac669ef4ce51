"""`kubectl get` over a state: the names it accepts for a resource, the objects a query selects,
and the text it prints for them in each output format.

Models: k8s.io/kubectl/pkg/cmd/get/get.go (Run: one table per resource, a blank line between
tables that printed something, `kind.group/name` names when several kinds are listed,
`No resources found in NS namespace.` or, when a listed resource is cluster-scoped or `-A`
is given, `No resources found`; printGeneric: a `List` unless a single object was named),
cli-runtime's NamePrinter (`deployment.apps/web`), JSONPrinter (four-space indent) and
YAMLPrinter (sigs.k8s.io/yaml over go-yaml v2: keys sorted, sequences level with their key,
go-yaml's quoting), the
short names of `kubectl api-resources` (v1.34) and the `all` category (pods,
replicationcontrollers, services, daemonsets, deployments, replicasets, statefulsets,
horizontalpodautoscalers, cronjobs, jobs, in discovery order, then custom resources in it).
Simplifies:
- The apiserver's list order is taken as namespace then name (etcd's key order).
- YAML is written by PyYAML made to quote and fold as go-yaml does for the common cases.
Covered by: tests/test_printers.py (TestShortNames, TestRender), tests/test_golden.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import yaml

from kubefold.core import codec
from kubefold.core.kinds import KINDS, kind_info
from kubefold.core.labels import parse_selector
from kubefold.printers import tableconvertor
from kubefold.printers.internalversion import DEFAULT, PRINTERS, Printer, _get
from kubefold.printers.tableconvertor import CustomResource
from kubefold.printers.tableprinter import print_table

SHORT_NAMES = {
    "cm": "ConfigMap", "ep": "Endpoints", "ev": "Event", "limits": "LimitRange",
    "ns": "Namespace", "no": "Node", "pvc": "PersistentVolumeClaim", "pv": "PersistentVolume",
    "po": "Pod", "rc": "ReplicationController", "quota": "ResourceQuota",
    "sa": "ServiceAccount", "svc": "Service", "crd": "CustomResourceDefinition",
    "crds": "CustomResourceDefinition", "ds": "DaemonSet", "deploy": "Deployment",
    "rs": "ReplicaSet", "sts": "StatefulSet", "hpa": "HorizontalPodAutoscaler",
    "cj": "CronJob", "ing": "Ingress", "netpol": "NetworkPolicy",
    "pdb": "PodDisruptionBudget", "pc": "PriorityClass", "sc": "StorageClass",
}
ALL = ("Pod", "ReplicationController", "Service", "DaemonSet", "Deployment", "ReplicaSet",
       "StatefulSet", "HorizontalPodAutoscaler", "CronJob", "Job")


# -- custom resources --------------------------------------------------------------------------


def custom_resources(cluster: Any) -> dict[str, CustomResource]:
    """The custom resources a state knows, by kind: its CustomResourceDefinitions first, then
    the known CRDs of the outside systems."""
    found = dict(tableconvertor.KNOWN_BY_KIND)
    for crd in cluster.list("CustomResourceDefinition") if cluster is not None else ():
        resource = tableconvertor.from_definition(codec.encode_object(crd))
        if resource is not None:
            found[resource.kind] = resource
    return found


def printer_for(kind: str, customs: Mapping[str, CustomResource],
                group: str | None = None) -> Printer:
    """The apiserver's table for a kind of object (`group` from its apiVersion, when known):
    a built-in printer, the default Name and Created At, or a custom resource's columns (Age
    alone for a custom kind kubefold has no definition of)."""
    if kind in KINDS and (group is None or group == KINDS[kind].group):
        return PRINTERS.get(kind, DEFAULT)
    resource = customs.get(kind)
    if resource is None or (group is not None and group != resource.group):
        resource = tableconvertor.CustomResource(group or "", "", kind, "", "")
    return tableconvertor.convert_to_table(resource)


def is_namespaced(kind: str, customs: Mapping[str, CustomResource]) -> bool:
    if kind not in KINDS and kind in customs:
        return customs[kind].namespaced
    return kind_info(kind).namespaced


# -- names -------------------------------------------------------------------------------------


def resolve_kind(name: str, stored: Iterable[str] = (),
                 customs: Mapping[str, CustomResource] | None = None) -> str | None:
    """A kind from what kubectl accepts: a short name, the resource (plural or singular), the
    kind, each with or without `.group` (`deploy`, `deployments`, `deployment.apps`,
    `Deployment`); custom resources by their CRD's names."""
    lower = name.lower()
    if lower in SHORT_NAMES:
        return SHORT_NAMES[lower]
    for kind in KINDS:
        info = kind_info(kind)
        forms = {kind.lower(), info.resource}
        if info.group:
            forms |= {f"{f}.{info.group}" for f in list(forms)}
        if lower in forms:
            return kind
    for resource in (customs or {}).values():
        forms = {resource.kind.lower(), resource.plural, resource.singular,
                 *resource.short_names}
        forms |= {f"{f}.{resource.group}" for f in list(forms)}
        if lower in forms:
            return resource.kind
    for kind in stored:
        info = kind_info(kind)
        if lower in (kind.lower(), info.resource):
            return kind
    return None


def all_kinds(customs: Mapping[str, CustomResource], stored: Iterable[str]) -> tuple[str, ...]:
    """The `all` category: the built-in kinds, then installed custom resources in it."""
    present = set(stored)
    return ALL + tuple(c.kind for c in customs.values()
                       if "all" in c.categories and c.kind in present)


def qualified_kind(obj: Mapping[str, Any]) -> str:
    """`deployment.apps`, `pod`, `rollout.argoproj.io`: the lower-cased group kind."""
    kind = str(obj.get("kind", ""))
    info = kind_info(kind, str(obj.get("apiVersion", "")))
    return f"{kind}.{info.group}".lower() if info.group else kind.lower()


def qualified_name(obj: Mapping[str, Any]) -> str:
    """`deployment.apps/web`, `pod/web-x`: as `-o name` and multi-kind tables name objects."""
    return f"{qualified_kind(obj)}/{_get(obj, 'metadata.name', '')}"


# -- selecting and printing --------------------------------------------------------------------


@attrs.frozen
class Query:
    kinds: tuple[str, ...]
    name: str | None = None
    namespace: str | None = "default"  # None: all namespaces
    selector: str | None = None


def select(cluster: Any, query: Query,
           customs: Mapping[str, CustomResource] | None = None) -> list[tuple[str, list[Any]]]:
    """(kind, objects sorted by namespace and name) for each kind asked, filtered."""
    customs = custom_resources(cluster) if customs is None else customs
    selector = parse_selector(query.selector) if query.selector else None
    out = []
    for kind in query.kinds:
        ns = query.namespace if is_namespaced(kind, customs) else None
        objs = sorted(cluster.list(kind, ns),
                      key=lambda o: (o.metadata.namespace or "", o.metadata.name or ""))
        if query.name is not None:
            objs = [o for o in objs if o.metadata.name == query.name]
        if selector is not None:
            objs = [o for o in objs if selector.matches(o.metadata.labels)]
        out.append((kind, objs))
    return out


def no_resources_message(kinds: Sequence[str], namespace: str | None,
                         customs: Mapping[str, CustomResource]) -> str:
    """What kubectl get writes to standard error when it printed nothing."""
    if namespace is not None and all(is_namespaced(k, customs) for k in kinds):
        return f"No resources found in {namespace} namespace."
    return "No resources found"


def render(groups: Sequence[tuple[str, Sequence[Any]]], now: int, output: str | None,
           all_namespaces: bool, customs: Mapping[str, CustomResource] | None = None,
           single: bool = False) -> str:
    """The text `kubectl get` prints on standard output for the selected objects; `single`
    when one object was asked for by name (printed alone, not in a List)."""
    customs = dict(tableconvertor.KNOWN_BY_KIND) if customs is None else customs
    docs = [codec.encode_object(o) for _, objs in groups for o in objs]
    if output == "name":
        return "".join(f"{qualified_name(d)}\n" for d in docs)
    if output in ("yaml", "json"):
        doc: Any = docs[0] if single and len(docs) == 1 else {
            "apiVersion": "v1", "items": docs, "kind": "List",
            "metadata": {"resourceVersion": ""}}
        return go_json_indent(doc) if output == "json" else go_yaml(doc)
    with_kind = len(groups) > 1
    blocks = []
    for kind, objs in groups:
        encoded = [codec.encode_object(o) for o in objs]
        group = (kind_info(kind, str(encoded[0].get("apiVersion", ""))).group if encoded
                 else None)
        lines = print_table(printer_for(kind, customs, group), encoded, now, output == "wide",
                            all_namespaces and is_namespaced(kind, customs),
                            qualified_kind(encoded[0]) if with_kind and encoded else "")
        if lines:
            blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


# -- JSON and YAML as kubectl writes them ------------------------------------------------------


def go_json_indent(doc: Any) -> str:
    """json.MarshalIndent(obj, "", "    ") and a newline: keys sorted, HTML escaped."""
    text = json.dumps(doc, indent=4, sort_keys=True, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text + "\n"


class _GoYAMLDumper(yaml.SafeDumper):
    """go-yaml v2 as sigs.k8s.io/yaml drives it: sequences level with their key, double
    quotes for a string that would read back as another type (`"1"`, `"true"`, `""`), single
    quotes where a plain scalar will not do, literal blocks for text with newlines."""


_STR = "tag:yaml.org,2002:str"
_OTHER_TYPES = {f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")}
_GO_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _represent_str(dumper: Any, value: str) -> Any:
    style = None
    if "\n" in value:
        style = "|"
    elif dumper.resolve(yaml.ScalarNode, value, (True, False)) in _OTHER_TYPES or \
            _GO_YAML_FLOAT.match(value):
        style = '"'
    return dumper.represent_scalar(_STR, value, style=style)


_GoYAMLDumper.add_representer(str, _represent_str)


def go_yaml(doc: Any) -> str:
    return str(yaml.dump(doc, Dumper=_GoYAMLDumper, sort_keys=True, allow_unicode=True,
                         default_flow_style=False))

