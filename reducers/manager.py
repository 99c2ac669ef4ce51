"""The controller manager: composes the API server and the controllers into `step`.

`step(cluster, event)` applies one event and returns the new cluster; `apply_event` returns an
`Outcome` that also says whether the event was rejected and which writes each component made.
`replay` folds a sequence of events.

- **auto** mode (the default): after each external event the queued work runs, one reconcile
  at a time in queue order, until the queue is empty (a fixpoint: nothing left to do) or a
  bound on turns is reached; `tick` and `at:` advance the clock, and work that was waiting for
  a time (requeue-after, backoffs) becomes ready when its time comes.
- **manual** mode: nothing runs unless the log says so, one `reconcile` event at a time. Writes
  still queue keys, so the queue shows what a controller would do next.

The components are a value, a `ControlPlane` (reducers/controlplane.py): its controllers, each a
name, a `sync(cluster, key)`, a `watch(cluster, change)` that says which keys a write enqueues
and the kinds it watches, and the handlers of the world's events. Every function here takes
one (`plane=`), defaulting to the control plane of reducers/registry.py. Writes are dispatched
from `cluster.changes` after every component's turn, each to the controllers that watch its
kind.

Models: kube-controller-manager's informers feeding per-controller work queues
(k8s.io/client-go/tools/cache, util/workqueue); one reconcile is one `processNextWorkItem`.
Simplifies: all controllers share one queue (their items are (controller, key) pairs), and the
turns are sequential, so no two reconciles ever interleave within one another.
Covered by: tests/test_manager.py, tests/test_properties_engine.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from kubefold.core import limits
from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status, bad_request
from kubefold.core.events import (
    Apply,
    Delete,
    Event,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Settle,
    Tick,
)
from kubefold.core.schema import MAX_TIME, format_time, replace
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller, ControlPlane
from kubefold.reducers.kubectl import apply as kubectl_apply
from kubefold.reducers.kubectl import rollout
from kubefold.reducers.registry import DEFAULT

__all__ = ["Controller", "ControlPlane", "DEFAULT", "Outcome", "Turn", "apply_event",
           "dispatch", "empty_cluster", "pass_time", "replay", "run_until_settled", "step",
           "trace"]

# Per external event in auto mode: reconciles, and moments at which work falls due while time
# passes. Bounds (core/limits.py), never reached when all is well; an Outcome that reached one
# says so (`settled` False, `bound` naming it) and the command line stops the replay there.
MAX_TURNS = limits.MAX_TURNS
MAX_WRITES = limits.MAX_WRITES
MAX_WAKEUPS = limits.MAX_WAKEUPS


@attrs.frozen
class Turn:
    """One reconcile in auto mode, with the writes it made."""

    controller: str
    key: str
    changes: tuple[Change, ...]


@attrs.frozen
class Outcome:
    """What one event did: the new cluster, the rejection if any, the writes the event made
    directly, and the reconciles that followed (auto mode)."""

    cluster: Cluster
    event: Any
    rejected: Status | None = None
    changes: tuple[Change, ...] = ()
    turns: tuple[Turn, ...] = ()
    settled: bool = True
    waited: tuple[Turn, ...] = ()  # reconciles while the clock moved to the event's `at:`

    @property
    def bound(self) -> str:
        """Which of kubefold's work bounds the event reached ("" when it settled)."""
        if self.settled:
            return ""
        return (f"the control plane had not settled within {MAX_WRITES} writes, {MAX_TURNS} "
                f"reconciles or {MAX_WAKEUPS} moments of due work after this event (kubefold's "
                "bounds: see the README's Limits)")


def _plane(plane: ControlPlane | None) -> ControlPlane:
    return DEFAULT if plane is None else plane


# -- dispatch --------------------------------------------------------------------------------


def dispatch(cluster: Cluster, plane: ControlPlane | None = None) -> tuple[Cluster, tuple]:
    """Hand the pending writes to the informer handlers of the controllers that watch their
    kinds; queue the keys (a `(key, seconds)` pair is queued that many seconds from now)."""
    changes, cluster = cluster.take_changes()
    if not changes:
        return cluster, ()
    plane = _plane(plane)
    queue, now = cluster.queue, cluster.now
    for change in changes:
        for controller in plane.watchers(change.kind):
            name = controller.name
            if controller.observe is not None:
                cached = cluster.caches.get(name)
                cache = controller.observe(cached, cluster, change)
                if cache is not cached or cached is None:
                    cluster = replace(cluster, caches=cluster.caches.set(name, cache))
            for key in controller.watch(cluster, change):
                if isinstance(key, tuple):  # (key, seconds): the handler's AddAfter
                    queue = queue.add_after((name, key[0]), now + key[1], now)
                else:
                    queue = queue.add((name, key))
    return replace(cluster, queue=queue), tuple(changes)


# -- external events -------------------------------------------------------------------------


