"""Time travel and forks: a replay's states kept, indexed by event number and by logical time,
compared object by object; and the shell's ways of starting and ending a replay (`--nodes`,
`--settle`, `--at`).

    history = kubefold.trace(cluster, events)
    history[0]                         # the starting state; history[3] the state after event #3
    history.at("2024-01-01T00:03:00Z") # the state at that moment (or seconds since the start)
    history.diff(3, 5)                 # what changed between the two, object by object
    history.fork(3, other_events)      # what would have happened instead, from state 3

Iterating a History gives its Outcomes, as `trace` always has.

Because every state is a persistent value sharing structure with the one before, keeping all
of them costs what changed, not a copy per event.

Covered by: tests/test_history.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from kubefold import report
from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.errors import InputError
from kubefold.core.events import Event
from kubefold.core.kinds import kind_info
from kubefold.core.objects import KObject
from kubefold.core.schema import parse_time
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.manager import Outcome

Observer = Callable[[Cluster, Any], None]


@attrs.frozen
class ObjectChange:
    """One object's difference between two states: `created`, `deleted` or `updated` with
    the changed fields (`path: old -> new`)."""

    kind: str
    namespace: str
    name: str
    change: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        ref = f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"
        detail = f": {'; '.join(self.fields)}" if self.fields else ""
        return f"{self.change} {ref}{detail}"


def parse_when(when: str | int, clock_start: int) -> int:
    """An absolute logical time from RFC 3339 text or seconds since the clock's start."""
    if isinstance(when, int):
        return clock_start + when
    text = str(when).strip()
    if text.isdigit():
        return clock_start + int(text)
    try:
        return parse_time(text)
    except ValueError:
        raise ValueError(f"{when!r} is neither RFC 3339 (2024-01-01T00:03:00Z) nor a number "
                         "of seconds") from None


@attrs.frozen
class History:
    """The states of a replay: `start`, then one Outcome per event."""

    start: Cluster
    outcomes: tuple[Outcome, ...]
    mode: str = "auto"
    plane: ControlPlane | None = None

    def __len__(self) -> int:
        return len(self.outcomes)

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self.outcomes)

    def __getitem__(self, index: int) -> Cluster:
        """The state after event `index` (1-based, as the account numbers events); 0 is the
        start, -1 the end."""
        if index < 0:
            index += len(self.outcomes) + 1
        if not 0 <= index <= len(self.outcomes):
            raise IndexError(f"event {index} is not in 0..{len(self.outcomes)}")
        return self.start if index == 0 else self.outcomes[index - 1].cluster

    @property
    def final(self) -> Cluster:
        return self[-1]

    def outcome(self, index: int) -> Outcome:
        """Event `index`'s Outcome (1-based)."""
        return self.outcomes[index - 1]

    def index_at(self, when: str | int) -> int:
        """The number of the last event whose state is at or before `when`."""
        return self._index_at(parse_when(when, self.start.clock_start))

    def _index_at(self, t: int) -> int:
        found = 0
        for i, outcome in enumerate(self.outcomes, 1):
            if outcome.cluster.now > t:
                break
            found = i
        return found

    def at(self, when: str | int) -> Cluster:
        """The state at logical time `when`: the last event's state at or before it, with the
        clock then run to `when` (what falls due in between happens, as it would have)."""
        t = parse_when(when, self.start.clock_start)
        state = self[self._index_at(t)]
        if state.now >= t:
            return state
        return manager.pass_time(state, t, self.mode, plane=self.plane)[0]

    def diff(self, i: int, j: int) -> list[ObjectChange]:
        """What differs between states `i` and `j`, object by object, sorted by kind,
        namespace and name."""
        return diff_states(self[i], self[j])

    def describe(self, kind: str, name: str, namespace: str | None = "default",
                 index: int = -1) -> str:
        """`kubectl describe` of an object in state `index` (the end by default), its Events
        the replay's own history of it up to then."""
        from kubefold import describe

        state = self[index]
        obj = state.get(kind, namespace if kind_info(kind).namespaced else None, name)
        if obj is None:
            raise KeyError(f"{kind} {namespace}/{name} is not in state {index}")
        upto = None if index == -1 else (index if index >= 0 else len(self) + 1 + index)
        return describe.describe(obj, state.now, state,
                                 describe.history_events(self, obj, upto))

    def fork(self, index: int, events: Iterable[Event]) -> History:
        """Another history from state `index` on, with other events."""
        return trace(self[index], events, self.mode, self.plane)


