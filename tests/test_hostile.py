"""Hostile objects at the API server: every decoding error is a rejection worded as kube-apiserver
words it (Go's encoding/json and the quantity parser), the cluster is unchanged and the replay
goes on; values a later step cannot hold are refused at the gate. Each case here crashed, hung
or was silently stored before issue 11.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.codec import decode_document, decode_object
from kubefold.core.events import Apply, Delete, Scale
from kubefold.core.quantity import ERR_FORMAT_WRONG
from kubefold.core.schema import DecodeError, freeze
from kubefold.reducers import manager
from tests.helpers import new_deployment, new_pod, node

QUANTITY_ERROR = ("quantities must match the regular expression "
                  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def deployment_with(path: str, value: Any) -> dict[str, Any]:
    d = new_deployment("web", 2)
    target = d
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target.setdefault(key, {})
    last = keys[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return d


def pod_with(**container: Any) -> dict[str, Any]:
    p = new_pod("p")
    p["spec"]["containers"][0].update(container)
    return p


def cannot(kind: str, version: str, go: str) -> str:
    return f'{kind} in version "{version}" cannot be handled as a {kind}: {go}'


DECODE_CASES = [
    ("replicas-string", deployment_with("spec.replicas", "3"), cannot(
        "Deployment", "v1", "json: cannot unmarshal string into Go struct field "
        "DeploymentSpec.spec.replicas of type int32")),
    ("replicas-array", deployment_with("spec.replicas", []), cannot(
        "Deployment", "v1", "json: cannot unmarshal array into Go struct field "
        "DeploymentSpec.spec.replicas of type int32")),
    ("replicas-fraction", deployment_with("spec.replicas", 2.5), cannot(
        "Deployment", "v1", "json: cannot unmarshal number 2.5 into Go struct field "
        "DeploymentSpec.spec.replicas of type int32")),
    ("replicas-past-int32", deployment_with("spec.replicas", 2**31), cannot(
        "Deployment", "v1", "json: cannot unmarshal number 2147483648 into Go struct field "
        "DeploymentSpec.spec.replicas of type int32")),
    ("replicas-inf", deployment_with("spec.replicas", float("inf")), cannot(
        "Deployment", "v1", "json: unsupported value: +Inf")),
    ("paused-array", deployment_with("spec.paused", []), cannot(
        "Deployment", "v1", "json: cannot unmarshal array into Go struct field "
        "DeploymentSpec.spec.paused of type bool")),
    ("metadata-list", deployment_with("metadata", ["web"]), cannot(
        "Deployment", "v1", "json: cannot unmarshal array into Go struct field "
        "Deployment.metadata of type v1.ObjectMeta")),
    ("spec-string", deployment_with("spec", "x"), cannot(
        "Deployment", "v1", "json: cannot unmarshal string into Go struct field "
        "Deployment.spec of type v1.DeploymentSpec")),
    ("label-number", deployment_with("metadata.labels", {"app": 5}), cannot(
        "Deployment", "v1", "json: cannot unmarshal number into Go struct field "
        "ObjectMeta.metadata.labels of type string")),
    ("max-surge-bool", deployment_with("spec.strategy", {"rollingUpdate": {"maxSurge": True}}),
     cannot("Deployment", "v1", "json: cannot unmarshal bool into Go struct field "
            "RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32")),
    ("container-port-name", pod_with(ports=[{"containerPort": "http"}]), cannot(
        "Pod", "v1", "json: cannot unmarshal string into Go struct field "
        "ContainerPort.spec.containers.ports.containerPort of type int32")),
    ("node-name-number", {**new_pod("p"), "spec": {**new_pod("p")["spec"], "nodeName": 5}},
     cannot("Pod", "v1", "json: cannot unmarshal number into Go struct field "
            "PodSpec.spec.nodeName of type string")),
    ("memory-1GB", pod_with(resources={"requests": {"memory": "1GB"}}),
     cannot("Pod", "v1", QUANTITY_ERROR)),
    ("cpu-1-core", pod_with(resources={"limits": {"cpu": "1 core"}}),
     cannot("Pod", "v1", QUANTITY_ERROR)),
    ("cpu-bool", pod_with(resources={"limits": {"cpu": True}}),
     cannot("Pod", "v1", QUANTITY_ERROR)),
    ("containers-number", {**new_pod("p"), "spec": {"containers": 5}}, cannot(
        "Pod", "v1", "json: cannot unmarshal number into Go struct field PodSpec.spec."
        "containers of type []v1.Container")),
    ("affinity-string", {**new_pod("p"), "spec": {**new_pod("p")["spec"], "affinity": "x"}},
     cannot("Pod", "v1", "json: cannot unmarshal string into Go struct field PodSpec.spec."
            "affinity of type v1.Affinity")),
    ("service-port-string", {"apiVersion": "v1", "kind": "Service",
                             "metadata": {"name": "s"}, "spec": {"ports": ["80"]}},
     cannot("Service", "v1", "json: cannot unmarshal string into Go struct field ServiceSpec."
            "spec.ports of type v1.ServicePort")),
    ("creation-time-number", {**new_pod("p"), "metadata": {"name": "p",
                                                          "creationTimestamp": 5}},
     cannot("Pod", "v1", "json: cannot unmarshal number into Go struct field ObjectMeta."
            "metadata.creationTimestamp of type string")),
]


@pytest.mark.parametrize(("manifest", "message"), [c[1:] for c in DECODE_CASES],
                         ids=[c[0] for c in DECODE_CASES])
def test_a_body_that_does_not_decode_is_a_bad_request(manifest, message):
    start = manager.empty_cluster()
    [event], _ = decode_document({"apply": manifest}, "log.yaml: document 1")
    outcome = manager.apply_event(start, event)
    assert outcome.rejected is not None
    assert (outcome.rejected.reason, outcome.rejected.code) == ("BadRequest", 400)
    assert outcome.rejected.message == message
    assert outcome.cluster == start


def test_the_first_error_in_document_order_is_reported():
    """Go's decoder keeps the first error it meets, in the document's order."""
    d = new_deployment("web", 2)
    d["spec"] = {"paused": "no", **d["spec"], "replicas": "three"}
    with pytest.raises(DecodeError) as err:
        decode_object(d)
    assert err.value.path == "spec.paused"


@pytest.mark.parametrize(("kind", "api_version"), [
    ("Deploymnet", "apps/v1"), ("Deployment", "extensions/v1beta1"),
    ("Deployment", "apps/v1beta1"), ("ReplicaSet", "apps/v1beta2"),
    ("PodDisruptionBudget", "policy/v1beta1"), ("CronJob", "batch/v1beta1"),
    ("Ingress", "extensions/v1beta1"), ("Pod", "v2"), ("Rollout", "argoproj.io/v1"),
], ids=lambda v: v)
def test_a_kind_no_server_serves_is_not_found(kind, api_version):
    manifest = {**new_deployment("web", 1), "kind": kind, "apiVersion": api_version}
    start = manager.empty_cluster()
    outcome = manager.apply_event(start, Apply(decode_object(manifest)))
    assert outcome.rejected is not None and outcome.rejected.reason == "NotFound"
    assert outcome.rejected.message == \
        f'no matches for kind "{kind}" in version "{api_version}"'
    assert outcome.cluster == start


@pytest.mark.parametrize(("kind", "api_version"), [
    ("Rollout", "argoproj.io/v1alpha1"), ("Canary", "flagger.app/v1beta1"),
    ("HTTPRoute", "gateway.networking.k8s.io/v1"),
    ("VirtualService", "networking.istio.io/v1alpha3"),
    ("Event", "events.k8s.io/v1"), ("HorizontalPodAutoscaler", "autoscaling/v1"),
], ids=lambda v: v)
def test_served_kinds_are_stored(kind, api_version):
    manifest = {"apiVersion": api_version, "kind": kind,
                "metadata": {"name": "x", "namespace": "default"}}
    if kind == "Canary":  # validated against its CRD's schema: a valid one
        manifest["spec"] = {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "web"},
                            "service": {"port": 80},
                            "analysis": {"interval": "1m", "threshold": 5, "maxWeight": 50,
                                         "stepWeight": 10}}
    if kind == "HorizontalPodAutoscaler":  # validated: a valid one
        manifest["spec"] = {"maxReplicas": 3, "scaleTargetRef": {
            "apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}
    outcome = manager.apply_event(manager.empty_cluster(), Apply(decode_object(manifest)))
    assert outcome.rejected is None, outcome.rejected
    assert outcome.cluster.get(kind, "default", "x") is not None


def test_a_scheduler_configuration_without_a_name_is_kube_schedulers():
    doc = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{"schedulerName": "default-scheduler"}]}
    outcome = manager.apply_event(manager.empty_cluster(), Apply(decode_object(doc)))
    assert outcome.rejected is None, outcome.rejected
    assert outcome.cluster.get("KubeSchedulerConfiguration", "", "kube-scheduler") is not None


# -- values a later step cannot hold ---------------------------------------------------------


def _pdb(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


PERCENT = ("a valid percent string must be a numeric string followed by an ending '%' (e.g. "
           "'1%',  or '93%', regex used for validation is '[0-9]+%')")

# TestValidatePodDisruptionBudgetSpec (pkg/apis/policy/validation/validation_test.go): the
# invalid values of minAvailable and maxUnavailable, and both set.
GATE_CASES = [
    ("pdb-min-available-abc", _pdb(minAvailable="abc"),
     f'PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: abc: '
     f"{PERCENT}"),
    ("pdb-max-unavailable-negative-percent", _pdb(maxUnavailable="-5%"),
     f'PodDisruptionBudget.policy "web" is invalid: spec.maxUnavailable: Invalid value: -5%: '
     f"{PERCENT}"),
    ("pdb-min-available-negative", _pdb(minAvailable=-1),
     'PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: -1: '
     "must be greater than or equal to 0"),
    ("pdb-over-100-percent", _pdb(maxUnavailable="101%"),
     'PodDisruptionBudget.policy "web" is invalid: spec.maxUnavailable: Invalid value: '
     "101%: must not be greater than 100%"),
    ("pdb-both-set", _pdb(minAvailable=1, maxUnavailable=1),
     'PodDisruptionBudget.policy "web" is invalid: spec: Invalid value: '
     "{MinAvailable:1 MaxUnavailable:1}: minAvailable and maxUnavailable cannot be both set"),
    ("pdb-selector-value", {**_pdb(minAvailable=1), "spec": {
        "minAvailable": 1, "selector": {"matchLabels": {"app": "-5%"}}}},
     'PodDisruptionBudget.policy "web" is invalid: spec.selector.matchLabels: Invalid value: '
     "\"-5%\": a valid label must be an empty string or consist of alphanumeric characters, "
     "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ("allocatable-1e999", {**node("n1"), "status": {"allocatable": {"cpu": "1e999"}}},
     'Node in version "v1" cannot be handled as a Node: status.allocatable[cpu]: quantity '
     "'1e999' is too large: its value in thousandths must fit int64 (at most "
     "9223372036854775807m)"),
    ("grace-beyond-duration", deployment_with("spec.template.spec.terminationGracePeriodSeconds",
                                              2**40),
     'Deployment.apps "web" is invalid: spec.template.spec.terminationGracePeriodSeconds: '
     "Invalid value: 1099511627776: must be no more than 9223372036 (the longest "
     "time.Duration, in seconds)"),
    ("grace-beyond-int64", deployment_with("spec.template.spec.terminationGracePeriodSeconds",
                                           2**63),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
     "number 9223372036854775808 into Go struct field PodSpec.spec.template.spec."
     "terminationGracePeriodSeconds of type int64"),
]


@pytest.mark.parametrize(("manifest", "message"), [c[1:] for c in GATE_CASES],
                         ids=[c[0] for c in GATE_CASES])
def test_values_a_later_step_cannot_hold_are_refused(manifest, message):
    start = manager.empty_cluster()
    [event], _ = decode_document(manifest, "log.yaml: document 1")
    outcome = manager.apply_event(start, event)
    assert outcome.rejected is not None
    assert outcome.rejected.message == message
    assert outcome.cluster == start


def test_scale_past_int32_and_delete_grace_past_a_duration_are_refused():
    cluster = manager.step(manager.empty_cluster(), Apply(decode_object(new_deployment())))
    scaled = manager.apply_event(cluster, Scale("Deployment", "web", 2**40, "default"))
    assert scaled.rejected is not None and scaled.rejected.message == (
        'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number '
        "1099511627776 into Go struct field ScaleSpec.spec.replicas of type int32")
    deleted = manager.apply_event(cluster, Delete("Deployment", "web", "default",
                                                  grace_period_seconds=2**62))
    assert deleted.rejected is not None and "longest time.Duration" in deleted.rejected.message
    assert scaled.cluster == cluster and deleted.cluster == cluster


def test_a_raw_body_with_a_metadata_key_is_not_taken_for_an_object():
    """A pmap answers attribute access with its keys: a raw body with `metadata` once passed
    for a decoded object and crashed the API server (AttributeError: api_version)."""
    raw = freeze(deployment_with("spec.replicas", "3"))
    outcome = manager.apply_event(manager.empty_cluster(), Apply(raw))
    assert outcome.rejected is not None and outcome.rejected.reason == "BadRequest"


# -- custom resources --------------------------------------------------------------------------


CRD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
       "metadata": {"name": "widgets.example.com"},
       "spec": {"group": "example.com", "scope": "Cluster",
                "names": {"kind": "Widget", "plural": "widgets", "singular": "widget"},
                "versions": [
                    {"name": "v1", "served": True, "storage": True, "schema": {
                        "openAPIV3Schema": {"type": "object", "properties": {"spec": {
                            "type": "object", "required": ["size"], "properties": {
                                "size": {"type": "integer", "minimum": 1},
                                "mode": {"type": "string", "enum": ["a", "b"]}}}}}}},
                    {"name": "v0", "served": False, "storage": False}]}}


def widget(version: str = "v1", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"example.com/{version}", "kind": "Widget",
            "metadata": {"name": "w", "namespace": "default"}, "spec": spec}


def with_crd() -> Any:
    return manager.step(manager.empty_cluster(), Apply(decode_object(copy.deepcopy(CRD))))


def test_a_crd_serves_its_kind_with_its_scope():
    before = manager.apply_event(manager.empty_cluster(), Apply(decode_object(widget(size=1))))
    assert before.rejected is not None and before.rejected.message == \
        'no matches for kind "Widget" in version "example.com/v1"'
    outcome = manager.apply_event(with_crd(), Apply(decode_object(widget(size=2))))
    assert outcome.rejected is None, outcome.rejected
    assert outcome.cluster.get("Widget", "", "w") is not None  # cluster-scoped


def test_a_crd_version_not_served_is_not_found():
    outcome = manager.apply_event(with_crd(), Apply(decode_object(widget("v0", size=2))))
    assert outcome.rejected is not None and outcome.rejected.reason == "NotFound"


@pytest.mark.parametrize(("spec", "message"), [
    ({"size": "big"}, 'Widget.example.com "w" is invalid: spec.size: Invalid value: "string": '
                      'spec.size in body must be of type integer: "string"'),
    ({}, 'Widget.example.com "w" is invalid: spec.size: Required value'),
    ({"size": 0}, 'Widget.example.com "w" is invalid: spec.size: Invalid value: 0: spec.size '
                  "in body should be greater than or equal to 1"),
    ({"size": 1, "mode": "c"}, 'Widget.example.com "w" is invalid: spec.mode: Unsupported '
                               'value: "c": supported values: "a", "b"'),
], ids=["type", "required", "minimum", "enum"])
def test_a_custom_resource_is_checked_against_its_schema(spec, message):
    cluster = with_crd()
    outcome = manager.apply_event(cluster, Apply(decode_object(widget(**spec))))
    assert outcome.rejected is not None and outcome.rejected.message == message
    assert outcome.cluster == cluster


def test_error_type_names_the_go_type():
    assert ERR_FORMAT_WRONG == QUANTITY_ERROR
