"""kubefold.printers against Kubernetes' printers, with the tables of
pkg/printers/internalversion/printers_test.go (v1.33/v1.34 era: mmorel-35/kubernetes@0b0abd6c,
with TestPrintPod's cases as in Goend/kubernetes@3bef414a) and
k8s.io/apimachinery util/duration duration_test.go ported case by case (ids name the Go test
and case); kubectl's layout (tabwriter, decorateTable, printTable) and the custom resource
table convertor (tableconvertor.go) with cases of their own.

Go's fixtures use time.Now(): `time.Now().Add(1.9e9)` (1.9 s ahead, printed "0s") is FUTURE
here, one whole second ahead; other times are whole seconds before NOW.
"""

from __future__ import annotations

import math

import pytest

from kubefold import printers
from kubefold.core.schema import format_time
from kubefold.printers import internalversion as iv
from kubefold.printers import tableconvertor as tc

NOW = 1_700_000_000


def ts(seconds_ago: int) -> str:
    return format_time(NOW - seconds_ago)


FUTURE = ts(-1)


def ids(cases, prefix=""):
    return [prefix + c[0] for c in cases]


# --- duration_test.go -------------------------------------------------------------------------

S, M, H, D, Y = 1, 60, 3600, 86400, 365 * 86400
HUMAN_DURATION = [(1, "1s"), (70, "70s"), (190, "3m10s"), (70 * M, "70m"), (47 * H, "47h"),
                  (49 * H, "2d1h"), ((8 * 24 + 2) * H, "8d"), (367 * D, "367d"),
                  ((365 * 2 * 24 + 25) * H, "2y1d"), ((365 * 8 * 24 + 2) * H, "8y")]
# TestHumanDurationBoundaries, in milliseconds; Go truncates the seconds toward zero.
BOUNDARIES_MS = [
    (-2000, "<invalid>"), (-1999, "0s"), (0, "0s"), (999, "0s"), (2 * M * 1000 - 1, "119s"),
    (2 * M * 1000, "2m"), ((2 * M + 1) * 1000, "2m1s"), (10 * M * 1000 - 1, "9m59s"),
    (10 * M * 1000, "10m"), ((10 * M + 1) * 1000, "10m"), (3 * H * 1000 - 1, "179m"),
    (3 * H * 1000, "3h"), ((3 * H + M) * 1000, "3h1m"), (8 * H * 1000 - 1, "7h59m"),
    (8 * H * 1000, "8h"), ((8 * H + 59 * M) * 1000, "8h"), (2 * D * 1000 - 1, "47h"),
    (2 * D * 1000, "2d"), ((2 * D + H) * 1000, "2d1h"), (8 * D * 1000 - 1, "7d23h"),
    (8 * D * 1000, "8d"), ((8 * D + 23 * H) * 1000, "8d"), (2 * Y * 1000 - 1, "729d"),
    (2 * Y * 1000, "2y"), ((2 * Y + 23 * H) * 1000, "2y"), ((2 * Y + 23 * H + 59 * M) * 1000,
                                                              "2y"),
    ((2 * Y + D) * 1000 - 1, "2y"), ((2 * Y + D) * 1000, "2y1d"), (3 * Y * 1000, "3y"),
    (4 * Y * 1000, "4y"), (5 * Y * 1000, "5y"), (6 * Y * 1000, "6y"), (7 * Y * 1000, "7y"),
    (8 * Y * 1000 - 1, "7y364d"), (8 * Y * 1000, "8y"), ((8 * Y + 364 * D) * 1000, "8y"),
    (9 * Y * 1000, "9y")]


@pytest.mark.parametrize(("seconds", "want"), HUMAN_DURATION,
                         ids=[f"TestHumanDuration/{w}" for _, w in HUMAN_DURATION])
def test_human_duration(seconds, want):
    assert printers.human_duration(seconds) == want


@pytest.mark.parametrize(("ms", "want"), BOUNDARIES_MS,
                         ids=[f"TestHumanDurationBoundaries/{ms}ms" for ms, _ in BOUNDARIES_MS])
def test_human_duration_boundaries(ms, want):
    assert printers.human_duration(math.trunc(ms / 1000)) == want


TRANSLATE = [("a while from now", ts(-2), "<invalid>"), ("almost now", FUTURE, "0s"),
             ("now", ts(0), "0s"), ("unknown", None, "<unknown>"), ("30 seconds ago", ts(30),
                                                                    "30s"),
             ("5 minutes ago", ts(300), "5m"), ("an hour ago", ts(6000), "100m"),
             ("2 days ago", ts(2 * D), "2d"), ("months ago", ts(90 * D), "90d"),
             ("10 years ago", ts(10 * Y), "10y")]


@pytest.mark.parametrize(("value", "want"), [c[1:] for c in TRANSLATE],
                         ids=ids(TRANSLATE, "TestTranslateTimestampSince/"))
def test_translate_timestamp_since(value, want):
    assert printers.since(value, NOW) == want


# --- TestPrintNamespace, TestPrintSecret, TestPrintServiceAccount (printers_test.go) ---------

NAMESPACE_CASES = [
    ("TestPrintNamespace/status-and-age",
     {"kind": "Namespace", "metadata": {"name": "namespace1", "creationTimestamp": FUTURE},
      "status": {"phase": "FooStatus"}},
     ["namespace1", "FooStatus", "0s"]),
    ("TestPrintNamespace/no-status-no-age",
     {"kind": "Namespace", "metadata": {"name": "namespace2"}},
     ["namespace2", "", "<unknown>"]),
    ("TestPrintSecret/type-data-age",
     {"kind": "Secret", "metadata": {"name": "secret1", "creationTimestamp": FUTURE},
      "type": "kubernetes.io/service-account-token", "data": {"token": "c2VjcmV0IGRhdGE="}},
     ["secret1", "kubernetes.io/service-account-token", "1", "0s"]),
    ("TestPrintSecret/no-data",
     {"kind": "Secret", "metadata": {"name": "secret1", "creationTimestamp": FUTURE},
      "type": "kubernetes.io/service-account-token"},
     ["secret1", "kubernetes.io/service-account-token", "0", "0s"]),
    ("TestPrintServiceAccount/no-secrets",
     {"kind": "ServiceAccount", "metadata": {"name": "sa1", "creationTimestamp": FUTURE},
      "secrets": []},
     ["sa1", "0", "0s"]),
    ("TestPrintServiceAccount/two-secrets",
     {"kind": "ServiceAccount", "metadata": {"name": "sa1", "creationTimestamp": FUTURE},
      "secrets": [{"name": "Secret1"}, {"name": "Secret2"}]},
     ["sa1", "2", "0s"]),
]

# --- TestPrintNodeStatus, TestPrintNodeRole, TestPrintNodeName (not wide) --------------------

def node(name, conditions=None, unschedulable=False, labels=None, addresses=None, info=None):
    obj = {"kind": "Node", "metadata": {"name": name}, "spec": {}, "status": {}}
    if labels:
        obj["metadata"]["labels"] = labels
    if unschedulable:
        obj["spec"]["unschedulable"] = True
    if conditions is not None:
        obj["status"]["conditions"] = conditions
    if addresses is not None:
        obj["status"]["addresses"] = addresses
    if info is not None:
        obj["status"]["nodeInfo"] = info
    return obj

READY = {"type": "Ready", "status": "True"}
NOT_READY = {"type": "Ready", "status": "False"}
INVALID = {"type": "InvalidValue", "status": "True"}

