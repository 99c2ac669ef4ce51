"""The Service registry's write hooks: IP families, ClusterIPs and node ports.

`begin_create(cluster, svc)` runs before a Service is validated and stored (Go's
REST.beginCreate: normalizeClusterIPs, then Allocators.allocateCreate); `prepare_for_update`
is the strategy's PrepareForUpdate (status kept, patchAllocatedValues, NormalizeClusterIPs,
dropTypeDependentFields); `begin_update` allocates what an update newly needs
(Allocators.allocateUpdate). Each returns the Service as it will be stored, or a `Status`
with Kubernetes' message: `Service "web" is invalid: spec.clusterIPs: Invalid value:
["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`.

Releasing is implicit: what is allocated is what the stored Services hold (the cluster's
`service_ips` and `node_ports` indices), so a delete, or an update that drops a port or
turns a Service into ExternalName, frees them in the same write.

Models (v1.34): pkg/registry/core/service/storage/alloc.go (initIPFamilyFields,
allocClusterIPs, allocIPs, txnAllocNodePorts, initNodePorts, findRequestedNodePort,
shouldAllocateNodePorts, allocHealthCheckNodePort, updateClusterIPs, updateNodePorts,
updateHealthCheckNodePort), storage.go (beginCreate, beginUpdate), strategy.go
(PrepareForCreate, PrepareForUpdate, patchAllocatedValues, NormalizeClusterIPs,
dropTypeDependentFields), pkg/api/service/util.go (ExternallyAccessible, NeedsHealthCheck).
Simplifies: the cluster is single-stack IPv4 with the default ranges (10.96.0.0/12,
30000-32767), so a Service asking for IPv6 or RequireDualStack is rejected as Go rejects it on
such a cluster; the random starting points come from the cluster value; no dry-run.
Covered by: tests/test_service_registry.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import FieldError, Status, invalid, invalid_status
from kubefold.core.objects import Service
from kubefold.reducers.apiserver.service import ipallocator, portallocator
from kubefold.reducers.apiserver.validation.service import (
    go_strings,
    validate_service_cluster_ips_related_fields,
)

CLUSTER_IP_RANGE = ipallocator.new_range(ipallocator.DEFAULT_SERVICE_CIDR)
NODE_PORT_RANGE = portallocator.parse_port_range(portallocator.DEFAULT_NODE_PORT_RANGE)
DEFAULT_FAMILY = "IPv4"
CONFIGURED_FAMILIES = ("IPv4",)
KIND = "Service"


def internal_error(message: str) -> Status:
    """errors.NewInternalError."""
    return Status("InternalError", 500, f"Internal error occurred: {message}")


# -- pkg/api/service/util.go ------------------------------------------------------------------


def externally_accessible(svc: Service) -> bool:
    t = svc.spec.type
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP"
                                                 and bool(svc.spec.external_ips))


def needs_health_check(svc: Service) -> bool:
    return svc.spec.type == "LoadBalancer" and svc.spec.external_traffic_policy == "Local"


def needs_cluster_ip(svc: Service) -> bool:
    return svc.spec.type != "ExternalName"


def needs_node_port(svc: Service) -> bool:
    return svc.spec.type in ("NodePort", "LoadBalancer")


def should_allocate_node_ports(svc: Service) -> bool:
    if svc.spec.type == "NodePort":
        return True
    if svc.spec.type == "LoadBalancer":
        return bool(svc.spec.allocate_load_balancer_node_ports)
    return False


def _spec(svc: Service, **changes: Any) -> Service:
    return attrs.evolve(svc, spec=attrs.evolve(svc.spec, **changes))


# -- strategy.go ------------------------------------------------------------------------------


def prepare_for_create(svc: Service) -> Service:
    """PrepareForCreate: the status is the empty ServiceStatus (`loadBalancer: {}`)."""
    return attrs.evolve(svc, status=pmap({"loadBalancer": pmap()}))


def normalize_cluster_ips(new: Service, old: Service | None) -> Service:
    """NormalizeClusterIPs: keep clusterIP and clusterIPs in step for clients that set one."""
    spec = new.spec
    if old is None:
        if spec.cluster_ip and not spec.cluster_ips:
            return _spec(new, cluster_ips=pvector([spec.cluster_ip]))
        return new
    old_spec = old.spec
    if old_spec.cluster_ips and spec.cluster_ips:  # both set: a new client, or unchanged
        if spec.cluster_ip != old_spec.cluster_ip and spec.cluster_ips == old_spec.cluster_ips:
            # only the singular changed (an old client): it leads
            if spec.cluster_ip:
                return _spec(new, cluster_ips=pvector([spec.cluster_ip]))
            return _spec(new, cluster_ips=pvector())
        return new
    if spec.cluster_ip and not spec.cluster_ips:
        if spec.cluster_ip == old_spec.cluster_ip and old_spec.cluster_ips:
            return _spec(new, cluster_ips=old_spec.cluster_ips)
        return _spec(new, cluster_ips=pvector([spec.cluster_ip]))
    return new


def patch_allocated_values(new: Service, old: Service) -> Service:
    """patchAllocatedValues: an update that omits allocated values keeps them."""
    spec = new.spec
    if needs_cluster_ip(old) and needs_cluster_ip(new):
        if not spec.cluster_ip:
            new = _spec(new, cluster_ip=old.spec.cluster_ip)
        if not new.spec.cluster_ips and old.spec.cluster_ips:
            new = _spec(new, cluster_ips=old.spec.cluster_ips)
    if needs_node_port(old) and needs_node_port(new):
        used = ({p.node_port for p in old.spec.ports if p.node_port}
                & {p.node_port for p in new.spec.ports if p.node_port})
        by_name = {p.name or "": p.node_port for p in old.spec.ports}
        ports = [attrs.evolve(p, node_port=by_name.get(p.name or ""))
                 if not p.node_port and by_name.get(p.name or "") not in used
                 and by_name.get(p.name or "") else p
                 for p in new.spec.ports]
        new = _spec(new, ports=pvector(ports))
    if needs_health_check(old) and needs_health_check(new) \
            and not new.spec.health_check_node_port:
        new = _spec(new, health_check_node_port=old.spec.health_check_node_port)
    return new


def drop_type_dependent_fields(new: Service, old: Service) -> Service:
    """dropTypeDependentFields: what the old type needed and the new one does not, when the
    user left it as it was."""
    if needs_cluster_ip(old) and not needs_cluster_ip(new):
        if _cluster_ips(old) == _cluster_ips(new):
            new = _spec(new, cluster_ip=None, cluster_ips=pvector())
        if old.spec.ip_families == new.spec.ip_families:
            new = _spec(new, ip_families=pvector())
        if old.spec.ip_family_policy == new.spec.ip_family_policy:
            new = _spec(new, ip_family_policy=None)
    if needs_node_port(old) and not needs_node_port(new) and \
            [p.node_port for p in old.spec.ports] == [p.node_port for p in new.spec.ports]:
        new = _spec(new, ports=pvector(attrs.evolve(p, node_port=None) for p in new.spec.ports))
    if needs_health_check(old) and not needs_health_check(new) and \
            old.spec.health_check_node_port == new.spec.health_check_node_port:
        new = _spec(new, health_check_node_port=None)
    if old.spec.type == "LoadBalancer" and new.spec.type != "LoadBalancer":
        if new.spec.allocate_load_balancer_node_ports is not None and \
                old.spec.allocate_load_balancer_node_ports == \
                new.spec.allocate_load_balancer_node_ports:
            new = _spec(new, allocate_load_balancer_node_ports=None)
        if new.spec.load_balancer_class is not None and \
                old.spec.load_balancer_class == new.spec.load_balancer_class:
            new = _spec(new, load_balancer_class=None)
    if externally_accessible(old) and not externally_accessible(new) and \
            old.spec.external_traffic_policy == new.spec.external_traffic_policy:
        new = _spec(new, external_traffic_policy=None)
    return new


def _cluster_ips(svc: Service) -> tuple[str | None, tuple[str, ...]]:
    return svc.spec.cluster_ip, tuple(svc.spec.cluster_ips)


def prepare_for_update(new: Service, old: Service) -> Service:
    """svcStrategy.PrepareForUpdate (the status is kept by the store)."""
    new = patch_allocated_values(new, old)
    new = normalize_cluster_ips(new, old)
    return drop_type_dependent_fields(new, old)


# -- alloc.go ---------------------------------------------------------------------------------


def init_ip_family_fields(new: Service, old: Service | None) -> Service | Status:
    """initIPFamilyFields on a single-stack IPv4 cluster."""
    if new.spec.type == "ExternalName":
        return new
    if old is not None and _matching_prefer_dual_stack(new, old):
        return new
    spec = new.spec
    if spec.ip_family_policy is None:
        if old is not None and old.spec.ip_family_policy is not None:
            new = _spec(new, ip_family_policy=old.spec.ip_family_policy)
        elif spec.cluster_ip == "None" and not spec.selector:
            new = _spec(new, ip_family_policy="RequireDualStack")
        else:
            new = _spec(new, ip_family_policy="SingleStack")
    errs = validate_service_cluster_ips_related_fields(new)
    if errs:
        return invalid_status(KIND, new.metadata.name or "", errs)
    spec = new.spec
    el: list[FieldError] = []
    if old is not None:
        if spec.ip_family_policy == "SingleStack":
            if _cluster_ips(old) == _cluster_ips(new) and len(spec.cluster_ips) > 1:
                new = _spec(new, cluster_ips=spec.cluster_ips[:1])
            if old.spec.ip_families == spec.ip_families and len(spec.ip_families) > 1:
                new = _spec(new, ip_families=spec.ip_families[:1])
        else:
            if len(spec.cluster_ips) < len(old.spec.cluster_ips):
                el.append(invalid("spec.ipFamilyPolicy", spec.ip_family_policy,
                                  "must be 'SingleStack' to release the secondary cluster IP"))
            if len(spec.ip_families) < len(old.spec.ip_families):
                el.append(invalid("spec.ipFamilyPolicy", spec.ip_family_policy,
                                  "must be 'SingleStack' to release the secondary IP family"))
        spec = new.spec
    if spec.ip_family_policy == "SingleStack":
        if len(spec.cluster_ips) == 2:
            el.append(invalid("spec.ipFamilyPolicy", spec.ip_family_policy,
                              "must be 'RequireDualStack' or 'PreferDualStack' when multiple "
                              "cluster IPs are specified"))
        if len(spec.ip_families) == 2:
            el.append(invalid("spec.ipFamilyPolicy", spec.ip_family_policy,
                              "must be 'RequireDualStack' or 'PreferDualStack' when multiple "
                              "IP families are specified"))
    families = list(spec.ip_families)
    for i, ip in enumerate(spec.cluster_ips):
        if ip == "None":
            break
        family = _family_of(ip)
        if i >= len(families):
            if family not in CONFIGURED_FAMILIES:
                el.append(invalid(f"spec.clusterIPs[{i}]", go_strings(spec.cluster_ips),
                                  f"{family} is not configured on this cluster"))
            else:
                families.append(family)
    if el:
        return invalid_status(KIND, new.metadata.name or "", el)
    new = _spec(new, ip_families=pvector(families))
    spec = new.spec
    if spec.cluster_ip == "None" and not spec.selector:
        if not families:
            families = [DEFAULT_FAMILY]
        if len(families) < 2 and spec.ip_family_policy != "SingleStack":
            families.append("IPv6" if families[0] == "IPv4" else "IPv4")
        return _spec(new, ip_families=pvector(families))
    if spec.ip_family_policy == "RequireDualStack" and len(CONFIGURED_FAMILIES) < 2:
        el.append(invalid("spec.ipFamilyPolicy", spec.ip_family_policy,
                          "this cluster is not configured for dual-stack services"))
    for i, family in enumerate(families):
        if family not in CONFIGURED_FAMILIES:
            el.append(invalid(f"spec.ipFamilies[{i}]", family, "not configured on this cluster"))
    if el:
        return invalid_status(KIND, new.metadata.name or "", el)
    if not families:
        families = [DEFAULT_FAMILY]
    return _spec(new, ip_families=pvector(families))


def _matching_prefer_dual_stack(new: Service, old: Service) -> bool:
    """isMatchingPreferDualStackClusterIPFields: an untouched PreferDualStack Service."""
    return (old.spec.ip_family_policy == "PreferDualStack"
            and new.spec.ip_family_policy == "PreferDualStack"
            and _cluster_ips(old) == _cluster_ips(new)
            and old.spec.ip_families == new.spec.ip_families)


def _family_of(ip: str) -> str:
    parsed = ipallocator.parse_ip(ip)
    return "IPv6" if parsed is not None and parsed.version == 6 else "IPv4"


def alloc_cluster_ips(cluster: Cluster, svc: Service) -> Service | Status:
    """allocClusterIPs: one address per family, a requested one or the next free one."""
    if svc.spec.type == "ExternalName":
        return svc
    if svc.spec.cluster_ips and svc.spec.cluster_ips[0] == "None":
        return svc
    ips = list(svc.spec.cluster_ips)
    for i, _family in enumerate(svc.spec.ip_families):
        if i >= len(ips):
            ips.append("")
        requested = ips[i]
        if requested == "":
            got = ipallocator.allocate_next(
                CLUSTER_IP_RANGE, lambda ip: ip in cluster.service_ips,
                *_draws(cluster, "ClusterIP", svc))
            if got is None:
                return internal_error(
                    f"failed to allocate a serviceIP: {ipallocator.ERR_FULL}")
            ips[i] = got
        else:
            error = ipallocator.allocate(CLUSTER_IP_RANGE, lambda ip: ip in cluster.service_ips,
                                         requested)
            if error is not None:
                return invalid_status(KIND, svc.metadata.name or "", [invalid(
                    "spec.clusterIPs", go_strings(svc.spec.cluster_ips),
                    f"failed to allocate IP {requested}: {error}")])
    return _spec(svc, cluster_ips=pvector(ips), cluster_ip=ips[0] if ips else None)


def _draws(cluster: Cluster, what: str, svc: Service, attempt: int = 0) -> tuple[int, int]:
    bits = cluster.random_bits(what, svc.metadata.namespace, svc.metadata.name, attempt)
    return bits >> 32, bits & 0xFFFFFFFF


def init_node_ports(cluster: Cluster, svc: Service, taken: set[int]) -> Service | Status:
    """initNodePorts: requested ports are reserved, the others drawn; ports sharing a port
    number (TCP and UDP of one port) share the node port."""
    by_port: dict[int, int] = {}
    ports = list(svc.spec.ports)
    for i, sp in enumerate(ports):
        if not sp.node_port and not should_allocate_node_ports(svc):
            continue
        number = sp.port or 0
        allocated = by_port.get(number, 0)
        if not allocated:
            requested = _find_requested_node_port(number, ports)
            if requested:
                error = _reserve_port(cluster, taken, requested)
                if error is not None:
                    return invalid_status(KIND, svc.metadata.name or "", [invalid(
                        f"spec.ports[{i}].nodePort", requested, error)])
                ports[i] = attrs.evolve(sp, node_port=requested)
                by_port[number] = requested
            else:
                got = _next_port(cluster, taken, svc, i)
                if got is None:
                    return internal_error(
                        f"failed to allocate a nodePort: {portallocator.ERR_FULL}")
                ports[i] = attrs.evolve(sp, node_port=got)
                by_port[number] = got
        elif sp.node_port != allocated:
            if not sp.node_port:
                ports[i] = attrs.evolve(sp, node_port=allocated)
            else:
                error = _reserve_port(cluster, taken, sp.node_port)
                if error is not None:
                    return invalid_status(KIND, svc.metadata.name or "", [invalid(
                        f"spec.ports[{i}].nodePort", sp.node_port, error)])
    return _spec(svc, ports=pvector(ports))


def _find_requested_node_port(port: int, ports: list[Any]) -> int:
    """findRequestedNodePort: a node port the user gave for this port number."""
    for sp in ports:
        if (sp.port or 0) == port and sp.node_port:
            return int(sp.node_port)
    return 0


def _reserve_port(cluster: Cluster, taken: set[int], port: int) -> str | None:
    error = portallocator.allocate(NODE_PORT_RANGE,
                                   lambda p: p in taken or p in cluster.node_ports, port)
    if error is None:
        taken.add(port)
    return error


def _next_port(cluster: Cluster, taken: set[int], svc: Service, salt: int) -> int | None:
    port = portallocator.allocate_next(NODE_PORT_RANGE,
                                       lambda p: p in taken or p in cluster.node_ports,
                                       *_draws(cluster, "NodePort", svc, salt))
    if port is not None:
        taken.add(port)
    return port


def alloc_health_check_node_port(cluster: Cluster, svc: Service, taken: set[int]
                                 ) -> Service | Status:
    """allocHealthCheckNodePort (its errors are internal errors, as Go wraps them)."""
    requested = svc.spec.health_check_node_port
    if requested:
        error = _reserve_port(cluster, taken, requested)
        if error is not None:
            return internal_error(f"failed to allocate requested HealthCheck NodePort "
                                  f"{requested}: {error}")
        return svc
    got = _next_port(cluster, taken, svc, -1)
    if got is None:
        return internal_error(f"failed to allocate a HealthCheck NodePort 0: "
                              f"{portallocator.ERR_FULL}")
    return _spec(svc, health_check_node_port=got)


def begin_create(cluster: Cluster, svc: Service) -> Service | Status:
    """REST.beginCreate: normalizeClusterIPs, then allocateCreate (families, ClusterIPs,
    node ports, health check node port)."""
    svc = normalize_cluster_ips(svc, None)
    result = init_ip_family_fields(svc, None)
    if isinstance(result, Status):
        return result
    result = alloc_cluster_ips(cluster, result)
    if isinstance(result, Status):
        return result
    taken: set[int] = set()
    if needs_node_port(result):
        result = init_node_ports(cluster, result, taken)
        if isinstance(result, Status):
            return result
    if needs_health_check(result):
        result = alloc_health_check_node_port(cluster, result, taken)
    return result


def begin_update(cluster: Cluster, new: Service, old: Service) -> Service | Status:
    """Allocators.allocateUpdate: families; ClusterIPs when leaving ExternalName; node ports
    the update adds; the health check node port when newly needed."""
    result = init_ip_family_fields(new, old)
    if isinstance(result, Status):
        return result
    new = result
    if old.spec.type == "ExternalName" and new.spec.type != "ExternalName":
        result = alloc_cluster_ips(cluster, new)
        if isinstance(result, Status):
            return result
        new = result
    taken: set[int] = set()
    if needs_node_port(new):
        result = update_node_ports(cluster, new, old, taken)
        if isinstance(result, Status):
            return result
        new = result
    newly = not needs_health_check(old) or \
        new.spec.health_check_node_port != old.spec.health_check_node_port
    if needs_health_check(new) and newly:
        return alloc_health_check_node_port(cluster, new, taken)
    return new


def update_node_ports(cluster: Cluster, new: Service, old: Service, taken: set[int]
                      ) -> Service | Status:
    """updateNodePorts: ports the old Service did not hold are reserved, missing ones
    drawn; the old Service's own ports count as free to it."""
    old_ports = {p.node_port for p in old.spec.ports if p.node_port}
    ports = list(new.spec.ports)
    for i, sp in enumerate(ports):
        if not sp.node_port and not should_allocate_node_ports(new):
            continue
        if sp.node_port:
            if sp.node_port not in old_ports and sp.node_port not in taken:
                mine = cluster.node_ports.get(sp.node_port) == _key(old)
                error = None if mine else _reserve_port(cluster, taken, sp.node_port)
                if error is not None:
                    return invalid_status(KIND, new.metadata.name or "", [invalid(
                        f"spec.ports[{i}].nodePort", sp.node_port, error)])
        else:
            got = _next_port(cluster, taken, new, i)
            if got is None:
                return internal_error(
                    f"failed to allocate a nodePort: {portallocator.ERR_FULL}")
            ports[i] = attrs.evolve(sp, node_port=got)
    return _spec(new, ports=pvector(ports))


def _key(svc: Service) -> tuple[str, str]:
    return (svc.metadata.namespace or "", svc.metadata.name or "")
