"""Flagger's Canary (flagger.app/v1beta1) as a frozen value, with the methods its Go type has.

Field names are snake_case; JSON keys and omitempty follow the Go struct tags, so a dump prints
what `kubectl get canary -o yaml` prints (`failedChecks`, `canaryWeight` and `iterations` of the
status are written even when 0; `trackedConfigs` is a pointer, so an empty map is written as
`{}`). Parts no reducer reasons about (Istio's match requests, traffic policies, retries, CORS,
alerts, the autoscaler reference) are kept as frozen JSON.

The gates of a Canary (its confirm-* and rollback webhooks) are answered by `rollout:` events,
as flagger-loadtester's `/gate/open` and `/rollback/open` would answer them; what the
loadtester holds between calls is `Gates`, kept in the cluster value's memory under
`LOADTESTER` (written by the `rollout:` handler, read and consumed by the `flagger` controller).

Models: github.com/fluxcd/flagger pkg/apis/flagger/v1beta1 canary.go (Canary, CanarySpec,
CanaryService, CanaryAnalysis, SessionAffinity, CanaryMetric, CanaryThresholdRange,
CanaryWebhook, LocalObjectReference, the constants and the methods GetServiceNames,
GetProgressDeadlineSeconds, GetAnalysis, GetAnalysisInterval, GetAnalysisThreshold,
GetAnalysisPrimaryReadyThreshold, GetAnalysisCanaryReadyThreshold, GetMetricInterval,
SkipAnalysis, DeploymentStrategy, SessionAffinity.GetMaxAge and BuildCookie) and status.go
(CanaryStatus, CanaryCondition, the phases); Go's time.ParseDuration and Duration.String.
Simplifies: durations are whole seconds where the logical clock needs them (an interval of
1.5 s is 1 s; Flagger raises anything under 10 s to 10 s anyway).
Covered by: tests/test_flagger_api.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs
from pyrsistent import PMap, PSet, PVector, pset, pvector

from kubefold.core.objects import Condition, ObjectMeta, part
from kubefold.core.schema import (
    BOOL,
    INT,
    INT_OR_STR,
    NUMBER,
    RAW,
    STR_LIST,
    TIME,
    ListOf,
    extra_field,
    field,
    list_of,
    nested,
)

GROUP = "flagger.app"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "Canary"

PROGRESS_DEADLINE_SECONDS = 600
ANALYSIS_INTERVAL = 60
PRIMARY_READY_THRESHOLD = 100
CANARY_READY_THRESHOLD = 100
METRIC_INTERVAL = "1m"

STRATEGY_CANARY = "canary"
STRATEGY_BLUE_GREEN = "blue-green"
STRATEGY_AB_TESTING = "ab-testing"

# Phases (CanaryPhase)
INITIALIZING = "Initializing"
INITIALIZED = "Initialized"
WAITING = "Waiting"
PROGRESSING = "Progressing"
WAITING_PROMOTION = "WaitingPromotion"
PROMOTING = "Promoting"
FINALISING = "Finalising"
SUCCEEDED = "Succeeded"
FAILED = "Failed"
TERMINATING = "Terminating"
TERMINATED = "Terminated"

PROMOTED = "Promoted"  # the one condition type (PromotedType)

# Webhook types (HookType)
ROLLOUT_HOOK = "rollout"
PRE_ROLLOUT_HOOK = "pre-rollout"
POST_ROLLOUT_HOOK = "post-rollout"
CONFIRM_ROLLOUT_HOOK = "confirm-rollout"
CONFIRM_PROMOTION_HOOK = "confirm-promotion"
EVENT_HOOK = "event"
ROLLBACK_HOOK = "rollback"
CONFIRM_TRAFFIC_INCREASE_HOOK = "confirm-traffic-increase"
GATE_HOOKS = (CONFIRM_ROLLOUT_HOOK, CONFIRM_TRAFFIC_INCREASE_HOOK, CONFIRM_PROMOTION_HOOK)

# Providers
ISTIO = "istio"
KUBERNETES = "kubernetes"
GATEWAY_API = "gatewayapi"

LOADTESTER = "flagger-loadtester"  # the memory key of the gates' state


# ---------------------------------------------------------------------------------------------
# spec


@attrs.frozen
class LocalObjectReference:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    name: str | None = field("name")
    extra: PMap = extra_field()


@attrs.frozen
class CanaryService:
    name: str | None = field("name")
    port: int | None = field("port", INT)
    port_name: str | None = field("portName")
    target_port: int | str | None = field("targetPort", INT_OR_STR)
    app_protocol: str | None = field("appProtocol")
    traffic_distribution: str | None = field("trafficDistribution")
    port_discovery: bool | None = field("portDiscovery", BOOL)
    headless: bool | None = field("headless", BOOL)
    timeout: str | None = field("timeout")
    backend_timeout: str | None = field("backendTimeout")
    gateways: PVector[str] = field("gateways", STR_LIST, factory=pvector)
    gateway_refs: PVector[Any] = list_of("gatewayRefs", RAW)
    hosts: PVector[str] = field("hosts", STR_LIST, factory=pvector)
    delegation: bool | None = field("delegation", BOOL)
    traffic_policy: Any = field("trafficPolicy", RAW)
    match: PVector[Any] = list_of("match", RAW)
    rewrite: Any = field("rewrite", RAW)
    retries: Any = field("retries", RAW)
    headers: Any = field("headers", RAW)
    mirror: PVector[Any] = list_of("mirror", RAW)
    cors_policy: Any = field("corsPolicy", RAW)
    apex: Any = field("apex", RAW)
    primary: Any = field("primary", RAW)
    canary: Any = field("canary", RAW)
    unmanaged_metadata: Any = field("unmanagedMetadata", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class SessionAffinity:
    cookie_name: str | None = field("cookieName")
    domain: str | None = field("domain")
    http_only: bool | None = field("httpOnly", BOOL)
    max_age: int | None = field("maxAge", INT)
    partitioned: bool | None = field("partitioned", BOOL)
    path: str | None = field("path")
    same_site: str | None = field("sameSite")
    secure: bool | None = field("secure", BOOL)
    primary_cookie_name: str | None = field("primaryCookieName")
    extra: PMap = extra_field()

    def get_max_age(self) -> int:
        """GetMaxAge: a day unless set."""
        return self.max_age or 86400

    def build_cookie(self, cookie_name: str, max_age: int) -> str:
        """BuildCookie: the value of a Set-Cookie header."""
        cookie = f"{cookie_name}; Max-Age={max_age}"
        if self.domain:
            cookie += f"; Domain={self.domain}"
        if self.http_only:
            cookie += "; HttpOnly"
        if self.partitioned:
            cookie += "; Partitioned"
        if self.path:
            cookie += f"; Path={self.path}"
        if self.same_site:
            cookie += f"; SameSite={self.same_site}"
        if self.secure:
            cookie += "; Secure"
        return cookie


@attrs.frozen
class CanaryThresholdRange:
    min: float | None = field("min", NUMBER)
    max: float | None = field("max", NUMBER)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryMetric:
    name: str | None = field("name")
    interval: str | None = field("interval")
    threshold: float | None = field("threshold", NUMBER)
    threshold_range: CanaryThresholdRange | None = nested("thresholdRange",
                                                          CanaryThresholdRange)
    query: str | None = field("query")
    template_ref: Any = field("templateRef", RAW)
    template_variables: Any = field("templateVariables", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryWebhook:
    type: str | None = field("type")
    name: str | None = field("name")
    url: str | None = field("url")
    mute_alert: bool | None = field("muteAlert", BOOL)
    timeout: str | None = field("timeout")
    metadata: Any = field("metadata", RAW)
    retries: int | None = field("retries", INT)
    disable_tls: bool | None = field("disableTLS", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class CanaryAnalysis:
    interval: str | None = field("interval")
    iterations: int | None = field("iterations", INT)
    mirror: bool | None = field("mirror", BOOL)
    mirror_weight: int | None = field("mirrorWeight", INT)
    max_weight: int | None = field("maxWeight", INT)
    step_weight: int | None = field("stepWeight", INT)
    step_weights: PVector[int] = field("stepWeights", ListOf(INT),
                                       factory=pvector)
    step_weight_promotion: int | None = field("stepWeightPromotion", INT)
    threshold: int | None = field("threshold", INT)
    primary_ready_threshold: int | None = field("primaryReadyThreshold", INT)
    canary_ready_threshold: int | None = field("canaryReadyThreshold", INT)
    alerts: PVector[Any] = list_of("alerts", RAW)
    metrics: PVector[CanaryMetric] = list_of("metrics", CanaryMetric)
    webhooks: PVector[CanaryWebhook] = list_of("webhooks", CanaryWebhook)
    match: PVector[Any] = list_of("match", RAW)
    session_affinity: SessionAffinity | None = nested("sessionAffinity", SessionAffinity)
    extra: PMap = extra_field()


@attrs.frozen
class CanarySpec:
    provider: str | None = field("provider")
    metrics_server: str | None = field("metricsServer")
    target_ref: LocalObjectReference | None = nested("targetRef", LocalObjectReference)
    autoscaler_ref: Any = field("autoscalerRef", RAW)
    service: CanaryService | None = nested("service", CanaryService)
    analysis: CanaryAnalysis | None = nested("analysis", CanaryAnalysis)
    canary_analysis: CanaryAnalysis | None = nested("canaryAnalysis", CanaryAnalysis)
    progress_deadline_seconds: int | None = field("progressDeadlineSeconds", INT)
    skip_analysis: bool | None = field("skipAnalysis", BOOL)
    revert_on_deletion: bool | None = field("revertOnDeletion", BOOL)
    suspend: bool | None = field("suspend", BOOL)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# status


@attrs.frozen
class CanaryStatus:
    phase: str | None = field("phase")
    failed_checks: int | None = field("failedChecks", INT)
    canary_weight: int | None = field("canaryWeight", INT)
    iterations: int | None = field("iterations", INT)
    previous_session_affinity_cookie: str | None = field("previousSessionAffinityCookie")
    session_affinity_cookie: str | None = field("sessionAffinityCookie")
    primary_session_affinity_cookie: str | None = field("primarySessionAffinityCookie")
    tracked_configs: Any = field("trackedConfigs", RAW)  # *map[string]string: {} is written
    last_applied_spec: str | None = field("lastAppliedSpec")
    last_promoted_spec: str | None = field("lastPromotedSpec")
    last_transition_time: int | None = field("lastTransitionTime", TIME)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


@attrs.frozen
class Canary:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: CanarySpec = part("spec", CanarySpec)
    status: CanaryStatus = part("status", CanaryStatus)
    extra: PMap = extra_field()


MODELLED: dict[str, type] = {KIND: Canary}


# ---------------------------------------------------------------------------------------------
# the Go type's methods


def target_name(cd: Canary) -> str:
    ref = cd.spec.target_ref
    return (ref.name if ref is not None else None) or ""


def target_kind(cd: Canary) -> str:
    ref = cd.spec.target_ref
    return (ref.kind if ref is not None else None) or ""


def service_of(cd: Canary) -> CanaryService:
    return cd.spec.service or CanaryService()


def get_service_names(cd: Canary) -> tuple[str, str, str]:
    """GetServiceNames: the apex, primary and canary Service names."""
    apex = service_of(cd).name or target_name(cd)
    return apex, f"{apex}-primary", f"{apex}-canary"


def get_progress_deadline_seconds(cd: Canary) -> int:
    """GetProgressDeadlineSeconds (default 600 s)."""
    value = cd.spec.progress_deadline_seconds
    return PROGRESS_DEADLINE_SECONDS if value is None else value


def get_analysis(cd: Canary) -> CanaryAnalysis:
    """GetAnalysis: spec.analysis, else the deprecated spec.canaryAnalysis (an empty analysis
    when neither is set, where Go would dereference nil)."""
    return cd.spec.analysis or cd.spec.canary_analysis or CanaryAnalysis()


def get_analysis_interval(cd: Canary) -> int:
    """GetAnalysisInterval in whole seconds: 60 s unless set; a value that does not parse is
    60 s; anything under 10 s is 10 s."""
    text = get_analysis(cd).interval
    if not text:
        return ANALYSIS_INTERVAL
    try:
        seconds = parse_go_duration(text)
    except ValueError:
        return ANALYSIS_INTERVAL
    if seconds < 10:
        return 10
    return int(seconds)


def get_analysis_threshold(cd: Canary) -> int:
    """GetAnalysisThreshold (default 1)."""
    threshold = get_analysis(cd).threshold or 0
    return threshold if threshold > 0 else 1


def get_analysis_primary_ready_threshold(cd: Canary) -> int:
    value = get_analysis(cd).primary_ready_threshold
    return PRIMARY_READY_THRESHOLD if value is None else value


def get_analysis_canary_ready_threshold(cd: Canary) -> int:
    value = get_analysis(cd).canary_ready_threshold
    return CANARY_READY_THRESHOLD if value is None else value


def skip_analysis(cd: Canary) -> bool:
    """SkipAnalysis: no analysis at all, or spec.skipAnalysis."""
    if cd.spec.analysis is None and cd.spec.canary_analysis is None:
        return True
    return bool(cd.spec.skip_analysis)


def deployment_strategy(cd: Canary) -> str:
    """DeploymentStrategy: A/B testing with match conditions and iterations, Blue/Green with
    iterations alone, else a progressive canary."""
    analysis = cd.spec.analysis or cd.spec.canary_analysis
    if analysis is None:
        return STRATEGY_CANARY
    if analysis.match and (analysis.iterations or 0) > 0:
        return STRATEGY_AB_TESTING
    if (analysis.iterations or 0) > 0:
        return STRATEGY_BLUE_GREEN
    return STRATEGY_CANARY


def provider_of(cd: Canary, mesh_provider: str = ISTIO) -> str:
    """The provider the scheduler uses: spec.provider overrides the -mesh-provider flag."""
    return cd.spec.provider or mesh_provider


def key_of(cd: Canary) -> str:
    return f"{cd.metadata.namespace or 'default'}/{cd.metadata.name}"


# ---------------------------------------------------------------------------------------------
# the loadtester's gates


@attrs.frozen
class Gates:
    """What flagger-loadtester holds for one Canary: the gates (webhook type and name) that
    refused at the last analysis tick, those a `rollout: promote` has since opened (each
    answers yes once), and whether a `rollout: abort` asks for a rollback."""

    waiting: PSet[tuple[str, str]] = attrs.field(factory=pset)
    approved: PSet[tuple[str, str]] = attrs.field(factory=pset)
    rollback: bool = False


# ---------------------------------------------------------------------------------------------
# Go's time.ParseDuration and Duration.String

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
          "h": 3600.0}
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float:
    """time.ParseDuration in seconds: a signed sequence of decimal numbers with units
    (`1m30s`, `1.5h`, `300ms`); "0" alone is zero. Raises ValueError with Go's message."""
    original = text
    sign = 1.0
    if text[:1] in "+-" and text:
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text == "0":
        return 0.0
    if not text:
        raise ValueError(f'time: invalid duration "{original}"')
    total = 0.0
    pos = 0
    while pos < len(text):
        m = _DURATION.match(text, pos)
        if m is None:
            if re.match(r"(\d+(?:\.\d*)?|\.\d+)", text[pos:]):
                rest = re.sub(r"^(\d+(?:\.\d*)?|\.\d+)", "", text[pos:])
                if not rest:
                    raise ValueError(f'time: missing unit in duration "{original}"')
                raise ValueError(f'time: unknown unit "{re.split(r"[0-9.]", rest)[0]}" in '
                                 f'duration "{original}"')
            raise ValueError(f'time: invalid duration "{original}"')
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    return sign * total


