"""Errors as values: Kubernetes' field errors and API status, and kubefold's input errors.

Models: k8s.io/apimachinery/pkg/util/validation/field (errors.go: Error, ErrorType, ErrorList)
and k8s.io/apimachinery/pkg/api/errors (StatusError: reason, code, message, causes), release
v1.34.

A reducer never raises for a user's mistake: it returns a `Status`. `InputError` is raised only
by the codecs (the shell's side of a file), and always names the source, the document or line,
and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs

from kubefold.core.schema import thaw

# field.ErrorType values and their String() forms.
REQUIRED = "Required value"
NOT_FOUND = "Not found"
INVALID = "Invalid value"
DUPLICATE = "Duplicate value"
NOT_SUPPORTED = "Unsupported value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
INTERNAL = "Internal error"
TYPE_INVALID = "Invalid value"  # ErrorTypeTypeInvalid prints like Invalid

_OMIT_VALUE = frozenset({REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL})


@attrs.frozen
class GoLiteral:
    """A bad value that field.Error prints bare: through its String() method (IntOrString,
    Quantity, times) or with `%#v` (maps, internal structs)."""

    text: str

    def __str__(self) -> str:
        return self.text


def go_value(value: Any) -> str:
    """Render a bad value as field.Error does: strings quoted, numbers and booleans bare,
    anything else as JSON."""
    if value is None:
        return "null"
    if isinstance(value, GoLiteral):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(thaw(value), separators=(",", ":"), sort_keys=True, default=str)


@attrs.frozen
class FieldError:
    """One field.Error: a type, a field path such as `spec.template.spec.containers[0].name`,
    the bad value and a detail."""

    type: str
    field: str
    bad_value: Any = None
    detail: str = ""
    omit_value: bool = False

    def body(self) -> str:
        """ErrorBody(): the type, the value where it prints one, and the detail."""
        text = self.type
        if self.type not in _OMIT_VALUE and not self.omit_value:
            text = f"{text}: {go_value(self.bad_value)}"
        if self.detail:
            text = f"{text}: {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(field: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, field, None, detail)


def invalid(field: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, field, value, detail)


def not_supported(field: str, value: Any, valid: Iterable[str]) -> FieldError:
    quoted = ", ".join(go_value(v) for v in valid)
    return FieldError(NOT_SUPPORTED, field, value, f"supported values: {quoted}")


def duplicate(field: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, field, value)


def forbidden(field: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, field, None, detail)


def not_found(field: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, field, value)


def too_long(field: str, value: Any, max_length: int) -> FieldError:
    return FieldError(TOO_LONG, field, value, f"may not be more than {max_length} bytes")


def aggregate(errors: Iterable[FieldError]) -> str:
    """utilerrors.NewAggregate(...).Error(): one error bare, several as `[a, b]`."""
    texts = [str(e) for e in errors]
    # Aggregate.Error() deduplicates messages, keeping the first occurrence.
    seen: list[str] = []
    for t in texts:
        if t not in seen:
            seen.append(t)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


@attrs.frozen
class Status:
    """A rejected request as metav1.Status: reason (StatusReason), HTTP code, message, causes."""

    reason: str
    code: int
    message: str
    causes: tuple[FieldError, ...] = ()

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


def invalid_status(kind: str, name: str, errors: Iterable[FieldError]) -> Status:
    """errors.NewInvalid: `Deployment.apps "web" is invalid: <aggregate>`."""
    errs = list(errors)
    return Status("Invalid", 422, f'{kind} "{name}" is invalid: {aggregate(errs)}', tuple(errs))


def already_exists(resource: str, name: str | None) -> Status:
    """errors.NewAlreadyExists(qualifiedResource, name)."""
    return Status("AlreadyExists", 409, f'{resource} "{name}" already exists')


def not_found_status(resource: str, name: str | None) -> Status:
    """errors.NewNotFound(qualifiedResource, name)."""
    return Status("NotFound", 404, f'{resource} "{name}" not found')


def conflict(resource: str, name: str | None, detail: str) -> Status:
    """errors.NewConflict: `Operation cannot be fulfilled on <resource> "<name>": <detail>`."""
    message = f'Operation cannot be fulfilled on {resource} "{name}": {detail}'
    return Status("Conflict", 409, message)


def forbidden_status(resource: str, name: str, detail: str) -> Status:
    """errors.NewForbidden: `<resource> "<name>" is forbidden: <detail>`."""
    return Status("Forbidden", 403, f'{resource} "{name}" is forbidden: {detail}')


def bad_request(message: str) -> Status:
    return Status("BadRequest", 400, message)


class InputError(Exception):
    """Unreadable input: names the source file, the document or line, the field and the fault."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.source}: {self.where}" if self.where else self.source
        return f"{place}: {self.message}"
