"""The Canary's status as Flagger writes it: the phase, weight, iterations, failed checks, the
spec hashes and the one `Promoted` condition.

Each setter is one UpdateStatus of Go's retry.RetryOnConflict loop: the first try writes the
copy of the Canary the caller holds (with what the caller changed in it, such as session
affinity cookies); when that copy is stale (another write of this sync came first), Go's retry
re-reads the Canary and writes that instead, and so does kubefold.

Models: fluxcd/flagger pkg/canary/status.go (syncCanaryStatus, setStatusFailedChecks,
setStatusWeight, setStatusIterations, setStatusPhase, getStatusCondition,
MakeStatusConditions) and deployment_status.go (SyncStatus, SetStatus*); the scheduler's
setPhaseInitializing (pkg/controller/scheduler.go).
Simplifies: updateStatusWithUpgrade's upgrade of v1alpha objects is not needed (only v1beta1
is served).
Covered by: tests/test_flagger_canary.py, tests/test_flagger_scheduler.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import (
    FAILED,
    FINALISING,
    INITIALIZED,
    INITIALIZING,
    PROGRESSING,
    PROMOTED,
    PROMOTING,
    SUCCEEDED,
    WAITING,
    WAITING_PROMOTION,
    Canary,
    CanaryStatus,
    get_analysis,
    target_kind,
    target_name,
)
from kubefold.core.objects import Condition
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary import config_tracker
from kubefold.reducers.flagger.canary.util import compute_spec_hash

Step = tuple[Cluster, str | None]


@attrs.frozen
class StatusUpdate:
    """The flaggerv1.CanaryStatus a SyncStatus call passes: phase and counters."""

    phase: str
    canary_weight: int = 0
    failed_checks: int = 0
    iterations: int = 0


def get_status_condition(status: CanaryStatus, cond_type: str) -> Condition | None:
    """getStatusCondition."""
    return next((c for c in status.conditions if c.type == cond_type), None)


CONDITIONS = {
    INITIALIZING: ("Unknown", "New {kind} detected, starting initialization."),
    INITIALIZED: ("True", "{kind} initialization completed."),
    WAITING: ("Unknown", "Waiting for approval."),
    WAITING_PROMOTION: ("Unknown", "Waiting for approval."),
    PROGRESSING: ("Unknown", "New revision detected, progressing canary analysis."),
    PROMOTING: ("Unknown", "Canary analysis completed, starting primary rolling update."),
    FINALISING: ("Unknown", "Canary analysis completed, routing all traffic to primary."),
    SUCCEEDED: ("True", "Canary analysis completed successfully, promotion finished."),
    FAILED: ("False", "Canary analysis failed, {kind} scaled to zero."),
}


def make_status_conditions(cd: Canary, phase: str, now: int) -> tuple[bool, Any]:
    """MakeStatusConditions: the Promoted condition for a phase (reason: the phase), or False
    when the current one has the same status and reason; the transition time is kept while
    the status stays."""
    current = get_status_condition(cd.status, PROMOTED)
    status, message = CONDITIONS.get(
        phase, ("Unknown", "New {kind} detected, starting initialization."))
    message = message.format(kind=target_kind(cd))
    new = Condition(type=PROMOTED, status=status, last_update_time=now,
                    last_transition_time=now, message=message, reason=phase or None)
    if current is not None and current.status == new.status \
            and (current.reason or "") == (new.reason or ""):
        return False, None
    if current is not None and current.status == new.status:
        new = attrs.evolve(new, last_transition_time=current.last_transition_time)
    return True, pvector([new])


def _base(cluster: Cluster, cd: Canary) -> Canary | str:
    """The copy a write starts from: the caller's, unless it is stale (a conflict would make
    Go's retry re-read the Canary)."""
    namespace, name = cd.metadata.namespace or "default", cd.metadata.name or ""
    latest = cluster.get("Canary", namespace, name)
    if latest is None:
        return f'canary {name}.{namespace} get query failed: canaries.flagger.app "{name}" ' \
               "not found"
    if latest.metadata.resource_version != cd.metadata.resource_version:
        return latest  # type: ignore[no-any-return]
    return cd


