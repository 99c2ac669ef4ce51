"""The control plane as a value: which controllers run, and who handles the world's events.

A `Controller` is one kube-controller-manager controller (or the scheduler, or the kubelet): a
name, a `sync(cluster, key)` that is one call of its Go sync handler, and a
`watch(cluster, change)` that says which keys a write enqueues, as its informer event
handlers decide (a `(key, seconds)` pair is an AddAfter, such as the Job controller's batching
delay). `kinds` names the kinds whose writes it watches (its shared informers); a
write of another kind is never offered to it. A `ControlPlane` is the tuple of controllers in
the order writes are offered to them, plus the handlers of the events that come from outside
the control plane (`pod:`, `node:`, `evict:`, `drain:`, ...). The default one is built in
reducers/registry.py; a test builds its own (fewer controllers, or a deliberately broken one)
and passes it to `step`, `replay`, `trace` and the explorer.

Models: kube-controller-manager's controller descriptors (cmd/kube-controller-manager/app,
NewControllerDescriptors) and the informers they register.
Covered by: tests/test_manager.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from immutables import Map
from pyrsistent import PMap, pmap

if TYPE_CHECKING:
    from kubefold.core.cluster import Change, Cluster

Handler = Callable[["Cluster", Any], Any]  # (cluster, event) -> Written | Status


@attrs.frozen
class Controller:
    """A registered control-plane component. `kinds` empty means every kind is watched.

    `observe`, when given, folds each watched write into the controller's own cache
    (`cluster.caches[name]`, None before its first write) before `watch` sees the write: what
    a Go controller keeps beside its informers (the EndpointSlice controller's trackers),
    here part of the cluster value."""

    name: str
    sync: Callable[[Cluster, str], Cluster]
    watch: Callable[[Cluster, Change], Iterable[str | tuple[str, int]]]  # (key, s): AddAfter
    kinds: frozenset[str] = frozenset()
    observe: Callable[[Any, Cluster, Change], Any] | None = None


def _handlers(value: Mapping[type, Handler] | PMap[type, Handler]) -> PMap[type, Handler]:
    return pmap(value)


@attrs.frozen
class ControlPlane:
    """The controllers, in the order writes are offered to them, and the world's handlers."""

    controllers: tuple[Controller, ...] = ()
    world: PMap[type, Handler] = attrs.field(factory=pmap, converter=_handlers)
    # Lookups of every write and every reconcile: immutables.Map's get is a C call.
    by_name: Map[str, Controller] = attrs.field(init=False, eq=False, repr=False)
    by_kind: Map[str, tuple[Controller, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_name", Map({c.name: c for c in self.controllers}))
        kinds = {k for c in self.controllers for k in c.kinds}
        routes = {k: tuple(c for c in self.controllers if not c.kinds or k in c.kinds)
                  for k in kinds}
        object.__setattr__(self, "by_kind", Map(routes))

    def watchers(self, kind: str) -> tuple[Controller, ...]:
        """The controllers a write of `kind` is offered to, in registration order."""
        found = self.by_kind.get(kind)
        if found is not None:
            return found
        return tuple(c for c in self.controllers if not c.kinds)

    def controller(self, name: str) -> Controller | None:
        return self.by_name.get(name)

    def replace(self, *controllers: Controller) -> ControlPlane:
        """The same control plane with the controllers of the same names swapped in (a
        variant for a test), in their places."""
        swap = {c.name: c for c in controllers}
        return attrs.evolve(self, controllers=tuple(swap.get(c.name, c)
                                                    for c in self.controllers))

    def only(self, *names: str) -> ControlPlane:
        """The same control plane with only the named controllers (and every world handler)."""
        return attrs.evolve(self, controllers=tuple(c for c in self.controllers
                                                    if c.name in names))
