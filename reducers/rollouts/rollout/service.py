"""The Services a Rollout manages: their `rollouts-pod-template-hash` selector points at the
ReplicaSet that should receive their traffic (blue-green's active and preview, canary's stable
and canary), and the `argo-rollouts.argoproj.io/managed-by-rollouts` annotation says so.

Models: rollout/service.go (generatePatch, switchServiceSelector, reconcilePreviewService,
reconcileActiveService, getPreviewAndActiveServices, reconcileStableAndCanaryService,
ensureSVCTargets) and utils/service (GetRolloutSelectorLabel, HasManagedByAnnotation),
argo-rollouts at 9f8d111.
Simplifies: the strategic merge patch is an update of the stored Service (selector and
annotation set, nothing else changed); ping-pong services and AWS verification are not
modelled.
Covered by: tests/test_rollouts_bluegreen.py, tests/test_rollouts_canary.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.errors import Status, not_found_status
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout.context import (
    Err,
    RolloutContext,
    completed_pre_promotion_analysis,
)
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.rollout import is_dynamically_rolling_back_to_stable


def get_rollout_selector_label(svc: Any) -> str:
    """GetRolloutSelectorLabel: the hash a Service selects ("" for none)."""
    if svc is None:
        return ""
    return svc.spec.selector.get(rsutil.HASH_KEY, "")


def switch_service_selector(c: RolloutContext, svc: Any, new_hash: str) -> tuple[Any, Err]:
    """switchServiceSelector: point the Service at `new_hash` and mark it managed."""
    old = svc.spec.selector.get(rsutil.HASH_KEY)
    managed = ann.MANAGED_BY_ROLLOUTS_KEY in svc.metadata.annotations
    if old is not None and old == new_hash and managed:
        return svc, None
    fresh = c.cluster.get("Service", svc.metadata.namespace, svc.metadata.name)
    if fresh is None:
        return svc, not_found_status("services", svc.metadata.name)
    annotations = fresh.metadata.annotations
    if ann.MANAGED_BY_ROLLOUTS_KEY not in annotations:
        annotations = annotations.set(ann.MANAGED_BY_ROLLOUTS_KEY, c.rollout.metadata.name)
    patched = attrs.evolve(
        fresh, metadata=attrs.evolve(fresh.metadata, annotations=annotations,
                                     resource_version=None),
        spec=attrs.evolve(fresh.spec, selector=fresh.spec.selector.set(rsutil.HASH_KEY,
                                                                       new_hash)))
    written = apiserver.update(c.cluster, patched)
    if isinstance(written, Status):
        return svc, written
    c.cluster = written.cluster
    return written.object, None


def reconcile_preview_service(c: RolloutContext, preview_svc: Any) -> tuple[Any, Err]:
    """reconcilePreviewService: the preview Service at the new ReplicaSet. Returns the Service
    as it now is (Go's switchServiceSelector updates the lister's object in place, so the rest
    of the sync sees the new selector)."""
    if preview_svc is None or c.halt_progress():
        return preview_svc, None
    return switch_service_selector(c, preview_svc,
                                   c.new_rs.metadata.labels.get(rsutil.HASH_KEY, ""))


def reconcile_active_service(c: RolloutContext, active_svc: Any) -> tuple[Any, Err]:
    """reconcileActiveService: switch the active Service to the new ReplicaSet once it is
    saturated and the pause and pre-promotion analysis allow; back to stable on abort.
    Returns the Service as it now is."""
    from kubefold.reducers.rollouts.rollout.bluegreen import is_blue_green_fast_tracked

    if c.halt_progress():
        return active_svc, None
    if not rsutil.ready_for_pause(c.rollout, c.new_rs, c.all_rss) \
            or not ann.is_saturated(c.rollout, c.new_rs):
        return active_svc, None
    new_hash = active_svc.spec.selector.get(rsutil.HASH_KEY, "")
    if is_blue_green_fast_tracked(c, active_svc):
        new_hash = c.new_rs.metadata.labels.get(rsutil.HASH_KEY, "")
    if c.pause_context.completed_blue_green_pause(c.now) and completed_pre_promotion_analysis(c):
        new_hash = c.new_rs.metadata.labels.get(rsutil.HASH_KEY, "")
    if c.rollout.status.abort:
        new_hash = c.rollout.status.stable_rs or ""
    return switch_service_selector(c, active_svc, new_hash)


def get_preview_and_active_services(c: RolloutContext) -> tuple[Any, Any, Err]:
    blue_green = c.rollout.spec.strategy.blue_green
    namespace = c.rollout.metadata.namespace
    preview = None
    if blue_green.preview_service:
        preview = c.cluster.get("Service", namespace, blue_green.preview_service)
        if preview is None:
            return None, None, not_found_status("services", blue_green.preview_service)
    active = c.cluster.get("Service", namespace, blue_green.active_service or "")
    if active is None:
        return None, None, not_found_status("services", blue_green.active_service)
    return preview, active, None


def reconcile_stable_and_canary_service(c: RolloutContext) -> Err:
    """reconcileStableAndCanaryService: the stable Service at the stable ReplicaSet; the canary
    Service at the new one (at the stable on a basic-canary abort)."""
    canary = c.rollout.spec.strategy.canary
    if canary is None:
        return None
    err = ensure_svc_targets(c, canary.stable_service, c.stable_rs, True)
    if err is not None:
        return err
    if c.pause_context.is_aborted() and canary.traffic_routing is None:
        return ensure_svc_targets(c, canary.canary_service, c.stable_rs, True)
    if is_dynamically_rolling_back_to_stable(c.rollout, c.new_rs)[0]:
        return None
    return ensure_svc_targets(c, canary.canary_service, c.new_rs, True)


def ensure_svc_targets(c: RolloutContext, svc_name: str | None, rs: Any,
                       check_availability: bool) -> Err:
    """ensureSVCTargets: switch the Service when the ReplicaSet can take it (a Service not yet
    managed waits for the ReplicaSet to be fully available; a managed one for any
    availability)."""
    if rs is None or not svc_name:
        return None
    svc = c.cluster.get("Service", c.rollout.metadata.namespace, svc_name)
    if svc is None:
        return not_found_status("services", svc_name)
    current = svc.spec.selector.get(rsutil.HASH_KEY, "")
    desired = rs.metadata.labels.get(rsutil.HASH_KEY, "")
    if current == desired:
        return None
    if ann.MANAGED_BY_ROLLOUTS_KEY not in svc.metadata.annotations and check_availability \
            and not rsutil.is_replica_set_available(rs):
        return None
    if check_availability and not rsutil.is_replica_set_partially_available(rs):
        return None
    _, err = switch_service_selector(c, svc, desired)
    return err
