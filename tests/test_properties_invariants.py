"""Each safety invariant against a hand-built state that breaks it, and a healthy state that
does not, so that none can pass vacuously."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubefold.core.workqueue import WorkQueue
from kubefold.properties.invariants import (
    INVARIANTS,
    Violation,
    check_state,
    every_pod_is_on_an_existing_node,
    forbid_cronjobs_never_run_two_jobs,
    jobs_never_run_more_pods_than_parallelism,
    no_node_is_overcommitted,
    no_object_has_two_controllers,
    no_two_pods_share_a_host_port,
    owners_exist_or_deletion_is_pending,
    resource_versions_are_below_the_counter,
)
from tests.helpers import new_pod, node, restore
from tests.job_helpers import NOW, job_cluster, new_job, set_pods_statuses


def bound_pod(name, node_name, cpu="100m", host_port=None, **meta):
    pod = new_pod(name, node_name=node_name, cpu=cpu)
    pod["status"] = {"phase": "Running"}
    if host_port:
        pod["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": host_port}]
    pod["metadata"].update(meta)
    return pod


def owner_ref(uid, name="web", controller=True):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name, "uid": uid,
            "controller": controller}


def healthy():
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web", "namespace": "default", "uid": "rs-1"},
          "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                   "template": {"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "a", "image": "b"}]}}}}
    return restore(node("n1", cpu="1"), rs,
                   bound_pod("a", "n1", "500m", 8080, ownerReferences=[owner_ref("rs-1")]),
                   bound_pod("b", "n1", "500m", 8081))


def test_a_healthy_state_has_no_violations():
    assert check_state(healthy()) == []


def test_overcommitted_node():
    cluster = restore(node("n1", cpu="1"), bound_pod("a", "n1", "600m"),
                      bound_pod("b", "n1", "600m"))
    [v] = list(no_node_is_overcommitted(cluster))
    assert v.message == "node n1 has 1200m cpu requested of 1 allocatable"
    assert v.objects == ("Node n1",)


def test_pod_on_a_missing_node():
    cluster = restore(bound_pod("a", "ghost"))
    [v] = list(every_pod_is_on_an_existing_node(cluster))
    assert "bound to node ghost" in v.message


def test_host_port_clash():
    cluster = restore(node("n1"), bound_pod("a", "n1", host_port=80),
                      bound_pod("b", "n1", host_port=80))
    [v] = list(no_two_pods_share_a_host_port(cluster))
    assert v.message == "pods default/a and default/b both hold TCP host port 80 on node n1"


def test_dangling_owner():
    cluster = restore(node("n1"), bound_pod("a", "n1", ownerReferences=[owner_ref("gone")]))
    # queued for the garbage collector: being collected
    assert list(owners_exist_or_deletion_is_pending(cluster)) == []
    forgotten = attrs.evolve(cluster, queue=WorkQueue())
    [v] = list(owners_exist_or_deletion_is_pending(forgotten))
    assert "owned by ReplicaSet web (uid gone), which is gone" in v.message


def test_dangling_owner_being_collected_is_fine():
    pod = bound_pod("a", "n1", ownerReferences=[owner_ref("gone")],
                    deletionTimestamp="2024-01-01T00:00:00Z")
    assert list(owners_exist_or_deletion_is_pending(restore(node("n1"), pod))) == []


def test_two_controllers():
    pod = bound_pod("a", "n1", ownerReferences=[owner_ref("x", "one"), owner_ref("y", "two")])
    cluster = restore(node("n1"), pod)
    violations = list(no_object_has_two_controllers(cluster))
    assert [v.message for v in violations] == [
        "Pod default/a is controlled by 2 owners: ReplicaSet one, ReplicaSet two"]


def test_resource_version_above_the_counter():
    cluster = healthy()
    cluster = attrs.evolve(cluster, resource_version=1)
    assert list(resource_versions_are_below_the_counter(cluster))


def test_stateful_set_identity_and_daemon_set_node_invariants():
    """The workload invariants (tests/test_properties_workloads.py has the full set of cases)."""
    from kubefold.properties.workloads import (
        at_most_one_live_pod_per_stateful_set_identity,
        daemon_sets_run_at_most_one_pod_per_node,
    )
    from tests.test_properties_workloads import STS, ds, owned, pod

    sts_owner, ds_owner = owned("sts-1", "StatefulSet", "db"), owned("ds-1", "DaemonSet", "agent")
    cluster = restore(node("n1"), STS, ds(), pod("db-0", sts_owner, "n1"),
                      pod("x", sts_owner, "n1", labels={"apps.kubernetes.io/pod-index": "0"}),
                      pod("agent-a", ds_owner, "n1"), pod("agent-b", ds_owner, "n1"))
    assert len(list(at_most_one_live_pod_per_stateful_set_identity(cluster))) == 1
    assert len(list(daemon_sets_run_at_most_one_pod_per_node(cluster))) == 1


@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda f: f.__name__)
def test_every_invariant_has_a_violating_state_here(invariant):
    """A guard: an invariant added to INVARIANTS needs a test that breaks it in this file."""
    with open(__file__) as source:
        assert f"list({invariant.__name__}(" in source.read()


# -- batch/v1 ------------------------------------------------------------------------------


def test_a_job_with_more_active_pods_than_parallelism_is_reported():
    cluster = job_cluster(new_job(2, 5), set_pods_statuses(active=3, succeeded=1))
    # restored: the Job's own turn is queued, so it is excused until it runs
    assert list(jobs_never_run_more_pods_than_parallelism(cluster)) == []
    idle = attrs.evolve(cluster, queue=WorkQueue())  # the Job's turn has run
    assert list(jobs_never_run_more_pods_than_parallelism(idle)) == [Violation(
        "jobs_never_run_more_pods_than_parallelism",
        "job default/foobar has 3 active pods (pod-000, pod-001, pod-002) and parallelism 2",
        ("Job default/foobar",))]


def cron_job(policy: str) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "cj", "namespace": "default", "uid": "cj-uid"},
            "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": policy,
                     "jobTemplate": {"spec": {"template": {"spec": {
                         "restartPolicy": "Never", "containers": [{"name": "c",
                                                                   "image": "x"}]}}}}}}


def owned_job(name: str, finished: bool = False) -> dict[str, Any]:
    status = {"conditions": [{"type": "Complete", "status": "True"}]} if finished else {}
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default", "uid": f"u-{name}",
                         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob",
                                              "name": "cj", "uid": "cj-uid",
                                              "controller": True}]},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}},
            "status": status}


def test_a_forbid_cronjob_with_two_running_jobs_is_reported():
    jobs = [owned_job("cj-1"), owned_job("cj-2"), owned_job("cj-0", finished=True)]
    assert list(forbid_cronjobs_never_run_two_jobs(restore(cron_job("Forbid"), *jobs,
                                                           now=NOW))) == [Violation(
        "forbid_cronjobs_never_run_two_jobs",
        "cronjob default/cj forbids concurrent runs and has 2 unfinished jobs: cj-1, cj-2",
        ("CronJob default/cj",))]
    assert list(forbid_cronjobs_never_run_two_jobs(restore(cron_job("Allow"), *jobs,
                                                           now=NOW))) == []


def test_flagger_invariants():
    """Flagger's invariants on hand-built states (tests/test_flagger_e2e.py drives them)."""
    from kubefold.properties.flagger import (
        ab_tests_send_only_matching_requests_to_the_canary,
        failed_analyses_leave_all_traffic_on_the_primary,
    )

    def canary(phase, match):
        analysis = {"interval": "1m", "threshold": 1, "iterations": 2}
        if match:
            analysis["match"] = [{"headers": {"x-canary": {"exact": "insider"}}}]
        return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                       "name": "web"}, "service": {"port": 80},
                         "analysis": analysis},
                "status": {"phase": phase, "canaryWeight": 0}}

    def vs(http):
        return {"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"hosts": ["web"], "http": http}}

    dest = [{"destination": {"host": "web-primary"}, "weight": 0},
            {"destination": {"host": "web-canary"}, "weight": 100}]
    gated = {"match": [{"headers": {"x-canary": {"exact": "insider"}}}], "route": dest}
    open_route = {"route": dest}
    web = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "a", "image": "a"}]}}}}
    fine = restore(canary("Progressing", True), vs([gated]))
    assert list(ab_tests_send_only_matching_requests_to_the_canary(fine)) == []
    broken = restore(canary("Progressing", True), vs([gated, open_route]))
    assert len(list(ab_tests_send_only_matching_requests_to_the_canary(broken))) == 1
    failed = restore(canary("Failed", False), vs([open_route]), web)
    assert len(list(failed_analyses_leave_all_traffic_on_the_primary(failed))) == 2
