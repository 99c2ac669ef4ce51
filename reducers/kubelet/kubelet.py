"""The kubelet: one sync is one pass of a node's pod workers and of its node status loop.

For each pod bound to the node (oldest first, as HandlePodAdditions sorts them) the pass admits
it or rejects it (OutOfcpu, ...), starts its containers, restarts the ones that exited with the
CrashLoopBackOff delays, marks containers ready when their readiness probe first passes, stops
and finally deletes pods being deleted, and writes the pod status the status manager would
write. It then keeps the node's Ready condition and heartbeat fresh, and asks to be woken at the
next time anything is due (`enqueue_after`).

Whether a node's kubelet runs is kept on the Node itself: the annotation
`kubefold.io/kubelet: stopped` (set and removed by `node:` events, see node_events.py) stops it.
A stopped kubelet does nothing: no heartbeats, no pod status, no final deletes.

Models (v1.34):
- pkg/kubelet/kubelet_pods.go getPhase (ported whole, without the alpha ContainerRestartRules
  gate) and generateAPIPodStatus (phase three-way merge, kubelet-owned conditions in the order
  PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled).
- pkg/kubelet/status/generate.go (GenerateContainersReadyCondition, GeneratePodReadyCondition
  with readiness gates, GeneratePodInitializedCondition); status_manager.go
  (updateLastTransitionTime, startTime, mergePodStatus keeps conditions the kubelet does not
  own; status.observedGeneration and conditions' observedGeneration, PodObservedGeneration-
  Tracking being beta in v1.34).
- pkg/kubelet/kubelet.go HandlePodAdditions / rejectPod ("Pod was rejected: " + message),
  lifecycle/predicate.go (OutOfcpu, OutOfmemory, OutOfpods, InsufficientResourceError's
  message), scheduler noderesources Fits order (pods, cpu, memory, ephemeral-storage, others).
- kuberuntime doBackOff with client-go flowcontrol.Backoff (10 s doubling to 300 s, reset when
  a container ran more than 600 s; "back-off 10s restarting failed container=app
  pod=web-x_default(uid)"; format.Pod), prober worker (first success at initialDelaySeconds
  rounded up to periodSeconds).
- kubelet_node_status.go / nodestatus setters (MemoryPressure, DiskPressure, PIDPressure,
  Ready conditions with kubelet's reasons and messages).

Simplifies:
- A pod starts in one pass: sandbox, image pulls and container starts take no time, so the
  pass that admits a pod writes it Running (regular init containers are written Completed at
  the same instant; sidecars start with the app containers).
- Probes: only the readiness probe's first success is modelled (successThreshold 1, no
  failures); liveness and startup probes are not run. Container exits come from `pod:` events
  (pod_events.py), which write `state.terminated` (exitCode, finishedAt, startedAt); readiness
  those events set is never undone: the kubelet turns a container ready at its probe time only
  if ContainersReady has not changed since before that time.
- The backoff entry the kubelet keeps in memory is read back from the status: the delay used
  for the last restart is the gap between the previous exit (lastState) and the current start,
  and a waiting container's delay is the one its CrashLoopBackOff message names. A restart
  happens at exactly exit + delay (Go's pod worker retries every ~10 s with jitter).
- Graceful termination: containers ignore SIGTERM and are killed (exit 137, reason Error) when
  the grace period ends, counted from when the kubelet first sees the deletion (pod_workers.go
  UpdatePod's terminatingAt; a kubelet that was stopped sees it when its Ready condition turns
  True again); a pod with no running container is finished at once. The terminal
  status and the final delete (apiserver.finish_deletion) are written in the same pass.
- Node heartbeat: a running kubelet renews its Lease every 10 s; kubefold keeps that Lease
  implicit (the node lifecycle controller reads a running kubelet as renewed just now, and a
  stopped one as last renewed when it stopped, `kubefold.io/kubelet-stopped-at`), so no
  periodic writes or wake-ups cost anything per node; the node's conditions are written when
  they change.
- A node restored from a snapshot that recorded it not Ready (annotated
  `kubefold.io/kubelet: recorded` by the shell) keeps its recorded conditions and reasons: its
  kubelet runs its pods but does not rewrite the node's status until a `node:` event.
- Pod IPs come from the node's podCIDR (10.244.<node index>.0/24 without one; past 256 nodes,
  /24s from 10.1.0.0), the lowest free address from .2; the host IP is the node's InternalIP
  (172.18.0.0 + index + 2 without one).
  Images are normalised as containerd reports them; imageID and containerID are hashes.

Covered by: tests/test_kubelet.py, tests/test_node_lifecycle.py.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import re
from collections.abc import Iterable, Sequence, Set
from typing import Any

from immutables import Map
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Change, Cluster
from kubefold.core.errors import Status
from kubefold.core.nodelease import (
    KUBELET_ANNOTATION,
    kubelet_keeps_recorded_status,
    kubelet_stopped,
)
from kubefold.core.objects import (
    Condition,
    Container,
    ContainerStatus,
    Node,
    Pod,
    PodSpec,
    PodStatus,
    ResourceList,
)
from kubefold.core.quantity import Quantity, add_resource_lists
from kubefold.core.resources import pod_requests
from kubefold.core.schema import format_time, freeze, parse_time, replace
from kubefold.reducers import apiserver
from kubefold.reducers.controlplane import Controller

NAME = "kubelet"

NODE_STATUS_UPDATE_FREQUENCY = 10
INITIAL_BACKOFF = 10
MAX_CONTAINER_BACKOFF = 300
BACKOFF_STABLE_AFTER = 600
DEFAULT_PROBE_PERIOD = 10
KILLED_EXIT_CODE = 137

POD_READY_TO_START = "PodReadyToStartContainers"
KUBELET_POD_CONDITIONS = (POD_READY_TO_START, "Initialized", "Ready", "ContainersReady",
                          "PodScheduled")
TERMINAL = ("Succeeded", "Failed")
NODE_CONDITIONS = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory",
     "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)
OUT_OF = {"cpu": "OutOfcpu", "memory": "OutOfmemory",
          "ephemeral-storage": "OutOfephemeral-storage", "pods": "OutOfpods"}


# -- container status helpers ----------------------------------------------------------------


def is_restartable_init_container(container: Container) -> bool:
    """IsRestartableInitContainer: a sidecar (init container with restartPolicy Always)."""
    return container.restart_policy == "Always"


def get_container_status(statuses: Iterable[ContainerStatus], name: str | None
                         ) -> ContainerStatus | None:
    """GetContainerStatus: the first status of that name."""
    return next((s for s in statuses if s.name == name), None)


def _state(status: ContainerStatus, field: str = "state") -> Any:
    value = getattr(status, field)
    return value if value is not None else pmap()


def _exit_code(terminated: Any) -> int:
    return int(terminated.get("exitCode", 0) or 0)


def _last_terminated(status: ContainerStatus) -> Any:
    return _state(status, "last_state").get("terminated")


# -- getPhase ----------------------------------------------------------------------------------


def get_phase(spec: PodSpec, info: Sequence[ContainerStatus], pod_is_terminal: bool,
              pod_has_initialized: bool = False) -> str:
    """getPhase: the pod phase from its spec and container statuses (init ones included)."""
    pending_restartable_init = pending_regular_init = failed_initialization = 0
    for container in spec.init_containers:
        if is_restartable_init_container(container):
            continue
        status = get_container_status(info, container.name)
        if status is None:
            pending_regular_init += 1
            continue
        state = _state(status)
        if "running" in state:
            pending_regular_init += 1
        elif "terminated" in state:
            if _exit_code(state["terminated"]) != 0:
                failed_initialization += 1
        elif "waiting" in state:
            last = _last_terminated(status)
            if last is not None:
                if _exit_code(last) != 0:
                    failed_initialization += 1
            else:
                pending_regular_init += 1
        else:
            pending_regular_init += 1

    unknown = running = waiting = stopped = succeeded = 0
    for container in spec.init_containers:
        if not is_restartable_init_container(container):
            continue
        status = get_container_status(info, container.name)
        if status is None:
            unknown += 1
            continue
        state = _state(status)
        if "running" in state:
            if not status.started:
                pending_restartable_init += 1
            running += 1
        elif "terminated" in state:
            pass  # terminated sidecars do not count toward the phase
        elif "waiting" in state:
            if _last_terminated(status) is None:
                pending_restartable_init += 1
                waiting += 1
        else:
            pending_restartable_init += 1
            unknown += 1

    for container in spec.containers:
        status = get_container_status(info, container.name)
        if status is None:
            unknown += 1
            continue
        state = _state(status)
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if _exit_code(state["terminated"]) == 0:
                succeeded += 1
        elif "waiting" in state:
            if _last_terminated(status) is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1

    restart_policy = spec.restart_policy or "Always"
    if failed_initialization > 0 and restart_policy == "Never":
        return "Failed"
    if pending_regular_init > 0 or (pending_restartable_init > 0 and not pod_has_initialized) \
            or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


# -- CrashLoopBackOff ---------------------------------------------------------------------------


def crash_loop_backoff(last_restart_delay: int | None, run_seconds: int) -> int:
    """Seconds to wait before restarting a container that just exited (doBackOff with
    flowcontrol.Backoff): none after its first exit or after a run of more than 600 s, else the
    backoff entry, 10 s after an immediate restart and double the last delay otherwise, capped
    at 300 s. `last_restart_delay` is the delay before the run that just ended (None when the
    container never restarted)."""
    if last_restart_delay is None or run_seconds > BACKOFF_STABLE_AFTER:
        return 0
    if last_restart_delay < INITIAL_BACKOFF:
        return INITIAL_BACKOFF
    step = INITIAL_BACKOFF
    while step * 2 <= last_restart_delay and step < MAX_CONTAINER_BACKOFF:
        step *= 2  # the backoff entry that was waited (a late restart waits more)
    return min(step * 2, MAX_CONTAINER_BACKOFF)


def go_duration(seconds: int) -> str:
    """time.Duration.String for whole seconds: 10s, 1m20s, 5m0s, 1h0m0s."""
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_BACKOFF_MESSAGE = re.compile(r"^back-off (\S+) restarting failed container=")


def parse_go_duration(text: str) -> int | None:
    m = _DURATION.match(text)
    if not m or not text:
        return None
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return h * 3600 + mi * 60 + s


def format_pod(pod: Pod) -> str:
    """format.Pod: name_namespace(uid)."""
    return f"{pod.metadata.name}_{pod.metadata.namespace}({pod.metadata.uid})"


def backoff_message(delay: int, container: str, pod: Pod) -> str:
    return (f"back-off {go_duration(delay)} restarting failed container={container} "
            f"pod={format_pod(pod)}")


# -- probes ----------------------------------------------------------------------------------


def ready_at(container: Container, started_at: int) -> int:
    """When the readiness probe first succeeds: at the start without a probe, else at the first
    probe period at or after initialDelaySeconds."""
    probe = container.readiness_probe
    if probe is None:
        return started_at
    period = probe.period_seconds or DEFAULT_PROBE_PERIOD
    delay = probe.initial_delay_seconds or 0
    return started_at + math.ceil(delay / period) * period


# -- images, ids, addresses --------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def normalize_image(image: str) -> str:
    """The reference as containerd reports it: docker.io/library/nginx:latest."""
    name, at, digest = image.partition("@")
    first, slash, _ = name.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        name = "docker.io/" + (name if slash else "library/" + name)
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name + (at + digest if at else "")


def _sha(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


@functools.lru_cache(maxsize=1024)
def image_id(image: str) -> str:
    normalized = normalize_image(image)
    repo = normalized.split("@")[0]
    if ":" in repo.rsplit("/", 1)[-1]:
        repo = repo.rsplit(":", 1)[0]
    return f"{repo}@sha256:{_sha('image', normalized)}"


def container_id(pod: Pod, container: str, restart_count: int) -> str:
    return "containerd://" + _sha(pod.metadata.uid, container, restart_count)


def _node_index(cluster: Cluster, node: Node) -> int:
    order = cluster.node_order
    try:
        return order.index(node.metadata.name)
    except ValueError:
        return len(order)


def host_ip(cluster: Cluster, node: Node) -> str:
    for address in node.status.addresses:
        if address.get("type") == "InternalIP" and address.get("address"):
            return str(address["address"])
    return _default_host_ip(_node_index(cluster, node))


@functools.lru_cache(maxsize=4096)
def _default_host_ip(index: int) -> str:
    """172.18.0.0 + index + 2: a node's address without an InternalIP (kind's network)."""
    return str(ipaddress.ip_address("172.18.0.0") + index + 2)


def _default_pod_cidr(index: int) -> str:
    """10.244.<index>.0/24 for the first 256 nodes (kind's 10.244.0.0/16), then /24s counted
    from 10.1.0.0 (a /16 holds only 256 node ranges)."""
    if index < 256:
        return f"10.244.{index}.0/24"
    return f"{ipaddress.ip_address('10.0.0.0') + 256 * index}/24"


@functools.lru_cache(maxsize=1024)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The node's pod range, parsed once per CIDR."""
    return ipaddress.ip_network(cidr, strict=False)


def pod_ip(cluster: Cluster, node: Node, taken: Set[str]) -> str:
    """A free address of the node's pod range, as host-local IPAM hands them out: counting up
    from .2, probing from the number of addresses held, so an allocation costs O(1) while the
    range is not nearly full."""
    network = _network(node.spec.pod_cidr or _default_pod_cidr(_node_index(cluster, node)))
    usable = network.num_addresses - 3  # network, gateway (.1) and broadcast left out
    if usable <= 0:
        return str(network.network_address)
    start = len(taken) % usable
    for step in range(usable):
        ip = str(network.network_address + 2 + (start + step) % usable)
        if ip not in taken:
            return ip
    return str(network.network_address + 2 + start)


# -- container lifecycle -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _running(started_at: int) -> Any:
    return freeze({"running": {"startedAt": format_time(started_at)}})


def start_container(pod: Pod, container: Container, now: int, restart_count: int = 0,
                    last_state: Any = None) -> ContainerStatus:
    """The status of a container just (re)started."""
    return ContainerStatus(
        name=container.name, image=normalize_image(container.image or ""),
        image_id=image_id(container.image or ""),
        container_id=container_id(pod, container.name or "", restart_count),
        ready=ready_at(container, now) <= now, started=True, restart_count=restart_count,
        state=_running(now), last_state=last_state if last_state is not None else pmap())


def complete_init_container(pod: Pod, container: Container, now: int) -> ContainerStatus:
    """A regular init container run to completion at once."""
    cid = container_id(pod, container.name or "", 0)
    terminated = {"exitCode": 0, "reason": "Completed", "startedAt": format_time(now),
                  "finishedAt": format_time(now), "containerID": cid}
    return ContainerStatus(
        name=container.name, image=normalize_image(container.image or ""),
        image_id=image_id(container.image or ""), container_id=cid, ready=True,
        started=False, restart_count=0, state=freeze({"terminated": terminated}),
        last_state=pmap())


def should_restart(restart_policy: str | None, exit_code: int) -> bool:
    """ContainerShouldRestart without container-level rules."""
    policy = restart_policy or "Always"
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def _time_of(value: Any, default: int) -> int:
    return parse_time(value) if isinstance(value, str) else default


def _readiness_left_to_probe(status: PodStatus, due: int) -> bool:
    """No one has changed the containers' readiness since before the probe's due time."""
    cond = next((c for c in status.conditions if c.type == "ContainersReady"), None)
    return cond is None or cond.last_transition_time is None or cond.last_transition_time < due


def _restart(pod: Pod, container: Container, status: ContainerStatus, terminated: Any,
             now: int) -> ContainerStatus:
    last = terminated if "containerID" in terminated or not status.container_id \
        else terminated.set("containerID", status.container_id)
    return start_container(pod, container, now, (status.restart_count or 0) + 1,
                           freeze({"terminated": last}))


def sync_container(pod: Pod, container: Container, status: ContainerStatus, now: int
                   ) -> tuple[ContainerStatus, int | None]:
    """One container's status after this pass, and when it next needs the kubelet."""
    state = _state(status)
    if "running" in state:
        due = ready_at(container, _time_of(state["running"].get("startedAt"), now))
        if status.ready or due > now:
            return status, None if status.ready else due
        if _readiness_left_to_probe(pod.status, due):
            return replace(status, ready=True), None
        return status, None
    if "terminated" in state:
        terminated = state["terminated"]
        if not should_restart(pod.spec.restart_policy, _exit_code(terminated)):
            return replace(status, ready=False), None
        finished = _time_of(terminated.get("finishedAt"), now)
        started = _time_of(terminated.get("startedAt"), finished)
        previous = _last_terminated(status)
        gap = None if previous is None else \
            started - _time_of(previous.get("finishedAt"), started)
        delay = crash_loop_backoff(gap, finished - started)
        if now >= finished + delay:
            return _restart(pod, container, status, terminated, now), None
        waiting = {"reason": "CrashLoopBackOff",
                   "message": backoff_message(delay, container.name or "", pod)}
        last = terminated if "containerID" in terminated or not status.container_id \
            else terminated.set("containerID", status.container_id)
        return replace(status, ready=False, started=False,
                       state=freeze({"waiting": waiting}),
                       last_state=freeze({"terminated": last})), finished + delay
    backoff = state.get("waiting")
    last = _last_terminated(status)
    if backoff is not None and backoff.get("reason") == "CrashLoopBackOff" and last is not None:
        m = _BACKOFF_MESSAGE.match(backoff.get("message") or "")
        waited = parse_go_duration(m.group(1)) if m else None
        due = _time_of(last.get("finishedAt"), now) + (waited or 0)
        if now >= due:
            return _restart(pod, container, status, last, now), None
        return status, due
    return status, None


# -- conditions ----------------------------------------------------------------------------------


def _names(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"  # fmt %s of a []string


def generate_containers_ready_condition(pod: Pod, statuses: Sequence[ContainerStatus],
                                        phase: str) -> Condition:
    """GenerateContainersReadyCondition."""
    unknown: list[str] = []
    unready: list[str] = []
    wanted = [c for c in pod.spec.init_containers if is_restartable_init_container(c)]
    for container in [*wanted, *pod.spec.containers]:
        status = get_container_status(statuses, container.name)
        if status is None:
            unknown.append(container.name or "")
        elif not status.ready:
            unready.append(container.name or "")
    if (phase == "Succeeded" and not unknown) or phase == "Failed":
        reason = "PodFailed" if phase == "Failed" else "PodCompleted"
        return Condition(type="ContainersReady", status="False", reason=reason)
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_names(unknown)}")
    if unready:
        messages.append(f"containers with unready status: {_names(unready)}")
    if messages:
        return Condition(type="ContainersReady", status="False", reason="ContainersNotReady",
                         message=", ".join(messages))
    return Condition(type="ContainersReady", status="True")


def generate_pod_ready_condition(pod: Pod, conditions: Sequence[Condition],
                                 statuses: Sequence[ContainerStatus], phase: str) -> Condition:
    """GeneratePodReadyCondition: ContainersReady, then the readiness gates."""
    containers_ready = generate_containers_ready_condition(pod, statuses, phase)
    if containers_ready.status != "True":
        return replace(containers_ready, type="Ready")
    messages = []
    for gate in pod.spec.extra.get("readinessGates", ()):
        ctype = gate.get("conditionType")
        cond = next((c for c in conditions if c.type == ctype), None)
        if cond is None:
            messages.append(f'corresponding condition of pod readiness gate "{ctype}" does not '
                            "exist.")
        elif cond.status != "True":
            messages.append(f'the status of pod readiness gate "{ctype}" is not "True", but '
                            f"{cond.status}")
    if messages:
        return Condition(type="Ready", status="False", reason="ReadinessGatesNotReady",
                         message=", ".join(messages))
    return Condition(type="Ready", status="True")


def generate_pod_initialized_condition(pod: Pod, statuses: Sequence[ContainerStatus],
                                       phase: str) -> Condition:
    """GeneratePodInitializedCondition."""
    unknown: list[str] = []
    incomplete: list[str] = []
    for container in pod.spec.init_containers:
        status = get_container_status(statuses, container.name)
        if status is None:
            unknown.append(container.name or "")
        elif not (status.started if is_restartable_init_container(container) else status.ready):
            incomplete.append(container.name or "")
    if phase == "Succeeded" and not unknown:
        return Condition(type="Initialized", status="True", reason="PodCompleted")
    if has_any_regular_container_started(pod.spec, statuses):
        return Condition(type="Initialized", status="True")
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: {_names(unknown)}")
    if incomplete:
        messages.append(f"containers with incomplete status: {_names(incomplete)}")
    if messages:
        return Condition(type="Initialized", status="False", reason="ContainersNotInitialized",
                         message=", ".join(messages))
    return Condition(type="Initialized", status="True")


def has_any_regular_container_started(spec: PodSpec, statuses: Sequence[ContainerStatus]
                                      ) -> bool:
    """HasAnyRegularContainerStarted: a regular container is running or has terminated."""
    names = {c.name for c in spec.containers}
    return any(s.name in names and ("running" in _state(s) or "terminated" in _state(s))
               for s in statuses)


def _kubelet_conditions(pod: Pod, old: PodStatus, statuses: Sequence[ContainerStatus],
                        phase: str, now: int) -> list[Condition]:
    """The conditions the kubelet does not own, then its own, with lastTransitionTimes kept
    while the status is unchanged (updateLastTransitionTime) and observedGeneration set."""
    kept = [c for c in old.conditions if c.type not in KUBELET_POD_CONDITIONS]
    sandbox = "False" if phase in TERMINAL else "True"
    own = [Condition(type=POD_READY_TO_START, status=sandbox),
           generate_pod_initialized_condition(pod, statuses, phase),
           generate_pod_ready_condition(pod, kept, statuses, phase),
           generate_containers_ready_condition(pod, statuses, phase),
           Condition(type="PodScheduled", status="True")]
    by_type = {c.type: c for c in old.conditions}
    generation = pod.metadata.generation
    result = list(kept)
    for cond in own:
        previous = by_type.get(cond.type)
        if previous is not None and _restates(previous, cond, generation):
            result.append(previous)  # unchanged: the condition as written before
            continue
        ltt = previous.last_transition_time if previous is not None \
            and previous.status == cond.status and previous.last_transition_time is not None \
            else now
        # The generated conditions carry only a type, a status, a reason and a message.
        result.append(Condition(type=cond.type, status=cond.status, reason=cond.reason,
                                message=cond.message, last_transition_time=ltt,
                                observed_generation=generation))
    return result


def _restates(previous: Condition, cond: Condition, generation: int | None) -> bool:
    """Whether `previous` is what the kubelet would write for `cond` now: the same status,
    reason and message, a lastTransitionTime kept, the same observedGeneration, and no other
    field."""
    return (previous.status, previous.reason, previous.message, previous.observed_generation) \
        == (cond.status, cond.reason, cond.message, generation) \
        and previous.last_transition_time is not None and previous.last_heartbeat_time is None \
        and previous.last_probe_time is None and previous.last_update_time is None \
        and not previous.extra


def _has_started_regular_container(pod: Pod, statuses: Sequence[ContainerStatus]) -> bool:
    names = {c.name for c in pod.spec.containers}
    return any(s.name in names and ("running" in _state(s) or "terminated" in _state(s)
                                    or _last_terminated(s) is not None) for s in statuses)


def generate_api_pod_status(pod: Pod, init_statuses: Sequence[ContainerStatus],
                            statuses: Sequence[ContainerStatus], now: int,
                            pod_is_terminal: bool = False) -> PodStatus:
    """generateAPIPodStatus with the status manager's bookkeeping, from new container
    statuses."""
    old = pod.status
    every = [*statuses, *init_statuses]
    phase = get_phase(pod.spec, every, pod_is_terminal,
                      _has_started_regular_container(pod, statuses))
    if phase not in TERMINAL and old.phase in TERMINAL:
        phase = old.phase
    reason, message = (old.reason, old.message) if phase == old.phase else (None, None)
    conditions = _kubelet_conditions(pod, old, [*init_statuses, *statuses], phase, now)
    extra = old.extra.set("observedGeneration", pod.metadata.generation) \
        if pod.metadata.generation is not None else old.extra
    return replace(old, phase=phase, reason=reason, message=message,
                   conditions=pvector(conditions), start_time=old.start_time or now,
                   container_statuses=pvector(statuses),
                   init_container_statuses=pvector(init_statuses), extra=extra)


# -- admission -----------------------------------------------------------------------------------


def _quantity_int(name: str, q: Quantity) -> int:
    return q.milli_value() if name == "cpu" else q.value()


def can_admit_pod(node: Node, pod: Pod, admitted: Sequence[Pod]) -> tuple[str, str] | None:
    """The predicate admit handler's resource check: (reason, message) of the first shortage,
    or None when the pod fits (Fits: pods, then cpu, memory, ephemeral-storage, others)."""
    allocatable = node.status.allocatable or node.status.capacity
    if "pods" in allocatable and len(admitted) + 1 > allocatable["pods"].value():
        return _rejection("pods", 1, len(admitted), allocatable["pods"].value())
    request = pod_requests(pod)
    if all(q.is_zero() for q in request.values()):
        return None
    used: ResourceList = pmap()
    for other in admitted:
        used = add_resource_lists(used, pod_requests(other))
    names = [n for n in ("cpu", "memory", "ephemeral-storage") if n in request] \
        + sorted(n for n in request if n not in ("cpu", "memory", "ephemeral-storage", "pods"))
    for name in names:
        asked = _quantity_int(name, request[name])
        if asked <= 0:
            continue
        capacity = _quantity_int(name, allocatable[name]) if name in allocatable else 0
        in_use = _quantity_int(name, used[name]) if name in used else 0
        if asked > capacity - in_use:
            return _rejection(name, asked, in_use, capacity)
    return None


def _rejection(resource: str, requested: int, used: int, capacity: int) -> tuple[str, str]:
    message = (f"Node didn't have enough resource: {resource}, requested: {requested}, used: "
               f"{used}, capacity: {capacity}")
    return OUT_OF.get(resource, "OutOf" + resource), "Pod was rejected: " + message


def reject_pod(pod: Pod, reason: str, message: str, now: int) -> PodStatus:
    """rejectPod through the status manager: Failed, kubelet-owned conditions dropped."""
    kept = [c for c in pod.status.conditions if c.type not in KUBELET_POD_CONDITIONS]
    extra = pmap({"observedGeneration": pod.metadata.generation}) \
        if pod.metadata.generation is not None else pmap()
    return PodStatus(phase="Failed", reason=reason, message=message,
                     qos_class=pod.status.qos_class, conditions=pvector(kept),
                     start_time=pod.status.start_time or now, extra=extra)


# -- the pod workers -----------------------------------------------------------------------------


def _write_status(cluster: Cluster, pod: Pod, status: PodStatus) -> Cluster | Status:
    if status == pod.status:
        return cluster
    result = apiserver.update_status(cluster, replace(pod, status=status))
    return result if isinstance(result, Status) else result.cluster


def start_pod(cluster: Cluster, node: Node, pod: Pod, taken: Set[str]) -> Cluster | Status:
    """A newly admitted pod: sandbox (IPs), init containers, then its containers running."""
    now = cluster.now
    init = [complete_init_container(pod, c, now) if not is_restartable_init_container(c)
            else start_container(pod, c, now) for c in pod.spec.init_containers]
    containers = [start_container(pod, c, now) for c in pod.spec.containers]
    status = generate_api_pod_status(pod, init, containers, now)
    host = host_ip(cluster, node)
    ip = host if pod.spec.host_network else pod_ip(cluster, node, taken)
    extra = status.extra.set("hostIPs", _ip_list(host)).set("podIPs", _ip_list(ip))
    return _write_status(cluster, pod, replace(status, host_ip=host, pod_ip=ip,
                                               extra=extra))


@functools.lru_cache(maxsize=1024)
def _ip_list(ip: str) -> Any:
    """status.hostIPs / podIPs holding one address, as frozen JSON (kept per address: a node's
    pods share its host IP)."""
    return freeze([{"ip": ip}])


def _sync_statuses(pod: Pod, containers: Sequence[Container],
                   statuses: Sequence[ContainerStatus], now: int
                   ) -> tuple[list[ContainerStatus], list[int]]:
    """The statuses of `containers` in spec order (convertToAPIContainerStatuses): a container
    with no status is started (run to completion for a regular init container)."""
    new: list[ContainerStatus] = []
    dues: list[int] = []
    for container in containers:
        status = get_container_status(statuses, container.name)
        regular_init = container in pod.spec.init_containers \
            and not is_restartable_init_container(container)
        if status is None:
            new.append(complete_init_container(pod, container, now) if regular_init
                       else start_container(pod, container, now))
            if not regular_init and ready_at(container, now) > now:
                dues.append(ready_at(container, now))
            continue
        if regular_init:
            new.append(status)
            continue
        updated, due = sync_container(pod, container, status, now)
        new.append(updated)
        if due is not None:
            dues.append(due)
    return new, dues


def sync_running_pod(cluster: Cluster, pod: Pod) -> tuple[Cluster | Status, list[int]]:
    """A started pod: restarts, readiness, phase."""
    if pod.status.phase in TERMINAL:
        return cluster, []
    now = cluster.now
    init, init_dues = _sync_statuses(pod, pod.spec.init_containers,
                                     pod.status.init_container_statuses, now)
    statuses, dues = _sync_statuses(pod, pod.spec.containers, pod.status.container_statuses, now)
    status = generate_api_pod_status(pod, init, statuses, now)
    return _write_status(cluster, pod, status), [*init_dues, *dues]


def _kill(status: ContainerStatus, now: int) -> ContainerStatus:
    running = _state(status).get("running")
    if running is None:
        return replace(status, ready=False)
    terminated = {"exitCode": KILLED_EXIT_CODE, "reason": "Error",
                  "startedAt": running.get("startedAt"), "finishedAt": format_time(now),
                  "containerID": status.container_id}
    return replace(status, ready=False, started=False,
                   state=freeze({"terminated": terminated}))


def _any_running(pod: Pod) -> bool:
    return any("running" in _state(s) for s in
               [*pod.status.container_statuses, *pod.status.init_container_statuses])


def termination_deadline(pod: Pod, node: Node, now: int) -> int:
    """When the grace period ends. Go counts it from when the pod worker first sees the
    deletion (UpdatePod's terminatingAt, calculateEffectiveGracePeriod): the deletionTimestamp
    for a kubelet that was running, its return plus deletionGracePeriodSeconds for one that
    was away. A returning kubelet's Ready condition turns True when it comes back."""
    deadline = pod.metadata.deletion_timestamp or now
    grace = pod.metadata.deletion_grace_period_seconds
    ready = next((c for c in node.status.conditions if c.type == "Ready"), None)
    if grace is None or ready is None or ready.status != "True" \
            or ready.last_transition_time is None:
        return deadline
    return max(deadline, ready.last_transition_time + grace)


def sync_terminating_pod(cluster: Cluster, pod: Pod, node: Node | None = None
                         ) -> tuple[Cluster | Status, list[int]]:
    """A pod being deleted: kill its containers when the grace period ends (at once when none
    runs), write the terminal status, then delete it for good."""
    now = cluster.now
    deadline = termination_deadline(pod, node, now) if node is not None \
        else pod.metadata.deletion_timestamp or now
    running = _any_running(pod) and pod.status.phase not in TERMINAL
    if running and now < deadline:
        return cluster, [deadline]
    if running:
        init = [_kill(s, now) for s in pod.status.init_container_statuses]
        containers = [_kill(s, now) for s in pod.status.container_statuses]
        status = generate_api_pod_status(pod, init, containers, now, pod_is_terminal=True)
        written = _write_status(cluster, pod, status)
        if isinstance(written, Status):
            return written, []
        cluster = written
    result = apiserver.finish_deletion(cluster, "Pod", pod.metadata.namespace,
                                       pod.metadata.name)
    return (result if isinstance(result, Status) else result.cluster), []


def _creation_order(pod: Pod) -> tuple[int, str, str]:
    return (pod.metadata.creation_timestamp or 0, pod.metadata.namespace or "",
            pod.metadata.name or "")


def handle_pods(cluster: Cluster, node: Node) -> tuple[Cluster | Status, list[int]]:
    """HandlePodAdditions and the pod workers' syncs for every pod bound to the node, in the
    order the pods were created: the kubelet's full pass (when it starts, or by hand)."""
    pods = sorted(cluster.pods_on_node(node.metadata.name or ""), key=_creation_order)
    dues: list[int] = []
    result: Cluster | Status = cluster
    for pod in pods:
        assert isinstance(result, Cluster)
        current = result.get("Pod", pod.metadata.namespace, pod.metadata.name)
        if current is None:
            continue
        result, more = handle_pod(result, node, current)
        if isinstance(result, Status):
            return result, dues
        dues.extend(more)
    return result, dues


def handle_pod(cluster: Cluster, node: Node, pod: Pod) -> tuple[Cluster | Status, list[int]]:
    """One pod worker's sync: finish a terminating pod, admit and start a new one (or reject
    it), or keep a running one's containers, readiness and phase up to date."""
    if pod.metadata.deletion_timestamp is not None:
        return sync_terminating_pod(cluster, pod, node)
    if pod.status.phase in TERMINAL:
        return cluster, []
    if pod.status.start_time is not None:
        return sync_running_pod(cluster, pod)
    admitted = None if _all_bound_pods_fit(cluster, node) else _admitted_pods(cluster, node)
    rejected = can_admit_pod(node, pod, admitted) if admitted is not None else None
    if rejected is not None:
        return _write_status(cluster, pod, reject_pod(pod, *rejected, cluster.now)), []
    result = start_pod(cluster, node, pod, _taken_ips(cluster, node))
    if isinstance(result, Status):
        return result, []
    # The status just written is what syncing the running pod would write (its containers
    # all just started): what is left is to wake when a readiness probe first passes.
    return result, _first_readiness_dues(pod, cluster.now)


def _first_readiness_dues(pod: Pod, now: int) -> list[int]:
    """When the containers started `now` (sidecars, then app containers) that are not ready
    at once first pass their readiness probes."""
    started = [*(c for c in pod.spec.init_containers if is_restartable_init_container(c)),
               *pod.spec.containers]
    return [due for c in started if (due := ready_at(c, now)) > now]


def _all_bound_pods_fit(cluster: Cluster, node: Node) -> bool:
    """Whether every pod bound to the node (the allocation index) fits its allocatable: then
    any one of them passes admission, and no pod list need be read (O(1) per admission)."""
    allocatable = node.status.allocatable or node.status.capacity
    held = cluster.allocation(node.metadata.name or "")
    return all(name not in allocatable or held.requested(name) <= _quantity_int(name, q)
               for name, q in allocatable.items())


def _admitted_pods(cluster: Cluster, node: Node) -> list[Pod]:
    """The pods the kubelet already admitted (started, not finished), in creation order."""
    pods = [p for p in cluster.pods_on_node(node.metadata.name or "")
            if p.status.start_time is not None and p.status.phase not in TERMINAL]
    return sorted(pods, key=_creation_order)


def _taken_ips(cluster: Cluster, node: Node) -> Set[str]:
    return cluster.pod_ips.get(node.metadata.name or "", Map()).keys()  # type: ignore


# -- node status ---------------------------------------------------------------------------------


def update_node_status(cluster: Cluster, node: Node) -> Cluster | Status:
    """The node status loop: the kubelet's conditions, written when one of them changed. The
    periodic heartbeat is the Lease, which kubefold keeps implicit (see the docstring). A node
    restored not Ready keeps its recorded conditions (`kubelet_keeps_recorded_status`)."""
    if kubelet_keeps_recorded_status(node):
        return cluster
    now = cluster.now
    conditions = list(node.status.conditions)
    changed = False
    for ctype, status, reason, message in NODE_CONDITIONS:
        index = next((i for i, c in enumerate(conditions) if c.type == ctype), None)
        old = conditions[index] if index is not None else None
        if old is None or (old.status, old.reason, old.message) != (status, reason, message):
            changed = True
            new = Condition(type=ctype, status=status, reason=reason, message=message,
                            last_heartbeat_time=now,
                            last_transition_time=old.last_transition_time
                            if old is not None and old.status == status else now)
            if index is None:
                conditions.append(new)
            else:
                conditions[index] = new
    if not changed:
        return cluster
    conditions = [replace(c, last_heartbeat_time=now)
                  if c.type in {t for t, *_ in NODE_CONDITIONS} else c for c in conditions]
    node_status = replace(node.status, conditions=pvector(conditions))
    result = apiserver.update_status(cluster, replace(node, status=node_status))
    return result if isinstance(result, Status) else result.cluster


# -- the controller ------------------------------------------------------------------------------


def sync(cluster: Cluster, key: str) -> Cluster:
    """One pass of the kubelet: key `node` is the full pass (node status and every pod of the
    node), key `node/namespace/pod` one pod worker's sync."""
    node_name, _, pod_key = key.partition("/")
    node = cluster.get("Node", "", node_name)
    if node is None or kubelet_stopped(node):
        return cluster.forget(NAME, key)
    if pod_key:
        namespace, _, name = pod_key.partition("/")
        pod = cluster.get("Pod", namespace, name)
        if pod is None or pod.spec.node_name != node_name:
            return cluster.forget(NAME, key)
        result_pod, dues = handle_pod(cluster, node, pod)
        if isinstance(result_pod, Status):
            return cluster.enqueue_rate_limited(NAME, key)
        return _wake(result_pod.forget(NAME, key), key, dues)
    result = update_node_status(cluster, node)
    if isinstance(result, Status):
        return cluster.enqueue_rate_limited(NAME, key)
    node = result.get("Node", "", node_name)
    result_pods, dues = handle_pods(result, node)
    if isinstance(result_pods, Status):
        return result.enqueue_rate_limited(NAME, key)
    return _wake(result_pods.forget(NAME, key), key, dues)


def _wake(cluster: Cluster, key: str, dues: list[int]) -> Cluster:
    later = [d for d in dues if d > cluster.now]
    return cluster.enqueue_after(NAME, key, min(later) - cluster.now) if later else cluster


def watch(cluster: Cluster, change: Change) -> list[str]:
    """A node created or its kubelet started/stopped: the full pass; a write of a pod bound to
    a node: that pod's worker."""
    if change.kind == "Node":
        if change.new is None:
            return []
        old_state = change.old.metadata.annotations.get(KUBELET_ANNOTATION) \
            if change.old is not None else "new"
        if change.old is None or old_state != change.new.metadata.annotations.get(
                KUBELET_ANNOTATION):
            return [change.name]
        return []
    if change.kind == "Pod" and change.new is not None and change.new.spec.node_name:
        return [f"{change.new.spec.node_name}/{change.namespace}/{change.name}"]
    return []


CONTROLLER = Controller(NAME, sync, watch, frozenset({"Node", "Pod"}))
