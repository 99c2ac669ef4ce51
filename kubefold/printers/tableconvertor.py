"""The table rows kube-apiserver generates for custom resources: the name, then one cell per
`additionalPrinterColumns` entry of the CRD version (Age alone when it declares none).

The columns come from the CustomResourceDefinition stored in the state when there is one, as
the apiserver reads its own CRDs; otherwise from the CRDs of the outside systems kubefold
runs, copied below from their manifests (`KNOWN`): Argo Rollouts, Flagger, Gateway API and
Istio's VirtualService.

Models: k8s.io/apiextensions-apiserver pkg/registry/customresource/tableconvertor
(New, ConvertToTable, cellForJSONValue), apiserver's serveDefaultColumnsIfEmpty,
client-go util/jsonpath (FindResults with AllowMissingKeys, PrintResults), the column
definitions of argoproj/argo-rollouts manifests/crds (v1.10.0-rc1-70-g9f8d111d8),
fluxcd/flagger artifacts/flagger/crd.yaml (v1.44.0), kubernetes-sigs/gateway-api
config/crd/standard (after v1.6.1, 4564255a), istio's VirtualService CRD (the Gateways,
Hosts and Age columns it has declared since istio 1.3).
Simplifies:
- JSONPath covers what printer columns use: `.field`, `['field']`, `[n]`, `[*]`, `..field`
  is not supported, and filters `[?(@.a.b=="x")]` compare with `==` and `!=` only.
- `number` cells print Go's `%v` of a float64 through Python's shortest repr.
Covered by: tests/test_printers.py (TestCRDColumns and the known CRDs' columns).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from kubefold.core.schema import parse_time
from kubefold.printers.internalversion import Cells, Column, Printer, _name, human_duration


@attrs.frozen
class PrinterColumn:
    """A CustomResourceColumnDefinition."""

    name: str
    type: str
    json_path: str
    priority: int = 0


AGE = PrinterColumn("Age", "date", ".metadata.creationTimestamp")


@attrs.frozen
class CustomResource:
    """What kubectl needs of a CRD: its names, scope, categories and printer columns."""

    group: str
    version: str
    kind: str
    plural: str
    singular: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    categories: tuple[str, ...] = ()
    columns: tuple[PrinterColumn, ...] = ()


def _rollouts(kind: str, plural: str, short: str, columns: Sequence[PrinterColumn],
              namespaced: bool = True) -> CustomResource:
    return CustomResource("argoproj.io", "v1alpha1", kind, plural, kind.lower(), (short,),
                          namespaced, (), (*columns, AGE))


def _gateway(kind: str, plural: str, short: tuple[str, ...], columns: Sequence[PrinterColumn],
             namespaced: bool = True) -> CustomResource:
    return CustomResource("gateway.networking.k8s.io", "v1", kind, plural, kind.lower(), short,
                          namespaced, ("gateway-api",), tuple(columns))


_STATUS = PrinterColumn("Status", "string", ".status.phase")

KNOWN: tuple[CustomResource, ...] = (
    _rollouts("Rollout", "rollouts", "ro", (
        PrinterColumn("Desired", "integer", ".spec.replicas"),
        PrinterColumn("Current", "integer", ".status.replicas"),
        PrinterColumn("Up-to-date", "integer", ".status.updatedReplicas"),
        PrinterColumn("Available", "integer", ".status.availableReplicas"))),
    _rollouts("AnalysisRun", "analysisruns", "ar", (_STATUS,)),
    _rollouts("AnalysisTemplate", "analysistemplates", "at", ()),
    _rollouts("ClusterAnalysisTemplate", "clusteranalysistemplates", "cat", (), False),
    _rollouts("Experiment", "experiments", "exp", (_STATUS,)),
    CustomResource("flagger.app", "v1beta1", "Canary", "canaries", "canary", (), True, ("all",), (
        PrinterColumn("Status", "string", ".status.phase"),
        PrinterColumn("Weight", "string", ".status.canaryWeight"),
        PrinterColumn("Suspended", "boolean", ".spec.suspend", 1),
        PrinterColumn("FailedChecks", "string", ".status.failedChecks", 1),
        PrinterColumn("Interval", "string", ".spec.analysis.interval", 1),
        PrinterColumn("Mirror", "boolean", ".spec.analysis.mirror", 1),
        PrinterColumn("StepWeight", "string", ".spec.analysis.stepWeight", 1),
        PrinterColumn("StepWeights", "string", ".spec.analysis.stepWeights", 1),
        PrinterColumn("MaxWeight", "string", ".spec.analysis.maxWeight", 1),
        PrinterColumn("LastTransitionTime", "string", ".status.lastTransitionTime"))),
    CustomResource("flagger.app", "v1beta1", "MetricTemplate", "metrictemplates",
                   "metrictemplate", (), True, ("all",),
                   (PrinterColumn("Provider", "string", ".spec.provider.type"),)),
    CustomResource("flagger.app", "v1beta1", "AlertProvider", "alertproviders", "alertprovider",
                   (), True, ("all",), (PrinterColumn("Type", "string", ".spec.type"),)),
    _gateway("GatewayClass", "gatewayclasses", ("gc",), (
        PrinterColumn("Controller", "string", ".spec.controllerName"),
        PrinterColumn("Accepted", "string", '.status.conditions[?(@.type=="Accepted")].status'),
        AGE, PrinterColumn("Description", "string", ".spec.description", 1)), False),
    _gateway("Gateway", "gateways", ("gtw",), (
        PrinterColumn("Class", "string", ".spec.gatewayClassName"),
        PrinterColumn("Address", "string", ".status.addresses[*].value"),
        PrinterColumn("Programmed", "string",
                      '.status.conditions[?(@.type=="Programmed")].status'), AGE)),
    _gateway("HTTPRoute", "httproutes", (), (
        PrinterColumn("Hostnames", "string", ".spec.hostnames"), AGE)),
    _gateway("GRPCRoute", "grpcroutes", (), (
        PrinterColumn("Hostnames", "string", ".spec.hostnames"), AGE)),
    CustomResource("networking.istio.io", "v1", "VirtualService", "virtualservices",
                   "virtualservice", ("vs",), True, ("istio-io", "networking-istio-io"), (
                       PrinterColumn("Gateways", "string", ".spec.gateways"),
                       PrinterColumn("Hosts", "string", ".spec.hosts"), AGE)),
)
KNOWN_BY_KIND: dict[str, CustomResource] = {c.kind: c for c in KNOWN}


def from_definition(crd: Mapping[str, Any]) -> CustomResource | None:
    """A CustomResourceDefinition (apiextensions.k8s.io/v1) as kubectl sees it: the served
    storage version's columns (the first served version when none is stored)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    versions = [v for v in spec.get("versions") or [] if isinstance(v, Mapping)
                and v.get("served", True)]
    if not names.get("kind") or not versions:
        return None
    version = next((v for v in versions if v.get("storage")), versions[0])
    columns = tuple(PrinterColumn(str(c.get("name", "")), str(c.get("type", "string")),
                                  str(c.get("jsonPath", "")), int(c.get("priority") or 0))
                    for c in version.get("additionalPrinterColumns") or []
                    if isinstance(c, Mapping))
    kind = str(names["kind"])
    return CustomResource(str(spec.get("group", "")), str(version.get("name", "")), kind,
                          str(names.get("plural") or kind.lower() + "s"),
                          str(names.get("singular") or kind.lower()),
                          tuple(names.get("shortNames") or ()),
                          spec.get("scope", "Namespaced") != "Cluster",
                          tuple(names.get("categories") or ()), columns)


