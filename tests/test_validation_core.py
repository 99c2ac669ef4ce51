"""Ports of pkg/apis/core/validation/validation_test.go (v1.34) for the modelled fields:
TestValidateContainers, TestValidateInitContainers, TestValidatePorts, TestValidateRestartPolicy,
TestValidateDNSPolicy, the resource and annotation cases of TestValidatePodCreate, the toleration
cases of TestValidatePod, TestValidatePodSpec and TestValidatePodUpdate; plus namespace, node and
service cases. Go compares error types and fields; these tests compare the rendered errors
(field path, type and message), which include both."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.objects import Container, ContainerPort, Toleration
from kubefold.core.schema import decode
from kubefold.reducers.apiserver.defaults import default_object
from kubefold.reducers.apiserver.validation import validate_create, validate_update
from kubefold.reducers.apiserver.validation.core import (
    validate_container_ports,
    validate_containers,
    validate_dns_policy,
    validate_init_containers,
    validate_pod,
    validate_pod_update,
    validate_restart_policy,
    validate_tolerations,
)


def ctr(name: str = "abc", **fields: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": "image", "imagePullPolicy": "IfNotPresent",
                         "terminationMessagePolicy": "File"}
    c.update(fields)
    return c


def containers(*items: dict[str, Any]) -> list[Container]:
    return [decode(Container, c) for c in items]


def texts(errors: list[Any]) -> list[str]:
    return [str(e) for e in errors]


def fields(errors: list[Any]) -> list[tuple[str, str]]:
    return [(e.type, e.field) for e in errors]


def resources(cpu: str = "", memory: str = "", storage: str = "") -> dict[str, str]:
    """getResources(cpu, memory, ephemeralStorage, storage) of the Go test, non-empty ones."""
    out = {"cpu": cpu, "memory": memory, "ephemeral-storage": storage}
    return {k: v for k, v in out.items() if v}


TCP80 = {"tcpSocket": {"port": 80}}

# ---------------------------------------------------------------------------------------------
# TestValidateContainers

CONTAINERS_SUCCESS = [
    ctr("abc"), ctr("def", image=" "), ctr("ghi", image=" some  "), ctr("123"),
    ctr("abc-123"),
    ctr("life-123", lifecycle={"preStop": {"exec": {"command": ["ls", "-l"]}}}),
    ctr("resources-test", resources={"limits": {"cpu": "10", "memory": "10G",
                                                "my.org/resource": "10"}}),
    ctr("resources-test-with-request-and-limit",
        resources={"requests": {"cpu": "10", "memory": "10G"},
                   "limits": {"cpu": "10", "memory": "10G"}}),
    ctr("resources-request-limit-simple",
        resources={"requests": {"cpu": "8"}, "limits": {"cpu": "10"}}),
    ctr("resources-request-limit-edge",
        resources={"requests": {"cpu": "10", "memory": "10G", "my.org/resource": "10"},
                   "limits": {"cpu": "10", "memory": "10G", "my.org/resource": "10"}}),
    ctr("resources-request-limit-partials",
        resources={"requests": {"cpu": "9.5", "memory": "10G"},
                   "limits": {"cpu": "10", "my.org/resource": "10"}}),
    ctr("resources-request", resources={"requests": {"cpu": "9.5", "memory": "10G"}}),
    ctr("same-host-port-different-protocol",
        ports=[{"containerPort": 80, "hostPort": 80, "protocol": "TCP"},
               {"containerPort": 80, "hostPort": 80, "protocol": "UDP"}]),
    ctr("fallback-to-logs-termination-message", terminationMessagePolicy="FallbackToLogsOnError"),
    ctr("file-termination-message"),
    ctr("env-from-source", envFrom=[{"configMapRef": {"name": "test"}}]),
    ctr("live-123", livenessProbe={**TCP80, "successThreshold": 1}),
    ctr("startup-123", startupProbe={**TCP80, "successThreshold": 1}),
]


def test_validate_containers_success() -> None:
    """TestValidateContainers/success."""
    assert validate_containers(containers(*CONTAINERS_SUCCESS), 30, "field") == []


NEGATIVE_PROBE = {**TCP80, "initialDelaySeconds": -1, "timeoutSeconds": -1, "periodSeconds": -1,
                  "successThreshold": -1, "failureThreshold": -1,
                  "terminationGracePeriodSeconds": -1}
NONNEG = "must be greater than or equal to 0"


def _negatives(probe: str) -> list[str]:
    base = f"containers[0].{probe}"
    return [f"{base}.{name}: Invalid value: -1: {NONNEG}"
            for name in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                         "successThreshold", "failureThreshold")] + [
        f"{base}.terminationGracePeriodSeconds: Invalid value: -1: must be greater than 0"]


CONTAINERS_ERRORS: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "zero-length name": ([ctr("")], ["containers[0].name: Required value"]),
    "zero-length-image": ([ctr(image="")], ["containers[0].image: Required value"]),
    "name > 63 characters": ([ctr("a" * 64)], [
        f'containers[0].name: Invalid value: "{"a" * 64}": must be no more than 63 characters']),
    "name not a DNS label": ([ctr("a.b.c")], [
        'containers[0].name: Invalid value: "a.b.c": must not contain dots']),
    "name not unique": ([ctr(), ctr()], ['containers[1].name: Duplicate value: "abc"']),
    "host port not unique": (
        [ctr(ports=[{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}]),
         ctr("def", ports=[{"containerPort": 81, "hostPort": 80, "protocol": "TCP"}])],
        ['containers[1].ports[0].hostPort: Duplicate value: "TCP//80"']),
    "invalid lifecycle, no exec command.": (
        [ctr("life-123", lifecycle={"preStop": {"exec": {}}})],
        ["containers[0].lifecycle.preStop.exec.command: Required value"]),
    "invalid lifecycle, no http path.": (
        [ctr("life-123", lifecycle={"preStop": {"httpGet": {"port": 80, "scheme": "HTTP"}}})],
        ["containers[0].lifecycle.preStop.httpGet.path: Required value"]),
    "invalid lifecycle, no http port.": (
        [ctr("life-123", lifecycle={"preStop": {"httpGet": {"path": "/", "scheme": "HTTP"}}})],
        ["containers[0].lifecycle.preStop.httpGet.port: Invalid value: 0: must be between 1 and "
         "65535, inclusive"]),
    "invalid lifecycle, no http scheme.": (
        [ctr("life-123", lifecycle={"preStop": {"httpGet": {"path": "/", "port": 80}}})],
        ['containers[0].lifecycle.preStop.httpGet.scheme: Unsupported value: "": supported '
         'values: "HTTP", "HTTPS"']),
    "invalid lifecycle, no tcp socket port.": (
        [ctr("life-123", lifecycle={"preStop": {"tcpSocket": {}}})],
        ["containers[0].lifecycle.preStop.tcpSocket.port: Invalid value: 0: must be between 1 "
         "and 65535, inclusive"]),
    "invalid lifecycle, zero tcp socket port.": (
        [ctr("life-123", lifecycle={"preStop": {"tcpSocket": {"port": 0}}})],
        ["containers[0].lifecycle.preStop.tcpSocket.port: Invalid value: 0: must be between 1 "
         "and 65535, inclusive"]),
    "invalid lifecycle, no action.": (
        [ctr("life-123", lifecycle={"preStop": {}})],
        ["containers[0].lifecycle.preStop: Required value: must specify a handler type"]),
    "invalid readiness probe, terminationGracePeriodSeconds set.": (
        [ctr("life-123", readinessProbe={**TCP80, "terminationGracePeriodSeconds": 10})],
        ["containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must "
         "not be set for readinessProbes"]),
    "invalid liveness probe, no tcp socket port.": (
        [ctr("live-123", livenessProbe={"tcpSocket": {}, "successThreshold": 1})],
        ["containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and "
         "65535, inclusive"]),
    "invalid liveness probe, no action.": (
        [ctr("live-123", livenessProbe={"successThreshold": 1})],
        ["containers[0].livenessProbe: Required value: must specify a handler type"]),
    "invalid liveness probe, successThreshold != 1": (
        [ctr("live-123", livenessProbe={**TCP80, "successThreshold": 2})],
        ["containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
    "invalid startup probe, successThreshold != 1": (
        [ctr("startup-123", startupProbe={**TCP80, "successThreshold": 2})],
        ["containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1"]),
    "invalid liveness probe, negative numbers": (
        [ctr("live-123", livenessProbe=NEGATIVE_PROBE)],
        [*_negatives("livenessProbe"),
         "containers[0].livenessProbe.successThreshold: Invalid value: -1: must be 1"]),
    "invalid readiness probe, negative numbers": (
        [ctr("ready-123", readinessProbe=NEGATIVE_PROBE)],
        [*_negatives("readinessProbe"),
         "containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: -1: must "
         "not be set for readinessProbes"]),
    "invalid startup probe, negative numbers": (
        [ctr("startup-123", startupProbe=NEGATIVE_PROBE)],
        [*_negatives("startupProbe"),
         "containers[0].startupProbe.successThreshold: Invalid value: -1: must be 1"]),
    "invalid message termination policy": (
        [ctr("life-123", terminationMessagePolicy="Unknown")],
        ['containers[0].terminationMessagePolicy: Unsupported value: "Unknown": supported '
         'values: "File", "FallbackToLogsOnError"']),
    "empty message termination policy": (
        [ctr("life-123", terminationMessagePolicy="")],
        ["containers[0].terminationMessagePolicy: Required value"]),
    "invalid compute resource": (
        [ctr("abc-123", resources={"limits": {"disk": "10G"}})],
        ['containers[0].resources.limits[disk]: Invalid value: "disk": must be a standard '
         "resource type or fully qualified",
         'containers[0].resources.limits[disk]: Invalid value: "disk": must be a standard '
         "resource for containers"]),
    "Resource CPU invalid": (
        [ctr("abc-123", resources={"limits": resources("-10", "0")})],
        ['containers[0].resources.limits[cpu]: Invalid value: "-10": ' + NONNEG]),
    "Resource Requests CPU invalid": (
        [ctr("abc-123", resources={"requests": resources("-10", "0")})],
        ['containers[0].resources.requests[cpu]: Invalid value: "-10": ' + NONNEG]),
    "Resource Memory invalid": (
        [ctr("abc-123", resources={"limits": resources("0", "-10")})],
        ['containers[0].resources.limits[memory]: Invalid value: "-10": ' + NONNEG]),
    "Request limit simple invalid": (
        [ctr("abc-123", resources={"limits": resources("5", "3"),
                                   "requests": resources("6", "3")})],
        ['containers[0].resources.requests: Invalid value: "6": must be less than or equal to '
         "cpu limit of 5"]),
    "Invalid storage limit request": (
        [ctr("abc-123", resources={"limits": {"attachable-volumes-aws-ebs": "10"}})],
        ['containers[0].resources.limits[attachable-volumes-aws-ebs]: Invalid value: '
         '"attachable-volumes-aws-ebs": must be a standard resource type or fully qualified',
         'containers[0].resources.limits[attachable-volumes-aws-ebs]: Invalid value: '
         '"attachable-volumes-aws-ebs": must be a standard resource for containers']),
    "Memory request limit multiple invalid": (
        [ctr("abc-123", resources={"limits": resources("5", "3"),
                                   "requests": resources("5", "4")})],
        ['containers[0].resources.requests: Invalid value: "4": must be less than or equal to '
         "memory limit of 3"]),
    **{f"Forbidden RestartPolicy: {label}": (
        [ctr("foo", restartPolicy=policy)],
        ["containers[0].restartPolicy: Forbidden: may not be set for non-init containers"])
       for label, policy in (("Always", "Always"), ("OnFailure", "OnFailure"),
                             ("Never", "Never"), ("invalid", "invalid"), ("empty", ""))},
}


@pytest.mark.parametrize(("items", "expected"), CONTAINERS_ERRORS.values(),
                         ids=[f"TestValidateContainers/{k}" for k in CONTAINERS_ERRORS])
def test_validate_containers_errors(items: list[dict[str, Any]], expected: list[str]) -> None:
    assert texts(validate_containers(containers(*items), 30, "containers")) == expected


def test_validate_containers_required() -> None:
    """validateContainers: an empty list is Required."""
    assert texts(validate_containers([], 30, "containers")) == ["containers: Required value"]


# ---------------------------------------------------------------------------------------------
# TestValidateInitContainers

INIT_FORBIDDEN = "Forbidden: may not be set for init containers without restartPolicy=Always"


def test_validate_init_containers_success() -> None:
    """TestValidateInitContainers/success (sidecars may have probes and lifecycle)."""
    success = [
        ctr("container-1-same-host-port-different-protocol",
            ports=[{"containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                   {"containerPort": 80, "hostPort": 80, "protocol": "UDP"}]),
        ctr("container-2-same-host-port-different-protocol",
            ports=[{"containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                   {"containerPort": 80, "hostPort": 80, "protocol": "UDP"}]),
        ctr("container-3-restart-always-with-lifecycle-hook-and-probes", restartPolicy="Always",
            lifecycle={"postStart": {"exec": {"command": ["echo", "post start"]}},
                       "preStop": {"exec": {"command": ["echo", "pre stop"]}}},
            livenessProbe={**TCP80, "successThreshold": 1}, readinessProbe=TCP80,
            startupProbe={**TCP80, "successThreshold": 1}),
    ]
    regular = containers(ctr("app", image="nginx"))
    assert validate_init_containers(containers(*success), regular, 30, "field") == []


INIT_ERRORS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "empty name": (ctr(""), ["initContainers[0].name: Required value"]),
    "name collision with regular container": (ctr("app"), [
        'initContainers[0].name: Duplicate value: "app"']),
    "invalid termination message policy": (ctr("init", terminationMessagePolicy="Unknown"), [
        'initContainers[0].terminationMessagePolicy: Unsupported value: "Unknown": supported '
        'values: "File", "FallbackToLogsOnError"']),
    "duplicate ports": (
        ctr(ports=[{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"},
                   {"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}]),
        ['initContainers[0].ports[1].hostPort: Duplicate value: "TCP//8080"']),
    "uses disallowed field: Lifecycle": (
        ctr("debug", lifecycle={"preStop": {"exec": {"command": ["ls", "-l"]}}}),
        [f"initContainers[0].lifecycle: {INIT_FORBIDDEN}"]),
    "uses disallowed field: LivenessProbe": (
        ctr("debug", livenessProbe={**TCP80, "successThreshold": 1}),
        [f"initContainers[0].livenessProbe: {INIT_FORBIDDEN}"]),
    "uses disallowed field: ReadinessProbe": (
        ctr("debug", readinessProbe=TCP80),
        [f"initContainers[0].readinessProbe: {INIT_FORBIDDEN}"]),
    "Container uses disallowed field: StartupProbe": (
        ctr("debug", startupProbe={**TCP80, "successThreshold": 1}),
        [f"initContainers[0].startupProbe: {INIT_FORBIDDEN}"]),
    "Disallowed field with other errors should only return a single Forbidden": (
        ctr("debug", startupProbe=NEGATIVE_PROBE),
        [f"initContainers[0].startupProbe: {INIT_FORBIDDEN}"]),
    **{f"Not supported RestartPolicy: {label}": (
        ctr("init", restartPolicy=policy),
        [f'initContainers[0].restartPolicy: Unsupported value: "{policy}": supported values: '
         '"Always"'])
       for label, policy in (("OnFailure", "OnFailure"), ("Never", "Never"),
                             ("invalid", "invalid"), ("empty", ""))},
}


@pytest.mark.parametrize(("item", "expected"), INIT_ERRORS.values(),
                         ids=[f"TestValidateInitContainers/{k}" for k in INIT_ERRORS])
def test_validate_init_containers_errors(item: dict[str, Any], expected: list[str]) -> None:
    regular = containers(ctr("app", image="nginx"))
    found = validate_init_containers(containers(item), regular, 30, "initContainers")
    assert texts(found) == expected


def test_validate_init_containers_duplicate_names() -> None:
    """TestValidateInitContainers/duplicate names."""
    found = validate_init_containers(containers(ctr("init"), ctr("init")),
                                     containers(ctr("app")), 30, "initContainers")
    assert texts(found) == ['initContainers[1].name: Duplicate value: "init"']


# ---------------------------------------------------------------------------------------------
# TestValidatePorts (validateContainerPorts)


def ports(*items: dict[str, Any]) -> list[ContainerPort]:
    return [decode(ContainerPort, p) for p in items]


def test_validate_ports_success() -> None:
    """TestValidatePorts/success and non-canonical."""
    good = ports({"name": "abc", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                 {"name": "easy", "containerPort": 82, "protocol": "TCP"},
                 {"name": "as", "containerPort": 83, "protocol": "UDP"},
                 {"name": "do-re-me", "containerPort": 84, "protocol": "SCTP"},
                 {"containerPort": 85, "protocol": "TCP"})
    assert validate_container_ports(good, "field") == []
    assert validate_container_ports(ports({"containerPort": 80, "protocol": "TCP"}), "f") == []


PORT_ERRORS = {
    "name > 15 characters": (
        [{"name": "a" * 16, "containerPort": 80, "protocol": "TCP"}],
        [f'field[0].name: Invalid value: "{"a" * 16}": must be no more than 15 characters']),
    "name contains invalid characters": (
        [{"name": "a.b.c", "containerPort": 80, "protocol": "TCP"}],
        ['field[0].name: Invalid value: "a.b.c": must contain only alpha-numeric characters '
         "(a-z, 0-9), and hyphens (-)"]),
    "name is a number": (
        [{"name": "80", "containerPort": 80, "protocol": "TCP"}],
        ['field[0].name: Invalid value: "80": must contain at least one letter (a-z)']),
    "name not unique": (
        [{"name": "abc", "containerPort": 80, "protocol": "TCP"},
         {"name": "abc", "containerPort": 81, "protocol": "TCP"}],
        ['field[1].name: Duplicate value: "abc"']),
    "zero container port": (
        [{"containerPort": 0, "protocol": "TCP"}], ["field[0].containerPort: Required value"]),
    "invalid container port": (
        [{"containerPort": 65536, "protocol": "TCP"}],
        ["field[0].containerPort: Invalid value: 65536: must be between 1 and 65535, "
         "inclusive"]),
    "invalid host port": (
        [{"containerPort": 80, "hostPort": 65536, "protocol": "TCP"}],
        ["field[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive"]),
    "invalid protocol case": (
        [{"containerPort": 80, "protocol": "tcp"}],
        ['field[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", '
         '"UDP"']),
    "invalid protocol": (
        [{"containerPort": 80, "protocol": "ICMP"}],
        ['field[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", '
         '"UDP"']),
    "protocol required": (
        [{"name": "abc", "containerPort": 80}], ["field[0].protocol: Required value"]),
}


@pytest.mark.parametrize(("items", "expected"), PORT_ERRORS.values(),
                         ids=[f"TestValidatePorts/{k}" for k in PORT_ERRORS])
def test_validate_ports_errors(items: list[dict[str, Any]], expected: list[str]) -> None:
    assert texts(validate_container_ports(ports(*items), "field")) == expected


# ---------------------------------------------------------------------------------------------
# TestValidateRestartPolicy, TestValidateDNSPolicy


@pytest.mark.parametrize(("policy", "expected"), [
    ("Always", []), ("OnFailure", []), ("Never", []),
    ("", ["field: Required value"]),
    ("newpolicy", ['field: Unsupported value: "newpolicy": supported values: "Always", '
                   '"OnFailure", "Never"']),
], ids=["TestValidateRestartPolicy/Always", "TestValidateRestartPolicy/OnFailure",
        "TestValidateRestartPolicy/Never", "TestValidateRestartPolicy/empty",
        "TestValidateRestartPolicy/newpolicy"])
def test_validate_restart_policy(policy: str, expected: list[str]) -> None:
    assert texts(validate_restart_policy(policy, "field")) == expected


@pytest.mark.parametrize(("policy", "expected"), [
    ("ClusterFirst", []), ("Default", []), ("ClusterFirstWithHostNet", []), ("None", []),
    ("invalid", ['field: Unsupported value: "invalid": supported values: '
                 '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']),
    ("", ["field: Required value"]),
], ids=["TestValidateDNSPolicy/ClusterFirst", "TestValidateDNSPolicy/Default",
        "TestValidateDNSPolicy/ClusterFirstWithHostNet", "TestValidateDNSPolicy/None",
        "TestValidateDNSPolicy/invalid", "TestValidateDNSPolicy/empty"])
def test_validate_dns_policy(policy: str, expected: list[str]) -> None:
    assert texts(validate_dns_policy(policy, "field")) == expected


# ---------------------------------------------------------------------------------------------
# Tolerations (the toleration cases of TestValidatePod / TestValidatePodSpec)


def tolerations(*items: dict[str, Any]) -> list[Toleration]:
    return [decode(Toleration, t) for t in items]


@pytest.mark.parametrize("item", [
    {"key": "foo", "operator": "Exists", "value": "", "effect": "NoExecute",
     "tolerationSeconds": 60},
    {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoExecute",
     "tolerationSeconds": 60},
    {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
    {"operator": "Exists", "effect": "NoSchedule"},
    {"key": "foo", "value": "bar", "effect": "NoSchedule"},
    {"key": "foo", "operator": "Equal", "value": "bar"},
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": -2},
], ids=["TestValidatePod/populate forgiveness tolerations with exists operator",
        "TestValidatePod/populate forgiveness tolerations with equal operator",
        "TestValidatePod/populate tolerations equal operator",
        "TestValidatePod/empty key with Exists operator is OK for toleration",
        "TestValidatePod/empty operator is OK for toleration, defaults to Equal",
        "TestValidatePod/empty effect is OK for toleration",
        "TestValidatePod/negative tolerationSeconds is OK for toleration"])
def test_validate_tolerations_success(item: dict[str, Any]) -> None:
    assert validate_tolerations(tolerations(item), "tolerations") == []


TOLERATION_ERRORS = {
    "invalid toleration key": (
        {"key": "nospecialchars^=@", "operator": "Equal", "value": "bar",
         "effect": "NoSchedule"},
        ['tolerations[0].key: Invalid value: "nospecialchars^=@": name part must consist of '
         "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
         "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
         "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]),
    "invalid toleration operator": (
        {"key": "foo", "operator": "In", "value": "bar", "effect": "NoSchedule"},
        ['tolerations[0].operator: Unsupported value: "In": supported values: "Equal", '
         '"Exists"']),
    "value must be empty when `operator` is 'Exists'": (
        {"key": "foo", "operator": "Exists", "value": "bar", "effect": "NoSchedule"},
        ['tolerations[0].operator: Invalid value: "bar": value must be empty when `operator` '
         "is 'Exists'"]),
    "operator must be 'Exists' when `key` is empty": (
        {"operator": "Equal", "value": "bar", "effect": "NoSchedule"},
        ['tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` '
         'is empty, which means "match all values and all keys"']),
    "effect must be 'NoExecute' when `TolerationSeconds` is set": (
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule",
         "tolerationSeconds": 20},
        ['tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' '
         "when `tolerationSeconds` is set"]),
    "invalid effect": (
        {"key": "foo", "operator": "Exists", "effect": "NoRun"},
        ['tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", '
         '"PreferNoSchedule", "NoExecute"']),
}


@pytest.mark.parametrize(("item", "expected"), TOLERATION_ERRORS.values(),
                         ids=[f"TestValidatePod/{k}" for k in TOLERATION_ERRORS])
def test_validate_tolerations_errors(item: dict[str, Any], expected: list[str]) -> None:
    assert texts(validate_tolerations(tolerations(item), "tolerations")) == expected


# ---------------------------------------------------------------------------------------------
# Pods: TestValidatePodCreate / TestValidatePodSpec


def make_pod(name: str = "123", annotations: dict[str, str] | None = None,
             **spec: Any) -> dict[str, Any]:
    """podtest.MakePod(name): one container `ctr`, defaulted spec, namespace `ns`."""
    body: dict[str, Any] = {
        "containers": [ctr("ctr")], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
        "terminationGracePeriodSeconds": 30,
    }
    body.update(spec)
    meta: dict[str, Any] = {"name": name, "namespace": "ns"}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}


def pod_errors(manifest: dict[str, Any]) -> list[str]:
    return texts(validate_pod(decode_object(manifest)))  # type: ignore[arg-type]


def test_validate_pod_success() -> None:
    """TestValidatePodCreate/success: a defaulted pod, and dispatch through validate_create."""
    assert pod_errors(make_pod()) == []
    assert validate_create(decode_object(make_pod())) == []


def res_pod(requests: dict[str, str], limits: dict[str, str], init: bool = False
            ) -> dict[str, Any]:
    c = ctr("invalid", resources={"requests": requests, "limits": limits})
    if init:
        return make_pod(initContainers=[c])
    return make_pod(containers=[c])


def _fractional(where: str, kind: str, value: str) -> str:
    return (f"spec.{where}[0].resources.{kind}[example.com/a]: Invalid value: {value}: must be "
            "an integer")


POD_CREATE_ERRORS = {
    "invalid extended resource name in container request": (
        res_pod({"invalid-name": "2"}, {"invalid-name": "2"}),
        ['spec.containers[0].resources.limits[invalid-name]: Invalid value: "invalid-name": '
         "must be a standard resource type or fully qualified",
         'spec.containers[0].resources.limits[invalid-name]: Invalid value: "invalid-name": '
         "must be a standard resource for containers",
         'spec.containers[0].resources.requests[invalid-name]: Invalid value: "invalid-name": '
         "must be a standard resource type or fully qualified",
         'spec.containers[0].resources.requests[invalid-name]: Invalid value: "invalid-name": '
         "must be a standard resource for containers"]),
    "invalid extended resource requirement: request must be == limit": (
        res_pod({"example.com/a": "2"}, {"example.com/a": "1"}),
        ['spec.containers[0].resources.requests: Invalid value: "2": must be equal to '
         "example.com/a limit of 1"]),
    "invalid extended resource requirement without limit": (
        res_pod({"example.com/a": "2"}, {}),
        ["spec.containers[0].resources.limits: Required value: Limit must be set for non "
         "overcommitable resources"]),
    "invalid fractional extended resource in container request": (
        res_pod({"example.com/a": "500m"}, {}),
        [_fractional("containers", "requests", "500m"),
         "spec.containers[0].resources.limits: Required value: Limit must be set for non "
         "overcommitable resources"]),
    "invalid fractional extended resource in init container request": (
        res_pod({"example.com/a": "500m"}, {}, init=True),
        [_fractional("initContainers", "requests", "500m"),
         "spec.initContainers[0].resources.limits: Required value: Limit must be set for non "
         "overcommitable resources"]),
    "invalid fractional extended resource in container limit": (
        res_pod({"example.com/a": "5"}, {"example.com/a": "2.5"}),
        # "2.5" is not canonical, so Quantity.String() prints 2500m.
        [_fractional("containers", "limits", "2500m"),
         'spec.containers[0].resources.requests: Invalid value: "5": must be equal to '
         "example.com/a limit of 2500m"]),
    "invalid fractional extended resource in init container limit": (
        res_pod({"example.com/a": "2.5"}, {"example.com/a": "2.5"}, init=True),
        [_fractional("initContainers", "limits", "2500m"),
         _fractional("initContainers", "requests", "2500m")]),
    "mirror-pod present without nodeName": (
        make_pod(annotations={"kubernetes.io/config.mirror": ""}),
        ['metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "": must set '
         "spec.nodeName if mirror pod annotation is set"]),
    "mirror-pod populated without nodeName": (
        make_pod(annotations={"kubernetes.io/config.mirror": "foo"}),
        ['metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "foo": must set '
         "spec.nodeName if mirror pod annotation is set"]),
    **{f"invalid {label}pod-deletion-cost": (
        make_pod("valid-extended",
                 annotations={"controller.kubernetes.io/pod-deletion-cost": cost}),
        ["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "
         f'"{cost}": must be a 32bit integer'])
       for label, cost in (("", "text"), ("leading zeros ", "008"),
                           ("leading plus sign ", "+10"))},
    "huge pages without cpu or memory": (
        res_pod({"hugepages-2Mi": "2Mi"}, {"hugepages-2Mi": "2Mi"}),
        ["spec.containers[0].resources: Forbidden: HugePages require cpu or memory"]),
    "huge pages not a multiple of the page size": (
        res_pod({"hugepages-2Mi": "3Mi", "cpu": "1"}, {"hugepages-2Mi": "3Mi", "cpu": "1"}),
        ['spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not '
         "positive integer multiple of hugepages-2Mi",
         'spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is '
         "not positive integer multiple of hugepages-2Mi"]),
    "cpu request above limit": (
        res_pod({"cpu": "2"}, {"cpu": "1"}),
        ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or '
         "equal to cpu limit of 1"]),
}


@pytest.mark.parametrize(("manifest", "expected"), POD_CREATE_ERRORS.values(),
                         ids=[f"TestValidatePodCreate/{k}" for k in POD_CREATE_ERRORS])
def test_validate_pod_create_errors(manifest: dict[str, Any], expected: list[str]) -> None:
    assert pod_errors(manifest) == expected


POD_SPEC_ERRORS = {
    "bad restart policy": (make_pod(restartPolicy="UnknowPolicy"), [
        'spec.restartPolicy: Unsupported value: "UnknowPolicy": supported values: "Always", '
        '"OnFailure", "Never"']),
    "bad dns policy": (make_pod(dnsPolicy="UnknownPolicy"), [
        'spec.dnsPolicy: Unsupported value: "UnknownPolicy": supported values: '
        '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']),
    "missing terminationGracePeriodSeconds": (
        {**make_pod(), "spec": {k: v for k, v in make_pod()["spec"].items()
                                if k != "terminationGracePeriodSeconds"}},
        ["spec.terminationGracePeriodSeconds: Required value"]),
    "bad service account name": (make_pod(serviceAccountName="invalidName"), [
        'spec.serviceAccountName: Invalid value: "invalidName": a lowercase RFC 1123 subdomain '
        "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
    "bad active deadline seconds": (make_pod(activeDeadlineSeconds=0), [
        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
        "inclusive"]),
    "bad nodeSelector": (make_pod(nodeSelector={"key": "invalid value"}), [
        'spec.nodeSelector: Invalid value: "invalid value": a valid label must be an empty '
        "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
        "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
        "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]),
    "bad priorityClassName": (make_pod(priorityClassName="InvalidName"), [
        'spec.priorityClassName: Invalid value: "InvalidName": a lowercase RFC 1123 subdomain '
        "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
    "dnsPolicy None without dnsConfig": (make_pod(dnsPolicy="None"), [
        "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]),
    "hostNetwork with different hostPort": (
        make_pod(hostNetwork=True, containers=[
            ctr("ctr", ports=[{"containerPort": 8000, "hostPort": 9000, "protocol": "TCP"}])]),
        ["spec.containers[0].ports[0].hostPort: Invalid value: 9000: must match "
         "`containerPort` when `hostNetwork` is true"]),
    "bad preemption policy": (make_pod(preemptionPolicy="Sometimes"), [
        'spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: '
        '"PreemptLowerPriority", "Never"']),
    "negative overhead": (make_pod(overhead={"cpu": "-1"}), [
        'spec.overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0']),
    "image with whitespace (pods only)": (make_pod(containers=[ctr("ctr", image=" img ")]), [
        'spec.containers[0].image: Invalid value: " img ": must not have leading or trailing '
        "whitespace"]),
    "nodeName with schedulingGates": (
        make_pod(nodeName="node", schedulingGates=[{"name": "foo"}]),
        ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been "
         "cleared"]),
}


@pytest.mark.parametrize(("manifest", "expected"), POD_SPEC_ERRORS.values(),
                         ids=[f"TestValidatePodSpec/{k}" for k in POD_SPEC_ERRORS])
def test_validate_pod_spec_errors(manifest: dict[str, Any], expected: list[str]) -> None:
    assert pod_errors(manifest) == expected


def test_template_allows_unset_host_port() -> None:
    """validatePodHostNetworkDeps: a template may leave hostPort 0; a pod may not."""
    spec: dict[str, Any] = {
        "containers": [ctr("ctr", ports=[{"containerPort": 80, "protocol": "TCP"}])],
        "hostNetwork": True}
    assert pod_errors(make_pod(**spec)) == [
        "spec.containers[0].ports[0].hostPort: Invalid value: 0: must match `containerPort` "
        "when `hostNetwork` is true"]
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": "d", "namespace": "ns"},
                  "spec": {"selector": {"matchLabels": {"a": "b"}},
                           "strategy": {"type": "Recreate"},
                           "template": {"metadata": {"labels": {"a": "b"}},
                                        "spec": make_pod(**spec)["spec"]}}}
    assert validate_create(decode_object(deployment)) == []


# ---------------------------------------------------------------------------------------------
# TestValidatePodUpdate


def pod_update(new_spec: dict[str, Any], old_spec: dict[str, Any]) -> list[str]:
    new, old = make_pod(**new_spec), make_pod(**old_spec)
    return texts(validate_pod_update(decode_object(new), decode_object(old)))  # type: ignore[arg-type]


def test_pod_update_image_and_deadline() -> None:
    """TestValidatePodUpdate: images may change; activeDeadlineSeconds may be set or lowered."""
    assert pod_update({"containers": [ctr("ctr", image="bar:V2")]},
                      {"containers": [ctr("ctr", image="bar:V1")]}) == []
    assert pod_update({"activeDeadlineSeconds": 30}, {}) == []
    assert pod_update({"activeDeadlineSeconds": 10}, {"activeDeadlineSeconds": 30}) == []
    assert pod_update({"activeDeadlineSeconds": 31}, {"activeDeadlineSeconds": 30}) == [
        "spec.activeDeadlineSeconds: Invalid value: 31: must be less than or equal to previous "
        "value"]
    assert pod_update({}, {"activeDeadlineSeconds": 30}) == [
        "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive "
        "integer to nil value"]


def test_pod_update_containers_and_tolerations() -> None:
    """TestValidatePodUpdate: containers may not be added; tolerations only added."""
    assert pod_update({"containers": [ctr("ctr"), ctr("two")]}, {}) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"]
    old_tol = [{"key": "foo", "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 60}]
    added = [*old_tol, {"key": "bar", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod_update({"tolerations": added}, {"tolerations": old_tol}) == []
    relaxed = [{**old_tol[0], "tolerationSeconds": 10}]
    assert pod_update({"tolerations": relaxed}, {"tolerations": old_tol}) == []
    assert pod_update({"tolerations": []}, {"tolerations": old_tol}) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its "
        "tolerationSeconds"]


def test_pod_update_other_fields_forbidden() -> None:
    """TestValidatePodUpdate: any other spec change is Forbidden with Go's list of fields."""
    errs = pod_update({"nodeSelector": {"a": "b"}}, {})
    assert len(errs) == 1
    assert errs[0].startswith(
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,"
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)\n")
    assert "nodeSelector" in errs[0]


