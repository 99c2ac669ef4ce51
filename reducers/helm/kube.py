"""Helm's Kubernetes client, against the cluster value: build objects from a manifest, create,
update with a three-way merge, delete, and decide readiness as Helm's ready checker does.

`update(cluster, original, target)` is Client.Update: every target object is created when
missing or patched with the three-way merge of the previous release's object (original), the
new one (target) and the live one; then every original object the target no longer holds is
deleted, unless the live object carries `helm.sh/resource-policy: keep`. `is_ready` is
ReadyChecker.IsReady with PausedAsReady (and CheckJobs for --wait-for-jobs); `hook_done` is
watchUntilReady's verdict on a hook (a Job until complete or failed, a Pod until it succeeds or
fails, anything else at once).

Models: helm.sh/helm/v3 (v3.21) pkg/kube/client.go (Build, Create, update, rdelete,
createPatch, updateResource, watchUntilReady, waitForJob, waitForPodSuccess), ready.go
(IsReady, isPodReady, jobReady, serviceReady, volumeReady, deploymentReady, daemonSetReady,
statefulSetReady, replicationControllerReady, replicaSetReady, crdReady), wait.go
(waitForResources: a poll every 2 s until ready or the timeout), resource.go
(ResourceList.Difference by name, namespace, group and kind); pkg/action/validate.go
(existingResourceConflict, checkOwnership, setMetadataVisitor and its messages).
Simplifies: the patch is a three-way JSON merge (lists replaced whole, as kubectl apply's
simplification here), not a strategic merge; OpenAPI validation at Build time is the decoding
of the object (the API server validates on write); a ReplicationController's pods are not
checked (kubefold keeps no ReplicationController controller). StatefulSets, DaemonSets and
Jobs are read from their status fields as JSON, whatever class stores them.
Covered by: tests/test_helm_kube.py (Helm's ready_test.go tables), tests/test_helm_action.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status
from kubefold.core.kinds import kind_info
from kubefold.core.schema import DecodeError, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.deployment import util as deploymentutil
from kubefold.reducers.helm.releaseutil import (
    ManifestError,
    has_keep_policy,
    parse_document,
    split_manifests,
)
from kubefold.reducers.kubectl.apply import three_way_merge

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_HELM = "Helm"
RELEASE_NAME_ANNOTATION = "meta.helm.sh/release-name"
RELEASE_NAMESPACE_ANNOTATION = "meta.helm.sh/release-namespace"
POLL_SECONDS = 2  # waitForResources polls every 2 s
WAIT_TIMEOUT = "context deadline exceeded"  # PollUntilContextCancel past its deadline
WATCH_TIMEOUT = "timed out waiting for the condition"  # watchtools.UntilWithSync's


@attrs.frozen
class Info:
    """resource.Info: one object of a manifest, as JSON, with where it lives."""

    kind: str
    group: str
    namespace: str
    name: str
    obj: Any = attrs.field(eq=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.group, self.kind, self.namespace, self.name)


class BuildError(ValueError):
    pass


def build(manifest: str, namespace: str) -> list[Info]:
    """Build: the objects of a manifest; a namespaced object without a namespace gets the
    release's."""
    infos = []
    for text in split_manifests(manifest):
        try:
            doc = parse_document(text, "")
        except ManifestError as exc:
            raise BuildError(str(exc)) from None
        if doc is None:
            continue
        if not isinstance(doc, Mapping) or not doc.get("apiVersion") or not doc.get("kind"):
            missing = [f"{k} not set" for k in ("apiVersion", "kind")
                       if not isinstance(doc, Mapping) or not doc.get(k)]
            raise BuildError(f'error validating "": error validating data: '
                             f'[{", ".join(missing)}]')
        kind, api_version = str(doc["kind"]), str(doc["apiVersion"])
        info = kind_info(kind, api_version)
        meta = dict(doc.get("metadata") or {})
        ns = (meta.get("namespace") or namespace) if info.namespaced else ""
        if info.namespaced:
            meta["namespace"] = ns
        obj = {**doc, "metadata": meta}
        group = api_version.rpartition("/")[0]
        infos.append(Info(kind, group, ns, str(meta.get("name") or ""), obj))
    return infos


