"""The Endpoints controller (legacy v1 Endpoints).

Ported from pkg/controller/endpoint/endpoints_controller_test.go, builders as Go names them
(addPods: pods pod<i> with IP 1.2.3.<4+i> and container ports 8080+j, the first nNotReady of
them not ready): TestSyncEndpointsItemsPreserveNoSelector, TestSyncEndpointsNewNoSubsets,
TestSyncEndpointsProtocolTCP/UDP/SCTP, TestSyncEndpointsItemsEmptySelectorSelectsAll (an
empty selector selects nothing in kubefold: see below), TestSyncEndpointsItemsPreexisting,
TestSyncEndpointsItemsPreexistingIdentical, TestSyncEndpointsItems (multiple ports),
TestSyncEndpointsItemsWithLabels, TestSyncEndpointsHeadlessService,
TestSyncEndpointsItemsExcludeNotReadyPodsWithRestartPolicyNeverAndPhaseFailed /
...PhaseSucceeded, TestSyncEndpointsHeadlessWithoutPort, TestSyncEndpointsServiceNotFound,
TestSyncServiceOverCapacity, TestTruncateEndpoints, TestSyncServiceAddresses
(publishNotReadyAddresses and terminating pods).
Simplifies: Go keeps `selector: {}` apart from no selector (a non-nil empty map selects every
pod); a stored Service cannot carry an empty map through JSON omitempty, so kubefold treats
both as no selector.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object, encode_object
from kubefold.reducers.controllers import endpoint
from tests.helpers import Engine, plane, restore

NS = "other"
ENGINE = Engine(plane(endpoint.CONTROLLER))
NOW = "2024-01-01T00:00:00Z"
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS},
             "status": {"phase": "Active"}}


def add_pods(count: int, ports: int = 1, not_ready: int = 0, **status: Any) -> list[Any]:
    """addPods: pod<i>, labels foo=bar, IP 1.2.3.<4+i>, ports port<j> -> 8080+j."""
    out = []
    for i in range(count + not_ready):
        ready = i >= not_ready
        out.append({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": f"pod{i}", "namespace": NS, "labels": {"foo": "bar"},
                                 "uid": f"uid{i}"},
                    "spec": {"containers": [{"name": "c", "image": "i", "ports": [
                        {"name": f"port{j}", "containerPort": 8080 + j, "protocol": "TCP"}
                        for j in range(ports)]}]},
                    "status": {"phase": "Running", "podIP": f"1.2.3.{4 + i}",
                               "podIPs": [{"ip": f"1.2.3.{4 + i}"}],
                               "conditions": [{"type": "Ready",
                                               "status": "True" if ready else "False"}],
                               **status}})
    return out


def service(ports: list[dict[str, Any]] | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"selector": {"foo": "bar"}, "clusterIP": "10.96.9.9",
                            "ipFamilies": ["IPv4"],
                            "ports": ports if ports is not None else [
                                {"port": 80, "protocol": "TCP", "targetPort": 8080}],
                            **spec}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "foo", "namespace": NS, "creationTimestamp": NOW},
            "spec": {k: v for k, v in body.items() if v is not None}}


def address(i: int) -> dict[str, Any]:
    return {"ip": f"1.2.3.{4 + i}",
            "targetRef": {"kind": "Pod", "name": f"pod{i}", "namespace": NS, "uid": f"uid{i}"}}


def sync(*manifests: dict[str, Any]):
    cluster = restore(NAMESPACE, *manifests, now=NOW)
    return ENGINE.reconcile(cluster, "endpoints", f"{NS}/foo")


def endpoints_of(cluster) -> dict[str, Any] | None:
    found = cluster.get("Endpoints", NS, "foo")
    return None if found is None else encode_object(found)


def test_sync_endpoints_items_preserve_no_selector():
    """A Service without a selector keeps its hand-written Endpoints."""
    mine = {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "foo", "namespace": NS},
            "subsets": [{"addresses": [{"ip": "6.7.8.9"}], "ports": [{"port": 1000}]}]}
    cluster = sync(mine, service(selector=None))
    assert endpoints_of(cluster)["subsets"] == mine["subsets"]


def test_sync_endpoints_new_no_subsets():
    """TestSyncEndpointsNewNoSubsets: no pods, an Endpoints with no subsets is created."""
    got = endpoints_of(sync(service()))
    assert got is not None and "subsets" not in got


@pytest.mark.parametrize("protocol", ["TCP", "UDP", "SCTP"],
                         ids=["TestSyncEndpointsProtocolTCP", "TestSyncEndpointsProtocolUDP",
                              "TestSyncEndpointsProtocolSCTP"])
def test_sync_endpoints_protocol(protocol):
    pods = add_pods(1)
    pods[0]["spec"]["containers"][0]["ports"][0]["protocol"] = protocol
    got = endpoints_of(sync(service([{"port": 80, "protocol": protocol, "targetPort": 8080,
                                      "name": "p"}]), *pods))
    assert got["subsets"] == [{"addresses": [address(0)],
                               "ports": [{"name": "p", "port": 8080, "protocol": protocol}]}]


def test_sync_endpoints_items_not_ready_and_mixed():
    """TestSyncEndpointsItemsEmptySelectorSelectsAllNotReady / ...Mixed: not-ready pods go to
    notReadyAddresses."""
    got = endpoints_of(sync(service(), *add_pods(1, not_ready=1)))
    assert got["subsets"] == [{"addresses": [address(1)], "notReadyAddresses": [address(0)],
                               "ports": [{"port": 8080, "protocol": "TCP"}]}]


def test_sync_endpoints_items_preexisting():
    """TestSyncEndpointsItemsPreexisting: a stale Endpoints is rewritten; labels follow the
    Service and the trigger time is set."""
    stale = {"apiVersion": "v1", "kind": "Endpoints",
             "metadata": {"name": "foo", "namespace": NS},
             "subsets": [{"addresses": [{"ip": "6.7.8.9", "nodeName": "n"}],
                          "ports": [{"port": 1000}]}]}
    got = endpoints_of(sync(stale, service(), *add_pods(1)))
    assert got["subsets"] == [{"addresses": [address(0)],
                               "ports": [{"port": 8080, "protocol": "TCP"}]}]
    assert got["metadata"]["annotations"] == {
        "endpoints.kubernetes.io/last-change-trigger-time": NOW}


def test_sync_endpoints_items_preexisting_identical():
    """TestSyncEndpointsItemsPreexistingIdentical: nothing to write."""
    cluster = sync(service(), *add_pods(1))
    again = ENGINE.reconcile(cluster, "endpoints", f"{NS}/foo")
    assert again.resource_version == cluster.resource_version


def test_sync_endpoints_items_multiple_ports():
    """TestSyncEndpointsItems: three pods, two ports; addresses sorted by IP."""
    ports = [{"name": "port0", "port": 80, "protocol": "TCP", "targetPort": "port0"},
             {"name": "port1", "port": 88, "protocol": "TCP", "targetPort": 8088}]
    got = endpoints_of(sync(service(ports), *add_pods(3, ports=2)))
    assert got["subsets"] == [{"addresses": [address(0), address(1), address(2)],
                               "ports": [{"name": "port0", "port": 8080, "protocol": "TCP"},
                                         {"name": "port1", "port": 8088, "protocol": "TCP"}]}]


def test_sync_endpoints_items_with_labels():
    """TestSyncEndpointsItemsWithLabels: the Endpoints carries the Service's labels."""
    svc = service()
    svc["metadata"]["labels"] = {"foo": "bar", "baz": "qux"}
    got = endpoints_of(sync(svc, *add_pods(1)))
    assert got["metadata"]["labels"] == {"foo": "bar", "baz": "qux"}


