"""The disruption controller: keeps each PodDisruptionBudget's status (how many of its pods are
healthy, how many must be, how many may be disrupted now) and forgets evictions that never
turned into deletions.

One `sync(cluster, key)` is one call of Go's `sync` for the key `namespace/name`: list the pods
the selector matches, compute the expected count and `desiredHealthy` (from `minAvailable` or
`maxUnavailable`, through the scale of the pods' controllers), count the healthy pods, drop
expired `disruptedPods` entries and write the status when it changed; on an error, the fail-safe
status (`disruptionsAllowed: 0`, condition SyncFailed). `watch(cluster, change)` is the
informer handlers: a PDB write wakes that PDB, a pod write the PDBs whose selectors match it.

Models (v1.34): pkg/controller/disruption/disruption.go (DeletionTimeout, finders,
getPodReplicaSet, getPodStatefulSet, getPodDeployment, getPodReplicationController,
getScaleController, verifyGroupKind, addDB/updateDB/removeDB, addPod/updatePod/deletePod,
getPdbForPod, getPodsForPdb, sync, trySync, getExpectedPodCount, getExpectedScale,
countHealthyPods, buildDisruptedPodMap, failSafe, updatePdbStatus), the lister's
GetPodPodDisruptionBudgets, k8s.io/component-helpers/apps/poddisruptionbudget
(UpdateDisruptionAllowedCondition, ConditionsAreUpToDate), apimeta.SetStatusCondition and
schema.ParseGroupVersion.

Simplifies:
- A pod write enqueues every PDB whose selector matches the pod; Go's getPdbForPod enqueues
  only the first the lister returns (an arbitrary one, in map order) and logs the others.
- The recheck queue (AddAfter, then AddRateLimited on the main queue) is `enqueue_after` for
  the moment the earliest `disruptedPods` entry expires. Times are whole seconds and the
  controller reads its clock just after `now` (as core/podutil.py explains): an entry expires,
  and its pod counts as healthy again, at exactly disruption time + DeletionTimeout.
- The stale DisruptionTarget worker (stalePodDisruptionQueue, syncStalePodDisruption) is not
  modelled: kubefold's eviction sets the condition and deletes the pod in one step, so a pod
  is never left with a stale condition. No events (NoPods, UnmanagedPods, ...) are recorded.
- getScaleController (the scale subresource of any other owner): a built-in kind with
  replicas (Deployment, ReplicaSet, StatefulSet, ReplicationController) answers with its
  `spec.replicas`; any other built-in kind "does not implement the scale subresource"; a
  custom kind of which no object exists has no REST mapping ("no matches for kind"); a custom
  kind implements scale when its objects (the one named, else any stored one) have an integer
  `spec.replicas`.
- Pods are considered in name order (Go: lister order), which only decides which pod a
  "found no controllers" error names.

Covered by: tests/test_disruption.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.kinds import KINDS, kind_info
from kubefold.core.labels import go_quote, label_selector_as_selector
from kubefold.core.meta import get_controller_of, set_status_condition
from kubefold.core.objects import (
    Condition,
    GenericObject,
    OwnerReference,
    Pod,
    PodDisruptionBudget,
    PodDisruptionBudgetStatus,
)
from kubefold.core.pdb import (
    DISRUPTION_ALLOWED_CONDITION,
    conditions_are_up_to_date,
    update_disruption_allowed_condition,
)
from kubefold.core.podutil import is_pod_ready
from kubefold.core.schema import parse_time
from kubefold.reducers import apiserver
from kubefold.reducers.controllers.deployment.util import get_scaled_value_from_int_or_percent
from kubefold.reducers.controlplane import Controller

NAME = "disruption"
KIND = "PodDisruptionBudget"
DELETION_TIMEOUT = 2 * 60  # seconds
SYNC_FAILED_REASON = "SyncFailed"

CONTROLLER_KIND_RS = "ReplicaSet"
CONTROLLER_KIND_SS = "StatefulSet"
CONTROLLER_KIND_RC = "ReplicationController"
CONTROLLER_KIND_DEP = "Deployment"
SCALABLE_KINDS = frozenset({CONTROLLER_KIND_RS, CONTROLLER_KIND_SS, CONTROLLER_KIND_RC,
                            CONTROLLER_KIND_DEP})

Error: TypeAlias = str | Status
"""An error as Go returns it: a message, or the API server's rejection."""


