"""The StatefulSet controller's one-object helpers: identity, storage, revisions, status.

Models (v1.34): pkg/controller/statefulset/stateful_set_utils.go — getParentNameAndOrdinal,
getOrdinal, getStartOrdinal, getEndOrdinal, podInOrdinalRange, getPodName,
getPersistentVolumeClaimName, isMemberOf, identityMatches, storageMatches,
getPersistentVolumeClaimRetentionPolicy, matchesRef, hasUnexpectedController,
hasNonControllerOwner, removeRefs, isClaimOwnerUpToDate, updateClaimOwnerRefForSetAndPod,
hasOwnerRef, hasStaleOwnerRef, addControllerRef, getPersistentVolumeClaims, updateStorage,
initIdentity, updateIdentity, isRunningAndReady, isRunningAndAvailable, isCreated, isPending,
isFailed, isSucceeded, isTerminating, isUnavailable, allowsBurst, setPodRevision,
getPodRevision, newStatefulSetPod, newVersionedStatefulSetPod, getPatch, newRevision,
ApplyRevision, nextRevision, inconsistentStatus, completeRollingUpdate.

Simplifies:
- updateStorage and getPersistentVolumeClaims iterate a Go map (random order); kubefold keeps
  the order of the claim templates.
- ApplyRevision is the strategic merge of a `$patch: replace` template: the set with the
  revision's template.
- A pod's volumes, hostname and subdomain are kept in the pod spec's unmodelled JSON.

Covered by: tests/test_stateful_set_utils.py.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.apps import (
    StatefulSet,
    StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetStatus,
)
from kubefold.core.gojson import template_from_patch
from kubefold.core.objects import OwnerReference, Pod, PodTemplateSpec
from kubefold.core.podutil import is_pod_available, is_pod_ready
from kubefold.core.schema import freeze, thaw
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.controller_utils import get_pod_from_template

API_VERSION = "apps/v1"
KIND = "StatefulSet"
STATEFUL_SET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
STATEFUL_SET_REVISION_LABEL = "controller-revision-hash"
RETAIN, DELETE = "Retain", "Delete"
ROLLING_UPDATE, ON_DELETE = "RollingUpdate", "OnDelete"
PARALLEL = "Parallel"
_STATEFUL_POD_REGEX = re.compile(r"(.*)-([0-9]+)$", re.DOTALL)
_INT32_MAX = 2**31 - 1


# -- identity ----------------------------------------------------------------------------------


def get_parent_name_and_ordinal(pod: Any) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) when the name has no `-<ordinal>` suffix."""
    match = _STATEFUL_POD_REGEX.search(pod.metadata.name or "")
    if match is None:
        return "", -1
    digits = match.group(2)
    ordinal = int(digits) if int(digits) <= _INT32_MAX else -1
    return match.group(1), ordinal


def get_ordinal(pod: Any) -> int:
    """getOrdinal."""
    return get_parent_name_and_ordinal(pod)[1]


def get_start_ordinal(sts: StatefulSet) -> int:
    """getStartOrdinal: spec.ordinals.start, or 0."""
    return (sts.spec.ordinals.start or 0) if sts.spec.ordinals is not None else 0


def get_end_ordinal(sts: StatefulSet) -> int:
    """getEndOrdinal (inclusive)."""
    return get_start_ordinal(sts) + replicas(sts) - 1


def replicas(sts: StatefulSet) -> int:
    return sts.spec.replicas or 0


def pod_in_ordinal_range(pod: Any, sts: StatefulSet) -> bool:
    """podInOrdinalRange."""
    ordinal = get_ordinal(pod)
    return get_start_ordinal(sts) <= ordinal <= get_end_ordinal(sts)


def get_pod_name(sts: StatefulSet, ordinal: int) -> str:
    """getPodName: `<set>-<ordinal>`."""
    return f"{sts.metadata.name}-{ordinal}"


