"""resource.Quantity: Kubernetes' fixed-point numbers for CPU, memory and every other resource.

Models: k8s.io/apimachinery/pkg/api/resource, release v1.34: quantity.go (parseQuantityString,
ParseQuantity with its int64 fast path and the canonical string it caches, CanonicalizeBytes,
String, Add, Sub, Neg, Cmp, IsZero, Value, MilliValue, NewQuantity, NewMilliQuantity,
UnmarshalJSON), suffix.go (the suffixer), amount.go (AsCanonicalBytes,
AsCanonicalBase1024Bytes, negativeScaleInt64's rounding away from zero), and the resource-list
sums of k8s.io/kubernetes/pkg/quota/v1 (Add, Subtract). A value is held exactly as an integer
coefficient times a power of ten, so a parsed `1e2147483647` costs nothing until it is added.

v1.34 behaviours kept on purpose (later releases change them):
- ParseQuantity keeps the input text when its fast path thinks it canonical, so `1.001`,
  `+1Ki` and `01` print back as written (kubernetes/kubernetes#138165); any arithmetic drops it.
- A DecimalSI value whose canonical exponent passes 18, or a BinarySI one past Ei, prints its
  mantissa with no suffix: 10^21 prints `1` (fixed after v1.34 by kubernetes/kubernetes#140459).
- A decimal exponent is read as int64 and narrowed to int32: `1e4294967297` is `1e1`.

Simplifies: Go's two backends (int64Amount, inf.Dec) are one exact representation, so int64
overflow and wrap-around are not modelled; Value/MilliValue round away from zero everywhere,
as the int64 backend does (v1.34's inf.Dec backend rounds negative non-integers toward +inf,
kubernetes/kubernetes#110653); an exponent whose negation overflows inf.Scale's int32 is taken
at face value; RoundUp, ScaledValue, Mul, AsApproximateFloat64, protobuf and CBOR are left out.

Covered by: tests/test_quantity.py (TestQuantityParse, TestQuantityParseZero,
TestParseQuantityString, TestQuantityString, TestQuantityParseEmit, TestQuantityCmp,
TestQuantityCmpInt64AndDec, TestQuantityNeg, TestNeg, TestSub, TestQuantity{Add,Sub}Zero*,
TestMilliNewSet, TestNewSet, TestScaledValue, TestJSONWhitespace, Hypothesis properties).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from pyrsistent import PMap, pmap

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

NANO = -9
MAX_ALLOWED = 2**63 - 1  # maxAllowed: the cap on a parsed BinarySI value
_MAX_INT64_FACTORS = 18
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12,
                     "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXPONENT = {e: s for s, e in _DECIMAL_SUFFIXES.items()}
_BINARY_BY_EXPONENT = {e: s for s, e in _BINARY_SUFFIXES.items()}


def _normalize(coefficient: int, exponent: int) -> tuple[int, int]:
    """Move every factor of ten of the coefficient into the exponent; zero is (0, 0)."""
    if coefficient == 0:
        return 0, 0
    while coefficient % 10 == 0:
        coefficient //= 10
        exponent += 1
    return coefficient, exponent


def _digits(n: int) -> int:
    return len(str(abs(n)))


@attrs.frozen(repr=False)
class Quantity:
    """An exact quantity `coefficient * 10**exponent` and the format it prints in.

    Equality and hashing are structural over (coefficient, exponent, format); the coefficient
    has no trailing zeros. `text` is the input ParseQuantity kept as canonical (not compared).
    Ordering (`<`, `cmp`) is numeric."""

    coefficient: int
    exponent: int
    format: str = DECIMAL_SI
    text: str = attrs.field(default="", eq=False)

    def __attrs_post_init__(self) -> None:
        if (self.coefficient, self.exponent) != _normalize(self.coefficient, self.exponent):
            raise ValueError(f"Quantity({self.coefficient}, {self.exponent}) is not normalized")

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def of(cls, coefficient: int, exponent: int = 0, fmt: str = DECIMAL_SI) -> Quantity:
        """The value coefficient * 10**exponent in format fmt (Go's inf.Dec-backed quantity)."""
        return cls(*_normalize(coefficient, exponent), fmt)

    @classmethod
    def from_int(cls, n: int, fmt: str = DECIMAL_SI) -> Quantity:
        """NewQuantity(n, fmt)."""
        return cls.of(n, 0, fmt)

    @classmethod
    def from_milli(cls, n: int, fmt: str = DECIMAL_SI) -> Quantity:
        """NewMilliQuantity(n, fmt): n thousandths."""
        return cls.of(n, -3, fmt)

    # -- reading ----------------------------------------------------------------------------

    @property
    def amount(self) -> Fraction:
        """The exact value (expensive for absurd exponents)."""
        return Fraction(self.coefficient) * Fraction(10) ** self.exponent

    def sign(self) -> int:
        return (self.coefficient > 0) - (self.coefficient < 0)

    def is_zero(self) -> bool:
        return self.coefficient == 0

    def value(self) -> int:
        """Value(): the value rounded to an integer away from zero."""
        return self._scaled_value(0)

    def milli_value(self) -> int:
        """MilliValue(): the value in thousandths, rounded away from zero."""
        return self._scaled_value(-3)

    def _scaled_value(self, scale: int) -> int:
        shift = self.exponent - scale
        if shift >= 0:
            return self.coefficient * 10**shift
        magnitude = -(-abs(self.coefficient) // 10**-shift)
        return magnitude if self.coefficient > 0 else -magnitude

    # -- comparison -------------------------------------------------------------------------

    def cmp(self, other: Quantity) -> int:
        """Cmp(): -1, 0 or 1 as self is numerically less than, equal to or above other."""
        a, b = self.sign(), other.sign()
        if a != b or a == 0:
            return (a > b) - (a < b)
        magnitude = _cmp_magnitude(self, other)
        return magnitude if a > 0 else -magnitude

    def __lt__(self, other: object) -> bool:
        return self.cmp(other) < 0 if isinstance(other, Quantity) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.cmp(other) <= 0 if isinstance(other, Quantity) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.cmp(other) > 0 if isinstance(other, Quantity) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.cmp(other) >= 0 if isinstance(other, Quantity) else NotImplemented

    # -- arithmetic -------------------------------------------------------------------------

    def __add__(self, other: Quantity) -> Quantity:
        """Add(): the sum, in self's format unless self is zero (then other's)."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other.format if self.is_zero() else self.format
        low = min(self.exponent, other.exponent)
        total = (self.coefficient * 10 ** (self.exponent - low)
                 + other.coefficient * 10 ** (other.exponent - low))
        return Quantity.of(total, low, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        """Sub(): the difference, in self's format unless self is zero (then other's)."""
        if not isinstance(other, Quantity):
            return NotImplemented
        return self + other.neg()

    def neg(self) -> Quantity:
        """Neg(): the negated value, same format."""
        return Quantity(-self.coefficient, self.exponent, self.format)

    # -- printing ---------------------------------------------------------------------------

    def __str__(self) -> str:
        """String(): the text ParseQuantity kept, else the canonical form."""
        if self.text:
            return self.text
        number, suffix = self.canonicalize()
        return number + suffix

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r}, {self.format})"

    def canonicalize(self) -> tuple[str, str]:
        """CanonicalizeBytes(): the canonical number and suffix (see the module docstring)."""
        if self.is_zero():
            return "0", ""
        fmt = self.format
        if fmt == BINARY_SI:
            if _cmp_magnitude(self, _KIBI) < 0 or self.exponent < 0:
                fmt = DECIMAL_SI  # small or fractional BinarySI prints as DecimalSI
        elif fmt != DECIMAL_SI:
            fmt = DECIMAL_EXPONENT
        if fmt == BINARY_SI:
            mantissa, power = _base1024(self.coefficient * 10**self.exponent)
            return str(mantissa), _BINARY_BY_EXPONENT.get(power * 10, "")
        mantissa, exponent = _base1000(self.coefficient, self.exponent)
        if fmt == DECIMAL_SI:
            return str(mantissa), _DECIMAL_BY_EXPONENT.get(exponent, "")
        return str(mantissa), ("e" + str(exponent) if exponent else "")


_KIBI = Quantity(1024, 0)


def _cmp_magnitude(a: Quantity, b: Quantity) -> int:
    """Compare |a| and |b| without writing out an exponent gap the digit counts settle."""
    top_a, top_b = _digits(a.coefficient) + a.exponent, _digits(b.coefficient) + b.exponent
    if top_a != top_b:
        return 1 if top_a > top_b else -1
    low = min(a.exponent, b.exponent)
    x = abs(a.coefficient) * 10 ** (a.exponent - low)
    y = abs(b.coefficient) * 10 ** (b.exponent - low)
    return (x > y) - (x < y)


def _base1000(coefficient: int, exponent: int) -> tuple[int, int]:
    """AsCanonicalBytes(): lower the exponent to a multiple of 3 (coefficient has no 10s)."""
    while exponent % 3:
        coefficient *= 10
        exponent -= 1
    return coefficient, exponent


def _base1024(value: int) -> tuple[int, int]:
    """AsCanonicalBase1024Bytes(): remove the factors of 1024 of an integer."""
    power = 0
    while value != 0 and value % 1024 == 0:
        value //= 1024
        power += 1
    return value, power


# -- parsing --------------------------------------------------------------------------------


@attrs.frozen
class Split:
    """parseQuantityString's result: the sign, the numeric text, its parts and the suffix."""

    positive: bool
    value: str
    num: str
    denom: str
    suffix: str


def split_quantity(s: str) -> Split:
    """parseQuantityString(): a scanner that splits s into sign, number and suffix."""
    positive, pos, end = True, 0, len(s)
    if s[:1] in ("-", "+"):
        positive, pos = s[0] == "+", 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return Split(positive, "0", "0", "", "")
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return Split(positive, s, num, "", "")
    denom = ""
    if s[pos] == ".":
        start = pos = pos + 1
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return Split(positive, s, num, denom, "")
    return Split(positive, s[:pos], num, denom, _split_suffix(s, pos))


def _split_suffix(s: str, pos: int) -> str:
    start, end = pos, len(s)
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "-+":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise ValueError(ERR_FORMAT_WRONG)
    return s[start:]


def interpret_suffix(suffix: str) -> tuple[int, int, str]:
    """suffixer.interpret(): (base, exponent, format) of a suffix, or ErrSuffix."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = _go_parse_int64(suffix[1:])
        if exponent is not None:
            return 10, (exponent + 2**31) % 2**32 - 2**31, DECIMAL_EXPONENT  # int32(parsed)
    raise ValueError(ERR_SUFFIX)


def _go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), None on error."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not set(digits) <= _DIGITS:
        return None
    n = int(text)
    return n if -(2**63) <= n < 2**63 else None


def parse_quantity(s: str | int | float) -> Quantity:
    """ParseQuantity(): a string (or a YAML/JSON number, read as its JSON text) as a Quantity.

    Raises ValueError with ErrFormatWrong, ErrNumeric or ErrSuffix's message."""
    text = s if isinstance(s, str) else json_number_text(s)
    if not text:
        raise ValueError(ERR_FORMAT_WRONG)
    if text == "0":
        return Quantity(0, 0, DECIMAL_SI, "0")
    split = split_quantity(text)
    base, exponent, fmt = interpret_suffix(split.suffix)
    if _takes_fast_path(split, fmt, exponent):
        return _parse_fast(text, split, fmt, exponent)
    return _parse_dec(split, base, fmt, exponent)


def _takes_fast_path(split: Split, fmt: str, exponent: int) -> bool:
    """Whether ParseQuantity's int64 path applies (it is exact, and may keep the text)."""
    if fmt != BINARY_SI:
        precision = _MAX_INT64_FACTORS - len(split.num) - len(split.denom)
        return precision >= 0 and exponent - len(split.denom) >= NANO
    if exponent < 0 or split.denom:
        return False
    return 15 - len(split.num) - exponent * 3 // 10 - 1 >= 0


def _parse_fast(text: str, split: Split, fmt: str, exponent: int) -> Quantity:
    shifted = split.num + split.denom
    magnitude = int(shifted)
    signed = magnitude if split.positive else -magnitude
    if fmt == BINARY_SI:
        canonical = exponent % 10 == 0 and magnitude & 7 != 0
        quantity = Quantity.of(signed << exponent, 0, fmt)
    else:
        scale = exponent - len(split.denom)
        canonical = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
        quantity = Quantity.of(signed, scale, fmt)
    return attrs.evolve(quantity, text=text) if canonical else quantity


def _parse_dec(split: Split, base: int, fmt: str, exponent: int) -> Quantity:
    """ParseQuantity's inf.Dec path: round up to nano, cap BinarySI, small BinarySI -> DecimalSI."""
    if not any(c in _DIGITS for c in split.value):
        raise ValueError(ERR_NUMERIC)  # inf.Dec.SetString: no digits read
    digits = int(split.num + split.denom)
    if base == 10:
        coefficient, scale = _round_up_to_nano(digits, exponent - len(split.denom))
    else:
        exact = Fraction(digits << exponent, 10 ** len(split.denom))
        coefficient, scale = math.ceil(exact * 10**9), NANO
        if exact > MAX_ALLOWED:
            coefficient, scale = MAX_ALLOWED, 0
    quantity = Quantity.of(coefficient, scale, fmt)
    if fmt == BINARY_SI and not quantity.is_zero() and quantity.exponent < 0 \
            and _digits(quantity.coefficient) <= -quantity.exponent:
        quantity = attrs.evolve(quantity, format=DECIMAL_SI)  # 0 < value < 1
    return quantity if split.positive else quantity.neg()


def _round_up_to_nano(coefficient: int, exponent: int) -> tuple[int, int]:
    """Round a non-negative coefficient * 10**exponent up to a multiple of 10**-9."""
    if exponent >= NANO or coefficient == 0:
        return coefficient, exponent
    shift = NANO - exponent
    if _digits(coefficient) <= shift:
        return 1, NANO  # below one nano: the smallest representable value
    return -(-coefficient // 10**shift), NANO


def json_number_text(n: int | float) -> str:
    """The text encoding/json writes for a number (YAML's `cpu: 2` or `cpu: 0.5`)."""
    if isinstance(n, bool):
        return "true" if n else "false"
    if isinstance(n, int):
        return str(n)
    if not math.isfinite(n):
        raise ValueError(f"json: unsupported value: {n}")
    shortest = Decimal(repr(n)).normalize()
    if n == 0 or 1e-6 <= abs(n) < 1e21:
        return format(shortest, "f")
    sign, digits, exp = shortest.as_tuple()
    assert isinstance(exp, int)
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    power = exp + len(digits) - 1
    return ("-" if sign else "") + mantissa + (f"e-{-power}" if power < 0 else f"e+{power:02d}")


def quantity_from_json(value: Any) -> Quantity:
    """Quantity.UnmarshalJSON(): null is zero (no format), strings are trimmed, numbers read."""
    if value is None:
        return Quantity(0, 0, "")
    if isinstance(value, Quantity):
        return value
    if isinstance(value, str):
        return parse_quantity(value.strip())
    return parse_quantity(value)


# -- resource lists -------------------------------------------------------------------------


def parse_resource_list(mapping: Mapping[str, Any]) -> PMap[str, Quantity]:
    """A ResourceList decoded from JSON/YAML: name -> Quantity."""
    return pmap({name: quantity_from_json(value) for name, value in mapping.items()})


def add_resource_lists(a: Mapping[str, Quantity], b: Mapping[str, Quantity]
                       ) -> PMap[str, Quantity]:
    """quota.Add(a, b): the sum per name; a name in one list only keeps its quantity."""
    out = dict(a)
    for name, q in b.items():
        out[name] = out[name] + q if name in out else q
    return pmap(out)


def subtract_resource_lists(a: Mapping[str, Quantity], b: Mapping[str, Quantity]
                            ) -> PMap[str, Quantity]:
    """quota.Subtract(a, b): a - b per name; a name only in b comes out negated."""
    out = dict(a)
    for name, q in b.items():
        out[name] = out[name] - q if name in out else q.neg()
    return pmap(out)


def resource_list_to_dict(rl: Mapping[str, Quantity]) -> dict[str, str]:
    """The ResourceList as JSON writes it: names in order, quantities as strings."""
    return {name: str(rl[name]) for name in sorted(rl)}
