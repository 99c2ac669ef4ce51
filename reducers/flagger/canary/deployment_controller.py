"""Flagger's controller of a Deployment target: the primary Deployment `<target>-primary`, the
promotion that copies the target's pod template into it, and the target scaled to zero
between analyses.

The primary's selector and pod labels carry the target's selector label (the first of `app`,
`name`, `app.kubernetes.io/name` its selector has) with the value `<value>-primary`, so the
primary's pods and the target's are told apart by the Services Flagger writes.

Models: fluxcd/flagger pkg/canary/deployment_controller.go (Initialize, Promote,
HasTargetChanged, ScaleToZero, ScaleFromZero, GetMetadata, createPrimaryDeployment,
getSelectorLabel, HaveDependenciesChanged, getPrimaryDeploymentTemplateSpec,
appendPrimarySuffixToValuesIfNeeded) with the flags' defaults (-selector-labels
app,name,app.kubernetes.io/name; -include-label-prefix "").
Simplifies: Finalize (revertOnDeletion) is not modelled; a target with an autoscalerRef keeps
its replicas on promotion as Go does, but no primary HorizontalPodAutoscaler or ScaledObject
is written (pkg/canary/hpa_reconciler.go is not modelled). Go's JSON merge patch of
spec.replicas is a write through the scale subresource.
Covered by: tests/test_flagger_canary.py, tests/test_flagger_scheduler.py.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import (
    API_VERSION,
    INITIALIZING,
    KIND,
    Canary,
    service_of,
    skip_analysis,
    target_name,
)
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary import config_tracker
from kubefold.reducers.flagger.canary.deployment_ready import is_primary_ready
from kubefold.reducers.flagger.canary.util import (
    INCLUDE_LABEL_PREFIX,
    SELECTOR_LABELS,
    filter_metadata,
    get_ports,
    has_spec_changed,
    include_labels_by_prefix,
    make_annotations,
    make_primary_labels,
)

Step = tuple[Cluster, str | None]


def _ns(cd: Canary) -> str:
    return cd.metadata.namespace or "default"


def _get(cluster: Cluster, namespace: str, name: str) -> Any:
    return cluster.get("Deployment", namespace, name)


def _not_found(name: str, namespace: str) -> str:
    return f'deployment {name}.{namespace} get query error: deployments.apps "{name}" not found'


def controller_ref(cd: Canary) -> dict[str, Any]:
    """metav1.NewControllerRef(cd, flagger.app/v1beta1 Canary) as JSON."""
    return {"apiVersion": API_VERSION, "kind": KIND, "name": cd.metadata.name,
            "uid": cd.metadata.uid, "controller": True, "blockOwnerDeletion": True}


def get_selector_label(dep: Any, labels: Sequence[str] = SELECTOR_LABELS
                       ) -> tuple[str, str] | str:
    """getSelectorLabel: the first selector label of the Deployment's matchLabels."""
    match = dep.spec.selector.match_labels if dep.spec.selector is not None else {}
    for label in labels:
        if label in match:
            return label, match[label]
    return f"deployment {dep.metadata.name}.{dep.metadata.namespace} spec.selector.matchLabels " \
           f"must contain one of [{' '.join(labels)}]"


def get_metadata(cluster: Cluster, cd: Canary) -> tuple[str, str, dict[str, int]] | str:
    """GetMetadata: the selector label and value, and (portDiscovery) the other ports."""
    name, namespace = target_name(cd), _ns(cd)
    dep = _get(cluster, namespace, name)
    if dep is None:
        return _not_found(name, namespace)
    found = get_selector_label(dep)
    if isinstance(found, str):
        return f"getSelectorLabel failed: {found}"
    ports: dict[str, int] = {}
    if service_of(cd).port_discovery:
        spec = _template_spec_json(dep)
        ports = get_ports(cd, spec.get("containers") or ())
    return found[0], found[1], ports


