"""The table rows kube-apiserver generates for built-in kinds, read from an object's JSON.

Each `print_<kind>(obj, now, wide)` returns the row's cells, name first, as the Go function
of the same name returns `row.Cells`; `COLUMNS` holds AddHandlers' column definitions (name,
priority, `name` format). kube-apiserver always generates tables with `Wide: true`
(printerstorage.TableConvertor) and kubectl hides the priority-1 columns unless `-o wide`, so
the `wide=False` path only serves the ported Go tests. Kinds without a printer get the
default table convertor's Name and Created At (RFC 3339).

Models (v1.34): pkg/printers/internalversion/printers.go (AddHandlers and the print
functions below, formatEndpoints, formatDiscoveryPorts/Endpoints, listWithMoreString,
loadBalancerStatusStringer, getServiceExternalIP, makePortString, formatHosts, formatPorts,
formatHPAMetrics, layoutContainerCells, findNodeRoles, formatResourceName, printBoolPtr),
read at michaelasp/kubernetes@212194ab8a9e7b32eb1035cde155572bb8823b92 (a v1.35 development
tree of Sep 2025) with the two changes merged after v1.34.0 taken back out: printPod's
`errorReason` (kubernetes#124766, approved 2025-09-02) and the removal of the ServiceAccount
Secrets column (kubernetes#117160, unheld 2025-08-06); k8s.io/apimachinery util/duration
HumanDuration; apiserver registry/rest/table.go defaultTableConvertor;
kube-aggregator's APIService ConvertToTable; pkg/apis/core/helper GetAccessModesAsString,
GetPersistentVolume(Claim)Class; pkg/apis/rbac SubjectsStrings; storage/util
IsDefaultAnnotation.
Simplifies:
- A field kube-apiserver always defaults (Service `type` and port `protocol`, `clusterIPs`
  from `clusterIP`) is read with that default when a snapshot lacks it.
- Quantities print through kubefold's Quantity (canonical form, as Quantity.String()).
- An autoscaling/v1 HorizontalPodAutoscaler in a snapshot is read through the v1
  conversion's CPU metric (targetCPUUtilizationPercentage, currentCPUUtilizationPercentage).
- A Go print function that would fail on an unparsable field (a ControllerRevision owner's
  apiVersion) prints the raw text instead of failing the table.
Covered by: tests/test_printers.py (printers_test.go and duration_test.go tables).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from kubefold.core.labels import format_labels, label_selector_as_selector
from kubefold.core.objects import LabelSelector
from kubefold.core.quantity import quantity_from_json
from kubefold.core.schema import decode, format_time, parse_time

NONE = "<none>"
UNKNOWN = "<unknown>"
UNSET = "<unset>"
LOAD_BALANCER_WIDTH = 16
LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"
NODE_UNREACHABLE_POD_REASON = "NodeLost"

Cells = list[Any]  # strings, or None for a cell kubectl prints empty


# -- durations and times -----------------------------------------------------------------------


def human_duration(seconds: int) -> str:
    """duration.HumanDuration of a whole number of seconds."""
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
    """translateTimestampSince: `<unknown>` for a zero time, else the human age."""
    t = _time(value)
    return UNKNOWN if t is None else human_duration(now - t)


def _age(obj: Mapping[str, Any], now: int) -> str:
    return since(_get(obj, "metadata.creationTimestamp"), now)


# -- JSON access -------------------------------------------------------------------------------


def _get(obj: Any, path: str, default: Any = None) -> Any:
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


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _name(obj: Mapping[str, Any]) -> str:
    return str(_get(obj, "metadata.name", ""))


def _quantity(value: Any) -> str:
    """Quantity.String(), `<nil>` for an absent pointer."""
    if value is None:
        return "<nil>"
    try:
        return str(quantity_from_json(value))
    except (ValueError, TypeError):
        return str(value)


def _int_or_string(value: Any) -> str:
    return str(value)


def _label_selector(selector: Any) -> Any:
    """LabelSelectorAsSelector of a JSON selector; None for a nil one; ValueError if bad."""
    if not isinstance(selector, Mapping):
        return label_selector_as_selector(None)
    return label_selector_as_selector(decode(LabelSelector, selector))


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: `<none>` for nil or empty, `<error>` when invalid."""
    try:
        text = str(_label_selector(selector))
    except Exception:  # an invalid selector of any shape
        return "<error>"
    return text or NONE


def _conditions(obj: Mapping[str, Any], path: str = "status.conditions") -> list[Any]:
    return [c for c in _list(_get(obj, path)) if isinstance(c, Mapping)]


def layout_container_cells(containers: Any) -> tuple[str, str]:
    """layoutContainerCells: container names and images, comma-joined."""
    items = [c for c in _list(containers) if isinstance(c, Mapping)]
    return (",".join(str(c.get("name", "")) for c in items),
            ",".join(str(c.get("image", "")) for c in items))


