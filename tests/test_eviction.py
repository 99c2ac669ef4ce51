"""The eviction subresource against pkg/registry/core/pod/storage/eviction_test.go (v1.34):
TestEviction and TestEvictionIgnorePDB (each case under the unhealthy pod eviction policies it
names: nil, IfHealthyBudget, AlwaysAllow), TestEvictionPDBStatus, TestAddConditionAndDelete;
checkAndDecrement's other refusals; kubectl drain's cordon and filters
(staging/src/k8s.io/kubectl/pkg/drain); and a drain end to end, with the disruption
controller keeping the budget between two drains.

Go's cases pass DeleteOptions with gracePeriodSeconds 0 (`metav1.NewDeleteOptions(0)`), so a
pod that goes is gone at once; the cases on conflicts, resourceVersion preconditions, dry-run
and the mock store's injected errors have nothing to model (one event is atomic)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.core.events import Drain, Evict
from kubefold.core.meta import find_status_condition
from kubefold.core.schema import format_time, parse_time
from kubefold.reducers import apiserver, manager
from kubefold.reducers.apiserver import eviction as ev
from kubefold.reducers.controllers import disruption as dc
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.kubectl import drain
from tests.helpers import Engine, node

T0 = "2024-01-01T00:00:00Z"

ENGINE = Engine(ControlPlane((dc.CONTROLLER,), {Evict: ev.handle_evict,
                                                Drain: drain.handle_drain}))


NOW = parse_time(T0)
REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."
POLICIES = (None, "IfHealthyBudget", "AlwaysAllow")


# -- builders ----------------------------------------------------------------------------------


def pdb(name: str = "foo", selector: Any = None, policy: str | None = None,
        generation: int | None = None, min_available: int | None = None,
        **status: Any) -> dict[str, Any]:
    """The Go tests' PDB: selector a=true, the given status (disruptionsAllowed, ...)."""
    spec: dict[str, Any] = {"selector": {"matchLabels": {"a": "true"}} if selector is None
                            else selector}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if policy is not None:
        spec["unhealthyPodEvictionPolicy"] = policy
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"{name}-uid"}
    if generation is not None:
        meta["generation"] = generation
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta,
            "spec": spec, "status": status}


