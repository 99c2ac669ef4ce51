"""Splitting and sorting rendered manifests into a release's manifest and hooks.

Models: helm.sh/helm/v3 (v3.21) pkg/releaseutil: manifest.go (SplitManifests, the `---`
separator, BySplitManifestsOrder), manifest_sorter.go (SortManifests: partials and empty files
skipped, files in path order, documents in file order, hooks recognised by the helm.sh/hook
annotation with their weight and delete policies, unknown hook types skipped),
kind_sorter.go (InstallOrder, UninstallOrder, lessByKind); pkg/action/action.go
renderResources (NOTES.txt taken out, the manifest assembled as `---\\n# Source: <path>\\n`).
Covered by: tests/test_helm_releaseutil.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import yaml

from kubefold.reducers.helm.release import Hook

HOOK_ANNOTATION = "helm.sh/hook"
HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight"
HOOK_DELETE_ANNOTATION = "helm.sh/hook-delete-policy"
HOOK_OUTPUT_LOG_ANNOTATION = "helm.sh/hook-output-log-policy"
RESOURCE_POLICY_ANNOTATION = "helm.sh/resource-policy"
KEEP_POLICY = "keep"
NOTES_SUFFIX = "NOTES.txt"

_EVENTS = {"pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
           "post-upgrade", "pre-rollback", "post-rollback", "test"}
_EVENT_ALIASES = {"test-success": "test"}

INSTALL_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
    "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
    "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
    "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
    "APIService")
UNINSTALL_ORDER = (
    "APIService", "Ingress", "IngressClass", "Service", "CronJob", "Job", "StatefulSet",
    "HorizontalPodAutoscaler", "Deployment", "ReplicaSet", "ReplicationController", "Pod",
    "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList", "Role", "ClusterRoleBindingList",
    "ClusterRoleBinding", "ClusterRoleList", "ClusterRole", "CustomResourceDefinition",
    "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList",
    "Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange",
    "ResourceQuota", "NetworkPolicy", "Namespace", "PriorityClass")

_SEP = re.compile(r"(?:^|\s*\n)---\s*")


@attrs.frozen
class Manifest:
    """One document: the template it came from, its text and its head (kind, name,
    annotations)."""

    name: str
    content: str
    kind: str = ""
    api_version: str = ""
    metadata_name: str = ""
    annotations: Mapping[str, str] = attrs.field(factory=dict, eq=False)


class ManifestError(ValueError):
    """A rendered document that is not YAML; the message is Helm's."""


def split_manifests(big: str) -> list[str]:
    """SplitManifests: the documents of a YAML stream, trimmed, in order."""
    docs = _SEP.split(big.strip())
    return [d.strip() for d in docs if d != ""]


class _Loader(yaml.SafeLoader):
    """YAML read as sigs.k8s.io/yaml reads it: timestamps stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_document(text: str, path: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManifestError(f"YAML parse error on {path}: error converting YAML to JSON: "
                            f"yaml: {line}{problem}") from None


def _head(doc: Any) -> tuple[str, str, str, dict[str, str]]:
    if not isinstance(doc, Mapping):
        return "", "", "", {}
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    annotations = meta.get("annotations")
    annotations = {str(k): str(v) for k, v in annotations.items()} \
        if isinstance(annotations, Mapping) else {}
    return (str(doc.get("kind") or ""), str(doc.get("apiVersion") or ""),
            str(meta.get("name") or ""), annotations)


def _policies(annotations: Mapping[str, str], key: str) -> tuple[str, ...]:
    value = annotations.get(key)
    if value is None:
        return ()
    return tuple(p.strip().lower() for p in value.split(","))


def _weight(annotations: Mapping[str, str]) -> int:
    """calculateHookWeight: strconv.Atoi, 0 when it fails."""
    text = annotations.get(HOOK_WEIGHT_ANNOTATION, "")
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else 0


def sort_manifests(files: Mapping[str, str], ordering: tuple[str, ...] = INSTALL_ORDER
                   ) -> tuple[list[Hook], list[Manifest]]:
    """SortManifests: (hooks, manifests), each sorted by kind in `ordering`, stable."""
    hooks: list[Hook] = []
    generic: list[Manifest] = []
    for path in sorted(files):
        content = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or not content.strip():
            continue
        for text in split_manifests(content):
            kind, api_version, name, annotations = _head(parse_document(text, path))
            if not annotations or HOOK_ANNOTATION not in annotations:
                generic.append(Manifest(path, text, kind, api_version, name, annotations))
                continue
            events = [e.strip().lower() for e in annotations[HOOK_ANNOTATION].split(",")]
            events = [_EVENT_ALIASES.get(e, e) for e in events]
            if any(e not in _EVENTS for e in events):
                continue  # log.Printf("info: skipping unknown hook: %q")
            hooks.append(Hook(name=name, kind=kind, path=path, manifest=text,
                              events=tuple(events), weight=_weight(annotations),
                              delete_policies=_policies(annotations, HOOK_DELETE_ANNOTATION),
                              output_log_policies=_policies(annotations,
                                                            HOOK_OUTPUT_LOG_ANNOTATION)))
    return sort_by_kind(hooks, ordering), sort_by_kind(generic, ordering)


def _kind_key(ordering: tuple[str, ...]) -> Any:
    rank = {k: i for i, k in enumerate(ordering)}

    def key(item: Any) -> tuple[int, str]:
        # lessByKind: known kinds by rank, unknown kinds after them, alphabetically.
        if item.kind in rank:
            return (0, f"{rank[item.kind]:04d}")
        return (1, item.kind)
    return key


def sort_by_kind(items: Iterable[Any], ordering: tuple[str, ...]) -> list[Any]:
    """sortManifestsByKind / sortHooksByKind (sort.SliceStable with lessByKind)."""
    return sorted(items, key=_kind_key(ordering))


def split_notes(files: Mapping[str, str], chart_name: str) -> tuple[dict[str, str], str]:
    """renderResources: NOTES.txt files leave the set; the chart's own become the notes."""
    notes: list[str] = []
    kept: dict[str, str] = {}
    for path in files:
        if path.endswith(NOTES_SUFFIX):
            if path == f"{chart_name}/templates/{NOTES_SUFFIX}":
                notes.append(files[path])
            continue
        kept[path] = files[path]
    return kept, "\n".join(notes)


def manifest_text(manifests: Iterable[Manifest]) -> str:
    """The release's manifest: each document as `---\\n# Source: <path>\\n<content>\\n`."""
    return "".join(f"---\n# Source: {m.name}\n{m.content}\n" for m in manifests)


def has_keep_policy(annotations: Mapping[str, str]) -> bool:
    """filterManifestsToKeep's test (trimmed, lower-cased)."""
    value = annotations.get(RESOURCE_POLICY_ANNOTATION)
    return value is not None and value.strip().lower() == KEEP_POLICY
