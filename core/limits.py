"""The bounds kubefold keeps on its inputs and on the work one replay may do.

Kubernetes has its own (a request body of 3 MiB, JSON nesting of 10,000, int32 replicas, RFC
3339 years 0001..9999); kubefold keeps those it models where the real ones are, and adds the
few a replay needs so that no input can make it hang or exhaust memory. Each bound, when an
input passes it, is an error naming the file and the document or line (exit 2), or for the
work bounds a message naming the event after which the replay stopped (exit 2). The README's
"Limits" section lists them.

Covered by: tests/test_hostile.py, tests/test_limits.py.
"""

from __future__ import annotations

MAX_DEPTH = 100
"""Nesting of mappings and lists in one document (Kubernetes objects nest ~15 deep; a CRD's
schema ~60). Deeper input is refused before it is built."""

MAX_ALIAS_NODES = 1_000_000
"""Nodes that YAML aliases may add to one document when expanded (a "billion laughs" adds
10^9); counted from the parser's events, before anything is expanded."""

MAX_EVENTS = 100_000
"""Events in one replay (all its logs). Skipped records (audit reads, watch bookmarks) do not
count. A longer log is refused as soon as reading passes the bound."""

MAX_TURNS = 100_000
"""Reconciles after one event (auto mode), across every controller, whether they write or not
(restoring a large snapshot queues every object once)."""

MAX_WRITES = 10_000
"""Writes (creates, updates, deletes) the control plane makes after one event. A control
plane still writing after that many (a Deployment of 10^9 replicas keeps the ReplicaSet
controller creating pods, 500 a sync) stops the replay there. About 2,000 pods can be
created, scheduled and started by one event within it."""

MAX_WAKEUPS = 10_000
"""Moments at which queued work falls due while one event's time passes (a `tick` or an
`at:`); periodic work over a very long tick stops the replay there."""
