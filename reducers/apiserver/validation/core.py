"""Validation of core/v1 objects: pods and pod templates, namespaces, nodes and services.

Models (release v1.34, k8s.io/kubernetes/pkg/apis/core/validation/validation.go):
- pods: ValidatePodCreate (validatePodMetadataAndSpec, ValidatePodSpecificAnnotations with the
  mirror-pod and pod-deletion-cost rules, validateContainersOnlyForPod), ValidatePodSpec,
  ValidatePodTemplateSpec, validateContainers, validateInitContainers, validateContainerCommon,
  validateContainerPorts, checkHostPortConflicts, validatePodHostNetworkDeps, ValidateEnv (the
  names), validatePullPolicy, validateProbe and the liveness/readiness/startup rules,
  validateHandler, validateLifecycle, ValidatePortNumOrName, validateResourceRequirements with
  validateContainerResourceName, validateResourceName, ValidateResourceQuantityValue and the
  huge-page rules, validateRestartPolicy, validateDNSPolicy (and the `None` needs `dnsConfig`
  rule of validatePodDNSConfig), ValidateTolerations, validateTaintEffect, ValidatePreemptionPolicy,
  validateOverhead; ValidatePodUpdate (ValidateContainerUpdates, the activeDeadlineSeconds rules,
  validateOnlyAddedTolerations, the munged spec comparison and its message).
- ValidateNamespace (with validateFinalizerName), ValidateNode and ValidateNodeUpdate (taints,
  resources, providerID). Services, EndpointSlices and Endpoints are in service.py.
- pkg/apis/core/helper: IsStandardResourceName, IsStandardContainerResourceName,
  IsNativeResource, IsExtendedResourceName, IsHugePageResourceName, IsOvercommitAllowed,
  IsIntegerResourceName, IsStandardFinalizerName, GetDeletionCostFromPodAnnotations.
- k8s.io/apimachinery/pkg/api/validation/objectmeta.go: ValidateObjectMetaAccessorUpdate
  (`validate_object_meta_update`; names.py does not have it).
- field.Error's ErrorBody: a bad value that Go prints with `%#v` (maps, structs, IntOrString,
  Quantity) is rendered as Go prints it (`GoLiteral`).

Simplifies: validation reads an already defaulted object, and an absent field counts as Go's
zero value (so an undefaulted `restartPolicy` is `Required`). Fields kept in `extra` are checked
only where named above (env names, lifecycle and probe handlers, hostname, subdomain,
runtimeClassName, schedulingGates for the nodeName rule, dnsConfig presence); volumes, volume
mounts, security contexts, affinity, topology spread, DNS config contents, resize policy, resource
claims, pod-level resources, OS, seccomp/AppArmor and the tolerations annotation are not
validated. Go ranges over resource lists in random order; here they are visited in sorted order.
A `Quantity` bad value prints with kubefold's normalised coefficient and exponent (Go keeps the
parsed digits). ValidatePodUpdate's go-cmp diff is replaced by a list of the changed spec keys;
updates of gated pods (nodeSelector/affinity additions) are not special-cased; quantities compare
structurally (Go: numerically). `metadata.resourceVersion` is not required on update (the store
fills it, as AllowUnconditionalUpdate does).
Errors carry no `origin`.

Covered by: tests/test_validation_core.py (TestValidateContainers, TestValidateInitContainers,
TestValidatePorts, TestValidateRestartPolicy, TestValidateDNSPolicy, the resource cases of
TestValidateContainers and TestValidatePodCreate, the toleration cases of TestValidatePod,
TestValidatePodSpec, TestValidatePodUpdate, namespace, node and service cases).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.errors import (
    DUPLICATE,
    INVALID,
    NOT_SUPPORTED,
    FieldError,
    GoLiteral,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from kubefold.core.objects import (
    Container,
    ContainerPort,
    Namespace,
    Node,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    ResourceList,
    Taint,
    Toleration,
)
from kubefold.core.quantity import Quantity, parse_quantity
from kubefold.core.schema import encode
from kubefold.reducers.apiserver.validation.names import (
    FIELD_IMMUTABLE_ERROR_MSG,
    IS_NEGATIVE_ERROR_MSG,
    NameFn,
    child,
    inclusive_range_error,
    is_http_header_name,
    is_qualified_name,
    is_relaxed_env_var_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns1035_label,
    name_is_dns_subdomain,
    validate_annotations,
    validate_dns1123_label,
    validate_finalizer_name,
    validate_label_name,
    validate_labels,
    validate_namespace_name,
    validate_no_new_finalizers,
    validate_nonnegative_field,
    validate_object_meta,
    validate_owner_references,
)

MAX_INT32 = 2**31 - 1

validate_pod_name: NameFn = name_is_dns_subdomain
validate_node_name: NameFn = name_is_dns_subdomain
validate_service_name: NameFn = name_is_dns1035_label
validate_priority_class_name: NameFn = name_is_dns_subdomain
validate_service_account_name: NameFn = name_is_dns_subdomain

# ---------------------------------------------------------------------------------------------
# Paths and Go's printing of bad values


def index(path: str, i: int) -> str:
    """field.Path.Index: `containers` + 0 is `containers[0]`."""
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    """field.Path.Key: `limits` + `cpu` is `limits[cpu]`."""
    return f"{path}[{k}]"


def invalid_literal(path: str, value: GoLiteral, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def not_supported_literal(path: str, value: GoLiteral, valid: Sequence[str]) -> FieldError:
    detail = "supported values: " + ", ".join(go_quote(v) for v in valid)
    return FieldError(NOT_SUPPORTED, path, value, detail)


def go_quote(s: str) -> str:
    """strconv.Quote for the printable text that reaches error messages."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_string_map(m: Mapping[str, str] | None) -> GoLiteral:
    """`%#v` of a map[string]string: keys sorted; an absent (empty) map prints as nil."""
    if not m:
        return GoLiteral("map[string]string(nil)")
    items = ", ".join(f"{go_quote(k)}:{go_quote(m[k])}" for k in sorted(m))
    return GoLiteral("map[string]string{" + items + "}")


