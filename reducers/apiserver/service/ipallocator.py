"""The ClusterIP allocator: which address a new Service gets from a service CIDR.

v1.34 allocates ClusterIPs through IPAddress objects (MultiCIDRServiceAllocator is GA and
locked on): an address is taken when an IPAddress named by it exists. The search is
KEP-3070's: the range is split at an offset, `min(max(16, size/16), 256)` addresses above the
first; a dynamic allocation starts at a random address of the upper part and walks forward
(wrapping within the part) to the first free one; only when the upper part is full does it
try the lower part the same way. The lower part is thereby kept for static (user-chosen)
addresses, such as the `kubernetes` Service's 10.96.0.1.

Here the allocator is a value (`IPRange`) and the set of taken addresses is a predicate
(`used(ip) -> bool`, the cluster's `service_ips` index); the random starting points are the
caller's: kubefold draws them from the cluster value (`Cluster.random_bits`), Go from a
time-seeded math/rand.

Models (v1.34): pkg/registry/core/service/ipallocator/ipallocator.go (NewIPAllocator's
first, offset and last addresses, allocateNextService, ipIterator, allocateFromRange,
allocateService), bitmap.go calculateRangeOffset, interfaces.go (ErrFull, ErrAllocated,
ErrNotInRange).
Simplifies: one service CIDR (the default 10.96.0.0/12, IPv4 single-stack); no ServiceCIDR or
IPAddress objects are stored: the Services' addresses are the allocator's view, as the
IPAddress repair loop keeps them in step.
Covered by: tests/test_service_allocators.py (TestAllocateIPAllocator and
TestCalculateRangeOffset cases, the range-offset behaviour).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import attrs

from kubefold.core.networking import parse_ip

DEFAULT_SERVICE_CIDR = "10.96.0.0/12"

ERR_FULL = "range is full"
ERR_ALLOCATED = "provided IP is already allocated"


def err_not_in_range(ip: str, valid_range: str) -> str:
    """ErrNotInRange.Error()."""
    return (f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is "
            f"{valid_range}")


def calculate_range_offset(cidr: str) -> int:
    """calculateRangeOffset: min(max(16, size/16), 256), 0 for ranges of 16 or less.

    >>> calculate_range_offset("10.96.0.0/12"), calculate_range_offset("192.168.1.0/24")
    (256, 16)
    """
    size = ipaddress.ip_network(cidr, strict=False).num_addresses
    if size <= 16:
        return 0
    return min(max(16, size // 16), 256)


@attrs.frozen
class IPRange:
    """An allocator's range: first and last usable addresses and the static/dynamic split."""

    cidr: str
    first: int
    last: int
    offset: int
    version: int

    @property
    def size(self) -> int:
        return max(self.last - self.first + 1, 0)

    @property
    def family(self) -> str:
        return "IPv4" if self.version == 4 else "IPv6"

    def contains(self, ip: str) -> bool:
        parsed = parse_ip(ip)
        return parsed is not None and parsed.version == self.version \
            and self.first <= int(parsed) <= self.last

    def address(self, value: int) -> str:
        if self.version == 4:
            return f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"
        return str(ipaddress.IPv6Address(value))


def new_range(cidr: str = DEFAULT_SERVICE_CIDR) -> IPRange:
    """NewIPAllocator: the network address is never handed out, nor IPv4's broadcast."""
    net = ipaddress.ip_network(cidr, strict=False)
    first = int(net.network_address) + 1
    last = int(net.broadcast_address) - (1 if net.version == 4 else 0)
    return IPRange(str(net), first, last, calculate_range_offset(cidr), net.version)


def allocate(rng: IPRange, used: Callable[[str], bool], ip: str) -> str | None:
    """allocateService: None when `ip` is free and in range, else the error text."""
    parsed = parse_ip(ip)
    if parsed is None or not rng.contains(str(parsed)):
        return err_not_in_range(ip, rng.cidr)
    if used(str(parsed)):
        return ERR_ALLOCATED
    return None


def allocate_next(rng: IPRange, used: Callable[[str], bool], upper_draw: int, lower_draw: int
                  ) -> str | None:
    """allocateNextService: the first free address from a random start in the upper part,
    then in the lower part; None when both are full (ErrFull). `upper_draw` and
    `lower_draw` are the random numbers Go draws (rand.Int63n(rangeSize), rand.Intn(offset)),
    reduced here modulo each part's size."""
    upper_size = rng.size - rng.offset
    if upper_size <= 0:
        return None
    found = _first_free(rng, rng.first + rng.offset, rng.last, upper_draw % upper_size, used)
    if found is None and rng.offset:
        found = _first_free(rng, rng.first, rng.first + rng.offset - 1,
                            lower_draw % rng.offset, used)
    return found


def _first_free(rng: IPRange, first: int, last: int, offset: int, used: Callable[[str], bool]
                ) -> str | None:
    """ipIterator + allocateFromRange: walk from first+offset, wrapping at last, once round."""
    span = last - first + 1
    for step in range(span):
        candidate = rng.address(first + (offset + step) % span)
        if not used(candidate):
            return candidate
    return None
