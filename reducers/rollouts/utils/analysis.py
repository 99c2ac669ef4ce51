"""AnalysisRuns as the rollout controller makes and sorts them, and the helpers the analysis
controller reads its run with.

Models: utils/analysis/factory.go (BuildArgumentsForRolloutAnalysisRun, the Post/Pre/
Background/Step label sets, ResolveMetricArgs, ValidateMetrics, ValidateMetric,
extractValueFromRollout), utils/analysis/helpers.go (CurrentAnalysisRuns, IsWorse, Worst,
IsTerminating, GetDryRunMetrics, GetMeasurementRetentionMetrics, GetResult, SetResult,
MetricCompleted, LastMeasurement, MergeArgs, NewAnalysisRunFromTemplates, FlattenTemplates,
flattenArgs, flattenMetrics, the dry-run and retention merges, FilterUniqueTemplates),
utils/analysis/filter.go (FilterCurrentRolloutAnalysisRuns, FilterAnalysisRunsToDelete) and
utils/template/template.go (ResolveArgs, ResolveQuotedArgs), argo-rollouts at 9f8d111.
Simplifies: a fieldRef argument reads metadata.name, metadata.namespace, metadata.uid and
labels/annotations (the downward API's metadata fields) or a path into the Rollout; secret
arguments are not modelled (an AnalysisRun that names one is an Error).
Covered by: tests/test_rollouts_analysis.py, tests/test_rollouts_utils.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.codec import encode_object
from kubefold.core.rollouts import (
    AnalysisRunSpec,
    Argument,
    Metric,
    MetricResult,
    int_value,
    parse_go_duration,
    phase_completed,
)
from kubefold.core.schema import decode, encode, thaw
from kubefold.reducers.rollouts.utils.annotations import DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY

ROLLOUT_TYPE_LABEL = "rollout-type"
ROLLOUT_TYPE_STEP_LABEL = "Step"
ROLLOUT_TYPE_BACKGROUND_RUN_LABEL = "Background"
ROLLOUT_TYPE_PRE_PROMOTION_LABEL = "PrePromotion"
ROLLOUT_TYPE_POST_PROMOTION_LABEL = "PostPromotion"
ROLLOUT_CANARY_STEP_INDEX_LABEL = "step-index"
LABEL_KEY_CONTROLLER_INSTANCE_ID = "argo-rollouts.argoproj.io/controller-instance-id"

PENDING, RUNNING, SUCCESSFUL = "Pending", "Running", "Successful"
FAILED, ERROR, INCONCLUSIVE = "Failed", "Error", "Inconclusive"
_ORDER = (SUCCESSFUL, RUNNING, PENDING, INCONCLUSIVE, ERROR, FAILED)


@attrs.frozen
class CurrentAnalysisRuns:
    blue_green_pre_promotion: Any = None
    blue_green_post_promotion: Any = None
    canary_step: Any = None
    canary_background: Any = None

    def to_array(self) -> list[Any]:
        return [r for r in (self.blue_green_post_promotion, self.blue_green_pre_promotion,
                            self.canary_step, self.canary_background) if r is not None]


# -- phases ------------------------------------------------------------------------------------


def _rank(phase: str | None) -> int:
    return _ORDER.index(phase) if phase in _ORDER else 0


def is_worse(current: str | None, new: str | None) -> bool:
    return _rank(new) > _rank(current)


def worst(left: str | None, right: str | None) -> str | None:
    return right if is_worse(left, right) else left


def is_terminating(run: Any) -> bool:
    """IsTerminating: asked to stop, or a (non dry-run) metric failed, errored or is
    inconclusive."""
    if run.spec.terminate:
        return True
    return any(not r.dry_run and r.phase in (FAILED, ERROR, INCONCLUSIVE)
               for r in run.status.metric_results)


def get_result(run: Any, metric_name: str) -> MetricResult | None:
    for r in run.status.metric_results:
        if r.name == metric_name:
            return r
    return None


def set_result(run: Any, result: MetricResult) -> Any:
    results = list(run.status.metric_results)
    for i, r in enumerate(results):
        if r.name == result.name:
            results[i] = result
            break
    else:
        results.append(result)
    return attrs.evolve(run, status=attrs.evolve(run.status, metric_results=pvector(results)))


def metric_completed(run: Any, metric_name: str) -> bool:
    result = get_result(run, metric_name)
    return result is not None and phase_completed(result.phase)


def last_measurement(run: Any, metric_name: str) -> Any:
    result = get_result(run, metric_name)
    if result is None or not result.measurements:
        return None
    return result.measurements[-1]


def _rule_matches(pattern: str, name: str) -> bool:
    """regexp.MatchString: the pattern found anywhere in the name."""
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return False


def get_dry_run_metrics(dry_run: Any, metrics: list[Metric]) -> tuple[dict[str, bool], str | None]:
    found: dict[str, bool] = {}
    for index, rule in enumerate(dry_run):
        count = 0
        for metric in metrics:
            if _rule_matches(rule.metric_name or "", metric.name or ""):
                found[metric.name or ""] = True
                count += 1
        if count < 1:
            return found, f"dryRun[{index}]: Rule didn't match any metric name(s)"
    return found, None


def get_measurement_retention_metrics(rules: Any, metrics: list[Metric]
                                      ) -> tuple[dict[str, Any], str | None]:
    found: dict[str, Any] = {}
    for index, rule in enumerate(rules):
        count = 0
        for metric in metrics:
            if _rule_matches(rule.metric_name or "", metric.name or ""):
                found[metric.name or ""] = rule
                count += 1
        if count < 1:
            return found, f"measurementRetention[{index}]: Rule didn't match any metric name(s)"
    return found, None


# -- arguments and templates -------------------------------------------------------------------


def resolve_args(template: str, args: Any) -> tuple[str, str | None]:
    """ResolveArgs: `{{args.NAME}}` replaced by the argument's value (spaces in the tag
    trimmed); an argument without a value, or a tag that names none, is an error (the text
    is still resolved, the unknown tag to nothing)."""
    values: dict[str, str] = {}
    for arg in args:
        if arg.value is None:
            return "", f'argument "{arg.name}" was not supplied'
        values[f"args.{arg.name}"] = arg.value
    error: str | None = None
    out: list[str] = []
    pos = 0
    while True:
        start = template.find("{{", pos)
        if start < 0:
            out.append(template[pos:])
            break
        end = template.find("}}", start + 2)
        if end < 0:
            return "", f'cannot find end tag="}}}}" in the template="{template}" ' \
                       f'starting from "{template[start + 2:]}"'
        out.append(template[pos:start])
        tag = template[start + 2:end]
        if tag.strip() in values:
            out.append(values[tag.strip()])
        else:
            error = f"failed to resolve {{{{{tag}}}}}"
        pos = end + 2
    return "".join(out), error


def resolve_quoted_args(template: str, args: Any) -> tuple[str, str | None]:
    """ResolveQuotedArgs: values escaped as strconv.Quote would, without the quotes."""
    quoted = [attrs.evolve(a, value=None if a.value is None else json.dumps(a.value)[1:-1])
              for a in args]
    return resolve_args(template, quoted)


def resolve_metric_args(metric: Metric, args: Any) -> tuple[Metric | None, str | None]:
    """ResolveMetricArgs: the metric's JSON with its arguments substituted, read back."""
    text = json.dumps(encode(metric), separators=(",", ":"))
    resolved, err = resolve_quoted_args(text, args)
    if err is not None:
        return None, err
    try:
        return decode(Metric, json.loads(resolved)), None
    except ValueError as exc:
        return None, str(exc)


