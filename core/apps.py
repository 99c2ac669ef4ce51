"""apps/v1 StatefulSets, DaemonSets and ControllerRevisions, and core/v1 PersistentVolumeClaims,
as frozen values.

Field names follow the official Python client (snake_case); JSON keys and omitempty follow the
Go types' struct tags, so that a dump prints what `kubectl get -o yaml` prints (`replicas` and
`availableReplicas` of a StatefulSet's status and the four counters of a DaemonSet's status are
written even when 0, `collisionCount` is a pointer). Keys not modelled stay in `extra`.

Models: k8s.io/api apps/v1 types.go (StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
RollingUpdateStatefulSetStrategy, StatefulSetPersistentVolumeClaimRetentionPolicy,
StatefulSetOrdinals, StatefulSetStatus, DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy,
RollingUpdateDaemonSet, DaemonSetStatus, ControllerRevision) and core/v1 PersistentVolumeClaim
(v1.34).
Simplifies: a PersistentVolumeClaim's spec and status are kept as frozen JSON (no controller
binds volumes); a ControllerRevision's `data` is frozen JSON whose bytes, when the history
needs them, are Go's compact encoding with sorted keys (what `json.Marshal` of the maps the
controllers build writes, see reducers/controllers/history).
Covered by: tests/test_workloads_e2e.py (dumps), tests/test_history.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import PMap, PVector

from kubefold.core.objects import (
    Condition,
    LabelSelector,
    ObjectMeta,
    PodTemplateSpec,
    part,
)
from kubefold.core.schema import (
    INT,
    INT_OMITEMPTY,
    INT_OR_STR,
    RAW,
    extra_field,
    field,
    list_of,
    nested,
)

# ---------------------------------------------------------------------------------------------
# core/v1 PersistentVolumeClaim


@attrs.frozen
class PersistentVolumeClaim:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: Any = field("spec", RAW)
    status: Any = field("status", RAW)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# StatefulSet


@attrs.frozen
class RollingUpdateStatefulSetStrategy:
    partition: int | None = field("partition", INT)
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSetUpdateStrategy:
    type: str | None = field("type")
    rolling_update: RollingUpdateStatefulSetStrategy | None = nested(
        "rollingUpdate", RollingUpdateStatefulSetStrategy)
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSetPersistentVolumeClaimRetentionPolicy:
    when_deleted: str | None = field("whenDeleted")
    when_scaled: str | None = field("whenScaled")
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSetOrdinals:
    start: int | None = field("start", INT_OMITEMPTY)
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSetSpec:
    replicas: int | None = field("replicas", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    volume_claim_templates: PVector[PersistentVolumeClaim] = list_of(
        "volumeClaimTemplates", PersistentVolumeClaim)
    service_name: str | None = field("serviceName")
    pod_management_policy: str | None = field("podManagementPolicy")
    update_strategy: StatefulSetUpdateStrategy | None = nested(
        "updateStrategy", StatefulSetUpdateStrategy)
    revision_history_limit: int | None = field("revisionHistoryLimit", INT)
    min_ready_seconds: int | None = field("minReadySeconds", INT_OMITEMPTY)
    persistent_volume_claim_retention_policy: \
        StatefulSetPersistentVolumeClaimRetentionPolicy | None = nested(
            "persistentVolumeClaimRetentionPolicy",
            StatefulSetPersistentVolumeClaimRetentionPolicy)
    ordinals: StatefulSetOrdinals | None = nested("ordinals", StatefulSetOrdinals)
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSetStatus:
    observed_generation: int | None = field("observedGeneration", INT_OMITEMPTY)
    replicas: int | None = field("replicas", INT)
    ready_replicas: int | None = field("readyReplicas", INT_OMITEMPTY)
    current_replicas: int | None = field("currentReplicas", INT_OMITEMPTY)
    updated_replicas: int | None = field("updatedReplicas", INT_OMITEMPTY)
    current_revision: str | None = field("currentRevision")
    update_revision: str | None = field("updateRevision")
    collision_count: int | None = field("collisionCount", INT)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    available_replicas: int | None = field("availableReplicas", INT)
    extra: PMap = extra_field()


@attrs.frozen
class StatefulSet:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: StatefulSetSpec = part("spec", StatefulSetSpec)
    status: StatefulSetStatus = part("status", StatefulSetStatus)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# DaemonSet


@attrs.frozen
class RollingUpdateDaemonSet:
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    max_surge: int | str | None = field("maxSurge", INT_OR_STR)
    extra: PMap = extra_field()


@attrs.frozen
class DaemonSetUpdateStrategy:
    type: str | None = field("type")
    rolling_update: RollingUpdateDaemonSet | None = nested("rollingUpdate",
                                                           RollingUpdateDaemonSet)
    extra: PMap = extra_field()


@attrs.frozen
class DaemonSetSpec:
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    update_strategy: DaemonSetUpdateStrategy | None = nested("updateStrategy",
                                                             DaemonSetUpdateStrategy)
    min_ready_seconds: int | None = field("minReadySeconds", INT_OMITEMPTY)
    revision_history_limit: int | None = field("revisionHistoryLimit", INT)
    extra: PMap = extra_field()


@attrs.frozen
class DaemonSetStatus:
    current_number_scheduled: int | None = field("currentNumberScheduled", INT)
    number_misscheduled: int | None = field("numberMisscheduled", INT)
    desired_number_scheduled: int | None = field("desiredNumberScheduled", INT)
    number_ready: int | None = field("numberReady", INT)
    observed_generation: int | None = field("observedGeneration", INT_OMITEMPTY)
    updated_number_scheduled: int | None = field("updatedNumberScheduled", INT_OMITEMPTY)
    number_available: int | None = field("numberAvailable", INT_OMITEMPTY)
    number_unavailable: int | None = field("numberUnavailable", INT_OMITEMPTY)
    collision_count: int | None = field("collisionCount", INT)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


@attrs.frozen
class DaemonSet:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: DaemonSetSpec = part("spec", DaemonSetSpec)
    status: DaemonSetStatus = part("status", DaemonSetStatus)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# ControllerRevision


@attrs.frozen
class ControllerRevision:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    data: Any = field("data", RAW)
    revision: int | None = field("revision", INT)
    extra: PMap = extra_field()


MODELLED: dict[str, type] = {
    "StatefulSet": StatefulSet,
    "DaemonSet": DaemonSet,
    "ControllerRevision": ControllerRevision,
    "PersistentVolumeClaim": PersistentVolumeClaim,
}
