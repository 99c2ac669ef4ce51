"""The rollout timeline of a replay: for every workload with revisions (a Deployment's or a
Rollout's ReplicaSets, a StatefulSet's or DaemonSet's pods by `controller-revision-hash`), how
many replicas each revision had at each moment. The HTML report and `--plot` draw it.

Read generically from the objects' JSON, so workload kinds other modules add (StatefulSet,
argoproj.io Rollout) are drawn without their classes: a ReplicaSet-like child is an owned
object with `spec.replicas` and a revision annotation (`deployment.kubernetes.io/revision`,
`rollout.argoproj.io/revision`); otherwise owned pods are counted per
`controller-revision-hash` label.

`Recorder` is an observer (`manager.apply_event(observer=...)`) that samples after every
controller turn, so the steps of a rolling update inside one long tick keep their own times;
`from_history` samples once per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import encode_object

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout")
REVISION_ANNOTATIONS = ("deployment.kubernetes.io/revision", "rollout.argoproj.io/revision")
HASH_LABEL = "controller-revision-hash"


@attrs.frozen
class Series:
    """One revision of one workload: (seconds since the start, replicas) points."""

    workload: str  # "Deployment default/web"
    revision: str  # "1", "2", ... or a revision hash
    points: tuple[tuple[int, int], ...]


def revisions(cluster: Cluster, workload: Any) -> dict[str, int]:
    """Replicas per revision of one workload in one state."""
    uid = workload.metadata.uid
    if not uid:
        return {}
    out: dict[str, int] = {}
    children = cluster.owned_by(uid)
    sized = [c for c in children if c.kind != "Pod" and _replicas(c)[0] is not None]
    if sized:
        for child in sized:
            ann = child.metadata.annotations
            rev = next((ann[a] for a in REVISION_ANNOTATIONS if a in ann), child.metadata.name)
            out[str(rev)] = out.get(str(rev), 0) + (_replicas(child)[1] or 0)
        return out
    for pod in children:
        if pod.kind == "Pod" and pod.metadata.deletion_timestamp is None:
            rev = pod.metadata.labels.get(HASH_LABEL, "?")
            out[rev] = out.get(rev, 0) + 1
    return out


def _replicas(obj: Any) -> tuple[int | None, int | None]:
    """(spec.replicas, status.replicas) of a typed object, or read from its JSON."""
    spec, status = getattr(obj, "spec", None), getattr(obj, "status", None)
    if spec is not None and hasattr(spec, "replicas"):
        return spec.replicas, getattr(status, "replicas", None)
    doc = encode_object(obj)
    desired = (doc.get("spec") or {}).get("replicas")
    current = (doc.get("status") or {}).get("replicas")
    return (desired if isinstance(desired, int) else None,
            current if isinstance(current, int) else None)


def workload_of(cluster: Cluster, obj: Any) -> Any:
    """The workload at the top of `obj`'s controller owners (itself when it is one)."""
    for _ in range(4):
        if obj.kind in WORKLOAD_KINDS:
            return obj
        ref = next((r for r in obj.metadata.owner_references if r.controller), None)
        owner = cluster.by_uid(ref.uid) if ref is not None and ref.uid else None
        if owner is None:
            return None
        obj = owner
    return None


def sample(cluster: Cluster) -> dict[str, dict[str, int]]:
    """Replicas per revision of every workload in a state."""
    out = {}
    for kind in WORKLOAD_KINDS:
        for w in cluster.list(kind):
            out[f"{kind} {w.metadata.namespace}/{w.metadata.name}"] = revisions(cluster, w)
    return out


class Recorder:
    """Observer: samples the workloads touched by every turn, with the clock's time."""

    def __init__(self, cluster: Cluster) -> None:
        self.start = cluster.clock_start
        self.current = sample(cluster)
        self.samples: list[tuple[int, dict[str, dict[str, int]]]] = [
            (cluster.elapsed, dict(self.current))]

    def __call__(self, cluster: Cluster, turn: Any) -> None:
        """Resample the workloads a turn touched (a workload's revisions change when one of
        its ReplicaSets or the workload is written; a StatefulSet's status follows its pods);
        after an event's own write, every workload."""
        if turn is None:
            self.current = sample(cluster)
        else:
            touched = {}
            for c in turn.changes:
                if c.kind not in ("ReplicaSet", *WORKLOAD_KINDS):
                    continue
                obj = c.new if c.new is not None else c.old
                w = workload_of(cluster, obj)
                if w is not None:
                    touched[f"{w.kind} {w.metadata.namespace}/{w.metadata.name}"] = w
            if not touched:
                return
            self.current = dict(self.current)
            for key, w in touched.items():
                live = cluster.get(w.kind, w.metadata.namespace, w.metadata.name)
                self.current[key] = revisions(cluster, live) if live is not None else {}
        self.samples.append((cluster.now - self.start, self.current))


def from_samples(samples: Iterable[tuple[int, dict[str, dict[str, int]]]]) -> list[Series]:
    """Samples as step series, one per workload and revision, a point where the count changes
    (and a closing point at the last time)."""
    points: dict[tuple[str, str], list[tuple[int, int]]] = {}
    last_t = 0
    samples = list(samples)
    for t, by_workload in samples:
        last_t = max(last_t, t)
        for workload, revs in by_workload.items():
            keys = {k for k in points if k[0] == workload} | {(workload, r) for r in revs}
            for key in keys:
                value = revs.get(key[1], 0)
                series = points.setdefault(key, [])
                if not series or series[-1][1] != value:
                    if series and series[-1][0] == t:
                        series[-1] = (t, value)
                    else:
                        series.append((t, value))
    out = []
    for (workload, rev), pts in points.items():
        if pts and pts[-1][0] < last_t:
            pts.append((last_t, pts[-1][1]))
        if any(v for _, v in pts):
            out.append(Series(workload, rev, tuple(pts)))
    return sorted(out, key=lambda s: (s.workload, _rev_key(s.revision)))


def _rev_key(rev: str) -> tuple[int, str]:
    return (int(rev), "") if rev.isdigit() else (1 << 30, rev)


def from_history(history: Any) -> list[Series]:
    """The timeline sampled once per event of a History."""
    start = history.start
    samples = [(start.elapsed, sample(start))]
    samples += [(o.cluster.elapsed, sample(o.cluster)) for o in history.outcomes]
    return from_samples(samples)
