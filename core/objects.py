"""Kubernetes objects as frozen values.

The kinds that reducers reason about (Namespace, Node, Pod, ReplicaSet, Deployment, Service,
PodDisruptionBudget, PriorityClass) are attrs classes with snake_case attributes named as the
official Python client names them; every other kind (ConfigMap, Secret, CRDs, ...) is a
`GenericObject`. Each class keeps the keys it does not model in `extra`, so a manifest read and
written back loses nothing (see `core/schema.py` for the rules).

Models: k8s.io/api core/v1, apps/v1, policy/v1, scheduling/v1 types (the fields reducers read).
Simplifies: affinity, topology spread constraints, probes' handlers, volumes, env and the like
are kept as frozen JSON rather than typed classes until a reducer needs them typed.
Covered by: tests/test_objects.py, tests/test_codec.py.
"""

from __future__ import annotations

import re
from typing import Any, TypeAlias

import attrs
from pyrsistent import PMap, PVector, pmap, pvector

from kubefold.core.quantity import ERR_FORMAT_WRONG, Quantity, quantity_from_json
from kubefold.core.schema import (
    BOOL,
    INT,
    INT64,
    INT64_OMITEMPTY,
    INT_OMITEMPTY,
    INT_OR_STR,
    RAW,
    STR_LIST,
    STR_MAP,
    TIME,
    DecodeError,
    MapOf,
    TypeMismatch,
    decode,
    encode,
    extra_field,
    field,
    freeze,
    list_of,
    nested,
    struct_go_type,
    thaw,
)

MAX_MILLI = 2**63 - 1  # the int64 MilliValue every consumer of a quantity computes with


