"""The `experiments` controller: runs an Experiment's templates as ReplicaSets for its duration,
with its analyses as AnalysisRuns, and decides its phase (what a canary's `experiment` step
waits for).

`sync(cluster, key)` is one syncHandler call for `namespace/name`: each template's ReplicaSet
(`<experiment>-<template>`) is created and scaled (to 0, after scaleDownDelaySeconds, once the
experiment ends), each analysis' AnalysisRun (`<experiment>-<analysis>`) created or followed;
then the phase: Pending until every template is available (`availableAt`), Running for the
duration, Successful after it (or when the required analyses succeeded); Failed, Error or
Inconclusive from a template or an analysis.

Models: experiments/controller.go (syncHandler), experiments/experiment.go (reconcile,
reconcileTemplate, scaleTemplateRS, createReplicaSetForTemplate, calculateEnqueueDuration,
reconcileAnalysisRun, createAnalysisRun, ResolveAnalysisRunArgs, calculateStatus,
assessTemplates, assessAnalysisRuns, newAnalysisRun), experiments/replicaset.go
(getReplicaSetsForExperiment, createReplicaSet, newReplicaSetFromTemplate, addScaleDownDelay,
scaleReplicaSet) and utils/experiment (IsTerminating, HasRequiredAnalysisRuns,
RequiredAnalysisRunsSuccessful, PassedDurations, CalculateTemplateReplicasCount,
TemplateIsWorse), argo-rollouts at 9f8d111.
Simplifies: template Services (and so experiment traffic weights) are not created; the
InvalidSpec and Progressing conditions of an Experiment are not written; arguments resolve
`{{templates.<name>.podTemplateHash}}`, `{{templates.<name>.replicaset.name}}` and
`{{experiment.availableAt}}` / `{{experiment.finishedAt}}`.
Covered by: tests/test_rollouts_experiment.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.objects import ObjectMeta, OwnerReference, ReplicaSet, ReplicaSetSpec
from kubefold.core.rollouts import (
    AnalysisRun,
    ExperimentAnalysisRunStatus,
    TemplateStatus,
    parse_go_duration,
    phase_completed,
)
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller
from kubefold.reducers.rollouts.utils import analysis as au
from kubefold.reducers.rollouts.utils import annotations as ann
from kubefold.reducers.rollouts.utils import replicaset as rsutil
from kubefold.reducers.rollouts.utils.defaults import (
    DEFAULT_PROGRESS_DEADLINE_SECONDS,
    DEFAULT_SCALE_DOWN_DELAY_SECONDS,
    get_replicas_or_default,
)
from kubefold.reducers.rollouts.utils.hash import compute_pod_template_hash

NAME = "experiments"
EXPERIMENT_NAME_ANNOTATION = "experiment.argoproj.io/name"
EXPERIMENT_TEMPLATE_NAME_ANNOTATION = "experiment.argoproj.io/template-name"
REQUIRED_ANALYSIS_COMPLETED_MESSAGE = "Required AnalysisRuns completed"
_TEMPLATE_ORDER = ("Successful", "Running", "Progressing", "Error", "Failed")


def is_terminating(ex: Any) -> bool:
    if ex.spec.terminate or phase_completed(ex.status.phase):
        return True
    if any(ts.status in ("Failed", "Error") for ts in ex.status.template_statuses):
        return True
    if any(r.phase in ("Failed", "Error", "Inconclusive") for r in ex.status.analysis_runs):
        return True
    return required_analysis_runs_successful(ex, ex.status)


def has_required_analysis_runs(ex: Any) -> bool:
    return any(a.required_for_completion for a in ex.spec.analyses)


def _run_status(status: Any, name: str) -> Any:
    return next((r for r in status.analysis_runs if r.name == name), None)


def _template_status(status: Any, name: str) -> Any:
    return next((t for t in status.template_statuses if t.name == name), None)


def required_analysis_runs_successful(ex: Any, status: Any) -> bool:
    required = [a for a in ex.spec.analyses if a.required_for_completion]
    return bool(required) and all(
        (s := _run_status(status, a.name)) is not None and s.phase == "Successful"
        for a in required)


def passed_durations(ex: Any, now: int) -> tuple[bool, int]:
    if not ex.spec.duration or ex.status.available_at is None:
        return False, 0
    seconds = parse_go_duration(ex.spec.duration)
    if seconds is None:
        return False, 0
    expires = ex.status.available_at + int(seconds)
    return now >= expires, expires - now


def calculate_template_replicas_count(ex: Any, template: Any) -> int:
    if phase_completed(ex.status.phase) or is_terminating(ex):
        return 0
    ts = _template_status(ex.status, template.name)
    if ts is not None and ts.status in ("Successful", "Failed", "Error"):
        return 0
    return get_replicas_or_default(template.replicas)


def _template_worse(current: str | None, new: str | None) -> bool:
    def rank(s: str | None) -> int:
        return _TEMPLATE_ORDER.index(s) if s in _TEMPLATE_ORDER else 0
    return rank(new) > rank(current)


class ExperimentContext:
    def __init__(self, cluster: Cluster, ex: Any) -> None:
        self.cluster = cluster
        self.ex = ex
        self.status = ex.status
        self.template_rss: dict[str, Any] = {}
        self.terminating = is_terminating(ex)
        self.requeue: int | None = None

    @property
    def now(self) -> int:
        return self.cluster.now

    def enqueue_after(self, seconds: int) -> None:
        seconds = max(seconds, 1)
        if self.requeue is None or seconds < self.requeue:
            self.requeue = seconds

    def set_template_status(self, ts: TemplateStatus) -> None:
        items = [t for t in self.status.template_statuses if t.name != ts.name]
        index = next((i for i, t in enumerate(self.status.template_statuses)
                      if t.name == ts.name), len(items))
        items.insert(index, ts)
        self.status = attrs.evolve(self.status, template_statuses=pvector(items))

    def set_run_status(self, rs: ExperimentAnalysisRunStatus) -> None:
        items = list(self.status.analysis_runs)
        for i, r in enumerate(items):
            if r.name == rs.name:
                items[i] = rs
                break
        else:
            items.append(rs)
        self.status = attrs.evolve(self.status, analysis_runs=pvector(items))

    # -- templates -------------------------------------------------------------------------------

    def reconcile_template(self, template: Any) -> None:
        ts = _template_status(self.ex.status, template.name) or TemplateStatus(name=template.name)
        prev = ts
        desired = calculate_template_replicas_count(self.ex, template)
        rs = self.template_rss.get(template.name)
        if rs is None:
            rs, err = self.create_replica_set(template, ts.collision_count)
            if err is not None and err.reason != "AlreadyExists":
                ts = attrs.evolve(ts, status="Error", message=(
                    f"Failed to create ReplicaSet for template '{template.name}': {err.message}"))
            if rs is not None:
                self.template_rss[template.name] = rs
                ts = attrs.evolve(ts, last_transition_time=self.now)
        else:
            if desired == 0:
                rs = self.add_scale_down_delay(rs)
            if rsutil.spec_replicas(rs) != desired:
                rs = self.scale_template_rs(rs, template, desired)
                ts = attrs.evolve(ts, last_transition_time=self.now)
        counts = {"replicas": 0, "updated_replicas": 0, "ready_replicas": 0,
                  "available_replicas": 0}
        if rs is not None:
            counts = {"replicas": rs.status.replicas or 0,
                      "updated_replicas": rs.status.replicas or 0,
                      "ready_replicas": rs.status.ready_replicas or 0,
                      "available_replicas": rs.status.available_replicas or 0}
        if any((getattr(prev, k) or 0) != v for k, v in counts.items()):
            ts = attrs.evolve(ts, last_transition_time=self.now)
        ts = attrs.evolve(ts, **counts)
        if ts.status not in ("Successful", "Failed", "Error"):
            if desired == ts.available_replicas:
                passed, _ = passed_durations(self.ex, self.now)
                ts = attrs.evolve(ts, status="Successful" if passed or self.terminating
                                  else "Running")
            else:
                start = ts.last_transition_time if ts.last_transition_time is not None \
                    else self.now
                deadline = self.ex.spec.progress_deadline_seconds \
                    or DEFAULT_PROGRESS_DEADLINE_SECONDS
                if self.now > start + deadline:
                    ts = attrs.evolve(ts, status="Failed", message=(
                        f"Template '{template.name}' exceeded its progressDeadlineSeconds "
                        f"({deadline})"))
                elif self.terminating:
                    ts = attrs.evolve(ts, status="Successful")
                else:
                    ts = attrs.evolve(ts, status="Progressing")
        self.set_template_status(ts)

    def create_replica_set(self, template: Any, collision_count: int | None
                           ) -> tuple[Any, Status | None]:
        t = template.template
        labels = t.metadata.labels.discard(rsutil.HASH_KEY)
        t = attrs.evolve(t, metadata=attrs.evolve(t.metadata, labels=labels))
        pod_hash = compute_pod_template_hash(t, collision_count)
        t = attrs.evolve(t, metadata=attrs.evolve(t.metadata,
                                                  labels=labels.set(rsutil.HASH_KEY, pod_hash)))
        selector = template.selector
        selector = attrs.evolve(selector, match_labels=selector.match_labels.set(
            rsutil.HASH_KEY, pod_hash))
        ref = OwnerReference(api_version="argoproj.io/v1alpha1", kind="Experiment",
                             name=self.ex.metadata.name, uid=self.ex.metadata.uid,
                             controller=True, block_owner_deletion=True)
        rs = ReplicaSet(
            api_version="apps/v1", kind="ReplicaSet",
            metadata=ObjectMeta(
                name=f"{self.ex.metadata.name}-{template.name}",
                namespace=self.ex.metadata.namespace, labels=t.metadata.labels,
                owner_references=pvector([ref]),
                annotations=pmap({EXPERIMENT_NAME_ANNOTATION: self.ex.metadata.name,
                                  EXPERIMENT_TEMPLATE_NAME_ANNOTATION: template.name})),
            spec=ReplicaSetSpec(replicas=calculate_template_replicas_count(self.ex, template),
                                min_ready_seconds=template.min_ready_seconds,
                                selector=selector, template=t))
        written = apiserver.create(self.cluster, rs)
        if isinstance(written, Status):
            if written.reason == "AlreadyExists":
                existing = self.cluster.get("ReplicaSet", rs.metadata.namespace,
                                            rs.metadata.name)
                if existing is not None and any(
                        r.controller and r.uid == self.ex.metadata.uid
                        for r in existing.metadata.owner_references):
                    return existing, None
            return None, written
        self.cluster = written.cluster
        return written.object, None

    def add_scale_down_delay(self, rs: Any) -> Any:
        delay = self.ex.spec.scale_down_delay_seconds
        delay = DEFAULT_SCALE_DOWN_DELAY_SECONDS if delay is None else delay
        annotations = rs.metadata.annotations
        if delay == 0:
            if not rsutil.has_scale_down_deadline(rs):
                return rs
            annotations = annotations.discard(ann.SCALE_DOWN_DEADLINE_ANNOTATION)
        elif rsutil.has_scale_down_deadline(rs):
            return rs
        else:
            annotations = annotations.set(ann.SCALE_DOWN_DEADLINE_ANNOTATION,
                                          format_time(self.now + delay))
        return self._update(ann.with_annotations(rs, annotations)) or rs

    def _update(self, rs: Any) -> Any:
        written = apiserver.update(self.cluster, attrs.evolve(
            rs, metadata=attrs.evolve(rs.metadata, resource_version=None)))
        if isinstance(written, Status):
            return None
        self.cluster = written.cluster
        return written.object

    def scale_template_rs(self, rs: Any, template: Any, desired: int) -> Any:
        if desired == 0:
            remaining = rsutil.get_time_remaining_before_scale_down_deadline(rs, self.now)
            if remaining is not None:
                self.enqueue_after(remaining)
                desired = get_replicas_or_default(template.replicas)
        if rsutil.spec_replicas(rs) == desired:
            return rs
        updated = self._update(attrs.evolve(rs, spec=attrs.evolve(rs.spec, replicas=desired)))
        if updated is not None:
            self.template_rss[template.name] = updated
            return updated
        return rs

    # -- analyses --------------------------------------------------------------------------------

    def reconcile_analysis_run(self, analysis: Any) -> None:
        prev = _run_status(self.ex.status, analysis.name) \
            or ExperimentAnalysisRunStatus(name=analysis.name)
        new = prev
        if self.ex.status.available_at is None:
            kind = "ClusterAnalysisTemplate" if analysis.cluster_scope else "AnalysisTemplate"
            namespace = "" if analysis.cluster_scope else self.ex.metadata.namespace
            if self.cluster.get(kind, namespace, analysis.template_name) is None:
                what = "ClusterAnalysisTemplate" if analysis.cluster_scope else "AnalysisTemplate"
                resource = f"{kind.lower()}.argoproj.io"
                new = attrs.evolve(new, phase="Error", message=(
                    f"{what} verification failed for analysis '{analysis.name}': "
                    f'{resource} "{analysis.template_name}" not found'))
            self.set_run_status(new)
            return
        if not prev.analysis_run:
            if self.terminating:
                self.set_run_status(new)
                return
            run, err = self.create_analysis_run(analysis)
            if err is not None:
                new = attrs.evolve(new, phase="Error", message=(
                    f"Failed to create AnalysisRun for analysis '{analysis.name}': {err}"))
            else:
                new = attrs.evolve(new, phase="Pending", analysis_run=run.metadata.name)
            self.set_run_status(new)
            return
        if phase_completed(prev.phase):
            self.set_run_status(new)
            return
        run = self.cluster.get("AnalysisRun", self.ex.metadata.namespace, prev.analysis_run)
        if run is None:
            new = attrs.evolve(new, phase="Error", message=(
                f'analysisruns.argoproj.io "{prev.analysis_run}" not found'))
        elif self.terminating:
            if not phase_completed(run.status.phase) and not run.spec.terminate:
                self._update(attrs.evolve(run, spec=attrs.evolve(run.spec, terminate=True)))
        else:
            new = attrs.evolve(new, phase=run.status.phase, message=run.status.message)
        self.set_run_status(new)

    def _resolve(self, value: str) -> tuple[str, str | None]:
        args: dict[str, str] = {}
        if self.ex.status.available_at is not None:
            args["experiment.availableAt"] = format_time(self.ex.status.available_at)
            seconds = parse_go_duration(self.ex.spec.duration or "")
            if self.ex.spec.duration and seconds is not None:
                args["experiment.finishedAt"] = format_time(self.ex.status.available_at
                                                            + int(seconds))
        for t in self.ex.spec.templates:
            rs = self.template_rss.get(t.name)
            if rs is not None:
                args[f"templates.{t.name}.podTemplateHash"] = \
                    rs.metadata.labels.get(rsutil.HASH_KEY, "")
                args[f"templates.{t.name}.replicaset.name"] = rs.metadata.name
        out, error, pos = [], None, 0
        while (start := value.find("{{", pos)) >= 0:
            end = value.find("}}", start)
            if end < 0:
                break
            out.append(value[pos:start])
            tag = value[start + 2:end]
            if tag.strip() in args:
                out.append(args[tag.strip()])
            else:
                error = f"failed to resolve {{{{{tag}}}}}"
            pos = end + 2
        out.append(value[pos:])
        return "".join(out), error

    def create_analysis_run(self, analysis: Any) -> tuple[Any, str | None]:
        args = []
        for arg in analysis.args:
            value = None
            if arg.value is not None:
                value, err = self._resolve(arg.value)
                if err is not None:
                    return None, err
            args.append(attrs.evolve(arg, value=value, value_from=None))
        kind = "ClusterAnalysisTemplate" if analysis.cluster_scope else "AnalysisTemplate"
        namespace = "" if analysis.cluster_scope else self.ex.metadata.namespace
        template = self.cluster.get(kind, namespace, analysis.template_name)
        if template is None:
            return None, f'{kind.lower()}.argoproj.io "{analysis.template_name}" not found'
        templates = [] if analysis.cluster_scope else [template]
        cluster_templates = [template] if analysis.cluster_scope else []
        spec, message = au.new_analysis_run_spec(templates, cluster_templates, args,
                                                 self.ex.spec.dry_run, [])
        if message is not None or spec is None:
            return None, message
        metadata = self.ex.spec.analysis_run_metadata
        labels = dict(metadata.labels) if metadata is not None else {}
        annotations = dict(metadata.annotations) if metadata is not None else {}
        instance = au.get_instance_id(self.ex)
        if instance:
            labels[au.LABEL_KEY_CONTROLLER_INSTANCE_ID] = instance
        ref = OwnerReference(api_version="argoproj.io/v1alpha1", kind="Experiment",
                             name=self.ex.metadata.name, uid=self.ex.metadata.uid,
                             controller=True, block_owner_deletion=True)
        base = f"{self.ex.metadata.name}-{analysis.name}"
        run = AnalysisRun(api_version="argoproj.io/v1alpha1", kind="AnalysisRun",
                          metadata=ObjectMeta(name=base, namespace=self.ex.metadata.namespace,
                                              labels=pmap(labels), annotations=pmap(annotations),
                                              owner_references=pvector([ref])),
                          spec=spec)
        for count in range(1, 1000):
            written = apiserver.create(self.cluster, run)
            if not isinstance(written, Status):
                self.cluster = written.cluster
                return written.object, None
            if written.reason != "AlreadyExists":
                return None, written.message
            existing = self.cluster.get("AnalysisRun", run.metadata.namespace,
                                        run.metadata.name)
            if existing is not None and not phase_completed(existing.status.phase) \
                    and au.is_semantically_equal(run.spec, existing.spec):
                return existing, None
            run = attrs.evolve(run, metadata=attrs.evolve(run.metadata,
                                                          name=f"{base}.{count}"))
        return None, f"too many AnalysisRuns named {base}"

    # -- status ----------------------------------------------------------------------------------

    def assess_templates(self) -> tuple[str, str]:
        worst, message = "Successful", ""
        for template in self.ex.spec.templates:
            ts = _template_status(self.status, template.name)
            if ts is None:
                if _template_worse(worst, "Progressing"):
                    worst = "Progressing"
            elif _template_worse(worst, ts.status):
                worst, message = ts.status or "", ts.message or ""
        return {"Progressing": "Pending", "Failed": "Failed", "Error": "Error",
                "Successful": "Successful"}.get(worst, "Running"), message

    def assess_analysis_runs(self) -> tuple[str, str]:
        worst, message = "Successful", ""
        for a in self.ex.spec.analyses:
            rs = _run_status(self.status, a.name)
            phase = rs.phase if rs is not None else None
            if au.is_worse(worst, phase):
                worst, message = phase or "", (rs.message or "") if rs else ""
        if required_analysis_runs_successful(self.ex, self.status) \
                and au.is_worse(worst, "Running"):
            return "Successful", REQUIRED_ANALYSIS_COMPLETED_MESSAGE
        return ("Running" if worst == "Pending" else worst), message

    def calculate_status(self) -> None:
        phase = self.status.phase
        if not phase:
            self.status = attrs.evolve(self.status, phase="Pending")
            return
        if phase not in ("Pending", "Running"):
            return
        template_phase, template_message = self.assess_templates()
        runs_phase, runs_message = self.assess_analysis_runs()
        if template_phase == "Running" and self.status.available_at is None:
            self.status = attrs.evolve(self.status, available_at=self.now)
        if phase_completed(template_phase):
            runs_done = phase_completed(runs_phase) or has_required_analysis_runs(self.ex)
            if template_phase == "Successful" and runs_done:
                phase, message = runs_phase, runs_message
            else:
                phase, message = template_phase, template_message
        elif phase_completed(runs_phase) and runs_phase != "Successful" \
                or required_analysis_runs_successful(self.ex, self.status):
            phase, message = runs_phase, runs_message
        else:
            phase, message = template_phase, template_message
        self.status = attrs.evolve(self.status, phase=phase, message=message or None)

    def enqueue_duration(self) -> None:
        """calculateEnqueueDuration: when the duration or a template's deadline ends."""
        ex = attrs.evolve(self.ex, status=self.status)
        if is_terminating(ex):
            return
        if ex.status.available_at is not None and ex.spec.duration:
            passed, remaining = passed_durations(ex, self.now)
            if not passed:
                self.enqueue_after(remaining)
        deadline = ex.spec.progress_deadline_seconds or DEFAULT_PROGRESS_DEADLINE_SECONDS
        for template in ex.spec.templates:
            ts = _template_status(ex.status, template.name)
            if ts is None or ts.status not in ("Progressing", "Running"):
                continue
            if ts.available_replicas != calculate_template_replicas_count(ex, template) \
                    and ts.last_transition_time is not None:
                self.enqueue_after(ts.last_transition_time + deadline - self.now + 1)