def get_persistent_volume_claim_name(sts: StatefulSet, claim: Any, ordinal: int) -> str:
    """getPersistentVolumeClaimName: `<claim>-<set>-<ordinal>`."""
    return f"{claim.metadata.name}-{sts.metadata.name}-{ordinal}"


def is_member_of(sts: StatefulSet, pod: Any) -> bool:
    """isMemberOf: the pod's name is `<set>-<something>`."""
    return get_parent_name_and_ordinal(pod)[0] == sts.metadata.name


def identity_matches(sts: StatefulSet, pod: Any) -> bool:
    """identityMatches: name, namespace and the pod-name label agree with the ordinal."""
    parent, ordinal = get_parent_name_and_ordinal(pod)
    return (ordinal >= 0 and sts.metadata.name == parent
            and pod.metadata.name == get_pod_name(sts, ordinal)
            and pod.metadata.namespace == sts.metadata.namespace
            and pod.metadata.labels.get(STATEFUL_SET_POD_NAME_LABEL) == pod.metadata.name)


def _volumes(pod: Any) -> list[Any]:
    return list(pod.spec.extra.get("volumes") or ())


def storage_matches(sts: StatefulSet, pod: Any) -> bool:
    """storageMatches: every claim template is mounted from the pod's own claim."""
    ordinal = get_ordinal(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in _volumes(pod)}
    for claim in sts.spec.volume_claim_templates:
        volume = volumes.get(claim.metadata.name)
        source = (volume or {}).get("persistentVolumeClaim")
        if volume is None or source is None or source.get("claimName") != \
                get_persistent_volume_claim_name(sts, claim, ordinal):
            return False
    return True


# -- claims and their owners -------------------------------------------------------------------


def get_persistent_volume_claim_retention_policy(
        sts: StatefulSet) -> StatefulSetPersistentVolumeClaimRetentionPolicy:
    """getPersistentVolumeClaimRetentionPolicy: Retain/Retain when unset."""
    policy = sts.spec.persistent_volume_claim_retention_policy
    return policy or StatefulSetPersistentVolumeClaimRetentionPolicy(when_deleted=RETAIN,
                                                                      when_scaled=RETAIN)


def matches_ref(ref: OwnerReference, obj: Any, api_version: str, kind: str) -> bool:
    """matchesRef: same group/version, kind and name."""
    return ref.api_version == api_version and ref.kind == kind \
        and ref.name == obj.metadata.name


def _is_set_ref(ref: OwnerReference, sts: Any) -> bool:
    return matches_ref(ref, sts, API_VERSION, KIND)


def _is_pod_ref(ref: OwnerReference, pod: Any) -> bool:
    return matches_ref(ref, pod, "v1", "Pod")


def has_unexpected_controller(claim: Any, sts: StatefulSet, pod: Any) -> bool:
    """hasUnexpectedController: with a non-Retain policy, a controller other than the set or
    the pod (or a stale reference to either)."""
    policy = get_persistent_volume_claim_retention_policy(sts)
    if policy.when_scaled == RETAIN and policy.when_deleted == RETAIN:
        return False
    for ref in claim.metadata.owner_references:
        if _is_set_ref(ref, sts):
            if ref.uid != sts.metadata.uid:
                return True
            continue
        if _is_pod_ref(ref, pod):
            if ref.uid != pod.metadata.uid:
                return True
            continue
        if ref.controller:
            return True
    return False


def has_non_controller_owner(claim: Any, sts: StatefulSet, pod: Any) -> bool:
    """hasNonControllerOwner: the set or the pod owns the claim without being its controller."""
    return any(ref.uid in (sts.metadata.uid, pod.metadata.uid) and not ref.controller
               for ref in claim.metadata.owner_references)


def has_owner_ref(target: Any, owner: Any) -> bool:
    """hasOwnerRef: by uid, controller or not."""
    return any(ref.uid == owner.metadata.uid for ref in target.metadata.owner_references)


