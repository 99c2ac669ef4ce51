"""Flagger's pkg/canary tests: the Deployment target's primary, promotion, readiness and
status, the tracked configs and the helpers. The objects are written through the API server
in manual mode (no controller runs), then the functions of reducers/flagger/canary are called
as the Go tests call the DeploymentController's methods.

Ported: deployment_ready_test.go (TestDeploymentController_isDeploymentReady, seven cases;
TestDeploymentController_isDeploymentReady_readyThreshold, four), deployment_controller_test.go
(TestDeploymentController_Sync_ConsistentNaming, Sync_InconsistentNaming, Promote, ScaleToZero,
HasTargetChanged, AntiAffinityAndTopologySpreadConstraints), deployment_status_test.go
(SyncStatus, SetFailedChecks, SetState), util_test.go (four), config_tracker_test.go
(TestConfigIsDisabled, Test_fieldIsMandatory, and the ConfigMaps/Secrets tests' checks that
the primary copies exist and the primary's template names them).
Not ported: Finalize (revertOnDeletion is not modelled), NoConfigTracking (the tracking flag
is always on), the DaemonSet, Knative, HPA and ScaledObject variants.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.flagger import INITIALIZED, INITIALIZING, PROGRESSING
from kubefold.core.schema import encode, parse_time
from kubefold.reducers.flagger.canary import config_tracker, deployment_controller, status
from kubefold.reducers.flagger.canary.deployment_ready import is_deployment_ready
from kubefold.reducers.flagger.canary.status import StatusUpdate
from kubefold.reducers.flagger.canary.util import (
    has_spec_changed,
    include_labels_by_prefix,
    make_primary_labels,
)
from tests.flagger_helpers import config_map, new_deployment_test_configs, secret
from tests.helpers import Engine

ENGINE = Engine()
NOW = parse_time("2024-01-01T00:10:00Z")


# -- deployment_ready_test.go -----------------------------------------------------------------


def deployment(status: dict[str, Any], replicas: int | None = None, generation: int = 0
               ) -> Any:
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": "x"}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return decode_object({"apiVersion": "apps/v1", "kind": "Deployment",
                          "metadata": {"name": "podinfo", "generation": generation},
                          "spec": spec, "status": status})


STUCK = {"conditions": [{"type": "Progressing"},
                        {"type": "Available", "status": "False",
                         "reason": "MinimumReplicasUnavailable",
                         "lastUpdateTime": "2024-01-01T00:09:50Z"}],
         "updatedReplicas": 2, "availableReplicas": 1}


@pytest.mark.parametrize("dep,deadline,threshold,retriable,contains", [
    (deployment({"observedGeneration": 0}, generation=1), 0, 100, True, "generation"),
    (deployment({"replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
                 "availableReplicas": 1}), 0, 100, True, None),
    (deployment({"updatedReplicas": 1}, replicas=2), 0, 100, True, "new replicas"),
    (deployment({"updatedReplicas": 1, "replicas": 2}), 0, 100, True, "termination"),
    (deployment({"updatedReplicas": 2, "availableReplicas": 1}), 0, 100, True, "available"),
    (deployment({"conditions": [{"type": "Progressing",
                                 "reason": "ProgressDeadlineExceeded"}]}), 0, 100, False,
     "exceeded"),
    (deployment(STUCK), 5, 100, False, "available"),
    (deployment({"observedGeneration": 0}, generation=1), 0, 50, True, "generation"),
    (deployment({"replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
                 "availableReplicas": 1}), 0, 50, True, None),
    (deployment({"updatedReplicas": 4, "availableReplicas": 2}), 0, 50, True, None),
    (deployment({"updatedReplicas": 4, "availableReplicas": 1}), 0, 50, True, "available"),
], ids=["observed generation behind", "ok", "old", "waiting for old replicas to be terminated",
        "waiting for updated ones to be available", "ProgressDeadlineExceeded",
        "deadline exceeded", "readyThreshold/generation", "readyThreshold/ok",
        "readyThreshold/50% available", "readyThreshold/less than 50% available"])
def test_deployment_controller_is_deployment_ready(dep, deadline, threshold, retriable,
                                                   contains):
    """TestDeploymentController_isDeploymentReady and _readyThreshold."""
    got_retriable, err = is_deployment_ready(dep, deadline, threshold, NOW)
    assert got_retriable is retriable
    if contains is None:
        assert err is None
    else:
        assert err is not None and contains in err


def test_is_deployment_ready_messages():
    """The messages Flagger records while it waits."""
    _, err = is_deployment_ready(deployment({"updatedReplicas": 1}, replicas=3), 600, 100, NOW)
    assert err == "waiting for rollout to finish: 1 out of 3 new replicas have been updated"
    _, err = is_deployment_ready(deployment({"updatedReplicas": 4, "availableReplicas": 1}),
                                 600, 50, NOW)
    assert err == ("waiting for rollout to finish: 1 of 2 (readyThreshold 50%) updated "
                   "replicas are available")
    _, err = is_deployment_ready(deployment({"updatedReplicas": 3, "availableReplicas": 1}),
                                 600, 50, NOW)
    assert err is None  # int(float32(3) * 0.5) == 1


# -- deployment_controller_test.go ------------------------------------------------------------


def new_deployment_controller_test(name: str = "podinfo", label: str = "name",
                                   label_value: str = "podinfo", image: str = "podinfo:1.2.0"
                                   ) -> dict[str, Any]:
    """newDeploymentControllerTest: selector `<label>: <labelValue>`, test labels and
    annotations, anti-affinity and topology spread naming the target (and another app)."""
    def terms(key: str) -> list[dict[str, Any]]:
        return [{"labelSelector": {"matchExpressions": [
                    {"key": key, "operator": "In", "values": [label_value]}]},
                 "topologyKey": "kubernetes.io/hostname"},
                {"labelSelector": {"matchExpressions": [
                    {"key": key, "operator": "In", "values": ["arbitrary-app"]}]},
                 "topologyKey": "kubernetes.io/hostname"}]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
        "name": name, "namespace": "default",
        "labels": {"app.kubernetes.io/test-label-1": "test-label-value-1"},
        "annotations": {"app.kubernetes.io/test-annotation-1": "test-annotation-value-1",
                        "kustomize.toolkit.fluxcd.io/checksum": "0a40893bfdc545d62125bd3e74eeb2"
                                                                "ebaa7097c2"}},
        "spec": {"selector": {"matchLabels": {label: label_value}}, "template": {
            "metadata": {"labels": {label: label_value}},
            "spec": {"containers": [{"name": "podinfo", "image": image, "env": [
                {"name": "PODINFO_UI_COLOR", "valueFrom": {"configMapKeyRef": {
                    "name": "podinfo-config-env", "key": "color"}}},
                {"name": "API_KEY", "valueFrom": {"secretKeyRef": {
                    "name": "podinfo-secret-env", "key": "apiKey"}}}]}],
                "affinity": {"podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "podAffinityTerm": t} for t in terms(label)],
                    "requiredDuringSchedulingIgnoredDuringExecution": terms(label)}},
                "topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                     "whenUnsatisfiable": "DoNotSchedule", "labelSelector": t["labelSelector"]}
                    for t in terms(label)]}}}}


def fixture(name: str = "podinfo", label_value: str = "podinfo") -> Any:
    """newDeploymentFixture + initializeCanary: the target, its configs, the Canary, and the
    primary created (Initialize)."""
    cluster = ENGINE.empty_cluster()
    cluster = ENGINE.apply(cluster, *new_deployment_test_configs(),
                           new_deployment_controller_test(name, label_value=label_value),
                           {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                            "metadata": {"name": "podinfo", "namespace": "default"},
                            "spec": {"targetRef": {"apiVersion": "apps/v1",
                                                   "kind": "Deployment", "name": name},
                                     "service": {"port": 9898},
                                     "analysis": {"interval": "1m", "threshold": 1,
                                                  "stepWeight": 10}}})
    cd = cluster.get("Canary", "default", "podinfo")
    cluster, retriable, err = deployment_controller.initialize(cluster, cd)
    assert "not ready" in (err or "")  # a Deployment nobody rolls out
    return cluster, cluster.get("Canary", "default", "podinfo")


@pytest.mark.parametrize("name,label_value", [("podinfo", "podinfo"),
                                              ("podinfo-service", "podinfo")],
                         ids=["TestDeploymentController_Sync_ConsistentNaming",
                              "TestDeploymentController_Sync_InconsistentNaming"])
def test_deployment_controller_sync(name, label_value):
    """The primary copies the target's image, selects `<labelValue>-primary`, and leaves
    Flux's annotations behind."""
    cluster, _ = fixture(name, label_value)
    primary = cluster.get("Deployment", "default", f"{name}-primary")
    assert primary.spec.template.spec.containers[0].image == "podinfo:1.2.0"
    assert primary.spec.selector.match_labels["name"] == f"{label_value}-primary"
    assert "kustomize.toolkit.fluxcd.io/checksum" not in primary.metadata.annotations
    assert primary.metadata.owner_references[0].kind == "Canary"
    assert "flagger-id" in primary.spec.template.metadata.annotations


