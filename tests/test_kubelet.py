"""The kubelet: getPhase (Go's table), CrashLoopBackOff, admission, readiness, termination."""

from __future__ import annotations

import pytest
from pyrsistent import pvector

from kubefold.core.events import Tick
from kubefold.core.nodelease import KUBELET_ANNOTATION, STOPPED
from kubefold.core.objects import Container, ContainerStatus, PodSpec
from kubefold.core.schema import format_time, freeze, parse_time
from kubefold.reducers import manager
from kubefold.reducers.kubelet import kubelet
from kubefold.reducers.kubelet.kubelet import crash_loop_backoff, get_phase, go_duration
from tests.helpers import Engine, new_pod, node, plane

ENGINE = Engine(plane(kubelet.CONTROLLER))


NOW = "2024-06-01T00:00:00Z"
T0 = parse_time(NOW)


# -- TestPodPhaseWithRestart* (pkg/kubelet/kubelet_pods_test.go) ------------------------------


def _cs(name: str, state: dict, last: dict | None = None, started: bool | None = None
        ) -> ContainerStatus:
    return ContainerStatus(name=name, state=freeze(state),
                           last_state=freeze(last) if last else None, started=started)


def waiting(n):  # waitingState
    return _cs(n, {"waiting": {}})


def waiting_last_zero(n):  # waitingStateWithLastTermination
    return _cs(n, {"waiting": {}}, {"terminated": {"exitCode": 0}})


def waiting_last_nonzero(n):  # waitingStateWithNonZeroTermination
    return _cs(n, {"waiting": {}}, {"terminated": {"exitCode": -1}})


def running(n):  # runningState
    return _cs(n, {"running": {}})


def started(n):  # startedState
    return _cs(n, {"running": {}}, started=True)


def stopped(n):  # stoppedState
    return _cs(n, {"terminated": {}})


def succeeded(n):  # succeededState
    return _cs(n, {"terminated": {"exitCode": 0}})


def failed(n):  # failedState
    return _cs(n, {"terminated": {"exitCode": -1}})


def _spec(policy: str, init: tuple[str, ...] = (), sidecars: tuple[str, ...] = (),
          containers: tuple[str, ...] = ("containerA", "containerB")) -> PodSpec:
    inits = [Container(name=n, restart_policy="Always" if n in sidecars else None)
             for n in init]
    return PodSpec(node_name="machine", restart_policy=policy,
                   init_containers=pvector(inits),
                   containers=pvector(Container(name=n) for n in containers))


ALWAYS = _spec("Always")
ALWAYS_INIT = _spec("Always", ("containerX",))
ALWAYS_SIDECAR = _spec("Always", ("containerX",), ("containerX",))
ALWAYS_HAS_RUN = _spec("Always", ("containerX", "containerY"), ("containerY",), ("containerA",))
NEVER = _spec("Never")
NEVER_INIT = _spec("Never", ("containerX",))
NEVER_SIDECAR = _spec("Never", ("containerX",), ("containerX",))
ON_FAILURE = _spec("OnFailure")
A, B, X, Y = "containerA", "containerB", "containerX", "containerY"