def diff_states(a: Cluster, b: Cluster) -> list[ObjectChange]:
    """Object-level changes from state `a` to state `b`; unchanged stores are skipped by
    identity, so the cost follows what changed."""
    out: list[ObjectChange] = []
    for kind in sorted(set(a.objects) | set(b.objects)):
        by_ns_a: Any = a.objects.get(kind)
        by_ns_b: Any = b.objects.get(kind)
        if by_ns_a is by_ns_b:
            continue
        for ns in sorted(set(by_ns_a or {}) | set(by_ns_b or {})):
            objs_a = (by_ns_a or {}).get(ns) or {}
            objs_b = (by_ns_b or {}).get(ns) or {}
            if objs_a is objs_b:
                continue
            for name in sorted(set(objs_a) | set(objs_b)):
                old, new = objs_a.get(name), objs_b.get(name)
                if old is new or old == new:
                    continue
                if old is None:
                    out.append(ObjectChange(kind, ns, name, "created"))
                elif new is None:
                    out.append(ObjectChange(kind, ns, name, "deleted"))
                else:
                    fields = tuple(report.diff(old, new, level=2))
                    out.append(ObjectChange(kind, ns, name, "updated", fields))
    return out


def run(cluster: Cluster, events: Iterable[Event], mode: str = "auto",
        plane: ControlPlane | None = None, until: int | None = None,
        observer: Observer | None = None,
        on_outcome: Callable[[int, Outcome, Cluster], None] | None = None,
        prepare: Any = None, apply: Callable[..., Outcome] | None = None) -> History:
    """Replay `events`, every intermediate state shown to `observer` (a callable set with
    `.index` and `.event` before each event when it has those attributes, as the checker is);
    with `until` (an absolute time) stop there: an event due later is not applied, a tick that
    would pass it is cut, and the clock is run to `until`. `apply(cluster, event)` replaces
    manager.apply_event (the checker's, under --check). The replay stops after an event that
    reached one of kubefold's work bounds (an unsettled Outcome: core/limits.py)."""
    start = cluster
    outcomes: list[Outcome] = []
    for index, event in enumerate(events, 1):
        if until is not None and _starts_after(cluster, event, until):
            break
        if hasattr(observer, "index"):
            observer.index, observer.event = index, event  # type: ignore[union-attr]
        if until is not None and _ends_after(cluster, event, until):
            outcome = _stop(cluster, until, mode, plane, observer)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(index, outcome, cluster)
            return History(start, tuple(outcomes), mode, plane)
        if apply is not None:
            outcome = apply(cluster, event)
        else:
            outcome = manager.apply_event(cluster, event, mode, observer=observer, plane=plane,
                                          prepare=prepare)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(index, outcome, cluster)
        cluster = outcome.cluster
        if not outcome.settled:
            return History(start, tuple(outcomes), mode, plane)
    if until is not None and cluster.now < until:
        outcome = _stop(cluster, until, mode, plane, observer)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(len(outcomes), outcome, cluster)
    return History(start, tuple(outcomes), mode, plane)


def _starts_after(cluster: Cluster, event: Any, until: int) -> bool:
    at = getattr(event, "at", None)
    return at is not None and cluster.clock_start + at > until


def _ends_after(cluster: Cluster, event: Any, until: int) -> bool:
    seconds = getattr(event, "seconds", None)
    return isinstance(seconds, int) and type(event).__name__ == "Tick" and \
        cluster.now + seconds > until


