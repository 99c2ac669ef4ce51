"""The Deployment controller's pure helpers: replica arithmetic, revisions, annotations,
conditions and ReplicaSet ordering. Nothing here sees the cluster; time is an argument.

Models (release v1.34):
- pkg/controller/deployment/util/deployment_util.go: the annotation and reason constants,
  NewDeploymentCondition, GetDeploymentCondition, SetDeploymentCondition,
  RemoveDeploymentCondition, ReplicaSetToDeploymentCondition, SetDeploymentRevision,
  MaxRevision, LastRevision, Revision, SetNewReplicaSetAnnotations (with its
  copyDeploymentAnnotationsToReplicaSet and skip list), SetDeploymentAnnotationsTo,
  FindActiveOrLatest, GetDesiredReplicasAnnotation, getMaxReplicasAnnotation,
  getNonNegativeInt32FromAnnotation, SetReplicasAnnotations, ReplicasAnnotationsNeedUpdate,
  MaxUnavailable, MinAvailable, MaxSurge, GetProportion, getReplicaSetFraction,
  GetAllReplicaSets (over a given list), EqualIgnoreHash, FindNewReplicaSet,
  FindOldReplicaSets, SetFromReplicaSetTemplate, Get{,Actual,Ready,Available,Terminating}
  ReplicaCountForReplicaSets, IsRollingUpdate, DeploymentComplete, DeploymentProgressing,
  DeploymentTimedOut, NewRSNewReplicas, IsSaturated, ResolveFenceposts, HasProgressDeadline,
  HasRevisionHistoryLimit, ReplicaSetsByRevision.
- pkg/controller/controller_utils.go: ComputeHash, FilterActiveReplicaSets,
  ReplicaSetsByCreationTimestamp, ReplicaSetsBySizeOlder, ReplicaSetsBySizeNewer.
- pkg/util/labels/labels.go: CloneAndAddLabel, CloneAndRemoveLabel, AddLabelToSelector,
  CloneSelectorAndAddLabel.
- k8s.io/apimachinery util/intstr GetScaledValueFromIntOrPercent, util/rand SafeEncodeString,
  k8s.io/utils/integer RoundToInt32.

Simplifies:
- `compute_hash` cannot reproduce Go's hash: Go feeds FNV-1a 32 a spew dump of the Go struct.
  Here FNV-1a 32 reads the canonical JSON of the template (`json.dumps(encode(template),
  sort_keys=True, separators=(",", ":"))`), then, as Go, the collision count as a little-endian
  uint32 in an 8-byte buffer; the sum is printed in decimal and passed through SafeEncodeString
  as Go does. So hashes have Go's shape (e.g. "5d59d67564") but not Go's value.
- Go mutates through pointers and returns a bool; here such functions return
  `(new_value, changed)`. Go's in-place sorts are gone: `find_old_replica_sets` returns the old
  ReplicaSets in creation order (the order Go's in-place sort in FindNewReplicaSet leaves
  them in); `find_active_or_latest` does not reorder the caller's list.
- Go's returned errors (a bad int-or-percent, an unknown strategy type, an unparsable
  revision) are raised as ValueError with Go's message.
- An absent (nil) count reads as 0, also `spec.replicas`, which the API server always defaults.
- `equal_ignore_hash` compares the frozen values: Quantities compare by value and format, and
  an absent nested struct differs from an empty one (Go's Semantic.DeepEqual compares
  Quantities by value and value structs are never absent). Decoded from the same JSON shapes,
  as the controller's copies are, the two agree.
- No logging; the lister-based helpers (ListReplicaSets, ListPods, GetDeploymentsForReplicaSet,
  WaitForObservedDeployment) are the controller's own lookups.

Covered by: tests/test_deployment_util.py (the Go tests of deployment_util_test.go, this
module's doctests, and kubefold cases for the helpers Go tests only through the controller).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.labels import go_quote
from kubefold.core.objects import (
    Condition,
    Deployment,
    DeploymentSpec,
    DeploymentStatus,
    DeploymentStrategy,
    LabelSelector,
    PodTemplateSpec,
    ReplicaSet,
    RollingUpdateDeployment,
)
from kubefold.core.schema import encode, replace

# ---------------------------------------------------------------------------------------------
# constants

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"

ROLLBACK_REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound"
ROLLBACK_TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged"
ROLLBACK_DONE = "DeploymentRollback"

# Progressing reasons.
REPLICA_SET_UPDATED_REASON = "ReplicaSetUpdated"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
NEW_REPLICA_SET_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_DEPLOY_REASON = "DeploymentPaused"
RESUMED_DEPLOY_REASON = "DeploymentResumed"
# Available reasons.
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"

# k8s.io/api apps/v1 types.go
DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = "pod-template-hash"
DEPRECATED_ROLLBACK_TO = "deprecated.deployment.rollback.to"
RECREATE_DEPLOYMENT_STRATEGY_TYPE = "Recreate"
ROLLING_UPDATE_DEPLOYMENT_STRATEGY_TYPE = "RollingUpdate"
DEPLOYMENT_AVAILABLE = "Available"
DEPLOYMENT_PROGRESSING = "Progressing"
DEPLOYMENT_REPLICA_FAILURE = "ReplicaFailure"
# k8s.io/api core/v1 annotation_key_constants.go
LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"

MAX_INT32 = 2**31 - 1
GO_ZERO_TIME = -62135596800  # time.Time{} (0001-01-01T00:00:00Z) in Unix seconds

Obj = TypeVar("Obj", Deployment, ReplicaSet)


def _n(value: int | None) -> int:
    """A Go int32 field: absent reads as 0."""
    return 0 if value is None else value


def _annotations(obj: Deployment | ReplicaSet) -> PMap[str, str]:
    return obj.metadata.annotations


def _with_annotations(obj: Obj, annotations: Mapping[str, str]) -> Obj:
    return replace(obj, metadata=replace(obj.metadata, annotations=pmap(annotations)))


# ---------------------------------------------------------------------------------------------
# strconv, as Go parses the annotations

_SIGNED = re.compile(r"[+-]?[0-9]+")
_UNSIGNED = re.compile(r"[0-9]+")


def _parse_int(s: str, bits: int, func: str = "ParseInt") -> int:
    """strconv.ParseInt(s, 10, bits) (func "Atoi" for strconv.Atoi): ValueError as Go words it."""
    if not _SIGNED.fullmatch(s):
        raise ValueError(f"strconv.{func}: parsing {go_quote(s)}: invalid syntax")
    value = int(s)
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise ValueError(f"strconv.{func}: parsing {go_quote(s)}: value out of range")
    return value


def _parse_uint(s: str, bits: int) -> int:
    """strconv.ParseUint(s, 10, bits)."""
    if not _UNSIGNED.fullmatch(s):
        raise ValueError(f"strconv.ParseUint: parsing {go_quote(s)}: invalid syntax")
    value = int(s)
    if value >= 2**bits:
        raise ValueError(f"strconv.ParseUint: parsing {go_quote(s)}: value out of range")
    return value


def _int32(value: int) -> int:
    """Go's int32(x) conversion: wrap to 32 bits."""
    return (value + 2**31) % 2**32 - 2**31


