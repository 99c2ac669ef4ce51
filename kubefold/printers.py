"""What `kubectl get` prints, for a state: kubectl's columns for every built-in kind, its short
names, `-o wide|yaml|json|name`, and the AGE of each object by the state's clock.

The printers read an object's JSON (`encode_object`), never its class, so a kind another module
models later (StatefulSet, Job, HorizontalPodAutoscaler, ...) prints with kubectl's columns as
soon as it is stored. `PRINTERS` maps a kind to its columns and a row function; a kind without
one prints NAME and AGE, as kubectl prints a custom resource without printer columns.

Models (v1.34): pkg/printers/internalversion/printers.go (AddHandlers' column definitions and
printPod, printDeployment, printReplicaSet, printStatefulSet, printDaemonSet, printJob,
printCronJob, printService, printNode, printNamespace, printHorizontalPodAutoscaler,
printPodDisruptionBudget, printEndpoints, printEndpointSlice, printConfigMap, printSecret,
printServiceAccount, printControllerRevision, printPriorityClass, printLease, printIngress,
printReplicationController); k8s.io/apimachinery util/duration HumanDuration;
cli-runtime's tabwriter settings (minwidth 6, padding 3); kubectl get's multi-kind output
(`kind.group/name` names, one table per kind, a blank line between) and api-resources' short
names.
Simplifies:
- `all` is the `all` category of kube-apiserver: pods, services, daemonsets, deployments,
  replicasets, statefulsets, replicationcontrollers, horizontalpodautoscalers, jobs, cronjobs.
- No `--show-labels`, `--sort-by`, `-L`, custom columns or server-side printing; events
  are not stored, so `get events` lists none.
Covered by: tests/test_printers.py (kubectl's printer test tables), tests/test_get_golden.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import yaml

from kubefold.core import codec
from kubefold.core.kinds import KINDS, kind_info
from kubefold.core.labels import format_labels, label_selector_as_selector, parse_selector
from kubefold.core.objects import LabelSelector
from kubefold.core.schema import decode, parse_time

NONE = "<none>"


# -- durations and times -----------------------------------------------------------------------


def human_duration(seconds: int) -> str:
    """duration.HumanDuration: `45s`, `2m30s`, `15m`, `3h20m`, `2d5h`, `1y20d`."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def _time(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def since(value: Any, now: int) -> str:
    """translateTimestampSince: `<unknown>` for no time, else the human duration to now."""
    t = _time(value)
    return "<unknown>" if t is None else human_duration(now - t)


# -- helpers on JSON ---------------------------------------------------------------------------


def _get(obj: Mapping[str, Any], path: str, default: Any = None) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return default
        value = value.get(part)
        if value is None:
            return default
    return value


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _selector_string(selector: Any) -> str:
    """metav1.LabelSelectorAsSelector(...).String() of a JSON label selector."""
    if not isinstance(selector, Mapping):
        return ""
    try:
        return str(label_selector_as_selector(decode(LabelSelector, selector)))
    except Exception:  # an invalid selector prints as FormatLabelSelector's `<error>`
        return "<error>"


def _template_containers(obj: Mapping[str, Any], path: str = "spec.template.spec"
                         ) -> tuple[str, str]:
    """layoutContainerCells: container names and images, comma-joined."""
    containers = _get(obj, f"{path}.containers", []) or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return names, images


def _conditions(obj: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(c.get("type")): c for c in _get(obj, "status.conditions", []) or []
            if isinstance(c, Mapping)}


def _has_condition(obj: Mapping[str, Any], ctype: str) -> bool:
    c = _conditions(obj).get(ctype)
    return c is not None and c.get("status") == "True"


# -- rows per kind -----------------------------------------------------------------------------

Row = list[str]


