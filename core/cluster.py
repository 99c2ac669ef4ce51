"""The cluster as one immutable value.

`Cluster` holds the object store (kind -> namespace -> name -> object; "" is the namespace of
cluster-scoped objects), the indices reducers need to stay fast, the logical clock, the global
resourceVersion counter (etcd's revision), the controllers' work queue, the seed from which
names and uids are derived, and the writes not yet dispatched to the informers (`changes`).

Every write goes through `put` or `remove`, which keep the indices in the same step as the
store; nothing is ever recomputed from scratch. The store and the hot indices are
`immutables.Map`s (a hash array mapped trie in C: an update costs O(log n) and about 0.3 us,
a lookup 0.05 us, where a pyrsistent pmap takes 2 us and 0.3 us); see benchmarks/apply_pods.py
and benchmarks/envelope.py.

The indices, as the informers' indexers and kube-scheduler's cache keep them:
- `uids`: uid -> (kind, namespace, name); `owned`: owner uid -> the refs of its dependents
  (`owned_by`), as the garbage collector's graph; `orphans`: (kind, namespace) -> the names
  of the objects without a controller reference (`orphans`), the index FilterPodsByOwner
  reads for adoption;
- `labels`: (kind, namespace) -> (label key, value) -> names (`select`, a lister filtered by
  a label selector);
- `pods_by_node` (`pods_on_node`), `pod_ips`, `image_nodes`, `unscheduled_pods`;
- `sched`: kube-scheduler's cache (core/nodeinfo.py): PodInfo per pod, NodeAllocation per
  node, the pods with affinity terms and the spread counts.
The derived indices take no part in equality: two clusters with equal objects, clock, queue
and counters are equal.

Models: etcd's single revision counter; the informer indexers controllers use (pods by node as
the scheduler cache keeps them, objects by owner uid as the garbage collector's graph does,
the listers' label selection); kube-apiserver's ClusterIP and NodePort allocations
(`service_ips`, `node_ports`), kept as indices of the stored Services as the allocators'
repair loops keep them in step.
Simplifies: one store per kind name, whatever the group.
Covered by: tests/test_cluster.py, tests/test_nodeinfo.py, tests/test_properties_engine.py.
"""

from __future__ import annotations

import builtins
import hashlib
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeAlias

import attrs
from immutables import Map
from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.kinds import kind_info
from kubefold.core.labels import DOUBLE_EQUALS, EQUALS, IN, Selector, matches_nothing
from kubefold.core.metrics import MetricsStore
from kubefold.core.nodeinfo import NodeAllocation, SchedulerCache
from kubefold.core.objects import KObject, Pod, ResourceList
from kubefold.core.quantity import BINARY_SI, Quantity
from kubefold.core.resources import TERMINAL_PHASES
from kubefold.core.schema import parse_time, replace
from kubefold.core.workqueue import WorkQueue

Ref: TypeAlias = tuple[str, str, str]  # (kind, namespace, name)

DEFAULT_EPOCH = parse_time("2024-01-01T00:00:00Z")
BOOTSTRAP_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
EMPTY: Map[Any, Any] = Map()


@attrs.frozen
class Change:
    """One write as an informer sees it: `old` None on create, `new` None on delete."""

    kind: str
    namespace: str
    name: str
    old: Any
    new: Any


def _index() -> Any:
    return attrs.field(default=EMPTY, eq=False, repr=False)