# (Go test, case, spec, statuses (init first), podIsTerminal, podHasInitialized, phase)
PHASE_CASES = [
    ("Always", "waiting", ALWAYS, [], False, False, "Pending"),
    ("Always", "all running", ALWAYS, [running(A), running(B)], False, False, "Running"),
    ("Always", "all stopped with restart always", ALWAYS, [stopped(A), stopped(B)], False,
     False, "Running"),
    ("Always", "all succeeded with restart always, but the pod is terminal", ALWAYS,
     [succeeded(A), succeeded(B)], True, False, "Succeeded"),
    ("Always", "all stopped with restart always, but the pod is terminal", ALWAYS,
     [succeeded(A), failed(B)], True, False, "Failed"),
    ("Always", "mixed state #1 with restart always", ALWAYS, [running(A), stopped(B)], False,
     False, "Running"),
    ("Always", "mixed state #2 with restart always", ALWAYS, [running(A)], False, False,
     "Pending"),
    ("Always", "mixed state #3 with restart always", ALWAYS, [running(A), waiting(B)], False,
     False, "Pending"),
    ("Always", "backoff crashloop container with restart always", ALWAYS,
     [running(A), waiting_last_zero(B)], False, False, "Running"),
    ("AlwaysInitContainers", "empty, waiting", ALWAYS_INIT, [], False, False, "Pending"),
    ("AlwaysInitContainers", "init container running", ALWAYS_INIT, [running(X)], False, False,
     "Pending"),
    ("AlwaysInitContainers", "init container terminated non-zero", ALWAYS_INIT, [failed(X)],
     False, False, "Pending"),
    ("AlwaysInitContainers", "init container waiting, terminated zero", ALWAYS_INIT,
     [waiting_last_zero(X)], False, False, "Pending"),
    ("AlwaysInitContainers", "init container waiting, terminated non-zero", ALWAYS_INIT,
     [waiting_last_nonzero(X)], False, False, "Pending"),
    ("AlwaysInitContainers", "init container waiting, not terminated", ALWAYS_INIT,
     [waiting(X)], False, False, "Pending"),
    ("AlwaysInitContainers", "init container succeeded", ALWAYS_INIT,
     [succeeded(X), running(A), running(B)], False, False, "Running"),
    ("AlwaysRestartableInitContainers", "empty, waiting", ALWAYS_SIDECAR, [], False, False,
     "Pending"),
    ("AlwaysRestartableInitContainers", "restartable init container running", ALWAYS_SIDECAR,
     [running(X)], False, False, "Pending"),
    ("AlwaysRestartableInitContainers", "restartable init container stopped", ALWAYS_SIDECAR,
     [stopped(X)], False, False, "Pending"),
    ("AlwaysRestartableInitContainers", "restartable init container waiting, terminated zero",
     ALWAYS_SIDECAR, [waiting_last_zero(X)], False, False, "Pending"),
    ("AlwaysRestartableInitContainers",
     "restartable init container waiting, terminated non-zero", ALWAYS_SIDECAR,
     [waiting_last_nonzero(X)], False, False, "Pending"),
    ("AlwaysRestartableInitContainers", "restartable init container waiting, not terminated",
     ALWAYS_SIDECAR, [waiting(X)], False, False, "Pending"),
    ("AlwaysRestartableInitContainers",
     "restartable init container started, 1/2 regular container running", ALWAYS_SIDECAR,
     [started(X), running(A)], False, True, "Pending"),
    ("AlwaysRestartableInitContainers",
     "restartable init container started, all regular containers running", ALWAYS_SIDECAR,
     [started(X), running(A), running(B)], False, True, "Running"),
    ("AlwaysRestartableInitContainers",
     "restartable init container running, all regular containers running", ALWAYS_SIDECAR,
     [running(X), running(A), running(B)], False, True, "Running"),
    ("AlwaysRestartableInitContainers",
     "restartable init container stopped, all regular containers running", ALWAYS_SIDECAR,
     [stopped(X), running(A), running(B)], False, True, "Running"),
    ("AlwaysRestartableInitContainers",
     "backoff crashloop restartable init container, all regular containers running",
     ALWAYS_SIDECAR, [waiting_last_zero(X), running(A), running(B)], False, True, "Running"),
    ("AlwaysRestartableInitContainers",
     "all regular containers succeeded and restartable init container failed with restart "
     "always, but the pod is terminal", ALWAYS_SIDECAR,
     [failed(X), succeeded(A), succeeded(B)], True, True, "Succeeded"),
    ("AlwaysRestartableInitContainers",
     "all regular containers succeeded and restartable init container succeeded with restart "
     "always, but the pod is terminal", ALWAYS_SIDECAR,
     [succeeded(X), succeeded(A), succeeded(B)], True, True, "Succeeded"),
    ("AlwaysRestartableInitContainers",
     "re-initializing the pod after the sandbox is recreated", ALWAYS_SIDECAR,
     [running(X), running(A), running(B)], False, False, "Pending"),
    ("AlwaysAndPodHasRun",
     "regular init containers, restartable init container and regular container are all "
     "running", ALWAYS_HAS_RUN, [running(X), running(Y), running(A)], False, False, "Pending"),
    ("AlwaysAndPodHasRun",
     "regular containers is stopped, restartable init container and regular int container are "
     "both running", ALWAYS_HAS_RUN, [running(X), running(Y), stopped(A)], False, False,
     "Pending"),
    ("AlwaysAndPodHasRun",
     "re-created sandbox: regular init container is succeeded, restartable init container is "
     "running, old regular containers is stopped", ALWAYS_HAS_RUN,
     [succeeded(X), running(Y), stopped(A)], False, False, "Pending"),
    ("AlwaysAndPodHasRun",
     "regular init container is succeeded, restartable init container is running, regular "
     "containers is stopped", ALWAYS_HAS_RUN, [succeeded(X), running(Y), stopped(A)], False,
     True, "Running"),
    ("AlwaysAndPodHasRun",
     "regular init container is succeeded, restartable init container and regular containers "
     "are both running", ALWAYS_HAS_RUN, [succeeded(X), running(Y), running(A)], False, True,
     "Running"),
    ("Never", "waiting", NEVER, [], False, False, "Pending"),
    ("Never", "all running with restart never", NEVER, [running(A), running(B)], False, False,
     "Running"),
    ("Never", "all succeeded with restart never", NEVER, [succeeded(A), succeeded(B)], False,
     False, "Succeeded"),
    ("Never", "all failed with restart never", NEVER, [failed(A), failed(B)], False, False,
     "Failed"),
    ("Never", "mixed state #1 with restart never", NEVER, [running(A), succeeded(B)], False,
     False, "Running"),
    ("Never", "mixed state #2 with restart never", NEVER, [running(A)], False, False,
     "Pending"),
    ("Never", "mixed state #3 with restart never", NEVER, [running(A), waiting(B)], False,
     False, "Pending"),
    ("NeverInitContainers", "empty, waiting", NEVER_INIT, [], False, False, "Pending"),
    ("NeverInitContainers", "init container running", NEVER_INIT, [running(X)], False, False,
     "Pending"),
    ("NeverInitContainers", "init container terminated non-zero", NEVER_INIT, [failed(X)],
     False, False, "Failed"),
    ("NeverInitContainers", "init container waiting, terminated zero", NEVER_INIT,
     [waiting_last_zero(X)], False, False, "Pending"),
    ("NeverInitContainers", "init container waiting, terminated non-zero", NEVER_INIT,
     [waiting_last_nonzero(X)], False, False, "Failed"),
    ("NeverInitContainers", "init container waiting, not terminated", NEVER_INIT, [waiting(X)],
     False, False, "Pending"),
    ("NeverInitContainers", "init container succeeded", NEVER_INIT,
     [succeeded(X), running(A), running(B)], False, False, "Running"),
    ("NeverRestartableInitContainers", "empty, waiting", NEVER_SIDECAR, [], False, False,
     "Pending"),
    ("NeverRestartableInitContainers", "restartable init container running", NEVER_SIDECAR,
     [running(X)], False, False, "Pending"),
    ("NeverRestartableInitContainers", "restartable init container stopped", NEVER_SIDECAR,
     [stopped(X)], False, False, "Pending"),
    ("NeverRestartableInitContainers", "restartable init container waiting, terminated zero",
     NEVER_SIDECAR, [waiting_last_zero(X)], False, False, "Pending"),
    ("NeverRestartableInitContainers",
     "restartable init container waiting, terminated non-zero", NEVER_SIDECAR,
     [waiting_last_nonzero(X)], False, False, "Pending"),
    ("NeverRestartableInitContainers", "restartable init container waiting, not terminated",
     NEVER_SIDECAR, [waiting(X)], False, False, "Pending"),
    ("NeverRestartableInitContainers",
     "restartable init container started, one main container running", NEVER_SIDECAR,
     [started(X), running(A)], False, True, "Pending"),
    ("NeverRestartableInitContainers",
     "restartable init container started, main containers succeeded", NEVER_SIDECAR,
     [started(X), succeeded(A), succeeded(B)], False, True, "Running"),
    ("NeverRestartableInitContainers",
     "restartable init container re-running, main containers succeeded", NEVER_SIDECAR,
     [running(X), succeeded(A), succeeded(B)], False, True, "Running"),
    ("NeverRestartableInitContainers", "all containers succeeded", NEVER_SIDECAR,
     [succeeded(X), succeeded(A), succeeded(B)], False, True, "Succeeded"),
    ("NeverRestartableInitContainers",
     "restartable init container terminated non-zero, main containers succeeded",
     NEVER_SIDECAR, [failed(X), succeeded(A), succeeded(B)], False, True, "Succeeded"),
    ("NeverRestartableInitContainers",
     "backoff crashloop restartable init container, main containers succeeded", NEVER_SIDECAR,
     [waiting_last_zero(X), succeeded(A), succeeded(B)], False, True, "Succeeded"),
    ("NeverRestartableInitContainers",
     "backoff crashloop with non-zero restartable init container, main containers succeeded",
     NEVER_SIDECAR, [waiting_last_nonzero(X), succeeded(A), succeeded(B)], False, True,
     "Succeeded"),
    ("OnFailure", "waiting", ON_FAILURE, [], False, False, "Pending"),
    ("OnFailure", "all running with restart onfailure", ON_FAILURE, [running(A), running(B)],
     False, False, "Running"),
    ("OnFailure", "all succeeded with restart onfailure", ON_FAILURE,
     [succeeded(A), succeeded(B)], False, False, "Succeeded"),
    ("OnFailure", "all failed with restart never", ON_FAILURE, [failed(A), failed(B)], False,
     False, "Running"),
    ("OnFailure", "mixed state #1 with restart onfailure", ON_FAILURE,
     [running(A), succeeded(B)], False, False, "Running"),
    ("OnFailure", "mixed state #2 with restart onfailure", ON_FAILURE, [running(A)], False,
     False, "Pending"),
    ("OnFailure", "mixed state #3 with restart onfailure", ON_FAILURE,
     [running(A), waiting(B)], False, False, "Pending"),
    ("OnFailure", "backoff crashloop container with restart onfailure", ON_FAILURE,
     [running(A), waiting_last_zero(B)], False, False, "Running"),
]


