"""The API server reducer: identity, generation, resourceVersion, namespaces, graceful
deletion, finalizers and Kubernetes' rejections."""

from __future__ import annotations

import json

import attrs
import pytest
from pyrsistent import pvector

from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.reducers import apiserver, manager
from kubefold.reducers.apiserver import Written
from kubefold.reducers.kubectl.apply import LAST_APPLIED
from tests.helpers import apply, new_deployment, new_pod, node


@pytest.fixture
def cluster():
    return manager.empty_cluster()


def ok(result):
    assert isinstance(result, Written), result
    return result


def test_empty_cluster_has_the_bootstrap_namespaces(cluster):
    names = sorted(ns.metadata.name for ns in cluster.list("Namespace"))
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    assert all(ns.status.phase == "Active" for ns in cluster.list("Namespace"))


def test_create_sets_identity_generation_and_defaults(cluster):
    w = ok(apiserver.create(cluster, decode_object(new_deployment(replicas=None))))
    d = w.object
    assert d.metadata.uid and d.metadata.generation == 1
    assert int(d.metadata.resource_version) == cluster.resource_version + 1
    assert d.metadata.creation_timestamp == cluster.now
    assert d.spec.replicas == 1
    assert d.spec.strategy.type == "RollingUpdate"
    assert d.spec.strategy.rolling_update.max_surge == "25%"
    assert d.spec.strategy.rolling_update.max_unavailable == "25%"
    assert d.spec.revision_history_limit == 10
    assert d.spec.progress_deadline_seconds == 600
    assert w.cluster.get("Deployment", "default", "web") == d


def test_create_resets_status(cluster):
    manifest = new_deployment()
    manifest["status"] = {"replicas": 7, "availableReplicas": 7}
    d = ok(apiserver.create(cluster, decode_object(manifest))).object
    assert d.status.replicas is None


def test_already_exists(cluster):
    c = ok(apiserver.create(cluster, decode_object(new_deployment()))).cluster
    status = apiserver.create(c, decode_object(new_deployment()))
    assert status == Status("AlreadyExists", 409, 'deployments.apps "web" already exists')


def test_missing_namespace_is_not_found(cluster):
    status = apiserver.create(cluster, decode_object(new_deployment(namespace="nope")))
    assert isinstance(status, Status)
    assert (status.reason, status.message) == ("NotFound", 'namespaces "nope" not found')


