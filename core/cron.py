"""Cron schedules as the CronJob controller reads them: github.com/robfig/cron/v3's standard
parser (five fields and the `@hourly`-style descriptors), iterated with croniter.

`parse_standard(spec)` returns a `Schedule` or raises `CronError` with robfig's message (the
text kube-apiserver puts in `spec.schedule: Invalid value`); `next_time(schedule, t)` is
`Schedule.Next`: the first activation strictly after `t` (Unix seconds), or None where robfig
returns the zero time (nothing within five years, such as February 30th).

Models: robfig/cron/v3 parser.go (Parse with the standard options, normalizeFields, getField,
getRange, parseIntOrName, mustParseInt, parseDescriptor, Every) and spec.go (SpecSchedule.Next's
day matching: day-of-month AND day-of-week when either field is `*` or `?`, OR otherwise;
the five-year search limit); constantdelay.go (`@every`); Go's time.ParseDuration and
time.LoadLocation errors.
Simplifies: iteration is croniter's (`get_next` on a timezone-aware datetime) with robfig's
field sets and day rule fed to it, so daylight-saving gaps and repeats are resolved as croniter
resolves them; a schedule without a time zone is read in UTC (kube-controller-manager's usual
local time). Results are whole seconds.
Covered by: tests/test_cronjob_utils.py (robfig/cron parse errors and Next).
"""

from __future__ import annotations

import datetime
import functools
import re
import zoneinfo

import attrs
from croniter import CroniterBadDateError, croniter

SECONDS_IN = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0,
              "m": 60.0, "h": 3600.0}