def has_stale_owner_ref(target: Any, obj: Any, api_version: str, kind: str) -> bool:
    """hasStaleOwnerRef: a reference naming obj whose uid is not obj's."""
    for ref in target.metadata.owner_references:
        if matches_ref(ref, obj, api_version, kind):
            return ref.uid != obj.metadata.uid
    return False


def is_claim_owner_up_to_date(claim: Any, sts: StatefulSet, pod: Any) -> bool:
    """isClaimOwnerUpToDate: the claim's owner references agree with the retention policy."""
    if has_stale_owner_ref(claim, sts, API_VERSION, KIND) \
            or has_stale_owner_ref(claim, pod, "v1", "Pod"):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (has_owner_ref(claim, sts) or has_owner_ref(claim, pod))
    if has_non_controller_owner(claim, sts, pod):
        return False
    policy = get_persistent_volume_claim_retention_policy(sts)
    scaled, deleted = policy.when_scaled, policy.when_deleted
    set_ref, pod_ref = has_owner_ref(claim, sts), has_owner_ref(claim, pod)
    scaled_down = not pod_in_ordinal_range(pod, sts)
    if scaled == RETAIN and deleted == DELETE:
        return set_ref and not pod_ref
    if scaled == DELETE and deleted == RETAIN:
        return not set_ref and scaled_down == pod_ref
    if scaled == DELETE and deleted == DELETE:
        return scaled_down != set_ref and scaled_down == pod_ref
    return not set_ref and not pod_ref  # Retain/Retain, and unknown policies


def _controller_ref(owner: Any, api_version: str, kind: str) -> OwnerReference:
    return OwnerReference(api_version=api_version, kind=kind, name=owner.metadata.name,
                          uid=owner.metadata.uid, controller=True, block_owner_deletion=True)


def add_controller_ref(refs: list[OwnerReference], owner: Any, api_version: str, kind: str
                       ) -> list[OwnerReference]:
    """addControllerRef: append a controller reference to owner unless one is there."""
    if any(ref.uid == owner.metadata.uid for ref in refs):
        return refs
    return [*refs, _controller_ref(owner, api_version, kind)]


def update_claim_owner_ref_for_set_and_pod(claim: Any, sts: StatefulSet, pod: Any) -> Any:
    """updateClaimOwnerRefForSetAndPod: the claim with its references to the set and the pod
    rewritten for the retention policy."""
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [r for r in claim.metadata.owner_references
            if not (_is_set_ref(r, sts) or _is_pod_ref(r, pod))]
    if not unexpected:
        policy = get_persistent_volume_claim_retention_policy(sts)
        scaled, deleted = policy.when_scaled, policy.when_deleted
        scaled_down = not pod_in_ordinal_range(pod, sts)
        if scaled == RETAIN and deleted == DELETE:
            refs = add_controller_ref(refs, sts, API_VERSION, KIND)
        elif scaled == DELETE and deleted == RETAIN:
            if scaled_down:
                refs = add_controller_ref(refs, pod, "v1", "Pod")
        elif scaled == DELETE and deleted == DELETE:
            if scaled_down:
                refs = add_controller_ref(refs, pod, "v1", "Pod")
            else:
                refs = add_controller_ref(refs, sts, API_VERSION, KIND)
    return attrs.evolve(claim, metadata=attrs.evolve(claim.metadata,
                                                     owner_references=pvector(refs)))


def get_persistent_volume_claims(sts: StatefulSet, pod: Any) -> list[tuple[str, Any]]:
    """getPersistentVolumeClaims: (template name, the pod's claim) for each template; the
    claim carries the template's labels plus the selector's matchLabels."""
    ordinal = get_ordinal(pod)
    match_labels = sts.spec.selector.match_labels if sts.spec.selector else pmap()
    claims = []
    for template in sts.spec.volume_claim_templates:
        labels = template.metadata.labels.update(match_labels)
        meta = attrs.evolve(template.metadata,
                            name=get_persistent_volume_claim_name(sts, template, ordinal),
                            namespace=sts.metadata.namespace, labels=labels)
        claim = attrs.evolve(template, metadata=meta, api_version="v1",
                             kind="PersistentVolumeClaim")
        claims.append((template.metadata.name or "", claim))
    return claims