def pod(name: str, phase: str | None = "Running", ready: bool | None = None,
        terminating: bool = False, node_name: str = "foo", labels: Any = None,
        owners: tuple = (), annotations: dict[str, str] | None = None,
        volumes: list | None = None) -> dict[str, Any]:
    """validNewPod with labels a=true on node foo; `ready` sets the Ready condition."""
    meta: dict[str, Any] = {"name": name, "namespace": "default", "uid": f"{name}-uid",
                            "labels": {"a": "true"} if labels is None else labels}
    if terminating:
        meta["deletionTimestamp"] = T0
        meta["deletionGracePeriodSeconds"] = 30
    if owners:
        meta["ownerReferences"] = list(owners)
    if annotations:
        meta["annotations"] = annotations
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "i"}], "nodeName": node_name}
    if volumes:
        spec["volumes"] = volumes
    status: dict[str, Any] = {}
    if phase:
        status["phase"] = phase
    if ready is not None:
        status["conditions"] = [{"type": "Ready", "status": "True" if ready else "False"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
            "status": status}


def start(*manifests: dict[str, Any]) -> Cluster:
    return ENGINE.restore(*manifests, now=T0)


def causes(status: Status) -> list[tuple[str, str]]:
    return [(c.type, c.detail) for c in status.causes]


def needs(name: str, desired: int, current: int) -> list[tuple[str, str]]:
    return [("DisruptionBudget",
             f"The disruption budget {name} needs {desired} healthy pods and has {current} "
             "currently")]


STILL_PROCESSED = [("DisruptionBudget",
                    "The disruption budget foo is still being processed by the server.")]

# -- TestEviction, TestEvictionIgnorePDB --------------------------------------------------------

# name, the PDB's selector and status, the pod (phase, ready, terminating), the policies the
# case runs under, and the expectation (None: the pod is gone; a list: 429 with those causes)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], tuple, Any]] = [
    ("TestEviction/matching pdbs with no disruptions allowed, pod running",
     {"disruptionsAllowed": 0}, {"phase": "Running"}, (None, "IfHealthyBudget"),
     needs("foo", 0, 0)),
    ("TestEviction/matching pdbs with no disruptions allowed, pod pending",
     {"disruptionsAllowed": 0}, {"phase": "Pending"}, POLICIES, None),
    ("TestEviction/matching pdbs with no disruptions allowed, pod succeeded",
     {"disruptionsAllowed": 0}, {"phase": "Succeeded"}, POLICIES, None),
    ("TestEviction/matching pdbs with no disruptions allowed, pod failed",
     {"disruptionsAllowed": 0}, {"phase": "Failed"}, POLICIES, None),
    # Go's store makes a created pod Pending: the pod "with no phase" of these cases.
    ("TestEviction/matching pdbs with disruptions allowed",
     {"disruptionsAllowed": 1}, {"phase": "Pending"}, POLICIES, None),
    ("TestEviction/non-matching pdbs",
     {"disruptionsAllowed": 0}, {"phase": "Pending", "labels": {"b": "true"}}, POLICIES, None),
    ("TestEvictionIgnorePDB/matching pdbs with no disruptions allowed, pod terminating",
     {"disruptionsAllowed": 0}, {"phase": None, "terminating": True}, POLICIES, None),
    ("TestEvictionIgnorePDB/matching pdbs with no disruptions allowed, pod running, pod "
     "healthy, unhealthy pod not ours",
     {"disruptionsAllowed": 0, "currentHealthy": 2, "desiredHealthy": 2},
     {"phase": "Running", "ready": True}, POLICIES, needs("foo", 2, 2)),
    ("TestEvictionIgnorePDB/matching pdbs with disruptions allowed, pod running, pod healthy, "
     "healthy pod ours, deletes pod by honoring the PDB",
     {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 3},
     {"phase": "Running", "ready": True}, POLICIES, None),
    ("TestEvictionIgnorePDB/matching pdbs with no disruptions allowed, pod running, pod "
     "unhealthy, unhealthy pod ours",
     {"disruptionsAllowed": 0, "currentHealthy": 2, "desiredHealthy": 2},
     {"phase": "Running", "ready": False}, POLICIES, None),
    ("TestEvictionIgnorePDB/matching pdbs with no disruptions allowed, pod running, pod "
     "unhealthy, unhealthy pod ours, skips the PDB check and deletes",
     {"disruptionsAllowed": 0}, {"phase": "Running", "ready": False}, ("AlwaysAllow",), None),
    ("TestEviction/matching pdbs with no disruptions allowed, pod running, empty selector",
     {"selector": {}, "disruptionsAllowed": 0}, {"phase": "Running"},
     (None, "IfHealthyBudget"), needs("foo", 0, 0)),
    ("TestEvictionIgnorePDB/matching pdbs with no disruptions allowed, pod running, pod "
     "healthy, empty selector, pod not deleted by honoring the PDB",
     {"selector": {}, "disruptionsAllowed": 0, "currentHealthy": 3, "desiredHealthy": 3},
     {"phase": "Running", "ready": True}, POLICIES, needs("foo", 3, 3)),
]


def _expand() -> list[Any]:
    params = []
    for name, status, pod_args, policies, expected in CASES:
        for policy in policies:
            params.append(pytest.param(status, pod_args, policy, expected,
                                       id=f"{name} with {policy or 'nil'} policy"))
    return params


@pytest.mark.parametrize(("status", "pod_args", "policy", "expected"), _expand())
def test_eviction(status: dict[str, Any], pod_args: dict[str, Any], policy: str | None,
                  expected: Any) -> None:
    cluster = start(pdb(policy=policy, **status), pod("t", **pod_args))
    result = ev.evict(cluster, "default", "t", grace_period_seconds=0)
    if expected is None:
        assert isinstance(result, apiserver.Written), result
        assert result.cluster.get("Pod", "default", "t") is None
    else:
        assert isinstance(result, Status)
        assert (result.reason, result.code, result.message) == ("TooManyRequests", 429, REFUSED)
        assert causes(result) == expected


def test_eviction_graceful_by_default() -> None:
    """Without a grace period the pod is deleted gracefully (its own 30 s) and carries the
    DisruptionTarget condition (TestAddConditionAndDelete/simple)."""
    cluster = start(pdb(disruptionsAllowed=1), pod("t", ready=True))
    result = ev.evict(cluster, "default", "t")
    assert isinstance(result, apiserver.Written)
    evicted = result.cluster.get("Pod", "default", "t")
    assert evicted.metadata.deletion_timestamp == NOW + 30
    target = [c for c in evicted.status.conditions if c.type == "DisruptionTarget"]
    assert [(c.status, c.reason, c.message, c.last_transition_time) for c in target] == [
        ("True", "EvictionByEvictionAPI", "Eviction API: evicting", NOW)]