def difference(a: Iterable[Info], b: Iterable[Info]) -> list[Info]:
    """ResourceList.Difference: what a holds that b does not."""
    keys = {i.key for i in b}
    return [i for i in a if i.key not in keys]


def resource_string(info: Info) -> str:
    return f'{info.kind} "{info.name}" in namespace "{info.namespace}"'


def live(cluster: Cluster, info: Info) -> Any:
    return cluster.get(info.kind, info.namespace, info.name)


# -- ownership (pkg/action/validate.go) --------------------------------------------------------


def _require(values: Mapping[str, str], key: str, want: str) -> str | None:
    if key not in values:
        return f'missing key "{key}": must be set to "{want}"'
    if values[key] != want:
        return f'key "{key}" must equal "{want}": current value is "{values[key]}"'
    return None


def check_ownership(obj: Any, release: str, namespace: str) -> str | None:
    """checkOwnership: None, or "invalid ownership metadata; ..." as Helm words it."""
    errs = []
    if (e := _require(obj.metadata.labels, MANAGED_BY_LABEL, MANAGED_BY_HELM)) is not None:
        errs.append(f"label validation error: {e}")
    for key, want in ((RELEASE_NAME_ANNOTATION, release),
                      (RELEASE_NAMESPACE_ANNOTATION, namespace)):
        if (e := _require(obj.metadata.annotations, key, want)) is not None:
            errs.append(f"annotation validation error: {e}")
    if not errs:
        return None
    return "; ".join(["invalid ownership metadata", *errs])


def existing_resource_conflict(cluster: Cluster, infos: Iterable[Info], release: str,
                               namespace: str) -> tuple[list[Info], str | None]:
    """existingResourceConflict: the objects that already exist and belong to this release
    (to be adopted), or the first that exists and does not."""
    adopt = []
    for info in infos:
        obj = live(cluster, info)
        if obj is None:
            continue
        why = check_ownership(obj, release, namespace)
        if why is not None:
            return [], (f"{resource_string(info)} exists and cannot be imported into the "
                        f"current release: {why}")
        adopt.append(info)
    return adopt, None


def set_metadata(info: Info, release: str, namespace: str) -> Info:
    """setMetadataVisitor (force): the managed-by label and the release annotations."""
    meta = dict(info.obj.get("metadata") or {})
    meta["labels"] = {**(meta.get("labels") or {}), MANAGED_BY_LABEL: MANAGED_BY_HELM}
    meta["annotations"] = {**(meta.get("annotations") or {}),
                           RELEASE_NAME_ANNOTATION: release,
                           RELEASE_NAMESPACE_ANNOTATION: namespace}
    return attrs.evolve(info, obj={**info.obj, "metadata": meta})


# -- writes ------------------------------------------------------------------------------------


def _decode(info: Info) -> Any:
    try:
        return decode_object(info.obj)
    except DecodeError as exc:
        return Status("BadRequest", 400, f"error decoding {resource_string(info)}: {exc}")


def create(cluster: Cluster, infos: Iterable[Info]) -> tuple[Cluster, str | None]:
    """Create: every object, stopping at the first the API server refuses."""
    for info in infos:
        obj = _decode(info)
        if isinstance(obj, Status):
            return cluster, obj.message
        written = apiserver.create(cluster, obj)
        if isinstance(written, Status):
            return cluster, written.message
        cluster = written.cluster
    return cluster, None


def _patch(cluster: Cluster, info: Info, original: Info | None, current: Any
           ) -> tuple[Cluster, str | None]:
    """updateResource: the three-way merge of original, target and live, sent as an update
    (no resourceVersion precondition, as a patch has none); nothing when unchanged."""
    live_json = encode_object(current)
    merged = three_way_merge(live_json, thaw(original.obj) if original else {}, thaw(info.obj))
    merged.setdefault("metadata", {})["resourceVersion"] = current.metadata.resource_version
    obj = _decode(attrs.evolve(info, obj=merged))
    if isinstance(obj, Status):
        return cluster, obj.message
    written = apiserver.update(cluster, obj)
    if isinstance(written, Status):
        return cluster, f'cannot patch "{info.name}" with kind {info.kind}: {written.message}'
    return written.cluster, None


