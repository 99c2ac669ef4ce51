"""Validation of batch/v1 Jobs and CronJobs.

Models (release v1.34, k8s.io/kubernetes/pkg/apis/batch/validation/validation.go):
validateGeneratedSelector, ValidateJob (with the Indexed hostname rule), ValidateJobSpec,
validateJobSpec (parallelism, completions, deadlines, backoff limits, managedBy, completion
mode, the Indexed limits, podFailurePolicy and its rules, successPolicy and its rules,
podReplacementPolicy, restartPolicy), validateJobStatus and ValidateJobStatusUpdate with the
options the Job status strategy turns on (JobManagedBy, beta and on in v1.34: each rule checked
only when the fields it reads changed), ValidateJobUpdate and ValidateJobSpecUpdate (completions
elastic for Indexed Jobs, selector, template (node affinity, node selector, tolerations, labels,
annotations and scheduling gates mutable while suspended and never started), completionMode,
podFailurePolicy, backoffLimitPerIndex, managedBy and successPolicy immutable),
ValidateCronJobCreate (52-character names), ValidateCronJobUpdate, validateCronJobSpec,
validateScheduleFormat (robfig's parse errors; `TZ=` / `CRON_TZ=` rejected unless the old
schedule had one), validateTimeZone, validateConcurrencyPolicy, ValidateJobTemplateSpec,
validateIndexesFormat, parseIndexInterval, validateFailedIndexesNotOverlapCompleted;
pkg/apis/core/validation ValidateHasLabel.
The startTime rule lets a Job being resumed (Suspended=True before) take a new startTime, as the
v1.34 patch releases do (kubernetes#134769; v1.34.0 rejected the Job controller's own update).
Simplifies: the bad value of an immutable template or policy prints as a short Go literal
(Go prints the whole struct with `%#v`). Warnings (WarningsOnCreate) are not produced.
Covered by: tests/test_batch_validation.py.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.batch import (
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
    CronJob,
    CronJobSpec,
    Job,
    JobSpec,
    JobTemplateSpec,
    PodFailurePolicyRule,
)
from kubefold.core.cron import CronError, load_location, parse_standard
from kubefold.core.errors import (
    DUPLICATE,
    INVALID,
    TOO_MANY,
    FieldError,
    GoLiteral,
    duplicate,
    invalid,
    not_supported,
    required,
    too_long,
)
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.objects import LabelSelector, ObjectMeta, PodTemplateSpec
from kubefold.reducers.apiserver.validation.apps import go_label_selector, validate_label_selector
from kubefold.reducers.apiserver.validation.core import (
    go_string_map,
    go_time,
    index,
    invalid_literal,
    key,
    validate_object_meta_update,
    validate_pod_template_spec,
)
from kubefold.reducers.apiserver.validation.names import (
    FIELD_IMMUTABLE_ERROR_MSG,
    child,
    is_dns1123_label,
    is_domain_prefixed_path,
    name_is_dns_subdomain,
    validate_nonnegative_field,
    validate_object_meta,
    validate_qualified_name,
)

MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000
MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000
COMPLETIONS_SOFT_LIMIT = 100_000
PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000
MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000
MAX_POD_FAILURE_POLICY_RULES = 20
MAX_POD_FAILURE_POLICY_ON_EXIT_CODES_VALUES = 255
MAX_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERNS = 20
MAX_MANAGED_BY_LENGTH = 63
MAX_SUCCESS_POLICY_SUCCEEDED_INDEXES_LIMIT = 64 * 1024
MAX_SUCCESS_POLICY_RULE = 20
DNS1035_LABEL_MAX_LENGTH = 63

POD_FAILURE_POLICY_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")  # sets.List: sorted
ON_EXIT_CODES_OPERATORS = ("In", "NotIn")
ON_POD_CONDITIONS_STATUSES = ("False", "True", "Unknown")
POD_REPLACEMENT_POLICIES = ("Failed", "TerminatingOrFailed")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
_VALID_TIME_ZONE_CHARACTERS = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def _omit(path: str, detail: str) -> FieldError:
    """field.Invalid(path, field.OmitValueType{}, detail)."""
    return FieldError(INVALID, path, None, detail, omit_value=True)


def _too_many(path: str, actual: int, limit: int) -> FieldError:
    return FieldError(TOO_MANY, path, actual, f"must have at most {limit} items")


def _quoted_list(values: tuple[str, ...]) -> str:
    """`%q` of a []string: ["a" "b"]."""
    return "[" + " ".join(f'"{v}"' for v in values) + "]"


def _go_int_list(values: Any) -> GoLiteral:
    return GoLiteral("[]int32{" + ", ".join(str(v) for v in values) + "}")


def validate_has_label(meta: ObjectMeta, path: str, label: str, expected: str
                       ) -> list[FieldError]:
    """ValidateHasLabel."""
    where = key(child(path, "labels"), label)
    if label not in meta.labels:
        return [required(where, f"must be '{expected}'")]
    if meta.labels[label] != expected:
        return [invalid_literal(where, go_string_map(meta.labels), f"must be '{expected}'")]
    return []


# ---------------------------------------------------------------------------------------------
# Jobs


def validate_generated_selector(job: Job, validate_batch_labels: bool) -> list[FieldError]:
    """validateGeneratedSelector."""
    spec = job.spec
    if spec.manual_selector or spec.selector is None:
        return []
    errs: list[FieldError] = []
    uid, name = job.metadata.uid or "", job.metadata.name or ""
    if not uid:
        errs.append(required("metadata.uid"))
    meta = (spec.template or PodTemplateSpec()).metadata
    path = "spec.template.metadata"
    errs += validate_has_label(meta, path, LEGACY_CONTROLLER_UID_LABEL, uid)
    errs += validate_has_label(meta, path, LEGACY_JOB_NAME_LABEL, name)
    expected = {}
    if validate_batch_labels:
        errs += validate_has_label(meta, path, CONTROLLER_UID_LABEL, uid)
        errs += validate_has_label(meta, path, JOB_NAME_LABEL, name)
        expected = {CONTROLLER_UID_LABEL: uid, JOB_NAME_LABEL: name}
    expected |= {LEGACY_CONTROLLER_UID_LABEL: uid, LEGACY_JOB_NAME_LABEL: name}
    try:
        selector = label_selector_as_selector(spec.selector)
    except ValueError:
        return errs
    if not selector.matches(pmap(expected)):
        errs.append(invalid_literal("spec.selector", go_label_selector(spec.selector),
                                    "`selector` not auto-generated"))
    return errs


def validate_job(job: Job, require_prefixed_labels: bool = True) -> list[FieldError]:
    """ValidateJob (the Job strategy's Validate)."""
    errs = validate_object_meta(job.metadata, True,  # type: ignore[arg-type]
                                name_is_dns_subdomain, "metadata")
    errs += validate_generated_selector(job, require_prefixed_labels)
    errs += validate_job_spec(job.spec, "spec")
    spec = job.spec
    if spec.completion_mode == "Indexed" and spec.completions is not None \
            and spec.completions > 0:
        hostname = f"{job.metadata.name}-{spec.completions - 1}"
        if is_dns1123_label(hostname):
            errs.append(invalid("metadata.name", job.metadata.name,
                                "will not able to create pod with invalid DNS label: "
                                f"{hostname}"))
    return errs


def validate_job_spec(spec: JobSpec, path: str) -> list[FieldError]:
    """ValidateJobSpec: validateJobSpec, the selector, and the selector matching the
    template's labels."""
    errs = _validate_job_spec(spec, path)
    if spec.selector is None:
        errs.append(required(child(path, "selector")))
    else:
        errs += validate_label_selector(spec.selector, child(path, "selector"))
    try:
        selector = label_selector_as_selector(spec.selector)
    except ValueError:
        return errs
    labels = spec.template.metadata.labels if spec.template is not None else pmap()
    if not selector.matches(labels):
        errs.append(invalid_literal(child(path, "template.metadata.labels"),
                                    go_string_map(labels),
                                    "`selector` does not match template `labels`"))
    return errs


def _validate_job_spec(spec: JobSpec, path: str) -> list[FieldError]:
    """validateJobSpec."""
    errs: list[FieldError] = []
    for attr, name in (("parallelism", "parallelism"), ("completions", "completions"),
                       ("active_deadline_seconds", "activeDeadlineSeconds"),
                       ("backoff_limit", "backoffLimit"),
                       ("ttl_seconds_after_finished", "ttlSecondsAfterFinished"),
                       ("backoff_limit_per_index", "backoffLimitPerIndex")):
        value = getattr(spec, attr)
        if value is not None:
            errs += validate_nonnegative_field(value, child(path, name))
    if spec.max_failed_indexes is not None:
        errs += validate_nonnegative_field(spec.max_failed_indexes,
                                           child(path, "maxFailedIndexes"))
        if spec.backoff_limit_per_index is None:
            errs.append(required(child(path, "backoffLimitPerIndex"),
                                 "when maxFailedIndexes is specified"))
    if spec.managed_by is not None:
        errs += is_domain_prefixed_path(child(path, "managedBy"), spec.managed_by)
        if len(spec.managed_by) > MAX_MANAGED_BY_LENGTH:
            errs.append(too_long(child(path, "managedBy"), spec.managed_by,
                                 MAX_MANAGED_BY_LENGTH))
    errs += _validate_completion_mode(spec, path)
    if spec.pod_failure_policy is not None:
        errs += validate_pod_failure_policy(spec, child(path, "podFailurePolicy"))
    if spec.success_policy is not None:
        if (spec.completion_mode or "NonIndexed") != "Indexed":
            shown = "batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{}}" \
                if not spec.success_policy.rules else "batch.SuccessPolicy{...}"
            errs.append(invalid_literal(child(path, "successPolicy"), GoLiteral(shown),
                                        "requires indexed completion mode"))
        else:
            errs += validate_success_policy(spec, child(path, "successPolicy"))
    errs += _validate_pod_replacement_policy(spec, child(path, "podReplacementPolicy"))
    template = spec.template or PodTemplateSpec()
    errs += validate_pod_template_spec(template, child(path, "template"))
    return errs + _validate_restart_policy(spec, path)


def _validate_completion_mode(spec: JobSpec, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    mode = spec.completion_mode
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(child(path, "completionMode"), mode,
                                      ("NonIndexed", "Indexed")))
        if mode == "Indexed":
            errs += _indexed_limits(spec, path)
    if mode in (None, "NonIndexed"):
        if spec.backoff_limit_per_index is not None:
            errs.append(invalid(child(path, "backoffLimitPerIndex"),
                                spec.backoff_limit_per_index, "requires indexed completion mode"))
        if spec.max_failed_indexes is not None:
            errs.append(invalid(child(path, "maxFailedIndexes"), spec.max_failed_indexes,
                                "requires indexed completion mode"))
    return errs


def _indexed_limits(spec: JobSpec, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    completions, parallelism, max_failed = (spec.completions, spec.parallelism,
                                            spec.max_failed_indexes)
    if completions is None:
        errs.append(required(child(path, "completions"), "when completion mode is Indexed"))
    if parallelism is not None and parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB:
        errs.append(invalid(child(path, "parallelism"), parallelism,
                            f"must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} "
                            "when completion mode is Indexed"))
    if completions is not None and max_failed is not None and max_failed > completions:
        errs.append(invalid(child(path, "maxFailedIndexes"), max_failed,
                            "must be less than or equal to completions"))
    if max_failed is not None and max_failed > MAX_FAILED_INDEXES_FOR_INDEXED_JOB:
        errs.append(invalid(child(path, "maxFailedIndexes"), max_failed,
                            "must be less than or equal to "
                            f"{MAX_FAILED_INDEXES_FOR_INDEXED_JOB}"))
    if completions is not None and completions > COMPLETIONS_SOFT_LIMIT \
            and spec.backoff_limit_per_index is not None:
        tail = (f"when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff "
                "limit per index")
        if max_failed is None:
            errs.append(required(child(path, "maxFailedIndexes"),
                                 f"must be specified when completions is above "
                                 f"{COMPLETIONS_SOFT_LIMIT}"))
        if parallelism is not None and parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS:
            errs.append(invalid(child(path, "parallelism"), parallelism,
                                "must be less than or equal to "
                                f"{PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} {tail}"))
        if max_failed is not None and max_failed > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS:
            errs.append(invalid(child(path, "maxFailedIndexes"), max_failed,
                                "must be less than or equal to "
                                f"{MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} {tail}"))
    return errs


def _validate_restart_policy(spec: JobSpec, path: str) -> list[FieldError]:
    template_spec = spec.template.spec if spec.template is not None else None
    policy = (template_spec.restart_policy if template_spec is not None else None) or ""
    where = child(path, "template.spec.restartPolicy")
    if policy in ("Always", ""):
        return [required(where, 'valid values: "OnFailure", "Never"')]
    if policy not in ("OnFailure", "Never"):
        return [not_supported(where, policy, ("OnFailure", "Never"))]
    if spec.pod_failure_policy is not None and policy != "Never":
        return [invalid(where, policy, 'only "Never" is supported when podFailurePolicy is '
                                       "specified")]
    return []


def _validate_pod_replacement_policy(spec: JobSpec, path: str) -> list[FieldError]:
    policy = spec.pod_replacement_policy
    if policy is None:
        return []
    if spec.pod_failure_policy is not None:
        return [] if policy == "Failed" else [not_supported(path, policy, ("Failed",))]
    if policy not in POD_REPLACEMENT_POLICIES:
        return [not_supported(path, policy, POD_REPLACEMENT_POLICIES)]
    return []


def validate_pod_failure_policy(spec: JobSpec, path: str) -> list[FieldError]:
    """validatePodFailurePolicy."""
    assert spec.pod_failure_policy is not None
    rules = spec.pod_failure_policy.rules
    rules_path = child(path, "rules")
    errs: list[FieldError] = []
    if len(rules) > MAX_POD_FAILURE_POLICY_RULES:
        errs.append(_too_many(rules_path, len(rules), MAX_POD_FAILURE_POLICY_RULES))
    template_spec = spec.template.spec if spec.template is not None else None
    names = set()
    if template_spec is not None:
        names = {c.name for c in [*template_spec.containers, *template_spec.init_containers]}
    for i, rule in enumerate(rules):
        errs += _validate_pod_failure_policy_rule(spec, rule, index(rules_path, i), names)
    return errs


def _validate_pod_failure_policy_rule(spec: JobSpec, rule: PodFailurePolicyRule, path: str,
                                      names: set[Any]) -> list[FieldError]:
    errs: list[FieldError] = []
    action_path = child(path, "action")
    action = rule.action or ""
    if not action:
        errs.append(required(action_path,
                             f"valid values: {_quoted_list(POD_FAILURE_POLICY_ACTIONS)}"))
    elif action == "FailIndex":
        if spec.backoff_limit_per_index is None:
            errs.append(invalid(action_path, action,
                                "requires the backoffLimitPerIndex to be set"))
    elif action not in POD_FAILURE_POLICY_ACTIONS:
        errs.append(not_supported(action_path, action, POD_FAILURE_POLICY_ACTIONS))
    if rule.on_exit_codes is not None:
        errs += _validate_on_exit_codes(rule, child(path, "onExitCodes"), names)
    if rule.on_pod_conditions:
        errs += _validate_on_pod_conditions(rule, child(path, "onPodConditions"))
    if rule.on_exit_codes is not None and rule.on_pod_conditions:
        errs.append(_omit(path, "specifying both OnExitCodes and OnPodConditions is not "
                                "supported"))
    if rule.on_exit_codes is None and not rule.on_pod_conditions:
        errs.append(_omit(path, "specifying one of OnExitCodes and OnPodConditions is required"))
    return errs


def _validate_on_pod_conditions(rule: PodFailurePolicyRule, path: str) -> list[FieldError]:
    patterns = rule.on_pod_conditions
    errs: list[FieldError] = []
    if len(patterns) > MAX_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERNS:
        errs.append(_too_many(path, len(patterns),
                              MAX_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERNS))
    for j, pattern in enumerate(patterns):
        pattern_path = index(path, j)
        errs += validate_qualified_name(pattern.type or "", child(pattern_path, "type"))
        status = pattern.status or ""
        if not status:
            errs.append(required(child(pattern_path, "status"),
                                 f"valid values: {_quoted_list(ON_POD_CONDITIONS_STATUSES)}"))
        elif status not in ON_POD_CONDITIONS_STATUSES:
            errs.append(not_supported(child(pattern_path, "status"), status,
                                      ON_POD_CONDITIONS_STATUSES))
    return errs


def _validate_on_exit_codes(rule: PodFailurePolicyRule, path: str, names: set[Any]
                            ) -> list[FieldError]:
    codes = rule.on_exit_codes
    assert codes is not None
    errs: list[FieldError] = []
    operator = codes.operator or ""
    if not operator:
        errs.append(required(child(path, "operator"),
                             f"valid values: {_quoted_list(ON_EXIT_CODES_OPERATORS)}"))
    elif operator not in ON_EXIT_CODES_OPERATORS:
        errs.append(not_supported(child(path, "operator"), operator, ON_EXIT_CODES_OPERATORS))
    if codes.container_name is not None and codes.container_name not in names:
        errs.append(invalid(child(path, "containerName"), codes.container_name,
                            "must be one of the container or initContainer names in the pod "
                            "template"))
    values_path = child(path, "values")
    values = list(codes.values)
    if not values:
        errs.append(invalid_literal(values_path, _go_int_list(values),
                                    "at least one value is required"))
    elif len(values) > MAX_POD_FAILURE_POLICY_ON_EXIT_CODES_VALUES:
        errs.append(_too_many(values_path, len(values),
                              MAX_POD_FAILURE_POLICY_ON_EXIT_CODES_VALUES))
    ordered = True
    seen: set[int] = set()
    for j, value in enumerate(values):
        if operator == "In" and value == 0:
            errs.append(invalid(index(values_path, j), value, "must not be 0 for the In operator"))
        if value in seen:
            errs.append(duplicate(index(values_path, j), value))
        else:
            seen.add(value)
        if j > 0 and values[j - 1] > value:
            ordered = False
    if not ordered:
        errs.append(invalid_literal(values_path, _go_int_list(values), "must be ordered"))
    return errs


def validate_success_policy(spec: JobSpec, path: str) -> list[FieldError]:
    """validateSuccessPolicy."""
    assert spec.success_policy is not None
    rules = spec.success_policy.rules
    rules_path = child(path, "rules")
    errs: list[FieldError] = []
    if not rules:
        errs.append(required(rules_path, "at least one rules must be specified when the "
                                         "successPolicy is specified"))
    if len(rules) > MAX_SUCCESS_POLICY_RULE:
        errs.append(_too_many(rules_path, len(rules), MAX_SUCCESS_POLICY_RULE))
    completions = spec.completions or 0
    for i, rule in enumerate(rules):
        rule_path = index(rules_path, i)
        if rule.succeeded_count is None and rule.succeeded_indexes is None:
            errs.append(required(rule_path, "at least one of succeededCount or "
                                            "succeededIndexes must be specified"))
        total = 0
        if rule.succeeded_indexes is not None:
            where = child(rule_path, "succeededIndexes")
            if len(rule.succeeded_indexes) > MAX_SUCCESS_POLICY_SUCCEEDED_INDEXES_LIMIT:
                errs.append(too_long(where, rule.succeeded_indexes,
                                     MAX_SUCCESS_POLICY_SUCCEEDED_INDEXES_LIMIT))
            try:
                total = validate_indexes_format(rule.succeeded_indexes, completions)
            except ValueError as exc:
                errs.append(invalid(where, rule.succeeded_indexes,
                                    f"error parsing succeededIndexes: {exc}"))
        if rule.succeeded_count is not None:
            where = child(rule_path, "succeededCount")
            count = rule.succeeded_count
            errs += validate_nonnegative_field(count, where)
            if count > completions:
                errs.append(invalid(where, count, f"must be less than or equal to "
                                                  f"{completions} (the number of specified "
                                                  "completions)"))
            if rule.succeeded_indexes is not None and count > total:
                errs.append(invalid(where, count, f"must be less than or equal to {total} (the "
                                                  "number of indexes in the specified "
                                                  "succeededIndexes field)"))
    return errs


def parse_index_interval(text: str, completions: int) -> tuple[int, int]:
    """parseIndexInterval; raises ValueError with Go's message."""
    limits = text.split("-")
    if len(limits) > 2:
        raise ValueError(f'the fragment "{text}" violates the requirement that an index '
                         "interval can have at most two parts separated by '-'")
    first = _atoi(limits[0])
    if first >= completions:
        raise ValueError(f'too large index: "{limits[0]}"')
    if len(limits) == 1:
        return first, first
    last = _atoi(limits[1])
    if last >= completions:
        raise ValueError(f'too large index: "{limits[1]}"')
    if first >= last:
        raise ValueError(f"non-increasing order, previous: {first}, current: {last}")
    return first, last


def _atoi(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f'cannot convert string to integer for index: "{text}"')
    return int(text)


def validate_indexes_format(text: str, completions: int) -> int:
    """validateIndexesFormat: the number of indexes; raises ValueError with Go's message."""
    if not text:
        return 0
    last: int | None = None
    total = 0
    for interval in text.split(","):
        first, end = parse_index_interval(interval, completions)
        if last is not None and last >= first:
            raise ValueError(f"non-increasing order, previous: {last}, current: {first}")
        total += end - first + 1
        last = end
    return total


def validate_failed_indexes_not_overlap_completed(completed: str, failed: str,
                                                  completions: int) -> str | None:
    """validateFailedIndexesNotOverlapCompleted: the error message, or None."""
    if not completed or not failed:
        return None

    def parsed(items: list[str]) -> list[tuple[int, int]]:
        out = []
        for item in items:
            try:
                out.append(parse_index_interval(item, completions))
            except ValueError:
                continue  # reported by the format check
        return out

    done, bad = parsed(completed.split(",")), parsed(failed.split(","))
    i = j = 0
    while i < len(done) and j < len(bad):
        (cx, cy), (fx, fy) = done[i], bad[j]
        if cx <= fy and fx <= cy:
            return f"failedIndexes and completedIndexes overlap at index: {max(cx, fx)}"
        if cx <= fx:
            i += 1
        else:
            j += 1
    return None


def _go_time_literal(seconds: int | None) -> GoLiteral:
    return GoLiteral(go_time(seconds))


def _condition_true(job: Job, ctype: str) -> bool:
    return any(c.type == ctype and c.status == "True" for c in job.status.conditions)


def is_job_finished(job: Job) -> bool:
    return _condition_true(job, "Complete") or _condition_true(job, "Failed")


def validate_job_status(job: Job, old: Job) -> list[FieldError]:
    """validateJobStatus with the options of the Job status strategy (JobManagedBy on): each
    rule runs when a field it reads changed."""
    s, o = job.status, old.status
    p = "status"
    errs: list[FieldError] = []
    for name, value in (("active", s.active), ("succeeded", s.succeeded), ("failed", s.failed)):
        errs += validate_nonnegative_field(value or 0, child(p, name))
    for name, value in (("ready", s.ready), ("terminating", s.terminating)):
        if value is not None:
            errs += validate_nonnegative_field(value, child(p, name))
    uncounted = s.uncounted_terminated_pods
    if uncounted is not None:
        seen: set[str] = set()
        for kind, uids in (("succeeded", uncounted.succeeded), ("failed", uncounted.failed)):
            for i, uid in enumerate(uids):
                where = index(child(child(p, "uncountedTerminatedPods"), kind), i)
                if not uid:
                    errs.append(invalid(where, uid, "must not be empty"))
                elif uid in seen:
                    errs.append(FieldError(DUPLICATE, where, uid))
                else:
                    seen.add(uid)
    complete, failed = _condition_true(job, "Complete"), _condition_true(job, "Failed")
    failure_target = _condition_true(job, "FailureTarget")
    criteria_met = _condition_true(job, "SuccessCriteriaMet")
    finished = complete or failed
    changed_finished = finished != is_job_finished(old)
    changed_complete = complete != _condition_true(old, "Complete")
    changed_failed = failed != _condition_true(old, "Failed")
    changed_target = failure_target != _condition_true(old, "FailureTarget")
    changed_completed_idx = (s.completed_indexes or "") != (o.completed_indexes or "")
    changed_failed_idx = s.failed_indexes != o.failed_indexes
    changed_start = s.start_time != o.start_time
    changed_completion = s.completion_time != o.completion_time
    changed_active = (s.active or 0) != (o.active or 0)
    changed_uncounted = uncounted != o.uncounted_terminated_pods
    changed_ready = s.ready != o.ready
    changed_terminating = s.terminating != o.terminating
    cond = child(p, "conditions")
    if (changed_complete or changed_failed) and complete and failed:
        errs.append(_omit(cond, "cannot set Complete=True and Failed=true conditions"))
    if (changed_complete or changed_target) and complete and failure_target:
        errs.append(_omit(cond, "cannot set Complete=True and FailureTarget=true conditions"))
    if (changed_complete or changed_completion) and s.completion_time is not None \
            and not complete:
        errs.append(invalid_literal(child(p, "completionTime"),
                                    _go_time_literal(s.completion_time),
                                    "cannot set completionTime when there is no Complete=True "
                                    "condition"))
    if (changed_complete or changed_completion) and s.completion_time is None and complete:
        errs.append(required(child(p, "completionTime"),
                             "completionTime is required for Complete jobs"))
    if (changed_start or changed_completion) and s.start_time is not None \
            and s.completion_time is not None and s.completion_time < s.start_time:
        errs.append(invalid_literal(child(p, "completionTime"),
                                    _go_time_literal(s.completion_time),
                                    "completionTime cannot be set before startTime"))
    if failed and not failure_target:
        errs.append(_omit(cond, "cannot set Failed=True condition without the "
                                "FailureTarget=true condition"))
    if complete and not criteria_met:
        errs.append(_omit(cond, "cannot set Complete=True condition without the "
                                "SuccessCriteriaMet=true condition"))
    if (changed_finished or changed_active) and (s.active or 0) > 0 and finished:
        errs.append(invalid(child(p, "active"), s.active, "active>0 is invalid for finished job"))
    if (changed_finished or changed_start) and s.start_time is None and finished:
        errs.append(required(child(p, "startTime"), "startTime is required for finished job"))
    if (changed_finished or changed_uncounted) and finished and uncounted is not None \
            and (uncounted.succeeded or uncounted.failed):
        errs.append(invalid_literal(child(p, "uncountedTerminatedPods"),
                                    GoLiteral("&batch.UncountedTerminatedPods{...}"),
                                    "uncountedTerminatedPods needs to be empty for finished "
                                    "job"))
    errs += _indexes_status(job, changed_completed_idx, changed_failed_idx)
    if (changed_finished or changed_terminating) and (s.terminating or 0) > 0 and finished:
        errs.append(invalid(child(p, "terminating"), s.terminating,
                            "terminating>0 is invalid for finished job"))
    if (changed_ready or changed_active) and s.ready is not None and s.ready > (s.active or 0):
        errs.append(invalid(child(p, "ready"), s.ready, "cannot set more ready pods than active"))
    if criteria_met and failed:
        errs.append(_omit(cond, "cannot set SuccessCriteriaMet=True and Failed=true "
                                "conditions"))
    if criteria_met and failure_target:
        errs.append(_omit(cond, "cannot set SuccessCriteriaMet=True and FailureTarget=true "
                                "conditions"))
    if job.spec.success_policy is not None and not criteria_met and complete:
        errs.append(_omit(cond, "cannot set Complete=True for Job with SuccessPolicy unless "
                                "SuccessCriteriaMet=True"))
    return errs


def _indexes_status(job: Job, changed_completed: bool, changed_failed: bool
                    ) -> list[FieldError]:
    s, spec = job.status, job.spec
    p = "status"
    errs: list[FieldError] = []
    completed = s.completed_indexes or ""
    if changed_completed and spec.completions is not None:
        try:
            validate_indexes_format(completed, spec.completions)
        except ValueError as exc:
            errs.append(invalid(child(p, "completedIndexes"), completed,
                                f"error parsing completedIndexes: {exc}"))
    if changed_failed and spec.completions is not None \
            and spec.backoff_limit_per_index is not None and s.failed_indexes is not None:
        try:
            validate_indexes_format(s.failed_indexes, spec.completions)
        except ValueError as exc:
            errs.append(invalid(child(p, "failedIndexes"), s.failed_indexes,
                                f"error parsing failedIndexes: {exc}"))
    if changed_completed and completed and spec.completion_mode != "Indexed":
        errs.append(invalid(child(p, "completedIndexes"), completed,
                            "cannot set non-empty completedIndexes when non-indexed completion "
                            "mode"))
    if changed_failed and spec.backoff_limit_per_index is None and s.failed_indexes is not None:
        errs.append(invalid(child(p, "failedIndexes"), s.failed_indexes,
                            "cannot set non-null failedIndexes when backoffLimitPerIndex is "
                            "null"))
    if (changed_failed or changed_completed) and spec.completions is not None \
            and s.failed_indexes is not None:
        overlap = validate_failed_indexes_not_overlap_completed(completed, s.failed_indexes,
                                                                spec.completions)
        if overlap is not None:
            errs.append(invalid(child(p, "failedIndexes"), s.failed_indexes, overlap))
    return errs


def validate_job_status_update(job: Job, old: Job) -> list[FieldError]:
    """ValidateJobUpdateStatus: metadata, the status, and the transitions."""
    errs = validate_object_meta_update(job.metadata, old.metadata)
    errs += validate_job_status(job, old)
    s, o = job.status, old.status
    cond = "status.conditions"
    for ctype in ("Failed", "Complete", "FailureTarget"):
        if _condition_true(old, ctype) and not _condition_true(job, ctype):
            errs.append(_omit(cond, f"cannot disable the terminal {ctype}=True condition"))
    if (s.failed or 0) < (o.failed or 0):
        errs.append(invalid("status.failed", s.failed or 0, "cannot decrease the failed counter"))
    indexed = job.spec.completion_mode == "Indexed"
    if (not indexed or job.spec.completions != job.spec.parallelism) \
            and (s.succeeded or 0) < (o.succeeded or 0):
        errs.append(invalid("status.succeeded", s.succeeded or 0,
                            "cannot decrease the succeeded counter"))
    if s.completion_time is not None and o.completion_time is not None \
            and s.completion_time != o.completion_time:
        errs.append(invalid_literal("status.completionTime", _go_time_literal(s.completion_time),
                                    "completionTime cannot be mutated"))
    resuming = _condition_true(old, "Suspended")  # kubernetes#134769, in the v1.34 patches
    if o.start_time is not None and o.start_time != s.start_time and not job.spec.suspend \
            and not resuming:
        errs.append(required("status.startTime", "startTime cannot be removed for unsuspended "
                                                 "job"))
    if _condition_true(old, "SuccessCriteriaMet") and not _condition_true(job,
                                                                           "SuccessCriteriaMet"):
        errs.append(_omit(cond, "cannot disable the SuccessCriteriaMet=True condition"))
    if _condition_true(old, "Complete") and not _condition_true(old, "SuccessCriteriaMet") \
            and _condition_true(job, "SuccessCriteriaMet"):
        errs.append(_omit(cond, "cannot set SuccessCriteriaMet=True for Job already has "
                                "Complete=true conditions"))
    return errs


def validate_job_update(new: Job, old: Job) -> list[FieldError]:
    """The Job strategy's ValidateUpdate: ValidateJob, then ValidateJobUpdate."""
    tpl = old.spec.template.metadata.labels if old.spec.template is not None else pmap()
    prefixed = JOB_NAME_LABEL in tpl and CONTROLLER_UID_LABEL in tpl
    errs = validate_job(new, prefixed)
    errs += validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_job_spec(new.spec, "spec")
    return errs + _validate_job_spec_update(new, old)


def _immutable(new: Any, old: Any, path: str, shown: Any = None) -> list[FieldError]:
    if new == old:
        return []
    value = shown if shown is not None else new
    return [FieldError(INVALID, path, value, FIELD_IMMUTABLE_ERROR_MSG)]


def _validate_job_spec_update(new: Job, old: Job) -> list[FieldError]:
    spec, old_spec = new.spec, old.spec
    errs: list[FieldError] = []
    if spec.completions != old_spec.completions:
        if spec.completion_mode != "Indexed":
            errs += _immutable(spec.completions, old_spec.completions, "spec.completions",
                               GoLiteral("null") if spec.completions is None else None)
        elif spec.completions is not None and spec.completions != spec.parallelism:
            errs.append(invalid("spec.completions", spec.completions,
                                "can only be modified in tandem with spec.parallelism"))
    if spec.selector != old_spec.selector:
        shown: LabelSelector | None = spec.selector
        errs.append(invalid_literal("spec.selector", go_label_selector(shown),
                                    FIELD_IMMUTABLE_ERROR_MSG))
    errs += _validate_pod_template_update(new, old)
    for attr, name in (("completion_mode", "completionMode"),
                       ("pod_failure_policy", "podFailurePolicy"),
                       ("backoff_limit_per_index", "backoffLimitPerIndex"),
                       ("managed_by", "managedBy"), ("success_policy", "successPolicy")):
        value, previous = getattr(spec, attr), getattr(old_spec, attr)
        if value != previous:
            shown_value = value if isinstance(value, str | int) else GoLiteral(
                "null" if value is None else f"batch.{type(value).__name__}{{...}}")
            errs.append(FieldError(INVALID, f"spec.{name}", shown_value,
                                   FIELD_IMMUTABLE_ERROR_MSG))
    return errs


def _validate_pod_template_update(new: Job, old: Job) -> list[FieldError]:
    """validatePodTemplateUpdate: while the Job is suspended and never started, node
    affinity, node selector, tolerations, labels, annotations and scheduling gates may
    change."""
    template = new.spec.template or PodTemplateSpec()
    old_template = old.spec.template or PodTemplateSpec()
    if old.spec.suspend and old.status.start_time is None:
        tspec, ospec = template.spec, old_template.spec
        if tspec is not None and ospec is not None:
            affinity = _merge_node_affinity(tspec.affinity, ospec.affinity)
            extra = ospec.extra
            gates = tspec.extra.get("schedulingGates")
            extra = extra.set("schedulingGates", gates) if gates is not None \
                else extra.discard("schedulingGates")
            ospec = attrs.evolve(ospec, affinity=affinity, node_selector=tspec.node_selector,
                                  tolerations=tspec.tolerations, extra=extra)
        meta = attrs.evolve(old_template.metadata, labels=template.metadata.labels,
                             annotations=template.metadata.annotations)
        old_template = attrs.evolve(old_template, metadata=meta, spec=ospec)
    if template == old_template:
        return []
    return [invalid_literal("spec.template", GoLiteral("core.PodTemplateSpec{...}"),
                            FIELD_IMMUTABLE_ERROR_MSG)]


def _merge_node_affinity(new: Any, old: Any) -> Any:
    """The old affinity with the new nodeAffinity (the cases of validatePodTemplateUpdate)."""
    if new is None and old is not None:
        rest = old.discard("nodeAffinity")
        return rest if rest else None
    if new is not None and old is None:
        node = new.get("nodeAffinity")
        return pmap({"nodeAffinity": node}) if node is not None else pmap()
    if new is not None and old is not None:
        node = new.get("nodeAffinity")
        return old.set("nodeAffinity", node) if node is not None else old.discard("nodeAffinity")
    return old


# ---------------------------------------------------------------------------------------------
# CronJobs


def validate_cron_job(cj: CronJob) -> list[FieldError]:
    """ValidateCronJobCreate."""
    errs = validate_object_meta(cj.metadata, True,  # type: ignore[arg-type]
                                name_is_dns_subdomain, "metadata")
    errs += _validate_cron_job_spec(cj.spec, None, "spec")
    name = cj.metadata.name or ""
    if len(name) > DNS1035_LABEL_MAX_LENGTH - 11:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    return errs


def validate_cron_job_update(new: CronJob, old: CronJob) -> list[FieldError]:
    """ValidateCronJobUpdate (no 52-character rule, so old CronJobs can still change)."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    return errs + _validate_cron_job_spec(new.spec, old.spec, "spec")


def _validate_cron_job_spec(spec: CronJobSpec, old: CronJobSpec | None, path: str
                            ) -> list[FieldError]:
    errs: list[FieldError] = []
    if not spec.schedule:
        errs.append(required(child(path, "schedule")))
    else:
        allow_tz = old is not None and "TZ" in (old.schedule or "")
        errs += validate_schedule_format(spec.schedule, allow_tz, spec.time_zone,
                                         child(path, "schedule"))
    if spec.starting_deadline_seconds is not None:
        errs += validate_nonnegative_field(spec.starting_deadline_seconds,
                                           child(path, "startingDeadlineSeconds"))
    if old is None or old.time_zone != spec.time_zone:
        errs += validate_time_zone(spec.time_zone, child(path, "timeZone"))
    errs += _validate_concurrency_policy(spec.concurrency_policy or "",
                                         child(path, "concurrencyPolicy"))
    errs += validate_job_template_spec(spec.job_template, child(path, "jobTemplate"))
    for attr, name in (("successful_jobs_history_limit", "successfulJobsHistoryLimit"),
                       ("failed_jobs_history_limit", "failedJobsHistoryLimit")):
        value = getattr(spec, attr)
        if value is not None:
            errs += validate_nonnegative_field(value, child(path, name))
    return errs


def _validate_concurrency_policy(policy: str, path: str) -> list[FieldError]:
    if policy in CONCURRENCY_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, CONCURRENCY_POLICIES)]


def validate_schedule_format(schedule: str, allow_tz: bool, time_zone: str | None, path: str
                             ) -> list[FieldError]:
    """validateScheduleFormat: robfig's parse error; TZ in the schedule."""
    errs: list[FieldError] = []
    try:
        parse_standard(schedule)
    except CronError as exc:
        errs.append(invalid(path, schedule, str(exc)))
    if allow_tz and "TZ" in schedule and time_zone is not None:
        errs.append(invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ "
                                            "in schedule"))
    elif not allow_tz and "TZ" in schedule:
        errs.append(invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone "
                                            "field instead"))
    return errs


