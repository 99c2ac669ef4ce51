"""The annotations Argo Rollouts keeps on Rollouts and their ReplicaSets: revision, revision
history, desired replicas, and the scale-down deadline.

Go mutates the object in place and returns whether it changed; here each function returns the
new object (or annotations) and that flag.

Models: utils/annotations/annotations.go (argo-rollouts at 9f8d111): SetRolloutRevision,
SetReplicasAnnotations, ReplicasAnnotationsNeedUpdate, SetNewReplicaSetAnnotations,
copyRolloutAnnotationsToReplicaSet, IsSaturated, GetDesiredReplicasAnnotation,
GetRevisionAnnotation.
Covered by: tests/test_rollouts_utils.py.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.reducers.rollouts.utils.defaults import get_replicas_or_default

ROLLOUT_LABEL = "rollout.argoproj.io"
REVISION_ANNOTATION = ROLLOUT_LABEL + "/revision"
REVISION_HISTORY_ANNOTATION = ROLLOUT_LABEL + "/revision-history"
DESIRED_REPLICAS_ANNOTATION = ROLLOUT_LABEL + "/desired-replicas"
WORKLOAD_GENERATION_ANNOTATION = ROLLOUT_LABEL + "/workload-generation"
NOTIFICATION_ENGINE_ANNOTATION = "notified.notifications.argoproj.io"
LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
SCALE_DOWN_DEADLINE_ANNOTATION = "argo-rollouts.argoproj.io/scale-down-deadline"
MANAGED_BY_ROLLOUTS_KEY = "argo-rollouts.argoproj.io/managed-by-rollouts"
DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY = "rollouts-pod-template-hash"

_ANNOTATIONS_TO_SKIP = frozenset({LAST_APPLIED_CONFIG_ANNOTATION, REVISION_ANNOTATION,
                                  REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
                                  NOTIFICATION_ENGINE_ANNOTATION})

_INT = re.compile(r"^[+-]?\d+$")


def parse_int(text: str | None) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None when it does not parse."""
    if text is None or not _INT.match(text):
        return None
    return int(text)


def with_annotations(obj: Any, annotations: Any) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, annotations=pmap(annotations)))


def get_desired_replicas_annotation(rs: Any) -> int | None:
    """GetDesiredReplicasAnnotation: the int, or None when absent or not a number."""
    if rs is None:
        return None
    return parse_int(rs.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION))


def get_revision_annotation(obj: Any) -> int | None:
    if obj is None:
        return None
    return parse_int(obj.metadata.annotations.get(REVISION_ANNOTATION))


def set_rollout_revision(ro: Any, revision: str) -> tuple[Any, bool]:
    if ro.metadata.annotations.get(REVISION_ANNOTATION) != revision:
        return with_annotations(ro, ro.metadata.annotations.set(REVISION_ANNOTATION,
                                                                revision)), True
    return ro, False


def set_replicas_annotations(rs: Any, desired: int) -> tuple[Any, bool]:
    text = str(desired)
    if rs.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION) != text:
        return with_annotations(rs, rs.metadata.annotations.set(DESIRED_REPLICAS_ANNOTATION,
                                                                text)), True
    return rs, False


def replicas_annotations_need_update(rs: Any, desired: int) -> bool:
    annotations = rs.metadata.annotations
    if annotations.get(DESIRED_REPLICAS_ANNOTATION) != str(desired):
        return True
    return desired == 0 and bool(annotations.get(SCALE_DOWN_DEADLINE_ANNOTATION))


def _skip_copy_annotation(key: str) -> bool:
    return key in _ANNOTATIONS_TO_SKIP


def set_new_replica_set_annotations(ro: Any, rs: Any, new_revision: str, exists: bool
                                    ) -> tuple[Any, bool]:
    """SetNewReplicaSetAnnotations: copy the Rollout's annotations (but the skipped ones),
    raise the revision (keeping the old one in the revision history), and on creation the
    desired replicas."""
    annotations = dict(rs.metadata.annotations)
    changed = False
    for k, v in ro.metadata.annotations.items():
        if _skip_copy_annotation(k) or annotations.get(k) == v:
            continue
        annotations[k] = v
        changed = True
    had_revision = REVISION_ANNOTATION in annotations
    old_revision = annotations.get(REVISION_ANNOTATION, "")
    old = parse_int(old_revision)
    if old is None:
        if old_revision != "":
            return with_annotations(rs, annotations), False
        old = 0
    new = parse_int(new_revision)
    if new is None:
        return with_annotations(rs, annotations), False
    if old < new:
        annotations[REVISION_ANNOTATION] = new_revision
        changed = True
    if had_revision and changed:
        history = annotations.get(REVISION_HISTORY_ANNOTATION, "")
        old_revisions = history.split(",")
        if len(old_revisions[0]) == 0:
            annotations[REVISION_HISTORY_ANNOTATION] = old_revision
        else:
            annotations[REVISION_HISTORY_ANNOTATION] = ",".join([*old_revisions, old_revision])
    rs = with_annotations(rs, annotations)
    if not exists:
        rs, set_replicas = set_replicas_annotations(rs, get_replicas_or_default(ro.spec.replicas))
        changed = changed or set_replicas
    return rs, changed


def is_saturated(ro: Any, rs: Any) -> bool:
    """IsSaturated: the ReplicaSet has the Rollout's replicas, wants them (annotation), and
    all are available."""
    if rs is None:
        return False
    desired = parse_int(rs.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION))
    if desired is None:
        return False
    replicas = get_replicas_or_default(ro.spec.replicas)
    return (rs.spec.replicas or 0) == replicas and desired == replicas \
        and (rs.status.available_replicas or 0) == replicas