def test_deployment_controller_promote():
    """TestDeploymentController_Promote: image, labels and annotations (with the
    app.kubernetes.io prefix included), the configs, the anti-affinity selectors."""
    cluster, cd = fixture()
    cluster = ENGINE.apply(cluster, new_deployment_controller_test(image="podinfo:1.2.1"),
                           config_map("podinfo-config-env", {"color": "blue"}))
    cluster, err = deployment_controller.promote(cluster, cd, ("app.kubernetes.io",))
    assert err is None
    primary = cluster.get("Deployment", "default", "podinfo-primary")
    assert primary.spec.template.spec.containers[0].image == "podinfo:1.2.1"
    assert primary.metadata.labels["app.kubernetes.io/test-label-1"] == "test-label-value-1"
    assert primary.metadata.labels["name"] == "podinfo-primary"
    assert primary.metadata.annotations["app.kubernetes.io/test-annotation-1"] == \
        "test-annotation-value-1"
    config = cluster.get("ConfigMap", "default", "podinfo-config-env-primary")
    assert config.extra["data"]["color"] == "blue"
    spec = encode(primary.spec.template.spec)
    anti = spec["affinity"]["podAntiAffinity"]
    assert anti["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"][
        "labelSelector"]["matchExpressions"][0]["values"][0] == "podinfo-primary"
    assert anti["requiredDuringSchedulingIgnoredDuringExecution"][0]["labelSelector"][
        "matchExpressions"][0]["values"][0] == "podinfo-primary"
    env = spec["containers"][0]["env"]
    assert env[0]["valueFrom"]["configMapKeyRef"]["name"] == "podinfo-config-env-primary"
    assert env[1]["valueFrom"]["secretKeyRef"]["name"] == "podinfo-secret-env-primary"


