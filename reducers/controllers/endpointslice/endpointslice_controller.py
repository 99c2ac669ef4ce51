"""The EndpointSlice controller: keeps each selector Service's EndpointSlices listing its pods.

`sync_service(cluster, key)` is one call of Go's syncService for `namespace/name`: a missing
Service leaves its slices to the garbage collector (they are owned by it); ExternalName
Services and Services without a selector get nothing; otherwise the pods the selector matches
become endpoints (podToEndpoint: ready, serving, terminating, targetRef, nodeName, zone,
hostname), grouped into slices of at most 100 per address family and port mapping
(reconciler.py), named `<service>-<5 chars>` and labelled
`kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io`.

What Go keeps beside its informers is the cluster value's `caches["endpointslice"]`, a
`Tracker`, updated by `observe` from every watched write (before `watch` sees it):
- per Service, the pods whose endpoints may have changed since its last sync (`dirty`, from
  the pod informer's handlers: GetServicesToUpdate), or `full` after a Service write; where
  each pod's endpoint lives (`located`, pod -> slice); and the TriggerTimeTracker's state;
- per slice, the resourceVersion this controller last wrote (EndpointSliceTracker): a write
  by anyone else (an edit, a delete) makes the Service's next sync a full one, as Go's
  ShouldSync requeues it.
So a sync after one pod turned Ready touches that pod and the one slice holding it, whether the
Service has 50 endpoints or 5,000 (benchmarks/endpointslice.py); a full sync lists the pods
through `cluster.select`.

Models (v1.34): pkg/controller/endpointslice/endpointslice_controller.go (syncService,
onServiceUpdate, onServiceDelete, onEndpointSliceAdd/Update/Delete, queueServiceForEndpoint-
Slice, addPod, updatePod, deletePod, dropEndpointSlicesPendingDeletion, handleErr),
staging/src/k8s.io/endpointslice (reconciler.go, utils.go, util/endpointslice_tracker.go,
util/trigger_time_tracker.go).
Simplifies:
- The informer cache is never stale, so there is no StaleSlices check; slice-triggered resyncs
  are queued at once (Go waits endpointSliceChangeMinSyncDelay, 1 s) and pod-triggered ones
  without endpointUpdatesBatchPeriod (0 by default anyway).
- No topology hints (the topology cache is off by default), no metrics, no events.
- A Node's zone is read when one of its pods' endpoints is computed; a zone label changed later
  reaches an endpoint at its pod's next change (Go re-reads it at every full sync).
- The cache belongs to the control plane that ran: a cluster value that ran without this
  controller should not carry a stale cache for it (an absent entry means a full sync).
Covered by: tests/test_endpointslice.py, tests/test_properties_endpoints.py,
benchmarks/endpointslice.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import PMap, PSet, pmap, pset

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.labels import selector_from_set
from kubefold.core.networking import EndpointSlice
from kubefold.core.objects import Pod, Service
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.endpointslice.reconciler import (
    Desired,
    Plan,
    pod_of,
    reconcile,
)
from kubefold.reducers.controllers.endpointslice.utils import (
    CONTROLLER_NAME,
    ENDPOINTS_LAST_CHANGE_TRIGGER_TIME,
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    get_address_types_for_service,
    get_endpoint_ports,
    get_pod_trigger_time,
    hash_endpoint,
    new_port_map_key,
    pod_to_endpoint,
    selects,
    service_controller_key,
    services_to_update,
    should_pod_be_in_endpoints,
)
from kubefold.reducers.controlplane import Controller

NAME = "endpointslice"
NAMESPACE_TERMINATING = "because it is being terminated"


@attrs.frozen
class ServiceState:
    """What the controller knows of one Service between syncs."""

    full: bool = True
    dirty: PSet[str] = attrs.field(factory=pset)
    located: PMap[str, str] = attrs.field(factory=pmap)  # "IPv4/<pod>" -> slice name
    pod_triggers: PMap[str, int] = attrs.field(factory=pmap)
    service_trigger: int | None = None
    known: bool = False


@attrs.frozen
class Tracker:
    services: PMap[str, ServiceState] = attrs.field(factory=pmap)
    slices: PMap[str, str] = attrs.field(factory=pmap)  # "ns/name" -> resourceVersion written


def tracker_of(cluster: Cluster, name: str = NAME) -> Tracker:
    found = cluster.caches.get(name)
    return found if isinstance(found, Tracker) else Tracker()


def _with_tracker(cluster: Cluster, tracker: Tracker, name: str = NAME) -> Cluster:
    return attrs.evolve(cluster, caches=cluster.caches.set(name, tracker))


def _mark(tracker: Tracker, key: str, pod: str | None) -> Tracker:
    """A pod's endpoint (or, with pod None, the whole Service) needs a look."""
    state = tracker.services.get(key)
    if state is None:
        state = ServiceState()
    elif pod is None:
        state = attrs.evolve(state, full=True)
    elif not state.full:
        state = attrs.evolve(state, dirty=state.dirty.add(pod))
    return attrs.evolve(tracker, services=tracker.services.set(key, state))