@attrs.frozen
class Cluster:
    objects: Map[str, Map[str, Map[str, KObject]]] = EMPTY
    uids: Map[str, Ref] = _index()
    owned: Map[str, Map[Ref, None]] = _index()
    orphans: Map[tuple[str, str], Map[str, None]] = _index()
    labels: Map[tuple[str, str], Map[tuple[str, str], Map[str, None]]] = _index()
    pods_by_node: Map[str, Map[tuple[str, str], None]] = _index()
    sched: SchedulerCache = attrs.field(factory=SchedulerCache, eq=False, repr=False)
    node_order: PVector[str] = attrs.field(factory=pvector)
    clock_start: int = DEFAULT_EPOCH
    now: int = DEFAULT_EPOCH
    resource_version: int = 0
    queue: WorkQueue = attrs.field(factory=WorkQueue)
    seed: int = 0
    changes: PVector[Change] = attrs.field(factory=pvector)
    pod_ips: Map[str, Map[str, None]] = _index()  # node -> IPs its pods hold
    image_nodes: Map[str, int] = _index()  # image name -> nodes holding it
    # kube-scheduler's state kept across cycles: nextStartNodeIndex, and the (namespace, name)
    # of every pod not yet bound and not terminal (the scheduler's pending pods).
    scheduler_next_start: int = 0
    unscheduled_pods: Map[tuple[str, str], None] = _index()
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
    service_ips: PMap[str, tuple[str, str]] = attrs.field(factory=pmap, eq=False, repr=False)
    node_ports: PMap[int, tuple[str, str]] = attrs.field(factory=pmap, eq=False, repr=False)
    # What controllers keep across syncs besides the store (Go's trackers and informer-side
    # caches), by controller name; written only by that controller's `observe` and `sync`.
    caches: PMap[str, Any] = attrs.field(factory=pmap)

    # -- reads ------------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str | None) -> Any:
        """The object, or None."""
        return self.objects.get(kind, EMPTY).get(namespace or "", EMPTY).get(name or "")

    def list(self, kind: str, namespace: str | None = None) -> Iterator[Any]:
        """Objects of a kind, in one namespace or all; O(k) in the objects returned."""
        by_ns = self.objects.get(kind, EMPTY)
        if namespace is not None:
            yield from by_ns.get(namespace, EMPTY).values()
            return
        for objs in by_ns.values():
            yield from objs.values()

    def count(self, kind: str) -> int:
        return sum(len(objs) for objs in self.objects.get(kind, EMPTY).values())

    def by_uid(self, uid: str) -> Any:
        ref = self.uids.get(uid)
        return None if ref is None else self.get(*ref)

    def owned_by(self, uid: str, kind: str | None = None) -> builtins.list[Any]:
        """Objects whose ownerReferences name `uid` (any kind, or one kind), sorted by ref."""
        refs = sorted(self.owned.get(uid, EMPTY))
        return [self.get(*r) for r in refs if kind is None or r[0] == kind]

    def orphans_of(self, kind: str, namespace: str | None) -> builtins.list[Any]:
        """The objects of `kind` in `namespace` that no controller owns (no ownerReference
        with controller: true), sorted by name: the orphans a controller may adopt."""
        ns = namespace or ""
        names = sorted(self.orphans.get((kind, ns), EMPTY))
        objs = self.objects.get(kind, EMPTY).get(ns, EMPTY)
        return [objs[n] for n in names]

    def controlled_by(self, uid: str, kind: str, namespace: str | None,
                      include_orphans: bool = False) -> builtins.list[Any]:
        """The objects of `kind` whose controller reference names `uid` (and, when asked, the
        namespace's orphans), sorted by name: FilterPodsByOwner over the owner and orphan
        indexers."""
        ns = namespace or ""
        names = [r[2] for r in self.owned.get(uid, EMPTY) if r[0] == kind and r[1] == ns]
        objs = self.objects.get(kind, EMPTY).get(ns, EMPTY)
        found = {n: objs[n] for n in names
                 if any(o.controller and o.uid == uid for o in objs[n].metadata.owner_references)}
        if include_orphans:
            for n in self.orphans.get((kind, ns), EMPTY):
                found[n] = objs[n]
        return [found[n] for n in sorted(found)]

    def select(self, kind: str, namespace: str | None, selector: Selector
               ) -> builtins.list[Any]:
        """The objects of `kind` in `namespace` whose labels `selector` matches, sorted by
        name: what an informer's lister filtered by a selector returns. Controllers find the
        objects they adopt and count through this (and `owned_by`), never by listing a
        namespace themselves.

        Cost: O(m log m) in the objects carrying the label of the selector's most selective
        `key=value` (or `key in (...)`) requirement; a selector without one reads the
        namespace's objects of that kind."""
        ns = namespace or ""
        objs = self.objects.get(kind, EMPTY).get(ns, EMPTY)
        if not objs or matches_nothing(selector):
            return []
        names: Iterable[str] = objs
        index = self.labels.get((kind, ns))
        if index is not None:
            best: Any = None
            for r in selector.requirements:
                if r.operator not in (EQUALS, DOUBLE_EQUALS, IN):
                    continue
                found = [index.get((r.key, v), EMPTY) for v in r.values]
                size = sum(len(f) for f in found)
                if best is None or size < best[0]:
                    best = (size, found)
            if best is not None:
                names = best[1][0] if len(best[1]) == 1 else \
                    {n: None for f in best[1] for n in f}
        out = []
        for name in sorted(names):
            obj = objs[name]
            if selector.matches(obj.metadata.labels):
                out.append(obj)
        return out

    def node_names(self) -> PVector[str]:
        """Node names in the order the nodes were added (the scheduler's node list)."""
        return self.node_order

    def pods_on_node(self, node: str) -> builtins.list[Pod]:
        keys = sorted(self.pods_by_node.get(node, EMPTY))
        return [self.get("Pod", ns, name) for ns, name in keys]

    def allocation(self, node: str) -> NodeAllocation:
        """What the pods holding the node (bound, not terminal) request of it, as integers."""
        return self.sched.allocations.get(node, _ZERO)

    @property
    def node_requested(self) -> Mapping[str, ResourceList]:
        """Per node holding pods, their requests as quantities ("pods" their count): a view
        of the scheduler cache's integers (cpu in millicores, the rest in units)."""
        return {node: allocation_as_resource_list(a)
                for node, a in self.sched.allocations.items()}

    @property
    def elapsed(self) -> int:
        """Seconds since the clock's start: what an event's `at:` counts."""
        return self.now - self.clock_start

    # -- writes (the API server reducer is the only caller) ----------------------------------

    def put(self, obj: Any, revision: int | None = None) -> Cluster:
        """Store `obj` (created or replaced), update every index, and record the change; with
        `revision`, the revision counter moves there in the same step (a write that bumps
        it, as `bump_resource_version` does)."""
        kind = obj.kind
        ns = obj.metadata.namespace or ""
        name = obj.metadata.name
        by_ns = self.objects.get(kind, EMPTY)
        in_ns = by_ns.get(ns, EMPTY)
        old = in_ns.get(name)
        objects = self.objects.set(kind, by_ns.set(ns, in_ns.set(name, obj)))
        return self._write(objects, (kind, ns, name), old, obj, revision)

    def remove(self, kind: str, namespace: str | None, name: str) -> Cluster:
        """Delete the object from the store and the indices, and record the change."""
        ns = namespace or ""
        old = self.get(kind, ns, name)
        if old is None:
            return self
        by_ns = self.objects[kind]
        remaining = by_ns[ns].delete(name)
        by_ns = by_ns.set(ns, remaining) if remaining else by_ns.delete(ns)
        objects = self.objects.set(kind, by_ns) if by_ns else self.objects.delete(kind)
        return self._write(objects, (kind, ns, name), old, None)

    def _write(self, objects: Any, ref: Ref, old: Any, new: Any, revision: int | None = None
               ) -> Cluster:
        """The cluster with the store `objects` and every index updated for old -> new (and
        the revision counter at `revision`, when given)."""
        changes = self.changes.append(Change(ref[0], ref[1], ref[2], old, new))
        uids, owned, labels, orphans = self.uids, self.owned, self.labels, self.orphans
        old_meta = old.metadata if old is not None else None
        new_meta = new.metadata if new is not None else None
        old_uid = old_meta.uid if old_meta is not None else None
        new_uid = new_meta.uid if new_meta is not None else None
        if old_uid != new_uid:
            if old_uid:
                uids = uids.delete(old_uid)
            if new_uid:
                uids = uids.set(new_uid, ref)
        old_refs = old_meta.owner_references if old_meta is not None else ()
        new_refs = new_meta.owner_references if new_meta is not None else ()
        if old_refs is not new_refs or (old is None) != (new is None):
            owned = _reindex_owners(owned, ref, old_refs, new_refs)
            orphans = _reindex_orphans(orphans, ref, old, new)
        old_labels = old_meta.labels if old_meta is not None else EMPTY
        new_labels = new_meta.labels if new_meta is not None else EMPTY
        if old_labels is not new_labels:
            labels = _reindex_labels(labels, ref, old_labels, new_labels)
        fields = {"objects": objects, "changes": changes, "uids": uids, "owned": owned,
                  "labels": labels, "orphans": orphans}
        if revision is not None:
            fields["resource_version"] = revision
        if ref[0] == "Pod":
            self._reindex_pod(fields, ref, old, new)
        elif ref[0] == "Node":
            self._reindex_node(fields, ref[2], old, new)
        elif ref[0] == "Service":
            self._reindex_service(fields, (ref[1], ref[2]), old, new)
        return replace(self, **fields)

    def _reindex_service(self, fields: dict[str, Any], key: tuple[str, str], old: Any,
                         new: Any) -> None:
        old_ips, new_ips = _service_ips(old), _service_ips(new)
        old_ports, new_ports = _service_node_ports(old), _service_node_ports(new)
        if old_ips == new_ips and old_ports == new_ports:
            return
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
        fields["service_ips"], fields["node_ports"] = ips, ports

    def _reindex_node(self, fields: dict[str, Any], name: str, old: Any, new: Any) -> None:
        fields["sched"] = self.sched.update_node(name, old, new)
        if (old is None) != (new is None):
            order = self.node_order
            fields["node_order"] = order.append(name) if old is None else order.remove(name)
        old_images, new_images = _image_names(old), _image_names(new)
        if old_images == new_images:
            return
        counts = self.image_nodes.mutate()
        for image in old_images - new_images:
            left = counts.get(image, 1) - 1
            if left:
                counts[image] = left
            else:
                del counts[image]
        for image in new_images - old_images:
            counts[image] = counts.get(image, 0) + 1
        fields["image_nodes"] = counts.finish()

    def _reindex_pod(self, fields: dict[str, Any], ref: Ref, old: Pod | None, new: Pod | None
                     ) -> None:
        key = (ref[1], ref[2])
        fields["sched"] = self.sched.update(key, old, new)
        old_node = old.spec.node_name if old is not None else None
        new_node = new.spec.node_name if new is not None else None
        if old_node != new_node:
            by_node = self.pods_by_node
            if old_node:
                left = by_node[old_node].delete(key)
                by_node = by_node.set(old_node, left) if left else by_node.delete(old_node)
            if new_node:
                by_node = by_node.set(new_node, by_node.get(new_node, EMPTY).set(key, None))
            fields["pods_by_node"] = by_node
        old_ip = old.status.pod_ip if old is not None else None
        new_ip = new.status.pod_ip if new is not None else None
        if (old_node, old_ip) != (new_node, new_ip):
            ips = self.pod_ips
            if old_node and old_ip and old_ip in ips.get(old_node, EMPTY):
                kept = ips[old_node].delete(old_ip)
                ips = ips.set(old_node, kept) if kept else ips.delete(old_node)
            if new_node and new_ip:
                ips = ips.set(new_node, ips.get(new_node, EMPTY).set(new_ip, None))
            fields["pod_ips"] = ips
        unscheduled = self.unscheduled_pods
        if new is not None and not new_node and new.status.phase not in TERMINAL_PHASES:
            if key not in unscheduled:
                fields["unscheduled_pods"] = unscheduled.set(key, None)
        elif key in unscheduled:
            fields["unscheduled_pods"] = unscheduled.delete(key)

    def bump_resource_version(self) -> tuple[str, Cluster]:
        rv = self.resource_version + 1
        return str(rv), replace(self, resource_version=rv)

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
        return replace(self, queue=self.queue.add((controller, key)))

    def enqueue_after(self, controller: str, key: str, seconds: int) -> Cluster:
        """Queue a key for a controller `seconds` from now (AddAfter / RequeueAfter)."""
        item = (controller, key)
        return replace(self, queue=self.queue.add_after(item, self.now + seconds, self.now))

    def enqueue_rate_limited(self, controller: str, key: str) -> Cluster:
        """Requeue after a failure with exponential backoff (AddRateLimited)."""
        item = (controller, key)
        return replace(self, queue=self.queue.add_rate_limited(item, self.now))

    def forget(self, controller: str, key: str) -> Cluster:
        """Reset a key's backoff after a successful sync (Forget)."""
        queue = self.queue.forget((controller, key))
        return self if queue is self.queue else replace(self, queue=queue)

    def recall(self, controller: str, key: str) -> Any:
        """What `controller` remembered for `key`, or None."""
        return self.memory.get((controller, key))

    def remember(self, controller: str, key: str, value: Any) -> Cluster:
        """Keep `value` in `controller`'s memory for `key` (None forgets it)."""
        item = (controller, key)
        if value is None:
            return replace(self, memory=self.memory.discard(item)) \
                if item in self.memory else self
        return replace(self, memory=self.memory.set(item, value))

    def take_changes(self) -> tuple[PVector[Change], Cluster]:
        if not self.changes:
            return self.changes, self
        return self.changes, replace(self, changes=_NO_CHANGES)


