"""A Helm 3 release as a value, and its record: the JSON Helm writes, gzipped and base64'd.

`Release` mirrors pkg/release.Release (name, namespace, revision `version`, `info`, the chart,
the user's `config`, the rendered `manifest`, the `hooks`), `labels` the custom labels the
storage driver keeps on the Secret rather than in the JSON. `encode_release` writes exactly the
JSON Go's encoding/json writes for those structs (fields in declaration order, `omitempty`
where Go has it, map keys sorted, `<`, `>` and `&` escaped), then gzip and base64, as
storage/driver/util.go encodeRelease does; `decode_release` reads Helm's records (gzipped or
not), so a real cluster's release Secrets read as their history.

Models: helm.sh/helm/v3 (v3.21) pkg/release (release.go, info.go, status.go, hook.go),
pkg/chart (chart.go, metadata.go, dependency.go, file.go: the chart JSON), pkg/time (a zero
time marshals as ""), pkg/storage/driver/util.go (encodeRelease, decodeRelease).
Simplifies: times are kept as the RFC 3339 text they were read or written as, and new ones are
whole seconds in UTC from the logical clock; gzip's bytes differ from Go's compressor (the JSON
inside is the same), so a record round-trips by content, not byte for byte.
Covered by: tests/test_helm_release.py.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Mapping
from typing import Any

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.schema import freeze, thaw

# Status values (pkg/release/status.go).
UNKNOWN = "unknown"
DEPLOYED = "deployed"
UNINSTALLED = "uninstalled"
SUPERSEDED = "superseded"
FAILED = "failed"
UNINSTALLING = "uninstalling"
PENDING_INSTALL = "pending-install"
PENDING_UPGRADE = "pending-upgrade"
PENDING_ROLLBACK = "pending-rollback"
PENDING = frozenset({PENDING_INSTALL, PENDING_UPGRADE, PENDING_ROLLBACK})

# Hook events, delete policies and phases (pkg/release/hook.go).
HOOK_EVENTS = ("pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
               "post-upgrade", "pre-rollback", "post-rollback", "test")
HOOK_SUCCEEDED = "hook-succeeded"
HOOK_FAILED = "hook-failed"
BEFORE_HOOK_CREATION = "before-hook-creation"
PHASE_UNKNOWN = "Unknown"
PHASE_RUNNING = "Running"
PHASE_SUCCEEDED = "Succeeded"
PHASE_FAILED = "Failed"


def is_pending(status: str) -> bool:
    """Status.IsPending."""
    return status in PENDING


def format_time(seconds: int) -> str:
    """An RFC 3339 time from the logical clock, as Go prints a UTC time.Time."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@attrs.frozen
class HookExecution:
    started_at: str = ""
    completed_at: str = ""
    phase: str = ""


@attrs.frozen
class Hook:
    name: str = ""
    kind: str = ""
    path: str = ""
    manifest: str = ""
    events: tuple[str, ...] = ()
    last_run: HookExecution = HookExecution()
    weight: int = 0
    delete_policies: tuple[str, ...] = ()
    output_log_policies: tuple[str, ...] = ()


@attrs.frozen
class Info:
    first_deployed: str = ""
    last_deployed: str = ""
    deleted: str = ""
    description: str = ""
    status: str = ""
    notes: str = ""
    resources: Any = None


@attrs.frozen
class Release:
    name: str
    namespace: str
    version: int
    info: Info = Info()
    chart: Any = None
    config: Any = attrs.field(factory=pmap)
    manifest: str = ""
    hooks: tuple[Hook, ...] = ()
    labels: PMap[str, str] = attrs.field(factory=pmap)

    @property
    def status(self) -> str:
        return self.info.status

    def set_status(self, status: str, description: str | None = None) -> Release:
        """SetStatus (and the bare `Info.Status =` assignments when no description is given)."""
        info = attrs.evolve(self.info, status=status)
        if description is not None:
            info = attrs.evolve(info, description=description)
        return attrs.evolve(self, info=info)


# -- JSON, as encoding/json writes these structs ---------------------------------------------


def _omit(pairs: list[tuple[str, Any, bool]]) -> dict[str, Any]:
    """Fields in order; those marked omitempty dropped when empty."""
    return {k: v for k, v, omitempty in pairs if not (omitempty and _empty(v))}


def _empty(value: Any) -> bool:
    """Go's omitempty: false, 0, "", nil and empty slices and maps."""
    if value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | list | dict | tuple):
        return len(value) == 0
    return False


def _metadata_json(md: Any) -> Any:
    if md is None:
        return None
    md = thaw(md)
    deps = [_omit([("name", d.get("name", ""), False), ("version", d.get("version"), True),
                   ("repository", d.get("repository", ""), False),
                   ("condition", d.get("condition"), True), ("tags", d.get("tags"), True),
                   ("enabled", d.get("enabled"), True),
                   ("import-values", d.get("import-values"), True),
                   ("alias", d.get("alias"), True)])
            for d in md.get("dependencies") or []]
    maintainers = [_omit([("name", m.get("name"), True), ("email", m.get("email"), True),
                          ("url", m.get("url"), True)])
                   for m in md.get("maintainers") or []]
    return _omit([
        ("name", md.get("name"), True), ("home", md.get("home"), True),
        ("sources", md.get("sources"), True), ("version", md.get("version"), True),
        ("description", md.get("description"), True), ("keywords", md.get("keywords"), True),
        ("maintainers", maintainers, True), ("icon", md.get("icon"), True),
        ("apiVersion", md.get("apiVersion"), True), ("condition", md.get("condition"), True),
        ("tags", md.get("tags"), True), ("appVersion", md.get("appVersion"), True),
        ("deprecated", md.get("deprecated"), True), ("annotations", md.get("annotations"), True),
        ("kubeVersion", md.get("kubeVersion"), True), ("dependencies", deps, True),
        ("type", md.get("type"), True)])


