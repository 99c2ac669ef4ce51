"""kubectl apply, client side: the last-applied-configuration annotation and the three-way merge.

Models (v1.34): staging/src/k8s.io/kubectl/pkg/cmd/apply (apply.go, patcher.go: the
last-applied-configuration annotation, and for objects without a strategic-merge schema
jsonmergepatch.CreateThreeWayJSONMergePatch).
Simplifies: lists are merged whole, as a JSON merge patch does, where kubectl's strategic merge
patch merges some lists by key (containers by name); no server-side apply or field management.
Covered by: tests/test_apiserver.py, tests/test_rollout.py.
"""

from __future__ import annotations

import json
from typing import Any

from kubefold.core.cluster import Cluster
from kubefold.core.codec import decode_object, encode_object
from kubefold.core.errors import Status
from kubefold.core.schema import DecodeError
from kubefold.reducers import apiserver

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def apply(cluster: Cluster, obj: Any) -> apiserver.Result:
    """kubectl apply (client-side): create the object, or patch the live one with the
    three-way merge of the last applied manifest, the new manifest and the live object —
    fields the manifest sets win, fields it dropped since the last apply go, fields other
    writers set (spec.paused, a restartedAt annotation, status) stay. The manifest is kept in
    the last-applied-configuration annotation, as kubectl keeps it. Re-applying an unchanged
    manifest writes nothing."""
    decoded = apiserver.decode_request(obj, cluster)
    if isinstance(decoded, Status):
        return decoded
    obj = apiserver.resolve_scope(decoded, cluster)
    manifest = encode_object(obj)
    manifest.get("metadata", {}).get("annotations", {}).pop(LAST_APPLIED, None)
    recorded = json.dumps(manifest, sort_keys=True, separators=(",", ":"))
    applied = _with_annotation(manifest, LAST_APPLIED, recorded)
    old = cluster.get(obj.kind, obj.metadata.namespace, obj.metadata.name) \
        if obj.metadata.name else None
    try:
        if old is None:
            return apiserver.create(cluster, decode_object(applied))
        last = _last_applied(old)
        merged = three_way_merge(encode_object(old), last, applied)
        if not manifest.get("metadata", {}).get("resourceVersion"):
            merged["metadata"]["resourceVersion"] = old.metadata.resource_version
        return apiserver.update(cluster, decode_object(merged))
    except DecodeError as exc:  # the merge of a live object with the manifest did not decode
        return apiserver.cannot_be_handled(obj.kind, obj.api_version, exc)


def three_way_merge(live: dict[str, Any], last: dict[str, Any], new: dict[str, Any]
                    ) -> dict[str, Any]:
    """jsonmergepatch.CreateThreeWayJSONMergePatch applied to `live`: maps merge key by key,
    a key in `last` but not in `new` is deleted, anything else in `new` replaces."""
    out = dict(live)
    for key in last:
        if key not in new:
            out.pop(key, None)
    for key, value in new.items():
        current, before = out.get(key), last.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = three_way_merge(current, before if isinstance(before, dict) else {},
                                       value)
        else:
            out[key] = value
    return out


def _last_applied(obj: Any) -> dict[str, Any]:
    text = obj.metadata.annotations.get(LAST_APPLIED)
    try:
        last = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    return last if isinstance(last, dict) else {}


def _with_annotation(doc: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    meta = dict(doc.get("metadata") or {})
    meta["annotations"] = {**(meta.get("annotations") or {}), key: value}
    return {**doc, "metadata": meta}