@attrs.frozen
class ControllerAndScale:
    """controllerAndScale: a controller's uid and its scale."""

    uid: str
    scale: int


Finder = Callable[[Cluster, OwnerReference, str], tuple["ControllerAndScale | None",
                                                        "str | None"]]


def _int(value: int | None) -> int:
    """A Go int32/int64 field: absent is 0."""
    return value or 0


def _replicas(obj: Any) -> int:
    """`*spec.replicas` of a controller; the API server defaults an absent one to 1."""
    if isinstance(obj, GenericObject):
        spec = obj.extra.get("spec") or pmap()
        replicas = spec.get("replicas")
    else:
        replicas = obj.spec.replicas
    return 1 if replicas is None else int(replicas)


def _key(obj: Any) -> str:
    return f"{obj.metadata.namespace}/{obj.metadata.name}"


def _name(obj: Any) -> str:
    return obj.metadata.name or ""


# -- finders ---------------------------------------------------------------------------------


def finders() -> list[Finder]:
    """finders: the order Go tries them in."""
    return [get_pod_replication_controller, get_pod_deployment, get_pod_replica_set,
            get_pod_stateful_set, get_scale_controller]


def _get_owned(cluster: Cluster, kind: str, namespace: str, ref: OwnerReference) -> Any:
    """The lister's Get, then the uid check every finder makes."""
    obj = cluster.get(kind, namespace, ref.name or "")
    if obj is None or obj.metadata.uid != ref.uid:
        return None
    return obj


def get_pod_replica_set(cluster: Cluster, ref: OwnerReference, namespace: str
                        ) -> tuple[ControllerAndScale | None, str | None]:
    """getPodReplicaSet: a ReplicaSet that no Deployment controls."""
    ok, err = verify_group_kind(ref, CONTROLLER_KIND_RS, ["apps", "extensions"])
    if not ok or err is not None:
        return None, err
    rs = _get_owned(cluster, CONTROLLER_KIND_RS, namespace, ref)
    if rs is None:
        return None, None
    owner = get_controller_of(rs)
    if owner is not None and owner.kind == CONTROLLER_KIND_DEP:
        return None, None  # Skip RS if it's controlled by a Deployment.
    return ControllerAndScale(rs.metadata.uid, _replicas(rs)), None


def get_pod_stateful_set(cluster: Cluster, ref: OwnerReference, namespace: str
                         ) -> tuple[ControllerAndScale | None, str | None]:
    """getPodStatefulSet: the StatefulSet the reference names."""
    ok, err = verify_group_kind(ref, CONTROLLER_KIND_SS, ["apps"])
    if not ok or err is not None:
        return None, err
    ss = _get_owned(cluster, CONTROLLER_KIND_SS, namespace, ref)
    if ss is None:
        return None, None
    return ControllerAndScale(ss.metadata.uid, _replicas(ss)), None


def get_pod_deployment(cluster: Cluster, ref: OwnerReference, namespace: str
                       ) -> tuple[ControllerAndScale | None, str | None]:
    """getPodDeployment: the Deployment controlling the ReplicaSet the reference names."""
    ok, err = verify_group_kind(ref, CONTROLLER_KIND_RS, ["apps", "extensions"])
    if not ok or err is not None:
        return None, err
    rs = _get_owned(cluster, CONTROLLER_KIND_RS, namespace, ref)
    if rs is None:
        return None, None
    owner = get_controller_of(rs)
    if owner is None:
        return None, None
    ok, err = verify_group_kind(owner, CONTROLLER_KIND_DEP, ["apps", "extensions"])
    if not ok or err is not None:
        return None, err
    deployment = _get_owned(cluster, CONTROLLER_KIND_DEP, rs.metadata.namespace, owner)
    if deployment is None:
        return None, None
    return ControllerAndScale(deployment.metadata.uid, _replicas(deployment)), None