def test_deployment_controller_anti_affinity_and_topology_spread_constraints():
    """TestDeploymentController_AntiAffinityAndTopologySpreadConstraints: only the selectors
    naming the target get `-primary`."""
    cluster, _ = fixture()
    spec = encode(cluster.get("Deployment", "default", "podinfo-primary").spec.template.spec)
    anti = spec["affinity"]["podAntiAffinity"]
    preferred = [t["podAffinityTerm"]["labelSelector"]["matchExpressions"][0]["values"][0]
                 for t in anti["preferredDuringSchedulingIgnoredDuringExecution"]]
    required = [t["labelSelector"]["matchExpressions"][0]["values"][0]
                for t in anti["requiredDuringSchedulingIgnoredDuringExecution"]]
    spread = [t["labelSelector"]["matchExpressions"][0]["values"][0]
              for t in spec["topologySpreadConstraints"]]
    for values in (preferred, required, spread):
        assert values == ["podinfo-primary", "arbitrary-app"]


def test_deployment_controller_scale_to_zero():
    """TestDeploymentController_ScaleToZero."""
    cluster, cd = fixture()
    cluster, err = deployment_controller.scale_to_zero(cluster, cd)
    assert err is None
    assert cluster.get("Deployment", "default", "podinfo").spec.replicas == 0


