"""Pieces the scheduler plugins share.

Models (v1.34): pkg/scheduler/framework/plugins/helper (DefaultSelector, GetPodServices,
DoNotScheduleTaintsFilterFunc), k8s.io/component-helpers/scheduling/corev1 (nodeaffinity
RequiredNodeAffinity, FindMatchingUntoleratedTaint, Toleration.ToleratesTaint),
pkg/scheduler/util (IsScalarResourceName, non_zero.go), pkg/apis/core/v1/helper (resource
names), component-helpers/resource PodRequests' NonMissingContainerRequests.
Simplifies:
- A node selector term that fails to parse matches nothing (Go's lazy error is dropped).
- A Service whose selector is `{}` is treated as one without a selector (matches nothing).
Covered by: tests/test_scheduler_*.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.labels import (
    NOTHING,
    Selector,
    label_selector_as_selector,
    matches_nothing,
    selector_from_set,
)
from kubefold.core.objects import (
    LabelSelector,
    Pod,
)
from kubefold.core.resources import (  # noqa: F401 (re-exported for the plugins)
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    NON_MISSING_CONTAINER_REQUESTS,
    apply_non_missing,
    is_attachable_volume_resource_name,
    is_extended_resource_name,
    is_hugepage_resource_name,
    is_native_resource,
    is_prefixed_native_resource,
    is_scalar_resource_name,
    non_zero_requests,
    pod_requests_non_missing,
    resource_int,
)
from kubefold.core.scheduling import (  # the helpers live in core; re-exported for the plugins
    do_not_schedule_taints_filter as do_not_schedule_taints_filter,
)
from kubefold.core.scheduling import (
    find_matching_untolerated_taint as find_matching_untolerated_taint,
)
from kubefold.core.scheduling import node_selector_term_matches as node_selector_term_matches
from kubefold.core.scheduling import (
    required_node_affinity_match as required_node_affinity_match,
)
from kubefold.core.scheduling import tolerates_taint as tolerates_taint
from kubefold.core.schema import decode, thaw
from kubefold.reducers.scheduler.framework import NodeScore

# --- label selectors in frozen JSON (pod affinity terms, spread constraints) ----------------


def selector_from_raw(raw: Any) -> Selector:
    """metav1.LabelSelectorAsSelector of a frozen-JSON selector: None -> Nothing, {} ->
    Everything; ValueError when invalid."""
    if raw is None:
        return NOTHING
    return label_selector_as_selector(decode(LabelSelector, thaw(raw)))


# --- framework/plugins/helper/spread.go: DefaultSelector -----------------------------------


def get_pod_services(cluster: Cluster, pod: Pod) -> list[Any]:
    """helper.GetPodServices: the Services in the pod's namespace whose selector matches it
    (a Service without selector matches nothing)."""
    labels = pod.metadata.labels
    return [svc for svc in cluster.list("Service", pod.metadata.namespace or "")
            if svc.spec.selector and selector_from_set(svc.spec.selector).matches(labels)]


def _controller_of(pod: Pod) -> Any:
    return next((o for o in pod.metadata.owner_references if o.controller), None)


def default_selector(pod: Pod, cluster: Cluster) -> Selector:
    """helper.DefaultSelector: the merged selectors of the Services matching the pod, plus
    those of its controlling ReplicationController, ReplicaSet or StatefulSet."""
    label_set: dict[str, str] = {}
    for svc in get_pod_services(cluster, pod):
        label_set.update(svc.spec.selector)
    selector = selector_from_set(label_set)
    owner = _controller_of(pod)
    if owner is None:
        return selector
    ns = pod.metadata.namespace or ""
    kind = (owner.api_version, owner.kind)
    if kind == ("v1", "ReplicationController"):
        rc = cluster.get("ReplicationController", ns, owner.name or "")
        if rc is not None:
            label_set.update((rc.extra.get("spec") or {}).get("selector") or {})
            selector = selector_from_set(label_set)
    elif kind in (("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet")):
        owner_obj = cluster.get(owner.kind, ns, owner.name or "")
        if owner_obj is not None:
            raw = (owner_obj.spec.selector if owner.kind == "ReplicaSet"
                   else (owner_obj.extra.get("spec") or {}).get("selector"))
            try:
                other = (label_selector_as_selector(raw) if owner.kind == "ReplicaSet"
                         else selector_from_raw(raw))
            except ValueError:
                return selector
            if not matches_nothing(other):
                selector = selector.add(*other.requirements)
    return selector


# --- framework/plugins/helper/normalize_score.go -------------------------------------------


def default_normalize_score(max_priority: int, reverse: bool,
                            scores: Sequence[NodeScore]) -> list[NodeScore]:
    """helper.DefaultNormalizeScore: scale to [0, max_priority] by the highest score
    (integer division), reversed when asked; all zero stays zero (or max when reversed)."""
    values = default_normalize_values(max_priority, reverse, [s.score for s in scores])
    return [NodeScore(s.name, v) for s, v in zip(scores, values, strict=True)]


def default_normalize_values(max_priority: int, reverse: bool, values: Sequence[int]
                             ) -> list[int]:
    """DefaultNormalizeScore on the scores alone, in node order."""
    max_count = max(values, default=0)
    if max_count <= 0:
        return [max_priority] * len(values) if reverse else list(values)
    if reverse:
        return [max_priority - max_priority * v // max_count for v in values]
    return [max_priority * v // max_count for v in values]


# --- noderesources: the non-zero requests of a node's pods ---------------------------------
# The resource-name predicates and PodInfo's integers live in kubefold.core.resources (the
# cluster's scheduler cache needs them); they are re-exported here for the plugins.


def node_non_zero_requested(pods: Iterable[Pod]) -> tuple[int, int]:
    """NodeInfo.NonZeroRequested (MilliCPU, Memory) summed from the pods: what the cluster's
    scheduler cache (`Cluster.allocations`) keeps up to date; kept for preemption's what-ifs."""
    cpu = memory = 0
    for pod in pods:
        c, m = non_zero_requests(pod)
        cpu, memory = cpu + c, memory + m
    return cpu, memory


# --- Go integer and float arithmetic -------------------------------------------------------


def go_quo(a: int, b: int) -> int:
    """Go's int64 `a / b`: the quotient truncated toward zero (Python's // floors)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def go_round(x: float) -> int:
    """math.Round: the nearest integer, halves away from zero."""
    t = math.trunc(x)
    if abs(x - t) >= 0.5:
        t += 1 if x > 0 else -1
    return int(t)
