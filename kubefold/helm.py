"""The shell's side of Helm: charts read from folders, archives and repository indexes, and
rendered by Helm's own template engine, so the event the engine folds carries the result.

- `attach(events, source)`: a log's `helm:` events learn their log's folder (chart paths are
  relative to it) and their charts are checked when the log is read: a chart that Helm cannot
  load (no Chart.yaml, an apiVersion other than v1 or v2, a template that does not parse,
  values that fail values.schema.json) is unreadable input, an `InputError` naming the chart
  and giving Helm's message (exit 2, before anything runs).
- `prepare(cluster, event, kube_version)`: just before an install or upgrade applies, render
  the chart for the state it applies to — the revision it will get, install or upgrade, the
  values it will record (an upgrade without values reuses the release's, as Helm does), the
  cluster's Kubernetes version — and attach a `RenderedChart`, or a `Refusal` with Helm's text
  (a template execution error, a kubeVersion the cluster does not satisfy, a version range
  the repository cannot meet, the kubefold[helm] extra missing).

Rendering uses helm-python-sdk (import `helm_python`, Helm v4's Go SDK through ctypes), the
`kubefold[helm]` extra. Its `Chart.render` takes no Kubernetes version, so the call passes the
library's own `kube_version` render option (its C ABI accepts one) and falls back to
`Chart.render` when that fails; `lookup` returns nothing, offline.
"""

from __future__ import annotations

import base64
import json
import os
import tarfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import yaml

from kubefold.core.cluster import Cluster
from kubefold.core.errors import InputError
from kubefold.core.events import Helm
from kubefold.core.helm import Refusal, RenderedChart
from kubefold.core.schema import freeze, thaw
from kubefold.core.semver import Constraints, SemverError, parse_version
from kubefold.reducers.helm import storage
from kubefold.reducers.helm.upgrade import current_release

DEFAULT_KUBE_VERSION = "v1.34.0"
EXTRA_MISSING = ("helm: rendering a chart needs the kubefold[helm] extra "
                 "(pip install 'kubefold[helm]')")
_SPECIAL = {"Chart.yaml", "values.yaml", "values.schema.json", "Chart.lock",
            "requirements.yaml", "requirements.lock"}


def sdk() -> Any:
    """helm_python, or None when the extra is not installed."""
    try:
        import helm_python
    except ImportError:
        return None
    return helm_python


# -- locating charts ---------------------------------------------------------------------------


@attrs.frozen
class Located:
    """Where an event's chart is: a path, or Helm's refusal."""

    path: str | None
    refusal: str | None = None


