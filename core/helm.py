"""What the shell hands the engine for a `helm:` event: a rendered chart, or Helm's refusal.

Rendering runs Helm's own template engine (the `kubefold[helm]` extra) in the shell, for the
state the event applies to (the revision it will get, install or upgrade, the values it will
use); the engine folds the result. A `RenderedChart` holds what a Helm 3 release records of
its chart (Chart.yaml's metadata, the chart's default values, its templates and files as
`{name, data}` with data base64 as Go marshals []byte, the schema and lock), the values the
release records (`config`), and Helm's rendered output per template path (NOTES.txt
included, partials excluded). A `Refusal` is an action Helm refuses before touching the
cluster (a template execution error, a kubeVersion or version range nothing satisfies, the
extra missing), with Helm's error text.

Models: helm.sh/helm/v3 pkg/chart (Chart, Metadata, File: the JSON a release stores) and
pkg/action's split between rendering (renderResources) and applying.
Covered by: tests/test_helm_shell.py, tests/test_helm_action.py.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class RenderedChart:
    """A chart as a release stores it, plus its rendered templates.

    `chart` is the chart's JSON as Helm writes it in a release (frozen); `config` the
    user-supplied values; `files` the rendered output as (template path, text) pairs sorted
    by path; `kube_version` the cluster version rendering assumed."""

    chart: Any
    config: Any
    files: tuple[tuple[str, str], ...]
    kube_version: str = "v1.34.0"

    @property
    def name(self) -> str:
        return str((self.chart.get("metadata") or {}).get("name") or "")


@attrs.frozen
class Refusal:
    """Helm refused the action before changing anything; `message` is its error text."""

    message: str