def pod_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    """printPod: READY, STATUS (the reason rules), RESTARTS (with the last restart's age),
    AGE; wide: IP, NODE, NOMINATED NODE, READINESS GATES."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    restarts = 0
    restartable_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: int | None = None
    last_restartable: int | None = None
    reason = status.get("phase") or ""
    if status.get("reason"):
        reason = status["reason"]
    for c in status.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if c.get("restartPolicy") == "Always")

    def later(a: int | None, value: Any) -> int | None:
        t = _time(value)
        return t if t is not None and (a is None or t > a) else a

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += _int(cs.get("restartCount"))
        last_term = _get(cs, "lastState.terminated")
        if last_term:
            last_restart = later(last_restart, last_term.get("finishedAt"))
        sidecar = (init_specs.get(cs.get("name")) or {}).get("restartPolicy") == "Always"
        if sidecar:
            restartable_restarts += _int(cs.get("restartCount"))
            if last_term:
                last_restartable = later(last_restartable, last_term.get("finishedAt"))
        terminated = _get(cs, "state.terminated")
        waiting = _get(cs, "state.waiting")
        if terminated and _int(terminated.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated:
            if not terminated.get("reason"):
                reason = (f"Init:Signal:{terminated['signal']}" if terminated.get("signal")
                          else f"Init:ExitCode:{_int(terminated.get('exitCode'))}")
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    if not initializing or _has_condition(obj, "Initialized"):
        restarts, last_restart = restartable_restarts, last_restartable
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += _int(cs.get("restartCount"))
            last_term = _get(cs, "lastState.terminated")
            if last_term:
                last_restart = later(last_restart, last_term.get("finishedAt"))
            waiting, terminated = _get(cs, "state.waiting"), _get(cs, "state.terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated:
                reason = (f"Signal:{terminated['signal']}" if terminated.get("signal")
                          else f"ExitCode:{_int(terminated.get('exitCode'))}")
            elif cs.get("ready") and _get(cs, "state.running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if "Ready" in _conditions(obj) else "NotReady"
    deleting = _get(obj, "metadata.deletionTimestamp") is not None
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and status.get("phase") not in ("Succeeded", "Failed"):
        reason = "Terminating"
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    row = [f"{ready}/{total}", reason, restarts_text, since(_get(obj, "metadata.creationTimestamp"),
                                                          now)]
    gates = spec.get("readinessGates") or []
    gates_text = NONE
    if gates:
        conds = _conditions(obj)
        true = sum(1 for g in gates if (conds.get(g.get("conditionType")) or {}).get("status")
                   == "True")
        gates_text = f"{true}/{len(gates)}"
    wide = [status.get("podIP") or NONE, spec.get("nodeName") or NONE,
            status.get("nominatedNodeName") or NONE, gates_text]
    return row, wide


def deployment_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    row = [f"{_int(_get(obj, 'status.readyReplicas'))}/{_int(_get(obj, 'spec.replicas'))}",
           str(_int(_get(obj, "status.updatedReplicas"))),
           str(_int(_get(obj, "status.availableReplicas"))),
           since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images, _selector_string(_get(obj, "spec.selector"))]


def replicaset_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    row = [str(_int(_get(obj, "spec.replicas"))), str(_int(_get(obj, "status.replicas"))),
           str(_int(_get(obj, "status.readyReplicas"))),
           since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images, _selector_string(_get(obj, "spec.selector"))]


def replicationcontroller_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    selector = _get(obj, "spec.selector") or {}
    row = [str(_int(_get(obj, "spec.replicas"))), str(_int(_get(obj, "status.replicas"))),
           str(_int(_get(obj, "status.readyReplicas"))),
           since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images, format_labels(selector)]


def statefulset_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    row = [f"{_int(_get(obj, 'status.readyReplicas'))}/{_int(_get(obj, 'spec.replicas'))}",
           since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images]


def daemonset_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    status = obj.get("status") or {}
    row = [str(_int(status.get(k))) for k in ("desiredNumberScheduled",
                                               "currentNumberScheduled", "numberReady",
                                               "updatedNumberScheduled", "numberAvailable")]
    row += [format_labels(_get(obj, "spec.template.spec.nodeSelector") or {}),
            since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images, _selector_string(_get(obj, "spec.selector"))]


def job_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj)
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = _int(status.get("succeeded"))
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif _int(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = _time(status.get("startTime")), _time(status.get("completionTime"))
    took = "" if start is None else human_duration((end if end is not None else now) - start)
    if _has_condition(obj, "Complete"):
        state = "Complete"
    elif _has_condition(obj, "Failed"):
        state = "Failed"
    elif _get(obj, "metadata.deletionTimestamp") is not None:
        state = "Terminating"
    elif _has_condition(obj, "Suspended"):
        state = "Suspended"
    elif _has_condition(obj, "FailureTarget"):
        state = "FailureTarget"
    elif _has_condition(obj, "SuccessCriteriaMet"):
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    row = [state, completions, took, since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [names, images, _selector_string(spec.get("selector"))]


def cronjob_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    names, images = _template_containers(obj, "spec.jobTemplate.spec.template.spec")
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    suspend = spec.get("suspend")
    last = status.get("lastScheduleTime")
    row = [str(spec.get("schedule", "")), spec.get("timeZone") or NONE,
           "<unset>" if suspend is None else str(bool(suspend)),
           str(len(status.get("active") or [])), since(last, now) if last else NONE,
           since(_get(obj, "metadata.creationTimestamp"), now)]
    selector = _get(obj, "spec.jobTemplate.spec.selector")
    return row, [names, images, _selector_string(selector) if selector else NONE]


def _port_string(ports: Sequence[Mapping[str, Any]]) -> str:
    """makePortString: `80/TCP`, `80:30080/TCP`, comma-joined."""
    out = []
    for p in ports:
        protocol = p.get("protocol") or "TCP"
        if p.get("nodePort"):
            out.append(f"{p.get('port')}:{p['nodePort']}/{protocol}")
        else:
            out.append(f"{p.get('port')}/{protocol}")
    return ",".join(out)


def _service_external_ip(obj: Mapping[str, Any]) -> str:
    spec = obj.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else NONE
    if kind == "LoadBalancer":
        ingress = _get(obj, "status.loadBalancer.ingress", []) or []
        ips = [i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or
               i.get("hostname")]
        ips += external
        return ",".join(ips) if ips else "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def service_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    spec = obj.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    ports = _port_string(spec.get("ports") or []) or NONE
    row = [spec.get("type") or "ClusterIP", ips[0] if ips else NONE, _service_external_ip(obj),
           ports, since(_get(obj, "metadata.creationTimestamp"), now)]
    return row, [format_labels(spec.get("selector") or {})]


def _node_roles(labels: Mapping[str, str]) -> str:
    roles = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or NONE


def node_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    conds = _conditions(obj)
    states = []
    if "Ready" in conds:
        states.append("Ready" if conds["Ready"].get("status") == "True" else "NotReady")
    if not states:
        states.append("Unknown")
    if _get(obj, "spec.unschedulable"):
        states.append("SchedulingDisabled")
    info = _get(obj, "status.nodeInfo") or {}
    row = [",".join(states), _node_roles(_get(obj, "metadata.labels") or {}),
           since(_get(obj, "metadata.creationTimestamp"), now), info.get("kubeletVersion", "")]
    addresses = _get(obj, "status.addresses") or []

    def address(kind: str) -> str:
        return next((a.get("address") for a in addresses if a.get("type") == kind), NONE)

    wide = [address("InternalIP"), address("ExternalIP"), info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]
    return row, wide


def namespace_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    return [str(_get(obj, "status.phase", "")),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def pdb_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    spec = obj.get("spec") or {}
    return [str(spec["minAvailable"]) if spec.get("minAvailable") is not None else "N/A",
            str(spec["maxUnavailable"]) if spec.get("maxUnavailable") is not None else "N/A",
            str(_int(_get(obj, "status.disruptionsAllowed"))),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def _hpa_metrics(obj: Mapping[str, Any]) -> str:
    """formatHPAMetrics for autoscaling/v2 (Resource, ContainerResource, Pods, Object,
    External), at most three then `+ N more...`."""
    specs = _get(obj, "spec.metrics") or []
    if not specs:
        return NONE
    current = _get(obj, "status.currentMetrics") or []
    out = []
    for i, s in enumerate(specs):
        kind = s.get("type")
        cur = current[i] if i < len(current) else {}
        key = {"Resource": "resource", "ContainerResource": "containerResource",
               "Pods": "pods", "Object": "object", "External": "external"}.get(kind, "")
        target = (s.get(key) or {}).get("target") or {}
        now_value = ((cur or {}).get(key) or {}).get("current") or {}
        if kind in ("Resource", "ContainerResource"):
            name = (s.get(key) or {}).get("name", "")
            if target.get("averageUtilization") is not None:
                got = now_value.get("averageUtilization")
                value = f"{got}%" if got is not None else "<unknown>"
                out.append(f"{name}: {value}/{target['averageUtilization']}%")
            else:
                got = now_value.get("averageValue")
                out.append(f"{name}: {got if got is not None else '<unknown>'}/"
                           f"{target.get('averageValue', '<unknown>')}")
        elif target.get("type") == "AverageValue" or kind == "Pods":
            got = now_value.get("averageValue")
            avg = " (avg)" if kind != "Pods" else ""
            out.append(f"{got if got is not None else '<unknown>'}/"
                       f"{target.get('averageValue', '<unknown>')}{avg}")
        else:
            got = now_value.get("value")
            out.append(f"{got if got is not None else '<unknown>'}/"
                       f"{target.get('value', '<unknown>')}")
    if len(out) > 3:
        return ", ".join(out[:3]) + f" + {len(out) - 3} more..."
    return ", ".join(out)


def hpa_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    ref = _get(obj, "spec.scaleTargetRef") or {}
    min_pods = _get(obj, "spec.minReplicas")
    return [f"{ref.get('kind', '')}/{ref.get('name', '')}", _hpa_metrics(obj),
            str(min_pods) if min_pods is not None else "<unset>",
            str(_int(_get(obj, "spec.maxReplicas"))),
            str(_int(_get(obj, "status.currentReplicas"))),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def _first_three(items: Sequence[str]) -> str:
    if not items:
        return NONE
    if len(items) > 3:
        return ",".join(items[:3]) + f" + {len(items) - 3} more..."
    return ",".join(items)


def endpoints_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    """formatEndpoints: ip:port for the first three, then `+ N more...`."""
    items = []
    for subset in obj.get("subsets") or []:
        ports = subset.get("ports") or [{}]
        for address in subset.get("addresses") or []:
            for port in ports:
                ip = address.get("ip", "")
                items.append(f"{ip}:{port['port']}" if port.get("port") else ip)
    return [_first_three(items), since(_get(obj, "metadata.creationTimestamp"), now)], []


def endpointslice_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    ports = [str(p["port"]) if p.get("port") is not None else "<unset>"
             for p in obj.get("ports") or []]
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [str(obj.get("addressType", "")), ",".join(ports) or "<unset>",
            _first_three(addresses) if addresses else "<unset>",
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def configmap_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [str(count), since(_get(obj, "metadata.creationTimestamp"), now)], []


def secret_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    count = len(set(obj.get("data") or {}) | set(obj.get("stringData") or {}))
    return [str(obj.get("type", "")), str(count),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def serviceaccount_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    return [str(len(obj.get("secrets") or [])),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def controllerrevision_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    owner = next((r for r in _get(obj, "metadata.ownerReferences", []) or []
                  if r.get("controller")), None)
    controller = NONE
    if owner is not None:
        group = str(owner.get("apiVersion", "")).rpartition("/")[0]
        kind = str(owner.get("kind", "")).lower() + (f".{group}" if group else "")
        controller = f"{kind}/{owner.get('name', '')}"
    return [controller, str(_int(obj.get("revision"))),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def priorityclass_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    return [str(_int(obj.get("value"))), str(bool(obj.get("globalDefault"))).lower(),
            since(_get(obj, "metadata.creationTimestamp"), now),
            str(obj.get("preemptionPolicy") or "")], []


def lease_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    return [str(_get(obj, "spec.holderIdentity", "")),
            since(_get(obj, "metadata.creationTimestamp"), now)], []


def ingress_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    spec = obj.get("spec") or {}
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    ingress = _get(obj, "status.loadBalancer.ingress", []) or []
    address = ",".join(i.get("ip") or i.get("hostname") or "" for i in ingress)
    ports = "80, 443" if spec.get("tls") else "80"
    return [spec.get("ingressClassName") or NONE, _first_three(hosts) if hosts else "*",
            address, ports, since(_get(obj, "metadata.creationTimestamp"), now)], []


def canary_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    """Flagger's CRD printer columns: .status.phase, .status.canaryWeight and
    .status.lastTransitionTime (a string column, printed as stored)."""
    status = obj.get("status") or {}
    weight = status.get("canaryWeight")
    return [str(status.get("phase") or ""), "" if weight is None else str(weight),
            str(status.get("lastTransitionTime") or "")], []


def generic_row(obj: Mapping[str, Any], now: int) -> tuple[Row, Row]:
    return [since(_get(obj, "metadata.creationTimestamp"), now)], []


@attrs.frozen
class Printer:
    """A kind's columns (after NAME), its wide columns, and the row function."""

    columns: tuple[str, ...]
    wide: tuple[str, ...]
    row: Callable[[Mapping[str, Any], int], tuple[Row, Row]]


