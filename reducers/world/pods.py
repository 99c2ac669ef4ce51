"""The `pod:` event: what a kubelet would report about a pod, until kubefold has a kubelet.

`handle(cluster, PodEvent)` writes the pod's status through the API server's status
subresource, as the kubelet's status manager does:

- without `exit`: the pod is Running, its containers (the named one, or all) running and ready
  (`ready: true` or unspecified) or not (`ready: false`); the Ready and ContainersReady
  conditions follow, their lastTransitionTime `cluster.now` when they change;
- with `exit: N`: the container (or every container) terminates with code N. Under
  restartPolicy Always, and OnFailure with N != 0, the kubelet restarts it: restartCount + 1,
  lastState terminated, not ready, the pod stays Running. Otherwise it stays terminated and,
  once every container has terminated, the pod is Succeeded (all exits 0) or Failed.

`name: "*"` applies the event to every pod of the namespace, in name order (terminal pods are
skipped), so logs can make a whole rollout ready without knowing generated names.

Models (v1.34): pkg/kubelet/kubelet_pods.go (generateAPIPodStatus, getPhase),
pkg/kubelet/status/generate.go (GeneratePodReadyCondition, GenerateContainersReadyCondition:
reasons ContainersNotReady / PodCompleted, message `containers with unready status: [...]`),
pkg/kubelet/container restart policy (ShouldContainerBeRestarted).
Simplifies: no probes, no init containers, no IPs. A pod on a node whose kubelet runs only has
the exit reported: the kubelet restarts the container with its CrashLoopBackOff, or writes the
terminal phase and conditions by getPhase (a Job's pod under Never or OnFailure). A pod with no
running kubelet (unbound, or its node's kubelet stopped) is restarted here at once.
Covered by: tests/test_replicaset.py (the `pod:` event end to end).
"""

from __future__ import annotations

import attrs
from pyrsistent import freeze, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import PodEvent
from kubefold.core.nodelease import kubelet_stopped
from kubefold.core.objects import Condition, ContainerStatus, Pod, PodStatus
from kubefold.core.podutil import is_pod_terminal, update_pod_condition
from kubefold.core.schema import format_time
from kubefold.reducers import apiserver


def handle(cluster: Cluster, event: PodEvent) -> apiserver.Result:
    """Apply the event to the named pod, or to every pod of the namespace for `*`."""
    namespace = event.namespace or "default"
    if event.name == "*":
        pods = sorted((p for p in cluster.list("Pod", namespace) if not is_pod_terminal(p)),
                      key=lambda p: p.metadata.name or "")
        if not pods:
            return not_found_status("pods", "*")
    else:
        pod = cluster.get("Pod", namespace, event.name)
        if pod is None:
            return not_found_status("pods", event.name)
        if is_pod_terminal(pod):
            return bad_request(f'pod "{event.name}" has already terminated '
                               f'({pod.status.phase}); its status cannot change')
        pods = [pod]
    written: apiserver.Result = apiserver.Written(cluster, None)
    for pod in pods:
        status = pod_status_after(pod, event, cluster.now, _kubelet_runs(cluster, pod))
        if isinstance(status, Status):
            return status
        written = apiserver.update_status(
            cluster, attrs.evolve(pod, status=status,
                                  metadata=attrs.evolve(pod.metadata, resource_version=None)))
        if isinstance(written, Status):
            return written
        cluster = written.cluster
    return written


def _kubelet_runs(cluster: Cluster, pod: Pod) -> bool:
    """Whether a running kubelet looks after the pod (then it restarts exited containers)."""
    node = cluster.get("Node", "", pod.spec.node_name) if pod.spec.node_name else None
    return node is not None and not kubelet_stopped(node)


def pod_status_after(pod: Pod, event: PodEvent, now: int, kubelet_runs: bool = False
                     ) -> PodStatus | Status:
    """The pod's status once the event has happened. With a running kubelet on the pod's node,
    an exited container is only reported terminated: the kubelet restarts it with its
    CrashLoopBackOff."""
    names = [c.name or "" for c in pod.spec.containers]
    if event.container is not None and event.container not in names:
        return bad_request(f"container {event.container} is not valid for pod "
                           f"{pod.metadata.name}")
    targets = set(names) if event.container is None else {event.container}
    statuses = {s.name: s for s in pod.status.container_statuses}
    new_statuses = []
    for c in pod.spec.containers:
        old = statuses.get(c.name) or ContainerStatus(
            name=c.name, image=c.image, restart_count=0, ready=False, started=False)
        if c.name in targets:
            old = _container_after(old, event, pod.spec.restart_policy or "Always", now,
                                   kubelet_runs)
        new_statuses.append(old)
    status = attrs.evolve(pod.status, container_statuses=pvector(new_statuses),
                          start_time=pod.status.start_time or now)
    # With a running kubelet an exit is only reported: the kubelet restarts the container or
    # computes the pod's phase (getPhase) and its conditions on its next pass.
    kubelet_decides = kubelet_runs and event.exit is not None
    phase = (pod.status.phase or "Running") if kubelet_decides else _phase(new_statuses)
    return _with_phase_and_conditions(status, phase, now)


def _container_after(cs: ContainerStatus, event: PodEvent, restart_policy: str, now: int,
                     kubelet_runs: bool = False) -> ContainerStatus:
    started_at = format_time(now)
    if event.exit is None:
        ready = True if event.ready is None else event.ready
        return attrs.evolve(cs, ready=ready, started=True,
                            state=freeze({"running": {"startedAt": started_at}}))
    terminated = freeze({"terminated": {
        "exitCode": event.exit, "reason": "Completed" if event.exit == 0 else "Error",
        "startedAt": _started_at(cs) or started_at, "finishedAt": started_at}})
    restarts = restart_policy == "Always" or (restart_policy == "OnFailure" and event.exit != 0)
    if restarts and not kubelet_runs:
        return attrs.evolve(cs, ready=False, started=True, last_state=terminated,
                            restart_count=(cs.restart_count or 0) + 1,
                            state=freeze({"running": {"startedAt": started_at}}))
    return attrs.evolve(cs, ready=False, started=False, state=terminated)


def _started_at(cs: ContainerStatus) -> str | None:
    running = cs.state.get("running") if cs.state else None
    return running.get("startedAt") if running else None


def _exit_code(cs: ContainerStatus) -> int | None:
    terminated = cs.state.get("terminated") if cs.state else None
    return terminated.get("exitCode") if terminated else None


def _phase(statuses: list[ContainerStatus]) -> str:
    """getPhase: Running while any container runs; once all terminated, Succeeded when every
    exit code is 0, else Failed."""
    codes = [_exit_code(s) for s in statuses]
    if not codes or any(code is None for code in codes):
        return "Running"
    return "Succeeded" if all(code == 0 for code in codes) else "Failed"


def _with_phase_and_conditions(status: PodStatus, phase: str, now: int) -> PodStatus:
    unready = [s.name or "" for s in status.container_statuses if not s.ready]
    terminal = phase in ("Succeeded", "Failed")
    if terminal:
        reason, message = "PodCompleted", None
    elif unready:
        reason, message = "ContainersNotReady", \
            f"containers with unready status: [{' '.join(unready)}]"
    else:
        reason, message = None, None
    value = "False" if terminal or unready else "True"
    status = attrs.evolve(status, phase=phase)
    for cond in (Condition(type="Initialized", status="True"),
                 Condition(type="Ready", status=value, reason=reason, message=message),
                 Condition(type="ContainersReady", status=value, reason=reason,
                           message=message)):
        status, _ = update_pod_condition(status, cond, now)
    return status