@pytest.mark.parametrize(
    ("spec", "statuses", "terminal", "initialized", "phase"),
    [pytest.param(*case[2:], id=f"TestPodPhaseWithRestart{case[0]}/{case[1]}")
     for case in PHASE_CASES])
def test_get_phase(spec, statuses, terminal, initialized, phase):
    assert get_phase(spec, statuses, terminal, initialized) == phase


def test_phase_table_is_complete():
    assert len(PHASE_CASES) == 70


# -- CrashLoopBackOff ------------------------------------------------------------------------


def _restart_delays(runs: list[int]) -> list[int]:
    """The delays before each restart of a container whose runs last `runs` seconds."""
    delays, last = [], None
    for run in runs:
        delay = crash_loop_backoff(last, run)
        delays.append(delay)
        last = delay
    return delays


def test_crash_loop_backoff_doubles_to_five_minutes():
    assert _restart_delays([5] * 9) == [0, 10, 20, 40, 80, 160, 300, 300, 300]


def test_crash_loop_backoff_resets_after_ten_minutes_of_running():
    assert _restart_delays([5, 5, 5, 601, 5, 5]) == [0, 10, 20, 0, 10, 20]
    assert _restart_delays([5, 5, 600]) == [0, 10, 20]  # not more than 600 s: no reset


