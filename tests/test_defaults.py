"""Tests for kubefold.reducers.apiserver.defaults, ported from Kubernetes v1.34 pkg/apis/apps/v1/
defaults_test.go, pkg/apis/core/v1/defaults_test.go and pkg/util/parsers/parsers_test.go.
Ids name the Go test; expectations are the JSON kube-apiserver would store."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubefold.core.codec import decode_object, encode_object
from kubefold.reducers.apiserver.defaults import default_object, parse_image_name

DEFAULT_POD_SPEC = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
    "schedulerName": "default-scheduler",
}
DEFAULT_TEMPLATE = {"spec": DEFAULT_POD_SPEC}
CONTAINER_DEFAULTS = {
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
}
PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                  "failureThreshold": 3}
HTTP_GET_DEFAULTS = {"path": "/", "scheme": "HTTP"}

def manifest(kind: str, spec: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    api_version = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1",
                   "PriorityClass": "scheduling.k8s.io/v1"}.get(kind, "v1")
    out: dict[str, Any] = {"apiVersion": api_version, "kind": kind,
                           "metadata": top.pop("metadata", {"name": "x"})}
    if spec is not None:
        out["spec"] = spec
    out.update(top)
    return out


def defaulted(data: dict[str, Any]) -> dict[str, Any]:
    return encode_object(default_object(decode_object(data)))


def pod(**spec: Any) -> dict[str, Any]:
    return manifest("Pod", spec)


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "c", "image": "registry.k8s.io/pause:3.10", **fields}


# ---------------------------------------------------------------------------------------------
# apps/v1


ROLLING_25 = {"type": "RollingUpdate",
              "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}

DEPLOYMENT_CASES = [
    ({}, {"replicas": 1, "strategy": ROLLING_25, "revisionHistoryLimit": 10,
          "progressDeadlineSeconds": 600, "template": DEFAULT_TEMPLATE}),
    ({"replicas": 5, "strategy": {"rollingUpdate": {"maxSurge": 5}}},
     {"replicas": 5,
      "strategy": {"type": "RollingUpdate",
                   "rollingUpdate": {"maxSurge": 5, "maxUnavailable": "25%"}},
      "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "template": DEFAULT_TEMPLATE}),
    ({"replicas": 3, "strategy": {"type": "RollingUpdate"}},
     {"replicas": 3, "strategy": ROLLING_25, "revisionHistoryLimit": 10,
      "progressDeadlineSeconds": 600, "template": DEFAULT_TEMPLATE}),
    ({"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0},
     {"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0,
      "progressDeadlineSeconds": 600, "template": DEFAULT_TEMPLATE}),
    ({"replicas": 5, "strategy": {"type": "Recreate"}, "progressDeadlineSeconds": 30,
      "revisionHistoryLimit": 2},
     {"replicas": 5, "strategy": {"type": "Recreate"}, "progressDeadlineSeconds": 30,
      "revisionHistoryLimit": 2, "template": DEFAULT_TEMPLATE}),
]


@pytest.mark.parametrize(("spec", "expected"), DEPLOYMENT_CASES,
                         ids=[f"TestSetDefaultDeployment/{i}" for i in range(5)])
def test_set_default_deployment(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert defaulted(manifest("Deployment", spec))["spec"] == expected


def test_default_deployment_availability() -> None:
    """TestDefaultDeploymentAvailability: the defaults leave a replica up during a rollout."""
    spec = defaulted(manifest("Deployment"))["spec"]
    percent = int(spec["strategy"]["rollingUpdate"]["maxUnavailable"].rstrip("%"))
    max_unavailable = spec["replicas"] * percent // 100  # rounded down
    assert spec["replicas"] - max_unavailable > 0


@pytest.mark.parametrize(("replicas", "expected"), [(None, 1), (0, 0), (3, 3)],
                         ids=[f"TestSetDefaultReplicaSetReplicas/{i}" for i in range(3)])
def test_set_default_replica_set_replicas(replicas: int | None, expected: int) -> None:
    spec: dict[str, Any] = {"template": {"metadata": {"labels": {"foo": "bar"}}}}
    if replicas is not None:
        spec["replicas"] = replicas
    out = defaulted(manifest("ReplicaSet", spec))["spec"]
    assert out == {"replicas": expected,
                   "template": {"metadata": {"labels": {"foo": "bar"}}, **DEFAULT_TEMPLATE}}


def test_default_request_is_not_set_for_replica_set() -> None:
    """TestDefaultRequestIsNotSetForReplicaSet: requests come from limits in Pods only."""
    rs = manifest("ReplicaSet", {"replicas": 3, "template": {"spec": {"containers": [
        container(resources={"limits": {"cpu": "100m"}})]}}})
    resources = defaulted(rs)["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert resources == {"limits": {"cpu": "100m"}}


# ---------------------------------------------------------------------------------------------
# core/v1: the whole pod spec (TestPodDefaults, TestWorkloadDefaults)


def full_container(name: str) -> dict[str, Any]:
    """A container with every sub-object that carries a default, as detectDefaults fills."""
    return {
        "name": name, "image": "busybox:1.36",
        "ports": [{"containerPort": 80}],
        "env": [{"name": "E", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
        "resources": {"limits": {"cpu": "1"}},
        "livenessProbe": {"httpGet": {"port": 8080}},
        "readinessProbe": {"grpc": {"port": 9090}},
        "startupProbe": {"exec": {"command": ["true"]}},
        "lifecycle": {"postStart": {"httpGet": {"port": 80}},
                      "preStop": {"httpGet": {"port": 80}}},
    }


FULL_VOLUMES = [
    {"name": "empty"},
    {"name": "secret", "secret": {"secretName": "s"}},
    {"name": "cm", "configMap": {"name": "c"}},
    {"name": "dapi", "downwardAPI": {"items": [{"path": "p", "fieldRef": {
        "fieldPath": "metadata.name"}}]}},
    {"name": "proj", "projected": {"sources": [
        {"downwardAPI": {"items": [{"path": "p", "fieldRef": {"fieldPath": "metadata.name"}}]}},
        {"serviceAccountToken": {"path": "token"}}]}},
    {"name": "host", "hostPath": {"path": "/var"}},
    {"name": "iscsi", "iscsi": {"targetPortal": "t", "iqn": "i", "lun": 0}},
    {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i"}},
    {"name": "azure", "azureDisk": {"diskName": "d", "diskURI": "u"}},
    {"name": "scaleio", "scaleIO": {"gateway": "g", "system": "s", "secretRef": {"name": "r"}}},
    {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "0.5Mi"}}}}}},
]

DEFAULTED_VOLUMES = [
    {"name": "empty", "emptyDir": {}},
    {"name": "secret", "secret": {"secretName": "s", "defaultMode": 420}},
    {"name": "cm", "configMap": {"name": "c", "defaultMode": 420}},
    {"name": "dapi", "downwardAPI": {"defaultMode": 420, "items": [{"path": "p", "fieldRef": {
        "apiVersion": "v1", "fieldPath": "metadata.name"}}]}},
    {"name": "proj", "projected": {"defaultMode": 420, "sources": [
        {"downwardAPI": {"items": [{"path": "p", "fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.name"}}]}},
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}},
    {"name": "host", "hostPath": {"path": "/var", "type": ""}},
    {"name": "iscsi", "iscsi": {"targetPortal": "t", "iqn": "i", "lun": 0,
                                "iscsiInterface": "default"}},
    {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i", "pool": "rbd", "user": "admin",
                            "keyring": "/etc/ceph/keyring"}},
    {"name": "azure", "azureDisk": {"diskName": "d", "diskURI": "u", "cachingMode": "ReadWrite",
                                    "fsType": "ext4", "readOnly": False, "kind": "Shared"}},
    {"name": "scaleio", "scaleIO": {"gateway": "g", "system": "s", "secretRef": {"name": "r"},
                                    "storageMode": "ThinProvisioned", "fsType": "xfs"}},
    {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {
        "accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem",
        "resources": {"requests": {"storage": "512Ki"}}}}}},
]


def defaulted_container(name: str, *, requests: bool) -> dict[str, Any]:
    resources: dict[str, Any] = {"limits": {"cpu": "1"}}
    if requests:
        resources["requests"] = {"cpu": "1"}
    return {
        "name": name, "image": "busybox:1.36", "imagePullPolicy": "IfNotPresent",
        **CONTAINER_DEFAULTS,
        "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "env": [{"name": "E", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                         "fieldPath": "status.podIP"}}}],
        "resources": resources,
        "livenessProbe": {"httpGet": {"port": 8080, **HTTP_GET_DEFAULTS}, **PROBE_DEFAULTS},
        "readinessProbe": {"grpc": {"port": 9090, "service": ""}, **PROBE_DEFAULTS},
        "startupProbe": {"exec": {"command": ["true"]}, **PROBE_DEFAULTS},
        "lifecycle": {"postStart": {"httpGet": {"port": 80, **HTTP_GET_DEFAULTS}},
                      "preStop": {"httpGet": {"port": 80, **HTTP_GET_DEFAULTS}}},
    }


def full_spec() -> dict[str, Any]:
    return {"containers": [full_container("app")], "initContainers": [full_container("init")],
            "ephemeralContainers": [{**full_container("debug"), "targetContainerName": "app"}],
            "volumes": FULL_VOLUMES, "overhead": {"cpu": "250u"}}


def test_pod_defaults() -> None:
    """TestPodDefaults: every default under a Pod's spec."""
    debug = defaulted_container("debug", requests=False)
    expected = {
        **DEFAULT_POD_SPEC, "enableServiceLinks": True,
        "containers": [defaulted_container("app", requests=True)],
        "initContainers": [defaulted_container("init", requests=True)],
        "ephemeralContainers": [{**debug, "targetContainerName": "app"}],
        "volumes": DEFAULTED_VOLUMES, "overhead": {"cpu": "1m"},
    }
    assert defaulted(pod(**full_spec()))["spec"] == expected


