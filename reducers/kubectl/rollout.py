"""kubectl rollout pause, resume, restart and undo, as the client computes them.

Models: staging/src/k8s.io/kubectl/pkg/polymorphichelpers (objectpauser.go, objectresumer.go,
objectrestarter.go, rollback.go: DeploymentRollbacker.Rollback,
deploymentRevision, equalIgnoreHash, annotationsToSkip, revisionNotFoundErr) and
pkg/cmd/rollout (v1.34).
StatefulSets and DaemonSets: rollback.go's StatefulSetRollbacker and DaemonSetRollbacker
(findHistory, statefulSetMatch / daemonSetMatch, the patch from a ControllerRevision) and
history.go's controlledHistoryV1.
On kind Canary, `promote` and `abort` are flagger-loadtester's gate calls (canary_gates.py);
for other kinds only kubectl's own actions are accepted.
Simplifies: kubectl's JSON patch is an update without a resourceVersion; a skipped rollback
writes nothing and is not a rejection (kubectl prints it and exits 0).
Covered by: tests/test_apiserver.py, tests/test_rollout_undo.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import Rollout
from kubefold.core.gojson import get_patch, go_json, template_from_patch
from kubefold.core.kinds import kind_info
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.kubectl import argo, canary_gates


def handle(cluster: Cluster, event: Rollout) -> apiserver.Result:
    if event.kind == "Rollout":
        return argo.handle(cluster, event)  # kubectl argo rollouts <action>
    if event.kind == "Canary":
        return canary_gates.handle(cluster, event)  # flagger-loadtester's gates
    if event.action not in ("undo", "pause", "resume", "restart"):
        return bad_request(f'unknown command "{event.action}" for "kubectl rollout" '
                           "(promote, abort and retry are kubectl argo rollouts verbs, for kind "
                           "Rollout; promote and abort answer a Flagger Canary's gates)")
    info = kind_info(event.kind)
    obj: Any = cluster.get(event.kind, event.namespace or "default", event.name)
    if obj is None:
        return not_found_status(info.qualified_resource, event.name)
    if event.action == "pause":
        return pause(cluster, obj, True)
    if event.action == "resume":
        return pause(cluster, obj, False)
    if event.action == "restart":
        return restart(cluster, obj)
    return undo(cluster, obj, event.to_revision)


def undo(cluster: Cluster, obj: Any, to_revision: int | None) -> apiserver.Result:
    """kubectl rollout undo (DeploymentRollbacker.Rollback): the Deployment gets the template
    (without its pod-template-hash label) and the annotations of the ReplicaSet of
    `to_revision`, or of the previous revision when it is None or 0. When the template already
    matches, kubectl reports "skipped rollback (current template already matches revision N)"
    and writes nothing: the result is the unchanged cluster."""
    if obj.kind in ("StatefulSet", "DaemonSet"):
        return undo_from_history(cluster, obj, to_revision)
    if obj.kind != "Deployment":
        return bad_request(f'no rollbacker has been implemented for "{obj.kind}"')
    revision = to_revision or 0
    if revision < 0:
        return bad_request(revision_not_found(revision))
    rs = deployment_revision(cluster, obj, revision)
    if isinstance(rs, Status):
        return rs
    if obj.spec.paused:
        return bad_request("you cannot rollback a paused deployment; resume it first with "
                           "'kubectl rollout resume' and try again")
    if util.equal_ignore_hash(rs.spec.template, obj.spec.template):
        return apiserver.Written(cluster, obj)  # skipped rollback
    template = rs.spec.template
    labels = template.metadata.labels.discard(util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY)
    template = attrs.evolve(template, metadata=attrs.evolve(template.metadata, labels=labels))
    annotations = {k: v for k, v in obj.metadata.annotations.items()
                   if util.skip_copy_annotation(k)}
    annotations.update((k, v) for k, v in rs.metadata.annotations.items()
                       if not util.skip_copy_annotation(k))
    # A JSON patch replacing /spec/template and /metadata/annotations: unconditional.
    new = attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=template),
                       metadata=attrs.evolve(obj.metadata, annotations=pmap(annotations),
                                             resource_version=None))
    return apiserver.update(cluster, new)


def controlled_history(cluster: Cluster, obj: Any) -> list[Any] | Status:
    """controlledHistoryV1: the ControllerRevisions the selector matches that `obj` controls."""
    try:
        selector = label_selector_as_selector(obj.spec.selector)
    except ValueError as exc:
        return bad_request(str(exc))
    return [r for r in cluster.select("ControllerRevision", obj.metadata.namespace, selector)
            if any(ref.controller and ref.uid == obj.metadata.uid
                   for ref in r.metadata.owner_references)]


def find_history(to_revision: int, all_history: list[Any]) -> Any:
    """findHistory: the revision asked for, or for 0 the second newest."""
    if to_revision == 0:
        if len(all_history) <= 1:
            return None
        return sorted(all_history, key=lambda r: r.revision or 0)[-2]
    return next((h for h in all_history if h.revision == to_revision), None)


def undo_from_history(cluster: Cluster, obj: Any, to_revision: int | None
                      ) -> apiserver.Result:
    """StatefulSetRollbacker / DaemonSetRollbacker.Rollback: the strategic-merge patch stored
    in the ControllerRevision puts its template back; when the template already matches,
    kubectl reports "skipped rollback (current template already matches revision N)" and
    writes nothing."""
    revision = to_revision or 0
    if revision < 0:
        return bad_request(revision_not_found(revision))
    found = controlled_history(cluster, obj)
    if isinstance(found, Status):
        return found
    if revision == 0 and len(found) <= 1:
        return bad_request("no last revision to roll back to")
    to_history = find_history(revision, found)
    if to_history is None:
        return bad_request(revision_not_found(revision))
    if go_json(get_patch(obj.spec.template)) == go_json(to_history.data):
        return apiserver.Written(cluster, obj)  # skipped rollback
    template = template_from_patch(to_history.data)
    new = attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=template),
                       metadata=attrs.evolve(obj.metadata, resource_version=None))
    return apiserver.update(cluster, new)


def revision_not_found(revision: int) -> str:
    """revisionNotFoundErr."""
    return f"unable to find specified revision {revision} in history"


def deployment_revision(cluster: Cluster, d: Any, to_revision: int) -> Any:
    """deploymentRevision: the ReplicaSet of that revision; for 0, the second newest."""
    all_rss = _owned_replica_sets(cluster, d)
    if isinstance(all_rss, Status):
        return all_rss
    latest_revision, previous_revision = -1, -1
    latest: Any = None
    previous: Any = None
    for rs in all_rss:
        try:
            v = util.revision(rs)
        except ValueError:
            continue
        if to_revision == 0:
            if latest_revision < v:
                previous_revision, previous = latest_revision, latest
                latest_revision, latest = v, rs
            elif previous_revision < v:
                previous_revision, previous = v, rs
        elif to_revision == v:
            return rs
    if to_revision > 0:
        return bad_request(revision_not_found(to_revision))
    if previous is None:
        return bad_request(f'no rollout history found for deployment "{d.metadata.name}"')
    return previous


def _owned_replica_sets(cluster: Cluster, d: Any) -> list[Any] | Status:
    """kubectl's deploymentutil.GetAllReplicaSets: the ReplicaSets the selector matches and the
    Deployment controls, old ones then the new one."""
    try:
        selector = label_selector_as_selector(d.spec.selector)
    except ValueError as exc:
        return bad_request(f"failed to retrieve replica sets from deployment "
                           f"{d.metadata.name}: {exc}")
    owned = [rs for rs in sorted(cluster.list("ReplicaSet", d.metadata.namespace),
                                 key=lambda rs: rs.metadata.name)
             if selector.matches(rs.metadata.labels) and any(
                 r.controller and r.uid == d.metadata.uid for r in rs.metadata.owner_references)]
    _, all_old, new_rs = util.get_all_replica_sets(d, owned)
    return [*all_old, new_rs] if new_rs is not None else all_old


def _refusal(obj: Any, reason: str) -> Status:
    """kubectl's per-object error: `deployments.apps "web" is already paused`."""
    return bad_request(f'{kind_info(obj.kind).qualified_resource} "{obj.metadata.name}" '
                       f"{reason}")


