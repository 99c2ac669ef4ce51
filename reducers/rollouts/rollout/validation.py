"""Rollout spec validation as the controller applies it: the first error becomes the InvalidSpec
condition, `The Rollout "<name>" is invalid: <field>: <error>`, and the phase Degraded.

Models: pkg/apis/rollouts/validation/validation.go (ValidateRollout, ValidateRolloutSpec,
ValidateRolloutStrategy, ValidateRolloutStrategyBlueGreen, ValidateRolloutStrategyCanary,
requireCanaryStableServices, ValidateStepRouteFoundInManagedRoute,
ValidateRolloutStrategyAntiAffinity, invalidMaxSurgeMaxUnavailable, hasMultipleStepsType,
hasMultipleMatchValues, the message constants), validation_references.go
(ValidateRolloutReferencedResources, ValidateService, ValidateAnalysisTemplatesWithType,
ValidateAnalysisTemplateWithType, ValidateRolloutVirtualServicesConfig,
ValidateVirtualService, the field paths) and rollout/controller.go
(getRolloutValidationErrors, getReferencedServices, getReferencedRolloutAnalyses,
getReferencedAnalysisTemplatesFromRef, createInvalidRolloutCondition), argo-rollouts at
9f8d111.
Simplifies: of ValidatePodTemplateSpecForReplicaSet only the selector/labels match is checked
here (the rest is the API server's, when the ReplicaSet is created: a rejected ReplicaSet
shows as a ReplicaSetCreateError Progressing condition); Nginx, ALB, Ambassador and AppMesh
references are not checked.
Covered by: tests/test_rollouts_validation.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.errors import INTERNAL, FieldError, invalid, required
from kubefold.core.labels import label_selector_as_selector
from kubefold.reducers.apiserver.validation.apps import go_label_selector, validate_label_selector
from kubefold.reducers.rollouts.rollout.context import RolloutContext
from kubefold.reducers.rollouts.trafficrouting.istio import (
    IstioReconciler,
    get_virtual_service_namespace_name,
)
from kubefold.reducers.rollouts.utils import analysis as au
from kubefold.reducers.rollouts.utils.annotations import MANAGED_BY_ROLLOUTS_KEY
from kubefold.reducers.rollouts.utils.defaults import (
    get_max_surge_or_default,
    get_max_unavailable_or_default,
    get_progress_deadline_seconds_or_default,
    get_replicas_or_default,
    get_revision_history_limit_or_default,
    max_traffic_weight,
)
from kubefold.reducers.rollouts.utils.replicaset import HASH_KEY

MISSING_FIELD_MESSAGE = "Rollout has missing field '{}'"
INVALID_SET_WEIGHT_MESSAGE = "SetWeight needs to be between 0 and {}"
INVALID_EXPERIMENT_WEIGHT = ("Experiment template weight cannot be set unless TrafficRouting is "
                             "enabled")
INVALID_SET_CANARY_SCALE = "SetCanaryScale requires TrafficRouting to be set"
INVALID_SET_HEADER_ROUTE = ("SetHeaderRoute requires TrafficRouting, supports Istio and ALB and "
                            "Apisix")
INVALID_SET_MIRROR_ROUTE = "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins"
INVALID_STRING_MATCH_MULTIPLE = ("StringMatch match value must have exactly one of the following: "
                                 "exact, regex, prefix")
INVALID_STRING_MATCH_MISSED = ("StringMatch value missed, match value must have one of the "
                               "following: exact, regex, prefix")
INVALID_DURATION = "Duration needs to be greater than 0"
INVALID_MAX_SURGE_MAX_UNAVAILABLE = "MaxSurge and MaxUnavailable both can not be zero"
INVALID_STEP = ("Step must have one of the following set: experiment, setWeight, setCanaryScale, "
                "plugin or pause")
INVALID_STRATEGY = "Multiple Strategies can not be listed"
DUPLICATED_SERVICES_BLUE_GREEN = ("This rollout uses the same service for the active and preview "
                                  "services, but two different services are required.")
DUPLICATED_SERVICES_CANARY = ("This rollout uses the same service for the stable and canary "
                              "services, but two different services are required.")
INVALID_ANTI_AFFINITY_STRATEGY = "AntiAffinity must have exactly one strategy listed"
INVALID_ANTI_AFFINITY_WEIGHT = "AntiAffinity weight must be between 1-100"
SCALE_DOWN_LIMIT_LARGER = ("This rollout's revision history limit can not be smaller than the "
                           "rollout's scale down limit")
INVALID_TRAFFIC_ROUTING = "Canary service and Stable service must to be set to use Traffic Routing"
INVALID_CANARY_SCALE_DOWN_DELAY = ("Canary scaleDownDelaySeconds can only be used with traffic "
                                   "routing")
INVALID_DYNAMIC_STABLE_SCALE = "Canary dynamicStableScale can only be used with traffic routing"
INVALID_DYNAMIC_STABLE_SCALE_WITH_DELAY = ("Canary dynamicStableScale cannot be used with "
                                           "scaleDownDelaySeconds")
INVALID_MAX_WEIGHT_ROUTER = ("Canary maxTrafficWeight in traffic routing only supported in Nginx "
                             "and Plugins")
STEP_ROUTE_NOT_IN_MANAGED = ("Steps define a route that does not exist in "
                             "spec.strategy.canary.trafficRouting.managedRoutes")
SERVICE_MANAGED_BY_OTHER = 'Service "{}" is managed by another Rollout'
INVALID_ANALYSIS_ARGS = ("Analyses arguments must refer to valid object metadata supported by "
                         "downwardAPI")
_METADATA_FIELDS = {"metadata.annotations", "metadata.labels", "metadata.name",
                    "metadata.namespace", "metadata.uid"}


def _metadata_field_path_ok(path: str) -> bool:
    """fieldpath.ExtractFieldPathAsString succeeds on an object's metadata: the five plain
    paths, or `metadata.annotations['k']` / `metadata.labels['k']` (SplitMaybeSubscriptedPath,
    the key a qualified name)."""
    if path.endswith("']"):
        base, sep, key = path[:-2].partition("['")
        if sep and base:
            if base not in ("metadata.annotations", "metadata.labels"):
                return False
            from kubefold.core.labels import is_qualified_name
            return not is_qualified_name(key)
    return path in _METADATA_FIELDS


def _nonneg(value: int, path: str) -> list[FieldError]:
    """ValidateNonnegativeField."""
    return [] if value >= 0 else [invalid(path, value, "must be greater than or equal to 0")]


def _empty_template(template: Any) -> bool:
    """RolloutSpec.EmptyTemplate: no labels, no annotations, nothing else set."""
    if template is None:
        return True
    from kubefold.core.schema import encode
    doc = encode(template)
    return not doc or doc == {"metadata": {}} or doc == {"metadata": {}, "spec": {}}


def validate_rollout(ro: Any, template_resolved_from_ref: bool = False) -> list[FieldError]:
    """ValidateRollout / ValidateRolloutSpec (`template_resolved_from_ref`: the controller has
    put the workload's template in, so the template check is skipped)."""
    spec = ro.spec
    errs = _nonneg(get_replicas_or_default(spec.replicas), "spec.replicas")
    if spec.workload_ref is None:
        if spec.selector is None:
            errs.append(required("spec.selector", MISSING_FIELD_MESSAGE.format(".spec.selector")))
        else:
            errs += validate_label_selector(spec.selector, "spec.selector")
            if not spec.selector.match_labels and not spec.selector.match_expressions:
                errs.append(invalid("spec.selector", go_label_selector(spec.selector),
                                    "empty selector is invalid for deployment"))
    if not template_resolved_from_ref and spec.workload_ref is not None \
            and not _empty_template(spec.template):
        errs.append(FieldError(INTERNAL, "spec.template", None,
                               "template must be empty for workload reference rollout"))
    try:
        selector = label_selector_as_selector(spec.selector)
    except ValueError:
        errs.append(invalid("spec.selector", go_label_selector(spec.selector),
                            "invalid label selector"))
    else:
        if spec.template is not None and not selector.empty() \
                and not selector.matches(spec.template.metadata.labels):
            from kubefold.reducers.apiserver.validation.core import go_string_map
            errs.append(invalid("spec.template.metadata.labels",
                                go_string_map(spec.template.metadata.labels),
                                "`selector` does not match template `labels`"))
    errs += _nonneg(spec.min_ready_seconds or 0, "spec.minReadySeconds")
    errs += _nonneg(get_revision_history_limit_or_default(ro), "spec.revisionHistoryLimit")
    deadline = get_progress_deadline_seconds_or_default(ro)
    errs += _nonneg(deadline, "spec.progressDeadlineSeconds")
    if deadline <= (spec.min_ready_seconds or 0):
        errs.append(invalid("spec.progressDeadlineSeconds", deadline,
                            "must be greater than minReadySeconds"))
    return errs + validate_rollout_strategy(ro)


def validate_rollout_strategy(ro: Any) -> list[FieldError]:
    strategy = ro.spec.strategy
    path = "spec.strategy"
    if strategy.blue_green is None and strategy.canary is None:
        return [required(f"{path}.strategy", MISSING_FIELD_MESSAGE.format(
            ".spec.strategy.canary or .spec.strategy.blueGreen"))]
    if strategy.blue_green is not None and strategy.canary is not None:
        return [invalid(f"{path}.strategy", "blueGreen: true canary: true", INVALID_STRATEGY)]
    if strategy.blue_green is not None:
        return validate_blue_green(ro, path)
    return validate_canary(ro, path)


def validate_blue_green(ro: Any, path: str) -> list[FieldError]:
    bg = ro.spec.strategy.blue_green
    errs = []
    if (bg.active_service or "") == (bg.preview_service or ""):
        errs.append(invalid(f"{path}.activeService", bg.active_service or "",
                            DUPLICATED_SERVICES_BLUE_GREEN))
    limit = get_revision_history_limit_or_default(ro)
    if bg.scale_down_delay_revision_limit is not None \
            and limit < bg.scale_down_delay_revision_limit:
        errs.append(invalid(f"{path}.scaleDownDelayRevisionLimit",
                            bg.scale_down_delay_revision_limit, SCALE_DOWN_LIMIT_LARGER))
    return errs + validate_anti_affinity(bg.anti_affinity, f"{path}.antiAffinity")


def validate_anti_affinity(anti: Any, path: str) -> list[FieldError]:
    if anti is None:
        return []
    preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution")
    required_ = anti.get("requiredDuringSchedulingIgnoredDuringExecution")
    errs = []
    if (preferred is None) == (required_ is None):
        value = (f"antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: "
                 f"{str(preferred is not None).lower()} antiAffinity."
                 f"RequiredDuringSchedulingIgnoredDuringExecution: "
                 f"{str(required_ is not None).lower()}")
        errs.append(invalid(path, value, INVALID_ANTI_AFFINITY_STRATEGY))
    if preferred is not None and not 1 <= int(preferred.get("weight", 0)) <= 100:
        errs.append(invalid(f"{path}.weight", int(preferred.get("weight", 0)),
                            INVALID_ANTI_AFFINITY_WEIGHT))
    return errs


def _percent_or_int(value: int | str) -> int:
    """getIntOrPercentValue: a valid percent's number, else IntValue()."""
    if isinstance(value, str):
        if value.endswith("%") and value[:-1].isdigit():
            return int(value[:-1])
        return int(value) if value.isdigit() else 0
    return value


def _requires_services(canary: Any) -> bool:
    tr = canary.traffic_routing
    if tr is None:
        return False
    others = tr.others()
    return ("alb" in others and canary.ping_pong is None) \
        or (tr.istio is not None and tr.istio.destination_rule is None
            and canary.ping_pong is None) \
        or any(r in others for r in ("smi", "apisix", "ambassador", "nginx", "appMesh",
                                     "traefik"))


def _match_errors(match: Any, path: str) -> list[FieldError]:
    """hasMultipleMatchValues."""
    if match is None:
        return [invalid(path, None, INVALID_STRING_MATCH_MISSED)]
    values = [v for v in (match.get("exact") if isinstance(match, dict) else match.exact,
                          match.get("regex") if isinstance(match, dict) else match.regex,
                          match.get("prefix") if isinstance(match, dict) else match.prefix)
              if v]
    if len(values) > 1:
        return [invalid(path, _match_json(match), INVALID_STRING_MATCH_MULTIPLE)]
    if not values:
        return [invalid(path, _match_json(match), INVALID_STRING_MATCH_MISSED)]
    return []


def _match_json(match: Any) -> Any:
    from kubefold.core.schema import encode, thaw
    return thaw(match) if isinstance(match, dict) else encode(match)


def validate_canary(ro: Any, path: str) -> list[FieldError]:
    """ValidateRolloutStrategyCanary (field paths as Go writes them: spec.strategy.steps[i])."""
    canary = ro.spec.strategy.canary
    errs = []
    if _percent_or_int(get_max_surge_or_default(ro)) == 0 \
            and _percent_or_int(get_max_unavailable_or_default(ro)) == 0:
        errs.append(invalid(f"{path}.maxSurge", canary.max_surge,
                            INVALID_MAX_SURGE_MAX_UNAVAILABLE))
    if canary.canary_service and canary.stable_service \
            and canary.canary_service == canary.stable_service:
        errs.append(invalid(f"{path}.stableService", canary.stable_service,
                            DUPLICATED_SERVICES_CANARY))
    if _requires_services(canary):
        if not canary.stable_service:
            errs.append(invalid(f"{path}.stableService", "", INVALID_TRAFFIC_ROUTING))
        if not canary.canary_service:
            errs.append(invalid(f"{path}.canaryService", "", INVALID_TRAFFIC_ROUTING))
    tr = canary.traffic_routing
    if tr is None:
        if canary.scale_down_delay_seconds is not None:
            errs.append(invalid(f"{path}.scaleDownDelaySeconds", canary.scale_down_delay_seconds,
                                INVALID_CANARY_SCALE_DOWN_DELAY))
        if canary.dynamic_stable_scale:
            errs.append(invalid(f"{path}.dynamicStableScale", True,
                                INVALID_DYNAMIC_STABLE_SCALE))
    else:
        if canary.scale_down_delay_seconds is not None and canary.dynamic_stable_scale:
            errs.append(invalid(f"{path}.dynamicStableScale", True,
                                INVALID_DYNAMIC_STABLE_SCALE_WITH_DELAY))
        if tr.max_traffic_weight is not None and "nginx" not in tr.others() and not tr.plugins:
            errs.append(invalid(f"{path}.trafficRouting.maxTrafficWeight",
                                tr.max_traffic_weight, INVALID_MAX_WEIGHT_ROUTER))
    managed = {m.name for m in tr.managed_routes} if tr is not None else set()
    for i, step in enumerate(canary.steps):
        errs += _validate_step(ro, step, f"{path}.steps[{i}]", path, managed)
    return errs + validate_anti_affinity(canary.anti_affinity, f"{path}.antiAffinity")


def _validate_step(ro: Any, step: Any, step_path: str, path: str, managed: set[str]
                   ) -> list[FieldError]:
    canary = ro.spec.strategy.canary
    tr = canary.traffic_routing
    errs = []
    kinds = [step.set_weight is not None, step.pause is not None, step.experiment is not None,
             step.analysis is not None]
    if sum(kinds) > 1:
        value = (f"step.Experiment: {str(kinds[2]).lower()} step.Pause: {str(kinds[1]).lower()} "
                 f"step.SetWeight: {str(kinds[0]).lower()} step.Analysis: "
                 f"{str(kinds[3]).lower()}")
        errs.append(invalid(step_path, value, INVALID_STEP))
    if not any(kinds) and step.set_canary_scale is None and step.set_header_route is None \
            and step.set_mirror_route is None and step.plugin is None:
        value = ("step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: "
                 "true step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoute: "
                 "true step.Plugin: true")
        errs.append(invalid(step_path, value, INVALID_STEP))
    max_weight = max_traffic_weight(ro)
    if step.set_weight is not None and not 0 <= step.set_weight <= max_weight:
        errs.append(invalid(f"{step_path}.setWeight", step.set_weight,
                            INVALID_SET_WEIGHT_MESSAGE.format(max_weight)))
    if step.pause is not None and step.pause.duration_seconds() < 0:
        errs.append(invalid(f"{step_path}.pause.duration", step.pause.duration_seconds(),
                            INVALID_DURATION))
    if step.set_canary_scale is not None and tr is None:
        errs.append(required(f"{path}.trafficRouting", INVALID_SET_CANARY_SCALE))
    if step.set_header_route is not None:
        if tr is None or (tr.istio is None and "alb" not in tr.others()
                          and "apisix" not in tr.others() and not tr.plugins):
            errs.append(invalid(f"{step_path}.setHeaderRoute", _match_json(step.set_header_route),
                                INVALID_SET_HEADER_ROUTE))
        else:
            for j, match in enumerate(step.set_header_route.match):
                errs += _match_errors(match.header_value,
                                      f"{step_path}.setHeaderRoute.match[{j}]")
    if step.set_mirror_route is not None:
        if tr is None or (tr.istio is None and not tr.plugins):
            errs.append(invalid(f"{step_path}.setMirrorRoute", _match_json(step.set_mirror_route),
                                INVALID_SET_MIRROR_ROUTE))
        for j, match in enumerate(step.set_mirror_route.match or []):
            for key in ("method", "path"):
                if match.get(key) is not None:
                    errs += _match_errors(match[key], f"{step_path}.setMirrorRoute.match[{j}]")
    if tr is not None and (step.set_header_route is not None or step.set_mirror_route is not None):
        if not tr.managed_routes:
            errs.append(required(f"{path}.trafficRouting.managedRoutes",
                                 MISSING_FIELD_MESSAGE.format(
                                     "spec.strategy.canary.trafficRouting.managedRoutes")))
        else:
            for sub, route in (("setHeaderRoute", step.set_header_route),
                               ("setMirrorRoute", step.set_mirror_route)):
                if route is not None and route.name not in managed:
                    errs.append(invalid(f"{step_path}.{sub}", route.name or "",
                                        STEP_ROUTE_NOT_IN_MANAGED))
    if step.experiment is not None:
        for k, t in enumerate(step.experiment.templates):
            if t.weight is None:
                continue
            weight_path = f"{step_path}.experiment.templates[{k}].weight"
            if tr is None:
                errs.append(invalid(weight_path, t.weight, INVALID_EXPERIMENT_WEIGHT))
            elif "alb" not in tr.others() and "smi" not in tr.others() and tr.istio is None \
                    and not tr.plugins:
                errs.append(invalid(weight_path, t.weight, "Experiment template weight is only "
                                    "available for TrafficRouting with SMI, ALB, Istio and "
                                    "Plugins at this time"))
    args = []
    if step.experiment is not None:
        for analysis in step.experiment.analyses:
            args += list(analysis.args)
    if step.analysis is not None:
        args += list(step.analysis.args)
    for arg in args:
        ref = arg.value_from.field_ref if arg.value_from is not None else None
        if ref is not None and (ref.field_path or "").startswith("metadata") \
                and not _metadata_field_path_ok(ref.field_path or ""):
            errs.append(invalid(f"{step_path}.analyses",
                                [f"{a.name}" for a in args], INVALID_ANALYSIS_ARGS))
    return errs


# -- referenced resources ----------------------------------------------------------------------


_SERVICE_PATHS = {"ActiveService": "spec.strategy.blueGreen.activeService",
                  "PreviewService": "spec.strategy.blueGreen.previewService",
                  "CanaryService": "spec.strategy.canary.canaryService",
                  "StableService": "spec.strategy.canary.stableService"}


def _referenced_services(c: RolloutContext) -> tuple[list[tuple[Any, str]], FieldError | None]:
    ro = c.rollout
    bg, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    names = []
    if bg is not None:
        names = [(bg.active_service, "ActiveService"), (bg.preview_service, "PreviewService")]
    elif canary is not None:
        names = [(canary.stable_service, "StableService"), (canary.canary_service,
                                                            "CanaryService")]
    out = []
    for name, kind in names:
        if not name:
            continue
        svc = c.cluster.get("Service", ro.metadata.namespace, name)
        if svc is None:
            return [], invalid(_SERVICE_PATHS[kind], name, f'service "{name}" not found')
        out.append((svc, kind))
    return out, None


def _template_refs(c: RolloutContext, refs: Any, path: str
                   ) -> tuple[list[Any], list[Any], FieldError | None]:
    """getReferencedAnalysisTemplatesFromRef."""
    templates: list[Any] = []
    cluster_templates: list[Any] = []
    for ref in refs:
        if ref.cluster_scope:
            t = c.cluster.get("ClusterAnalysisTemplate", "", ref.template_name)
            if t is None:
                return [], [], invalid(path, ref.template_name or "",
                                       f"ClusterAnalysisTemplate '{ref.template_name}' not found")
            cluster_templates.append(t)
        else:
            t = c.cluster.get("AnalysisTemplate", c.rollout.metadata.namespace,
                              ref.template_name)
            if t is None:
                return [], [], invalid(path, ref.template_name or "",
                                       f"AnalysisTemplate '{ref.template_name}' not found")
            templates.append(t)
        if t.spec.templates:
            inner_t, inner_c, err = _template_refs(c, t.spec.templates, "spec.templates")
            if err is not None:
                return [], [], err
            cluster_templates += inner_c
            templates += inner_t
    templates, cluster_templates = au.filter_unique_templates(templates, cluster_templates)
    return templates, cluster_templates, None


def _referenced_analyses(c: RolloutContext) -> tuple[list[tuple[Any, ...]], FieldError | None]:
    ro = c.rollout
    out = []
    bg, canary = ro.spec.strategy.blue_green, ro.spec.strategy.canary
    wanted: list[tuple[Any, str, str]] = []
    if bg is not None:
        if bg.pre_promotion_analysis is not None:
            wanted.append((bg.pre_promotion_analysis, "PrePromotionAnalysis",
                           "spec.strategy.blueGreen.prePromotionAnalysis.templates"))
        if bg.post_promotion_analysis is not None:
            wanted.append((bg.post_promotion_analysis, "PostPromotionAnalysis",
                           "spec.strategy.blueGreen.postPromotionAnalysis.templates"))
    elif canary is not None:
        for i, step in enumerate(canary.steps):
            if step.analysis is not None:
                wanted.append((step.analysis, "InlineAnalysis",
                               f"spec.strategy.canary.steps[{i}].analysis.templates"))
        if canary.analysis is not None:
            wanted.append((canary.analysis, "BackgroundAnalysis",
                           "spec.strategy.canary.analysis.templates"))
    for analysis, kind, path in wanted:
        templates, cluster_templates, err = _template_refs(c, analysis.templates, path)
        if err is not None:
            return [], err
        out.append((analysis, kind, path, templates, cluster_templates))
    return out, None


def validate_service(ro: Any, svc: Any, kind: str) -> list[FieldError]:
    """ValidateService: its selector matches the template's labels, no other Rollout manages
    it."""
    path = _SERVICE_PATHS[kind]
    errs = []
    labels = ro.spec.template.metadata.labels if ro.spec.template is not None else {}
    for key, value in sorted(svc.spec.selector.items()):
        if key == HASH_KEY:
            continue
        if labels.get(key) != value:
            errs.append(invalid(path, svc.metadata.name,
                                f'Service "{svc.metadata.name}" has unmatch label "{key}" in '
                                "rollout"))
    manager = svc.metadata.annotations.get(MANAGED_BY_ROLLOUTS_KEY)
    if manager is not None and manager != ro.metadata.name:
        errs.append(invalid(path, svc.metadata.name,
                            SERVICE_MANAGED_BY_OTHER.format(svc.metadata.name)))
    return errs


def validate_analysis_templates(ro: Any, analysis: Any, kind: str, path: str,
                                templates: list[Any], cluster_templates: list[Any]
                                ) -> list[FieldError]:
    """ValidateAnalysisTemplatesWithType: the templates make a run; a step or promotion
    analysis may not run forever."""
    names = [t.metadata.name for t in [*templates, *cluster_templates]]
    value = f"templateNames: [{' '.join(names)}]"
    dummy = {"Latest": "dummy-new-hash", "Stable": "dummy-stable-hash"}
    args = []
    for arg in analysis.args:
        v = arg.value or ""
        if arg.value_from is not None and arg.value_from.pod_template_hash_value in dummy:
            v = dummy[arg.value_from.pod_template_hash_value]
        args.append(arg.__class__(name=arg.name, value=v))
    _, message = au.new_analysis_run_spec(templates, cluster_templates, args, [], [])
    if message is not None:
        return [invalid(path, value, message)]
    errs = []
    for t in [*templates, *cluster_templates]:
        if kind != "BackgroundAnalysis":
            targs = [a if a.value is not None or a.value_from is None else a
                     for a in t.spec.args]
            targs = [a.__class__(name=a.name, value=a.value if a.value is not None
                                 else "dummy-value") for a in targs]
            for metric in t.spec.metrics:
                resolved, err = au.resolve_metric_args(metric, targs)
                if err is not None or resolved is None:
                    errs.append(invalid(path, t.metadata.name,
                                        f"AnalysisTemplate {t.metadata.name}: {err}"))
                    break
                if resolved.effective_count() is None:
                    count = "" if resolved.count is None else str(resolved.count)
                    errs.append(invalid(path, t.metadata.name, (
                        f"AnalysisTemplate {t.metadata.name} has metric {resolved.name} which "
                        f"runs indefinitely. Invalid value for count: {count}")))
        else:
            rollout_args = {a.name for a in ro.spec.strategy.canary.analysis.args} \
                if ro.spec.strategy.canary is not None \
                and ro.spec.strategy.canary.analysis is not None else set()
            for arg in t.spec.args:
                if arg.value is not None or arg.value_from is not None:
                    continue
                if not rollout_args:
                    errs.append(invalid(path, t.metadata.name,
                                        "missing analysis arguments in rollout spec"))
                elif arg.name not in rollout_args:
                    errs.append(invalid(path, t.metadata.name, arg.name or ""))
    return errs


def validate_virtual_services(c: RolloutContext) -> tuple[list[FieldError], FieldError | None]:
    ro = c.rollout
    canary = ro.spec.strategy.canary
    if canary is None or canary.traffic_routing is None or canary.traffic_routing.istio is None:
        return [], None
    istio = canary.traffic_routing.istio
    multiple = bool(istio.virtual_services)
    if multiple and istio.virtual_service is not None or not multiple \
            and istio.virtual_service is None:
        return [], FieldError("Internal error", "spec.strategy.canary.trafficRouting.istio",
                              None, "either VirtualService or VirtualServices must be "
                                    "configured")
    path = ("spec.strategy.canary.trafficRouting.istio.virtualServices.name" if multiple
            else "spec.strategy.canary.trafficRouting.istio.virtualService.name")
    reconciler = IstioReconciler(ro, c.all_rss)
    errs = []
    for vs in reconciler.virtual_services:
        namespace, name = get_virtual_service_namespace_name(vs.name or "")
        obj = c.cluster.get("VirtualService", namespace or ro.metadata.namespace, name)
        if obj is None:
            return [], invalid(path, name,
                               f'virtualservices.networking.istio.io "{name}" not found')
        from kubefold.core.codec import encode_object
        http = (encode_object(obj).get("spec") or {}).get("http")
        if http is not None:
            message = reconciler.validate_http_routes(list(vs.routes), http)
            if message is not None:
                errs.append(invalid(path, name, "Istio VirtualService has invalid HTTP routes. "
                                                f"Error: {message}"))
    return errs, None


def get_rollout_validation_errors(c: RolloutContext) -> FieldError | None:
    """getRolloutValidationErrors: the first spec error, else the first error in a referenced
    Service, AnalysisTemplate or VirtualService (or the missing one)."""
    errs = validate_rollout(c.rollout, c.resolved_template)
    if errs:
        return errs[0]
    services, err = _referenced_services(c)
    if err is not None:
        return err
    analyses, err = _referenced_analyses(c)
    if err is not None:
        return err
    vs_errs, err = validate_virtual_services(c)
    if err is not None:
        return err
    refs: list[FieldError] = []
    for svc, kind in services:
        refs += validate_service(c.rollout, svc, kind)
    for analysis, kind, path, templates, cluster_templates in analyses:
        refs += validate_analysis_templates(c.rollout, analysis, kind, path, templates,
                                            cluster_templates)
    refs += vs_errs
    return refs[0] if refs else None
