"""The EndpointSlice reconciler: from the slices a Service has and the endpoints it should have,
the slices to create, update and delete.

`reconcile(svc, existing, desired, touched, located)` is Go's Reconcile over every address
type: slices of an address type the Service no longer has are deleted; for each address type,
slices are grouped by their ports (one group per distinct port mapping: a named targetPort
may resolve differently on different pods) and each group is reconciled as
reconcileByPortMapping does it: (1) in each slice, endpoints no longer desired are dropped and
changed ones replaced in place; (2) new endpoints fill the slices already being updated,
fullest first, up to 100 each; (3) what is left fills the unchanged slice that will be closest
to full, or new slices. A group left with no endpoint loses its slices; when nothing would
remain for an address type, an empty placeholder slice stays; creates become updates of
slices that would otherwise be deleted.

Incremental by construction: `touched` names the pods whose endpoints may have changed since
the last sync (None: every pod, a full resync) and `desired` holds only theirs. Endpoints of
pods not touched are kept where they are without being read, and only the slices that hold a
touched pod (found through `located`, pod -> slice) are rewritten, so a sync costs what
changed plus one look at each slice's length, never every endpoint. With `touched` None the
same code is Go's full reconcile.

Models (v1.34): staging/src/k8s.io/endpointslice/reconciler.go (Reconcile,
reconcileByAddressType, reconcileByPortMapping, finalize, placeholderSliceCompare),
utils.go (getSliceToFill, endpointSliceEndpointLen), util/endpointset.go.
Simplifies: Go pops endpoints from a hash set and lists slice names from a set, both in random
order; here endpoints are placed in the order of their pods' names and slices are taken by
name, so equal inputs give equal slices. Topology hints and trafficDistribution hints are not
computed (the topology cache is off by default). maxEndpointsPerSlice is 100, the default.
Covered by: tests/test_endpointslice.py (reconciler_test.go's TestReconcile* cases,
placeholder and packing cases) and tests/test_properties_endpoints.py (incremental equals full).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.networking import Endpoint, EndpointPort, EndpointSlice
from kubefold.core.objects import Service
from kubefold.reducers.controllers.endpointslice.utils import (
    EndpointHash,
    PortMapKey,
    endpoints_equal_beyond_hash,
    get_address_types_for_service,
    get_slice_to_fill,
    hash_endpoint,
    new_endpoint_slice,
    new_port_map_key,
    owned_by,
    set_endpoint_slice_labels,
)

MAX_ENDPOINTS_PER_SLICE = 100

# address type -> port map -> (the ports, the desired endpoints by hash)
Desired: TypeAlias = dict[str, dict[PortMapKey, tuple[list[EndpointPort],
                                                      dict[EndpointHash, Endpoint]]]]


@attrs.frozen
class Plan:
    """What a reconcile writes; `to_create` slices have no name yet (generateName)."""

    to_create: tuple[EndpointSlice, ...] = ()
    to_update: tuple[EndpointSlice, ...] = ()
    to_delete: tuple[EndpointSlice, ...] = ()
    added: int = 0
    removed: int = 0

    @property
    def empty(self) -> bool:
        return not (self.to_create or self.to_update or self.to_delete)


def pod_of(ep: Endpoint) -> str:
    return (ep.target_ref.name or "") if ep.target_ref is not None else ""


def _order(item: tuple[EndpointHash, Endpoint]) -> tuple[str, EndpointHash]:
    return (pod_of(item[1]), item[0])


def reconcile(svc: Service, existing: Sequence[EndpointSlice], desired: Desired,
              touched: set[str] | None, located: Mapping[str, str],
              max_per_slice: int = MAX_ENDPOINTS_PER_SLICE) -> Plan:
    """Reconcile: slices of unsupported address types go; each supported type reconciled."""
    supported = get_address_types_for_service(svc)
    by_type: dict[str, list[EndpointSlice]] = {}
    to_delete: list[EndpointSlice] = []
    for es in existing:
        if es.address_type not in supported:
            to_delete.append(es)
        else:
            by_type.setdefault(es.address_type or "", []).append(es)
    plans = [reconcile_by_address_type(svc, by_type.get(at, []), desired.get(at, {}), at,
                                       touched, located, max_per_slice)
             for at in supported]
    return Plan(tuple(es for p in plans for es in p.to_create),
                tuple(es for p in plans for es in p.to_update),
                tuple(es for p in plans for es in p.to_delete) + tuple(to_delete),
                sum(p.added for p in plans), sum(p.removed for p in plans))


def reconcile_by_address_type(svc: Service, existing: list[EndpointSlice],
                              desired: dict[PortMapKey, tuple[list[EndpointPort],
                                                              dict[EndpointHash, Endpoint]]],
                              address_type: str, touched: set[str] | None,
                              located: Mapping[str, str], max_per_slice: int) -> Plan:
    """reconcileByAddressType: group by port mapping, reconcile each, then the placeholder
    and finalize."""
    by_port_map: dict[PortMapKey, list[EndpointSlice]] = {}
    to_delete: list[EndpointSlice] = []
    for es in existing:
        if owned_by(es, svc):
            by_port_map.setdefault(new_port_map_key(es.ports), []).append(es)
        else:
            to_delete.append(es)
    candidates: set[str] | None = None
    if touched is not None:
        candidates = {located[key] for pod in touched
                      if (key := f"{address_type}/{pod}") in located}
    to_create: list[EndpointSlice] = []
    to_update: list[EndpointSlice] = []
    added = removed = 0
    for port_map in sorted(set(by_port_map) | set(desired)):
        ports, wanted = desired.get(port_map, ([], {}))
        created, updated, deleted, n_added, n_removed = reconcile_by_port_mapping(
            svc, by_port_map.get(port_map, []), dict(wanted), ports, address_type, touched,
            candidates, max_per_slice)
        to_create += created
        to_update += updated
        to_delete += deleted
        added += n_added
        removed += n_removed
    if len(existing) == len(to_delete) and not to_create:
        placeholder = new_endpoint_slice(svc, [], address_type)
        if len(to_delete) == 1 and _placeholder_equal(to_delete[0], placeholder):
            to_delete = []
        else:
            to_create.append(placeholder)
    return finalize(svc, to_create, to_update, to_delete, added, removed)


def _placeholder_equal(es: EndpointSlice, placeholder: EndpointSlice) -> bool:
    """placeholderSliceCompare.DeepEqual: namespace, labels and owners alike, no endpoints or
    ports, the same address type."""
    return (es.metadata.namespace == placeholder.metadata.namespace
            and dict(es.metadata.labels) == dict(placeholder.metadata.labels)
            and [_owner(o) for o in es.metadata.owner_references]
            == [_owner(o) for o in placeholder.metadata.owner_references]
            and not es.endpoints and not es.ports
            and es.address_type == placeholder.address_type)


def _owner(ref: object) -> tuple[object, ...]:
    return tuple(getattr(ref, f) for f in ("api_version", "kind", "name", "uid", "controller",
                                           "block_owner_deletion"))


def reconcile_by_port_mapping(svc: Service, existing: list[EndpointSlice],
                              desired: dict[EndpointHash, Endpoint], ports: list[EndpointPort],
                              address_type: str, touched: set[str] | None,
                              candidates: set[str] | None, max_per_slice: int
                              ) -> tuple[list[EndpointSlice], list[EndpointSlice],
                                         list[EndpointSlice], int, int]:
    """reconcileByPortMapping (see the module docstring for steps 1-3)."""
    by_name: dict[str, EndpointSlice] = {}
    unchanged: list[str] = []
    to_update: list[str] = []
    to_delete: list[str] = []
    removed = 0
    remaining = 0
    for es in sorted(existing, key=lambda s: s.metadata.name or ""):
        name = es.metadata.name or ""
        by_name[name] = es
        if candidates is not None and name not in candidates:
            # incremental: only a Service write changes labels, and that makes a full sync
            unchanged.append(name)
            remaining += len(es.endpoints)
            continue
        labels, labels_changed = set_endpoint_slice_labels(es, svc)
        kept, updated = _keep_desired(es.endpoints, desired, touched)
        if updated or len(kept) != len(es.endpoints):
            removed += max(len(es.endpoints) - len(kept), 0)
            if not kept:
                to_delete.append(name)
            else:
                by_name[name] = attrs.evolve(es, endpoints=pvector(kept), metadata=attrs.evolve(
                    es.metadata, labels=pmap(labels)))
                to_update.append(name)
                remaining += len(kept)
        elif labels_changed:
            by_name[name] = attrs.evolve(es, metadata=attrs.evolve(es.metadata,
                                                                   labels=pmap(labels)))
            to_update.append(name)
            remaining += len(kept)
        else:
            unchanged.append(name)
            remaining += len(es.endpoints)
    pending = sorted(desired.items(), key=_order)
    added = len(pending)
    pending.reverse()  # popped from the end: the first pod name first
    if pending and to_update:  # 2. fill the slices being updated, fullest first
        for name in sorted(to_update, key=lambda n: (-len(by_name[n].endpoints), n)):
            es = by_name[name]
            room = max_per_slice - len(es.endpoints)
            if room > 0 and pending:
                take = [pending.pop()[1] for _ in range(min(room, len(pending)))]
                by_name[name] = attrs.evolve(es, endpoints=es.endpoints.extend(take))
    created: list[EndpointSlice] = []
    while pending:  # 3. an unchanged slice that fits them all, else new slices
        fill: EndpointSlice | None = None
        if len(pending) < max_per_slice and unchanged:
            fill = get_slice_to_fill([by_name[n] for n in unchanged], len(pending),
                                     max_per_slice)
        if fill is None:
            fill = new_endpoint_slice(svc, ports, address_type)
        room = max_per_slice - len(fill.endpoints)
        take = [pending.pop()[1] for _ in range(min(room, len(pending)))]
        fill = attrs.evolve(fill, endpoints=fill.endpoints.extend(take))
        if fill.metadata.name:
            by_name[fill.metadata.name] = fill
            to_update.append(fill.metadata.name)
            unchanged.remove(fill.metadata.name)
        else:
            created.append(fill)
    remaining += added
    deleted = [by_name[n] for n in to_delete]
    if remaining == 0:  # a port mapping no longer desired: its slices go
        deleted += [by_name[n] for n in unchanged + to_update]
        return created, [], deleted, added, removed
    return created, [by_name[n] for n in to_update], deleted, added, removed


def _keep_desired(endpoints: Sequence[Endpoint], desired: dict[EndpointHash, Endpoint],
                  touched: set[str] | None) -> tuple[list[Endpoint], bool]:
    """Step 1 for one slice: endpoints of untouched pods stay as they are; a touched one is
    replaced by its desired version (taken out of `desired`) or dropped."""
    kept: list[Endpoint] = []
    updated = False
    for ep in endpoints:
        if touched is not None and pod_of(ep) not in touched:
            kept.append(ep)
            continue
        got = desired.pop(hash_endpoint(ep), None)
        if got is None:
            continue
        kept.append(got)
        if not endpoints_equal_beyond_hash(got, ep):
            updated = True
    return kept, updated


def finalize(svc: Service, to_create: list[EndpointSlice], to_update: list[EndpointSlice],
             to_delete: list[EndpointSlice], added: int, removed: int) -> Plan:
    """finalize: creates become updates of slices that would be deleted (same address type,
    owned by this Service); no creates for a Service being deleted."""
    to_create, to_update, to_delete = list(to_create), list(to_update), list(to_delete)
    i = 0
    while i < len(to_delete) and to_create:
        gone = to_delete[i]
        es = to_create[-1]
        if gone.address_type == es.address_type and owned_by(gone, svc):
            to_create.pop()
            to_update.append(attrs.evolve(gone, endpoints=es.endpoints, ports=es.ports,
                                          metadata=attrs.evolve(gone.metadata,
                                                                labels=es.metadata.labels)))
            to_delete.pop(i)
        else:
            i += 1
    if svc.metadata.deletion_timestamp is not None:
        to_create = []
    return Plan(tuple(to_create), tuple(to_update), tuple(to_delete), added, removed)