def test_eviction_not_found() -> None:
    """TestAddConditionAndDelete/missing."""
    result = ev.evict(start(), "default", "nope")
    assert isinstance(result, Status)
    assert (result.reason, result.code, result.message) == (
        "NotFound", 404, 'pods "nope" not found')


def test_eviction_too_many_pdbs() -> None:
    cluster = start(pdb("foo", disruptionsAllowed=1), pdb("bar", disruptionsAllowed=1),
                    pod("t", ready=True))
    result = ev.evict(cluster, "default", "t")
    assert isinstance(result, Status)
    assert (result.code, result.message) == (500, ev.MORE_THAN_ONE_PDB)
    assert result.message == ("This pod has more than one PodDisruptionBudget, which the "
                              "eviction subresource does not support.")


@pytest.mark.parametrize(("expected_allowed", "expected_reason", "allowed", "reason"), [
    pytest.param(0, "InsufficientPods", 1, "SufficientPods",
                 id="TestEvictionPDBStatus/pdb status is updated after eviction"),
    pytest.param(2, "SufficientPods", 3, "SufficientPods",
                 id="TestEvictionPDBStatus/condition reason is only updated if "
                    "AllowedDisruptions becomes 0"),
    pytest.param(2, "Stale", 3, "Stale",
                 id="kubefold/the condition is left to the controller while disruptions "
                    "remain"),
])
def test_eviction_pdb_status(expected_allowed: int, expected_reason: str, allowed: int,
                             reason: str) -> None:
    cond = {"type": "DisruptionAllowed", "reason": reason, "status": "True",
            "lastTransitionTime": T0, "message": ""}
    cluster = start(pdb(disruptionsAllowed=allowed, conditions=[cond]), pod("foo-1"),
                    pod("foo-2"))
    cluster = manager.advance(cluster, NOW + 7)
    result = ev.evict(cluster, "default", "foo-1")
    assert isinstance(result, apiserver.Written)
    status = result.cluster.get("PodDisruptionBudget", "default", "foo").status
    assert status.disruptions_allowed == expected_allowed
    found = find_status_condition(status.conditions, "DisruptionAllowed")
    assert found.reason == expected_reason
    assert dict(status.disrupted_pods) == {"foo-1": format_time(NOW + 7)}


@pytest.mark.parametrize(("manifest", "expected"), [
    pytest.param(pdb(generation=2, observedGeneration=1, disruptionsAllowed=1),
                 ("TooManyRequests", 429, REFUSED),
                 id="checkAndDecrement/observedGeneration behind generation"),
    pytest.param(pdb(generation=2, disruptionsAllowed=1), ("TooManyRequests", 429, REFUSED),
                 id="checkAndDecrement/status never written"),
    pytest.param(pdb(disruptionsAllowed=-1),
                 ("Forbidden", 403, 'poddisruptionbudget.policy "foo" is forbidden: pdb '
                  'disruptions allowed is negative'),
                 id="checkAndDecrement/negative disruptionsAllowed"),
    pytest.param(pdb(disruptionsAllowed=1,
                     disruptedPods={f"p{i}": T0 for i in range(ev.MAX_DISRUPTED_POD_SIZE + 1)}),
                 ("Forbidden", 403, 'poddisruptionbudget.policy "foo" is forbidden: '
                  'DisruptedPods map too big - too many evictions not confirmed by PDB '
                  'controller'),
                 id="checkAndDecrement/DisruptedPods map too big"),
])
def test_check_and_decrement_refusals(manifest: dict[str, Any], expected: tuple) -> None:
    cluster = start(manifest, pod("t", ready=True))
    result = ev.evict(cluster, "default", "t")
    assert isinstance(result, Status)
    assert (result.reason, result.code, result.message) == expected
    if result.code == 429:
        assert causes(result) == STILL_PROCESSED


def test_evict_event_through_the_manager() -> None:
    """The `evict:` event in auto mode: the disruption controller then forgets the evicted
    pod (it is being deleted) and counts it out."""
    cluster = start(pdb(min_available=2), pod("a", ready=True), pod("b", ready=True),
                    pod("c", ready=True))
    cluster = ENGINE.run_until_settled(cluster)[0]
    assert cluster.get("PodDisruptionBudget", "default", "foo").status.disruptions_allowed == 1
    outcome = ENGINE.apply_event(cluster, Evict("default", "a"))
    assert outcome.rejected is None
    status = outcome.cluster.get("PodDisruptionBudget", "default", "foo").status
    assert (status.disruptions_allowed, status.current_healthy, dict(status.disrupted_pods)) \
        == (0, 2, {})
    refused = ENGINE.apply_event(outcome.cluster, Evict("default", "b"))
    assert refused.rejected is not None and refused.rejected.code == 429
    assert causes(refused.rejected) == needs("foo", 2, 2)