_ZERO = NodeAllocation()
_NO_CHANGES: PVector[Change] = pvector()


def allocation_as_resource_list(a: NodeAllocation) -> ResourceList:
    """A NodeAllocation as a ResourceList: cpu from millicores, memory and storage in bytes
    (BinarySI), "pods" the pod count, the scalar resources by name."""
    out = {"pods": Quantity.from_int(a.pods), "cpu": Quantity.from_milli(a.milli_cpu),
           "memory": Quantity.from_int(a.memory, BINARY_SI)}
    if a.ephemeral_storage:
        out["ephemeral-storage"] = Quantity.from_int(a.ephemeral_storage, BINARY_SI)
    for name, value in a.scalars.items():
        out[name] = Quantity.from_int(value)
    return pmap(out)


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


def _reindex_owners(owned: Any, ref: Ref, old_refs: Any, new_refs: Any) -> Any:
    old_owners = {o.uid for o in old_refs}
    new_owners = {o.uid for o in new_refs}
    for uid in old_owners - new_owners:
        left = owned[uid].delete(ref)
        owned = owned.set(uid, left) if left else owned.delete(uid)
    for uid in new_owners - old_owners:
        owned = owned.set(uid, owned.get(uid, EMPTY).set(ref, None))
    return owned


def _controlled(obj: Any) -> bool:
    return any(o.controller for o in obj.metadata.owner_references)


