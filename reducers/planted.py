"""Planted bugs: a test-only switch for the explorer's tests.

`PLANTED` names the bugs that are switched on. It is empty in production, and nothing but a
test (which monkeypatches it) may change it; each bug is one guarded branch in a reducer,
`if planted.on("name")`, that departs from Kubernetes in one known way, so the tests can show
that the explorer finds it, shrinks it, and finds nothing with it off.

- "max-surge-rounded-down": deployment/util.resolve_fenceposts rounds a percentage maxSurge
  down instead of up (then, when both come to 0, maxUnavailable becomes 1).
- "new-unavailable-ignored": deployment/rolling.reconcile_old_replica_sets leaves the new
  ReplicaSet's unavailable pods out of maxScaledDown.
- "taints-ignored": the scheduler's TaintToleration filter lets every pod onto every node.
- "recreate-no-wait": deployment/recreate.rollout_recreate scales the new ReplicaSet up
  without waiting for the old pods to be gone.

Models: nothing in Kubernetes; a fault-injection switch, as mutation testing uses.
Simplifies: not applicable.
Covered by: tests/test_explorer.py, tests/test_cli_explore.py.
"""

from __future__ import annotations

BUGS = ("max-surge-rounded-down", "new-unavailable-ignored", "taints-ignored",
        "recreate-no-wait")

PLANTED: frozenset[str] = frozenset()


def on(bug: str) -> bool:
    """Whether the planted bug `bug` is switched on (never, outside the explorer's tests)."""
    return bug in PLANTED
