"""helm uninstall: delete a release's objects, then its history (or keep it, uninstalled).

Models: helm.sh/helm/v3 (v3.21) pkg/action/uninstall.go (Run: "uninstall: Release not
loaded", an uninstalled release purged or "already deleted", uninstalling with "Deletion in
progress (or silently failed)", pre-delete hooks, deleteRelease in UninstallOrder with
`helm.sh/resource-policy: keep` honoured, post-delete hooks, "Uninstallation complete", purge
or --keep-history with every deployed revision superseded), resource_policy.go.
Simplifies: no --wait for the deletions, --cascade other than background, or --dry-run.
Covered by: tests/test_helm_action.py (pkg/action uninstall_test.go cases).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers.helm import kube, releaseutil, storage
from kubefold.reducers.helm.action import (
    Blocked,
    Failed,
    Operation,
    Running,
    record,
    refuse,
    run_hooks,
    settle,
    validate_release_name,
)
from kubefold.reducers.helm.release import (
    SUPERSEDED,
    UNINSTALLED,
    UNINSTALLING,
    Release,
    format_time,
)


def handle(cluster: Cluster, event: Any) -> Cluster | Status:
    name = event.release
    if validate_release_name(name) is not None:
        return refuse(f"uninstall: Release name is invalid: {name}")
    rels = storage.history(cluster, event.namespace, name)
    if not rels:
        return refuse(f"uninstall: Release not loaded: {name}: {storage.ERR_RELEASE_NOT_FOUND}")
    rel = rels[-1]
    if rel.status == UNINSTALLED:
        if not event.keep_history:
            return _purge(cluster, rels)
        return refuse(f'the release named "{name}" is already deleted')
    timeout = 300 if event.timeout is None else event.timeout
    return settle(begin(cluster, rel, keep_history=bool(event.keep_history), timeout=timeout))


def begin(cluster: Cluster, rel: Release, *, keep_history: bool, timeout: int,
          error: str = "") -> Running | Blocked | Cluster:
    """Run from the uninstalling mark on (also --atomic's uninstall of a failed install)."""
    latest = storage.last(cluster, rel.namespace, rel.name) or rel
    info = attrs.evolve(latest.info, status=UNINSTALLING, deleted=format_time(cluster.now),
                        description="Deletion in progress (or silently failed)")
    op = Operation("uninstall", "hooks:pre-delete", timeout=timeout,
                   keep_history=keep_history, error=error)
    return _steps(Running(cluster, attrs.evolve(latest, info=info), op))


def drive(run: Running) -> Cluster:
    return settle(_steps(run))


def _steps(run: Running) -> Running | Blocked | Cluster:
    if run.op.step.startswith("hooks:pre-delete"):
        done = run_hooks(run, "pre-delete")
        if isinstance(done, Failed):
            return record(done.run.cluster, done.run.rel)  # left uninstalling, as Helm does
        if isinstance(done, Blocked):
            return done
        cluster = record(done.cluster, done.rel)
        cluster = _delete_release(cluster, done.rel)
        run = Running(cluster, done.rel, attrs.evolve(done.op, step="hooks:post-delete"))
    if run.op.step.startswith("hooks:post-delete"):
        done = run_hooks(run, "post-delete")
        if isinstance(done, Blocked):
            return done
        run = done.run if isinstance(done, Failed) else done
    rel = run.rel.set_status(UNINSTALLED, "Uninstallation complete")
    if not run.op.keep_history:
        return _purge(run.cluster, storage.history(run.cluster, rel.namespace, rel.name))
    cluster = record(run.cluster, rel)
    for deployed in storage.deployed_all(cluster, rel.namespace, rel.name):
        cluster = record(cluster, deployed.set_status(SUPERSEDED))
    return cluster


def _delete_release(cluster: Cluster, rel: Release) -> Cluster:
    """deleteRelease: the manifest's objects in UninstallOrder, those marked keep kept."""
    docs = releaseutil.split_manifests(rel.manifest)
    try:
        _, manifests = releaseutil.sort_manifests(
            {f"manifest-{i}": d for i, d in enumerate(docs)}, releaseutil.UNINSTALL_ORDER)
    except releaseutil.ManifestError:
        return cluster
    text = "".join("\n---\n" + m.content for m in manifests
                   if not releaseutil.has_keep_policy(m.annotations))
    try:
        infos = kube.build(text, rel.namespace)
    except kube.BuildError:
        return cluster
    cluster, _ = kube.delete(cluster, infos)
    return cluster


def _purge(cluster: Cluster, rels: list[Release]) -> Cluster:
    for rel in rels:
        cluster = storage.delete(cluster, rel.namespace, rel.name, rel.version)
    return cluster
