"""Defaulting: the versioned defaulters kube-apiserver applies to every object it decodes.

Models (release v1.34):
- pkg/apis/apps/v1/defaults.go: SetDefaults_Deployment, SetDefaults_ReplicaSet, and
  zz_generated.defaults.go's SetObjectDefaults_Deployment / _ReplicaSet (the pod template).
- pkg/apis/core/v1/defaults.go: SetDefaults_ResourceList, SetDefaults_Volume,
  SetDefaults_Container, SetDefaults_EphemeralContainer, SetDefaults_Service, SetDefaults_Pod,
  SetDefaults_PodSpec, SetDefaults_Probe, SetDefaults_{Secret,ConfigMap,DownwardAPI,Projected}
  VolumeSource, SetDefaults_ServiceAccountTokenProjection, SetDefaults_PersistentVolumeClaimSpec,
  SetDefaults_HTTPGetAction, SetDefaults_Namespace, SetDefaults_NamespaceStatus,
  SetDefaults_NodeStatus, SetDefaults_ObjectFieldSelector, defaultHostNetworkPorts,
  SetDefaults_HostPathVolumeSource; the declarative (+default) ones zz_generated.defaults.go
  inlines: ContainerPort and ServicePort protocol TCP, GRPCAction service "", ISCSI, RBD,
  AzureDisk and ScaleIO volume fields; and SetObjectDefaults_{Pod,Service,Namespace,Node}, whose
  order of calls is kept.
- pkg/apis/scheduling/v1/defaults.go: SetDefaults_PriorityClass. policy/v1 has no defaulter.
- pkg/apis/batch/v1/defaults.go: SetDefaults_Job, SetDefaults_CronJob,
  SetDefaults_PodFailurePolicyOnPodConditionsPattern, and SetObjectDefaults_Job / _CronJob.
  SetDefaults_Job shares the template's label map with the Job's (Go map aliasing), so the
  labels the Job strategy generates later land on the Job too; the strategy
  (apiserver/batch.py) reproduces that.
- HorizontalPodAutoscalers: autoscaling/v1 conversion and v2 defaults, in autoscaling.py.
- pkg/util/parsers ParseImageName with github.com/distribution/reference ParseNormalizedNamed
  (the tag that decides imagePullPolicy) and go-digest's validation of a digest.

Simplifies: v1.34 feature gates at their defaults. PodLevelResources defaulting of
`spec.resources` (defaultHugePagePodLimits, defaultPodRequests) is not modelled, and pod-level
`spec.resources` and the container statuses' allocatedResources / resources are not rounded
to milli-units; ImageVolume (off by default in v1.34) sets no image pull policy. Kinds kubefold
does not model (ReplicationController, Secret, ConfigMap, ...) are returned unchanged.
StatefulSets, DaemonSets and PersistentVolumeClaims: SetDefaults_StatefulSet,
SetDefaults_DaemonSet, SetDefaults_PersistentVolumeClaim and their generated walks; Jobs and
CronJobs: SetDefaults_Job, SetDefaults_CronJob. Flagger's Canary gets the `default:` values of
its CustomResourceDefinition's schema. Go's zero values are read from kubefold's values as Go
would decode the same JSON: a missing key or null is nil, and "" or 0 count as unset where Go
compares with them.

Covered by: tests/test_defaults.py (TestSetDefaultDeployment, TestDefaultDeploymentAvailability,
TestSetDefaultReplicaSetReplicas, TestDefaultRequestIsNotSetForReplicaSet, TestPodDefaults,
TestWorkloadDefaults, TestSetDefaultReplicationControllerInitContainers, TestSetDefaultService*,
TestSetDefaultNamespace*, TestSetDefaultPodSpecHostNetwork, TestSetDefaultNodeStatusAllocatable,
TestSetDefaultObjectFieldSelectorAPIVersion, TestSetMinimumScalePod, TestSetDefaultRequestsPod,
TestSetDefaultProbe, TestSetDefaultSchedulerName, TestSetDefault*VolumeSource,
TestSetDefaultEphemeral, TestSetDefaultEnableServiceLinks, pkg/util/parsers TestParseImageName,
an image pull policy table, and Hypothesis properties: idempotent, the same object when nothing
is left to default, input untouched).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.apps import (
    DaemonSet,
    DaemonSetUpdateStrategy,
    PersistentVolumeClaim,
    RollingUpdateDaemonSet,
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetUpdateStrategy,
)
from kubefold.core.autoscaling import HorizontalPodAutoscaler
from kubefold.core.batch import (
    CronJob,
    Job,
    JobSpec,
    PodFailurePolicyOnPodConditionsPattern,
)
from kubefold.core.flagger import Canary
from kubefold.core.objects import (
    QUANTITY,
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    KObject,
    Namespace,
    Node,
    Pod,
    PodSpec,
    PodTemplateSpec,
    PriorityClass,
    Probe,
    ReplicaSet,
    ReplicaSetSpec,
    ResourceList,
    RollingUpdateDeployment,
    Service,
    ServicePort,
)
from kubefold.core.quantity import Quantity
from kubefold.core.schema import DecodeError, decode, encode, freeze, replace, thaw
from kubefold.reducers.apiserver import autoscaling

T = TypeVar("T")

DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800
VOLUME_SOURCE_DEFAULT_MODE = 0o644  # Secret, ConfigMap, DownwardAPI and Projected: 420
LABEL_METADATA_NAME = "kubernetes.io/metadata.name"
MILLI_SCALE = -3

# ---------------------------------------------------------------------------------------------
# Helpers on frozen values


def _evolve(obj: T, **changes: Any) -> T:
    """attrs.evolve with only the attributes that changed; `obj` itself when none did."""
    changed = {k: v for k, v in changes.items() if getattr(obj, k) is not v}
    return replace(obj, **changed) if changed else obj  # type: ignore[misc]


def _map_vector(vec: PVector[T], fn: Callable[[T], T]) -> PVector[T]:
    """fn applied to each item; `vec` itself when no item changed."""
    out = vec
    for i, item in enumerate(vec):
        new = fn(item)
        if new is not item:
            out = out.set(i, new)
    return out


def _unset(value: Any) -> bool:
    """Go's zero value of a string or number field: missing, null, "" or 0 (not false)."""
    return value is None or value == "" or (value == 0 and not isinstance(value, bool))


