"""Service discovery objects as frozen values: discovery.k8s.io/v1 EndpointSlice and core/v1
Endpoints.

The endpointslice and endpoints controllers write them; kube-proxy (kubefold's `route` query)
reads them. Pointer fields of the Go types are `None` when absent, so an endpoint's
`conditions.ready: false` and an absent `ready` stay distinct, as they are on the wire.

Models: k8s.io/api discovery/v1 (EndpointSlice, Endpoint, EndpointConditions, EndpointPort,
EndpointHints) and core/v1 (Endpoints, EndpointSubset, EndpointAddress, EndpointPort,
ObjectReference), release v1.34.
Simplifies: endpoint hints and deprecatedTopology are kept as frozen JSON.
Covered by: tests/test_endpointslice.py, tests/test_endpoints.py, tests/test_codec.py.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import attrs
from pyrsistent import PMap, PVector, pvector

from kubefold.core.objects import ObjectMeta, part
from kubefold.core.schema import (
    BOOL,
    INT,
    RAW,
    STR_LIST,
    extra_field,
    field,
    list_of,
    nested,
)


@attrs.frozen
class ObjectReference:
    kind: str | None = field("kind")
    namespace: str | None = field("namespace")
    name: str | None = field("name")
    uid: str | None = field("uid")
    api_version: str | None = field("apiVersion")
    resource_version: str | None = field("resourceVersion")
    field_path: str | None = field("fieldPath")
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# discovery.k8s.io/v1


@attrs.frozen
class EndpointConditions:
    ready: bool | None = field("ready", BOOL)
    serving: bool | None = field("serving", BOOL)
    terminating: bool | None = field("terminating", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class Endpoint:
    addresses: PVector[str] = field("addresses", STR_LIST, factory=pvector)
    conditions: EndpointConditions = part("conditions", EndpointConditions)
    hostname: str | None = field("hostname")
    target_ref: ObjectReference | None = nested("targetRef", ObjectReference)
    node_name: str | None = field("nodeName")
    zone: str | None = field("zone")
    hints: Any = field("hints", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class EndpointPort:
    """discovery/v1 EndpointPort (pointers: a name "" is written, an absent one is not)."""

    name: str | None = field("name")
    protocol: str | None = field("protocol")
    port: int | None = field("port", INT)
    app_protocol: str | None = field("appProtocol")
    extra: PMap = extra_field()


@attrs.frozen
class EndpointSlice:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    address_type: str | None = field("addressType")
    endpoints: PVector[Endpoint] = list_of("endpoints", Endpoint)
    ports: PVector[EndpointPort] = list_of("ports", EndpointPort)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# core/v1 Endpoints


@attrs.frozen
class EndpointAddress:
    ip: str | None = field("ip")
    hostname: str | None = field("hostname")
    node_name: str | None = field("nodeName")
    target_ref: ObjectReference | None = nested("targetRef", ObjectReference)
    extra: PMap = extra_field()


@attrs.frozen
class CoreEndpointPort:
    """core/v1 EndpointPort (name "" is omitted, as Go's omitempty string)."""

    name: str | None = field("name")
    port: int | None = field("port", INT)
    protocol: str | None = field("protocol")
    app_protocol: str | None = field("appProtocol")
    extra: PMap = extra_field()


@attrs.frozen
class EndpointSubset:
    addresses: PVector[EndpointAddress] = list_of("addresses", EndpointAddress)
    not_ready_addresses: PVector[EndpointAddress] = list_of("notReadyAddresses",
                                                            EndpointAddress)
    ports: PVector[CoreEndpointPort] = list_of("ports", CoreEndpointPort)
    extra: PMap = extra_field()


@attrs.frozen
class Endpoints:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    subsets: PVector[EndpointSubset] = list_of("subsets", EndpointSubset)
    extra: PMap = extra_field()


MODELLED: dict[str, type] = {
    "EndpointSlice": EndpointSlice,
    "Endpoints": Endpoints,
}


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """netutils.ParseIPSloppy: IPv4 octets may carry leading zeros (read as decimal); an
    IPv4-mapped IPv6 address is the IPv4 address, as Go's net.IP holds it."""
    if not text or "/" in text or "%" in text:
        return None
    if "." in text and ":" not in text:
        parts = text.split(".")
        if len(parts) != 4 or not all(p.isascii() and p.isdigit() and int(p) <= 255
                                      for p in parts):
            return None
        return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


# The annotation a controller kubefold runs sets on the routes it writes (HTTPRoutes,
# VirtualServices): kubefold runs no Gateway controller, and a route written by Argo Rollouts or
# Flagger counts as Accepted as a real mesh would have it (reducers/proxy/gateway.py).
WRITTEN_BY = "kubefold.io/written-by"
