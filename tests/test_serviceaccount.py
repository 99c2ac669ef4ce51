"""The serviceaccount controller and the ServiceAccount admission plugin.

Ported: pkg/controller/serviceaccount/serviceaccounts_controller_test.go
TestServiceAccountCreation (every case; the controller ensures `default` and `managed`, as
the test's options do); plugin/pkg/admission/serviceaccount/admission_test.go's
TestAssignsDefaultServiceAccountAndBootstrapsVolumes, TestFetchesUncachedServiceAccount,
TestDeniesInvalidServiceAccount, TestRejectsMirrorPodWithServiceAccount and
TestSetsImagePullSecrets where they concern what kubefold models.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.core.events import Delete
from kubefold.reducers import apiserver
from kubefold.reducers.controllers import serviceaccount
from tests.helpers import ENGINE, Engine, new_pod, plane, restore

ACTIVE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"},
          "status": {"phase": "Active"}}
TERMINATING = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"},
               "status": {"phase": "Terminating"}}


def sa(name: str, namespace: str = "default") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": "1"}}


CASES = {
    "new active namespace missing serviceaccounts": (ACTIVE, [], ["default", "managed"]),
    "new active namespace missing serviceaccount": (ACTIVE, ["managed"], ["default"]),
    "new active namespace with serviceaccounts": (ACTIVE, ["default", "managed"], []),
    "new terminating namespace": (TERMINATING, [], []),
    "updated active namespace missing serviceaccounts": (ACTIVE, [], ["default", "managed"]),
    "updated active namespace missing serviceaccount": (ACTIVE, ["default"], ["managed"]),
    "updated active namespace with serviceaccounts": (ACTIVE, ["default", "managed"], []),
    "updated terminating namespace": (TERMINATING, [], []),
    "deleted serviceaccount without namespace": (None, [], []),
    "deleted serviceaccount with active namespace": (ACTIVE, ["managed"], ["default"]),
    "deleted serviceaccount with terminating namespace": (TERMINATING, [], []),
    "deleted unmanaged serviceaccount with active namespace":
        (ACTIVE, ["default", "managed"], []),
    "deleted unmanaged serviceaccount with terminating namespace": (TERMINATING, [], []),
}


@pytest.mark.parametrize(("namespace", "existing", "created"), list(CASES.values()),
                         ids=[f"TestServiceAccountCreation/{k}" for k in CASES])
def test_service_account_creation(namespace, existing, created):
    cluster = restore(*[sa(n) for n in existing], now="2024-01-01T00:00:00Z")
    if namespace is None:
        cluster = cluster.remove("Namespace", "", "default")
    else:
        ns = decode_object(namespace)
        stored = cluster.get("Namespace", "", "default")
        cluster = cluster.put(type(stored)(api_version="v1", kind="Namespace",
                                           metadata=stored.metadata, spec=stored.spec,
                                           status=ns.status))
    before = {o.metadata.name for o in cluster.list("ServiceAccount", "default")}
    controller = serviceaccount.new_controller(("default", "managed"))
    engine = Engine(plane(controller))
    after = engine.reconcile(cluster, "serviceaccount", "default")
    made = {o.metadata.name for o in after.list("ServiceAccount", "default")} - before
    assert sorted(made) == created


def test_every_active_namespace_gets_default_and_gets_it_back():
    cluster = ENGINE.apply(ENGINE.empty_cluster(), {"apiVersion": "v1", "kind": "Namespace",
                                                    "metadata": {"name": "shop"}}, mode="auto")
    names = {(o.metadata.namespace, o.metadata.name) for o in cluster.list("ServiceAccount")}
    assert names == {(ns, "default") for ns in ("default", "kube-node-lease", "kube-public",
                                                 "kube-system", "shop")}
    gone = ENGINE.apply_event(cluster, Delete(kind="ServiceAccount", namespace="shop",
                                              name="default"))
    assert gone.rejected is None
    assert gone.cluster.get("ServiceAccount", "shop", "default") is not None
    assert gone.cluster.get("ServiceAccount", "shop", "default").metadata.uid != \
        cluster.get("ServiceAccount", "shop", "default").metadata.uid


# -- admission --------------------------------------------------------------------------------


def create_pod(cluster, **spec: Any):
    return apiserver.create(cluster, decode_object(new_pod("p", **spec)))


def test_assigns_default_service_account():
    """TestAssignsDefaultServiceAccountAndBootstrapsVolumes (no token volume in kubefold)."""
    written = create_pod(ENGINE.empty_cluster())
    assert not isinstance(written, Status), written
    assert written.object.spec.service_account_name == "default"
    assert written.object.spec.extra["serviceAccount"] == "default"


def test_fetches_named_service_account():
    """TestFetchesUncachedServiceAccount: a pod naming an existing account is admitted."""
    cluster = apiserver.create(ENGINE.empty_cluster(), decode_object(sa("robot"))).cluster
    written = create_pod(cluster, serviceAccountName="robot")
    assert not isinstance(written, Status), written
    assert written.object.spec.service_account_name == "robot"


def test_denies_invalid_service_account():
    """TestDeniesInvalidServiceAccount: v1.34's message."""
    rejected = create_pod(ENGINE.empty_cluster(), serviceAccountName="robot")
    assert isinstance(rejected, Status) and rejected.reason == "Forbidden"
    assert rejected.message == ('pods "p" is forbidden: error looking up service account '
                                'default/robot: serviceaccount "robot" not found')


def test_rejects_mirror_pod_with_service_account():
    manifest = new_pod("p", serviceAccountName="default")
    manifest["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "mirror"}
    rejected = apiserver.create(ENGINE.empty_cluster(), decode_object(manifest))
    assert isinstance(rejected, Status)
    assert rejected.message == ('pods "p" is forbidden: a mirror pod may not reference '
                                "service accounts")


def test_sets_image_pull_secrets():
    """TestSetsImagePullSecrets: a pod without pull secrets gets its account's."""
    account = sa("robot")
    account["imagePullSecrets"] = [{"name": "foo"}, {"name": "bar"}]
    cluster = apiserver.create(ENGINE.empty_cluster(), decode_object(account)).cluster
    written = create_pod(cluster, serviceAccountName="robot")
    assert [s["name"] for s in written.object.spec.extra["imagePullSecrets"]] == ["foo", "bar"]
    kept = create_pod(cluster, serviceAccountName="robot", imagePullSecrets=[{"name": "own"}])
    assert [s["name"] for s in kept.object.spec.extra["imagePullSecrets"]] == ["own"]