# ---------------------------------------------------------------------------------------------
# conditions


def new_deployment_condition(cond_type: str, status: str, reason: str, message: str,
                             now: int) -> Condition:
    """NewDeploymentCondition: both times are `now`."""
    return Condition(type=cond_type, status=status, last_update_time=now,
                     last_transition_time=now, reason=reason, message=message)


def get_deployment_condition(status: DeploymentStatus, cond_type: str) -> Condition | None:
    """GetDeploymentCondition: the condition of that type, or None."""
    for c in status.conditions:
        if c.type == cond_type:
            return c
    return None


def set_deployment_condition(status: DeploymentStatus,
                             condition: Condition) -> DeploymentStatus:
    """SetDeploymentCondition: replace the condition of its type (moved to the end); unchanged
    when status and reason agree; lastTransitionTime kept when only the reason changes."""
    current = get_deployment_condition(status, condition.type or "")
    if current is not None and current.status == condition.status \
            and current.reason == condition.reason:
        return status
    if current is not None and current.status == condition.status:
        condition = replace(condition, last_transition_time=current.last_transition_time)
    conditions = _filter_out_condition(status.conditions, condition.type or "")
    return replace(status, conditions=conditions.append(condition))


def remove_deployment_condition(status: DeploymentStatus, cond_type: str) -> DeploymentStatus:
    """RemoveDeploymentCondition."""
    return replace(status, conditions=_filter_out_condition(status.conditions, cond_type))


def _filter_out_condition(conditions: Iterable[Condition], cond_type: str) -> PVector[Condition]:
    """filterOutCondition: the conditions without those of that type."""
    return pvector(c for c in conditions if c.type != cond_type)


def replica_set_to_deployment_condition(cond: Condition) -> Condition:
    """ReplicaSetToDeploymentCondition: both times are the ReplicaSet's lastTransitionTime."""
    return Condition(type=cond.type, status=cond.status,
                     last_transition_time=cond.last_transition_time,
                     last_update_time=cond.last_transition_time,
                     reason=cond.reason, message=cond.message)


# ---------------------------------------------------------------------------------------------
# revisions


def set_deployment_revision(d: Deployment, revision: str) -> tuple[Deployment, bool]:
    """SetDeploymentRevision: set the revision annotation; changed if it differed."""
    if _annotations(d).get(REVISION_ANNOTATION, "") == revision:
        return d, False
    return _with_annotations(d, _annotations(d).set(REVISION_ANNOTATION, revision)), True


