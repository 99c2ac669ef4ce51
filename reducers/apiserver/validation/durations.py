"""Durations a later step turns into Go's time.Duration (int64 nanoseconds): a number of
seconds beyond 9,223,372,036 overflows it, so kubefold refuses such a value when it is
written rather than let a kubelet or a controller compute a deadline past any clock.

Fields: a pod's (or pod template's) terminationGracePeriodSeconds, its probes'
terminationGracePeriodSeconds and its tolerations' tolerationSeconds (the int32 fields —
probe delays, activeDeadlineSeconds, minReadySeconds — cannot pass it); a DELETE's
gracePeriodSeconds (reducers/apiserver/store.py).

Models: time.Duration's range (math.MaxInt64 ns) and field.Invalid's wording.
Simplifies: Kubernetes (v1.34) does not validate these bounds: it overflows where kubefold
refuses.
Covered by: tests/test_hostile.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.errors import FieldError, invalid

MAX_DURATION_SECONDS = (2**63 - 1) // 10**9  # 9223372036: the longest time.Duration
DETAIL = f"must be no more than {MAX_DURATION_SECONDS} (the longest time.Duration, in seconds)"


def _check(value: int | None, path: str) -> list[FieldError]:
    if value is not None and value > MAX_DURATION_SECONDS:
        return [invalid(path, value, DETAIL)]
    return []


def validate_pod_spec_durations(spec: Any, path: str) -> list[FieldError]:
    if spec is None:
        return []
    errs = _check(spec.termination_grace_period_seconds,
                  f"{path}.terminationGracePeriodSeconds")
    for field, containers in (("containers", spec.containers),
                              ("initContainers", spec.init_containers)):
        for i, c in enumerate(containers):
            for name, probe in (("livenessProbe", c.liveness_probe),
                                ("readinessProbe", c.readiness_probe),
                                ("startupProbe", c.startup_probe)):
                if probe is not None:
                    errs += _check(probe.termination_grace_period_seconds,
                                   f"{path}.{field}[{i}].{name}.terminationGracePeriodSeconds")
    for i, t in enumerate(spec.tolerations):
        errs += _check(t.toleration_seconds, f"{path}.tolerations[{i}].tolerationSeconds")
    return errs


def validate_durations(obj: Any) -> list[FieldError]:
    """The durations of a Pod or of any kind with a pod template (spec.template.spec)."""
    spec = getattr(obj, "spec", None)
    if obj.kind == "Pod":
        return validate_pod_spec_durations(spec, "spec")
    template = getattr(spec, "template", None)
    if template is not None and hasattr(template, "spec"):
        return validate_pod_spec_durations(template.spec, "spec.template.spec")
    return []
