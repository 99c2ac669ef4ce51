"""The cluster as one immutable value.

`Cluster` holds the object store (kind -> namespace -> name -> object; "" is the namespace of
cluster-scoped objects), the indices reducers need to stay fast, the logical clock, the global
resourceVersion counter (etcd's revision), the controllers' work queue, the seed from which
names and uids are derived, and the writes not yet dispatched to the informers (`changes`).

Every write goes through `put` or `remove`, which keep the indices in the same step as the
store; nothing is ever recomputed from scratch. Each costs O(log n) in the number of objects
(pyrsistent's hash array mapped tries): see benchmarks/apply_pods.py.

Models: etcd's single revision counter; the informer indexers controllers use (pods by node as
the scheduler cache keeps them, objects by owner uid as the garbage collector's graph does);
kube-apiserver's ClusterIP and NodePort allocations (`service_ips`, `node_ports`), kept as
indices of the stored Services as the allocators' repair loops keep them in step.
Simplifies: one store per kind name, whatever the group.
Covered by: tests/test_cluster.py, tests/test_properties_engine.py.
"""

from __future__ import annotations

import builtins
import hashlib
import uuid
from collections.abc import Iterator
from typing import Any, TypeAlias

import attrs
from pyrsistent import PMap, PSet, PVector, pmap, pset, pvector

from kubefold.core.kinds import kind_info
from kubefold.core.labels import Selector
from kubefold.core.metrics import MetricsStore
from kubefold.core.objects import KObject, Pod, ResourceList
from kubefold.core.quantity import add_resource_lists, subtract_resource_lists
from kubefold.core.resources import TERMINAL_PHASES, counts_on_node, node_usage
from kubefold.core.schema import parse_time
from kubefold.core.workqueue import WorkQueue

Ref: TypeAlias = tuple[str, str, str]  # (kind, namespace, name)

DEFAULT_EPOCH = parse_time("2024-01-01T00:00:00Z")
BOOTSTRAP_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


@attrs.frozen
class Change:
    """One write as an informer sees it: `old` None on create, `new` None on delete."""

    kind: str
    namespace: str
    name: str
    old: Any
    new: Any


