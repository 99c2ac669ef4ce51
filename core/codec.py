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
import sys
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
    Settle,
    Tick,
    Usage,
)
from kubefold.core.kinds import KINDS, kind_info
from kubefold.core.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_EVENTS, MAX_WAKEUPS
from kubefold.core.objects import SHAPES, GenericObject, KObject
from kubefold.core.schema import (
    MAX_TIME,
    MIN_TIME,
    DecodeError,
    check_finite,
    decode,
    encode,
    freeze,
    json_number,
    parse_time,
    thaw,
)

# -- YAML ------------------------------------------------------------------------------------


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader (libyaml's when installed) without the timestamp resolver: times stay
    strings, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's emitter (about 10x faster than PyYAML's own) with the same representer, where
# PyYAML was built with it.
_FastDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_FastDumper):  # type: ignore[misc,valid-type]
    """Block style; a list under a key starts at the key's column, as kubectl (go-yaml)
    prints it."""


def _yaml_error(source: str, exc: yaml.YAMLError, doc: int) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    where = f"document {doc}" + (f", line {mark.line + 1}" if mark is not None else "")
    problem = getattr(exc, "problem", None) or str(exc)
    if "nesting depth" in problem:  # libyaml's own bound, deeper than MAX_DEPTH
        return InputError(source, where, f"nesting deeper than {MAX_DEPTH} levels")
    return InputError(source, where, f"malformed YAML: {problem}")


_DIGITS_LIMIT = sys.int_info.default_max_str_digits or 4300


def _too_long_integer(source: str, where: str) -> InputError:
    return InputError(source, where, f"an integer longer than {_DIGITS_LIMIT} digits")


def _check_yaml_events(text: str, source: str) -> None:
    """Walk the parser's events (no node is built) and refuse, naming the document and line:
    nesting deeper than MAX_DEPTH, an alias to an anchor still open (a recursive structure),
    and aliases that would add more than MAX_ALIAS_NODES nodes when expanded."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [anchor, size so far] per open collection
    doc, added = 0, 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            line = f"document {doc}" + (f", line {mark.line + 1}" if mark is not None else "")
            if isinstance(event, yaml.DocumentStartEvent):
                doc, added, sizes = doc + 1, 0, {}
            elif isinstance(event, yaml.CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) > MAX_DEPTH:
                    raise InputError(source, line, f"nesting deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = stack.pop()
                if anchor is not None:
                    sizes[anchor] = size
                if stack:
                    stack[-1][1] += size
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in sizes:
                    if any(a == event.anchor for a, _ in stack):
                        raise InputError(source, line, f"recursive YAML alias *{event.anchor}")
                    continue  # undefined: the loader reports it
                added += sizes[event.anchor]
                if added > MAX_ALIAS_NODES:
                    raise InputError(source, line, "YAML aliases expand to more than "
                                     f"{MAX_ALIAS_NODES} nodes (a \"billion laughs\")")
                if stack:
                    stack[-1][1] += sizes[event.anchor]
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                if stack:
                    stack[-1][1] += 1
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, max(doc, 1)) from None


def _go_key(key: Any, source: str, where: str, path: str) -> str:
    """A mapping key as sigs.k8s.io/yaml turns it into a JSON key."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return json_number(key)
    raise InputError(source, where, f"unsupported map key of type {type(key).__name__} at "
                                    f"{path or 'the top'}: JSON keys are strings")


def _plain(data: Any, source: str, where: str) -> Any:
    """Check and normalise one loaded document into JSON values, without recursion: keys
    become strings, nesting stays within MAX_DEPTH, strings hold no lone surrogate, and
    values that JSON cannot hold (binary, sets, timestamps from explicit tags) are refused."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, str, int]] = [(data, root, 0, "", 0)]
    while stack:
        value, parent, slot, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, where, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            out: Any = {}
            for k, v in value.items():
                key = _go_key(k, source, where, path)
                _check_text(key, source, where, path)
                stack.append((v, out, key, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            out = [None] * len(value)
            stack.extend((v, out, i, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, source, where, path)
            out = value
        elif value is None or isinstance(value, bool | int | float):
            out = value
        else:
            raise InputError(source, where, f"unsupported YAML value of type "
                             f"{type(value).__name__} at {path or 'the top'} (kubefold reads "
                             "YAML as JSON: no binary, set or timestamp tags)")
        parent[slot] = out
    return root[0]


def _check_text(text: str, source: str, where: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise InputError(source, where, f"a lone surrogate \\u{code:04x} in a string at "
                                        f"{path or 'the top'}") from None


def _json(text: str, source: str, where: str) -> Any:
    """One JSON value, limits checked (digits, depth); JSONDecodeError passes through."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(source, where, f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise _too_long_integer(source, where) from None