def _index_entries(index_path: Path, source: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(index_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(source, "", f"repository index {index_path}: no such file") from None
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(source, "", f"repository index {index_path}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
        raise InputError(source, "", f"repository index {index_path}: no entries")
    return doc["entries"]


def locate(event: Helm) -> Located:
    """The chart folder or archive of an event; with `repo:`, the archive of the version the
    index offers (repo.IndexFile.Get: the exact version, else the highest the range admits),
    relative to the index's folder."""
    base = Path(event.base or ".")
    if event.repo is None:
        return Located(str(base / (event.chart or "")))
    index_path = base / event.repo
    entries = _index_entries(index_path, event.origin)
    versions = entries.get(event.chart or "") or []
    what = f'chart "{event.chart}"' + (f' version "{event.version}"' if event.version else "")
    refused = Located(None, f"{what} not found in {event.repo} repository")
    try:
        constraint = Constraints.parse(event.version or "*")
    except SemverError:
        return refused
    chosen = next((v for v in versions if event.version and str(v.get("version")) ==
                   event.version), None)
    if chosen is None:
        ranked = []
        for v in versions:
            try:
                ranked.append((parse_version(str(v.get("version"))), v))
            except SemverError:
                continue
        ranked.sort(key=lambda pair: _sort_key(pair[0]), reverse=True)
        chosen = next((v for parsed, v in ranked if constraint.check(parsed)), None)
    if chosen is None:
        return refused
    urls = chosen.get("urls") or []
    if not urls:
        return Located(None, f"{what} has no downloadable URLs")
    return Located(str(index_path.parent / urls[0]))


def _sort_key(v: Any) -> Any:
    import functools

    def cmp(a: Any, b: Any) -> int:
        return int(a.compare(b))

    return functools.cmp_to_key(cmp)(v)


# -- loading -----------------------------------------------------------------------------------


_CACHE: dict[tuple[str, float], Any] = {}


def _load(path: str, source: str) -> Any:
    """A loaded helm_python Chart (cached per path and modification time)."""
    helm = sdk()
    assert helm is not None
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        raise InputError(source, "", f"chart {path}: no such file or directory") from None
    key = (path, stamp)
    if key not in _CACHE:
        try:
            _CACHE[key] = helm.Chart.load(path)
        except helm.HelmError as exc:
            raise InputError(source, "", f"chart {path}: {exc}") from None
        _check_metadata(_CACHE[key].metadata, path, source)
    return _CACHE[key]


def _check_metadata(md: dict[str, Any], path: str, source: str) -> None:
    """What `helm lint` says of Chart.yaml's apiVersion and version (Helm 3 loads a chart of
    another apiVersion as v1; kubefold refuses it, as lint does)."""
    api = md.get("apiVersion")
    if not api:
        raise InputError(source, "", f'chart {path}: Chart.yaml: apiVersion is required. '
                                     'The value must be either "v1" or "v2"')
    if api not in ("v1", "v2"):
        raise InputError(source, "", f"chart {path}: Chart.yaml: apiVersion '{api}' is not "
                                     'valid. The value must be either "v1" or "v2"')
    try:
        parse_version(str(md.get("version") or ""))
    except SemverError:
        raise InputError(source, "", f"chart {path}: Chart.yaml: version "
                                     f"'{md.get('version')}' is not a valid SemVer") from None


def _raw_file(path: str, name: str) -> bytes | None:
    """A file of the chart as bytes (values.schema.json), from a folder or an archive."""
    p = Path(path)
    if p.is_dir():
        f = p / name
        return f.read_bytes() if f.is_file() else None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar.getmembers():
                parts = member.name.split("/", 1)
                if len(parts) == 2 and parts[1] == name and member.isfile():
                    extracted = tar.extractfile(member)
                    return extracted.read() if extracted else None
    except (OSError, tarfile.TarError):
        return None
    return None


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def chart_record(chart: Any, path: str) -> dict[str, Any]:
    """The chart as a release records it (pkg/chart.Chart's JSON)."""
    schema = _raw_file(path, "values.schema.json")
    files = [f for f in chart.files if f["name"] not in _SPECIAL]
    return {"metadata": chart.metadata, "lock": None,
            "templates": [{"name": t["name"], "data": _b64(t["data"])} for t in chart.templates],
            "values": chart.values,
            "schema": base64.b64encode(schema).decode() if schema is not None else None,
            "files": [{"name": f["name"], "data": _b64(f["data"])} for f in files] or None}


def _render(chart: Any, values: dict[str, Any], opts: dict[str, Any]) -> dict[str, str]:
    helm = sdk()
    try:
        from helm_python import _native

        rendered = _native.call_string("helm_render", chart._raw(), json.dumps(values),
                                       json.dumps(opts))
        result: dict[str, str] = json.loads(rendered)
        return result
    except (ImportError, AttributeError, TypeError):
        pass
    except helm.HelmError:
        raise
    return dict(chart.render(values, name=opts["name"], namespace=opts["namespace"],
                             revision=opts["revision"], is_install=opts["is_install"],
                             is_upgrade=opts["is_upgrade"]))


def _is_parse_error(message: str) -> bool:
    return message.startswith("parse error") or "template: " in message and "parse" in message


# -- a log's events ----------------------------------------------------------------------------


def attach(events: Iterable[Any], source: str) -> tuple[Any, ...]:
    """The events of a log file, `helm:` ones told their folder and their charts checked."""
    base = str(Path(source).parent)
    out = []
    for event in events:
        if isinstance(event, Helm):
            event = attrs.evolve(event, base=base)
            if event.action in ("install", "upgrade") and sdk() is not None:
                check(event)
        out.append(event)
    return tuple(out)


def check(event: Helm) -> None:
    """Load the chart (and render it once) so a malformed one fails before the replay."""
    located = locate(event)
    if located.path is None:
        return  # a refusal, reported when the event applies
    chart = _load(located.path, event.origin)
    helm = sdk()
    values = thaw(event.values) if event.values is not None else {}
    opts = {"name": event.release, "namespace": event.namespace, "revision": 1,
            "is_install": event.action == "install", "is_upgrade": event.action == "upgrade",
            "kube_version": DEFAULT_KUBE_VERSION}
    try:
        _render(chart, values, opts)  # validates values.schema.json, then renders
    except helm.HelmValuesError as exc:
        if event.values is not None or event.action == "install":
            raise InputError(event.origin, "", f"chart {located.path}: {exc}".rstrip()) \
                from None
    except helm.HelmError as exc:
        if _is_parse_error(str(exc)):
            raise InputError(event.origin, "", f"chart {located.path}: {exc}") from None


def cluster_version(cluster: Cluster, override: str | None = None) -> str:
    """The Kubernetes version charts see: --kube-version, else the newest kubelet the state's
    Nodes report, else v1.34.0."""
    if override:
        return override if override.startswith("v") else f"v{override}"
    best: tuple[Any, str] | None = None
    for node in cluster.list("Node"):
        text = ((node.status.extra.get("nodeInfo") or {}).get("kubeletVersion")
                if hasattr(node.status, "extra") else None)
        if not text:
            continue
        try:
            v = parse_version(str(text))
        except SemverError:
            continue
        if best is None or v.compare(best[0]) > 0:
            best = (v, str(text))
    return best[1] if best else DEFAULT_KUBE_VERSION


def prepare(cluster: Cluster, event: Any, kube_version: str | None = None) -> Any:
    """An install or upgrade rendered for `cluster`; every other event as it is."""
    if not isinstance(event, Helm) or event.action not in ("install", "upgrade"):
        return event
    helm = sdk()
    if helm is None:
        return attrs.evolve(event, rendered=Refusal(EXTRA_MISSING))
    values = thaw(event.values) if event.values is not None else {}
    revision, namespace = 1, event.namespace
    if event.action == "upgrade":
        last, current, err = current_release(cluster, event.namespace, event.release)
        if err is not None or last is None or current is None:
            return event  # the engine refuses it before it needs the chart
        revision, namespace = last.version + 1, current.namespace
        if not values and current.config:
            values = thaw(current.config)
    located = locate(event)
    if located.path is None:
        return attrs.evolve(event, rendered=Refusal(located.refusal or ""))
    chart = _load(located.path, event.origin)
    version = cluster_version(cluster, kube_version)
    required = chart.metadata.get("kubeVersion")
    if required and not _compatible(required, version):
        return attrs.evolve(event, rendered=Refusal(
            f"chart requires kubeVersion: {required} which is incompatible with Kubernetes "
            f"{version}"))
    opts = {"name": event.release, "namespace": namespace, "revision": revision,
            "is_install": event.action == "install", "is_upgrade": event.action == "upgrade",
            "kube_version": version}
    try:
        files = _render(chart, values, opts)
    except helm.HelmError as exc:
        return attrs.evolve(event, rendered=Refusal(str(exc).rstrip()))
    return attrs.evolve(event, rendered=RenderedChart(
        chart=freeze(chart_record(chart, located.path)), config=freeze(values),
        files=tuple(sorted(files.items())), kube_version=version))


def _compatible(constraint: str, version: str) -> bool:
    """chartutil.IsCompatibleRange: false when either does not parse."""
    try:
        return Constraints.parse(constraint).check(parse_version(version))
    except SemverError:
        return False


def preparer(kube_version: str | None = None) -> Any:
    """`prepare` with the cluster version fixed, for manager.trace and check_replay."""
    return lambda cluster, event: prepare(cluster, event, kube_version)


def release_history(cluster: Cluster, namespace: str, name: str) -> list[Any]:
    """helm history, from a state."""
    return storage.history(cluster, namespace, name)

