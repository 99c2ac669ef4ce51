"""Validation of Services, EndpointSlices and Endpoints, with Kubernetes' messages and paths.

Models (release v1.34):
- pkg/apis/core/validation/validation.go: ValidateService (ports, type rules, selector,
  session affinity and validateClientIPAffinityConfig, externalIPs with
  ValidateNonSpecialIP, node ports, duplicate ports, load balancer source ranges,
  allocateLoadBalancerNodePorts, validateLoadBalancerClassField,
  validateServiceExternalTrafficPolicy, validateServiceInternalTrafficFieldsValue,
  validateServiceTrafficDistribution), validateServicePort,
  ValidateServiceClusterIPsRelatedFields, ValidateServiceUpdate (validateUpgradeDowngrade-
  ClusterIPs, validateUpgradeDowngradeIPFamilies, validateServiceExternalTrafficFieldsUpdate),
  isHeadlessService; ValidateEndpoints (validateEndpointSubsets, validateEndpointAddress,
  validateEndpointPort).
- pkg/apis/discovery/validation/validation.go: ValidateEndpointSlice (validateAddressType,
  validateEndpoints, validatePorts) and ValidateEndpointSliceUpdate.
Simplifies: StrictIPCIDRValidation is off (as in v1.34), so IPs parse sloppily; an Endpoints
update does not validate again the addresses it carries over unchanged from the stored object
(Go validates every address of every update; a stored address was valid when written);
endpoint hints and deprecatedTopology are not validated; `Duplicate` of a (protocol, port)
pair prints the pair as Go's %#v would print the ServicePort key only approximately
(`core.ServicePort{...}` with the two fields).
Covered by: tests/test_validation_service.py (TestValidateServiceCreate,
TestValidateServiceUpdate, TestValidateEndpointSlice cases).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.core.errors import (
    TOO_MANY,
    FieldError,
    GoLiteral,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from kubefold.core.networking import parse_ip
from kubefold.core.objects import Service
from kubefold.reducers.apiserver.validation.core import (
    SUPPORTED_PORT_PROTOCOLS,
    validate_meta,
    validate_object_meta_update,
    validate_port_num_or_name,
)
from kubefold.reducers.apiserver.validation.names import (
    FIELD_IMMUTABLE_ERROR_MSG,
    child,
    is_dns1123_label,
    is_fully_qualified_domain_name,
    is_valid_ip_for_legacy_field,
    is_valid_port_num,
    name_is_dns1035_label,
    name_is_dns_subdomain,
    validate_dns1123_label,
    validate_dns1123_subdomain,
    validate_labels,
    validate_qualified_name,
)

SESSION_AFFINITIES = ("ClientIP", "None")  # sets.List: sorted
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
INTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
EXTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_DISTRIBUTIONS = ("PreferClose",)
MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 86400
ANNOTATION_TOPOLOGY_AWARE_HINTS = "service.kubernetes.io/topology-aware-hints"
ANNOTATION_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
ANNOTATION_LB_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
STRICT_IP_CIDR_VALIDATION = False  # StrictIPCIDRValidation: alpha, off in v1.34


def _i(value: int | None) -> int:
    return value or 0


def go_strings(values: Sequence[str]) -> GoLiteral:
    """A []string as field.Error prints it (`%#v`): `[]string{"a", "b"}`."""
    return GoLiteral("[]string{" + ", ".join(f'"{v}"' for v in values) + "}")


def is_headless_service(svc: Service) -> bool:
    """isHeadlessService: clusterIPs is exactly ["None"]."""
    return len(svc.spec.cluster_ips) == 1 and svc.spec.cluster_ips[0] == "None"


def _ip_errors(path: str, value: str) -> list[FieldError]:
    return is_valid_ip_for_legacy_field(path, value, STRICT_IP_CIDR_VALIDATION)


def _special_ip_errors(ip: str, path: str) -> list[FieldError]:
    """ValidateNonSpecialIP: not unspecified, loopback, link-local or link-local multicast."""
    addr = parse_ip(ip)
    if addr is None:
        return []
    if addr.is_unspecified:
        return [invalid(path, ip, "may not be unspecified (0.0.0.0)" if addr.version == 4
                        else "may not be unspecified (::)")]
    if addr.is_loopback:
        return [invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    if addr.is_link_local:
        return [invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, "
                        "fe80::/10)")]
    if addr.is_multicast and (addr.version == 4 and str(addr).startswith("224.0.0.")
                              or addr.version == 6 and str(addr).lower().startswith("ff02:")):
        return [invalid(path, ip, "may not be in the link-local multicast range "
                        "(224.0.0.0/24, ff02::/10)")]
    return []


def validate_service(svc: Service) -> list[FieldError]:
    """ValidateService."""
    errs = validate_meta(svc.metadata, True, name_is_dns1035_label)
    annotations = svc.metadata.annotations
    hints = annotations.get(ANNOTATION_TOPOLOGY_AWARE_HINTS)
    mode = annotations.get(ANNOTATION_TOPOLOGY_MODE)
    if hints is not None and mode is not None and hints != mode:
        errs.append(invalid(f"metadata.annotations[{ANNOTATION_TOPOLOGY_MODE}]", mode,
                            f"must match annotations[{ANNOTATION_TOPOLOGY_AWARE_HINTS}] when "
                            "both are specified"))
    spec = svc.spec
    svc_type = spec.type or ""
    headless = is_headless_service(svc)
    if not spec.ports and not headless and svc_type != "ExternalName":
        errs.append(required("spec.ports"))
    errs += _type_rules(svc, svc_type, headless)
    names: set[str] = set()
    for i, port in enumerate(spec.ports):
        errs += _validate_service_port(port, len(spec.ports) > 1, names, f"spec.ports[{i}]")
    if spec.selector:
        errs += validate_labels(spec.selector, "spec.selector")
    errs += _session_affinity(svc)
    errs += validate_service_cluster_ips_related_fields(svc)
    for i, ip in enumerate(spec.external_ips):
        path = f"spec.externalIPs[{i}]"
        ip_errs = _ip_errors(path, ip)
        errs += ip_errs or _special_ip_errors(ip, path)
    if not svc_type:
        errs.append(required("spec.type"))
    elif svc_type not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", svc_type, SERVICE_TYPES))
    if svc_type == "ClusterIP":
        errs += [forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is "
                           "'ClusterIP'") for i, p in enumerate(spec.ports) if p.node_port]
    errs += _duplicate_ports(svc)
    errs += _source_ranges(svc, svc_type)
    if spec.allocate_load_balancer_node_ports is not None and svc_type != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts",
                              "may only be used when `type` is 'LoadBalancer'"))
    if svc_type == "LoadBalancer" and spec.allocate_load_balancer_node_ports is None:
        errs.append(required("allocateLoadBalancerNodePorts"))
    errs += _load_balancer_class(None, svc)
    errs += _external_traffic_policy(svc)
    errs += _internal_traffic_policy(svc, svc_type)
    if spec.traffic_distribution is not None and \
            spec.traffic_distribution not in TRAFFIC_DISTRIBUTIONS:
        errs.append(not_supported("spec.trafficDistribution", spec.traffic_distribution,
                                  TRAFFIC_DISTRIBUTIONS))
    return errs


def _type_rules(svc: Service, svc_type: str, headless: bool) -> list[FieldError]:
    spec = svc.spec
    if svc_type in ("LoadBalancer", "NodePort") and headless:
        return [invalid("spec.clusterIPs[0]", spec.cluster_ips[0],
                        f"may not be set to 'None' for {svc_type} services")]
    if svc_type != "ExternalName":
        return []
    errs: list[FieldError] = []
    if spec.cluster_ips:
        errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if spec.ip_families:
        errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.ip_family_policy is not None:
        errs.append(forbidden("spec.ipFamilyPolicy",
                              "may not be set for ExternalName services"))
    cname = (spec.external_name or "").removesuffix(".")
    if cname:
        errs += validate_dns1123_subdomain(cname, "spec.externalName")
    else:
        errs.append(required("spec.externalName"))
    return errs


def _validate_service_port(port: Any, require_name: bool, names: set[str], path: str
                           ) -> list[FieldError]:
    """validateServicePort."""
    errs: list[FieldError] = []
    name = port.name or ""
    if require_name and not name:
        errs.append(required(child(path, "name")))
    elif name:
        errs += validate_dns1123_label(name, child(path, "name"))
        if name in names:
            errs.append(duplicate(child(path, "name"), name))
        else:
            names.add(name)
    number = _i(port.port)
    errs += [invalid(child(path, "port"), number, m) for m in is_valid_port_num(number)]
    protocol = port.protocol or ""
    if not protocol:
        errs.append(required(child(path, "protocol")))
    elif protocol not in SUPPORTED_PORT_PROTOCOLS:
        errs.append(not_supported(child(path, "protocol"), protocol, SUPPORTED_PORT_PROTOCOLS))
    errs += validate_port_num_or_name(port.target_port, child(path, "targetPort"))
    if port.app_protocol is not None:
        errs += validate_qualified_name(port.app_protocol, child(path, "appProtocol"))
    return errs


def _session_affinity(svc: Service) -> list[FieldError]:
    affinity = svc.spec.session_affinity or ""
    config = svc.spec.session_affinity_config
    if not affinity:
        errs = [required("spec.sessionAffinity")]
    elif affinity not in SESSION_AFFINITIES:
        errs = [not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES)]
    else:
        errs = []
    if affinity == "ClientIP":
        errs += _client_ip_affinity_config(config, "spec.sessionAffinityConfig")
    elif affinity == "None" and config is not None:
        errs.append(forbidden("spec.sessionAffinityConfig",
                              "must not be set when session affinity is None"))
    return errs


def _client_ip_affinity_config(config: Any, path: str) -> list[FieldError]:
    """validateClientIPAffinityConfig."""
    detail = "when session affinity type is ClientIP"
    if not isinstance(config, Mapping):
        return [required(path, detail)]
    client_ip = config.get("clientIP")
    if not isinstance(client_ip, Mapping):
        return [required(child(path, "clientIP"), detail)]
    timeout = client_ip.get("timeoutSeconds")
    timeout_path = child(child(path, "clientIP"), "timeoutSeconds")
    if timeout is None:
        return [required(timeout_path, detail)]
    if not 0 < timeout <= MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS:
        return [invalid(timeout_path, timeout, "must be greater than 0 and less than "
                        f"{MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS}")]
    return []


def _duplicate_ports(svc: Service) -> list[FieldError]:
    """Duplicate node ports and duplicate (protocol, port) pairs."""
    errs: list[FieldError] = []
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(svc.spec.ports):
        if not port.node_port:
            continue
        key = (port.protocol or "", port.node_port)
        if key in node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", port.node_port))
        node_ports.add(key)
    ports: set[tuple[str, int]] = set()
    for i, port in enumerate(svc.spec.ports):
        key = (port.protocol or "", _i(port.port))
        if key in ports:
            errs.append(duplicate(f"spec.ports[{i}]", GoLiteral(
                f'core.ServicePort{{Name:"", Protocol:"{key[0]}", AppProtocol:(*string)(nil), '
                f'Port:{key[1]}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, '
                "NodePort:0}")))
        ports.add(key)
    return errs


def is_valid_cidr_for_legacy_field(path: str, value: str) -> list[FieldError]:
    """IsValidCIDRForLegacyField, sloppy (StrictIPCIDRValidation off): netutils.ParseCIDRSloppy."""
    address, slash, bits = value.partition("/")
    parsed = parse_ip(address) if slash else None
    limit = 32 if parsed is not None and parsed.version == 4 else 128
    if parsed is None or not bits.isdigit() or int(bits) > limit:
        return [invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or "
                        "2001:db8::/64)")]
    return []


def _source_ranges(svc: Service, svc_type: str) -> list[FieldError]:
    ranges = svc.spec.load_balancer_source_ranges
    errs: list[FieldError] = []
    if ranges:
        path = "spec.LoadBalancerSourceRanges"
        if svc_type != "LoadBalancer":
            errs.append(forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
        for i, value in enumerate(ranges):
            errs += is_valid_cidr_for_legacy_field(f"{path}[{i}]", value.strip())
        return errs
    annotation = svc.metadata.annotations.get(ANNOTATION_LB_SOURCE_RANGES)
    if annotation is None:
        return errs
    value = annotation
    path = f"metadata.annotations[{ANNOTATION_LB_SOURCE_RANGES}]"
    if svc_type != "LoadBalancer":
        errs.append(forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
    value = value.strip()
    if value:
        for cidr in value.split(","):
            errs += is_valid_cidr_for_legacy_field(path, cidr.strip())
    return errs


def _load_balancer_class(old: Service | None, svc: Service) -> list[FieldError]:
    """validateLoadBalancerClassField."""
    errs: list[FieldError] = []
    cls = svc.spec.load_balancer_class
    if old is not None and old.spec.type == "LoadBalancer" and svc.spec.type == "LoadBalancer" \
            and old.spec.load_balancer_class != cls:
        errs.append(invalid("spec.loadBalancerClass", cls, "may not change once set"))
    if svc.spec.type == "LoadBalancer":
        if cls is not None:
            errs += validate_qualified_name(cls, "spec.loadBalancerClass")
    elif cls is not None:
        errs.append(forbidden("spec.loadBalancerClass",
                              "may only be used when `type` is 'LoadBalancer'"))
    return errs


def _externally_accessible(svc: Service) -> bool:
    t = svc.spec.type
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP"
                                                 and bool(svc.spec.external_ips))


def _needs_health_check(svc: Service) -> bool:
    return svc.spec.type == "LoadBalancer" and svc.spec.external_traffic_policy == "Local"


def _external_traffic_policy(svc: Service) -> list[FieldError]:
    """validateServiceExternalTrafficPolicy."""
    errs: list[FieldError] = []
    policy = svc.spec.external_traffic_policy or ""
    if not _externally_accessible(svc):
        if policy:
            errs.append(invalid("spec.externalTrafficPolicy", policy,
                                "may only be set for externally-accessible services"))
    elif not policy:
        errs.append(required("spec.externalTrafficPolicy"))
    elif policy not in EXTERNAL_TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", policy,
                                  EXTERNAL_TRAFFIC_POLICIES))
    hc = _i(svc.spec.health_check_node_port)
    if not _needs_health_check(svc):
        if hc:
            errs.append(invalid("spec.healthCheckNodePort", hc, "may only be set when `type` "
                                "is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    elif not hc:
        errs.append(required("spec.healthCheckNodePort"))
    else:
        errs += [invalid("spec.healthCheckNodePort", hc, m) for m in is_valid_port_num(hc)]
    return errs


def _internal_traffic_policy(svc: Service, svc_type: str) -> list[FieldError]:
    """validateServiceInternalTrafficFieldsValue."""
    policy = svc.spec.internal_traffic_policy
    if policy is None:
        if svc_type in ("NodePort", "LoadBalancer", "ClusterIP"):
            return [required("spec.internalTrafficPolicy")]
        return []
    if policy not in INTERNAL_TRAFFIC_POLICIES:
        return [not_supported("spec.internalTrafficPolicy", policy, INTERNAL_TRAFFIC_POLICIES)]
    return []


def validate_service_cluster_ips_related_fields(svc: Service) -> list[FieldError]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP, clusterIPs, ipFamilies and
    ipFamilyPolicy agree (also used by the allocator before it allocates)."""
    spec = svc.spec
    if spec.type == "ExternalName":
        return []
    errs: list[FieldError] = []
    ips = list(spec.cluster_ips)
    if spec.cluster_ip:
        if not ips:
            errs.append(required("spec.clusterIPs"))
        elif ips[0] != spec.cluster_ip:
            errs.append(invalid("spec.clusterIPs", go_strings(ips),
                                "first value must match `clusterIP`"))
    elif ips:
        errs.append(invalid("spec.clusterIPs", go_strings(ips),
                            "must be empty when `clusterIP` is not specified"))
    seen: set[str] = set()
    for i, family in enumerate(spec.ip_families):
        if family not in IP_FAMILIES:
            errs.append(not_supported(f"spec.ipFamilies[{i}]", family, IP_FAMILIES))
        if family in seen:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", family))
        seen.add(family)
    policy = spec.ip_family_policy
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES))
    bad_ips = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad_ips = True
                errs.append(invalid("spec.clusterIPs", go_strings(ips),
                                    "'None' must be the first and only value"))
            continue
        ip_errs = _ip_errors(f"spec.clusterIPs[{i}]", ip)
        bad_ips = bad_ips or bool(ip_errs)
        errs += ip_errs
    if len(ips) > 2:
        errs.append(invalid("spec.clusterIPs", go_strings(ips), "may only hold up to 2 values"))
    if bad_ips:
        return errs
    if len(ips) > 1 and len({_version(ip) for ip in ips}) != 2:
        errs.append(invalid("spec.clusterIPs", go_strings(ips),
                            "may specify no more than one IP for each IP family"))
    if not is_headless_service(svc) and ips and spec.ip_families:
        for i, ip in enumerate(ips[:len(spec.ip_families)]):
            family = spec.ip_families[i]
            if family == "IPv4" and _version(ip) == 6:
                errs.append(invalid(f"spec.clusterIPs[{i}]", ip, "expected an IPv4 value as "
                                    f"indicated by `ipFamilies[{i}]`"))
            if family == "IPv6" and _version(ip) != 6:
                errs.append(invalid(f"spec.clusterIPs[{i}]", ip, "expected an IPv6 value as "
                                    f"indicated by `ipFamilies[{i}]`"))
    return errs