def _with_cpu(cluster: Any, cpu: str) -> Any:
    manifest = new_deployment_controller_test()
    manifest["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": cpu}}
    return ENGINE.apply(cluster, manifest)


def test_deployment_controller_has_target_changed():
    """TestDeploymentController_HasTargetChanged: a change of the pod spec is new, a change
    back to the last promoted spec is not."""
    cluster, cd = fixture()
    cluster, _ = status.sync_status(cluster, cd, StatusUpdate(INITIALIZING))
    cd = cluster.get("Canary", "default", "podinfo")
    cluster, _ = status.set_status_phase(cluster, cd, INITIALIZED)
    promoted = cluster.get("Canary", "default", "podinfo")
    assert promoted.status.last_promoted_spec == promoted.status.last_applied_spec
    cluster = _with_cpu(cluster, "100")
    cd = cluster.get("Canary", "default", "podinfo")
    assert deployment_controller.has_target_changed(cluster, cd) is True
    cluster, _ = status.sync_status(cluster, cd, StatusUpdate(PROGRESSING))
    cluster = ENGINE.apply(cluster, new_deployment_controller_test())
    cd = cluster.get("Canary", "default", "podinfo")
    assert deployment_controller.has_target_changed(cluster, cd) is False
    cluster = _with_cpu(cluster, "600")
    cd = cluster.get("Canary", "default", "podinfo")
    assert deployment_controller.has_target_changed(cluster, cd) is True


# -- deployment_status_test.go ----------------------------------------------------------------


def test_deployment_controller_sync_status():
    """TestDeploymentController_SyncStatus: phase, failed checks and the tracked configs."""
    cluster, cd = fixture()
    cluster, err = status.sync_status(cluster, cd, StatusUpdate(PROGRESSING, failed_checks=2))
    assert err is None
    res = cluster.get("Canary", "default", "podinfo").status
    assert (res.phase, res.failed_checks) == (PROGRESSING, 2)
    assert "secret/podinfo-secret-env" in res.tracked_configs
    assert res.conditions[0].reason == PROGRESSING
    assert res.conditions[0].message == "New revision detected, progressing canary analysis."


def test_deployment_controller_set_failed_checks_and_state():
    """TestDeploymentController_SetFailedChecks and TestDeploymentController_SetState."""
    cluster, cd = fixture()
    cluster, err = status.set_status_failed_checks(cluster, cd, 1)
    assert err is None
    assert cluster.get("Canary", "default", "podinfo").status.failed_checks == 1
    cluster, err = status.set_status_phase(cluster, cd, PROGRESSING)
    assert err is None
    assert cluster.get("Canary", "default", "podinfo").status.phase == PROGRESSING


def test_make_status_conditions_keeps_transition_time():
    """MakeStatusConditions: a new condition only when status or reason change; the
    transition time kept while the status stays."""
    cluster, cd = fixture()
    cluster, _ = status.set_status_phase(cluster, cd, PROGRESSING)
    cd = cluster.get("Canary", "default", "podinfo")
    first = cd.status.conditions[0]
    ok, _ = status.make_status_conditions(cd, PROGRESSING, cluster.now + 60)
    assert ok is False
    ok, conditions = status.make_status_conditions(cd, "Promoting", cluster.now + 60)
    assert ok and conditions[0].last_transition_time == first.last_transition_time
    assert conditions[0].last_update_time == cluster.now + 60
    ok, conditions = status.make_status_conditions(cd, "Succeeded", cluster.now + 60)
    assert ok and conditions[0].last_transition_time == cluster.now + 60


