"""Validation of flagger.app/v1beta1 Canaries, as kube-apiserver checks a custom resource
against the structural schema of Flagger's CustomResourceDefinition.

The checks are the CRD's own: `spec.targetRef` and `spec.analysis` required; targetRef's
apiVersion, kind (DaemonSet, Deployment or Service) and name required; `spec.provider` one of
the providers the CRD lists; `spec.service.port` required when a service is given, and
`trafficDistribution` from its enum; the analysis one of three shapes (interval, threshold and
exactly one of iterations, stepWeight or stepWeights); `interval` patterns (`^[0-9]+(m|s)`) on
the analysis, its metrics and its webhooks; metrics need a name and a template reference a
name; webhooks a name, a url and a type from the enum; sessionAffinity a cookieName and a
sameSite from the enum; the metadata as ValidateObjectMeta checks any namespaced custom
resource (a DNS-1123 subdomain name).

Models: artifacts/flagger/crd.yaml of fluxcd/flagger (the Canary schema) as
k8s.io/apiextensions-apiserver validates a custom resource (customResourceStrategy.Validate:
ValidateObjectMetaAccessor with NameIsDNSSubdomain, then the schema through kube-openapi,
whose Required, NotSupported and pattern errors are field.Errors as printed here).
Simplifies: the oneOf failure is one Invalid error on `spec.analysis` whose detail is
kube-openapi's ("must validate one and only one schema (oneOf)"), without the per-branch
Required errors the real validator lists after it; the schema of the Istio match requests,
traffic policies and Gateway API references is not checked (kept as written).
Covered by: tests/test_flagger_api.py.
"""

from __future__ import annotations

import re

from kubefold.core.errors import FieldError, GoLiteral, invalid, not_supported, required
from kubefold.core.flagger import Canary, CanaryAnalysis
from kubefold.reducers.apiserver.validation.core import validate_meta, validate_object_meta_update
from kubefold.reducers.apiserver.validation.names import name_is_dns_subdomain

PROVIDERS = ("apisix", "appmesh", "appmesh:v1beta2", "contour", "gatewayapi:v1",
             "gatewayapi:v1beta1", "gloo", "istio", "knative", "kubernetes", "kuma", "linkerd",
             "nginx", "osm", "skipper", "smi:v1alpha1", "smi:v1alpha2", "smi:v1alpha3",
             "traefik")
TARGET_KINDS = ("DaemonSet", "Deployment", "Service")
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")
WEBHOOK_TYPES = ("", "confirm-rollout", "pre-rollout", "rollout", "confirm-promotion",
                 "post-rollout", "event", "rollback", "confirm-traffic-increase")
SAME_SITE = ("Strict", "Lax", "None")
INTERVAL_PATTERN = "^[0-9]+(m|s)"
OBJECT = GoLiteral('"object"')  # the bad value kube-openapi reports for an object


def _pattern(path: str, value: str | None, pattern: str) -> list[FieldError]:
    """kube-openapi's pattern check: `<path> in body should match '<pattern>'`."""
    if value is None or re.search(pattern, value):
        return []
    return [invalid(path, value, f"{path} in body should match '{pattern}'")]


def validate_canary(cd: Canary) -> list[FieldError]:
    """The errors kube-apiserver reports when the Canary is created or updated."""
    return validate_meta(cd.metadata, True, name_is_dns_subdomain) + validate_spec(cd)


def validate_canary_update(new: Canary, old: Canary) -> list[FieldError]:
    return validate_object_meta_update(new.metadata, old.metadata) + validate_spec(new)


def validate_spec(cd: Canary) -> list[FieldError]:
    spec = cd.spec
    errs: list[FieldError] = []
    if spec.provider is not None and spec.provider not in PROVIDERS:
        errs.append(not_supported("spec.provider", spec.provider, PROVIDERS))
    ref = spec.target_ref
    if ref is None:
        errs.append(required("spec.targetRef"))
    else:
        for key, value in (("apiVersion", ref.api_version), ("kind", ref.kind),
                           ("name", ref.name)):
            if value is None:
                errs.append(required(f"spec.targetRef.{key}"))
        if ref.kind is not None and ref.kind not in TARGET_KINDS:
            errs.append(not_supported("spec.targetRef.kind", ref.kind, TARGET_KINDS))
    service = spec.service
    if service is not None:
        if service.port is None:
            errs.append(required("spec.service.port"))
        distribution = service.traffic_distribution
        if distribution is not None and distribution not in TRAFFIC_DISTRIBUTIONS:
            errs.append(not_supported("spec.service.trafficDistribution", distribution,
                                      TRAFFIC_DISTRIBUTIONS))
    if spec.analysis is None:
        errs.append(required("spec.analysis"))
    else:
        errs += validate_analysis(spec.analysis, "spec.analysis")
    if spec.canary_analysis is not None:
        errs += validate_analysis(spec.canary_analysis, "spec.canaryAnalysis")
    return errs


def validate_analysis(analysis: CanaryAnalysis, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    shapes = [analysis.iterations is not None, analysis.step_weight is not None,
              bool(analysis.step_weights) or "stepWeights" in analysis.extra]
    base = analysis.interval is not None and analysis.threshold is not None
    valid = sum(1 for s in shapes if s and base)
    if valid != 1:
        found = "Found none valid" if valid == 0 else f"Found {valid} valid alternatives"
        errs.append(invalid(path, OBJECT, "must validate one and only one schema "
                                               f"(oneOf). {found}"))
    errs += _pattern(f"{path}.interval", analysis.interval, INTERVAL_PATTERN)
    for i, metric in enumerate(analysis.metrics):
        where = f"{path}.metrics[{i}]"
        if metric.name is None:
            errs.append(required(f"{where}.name"))
        errs += _pattern(f"{where}.interval", metric.interval, INTERVAL_PATTERN)
        ref = metric.template_ref
        if ref is not None and (not hasattr(ref, "get") or ref.get("name") is None):
            errs.append(required(f"{where}.templateRef.name"))
    for i, hook in enumerate(analysis.webhooks):
        where = f"{path}.webhooks[{i}]"
        if hook.name is None:
            errs.append(required(f"{where}.name"))
        if hook.url is None:
            errs.append(required(f"{where}.url"))
        if hook.type is not None and hook.type not in WEBHOOK_TYPES:
            errs.append(not_supported(f"{where}.type", hook.type, WEBHOOK_TYPES))
        errs += _pattern(f"{where}.timeout", hook.timeout, INTERVAL_PATTERN)
    affinity = analysis.session_affinity
    if affinity is not None:
        if affinity.cookie_name is None:
            errs.append(required(f"{path}.sessionAffinity.cookieName"))
        if affinity.same_site is not None and affinity.same_site not in SAME_SITE:
            errs.append(not_supported(f"{path}.sessionAffinity.sameSite", affinity.same_site,
                                      SAME_SITE))
    return errs