# -- JSONPath ----------------------------------------------------------------------------------

_STEP = re.compile(r"""\.(?P<field>[A-Za-z0-9_$-]+)|\[(?P<index>-?\d+|\*)\]|\['(?P<key>[^']*)'\]
                   |\[\?\((?P<filter>[^)]*)\)\]""", re.X)
_FILTER = re.compile(r"""@(?P<path>(\.[A-Za-z0-9_-]+)+)\s*(?P<op>==|!=)\s*
                     (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<num>-?\d+(\.\d+)?))""", re.X)


def parse_json_path(path: str) -> list[tuple[str, Any]]:
    """The steps of a printer column's JSONPath; ValueError when it is not one kubefold
    reads (the apiserver rejects such a CRD)."""
    steps, pos = [], 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise ValueError(f"unrecognized column definition {path!r}")
        if m.group("field") is not None:
            steps.append(("field", m.group("field")))
        elif m.group("key") is not None:
            steps.append(("field", m.group("key")))
        elif m.group("index") is not None:
            index = m.group("index")
            steps.append(("all", None) if index == "*" else ("index", int(index)))
        else:
            f = _FILTER.fullmatch(m.group("filter").strip())
            if f is None:
                raise ValueError(f"unrecognized column definition {path!r}")
            literal: Any = f.group("dq") if f.group("dq") is not None else f.group("sq")
            if literal is None:
                literal = json.loads(f.group("num"))
            steps.append(("filter", (f.group("path")[1:].split("."), f.group("op"), literal)))
        pos = m.end()
    return steps


