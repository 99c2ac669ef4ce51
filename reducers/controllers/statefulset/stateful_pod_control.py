"""StatefulPodControl: how the StatefulSet controller creates, updates and deletes its pods and
creates their PersistentVolumeClaims.

Each function returns `(cluster, error)`: the error is the message Go's error would print, and
None on success.

Models (v1.34): pkg/controller/statefulset/stateful_pod_control.go — CreateStatefulPod,
UpdateStatefulPod, DeleteStatefulPod, ClaimsMatchRetentionPolicy,
UpdatePodClaimForRetentionPolicy, PodClaimIsStale, createMissingPersistentVolumeClaims,
createPersistentVolumeClaims (StatefulSetAutoDeletePVC is GA: always on).
Simplifies: RetryOnConflict never retries (the controller writes without a resourceVersion);
events (SuccessfulCreate, FailedCreate, ...) are not recorded.
Covered by: tests/test_stateful_set_control.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.statefulset.stateful_set_utils import (
    RETAIN,
    get_ordinal,
    get_persistent_volume_claim_name,
    get_persistent_volume_claim_retention_policy,
    get_persistent_volume_claims,
    has_stale_owner_ref,
    identity_matches,
    is_claim_owner_up_to_date,
    storage_matches,
    update_claim_owner_ref_for_set_and_pod,
    update_identity,
    update_storage,
)

Err = str | None


def create_stateful_pod(cluster: Cluster, sts: Any, pod: Any) -> tuple[Cluster, Err]:
    """CreateStatefulPod: the claims first, then the pod, then the claims' owners."""
    cluster, err = create_persistent_volume_claims(cluster, sts, pod)
    if err is not None:
        return cluster, err
    result = apiserver.create(cluster, pod)
    if isinstance(result, Status):
        return cluster, result.message
    # Go passes its own copy of the pod (no uid yet), not the created one.
    return update_pod_claim_for_retention_policy(result.cluster, sts, pod)


def update_stateful_pod(cluster: Cluster, sts: Any, pod: Any) -> tuple[Cluster, Err]:
    """UpdateStatefulPod: restore the pod's identity and storage (creating missing claims) and
    its claims' owners; write the pod when it changed."""
    consistent = True
    if not identity_matches(sts, pod):
        pod = update_identity(sts, pod)
        consistent = False
    if not storage_matches(sts, pod):
        pod = update_storage(sts, pod)
        consistent = False
        cluster, err = create_persistent_volume_claims(cluster, sts, pod)
        if err is not None:
            return cluster, err
    match, err = claims_match_retention_policy(cluster, sts, pod)
    if err is not None:
        return cluster, err
    if not match:
        cluster, err = update_pod_claim_for_retention_policy(cluster, sts, pod)
        if err is not None:
            return cluster, err
        consistent = False
    if consistent:
        return cluster, None
    result = apiserver.update(cluster, attrs.evolve(pod, metadata=attrs.evolve(
        pod.metadata, resource_version=None)))
    if isinstance(result, Status):
        return cluster, result.message
    return result.cluster, None


def delete_stateful_pod(cluster: Cluster, sts: Any, pod: Any) -> tuple[Cluster, Status | None]:
    """DeleteStatefulPod (the rejection is returned whole: callers ignore NotFound)."""
    result = apiserver.delete(cluster, "Pod", pod.metadata.namespace, pod.metadata.name)
    if isinstance(result, Status):
        return cluster, result
    return result.cluster, None


def _claim_of(cluster: Cluster, sts: Any, template: Any, ordinal: int) -> Any:
    name = get_persistent_volume_claim_name(sts, template, ordinal)
    return cluster.get("PersistentVolumeClaim", sts.metadata.namespace, name)


def claims_match_retention_policy(cluster: Cluster, sts: Any, pod: Any) -> tuple[bool, Err]:
    """ClaimsMatchRetentionPolicy: every existing claim's owners agree with the policy (a
    missing claim is picked up later)."""
    ordinal = get_ordinal(pod)
    for template in sts.spec.volume_claim_templates:
        claim = _claim_of(cluster, sts, template, ordinal)
        if claim is not None and not is_claim_owner_up_to_date(claim, sts, pod):
            return False, None
    return True, None


def update_pod_claim_for_retention_policy(cluster: Cluster, sts: Any, pod: Any
                                          ) -> tuple[Cluster, Err]:
    """UpdatePodClaimForRetentionPolicy: rewrite the owners of each claim that disagrees."""
    ordinal = get_ordinal(pod)
    for template in sts.spec.volume_claim_templates:
        claim = _claim_of(cluster, sts, template, ordinal)
        if claim is None or is_claim_owner_up_to_date(claim, sts, pod):
            continue
        updated = update_claim_owner_ref_for_set_and_pod(claim, sts, pod)
        result = apiserver.update(cluster, attrs.evolve(updated, metadata=attrs.evolve(
            updated.metadata, resource_version=None)))
        if isinstance(result, Status):
            return cluster, (f"could not update claim {claim.metadata.name} for delete policy "
                             f"ownerRefs: {result.message}")
        cluster = result.cluster
    return cluster, None


def pod_claim_is_stale(cluster: Cluster, sts: Any, pod: Any) -> tuple[bool, Err]:
    """PodClaimIsStale: under a Delete-on-scale policy, a claim still owned by an earlier pod of
    the same name blocks the pod's creation."""
    policy = get_persistent_volume_claim_retention_policy(sts)
    if policy.when_scaled == RETAIN:
        return False, None
    for _, claim in get_persistent_volume_claims(sts, pod):
        pvc = cluster.get("PersistentVolumeClaim", claim.metadata.namespace,
                          claim.metadata.name)
        if pvc is not None and has_stale_owner_ref(pvc, pod, "v1", "Pod"):
            return True, None
    return False, None


def create_missing_persistent_volume_claims(cluster: Cluster, sts: Any, pod: Any
                                            ) -> tuple[Cluster, Err]:
    """createMissingPersistentVolumeClaims: the claims, then their owners."""
    cluster, err = create_persistent_volume_claims(cluster, sts, pod)
    if err is not None:
        return cluster, err
    return update_pod_claim_for_retention_policy(cluster, sts, pod)


def create_persistent_volume_claims(cluster: Cluster, sts: Any, pod: Any
                                    ) -> tuple[Cluster, Err]:
    """createPersistentVolumeClaims: create each missing claim; a claim being deleted is an
    error (the pod waits for it to go)."""
    errors: list[str] = []
    for _, claim in get_persistent_volume_claims(sts, pod):
        pvc = cluster.get("PersistentVolumeClaim", claim.metadata.namespace,
                          claim.metadata.name)
        if pvc is None:
            result = apiserver.create(cluster, claim)
            if isinstance(result, Status):
                errors.append(f"failed to create PVC {claim.metadata.name}: {result.message}")
            else:
                cluster = result.cluster
        elif pvc.metadata.deletion_timestamp is not None:
            errors.append(f"pvc {claim.metadata.name} is being deleted")
    return cluster, aggregate(errors)


def aggregate(errors: list[str]) -> Err:
    """utilerrors.NewAggregate(errors).Error()."""
    if not errors:
        return None
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