def test_crash_loop_backoff_late_restart_keeps_the_sequence():
    # a restart that came 15 s late (a coarse tick) still waited the 20 s entry
    assert crash_loop_backoff(35, 5) == 40


@pytest.mark.parametrize(("seconds", "text"), [(10, "10s"), (80, "1m20s"), (160, "2m40s"),
                                                (300, "5m0s"), (3600, "1h0m0s")])
def test_go_duration(seconds, text):
    assert go_duration(seconds) == text
    assert kubelet.parse_go_duration(text) == seconds


# -- the kubelet in the cluster --------------------------------------------------------------


def _pod(cluster, name="a"):
    return cluster.get("Pod", "default", name)


def _cond(pod, ctype):
    return next(c for c in pod.status.conditions if c.type == ctype)


def test_admission_rejects_out_of_cpu():
    c = ENGINE.restore(node("n1", cpu="4"),
                {**new_pod("old", node_name="n1", cpu="3800m"),
                 "metadata": {"name": "old", "namespace": "default",
                              "creationTimestamp": "2024-05-31T00:00:00Z"}},
                new_pod("a", node_name="n1", cpu="500m"), now=NOW)
    c = ENGINE.reconcile(c, "kubelet", "n1")
    assert _pod(c, "old").status.phase == "Running"
    pod = _pod(c)
    assert pod.status.phase == "Failed"
    assert pod.status.reason == "OutOfcpu"
    assert pod.status.message == ("Pod was rejected: Node didn't have enough resource: cpu, "
                                  "requested: 500, used: 3800, capacity: 4000")
    assert pod.status.conditions == pvector()
    assert pod.status.start_time == T0


