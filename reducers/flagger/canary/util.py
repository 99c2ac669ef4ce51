"""Flagger's canary helpers: container ports, annotations and labels of the objects it makes,
and the spec hash that says whether a target has a new revision.

Models: fluxcd/flagger pkg/canary/util.go (getPorts, makeAnnotations, filterMetadata,
includeLabelsByPrefix, makePrimaryLabels, int32Default) and spec.go (hasSpecChanged,
ComputeHash).
Simplifies: makeAnnotations' `flagger-id` is a version-4 UUID drawn from the cluster's seeded
bits (Go reads crypto/rand); ComputeHash is the Deployment controller's pod-template-hash
without a collision count (Go hashes a spew dump of the same struct with the same FNV-1a: see
reducers/controllers/deployment/util.py for how kubefold's hash differs from Go's); getPorts
returns the ports sorted by name (Go returns a map, iterated in random order).
Covered by: tests/test_flagger_canary.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import Canary, service_of
from kubefold.reducers.controllers.deployment.util import compute_hash

SIDECARS = frozenset({"istio-proxy", "envoy"})
TOOLKIT_MARKER = "toolkit.fluxcd.io"
ID_KEY = "flagger-id"
SELECTOR_LABELS = ("app", "name", "app.kubernetes.io/name")  # -selector-labels default
INCLUDE_LABEL_PREFIX = ("",)  # -include-label-prefix default ""


def get_ports(cd: Canary, containers: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """getPorts: every container port of the non-sidecar containers, named by the port's name
    or `tcp-<container>-<index>`, except the one the Canary's service targets."""
    service = service_of(cd)
    target = service.target_port
    ports: dict[str, int] = {}
    for container in containers:
        if container.get("name") in SIDECARS:
            continue
        for i, port in enumerate(container.get("ports") or ()):
            number = port.get("containerPort")
            if target is None or target == 0:
                if number == service.port:
                    continue
            elif isinstance(target, int):
                if number == target:
                    continue
            elif port.get("name") == target:
                continue
            name = port.get("name") or f"tcp-{container.get('name')}-{i}"
            ports[name] = number
    return dict(sorted(ports.items()))


def make_annotations(cluster: Cluster, annotations: Mapping[str, str], *salt: object
                     ) -> dict[str, str]:
    """makeAnnotations: the annotations without Flux's and the old id, and a new `flagger-id`
    (a random UUID, here from the cluster's seeded bits) so that the pods roll."""
    bits = cluster.random_bits("flagger-id", *salt)
    more = cluster.random_bits("flagger-id-low", *salt)
    raw = bytearray(bits.to_bytes(8, "big") + more.to_bytes(8, "big"))
    raw[8] = raw[8] & ~0xC0 | 0x80
    raw[6] = raw[6] & ~0xF0 | 0x40
    res = {k: v for k, v in annotations.items() if TOOLKIT_MARKER not in k and k != ID_KEY}
    res[ID_KEY] = str(uuid.UUID(bytes=bytes(raw)))
    return res


def filter_metadata(meta: Mapping[str, str] | None) -> dict[str, str]:
    """filterMetadata: everything but Flux's keys."""
    return {k: v for k, v in (meta or {}).items() if TOOLKIT_MARKER not in k}


def include_labels_by_prefix(labels: Mapping[str, str] | None,
                             prefixes: Iterable[str] = INCLUDE_LABEL_PREFIX) -> dict[str, str]:
    """includeLabelsByPrefix: the labels whose key starts with one of the prefixes (`*` for
    all; an empty prefix matches nothing), Flux's never."""
    prefixes = list(prefixes)
    out = {}
    for key, value in (labels or {}).items():
        if TOOLKIT_MARKER in key:
            continue
        if any(p == "*" or (p != "" and key.startswith(p)) for p in prefixes):
            out[key] = value
    return out


def make_primary_labels(labels: Mapping[str, str] | None, label_value: str, label: str
                        ) -> dict[str, str]:
    """makePrimaryLabels: the labels with the selector label set to the primary's value."""
    res = {k: v for k, v in (labels or {}).items() if TOOLKIT_MARKER not in k and k != label}
    res[label] = label_value
    return res


def compute_spec_hash(template: Any) -> str:
    """ComputeHash of a pod template: what `status.lastAppliedSpec` records."""
    return compute_hash(template, None)


def has_spec_changed(cd: Canary, template: Any) -> bool:
    """hasSpecChanged: no spec recorded yet, or a hash that differs from the last applied one
    and is not the last promoted one (a manual rollback to the promoted spec starts
    nothing)."""
    status = cd.status
    if not status.last_applied_spec:
        return True
    new_hash = compute_spec_hash(template)
    if status.last_promoted_spec == new_hash:
        return False
    return status.last_applied_spec != new_hash
