"""kubefold/printers.py against kubectl's printers: tables ported from
k8s.io/apimachinery/pkg/util/duration TestHumanDuration and
pkg/printers/internalversion/printers_test.go (TestPrintPod, TestPrintDeployment,
TestPrintReplicaSet, TestPrintJob, TestPrintNodeStatus, TestPrintService...), with the Go
case names as ids; and the table layout of cli-runtime's tabwriter."""

from __future__ import annotations

import pytest

from kubefold import printers

NOW = 1_700_000_000


def ts(seconds_ago: int) -> str:
    from kubefold.core.schema import format_time
    return format_time(NOW - seconds_ago)


@pytest.mark.parametrize(("seconds", "want"), [
    (1, "1s"), (70, "70s"), (190, "3m10s"), (70 * 60, "70m"), (47 * 3600, "47h"),
    (49 * 3600, "2d1h"), ((8 * 24 + 2) * 3600, "8d"), (367 * 24 * 3600, "367d"),
    ((365 * 2 * 24 + 25) * 3600, "2y1d"), ((365 * 8 * 24 + 2) * 3600, "8y"),
    (-1, "0s"), (-2, "<invalid>"), (120, "2m"), (600, "10m"), (3 * 3600, "3h"),
], ids=["1s", "70s", "3m10s", "70m", "47h", "2d1h", "8d", "367d", "2y1d", "8y",
        "almost-now", "invalid", "2m", "10m", "3h"])
def test_human_duration(seconds, want):
    """TestHumanDuration (apimachinery util/duration)."""
    assert printers.human_duration(seconds) == want


def pod(name: str, containers: int, statuses: list, phase: str = "podPhase", **status):
    return {"kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": f"c{i}"} for i in range(containers)]},
            "status": {"phase": phase, "containerStatuses": statuses, **status}}


RUNNING = {"running": {}}

POD_CASES = [
    ("test1", pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                               {"restartCount": 3}]),
     ["1/2", "podPhase", "6", "<unknown>"]),
    ("test2-container-error-overwrites-phase",
     pod("test2", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"state": {"waiting": {"reason": "ContainerWaitingReason"}},
                       "restartCount": 3}]),
     ["1/2", "ContainerWaitingReason", "6", "<unknown>"]),
    ("test3-first-container-overwrites-the-rest",
     pod("test3", 2, [{"state": {"waiting": {"reason": "ContainerWaitingReason"}},
                       "restartCount": 3},
                      {"state": {"terminated": {"reason": "ContainerTerminatedReason"}},
                       "restartCount": 3}]),
     ["0/2", "ContainerWaitingReason", "6", "<unknown>"]),
    ("test4-ready-is-not-enough-for-running",
     pod("test4", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"ready": True, "restartCount": 3}]),
     ["1/2", "podPhase", "6", "<unknown>"]),
    ("test5-pod-reason", pod("test5", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                                          {"ready": True, "restartCount": 3}],
                             reason="podReason"),
     ["1/2", "podReason", "6", "<unknown>"]),
    ("test6-running-and-completed-without-ready-condition",
     pod("test6", 2, [{"ready": True, "restartCount": 3,
                       "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                      {"ready": True, "restartCount": 3, "state": RUNNING}], phase="Running"),
     ["1/2", "NotReady", "6", "<unknown>"]),
    ("test6-running-and-completed-with-ready-condition",
     pod("test6", 2, [{"ready": True, "restartCount": 3,
                       "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                      {"ready": True, "restartCount": 3, "state": RUNNING}], phase="Running",
         conditions=[{"type": "Ready", "status": "True"}]),
     ["1/2", "Running", "6", "<unknown>"]),
    ("test7-init-container-restarting",
     {**pod("test7", 1, [{"ready": False, "restartCount": 0, "state": {"waiting": {}}}],
            initContainerStatuses=[{"ready": False, "restartCount": 3, "state": RUNNING,
                                    "lastState": {"terminated": {"finishedAt": ts(10)}}}]),
      "spec": {"containers": [{"name": "c0"}], "initContainers": [{"name": "i0"}]}},
     ["0/1", "Init:0/1", "3 (10s ago)", "<unknown>"]),
    ("test8-init-container-terminated-with-reason",
     {**pod("test8", 1, [],
            initContainerStatuses=[{"state": {"terminated": {"reason": "Error",
                                                             "exitCode": 1}}}]),
      "spec": {"containers": [{"name": "c0"}], "initContainers": [{"name": "i0"}]}},
     ["0/1", "Init:Error", "0", "<unknown>"]),
    ("test9-container-exit-code-without-reason",
     pod("test9", 1, [{"state": {"terminated": {"exitCode": 137}}}]),
     ["0/1", "ExitCode:137", "0", "<unknown>"]),
    ("test10-terminating",
     {**pod("test10", 1, [{"ready": True, "state": RUNNING}], phase="Running"),
      "metadata": {"name": "test10", "deletionTimestamp": ts(5)}},
     ["1/1", "Terminating", "0", "<unknown>"]),
    ("test11-node-lost-is-unknown",
     {**pod("test11", 1, [{"ready": True, "state": RUNNING}], phase="Running",
            reason="NodeLost"),
      "metadata": {"name": "test11", "deletionTimestamp": ts(5)}},
     ["1/1", "Unknown", "0", "<unknown>"]),
    ("test12-restartable-init-container-counts-as-ready",
     {**pod("test12", 1, [{"ready": True, "state": RUNNING}], phase="Running",
            initContainerStatuses=[{"name": "sidecar", "ready": True, "started": True,
                                    "state": RUNNING}],
            conditions=[{"type": "Initialized", "status": "True"}]),
      "spec": {"containers": [{"name": "c0"}],
               "initContainers": [{"name": "sidecar", "restartPolicy": "Always"}]}},
     ["2/2", "Running", "0", "<unknown>"]),
    ("test13-scheduling-gated",
     pod("test13", 1, [], phase="Pending",
         conditions=[{"type": "PodScheduled", "status": "False",
                      "reason": "SchedulingGated"}]),
     ["0/1", "SchedulingGated", "0", "<unknown>"]),
]


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in POD_CASES],
                         ids=[c[0] for c in POD_CASES])
def test_print_pod(obj, want):
    """TestPrintPod (and TestPrintPodWithRestartableInitContainer, SchedulingGated)."""
    row, _ = printers.pod_row(obj, NOW)
    assert row == want


def test_print_pod_wide():
    """TestPrintPodwide: IP, node, nominated node, readiness gates."""
    obj = pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                           {"restartCount": 3}], podIP="1.1.1.1", nominatedNodeName="node1")
    obj["spec"].update(nodeName="test1", readinessGates=[{"conditionType": "condition1"}])
    obj["status"]["conditions"] = [{"type": "condition1", "status": "True"}]
    _, wide = printers.pod_row(obj, NOW)
    assert wide == ["1.1.1.1", "test1", "node1", "1/1"]


