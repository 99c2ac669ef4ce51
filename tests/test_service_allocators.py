"""The ClusterIP and NodePort allocators, as pure functions over a set of taken values.

Ported: pkg/registry/core/service/ipallocator/ipallocator_test.go (TestAllocateIPAllocator
IPv4 and IPv6, the IPv6 range a /120 rather than Go's /116: the same checks, a sixteenth of
the allocations, TestAllocateTinyIPAllocator, TestAllocateReservedIPAllocator,
TestAllocateSmallIPAllocator, TestForEachIPAllocator), bitmap_test.go's
TestCalculateRangeOffset cases, and portallocator/allocator_test.go (TestAllocate,
TestForEach, TestAllocateReserved's split, calculateRangeOffset).
"""

from __future__ import annotations

import itertools

import pytest

from kubefold.reducers.apiserver.service import ipallocator, portallocator


class Pool:
    """An allocator over a range with a set of taken values, drawing starts from a counter."""

    def __init__(self, cidr: str) -> None:
        self.range = ipallocator.new_range(cidr)
        self.used: set[str] = set()
        self.draws = itertools.count(7, 7919)

    def free(self) -> int:
        return self.range.size - len(self.used)

    def next(self) -> str | None:
        ip = ipallocator.allocate_next(self.range, self.used.__contains__, next(self.draws),
                                       next(self.draws))
        if ip is not None:
            self.used.add(ip)
        return ip

    def allocate(self, ip: str) -> str | None:
        error = ipallocator.allocate(self.range, self.used.__contains__, ip)
        if error is None:
            self.used.add(str(ipallocator.parse_ip(ip)))
        return error


@pytest.mark.parametrize(("cidr", "free", "released", "out_of_range", "already"), [
    ("192.168.1.0/24", 254, "192.168.1.5",
     ["192.168.0.1", "192.168.1.0", "192.168.1.255", "192.168.2.2"], "192.168.1.1"),
    ("2001:db8:1::/120", 255, "2001:db8:1::5",
     ["2001:db8::1", "2001:db8:1::", "2001:db8:2::2"], "2001:db8:1::1"),
], ids=["TestAllocateIPAllocator/IPv4", "TestAllocateIPAllocator/IPv6"])
def test_allocate_ip_allocator(cidr, free, released, out_of_range, already):
    pool = Pool(cidr)
    assert pool.free() == free
    found = set()
    while pool.free() > 0:
        ip = pool.next()
        assert ip is not None and ip not in found
        found.add(ip)
    assert pool.next() is None  # ErrFull
    assert released in found
    pool.used.discard(released)
    assert pool.free() == 1
    assert pool.next() == released
    pool.used.discard(released)
    for ip in out_of_range:
        assert pool.allocate(ip) == ipallocator.err_not_in_range(ip, pool.range.cidr)
    assert pool.allocate(already) == ipallocator.ERR_ALLOCATED == \
        "provided IP is already allocated"
    assert pool.free() == 1
    assert pool.allocate(released) is None
    assert pool.free() == 0


def test_allocate_tiny_ip_allocator():
    """TestAllocateTinyIPAllocator: a /32 holds nothing."""
    pool = Pool("192.168.1.0/32")
    assert pool.free() == 0
    assert pool.next() is None


def test_allocate_reserved_ip_allocator():
    """TestAllocateReservedIPAllocator: dynamic allocations fill the upper block first; the
    lower block (min(max(16, 128/16), 256) = 16 addresses) stays for static ones."""
    pool = Pool("192.168.1.0/25")
    offset = ipallocator.calculate_range_offset("192.168.1.0/25")
    assert offset == 16
    for _ in range(pool.range.size - offset):
        assert pool.next() is not None
    for i in range(offset, pool.range.size):
        assert f"192.168.1.{i + 1}" in pool.used
    assert pool.free() == offset
    for i in range(offset):
        assert pool.allocate(f"192.168.1.{i + 1}") is None
    assert pool.free() == 0
    pool.used.discard("192.168.1.10")
    assert pool.next() == "192.168.1.10"
    assert pool.free() == 0


def test_allocate_small_ip_allocator():
    """TestAllocateSmallIPAllocator: a /30 has two addresses."""
    pool = Pool("192.168.1.240/30")
    assert pool.free() == 2
    found = {pool.next(), pool.next()}
    assert found == {"192.168.1.241", "192.168.1.242"}
    for ip in found:
        assert pool.allocate(ip or "") == ipallocator.ERR_ALLOCATED
    assert all(pool.next() is None for _ in range(100))


