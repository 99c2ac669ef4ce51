"""ControllerRevision history shared by the StatefulSet and DaemonSet controllers.

A revision stores a strategic-merge patch that puts a pod template back: `{"spec": {"template":
{..., "$patch": "replace"}}}`. Its name is `<parent>-<hash>`; the hash is HashControllerRevision:
FNV-1 32 (hash/fnv `New32`, not 32a) of the patch's bytes followed by the decimal collision
count, printed in decimal and passed through SafeEncodeString. The bytes are what Go's
`json.Marshal` writes for the maps getPatch builds (json.Unmarshal of the object into
`map[string]interface{}`, then Marshal): compact, keys sorted at every level, `<`, `>` and `&`
escaped. kubefold writes the same bytes from the stored (defaulted) template, so the names are
Kubernetes' own: the 1.34 compatibility fixture of pkg/controller/statefulset
(`test-776999688b`) and the 1.33 one (`test-c77f6d978`, with the then-written
`creationTimestamp: null`) are reproduced in tests/test_history.py.

Models (v1.34): pkg/controller/history/controller_history.go (ControllerRevisionName,
NewControllerRevision, HashControllerRevision, SortControllerRevisions, EqualRevision,
FindEqualRevisions, realHistory's List/Create/Update/Delete/Adopt), and how Go's encoding/json
marshals `map[string]interface{}` (sorted keys, HTML-safe escaping, float64 numbers).

Simplifies:
- A template's JSON is kubefold's encoding of the defaulted template with the fields Go always
  writes added (`metadata`, `spec`, each container's `resources: {}`); a field kubefold keeps
  only as unmodelled JSON is written as given, which is what the API server stores.
- Numbers are integers in every template kubefold reads; a float would print as Python does.

Covered by: tests/test_history.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pyrsistent import pmap, pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.gojson import get_patch as get_patch
from kubefold.core.gojson import go_json as go_json
from kubefold.core.gojson import template_json as template_json
from kubefold.core.labels import Selector
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import ObjectMeta, OwnerReference
from kubefold.core.schema import freeze
from kubefold.reducers import apiserver

CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
FNV32_OFFSET = 0x811C9DC5
FNV32_PRIME = 0x01000193
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


# -- hashing and names -----------------------------------------------------------------------


def fnv32(data: bytes) -> int:
    """hash/fnv New32 (FNV-1): multiply, then xor.

    >>> fnv32(b""), fnv32(b"a")
    (2166136261, 84696446)
    """
    h = FNV32_OFFSET
    for byte in data:
        h = ((h * FNV32_PRIME) & 0xFFFFFFFF) ^ byte
    return h


def safe_encode_string(s: str) -> str:
    """util/rand SafeEncodeString."""
    return "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in s)


def hash_controller_revision(data: Any, probe: int | None) -> str:
    """HashControllerRevision: FNV-1 32 of the data's bytes, then the probe in decimal."""
    raw = go_json(data)
    if probe is not None:
        raw += str(probe).encode()
    return safe_encode_string(str(fnv32(raw)))


