"""The per-controller account of a replay (`replay -v`, `-vv`): one line per write; and the
explanation of an explored counterexample. The default account is account.py."""

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
    Helm,
    MetricSample,
    NodeHealth,
    PodEvent,
    Reconcile,
    Rollout,
    Scale,
    Settle,
    Tick,
    Usage,
)
from kubefold.core.schema import thaw
from kubefold.reducers.manager import Outcome
from kubefold.text import elide

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
    if isinstance(event, Usage | MetricSample):
        target = event.pod or ("selected pods" if event.selector is not None else "")
        where = "/".join(p for p in (event.namespace, target) if p)
        if isinstance(event, Usage):
            return f"usage sample for {where}"
        return f"metric {event.name} = {thaw(event.value)}" + (f" for {where}" if where else "")
    if isinstance(event, Helm):
        chart = f" {event.chart}" + (f" {event.version}" if event.version else "") \
            if event.chart else ""
        to = f" to {event.revision}" if event.revision else ""
        return f"helm {event.action} {event.namespace}/{event.release}{chart}{to}"
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


def _conditions(obj: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(status, reason) of each status condition, by type."""
    out = {}
    for c in (obj.get("status") or {}).get("conditions") or []:
        out[str(c.get("type"))] = (str(c.get("status")), str(c.get("reason") or ""))
    return out


def _condition_changes(old_doc: dict[str, Any], new_doc: dict[str, Any], level: int
                       ) -> list[str]:
    """`Type: old -> new` where a condition's status changed (with its new reason at level 2);
    at level 2 also `Type reason: old -> new` where only the reason changed."""
    ca, cb = _conditions(old_doc), _conditions(new_doc)
    lines = []
    for ctype in sorted(set(ca) | set(cb)):
        a, b = ca.get(ctype), cb.get(ctype)
        if (a and a[0]) == (b and b[0]):
            if level >= 2 and a is not None and b is not None and a[1] != b[1]:
                lines.append(f"{ctype} reason: {a[1] or '-'} -> {b[1] or '-'}")
            continue
        reason = f" ({b[1]})" if level >= 2 and b is not None and b[1] else ""
        lines.append(f"{ctype}: {a[0] if a else '-'} -> {b[0] if b else '-'}{reason}")
    return lines


LAST_APPLIED = "metadata.annotations.kubectl.kubernetes.io/last-applied-configuration"


def diff(old: Any, new: Any, level: int = 1) -> list[str]:
    """`path: old -> new` for each changed leaf. Never: resourceVersion, managedFields, the
    last-applied-configuration annotation, or a value that did not change. Level 1 leaves out
    bookkeeping times and counters and shows a condition only when its status changes; level 2
    shows every other field, and a condition's reason too. Multi-line values are elided."""
    old_doc, new_doc = encode_object(old), encode_object(new)
    a, b = _flatten(old_doc), _flatten(new_doc)
    lines = _condition_changes(old_doc, new_doc, level)
    a = {k: v for k, v in a.items() if not k.startswith("status.conditions[")}
    b = {k: v for k, v in b.items() if not k.startswith("status.conditions[")}
    for path in sorted(set(a) | set(b)):
        if path.startswith(IGNORED_PATHS) or path == LAST_APPLIED or a.get(path) == b.get(path):
            continue
        if level < 2 and path.endswith(QUIET_SUFFIXES):
            continue
        lines.append(f"{path}: {_short(a.get(path))} -> {_short(b.get(path))}")
    return lines


def _short(value: Any) -> str:
    return elide(value, 60)


def describe_change(change: Change, level: int = 1) -> str:
    ref = f"{change.kind} {change.namespace + '/' if change.namespace else ''}{change.name}"
    if change.old is None:
        return f"created {ref}"
    if change.new is None:
        return f"deleted {ref}"
    if change.old.metadata.deletion_timestamp is None and \
            change.new.metadata.deletion_timestamp is not None:
        return f"marked {ref} for deletion"
    lines = diff(change.old, change.new, level)
    if not lines:
        return f"updated {ref} (bookkeeping only)"
    limit = MAX_DIFFS if level < 2 else len(lines)
    shown = "; ".join(lines[:limit])
    more = f" (+{len(lines) - limit} more)" if len(lines) > limit else ""
    return f"updated {ref}: {shown}{more}"


def describe_turns(turns: Iterable[Any], level: int = 1) -> list[str]:
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
            line = describe_change(c, level)
            if line.endswith("(bookkeeping only)") and level < 2:
                continue
            lines.append(f"    {who}: {line}")
    return lines


def describe_outcome(index: int, outcome: Outcome, before: Cluster, level: int = 1
                     ) -> list[str]:
    """The per-controller account of one event: every write, one line each (level 1: bookkeeping
    left out; level 2: every field)."""
    lines = []
    if outcome.waited:
        lines.append(f"   (while the clock ran to +{outcome.cluster.elapsed}s)")
        lines.extend(describe_turns(outcome.waited, level))
    clock = f"+{outcome.cluster.elapsed}s"
    lines.append(f"#{index} [{clock}] {describe_event(outcome.event)}")
    if outcome.rejected is not None:
        lines.append(f"    rejected: {outcome.rejected}")
        return lines
    lines.extend(f"    {describe_change(c, level)}" for c in outcome.changes)
    lines.extend(describe_turns(outcome.turns, level))
    if not outcome.settled:
        lines.append("    did not settle: the controllers were still busy at the turn bound")
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
    offset = len(cx.setup)  # numbered as `kubefold replay` numbers the written log
    lines.append(f"what happened: (numbered as `kubefold replay` numbers the written log, "
                 f"whose first {offset} events are the set-up)")
    for i, event in enumerate(cx.events, 1):
        detail = ""
        if isinstance(event, Apply) and getattr(event.object, "kind", "") == "Deployment":
            detail = f" ({_template(event.object)})"
        lines.append(f"  #{offset + i} {describe_event(event)}{detail}")
    lines.append("what broke:")
    for f in cx.findings:
        lines.append(f"  after event #{offset + f.index} ({f.step}): {f.violation}")
        if f.violation.invariant == "pod_disruption_budgets_hold" and not isinstance(
                f.event, Evict | Drain):
            lines.extend(_pdb_advice(cx, f))
    return lines


def _pdb_advice(cx: Any, finding: Any) -> list[str]:
    """Why Kubernetes allows a rollout to dip below a PodDisruptionBudget, and the setting that
    would prevent it."""
    pdb = next((e.object for e in cx.setup if isinstance(e, Apply)
                and getattr(e.object, "kind", "") == "PodDisruptionBudget"), None)
    deployment = next((e.object for e in cx.setup if isinstance(e, Apply)
                       and getattr(e.object, "kind", "") == "Deployment"), None)
    lines = ["    Kubernetes allows this: a PodDisruptionBudget limits evictions (the Eviction "
             "API, kubectl drain), and a rollout is not an eviction: the Deployment controller "
             "deletes old pods through their ReplicaSet without asking the budget."]
    if pdb is not None and deployment is not None and deployment.spec.replicas is not None \
            and isinstance(pdb.spec.min_available, int):
        allowed = max(deployment.spec.replicas - pdb.spec.min_available, 0)
        lines.append(f"    To keep minAvailable {pdb.spec.min_available} during rollouts, set "
                     f"the Deployment's spec.strategy.rollingUpdate.maxUnavailable to "
                     f"{allowed} or less (replicas {deployment.spec.replicas} - minAvailable "
                     f"{pdb.spec.min_available}); maxUnavailable 0 with maxSurge >= 1 never "
                     "goes below replicas.")
    else:
        lines.append("    To keep the budget during rollouts, lower the Deployment's "
                     "spec.strategy.rollingUpdate.maxUnavailable (0 with maxSurge >= 1 never "
                     "goes below replicas).")
    return lines


def loaded(manifests: Iterable[dict[str, Any]]) -> list[str]:
    """What explore loaded: workloads, nodes, PDBs, and a warning when no pod can run."""
    docs = list(manifests)
    counts = Counter(str(d.get("kind")) for d in docs)

    def names(kind: str) -> str:
        return ", ".join(str((d.get("metadata") or {}).get("name")) for d in docs
                         if d.get("kind") == kind)

    parts = [f"{n} {kind}{'s' if n > 1 else ''} ({names(kind)})"
             for kind, n in sorted(counts.items())]
    lines = ["loaded: " + (", ".join(parts) if parts else "nothing")]
    if not counts.get("Node"):
        lines.append("0 nodes: nothing can be scheduled (add Node manifests)")
    if not counts.get("PodDisruptionBudget"):
        lines.append("no PodDisruptionBudget: only the built-in invariants are checked")
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
