"""Readable accounts of a replay: one line per event, one per write, and a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kubefold.core.cluster import Change, Cluster
from kubefold.core.codec import encode_object
from kubefold.core.events import (
    Apply,
    Delete,
    Drain,
    Evict,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Settle,
    Tick,
)
from kubefold.core.schema import format_time
from kubefold.reducers.manager import Outcome

IGNORED_PATHS = ("metadata.resourceVersion", "metadata.managedFields")
# Bookkeeping that changes with everything else: left out of the account of a write.
QUIET_SUFFIXES = ("lastHeartbeatTime", "lastUpdateTime", "lastTransitionTime", "lastProbeTime",
                  "observedGeneration", "startedAt", "finishedAt", "startTime", "imageID",
                  "containerID", "generation")
MAX_DIFFS = 4


def describe_event(event: Any) -> str:
    if isinstance(event, Apply):
        obj = event.object
        if not isinstance(obj, Mapping):
            ns = f"{obj.metadata.namespace}/" if obj.metadata.namespace else ""
            return f"apply {obj.kind} {ns}{obj.metadata.name or obj.metadata.generate_name}"
        return f"apply {obj.get('kind', '?')}"
    if isinstance(event, Delete | Scale | Rollout):
        ns = f"{event.namespace}/" if event.namespace else ""
        verb = {Delete: "delete", Scale: "scale", Rollout: "rollout"}[type(event)]
        extra = ""
        if isinstance(event, Scale):
            extra = f" to {event.replicas}"
        elif isinstance(event, Rollout):
            verb = f"rollout {event.action}"
        return f"{verb} {event.kind} {ns}{event.name}{extra}"
    if isinstance(event, Tick):
        return f"tick {event.seconds}s"
    if isinstance(event, Reconcile):
        return f"reconcile {event.controller} {event.key}"
    if isinstance(event, NodeHealth):
        return f"node {event.name} {'comes back' if event.ready else 'goes down'}"
    if isinstance(event, PodEvent):
        what = f"container {event.container} of " if event.container else ""
        pod = f"pod {event.namespace}/{event.name}"
        if event.exit is not None:
            return f"{what}{pod} exits with code {event.exit}"
        return f"{pod} turns {'not ready' if event.ready is False else 'ready'}"
    if isinstance(event, Evict):
        return f"evict pod {event.namespace}/{event.name}"
    if isinstance(event, Drain):
        return f"drain node {event.node}"
    if isinstance(event, Settle):
        return f"settle (time passes until nothing is due, up to {event.wakeups} wakeups)"
    name = type(event).__name__
    fields = {k: v for k, v in vars(event).items() if k not in ("at", "origin")} \
        if hasattr(event, "__dict__") else {}
    return f"{name} {fields}" if fields else name


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            label = v.get("type") or v.get("name") or v.get("key") or i
            out.update(_flatten(v, f"{prefix}[{label}]"))
    else:
        out[prefix] = value
    return out


def _conditions(obj: dict[str, Any]) -> dict[str, str]:
    """`Type: Status (Reason)` for each status condition."""
    out = {}
    for c in (obj.get("status") or {}).get("conditions") or []:
        reason = f" ({c['reason']})" if c.get("reason") else ""
        out[str(c.get("type"))] = f"{c.get('status')}{reason}"
    return out


def diff(old: Any, new: Any) -> list[str]:
    """`path: old -> new` for each changed leaf (resourceVersion, managedFields and
    bookkeeping times left out); conditions summed up as `Type: Status (Reason)`."""
    old_doc, new_doc = encode_object(old), encode_object(new)
    a, b = _flatten(old_doc), _flatten(new_doc)
    lines = []
    ca, cb = _conditions(old_doc), _conditions(new_doc)
    for ctype in sorted(set(ca) | set(cb)):
        if ca.get(ctype) != cb.get(ctype):
            lines.append(f"{ctype}: {ca.get(ctype, '-')} -> {cb.get(ctype, '-')}")
    a = {k: v for k, v in a.items() if not k.startswith("status.conditions[")}
    b = {k: v for k, v in b.items() if not k.startswith("status.conditions[")}
    for path in sorted(set(a) | set(b)):
        if path.startswith(IGNORED_PATHS) or path.endswith(QUIET_SUFFIXES) \
                or a.get(path) == b.get(path):
            continue
        lines.append(f"{path}: {_short(a.get(path))} -> {_short(b.get(path))}")
    return lines


def _short(value: Any) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_change(change: Change) -> str:
    ref = f"{change.kind} {change.namespace + '/' if change.namespace else ''}{change.name}"
    if change.old is None:
        return f"created {ref}"
    if change.new is None:
        return f"deleted {ref}"
    if change.old.metadata.deletion_timestamp is None and \
            change.new.metadata.deletion_timestamp is not None:
        return f"marked {ref} for deletion"
    lines = diff(change.old, change.new)
    if not lines:
        return f"updated {ref} (bookkeeping only)"
    shown = "; ".join(lines[:MAX_DIFFS])
    more = f" (+{len(lines) - MAX_DIFFS} more)" if len(lines) > MAX_DIFFS else ""
    return f"updated {ref}: {shown}{more}"


def describe_turns(turns: Iterable[Any]) -> list[str]:
    """One line per write; a controller's many creations or deletions of one kind in one turn
    are summed up on one line."""
    lines = []
    for turn in turns:
        who = f"{turn.controller} {turn.key}"
        grouped: dict[tuple[str, str], list[str]] = {}
        for c in turn.changes:
            verb = "created" if c.old is None else "deleted" if c.new is None else ""
            if verb:
                grouped.setdefault((verb, c.kind), []).append(c.name)
        for (verb, kind), names in grouped.items():
            if len(names) > 2:
                lines.append(f"    {who}: {verb} {len(names)} {kind}s: {', '.join(names)}")
        for c in turn.changes:
            verb = "created" if c.old is None else "deleted" if c.new is None else ""
            if verb and len(grouped[(verb, c.kind)]) > 2:
                continue
            lines.append(f"    {who}: {describe_change(c)}")
    return lines


def describe_outcome(index: int, outcome: Outcome, before: Cluster) -> list[str]:
    lines = []
    if outcome.waited:
        lines.append(f"   (while the clock ran to +{outcome.cluster.elapsed}s)")
        lines.extend(describe_turns(outcome.waited))
    clock = f"+{outcome.cluster.elapsed}s"
    lines.append(f"#{index} [{clock}] {describe_event(outcome.event)}")
    if outcome.rejected is not None:
        lines.append(f"    rejected: {outcome.rejected}")
        return lines
    lines.extend(f"    {describe_change(c)}" for c in outcome.changes)
    lines.extend(describe_turns(outcome.turns))
    if not outcome.settled:
        lines.append("    did not settle: the controllers were still busy at the turn bound")
    return lines


def summary(cluster: Cluster, outcomes: Iterable[Outcome], skipped: Iterable[str]) -> list[str]:
    outcomes = list(outcomes)
    rejected = [o for o in outcomes if o.rejected is not None]
    lines = [f"events: {len(outcomes) - len(rejected)} applied, {len(rejected)} rejected"]
    for o in rejected:
        origin = getattr(o.event, "origin", "") or describe_event(o.event)
        lines.append(f"  rejected {origin}: {o.rejected}")
    skipped = list(skipped)
    if skipped:
        lines.append(f"skipped: {len(skipped)} log entries that change nothing")
    kinds = Counter({kind: cluster.count(kind) for kind in cluster.objects})
    lines.append("objects: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    lines.append(f"clock: {format_time(cluster.now)} (+{cluster.elapsed}s)")
    return lines


def findings(found: Iterable[Any]) -> list[str]:
    """The check's verdict: every violation with the event and step that caused it."""
    found = list(found)
    if not found:
        return ["check: no invariant violated"]
    lines = [f"check: {len(found)} violation(s)"]
    for f in found:
        lines.append(f"  violated after #{f.index} {describe_event(f.event)} ({f.step}): "
                     f"{f.violation}")
    return lines


