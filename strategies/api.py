"""Hypothesis strategies for API traffic: manifests (valid and not) and the user's events.

Examples shrink towards few events, small names, one namespace and valid manifests.
Covered by: tests/test_properties_engine.py.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Delete, Event, Scale, Tick

NAMES = st.sampled_from(["web", "api", "db", "a-b", "Bad_Name"])
NAMESPACES = st.sampled_from(["default", "team", "missing"])
IMAGES = st.sampled_from(["web:v1", "web:v2", "web:v3", ""])


@st.composite
def deployment_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """apps/v1 Deployments, mostly valid, sometimes with a negative replica count, an empty
    image, a selector that does not match, or a bad strategy."""
    name = draw(NAMES)
    labels = {"app": name}
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": draw(st.sampled_from([labels, {"app": "x"}]))},
                     "spec": {"containers": [{"name": "app", "image": draw(IMAGES)}]}},
    }
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(-1, 20))
    if draw(st.booleans()):
        surge = draw(st.one_of(st.integers(0, 3), st.sampled_from(["0%", "25%", "100%"])))
        unavailable = draw(st.one_of(st.integers(0, 3), st.sampled_from(["0%", "25%", "120%"])))
        spec["strategy"] = {"type": "RollingUpdate",
                            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": draw(NAMESPACES)}, "spec": spec}


@st.composite
def other_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """Namespaces, ConfigMaps and bare Pods."""
    name = draw(NAMES)
    kind = draw(st.sampled_from(["Namespace", "ConfigMap", "Pod"]))
    if kind == "Namespace":
        return {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": draw(st.sampled_from(["team", "other"]))}}
    meta = {"name": name, "namespace": draw(NAMESPACES)}
    if kind == "ConfigMap":
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                "data": {"k": draw(st.sampled_from(["1", "2"]))}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "app", "image": draw(IMAGES)}]}}


def api_events(*, min_size: int = 0, max_size: int = 12) -> st.SearchStrategy[list[Event]]:
    """Sequences of apply, delete, scale and tick events over a handful of names."""
    applies = st.one_of(deployment_manifests(), other_manifests()).map(
        lambda m: Apply(decode_object(m)))
    deletes = st.builds(Delete, kind=st.sampled_from(["Deployment", "ConfigMap", "Pod",
                                                      "Namespace"]),
                        name=st.one_of(NAMES, st.sampled_from(["team", "default"])),
                        namespace=NAMESPACES,
                        propagation_policy=st.sampled_from([None, "Orphan", "Foreground"]))
    scales = st.builds(Scale, kind=st.just("Deployment"), name=NAMES,
                       replicas=st.integers(-1, 10), namespace=NAMESPACES)
    ticks = st.builds(Tick, seconds=st.integers(0, 120))
    event = st.one_of(applies, applies, deletes, scales, ticks)
    return st.lists(event, min_size=min_size, max_size=max_size)
