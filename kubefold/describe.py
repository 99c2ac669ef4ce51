"""What `kubectl describe` prints for one object of a state, read from its JSON: its identity,
the fields that matter for its kind, its conditions, and the events that made it what it is.

kubefold stores no Event objects, so the Events section is built from what the state holds:
the conditions' transition times and reasons, a Pending pod's FailedScheduling message (exactly
as kube-scheduler writes it), a Deployment's ReplicaSets and their revisions. When a replay's
history is at hand, `history_events` adds what the replay saw happen to the object.

Models (v1.34): k8s.io/kubectl/pkg/describe describe.go (PodDescriber, DeploymentDescriber,
ReplicaSetDescriber, NodeDescriber, ServiceDescriber, the generic describer's layout:
`Name:`, `Namespace:`, `Labels:`, `Annotations:`, `Conditions:` table, `Events:` table with
Type, Reason, Age, From, Message).
Simplifies:
- Events are reconstructed (see above), so their counts and `From` are kubefold's reading.
- Volumes, environment, probes' handlers and QoS details are not printed.
Covered by: tests/test_describe.py, tests/test_get_golden.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kubefold.core import codec
from kubefold.core.labels import format_labels
from kubefold.printers import (
    NONE,
    _get,
    _time,
    find_node_roles,
    format_label_selector,
    human_duration,
    since,
    tabulate,
)
from kubefold.text import elide

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _labels_block(title: str, labels: Mapping[str, str], indent: int = 0) -> list[str]:
    """`Labels:  a=b` then one per line, as describe's printLabelsMultiline."""
    pad = " " * indent
    items = sorted(f"{k}={elide(str(v), 60)}" for k, v in labels.items())
    if not items:
        return [f"{pad}{title + ':':<14}{NONE}"]
    out = [f"{pad}{title + ':':<14}{items[0]}"]
    out += [f"{pad}{'':<14}{item}" for item in items[1:]]
    return out


def _field(name: str, value: Any, indent: int = 0) -> str:
    label = f"{name}:" if name else ""
    return f"{' ' * indent}{label:<{max(14, len(label) + 2)}}{value}"


def _conditions_table(obj: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    conds = _get(obj, "status.conditions") or []
    if not conds:
        return []
    rows = [list(columns), ["-" * len(c) for c in columns]]
    for c in conds:
        row = []
        for col in columns:
            key = {"Type": "type", "Status": "status", "Reason": "reason",
                   "Message": "message"}[col]
            row.append(elide(str(c.get(key) or ""), 100))
        rows.append(row)
    return ["Conditions:", *("  " + line for line in tabulate(rows))]


def _containers(spec: Mapping[str, Any], statuses: Iterable[Mapping[str, Any]],
                indent: int) -> list[str]:
    pad = " " * indent
    by_name = {s.get("name"): s for s in statuses}
    out = [f"{pad}Containers:"]
    for c in spec.get("containers") or []:
        out.append(f"{pad}  {c.get('name')}:")
        out.append(_field("Image", c.get("image", ""), indent + 4))
        ports = ",".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}"
                         for p in c.get("ports") or [])
        out.append(_field("Port", ports or NONE, indent + 4))
        status = by_name.get(c.get("name"))
        if status is not None:
            state = status.get("state") or {}
            kind = next(iter(state), "Waiting")
            out.append(_field("State", kind.capitalize(), indent + 4))
            detail = state.get(kind) or {}
            if detail.get("reason"):
                out.append(_field("  Reason", detail["reason"], indent + 4))
            if detail.get("startedAt"):
                out.append(_field("  Started", detail["startedAt"], indent + 4))
            if detail.get("exitCode") is not None:
                out.append(_field("  Exit Code", detail["exitCode"], indent + 4))
            out.append(_field("Ready", str(bool(status.get("ready"))), indent + 4))
            out.append(_field("Restart Count", status.get("restartCount", 0), indent + 4))
        requests = _get(c, "resources.requests") or {}
        if requests:
            out.append(f"{pad}    Requests:")
            out += [f"{pad}      {k + ':':<12}{v}" for k, v in sorted(requests.items())]
        if c.get("readinessProbe"):
            probe = c["readinessProbe"]
            out.append(_field("Readiness", f"delay={probe.get('initialDelaySeconds', 0)}s "
                              f"period={probe.get('periodSeconds', 10)}s", indent + 4))
    return out