def _stop(cluster: Cluster, until: int, mode: str, plane: ControlPlane | None,
          observer: Observer | None) -> Outcome:
    from kubefold.account import StopAt

    after, turns, settled = manager.pass_time(cluster, until, mode, observer, plane)
    return Outcome(after, StopAt(until), turns=turns, settled=settled)


def trace(cluster: Cluster, events: Iterable[Event], mode: str = "auto",
          plane: ControlPlane | None = None) -> History:
    """Every event's Outcome, kept as a History (iterate it for the Outcomes, index it for
    the states)."""
    return run(cluster, events, mode, plane)


def settle(cluster: Cluster, bound: int, mode: str = "auto", plane: ControlPlane | None = None,
           observer: Observer | None = None) -> Outcome:
    """Let logical time run after the last event, from one due piece of work to the next,
    until nothing is queued (the cluster has settled) or `bound` seconds have passed."""
    from kubefold.account import Settle

    limit = cluster.now + bound
    turns: list[Any] = []
    settled = True
    if mode == "auto":  # what is queued now runs first
        cluster, more, settled = manager.pass_time(cluster, cluster.now, mode, observer, plane)
        turns.extend(more)
    while mode == "auto":
        due = cluster.queue.next_due()
        if due is None or due > limit:
            break
        cluster, more, ok = manager.pass_time(cluster, max(due, cluster.now), mode, observer,
                                              plane)
        turns.extend(more)
        settled = settled and ok
    return Outcome(cluster, Settle(bound), turns=tuple(turns), settled=settled)


# -- --nodes ---------------------------------------------------------------------------------

# kind's nodes report the host's capacity; kubefold's default shape is a typical laptop-sized
# kind node: 8 cpu, 16Gi of memory, and the kubelet's default maxPods of 110.
DEFAULT_NODE_SHAPE = ("8", "16Gi", "110")


def parse_nodes(text: str) -> tuple[int, tuple[str, str, str]]:
    """`N` or `N:CPU,MEMORY,PODS` (`3`, `3:4,8Gi,110`): the count and the shape."""
    count_text, _, shape_text = text.partition(":")
    if not count_text.isdigit() or int(count_text) < 1:
        raise ValueError(f"--nodes {text!r}: expected N or N:CPU,MEMORY,PODS with N >= 1")
    shape = DEFAULT_NODE_SHAPE
    if shape_text:
        parts = shape_text.split(",")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"--nodes {text!r}: the shape is CPU,MEMORY,PODS "
                             "(for example 4,8Gi,110)")
        shape = (parts[0], parts[1], parts[2])
    return int(count_text), shape


def node_manifests(cluster: Cluster, count: int, shape: tuple[str, str, str]) -> list[KObject]:
    """`count` ready nodes named node-1, node-2, ... (skipping names taken), labelled as kind
    labels its nodes."""
    cpu, memory, pods = shape
    out: list[KObject] = []
    n = 0
    while len(out) < count:
        n += 1
        name = f"node-{n}"
        if cluster.get("Node", "", name) is not None:
            continue
        resources = {"cpu": cpu, "memory": memory, "pods": pods}
        out.append(decode_object({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {
                "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64"}},
            "status": {"capacity": resources, "allocatable": resources,
                       "conditions": [{"type": "Ready", "status": "True"}]}}))
    return out


def add_nodes(cluster: Cluster, count: int, shape: tuple[str, str, str],
              plane: ControlPlane | None = None) -> Cluster:
    """The cluster with `count` ready nodes of `shape` created through the API server, and
    their kubelets' first pass run."""
    for node in node_manifests(cluster, count, shape):
        written = apiserver.create(cluster, node)
        if not isinstance(written, apiserver.Written):
            raise InputError("--nodes", "", str(written))
        cluster = written.cluster
    cluster = manager.dispatch(cluster, plane)[0]
    return manager.run_until_settled(cluster, plane=plane)[0]


def describe_nodes(count: int, shape: tuple[str, str, str]) -> str:
    cpu, memory, pods = shape
    return f"added {count} ready node(s) with {cpu} cpu, {memory} memory, {pods} pods each"