@attrs.frozen
class QuantityCodec:
    """resource.Quantity in JSON: a string (or a bare number) printed canonically.

    Quantity.UnmarshalJSON reads the raw JSON text: anything that is not a string or number
    fails ParseQuantity (`quantities must match the regular expression ...`). A quantity whose
    value in thousandths does not fit int64 (`1e999`) is refused too: Kubernetes parses it,
    but the scheduler's and the kubelet's int64 arithmetic (MilliValue) cannot hold it."""

    go_type = "resource.Quantity"

    def decode(self, value: Any, path: str) -> Quantity:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise DecodeError(path, ERR_FORMAT_WRONG, ERR_FORMAT_WRONG)
        try:
            q = quantity_from_json(value)
        except ValueError as exc:
            raise DecodeError(path, str(exc), str(exc)) from None
        if not fits_milli_int64(q):
            message = (f"quantity {value!r} is too large: its value in thousandths must fit "
                       f"int64 (at most {MAX_MILLI}m)")
            raise DecodeError(path, message, f"{path}: {message}")
        return q

    def encode(self, value: Quantity) -> str:
        return str(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


QUANTITY = QuantityCodec()
ResourceList: TypeAlias = PMap[str, Quantity]


def fits_milli_int64(q: Quantity) -> bool:
    """Whether |q| in thousandths (rounded up) is at most 2^63-1, without computing a huge
    power of ten."""
    if q.coefficient == 0:
        return True
    if len(str(abs(q.coefficient))) + q.exponent + 3 > 20:
        return False
    return abs(q.milli_value()) <= MAX_MILLI


def resource_list(k8s: str) -> Any:
    return field(k8s, MapOf(QUANTITY), factory=pmap)


@attrs.frozen
class AlwaysPresent:
    """A nested class that is always there (the metadata, spec and status of a kind): an empty
    one reads from an absent key and is not written."""

    cls: type

    def decode(self, value: Any, path: str) -> Any:
        return decode(self.cls, value, path)

    def encode(self, value: Any) -> Any:
        return encode(value)

    def is_empty(self, value: Any) -> bool:
        return value is None or value == self.cls()


def part(k8s: str, cls: type) -> Any:
    meta = {"k8s": k8s, "codec": AlwaysPresent(cls)}
    return attrs.field(factory=cls, kw_only=True, metadata=meta)


# ---------------------------------------------------------------------------------------------
# metadata


@attrs.frozen
class OwnerReference:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    name: str | None = field("name")
    uid: str | None = field("uid")
    controller: bool | None = field("controller", BOOL)
    block_owner_deletion: bool | None = field("blockOwnerDeletion", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class ObjectMeta:
    name: str | None = field("name")
    generate_name: str | None = field("generateName")
    namespace: str | None = field("namespace")
    uid: str | None = field("uid")
    resource_version: str | None = field("resourceVersion")
    generation: int | None = field("generation", INT64)
    creation_timestamp: int | None = field("creationTimestamp", TIME)
    deletion_timestamp: int | None = field("deletionTimestamp", TIME)
    deletion_grace_period_seconds: int | None = field("deletionGracePeriodSeconds", INT64)
    labels: PMap[str, str] = field("labels", STR_MAP, factory=pmap)
    annotations: PMap[str, str] = field("annotations", STR_MAP, factory=pmap)
    owner_references: PVector[OwnerReference] = list_of("ownerReferences", OwnerReference)
    finalizers: PVector[str] = field("finalizers", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class LabelSelectorRequirement:
    key: str | None = field("key")
    operator: str | None = field("operator")
    values: PVector[str] = field("values", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class LabelSelector:
    match_labels: PMap[str, str] = field("matchLabels", STR_MAP, factory=pmap)
    match_expressions: PVector[LabelSelectorRequirement] = list_of(
        "matchExpressions", LabelSelectorRequirement)
    extra: PMap = extra_field()


@attrs.frozen
class Condition:
    """Any status condition (Pod, Node, Deployment, ReplicaSet, Namespace, PDB): the union of
    their fields; absent ones are not written."""

    type: str | None = field("type")
    status: str | None = field("status")
    observed_generation: int | None = field("observedGeneration", INT64)
    last_heartbeat_time: int | None = field("lastHeartbeatTime", TIME)
    last_probe_time: int | None = field("lastProbeTime", TIME)
    last_update_time: int | None = field("lastUpdateTime", TIME)
    last_transition_time: int | None = field("lastTransitionTime", TIME)
    reason: str | None = field("reason")
    message: str | None = field("message")
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# shapes: fields reducers read as frozen JSON, checked against their Go types when decoded


@attrs.frozen
class Shaped:
    """Frozen JSON whose shape is checked against a modelled class when decoded: a wrong type
    anywhere inside is the decoder's error (Go's message), yet reducers keep reading plain
    mappings. Use it for a field that is read structurally but not yet typed."""

    cls: type

    @property
    def go_type(self) -> str:
        return struct_go_type(self.cls)

    def decode(self, value: Any, path: str) -> Any:
        decode(self.cls, value, path)
        return freeze(value)

    def encode(self, value: Any) -> Any:
        return thaw(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


@attrs.frozen
class Checked:
    """A scalar checked by another codec when decoded, kept as written (a time string)."""

    inner: Any

    @property
    def go_type(self) -> str:
        return str(getattr(self.inner, "go_type", "interface {}"))

    def decode(self, value: Any, path: str) -> Any:
        self.inner.decode(value, path)
        return value

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


@attrs.frozen
class NodeSelectorRequirement:
    key: str | None = field("key")
    operator: str | None = field("operator")
    values: PVector[str] = field("values", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class NodeSelectorTerm:
    match_expressions: PVector[Any] = list_of("matchExpressions", NodeSelectorRequirement)
    match_fields: PVector[Any] = list_of("matchFields", NodeSelectorRequirement)
    extra: PMap = extra_field()


@attrs.frozen
class NodeSelector:
    node_selector_terms: PVector[Any] = list_of("nodeSelectorTerms", NodeSelectorTerm)
    extra: PMap = extra_field()


@attrs.frozen
class PreferredSchedulingTerm:
    weight: int | None = field("weight", INT)
    preference: Any = nested("preference", NodeSelectorTerm)
    extra: PMap = extra_field()


@attrs.frozen
class NodeAffinity:
    required: Any = nested("requiredDuringSchedulingIgnoredDuringExecution", NodeSelector)
    preferred: PVector[Any] = list_of("preferredDuringSchedulingIgnoredDuringExecution",
                                      PreferredSchedulingTerm)
    extra: PMap = extra_field()


@attrs.frozen
class PodAffinityTerm:
    label_selector: Any = nested("labelSelector", LabelSelector)
    namespace_selector: Any = nested("namespaceSelector", LabelSelector)
    namespaces: PVector[str] = field("namespaces", STR_LIST, factory=pvector)
    topology_key: str | None = field("topologyKey")
    match_label_keys: PVector[str] = field("matchLabelKeys", STR_LIST, factory=pvector)
    mismatch_label_keys: PVector[str] = field("mismatchLabelKeys", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class WeightedPodAffinityTerm:
    weight: int | None = field("weight", INT)
    pod_affinity_term: Any = nested("podAffinityTerm", PodAffinityTerm)
    extra: PMap = extra_field()


@attrs.frozen
class PodAffinity:
    required: PVector[Any] = list_of("requiredDuringSchedulingIgnoredDuringExecution",
                                     PodAffinityTerm)
    preferred: PVector[Any] = list_of("preferredDuringSchedulingIgnoredDuringExecution",
                                      WeightedPodAffinityTerm)
    extra: PMap = extra_field()


@attrs.frozen
class PodAntiAffinity(PodAffinity):
    pass


@attrs.frozen
class Affinity:
    node_affinity: Any = nested("nodeAffinity", NodeAffinity)
    pod_affinity: Any = nested("podAffinity", PodAffinity)
    pod_anti_affinity: Any = nested("podAntiAffinity", PodAntiAffinity)
    extra: PMap = extra_field()


@attrs.frozen
class TopologySpreadConstraint:
    max_skew: int | None = field("maxSkew", INT)
    topology_key: str | None = field("topologyKey")
    when_unsatisfiable: str | None = field("whenUnsatisfiable")
    label_selector: Any = nested("labelSelector", LabelSelector)
    min_domains: int | None = field("minDomains", INT)
    node_affinity_policy: str | None = field("nodeAffinityPolicy")
    node_taints_policy: str | None = field("nodeTaintsPolicy")
    match_label_keys: PVector[str] = field("matchLabelKeys", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class ContainerStateWaiting:
    reason: str | None = field("reason")
    message: str | None = field("message")
    extra: PMap = extra_field()


@attrs.frozen
class ContainerStateRunning:
    started_at: int | None = field("startedAt", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class ContainerStateTerminated:
    exit_code: int | None = field("exitCode", INT)
    signal: int | None = field("signal", INT)
    reason: str | None = field("reason")
    message: str | None = field("message")
    started_at: int | None = field("startedAt", TIME)
    finished_at: int | None = field("finishedAt", TIME)
    container_id: str | None = field("containerID")
    extra: PMap = extra_field()


@attrs.frozen
class ContainerState:
    waiting: Any = nested("waiting", ContainerStateWaiting)
    running: Any = nested("running", ContainerStateRunning)
    terminated: Any = nested("terminated", ContainerStateTerminated)
    extra: PMap = extra_field()


@attrs.frozen
class ServicePort:
    name: str | None = field("name")
    protocol: str | None = field("protocol")
    app_protocol: str | None = field("appProtocol")
    port: int | None = field("port", INT)
    target_port: int | str | None = field("targetPort", INT_OR_STR)
    node_port: int | None = field("nodePort", INT)
    extra: PMap = extra_field()


@attrs.frozen
class NodeAddress:
    type: str | None = field("type")
    address: str | None = field("address")
    extra: PMap = extra_field()


@attrs.frozen
class ContainerImage:
    names: PVector[str] = field("names", STR_LIST, factory=pvector)
    size_bytes: int | None = field("sizeBytes", INT64)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# pods


@attrs.frozen
class ContainerPort:
    name: str | None = field("name")
    container_port: int | None = field("containerPort", INT)
    host_port: int | None = field("hostPort", INT)
    host_ip: str | None = field("hostIP")
    protocol: str | None = field("protocol")
    extra: PMap = extra_field()


@attrs.frozen
class ResourceRequirements:
    requests: ResourceList = resource_list("requests")
    limits: ResourceList = resource_list("limits")
    extra: PMap = extra_field()


@attrs.frozen
class Probe:
    """A probe's timing; its handler (httpGet, exec, ...) stays in `extra`."""

    initial_delay_seconds: int | None = field("initialDelaySeconds", INT)
    period_seconds: int | None = field("periodSeconds", INT)
    timeout_seconds: int | None = field("timeoutSeconds", INT)
    success_threshold: int | None = field("successThreshold", INT)
    failure_threshold: int | None = field("failureThreshold", INT)
    termination_grace_period_seconds: int | None = field("terminationGracePeriodSeconds", INT64)
    extra: PMap = extra_field()


@attrs.frozen
class Container:
    name: str | None = field("name")
    image: str | None = field("image")
    image_pull_policy: str | None = field("imagePullPolicy")
    ports: PVector[ContainerPort] = list_of("ports", ContainerPort)
    resources: ResourceRequirements | None = nested("resources", ResourceRequirements)
    readiness_probe: Probe | None = nested("readinessProbe", Probe)
    liveness_probe: Probe | None = nested("livenessProbe", Probe)
    startup_probe: Probe | None = nested("startupProbe", Probe)
    restart_policy: str | None = field("restartPolicy")
    termination_message_path: str | None = field("terminationMessagePath")
    termination_message_policy: str | None = field("terminationMessagePolicy")
    extra: PMap = extra_field()


@attrs.frozen
class Toleration:
    key: str | None = field("key")
    operator: str | None = field("operator")
    value: str | None = field("value")
    effect: str | None = field("effect")
    toleration_seconds: int | None = field("tolerationSeconds", INT64)
    extra: PMap = extra_field()


@attrs.frozen
class PodSpec:
    containers: PVector[Container] = list_of("containers", Container)
    init_containers: PVector[Container] = list_of("initContainers", Container)
    node_name: str | None = field("nodeName")
    node_selector: PMap[str, str] = field("nodeSelector", STR_MAP, factory=pmap)
    affinity: Any = field("affinity", Shaped(Affinity))
    tolerations: PVector[Toleration] = list_of("tolerations", Toleration)
    topology_spread_constraints: PVector[Any] = list_of("topologySpreadConstraints",
                                                                 Shaped(TopologySpreadConstraint))
    priority: int | None = field("priority", INT)
    priority_class_name: str | None = field("priorityClassName")
    preemption_policy: str | None = field("preemptionPolicy")
    restart_policy: str | None = field("restartPolicy")
    termination_grace_period_seconds: int | None = field("terminationGracePeriodSeconds", INT64)
    active_deadline_seconds: int | None = field("activeDeadlineSeconds", INT64)
    dns_policy: str | None = field("dnsPolicy")
    scheduler_name: str | None = field("schedulerName")
    service_account_name: str | None = field("serviceAccountName")
    host_network: bool | None = field("hostNetwork", BOOL)
    overhead: ResourceList = resource_list("overhead")
    extra: PMap = extra_field()


@attrs.frozen
class ContainerStatus:
    name: str | None = field("name")
    ready: bool | None = field("ready", BOOL)
    started: bool | None = field("started", BOOL)
    restart_count: int | None = field("restartCount", INT)
    image: str | None = field("image")
    image_id: str | None = field("imageID")
    container_id: str | None = field("containerID")
    state: Any = field("state", Shaped(ContainerState))
    last_state: Any = field("lastState", Shaped(ContainerState))
    extra: PMap = extra_field()


@attrs.frozen
class PodStatus:
    phase: str | None = field("phase")
    conditions: PVector[Condition] = list_of("conditions", Condition)
    message: str | None = field("message")
    reason: str | None = field("reason")
    nominated_node_name: str | None = field("nominatedNodeName")
    host_ip: str | None = field("hostIP")
    pod_ip: str | None = field("podIP")
    start_time: int | None = field("startTime", TIME)
    container_statuses: PVector[ContainerStatus] = list_of("containerStatuses", ContainerStatus)
    init_container_statuses: PVector[ContainerStatus] = list_of(
        "initContainerStatuses", ContainerStatus)
    qos_class: str | None = field("qosClass")
    extra: PMap = extra_field()


@attrs.frozen
class PodTemplateSpec:
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    spec: PodSpec | None = nested("spec", PodSpec)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# apps/v1


@attrs.frozen
class RollingUpdateDeployment:
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    max_surge: int | str | None = field("maxSurge", INT_OR_STR)
    extra: PMap = extra_field()


@attrs.frozen
class DeploymentStrategy:
    type: str | None = field("type")
    rolling_update: RollingUpdateDeployment | None = nested("rollingUpdate",
                                                             RollingUpdateDeployment)
    extra: PMap = extra_field()


@attrs.frozen
class DeploymentSpec:
    replicas: int | None = field("replicas", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    strategy: DeploymentStrategy | None = nested("strategy", DeploymentStrategy)
    min_ready_seconds: int | None = field("minReadySeconds", INT)
    revision_history_limit: int | None = field("revisionHistoryLimit", INT)
    paused: bool | None = field("paused", BOOL)
    progress_deadline_seconds: int | None = field("progressDeadlineSeconds", INT)
    extra: PMap = extra_field()


@attrs.frozen
class DeploymentStatus:
    observed_generation: int | None = field("observedGeneration", INT64_OMITEMPTY)
    replicas: int | None = field("replicas", INT_OMITEMPTY)
    updated_replicas: int | None = field("updatedReplicas", INT_OMITEMPTY)
    ready_replicas: int | None = field("readyReplicas", INT_OMITEMPTY)
    available_replicas: int | None = field("availableReplicas", INT_OMITEMPTY)
    unavailable_replicas: int | None = field("unavailableReplicas", INT_OMITEMPTY)
    terminating_replicas: int | None = field("terminatingReplicas", INT_OMITEMPTY)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    collision_count: int | None = field("collisionCount", INT)
    extra: PMap = extra_field()


@attrs.frozen
class ReplicaSetSpec:
    replicas: int | None = field("replicas", INT)
    min_ready_seconds: int | None = field("minReadySeconds", INT)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    template: PodTemplateSpec | None = nested("template", PodTemplateSpec)
    extra: PMap = extra_field()


@attrs.frozen
class ReplicaSetStatus:
    replicas: int | None = field("replicas", INT)
    fully_labeled_replicas: int | None = field("fullyLabeledReplicas", INT_OMITEMPTY)
    ready_replicas: int | None = field("readyReplicas", INT_OMITEMPTY)
    available_replicas: int | None = field("availableReplicas", INT_OMITEMPTY)
    terminating_replicas: int | None = field("terminatingReplicas", INT_OMITEMPTY)
    observed_generation: int | None = field("observedGeneration", INT64_OMITEMPTY)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# nodes, namespaces, services, PDBs, priority classes


@attrs.frozen
class Taint:
    key: str | None = field("key")
    value: str | None = field("value")
    effect: str | None = field("effect")
    time_added: int | None = field("timeAdded", TIME)
    extra: PMap = extra_field()


@attrs.frozen
class NodeSpec:
    unschedulable: bool | None = field("unschedulable", BOOL)
    taints: PVector[Taint] = list_of("taints", Taint)
    pod_cidr: str | None = field("podCIDR")
    provider_id: str | None = field("providerID")
    extra: PMap = extra_field()


@attrs.frozen
class NodeStatus:
    capacity: ResourceList = resource_list("capacity")
    allocatable: ResourceList = resource_list("allocatable")
    conditions: PVector[Condition] = list_of("conditions", Condition)
    addresses: PVector[Any] = list_of("addresses", Shaped(NodeAddress))
    images: PVector[Any] = list_of("images", Shaped(ContainerImage))
    extra: PMap = extra_field()


@attrs.frozen
class NamespaceSpec:
    finalizers: PVector[str] = field("finalizers", STR_LIST, factory=pvector)
    extra: PMap = extra_field()


@attrs.frozen
class NamespaceStatus:
    phase: str | None = field("phase")
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


@attrs.frozen
class ServiceSpec:
    """core/v1 ServiceSpec: every field kube-apiserver's Service registry and kube-proxy read."""

    type: str | None = field("type")
    selector: PMap[str, str] = field("selector", STR_MAP, factory=pmap)
    ports: PVector[ServicePort] = list_of("ports", ServicePort)
    cluster_ip: str | None = field("clusterIP")
    cluster_ips: PVector[str] = field("clusterIPs", STR_LIST, factory=pvector)
    ip_families: PVector[str] = field("ipFamilies", STR_LIST, factory=pvector)
    ip_family_policy: str | None = field("ipFamilyPolicy")
    external_ips: PVector[str] = field("externalIPs", STR_LIST, factory=pvector)
    external_name: str | None = field("externalName")
    session_affinity: str | None = field("sessionAffinity")
    session_affinity_config: Any = field("sessionAffinityConfig", RAW)
    external_traffic_policy: str | None = field("externalTrafficPolicy")
    internal_traffic_policy: str | None = field("internalTrafficPolicy")
    health_check_node_port: int | None = field("healthCheckNodePort", INT)
    publish_not_ready_addresses: bool | None = field("publishNotReadyAddresses", BOOL)
    allocate_load_balancer_node_ports: bool | None = field("allocateLoadBalancerNodePorts",
                                                            BOOL)
    load_balancer_class: str | None = field("loadBalancerClass")
    load_balancer_source_ranges: PVector[str] = field("loadBalancerSourceRanges", STR_LIST,
                                                      factory=pvector)
    traffic_distribution: str | None = field("trafficDistribution")
    extra: PMap = extra_field()


@attrs.frozen
class PodDisruptionBudgetSpec:
    min_available: int | str | None = field("minAvailable", INT_OR_STR)
    max_unavailable: int | str | None = field("maxUnavailable", INT_OR_STR)
    selector: LabelSelector | None = nested("selector", LabelSelector)
    unhealthy_pod_eviction_policy: str | None = field("unhealthyPodEvictionPolicy")
    extra: PMap = extra_field()


@attrs.frozen
class PodDisruptionBudgetStatus:
    observed_generation: int | None = field("observedGeneration", INT64)
    current_healthy: int | None = field("currentHealthy", INT)
    desired_healthy: int | None = field("desiredHealthy", INT)
    expected_pods: int | None = field("expectedPods", INT)
    disruptions_allowed: int | None = field("disruptionsAllowed", INT)
    disrupted_pods: PMap[str, Any] = field("disruptedPods", MapOf(Checked(TIME)), factory=pmap)
    conditions: PVector[Condition] = list_of("conditions", Condition)
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# top-level kinds


def _meta() -> Any:
    return part("metadata", ObjectMeta)


@attrs.frozen
class Pod:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: PodSpec = part("spec", PodSpec)
    status: PodStatus = part("status", PodStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Deployment:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: DeploymentSpec = part("spec", DeploymentSpec)
    status: DeploymentStatus = part("status", DeploymentStatus)
    extra: PMap = extra_field()


@attrs.frozen
class ReplicaSet:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: ReplicaSetSpec = part("spec", ReplicaSetSpec)
    status: ReplicaSetStatus = part("status", ReplicaSetStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Node:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: NodeSpec = part("spec", NodeSpec)
    status: NodeStatus = part("status", NodeStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Namespace:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: NamespaceSpec = part("spec", NamespaceSpec)
    status: NamespaceStatus = part("status", NamespaceStatus)
    extra: PMap = extra_field()


@attrs.frozen
class Service:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: ServiceSpec = part("spec", ServiceSpec)
    status: Any = field("status", RAW)
    extra: PMap = extra_field()


@attrs.frozen
class PodDisruptionBudget:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    spec: PodDisruptionBudgetSpec = part("spec", PodDisruptionBudgetSpec)
    status: PodDisruptionBudgetStatus = part("status", PodDisruptionBudgetStatus)
    extra: PMap = extra_field()


@attrs.frozen
class PriorityClass:
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    value: int | None = field("value", INT)
    global_default: bool | None = field("globalDefault", BOOL)
    preemption_policy: str | None = field("preemptionPolicy")
    description: str | None = field("description")
    extra: PMap = extra_field()


@attrs.frozen
class GenericObject:
    """Any other kind: metadata modelled, everything else (spec, data, ...) in `extra`."""

    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = _meta()
    extra: PMap = extra_field()


# ---------------------------------------------------------------------------------------------
# shapes of kinds kept as GenericObject: checked when decoded (Go's errors), stored as they were


_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


@attrs.frozen
class Base64Bytes:
    """A []byte field: a base64 string (encoding/json decodes it with StdEncoding)."""

    go_type = "[]uint8"

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise TypeMismatch(path, value, self.go_type)
        bad = next((i for i, c in enumerate(value) if not _BASE64.match(c) and c != "="), None)
        if bad is None and (len(value) % 4 or not _BASE64.match(value)):
            bad = len(value) - len(value) % 4 if len(value) % 4 else len(value) - 1
        if bad is not None:
            message = f"illegal base64 data at input byte {bad}"
            raise DecodeError(path, message, message)
        return value

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


@attrs.frozen
class ConfigMap:
    __go_type__ = "v1.ConfigMap"
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    data: PMap[str, str] = field("data", STR_MAP, factory=pmap)
    binary_data: PMap[str, str] = field("binaryData", MapOf(Base64Bytes()), factory=pmap)
    immutable: bool | None = field("immutable", BOOL)
    extra: PMap = extra_field()


@attrs.frozen
class Secret:
    __go_type__ = "v1.Secret"
    api_version: str | None = field("apiVersion")
    kind: str | None = field("kind")
    metadata: ObjectMeta = part("metadata", ObjectMeta)
    data: PMap[str, str] = field("data", MapOf(Base64Bytes()), factory=pmap)
    string_data: PMap[str, str] = field("stringData", STR_MAP, factory=pmap)
    type: str | None = field("type")
    immutable: bool | None = field("immutable", BOOL)
    extra: PMap = extra_field()


SHAPES: dict[str, type] = {"ConfigMap": ConfigMap, "Secret": Secret}
"""Kinds stored as GenericObject (their content in `extra`) whose fields are checked against
these classes when decoded, so a wrong type is the decoder's error as for a modelled kind."""


KObject: TypeAlias = (Pod | Deployment | ReplicaSet | Node | Namespace | Service
                      | PodDisruptionBudget | PriorityClass | GenericObject)

MODELLED: dict[str, type] = {
    "Pod": Pod,
    "Deployment": Deployment,
    "ReplicaSet": ReplicaSet,
    "Node": Node,
    "Namespace": Namespace,
    "Service": Service,
    "PodDisruptionBudget": PodDisruptionBudget,
    "PriorityClass": PriorityClass,
}