def _files_json(files: Any) -> Any:
    if files is None:
        return None
    return [{"name": f.get("name", ""), "data": f.get("data")} for f in thaw(files)]


def chart_json(chart: Any) -> Any:
    """pkg/chart.Chart's JSON: metadata, lock, templates, values, schema, files (no omitempty)."""
    if chart is None:
        return None
    c = thaw(chart)
    return {"metadata": _metadata_json(c.get("metadata")), "lock": c.get("lock"),
            "templates": _files_json(c.get("templates")), "values": c.get("values"),
            "schema": c.get("schema"), "files": _files_json(c.get("files"))}


def hook_json(h: Hook) -> dict[str, Any]:
    return _omit([
        ("name", h.name, True), ("kind", h.kind, True), ("path", h.path, True),
        ("manifest", h.manifest, True), ("events", list(h.events), True),
        ("last_run", {"started_at": h.last_run.started_at,
                      "completed_at": h.last_run.completed_at,
                      "phase": h.last_run.phase}, False),
        ("weight", h.weight, True), ("delete_policies", list(h.delete_policies), True),
        ("output_log_policies", list(h.output_log_policies), True)])


def release_json(rel: Release) -> dict[str, Any]:
    info = _omit([
        ("first_deployed", rel.info.first_deployed, False),
        ("last_deployed", rel.info.last_deployed, False),
        ("deleted", rel.info.deleted, False),
        ("description", rel.info.description, True), ("status", rel.info.status, True),
        ("notes", rel.info.notes, True), ("resources", thaw(rel.info.resources), True)])
    return _omit([
        ("name", rel.name, True), ("info", info, True), ("chart", chart_json(rel.chart), True),
        ("config", thaw(rel.config) if rel.config is not None else None, True),
        ("manifest", rel.manifest, True), ("hooks", [hook_json(h) for h in rel.hooks], True),
        ("version", rel.version, True), ("namespace", rel.namespace, True)])


def _go_numbers(value: Any) -> Any:
    """Go holds JSON numbers in interface{} as float64: an integral float prints bare."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value


def go_json(value: Any) -> str:
    """json.Marshal: compact, map keys sorted (struct fields are already in order, and
    `release_json` builds them as dicts in that order), HTML characters escaped."""
    text = json.dumps(_go_numbers(value), ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _sort_values(value: Any) -> Any:
    """map[string]interface{} marshals with sorted keys."""
    if isinstance(value, Mapping):
        return {k: _sort_values(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sort_values(v) for v in value]
    return value


def release_text(rel: Release) -> str:
    """The release's JSON as Helm writes it."""
    doc = release_json(rel)
    if "config" in doc:
        doc["config"] = _sort_values(doc["config"])
    chart = doc.get("chart")
    if chart is not None:
        chart["values"] = _sort_values(chart["values"]) if chart["values"] is not None \
            else None
        if chart["metadata"] is not None and "annotations" in chart["metadata"]:
            chart["metadata"]["annotations"] = _sort_values(chart["metadata"]["annotations"])
    info = doc.get("info") or {}
    if "resources" in info:
        info["resources"] = _sort_values(info["resources"])
    return go_json(doc)


def encode_release(rel: Release) -> str:
    """encodeRelease: base64 of the gzipped JSON (the string stored as data.release)."""
    raw = gzip.compress(release_text(rel).encode(), compresslevel=9, mtime=0)
    return base64.b64encode(raw).decode()


class ReleaseDecodeError(ValueError):
    pass


def decode_release(text: str) -> Release:
    """decodeRelease: base64, then gunzip when the gzip magic is there, then JSON."""
    try:
        raw = base64.b64decode(text, validate=False)
    except ValueError as exc:
        raise ReleaseDecodeError(f"illegal base64 data: {exc}") from None
    if raw[:3] == b"\x1f\x8b\x08":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ReleaseDecodeError(f"gzip: {exc}") from None
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise ReleaseDecodeError(f"invalid release JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ReleaseDecodeError("invalid release JSON: not an object")
    return release_from_json(doc)


def release_from_json(doc: Mapping[str, Any]) -> Release:
    info = doc.get("info") or {}
    hooks = tuple(
        Hook(h.get("name") or "", h.get("kind") or "", h.get("path") or "",
             h.get("manifest") or "", tuple(h.get("events") or ()),
             HookExecution(**{k: (h.get("last_run") or {}).get(k) or ""
                              for k in ("started_at", "completed_at", "phase")}),
             int(h.get("weight") or 0), tuple(h.get("delete_policies") or ()),
             tuple(h.get("output_log_policies") or ()))
        for h in doc.get("hooks") or ())
    return Release(
        name=doc.get("name") or "", namespace=doc.get("namespace") or "",
        version=int(doc.get("version") or 0),
        info=Info(info.get("first_deployed") or "", info.get("last_deployed") or "",
                  info.get("deleted") or "", info.get("description") or "",
                  info.get("status") or "", info.get("notes") or "",
                  freeze(info.get("resources")) if info.get("resources") else None),
        chart=freeze(doc.get("chart")), config=freeze(doc.get("config") or {}),
        manifest=doc.get("manifest") or "", hooks=hooks)
