"""Helm's ready checker (pkg/kube/ready_test.go tables), on objects restored from snapshots
(StatefulSets, DaemonSets and Jobs read from their status fields as Helm reads them; their
controllers are not needed for the verdict).

Origin: helm.sh/helm/v3 v3.21 pkg/kube/ready_test.go (Apache-2.0); cases ported.
"""

from __future__ import annotations

import pytest

from kubefold.core.codec import decode_object
from kubefold.reducers.helm import kube


def _meta(name, generation):
    return {"name": name, "namespace": "default", "generation": generation}


def new_daemon_set(name, max_unavailable, number_ready, desired, updated, in_sync):
    return decode_object({
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": _meta(name, 1 if in_sync else 2),
        "spec": {"updateStrategy": {"type": "RollingUpdate",
                                    "rollingUpdate": {"maxUnavailable": max_unavailable}}},
        "status": {"desiredNumberScheduled": desired, "numberReady": number_ready,
                   "updatedNumberScheduled": updated, "observedGeneration": 1}})


def new_stateful_set(name, replicas, partition, ready, updated, in_sync, update_revision=""):
    status = {"updatedReplicas": updated, "readyReplicas": ready, "observedGeneration": 1}
    if update_revision:
        status["updateRevision"] = update_revision
    return decode_object({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": _meta(name, 1 if in_sync else 2),
        "spec": {"replicas": replicas, "updateStrategy": {
            "type": "RollingUpdate", "rollingUpdate": {"partition": partition}}},
        "status": status})


def new_job(name, backoff_limit, completions, succeeded, failed):
    spec = {"backoffLimit": backoff_limit}
    if completions is not None:
        spec["completions"] = completions
    return decode_object({"apiVersion": "batch/v1", "kind": "Job",
                          "metadata": {"name": name, "namespace": "default"}, "spec": spec,
                          "status": {"succeeded": succeeded, "failed": failed}})


def new_deployment(name, replicas, max_surge, max_unavailable, in_sync):
    return decode_object({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta(name, 1 if in_sync else 2),
        "spec": {"replicas": replicas, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": max_unavailable, "maxSurge": max_surge}},
            "selector": {"matchLabels": {"name": name}},
            "template": {"metadata": {"labels": {"name": name}},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
        "status": {"observedGeneration": 1}})


def new_replica_set(name, replicas, ready, in_sync):
    return decode_object({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": _meta(name, 1 if in_sync else 2),
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"name": name}}},
        "status": {"readyReplicas": ready, "observedGeneration": 1}})


DAEMON_SET_READY = [
    ("daemonset is ready", (0, 1, 1, 1, True), True),
    ("daemonset is not ready", (0, 0, 1, 1, True), False),
    ("daemonset pods have not been scheduled successfully", (0, 0, 1, 0, True), False),
    ("daemonset is ready when maxUnavailable is set", (1, 1, 2, 2, True), True),
    ("daemonset is not ready when generations are out of sync", (0, 1, 1, 1, False), False),
]
STATEFUL_SET_READY = [
    ("statefulset is ready", (1, 0, 1, 1, True), True),
    ("statefulset is not ready", (1, 0, 0, 1, True), False),
    ("statefulset is ready when partition is specified", (2, 1, 2, 1, True), True),
    ("statefulset is not ready when partition is set", (2, 1, 1, 0, True), False),
    ("statefulset is ready when partition is set and no change in template",
     (2, 1, 2, 2, True), True),
    ("statefulset is ready when partition is greater than replicas", (1, 2, 1, 1, True), True),
    ("statefulset is not ready when generations are out of sync", (1, 0, 1, 1, False), False),
    ("statefulset is ready when current revision for current replicas does not match update "
     "revision for updated replicas when using partition !=0",
     (3, 2, 3, 3, True, "foo-bbbbbbb"), True),
]
JOB_READY = [
    ("job is completed", (1, 1, 1, 0), True, False),
    ("job is incomplete", (1, 1, 0, 0), False, False),
    ("job is failed but within BackoffLimit", (1, 1, 0, 1), False, False),
    ("job is completed with retry", (1, 1, 1, 1), True, False),
    ("job is failed and beyond BackoffLimit", (1, 1, 0, 2), False, True),
    ("job is completed single run", (0, 1, 1, 0), True, False),
    ("job is failed single run", (0, 1, 0, 1), False, True),
    ("job with null completions", (0, None, 1, 0), True, False),
]
DEPLOYMENT_READY = [
    ("deployment is ready", (1, 1, True), (1, 1, 0, True), True),
    ("deployment is not ready", (0, 0, True), (1, 1, 0, True), False),
    ("deployment is ready when maxUnavailable is set", (2, 1, True), (2, 1, 1, True), True),
    ("deployment is not ready when replicaset generations are out of sync", (1, 1, False),
     (1, 1, 0, True), False),
    ("deployment is not ready when deployment generations are out of sync", (1, 1, True),
     (1, 1, 0, False), False),
    ("deployment is not ready when generations are out of sync", (1, 1, False),
     (1, 1, 0, False), False),
]


