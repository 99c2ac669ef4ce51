"""The Endpoints controller: keeps the legacy v1 Endpoints object of each selector Service.

v1.34 still runs it beside the EndpointSlice controller (v1 Endpoints is deprecated, not
removed). `sync_service(cluster, key)` is Go's syncService: a missing Service has its
Endpoints deleted; ExternalName Services and Services without a selector get nothing; the
pods the selector matches (terminating ones only with publishNotReadyAddresses) become
addresses (ready ones under `addresses`, the others under `notReadyAddresses`), grouped by the
ports they serve (RepackSubsets), addresses sorted by IP; past 1,000 addresses the object is
truncated, ready ones first, and annotated `endpoints.kubernetes.io/over-capacity: truncated`.
The Endpoints takes the Service's labels (plus `service.kubernetes.io/headless` for a headless
Service). An unchanged result writes nothing.

Like the EndpointSlice controller it keeps, in `cluster.caches["endpoints"]`, the pods to look
at since the last sync and each pod's address (`entries`), so a sync reads only the pods that
changed; building the object still costs what it holds (at most 1,000 addresses).

Models (v1.34): pkg/controller/endpoint/endpoints_controller.go (syncService,
podToEndpointAddressForService, addEndpointSubset, endpointPortFromServicePort,
capacityAnnotationSetCorrectly, truncateEndpoints, addressSubset, onEndpointsDelete),
pkg/api/v1/endpoints/util.go (RepackSubsets, SortSubsets, LessEndpointAddress).
Simplifies: within a subset, ports are sorted by name, port and protocol, and subsets by their
ports (Go sorts both by a hash of their printed form); no stale-informer tracker (the cache is
never stale); no events. An address of a pod with no node has no nodeName (Go writes "",
which validation refuses; a pod with an IP always has a node outside unit tests). The
trigger-time annotation is computed as for EndpointSlices.
Covered by: tests/test_endpoints.py (endpoints_controller_test.go cases).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import attrs
from pyrsistent import PMap, PSet, pmap, pset, pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import selector_from_set
from kubefold.core.networking import (
    CoreEndpointPort,
    EndpointAddress,
    Endpoints,
    EndpointSubset,
    ObjectReference,
    parse_ip,
)
from kubefold.core.objects import ObjectMeta, Pod, Service
from kubefold.core.podutil import is_pod_ready
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.endpointslice.utils import (
    ENDPOINTS_LAST_CHANGE_TRIGGER_TIME,
    IS_HEADLESS_SERVICE,
    find_port,
    get_pod_trigger_time,
    is_service_ip_set,
    pod_ips,
    selects,
    services_to_update,
    should_pod_be_in_endpoints,
    should_set_hostname,
)
from kubefold.reducers.controlplane import Controller

NAME = "endpoints"
MAX_CAPACITY = 1000
ENDPOINTS_OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
TRUNCATED = "truncated"
NAMESPACE_TERMINATING = "because it is being terminated"

PortsKey = tuple[CoreEndpointPort, ...]


@attrs.frozen
class Entry:
    """One pod's contribution: its address, whether it is ready, the ports it serves."""

    address: EndpointAddress
    ready: bool
    ports: PortsKey
    order: tuple[bytes, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "order", _less_address(self.address))


@attrs.frozen
class ServiceState:
    full: bool = True
    dirty: PSet[str] = attrs.field(factory=pset)
    entries: PMap[str, Entry] = attrs.field(factory=pmap)
    pod_triggers: PMap[str, int] = attrs.field(factory=pmap)
    service_trigger: int | None = None
    known: bool = False


def _state(cluster: Cluster) -> PMap[str, ServiceState]:
    found = cluster.caches.get(NAME)
    return found if isinstance(found, PMap) else pmap()


def _mark(states: PMap[str, ServiceState], key: str, pod: str | None
          ) -> PMap[str, ServiceState]:
    state = states.get(key)
    if state is None:
        state = ServiceState()
    elif pod is None:
        state = attrs.evolve(state, full=True)
    elif not state.full:
        state = attrs.evolve(state, dirty=state.dirty.add(pod))
    return states.set(key, state)


def observe(cache: Any, cluster: Cluster, change: Change) -> PMap[str, ServiceState]:
    """The informer handlers' bookkeeping: a Service write or a deleted Endpoints resyncs the
    Service; a pod write marks the pod for the Services it concerns."""
    states = cache if isinstance(cache, PMap) else pmap()
    if change.kind == "Service" or (change.kind == "Endpoints" and change.new is None):
        return _mark(states, f"{change.namespace}/{change.name}", None)
    if change.kind == "Pod":
        for key in services_to_update(cluster, change.old, change.new):
            states = _mark(states, key, change.name)
    return states


def watch(cluster: Cluster, change: Change) -> list[str]:
    """onServiceUpdate, onServiceDelete, onEndpointsDelete, addPod, updatePod, deletePod."""
    if change.kind == "Service":
        return [f"{change.namespace}/{change.name}"]
    if change.kind == "Endpoints":
        return [f"{change.namespace}/{change.name}"] if change.new is None else []
    if change.kind == "Pod":
        return sorted(services_to_update(cluster, change.old, change.new))
    return []


