"""Traffic and namespace properties: predicates on one settled cluster state.

- `requests_reach_only_ready_pods`: for every Service with a selector, kube-proxy sends
  requests only to pods whose Ready condition is True, unless none of its endpoints is ready
  and the pods taking the traffic are terminating while still serving (ProxyTerminating-
  Endpoints). Services with publishNotReadyAddresses are left out: they ask for not-ready pods.
- `service_shares_sum_to_one`: every Service that can serve (some usable endpoint, Cluster
  traffic policies) hands out exactly all of its requests.
- `finished_namespaces_hold_nothing`: no namespaced object lives in a namespace that does not
  exist (a namespace goes only once the namespace controller has emptied it).

These hold once the controllers have caught up (after each event in auto mode, the states the
explorer and `replay` report), not necessarily in between two controllers' turns, where an
EndpointSlice may still list a pod that has just turned unready; that is why they are not among
`invariants.INVARIANTS`, which `--check` evaluates on every intermediate state.

Models: kube-proxy's CategorizeEndpoints and the EndpointSlice controller's podToEndpoint, as
the route query implements them; the namespace lifecycle of pkg/controller/namespace.
Covered by: tests/test_properties_services.py (Hypothesis over event sequences, hand-built
violating states and deliberately broken controllers that break each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kubefold.core.cluster import Cluster
from kubefold.core.kinds import kind_info
from kubefold.core.podutil import is_pod_ready
from kubefold.properties.invariants import Violation
from kubefold.reducers.proxy import route

Property = Callable[[Cluster], Iterator[Violation]]


def _selector_services(cluster: Cluster) -> list:
    return [svc for svc in cluster.list("Service")
            if svc.spec.selector and svc.spec.type != "ExternalName"]


def requests_reach_only_ready_pods(cluster: Cluster) -> Iterator[Violation]:
    """Requests to a Service reach only Ready pods (or, with none ready, serving terminating
    ones)."""
    for svc in _selector_services(cluster):
        if svc.spec.publish_not_ready_addresses:
            continue
        key = f"{svc.metadata.namespace}/{svc.metadata.name}"
        answer = route(cluster, key)
        pods = [cluster.get("Pod", *s.pod.split("/", 1)) for s in answer.shares]
        any_ready = any(p is not None and is_pod_ready(p) for p in pods)
        for share, pod in zip(answer.shares, pods, strict=True):
            if pod is None:
                yield Violation("requests_reach_only_ready_pods",
                                f"Service {key} sends {share.share:.0%} of its requests to "
                                f"pod {share.pod}, which does not exist", (share.pod,))
            elif not is_pod_ready(pod) and (any_ready or pod.metadata.deletion_timestamp is None):
                yield Violation("requests_reach_only_ready_pods",
                                f"Service {key} sends {share.share:.0%} of its requests to "
                                f"pod {share.pod}, which is not Ready", (share.pod,))


def service_shares_sum_to_one(cluster: Cluster) -> Iterator[Violation]:
    """A Service that can serve hands out all of its requests, no more, no less."""
    for svc in _selector_services(cluster):
        if (svc.spec.internal_traffic_policy or "Cluster") != "Cluster":
            continue
        key = f"{svc.metadata.namespace}/{svc.metadata.name}"
        answer = route(cluster, key)
        if not answer.shares:
            continue
        total = sum(s.share for s in answer.shares) + answer.failed
        if abs(total - 1.0) > 1e-9:
            yield Violation("service_shares_sum_to_one",
                            f"Service {key} hands out {total!r} of its requests over "
                            f"{len(answer.shares)} pods", (key,))


def finished_namespaces_hold_nothing(cluster: Cluster) -> Iterator[Violation]:
    """Every namespaced object's namespace exists."""
    for kind, by_ns in cluster.objects.items():
        if not kind_info(kind).namespaced:
            continue
        for namespace, objects in by_ns.items():
            if cluster.get("Namespace", "", namespace) is not None:
                continue
            for name in sorted(objects)[:5]:
                yield Violation("finished_namespaces_hold_nothing",
                                f"{kind} {namespace}/{name} is left in namespace {namespace}, "
                                "which no longer exists", (f"{kind}/{namespace}/{name}",))


PROPERTIES: tuple[Property, ...] = (requests_reach_only_ready_pods, service_shares_sum_to_one,
                                    finished_namespaces_hold_nothing)


def check_services(cluster: Cluster) -> list[Violation]:
    """Every property's violations in this state."""
    return [v for prop in PROPERTIES for v in prop(cluster)]
