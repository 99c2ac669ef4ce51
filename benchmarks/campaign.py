"""Campaign scaling: examples per second of one fixed plan with 1 and 2 Ray workers.

The plan: the explorer tests' two scopes (a rolling and a Recreate Deployment on small
nodes), the `faults` profile, 8 seeds, budget 100 and at most 8 events: 16 tasks, no bug
planted (so every task runs its whole budget). Prints examples/s and explored steps/s for each
worker count and the speed-up; a cluster of N machines of c cores gives at most N x c times
the one-worker figure by the same measure, less Ray's start-up and the longest task.

    .venv/bin/python benchmarks/campaign.py [--seeds 8] [--budget 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent.parent))

from kubefold import campaign  # noqa: E402
from tests.test_explorer import recreate_scope, rolling_scope  # noqa: E402


def plan_file(folder: Path, seeds: int, budget: int) -> Path:
    (folder / "rolling.yaml").write_text(yaml.safe_dump_all(rolling_scope()))
    (folder / "recreate.yaml").write_text(yaml.safe_dump_all(recreate_scope()))
    (folder / "plan.yaml").write_text(yaml.safe_dump({
        "sets": [{"name": "rolling", "manifests": ["rolling.yaml"]},
                 {"name": "recreate", "manifests": ["recreate.yaml"]}],
        "profiles": ["faults"], "seeds": {"from": 0, "count": seeds}, "budget": budget,
        "max_events": 8}))
    return folder / "plan.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--budget", type=int, default=100)
    args = parser.parse_args()
    plan = campaign.load_plan(plan_file(Path(tempfile.mkdtemp()), args.seeds, args.budget))
    import ray

    rates = {}
    print(" workers  start-up s  tasks  examples   seconds  examples/s  steps/s")
    for workers in (1, 2):
        started = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")
        startup = time.perf_counter() - started
        result = campaign.run(plan, workers=workers)  # uses the session started above
        ray.shutdown()
        s = result.summary
        rates[workers] = s.examples / result.seconds
        print(f"{workers:8d} {startup:10.1f} {s.tasks:6d} {s.examples:9d} "
              f"{result.seconds:9.1f} {rates[workers]:11.1f} {s.steps / result.seconds:8.0f}")
    print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x (Ray's start-up not counted)")


if __name__ == "__main__":
    main()