def _pod(obj: Mapping[str, Any], now: int) -> list[str]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    owner = next((r for r in _get(obj, "metadata.ownerReferences") or []
                  if r.get("controller")), None)
    lines = [_field("Priority", spec.get("priority", 0)),
             _field("Node", spec.get("nodeName") or NONE),
             _field("Start Time", status.get("startTime") or NONE),
             _field("Status", "Terminating" if _get(obj, "metadata.deletionTimestamp")
                    else status.get("phase", "")),
             _field("IP", status.get("podIP") or ""),
             _field("Controlled By", f"{owner.get('kind')}/{owner.get('name')}"
                    if owner else NONE)]
    if status.get("nominatedNodeName"):
        lines.append(_field("NominatedNodeName", status["nominatedNodeName"]))
    lines += _containers(spec, status.get("containerStatuses") or [], 0)
    lines += _conditions_table(obj, ("Type", "Status"))
    lines.append(_field("QoS Class", status.get("qosClass") or NONE))
    lines.append(_field("Node-Selectors", format_labels(spec.get("nodeSelector") or {})))
    tolerations = [f"{t.get('key', '')}{':' + t['effect'] if t.get('effect') else ''} op="
                   f"{t.get('operator', 'Equal')}"
                   + (f" for {t['tolerationSeconds']}s" if t.get("tolerationSeconds") else "")
                   for t in spec.get("tolerations") or []]
    lines.append(_field("Tolerations", tolerations[0] if tolerations else NONE))
    lines += [_field("", t) for t in tolerations[1:]]
    return lines


def _strategy(obj: Mapping[str, Any]) -> list[str]:
    strategy = _get(obj, "spec.strategy") or {}
    kind = strategy.get("type", "RollingUpdate")
    out = [_field("StrategyType", kind),
           _field("MinReadySeconds", _get(obj, "spec.minReadySeconds", 0))]
    ru = strategy.get("rollingUpdate")
    if kind == "RollingUpdate" and ru:
        out.append(f"RollingUpdateStrategy:  {ru.get('maxUnavailable', '25%')} max unavailable, "
                   f"{ru.get('maxSurge', '25%')} max surge")
    return out


def _pod_template(obj: Mapping[str, Any]) -> list[str]:
    template = _get(obj, "spec.template") or {}
    lines = ["Pod Template:"]
    lines += _labels_block("Labels", _get(template, "metadata.labels") or {}, 2)
    lines += _containers(template.get("spec") or {}, (), 2)
    return lines


def _deployment(obj: Mapping[str, Any], now: int, cluster: Any) -> list[str]:
    status = obj.get("status") or {}
    lines = [_field("Selector", format_label_selector(_get(obj, "spec.selector"))),
             f"Replicas:               {_get(obj, 'spec.replicas', 0)} desired | "
             f"{status.get('updatedReplicas', 0)} updated | {status.get('replicas', 0)} total | "
             f"{status.get('availableReplicas', 0)} available | "
             f"{status.get('unavailableReplicas', 0)} unavailable"]
    lines += _strategy(obj)
    lines += _pod_template(obj)
    lines += _conditions_table(obj, ("Type", "Status", "Reason"))
    if cluster is not None:
        uid = _get(obj, "metadata.uid")
        owned = [codec.encode_object(rs) for rs in cluster.owned_by(uid, "ReplicaSet")] \
            if uid else []
        revision = _get(obj, "metadata.annotations", {}).get(
            "deployment.kubernetes.io/revision")
        new = [rs for rs in owned if _get(rs, "metadata.annotations", {}).get(
            "deployment.kubernetes.io/revision") == revision]
        old = [rs for rs in owned if rs not in new and _get(rs, "spec.replicas", 0)]

        def created(rs: Mapping[str, Any]) -> str:
            return (f"{_get(rs, 'metadata.name')} ({_get(rs, 'status.replicas', 0)}/"
                    f"{_get(rs, 'spec.replicas', 0)} replicas created)")

        lines.append(_field("OldReplicaSets", ", ".join(created(rs) for rs in old) or NONE))
        lines.append(_field("NewReplicaSet", ", ".join(created(rs) for rs in new) or NONE))
    return lines


