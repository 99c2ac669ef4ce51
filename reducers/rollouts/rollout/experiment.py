"""A canary's `experiment` step: the Experiment the Rollout creates for it, and its outcome
(Inconclusive pauses the Rollout, Failed or Error aborts it).

Models: rollout/experiment.go (GetExperimentFromTemplate, getExperimentsForRollout,
reconcileExperiments, createExperimentWithCollisionHandling, cancelExperiments,
deleteExperiments) and utils/experiment (GetCurrentExperiment, GetOldExperiments,
FilterExperimentsToDelete, Terminate), argo-rollouts at 9f8d111.
Covered by: tests/test_rollouts_experiment.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.errors import Status, bad_request
from kubefold.core.objects import ObjectMeta
from kubefold.core.rollouts import Experiment, ExperimentSpec, TemplateSpec, phase_completed
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import (
    PAUSE_REASON_INCONCLUSIVE_ANALYSIS,
    PAUSE_REASON_INCONCLUSIVE_EXPERIMENT,
    Err,
    RolloutContext,
    get_pause_condition,
)
from kubefold.reducers.rollouts.utils import analysis as au
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import (
    get_analysis_run_successful_history_limit_or_default,
    get_analysis_run_unsuccessful_history_limit_or_default,
)
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash


def get_experiments_for_rollout(cluster: Any, ro: Any) -> list[Any]:
    return [e for e in cluster.owned_by(ro.metadata.uid or "", "Experiment")
            if any(r.controller and r.uid == ro.metadata.uid
                   for r in e.metadata.owner_references)]


def get_current_experiment(ro: Any, exs: list[Any]) -> Any:
    """GetCurrentExperiment: the one status.canary.currentExperiment names."""
    name = ro.status.canary.current_experiment
    return next((e for e in exs if name and e.metadata.name == name), None)


def get_experiment_from_template(ro: Any, stable_rs: Any, new_rs: Any
                                 ) -> tuple[Any, str | None]:
    """GetExperimentFromTemplate: `<rollout>-<hash>-<revision>-<step>` running the step's
    templates (the canary's or stable's pod template) and analyses."""
    step = rsutil.get_current_experiment_step(ro)
    if step is None:
        return None, None
    pod_hash = compute_pod_template_hash(ro.spec.template, ro.status.collision_count)
    current_step = ro.status.current_step_index or 0
    revision = ro.metadata.annotations.get(ann.REVISION_ANNOTATION, "")
    labels = dict(ro.metadata.labels)
    labels[rsutil.HASH_KEY] = pod_hash
    instance = au.get_instance_id(ro)
    if instance:
        labels[au.LABEL_KEY_CONTROLLER_INSTANCE_ID] = instance
    templates = []
    for t in step.templates:
        if t.spec_ref == "canary":
            source = new_rs
        elif t.spec_ref == "stable":
            source = stable_rs
        else:
            return None, "Invalid template step SpecRef: must be canary or stable"
        template = source.spec.template
        selector = t.selector if t.selector is not None else source.spec.selector
        if t.metadata is not None and t.metadata.labels:
            template = attrs.evolve(template, metadata=attrs.evolve(
                template.metadata, labels=template.metadata.labels.update(t.metadata.labels)))
            selector = attrs.evolve(selector, match_labels=selector.match_labels.update(
                t.metadata.labels))
        if t.metadata is not None and t.metadata.annotations:
            template = attrs.evolve(template, metadata=attrs.evolve(
                template.metadata,
                annotations=template.metadata.annotations.update(t.metadata.annotations)))
        service = None
        if t.weight is not None or t.service is not None:
            service = pmap({"name": t.service.get("name")}) \
                if t.service is not None and t.service.get("name") else pmap()
        templates.append(TemplateSpec(name=t.name, replicas=t.replicas, template=template,
                                      min_ready_seconds=source.spec.min_ready_seconds,
                                      selector=selector, service=service))
    analyses = []
    for a in step.analyses:
        args, message = au.build_arguments_for_rollout_analysis_run(a.args, stable_rs, new_rs,
                                                                    ro)
        if message is not None:
            return None, message
        analyses.append(attrs.evolve(a, args=pvector(args)))
    ex = Experiment(
        api_version=rsync.API_VERSION, kind="Experiment",
        metadata=ObjectMeta(name=f"{ro.metadata.name}-{pod_hash}-{revision}-{current_step}",
                            namespace=ro.metadata.namespace, labels=pmap(labels),
                            annotations=pmap({ann.REVISION_ANNOTATION: revision}),
                            owner_references=pvector([rsync._controller_ref(ro)])),
        spec=ExperimentSpec(templates=pvector(templates), duration=step.duration,
                            progress_deadline_seconds=ro.spec.progress_deadline_seconds,
                            dry_run=step.dry_run,
                            analysis_run_metadata=step.analysis_run_metadata,
                            scale_down_delay_seconds=step.scale_down_delay_seconds,
                            analyses=pvector(analyses)))
    return ex, None


def reconcile_experiments(c: RolloutContext) -> Err:
    """reconcileExperiments: create the step's Experiment, follow it, end the others."""
    ro = c.rollout
    if c.pause_context.is_aborted() or ro.status.promote_full:
        return cancel_experiments(c, [*c.other_exs, c.current_ex])
    if get_pause_condition(ro, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
        return None
    step, _ = rsutil.get_current_canary_step(ro)
    current = c.current_ex
    if step is not None and step.experiment is not None:
        if current is None:
            if c.stable_rs is None:
                return None
            ex, message = get_experiment_from_template(ro, c.stable_rs, c.new_rs)
            if message is not None:
                return bad_request(message)
            current, err = create_experiment_with_collision_handling(c, ex)
            if err is not None:
                return err
        phase = current.status.phase
        if phase == "Inconclusive":
            c.pause_context.add_pause_condition(PAUSE_REASON_INCONCLUSIVE_EXPERIMENT)
        elif phase in ("Error", "Failed"):
            message = "Experiment analysis phase is error/failed"
            if current.status.message:
                message += ": " + current.status.message
            c.pause_context.add_abort_with(message)
        elif phase != "Successful":
            c.set_current_experiment(current)
    others = list(c.other_exs)
    if current is not None and (step is None or step.experiment is None):
        others.append(current)
    err = cancel_experiments(c, others)
    if err is not None:
        return err
    to_delete = filter_experiments_to_delete(
        others, c.all_rss, get_analysis_run_successful_history_limit_or_default(ro),
        get_analysis_run_unsuccessful_history_limit_or_default(ro))
    return rsync.delete_objects(c, "Experiment", to_delete)


def create_experiment_with_collision_handling(c: RolloutContext, ex: Any) -> tuple[Any, Err]:
    base = ex.metadata.name
    for count in range(1, 1000):
        written = apiserver.create(c.cluster, ex)
        if not isinstance(written, Status):
            c.cluster = written.cluster
            return written.object, None
        if written.reason != "AlreadyExists":
            return None, written
        existing = c.cluster.get("Experiment", ex.metadata.namespace, ex.metadata.name)
        equal = existing is not None and attrs.evolve(existing.spec, terminate=None) \
            == attrs.evolve(ex.spec, terminate=None)
        ours = existing is not None and any(r.controller and r.uid == c.rollout.metadata.uid
                                            for r in existing.metadata.owner_references)
        if existing is not None and not phase_completed(existing.status.phase) and equal \
                and ours:
            return existing, None
        ex = attrs.evolve(ex, metadata=attrs.evolve(ex.metadata, name=f"{base}-{count}"))
    return None, bad_request(f"too many Experiments named {base}")


def cancel_experiments(c: RolloutContext, exs: list[Any]) -> Err:
    for ex in exs:
        if ex is None or ex.spec.terminate or phase_completed(ex.status.phase):
            continue
        fresh = c.cluster.get("Experiment", ex.metadata.namespace, ex.metadata.name)
        if fresh is None:
            continue
        written = apiserver.update(c.cluster, attrs.evolve(
            fresh, spec=attrs.evolve(fresh.spec, terminate=True),
            metadata=attrs.evolve(fresh.metadata, resource_version=None)))
        if isinstance(written, Status):
            return written
        c.cluster = written.cluster
    return None


def filter_experiments_to_delete(exs: list[Any], all_rss: list[Any], limit_successful: int,
                                 limit_unsuccessful: int) -> list[Any]:
    """FilterExperimentsToDelete: as for AnalysisRuns."""
    return au.filter_analysis_runs_to_delete(exs, all_rss, limit_successful, limit_unsuccessful)