def pause(cluster: Cluster, obj: Any, paused: bool) -> apiserver.Result:
    """kubectl rollout pause/resume (objectpauser.go, objectresumer.go): spec.paused."""
    if obj.kind != "Deployment":
        verb = "pausing" if paused else "resuming"
        return _refusal(obj, f"{verb} is not supported")
    if paused and obj.spec.paused:
        return _refusal(obj, "is already paused")
    if not paused and not obj.spec.paused:
        return _refusal(obj, "is not paused")
    new = attrs.evolve(obj, spec=attrs.evolve(obj.spec, paused=paused))
    return apiserver.update(cluster, new)


def restart(cluster: Cluster, obj: Any) -> apiserver.Result:
    """kubectl rollout restart (objectrestarter.go): the pod template's
    kubectl.kubernetes.io/restartedAt annotation, for Deployments, StatefulSets and
    DaemonSets; a paused Deployment is refused."""
    if obj.kind not in ("Deployment", "StatefulSet", "DaemonSet"):
        return _refusal(obj, "restarting is not supported")
    if obj.kind == "Deployment" and obj.spec.paused:
        return _refusal(obj, "can't restart paused deployment (run rollout resume first)")
    doc = encode_object(obj)
    template = doc.setdefault("spec", {}).setdefault("template", {})
    annotations = template.setdefault("metadata", {}).setdefault("annotations", {})
    annotations["kubectl.kubernetes.io/restartedAt"] = format_time(cluster.now)
    return apiserver.update(cluster, decode_object(doc))