NODE_CASES = [
    ("TestPrintNodeStatus/foo1", node("foo1", [READY]),
     ["foo1", "Ready", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo2", node("foo2", [READY], unschedulable=True),
     ["foo2", "Ready,SchedulingDisabled", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo3", node("foo3", [READY, READY]),
     ["foo3", "Ready", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo4", node("foo4", [NOT_READY]),
     ["foo4", "NotReady", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo5", node("foo5", [NOT_READY], unschedulable=True),
     ["foo5", "NotReady,SchedulingDisabled", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo6", node("foo6", [INVALID]),
     ["foo6", "Unknown", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo7", node("foo7", [{}]),
     ["foo7", "Unknown", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo8", node("foo8", [INVALID], unschedulable=True),
     ["foo8", "Unknown,SchedulingDisabled", "<none>", "<unknown>", ""]),
    ("TestPrintNodeStatus/foo9", node("foo9", [{}], unschedulable=True),
     ["foo9", "Unknown,SchedulingDisabled", "<none>", "<unknown>", ""]),
    ("TestPrintNodeRole/no-labels", node("foo9"),
     ["foo9", "Unknown", "<none>", "<unknown>", ""]),
    ("TestPrintNodeRole/four-roles",
     node("foo10", labels={"node-role.kubernetes.io/master": "",
                           "node-role.kubernetes.io/control-plane": "",
                           "node-role.kubernetes.io/proxy": "", "kubernetes.io/role": "node"}),
     ["foo10", "Unknown", "control-plane,master,node,proxy", "<unknown>", ""]),
    ("TestPrintNodeRole/kubernetes.io-role", node("foo11", labels={"kubernetes.io/role": "node"}),
     ["foo11", "Unknown", "node", "<unknown>", ""]),
    ("TestPrintNodeName/ip-name", node("127.0.0.1"),
     ["127.0.0.1", "Unknown", "<none>", "<unknown>", ""]),
    ("TestPrintNodeName/empty-name", node(""), ["", "Unknown", "<none>", "<unknown>", ""]),
]

EXT_1111 = [{"type": "ExternalIP", "address": "1.1.1.1"}]
INT_1111 = [{"type": "InternalIP", "address": "1.1.1.1"}]
U = "<unknown>"
NODE_WIDE_CASES = [
    ("TestPrintNodeOSImage/foo1",
     node("foo1", addresses=EXT_1111, info={"osImage": "fake-os-image"}),
     ["foo1", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", "fake-os-image", U, U]),
    ("TestPrintNodeOSImage/foo2",
     node("foo2", addresses=EXT_1111, info={"kernelVersion": "fake-kernel-version"}),
     ["foo2", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", U, "fake-kernel-version", U]),
    ("TestPrintNodeContainerRuntimeVersion/foo1",
     node("foo1", addresses=EXT_1111, info={"containerRuntimeVersion": "foo://1.2.3"}),
     ["foo1", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", U, U, "foo://1.2.3"]),
    ("TestPrintNodeContainerRuntimeVersion/foo2", node("foo2", addresses=EXT_1111, info={}),
     ["foo2", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", U, U, U]),
    ("TestPrintNodeExternalIP/foo1", node("foo1", addresses=EXT_1111),
     ["foo1", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", U, U, U]),
    ("TestPrintNodeExternalIP/foo2", node("foo2", addresses=INT_1111),
     ["foo2", "Unknown", "<none>", U, "", "1.1.1.1", "<none>", U, U, U]),
    ("TestPrintNodeExternalIP/foo3",
     node("foo3", addresses=[{"type": "ExternalIP", "address": "2.2.2.2"},
                             {"type": "InternalIP", "address": "3.3.3.3"},
                             {"type": "ExternalIP", "address": "4.4.4.4"}]),
     ["foo3", "Unknown", "<none>", U, "", "3.3.3.3", "2.2.2.2", U, U, U]),
    ("TestPrintNodeInternalIP/foo1", node("foo1", addresses=INT_1111),
     ["foo1", "Unknown", "<none>", U, "", "1.1.1.1", "<none>", U, U, U]),
    ("TestPrintNodeInternalIP/foo2", node("foo2", addresses=EXT_1111),
     ["foo2", "Unknown", "<none>", U, "", "<none>", "1.1.1.1", U, U, U]),
    ("TestPrintNodeInternalIP/foo3",
     node("foo3", addresses=[{"type": "InternalIP", "address": "2.2.2.2"},
                             {"type": "ExternalIP", "address": "3.3.3.3"},
                             {"type": "InternalIP", "address": "4.4.4.4"}]),
     ["foo3", "Unknown", "<none>", U, "", "2.2.2.2", "3.3.3.3", U, U, U]),
]

# --- TestPrintIngress, TestPrintIngressClass --------------------------------------------------
TEN_YEARS = ts(10 * 365 * 24 * 3600)
INGRESS_CASES = [
    ("TestPrintIngress",
     {"kind": "Ingress", "metadata": {"name": "test1", "creationTimestamp": TEN_YEARS},
      "spec": {"ingressClassName": "foo", "defaultBackend": {"service": {
          "name": "default-backend", "port": {"name": "default-backend", "number": 80}}}},
      "status": {"loadBalancer": {"ingress": [{"ip": "2.3.4.5",
                                               "hostname": "localhost.localdomain"}]}}},
     ["test1", "foo", "*", "2.3.4.5", "80", "10y"]),
    ("TestPrintIngressClass/example-with-params",
     {"kind": "IngressClass", "metadata": {"name": "test1", "creationTimestamp": TEN_YEARS},
      "spec": {"controller": "example.com/controller",
               "parameters": {"kind": "customgroup", "name": "example"}}},
     ["test1", "example.com/controller", "customgroup/example", "10y"]),
    ("TestPrintIngressClass/example-with-params-and-api-group",
     {"kind": "IngressClass", "metadata": {"name": "test1", "creationTimestamp": TEN_YEARS},
      "spec": {"controller": "example.com/controller",
               "parameters": {"apiGroup": "example.com", "kind": "customgroup",
                              "name": "example"}}},
     ["test1", "example.com/controller", "customgroup.example.com/example", "10y"]),
    ("TestPrintIngressClass/example-without-params",
     {"kind": "IngressClass", "metadata": {"name": "test2",
                                           "creationTimestamp": ts(11 * 365 * 24 * 3600)},
      "spec": {"controller": "example.com/controller2"}},
     ["test2", "example.com/controller2", "<none>", "11y"]),
]

# --- TestPrintServiceLoadBalancer (wide False unless said) ------------------------------------
def lb_service(name, ip, ports, ingress=None, selector=None):
    spec = {"clusterIPs": [ip], "type": "LoadBalancer",
            "ports": [{"port": p, "protocol": proto} for p, proto in ports]}
    if selector:
        spec["selector"] = selector
    obj = {"kind": "Service", "metadata": {"name": name}, "spec": spec}
    if ingress is not None:
        obj["status"] = {"loadBalancer": {"ingress": ingress}}
    return obj

THREE = [(80, "TCP"), (8090, "UDP"), (8000, "TCP")]
LB3 = [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]
SERVICE_LB_CASES = [
    ("TestPrintServiceLoadBalancer/multiple-external-ips",
     lb_service("service1", "1.2.3.4", [(80, "TCP")], [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]),
     False, ["service1", "LoadBalancer", "1.2.3.4", "2.3.4.5,3.4.5.6", "80/TCP", "<unknown>"]),
    ("TestPrintServiceLoadBalancer/pending-external-ip",
     lb_service("service2", "1.3.4.5", THREE + [(7777, "SCTP")]),
     False, ["service2", "LoadBalancer", "1.3.4.5", "<pending>",
             "80/TCP,8090/UDP,8000/TCP,7777/SCTP", "<unknown>"]),
    ("TestPrintServiceLoadBalancer/multiple-ports",
     lb_service("service3", "1.4.5.6", THREE, [{"ip": "2.3.4.5"}]),
     False, ["service3", "LoadBalancer", "1.4.5.6", "2.3.4.5", "80/TCP,8090/UDP,8000/TCP",
             "<unknown>"]),
    ("TestPrintServiceLoadBalancer/long-external-ips-elided",
     lb_service("service4", "1.5.6.7", THREE, LB3),
     False, ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5...",
             "80/TCP,8090/UDP,8000/TCP", "<unknown>"]),
    ("TestPrintServiceLoadBalancer/wide-includes-selector",
     lb_service("service4", "1.5.6.7", THREE, LB3, {"foo": "bar"}),
     True, ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5.6,5.6.7.8",
            "80/TCP,8090/UDP,8000/TCP", "<unknown>", "foo=bar"]),
]

# --- TestPrintPod ----------------------------------------------------------------------------
def pod(name, containers=1, statuses=(), phase="podPhase", init=None, init_statuses=None,
        deleted=None, **status):
    """A pod as the Go tables build it: `containers` unnamed containers, `init` a count of
    unnamed init containers or a list of init container specs."""
    spec = {"containers": [{"name": ""} for _ in range(containers)]}
    if init is not None:
        spec["initContainers"] = ([{"name": ""} for _ in range(init)]
                                  if isinstance(init, int) else init)
    st = {"phase": phase, **status}
    if statuses:
        st["containerStatuses"] = list(statuses)
    if init_statuses is not None:
        st["initContainerStatuses"] = list(init_statuses)
    meta = {"name": name}
    if deleted is not None:
        meta["deletionTimestamp"] = deleted
    return {"kind": "Pod", "metadata": meta, "spec": spec, "status": st}

RUNNING = {"running": {}}
WAITING = {"waiting": {}}

def last_term(seconds_ago):
    return {"terminated": {"finishedAt": ts(seconds_ago)}}

DAY = 24 * 3600
DELETED = ts(10)
POD_CASES = [
    ("test1-name-containers-restarts-ready",
     pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING}, {"restartCount": 3}]),
     ["test1", "1/2", "podPhase", "6", "<unknown>"]),
    ("test2-container-error-overwrites-phase",
     pod("test2", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"state": {"waiting": {"reason": "ContainerWaitingReason"}},
                       "restartCount": 3}]),
     ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"]),
    ("test3-first-container-overwrites-the-rest",
     pod("test3", 2, [{"state": {"waiting": {"reason": "ContainerWaitingReason"}},
                       "restartCount": 3},
                      {"state": {"terminated": {"reason": "ContainerTerminatedReason"}},
                       "restartCount": 3}]),
     ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"]),
    ("test4-ready-is-not-enough-for-running",
     pod("test4", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"ready": True, "restartCount": 3}]),
     ["test4", "1/2", "podPhase", "6", "<unknown>"]),
    ("test5-pod-reason",
     pod("test5", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"ready": True, "restartCount": 3}], reason="podReason"),
     ["test5", "1/2", "podReason", "6", "<unknown>"]),
    ("test6-running-and-completed-without-ready-condition",
     pod("test6", 2, [{"ready": True, "restartCount": 3,
                       "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                      {"ready": True, "restartCount": 3, "state": RUNNING}], phase="Running"),
     ["test6", "1/2", "NotReady", "6", "<unknown>"]),
    ("test6-running-and-completed-with-ready-condition",
     pod("test6", 2, [{"ready": True, "restartCount": 3,
                       "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                      {"ready": True, "restartCount": 3, "state": RUNNING}], phase="Running",
         conditions=[{"type": "Ready", "status": "True", "lastProbeTime": ts(0)}]),
     ["test6", "1/2", "Running", "6", "<unknown>"]),
    ("test7-init-container-restarting",
     pod("test7", 1, [{"ready": False, "restartCount": 0, "state": WAITING}], init=1,
         init_statuses=[{"ready": False, "restartCount": 3, "state": RUNNING,
                         "lastState": last_term(10)}]),
     ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"]),
    ("test8-two-init-one-restarting-one-not-running",
     pod("test8", 1, [{"ready": False, "state": WAITING}], init=2,
         init_statuses=[{"ready": False, "restartCount": 3, "state": RUNNING,
                         "lastState": last_term(10)},
                        {"ready": False, "state": WAITING}]),
     ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"]),
    ("test9-two-init-one-completed-one-restarting",
     pod("test9", 1, [{"ready": False, "state": WAITING}], init=2,
         init_statuses=[{"ready": False, "state": {"terminated": {}}},
                        {"ready": False, "restartCount": 3, "state": RUNNING,
                         "lastState": last_term(10)}]),
     ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"]),
    ("test10-two-init-completed-with-restarts-and-restarting",
     pod("test10", 1, [{"ready": False, "state": WAITING}], init=2,
         init_statuses=[{"ready": False, "restartCount": 2, "state": {"terminated": {}},
                         "lastState": last_term(120)},
                        {"ready": False, "restartCount": 3, "state": RUNNING,
                         "lastState": last_term(10)}]),
     ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"]),
    ("test11-init-completed-with-restarts-container-restarting",
     pod("test11", 1, [{"ready": False, "restartCount": 4, "state": RUNNING,
                        "lastState": last_term(20)}], phase="Running", init=1,
         init_statuses=[{"ready": False, "restartCount": 2, "state": {"terminated": {}},
                         "lastState": last_term(120)}]),
     ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"]),
    ("test12-restarted-5d-ago",
     pod("test12", 1, [{"ready": True, "restartCount": 3, "state": RUNNING,
                        "lastState": last_term(5 * DAY)}], phase="Running"),
     ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"]),
    ("test13-one-never-restarted-one-10d-ago",
     pod("test13", 2, [{"ready": True, "restartCount": 0, "state": RUNNING},
                       {"ready": True, "restartCount": 3, "state": RUNNING,
                        "lastState": last_term(10 * DAY)}], phase="Running"),
     ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"]),
    ("test14-restarted-5d-and-20d-ago",
     pod("test14", 2, [{"ready": True, "restartCount": 6, "state": RUNNING,
                        "lastState": last_term(5 * DAY)},
                       {"ready": True, "restartCount": 3, "state": RUNNING,
                        "lastState": last_term(20 * DAY)}], phase="Running"),
     ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"]),
    ("test15-scheduling-gated",
     pod("test15", 2, conditions=[{"type": "PodScheduled", "status": "False",
                                   "reason": "SchedulingGated"}]),
     ["test15", "0/2", "SchedulingGated", "0", "<unknown>"]),
    ("test16-succeeded",
     pod("test16", 1, [{"ready": False, "restartCount": 0,
                        "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}],
         phase="Succeeded"),
     ["test16", "0/1", "Completed", "0", "<unknown>"]),
    ("test17-failed",
     pod("test17", 1, [{"ready": False, "restartCount": 0,
                        "state": {"terminated": {"reason": "Error", "exitCode": 1}}}],
         phase="Failed"),
     ["test17", "0/1", "Error", "0", "<unknown>"]),
    ("test18-succeeded-with-deletion",
     pod("test18", 1, [{"ready": False, "restartCount": 0,
                        "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}],
         phase="Succeeded", deleted=DELETED),
     ["test18", "0/1", "Completed", "0", "<unknown>"]),
    ("test19-running-with-deletion",
     pod("test19", 1, [{"ready": False, "restartCount": 0, "state": RUNNING}], phase="Running",
         deleted=DELETED),
     ["test19", "0/1", "Terminating", "0", "<unknown>"]),
    ("test20-pending-with-deletion",
     pod("test20", 1, phase="Pending", deleted=DELETED),
     ["test20", "0/1", "Terminating", "0", "<unknown>"]),
]

SIDECARS = [{"name": "restartable-init-1", "restartPolicy": "Always"},
            {"name": "restartable-init-2", "restartPolicy": "Always"}]
SIDECAR_CASES = [
    ("test1-two-sidecars-first-running-not-started",
     pod("test1", 1, [{"ready": False, "restartCount": 0, "state": WAITING}], phase="Pending",
         init=SIDECARS,
         init_statuses=[{"name": "restartable-init-1", "ready": False, "restartCount": 3,
                         "state": RUNNING, "started": False, "lastState": last_term(10)},
                        {"name": "restartable-init-2", "ready": False, "state": WAITING,
                         "started": False}],
         conditions=[{"type": "Initialized", "status": "False"}]),
     ["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"]),
    ("test1-first-started-second-running-not-started",
     pod("test1", 1, [{"ready": False, "restartCount": 0, "state": WAITING}], phase="Pending",
         init=SIDECARS,
         init_statuses=[{"name": "restartable-init-1", "ready": False, "restartCount": 3,
                         "state": RUNNING, "started": True, "lastState": last_term(10)},
                        {"name": "restartable-init-2", "ready": False, "state": RUNNING,
                         "started": False}],
         conditions=[{"type": "Initialized", "status": "False"}]),
     ["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"]),
    ("test2-two-sidecars-started-container-running",
     pod("test2", 1, [{"ready": True, "restartCount": 4, "state": RUNNING,
                       "lastState": last_term(20)}], phase="Running", init=SIDECARS,
         init_statuses=[{"name": "restartable-init-1", "ready": False, "restartCount": 3,
                         "state": RUNNING, "started": True, "lastState": last_term(10)},
                        {"name": "restartable-init-2", "ready": False, "state": RUNNING,
                         "started": True}],
         conditions=[{"type": "Initialized", "status": "True"}]),
     ["test2", "1/3", "Running", "7 (10s ago)", "<unknown>"]),
    ("test3-sidecars-exited-non-zero-container-completed",
     pod("test3", 1, [{"ready": False, "restartCount": 4,
                       "state": {"terminated": {"reason": "Completed", "exitCode": 0}},
                       "lastState": last_term(20)}], phase="Succeeded", init=SIDECARS,
         init_statuses=[{"name": "restartable-init-1", "ready": False, "restartCount": 3,
                         "state": {"terminated": {"reason": "Error", "exitCode": 137}},
                         "started": False, "lastState": last_term(10)},
                        {"name": "restartable-init-2", "ready": False,
                         "state": {"terminated": {"reason": "Error", "exitCode": 137}},
                         "started": False}],
         conditions=[{"type": "Initialized", "status": "True"}]),
     ["test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"]),
    ("test4-statuses-for-non-existent-containers",
     {"kind": "Pod", "metadata": {"name": "test4"},
      "spec": {"initContainers": [{"name": "init1", "image": "initimage"},
                                  {"name": "sidecar1", "image": "sidecarimage",
                                   "restartPolicy": "Always"}],
               "containers": [{"name": "container1", "image": "containerimage"}]},
      "status": {"phase": "Running",
                 "initContainerStatuses": [{"name": "initinvalid"}, {"name": "init1"},
                                           {"name": "sidecar1"}],
                 "containerStatuses": [{"name": "containerinvalid"}, {"name": "container1"}]}},
     ["test4", "0/2", "Init:0/2", "0", "<unknown>"]),
]

GATES = [{"conditionType": "condition1"}, {"conditionType": "condition2"},
         {"conditionType": "condition3"}]
GATE_CONDITIONS = [{"type": "condition1", "status": "False"},
                   {"type": "condition2", "status": "True"}]
POD_WIDE_CASES = [
    ("test1-node-and-ip",
     {**pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                         {"restartCount": 3}], podIPs=[{"ip": "1.1.1.1"}],
            nominatedNodeName="node1", conditions=GATE_CONDITIONS)},
     ["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"]),
    ("test1-dual-stack-first-ip",
     {**pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                         {"restartCount": 3}], podIPs=[{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}],
            nominatedNodeName="node1", conditions=GATE_CONDITIONS)},
     ["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"]),
    ("test2-no-node-no-ip",
     pod("test2", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"state": {"waiting": {"reason": "ContainerWaitingReason"}},
                       "restartCount": 3}]),
     ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>", "<none>", "<none>", "<none>",
      "<none>"]),
]
for _case in POD_WIDE_CASES[:2]:
    _case[1]["spec"].update(nodeName="test1", readinessGates=GATES)

TWO_RUNNING_ONE = [{"ready": True, "restartCount": 3, "state": RUNNING}, {"restartCount": 3}]
POD_PHASE_CASES = [
    ("TestPrintPodConditions/running", pod("test1", 2, TWO_RUNNING_ONE, phase="Running"),
     ["test1", "1/2", "Running", "6", "<unknown>"]),
    ("TestPrintPodConditions/succeeded", pod("test1", 2, TWO_RUNNING_ONE, phase="Succeeded"),
     ["test1", "1/2", "Succeeded", "6", "<unknown>"]),
    ("TestPrintPodConditions/failed", pod("test2", 2, TWO_RUNNING_ONE, phase="Failed"),
     ["test2", "1/2", "Failed", "6", "<unknown>"]),
    ("TestPrintPodList/test1",
     pod("test1", 2, [{"ready": True, "restartCount": 3, "state": RUNNING}] * 2),
     ["test1", "2/2", "podPhase", "6", "<unknown>"]),
    ("TestPrintPodList/test2",
     pod("test2", 1, [{"ready": True, "restartCount": 1, "state": RUNNING}]),
     ["test2", "1/1", "podPhase", "1", "<unknown>"]),
    ("TestPrintNonTerminatedPod/running", pod("test1", 2, TWO_RUNNING_ONE, phase="Running"),
     ["test1", "1/2", "Running", "6", "<unknown>"]),
    ("TestPrintNonTerminatedPod/pending", pod("test2", 2, TWO_RUNNING_ONE, phase="Pending"),
     ["test2", "1/2", "Pending", "6", "<unknown>"]),
    ("TestPrintNonTerminatedPod/unknown", pod("test3", 2, TWO_RUNNING_ONE, phase="Unknown"),
     ["test3", "1/2", "Unknown", "6", "<unknown>"]),
    ("TestPrintNonTerminatedPod/succeeded", pod("test4", 2, TWO_RUNNING_ONE, phase="Succeeded"),
     ["test4", "1/2", "Succeeded", "6", "<unknown>"]),
    ("TestPrintNonTerminatedPod/failed",
     pod("test5", 2, [{"ready": True, "restartCount": 3, "state": RUNNING},
                      {"ready": True, "restartCount": 3}], phase="Failed"),
     ["test5", "1/2", "Failed", "6", "<unknown>"]),
]

def template(name, containers=(), labels=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"kind": "PodTemplate", "metadata": {"name": name},
            "template": {"metadata": meta, "spec": {"containers": list(containers)}}}

FAKE2 = [{"name": "fake-container1", "image": "fake-image1"},
         {"name": "fake-container2", "image": "fake-image2"}]
POD_TEMPLATE_CASES = [
    ("TestPrintPodTemplate/no-containers", template("pod-template-1"),
     ["pod-template-1", "", "", "<none>"]),
    ("TestPrintPodTemplate/two-containers", template("pod-template-2", FAKE2),
     ["pod-template-2", "fake-container1,fake-container2", "fake-image1,fake-image2", "<none>"]),
    ("TestPrintPodTemplate/pod-labels", template("pod-template-3", labels={"foo": "bar"}),
     ["pod-template-3", "", "", "foo=bar"]),
    ("TestPrintPodTemplateList/pod-template-1",
     {**template("pod-template-1", labels={"foo": "bar"})}, ["pod-template-1", "", "", "foo=bar"]),
    ("TestPrintPodTemplateList/pod-template-2",
     {**template("pod-template-2", labels={"a": "b"})}, ["pod-template-2", "", "", "a=b"]),
]

# --- TestPrintDeployment, TestPrintDaemonSet(List), TestPrintJob(List) -----------------------
DEPLOYMENT = {"kind": "Deployment", "metadata": {"name": "test1", "creationTimestamp": FUTURE},
              "spec": {"replicas": 5, "template": {"spec": {"containers": FAKE2}},
                       "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"replicas": 10, "updatedReplicas": 2, "availableReplicas": 1,
                         "unavailableReplicas": 4}}
DAEMONSET = {"kind": "DaemonSet", "metadata": {"name": "test1", "creationTimestamp": FUTURE},
             "spec": {"template": {"spec": {"containers": FAKE2}},
                      "selector": {"matchLabels": {"foo": "bar"}}},
             "status": {"currentNumberScheduled": 2, "desiredNumberScheduled": 3,
                        "numberReady": 1, "updatedNumberScheduled": 2, "numberAvailable": 0}}
JOB_CONTAINERS = [{"name": "fake-job-container1", "image": "fake-job-image1"},
                  {"name": "fake-job-container2", "image": "fake-job-image2"}]

def job(name, created=FUTURE, completions=None, status=None, deleted=None, template=False,
        selector=None):
    spec = {}
    if completions is not None:
        spec["completions"] = completions
    if template:
        spec["template"] = {"spec": {"containers": JOB_CONTAINERS}}
    if selector:
        spec["selector"] = {"matchLabels": selector}
    meta = {"name": name, "creationTimestamp": created}
    if deleted:
        meta["deletionTimestamp"] = deleted
    return {"kind": "Job", "metadata": meta, "spec": spec, "status": status or {}}

TEN_Y = ts(10 * 365 * 24 * 3600)

def cond(ctype, status="True"):
    return {"type": ctype, "status": status}

WORKLOAD_CASES = [
    ("TestPrintDeployment/no-options", DEPLOYMENT, False, ["test1", "0/5", "2", "1", "0s"]),
    ("TestPrintDeployment/wide", DEPLOYMENT, True,
     ["test1", "0/5", "2", "1", "0s", "fake-container1,fake-container2",
      "fake-image1,fake-image2", "foo=bar"]),
    ("TestPrintDaemonSet/no-options", DAEMONSET, False,
     ["test1", "3", "2", "1", "2", "0", "<none>", "0s"]),
    ("TestPrintDaemonSet/wide", DAEMONSET, True,
     ["test1", "3", "2", "1", "2", "0", "<none>", "0s", "fake-container1,fake-container2",
      "fake-image1,fake-image2", "foo=bar"]),
    ("TestPrintDaemonSetList/daemonset2",
     {"kind": "DaemonSet", "metadata": {"name": "daemonset2", "creationTimestamp": FUTURE},
      "spec": {"template": {}, "selector": {"matchLabels": {"foo": "bar"}}},
      "status": {"currentNumberScheduled": 4, "desiredNumberScheduled": 2, "numberReady": 9,
                 "updatedNumberScheduled": 3, "numberAvailable": 3}}, False,
     ["daemonset2", "2", "4", "9", "3", "3", "<none>", "0s"]),
    ("TestPrintJob/no-options",
     job("job1", completions=2, status={"succeeded": 1}, template=True,
         selector={"job-label": "job-lable-value"}), False,
     ["job1", "Running", "1/2", "", "0s"]),
    ("TestPrintJob/wide",
     job("job1", completions=2, status={"succeeded": 1}, template=True,
         selector={"job-label": "job-label-value"}), True,
     ["job1", "Running", "1/2", "", "0s", "fake-job-container1,fake-job-container2",
      "fake-job-image1,fake-job-image2", "job-label=job-label-value"]),
    ("TestPrintJob/ten-year-age", job("job2", created=TEN_Y, status={"succeeded": 0}), False,
     ["job2", "Running", "0/1", "", "10y"]),
    ("TestPrintJob/duration",
     job("job3", created=TEN_Y, status={"succeeded": 0, "startTime": ts(-60),
                                        "completionTime": ts(-31 * 60)}), False,
     ["job3", "Running", "0/1", "30m", "10y"]),
    ("TestPrintJob/running-20m",
     job("job4", created=TEN_Y, status={"succeeded": 0, "startTime": ts(20 * 60)}), False,
     ["job4", "Running", "0/1", "20m", "10y"]),
    ("TestPrintJob/complete", job("job5", status={"conditions": [cond("Complete")]}), False,
     ["job5", "Complete", "0/1", "", "0s"]),
    ("TestPrintJob/failed", job("job6", status={"conditions": [cond("Failed")]}), False,
     ["job6", "Failed", "0/1", "", "0s"]),
    ("TestPrintJob/suspended", job("job7", status={"conditions": [cond("Suspended")]}), False,
     ["job7", "Suspended", "0/1", "", "0s"]),
    ("TestPrintJob/failure-target",
     job("job8", status={"conditions": [cond("FailureTarget")]}), False,
     ["job8", "FailureTarget", "0/1", "", "0s"]),
    ("TestPrintJob/terminating", job("job9", deleted=FUTURE), False,
     ["job9", "Terminating", "0/1", "", "0s"]),
    ("TestPrintJobList/job2",
     job("job2", completions=2, status={"succeeded": 2, "startTime": ts(20 * 60)},
         template=True), False,
     ["job2", "Running", "2/2", "20m", "0s"]),
]

# --- TestPrintHPA ------------------------------------------------------------------------------
def hpa(metrics=None, current=None, min_replicas=2):
    spec = {"scaleTargetRef": {"name": "some-rc", "kind": "ReplicationController"},
            "maxReplicas": 10}
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    if metrics is not None:
        spec["metrics"] = metrics
    status = {"currentReplicas": 4, "desiredReplicas": 5}
    if current is not None:
        status["currentMetrics"] = current
    return {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "some-hpa"}, "spec": spec,
            "status": status}

SEL = {"matchLabels": {"label": "value"}}

def external(target, name="some-external-metric"):
    return {"type": "External", "external": {"metric": {"name": name, "selector": SEL},
                                             "target": target}}

def external_status(current):
    return {"type": "External", "external": {"metric": {"name": "some-external-metric"},
                                             "current": current}}

def pods_metric(value, name="some-pods-metric"):
    return {"type": "Pods", "pods": {"metric": {"name": name},
                                     "target": {"type": "AverageValue", "averageValue": value}}}

def pods_status(value):
    return {"type": "Pods", "pods": {"metric": {"name": "some-pods-metric"},
                                     "current": {"averageValue": value}}}

OBJ_REF = {"name": "some-service", "kind": "Service"}

def object_metric(target):
    return {"type": "Object", "object": {"describedObject": OBJ_REF,
                                         "metric": {"name": "some-service-metric"},
                                         "target": target}}

def resource_metric(target, key="resource", container=None):
    body = {"name": "cpu", "target": target}
    if container:
        body["container"] = container
    kind = "Resource" if key == "resource" else "ContainerResource"
    return {"type": kind, key: body}

def resource_status(current, key="resource", container=None):
    body = {"name": "cpu", "current": current}
    if container:
        body["container"] = container
    kind = "Resource" if key == "resource" else "ContainerResource"
    return {"type": kind, key: body}

AVG100 = {"type": "AverageValue", "averageValue": "100m"}
VAL100 = {"type": "Value", "value": "100m"}
UTIL80 = {"type": "Utilization", "averageUtilization": 80}
CR = "containerResource"
HPA_CASES = [
    ("minReplicas-unset", hpa(min_replicas=None), "<none>", "<unset>"),
    ("external-average-value-no-current", hpa([external(AVG100)]), "<unknown>/100m (avg)", "2"),
    ("external-average-value",
     hpa([external(AVG100)], [external_status({"averageValue": "50m"})]), "50m/100m (avg)", "2"),
    ("external-value-no-current",
     hpa([external(VAL100, "some-service-metric")]), "<unknown>/100m", "2"),
    ("external-value", hpa([external(VAL100)], [external_status({"value": "50m"})]),
     "50m/100m", "2"),
    ("pods-no-current", hpa([pods_metric("100m")]), "<unknown>/100m", "2"),
    ("pods", hpa([pods_metric("100m")], [pods_status("50m")]), "50m/100m", "2"),
    ("object-no-current", hpa([object_metric(VAL100)]), "<unknown>/100m", "2"),
    ("object",
     hpa([object_metric(VAL100)],
         [{"type": "Object", "object": {"describedObject": OBJ_REF,
                                        "metric": {"name": "some-service-metric"},
                                        "current": {"value": "50m"}}}]), "50m/100m", "2"),
    ("resource-target-value-no-current", hpa([resource_metric(AVG100)]),
     "cpu: <unknown>/100m", "2"),
    ("resource-target-value",
     hpa([resource_metric(AVG100)], [resource_status({"averageValue": "50m"})]),
     "cpu: 50m/100m", "2"),
    ("resource-target-util-no-current", hpa([resource_metric(UTIL80)]),
     "cpu: <unknown>/80%", "2"),
    ("resource-target-util",
     hpa([resource_metric(UTIL80)],
         [resource_status({"averageUtilization": 50, "averageValue": "40m"})]),
     "cpu: 50%/80%", "2"),
    ("container-resource-target-value-no-current",
     hpa([resource_metric(AVG100, CR, "application")]), "cpu: <unknown>/100m", "2"),
    ("container-resource-target-value",
     hpa([resource_metric(AVG100, CR)],
         [resource_status({"averageValue": "50m"}, CR, "application")]), "cpu: 50m/100m", "2"),
    ("container-resource-target-util-no-current",
     hpa([resource_metric(UTIL80, CR, "application")]), "cpu: <unknown>/80%", "2"),
    ("container-resource-target-util",
     hpa([resource_metric(UTIL80, CR)],
         [resource_status({"averageUtilization": 50, "averageValue": "40m"}, CR,
                          "application")]), "cpu: 50%/80%", "2"),
    ("multiple-specs",
     hpa([pods_metric("100m"), resource_metric(UTIL80), pods_metric("400m", "other-pods-metric")],
         [pods_status("50m"),
          resource_status({"averageUtilization": 50, "averageValue": "40m"})]),
     "50m/100m, cpu: 50%/80% + 1 more...", "2"),
]

# --- TestPrintService, TestPrintServiceList ---------------------------------------------------
def service(name, stype, ports=(), cluster_ips=("10.9.8.7",), external_ips=None, ingress=None,
            selector=None, external_name=None):
    spec = {"type": stype}
    if ports:
        spec["ports"] = list(ports)
    if cluster_ips:
        spec["clusterIPs"] = list(cluster_ips)
    if external_ips:
        spec["externalIPs"] = list(external_ips)
    if selector:
        spec["selector"] = selector
    if external_name:
        spec["externalName"] = external_name
    obj = {"kind": "Service", "metadata": {"name": name}, "spec": spec}
    if ingress:
        obj["status"] = {"loadBalancer": {"ingress": ingress}}
    return obj

P2233 = [{"protocol": "tcp", "port": 2233}]
P8888 = [{"protocol": "tcp", "port": 8888}]
SERVICE_CASES = [
    ("test1-cluster-ip", service("test1", "ClusterIP", P2233, selector={"foo": "bar"}), False,
     ["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>"]),
    ("test1-wide-selector", service("test1", "ClusterIP", P2233, selector={"foo": "bar"}), True,
     ["test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>", "foo=bar"]),
    ("test2-node-port",
     service("test2", "NodePort", [{"protocol": "tcp", "port": 8888, "nodePort": 9999}]), False,
     ["test2", "NodePort", "10.9.8.7", "<none>", "8888:9999/tcp", "<unknown>"]),
    ("test3-load-balancer", service("test3", "LoadBalancer", P8888), False,
     ["test3", "LoadBalancer", "10.9.8.7", "<pending>", "8888/tcp", "<unknown>"]),
    ("test4-lb-external-ip-no-status",
     service("test4", "LoadBalancer", P8888, external_ips=["80.11.12.10"]), False,
     ["test4", "LoadBalancer", "10.9.8.7", "80.11.12.10", "8888/tcp", "<unknown>"]),
    ("test5-lb-external-ip",
     service("test5", "LoadBalancer", P8888, external_ips=["80.11.12.10"],
             ingress=[{"ip": "3.4.5.6", "hostname": "test.cluster.com"}]), False,
     ["test5", "LoadBalancer", "10.9.8.7", "3.4.5.6,80.11.12.10", "8888/tcp", "<unknown>"]),
    ("test6-lb-multiple-external-ips",
     service("test6", "LoadBalancer", P8888, external_ips=["80.11.12.10", "80.11.12.11"],
             ingress=[{"ip": "2.3.4.5", "hostname": "test.cluster.local"},
                      {"ip": "3.4.5.6", "hostname": "test.cluster.com"}]), False,
     ["test6", "LoadBalancer", "10.9.8.7", "2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11",
      "8888/tcp", "<unknown>"]),
    ("test7-external-name",
     service("test7", "ExternalName", cluster_ips=(), external_name="my.database.example.com"),
     False, ["test7", "ExternalName", "<none>", "my.database.example.com", "<none>",
             "<unknown>"]),
    ("TestPrintServiceList/service2",
     service("service2", "NodePort", [{"protocol": "udp", "port": 5566}], ["1.2.3.4"]), False,
     ["service2", "NodePort", "1.2.3.4", "<none>", "5566/udp", "<unknown>"]),
]

# --- TestPrintPodDisruptionBudget(List) -------------------------------------------------------
def pdb(name, ns, allowed, **spec):
    return {"kind": "PodDisruptionBudget",
            "metadata": {"namespace": ns, "name": name, "creationTimestamp": FUTURE},
            "spec": spec, "status": {"disruptionsAllowed": allowed}}

PDB_CASES = [
    ("min-available", pdb("pdb1", "ns1", 5, minAvailable=22), ["pdb1", "22", "N/A", "5", "0s"]),
    ("max-unavailable", pdb("pdb2", "ns2", 5, maxUnavailable=11),
     ["pdb2", "N/A", "11", "5", "0s"]),
    ("list-min-available", pdb("pdb2", "ns2", 3, minAvailable=22),
     ["pdb2", "22", "N/A", "3", "0s"]),
    ("kubefold-percent-min-available", pdb("pdb3", "ns3", 0, minAvailable="50%"),
     ["pdb3", "50%", "N/A", "0", "0s"]),
]

# --- TestPrintControllerRevision, TestPrintConfigMap, TestPrintNetworkPolicy, RoleBinding -----
def revision(name, rev, owners):
    meta = {"name": name, "creationTimestamp": FUTURE}
    if owners is not None:
        meta["ownerReferences"] = owners
    return {"kind": "ControllerRevision", "metadata": meta, "revision": rev}

SUBJECTS = [{"kind": "User", "name": "user-name"}, {"kind": "Group", "name": "group-name"},
            {"kind": "ServiceAccount", "name": "service-account-name",
             "namespace": "service-account-namespace"}]

def binding(kind, name, subjects, role):
    return {"kind": kind, "metadata": {"name": name, "creationTimestamp": FUTURE},
            "subjects": subjects, "roleRef": {"kind": "Role", "name": role}}

MISC_CASES = [
    ("TestPrintControllerRevision/controller",
     revision("test1", 1, [{"controller": True, "apiVersion": "apps/v1", "kind": "DaemonSet",
                            "name": "foo"}]), False, ["test1", "daemonset.apps/foo", "1", "0s"]),
    ("TestPrintControllerRevision/not-controller",
     revision("test2", 2, [{"controller": False, "kind": "ABC", "name": "foo"}]), False,
     ["test2", "<none>", "2", "0s"]),
    ("TestPrintControllerRevision/empty-owners", revision("test3", 3, []), False,
     ["test3", "<none>", "3", "0s"]),
    ("TestPrintControllerRevision/nil-owners", revision("test4", 4, None), False,
     ["test4", "<none>", "4", "0s"]),
    ("TestPrintConfigMap/no-data",
     {"kind": "ConfigMap", "metadata": {"name": "configmap1", "creationTimestamp": FUTURE}},
     False, ["configmap1", "0", "0s"]),
    ("TestPrintConfigMap/one-data",
     {"kind": "ConfigMap", "metadata": {"name": "configmap2", "creationTimestamp": FUTURE},
      "data": {"foo": "bar"}}, False, ["configmap2", "1", "0s"]),
    ("TestPrintConfigMap/data-and-binary-data",
     {"kind": "ConfigMap", "metadata": {"name": "configmap3", "creationTimestamp": FUTURE},
      "data": {"foo": "bar"}, "binaryData": {"bin": "YmluYXJ5IGRhdGE="}}, False,
     ["configmap3", "2", "0s"]),
    ("TestPrintNetworkPolicy/empty-spec",
     {"kind": "NetworkPolicy", "metadata": {"name": "policy1", "creationTimestamp": FUTURE},
      "spec": {}}, False, ["policy1", "<none>", "0s"]),
    ("TestPrintNetworkPolicy/pod-selector",
     {"kind": "NetworkPolicy", "metadata": {"name": "policy2", "creationTimestamp": FUTURE},
      "spec": {"podSelector": {"matchLabels": {"foo": "bar"}}}}, False,
     ["policy2", "foo=bar", "0s"]),
    ("TestPrintRoleBinding/basic",
     binding("RoleBinding", "binding1", [{"kind": "User",
                                          "name": "system:kube-controller-manager"}],
             "extension-apiserver-authentication-reader"), False,
     ["binding1", "Role/extension-apiserver-authentication-reader", "0s"]),
    ("TestPrintRoleBinding/wide",
     binding("RoleBinding", "binding2", SUBJECTS, "role-name"), True,
     ["binding2", "Role/role-name", "0s", "user-name", "group-name",
      "service-account-namespace/service-account-name"]),
    ("TestPrintClusterRoleBinding/basic",
     binding("ClusterRoleBinding", "binding1",
             [{"kind": "User", "name": "system:kube-controller-manager"}],
             "extension-apiserver-authentication-reader"), False,
     ["binding1", "Role/extension-apiserver-authentication-reader", "0s"]),
    ("TestPrintClusterRoleBinding/wide",
     binding("ClusterRoleBinding", "binding2", SUBJECTS, "role-name"), True,
     ["binding2", "Role/role-name", "0s", "user-name", "group-name",
      "service-account-namespace/service-account-name"]),
]

# --- TestPrintReplicationController, TestPrintReplicaSet(List), TestPrintStatefulSet -----------
RC_TEMPLATE = {"metadata": {"labels": {"a": "b"}},
               "spec": {"containers": [{"name": "test", "image": "test_image",
                                        "imagePullPolicy": "IfNotPresent"}]}}

def rc(replicas=None, status=None, name="rc1"):
    spec = {"selector": {"a": "b"}, "template": RC_TEMPLATE}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"kind": "ReplicationController", "metadata": {"name": name,
                                                           "namespace": "test-namespace"},
            "spec": spec, "status": status or {}}

REPLICASET = {"kind": "ReplicaSet", "metadata": {"name": "test1", "creationTimestamp": FUTURE},
              "spec": {"replicas": 5, "template": {"spec": {"containers": FAKE2}},
                       "selector": {"matchLabels": {"foo": "bar"}}},
              "status": {"replicas": 5, "readyReplicas": 2}}
STATEFULSET = {"kind": "StatefulSet", "metadata": {"name": "test1", "creationTimestamp": FUTURE},
               "spec": {"replicas": 5, "template": {"spec": {"containers": FAKE2}}},
               "status": {"replicas": 5, "readyReplicas": 2}}
REPLICA_CASES = [
    ("TestPrintReplicationController/no-replicas-no-status", rc(), False,
     ["rc1", "0", "0", "0", "<unknown>"]),
    ("TestPrintReplicationController/replicas",
     rc(5, {"replicas": 3, "readyReplicas": 1}), False, ["rc1", "5", "3", "1", "<unknown>"]),
    ("TestPrintReplicationController/wide",
     rc(5, {"replicas": 3, "readyReplicas": 1}), True,
     ["rc1", "5", "3", "1", "<unknown>", "test", "test_image", "a=b"]),
    ("TestPrintReplicationController/bookmark-event",
     {"kind": "ReplicationController",
      "metadata": {"annotations": {"k8s.io/initial-events-end": "true"}}}, True,
     ["", "0", "0", "0", "<unknown>", "", "", "<none>"]),
    ("TestPrintReplicaSet/no-options", REPLICASET, False, ["test1", "5", "5", "2", "0s"]),
    ("TestPrintReplicaSet/wide", REPLICASET, True,
     ["test1", "5", "5", "2", "0s", "fake-container1,fake-container2", "fake-image1,fake-image2",
      "foo=bar"]),
    ("TestPrintReplicaSetList/replicaset2",
     {"kind": "ReplicaSet", "metadata": {"name": "replicaset2", "creationTimestamp": FUTURE},
      "spec": {"replicas": 4, "template": {}, "selector": {"matchLabels": {"foo": "bar"}}},
      "status": {"replicas": 3, "readyReplicas": 1}}, False,
     ["replicaset2", "4", "3", "1", "0s"]),
    ("TestPrintStatefulSet/no-options", STATEFULSET, False, ["test1", "2/5", "0s"]),
    ("TestPrintStatefulSet/wide", STATEFULSET, True,
     ["test1", "2/5", "0s", "fake-container1,fake-container2", "fake-image1,fake-image2"]),
]

# --- TestPrintPersistentVolume, TestPrintPersistentVolumeClaim --------------------------------
CLAIM_REF = {"name": "test", "namespace": "default"}

def pv(name, phase, modes, size, scn=None, vacn=None):
    spec = {"claimRef": CLAIM_REF, "accessModes": modes, "capacity": {"storage": size}}
    if scn:
        spec["storageClassName"] = scn
    if vacn:
        spec["volumeAttributesClassName"] = vacn
    return {"kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec,
            "status": {"phase": phase}}

def pv_row(name, size, modes, phase, scn="", vacn="<unset>"):
    return [name, size, modes, "", phase, "default/test", scn, vacn, "", "<unknown>", "<unset>"]

PV_CASES = [
    ("bound", pv("test1", "Bound", ["ReadOnlyMany"], "4Gi"),
     pv_row("test1", "4Gi", "ROX", "Bound")),
    ("failed", pv("test2", "Failed", ["ReadOnlyMany"], "4Gi"),
     pv_row("test2", "4Gi", "ROX", "Failed")),
    ("pending", pv("test3", "Pending", ["ReadWriteMany"], "10Gi"),
     pv_row("test3", "10Gi", "RWX", "Pending")),
    ("pending-storage-class", pv("test4", "Pending", ["ReadWriteOnce"], "10Gi", "my-scn"),
     pv_row("test4", "10Gi", "RWO", "Pending", "my-scn")),
    ("pending-storage-class-vac",
     pv("test4", "Pending", ["ReadWriteOnce"], "10Gi", "my-scn", "my-vacn"),
     pv_row("test4", "10Gi", "RWO", "Pending", "my-scn", "my-vacn")),
    ("available", pv("test5", "Available", ["ReadWriteOnce"], "10Gi", "my-scn"),
     pv_row("test5", "10Gi", "RWO", "Available", "my-scn")),
    ("released", pv("test6", "Released", ["ReadWriteOnce"], "10Gi", "my-scn"),
     pv_row("test6", "10Gi", "RWO", "Released", "my-scn")),
]

def pvc(name, phase, modes, size, volume=None, scn=None, vacn=None, mode="Filesystem"):
    spec = {}
    if volume:
        spec["volumeName"] = volume
    if scn:
        spec["storageClassName"] = scn
    if vacn:
        spec["volumeAttributesClassName"] = vacn
    if mode:
        spec["volumeMode"] = mode
    return {"kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec,
            "status": {"phase": phase, "accessModes": modes, "capacity": {"storage": size}}}

PVC_CASES = [
    ("test1-bound", pvc("test1", "Bound", ["ReadOnlyMany"], "4Gi", "my-volume"),
     ["test1", "Bound", "my-volume", "4Gi", "ROX", "", "<unset>", "<unknown>", "Filesystem"]),
    ("test2-lost-no-volume", pvc("test2", "Lost", ["ReadOnlyMany"], "4Gi"),
     ["test2", "Lost", "", "", "", "", "<unset>", "<unknown>", "Filesystem"]),
    ("test3-pending", pvc("test3", "Pending", ["ReadWriteMany"], "10Gi", "my-volume"),
     ["test3", "Pending", "my-volume", "10Gi", "RWX", "", "<unset>", "<unknown>", "Filesystem"]),
    ("test4-storage-class",
     pvc("test4", "Pending", ["ReadWriteOnce"], "10Gi", "my-volume", "my-scn"),
     ["test4", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>",
      "Filesystem"]),
    ("test5-no-volume-mode",
     pvc("test5", "Pending", ["ReadWriteOnce"], "10Gi", "my-volume", "my-scn", mode=None),
     ["test5", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "<unset>", "<unknown>",
      "<unset>"]),
    ("test5-volume-attributes-class",
     pvc("test5", "Pending", ["ReadWriteOnce"], "10Gi", "my-volume", "my-scn", "my-vacn",
         mode=None),
     ["test5", "Pending", "my-volume", "10Gi", "RWO", "my-scn", "my-vacn", "<unknown>",
      "<unset>"]),
]

# --- TestPrintCronJob(List), TestPrintStorageClass, TestPrintLease ---------------------------
def cronjob(name, schedule="0/5 * * * ?", created=FUTURE, tz=None, last=None, template=True):
    spec = {"schedule": schedule, "suspend": False}
    if tz:
        spec["timeZone"] = tz
    if template:
        spec["jobTemplate"] = {"spec": {"completions": 2,
                                        "template": {"spec": {"containers": JOB_CONTAINERS}},
                                        "selector": {"matchLabels": {"a": "b"}}}}
    status = {"lastScheduleTime": last} if last else {}
    return {"kind": "CronJob", "metadata": {"name": name, "creationTimestamp": created},
            "spec": spec, "status": status}

FIVE_MIN = ts(300)
CRONJOB_CASES = [
    ("basic", cronjob("cronjob1", last=FUTURE), False,
     ["cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s"]),
    ("time-zone", cronjob("cronjob1", tz="LOCAL", last=FUTURE), False,
     ["cronjob1", "0/5 * * * ?", "LOCAL", "False", "0", "0s", "0s"]),
    ("wide", cronjob("cronjob1", last=FUTURE), True,
     ["cronjob1", "0/5 * * * ?", "<none>", "False", "0", "0s", "0s",
      "fake-job-container1,fake-job-container2", "fake-job-image1,fake-job-image2", "a=b"]),
    ("last-schedule-and-age", cronjob("cronjob2", created=FIVE_MIN, last=ts(30), template=False),
     False, ["cronjob2", "0/5 * * * ?", "<none>", "False", "0", "30s", "5m"]),
    ("no-last-schedule", cronjob("cronjob3", created=FIVE_MIN, template=False), False,
     ["cronjob3", "0/5 * * * ?", "<none>", "False", "0", "<none>", "5m"]),
    ("list-cronjob2", cronjob("cronjob2", "4/5 1 1 1 ?", last=ts(20 * 60)), False,
     ["cronjob2", "4/5 1 1 1 ?", "<none>", "False", "0", "20m", "0s"]),
]

def storage_class(name, created, provisioner, reclaim=None, binding=None, expansion=None):
    obj = {"kind": "StorageClass", "metadata": {"name": name, "creationTimestamp": created},
           "provisioner": provisioner}
    if reclaim:
        obj["reclaimPolicy"] = reclaim
    if binding:
        obj["volumeBindingMode"] = binding
    if expansion is not None:
        obj["allowVolumeExpansion"] = expansion
    return obj

NFS = "kubernetes.io/nfs"
STORAGE_CASES = [
    ("TestPrintStorageClass/sc1", storage_class("sc1", FUTURE, "kubernetes.io/glusterfs"),
     ["sc1", "kubernetes.io/glusterfs", "Delete", "Immediate", "false", "0s"]),
    ("TestPrintStorageClass/sc2", storage_class("sc2", FIVE_MIN, NFS),
     ["sc2", NFS, "Delete", "Immediate", "false", "5m"]),
    ("TestPrintStorageClass/sc3", storage_class("sc3", FIVE_MIN, NFS, "Delete"),
     ["sc3", NFS, "Delete", "Immediate", "false", "5m"]),
    ("TestPrintStorageClass/sc4", storage_class("sc4", FIVE_MIN, NFS, "Retain", "Immediate"),
     ["sc4", NFS, "Retain", "Immediate", "false", "5m"]),
    ("TestPrintStorageClass/sc5",
     storage_class("sc5", FIVE_MIN, NFS, "Retain", "WaitForFirstConsumer"),
     ["sc5", NFS, "Retain", "WaitForFirstConsumer", "false", "5m"]),
    ("TestPrintStorageClass/sc6",
     storage_class("sc6", FIVE_MIN, NFS, "Retain", "WaitForFirstConsumer", True),
     ["sc6", NFS, "Retain", "WaitForFirstConsumer", "true", "5m"]),
    ("TestPrintLease/lease1",
     {"kind": "Lease", "metadata": {"name": "lease1", "creationTimestamp": FUTURE},
      "spec": {"holderIdentity": "holder1"}}, ["lease1", "holder1", "0s"]),
    ("TestPrintLease/lease2",
     {"kind": "Lease", "metadata": {"name": "lease2", "creationTimestamp": FIVE_MIN},
      "spec": {"holderIdentity": "holder2"}}, ["lease2", "holder2", "5m"]),
]

# --- TestPrintPriorityClass (server-side tables are generated wide) ---------------------------
def priority_class(name, created, value, default=False, policy=None):
    obj = {"kind": "PriorityClass", "metadata": {"name": name, "creationTimestamp": created},
           "value": value}
    if default:
        obj["globalDefault"] = True
    if policy:
        obj["preemptionPolicy"] = policy
    return obj

PRIORITY_CASES = [
    ("PreemptNever", priority_class("pc1", FUTURE, 1, policy="Never"), False,
     ["pc1", "1", "false", "0s"]),
    ("PreemptLowerPriority",
     priority_class("pc2", FIVE_MIN, 1000000000, True, "PreemptLowerPriority"), False,
     ["pc2", "1000000000", "true", "5m"]),
    ("PreemptLowerPriority-wide",
     priority_class("pc2", FIVE_MIN, 1000000000, True, "PreemptLowerPriority"), True,
     ["pc2", "1000000000", "true", "5m", "PreemptLowerPriority"]),
    ("policy-unset-wide", priority_class("pc2", FIVE_MIN, 1000000000, True), True,
     ["pc2", "1000000000", "true", "5m", ""]),
]

# --- TestPrintEndpoint, TestPrintEndpointSlice ------------------------------------------------
def endpoints(name, created, addresses=None, ports=None):
    obj = {"kind": "Endpoints", "metadata": {"name": name, "creationTimestamp": created}}
    if addresses is not None:
        subset = {"addresses": [{"ip": ip} for ip in addresses]}
        if ports:
            subset["ports"] = ports
        obj["subsets"] = [subset]
    return obj

P8001 = [{"port": 8001, "protocol": "tcp"}]

def slice_(name, created, family, ports, endpoint_addresses):
    return {"kind": "EndpointSlice", "metadata": {"name": name, "creationTimestamp": created},
            "addressType": family,
            "ports": [{"name": n, "port": p, "protocol": "TCP"} for n, p in ports],
            "endpoints": [{"addresses": a} for a in endpoint_addresses]}

ADDR2 = [["10.1.2.3", "2001:db8::1234:5678"], ["10.2.3.4", "2001:db8::2345:6789"]]
ENDPOINT_CASES = [
    ("TestPrintEndpoint/no-ips", endpoints("endpoint1", FUTURE), ["endpoint1", "<none>", "0s"]),
    ("TestPrintEndpoint/no-ports", endpoints("endpoint3", FIVE_MIN, ["1.2.3.4", "5.6.7.8"]),
     ["endpoint3", "1.2.3.4,5.6.7.8", "5m"]),
    ("TestPrintEndpoint/two-ips-one-port",
     endpoints("endpoint2", FUTURE, ["1.2.3.4", "5.6.7.8"], P8001),
     ["endpoint2", "1.2.3.4:8001,5.6.7.8:8001", "0s"]),
    ("TestPrintEndpoint/more-than-three",
     endpoints("endpoint2", FUTURE, ["1.2.3.4", "5.6.7.8", "9.8.7.6", "6.6.6.6"], P8001),
     ["endpoint2", "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more...", "0s"]),
    ("TestPrintEndpointSlice/abcslice",
     slice_("abcslice.123", FUTURE, "IPv4", [("http", 80)], ADDR2[:1]),
     ["abcslice.123", "IPv4", "80", "10.1.2.3,2001:db8::1234:5678", "0s"]),
    ("TestPrintEndpointSlice/longerslicename",
     slice_("longerslicename.123", FIVE_MIN, "IPv6", [("http", 80), ("https", 443)], ADDR2),
     ["longerslicename.123", "IPv6", "80,443", "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...",
      "5m"]),
    ("TestPrintEndpointSlice/multiportslice",
     slice_("multiportslice.123", FIVE_MIN, "IPv4",
            [("http", 80), ("https", 443), ("extra1", 3000), ("extra2", 3001)], ADDR2),
     ["multiportslice.123", "IPv4", "80,443,3000 + 1 more...",
      "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...", "5m"]),
]


# --- the tests over the tables above ----------------------------------------------------------


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in NAMESPACE_CASES],
                         ids=ids(NAMESPACE_CASES))
def test_print_namespace_secret_service_account(obj, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in NODE_CASES], ids=ids(NODE_CASES))
def test_print_node(obj, want):
    assert iv.print_node(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in NODE_WIDE_CASES],
                         ids=ids(NODE_WIDE_CASES))
def test_print_node_wide(obj, want):
    assert iv.print_node(obj, NOW, True) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in INGRESS_CASES], ids=ids(INGRESS_CASES))
def test_print_ingress(obj, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in SERVICE_LB_CASES],
                         ids=ids(SERVICE_LB_CASES))
def test_print_service_load_balancer(obj, wide, want):
    assert iv.print_service(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in POD_CASES], ids=ids(POD_CASES,
                                                                                "TestPrintPod/"))
def test_print_pod(obj, want):
    assert iv.print_pod(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in SIDECAR_CASES],
                         ids=ids(SIDECAR_CASES, "TestPrintPodWithRestartableInitContainer/"))
def test_print_pod_with_restartable_init_container(obj, want):
    assert iv.print_pod(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in POD_WIDE_CASES],
                         ids=ids(POD_WIDE_CASES, "TestPrintPodwide/"))
def test_print_pod_wide(obj, want):
    assert iv.print_pod(obj, NOW, True) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in POD_PHASE_CASES],
                         ids=ids(POD_PHASE_CASES))
def test_print_pod_phases(obj, want):
    assert iv.print_pod(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in POD_TEMPLATE_CASES],
                         ids=ids(POD_TEMPLATE_CASES))
def test_print_pod_template(obj, want):
    assert iv.print_pod_template(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in WORKLOAD_CASES],
                         ids=ids(WORKLOAD_CASES))
def test_print_workloads(obj, wide, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "targets", "min_pods"), [c[1:] for c in HPA_CASES],
                         ids=ids(HPA_CASES, "TestPrintHPA/"))
def test_print_hpa(obj, targets, min_pods):
    assert iv.print_horizontal_pod_autoscaler(obj, NOW, False) == [
        "some-hpa", "ReplicationController/some-rc", targets, min_pods, "10", "4", "<unknown>"]


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in SERVICE_CASES],
                         ids=ids(SERVICE_CASES, "TestPrintService/"))