def max_revision(all_rss: Iterable[ReplicaSet | None]) -> int:
    """MaxRevision: the highest revision; unparsable ones are skipped.

    >>> max_revision([_rs_with_revision("3"), _rs_with_revision("x"), _rs_with_revision("12")])
    12
    """
    best = 0
    for rs in all_rss:
        try:
            v = revision(rs)
        except ValueError:
            continue
        best = max(best, v)
    return best


def last_revision(all_rss: Iterable[ReplicaSet | None]) -> int:
    """LastRevision: the second highest revision (a repeated maximum counts twice).

    >>> last_revision([_rs_with_revision("3"), _rs_with_revision("12"), _rs_with_revision("7")])
    7
    """
    top, second = 0, 0
    for rs in all_rss:
        try:
            v = revision(rs)
        except ValueError:
            continue
        if v >= top:
            top, second = v, top
        elif v > second:
            second = v
    return second


def revision(obj: Deployment | ReplicaSet | None) -> int:
    """Revision: the revision annotation as int64 (0 if absent); ValueError if unparsable."""
    if obj is None:
        raise ValueError("object does not implement the Object interfaces")
    v = _annotations(obj).get(REVISION_ANNOTATION)
    if v is None:
        return 0
    return _parse_int(v, 64)


def _rs_with_revision(rev: str) -> ReplicaSet:
    """A ReplicaSet carrying only a revision annotation (for the doctests)."""
    return _with_annotations(ReplicaSet(), {REVISION_ANNOTATION: rev})


# ---------------------------------------------------------------------------------------------
# annotations


def set_new_replica_set_annotations(d: Deployment, new_rs: ReplicaSet, new_revision: str,
                                    exists: bool,
                                    rev_history_limit_in_chars: int) -> tuple[ReplicaSet, bool]:
    """SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision to
    `new_revision` (keeping the old one in the revision history, trimmed from the front to
    `rev_history_limit_in_chars`), and add the replicas annotations to a ReplicaSet about to
    be created. As in Go, an unparsable revision returns (copied annotations, False)."""
    annotations, changed = _copy_deployment_annotations_to_replica_set(d, new_rs)
    old_revision = annotations.get(REVISION_ANNOTATION)
    try:
        old_revision_int = _parse_int(old_revision or "", 64)
    except ValueError:
        if old_revision:  # present and not "": Go logs and gives up
            return _with_annotations(new_rs, annotations), False
        old_revision_int = 0
    try:
        new_revision_int = _parse_int(new_revision, 64)
    except ValueError:
        return _with_annotations(new_rs, annotations), False
    if old_revision_int < new_revision_int:
        annotations[REVISION_ANNOTATION] = new_revision
        changed = True
        if old_revision is not None:
            history = _append_revision_history(annotations.get(REVISION_HISTORY_ANNOTATION, ""),
                                               old_revision, rev_history_limit_in_chars)
            if history is not None:
                annotations[REVISION_HISTORY_ANNOTATION] = history
    rs = _with_annotations(new_rs, annotations)
    if not exists:
        replicas = _n(d.spec.replicas)
        rs, replicas_changed = set_replicas_annotations(rs, replicas, replicas + max_surge(d))
        changed = changed or replicas_changed
    return rs, changed


def _append_revision_history(history: str, old_revision: str, limit: int) -> str | None:
    """The revision-history part of SetNewReplicaSetAnnotations: None when Go leaves it alone.

    >>> _append_revision_history("", "4", 5)
    '4'
    >>> _append_revision_history("11,12", "13", 5)
    '12,13'
    >>> _append_revision_history("1", "123456", 5) is None
    True
    """
    old_revisions = history.split(",")
    if not old_revisions[0]:
        return old_revision
    total = len(history) + len(old_revision) + 1
    start = 0
    while total > limit and start < len(old_revisions):
        total -= len(old_revisions[start]) + 1
        start += 1
    if total > limit:
        return None  # Go: "Not appending revision due to length limit of %v reached"
    return ",".join([*old_revisions[start:], old_revision])


_ANNOTATIONS_TO_SKIP = frozenset({
    LAST_APPLIED_CONFIG_ANNOTATION,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    DEPRECATED_ROLLBACK_TO,
})


def skip_copy_annotation(key: str) -> bool:
    """skipCopyAnnotation: the annotations a Deployment and its ReplicaSets never share."""
    return key in _ANNOTATIONS_TO_SKIP


def _copy_deployment_annotations_to_replica_set(
        d: Deployment, rs: ReplicaSet) -> tuple[dict[str, str], bool]:
    """copyDeploymentAnnotationsToReplicaSet: the ReplicaSet's new annotations and whether any
    changed (an absent key reads as "", so an empty-valued one is not copied onto nothing)."""
    annotations = dict(_annotations(rs))
    changed = False
    for k, v in _annotations(d).items():
        if skip_copy_annotation(k) or annotations.get(k, "") == v:
            continue
        annotations[k] = v
        changed = True
    return annotations, changed


