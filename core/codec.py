"""Reading and writing kubefold's files: manifests, snapshots and event logs.

- Manifests and snapshot items decode into the classes of `core/objects.py`; `encode_object`
  writes them back (camelCase outside, snake_case inside).
- A snapshot is a `v1 List` (or a multi-document YAML of objects, or Lists); `dump_snapshot`
  writes one `List` sorted by kind, namespace and name, with sorted keys, so that a dump read
  back and dumped again gives the same text.
- An event log is a YAML stream (one event per document) or JSON Lines (one per line). Each
  event is a mapping with one verb key and an optional `at:`; a Kubernetes object means `apply`
  of it; a watch event (`{"type": ADDED|MODIFIED|DELETED, "object": ...}`) and a kube-apiserver
  audit event (`audit.k8s.io` `Event`) are read too, recognised by their shape.

Every error names the source, the document (YAML) or line (JSON Lines) and the field.

Models: sigs.k8s.io/yaml (YAML read as JSON: timestamps stay strings), kubectl's List output,
audit.k8s.io/v1 Event, watch.Event.
Simplifies: an audit event becomes an event only when it is a successful create, update, patch
(with a response body) or delete of a resource; reads, denied requests and subresources are
skipped and counted.
Covered by: tests/test_codec.py, tests/test_corpus.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import yaml

from kubefold.core.errors import InputError
from kubefold.core.events import (
    HELM_ACTIONS,
    ROLLOUT_ACTIONS,
    VERBS,
    Apply,
    Delete,
    Drain,
    Event,
    Evict,
    Helm,
    MetricSample,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Tick,
    Usage,
)
from kubefold.core.kinds import KINDS, kind_info
from kubefold.core.objects import KObject
from kubefold.core.schema import DecodeError, decode, encode, freeze, parse_time, thaw

# -- YAML ------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: times stay strings, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key as kubectl prints them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _yaml_error(source: str, exc: yaml.YAMLError, doc: int) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    where = f"document {doc}" + (f", line {mark.line + 1}" if mark is not None else "")
    problem = getattr(exc, "problem", None) or str(exc)
    return InputError(source, where, f"malformed YAML: {problem}")


def _documents(text: str, source: str) -> Iterator[tuple[str, Any]]:
    """(where, document) for a YAML stream, a JSON document or JSON Lines."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            yield "document 1", json.loads(text)
            return
        except json.JSONDecodeError:
            pass
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(source, f"line {number}",
                                 f"malformed or truncated JSON: {exc.msg} at column "
                                 f"{exc.colno}") from None
        return
    doc = 0
    try:
        for doc, data in enumerate(yaml.load_all(text, Loader=_Loader), 1):  # noqa: S506
            if data is not None:
                yield f"document {doc}", data
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, doc + 1) from None


# -- objects ---------------------------------------------------------------------------------


def decode_object(data: Any) -> KObject:
    """A manifest mapping to its kind's class; raises DecodeError naming the field."""
    if not isinstance(data, Mapping):
        raise DecodeError("", "expected a Kubernetes object (a mapping)")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise DecodeError("kind", "Object 'Kind' is missing")
    if not isinstance(data.get("apiVersion"), str):
        raise DecodeError("apiVersion", "Object 'apiVersion' is missing")
    cls = kind_info(kind, data["apiVersion"]).cls
    obj: KObject = decode(cls, data)
    return obj


def encode_object(obj: Any) -> dict[str, Any]:
    return encode(obj)


def is_object(data: Any) -> bool:
    return isinstance(data, Mapping) and "apiVersion" in data and "kind" in data


# -- snapshots -------------------------------------------------------------------------------


@attrs.frozen
class Snapshot:
    objects: tuple[KObject, ...]
    latest_time: int | None


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def latest_timestamp(data: Any) -> int | None:
    """The latest RFC 3339 timestamp anywhere in a JSON value."""
    best: int | None = None
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and _RFC3339.match(value):
            t = parse_time(value)
            best = t if best is None or t > best else best
    return best