def test_admission_out_of_pods():
    c = ENGINE.restore(node("n1", pods="1"), new_pod("a", node_name="n1"),
                new_pod("b", node_name="n1"), now=NOW)
    c = ENGINE.reconcile(c, "kubelet", "n1")
    assert _pod(c, "a").status.phase == "Running"
    assert _pod(c, "b").status.reason == "OutOfpods"
    assert _pod(c, "b").status.message.endswith("pods, requested: 1, used: 1, capacity: 1")


def test_pending_pod_starts_running():
    c = ENGINE.restore(node("n1"), new_pod("a", node_name="n1"), now=NOW)
    c = ENGINE.reconcile(c, "kubelet", "n1")
    pod = _pod(c)
    assert pod.status.phase == "Running"
    assert [c.type for c in pod.status.conditions] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    assert all(c.status == "True" and c.last_transition_time == T0
               for c in pod.status.conditions)
    (cs,) = pod.status.container_statuses
    assert (cs.ready, cs.started, cs.restart_count) == (True, True, 0)
    assert cs.image == "docker.io/library/app:v1"
    assert cs.state["running"]["startedAt"] == NOW
    assert pod.status.pod_ip == "10.244.0.2" and pod.status.start_time == T0
    ready = next(x for x in c.get("Node", "", "n1").status.conditions if x.type == "Ready")
    assert (ready.reason, ready.last_heartbeat_time) == ("KubeletReady", T0)


def test_readiness_probe_timing():
    probe = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5,
             "periodSeconds": 10}
    manifest = new_pod("a", node_name="n1")
    manifest["spec"]["containers"][0]["readinessProbe"] = probe
    c = ENGINE.restore(node("n1"), manifest, now=NOW)
    c = ENGINE.step(c, Tick(0))
    pod = _pod(c)
    assert pod.status.phase == "Running"
    assert not pod.status.container_statuses[0].ready
    ready = _cond(pod, "Ready")
    assert (ready.status, ready.reason, ready.message) == (
        "False", "ContainersNotReady", "containers with unready status: [app]")
    c = ENGINE.step(c, Tick(9))
    assert _cond(_pod(c), "Ready").status == "False"
    c = ENGINE.step(c, Tick(1))  # startedAt + ceil(5 / 10) * 10
    assert _cond(_pod(c), "Ready").status == "True"
    assert _cond(_pod(c), "Ready").last_transition_time == T0 + 10
    assert _pod(c).status.container_statuses[0].ready


def _exit(cluster, name="a", code=1, at=None):
    """What a `pod:` exit event writes: the container terminated (lastState kept)."""
    import attrs

    from kubefold.reducers import apiserver
    pod = _pod(cluster, name)
    (cs,) = pod.status.container_statuses
    started_at = cs.state["running"]["startedAt"]
    terminated = {"exitCode": code, "reason": "Error", "startedAt": started_at,
                  "finishedAt": format_time(cluster.now if at is None else at),
                  "containerID": cs.container_id}
    cs = attrs.evolve(cs, ready=False, started=False, state=freeze({"terminated": terminated}))
    status = attrs.evolve(pod.status, container_statuses=pvector([cs]))
    written = apiserver.update_status(cluster, attrs.evolve(pod, status=status))
    return manager.run_until_settled(manager.dispatch(written.cluster)[0])[0]