def _replicaset(obj: Mapping[str, Any], now: int, cluster: Any) -> list[str]:
    status = obj.get("status") or {}
    owner = next((r for r in _get(obj, "metadata.ownerReferences") or []
                  if r.get("controller")), None)
    lines = [_field("Selector", format_label_selector(_get(obj, "spec.selector"))),
             _field("Controlled By", f"{owner.get('kind')}/{owner.get('name')}"
                    if owner else NONE),
             _field("Replicas", f"{status.get('replicas', 0)} current / "
                    f"{_get(obj, 'spec.replicas', 0)} desired")]
    if cluster is not None:
        uid = _get(obj, "metadata.uid")
        pods = [codec.encode_object(p) for p in cluster.owned_by(uid, "Pod")] if uid else []
        phases = {p: sum(1 for pod in pods if _get(pod, "status.phase") == p)
                  for p in ("Running", "Pending", "Succeeded", "Failed")}
        lines.append(_field("Pods Status", " / ".join(f"{n} {p}" for p, n in phases.items())))
    lines += _pod_template(obj)
    lines += _conditions_table(obj, ("Type", "Status", "Reason"))
    return lines


def _node(obj: Mapping[str, Any], now: int, cluster: Any) -> list[str]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    taints = [f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect')}"
              for t in spec.get("taints") or []]
    lines = [_field("Taints", taints[0] if taints else NONE)]
    lines += [_field("", t) for t in taints[1:]]
    lines.append(_field("Unschedulable", str(bool(spec.get("unschedulable"))).lower()))
    lines += _conditions_table(obj, ("Type", "Status", "Reason", "Message"))
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        lines.append(f"{title}:")
        lines += [f"  {k}:{' ' * max(1, 18 - len(k))}{v}"
                  for k, v in sorted((status.get(key) or {}).items())]
    if cluster is not None:
        pods = cluster.pods_on_node(_get(obj, "metadata.name"))
        live = [p for p in pods if p.status.phase not in ("Succeeded", "Failed")]
        lines.append(f"Non-terminated Pods:          ({len(live)} in total)")
        rows = [["Namespace", "Name", "CPU Requests", "Memory Requests", "Age"]]
        for p in live:
            doc = codec.encode_object(p)
            cpu = sum_requests(doc, "cpu")
            mem = sum_requests(doc, "memory")
            rows.append([p.metadata.namespace or "", p.metadata.name or "", cpu or "0 (0%)",
                         mem or "0 (0%)", since(_get(doc, "metadata.creationTimestamp"), now)])
        lines += ["  " + line for line in tabulate(rows)]
    return lines


def sum_requests(pod: Mapping[str, Any], resource: str) -> str:
    values = [str(_get(c, f"resources.requests.{resource}")) for c in
              _get(pod, "spec.containers") or [] if _get(c, f"resources.requests.{resource}")]
    return "+".join(values)