def test_print_service(obj, wide, want):
    assert iv.print_service(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in PDB_CASES],
                         ids=ids(PDB_CASES, "TestPrintPodDisruptionBudget/"))
def test_print_pod_disruption_budget(obj, want):
    assert iv.print_pod_disruption_budget(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in MISC_CASES], ids=ids(MISC_CASES))
def test_print_misc(obj, wide, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in REPLICA_CASES],
                         ids=ids(REPLICA_CASES))
def test_print_replicas(obj, wide, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in PV_CASES],
                         ids=ids(PV_CASES, "TestPrintPersistentVolume/"))
def test_print_persistent_volume(obj, want):
    assert iv.print_persistent_volume(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in PVC_CASES],
                         ids=ids(PVC_CASES, "TestPrintPersistentVolumeClaim/"))
def test_print_persistent_volume_claim(obj, want):
    assert iv.print_persistent_volume_claim(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in CRONJOB_CASES],
                         ids=ids(CRONJOB_CASES, "TestPrintCronJob/"))
def test_print_cron_job(obj, wide, want):
    assert iv.print_cron_job(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in STORAGE_CASES], ids=ids(STORAGE_CASES))
def test_print_storage_class_and_lease(obj, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, False) == want


@pytest.mark.parametrize(("obj", "wide", "want"), [c[1:] for c in PRIORITY_CASES],
                         ids=ids(PRIORITY_CASES, "TestPrintPriorityClass/"))
