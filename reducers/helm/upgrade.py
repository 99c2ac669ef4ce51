"""helm upgrade: a new revision of a deployed (or failed, or superseded) release.

Models: helm.sh/helm/v3 (v3.21) pkg/action/upgrade.go (RunWithContext, prepareUpgrade: the
last revision, errPending, the current release, reuseValues, the pending-upgrade record
"Preparing upgrade"; performUpgrade: existingResourceConflict on the objects new to the chart,
Create with MaxHistory; releasingUpgrade: pre-upgrade hooks, Update, Wait, post-upgrade hooks,
superseded and "Upgrade complete"; failRelease: `Upgrade "<name>" failed: ...`, and with
--atomic a rollback to the last superseded or deployed revision, waited on), and
cmd/helm/upgrade.go (the "UPGRADE FAILED" prefix, --history-max 10).
Simplifies: no --install, --force, --recreate-pods, --cleanup-on-fail, --reuse-values or
--reset-values (values given replace the release's; none given reuse them, as Helm's default
does — the shell renders with them).
Covered by: tests/test_helm_action.py (pkg/action upgrade_test.go cases).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers.helm import kube, storage
from kubefold.reducers.helm.action import (
    DEFAULT_HISTORY_MAX,
    ERR_PENDING,
    Blocked,
    Failed,
    Operation,
    Running,
    infos_of,
    merge_custom_labels,
    operation_fields,
    record,
    refuse,
    render_resources,
    run_hooks,
    run_wait,
    settle,
    unrendered,
    validate_release_name,
)
from kubefold.reducers.helm.release import (
    DEPLOYED,
    FAILED,
    PENDING_UPGRADE,
    SUPERSEDED,
    Info,
    Release,
    format_time,
    is_pending,
)

PREFIX = "UPGRADE FAILED: "


def current_release(cluster: Cluster, namespace: str, name: str
                    ) -> tuple[Release | None, Release | None, str | None]:
    """prepareUpgrade's lookups: (last, current, error)."""
    last = storage.last(cluster, namespace, name)
    if last is None:
        return None, None, storage.no_deployed_releases(name)
    if is_pending(last.status):
        return last, None, ERR_PENDING
    if last.status == DEPLOYED:
        return last, last, None
    current = storage.deployed(cluster, namespace, name)
    if current is None:
        if last.status in (FAILED, SUPERSEDED):
            return last, last, None
        return last, None, storage.no_deployed_releases(name)
    return last, current, None


def handle(cluster: Cluster, event: Any) -> Cluster | Status:
    name = event.release
    if validate_release_name(name) is not None:
        return refuse(f"{PREFIX}release name is invalid: {name}")
    last, current, err = current_release(cluster, event.namespace, name)
    if err is not None:
        return refuse(PREFIX + err)
    assert last is not None and current is not None
    if (refused := unrendered(event)) is not None:
        return attrs.evolve(refused, message=PREFIX + refused.message
                            if not refused.message.startswith("helm:") else refused.message)
    parts = render_resources(event.rendered)
    if isinstance(parts, str):
        return refuse(PREFIX + parts)
    hooks, manifest, notes = parts
    upgraded = Release(
        name, current.namespace, last.version + 1,
        Info(first_deployed=current.info.first_deployed,
             last_deployed=format_time(cluster.now), status=PENDING_UPGRADE,
             description="Preparing upgrade", notes=notes),
        chart=event.rendered.chart, config=event.rendered.config, manifest=manifest,
        hooks=hooks, labels=merge_custom_labels(last.labels, {}))
    try:
        kube.build(manifest, current.namespace)
    except kube.BuildError as exc:
        return refuse(f"{PREFIX}{exc}")
    try:
        original = kube.build(current.manifest, current.namespace)
    except kube.BuildError as exc:
        return refuse(f"{PREFIX}unable to build kubernetes objects from current release "
                      f"manifest: {exc}")
    target = [kube.set_metadata(i, name, current.namespace)
              for i in kube.build(manifest, current.namespace)]
    new = kube.difference(target, original)
    _, conflict = kube.existing_resource_conflict(cluster, new, name, current.namespace)
    if conflict is not None:
        return refuse(f"{PREFIX}Unable to continue with update: {conflict}")
    history_max = DEFAULT_HISTORY_MAX if event.history_max is None else event.history_max
    op = Operation("upgrade", "hooks:pre-upgrade", current=current.version,
                   **operation_fields(event))
    created = storage.create(cluster, upgraded, max_history=history_max,
                             operation=op.to_json())
    if isinstance(created, storage.StorageError):
        return refuse(f"{PREFIX}{created}")
    return drive(Running(created, upgraded, op))


def drive(run: Running) -> Cluster:
    return settle(_steps(run))


def _original(run: Running) -> Release | None:
    return storage.revision(run.cluster, run.rel.namespace, run.rel.name, run.op.current) \
        if run.op.current else None


def _steps(run: Running) -> Running | Blocked | Cluster:
    """releasingUpgrade from where the operation stands."""
    original = _original(run)
    if original is None:  # the revision it started from was pruned or deleted meanwhile
        return fail(run, storage.no_deployed_releases(run.rel.name))
    if run.op.step.startswith("hooks:pre-upgrade"):
        done = run_hooks(run, "pre-upgrade")
        if isinstance(done, Failed):
            return fail(done.run, f"pre-upgrade hooks failed: {done.error}")
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="update"))
    target = [kube.set_metadata(i, run.rel.name, run.rel.namespace)
              for i in infos_of(run.rel.manifest, run.rel.namespace)]
    if run.op.step == "update":
        current = infos_of(original.manifest, original.namespace)
        adopted = [i for i in kube.difference(target, current)
                   if kube.live(run.cluster, i) is not None]
        cluster, _, err = kube.update(run.cluster, current + adopted, target)
        run = attrs.evolve(run, cluster=cluster)
        if err is not None:
            return fail(run, err)
        run = attrs.evolve(run, op=attrs.evolve(run.op, step="wait" if run.op.wait
                                                else "hooks:post-upgrade"))
    if run.op.step in ("wait", "waiting"):
        done = run_wait(run, target)
        if isinstance(done, Failed):
            return fail(done.run, done.error)
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="hooks:post-upgrade"))
    if run.op.step.startswith("hooks:post-upgrade"):
        done = run_hooks(run, "post-upgrade")
        if isinstance(done, Failed):
            return fail(done.run, f"post-upgrade hooks failed: {done.error}")
        if isinstance(done, Blocked):
            return done
        run = done
    cluster = record(run.cluster, original.set_status(SUPERSEDED))
    return record(cluster, run.rel.set_status(DEPLOYED, "Upgrade complete"))


def fail(run: Running, err: str) -> Cluster | Blocked | Running:
    """failRelease: failed and recorded; with --atomic, a rollback to the last successful
    revision (superseded or deployed), which waits."""
    rel = run.rel.set_status(FAILED, f'Upgrade "{run.rel.name}" failed: {err}')
    cluster = record(run.cluster, rel)
    if not run.op.atomic:
        return cluster
    good = [r for r in storage.history(cluster, rel.namespace, rel.name)
            if r.status in (SUPERSEDED, DEPLOYED)]
    if not good:
        return cluster
    from kubefold.reducers.helm import rollback

    rolled = rollback.begin(cluster, rel.namespace, rel.name, good[-1].version, wait=True,
                            timeout=run.op.timeout, history_max=0, error=err)
    return cluster if isinstance(rolled, str) else rolled