def _json_lines(text: str, source: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            yield where, _plain(_json(line, source, where), source, where)
        except json.JSONDecodeError as exc:
            raise InputError(source, where, f"malformed or truncated JSON: {exc.msg} at "
                                            f"column {exc.colno}") from None


def _is_json(text: str, source: str) -> bool:
    """Whether the first non-blank line is a JSON value of its own (JSON or JSON Lines);
    otherwise the text is YAML (a flow mapping such as `{tick: 30}` included)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        _json(first, source, "line 1")
    except json.JSONDecodeError:
        return False
    return True


def _documents(text: str, source: str) -> Iterator[tuple[str, Any]]:
    """(where, document) for a YAML stream, a JSON document or JSON Lines, each checked
    against the limits of core/limits.py and normalised to JSON values."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        try:
            whole = _json(text, source, "document 1")
        except json.JSONDecodeError:
            pass
        else:
            yield "document 1", _plain(whole, source, "document 1")
            return
        if _is_json(text, source):
            yield from _json_lines(text, source)
            return
    _check_yaml_events(text, source)
    doc = 0
    try:
        for doc, data in enumerate(yaml.load_all(text, Loader=_Loader), 1):  # noqa: S506
            if data is not None:
                yield f"document {doc}", _plain(data, source, f"document {doc}")
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc, doc + 1) from None
    except ValueError as exc:  # int() past the digit limit, inside the constructor
        if "digits" not in str(exc):
            raise InputError(source, f"document {doc + 1}", f"malformed YAML: {exc}") from None
        raise _too_long_integer(source, f"document {doc + 1}") from None
    except RecursionError:
        raise InputError(source, f"document {doc + 1}",
                         f"nesting deeper than {MAX_DEPTH} levels") from None


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
    check_finite(data)
    cls = kind_info(kind, data["apiVersion"]).cls
    shape = SHAPES.get(kind)
    if shape is not None and cls is GenericObject:
        decode(shape, data)  # checked as Go decodes it; kept as a GenericObject
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
    places: tuple[str, ...] = ()  # where each object was read: `document 1, items[3]`


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
            try:
                t = parse_time(value)
            except ValueError:
                continue  # not a time after all (month 13): the field's codec says so
            best = t if best is None or t > best else best
    return best


def _items(data: Any, source: str, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(data, Mapping) and data.get("kind") == "List" or (
            isinstance(data, Mapping) and str(data.get("kind", "")).endswith("List")
            and isinstance(data.get("items"), list)):
        items = data.get("items")
        if items is not None and not isinstance(items, list):
            raise InputError(source, where, f"items: expected a list of objects, got "
                                            f"{type(items).__name__}")
        for i, item in enumerate(items or []):
            yield from _items(item, source, f"{where}, items[{i}]")
    else:
        yield where, data


def load_snapshot(text: str, source: str) -> Snapshot:
    """Objects of a snapshot (a List, or a stream of objects or Lists) and its latest time."""
    objects = []
    places = []
    latest: int | None = None
    for where, doc in _documents(text, source):
        for item_where, item in _items(doc, source, where):
            if not is_object(item):
                raise InputError(source, item_where,
                                 "expected a Kubernetes object with apiVersion and kind")
            try:
                objects.append(decode_object(item))
            except DecodeError as exc:
                raise InputError(source, item_where, f"{_identity(item)}: {exc}") from None
            places.append(item_where)
            t = latest_timestamp(item)
            if t is not None and (latest is None or t > latest):
                latest = t
    return Snapshot(tuple(objects), latest, tuple(places))


def _identity(item: Mapping[str, Any]) -> str:
    """`Deployment default/web` for a raw item, as far as it says."""
    meta = item.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    ns, name = meta.get("namespace"), meta.get("name")
    ref = f"{ns}/{name}" if isinstance(ns, str) and ns else str(name or "(no name)")
    return f"{item.get('kind')} {ref}"


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
        return Tick(_seconds("tick", body), at=at, origin=origin)
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
        code = f.get("exit", (int,))
        if code is not None and not -(2**31) <= code < 2**31:
            raise DecodeError("pod.exit", f"an exit code is an int32, got {code}")
        event = PodEvent(f.get("namespace", (str,), default="default"),
                         f.get("name", (str,), True), f.get("container", (str,)),
                         code, f.get("ready", (bool,)), at=at, origin=origin)
    elif verb == "settle":
        wakeups = f.get("wakeups", (int,), default=200)
        if not 1 <= wakeups <= MAX_WAKEUPS:
            raise DecodeError("settle.wakeups", f"expected 1 to {MAX_WAKEUPS}, got {wakeups}")
        event = Settle(wakeups, at=at, origin=origin)
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
    metadata = obj.get("metadata")
    if not isinstance(metadata, Mapping):
        return dict(obj)  # the API server rejects it, naming the field
    meta = {k: v for k, v in metadata.items() if k not in SERVER_SET_METADATA}
    return {**obj, "metadata": meta}


def _watch_event(doc: Mapping[str, Any], origin: str) -> Event | None:
    kind = doc["type"]
    obj: Any = doc.get("object")
    if kind in ("BOOKMARK", "ERROR"):
        return None
    if not is_object(obj):
        raise DecodeError("object", "a watch event needs an object with apiVersion and kind")
    if kind == "DELETED":
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, Mapping) else None
        namespace = meta.get("namespace") if isinstance(meta, Mapping) else None
        if not isinstance(obj["kind"], str) or not isinstance(name, str) or \
                not isinstance(namespace, str | None):
            raise DecodeError("object", "a DELETED watch event needs an object with a kind, "
                                        "a metadata.name and (or no) metadata.namespace")
        return Delete(obj["kind"], name, namespace, origin=origin)
    return _apply(_as_request(obj), None, origin)


