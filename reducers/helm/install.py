"""helm install: a release's first revision.

Models: helm.sh/helm/v3 (v3.21) pkg/action/install.go (RunWithContext: availableName,
renderResources, the pending-install record "Initial install underway", existingResourceConflict,
performInstall: pre-install hooks, Create, Wait, post-install hooks, "Install complete";
failRelease: `Release "<name>" failed: ...`, and with --atomic an uninstall), and
cmd/helm/install.go (the "INSTALLATION FAILED" prefix).
Simplifies: no --replace, --create-namespace, --dry-run, --generate-name or --take-ownership;
objects to adopt are found again when the resources are created (after the pre-install hooks),
not before.
Covered by: tests/test_helm_action.py (pkg/action install_test.go cases).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers.helm import kube, storage
from kubefold.reducers.helm.action import (
    Blocked,
    Failed,
    Operation,
    Running,
    infos_of,
    operation_fields,
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
    PENDING_INSTALL,
    Info,
    Release,
    format_time,
)

PREFIX = "INSTALLATION FAILED: "


def handle(cluster: Cluster, event: Any) -> Cluster | Status:
    """Install.RunWithContext up to the stored pending-install record, then performInstall."""
    name, namespace = event.release, event.namespace
    if (why := validate_release_name(name)) is not None:
        return refuse(f'{PREFIX}release name "{name}": {why}')
    if storage.history(cluster, namespace, name):
        return refuse(f"{PREFIX}cannot re-use a name that is still in use")
    if (refused := unrendered(event)) is not None:
        return attrs.evolve(refused, message=PREFIX + refused.message
                            if not refused.message.startswith("helm:") else refused.message)
    parts = render_resources(event.rendered)
    if isinstance(parts, str):
        return refuse(PREFIX + parts)
    hooks, manifest, notes = parts
    now = format_time(cluster.now)
    rel = Release(name, namespace, 1,
                  Info(first_deployed=now, last_deployed=now, status=PENDING_INSTALL,
                       description="Initial install underway", notes=notes),
                  chart=event.rendered.chart, config=event.rendered.config, manifest=manifest,
                  hooks=hooks)
    try:
        resources = kube.build(manifest, namespace)
    except kube.BuildError as exc:
        return refuse(f"{PREFIX}unable to build kubernetes objects from release manifest: "
                      f"{exc}")
    _, conflict = kube.existing_resource_conflict(cluster, resources, name, namespace)
    if conflict is not None:
        return refuse(f"{PREFIX}Unable to continue with install: {conflict}")
    op = Operation("install", "hooks:pre-install", **operation_fields(event))
    created = storage.create(cluster, rel, operation=op.to_json())
    if isinstance(created, storage.StorageError):
        return refuse(f"{PREFIX}{created}")
    return drive(Running(created, rel, op))


def drive(run: Running) -> Cluster:
    """performInstall from where the operation stands."""
    return settle(_steps(run))


def _steps(run: Running) -> Running | Blocked | Cluster:
    if run.op.step.startswith("hooks:pre-install"):
        done = run_hooks(run, "pre-install")
        if isinstance(done, Failed):
            return fail(done.run, f"failed pre-install: {done.error}")
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="create"))
    resources = [kube.set_metadata(i, run.rel.name, run.rel.namespace)
                 for i in infos_of(run.rel.manifest, run.rel.namespace)]
    if run.op.step == "create":
        cluster, err = _create(run.cluster, resources)
        run = attrs.evolve(run, cluster=cluster)
        if err is not None:
            return fail(run, err)
        run = attrs.evolve(run, op=attrs.evolve(run.op, step="wait" if run.op.wait
                                                else "hooks:post-install"))
    if run.op.step in ("wait", "waiting"):
        done = run_wait(run, resources)
        if isinstance(done, Failed):
            return fail(done.run, done.error)
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="hooks:post-install"))
    if run.op.step.startswith("hooks:post-install"):
        done = run_hooks(run, "post-install")
        if isinstance(done, Failed):
            return fail(done.run, f"failed post-install: {done.error}")
        if isinstance(done, Blocked):
            return done
        run = done
    rel = run.rel.set_status(DEPLOYED, "Install complete")
    return storage.update(run.cluster, rel)


def _create(cluster: Cluster, resources: list[kube.Info]) -> tuple[Cluster, str | None]:
    """Create, or Update for the objects the release adopts."""
    adopt = [i for i in resources if kube.live(cluster, i) is not None]
    if not adopt:
        return kube.create(cluster, resources)
    cluster, _, err = kube.update(cluster, adopt, resources)
    return cluster, err


def fail(run: Running, err: str) -> Cluster | Running | Blocked:
    """failRelease: failed, recorded; with --atomic the release is uninstalled instead."""
    rel = run.rel.set_status(FAILED, f'Release "{run.rel.name}" failed: {err}')
    if run.op.atomic:
        from kubefold.reducers.helm import uninstall

        return uninstall.begin(run.cluster, rel, keep_history=False, timeout=run.op.timeout,
                               error=err)
    return storage.update(run.cluster, rel)
