"""Whether a node's kubelet runs: the stand-in for its Lease in kube-node-lease.

kubefold keeps no Lease objects renewed every 10 s. A running kubelet counts as renewing now;
a stopped one carries the annotations `kubefold.io/kubelet: stopped` and
`kubefold.io/kubelet-stopped-at` (its last renewal), written by the `node:` world event, so the
state survives a dump and a restore. The kubelet, the node lifecycle controller and the world's
`pod:` events read it here.

Models: the node Lease's renewTime (pkg/kubelet/nodelease), as a value on the Node.
Simplifies: no Lease objects; nothing in Kubernetes writes these annotations.
Covered by: tests/test_node_lifecycle.py.
"""

from __future__ import annotations

from typing import Any

KUBELET_ANNOTATION = "kubefold.io/kubelet"
STOPPED = "stopped"
STOPPED_AT_ANNOTATION = "kubefold.io/kubelet-stopped-at"
# A node restored from a snapshot that recorded it not Ready: its kubelet runs but keeps posting
# the recorded condition (it does not heal what the snapshot saw sick) until a `node:` event.
RECORDED = "recorded"


def kubelet_keeps_recorded_status(node: Any) -> bool:
    """The node was restored not Ready: its kubelet leaves the recorded conditions as they are
    (set by the shell when it restores a snapshot; a `node:` event clears it)."""
    return node.metadata.annotations.get(KUBELET_ANNOTATION) == RECORDED


def kubelet_stopped(node: Any) -> bool:
    """The node's kubelet was stopped by a `node: {ready: false}` event."""
    return node.metadata.annotations.get(KUBELET_ANNOTATION) == STOPPED
