"""The fixture of argo-rollouts' rollout/controller_test.go, as manifests: newRollout,
newCanaryRollout, newBlueGreenRollout, bumpVersion, newReplicaSet(WithStatus),
update{Canary,BlueGreen,Base}RolloutStatus, the condition builders and newService. A Go test
seeds listers with these objects and runs the controller's syncHandler once (f.run) or a few
times (f.runWithSyncs); here `run` restores them as a snapshot (status kept, no admission) and
reconciles `argo-rollouts` on the Rollout's key in manual mode. Pod hashes are Argo's, computed
from the manifest's template as the Go builders compute them."""

from __future__ import annotations

import copy
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object
from kubefold.core.schema import parse_time
from kubefold.reducers.rollouts import ROLLOUTS
from kubefold.reducers.rollouts.utils import conditions as cond
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash, compute_step_hash
from kubefold.reducers.rollouts.utils.rollout import calculate_rollout_phase
from tests.helpers import Engine, plane

NOW_TEXT = "2024-05-01T12:00:00Z"
NOW = parse_time(NOW_TEXT)
ENGINE = Engine(plane(ROLLOUTS))
HASH_KEY = "rollouts-pod-template-hash"
REVISION = "rollout.argoproj.io/revision"
DESIRED_REPLICAS = "rollout.argoproj.io/desired-replicas"
GV = "argoproj.io/v1alpha1"


def uid(name: str) -> str:
    return f"uid-{name}"


def _typed(manifest: dict[str, Any]) -> Any:
    return decode_object(copy.deepcopy(manifest))


def pod_hash(ro: dict[str, Any]) -> str:
    """hash.ComputePodTemplateHash(&r.Spec.Template, r.Status.CollisionCount)."""
    typed = _typed(ro)
    return compute_pod_template_hash(typed.spec.template, typed.status.collision_count)


def step_hash(ro: dict[str, Any]) -> str:
    """conditions.ComputeStepHash."""
    typed = _typed(ro)
    canary = typed.spec.strategy.canary
    return "" if canary is None else compute_step_hash(canary.steps)


def _phase(ro: dict[str, Any]) -> None:
    typed = _typed(ro)
    phase, message = calculate_rollout_phase(typed.spec, typed.status)
    ro["status"]["phase"] = phase
    ro["status"]["message"] = message or None
    if ro["status"]["message"] is None:
        del ro["status"]["message"]


# -- conditions ------------------------------------------------------------------------------


def condition(cond_type: str, status: str, reason: str, message: str) -> dict[str, Any]:
    return {"type": cond_type, "status": status, "reason": reason, "message": message,
            "lastUpdateTime": NOW_TEXT, "lastTransitionTime": NOW_TEXT}


def paused_condition(is_paused: bool) -> dict[str, Any]:
    return condition(cond.PAUSED, "True" if is_paused else "False", cond.ROLLOUT_PAUSED_REASON,
                     cond.ROLLOUT_PAUSED_MESSAGE)


def completed_condition(is_completed: bool) -> dict[str, Any]:
    return condition(cond.COMPLETED, "True" if is_completed else "False",
                     cond.ROLLOUT_COMPLETED_REASON, cond.ROLLOUT_COMPLETED_REASON)


def available_condition(available: bool) -> dict[str, Any]:
    return condition(cond.AVAILABLE, "True" if available else "False", cond.AVAILABLE_REASON,
                     cond.AVAILABLE_MESSAGE if available else cond.NOT_AVAILABLE_MESSAGE)


def progressing_condition(reason: str, resource: dict[str, Any], message: str = ""
                          ) -> dict[str, Any]:
    """newProgressingCondition (for a ReplicaSet or a Rollout)."""
    status, msg = "True", ""
    name = resource["metadata"]["name"]
    if resource["kind"] == "ReplicaSet":
        if reason == cond.REPLICA_SET_UPDATED_REASON:
            msg = cond.REPLICA_SET_PROGRESSING_MESSAGE.format(name)
        elif reason == cond.NEW_REPLICA_SET_REASON:
            msg = cond.NEW_REPLICA_SET_MESSAGE.format(name)
        elif reason == cond.NEW_RS_AVAILABLE_REASON:
            msg = cond.REPLICA_SET_COMPLETED_MESSAGE.format(name)
        elif reason == cond.REPLICA_SET_NOT_AVAILABLE_REASON:
            msg = cond.NOT_AVAILABLE_MESSAGE
    else:
        if reason == cond.REPLICA_SET_UPDATED_REASON:
            msg = cond.ROLLOUT_PROGRESSING_MESSAGE.format(name)
        elif reason == cond.ROLLOUT_ABORTED_REASON:
            msg = cond.ROLLOUT_ABORTED_MESSAGE.format(
                resource["metadata"].get("annotations", {}).get(REVISION, ""))
            status = "False"
        elif reason == cond.ROLLOUT_RETRY_REASON:
            msg, status = cond.ROLLOUT_RETRY_MESSAGE, "Unknown"
    if reason == cond.ROLLOUT_PAUSED_REASON:
        msg, status = cond.ROLLOUT_PAUSED_MESSAGE, "Unknown"
    if reason == cond.ROLLOUT_RESUMED_REASON:
        msg, status = cond.ROLLOUT_RESUMED_MESSAGE, "Unknown"
    if message:
        msg = f"{msg}: {message}" if msg else message
    return condition(cond.PROGRESSING, status, reason, msg)