def _template_spec_json(dep: Any) -> dict[str, Any]:
    template = dep.spec.template
    if template is None or template.spec is None:
        return {}
    return encode(template.spec)


def initialize(cluster: Cluster, cd: Canary) -> tuple[Cluster, bool, str | None]:
    """Initialize: create the primary if missing; while initializing (and analysing), wait
    for it to be ready."""
    cluster, err = create_primary_deployment(cluster, cd)
    if err is not None:
        return cluster, True, f"createPrimaryDeployment failed: {err}"
    if cd.status.phase in (None, "", INITIALIZING) and not skip_analysis(cd):
        retriable, ready_err = is_primary_ready(cluster, cd)
        if ready_err is not None:
            return cluster, retriable, ready_err
    return cluster, True, None


def create_primary_deployment(cluster: Cluster, cd: Canary,
                              include_label_prefix: Sequence[str] = INCLUDE_LABEL_PREFIX
                              ) -> Step:
    """createPrimaryDeployment: `<target>-primary`, a copy of the target with the primary's
    selector label, controlled by the Canary, its ConfigMaps and Secrets the primary copies;
    nothing when it exists."""
    name, namespace = target_name(cd), _ns(cd)
    primary_name = f"{name}-primary"
    canary_dep = _get(cluster, namespace, name)
    if canary_dep is None:
        return cluster, _not_found(name, namespace)
    labels = include_labels_by_prefix(canary_dep.metadata.labels, include_label_prefix)
    found = get_selector_label(canary_dep)
    if isinstance(found, str):
        return cluster, f"getSelectorLabel failed: {found}"
    label, label_value = found
    primary_value = f"{label_value}-primary"
    if _get(cluster, namespace, primary_name) is not None:
        return cluster, None
    refs = config_tracker.get_target_configs(cluster, cd)
    if isinstance(refs, str):
        return cluster, f"GetTargetConfigs failed: {refs}"
    cluster, err = config_tracker.create_primary_configs(cluster, cd, refs, include_label_prefix)
    if err is not None:
        return cluster, f"CreatePrimaryConfigs failed: {err}"
    source = encode(canary_dep)
    spec = source.get("spec") or {}
    template = spec.get("template") or {}
    template_meta = template.get("metadata") or {}
    replicas = canary_dep.spec.replicas if (canary_dep.spec.replicas or 0) > 0 else 1
    primary_spec: dict[str, Any] = {
        key: spec[key] for key in ("progressDeadlineSeconds", "minReadySeconds",
                                   "revisionHistoryLimit", "strategy") if key in spec}
    primary_spec.update({
        "replicas": replicas,
        "selector": {"matchLabels": {label: primary_value}},
        "template": {"metadata": {
            "labels": make_primary_labels(template_meta.get("labels"), primary_value, label),
            "annotations": make_annotations(cluster, template_meta.get("annotations") or {},
                                            namespace, primary_name)},
            "spec": get_primary_deployment_template_spec(canary_dep, refs)}})
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
        "name": primary_name, "namespace": namespace,
        "labels": make_primary_labels(labels, primary_value, label),
        "annotations": filter_metadata(canary_dep.metadata.annotations),
        "ownerReferences": [controller_ref(cd)]}, "spec": primary_spec}
    written = apiserver.create(cluster, manifest)
    if isinstance(written, Status):
        return cluster, f"creating deployment {primary_name}.{namespace} failed: " \
                        f"{written.message}"
    return written.cluster, None