def test_crash_loop_back_off_in_the_cluster():
    c = ENGINE.step(ENGINE.restore(node("n1"), new_pod("web-x", node_name="n1"), now=NOW), Tick(0))
    c = ENGINE.step(c, Tick(5))
    c = _exit(c, "web-x")  # first exit: restarted at once
    cs = _pod(c, "web-x").status.container_statuses[0]
    assert cs.restart_count == 1 and "running" in cs.state
    assert cs.last_state["terminated"]["exitCode"] == 1
    c = ENGINE.step(c, Tick(5))
    c = _exit(c, "web-x")  # second exit: back-off 10s
    pod = _pod(c, "web-x")
    cs = pod.status.container_statuses[0]
    assert cs.state["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs.state["waiting"]["message"] == (
        f"back-off 10s restarting failed container=app pod=web-x_default({pod.metadata.uid})")
    assert cs.last_state["terminated"]["finishedAt"] == format_time(c.now)
    assert pod.status.phase == "Running" and _cond(pod, "Ready").status == "False"
    c = ENGINE.step(c, Tick(9))
    assert "waiting" in _pod(c, "web-x").status.container_statuses[0].state
    c = ENGINE.step(c, Tick(1))
    cs = _pod(c, "web-x").status.container_statuses[0]
    assert cs.restart_count == 2 and "running" in cs.state and cs.ready
    c = ENGINE.step(c, Tick(3))
    c = _exit(c, "web-x")  # third exit: back-off 20s
    msg = _pod(c, "web-x").status.container_statuses[0].state["waiting"]["message"]
    assert msg.startswith("back-off 20s restarting failed container=app pod=web-x_default(")


def test_restart_policy_never_ends_the_pod():
    c = ENGINE.step(ENGINE.restore(node("n1"), new_pod("a", node_name="n1", restartPolicy="Never"),
                             now=NOW), Tick(0))
    c = _exit(c, code=0)
    pod = _pod(c)
    assert pod.status.phase == "Succeeded"
    assert (_cond(pod, "Ready").status, _cond(pod, "Ready").reason) == ("False", "PodCompleted")


def test_graceful_termination_waits_for_the_grace_period():
    from kubefold.core.events import Delete
    c = ENGINE.step(ENGINE.restore(node("n1"), new_pod("a", node_name="n1",
                                                 terminationGracePeriodSeconds=30), now=NOW),
                     Tick(0))
    c = ENGINE.step(c, Delete("Pod", "a", "default"))
    assert _pod(c).metadata.deletion_timestamp == T0 + 30
    c = ENGINE.step(c, Tick(29))
    assert _pod(c) is not None and _pod(c).status.phase == "Running"
    outcome = ENGINE.apply_event(c, Tick(1))
    assert _pod(outcome.cluster) is None
    written = [ch.new for t in outcome.turns for ch in t.changes if ch.kind == "Pod"]
    assert written[0].status.phase == "Failed"
    assert written[0].status.container_statuses[0].state["terminated"]["exitCode"] == 137
    assert written[-1] is None


def test_stopped_kubelet_does_nothing():
    manifest = node("n1")
    manifest["metadata"]["annotations"] = {KUBELET_ANNOTATION: STOPPED}
    c = ENGINE.restore(manifest, new_pod("a", node_name="n1"), now=NOW)
    c = ENGINE.reconcile(c, "kubelet", "n1")
    assert _pod(c).status.phase is None or _pod(c).status.phase == "Pending"
    assert c.get("Node", "", "n1").status.conditions[0].last_heartbeat_time is None


def test_a_live_kubelet_costs_no_periodic_writes():
    """The Lease heartbeat is implicit: an idle node is not rewritten as time passes."""
    c = ENGINE.step(ENGINE.restore(node("n1"), now=NOW), Tick(0))
    hb = next(x for x in c.get("Node", "", "n1").status.conditions if x.type == "Ready")
    assert (hb.status, hb.last_heartbeat_time) == ("True", T0)
    revision = c.resource_version
    c = ENGINE.step(c, Tick(3600))
    assert c.resource_version == revision
    assert c.queue.next_due() is None


def test_running_pod_without_container_statuses_gets_them():
    manifest = new_pod("a", node_name="n1")
    manifest["status"] = {"phase": "Running", "startTime": "2024-05-31T00:00:00Z",
                          "conditions": [{"type": "Ready", "status": "True",
                                          "lastTransitionTime": "2024-05-31T00:00:00Z"}]}
    c = ENGINE.reconcile(ENGINE.restore(node("n1"), manifest, now=NOW), "kubelet", "n1")
    pod = _pod(c)
    assert pod.status.phase == "Running"
    assert pod.status.container_statuses[0].state["running"]["startedAt"] == NOW
    ready = _cond(pod, "Ready")
    assert (ready.status, ready.last_transition_time) == ("True", T0 - 86400)