# -- syncService ------------------------------------------------------------------------------


def pod_to_endpoint_address(svc: Service, pod: Pod) -> EndpointAddress | None:
    """podToEndpointAddressForService: the pod's IP of the Service's first family."""
    family = svc.spec.ip_families[0] if svc.spec.ip_families else None
    if family is None:
        ip = svc.spec.cluster_ip if is_service_ip_set(svc) else pod.status.pod_ip
        parsed = parse_ip(ip or "")
        family = "IPv6" if parsed is not None and parsed.version == 6 else "IPv4"
    for ip in pod_ips(pod):
        parsed = parse_ip(ip)
        if parsed is not None and (parsed.version == 6) == (family == "IPv6"):
            hostname = pod.spec.extra.get("hostname") if should_set_hostname(pod, svc) else None
            return EndpointAddress(ip=ip, hostname=hostname or None,
                                   node_name=pod.spec.node_name or None,
                                   target_ref=ObjectReference(
                                       kind="Pod", namespace=pod.metadata.namespace,
                                       name=pod.metadata.name, uid=pod.metadata.uid))
    return None


def pod_entry(svc: Service, pod: Pod) -> Entry | None:
    """What syncService adds for one pod (addEndpointSubset), or None when it adds nothing."""
    if not selects(svc, pod.metadata.labels) or \
            not should_pod_be_in_endpoints(pod, bool(svc.spec.publish_not_ready_addresses)):
        return None
    address = pod_to_endpoint_address(svc, pod)
    if address is None:
        return None
    ready = bool(svc.spec.publish_not_ready_addresses) or is_pod_ready(pod)
    if not svc.spec.ports:
        if svc.spec.cluster_ip != "None":
            return None
        return Entry(address, ready, ())
    ports = []
    for sp in svc.spec.ports:
        number = find_port(pod, sp)
        if number is None:
            continue
        ports.append(CoreEndpointPort(name=sp.name or None, port=number, protocol=sp.protocol,
                                      app_protocol=sp.app_protocol))
    if not ports:
        return None
    return Entry(address, ready, tuple(sorted(ports, key=_port_order)))


def _port_order(p: CoreEndpointPort) -> tuple[str, int, str]:
    return (p.name or "", p.port or 0, p.protocol or "")


def _less_address(a: EndpointAddress) -> tuple[bytes, str]:
    """LessEndpointAddress: the IP's bytes as text, then the target's uid."""
    return ((a.ip or "").encode(), (a.target_ref.uid or "") if a.target_ref else "")


_ORDER = operator.attrgetter("order")


def repack_subsets(entries: Any) -> list[EndpointSubset]:
    """RepackSubsets + SortSubsets: addresses grouped by the ports they serve."""
    groups: dict[PortsKey, tuple[list[Entry], list[Entry]]] = {}
    for entry in entries:
        ready, not_ready = groups.setdefault(entry.ports, ([], []))
        (ready if entry.ready else not_ready).append(entry)
    return [EndpointSubset(addresses=pvector(e.address for e in sorted(r, key=_ORDER)),
                           not_ready_addresses=pvector(e.address for e in sorted(n, key=_ORDER)),
                           ports=pvector(ports))
            for ports, (r, n) in sorted(groups.items(),
                                        key=lambda g: [_port_order(p) for p in g[0]])]


def truncate_endpoints(subsets: list[EndpointSubset]) -> tuple[list[EndpointSubset], bool]:
    """truncateEndpoints: at most 1,000 addresses, shared by subsets in proportion, ready
    ones kept first."""
    total_ready = sum(len(s.addresses) for s in subsets)
    total_not_ready = sum(len(s.not_ready_addresses) for s in subsets)
    if total_ready + total_not_ready <= MAX_CAPACITY:
        return subsets, False
    truncate_ready = total_ready > MAX_CAPACITY
    limit, total = (MAX_CAPACITY, total_ready) if truncate_ready else \
        (MAX_CAPACITY - total_ready, total_not_ready)
    can_be_added = limit
    out = []
    for subset in subsets:
        count = len(subset.addresses if truncate_ready else subset.not_ready_addresses)
        to_add = min(int(math.ceil(count / total * limit)), can_be_added)
        if truncate_ready:
            subset = attrs.evolve(subset, addresses=subset.addresses[:to_add],
                                  not_ready_addresses=pvector())
            can_be_added -= len(subset.addresses)
        else:
            subset = attrs.evolve(subset, not_ready_addresses=subset.not_ready_addresses[:to_add])
            can_be_added -= len(subset.not_ready_addresses)
        out.append(subset)
    return out, True


