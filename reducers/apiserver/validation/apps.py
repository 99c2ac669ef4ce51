"""Validation of apps/v1 Deployments and ReplicaSets.

Models (release v1.34):
- k8s.io/kubernetes/pkg/apis/apps/validation/validation.go: ValidateDeployment,
  ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateRollingUpdateDeployment,
  ValidatePositiveIntOrPercent, getPercentValue, getIntOrPercentValue, IsNotMoreThan100Percent,
  ValidateDeploymentUpdate, ValidateDeploymentStatus, ValidateDeploymentStatusUpdate,
  ValidateReplicaSet, ValidateReplicaSetSpec, ValidateReplicaSetUpdate, ValidateReplicaSetStatus,
  ValidateReplicaSetStatusUpdate, ValidatePodTemplateSpecForReplicaSet.
- the apps/v1 registry strategies' ValidateUpdate (pkg/registry/apps/{deployment,replicaset}/
  strategy.go): `spec.selector` is immutable.
- k8s.io/apimachinery/pkg/apis/meta/v1/validation: ValidateLabelSelector and
  ValidateLabelSelectorRequirement (strict label values), not in names.py.
- pkg/apis/core/validation IsDecremented.

Simplifies: objects are already defaulted; an absent int counts as 0 (Go's internal types hold
int32, not pointers, for replicas and minReadySeconds). `spec.rollbackTo` (extensions/v1beta1
only) is not modelled. A `DeploymentStrategy` bad value whose rollingUpdate is set prints a fixed
pointer address where Go prints the real one.

Covered by: tests/test_validation_apps.py (TestValidateDeployment, TestValidateDeploymentUpdate,
TestValidateDeploymentStatus, TestValidateDeploymentStatusUpdate, TestValidateReplicaSet,
TestValidateReplicaSetUpdate, TestValidateReplicaSetStatus, TestValidateReplicaSetStatusUpdate);
tests/test_workloads_e2e.py (StatefulSet and DaemonSet messages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from kubefold.core.errors import FieldError, forbidden, invalid, not_supported, required
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.objects import (
    Deployment,
    DeploymentSpec,
    DeploymentStatus,
    DeploymentStrategy,
    LabelSelector,
    LabelSelectorRequirement,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    ReplicaSetStatus,
    RollingUpdateDeployment,
)
from kubefold.reducers.apiserver.validation.core import (
    GoLiteral,
    go_int_or_string,
    go_quote,
    go_string_map,
    index,
    invalid_literal,
    not_supported_literal,
    validate_object_meta_update,
    validate_pod_template_spec,
)
from kubefold.reducers.apiserver.validation.names import (
    FIELD_IMMUTABLE_ERROR_MSG,
    NameFn,
    child,
    is_valid_label_value,
    is_valid_percent,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_annotations,
    validate_label_name,
    validate_labels,
    validate_nonnegative_field,
    validate_object_meta,
)

validate_deployment_name: NameFn = name_is_dns_subdomain
validate_replica_set_name: NameFn = name_is_dns_subdomain

RECREATE = "Recreate"
ROLLING_UPDATE = "RollingUpdate"


def _i(value: int | None) -> int:
    return value or 0


# ---------------------------------------------------------------------------------------------
# Go's printing of selectors and strategies


def go_label_selector(sel: LabelSelector | None) -> GoLiteral:
    """A *metav1.LabelSelector as field.Error prints it: its generated protobuf String()."""
    if sel is None:
        return GoLiteral("null")
    labels = "".join(f"{k}: {sel.match_labels[k]}," for k in sorted(sel.match_labels))
    exprs = "".join(_go_requirement(r) + "," for r in sel.match_expressions)
    return GoLiteral(f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
                     f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")


def _go_requirement(r: LabelSelectorRequirement) -> str:
    """LabelSelectorRequirement.String() without its leading `&`; values as `%v` prints."""
    values = "[" + " ".join(r.values) + "]"
    return (f"LabelSelectorRequirement{{Key:{r.key or ''},Operator:{r.operator or ''},"
            f"Values:{values},}}")


def _go_strategy(strategy: DeploymentStrategy) -> GoLiteral:
    rolling = "(*apps.RollingUpdateDeployment)(nil)"
    if strategy.rolling_update is not None:
        rolling = "(*apps.RollingUpdateDeployment)(0xc000000000)"
    return GoLiteral(f"apps.DeploymentStrategy{{Type:{go_quote(strategy.type or '')}, "
                     f"RollingUpdate:{rolling}}}")


# ---------------------------------------------------------------------------------------------
# Label selectors (metav1 validation)


def validate_label_selector(sel: LabelSelector | None, path: str) -> list[FieldError]:
    """ValidateLabelSelector with AllowInvalidLabelValueInSelector false."""
    if sel is None:
        return []
    errs = validate_labels(sel.match_labels, child(path, "matchLabels"))
    for i, req in enumerate(sel.match_expressions):
        errs += _validate_requirement(req, index(child(path, "matchExpressions"), i))
    return errs


def _validate_requirement(req: LabelSelectorRequirement, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    op = req.operator or ""
    if op in ("In", "NotIn"):
        if not req.values:
            errs.append(required(child(path, "values"),
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if req.values:
            errs.append(forbidden(child(path, "values"),
                                  "may not be specified when `operator` is 'Exists' or "
                                  "'DoesNotExist'"))
    else:
        errs.append(invalid(child(path, "operator"), op, "not a valid selector operator"))
    errs += validate_label_name(req.key or "", child(path, "key"))
    for i, value in enumerate(req.values):
        errs += [invalid(index(child(path, "values"), i), value, m)
                 for m in is_valid_label_value(value)]
    return errs


def _validate_selector_and_template(selector: LabelSelector | None,
                                    template: PodTemplateSpec | None, replicas_path: str
                                    ) -> list[FieldError]:
    """The selector rules shared by ReplicaSet and Deployment specs, then the template."""
    path = replicas_path
    errs: list[FieldError] = []
    if selector is None:
        errs.append(required(child(path, "selector")))
    else:
        errs += validate_label_selector(selector, child(path, "selector"))
        if not selector.match_labels and not selector.match_expressions:
            errs.append(invalid_literal(child(path, "selector"), go_label_selector(selector),
                                "empty selector is invalid for deployment"))
    try:
        parsed = label_selector_as_selector(selector)
    except ValueError:
        return errs + [invalid_literal(child(path, "selector"), go_label_selector(selector),
                               "invalid label selector")]
    template = template or PodTemplateSpec()
    tpl_path = child(path, "template")
    if not parsed.empty() and not parsed.matches(template.metadata.labels):
        errs.append(invalid_literal(child(child(tpl_path, "metadata"), "labels"),
                            go_string_map(template.metadata.labels),
                            "`selector` does not match template `labels`"))
    return errs + _validate_template_for_replica_set(template, tpl_path)


def _validate_template_for_replica_set(template: PodTemplateSpec,
                                       path: str) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet after the selector match: restartPolicy Always,
    no activeDeadlineSeconds."""
    errs = validate_pod_template_spec(template, path)
    spec = template.spec
    policy = (spec.restart_policy if spec else None) or ""
    spec_path = child(path, "spec")
    if policy != "Always":
        errs.append(not_supported(child(spec_path, "restartPolicy"), policy, ["Always"]))
    if spec is not None and spec.active_deadline_seconds is not None:
        errs.append(forbidden(child(spec_path, "activeDeadlineSeconds"),
                              "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


# ---------------------------------------------------------------------------------------------
# Deployment strategy


_PERCENT_RE = re.compile(r"[0-9]+%")


def validate_positive_int_or_percent(value: int | str | None, path: str) -> list[FieldError]:
    """ValidatePositiveIntOrPercent: a percent string or a non-negative int."""
    if isinstance(value, str):
        return [invalid_literal(path, go_int_or_string(value), m) for m in is_valid_percent(value)]
    return validate_nonnegative_field(_i(value), path)


def _percent_value(value: int | str | None) -> int | None:
    """getPercentValue: the number of a valid percent string."""
    if isinstance(value, str) and _PERCENT_RE.fullmatch(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: int | str | None) -> int:
    """getIntOrPercentValue: the percent, else IntValue() (an unparsable string is 0)."""
    percent = _percent_value(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return 0
    return _i(value)


def is_not_more_than_100_percent(value: int | str | None, path: str) -> list[FieldError]:
    """IsNotMoreThan100Percent."""
    percent = _percent_value(value)
    if percent is None or percent <= 100:
        return []
    return [invalid_literal(path, go_int_or_string(value), "must not be greater than 100%")]


def validate_rolling_update_deployment(ru: RollingUpdateDeployment,
                                       path: str) -> list[FieldError]:
    """ValidateRollingUpdateDeployment."""
    unavailable, surge = ru.max_unavailable, ru.max_surge
    errs = validate_positive_int_or_percent(unavailable, child(path, "maxUnavailable"))
    errs += validate_positive_int_or_percent(surge, child(path, "maxSurge"))
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        errs.append(invalid_literal(child(path, "maxUnavailable"), go_int_or_string(unavailable),
                            "may not be 0 when `maxSurge` is 0"))
    return errs + is_not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))


def validate_deployment_strategy(strategy: DeploymentStrategy, path: str) -> list[FieldError]:
    """ValidateDeploymentStrategy."""
    if strategy.type == RECREATE:
        if strategy.rolling_update is not None:
            return [forbidden(child(path, "rollingUpdate"),
                              "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if strategy.type == ROLLING_UPDATE:
        if strategy.rolling_update is None:
            return [required(child(path, "rollingUpdate"),
                             "this should be defaulted and never be nil")]
        return validate_rolling_update_deployment(strategy.rolling_update,
                                                  child(path, "rollingUpdate"))
    return [not_supported_literal(path, _go_strategy(strategy), [RECREATE, ROLLING_UPDATE])]


# ---------------------------------------------------------------------------------------------
# Deployments


def validate_deployment_spec(spec: DeploymentSpec, path: str = "spec") -> list[FieldError]:
    """ValidateDeploymentSpec."""
    errs = validate_nonnegative_field(_i(spec.replicas), child(path, "replicas"))
    errs += _validate_selector_and_template(spec.selector, spec.template, path)
    errs += validate_deployment_strategy(spec.strategy or DeploymentStrategy(),
                                         child(path, "strategy"))
    errs += validate_nonnegative_field(_i(spec.min_ready_seconds),
                                       child(path, "minReadySeconds"))
    if spec.revision_history_limit is not None:
        errs += validate_nonnegative_field(spec.revision_history_limit,
                                           child(path, "revisionHistoryLimit"))
    deadline = spec.progress_deadline_seconds
    if deadline is not None:
        errs += validate_nonnegative_field(deadline, child(path, "progressDeadlineSeconds"))
        if deadline <= _i(spec.min_ready_seconds):
            errs.append(invalid(child(path, "progressDeadlineSeconds"), deadline,
                                "must be greater than minReadySeconds"))
    return errs


def validate_deployment(d: Deployment) -> list[FieldError]:
    """ValidateDeployment."""
    errs = validate_object_meta(d.metadata, True,  # type: ignore[arg-type]
                                validate_deployment_name, "metadata")
    return errs + validate_deployment_spec(d.spec)


def _selector_immutable(new: LabelSelector | None, old: LabelSelector | None
                        ) -> list[FieldError]:
    """The apps/v1 strategies' ValidateImmutableField on spec.selector."""
    if new == old:
        return []
    return [invalid_literal("spec.selector", go_label_selector(new), FIELD_IMMUTABLE_ERROR_MSG)]


def validate_deployment_update(new: Deployment, old: Deployment) -> list[FieldError]:
    """ValidateDeploymentUpdate, then the strategy's selector immutability."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_deployment_spec(new.spec)
    return errs + _selector_immutable(new.spec.selector, old.spec.selector)


_REPLICAS_MSG = "cannot be greater than status.replicas"


def validate_deployment_status(status: DeploymentStatus,
                               path: str = "status") -> list[FieldError]:
    """ValidateDeploymentStatus."""
    errs: list[FieldError] = []
    replicas, updated = _i(status.replicas), _i(status.updated_replicas)
    ready, available = _i(status.ready_replicas), _i(status.available_replicas)
    for name, value in (("observedGeneration", status.observed_generation),
                        ("replicas", replicas), ("updatedReplicas", updated),
                        ("readyReplicas", ready), ("availableReplicas", available),
                        ("unavailableReplicas", status.unavailable_replicas)):
        errs += validate_nonnegative_field(_i(value), child(path, name))
    if status.collision_count is not None:
        errs += validate_nonnegative_field(status.collision_count,
                                           child(path, "collisionCount"))
    for name, value in (("updatedReplicas", updated), ("readyReplicas", ready),
                        ("availableReplicas", available)):
        if value > replicas:
            errs.append(invalid(child(path, name), value, _REPLICAS_MSG))
    if available > ready:
        errs.append(invalid(child(path, "availableReplicas"), available,
                            "cannot be greater than readyReplicas"))
    return errs


def is_decremented(new: int | None, old: int | None) -> bool:
    """IsDecremented: unset, or lowered."""
    if new is None:
        return old is not None
    return old is not None and new < old


def validate_deployment_status_update(new: Deployment, old: Deployment) -> list[FieldError]:
    """ValidateDeploymentStatusUpdate: the status, and collisionCount never decreases."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_deployment_status(new.status)
    if is_decremented(new.status.collision_count, old.status.collision_count):
        errs.append(invalid("status.collisionCount", _i(new.status.collision_count),
                            "cannot be decremented"))
    return errs


# ---------------------------------------------------------------------------------------------
# ReplicaSets


def validate_replica_set_spec(spec: ReplicaSetSpec, path: str = "spec") -> list[FieldError]:
    """ValidateReplicaSetSpec."""
    errs = validate_nonnegative_field(_i(spec.replicas), child(path, "replicas"))
    errs += validate_nonnegative_field(_i(spec.min_ready_seconds),
                                       child(path, "minReadySeconds"))
    return errs + _validate_selector_and_template(spec.selector, spec.template, path)


def validate_replica_set(rs: ReplicaSet) -> list[FieldError]:
    """ValidateReplicaSet."""
    errs = validate_object_meta(rs.metadata, True,  # type: ignore[arg-type]
                                validate_replica_set_name, "metadata")
    return errs + validate_replica_set_spec(rs.spec)


def validate_replica_set_update(new: ReplicaSet, old: ReplicaSet) -> list[FieldError]:
    """ValidateReplicaSetUpdate, then the strategy's selector immutability."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_replica_set_spec(new.spec)
    return errs + _selector_immutable(new.spec.selector, old.spec.selector)


def validate_replica_set_status(status: ReplicaSetStatus,
                                path: str = "status") -> list[FieldError]:
    """ValidateReplicaSetStatus."""
    errs: list[FieldError] = []
    replicas, labeled = _i(status.replicas), _i(status.fully_labeled_replicas)
    ready, available = _i(status.ready_replicas), _i(status.available_replicas)
    for name, value in (("replicas", replicas), ("fullyLabeledReplicas", labeled),
                        ("readyReplicas", ready), ("availableReplicas", available),
                        ("observedGeneration", _i(status.observed_generation))):
        errs += validate_nonnegative_field(value, child(path, name))
    checks: Sequence[tuple[str, int]] = (("fullyLabeledReplicas", labeled),
                                         ("readyReplicas", ready),
                                         ("availableReplicas", available))
    for name, value in checks:
        if value > replicas:
            errs.append(invalid(child(path, name), value, _REPLICAS_MSG))
    if available > ready:
        errs.append(invalid(child(path, "availableReplicas"), available,
                            "cannot be greater than readyReplicas"))
    return errs


def validate_replica_set_status_update(new: ReplicaSet, old: ReplicaSet) -> list[FieldError]:
    """ValidateReplicaSetStatusUpdate."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    return errs + validate_replica_set_status(new.status)


# ---------------------------------------------------------------------------------------------
# StatefulSets, DaemonSets and ControllerRevisions (pkg/apis/apps/validation/validation.go:
# ValidateStatefulSet, ValidateStatefulSetSpec, ValidatePodTemplateSpecForStatefulSet,
# ValidatePersistentVolumeClaimRetentionPolicy, validateRollingUpdateStatefulSet,
# ValidateStatefulSetUpdate, ValidateStatefulSetStatus(Update), ValidateDaemonSet,
# ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy, ValidateRollingUpdateDaemonSet,
# ValidateDaemonSetSpecUpdate, validateDaemonSetStatus, ValidateDaemonSetStatusUpdate,
# ValidateControllerRevision(Update)). A bad struct value prints as a short literal where Go
# prints the whole struct with %v.

ORDERED_READY = "OrderedReady"
PARALLEL = "Parallel"
ON_DELETE = "OnDelete"
RETAIN, DELETE = "Retain", "Delete"


def _go_struct(name: str, **fields: object) -> GoLiteral:
    body = " ".join(f"{k}:{v}" for k, v in fields.items())
    return GoLiteral(f"{name}{{{body}}}")


def validate_stateful_set_name(name: str, prefix: bool) -> list[str]:
    """ValidateStatefulSetName: a DNS label (its pods append `-<ordinal>`)."""
    return name_is_dns_label(name, prefix)


def _validate_retention_policy_type(policy: str | None, path: str) -> list[FieldError]:
    if policy in (RETAIN, DELETE):
        return []
    return [not_supported(path, policy or "", [RETAIN, DELETE])]


def _validate_rolling_update_stateful_set(ru: Any, path: str) -> list[FieldError]:
    """validateRollingUpdateStatefulSet: partition >= 0; maxUnavailable positive, not 0,
    at most 100%."""
    errs = validate_nonnegative_field(_i(ru.partition), child(path, "partition"))
    if ru.max_unavailable is not None:
        mu_path = child(path, "maxUnavailable")
        errs += validate_positive_int_or_percent(ru.max_unavailable, mu_path)
        if _int_or_percent_value(ru.max_unavailable) == 0:
            errs.append(invalid_literal(mu_path, go_int_or_string(ru.max_unavailable),
                                        "cannot be 0"))
        errs += is_not_more_than_100_percent(ru.max_unavailable, mu_path)
    return errs


def _validate_stateful_set_strategy(strategy: Any, path: str) -> list[FieldError]:
    strategy_path = child(path, "updateStrategy")
    kind = strategy.type if strategy is not None else None
    rolling = strategy.rolling_update if strategy is not None else None
    if not kind:
        return [required(strategy_path)]
    if kind == ON_DELETE:
        if rolling is not None:
            return [invalid_literal(child(strategy_path, "rollingUpdate"),
                                    GoLiteral("&RollingUpdateStatefulSetStrategy{...}"),
                                    f"only allowed for updateStrategy '{ROLLING_UPDATE}'")]
        return []
    if kind == ROLLING_UPDATE:
        if rolling is None:
            return []
        return _validate_rolling_update_stateful_set(rolling, child(strategy_path,
                                                                    "rollingUpdate"))
    return [invalid_literal(strategy_path, _go_struct("StatefulSetUpdateStrategy", Type=kind),
                            f"must be '{ROLLING_UPDATE}' or '{ON_DELETE}'")]


def validate_stateful_set_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    """ValidateStatefulSetSpec."""
    errs: list[FieldError] = []
    policy = spec.pod_management_policy or ""
    if not policy:
        errs.append(required(child(path, "podManagementPolicy")))
    elif policy not in (ORDERED_READY, PARALLEL):
        errs.append(invalid(child(path, "podManagementPolicy"), policy,
                            f"must be '{ORDERED_READY}' or '{PARALLEL}'"))
    errs += _validate_stateful_set_strategy(spec.update_strategy, path)
    retention = spec.persistent_volume_claim_retention_policy
    if retention is not None:
        retention_path = child(path, "persistentVolumeClaimRetentionPolicy")
        errs += _validate_retention_policy_type(retention.when_deleted,
                                                child(retention_path, "whenDeleted"))
        errs += _validate_retention_policy_type(retention.when_scaled,
                                                child(retention_path, "whenScaled"))
    errs += validate_nonnegative_field(_i(spec.replicas), child(path, "replicas"))
    errs += validate_nonnegative_field(_i(spec.min_ready_seconds),
                                       child(path, "minReadySeconds"))
    if spec.ordinals is not None:
        errs += validate_nonnegative_field(_i(spec.ordinals.start),
                                           child(path, "ordinals.start"))
    selector = spec.selector
    if selector is None:
        errs.append(required(child(path, "selector")))
    else:
        errs += validate_label_selector(selector, child(path, "selector"))
        if not selector.match_labels and not selector.match_expressions:
            errs.append(invalid_literal(child(path, "selector"), go_label_selector(selector),
                                        "empty selector is invalid for statefulset"))
    template = spec.template or PodTemplateSpec()
    try:
        parsed = label_selector_as_selector(selector)
    except ValueError:
        errs.append(invalid_literal(child(path, "selector"), go_label_selector(selector), ""))
    else:
        errs += _validate_template_for_stateful_set(template, parsed, child(path, "template"))
    pod_spec = template.spec
    restart = (pod_spec.restart_policy if pod_spec else None) or ""
    if restart != "Always":
        errs.append(not_supported(child(path, "template.spec.restartPolicy"), restart,
                                  ["Always"]))
    if pod_spec is not None and pod_spec.active_deadline_seconds is not None:
        errs.append(forbidden(child(path, "template.spec.activeDeadlineSeconds"),
                              "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def _validate_template_for_stateful_set(template: PodTemplateSpec, selector: Any, path: str
                                        ) -> list[FieldError]:
    """ValidatePodTemplateSpecForStatefulSet: the selector matches the labels; the labels and
    annotations are valid (Go names their paths `template.labels`, not `metadata.labels`)."""
    labels = template.metadata.labels
    errs: list[FieldError] = []
    if not selector.empty() and not selector.matches(labels):
        errs.append(invalid_literal(child(child(path, "metadata"), "labels"),
                                    go_string_map(labels),
                                    "`selector` does not match template `labels`"))
    errs += validate_labels(labels, child(path, "labels"))
    return errs + validate_annotations(template.metadata.annotations, child(path, "annotations"))


def validate_stateful_set(sts: Any) -> list[FieldError]:
    """ValidateStatefulSet."""
    errs = validate_object_meta(sts.metadata, True, validate_stateful_set_name, "metadata")
    return errs + validate_stateful_set_spec(sts.spec)


_STS_MUTABLE = ("replicas", "template", "update_strategy", "min_ready_seconds", "ordinals",
                "persistent_volume_claim_retention_policy")


def validate_stateful_set_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateStatefulSetUpdate: the new spec is valid, and only replicas, ordinals,
    template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds
    change."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_stateful_set_spec(new.spec)
    clone = attrs.evolve(new.spec, **{f: getattr(old.spec, f) for f in _STS_MUTABLE})
    if clone != old.spec:
        errs.append(forbidden("spec", "updates to statefulset spec for fields other than "
                                      "'replicas', 'ordinals', 'template', 'updateStrategy', "
                                      "'persistentVolumeClaimRetentionPolicy' and "
                                      "'minReadySeconds' are forbidden"))
    return errs


def validate_stateful_set_status(status: Any, path: str = "status") -> list[FieldError]:
    """ValidateStatefulSetStatus."""
    errs: list[FieldError] = []
    replicas, ready = _i(status.replicas), _i(status.ready_replicas)
    current, updated = _i(status.current_replicas), _i(status.updated_replicas)
    available = _i(status.available_replicas)
    for name, value in (("replicas", replicas), ("readyReplicas", ready),
                        ("currentReplicas", current), ("updatedReplicas", updated),
                        ("availableReplicas", available)):
        errs += validate_nonnegative_field(value, child(path, name))
    if status.observed_generation is not None:
        errs += validate_nonnegative_field(status.observed_generation,
                                           child(path, "observedGeneration"))
    if status.collision_count is not None:
        errs += validate_nonnegative_field(status.collision_count,
                                           child(path, "collisionCount"))
    for name, value in (("readyReplicas", ready), ("currentReplicas", current),
                        ("updatedReplicas", updated), ("availableReplicas", available)):
        if value > replicas:
            errs.append(invalid(child(path, name), value, _REPLICAS_MSG))
    if available > ready:
        errs.append(invalid(child(path, "availableReplicas"), available,
                            "cannot be greater than status.readyReplicas"))
    return errs


def validate_stateful_set_status_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateStatefulSetStatusUpdate."""
    errs = validate_stateful_set_status(new.status)
    errs += validate_object_meta_update(new.metadata, old.metadata)
    if is_decremented(new.status.collision_count, old.status.collision_count):
        errs.append(invalid("status.collisionCount", _i(new.status.collision_count),
                            "cannot be decremented"))
    return errs


def validate_rolling_update_daemon_set(ru: Any, path: str) -> list[FieldError]:
    """ValidateRollingUpdateDaemonSet: exactly one of maxSurge and maxUnavailable non-zero."""
    unavailable, surge = ru.max_unavailable, ru.max_surge
    errs = validate_positive_int_or_percent(unavailable, child(path, "maxUnavailable"))
    errs += validate_positive_int_or_percent(surge, child(path, "maxSurge"))
    errs += is_not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
    errs += is_not_more_than_100_percent(surge, child(path, "maxSurge"))
    has_unavailable = _int_or_percent_value(unavailable) != 0
    has_surge = _int_or_percent_value(surge) != 0
    if has_unavailable and has_surge:
        errs.append(invalid_literal(child(path, "maxSurge"), go_int_or_string(surge),
                                    "may not be set when maxUnavailable is non-zero"))
    elif not has_unavailable and not has_surge:
        errs.append(required(child(path, "maxUnavailable"), "cannot be 0 when maxSurge is 0"))
    return errs


def validate_daemon_set_update_strategy(strategy: Any, path: str) -> list[FieldError]:
    """ValidateDaemonSetUpdateStrategy."""
    kind = strategy.type if strategy is not None else ""
    if kind == ON_DELETE:
        return []
    if kind == ROLLING_UPDATE:
        if strategy.rolling_update is None:
            return [required(child(path, "rollingUpdate"))]
        return validate_rolling_update_daemon_set(strategy.rolling_update,
                                                  child(path, "rollingUpdate"))
    return [not_supported_literal(path, _go_struct("&DaemonSetUpdateStrategy", Type=kind or ""),
                                  [ROLLING_UPDATE, ON_DELETE])]


def validate_daemon_set_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    """ValidateDaemonSetSpec."""
    errs = validate_label_selector(spec.selector, child(path, "selector"))
    template = spec.template or PodTemplateSpec()
    try:
        parsed = label_selector_as_selector(spec.selector)
    except ValueError:
        parsed = None
    if parsed is not None and not parsed.matches(template.metadata.labels):
        errs.append(invalid_literal(child(path, "template.metadata.labels"),
                                    go_string_map(template.metadata.labels),
                                    "`selector` does not match template `labels`"))
    selector = spec.selector
    if selector is not None and not selector.match_labels and not selector.match_expressions:
        errs.append(invalid_literal(child(path, "selector"), go_label_selector(selector),
                                    "empty selector is invalid for daemonset"))
    errs += validate_pod_template_spec(template, child(path, "template"))
    pod_spec = template.spec
    restart = (pod_spec.restart_policy if pod_spec else None) or ""
    if restart != "Always":
        errs.append(not_supported(child(path, "template.spec.restartPolicy"), restart,
                                  ["Always"]))
    if pod_spec is not None and pod_spec.active_deadline_seconds is not None:
        errs.append(forbidden(child(path, "template.spec.activeDeadlineSeconds"),
                              "activeDeadlineSeconds in DaemonSet is not Supported"))
    errs += validate_nonnegative_field(_i(spec.min_ready_seconds),
                                       child(path, "minReadySeconds"))
    errs += validate_daemon_set_update_strategy(spec.update_strategy,
                                                child(path, "updateStrategy"))
    if spec.revision_history_limit is not None:
        errs += validate_nonnegative_field(spec.revision_history_limit,
                                           child(path, "revisionHistoryLimit"))
    return errs


def validate_daemon_set(ds: Any) -> list[FieldError]:
    """ValidateDaemonSet."""
    errs = validate_object_meta(ds.metadata, True, name_is_dns_subdomain, "metadata")
    return errs + validate_daemon_set_spec(ds.spec)


def validate_daemon_set_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateDaemonSetUpdate, then the apps/v1 strategy's selector immutability."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_daemon_set_spec(new.spec)
    return errs + _selector_immutable(new.spec.selector, old.spec.selector)


def validate_daemon_set_status_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateDaemonSetStatusUpdate."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    s = new.status
    for name, value in (("currentNumberScheduled", s.current_number_scheduled),
                        ("numberMisscheduled", s.number_misscheduled),
                        ("desiredNumberScheduled", s.desired_number_scheduled),
                        ("numberReady", s.number_ready),
                        ("observedGeneration", s.observed_generation),
                        ("updatedNumberScheduled", s.updated_number_scheduled),
                        ("numberAvailable", s.number_available),
                        ("numberUnavailable", s.number_unavailable)):
        errs += validate_nonnegative_field(_i(value), child("status", name))
    if s.collision_count is not None:
        errs += validate_nonnegative_field(s.collision_count, "status.collisionCount")
    if is_decremented(s.collision_count, old.status.collision_count):
        errs.append(invalid("status.collisionCount", _i(s.collision_count),
                            "cannot be decremented"))
    return errs


def validate_controller_revision(revision: Any) -> list[FieldError]:
    """ValidateControllerRevision."""
    errs = validate_object_meta(revision.metadata, True, name_is_dns_subdomain, "metadata")
    if revision.data is None:
        errs.append(required("data", "data is mandatory"))
    return errs + validate_nonnegative_field(_i(revision.revision), "revision")


def validate_controller_revision_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateControllerRevisionUpdate: data is immutable."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_controller_revision(new)
    if new.data != old.data:
        errs.append(invalid_literal("data", GoLiteral("runtime.RawExtension{...}"),
                                    FIELD_IMMUTABLE_ERROR_MSG))
    return errs
