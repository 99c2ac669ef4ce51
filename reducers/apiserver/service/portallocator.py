"""The NodePort allocator: which node port a NodePort or LoadBalancer Service gets.

The range (default 30000-32767) is split at an offset, `min(max(16, size/32), 128)` ports
above its base: a dynamic allocation picks a random port of the upper part and scans forward
(wrapping within the part) to the first free one; only when the upper part is full does it
try the lower part, which is kept for ports users choose. With the default range the split
is at 30086.

Models (v1.34): pkg/registry/core/service/portallocator/allocator.go (New, Allocate,
AllocateNext, calculateRangeOffset, ErrFull, ErrAllocated, ErrNotInRange) and
pkg/registry/core/service/allocator/bitmap.go randomScanStrategyWithOffset.
Simplifies: the taken ports are a predicate (`used(port)`, the cluster's `node_ports`
index of the stored Services) rather than the RangeAllocation bitmap; the random draws are
the caller's (from the cluster value).
Covered by: tests/test_service_allocators.py (portallocator TestAllocate,
TestAllocateReserved, TestCalculateRangeOffset cases).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

DEFAULT_NODE_PORT_RANGE = "30000-32767"

ERR_FULL = "range is full"
ERR_ALLOCATED = "provided port is already allocated"


def err_not_in_range(valid_ports: str) -> str:
    return ("provided port is not in the valid range. The range of valid ports is "
            f"{valid_ports}")


@attrs.frozen
class PortRange:
    base: int
    size: int

    def __str__(self) -> str:
        return f"{self.base}-{self.base + self.size - 1}"

    def contains(self, port: int) -> bool:
        return self.base <= port < self.base + self.size

    @property
    def offset(self) -> int:
        return calculate_range_offset(self)


def parse_port_range(text: str = DEFAULT_NODE_PORT_RANGE) -> PortRange:
    """net.ParsePortRange for `low-high` (and `base+size`)."""
    if "+" in text:
        base, _, size = text.partition("+")
        return PortRange(int(base), int(size) + 1)
    low, _, high = text.partition("-")
    return PortRange(int(low), int(high) - int(low) + 1)


def calculate_range_offset(pr: PortRange) -> int:
    """calculateRangeOffset: min(max(16, size/32), 128), 0 for ranges of 16 or less.

    >>> calculate_range_offset(parse_port_range("30000-32767"))
    86
    """
    if pr.size <= 16:
        return 0
    return min(max(16, pr.size // 32), 128)


def allocate(pr: PortRange, used: Callable[[int], bool], port: int) -> str | None:
    """Allocate: None when the port is free and in range, else the error text."""
    if not pr.contains(port):
        return err_not_in_range(str(pr))
    if used(port):
        return ERR_ALLOCATED
    return None


def allocate_next(pr: PortRange, used: Callable[[int], bool], upper_draw: int, lower_draw: int
                  ) -> int | None:
    """randomScanStrategyWithOffset.AllocateBit over the range; None when full."""
    offset = pr.offset
    upper = pr.size - offset
    start = upper_draw % upper
    for i in range(upper):
        port = pr.base + offset + (start + i) % upper
        if not used(port):
            return port
    if offset > 0:
        start = lower_draw % offset
        for i in range(offset):
            port = pr.base + (start + i) % offset
            if not used(port):
                return port
    return None