def validate_metric(metric: Metric) -> str | None:
    """ValidateMetric."""
    count = int_value(metric.count)
    failure_limit = int_value(metric.failure_limit)
    success_limit = int_value(metric.consecutive_success_limit)
    inconclusive_limit = int_value(metric.inconclusive_limit)
    if success_limit < 0:
        return "consecutiveSuccessLimit must be >= 0"
    if failure_limit < -1:
        return "failureLimit must be >= 0, or -1 to be disabled"
    if success_limit == 0 and failure_limit == -1:
        return "failureLimit and consecutiveSuccessLimit cannot both be disabled"
    if inconclusive_limit < 0:
        return "inconclusiveLimit must be >= 0"
    if metric.consecutive_error_limit is not None and int_value(metric.consecutive_error_limit) < 0:
        return "consecutiveErrorLimit must be >= 0"
    if count > 0:
        if success_limit >= 0 and failure_limit >= 0:
            if count < failure_limit + success_limit:
                return (f"count ({count}) must be >= failureLimit + consecutiveSuccessLimit "
                        f"({failure_limit} + {success_limit}) if both >= 0")
        elif success_limit >= 0 > failure_limit and count < success_limit:
            return "count must be >= consecutiveSuccessLimit"
        if count < inconclusive_limit:
            return "count must be >= inconclusiveLimit"
    if count > 1 and not metric.interval:
        return "interval must be specified when count > 1"
    if metric.interval and parse_go_duration(metric.interval) is None:
        return f'invalid interval string: time: invalid duration "{metric.interval}"'
    if metric.initial_delay and parse_go_duration(metric.initial_delay) is None:
        return f'invalid startDelay string: time: invalid duration "{metric.initial_delay}"'
    providers = sum(len(v) if k == "plugin" and hasattr(v, "__len__") else 1
                    for k, v in metric.provider.items() if v is not None)
    if providers == 0:
        return "no provider specified"
    if providers > 1:
        return "multiple providers specified"
    return None