def update(cluster: Cluster, original: list[Info], target: list[Info]
           ) -> tuple[Cluster, list[Info], str | None]:
    """Client.Update: (cluster, created, error). Objects dropped from the chart are deleted
    (background propagation) unless the live one says `helm.sh/resource-policy: keep`."""
    created: list[Info] = []
    errors: list[str] = []
    by_key = {i.key: i for i in original}
    for info in target:
        current = live(cluster, info)
        if current is None:
            created.append(info)
            cluster, err = create(cluster, [info])
            if err is not None:
                return cluster, created, f"failed to create resource: {err}"
            continue
        old = by_key.get(info.key)
        if old is None:
            return cluster, created, f'no {info.kind} with the name "{info.name}" found'
        cluster, err = _patch(cluster, info, old, current)
        if err is not None:
            errors.append(err)
    if errors:
        return cluster, created, " && ".join(errors)
    for info in difference(original, target):
        current = live(cluster, info)
        if current is None or has_keep_policy(current.metadata.annotations):
            continue
        written = apiserver.delete(cluster, info.kind, info.namespace, info.name, "Background")
        if not isinstance(written, Status):
            cluster = written.cluster
    return cluster, created, None


def delete(cluster: Cluster, infos: Iterable[Info], policy: str = "Background"
           ) -> tuple[Cluster, list[str]]:
    """rdelete: delete each object; a missing one is not an error."""
    errs = []
    for info in infos:
        written = apiserver.delete(cluster, info.kind, info.namespace, info.name, policy)
        if isinstance(written, Status):
            if written.reason != "NotFound":
                errs.append(written.message)
            continue
        cluster = written.cluster
    return cluster, errs


# -- readiness (ready.go) ----------------------------------------------------------------------


def _status(obj: Any) -> dict[str, Any]:
    return dict(encode_object(obj).get("status") or {})


def _spec(obj: Any) -> dict[str, Any]:
    return dict(encode_object(obj).get("spec") or {})


def is_pod_ready(pod: Any) -> bool:
    """isPodReady: the Ready condition is True."""
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions)


def job_ready(job: Any) -> tuple[bool, str | None]:
    """jobReady: failed past backoffLimit is an error; complete when succeeded reaches
    completions (or completions is unset)."""
    spec, status = _spec(job), _status(job)
    if int(status.get("failed") or 0) > int(spec.get("backoffLimit", 6)):
        return False, f"job is failed: {job.metadata.namespace}/{job.metadata.name}"
    completions = spec.get("completions")
    if completions is not None and int(status.get("succeeded") or 0) < int(completions):
        return False, None
    return True, None


def service_ready(svc: Any) -> bool:
    spec = _spec(svc)
    if spec.get("type") == "ExternalName":
        return True
    if not spec.get("clusterIP"):
        return False
    if spec.get("type") == "LoadBalancer":
        if spec.get("externalIPs"):
            return True
        if ((_status(svc).get("loadBalancer") or {}).get("ingress")) is None:
            return False
    return True


def volume_ready(pvc: Any) -> bool:
    return _status(pvc).get("phase") == "Bound"


def replica_set_ready(rs: Any) -> bool:
    return (rs.status.observed_generation or 0) == (rs.metadata.generation or 0)


def deployment_ready(rs: Any, dep: Any) -> bool:
    """deploymentReady: the new ReplicaSet observed, the Deployment observed, and at least
    replicas - maxUnavailable pods of the new ReplicaSet ready."""
    if not replica_set_ready(rs):
        return False
    if (dep.status.observed_generation or 0) != (dep.metadata.generation or 0):
        return False
    expected = (dep.spec.replicas if dep.spec.replicas is not None else 1) \
        - deploymentutil.max_unavailable(dep)
    return (rs.status.ready_replicas or 0) >= expected


def daemon_set_ready(ds: Any) -> bool:
    spec, status = _spec(ds), _status(ds)
    if int(status.get("observedGeneration") or 0) != (ds.metadata.generation or 0):
        return False
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return True
    desired = int(status.get("desiredNumberScheduled") or 0)
    if int(status.get("updatedNumberScheduled") or 0) != desired:
        return False
    max_unavailable = (strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1)
    try:
        unavailable = deploymentutil.get_scaled_value_from_int_or_percent(max_unavailable,
                                                                          desired, True)
    except ValueError:
        unavailable = desired
    return int(status.get("numberReady") or 0) >= desired - unavailable