# -- kubectl drain -------------------------------------------------------------------------------


RS_UID = "rs-uid"
DEPLOY_UID = "deploy-uid"
RS_REF = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-rs", "uid": RS_UID,
          "controller": True}
DS_REF = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "ds-uid",
          "controller": True}


def web_pod(name: str, node_name: str) -> dict[str, Any]:
    return pod(name, ready=True, node_name=node_name, labels={"app": "web"}, owners=(RS_REF,))


def deployment_and_replica_set(replicas: int = 3) -> list[dict[str, Any]]:
    template = {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]}}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default", "uid": DEPLOY_UID},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": template}}
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web-rs", "namespace": "default", "uid": RS_UID,
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                            "name": "web", "uid": DEPLOY_UID,
                                            "controller": True}]},
          "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                   "template": template}}
    return [dep, rs]


def daemon_set() -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": "default", "uid": "ds-uid"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}}}}


def web_pdb(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web-pdb", "namespace": "default", "uid": "pdb-uid",
                         "generation": 1},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def test_drain_missing_node() -> None:
    result = drain.drain(start(), "ghost")
    assert isinstance(result, Status)
    assert (result.reason, result.message) == ("NotFound", 'nodes "ghost" not found')


def test_drain_cordons_and_skips_daemon_set_and_mirror_pods() -> None:
    cluster = start(node("n1"), daemon_set(),
                    pod("agent-x", ready=True, node_name="n1", owners=(DS_REF,)),
                    pod("kube-proxy", ready=True, node_name="n1",
                        annotations={"kubernetes.io/config.mirror": "hash"}),
                    pod("done", phase="Succeeded", node_name="n1"))
    drained = drain.drain_node(cluster, "n1")
    assert isinstance(drained, drain.Drained)
    assert drained.node.spec.unschedulable is True
    assert drained.cluster.get("Node", "", "n1").spec.unschedulable is True
    assert drained.evictions == (drain.PodEviction("default", "done"),)
    assert drained.cluster.get("Pod", "default", "agent-x").metadata.deletion_timestamp is None
    assert drained.cluster.get("Pod", "default", "kube-proxy").metadata.deletion_timestamp \
        is None
    assert drained.cluster.get("Pod", "default", "done") is None  # finished: grace 0
    # Draining again: the node is already cordoned (no write), nothing is left to evict.
    again = drain.drain_node(drained.cluster, "n1")
    assert isinstance(again, drain.Drained) and again.evictions == ()
    assert again.cluster.resource_version == drained.cluster.resource_version


@pytest.mark.parametrize(("extra", "message"), [
    pytest.param([pod("naked", ready=True, node_name="n1")],
                 "cannot delete Pods that declare no controller (use --force to override): "
                 "default/naked", id="unreplicatedFilter"),
    pytest.param([pod("cache", ready=True, node_name="n1", owners=(RS_REF,),
                      volumes=[{"name": "tmp", "emptyDir": {}}])],
                 "cannot delete Pods with local storage (use --delete-emptydir-data to "
                 "override): default/cache", id="localStorageFilter"),
    pytest.param([pod("orphan", ready=True, node_name="n1", owners=(DS_REF,))],
                 'cannot delete daemonsets.apps "agent" not found: default/orphan',
                 id="daemonSetFilter/DaemonSet not found"),
    pytest.param([pod("naked-1", ready=True, node_name="n1"),
                  pod("naked-2", ready=True, node_name="n1"),
                  pod("cache", ready=True, node_name="n1", owners=(RS_REF,),
                      volumes=[{"name": "tmp", "emptyDir": {}}])],
                 "[cannot delete Pods that declare no controller (use --force to override): "
                 "default/naked-1, default/naked-2, cannot delete Pods with local storage "
                 "(use --delete-emptydir-data to override): default/cache]",
                 id="PodDeleteList.errors/aggregate"),
])
def test_drain_filters_refuse(extra: list[dict[str, Any]], message: str) -> None:
    cluster = start(node("n1"), *extra, web_pod("web-1", "n1"))
    outcome = ENGINE.apply_event(cluster, Drain("n1"))
    assert outcome.rejected is not None
    assert (outcome.rejected.reason, outcome.rejected.message) == ("BadRequest", message)
    assert outcome.cluster.get("Pod", "default", "web-1").metadata.deletion_timestamp is None