def test_print_priority_class(obj, wide, want):
    assert iv.print_priority_class(obj, NOW, wide) == want


@pytest.mark.parametrize(("obj", "want"), [c[1:] for c in ENDPOINT_CASES], ids=ids(ENDPOINT_CASES))
def test_print_endpoints(obj, want):
    assert iv.PRINTERS[obj["kind"]].cells(obj, NOW, False) == want


# --- kubectl's layout: tabwriter, decorateTable, printTable (kubefold's cases) ----------------


def test_tabwriter_pads_every_cell_but_the_last_to_its_widest_plus_three():
    lines = printers.tabulate([["NAME", "READY", "AGE"], ["web", "1/1", "5m"],
                               ["a-much-longer-name", "10/10", "3d4h"]])
    assert lines == ["NAME                 READY   AGE",
                     "web                  1/1     5m",
                     "a-much-longer-name   10/10   3d4h"]


def test_tabwriter_minimum_width_six_and_empty_last_cell():
    # text/tabwriter pads a tab-terminated cell even when the line's last cell is empty
    assert printers.tabulate([["A", "B", "C"], ["x", "", ""]]) == ["A     B     C", "x           "]


@pytest.mark.parametrize(("cell", "want"), [
    ("plain", "plain"), (None, ""), ("two\nlines", "two..."), ("cr\rhere", "cr..."),
    ("form\ffeed", "form..."), ("esc\x1b[31m", "esc^[[31m"),
], ids=["plain", "nil", "newline", "carriage-return", "form-feed", "escape"])
def test_print_table_cell_escaping(cell, want):
    assert printers.escape_cell(cell) == want


