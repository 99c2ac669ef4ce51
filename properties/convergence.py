"""Convergence, as Anvil states eventually stable reconciliation: once external events and
faults stop, the cluster reaches within a bound a state where every workload's status matches
its spec, and stays there.

`converge(cluster)` lets time pass (only to the moments work is due, so no tick scans the
cluster) until nothing is left to do, and reports either the settled state and whether every
workload matches its spec, or the cycle of states it oscillates in.

Models: Anvil (OSDI '24) ESR; the "complete" Deployment of
pkg/controller/deployment/util.DeploymentComplete and the revisionHistoryLimit cleanup.
Simplifies: a state is compared by its objects' content without resourceVersions and times, so
a controller that rewrites the same content forever is caught as a cycle of length 1; a state
seen again with no write in between is waiting for a due time, not a cycle.
Covered by: tests/test_properties_convergence.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import encode_object, sort_key
from kubefold.core.events import Tick
from kubefold.properties import rollouts
from kubefold.properties.invariants import Violation
from kubefold.reducers import manager
from kubefold.reducers.controlplane import ControlPlane

MAX_WAKEUPS = 200
# Controllers that wake on a schedule forever (a CronJob's next run): once nothing but their
# wake-ups is left, no work is pending and the state is judged.
PERIODIC = frozenset({"cronjob"})
WATCH_AFTER = 10  # wakeups before states are fingerprinted to look for a cycle


@attrs.frozen
class Convergence:
    settled: bool
    cluster: Cluster
    wakeups: int
    problems: tuple[Violation, ...] = ()
    cycle: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.settled and not self.problems


_VOLATILE = re.compile(r"(resourceVersion|Time|Timestamp|time|startedAt|restartedAt)$")


def _stable(value: Any) -> Any:
    """An encoded object without the keys that change with every write or with time."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if not _VOLATILE.search(k)}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _fingerprint(cluster: Cluster) -> str:
    """A digest of every object's content, without resourceVersions and times."""
    digest = hashlib.sha256()
    for kind in sorted(cluster.objects):
        for obj in sorted(cluster.list(kind), key=sort_key):
            digest.update(json.dumps(_stable(encode_object(obj)), sort_keys=True,
                                     default=str).encode())
    return digest.hexdigest()[:16]


def converge(cluster: Cluster, max_wakeups: int = MAX_WAKEUPS,
             plane: ControlPlane | None = None, observer: Any = None) -> Convergence:
    """Let time pass until no work is due; then check every workload against its spec. The
    steps are a `settle:` event's (manager.settle); `observer` sees every state on the way."""

    bound: list[str] = []

    def step(cluster: Cluster, tick: Tick) -> Cluster:
        outcome = manager.apply_event(cluster, tick, observer=observer, plane=plane)
        if not outcome.settled:
            bound.append(outcome.bound)
        return outcome.cluster

    cluster = step(cluster, Tick(0))
    seen: dict[str, tuple[int, int]] = {}  # fingerprint -> (place in history, revision)
    history: list[str] = []
    for wakeup in range(max_wakeups):
        if bound:  # a work bound (core/limits.py) was reached: no point waiting longer
            return Convergence(False, cluster, wakeup, (Violation("convergence", bound[0]),))
        due = cluster.queue.next_due()
        if len(cluster.queue) == 0 and all(c in PERIODIC for c, _ in cluster.queue.waiting):
            return Convergence(True, cluster, wakeup, tuple(workloads_match_spec(cluster)))
        if wakeup >= WATCH_AFTER:  # settling takes a few wakeups; a cycle goes on and on
            fingerprint = _fingerprint(cluster)
            if fingerprint in seen and seen[fingerprint][1] != cluster.resource_version:
                # The same content again after writes: the controllers go round in a cycle.
                # (The same content with no write in between is time passing towards a due
                # time.)
                return Convergence(False, cluster, wakeup, (),
                                   tuple(history[seen[fingerprint][0]:]))
            seen.setdefault(fingerprint, (len(history), cluster.resource_version))
            history.append(f"+{cluster.elapsed}s {fingerprint}")
        cluster = step(cluster, Tick(max(0, (due or cluster.now) - cluster.now)))
    return Convergence(False, cluster, max_wakeups, tuple(workloads_match_spec(cluster)))


def problems_of(result: Convergence) -> tuple[Violation, ...]:
    """The violations a convergence result stands for: what does not match, or the cycle."""
    if result.ok:
        return ()
    return result.problems or (Violation(
        "convergence", "the cluster oscillates: " + " -> ".join(result.cycle)
        if result.cycle else "the cluster did not settle within the wakeups allowed"),)