def _items(data: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(data, Mapping) and data.get("kind") == "List" or (
            isinstance(data, Mapping) and str(data.get("kind", "")).endswith("List")
            and isinstance(data.get("items"), list)):
        for i, item in enumerate(data.get("items") or []):
            yield from _items(item, f"{where}, items[{i}]")
    else:
        yield where, data


def load_snapshot(text: str, source: str) -> Snapshot:
    """Objects of a snapshot (a List, or a stream of objects or Lists) and its latest time."""
    objects = []
    latest: int | None = None
    for where, doc in _documents(text, source):
        for item_where, item in _items(doc, where):
            if not is_object(item):
                raise InputError(source, item_where,
                                 "expected a Kubernetes object with apiVersion and kind")
            try:
                objects.append(decode_object(item))
            except DecodeError as exc:
                raise InputError(source, item_where, str(exc)) from None
            t = latest_timestamp(item)
            if t is not None and (latest is None or t > latest):
                latest = t
    return Snapshot(tuple(objects), latest)


def sort_key(obj: Any) -> tuple[str, str, str]:
    return (obj.kind or "", obj.metadata.namespace or "", obj.metadata.name or "")


def dump_snapshot(objects: Iterable[Any]) -> str:
    """A `v1 List` of the objects, sorted by kind, namespace and name, keys sorted."""
    items = [encode_object(o) for o in sorted(objects, key=sort_key)]
    doc = {"apiVersion": "v1", "items": items, "kind": "List",
           "metadata": {"resourceVersion": ""}}
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=100)


def dump_object(obj: Any) -> str:
    return yaml.dump(encode_object(obj), Dumper=_Dumper, sort_keys=True,
                     default_flow_style=False, allow_unicode=True, width=100)


# -- event logs ------------------------------------------------------------------------------


@attrs.frozen
class Log:
    """A decoded event log: its events and the documents that were skipped, with why."""

    events: tuple[Event, ...]
    skipped: tuple[str, ...] = ()


class _Fields:
    """Reads the fields of one verb's mapping, naming the verb and field in errors."""

    def __init__(self, verb: str, body: Any, origin: str) -> None:
        if not isinstance(body, Mapping):
            raise DecodeError(verb, f"expected a mapping, got {type(body).__name__}")
        self.verb, self.body, self.origin = verb, body, origin
        self.used: set[str] = set()

    def get(self, key: str, kinds: tuple[type, ...], required: bool = False,
            default: Any = None) -> Any:
        self.used.add(key)
        value = self.body.get(key)
        if value is None:
            if required:
                raise DecodeError(f"{self.verb}.{key}", "required field is missing")
            return default
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise DecodeError(f"{self.verb}.{key}", f"expected {names}, got {value!r}")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.body) - self.used)
        if unknown:
            raise DecodeError(f"{self.verb}.{unknown[0]}", "unknown field")


def _decode_verb(verb: str, body: Any, at: int | None, origin: str) -> Event:
    if verb == "apply":
        if not isinstance(body, Mapping):
            raise DecodeError("apply", "expected a Kubernetes object")
        return _apply(body, at, origin)
    if verb == "tick":
        if isinstance(body, bool) or not isinstance(body, int) or body < 0:
            raise DecodeError("tick", f"expected a whole number of seconds >= 0, got {body!r}")
        return Tick(body, at=at, origin=origin)
    f = _Fields(verb, body, origin)
    event: Event
    if verb == "delete":
        event = Delete(f.get("kind", (str,), True), f.get("name", (str,), True),
                       f.get("namespace", (str,)), f.get("propagationPolicy", (str,)),
                       f.get("gracePeriodSeconds", (int,)), at=at, origin=origin)
    elif verb == "scale":
        event = Scale(f.get("kind", (str,), True), f.get("name", (str,), True),
                      f.get("replicas", (int,), True), f.get("namespace", (str,)),
                      at=at, origin=origin)
    elif verb == "rollout":
        action = f.get("action", (str,), True)
        if action not in ROLLOUT_ACTIONS:
            raise DecodeError("rollout.action",
                              f"unknown action {action!r}; expected one of "
                              f"{', '.join(ROLLOUT_ACTIONS)}")
        event = Rollout(action, f.get("kind", (str,), True), f.get("name", (str,), True),
                        f.get("namespace", (str,)), f.get("toRevision", (int,)),
                        f.get("full", (bool,)) or None, at=at, origin=origin)
    elif verb == "evict":
        event = Evict(f.get("namespace", (str,), default="default"),
                      f.get("name", (str,), True), at=at, origin=origin)
    elif verb == "drain":
        event = Drain(f.get("node", (str,), True), at=at, origin=origin)
    elif verb == "node":
        event = NodeHealth(f.get("name", (str,), True), f.get("ready", (bool,), True),
                           at=at, origin=origin)
    elif verb == "usage":
        event = _usage(f, at, origin)
    elif verb == "metric":
        event = _metric(f, at, origin)
    elif verb == "helm":
        event = _helm(f, at, origin)
    elif verb == "pod":
        event = PodEvent(f.get("namespace", (str,), default="default"),
                         f.get("name", (str,), True), f.get("container", (str,)),
                         f.get("exit", (int,)), f.get("ready", (bool,)), at=at, origin=origin)
    else:
        event = Reconcile(f.get("controller", (str,), True), f.get("key", (str,), True),
                          at=at, origin=origin)
    f.done()
    return event