def set_deployment_annotations_to(d: Deployment, rollback_to_rs: ReplicaSet) -> Deployment:
    """SetDeploymentAnnotationsTo: the Deployment's skipped annotations plus the ReplicaSet's
    copyable ones (a rollback)."""
    annotations = _get_skipped_annotations(_annotations(d))
    for k, v in _annotations(rollback_to_rs).items():
        if not skip_copy_annotation(k):
            annotations[k] = v
    return _with_annotations(d, annotations)


def _get_skipped_annotations(annotations: Mapping[str, str]) -> dict[str, str]:
    """getSkippedAnnotations."""
    return {k: v for k, v in annotations.items() if skip_copy_annotation(k)}


def find_active_or_latest(new_rs: ReplicaSet | None,
                          old_rss: Sequence[ReplicaSet]) -> ReplicaSet | None:
    """FindActiveOrLatest: the only active ReplicaSet; with none active, the new one or else
    the newest old one; with several active, None (they scale proportionally)."""
    if new_rs is None and not old_rss:
        return None
    newest_first = replica_sets_by_creation_timestamp(old_rss, reverse=True)
    active = filter_active_replica_sets([*newest_first, new_rs])
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    if len(active) == 1:
        return active[0]
    return None


def get_desired_replicas_annotation(rs: ReplicaSet) -> tuple[int, bool]:
    """GetDesiredReplicasAnnotation: (value, ok); ok is False when absent or invalid."""
    value, ok, _ = get_non_negative_int32_from_annotation(rs, DESIRED_REPLICAS_ANNOTATION)
    return value, ok


def _get_max_replicas_annotation(rs: ReplicaSet) -> tuple[int, bool]:
    """getMaxReplicasAnnotation."""
    value, ok, _ = get_non_negative_int32_from_annotation(rs, MAX_REPLICAS_ANNOTATION)
    return value, ok


def get_non_negative_int32_from_annotation(rs: ReplicaSet,
                                           key: str) -> tuple[int, bool, str | None]:
    """getNonNegativeInt32FromAnnotation: (value, ok, Go's error text or None).

    >>> get_non_negative_int32_from_annotation(
    ...     _with_annotations(ReplicaSet(), {"k": "-1"}), "k")
    (0, False, 'strconv.ParseUint: parsing "-1": invalid syntax')
    """
    text = _annotations(rs).get(key)
    if text is None:
        return 0, False, None
    try:
        value = _parse_uint(text, 32)
    except ValueError as err:
        return 0, False, str(err)
    if value > MAX_INT32:
        return 0, False, f"value {value} is out of range (higher than {MAX_INT32})"
    return value, True, None


def set_replicas_annotations(rs: ReplicaSet, desired_replicas: int,
                             max_replicas: int) -> tuple[ReplicaSet, bool]:
    """SetReplicasAnnotations: record desired and max replicas; changed if either differed."""
    if not replicas_annotations_need_update(rs, desired_replicas, max_replicas):
        return rs, False
    annotations = _annotations(rs).update({DESIRED_REPLICAS_ANNOTATION: str(desired_replicas),
                                           MAX_REPLICAS_ANNOTATION: str(max_replicas)})
    return _with_annotations(rs, annotations), True


def replicas_annotations_need_update(rs: ReplicaSet, desired_replicas: int,
                                     max_replicas: int) -> bool:
    """ReplicasAnnotationsNeedUpdate."""
    annotations = _annotations(rs)
    return (annotations.get(DESIRED_REPLICAS_ANNOTATION, "") != str(desired_replicas)
            or annotations.get(MAX_REPLICAS_ANNOTATION, "") != str(max_replicas))


# ---------------------------------------------------------------------------------------------
# surge, unavailability and proportions


def max_unavailable(d: Deployment) -> int:
    """MaxUnavailable: the resolved maxUnavailable, at most spec.replicas; 0 unless rolling.

    >>> max_unavailable(_rolling(10, "25%", "25%"))
    2
    >>> max_unavailable(_rolling(5, 1, 10))
    5
    """
    replicas = _n(d.spec.replicas)
    if not is_rolling_update(d) or replicas == 0:
        return 0
    try:
        _, unavailable = resolve_fenceposts(*_fenceposts(d), replicas)
    except ValueError:  # caught by validation; Go ignores the error and its zeros
        unavailable = 0
    return min(unavailable, replicas)


def min_available(d: Deployment) -> int:
    """MinAvailable: spec.replicas - maxUnavailable; 0 unless rolling.

    >>> min_available(_rolling(10, "25%", "25%"))
    8
    """
    if not is_rolling_update(d):
        return 0
    return _n(d.spec.replicas) - max_unavailable(d)


