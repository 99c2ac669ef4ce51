"""ImageLocality, ported from pkg/scheduler/framework/plugins/imagelocality/
image_locality_test.go (v1.34): TestImageLocalityPriority and TestNormalizedImageName."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.objects import Pod
from kubefold.reducers.scheduler import image_locality
from kubefold.reducers.scheduler.framework import (
    ERROR,
    MAX_NODE_SCORE,
    OK,
    CycleState,
    NodeScore,
    Snapshot,
)
from tests.helpers import restore

MB = 1024 * 1024


def spec(*images: str, init: Sequence[str] = ()) -> dict[str, Any]:
    return {"containers": [{"name": f"c{i}", "image": im} for i, im in enumerate(images)],
            "initContainers": [{"name": f"i{i}", "image": im} for i, im in enumerate(init)]}


def image(size_mb: int, *names: str) -> dict[str, Any]:
    return {"names": list(names), "sizeBytes": size_mb * MB}


TEST_40_250 = spec("gcr.io/40", "gcr.io/250")
TEST_40_300 = spec("gcr.io/40", "gcr.io/300")
TEST_MIN_MAX = spec("gcr.io/10", "gcr.io/4000")
TEST_300_600_900 = spec("gcr.io/300", "gcr.io/600", "gcr.io/900")
TEST_30_40 = spec("gcr.io/30", "gcr.io/40")
TEST_30_INIT_300 = spec("gcr.io/30", init=["gcr.io/300"])

NODE_40_300_2000 = [image(40, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"),
                    image(300, "gcr.io/300:latest", "gcr.io/300:v1"),
                    image(2000, "gcr.io/2000:latest")]
NODE_250_10 = [image(250, "gcr.io/250:latest"), image(10, "gcr.io/10:latest", "gcr.io/10:v1")]
NODE_600_40_900 = [image(600, "gcr.io/600:latest"), image(40, "gcr.io/40:latest"),
                   image(900, "gcr.io/900:latest")]
NODE_300_600_900 = [image(300, "gcr.io/300:latest"), image(600, "gcr.io/600:latest"),
                    image(900, "gcr.io/900:latest")]
NODE_4000_30 = [image(4000, "gcr.io/4000:latest"), image(30, "gcr.io/30:latest")]
NODE_20_30_40 = [image(20, "gcr.io/20:latest"), image(30, "gcr.io/30:latest"),
                 image(40, "gcr.io/40:latest")]
NODE_WITH_NO_IMAGES: list[dict[str, Any]] = []

CASES = [
    ("two images spread on two nodes, prefer the larger image one", TEST_40_250,
     [NODE_40_300_2000, NODE_250_10], [0, 5]),
    ("two images on one node, prefer this node", TEST_40_300,
     [NODE_40_300_2000, NODE_250_10], [7, 0]),
    ("if exceed limit, use limit", TEST_MIN_MAX, [NODE_4000_30, NODE_250_10],
     [MAX_NODE_SCORE, 0]),
    ("if exceed limit, use limit (with node which has no images present)", TEST_MIN_MAX,
     [NODE_4000_30, NODE_250_10, NODE_WITH_NO_IMAGES], [66, 0, 0]),
    ("pod with multiple large images, node2 is preferred", TEST_300_600_900,
     [NODE_600_40_900, NODE_300_600_900, NODE_WITH_NO_IMAGES], [32, 36, 0]),
    ("pod with multiple small images", TEST_30_40, [NODE_20_30_40, NODE_4000_30], [1, 0]),
    ("include InitContainers: two images spread on two nodes, prefer the larger image one",
     TEST_30_INIT_300, [NODE_40_300_2000, NODE_20_30_40], [6, 0]),
]


def make_image_node(name: str, images: list[dict[str, Any]]) -> dict[str, Any]:
    status = {"images": images} if images else {}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "status": status}


def decode_pod(pod_spec: dict[str, Any]) -> Pod:
    obj = decode_object({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "pod", "namespace": "default"}, "spec": pod_spec})
    assert isinstance(obj, Pod)
    return obj


@pytest.mark.parametrize(("pod_spec", "node_images", "want"),
                         [pytest.param(*c[1:], id=f"TestImageLocalityPriority/{c[0]}")
                          for c in CASES])
def test_image_locality_priority(pod_spec: dict[str, Any], node_images: list[Any],
                                 want: list[int]) -> None:
    names = [f"node{i + 1}" for i in range(len(node_images))]
    snapshot = Snapshot(restore(*(make_image_node(n, im) for n, im in zip(names, node_images,
                                                                           strict=True))))
    plugin = image_locality.new({})
    pod = decode_pod(pod_spec)
    state, status = plugin.pre_score(CycleState(), pod, snapshot, list(snapshot))
    assert status == OK
    got = []
    for name in names:
        info = snapshot.get(name)
        assert info is not None
        score, status = plugin.score(state, pod, info)
        assert status == OK
        got.append(NodeScore(name, score))
    assert got == [NodeScore(n, s) for n, s in zip(names, want, strict=True)]


def test_score_without_pre_score_is_an_error() -> None:
    snapshot = Snapshot(restore(make_image_node("node1", NODE_250_10)))
    info = snapshot.get("node1")
    assert info is not None
    score, status = image_locality.new({}).score(CycleState(), decode_pod(TEST_40_250), info)
    assert (score, status.code) == (0, ERROR)


def fake_digest(content: str) -> str:
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


@pytest.mark.parametrize(("name", "want"), [
    pytest.param("root", "root:latest", id="TestNormalizedImageName/add :latest postfix 1"),
    pytest.param("gcr.io:5000/root", "gcr.io:5000/root:latest",
                 id="TestNormalizedImageName/add :latest postfix 2"),
    pytest.param("root:tag", "root:tag", id="TestNormalizedImageName/keep it as is 1"),
    pytest.param("root@" + fake_digest("root"), "root@" + fake_digest("root"),
                 id="TestNormalizedImageName/keep it as is 2"),
    pytest.param("nginx", "nginx:latest", id="no docker.io/library/ prefix is added"),
])
def test_normalized_image_name(name: str, want: str) -> None:
    assert image_locality.normalized_image_name(name) == want
