"""Hostile inputs: objects, logs and snapshots with wrong types at every field the schema knows,
extreme numbers and absent fields, for the properties that kubefold never crashes on them.

The fields come from the schema itself (`schema_paths` walks the attrs classes of
core/objects.py and every module listed in core/kinds.py's MODELLED), so a kind a helper adds
is fuzzed with no change here.

- `hostile_values()`: any JSON value a user could write, biased to the ones that break
  things (strings for numbers, huge and fractional numbers, infinities, lists for objects).
  Shrinks towards `0`.
- `hostile_objects()`: a valid manifest of a modelled kind with one to `max_mutations` fields
  set to a hostile value or removed. Shrinks towards the valid manifest with one mutation at
  the first field.
- `hostile_logs()`: event-log documents: valid events and hostile objects (bare or under
  `apply:`), and verbs with hostile bodies. Shrinks towards a short log of valid events.
- `hostile_snapshots()`: snapshot items (stored objects) with hostile fields.

Covered by: tests/test_fuzz.py.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import attrs
from hypothesis import strategies as st

from kubefold.core.kinds import MODELLED
from kubefold.core.schema import ListOf, MapOf

Path = tuple[Any, ...]  # str keys, 0 for "the first item", MAP_KEY for "some map key"
MAP_KEY = "k8s.io/fuzz"

_NUMBERS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, 10**30,
            0.5, 2.5, -0.0, 1e308, float("inf"), float("-inf"), float("nan")]
_STRINGS = ["", "3", "-5%", "150%", "abc", "1GB", "1 core", "1e999", "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "true", "null", "Deploymnet",
            "a/b", "..", "\u00e9", "x" * 300]


def hostile_values(*, max_leaves: int = 4) -> st.SearchStrategy[Any]:
    """Any JSON value, biased towards numbers and strings that break parsers."""
    scalars = st.one_of(st.sampled_from(_NUMBERS), st.sampled_from(_STRINGS), st.booleans(),
                        st.integers(), st.text(max_size=8), st.none())
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.text(max_size=4), inner, max_size=2)),
        max_leaves=max_leaves)


def _nested_classes(codec: Any) -> Iterator[tuple[Path, type | None]]:
    """(path suffix, class) for what a codec holds: a class, or None for a leaf."""
    if isinstance(codec, ListOf):
        for suffix, cls in _nested_classes(codec.item):
            yield (0, *suffix), cls
        return
    if isinstance(codec, MapOf):
        for suffix, cls in _nested_classes(codec.item):
            yield (MAP_KEY, *suffix), cls
        return
    cls = getattr(codec, "cls", None)
    yield (), cls if isinstance(cls, type) and attrs.has(cls) else None


def schema_paths(cls: type, max_depth: int = 10) -> list[Path]:
    """Every JSON path the schema of `cls` knows, depth first (a field, then inside it)."""
    out: list[Path] = []

    def walk(cls: type, prefix: Path, depth: int) -> None:
        if depth > max_depth:
            return
        for a in attrs.fields(cls):
            if "k8s" not in a.metadata:
                continue
            for suffix, inner in _nested_classes(a.metadata["codec"]):
                path = (*prefix, a.metadata["k8s"], *suffix)
                out.append(path)
                if inner is not None:
                    walk(inner, path, depth + 1)

    walk(cls, (), 0)
    return out


def _container() -> dict[str, Any]:
    return {"name": "app", "image": "web:v1", "ports": [{"containerPort": 80}],
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
            "readinessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5}}


def _template(app: str) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": app}},
            "spec": {"containers": [_container()], "terminationGracePeriodSeconds": 30}}


_NODE_STATUS = {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True"}]}

BASES: dict[str, dict[str, Any]] = {
    "Deployment": {"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                            "strategy": {"type": "RollingUpdate",
                                         "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                            "template": _template("web")}},
    "ReplicaSet": {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                   "metadata": {"name": "rs", "namespace": "default"},
                   "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "rs"}},
                            "template": _template("rs")}},
    "Pod": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "solo", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [_container()], "nodeName": "n1"}},
    "Node": {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"},
             "status": _NODE_STATUS},
    "Namespace": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}},
    "Service": {"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
    "PodDisruptionBudget": {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                            "metadata": {"name": "web", "namespace": "default"},
                            "spec": {"minAvailable": 1,
                                     "selector": {"matchLabels": {"app": "web"}}}},
    "PriorityClass": {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                      "metadata": {"name": "high"}, "value": 1000},
}
NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "status": _NODE_STATUS}


def base_manifest(kind: str) -> dict[str, Any]:
    """A valid manifest of a modelled kind (a bare one for kinds added later)."""
    if kind in BASES:
        return copy.deepcopy(BASES[kind])
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x", "namespace": "default"}}


def set_path(manifest: dict[str, Any], path: Path, value: Any, remove: bool = False) -> None:
    """Set (or remove) the value at `path`, making the containers on the way."""
    target: Any = manifest
    for step, following in zip(path[:-1], path[1:], strict=True):
        fresh: Any = [] if following == 0 else {}
        if step == 0:
            if not isinstance(target, list):
                return
            if not target:
                target.append(fresh)
            target = target[0]
        else:
            if not isinstance(target, dict):
                return
            if not isinstance(target.get(step), list | dict):
                target[step] = fresh
            target = target[step]
    last = path[-1]
    if last == 0:
        if isinstance(target, list):
            if remove:
                target.clear()
            elif target:
                target[0] = value
            else:
                target.append(value)
    elif isinstance(target, dict):
        if remove:
            target.pop(last, None)
        else:
            target[last] = value


@st.composite
def hostile_objects(draw: st.DrawFn, *, kinds: tuple[str, ...] | None = None,
                    max_mutations: int = 3) -> dict[str, Any]:
    """A valid manifest of one of `kinds` (every modelled kind by default) with hostile
    values at, or removals of, fields its schema knows."""
    if max_mutations < 1:
        raise ValueError(f"max_mutations must be at least 1, not {max_mutations}")
    names = kinds or tuple(sorted(MODELLED))
    kind = draw(st.sampled_from(names))
    manifest = base_manifest(kind)
    paths = schema_paths(MODELLED.get(kind, MODELLED["Pod"]))
    paths = [p for p in paths if p[0] not in ("apiVersion", "kind")]
    for _ in range(draw(st.integers(1, max_mutations))):
        path = draw(st.sampled_from(paths))
        if draw(st.integers(0, 4)) == 0:
            set_path(manifest, path, None, remove=True)
        else:
            set_path(manifest, path, draw(hostile_values()))
    return manifest


def _valid_events() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda s: {"tick": s}, st.sampled_from([1, 5, 30])),
        st.builds(lambda r: {"scale": {"kind": "Deployment", "namespace": "default",
                                       "name": "web", "replicas": r}}, st.integers(0, 4)),
        st.builds(lambda a: {"rollout": {"action": a, "kind": "Deployment",
                                         "namespace": "default", "name": "web"}},
                  st.sampled_from(["undo", "pause", "resume", "restart"])),
        st.just({"apply": BASES["Deployment"]}))


def hostile_verbs() -> st.SearchStrategy[Any]:
    """A verb with a hostile body (or a hostile `at:`)."""
    verbs = ["tick", "scale", "delete", "rollout", "node", "pod", "evict", "drain",
             "reconcile", "settle", "apply"]
    return st.one_of(
        st.builds(lambda v, b: {v: b}, st.sampled_from(verbs), hostile_values()),
        st.builds(lambda k, b: {"scale": {"kind": "Deployment", "namespace": "default",
                                          "name": "web", k: b}},
                  st.sampled_from(["replicas", "kind", "name", "namespace"]), hostile_values()),
        st.builds(lambda at: {"at": at, "tick": 1}, hostile_values()))


@st.composite
def hostile_logs(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 6,
                 verbs: bool = True) -> list[Any]:
    """Log documents: a node and a Deployment, then valid events and hostile ones."""
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size}, {max_size}")
    one = st.one_of(_valid_events(), hostile_objects(),
                    hostile_objects().map(lambda m: {"apply": m}),
                    *([hostile_verbs()] if verbs else []))
    return [NODE, BASES["Deployment"], *draw(st.lists(one, min_size=min_size,
                                                      max_size=max_size))]


@st.composite
def hostile_snapshots(draw: st.DrawFn, *, max_size: int = 4) -> list[Any]:
    """Snapshot items: stored objects (uid, creationTimestamp, resourceVersion) of which some
    carry hostile fields."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, not {max_size}")
    items = []
    for i, manifest in enumerate(draw(st.lists(st.one_of(
            hostile_objects(), st.sampled_from(sorted(BASES)).map(base_manifest)),
            min_size=1, max_size=max_size))):
        meta = manifest.get("metadata")
        if isinstance(meta, dict):
            meta.setdefault("uid", f"uid-{i}")
            meta.setdefault("creationTimestamp", "2024-06-01T00:00:00Z")
            meta.setdefault("resourceVersion", str(i + 1))
        items.append(manifest)
    return items
