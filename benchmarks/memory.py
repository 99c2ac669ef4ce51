"""Bytes per node and per pod of the cluster value, and of the history a replay keeps.

Built through the public API as benchmarks/envelope.py builds its clusters; measured with
tracemalloc (the Python heap that stays allocated), so the figures are the value's own:
- per node: a cluster of N ready nodes, less an empty cluster, over N;
- per pod: then D 100-replica Deployments brought to Running and Ready, over the pods (the
  cluster alone: only the last state kept);
- per pod with history: the same, keeping every event's Outcome as `kubefold replay` does
  (past states share structure with the last one; their intermediate writes are kept in the
  turns' change records).

    .venv/bin/python benchmarks/memory.py [--nodes 200] [--pods 3000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import envelope  # noqa: E402

from kubefold.core.codec import decode_object  # noqa: E402
from kubefold.core.events import Apply  # noqa: E402
from kubefold.reducers import manager  # noqa: E402


def held() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def build(nodes: int, deployments: int, history: bool) -> tuple[int, int, int, Any]:
    """(bytes before, with the nodes, with the pods) and the values kept."""
    start = held()
    cluster = manager.empty_cluster()
    kept: list[Any] = []
    for i in range(nodes):
        outcome = manager.apply_event(cluster, Apply(decode_object(envelope.node_manifest(i))))
        cluster = outcome.cluster
        if history:
            kept.append(outcome)
    with_nodes = held()
    for i in range(deployments):
        outcome = manager.apply_event(
            cluster, Apply(decode_object(envelope.deployment_manifest(i))))
        cluster = outcome.cluster
        if history:
            kept.append(outcome)
    return start, with_nodes, held(), (cluster, kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--pods", type=int, default=3000)
    args = parser.parse_args()
    deployments = args.pods // envelope.REPLICAS
    pods = deployments * envelope.REPLICAS
    tracemalloc.start()
    for history in (False, True):
        start, with_nodes, with_pods, kept = build(args.nodes, deployments, history)
        label = "with history" if history else "last state only"
        print(f"{label:>16}: {(with_nodes - start) / args.nodes:>8,.0f} B/node "
              f"{(with_pods - with_nodes) / pods:>8,.0f} B/pod "
              f"({args.nodes} nodes, {pods} pods)", flush=True)
        del kept


if __name__ == "__main__":
    main()