def validate_metrics(metrics: list[Metric]) -> str | None:
    """ValidateMetrics."""
    if not metrics:
        return "no metrics specified"
    seen: set[str] = set()
    for i, metric in enumerate(metrics):
        if metric.name in seen:
            return f"metrics[{i}]: duplicate name '{metric.name}'"
        seen.add(metric.name or "")
        err = validate_metric(metric)
        if err is not None:
            return f"metrics[{i}]: {err}"
    return None


def merge_args(incoming: Any, template_args: Any) -> tuple[list[Argument] | None, str | None]:
    """MergeArgs: the template's arguments with the incoming values; every one must end with
    a value or a source."""
    merged = list(template_args)
    for arg in incoming:
        for i, existing in enumerate(merged):
            if existing.name == arg.name:
                if arg.value is not None:
                    merged[i] = attrs.evolve(existing, value=arg.value)
                elif arg.value_from is not None:
                    merged[i] = attrs.evolve(existing, value_from=arg.value_from)
                break
    for arg in merged:
        if arg.value is None and arg.value_from is None:
            return None, f"args.{arg.name} was not resolved"
    return merged, None


def _flatten_args(templates: list[Any]) -> tuple[list[Argument] | None, str | None]:
    combined: list[Argument] = []
    for template in templates:
        for arg in template.spec.args:
            for i, prev in enumerate(combined):
                if prev.name == arg.name:
                    if prev.value is not None and arg.value is not None \
                            and prev.value != arg.value:
                        return None, (f"Argument `{prev.name}` specified multiple times with "
                                      f"different values: '{prev.value}', '{arg.value}'")
                    if prev.value is None:
                        combined[i] = arg
                    break
            else:
                combined.append(arg)
    return combined, None


def _unique_names(rules: list[Any], what: str) -> str | None:
    seen: set[str] = set()
    for rule in rules:
        if rule.metric_name in seen:
            return f"two {what} metric rules have the same name '{rule.metric_name}'"
        seen.add(rule.metric_name or "")
    return None


