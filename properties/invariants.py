"""Safety invariants: named predicates on one cluster state.

Each invariant is a present-tense sentence that returns the `Violation`s it finds, naming the
objects and the numbers, never a bare assertion. `check_state(cluster)` runs them all.

Models: what Kubernetes promises of a healthy control plane — the scheduler and the kubelet's
admission never over-commit a node (pkg/scheduler/framework/plugins/noderesources,
pkg/kubelet/lifecycle/predicate.go), a pod runs on a node that exists (PodGC), host ports are
exclusive on a node (NodePorts), dependents are collected when their owners go (garbage
collector), one controller per object (ValidateOwnerReferences), a Job runs at most
`parallelism` pods (pkg/controller/job manageJob), a Forbid CronJob runs one Job at a time
(pkg/controller/cronjob syncCronJob).
Simplifies: resources are checked for what allocatable lists; extended resources a node does not
list are not checked.
Covered by: tests/test_properties_invariants.py (a hand-built violating state for each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs

from kubefold.core.cluster import Cluster

TERMINAL = ("Succeeded", "Failed")


@attrs.frozen
class Violation:
    """One broken invariant: its name, a sentence with the numbers, the objects involved."""

    invariant: str
    message: str
    objects: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.invariant}: {self.message}"


def _ref(kind: str, namespace: str | None, name: str | None) -> str:
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def no_node_is_overcommitted(cluster: Cluster) -> Iterator[Violation]:
    """The requests of the pods bound to a node fit its allocatable, resource by resource."""
    for node_name, requested in sorted(cluster.node_requested.items()):
        node = cluster.get("Node", "", node_name)
        if node is None:
            continue
        for resource, amount in sorted(requested.items()):
            limit = node.status.allocatable.get(resource)
            if limit is not None and amount > limit:
                yield Violation("no_node_is_overcommitted",
                                f"node {node_name} has {amount} {resource} requested of "
                                f"{limit} allocatable", (_ref("Node", None, node_name),))


def every_pod_is_on_an_existing_node(cluster: Cluster) -> Iterator[Violation]:
    """A pod is bound only to a node that exists."""
    for node_name, keys in sorted(cluster.pods_by_node.items()):
        if cluster.get("Node", "", node_name) is None:
            for ns, name in sorted(keys):
                pod = cluster.get("Pod", ns, name)
                if pod is not None and pod.status.phase not in TERMINAL:
                    yield Violation("every_pod_is_on_an_existing_node",
                                    f"pod {ns}/{name} is bound to node {node_name}, which does "
                                    "not exist", (_ref("Pod", ns, name),))


def no_two_pods_share_a_host_port(cluster: Cluster) -> Iterator[Violation]:
    """On one node, a (hostIP, protocol, hostPort) is held by at most one running pod."""
    for node_name in sorted(cluster.pods_by_node):
        holders: dict[tuple[str, str, int], str] = {}
        for pod in cluster.pods_on_node(node_name):
            if pod.status.phase in TERMINAL:
                continue
            for c in pod.spec.containers:
                for port in c.ports:
                    if not port.host_port:
                        continue
                    ip = port.host_ip or "0.0.0.0"
                    proto = port.protocol or "TCP"
                    clashes = [k for k in holders if k[1] == proto and k[2] == port.host_port
                               and (k[0] == ip or "0.0.0.0" in (k[0], ip))]
                    name = f"{pod.metadata.namespace}/{pod.metadata.name}"
                    for k in clashes:
                        yield Violation("no_two_pods_share_a_host_port",
                                        f"pods {holders[k]} and {name} both hold {proto} "
                                        f"host port {port.host_port} on node {node_name}",
                                        (_ref("Pod", *holders[k].split("/")),
                                         _ref("Pod", pod.metadata.namespace,
                                              pod.metadata.name)))
                    holders[(ip, proto, port.host_port)] = name


def _being_collected(cluster: Cluster, obj: Any) -> bool:
    if obj.metadata.deletion_timestamp is not None:
        return True
    ns = obj.metadata.namespace or ""
    return ("garbage-collector", f"{obj.kind}/{ns}/{obj.metadata.name}") in cluster.queue.queued


def owners_exist_or_deletion_is_pending(cluster: Cluster) -> Iterator[Violation]:
    """Every owned object's owner exists (same uid), or the object is being collected."""
    for owner_uid in sorted(cluster.owned):
        owner = cluster.by_uid(owner_uid)
        if owner is not None:
            continue
        for dependent in cluster.owned_by(owner_uid):
            if dependent is None or _being_collected(cluster, dependent):
                continue
            meta = dependent.metadata
            ref = next(r for r in meta.owner_references if r.uid == owner_uid)
            yield Violation("owners_exist_or_deletion_is_pending",
                            f"{dependent.kind} {meta.namespace}/{meta.name} is owned by "
                            f"{ref.kind} {ref.name} (uid {owner_uid}), which is gone, and "
                            "nothing is collecting it",
                            (_ref(dependent.kind, meta.namespace, meta.name),))