def _deploy(name, ns="default"):
    return {"kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": ts(65)},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"spec": {"containers": [{"name": "c", "image": "i:1"}]}}},
            "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}}


def test_decorate_table_namespace_kind_and_wide_columns():
    objs = [_deploy("web", "prod"), _deploy("api", "dev")]
    lines = printers.print_table(iv.PRINTERS["Deployment"], objs, NOW, wide=True,
                                 with_namespace=True, kind="deployment.apps")
    assert lines == [
        "NAMESPACE   NAME                  READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   "
        "IMAGES   SELECTOR",
        "prod        deployment.apps/web   1/2     2            1           65s   c            "
        "i:1      app=web",
        "dev         deployment.apps/api   1/2     2            1           65s   c            "
        "i:1      app=api"]
    narrow = printers.print_table(iv.PRINTERS["Deployment"], objs[:1], NOW)
    assert narrow == ["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    1/2     2            1"
                      "           65s"]
    assert printers.print_table(iv.PRINTERS["Deployment"], [], NOW) == []


def test_server_side_tables_are_generated_wide():
    """printerstorage.TableConvertor generates with Wide: true, so kubectl never clips a load
    balancer's addresses and prints PriorityClass's PREEMPTIONPOLICY column."""
    svc = lb_service("service4", "1.5.6.7", THREE, LB3)
    lines = printers.print_table(iv.PRINTERS["Service"], [svc], NOW)
    assert "2.3.4.5,3.4.5.6,5.6.7.8" in lines[1]
    pc = priority_class("pc2", FIVE_MIN, 1000000000, True, "PreemptLowerPriority")
    lines = printers.print_table(iv.PRINTERS["PriorityClass"], [pc], NOW)
    assert lines[0].split() == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    assert lines[1].split() == ["pc2", "1000000000", "true", "5m", "PreemptLowerPriority"]