def get_primary_deployment_template_spec(canary_dep: Any,
                                         refs: Mapping[str, config_tracker.ConfigRef],
                                         labels: Sequence[str] = SELECTOR_LABELS
                                         ) -> dict[str, Any]:
    """getPrimaryDeploymentTemplateSpec: the target's pod spec with the primary's configs, and
    the topology spread and pod anti-affinity selectors that name the target by its selector
    label pointing at the primary instead."""
    spec = config_tracker.apply_primary_configs(_template_spec_json(canary_dep), refs)
    name = canary_dep.metadata.name
    for constraint in spec.get("topologySpreadConstraints") or ():
        _append_primary_suffix(constraint.get("labelSelector"), name, labels)
    anti = (spec.get("affinity") or {}).get("podAntiAffinity") or {}
    for term in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or ():
        _append_primary_suffix((term.get("podAffinityTerm") or {}).get("labelSelector"), name,
                               labels)
    for term in anti.get("requiredDuringSchedulingIgnoredDuringExecution") or ():
        _append_primary_suffix(term.get("labelSelector"), name, labels)
    return spec


def _append_primary_suffix(selector: Any, name: str, labels: Sequence[str]) -> None:
    """appendPrimarySuffixToValuesIfNeeded (on a JSON selector, in place)."""
    if not selector:
        return
    for expression in selector.get("matchExpressions") or ():
        if expression.get("key") in labels:
            values = expression.get("values") or []
            for i, value in enumerate(values):
                if value == name:
                    values[i] = f"{value}-primary"
                    break
    match = selector.get("matchLabels") or {}
    for key, value in list(match.items()):
        if key in labels and value == name:
            match[key] = f"{value}-primary"


def promote(cluster: Cluster, cd: Canary,
            include_label_prefix: Sequence[str] = INCLUDE_LABEL_PREFIX) -> Step:
    """Promote: copy the target's pod template (with the primary's configs, labels and a new
    flagger-id annotation that rolls the pods), strategy, timings and, without an autoscaler,
    replicas into the primary."""
    name, namespace = target_name(cd), _ns(cd)
    primary_name = f"{name}-primary"
    err = _promote_error(cluster, cd)
    if err is not None:
        return cluster, f"updating deployment {primary_name}.{namespace} template spec " \
                        f"failed: {err}"
    canary_dep, primary = _get(cluster, namespace, name), _get(cluster, namespace, primary_name)
    found = get_selector_label(canary_dep)
    assert not isinstance(found, str)
    label, label_value = found
    primary_value = f"{label_value}-primary"
    refs = config_tracker.get_target_configs(cluster, cd)
    assert not isinstance(refs, str)
    cluster, err = config_tracker.create_primary_configs(cluster, cd, refs, include_label_prefix)
    if err is not None:
        return cluster, f"updating deployment {primary_name}.{namespace} template spec " \
                        f"failed: CreatePrimaryConfigs failed: {err}"
    source = encode(canary_dep)
    source_spec = source.get("spec") or {}
    copy_of: dict[str, Any] = copy.deepcopy(encode(primary))
    copy_of["metadata"].pop("resourceVersion", None)
    spec = copy_of.setdefault("spec", {})
    for key in ("progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit",
                "strategy"):
        if key in source_spec:
            spec[key] = copy.deepcopy(source_spec[key])
        else:
            spec.pop(key, None)
    if cd.spec.autoscaler_ref is None:
        if "replicas" in source_spec:
            spec["replicas"] = source_spec["replicas"]
        else:
            spec.pop("replicas", None)
    template_meta = (source_spec.get("template") or {}).get("metadata") or {}
    template = spec.setdefault("template", {})
    template["spec"] = get_primary_deployment_template_spec(canary_dep, refs)
    template["metadata"] = {**(template.get("metadata") or {}), "annotations": make_annotations(
        cluster, template_meta.get("annotations") or {}, namespace, primary_name),
        "labels": make_primary_labels(template_meta.get("labels"), primary_value, label)}
    copy_of["metadata"]["annotations"] = include_labels_by_prefix(
        canary_dep.metadata.annotations, include_label_prefix)
    copy_of["metadata"]["labels"] = make_primary_labels(
        include_labels_by_prefix(canary_dep.metadata.labels, include_label_prefix),
        primary_value, label)
    copy_of.pop("status", None)
    written = apiserver.update(cluster, copy_of)
    if isinstance(written, Status):
        return cluster, f"updating deployment {primary_name}.{namespace} template spec " \
                        f"failed: {written.message}"
    return written.cluster, None