def _default_key(m: PMap, key: str, value: Any, *, pointer: bool = False) -> PMap:
    """`m` with `key` set to `value` when unset: nil only for a pointer, else nil, "" or 0."""
    current = m.get(key)
    missing = current is None if pointer else _unset(current)
    return m.set(key, value) if missing else m


def _update_key(m: PMap, key: str, fn: Callable[[PMap], PMap]) -> PMap:
    """`m` with the mapping at `key` passed through `fn`, when there is one."""
    inner = m.get(key)
    if not isinstance(inner, PMap):
        return m
    new = fn(inner)
    return m if new is inner else m.set(key, new)


def _update_list(m: PMap, key: str, fn: Callable[[PMap], PMap]) -> PMap:
    """`m` with each mapping of the list at `key` passed through `fn`."""
    items = m.get(key)
    if not isinstance(items, PVector):
        return m
    new = _map_vector(items, lambda item: fn(item) if isinstance(item, PMap) else item)
    return m if new is items else m.set(key, new)


def _update_extra(obj: T, fn: Callable[[PMap], PMap]) -> T:
    return _evolve(obj, extra=fn(obj.extra))  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Image names: pkg/util/parsers.ParseImageName on distribution/reference


_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[(?:[a-fA-F0-9:]+)\])"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_NAME = rf"(?:{_HOST}(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REFERENCE_RE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$", re.ASCII)
_IDENTIFIER_RE = re.compile(r"^[a-f0-9]{64}$")
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}  # the algorithms linked in
NAME_TOTAL_LENGTH_MAX = 255
DEFAULT_IMAGE_TAG = "latest"


def _split_docker_domain(name: str) -> tuple[str, str]:
    """splitDockerDomain: the registry and the remote name, `docker.io/library/` filled in."""
    first, sep, rest = name.partition("/")
    if not sep:
        return "docker.io", "library/" + name
    if first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        domain, remote = ("docker.io" if first == "index.docker.io" else first), rest
    else:
        domain, remote = "docker.io", name
    if domain == "docker.io" and "/" not in remote:
        remote = "library/" + remote
    return domain, remote


def _valid_digest(digest: str) -> bool:
    """go-digest Digest.Validate for the algorithms Kubernetes links in."""
    algorithm, _, encoded = digest.partition(":")
    length = _DIGEST_HEX_LENGTH.get(algorithm)
    return length == len(encoded) and re.fullmatch(r"[a-f0-9]+", encoded) is not None


def parse_image_name(image: str) -> tuple[str, str, str] | None:
    """ParseImageName: (repository, tag, digest) of a normalized reference, or None when it does
    not parse. With neither a tag nor a digest the tag is `latest`."""
    if _IDENTIFIER_RE.match(image):
        return None  # "cannot specify 64-byte hexadecimal strings"
    domain, remainder = _split_docker_domain(image)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return None
    match = _REFERENCE_RE.match(f"{domain}/{remainder}")
    if match is None or len(match.group(1)) > NAME_TOTAL_LENGTH_MAX:
        return None
    name, tag, digest = match.group(1), match.group(2) or "", match.group(3) or ""
    if digest and not _valid_digest(digest):
        return None
    if not tag and not digest:
        tag = DEFAULT_IMAGE_TAG
    return name, tag, digest


def image_tag(image: str) -> str:
    """The tag SetDefaults_Container reads: "" when the image does not parse."""
    parsed = parse_image_name(image)
    return parsed[1] if parsed else ""


# ---------------------------------------------------------------------------------------------
# apps/v1


def set_defaults_deployment(obj: Deployment) -> Deployment:
    """SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600."""
    spec = obj.spec
    replicas = 1 if spec.replicas is None else spec.replicas
    history = 10 if spec.revision_history_limit is None else spec.revision_history_limit
    deadline = 600 if spec.progress_deadline_seconds is None else spec.progress_deadline_seconds
    new_spec = _evolve(spec, replicas=replicas, strategy=_deployment_strategy(spec.strategy),
                       revision_history_limit=history, progress_deadline_seconds=deadline)
    return _evolve(obj, spec=new_spec)


def _deployment_strategy(strategy: DeploymentStrategy | None) -> DeploymentStrategy:
    strategy = strategy or DeploymentStrategy()
    if not strategy.type:
        strategy = replace(strategy, type="RollingUpdate")
    if strategy.type != "RollingUpdate":
        return strategy
    rolling = strategy.rolling_update or RollingUpdateDeployment()
    max_unavailable = "25%" if rolling.max_unavailable is None else rolling.max_unavailable
    max_surge = "25%" if rolling.max_surge is None else rolling.max_surge
    rolling = _evolve(rolling, max_unavailable=max_unavailable, max_surge=max_surge)
    return _evolve(strategy, rolling_update=rolling)


def set_defaults_replica_set(obj: ReplicaSet) -> ReplicaSet:
    """SetDefaults_ReplicaSet: replicas 1 (apps/v1 defaults no labels or selector)."""
    if obj.spec.replicas is not None:
        return obj
    return replace(obj, spec=replace(obj.spec, replicas=1))


def set_object_defaults_deployment(obj: Deployment) -> Deployment:
    """SetObjectDefaults_Deployment: the Deployment, then its pod template."""
    obj = set_defaults_deployment(obj)
    spec: DeploymentSpec = obj.spec
    return _evolve(obj, spec=_evolve(spec, template=_template_defaults(spec.template)))


def set_object_defaults_replica_set(obj: ReplicaSet) -> ReplicaSet:
    """SetObjectDefaults_ReplicaSet: the ReplicaSet, then its pod template."""
    obj = set_defaults_replica_set(obj)
    spec: ReplicaSetSpec = obj.spec
    return _evolve(obj, spec=_evolve(spec, template=_template_defaults(spec.template)))


def set_defaults_daemon_set(obj: DaemonSet) -> DaemonSet:
    """SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10."""
    spec = obj.spec
    strategy = spec.update_strategy or DaemonSetUpdateStrategy()
    if not strategy.type:
        strategy = replace(strategy, type="RollingUpdate")
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update or RollingUpdateDaemonSet()
        rolling = _evolve(rolling, max_unavailable=1 if rolling.max_unavailable is None
                          else rolling.max_unavailable,
                          max_surge=0 if rolling.max_surge is None else rolling.max_surge)
        strategy = _evolve(strategy, rolling_update=rolling)
    history = 10 if spec.revision_history_limit is None else spec.revision_history_limit
    return _evolve(obj, spec=_evolve(spec, update_strategy=_same(spec.update_strategy, strategy),
                                     revision_history_limit=history))


def _same(old: T | None, new: T) -> T:
    """`old` itself when `new` equals it (so an object with nothing to default stays `is`)."""
    return old if old == new else new  # type: ignore[return-value]


def set_defaults_stateful_set(obj: StatefulSet) -> StatefulSet:
    """SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0, the
    Retain/Retain claim retention policy (StatefulSetAutoDeletePVC is GA), replicas 1,
    history 10."""
    spec = obj.spec
    strategy = spec.update_strategy or StatefulSetUpdateStrategy()
    if not strategy.type:
        strategy = replace(strategy, type="RollingUpdate", rolling_update=(
            strategy.rolling_update or RollingUpdateStatefulSetStrategy()))
    rolling = strategy.rolling_update
    if strategy.type == "RollingUpdate" and rolling is not None and rolling.partition is None:
        strategy = replace(strategy, rolling_update=replace(rolling, partition=0))
    policy = spec.persistent_volume_claim_retention_policy \
        or StatefulSetPersistentVolumeClaimRetentionPolicy()
    policy = _evolve(policy, when_deleted=policy.when_deleted or "Retain",
                     when_scaled=policy.when_scaled or "Retain")
    new_spec = _evolve(
        spec, pod_management_policy=spec.pod_management_policy or "OrderedReady",
        update_strategy=_same(spec.update_strategy, strategy),
        persistent_volume_claim_retention_policy=_same(
            spec.persistent_volume_claim_retention_policy, policy),
        replicas=1 if spec.replicas is None else spec.replicas,
        revision_history_limit=10 if spec.revision_history_limit is None
        else spec.revision_history_limit)
    return _evolve(obj, spec=new_spec)


def set_defaults_persistent_volume_claim(obj: PersistentVolumeClaim) -> PersistentVolumeClaim:
    """SetDefaults_PersistentVolumeClaim (status.phase Pending) and the generated walk of its
    spec (SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem; resources rounded)."""
    spec = obj.spec if isinstance(obj.spec, PMap) else pmap()
    spec = set_defaults_persistent_volume_claim_spec(spec)
    spec = _update_key(spec, "resources", _raw_resource_requirements)
    status = obj.status if isinstance(obj.status, PMap) else pmap()
    status = _default_key(status, "phase", "Pending")
    return _evolve(obj, spec=_same(obj.spec, spec), status=_same(obj.status, status))


def set_object_defaults_stateful_set(obj: StatefulSet) -> StatefulSet:
    """SetObjectDefaults_StatefulSet: the set, its pod template, its claim templates."""
    obj = set_defaults_stateful_set(obj)
    spec = obj.spec
    claims = _map_vector(spec.volume_claim_templates, set_defaults_persistent_volume_claim)
    return _evolve(obj, spec=_evolve(spec, template=_template_defaults(spec.template),
                                     volume_claim_templates=claims))


def set_object_defaults_daemon_set(obj: DaemonSet) -> DaemonSet:
    """SetObjectDefaults_DaemonSet: the set, then its pod template."""
    obj = set_defaults_daemon_set(obj)
    return _evolve(obj, spec=_evolve(obj.spec, template=_template_defaults(obj.spec.template)))


def _template_defaults(template: PodTemplateSpec | None) -> PodTemplateSpec:
    """A pod template is a value in Go: an absent one is defaulted as an empty one."""
    template = template or PodTemplateSpec()
    return _evolve(template, spec=_pod_spec_object_defaults(template.spec or PodSpec()))


# ---------------------------------------------------------------------------------------------
# core/v1: resources, volumes and containers


def set_defaults_resource_list(rl: ResourceList) -> ResourceList:
    """SetDefaults_ResourceList: every quantity rounded up (away from zero) to milli-units."""
    out = rl
    for name, q in rl.items():
        rounded = _round_up_milli(q)
        if rounded is not q:
            out = out.set(name, rounded)
    return out


def _round_up_milli(q: Quantity) -> Quantity:
    """Quantity.RoundUp(-3): unchanged (text kept) unless finer than a milli-unit."""
    if q.exponent >= MILLI_SCALE:
        return q
    return Quantity.from_milli(q.milli_value(), q.format)


_VOLUME_SOURCES = frozenset({
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret",
    "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder",
    "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume",
    "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
    "storageos", "csi", "ephemeral", "image",
})


def set_defaults_volume(volume: PMap) -> PMap:
    """SetDefaults_Volume: a volume with no source is an emptyDir."""
    if any(volume.get(key) is not None for key in _VOLUME_SOURCES):
        return volume
    return volume.set("emptyDir", pmap())


def set_defaults_container(container: Container) -> Container:
    """SetDefaults_Container: pull policy from the image tag, termination message defaults."""
    policy = container.image_pull_policy
    if not policy:
        policy = "Always" if image_tag(container.image or "") == "latest" else "IfNotPresent"
    return _evolve(
        container, image_pull_policy=policy,
        termination_message_path=container.termination_message_path
        or TERMINATION_MESSAGE_PATH_DEFAULT,
        termination_message_policy=container.termination_message_policy or "File")


def set_defaults_ephemeral_container(raw: PMap) -> PMap:
    """SetDefaults_EphemeralContainer, with the nested defaults of its generated loop; the
    container is kept as frozen JSON in `spec.extra`, so it is read as a Container."""
    try:
        container = decode(Container, thaw(raw))
    except DecodeError:
        return raw  # left for validation to reject
    defaulted = _container_object_defaults(container)
    return raw if defaulted == container else freeze(encode(defaulted))


# ---------------------------------------------------------------------------------------------
# core/v1: Service


def set_defaults_service(obj: Service) -> Service:
    """SetDefaults_Service: affinity, type ClusterIP, port protocol and targetPort, traffic
    policies, allocateLoadBalancerNodePorts and the load balancer ingress ipMode."""
    spec = _session_affinity(obj.spec)
    svc_type = spec.type or "ClusterIP"
    ports = _map_vector(spec.ports, _service_port)
    externally_accessible = svc_type in ("LoadBalancer", "NodePort") or (
        svc_type == "ClusterIP" and bool(spec.external_ips))
    external = spec.external_traffic_policy
    if externally_accessible and not external:
        external = "Cluster"
    internal = spec.internal_traffic_policy
    if svc_type in ("NodePort", "LoadBalancer", "ClusterIP") and internal is None:
        internal = "Cluster"
    allocate = spec.allocate_load_balancer_node_ports
    status = obj.status
    if svc_type == "LoadBalancer":
        if allocate is None:
            allocate = True
        status = _ingress_ip_mode(status)
    new_spec = _evolve(spec, type=svc_type, ports=ports, external_traffic_policy=external,
                       internal_traffic_policy=internal,
                       allocate_load_balancer_node_ports=allocate)
    return _evolve(obj, spec=new_spec, status=status)


def _session_affinity(spec: Any) -> Any:
    affinity = spec.session_affinity or "None"
    config = spec.session_affinity_config
    if affinity == "None" and config is not None:
        return _evolve(spec, session_affinity=affinity, session_affinity_config=None)
    if affinity != "ClientIP":
        return _evolve(spec, session_affinity=affinity)
    client_ip = config.get("clientIP") if isinstance(config, PMap) else None
    if isinstance(client_ip, PMap) and client_ip.get("timeoutSeconds") is not None:
        return _evolve(spec, session_affinity=affinity)
    timeout = pmap({"timeoutSeconds": DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS})
    return _evolve(spec, session_affinity=affinity,
                   session_affinity_config=pmap({"clientIP": timeout}))


def _service_port(port: ServicePort) -> ServicePort:
    """A ServicePort: protocol TCP, and targetPort = port when 0, "" or absent."""
    protocol = port.protocol or "TCP"
    target = port.target_port
    if _unset(target):
        target = port.port if isinstance(port.port, int) else 0
    return _evolve(port, protocol=protocol, target_port=target)


def _ingress_ip_mode(status: Any) -> Any:
    """status.loadBalancer.ingress[*].ipMode is VIP where an ip is set without one."""
    if not isinstance(status, PMap):
        return status

    def ingress(item: PMap) -> PMap:
        if item.get("ip") and item.get("ipMode") is None:
            return item.set("ipMode", "VIP")
        return item

    return _update_key(status, "loadBalancer", lambda lb: _update_list(lb, "ingress", ingress))


def set_object_defaults_service(obj: Service) -> Service:
    """SetObjectDefaults_Service: SetDefaults_Service, then each port's protocol (+default)."""
    obj = set_defaults_service(obj)
    ports = _map_vector(obj.spec.ports, lambda p: _evolve(p, protocol=p.protocol or "TCP"))
    return _evolve(obj, spec=_evolve(obj.spec, ports=ports))


# ---------------------------------------------------------------------------------------------
# core/v1: Pod


def set_defaults_pod(obj: Pod) -> Pod:
    """SetDefaults_Pod: requests from limits, enableServiceLinks, host network host ports."""
    spec = obj.spec
    containers = _map_vector(spec.containers, _requests_from_limits)
    init_containers = _map_vector(spec.init_containers, _requests_from_limits)
    extra = _default_key(spec.extra, "enableServiceLinks", True, pointer=True)
    if spec.host_network:
        containers = default_host_network_ports(containers)
        init_containers = default_host_network_ports(init_containers)
    new_spec = _evolve(spec, containers=containers, init_containers=init_containers, extra=extra)
    return _evolve(obj, spec=new_spec)


def _requests_from_limits(container: Container) -> Container:
    """A request that is not set takes the limit's value (only a Pod's, not a template's)."""
    resources = container.resources
    if resources is None or not resources.limits:
        return container
    requests = resources.requests
    for name, limit in resources.limits.items():
        if name not in requests:
            requests = requests.set(name, limit)
    return _evolve(container, resources=_evolve(resources, requests=requests))


def set_defaults_pod_spec(spec: PodSpec) -> PodSpec:
    """SetDefaults_PodSpec: dnsPolicy, restartPolicy, securityContext, grace period, scheduler."""
    grace = spec.termination_grace_period_seconds
    return _evolve(
        spec,
        dns_policy=spec.dns_policy or "ClusterFirst",
        restart_policy=spec.restart_policy or "Always",
        extra=_default_key(spec.extra, "securityContext", pmap(), pointer=True),
        termination_grace_period_seconds=(
            DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS if grace is None else grace),
        scheduler_name=spec.scheduler_name or DEFAULT_SCHEDULER_NAME)


def set_defaults_probe(probe: Probe) -> Probe:
    """SetDefaults_Probe: timeout 1, period 10, success 1, failure 3 where 0 or unset."""
    return _evolve(probe,
                   timeout_seconds=probe.timeout_seconds or 1,
                   period_seconds=probe.period_seconds or 10,
                   success_threshold=probe.success_threshold or 1,
                   failure_threshold=probe.failure_threshold or 3)


def set_defaults_secret_volume_source(source: PMap) -> PMap:
    """SetDefaults_SecretVolumeSource: defaultMode 0644."""
    return _default_key(source, "defaultMode", VOLUME_SOURCE_DEFAULT_MODE, pointer=True)


def set_defaults_config_map_volume_source(source: PMap) -> PMap:
    """SetDefaults_ConfigMapVolumeSource: defaultMode 0644."""
    return _default_key(source, "defaultMode", VOLUME_SOURCE_DEFAULT_MODE, pointer=True)


def set_defaults_downward_api_volume_source(source: PMap) -> PMap:
    """SetDefaults_DownwardAPIVolumeSource: defaultMode 0644."""
    return _default_key(source, "defaultMode", VOLUME_SOURCE_DEFAULT_MODE, pointer=True)


def set_defaults_projected_volume_source(source: PMap) -> PMap:
    """SetDefaults_ProjectedVolumeSource: defaultMode 0644."""
    return _default_key(source, "defaultMode", VOLUME_SOURCE_DEFAULT_MODE, pointer=True)


def set_defaults_service_account_token_projection(source: PMap) -> PMap:
    """SetDefaults_ServiceAccountTokenProjection: expirationSeconds one hour."""
    return _default_key(source, "expirationSeconds", 3600, pointer=True)


def set_defaults_persistent_volume_claim_spec(spec: PMap) -> PMap:
    """SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem."""
    return _default_key(spec, "volumeMode", "Filesystem", pointer=True)


def set_defaults_http_get_action(action: PMap) -> PMap:
    """SetDefaults_HTTPGetAction: path "/" and scheme HTTP."""
    return _default_key(_default_key(action, "path", "/"), "scheme", "HTTP")


# ---------------------------------------------------------------------------------------------
# core/v1: Namespace, Node, field selectors, host ports, declarative volume defaults


def set_defaults_namespace(obj: Namespace) -> Namespace:
    """SetDefaults_Namespace: label kubernetes.io/metadata.name = name (a named namespace)."""
    name = obj.metadata.name
    if not name or obj.metadata.labels.get(LABEL_METADATA_NAME) == name:
        return obj
    labels = obj.metadata.labels.set(LABEL_METADATA_NAME, name)
    return replace(obj, metadata=replace(obj.metadata, labels=labels))


def set_defaults_namespace_status(obj: Namespace) -> Namespace:
    """SetDefaults_NamespaceStatus: phase Active."""
    if obj.status.phase:
        return obj
    return replace(obj, status=replace(obj.status, phase="Active"))


def set_defaults_node_status(obj: Node) -> Node:
    """SetDefaults_NodeStatus: allocatable is the capacity when not set."""
    status = obj.status
    if status.allocatable or not status.capacity:
        return obj
    return replace(obj, status=replace(status, allocatable=status.capacity))


def set_defaults_object_field_selector(selector: PMap) -> PMap:
    """SetDefaults_ObjectFieldSelector: apiVersion v1."""
    return _default_key(selector, "apiVersion", "v1")


def default_host_network_ports(containers: PVector[Container]) -> PVector[Container]:
    """defaultHostNetworkPorts: with host networking a port's hostPort is its containerPort."""

    def port(p: ContainerPort) -> ContainerPort:
        if p.host_port or not p.container_port:
            return p
        return replace(p, host_port=p.container_port)

    return _map_vector(containers, lambda c: _evolve(c, ports=_map_vector(c.ports, port)))


def set_defaults_host_path_volume_source(source: PMap) -> PMap:
    """SetDefaults_HostPathVolumeSource: type "" (HostPathUnset)."""
    return _default_key(source, "type", "", pointer=True)


def set_defaults_iscsi_volume_source(source: PMap) -> PMap:
    """ISCSIVolumeSource (+default): iscsiInterface "default"."""
    return _default_key(source, "iscsiInterface", "default")


def set_defaults_rbd_volume_source(source: PMap) -> PMap:
    """RBDVolumeSource (+default): pool rbd, user admin, keyring /etc/ceph/keyring."""
    source = _default_key(source, "pool", "rbd")
    source = _default_key(source, "user", "admin")
    return _default_key(source, "keyring", "/etc/ceph/keyring")


def set_defaults_azure_disk_volume_source(source: PMap) -> PMap:
    """AzureDiskVolumeSource: cachingMode ReadWrite, fsType ext4, readOnly false, kind Shared."""
    source = _default_key(source, "cachingMode", "ReadWrite", pointer=True)
    source = _default_key(source, "fsType", "ext4", pointer=True)
    source = _default_key(source, "readOnly", False, pointer=True)
    return _default_key(source, "kind", "Shared", pointer=True)


def set_defaults_scale_io_volume_source(source: PMap) -> PMap:
    """ScaleIOVolumeSource: storageMode ThinProvisioned, fsType xfs."""
    source = _default_key(source, "storageMode", "ThinProvisioned")
    return _default_key(source, "fsType", "xfs")


def set_defaults_container_port(port: ContainerPort) -> ContainerPort:
    """ContainerPort.protocol (+default): TCP."""
    return port if port.protocol else replace(port, protocol="TCP")


def set_defaults_grpc_action(action: PMap) -> PMap:
    """GRPCAction.service (+default): ""."""
    return _default_key(action, "service", "", pointer=True)


# ---------------------------------------------------------------------------------------------
# scheduling/v1


def set_defaults_priority_class(obj: PriorityClass) -> PriorityClass:
    """SetDefaults_PriorityClass: preemptionPolicy PreemptLowerPriority."""
    if obj.preemption_policy is not None:
        return obj
    return replace(obj, preemption_policy="PreemptLowerPriority")


# ---------------------------------------------------------------------------------------------
# batch/v1


MAX_INT32 = 2**31 - 1


def set_defaults_job(obj: Job) -> Job:
    """SetDefaults_Job: completions and parallelism 1 when both are unset, parallelism 1,
    backoffLimit 6 (MaxInt32 with backoffLimitPerIndex), the template's labels as the Job's
    when it has none, completionMode NonIndexed, suspend false, podReplacementPolicy Failed
    with a podFailurePolicy and TerminatingOrFailed without, manualSelector false."""
    spec = obj.spec
    completions, parallelism = spec.completions, spec.parallelism
    if completions is None and parallelism is None:
        completions = parallelism = 1
    if parallelism is None:
        parallelism = 1
    backoff = spec.backoff_limit
    if backoff is None:
        backoff = MAX_INT32 if spec.backoff_limit_per_index is not None else 6
    replacement = spec.pod_replacement_policy
    if replacement is None:
        replacement = "Failed" if spec.pod_failure_policy is not None else "TerminatingOrFailed"
    new_spec = _evolve(
        spec, completions=completions, parallelism=parallelism, backoff_limit=backoff,
        completion_mode=spec.completion_mode or "NonIndexed",
        suspend=False if spec.suspend is None else spec.suspend,
        pod_replacement_policy=replacement,
        manual_selector=False if spec.manual_selector is None else spec.manual_selector)
    obj = _evolve(obj, spec=new_spec)
    labels = spec.template.metadata.labels if spec.template is not None else pmap()
    if labels and not obj.metadata.labels:
        obj = _evolve(obj, metadata=_evolve(obj.metadata, labels=labels))
    return obj


def set_defaults_cron_job(obj: CronJob) -> CronJob:
    """SetDefaults_CronJob: concurrencyPolicy Allow, suspend false, history limits 3 and 1."""
    spec = obj.spec
    new_spec = _evolve(
        spec, concurrency_policy=spec.concurrency_policy or "Allow",
        suspend=False if spec.suspend is None else spec.suspend,
        successful_jobs_history_limit=3 if spec.successful_jobs_history_limit is None
        else spec.successful_jobs_history_limit,
        failed_jobs_history_limit=1 if spec.failed_jobs_history_limit is None
        else spec.failed_jobs_history_limit)
    return _evolve(obj, spec=new_spec)


def set_defaults_pod_failure_policy_on_pod_conditions_pattern(
        pattern: PodFailurePolicyOnPodConditionsPattern
) -> PodFailurePolicyOnPodConditionsPattern:
    """SetDefaults_PodFailurePolicyOnPodConditionsPattern: status True."""
    return pattern if pattern.status else replace(pattern, status="True")


def _job_spec_object_defaults(spec: JobSpec) -> JobSpec:
    """The generated walk of a JobSpec: pod failure policy patterns, then the template."""
    policy = spec.pod_failure_policy
    if policy is not None:
        rules = _map_vector(policy.rules, lambda r: _evolve(r, on_pod_conditions=_map_vector(
            r.on_pod_conditions, set_defaults_pod_failure_policy_on_pod_conditions_pattern)))
        policy = _evolve(policy, rules=rules)
    return _evolve(spec, pod_failure_policy=policy,
                   template=_template_defaults(spec.template))


def set_object_defaults_job(obj: Job) -> Job:
    """SetObjectDefaults_Job: SetDefaults_Job, then the walk of its spec."""
    obj = set_defaults_job(obj)
    return _evolve(obj, spec=_job_spec_object_defaults(obj.spec))


def set_object_defaults_cron_job(obj: CronJob) -> CronJob:
    """SetObjectDefaults_CronJob: SetDefaults_CronJob, then the walk of the job template's
    spec (the Job defaults themselves apply when the controller creates the Job)."""
    obj = set_defaults_cron_job(obj)
    template = obj.spec.job_template
    template = _evolve(template, spec=_job_spec_object_defaults(template.spec))
    return _evolve(obj, spec=_evolve(obj.spec, job_template=template))


# ---------------------------------------------------------------------------------------------
# The generated walks (zz_generated.defaults.go)


def _volume_object_defaults(volume: PMap) -> PMap:
    """The generated loop over spec.volumes."""
    volume = set_defaults_volume(volume)
    volume = _update_key(volume, "hostPath", set_defaults_host_path_volume_source)
    volume = _update_key(volume, "secret", set_defaults_secret_volume_source)
    volume = _update_key(volume, "iscsi", set_defaults_iscsi_volume_source)
    volume = _update_key(volume, "rbd", set_defaults_rbd_volume_source)
    volume = _update_key(volume, "downwardAPI", _downward_api)
    volume = _update_key(volume, "configMap", set_defaults_config_map_volume_source)
    volume = _update_key(volume, "azureDisk", set_defaults_azure_disk_volume_source)
    volume = _update_key(volume, "projected", _projected)
    volume = _update_key(volume, "scaleIO", set_defaults_scale_io_volume_source)
    return _update_key(volume, "ephemeral", _ephemeral)


def _field_ref_items(source: PMap) -> PMap:
    return _update_list(source, "items",
                        lambda item: _update_key(item, "fieldRef",
                                                 set_defaults_object_field_selector))


def _downward_api(source: PMap) -> PMap:
    return _field_ref_items(set_defaults_downward_api_volume_source(source))


def _projected(source: PMap) -> PMap:
    def projection(item: PMap) -> PMap:
        item = _update_key(item, "downwardAPI", _field_ref_items)
        return _update_key(item, "serviceAccountToken",
                           set_defaults_service_account_token_projection)

    return _update_list(set_defaults_projected_volume_source(source), "sources", projection)


def _ephemeral(source: PMap) -> PMap:
    def claim_spec(spec: PMap) -> PMap:
        spec = set_defaults_persistent_volume_claim_spec(spec)
        return _update_key(spec, "resources", _raw_resource_requirements)

    return _update_key(source, "volumeClaimTemplate",
                       lambda template: _update_key(template, "spec", claim_spec))


def _raw_resource_requirements(resources: PMap) -> PMap:
    """SetDefaults_ResourceList on limits and requests kept as frozen JSON; each quantity is
    written as the decoded Quantity prints, as kube-apiserver stores it."""

    def rounded(rl: PMap) -> PMap:
        out = rl
        for name, value in rl.items():
            try:
                text = str(_round_up_milli(QUANTITY.decode(value, name)))
            except DecodeError:
                continue  # left for validation to reject
            if text != value:
                out = out.set(name, text)
        return out

    return _update_key(_update_key(resources, "limits", rounded), "requests", rounded)


def _probe_object_defaults(probe: Probe | None) -> Probe | None:
    if probe is None:
        return None
    probe = set_defaults_probe(probe)

    def handlers(extra: PMap) -> PMap:
        extra = _update_key(extra, "httpGet", set_defaults_http_get_action)
        return _update_key(extra, "grpc", set_defaults_grpc_action)

    return _update_extra(probe, handlers)


def _lifecycle(lifecycle: PMap) -> PMap:
    def handler(h: PMap) -> PMap:
        return _update_key(h, "httpGet", set_defaults_http_get_action)

    return _update_key(_update_key(lifecycle, "postStart", handler), "preStop", handler)


def _env_var(env: PMap) -> PMap:
    return _update_key(env, "valueFrom",
                       lambda source: _update_key(source, "fieldRef",
                                                  set_defaults_object_field_selector))


def _container_object_defaults(container: Container) -> Container:
    """The generated loop over a container: its defaults, ports, env, resources, probes and
    lifecycle handlers."""
    container = set_defaults_container(container)
    resources = container.resources
    if resources is not None:
        resources = _evolve(resources, limits=set_defaults_resource_list(resources.limits),
                            requests=set_defaults_resource_list(resources.requests))
    container = _evolve(
        container,
        ports=_map_vector(container.ports, set_defaults_container_port),
        resources=resources,
        liveness_probe=_probe_object_defaults(container.liveness_probe),
        readiness_probe=_probe_object_defaults(container.readiness_probe),
        startup_probe=_probe_object_defaults(container.startup_probe))
    return _update_extra(container, lambda extra: _update_key(
        _update_list(extra, "env", _env_var), "lifecycle", _lifecycle))


def _pod_spec_object_defaults(spec: PodSpec) -> PodSpec:
    """The generated walk of a PodSpec, as SetObjectDefaults_Pod and the templates run it."""
    spec = set_defaults_pod_spec(spec)
    extra = _update_list(spec.extra, "volumes", _volume_object_defaults)
    spec = _evolve(spec, extra=extra,
                   init_containers=_map_vector(spec.init_containers, _container_object_defaults),
                   containers=_map_vector(spec.containers, _container_object_defaults))
    extra = _update_list(spec.extra, "ephemeralContainers", set_defaults_ephemeral_container)
    return _evolve(spec, extra=extra, overhead=set_defaults_resource_list(spec.overhead))


def set_object_defaults_pod(obj: Pod) -> Pod:
    """SetObjectDefaults_Pod: SetDefaults_Pod, then the walk of its spec."""
    obj = set_defaults_pod(obj)
    return _evolve(obj, spec=_pod_spec_object_defaults(obj.spec))


def set_object_defaults_namespace(obj: Namespace) -> Namespace:
    """SetObjectDefaults_Namespace."""
    return set_defaults_namespace_status(set_defaults_namespace(obj))


def set_object_defaults_node(obj: Node) -> Node:
    """SetObjectDefaults_Node: allocatable, then both lists rounded to milli-units."""
    obj = set_defaults_node_status(obj)
    status = obj.status
    new_status = _evolve(status, capacity=set_defaults_resource_list(status.capacity),
                         allocatable=set_defaults_resource_list(status.allocatable))
    return _evolve(obj, status=new_status)


# ---------------------------------------------------------------------------------------------
# flagger.app/v1beta1 Canary: the defaults of its CustomResourceDefinition's schema


def set_defaults_canary(cd: Canary) -> Canary:
    """The CRD's `default:` values: a gatewayRef's group gateway.networking.k8s.io and kind
    Gateway, a service mirror's backendRef group "" and kind Service, a sessionAffinity's
    maxAge 86400."""
    service = cd.spec.service
    if service is not None:
        refs = pvector(ref.set("group", ref.get("group", GATEWAY_API_GROUP))
                       .set("kind", ref.get("kind", "Gateway"))
                       if isinstance(ref, PMap) else ref for ref in service.gateway_refs)
        mirrors = pvector(_default_mirror(m) for m in service.mirror)
        if refs != service.gateway_refs or mirrors != service.mirror:
            service = replace(service, gateway_refs=refs, mirror=mirrors)
            cd = replace(cd, spec=replace(cd.spec, service=service))
    for attr in ("analysis", "canary_analysis"):
        analysis = getattr(cd.spec, attr)
        affinity = analysis.session_affinity if analysis is not None else None
        if affinity is not None and affinity.max_age is None:
            analysis = replace(analysis, session_affinity=replace(affinity, max_age=86400))
            cd = replace(cd, spec=replace(cd.spec, **{attr: analysis}))
    return cd


GATEWAY_API_GROUP = "gateway.networking.k8s.io"


def _default_mirror(mirror: Any) -> Any:
    if not isinstance(mirror, PMap) or not isinstance(mirror.get("backendRef"), PMap):
        return mirror
    ref = mirror["backendRef"]
    return mirror.set("backendRef", ref.set("group", ref.get("group", ""))
                      .set("kind", ref.get("kind", "Service")))


_DEFAULTERS: dict[str, Callable[[Any], Any]] = {
    "Deployment": set_object_defaults_deployment,
    "ReplicaSet": set_object_defaults_replica_set,
    "Pod": set_object_defaults_pod,
    "Service": set_object_defaults_service,
    "Namespace": set_object_defaults_namespace,
    "Node": set_object_defaults_node,
    "PriorityClass": set_defaults_priority_class,
    "StatefulSet": set_object_defaults_stateful_set,
    "DaemonSet": set_object_defaults_daemon_set,
    "PersistentVolumeClaim": set_defaults_persistent_volume_claim,
    "Job": set_object_defaults_job,
    "CronJob": set_object_defaults_cron_job,
    "HorizontalPodAutoscaler": autoscaling.default_horizontal_pod_autoscaler,
    "Canary": set_defaults_canary,
}

_CLASSES: dict[str, type] = {
    "Deployment": Deployment, "ReplicaSet": ReplicaSet, "Pod": Pod, "Service": Service,
    "Namespace": Namespace, "Node": Node, "PriorityClass": PriorityClass,
    "StatefulSet": StatefulSet, "DaemonSet": DaemonSet,
    "PersistentVolumeClaim": PersistentVolumeClaim,
    "Job": Job, "CronJob": CronJob,
    "HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "Canary": Canary,
}


def default_object(obj: KObject) -> KObject:
    """The object as kube-apiserver stores it after defaulting; other kinds unchanged."""
    kind = getattr(obj, "kind", None) or ""
    defaulter = _DEFAULTERS.get(kind)
    if defaulter is None or not isinstance(obj, _CLASSES[kind]):
        return obj
    result: KObject = defaulter(obj)
    return result
