"""Declarative mapping between Kubernetes' JSON (camelCase) and kubefold's values (snake_case).

Each modelled attrs class declares its fields with `field(k8s_name, codec)`; every class ends with
an `extra` map that keeps, verbatim, the keys it does not model, so that decoding a manifest and
encoding it again loses nothing. Unmodelled content is kept as *frozen JSON*: pyrsistent
`pmap`/`pvector` of str, int, float, bool and None, hashable and immutable.

Encoding rules, chosen so that `encode(decode(encode(x))) == encode(x)` holds for every value:
absent scalars are `None` and are omitted; empty collections are omitted (Go's `omitempty`);
nested objects that are present are emitted even when empty (`securityContext: {}`).

Models: encoding/json's struct tags with omitempty, as apimachinery's codecs apply them.
Simplifies: a JSON `null` is read as absent; timestamps keep second precision (as metav1.Time).
Covered by: tests/test_schema.py, tests/test_codec.py.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import attrs
from pyrsistent import PMap, PVector, pmap, pvector

T = TypeVar("T")


class DecodeError(ValueError):
    """A value of the wrong shape at a field path; the codec adds file and document."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def freeze(value: Any) -> Any:
    """Plain JSON (dicts, lists, scalars) to frozen JSON (pmap, pvector, scalars)."""
    if isinstance(value, Mapping):
        return pmap({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple | PVector):
        return pvector(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Frozen JSON back to plain dicts and lists."""
    if isinstance(value, PMap | Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, PVector | list | tuple):
        return [thaw(v) for v in value]
    return value


class Codec(Protocol):
    def decode(self, value: Any, path: str) -> Any: ...

    def encode(self, value: Any) -> Any: ...

    def is_empty(self, value: Any) -> bool: ...


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number"}.get(type(value), type(value).__name__)


@attrs.frozen
class Scalar:
    """str, int or bool; `kinds` are the Python types accepted."""

    kinds: tuple[type, ...]
    label: str

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) and bool not in self.kinds:
            raise DecodeError(path, f"expected {self.label}, got {_type_name(value)}")
        if isinstance(value, float) and int in self.kinds and value.is_integer():
            return int(value)
        if not isinstance(value, self.kinds):
            raise DecodeError(path, f"expected {self.label}, got {_type_name(value)}")
        return value

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


@attrs.frozen
class OmitEmpty:
    """A scalar with Go's `omitempty` on a non-pointer field: its zero value is not written."""

    inner: Scalar

    def decode(self, value: Any, path: str) -> Any:
        return self.inner.decode(value, path)

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == 0 or value is False or value == ""


STR = Scalar((str,), "string")
INT = Scalar((int,), "integer")
BOOL = Scalar((bool,), "boolean")
NUMBER = Scalar((int, float), "number")
INT_OMITEMPTY = OmitEmpty(INT)


@attrs.frozen
class IntOrString:
    """intstr.IntOrString: an int or a string such as `25%`."""

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DecodeError(path, f"expected integer or string, got {_type_name(value)}")
        return value

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


INT_OR_STR = IntOrString()

_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                      r"(Z|z|[+-]\d{2}:\d{2})$")


def parse_time(text: str) -> int:
    """RFC 3339 text to Unix seconds (fractions dropped, as metav1.Time serialises)."""
    m = _TIME_RE.match(text)
    if not m:
        raise ValueError(f"invalid RFC 3339 timestamp {text!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    seconds = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    zone = m.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


def format_time(seconds: int) -> str:
    """Unix seconds to RFC 3339 in UTC, as metav1.Time prints (`2024-06-01T00:00:00Z`)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@attrs.frozen
class Time:
    """metav1.Time as Unix seconds."""

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise DecodeError(path, f"expected an RFC 3339 timestamp, got {_type_name(value)}")
        try:
            return parse_time(value)
        except ValueError as exc:
            raise DecodeError(path, str(exc)) from None

    def encode(self, value: Any) -> Any:
        return format_time(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


TIME = Time()


@attrs.frozen
class Raw:
    """Anything, kept as frozen JSON."""

    def decode(self, value: Any, path: str) -> Any:
        return freeze(value)

    def encode(self, value: Any) -> Any:
        return thaw(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


RAW = Raw()


@attrs.frozen
class ListOf:
    item: Any

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, list | tuple):
            raise DecodeError(path, f"expected an array, got {_type_name(value)}")
        return pvector(self.item.decode(v, f"{path}[{i}]") for i, v in enumerate(value))

    def encode(self, value: Any) -> Any:
        return [self.item.encode(v) for v in value]

    def is_empty(self, value: Any) -> bool:
        return not value


@attrs.frozen
class MapOf:
    item: Any

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            raise DecodeError(path, f"expected an object, got {_type_name(value)}")
        return pmap({str(k): self.item.decode(v, f"{path}[{k}]") for k, v in value.items()
                     if v is not None or self.item is RAW})

    def encode(self, value: Any) -> Any:
        return {k: self.item.encode(v) for k, v in value.items()}

    def is_empty(self, value: Any) -> bool:
        return not value


STR_MAP = MapOf(Scalar((str,), "string"))
STR_LIST = ListOf(STR)


@attrs.frozen
class Nested:
    """A nested modelled class."""

    cls: type

    def decode(self, value: Any, path: str) -> Any:
        return decode(self.cls, value, path)

    def encode(self, value: Any) -> Any:
        return encode(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


def field(k8s: str, codec: Any = STR, *, default: Any = None,
          factory: Callable[[], Any] | None = None) -> Any:
    """An attrs field read from and written to the JSON key `k8s` with `codec`."""
    meta = {"k8s": k8s, "codec": codec}
    if factory is not None:
        return attrs.field(factory=factory, metadata=meta, kw_only=True)
    return attrs.field(default=default, metadata=meta, kw_only=True)


def nested(k8s: str, cls: type) -> Any:
    return field(k8s, Nested(cls))


def list_of(k8s: str, item: Any) -> Any:
    codec = Nested(item) if isinstance(item, type) else item
    return field(k8s, ListOf(codec), factory=pvector)


def map_of(k8s: str, item: Any) -> Any:
    return field(k8s, MapOf(item), factory=pmap)


def extra_field() -> Any:
    """The trailing `extra` field: unmodelled keys as frozen JSON."""
    return attrs.field(factory=pmap, kw_only=True, metadata={"extra": True})


_SPEC_CACHE: dict[type, tuple[tuple[str, str, Any], ...]] = {}


def _spec(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, json key, codec) for each modelled field of `cls`, computed once."""
    spec = _SPEC_CACHE.get(cls)
    if spec is None:
        spec = tuple((a.name, a.metadata["k8s"], a.metadata["codec"])
                     for a in attrs.fields(cls) if "k8s" in a.metadata)
        _SPEC_CACHE[cls] = spec
    return spec


def decode(cls: type[T], data: Any, path: str = "") -> T:
    """Read a JSON mapping into `cls`, keeping unknown keys in `extra`."""
    if not isinstance(data, Mapping):
        raise DecodeError(path, f"expected an object, got {_type_name(data)}")
    kwargs: dict[str, Any] = {}
    known: set[str] = set()
    for attr, key, codec in _spec(cls):
        known.add(key)
        value = data.get(key)
        if value is None:
            continue
        kwargs[attr] = codec.decode(value, f"{path}.{key}" if path else key)
    extra = {k: v for k, v in data.items() if k not in known}
    if extra:
        kwargs["extra"] = freeze(extra)
    return cls(**kwargs)


def encode(obj: Any) -> dict[str, Any]:
    """Write a modelled value back to a JSON mapping (plain dicts and lists)."""
    out: dict[str, Any] = thaw(obj.extra) if obj.extra else {}
    for attr, key, codec in _spec(type(obj)):
        value = getattr(obj, attr)
        if not codec.is_empty(value):
            out[key] = codec.encode(value)
    return out
