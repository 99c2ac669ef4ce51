"""The account of a replay a person reads.

By default one or two lines per event: the event and what it did to its own object, then what
the control plane did about it, summed per object (the workload at the top of the owner chain):

    #4 [+60s] apply Deployment default/web: spec.template...image: web:v1 -> web:v2
        Deployment default/web: revision 1 -> 2, ReplicaSet web-7cbb767df 0 -> 5,
        ReplicaSet web-77c5fd4f9d 10 -> 8, 5 pods created, 5 scheduled (node-1: 3, ...

Work that happened while the clock ran to an event (pods turning ready, progress deadlines) is
summed on its own line before it. `-v` prints the per-controller account (report.py), `-vv`
every field diff. No-op diffs and the last-applied-configuration annotation are never printed;
multi-line values are elided.

The summary groups rejections by reason and message ("250 x NotFound: ... , first at ..."),
counts skipped and unreadable records, and ends with what `kubectl get deploy,sts,ds,job -A`
would print and, for every pod still Pending, the scheduler's reason as `kubectl describe pod`
shows it (Warning FailedScheduling ... default-scheduler <message>).

Covered by: tests/test_account.py, tests/test_account_golden.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from kubefold import printers, report
from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import encode_object
from kubefold.core.events import Apply, Delete, Rollout, Scale, Tick
from kubefold.core.schema import format_time
from kubefold.reducers.manager import Outcome
from kubefold.text import elide

MAX_OBJECTS = 3  # objects summed per event; the rest are counted
MAX_PENDING_LINES = 10


@attrs.frozen
class Settle:
    """Not an event of the log: the clock running after the last event (`--settle`)."""

    bound: int
    at: int | None = None
    origin: str = "--settle"


@attrs.frozen
class StopAt:
    """Not an event of the log: the clock running to `--at` and the replay stopping there."""

    time: int
    at: int | None = None
    origin: str = "--at"


def describe_event(event: Any) -> str:
    if isinstance(event, Settle):
        return f"settle (up to {event.bound}s)"
    if isinstance(event, StopAt):
        return f"stop at {format_time(event.time)}"
    return report.describe_event(event)


# -- owners ------------------------------------------------------------------------------------


def _ref(obj: Any) -> tuple[str, str, str]:
    return (obj.kind, obj.metadata.namespace or "", obj.metadata.name or "")


def root_of(obj: Any, clusters: Sequence[Cluster]) -> tuple[str, str, str]:
    """The object at the top of `obj`'s chain of controller owners found in any of
    `clusters` (a Pod's Deployment, through its ReplicaSet); itself when it has none."""
    seen = 0
    while seen < 8:
        refs = obj.metadata.owner_references
        owner_ref = next((r for r in refs if r.controller), refs[0] if refs else None)
        if owner_ref is None or not owner_ref.uid:
            break
        owner = next((c.by_uid(owner_ref.uid) for c in clusters
                      if c.by_uid(owner_ref.uid) is not None), None)
        if owner is None:
            break
        obj = owner
        seen += 1
    return _ref(obj)


def _label(ref: tuple[str, str, str]) -> str:
    kind, ns, name = ref
    return f"{kind} {ns + '/' if ns else ''}{name}"


# -- one object's summary ----------------------------------------------------------------------


@attrs.define
class _Sum:
    """What happened to one root object and everything it owns, in one stretch of time."""

    root: tuple[str, str, str]
    root_first: Any = None
    root_last: Any = None
    root_touched: bool = False
    scaled: dict[tuple[str, str], list[Any]] = attrs.field(factory=dict)
    created: int = 0
    deleted: int = 0
    terminating: int = 0
    scheduled: Counter = attrs.field(factory=Counter)
    running: int = 0
    ready_times: list[int] = attrs.field(factory=list)
    unready: int = 0
    failed: int = 0
    succeeded: int = 0
    unschedulable: Counter = attrs.field(factory=Counter)
    others: list[str] = attrs.field(factory=list)


def _replicas(obj: Any) -> int | None:
    spec = getattr(obj, "spec", None)
    value = getattr(spec, "replicas", None) if spec is not None else None
    if value is None and obj is not None and not hasattr(obj, "spec"):
        value = (encode_object(obj).get("spec") or {}).get("replicas")
    return value if isinstance(value, int) else None


def _condition(obj: Any, ctype: str) -> Any:
    status = getattr(obj, "status", None)
    for c in getattr(status, "conditions", ()) or ():
        if c.type == ctype:
            return c
    return None


def _pod_change(s: _Sum, change: Change) -> None:
    old, new = change.old, change.new
    if old is None:
        s.created += 1
    if new is None:
        s.deleted += 1
        return
    if (old is None or old.metadata.deletion_timestamp is None) and \
            new.metadata.deletion_timestamp is not None:
        s.terminating += 1
    if new.metadata.deletion_timestamp is not None:
        return  # a terminating pod's last states are its ending, counted as deleted
    if new.spec.node_name and (old is None or not old.spec.node_name):
        s.scheduled[new.spec.node_name] += 1
    phase_old = old.status.phase if old is not None else None
    if new.status.phase != phase_old:
        if new.status.phase == "Running":
            s.running += 1
        elif new.status.phase == "Failed":
            s.failed += 1
        elif new.status.phase == "Succeeded":
            s.succeeded += 1
    ready_old, ready_new = _condition(old, "Ready"), _condition(new, "Ready")
    was = ready_old is not None and ready_old.status == "True"
    now = ready_new is not None and ready_new.status == "True"
    if now and not was and ready_new.last_transition_time is not None:
        s.ready_times.append(ready_new.last_transition_time)
    elif was and not now:
        s.unready += 1
    sched_old, sched_new = _condition(old, "PodScheduled"), _condition(new, "PodScheduled")
    if sched_new is not None and sched_new.status == "False" and sched_new.reason == \
            "Unschedulable" and (sched_old is None or sched_old.message != sched_new.message):
        s.unschedulable[sched_new.message or ""] += 1


def _other_change(s: _Sum, change: Change, verbosity: int) -> None:
    ref = f"{change.kind} {change.name}"
    if change.old is None:
        s.others.append(f"{ref} created")
    elif change.new is None:
        s.others.append(f"{ref} deleted")
    else:
        lines = report.diff(change.old, change.new, level=verbosity)
        if lines:
            s.others.append(f"{ref} {lines[0]}" + (f" (+{len(lines) - 1})"
                                                   if len(lines) > 1 else ""))


def summarise(changes: Iterable[Change], clusters: Sequence[Cluster], skip: Any = None
              ) -> dict[tuple[str, str, str], _Sum]:
    """Changes summed per root object (in order of first appearance); `skip` is a change
    already described (the event's own write)."""
    sums: dict[tuple[str, str, str], _Sum] = {}
    for change in changes:
        if change is skip:
            continue
        obj = change.new if change.new is not None else change.old
        root = root_of(obj, clusters)
        s = sums.setdefault(root, _Sum(root))
        ref = (change.kind, change.namespace, change.name)
        if ref == root:
            if s.root_first is None and not s.root_touched:
                s.root_first = change.old
            s.root_last = change.new
            s.root_touched = True
            if change.kind == "Pod":
                _pod_change(s, change)
        elif change.kind == "Pod":
            _pod_change(s, change)
        elif _replicas(change.old) is not None or _replicas(change.new) is not None:
            s.scaled.setdefault((change.kind, change.name), [change.old]).append(change.new)
        else:
            _other_change(s, change, 1)
    return sums


def _ready_after(times: list[int], start: int, clock_start: int | None = None) -> str:
    """` after 5s` (since the event), or ` at +65s` on the clock when the work happened while
    time ran (`clock_start` given)."""
    if not times:
        return ""
    if clock_start is not None:
        low, high = min(times) - clock_start, max(times) - clock_start
        return f" at +{low}s" if low == high else f" at +{low}s..+{high}s"
    low, high = min(times) - start, max(times) - start
    return f" after {low}s" if low == high else f" after {low}-{high}s"


def _root_changes(s: _Sum) -> list[str]:
    """What changed on the root itself: revision, replicas, availability, Node readiness."""
    first, last = s.root_first, s.root_last
    out: list[str] = []
    if first is None and last is not None and s.root_touched:
        out.append("created")
    if last is None and s.root_touched:
        out.append("deleted")
        return out
    if first is None or last is None:
        return out
    rev_a = first.metadata.annotations.get("deployment.kubernetes.io/revision")
    rev_b = last.metadata.annotations.get("deployment.kubernetes.io/revision")
    if rev_a != rev_b and rev_b is not None:
        out.append(f"revision {rev_a} -> {rev_b}" if rev_a else f"revision {rev_b}")
    if _replicas(first) != _replicas(last):
        out.append(f"replicas {_replicas(first)} -> {_replicas(last)}")
    if first.kind == "Node":
        a, b = _condition(first, "Ready"), _condition(last, "Ready")
        if (a.status if a else None) != (b.status if b else None):
            reason = f" ({b.reason})" if b is not None and b.reason else ""
            out.append(f"Ready {a.status if a else '-'} -> {b.status if b else '-'}{reason}")
        ta = {t.key for t in first.spec.taints}
        tb = {t.key for t in last.spec.taints}
        out += [f"tainted {k}" for k in sorted(tb - ta)]
        out += [f"untainted {k}" for k in sorted(ta - tb)]
        if bool(first.spec.unschedulable) != bool(last.spec.unschedulable):
            out.append("cordoned" if last.spec.unschedulable else "uncordoned")
    else:
        available = [getattr(getattr(o, "status", None), "available_replicas", None)
                     for o in (first, last)]
        if (available[0] or 0) != (available[1] or 0) and _replicas(last) is not None:
            out.append(f"available {available[0] or 0} -> {available[1] or 0}"
                       f"/{_replicas(last)}")
        for ctype in ("Progressing", "Available"):
            a, b = _condition(first, ctype), _condition(last, ctype)
            if b is not None and b.status == "False" and a is not None and a.status == "True":
                out.append(f"{ctype} False ({b.reason})")
    return out


def render_sum(s: _Sum, start: int, clock_start: int | None = None) -> str | None:
    """One line for one root object, or None when nothing worth saying happened."""
    parts = _root_changes(s)
    for (kind, name), states in s.scaled.items():
        a, b = _replicas(states[0]), _replicas(states[-1])
        if states[-1] is None:
            parts.append(f"{kind} {name} deleted")
        elif a != b or states[0] is None:
            parts.append(f"{kind} {name} {a or 0} -> {b}")
    if s.created:
        parts.append(f"{s.created} pod{'s' if s.created > 1 else ''} created")
    if s.scheduled:
        total = sum(s.scheduled.values())
        where = ", ".join(f"{node}: {n}" if n > 1 else node
                          for node, n in sorted(s.scheduled.items()))
        parts.append(f"{total} scheduled ({where})")
    for message, n in s.unschedulable.items():
        parts.append(f"{n} unschedulable ({elide(message, 120)})")
    if s.running:
        parts.append(f"{s.running} Running")
    if s.ready_times:
        parts.append(f"{len(s.ready_times)} ready"
                     f"{_ready_after(s.ready_times, start, clock_start)}")
    if s.unready:
        parts.append(f"{s.unready} not ready")
    if s.terminating:
        parts.append(f"{s.terminating} terminating")
    if s.deleted:
        parts.append(f"{s.deleted} pod{'s' if s.deleted > 1 else ''} deleted")
    if s.succeeded:
        parts.append(f"{s.succeeded} Succeeded")
    if s.failed:
        parts.append(f"{s.failed} Failed")
    parts += s.others[:3]
    if len(s.others) > 3:
        parts.append(f"{len(s.others) - 3} more objects changed")
    if not parts:
        return None
    return f"{_label(s.root)}: {', '.join(parts)}"


# -- one event ---------------------------------------------------------------------------------


def _own_change(event: Any, changes: Sequence[Change]) -> Change | None:
    """The write the event made to the object it names."""
    target: tuple[str, str] | None = None
    if isinstance(event, Apply) and hasattr(event.object, "metadata"):
        target = (event.object.kind, event.object.metadata.name or "")
    elif isinstance(event, Delete | Scale | Rollout):
        target = (event.kind, event.name)
    if target is None:
        return None
    return next((c for c in changes if (c.kind, c.name) == target), None)


def _own_effect(event: Any, change: Change | None, verbosity: int) -> str:
    if change is None:
        return ": unchanged" if isinstance(event, Apply) else ""
    if change.old is None:
        return ": created"
    if change.new is None:
        return ": deleted"
    if change.old.metadata.deletion_timestamp is None and \
            change.new.metadata.deletion_timestamp is not None:
        return ": marked for deletion"
    lines = report.diff(change.old, change.new, level=max(verbosity, 1))
    if not lines:
        return ": unchanged"
    more = f" (+{len(lines) - 2} more)" if len(lines) > 2 else ""
    return ": " + "; ".join(lines[:2]) + more


def _event_start(outcome: Outcome, before: Cluster) -> int:
    event = outcome.event
    at = getattr(event, "at", None)
    if at is not None and before.clock_start + at > before.now:
        return before.clock_start + at
    return before.now


def _sum_lines(changes: Sequence[Change], clusters: Sequence[Cluster], start: int,
               skip: Any = None, clock_start: int | None = None) -> list[str]:
    sums = summarise(changes, clusters, skip)
    lines = [line for s in sums.values()
             if (line := render_sum(s, start, clock_start)) is not None]
    if len(lines) > MAX_OBJECTS:
        lines = [*lines[:MAX_OBJECTS], f"... and {len(lines) - MAX_OBJECTS} more objects"]
    return lines


def event_lines(index: int, outcome: Outcome, before: Cluster, verbosity: int = 0) -> list[str]:
    """The account of one event at a verbosity: 0 summed per object, 1 per controller, 2
    every field diff."""
    if verbosity >= 1:
        return report.describe_outcome(index, outcome, before, level=verbosity)
    clusters = (outcome.cluster, before)
    lines: list[str] = []
    if outcome.waited:
        waited = [c for t in outcome.waited for c in t.changes]
        for line in _sum_lines(waited, clusters, before.now, clock_start=before.clock_start):
            lines.append(f"   (clock to +{_event_start(outcome, before) - before.clock_start}s)"
                         f" {line}")
    start = _event_start(outcome, before)
    clock = f"+{start - before.clock_start}s"
    head = f"#{index} [{clock}] {describe_event(outcome.event)}"
    if outcome.rejected is not None:
        return [*lines, f"{head}: rejected: {outcome.rejected}"]
    own = _own_change(outcome.event, outcome.changes)
    lines.append(head + _own_effect(outcome.event, own, verbosity))
    if isinstance(outcome.event, Tick | Settle | StopAt):
        lines[-1] += f" (to +{outcome.cluster.elapsed}s)"
    changes = [*outcome.changes, *(c for t in outcome.turns for c in t.changes)]
    timed = isinstance(outcome.event, Tick | Settle | StopAt)
    lines += [f"    {line}" for line in _sum_lines(changes, clusters, start, own,
                                                   before.clock_start if timed else None)]
    if not outcome.settled:
        lines.append("    did not settle: the controllers were still busy at the turn bound")
    return lines


# -- the summary -------------------------------------------------------------------------------


def grouped_rejections(outcomes: Iterable[tuple[int, Outcome]]) -> list[str]:
    """`N x Reason: message, first at ORIGIN`, most frequent first."""
    groups: dict[str, list[Any]] = {}
    for index, o in outcomes:
        if o.rejected is None:
            continue
        key = f"{o.rejected.reason}: {o.rejected.message}" if getattr(o.rejected, "reason",
                                                                       None) else str(o.rejected)
        origin = getattr(o.event, "origin", "") or f"event #{index}"
        groups.setdefault(key, []).append(origin)
    lines = []
    for key, origins in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {len(origins)} x {elide(key, 200)}, first at {origins[0]}")
    return lines


def workloads_table(cluster: Cluster) -> list[str]:
    """What `kubectl get deploy,sts,ds,job -A` prints for the state."""
    kinds = ("Deployment", "StatefulSet", "DaemonSet", "Job")
    query = printers.Query(kinds, None, None, None)
    customs = printers.custom_resources(cluster)
    text = printers.render(printers.select(cluster, query, customs), cluster.now, None, True,
                           customs)
    return text.rstrip("\n").splitlines() if text else ["No resources found"]


def pending_pods(cluster: Cluster) -> list[str]:
    """Every pod still Pending and unbound, with the scheduler's reason as `kubectl describe
    pod` shows it in its Events (`Warning  FailedScheduling  <age>  default-scheduler  ...`)."""
    pods = sorted((p for p in cluster.list("Pod") if p.status.phase in (None, "Pending")
                   and not p.spec.node_name and p.metadata.deletion_timestamp is None),
                  key=lambda p: (p.metadata.namespace or "", p.metadata.name or ""))
    lines = []
    by_message: dict[str, list[str]] = {}
    for p in pods:
        cond = _condition(p, "PodScheduled")
        name = f"{p.metadata.namespace}/{p.metadata.name}"
        if cond is None or cond.status != "False":
            line = f"{name}: not yet tried by the scheduler"
        else:
            age = printers.human_duration(cluster.now - (cond.last_transition_time
                                                         or cluster.now))
            line = f"Warning  FailedScheduling  {age}  default-scheduler  {cond.message}"
        by_message.setdefault(line, []).append(name)
    for shown, (line, names) in enumerate(by_message.items()):
        if shown < MAX_PENDING_LINES and len(names) == 1:
            lines.append(f"  {names[0]}: {line}" if not line.startswith(names[0]) else
                         f"  {line}")
        else:
            more = f" (+{len(names) - 2} more)" if len(names) > 2 else ""
            lines.append(f"  {', '.join(names[:2])}{more}: {line}")
    return lines


def summary(cluster: Cluster, outcomes: Sequence[Outcome], skipped: Sequence[str] = (),
            unreadable: Sequence[str] = (), notes: Sequence[str] = ()) -> list[str]:
    """The end of the account: counts, grouped rejections, the clock, the workloads table,
    and the pending pods with their reasons."""
    real = [o for o in outcomes if not isinstance(o.event, Settle | StopAt)]
    rejected = sum(1 for o in real if o.rejected is not None)
    line = f"events: {len(real) - rejected} applied, {rejected} rejected"
    if unreadable:
        line += f", {len(unreadable)} unreadable record(s) skipped (--keep-going)"
    lines = [line]
    lines += grouped_rejections(enumerate(real, 1))
    if skipped:
        lines.append(f"skipped: {len(skipped)} log entries that change nothing")
    kinds = {kind: cluster.count(kind) for kind in cluster.objects}
    lines.append("objects: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    lines.append(f"clock: {format_time(cluster.now)} (+{cluster.elapsed}s)")
    lines.append("")
    lines.append("$ kubectl get deploy,sts,ds,job -A")
    lines += workloads_table(cluster)
    pending = pending_pods(cluster)
    if pending:
        lines.append("")
        lines.append("pending pods (why, as kubectl describe pod shows it):")
        lines += pending
    return lines
