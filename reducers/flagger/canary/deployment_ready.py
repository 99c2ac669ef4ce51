"""Whether a Deployment Flagger drives is ready: rolled out, available, not stuck.

Models: fluxcd/flagger pkg/canary/deployment_ready.go (IsPrimaryReady, IsCanaryReady,
isDeploymentReady, getDeploymentCondition).
Simplifies: IsPrimaryReady's "primary deployment is scaled to zero" check compares two
pointers in Go and so never fires; it is left out. The progress deadline is measured on the
logical clock.
Covered by: tests/test_flagger_canary.py (TestDeploymentController_isDeploymentReady).
"""

from __future__ import annotations

import struct
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import (
    Canary,
    get_analysis_canary_ready_threshold,
    get_analysis_primary_ready_threshold,
    get_progress_deadline_seconds,
    target_name,
)

Ready = tuple[bool, str | None]  # (retriable, error)


def _f32(value: float) -> float:
    """The value as a Go float32 (the ready threshold is computed in float32)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def get_deployment_condition(status: Any, cond_type: str) -> Any:
    """getDeploymentCondition."""
    return next((c for c in status.conditions if c.type == cond_type), None)


def is_deployment_ready(deployment: Any, deadline: int, ready_threshold: int, now: int
                        ) -> Ready:
    """isDeploymentReady: observed, rolled out (every replica updated, no old one left) and
    enough updated replicas available; a rollout stuck past the deadline (Available False
    for MinimumReplicasUnavailable longer than `deadline` seconds, or ProgressDeadlineExceeded)
    is not retriable."""
    status = deployment.status
    if (deployment.metadata.generation or 0) > (status.observed_generation or 0):
        return True, "waiting for rollout to finish: observed deployment generation less " \
                     "than desired generation"
    retriable = True
    progress = get_deployment_condition(status, "Progressing")
    if progress is not None:
        available = get_deployment_condition(status, "Available")
        if available is not None and available.status == "False" \
                and available.reason == "MinimumReplicasUnavailable":
            since = available.last_update_time or 0
            retriable = not since + deadline < now
    updated = status.updated_replicas or 0
    ratio = _f32(_f32(ready_threshold) / _f32(100))
    threshold_updated = int(_f32(_f32(updated) * ratio))
    replicas = deployment.spec.replicas
    if progress is not None and progress.reason == "ProgressDeadlineExceeded":
        return False, f'deployment "{deployment.metadata.name}" exceeded its progress deadline'
    if replicas is not None and updated < replicas:
        return retriable, f"waiting for rollout to finish: {updated} out of {replicas} new " \
                          "replicas have been updated"
    if (status.replicas or 0) > updated:
        return retriable, f"waiting for rollout to finish: {(status.replicas or 0) - updated} " \
                          "old replicas are pending termination"
    if (status.available_replicas or 0) < threshold_updated:
        return retriable, f"waiting for rollout to finish: {status.available_replicas or 0} " \
                          f"of {threshold_updated} (readyThreshold {ready_threshold}%) " \
                          "updated replicas are available"
    return True, None


def is_primary_ready(cluster: Cluster, cd: Canary) -> Ready:
    """IsPrimaryReady: `<target>-primary` is ready (primaryReadyThreshold)."""
    namespace = cd.metadata.namespace or "default"
    name = f"{target_name(cd)}-primary"
    primary = cluster.get("Deployment", namespace, name)
    if primary is None:
        return True, f'deployment {name}.{namespace} get query error: deployments.apps ' \
                     f'"{name}" not found'
    retriable, err = is_deployment_ready(primary, get_progress_deadline_seconds(cd),
                                         get_analysis_primary_ready_threshold(cd), cluster.now)
    if err is not None:
        return retriable, f"{name}.{namespace} not ready: {err}"
    return True, None


def is_canary_ready(cluster: Cluster, cd: Canary) -> Ready:
    """IsCanaryReady: the target Deployment is ready (canaryReadyThreshold)."""
    namespace, name = cd.metadata.namespace or "default", target_name(cd)
    canary = cluster.get("Deployment", namespace, name)
    if canary is None:
        return True, f'deployment {name}.{namespace} get query error: deployments.apps ' \
                     f'"{name}" not found'
    retriable, err = is_deployment_ready(canary, get_progress_deadline_seconds(cd),
                                         get_analysis_canary_ready_threshold(cd), cluster.now)
    if err is not None:
        return retriable, f"canary deployment {name}.{namespace} not ready: {err}"
    return True, None