def find_results(data: Any, steps: Sequence[tuple[str, Any]]) -> list[Any]:
    """jsonpath FindResults with missing keys allowed: the values the path reaches."""
    current = [data]
    for op, arg in steps:
        found: list[Any] = []
        for value in current:
            field = op == "field" and isinstance(value, Mapping) and arg in value
            index = op == "index" and isinstance(value, list) and -len(value) <= arg < len(value)
            if field or index:
                found.append(value[arg])
            elif op == "all" and isinstance(value, list):
                found.extend(value)
            elif op == "all" and isinstance(value, Mapping):
                found.extend(value.values())
            elif op == "filter" and isinstance(value, list):
                found.extend(item for item in value if _matches(item, arg))
        current = found
    return current


def _matches(item: Any, condition: tuple[list[str], str, Any]) -> bool:
    path, op, literal = condition
    value: Any = item
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return (value == literal) if op == "==" else (value != literal)


# -- cells -------------------------------------------------------------------------------------


def go_json(value: Any) -> str:
    """encoding/json.Marshal of a decoded JSON value: compact, keys sorted, HTML escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def go_float(value: float) -> str:
    """fmt's %v of a float64: the shortest digits, %e form outside [1e-4, 1e6)."""
    if value != value or value in (float("inf"), float("-inf")):
        return {"inf": "+Inf", "-inf": "-Inf"}.get(repr(value), "NaN")
    if value == 0:
        return "0"
    digits = Decimal(repr(value)).normalize()
    exponent = digits.adjusted()
    if exponent < -4 or exponent >= 6:
        sign, mantissa, _ = digits.as_tuple()
        text = "".join(map(str, mantissa))
        body = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{'-' if sign else ''}{body}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    return format(digits, "f")


def print_result(value: Any) -> str:
    """jsonpath PrintResults of one value: JSON for maps and lists, fmt's %v otherwise."""
    if isinstance(value, Mapping | list):
        return go_json(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def cell_for_json_value(column_type: str, value: Any, now: int) -> str | None:
    """cellForJSONValue: the value as the column's type, None when it does not fit."""
    if value is None:
        return None
    if column_type == "integer" and isinstance(value, int | float) and not isinstance(value,
                                                                                      bool):
        return str(int(value))
    if column_type == "number" and isinstance(value, int | float) and not isinstance(value,
                                                                                     bool):
        return go_float(float(value))
    if column_type == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if column_type == "string" and isinstance(value, str):
        return value
    if column_type == "date" and isinstance(value, str):
        try:
            return human_duration(now - parse_time(value))
        except ValueError:
            return "<invalid>"
    return None


def convert_to_table(resource: CustomResource) -> Printer:
    """tableconvertor.New: a Printer for the CRD's columns (Age alone when none)."""
    definitions = resource.columns or (AGE,)
    paths = [parse_json_path(c.json_path) for c in definitions]

    def cells(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
        row: Cells = [_name(obj)]
        for column, path in zip(definitions, paths, strict=True):
            results = find_results(obj, path)
            if not results:
                row.append(None)
            elif column.type == "string":
                row.append(print_result(results[0]))
            else:
                row.append(cell_for_json_value(column.type, results[0], now))
        return row

    columns = (Column("Name", 0, True), *(Column(c.name, c.priority) for c in definitions))
    return Printer(columns, cells)
