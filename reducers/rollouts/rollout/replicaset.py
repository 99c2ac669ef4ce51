"""The ReplicaSets of a Rollout: claiming them, scaling the new one, scaling down the others,
and the scale-down deadline annotation.

The deadline (`argo-rollouts.argoproj.io/scale-down-deadline`, RFC 3339) is written on the
logical clock; the Rollout is requeued for the moment it passes (enqueue_after), so a `tick`
past it scales the old ReplicaSet down.

Models: rollout/replicaset.go (removeScaleDownDelay, addScaleDownDelay,
getReplicaSetsForRollouts, removeScaleDownDeadlines, syncNewRSReplicasAnnotation,
reconcileNewReplicaSet, shouldDelayScaleDownOnAbort, reconcileOtherReplicaSets,
cleanupUnhealthyReplicas, scaleDownDelayHelper, isReplicaSetReferenced,
isReplicaSetReferencedByIstioDestinationRule) and pkg/controller's ClaimReplicaSets, as the
Deployment controller models it; argo-rollouts at 9f8d111.
Simplifies: the resync period does not bound a requeue (every deadline is requeued for its
exact time); the Deployment's progressive scale-down for workloadRef (scaleDown: progressively)
is modelled in templateref.py.
Covered by: tests/test_rollouts_canary.py, tests/test_rollouts_bluegreen.py.
"""

from __future__ import annotations

from typing import Any

from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request
from kubefold.core.labels import label_selector_as_selector
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import (
    get_abort_scale_down_delay_seconds_or_default,
    get_replicas_or_default,
    get_scale_down_delay_seconds_or_default,
    has_explicit_abort_scale_down_delay,
)

MAX_INT32 = 2**31 - 1


def _patch_annotations(c: RolloutContext, rs: Any, change: Any) -> tuple[Any, Err]:
    """A JSON patch of the ReplicaSet's annotations: unconditional."""
    fresh = c.cluster.get("ReplicaSet", rs.metadata.namespace, rs.metadata.name)
    if fresh is None:
        return None, Status("NotFound", 404, f'replicasets.apps "{rs.metadata.name}" not found')
    patched = ann.with_annotations(fresh, change(dict(fresh.metadata.annotations)))
    patched = rsync._unconditional(patched)
    written = apiserver.update(c.cluster, patched)
    if isinstance(written, Status):
        return None, written
    c.cluster = written.cluster
    rsync._replace_rs(c, written.object)
    return written.object, None


def remove_scale_down_delay(c: RolloutContext, rs: Any) -> Err:
    if not rsutil.has_scale_down_deadline(rs):
        return None

    def drop(a: dict[str, str]) -> dict[str, str]:
        a.pop(ann.SCALE_DOWN_DEADLINE_ANNOTATION, None)
        return a
    _, err = _patch_annotations(c, rs, drop)
    if err is not None:
        return Status(err.reason, err.code, "error removing scale-down-deadline annotation "
                                            f"from RS '{rs.metadata.name}': {err.message}")
    return None


def add_scale_down_delay(c: RolloutContext, rs: Any, seconds: int) -> Err:
    """addScaleDownDelay: the deadline now + seconds (0 removes it)."""
    if rs is None:
        return None
    if seconds == 0:
        return remove_scale_down_delay(c, rs) if rsutil.has_scale_down_deadline(rs) else None
    deadline = format_time(c.now + seconds)

    def add(a: dict[str, str]) -> dict[str, str]:
        a[ann.SCALE_DOWN_DEADLINE_ANNOTATION] = deadline
        return a
    _, err = _patch_annotations(c, rs, add)
    if err is not None:
        return Status(err.reason, err.code, "error adding scale-down-deadline annotation to "
                                            f"RS '{rs.metadata.name}': {err.message}")
    return None


def _controller_of(obj: Any) -> Any:
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