def _reindex_orphans(orphans: Any, ref: Ref, old: Any, new: Any) -> Any:
    was = old is not None and not _controlled(old)
    now = new is not None and not _controlled(new)
    if was == now:
        return orphans
    scope = (ref[0], ref[1])
    names = orphans.get(scope, EMPTY)
    if now:
        return orphans.set(scope, names.set(ref[2], None))
    left = names.delete(ref[2])
    return orphans.set(scope, left) if left else orphans.delete(scope)


def _reindex_labels(labels: Any, ref: Ref, old: Mapping[str, str], new: Mapping[str, str]
                    ) -> Any:
    """The label index with the object's old labels out and its new ones in."""
    gone = [(k, v) for k, v in old.items() if new.get(k) != v]
    added = [(k, v) for k, v in new.items() if old.get(k) != v]
    if not gone and not added:
        return labels
    scope = (ref[0], ref[1])
    index = labels.get(scope, EMPTY).mutate()
    name = ref[2]
    for label in gone:
        left = index[label].delete(name)
        if left:
            index[label] = left
        else:
            del index[label]
    for label in added:
        index[label] = index.get(label, EMPTY).set(name, None)
    finished = index.finish()
    return labels.set(scope, finished) if finished else labels.delete(scope)


def _image_names(node: Any) -> frozenset[str]:
    """The image names a node reports (status.images[].names)."""
    if node is None:
        return frozenset()
    return frozenset(name for image in node.status.images for name in image.get("names") or ())


def ref_of(obj: Any) -> Ref:
    return (obj.kind, obj.metadata.namespace or "", obj.metadata.name)


def is_namespaced(kind: str) -> bool:
    return kind_info(kind).namespaced