def _managed(es: Any) -> bool:
    return es is not None and es.metadata.labels.get(LABEL_MANAGED_BY) == CONTROLLER_NAME


# -- informer handlers ------------------------------------------------------------------------


def observe(cache: Any, cluster: Cluster, change: Change) -> Tracker:
    """The handlers' bookkeeping: which Services and pods need a look, and whether a slice
    write was this controller's own."""
    tracker = cache if isinstance(cache, Tracker) else Tracker()
    if change.kind == "Service":
        return _mark(tracker, f"{change.namespace}/{change.name}", None)
    if change.kind == "Pod":
        for key in services_to_update(cluster, change.old, change.new):
            tracker = _mark(tracker, key, change.name)
        return tracker
    if change.kind == "EndpointSlice":
        return _observe_slice(tracker, change)
    return tracker


def _observe_slice(tracker: Tracker, change: Change) -> Tracker:
    """onEndpointSliceAdd/Update/Delete with the EndpointSliceTracker: a managed slice that
    is not as this controller last wrote it (or is gone without its doing) resyncs its
    Service; a changed service-name label resyncs both Services."""
    old, new = change.old, change.new
    slice_key = f"{change.namespace}/{change.name}"
    expected = tracker.slices.get(slice_key)
    keys: list[str | None] = []
    if new is None:
        if _managed(old) and expected is not None:
            keys.append(service_controller_key(old))
        tracker = attrs.evolve(tracker, slices=tracker.slices.discard(slice_key))
    elif old is not None and service_controller_key(old) != service_controller_key(new):
        keys += [service_controller_key(new), service_controller_key(old)]
    elif (old is not None and _managed(old) != _managed(new)) or \
            (_managed(new) and new.metadata.resource_version != expected):
        keys.append(service_controller_key(new))
    for key in keys:
        if key is not None:
            tracker = _mark(tracker, key, None)
    return tracker


def watch(cluster: Cluster, change: Change) -> list[str]:
    """The keys a write queues: the Service itself; the Services a pod change concerns
    (addPod, updatePod, deletePod); the Service of a slice `observe` found changed."""
    if change.kind == "Service":
        return [f"{change.namespace}/{change.name}"]
    if change.kind == "Pod":
        return sorted(services_to_update(cluster, change.old, change.new))
    if change.kind == "EndpointSlice":
        tracker = tracker_of(cluster)
        keys = {service_controller_key(es) for es in (change.old, change.new) if es is not None}
        return sorted(k for k in keys if k is not None and (state := tracker.services.get(k))
                      is not None and state.full)
    return []


# -- syncService ------------------------------------------------------------------------------