def _usage(f: _Fields, at: int | None, origin: str) -> Usage:
    """`usage:`: the shape is checked here; quantities and the pods are checked by the world's
    handler, which rejects a bad sample without stopping the replay."""
    scalar = (str, int, float)
    return Usage(f.get("namespace", (str,), default="default"), f.get("pod", (str,)),
                 freeze(f.get("selector", (Mapping,))), f.get("cpu", scalar),
                 f.get("memory", scalar), freeze(f.get("containers", (Mapping,))),
                 at=at, origin=origin)


def _metric(f: _Fields, at: int | None, origin: str) -> MetricSample:
    """`metric:`: the value is kept as written (the handler rejects one that is not a number
    or a list of numbers, or is negative)."""
    f.used.add("value")
    if f.body.get("value") is None:
        raise DecodeError("metric.value", "required field is missing")
    return MetricSample(f.get("name", (str,), True), freeze(f.body["value"]),
                        f.get("namespace", (str,)), f.get("pod", (str,)),
                        freeze(f.get("selector", (Mapping,))), freeze(f.get("object", (Mapping,))),
                        freeze(f.get("labels", (Mapping,))), at=at, origin=origin)
def _helm(f: _Fields, at: int | None, origin: str) -> Helm:
    """`helm: {action, release, namespace, chart, values, version, repo, revision, atomic, wait,
    timeout, historyMax, keepHistory}`; what each action needs is checked here."""
    action = f.get("action", (str,), True)
    if action not in HELM_ACTIONS:
        raise DecodeError("helm.action", f"unknown action {action!r}; expected one of "
                                         f"{', '.join(HELM_ACTIONS)}")
    values = f.get("values", (Mapping,))
    event = Helm(action, f.get("release", (str,), True),
                 f.get("namespace", (str,), default="default"),
                 f.get("chart", (str,), action in ("install", "upgrade")),
                 None if values is None else freeze(values), f.get("version", (str, int, float)),
                 f.get("repo", (str,)), f.get("revision", (int,)),
                 f.get("atomic", (bool,), default=False), f.get("wait", (bool,), default=False),
                 f.get("timeout", (int,)), f.get("historyMax", (int,)),
                 f.get("keepHistory", (bool,), default=False), at=at, origin=origin)
    if event.version is not None and not isinstance(event.version, str):
        event = attrs.evolve(event, version=str(event.version))
    for name, value in (("timeout", event.timeout), ("historyMax", event.history_max),
                        ("revision", event.revision)):
        if value is not None and value < 0:
            raise DecodeError(f"helm.{name}", f"expected a whole number >= 0, got {value}")
    return event


def _apply(body: Mapping[str, Any], at: int | None, origin: str) -> Apply:
    """An apply of a manifest; one that does not decode is kept raw, for the API server to
    reject with a BadRequest naming the field (as kube-apiserver rejects a bad body)."""
    try:
        return Apply(decode_object(body), at=at, origin=origin)
    except DecodeError:
        return Apply(freeze(body), at=at, origin=origin)


SERVER_SET_METADATA = ("resourceVersion", "uid", "creationTimestamp", "generation",
                       "managedFields", "selfLink", "deletionTimestamp",
                       "deletionGracePeriodSeconds")