def test_terminating_namespace_refuses_new_content(cluster):
    c = apply(cluster, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    c = ok(apiserver.delete(c, "Namespace", None, "team")).cluster
    assert c.get("Namespace", "", "team").status.phase == "Terminating"
    status = apiserver.create(c, decode_object(new_deployment(namespace="team")))
    assert isinstance(status, Status) and status.reason == "Forbidden"
    assert status.message == ('deployments.apps "web" is forbidden: unable to create new '
                              'content in namespace team because it is being terminated')


def test_immortal_namespaces_cannot_be_deleted(cluster):
    status = apiserver.delete(cluster, "Namespace", None, "default")
    assert isinstance(status, Status)
    assert status.message == 'namespaces "default" is forbidden: this namespace may not be deleted'


def test_invalid_object_is_rejected_with_field_path(cluster):
    status = apiserver.create(cluster, decode_object(new_deployment(replicas=-1)))
    assert isinstance(status, Status) and status.reason == "Invalid" and status.code == 422
    assert status.message.startswith('Deployment.apps "web" is invalid: ')
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in status.message


def test_reapplying_an_unchanged_manifest_writes_nothing(cluster):
    c = apply(cluster, new_deployment())
    again = apply(c, new_deployment())
    assert again == c


def test_spec_change_bumps_generation_metadata_change_does_not(cluster):
    c = apply(cluster, new_deployment())
    c2 = apply(c, new_deployment(image="web:v2"))
    d2 = c2.get("Deployment", "default", "web")
    assert d2.metadata.generation == 2
    labelled = new_deployment(image="web:v2")
    labelled["metadata"]["labels"] = {"team": "a"}
    d3 = apply(c2, labelled).get("Deployment", "default", "web")
    assert d3.metadata.generation == 2
    assert int(d3.metadata.resource_version) > int(d2.metadata.resource_version)


def test_update_keeps_status_and_update_status_keeps_spec(cluster):
    c = apply(cluster, new_deployment())
    d = c.get("Deployment", "default", "web")
    with_status = attrs.evolve(d, status=attrs.evolve(d.status, replicas=1))
    c = ok(apiserver.update_status(c, with_status)).cluster
    assert c.get("Deployment", "default", "web").status.replicas == 1
    spec_change = attrs.evolve(with_status, spec=attrs.evolve(d.spec, replicas=5),
                               status=attrs.evolve(d.status, replicas=99))
    spec_change = attrs.evolve(spec_change, metadata=attrs.evolve(
        spec_change.metadata, resource_version=None))
    stored = ok(apiserver.update(c, spec_change)).object
    assert stored.spec.replicas == 5 and stored.status.replicas == 1


def test_stale_resource_version_is_a_conflict(cluster):
    c = apply(cluster, new_deployment())
    stale = c.get("Deployment", "default", "web")
    c = apply(c, new_deployment(image="web:v2"))
    status = apiserver.update(c, attrs.evolve(stale, spec=attrs.evolve(stale.spec, replicas=3)))
    assert isinstance(status, Status) and status.reason == "Conflict"
    assert status.message == ('Operation cannot be fulfilled on deployments.apps "web": the '
                              'object has been modified; please apply your changes to the '
                              'latest version and try again')


def test_generate_name_is_deterministic(cluster):
    manifest = new_pod()
    del manifest["metadata"]["name"]
    manifest["metadata"]["generateName"] = "web-"
    a = ok(apiserver.create(cluster, decode_object(manifest))).object
    b = ok(apiserver.create(cluster, decode_object(manifest))).object
    assert a.metadata.name == b.metadata.name
    assert a.metadata.name.startswith("web-") and len(a.metadata.name) == len("web-") + 5


def test_pod_admission_adds_default_tolerations_and_priority(cluster):
    pod = ok(apiserver.create(cluster, decode_object(new_pod()))).object
    tolerations = {(t.key, t.effect, t.toleration_seconds) for t in pod.spec.tolerations}
    assert tolerations == {("node.kubernetes.io/not-ready", "NoExecute", 300),
                           ("node.kubernetes.io/unreachable", "NoExecute", 300)}
    assert pod.spec.priority == 0
    assert pod.status.phase == "Pending"
    assert pod.status.qos_class == "BestEffort"


def test_unknown_priority_class_is_forbidden(cluster):
    status = apiserver.create(cluster, decode_object(new_pod(priorityClassName="gold")))
    assert isinstance(status, Status)
    assert status.message == 'pods "p" is forbidden: no PriorityClass with name gold was found'


def test_bound_pod_deletion_is_graceful(cluster):
    c = apply(cluster, node("n1"), new_pod(node_name="n1"))
    w = ok(apiserver.delete(c, "Pod", "default", "p"))
    pod = w.object
    assert pod.metadata.deletion_timestamp == c.now + 30
    assert pod.metadata.deletion_grace_period_seconds == 30
    gone = ok(apiserver.finish_deletion(w.cluster, "Pod", "default", "p"))
    assert gone.cluster.get("Pod", "default", "p") is None


def test_unscheduled_pod_is_deleted_at_once(cluster):
    c = apply(cluster, new_pod())
    w = ok(apiserver.delete(c, "Pod", "default", "p"))
    assert w.cluster.get("Pod", "default", "p") is None


@pytest.mark.parametrize(("policy", "finalizer"), [("Orphan", "orphan"),
                                                    ("Foreground", "foregroundDeletion")])
def test_propagation_policy_adds_its_finalizer(cluster, policy, finalizer):
    c = apply(cluster, new_deployment())
    d = ok(apiserver.delete(c, "Deployment", "default", "web", policy)).object
    assert finalizer in d.metadata.finalizers
    assert d.metadata.deletion_timestamp == c.now


def test_removing_the_last_finalizer_completes_deletion(cluster):
    c = apply(cluster, new_deployment())
    w = ok(apiserver.delete(c, "Deployment", "default", "web", "Orphan"))
    d = w.object
    cleared = attrs.evolve(d, metadata=attrs.evolve(d.metadata, finalizers=pvector()))
    done = ok(apiserver.update(w.cluster, cleared))
    assert done.cluster.get("Deployment", "default", "web") is None


def test_background_delete_removes_at_once(cluster):
    c = apply(cluster, new_deployment())
    w = ok(apiserver.delete(c, "Deployment", "default", "web"))
    assert w.cluster.get("Deployment", "default", "web") is None
    status = apiserver.delete(w.cluster, "Deployment", "default", "web")
    assert status == Status("NotFound", 404, 'deployments.apps "web" not found')


def test_scale_sets_replicas_and_validates(cluster):
    c = apply(cluster, new_deployment())
    assert ok(apiserver.scale(c, "Deployment", "default", "web", 4)).object.spec.replicas == 4
    status = apiserver.scale(c, "Deployment", "default", "web", -1)
    assert isinstance(status, Status)
    assert status.message == ('Scale.autoscaling "web" is invalid: spec.replicas: Invalid '
                              'value: -1: must be greater than or equal to 0')


def test_cluster_scoped_objects_lose_a_namespace(cluster):
    manifest = node("n1")
    manifest["metadata"]["namespace"] = "default"
    n = ok(apiserver.create(cluster, decode_object(manifest))).object
    assert n.metadata.namespace is None


def test_node_allocation_index_follows_pods(cluster):
    c = apply(cluster, node("n1"), new_pod("a", node_name="n1", cpu="500m"),
              new_pod("b", node_name="n1", cpu="250m"))
    assert str(c.node_requested["n1"]["cpu"]) == "750m"
    assert str(c.node_requested["n1"]["pods"]) == "2"
    c = ok(apiserver.finish_deletion(c, "Pod", "default", "a")).cluster
    assert str(c.node_requested["n1"]["cpu"]) == "250m"
    assert [p.metadata.name for p in c.pods_on_node("n1")] == ["b"]


def test_owner_index(cluster):
    c = apply(cluster, new_deployment())
    d = c.get("Deployment", "default", "web")
    pod = new_pod("child")
    pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment",
                                           "name": "web", "uid": d.metadata.uid,
                                           "controller": True}]
    c = apply(c, pod)
    assert [o.metadata.name for o in c.owned_by(d.metadata.uid)] == ["child"]