def _write(cluster: Cluster, cd: Canary, status: CanaryStatus) -> Step:
    written = apiserver.update_status(cluster, attrs.evolve(cd, status=status))
    if isinstance(written, Status):
        return cluster, f"updating canary {cd.metadata.name}.{cd.metadata.namespace} status " \
                        f"failed: {written.message}"
    return written.cluster, None


def set_phase_initializing(cluster: Cluster, cd: Canary) -> Step:
    """setPhaseInitializing: phase Initializing with its condition."""
    base = _base(cluster, cd)
    if isinstance(base, str):
        return cluster, f"failed after retries: {base}"
    ok, conditions = make_status_conditions(base, INITIALIZING, cluster.now)
    if not ok:
        return cluster, None
    status = attrs.evolve(base.status, conditions=conditions,
                          last_transition_time=cluster.now, phase=INITIALIZING)
    return _write(cluster, base, status)


def sync_status(cluster: Cluster, cd: Canary, update: StatusUpdate) -> Step:
    """SyncStatus (Deployment): the phase and counters given, lastAppliedSpec the hash of the
    target's pod template (and lastPromotedSpec too on Initialized), the tracked configs,
    and the condition of the phase."""
    namespace, name = cd.metadata.namespace or "default", target_name(cd)
    dep = cluster.get("Deployment", namespace, name)
    if dep is None:
        return cluster, f"deployment {name}.{namespace} get query error: " \
                        f'deployments.apps "{name}" not found'
    configs = config_tracker.get_config_refs(cluster, cd)
    if isinstance(configs, str):
        return cluster, f"GetConfigRefs failed: {configs}"
    spec_hash = compute_spec_hash(dep.spec.template)
    base = _base(cluster, cd)
    if isinstance(base, str):
        return cluster, f"failed after retries: {base}"
    status = attrs.evolve(base.status, phase=update.phase,
                          canary_weight=update.canary_weight,
                          failed_checks=update.failed_checks, iterations=update.iterations,
                          last_applied_spec=spec_hash, last_transition_time=cluster.now,
                          tracked_configs=pmap(configs))
    if update.phase == INITIALIZED:
        status = attrs.evolve(status, last_promoted_spec=spec_hash)
    ok, conditions = make_status_conditions(base, update.phase, cluster.now)
    if ok:
        status = attrs.evolve(status, conditions=conditions)
    return _write(cluster, base, status)


def _set(cluster: Cluster, cd: Canary, **fields: Any) -> Step:
    base = _base(cluster, cd)
    if isinstance(base, str):
        return cluster, f"failed after retries: {base}"
    status = attrs.evolve(base.status, last_transition_time=cluster.now, **fields)
    return _write(cluster, base, status)


def set_status_failed_checks(cluster: Cluster, cd: Canary, val: int) -> Step:
    """SetStatusFailedChecks."""
    return _set(cluster, cd, failed_checks=val)


def set_status_weight(cluster: Cluster, cd: Canary, val: int) -> Step:
    """SetStatusWeight."""
    return _set(cluster, cd, canary_weight=val)


def set_status_iterations(cluster: Cluster, cd: Canary, val: int) -> Step:
    """SetStatusIterations."""
    return _set(cluster, cd, iterations=val)


def set_status_phase(cluster: Cluster, cd: Canary, phase: str) -> Step:
    """SetStatusPhase: outside Progressing, Waiting and Promoting the weight and iterations go
    to 0 (WaitingPromotion keeps iterations at analysis.iterations - 1); Initialized and
    Succeeded record the last applied spec as promoted."""
    base = _base(cluster, cd)
    if isinstance(base, str):
        return cluster, f"failed after retries: {base}"
    status = attrs.evolve(base.status, phase=phase, last_transition_time=cluster.now)
    if phase not in (PROGRESSING, WAITING, PROMOTING):
        iterations = 0
        if phase == WAITING_PROMOTION:
            iterations = (get_analysis(base).iterations or 0) - 1
        status = attrs.evolve(status, canary_weight=0, iterations=iterations)
    if phase in (INITIALIZED, SUCCEEDED):
        status = attrs.evolve(status, last_promoted_spec=base.status.last_applied_spec)
    ok, conditions = make_status_conditions(attrs.evolve(base, status=status), phase,
                                            cluster.now)
    if ok:
        status = attrs.evolve(status, conditions=conditions)
    return _write(cluster, base, status)
