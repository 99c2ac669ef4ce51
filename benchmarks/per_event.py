"""The cost of one event as the cluster grows: 1,500, 15,000 and 150,000 Running pods
(100-replica Deployments on nodes of 30 pods each, built through the public API as
benchmarks/envelope.py builds them, then settled by a 1 s tick).

From the same settled state, each event is applied several times and the fastest run is kept:
`apply` a new 1-replica Deployment (to its pod Running and Ready), `scale` an existing
Deployment by +1, and `tick` one second. Printed: milliseconds per event (wall and CPU), and
each against the smallest size ("x first": one event must not grow with the cluster).

    .venv/bin/python benchmarks/per_event.py [--sizes 1500,15000,150000] [--repeat 5]

Each size runs in a fresh process (its peak RSS is its own, printed as MiB per 1,000 pods).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import envelope  # noqa: E402

from kubefold.core.codec import decode_object  # noqa: E402
from kubefold.core.events import Apply, Event, Scale, Tick  # noqa: E402
from kubefold.reducers import manager  # noqa: E402

SIZES = "1500,15000,150000"
PODS_PER_NODE = 30


def settled(pods: int) -> tuple[Any, float]:
    """The cluster with `pods` Running pods, settled; and the seconds it took to build."""
    start = time.perf_counter()
    cluster = manager.empty_cluster()
    for event in envelope.events(max(1, pods // PODS_PER_NODE), pods // envelope.REPLICAS):
        outcome = manager.apply_event(cluster, event)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    cluster = manager.step(cluster, Tick(1))
    return cluster, time.perf_counter() - start


def timed(cluster: Any, event: Event, repeat: int) -> tuple[float, float]:
    """The fastest (wall, cpu) seconds of applying `event` to `cluster`."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = manager.apply_event(cluster, event)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert outcome.rejected is None, outcome.rejected
    return min(walls), min(cpus)


def one_size(pods: int, repeat: int) -> dict[str, Any]:
    cluster, built = settled(pods)
    new = Apply(decode_object(envelope.deployment_manifest(10**6, replicas=1)))
    scale = Scale("Deployment", "app-0", envelope.REPLICAS + 1, "default")
    result: dict[str, Any] = {"build_seconds": built, "rss_mib": envelope.peak_rss_mib()}
    for name, event in (("apply", new), ("scale", scale), ("tick", Tick(1))):
        result[name] = timed(cluster, event, repeat)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=SIZES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.repeat)))
        return
    print(f"{'pods':>8} {'build s':>8} {'MiB/1k pods':>11} {'apply ms':>9} {'x first':>7} "
          f"{'scale ms':>9} {'x first':>7} {'tick ms':>8} {'x first':>7}   (wall; cpu in ())")
    first: dict[str, float] = {}
    for size in map(int, args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--repeat",
                              str(args.repeat)], check=True, capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        cells = []
        for name in ("apply", "scale", "tick"):
            wall, cpu = r[name]
            first.setdefault(name, cpu)
            cells.append(f"{wall * 1e3:>5.1f} ({cpu * 1e3:>5.1f}) {cpu / first[name]:>5.1f}x")
        print(f"{size:>8} {r['build_seconds']:>8.1f} {r['rss_mib'] / size * 1000:>11.1f} "
              + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