def go_int_or_string(value: int | str | None) -> GoLiteral:
    """An intstr.IntOrString as its String() prints it."""
    return GoLiteral(value if isinstance(value, str) else str(value or 0))


def go_quantity(q: Quantity) -> GoLiteral:
    """A resource.Quantity as its String() prints it."""
    return GoLiteral(str(q))


def go_time(seconds: int | None) -> str:
    """time.Time.String() of a metav1.Time in UTC; the zero time when absent."""
    if seconds is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    return time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(seconds))


def _s(value: str | None) -> str:
    """A Go string field: absent is empty."""
    return value or ""


def _i(value: int | None) -> int:
    """A Go int field: absent is zero."""
    return value or 0


# ---------------------------------------------------------------------------------------------
# Object metadata on update (apimachinery ValidateObjectMetaAccessorUpdate)


def _immutable(new: Any, old: Any, path: str, shown: Callable[[], GoLiteral] | None = None
               ) -> list[FieldError]:
    """ValidateImmutableField; `shown` writes the new value as Go prints it (only called when
    the value changed)."""
    if new == old:
        return []
    if shown is not None:
        return [invalid_literal(path, shown(), FIELD_IMMUTABLE_ERROR_MSG)]
    return [invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)]


def validate_object_meta_update(new: ObjectMeta, old: ObjectMeta,
                                path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMetaAccessorUpdate, without the resourceVersion rule (see Simplifies)."""
    errs: list[FieldError] = []
    if old.deletion_timestamp is not None:
        errs += validate_no_new_finalizers(new.finalizers, old.finalizers,
                                           child(path, "finalizers"))
    if _i(new.generation) < _i(old.generation):
        errs.append(invalid(child(path, "generation"), _i(new.generation),
                            "must not be decremented"))
    errs += _immutable(_s(new.name), _s(old.name), child(path, "name"))
    errs += _immutable(_s(new.namespace), _s(old.namespace), child(path, "namespace"))
    errs += _immutable(_s(new.uid), _s(old.uid), child(path, "uid"))
    errs += _immutable(new.creation_timestamp, old.creation_timestamp,
                       child(path, "creationTimestamp"),
                       lambda: GoLiteral(go_time(new.creation_timestamp)))
    deletion = new.deletion_timestamp
    errs += _immutable(deletion, old.deletion_timestamp, child(path, "deletionTimestamp"),
                       lambda: GoLiteral("null" if deletion is None else go_time(deletion)))
    errs += _immutable(new.deletion_grace_period_seconds, old.deletion_grace_period_seconds,
                       child(path, "deletionGracePeriodSeconds"),
                       lambda: GoLiteral(str(new.deletion_grace_period_seconds)
                                         if new.deletion_grace_period_seconds is not None
                                         else "null"))
    errs += validate_labels(new.labels, child(path, "labels"))
    errs += validate_annotations(new.annotations, child(path, "annotations"))
    errs += validate_owner_references(new.owner_references,  # type: ignore[arg-type]
                                      child(path, "ownerReferences"))
    return errs


def validate_meta(meta: ObjectMeta, requires_namespace: bool, name_fn: NameFn,
                  path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMeta over kubefold's ObjectMeta."""
    return validate_object_meta(meta, requires_namespace, name_fn, path)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Resource names and quantities (pkg/apis/core/helper)

RESOURCE_HUGE_PAGES_PREFIX = "hugepages-"
RESOURCE_REQUESTS_HUGE_PAGES_PREFIX = "requests.hugepages-"
RESOURCE_DEFAULT_NAMESPACE_PREFIX = "kubernetes.io/"
DEFAULT_RESOURCE_REQUESTS_PREFIX = "requests."

STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
    "services.loadbalancers",
})
INTEGER_RESOURCES = frozenset({
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
})
QOS_COMPUTE_RESOURCES = frozenset({"cpu", "memory"})


def is_huge_page_resource_name(name: str) -> bool:
    return name.startswith(RESOURCE_HUGE_PAGES_PREFIX)


def is_quota_huge_page_resource_name(name: str) -> bool:
    return name.startswith((RESOURCE_HUGE_PAGES_PREFIX, RESOURCE_REQUESTS_HUGE_PAGES_PREFIX))


def is_native_resource(name: str) -> bool:
    """Unprefixed, or in the *kubernetes.io/ namespace."""
    return "/" not in name or RESOURCE_DEFAULT_NAMESPACE_PREFIX in name


def is_extended_resource_name(name: str) -> bool:
    if is_native_resource(name) or name.startswith(DEFAULT_RESOURCE_REQUESTS_PREFIX):
        return False
    return not is_qualified_name(DEFAULT_RESOURCE_REQUESTS_PREFIX + name)


def is_overcommit_allowed(name: str) -> bool:
    return is_native_resource(name) and not is_huge_page_resource_name(name)


def is_standard_resource_name(name: str) -> bool:
    return name in STANDARD_RESOURCES or is_quota_huge_page_resource_name(name)