def new_analysis_run_spec(templates: list[Any], cluster_templates: list[Any], args: Any,
                          dry_run: Any, retention: Any) -> tuple[AnalysisRunSpec | None,
                                                                 str | None]:
    """NewAnalysisRunFromTemplates' spec: FlattenTemplates (metrics, dry-run, retention and
    arguments of every template, namespaced ones first), then the Rollout's arguments merged
    in and its dry-run and retention rules added."""
    every = [*templates, *cluster_templates]
    metrics = [m for t in every for m in t.spec.metrics]
    names: set[str] = set()
    for metric in metrics:
        if metric.name in names:
            return None, f"two metrics have the same name '{metric.name}'"
        names.add(metric.name or "")
    template_dry_run = [d for t in every for d in t.spec.dry_run]
    template_retention = [r for t in every for r in t.spec.measurement_retention]
    for rules, what in ((template_dry_run, "Dry-Run"),
                        (template_retention, "Measurement Retention")):
        err = _unique_names(rules, what)
        if err:
            return None, err
    template_args, err = _flatten_args(every)
    if err:
        return None, err
    merged, err = merge_args(args, template_args or [])
    if err:
        return None, err
    all_dry_run = [*dry_run, *template_dry_run]
    all_retention = [*retention, *template_retention]
    for rules, what in ((all_dry_run, "Dry-Run"), (all_retention, "Measurement Retention")):
        err = _unique_names(rules, what)
        if err:
            return None, err
    return AnalysisRunSpec(metrics=pvector(metrics), dry_run=pvector(all_dry_run),
                           measurement_retention=pvector(all_retention),
                           args=pvector(merged or [])), None


