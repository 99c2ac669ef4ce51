"""Release storage: Helm 3's Secrets driver over the cluster value.

A release revision is the Secret `sh.helm.release.v1.<name>.v<revision>` in the release's
namespace, of type `helm.sh/release.v1`, labelled name, owner=helm, status and version (and
createdAt on Create, modifiedAt on Update, in Unix seconds of the logical clock), whose
`data.release` is the base64 of the encoded release (itself base64 of gzipped JSON). Every
write goes through the API server. Operations return the new cluster or a `StorageError` with
Helm's text.

Models: helm.sh/helm/v3 (v3.21) pkg/storage/storage.go (Get, Create with removeLeastRecent for
MaxHistory, Update, Delete, History, Last, Deployed, DeployedAll, makeKey) and
pkg/storage/driver/secrets.go (Get, Query, Create, Update, Delete, newSecretsObject, the labels
kept and filtered), driver.go (ErrReleaseNotFound, ErrNoDeployedReleases).
Simplifies: a Secret whose record does not decode is skipped, as Query logs and skips it;
the API server's 1 MiB limit on a Secret is not enforced.
Covered by: tests/test_helm_release.py, tests/test_helm_action.py.
"""

from __future__ import annotations

import base64
from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.core.labels import selector_from_set
from kubefold.reducers import apiserver
from kubefold.reducers.helm.release import (
    DEPLOYED,
    Release,
    ReleaseDecodeError,
    decode_release,
    encode_release,
)

HELM_STORAGE_TYPE = "sh.helm.release.v1"
SECRET_TYPE = "helm.sh/release.v1"
OWNER = "helm"
SYSTEM_LABELS = ("name", "owner", "status", "version", "createdAt", "modifiedAt")
# While an operation waits (hooks, --wait), its state rides on the pending release's Secret,
# as the Helm process would hold it in memory; it goes when the operation ends.
OPERATION_ANNOTATION = "helm.kubefold.io/operation"

ERR_RELEASE_NOT_FOUND = "release: not found"
ERR_RELEASE_EXISTS = "release: already exists"


class StorageError(Exception):
    """A driver error, with Helm's text."""


def make_key(name: str, version: int) -> str:
    """makeKey: sh.helm.release.v1.<name>.v<version>."""
    return f"{HELM_STORAGE_TYPE}.{name}.v{version}"


def no_deployed_releases(name: str) -> str:
    """driver.NewErrNoDeployedReleases."""
    return f'"{name}" has no deployed releases'


# -- reading -----------------------------------------------------------------------------------


def release_of(secret: Any) -> Release | None:
    """The release a Secret holds, labels attached (as Query and List attach them), or None
    when it does not decode."""
    data = secret.extra.get("data") or {}
    encoded = data.get("release")
    if not isinstance(encoded, str):
        return None
    try:
        text = base64.b64decode(encoded).decode()
        rel = decode_release(text)
    except (ValueError, UnicodeDecodeError, ReleaseDecodeError):
        return None
    return attrs.evolve(rel, labels=pmap(secret.metadata.labels))


def query(cluster: Cluster, namespace: str, labels: dict[str, str]) -> list[Release]:
    """Query: the releases whose Secrets carry these labels, in name order."""
    found = cluster.select("Secret", namespace, selector_from_set(labels))
    return [r for s in found if (r := release_of(s)) is not None]


def history(cluster: Cluster, namespace: str, name: str) -> list[Release]:
    """History: every stored revision of the release, oldest first (empty when none)."""
    return sorted(query(cluster, namespace, {"name": name, "owner": OWNER}),
                  key=lambda r: r.version)


def get(cluster: Cluster, namespace: str, name: str, version: int) -> Release | None:
    secret = cluster.get("Secret", namespace, make_key(name, version))
    if secret is None:
        return None
    rel = release_of(secret)
    if rel is None:
        return None
    return attrs.evolve(rel, labels=_filter_system_labels(rel.labels))


def revision(cluster: Cluster, namespace: str, name: str, version: int) -> Release | None:
    """One revision with every label on its Secret, as History and Query return it."""
    secret = cluster.get("Secret", namespace, make_key(name, version))
    return None if secret is None else release_of(secret)