# -- config_tracker_test.go and util_test.go -----------------------------------------------


@pytest.mark.parametrize("annotations,expected", [
    ({"flagger.app/config-tracking": "disable"}, True), ({"app": "disable"}, False), ({}, False),
], ids=["disabled", "other key", "none"])
def test_config_is_disabled(annotations, expected):
    """TestConfigIsDisabled."""
    assert config_tracker.config_is_disabled(annotations) is expected


@pytest.mark.parametrize("optional,expected", [(None, True), (False, True), (True, False)],
                         ids=["nil", "false", "true"])
def test_field_is_mandatory(optional, expected):
    """Test_fieldIsMandatory."""
    assert config_tracker.field_is_mandatory(optional) is expected


def test_checksum_is_sha256_of_go_json():
    """checksum: the first 8 bytes of SHA-256 over encoding/json's bytes (sorted keys,
    compact, HTML characters escaped)."""
    import hashlib
    expected = hashlib.sha256(b'{"a":"\\u003cb\\u003e","color":"red"}').digest()[:8].hex()
    assert config_tracker.checksum({"color": "red", "a": "<b>"}) == expected
    assert config_tracker.checksum(None) == hashlib.sha256(b"null").digest()[:8].hex()


def test_config_tracker_skips_disabled_and_registry_secrets():
    """getRefFromConfigMap and getRefFromSecret: a disabled config and a registry Secret are
    not tracked; a missing optional config is skipped."""
    cluster, cd = fixture()
    disabled = config_map("podinfo-config-env", {"color": "red"})
    disabled["metadata"]["annotations"] = {"flagger.app/config-tracking": "disabled"}
    registry = secret("podinfo-secret-env", {"x": "y"})
    registry["type"] = "kubernetes.io/dockerconfigjson"
    cluster = ENGINE.apply(cluster, disabled, registry)
    refs = config_tracker.get_target_configs(cluster, cd)
    assert refs == {}
    optional = copy.deepcopy(new_deployment_controller_test())
    optional["spec"]["template"]["spec"]["volumes"] = [
        {"name": "x", "configMap": {"name": "missing", "optional": True}}]
    cluster = ENGINE.apply(cluster, optional)
    assert config_tracker.get_target_configs(cluster, cd) == {}
    optional["spec"]["template"]["spec"]["volumes"][0]["configMap"]["optional"] = False
    cluster = ENGINE.apply(cluster, optional)
    err = config_tracker.get_target_configs(cluster, cd)
    assert err == ('configmap missing.default get query error: configmap missing.default get '
                   'query error: configmaps "missing" not found')


@pytest.mark.parametrize("labels,prefixes,expected", [
    ({"foo": "foo-value", "bar": "bar-value", "lorem": "ipsum"}, ["foo", "lor"],
     {"foo": "foo-value", "lorem": "ipsum"}),
    ({"foo": "foo-value", "bar": "bar-value", "lorem": "ipsum"}, ["*"],
     {"foo": "foo-value", "bar": "bar-value", "lorem": "ipsum"}),
    ({"foo": "foo-value", "bar": "bar-value", "lorem": "ipsum"}, [""], {}),
], ids=["TestIncludeLabelsByPrefix", "TestIncludeLabelsByPrefixWithWildcard",
        "TestIncludeLabelsNoIncludes"])
def test_include_labels_by_prefix(labels, prefixes, expected):
    assert include_labels_by_prefix(labels, prefixes) == expected


def test_make_primary_labels():
    """TestMakePrimaryLabels."""
    assert make_primary_labels({"lorem": "ipsum", "foo": "old-bar"}, "new-bar", "foo") == {
        "lorem": "ipsum", "foo": "new-bar"}


def test_has_spec_changed_without_a_recorded_spec():
    """hasSpecChanged: nothing applied yet is a change."""
    _, cd = fixture()
    assert cd.status.last_applied_spec is None
    assert has_spec_changed(cd, None) is True