def _as_request(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded object (from a watch or a response) as a client would send it: without the
    metadata the server sets, which would otherwise read as a stale resourceVersion."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items()
            if k not in SERVER_SET_METADATA}
    return {**obj, "metadata": meta}


def _watch_event(doc: Mapping[str, Any], origin: str) -> Event | None:
    kind = doc["type"]
    obj: Any = doc.get("object")
    if kind in ("BOOKMARK", "ERROR"):
        return None
    if not is_object(obj):
        raise DecodeError("object", "a watch event needs an object with apiVersion and kind")
    if kind == "DELETED":
        meta = obj.get("metadata") or {}
        return Delete(obj["kind"], meta.get("name", ""), meta.get("namespace"), origin=origin)
    return _apply(_as_request(obj), None, origin)


_RESOURCE_KINDS = {info.resource: info.kind for info in KINDS.values()}


def _audit_event(doc: Mapping[str, Any], origin: str) -> tuple[Event | None, str]:
    """An audit event as a kubefold event, or None and why it was skipped."""
    verb = doc.get("verb")
    ref = doc.get("objectRef") or {}
    code = (doc.get("responseStatus") or {}).get("code", 200)
    if verb not in ("create", "update", "patch", "delete"):
        return None, f"audit verb {verb!r} changes nothing"
    if not isinstance(ref, Mapping) or not ref.get("resource") or ref.get("subresource"):
        return None, "audit event without a resource, or on a subresource"
    if isinstance(code, int) and code >= 300:
        return None, f"the request failed with code {code}"
    if verb == "delete":
        kind = _RESOURCE_KINDS.get(ref["resource"])
        if kind is None:
            return None, f"unknown resource {ref['resource']!r}"
        return Delete(kind, ref.get("name", ""), ref.get("namespace"), origin=origin), ""
    body: Any = doc.get("responseObject") if verb == "patch" else doc.get("requestObject")
    if not is_object(body):
        body = doc.get("responseObject")
    if not is_object(body):
        return None, f"audit {verb} without an object body (level {doc.get('level')})"
    body = _as_request(body)
    if ref.get("namespace") and not (body.get("metadata") or {}).get("namespace"):
        body["metadata"] = {**(body.get("metadata") or {}), "namespace": ref["namespace"]}
    return _apply(body, None, origin), ""


def _is_audit(doc: Mapping[str, Any]) -> bool:
    return "auditID" in doc or str(doc.get("apiVersion", "")).startswith("audit.k8s.io")


def _is_watch(doc: Mapping[str, Any]) -> bool:
    return set(doc) <= {"type", "object"} and doc.get("type") in (
        "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")


def _at(doc: Mapping[str, Any]) -> int | None:
    at = doc.get("at")
    if at is None:
        return None
    if isinstance(at, float) and at.is_integer():
        at = int(at)
    if isinstance(at, bool) or not isinstance(at, int) or at < 0:
        raise DecodeError("at", f"expected a whole number of seconds >= 0, got {at!r}")
    return at


def decode_document(doc: Any, origin: str) -> tuple[list[Event], str]:
    """The events one log document stands for, or none and why it was skipped."""
    if not isinstance(doc, Mapping):
        raise DecodeError("", f"expected a mapping with one verb key, got {type(doc).__name__}")
    if _is_audit(doc):
        event, why = _audit_event(doc, origin)
        return ([event] if event else []), why
    if _is_watch(doc):
        watched = _watch_event(doc, origin)
        return ([watched] if watched else []), "watch bookmark or error"
    if "kind" in doc and not isinstance(doc.get("kind"), str):
        raise DecodeError("kind", f"expected a string, got {doc['kind']!r}")
    if is_object(doc):
        if doc["kind"] == "List" or (str(doc["kind"]).endswith("List") and "items" in doc):
            return [_apply(item, None, f"{origin}, items[{i}]")
                    for i, item in enumerate(doc.get("items") or [])], ""
        return [_apply(doc, None, origin)], ""
    verbs = [k for k in doc if k != "at"]
    if len(verbs) != 1:
        found = ", ".join(map(str, verbs)) or "none"
        raise DecodeError("", f"an event has exactly one verb key ({', '.join(VERBS)}); "
                              f"found {found}")
    verb = str(verbs[0])
    if verb not in VERBS:
        raise DecodeError(verb, f"unknown verb {verb!r}; expected one of {', '.join(VERBS)}")
    return [_decode_verb(verb, doc[verb], _at(doc), origin)], ""