def no_object_has_two_controllers(cluster: Cluster) -> Iterator[Violation]:
    """At most one ownerReference per object has controller: true."""
    for owner_uid in sorted(cluster.owned):
        for dependent in cluster.owned_by(owner_uid):
            if dependent is None:
                continue
            controllers = [r for r in dependent.metadata.owner_references if r.controller]
            if len(controllers) > 1 and controllers[0].uid == owner_uid:
                meta = dependent.metadata
                names = ", ".join(f"{r.kind} {r.name}" for r in controllers)
                yield Violation("no_object_has_two_controllers",
                                f"{dependent.kind} {meta.namespace}/{meta.name} is controlled "
                                f"by {len(controllers)} owners: {names}",
                                (_ref(dependent.kind, meta.namespace, meta.name),))


def resource_versions_are_below_the_counter(cluster: Cluster) -> Iterator[Violation]:
    """Every stored resourceVersion is at most the global counter (etcd's revision)."""
    for kind in sorted(cluster.objects):
        for obj in cluster.list(kind):
            rv = obj.metadata.resource_version
            if rv and rv.isdigit() and int(rv) > cluster.resource_version:
                meta = obj.metadata
                yield Violation("resource_versions_are_below_the_counter",
                                f"{kind} {meta.namespace}/{meta.name} has resourceVersion {rv} "
                                f"above the revision {cluster.resource_version}",
                                (_ref(kind, meta.namespace, meta.name),))


def _job_active_pods(cluster: Cluster, job: Any) -> list[Any]:
    """The Job's pods that are neither finished nor being deleted (IsPodActive)."""
    return [p for p in cluster.owned_by(job.metadata.uid or "", "Pod")
            if p is not None and p.status.phase not in TERMINAL
            and p.metadata.deletion_timestamp is None]


def jobs_never_run_more_pods_than_parallelism(cluster: Cluster) -> Iterator[Violation]:
    """A Job has at most `parallelism` active pods (neither finished nor being deleted)
    whenever its controller has no turn ready for it: lowering parallelism or suspending a Job
    queues that turn at once, and the turn deletes the extra pods (manageJob), while creating
    pods never goes past parallelism."""
    for job in cluster.list("Job"):
        key = f"{job.metadata.namespace}/{job.metadata.name}"
        if ("job", key) in cluster.queue.queued:
            continue
        parallelism = job.spec.parallelism if job.spec.parallelism is not None else 1
        active = _job_active_pods(cluster, job)
        if len(active) > parallelism:
            names = ", ".join(sorted(p.metadata.name or "" for p in active))
            yield Violation("jobs_never_run_more_pods_than_parallelism",
                            f"job {key} has {len(active)} active pods ({names}) and "
                            f"parallelism {parallelism}", (_ref("Job", *key.split("/")),))


def _job_finished(job: Any) -> bool:
    return any(c.type in ("Complete", "Failed") and c.status == "True"
               for c in job.status.conditions)


def forbid_cronjobs_never_run_two_jobs(cluster: Cluster) -> Iterator[Violation]:
    """A CronJob with concurrencyPolicy Forbid never has two unfinished Jobs: it does not start
    one while another it started is still active (syncCronJob's JobAlreadyActive)."""
    for cj in cluster.list("CronJob"):
        if cj.spec.concurrency_policy != "Forbid":
            continue
        running = sorted(j.metadata.name or "" for j in
                         cluster.owned_by(cj.metadata.uid or "", "Job")
                         if j is not None and not _job_finished(j))
        if len(running) > 1:
            key = f"{cj.metadata.namespace}/{cj.metadata.name}"
            yield Violation("forbid_cronjobs_never_run_two_jobs",
                            f"cronjob {key} forbids concurrent runs and has {len(running)} "
                            f"unfinished jobs: {', '.join(running)}",
                            (_ref("CronJob", cj.metadata.namespace, cj.metadata.name),))


Invariant = Callable[[Cluster], Iterator[Violation]]

INVARIANTS: tuple[Invariant, ...] = (
    no_node_is_overcommitted,
    every_pod_is_on_an_existing_node,
    no_two_pods_share_a_host_port,
    owners_exist_or_deletion_is_pending,
    no_object_has_two_controllers,
    resource_versions_are_below_the_counter,
    jobs_never_run_more_pods_than_parallelism,
    forbid_cronjobs_never_run_two_jobs,
)


def _workload_invariants() -> tuple[Invariant, ...]:
    from kubefold.properties import flagger, workloads  # import this module: bound late

    return (workloads.at_most_one_live_pod_per_stateful_set_identity,
            workloads.daemon_sets_run_at_most_one_pod_per_node, *flagger.INVARIANTS)


INVARIANTS = INVARIANTS + _workload_invariants()


def check_state(cluster: Cluster, invariants: tuple[Invariant, ...] = INVARIANTS
                ) -> list[Violation]:
    """Every violation of every safety invariant in one state."""
    return [v for invariant in invariants for v in invariant(cluster)]