def controller_revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters."""
    return f"{prefix[:223]}-{hash_}"


def new_controller_revision(parent: Any, api_version: str, kind: str,
                            template_labels: Any, data: Any, revision: int,
                            collision_count: int | None) -> Any:
    """NewControllerRevision: the template's labels plus the hash label, a controller
    reference to the parent, the data and the revision number; named `<parent>-<hash>`."""
    from kubefold.core.apps import ControllerRevision

    hash_ = hash_controller_revision(data, collision_count)
    labels = pmap(template_labels or {}).set(CONTROLLER_REVISION_HASH_LABEL, hash_)
    ref = OwnerReference(api_version=api_version, kind=kind, name=parent.metadata.name,
                         uid=parent.metadata.uid, controller=True, block_owner_deletion=True)
    meta = ObjectMeta(name=controller_revision_name(parent.metadata.name or "", hash_),
                      namespace=parent.metadata.namespace, labels=labels,
                      owner_references=pvector([ref]))
    return ControllerRevision(api_version="apps/v1", kind="ControllerRevision", metadata=meta,
                              data=freeze(data), revision=revision)


# -- ordering and equality -------------------------------------------------------------------


def sort_controller_revisions(revisions: Iterable[Any]) -> list[Any]:
    """SortControllerRevisions: by revision, then creation time, then name (stable)."""
    return sorted(revisions, key=lambda r: (r.revision or 0, r.metadata.creation_timestamp or 0,
                                            r.metadata.name or ""))


def _hash_label(revision: Any) -> int | None:
    text = revision.metadata.labels.get(CONTROLLER_REVISION_HASH_LABEL)
    if text is None:
        return None
    try:
        value = int(text, 10)
    except ValueError:
        return None
    return value & 0xFFFFFFFF if -(2**31) <= value < 2**31 else None


def equal_revision(lhs: Any, rhs: Any) -> bool:
    """EqualRevision: both absent, or the same data bytes (a differing numeric hash label
    settles it sooner)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    lh, rh = _hash_label(lhs), _hash_label(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return go_json(lhs.data) == go_json(rhs.data)


def find_equal_revisions(revisions: Sequence[Any], needle: Any) -> list[Any]:
    """FindEqualRevisions, in the order given."""
    return [r for r in revisions if equal_revision(r, needle)]


# -- realHistory: the API requests -----------------------------------------------------------


def list_controller_revisions(cluster: Cluster, parent: Any, selector: Selector) -> list[Any]:
    """ListControllerRevisions: the namespace's revisions the selector matches that the parent
    controls or nobody does."""
    out = []
    for revision in cluster.select("ControllerRevision", parent.metadata.namespace, selector):
        ref = get_controller_of(revision)
        if ref is None or ref.uid == parent.metadata.uid:
            out.append(revision)
    return out


@attrs.frozen
class Created:
    cluster: Cluster
    revision: Any
    collision_count: int
    error: str | None = None


def create_controller_revision(cluster: Cluster, parent: Any, revision: Any,
                               collision_count: int) -> Created:
    """CreateControllerRevision: create it named by its hash; on a name taken by the same data
    return the existing one, by other data count a collision and try the next name."""
    for _ in range(1000):
        hash_ = hash_controller_revision(revision.data, collision_count)
        name = controller_revision_name(parent.metadata.name or "", hash_)
        clone = attrs.evolve(revision, metadata=attrs.evolve(
            revision.metadata, name=name, namespace=parent.metadata.namespace))
        result = apiserver.create(cluster, clone)
        if isinstance(result, apiserver.Written):
            return Created(result.cluster, result.object, collision_count)
        if result.reason != "AlreadyExists":
            return Created(cluster, None, collision_count, result.message)
        exists = cluster.get("ControllerRevision", parent.metadata.namespace, name)
        if exists is not None and go_json(exists.data) == go_json(clone.data):
            return Created(cluster, exists, collision_count)
        collision_count += 1
    return Created(cluster, None, collision_count, "too many ControllerRevision collisions")


def update_controller_revision(cluster: Cluster, revision: Any, new_revision: int
                               ) -> apiserver.Result:
    """UpdateControllerRevision: set its revision number."""
    if revision.revision == new_revision:
        return apiserver.Written(cluster, revision)
    clone = attrs.evolve(revision, revision=new_revision,
                         metadata=attrs.evolve(revision.metadata, resource_version=None))
    return apiserver.update(cluster, clone)


def delete_controller_revision(cluster: Cluster, revision: Any) -> apiserver.Result:
    """DeleteControllerRevision."""
    return apiserver.delete(cluster, "ControllerRevision", revision.metadata.namespace,
                            revision.metadata.name)


def adopt_controller_revision(cluster: Cluster, parent: Any, api_version: str, kind: str,
                              revision: Any) -> apiserver.Result:
    """AdoptControllerRevision: add a controller reference to an orphan revision."""
    if get_controller_of(revision) is not None:
        return Status("Conflict", 409, f"attempt to adopt revision owned by "
                                       f"{get_controller_of(revision)}")
    ref = OwnerReference(api_version=api_version, kind=kind, name=parent.metadata.name,
                         uid=parent.metadata.uid, controller=True, block_owner_deletion=True)
    refs = [r for r in revision.metadata.owner_references if r.uid != ref.uid] + [ref]
    clone = attrs.evolve(revision, metadata=attrs.evolve(
        revision.metadata, owner_references=pvector(refs), resource_version=None))
    return apiserver.update(cluster, clone)


def release_controller_revision(cluster: Cluster, parent: Any, revision: Any
                                ) -> apiserver.Result:
    """ReleaseControllerRevision: drop the parent's reference; NotFound is not an error."""
    stored = cluster.get("ControllerRevision", revision.metadata.namespace,
                         revision.metadata.name)
    if stored is None:
        return apiserver.Written(cluster, None)
    refs = [r for r in stored.metadata.owner_references if r.uid != parent.metadata.uid]
    clone = attrs.evolve(stored, metadata=attrs.evolve(
        stored.metadata, owner_references=pvector(refs), resource_version=None))
    return apiserver.update(cluster, clone)
