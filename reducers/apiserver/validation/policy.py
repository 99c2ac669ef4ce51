"""Validation of policy/v1 PodDisruptionBudgets.

Models (v1.34): pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudget,
ValidatePodDisruptionBudgetSpec: minAvailable and maxUnavailable exclusive, each a positive
int or a percent of at most 100%, the selector's labels valid, unhealthyPodEvictionPolicy one
of IfHealthyBudget and AlwaysAllow) and the registry strategy's ValidateObjectMeta (names are
DNS subdomains, the namespace required).
Simplifies: the bad value of "cannot be both set" is printed as the two fields, not Go's %#v
of the whole spec; status validation is left out.
Covered by: tests/test_hostile.py (TestValidatePodDisruptionBudgetSpec cases).
"""

from __future__ import annotations

from typing import Any

from kubefold.core.errors import FieldError, GoLiteral, invalid, not_supported
from kubefold.reducers.apiserver.validation.apps import (
    is_not_more_than_100_percent,
    validate_label_selector,
    validate_positive_int_or_percent,
)
from kubefold.reducers.apiserver.validation.core import validate_meta, validate_object_meta_update
from kubefold.reducers.apiserver.validation.names import name_is_dns_subdomain

UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def validate_pod_disruption_budget_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.min_available is not None and spec.max_unavailable is not None:
        both = GoLiteral(f"{{MinAvailable:{spec.min_available} "
                         f"MaxUnavailable:{spec.max_unavailable}}}")
        errs.append(invalid(path, both, "minAvailable and maxUnavailable cannot be both set"))
    for name, value in (("minAvailable", spec.min_available),
                        ("maxUnavailable", spec.max_unavailable)):
        if value is not None:
            errs += validate_positive_int_or_percent(value, f"{path}.{name}")
            errs += is_not_more_than_100_percent(value, f"{path}.{name}")
    errs += validate_label_selector(spec.selector, f"{path}.selector")
    policy = spec.unhealthy_pod_eviction_policy
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        errs.append(not_supported(f"{path}.unhealthyPodEvictionPolicy", policy,
                                  UNHEALTHY_POD_EVICTION_POLICIES))
    return errs


def validate_pod_disruption_budget(pdb: Any) -> list[FieldError]:
    return (validate_meta(pdb.metadata, True, name_is_dns_subdomain)
            + validate_pod_disruption_budget_spec(pdb.spec))


def validate_pod_disruption_budget_update(new: Any, old: Any) -> list[FieldError]:
    return (validate_object_meta_update(new.metadata, old.metadata)
            + validate_pod_disruption_budget_spec(new.spec))
