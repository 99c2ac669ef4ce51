"""Resource arithmetic on pods: what a pod asks of its node.

Models: k8s.io/component-helpers/resource/helpers.go PodRequests (v1.34): the sum of the app
containers' requests, raised to the largest init container's request where that is larger, plus
the pod overhead; a restartable (sidecar) init container's requests add to the running sum.
Simplifies: in-place pod resize (status.containerStatuses[].allocatedResources) is not read;
requests are taken from the spec.
Covered by: tests/test_cluster.py.
"""

from __future__ import annotations

from pyrsistent import pmap

from kubefold.core.objects import Container, Pod, ResourceList
from kubefold.core.quantity import Quantity, add_resource_lists

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
ONE_POD: ResourceList = pmap({"pods": Quantity.from_int(1)})


def container_requests(container: Container) -> ResourceList:
    if container.resources is None:
        return pmap()
    return container.resources.requests


def _max_lists(a: ResourceList, b: ResourceList) -> ResourceList:
    out = a.evolver()
    for name, q in b.items():
        if name not in a or q > a[name]:
            out[name] = q
    return out.persistent()


def pod_requests(pod: Pod) -> ResourceList:
    """PodRequests: max(sum of containers (+ sidecars started before), each init container)."""
    total: ResourceList = pmap()
    for c in pod.spec.containers:
        total = add_resource_lists(total, container_requests(c))
    sidecars: ResourceList = pmap()
    init_max: ResourceList = pmap()
    for c in pod.spec.init_containers:
        if c.restart_policy == "Always":
            sidecars = add_resource_lists(sidecars, container_requests(c))
            init_max = _max_lists(init_max, sidecars)
        else:
            init_max = _max_lists(init_max, add_resource_lists(sidecars, container_requests(c)))
    total = _max_lists(add_resource_lists(total, sidecars), init_max)
    return add_resource_lists(total, pod.spec.overhead)


def counts_on_node(pod: Pod) -> bool:
    """A pod holds its node's resources once bound and until it ends (terminal phase)."""
    return bool(pod.spec.node_name) and pod.status.phase not in TERMINAL_PHASES


def node_usage(pod: Pod) -> ResourceList:
    """What the pod adds to its node's allocation: its requests and one pod slot."""
    return add_resource_lists(pod_requests(pod), ONE_POD)