def last(cluster: Cluster, namespace: str, name: str) -> Release | None:
    """Last: the highest revision."""
    h = history(cluster, namespace, name)
    return h[-1] if h else None


def deployed_all(cluster: Cluster, namespace: str, name: str) -> list[Release]:
    """DeployedAll."""
    return sorted(query(cluster, namespace, {"name": name, "owner": OWNER,
                                             "status": DEPLOYED}), key=lambda r: r.version)


def deployed(cluster: Cluster, namespace: str, name: str) -> Release | None:
    """Deployed: the latest deployed revision (several only when Helm's history is corrupt)."""
    d = deployed_all(cluster, namespace, name)
    return d[-1] if d else None


def operation_of(cluster: Cluster, namespace: str, name: str, version: int) -> str | None:
    secret = cluster.get("Secret", namespace, make_key(name, version))
    if secret is None:
        return None
    value = secret.metadata.annotations.get(OPERATION_ANNOTATION)
    return str(value) if value is not None else None


# -- writing -----------------------------------------------------------------------------------


def _filter_system_labels(labels: Any) -> Any:
    return pmap({k: v for k, v in labels.items() if k not in SYSTEM_LABELS})


def _secret(cluster: Cluster, rel: Release, stamp: str, operation: str | None) -> Any:
    """newSecretsObject: custom labels, the stamp (createdAt or modifiedAt), then the system
    labels; the record base64'd once more as Secret data is."""
    labels = dict(rel.labels)
    labels[stamp] = str(cluster.now)
    labels.update({"name": rel.name, "owner": OWNER, "status": rel.info.status,
                   "version": str(rel.version)})
    meta: dict[str, Any] = {"name": make_key(rel.name, rel.version),
                            "namespace": rel.namespace, "labels": labels}
    if operation is not None:
        meta["annotations"] = {OPERATION_ANNOTATION: operation}
    record = base64.b64encode(encode_release(rel).encode()).decode()
    return decode_object({"apiVersion": "v1", "kind": "Secret", "metadata": meta,
                          "type": SECRET_TYPE, "data": {"release": record}})


def create(cluster: Cluster, rel: Release, max_history: int = 0,
           operation: str | None = None) -> Cluster | StorageError:
    """Storage.Create: make room under MaxHistory, then create the Secret."""
    if max_history > 0:
        cluster = remove_least_recent(cluster, rel.namespace, rel.name, max_history - 1)
    written = apiserver.create(cluster, _secret(cluster, rel, "createdAt", operation))
    if isinstance(written, Status):
        if written.reason == "AlreadyExists":
            return StorageError(ERR_RELEASE_EXISTS)
        return StorageError(f"create: failed to create: {written.message}")
    return written.cluster


def update(cluster: Cluster, rel: Release, operation: str | None = None) -> Cluster:
    """Storage.Update (the Secrets driver's Update: a PUT of a fresh object, without a
    resourceVersion). Errors are ignored, as recordRelease ignores them."""
    written = apiserver.update(cluster, _secret(cluster, rel, "modifiedAt", operation))
    return cluster if isinstance(written, Status) else written.cluster


def delete(cluster: Cluster, namespace: str, name: str, version: int) -> Cluster:
    written = apiserver.delete(cluster, "Secret", namespace, make_key(name, version))
    return cluster if isinstance(written, Status) else written.cluster


def remove_least_recent(cluster: Cluster, namespace: str, name: str, keep: int) -> Cluster:
    """removeLeastRecent: delete the oldest revisions until `keep` remain, never the last
    deployed one."""
    if keep < 0:
        return cluster
    h = history(cluster, namespace, name)
    if len(h) <= keep:
        return cluster
    last_deployed = deployed(cluster, namespace, name)
    doomed: list[Release] = []
    for rel in h:
        if len(h) - len(doomed) == keep:
            break
        if last_deployed is None or rel.version != last_deployed.version:
            doomed.append(rel)
    for rel in doomed:
        cluster = delete(cluster, namespace, name, rel.version)
    return cluster
