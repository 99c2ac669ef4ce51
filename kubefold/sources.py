"""Every real input read: snapshots merged from several files, directories and standard input;
event logs of every shape kubefold knows, SimKube traces (JSON and msgpack `.sktrace`) among
them; times taken from the records themselves; unreadable records skipped under --keep-going;
and what will surprise, said at load time.

This module is the shell's reader. It leaves `core/codec.py` (the decoding of one document) as
it is and builds on its public functions: `load_snapshot` for a snapshot file's objects and
`decode_document` for one log document.

- **Snapshots** (`load_snapshots`): each `--from` is a file, a directory (every `.json`,
  `.yaml` and `.yml` file under it, sorted; files that are not Kubernetes objects or Lists are
  skipped with a note, as Sonobuoy's `serverversion.json`) or `-` for standard input. Objects
  with the same identity (kind, namespace, name) in two places must be equal, or loading stops
  with an error naming both places. The clock starts at the latest timestamp of all of them.
- **Event logs** (`read_log`): a SimKube trace (version 2: `{"version", "config", "events":
  [{"ts", "applied_objs", "deleted_objs"}], "index", "pod_lifecycles"}`, in JSON or msgpack) is
  read as sk-driver replays it: before the first object of a namespace, that namespace is
  created; each applied object is applied without its `status`; each deleted object deleted;
  each at its `ts`. A bare pod's `Finished` lifecycle becomes a `pod: {exit: 0}` event at its
  end time. Every other log goes document by document through `codec.decode_document`.
- **Times**: a SimKube event's `ts`; a watch event's object's metadata (`creationTimestamp`
  for ADDED, `deletionTimestamp` for DELETED, the latest `managedFields[].time` for MODIFIED,
  falling back to the latest of these). A watch stream with none of them says so in a note.
  Times are absolute (epoch seconds) here; `place_in_time` turns them into `at:` offsets from
  the cluster's clock.
- **--keep-going**: a record that cannot be read (malformed JSON or YAML, an unknown verb, a
  bad field) is skipped and named (file, line or document, what is wrong) instead of ending
  the replay.

Models: SimKube's trace format v2 (acrlabs/simkube sk-core/src/trace/mod.rs `Trace`,
event.rs `TraceEvent`, sk-driver/src/runner.rs `run_trace_internal`: virtual namespaces
created on first use, `/status` removed, 404 on delete ignored, pod lifecycles
`{"Running": ts}` / `{"Finished": [start, end]}`).
Simplifies:
- SimKube's virtual namespace prefix (`virtual-`) is not added: objects keep their namespaces.
- Only bare pods' lifecycles are replayed (their names are known); the lifecycles of pods a
  controller owns (keyed by the owner and a hash of the pod spec) are counted in a note.
- A YAML stream read with --keep-going is split at `---` lines to find the unreadable document.
Covered by: tests/test_sources.py, tests/test_corpus_replay.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from kubefold.core import codec
from kubefold.core.cluster import BOOTSTRAP_NAMESPACES
from kubefold.core.errors import InputError
from kubefold.core.events import Apply, Delete, Event, PodEvent
from kubefold.core.limits import MAX_EVENTS
from kubefold.core.objects import KObject
from kubefold.core.schema import DecodeError, parse_time
from kubefold.reducers import apiserver

SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")
STDIN = "-"


# -- snapshots -------------------------------------------------------------------------------


@attrs.frozen
class Snapshots:
    """Objects merged from every `--from`, the latest time found, and notes on what was
    skipped (files in a directory that hold no Kubernetes objects)."""

    objects: tuple[KObject, ...]
    latest_time: int | None
    notes: tuple[str, ...] = ()


def _read_bytes(path: str) -> bytes:
    if path == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "", "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, "", exc.strerror or str(exc)) from None


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"byte {exc.start}", "not UTF-8 text") from None


def snapshot_files(path: str) -> list[str]:
    """The files a `--from` names: itself, or every snapshot file under a directory."""
    if path == STDIN:
        return [STDIN]
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*") if f.is_file()
                       and f.suffix.lower() in SNAPSHOT_SUFFIXES)
        if not files:
            raise InputError(path, "", "a directory with no .json, .yaml or .yml file")
        return files
    return [path]


def _holds_objects(text: str) -> bool:
    """Whether a file in a directory is a snapshot (its first document an object or List)."""
    try:
        first = next(iter(codec._documents(text, "")), None)
    except InputError:
        return True  # let the real load report the error
    return first is None or codec.is_object(first[1])


def load_snapshots(paths: Iterable[str]) -> Snapshots:
    """Every object of every snapshot named, merged into one set; an error names both places
    when two different objects share an identity."""
    seen: dict[tuple[str, str, str], tuple[KObject, str]] = {}
    latest: int | None = None
    notes: list[str] = []
    for given in paths:
        in_dir = given != STDIN and Path(given).is_dir()
        for path in snapshot_files(given):
            text = _text(_read_bytes(path), path)
            if in_dir and not _holds_objects(text):
                notes.append(f"{path}: skipped, not a Kubernetes object or List")
                continue
            where = "<stdin>" if path == STDIN else path
            snap = codec.load_snapshot(text, where)
            for index, problem in apiserver.restore_problems(snap.objects)[:1]:
                place = snap.places[index] if index < len(snap.places) else f"item {index}"
                raise InputError(where, place, problem)
            if snap.latest_time is not None and (latest is None or snap.latest_time > latest):
                latest = snap.latest_time
            for obj in snap.objects:
                key = codec.sort_key(obj)
                before = seen.get(key)
                if before is not None and before[0] != obj:
                    ns = f"{key[1]}/" if key[1] else ""
                    raise InputError(path, "", f"{key[0]} {ns}{key[2]} is also in {before[1]} "
                                     "with different content; a merged state holds one object "
                                     "per identity")
                seen.setdefault(key, (obj, path))
    return Snapshots(tuple(obj for obj, _ in seen.values()), latest, tuple(notes))


# -- load-time warnings ----------------------------------------------------------------------


def load_warnings(objects: Iterable[Any]) -> list[str]:
    """One line per kind of surprise in a loaded state, counted, with a few examples: objects
    whose owners are absent (the garbage collector will delete them), pods in namespaces the
    snapshot lacks, nodes without capacity."""
    objects = list(objects)
    uids = {o.metadata.uid for o in objects if o.metadata.uid}
    namespaces = {o.metadata.name for o in objects if o.kind == "Namespace"}
    namespaces.update(BOOTSTRAP_NAMESPACES)
    orphans, homeless, empty = [], [], []
    for o in objects:
        ref = _ref(o)
        owners = [r for r in o.metadata.owner_references if r.uid and r.uid not in uids]
        if owners and len(owners) == len(o.metadata.owner_references):
            orphans.append(f"{ref} (owner {owners[0].kind} {owners[0].name})")
        if o.kind == "Pod" and (o.metadata.namespace or "default") not in namespaces:
            homeless.append(ref)
        if o.kind == "Node" and not (o.status.capacity or o.status.allocatable):
            empty.append(ref)
    lines = []
    if orphans:
        lines.append(f"warning: {len(orphans)} object(s) whose owners are absent (the garbage "
                     f"collector will delete them): {_some(orphans)}")
    if homeless:
        missing = sorted({r.split(' ')[1].split('/')[0] for r in homeless})
        lines.append(f"warning: {len(homeless)} pod(s) in namespaces the snapshot lacks "
                     f"({', '.join(missing)}): {_some(homeless)}")
    if empty:
        lines.append(f"warning: {len(empty)} node(s) without capacity (nothing can be "
                     f"scheduled there): {_some(empty)}")
    return lines


def _ref(o: Any) -> str:
    ns = f"{o.metadata.namespace}/" if o.metadata.namespace else ""
    return f"{o.kind} {ns}{o.metadata.name}"


def _some(items: list[str], shown: int = 3) -> str:
    more = f", and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


# -- event logs ------------------------------------------------------------------------------


@attrs.frozen
class Source:
    """One log as read: its events, the absolute time of each (None where the record has
    none), the entries skipped because they change nothing, the unreadable records skipped
    under --keep-going, and notes on how times were found."""

    path: str
    events: tuple[Event, ...]
    times: tuple[int | None, ...]
    skipped: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def start(self) -> int | None:
        return next((t for t in self.times if t is not None), None)


class _Unreadable(Exception):
    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


def read_log(path: str, keep_going: bool = False) -> Source:
    """A log file (or `-`) as a Source; without `keep_going` the first unreadable record
    raises InputError naming the file, the line or document and what is wrong."""
    source = "<stdin>" if path == STDIN else path
    data = _read_bytes(path)
    trace = _simkube_trace(data, source)
    if trace is not None:
        return _from_simkube(trace, source)
    return _from_documents(_text(data, source), source, keep_going)


def _documents(text: str, source: str, keep_going: bool
               ) -> Iterator[tuple[str, Any] | _Unreadable]:
    """(where, document) for a JSON document, JSON Lines or a YAML stream; an _Unreadable in
    place of a record that does not parse, when `keep_going` (else InputError)."""
    if not keep_going:
        yield from codec._documents(text, source)
        return
    if text.lstrip().startswith(("{", "[")):
        try:  # one JSON document, or JSON Lines that all read
            whole = list(codec._documents(text, source))
        except InputError:
            whole = None
        if whole is not None:
            yield from whole
            return
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                for _, data in codec._json_lines(line, source):
                    yield f"line {number}", data
            except InputError as exc:
                yield _Unreadable(f"line {number}", exc.message)
        return
    doc, first_line = 0, 1
    chunk: list[str] = []
    for number, raw in enumerate([*text.splitlines(), "---"], 1):
        if raw == "---" or raw.startswith(("--- ", "---\t")):
            body = "\n".join(chunk)
            chunk = [raw[4:]] if raw[4:].strip() else []
            if body.strip() and body.strip() != "...":
                doc += 1
                yield from _checked(body, source, f"document {doc}", first_line - 1)
            first_line = number if chunk else number + 1
        else:
            chunk.append(raw)


def _checked(text: str, source: str, where: str, offset: int = 0
             ) -> Iterator[tuple[str, Any] | _Unreadable]:
    """One record read by the codec, with every limit of core/limits.py checked; what the
    codec refuses becomes an _Unreadable naming the record (line numbers of the file)."""
    try:
        for _, data in codec._documents(text, source):
            if data is not None:
                yield where, data
    except InputError as exc:
        place = where
        if exc.where.startswith("line ") and exc.where[5:].split(",")[0].isdigit() and offset:
            place = f"{where}, line {int(exc.where[5:].split(',')[0]) + offset}"
        yield _Unreadable(place, exc.message)


def _from_documents(text: str, source: str, keep_going: bool) -> Source:
    events: list[Event] = []
    times: list[int | None] = []
    skipped: list[str] = []
    unreadable: list[str] = []
    watched = untimed = 0
    last_at = 0
    for item in _documents(text, source, keep_going):
        if isinstance(item, _Unreadable):
            unreadable.append(f"{source}: {item}")
            continue
        where, doc = item
        origin = f"{source}: {where}"
        try:
            decoded, why = codec.decode_document(doc, origin)
            for event in decoded:
                if event.at is not None and event.at < last_at:
                    raise DecodeError("at", f"{event.at} is earlier than the previous "
                                      f"event's at: {last_at}")
                last_at = event.at if event.at is not None else last_at
        except DecodeError as exc:
            if not keep_going:
                raise InputError(source, where, str(exc)) from None
            unreadable.append(f"{origin}: {exc}")
            continue
        if not decoded and why:
            skipped.append(f"{origin}: {why}")
        when = None
        if _is_watch(doc):
            watched += 1
            when = watch_time(doc)
            untimed += when is None
        if len(events) + len(decoded) > MAX_EVENTS:
            raise InputError(source, where, f"more than {MAX_EVENTS} events: kubefold "
                             f"replays at most {MAX_EVENTS} (see the README's Limits)")
        for event in decoded:
            events.append(event)
            times.append(when)
    notes = []
    if watched:
        notes.append(f"{source}: {watched - untimed} of {watched} watch events timed by their "
                     "objects' metadata (creationTimestamp, managedFields, deletionTimestamp)"
                     + (f"; {untimed} carry no time and happen as soon as they are read"
                        if untimed else ""))
    return Source(source, tuple(events), tuple(times), tuple(skipped), tuple(unreadable),
                  tuple(notes))


def _is_watch(doc: Any) -> bool:
    return isinstance(doc, Mapping) and set(doc) <= {"type", "object"} and doc.get("type") in (
        "ADDED", "MODIFIED", "DELETED")


def _time(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def watch_time(doc: Mapping[str, Any]) -> int | None:
    """When a watch event happened, by its object's metadata: creationTimestamp for ADDED,
    deletionTimestamp for DELETED, the latest managedFields time for MODIFIED; else the latest
    of these the object has; None when it has none."""
    obj = doc.get("object")
    meta = obj.get("metadata") if isinstance(obj, Mapping) else None
    if not isinstance(meta, Mapping):
        return None
    created = _time(meta.get("creationTimestamp"))
    deleted = _time(meta.get("deletionTimestamp"))
    managed = [t for f in meta.get("managedFields") or [] if isinstance(f, Mapping)
               if (t := _time(f.get("time"))) is not None]
    last_write = max(managed) if managed else None
    preferred = {"ADDED": created, "DELETED": deleted, "MODIFIED": last_write}[doc["type"]]
    if preferred is not None:
        return preferred
    known = [t for t in (created, deleted, last_write) if t is not None]
    return max(known) if known else None


# -- SimKube traces --------------------------------------------------------------------------


def _pairs(pairs: Any) -> dict[Any, Any]:
    """msgpack map hook: list keys (pod_lifecycles' [GVK, "ns/name"]) become tuples."""
    return {tuple(k) if isinstance(k, list) else k: v for k, v in pairs}


def _simkube_trace(data: bytes, source: str) -> Mapping[str, Any] | None:
    """The trace, when `data` is a SimKube trace (msgpack or JSON); else None."""
    head = data.lstrip()[:1]
    trace: Any = None
    if head == b"{":
        if b'"applied_objs"' not in data:
            return None
        try:
            trace = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
    elif source.endswith(".sktrace") or (head and (0x80 <= head[0] < 0x90
                                                   or head[0] in (0xDE, 0xDF))):
        try:
            import msgpack
        except ImportError:
            raise InputError(source, "", "reading a msgpack SimKube trace needs the msgpack "
                             "package (pip install msgpack)") from None
        try:
            trace = msgpack.unpackb(data, raw=False, strict_map_key=False,
                                    object_pairs_hook=_pairs)
        except Exception as exc:  # msgpack raises several unrelated types
            if source.endswith(".sktrace"):
                raise InputError(source, "", f"not a msgpack SimKube trace: {exc}") from None
            return None
    if not (isinstance(trace, Mapping) and "events" in trace and "version" in trace
            and isinstance(trace.get("events"), list)):
        return None
    if trace["version"] != 2:
        raise InputError(source, "version", f"unsupported SimKube trace version "
                         f"{trace['version']!r} (kubefold reads version 2)")
    return trace


def _from_simkube(trace: Mapping[str, Any], source: str) -> Source:
    """sk-driver's replay of a trace, as kubefold events with their times."""
    events: list[Event] = []
    times: list[int] = []
    namespaces: set[str] = set(BOOTSTRAP_NAMESPACES)
    for i, entry in enumerate(trace["events"]):
        where = f"{source}: events[{i}]"
        ts = entry.get("ts") if isinstance(entry, Mapping) else None
        if isinstance(ts, bool) or not isinstance(ts, int):
            raise InputError(source, f"events[{i}].ts", f"expected a unix time, got {ts!r}")
        for j, obj in enumerate(entry.get("applied_objs") or []):
            if not codec.is_object(obj):
                raise InputError(source, f"events[{i}].applied_objs[{j}]",
                                 "expected a Kubernetes object with apiVersion and kind")
            ns = (obj.get("metadata") or {}).get("namespace")
            if ns and ns not in namespaces:
                namespaces.add(ns)
                events.append(Apply(codec.decode_object(
                    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                    origin=f"{where}: namespace {ns} (created as sk-driver does)"))
                times.append(ts)
            body = {k: v for k, v in obj.items() if k != "status"}
            decoded, _ = codec.decode_document(body, f"{where}.applied_objs[{j}]")
            events.extend(decoded)
            times.extend([ts] * len(decoded))
        for j, obj in enumerate(entry.get("deleted_objs") or []):
            meta = obj.get("metadata") or {} if isinstance(obj, Mapping) else {}
            events.append(Delete(str(obj.get("kind")), meta.get("name", ""),
                                 meta.get("namespace"), origin=f"{where}.deleted_objs[{j}]"))
            times.append(ts)
    extra, notes = _lifecycles(trace.get("pod_lifecycles") or {}, source)
    for t, event in sorted(extra, key=lambda pair: pair[0]):
        at = next((k for k, known in enumerate(times) if known > t), len(times))
        events.insert(at, event)
        times.insert(at, t)
    notes.insert(0, f"{source}: SimKube trace, {len(trace['events'])} entries timed by their "
                 "ts")
    return Source(source, tuple(events), tuple(times), (), (), tuple(notes))


def _lifecycles(lifecycles: Mapping[Any, Any], source: str
                ) -> tuple[list[tuple[int, Event]], list[str]]:
    """Bare pods' Finished lifecycles as `pod: {exit: 0}` events at their end times."""
    out: list[tuple[int, Event]] = []
    owned = 0
    for key, by_hash in lifecycles.items():
        if not (isinstance(key, tuple) and len(key) == 2 and isinstance(by_hash, Mapping)):
            continue
        gvk, ns_name = key
        for spans in by_hash.values():
            for span in spans or []:
                finished = span.get("Finished") if isinstance(span, Mapping) else None
                if gvk != "v1.Pod":
                    owned += 1
                    continue
                if isinstance(finished, list) and len(finished) == 2:
                    ns, _, name = str(ns_name).partition("/")
                    out.append((int(finished[1]), PodEvent(
                        ns, name, exit=0, origin=f"{source}: pod_lifecycles {ns_name}")))
    notes = [f"{source}: {owned} lifecycle(s) of pods a controller owns are not replayed "
             "(their pods' names are chosen at replay time)"] if owned else []
    return out, notes


# -- placing events in time ------------------------------------------------------------------


def place_in_time(sources: Iterable[Source], clock_start: int
                  ) -> tuple[list[Event], list[str]]:
    """The events of every source in order, those with an absolute time given `at:` relative
    to `clock_start` (never earlier than the previous event's); notes on events recorded
    before the clock's start, which happen as soon as they are read."""
    out: list[Event] = []
    notes: list[str] = []
    last_at = 0
    for source in sources:
        early = 0
        for event, t in zip(source.events, source.times, strict=True):
            if t is not None:
                at = t - clock_start
                if at < 0:
                    early += 1
                event = attrs.evolve(event, at=max(at, last_at))
            if event.at is not None:
                last_at = max(last_at, event.at)
            out.append(event)
        if early:
            notes.append(f"{source.path}: {early} event(s) recorded before the clock's start "
                         "happen as soon as they are read")
    return out, notes