def set_condition(ro: dict[str, Any], c: dict[str, Any]) -> None:
    """conditions.SetRolloutCondition on a manifest."""
    conditions = [x for x in ro["status"].get("conditions", []) if x["type"] != c["type"]]
    ro["status"]["conditions"] = [*conditions, c]


# -- objects ---------------------------------------------------------------------------------


def new_rollout(name: str, replicas: int, revision_history_limit: int | None,
                selector: dict[str, str]) -> dict[str, Any]:
    ro: dict[str, Any] = {
        "apiVersion": GV, "kind": "Rollout",
        "metadata": {"name": name, "namespace": "default", "uid": uid(name),
                     "annotations": {REVISION: "1"}, "generation": 123,
                     "creationTimestamp": "2024-05-01T00:00:00Z"},
        "spec": {"template": {"metadata": {"labels": dict(selector)},
                              "spec": {"containers": [{"name": "container-name",
                                                       "image": "foo/bar"}]}},
                 "replicas": replicas, "selector": {"matchLabels": dict(selector)},
                 "strategy": {}},
        "status": {}}
    if revision_history_limit is not None:
        ro["spec"]["revisionHistoryLimit"] = revision_history_limit
    set_condition(ro, progressing_condition(cond.REPLICA_SET_UPDATED_REASON, ro))
    return ro


def new_canary_rollout(name: str, replicas: int, revision_history_limit: int | None,
                       steps: list[dict[str, Any]] | None, step_index: int | None,
                       max_surge: int | str, max_unavailable: int | str) -> dict[str, Any]:
    ro = new_rollout(name, replicas, revision_history_limit, {"foo": "bar"})
    ro["metadata"]["labels"] = {"custom": "label"}
    canary: dict[str, Any] = {"maxUnavailable": max_unavailable, "maxSurge": max_surge}
    if steps is not None:
        canary["steps"] = steps
    ro["spec"]["strategy"] = {"canary": canary}
    if step_index is not None:
        ro["status"]["currentStepIndex"] = step_index
    ro["status"]["currentStepHash"] = step_hash(ro)
    ro["status"]["currentPodHash"] = pod_hash(ro)
    ro["status"]["selector"] = "foo=bar"
    _phase(ro)
    return ro


def new_blue_green_rollout(name: str, replicas: int, revision_history_limit: int | None,
                           active: str, preview: str) -> dict[str, Any]:
    ro = new_rollout(name, replicas, revision_history_limit, {"foo": "bar"})
    blue_green: dict[str, Any] = {"activeService": active}
    if preview:
        blue_green["previewService"] = preview
    ro["spec"]["strategy"] = {"blueGreen": blue_green}
    ro["status"]["currentStepHash"] = step_hash(ro)
    ro["status"]["currentPodHash"] = pod_hash(ro)
    _phase(ro)
    return ro


def bump_version(ro: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(ro)
    new["metadata"]["generation"] = new["metadata"].get("generation", 0) + 1
    revision = int(ro["metadata"]["annotations"].get(REVISION, "0") or 0) + 1
    new["metadata"]["annotations"][REVISION] = str(revision)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = f"foo/bar{revision}"
    new["status"]["currentPodHash"] = pod_hash(new)
    new["status"]["currentStepHash"] = step_hash(new)
    _phase(new)
    return new


def new_replica_set(ro: dict[str, Any], replicas: int) -> dict[str, Any]:
    h = pod_hash(ro)
    labels = {HASH_KEY: h, **ro["spec"]["selector"]["matchLabels"]}
    template = copy.deepcopy(ro["spec"]["template"])
    template["metadata"]["labels"] = dict(labels)
    name = f"{ro['metadata']['name']}-{h}"
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "uid": uid(name),
                         "labels": labels,
                         "ownerReferences": [{"apiVersion": GV, "kind": "Rollout",
                                              "name": ro["metadata"]["name"],
                                              "uid": ro["metadata"]["uid"], "controller": True,
                                              "blockOwnerDeletion": True}],
                         "annotations": {DESIRED_REPLICAS: str(ro["spec"]["replicas"]),
                                         REVISION: ro["metadata"]["annotations"][REVISION]}},
            "spec": {"selector": {"matchLabels": dict(labels)}, "replicas": replicas,
                     "template": template},
            "status": {}}