@pytest.mark.parametrize("ips", [[], ["192.168.1.1"], ["192.168.1.1", "192.168.1.254"],
                                 ["192.168.1.1", "192.168.1.128", "192.168.1.254"]],
                         ids=[f"TestForEachIPAllocator/{i}" for i in range(4)])
def test_for_each_ip_allocator(ips):
    pool = Pool("192.168.1.0/24")
    for ip in ips:
        assert pool.allocate(ip) is None
    assert pool.used == set(ips)


@pytest.mark.parametrize(("cidr", "offset"), [
    ("192.168.1.0/24", 16), ("192.168.1.0/28", 0), ("192.168.1.0/27", 16),
    ("10.0.0.0/16", 256), ("10.96.0.0/12", 256), ("2001:db8:1::/116", 256),
    ("192.168.1.0/25", 16), ("10.0.0.0/20", 256), ("10.0.0.0/21", 128),
], ids=lambda v: str(v))
def test_calculate_range_offset(cidr, offset):
    """calculateRangeOffset: min(max(16, size/16), 256), 0 up to 16 addresses."""
    assert ipallocator.calculate_range_offset(cidr) == offset


def test_default_range_first_dynamic_address_is_above_the_offset():
    """The default 10.96.0.0/12: 10.96.0.1 .. 10.96.1.0 are the static block."""
    rng = ipallocator.new_range()
    assert rng.address(rng.first) == "10.96.0.1"
    assert rng.address(rng.last) == "10.111.255.254"
    assert ipallocator.allocate_next(rng, lambda ip: False, 0, 0) == "10.96.1.1"
    assert ipallocator.allocate_next(rng, lambda ip: False, rng.size - rng.offset - 1, 0) \
        == "10.111.255.254"


# -- portallocator ----------------------------------------------------------------------------


class Ports:
    def __init__(self, text: str) -> None:
        self.range = portallocator.parse_port_range(text)
        self.used: set[int] = set()
        self.draws = itertools.count(3, 101)

    def free(self) -> int:
        return self.range.size - len(self.used)

    def next(self) -> int | None:
        port = portallocator.allocate_next(self.range, self.used.__contains__,
                                           next(self.draws), next(self.draws))
        if port is not None:
            self.used.add(port)
        return port

    def allocate(self, port: int) -> str | None:
        error = portallocator.allocate(self.range, self.used.__contains__, port)
        if error is None:
            self.used.add(port)
        return error


def test_allocate_ports():
    """portallocator TestAllocate."""
    pool = Ports("10000-10200")
    assert pool.free() == 201
    found = set()
    while pool.free() > 0:
        port = pool.next()
        assert port is not None and pool.range.contains(port) and port not in found
        found.add(port)
    assert pool.next() is None  # ErrFull
    pool.used.discard(10005)
    assert pool.free() == 1
    assert pool.next() == 10005
    pool.used.discard(10005)
    not_in_range = ("provided port is not in the valid range. The range of valid ports is "
                    "10000-10200")
    assert pool.allocate(1) == not_in_range
    assert pool.allocate(10001) == "provided port is already allocated"
    assert pool.allocate(20000) == not_in_range
    assert pool.allocate(10201) == not_in_range
    assert pool.free() == 1
    assert pool.allocate(10005) is None
    assert pool.free() == 0


@pytest.mark.parametrize("ports", [[], [10000], [10000, 10200], [10000, 10099, 10200]],
                         ids=[f"TestForEach/{i}" for i in range(4)])
def test_for_each_ports(ports):
    pool = Ports("10000-10200")
    for port in ports:
        assert pool.allocate(port) is None
    assert pool.used == set(ports)


@pytest.mark.parametrize(("text", "offset"), [
    ("30000-32767", 86), ("10000-10200", 16), ("1-16", 0), ("1-17", 16), ("1-10000", 128),
], ids=lambda v: str(v))
def test_port_range_offset(text, offset):
    """calculateRangeOffset: min(max(16, size/32), 128)."""
    assert portallocator.calculate_range_offset(portallocator.parse_port_range(text)) == offset


def test_node_ports_come_from_the_upper_block_first():
    """TestAllocateReserved's split: dynamic ports fill 30086..32767 before 30000..30085."""
    pool = Ports("30000-32767")
    upper = pool.range.size - pool.range.offset
    for _ in range(upper):
        assert (pool.next() or 0) >= 30086
    assert pool.next() is not None and min(pool.used) < 30086
