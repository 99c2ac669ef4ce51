"""batch/v1 objects as frozen values: Job and CronJob.

Fields are named as the official Python client names them and encoded as kube-apiserver
writes them: `status.active`, `succeeded` and `failed` are omitted at zero (Go's int32 with
omitempty), `status.ready` and `status.terminating` are pointers and so written even at 0, and
`status.uncountedTerminatedPods` is written as `{}` once the Job controller has set it.

Models: k8s.io/api/batch/v1 types.go (v1.34): Job, JobSpec, JobStatus, JobCondition,
PodFailurePolicy and its rules, SuccessPolicy, UncountedTerminatedPods, CronJob, CronJobSpec,
JobTemplateSpec, CronJobStatus; the well-known labels, annotations and the finalizer.
Simplifies: `status.active` of a CronJob keeps its ObjectReferences as frozen JSON.
Covered by: tests/test_batch_validation.py, tests/test_job_e2e.py, tests/test_job_controller.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import PMap, PVector, pvector

from kubefold.core.objects import (
    Condition,
    LabelSelector,
    ObjectMeta,
    PodTemplateSpec,
    part,
)
from kubefold.core.schema import (
    BOOL,
    INT,
    INT_OMITEMPTY,
    RAW,
    STR_LIST,
    TIME,
    ListOf,
    Scalar,
    extra_field,
    field,
    list_of,
    nested,
)

# Well-known names (k8s.io/api/batch/v1 types.go).
JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
JOB_COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
JOB_INDEX_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count"
JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-ignored-failure-count"
CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
JOB_CONTROLLER_NAME = "kubernetes.io/job-controller"  # the default of spec.managedBy

INT_LIST = ListOf(Scalar((int,), "integer"))


@attrs.frozen
class PodFailurePolicyOnExitCodesRequirement:
    container_name: str | None = field("containerName")
    operator: str | None = field("operator")
    values: PVector[int] = field("values", INT_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class PodFailurePolicyOnPodConditionsPattern:
    type: str | None = field("type")
    status: str | None = field("status")
    extra: PMap = extra_field()


@attrs.frozen
class PodFailurePolicyRule:
    action: str | None = field("action")
    on_exit_codes: PodFailurePolicyOnExitCodesRequirement | None = nested(
        "onExitCodes", PodFailurePolicyOnExitCodesRequirement)
    on_pod_conditions: PVector[PodFailurePolicyOnPodConditionsPattern] = list_of(
        "onPodConditions", PodFailurePolicyOnPodConditionsPattern)
    extra: PMap = extra_field()


@attrs.frozen
class PodFailurePolicy:
    rules: PVector[PodFailurePolicyRule] = list_of("rules", PodFailurePolicyRule)
    extra: PMap = extra_field()


@attrs.frozen
class SuccessPolicyRule:
    succeeded_indexes: str | None = field("succeededIndexes")
    succeeded_count: int | None = field("succeededCount", INT)
    extra: PMap = extra_field()


@attrs.frozen
class SuccessPolicy:
    rules: PVector[SuccessPolicyRule] = list_of("rules", SuccessPolicyRule)
    extra: PMap = extra_field()


@attrs.frozen
class JobSpec:
    parallelism: int | None = field("parallelism", INT)
    completions: int | None = field("completions", INT)
    active_deadline_seconds: int | None = field("activeDeadlineSeconds", INT)
    pod_failure_policy: PodFailurePolicy | None = nested("podFailurePolicy", PodFailurePolicy)
    success_policy: SuccessPolicy | None = nested("successPolicy", SuccessPolicy)
    backoff_limit: int | None = field("backoffLimit", INT)
    backoff_limit_per_index: int | None = field("backoffLimitPerIndex", INT)
    max_failed_indexes: int | None = field("maxFailedIndexes", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    manual_selector: bool | None = field("manualSelector", BOOL)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    ttl_seconds_after_finished: int | None = field("ttlSecondsAfterFinished", INT)
    completion_mode: str | None = field("completionMode")
    suspend: bool | None = field("suspend", BOOL)
    pod_replacement_policy: str | None = field("podReplacementPolicy")
    managed_by: str | None = field("managedBy")
    extra: PMap = extra_field()


@attrs.frozen
class UncountedTerminatedPods:
    succeeded: PVector[str] = field("succeeded", STR_LIST, factory=pvector)
    failed: PVector[str] = field("failed", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class JobStatus:
    conditions: PVector[Condition] = list_of("conditions", Condition)
    start_time: int | None = field("startTime", TIME)
    completion_time: int | None = field("completionTime", TIME)
    active: int | None = field("active", INT_OMITEMPTY)
    succeeded: int | None = field("succeeded", INT_OMITEMPTY)
    failed: int | None = field("failed", INT_OMITEMPTY)
    terminating: int | None = field("terminating", INT)
    completed_indexes: str | None = field("completedIndexes")
    failed_indexes: str | None = field("failedIndexes")
    uncounted_terminated_pods: UncountedTerminatedPods | None = nested(
        "uncountedTerminatedPods", UncountedTerminatedPods)
    ready: int | None = field("ready", INT)
    extra: PMap = extra_field()


@attrs.frozen
class Job:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: JobSpec = part("spec", JobSpec)
    status: JobStatus = part("status", JobStatus)
    extra: PMap = extra_field()


@attrs.frozen
class JobTemplateSpec:
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: JobSpec = part("spec", JobSpec)
    extra: PMap = extra_field()


@attrs.frozen
class CronJobSpec:
    schedule: str | None = field("schedule")
    time_zone: str | None = field("timeZone")
    starting_deadline_seconds: int | None = field("startingDeadlineSeconds", INT)
    concurrency_policy: str | None = field("concurrencyPolicy")
    suspend: bool | None = field("suspend", BOOL)
    job_template: JobTemplateSpec = part("jobTemplate", JobTemplateSpec)
    successful_jobs_history_limit: int | None = field("successfulJobsHistoryLimit", INT)
    failed_jobs_history_limit: int | None = field("failedJobsHistoryLimit", INT)
    extra: PMap = extra_field()


@attrs.frozen
class CronJobStatus:
    active: PVector[Any] = list_of("active", RAW)
    last_schedule_time: int | None = field("lastScheduleTime", TIME)
    last_successful_time: int | None = field("lastSuccessfulTime", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class CronJob:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: CronJobSpec = part("spec", CronJobSpec)
    status: CronJobStatus = part("status", CronJobStatus)
    extra: PMap = extra_field()


MODELLED: dict[str, type] = {
    "Job": Job,
    "CronJob": CronJob,
}