def test_print_deployment():
    """TestPrintDeployment: READY ready/desired, UP-TO-DATE, AVAILABLE, AGE; wide containers,
    images, selector."""
    obj = {"kind": "Deployment", "metadata": {"name": "test1", "creationTimestamp": ts(0)},
           "spec": {"replicas": 5, "selector": {"matchLabels": {"foo": "bar"}},
                    "template": {"spec": {"containers": [
                        {"name": "fake-container1", "image": "fake-image1"},
                        {"name": "fake-container2", "image": "fake-image2"}]}}},
           "status": {"replicas": 10, "updatedReplicas": 2, "availableReplicas": 1,
                      "unavailableReplicas": 4}}
    row, wide = printers.deployment_row(obj, NOW)
    assert row == ["0/5", "2", "1", "0s"]
    assert wide == ["fake-container1,fake-container2", "fake-image1,fake-image2", "foo=bar"]


def test_print_replicaset():
    """TestPrintReplicaSet: DESIRED, CURRENT, READY, AGE."""
    obj = {"kind": "ReplicaSet", "metadata": {"name": "test1", "creationTimestamp": ts(0)},
           "spec": {"replicas": 5, "selector": {"matchLabels": {"foo": "bar"}},
                    "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}},
           "status": {"replicas": 5, "readyReplicas": 2}}
    assert printers.replicaset_row(obj, NOW) == (["5", "5", "2", "0s"], ["c", "i", "foo=bar"])


@pytest.mark.parametrize(("spec", "status", "conditions", "want"), [
    ({"completions": 2}, {"succeeded": 1, "startTime": ts(120)}, [],
     ["Running", "1/2", "2m", "0s"]),
    ({}, {"succeeded": 0}, [], ["Running", "0/1", "", "0s"]),
    ({"parallelism": 2}, {"succeeded": 1}, [], ["Running", "1/1 of 2", "", "0s"]),
    ({"completions": 2}, {"succeeded": 2, "startTime": ts(200), "completionTime": ts(100)},
     [{"type": "Complete", "status": "True"}], ["Complete", "2/2", "100s", "0s"]),
    ({"completions": 2}, {"failed": 1}, [{"type": "Failed", "status": "True"}],
     ["Failed", "0/2", "", "0s"]),
    ({"completions": 2}, {}, [{"type": "Suspended", "status": "True"}],
     ["Suspended", "0/2", "", "0s"]),
], ids=["job1-running", "job2-no-completions", "job3-parallelism", "job4-complete",
        "job5-failed", "job6-suspended"])
def test_print_job(spec, status, conditions, want):
    """TestPrintJob: STATUS, COMPLETIONS, DURATION, AGE."""
    obj = {"kind": "Job", "metadata": {"name": "job1", "creationTimestamp": ts(0)},
           "spec": spec, "status": {**status, "conditions": conditions}}
    assert printers.job_row(obj, NOW)[0] == want


@pytest.mark.parametrize(("node", "want"), [
    ({"status": {"conditions": [{"type": "Ready", "status": "True"}]}}, "Ready"),
    ({"spec": {"unschedulable": True},
      "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
     "Ready,SchedulingDisabled"),
    ({"status": {"conditions": [{"type": "Ready", "status": "False"}]}}, "NotReady"),
    ({"status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}}, "NotReady"),
    ({"status": {"conditions": [{"type": "InvalidValue", "status": "True"}]}}, "Unknown"),
    ({"spec": {"unschedulable": True}, "status": {}}, "Unknown,SchedulingDisabled"),
], ids=["foo1", "foo2", "foo3", "foo4", "foo5", "foo6"])
def test_print_node_status(node, want):
    """TestPrintNodeStatus."""
    obj = {"kind": "Node", "metadata": {"name": "n"}, **node}
    assert printers.node_row(obj, NOW)[0][0] == want


def test_print_node_role():
    """TestPrintNodeRole."""
    obj = {"kind": "Node", "metadata": {"name": "n", "labels": {
        "node-role.kubernetes.io/foo": "", "node-role.kubernetes.io/bar": "",
        "kubernetes.io/role": "node"}}}
    assert printers.node_row(obj, NOW)[0][1] == "bar,foo,node"


@pytest.mark.parametrize(("spec", "status", "want"), [
    ({"type": "ClusterIP", "clusterIP": "10.9.8.7", "ports": [{"protocol": "TCP",
                                                               "port": 2233}]},
     {}, ["ClusterIP", "10.9.8.7", "<none>", "2233/TCP"]),
    ({"type": "NodePort", "clusterIP": "10.9.8.7",
      "ports": [{"protocol": "TCP", "port": 8888, "nodePort": 9999}]},
     {}, ["NodePort", "10.9.8.7", "<none>", "8888:9999/TCP"]),
    ({"type": "LoadBalancer", "clusterIP": "10.9.8.7",
      "ports": [{"protocol": "TCP", "port": 8888}]},
     {}, ["LoadBalancer", "10.9.8.7", "<pending>", "8888/TCP"]),
    ({"type": "LoadBalancer", "clusterIP": "10.9.8.7", "externalIPs": ["80.11.12.10"],
      "ports": [{"protocol": "TCP", "port": 8888}]},
     {"loadBalancer": {"ingress": [{"ip": "3.4.5.6"}]}},
     ["LoadBalancer", "10.9.8.7", "3.4.5.6,80.11.12.10", "8888/TCP"]),
    ({"type": "ExternalName", "externalName": "my.database.example.com"},
     {}, ["ExternalName", "<none>", "my.database.example.com", "<none>"]),
], ids=["cluster-ip", "node-port", "load-balancer-pending", "load-balancer",
        "external-name"])
def test_print_service(spec, status, want):
    """TestPrintService."""
    obj = {"kind": "Service", "metadata": {"name": "s", "creationTimestamp": ts(0)},
           "spec": spec, "status": status}
    assert printers.service_row(obj, NOW)[0][:4] == want


def test_print_pdb_and_hpa():
    """TestPrintPodDisruptionBudget and TestPrintHorizontalPodAutoscaler (one case each)."""
    pdb = {"kind": "PodDisruptionBudget", "metadata": {"name": "pdb1"},
           "spec": {"minAvailable": 22}, "status": {"disruptionsAllowed": 5}}
    assert printers.pdb_row(pdb, NOW)[0][:3] == ["22", "N/A", "5"]
    hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
           "spec": {"scaleTargetRef": {"kind": "ReplicationController", "name": "some-rc"},
                    "minReplicas": 2, "maxReplicas": 10,
                    "metrics": [{"type": "Resource", "resource": {
                        "name": "cpu", "target": {"type": "Utilization",
                                                  "averageUtilization": 80}}}]},
           "status": {"currentReplicas": 4, "currentMetrics": [{"type": "Resource", "resource": {
               "name": "cpu", "current": {"averageUtilization": 50}}}]}}
    assert printers.hpa_row(hpa, NOW)[0][:5] == ["ReplicationController/some-rc",
                                                 "cpu: 50%/80%", "2", "10", "4"]


def test_tabwriter_layout_matches_kubectl():
    """Columns padded by 3 with a minimum width of 6; the last column unpadded."""
    lines = printers.tabulate([["NAME", "READY", "AGE"], ["web", "1/1", "5m"]])
    assert lines == ["NAME   READY   AGE", "web    1/1     5m"]


@pytest.mark.parametrize(("name", "kind"), [
    ("deploy", "Deployment"), ("deployments", "Deployment"), ("deployment.apps", "Deployment"),
    ("Deployment", "Deployment"), ("po", "Pod"), ("pods", "Pod"), ("svc", "Service"),
    ("rs", "ReplicaSet"), ("ns", "Namespace"), ("sts", "StatefulSet"), ("ds", "DaemonSet"),
    ("cj", "CronJob"), ("hpa", "HorizontalPodAutoscaler"), ("pdb", "PodDisruptionBudget"),
    ("ep", "Endpoints"), ("no", "Node"), ("jobs", "Job"), ("cm", "ConfigMap"),
])
def test_short_names(name, kind):
    assert printers.resolve_kind(name) == kind