def test_pod_update_metadata() -> None:
    """ValidateObjectMetaUpdate inside ValidatePodUpdate: the name is immutable."""
    old, new = make_pod("a"), make_pod("b")
    assert texts(validate_update(decode_object(new), decode_object(old))) == [
        'metadata.name: Invalid value: "b": field is immutable']


# ---------------------------------------------------------------------------------------------
# Namespaces, nodes, services and other kinds


def test_validate_namespace() -> None:
    """ValidateNamespace: DNS-label names, standard or qualified finalizers, no namespace."""
    good: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "abc"},
            "spec": {"finalizers": ["kubernetes", "example.com/x"]}}
    assert validate_create(decode_object(good)) == []
    bad = copy.deepcopy(good)
    bad["metadata"] = {"name": "a.b", "namespace": "x"}
    bad["spec"]["finalizers"] = ["custom"]
    assert texts(validate_create(decode_object(bad))) == [
        'metadata.name: Invalid value: "a.b": must not contain dots',
        "metadata.namespace: Forbidden: not allowed on this type",
        'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name '
        "nor is it fully qualified"]


def test_validate_node() -> None:
    """ValidateNode: taints (reported under metadata.taints, as Go does) and resources."""
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
            "spec": {"taints": [{"key": "a", "value": "b", "effect": "NoSchedule"},
                                {"key": "a", "value": "c", "effect": "NoSchedule"},
                                {"key": "c", "effect": "Never"}]},
            "status": {"capacity": {"cpu": "-1", "pods": "1.5"}}}
    assert texts(validate_create(decode_object(node))) == [
        'metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"c", '
        'Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and '
        "effect pair",
        'metadata.taints[2].effect: Unsupported value: "Never": supported values: '
        '"NoSchedule", "PreferNoSchedule", "NoExecute"',
        'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
        "status.capacity.pods: Invalid value: 1500m: must be an integer"]