PRINTERS: dict[str, Printer] = {
    "Pod": Printer(("READY", "STATUS", "RESTARTS", "AGE"),
                   ("IP", "NODE", "NOMINATED NODE", "READINESS GATES"), pod_row),
    "Deployment": Printer(("READY", "UP-TO-DATE", "AVAILABLE", "AGE"),
                          ("CONTAINERS", "IMAGES", "SELECTOR"), deployment_row),
    "ReplicaSet": Printer(("DESIRED", "CURRENT", "READY", "AGE"),
                          ("CONTAINERS", "IMAGES", "SELECTOR"), replicaset_row),
    "ReplicationController": Printer(("DESIRED", "CURRENT", "READY", "AGE"),
                                     ("CONTAINERS", "IMAGES", "SELECTOR"),
                                     replicationcontroller_row),
    "StatefulSet": Printer(("READY", "AGE"), ("CONTAINERS", "IMAGES"), statefulset_row),
    "DaemonSet": Printer(("DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                          "NODE SELECTOR", "AGE"), ("CONTAINERS", "IMAGES", "SELECTOR"),
                         daemonset_row),
    "Job": Printer(("STATUS", "COMPLETIONS", "DURATION", "AGE"),
                   ("CONTAINERS", "IMAGES", "SELECTOR"), job_row),
    "CronJob": Printer(("SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"),
                       ("CONTAINERS", "IMAGES", "SELECTOR"), cronjob_row),
    "Service": Printer(("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), ("SELECTOR",),
                       service_row),
    "Node": Printer(("STATUS", "ROLES", "AGE", "VERSION"),
                    ("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
                     "CONTAINER-RUNTIME"), node_row),
    "Namespace": Printer(("STATUS", "AGE"), (), namespace_row),
    "PodDisruptionBudget": Printer(("MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS",
                                    "AGE"), (), pdb_row),
    "HorizontalPodAutoscaler": Printer(("REFERENCE", "TARGETS", "MINPODS", "MAXPODS",
                                        "REPLICAS", "AGE"), (), hpa_row),
    "Endpoints": Printer(("ENDPOINTS", "AGE"), (), endpoints_row),
    "EndpointSlice": Printer(("ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"), (),
                             endpointslice_row),
    "ConfigMap": Printer(("DATA", "AGE"), (), configmap_row),
    "Secret": Printer(("TYPE", "DATA", "AGE"), (), secret_row),
    "ServiceAccount": Printer(("SECRETS", "AGE"), (), serviceaccount_row),
    "ControllerRevision": Printer(("CONTROLLER", "REVISION", "AGE"), (),
                                  controllerrevision_row),
    "PriorityClass": Printer(("VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"), (),
                             priorityclass_row),
    "Lease": Printer(("HOLDER", "AGE"), (), lease_row),
    "Ingress": Printer(("CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"), (), ingress_row),
    "Canary": Printer(("STATUS", "WEIGHT", "LASTTRANSITIONTIME"), (), canary_row),
}
GENERIC = Printer(("AGE",), (), generic_row)


# -- names -------------------------------------------------------------------------------------

SHORT_NAMES = {
    "po": "Pod", "svc": "Service", "deploy": "Deployment", "rs": "ReplicaSet",
    "ns": "Namespace", "no": "Node", "sts": "StatefulSet", "ds": "DaemonSet",
    "cj": "CronJob", "hpa": "HorizontalPodAutoscaler", "pdb": "PodDisruptionBudget",
    "ep": "Endpoints", "cm": "ConfigMap", "sa": "ServiceAccount", "ev": "Event",
    "pv": "PersistentVolume", "pvc": "PersistentVolumeClaim", "rc": "ReplicationController",
    "limits": "LimitRange", "quota": "ResourceQuota", "ing": "Ingress",
    "netpol": "NetworkPolicy", "pc": "PriorityClass", "sc": "StorageClass",
    "crd": "CustomResourceDefinition", "crds": "CustomResourceDefinition",
    "ro": "Rollout", "rollout": "Rollout", "rollouts": "Rollout",
}
ALL = ("Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet",
       "ReplicationController", "HorizontalPodAutoscaler", "CronJob", "Job")


def resolve_kind(name: str, stored: Iterable[str] = ()) -> str | None:
    """A kind from what kubectl accepts: a short name, the resource (plural or singular), the
    kind, with or without `.group` (`deploy`, `deployments`, `deployment.apps`, `Deployment`);
    kinds in `stored` (custom resources) are matched the same way."""
    lower = name.lower()
    if lower in SHORT_NAMES:
        return SHORT_NAMES[lower]
    candidates = {*KINDS, *stored}
    for kind in candidates:
        info = kind_info(kind)
        singular = kind.lower()
        forms = {singular, info.resource, f"{singular}.{info.group}", f"{info.resource}."
                 f"{info.group}"} if info.group else {singular, info.resource}
        if lower in forms:
            return kind
    return None


def qualified_name(obj: Mapping[str, Any]) -> str:
    """`deployment.apps/web`, `pod/web-x`: as `-o name` and multi-kind tables name objects."""
    kind = str(obj.get("kind", ""))
    info = kind_info(kind, str(obj.get("apiVersion", "")))
    group = f".{info.group}" if info.group else ""
    return f"{kind.lower()}{group}/{_get(obj, 'metadata.name', '')}"


# -- tables ------------------------------------------------------------------------------------


def tabulate(rows: Sequence[Sequence[str]]) -> list[str]:
    """text/tabwriter with kubectl's settings (minwidth 6, padding 3, spaces): every column
    but the last as wide as its widest cell plus 3, at least 6."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        cells = [cell.ljust(max(w + 3, 6)) for cell, w in zip(r, widths, strict=False)]
        lines.append("".join(cells) + r[-1])
    return lines


def table(objects: Sequence[Mapping[str, Any]], now: int, wide: bool = False,
          namespaced: bool = False, with_kind: bool = False) -> list[str]:
    """kubectl's table for objects of one kind: NAMESPACE first when listing all namespaces,
    `kind.group/name` names when several kinds are listed."""
    if not objects:
        return []
    printer = PRINTERS.get(str(objects[0].get("kind")), GENERIC)
    header = ["NAME", *printer.columns, *(printer.wide if wide else ())]
    if namespaced:
        header.insert(0, "NAMESPACE")
    rows = [header]
    for obj in objects:
        row, extra = printer.row(obj, now)
        name = qualified_name(obj) if with_kind else str(_get(obj, "metadata.name", ""))
        cells = [name, *row, *(extra if wide else ())]
        if namespaced:
            cells.insert(0, str(_get(obj, "metadata.namespace", "")))
        rows.append(cells)
    return tabulate(rows)


@attrs.frozen
class Query:
    kinds: tuple[str, ...]
    name: str | None = None
    namespace: str | None = "default"  # None: all namespaces
    selector: str | None = None


def select(cluster: Any, query: Query) -> list[tuple[str, list[Any]]]:
    """(kind, objects sorted by namespace and name) for each kind asked, filtered."""
    selector = parse_selector(query.selector) if query.selector else None
    out = []
    for kind in query.kinds:
        namespaced = kind_info(kind).namespaced
        ns = query.namespace if namespaced else None
        objs = sorted(cluster.list(kind, ns if ns is not None else None),
                      key=lambda o: (o.metadata.namespace or "", o.metadata.name or ""))
        if query.name is not None:
            objs = [o for o in objs if o.metadata.name == query.name]
        if selector is not None:
            objs = [o for o in objs if selector.matches(o.metadata.labels)]
        out.append((kind, objs))
    return out


def render(groups: Sequence[tuple[str, Sequence[Any]]], now: int, output: str | None,
           all_namespaces: bool) -> str:
    """The text `kubectl get` prints for the selected objects in an output format."""
    objects = [o for _, objs in groups for o in objs]
    docs = [codec.encode_object(o) for o in objects]
    if output == "name":
        return "".join(f"{qualified_name(d)}\n" for d in docs)
    if output in ("yaml", "json"):
        doc: Any = docs[0] if len(docs) == 1 else {
            "apiVersion": "v1", "items": docs, "kind": "List",
            "metadata": {"resourceVersion": ""}}
        if output == "json":
            return json.dumps(doc, indent=4, sort_keys=True) + "\n"
        return yaml.dump(doc, Dumper=codec._Dumper, sort_keys=True,
                         default_flow_style=False, allow_unicode=True, width=100)
    blocks = []
    with_kind = len(groups) > 1
    for kind, objs in groups:
        if not objs:
            continue
        ns_column = all_namespaces and kind_info(kind).namespaced
        blocks.append("\n".join(table([codec.encode_object(o) for o in objs], now,
                                      output == "wide", ns_column, with_kind)))
    return "\n\n".join(blocks) + "\n" if blocks else ""