def _promote_error(cluster: Cluster, cd: Canary) -> str | None:
    """The errors Promote's retry loop returns before it writes."""
    name, namespace = target_name(cd), _ns(cd)
    canary_dep = _get(cluster, namespace, name)
    if canary_dep is None:
        return _not_found(name, namespace)
    found = get_selector_label(canary_dep)
    if isinstance(found, str):
        return f"getSelectorLabel failed: {found}"
    if _get(cluster, namespace, f"{name}-primary") is None:
        return _not_found(f"{name}-primary", namespace)
    refs = config_tracker.get_target_configs(cluster, cd)
    if isinstance(refs, str):
        return f"GetTargetConfigs failed: {refs}"
    return None


def has_target_changed(cluster: Cluster, cd: Canary) -> bool | str:
    """HasTargetChanged: the target's pod template differs from the last applied spec."""
    name, namespace = target_name(cd), _ns(cd)
    dep = _get(cluster, namespace, name)
    if dep is None:
        return _not_found(name, namespace)
    return has_spec_changed(cd, dep.spec.template)


def have_dependencies_changed(cluster: Cluster, cd: Canary) -> bool | str:
    """HaveDependenciesChanged: a tracked ConfigMap or Secret changed."""
    return config_tracker.has_config_changed(cluster, cd)


def _scale(cluster: Cluster, cd: Canary, replicas: int, failure: str) -> Step:
    name, namespace = target_name(cd), _ns(cd)
    written = apiserver.scale(cluster, "Deployment", namespace, name, replicas)
    if isinstance(written, Status):
        return cluster, failure.format(err=written.message)
    return written.cluster, None


def scale_to_zero(cluster: Cluster, cd: Canary) -> Step:
    """ScaleToZero: the target's replicas to 0."""
    name, namespace = target_name(cd), _ns(cd)
    if _get(cluster, namespace, name) is None:
        return cluster, _not_found(name, namespace)
    return _scale(cluster, cd, 0, f"deployment {name}.{namespace} patch query error: {{err}}")


def scale_from_zero(cluster: Cluster, cd: Canary) -> Step:
    """ScaleFromZero: the target's own replicas when positive; else, without an autoscaler,
    the primary's (1 when it has none); with a HorizontalPodAutoscaler, its minReplicas when
    above 1."""
    name, namespace = target_name(cd), _ns(cd)
    dep = _get(cluster, namespace, name)
    if dep is None:
        return cluster, _not_found(name, namespace)
    replicas = 1
    if (dep.spec.replicas or 0) > 0:
        replicas = dep.spec.replicas
    elif cd.spec.autoscaler_ref is None:
        primary = _get(cluster, namespace, f"{name}-primary")
        if primary is None:
            return cluster, _not_found(f"{name}-primary", namespace)
        if (primary.spec.replicas or 0) > 0:
            replicas = primary.spec.replicas
    else:
        ref = thaw(cd.spec.autoscaler_ref) or {}
        if ref.get("kind") == "HorizontalPodAutoscaler":
            hpa = cluster.get("HorizontalPodAutoscaler", namespace, ref.get("name"))
            minimum = _min_replicas(hpa)
            if minimum is not None and minimum > 1:
                replicas = minimum
    return _scale(cluster, cd, replicas,
                  f"scaling up {name}.{namespace} to {replicas} failed: {{err}}")


def _min_replicas(hpa: Any) -> int | None:
    if hpa is None:
        return None
    spec = getattr(hpa, "spec", None)
    if spec is not None and hasattr(spec, "min_replicas"):
        value: int | None = spec.min_replicas
        return value
    raw = (thaw(hpa.extra.get("spec")) if hasattr(hpa, "extra") else None) or {}
    found = raw.get("minReplicas")
    return found if isinstance(found, int) else None