def _version(ip: str) -> int:
    parsed = parse_ip(ip)
    return parsed.version if parsed is not None else 0


def validate_service_update(new: Service, old: Service) -> list[FieldError]:
    """ValidateServiceUpdate."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += _upgrade_downgrade_cluster_ips(old, new)
    errs += _upgrade_downgrade_ip_families(old, new)
    errs += _load_balancer_class(old, new)
    if _needs_health_check(old) and _needs_health_check(new) and \
            new.spec.health_check_node_port != old.spec.health_check_node_port:
        errs.append(forbidden("spec.healthCheckNodePort", FIELD_IMMUTABLE_ERROR_MSG))
    return errs + validate_service(new)


def _upgrade_downgrade_cluster_ips(old: Service, new: Service) -> list[FieldError]:
    """validateUpgradeDowngradeClusterIPs."""
    if new.spec.type == "ExternalName" or old.spec.type == "ExternalName":
        return []
    if is_headless_service(old) and is_headless_service(new):
        return []
    old_ips, ips = list(old.spec.cluster_ips), list(new.spec.cluster_ips)
    errs: list[FieldError] = []
    if len(old_ips) == len(ips):
        for i, ip in enumerate(old_ips):
            if ip != ips[i]:
                errs.append(invalid(f"spec.clusterIPs[{i}]", go_strings(ips),
                                    "may not change once set"))
    elif len(old_ips) > len(ips):
        if not ips:
            errs.append(invalid("spec.clusterIPs[0]", go_strings(ips),
                                "primary clusterIP can not be unset"))
        if old_ips and ips and ips[0] != old_ips[0]:
            errs.append(invalid("spec.clusterIPs[0]", go_strings(ips), "may not change once set"))
        if len(ips) == 1 and new.spec.ip_family_policy != "SingleStack":
            errs.append(invalid("spec.ipFamilyPolicy", new.spec.ip_family_policy,
                                "must be set to 'SingleStack' when releasing the secondary "
                                "clusterIP"))
    elif old_ips and ips[0] != old_ips[0]:
        errs.append(invalid("spec.clusterIPs[0]", go_strings(ips), "may not change once set"))
    return errs


def _upgrade_downgrade_ip_families(old: Service, new: Service) -> list[FieldError]:
    """validateUpgradeDowngradeIPFamilies."""
    if new.spec.type == "ExternalName" or old.spec.type == "ExternalName":
        return []
    if is_headless_service(old) or is_headless_service(new):
        return []
    old_f, fams = list(old.spec.ip_families), list(new.spec.ip_families)
    errs: list[FieldError] = []
    if len(old_f) == len(fams):
        for i, fam in enumerate(old_f):
            if fam != fams[i]:
                errs.append(invalid("spec.ipFamilies[0]", go_strings(fams),
                                    "may not change once set"))
    elif len(old_f) > len(fams):
        if not new.spec.cluster_ips:
            errs.append(invalid("spec.ipFamilies[0]", go_strings(fams),
                                "primary ipFamily can not be unset"))
        if fams and fams[0] != old_f[0]:
            errs.append(invalid("spec.ipFamilies[0]", go_strings(new.spec.cluster_ips),
                                "may not change once set"))
        if len(fams) == 1 and new.spec.ip_family_policy != "SingleStack":
            errs.append(invalid("spec.ipFamilyPolicy", new.spec.ip_family_policy,
                                "must be set to 'SingleStack' when releasing the secondary "
                                "ipFamily"))
    elif old_f and fams and fams[0] != old_f[0]:
        errs.append(invalid("spec.ipFamilies[0]", go_strings(new.spec.cluster_ips),
                            "may not change once set"))
    return errs


# ---------------------------------------------------------------------------------------------
# discovery/v1 EndpointSlice

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
MAX_ADDRESSES = 100
MAX_PORTS = 20000
MAX_ENDPOINTS = 1000


def too_many(path: str, actual: int, limit: int) -> FieldError:
    """field.TooMany."""
    return FieldError(TOO_MANY, path, actual, f"must have at most {limit} items",
                      omit_value=True)


def validate_endpoint_slice(es: Any) -> list[FieldError]:
    """ValidateEndpointSlice."""
    errs = validate_meta(es.metadata, True, name_is_dns_subdomain)
    address_type = es.address_type or ""
    if not address_type:
        errs.append(required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        errs.append(not_supported("addressType", address_type, ADDRESS_TYPES))
    if len(es.endpoints) > MAX_ENDPOINTS:
        errs.append(too_many("endpoints", len(es.endpoints), MAX_ENDPOINTS))
    for i, ep in enumerate(es.endpoints):
        errs += _validate_endpoint(ep, address_type, f"endpoints[{i}]")
    errs += _validate_slice_ports(es.ports)
    return errs


def _validate_endpoint(ep: Any, address_type: str, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    addr_path = child(path, "addresses")
    if not ep.addresses:
        errs.append(required(addr_path, "must contain at least 1 address"))
    elif len(ep.addresses) > MAX_ADDRESSES:
        errs.append(too_many(addr_path, len(ep.addresses), MAX_ADDRESSES))
    for i, address in enumerate(ep.addresses):
        at = f"{addr_path}[{i}]"
        if address_type in ("IPv4", "IPv6"):
            version = _version(address)
            want = 4 if address_type == "IPv4" else 6
            if version != want:
                errs.append(invalid(at, address, f"must be a valid {address_type} address"))
        elif address_type == "FQDN":
            errs += is_fully_qualified_domain_name(at, address)
    if ep.node_name is not None:
        errs += [invalid(child(path, "nodeName"), ep.node_name, m)
                 for m in name_is_dns_subdomain(ep.node_name, False)]
    if ep.hostname is not None:
        errs += [invalid(child(path, "hostname"), ep.hostname, m)
                 for m in is_dns1123_label(ep.hostname)]
    return errs


def _validate_slice_ports(ports: Sequence[Any]) -> list[FieldError]:
    errs: list[FieldError] = []
    if len(ports) > MAX_PORTS:
        errs.append(too_many("ports", len(ports), MAX_PORTS))
    names: set[str] = set()
    for i, port in enumerate(ports):
        path = f"ports[{i}]"
        name = port.name or ""
        if name:
            errs += validate_dns1123_label(name, child(path, "name"))
        if name in names:
            errs.append(duplicate(child(path, "name"), name))
        else:
            names.add(name)
        if port.protocol is None:
            errs.append(required(child(path, "protocol")))
        elif port.protocol not in SUPPORTED_PORT_PROTOCOLS:
            errs.append(not_supported(child(path, "protocol"), port.protocol,
                                      SUPPORTED_PORT_PROTOCOLS))
        if port.app_protocol is not None:
            errs += validate_qualified_name(port.app_protocol, child(path, "appProtocol"))
    return errs


def validate_endpoint_slice_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateEndpointSliceUpdate: the slice, and addressType immutable."""
    errs = validate_object_meta_update(new.metadata, old.metadata)
    errs += validate_endpoint_slice(new)
    if (new.address_type or "") != (old.address_type or ""):
        errs.append(invalid("addressType", new.address_type or "", FIELD_IMMUTABLE_ERROR_MSG))
    return errs