_RESOURCE_KINDS = {info.resource: info.kind for info in KINDS.values()}


def _audit_event(doc: Mapping[str, Any], origin: str) -> tuple[Event | None, str]:
    """An audit event as a kubefold event, or None and why it was skipped."""
    verb = doc.get("verb")
    ref = doc.get("objectRef") or {}
    status = doc.get("responseStatus")
    code = status.get("code", 200) if isinstance(status, Mapping) else 200
    if verb not in ("create", "update", "patch", "delete"):
        return None, f"audit verb {verb!r} changes nothing"
    if not isinstance(ref, Mapping) or not isinstance(ref.get("resource"), str) or \
            not ref.get("resource") or ref.get("subresource"):
        return None, "audit event without a resource, or on a subresource"
    if isinstance(code, int) and not isinstance(code, bool) and code >= 300:
        return None, f"the request failed with code {code}"
    if verb == "delete":
        kind = _RESOURCE_KINDS.get(ref["resource"])
        name, namespace = ref.get("name", ""), ref.get("namespace")
        if kind is None:
            return None, f"unknown resource {ref['resource']!r}"
        if not isinstance(name, str) or not isinstance(namespace, str | None):
            return None, "audit delete without a name"
        return Delete(kind, name, namespace, origin=origin), ""
    body: Any = doc.get("responseObject") if verb == "patch" else doc.get("requestObject")
    if not is_object(body):
        body = doc.get("responseObject")
    if not is_object(body):
        return None, f"audit {verb} without an object body (level {doc.get('level')})"
    body = _as_request(body)
    meta = body.get("metadata")
    if isinstance(ref.get("namespace"), str) and ref["namespace"] and \
            isinstance(meta, Mapping | None) and not (meta or {}).get("namespace"):
        body["metadata"] = {**(meta or {}), "namespace": ref["namespace"]}
    return _apply(body, None, origin), ""


def _is_audit(doc: Mapping[str, Any]) -> bool:
    return "auditID" in doc or str(doc.get("apiVersion", "")).startswith("audit.k8s.io")


def _is_watch(doc: Mapping[str, Any]) -> bool:
    return set(doc) <= {"type", "object"} and doc.get("type") in (
        "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")


MAX_SECONDS = MAX_TIME - MIN_TIME  # no clock can move further and stay within RFC 3339


def _seconds(key: str, value: Any) -> int:
    """A whole number of seconds >= 0 (`tick:`, `at:`) that no clock can move past year
    9999 by more than the whole range of RFC 3339 times."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DecodeError(key, f"expected a whole number of seconds >= 0, got {value!r}")
    if value > MAX_SECONDS:
        raise DecodeError(key, f"{value} seconds would move the clock past year 9999, the "
                               "last time RFC 3339 can write")
    return value


def _at(doc: Mapping[str, Any]) -> int | None:
    at = doc.get("at")
    return None if at is None else _seconds("at", at)


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
        if len(events) + len(decoded) > MAX_EVENTS:
            raise InputError(source, where, f"more than {MAX_EVENTS} events: kubefold replays "
                                            f"at most {MAX_EVENTS} (see the README's Limits)")
        for event in decoded:
            if event.at is not None:
                if event.at < last_at:
                    raise InputError(source, where, f"at: {event.at} is earlier than the "
                                                    f"previous event's at: {last_at}")
                last_at = event.at
            events.append(event)
    return Log(tuple(events), tuple(skipped))


def check_clock(events: Iterable[Event], start: int, now: int) -> None:
    """Refuse (InputError naming the event's file and document) a log whose `at:` and `tick:`
    would move a clock that starts at `start` and stands at `now` past year 9999."""
    for event in events:
        if event.at is not None:
            now = max(now, start + event.at)
        if isinstance(event, Tick):
            now += event.seconds
        if now > MAX_TIME:
            source, _, where = event.origin.partition(": ")
            raise InputError(source or "log", where, "the clock would pass year 9999 (the "
                             "last time RFC 3339 can write)")


def encode_event(event: Event) -> dict[str, Any]:
    """An event as a log document (the inverse of `decode_document` for kubefold's verbs)."""
    doc: dict[str, Any]
    if isinstance(event, Apply):
        obj = event.object
        doc = {"apply": thaw(obj) if isinstance(obj, Mapping) else encode_object(obj)}
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
    Settle: ("settle", (("wakeups", "wakeups"),)),
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
