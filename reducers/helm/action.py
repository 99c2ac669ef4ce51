"""What the Helm actions share: the operation that waits, hooks, and the driver that resumes it.

A Helm command runs to completion in one process, blocking while hooks run and while `--wait`
polls. Here time is the cluster's: an action runs until it must wait, then its state (an
`Operation`: which step, which hook, when it times out, when it polls next) is stored on the
pending release's Secret, and the `helm` controller (key `namespace/release`) resumes it when
a hook object changes or when its poll falls due (enqueue_after). `resume` runs steps until one
must wait or the operation ends; the release record then reads as Helm's would.

Models: helm.sh/helm/v3 (v3.21) pkg/action/hooks.go (execHook: hooks of one event sorted by
weight then name, before-hook-creation as the default delete policy, LastRun's phases, the
hook-succeeded and hook-failed policies), pkg/kube/wait.go (a poll every 2 s, the timeout),
pkg/action/action.go (errPending and the other action errors).
Simplifies: waiting for a deleted hook object to go (WaitForDelete) is a poll like the others;
hook output logs (helm.sh/hook-output-log-policy) are recorded, not printed; CRDs in crds/ are
not installed before the chart.
Covered by: tests/test_helm_action.py, tests/test_helm_hooks.py, tests/test_properties_helm.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers.helm import kube, storage
from kubefold.reducers.helm.release import (
    BEFORE_HOOK_CREATION,
    HOOK_FAILED,
    HOOK_SUCCEEDED,
    PHASE_FAILED,
    PHASE_RUNNING,
    PHASE_SUCCEEDED,
    PHASE_UNKNOWN,
    Hook,
    HookExecution,
    Release,
    format_time,
)

NAME = "helm"
DEFAULT_TIMEOUT = 300  # --timeout 5m0s
DEFAULT_HISTORY_MAX = 10  # --history-max, as the CLI defaults it (HELM_MAX_HISTORY)
ERR_PENDING = "another operation (install/upgrade/rollback) is in progress"
ERR_INVALID_REVISION = "invalid release revision"
ERR_MISSING_RELEASE = "no release provided"


def refuse(message: str) -> Status:
    """A refused Helm command: the cluster is unchanged, the text is Helm's."""
    return Status("HelmError", 400, message)


@attrs.frozen
class Operation:
    """An action part-way through, as the Helm process would hold it.

    `step` names where it stands (for example `hooks:pre-upgrade`, `wait`, `deleting`);
    `index` the hook being run; `deadline` when the current wait times out; `next_poll` when
    a --wait poll falls due; `current` the revision the action started from; `error` the
    original error an atomic rollback or uninstall reports."""

    action: str
    step: str
    timeout: int = DEFAULT_TIMEOUT
    wait: bool = False
    wait_for_jobs: bool = False
    atomic: bool = False
    keep_history: bool = False
    current: int = 0
    index: int = 0
    deadline: int = 0
    next_poll: int = 0
    error: str = ""

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Operation | None:
        try:
            data = json.loads(text)
            return cls(**data)
        except (ValueError, TypeError):
            return None


@attrs.frozen
class Running:
    """An operation between steps: the cluster, the release as the process holds it, the
    operation. A step returns a Running (go on), or a `Blocked` (store and wait), or a
    finished cluster."""

    cluster: Cluster
    rel: Release
    op: Operation


@attrs.frozen
class Blocked:
    run: Running
    after: int  # seconds until the controller should look again (0: only on a watch event)


@attrs.frozen
class Failed:
    """A step that failed: the operation as it stood (hook phases, deletions done) and Helm's
    error."""

    run: Running
    error: str


Step = Callable[[Running], "Running | Blocked | Cluster"]


def key_of(namespace: str, name: str) -> str:
    return f"{namespace}/{name}"


def record(cluster: Cluster, rel: Release, op: Operation | None = None) -> Cluster:
    """recordRelease: Update the stored revision (errors ignored, as Helm ignores them)."""
    return storage.update(cluster, rel, None if op is None else op.to_json())


def store_blocked(blocked: Blocked) -> Cluster:
    """Keep the operation on the pending release's Secret and wake the controller later."""
    run = blocked.run
    cluster = record(run.cluster, run.rel, run.op)
    key = key_of(run.rel.namespace, run.rel.name)
    if blocked.after > 0:
        cluster = cluster.enqueue_after(NAME, key, blocked.after)
    return cluster


# -- hooks (hooks.go execHook), resumable ------------------------------------------------------


def executing_hooks(rel: Release, event: str) -> list[tuple[int, Hook]]:
    """The hooks of one event with their index in rel.hooks, sorted by weight then name
    (hookByWeight, a stable sort over hooks already ordered by kind)."""
    found = [(i, h) for i, h in enumerate(rel.hooks) if event in h.events]
    return sorted(found, key=lambda ih: (ih[1].weight, ih[1].name))