def max_surge(d: Deployment) -> int:
    """MaxSurge: the resolved maxSurge (rounded up); 0 unless rolling.

    >>> max_surge(_rolling(10, "25%", "25%"))
    3
    """
    if not is_rolling_update(d):
        return 0
    try:
        surge, _ = resolve_fenceposts(*_fenceposts(d), _n(d.spec.replicas))
    except ValueError:  # caught by validation
        return 0
    return surge


def _fenceposts(d: Deployment) -> tuple[int | str | None, int | str | None]:
    ru = d.spec.strategy.rolling_update if d.spec.strategy is not None else None
    if ru is None:
        return None, None
    return ru.max_surge, ru.max_unavailable


def _rolling(replicas: int, surge: int | str, unavailable: int | str) -> Deployment:
    """A rolling-update Deployment (for the doctests)."""
    ru = RollingUpdateDeployment(max_surge=surge, max_unavailable=unavailable)
    strategy = DeploymentStrategy(type=ROLLING_UPDATE_DEPLOYMENT_STRATEGY_TYPE, rolling_update=ru)
    return Deployment(spec=DeploymentSpec(replicas=replicas, strategy=strategy))


def get_proportion(rs: ReplicaSet | None, d: Deployment, deployment_replicas_to_add: int,
                   deployment_replicas_added: int) -> int:
    """GetProportion: this ReplicaSet's share of a scaling event, bounded by what remains.

    Scaling 10 -> 15 (maxSurge 0), a ReplicaSet of 4 annotated with max-replicas 10:
    >>> rs = _with_annotations(ReplicaSet(), {MAX_REPLICAS_ANNOTATION: "10"})
    >>> rs = replace(rs, spec=replace(rs.spec, replicas=4))
    >>> get_proportion(rs, _rolling(15, 0, 1), 5, 0), get_proportion(rs, _rolling(15, 0, 1), 5, 4)
    (2, 1)
    """
    if rs is None or _n(rs.spec.replicas) == 0 or deployment_replicas_to_add == 0 \
            or deployment_replicas_to_add == deployment_replicas_added:
        return 0
    fraction = get_replica_set_fraction(rs, d)
    allowed = deployment_replicas_to_add - deployment_replicas_added
    if deployment_replicas_to_add > 0:
        return min(fraction, allowed)
    return max(fraction, allowed)


def get_replica_set_fraction(rs: ReplicaSet, d: Deployment) -> int:
    """getReplicaSetFraction: round(rs.replicas * (replicas + maxSurge) / max-replicas before
    the scale) - rs.replicas; with the annotation absent or 0, status.replicas stands in for
    it (0 when that is 0 too); scaling to zero takes the whole ReplicaSet."""
    rs_replicas = _n(rs.spec.replicas)
    if _n(d.spec.replicas) == 0:
        return -rs_replicas
    deployment_max_replicas = _n(d.spec.replicas) + max_surge(d)
    before_scale, ok = _get_max_replicas_annotation(rs)
    if not ok or before_scale == 0:
        before_scale = _n(d.status.replicas)
        if before_scale == 0:
            return 0
    new_rs_size = float(_int32(rs_replicas * deployment_max_replicas)) / float(before_scale)
    return round_to_int32(new_rs_size) - rs_replicas


def round_to_int32(a: float) -> int:
    """k8s.io/utils/integer RoundToInt32: halves round away from zero.

    >>> round_to_int32(2.5), round_to_int32(-2.5), round_to_int32(2.49)
    (3, -3, 2)
    """
    return int(a - 0.5) if a < 0 else int(a + 0.5)


# ---------------------------------------------------------------------------------------------
# new and old ReplicaSets


def get_all_replica_sets(
        d: Deployment, rs_list: Sequence[ReplicaSet],
) -> tuple[list[ReplicaSet], list[ReplicaSet], ReplicaSet | None]:
    """GetAllReplicaSets over the Deployment's ReplicaSets (the caller lists and filters them
    by ControllerRef): (old ones with replicas, all old ones, the new one or None)."""
    old_rss, all_old_rss = find_old_replica_sets(d, rs_list)
    return old_rss, all_old_rss, find_new_replica_set(d, rs_list)


def equal_ignore_hash(template1: PodTemplateSpec | None,
                      template2: PodTemplateSpec | None) -> bool:
    """EqualIgnoreHash: equal templates once the pod-template-hash labels are dropped."""
    return _without_hash(template1) == _without_hash(template2)


def _without_hash(template: PodTemplateSpec | None) -> PodTemplateSpec:
    t = template if template is not None else PodTemplateSpec()
    labels = t.metadata.labels.discard(DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY)
    return replace(t, metadata=replace(t.metadata, labels=labels))


def find_new_replica_set(d: Deployment, rs_list: Sequence[ReplicaSet]) -> ReplicaSet | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's."""
    for rs in replica_sets_by_creation_timestamp(rs_list):
        if equal_ignore_hash(rs.spec.template, d.spec.template):
            return rs
    return None