def update_storage(sts: StatefulSet, pod: Pod) -> Pod:
    """updateStorage: a volume per claim template, from the pod's claim, then the pod's other
    volumes."""
    claims = get_persistent_volume_claims(sts, pod)
    names = {name for name, _ in claims}
    volumes: list[Any] = [{"name": name, "persistentVolumeClaim": {
        "claimName": claim.metadata.name}} for name, claim in claims]
    volumes += [thaw(v) for v in _volumes(pod) if v.get("name") not in names]
    extra = pod.spec.extra.set("volumes", freeze(volumes)) if volumes \
        else pod.spec.extra.discard("volumes")
    return attrs.evolve(pod, spec=attrs.evolve(pod.spec, extra=extra))


def init_identity(sts: StatefulSet, pod: Pod) -> Pod:
    """initIdentity: updateIdentity, then hostname and subdomain (set at creation only)."""
    pod = update_identity(sts, pod)
    extra = pod.spec.extra.set("hostname", pod.metadata.name)
    extra = extra.set("subdomain", sts.spec.service_name) if sts.spec.service_name \
        else extra.discard("subdomain")
    return attrs.evolve(pod, spec=attrs.evolve(pod.spec, extra=extra))


def update_identity(sts: StatefulSet, pod: Pod) -> Pod:
    """updateIdentity: name, namespace, the pod-name label and (PodIndexLabel, GA) the
    pod-index label."""
    ordinal = get_ordinal(pod)
    name = get_pod_name(sts, ordinal)
    labels = pod.metadata.labels.set(STATEFUL_SET_POD_NAME_LABEL, name).set(
        POD_INDEX_LABEL, str(ordinal))
    return attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, name=name, labels=labels,
                                                   namespace=sts.metadata.namespace))


# -- pod predicates ----------------------------------------------------------------------------


def is_running_and_ready(pod: Any) -> bool:
    """isRunningAndReady."""
    return pod.status.phase == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: Any, min_ready_seconds: int, now: int) -> bool:
    """isRunningAndAvailable: IsPodAvailable (it does not look at the phase)."""
    return is_pod_available(pod, min_ready_seconds, now)


def is_created(pod: Any) -> bool:
    """isCreated: the API server gave it a phase."""
    return bool(pod.status.phase)


def is_pending(pod: Any) -> bool:
    return pod.status.phase == "Pending"


def is_failed(pod: Any) -> bool:
    return pod.status.phase == "Failed"


def is_succeeded(pod: Any) -> bool:
    return pod.status.phase == "Succeeded"


def is_terminating(pod: Any) -> bool:
    """isTerminating: a deletionTimestamp is set."""
    return pod.metadata.deletion_timestamp is not None


def is_unavailable(pod: Any, min_ready_seconds: int, now: int) -> bool:
    """isUnavailable: not available, or terminating."""
    return not is_running_and_available(pod, min_ready_seconds, now) or is_terminating(pod)


def is_healthy(pod: Any) -> bool:
    """isHealthy."""
    return is_running_and_ready(pod) and not is_terminating(pod)


def allows_burst(sts: StatefulSet) -> bool:
    """allowsBurst: podManagementPolicy Parallel."""
    return sts.spec.pod_management_policy == PARALLEL


def set_pod_revision(pod: Pod, revision: str) -> Pod:
    """setPodRevision: the controller-revision-hash label (the revision's name)."""
    labels = pod.metadata.labels.set(STATEFUL_SET_REVISION_LABEL, revision)
    return attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, labels=labels))


def get_pod_revision(pod: Any) -> str:
    """getPodRevision."""
    return pod.metadata.labels.get(STATEFUL_SET_REVISION_LABEL, "")


# -- new pods ----------------------------------------------------------------------------------