@attrs.frozen
class Cluster:
    objects: PMap[str, PMap[str, PMap[str, KObject]]] = attrs.field(factory=pmap)
    uids: PMap[str, Ref] = attrs.field(factory=pmap)
    owned: PMap[str, PSet[Ref]] = attrs.field(factory=pmap)
    pods_by_node: PMap[str, PSet[tuple[str, str]]] = attrs.field(factory=pmap)
    node_requested: PMap[str, ResourceList] = attrs.field(factory=pmap)
    node_order: PVector[str] = attrs.field(factory=pvector)
    clock_start: int = DEFAULT_EPOCH
    now: int = DEFAULT_EPOCH
    resource_version: int = 0
    queue: WorkQueue = attrs.field(factory=WorkQueue)
    seed: int = 0
    changes: PVector[Change] = attrs.field(factory=pvector)
    # kube-scheduler's state kept across cycles: nextStartNodeIndex, and the (namespace, name)
    # of every pod not yet bound and not terminal (the scheduler's pending pods).
    pod_ips: PMap[str, PSet[str]] = attrs.field(factory=pmap)  # node -> IPs its pods hold
    image_nodes: PMap[str, int] = attrs.field(factory=pmap)  # image name -> nodes holding it
    scheduler_next_start: int = 0
    unscheduled_pods: PSet[tuple[str, str]] = attrs.field(factory=pset)
    # The metric samples in force (core/metrics.py), as metrics-server and the metrics adapters
    # would serve them.
    metrics: MetricsStore = attrs.field(factory=MetricsStore)
    # What a controller keeps in its own memory between syncs, by (controller, key): caches
    # that are no API object (the Job controller's pod-failure backoff store, the HPA's
    # recommendations). A snapshot does not carry it: a restored cluster starts without it, as
    # a restarted controller does.
    memory: PMap[tuple[str, str], Any] = attrs.field(factory=pmap)
    # kube-apiserver's Service allocators, as indices of the stored Services: each ClusterIP
    # (the IPAddress objects' names) and each node port (the RangeAllocation bitmap) with the
    # (namespace, name) of the Service holding it.
    service_ips: PMap[str, tuple[str, str]] = attrs.field(factory=pmap)
    node_ports: PMap[int, tuple[str, str]] = attrs.field(factory=pmap)
    # What controllers keep across syncs besides the store (Go's trackers and informer-side
    # caches), by controller name; written only by that controller's `observe` and `sync`.
    caches: PMap[str, Any] = attrs.field(factory=pmap)

    # -- reads ------------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str | None) -> Any:
        """The object, or None."""
        return self.objects.get(kind, pmap()).get(namespace or "", pmap()).get(name or "")

    def list(self, kind: str, namespace: str | None = None) -> Iterator[Any]:
        """Objects of a kind, in one namespace or all; O(k) in the objects returned."""
        by_ns = self.objects.get(kind, pmap())
        if namespace is not None:
            yield from by_ns.get(namespace, pmap()).values()
            return
        for objs in by_ns.values():
            yield from objs.values()

    def count(self, kind: str) -> int:
        return sum(len(objs) for objs in self.objects.get(kind, pmap()).values())

    def by_uid(self, uid: str) -> Any:
        ref = self.uids.get(uid)
        return None if ref is None else self.get(*ref)

    def owned_by(self, uid: str, kind: str | None = None) -> builtins.list[Any]:
        """Objects whose ownerReferences name `uid` (any kind, or one kind), sorted by ref."""
        refs = sorted(self.owned.get(uid, pset()))
        return [self.get(*r) for r in refs if kind is None or r[0] == kind]

    def select(self, kind: str, namespace: str | None, selector: Selector
               ) -> builtins.list[Any]:
        """The objects of `kind` in `namespace` whose labels `selector` matches, sorted by
        name: what an informer's lister filtered by a selector returns. Controllers find the
        objects they adopt and count through this (and `owned_by`), never by listing a
        namespace themselves.

        Cost: O(k) in the namespace's objects of that kind today; a label index makes it
        O(matches) without changing this interface."""
        objs = self.objects.get(kind, pmap()).get(namespace or "", pmap())
        return sorted((o for o in objs.values() if selector.matches(o.metadata.labels)),
                      key=lambda o: o.metadata.name or "")

    def node_names(self) -> PVector[str]:
        """Node names in the order the nodes were added (the scheduler's node list)."""
        return self.node_order

    def pods_on_node(self, node: str) -> builtins.list[Pod]:
        keys = sorted(self.pods_by_node.get(node, pset()))
        return [self.get("Pod", ns, name) for ns, name in keys]

    @property
    def elapsed(self) -> int:
        """Seconds since the clock's start: what an event's `at:` counts."""
        return self.now - self.clock_start

    # -- writes (the API server reducer is the only caller) ----------------------------------

    def put(self, obj: Any) -> Cluster:
        """Store `obj` (created or replaced), update every index, and record the change."""
        kind = obj.kind
        ns = obj.metadata.namespace or ""
        name = obj.metadata.name
        old = self.get(kind, ns, name)
        by_ns = self.objects.get(kind, pmap())
        objects = self.objects.set(kind, by_ns.set(ns, by_ns.get(ns, pmap()).set(name, obj)))
        cluster = attrs.evolve(self, objects=objects,
                               changes=self.changes.append(Change(kind, ns, name, old, obj)))
        return cluster._reindex((kind, ns, name), old, obj)

    def remove(self, kind: str, namespace: str | None, name: str) -> Cluster:
        """Delete the object from the store and the indices, and record the change."""
        ns = namespace or ""
        old = self.get(kind, ns, name)
        if old is None:
            return self
        by_ns = self.objects[kind]
        remaining = by_ns[ns].remove(name)
        by_ns = by_ns.set(ns, remaining) if remaining else by_ns.remove(ns)
        objects = self.objects.set(kind, by_ns) if by_ns else self.objects.remove(kind)
        cluster = attrs.evolve(self, objects=objects,
                               changes=self.changes.append(Change(kind, ns, name, old, None)))
        return cluster._reindex((kind, ns, name), old, None)

    def _reindex(self, ref: Ref, old: Any, new: Any) -> Cluster:
        uids, owned = self.uids, self.owned
        old_uid = old.metadata.uid if old is not None else None
        new_uid = new.metadata.uid if new is not None else None
        if old_uid and old_uid != new_uid:
            uids = uids.remove(old_uid)
        if new_uid:
            uids = uids.set(new_uid, ref)
        old_owners = {o.uid for o in old.metadata.owner_references} if old is not None else set()
        new_owners = {o.uid for o in new.metadata.owner_references} if new is not None else set()
        for uid in old_owners - new_owners:
            left = owned[uid].remove(ref)
            owned = owned.set(uid, left) if left else owned.remove(uid)
        for uid in new_owners - old_owners:
            owned = owned.set(uid, owned.get(uid, pset()).add(ref))
        cluster = attrs.evolve(self, uids=uids, owned=owned)
        if ref[0] == "Pod":
            cluster = cluster._reindex_pod(ref, old, new)
        elif ref[0] == "Node":
            cluster = cluster._reindex_node(ref[2], old, new)
        elif ref[0] == "Service":
            cluster = cluster._reindex_service((ref[1], ref[2]), old, new)
        return cluster

    def _reindex_service(self, key: tuple[str, str], old: Any, new: Any) -> Cluster:
        old_ips, new_ips = _service_ips(old), _service_ips(new)
        old_ports, new_ports = _service_node_ports(old), _service_node_ports(new)
        if old_ips == new_ips and old_ports == new_ports:
            return self
        ips, ports = self.service_ips, self.node_ports
        for ip in old_ips - new_ips:
            if ips.get(ip) == key:
                ips = ips.remove(ip)
        for ip in new_ips - old_ips:
            ips = ips.set(ip, key)
        for port in old_ports - new_ports:
            if ports.get(port) == key:
                ports = ports.remove(port)
        for port in new_ports - old_ports:
            ports = ports.set(port, key)
        return attrs.evolve(self, service_ips=ips, node_ports=ports)

    def _reindex_node(self, name: str, old: Any, new: Any) -> Cluster:
        cluster = self
        if (old is None) != (new is None):
            order = self.node_order
            order = order.append(name) if old is None else order.remove(name)
            cluster = attrs.evolve(cluster, node_order=order)
        old_images, new_images = _image_names(old), _image_names(new)
        if old_images == new_images:
            return cluster
        held = cluster.image_nodes
        counts = held.evolver()
        for image in old_images - new_images:
            left = held.get(image, 1) - 1
            if left:
                counts[image] = left
            else:
                del counts[image]
        for image in new_images - old_images:
            counts[image] = held.get(image, 0) + 1
        return attrs.evolve(cluster, image_nodes=counts.persistent())

    def _reindex_pod(self, ref: Ref, old: Pod | None, new: Pod | None) -> Cluster:
        by_node, requested = self.pods_by_node, self.node_requested
        key = (ref[1], ref[2])
        old_node = old.spec.node_name if old is not None else None
        new_node = new.spec.node_name if new is not None else None
        if old_node and old_node != new_node:
            left = by_node[old_node].remove(key)
            by_node = by_node.set(old_node, left) if left else by_node.remove(old_node)
        if new_node and new_node != old_node:
            by_node = by_node.set(new_node, by_node.get(new_node, pset()).add(key))
        if old is not None and counts_on_node(old):
            assert old_node is not None
            requested = requested.set(
                old_node, subtract_resource_lists(requested[old_node], node_usage(old)))
        if new is not None and counts_on_node(new):
            assert new_node is not None
            requested = requested.set(
                new_node, add_resource_lists(requested.get(new_node, pmap()), node_usage(new)))
        ips = self.pod_ips
        old_ip = old.status.pod_ip if old is not None else None
        new_ip = new.status.pod_ip if new is not None else None
        if old_node and old_ip and (old_node, old_ip) != (new_node, new_ip):
            kept = ips.get(old_node, pset()).discard(old_ip)
            ips = ips.set(old_node, kept) if kept else ips.discard(old_node)
        if new_node and new_ip and (old_node, old_ip) != (new_node, new_ip):
            ips = ips.set(new_node, ips.get(new_node, pset()).add(new_ip))
        unscheduled = self.unscheduled_pods
        if new is not None and not new_node and new.status.phase not in TERMINAL_PHASES:
            unscheduled = unscheduled.add(key)
        elif key in unscheduled:
            unscheduled = unscheduled.remove(key)
        return attrs.evolve(self, pods_by_node=by_node, node_requested=requested,
                            unscheduled_pods=unscheduled, pod_ips=ips)

    def bump_resource_version(self) -> tuple[str, Cluster]:
        rv = self.resource_version + 1
        return str(rv), attrs.evolve(self, resource_version=rv)

    def new_uid(self, ref: Ref) -> str:
        """A uid derived from the seed, the revision and the object's identity."""
        digest = hashlib.sha256(
            f"{self.seed}/{self.resource_version}/{'/'.join(ref)}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def random_bits(self, *salt: object) -> int:
        """Deterministic 64 bits from the seed, the revision and `salt`: kubefold's only chance."""
        text = "/".join([str(self.seed), str(self.resource_version), *map(str, salt)])
        return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")

    def enqueue(self, controller: str, key: str) -> Cluster:
        """Queue a key for a controller now (workqueue Add)."""
        return attrs.evolve(self, queue=self.queue.add((controller, key)))

    def enqueue_after(self, controller: str, key: str, seconds: int) -> Cluster:
        """Queue a key for a controller `seconds` from now (AddAfter / RequeueAfter)."""
        item = (controller, key)
        return attrs.evolve(self, queue=self.queue.add_after(item, self.now + seconds, self.now))

    def enqueue_rate_limited(self, controller: str, key: str) -> Cluster:
        """Requeue after a failure with exponential backoff (AddRateLimited)."""
        item = (controller, key)
        return attrs.evolve(self, queue=self.queue.add_rate_limited(item, self.now))

    def forget(self, controller: str, key: str) -> Cluster:
        """Reset a key's backoff after a successful sync (Forget)."""
        return attrs.evolve(self, queue=self.queue.forget((controller, key)))

    def recall(self, controller: str, key: str) -> Any:
        """What `controller` remembered for `key`, or None."""
        return self.memory.get((controller, key))

    def remember(self, controller: str, key: str, value: Any) -> Cluster:
        """Keep `value` in `controller`'s memory for `key` (None forgets it)."""
        item = (controller, key)
        if value is None:
            return attrs.evolve(self, memory=self.memory.discard(item)) \
                if item in self.memory else self
        return attrs.evolve(self, memory=self.memory.set(item, value))

    def take_changes(self) -> tuple[PVector[Change], Cluster]:
        return self.changes, attrs.evolve(self, changes=pvector())


def _service_ips(svc: Any) -> frozenset[str]:
    """The cluster IPs a Service holds ("None" and "" hold nothing)."""
    if svc is None:
        return frozenset()
    ips = set(svc.spec.cluster_ips)
    if svc.spec.cluster_ip:
        ips.add(svc.spec.cluster_ip)
    return frozenset(ip for ip in ips if ip and ip != "None")


def _service_node_ports(svc: Any) -> frozenset[int]:
    """The node ports a Service holds: its ports' nodePorts and its healthCheckNodePort."""
    if svc is None:
        return frozenset()
    ports = {p.node_port for p in svc.spec.ports if p.node_port}
    if svc.spec.health_check_node_port:
        ports.add(svc.spec.health_check_node_port)
    return frozenset(ports)


def _image_names(node: Any) -> frozenset[str]:
    """The image names a node reports (status.images[].names)."""
    if node is None:
        return frozenset()
    return frozenset(name for image in node.status.images for name in image.get("names") or ())


def ref_of(obj: Any) -> Ref:
    return (obj.kind, obj.metadata.namespace or "", obj.metadata.name)


def is_namespaced(kind: str) -> bool:
    return kind_info(kind).namespaced
