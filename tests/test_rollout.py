"""kubectl rollout pause, resume and restart (staging/src/k8s.io/kubectl/pkg/polymorphichelpers
objectpauser.go, objectresumer.go, objectrestarter.go), through `rollout:` events."""

from __future__ import annotations

import pytest

from kubefold.core.events import Rollout, Tick
from kubefold.core.schema import format_time
from kubefold.reducers import manager
from tests.helpers import apply, new_deployment


def rollout(cluster, action, kind="Deployment", name="web"):
    return manager.apply_event(cluster, Rollout(action, kind, name, "default"), "manual")


@pytest.fixture
def cluster():
    return apply(manager.empty_cluster(), new_deployment())


def test_pause_then_resume(cluster):
    paused = rollout(cluster, "pause")
    assert paused.rejected is None
    assert paused.cluster.get("Deployment", "default", "web").spec.paused is True
    resumed = rollout(paused.cluster, "resume")
    assert resumed.rejected is None
    assert resumed.cluster.get("Deployment", "default", "web").spec.paused is False


@pytest.mark.parametrize(("first", "again", "message"), [
    ("pause", "pause", 'deployments.apps "web" is already paused'),
    (None, "resume", 'deployments.apps "web" is not paused'),
    ("pause", "restart",
     'deployments.apps "web" can\'t restart paused deployment (run rollout resume first)'),
], ids=["already-paused", "not-paused", "restart-paused"])
def test_kubectls_refusals(cluster, first, again, message):
    if first:
        cluster = rollout(cluster, first).cluster
    outcome = rollout(cluster, again)
    assert outcome.rejected is not None and outcome.rejected.message == message
    assert outcome.cluster is cluster


def test_restart_stamps_the_template_with_the_clock(cluster):
    cluster = manager.step(cluster, Tick(42), "manual")
    outcome = rollout(cluster, "restart")
    d = outcome.cluster.get("Deployment", "default", "web")
    assert d.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] == \
        format_time(cluster.now)
    assert d.metadata.generation == 2  # a template change: a new rollout


def test_restart_of_a_stateful_set():
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": "db", "namespace": "default"},
           "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                    "template": {"metadata": {"labels": {"app": "db"}},
                                 "spec": {"containers": [{"name": "db", "image": "db:1"}]}}}}
    cluster = apply(manager.empty_cluster(), sts)
    outcome = rollout(cluster, "restart", "StatefulSet", "db")
    assert outcome.rejected is None
    obj = outcome.cluster.get("StatefulSet", "default", "db")
    template = obj.spec.template.metadata.annotations
    assert "kubectl.kubernetes.io/restartedAt" in template