def new_replica_set_with_status(ro: dict[str, Any], replicas: int, available: int
                                ) -> dict[str, Any]:
    rs = new_replica_set(ro, replicas)
    rs["status"] = {"replicas": replicas, "availableReplicas": available,
                    "readyReplicas": available}
    return rs


def update_base_rollout_status(ro: dict[str, Any], available: int, updated: int, total: int,
                               hpa: int) -> dict[str, Any]:
    new = copy.deepcopy(ro)
    new["status"].update({"replicas": total, "availableReplicas": available,
                          "readyReplicas": available, "updatedReplicas": updated,
                          "HPAReplicas": hpa})
    return new


def update_canary_rollout_status(ro: dict[str, Any], stable_rs: str, available: int,
                                 updated: int, hpa: int, pause: bool) -> dict[str, Any]:
    new = update_base_rollout_status(ro, available, updated, available, hpa)
    new["status"]["stableRS"] = stable_rs
    if pause:
        new["status"]["controllerPause"] = True
        new["status"].setdefault("pauseConditions", []).append(
            {"reason": "CanaryPauseStep", "startTime": NOW_TEXT})
    _phase(new)
    return new


def update_blue_green_rollout_status(ro: dict[str, Any], preview: str, active: str, stable: str,
                                     available: int, updated: int, total: int, hpa: int,
                                     pause: bool, is_available: bool, is_completed: bool
                                     ) -> dict[str, Any]:
    new = update_base_rollout_status(ro, available, updated, total, hpa)
    selector = "foo=bar" + (f",{HASH_KEY}={active}" if active else "")
    new["status"]["selector"] = selector
    new["status"]["blueGreen"] = {k: v for k, v in (("activeSelector", active),
                                                    ("previewSelector", preview)) if v}
    new["status"]["stableRS"] = stable
    new["status"]["conditions"] = [*new["status"].get("conditions", []),
                                   available_condition(is_available),
                                   completed_condition(is_completed)]
    if pause:
        new["status"]["controllerPause"] = True
        new["status"].setdefault("pauseConditions", []).append(
            {"reason": "BlueGreenPause", "startTime": NOW_TEXT})
    _phase(new)
    return new


def new_service(name: str, port: int, selector: dict[str, str] | None,
                ro: dict[str, Any] | None) -> dict[str, Any]:
    svc: dict[str, Any] = {"apiVersion": "v1", "kind": "Service",
                           "metadata": {"name": name, "namespace": "default", "uid": uid(name)},
                           "spec": {"selector": dict(selector or {}),
                                    "ports": [{"protocol": "TCP", "port": port,
                                               "targetPort": port}]}}
    if ro is not None:
        svc["metadata"]["annotations"] = {"argo-rollouts.argoproj.io/managed-by-rollouts":
                                          ro["metadata"]["name"]}
    return svc


# -- running ---------------------------------------------------------------------------------


def run(*objects: dict[str, Any], key: str = "default/foo", syncs: int = 1,
        now: str = NOW_TEXT, engine: Engine = ENGINE) -> Cluster:
    """f.run / f.runWithSyncs: restore the objects, then reconcile the Rollout `syncs` times."""
    cluster = engine.restore(*[copy.deepcopy(o) for o in objects], now=now)
    for _ in range(syncs):
        cluster = engine.reconcile(cluster, "argo-rollouts", key)
    return cluster


def rollout(cluster: Cluster, name: str = "foo") -> Any:
    return cluster.get("Rollout", "default", name)


def replica_set(cluster: Cluster, manifest_or_name: dict[str, Any] | str) -> Any:
    name = manifest_or_name if isinstance(manifest_or_name, str) \
        else manifest_or_name["metadata"]["name"]
    return cluster.get("ReplicaSet", "default", name)


def replicas(cluster: Cluster, rs: dict[str, Any] | str) -> int | None:
    found = replica_set(cluster, rs)
    return None if found is None else found.spec.replicas


def get_condition(cluster: Cluster, cond_type: str, name: str = "foo") -> Any:
    return cond.get_rollout_condition(rollout(cluster, name).status, cond_type)


def hash_of(rs: dict[str, Any]) -> str:
    return str(rs["metadata"]["labels"][HASH_KEY])