@pytest.mark.parametrize("args,want", [r[1:] for r in DAEMON_SET_READY],
                         ids=[r[0] for r in DAEMON_SET_READY])
def test_ready_checker_daemon_set_ready(args, want):
    """Test_ReadyChecker_daemonSetReady."""
    assert kube.daemon_set_ready(new_daemon_set("foo", *args)) is want


@pytest.mark.parametrize("args,want", [r[1:] for r in STATEFUL_SET_READY],
                         ids=[r[0] for r in STATEFUL_SET_READY])
def test_ready_checker_stateful_set_ready(args, want):
    """Test_ReadyChecker_statefulSetReady."""
    assert kube.stateful_set_ready(new_stateful_set("foo", *args)) is want


@pytest.mark.parametrize("args,want,want_err", [r[1:] for r in JOB_READY],
                         ids=[r[0] for r in JOB_READY])
def test_ready_checker_job_ready(args, want, want_err):
    """Test_ReadyChecker_jobReady."""
    ready, err = kube.job_ready(new_job("foo", *args))
    assert ready is want
    assert (err is not None) is want_err


@pytest.mark.parametrize("rs,dep,want", [r[1:] for r in DEPLOYMENT_READY],
                         ids=[r[0] for r in DEPLOYMENT_READY])
def test_ready_checker_deployment_ready(rs, dep, want):
    """Test_ReadyChecker_deploymentReady."""
    assert kube.deployment_ready(new_replica_set("foo", *rs), new_deployment("foo", *dep)) \
        is want


@pytest.mark.parametrize("spec,status,want", [
    ({"type": "ExternalName"}, {}, True),
    ({"clusterIP": ""}, {}, False),
    ({"clusterIP": "10.96.0.1"}, {}, True),
    ({"clusterIP": "10.96.0.1", "type": "LoadBalancer"}, {}, False),
    ({"clusterIP": "10.96.0.1", "type": "LoadBalancer", "externalIPs": ["1.2.3.4"]}, {}, True),
], ids=["service type is of external name", "service cluster ip is empty",
        "service has a cluster ip that is greater than 0",
        "service has a cluster ip that is less than 0 and ingress is nil",
        "service has external ips"])
def test_ready_checker_service_ready(spec, status, want):
    """Test_ReadyChecker_serviceReady."""
    svc = decode_object({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "foo", "namespace": "default"}, "spec": spec,
                         "status": status})
    assert kube.service_ready(svc) is want


@pytest.mark.parametrize("phase,want", [("Bound", True), ("Pending", False)],
                         ids=["pvc is bound", "pvc is not ready"])
def test_ready_checker_volume_ready(phase, want):
    """Test_ReadyChecker_volumeReady."""
    pvc = decode_object({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                         "metadata": {"name": "foo", "namespace": "default"},
                         "status": {"phase": phase}})
    assert kube.volume_ready(pvc) is want
