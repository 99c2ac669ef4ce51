"""Ports of pkg/apis/apps/validation/validation_test.go (v1.34): TestValidateDeployment,
TestValidateDeploymentStatus, TestValidateDeploymentStatusUpdate, TestValidateDeploymentUpdate,
TestValidateReplicaSet, TestValidateReplicaSetUpdate, TestValidateReplicaSetStatus,
TestValidateReplicaSetStatusUpdate. Where Go checks only a substring, the number of errors or
the field, these tests also check the field paths and full messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.objects import DeploymentStatus, ReplicaSetStatus
from kubefold.reducers.apiserver.validation import validate_create, validate_update
from kubefold.reducers.apiserver.validation.apps import (
    validate_deployment,
    validate_deployment_status,
    validate_deployment_status_update,
    validate_deployment_update,
    validate_replica_set,
    validate_replica_set_status,
    validate_replica_set_status_update,
    validate_replica_set_update,
)

INVALID_KEY = "NoUppercaseOrSpecialCharsLike=Equals"
KEY_MESSAGE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


def pod_spec(**tweaks: Any) -> dict[str, Any]:
    """podtest.MakePodSpec(): one container `ctr`, restartPolicy Always, ClusterFirst, 30s."""
    spec: dict[str, Any] = {
        "containers": [{"name": "ctr", "image": "image", "imagePullPolicy": "IfNotPresent",
                        "terminationMessagePolicy": "File"}],
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
        "terminationGracePeriodSeconds": 30,
    }
    spec.update(tweaks)
    return spec


def template(labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": {"a": "b"} if labels is None else labels},
            "spec": pod_spec(**spec)}


def valid_deployment() -> dict[str, Any]:
    """validDeployment() (without rollbackTo, which apps/v1 does not have)."""
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "abc", "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"name": "abc"}},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
            "template": {"metadata": {"name": "abc", "namespace": "default",
                                      "labels": {"name": "abc"}},
                         "spec": pod_spec()},
        },
    }


def deployment(**spec: Any) -> dict[str, Any]:
    d = valid_deployment()
    d["spec"].update(spec)
    return d


def rs(name: str = "abc", namespace: str | None = "default", labels: dict[str, str] | None = None,
       annotations: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta, "spec": spec}


def texts(errors: list[Any]) -> list[str]:
    return [str(e) for e in errors]


# ---------------------------------------------------------------------------------------------
# TestValidateDeployment


def with_host_network() -> dict[str, Any]:
    d = valid_deployment()
    d["spec"]["template"]["spec"]["hostNetwork"] = True
    d["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"containerPort": 12345, "protocol": "TCP"}]
    return d


@pytest.mark.parametrize("manifest", [valid_deployment(), with_host_network()],
                         ids=["TestValidateDeployment/valid", "TestValidateDeployment/hostNetwork"])
def test_validate_deployment_success(manifest: dict[str, Any]) -> None:
    assert validate_deployment(decode_object(manifest)) == []  # type: ignore[arg-type]


def _no_name() -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "default"}}


def _tweak(path: list[str], value: Any) -> dict[str, Any]:
    d = valid_deployment()
    node = d
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return d


DEPLOYMENT_ERRORS = [
    ("metadata.name: Required value", _no_name(),
     "metadata.name: Required value: name or generateName is required"),
    ("`selector` does not match template `labels`",
     deployment(selector={"matchLabels": {"name": "def"}}),
     'spec.template.metadata.labels: Invalid value: map[string]string{"name":"abc"}: '
     "`selector` does not match template `labels`"),
    ('Unsupported value: "Never"', _tweak(["spec", "template", "spec", "restartPolicy"], "Never"),
     'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
     '"Always"'),
    ('supported values: "Recreate", "RollingUpdate"',
     deployment(strategy={"type": "randomType"}),
     'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"randomType", '
     'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", '
     '"RollingUpdate"'),
    ("may not be specified when strategy `type` is 'Recreate'",
     deployment(strategy={"type": "Recreate", "rollingUpdate": {}}),
     "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
     "'Recreate'"),
    ("a valid percent string must be",
     deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "20Percent"}}),
     "spec.strategy.rollingUpdate.maxSurge: Invalid value: 20Percent: a valid percent string "
     "must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
     "validation is '[0-9]+%')"),
    ("may not be 0 when `maxSurge` is 0",
     deployment(strategy={"type": "RollingUpdate",
                          "rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}}),
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
     "`maxSurge` is 0"),
    ("must not be greater than 100%",
     deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "110%"}}),
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 110%: must not be greater "
     "than 100%"),
    ("must be greater than minReadySeconds",
     deployment(progressDeadlineSeconds=600, minReadySeconds=600),
     "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"),
    ("ephemeral containers not allowed",
     _tweak(["spec", "template", "spec", "ephemeralContainers"],
            [{"name": "ec", "image": "image", "imagePullPolicy": "IfNotPresent",
              "terminationMessagePolicy": "File"}]),
     "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in "
     "pod template"),
]


@pytest.mark.parametrize(("manifest", "first"), [(m, f) for _, m, f in DEPLOYMENT_ERRORS],
                         ids=[f"TestValidateDeployment/{k}" for k, _, _ in DEPLOYMENT_ERRORS])
def test_validate_deployment_errors(manifest: dict[str, Any], first: str) -> None:
    errs = validate_deployment(decode_object(manifest))  # type: ignore[arg-type]
    assert errs, "expected failure"
    assert str(errs[0]) == first


def test_validate_deployment_percent_then_zero() -> None:
    """TestValidateDeployment/a valid percent string must be: "20Percent" counts as 0, so the
    zero-surge rule follows."""
    d = deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "20Percent"}})
    errs = validate_deployment(decode_object(d))  # type: ignore[arg-type]
    assert [e.field for e in errs] == ["spec.strategy.rollingUpdate.maxSurge",
                                       "spec.strategy.rollingUpdate.maxUnavailable"]


# ---------------------------------------------------------------------------------------------
# TestValidateDeploymentStatus / TestValidateDeploymentStatusUpdate

STATUS_CASES = [
    # name, replicas, updated, ready, available, observedGeneration, collisionCount, first error
    ("valid status", 3, 3, 2, 1, 2, None, None),
    ("invalid replicas", -1, 2, 2, 1, 2, None,
     "status.replicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid updatedReplicas", 2, -1, 2, 1, 2, None,
     "status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid readyReplicas", 3, 0, -1, 1, 2, None,
     "status.readyReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid availableReplicas", 3, 0, 3, -1, 2, None,
     "status.availableReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid observedGeneration", 3, 0, 3, 3, -1, None,
     "status.observedGeneration: Invalid value: -1: must be greater than or equal to 0"),
    ("updatedReplicas greater than replicas", 3, 4, 3, 3, 1, None,
     "status.updatedReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("readyReplicas greater than replicas", 3, 0, 4, 3, 1, None,
     "status.readyReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("availableReplicas greater than replicas", 3, 0, 3, 4, 1, None,
     "status.availableReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("availableReplicas greater than readyReplicas", 3, 0, 2, 3, 1, None,
     "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas"),
    ("invalid collisionCount", 3, 0, 0, 0, 1, -3,
     "status.collisionCount: Invalid value: -3: must be greater than or equal to 0"),
]


@pytest.mark.parametrize(("replicas", "updated", "ready", "available", "generation", "collision",
                          "first"), [c[1:] for c in STATUS_CASES],
                         ids=[f"TestValidateDeploymentStatus/{c[0]}" for c in STATUS_CASES])
def test_validate_deployment_status(replicas: int, updated: int, ready: int, available: int,
                                    generation: int, collision: int | None,
                                    first: str | None) -> None:
    status = DeploymentStatus(replicas=replicas, updated_replicas=updated, ready_replicas=ready,
                              available_replicas=available, observed_generation=generation,
                              collision_count=collision)
    errs = validate_deployment_status(status)
    assert (str(errs[0]) if errs else None) == first


@pytest.mark.parametrize(("old", "new", "expected"), [
    (None, 1, []),
    (1, 1, []),
    (1, None, ["status.collisionCount: Invalid value: 0: cannot be decremented"]),
    (2, 1, ["status.collisionCount: Invalid value: 1: cannot be decremented"]),
], ids=["TestValidateDeploymentStatusUpdate/increase: valid update",
        "TestValidateDeploymentStatusUpdate/stable: valid update",
        "TestValidateDeploymentStatusUpdate/unset: invalid update",
        "TestValidateDeploymentStatusUpdate/decrease: invalid update"])
def test_validate_deployment_status_update(old: int | None, new: int | None,
                                           expected: list[str]) -> None:
    def make(count: int | None) -> Any:
        d: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "Deployment",
                             "metadata": {"name": "foo", "namespace": "default",
                                          "resourceVersion": "1"}}
        if count is not None:
            d["status"] = {"collisionCount": count}
        return decode_object(d)

    assert texts(validate_deployment_status_update(make(new), make(old))) == expected


# ---------------------------------------------------------------------------------------------
# TestValidateDeploymentUpdate


def recreate_deployment(name: str = "abc", replicas: int | None = None,
                        selector: dict[str, str] | None = None,
                        tpl: dict[str, Any] | None = None) -> Any:
    spec: dict[str, Any] = {"selector": {"matchLabels": selector or {"a": "b"}},
                            "template": tpl or template(), "strategy": {"type": "Recreate"}}
    if replicas is not None:
        spec["replicas"] = replicas
    return decode_object({"apiVersion": "apps/v1", "kind": "Deployment",
                          "metadata": {"name": name, "namespace": "default"}, "spec": spec})


GCE_VOLUME = [{"name": "gcepd", "gcePersistentDisk": {"pdName": "my-PD", "fsType": "ext4",
                                                      "partition": 1, "readOnly": False}}]
READ_WRITE_TEMPLATE = template(volumes=GCE_VOLUME)
INVALID_TEMPLATE = template({INVALID_KEY: "b"}, containers=[])


@pytest.mark.parametrize("replicas", [1, 2], ids=[
    "TestValidateDeploymentUpdate/positive replicas",
    "TestValidateDeploymentUpdate/Read-write volume verification"])
def test_validate_deployment_update_success(replicas: int) -> None:
    old = recreate_deployment()
    new = recreate_deployment(replicas=replicas, tpl=READ_WRITE_TEMPLATE)
    assert validate_deployment_update(new, old) == []
    assert validate_update(new, old) == []


SELECTOR_TEXT = ("&LabelSelector{MatchLabels:map[string]string{"
                 f"{INVALID_KEY}: b,}},MatchExpressions:[]LabelSelectorRequirement{{}},}}")

UPDATE_ERRORS = {
    # Go counts 3; the apps/v1 strategy adds the selector immutability error.
    "invalid selector": (
        dict(replicas=2, selector={INVALID_KEY: "b"}),
        ['metadata.name: Invalid value: "abc": field is immutable',
         f'spec.selector.matchLabels: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}',
         f"spec.selector: Invalid value: {SELECTOR_TEXT}: invalid label selector",
         f"spec.selector: Invalid value: {SELECTOR_TEXT}: field is immutable"]),
    "invalid pod": (
        dict(replicas=2, tpl=INVALID_TEMPLATE),
        ['metadata.name: Invalid value: "abc": field is immutable',
         "spec.template.metadata.labels: Invalid value: "
         f'map[string]string{{"{INVALID_KEY}":"b"}}: `selector` does not match template '
         "`labels`",
         f'spec.template.labels: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}',
         "spec.template.spec.containers: Required value"]),
    "negative replicas": (
        dict(replicas=-1, tpl=READ_WRITE_TEMPLATE),
        ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
}


@pytest.mark.parametrize(("tweaks", "expected"), UPDATE_ERRORS.values(),
                         ids=[f"TestValidateDeploymentUpdate/{k}" for k in UPDATE_ERRORS])
def test_validate_deployment_update_errors(tweaks: dict[str, Any], expected: list[str]) -> None:
    old = recreate_deployment(name="abc" if tweaks.get("replicas") == -1 else "")
    new = recreate_deployment(**tweaks)
    assert texts(validate_deployment_update(new, old)) == expected
    assert texts(validate_update(new, old)) == expected


# ---------------------------------------------------------------------------------------------
# TestValidateReplicaSet

HOST_NET_TEMPLATE = template(hostNetwork=True, containers=[
    {"name": "abc", "image": "image", "imagePullPolicy": "IfNotPresent",
     "terminationMessagePolicy": "File", "ports": [{"containerPort": 12345, "protocol": "TCP"}]}])
SELECTOR = {"matchLabels": {"a": "b"}}


@pytest.mark.parametrize("manifest", [
    rs(selector=SELECTOR, template=template()),
    rs(name="abc-123", selector=SELECTOR, template=template()),
    rs(name="hostnet", selector=SELECTOR, template=HOST_NET_TEMPLATE),
    rs(name="abc-123", replicas=1, selector=SELECTOR, template=READ_WRITE_TEMPLATE),
], ids=["TestValidateReplicaSet/success 0", "TestValidateReplicaSet/success 1",
        "TestValidateReplicaSet/success hostnet", "TestValidateReplicaSet/success read-write"])
def test_validate_replica_set_success(manifest: dict[str, Any]) -> None:
    assert validate_replica_set(decode_object(manifest)) == []  # type: ignore[arg-type]
    assert validate_create(decode_object(manifest)) == []


EMPTY_TEMPLATE_ERRORS = [
    "spec.template.spec.terminationGracePeriodSeconds: Required value",
    "spec.template.spec.containers: Required value",
    "spec.template.spec.restartPolicy: Required value",
    "spec.template.spec.dnsPolicy: Required value",
    'spec.template.spec.restartPolicy: Unsupported value: "": supported values: "Always"',
]
NO_MATCH = "`selector` does not match template `labels`"

RS_ERRORS = {
    "zero-length ID": (
        rs(name="", selector=SELECTOR, template=template()),
        ["metadata.name: Required value: name or generateName is required"]),
    "missing-namespace": (
        rs(name="abc-123", namespace=None, selector=SELECTOR, template=template()),
        ["metadata.namespace: Required value"]),
    "empty selector": (
        rs(template=template()),
        ["spec.selector: Required value",
         'spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: '
         + NO_MATCH]),
    "selector_doesnt_match": (
        rs(selector={"matchLabels": {"foo": "bar"}}, template=template()),
        ['spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: '
         + NO_MATCH]),
    "invalid manifest": (
        rs(selector=SELECTOR),
        ["spec.template.metadata.labels: Invalid value: map[string]string(nil): " + NO_MATCH,
         *EMPTY_TEMPLATE_ERRORS]),
    "read-write persistent disk with > 1 pod": (
        rs(namespace=None, replicas=2, selector=SELECTOR, template=READ_WRITE_TEMPLATE),
        ["metadata.namespace: Required value"]),
    "negative_replicas": (
        rs(replicas=-1, selector=SELECTOR),
        ["spec.replicas: Invalid value: -1: must be greater than or equal to 0",
         "spec.template.metadata.labels: Invalid value: map[string]string(nil): " + NO_MATCH,
         *EMPTY_TEMPLATE_ERRORS]),
    "invalid_label": (
        rs(name="abc-123", labels={INVALID_KEY: "bar"}, selector=SELECTOR, template=template()),
        [f'metadata.labels: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}']),
    "invalid_label 2": (
        rs(name="abc-123", labels={INVALID_KEY: "bar"}, template=template({INVALID_KEY: "b"})),
        [f'metadata.labels: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}',
         "spec.selector: Required value",
         "spec.template.metadata.labels: Invalid value: "
         f'map[string]string{{"{INVALID_KEY}":"b"}}: ' + NO_MATCH,
         f'spec.template.labels: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}']),
    "invalid_annotation": (
        rs(name="abc-123", annotations={INVALID_KEY: "bar"}, selector=SELECTOR,
           template=template()),
        [f'metadata.annotations: Invalid value: "{INVALID_KEY}": {KEY_MESSAGE}']),
    "invalid restart policy 1": (
        rs(name="abc-123", selector=SELECTOR, template=template(restartPolicy="OnFailure")),
        ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: '
         '"Always"']),
    "invalid restart policy 2": (
        rs(name="abc-123", selector=SELECTOR, template=template(restartPolicy="Never")),
        ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
         '"Always"']),
}


@pytest.mark.parametrize(("manifest", "expected"), RS_ERRORS.values(),
                         ids=[f"TestValidateReplicaSet/{k}" for k in RS_ERRORS])
def test_validate_replica_set_errors(manifest: dict[str, Any], expected: list[str]) -> None:
    assert texts(validate_replica_set(decode_object(manifest))) == expected  # type: ignore[arg-type]


def test_validate_replica_set_active_deadline() -> None:
    """ValidatePodTemplateSpecForReplicaSet: activeDeadlineSeconds is forbidden."""
    manifest = rs(selector=SELECTOR, template=template(activeDeadlineSeconds=60))
    assert texts(validate_replica_set(decode_object(manifest))) == [  # type: ignore[arg-type]
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
        "ReplicaSet is not Supported"]


def test_validate_label_selector_expressions() -> None:
    """ValidateLabelSelectorRequirement: operator, values and key rules."""
    selector = {"matchLabels": {"a": "b"}, "matchExpressions": [
        {"key": "a", "operator": "In"},
        {"key": "b", "operator": "Exists", "values": ["x"]},
        {"key": "c", "operator": "Foo"},
        {"key": "d", "operator": "In", "values": ["-x"]}]}
    errs = validate_replica_set(decode_object(rs(selector=selector, template=template())))  # type: ignore[arg-type]
    expr = "spec.selector.matchExpressions"
    assert texts(errs)[:4] == [
        f"{expr}[0].values: Required value: must be specified when `operator` is 'In' or "
        "'NotIn'",
        f"{expr}[1].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        f'{expr}[2].operator: Invalid value: "Foo": not a valid selector operator',
        f'{expr}[3].values[0]: Invalid value: "-x": a valid label must be an empty string or '
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]
    assert errs[4].field == "spec.selector" and errs[4].detail == "invalid label selector"


# ---------------------------------------------------------------------------------------------
# TestValidateReplicaSetUpdate / TestValidateReplicaSetStatus / TestValidateReplicaSetStatusUpdate


def replica_set(name: str = "abc", replicas: int | None = None,
                selector: dict[str, str] | None = None, tpl: dict[str, Any] | None = None,
                status_replicas: int | None = None) -> Any:
    manifest = rs(name=name, selector={"matchLabels": selector or {"a": "b"}},
                  template=tpl or template())
    if replicas is not None:
        manifest["spec"]["replicas"] = replicas
    if status_replicas is not None:
        manifest["status"] = {"replicas": status_replicas}
    return decode_object(manifest)


@pytest.mark.parametrize("tpl", [template(), READ_WRITE_TEMPLATE], ids=[
    "TestValidateReplicaSetUpdate/positive replicas",
    "TestValidateReplicaSetUpdate/Read-write volume verification"])
def test_validate_replica_set_update_success(tpl: dict[str, Any]) -> None:
    assert validate_replica_set_update(replica_set(replicas=3, tpl=tpl), replica_set()) == []


RS_UPDATE_ERRORS = {
    "invalid selector": (dict(replicas=2, selector={INVALID_KEY: "b"}),
                         UPDATE_ERRORS["invalid selector"][1]),
    "invalid pod": (dict(replicas=2, tpl=INVALID_TEMPLATE), UPDATE_ERRORS["invalid pod"][1]),
    "negative replicas": (dict(replicas=-1), UPDATE_ERRORS["negative replicas"][1]),
}


@pytest.mark.parametrize(("tweaks", "expected"), RS_UPDATE_ERRORS.values(),
                         ids=[f"TestValidateReplicaSetUpdate/{k}" for k in RS_UPDATE_ERRORS])
def test_validate_replica_set_update_errors(tweaks: dict[str, Any], expected: list[str]) -> None:
    old = replica_set(name="abc" if tweaks.get("replicas") == -1 else "")
    new = replica_set(**tweaks)
    assert texts(validate_replica_set_update(new, old)) == expected


RS_STATUS_CASES = [
    ("valid status", 3, 3, 2, 1, 2, None),
    ("invalid replicas", -1, 3, 2, 1, 2,
     "status.replicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid fullyLabeledReplicas", 3, -1, 2, 1, 2,
     "status.fullyLabeledReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid readyReplicas", 3, 3, -1, 1, 2,
     "status.readyReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid availableReplicas", 3, 3, 3, -1, 2,
     "status.availableReplicas: Invalid value: -1: must be greater than or equal to 0"),
    ("invalid observedGeneration", 3, 3, 3, 3, -1,
     "status.observedGeneration: Invalid value: -1: must be greater than or equal to 0"),
    ("fullyLabeledReplicas greater than replicas", 3, 4, 3, 3, 1,
     "status.fullyLabeledReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("readyReplicas greater than replicas", 3, 3, 4, 3, 1,
     "status.readyReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("availableReplicas greater than replicas", 3, 3, 3, 4, 1,
     "status.availableReplicas: Invalid value: 4: cannot be greater than status.replicas"),
    ("availableReplicas greater than readyReplicas", 3, 3, 2, 3, 1,
     "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas"),
]


@pytest.mark.parametrize(("replicas", "labeled", "ready", "available", "generation", "first"),
                         [c[1:] for c in RS_STATUS_CASES],
                         ids=[f"TestValidateReplicaSetStatus/{c[0]}" for c in RS_STATUS_CASES])
def test_validate_replica_set_status(replicas: int, labeled: int, ready: int, available: int,
                                     generation: int, first: str | None) -> None:
    status = ReplicaSetStatus(replicas=replicas, fully_labeled_replicas=labeled,
                              ready_replicas=ready, available_replicas=available,
                              observed_generation=generation)
    errs = validate_replica_set_status(status)
    assert (str(errs[0]) if errs else None) == first


def test_validate_replica_set_status_update() -> None:
    """TestValidateReplicaSetStatusUpdate: success, and `negative replicas`."""
    old, new = replica_set(status_replicas=2), replica_set(replicas=3, status_replicas=4)
    assert validate_replica_set_status_update(new, old) == []
    old = replica_set(name="", status_replicas=3)
    new = replica_set(replicas=2, status_replicas=-3)
    assert texts(validate_replica_set_status_update(new, old)) == [
        'metadata.name: Invalid value: "abc": field is immutable',
        "status.replicas: Invalid value: -3: must be greater than or equal to 0",
        "status.fullyLabeledReplicas: Invalid value: 0: cannot be greater than status.replicas",
        "status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas"]


def test_selector_immutable_on_update() -> None:
    """The apps/v1 strategies reject a changed selector."""
    old = copy.deepcopy(valid_deployment())
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"name": "abc", "tier": "web"}}
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "web"
    assert texts(validate_update(decode_object(new), decode_object(old))) == [
        "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{name: abc,"
        "tier: web,},MatchExpressions:[]LabelSelectorRequirement{},}: field is immutable"]