def get_replica_sets_for_rollout(cluster: Cluster, ro: Any) -> tuple[Cluster, list[Any], Err]:
    """getReplicaSetsForRollouts (ClaimReplicaSets): the Rollout's own ReplicaSets that its
    selector matches; matching orphans adopted; its own that no longer match released."""
    try:
        selector = label_selector_as_selector(ro.spec.selector)
    except ValueError as exc:
        return cluster, [], bad_request(f"rollout {ro.metadata.namespace}/{ro.metadata.name} "
                                        f"has invalid label selector: {exc}")
    uid = ro.metadata.uid
    owned = {rs.metadata.name: rs for rs in cluster.owned_by(uid, "ReplicaSet")}
    candidates = dict(owned)
    for rs in cluster.select("ReplicaSet", ro.metadata.namespace, selector):
        candidates.setdefault(rs.metadata.name, rs)
    claimed = []
    for name in sorted(candidates):
        rs = candidates[name]
        ref = _controller_of(rs)
        matches = selector.matches(rs.metadata.labels)
        if ref is not None:
            if ref.uid != uid:
                continue
            if matches:
                claimed.append(rs)
                continue
            if ro.metadata.deletion_timestamp is None:
                cluster = _set_owner(cluster, rs, [r for r in rs.metadata.owner_references
                                                   if r.uid != uid])
            continue
        if ro.metadata.deletion_timestamp is not None or not matches \
                or rs.metadata.deletion_timestamp is not None:
            continue
        new_cluster = _set_owner(cluster, rs, [*rs.metadata.owner_references,
                                               rsync._controller_ref(ro)])
        if new_cluster is not cluster:
            cluster = new_cluster
            claimed.append(cluster.get("ReplicaSet", rs.metadata.namespace, name))
    return cluster, claimed, None


def _set_owner(cluster: Cluster, rs: Any, refs: list[Any]) -> Cluster:
    import attrs
    patched = attrs.evolve(rs, metadata=attrs.evolve(rs.metadata, owner_references=pvector(refs),
                                                     resource_version=None))
    written = apiserver.update(cluster, patched)
    return cluster if isinstance(written, Status) else written.cluster


def remove_scale_down_deadlines(c: RolloutContext) -> Err:
    """removeScaleDownDeadlines: the new and stable ReplicaSets serve again; no deadline."""
    to_remove = []
    if c.new_rs is not None and not should_delay_scale_down_on_abort(c):
        to_remove.append(c.new_rs)
    if c.stable_rs is not None and (not to_remove
                                    or c.stable_rs.metadata.name != c.new_rs.metadata.name):
        to_remove.append(c.stable_rs)
    for rs in to_remove:
        err = remove_scale_down_delay(c, rs)
        if err is not None:
            return err
    return None


def sync_new_rs_replicas_annotation(c: RolloutContext) -> Err:
    if not ann.replicas_annotations_need_update(
            c.new_rs, get_replicas_or_default(c.rollout.spec.replicas)):
        return None
    _, new_rs, err = rsync.scale_replica_set_and_record_event(c, c.new_rs,
                                                              rsutil.spec_replicas(c.new_rs))
    if err is not None:
        return err
    c.new_rs = new_rs
    return None