def stateful_set_ready(sts: Any) -> bool:
    spec, status = _spec(sts), _status(sts)
    if int(status.get("observedGeneration") or 0) != (sts.metadata.generation or 0):
        return False
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return True
    partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
    replicas = int(spec["replicas"]) if spec.get("replicas") is not None else 1
    if int(status.get("updatedReplicas") or 0) < replicas - partition:
        return False
    if int(status.get("readyReplicas") or 0) != replicas:
        return False
    return not (partition == 0
                and status.get("currentRevision", "") != status.get("updateRevision", ""))


def crd_ready(crd: Any) -> bool:
    for cond in _status(crd).get("conditions") or []:
        if cond.get("type") == "Established" and cond.get("status") == "True":
            return True
        if cond.get("type") == "NamesAccepted" and cond.get("status") == "False":
            return True
    return False


def is_ready(cluster: Cluster, info: Info, check_jobs: bool = False
             ) -> tuple[bool, str | None]:
    """IsReady: (ready, error); an object that is gone is an error (not found), which
    waitForResources does not retry."""
    obj = live(cluster, info)
    if info.kind in ("Pod", "Job", "Deployment", "PersistentVolumeClaim", "Service",
                     "DaemonSet", "StatefulSet", "ReplicationController", "ReplicaSet",
                     "CustomResourceDefinition") and obj is None:
        if info.kind == "Job" and not check_jobs:
            return True, None
        resource = kind_info(info.kind).qualified_resource
        return False, f'{resource} "{info.name}" not found'
    if info.kind == "Pod":
        return is_pod_ready(obj), None
    if info.kind == "Job":
        return job_ready(obj) if check_jobs else (True, None)
    if info.kind == "Deployment":
        if obj.spec.paused:
            return True, None  # PausedAsReady
        rss = cluster.owned_by(obj.metadata.uid or "", "ReplicaSet")
        new_rs = deploymentutil.find_new_replica_set(obj, rss)
        return (new_rs is not None and deployment_ready(new_rs, obj)), None
    if info.kind == "PersistentVolumeClaim":
        return volume_ready(obj), None
    if info.kind == "Service":
        return service_ready(obj), None
    if info.kind == "DaemonSet":
        return daemon_set_ready(obj), None
    if info.kind == "StatefulSet":
        return stateful_set_ready(obj), None
    if info.kind == "ReplicaSet":
        if not replica_set_ready(obj):
            return False, None
        pods = cluster.owned_by(obj.metadata.uid or "", "Pod")
        return all(is_pod_ready(p) for p in pods), None
    if info.kind == "ReplicationController":
        status = _status(obj)
        return int(status.get("observedGeneration") or 0) == (obj.metadata.generation or 0), \
            None
    if info.kind == "CustomResourceDefinition":
        return crd_ready(obj), None
    return True, None


def all_ready(cluster: Cluster, infos: Iterable[Info], check_jobs: bool = False
              ) -> tuple[bool, str | None]:
    """One poll of waitForResources: every object ready, or the first that is not."""
    for info in infos:
        ready, err = is_ready(cluster, info, check_jobs)
        if err is not None or not ready:
            return False, err
    return True, None


def hook_done(cluster: Cluster, info: Info) -> tuple[bool, str | None]:
    """watchUntilReady for one hook object: (done, error)."""
    if info.kind not in ("Job", "Pod"):
        return True, None
    obj = live(cluster, info)
    if obj is None:
        return True, None  # a Deleted event ends the watch
    if info.kind == "Job":
        for cond in _status(obj).get("conditions") or []:
            if cond.get("type") == "Complete" and cond.get("status") == "True":
                return True, None
            if cond.get("type") == "Failed" and cond.get("status") == "True":
                return True, f"job {info.name} failed: {cond.get('reason', '')}"
        return False, None
    phase = obj.status.phase
    if phase == "Succeeded":
        return True, None
    if phase == "Failed":
        return True, f"pod {info.name} failed"
    return False, None
