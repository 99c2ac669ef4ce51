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

import attrs
from pyrsistent import pmap, pvector
from pyrsistent.typing import PVector

from kubefold.core.cluster import Cluster
from kubefold.core.labels import (
    NOTHING,
    Selector,
    is_qualified_name,
    label_selector_as_selector,
    matches_nothing,
    selector_from_set,
)
from kubefold.core.objects import (
    Container,
    LabelSelector,
    Pod,
    ResourceList,
    ResourceRequirements,
)
from kubefold.core.quantity import Quantity
from kubefold.core.resources import container_requests, pod_requests
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
    max_count = max((s.score for s in scores), default=0)
    if max_count <= 0:
        return [NodeScore(s.name, max_priority) if reverse else s for s in scores]
    out = []
    for s in scores:
        score = max_priority * s.score // max_count
        out.append(NodeScore(s.name, max_priority - score if reverse else score))
    return out


# --- noderesources: resource names (v1helper, schedutil) and non-zero requests ------------
# Models pkg/apis/core/v1/helper (IsExtendedResourceName, IsPrefixedNativeResource,
# IsHugePageResourceName, IsAttachableVolumeResourceName), pkg/scheduler/util
# (IsScalarResourceName, non_zero.go DefaultMilliCPURequest/DefaultMemoryRequest) and
# framework/types.go (NodeInfo.NonZeroRequested via PodInfo.CalculateResource), v1.34.

DEFAULT_MILLI_CPU_REQUEST = 100  # 0.1 core
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # 200 MiB
NON_MISSING_CONTAINER_REQUESTS: ResourceList = pmap({
    "cpu": Quantity.from_milli(DEFAULT_MILLI_CPU_REQUEST),
    "memory": Quantity.from_int(DEFAULT_MEMORY_REQUEST),
})


def is_prefixed_native_resource(name: str) -> bool:
    return "kubernetes.io/" in name


def is_native_resource(name: str) -> bool:
    return "/" not in name or is_prefixed_native_resource(name)


def is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: a domain-prefixed name outside kubernetes.io whose
    quota form `requests.<name>` is a qualified name."""
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def is_hugepage_resource_name(name: str) -> bool:
    return name.startswith("hugepages-")


def is_attachable_volume_resource_name(name: str) -> bool:
    return name.startswith("attachable-volumes-")


def is_scalar_resource_name(name: str) -> bool:
    """schedutil.IsScalarResourceName: extended, hugepages, kubernetes.io-prefixed or
    attachable-volumes resources (what framework.Resource keeps in ScalarResources)."""
    return (is_extended_resource_name(name) or is_hugepage_resource_name(name)
            or is_prefixed_native_resource(name) or is_attachable_volume_resource_name(name))


def resource_int(name: str, quantity: Quantity | None) -> int:
    """How framework.Resource stores a quantity: cpu in millicores (MilliValue), everything
    else by Value() (both round away from zero)."""
    if quantity is None:
        return 0
    return quantity.milli_value() if name == "cpu" else quantity.value()


def apply_non_missing(requests: ResourceList, non_missing: ResourceList) -> ResourceList:
    """resourcehelper.applyNonMissing: add each default whose name the container does not
    list at all (an explicit zero is kept)."""
    missing = {k: v for k, v in non_missing.items() if k not in requests}
    return requests.update(missing) if missing else requests


def _with_requests(container: Container, requests: ResourceList) -> Container:
    resources = container.resources or ResourceRequirements()
    return attrs.evolve(container, resources=attrs.evolve(resources, requests=requests))


def pod_requests_non_missing(pod: Pod, non_missing: ResourceList = NON_MISSING_CONTAINER_REQUESTS
                             ) -> ResourceList:
    """resourcehelper.PodRequests with NonMissingContainerRequests: every container (init
    ones too) missing a cpu or memory request counts the default instead; the aggregation is
    `kubefold.core.resources.pod_requests` itself, run on the containers so completed."""
    def complete(cs: Iterable[Container]) -> PVector[Container]:
        return pvector(_with_requests(c, apply_non_missing(container_requests(c), non_missing))
                       for c in cs)
    spec = attrs.evolve(pod.spec, containers=complete(pod.spec.containers),
                        init_containers=complete(pod.spec.init_containers))
    return pod_requests(attrs.evolve(pod, spec=spec))


def non_zero_requests(pod: Pod) -> tuple[int, int]:
    """PodInfo.CalculateResource's Non0CPU (millicores) and Non0Mem (bytes) of one pod."""
    requests = pod_requests_non_missing(pod)
    return resource_int("cpu", requests.get("cpu")), resource_int("memory", requests.get("memory"))


def node_non_zero_requested(pods: Iterable[Pod]) -> tuple[int, int]:
    """NodeInfo.NonZeroRequested (MilliCPU, Memory): the per-pod non-zero requests summed.
    The cluster's allocation index holds real requests only, so this walks the pods."""
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