def test_validate_node_update_provider_id() -> None:
    old = decode_object({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                         "spec": {"providerID": "aws://1"}})
    new = decode_object({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                         "spec": {"providerID": "aws://2"}})
    assert texts(validate_update(new, old)) == [
        'spec.providerID: Forbidden: node updates may not change providerID except from "" to '
        "valid"]


def test_validate_service_basic() -> None:
    """A defaulted Service (validation reads what defaulting wrote: sessionAffinity,
    internalTrafficPolicy); the full ValidateService is tests/test_validation_service.py's."""
    svc: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"type": "ClusterIP", "selector": {"app": "web"},
                 "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}]}}
    assert validate_create(default_object(decode_object(svc))) == []
    bad = copy.deepcopy(svc)
    bad["metadata"]["name"] = "1web"
    bad["spec"]["ports"] = [{"port": 80, "protocol": "TCP", "targetPort": 8080},
                            {"name": "b", "port": 0, "protocol": "ICMP", "targetPort": "x--y"}]
    assert texts(validate_create(default_object(decode_object(bad)))) == [
        'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case '
        "alphanumeric characters or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
        "'[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.ports[0].name: Required value",
        "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", '
        '"UDP"',
        'spec.ports[1].targetPort: Invalid value: "x--y": must not contain consecutive '
        "hyphens"]


def test_validate_other_kinds() -> None:
    """Other kinds: ValidateObjectMeta with the kind's name rule and scope."""
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}
    errs = texts(validate_create(decode_object(cm)))
    assert errs[0].startswith('metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 '
                              "subdomain")
    assert errs[1] == "metadata.namespace: Required value"
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "system:Node/x"}}
    assert texts(validate_create(decode_object(role))) == [
        "metadata.name: Invalid value: \"system:Node/x\": may not contain '/'"]
