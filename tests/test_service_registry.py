"""Services through the API server: IP families, ClusterIPs, node ports, release on delete,
updates keeping what was allocated, and the `kubernetes` Service of bootstrap.

Cases follow pkg/registry/core/service/storage/storage_test.go (TestCreateInitIPFields,
TestCreateDeleteReuse, TestCreateInitNodePorts, TestUpdateNodePorts, TestServiceRegistry-
ExternalService, TestCreateInvalidClusterIPInputs) where a black box can express them.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status
from kubefold.reducers import apiserver, manager


def svc(name: str = "web", **spec: Any) -> dict[str, Any]:
    body = {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}], **spec}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"}, "spec": body}


def create(cluster, manifest):
    result = apiserver.create(cluster, decode_object(manifest))
    return result


def ok(cluster, manifest):
    result = create(cluster, manifest)
    assert not isinstance(result, Status), result
    return result.cluster, result.object


def test_bootstrap_kubernetes_service_holds_the_first_address():
    cluster = manager.empty_cluster()
    kubernetes = cluster.get("Service", "default", "kubernetes")
    spec = encode_object(kubernetes)["spec"]
    assert spec["clusterIP"] == "10.96.0.1" and spec["clusterIPs"] == ["10.96.0.1"]
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["ports"] == [{"name": "https", "port": 443, "protocol": "TCP",
                              "targetPort": 6443}]
    assert encode_object(kubernetes)["status"] == {"loadBalancer": {}}
    assert cluster.service_ips["10.96.0.1"] == ("default", "kubernetes")


def test_cluster_ip_is_drawn_from_the_upper_block_and_deterministic():
    cluster, obj = ok(manager.empty_cluster(), svc())
    ip = obj.spec.cluster_ip
    assert obj.spec.cluster_ips == [ip] and obj.spec.ip_families == ["IPv4"]
    a, b, c, d = (int(x) for x in ip.split("."))
    assert (a, b) >= (10, 96) and (a, b) <= (10, 111) and (b, c) != (96, 0)
    assert ok(manager.empty_cluster(), svc())[1].spec.cluster_ip == ip
    assert ok(manager.empty_cluster(seed=1), svc())[1].spec.cluster_ip != ip


def test_requested_cluster_ip_is_honoured_and_a_taken_one_refused():
    """TestCreateInvalidClusterIPInputs / allocIPs' message."""
    cluster, obj = ok(manager.empty_cluster(), svc("a", clusterIP="10.96.0.10"))
    assert obj.spec.cluster_ips == ["10.96.0.10"]
    rejected = create(cluster, svc("b", clusterIP="10.96.0.10"))
    assert isinstance(rejected, Status) and rejected.reason == "Invalid"
    assert rejected.message == (
        'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
        "failed to allocate IP 10.96.0.10: provided IP is already allocated")
    outside = create(cluster, svc("c", clusterIP="10.0.0.1"))
    assert isinstance(outside, Status)
    assert outside.message.endswith(
        "failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid "
        "range. The range of valid IPs is 10.96.0.0/12")


def test_delete_releases_the_address_for_reuse():
    """TestCreateDeleteReuse."""
    cluster, _ = ok(manager.empty_cluster(), svc("a", clusterIP="10.96.0.10"))
    deleted = apiserver.delete(cluster, "Service", "default", "a")
    assert not isinstance(deleted, Status)
    assert "10.96.0.10" not in deleted.cluster.service_ips
    ok(deleted.cluster, svc("b", clusterIP="10.96.0.10"))


@pytest.mark.parametrize(("spec", "families", "policy", "ips"), [
    ({"clusterIP": "None"}, ["IPv4"], "SingleStack", ["None"]),
    ({"clusterIP": "None", "selector": None}, ["IPv4", "IPv6"], "RequireDualStack", ["None"]),
    ({"ipFamilyPolicy": "PreferDualStack"}, ["IPv4"], "PreferDualStack", None),
], ids=["TestCreateInitIPFields/headless_with_selector",
        "TestCreateInitIPFields/headless_selectorless_is_dual",
        "TestCreateInitIPFields/PreferDualStack_on_a_single-stack_cluster"])
def test_create_init_ip_fields(spec, families, policy, ips):
    manifest = svc(**spec)
    if manifest["spec"].get("selector", 1) is None:
        del manifest["spec"]["selector"]
    _, obj = ok(manager.empty_cluster(), manifest)
    assert list(obj.spec.ip_families) == families and obj.spec.ip_family_policy == policy
    if ips is not None:
        assert list(obj.spec.cluster_ips) == ips


@pytest.mark.parametrize(("spec", "message"), [
    ({"ipFamilies": ["IPv6"]},
     'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'),
    ({"ipFamilyPolicy": "RequireDualStack"},
     'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured '
     "for dual-stack services"),
    ({"clusterIP": "2001:db8::1"},
     'spec.clusterIPs[0]: Invalid value: []string{"2001:db8::1"}: IPv6 is not configured on '
     "this cluster"),
    ({"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4", "IPv6"]},
     'spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or '
     "'PreferDualStack' when multiple IP families are specified"),
], ids=["TestCreateInitIPFields/IPv6_family", "TestCreateInitIPFields/RequireDualStack",
        "TestCreateInitIPFields/IPv6_clusterIP", "TestCreateInitIPFields/single_two_families"])