def test_default_table_convertor_name_and_created_at():
    """Kinds without a printer (Role, ClusterRole, LimitRange, CustomResourceDefinition)."""
    role = {"kind": "Role", "metadata": {"name": "r", "creationTimestamp": "2024-01-02T03:04:05Z"}}
    assert printers.printer_for("Role", {}) is printers.DEFAULT
    assert printers.print_table(printers.DEFAULT, [role], NOW) == [
        "NAME   CREATED AT", "r      2024-01-02T03:04:05Z"]


# --- custom resources: tableconvertor.go (kubefold's cases) -----------------------------------


def _rollout(name, **status):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(300)},
            "spec": {"replicas": 5}, "status": status}


def test_rollout_columns_from_argo_rollouts_crd():
    printer = tc.convert_to_table(tc.KNOWN_BY_KIND["Rollout"])
    assert [c.name for c in printer.columns] == ["Name", "Desired", "Current", "Up-to-date",
                                                 "Available", "Age"]
    assert printer.cells(_rollout("demo", replicas=5, updatedReplicas=2), NOW) == [
        "demo", "5", "5", "2", None, "5m"]
    lines = printers.print_table(printer, [_rollout("demo", replicas=5, updatedReplicas=2)], NOW)
    assert lines == ["NAME   DESIRED   CURRENT   UP-TO-DATE   AVAILABLE   AGE",
                     "demo   5         5         2                        5m"]