def _with_hook(rel: Release, index: int, hook: Hook) -> Release:
    hooks = list(rel.hooks)
    hooks[index] = hook
    return attrs.evolve(rel, hooks=tuple(hooks))


def _hook_infos(hook: Hook, namespace: str) -> list[kube.Info]:
    try:
        return kube.build(hook.manifest, namespace)
    except kube.BuildError:
        return []


def _delete_hook_by_policy(cluster: Cluster, hook: Hook, policy: str, namespace: str
                           ) -> Cluster:
    """deleteHookByPolicy (never a CustomResourceDefinition)."""
    if hook.kind == "CustomResourceDefinition" or policy not in hook.delete_policies:
        return cluster
    cluster, _ = kube.delete(cluster, _hook_infos(hook, namespace))
    return cluster


def _hooks_gone(cluster: Cluster, hook: Hook, namespace: str) -> bool:
    return all(kube.live(cluster, i) is None for i in _hook_infos(hook, namespace))


def run_hooks(run: Running, event: str) -> Running | Blocked | Failed:
    """execHook from where the operation stands: a Running when every hook of `event` has
    succeeded (and been deleted by policy), a Blocked while one runs, or the error."""
    op, now = run.op, run.cluster.now
    hooks = executing_hooks(run.rel, event)
    while op.index < len(hooks):
        index, hook = hooks[op.index]
        phase = op.step.rsplit(":", 1)[-1] if op.step.count(":") == 2 else "start"
        cluster, rel = run.cluster, run.rel
        if phase == "start":
            if not hook.delete_policies:
                hook = attrs.evolve(hook, delete_policies=(BEFORE_HOOK_CREATION,))
                rel = _with_hook(rel, index, hook)
            cluster = _delete_hook_by_policy(cluster, hook, BEFORE_HOOK_CREATION,
                                             rel.namespace)
            op = attrs.evolve(op, step=f"hooks:{event}:deleting", deadline=now + op.timeout)
            run = Running(cluster, rel, op)
            phase = "deleting"
        if phase == "deleting":
            if not _hooks_gone(run.cluster, hook, rel.namespace):
                if now >= op.deadline:
                    return Failed(run, kube.WAIT_TIMEOUT)
                return Blocked(run, kube.POLL_SECONDS)
            hook = attrs.evolve(hook, last_run=HookExecution(format_time(now), "",
                                                               PHASE_RUNNING))
            rel = _with_hook(run.rel, index, hook)
            cluster = record(run.cluster, rel)
            hook = attrs.evolve(hook, last_run=attrs.evolve(hook.last_run, phase=PHASE_UNKNOWN))
            rel = _with_hook(rel, index, hook)
            cluster, err = kube.create(cluster, _hook_infos(hook, rel.namespace))
            if err is not None:
                hook = attrs.evolve(hook, last_run=attrs.evolve(
                    hook.last_run, completed_at=format_time(now), phase=PHASE_FAILED))
                run = Running(cluster, _with_hook(rel, index, hook), op)
                return Failed(run, f"warning: Hook {event} {hook.path} failed: {err}")
            op = attrs.evolve(op, step=f"hooks:{event}:watching", deadline=now + op.timeout)
            run = Running(cluster, rel, op)
        done, err = _watch(run.cluster, hook, run.rel.namespace)
        if not done and now >= op.deadline:
            done, err = True, kube.WATCH_TIMEOUT
        if not done:
            return Blocked(run, op.deadline - now)
        hook = attrs.evolve(hook, last_run=attrs.evolve(
            hook.last_run, completed_at=format_time(now),
            phase=PHASE_FAILED if err else PHASE_SUCCEEDED))
        rel = _with_hook(run.rel, index, hook)
        if err is not None:
            cluster = _delete_hook_by_policy(run.cluster, hook, HOOK_FAILED, rel.namespace)
            for _, earlier in [(i, rel.hooks[i]) for i, _ in hooks[:op.index]]:
                cluster = _delete_hook_by_policy(cluster, earlier, HOOK_SUCCEEDED,
                                                 rel.namespace)
            return Failed(Running(cluster, rel, op), err)
        op = attrs.evolve(op, step=f"hooks:{event}", index=op.index + 1)
        run = Running(run.cluster, rel, op)
    cluster = run.cluster
    for index, _ in reversed(hooks):
        cluster = _delete_hook_by_policy(cluster, run.rel.hooks[index], HOOK_SUCCEEDED,
                                         run.rel.namespace)
    return Running(cluster, run.rel, attrs.evolve(op, index=0))


def _watch(cluster: Cluster, hook: Hook, namespace: str) -> tuple[bool, str | None]:
    for info in _hook_infos(hook, namespace):
        done, err = kube.hook_done(cluster, info)
        if not done or err is not None:
            return done, err
    return True, None


