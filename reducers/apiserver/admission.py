"""The admission plugins kube-apiserver runs by default that change what kubefold models.

Models (v1.34): plugin/pkg/admission/namespace/lifecycle (NamespaceLifecycle: no content in a
missing or terminating namespace; default, kube-system and kube-public cannot be deleted),
plugin/pkg/admission/defaulttolerationseconds (not-ready and unreachable NoExecute
tolerations of 300 s), plugin/pkg/admission/priority (priorityClassName to priority, the
global default class, the two system classes), plugin/pkg/admission/serviceaccount (a pod
naming no ServiceAccount gets `default`; one naming a ServiceAccount that does not exist is
Forbidden, `error looking up service account ns/name: serviceaccount "name" not found`; the
ServiceAccount's imagePullSecrets are copied to a pod that has none; mirror pods may not name
one).
Simplifies: LimitRanger, ResourceQuota and the webhooks are not run. The ServiceAccount
plugin's retries for `default` (ten lookups while the serviceaccount controller creates it)
are taken as succeeding in an Active namespace, so a pod is admitted before the controller's
first turn; no API token volume is mounted (kubefold runs no containers); v1's deprecated
`serviceAccount` mirrors `serviceAccountName`, as the v1 conversion writes it.
Covered by: tests/test_apiserver.py.
"""

from __future__ import annotations

from typing import Any

from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, forbidden_status, not_found_status
from kubefold.core.kinds import is_namespaced, kind_info
from kubefold.core.objects import Pod, Toleration
from kubefold.core.schema import replace

IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000,
                           "system-cluster-critical": 2000000000}


def namespace_lifecycle(cluster: Cluster, obj: Any) -> Status | None:
    """Reject content in a namespace that does not exist or is being terminated."""
    if not is_namespaced(obj) or obj.kind == "Namespace":
        return None
    ns_name = obj.metadata.namespace
    namespace = cluster.get("Namespace", "", ns_name)
    if namespace is None:
        return not_found_status("namespaces", ns_name)
    if namespace.metadata.deletion_timestamp is not None or namespace.status.phase == "Terminating":
        return forbidden_status(
            kind_info(obj.kind, obj.api_version).qualified_resource,
            obj.metadata.name or obj.metadata.generate_name or "",
            f"unable to create new content in namespace {ns_name} because it is being "
            "terminated")
    return None


def namespace_deletion(name: str) -> Status | None:
    """NamespaceLifecycle on delete: the immortal namespaces stay."""
    if name in IMMORTAL_NAMESPACES:
        return forbidden_status("namespaces", name, "this namespace may not be deleted")
    return None


def _tolerates(pod: Pod, key: str) -> bool:
    return any(t.effect in (None, "", "NoExecute") and (t.key == key or (not t.key and
               t.operator == "Exists")) for t in pod.spec.tolerations)


def default_toleration_seconds(pod: Pod) -> Pod:
    """Add `node.kubernetes.io/{not-ready,unreachable}:NoExecute for 300s` unless tolerated."""
    added = [Toleration(key=key, operator="Exists", effect="NoExecute",
                        toleration_seconds=DEFAULT_TOLERATION_SECONDS)
             for key in (NOT_READY_TAINT, UNREACHABLE_TAINT) if not _tolerates(pod, key)]
    if not added:
        return pod
    tolerations = pod.spec.tolerations.extend(added)
    return replace(pod, spec=replace(pod.spec, tolerations=tolerations))


def priority(cluster: Cluster, pod: Pod) -> Pod | Status:
    """Resolve priorityClassName to the pod's priority (and preemptionPolicy)."""
    name = pod.spec.priority_class_name
    policy = None
    if name:
        if name in SYSTEM_PRIORITY_CLASSES:
            value = SYSTEM_PRIORITY_CLASSES[name]
        else:
            pc = cluster.get("PriorityClass", "", name)
            if pc is None:
                return forbidden_status("pods", pod.metadata.name or "",
                                        f"no PriorityClass with name {name} was found")
            value, policy = pc.value or 0, pc.preemption_policy
    else:
        default = _global_default(cluster)
        value = default.value or 0 if default is not None else 0
        if default is not None:
            name, policy = default.metadata.name, default.preemption_policy
    if pod.spec.priority is not None and pod.spec.priority != value:
        return forbidden_status("pods", pod.metadata.name or "",
                                "the integer value of priority "
                                f"({pod.spec.priority}) must not be provided in pod spec; "
                                "priority admission controller computed "
                                f"{value} from the given PriorityClass name")
    spec = replace(pod.spec, priority=value, priority_class_name=name,
                   preemption_policy=policy or pod.spec.preemption_policy
                   or "PreemptLowerPriority")
    return replace(pod, spec=spec)


def _global_default(cluster: Cluster) -> Any:
    """The PriorityClass with globalDefault (the lowest value if several, as Go picks)."""
    defaults = [pc for pc in cluster.list("PriorityClass") if pc.global_default]
    return min(defaults, key=lambda pc: (pc.value or 0, pc.metadata.name), default=None)


DEFAULT_SERVICE_ACCOUNT_NAME = "default"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def service_account(cluster: Cluster, pod: Pod) -> Pod | Status:
    """The ServiceAccount plugin's Admit for a pod create."""
    name = pod.metadata.name or pod.metadata.generate_name or ""
    if MIRROR_POD_ANNOTATION in pod.metadata.annotations:
        if pod.spec.service_account_name:
            return forbidden_status("pods", name, "a mirror pod may not reference service "
                                    "accounts")
        return pod
    namespace = pod.metadata.namespace or ""
    account = (pod.spec.service_account_name or pod.spec.extra.get("serviceAccount")
               or DEFAULT_SERVICE_ACCOUNT_NAME)
    sa = cluster.get("ServiceAccount", namespace, account)
    if sa is None and account != DEFAULT_SERVICE_ACCOUNT_NAME:
        return forbidden_status("pods", name, f"error looking up service account "
                                f"{namespace}/{account}: serviceaccount \"{account}\" not found")
    extra = pod.spec.extra.set("serviceAccount", account)
    pull_secrets = sa.extra.get("imagePullSecrets") if sa is not None else None
    if pull_secrets and not extra.get("imagePullSecrets"):
        extra = extra.set("imagePullSecrets", pvector(
            pmap({"name": s.get("name")}) for s in pull_secrets))
    spec = replace(pod.spec, service_account_name=account, extra=extra)
    return replace(pod, spec=spec)


def admit_create(cluster: Cluster, obj: Any) -> Any | Status:
    """Mutating then validating admission for a create: the object as admitted, or a Status.
    The order is kube-apiserver's: NamespaceLifecycle, ServiceAccount, Priority,
    DefaultTolerationSeconds."""
    rejected = namespace_lifecycle(cluster, obj)
    if rejected is not None:
        return rejected
    if obj.kind == "Pod":
        admitted = service_account(cluster, obj)
        if isinstance(admitted, Status):
            return admitted
        admitted = priority(cluster, admitted)
        if isinstance(admitted, Status):
            return admitted
        return default_toleration_seconds(admitted)
    return obj