def reconcile_new_replica_set(c: RolloutContext) -> tuple[bool, Err]:
    """reconcileNewReplicaSet: the new ReplicaSet to NewRSNewReplicas; on an abort with a
    scale-down delay it stays up until its deadline (annotated once the stable is back)."""
    if c.new_rs is None:
        return False, None
    count = rsutil.new_rs_new_replicas(c.rollout, c.all_rss, c.new_rs,
                                       c.new_status.canary.weights)
    if should_delay_scale_down_on_abort(c):
        delay, _ = get_abort_scale_down_delay_seconds_or_default(c.rollout)
        deadline = rsutil.scale_down_deadline(c.new_rs) \
            if ann.SCALE_DOWN_DEADLINE_ANNOTATION in c.new_rs.metadata.annotations else None
        if ann.SCALE_DOWN_DEADLINE_ANNOTATION in c.new_rs.metadata.annotations:
            if deadline is not None:
                if deadline > c.now:
                    c.enqueue_after(deadline - c.now)
                    err = sync_new_rs_replicas_annotation(c)
                    return False, err
                count = 0
        elif delay is not None:
            err = sync_new_rs_replicas_annotation(c)
            if err is not None:
                return False, err
            if rsutil.available(c.stable_rs) >= (c.rollout.spec.replicas or 0):
                err = add_scale_down_delay(c, c.new_rs, delay)
                if err is not None:
                    return False, err
            return False, None
    scaled, _, err = rsync.scale_replica_set_and_record_event(c, c.new_rs, count)
    if err is not None:
        return scaled, Status(err.reason, err.code, "failed to scaleReplicaSetAndRecordEvent in "
                                                    f"reconcileNewReplicaSet: {err.message}")
    workload = c.rollout.spec.workload_ref
    if (rsutil.revision(c.new_rs) or 0) == 1 and workload is not None \
            and workload.scale_down == "progressively":
        from kubefold.reducers.rollouts.rollout.templateref import scale_deployment
        if c.rollout.status.phase == "Healthy":
            scale_deployment(c, 0)
        else:
            old_scale = get_replicas_or_default(c.new_rs.spec.replicas)
            ready = c.rollout.status.ready_replicas or 0
            if c.rollout.spec.replicas is not None and (ready > 0 or old_scale > count):
                scale_deployment(c, c.rollout.spec.replicas - ready)
    return scaled, None


def should_delay_scale_down_on_abort(c: RolloutContext) -> bool:
    """shouldDelayScaleDownOnAbort: aborted, a stable exists, not a basic canary, a delay is
    set (and, with dynamicStableScale, set explicitly)."""
    if not c.pause_context.is_aborted() or c.stable_rs is None:
        return False
    canary = c.rollout.spec.strategy.canary
    if canary is not None and canary.traffic_routing is None:
        return False
    delay, _ = get_abort_scale_down_delay_seconds_or_default(c.rollout)
    if delay is None:
        return False
    dynamic = canary is not None and bool(canary.dynamic_stable_scale)
    return not (dynamic and not has_explicit_abort_scale_down_delay(c.rollout))


def reconcile_other_replica_sets(c: RolloutContext) -> tuple[bool, Err]:
    """reconcileOtherReplicaSets: scale down the ReplicaSets that are neither new nor stable."""
    from kubefold.reducers.rollouts.rollout import bluegreen, canary

    others = rsutil.filter_active_replica_sets(c.other_rss)
    if rsutil.get_replica_count_for_replica_sets(others) == 0:
        return False, None
    scaled = False
    if c.rollout.spec.strategy.canary is not None:
        count, err = canary.scale_down_old_replica_sets_for_canary(c, others)
        if err is not None:
            return False, None
        scaled = count > 0
    if c.rollout.spec.strategy.blue_green is not None:
        scaled, err = bluegreen.scale_down_old_replica_sets_for_blue_green(c, others)
        if err is not None:
            return False, None
    return scaled, None


def cleanup_unhealthy_replicas(c: RolloutContext, old_rss: list[Any]
                               ) -> tuple[list[Any], int, Err]:
    """cleanupUnhealthyReplicas: scale each old ReplicaSet down to its available replicas."""
    old_rss = rsutil.sort_by_creation(old_rss)
    total = 0
    for i, rs in enumerate(old_rss):
        replicas = rsutil.spec_replicas(rs)
        if replicas == 0 or replicas == rsutil.available(rs):
            continue
        new_count = rsutil.available(rs)
        if new_count > replicas:
            return [], 0, bad_request(
                f"when cleaning up unhealthy replicas, got invalid request to scale down "
                f"{rs.metadata.namespace}/{rs.metadata.name} {replicas} -> {new_count}")
        _, updated, err = rsync.scale_replica_set_and_record_event(c, rs, new_count)
        if err is not None:
            return [], total, err
        total += replicas - new_count
        old_rss[i] = updated
    return old_rss, total, None


