"""Declarative mapping between Kubernetes' JSON (camelCase) and kubefold's values (snake_case).

Each modelled attrs class declares its fields with `field(k8s_name, codec)`; every class ends with
an `extra` map that keeps, verbatim, the keys it does not model, so that decoding a manifest and
encoding it again loses nothing. Unmodelled content is kept as *frozen JSON*: pyrsistent
`pmap`/`pvector` of str, int, float, bool and None, hashable and immutable.

Encoding rules, chosen so that `encode(decode(encode(x))) == encode(x)` holds for every value:
absent scalars are `None` and are omitted; empty collections are omitted (Go's `omitempty`);
nested objects that are present are emitted even when empty (`securityContext: {}`).

Decoding is as strict as kube-apiserver's: a value of the wrong JSON type at a modelled field
raises `DecodeError` carrying what Go's decoder says about it (`json: cannot unmarshal string
into Go struct field DeploymentSpec.spec.replicas of type int32`); integers must fit the Go
type of the field (int32 or int64); NaN and infinities are refused everywhere, as encoding/json
refuses to write them. Every codec names its Go type (`go_type`), so a new class declared with
`field(...)` gets the same strictness and messages for free; a class may set `__go_type__` when
its Go type is not `v1.<ClassName>`.

Models: encoding/json's struct tags with omitempty, as apimachinery's codecs apply them; the
UnmarshalTypeError of sigs.k8s.io/json (encoding/json, Go 1.24): the innermost struct's name
and the full path of JSON field names, array indices left out, and the first error in
document order.
Simplifies: a JSON `null` is read as absent; timestamps keep second precision (as metav1.Time);
integral floats (`3.0`) are read as integers, as kubectl's YAML-to-JSON conversion writes them;
fields kept as frozen JSON (`RAW`, and unknown keys) are not type-checked.
Covered by: tests/test_schema.py, tests/test_codec.py, tests/test_hostile.py.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import attrs
from pyrsistent import PMap, PVector, pmap, pvector

T = TypeVar("T")


class DecodeError(ValueError):
    """A value of the wrong shape at a field path; the codec adds file and document.

    `go` is what kube-apiserver's decoder says (the text after `... cannot be handled as a
    Deployment: `); `path` the field with indices (`spec.template.spec.containers[0].name`)."""

    def __init__(self, path: str, message: str, go: str = "") -> None:
        self.path = path
        self.message = message
        self.go = go or (f"{path}: {message}" if path else message)
        super().__init__(f"{path}: {message}" if path else message)


@attrs.frozen
class UnmarshalTypeError:
    """encoding/json's UnmarshalTypeError: the JSON value's description (`string`, `number
    2.5`), the Go type, and the struct and field path filled in by the enclosing struct."""

    value: str
    go_type: str
    struct: str = ""
    field: str = ""

    def __str__(self) -> str:
        if self.struct or self.field:
            return (f"json: cannot unmarshal {self.value} into Go struct field "
                    f"{self.struct}.{self.field} of type {self.go_type}")
        return f"json: cannot unmarshal {self.value} into Go value of type {self.go_type}"


class TypeMismatch(DecodeError):
    """A JSON value of the wrong type (or out of the Go type's range) at a field."""

    def __init__(self, path: str, value: Any, go_type: str, literal: bool = False) -> None:
        self.error = UnmarshalTypeError(json_value(value, literal), go_type)
        super().__init__(path, f"expected {go_type}, got {_type_name(value)}")
        self.go = str(self.error)

    def in_struct(self, struct: str) -> None:
        """Fill in the innermost struct and the field path, once (addErrorContext)."""
        if not self.error.struct:
            self.error = attrs.evolve(self.error, struct=struct, field=go_field_path(self.path))
            self.go = str(self.error)

    def in_struct_named(self, struct: str) -> TypeMismatch:
        self.in_struct(struct)
        return self


def go_field_path(path: str) -> str:
    """`spec.template.spec.containers[0].ports[1].containerPort` ->
    `spec.template.spec.containers.ports.containerPort`: the field stack Go reports (map keys
    and array indices are not struct fields)."""
    return re.sub(r"\[[^\]]*\]", "", path)


def json_value(value: Any, literal: bool = False) -> str:
    """UnmarshalTypeError.Value: `string`, `bool`, `array`, `object`, `number`, or `number
    <literal>` where Go quotes the literal (an integer field given a fraction or too big)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return f"number {json_number(value)}" if literal else "number"
    return {str: "string", type(None): "null"}.get(type(value), _type_name(value))


def json_number(value: int | float) -> str:
    """A number as it appears in JSON text (Go's FormatFloat 'g' shortest for floats)."""
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def check_finite(value: Any, path: str = "") -> None:
    """NaN and infinities cannot be written as JSON (json: unsupported value: +Inf): a request
    holding one is refused, wherever it is."""
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            raise DecodeError(p, f"unsupported value: {json_number(v)}",
                              f"json: unsupported value: {json_number(v)}")
        if isinstance(v, Mapping):
            stack.extend((x, f"{p}.{k}" if p else str(k)) for k, x in v.items())
        elif isinstance(v, list | tuple | PVector):
            stack.extend((x, f"{p}[{i}]") for i, x in enumerate(v))


def freeze(value: Any) -> Any:
    """Plain JSON (dicts, lists, scalars) to frozen JSON (pmap, pvector, scalars)."""
    if isinstance(value, Mapping):
        return pmap({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple | PVector):
        return pvector(freeze(v) for v in value)
    return value


# (field names, position of each, getter of all of them, whether __init__ takes them in order)
_Plain = tuple[tuple[str, ...], dict[str, int], Callable[[Any], tuple[Any, ...]], bool]
_PLAIN_FIELDS: dict[type, _Plain | None] = {}


def _plain_fields(cls: type) -> _Plain | None:
    """How to copy an attrs class whose __init__ only stores its arguments (no converter,
    validator, post-init or field left out of __init__); None for any other class.
    Computed once per class."""
    if cls not in _PLAIN_FIELDS:
        fields = attrs.fields(cls)
        plain = len(fields) > 1 and not any(
            hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")) \
            and all(f.init and f.converter is None and f.validator is None and f.alias == f.name
                    for f in fields)
        names = tuple(f.name for f in fields)
        _PLAIN_FIELDS[cls] = (names, {n: i for i, n in enumerate(names)},
                              operator.attrgetter(*names),
                              not any(f.kw_only for f in fields)) if plain else None
    return _PLAIN_FIELDS[cls]


def replace(obj: T, **changes: Any) -> T:
    """`attrs.evolve(obj, **changes)` for the hot paths: the same value, built without
    evolve's generic walk over the fields when the class's __init__ only stores them (by
    position where it takes them so, else by storing each field)."""
    cls = type(obj)
    plain = _plain_fields(cls)
    if plain is None:
        return attrs.evolve(obj, **changes)  # type: ignore[misc]
    names, index, get_all, positional = plain
    values = list(get_all(obj))
    for name, value in changes.items():
        at = index.get(name)
        if at is None:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        values[at] = value
    if positional:
        return cls(*values)  # type: ignore[no-any-return]
    new = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        _SET(new, name, value)
    return new


_SET = object.__setattr__


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


INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1),
              "int": (-(2**63), 2**63 - 1)}


@attrs.frozen
class Scalar:
    """str, int or bool; `kinds` are the Python types accepted, `go_type` the Go field's type
    (an integer must fit it: int32, int64)."""

    kinds: tuple[type, ...]
    label: str
    go_type: str = "string"

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) and bool not in self.kinds:
            raise TypeMismatch(path, value, self.go_type)
        if int in self.kinds and isinstance(value, float) and not isinstance(value, bool):
            if not value.is_integer():
                raise TypeMismatch(path, value, self.go_type, literal=True)
            value = int(value)
        if not isinstance(value, self.kinds):
            if isinstance(value, float) and not math.isfinite(value):
                raise TypeMismatch(path, value, self.go_type, literal=int in self.kinds)
            raise TypeMismatch(path, value, self.go_type)
        if isinstance(value, int) and not isinstance(value, bool) and \
                self.go_type in INT_RANGES:
            low, high = INT_RANGES[self.go_type]
            if not low <= value <= high:
                raise TypeMismatch(path, value, self.go_type, literal=True)
        return value

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


@attrs.frozen
class OmitEmpty:
    """A scalar with Go's `omitempty` on a non-pointer field: its zero value is not written."""

    inner: Scalar

    @property
    def go_type(self) -> str:
        return self.inner.go_type

    def decode(self, value: Any, path: str) -> Any:
        return self.inner.decode(value, path)

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == 0 or value is False or value == ""


STR = Scalar((str,), "string", "string")
INT32 = Scalar((int,), "integer", "int32")
INT64 = Scalar((int,), "integer", "int64")
INT = INT32  # most integer fields of the Kubernetes API are int32; say INT64 where Go does
BOOL = Scalar((bool,), "boolean", "bool")
NUMBER = Scalar((int, float), "number", "float64")
INT_OMITEMPTY = OmitEmpty(INT32)
INT64_OMITEMPTY = OmitEmpty(INT64)


@attrs.frozen
class IntOrString:
    """intstr.IntOrString: an int32 or a string such as `25%` (its UnmarshalJSON reads
    anything but a string as an int32)."""

    go_type = "intstr.IntOrString"

    def decode(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return value
        return INT32.decode(value, path)

    def encode(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


INT_OR_STR = IntOrString()

_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                      r"(Z|z|[+-]\d{2}:\d{2})$")


RFC3339 = "2006-01-02T15:04:05Z07:00"
MIN_TIME = calendar.timegm((1, 1, 1, 0, 0, 0, 0, 0, 0))  # 0001-01-01T00:00:00Z
MAX_TIME = calendar.timegm((9999, 12, 31, 23, 59, 59, 0, 0, 0))  # the last RFC 3339 second
_RANGES = (("month", 1, 12), ("day", 1, 31), ("hour", 0, 23), ("minute", 0, 59),
           ("second", 0, 59))


@functools.lru_cache(maxsize=4096)
def parse_time(text: str) -> int:
    """RFC 3339 text to Unix seconds (fractions dropped, as metav1.Time serialises); errors
    worded as Go's time.Parse words them. Kept per text (the kubelet reads the same start
    times on every pass)."""
    m = _TIME_RE.match(text)
    if not m:
        raise ValueError(f'parsing time "{text}" as "{RFC3339}": cannot parse "{text}" as '
                         '"2006"')
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    for (name, low, high), value in zip(_RANGES, (mo, d, h, mi, s), strict=True):
        if not low <= value <= high:
            raise ValueError(f'parsing time "{text}": {name} out of range')
    if y < 1:
        raise ValueError(f'parsing time "{text}": year out of range')
    if d > calendar.monthrange(y, mo)[1]:
        raise ValueError(f'parsing time "{text}": day out of range')
    seconds = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    zone = m.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


_EPOCH = datetime.datetime(1970, 1, 1)


def format_time(seconds: int) -> str:
    """Unix seconds to RFC 3339 in UTC, as metav1.Time prints (`2024-06-01T00:00:00Z`); years
    are always four digits (the gate keeps times within 0001..9999)."""
    seconds = min(max(seconds, MIN_TIME), MAX_TIME)
    t = _EPOCH + datetime.timedelta(seconds=seconds)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


@attrs.frozen
class Time:
    """metav1.Time as Unix seconds (its UnmarshalJSON reads a JSON string, then RFC 3339)."""

    go_type = "v1.Time"

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise TypeMismatch(path, value, "string")
        try:
            return parse_time(value)
        except ValueError as exc:
            raise DecodeError(path, str(exc), str(exc)) from None

    def encode(self, value: Any) -> Any:
        return format_time(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


TIME = Time()


@attrs.frozen
class Raw:
    """Anything, kept as frozen JSON."""

    go_type = "interface {}"

    def decode(self, value: Any, path: str) -> Any:
        return freeze(value)

    def encode(self, value: Any) -> Any:
        return thaw(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


RAW = Raw()


def go_type_of(codec: Any) -> str:
    return getattr(codec, "go_type", "interface {}")


@attrs.frozen
class ListOf:
    item: Any

    @property
    def go_type(self) -> str:
        return "[]" + go_type_of(self.item)

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, list | tuple):
            raise TypeMismatch(path, value, self.go_type)
        return pvector(self.item.decode(v, f"{path}[{i}]") for i, v in enumerate(value))

    def encode(self, value: Any) -> Any:
        return [self.item.encode(v) for v in value]

    def is_empty(self, value: Any) -> bool:
        return not value


@attrs.frozen
class MapOf:
    item: Any

    @property
    def go_type(self) -> str:
        return "map[string]" + go_type_of(self.item)

    def decode(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            raise TypeMismatch(path, value, self.go_type)
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

    @property
    def go_type(self) -> str:
        return struct_go_type(self.cls)

    def decode(self, value: Any, path: str) -> Any:
        return decode(self.cls, value, path)

    def encode(self, value: Any) -> Any:
        return encode(value)

    def is_empty(self, value: Any) -> bool:
        return value is None


def struct_go_type(cls: type) -> str:
    """The Go type a modelled class stands for: `__go_type__`, else `v1.<ClassName>`."""
    return getattr(cls, "__go_type__", None) or f"v1.{cls.__name__}"


def struct_name(cls: type) -> str:
    """The struct's name without its package, as UnmarshalTypeError.Struct holds it."""
    return struct_go_type(cls).rpartition(".")[2]


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


_KEYS_CACHE: dict[type, dict[str, tuple[str, Any]]] = {}


def _keys(cls: type) -> dict[str, tuple[str, Any]]:
    """json key -> (attribute, codec) for `cls`, computed once."""
    keys = _KEYS_CACHE.get(cls)
    if keys is None:
        keys = {key: (attr, codec) for attr, key, codec in _spec(cls)}
        _KEYS_CACHE[cls] = keys
    return keys


def decode(cls: type[T], data: Any, path: str = "") -> T:
    """Read a JSON mapping into `cls`, keeping unknown keys in `extra`. Fields are read in
    document order, so the error raised is the first Go's decoder meets."""
    if not isinstance(data, Mapping):
        raise TypeMismatch(path, data, struct_go_type(cls))
    keys = _keys(cls)
    kwargs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        known = keys.get(key)
        if known is None:
            extra[str(key)] = value
            continue
        if value is None:
            continue
        attr, codec = known
        try:
            kwargs[attr] = codec.decode(value, f"{path}.{key}" if path else key)
        except TypeMismatch as exc:
            exc.in_struct(struct_name(cls))
            raise
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
