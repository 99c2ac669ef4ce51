"""Custom resources checked against their CustomResourceDefinition's openAPIV3Schema.

The schema is checked with the `jsonschema` library (OpenAPI v3's schema object is JSON
Schema draft 4 with extensions; the `x-kubernetes-*` and `nullable` keywords are left to
kube-apiserver's structural schema code and ignored here). Each violation becomes a field
error worded as apiextensions-apiserver's validation words it:
`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer:
"string"`, `spec.image: Required value`, `spec.mode: Unsupported value: "x": supported values:
"a", "b"`.

Models: k8s.io/apiextensions-apiserver/pkg/apiserver/validation (ValidateCustomResource and
its kube-openapi error texts: errors.InvalidType, Required, EnumFail, TooLong, ...), v1.34.
Simplifies: metadata and apiVersion/kind are not checked against the schema (the API server
validates them itself); CEL rules (x-kubernetes-validations), defaults and pruning of
unknown fields are not applied; a schema that is itself not valid JSON Schema is ignored.
Covered by: tests/test_kinds.py.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import SchemaError

from kubefold.core.errors import FieldError, invalid, not_supported, required
from kubefold.core.schema import thaw

_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean",
          "array": "array", "object": "object"}


@lru_cache(maxsize=64)
def _validator(schema: Any) -> Any:
    """A validator for a frozen (hashable) schema, or None when the schema is unusable."""
    plain = thaw(schema)
    try:
        cls = jsonschema.validators.validator_for(plain, default=jsonschema.Draft4Validator)
        cls.check_schema(plain)
    except (SchemaError, TypeError, ValueError):
        return None
    return jsonschema.Draft4Validator(plain)


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _field_error(error: Any) -> FieldError:
    path = _path(error.absolute_path)
    value = error.instance
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return required(f"{path}.{missing}" if path else missing)
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else _TYPES.get(wanted, wanted)
        got = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
               dict: "object"}.get(type(value), "null")
        return invalid(path, got, f"{path} in body must be of type {wanted}: \"{got}\"")
    if error.validator == "enum":
        return not_supported(path, value, [str(v) for v in error.validator_value])
    details = {
        "minimum": f"should be greater than or equal to {error.validator_value}",
        "maximum": f"should be less than or equal to {error.validator_value}",
        "minLength": f"should be at least {error.validator_value} chars long",
        "maxLength": f"may not be longer than {error.validator_value}",
        "pattern": f"should match '{error.validator_value}'",
        "minItems": f"should have at least {error.validator_value} items",
        "maxItems": f"must have at most {error.validator_value} items",
    }
    detail = details.get(error.validator, error.message)
    return invalid(path, value, f"{path} in body {detail}")


def validate_custom_resource(obj: dict[str, Any], schema: Any) -> list[FieldError]:
    """The field errors of a custom resource (plain JSON) against a frozen openAPIV3Schema."""
    validator = _validator(schema)
    if validator is None:
        return []
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}
    errors = sorted(validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    return [_field_error(e) for e in errors if not _about_metadata(e)]


def _about_metadata(error: Any) -> bool:
    first = next(iter(error.absolute_path), None)
    if first in ("apiVersion", "kind", "metadata"):
        return True
    return error.validator == "required" and any(
        f"'{k}'" in error.message for k in ("apiVersion", "kind", "metadata"))
