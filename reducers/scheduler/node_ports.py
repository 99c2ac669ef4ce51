"""NodePorts: a pod's host ports must be free on the node.

Models: pkg/scheduler/framework/plugins/nodeports/node_ports.go (v1.34): PreFilter (Skip
without host ports), Filter, fitsPorts; pkg/scheduler/util GetHostPorts (containers and
sidecar init containers); framework HostPortInfo Add/CheckConflict (0.0.0.0 binds every
address; empty protocol is TCP).
Simplifies: nothing.
Covered by: tests/test_scheduler_filters.py (TestNodePorts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kubefold.core.objects import ContainerPort, Pod
from kubefold.reducers.scheduler.framework import (
    ERROR,
    OK,
    SKIP,
    CycleState,
    NodeInfo,
    PreFilterResult,
    Snapshot,
    Status,
    unschedulable,
)

NAME = "NodePorts"
PRE_FILTER_STATE_KEY = "PreFilter" + NAME
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"

HostPortInfo = dict[str, set[tuple[str, int]]]  # ip -> {(protocol, port)}


def get_host_ports(pod: Pod) -> list[ContainerPort]:
    """GetHostPorts: host ports of the containers and of restartable (sidecar) init
    containers."""
    ports: list[ContainerPort] = []
    for c in pod.spec.init_containers:
        if c.restart_policy == "Always":
            ports.extend(p for p in c.ports if (p.host_port or 0) > 0)
    for c in pod.spec.containers:
        ports.extend(p for p in c.ports if (p.host_port or 0) > 0)
    return ports


def _sanitize(ip: str | None, protocol: str | None) -> tuple[str, str]:
    return ip or DEFAULT_BIND_ALL_HOST_IP, protocol or "TCP"


def used_ports(pods: Iterable[Pod]) -> HostPortInfo:
    """NodeInfo.UsedPorts: HostPortInfo.Add for every host port of the node's pods."""
    used: HostPortInfo = {}
    for pod in pods:
        for p in get_host_ports(pod):
            ip, protocol = _sanitize(p.host_ip, p.protocol)
            used.setdefault(ip, set()).add((protocol, p.host_port or 0))
    return used


def check_conflict(used: HostPortInfo, ip: str | None, protocol: str | None, port: int) -> bool:
    """HostPortInfo.CheckConflict: 0.0.0.0 conflicts with the port on any address; another
    address with itself and 0.0.0.0."""
    if port <= 0:
        return False
    ip, protocol = _sanitize(ip, protocol)
    pp = (protocol, port)
    if ip == DEFAULT_BIND_ALL_HOST_IP:
        return any(pp in m for m in used.values())
    return any(pp in used.get(key, ()) for key in (DEFAULT_BIND_ALL_HOST_IP, ip))


def fits_ports(want_ports: Sequence[ContainerPort], node_info: NodeInfo) -> bool:
    """fitsPorts against NodeInfo.UsedPorts (the cluster's scheduler cache)."""
    if not node_info.allocation.used_ports:
        return True
    existing = node_info.allocation.host_port_info()
    return not any(check_conflict(existing, p.host_ip, p.protocol, p.host_port or 0)
                   for p in want_ports)


class NodePorts:
    name = NAME

    def pre_filter(self, state: CycleState, pod: Pod, snapshot: Snapshot
                   ) -> tuple[CycleState, PreFilterResult | None, Status]:
        ports = get_host_ports(pod)
        if not ports:
            return state, None, Status(SKIP)
        return state.write(PRE_FILTER_STATE_KEY, tuple(ports)), None, OK

    def filter(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> Status:
        want = state.read(PRE_FILTER_STATE_KEY)
        if want is None:
            return Status(ERROR, ("not found",))
        if not fits_ports(want, node_info):
            return unschedulable(ERR_REASON)
        return OK


def new(args: Mapping[str, Any]) -> NodePorts:
    return NodePorts()