def print_bool_ptr(value: Any) -> str:
    if value is None:
        return UNSET
    return "True" if value else "False"


def _bool(value: Any) -> str:
    """A Go bool cell, as kubectl prints it (%t)."""
    return "true" if value else "false"


def list_with_more_string(items: Sequence[str], more: bool, count: int, limit: int) -> str:
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text or UNSET


# -- Pod ---------------------------------------------------------------------------------------


def _is_restartable_init_container(container: Any) -> bool:
    return isinstance(container, Mapping) and container.get("restartPolicy") == "Always"


def _later(current: int | None, value: Any) -> int | None:
    """metav1.Time.Before as printPod uses it: keep the later of two times."""
    t = _time(value)
    return t if t is not None and (current is None or t > current) else current


def _has_condition_true(conditions: list[Any], ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions)


def _is_pod_initialized_condition_true(conditions: list[Any]) -> bool:
    for c in conditions:
        if c.get("type") == "Initialized":
            return bool(c.get("status") == "True")
    return False


def _init_reason(index: int, cs: Mapping[str, Any], spec: Mapping[str, Any]) -> str:
    """The reason an init container that has not finished gives the pod."""
    terminated = _get(cs, "state.terminated")
    waiting = _get(cs, "state.waiting")
    if isinstance(terminated, Mapping):
        if not terminated.get("reason"):
            if _int(terminated.get("signal")):
                return f"Init:Signal:{_int(terminated.get('signal'))}"
            return f"Init:ExitCode:{_int(terminated.get('exitCode'))}"
        return f"Init:{terminated['reason']}"
    if isinstance(waiting, Mapping) and waiting.get("reason") and \
            waiting["reason"] != "PodInitializing":
        return f"Init:{waiting['reason']}"
    return f"Init:{index}/{len(_list(spec.get('initContainers')))}"


