"""Argo Rollouts' kinds (argoproj.io/v1alpha1) as frozen values: Rollout, AnalysisTemplate,
ClusterAnalysisTemplate, AnalysisRun and Experiment.

The fields the controllers read are typed, named as the Go structs name them in snake_case;
everything else (the traffic routers kubefold does not run, ALB and Nginx settings, step
plugins, metric providers' queries) stays in each class's `extra` or as frozen JSON, so a
manifest read and written back loses nothing.

Models: github.com/argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1 (types.go,
analysis_types.go, experiment_types.go) at 9f8d111 (after v1.9): RolloutSpec, RolloutStrategy,
BlueGreenStrategy, CanaryStrategy, CanaryStep, RolloutAnalysis, RolloutTrafficRouting,
IstioTrafficRouting, RolloutStatus, AnalysisTemplateSpec, Metric, AnalysisRunSpec,
AnalysisRunStatus, MetricResult, Measurement, ExperimentSpec, ExperimentStatus; the helpers
RolloutPause.DurationSeconds, Metric.EffectiveCount and AnalysisPhase.Completed.
Simplifies: metric providers, Nginx/ALB/SMI/Ambassador/AppMesh/Traefik/Apisix routing,
anti-affinity and ephemeral metadata are kept as frozen JSON, not typed.
Covered by: tests/test_rollouts_kinds.py.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.objects import (
    Condition,
    LabelSelector,
    ObjectMeta,
    PodTemplateSpec,
    part,
)
from kubefold.core.schema import (
    BOOL,
    INT,
    INT_OMITEMPTY,
    INT_OR_STR,
    RAW,
    STR_LIST,
    STR_MAP,
    TIME,
    MapOf,
    extra_field,
    field,
    list_of,
    nested,
)

GROUP_VERSION = "argoproj.io/v1alpha1"

# -- shared pieces ---------------------------------------------------------------------------


@attrs.frozen
class AnalysisTemplateRef:
    template_name: str | None = field("templateName")
    cluster_scope: bool | None = field("clusterScope", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class FieldRef:
    field_path: str | None = field("fieldPath")
    extra: PMap = extra_field()


@attrs.frozen
class ArgumentValueFrom:
    """A Rollout's argument source (podTemplateHashValue, fieldRef), and an AnalysisRun's
    (secretKeyRef, fieldRef): the union."""

    pod_template_hash_value: str | None = field("podTemplateHashValue")
    field_ref: FieldRef | None = nested("fieldRef", FieldRef)
    secret_key_ref: Any = field("secretKeyRef", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class Argument:
    """AnalysisRunArgument (Rollout side: value a string) and Argument (template side: value
    a *string, so absent is not empty)."""

    name: str | None = field("name")
    value: str | None = field("value")
    value_from: ArgumentValueFrom | None = nested("valueFrom", ArgumentValueFrom)
    extra: PMap = extra_field()


@attrs.frozen
class DryRun:
    metric_name: str | None = field("metricName")
    extra: PMap = extra_field()


@attrs.frozen
class MeasurementRetention:
    metric_name: str | None = field("metricName")
    limit: int | None = field("limit", INT)
    extra: PMap = extra_field()


@attrs.frozen
class PodTemplateMetadata:
    labels: PMap[str, str] = field("labels", STR_MAP, factory=pmap)
    annotations: PMap[str, str] = field("annotations", STR_MAP, factory=pmap)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutAnalysis:
    """RolloutAnalysis, and RolloutAnalysisBackground (its startingStep)."""

    templates: PVector[AnalysisTemplateRef] = list_of("templates", AnalysisTemplateRef)
    args: PVector[Argument] = list_of("args", Argument)
    dry_run: PVector[DryRun] = list_of("dryRun", DryRun)
    measurement_retention: PVector[MeasurementRetention] = list_of(
        "measurementRetention", MeasurementRetention)
    analysis_run_metadata: PodTemplateMetadata | None = nested("analysisRunMetadata",
                                                               PodTemplateMetadata)
    starting_step: int | None = field("startingStep", INT)
    extra: PMap = extra_field()


# -- canary steps ----------------------------------------------------------------------------


@attrs.frozen
class RolloutPause:
    duration: int | str | None = field("duration", INT_OR_STR)
    extra: PMap = extra_field()

    def duration_seconds(self) -> int:
        """DurationSeconds: an int, a bare number string, or a Go duration ("40s", "1m");
        -1 when it does not parse; 0 when absent."""
        if self.duration is None:
            return 0
        if isinstance(self.duration, int):
            return self.duration
        text = self.duration
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        seconds = parse_go_duration(text)
        return -1 if seconds is None else int(seconds)


@attrs.frozen
class SetCanaryScale:
    weight: int | None = field("weight", INT)
    replicas: int | None = field("replicas", INT)
    match_traffic_weight: bool | None = field("matchTrafficWeight", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class StringMatch:
    exact: str | None = field("exact")
    prefix: str | None = field("prefix")
    regex: str | None = field("regex")
    extra: PMap = extra_field()


@attrs.frozen
class HeaderRoutingMatch:
    header_name: str | None = field("headerName")
    header_value: StringMatch | None = nested("headerValue", StringMatch)
    extra: PMap = extra_field()


@attrs.frozen
class SetHeaderRoute:
    name: str | None = field("name")
    match: PVector[HeaderRoutingMatch] = list_of("match", HeaderRoutingMatch)
    extra: PMap = extra_field()


@attrs.frozen
class SetMirrorRoute:
    name: str | None = field("name")
    match: Any = field("match", RAW)  # []RouteMatch{method, path, headers}
    percentage: int | None = field("percentage", INT)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutExperimentTemplate:
    name: str | None = field("name")
    spec_ref: str | None = field("specRef")
    replicas: int | None = field("replicas", INT)
    metadata: PodTemplateMetadata | None = nested("metadata", PodTemplateMetadata)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    weight: int | None = field("weight", INT)
    service: Any = field("service", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class ExperimentAnalysisRef:
    """RolloutExperimentStepAnalysisTemplateRef and ExperimentAnalysisTemplateRef."""

    name: str | None = field("name")
    template_name: str | None = field("templateName")
    cluster_scope: bool | None = field("clusterScope", BOOL)
    args: PVector[Argument] = list_of("args", Argument)
    required_for_completion: bool | None = field("requiredForCompletion", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutExperimentStep:
    templates: PVector[RolloutExperimentTemplate] = list_of("templates",
                                                            RolloutExperimentTemplate)
    duration: str | None = field("duration")
    analyses: PVector[ExperimentAnalysisRef] = list_of("analyses", ExperimentAnalysisRef)
    dry_run: PVector[DryRun] = list_of("dryRun", DryRun)
    analysis_run_metadata: PodTemplateMetadata | None = nested("analysisRunMetadata",
                                                               PodTemplateMetadata)
    scale_down_delay_seconds: int | None = field("scaleDownDelaySeconds", INT)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryStep:
    set_weight: int | None = field("setWeight", INT)
    pause: RolloutPause | None = nested("pause", RolloutPause)
    experiment: RolloutExperimentStep | None = nested("experiment", RolloutExperimentStep)
    analysis: RolloutAnalysis | None = nested("analysis", RolloutAnalysis)
    set_canary_scale: SetCanaryScale | None = nested("setCanaryScale", SetCanaryScale)
    set_header_route: SetHeaderRoute | None = nested("setHeaderRoute", SetHeaderRoute)
    set_mirror_route: SetMirrorRoute | None = nested("setMirrorRoute", SetMirrorRoute)
    plugin: Any = field("plugin", RAW)
    extra: PMap = extra_field()


# -- traffic routing -------------------------------------------------------------------------


@attrs.frozen
class IstioVirtualService:
    name: str | None = field("name")
    routes: PVector[str] = field("routes", STR_LIST, factory=pvector)
    tls_routes: Any = field("tlsRoutes", RAW)
    tcp_routes: Any = field("tcpRoutes", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class IstioDestinationRule:
    name: str | None = field("name")
    canary_subset_name: str | None = field("canarySubsetName")
    stable_subset_name: str | None = field("stableSubsetName")
    additional_subset_names: PVector[str] = field("additionalSubsetNames", STR_LIST,
                                                  factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class IstioTrafficRouting:
    virtual_service: IstioVirtualService | None = nested("virtualService", IstioVirtualService)
    destination_rule: IstioDestinationRule | None = nested("destinationRule",
                                                           IstioDestinationRule)
    virtual_services: PVector[IstioVirtualService] = list_of("virtualServices",
                                                             IstioVirtualService)
    extra: PMap = extra_field()


@attrs.frozen
class ManagedRoute:
    name: str | None = field("name")
    extra: PMap = extra_field()


@attrs.frozen
class RolloutTrafficRouting:
    """The routers kubefold runs are typed (Istio, plugins); the others stay in `extra`
    (their presence still counts: `others()`)."""

    istio: IstioTrafficRouting | None = nested("istio", IstioTrafficRouting)
    managed_routes: PVector[ManagedRoute] = list_of("managedRoutes", ManagedRoute)
    plugins: PMap[str, Any] = field("plugins", MapOf(RAW), factory=pmap)
    max_traffic_weight: int | None = field("maxTrafficWeight", INT)
    extra: PMap = extra_field()

    def others(self) -> tuple[str, ...]:
        """The routers set that kubefold does not run (nginx, alb, smi, ...)."""
        return tuple(k for k in ("nginx", "alb", "smi", "ambassador", "appMesh", "traefik",
                                 "apisix") if self.extra.get(k) is not None)


# -- strategies ------------------------------------------------------------------------------


@attrs.frozen
class ReplicaProgressThreshold:
    type: str | None = field("type")
    value: int | None = field("value", INT)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryStrategy:
    canary_service: str | None = field("canaryService")
    stable_service: str | None = field("stableService")
    steps: PVector[CanaryStep] = list_of("steps", CanaryStep)
    traffic_routing: RolloutTrafficRouting | None = nested("trafficRouting",
                                                           RolloutTrafficRouting)
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    max_surge: int | str | None = field("maxSurge", INT_OR_STR)
    analysis: RolloutAnalysis | None = nested("analysis", RolloutAnalysis)
    anti_affinity: Any = field("antiAffinity", RAW)
    canary_metadata: PodTemplateMetadata | None = nested("canaryMetadata", PodTemplateMetadata)
    stable_metadata: PodTemplateMetadata | None = nested("stableMetadata", PodTemplateMetadata)
    scale_down_delay_seconds: int | None = field("scaleDownDelaySeconds", INT)
    scale_down_delay_revision_limit: int | None = field("scaleDownDelayRevisionLimit", INT)
    abort_scale_down_delay_seconds: int | None = field("abortScaleDownDelaySeconds", INT)
    dynamic_stable_scale: bool | None = field("dynamicStableScale", BOOL)
    ping_pong: Any = field("pingPong", RAW)
    min_pods_per_replica_set: int | None = field("minPodsPerReplicaSet", INT)
    replica_progress_threshold: ReplicaProgressThreshold | None = nested(
        "replicaProgressThreshold", ReplicaProgressThreshold)
    extra: PMap = extra_field()


@attrs.frozen
class BlueGreenStrategy:
    active_service: str | None = field("activeService")
    preview_service: str | None = field("previewService")
    preview_replica_count: int | None = field("previewReplicaCount", INT)
    auto_promotion_enabled: bool | None = field("autoPromotionEnabled", BOOL)
    auto_promotion_seconds: int | None = field("autoPromotionSeconds", INT)
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    scale_down_delay_seconds: int | None = field("scaleDownDelaySeconds", INT)
    scale_down_delay_revision_limit: int | None = field("scaleDownDelayRevisionLimit", INT)
    pre_promotion_analysis: RolloutAnalysis | None = nested("prePromotionAnalysis",
                                                            RolloutAnalysis)
    anti_affinity: Any = field("antiAffinity", RAW)
    post_promotion_analysis: RolloutAnalysis | None = nested("postPromotionAnalysis",
                                                             RolloutAnalysis)
    preview_metadata: PodTemplateMetadata | None = nested("previewMetadata",
                                                          PodTemplateMetadata)
    active_metadata: PodTemplateMetadata | None = nested("activeMetadata", PodTemplateMetadata)
    abort_scale_down_delay_seconds: int | None = field("abortScaleDownDelaySeconds", INT)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutStrategy:
    blue_green: BlueGreenStrategy | None = nested("blueGreen", BlueGreenStrategy)
    canary: CanaryStrategy | None = nested("canary", CanaryStrategy)
    extra: PMap = extra_field()


@attrs.frozen
class ObjectRef:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    name: str | None = field("name")
    scale_down: str | None = field("scaleDown")
    extra: PMap = extra_field()


@attrs.frozen
class AnalysisRunStrategy:
    successful_run_history_limit: int | None = field("successfulRunHistoryLimit", INT)
    unsuccessful_run_history_limit: int | None = field("unsuccessfulRunHistoryLimit", INT)
    extra: PMap = extra_field()


@attrs.frozen
class RollbackWindowSpec:
    revisions: int | None = field("revisions", INT)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutSpec:
    replicas: int | None = field("replicas", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    workload_ref: ObjectRef | None = nested("workloadRef", ObjectRef)
    min_ready_seconds: int | None = field("minReadySeconds", INT)
    rollback_window: RollbackWindowSpec | None = nested("rollbackWindow", RollbackWindowSpec)
    strategy: RolloutStrategy = part("strategy", RolloutStrategy)
    revision_history_limit: int | None = field("revisionHistoryLimit", INT)
    paused: bool | None = field("paused", BOOL)
    progress_deadline_seconds: int | None = field("progressDeadlineSeconds", INT)
    progress_deadline_abort: bool | None = field("progressDeadlineAbort", BOOL)
    restart_at: int | None = field("restartAt", TIME)
    analysis: AnalysisRunStrategy | None = nested("analysis", AnalysisRunStrategy)
    extra: PMap = extra_field()


# -- rollout status --------------------------------------------------------------------------


@attrs.frozen
class PauseCondition:
    reason: str | None = field("reason")
    start_time: int | None = field("startTime", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutAnalysisRunStatus:
    name: str | None = field("name")
    status: str | None = field("status")
    message: str | None = field("message")
    extra: PMap = extra_field()


@attrs.frozen
class WeightDestination:
    weight: int | None = field("weight", INT)
    service_name: str | None = field("serviceName")
    pod_template_hash: str | None = field("podTemplateHash")
    extra: PMap = extra_field()


@attrs.frozen
class TrafficWeights:
    canary: WeightDestination = part("canary", WeightDestination)
    stable: WeightDestination = part("stable", WeightDestination)
    additional: PVector[WeightDestination] = list_of("additional", WeightDestination)
    verified: bool | None = field("verified", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryStatus:
    current_step_analysis_run_status: RolloutAnalysisRunStatus | None = nested(
        "currentStepAnalysisRunStatus", RolloutAnalysisRunStatus)
    current_background_analysis_run_status: RolloutAnalysisRunStatus | None = nested(
        "currentBackgroundAnalysisRunStatus", RolloutAnalysisRunStatus)
    current_experiment: str | None = field("currentExperiment")
    weights: TrafficWeights | None = nested("weights", TrafficWeights)
    stable_ping_pong: str | None = field("stablePingPong")
    extra: PMap = extra_field()


@attrs.frozen
class BlueGreenStatus:
    preview_selector: str | None = field("previewSelector")
    active_selector: str | None = field("activeSelector")
    scale_up_preview_check_point: bool | None = field("scaleUpPreviewCheckPoint", BOOL)
    pre_promotion_analysis_run_status: RolloutAnalysisRunStatus | None = nested(
        "prePromotionAnalysisRunStatus", RolloutAnalysisRunStatus)
    post_promotion_analysis_run_status: RolloutAnalysisRunStatus | None = nested(
        "postPromotionAnalysisRunStatus", RolloutAnalysisRunStatus)
    extra: PMap = extra_field()


@attrs.frozen
class RolloutStatus:
    abort: bool | None = field("abort", BOOL)
    pause_conditions: PVector[PauseCondition] = list_of("pauseConditions", PauseCondition)
    controller_pause: bool | None = field("controllerPause", BOOL)
    aborted_at: int | None = field("abortedAt", TIME)
    current_pod_hash: str | None = field("currentPodHash")
    current_step_hash: str | None = field("currentStepHash")
    replicas: int | None = field("replicas", INT_OMITEMPTY)
    updated_replicas: int | None = field("updatedReplicas", INT_OMITEMPTY)
    ready_replicas: int | None = field("readyReplicas", INT_OMITEMPTY)
    available_replicas: int | None = field("availableReplicas", INT_OMITEMPTY)
    current_step_index: int | None = field("currentStepIndex", INT)
    collision_count: int | None = field("collisionCount", INT)
    observed_generation: str | None = field("observedGeneration")
    conditions: PVector[Condition] = list_of("conditions", Condition)
    canary: CanaryStatus = part("canary", CanaryStatus)
    blue_green: BlueGreenStatus = part("blueGreen", BlueGreenStatus)
    hpa_replicas: int | None = field("HPAReplicas", INT_OMITEMPTY)
    selector: str | None = field("selector")
    stable_rs: str | None = field("stableRS")
    restarted_at: int | None = field("restartedAt", TIME)
    promote_full: bool | None = field("promoteFull", BOOL)
    phase: str | None = field("phase")
    message: str | None = field("message")
    workload_observed_generation: str | None = field("workloadObservedGeneration")
    extra: PMap = extra_field()


def _meta() -> Any:
    return part("metadata", ObjectMeta)


@attrs.frozen
class Rollout:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: RolloutSpec = part("spec", RolloutSpec)
    status: RolloutStatus = part("status", RolloutStatus)
    extra: PMap = extra_field()


# -- analysis --------------------------------------------------------------------------------


@attrs.frozen
class Metric:
    name: str | None = field("name")
    interval: str | None = field("interval")
    initial_delay: str | None = field("initialDelay")
    count: int | str | None = field("count", INT_OR_STR)
    success_condition: str | None = field("successCondition")
    failure_condition: str | None = field("failureCondition")
    failure_limit: int | str | None = field("failureLimit", INT_OR_STR)
    inconclusive_limit: int | str | None = field("inconclusiveLimit", INT_OR_STR)
    consecutive_error_limit: int | str | None = field("consecutiveErrorLimit", INT_OR_STR)
    provider: PMap[str, Any] = field("provider", MapOf(RAW), factory=pmap)
    consecutive_success_limit: int | str | None = field("consecutiveSuccessLimit", INT_OR_STR)
    extra: PMap = extra_field()

    def effective_count(self) -> int | None:
        """EffectiveCount: count when set and non-zero; else 1 without an interval, and
        None (forever) with one."""
        count = int_value(self.count)
        if self.count is None or count == 0:
            return 1 if not self.interval else None
        return count


@attrs.frozen
class AnalysisTemplateSpec:
    metrics: PVector[Metric] = list_of("metrics", Metric)
    args: PVector[Argument] = list_of("args", Argument)
    dry_run: PVector[DryRun] = list_of("dryRun", DryRun)
    measurement_retention: PVector[MeasurementRetention] = list_of(
        "measurementRetention", MeasurementRetention)
    templates: PVector[AnalysisTemplateRef] = list_of("templates", AnalysisTemplateRef)
    extra: PMap = extra_field()


@attrs.frozen
class AnalysisTemplate:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: AnalysisTemplateSpec = part("spec", AnalysisTemplateSpec)
    extra: PMap = extra_field()


@attrs.frozen
class ClusterAnalysisTemplate:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: AnalysisTemplateSpec = part("spec", AnalysisTemplateSpec)
    extra: PMap = extra_field()


@attrs.frozen
class AnalysisRunSpec:
    metrics: PVector[Metric] = list_of("metrics", Metric)
    args: PVector[Argument] = list_of("args", Argument)
    terminate: bool | None = field("terminate", BOOL)
    dry_run: PVector[DryRun] = list_of("dryRun", DryRun)
    measurement_retention: PVector[MeasurementRetention] = list_of(
        "measurementRetention", MeasurementRetention)
    ttl_strategy: Any = field("ttlStrategy", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class Measurement:
    phase: str | None = field("phase")
    message: str | None = field("message")
    started_at: int | None = field("startedAt", TIME)
    finished_at: int | None = field("finishedAt", TIME)
    value: str | None = field("value")
    metadata: PMap[str, str] = field("metadata", STR_MAP, factory=pmap)
    resume_at: int | None = field("resumeAt", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class MetricResult:
    name: str | None = field("name")
    phase: str | None = field("phase")
    measurements: PVector[Measurement] = list_of("measurements", Measurement)
    message: str | None = field("message")
    count: int | None = field("count", INT_OMITEMPTY)
    successful: int | None = field("successful", INT_OMITEMPTY)
    failed: int | None = field("failed", INT_OMITEMPTY)
    inconclusive: int | None = field("inconclusive", INT_OMITEMPTY)
    error: int | None = field("error", INT_OMITEMPTY)
    consecutive_error: int | None = field("consecutiveError", INT_OMITEMPTY)
    dry_run: bool | None = field("dryRun", BOOL)
    metadata: PMap[str, str] = field("metadata", STR_MAP, factory=pmap)
    consecutive_success: int | None = field("consecutiveSuccess", INT_OMITEMPTY)
    extra: PMap = extra_field()


@attrs.frozen
class RunSummary:
    count: int | None = field("count", INT_OMITEMPTY)
    successful: int | None = field("successful", INT_OMITEMPTY)
    failed: int | None = field("failed", INT_OMITEMPTY)
    inconclusive: int | None = field("inconclusive", INT_OMITEMPTY)
    error: int | None = field("error", INT_OMITEMPTY)
    extra: PMap = extra_field()


@attrs.frozen
class AnalysisRunStatus:
    phase: str | None = field("phase")
    message: str | None = field("message")
    metric_results: PVector[MetricResult] = list_of("metricResults", MetricResult)
    started_at: int | None = field("startedAt", TIME)
    run_summary: RunSummary | None = nested("runSummary", RunSummary)
    dry_run_summary: RunSummary | None = nested("dryRunSummary", RunSummary)
    completed_at: int | None = field("completedAt", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class AnalysisRun:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: AnalysisRunSpec = part("spec", AnalysisRunSpec)
    status: AnalysisRunStatus = part("status", AnalysisRunStatus)
    extra: PMap = extra_field()


# -- experiments -----------------------------------------------------------------------------


@attrs.frozen
class TemplateSpec:
    name: str | None = field("name")
    replicas: int | None = field("replicas", INT)
    min_ready_seconds: int | None = field("minReadySeconds", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    service: Any = field("service", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class ExperimentSpec:
    templates: PVector[TemplateSpec] = list_of("templates", TemplateSpec)
    duration: str | None = field("duration")
    progress_deadline_seconds: int | None = field("progressDeadlineSeconds", INT)
    terminate: bool | None = field("terminate", BOOL)
    analyses: PVector[ExperimentAnalysisRef] = list_of("analyses", ExperimentAnalysisRef)
    scale_down_delay_seconds: int | None = field("scaleDownDelaySeconds", INT)
    dry_run: PVector[DryRun] = list_of("dryRun", DryRun)
    analysis_run_metadata: PodTemplateMetadata | None = nested("analysisRunMetadata",
                                                               PodTemplateMetadata)
    extra: PMap = extra_field()


@attrs.frozen
class TemplateStatus:
    name: str | None = field("name")
    replicas: int | None = field("replicas", INT)
    updated_replicas: int | None = field("updatedReplicas", INT)
    ready_replicas: int | None = field("readyReplicas", INT)
    available_replicas: int | None = field("availableReplicas", INT)
    collision_count: int | None = field("collisionCount", INT)
    status: str | None = field("status")
    message: str | None = field("message")
    last_transition_time: int | None = field("lastTransitionTime", TIME)
    service_name: str | None = field("serviceName")
    pod_template_hash: str | None = field("podTemplateHash")
    extra: PMap = extra_field()


@attrs.frozen
class ExperimentAnalysisRunStatus:
    name: str | None = field("name")
    analysis_run: str | None = field("analysisRun")
    phase: str | None = field("phase")
    message: str | None = field("message")
    extra: PMap = extra_field()


@attrs.frozen
class ExperimentStatus:
    phase: str | None = field("phase")
    message: str | None = field("message")
    template_statuses: PVector[TemplateStatus] = list_of("templateStatuses", TemplateStatus)
    available_at: int | None = field("availableAt", TIME)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    analysis_runs: PVector[ExperimentAnalysisRunStatus] = list_of(
        "analysisRuns", ExperimentAnalysisRunStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Experiment:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: ExperimentSpec = part("spec", ExperimentSpec)
    status: ExperimentStatus = part("status", ExperimentStatus)
    extra: PMap = extra_field()


# -- helpers the Go types carry --------------------------------------------------------------

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
          "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float | None:
    """time.ParseDuration in seconds ("1m30s", "1.5h", "-2s"), or None when it does not
    parse.

    >>> parse_go_duration("1m30s"), parse_go_duration("40s"), parse_go_duration("5")
    (90.0, 40.0, None)
    """
    if not text:
        return None
    sign = 1.0
    rest = text
    if rest[0] in "+-":
        sign = -1.0 if rest[0] == "-" else 1.0
        rest = rest[1:]
    if rest == "0":
        return 0.0
    total = 0.0
    pos = 0
    if not rest:
        return None
    while pos < len(rest):
        m = _DURATION_PART.match(rest, pos)
        if m is None:
            return None
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return sign * total


def int_value(value: int | str | None) -> int:
    """intstr.IntOrString.IntValue(): the int, or the string's number (0 when it is not one)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        return 0


COMPLETED_PHASES = frozenset({"Successful", "Failed", "Error", "Inconclusive"})


def phase_completed(phase: str | None) -> bool:
    """AnalysisPhase.Completed."""
    return phase in COMPLETED_PHASES


MODELLED: dict[str, type] = {
    "Rollout": Rollout,
    "AnalysisTemplate": AnalysisTemplate,
    "ClusterAnalysisTemplate": ClusterAnalysisTemplate,
    "AnalysisRun": AnalysisRun,
    "Experiment": Experiment,
}
