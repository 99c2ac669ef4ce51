"""How fast Jobs and CronJobs run: a Job of N completions run P at a time, each pod exiting 0
one logical second after it starts (pods completed per CPU second), and the Forbid CronJob of
examples/cronjob-forbid-day.yaml for a logical day (CPU seconds per simulated day). CPU time,
not wall time, so the figures hold on a loaded machine.

    .venv/bin/python benchmarks/batch.py [--completions N] [--parallelism P]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import kubefold
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, PodEvent, Tick
from kubefold.reducers import manager

EXAMPLES = Path(__file__).parent.parent / "examples"


def node(name: str) -> Apply:
    capacity = {"cpu": "64", "memory": "256Gi", "pods": "250"}
    return Apply(decode_object({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
                                "status": {"capacity": capacity, "allocatable": capacity,
                                           "conditions": [{"type": "Ready",
                                                           "status": "True"}]}}))


def job_run(completions: int, parallelism: int) -> tuple[float, int]:
    """(CPU seconds, pods run) to complete the Job."""
    job = Apply(decode_object({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "work",
                                                              "namespace": "default"},
        "spec": {"completions": completions, "parallelism": parallelism, "template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}}}}))
    cluster = manager.replay(manager.empty_cluster(), [node("n1"), node("n2"), job])
    start = time.process_time()
    done = 0
    while True:
        running = [p for p in cluster.list("Pod", "default") if p.status.phase == "Running"]
        if not running:
            break
        for p in running:
            cluster = manager.step(cluster, PodEvent("default", p.metadata.name, None, exit=0))
            done += 1
        cluster = manager.step(cluster, Tick(1))
    return time.process_time() - start, done


def cron_day() -> float:
    events = kubefold.load_events(EXAMPLES / "cronjob-forbid-day.yaml")
    start = time.process_time()
    manager.replay(manager.empty_cluster(), events)
    return time.process_time() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--parallelism", type=int, default=20)
    args = parser.parse_args()
    seconds, pods = job_run(args.completions, args.parallelism)
    print(f"job of {args.completions} completions, {args.parallelism} at a time: {pods} pods in "
          f"{seconds:.2f} CPU s ({pods / seconds:.0f} pods/CPU s)")
    print(f"Forbid CronJob every 30 min for a logical day: {cron_day():.2f} CPU s")
