"""`kubectl argo rollouts` verbs on kind Rollout, as the plugin computes its patches.

- promote: a paused Rollout resumes (spec.paused false), and the pause conditions are cleared
  or, when none, a canary's step index moves to the next step (after an inconclusive analysis
  that paused it, both); `full` sets status.promoteFull instead (skipping the remaining steps,
  pauses and analyses) when the desired ReplicaSet is not yet stable.
- abort: status.abort true; retry: status.abort false.
- pause: spec.paused true; resume: spec.paused false and the pause conditions cleared (the
  plugin's former `resume`, which `promote` replaced).
- restart: spec.restartAt now.
- undo: spec.template back to the ReplicaSet of the previous revision (or `toRevision`);
  with a workloadRef, the referenced Deployment's template.

Each status patch goes through the status subresource, as the plugin tries first; the spec
patch after it.

Models: pkg/kubectl-argo-rollouts/cmd/promote (PromoteRollout, getPatches, isInconclusive),
abort (AbortRollout), retry (RetryRollout), pause, restart (RestartRollout), undo
(RunUndoRollout, rolloutRevision, equalIgnoreHash, undoWorkloadRef) at argo-rollouts 9f8d111,
and the removed cmd/resume (unpausePatch, 3d513f680^).
Simplifies: the deprecated --skip-current-step and --skip-all-steps flags are not offered; a
skipped undo ("skipped rollback (current template already matches revision N)") writes
nothing and is not a rejection (the plugin prints it and exits 0).
Covered by: tests/test_rollouts_kubectl.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import Rollout
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver

REVISION_ANNOTATION = "rollout.argoproj.io/revision"
HASH_KEY = "rollouts-pod-template-hash"
RESOURCE = "rollouts.argoproj.io"


def handle(cluster: Cluster, event: Rollout) -> apiserver.Result:
    ro = cluster.get("Rollout", event.namespace or "default", event.name)
    if ro is None:
        return not_found_status(RESOURCE, event.name)
    action = event.action
    if action == "promote":
        return promote(cluster, ro, bool(event.full))
    if action == "abort":
        return _patch_status(cluster, ro, abort=True)
    if action == "retry":
        return _patch_status(cluster, ro, abort=None)
    if action == "pause":
        return _patch_spec(cluster, ro, paused=True)
    if action == "resume":
        return resume(cluster, ro)
    if action == "restart":
        return _patch_spec(cluster, ro, restart_at=cluster.now)
    return undo(cluster, ro, event.to_revision or 0)


def _fresh(obj: Any) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, resource_version=None))


def _patch_status(cluster: Cluster, ro: Any, **changes: Any) -> apiserver.Result:
    return apiserver.update_status(cluster, _fresh(attrs.evolve(
        ro, status=attrs.evolve(ro.status, **changes))))


def _patch_spec(cluster: Cluster, ro: Any, **changes: Any) -> apiserver.Result:
    return apiserver.update(cluster, _fresh(attrs.evolve(ro, spec=attrs.evolve(ro.spec,
                                                                                **changes))))


def _current_step_index(ro: Any) -> int | None:
    """GetCurrentCanaryStep's index: None without canary steps, else the recorded index
    (0 when none)."""
    canary = ro.spec.strategy.canary
    if canary is None or not canary.steps:
        return None
    return ro.status.current_step_index or 0


def _next_index(ro: Any) -> int | None:
    index = _current_step_index(ro)
    if index is None:
        return None
    return index + 1 if index < len(ro.spec.strategy.canary.steps) else index


def _is_inconclusive(ro: Any) -> bool:
    run = ro.status.canary.current_step_analysis_run_status
    return ro.spec.strategy.canary is not None and run is not None \
        and run.status == "Inconclusive"


def promote(cluster: Cluster, ro: Any, full: bool) -> apiserver.Result:
    """PromoteRollout with getPatches: the status patch, then the spec patch."""
    status_changes: dict[str, Any] | None = None
    unpause = bool(ro.spec.paused)
    if full:
        if (ro.status.current_pod_hash or "") != (ro.status.stable_rs or ""):
            status_changes = {"promote_full": True}
    elif _is_inconclusive(ro) and ro.status.pause_conditions and ro.status.controller_pause:
        index = _next_index(ro)
        if index is not None:
            status_changes = {"pause_conditions": pvector(), "controller_pause": None,
                              "current_step_index": index}
    elif ro.status.pause_conditions:
        status_changes = {"pause_conditions": pvector()}
    elif ro.spec.strategy.canary is not None:
        index = _next_index(ro)
        if index is not None:
            status_changes = {"pause_conditions": pvector(), "current_step_index": index}
    if status_changes is not None:
        written = _patch_status(cluster, ro, **status_changes)
        if isinstance(written, Status):
            return written
        cluster, ro = written.cluster, written.object
    if unpause:
        return _patch_spec(cluster, ro, paused=None)
    return apiserver.Written(cluster, ro)


def resume(cluster: Cluster, ro: Any) -> apiserver.Result:
    """The former `resume`: spec.paused false, pause conditions cleared."""
    written = _patch_status(cluster, ro, pause_conditions=pvector())
    if isinstance(written, Status):
        return written
    return _patch_spec(written.cluster, written.object, paused=None)


def _revision(rs: Any) -> int | None:
    text = rs.metadata.annotations.get(REVISION_ANNOTATION)
    if text is None:
        return 0
    try:
        return int(text)
    except ValueError:
        return None


def rollout_revision(cluster: Cluster, ro: Any, to_revision: int) -> Any:
    """rolloutRevision: the ReplicaSet of that revision, or (0) the previous one."""
    try:
        selector = label_selector_as_selector(ro.spec.selector)
    except ValueError as exc:
        return bad_request(f"failed to retrieve replica sets from rollout "
                           f"{ro.metadata.name}: {exc}")
    owned = [rs for rs in cluster.select("ReplicaSet", ro.metadata.namespace, selector)
             if any(r.controller and r.uid == ro.metadata.uid
                    for r in rs.metadata.owner_references)]
    latest_rev = previous_rev = -1
    latest = previous = None
    for rs in owned:
        v = _revision(rs)
        if v is None:
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous_rev, previous = latest_rev, latest
                latest_rev, latest = v, rs
            elif previous_rev < v:
                previous_rev, previous = v, rs
        elif to_revision == v:
            return rs
    if to_revision > 0:
        return bad_request(f"unable to find specified revision {to_revision} in history")
    if previous is None:
        return bad_request(f'no revision found for rollout "{ro.metadata.name}"')
    return previous


def _derivative(desired: Any, live: Any) -> bool:
    if desired is None or desired == {} or desired == []:
        return True
    if isinstance(desired, dict):
        return isinstance(live, dict) and all(_derivative(v, live.get(k))
                                              for k, v in desired.items())
    if isinstance(desired, list):
        return isinstance(live, list) and len(desired) == len(live) \
            and all(_derivative(d, v) for d, v in zip(desired, live, strict=True))
    return bool(desired == live)


def _without_hash(template: Any) -> dict[str, Any]:
    doc = thaw(encode(template)) if template is not None else {}
    ((doc.get("metadata") or {}).get("labels") or {}).pop(HASH_KEY, None)
    return doc


def undo(cluster: Cluster, ro: Any, to_revision: int) -> apiserver.Result:
    """RunUndoRollout: the ReplicaSet's template without its hash label, patched into the
    Rollout (or its workload)."""
    rs = rollout_revision(cluster, ro, to_revision)
    if isinstance(rs, Status):
        return rs
    if ro.spec.template is not None and _derivative(_without_hash(ro.spec.template),
                                                    _without_hash(rs.spec.template)):
        return apiserver.Written(cluster, ro)  # skipped rollback
    template = rs.spec.template
    template = attrs.evolve(template, metadata=attrs.evolve(
        template.metadata, labels=template.metadata.labels.discard(HASH_KEY)))
    ref = ro.spec.workload_ref
    if ref is not None:
        if ref.kind != "Deployment":
            return bad_request(f"workload of type {ref.kind} is not supported")
        d = cluster.get("Deployment", ro.metadata.namespace, ref.name)
        if d is None:
            return bad_request(f"failed restoring revision {to_revision}: deployments.apps "
                               f'"{ref.name}" not found')
        return apiserver.update(cluster, _fresh(attrs.evolve(
            d, spec=attrs.evolve(d.spec, template=template))))
    return _patch_spec(cluster, ro, template=template)