def find_old_replica_sets(d: Deployment,
                          rs_list: Sequence[ReplicaSet]) -> tuple[list[ReplicaSet],
                                                                  list[ReplicaSet]]:
    """FindOldReplicaSets: (old ReplicaSets with replicas, all old ReplicaSets), in creation
    order as Go's in-place sort leaves them."""
    new_rs = find_new_replica_set(d, rs_list)
    required: list[ReplicaSet] = []
    all_rss: list[ReplicaSet] = []
    for rs in replica_sets_by_creation_timestamp(rs_list):
        if new_rs is not None and rs.metadata.uid == new_rs.metadata.uid:
            continue
        all_rss.append(rs)
        if _n(rs.spec.replicas) != 0:
            required.append(rs)
    return required, all_rss


def set_from_replica_set_template(d: Deployment, template: PodTemplateSpec) -> Deployment:
    """SetFromReplicaSetTemplate: the Deployment with the ReplicaSet's template, minus its
    pod-template-hash label (a rollback)."""
    labels = clone_and_remove_label(template.metadata.labels, DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY)
    new_template = replace(template, metadata=replace(template.metadata, labels=labels))
    return replace(d, spec=replace(d.spec, template=new_template))


def get_replica_count_for_replica_sets(rss: Iterable[ReplicaSet | None]) -> int:
    """GetReplicaCountForReplicaSets: the sum of spec.replicas."""
    return sum(_n(rs.spec.replicas) for rs in rss if rs is not None)


def get_actual_replica_count_for_replica_sets(rss: Iterable[ReplicaSet | None]) -> int:
    """GetActualReplicaCountForReplicaSets: the sum of status.replicas."""
    return sum(_n(rs.status.replicas) for rs in rss if rs is not None)


def get_ready_replica_count_for_replica_sets(rss: Iterable[ReplicaSet | None]) -> int:
    """GetReadyReplicaCountForReplicaSets: the sum of status.readyReplicas."""
    return sum(_n(rs.status.ready_replicas) for rs in rss if rs is not None)


def get_available_replica_count_for_replica_sets(rss: Iterable[ReplicaSet | None]) -> int:
    """GetAvailableReplicaCountForReplicaSets: the sum of status.availableReplicas."""
    return sum(_n(rs.status.available_replicas) for rs in rss if rs is not None)


def get_terminating_replica_count_for_replica_sets(
        rss: Iterable[ReplicaSet | None]) -> int | None:
    """GetTerminatingReplicaCountForReplicaSets: the sum of status.terminatingReplicas, or None
    when a ReplicaSet the controller has synced (observedGeneration > 0) does not report it;
    never-synced ReplicaSets without it count 0."""
    total = 0
    for rs in rss:
        if rs is None:
            continue
        terminating = rs.status.terminating_replicas
        if terminating is None:
            if _n(rs.status.observed_generation) == 0:
                continue
            return None
        total += terminating
    return total


# ---------------------------------------------------------------------------------------------
# progress


def is_rolling_update(d: Deployment) -> bool:
    """IsRollingUpdate."""
    return d.spec.strategy is not None \
        and d.spec.strategy.type == ROLLING_UPDATE_DEPLOYMENT_STRATEGY_TYPE


def deployment_complete(d: Deployment, new_status: DeploymentStatus) -> bool:
    """DeploymentComplete: all replicas updated and available, none old, generation observed."""
    replicas = _n(d.spec.replicas)
    return (_n(new_status.updated_replicas) == replicas
            and _n(new_status.replicas) == replicas
            and _n(new_status.available_replicas) == replicas
            and _n(new_status.observed_generation) >= _n(d.metadata.generation))


def deployment_progressing(d: Deployment, new_status: DeploymentStatus) -> bool:
    """DeploymentProgressing: more updated, fewer old, more ready or more available replicas
    than the Deployment's current status."""
    old = d.status
    old_status_old_replicas = _n(old.replicas) - _n(old.updated_replicas)
    new_status_old_replicas = _n(new_status.replicas) - _n(new_status.updated_replicas)
    return (_n(new_status.updated_replicas) > _n(old.updated_replicas)
            or new_status_old_replicas < old_status_old_replicas
            or _n(new_status.ready_replicas) > _n(old.ready_replicas)
            or _n(new_status.available_replicas) > _n(old.available_replicas))