def _service(obj: Mapping[str, Any], now: int, cluster: Any) -> list[str]:
    spec = obj.get("spec") or {}
    lines = [_field("Selector", format_labels(spec.get("selector") or {})),
             _field("Type", spec.get("type", "ClusterIP")),
             _field("IP", spec.get("clusterIP") or NONE)]
    for port in spec.get("ports") or []:
        lines.append(_field("Port", f"{port.get('name') or '<unset>'}  {port.get('port')}/"
                            f"{port.get('protocol', 'TCP')}"))
        lines.append(_field("TargetPort", f"{port.get('targetPort', port.get('port'))}/"
                            f"{port.get('protocol', 'TCP')}"))
        if port.get("nodePort"):
            lines.append(_field("NodePort", f"{port.get('name') or '<unset>'}  "
                                f"{port['nodePort']}/{port.get('protocol', 'TCP')}"))
    return lines


def _generic(obj: Mapping[str, Any], now: int, cluster: Any) -> list[str]:
    return _conditions_table(obj, ("Type", "Status", "Reason", "Message"))


DESCRIBERS = {
    "Pod": lambda obj, now, cluster: _pod(obj, now),
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "Node": _node,
    "Service": _service,
}


def state_events(obj: Mapping[str, Any], now: int) -> list[tuple[int, list[str]]]:
    """(time, [Type, Reason, From, Message]) read from the object's status: every condition's
    last transition, a pod's FailedScheduling."""
    out: list[tuple[int, list[str]]] = []
    kind = obj.get("kind")
    source = {"Pod": "kubelet", "Node": "kubelet", "Deployment": "deployment-controller",
              "ReplicaSet": "replicaset-controller"}.get(str(kind), "kubefold")
    for c in _get(obj, "status.conditions") or []:
        t = _time(c.get("lastTransitionTime")) or _time(c.get("lastUpdateTime"))
        if t is None:
            continue
        if kind == "Pod" and c.get("type") == "PodScheduled" and c.get("status") == "False":
            out.append((t, ["Warning", "FailedScheduling", "default-scheduler",
                            c.get("message") or ""]))
            continue
        good = c.get("status") == "True" or c.get("type") in ("MemoryPressure", "DiskPressure",
                                                               "PIDPressure")
        reason = c.get("reason") or f"{c.get('type')}{c.get('status')}"
        text = c.get("message") or f"{c.get('type')} is {c.get('status')}"
        out.append((t, ["Normal" if good else "Warning", reason, source, text]))
    return sorted(out, key=lambda item: item[0])


def events_table(events: Sequence[tuple[int, list[str]]], now: int) -> list[str]:
    if not events:
        return ["Events:       <none>"]
    rows = [["Type", "Reason", "Age", "From", "Message"],
            ["----", "------", "----", "----", "-------"]]
    for t, (kind, reason, source, message) in events:
        rows.append([kind, reason, human_duration(now - t), source, elide(message, 200)])
    return ["Events:", *("  " + line for line in tabulate(rows))]


def describe(obj: Any, now: int, cluster: Any = None,
             history: Sequence[tuple[int, list[str]]] = ()) -> str:
    """kubectl describe's text for `obj` (a kubefold object) at time `now`; `cluster` lets
    owners, owned objects and a node's pods be shown; `history` adds events a replay saw."""
    doc = codec.encode_object(obj)
    meta = doc.get("metadata") or {}
    lines = [_field("Name", meta.get("name", ""))]
    if meta.get("namespace"):
        lines.append(_field("Namespace", meta["namespace"]))
    if obj.kind == "Node":
        lines.append(_field("Roles", ",".join(find_node_roles(meta.get("labels") or {})) or NONE))
    lines += _labels_block("Labels", meta.get("labels") or {})
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != LAST_APPLIED}
    lines += _labels_block("Annotations", annotations)
    created = _time(meta.get("creationTimestamp"))
    lines.append(_field("CreationTimestamp", "<unknown>" if created is None else
                        time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(created))))
    describer = DESCRIBERS.get(str(obj.kind), _generic)
    lines += describer(doc, now, cluster)
    events = sorted([*state_events(doc, now), *history], key=lambda item: item[0])
    lines += events_table(events, now)
    return "\n".join(lines) + "\n"


