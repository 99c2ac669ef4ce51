"""The DaemonSet controller's one-object helpers.

Models (v1.34): pkg/controller/daemon/util/daemonset_util.go (GetTemplateGeneration,
AddOrUpdateDaemonPodTolerations, CreatePodTemplate, AllowsSurge, SurgeCount, UnavailableCount,
IsPodUpdated, ReplaceDaemonSetPodNodeNameNodeAffinity, GetTargetNodeName) and
intstr.GetScaledValueFromIntOrPercent (rounding up).
Covered by: tests/test_daemon_controller.py.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from kubefold.core.apps import DaemonSet
from kubefold.core.objects import PodSpec, PodTemplateSpec, Toleration
from kubefold.core.scheduling import add_or_update_toleration_in_pod_spec
from kubefold.core.schema import freeze, thaw

DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
TEMPLATE_GENERATION_KEY = "pod-template-generation"
DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY = "controller-revision-hash"
ROLLING_UPDATE, ON_DELETE = "RollingUpdate", "OnDelete"
OBJECT_NAME_FIELD = "metadata.name"
REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"

TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_NODE_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINT_NODE_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_NODE_PID_PRESSURE = "node.kubernetes.io/pid-pressure"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_NODE_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"


def get_template_generation(ds: DaemonSet) -> int | None:
    """GetTemplateGeneration: the deprecated annotation's value; None when absent or bad."""
    text = ds.metadata.annotations.get(DEPRECATED_TEMPLATE_GENERATION)
    if text is None:
        return None
    try:
        return int(text, 10)
    except ValueError:
        return None


def _exists(key: str, effect: str) -> Toleration:
    return Toleration(key=key, operator="Exists", effect=effect)


def add_or_update_daemon_pod_tolerations(spec: PodSpec) -> PodSpec:
    """AddOrUpdateDaemonPodTolerations: not-ready and unreachable NoExecute for ever;
    disk, memory and pid pressure and unschedulable NoSchedule; network-unavailable NoSchedule
    with host networking."""
    for key, effect in ((TAINT_NODE_NOT_READY, "NoExecute"),
                        (TAINT_NODE_UNREACHABLE, "NoExecute"),
                        (TAINT_NODE_DISK_PRESSURE, "NoSchedule"),
                        (TAINT_NODE_MEMORY_PRESSURE, "NoSchedule"),
                        (TAINT_NODE_PID_PRESSURE, "NoSchedule"),
                        (TAINT_NODE_UNSCHEDULABLE, "NoSchedule")):
        spec = add_or_update_toleration_in_pod_spec(spec, _exists(key, effect))
    if spec.host_network:
        spec = add_or_update_toleration_in_pod_spec(
            spec, _exists(TAINT_NODE_NETWORK_UNAVAILABLE, "NoSchedule"))
    return spec


def create_pod_template(template: PodTemplateSpec | None, generation: int | None, hash_: str
                        ) -> PodTemplateSpec:
    """CreatePodTemplate: the daemon tolerations, the template-generation and
    controller-revision-hash labels."""
    template = template or PodTemplateSpec()
    spec = add_or_update_daemon_pod_tolerations(template.spec or PodSpec())
    labels = template.metadata.labels
    if generation is not None:
        labels = labels.set(TEMPLATE_GENERATION_KEY, str(generation))
    if hash_:
        labels = labels.set(DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY, hash_)
    return attrs.evolve(template, spec=spec,
                        metadata=attrs.evolve(template.metadata, labels=labels))


def get_scaled_value_from_int_or_percent(value: int | str | None, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent with roundUp."""
    if isinstance(value, str):
        if not value.endswith("%"):
            raise ValueError("invalid value for IntOrString: invalid type: string is not a "
                             "percentage")
        return math.ceil(int(value[:-1]) * total / 100)
    return value or 0


def _rolling(ds: DaemonSet) -> Any:
    strategy = ds.spec.update_strategy
    if strategy is None or strategy.type != ROLLING_UPDATE:
        return None
    return strategy.rolling_update


def surge_count(ds: DaemonSet, number_to_schedule: int) -> int:
    """SurgeCount: maxSurge of the desired pods (0 unless RollingUpdate asks for it)."""
    rolling = _rolling(ds)
    if rolling is None or rolling.max_surge is None:
        return 0
    return get_scaled_value_from_int_or_percent(rolling.max_surge, number_to_schedule)


def unavailable_count(ds: DaemonSet, number_to_schedule: int) -> int:
    """UnavailableCount: maxUnavailable of the desired pods (0 unless RollingUpdate)."""
    rolling = _rolling(ds)
    if rolling is None:
        return 0
    return get_scaled_value_from_int_or_percent(rolling.max_unavailable, number_to_schedule)


def allows_surge(ds: DaemonSet) -> bool:
    """AllowsSurge."""
    try:
        return surge_count(ds, 1) > 0
    except ValueError:
        return False


def is_pod_updated(pod: Any, hash_: str, generation: int | None) -> bool:
    """IsPodUpdated: the hash label matches, or (for old pods) the template generation."""
    labels = pod.metadata.labels
    template_matches = generation is not None \
        and labels.get(TEMPLATE_GENERATION_KEY) == str(generation)
    hash_matches = bool(hash_) and labels.get(DEFAULT_DAEMON_SET_UNIQUE_LABEL_KEY) == hash_
    return hash_matches or template_matches


def replace_daemon_set_pod_node_name_node_affinity(affinity: Any, node_name: str) -> Any:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: required node affinity on metadata.name In
    [node]; other required terms are replaced, the rest of the affinity kept."""
    term = {"matchFields": [{"key": OBJECT_NAME_FIELD, "operator": "In",
                             "values": [node_name]}]}
    doc = thaw(affinity) if affinity is not None else {}
    node_affinity = doc.setdefault("nodeAffinity", {})
    required = node_affinity.get(REQUIRED)
    if required is None:
        node_affinity[REQUIRED] = {"nodeSelectorTerms": [term]}
    else:
        required["nodeSelectorTerms"] = [term]
    return freeze(doc)


def get_target_node_name(pod: Any) -> str | None:
    """GetTargetNodeName: spec.nodeName, or the node a metadata.name In term pins it to."""
    if pod.spec.node_name:
        return pod.spec.node_name  # type: ignore[no-any-return]
    required = ((pod.spec.affinity or {}).get("nodeAffinity") or {}).get(REQUIRED)
    if required is None:
        return None
    for term in required.get("nodeSelectorTerms") or ():
        for expr in term.get("matchFields") or ():
            if expr.get("key") == OBJECT_NAME_FIELD and expr.get("operator") == "In":
                values: Any = expr.get("values") or []
                return str(values[0]) if len(values) == 1 else None
    return None