def test_canary_wide_columns_and_types():
    canary = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
              "metadata": {"name": "podinfo", "creationTimestamp": ts(60)},
              "spec": {"suspend": False, "analysis": {"interval": "1m", "stepWeight": 10,
                                                      "maxWeight": 50, "stepWeights": [5, 10]}},
              "status": {"phase": "Progressing", "canaryWeight": 10, "failedChecks": 0,
                         "lastTransitionTime": "2023-11-14T22:12:20Z"}}
    printer = tc.convert_to_table(tc.KNOWN_BY_KIND["Canary"])
    assert printer.cells(canary, NOW) == [
        "podinfo", "Progressing", "10", "false", "0", "1m", None, "10", "[5,10]", "50",
        "2023-11-14T22:12:20Z"]
    narrow = printers.print_table(printer, [canary], NOW)
    assert narrow[0].split() == ["NAME", "STATUS", "WEIGHT", "LASTTRANSITIONTIME"]


def test_gateway_api_columns_print_lists_as_json_and_filter_conditions():
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "creationTimestamp": ts(10)},
             "spec": {"hostnames": ["a.example.com", "b.example.com"]}}
    gateway = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
               "metadata": {"name": "g", "creationTimestamp": ts(10)},
               "spec": {"gatewayClassName": "istio"},
               "status": {"addresses": [{"value": "10.0.0.1"}, {"value": "10.0.0.2"}],
                          "conditions": [{"type": "Accepted", "status": "True"},
                                         {"type": "Programmed", "status": "False"}]}}
    assert tc.convert_to_table(tc.KNOWN_BY_KIND["HTTPRoute"]).cells(route, NOW) == [
        "r", '["a.example.com","b.example.com"]', "10s"]
    assert tc.convert_to_table(tc.KNOWN_BY_KIND["Gateway"]).cells(gateway, NOW) == [
        "g", "istio", "10.0.0.1", "False", "10s"]