def is_standard_container_resource_name(name: str) -> bool:
    return name in STANDARD_CONTAINER_RESOURCES or is_huge_page_resource_name(name)


def is_integer_resource_name(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended_resource_name(name)


def validate_resource_name(name: str, path: str) -> list[FieldError]:
    """validateResourceName: a qualified name, standard unless it has a domain."""
    errs = [invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name and not is_standard_resource_name(name):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def validate_container_resource_name(name: str, path: str) -> list[FieldError]:
    """validateContainerResourceName."""
    errs = validate_resource_name(name, path)
    if "/" not in name:
        if not is_standard_container_resource_name(name):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not is_native_resource(name) and not is_extended_resource_name(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_resource_quantity_value(name: str, q: Quantity, path: str) -> list[FieldError]:
    """ValidateResourceQuantityValue: non-negative; whole for integer resources."""
    errs: list[FieldError] = []
    if q.sign() < 0:
        errs.append(invalid(path, str(q), IS_NEGATIVE_ERROR_MSG))
    if is_integer_resource_name(name) and q.milli_value() % 1000 != 0:
        errs.append(invalid_literal(path, go_quantity(q), "must be an integer"))
    return errs


def _huge_page_value_error(name: str, q: Quantity) -> str | None:
    """validateResourceQuantityHugePageValue with IsHugePageResourceValueDivisible."""
    try:
        page = parse_quantity(name.removeprefix(RESOURCE_HUGE_PAGES_PREFIX))
    except ValueError:
        page = None
    divisible = (page is not None and page.sign() > 0 and page.milli_value() % 1000 == 0
                 and q.value() % page.value() == 0)
    return None if divisible else f"{q} is not positive integer multiple of {name}"


def validate_resource_requirements(limits: ResourceList, requests: ResourceList,
                                   path: str) -> list[FieldError]:
    """validateResourceRequirements for a container (names, quantities, request <= limit)."""
    errs: list[FieldError] = []
    lim_path, req_path = child(path, "limits"), child(path, "requests")
    lim_compute = req_compute = lim_huge = req_huge = False
    for name in sorted(limits):
        q, fld = limits[name], key(lim_path, name)
        errs += validate_container_resource_name(name, fld)
        errs += validate_resource_quantity_value(name, q, fld)
        if is_huge_page_resource_name(name):
            lim_huge = True
            errs += _huge_page_errors(name, q, fld)
        lim_compute = lim_compute or name in QOS_COMPUTE_RESOURCES
    for name in sorted(requests):
        q, fld = requests[name], key(req_path, name)
        errs += validate_container_resource_name(name, fld)
        errs += validate_resource_quantity_value(name, q, fld)
        errs += _request_against_limit(name, q, limits, req_path, lim_path)
        if is_huge_page_resource_name(name):
            req_huge = True
            errs += _huge_page_errors(name, q, fld)
        req_compute = req_compute or name in QOS_COMPUTE_RESOURCES
    if not lim_compute and not req_compute and (req_huge or lim_huge):
        errs.append(forbidden(path, "HugePages require cpu or memory"))
    return errs


def _huge_page_errors(name: str, q: Quantity, path: str) -> list[FieldError]:
    message = _huge_page_value_error(name, q)
    return [invalid(path, str(q), message)] if message else []


def _request_against_limit(name: str, q: Quantity, limits: ResourceList, req_path: str,
                           lim_path: str) -> list[FieldError]:
    limit = limits.get(name)
    if limit is None:
        if is_overcommit_allowed(name):
            return []
        return [required(lim_path, "Limit must be set for non overcommitable resources")]
    if q.cmp(limit) != 0 and not is_overcommit_allowed(name):
        return [invalid(req_path, str(q), f"must be equal to {name} limit of {limit}")]
    if q.cmp(limit) > 0:
        return [invalid(req_path, str(q),
                        f"must be less than or equal to {name} limit of {limit}")]
    return []


# ---------------------------------------------------------------------------------------------
# Ports, env, probes and handlers

SUPPORTED_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")  # sets.List: sorted
SUPPORTED_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
SUPPORTED_HTTP_SCHEMES = ("HTTP", "HTTPS")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")


def validate_container_ports(ports: Sequence[ContainerPort], path: str) -> list[FieldError]:
    """validateContainerPorts: names, port ranges and protocols."""
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        idx = index(path, i)
        name = _s(port.name)
        if name:
            messages = is_valid_port_name(name)
            if messages:
                errs += [invalid(child(idx, "name"), name, m) for m in messages]
            elif name in names:
                errs.append(duplicate(child(idx, "name"), name))
            else:
                names.add(name)
        container_port, host_port = _i(port.container_port), _i(port.host_port)
        if container_port == 0:
            errs.append(required(child(idx, "containerPort")))
        else:
            errs += [invalid(child(idx, "containerPort"), container_port, m)
                     for m in is_valid_port_num(container_port)]
        if host_port != 0:
            errs += [invalid(child(idx, "hostPort"), host_port, m)
                     for m in is_valid_port_num(host_port)]
        errs += _validate_protocol(_s(port.protocol), child(idx, "protocol"))
    return errs


def _validate_protocol(protocol: str, path: str) -> list[FieldError]:
    if not protocol:
        return [required(path)]
    if protocol not in SUPPORTED_PORT_PROTOCOLS:
        return [not_supported(path, protocol, SUPPORTED_PORT_PROTOCOLS)]
    return []


def _host_port_conflicts(containers: Sequence[Container], path: str,
                         seen: set[str]) -> list[FieldError]:
    """AccumulateUniqueHostPorts: `protocol/hostIP/hostPort` must be unique."""
    errs: list[FieldError] = []
    for ci, ctr in enumerate(containers):
        for pi, port in enumerate(ctr.ports):
            if not port.host_port:
                continue
            text = f"{_s(port.protocol)}/{_s(port.host_ip)}/{port.host_port}"
            if text in seen:
                errs.append(duplicate(child(index(child(index(path, ci), "ports"), pi),
                                            "hostPort"), text))
            else:
                seen.add(text)
    return errs


def validate_port_num_or_name(port: Any, path: str) -> list[FieldError]:
    """ValidatePortNumOrName; an absent port is the IntOrString zero value (int 0)."""
    if isinstance(port, str):
        return [invalid(path, port, m) for m in is_valid_port_name(port)]
    number = port if isinstance(port, int) and not isinstance(port, bool) else 0
    return [invalid(path, number, m) for m in is_valid_port_num(number)]


def _validate_env(env: Any, path: str) -> list[FieldError]:
    """ValidateEnv, the names only (RelaxedEnvironmentVariableValidation is on in v1.34)."""
    errs: list[FieldError] = []
    for i, var in enumerate(env or ()):
        name = var.get("name", "") if isinstance(var, Mapping) else ""
        fld = child(index(path, i), "name")
        if not name:
            errs.append(required(fld))
        else:
            errs += [invalid(fld, name, m) for m in is_relaxed_env_var_name(name)]
    return errs


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def validate_handler(handler: Mapping[str, Any], kinds: Sequence[str], grace: int | None,
                     path: str) -> list[FieldError]:
    """validateHandler: exactly one action, each checked."""
    errs: list[FieldError] = []
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count > 0:
            errs.append(forbidden(child(path, kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        errs += _validate_action(kind, action if isinstance(action, Mapping) else {}, grace,
                                 child(path, kind))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _validate_action(kind: str, action: Mapping[str, Any], grace: int | None,
                     path: str) -> list[FieldError]:
    if kind == "exec":
        return [] if action.get("command") else [required(child(path, "command"))]
    if kind == "httpGet":
        return _validate_http_get(action, path)
    if kind == "tcpSocket":
        return validate_port_num_or_name(action.get("port"), child(path, "port"))
    if kind == "grpc":
        return validate_port_num_or_name(_i(action.get("port")), child(path, "port"))
    seconds = _i(action.get("seconds"))  # sleep; AllowPodLifecycleSleepActionZeroValue is on
    if grace is not None and (seconds < 0 or seconds > grace):
        detail = f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
        return [invalid(path, seconds, detail)]
    return []


def _validate_http_get(action: Mapping[str, Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not action.get("path"):
        errs.append(required(child(path, "path")))
    errs += validate_port_num_or_name(action.get("port"), child(path, "port"))
    scheme = _s(action.get("scheme"))
    if scheme not in SUPPORTED_HTTP_SCHEMES:
        errs.append(not_supported(child(path, "scheme"), scheme, SUPPORTED_HTTP_SCHEMES))
    for header in action.get("httpHeaders") or ():
        name = _s(header.get("name")) if isinstance(header, Mapping) else ""
        errs += [invalid(child(path, "httpHeaders"), name, m) for m in is_http_header_name(name)]
    return errs


def validate_probe(probe: Probe, grace: int | None, path: str) -> list[FieldError]:
    """validateProbe: one handler and non-negative timings."""
    errs = validate_handler(probe.extra, _PROBE_HANDLERS, grace, path)
    for name, value in (("initialDelaySeconds", probe.initial_delay_seconds),
                        ("timeoutSeconds", probe.timeout_seconds),
                        ("periodSeconds", probe.period_seconds),
                        ("successThreshold", probe.success_threshold),
                        ("failureThreshold", probe.failure_threshold)):
        errs += validate_nonnegative_field(_i(value), child(path, name))
    tgps = probe.termination_grace_period_seconds
    if tgps is not None and tgps <= 0:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), tgps,
                            "must be greater than 0"))
    return errs


def _validate_liveness_or_startup(probe: Probe | None, grace: int | None,
                                  path: str) -> list[FieldError]:
    if probe is None:
        return []
    errs = validate_probe(probe, grace, path)
    if _i(probe.success_threshold) != 1:
        errs.append(invalid(child(path, "successThreshold"), _i(probe.success_threshold),
                            "must be 1"))
    return errs


def _validate_readiness(probe: Probe | None, grace: int | None, path: str) -> list[FieldError]:
    if probe is None:
        return []
    errs = validate_probe(probe, grace, path)
    if probe.termination_grace_period_seconds is not None:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"),
                            probe.termination_grace_period_seconds,
                            "must not be set for readinessProbes"))
    return errs


def _validate_lifecycle(lifecycle: Mapping[str, Any], grace: int | None,
                        path: str) -> list[FieldError]:
    """validateLifecycle: postStart, then preStop."""
    errs: list[FieldError] = []
    for hook in ("postStart", "preStop"):
        handler = lifecycle.get(hook)
        if handler is not None:
            errs += validate_handler(handler if isinstance(handler, Mapping) else {},
                                     _LIFECYCLE_HANDLERS, grace, child(path, hook))
    return errs


def _validate_probes_and_lifecycle(ctr: Container, grace: int | None,
                                   path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    lifecycle = ctr.extra.get("lifecycle")
    if lifecycle is not None:
        errs += _validate_lifecycle(lifecycle, grace, child(path, "lifecycle"))
    errs += _validate_liveness_or_startup(ctr.liveness_probe, grace, child(path, "livenessProbe"))
    errs += _validate_readiness(ctr.readiness_probe, grace, child(path, "readinessProbe"))
    errs += _validate_liveness_or_startup(ctr.startup_probe, grace, child(path, "startupProbe"))
    return errs


# ---------------------------------------------------------------------------------------------
# Containers


def validate_pull_policy(policy: str, path: str) -> list[FieldError]:
    """validatePullPolicy."""
    if not policy:
        return [required(path)]
    if policy not in SUPPORTED_PULL_POLICIES:
        return [not_supported(path, policy, SUPPORTED_PULL_POLICIES)]
    return []


def validate_container_common(ctr: Container, path: str) -> list[FieldError]:
    """validateContainerCommon: name, image, termination policy, ports, env, pull policy,
    resources."""
    errs: list[FieldError] = []
    name = _s(ctr.name)
    if not name:
        errs.append(required(child(path, "name")))
    else:
        errs += validate_dns1123_label(name, child(path, "name"))
    if not ctr.image:
        errs.append(required(child(path, "image")))
    errs += _validate_termination_message_policy(_s(ctr.termination_message_policy),
                                                 child(path, "terminationMessagePolicy"))
    errs += validate_container_ports(ctr.ports, child(path, "ports"))
    errs += _validate_env(ctr.extra.get("env"), child(path, "env"))
    errs += validate_pull_policy(_s(ctr.image_pull_policy), child(path, "imagePullPolicy"))
    if ctr.resources is not None:
        errs += validate_resource_requirements(ctr.resources.limits, ctr.resources.requests,
                                               child(path, "resources"))
    return errs


def _validate_termination_message_policy(policy: str, path: str) -> list[FieldError]:
    if not policy:
        return [required(path)]
    if policy not in TERMINATION_MESSAGE_POLICIES:
        return [not_supported(path, policy, TERMINATION_MESSAGE_POLICIES)]
    return []


def validate_containers(containers: Sequence[Container], grace: int | None,
                        path: str) -> list[FieldError]:
    """validateContainers: at least one; unique names; host ports unique across all."""
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, ctr in enumerate(containers):
        idx = index(path, i)
        errs += validate_container_common(ctr, idx)
        if _s(ctr.name) in names:
            errs.append(duplicate(child(idx, "name"), _s(ctr.name)))
        else:
            names.add(_s(ctr.name))
        errs += _validate_probes_and_lifecycle(ctr, grace, idx)
        if ctr.restart_policy is not None:
            errs.append(forbidden(child(idx, "restartPolicy"),
                                  "may not be set for non-init containers"))
    return errs + _host_port_conflicts(containers, path, set())


_INIT_FORBIDDEN = "may not be set for init containers without restartPolicy=Always"


def validate_init_containers(containers: Sequence[Container], regular: Sequence[Container],
                             grace: int | None, path: str) -> list[FieldError]:
    """validateInitContainers: names unique with the regular containers; sidecars
    (restartPolicy=Always) may have probes and lifecycle, others may not."""
    errs: list[FieldError] = []
    names = {_s(c.name) for c in regular}
    for i, ctr in enumerate(containers):
        idx = index(path, i)
        errs += validate_container_common(ctr, idx)
        restart_always = False
        if ctr.restart_policy is not None:
            if ctr.restart_policy != "Always":
                errs.append(not_supported(child(idx, "restartPolicy"), ctr.restart_policy,
                                          ["Always"]))
            restart_always = ctr.restart_policy == "Always"
        name = _s(ctr.name)
        if name in names:
            errs.append(duplicate(child(idx, "name"), name))
        elif name:
            names.add(name)
        errs += _host_port_conflicts([ctr], path, set())
        if restart_always:
            errs += _validate_probes_and_lifecycle(ctr, grace, idx)
        else:
            errs += _forbidden_for_init(ctr, idx)
    return errs


def _forbidden_for_init(ctr: Container, path: str) -> list[FieldError]:
    present = (("lifecycle", ctr.extra.get("lifecycle")),
               ("livenessProbe", ctr.liveness_probe),
               ("readinessProbe", ctr.readiness_probe),
               ("startupProbe", ctr.startup_probe))
    return [forbidden(child(path, name), _INIT_FORBIDDEN) for name, value in present
            if value is not None]


def _containers_only_for_pod(containers: Sequence[Container], path: str) -> list[FieldError]:
    """validateContainersOnlyForPod: no leading or trailing whitespace in images."""
    return [invalid(child(index(path, i), "image"), c.image,
                    "must not have leading or trailing whitespace")
            for i, c in enumerate(containers) if c.image and c.image != c.image.strip()]


# ---------------------------------------------------------------------------------------------
# Pod spec


RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")
TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def validate_restart_policy(policy: str | None, path: str) -> list[FieldError]:
    """validateRestartPolicy."""
    if not policy:
        return [required(path)]
    if policy not in RESTART_POLICIES:
        return [not_supported(path, policy, RESTART_POLICIES)]
    return []


def validate_dns_policy(policy: str | None, path: str) -> list[FieldError]:
    """validateDNSPolicy."""
    if not policy:
        return [required(path)]
    if policy not in DNS_POLICIES:
        return [not_supported(path, policy, DNS_POLICIES)]
    return []


def validate_taint_effect(effect: str, allow_empty: bool, path: str) -> list[FieldError]:
    """validateTaintEffect."""
    if not allow_empty and not effect:
        return [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def validate_tolerations(tolerations: Sequence[Toleration], path: str) -> list[FieldError]:
    """ValidateTolerations."""
    errs: list[FieldError] = []
    for i, tol in enumerate(tolerations):
        idx = index(path, i)
        k, op, value, effect = _s(tol.key), _s(tol.operator), _s(tol.value), _s(tol.effect)
        if k:
            errs += validate_label_name(k, child(idx, "key"))
        if not k and op != "Exists":
            errs.append(invalid(child(idx, "operator"), op, "operator must be Exists when "
                                '`key` is empty, which means "match all values and all keys"'))
        if tol.toleration_seconds is not None and effect != "NoExecute":
            errs.append(invalid(child(idx, "effect"), effect,
                                "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        errs += _validate_toleration_operator(op, value, child(idx, "operator"))
        if effect:
            errs += validate_taint_effect(effect, True, child(idx, "effect"))
    return errs


def _validate_toleration_operator(op: str, value: str, path: str) -> list[FieldError]:
    if op in ("Equal", ""):
        messages = is_valid_label_value(value)
        return [invalid(path, value, ";".join(messages))] if messages else []
    if op == "Exists":
        if value:
            return [invalid(path, value, "value must be empty when `operator` is 'Exists'")]
        return []
    return [not_supported(path, op, TOLERATION_OPERATORS)]


def _validate_host_network_deps(spec: PodSpec, path: str, is_pod: bool) -> list[FieldError]:
    """validatePodHostNetworkDeps: with hostNetwork, hostPort must match containerPort."""
    if not spec.host_network:
        return []
    errs: list[FieldError] = []
    for ci, ctr in enumerate(spec.containers):
        ports = child(index(child(path, "containers"), ci), "ports")
        for pi, port in enumerate(ctr.ports):
            hp, cp = _i(port.host_port), _i(port.container_port)
            if (is_pod or hp != 0) and hp != cp:
                errs.append(invalid(child(index(ports, pi), "hostPort"), hp,
                                    "must match `containerPort` when `hostNetwork` is true"))
    return errs


def _validate_dns_none(spec: PodSpec, path: str) -> list[FieldError]:
    """validatePodDNSConfig's first rule: dnsPolicy None needs dnsConfig with nameservers."""
    if spec.dns_policy != "None":
        return []
    config = spec.extra.get("dnsConfig")
    if config is None:
        return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
    if not config.get("nameservers"):
        return [required(child(path, "nameservers"),
                         "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    return []


def _name_errors(name_fn: NameFn, value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in name_fn(value, False)]


def validate_pod_spec(spec: PodSpec, path: str, is_pod: bool = False) -> list[FieldError]:
    """ValidatePodSpec, in Go's order, over the modelled fields; `is_pod` is
    PodValidationOptions.ResourceIsPod."""
    errs: list[FieldError] = []
    grace = spec.termination_grace_period_seconds
    if grace is None:
        errs.append(required(child(path, "terminationGracePeriodSeconds")))
    errs += validate_containers(spec.containers, grace, child(path, "containers"))
    errs += validate_init_containers(spec.init_containers, spec.containers, grace,
                                     child(path, "initContainers"))
    errs += _validate_host_network_deps(spec, path, is_pod)
    errs += validate_restart_policy(spec.restart_policy, child(path, "restartPolicy"))
    errs += validate_dns_policy(spec.dns_policy, child(path, "dnsPolicy"))
    errs += validate_labels(spec.node_selector, child(path, "nodeSelector"))
    errs += _validate_dns_none(spec, child(path, "dnsConfig"))
    errs += _validate_spec_names(spec, path)
    return errs + _validate_spec_tail(spec, path)


def _validate_spec_names(spec: PodSpec, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.service_account_name:
        errs += _name_errors(validate_service_account_name, spec.service_account_name,
                             child(path, "serviceAccountName"))
    if spec.node_name:
        errs += _name_errors(validate_node_name, spec.node_name, child(path, "nodeName"))
    deadline = spec.active_deadline_seconds
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(invalid(child(path, "activeDeadlineSeconds"), deadline,
                            inclusive_range_error(1, MAX_INT32)))
    for name in ("hostname", "subdomain"):
        value = spec.extra.get(name)
        if isinstance(value, str) and value:
            errs += validate_dns1123_label(value, child(path, name))
    return errs


def _validate_spec_tail(spec: PodSpec, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.tolerations:
        errs += validate_tolerations(spec.tolerations, child(path, "tolerations"))
    if spec.priority_class_name:
        errs += _name_errors(validate_priority_class_name, spec.priority_class_name,
                             child(path, "priorityClassName"))
    runtime_class = spec.extra.get("runtimeClassName")
    if isinstance(runtime_class, str):
        errs += _name_errors(name_is_dns_subdomain, runtime_class,
                             child(path, "runtimeClassName"))
    if spec.preemption_policy is not None:
        errs += _validate_preemption_policy(spec.preemption_policy,
                                            child(path, "preemptionPolicy"))
    if spec.overhead:
        errs += validate_resource_requirements(spec.overhead, pmap(), child(path, "overhead"))
    return errs


def _validate_preemption_policy(policy: str, path: str) -> list[FieldError]:
    if not policy:
        return [required(path)]
    if policy not in PREEMPTION_POLICIES:
        return [not_supported(path, policy, PREEMPTION_POLICIES)]
    return []


# ---------------------------------------------------------------------------------------------
# Pods and pod templates

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_DELETION_COST_RE = re.compile(r"-?[0-9]+")


def _valid_deletion_cost(value: str) -> bool:
    """GetDeletionCostFromPodAnnotations: an int32 without '+' or leading zeros."""
    first_ok = bool(value) and (value[0] == "-" or value == "0" or "1" <= value[0] <= "9")
    if not first_ok or _DELETION_COST_RE.fullmatch(value) is None:
        return False
    return -(2**31) <= int(value) <= MAX_INT32


def validate_pod_specific_annotations(annotations: Mapping[str, str], spec: PodSpec,
                                      path: str) -> list[FieldError]:
    """ValidatePodSpecificAnnotations: the mirror-pod and pod-deletion-cost rules."""
    errs: list[FieldError] = []
    if MIRROR_POD_ANNOTATION in annotations and not spec.node_name:
        errs.append(invalid(key(path, MIRROR_POD_ANNOTATION), annotations[MIRROR_POD_ANNOTATION],
                            "must set spec.nodeName if mirror pod annotation is set"))
    cost = annotations.get(POD_DELETION_COST)
    if cost is not None and not _valid_deletion_cost(cost):
        errs.append(invalid(key(path, POD_DELETION_COST), cost, "must be a 32bit integer"))
    return errs


def validate_pod_template_spec(template: PodTemplateSpec, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec: labels, annotations and the spec."""
    meta, spec = template.metadata, template.spec or PodSpec()
    errs = validate_labels(meta.labels, child(path, "labels"))
    errs += validate_annotations(meta.annotations, child(path, "annotations"))
    errs += validate_pod_specific_annotations(meta.annotations, spec, child(path, "annotations"))
    errs += validate_pod_spec(spec, child(path, "spec"))
    if spec.extra.get("ephemeralContainers"):
        errs.append(forbidden(child(child(path, "spec"), "ephemeralContainers"),
                              "ephemeral containers not allowed in pod template"))
    return errs


def _validate_pod_metadata_and_spec(pod: Pod) -> list[FieldError]:
    """validatePodMetadataAndSpec."""
    errs = validate_meta(pod.metadata, True, validate_pod_name)
    errs += validate_pod_specific_annotations(pod.metadata.annotations, pod.spec,
                                              "metadata.annotations")
    errs += validate_pod_spec(pod.spec, "spec", is_pod=True)
    errs += _containers_only_for_pod(pod.spec.containers, "spec.containers")
    return errs + _containers_only_for_pod(pod.spec.init_containers, "spec.initContainers")


def validate_pod(pod: Pod) -> list[FieldError]:
    """ValidatePodCreate."""
    errs = _validate_pod_metadata_and_spec(pod)
    if pod.spec.extra.get("ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if pod.spec.node_name and pod.spec.extra.get("schedulingGates"):
        errs.append(forbidden("spec.nodeName",
                              "cannot be set until all schedulingGates have been cleared"))
    return errs


UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
    "negative)",
)


def validate_pod_update(new: Pod, old: Pod) -> list[FieldError]:
    """ValidatePodUpdate: only images, activeDeadlineSeconds (downwards), added tolerations
    and a few others may change."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += _validate_pod_metadata_and_spec(new)
    errs += _pod_annotation_updates(new, old)
    for name in ("containers", "initContainers"):
        attr = "containers" if name == "containers" else "init_containers"
        found, stop = _container_updates(getattr(new.spec, attr), getattr(old.spec, attr),
                                         child("spec", name))
        errs += found
        if stop:
            return errs
    deadline_errs, stop = _active_deadline_update(new.spec.active_deadline_seconds,
                                                  old.spec.active_deadline_seconds)
    errs += deadline_errs
    if stop:
        return errs
    errs += _only_added_tolerations(new.spec.tolerations, old.spec.tolerations,
                                    "spec.tolerations")
    if new.spec == old.spec:
        return errs
    munged = _munge_pod_spec(new.spec, old.spec)
    if munged != old.spec:
        detail = ("pod updates may not change fields other than "
                  + ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n" + _spec_diff(old.spec, munged))
        errs.append(forbidden("spec", detail))
    return errs


def _pod_annotation_updates(new: Pod, old: Pod) -> list[FieldError]:
    """ValidatePodSpecificAnnotationUpdates: the mirror annotation is fixed; then the
    pod-specific annotation rules again (Go reports them twice)."""
    errs: list[FieldError] = []
    path = "metadata.annotations"
    new_ann, old_ann = new.metadata.annotations, old.metadata.annotations
    if MIRROR_POD_ANNOTATION in old_ann and new_ann.get(MIRROR_POD_ANNOTATION) != \
            old_ann[MIRROR_POD_ANNOTATION]:
        errs.append(forbidden(key(path, MIRROR_POD_ANNOTATION),
                              "may not remove or update mirror pod annotation"))
    if MIRROR_POD_ANNOTATION in new_ann and MIRROR_POD_ANNOTATION not in old_ann:
        errs.append(forbidden(key(path, MIRROR_POD_ANNOTATION),
                              "may not add mirror pod annotation"))
    return errs + validate_pod_specific_annotations(new_ann, new.spec, path)


def _container_updates(new: Sequence[Container], old: Sequence[Container],
                       path: str) -> tuple[list[FieldError], bool]:
    """ValidateContainerUpdates."""
    if len(new) != len(old):
        return [forbidden(path, "pod updates may not add or remove containers")], True
    errs: list[FieldError] = []
    for i, ctr in enumerate(new):
        image = _s(ctr.image)
        if not image:
            errs.append(required(child(index(path, i), "image")))
        if image.strip() != image:
            errs.append(invalid(child(index(path, i), "image"), image,
                                "must not have leading or trailing whitespace"))
    return errs, False


def _active_deadline_update(new: int | None, old: int | None) -> tuple[list[FieldError], bool]:
    path = "spec.activeDeadlineSeconds"
    if new is None:
        if old is not None:
            return [invalid(path, None, "must not update from a positive integer to nil value")
                    ], False
        return [], False
    if not 0 <= new <= MAX_INT32:
        return [invalid(path, new, inclusive_range_error(0, MAX_INT32))], True
    if old is not None and old < new:
        return [invalid(path, new, "must be less than or equal to previous value")], True
    return [], False


def _only_added_tolerations(new: Sequence[Toleration], old: Sequence[Toleration],
                            path: str) -> list[FieldError]:
    """validateOnlyAddedTolerations: old tolerations stay (tolerationSeconds may change)."""
    for tol in old:
        if not any(attrs.evolve(tol, toleration_seconds=n.toleration_seconds) == n
                   for n in new):
            return [forbidden(path,
                              "existing toleration can not be modified except its "
                              "tolerationSeconds")]
    return validate_tolerations(new, path)


def _munge_pod_spec(new: PodSpec, old: PodSpec) -> PodSpec:
    """The new spec with the updatable fields taken from the old one."""
    containers = [attrs.evolve(c, image=o.image) for c, o in zip(new.containers, old.containers,
                                                                 strict=True)]
    inits = [attrs.evolve(c, image=o.image) for c, o in zip(new.init_containers,
                                                            old.init_containers, strict=True)]
    extra = new.extra
    if "schedulingGates" in old.extra:
        extra = extra.set("schedulingGates", old.extra["schedulingGates"])
    else:
        extra = extra.discard("schedulingGates")
    munged = attrs.evolve(new, containers=pvector(containers), init_containers=pvector(inits),
                          active_deadline_seconds=old.active_deadline_seconds,
                          tolerations=old.tolerations, extra=extra)
    old_grace = old.termination_grace_period_seconds
    new_grace = munged.termination_grace_period_seconds
    if old_grace is not None and old_grace < 0 and new_grace == 1:
        munged = attrs.evolve(munged, termination_grace_period_seconds=old_grace)
    return munged


def _spec_diff(old: PodSpec, new: PodSpec) -> str:
    """The changed spec fields, one `-`/`+` pair each (Go prints a go-cmp diff here)."""
    before, after = encode(old), encode(new)
    lines = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            lines.append(f"-  {name}: {before.get(name)!r}")
            lines.append(f"+  {name}: {after.get(name)!r}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Namespaces, nodes and services

STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})


def _validate_namespace_finalizer(name: str, path: str) -> list[FieldError]:
    """validateFinalizerName: a qualified name, and standard unless domain-qualified."""
    errs = validate_finalizer_name(name, path)
    if "/" not in name and name not in STANDARD_FINALIZERS:
        errs.append(invalid(path, name,
                            "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_namespace(ns: Namespace) -> list[FieldError]:
    """ValidateNamespace."""
    errs = validate_meta(ns.metadata, False, validate_namespace_name)
    for name in ns.spec.finalizers:
        errs += _validate_namespace_finalizer(name, "spec.finalizers")
    return errs


def validate_namespace_update(new: Namespace, old: Namespace) -> list[FieldError]:
    """ValidateNamespaceUpdate."""
    return validate_object_meta_update(new.metadata, old.metadata)


def _go_taint(t: Taint) -> GoLiteral:
    added = "(*v1.Time)(nil)" if t.time_added is None else "&v1.Time{...}"
    return GoLiteral(f"core.Taint{{Key:{go_quote(_s(t.key))}, Value:{go_quote(_s(t.value))}, "
                     f"Effect:{go_quote(_s(t.effect))}, TimeAdded:{added}}}")


def validate_node_taints(taints: Sequence[Taint], path: str) -> list[FieldError]:
    """validateNodeTaints: key, value, effect, and unique by key and effect."""
    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(taints):
        idx = index(path, i)
        errs += validate_label_name(_s(t.key), child(idx, "key"))
        messages = is_valid_label_value(_s(t.value))
        if messages:
            errs.append(invalid(child(idx, "value"), _s(t.value), ";".join(messages)))
        errs += validate_taint_effect(_s(t.effect), False, child(idx, "effect"))
        pair = (_s(t.effect), _s(t.key))
        if pair in seen:
            errs.append(FieldError(DUPLICATE, idx, _go_taint(t),
                                   "taints must be unique by key and effect pair"))
            continue
        seen.add(pair)
    return errs


def validate_node_resources(node: Node) -> list[FieldError]:
    """ValidateNodeResources (paths are `status.capacity.<name>`, as Go builds them)."""
    errs: list[FieldError] = []
    for part, rl in (("capacity", node.status.capacity),
                     ("allocatable", node.status.allocatable)):
        for name in sorted(rl):
            errs += validate_resource_quantity_value(name, rl[name], f"status.{part}.{name}")
    return errs


def validate_node(node: Node) -> list[FieldError]:
    """ValidateNode (taints are reported under `metadata.taints`, as Go does)."""
    errs = validate_meta(node.metadata, False, validate_node_name)
    if node.spec.taints:
        errs += validate_node_taints(node.spec.taints, "metadata.taints")
    return errs + validate_node_resources(node)


def validate_node_update(new: Node, old: Node) -> list[FieldError]:
    """ValidateNodeUpdate: resources; providerID set once; taints."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_node_resources(new)
    if old.spec.provider_id and old.spec.provider_id != new.spec.provider_id:
        errs.append(forbidden("spec.providerID",
                              'node updates may not change providerID except from "" to valid'))
    if new.spec.taints:
        errs += validate_node_taints(new.spec.taints, "metadata.taints")
    return errs