def get_pod_replication_controller(cluster: Cluster, ref: OwnerReference, namespace: str
                                   ) -> tuple[ControllerAndScale | None, str | None]:
    """getPodReplicationController: the ReplicationController the reference names."""
    ok, err = verify_group_kind(ref, CONTROLLER_KIND_RC, [""])
    if not ok or err is not None:
        return None, err
    rc = _get_owned(cluster, CONTROLLER_KIND_RC, namespace, ref)
    if rc is None:
        return None, None
    return ControllerAndScale(rc.metadata.uid, _replicas(rc)), None


def get_scale_controller(cluster: Cluster, ref: OwnerReference, namespace: str
                         ) -> tuple[ControllerAndScale | None, str | None]:
    """getScaleController: the scale subresource of whatever the reference names (see the
    module docstring for how kubefold answers the REST mapping and discovery)."""
    group, version, err = parse_group_version(ref.api_version or "")
    if err is not None:
        return None, err
    kind = ref.kind or ""
    info = kind_info(kind, ref.api_version)
    if kind not in KINDS and cluster.count(kind) == 0:
        return None, f"no matches for kind {go_quote(kind)} in version " \
                     f"{go_quote(f'{group}/{version}' if group else version)}"
    obj = cluster.get(kind, namespace, ref.name or "")
    if not implements_scale(cluster, kind, obj):
        return None, f"{info.qualified_resource} does not implement the scale subresource"
    if obj is None or obj.metadata.uid != ref.uid:
        return None, None
    return ControllerAndScale(obj.metadata.uid, _replicas(obj)), None


def implements_scale(cluster: Cluster, kind: str, obj: Any) -> bool:
    """implementsScale: built-in kinds with replicas; a custom kind whose objects (the one
    named, else any stored one) have an integer spec.replicas."""
    if kind in KINDS:
        return kind in SCALABLE_KINDS
    sample = obj if obj is not None else next(iter(cluster.list(kind)), None)
    spec: Any = sample.extra.get("spec") if isinstance(sample, GenericObject) else None
    replicas = spec.get("replicas") if isinstance(spec, PMap) else None
    return isinstance(replicas, int) and not isinstance(replicas, bool)


def parse_group_version(gv: str) -> tuple[str, str, str | None]:
    """schema.ParseGroupVersion: (group, version, error)."""
    if gv in ("", "/"):
        return "", "", None
    count = gv.count("/")
    if count == 0:
        return "", gv, None
    if count == 1:
        group, _, version = gv.partition("/")
        return group, version, None
    return "", "", f"unexpected GroupVersion string: {gv}"


def verify_group_kind(ref: OwnerReference, expected_kind: str, expected_groups: list[str]
                      ) -> tuple[bool, str | None]:
    """verifyGroupKind: the reference names expected_kind in one of expected_groups."""
    group, _, err = parse_group_version(ref.api_version or "")
    if err is not None:
        return False, err
    if ref.kind != expected_kind:
        return False, None
    return group in expected_groups, None


# -- informer handlers -----------------------------------------------------------------------


def watch(cluster: Cluster, change: Change) -> list[str]:
    """addDB/updateDB/removeDB enqueue the PDB; addPod/updatePod (the new pod) and deletePod
    (the last state) enqueue the PDBs matching the pod."""
    if change.kind == KIND:
        return [f"{change.namespace}/{change.name}"]
    if change.kind != "Pod":
        return []
    pod = change.new if change.new is not None else change.old
    return [_key(pdb) for pdb in get_pdbs_for_pod(cluster, pod)]


def get_pdbs_for_pod(cluster: Cluster, pod: Pod) -> list[PodDisruptionBudget]:
    """getPdbForPod via GetPodPodDisruptionBudgets: the PDBs in the pod's namespace whose
    valid selector matches the pod's labels (an empty selector matches every pod, a null one
    none), by name."""
    out = []
    for pdb in sorted(cluster.list(KIND, pod.metadata.namespace or ""), key=_name):
        try:
            selector = label_selector_as_selector(pdb.spec.selector)
        except ValueError:
            continue  # an invalid selector does not match the pod
        if selector.matches(pod.metadata.labels):
            out.append(pdb)
    return out


def get_pods_for_pdb(cluster: Cluster, pdb: PodDisruptionBudget) -> tuple[list[Pod], str | None]:
    """getPodsForPdb: the namespace's pods the selector matches, by name."""
    try:
        selector = label_selector_as_selector(pdb.spec.selector)
    except ValueError as err:
        return [], str(err)
    return cluster.select("Pod", pdb.metadata.namespace or "", selector), None


