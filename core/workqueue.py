"""The controllers' work queue as a value: client-go's workqueue, made persistent.

Models: k8s.io/client-go/util/workqueue — queue.go (FIFO, an item queued once however often it
is added), delaying_queue.go (AddAfter keeps the earliest due time per item) and
default_rate_limiters.go (ItemExponentialFailureRateLimiter, 5 ms doubling to 1000 s).
Simplifies: there is no "processing" set (a reducer handles one item to completion before the
next is popped, so an item is never both processing and queued); the logical clock counts whole
seconds, so a rate-limited retry is due at `now + ceil(delay)`, never earlier than one second;
the overall token bucket (10 qps, burst 100) is left out.
Costs: add, pop, add_after and each due item promoted are O(log n) (immutables.Map, a hash
array mapped trie in C, and a persistent leftist heap); `next_due` is O(log n) amortised.
Covered by: tests/test_workqueue.py.
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import attrs
from immutables import Map

from kubefold.core.schema import replace

Item: TypeAlias = tuple[str, str]  # (controller, key)
Heap: TypeAlias = tuple[Any, ...] | None  # (rank, (due, seq, item), left, right) or None

BASE_DELAY_MS = 5
MAX_DELAY_MS = 1000 * 1000


def _rank(h: Heap) -> int:
    return 0 if h is None else h[0]


def _merge(a: Heap, b: Heap) -> Heap:
    if a is None:
        return b
    if b is None:
        return a
    if b[1] < a[1]:
        a, b = b, a
    _, value, left, right = a
    merged = _merge(right, b)
    if _rank(left) < _rank(merged):
        left, merged = merged, left
    return (_rank(merged) + 1, value, left, merged)


def _push(h: Heap, value: tuple[int, int, Item]) -> Heap:
    return _merge(h, (1, value, None, None))


def _pop(h: Heap) -> Heap:
    assert h is not None
    return _merge(h[2], h[3])


@attrs.frozen
class WorkQueue:
    """Ready items in FIFO order (`head`..`tail` in `items`), `queued` to deduplicate, items
    waiting for a due time in a heap with their earliest due in `waiting`, and failure counts."""

    head: int = 0
    tail: int = 0
    items: Map[int, Item] = Map()
    queued: Map[Item, None] = Map()  # as a set
    heap: Heap = None
    heap_seq: int = 0
    waiting: Map[Item, int] = Map()
    failures: Map[Item, int] = Map()

    def __len__(self) -> int:
        return self.tail - self.head

    def add(self, item: Item) -> WorkQueue:
        """Queue.Add: a no-op when the item is already queued."""
        if item in self.queued:
            return self
        return WorkQueue(self.head, self.tail + 1, self.items.set(self.tail, item),
                         self.queued.set(item, None), self.heap, self.heap_seq, self.waiting,
                         self.failures)

    def pop(self) -> tuple[Item, WorkQueue] | None:
        """Queue.Get: the oldest ready item, or None when nothing is ready."""
        if self.head == self.tail:
            return None
        item = self.items[self.head]
        rest = WorkQueue(self.head + 1, self.tail, self.items.delete(self.head),
                         self.queued.delete(item), self.heap, self.heap_seq, self.waiting,
                         self.failures)
        return item, rest

    def add_after(self, item: Item, due: int, now: int) -> WorkQueue:
        """DelayingQueue.AddAfter: ready now when due, else kept until `due`; an item already
        waiting keeps the earlier of its two due times."""
        if due <= now:
            return self.add(item)
        current = self.waiting.get(item)
        if current is not None and current <= due:
            return self
        return replace(self, heap=_push(self.heap, (due, self.heap_seq, item)),
                       heap_seq=self.heap_seq + 1, waiting=self.waiting.set(item, due))

    def next_due(self) -> int | None:
        """The earliest time an item is waiting for, or None."""
        heap = self.heap
        while heap is not None:
            due, _, item = heap[1]
            if self.waiting.get(item) == due:
                return due
            heap = _pop(heap)
        return None

    def promote_due(self, now: int) -> WorkQueue:
        """Move every item whose due time has come to the ready queue, in due order."""
        queue = self
        while queue.heap is not None and queue.heap[1][0] <= now:
            due, _, item = queue.heap[1]
            queue = replace(queue, heap=_pop(queue.heap))
            if queue.waiting.get(item) == due:
                queue = replace(queue, waiting=queue.waiting.delete(item)).add(item)
        return queue

    def add_rate_limited(self, item: Item, now: int) -> WorkQueue:
        """RateLimitingQueue.AddRateLimited with the per-item exponential limiter."""
        failures = self.failures.get(item, 0)
        delay_ms = min(BASE_DELAY_MS * 2**failures, MAX_DELAY_MS)
        queue = replace(self, failures=self.failures.set(item, failures + 1))
        return queue.add_after(item, now + max(1, math.ceil(delay_ms / 1000)), now)

    def forget(self, item: Item) -> WorkQueue:
        """RateLimitingQueue.Forget: clear the item's failure count."""
        if item not in self.failures:
            return self
        return replace(self, failures=self.failures.delete(item))

    def forget_all(self, *items: Item) -> WorkQueue:
        """Forget each of the items (those with no failure count are skipped)."""
        queue = self
        for item in items:
            queue = queue.forget(item)
        return queue

    def num_requeues(self, item: Item) -> int:
        return self.failures.get(item, 0)
