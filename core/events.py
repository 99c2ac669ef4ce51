"""Events: what happens to a cluster, as values.

External events come from the world (a user's `apply`, `delete`, `scale`, `rollout`, time
passing, node health, container exits and probe results, metric samples); the internal event
`Reconcile` is one control-plane component's turn. Every event may carry `at` (seconds since the
clock's start) and `origin` (the file and document or line it was read from, for messages; not
part of equality).

Covered by: tests/test_codec.py, tests/test_manager.py.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs


def _common() -> Any:
    return attrs.field(default=None, kw_only=True)


def _origin() -> Any:
    return attrs.field(default="", kw_only=True, eq=False, hash=False)


@attrs.frozen
class Apply:
    """Create the object, or update it to this manifest (kubectl apply)."""

    object: Any
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Delete:
    kind: str
    name: str
    namespace: str | None = None
    propagation_policy: str | None = None  # Background (default), Foreground, Orphan
    grace_period_seconds: int | None = None
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Scale:
    kind: str
    name: str
    replicas: int
    namespace: str | None = None
    at: int | None = _common()
    origin: str = _origin()


ROLLOUT_ACTIONS = ("undo", "pause", "resume", "restart", "promote", "abort", "retry")


@attrs.frozen
class Rollout:
    """kubectl rollout undo|pause|resume|restart; on kind Rollout, `kubectl argo rollouts`
    promote (`full`), abort, retry, pause, resume, restart, undo; on kind Canary, promote
    (open the gates waiting) and abort (roll back), as flagger-loadtester's gate API answers
    them."""

    action: str
    kind: str
    name: str
    namespace: str | None = None
    to_revision: int | None = None
    full: bool | None = None
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Tick:
    """Time passes: the clock moves forward by `seconds`."""

    seconds: int
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Settle:
    """External events stop here: time passes to each moment work falls due, until nothing is
    left to do or `wakeups` moments have passed. Under `replay --check` it also checks
    convergence (every workload's status matches its spec, no cycle) within that bound: the
    last event of a liveness counterexample that `explore` writes."""

    wakeups: int = 200
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class NodeHealth:
    """A node's kubelet stops (`ready: false`) or comes back (`ready: true`)."""

    name: str
    ready: bool
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class PodEvent:
    """Something happens inside a pod: a container exits with a code, or turns (un)ready."""

    namespace: str
    name: str
    container: str | None = None
    exit: int | None = None
    ready: bool | None = None
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Evict:
    """A request to the Eviction API for one pod (honours PodDisruptionBudgets)."""

    namespace: str
    name: str
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Drain:
    """kubectl drain: cordon the node, then evict its pods through the Eviction API."""

    node: str
    at: int | None = _common()
    origin: str = _origin()


HELM_ACTIONS = ("install", "upgrade", "rollback", "uninstall")


@attrs.frozen
class Helm:
    """A Helm 3 command: install, upgrade, rollback or uninstall of a release.

    `chart` is a chart folder or archive relative to `base` (the log file's folder), or with
    `repo` (an index.yaml, also relative to `base`) a chart name in that repository, `version`
    a range over its versions. `rendered` is what the shell made of the chart for the state
    the event applies to (core/helm.py `RenderedChart`, or a `Refusal` carrying Helm's error
    text); the engine folds only rendered events."""

    action: str
    release: str
    namespace: str = "default"
    chart: str | None = None
    values: Any = None
    version: str | None = None
    repo: str | None = None
    revision: int | None = None
    atomic: bool = False
    wait: bool = False
    timeout: int | None = None
    history_max: int | None = None
    keep_history: bool = False
    rendered: Any = attrs.field(default=None, kw_only=True, eq=False, hash=False)
    base: str = attrs.field(default="", kw_only=True, eq=False, hash=False)
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Usage:
    """A PodMetrics sample, as metrics-server would serve it (`usage:`): cpu and memory used
    by one pod (`pod`), by every pod a `selector` picks, or by every pod of the namespace
    (`pod: "*"`); either summed over containers (`cpu`, `memory`) or per container
    (`containers: {name: {cpu, memory}}`). Quantities are kept as written; the handler parses
    them (a bad one is a rejected event, not an unreadable log)."""

    namespace: str
    pod: str | None = None
    selector: Any = None  # frozen metav1.LabelSelector JSON
    cpu: Any = None
    memory: Any = None
    containers: Any = None  # frozen {container: {cpu, memory}}
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class MetricSample:
    """A custom or external metric sample (`metric:`), as a metrics adapter would serve it: a
    Pods metric (`pod`, `pod: "*"` or `selector`), an Object metric (`object: {kind, name}`),
    or, with neither, an External metric (`labels`) or a plain sample of a namespace (or of
    the whole cluster) that analysis reads. `value` is kept as written: a number or a list."""

    name: str
    value: Any
    namespace: str | None = None
    pod: str | None = None
    selector: Any = None  # frozen metav1.LabelSelector JSON
    object: Any = None  # frozen {kind, name, apiVersion}
    labels: Any = None  # frozen {label: value}
    at: int | None = _common()
    origin: str = _origin()


@attrs.frozen
class Reconcile:
    """One turn of a controller for one key (`default/web`, a node's or a pod's name)."""

    controller: str
    key: str
    at: int | None = _common()
    origin: str = _origin()


Event: TypeAlias = (Apply | Delete | Scale | Rollout | Tick | NodeHealth | PodEvent | Evict
                    | Drain | Usage | MetricSample | Reconcile | Helm | Settle)

VERBS: dict[str, type] = {
    "apply": Apply,
    "delete": Delete,
    "scale": Scale,
    "rollout": Rollout,
    "tick": Tick,
    "node": NodeHealth,
    "pod": PodEvent,
    "evict": Evict,
    "drain": Drain,
    "usage": Usage,
    "metric": MetricSample,
    "reconcile": Reconcile,
    "helm": Helm,
    "settle": Settle,
}

EXTERNAL = (Apply, Delete, Scale, Rollout, Tick, NodeHealth, PodEvent, Evict, Drain, Usage,
            MetricSample, Helm, Settle)