def test_drain_end_to_end() -> None:
    """A Deployment of 3 pods over two nodes under maxUnavailable 1: draining the node with
    two of them evicts the first (by name) and is refused the second; a later drain, once
    the evicted pod is gone and its replacement ready elsewhere, evicts it."""
    cluster = start(node("node-a"), node("node-b"), *deployment_and_replica_set(3),
                    web_pdb(maxUnavailable=1), daemon_set(),
                    web_pod("web-a1", "node-a"), web_pod("web-a2", "node-a"),
                    web_pod("web-b1", "node-b"),
                    pod("agent-a", ready=True, node_name="node-a", labels={"app": "agent"},
                        owners=(DS_REF,)))
    cluster = ENGINE.run_until_settled(cluster)[0]
    status = cluster.get("PodDisruptionBudget", "default", "web-pdb").status
    assert (status.disruptions_allowed, status.current_healthy, status.desired_healthy,
            status.expected_pods) == (1, 3, 2, 3)

    drained = drain.drain_node(cluster, "node-a")
    assert isinstance(drained, drain.Drained)
    assert [(e.name, e.refused is None) for e in drained.evictions] == [
        ("web-a1", True), ("web-a2", False)]
    refusal = drained.evictions[1].refused
    assert refusal is not None and (refusal.code, refusal.message) == (429, REFUSED)
    assert causes(refusal) == needs("web-pdb", 2, 3)

    outcome = ENGINE.apply_event(cluster, Drain("node-a"))
    assert outcome.rejected is None
    cluster = outcome.cluster
    assert cluster.get("Node", "", "node-a").spec.unschedulable is True
    deleting = {p.metadata.name for p in cluster.list("Pod", "default")
                if p.metadata.deletion_timestamp is not None}
    assert deleting == {"web-a1"}
    status = cluster.get("PodDisruptionBudget", "default", "web-pdb").status
    # The controller saw web-a1 being deleted: it left disruptedPods and the healthy count.
    assert (status.disruptions_allowed, status.current_healthy, dict(status.disrupted_pods)) \
        == (0, 2, {})

    # A second drain right away is refused again, now against the controller's count.
    again = drain.drain_node(cluster, "node-a")
    assert isinstance(again, drain.Drained)
    assert [(e.name, e.refused is not None) for e in again.evictions] == [
        ("web-a1", False), ("web-a2", True)]
    assert causes(again.evictions[1].refused) == needs("web-pdb", 2, 2)

    # The kubelet finishes web-a1; the ReplicaSet's replacement turns ready on node-b.
    gone = apiserver.finish_deletion(cluster, "Pod", "default", "web-a1")
    assert isinstance(gone, apiserver.Written)
    cluster = apiserver.restore(gone.cluster, [decode_object(web_pod("web-b2", "node-b"))])
    cluster = ENGINE.run_until_settled(ENGINE.dispatch(cluster)[0])[0]
    assert cluster.get("PodDisruptionBudget", "default", "web-pdb").status \
        .disruptions_allowed == 1

    outcome = ENGINE.apply_event(cluster, Drain("node-a"))
    assert outcome.rejected is None
    assert outcome.cluster.get("Pod", "default", "web-a2").metadata.deletion_timestamp \
        is not None
    assert outcome.cluster.get("Pod", "default", "agent-a").metadata.deletion_timestamp \
        is None


def test_drain_goes_on_past_a_refusal() -> None:
    """A refused eviction does not stop the pass: the pods after it are evicted."""
    blocked = pod("a-blocked", ready=True, node_name="n1", owners=(RS_REF,))
    free = pod("b-free", ready=True, node_name="n1", labels={"app": "free"}, owners=(RS_REF,))
    cluster = start(node("n1"), pdb(disruptionsAllowed=0, currentHealthy=1, desiredHealthy=1),
                    blocked, free)
    drained = drain.drain_node(cluster, "n1")
    assert isinstance(drained, drain.Drained)
    assert [(e.name, e.refused is not None) for e in drained.evictions] == [
        ("a-blocked", True), ("b-free", False)]
    assert drained.cluster.get("Pod", "default", "b-free").metadata.deletion_timestamp \
        == NOW + 30
