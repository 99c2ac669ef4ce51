"""Go's encoding/json as the workload controllers and kubectl write a ControllerRevision's data:
`json.Marshal` of a value decoded into `map[string]interface{}` (compact, keys sorted at every
level, HTML characters escaped), and getPatch's `{"spec": {"template": ..., "$patch":
"replace"}}` built from a stored pod template.

Models (v1.34): encoding/json Marshal of maps and interface{} values; getPatch of
pkg/controller/statefulset, pkg/controller/daemon and kubectl's polymorphichelpers; json.Marshal
of a v1.PodTemplateSpec (metadata and spec are structs, written even when empty; each
container's resources likewise; a zero creationTimestamp is omitted since v1.34's omitzero).
Simplifies: numbers are the integers kubefold's templates hold; a float prints as Python does.
Covered by: tests/test_history.py.
"""

from __future__ import annotations

import json
from typing import Any

from kubefold.core.objects import PodTemplateSpec
from kubefold.core.schema import decode, encode, thaw


def go_json(value: Any) -> bytes:
    """json.Marshal of a value decoded into interface{}: compact, map keys sorted, HTML
    characters and U+2028/U+2029 escaped as Go escapes them."""
    text = json.dumps(thaw(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text.encode()


_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def template_json(template: PodTemplateSpec | None) -> dict[str, Any]:
    """A pod template as json.Marshal of the Go struct writes it: metadata and spec always
    (structs), `resources` on every container (a struct), no zero creationTimestamp (v1.34's
    omitzero)."""
    doc = encode(template or PodTemplateSpec())
    metadata = doc.setdefault("metadata", {})
    metadata.pop("creationTimestamp", None)
    spec = doc.setdefault("spec", {})
    for key in _CONTAINER_LISTS:
        for container in spec.get(key) or ():
            if isinstance(container, dict):
                container.setdefault("resources", {})
    return doc


def get_patch(template: PodTemplateSpec | None) -> dict[str, Any]:
    """getPatch (StatefulSet and DaemonSet): a patch that replaces spec.template."""
    doc = template_json(template)
    doc["$patch"] = "replace"
    return {"spec": {"template": doc}}


def template_from_patch(data: Any) -> PodTemplateSpec:
    """The pod template a revision's patch puts back: the inverse of `get_patch`, without the
    `$patch` directive and the empty structs Go's encoding adds; raises DecodeError when the
    patch does not hold a template."""
    doc = thaw(data) or {}
    raw = dict((doc.get("spec") or {}).get("template") or {})
    raw.pop("$patch", None)
    for key in _CONTAINER_LISTS:
        for container in (raw.get("spec") or {}).get(key) or ():
            if isinstance(container, dict) and container.get("resources") == {}:
                del container["resources"]
    return decode(PodTemplateSpec, raw, "data.spec.template")