def explain(cx: Any) -> list[str]:
    """A counterexample in plain words: what was set up, what happened, what broke."""
    lines = [f"violation found after {len(cx.events)} event(s); what was set up:"]
    turns = ticks = 0
    for event in cx.setup:
        if isinstance(event, Apply):
            lines.append(f"  - {_describe_object(event.object)}")
        elif isinstance(event, Reconcile):
            turns += 1
        elif isinstance(event, Tick):
            ticks += event.seconds
    settled = f"{turns} controller turns and " if turns else ""
    lines.append(f"  - then {settled}{ticks}s of time, until nothing was left to do")
    lines.append("what happened:")
    for i, event in enumerate(cx.events, 1):
        detail = ""
        if isinstance(event, Apply) and getattr(event.object, "kind", "") == "Deployment":
            detail = f" ({_template(event.object)})"
        lines.append(f"  {i}. {describe_event(event)}{detail}")
    lines.append("what broke:")
    for f in cx.findings:
        lines.append(f"  after event {f.index} ({f.step}): {f.violation}")
    return lines


def _describe_object(obj: Any) -> str:
    """One line for a set-up object: a Node's size and taints, a Deployment's replicas,
    strategy and template, a PDB's budget."""
    name = f"{obj.metadata.namespace}/{obj.metadata.name}" if obj.metadata.namespace \
        else obj.metadata.name
    if obj.kind == "Node":
        cpu = obj.status.allocatable.get("cpu")
        taints = ", ".join(f"taint {t.key}={t.value or ''}:{t.effect}" for t in obj.spec.taints)
        return f"Node {name} ({cpu} cpu{', ' + taints if taints else ''})"
    if obj.kind == "Deployment":
        spec = obj.spec
        strategy = spec.strategy.type if spec.strategy and spec.strategy.type else \
            "RollingUpdate"
        ru = spec.strategy.rolling_update if spec.strategy else None
        if strategy == "RollingUpdate" and ru is not None:
            strategy += f" maxSurge {ru.max_surge} maxUnavailable {ru.max_unavailable}"
        return (f"Deployment {name}: {spec.replicas} replicas, {strategy}, "
                f"{_template(obj)}")
    if obj.kind == "PodDisruptionBudget":
        budget = (f"minAvailable {obj.spec.min_available}" if obj.spec.min_available is not None
                  else f"maxUnavailable {obj.spec.max_unavailable}")
        return f"PodDisruptionBudget {name}: {budget}"
    return f"{obj.kind} {name}"


def _template(d: Any) -> str:
    """A Deployment template's image and readiness delay, in words."""
    containers = d.spec.template.spec.containers if d.spec.template else ()
    if not containers:
        return "no containers"
    c = containers[0]
    probe = c.readiness_probe
    ready = f"ready {probe.initial_delay_seconds or 0}s after it starts" if probe \
        else "ready as soon as it starts"
    return f"image {c.image}, {ready}"


class Progress:
    """A one-line progress display on a terminal (nothing when output is not a terminal)."""

    def __init__(self, total: int) -> None:
        import sys

        self.total = total
        self.stream = sys.stderr
        self.live = self.stream.isatty()

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int) -> None:
        if self.live and (done % 5 == 0 or done == self.total):
            self.stream.write(f"\rexploring: {done}/{self.total} sequences")
            self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.stream.write("\n")