def print_pod(pod: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """printPod: READY (restartable init containers count), STATUS (the reason ladder),
    RESTARTS with the last restart's age, AGE; wide: IP, NODE, NOMINATED NODE, READINESS
    GATES."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    conditions = _conditions(pod)
    restarts = restartable_restarts = ready = 0
    last_restart: int | None = None
    last_restartable: int | None = None
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for c in conditions:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs: dict[Any, Any] = {}
    total = len(_list(spec.get("containers")))
    for c in _list(spec.get("initContainers")):
        if isinstance(c, Mapping):
            init_specs[c.get("name")] = c
            total += _is_restartable_init_container(c)

    initializing = False
    for i, cs in enumerate(_list(status.get("initContainerStatuses"))):
        restarts += _int(cs.get("restartCount"))
        finished = _get(cs, "lastState.terminated.finishedAt")
        last_restart = _later(last_restart, finished)
        sidecar = _is_restartable_init_container(init_specs.get(cs.get("name")))
        if sidecar:
            restartable_restarts += _int(cs.get("restartCount"))
            last_restartable = _later(last_restartable, finished)
        terminated = _get(cs, "state.terminated")
        if isinstance(terminated, Mapping) and _int(terminated.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started") is True:
            ready += bool(cs.get("ready"))
            continue
        reason = _init_reason(i, cs, spec)
        initializing = True
        break

    if not initializing or _is_pod_initialized_condition_true(conditions):
        restarts, last_restart = restartable_restarts, last_restartable
        has_running = False
        for cs in reversed(_list(status.get("containerStatuses"))):
            restarts += _int(cs.get("restartCount"))
            last_restart = _later(last_restart, _get(cs, "lastState.terminated.finishedAt"))
            waiting, terminated = _get(cs, "state.waiting"), _get(cs, "state.terminated")
            if isinstance(waiting, Mapping) and waiting.get("reason"):
                reason = waiting["reason"]
            elif isinstance(terminated, Mapping) and terminated.get("reason"):
                reason = terminated["reason"]
            elif isinstance(terminated, Mapping):
                reason = (f"Signal:{_int(terminated.get('signal'))}"
                          if _int(terminated.get("signal"))
                          else f"ExitCode:{_int(terminated.get('exitCode'))}")
            elif cs.get("ready") and isinstance(_get(cs, "state.running"), Mapping):
                has_running = True
                ready += 1
        # change pod status back to "Running" if a container still reports running
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition_true(conditions, "Ready") else "NotReady"

    deleting = _get(pod, "metadata.deletionTimestamp") is not None
    if deleting and status.get("reason") == NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    cells: Cells = [_name(pod), f"{ready}/{total}", reason, restarts_text, _age(pod, now)]
    if wide:
        cells += _pod_wide(spec, status, conditions)
    return cells


def _pod_wide(spec: Mapping[str, Any], status: Mapping[str, Any], conditions: list[Any]
              ) -> Cells:
    ips = _list(status.get("podIPs"))
    pod_ip = (ips[0].get("ip") if ips and isinstance(ips[0], Mapping) else "") or NONE
    gates = _list(spec.get("readinessGates"))
    readiness = NONE
    if gates:
        true = 0
        for gate in gates:
            for c in conditions:
                if c.get("type") == gate.get("conditionType"):
                    true += c.get("status") == "True"
                    break
        readiness = f"{true}/{len(gates)}"
    return [pod_ip, spec.get("nodeName") or NONE, status.get("nominatedNodeName") or NONE,
            readiness]


def print_pod_template(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    names, images = layout_container_cells(_get(obj, "template.spec.containers"))
    return [_name(obj), names, images, format_labels(_get(obj, "template.metadata.labels")
                                                     or {})]


def print_pod_disruption_budget(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    spec = obj.get("spec") or {}
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    return [_name(obj), "N/A" if min_available is None else _int_or_string(min_available),
            "N/A" if max_unavailable is None else _int_or_string(max_unavailable),
            str(_int(_get(obj, "status.disruptionsAllowed"))), _age(obj, now)]


# -- workloads ---------------------------------------------------------------------------------


def print_replication_controller(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    cells: Cells = [_name(obj), str(_int(_get(obj, "spec.replicas"))),
                    str(_int(_get(obj, "status.replicas"))),
                    str(_int(_get(obj, "status.readyReplicas"))), _age(obj, now)]
    if wide:
        names, images = layout_container_cells(_get(obj, "spec.template.spec.containers"))
        cells += [names, images, format_labels(_get(obj, "spec.selector") or {})]
    return cells


def print_replica_set(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    cells: Cells = [_name(obj), str(_int(_get(obj, "spec.replicas"))),
                    str(_int(_get(obj, "status.replicas"))),
                    str(_int(_get(obj, "status.readyReplicas"))), _age(obj, now)]
    if wide:
        names, images = layout_container_cells(_get(obj, "spec.template.spec.containers"))
        cells += [names, images, format_label_selector(_get(obj, "spec.selector"))]
    return cells


def _job_status(obj: Mapping[str, Any], conditions: list[Any]) -> str:
    def has(ctype: str) -> bool:  # hasJobCondition: the first condition of the type decides
        for c in conditions:
            if c.get("type") == ctype:
                return bool(c.get("status") == "True")
        return False

    if has("Complete"):
        return "Complete"
    if has("Failed"):
        return "Failed"
    if _get(obj, "metadata.deletionTimestamp") is not None:
        return "Terminating"
    if has("Suspended"):
        return "Suspended"
    if has("FailureTarget"):
        return "FailureTarget"
    if has("SuccessCriteriaMet"):
        return "SuccessCriteriaMet"
    return "Running"


def print_job(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """printJob: STATUS from the conditions, COMPLETIONS, DURATION, AGE."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = _int(status.get("succeeded"))
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{_int(spec['completions'])}"
    elif _int(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {_int(spec['parallelism'])}"
    else:
        completions = f"{succeeded}/1"
    start, end = _time(status.get("startTime")), _time(status.get("completionTime"))
    duration = ""
    if start is not None:
        duration = human_duration((end if end is not None else now) - start)
    cells: Cells = [_name(obj), _job_status(obj, _conditions(obj)), completions, duration,
                    _age(obj, now)]
    if wide:
        names, images = layout_container_cells(_get(spec, "template.spec.containers"))
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def print_cron_job(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    last = status.get("lastScheduleTime")
    cells: Cells = [_name(obj), str(spec.get("schedule", "")), spec.get("timeZone") or NONE,
                    print_bool_ptr(spec.get("suspend")), str(len(_list(status.get("active")))),
                    NONE if last is None else since(last, now), _age(obj, now)]
    if wide:
        template = _get(spec, "jobTemplate.spec") or {}
        names, images = layout_container_cells(_get(template, "template.spec.containers"))
        cells += [names, images, format_label_selector(template.get("selector"))]
    return cells


def print_stateful_set(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    cells: Cells = [_name(obj), f"{_int(_get(obj, 'status.readyReplicas'))}/"
                                f"{_int(_get(obj, 'spec.replicas'))}", _age(obj, now)]
    if wide:
        cells += list(layout_container_cells(_get(obj, "spec.template.spec.containers")))
    return cells


def print_daemon_set(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    status = obj.get("status") or {}
    cells: Cells = [_name(obj)]
    cells += [str(_int(status.get(k))) for k in (
        "desiredNumberScheduled", "currentNumberScheduled", "numberReady",
        "updatedNumberScheduled", "numberAvailable")]
    cells += [format_labels(_get(obj, "spec.template.spec.nodeSelector") or {}), _age(obj, now)]
    if wide:
        names, images = layout_container_cells(_get(obj, "spec.template.spec.containers"))
        cells += [names, images, format_label_selector(_get(obj, "spec.selector"))]
    return cells


def print_deployment(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """printDeployment: READY as readyReplicas/spec.replicas, UP-TO-DATE, AVAILABLE, AGE."""
    cells: Cells = [_name(obj), f"{_int(_get(obj, 'status.readyReplicas'))}/"
                                f"{_int(_get(obj, 'spec.replicas'))}",
                    str(_int(_get(obj, "status.updatedReplicas"))),
                    str(_int(_get(obj, "status.availableReplicas"))), _age(obj, now)]
    if wide:
        try:
            selector = str(_label_selector(_get(obj, "spec.selector")))
        except Exception:  # LabelSelectorAsSelector's error
            selector = "<invalid>"
        names, images = layout_container_cells(_get(obj, "spec.template.spec.containers"))
        cells += [names, images, selector]
    return cells


def print_controller_revision(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    owner = next((r for r in _list(_get(obj, "metadata.ownerReferences"))
                  if isinstance(r, Mapping) and r.get("controller") is True), None)
    controller = NONE
    if owner is not None:
        group = str(owner.get("apiVersion", "")).rpartition("/")[0]
        controller = format_resource_name(group, str(owner.get("kind", "")),
                                          str(owner.get("name", "")))
    return [_name(obj), controller, str(_int(obj.get("revision"))), _age(obj, now)]


def format_resource_name(group: str, kind: str, name: str) -> str:
    """formatResourceName with kind: `kind.group/name` lower-cased, the name alone when the
    group kind is empty."""
    if not group and not kind:
        return name
    return f"{(kind + '.' + group) if group else kind}".lower() + "/" + name


# -- services and networking ------------------------------------------------------------------


def _load_balancer_ips(ingress: Any, wide: bool) -> str:
    """loadBalancerStatusStringer: IPs (else hostnames), sorted and deduplicated, clipped to
    16 characters unless wide."""
    found = {str(i.get("ip") or i.get("hostname")) for i in _list(ingress)
             if isinstance(i, Mapping) and (i.get("ip") or i.get("hostname"))}
    text = ",".join(sorted(found))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[:LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def get_service_external_ip(svc: Mapping[str, Any], wide: bool) -> str:
    spec = svc.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external = [str(ip) for ip in _list(spec.get("externalIPs"))]
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else NONE
    if kind == "LoadBalancer":
        lb = _load_balancer_ips(_get(svc, "status.loadBalancer.ingress"), wide)
        if external:
            return ",".join((lb.split(",") if lb else []) + external)
        return lb or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return UNKNOWN


def make_port_string(ports: Any) -> str:
    pieces = []
    for p in _list(ports):
        protocol = p.get("protocol") or "TCP"
        if _int(p.get("nodePort")) > 0:
            pieces.append(f"{_int(p.get('port'))}:{_int(p.get('nodePort'))}/{protocol}")
        else:
            pieces.append(f"{_int(p.get('port'))}/{protocol}")
    return ",".join(pieces)


def print_service(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    spec = obj.get("spec") or {}
    ips = _list(spec.get("clusterIPs")) or ([spec["clusterIP"]] if spec.get("clusterIP")
                                            else [])
    cells: Cells = [_name(obj), spec.get("type") or "ClusterIP",
                    str(ips[0]) if ips else NONE, get_service_external_ip(obj, wide),
                    make_port_string(spec.get("ports")) or NONE, _age(obj, now)]
    if wide:
        cells.append(format_labels(spec.get("selector") or {}))
    return cells


def format_endpoints(obj: Mapping[str, Any]) -> str:
    """formatEndpoints with every port: `ip:port` for the first three, `+ N more...`."""
    subsets = [s for s in _list(obj.get("subsets")) if isinstance(s, Mapping)]
    if not subsets:
        return NONE
    limit, more, count = 3, False, 0
    items: list[str] = []
    for ss in subsets:
        addresses = [a for a in _list(ss.get("addresses")) if isinstance(a, Mapping)]
        ports = [p for p in _list(ss.get("ports")) if isinstance(p, Mapping)]
        if not ports:  # headless services with no ports
            count += len(addresses)
            for a in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(str(a.get("ip", "")))
            continue
        for port in ports:
            count += len(addresses)
            for a in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(_join_host_port(str(a.get("ip", "")), _int(port.get("port"))))
    text = ",".join(items)
    return f"{text} + {count - limit} more..." if more else text


def _join_host_port(host: str, port: int) -> str:
    """net.JoinHostPort: IPv6 addresses in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def print_endpoints(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), format_endpoints(obj), _age(obj, now)]


def format_discovery_ports(ports: Any) -> str:
    items: list[str] = []
    limit, more, count = 3, False, 0
    for port in _list(ports):
        if len(items) < limit:
            if port.get("port") is not None:
                items.append(str(_int(port["port"])))
            elif port.get("name") is not None:
                items.append(str(port["name"]))
            else:
                items.append("*")
        elif len(items) == limit:
            more = True
        count += 1
    return list_with_more_string(items, more, count, limit)


def format_discovery_endpoints(endpoints: Any) -> str:
    items: list[str] = []
    limit, more, count = 3, False, 0
    for endpoint in _list(endpoints):
        for address in _list(endpoint.get("addresses")):
            if len(items) < limit:
                items.append(str(address))
            elif len(items) == limit:
                more = True
            count += 1
    return list_with_more_string(items, more, count, limit)


def print_endpoint_slice(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), str(obj.get("addressType", "")), format_discovery_ports(obj.get("ports")),
            format_discovery_endpoints(obj.get("endpoints")), _age(obj, now)]


def format_hosts(rules: Any) -> str:
    items: list[str] = []
    limit, more = 3, False
    rules = _list(rules)
    for rule in rules:
        if len(items) == limit:
            more = True
        if not more and rule.get("host"):
            items.append(str(rule["host"]))
    if not items:
        return "*"
    text = ",".join(items)
    return f"{text} + {len(rules) - limit} more..." if more else text


def print_ingress(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    spec = obj.get("spec") or {}
    return [_name(obj), spec.get("ingressClassName") or NONE, format_hosts(spec.get("rules")),
            _load_balancer_ips(_get(obj, "status.loadBalancer.ingress"), wide),
            "80, 443" if _list(spec.get("tls")) else "80", _age(obj, now)]


def print_ingress_class(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    params = _get(obj, "spec.parameters")
    parameters = NONE
    if isinstance(params, Mapping):
        parameters = str(params.get("kind", ""))
        if params.get("apiGroup") is not None:
            parameters += "." + str(params["apiGroup"])
        parameters += "/" + str(params.get("name", ""))
    return [_name(obj), str(_get(obj, "spec.controller", "")), parameters, _age(obj, now)]


def print_network_policy(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), format_label_selector(_get(obj, "spec.podSelector") or {}),
            _age(obj, now)]


# -- cluster objects ---------------------------------------------------------------------------


def find_node_roles(labels: Mapping[str, Any]) -> list[str]:
    roles = set()
    for key, value in labels.items():
        if key.startswith(LABEL_NODE_ROLE_PREFIX):
            role = key[len(LABEL_NODE_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif key == NODE_LABEL_ROLE and value:
            roles.add(str(value))
    return sorted(roles)


def print_node(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """printNode: STATUS (Ready/NotReady/Unknown, then SchedulingDisabled), ROLES, AGE,
    VERSION; wide: the first internal and external IP, OS image, kernel, runtime."""
    by_type = {c.get("type"): c for c in _conditions(obj)}  # the last of a type wins
    status = []
    if "Ready" in by_type:
        status.append("Ready" if by_type["Ready"].get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if _get(obj, "spec.unschedulable"):
        status.append("SchedulingDisabled")
    info = _get(obj, "status.nodeInfo") or {}
    cells: Cells = [_name(obj), ",".join(status),
                    ",".join(find_node_roles(_get(obj, "metadata.labels") or {})) or NONE,
                    _age(obj, now), str(info.get("kubeletVersion", ""))]
    if wide:
        addresses = [a for a in _list(_get(obj, "status.addresses")) if isinstance(a, Mapping)]

        def first(kind: str) -> str:
            return next((str(a.get("address")) for a in addresses if a.get("type") == kind),
                        NONE)

        cells += [first("InternalIP"), first("ExternalIP"), info.get("osImage") or UNKNOWN,
                  info.get("kernelVersion") or UNKNOWN,
                  info.get("containerRuntimeVersion") or UNKNOWN]
    return cells


def print_namespace(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), str(_get(obj, "status.phase", "")), _age(obj, now)]


def print_secret(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), str(obj.get("type", "")), str(len(obj.get("data") or {})),
            _age(obj, now)]


def print_service_account(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """v1.34 still counts the referenced secrets (the column goes in v1.35)."""
    return [_name(obj), str(len(_list(obj.get("secrets")))), _age(obj, now)]


def print_config_map(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [_name(obj), str(count), _age(obj, now)]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))
_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def access_modes_as_string(modes: Any) -> str:
    """helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once."""
    present = set(_list(modes))
    return ",".join(short for mode, short in _ACCESS_MODES if mode in present)


def print_persistent_volume(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    spec = obj.get("spec") or {}
    claim = spec.get("claimRef")
    claim_text = (f"{claim.get('namespace', '')}/{claim.get('name', '')}"
                  if isinstance(claim, Mapping) else "")
    phase = "Terminating" if _get(obj, "metadata.deletionTimestamp") is not None else \
        str(_get(obj, "status.phase", ""))
    annotations = _get(obj, "metadata.annotations") or {}
    storage_class = (annotations[_BETA_STORAGE_CLASS] if _BETA_STORAGE_CLASS in annotations
                     else spec.get("storageClassName") or "")
    capacity = _get(spec, "capacity.storage")
    return [_name(obj), _quantity(capacity) if capacity is not None else "0",
            access_modes_as_string(spec.get("accessModes")),
            str(spec.get("persistentVolumeReclaimPolicy", "")), phase, claim_text,
            storage_class, spec.get("volumeAttributesClassName") or UNSET,
            str(_get(obj, "status.reason", "")), _age(obj, now),
            spec.get("volumeMode") or UNSET]


def print_persistent_volume_claim(obj: Mapping[str, Any], now: int, wide: bool = True
                                  ) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    phase = "Terminating" if _get(obj, "metadata.deletionTimestamp") is not None else \
        str(status.get("phase", ""))
    capacity = access = ""
    if spec.get("volumeName"):
        access = access_modes_as_string(status.get("accessModes"))
        value = _get(status, "capacity.storage")
        capacity = _quantity(value) if value is not None else "0"
    annotations = _get(obj, "metadata.annotations") or {}
    storage_class = (annotations[_BETA_STORAGE_CLASS] if _BETA_STORAGE_CLASS in annotations
                     else spec.get("storageClassName") or "")
    return [_name(obj), phase, str(spec.get("volumeName", "")), capacity, access,
            storage_class, spec.get("volumeAttributesClassName") or UNSET, _age(obj, now),
            spec.get("volumeMode") or UNSET]


def print_event(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    first = since(obj.get("firstTimestamp"), now)
    if _time(obj.get("firstTimestamp")) is None:
        first = since(obj.get("eventTime"), now)
    last = since(obj.get("lastTimestamp"), now)
    if _time(obj.get("lastTimestamp")) is None:
        last = first
    count = _int(obj.get("count"))
    series = obj.get("series")
    if isinstance(series, Mapping):
        last = since(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1  # singleton events have no count in the new API
    involved = obj.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    message = str(obj.get("message", "")).strip()
    if not wide:
        return [last, str(obj.get("type", "")), str(obj.get("reason", "")), target, message]
    source = obj.get("source") or {}
    component = source.get("component") or obj.get("reportingController") or ""
    instance = source.get("host") or obj.get("reportingInstance") or ""
    return [last, str(obj.get("type", "")), str(obj.get("reason", "")), target,
            str(involved.get("fieldPath", "")),
            f"{component}, {instance}" if instance else component, message, first, str(count),
            _name(obj)]


def subjects_strings(subjects: Any) -> tuple[list[str], list[str], list[str]]:
    """rbac.SubjectsStrings: users, groups, `namespace/name` service accounts."""
    users, groups, sas = [], [], []
    for s in _list(subjects):
        kind, name = s.get("kind"), str(s.get("name", ""))
        if kind == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{name}")
        elif kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
    return users, groups, sas


def print_role_binding(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    ref = obj.get("roleRef") or {}
    cells: Cells = [_name(obj), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(obj, now)]
    if wide:
        cells += [", ".join(part) for part in subjects_strings(obj.get("subjects"))]
    return cells


def print_storage_class(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    annotations = _get(obj, "metadata.annotations") or {}
    default = any(annotations.get(k) == "true" for k in (
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class"))
    name = _name(obj) + (" (default)" if default else "")
    return [name, str(obj.get("provisioner", "")), obj.get("reclaimPolicy") or "Delete",
            obj.get("volumeBindingMode") or "Immediate", _bool(obj.get("allowVolumeExpansion")),
            _age(obj, now)]


def print_lease(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), str(_get(obj, "spec.holderIdentity", "")), _age(obj, now)]


def print_priority_class(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    cells: Cells = [_name(obj), str(_int(obj.get("value"))), _bool(obj.get("globalDefault")),
                    _age(obj, now)]
    if wide:
        cells.append(str(obj.get("preemptionPolicy") or ""))
    return cells


def print_resource_quota(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    hard = _get(obj, "status.hard") or {}
    used = _get(obj, "status.used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        pieces = resource.split(".")
        column = limits if len(pieces) > 1 and pieces[0] == "limits" else requests
        used_text = _quantity(used[resource]) if resource in used else "0"
        column.append(f"{resource}: {used_text}/{_quantity(hard[resource])}")
    return [_name(obj), ", ".join(requests), ", ".join(limits), _age(obj, now)]


def print_webhook_configuration(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    return [_name(obj), str(len(_list(obj.get("webhooks")))), _age(obj, now)]


def print_api_service(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """kube-aggregator's APIService table: SERVICE, AVAILABLE (with the reason when not
    True), AGE."""
    service = _get(obj, "spec.service")
    backend = (f"{service.get('namespace', '')}/{service.get('name', '')}"
               if isinstance(service, Mapping) else "Local")
    available = "Unknown"
    for c in _conditions(obj):
        if c.get("type") == "Available":
            status = str(c.get("status", ""))
            available = status if status == "True" or not c.get("reason") else \
                f"{status} ({c['reason']})"
            break
    return [_name(obj), backend, available, _age(obj, now)]


def _hpa_metrics_v2(obj: Mapping[str, Any]) -> tuple[list[Any], list[Any]]:
    """The metrics and current metrics in the internal (v2) form; an autoscaling/v1 object's
    CPU target and utilization become a `cpu` Resource metric, as the v1 conversion does."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if "metrics" in spec or spec.get("targetCPUUtilizationPercentage") is None:
        return _list(spec.get("metrics")), _list(status.get("currentMetrics"))
    metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": spec["targetCPUUtilizationPercentage"]}}}]
    current = []
    if status.get("currentCPUUtilizationPercentage") is not None:
        current = [{"type": "Resource", "resource": {"name": "cpu", "current": {
            "averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
    return metrics, current


def print_horizontal_pod_autoscaler(obj: Mapping[str, Any], now: int, wide: bool = True
                                    ) -> Cells:
    ref = _get(obj, "spec.scaleTargetRef") or {}
    min_pods = _get(obj, "spec.minReplicas")
    return [_name(obj), f"{ref.get('kind', '')}/{ref.get('name', '')}",
            format_hpa_metrics(*_hpa_metrics_v2(obj)),
            UNSET if min_pods is None else str(_int(min_pods)),
            str(_int(_get(obj, "spec.maxReplicas"))),
            str(_int(_get(obj, "status.currentReplicas"))), _age(obj, now)]


def _hpa_resource(spec: Mapping[str, Any], status: Any) -> str:
    """One Resource or ContainerResource metric: `cpu: 50%/80%`, `cpu: 50m/100m`."""
    name, target = spec.get("name", ""), spec.get("target") or {}
    if target.get("averageValue") is not None:
        current = UNKNOWN
        if status is not None:
            current = _quantity(_get(status, "current.averageValue"))
        return f"{name}: {current}/{_quantity(target['averageValue'])}"
    current = UNKNOWN
    if status is not None and _get(status, "current.averageUtilization") is not None:
        current = f"{_int(status['current']['averageUtilization'])}%"
    utilization = target.get("averageUtilization")
    shown = "<auto>" if utilization is None else f"{_int(utilization)}%"
    return f"{name}: {current}/{shown}"


def _hpa_value(spec: Mapping[str, Any], status: Any) -> str:
    """One External or Object metric: `50m/100m (avg)` or `50m/100m`."""
    target = spec.get("target") or {}
    if target.get("averageValue") is not None:
        current = UNKNOWN
        if status is not None and _get(status, "current.averageValue") is not None:
            current = _quantity(status["current"]["averageValue"])
        return f"{current}/{_quantity(target['averageValue'])} (avg)"
    current = UNKNOWN
    if status is not None:
        current = _quantity(_get(status, "current.value"))
    return f"{current}/{_quantity(target.get('value'))}"


def format_hpa_metrics(specs: list[Any], statuses: list[Any]) -> str:
    """formatHPAMetrics: each metric as `current/target` (the status at the same index), the
    first two then `+ N more...`."""
    if not specs:
        return NONE
    items = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        status = statuses[i] if i < len(statuses) else {}
        if kind == "External":
            items.append(_hpa_value(spec.get("external") or {}, status.get("external")))
        elif kind == "Pods":
            current = UNKNOWN
            if status.get("pods") is not None:
                current = _quantity(_get(status["pods"], "current.averageValue"))
            items.append(f"{current}/{_quantity(_get(spec, 'pods.target.averageValue'))}")
        elif kind == "Object":
            items.append(_hpa_value(spec.get("object") or {}, status.get("object")))
        elif kind == "Resource":
            items.append(_hpa_resource(spec.get("resource") or {}, status.get("resource")))
        elif kind == "ContainerResource":
            items.append(_hpa_resource(spec.get("containerResource") or {},
                                       status.get("containerResource")))
        else:
            items.append("<unknown type>")
    limit = 2
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" + {len(items) - limit} more..."
    return ", ".join(items)


def print_default(obj: Mapping[str, Any], now: int, wide: bool = True) -> Cells:
    """defaultTableConvertor: the name and the creation time in RFC 3339."""
    t = _time(_get(obj, "metadata.creationTimestamp"))
    return [_name(obj), "0001-01-01T00:00:00Z" if t is None else format_time(t)]


# -- column definitions (AddHandlers) ---------------------------------------------------------


@attrs.frozen
class Column:
    """A TableColumnDefinition: its name as defined (kubectl upper-cases it), its priority
    (1: only with -o wide) and whether it is the `name` column kubectl prefixes with the
    kind."""

    name: str
    priority: int = 0
    is_name: bool = False


@attrs.frozen
class Printer:
    columns: tuple[Column, ...]
    cells: Callable[[Mapping[str, Any], int, bool], Cells]


def _columns(*spec: str) -> tuple[Column, ...]:
    """`Name` first with the name format, then the columns; a trailing `+` marks wide."""
    out = [Column("Name", 0, True)]
    for s in spec:
        out.append(Column(s[:-1], 1) if s.endswith("+") else Column(s))
    return tuple(out)


_TEMPLATE = ("Containers+", "Images+", "Selector+")

PRINTERS: dict[str, Printer] = {
    "Pod": Printer(_columns("Ready", "Status", "Restarts", "Age", "IP+", "Node+",
                            "Nominated Node+", "Readiness Gates+"), print_pod),
    "PodTemplate": Printer(_columns("Containers", "Images", "Pod Labels"), print_pod_template),
    "PodDisruptionBudget": Printer(_columns("Min Available", "Max Unavailable",
                                            "Allowed Disruptions", "Age"),
                                   print_pod_disruption_budget),
    "ReplicationController": Printer(_columns("Desired", "Current", "Ready", "Age", *_TEMPLATE),
                                     print_replication_controller),
    "ReplicaSet": Printer(_columns("Desired", "Current", "Ready", "Age", *_TEMPLATE),
                          print_replica_set),
    "DaemonSet": Printer(_columns("Desired", "Current", "Ready", "Up-to-date", "Available",
                                  "Node Selector", "Age", *_TEMPLATE), print_daemon_set),
    "Job": Printer(_columns("Status", "Completions", "Duration", "Age", *_TEMPLATE), print_job),
    "CronJob": Printer(_columns("Schedule", "Timezone", "Suspend", "Active", "Last Schedule",
                                "Age", *_TEMPLATE), print_cron_job),
    "Service": Printer(_columns("Type", "Cluster-IP", "External-IP", "Port(s)", "Age",
                                "Selector+"), print_service),
    "Ingress": Printer(_columns("Class", "Hosts", "Address", "Ports", "Age"), print_ingress),
    "IngressClass": Printer(_columns("Controller", "Parameters", "Age"), print_ingress_class),
    "StatefulSet": Printer(_columns("Ready", "Age", "Containers+", "Images+"),
                           print_stateful_set),
    "Endpoints": Printer(_columns("Endpoints", "Age"), print_endpoints),
    "Node": Printer(_columns("Status", "Roles", "Age", "Version", "Internal-IP+", "External-IP+",
                             "OS-Image+", "Kernel-Version+", "Container-Runtime+"), print_node),
    "Event": Printer((Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
                      Column("Subobject", 1), Column("Source", 1), Column("Message"),
                      Column("First Seen", 1), Column("Count", 1), Column("Name", 1, True)),
                     print_event),
    "Namespace": Printer(_columns("Status", "Age"), print_namespace),
    "Secret": Printer(_columns("Type", "Data", "Age"), print_secret),
    "ServiceAccount": Printer(_columns("Secrets", "Age"), print_service_account),
    "PersistentVolume": Printer(_columns("Capacity", "Access Modes", "Reclaim Policy", "Status",
                                         "Claim", "StorageClass", "VolumeAttributesClass",
                                         "Reason", "Age", "VolumeMode+"),
                                print_persistent_volume),
    "PersistentVolumeClaim": Printer(_columns("Status", "Volume", "Capacity", "Access Modes",
                                              "StorageClass", "VolumeAttributesClass", "Age",
                                              "VolumeMode+"), print_persistent_volume_claim),
    "Deployment": Printer(_columns("Ready", "Up-to-date", "Available", "Age", *_TEMPLATE),
                          print_deployment),
    "HorizontalPodAutoscaler": Printer(_columns("Reference", "Targets", "MinPods", "MaxPods",
                                                "Replicas", "Age"),
                                       print_horizontal_pod_autoscaler),
    "ConfigMap": Printer(_columns("Data", "Age"), print_config_map),
    "NetworkPolicy": Printer(_columns("Pod-Selector", "Age"), print_network_policy),
    "RoleBinding": Printer(_columns("Role", "Age", "Users+", "Groups+", "ServiceAccounts+"),
                           print_role_binding),
    "ClusterRoleBinding": Printer(_columns("Role", "Age", "Users+", "Groups+",
                                           "ServiceAccounts+"), print_role_binding),
    "Lease": Printer(_columns("Holder", "Age"), print_lease),
    "StorageClass": Printer(_columns("Provisioner", "ReclaimPolicy", "VolumeBindingMode",
                                     "AllowVolumeExpansion", "Age"), print_storage_class),
    "ControllerRevision": Printer(_columns("Controller", "Revision", "Age"),
                                  print_controller_revision),
    "ResourceQuota": Printer(_columns("Request", "Limit", "Age"), print_resource_quota),
    "PriorityClass": Printer(_columns("Value", "Global-Default", "Age", "PreemptionPolicy"),
                             print_priority_class),
    "EndpointSlice": Printer(_columns("AddressType", "Ports", "Endpoints", "Age"),
                             print_endpoint_slice),
    "MutatingWebhookConfiguration": Printer(_columns("Webhooks", "Age"),
                                            print_webhook_configuration),
    "ValidatingWebhookConfiguration": Printer(_columns("Webhooks", "Age"),
                                              print_webhook_configuration),
    "APIService": Printer(_columns("Service", "Available", "Age"), print_api_service),
}
DEFAULT = Printer(_columns("Created At"), print_default)