def workloads_match_spec(cluster: Cluster) -> Iterator[Violation]:
    """Every Deployment complete for its generation with one active ReplicaSet and old ones
    pruned to revisionHistoryLimit; every ReplicaSet with the pods it asks for; every
    StatefulSet and DaemonSet ready at the revision its strategy asks for; every Job with the
    pods it still needs and a status that counts them; every aborted Argo Rollout back on its
    stable revision (properties/rollouts.py)."""
    for d in cluster.list("Deployment"):
        if d.spec.paused or d.metadata.deletion_timestamp is not None:
            continue
        yield from _deployment_matches(cluster, d)
    yield from _stateful_and_daemon_sets_match(cluster)
    for job in cluster.list("Job"):
        yield from _job_matches(cluster, job)
    for rs in cluster.list("ReplicaSet"):
        want = rs.spec.replicas or 0
        have = rs.status.replicas or 0
        if have != want or (rs.status.available_replicas or 0) != want:
            yield Violation("workloads_match_spec",
                            f"replicaset {rs.metadata.namespace}/{rs.metadata.name} wants {want} "
                            f"replicas, has {have} ({rs.status.available_replicas or 0} "
                            "available)")
    yield from rollouts.aborted_rollouts_end_on_stable(cluster)


def _stateful_and_daemon_sets_match(cluster: Cluster) -> Iterator[Violation]:
    """StatefulSets and DaemonSets (properties/workloads.py says what matching is)."""
    from kubefold.properties import workloads

    for sts in cluster.list("StatefulSet"):
        if sts.metadata.deletion_timestamp is None:
            for problem in workloads.stateful_set_matches_spec(cluster, sts):
                yield Violation("workloads_match_spec", problem)
    for ds in cluster.list("DaemonSet"):
        if ds.metadata.deletion_timestamp is None:
            for problem in workloads.daemon_set_matches_spec(cluster, ds):
                yield Violation("workloads_match_spec", problem)


def _deployment_matches(cluster: Cluster, d: Any) -> Iterator[Violation]:
    key = f"{d.metadata.namespace}/{d.metadata.name}"
    replicas = d.spec.replicas or 0
    s = d.status
    if (s.observed_generation or 0) < (d.metadata.generation or 0):
        yield Violation("workloads_match_spec", f"deployment {key} has not observed generation "
                                                f"{d.metadata.generation}")
    counts = (s.replicas or 0, s.updated_replicas or 0, s.available_replicas or 0)
    if counts != (replicas, replicas, replicas):
        yield Violation("workloads_match_spec",
                        f"deployment {key} wants {replicas} replicas, has replicas/updated/"
                        f"available {counts[0]}/{counts[1]}/{counts[2]}")
    rss = [rs for rs in cluster.owned_by(d.metadata.uid or "", "ReplicaSet") if rs]
    active = [rs for rs in rss if (rs.spec.replicas or 0) > 0]
    if replicas > 0 and len(active) != 1:
        yield Violation("workloads_match_spec",
                        f"deployment {key} has {len(active)} ReplicaSets with replicas")
    limit = d.spec.revision_history_limit
    old = len(rss) - len(active) - (1 if replicas == 0 and rss else 0)
    if limit is not None and old > limit:
        yield Violation("workloads_match_spec",
                        f"deployment {key} keeps {old} old ReplicaSets, above its "
                        f"revisionHistoryLimit {limit}")


def _job_matches(cluster: Cluster, job: Any) -> Iterator[Violation]:
    """A Job reports its pods (active, ready, terminating), runs none once finished or
    suspended, and otherwise runs as many as it still needs, up to parallelism (manageJob's
    wantActive, less the failed indexes of an Indexed Job, which firstPendingIndexes skips)."""
    key = f"{job.metadata.namespace}/{job.metadata.name}"
    pods = [p for p in cluster.owned_by(job.metadata.uid or "", "Pod") if p is not None]
    active = [p for p in pods if p.status.phase not in ("Succeeded", "Failed")
              and p.metadata.deletion_timestamp is None]
    terminating = [p for p in pods if p.status.phase not in ("Succeeded", "Failed")
                   and p.metadata.deletion_timestamp is not None]
    s, spec = job.status, job.spec
    if (s.active or 0) != len(active) or (s.terminating or 0) != len(terminating):
        yield Violation("workloads_match_spec",
                        f"job {key} reports {s.active or 0} active and {s.terminating or 0} "
                        f"terminating pods, has {len(active)} and {len(terminating)}")
    finished = any(c.type in ("Complete", "Failed") and c.status == "True"
                   for c in s.conditions)
    parallelism = spec.parallelism if spec.parallelism is not None else 1
    if finished or spec.suspend:
        want = 0
    elif spec.completions is None:
        want = len(active) if (s.succeeded or 0) > 0 else parallelism
    else:  # an Indexed Job runs no pod for a failed index (backoffLimitPerIndex)
        failed_indexes = _count_indexes(s.failed_indexes) \
            if spec.completion_mode == "Indexed" else 0
        want = max(0, min(spec.completions - (s.succeeded or 0) - failed_indexes, parallelism))
    if len(active) != want:
        yield Violation("workloads_match_spec",
                        f"job {key} wants {want} active pods, has {len(active)}")


def _count_indexes(text: str | None) -> int:
    """How many indexes `1,3-5` names."""
    count = 0
    for part in (text or "").split(","):
        first, _, last = part.partition("-")
        if first.isdigit():
            count += (int(last) if last.isdigit() else int(first)) - int(first) + 1
    return count