def test_create_init_ip_fields_rejections(spec, message):
    rejected = create(manager.empty_cluster(), svc(**spec))
    assert isinstance(rejected, Status), rejected
    assert rejected.message == f'Service "web" is invalid: {message}'


def test_external_name_gets_no_address():
    """TestServiceRegistryExternalService."""
    manifest = svc(type="ExternalName", externalName="db.example.com")
    _, obj = ok(manager.empty_cluster(), manifest)
    assert obj.spec.cluster_ip is None and not obj.spec.ip_families
    assert obj.spec.ip_family_policy is None


def test_node_ports_are_allocated_shared_by_port_and_released():
    """TestCreateInitNodePorts: one node port per port number (TCP and UDP of port 53 share
    it), from the upper block."""
    manifest = svc(type="NodePort", ports=[
        {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
        {"name": "dns-udp", "port": 53, "protocol": "UDP"},
        {"name": "http", "port": 80}])
    cluster, obj = ok(manager.empty_cluster(), manifest)
    tcp, udp, http = (p.node_port for p in obj.spec.ports)
    assert tcp == udp and tcp != http and min(tcp, http) >= 30086
    assert set(cluster.node_ports) == {tcp, http}
    gone = apiserver.delete(cluster, "Service", "default", "web")
    assert not isinstance(gone, Status) and not gone.cluster.node_ports


def test_requested_node_port_is_honoured_and_a_taken_one_refused():
    cluster, obj = ok(manager.empty_cluster(), svc("a", type="NodePort", ports=[
        {"port": 80, "nodePort": 30080}]))
    assert obj.spec.ports[0].node_port == 30080
    rejected = create(cluster, svc("b", type="NodePort", ports=[{"port": 80,
                                                                   "nodePort": 30080}]))
    assert isinstance(rejected, Status)
    assert rejected.message == ('Service "b" is invalid: spec.ports[0].nodePort: Invalid '
                                "value: 30080: provided port is already allocated")
    rejected = create(cluster, svc("c", type="NodePort", ports=[{"port": 80,
                                                                   "nodePort": 40000}]))
    assert isinstance(rejected, Status)
    assert rejected.message.endswith("provided port is not in the valid range. The range of "
                                     "valid ports is 30000-32767")


def test_load_balancer_with_local_policy_gets_a_health_check_port():
    _, obj = ok(manager.empty_cluster(), svc(type="LoadBalancer",
                                             externalTrafficPolicy="Local"))
    assert obj.spec.health_check_node_port and obj.spec.ports[0].node_port
    assert obj.spec.health_check_node_port != obj.spec.ports[0].node_port


def test_update_without_allocated_values_keeps_them():
    """patchAllocatedValues: a PUT that omits clusterIP and nodePort keeps them."""
    cluster, obj = ok(manager.empty_cluster(), svc(type="NodePort"))
    manifest = svc(type="NodePort")
    manifest["metadata"]["labels"] = {"tier": "web"}
    updated = apiserver.update(cluster, decode_object(manifest))
    assert not isinstance(updated, Status), updated
    assert updated.object.spec.cluster_ip == obj.spec.cluster_ip
    assert updated.object.spec.ports[0].node_port == obj.spec.ports[0].node_port


def test_update_changing_the_cluster_ip_is_refused():
    cluster, obj = ok(manager.empty_cluster(), svc())
    manifest = svc(clusterIP="10.96.5.5", clusterIPs=["10.96.5.5"])
    rejected = apiserver.update(cluster, decode_object(manifest))
    assert isinstance(rejected, Status)
    assert 'spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once ' \
        "set" in rejected.message


def test_type_changes_allocate_and_release_node_ports():
    """TestUpdateNodePorts: ClusterIP -> NodePort allocates; back to ClusterIP drops them."""
    cluster, obj = ok(manager.empty_cluster(), svc())
    up = apiserver.update(cluster, decode_object(svc(type="NodePort")))
    assert not isinstance(up, Status), up
    port = up.object.spec.ports[0].node_port
    assert port and up.cluster.node_ports[port] == ("default", "web")
    down = apiserver.update(up.cluster, decode_object(svc(type="ClusterIP")))
    assert not isinstance(down, Status), down
    assert down.object.spec.ports[0].node_port is None and not down.cluster.node_ports
    assert down.object.spec.cluster_ip == obj.spec.cluster_ip


def test_external_name_to_cluster_ip_allocates():
    cluster, _ = ok(manager.empty_cluster(), svc(type="ExternalName",
                                                 externalName="db.example.com"))
    up = apiserver.update(cluster, decode_object(svc(type="ClusterIP")))
    assert not isinstance(up, Status), up
    assert up.object.spec.cluster_ip and up.object.spec.ip_families == ["IPv4"]
