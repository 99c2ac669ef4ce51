"""The AnalysisRuns a Rollout starts and stops: a canary's step and background analyses,
blue-green's pre- and post-promotion analyses; their outcomes pause (Inconclusive) or abort
(Failed, Error) the Rollout.

Models: rollout/analysis.go (getAnalysisRunsForRollout, reconcileAnalysisRuns,
setPauseOrAbortForBlueGreen, needsNewAnalysisRun, reconcilePrePromotionAnalysisRun,
skipPrePromotionAnalysisRun, skipPostPromotionAnalysisRun, reconcilePostPromotionAnalysisRun,
reconcileBackgroundAnalysisRun, createAnalysisRun, reconcileStepBasedAnalysisRun,
cancelAnalysisRuns, newAnalysisRunFromRollout, getAnalysisTemplatesFromRefs,
deleteAnalysisRuns) and utils/analysis CreateWithCollisionCounter, argo-rollouts at 9f8d111.
Covered by: tests/test_rollouts_canary.py, tests/test_rollouts_bluegreen.py,
tests/test_rollouts_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.errors import Status, bad_request
from kubefold.core.objects import ObjectMeta
from kubefold.core.rollouts import AnalysisRun, phase_completed
from kubefold.reducers import apiserver
from kubefold.reducers.rollouts.rollout import sync as rsync
from kubefold.reducers.rollouts.rollout.context import (
    PAUSE_REASON_BLUE_GREEN_PAUSE,
    PAUSE_REASON_CANARY_PAUSE_STEP,
    PAUSE_REASON_INCONCLUSIVE_ANALYSIS,
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
from kubefold.reducers.rollouts.utils.rollout import is_fully_promoted


def get_analysis_runs_for_rollout(cluster: Any, ro: Any) -> list[Any]:
    """The AnalysisRuns whose controller is the Rollout (through the owner index)."""
    return [r for r in cluster.owned_by(ro.metadata.uid or "", "AnalysisRun")
            if any(ref.controller and ref.uid == ro.metadata.uid
                   for ref in r.metadata.owner_references)]


def reconcile_analysis_runs(c: RolloutContext) -> Err:
    """reconcileAnalysisRuns."""
    ro = c.rollout
    cancel_current = is_fully_promoted(ro) or c.pause_context.is_aborted() \
        or bool(ro.status.promote_full) or rsync.is_fast_rollback(c) or not ro.status.stable_rs
    current = au.CurrentAnalysisRuns()
    if cancel_current:
        err = cancel_analysis_runs(c, c.current_ars.to_array())
        if err is not None:
            return err
        current = au.CurrentAnalysisRuns(
            blue_green_pre_promotion=c.current_ars.blue_green_pre_promotion,
            blue_green_post_promotion=c.current_ars.blue_green_post_promotion)
    elif ro.spec.strategy.canary is not None:
        step_run, err = reconcile_step_based_analysis_run(c)
        if err is not None:
            return err
        background, err = reconcile_background_analysis_run(c)
        if err is not None:
            return err
        current = au.CurrentAnalysisRuns(canary_step=step_run, canary_background=background)
    elif ro.spec.strategy.blue_green is not None:
        pre, err = reconcile_pre_promotion_analysis_run(c)
        if err is not None:
            return err
        set_pause_or_abort_for_blue_green(c, pre, False)
        post, err = reconcile_post_promotion_analysis_run(c)
        if err is not None:
            return err
        set_pause_or_abort_for_blue_green(c, post, True)
        current = au.CurrentAnalysisRuns(blue_green_pre_promotion=pre,
                                         blue_green_post_promotion=post)
    c.set_current_analysis_runs(current)
    names = {r.metadata.name for r in current.to_array()}
    others = [r for r in c.other_ars if r.metadata.name not in names]
    err = cancel_analysis_runs(c, others)
    if err is not None:
        return err
    to_delete = au.filter_analysis_runs_to_delete(
        others, c.all_rss, get_analysis_run_successful_history_limit_or_default(ro),
        get_analysis_run_unsuccessful_history_limit_or_default(ro))
    return rsync.delete_objects(c, "AnalysisRun", to_delete)


def set_pause_or_abort_for_blue_green(c: RolloutContext, run: Any, post: bool) -> None:
    if run is None:
        return
    if run.status.phase == "Inconclusive":
        c.pause_context.add_pause_condition(PAUSE_REASON_INCONCLUSIVE_ANALYSIS)
    elif run.status.phase in ("Error", "Failed"):
        which = "post" if post else "pre"
        message = f"Blue/green {which}-promotion analysis phase error/failed"
        if run.status.message:
            message += ": " + run.status.message
        c.pause_context.add_abort_with(message)


def needs_new_analysis_run(current: Any, ro: Any) -> bool:
    """needsNewAnalysisRun: none yet; after an inconclusive run the controller paused for;
    after an abort (a retry)."""
    if current is None:
        return True
    if ro.status.controller_pause \
            and get_pause_condition(ro, PAUSE_REASON_CANARY_PAUSE_STEP) is None \
            and get_pause_condition(ro, PAUSE_REASON_BLUE_GREEN_PAUSE) is None:
        return current.status.phase == "Inconclusive"
    return ro.status.aborted_at is not None


def skip_pre_promotion_analysis_run(ro: Any, new_rs: Any, current: Any) -> bool:
    pod_hash = rsutil.get_pod_template_hash(new_rs)
    active = ro.status.blue_green.active_selector or ""
    if (ro.status.stable_rs or "") == pod_hash or not active or active == pod_hash \
            or not pod_hash:
        return True
    if current is not None:
        return False
    count = ro.spec.strategy.blue_green.preview_replica_count
    if count is not None:
        return rsutil.spec_replicas(new_rs) != count or rsutil.available(new_rs) != count
    return not ann.is_saturated(ro, new_rs)


def skip_post_promotion_analysis_run(ro: Any, new_rs: Any, current: Any) -> bool:
    pod_hash = rsutil.get_pod_template_hash(new_rs)
    active = ro.status.blue_green.active_selector or ""
    if (ro.status.stable_rs or "") == pod_hash or active != pod_hash or not pod_hash:
        return True
    if current is not None:
        return False
    return not ann.is_saturated(ro, new_rs)


def reconcile_pre_promotion_analysis_run(c: RolloutContext) -> tuple[Any, Err]:
    current = c.current_ars.blue_green_pre_promotion
    analysis = c.rollout.spec.strategy.blue_green.pre_promotion_analysis
    if analysis is None or not analysis.templates:
        return None, cancel_analysis_runs(c, [current])
    if skip_pre_promotion_analysis_run(c.rollout, c.new_rs, current):
        return current, cancel_analysis_runs(c, [current])
    if get_pause_condition(c.rollout, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
        return current, None
    if needs_new_analysis_run(current, c.rollout):
        labels = au.pre_promotion_labels(rsutil.get_pod_template_hash(c.new_rs),
                                         au.get_instance_id(c.rollout))
        return create_analysis_run(c, analysis, "pre", labels)
    return current, None


def reconcile_post_promotion_analysis_run(c: RolloutContext) -> tuple[Any, Err]:
    current = c.current_ars.blue_green_post_promotion
    analysis = c.rollout.spec.strategy.blue_green.post_promotion_analysis
    if analysis is None or not analysis.templates:
        return None, cancel_analysis_runs(c, [current])
    if skip_post_promotion_analysis_run(c.rollout, c.new_rs, current) \
            or not (c.targets_verified is None or c.targets_verified):
        return current, cancel_analysis_runs(c, [current])
    if get_pause_condition(c.rollout, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
        return current, None
    if needs_new_analysis_run(current, c.rollout):
        labels = au.post_promotion_labels(rsutil.get_pod_template_hash(c.new_rs),
                                          au.get_instance_id(c.rollout))
        return create_analysis_run(c, analysis, "post", labels)
    return current, None


def reconcile_background_analysis_run(c: RolloutContext) -> tuple[Any, Err]:
    ro = c.rollout
    current = c.current_ars.canary_background
    analysis = ro.spec.strategy.canary.analysis
    if analysis is None or not analysis.templates:
        return None, cancel_analysis_runs(c, [current])
    if is_fully_promoted(ro) or not ro.status.stable_rs or not ro.status.current_pod_hash \
            or rsutil.before_starting_step(ro):
        return None, None
    if get_pause_condition(ro, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
        return current, None
    if needs_new_analysis_run(current, ro):
        labels = au.background_labels(rsutil.get_pod_template_hash(c.new_rs),
                                      au.get_instance_id(ro))
        return create_analysis_run(c, analysis, "", labels)
    _pause_or_abort(c, current, "Background analysis phase error/failed")
    return current, None


def _pause_or_abort(c: RolloutContext, run: Any, failed_message: str) -> None:
    if run.status.phase == "Inconclusive":
        c.pause_context.add_pause_condition(PAUSE_REASON_INCONCLUSIVE_ANALYSIS)
    elif run.status.phase in ("Error", "Failed"):
        message = failed_message
        if run.status.message:
            message += ": " + run.status.message
        c.pause_context.add_abort_with(message)


def reconcile_step_based_analysis_run(c: RolloutContext) -> tuple[Any, Err]:
    ro = c.rollout
    step, index = rsutil.get_current_canary_step(ro)
    current = c.current_ars.canary_step
    if ro.status.pause_conditions or ro.status.abort:
        return current, None
    from_previous = step is not None and step.analysis is not None and current is not None \
        and current.metadata.labels.get(au.ROLLOUT_CANARY_STEP_INDEX_LABEL) != str(index)
    if step is None or step.analysis is None or not step.analysis.templates or index is None \
            or from_previous:
        return None, cancel_analysis_runs(c, [current])
    if needs_new_analysis_run(current, ro):
        labels = au.step_labels(index, rsutil.get_pod_template_hash(c.new_rs),
                                au.get_instance_id(ro))
        return create_analysis_run(c, step.analysis, str(index), labels)
    _pause_or_abort(c, current, "Step-based analysis phase error/failed")
    return current, None


def cancel_analysis_runs(c: RolloutContext, runs: list[Any]) -> Err:
    """cancelAnalysisRuns: spec.terminate on the runs still going."""
    for run in runs:
        if run is None or run.spec.terminate or phase_completed(run.status.phase):
            continue
        fresh = c.cluster.get("AnalysisRun", run.metadata.namespace, run.metadata.name)
        if fresh is None:
            continue
        written = apiserver.update(c.cluster, attrs.evolve(
            fresh, spec=attrs.evolve(fresh.spec, terminate=True),
            metadata=attrs.evolve(fresh.metadata, resource_version=None)))
        if isinstance(written, Status):
            if written.reason == "NotFound":
                continue
            return written
        c.cluster = written.cluster
    return None


def get_analysis_templates_from_refs(c: RolloutContext, refs: Any
                                     ) -> tuple[list[Any], list[Any], Err]:
    """getAnalysisTemplatesFromRefs: the templates and cluster templates named, with the ones
    they name in turn, each once."""
    templates: list[Any] = []
    cluster_templates: list[Any] = []
    for ref in refs:
        if ref.cluster_scope:
            t = c.cluster.get("ClusterAnalysisTemplate", "", ref.template_name)
            if t is None:
                return [], [], Status("NotFound", 404, f'clusteranalysistemplate.argoproj.io '
                                                       f'"{ref.template_name}" not found')
            cluster_templates.append(t)
        else:
            t = c.cluster.get("AnalysisTemplate", c.rollout.metadata.namespace,
                              ref.template_name)
            if t is None:
                return [], [], Status("NotFound", 404, f'analysistemplate.argoproj.io '
                                                       f'"{ref.template_name}" not found')
            templates.append(t)
        if t.spec.templates:
            inner_t, inner_c, err = get_analysis_templates_from_refs(c, t.spec.templates)
            if err is not None:
                return [], [], err
            cluster_templates.extend(inner_c)
            templates.extend(inner_t)
    templates, cluster_templates = au.filter_unique_templates(templates, cluster_templates)
    return templates, cluster_templates, None


def new_analysis_run_from_rollout(c: RolloutContext, analysis: Any, args: list[Any],
                                  pod_hash: str, infix: str, labels: dict[str, str]
                                  ) -> tuple[Any, Err]:
    """newAnalysisRunFromRollout: `<rollout>-<hash>-<revision>[-<infix>]`, labelled with the
    Rollout's selector, owned by it."""
    ro = c.rollout
    revision = ro.metadata.annotations.get(ann.REVISION_ANNOTATION, "")
    name = "-".join([ro.metadata.name, pod_hash, revision, *([infix] if infix else [])])
    templates, cluster_templates, err = get_analysis_templates_from_refs(c, analysis.templates)
    if err is not None:
        return None, err
    run_labels = dict(labels)
    if analysis.analysis_run_metadata is not None:
        run_labels.update(analysis.analysis_run_metadata.labels)
    run_labels.update(ro.spec.selector.match_labels)
    annotations = {ann.REVISION_ANNOTATION: revision}
    if analysis.analysis_run_metadata is not None:
        annotations.update(analysis.analysis_run_metadata.annotations)
    spec, message = au.new_analysis_run_spec(templates, cluster_templates, args,
                                             analysis.dry_run, analysis.measurement_retention)
    if message is not None or spec is None:
        return None, bad_request(message or "")
    run = AnalysisRun(
        api_version=rsync.API_VERSION, kind="AnalysisRun",
        metadata=ObjectMeta(name=name, namespace=ro.metadata.namespace, labels=pmap(run_labels),
                            annotations=pmap(annotations),
                            owner_references=pvector([rsync._controller_ref(ro)])),
        spec=spec)
    return run, None


