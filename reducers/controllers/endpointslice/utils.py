"""The EndpointSlice reconciler's one-object helpers: a pod as an endpoint, a Service's ports on
a pod, slice names and labels, which Services a pod change concerns.

Models (v1.34): staging/src/k8s.io/endpointslice/utils.go (podToEndpoint, getEndpointPorts,
getEndpointAddresses, newEndpointSlice, getEndpointSlicePrefix, ownedBy, getSliceToFill,
ServiceControllerKey, setEndpointSliceLabels, isReservedLabelKey, getAddressTypesForService,
isServiceIPSet, FindPort), util/controller_utils.go (ShouldPodBeInEndpoints,
ShouldSetHostname, podEndpointsChanged, GetPodUpdateProjectionKey, GetServicesToUpdate,
getServicesForPod, determineNeededServiceUpdates, EndpointsEqualBeyondHash, NewPortMapKey),
util/endpointset.go (hashEndpoint).
Simplifies: a port map key is the sorted tuple of the ports (Go: an FNV hash of their spew
dump, the same grouping); an endpoint's hash is the tuple Go hashes.
Covered by: tests/test_endpointslice.py (utils_test.go's TestPodToEndpoint,
TestServiceControllerKey, TestGetEndpointPorts, TestSetEndpointSliceLabels,
TestGetSliceToFill, controller_utils_test.go's TestShouldPodBeInEndpoints,
TestShouldSetHostname, TestDetermineNeededServiceUpdates, TestPodChanged cases).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.networking import (
    Endpoint,
    EndpointConditions,
    EndpointPort,
    EndpointSlice,
    ObjectReference,
    parse_ip,
)
from kubefold.core.objects import ObjectMeta, OwnerReference, Pod, Service
from kubefold.core.podutil import get_pod_ready_condition, is_pod_ready, is_pod_terminal
from kubefold.reducers.apiserver.validation.names import is_dns1123_subdomain, mask_trailing_dash

CONTROLLER_NAME = "endpointslice-controller.k8s.io"  # the managed-by label's value
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
IS_HEADLESS_SERVICE = "service.kubernetes.io/headless"
LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"
ENDPOINTS_LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"

PortMapKey: TypeAlias = tuple[tuple[str, str, int, str], ...]
EndpointHash: TypeAlias = tuple[tuple[str, ...], str, str, str]


# -- controller_utils.go ----------------------------------------------------------------------


def should_pod_be_in_endpoints(pod: Pod, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: not terminal, has an IP, and (unless asked) not terminating."""
    if is_pod_terminal(pod):
        return False
    if not pod.status.pod_ip and not pod.status.extra.get("podIPs"):
        return False
    return include_terminating or pod.metadata.deletion_timestamp is None


def should_set_hostname(pod: Pod, svc: Service) -> bool:
    """ShouldSetHostname: a hostname, and a subdomain naming this Service in its namespace."""
    hostname = pod.spec.extra.get("hostname") or ""
    return bool(hostname) and pod.spec.extra.get("subdomain") == svc.metadata.name \
        and svc.metadata.namespace == pod.metadata.namespace


def pod_ips(pod: Pod) -> list[str]:
    """status.podIPs (status.podIP when only it is set, as older writers leave it)."""
    ips = [item.get("ip") for item in pod.status.extra.get("podIPs") or ()
           if hasattr(item, "get") and item.get("ip")]
    if not ips and pod.status.pod_ip:
        ips = [pod.status.pod_ip]
    return ips


def pod_endpoints_changed(old: Pod, new: Pod) -> tuple[bool, bool]:
    """podEndpointsChanged: (the endpoint may differ, the Services it matches may differ)."""
    labels_changed = old.metadata.labels != new.metadata.labels or \
        _hostname_and_domain(old) != _hostname_and_domain(new)
    if old.metadata.deletion_timestamp != new.metadata.deletion_timestamp:
        return True, labels_changed
    if is_pod_ready(old) != is_pod_ready(new):
        return True, labels_changed
    if pod_ips(old) != pod_ips(new):
        return True, labels_changed
    return False, labels_changed


def _hostname_and_domain(pod: Pod) -> tuple[Any, Any]:
    return pod.spec.extra.get("hostname"), pod.spec.extra.get("subdomain")


def selects(svc: Service, labels: Any) -> bool:
    """A Service's selector (nil or empty: nothing) matches these labels."""
    selector = svc.spec.selector
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def get_services_for_pod(cluster: Cluster, namespace: str, labels: Any) -> set[str]:
    """getServicesForPod: the keys of the namespace's Services whose selector matches.
    Cost: the namespace's Services (the informer's lister lists them too)."""
    return {f"{namespace}/{svc.metadata.name}" for svc in cluster.list("Service", namespace)
            if selects(svc, labels)}


