"""helm rollback: a new revision carrying an earlier revision's chart, values and manifest.

Models: helm.sh/helm/v3 (v3.21) pkg/action/rollback.go (Run, prepareRollback: the revision
to roll back to (0: the previous one), "release has no %d version", the pending-rollback record
"Rollback to %d"; performRollback: pre-rollback hooks, Update, `Rollback "<name>" failed: ...`,
Wait with `Release "<name>" failed: ...`, post-rollback hooks, every deployed revision
superseded).
Simplifies: no --force, --recreate-pods, --cleanup-on-fail or --dry-run. As in Helm, a failing
pre- or post-rollback hook leaves the revision pending-rollback.
Covered by: tests/test_helm_action.py (pkg/action rollback_test.go cases).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers.helm import kube, storage
from kubefold.reducers.helm.action import (
    DEFAULT_HISTORY_MAX,
    DEFAULT_TIMEOUT,
    ERR_INVALID_REVISION,
    Blocked,
    Failed,
    Operation,
    Running,
    infos_of,
    record,
    refuse,
    run_hooks,
    run_wait,
    settle,
    validate_release_name,
)
from kubefold.reducers.helm.release import (
    DEPLOYED,
    FAILED,
    PENDING_ROLLBACK,
    SUPERSEDED,
    Info,
    Release,
    format_time,
)


def handle(cluster: Cluster, event: Any) -> Cluster | Status:
    name = event.release
    if validate_release_name(name) is not None:
        return refuse(f"prepareRollback: Release name is invalid: {name}")
    revision = event.revision or 0
    if revision < 0:
        return refuse(ERR_INVALID_REVISION)
    history_max = DEFAULT_HISTORY_MAX if event.history_max is None else event.history_max
    timeout = DEFAULT_TIMEOUT if event.timeout is None else event.timeout
    started = begin(cluster, event.namespace, name, revision, wait=bool(event.wait),
                    timeout=timeout, history_max=history_max)
    if isinstance(started, str):
        return refuse(started)
    return settle(started)


def begin(cluster: Cluster, namespace: str, name: str, revision: int, *, wait: bool,
          timeout: int, history_max: int, error: str = ""
          ) -> Running | Blocked | Cluster | str:
    """prepareRollback and Create, then performRollback; or Helm's error."""
    current = storage.last(cluster, namespace, name)
    if current is None:
        return storage.ERR_RELEASE_NOT_FOUND
    previous_version = revision or current.version - 1
    if not any(r.version == previous_version
               for r in storage.history(cluster, namespace, name)):
        return f"release has no {previous_version} version"
    previous = storage.get(cluster, namespace, name, previous_version)
    if previous is None:
        return storage.ERR_RELEASE_NOT_FOUND
    target = Release(
        name, current.namespace, current.version + 1,
        Info(first_deployed=current.info.first_deployed,
             last_deployed=format_time(cluster.now), status=PENDING_ROLLBACK,
             notes=previous.info.notes, description=f"Rollback to {previous_version}"),
        chart=previous.chart, config=previous.config, manifest=previous.manifest,
        hooks=previous.hooks, labels=previous.labels)
    op = Operation("rollback", "hooks:pre-rollback", timeout=timeout, wait=wait,
                   current=current.version, error=error)
    created = storage.create(cluster, target, max_history=history_max, operation=op.to_json())
    if isinstance(created, storage.StorageError):
        return str(created)
    return _steps(Running(created, target, op))


def drive(run: Running) -> Cluster:
    return settle(_steps(run))


def _steps(run: Running) -> Running | Blocked | Cluster:
    """performRollback from where the operation stands."""
    current = storage.revision(run.cluster, run.rel.namespace, run.rel.name, run.op.current)
    if run.op.step.startswith("hooks:pre-rollback"):
        done = run_hooks(run, "pre-rollback")
        if isinstance(done, Failed):
            return record(done.run.cluster, done.run.rel)  # left pending-rollback, as Helm does
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="update"))
    target = [kube.set_metadata(i, run.rel.name, run.rel.namespace)
              for i in infos_of(run.rel.manifest, run.rel.namespace)]
    if run.op.step == "update":
        original = infos_of(current.manifest, current.namespace) if current else []
        cluster, _, err = kube.update(run.cluster, original, target)
        if err is not None:
            rel = run.rel.set_status(FAILED, f'Rollback "{run.rel.name}" failed: {err}')
            if current is not None:
                cluster = record(cluster, current.set_status(SUPERSEDED))
            return record(cluster, rel)
        run = attrs.evolve(run, cluster=cluster,
                           op=attrs.evolve(run.op, step="wait" if run.op.wait
                                           else "hooks:post-rollback"))
    if run.op.step in ("wait", "waiting"):
        done = run_wait(run, target)
        if isinstance(done, Failed):
            rel = done.run.rel.set_status(FAILED, f'Release "{run.rel.name}" failed: '
                                                  f"{done.error}")
            return record(done.run.cluster, rel)
        if isinstance(done, Blocked):
            return done
        run = attrs.evolve(done, op=attrs.evolve(done.op, step="hooks:post-rollback"))
    if run.op.step.startswith("hooks:post-rollback"):
        done = run_hooks(run, "post-rollback")
        if isinstance(done, Failed):
            return record(done.run.cluster, done.run.rel)  # left pending-rollback, as Helm does
        if isinstance(done, Blocked):
            return done
        run = done
    cluster = run.cluster
    for rel in storage.deployed_all(cluster, run.rel.namespace, run.rel.name):
        cluster = record(cluster, rel.set_status(SUPERSEDED))
    return record(cluster, run.rel.set_status(DEPLOYED))
