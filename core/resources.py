"""Resource arithmetic on pods: what a pod asks of its node.

Models: k8s.io/component-helpers/resource/helpers.go PodRequests (v1.34): the sum of the app
containers' requests, raised to the largest init container's request where that is larger, plus
the pod overhead; a restartable (sidecar) init container's requests add to the running sum;
NonMissingContainerRequests (applyNonMissing). pkg/apis/core/v1/helper (IsExtendedResourceName,
IsPrefixedNativeResource, IsHugePageResourceName, IsAttachableVolumeResourceName) and
pkg/scheduler/util (IsScalarResourceName, non_zero.go DefaultMilliCPURequest and
DefaultMemoryRequest), which say how framework.Resource holds a quantity as an integer.
Simplifies: in-place pod resize (status.containerStatuses[].allocatedResources) is not read;
requests are taken from the spec.
Covered by: tests/test_cluster.py, tests/test_scheduler_noderesources.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyrsistent import pmap

from kubefold.core.labels import is_qualified_name
from kubefold.core.objects import Container, Pod, ResourceList
from kubefold.core.quantity import Quantity, add_resource_lists

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
ONE_POD: ResourceList = pmap({"pods": Quantity.from_int(1)})


def container_requests(container: Container) -> ResourceList:
    if container.resources is None:
        return pmap()
    return container.resources.requests


def _add_into(total: dict[str, Quantity], requests: Mapping[str, Quantity]) -> None:
    """quota.Add in place: `total` plus `requests`, per name."""
    for name, q in requests.items():
        total[name] = total[name] + q if name in total else q


def _max_into(total: dict[str, Quantity], requests: Mapping[str, Quantity]) -> None:
    """quota.Max in place: each name of `requests` raised in `total` where it is larger."""
    for name, q in requests.items():
        if name not in total or q > total[name]:
            total[name] = q


def _summed_requests(pod: Pod, non_missing: ResourceList | None = None
                     ) -> dict[str, Quantity]:
    """PodRequests' aggregation: max(sum of containers (+ sidecars started before), each init
    container), plus the overhead; with `non_missing`, every container missing one of its
    names counts that default instead (applyNonMissing)."""
    def requests(c: Container) -> ResourceList:
        r = container_requests(c)
        return r if non_missing is None else apply_non_missing(r, non_missing)

    total: dict[str, Quantity] = {}
    for c in pod.spec.containers:
        _add_into(total, requests(c))
    sidecars: dict[str, Quantity] = {}
    init_max: dict[str, Quantity] = {}
    for c in pod.spec.init_containers:
        if c.restart_policy == "Always":
            _add_into(sidecars, requests(c))
            _max_into(init_max, sidecars)
        else:
            running = dict(sidecars)
            _add_into(running, requests(c))
            _max_into(init_max, running)
    _add_into(total, sidecars)
    _max_into(total, init_max)
    _add_into(total, pod.spec.overhead)
    return total


def pod_requests(pod: Pod) -> ResourceList:
    """PodRequests: max(sum of containers (+ sidecars started before), each init container)."""
    return pmap(_summed_requests(pod))


def counts_on_node(pod: Pod) -> bool:
    """A pod holds its node's resources once bound and until it ends (terminal phase)."""
    return bool(pod.spec.node_name) and pod.status.phase not in TERMINAL_PHASES


def node_usage(pod: Pod) -> ResourceList:
    """What the pod adds to its node's allocation: its requests and one pod slot."""
    return add_resource_lists(pod_requests(pod), ONE_POD)


# --- resource names (v1helper, schedutil) and framework.Resource's integers ------------------

DEFAULT_MILLI_CPU_REQUEST = 100  # 0.1 core
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # 200 MiB
NON_MISSING_CONTAINER_REQUESTS: ResourceList = pmap({
    "cpu": Quantity.from_milli(DEFAULT_MILLI_CPU_REQUEST),
    "memory": Quantity.from_int(DEFAULT_MEMORY_REQUEST),
})
_NON_MISSING_ITEMS = tuple(NON_MISSING_CONTAINER_REQUESTS.items())  # read for every pod


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
    defaults = _NON_MISSING_ITEMS if non_missing is NON_MISSING_CONTAINER_REQUESTS \
        else non_missing.items()
    missing = {k: v for k, v in defaults if k not in requests}
    return requests.update(missing) if missing else requests


def pod_requests_non_missing(pod: Pod, non_missing: ResourceList = NON_MISSING_CONTAINER_REQUESTS
                             ) -> ResourceList:
    """resourcehelper.PodRequests with NonMissingContainerRequests: every container (init
    ones too) missing a cpu or memory request counts the default instead; the aggregation is
    `pod_requests`' own."""
    return pmap(_summed_requests(pod, non_missing))


def non_zero_requests(pod: Pod) -> tuple[int, int]:
    """PodInfo.CalculateResource's Non0CPU (millicores) and Non0Mem (bytes) of one pod."""
    requests = _summed_requests(pod, NON_MISSING_CONTAINER_REQUESTS)
    return resource_int("cpu", requests.get("cpu")), resource_int("memory", requests.get("memory"))
