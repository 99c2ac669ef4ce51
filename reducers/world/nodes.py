"""`node:` events: a node's kubelet stops (`ready: false`) or starts again (`ready: true`).

The state is kept on the Node as the annotations `kubefold.io/kubelet: stopped` and
`kubefold.io/kubelet-stopped-at` (absent while the kubelet runs), so it survives a dump and a
restore; the time stands for the Lease's last renewal. A stopped kubelet posts nothing (see
reducers/kubelet); the node lifecycle controller notices the silence after the grace period.

Models: a kubelet process (or its host) going away and coming back; nothing in Kubernetes
writes this annotation.
Simplifies: the annotation is written through the API server as a metadata update, so it is
one write that informers see (the kubelet's watch wakes it on the change).
Covered by: tests/test_node_lifecycle.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import not_found_status
from kubefold.core.events import NodeHealth
from kubefold.core.nodelease import KUBELET_ANNOTATION, STOPPED, STOPPED_AT_ANNOTATION
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver


def handle(cluster: Cluster, event: NodeHealth) -> apiserver.Result:
    """Stop or start the node's kubelet; NotFound when there is no such node."""
    node = cluster.get("Node", "", event.name)
    if node is None:
        return not_found_status("nodes", event.name)
    annotations = node.metadata.annotations
    if event.ready:
        if KUBELET_ANNOTATION not in annotations:
            return apiserver.Written(cluster, node)
        annotations = annotations.discard(KUBELET_ANNOTATION).discard(STOPPED_AT_ANNOTATION)
    else:
        if annotations.get(KUBELET_ANNOTATION) == STOPPED:
            return apiserver.Written(cluster, node)
        annotations = annotations.set(KUBELET_ANNOTATION, STOPPED).set(
            STOPPED_AT_ANNOTATION, format_time(cluster.now))
    meta = attrs.evolve(node.metadata, annotations=annotations)
    return apiserver.update(cluster, attrs.evolve(node, metadata=meta))
