"""ImageLocality: favour nodes that already hold the pod's container images.

Models (v1.34): pkg/scheduler/framework/plugins/imagelocality/image_locality.go (Score,
calculatePriority, sumImageScores, scaledImageScore, normalizedImageName) and the image state
the scheduler cache keeps per node (framework.ImageStateSummary: Size, NumNodes; cache.go
addNodeImageStates, snapshot.go getNodeImageStates).

Each image of the pod (init containers and containers) found on the node adds
int(size * numNodes / totalNodes) (the spread factor damps images every node already has);
the sum, clamped to [23MB, 1000MB * number of containers], maps linearly onto 0..MaxNodeScore.
Image names are matched as Go's normalizedImageName does: ":latest" is appended when the name
has no tag; nothing else is rewritten (a "docker.io/library/" prefix is NOT added or removed:
Go leaves that as a TODO, so "nginx" does not match "docker.io/library/nginx:latest").

Simplifies:
- NumNodes per image name comes from the cluster's `image_nodes` index, kept up to date on
  every Node write as Go's cache is, so a cycle pays O(1) for it. Score without the PreScore
  state is an Error.
- The size is the node's own entry for the name (the first listing it); Go's cache keeps the
  size of whichever node first reported the name.

Covered by: tests/test_scheduler_image_locality.py (image_locality_test.go).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from kubefold.core.objects import Node, Pod
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    OK,
    CycleState,
    NodeInfo,
    Snapshot,
    Status,
)
from kubefold.reducers.scheduler.helpers import go_quo

NAME = "ImageLocality"
PRE_SCORE_STATE_KEY = "PreScore" + NAME

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


@attrs.frozen
class ImageSpread:
    """How many of the snapshot's nodes hold each image name the pod uses, and how many nodes
    there are (the ImageStateSummary.NumNodes and len(NodeInfos().List()) Score reads)."""

    num_nodes: Mapping[str, int]
    total_num_nodes: int


def pod_images(pod: Pod) -> Iterator[str]:
    """The normalized image names of the init containers, then the containers."""
    for container in (*pod.spec.init_containers, *pod.spec.containers):
        yield normalized_image_name(container.image or "")


def node_image_sizes(node: Node) -> dict[str, int]:
    """The node's image names and their sizes (status.images[].names, sizeBytes)."""
    sizes: dict[str, int] = {}
    for image in node.status.images:
        for name in image.get("names") or ():
            sizes.setdefault(name, int(image.get("sizeBytes") or 0))
    return sizes


def image_num_nodes(snapshot: Snapshot) -> Mapping[str, int]:
    """ImageStateSummary.NumNodes for every image name: how many nodes hold it, from the
    cluster's index (kept up to date on node writes, as Go's cache is), so O(1) per cycle."""
    return snapshot.cluster.image_nodes


@attrs.frozen
class ImageLocality:
    name: str = NAME

    def pre_score(self, state: CycleState, pod: Pod, snapshot: Snapshot,
                  nodes: Sequence[NodeInfo]) -> tuple[CycleState, Status]:
        every = image_num_nodes(snapshot)
        counts = {image: every.get(image, 0) for image in set(pod_images(pod))}
        return state.write(PRE_SCORE_STATE_KEY, ImageSpread(counts, len(snapshot))), OK

    def score(self, state: CycleState, pod: Pod, node_info: NodeInfo) -> tuple[int, Status]:
        spread = state.read(PRE_SCORE_STATE_KEY)
        if not isinstance(spread, ImageSpread):
            return 0, Status(ERROR, (f'reading "{PRE_SCORE_STATE_KEY}" from cycleState: '
                                     "not found",))
        image_scores = sum_image_scores(node_info, pod, spread)
        num_containers = len(pod.spec.init_containers) + len(pod.spec.containers)
        return calculate_priority(image_scores, num_containers), OK

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Sequence[NodeInfo]
                    ) -> tuple[list[int], Status]:
        """`score` for each node (a node listing no image scores the floor at once)."""
        spread = state.read(PRE_SCORE_STATE_KEY)
        if not isinstance(spread, ImageSpread):
            return [], self.score(state, pod, nodes[0])[1] if nodes else OK
        num_containers = len(pod.spec.init_containers) + len(pod.spec.containers)
        floor = calculate_priority(0, num_containers)
        return [calculate_priority(sum_image_scores(info, pod, spread), num_containers)
                if info.node.status.images else floor for info in nodes], OK


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """The sum clamped to [minThreshold, maxContainerThreshold * containers], scaled to
    0..MaxNodeScore."""
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return go_quo(MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD), max_threshold - MIN_THRESHOLD)


def sum_image_scores(node_info: NodeInfo, pod: Pod, spread: ImageSpread) -> int:
    sizes = node_image_sizes(node_info.node)
    total = 0
    for image in pod_images(pod):
        if image in sizes:
            total += scaled_image_score(sizes[image], spread.num_nodes.get(image, 0),
                                        spread.total_num_nodes)
    return total


def scaled_image_score(size: int, num_nodes: int, total_num_nodes: int) -> int:
    """The size scaled by the fraction of nodes holding the image (float64, truncated)."""
    spread = float(num_nodes) / float(total_num_nodes)
    return int(float(size) * spread)


def normalized_image_name(name: str) -> str:
    """normalizedImageName: append ":latest" when the last ':' is not after the last '/'."""
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def new(args: Mapping[str, Any]) -> ImageLocality:
    return ImageLocality()