# ---------------------------------------------------------------------------------------------
# core/v1 Endpoints


def validate_endpoints(ep: Any, stored: frozenset[int] = frozenset()) -> list[FieldError]:
    """ValidateEndpoints (validateEndpointSubsets). Addresses in `stored` (by identity: the
    very objects the stored Endpoints holds, carried over by an update) were validated when
    written and are not looked at again."""
    errs = validate_meta(ep.metadata, True, name_is_dns1035_label_or_subdomain)
    for i, subset in enumerate(ep.subsets):
        path = f"subsets[{i}]"
        if not subset.addresses and not subset.not_ready_addresses:
            errs.append(required(path, "must specify `addresses` or `notReadyAddresses`"))
        for j, address in enumerate(subset.addresses):
            if id(address) not in stored:
                errs += _validate_endpoint_address(address, f"{path}.addresses[{j}]")
        for j, address in enumerate(subset.not_ready_addresses):
            if id(address) not in stored:
                errs += _validate_endpoint_address(address, f"{path}.notReadyAddresses[{j}]")
        for j, port in enumerate(subset.ports):
            errs += _validate_endpoint_port(port, len(subset.ports) > 1, f"{path}.ports[{j}]")
    return errs


def name_is_dns1035_label_or_subdomain(name: str, prefix: bool) -> list[str]:
    """ValidateEndpointsName is NameIsDNSSubdomain."""
    return name_is_dns_subdomain(name, prefix)


