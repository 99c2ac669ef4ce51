"""client-go workqueue semantics on the persistent WorkQueue (queue_test.go,
delaying_queue_test.go, default_rate_limiters_test.go)."""

from hypothesis import given
from hypothesis import strategies as st

from kubefold.core.workqueue import WorkQueue


def drain(q: WorkQueue) -> list:
    out = []
    while (popped := q.pop()) is not None:
        item, q = popped
        out.append(item)
    return out


def test_fifo_and_dedup_TestBasic():
    q = WorkQueue().add(("a", "1")).add(("a", "2")).add(("a", "1"))
    assert len(q) == 2
    assert drain(q) == [("a", "1"), ("a", "2")]


def test_add_does_not_mutate():
    q = WorkQueue()
    q2 = q.add(("a", "1"))
    assert len(q) == 0 and len(q2) == 1


def test_delaying_queue_TestSimpleQueue():
    q = WorkQueue().add_after(("c", "foo"), 50, now=0)
    assert q.pop() is None
    assert q.next_due() == 50
    assert q.promote_due(49).pop() is None
    assert drain(q.promote_due(50)) == [("c", "foo")]


def test_delaying_queue_TestDeduping_keeps_earliest():
    q = WorkQueue().add_after(("c", "foo"), 50, 0).add_after(("c", "foo"), 70, 0)
    assert q.next_due() == 50
    q = q.add_after(("c", "foo"), 20, 0)
    assert q.next_due() == 20
    promoted = q.promote_due(20)
    assert drain(promoted) == [("c", "foo")]
    assert promoted.next_due() is None


def test_delaying_queue_TestAddTwoFireEarly_order_by_due():
    q = WorkQueue().add_after(("c", "foo"), 10, 0).add_after(("c", "bar"), 5, 0)
    assert drain(q.promote_due(10)) == [("c", "bar"), ("c", "foo")]


def test_rate_limiter_TestItemExponentialFailureRateLimiter():
    item = ("deployment", "default/web")
    q = WorkQueue()
    dues = []
    for _ in range(20):
        q = q.add_rate_limited(item, now=0)
        dues.append(q.next_due())
        q = q.promote_due(10**9)
        drain(q)
        q = WorkQueue(failures=q.failures)
    # 5ms, 10ms, ... rounded up to whole seconds; 5ms * 2^8 = 1.28 s -> 2 s; capped at 1000 s
    assert dues[:8] == [1] * 8
    assert dues[8] == 2
    assert dues[-1] == 1000
    assert q.num_requeues(item) == 20
    assert q.forget(item).num_requeues(item) == 0


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 5))))
def test_promote_releases_exactly_the_due_items(pairs):
    q = WorkQueue()
    earliest: dict = {}
    for due, k in pairs:
        item = ("c", str(k))
        q = q.add_after(item, due, now=0)
        if due > 0:
            earliest[item] = min(due, earliest.get(item, due))
    ready_now = {("c", str(k)) for due, k in pairs if due <= 0}
    for t in (10, 50, 100):
        expected = ready_now | {i for i, d in earliest.items() if d <= t}
        assert set(drain(q.promote_due(t))) == expected