def determine_needed_service_updates(old_services: set[str], services: set[str],
                                     pod_changed: bool) -> set[str]:
    """determineNeededServiceUpdates: the union when the pod changed, else the services the
    pod joined or left."""
    if pod_changed:
        return services | old_services
    return (services - old_services) | (old_services - services)


def services_to_update(cluster: Cluster, old: Pod | None, new: Pod | None) -> set[str]:
    """GetPodUpdateProjectionKey + GetServicesToUpdate for a pod's add, update or delete."""
    if old is None and new is None:
        return set()
    pod = new if new is not None else old
    assert pod is not None
    if not any(svc.spec.selector for svc in cluster.list("Service", pod.metadata.namespace or "")):
        return set()  # no Service of the namespace selects any pod: nothing to update
    if old is None or new is None:
        return get_services_for_pod(cluster, pod.metadata.namespace or "", pod.metadata.labels)
    if old.metadata.resource_version == new.metadata.resource_version:
        return set()
    pod_changed, labels_changed = pod_endpoints_changed(old, new)
    if not pod_changed and not labels_changed:
        return set()
    namespace = new.metadata.namespace or ""
    services = get_services_for_pod(cluster, namespace, new.metadata.labels)
    if not labels_changed:
        return services
    old_services = get_services_for_pod(cluster, namespace, old.metadata.labels)
    return determine_needed_service_updates(old_services, services, pod_changed)


def hash_endpoint(ep: Endpoint) -> EndpointHash:
    """hashEndpoint's identity: sorted addresses, hostname, target namespace and name."""
    ref = ep.target_ref
    return (tuple(sorted(ep.addresses)), ep.hostname or "",
            (ref.namespace or "") if ref is not None else "",
            (ref.name or "") if ref is not None else "")


def endpoints_equal_beyond_hash(a: Endpoint, b: Endpoint) -> bool:
    """EndpointsEqualBeyondHash: nodeName, zone, conditions and targetRef (its
    resourceVersion ignored) agree."""
    if a.node_name != b.node_name or a.zone != b.zone:
        return False
    ca, cb = a.conditions, b.conditions
    if (ca.ready, ca.serving, ca.terminating) != (cb.ready, cb.serving, cb.terminating):
        return False
    ra, rb = a.target_ref, b.target_ref
    if (ra is None) != (rb is None):
        return False
    if ra is not None and rb is not None:
        return (ra.kind, ra.namespace, ra.name, ra.uid, ra.api_version, ra.field_path) == \
            (rb.kind, rb.namespace, rb.name, rb.uid, rb.api_version, rb.field_path)
    return True


def new_port_map_key(ports: Iterable[EndpointPort]) -> PortMapKey:
    """NewPortMapKey: the same ports in any order give the same key."""
    return tuple(sorted((p.name or "", p.protocol or "", p.port or 0, p.app_protocol or "")
                        for p in ports))


# -- utils.go ---------------------------------------------------------------------------------


def pod_to_endpoint(pod: Pod, node: Any, svc: Service, address_type: str) -> Endpoint:
    """podToEndpoint: serving is Ready; terminating is being deleted; ready is serving and
    not terminating, or always with publishNotReadyAddresses."""
    serving = is_pod_ready(pod)
    terminating = pod.metadata.deletion_timestamp is not None
    ready = bool(svc.spec.publish_not_ready_addresses) or (serving and not terminating)
    zone = node.metadata.labels.get(LABEL_TOPOLOGY_ZONE) if node is not None else None
    return Endpoint(
        addresses=pvector(get_endpoint_addresses(pod, address_type)),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        hostname=pod.spec.extra.get("hostname") if should_set_hostname(pod, svc) else None,
        target_ref=ObjectReference(kind="Pod", namespace=pod.metadata.namespace,
                                   name=pod.metadata.name, uid=pod.metadata.uid),
        node_name=pod.spec.node_name or None,
        zone=zone or None)


def get_endpoint_addresses(pod: Pod, address_type: str) -> list[str]:
    """getEndpointAddresses: the pod's IPs of this family, re-printed canonically."""

    out = []
    for ip in pod_ips(pod):
        parsed = parse_ip(ip)
        if parsed is None:
            continue
        if (parsed.version == 6) == (address_type == "IPv6"):
            out.append(str(parsed))
    return out


def find_port(pod: Pod, port: Any) -> int | None:
    """FindPort: a numeric targetPort as is; a named one looked up in the containers' ports
    (and restartable init containers'), matching the protocol; None when not found."""
    target = port.target_port
    if isinstance(target, int):
        return target
    protocol = port.protocol or "TCP"
    for container in pod.spec.containers:
        for cp in container.ports:
            if cp.name == target and (cp.protocol or "TCP") == protocol:
                return cp.container_port
    for container in pod.spec.init_containers:
        if container.restart_policy != "Always":
            continue
        for cp in container.ports:
            if cp.name == target and (cp.protocol or "TCP") == protocol:
                return cp.container_port
    return None


