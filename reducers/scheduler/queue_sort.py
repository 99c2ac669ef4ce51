"""PrioritySort: the scheduling queue's order.

Models: pkg/scheduler/framework/plugins/queuesort/priority_sort.go (v1.34): Less.
Simplifies:
- The time a pod entered the queue is taken as its creationTimestamp (kubefold keeps no
  per-pod queue timestamp); a caller that knows the queue times may pass them.
Covered by: tests/test_scheduler_filters.py (TestLess).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubefold.core.objects import Pod

NAME = "PrioritySort"


def pod_priority(pod: Pod) -> int:
    """corev1helpers.PodPriority: spec.priority, 0 when unset."""
    return pod.spec.priority or 0


class PrioritySort:
    name = NAME

    def less(self, pod_a: Pod, pod_b: Pod, timestamp_a: int | None = None,
             timestamp_b: int | None = None) -> bool:
        """Higher priority first; equal priority, the one queued earlier first."""
        p1, p2 = pod_priority(pod_a), pod_priority(pod_b)
        t1 = timestamp_a if timestamp_a is not None else pod_a.metadata.creation_timestamp or 0
        t2 = timestamp_b if timestamp_b is not None else pod_b.metadata.creation_timestamp or 0
        return p1 > p2 or (p1 == p2 and t1 < t2)


def new(args: Mapping[str, Any]) -> PrioritySort:
    return PrioritySort()