def test_crd_without_columns_prints_age_and_stored_definition_wins():
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Cluster",
                    "names": {"kind": "Widget", "plural": "widgets", "shortNames": ["wd"]},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "additionalPrinterColumns": [
                                      {"name": "Size", "type": "integer",
                                       "jsonPath": ".spec.size"},
                                      {"name": "Ratio", "type": "number",
                                       "jsonPath": ".spec.ratio"},
                                      {"name": "Created", "type": "date",
                                       "jsonPath": ".metadata.creationTimestamp"}]}]}}
    resource = tc.from_definition(crd)
    assert resource is not None and not resource.namespaced and resource.short_names == ("wd",)
    widget = {"apiVersion": "example.com/v1", "kind": "Widget",
              "metadata": {"name": "w", "creationTimestamp": "bad"},
              "spec": {"size": 3.0, "ratio": 1000000}}
    assert tc.convert_to_table(resource).cells(widget, NOW) == ["w", "3", "1e+06", "<invalid>"]
    bare = tc.convert_to_table(tc.CustomResource("example.com", "v1", "Thing", "things",
                                                 "thing"))
    assert [c.name for c in bare.columns] == ["Name", "Age"]


@pytest.mark.parametrize(("value", "want"), [
    (1000000.0, "1e+06"), (123456.0, "123456"), (0.5, "0.5"), (1e-05, "1e-05"),
    (0.0001, "0.0001"), (-2.5, "-2.5"), (1.234567e21, "1.234567e+21"), (0.0, "0")])
def test_go_float_formatting(value, want):
    """fmt's %v for the `number` column type."""
    assert tc.go_float(value) == want


# --- kubectl get: names, tables, formats (kubefold's cases) -----------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("deploy", "Deployment"), ("deployments", "Deployment"), ("deployment.apps", "Deployment"),
    ("deployments.apps", "Deployment"), ("Deployment", "Deployment"), ("po", "Pod"),
    ("pods", "Pod"), ("svc", "Service"), ("rs", "ReplicaSet"), ("ns", "Namespace"),
    ("no", "Node"), ("sts", "StatefulSet"), ("ds", "DaemonSet"), ("cj", "CronJob"),
    ("jobs", "Job"), ("hpa", "HorizontalPodAutoscaler"), ("pdb", "PodDisruptionBudget"),
    ("ep", "Endpoints"), ("cm", "ConfigMap"), ("sa", "ServiceAccount"), ("ev", "Event"),
    ("pvc", "PersistentVolumeClaim"), ("pv", "PersistentVolume"), ("ing", "Ingress"),
    ("netpol", "NetworkPolicy"), ("pc", "PriorityClass"), ("sc", "StorageClass"),
    ("crd", "CustomResourceDefinition"), ("rc", "ReplicationController"),
    ("quota", "ResourceQuota"), ("limits", "LimitRange"), ("endpointslices", "EndpointSlice"),
    ("ro", "Rollout"), ("rollouts.argoproj.io", "Rollout"), ("ar", "AnalysisRun"),
    ("canaries", "Canary"), ("canary.flagger.app", "Canary"), ("httproutes", "HTTPRoute"),
    ("vs", "VirtualService"), ("gtw", "Gateway"),
])
def test_short_names(name, kind):
    assert printers.resolve_kind(name, (), tc.KNOWN_BY_KIND) == kind


def test_unknown_resource_type():
    assert printers.resolve_kind("nonsense", (), tc.KNOWN_BY_KIND) is None


@pytest.mark.parametrize(("kinds", "namespace", "want"), [
    (("Deployment",), "default", "No resources found in default namespace."),
    (("Deployment", "Pod"), "prod", "No resources found in prod namespace."),
    (("Deployment",), None, "No resources found"),
    (("Node",), "default", "No resources found"),
    (("Pod", "Node"), "default", "No resources found"),
    (("ClusterAnalysisTemplate",), "default", "No resources found"),
])
def test_no_resources_message(kinds, namespace, want):
    assert printers.no_resources_message(kinds, namespace, tc.KNOWN_BY_KIND) == want


def test_all_category_includes_installed_custom_resources_in_it():
    assert printers.all_kinds(tc.KNOWN_BY_KIND, ()) == printers.ALL
    assert printers.all_kinds(tc.KNOWN_BY_KIND, ("Canary", "Rollout"))[-1] == "Canary"
    assert printers.ALL[:3] == ("Pod", "ReplicationController", "Service")


def test_qualified_names():
    assert printers.qualified_name(_deploy("web")) == "deployment.apps/web"
    assert printers.qualified_name({"kind": "Pod", "apiVersion": "v1",
                                    "metadata": {"name": "p"}}) == "pod/p"
    assert printers.qualified_name(_rollout("demo")) == "rollout.argoproj.io/demo"


def test_json_and_yaml_as_kubectl_writes_them():
    doc = {"b": [{"x": "1"}], "a": "", "c": "x<y & z", "d": "two\nlines\n"}
    assert printers.go_json_indent(doc) == (
        '{\n    "a": "",\n    "b": [\n        {\n            "x": "1"\n        }\n    ],\n'
        '    "c": "x\\u003cy \\u0026 z",\n    "d": "two\\nlines\\n"\n}\n')
    assert printers.go_yaml(doc) == (
        'a: ""\nb:\n- x: "1"\nc: x<y & z\nd: |\n  two\n  lines\n')


def test_hpa_autoscaling_v1_reads_through_the_cpu_metric():
    """The v1 conversion turns targetCPUUtilizationPercentage into a cpu Resource metric."""
    obj = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "h"},
           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
                    "targetCPUUtilizationPercentage": 80},
           "status": {"currentReplicas": 2, "currentCPUUtilizationPercentage": 50}}
    assert iv.print_horizontal_pod_autoscaler(obj, NOW)[2] == "cpu: 50%/80%"
    del obj["status"]["currentCPUUtilizationPercentage"]
    assert iv.print_horizontal_pod_autoscaler(obj, NOW)[2] == "cpu: <unknown>/80%"


def test_a_custom_kind_named_as_another_groups_kind_gets_its_own_columns():
    istio_gateway = {"apiVersion": "networking.istio.io/v1", "kind": "Gateway",
                     "metadata": {"name": "g", "creationTimestamp": ts(5)}}
    printer = printers.printer_for("Gateway", tc.KNOWN_BY_KIND, "networking.istio.io")
    assert [c.name for c in printer.columns] == ["Name", "Age"]
    assert printer.cells(istio_gateway, NOW, True) == ["g", "5s"]
    assert printers.printer_for("Gateway", tc.KNOWN_BY_KIND, "gateway.networking.k8s.io"
                                ).columns[1].name == "Class"
    assert printers.printer_for("Deployment", {}, "apps") is iv.PRINTERS["Deployment"]


def test_print_resource_quota():
    """TestPrintResourceQuota: requests and limits, sorted, `used/hard`."""
    used = {"cpu": "1", "memory": "1Gi", "pods": "1", "services": "1",
            "replicationcontrollers": "1", "resourcequotas": "1", "limits.cpu": "2",
            "limits.memory": "2Gi"}
    hard = {"cpu": "100", "memory": "4Gi", "pods": "10", "services": "10",
            "replicationcontrollers": "10", "resourcequotas": "1", "limits.cpu": "200",
            "limits.memory": "8Gi"}
    obj = {"kind": "ResourceQuota",
           "metadata": {"name": "test-resourcequota", "creationTimestamp": FIVE_MIN},
           "spec": {}, "status": {"used": used, "hard": hard}}
    assert iv.print_resource_quota(obj, NOW, False) == [
        "test-resourcequota", "cpu: 1/100, memory: 1Gi/4Gi, pods: 1/10, replicationcontrollers: "
        "1/10, resourcequotas: 1/1, services: 1/10", "limits.cpu: 2/200, limits.memory: 2Gi/8Gi",
        "5m"]


@pytest.mark.parametrize("kind", sorted(iv.PRINTERS))
def test_table_row_of_an_empty_object(kind):
    """TestTableRowDeepCopyShouldNotPanic: every printer takes an empty object, and its row
    (generated wide, as the apiserver does) has a cell per column."""
    printer = iv.PRINTERS[kind]
    cells = printer.cells({"kind": kind}, NOW, True)
    assert len(cells) == len(printer.columns)