def go_duration_string(nanoseconds: int) -> str:
    """time.Duration.String: `500ms`, `1.5s`, `2m0s`, `1h0m0s`, `0s`.

    >>> go_duration_string(500_000_000), go_duration_string(1_500_000_000)
    ('500ms', '1.5s')
    >>> go_duration_string(120_000_000_000), go_duration_string(0)
    ('2m0s', '0s')
    """
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    u = abs(nanoseconds)
    if u < 1_000_000_000:
        for unit, scale in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if u >= scale:
                return sign + _fraction(u, scale) + unit
    hours, rest = divmod(u, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _fraction(rest, 1_000_000_000)
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{sign}{minutes}m{seconds}s"
    return f"{sign}{seconds}s"


def _fraction(value: int, scale: int) -> str:
    whole, frac = divmod(value, scale)
    if not frac:
        return str(whole)
    digits = str(frac).rjust(len(str(scale)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def go_float(value: float) -> str:
    """fmt's %v of a float64 (strconv 'g', shortest): `99`, `99.5`, `1e+06`, `0.0001`.

    >>> go_float(99.0), go_float(99.5), go_float(1e6), go_float(500000), go_float(1e-5)
    ('99', '99.5', '1e+06', '500000', '1e-05')
    """
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    assert isinstance(exponent, int)
    exp = len(text) - 1 + exponent  # the decimal exponent of the first digit
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{prefix}0.{'0' * (-exp - 1)}{text}"
    if exp + 1 >= len(text):
        return f"{prefix}{text}{'0' * (exp + 1 - len(text))}"
    return f"{prefix}{text[:exp + 1]}.{text[exp + 1:]}"