def _template_replica_sets(cluster: Cluster, ex: Any) -> dict[str, Any]:
    names = {t.name for t in ex.spec.templates}
    out: dict[str, Any] = {}
    for rs in cluster.owned_by(ex.metadata.uid or "", "ReplicaSet"):
        if rs.metadata.annotations.get(EXPERIMENT_NAME_ANNOTATION) != ex.metadata.name:
            continue
        name = rs.metadata.annotations.get(EXPERIMENT_TEMPLATE_NAME_ANNOTATION)
        if name in names:
            out[name] = rs
    return out


def sync(cluster: Cluster, key: str) -> Cluster:
    namespace, _, name = key.rpartition("/")
    ex = cluster.get("Experiment", namespace, name)
    if ex is None or ex.metadata.deletion_timestamp is not None:
        return cluster
    ctx = ExperimentContext(cluster, ex)
    ctx.template_rss = _template_replica_sets(cluster, ex)
    for template in ex.spec.templates:
        ctx.reconcile_template(template)
    for analysis in ex.spec.analyses:
        ctx.reconcile_analysis_run(analysis)
    ctx.calculate_status()
    ctx.enqueue_duration()
    cluster = ctx.cluster
    if ctx.status != ex.status:
        fresh = cluster.get("Experiment", namespace, name)
        written = apiserver.update_status(cluster, attrs.evolve(
            fresh, status=ctx.status,
            metadata=attrs.evolve(fresh.metadata, resource_version=None)))
        if not isinstance(written, Status):
            cluster = written.cluster
    if ctx.requeue is not None:
        cluster = cluster.enqueue_after(NAME, key, ctx.requeue)
    return cluster


def _owner_key(obj: Any, kind: str) -> str | None:
    for ref in obj.metadata.owner_references:
        if ref.controller and ref.kind == kind:
            return f"{obj.metadata.namespace}/{ref.name}"
    return None


def watch(cluster: Cluster, change: Change) -> list[str]:
    """An Experiment's writes, and its ReplicaSets' and AnalysisRuns', enqueue it."""
    if change.kind == "Experiment":
        return [f"{change.namespace}/{change.name}"]
    obj = change.new if change.new is not None else change.old
    key = _owner_key(obj, "Experiment")
    return [] if key is None else [key]


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Experiment", "ReplicaSet", "AnalysisRun"}))