def advance(cluster: Cluster, to: int) -> Cluster:
    """Move the clock forward to `to` (never back) and release the work that falls due."""
    if to <= cluster.now:
        return cluster
    return replace(cluster, now=to, queue=cluster.queue.promote_due(to))


def _external(cluster: Cluster, event: Any, plane: ControlPlane) -> apiserver.Result | Cluster:
    """The API request (or clock move) an external event stands for."""
    if isinstance(event, Apply):
        return kubectl_apply.apply(cluster, event.object)
    if isinstance(event, Delete):
        return apiserver.delete(cluster, event.kind, event.namespace, event.name,
                                event.propagation_policy, event.grace_period_seconds)
    if isinstance(event, Scale):
        return apiserver.scale(cluster, event.kind, event.namespace, event.name, event.replicas)
    if isinstance(event, Rollout):
        return rollout.handle(cluster, event)
    handler = plane.world.get(type(event))
    if handler is not None:
        return handler(cluster, event)
    if isinstance(event, NodeHealth | PodEvent):
        return Status("NotImplemented", 501,
                      f"{type(event).__name__} events need a handler of the world's events, "
                      "which this control plane lacks; the event changes nothing")
    return bad_request(f"unknown event {event!r}")


def _reconcile(cluster: Cluster, controller: str, key: str, plane: ControlPlane
               ) -> Cluster | Status:
    found = plane.controller(controller)
    if found is None:
        known = ", ".join(sorted(plane.by_name)) or "none registered"
        return bad_request(f'unknown controller "{controller}" (known: {known})')
    return found.sync(cluster, key)


# -- step ------------------------------------------------------------------------------------


Observer = Callable[[Cluster, "Turn | None"], None]
Prepare = Callable[[Cluster, Any], Any]  # the shell's last word on an event (Helm rendering)


def apply_event(cluster: Cluster, event: Event, mode: str = "auto",
                observer: Observer | None = None, plane: ControlPlane | None = None,
                prepare: Prepare | None = None) -> Outcome:
    """Apply one event; in auto mode, then run the queued work to a fixpoint. `observer`, when
    given, sees every intermediate state: after the event's own write (turn None) and after
    each reconcile that wrote something — what the property checker needs to check each step.
    `prepare`, when given, is the shell's: it sees the state the event applies to (after its
    `at:`) and returns the event to fold (a `helm:` event with its chart rendered)."""
    if mode not in ("auto", "manual"):
        raise ValueError(f"mode must be auto or manual, not {mode!r}")
    plane = _plane(plane)
    waited: tuple[Turn, ...] = ()
    if _passes_year_9999(cluster, event):
        return Outcome(cluster, event, rejected=bad_request(
            f"the event would move the clock past {format_time(MAX_TIME)}, the last time "
            "RFC 3339 can write"))
    if event.at is not None and cluster.clock_start + event.at > cluster.now:
        # `at:` is time passing before the event, as a tick would be.
        cluster, waited, ok = pass_time(cluster, cluster.clock_start + event.at, mode,
                                        observer, plane)
        if not ok:
            return Outcome(cluster, event, waited=waited, settled=False)
    if prepare is not None:
        event = prepare(cluster, event)
    if isinstance(event, Tick):
        cluster, turns, settled = pass_time(cluster, cluster.now + event.seconds, mode,
                                            observer, plane)
        return Outcome(cluster, event, turns=turns, settled=settled, waited=waited)
    if isinstance(event, Settle):
        cluster, turns, settled = settle(cluster, event.wakeups, mode, observer, plane)
        return Outcome(cluster, event, turns=turns, settled=settled, waited=waited)
    before = cluster
    if isinstance(event, Reconcile):
        unqueued = replace(cluster, queue=_unqueue(cluster.queue,
                                                   (event.controller, event.key)))
        result: Any = _reconcile(unqueued, event.controller, event.key, plane)
    else:
        result = _external(cluster, event, plane)
    if isinstance(result, Status):
        return Outcome(before, event, rejected=result, waited=waited)
    cluster = result.cluster if isinstance(result, apiserver.Written) else result
    cluster, changes = dispatch(cluster, plane)
    if observer is not None:
        observer(cluster, None)
    if mode == "manual":
        return Outcome(cluster, event, changes=changes, waited=waited)
    cluster, turns, settled = run_until_settled(cluster, observer=observer, plane=plane)
    return Outcome(cluster, event, changes=changes, turns=turns, settled=settled, waited=waited)


def _passes_year_9999(cluster: Cluster, event: Any) -> bool:
    to = cluster.now
    if event.at is not None:
        to = max(to, cluster.clock_start + event.at)
    if isinstance(event, Tick):
        to += event.seconds
    return to > MAX_TIME