def sync_service(cluster: Cluster, key: str) -> Cluster:
    """syncService for `namespace/name`."""
    namespace, _, name = key.partition("/")
    tracker = tracker_of(cluster)
    svc: Service | None = cluster.get("Service", namespace, name)
    if svc is None:  # the slices are owned by the Service: the garbage collector takes them
        tracker = attrs.evolve(tracker, services=tracker.services.discard(key))
        return _with_tracker(cluster, tracker).forget(NAME, key)
    if svc.spec.type == "ExternalName" or not svc.spec.selector:
        tracker = attrs.evolve(tracker, services=tracker.services.set(key, ServiceState()))
        return _with_tracker(cluster, tracker).forget(NAME, key)
    state = tracker.services.get(key) or ServiceState()
    existing = [es for es in cluster.select("EndpointSlice", namespace, selector_from_set(
        {LABEL_SERVICE_NAME: name, LABEL_MANAGED_BY: CONTROLLER_NAME}))
        if es.metadata.deletion_timestamp is None]
    touched: set[str] | None = None if state.full else set(state.dirty)
    if touched is None:
        pods = cluster.select("Pod", namespace, selector_from_set(svc.spec.selector))
    else:
        pods = [p for n in sorted(touched)
                if (p := cluster.get("Pod", namespace, n)) is not None and selects(
                    svc, p.metadata.labels)]
    desired, retry = desired_endpoints(cluster, svc, pods)
    trigger, state = compute_trigger_time(state, svc, pods, touched)
    plan = reconcile(svc, existing, desired, touched, state.located)
    written = finalize_writes(cluster, svc, plan, trigger)
    if isinstance(written, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    cluster, tracker, slices = written[0], tracker_of(written[0]), written[1]
    state = _relocate(state, desired, touched, existing, plan, slices)
    state = attrs.evolve(state, full=False, dirty=pset(retry), known=True)
    tracker = attrs.evolve(tracker, services=tracker.services.set(key, state))
    cluster = _with_tracker(cluster, tracker)
    if retry:  # "skipping Pod for Service, Node not found": retried with backoff
        return cluster.enqueue_rate_limited(NAME, key)
    return cluster.forget(NAME, key)


def desired_endpoints(cluster: Cluster, svc: Service, pods: list[Pod]
                      ) -> tuple[Desired, list[str]]:
    """reconcileByAddressType's desired state: each pod that should be in endpoints, as an
    endpoint under its port mapping; and the pods skipped because their Node is missing."""
    desired: Desired = {}
    retry: list[str] = []
    for at in get_address_types_for_service(svc):
        groups = desired.setdefault(at, {})
        for pod in pods:
            if not should_pod_be_in_endpoints(pod, True):
                continue
            node = cluster.get("Node", "", pod.spec.node_name or "")
            if node is None and not svc.spec.publish_not_ready_addresses:
                retry.append(pod.metadata.name or "")
                continue
            ports = get_endpoint_ports(svc, pod)
            endpoint = pod_to_endpoint(pod, node, svc, at)
            if not endpoint.addresses:
                continue
            group = groups.setdefault(new_port_map_key(ports), (ports, {}))
            group[1][hash_endpoint(endpoint)] = endpoint
    return desired, sorted(set(retry))


def compute_trigger_time(state: ServiceState, svc: Service, pods: list[Pod],
                         touched: set[str] | None) -> tuple[int | None, ServiceState]:
    """ComputeEndpointLastChangeTriggerTime over the pods looked at: the earliest Ready
    transition newer than the one last seen, or the Service's creation for a new Service."""
    before = state.pod_triggers if touched is not None else pmap()
    known = before.evolver()
    for gone in touched or ():
        if gone in before:
            del known[gone]
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


def _annotate(es: EndpointSlice, trigger: int | None) -> EndpointSlice:
    """addTriggerTimeAnnotation."""
    notes = es.metadata.annotations
    notes = notes.discard(ENDPOINTS_LAST_CHANGE_TRIGGER_TIME) if trigger is None else \
        notes.set(ENDPOINTS_LAST_CHANGE_TRIGGER_TIME, format_time(trigger))
    return attrs.evolve(es, metadata=attrs.evolve(es.metadata, annotations=notes))


def finalize_writes(cluster: Cluster, svc: Service, plan: Plan, trigger: int | None
                    ) -> tuple[Cluster, list[EndpointSlice]] | Status:
    """finalize's writes: creates, updates, deletes, each recorded in the tracker; the slices
    written are returned as stored."""
    namespace = svc.metadata.namespace or ""
    stored: list[EndpointSlice] = []
    tracker = tracker_of(cluster)
    for es in plan.to_create:
        result = apiserver.create(cluster, _annotate(es, trigger))
        if isinstance(result, Status):
            if result.reason == "Forbidden" and NAMESPACE_TERMINATING in result.message:
                return cluster, stored  # the namespace is going: drop the item
            return result
        cluster, obj = result.cluster, result.object
        tracker = _expect(tracker, obj)
        stored.append(obj)
    for es in plan.to_update:
        result = apiserver.update(cluster, _annotate(es, trigger))
        if isinstance(result, Status):
            return result
        cluster, obj = result.cluster, result.object
        tracker = _expect(tracker, obj)
        stored.append(obj)
    for es in plan.to_delete:
        result = apiserver.delete(cluster, "EndpointSlice", namespace, es.metadata.name)
        if isinstance(result, Status) and result.reason != "NotFound":
            return result
        if not isinstance(result, Status):
            cluster = result.cluster
        tracker = attrs.evolve(tracker, slices=tracker.slices.discard(
            f"{namespace}/{es.metadata.name}"))
    return _with_tracker(cluster, tracker), stored


def _expect(tracker: Tracker, es: EndpointSlice) -> Tracker:
    """EndpointSliceTracker.Update: the resourceVersion this controller wrote."""
    key = f"{es.metadata.namespace}/{es.metadata.name}"
    return attrs.evolve(tracker, slices=tracker.slices.set(key, es.metadata.resource_version
                                                           or ""))


def _relocate(state: ServiceState, desired: Desired, touched: set[str] | None,
              existing: list[EndpointSlice], plan: Plan, written: list[EndpointSlice]
              ) -> ServiceState:
    """Where each endpoint lives now: after a full sync, every slice re-read; after an
    incremental one, the touched pods that left are dropped and the written slices
    re-read (at most 100 endpoints each)."""
    if touched is None:
        located: dict[str, str] = {}
        gone = {es.metadata.name for es in plan.to_delete} | \
            {es.metadata.name for es in written}
        for es in [*(es for es in existing if es.metadata.name not in gone), *written]:
            for ep in es.endpoints:
                located[f"{es.address_type}/{pod_of(ep)}"] = es.metadata.name or ""
        return attrs.evolve(state, located=pmap(located))
    still = {(at, pod_of(ep)) for at, groups in desired.items() for _, eps in groups.values()
             for ep in eps.values()}
    evolver = state.located.evolver()
    for at in desired:
        for pod in touched:
            key = f"{at}/{pod}"
            if (at, pod) not in still and key in state.located:
                del evolver[key]
    for es in written:
        for ep in es.endpoints:
            evolver[f"{es.address_type}/{pod_of(ep)}"] = es.metadata.name or ""
    return attrs.evolve(state, located=evolver.persistent())


CONTROLLER = Controller(NAME, sync_service, watch,
                        frozenset({"Service", "Pod", "EndpointSlice"}), observe)