def test_workload_defaults() -> None:
    """TestWorkloadDefaults: a template gets no requests from limits, no enableServiceLinks."""
    debug = defaulted_container("debug", requests=False)
    expected = {
        **DEFAULT_POD_SPEC,
        "containers": [defaulted_container("app", requests=False)],
        "initContainers": [defaulted_container("init", requests=False)],
        "ephemeralContainers": [{**debug, "targetContainerName": "app"}],
        "volumes": DEFAULTED_VOLUMES, "overhead": {"cpu": "1m"},
    }
    rs = manifest("ReplicaSet", {"replicas": 1, "template": {"spec": full_spec()}})
    assert defaulted(rs)["spec"]["template"]["spec"] == expected


# -- TestSetDefaultReplicationControllerInitContainers (as a ReplicaSet's template) -----------

INIT_CONTAINER_CASES = {
    "imagePullIPolicy": ({"name": "install", "image": "busybox"},
                         {"imagePullPolicy": "Always"}),
    "FieldRef": ({"env": [{"name": "MY_POD_IP", "valueFrom": {"fieldRef": {
        "apiVersion": "", "fieldPath": "status.podIP"}}}]},
        {"env": [{"name": "MY_POD_IP", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": "status.podIP"}}}]}),
    "ContainerPort": ({"ports": [{"name": "default"}]},
                      {"ports": [{"name": "default", "protocol": "TCP"}]}),
    "Resources": ({"resources": {"limits": {"cpu": "100m", "memory": "100Mi"},
                                 "requests": {"cpu": "100m", "memory": "100Mi"}}},
                  {"resources": {"limits": {"cpu": "100m", "memory": "100Mi"},
                                 "requests": {"cpu": "100m", "memory": "100Mi"}}}),
    "Probe": ({"livenessProbe": {"httpGet": {"host": "localhost"}},
               "readinessProbe": {"httpGet": {"host": "localhost"}}},
              {"livenessProbe": {"httpGet": {"host": "localhost", **HTTP_GET_DEFAULTS},
                                 **PROBE_DEFAULTS},
               "readinessProbe": {"httpGet": {"host": "localhost", **HTTP_GET_DEFAULTS},
                                  **PROBE_DEFAULTS}}),
    "LifeCycle": ({"lifecycle": {"postStart": {"httpGet": {"host": "localhost"}},
                                 "preStop": {"httpGet": {"host": "localhost"}}}},
                  {"lifecycle": {"postStart": {"httpGet": {"host": "localhost",
                                                           **HTTP_GET_DEFAULTS}},
                                 "preStop": {"httpGet": {"host": "localhost",
                                                         **HTTP_GET_DEFAULTS}}}}),
}


@pytest.mark.parametrize(("fields", "expected"), list(INIT_CONTAINER_CASES.values()),
                         ids=[f"TestSetDefaultReplicationControllerInitContainers/{n}"
                              for n in INIT_CONTAINER_CASES])
def test_set_default_init_containers(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    init = {"name": "fun", "image": "alpine:3.20", **fields}
    rs = manifest("ReplicaSet", {"replicas": 1, "template": {"spec": {"initContainers": [init]}}})
    got = defaulted(rs)["spec"]["template"]["spec"]["initContainers"][0]
    policy = "Always" if init["image"] == "busybox" else "IfNotPresent"
    assert got == {**init, "imagePullPolicy": policy, **CONTAINER_DEFAULTS, **expected}


# -- container, probe, pod ----------------------------------------------------------------------

E3B0 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

PARSE_IMAGE_NAME_CASES = [
    ("root", ("docker.io/library/root", "latest", "")),
    ("root:tag", ("docker.io/library/root", "tag", "")),
    (f"root@{E3B0}", ("docker.io/library/root", "", E3B0)),
    ("user/repo", ("docker.io/user/repo", "latest", "")),
    ("user/repo:tag", ("docker.io/user/repo", "tag", "")),
    (f"user/repo@{E3B0}", ("docker.io/user/repo", "", E3B0)),
    ("url:5000/repo", ("url:5000/repo", "latest", "")),
    ("url:5000/repo:tag", ("url:5000/repo", "tag", "")),
    (f"url:5000/repo@{E3B0}", ("url:5000/repo", "", E3B0)),
    (f"url:5000/repo:latest@{E3B0}", ("url:5000/repo", "latest", E3B0)),
    ("ROOT", None),  # must be lowercase
    ("http://root", None),  # invalid reference format
    (E3B0.removeprefix("sha256:"), None),  # cannot specify 64-byte hexadecimal strings
]


@pytest.mark.parametrize(("image", "expected"), PARSE_IMAGE_NAME_CASES,
                         ids=[f"TestParseImageName/{i}" for i, _ in PARSE_IMAGE_NAME_CASES])
def test_parse_image_name(image: str, expected: tuple[str, str, str] | None) -> None:
    assert parse_image_name(image) == expected


PULL_POLICY_CASES = [
    ("nginx", None, "Always"),
    ("nginx:latest", None, "Always"),
    ("registry.k8s.io/pause:latest", None, "Always"),
    ("localhost:5000/app", None, "Always"),
    ("nginx:1.27", None, "IfNotPresent"),
    ("nginx:Latest", None, "IfNotPresent"),  # the tag is compared as written
    (f"nginx@{E3B0}", None, "IfNotPresent"),  # a digest and no tag
    (f"nginx:latest@{E3B0}", None, "Always"),
    ("nginx@sha256:abc", None, "IfNotPresent"),  # invalid digest: no tag read
    ("", None, "IfNotPresent"),  # does not parse
    ("NGINX", None, "IfNotPresent"),
    ("nginx", "Never", "Never"),
    ("nginx:1.27", "Always", "Always"),
]


@pytest.mark.parametrize(("image", "policy", "expected"), PULL_POLICY_CASES,
                         ids=[f"TestSetDefaultContainer/imagePullPolicy/{i}:{p}"
                              for i, p, _ in PULL_POLICY_CASES])
def test_set_default_container_image_pull_policy(image: str, policy: str | None,
                                                 expected: str) -> None:
    c: dict[str, Any] = {"name": "c", "image": image}
    if policy:
        c["imagePullPolicy"] = policy
    got = defaulted(pod(containers=[c]))["spec"]["containers"][0]
    assert got == {**c, "imagePullPolicy": expected, **CONTAINER_DEFAULTS}


def test_set_default_container_keeps_termination_message() -> None:
    c = container(imagePullPolicy="Never", terminationMessagePath="/tmp/m",
                  terminationMessagePolicy="FallbackToLogsOnError")
    assert defaulted(pod(containers=[c]))["spec"]["containers"][0] == c


@pytest.mark.parametrize(("probe", "expected"), [
    ({}, PROBE_DEFAULTS),
    ({"periodSeconds": 0, "timeoutSeconds": 5, "failureThreshold": 1},
     {**PROBE_DEFAULTS, "timeoutSeconds": 5, "failureThreshold": 1}),
    ({"initialDelaySeconds": 3, "tcpSocket": {"port": 80}},
     {"initialDelaySeconds": 3, "tcpSocket": {"port": 80}, **PROBE_DEFAULTS}),
], ids=["TestSetDefaultProbe", "TestSetDefaultProbe/zero-is-unset",
        "TestSetDefaultProbe/handler-kept"])
def test_set_default_probe(probe: dict[str, Any], expected: dict[str, Any]) -> None:
    got = defaulted(pod(containers=[container(livenessProbe=probe)]))
    assert got["spec"]["containers"][0]["livenessProbe"] == expected


def test_set_default_scheduler_name_and_enable_service_links() -> None:
    """TestSetDefaultSchedulerName, TestSetDefaultEnableServiceLinks: the empty pod."""
    assert defaulted(pod())["spec"] == {**DEFAULT_POD_SPEC, "enableServiceLinks": True}


def test_set_default_pod_spec_keeps_values() -> None:
    spec = {"dnsPolicy": "Default", "restartPolicy": "Never", "securityContext": {"runAsUser": 1},
            "terminationGracePeriodSeconds": 0, "schedulerName": "mine",
            "enableServiceLinks": False}
    assert defaulted(pod(**spec))["spec"] == spec


def test_set_default_pod_spec_host_network() -> None:
    """TestSetDefaultPodSpecHostNetwork: hostPort follows containerPort."""
    ports = [{"containerPort": 8080}]
    spec = defaulted(pod(hostNetwork=True, containers=[container(ports=ports)],
                         initContainers=[container(name="i", ports=ports)]))["spec"]
    for c in spec["containers"] + spec["initContainers"]:
        assert c["ports"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}]


def test_host_ports_not_defaulted_in_templates() -> None:
    ports = [{"containerPort": 8080}]
    rs = manifest("ReplicaSet", {"replicas": 1, "template": {"spec": {
        "hostNetwork": True, "containers": [container(ports=ports)]}}})
    got = defaulted(rs)["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert got == [{"containerPort": 8080, "protocol": "TCP"}]


def test_set_default_object_field_selector_api_version() -> None:
    """TestSetDefaultObjectFieldSelectorAPIVersion."""
    env = [{"name": "E", "valueFrom": {"fieldRef": {}}}]
    got = defaulted(pod(containers=[container(env=env)]))["spec"]["containers"][0]["env"]
    assert got == [{"name": "E", "valueFrom": {"fieldRef": {"apiVersion": "v1"}}}]


def test_set_minimum_scale_pod() -> None:
    """TestSetMinimumScalePod: quantities are rounded up to milli-units."""
    resources = {"requests": {"memory": "1n"}, "limits": {"cpu": "2n"}}
    spec = defaulted(pod(containers=[container(resources=resources)],
                         initContainers=[container(name="i", resources=resources)]))["spec"]
    for c in spec["containers"] + spec["initContainers"]:
        assert c["resources"] == {"requests": {"memory": "1m", "cpu": "1m"},
                                  "limits": {"cpu": "1m"}}


@pytest.mark.parametrize(("value", "expected"), [
    ("100m", "100m"), ("0.0001", "1m"), ("1500n", "1m"), ("1001u", "2m"), ("-1n", "-1m"),
    ("1Gi", "1Gi"), ("1.5", "1500m"), ("0", "0"), ("1e-7", "1e-3"),
], ids=lambda v: str(v))
def test_set_defaults_resource_list_rounding(value: str, expected: str) -> None:
    """SetDefaults_ResourceList: RoundUp(-3), away from zero; coarser values keep their text."""
    got = defaulted(pod(containers=[container(resources={"limits": {"cpu": value}})]))
    assert got["spec"]["containers"][0]["resources"]["limits"] == {"cpu": expected}


def test_set_default_requests_pod() -> None:
    """TestSetDefaultRequestsPod: requests from limits, an explicit 0 request kept."""
    resources = {"requests": {"memory": "0"}, "limits": {"cpu": "100m", "memory": "1Gi"}}
    spec = defaulted(pod(containers=[container(resources=resources)],
                         initContainers=[container(name="i", resources=resources)]))["spec"]
    for c in spec["containers"] + spec["initContainers"]:
        assert c["resources"]["requests"] == {"cpu": "100m", "memory": "0"}


def test_set_default_requests_pod_without_limits() -> None:
    """TestSetDefaultRequestsPod: nothing is set when no limits are."""
    spec = defaulted(pod(containers=[container()], initContainers=[container(name="i")]))["spec"]
    assert "resources" not in spec["containers"][0]
    assert "resources" not in spec["initContainers"][0]


@pytest.mark.parametrize(("key", "source", "expected"), [
    ("secret", {}, {"defaultMode": 420}),
    ("configMap", {}, {"defaultMode": 420}),
    ("downwardAPI", {}, {"defaultMode": 420}),
    ("projected", {}, {"defaultMode": 420}),
    ("hostPath", {"path": "foo"}, {"path": "foo", "type": ""}),
    ("secret", {"defaultMode": 256}, {"defaultMode": 256}),
], ids=["TestSetDefaultSecretVolumeSource", "TestSetDefaultConfigMapVolumeSource",
        "TestSetDefaultDownwardAPIVolumeSource", "TestSetDefaultProjectedVolumeSource",
        "TestSetDefaultHostPathVolumeSource", "TestSetDefaultSecretVolumeSource/kept"])
def test_set_default_volume_source(key: str, source: dict[str, Any],
                                   expected: dict[str, Any]) -> None:
    got = defaulted(pod(volumes=[{"name": "v", key: source}]))["spec"]["volumes"]
    assert got == [{"name": "v", key: expected}]


@pytest.mark.parametrize(("mode", "expected"), [
    (None, "Filesystem"), ("Filesystem", "Filesystem"), ("Block", "Block")],
    ids=["TestSetDefaultEphemeral/volume mode nil",
         "TestSetDefaultEphemeral/volume mode filesystem",
         "TestSetDefaultEphemeral/volume mode block"])
def test_set_default_ephemeral(mode: str | None, expected: str) -> None:
    claim: dict[str, Any] = {} if mode is None else {"volumeMode": mode}
    volume = {"name": "v", "ephemeral": {"volumeClaimTemplate": {"spec": claim}}}
    got = defaulted(pod(volumes=[volume]))["spec"]["volumes"][0]
    assert got["ephemeral"]["volumeClaimTemplate"]["spec"] == {"volumeMode": expected}


# ---------------------------------------------------------------------------------------------
# core/v1: Service


def service(spec: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return manifest("Service", spec or {}, **top)


def test_set_default_service() -> None:
    """TestSetDefaultService: the empty Service."""
    assert defaulted(service())["spec"] == {"type": "ClusterIP", "sessionAffinity": "None",
                                            "internalTrafficPolicy": "Cluster"}


@pytest.mark.parametrize("config", [None, {}, {"clientIP": {}}], ids=[
    "TestSetDefaultServiceSessionAffinityConfig/SessionAffinityConfig is empty",
    "TestSetDefaultServiceSessionAffinityConfig/ClientIP is empty",
    "TestSetDefaultServiceSessionAffinityConfig/TimeoutSeconds is empty"])
def test_set_default_service_session_affinity_config(config: dict[str, Any] | None) -> None:
    spec: dict[str, Any] = {"sessionAffinity": "ClientIP"}
    if config is not None:
        spec["sessionAffinityConfig"] = config
    got = defaulted(service(spec))["spec"]
    assert got["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_session_affinity_none_drops_config() -> None:
    spec = {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}
    assert "sessionAffinityConfig" not in defaulted(service(spec))["spec"]


@pytest.mark.parametrize(("ingress", "expected"), [
    ({"ip": "1.2.3.4"}, {"ip": "1.2.3.4", "ipMode": "VIP"}),
    ({"ip": "1.2.3.4", "ipMode": "Proxy"}, {"ip": "1.2.3.4", "ipMode": "Proxy"}),
    ({"hostname": "lb.example.com"}, {"hostname": "lb.example.com"}),
], ids=["TestSetDefaultServiceLoadbalancerIPMode/Set IP but bot set IPMode",
        "TestSetDefaultServiceLoadbalancerIPMode/Both IP and IPMode are set",
        "TestSetDefaultServiceLoadbalancerIPMode/hostname only"])
def test_set_default_service_load_balancer_ip_mode(ingress: dict[str, Any],
                                                   expected: dict[str, Any]) -> None:
    svc = service({"type": "LoadBalancer"}, status={"loadBalancer": {"ingress": [ingress]}})
    got = defaulted(svc)
    assert got["status"] == {"loadBalancer": {"ingress": [expected]}}
    assert got["spec"] == {"type": "LoadBalancer", "sessionAffinity": "None",
                           "externalTrafficPolicy": "Cluster",
                           "internalTrafficPolicy": "Cluster",
                           "allocateLoadBalancerNodePorts": True}


@pytest.mark.parametrize(("ports", "expected"), [
    ([{"port": 1234}], [{"port": 1234, "protocol": "TCP", "targetPort": 1234}]),
    ([{"port": 1234, "targetPort": 5678}],
     [{"port": 1234, "protocol": "TCP", "targetPort": 5678}]),
    ([{"protocol": "UDP", "port": 9376, "targetPort": "p"},
      {"protocol": "UDP", "port": 8675, "targetPort": 309}],
     [{"protocol": "UDP", "port": 9376, "targetPort": "p"},
      {"protocol": "UDP", "port": 8675, "targetPort": 309}]),
    ([{"protocol": "", "port": 9376, "targetPort": ""},
      {"protocol": "", "port": 8675, "targetPort": 0}],
     [{"protocol": "TCP", "port": 9376, "targetPort": 9376},
      {"protocol": "TCP", "port": 8675, "targetPort": 8675}]),
], ids=["TestSetDefaultServiceTargetPort/defaulted", "TestSetDefaultServiceTargetPort/kept",
        "TestSetDefaultServicePort/unchanged if set", "TestSetDefaultServicePort/defaulted"])
def test_set_default_service_port(ports: list[dict[str, Any]],
                                  expected: list[dict[str, Any]]) -> None:
    assert defaulted(service({"ports": ports}))["spec"]["ports"] == expected


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, None),
    ({"type": "NodePort"}, "Cluster"),
    ({"type": "LoadBalancer"}, "Cluster"),
    ({"type": "ClusterIP", "externalIPs": ["1.2.3.4"]}, "Cluster"),
    ({"type": "ClusterIP"}, None),
    ({"type": "ExternalName"}, None),
    ({"type": "NodePort", "externalTrafficPolicy": "Local"}, "Local"),
], ids=[f"TestSetDefaultServiceExternalTraffic/{i}" for i in range(7)])
def test_set_default_service_external_traffic(spec: dict[str, Any], expected: str | None) -> None:
    assert defaulted(service(spec))["spec"].get("externalTrafficPolicy") == expected


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, "Cluster"),
    ({"internalTrafficPolicy": "Cluster"}, "Cluster"),
    ({"type": "ExternalName"}, None),
    ({"internalTrafficPolicy": "Local"}, "Local"),
], ids=["TestSetDefaultServiceInternalTrafficPolicy/must set default internalTrafficPolicy",
        "TestSetDefaultServiceInternalTrafficPolicy/must not set default when it's cluster",
        "TestSetDefaultServiceInternalTrafficPolicy/must not set default when ExternalName",
        "TestSetDefaultServiceInternalTrafficPolicy/must not set default when it's local"])
def test_set_default_service_internal_traffic_policy(spec: dict[str, Any],
                                                     expected: str | None) -> None:
    assert defaulted(service(spec))["spec"].get("internalTrafficPolicy") == expected


# ---------------------------------------------------------------------------------------------
# core/v1: Namespace, Node; scheduling/v1; other kinds


def test_set_default_namespace() -> None:
    """TestSetDefaultNamespace: a nameless namespace gets the phase only."""
    got = defaulted(manifest("Namespace", metadata={"generateName": "ns-"}))
    assert got == {"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"generateName": "ns-"}, "status": {"phase": "Active"}}


def test_set_default_namespace_labels() -> None:
    """TestSetDefaultNamespaceLabels: the name label is set, over a user's value too."""
    ns = manifest("Namespace", metadata={"name": "default-ns-labels-are-great", "labels": {
        "kubernetes.io/metadata.name": "other", "team": "a"}}, status={"phase": "Terminating"})
    assert defaulted(ns)["metadata"]["labels"] == {
        "kubernetes.io/metadata.name": "default-ns-labels-are-great", "team": "a"}
    assert defaulted(ns)["status"] == {"phase": "Terminating"}


CAPACITY = {"cpu": "1000m", "memory": "10G"}
ALLOCATABLE = {"cpu": "500m", "memory": "5G"}


@pytest.mark.parametrize(("capacity", "allocatable", "expected"), [
    (CAPACITY, ALLOCATABLE, ALLOCATABLE),
    (None, ALLOCATABLE, ALLOCATABLE),
    (CAPACITY, None, {"cpu": "1", "memory": "10G"}),
    (None, None, None),
], ids=[f"TestSetDefaultNodeStatusAllocatable/{i}" for i in range(4)])
def test_set_default_node_status_allocatable(capacity: dict[str, str] | None,
                                             allocatable: dict[str, str] | None,
                                             expected: dict[str, str] | None) -> None:
    status = {k: v for k, v in (("capacity", capacity), ("allocatable", allocatable)) if v}
    node = manifest("Node", status=status) if status else manifest("Node")
    assert defaulted(node).get("status", {}).get("allocatable") == expected


def test_set_default_priority_class() -> None:
    pc = manifest("PriorityClass", value=1000)
    assert defaulted(pc)["preemptionPolicy"] == "PreemptLowerPriority"
    kept = manifest("PriorityClass", value=1000, preemptionPolicy="Never")
    assert defaulted(kept)["preemptionPolicy"] == "Never"


def test_pod_disruption_budget_has_no_defaults() -> None:
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"},
           "spec": {"maxUnavailable": 1}}
    obj = decode_object(pdb)
    assert default_object(obj) is obj


def test_unknown_kinds_are_unchanged() -> None:
    cm = decode_object({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    assert default_object(cm) is cm


# ---------------------------------------------------------------------------------------------
# Properties


CORPUS = {
    **{f"Deployment/{i}": manifest("Deployment", spec)
       for i, (spec, _) in enumerate(DEPLOYMENT_CASES)},
    "Pod/full": pod(**full_spec()),
    "ReplicaSet/full": manifest("ReplicaSet", {"template": {"spec": full_spec()}}),
    "Pod/hostNetwork": pod(hostNetwork=True, containers=[container(ports=[
        {"containerPort": 80}, {"containerPort": 0}])]),
    "Service/empty": service(),
    "Service/LoadBalancer": service({"type": "LoadBalancer", "sessionAffinity": "ClientIP",
                                     "ports": [{"port": 80}, {"port": 81, "targetPort": ""}]},
                                    status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
    "Namespace": manifest("Namespace", metadata={"name": "ns"}),
    "Node": manifest("Node", status={"capacity": {"cpu": "1n", "memory": "1Gi"}}),
    "PriorityClass": manifest("PriorityClass", value=1),
}


@pytest.mark.parametrize("data", list(CORPUS.values()), ids=list(CORPUS))
def test_idempotent_and_identity(data: dict[str, Any]) -> None:
    once = default_object(decode_object(data))
    assert default_object(once) is once
    assert encode_object(default_object(decode_object(encode_object(once)))) == \
        encode_object(once)


IMAGES = st.sampled_from(["nginx", "nginx:latest", "nginx:1.27", "", "A", f"x@{E3B0}"])
QUANTITIES = st.sampled_from(["1", "100m", "1n", "0.5", "1Gi", "0", "2500u"])
PROBES = st.fixed_dictionaries({}, optional={
    "periodSeconds": st.integers(0, 3), "timeoutSeconds": st.integers(0, 3),
    "httpGet": st.fixed_dictionaries({"port": st.just(80)},
                                     optional={"path": st.sampled_from(["", "/h"])}),
    "grpc": st.fixed_dictionaries({"port": st.just(90)}, optional={"service": st.just("s")}),
})
CONTAINERS = st.fixed_dictionaries({"name": st.just("c"), "image": IMAGES}, optional={
    "imagePullPolicy": st.sampled_from(["", "Never", "Always"]),
    "ports": st.lists(st.fixed_dictionaries({"containerPort": st.integers(0, 3)}, optional={
        "protocol": st.sampled_from(["", "UDP"]), "hostPort": st.integers(0, 3)}), max_size=2),
    "resources": st.fixed_dictionaries({}, optional={
        "limits": st.dictionaries(st.sampled_from(["cpu", "memory"]), QUANTITIES),
        "requests": st.dictionaries(st.sampled_from(["cpu", "memory"]), QUANTITIES)}),
    "livenessProbe": PROBES,
    "env": st.lists(st.fixed_dictionaries({"name": st.just("E"), "valueFrom": st.just(
        {"fieldRef": {"fieldPath": "metadata.name"}})}), max_size=1),
})
POD_SPECS = st.fixed_dictionaries({"containers": st.lists(CONTAINERS, max_size=2)}, optional={
    "initContainers": st.lists(CONTAINERS, max_size=1),
    "hostNetwork": st.booleans(),
    "restartPolicy": st.sampled_from(["", "Never"]),
    "volumes": st.lists(st.sampled_from(FULL_VOLUMES), max_size=3),
})
MANIFESTS = st.one_of(
    POD_SPECS.map(lambda spec: {"apiVersion": "v1", "kind": "Pod",
                                "metadata": {"name": "p"}, "spec": spec}),
    st.tuples(st.none() | st.integers(0, 3), POD_SPECS).map(lambda t: {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": t[1]}, **({} if t[0] is None else {"replicas": t[0]})}}),
    st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["", "NodePort", "LoadBalancer", "ExternalName"]),
        "sessionAffinity": st.sampled_from(["", "None", "ClientIP"]),
        "ports": st.lists(st.fixed_dictionaries({"port": st.integers(1, 3)}, optional={
            "targetPort": st.sampled_from([0, "", "http", 8])}), max_size=2),
    }).map(lambda spec: {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                         "spec": spec}),
)


@settings(max_examples=150, deadline=None)
@given(MANIFESTS)
def test_default_object_properties(data: dict[str, Any]) -> None:
    """Idempotent, and the very same object when there is nothing left to default."""
    obj = decode_object(data)
    once = default_object(obj)
    assert default_object(once) is once
    assert decode_object(data) == obj  # the input is untouched
