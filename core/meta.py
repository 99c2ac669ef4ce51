"""apimachinery's helpers on one object's metadata and conditions.

Models (v1.34): k8s.io/apimachinery/pkg/apis/meta/v1/controller_ref.go (GetControllerOf,
IsControlledBy) and k8s.io/apimachinery/pkg/api/meta/conditions.go (FindStatusCondition,
SetStatusCondition).
Covered by: tests/test_disruption.py, tests/test_controller_utils.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.objects import Condition, OwnerReference


def get_controller_of(obj: Any) -> OwnerReference | None:
    """metav1.GetControllerOf: the ownerReference with controller: true, or None."""
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


def is_controlled_by(obj: Any, owner: Any) -> bool:
    """metav1.IsControlledBy: obj's controller reference names owner's uid."""
    ref = get_controller_of(obj)
    return ref is not None and ref.uid == owner.metadata.uid


def find_status_condition(conditions: Any, condition_type: str) -> Condition | None:
    """FindStatusCondition."""
    for c in conditions:
        if c.type == condition_type:
            return c  # type: ignore[no-any-return]
    return None


def set_status_condition(conditions: Any, new: Condition, now: int) -> Any:
    """SetStatusCondition: add the condition (lastTransitionTime now unless given), or update
    the one of its type — lastTransitionTime moves only when the status changes."""
    for i, existing in enumerate(conditions):
        if existing.type != new.type:
            continue
        updated = existing
        if existing.status != new.status:
            updated = attrs.evolve(updated, status=new.status,
                                   last_transition_time=new.last_transition_time or now)
        if (existing.reason or "") != (new.reason or ""):
            updated = attrs.evolve(updated, reason=new.reason)
        if (existing.message or "") != (new.message or ""):
            updated = attrs.evolve(updated, message=new.message)
        if (existing.observed_generation or 0) != (new.observed_generation or 0):
            updated = attrs.evolve(updated, observed_generation=new.observed_generation)
        return conditions.set(i, updated)
    if new.last_transition_time is None:
        new = attrs.evolve(new, last_transition_time=now)
    return pvector(conditions).append(new)