def _replicas_of(obj: Any) -> int:
    return int(getattr(getattr(obj, "spec", None), "replicas", None) or 0)


def history_events(history: Any, obj: Any, upto: int | None = None
                   ) -> list[tuple[int, list[str]]]:
    """What a replay saw happen to `obj`, as kubectl describe's Events would list them: a
    Deployment's ScalingReplicaSet, a ReplicaSet's SuccessfulCreate/SuccessfulDelete, a Pod's
    Scheduled, Started and Killing, any object's creation and updates. Each is stamped with the
    time of the event in whose wake it happened (the start of the clock's run for work done
    while the clock ran to an event)."""
    from kubefold import account

    uid = obj.metadata.uid
    ref = (obj.kind, obj.metadata.namespace or "", obj.metadata.name)
    out: list[tuple[int, list[str]]] = []
    before = history.start
    for index, outcome in enumerate(history.outcomes[:upto], 1):
        start = account._event_start(outcome, before)
        groups = [(before.now, t.controller, t.changes) for t in outcome.waited]
        groups.append((start, "kubectl", outcome.changes))
        groups += [(start, t.controller, t.changes) for t in outcome.turns]
        for t, who, changes in groups:
            for c in changes:
                out.extend((t, e) for e in _events_of(c, ref, uid, who, index, outcome))
        before = outcome.cluster
    return out


def _events_of(c: Any, ref: tuple[str, str, str], uid: Any, who: str, index: int,
               outcome: Any) -> list[list[str]]:
    from kubefold import report

    old, new = c.old, c.new
    if (c.kind, c.namespace, c.name) == ref:
        if old is None:
            return [["Normal", "Created", who, f"created by #{index} "
                     f"{report.describe_event(outcome.event)}"]]
        if new is None:
            return [["Normal", "Deleted", who, "deleted"]]
        out = []
        if ref[0] == "Pod":
            if new.spec.node_name and not old.spec.node_name:
                out.append(["Normal", "Scheduled", "default-scheduler",
                            f"Successfully assigned {c.namespace}/{c.name} to "
                            f"{new.spec.node_name}"])
            if new.status.phase == "Running" and old.status.phase != "Running":
                names = ", ".join(x.name or "" for x in new.spec.containers)
                out.append(["Normal", "Started", "kubelet", f"Started container {names}"])
            if new.metadata.deletion_timestamp and not old.metadata.deletion_timestamp:
                names = ", ".join(x.name or "" for x in new.spec.containers)
                out.append(["Normal", "Killing", "kubelet", f"Stopping container {names}"])
            return out
        if who == "kubectl":
            lines = report.diff(old, new)
            if lines:
                out.append(["Normal", "Updated", who, f"#{index} "
                            f"{report.describe_event(outcome.event)}: {lines[0]}"])
        return out
    obj = new if new is not None else old
    owned = uid is not None and any(r.uid == uid for r in obj.metadata.owner_references)
    if not owned:
        return []
    if c.kind == "ReplicaSet" and ref[0] == "Deployment":
        a = _replicas_of(old) if old is not None else 0
        b = _replicas_of(new) if new is not None else 0
        if a != b:
            verb = "up" if b > a else "down"
            return [["Normal", "ScalingReplicaSet", "deployment-controller",
                     f"Scaled {verb} replica set {c.name} from {a} to {b}"]]
    if c.kind == "Pod":
        if old is None:
            return [["Normal", "SuccessfulCreate", who + "-controller" if who == "replicaset"
                     else who, f"Created pod: {c.name}"]]
        if new is not None and new.metadata.deletion_timestamp and \
                not old.metadata.deletion_timestamp:
            return [["Normal", "SuccessfulDelete", who + "-controller" if who == "replicaset"
                     else who, f"Deleted pod: {c.name}"]]
    return []