def run_wait(run: Running, infos: list[kube.Info]) -> Running | Blocked | Failed:
    """waitForResources from where the operation stands: polls every 2 s from the start; the
    timeout's deadline ends it with Helm's error."""
    op, now = run.op, run.cluster.now
    if op.step != "waiting":
        op = attrs.evolve(op, step="waiting", deadline=now + op.timeout, next_poll=now)
    if now >= op.deadline:
        return Failed(run, kube.WAIT_TIMEOUT)
    if now < op.next_poll:
        return Blocked(Running(run.cluster, run.rel, op), op.next_poll - now)
    ready, err = kube.all_ready(run.cluster, infos, op.wait_for_jobs)
    if err is not None:
        return Failed(run, err)
    if ready:
        return Running(run.cluster, run.rel, attrs.evolve(op, step="waited"))
    poll = min(now + kube.POLL_SECONDS, op.deadline)
    op = attrs.evolve(op, next_poll=now + kube.POLL_SECONDS)
    return Blocked(Running(run.cluster, run.rel, op), poll - now)


def hook_step(step: str) -> str:
    """The hook event a `hooks:<event>[:phase]` step runs."""
    return step.split(":")[1] if step.startswith("hooks:") else ""


def resume(cluster: Cluster, namespace: str, name: str) -> Cluster:
    """The controller's turn: carry the stored operation of the release's latest revision on."""
    from kubefold.reducers.helm import install, rollback, uninstall, upgrade

    rel = storage.last(cluster, namespace, name)
    if rel is None:
        return cluster
    text = storage.operation_of(cluster, namespace, name, rel.version)
    op = Operation.from_json(text) if text is not None else None
    if op is None:
        return cluster
    rel = attrs.evolve(rel, labels=rel.labels)
    drivers = {"install": install.drive, "upgrade": upgrade.drive,
               "rollback": rollback.drive, "uninstall": uninstall.drive}
    driver = drivers.get(op.action)
    if driver is None:
        return cluster
    return driver(Running(cluster, rel, op))


def settle(result: Running | Blocked | Cluster) -> Cluster:
    """A driver's end: a Blocked operation is stored; a finished one is already stored."""
    if isinstance(result, Blocked):
        return store_blocked(result)
    if isinstance(result, Running):
        return record(result.cluster, result.rel)
    return result


def has_operation(cluster: Cluster, rel: Release) -> bool:
    return storage.operation_of(cluster, rel.namespace, rel.name, rel.version) is not None


def infos_of(manifest: str, namespace: str) -> list[kube.Info]:
    try:
        return kube.build(manifest, namespace)
    except kube.BuildError:
        return []


def operation_fields(event: Any) -> dict[str, Any]:
    """The flags of a helm: event an operation keeps."""
    return {"timeout": DEFAULT_TIMEOUT if event.timeout is None else event.timeout,
            "wait": bool(event.wait or event.atomic), "atomic": bool(event.atomic)}


# -- what every action does first ---------------------------------------------------------------

VALID_NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
MAX_RELEASE_NAME_LEN = 53
ERR_INVALID_NAME = (f"invalid release name, must match regex {VALID_NAME} and the length must "
                    "not be longer than 53")


def validate_release_name(name: str) -> str | None:
    """chartutil.ValidateReleaseName."""
    import re

    if name == "":
        return "no name provided"
    if len(name) > MAX_RELEASE_NAME_LEN or not re.match(VALID_NAME, name):
        return ERR_INVALID_NAME
    return None


def merge_custom_labels(current: Any, desired: Any) -> Any:
    """mergeCustomLabels: desired over current, "null" values dropped."""
    from pyrsistent import pmap

    merged = {**dict(current), **dict(desired)}
    return pmap({k: v for k, v in merged.items() if v != "null"})


def render_resources(rendered: Any) -> tuple[tuple[Hook, ...], str, str] | str:
    """renderResources after the template engine: NOTES.txt out, hooks and manifests sorted,
    the manifest assembled; or the YAML parse error."""
    from kubefold.reducers.helm import releaseutil

    files, notes = releaseutil.split_notes(dict(rendered.files), rendered.name)
    try:
        hooks, manifests = releaseutil.sort_manifests(files)
    except releaseutil.ManifestError as exc:
        return str(exc)
    return tuple(hooks), releaseutil.manifest_text(manifests), notes


def unrendered(event: Any) -> Status | None:
    """The shell renders install and upgrade charts; an event it did not reach is refused."""
    from kubefold.core.helm import Refusal, RenderedChart

    if isinstance(event.rendered, Refusal):
        return refuse(event.rendered.message)
    if not isinstance(event.rendered, RenderedChart):
        return refuse("helm: the chart was not rendered: replay helm: events through "
                      "kubefold's shell, with the kubefold[helm] extra installed "
                      "(pip install 'kubefold[helm]')")
    return None