def deployment_timed_out(d: Deployment, new_status: DeploymentStatus, now: int) -> bool:
    """DeploymentTimedOut: the Progressing condition's lastUpdateTime + progressDeadlineSeconds
    is before `now`; never after NewReplicaSetAvailable, always once ProgressDeadlineExceeded.

    >>> d = replace(_rolling(1, 1, 0), spec=replace(
    ...     _rolling(1, 1, 0).spec, progress_deadline_seconds=600))
    >>> status = DeploymentStatus(conditions=pvector([new_deployment_condition(
    ...     DEPLOYMENT_PROGRESSING, "True", REPLICA_SET_UPDATED_REASON, "", 1000)]))
    >>> deployment_timed_out(d, status, 1600), deployment_timed_out(d, status, 1601)
    (False, True)
    """
    if not has_progress_deadline(d):
        return False
    condition = get_deployment_condition(new_status, DEPLOYMENT_PROGRESSING)
    if condition is None:
        return False
    if condition.reason == NEW_RS_AVAILABLE_REASON:
        return False
    if condition.reason == TIMED_OUT_REASON:
        return True
    start = condition.last_update_time
    start = GO_ZERO_TIME if start is None else start
    return start + _n(d.spec.progress_deadline_seconds) < now


def new_rs_new_replicas(d: Deployment, all_rss: Iterable[ReplicaSet | None],
                        new_rs: ReplicaSet) -> int:
    """NewRSNewReplicas: the new ReplicaSet's next size. RollingUpdate grows it by what
    maxSurge leaves room for, up to spec.replicas; Recreate jumps to spec.replicas.
    ValueError (Go's error) for a bad maxSurge or an unknown strategy type."""
    replicas = _n(d.spec.replicas)
    strategy_type = d.spec.strategy.type if d.spec.strategy is not None else None
    new_replicas = _n(new_rs.spec.replicas)
    if strategy_type == ROLLING_UPDATE_DEPLOYMENT_STRATEGY_TYPE:
        surge, _ = _fenceposts(d)
        max_surge_value = get_scaled_value_from_int_or_percent(surge, replicas, True)
        current_pod_count = get_replica_count_for_replica_sets(all_rss)
        max_total_pods = replicas + max_surge_value
        if current_pod_count >= max_total_pods:
            return new_replicas
        scale_up_count = min(max_total_pods - current_pod_count, replicas - new_replicas)
        return new_replicas + scale_up_count
    if strategy_type == RECREATE_DEPLOYMENT_STRATEGY_TYPE:
        return replicas
    raise ValueError(f"deployment type {strategy_type or ''} isn't supported")


def is_saturated(d: Deployment, rs: ReplicaSet | None) -> bool:
    """IsSaturated: the ReplicaSet has, wants (desired-replicas) and has available all of
    spec.replicas."""
    if rs is None:
        return False
    try:
        desired = _int32(_parse_int(_annotations(rs).get(DESIRED_REPLICAS_ANNOTATION, ""), 64,
                                    "Atoi"))
    except ValueError:
        return False
    replicas = _n(d.spec.replicas)
    return (_n(rs.spec.replicas) == replicas and desired == replicas
            and _n(rs.status.available_replicas) == replicas)


def resolve_fenceposts(max_surge_value: int | str | None, max_unavailable_value: int | str | None,
                       desired: int) -> tuple[int, int]:
    """ResolveFenceposts: (surge rounded up, unavailable rounded down); when both resolve to 0,
    unavailable is 1. An absent value is 0. ValueError (Go's message) for a bad one.

    >>> resolve_fenceposts("25%", "25%", 10)
    (3, 2)
    >>> resolve_fenceposts("39%", "39%", 10)
    (4, 3)
    >>> resolve_fenceposts(0, "1%", 2)
    (0, 1)
    >>> resolve_fenceposts("oops", "39%", 10)
    Traceback (most recent call last):
    ValueError: invalid value for IntOrString: invalid type: string is not a percentage
    """
    surge = get_scaled_value_from_int_or_percent(
        0 if max_surge_value is None else max_surge_value, desired, True)
    unavailable = get_scaled_value_from_int_or_percent(
        0 if max_unavailable_value is None else max_unavailable_value, desired, False)
    if surge == 0 and unavailable == 0:
        # Rounding down may zero maxUnavailable; surge might not work (quota), so allow 1.
        unavailable = 1
    return _int32(surge), _int32(unavailable)


def has_progress_deadline(d: Deployment) -> bool:
    """HasProgressDeadline: progressDeadlineSeconds set and not MaxInt32."""
    pds = d.spec.progress_deadline_seconds
    return pds is not None and pds != MAX_INT32


def has_revision_history_limit(d: Deployment) -> bool:
    """HasRevisionHistoryLimit: revisionHistoryLimit set and not MaxInt32."""
    limit = d.spec.revision_history_limit
    return limit is not None and limit != MAX_INT32


