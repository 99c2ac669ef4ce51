"""workloadRef: a Rollout that takes its pod template (and selector) from a Deployment,
ReplicaSet or PodTemplate, as Argo's template resolver does, and may scale that Deployment down
once it has taken over (`scaleDown: onsuccess | progressively | never`).

The resolved template lives only in the reconciliation (Go's RolloutSpec marshals it away):
writes of the Rollout keep the stored spec's template and selector.

Models: rollout/templateref.go (informerBasedTemplateResolver.Resolve, infoByGroupKind,
updateRolloutsReferenceAnnotation's workload-generation annotation), rollout/scale_utils.go
(scaleDeployment), utils/annotations (SetRolloutWorkloadRefGeneration), argo-rollouts at
9f8d111.
Covered by: tests/test_rollouts_e2e.py (workloadRef).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.objects import PodTemplateSpec
from kubefold.core.schema import decode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout.context import Err, RolloutContext
from kubefold.reducers.rollouts.utils.annotations import WORKLOAD_GENERATION_ANNOTATION

_KINDS = {("", "PodTemplate"): ("template", None),
          ("apps", "Deployment"): ("spec", "selector"),
          ("apps", "ReplicaSet"): ("spec", "selector")}


def resolve(c: RolloutContext) -> Err:
    """Resolve: the referenced workload's template (and selector, when the Rollout has none)
    into ctx.rollout; the workload's generation into the annotation."""
    ro = c.rollout
    ref = ro.spec.workload_ref
    if ref is None:
        return None
    template = ro.spec.template
    if template is not None and (template.metadata.labels or template.metadata.annotations):
        return bad_request("template must be empty for workload reference rollout")
    group, _, _ = (ref.api_version or "").rpartition("/")
    info = _KINDS.get((group, ref.kind or ""))
    if info is None:
        return bad_request(f"workload of type {group}/{ref.kind} is not supported")
    obj = c.cluster.get(ref.kind, ro.metadata.namespace, ref.name)
    if obj is None:
        resource = f"{(ref.kind or '').lower()}s" + (f".{group}" if group else "")
        return not_found_status(resource, ref.name)
    if info[0] == "spec":
        resolved = obj.spec.template
    else:
        resolved = decode(PodTemplateSpec, thaw(obj.extra.get("template")) or {}, "template")
    spec = attrs.evolve(ro.spec, template=resolved)
    c.resolved_template = True
    if ro.spec.selector is None and info[1] is not None:
        spec = attrs.evolve(spec, selector=obj.spec.selector)
        c.resolved_selector = True
    ro = attrs.evolve(ro, spec=spec)
    generation = str(obj.metadata.generation or 0)
    if ro.metadata.annotations.get(WORKLOAD_GENERATION_ANNOTATION) != generation:
        ro = attrs.evolve(ro, metadata=attrs.evolve(
            ro.metadata, annotations=ro.metadata.annotations.set(WORKLOAD_GENERATION_ANNOTATION,
                                                                 generation)))
    c.rollout = ro
    c.pause_context.rollout = ro
    return None


def stored_spec(c: RolloutContext, ro: Any) -> Any:
    """The Rollout as it is written back: the stored template and selector where they were
    resolved."""
    if not (c.resolved_template or c.resolved_selector):
        return ro
    stored = c.cluster.get("Rollout", ro.metadata.namespace, ro.metadata.name)
    spec = ro.spec
    if c.resolved_template:
        spec = attrs.evolve(spec, template=stored.spec.template)
    if c.resolved_selector:
        spec = attrs.evolve(spec, selector=stored.spec.selector)
    return attrs.evolve(ro, spec=spec)


def scale_deployment(c: RolloutContext, target: int) -> Err:
    """scaleDeployment: the referenced Deployment to `target` (never below 0)."""
    ref = c.rollout.spec.workload_ref
    d = c.cluster.get("Deployment", c.rollout.metadata.namespace, ref.name)
    if d is None:
        return not_found_status("deployments.apps", ref.name)
    count = max(target, 0)
    if count == (d.spec.replicas if d.spec.replicas is not None else 1):
        return None
    written = apiserver.update(c.cluster, attrs.evolve(
        d, spec=attrs.evolve(d.spec, replicas=count),
        metadata=attrs.evolve(d.metadata, resource_version=None)))
    if isinstance(written, Status):
        return written
    c.cluster = written.cluster
    return None