def pass_time(cluster: Cluster, to: int, mode: str, observer: Observer | None = None,
              plane: ControlPlane | None = None, max_wakeups: int = MAX_WAKEUPS
              ) -> tuple[Cluster, tuple[Turn, ...], bool]:
    """Move the clock to `to`. In auto mode, stop at each moment work falls due and run it then,
    so what happens at 30 s is stamped 30 s even within one long tick; in manual mode, jump and
    leave the due work queued. Past `max_wakeups` moments (or a run of reconciles that does
    not settle) it stops where it got to, unsettled."""
    if mode == "manual":
        return advance(cluster, to), (), True
    turns: list[Turn] = []
    settled = True
    for _ in range(max_wakeups):
        due = cluster.queue.next_due()
        moment = to if due is None or due > to else max(due, cluster.now)
        cluster = advance(cluster, moment)
        cluster = replace(cluster, queue=cluster.queue.promote_due(cluster.now))
        cluster, more, ok = run_until_settled(dispatch(cluster, plane)[0], observer=observer,
                                              plane=plane)
        turns.extend(more)
        settled = settled and ok
        if moment >= to and (cluster.queue.next_due() or to + 1) > to or not settled:
            return cluster, tuple(turns), settled
    return cluster, tuple(turns), False


def settle(cluster: Cluster, wakeups: int, mode: str, observer: Observer | None = None,
           plane: ControlPlane | None = None) -> tuple[Cluster, tuple[Turn, ...], bool]:
    """Let time pass to each moment work falls due until nothing is left to do, at most
    `wakeups` moments (a `settle:` event; convergence checking in properties/convergence.py
    takes the same steps). Settled means nothing was left; reaching `wakeups` is not a work
    bound, only the end of the wait. Manual mode does nothing."""
    if mode == "manual":
        return cluster, (), True
    turns: list[Turn] = []
    cluster, more, ok = pass_time(cluster, cluster.now, mode, observer, plane)
    turns.extend(more)
    for _ in range(wakeups):
        due = cluster.queue.next_due()
        if not ok or due is None and len(cluster.queue) == 0:
            break
        cluster, more, ok = pass_time(cluster, max(due or cluster.now, cluster.now), mode,
                                      observer, plane)
        turns.extend(more)
    return cluster, tuple(turns), ok


def _unqueue(queue: Any, item: tuple[str, str]) -> Any:
    """A reconcile run by hand takes its item off the ready queue, if it was there."""
    if item not in queue.queued:
        return queue
    rest = queue
    kept = []
    while (popped := rest.pop()) is not None:
        got, rest = popped
        if got != item:
            kept.append(got)
    for got in kept:
        rest = rest.add(got)
    return rest


def run_until_settled(cluster: Cluster, max_turns: int = MAX_TURNS,
                      observer: Observer | None = None, plane: ControlPlane | None = None
                      ) -> tuple[Cluster, tuple[Turn, ...], bool]:
    """Pop and run queued reconciles until the queue is empty; unsettled past `max_turns`
    reconciles or MAX_WRITES writes."""
    plane = _plane(plane)
    turns: list[Turn] = []
    writes = 0
    for _ in range(max_turns):
        if writes > MAX_WRITES:
            break
        popped = cluster.queue.pop()
        if popped is None:
            return cluster, tuple(turns), True
        (name, key), queue = popped
        cluster = replace(cluster, queue=queue)
        result = _reconcile(cluster, name, key, plane)
        if isinstance(result, Status):
            continue
        cluster, changes = dispatch(result, plane)
        if changes:
            writes += len(changes)
            turns.append(Turn(name, key, changes))
            if observer is not None:
                observer(cluster, turns[-1])
    return cluster, tuple(turns), False


def step(cluster: Cluster, event: Event, mode: str = "auto",
         plane: ControlPlane | None = None) -> Cluster:
    """The fold's step: the cluster after `event`."""
    return apply_event(cluster, event, mode, plane=plane).cluster


def trace(cluster: Cluster, events: Iterable[Event], mode: str = "auto",
          plane: ControlPlane | None = None, prepare: Prepare | None = None
          ) -> Iterator[Outcome]:
    """Every event's Outcome, in order."""
    for event in events:
        outcome = apply_event(cluster, event, mode, plane=plane, prepare=prepare)
        cluster = outcome.cluster
        yield outcome


def replay(cluster: Cluster, events: Iterable[Event], mode: str = "auto",
           plane: ControlPlane | None = None) -> Cluster:
    for event in events:
        cluster = step(cluster, event, mode, plane)
    return cluster


def empty_cluster(seed: int = 0, plane: ControlPlane | None = None) -> Cluster:
    """A new cluster as it stands once kube-apiserver and kube-controller-manager have started:
    the bootstrap namespaces and the `kubernetes` Service, and what the controllers make of
    them (each namespace's `default` ServiceAccount), the queue run to a fixpoint."""
    started = dispatch(apiserver.ensure_bootstrap_namespaces(Cluster(seed=seed)), plane)[0]
    return run_until_settled(started, plane=plane)[0]
