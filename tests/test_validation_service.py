"""ValidateService, ValidateServiceUpdate, ValidateEndpointSlice and ValidateEndpoints.

Ported: pkg/apis/core/validation/validation_test.go TestValidateServiceCreate (the cases a
v1 manifest can express; Go counts errors, so do these, with the exact text where it is
worth pinning), TestValidateServiceUpdate's clusterIP cases; pkg/apis/discovery/validation
TestValidateEndpointSlice cases.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.reducers.apiserver.validation import validate_create, validate_update


def make_valid_service() -> dict[str, Any]:
    """makeValidService: ClusterIP, one port `p` 8675, sessionAffinity None,
    internalTrafficPolicy Cluster (what defaulting and the allocator leave for a create)."""
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "valid", "namespace": "default",
                         "labels": {}, "annotations": {}},
            "spec": {"selector": {"key": "val"}, "sessionAffinity": "None",
                     "type": "ClusterIP", "internalTrafficPolicy": "Cluster",
                     "ports": [{"name": "p", "protocol": "TCP", "port": 8675,
                                "targetPort": 8675}]}}


Tweak = Callable[[dict[str, Any]], None]


def spec(**values: Any) -> Tweak:
    def tweak(s: dict[str, Any]) -> None:
        for k, v in values.items():
            if v is None:
                s["spec"].pop(k, None)
            else:
                s["spec"][k] = v
    return tweak


def port(i: int, **values: Any) -> Tweak:
    def tweak(s: dict[str, Any]) -> None:
        while len(s["spec"]["ports"]) <= i:
            s["spec"]["ports"].append({"name": f"q{i}", "protocol": "TCP", "port": 12345 + i,
                                       "targetPort": 12345 + i})
        for k, v in values.items():
            if v is None:
                s["spec"]["ports"][i].pop(k, None)
            else:
                s["spec"]["ports"][i][k] = v
    return tweak


def both(*tweaks: Tweak) -> Tweak:
    def tweak(s: dict[str, Any]) -> None:
        for t in tweaks:
            t(s)
    return tweak


def meta(**values: Any) -> Tweak:
    def tweak(s: dict[str, Any]) -> None:
        s["metadata"].update(values)
    return tweak


LB = spec(type="LoadBalancer", allocateLoadBalancerNodePorts=True,
          externalTrafficPolicy="Cluster")
NP = spec(type="NodePort", externalTrafficPolicy="Cluster")

CASES: list[tuple[str, Tweak, int]] = [
    ("missing namespace", meta(namespace=""), 1),
    ("invalid namespace", meta(namespace="-123"), 1),
    ("missing name", meta(name=""), 1),
    ("invalid name", meta(name="-123"), 1),
    ("too long name", meta(name="a" * 64), 1),
    ("invalid label", meta(labels={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}), 1),
    ("nil selector", spec(selector=None), 0),
    ("invalid selector", spec(selector={"NoSpecialCharsLike=Equals": "bar"}), 1),
    ("missing session affinity", spec(sessionAffinity=None), 1),
    ("missing type", spec(type=None, internalTrafficPolicy=None), 1),
    ("missing ports", spec(ports=None), 1),
    ("missing ports but headless", spec(ports=None, clusterIP="None", clusterIPs=["None"]),
     0),
    ("empty port[0] name", port(0, name=None), 0),
    ("empty port[1] name", port(1, name=None), 1),
    ("empty multi-port port[0] name", both(port(0, name=None), port(1)), 1),
    ("invalid port name", port(0, name="INVALID"), 1),
    ("missing protocol", port(0, protocol=None), 1),
    ("invalid protocol", port(0, protocol="INVALID"), 1),
    ("invalid cluster ip", spec(clusterIP="invalid", clusterIPs=["invalid"]), 1),
    ("missing port", port(0, port=None), 1),
    ("invalid port", port(0, port=65536), 1),
    ("invalid target port number", port(0, targetPort=65536), 1),
    ("invalid target port name", port(0, targetPort="SERVICE_PORT"), 2),  # charset, letter
    ("valid port headless", both(spec(clusterIP="None", clusterIPs=["None"]),
                                 port(0, targetPort=11722)), 0),
    ("invalid publicIPs localhost", both(spec(externalTrafficPolicy="Cluster",
                                              externalIPs=["127.0.0.1"])), 1),
    ("invalid publicIPs unspecified", both(spec(externalTrafficPolicy="Cluster",
                                                externalIPs=["0.0.0.0"])), 1),
    ("invalid publicIPs", both(spec(externalTrafficPolicy="Cluster",
                                    externalIPs=["1.1.1.1", "abc"])), 1),
    ("dup port name", both(port(0, name="p"), port(1, name="p")), 1),
    ("valid load balancer protocol UDP 1", both(LB, port(0, protocol="UDP")), 0),
    ("valid load balancer protocol SCTP", both(LB, port(0, protocol="SCTP")), 0),
    ("LoadBalancer type cannot have None ClusterIP",
     both(LB, spec(clusterIP="None", clusterIPs=["None"])), 1),
    ("invalid node port with clusterIP None",
     both(NP, port(0, nodePort=1), spec(clusterIP="None", clusterIPs=["None"])), 1),
    ("valid external name", spec(type="ExternalName", externalName="foo.bar.example.com",
                                 internalTrafficPolicy=None), 0),
    ("valid external name with trailing dot",
     spec(type="ExternalName", externalName="foo.bar.example.com.",
          internalTrafficPolicy=None), 0),
    ("invalid external name", spec(type="ExternalName", externalName="-123",
                                   internalTrafficPolicy=None), 1),
    ("invalid ExternalName with clusterIP",
     spec(type="ExternalName", externalName="foo.example.com", clusterIP="1.2.3.4",
          clusterIPs=["1.2.3.4"], internalTrafficPolicy=None), 1),
    ("dup nodeports", both(NP, port(0, nodePort=1), port(1, nodePort=1)), 1),
    ("dup nodeports (different protocols)",
     both(NP, port(0, nodePort=1, protocol="TCP"), port(1, nodePort=1, protocol="UDP")), 0),
    ("invalid duplicate ports (with same protocol)",
     both(port(0, port=8080, targetPort=8080), port(1, port=8080, targetPort=80)), 1),
    ("valid duplicate ports (with different protocols)",
     both(port(0, port=53, protocol="TCP"), port(1, port=53, protocol="UDP")), 0),
    ("invalid type", spec(type="INVALID"), 1),
    ("type - cluster", spec(type="ClusterIP"), 0),
    ("type - nodeport", NP, 0),
    ("type - loadbalancer", LB, 0),
    ("type loadbalancer with allocateLoadBalancerNodePorts=nil",
     spec(type="LoadBalancer", externalTrafficPolicy="Cluster"), 1),
    ("invalid port type=LoadBalancer", both(LB, port(0, port=65536)), 1),
    ("invalid nodePort with type=ClusterIP", port(0, nodePort=12345), 1),
    ("valid NodePort with sessionAffinity=ClientIP",
     both(NP, spec(sessionAffinity="ClientIP",
                   sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}})), 0),
    ("sessionAffinityConfig can't be set when session affinity is None",
     spec(sessionAffinityConfig={"clientIP": {"timeoutSeconds": 90}}), 1),
    ("invalid timeoutSeconds", spec(sessionAffinity="ClientIP",
                                    sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}),
     1),
    ("ClientIP without sessionAffinityConfig", spec(sessionAffinity="ClientIP"), 1),
    ("invalid externalTrafficPolicy", both(LB, spec(externalTrafficPolicy="invalid")), 1),
    ("externalTrafficPolicy on ClusterIP", spec(externalTrafficPolicy="Local"), 1),
    ("nil internalTrafficPolicy", spec(internalTrafficPolicy=None), 1),
    ("invalid internalTrafficPolicy", spec(internalTrafficPolicy="invalid"), 1),
    ("valid internalTrafficPolicy Local", spec(internalTrafficPolicy="Local"), 0),
    ("invalid ipFamilyPolicy", spec(ipFamilyPolicy="not-a-valid-ip-family-policy"), 1),
    ("invalid ipFamilies", spec(ipFamilies=["not-a-valid-ip-family"]), 1),
    ("duplicate ipFamilies", spec(ipFamilyPolicy="RequireDualStack",
                                  ipFamilies=["IPv4", "IPv4"]), 1),
    ("clusterIPs must match clusterIP", spec(clusterIP="10.0.0.1", clusterIPs=["10.0.0.2"]), 1),
    ("clusterIPs without clusterIP", spec(clusterIPs=["10.0.0.1"]), 1),
    ("two IPv4 clusterIPs", spec(clusterIP="10.0.0.1", clusterIPs=["10.0.0.1", "10.0.0.2"],
                                 ipFamilyPolicy="RequireDualStack"), 1),
    ("clusterIP of the wrong family", spec(clusterIP="2001::1", clusterIPs=["2001::1"],
                                           ipFamilies=["IPv4"]), 1),
    ("allocateLoadBalancerNodePorts on ClusterIP",
     spec(allocateLoadBalancerNodePorts=True), 1),
    ("loadBalancerSourceRanges on ClusterIP", spec(loadBalancerSourceRanges=["10.0.0.0/8"]),
     1),
    ("invalid loadBalancerSourceRanges", both(LB, spec(loadBalancerSourceRanges=["x"])), 1),
    ("invalid trafficDistribution", spec(trafficDistribution="Random"), 1),
    ("valid trafficDistribution", spec(trafficDistribution="PreferClose"), 0),
]


@pytest.mark.parametrize(("tweak", "num_errs"), [(t, n) for _, t, n in CASES],
                         ids=[f"TestValidateServiceCreate/{name}" for name, _, _ in CASES])
def test_validate_service_create(tweak, num_errs):
    manifest = make_valid_service()
    tweak(manifest)
    errs = validate_create(decode_object(manifest))
    assert len(errs) == num_errs, [str(e) for e in errs]


@pytest.mark.parametrize(("tweak", "text"), [
    (port(1, name=None), "spec.ports[1].name: Required value"),
    (port(0, protocol="INVALID"),
     'spec.ports[0].protocol: Unsupported value: "INVALID": supported values: "SCTP", "TCP", '
     '"UDP"'),
    (spec(clusterIP="invalid", clusterIPs=["invalid"]),
     'spec.clusterIPs[0]: Invalid value: "invalid": must be a valid IP address, (e.g. '
     "10.9.8.7 or 2001:db8::ffff)"),
    (both(LB, spec(clusterIP="None", clusterIPs=["None"])),
     "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer "
     "services"),
    (port(0, nodePort=12345),
     "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    (spec(sessionAffinity="ClientIP"),
     "spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"),
    (spec(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}),
     "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater "
     "than 0 and less than 86400"),
    (spec(externalTrafficPolicy="Local"),
     'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for '
     "externally-accessible services"),
    (spec(type="LoadBalancer", externalTrafficPolicy="Cluster"),
     "allocateLoadBalancerNodePorts: Required value"),
    (spec(internalTrafficPolicy=None), "spec.internalTrafficPolicy: Required value"),
    (spec(clusterIPs=["10.0.0.1"]),
     'spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: must be empty when `clusterIP` is '
     "not specified"),
    (spec(type="ExternalName", externalName="", internalTrafficPolicy=None),
     "spec.externalName: Required value"),
    (both(spec(externalTrafficPolicy="Cluster", externalIPs=["127.0.0.1"])),
     'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
     "(127.0.0.0/8, ::1/128)"),
], ids=["required port name", "protocol", "cluster ip", "LoadBalancer None", "nodePort ClusterIP",
        "ClientIP config", "timeoutSeconds", "externalTrafficPolicy", "allocate LB node ports",
        "internalTrafficPolicy", "clusterIPs without clusterIP", "externalName",
        "loopback externalIP"])
def test_validate_service_messages(tweak, text):
    manifest = make_valid_service()
    tweak(manifest)
    assert [str(e) for e in validate_create(decode_object(manifest))] == [text]


def _with_ips(ip: str) -> dict[str, Any]:
    s = make_valid_service()
    s["spec"].update(clusterIP=ip, clusterIPs=[ip], ipFamilies=["IPv4"],
                     ipFamilyPolicy="SingleStack")
    s["metadata"].update(resourceVersion="1")
    return s


@pytest.mark.parametrize(("old", "new", "num_errs"), [
    (_with_ips("1.2.3.4"), _with_ips("1.2.3.4"), 0),
    (_with_ips("1.2.3.4"), _with_ips("8.6.7.5"), 1),
], ids=["TestValidateServiceUpdate/no change", "TestValidateServiceUpdate/change clusterIP"])
def test_validate_service_update(old, new, num_errs):
    errs = validate_update(decode_object(new), decode_object(old))
    assert len(errs) == num_errs, [str(e) for e in errs]


def test_health_check_node_port_is_immutable():
    def lb(port: int) -> dict[str, Any]:
        s = make_valid_service()
        s["spec"].update(type="LoadBalancer", allocateLoadBalancerNodePorts=True,
                         externalTrafficPolicy="Local", healthCheckNodePort=port)
        return s
    errs = validate_update(decode_object(lb(30001)), decode_object(lb(30000)))
    assert [str(e) for e in errs] == ["spec.healthCheckNodePort: Forbidden: field is immutable"]


# -- EndpointSlice ----------------------------------------------------------------------------


def slice_manifest(**body: Any) -> dict[str, Any]:
    base = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "hello", "namespace": "default"}, "addressType": "IPv4",
            "ports": [{"name": "http", "protocol": "TCP", "port": 80}],
            "endpoints": [{"addresses": ["10.1.2.3"], "hostname": "valid-123"}]}
    base.update(body)
    return base


@pytest.mark.parametrize(("body", "num_errs"), [
    ({}, 0),
    ({"addressType": "FQDN", "endpoints": [{"addresses": ["foo.example.com"]}]}, 0),
    ({"addressType": "IPv6", "endpoints": [{"addresses": ["a00:100::4"]}]}, 0),
    ({"ports": [{"name": "", "protocol": "UDP", "port": 53}]}, 0),
    ({"endpoints": [{"addresses": ["10.1.2.3"] * 101}]}, 1),
    ({"endpoints": [{"addresses": []}]}, 1),
    ({"addressType": "IPv4", "endpoints": [{"addresses": ["a00:100::4"]}]}, 1),
    ({"addressType": "IPv6", "endpoints": [{"addresses": ["10.1.2.3"]}]}, 1),
    ({"addressType": "other"}, 1),
    ({"ports": [{"name": "http", "protocol": "TCP"}, {"name": "http", "protocol": "UDP"}]}, 1),
    ({"ports": [{"name": "INVALID", "protocol": "TCP"}]}, 1),
    ({"ports": [{"name": "http", "protocol": "foo"}]}, 1),
    ({"ports": [{"name": "http"}]}, 1),
    ({"endpoints": [{"addresses": ["10.1.2.3"], "hostname": "--INVALID"}]}, 1),
    ({"endpoints": [{"addresses": ["10.1.2.3"], "nodeName": "INVALID"}]}, 1),
], ids=["TestValidateEndpointSlice/good-slice", "TestValidateEndpointSlice/fqdn",
        "TestValidateEndpointSlice/ipv6", "TestValidateEndpointSlice/empty-port-name",
        "TestValidateEndpointSlice/too-many-addresses",
        "TestValidateEndpointSlice/empty-addresses",
        "TestValidateEndpointSlice/bad-ipv4", "TestValidateEndpointSlice/bad-ipv6",
        "TestValidateEndpointSlice/bad-address-type",
        "TestValidateEndpointSlice/duplicate-port-name",
        "TestValidateEndpointSlice/bad-port-name", "TestValidateEndpointSlice/bad-protocol",
        "TestValidateEndpointSlice/empty-protocol", "TestValidateEndpointSlice/bad-hostname",
        "TestValidateEndpointSlice/bad-node-name"])
def test_validate_endpoint_slice(body, num_errs):
    errs = validate_create(decode_object(slice_manifest(**copy.deepcopy(body))))
    assert len(errs) == num_errs, [str(e) for e in errs]


def test_endpoint_slice_address_type_is_immutable():
    old = decode_object(slice_manifest())
    new = decode_object(slice_manifest(addressType="IPv6",
                                       endpoints=[{"addresses": ["a00:100::4"]}]))
    assert [str(e) for e in validate_update(new, old)] == [
        'addressType: Invalid value: "IPv6": field is immutable']


@pytest.mark.parametrize(("subsets", "num_errs"), [
    ([{"addresses": [{"ip": "10.10.1.1"}], "ports": [{"port": 8675, "protocol": "TCP"}]}], 0),
    ([{"ports": [{"port": 8675, "protocol": "TCP"}]}], 1),
    ([{"addresses": [{"ip": "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]"}]}], 1),
    ([{"addresses": [{"ip": "127.0.0.1"}]}], 1),
    ([{"addresses": [{"ip": "10.10.1.1"}],
       "ports": [{"port": 1, "protocol": "TCP"}, {"port": 2, "protocol": "TCP"}]}], 2),
], ids=["TestValidateEndpointsCreate/simple endpoint",
        "TestValidateEndpointsCreate/empty addresses",
        "TestValidateEndpointsCreate/invalid IP", "TestValidateEndpointsCreate/Address is loopback",
        "TestValidateEndpointsCreate/multiple ports with empty names"])
def test_validate_endpoints(subsets, num_errs):
    manifest = {"apiVersion": "v1", "kind": "Endpoints",
                "metadata": {"name": "mysvc", "namespace": "namespace"}, "subsets": subsets}
    errs = validate_create(decode_object(manifest))
    assert len(errs) == num_errs, [str(e) for e in errs]