def validate_time_zone(time_zone: str | None, path: str) -> list[FieldError]:
    """validateTimeZone."""
    if time_zone is None:
        return []
    if not time_zone:
        return [invalid(path, time_zone, "timeZone must be nil or non-empty string")]
    for part in time_zone.split("/"):
        if part in (".", "..") or part.startswith("-") \
                or not _VALID_TIME_ZONE_CHARACTERS.match(part):
            return [invalid(path, time_zone, f"unknown time zone {time_zone}")]
    errs: list[FieldError] = []
    if time_zone.lower() == "local":
        errs.append(invalid(path, time_zone, "timeZone must be an explicit time zone as defined "
                                             "in https://www.iana.org/time-zones"))
    try:
        load_location(time_zone)
    except CronError as exc:
        errs.append(invalid(path, time_zone, str(exc)))
    return errs


def validate_job_template_spec(template: JobTemplateSpec, path: str) -> list[FieldError]:
    """ValidateJobTemplateSpec: validateJobSpec; no selector, no manualSelector."""
    spec = template.spec
    errs = _validate_job_spec(spec, child(path, "spec"))
    if spec.selector is not None:
        errs.append(invalid_literal(child(path, "spec.selector"),
                                    go_label_selector(spec.selector),
                                    "`selector` will be auto-generated"))
    if spec.manual_selector:
        errs.append(not_supported(child(path, "spec.manualSelector"), True, ("nil", "false")))
    return errs