def new_stateful_set_pod(sts: StatefulSet, ordinal: int) -> Pod:
    """newStatefulSetPod: the template's pod, named for the ordinal, with its identity and
    storage."""
    ref = _controller_ref(sts, API_VERSION, KIND)
    template = sts.spec.template or PodTemplateSpec()
    pod = get_pod_from_template(template, sts, ref)
    pod = attrs.evolve(pod, metadata=attrs.evolve(pod.metadata,
                                                  name=get_pod_name(sts, ordinal)))
    return update_storage(sts, init_identity(sts, pod))


def new_versioned_stateful_set_pod(current_set: StatefulSet, update_set: StatefulSet,
                                   current_revision: str, update_revision: str,
                                   ordinal: int) -> Pod:
    """newVersionedStatefulSetPod: at the current revision below the partition (or, without
    rollingUpdate, below the current replicas), at the update revision otherwise. Go's
    condition reads `(RollingUpdate && rollingUpdate == nil && ...) || (rollingUpdate != nil
    && ...)`, and so does this one."""
    strategy = current_set.spec.update_strategy
    kind = strategy.type if strategy else None
    rolling = strategy.rolling_update if strategy else None
    start = get_start_ordinal(current_set)
    at_current = (kind == ROLLING_UPDATE and rolling is None
                  and ordinal < start + (current_set.status.current_replicas or 0)) \
        or (rolling is not None and ordinal < start + (rolling.partition or 0))
    if at_current:
        return set_pod_revision(new_stateful_set_pod(current_set, ordinal), current_revision)
    return set_pod_revision(new_stateful_set_pod(update_set, ordinal), update_revision)


# -- revisions ---------------------------------------------------------------------------------


def new_revision(sts: StatefulSet, revision: int, collision_count: int) -> Any:
    """newRevision: the patch of the set's template, the template's labels, the set's
    annotations."""
    template = sts.spec.template
    labels = template.metadata.labels if template is not None else pmap()
    cr = history.new_controller_revision(sts, API_VERSION, KIND, labels,
                                         history.get_patch(template), revision,
                                         collision_count)
    return attrs.evolve(cr, metadata=attrs.evolve(cr.metadata,
                                                  annotations=sts.metadata.annotations))


def apply_revision(sts: StatefulSet, revision: Any) -> StatefulSet:
    """ApplyRevision: the set with the revision's template put back."""
    template = template_from_patch(revision.data)
    return attrs.evolve(sts, spec=attrs.evolve(sts.spec, template=template))


def next_revision(revisions: list[Any]) -> int:
    """nextRevision: one more than the last (sorted) revision's number, or 1."""
    return (revisions[-1].revision or 0) + 1 if revisions else 1


def inconsistent_status(sts: StatefulSet, status: StatefulSetStatus) -> bool:
    """inconsistentStatus: a newer observed generation, or any counter or revision differs."""
    old = sts.status
    return ((status.observed_generation or 0) > (old.observed_generation or 0)
            or (status.replicas or 0) != (old.replicas or 0)
            or (status.current_replicas or 0) != (old.current_replicas or 0)
            or (status.ready_replicas or 0) != (old.ready_replicas or 0)
            or (status.updated_replicas or 0) != (old.updated_replicas or 0)
            or (status.current_revision or "") != (old.current_revision or "")
            or (status.available_replicas or 0) != (old.available_replicas or 0)
            or (status.update_revision or "") != (old.update_revision or ""))


def complete_rolling_update(sts: StatefulSet, status: StatefulSetStatus) -> StatefulSetStatus:
    """completeRollingUpdate: when every replica is updated and ready, the update revision
    becomes the current one."""
    strategy = sts.spec.update_strategy
    want = replicas(sts)
    if strategy is not None and strategy.type == ROLLING_UPDATE \
            and (status.updated_replicas or 0) == want \
            and (status.ready_replicas or 0) == want and (status.replicas or 0) == want:
        return attrs.evolve(status, current_replicas=status.updated_replicas,
                            current_revision=status.update_revision)
    return status

