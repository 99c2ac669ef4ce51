"""Traffic routers: what a canary's weights and header/mirror routes become in the objects a
mesh or gateway reads.

- `gatewayapi`: the Gateway API plugin (argoproj-labs/gatewayAPI): HTTPRoute backendRef weights
  and header-routing rules.
- `istio`: Istio VirtualService route weights (host or subset level), DestinationRule subsets,
  header and mirror routes.
- `NoOpReconciler`: a router kubefold does not run (Nginx, ALB, SMI, ...): the controller still
  computes and records the weights, but writes no object.

A reconciler is built for one sync of one Rollout and writes through the API server, replacing
the context's cluster value (`c.cluster`) as the rollout controller's other writes do.

Covered by: tests/test_rollouts_trafficrouting.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.networking import WRITTEN_BY
from kubefold.core.schema import DecodeError
from kubefold.reducers import apiserver


def read(c: Any, kind: str, namespace: str, name: str, resource: str
         ) -> tuple[dict[str, Any], Status | None]:
    """The object as plain JSON, or ({}, NotFound)."""
    obj = c.cluster.get(kind, namespace, name)
    if obj is None:
        return {}, not_found_status(resource, name)
    return encode_object(obj), None


def write(c: Any, doc: dict[str, Any]) -> Status | None:
    """An update of the object from plain JSON (unconditional, as a patch), marked as written
    by the argo-rollouts controller (so a route view counts it as Accepted)."""
    meta = doc.setdefault("metadata", {})
    meta.pop("resourceVersion", None)
    meta.setdefault("annotations", {})[WRITTEN_BY] = "argo-rollouts"
    try:
        obj = decode_object(doc)
    except DecodeError as exc:
        return bad_request(str(exc))
    written = apiserver.update(c.cluster, obj)
    if isinstance(written, Status):
        return written
    c.cluster = written.cluster
    return None


class NoOpReconciler:
    """A router kubefold does not model: weights are computed and recorded, nothing written."""

    def __init__(self, name: str) -> None:
        self.name = name

    def type(self) -> str:
        return self.name

    def update_hash(self, c: Any, canary_hash: str, stable_hash: str, dests: list[Any]
                    ) -> Status | None:
        return None

    def set_weight(self, c: Any, weight: int, dests: list[Any]) -> Status | None:
        return None

    def set_header_route(self, c: Any, route: Any) -> Status | None:
        return None

    def set_mirror_route(self, c: Any, route: Any) -> Status | None:
        return None

    def verify_weight(self, c: Any, weight: int, dests: list[Any]
                      ) -> tuple[bool | None, Status | None]:
        return None, None

    def remove_managed_routes(self, c: Any) -> Status | None:
        return None