def test_sync_endpoints_headless_service():
    """TestSyncEndpointsHeadlessService: the headless label is added."""
    got = endpoints_of(sync(service(clusterIP="None"), *add_pods(1)))
    assert got["metadata"]["labels"] == {"service.kubernetes.io/headless": ""}
    assert got["subsets"][0]["addresses"] == [address(0)]


@pytest.mark.parametrize("phase", ["Failed", "Succeeded"], ids=[
    "TestSyncEndpointsItemsExcludeNotReadyPodsWithRestartPolicyNeverAndPhaseFailed",
    "TestSyncEndpointsItemsExcludeNotReadyPodsWithRestartPolicyNeverAndPhaseSucceeded"])
def test_sync_endpoints_exclude_terminal_pods(phase):
    got = endpoints_of(sync(service(), *add_pods(0, not_ready=1, phase=phase)))
    assert "subsets" not in got


def test_sync_endpoints_headless_without_port():
    """TestSyncEndpointsHeadlessWithoutPort: a headless Service with no ports lists the
    addresses with no ports."""
    got = endpoints_of(sync(service(ports=[], clusterIP="None"), *add_pods(1)))
    assert got["subsets"] == [{"addresses": [address(0)]}]


def test_sync_endpoints_service_not_found():
    """TestSyncEndpointsServiceNotFound: the Endpoints of a deleted Service is deleted."""
    leftover = {"apiVersion": "v1", "kind": "Endpoints",
                "metadata": {"name": "foo", "namespace": NS},
                "subsets": [{"addresses": [{"ip": "6.7.8.9"}], "ports": [{"port": 1000}]}]}
    assert sync(leftover).get("Endpoints", NS, "foo") is None