def get_scale_down_revision_limit(ro: Any) -> int:
    blue_green, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    if blue_green is not None and blue_green.scale_down_delay_revision_limit is not None:
        return blue_green.scale_down_delay_revision_limit
    if canary is not None and canary.scale_down_delay_revision_limit is not None:
        return canary.scale_down_delay_revision_limit
    return MAX_INT32


def scale_down_delay_helper(c: RolloutContext, rs: Any, annotated: int, replicas: int
                            ) -> tuple[int, int, Err]:
    """scaleDownDelayHelper: (annotated so far, the desired count, error). A scaled-up old
    ReplicaSet without a deadline gets one and keeps its size; one within its deadline keeps
    the Rollout's replicas; past the revision limit or the deadline it goes to 0."""
    desired = 0
    limit = get_scale_down_revision_limit(c.rollout)
    if not rsutil.has_scale_down_deadline(rs) and rsutil.spec_replicas(rs) > 0:
        if annotated < limit:
            annotated += 1
            desired = rsutil.spec_replicas(rs)
            delay = get_scale_down_delay_seconds_or_default(c.rollout)
            err = add_scale_down_delay(c, rs, delay)
            if err is not None:
                return annotated, desired, err
            c.enqueue_after(delay)
    elif rsutil.has_scale_down_deadline(rs):
        annotated += 1
        if annotated <= limit:
            remaining = rsutil.get_time_remaining_before_scale_down_deadline(rs, c.now)
            if remaining is not None:
                c.enqueue_after(remaining)
                desired = replicas
    return annotated, desired, None


def is_replica_set_referenced(c: RolloutContext, rs: Any) -> bool:
    """isReplicaSetReferenced: a selector, a recorded weight, a Service or a DestinationRule
    subset still points at this ReplicaSet's hash."""
    pod_hash = rsutil.get_pod_template_hash(rs)
    if not pod_hash:
        return False
    ro = c.rollout
    refs = [ro.status.stable_rs, ro.status.current_pod_hash, ro.status.blue_green.active_selector,
            ro.status.blue_green.preview_selector]
    weights = ro.status.canary.weights
    if weights is not None:
        refs += [weights.canary.pod_template_hash, weights.stable.pod_template_hash]
    if pod_hash in refs:
        return True
    canary, blue_green = ro.spec.strategy.canary, ro.spec.strategy.blue_green
    if canary is not None:
        names = [canary.canary_service, canary.stable_service]
    else:
        names = [blue_green.active_service, blue_green.preview_service]
    for name in names:
        if not name:
            continue
        svc = c.cluster.get("Service", ro.metadata.namespace, name)
        if svc is not None and svc.spec.selector.get(rsutil.HASH_KEY, "") == pod_hash:
            return True
    return _referenced_by_destination_rule(c, pod_hash)


def _referenced_by_destination_rule(c: RolloutContext, pod_hash: str) -> bool:
    from kubefold.core.codec import encode_object
    canary = c.rollout.spec.strategy.canary
    if canary is None or canary.traffic_routing is None or canary.traffic_routing.istio is None \
            or canary.traffic_routing.istio.destination_rule is None:
        return False
    rule = c.cluster.get("DestinationRule", c.rollout.metadata.namespace,
                         canary.traffic_routing.istio.destination_rule.name)
    if rule is None:
        return False
    subsets = (encode_object(rule).get("spec") or {}).get("subsets") or []
    return any(isinstance(s, dict) and (s.get("labels") or {}).get(rsutil.HASH_KEY) == pod_hash
               for s in subsets)