def decode_log(text: str, source: str) -> Log:
    """Every event of a log, with `at:` checked to be non-decreasing."""
    events: list[Event] = []
    skipped: list[str] = []
    last_at = 0
    for where, doc in _documents(text, source):
        origin = f"{source}: {where}"
        try:
            decoded, why = decode_document(doc, origin)
        except DecodeError as exc:
            raise InputError(source, where, str(exc)) from None
        if not decoded and why:
            skipped.append(f"{origin}: {why}")
        for event in decoded:
            if event.at is not None:
                if event.at < last_at:
                    raise InputError(source, where, f"at: {event.at} is earlier than the "
                                                    f"previous event's at: {last_at}")
                last_at = event.at
            events.append(event)
    return Log(tuple(events), tuple(skipped))


def encode_event(event: Event) -> dict[str, Any]:
    """An event as a log document (the inverse of `decode_document` for kubefold's verbs)."""
    doc: dict[str, Any]
    if isinstance(event, Apply):
        obj = event.object
        doc = {"apply": encode_object(obj) if hasattr(obj, "metadata") else thaw(obj)}
    elif isinstance(event, Tick):
        doc = {"tick": event.seconds}
    else:
        verb, fields = _EVENT_FIELDS[type(event)]
        body = {json_key: thaw(getattr(event, attr)) for attr, json_key in fields}
        doc = {verb: {k: v for k, v in body.items()
                      if v is not None and not (v is False and isinstance(event, Helm))}}
    if event.at is not None:
        doc = {"at": event.at, **doc}
    return doc


_EVENT_FIELDS: dict[type, tuple[str, tuple[tuple[str, str], ...]]] = {
    Delete: ("delete", (("kind", "kind"), ("namespace", "namespace"), ("name", "name"),
                        ("propagation_policy", "propagationPolicy"),
                        ("grace_period_seconds", "gracePeriodSeconds"))),
    Scale: ("scale", (("kind", "kind"), ("namespace", "namespace"), ("name", "name"),
                      ("replicas", "replicas"))),
    Rollout: ("rollout", (("action", "action"), ("kind", "kind"), ("namespace", "namespace"),
                          ("name", "name"), ("to_revision", "toRevision"), ("full", "full"))),
    NodeHealth: ("node", (("name", "name"), ("ready", "ready"))),
    PodEvent: ("pod", (("namespace", "namespace"), ("name", "name"), ("container", "container"),
                       ("exit", "exit"), ("ready", "ready"))),
    Reconcile: ("reconcile", (("controller", "controller"), ("key", "key"))),
    Evict: ("evict", (("namespace", "namespace"), ("name", "name"))),
    Drain: ("drain", (("node", "node"),)),
    Usage: ("usage", (("namespace", "namespace"), ("pod", "pod"), ("selector", "selector"),
                      ("cpu", "cpu"), ("memory", "memory"), ("containers", "containers"))),
    MetricSample: ("metric", (("name", "name"), ("value", "value"), ("namespace", "namespace"),
                              ("pod", "pod"), ("selector", "selector"), ("object", "object"),
                              ("labels", "labels"))),
    Helm: ("helm", (("action", "action"), ("release", "release"), ("namespace", "namespace"),
                    ("chart", "chart"), ("values", "values"), ("version", "version"),
                    ("repo", "repo"), ("revision", "revision"), ("atomic", "atomic"),
                    ("wait", "wait"), ("timeout", "timeout"), ("history_max", "historyMax"),
                    ("keep_history", "keepHistory"))),
}


def _sorted(value: Any) -> Any:
    """Mappings with their keys sorted, at every depth: the same text whatever order the
    process's hash seed gave the persistent maps."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def dump_log(events: Iterable[Event], header: str = "") -> str:
    """Events as a YAML stream that `decode_log` reads back to the same events; each event's
    verb first, the keys within sorted (the same events give the same text)."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    docs = [{verb: _sorted(value) for verb, value in encode_event(e).items()} for e in events]
    body = yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False,
                         default_flow_style=False, allow_unicode=True, width=100)
    return comment + body