@pytest.mark.parametrize(("ready", "not_ready", "want_ready", "want_not_ready", "truncated"), [
    (50, 25, 50, 25, False), (1000, 0, 1000, 0, False), (1001, 0, 1000, 0, True),
    (900, 200, 900, 100, True), (1100, 50, 1000, 0, True)],
    ids=["TestSyncServiceOverCapacity/under capacity",
         "TestSyncServiceOverCapacity/at capacity",
         "TestSyncServiceOverCapacity/over capacity",
         "TestSyncServiceOverCapacity/over capacity, ready fit",
         "TestSyncServiceOverCapacity/ready over capacity"])
def test_sync_service_over_capacity(ready, not_ready, want_ready, want_not_ready, truncated):
    """TestSyncServiceOverCapacity / TestTruncateEndpoints: ready addresses are kept first."""
    subset = endpoint.EndpointSubset(
        addresses=[endpoint.EndpointAddress(ip=f"10.0.{i // 250}.{i % 250}")
                   for i in range(ready)],
        not_ready_addresses=[endpoint.EndpointAddress(ip=f"10.1.{i // 250}.{i % 250}")
                             for i in range(not_ready)])
    (got,), was = endpoint.truncate_endpoints([subset])
    assert (len(got.addresses), len(got.not_ready_addresses), was) == \
        (want_ready, want_not_ready, truncated)


def test_truncation_is_annotated():
    """The over-capacity annotation, `truncated`, on a Service of more than 1,000 pods."""
    pods = []
    for i in range(1001):
        pod = add_pods(1)[0]
        pod["metadata"].update(name=f"pod{i}", uid=f"uid{i}")
        ip = f"1.{2 + i // 250}.{i % 250}.4"
        pod["status"].update(podIP=ip, podIPs=[{"ip": ip}])
        pods.append(pod)
    got = endpoints_of(sync(service(), *pods))
    assert got["metadata"]["annotations"]["endpoints.kubernetes.io/over-capacity"] == "truncated"
    assert len(got["subsets"][0]["addresses"]) == 1000


@pytest.mark.parametrize(("publish", "terminating", "ready", "expected"), [
    (False, False, True, "addresses"), (False, False, False, "notReadyAddresses"),
    (False, True, True, None), (True, True, False, "addresses"),
    (True, False, False, "addresses")],
    ids=["TestSyncServiceAddresses/ready pod", "TestSyncServiceAddresses/not ready pod",
         "TestSyncServiceAddresses/terminating pod",
         "TestSyncServiceAddresses/terminating pod, publishNotReadyAddresses",
         "TestSyncServiceAddresses/not ready pod, publishNotReadyAddresses"])
def test_sync_service_addresses(publish, terminating, ready, expected):
    pod = add_pods(1 if ready else 0, not_ready=0 if ready else 1)[0]
    if terminating:
        pod["metadata"].update(deletionTimestamp=NOW, deletionGracePeriodSeconds=30)
    got = endpoints_of(sync(service(publishNotReadyAddresses=publish), pod))
    subsets = got.get("subsets") or [{}]
    if expected is None:
        assert "subsets" not in got
    else:
        assert [a["ip"] for a in subsets[0][expected]] == ["1.2.3.4"]


def test_endpoints_follow_a_pod_incrementally():
    """A pod turning not-ready moves its address (one pod read, not the Service's all)."""
    cluster = sync(service(), *add_pods(3))
    pod = decode_object(add_pods(3)[1])
    manifest = encode_object(cluster.get("Pod", NS, "pod1"))
    manifest["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    manifest["metadata"]["resourceVersion"] = "999"
    cluster = ENGINE.dispatch(cluster.put(decode_object(manifest)))[0]
    assert pod.metadata.name == "pod1"
    cluster = ENGINE.reconcile(cluster, "endpoints", f"{NS}/foo")
    got = endpoints_of(cluster)
    assert [a["ip"] for a in got["subsets"][0]["addresses"]] == ["1.2.3.4", "1.2.3.6"]
    assert [a["ip"] for a in got["subsets"][0]["notReadyAddresses"]] == ["1.2.3.5"]
