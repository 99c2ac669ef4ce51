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
             plane: ControlPlane | None = None) -> Convergence:
    """Let time pass until no work is due; then check every workload against its spec."""
    cluster = manager.step(cluster, Tick(0), plane=plane)
    seen: dict[str, tuple[int, int]] = {}  # fingerprint -> (place in history, revision)
    history: list[str] = []
    for wakeup in range(max_wakeups):
        due = cluster.queue.next_due()
        if due is None and len(cluster.queue) == 0:
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
        cluster = manager.step(cluster, Tick(max(0, (due or cluster.now) - cluster.now)),
                               plane=plane)
    return Convergence(False, cluster, max_wakeups, tuple(workloads_match_spec(cluster)))


def workloads_match_spec(cluster: Cluster) -> Iterator[Violation]:
    """Every Deployment complete for its generation with one active ReplicaSet and old ones
    pruned to revisionHistoryLimit; every ReplicaSet with the pods it asks for; every aborted
    Argo Rollout back on its stable revision (properties/rollouts.py)."""
    for d in cluster.list("Deployment"):
        if d.spec.paused or d.metadata.deletion_timestamp is not None:
            continue
        yield from _deployment_matches(cluster, d)
    for rs in cluster.list("ReplicaSet"):
        want = rs.spec.replicas or 0
        have = rs.status.replicas or 0
        if have != want or (rs.status.available_replicas or 0) != want:
            yield Violation("workloads_match_spec",
                            f"replicaset {rs.metadata.namespace}/{rs.metadata.name} wants {want} "
                            f"replicas, has {have} ({rs.status.available_replicas or 0} "
                            "available)")
    yield from rollouts.aborted_rollouts_end_on_stable(cluster)


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