MINUTES, HOURS, DOM, MONTHS, DOW = (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)
MONTH_NAMES = {n: i + 1 for i, n in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
DOW_NAMES = {n: i for i, n in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
MAX_SEARCH_YEARS = 5


class CronError(ValueError):
    """A schedule robfig/cron rejects; the message is robfig's."""


@attrs.frozen
class Field:
    values: frozenset[int]
    star: bool = False  # robfig's starBit: `*` or `?` with step 1


@attrs.frozen
class Schedule:
    """A SpecSchedule (five fields and a location) or a ConstantDelaySchedule (`every`)."""

    minute: Field = Field(frozenset())
    hour: Field = Field(frozenset())
    dom: Field = Field(frozenset())
    month: Field = Field(frozenset())
    dow: Field = Field(frozenset())
    location: str = "UTC"
    every: int | None = None


def _go_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _atoi(expr: str) -> int:
    """strconv.Atoi with its error text."""
    if not re.fullmatch(r"[+-]?[0-9]+", expr):
        raise CronError(f"failed to parse int from {expr}: strconv.Atoi: parsing "
                        f"{_go_quote(expr)}: invalid syntax")
    value = int(expr)
    if not -(2**63) <= value < 2**63:
        raise CronError(f"failed to parse int from {expr}: strconv.Atoi: parsing "
                        f"{_go_quote(expr)}: value out of range")
    return value


def _must_parse_int(expr: str) -> int:
    num = _atoi(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _parse_int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _must_parse_int(expr)


def get_range(expr: str, bounds: tuple[int, int], names: dict[str, int] | None = None
              ) -> Field:
    """getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step`."""
    lo, hi = bounds
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single_digit = len(low_and_high) == 1
    star = False
    if low_and_high[0] in ("*", "?"):
        start, end, star = lo, hi, True
    else:
        start = _parse_int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _parse_int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if single_digit:  # "N/step" means "N-max/step"
            end = hi
        if step > 1:
            star = False
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return Field(frozenset(range(start, end + 1, step)), star)


def get_field(text: str, bounds: tuple[int, int], names: dict[str, int] | None = None
              ) -> Field:
    """getField: the union of the comma-separated ranges (empty items are skipped)."""
    values: frozenset[int] = frozenset()
    star = False
    for expr in (e for e in text.split(",") if e):
        got = get_range(expr, bounds, names)
        values |= got.values
        star = star or got.star
    return Field(values, star)


def _all(bounds: tuple[int, int]) -> Field:
    return Field(frozenset(range(bounds[0], bounds[1] + 1)), True)


def _one(value: int) -> Field:
    return Field(frozenset({value}))


def load_location(name: str) -> str:
    """time.LoadLocation: "" and UTC are UTC; an unknown name is `unknown time zone NAME`."""
    if name in ("", "UTC"):
        return "UTC"
    if name == "Local":
        return "UTC"  # kube-controller-manager's local time, as the docstring says
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {name}") from None
    return name


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)([a-zµμ]*)")


def parse_duration(text: str) -> float:
    """time.ParseDuration, in seconds."""
    orig, s = text, text
    sign = 1.0
    if s[:1] in ("+", "-"):
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise CronError(f"time: invalid duration {_go_quote(orig)}")
    total = 0.0
    while s:
        m = _DURATION_PART.match(s)
        number, unit = (m.group(1), m.group(2)) if m else ("", "")
        if not number or number == ".":
            raise CronError(f"time: invalid duration {_go_quote(orig)}")
        if not unit:
            raise CronError(f"time: missing unit in duration {_go_quote(orig)}")
        if unit not in SECONDS_IN:
            raise CronError(f"time: unknown unit {_go_quote(unit)} in duration "
                            f"{_go_quote(orig)}")
        total += float(number) * SECONDS_IN[unit]
        s = s[m.end():] if m else ""
    return sign * total


def parse_descriptor(descriptor: str, location: str) -> Schedule:
    """parseDescriptor: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and
    @every <duration>."""
    zero_min, zero_hour = _one(0), _one(0)
    if descriptor in ("@yearly", "@annually"):
        return Schedule(zero_min, zero_hour, _one(1), _one(1), _all(DOW), location)
    if descriptor == "@monthly":
        return Schedule(zero_min, zero_hour, _one(1), _all(MONTHS), _all(DOW), location)
    if descriptor == "@weekly":
        return Schedule(zero_min, zero_hour, _all(DOM), _all(MONTHS), _one(0), location)
    if descriptor in ("@daily", "@midnight"):
        return Schedule(zero_min, zero_hour, _all(DOM), _all(MONTHS), _all(DOW), location)
    if descriptor == "@hourly":
        return Schedule(zero_min, _all(HOURS), _all(DOM), _all(MONTHS), _all(DOW), location)
    every = "@every "
    if descriptor.startswith(every):
        try:
            seconds = parse_duration(descriptor[len(every):])
        except CronError as exc:
            raise CronError(f"failed to parse duration {descriptor}: {exc}") from None
        delay = max(1, int(seconds)) if seconds >= 1 else 1  # Every: at least 1 s, whole s
        return Schedule(location=location, every=delay)
    raise CronError(f"unrecognized descriptor: {descriptor}")


def parse_standard(spec: str) -> Schedule:
    """cron.ParseStandard."""
    if not spec:
        raise CronError("empty spec string")
    location = "UTC"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        eq = spec.index("=")
        name = spec[eq + 1:space] if space >= 0 else spec[eq + 1:]
        try:
            location = load_location(name)
        except CronError as exc:
            raise CronError(f"provided bad location {name}: {exc}") from None
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        return parse_descriptor(spec, location)
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: "
                        f"[{' '.join(fields)}]")
    return Schedule(get_field(fields[0], MINUTES), get_field(fields[1], HOURS),
                    get_field(fields[2], DOM), get_field(fields[3], MONTHS, MONTH_NAMES),
                    get_field(fields[4], DOW, DOW_NAMES), location)


def _text(f: Field, star: bool = False) -> str:
    return "*" if star else ",".join(str(v) for v in sorted(f.values))


def next_time(schedule: Schedule, t: int) -> int | None:
    """Schedule.Next(t): the first activation after t, or None (robfig's zero time)."""
    if schedule.every is not None:
        return t + schedule.every
    s = schedule
    if not all(f.values for f in (s.minute, s.hour, s.dom, s.month, s.dow)):
        return None
    head = f"{_text(s.minute)} {_text(s.hour)}"
    month = _text(s.month)
    if s.dom.star or s.dow.star:  # dayMatches: AND when either field is a star
        exprs = [f"{head} {_text(s.dom, s.dom.star)} {month} {_text(s.dow, s.dow.star)}"]
    else:  # OR: the earlier of the two single-field schedules
        exprs = [f"{head} {_text(s.dom)} {month} *", f"{head} * {month} {_text(s.dow)}"]
    found = [n for n in (_croniter_next(e, s.location, t) for e in exprs) if n is not None]
    return min(found) if found else None


@functools.lru_cache(maxsize=4096)
def _croniter_next(expr: str, location: str, t: int) -> int | None:
    zone = datetime.UTC if location == "UTC" else zoneinfo.ZoneInfo(location)
    start = datetime.datetime.fromtimestamp(t, tz=datetime.UTC).astimezone(zone)
    try:
        nxt = croniter(expr, start, max_years_between_matches=MAX_SEARCH_YEARS).get_next(
            datetime.datetime)
    except CroniterBadDateError:
        return None
    return int(nxt.timestamp())