def test_apply_is_kubectls_three_way_merge(cluster):
    """Fields the manifest sets win, fields it dropped since the last apply go, fields other
    writers set stay (a paused rollout stays paused across an apply)."""
    import json

    labelled = new_deployment()
    labelled["metadata"]["labels"] = {"team": "a", "tier": "web"}
    c = apply(cluster, labelled)
    d = c.get("Deployment", "default", "web")
    recorded = json.loads(d.metadata.annotations[LAST_APPLIED])
    assert recorded["metadata"]["labels"] == {"team": "a", "tier": "web"}
    paused = attrs.evolve(d, spec=attrs.evolve(d.spec, paused=True))
    c = ok(apiserver.update(c, paused)).cluster
    changed = new_deployment(image="web:v2")
    changed["metadata"]["labels"] = {"team": "a"}
    c = apply(c, changed)
    d = c.get("Deployment", "default", "web")
    assert d.spec.paused is True
    assert dict(d.metadata.labels) == {"team": "a"}
    assert d.spec.template.spec.containers[0].image == "web:v2"
    assert apply(c, changed) == c


def test_watch_objects_apply_without_their_recorded_resource_version(cluster):
    from kubefold.core.codec import decode_log

    recorded = new_deployment()
    recorded["metadata"].update(resourceVersion="98765", uid="u-1",
                                creationTimestamp="2020-01-01T00:00:00Z")
    text = "\n".join(json.dumps({"type": t, "object": recorded}) for t in ("ADDED", "MODIFIED"))
    events = decode_log(text, "watch.jsonl").events
    c = cluster
    for event in events:
        outcome = manager.apply_event(c, event, "manual")
        assert outcome.rejected is None, outcome.rejected
        c = outcome.cluster
    assert c.get("Deployment", "default", "web").metadata.uid != "u-1"
