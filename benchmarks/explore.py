"""How fast the explorer goes on a 3-node, one-Deployment scope (3 replicas, RollingUpdate
25%/25%, no bug planted): explored steps (events applied, each checked) per second in a
random search; examples per second for 20-action sequences run from scratch (no prefix
shared); exhaustive states per second, and the depth exhaustive mode completes in ~10 s.

    .venv/bin/python benchmarks/explore.py [--budget N] [--examples N] [--seconds S]
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from kubefold.properties import explorer
from kubefold.strategies.events import (
    READY_DELAYS,
    WAITS,
    Action,
    ChangeTemplate,
    CrashPod,
    FailProbe,
    RolloutAction,
    Wait,
)


def node(name: str) -> dict[str, Any]:
    capacity = {"cpu": "4", "memory": "8Gi", "pods": "110"}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"capacity": capacity, "allocatable": capacity,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


SCOPE = [node("node-1"), node("node-2"), node("node-3"), {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate",
                          "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "app", "image": "web:v1",
                                                   "resources": {"requests": {"cpu": "100m"}}}]}}}}]


def random_actions(rng: random.Random, size: int) -> list[Action]:
    """A sequence from the default alphabet with faults (no node loss), drawn with `rng`."""
    def one() -> Action:
        kind = rng.randrange(5)
        if kind == 0:
            return ChangeTemplate("web", rng.randrange(4), rng.choice(READY_DELAYS))
        if kind == 1:
            return Wait(rng.choice(WAITS))
        if kind == 2:
            return RolloutAction("web", rng.choice(["undo", "pause", "resume", "restart"]))
        return (CrashPod if kind == 3 else FailProbe)(rng.randrange(6))
    return [one() for _ in range(size)]


def search_rate(budget: int) -> tuple[float, float, int]:
    """(steps per second, examples per second, steps) of `explore` with faults."""
    steps = [0]
    original = explorer.Runner.run

    def counting(self: explorer.Runner, actions: Any) -> Any:
        before = self.steps
        result = original(self, actions)
        steps[0] += self.steps - before
        return result

    explorer.Runner.run = counting  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        result = explorer.explore(SCOPE, budget=budget, faults=True, max_actions=12)
        elapsed = time.perf_counter() - start
    finally:
        explorer.Runner.run = original  # type: ignore[method-assign]
    return steps[0] / elapsed, result.examples / elapsed, steps[0]


def sequence_rate(examples: int, size: int = 20) -> float:
    """Examples per second for `size`-action sequences, each run from the settled setup."""
    start_state, _ = explorer.set_up(SCOPE)
    rng = random.Random(0)
    sequences = [random_actions(rng, size) for _ in range(examples)]
    start = time.perf_counter()
    for actions in sequences:
        explorer.run_actions(start_state, actions, SCOPE)
    return examples / (time.perf_counter() - start)


def exhaustive_rate(seconds: float) -> tuple[int, float, int, int]:
    """(deepest depth completed within `seconds`, states per second there, states, distinct)."""
    depth, best = 0, (0, 0.0, 0, 0)
    budget_end = time.monotonic() + seconds
    while time.monotonic() < budget_end:
        depth += 1
        start = time.perf_counter()
        result = explorer.explore_exhaustive(
            SCOPE, depth=depth, should_stop=lambda: time.monotonic() > budget_end)
        elapsed = time.perf_counter() - start
        if time.monotonic() >= budget_end:
            break  # cut short: this depth did not complete
        best = (depth, result.states / elapsed, result.states, result.distinct_states)
    return best


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--examples", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    steps_per_s, examples_per_s, steps = search_rate(args.budget)
    print(f"explore (budget {args.budget}, faults, up to 12 actions): {steps_per_s:.0f} steps/s,"
          f" {examples_per_s:.1f} examples/s ({steps} steps)")
    print(f"20-action sequences from scratch: {sequence_rate(args.examples):.2f} examples/s")
    depth, rate, states, distinct = exhaustive_rate(args.seconds)
    print(f"exhaustive: depth {depth} completed within {args.seconds:.0f} s: {states} states "
          f"({distinct} distinct), {rate:.0f} states/s")
