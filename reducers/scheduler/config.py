"""Scheduler profiles: the default plugins and KubeSchedulerConfiguration documents.

Models (v1.34): pkg/scheduler/apis/config/v1/default_plugins.go (getDefaultPlugins: the
MultiPoint list and its score weights; applyFeatureGates: DynamicResources before
DefaultPreemption; mergePlugins, mergePluginSet), defaults.go (one default-scheduler profile,
percentageOfNodesToScore 0 = adaptive), framework/runtime/framework.go (NewFramework:
updatePluginList per extension point, expandMultiPointPlugins with its three-part order,
getScoreWeights: the Score point's weight wins, 0 means 1).
Simplifies:
- Only the extension points kubefold runs are built: queueSort, preFilter, filter,
  postFilter, preScore, score. Plugins kubefold does not model (SchedulingGates, the volume
  plugins, DynamicResources, DefaultBinder) are left out, and so is any plugin whose module is
  not there yet.
- A document is not validated (an unknown plugin is dropped, not an error).
Covered by: tests/test_scheduler_cycle.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import attrs

from kubefold.core.schema import thaw

DEFAULT_SCHEDULER_NAME = "default-scheduler"
DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0

# The plugin registry: Go name -> module in kubefold.reducers.scheduler.
PLUGIN_MODULES: Mapping[str, str] = {
    "PrioritySort": "queue_sort",
    "NodeUnschedulable": "node_unschedulable",
    "NodeName": "node_name",
    "TaintToleration": "tainttoleration",
    "NodeAffinity": "node_affinity",
    "NodePorts": "node_ports",
    "NodeResourcesFit": "noderesources_fit",
    "PodTopologySpread": "pod_topology_spread",
    "InterPodAffinity": "inter_pod_affinity",
    "DefaultPreemption": "default_preemption",
    "NodeResourcesBalancedAllocation": "noderesources_balanced_allocation",
    "ImageLocality": "image_locality",
}

# getDefaultPlugins (v1.34, DynamicResourceAllocation on): MultiPoint, with score weights.
DEFAULT_MULTI_POINT: tuple[tuple[str, int | None], ...] = (
    ("SchedulingGates", None),
    ("PrioritySort", None),
    ("NodeUnschedulable", None),
    ("NodeName", None),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", None),
    ("NodeResourcesFit", 1),
    ("VolumeRestrictions", None),
    ("NodeVolumeLimits", None),
    ("VolumeBinding", None),
    ("VolumeZone", None),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DynamicResources", None),
    ("DefaultPreemption", None),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", None),
)

# Extension point (KubeSchedulerConfiguration key) -> the plugin method that implements it.
EXTENSION_POINTS: Mapping[str, str] = {
    "queueSort": "less",
    "preFilter": "pre_filter",
    "filter": "filter",
    "postFilter": "post_filter",
    "preScore": "pre_score",
    "score": "score",
}
ALL_POINTS = ("multiPoint", "preEnqueue", "queueSort", "preFilter", "filter", "postFilter",
              "preScore", "score", "reserve", "permit", "preBind", "bind", "postBind")

PluginRef = tuple[str, int | None]  # (name, weight)


@attrs.frozen
class PluginSet:
    enabled: tuple[PluginRef, ...] = ()
    disabled: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Profile:
    """A framework: the plugin instances at each extension point, in order."""

    scheduler_name: str = DEFAULT_SCHEDULER_NAME
    queue_sort: tuple[Any, ...] = ()
    pre_filter: tuple[Any, ...] = ()
    filter: tuple[Any, ...] = ()
    post_filter: tuple[Any, ...] = ()
    pre_score: tuple[Any, ...] = ()
    score: tuple[tuple[Any, int], ...] = ()  # (plugin, weight)
    percentage_of_nodes_to_score: int | None = None


# -- default_plugins.go ------------------------------------------------------------------------


def get_default_plugins() -> dict[str, PluginSet]:
    return {"multiPoint": PluginSet(enabled=DEFAULT_MULTI_POINT)}


def merge_plugins(default: Mapping[str, PluginSet], custom: Mapping[str, PluginSet] | None
                  ) -> dict[str, PluginSet]:
    if custom is None:
        return dict(default)
    return {p: merge_plugin_set(default.get(p, PluginSet()), custom.get(p, PluginSet()))
            for p in ALL_POINTS}


def merge_plugin_set(default: PluginSet, custom: PluginSet) -> PluginSet:
    """mergePluginSet: defaults minus the disabled ones ("*" = all), re-configured in place,
    then the custom plugins that replaced none."""
    disabled = set(custom.disabled) | set(default.disabled)
    custom_index = {name: (i, ref) for i, ref in enumerate(custom.enabled)
                    for name in (ref[0],)}
    replaced: set[int] = set()
    enabled: list[PluginRef] = []
    if "*" not in disabled:
        for ref in default.enabled:
            if ref[0] in disabled:
                continue
            if ref[0] in custom_index:
                i, ref = custom_index[ref[0]]
                replaced.add(i)
            enabled.append(ref)
    enabled.extend(ref for i, ref in enumerate(custom.enabled) if i not in replaced)
    return PluginSet(tuple(enabled), tuple(custom.disabled) + tuple(default.disabled))


# -- reading a document ---------------------------------------------------------------------


def _plugin_set(raw: Any) -> PluginSet:
    raw = raw or {}
    enabled = tuple((p.get("name", ""), p.get("weight")) for p in raw.get("enabled") or ())
    disabled = tuple(p.get("name", "") for p in raw.get("disabled") or ())
    return PluginSet(enabled, disabled)


def _plugins_of(raw: Any) -> dict[str, PluginSet] | None:
    if raw is None:
        return None
    return {p: _plugin_set(raw.get(p)) for p in ALL_POINTS}


def new_plugin(name: str, args: Mapping[str, Any]) -> Any:
    """The registry's factory: the module's `new(args)`, or None when kubefold has none."""
    module_name = PLUGIN_MODULES.get(name)
    if module_name is None:
        return None
    qualified = f"kubefold.reducers.scheduler.{module_name}"
    try:
        module = importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name == qualified:
            return None
        raise
    return module.new(args)


def _expand(point: str, plugins: Mapping[str, PluginSet], instances: Mapping[str, Any]
            ) -> list[str]:
    """updatePluginList, then expandMultiPointPlugins: the names at one extension point."""
    method = EXTENSION_POINTS[point]
    own = plugins.get(point, PluginSet())
    implements = [n for n, _ in own.enabled if n in instances and hasattr(instances[n], method)]
    disabled = set(own.disabled)
    if "*" in disabled:
        return implements
    overrides: list[str] = []
    multi: list[str] = []
    for name, _ in plugins.get("multiPoint", PluginSet()).enabled:
        plugin = instances.get(name)
        if plugin is None or not hasattr(plugin, method) or name in disabled:
            continue
        if name in implements:
            overrides.append(name)
        elif name not in multi:
            multi.append(name)
    ordered = [n for n in implements if n in overrides] + multi
    return ordered + [n for n in implements if n not in ordered]


def _score_weights(plugins: Mapping[str, PluginSet], instances: Mapping[str, Any]
                   ) -> dict[str, int]:
    """getScoreWeights: the Score point's weights first, then MultiPoint's; 0 means 1."""
    weights: dict[str, int] = {}
    refs = plugins.get("score", PluginSet()).enabled + plugins.get(
        "multiPoint", PluginSet()).enabled
    for name, weight in refs:
        if name in weights or name not in instances or not hasattr(instances[name], "score"):
            continue
        weights[name] = weight or 1
    return weights


def build_profile(raw: Mapping[str, Any], global_percentage: int | None = None) -> Profile:
    """One KubeSchedulerProfile: defaults merged with its plugins, plugins built with their
    pluginConfig args, each extension point expanded."""
    plugins = merge_plugins(get_default_plugins(), _plugins_of(raw.get("plugins")))
    args = {c.get("name"): c.get("args") or {} for c in raw.get("pluginConfig") or ()}
    names: list[str] = []
    for plugin_set in plugins.values():
        names.extend(n for n, _ in plugin_set.enabled if n not in names)
    instances = {n: p for n in names if (p := new_plugin(n, args.get(n, {}))) is not None}
    points = {point: tuple(instances[n] for n in _expand(point, plugins, instances))
              for point in EXTENSION_POINTS}
    weights = _score_weights(plugins, instances)
    percentage = raw.get("percentageOfNodesToScore")
    return Profile(
        scheduler_name=raw.get("schedulerName") or DEFAULT_SCHEDULER_NAME,
        queue_sort=points["queueSort"], pre_filter=points["preFilter"],
        filter=points["filter"], post_filter=points["postFilter"],
        pre_score=points["preScore"],
        score=tuple((p, weights[p.name]) for p in points["score"]),
        percentage_of_nodes_to_score=percentage)


@attrs.frozen(eq=False)
class SchedulerConfig:
    profiles: Mapping[str, Profile]
    percentage_of_nodes_to_score: int = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE


def config_from_document(doc: Mapping[str, Any] | None) -> SchedulerConfig:
    """A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as plain JSON; None is
    the default configuration."""
    doc = doc or {}
    raw_profiles: Sequence[Any] = doc.get("profiles") or [{}]
    profiles: dict[str, Profile] = {}
    for raw in raw_profiles:
        profile = build_profile(raw)
        profiles.setdefault(profile.scheduler_name, profile)
    percentage = doc.get("percentageOfNodesToScore")
    return SchedulerConfig(profiles, DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE
                           if percentage is None else percentage)


def profile_from_config(doc: Mapping[str, Any] | None,
                        scheduler_name: str = DEFAULT_SCHEDULER_NAME) -> Profile | None:
    """The profile of `scheduler_name` in the document (None: the default configuration)."""
    return config_from_document(doc).profiles.get(scheduler_name)


def default_profile() -> Profile:
    profile = profile_from_config(None)
    assert profile is not None
    return profile


@lru_cache(maxsize=16)
def config_of(obj: Any) -> SchedulerConfig:
    """The configuration a stored KubeSchedulerConfiguration object (or None) selects; plugin
    instances hold no state, so one build serves every cycle."""
    if obj is None:
        return config_from_document(None)
    body = {k: thaw(v) for k, v in obj.extra.items()}
    return config_from_document(body)
