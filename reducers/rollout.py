"""kubectl rollout pause, resume, restart and undo, as the client computes them.

Models: staging/src/k8s.io/kubectl/pkg/polymorphichelpers (objectpauser.go, objectresumer.go,
objectrestarter.go) and pkg/cmd/rollout (v1.34).
Simplifies: undo needs the Deployment controller's revision history and arrives with it.
Covered by: tests/test_apiserver.py.
"""

from __future__ import annotations

from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.errors import not_found_status
from kubefold.core.events import Rollout
from kubefold.core.kinds import kind_info
from kubefold.reducers import apiserver


def handle(cluster: Cluster, event: Rollout) -> apiserver.Result:
    info = kind_info(event.kind)
    obj: Any = cluster.get(event.kind, event.namespace or "default", event.name)
    if obj is None:
        return not_found_status(info.qualified_resource, event.name)
    if event.action == "pause":
        return apiserver.rollout_pause(cluster, obj, True)
    if event.action == "resume":
        return apiserver.rollout_pause(cluster, obj, False)
    if event.action == "restart":
        return apiserver.rollout_restart(cluster, obj)
    return undo(cluster, obj, event.to_revision)


def undo(cluster: Cluster, obj: Any, to_revision: int | None) -> apiserver.Result:
    from kubefold.core.errors import bad_request

    return bad_request(f'no rollout history found for {kind_info(obj.kind).resource} '
                       f'"{obj.metadata.name}"')