def get_endpoint_ports(svc: Service, pod: Pod) -> list[EndpointPort]:
    """getEndpointPorts: each Service port resolved on the pod (ports not found left out);
    a headless Service may have none."""
    out = []
    for port in svc.spec.ports:
        number = find_port(pod, port)
        if number is None:
            continue
        out.append(EndpointPort(name=port.name or "", protocol=port.protocol,
                                port=number, app_protocol=port.app_protocol))
    return out


def get_endpoint_slice_prefix(service_name: str) -> str:
    """getEndpointSlicePrefix: `<service>-`, or the bare name when that is not valid."""
    prefix = f"{service_name}-"
    if is_dns1123_subdomain(mask_trailing_dash(prefix)):
        return service_name
    return prefix


def owned_by(es: EndpointSlice, svc: Service) -> bool:
    """ownedBy: an owner reference to this Service's uid (kind Service, v1)."""
    return any(o.uid == svc.metadata.uid and o.kind == "Service" and o.api_version == "v1"
               for o in es.metadata.owner_references)


def is_reserved_label_key(key: str) -> bool:
    return key in (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, IS_HEADLESS_SERVICE)


def is_service_ip_set(svc: Service) -> bool:
    return svc.spec.cluster_ip not in (None, "", "None")


def set_endpoint_slice_labels(es: EndpointSlice | None, svc: Service,
                              controller_name: str = CONTROLLER_NAME
                              ) -> tuple[dict[str, str], bool]:
    """setEndpointSliceLabels: the Service's labels (reserved keys excepted) plus the
    service-name, managed-by and headless labels; and whether the non-reserved ones changed."""
    current = {k: v for k, v in (es.metadata.labels.items() if es is not None else ())
               if not is_reserved_label_key(k)}
    labels = {k: v for k, v in svc.metadata.labels.items() if not is_reserved_label_key(k)}
    updated = current != labels
    if not is_service_ip_set(svc):
        labels[IS_HEADLESS_SERVICE] = ""
    labels[LABEL_SERVICE_NAME] = svc.metadata.name or ""
    labels[LABEL_MANAGED_BY] = controller_name
    return labels, updated


def new_endpoint_slice(svc: Service, ports: Sequence[EndpointPort], address_type: str,
                       controller_name: str = CONTROLLER_NAME) -> EndpointSlice:
    """newEndpointSlice: generateName `<service>-`, a controller reference to the Service,
    the Service's labels and the reserved ones; no endpoints yet."""
    owner = OwnerReference(api_version="v1", kind="Service", name=svc.metadata.name,
                           uid=svc.metadata.uid, controller=True, block_owner_deletion=True)
    labels, _ = set_endpoint_slice_labels(None, svc, controller_name)
    return EndpointSlice(
        api_version="discovery.k8s.io/v1", kind="EndpointSlice",
        metadata=ObjectMeta(generate_name=get_endpoint_slice_prefix(svc.metadata.name or ""),
                            namespace=svc.metadata.namespace, labels=pmap(labels),
                            owner_references=pvector([owner])),
        address_type=address_type, ports=pvector(ports), endpoints=pvector())


def get_slice_to_fill(slices: Sequence[EndpointSlice], num_endpoints: int, max_endpoints: int
                      ) -> EndpointSlice | None:
    """getSliceToFill: the slice closest to full once `num_endpoints` are added, if any fits."""
    closest_diff, closest = max_endpoints, None
    for es in slices:
        diff = max_endpoints - (num_endpoints + len(es.endpoints))
        if 0 <= diff < closest_diff:
            closest_diff, closest = diff, es
            if closest_diff == 0:
                return closest
    return closest


def service_controller_key(es: EndpointSlice) -> str | None:
    """ServiceControllerKey: `namespace/<service-name label>`, or None without the label."""
    name = es.metadata.labels.get(LABEL_SERVICE_NAME)
    if not name:
        return None
    return f"{es.metadata.namespace}/{name}"


def get_address_types_for_service(svc: Service) -> list[str]:
    """getAddressTypesForService: the families as address types; without families, the
    ClusterIP's family, or both for a headless Service."""
    types = [{"IPv4": "IPv4", "IPv6": "IPv6"}[f] for f in svc.spec.ip_families
             if f in ("IPv4", "IPv6")]
    if types:
        return list(dict.fromkeys(types))
    ip = svc.spec.cluster_ip
    if ip and ip != "None":
        return ["IPv6" if ":" in ip else "IPv4"]
    return ["IPv4", "IPv6"]


def get_pod_trigger_time(pod: Pod) -> int | None:
    """getPodTriggerTime: when the pod's Ready condition last changed."""
    condition = get_pod_ready_condition(pod.status)
    return condition.last_transition_time if condition is not None else None