def sync_service(cluster: Cluster, key: str) -> Cluster:
    """syncService for `namespace/name`."""
    namespace, _, name = key.partition("/")
    states = _state(cluster)
    svc: Service | None = cluster.get("Service", namespace, name)
    if svc is None:
        result = apiserver.delete(cluster, "Endpoints", namespace, name)
        if isinstance(result, Status) and result.reason != "NotFound":
            return cluster.enqueue_rate_limited(NAME, key)
        if not isinstance(result, Status):
            cluster = result.cluster
        return _store(cluster, states.discard(key)).forget(NAME, key)
    if svc.spec.type == "ExternalName" or not svc.spec.selector:
        return _store(cluster, states.set(key, ServiceState())).forget(NAME, key)
    state = states.get(key) or ServiceState()
    if state.full:
        pods = cluster.select("Pod", namespace, selector_from_set(svc.spec.selector))
        entries = pmap({p.metadata.name: e for p in pods if (e := pod_entry(svc, p))})
        state = attrs.evolve(state, pod_triggers=pmap())
    else:
        pods = [p for n in sorted(state.dirty) if (p := cluster.get("Pod", namespace, n))]
        evolver = state.entries.evolver()
        for gone in state.dirty:
            if gone in state.entries:
                del evolver[gone]
        for pod in pods:
            entry = pod_entry(svc, pod)
            if entry is not None:
                evolver[pod.metadata.name] = entry
        entries = evolver.persistent()
    trigger, state = _trigger_time(state, svc, [p for p in pods if selects(
        svc, p.metadata.labels)])
    state = attrs.evolve(state, full=False, dirty=pset(), entries=entries, known=True)
    cluster = _store(cluster, states.set(key, state))
    written = write_endpoints(cluster, svc, repack_subsets(entries.values()), trigger)
    if isinstance(written, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    return written.forget(NAME, key)


def _trigger_time(state: ServiceState, svc: Service, pods: list[Pod]
                  ) -> tuple[int | None, ServiceState]:
    """ComputeEndpointLastChangeTriggerTime over the pods read this sync."""
    known = state.pod_triggers.evolver()
    earliest: int | None = None
    for pod in pods:
        at = get_pod_trigger_time(pod)
        if at is None:
            continue
        name = pod.metadata.name or ""
        if at > state.pod_triggers.get(name, -1):
            earliest = at if earliest is None else min(earliest, at)
        known[name] = at
    service_at = svc.metadata.creation_timestamp or 0
    if state.service_trigger is None or service_at > state.service_trigger:
        earliest = service_at if earliest is None else min(earliest, service_at)
    state = attrs.evolve(state, pod_triggers=known.persistent(), service_trigger=service_at)
    return (earliest if state.known else svc.metadata.creation_timestamp), state


def _store(cluster: Cluster, states: PMap[str, ServiceState]) -> Cluster:
    return attrs.evolve(cluster, caches=cluster.caches.set(NAME, states))


def write_endpoints(cluster: Cluster, svc: Service, subsets: list[EndpointSubset],
                    trigger: int | None) -> Cluster | Status:
    """The end of syncService: skip when subsets, labels and the capacity annotation are
    already right; otherwise create or update the Endpoints."""
    namespace, name = svc.metadata.namespace or "", svc.metadata.name or ""
    current: Endpoints | None = cluster.get("Endpoints", namespace, name)
    if current is not None:
        labels = current.metadata.labels.discard(IS_HEADLESS_SERVICE)
        if list(current.subsets) == subsets and labels == svc.metadata.labels and \
                _capacity_annotation_set_correctly(current):
            return cluster
    new = current if current is not None else Endpoints(
        api_version="v1", kind="Endpoints",
        metadata=ObjectMeta(name=name, namespace=namespace, labels=svc.metadata.labels))
    notes = new.metadata.annotations
    notes = notes.discard(ENDPOINTS_LAST_CHANGE_TRIGGER_TIME) if trigger is None else \
        notes.set(ENDPOINTS_LAST_CHANGE_TRIGGER_TIME, format_time(trigger))
    subsets, truncated = truncate_endpoints(subsets)
    notes = notes.set(ENDPOINTS_OVER_CAPACITY, TRUNCATED) if truncated else \
        notes.discard(ENDPOINTS_OVER_CAPACITY)
    labels = svc.metadata.labels
    labels = labels.discard(IS_HEADLESS_SERVICE) if is_service_ip_set(svc) else \
        labels.set(IS_HEADLESS_SERVICE, "")
    new = attrs.evolve(new, subsets=pvector(subsets), metadata=attrs.evolve(
        new.metadata, labels=labels, annotations=notes))
    result = apiserver.create(cluster, new) if current is None else \
        apiserver.update(cluster, new)
    if isinstance(result, Status):
        if current is None and result.reason == "Forbidden" and \
                NAMESPACE_TERMINATING in result.message:
            return cluster
        return result
    return result.cluster


def _capacity_annotation_set_correctly(ep: Endpoints) -> bool:
    """capacityAnnotationSetCorrectly."""
    count = sum(len(s.addresses) + len(s.not_ready_addresses) for s in ep.subsets)
    if count > MAX_CAPACITY:
        return False
    return ENDPOINTS_OVER_CAPACITY not in ep.metadata.annotations


CONTROLLER = Controller(NAME, sync_service, watch, frozenset({"Service", "Pod", "Endpoints"}),
                        observe)