def create_analysis_run(c: RolloutContext, analysis: Any, infix: str,
                        labels: dict[str, str]) -> tuple[Any, Err]:
    """createAnalysisRun, with CreateWithCollisionCounter: an existing run of the same name
    that is ours, equal and still going is taken; otherwise `.1`, `.2`, ... is tried."""
    args, message = au.build_arguments_for_rollout_analysis_run(analysis.args, c.stable_rs,
                                                                c.new_rs, c.rollout)
    if message is not None:
        return None, bad_request(message)
    pod_hash = rsutil.get_pod_template_hash(c.new_rs)
    if not pod_hash:
        return None, bad_request(f"Latest ReplicaSet '{c.new_rs.metadata.name}' has no pod hash "
                                 "in the labels")
    run, err = new_analysis_run_from_rollout(c, analysis, args, pod_hash, infix, labels)
    if err is not None:
        return None, err
    base = run.metadata.name
    for count in range(1, 1000):
        written = apiserver.create(c.cluster, run)
        if not isinstance(written, Status):
            c.cluster = written.cluster
            return written.object, None
        if written.reason != "AlreadyExists":
            return None, written
        existing = c.cluster.get("AnalysisRun", run.metadata.namespace, run.metadata.name)
        ours = existing is not None and any(
            ref.controller and ref.uid == c.rollout.metadata.uid
            for ref in existing.metadata.owner_references)
        if existing is not None and not phase_completed(existing.status.phase) \
                and au.is_semantically_equal(run.spec, existing.spec) and ours:
            return existing, None
        run = attrs.evolve(run, metadata=attrs.evolve(run.metadata, name=f"{base}.{count}"))
    return None, bad_request(f"too many AnalysisRuns named {base}")