def replica_sets_by_revision(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """ReplicaSetsByRevision: ascending revision; creation time, then name, break ties and
    stand in when a revision does not parse."""
    def less(a: ReplicaSet, b: ReplicaSet) -> bool:
        try:
            ra, rb = revision(a), revision(b)
        except ValueError:
            return _creation_key(a) < _creation_key(b)
        if ra == rb:
            return _creation_key(a) < _creation_key(b)
        return ra < rb

    def cmp(a: ReplicaSet, b: ReplicaSet) -> int:
        return -1 if less(a, b) else (1 if less(b, a) else 0)

    return sorted(rss, key=functools.cmp_to_key(cmp))


# ---------------------------------------------------------------------------------------------
# pkg/controller/controller_utils.go


def compute_hash(template: PodTemplateSpec, collision_count: int | None) -> str:
    """ComputeHash: the pod-template-hash of a template and collision count (see the module
    docstring: FNV-1a 32 over canonical JSON, not Go's spew dump)."""
    text = json.dumps(encode(template), sort_keys=True, separators=(",", ":"))
    data = text.encode()
    if collision_count is not None:
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4)
    return safe_encode_string(str(fnv1a_32(data)))


def fnv1a_32(data: bytes) -> int:
    """hash/fnv New32a's Sum32.

    >>> fnv1a_32(b""), fnv1a_32(b"a")
    (2166136261, 3826002220)
    """
    h = 2166136261
    for byte in data:
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


def safe_encode_string(s: str) -> str:
    """util/rand SafeEncodeString: each character to the vowel-free alphabet.

    >>> safe_encode_string("0123456789")
    '456789bcdf'
    """
    return "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in s)


def filter_active_replica_sets(rss: Iterable[ReplicaSet | None]) -> list[ReplicaSet]:
    """FilterActiveReplicaSets: the ReplicaSets with spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and _n(rs.spec.replicas) > 0]


def _creation_key(rs: ReplicaSet) -> tuple[int, str]:
    ts = rs.metadata.creation_timestamp
    return (GO_ZERO_TIME if ts is None else ts, rs.metadata.name or "")


def replica_sets_by_creation_timestamp(rss: Iterable[ReplicaSet],
                                       reverse: bool = False) -> list[ReplicaSet]:
    """ReplicaSetsByCreationTimestamp: oldest first, by name on a tie (`reverse`: as
    sort.Reverse, newest first)."""
    return sorted(rss, key=_creation_key, reverse=reverse)


def replica_sets_by_size_older(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """ReplicaSetsBySizeOlder: largest first, then oldest first."""
    return sorted(rss, key=lambda rs: (-_n(rs.spec.replicas), *_creation_key(rs)))


def replica_sets_by_size_newer(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """ReplicaSetsBySizeNewer: largest first, then newest first (names descending on a tie)."""
    newest_first = replica_sets_by_creation_timestamp(rss, reverse=True)
    return sorted(newest_first, key=lambda rs: -_n(rs.spec.replicas))


# ---------------------------------------------------------------------------------------------
# pkg/util/labels


def clone_and_add_label(labels: Mapping[str, str], key: str, value: str) -> PMap[str, str]:
    """CloneAndAddLabel: the labels plus key=value (unchanged for an empty key)."""
    if not key:
        return pmap(labels)
    return pmap(labels).set(key, value)


def clone_and_remove_label(labels: Mapping[str, str], key: str) -> PMap[str, str]:
    """CloneAndRemoveLabel: the labels without key (unchanged for an empty key)."""
    if not key:
        return pmap(labels)
    return pmap(labels).discard(key)


def add_label_to_selector(selector: LabelSelector, key: str, value: str) -> LabelSelector:
    """AddLabelToSelector: the selector with matchLabels[key] = value."""
    if not key:
        return selector
    return replace(selector, match_labels=selector.match_labels.set(key, value))


def clone_selector_and_add_label(selector: LabelSelector, key: str,
                                 value: str) -> LabelSelector:
    """CloneSelectorAndAddLabel: a copy with matchLabels[key] = value (values are immutable, so
    the copy is AddLabelToSelector's)."""
    return add_label_to_selector(selector, key, value)


# ---------------------------------------------------------------------------------------------
# k8s.io/apimachinery/pkg/util/intstr


def get_scaled_value_from_int_or_percent(value: int | str | None, total: int,
                                         round_up: bool) -> int:
    """GetScaledValueFromIntOrPercent: an int as is; "N%" of total, rounded up or down;
    ValueError with Go's message otherwise.

    >>> get_scaled_value_from_int_or_percent("25%", 10, True)
    3
    >>> get_scaled_value_from_int_or_percent("25%", 10, False)
    2
    >>> try:
    ...     get_scaled_value_from_int_or_percent("x%", 10, False)
    ... except ValueError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    invalid value for IntOrString: invalid value "x%":
        strconv.Atoi: parsing "x": invalid syntax
    """
    if value is None:
        raise ValueError("nil value for IntOrString")
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        percent = _parse_int(value[:-1], 64, "Atoi")
    except ValueError as err:
        raise ValueError(f"invalid value for IntOrString: invalid value {go_quote(value)}: "
                         f"{err}") from None
    scaled = float(percent) * float(total) / 100
    return int(math.ceil(scaled) if round_up else math.floor(scaled))