def _validate_endpoint_address(address: Any, path: str) -> list[FieldError]:
    ip = address.ip or ""
    errs = _ip_errors(child(path, "ip"), ip)
    if address.hostname:
        errs += validate_dns1123_label(address.hostname, child(path, "hostname"))
    if address.node_name is not None:
        errs += [invalid(child(path, "nodeName"), address.node_name, m)
                 for m in name_is_dns_subdomain(address.node_name, False)]
    if not errs:
        errs += _special_ip_errors(ip, child(path, "ip"))
    return errs


def _validate_endpoint_port(port: Any, require_name: bool, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.name or ""
    if require_name and not name:
        errs.append(required(child(path, "name")))
    elif name:
        errs += validate_dns1123_label(name, child(path, "name"))
    number = _i(port.port)
    errs += [invalid(child(path, "port"), number, m) for m in is_valid_port_num(number)]
    protocol = port.protocol or ""
    if not protocol:
        errs.append(required(child(path, "protocol")))
    elif protocol not in SUPPORTED_PORT_PROTOCOLS:
        errs.append(not_supported(child(path, "protocol"), protocol, SUPPORTED_PORT_PROTOCOLS))
    if port.app_protocol is not None:
        errs += validate_qualified_name(port.app_protocol, child(path, "appProtocol"))
    return errs


def validate_endpoints_update(new: Any, old: Any) -> list[FieldError]:
    """ValidateEndpointsUpdate: the addresses an update carries over unchanged from the stored
    object (the same values) are not validated again."""
    stored = frozenset(id(a) for s in old.subsets
                       for a in (*s.addresses, *s.not_ready_addresses))
    return validate_object_meta_update(new.metadata, old.metadata) + \
        validate_endpoints(new, stored)
