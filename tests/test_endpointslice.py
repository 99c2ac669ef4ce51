"""The EndpointSlice controller: its reconciler, its utils and its sync.

Ported (the builders named as Go's: newServicePortsAddressType, newPod, newEmptyEndpointSlice):
- staging/src/k8s.io/endpointslice/reconciler_test.go: TestReconcileEmpty, TestReconcile1Pod
  (ipv4, ipv4-clusterip, ipv4-labels, ipv4-bad-labels, ipv6, ipv6-clusterip, no-family),
  TestReconcileManyPods, TestReconcileEndpointSlicesSomePreexisting,
  TestReconcileEndpointSlicesSomePreexistingWorseAllocation, TestReconcileEndpointSlicesUpdating,
  TestReconcileEndpointSlicesServicesLabelsUpdating,
  TestReconcileEndpointSlicesServicesReservedLabels, TestReconcileEndpointSlicesRecycling,
  TestReconcileEndpointSlicesUpdatePacking, TestReconcileEndpointSlicesReplaceDeprecated,
  TestReconcileEndpointSlicesRecreation, TestReconcileEndpointSlicesNamedPorts,
  TestReconcileMaxEndpointsPerSlice, TestReconcilerFinalizeSvcDeletionTimestamp (the create
  is dropped), TestReconcilerPodMissingNode.
- staging/src/k8s.io/endpointslice/utils_test.go: TestNewEndpointSlice, TestPodToEndpoint,
  TestServiceControllerKey, TestGetEndpointPorts, TestSetEndpointSliceLabels (the reserved
  labels), TestGetSliceToFill.
- util/controller_utils_test.go: TestShouldPodBeInEndpoints, TestShouldSetHostname,
  TestDetermineNeededServiceUpdates, TestPodChanged.
- pkg/controller/endpointslice/endpointslice_controller_test.go: TestSyncServiceNoSelector,
  TestSyncServiceExternalNameType, TestSyncServicePodSelection,
  TestSyncServiceEndpointSlicePendingDeletion, TestOnEndpointSliceUpdate (someone else's edit
  is reverted).
Go's pods are named pod<n> with IP 1.2.3.<4+n>; past 251 pods that is no IP at all, so here
the third octet carries on (1.2.4.x, ...).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.events import Apply
from kubefold.reducers.controllers.endpointslice import endpointslice_controller as esc
from kubefold.reducers.controllers.endpointslice import reconciler, utils
from tests.helpers import Engine, plane, restore

NS = "test"
ENGINE = Engine(plane(esc.CONTROLLER))
NOW = "2024-01-01T00:00:00Z"


def new_service(name: str = "foo", **spec: Any) -> dict[str, Any]:
    """newServicePortsAddressType: port `foo` -> targetPort 80, selector foo=bar, IPv4."""
    body = {"ports": [{"name": name, "targetPort": 80, "protocol": "TCP"}],
            "selector": {"foo": "bar"}, "ipFamilies": ["IPv4"], **spec}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": NS, "uid": f"{NS}-{name}",
                         "creationTimestamp": NOW},
            "spec": {k: v for k, v in body.items() if v is not None}}


def pod_ip(n: int) -> str:
    return f"1.2.{3 + (4 + n) // 256}.{(4 + n) % 256}"


def new_pod(n: int, ready: bool = True, terminating: bool = False, node: str = "node-1",
            **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": f"pod{n}", "namespace": NS, "labels": {"foo": "bar"},
                            "uid": f"uid-pod{n}", "resourceVersion": str(n + 1)}
    if terminating:
        meta.update(deletionTimestamp=NOW, deletionGracePeriodSeconds=30)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": node, "containers": [{"name": "container-1", "image": "i"}],
                     **spec},
            "status": {"phase": "Running", "podIP": pod_ip(n), "podIPs": [{"ip": pod_ip(n)}],
                       "conditions": [{"type": "Ready",
                                       "status": "True" if ready else "False"}]}}


def new_node(name: str = "node-1", **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}}


def endpoint_of(pod: dict[str, Any], svc: dict[str, Any]) -> dict[str, Any]:
    """podToEndpoint(pod, &Node{}, svc, IPv4) as JSON."""
    ep = utils.pod_to_endpoint(decode_object(pod), None, decode_object(svc), "IPv4")
    return encode_object_part(ep)


def encode_object_part(value: Any) -> dict[str, Any]:
    from kubefold.core.schema import encode

    return encode(value)


def new_empty_endpoint_slice(n: int, svc: dict[str, Any], address_type: str = "IPv4",
                             endpoints: list[dict[str, Any]] | None = None,
                             owner_uid: str | None = None,
                             ports: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """newEmptyEndpointSlice: `<svc>-<n>`, owned by the Service, managed by the controller."""
    name = svc["metadata"]["name"]
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{name}-{n}", "namespace": NS,
                         "labels": {utils.LABEL_SERVICE_NAME: name,
                                    utils.LABEL_MANAGED_BY: utils.CONTROLLER_NAME},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Service",
                                              "name": name,
                                              "uid": owner_uid or svc["metadata"]["uid"],
                                              "controller": True,
                                              "blockOwnerDeletion": True}]},
            "addressType": address_type,
            "ports": ports if ports is not None else [
                {"name": name, "protocol": "TCP", "port": 80}],
            "endpoints": endpoints or []}


def sync(cluster, key: str = f"{NS}/foo"):
    """One syncService; the writes it made as (verb, kind, object)."""
    after = esc.sync_service(cluster, key)
    writes = []
    for change in after.changes:
        verb = "create" if change.old is None else "delete" if change.new is None else "update"
        writes.append((verb, change.kind, change.new if change.new is not None else change.old))
    return ENGINE.dispatch(after)[0], writes


def slices(cluster) -> list[Any]:
    return sorted(cluster.list("EndpointSlice", NS), key=lambda es: es.metadata.name)


def lengths(cluster) -> list[int]:
    return sorted(len(es.endpoints) for es in slices(cluster))


NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS},
             "status": {"phase": "Active"}}


def start(*manifests: dict[str, Any]):
    return restore(NAMESPACE, new_node(), *manifests, now=NOW)


# -- reconciler_test.go -----------------------------------------------------------------------


def test_reconcile_empty():
    """TestReconcileEmpty: no pods, one placeholder slice."""
    cluster, writes = sync(start(new_service()))
    assert [w[0] for w in writes] == ["create"]
    (es,) = slices(cluster)
    assert es.metadata.name.startswith("foo-")
    assert es.metadata.labels[utils.LABEL_SERVICE_NAME] == "foo"
    assert not es.ports and not es.endpoints


ONE_POD_CASES = {
    "no-family-service": ({"ipFamilies": None, "clusterIP": "10.0.0.10"}, {}, ["IPv4"], False),
    "ipv4": ({}, {}, ["IPv4"], True),
    "ipv4-clusterip": ({"clusterIP": "1.1.1.1"}, {}, ["IPv4"], False),
    "ipv4-labels": ({}, {"foo": "bar"}, ["IPv4"], True),
    "ipv4-bad-labels": ({}, {utils.LABEL_SERVICE_NAME: "bad", utils.LABEL_MANAGED_BY: "actor",
                             utils.IS_HEADLESS_SERVICE: "invalid"}, ["IPv4"], True),
    "ipv6": ({"ipFamilies": ["IPv6"]}, {}, ["IPv6"], True),
    "ipv6-clusterip": ({"ipFamilies": ["IPv6"], "clusterIP": "1234::5678:0000:0000:9abc:def1"},
                       {}, ["IPv6"], False),
    "dualstack-service": ({"ipFamilies": ["IPv4", "IPv6"], "clusterIP": "10.0.0.10",
                           "clusterIPs": ["10.0.0.10", "2000::1"]}, {}, ["IPv4", "IPv6"],
                          False),
}


@pytest.mark.parametrize(("spec", "labels", "types", "headless"), list(ONE_POD_CASES.values()),
                         ids=[f"TestReconcile1Pod/{k}" for k in ONE_POD_CASES])
def test_reconcile_1_pod(spec, labels, types, headless):
    svc = new_service(**spec)
    svc["metadata"]["labels"] = labels
    pod = new_pod(1, hostname="example-hostname")
    pod["status"]["podIPs"] = [{"ip": "1.2.3.4"}, {"ip": "1234::5678:0000:0000:9abc:def0"}]
    cluster = restore(NAMESPACE, new_node(**{"topology.kubernetes.io/zone": "us-central1-a",
                                             "topology.kubernetes.io/region": "us-central1"}),
                      svc, pod, now=NOW)
    cluster, writes = sync(cluster)
    assert [w[0] for w in writes] == ["create"] * len(types)
    found = {es.address_type: es for es in slices(cluster)}
    assert sorted(found) == sorted(types)
    for at, es in found.items():
        want = {utils.LABEL_MANAGED_BY: utils.CONTROLLER_NAME, utils.LABEL_SERVICE_NAME: "foo"}
        if headless:
            want[utils.IS_HEADLESS_SERVICE] = ""
        if "foo" in labels:
            want["foo"] = "bar"
        assert dict(es.metadata.labels) == want
        (ep,) = es.endpoints
        address = "1.2.3.4" if at == "IPv4" else "1234::5678:0:0:9abc:def0"
        assert encode_object_part(ep) == {
            "addresses": [address],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "zone": "us-central1-a", "nodeName": "node-1",
            "targetRef": {"kind": "Pod", "namespace": NS, "name": "pod1", "uid": "uid-pod1"}}


def many(count: int) -> list[dict[str, Any]]:
    return [new_pod(i, ready=i % 3 != 0) for i in range(count)]


def test_reconcile_many_pods():
    """TestReconcileManyPods: 250 pods, 3 creates, 100 + 100 + 50."""
    cluster, writes = sync(start(new_service(), *many(250)))
    assert [w[0] for w in writes] == ["create"] * 3
    assert lengths(cluster) == [50, 100, 100]


def preexisting(count: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    svc = new_service()
    pods = many(count)
    s1 = new_empty_endpoint_slice(1, svc, endpoints=[endpoint_of(pods[i], svc)
                                                     for i in range(1, count - 4, 4)])
    s2 = new_empty_endpoint_slice(2, svc, endpoints=[endpoint_of(pods[i], svc)
                                                     for i in range(3, count - 4, 4)])
    return svc, pods, [s1, s2]


def test_reconcile_endpoint_slices_some_preexisting():
    """TestReconcileEndpointSlicesSomePreexisting: 1 create (100) + 1 update (62 -> 89)."""
    svc, pods, existing = preexisting(250)
    cluster, writes = sync(start(svc, *pods, *existing))
    assert [w[0] for w in writes] == ["create", "update"]
    assert lengths(cluster) == [61, 89, 100]


def test_reconcile_endpoint_slices_some_preexisting_worse_allocation():
    """TestReconcileEndpointSlicesSomePreexistingWorseAllocation: 2 creates (100, 52)."""
    svc, pods, existing = preexisting(300)
    cluster, writes = sync(start(svc, *pods, *existing))
    assert [w[0] for w in writes] == ["create", "create"]
    assert lengths(cluster) == [52, 74, 74, 100]


def update_service(cluster, svc: dict[str, Any]):
    """The Service changed (as the informer would deliver it): the next sync is a full one."""
    stored = cluster.get("Service", NS, svc["metadata"]["name"])
    new = decode_object(svc)
    new = attrs.evolve(new, metadata=attrs.evolve(new.metadata, resource_version="999"),
                       spec=attrs.evolve(new.spec, cluster_ip=stored.spec.cluster_ip))
    return ENGINE.dispatch(cluster.put(new))[0]


def test_reconcile_endpoint_slices_updating():
    """TestReconcileEndpointSlicesUpdating: a targetPort change updates the 3 slices."""
    svc = new_service()
    cluster, _ = sync(start(svc, *many(250)))
    svc["spec"]["ports"][0]["targetPort"] = 81
    cluster, writes = sync(update_service(cluster, svc))
    assert [w[0] for w in writes] == ["update"] * 3
    assert lengths(cluster) == [50, 100, 100]
    assert {es.ports[0].port for es in slices(cluster)} == {81}


def test_reconcile_endpoint_slices_services_labels_updating():
    """TestReconcileEndpointSlicesServicesLabelsUpdating: the Service's labels reach every
    slice (3 updates); reserved ones do not (TestReconcileEndpointSlicesServicesReservedLabels,
    no writes)."""
    svc = new_service()
    cluster, _ = sync(start(svc, *many(250)))
    svc["metadata"]["labels"] = {utils.LABEL_SERVICE_NAME: "bad",
                                 utils.LABEL_MANAGED_BY: "actor",
                                 utils.IS_HEADLESS_SERVICE: "invalid"}
    cluster, writes = sync(update_service(cluster, svc))
    assert writes == []
    svc["metadata"]["labels"] = {"foo": "bar"}
    cluster, writes = sync(update_service(cluster, svc))
    assert [w[0] for w in writes] == ["update"] * 3
    assert all(es.metadata.labels["foo"] == "bar" for es in slices(cluster))


def test_reconcile_endpoint_slices_recycling():
    """TestReconcileEndpointSlicesRecycling: ten slices of 30 are left alone; after a port
    change they are repacked into three updates and seven deletes."""
    svc = new_service()
    pods = many(300)
    existing = [new_empty_endpoint_slice(n, svc, endpoints=[endpoint_of(p, svc)
                                                            for p in pods[n * 30:n * 30 + 30]])
                for n in range(10)]
    cluster, writes = sync(start(svc, *pods, *existing))
    assert writes == []
    svc["spec"]["ports"][0]["targetPort"] = 81
    cluster, writes = sync(update_service(cluster, svc))
    assert sorted(w[0] for w in writes) == ["delete"] * 7 + ["update"] * 3
    assert lengths(cluster) == [100, 100, 100]


def test_reconcile_endpoint_slices_update_packing():
    """TestReconcileEndpointSlicesUpdatePacking: new endpoints go to the fuller of the slices
    being updated (80 + 15 = 95, 20)."""
    svc = new_service()
    pods = [new_pod(i) for i in (*range(80), *range(100, 120))]
    s1 = new_empty_endpoint_slice(1, svc, endpoints=[endpoint_of(p, svc) for p in pods[:80]])
    s2 = new_empty_endpoint_slice(2, svc, endpoints=[endpoint_of(p, svc) for p in pods[80:]])
    for i, pod in enumerate(pods):
        if i % 10 == 0:
            pod["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    pods += [new_pod(i) for i in range(200, 215)]
    cluster, writes = sync(start(svc, *pods, s1, s2))
    assert [w[0] for w in writes] == ["update", "update"]
    assert lengths(cluster) == [20, 95]


def test_reconcile_endpoint_slices_replace_deprecated():
    """TestReconcileEndpointSlicesReplaceDeprecated: slices of address type "IP" go, new
    IPv4 ones are packed (100, 30)."""
    svc = new_service()
    pods = [new_pod(i) for i in (*range(80), *range(100, 150))]
    s1 = new_empty_endpoint_slice(1, svc, "IP", [endpoint_of(p, svc) for p in pods[:80]])
    s2 = new_empty_endpoint_slice(2, svc, "IP", [endpoint_of(p, svc) for p in pods[80:]])
    cluster, writes = sync(start(svc, *pods, s1, s2))
    assert sorted(w[0] for w in writes) == ["create", "create", "delete", "delete"]
    assert lengths(cluster) == [30, 100]
    assert {es.address_type for es in slices(cluster)} == {"IPv4"}


@pytest.mark.parametrize(("owned", "verbs"), [(True, []), (False, ["create", "delete"])],
                         ids=["TestReconcileEndpointSlicesRecreation/slice owned by Service",
                              "TestReconcileEndpointSlicesRecreation/slice owned by other "
                              "Service UID"])
def test_reconcile_endpoint_slices_recreation(owned, verbs):
    svc = new_service()
    pod = new_pod(1)
    es = new_empty_endpoint_slice(1, svc, endpoints=[endpoint_of(pod, svc)],
                                  owner_uid=None if owned else "different")
    _, writes = sync(start(svc, pod, es))
    assert [w[0] for w in writes] == verbs


def test_reconcile_endpoint_slices_named_ports():
    """TestReconcileEndpointSlicesNamedPorts: a named targetPort resolving to five numbers
    gives five slices of 60."""
    svc = new_service("named-port-example", ports=[{"targetPort": "http", "protocol": "TCP"}])
    pods = []
    for i in range(300):
        pod = new_pod(i, ready=i % 3 != 0)
        pod["spec"]["containers"][0]["ports"] = [{"name": "http", "containerPort": 8080 + i % 5,
                                                  "protocol": "TCP"}]
        pods.append(pod)
    cluster, writes = sync(start(svc, *pods), f"{NS}/named-port-example")
    assert [w[0] for w in writes] == ["create"] * 5
    assert lengths(cluster) == [60] * 5
    assert sorted(es.ports[0].port for es in slices(cluster)) == list(range(8080, 8085))
    assert all(es.ports[0].name == "" for es in slices(cluster))


@pytest.mark.parametrize(("limit", "expected"), [
    (50, [50, 50, 50, 50, 50]), (80, [10, 80, 80, 80]), (150, [100, 150]), (250, [250]),
    (500, [250])], ids=[f"TestReconcileMaxEndpointsPerSlice/maxEndpointsPerSlice: {n}"
                        for n in (50, 80, 150, 250, 500)])
def test_reconcile_max_endpoints_per_slice(limit, expected):
    cluster = start(new_service(), *many(250))
    svc = cluster.get("Service", NS, "foo")
    pods = list(cluster.list("Pod", NS))
    desired, _ = esc.desired_endpoints(cluster, svc, pods)
    plan = reconciler.reconcile(svc, [], desired, None, {}, max_per_slice=limit)
    assert sorted(len(es.endpoints) for es in plan.to_create) == expected


def test_reconciler_finalize_svc_deletion_timestamp():
    """TestReconcilerFinalizeSvcDeletionTimestamp: a Service being deleted gets updates and
    deletes but no new slice."""
    svc = new_service()
    svc["metadata"].update(deletionTimestamp=NOW, finalizers=["example.com/hold"])
    pod = new_pod(1)
    _, writes = sync(start(svc, pod))
    assert writes == []
    existing = new_empty_endpoint_slice(1, svc, endpoints=[])
    cluster, writes = sync(start(svc, pod, existing))
    assert [w[0] for w in writes] == ["update"]


@pytest.mark.parametrize(("publish", "node", "count", "retried"), [
    (False, "node-1", 1, False), (False, "node-2", 0, True), (True, "node-2", 1, False)],
    ids=["TestReconcilerPodMissingNode/Create and publishNotReady false",
         "TestReconcilerPodMissingNode/Create pod with missing node, publishNotReady false",
         "TestReconcilerPodMissingNode/Create pod with missing node, publishNotReady true"])
def test_reconciler_pod_missing_node(publish, node, count, retried):
    svc = new_service(publishNotReadyAddresses=publish)
    cluster, _ = sync(start(svc, new_pod(1, node=node)))
    assert sum(len(es.endpoints) for es in slices(cluster)) == count
    assert (set(esc.tracker_of(cluster).services[f"{NS}/foo"].dirty) == {"pod1"}) == retried


# -- utils_test.go ----------------------------------------------------------------------------


@pytest.mark.parametrize(("labels", "cluster_ip", "expected"), [
    ({}, "1.1.1.1", {}),
    ({"foo": "bar"}, "1.1.1.1", {"foo": "bar"}),
    ({"foo": "bar"}, "None", {"foo": "bar", utils.IS_HEADLESS_SERVICE: ""}),
    ({"foo": "bar", "foo2": "bar2"}, "1.1.1.1", {"foo": "bar", "foo2": "bar2"}),
    ({utils.LABEL_SERVICE_NAME: "bad", utils.LABEL_MANAGED_BY: "actor", "foo": "bar"},
     "1.1.1.1", {"foo": "bar"}),
], ids=["TestNewEndpointSlice/Service without labels", "TestNewEndpointSlice/Service with labels",
        "TestNewEndpointSlice/Headless Service with labels",
        "TestNewEndpointSlice/Service with multiple labels",
        "TestNewEndpointSlice/Evil service hijacking endpoint slices labels"])
def test_new_endpoint_slice(labels, cluster_ip, expected):
    svc = decode_object({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "foo", "namespace": "test", "labels": labels,
                                      "uid": "u"},
                         "spec": {"clusterIP": cluster_ip, "selector": {"foo": "bar"}}})
    port = decode_object({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                          "metadata": {"name": "x"}, "ports": [{"name": "foo",
                                                                "protocol": "TCP"}]}).ports
    es = utils.new_endpoint_slice(svc, list(port), "IPv4")
    assert encode_object(es) == {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"generateName": "foo-", "namespace": "test",
                     "labels": {utils.LABEL_SERVICE_NAME: "foo",
                                utils.LABEL_MANAGED_BY: utils.CONTROLLER_NAME, **expected},
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "foo",
                                          "uid": "u", "controller": True,
                                          "blockOwnerDeletion": True}]},
        "addressType": "IPv4", "ports": [{"name": "foo", "protocol": "TCP"}]}


SVC = new_service()
PUBLISH = new_service("publishnotready", publishNotReadyAddresses=True)
ZONED = new_node(**{"topology.kubernetes.io/zone": "us-central1-a",
                    "topology.kubernetes.io/region": "us-central1"})


def _hostname_pod() -> dict[str, Any]:
    pod = new_pod(1, hostname="example-hostname", subdomain="foo")
    return pod


def _multi_ip_pod() -> dict[str, Any]:
    pod = new_pod(1)
    pod["status"]["podIPs"] = [{"ip": "1.2.3.4"}, {"ip": "1234::5678:0000:0000:9abc:def0"}]
    return pod


TO_ENDPOINT = {
    "Ready pod": (new_pod(1), None, SVC, "1.2.3.5", (True, True, False), None, None),
    "Ready pod + publishNotReadyAddresses":
        (new_pod(1), None, PUBLISH, "1.2.3.5", (True, True, False), None, None),
    "Unready pod": (new_pod(1, ready=False), None, SVC, "1.2.3.5", (False, False, False),
                    None, None),
    "Unready pod + publishNotReadyAddresses":
        (new_pod(1, ready=False), None, PUBLISH, "1.2.3.5", (True, False, False), None, None),
    "Ready pod + node labels":
        (new_pod(1), ZONED, SVC, "1.2.3.5", (True, True, False), "us-central1-a", None),
    "Multi IP Ready pod + node labels":
        (_multi_ip_pod(), ZONED, SVC, "1.2.3.4", (True, True, False), "us-central1-a", None),
    "Ready pod + hostname": (_hostname_pod(), ZONED, SVC, "1.2.3.5", (True, True, False),
                             "us-central1-a", "example-hostname"),
    "Ready terminating pod": (new_pod(1, terminating=True), None, SVC, "1.2.3.5",
                              (False, True, True), None, None),
    "Not ready terminating pod": (new_pod(1, ready=False, terminating=True), None, SVC,
                                  "1.2.3.5", (False, False, True), None, None),
}


@pytest.mark.parametrize(("pod", "node", "svc", "address", "conditions", "zone", "hostname"),
                         list(TO_ENDPOINT.values()),
                         ids=[f"TestPodToEndpoint/{k}" for k in TO_ENDPOINT])
def test_pod_to_endpoint(pod, node, svc, address, conditions, zone, hostname):
    ep = utils.pod_to_endpoint(decode_object(pod), decode_object(node) if node else None,
                               decode_object(svc), "IPv4")
    assert list(ep.addresses) == [address]
    c = ep.conditions
    assert (c.ready, c.serving, c.terminating) == conditions
    assert (ep.zone, ep.hostname, ep.node_name) == (zone, hostname, "node-1")
    assert (ep.target_ref.kind, ep.target_ref.name) == ("Pod", "pod1")


@pytest.mark.parametrize(("labels", "key"), [
    ({}, None), ({utils.LABEL_SERVICE_NAME: "svc"}, "ns/svc")],
    ids=["TestServiceControllerKey/empty EndpointSlice",
         "TestServiceControllerKey/valid EndpointSlice"])
def test_service_controller_key(labels, key):
    es = decode_object({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                        "metadata": {"name": "x", "namespace": "ns", "labels": labels}})
    assert utils.service_controller_key(es) == key


@pytest.mark.parametrize(("ports", "container_ports", "expected"), [
    ([{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP",
       "appProtocol": "example.com/custom-protocol"}], [],
     [("http", 80, "TCP", "example.com/custom-protocol")]),
    ([{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP",
       "appProtocol": "example.com/custom-protocol"}],
     [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
     [("http", 8080, "TCP", "example.com/custom-protocol")]),
    ([{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"},
      {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}],
     [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
     [("http", 80, "TCP", None)]),
], ids=["TestGetEndpointPorts/service with AppProtocol on one port",
        "TestGetEndpointPorts/service with named port and AppProtocol on one port",
        "TestGetEndpointPorts/a named port the pod lacks is left out"])
def test_get_endpoint_ports(ports, container_ports, expected):
    svc = decode_object(new_service(ports=ports))
    pod = new_pod(1)
    pod["spec"]["containers"][0]["ports"] = container_ports
    got = utils.get_endpoint_ports(svc, decode_object(pod))
    assert [(p.name, p.port, p.protocol, p.app_protocol) for p in got] == expected


@pytest.mark.parametrize(("sizes", "count", "expected"), [
    ([], 1, None), ([100], 1, None), ([99], 1, 0), ([95, 90], 10, 1),
    ([80, 90, 85], 10, 1), ([40, 60, 80], 20, 2), ([40, 60, 80], 60, 0),
    ([50, 50], 50, 0), ([30, 70], 40, 0)],
    ids=["no slices", "full slice", "exact fit", "the one that fills up",
         "closest to full among three", "closest of three", "only the emptiest fits",
         "first of equals", "fits only one"])
def test_get_slice_to_fill(sizes, count, expected):
    """getSliceToFill: the slice that will be closest to full, if one fits."""
    made = [decode_object({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                           "metadata": {"name": f"s{i}"},
                           "endpoints": [{"addresses": ["1.1.1.1"]}] * n})
            for i, n in enumerate(sizes)]
    got = utils.get_slice_to_fill(made, count, 100)
    assert (None if got is None else made.index(got)) == expected


# -- controller_utils_test.go -----------------------------------------------------------------


@pytest.mark.parametrize(("phase", "ip", "terminating", "include", "expected"), [
    ("Failed", "1.2.3.4", False, True, False), ("Succeeded", "1.2.3.4", False, True, False),
    ("Running", "", False, True, False), ("Running", "1.2.3.4", True, False, False),
    ("Running", "1.2.3.4", True, True, True), ("Running", "1.2.3.4", False, False, True),
    ("Pending", "1.2.3.4", False, False, True)],
    ids=["TestShouldPodBeInEndpoints/Failed pod", "TestShouldPodBeInEndpoints/Succeeded pod",
         "TestShouldPodBeInEndpoints/Pod without IP",
         "TestShouldPodBeInEndpoints/Terminating pod, not included",
         "TestShouldPodBeInEndpoints/Terminating pod, included",
         "TestShouldPodBeInEndpoints/Running pod", "TestShouldPodBeInEndpoints/Pending pod"])
def test_should_pod_be_in_endpoints(phase, ip, terminating, include, expected):
    pod = new_pod(1, terminating=terminating)
    pod["status"].update(phase=phase, podIP=ip, podIPs=[{"ip": ip}] if ip else [])
    assert utils.should_pod_be_in_endpoints(decode_object(pod), include) == expected


@pytest.mark.parametrize(("hostname", "subdomain", "svc_ns", "expected"), [
    ("", "", NS, False), ("foo", "", NS, False), ("", "foo", NS, False),
    ("bar", "foo", NS, True), ("bar", "foo", "other", False), ("bar", "other", NS, False)],
    ids=["TestShouldSetHostname/all matching",
         "TestShouldSetHostname/hostname without subdomain",
         "TestShouldSetHostname/subdomain without hostname",
         "TestShouldSetHostname/hostname and subdomain match",
         "TestShouldSetHostname/namespaces differ",
         "TestShouldSetHostname/subdomain names another Service"])
def test_should_set_hostname(hostname, subdomain, svc_ns, expected):
    pod = new_pod(1, **({"hostname": hostname} if hostname else {}),
                  **({"subdomain": subdomain} if subdomain else {}))
    svc = new_service()
    svc["metadata"]["namespace"] = svc_ns
    assert utils.should_set_hostname(decode_object(pod), decode_object(svc)) == expected


@pytest.mark.parametrize(("old", "new", "pod_changed", "expected"), [
    ({"a", "b"}, {"a", "b"}, False, set()),
    ({"a", "b"}, {"b", "c"}, False, {"a", "c"}),
    ({"a", "b"}, {"a", "b"}, True, {"a", "b"}),
    ({"a", "b"}, {"b", "c"}, True, {"a", "b", "c"}),
    (set(), {"a"}, False, {"a"})],
    ids=["TestDetermineNeededServiceUpdates/no services changed",
         "TestDetermineNeededServiceUpdates/services changed",
         "TestDetermineNeededServiceUpdates/no services changed, pod changed",
         "TestDetermineNeededServiceUpdates/services changed, pod changed",
         "TestDetermineNeededServiceUpdates/no old services"])
def test_determine_needed_service_updates(old, new, pod_changed, expected):
    assert utils.determine_needed_service_updates(old, new, pod_changed) == expected


def _changed(**changes: Any) -> tuple[bool, bool]:
    old = new_pod(1)
    new = new_pod(1)
    for path, value in changes.items():
        section, _, key = path.partition("__")
        new[section][key] = value
    return utils.pod_endpoints_changed(decode_object(old), decode_object(new))


def test_pod_changed():
    """TestPodChanged: which changes may move an endpoint or a membership."""
    assert _changed() == (False, False)
    assert _changed(metadata__resourceVersion="9") == (False, False)
    assert _changed(status__podIPs=[{"ip": "1.2.3.9"}]) == (True, False)
    assert _changed(status__conditions=[{"type": "Ready", "status": "False"}]) == (True, False)
    assert _changed(metadata__deletionTimestamp=NOW) == (True, False)
    assert _changed(metadata__labels={"foo": "baz"}) == (False, True)
    assert _changed(spec__hostname="h") == (False, True)


# -- endpointslice_controller_test.go ---------------------------------------------------------


def test_sync_service_no_selector():
    """TestSyncServiceNoSelector: no slices for a Service without a selector."""
    _, writes = sync(start(new_service(selector=None), new_pod(1)))
    assert writes == []


def test_sync_service_external_name_type():
    _, writes = sync(start(new_service(type="ExternalName", externalName="example.com",
                                       ipFamilies=None), new_pod(1)))
    assert writes == []


def test_sync_service_pod_selection():
    """TestSyncServicePodSelection: only pods the selector matches."""
    other = new_pod(2)
    other["metadata"]["labels"] = {"foo": "boo"}
    cluster, _ = sync(start(new_service(), new_pod(1), other))
    (es,) = slices(cluster)
    assert [ep.target_ref.name for ep in es.endpoints] == ["pod1"]


def test_sync_service_endpoint_slice_pending_deletion():
    """TestSyncServiceEndpointSlicePendingDeletion: a slice being deleted is not counted."""
    svc = new_service()
    gone = new_empty_endpoint_slice(1, svc, endpoints=[endpoint_of(new_pod(1), svc)])
    gone["metadata"].update(deletionTimestamp=NOW, finalizers=["example.com/hold"])
    cluster, writes = sync(start(svc, new_pod(1), gone))
    assert [w[0] for w in writes] == ["create"]
    assert len(slices(cluster)) == 2


def test_edits_by_others_are_reverted_and_own_writes_are_not_resynced():
    """onEndpointSliceUpdate with the tracker: someone else's edit queues a full resync that
    restores the slice; the controller's own writes queue nothing."""
    cluster = ENGINE.step(start(new_service(), new_pod(1), new_pod(2)),
                          Apply(decode_object(new_node("node-2"))))
    (es,) = slices(cluster)
    assert not cluster.queue.queued and len(es.endpoints) == 2
    edited = encode_object(es)
    edited["endpoints"] = edited["endpoints"][:1]
    cluster = ENGINE.step(cluster, Apply(decode_object(edited)))
    (es,) = slices(cluster)
    assert len(es.endpoints) == 2


def test_one_pod_turning_ready_rewrites_one_slice():
    """The incremental sync: a pod's readiness changes one endpoint of one slice."""
    cluster, _ = sync(start(new_service(), *[new_pod(i) for i in range(250)]))
    pod = cluster.get("Pod", NS, "pod7")
    status = attrs.evolve(pod.status, conditions=[attrs.evolve(pod.status.conditions[0],
                                                               status="False")])
    cluster = ENGINE.dispatch(cluster.put(attrs.evolve(
        pod, status=status, metadata=attrs.evolve(pod.metadata, resource_version="5000"))))[0]
    assert set(esc.tracker_of(cluster).services[f"{NS}/foo"].dirty) == {"pod7"}
    cluster, writes = sync(cluster)
    assert [w[0] for w in writes] == ["update"]
    (written,) = [w[2] for w in writes]
    ep = next(e for e in written.endpoints if e.target_ref.name == "pod7")
    assert (ep.conditions.ready, ep.conditions.serving) == (False, False)
