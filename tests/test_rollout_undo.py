"""kubectl rollout undo (polymorphichelpers/rollback.go DeploymentRollbacker) and the
controller's rollback of the deprecated rollbackTo annotation (rollback.go)."""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, PodEvent, Rollout
from kubefold.reducers import manager
from kubefold.reducers.controllers import replicaset
from kubefold.reducers.controllers.deployment import controller, util
from kubefold.reducers.controlplane import ControlPlane
from kubefold.reducers.world import pods as pod_events
from tests.helpers import Engine, new_deployment

ENGINE = Engine(ControlPlane((controller.CONTROLLER, replicaset.CONTROLLER),
                             {PodEvent: pod_events.handle}))


def web(image: str, cause: str | None = None, **spec: Any) -> Any:
    m = new_deployment("web", replicas=2, image=image, **spec)
    if cause:
        m["metadata"]["annotations"] = {"kubernetes.io/change-cause": cause}
    return decode_object(m)


def rolled_out(*images: str) -> Cluster:
    """web rolled out through each image in turn, all pods ready (auto mode)."""
    cluster = ENGINE.empty_cluster()
    for image in images:
        cluster = ENGINE.step(cluster, Apply(web(image, cause=f"set {image}")))
        cluster = ENGINE.step(cluster, PodEvent("default", "*", ready=True))
    return cluster


def image_of(cluster: Cluster) -> str:
    return cluster.get("Deployment", "default", "web").spec.template.spec.containers[0].image


def undo(cluster: Cluster, to_revision: int | None = None) -> manager.Outcome:
    return ENGINE.apply_event(cluster, Rollout("undo", "Deployment", "web", "default",
                                                to_revision=to_revision))


def test_undo_rolls_back_to_the_previous_revision() -> None:
    cluster = rolled_out("web:v1", "web:v2")
    outcome = undo(cluster)
    assert outcome.rejected is None
    cluster = ENGINE.step(outcome.cluster, PodEvent("default", "*", ready=True))
    d = cluster.get("Deployment", "default", "web")
    assert image_of(cluster) == "web:v1"
    assert "pod-template-hash" not in d.spec.template.metadata.labels
    # The ReplicaSet's annotations come back (change-cause), the revision moves on to 3.
    assert d.metadata.annotations["kubernetes.io/change-cause"] == "set web:v1"
    assert d.metadata.annotations[util.REVISION_ANNOTATION] == "3"
    by_image = {rs.spec.template.spec.containers[0].image: rs
                for rs in cluster.list("ReplicaSet", "default")}
    assert by_image["web:v1"].spec.replicas == 2 and by_image["web:v2"].spec.replicas == 0
    assert by_image["web:v1"].metadata.annotations[util.REVISION_ANNOTATION] == "3"
    assert by_image["web:v1"].metadata.annotations[util.REVISION_HISTORY_ANNOTATION] == "1"


def test_undo_twice_goes_back_to_where_it_was() -> None:
    """After one undo, web:v1 is revision 3 and web:v2 revision 2: the previous revision is
    the second highest, whatever the creation order."""
    cluster = ENGINE.step(undo(rolled_out("web:v1", "web:v2")).cluster,
                           PodEvent("default", "*", ready=True))
    outcome = undo(cluster)
    assert outcome.rejected is None
    assert image_of(outcome.cluster) == "web:v2"


def test_undo_previous_revision_out_of_creation_order() -> None:
    """deploymentRevision's second-newest search: after an undo web:v1 (older) is revision 3
    and web:v2 revision 2; with a new template not yet synced, the previous one is web:v2."""
    cluster = ENGINE.step(undo(rolled_out("web:v1", "web:v2")).cluster,
                           PodEvent("default", "*", ready=True))
    cluster = ENGINE.step(cluster, Apply(web("web:v3")), mode="manual")
    outcome = undo(cluster)
    assert outcome.rejected is None
    assert image_of(outcome.cluster) == "web:v2"


def test_undo_to_revision() -> None:
    cluster = rolled_out("web:v1", "web:v2", "web:v3")
    outcome = undo(cluster, to_revision=1)
    assert outcome.rejected is None
    assert image_of(outcome.cluster) == "web:v1"


def test_undo_unknown_revision() -> None:
    outcome = undo(rolled_out("web:v1", "web:v2"), to_revision=5)
    assert outcome.rejected is not None
    assert outcome.rejected.message == "unable to find specified revision 5 in history"


def test_undo_without_history() -> None:
    outcome = undo(rolled_out("web:v1"))
    assert outcome.rejected is not None
    assert outcome.rejected.message == 'no rollout history found for deployment "web"'


def test_undo_refuses_a_paused_deployment() -> None:
    cluster = rolled_out("web:v1", "web:v2")
    cluster = ENGINE.step(cluster, Rollout("pause", "Deployment", "web", "default"))
    outcome = undo(cluster)
    assert outcome.rejected is not None
    assert outcome.rejected.message == (
        "you cannot rollback a paused deployment; resume it first with "
        "'kubectl rollout resume' and try again")
    assert image_of(outcome.cluster) == "web:v2"


def test_undo_skipped_when_the_template_already_matches() -> None:
    """"skipped rollback (current template already matches revision 2)": nothing written."""
    cluster = rolled_out("web:v1", "web:v2")
    outcome = undo(cluster, to_revision=2)
    assert outcome.rejected is None
    assert outcome.changes == ()
    assert outcome.cluster.resource_version == cluster.resource_version


def test_controller_rollback_of_the_deprecated_rollback_to_annotation() -> None:
    """rollback.go: `deprecated.deployment.rollback.to: "1"` makes syncDeployment copy
    revision 1's template and clear the annotation (the revision moves on at the next sync)."""
    cluster = rolled_out("web:v1", "web:v2")
    d = cluster.get("Deployment", "default", "web")
    annotated = d.metadata.annotations.set(util.DEPRECATED_ROLLBACK_TO, "1")
    cluster = ENGINE.step(cluster, Apply(attrs.evolve(d, metadata=attrs.evolve(
        d.metadata, annotations=annotated))), mode="manual")
    cluster = ENGINE.reconcile(cluster, "deployment", "default/web")
    d = cluster.get("Deployment", "default", "web")
    assert image_of(cluster) == "web:v1"
    assert util.DEPRECATED_ROLLBACK_TO not in d.metadata.annotations
    assert d.metadata.annotations["kubernetes.io/change-cause"] == "set web:v1"