def filter_unique_templates(templates: list[Any], cluster_templates: list[Any]
                            ) -> tuple[list[Any], list[Any]]:
    def unique(items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        out = []
        for t in items:
            if t.metadata.name not in seen:
                seen.add(t.metadata.name)
                out.append(t)
        return out
    return unique(templates), unique(cluster_templates)


def _labels(pod_hash: str, kind: str, instance_id: str, **extra: str) -> dict[str, str]:
    labels = {DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY: pod_hash, ROLLOUT_TYPE_LABEL: kind, **extra}
    if instance_id:
        labels[LABEL_KEY_CONTROLLER_INSTANCE_ID] = instance_id
    return labels


def post_promotion_labels(pod_hash: str, instance_id: str) -> dict[str, str]:
    return _labels(pod_hash, ROLLOUT_TYPE_POST_PROMOTION_LABEL, instance_id)


def pre_promotion_labels(pod_hash: str, instance_id: str) -> dict[str, str]:
    return _labels(pod_hash, ROLLOUT_TYPE_PRE_PROMOTION_LABEL, instance_id)


def background_labels(pod_hash: str, instance_id: str) -> dict[str, str]:
    return _labels(pod_hash, ROLLOUT_TYPE_BACKGROUND_RUN_LABEL, instance_id)


def step_labels(index: int, pod_hash: str, instance_id: str) -> dict[str, str]:
    return _labels(pod_hash, ROLLOUT_TYPE_STEP_LABEL, instance_id,
                   **{ROLLOUT_CANARY_STEP_INDEX_LABEL: str(index)})


def get_instance_id(obj: Any) -> str:
    return obj.metadata.labels.get(LABEL_KEY_CONTROLLER_INSTANCE_ID, "")


def _field_path(ro: Any, path: str) -> tuple[str | None, str | None]:
    """fieldpath.ExtractFieldPathAsString for metadata paths; extractValueFromRollout for
    the others."""
    meta = ro.metadata
    if path.startswith("metadata"):
        simple = {"metadata.name": meta.name, "metadata.namespace": meta.namespace,
                  "metadata.uid": meta.uid}
        if path in simple:
            return simple[path] or "", None
        for prefix, values in (("metadata.labels", meta.labels),
                               ("metadata.annotations", meta.annotations)):
            if path == prefix:
                return "\n".join(f'{k}="{v}"' for k, v in sorted(values.items())), None
            if path.startswith(prefix + "['") and path.endswith("']"):
                return values.get(path[len(prefix) + 2:-2], ""), None
        return None, f'unsupported fieldPath: {path}'
    value: Any = thaw(encode_object(ro))
    for section in [s for s in re.split(r"[.\[\]]+", path) if s]:
        if isinstance(value, list):
            if not section.isdigit():
                return None, f"invalid index '{section}'"
            i = int(section)
            if i >= len(value):
                return None, f"index {i} out of range"
            value = value[i]
        elif isinstance(value, dict):
            value = value.get(section)
        else:
            return None, f"invalid path {path} in rollout"
    if value is None:
        return None, f"invalid path {path} in rollout"
    if isinstance(value, dict | list):
        return None, f"path {path} in rollout must terminate in a primitive value"
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    return str(value), None


def build_arguments_for_rollout_analysis_run(args: Any, stable_rs: Any, new_rs: Any, ro: Any
                                             ) -> tuple[list[Argument], str | None]:
    """BuildArgumentsForRolloutAnalysisRun: each argument's value, from the latest or stable
    pod hash or a field of the Rollout when it names a source."""
    out: list[Argument] = []
    error: str | None = None
    for arg in args:
        value = arg.value or ""
        source = arg.value_from
        if source is not None:
            if source.pod_template_hash_value is not None:
                if source.pod_template_hash_value == "Latest":
                    value = new_rs.metadata.labels.get(DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY, "")
                elif source.pod_template_hash_value == "Stable":
                    value = stable_rs.metadata.labels.get(DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY, "") \
                        if stable_rs is not None else ""
            elif source.field_ref is not None:
                got, err = _field_path(ro, source.field_ref.field_path or "")
                if err is not None and (source.field_ref.field_path or "").startswith("metadata"):
                    return [], err
                value, error = got or "", err
        out.append(Argument(name=arg.name, value=value))
    return out, error


# -- the runs of a Rollout ---------------------------------------------------------------------


def filter_current_rollout_analysis_runs(runs: list[Any], ro: Any
                                         ) -> tuple[CurrentAnalysisRuns, list[Any]]:
    """FilterCurrentRolloutAnalysisRuns: the runs the status names, and the others."""
    def name(s: Any) -> str:
        return "" if s is None else (s.name or "")
    step = name(ro.status.canary.current_step_analysis_run_status)
    background = name(ro.status.canary.current_background_analysis_run_status)
    pre = name(ro.status.blue_green.pre_promotion_analysis_run_status)
    post = name(ro.status.blue_green.post_promotion_analysis_run_status)
    current = {"canary_step": None, "canary_background": None,
               "blue_green_pre_promotion": None, "blue_green_post_promotion": None}
    others = []
    for run in runs:
        if run is None:
            continue
        n = run.metadata.name
        if n == step:
            current["canary_step"] = run
        elif n == background:
            current["canary_background"] = run
        elif n == pre:
            current["blue_green_pre_promotion"] = run
        elif n == post:
            current["blue_green_post_promotion"] = run
        else:
            others.append(run)
    return CurrentAnalysisRuns(**current), others


def filter_analysis_runs_to_delete(runs: list[Any], all_rss: list[Any], limit_successful: int,
                                   limit_unsuccessful: int) -> list[Any]:
    """FilterAnalysisRunsToDelete: runs of ReplicaSets gone or going, and beyond the history
    limits, newest kept."""
    hashes: dict[str, bool] = {}
    for rs in all_rss:
        if rs is None:
            continue
        h = rs.metadata.labels.get(DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY)
        if h is not None:
            hashes[h] = rs.metadata.deletion_timestamp is not None
    ordered = sorted(runs, key=lambda r: (r.metadata.creation_timestamp or 0,
                                          r.metadata.name or ""), reverse=True)
    kept_ok = kept_bad = 0
    delete = []
    for run in ordered:
        h = run.metadata.labels.get(DEFAULT_ROLLOUT_UNIQUE_LABEL_KEY)
        if h is None or h not in hashes or hashes[h]:
            delete.append(run)
            continue
        phase = run.status.phase
        if phase == SUCCESSFUL:
            if kept_ok < limit_successful:
                kept_ok += 1
            else:
                delete.append(run)
        elif phase in (FAILED, ERROR, INCONCLUSIVE):
            if kept_bad < limit_unsuccessful:
                kept_bad += 1
            else:
                delete.append(run)
    return delete


def is_semantically_equal(left: Any, right: Any) -> bool:
    """IsSemanticallyEqual: the same metrics, dry-run, retention and arguments."""
    def key(spec: Any) -> Any:
        return (spec.metrics, spec.dry_run, spec.measurement_retention, spec.args)
    return bool(key(left) == key(right))