# -- sync ------------------------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """sync: one turn for one PDB; the fail-safe status when trySync fails for any reason
    but a conflict; a requeue with backoff when a write fails."""
    parts = key.split("/")
    if len(parts) > 2:
        return cluster.enqueue_rate_limited(NAME, key)  # unexpected key format
    namespace, name = parts if len(parts) == 2 else ("", parts[0])
    pdb = cluster.get(KIND, namespace, name)
    if pdb is None:
        return cluster.forget(NAME, key)  # podDisruptionBudget has been deleted
    synced, err = try_sync(cluster, pdb)
    if err is None:
        return synced.forget(NAME, key)
    if isinstance(err, Status) and err.reason == "Conflict":
        return cluster.enqueue_rate_limited(NAME, key)
    failed, err = fail_safe(cluster, pdb, err)
    if err is not None:
        return cluster.enqueue_rate_limited(NAME, key)
    return failed.forget(NAME, key)


def try_sync(cluster: Cluster, pdb: PodDisruptionBudget) -> tuple[Cluster, Error | None]:
    """trySync: compute and write the status; queue a recheck for the earliest expiry."""
    pods, err = get_pods_for_pdb(cluster, pdb)
    if err is not None:
        return cluster, err
    expected_count, desired_healthy, _unmanaged, err = get_expected_pod_count(cluster, pdb,
                                                                              pods)
    if err is not None:
        return cluster, err
    disrupted_pods, recheck_time = build_disrupted_pod_map(pods, pdb, cluster.now)
    current_healthy = count_healthy_pods(pods, disrupted_pods, cluster.now)
    cluster, status_err = update_pdb_status(cluster, pdb, current_healthy, desired_healthy,
                                            expected_count, disrupted_pods)
    if status_err is None and recheck_time is not None:
        cluster = cluster.enqueue_after(NAME, _key(pdb), recheck_time - cluster.now)
    return cluster, status_err


def get_expected_pod_count(cluster: Cluster, pdb: PodDisruptionBudget, pods: list[Pod]
                           ) -> tuple[int, int, list[str], str | None]:
    """getExpectedPodCount: (expectedCount, desiredHealthy, unmanaged pods, error).

    maxUnavailable, and minAvailable as a percentage, scale with the pods' controllers;
    minAvailable as an integer counts the pods themselves."""
    spec = pdb.spec
    if spec.max_unavailable is not None:
        expected, unmanaged, err = get_expected_scale(cluster, pdb, pods)
        if err is not None:
            return 0, 0, unmanaged, err
        try:
            max_unavailable = get_scaled_value_from_int_or_percent(spec.max_unavailable,
                                                                   expected, True)
        except ValueError as exc:
            return expected, 0, unmanaged, str(exc)
        return expected, max(0, expected - max_unavailable), unmanaged, None
    if spec.min_available is not None:
        if isinstance(spec.min_available, int):
            return len(pods), spec.min_available, [], None
        expected, unmanaged, err = get_expected_scale(cluster, pdb, pods)
        if err is not None:
            return 0, 0, unmanaged, err
        try:
            min_available = get_scaled_value_from_int_or_percent(spec.min_available,
                                                                 expected, True)
        except ValueError as exc:
            return expected, 0, unmanaged, str(exc)
        return expected, min_available, unmanaged, None
    return 0, 0, [], None


def get_expected_scale(cluster: Cluster, pdb: PodDisruptionBudget, pods: list[Pod]
                       ) -> tuple[int, list[str], str | None]:
    """getExpectedScale: the sum of the scales of the controllers of the pods (each counted
    once), the names of the pods without a controller, or the first error."""
    controller_scale: dict[str, int] = {}
    unmanaged: list[str] = []
    for pod in pods:
        ref = get_controller_of(pod)
        if ref is None:
            unmanaged.append(pod.metadata.name or "")
            continue
        if ref.uid in controller_scale:
            continue
        found = False
        for finder in finders():
            cas, err = finder(cluster, ref, pod.metadata.namespace or "")
            if err is not None:
                return 0, unmanaged, err
            if cas is not None:
                controller_scale[cas.uid] = cas.scale
                found = True
                break
        if not found:
            return 0, unmanaged, f"found no controllers for pod {go_quote(_name(pod))}"
    return sum(controller_scale.values()), unmanaged, None


def count_healthy_pods(pods: list[Pod], disrupted_pods: PMap[str, Any], now: int) -> int:
    """countHealthyPods: ready pods neither being deleted nor recently evicted."""
    healthy = 0
    for pod in pods:
        if pod.metadata.deletion_timestamp is not None:
            continue
        disrupted = disrupted_pods.get(pod.metadata.name or "")
        if disrupted is not None and parse_time(disrupted) + DELETION_TIMEOUT > now:
            continue  # expected to be deleted soon
        if is_pod_ready(pod):
            healthy += 1
    return healthy


def build_disrupted_pod_map(pods: list[Pod], pdb: PodDisruptionBudget, now: int
                            ) -> tuple[PMap[str, Any], int | None]:
    """buildDisruptedPodMap: the entries of status.disruptedPods for existing pods not yet
    being deleted and not expired, and when to look again (the earliest expiry)."""
    disrupted = pdb.status.disrupted_pods
    result: dict[str, Any] = {}
    recheck: int | None = None
    if not disrupted:
        return pmap(), None
    for pod in pods:
        if pod.metadata.deletion_timestamp is not None:
            continue  # already being deleted
        when = disrupted.get(pod.metadata.name or "")
        if when is None:
            continue  # pod not on the list
        expected_deletion = parse_time(when) + DELETION_TIMEOUT
        if expected_deletion <= now:
            continue  # was expected to be deleted but it wasn't
        if recheck is None or expected_deletion < recheck:
            recheck = expected_deletion
        result[pod.metadata.name or ""] = when
    return pmap(result), recheck


def fail_safe(cluster: Cluster, pdb: PodDisruptionBudget, err: Error
              ) -> tuple[Cluster, Error | None]:
    """failSafe: at least set disruptionsAllowed to 0, with a SyncFailed condition."""
    message = err.message if isinstance(err, Status) else err
    status = pdb.status
    condition = Condition(type=DISRUPTION_ALLOWED_CONDITION, status="False",
                          reason=SYNC_FAILED_REASON, message=message,
                          observed_generation=status.observed_generation or None)
    status = attrs.evolve(status, disruptions_allowed=0, conditions=set_status_condition(
        status.conditions, condition, cluster.now))
    return write_pdb_status(cluster, attrs.evolve(pdb, status=status))


def update_pdb_status(cluster: Cluster, pdb: PodDisruptionBudget, current_healthy: int,
                      desired_healthy: int, expected_count: int,
                      disrupted_pods: PMap[str, Any]) -> tuple[Cluster, Error | None]:
    """updatePdbStatus: write the new counts, unless they and the condition are current."""
    disruptions_allowed = current_healthy - desired_healthy
    if expected_count <= 0 or disruptions_allowed <= 0:
        disruptions_allowed = 0
    status = pdb.status
    if (_int(status.current_healthy) == current_healthy
            and _int(status.desired_healthy) == desired_healthy
            and _int(status.expected_pods) == expected_count
            and _int(status.disruptions_allowed) == disruptions_allowed
            and status.disrupted_pods == disrupted_pods
            and _int(status.observed_generation) == _int(pdb.metadata.generation)
            and conditions_are_up_to_date(pdb)):
        return cluster, None
    new = attrs.evolve(pdb, status=PodDisruptionBudgetStatus(
        current_healthy=current_healthy, desired_healthy=desired_healthy,
        expected_pods=expected_count, disruptions_allowed=disruptions_allowed,
        disrupted_pods=disrupted_pods, observed_generation=pdb.metadata.generation,
        conditions=status.conditions))
    return write_pdb_status(cluster, update_disruption_allowed_condition(new, cluster.now))


def write_pdb_status(cluster: Cluster, pdb: PodDisruptionBudget
                     ) -> tuple[Cluster, Error | None]:
    """writePdbStatus: UpdateStatus through the API server."""
    written = apiserver.update_status(cluster, pdb)
    if isinstance(written, Status):
        return cluster, written
    return written.cluster, None


CONTROLLER = Controller(NAME, sync, watch, frozenset({KIND, "Pod"}))
