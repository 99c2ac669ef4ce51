"""Semantic versions and Helm's version ranges, as values.

`Version` is a SemVer 2.0.0 version as Masterminds/semver v3 reads it (`NewVersion`: a leading
`v`, a missing minor or patch read as 0, leading zeros tolerated; `StrictNewVersion`: SemVer
2.0.0 exactly). Precedence (`compare`) is SemVer 2.0.0's, computed by python-semver: numbers
numerically, a pre-release below its release, pre-release identifiers one by one (numeric below
alphanumeric, fewer below more), build metadata ignored.

`Constraints` is Masterminds' range syntax, which Helm uses for `helm install --version`,
`kubeVersion` in Chart.yaml and chart dependencies: comparisons (`=`, `!=`, `>`, `<`, `>=`,
`=>`, `<=`, `=<`), `~` and `~>` (patch-level changes), `^` (changes that do not modify the
left-most non-zero part), wildcards `x`, `X` and `*`, hyphen ranges `1.2 - 1.4.5`, AND by
comma or space, OR by `||`. A pre-release version satisfies an AND group only when one of the
group's comparisons names a pre-release (or `include_prerelease` is set).

Models: github.com/Masterminds/semver/v3 (v3.5.0, as Helm v3.21 vendors it): version.go
(NewVersion, coerceNewVersion, StrictNewVersion, Compare, validatePrerelease,
validateMetadata, Inc*, Set*) and constraints.go (NewConstraint, rewriteRange,
parseConstraint, the constraint functions, Check, Validate and their messages).
Simplifies: version segments are Python integers, so a segment past 2^64 - 1 parses where Go's
ParseUint would fail.
Covered by: tests/test_semver.py (Masterminds' constraints_test.go and version_test.go tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import semver as _semver

__all__ = ["Constraints", "SemverError", "Version", "highest_matching", "parse_constraint",
           "parse_version", "strict_version"]


class SemverError(ValueError):
    """A version or range that does not parse; the message is Masterminds'."""


ERR_INVALID_SEMVER = "invalid semantic version"
ERR_EMPTY_STRING = "version string empty"
ERR_INVALID_CHARACTERS = "invalid characters in version"
ERR_SEGMENT_STARTS_ZERO = "version segment starts with 0"
ERR_INVALID_METADATA = "invalid metadata string"
ERR_INVALID_PRERELEASE = "invalid prerelease string"

_NUM = frozenset("0123456789")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")
_LOOSE = re.compile(r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
                    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
                    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")


def _validate_prerelease(pre: str) -> None:
    for part in pre.split("."):
        if part == "":
            raise SemverError(ERR_INVALID_PRERELEASE)
        if set(part) <= _NUM:
            if len(part) > 1 and part[0] == "0":
                raise SemverError(ERR_SEGMENT_STARTS_ZERO)
        elif not set(part) <= _ALLOWED:
            raise SemverError(ERR_INVALID_PRERELEASE)


def _validate_metadata(meta: str) -> None:
    for part in meta.split("."):
        if part == "" or not set(part) <= _ALLOWED:
            raise SemverError(ERR_INVALID_METADATA)


@attrs.frozen
class Version:
    """One version: its parts and the text it was read from (`original`)."""

    major: int
    minor: int
    patch: int
    pre: str = ""
    metadata: str = ""
    original: str = attrs.field(default="", eq=False)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            text += f"-{self.pre}"
        if self.metadata:
            text += f"+{self.metadata}"
        return text

    def _sem(self) -> _semver.Version:
        return _semver.Version(self.major, self.minor, self.patch, self.pre or None,
                               self.metadata or None)

    def compare(self, other: Version) -> int:
        """-1, 0 or 1: SemVer 2.0.0 precedence (build metadata ignored)."""
        return int(self._sem().compare(other._sem()))

    def less_than(self, other: Version) -> bool:
        return self.compare(other) < 0

    def equal(self, other: Version) -> bool:
        """Equal precedence (Masterminds' Equal: metadata ignored)."""
        return self.compare(other) == 0

    def original_v_prefix(self) -> str:
        return "v" if self.original[:1] in ("v", "V") else ""

    def inc_patch(self) -> Version:
        """IncPatch: drop pre-release and metadata; a pre-release is bumped to its release."""
        if self.pre:
            return Version(self.major, self.minor, self.patch,
                           original=self.original_v_prefix() + f"{self.major}.{self.minor}."
                           f"{self.patch}")
        return self._with(Version(self.major, self.minor, self.patch + 1))

    def inc_minor(self) -> Version:
        return self._with(Version(self.major, self.minor + 1, 0))

    def inc_major(self) -> Version:
        return self._with(Version(self.major + 1, 0, 0))

    def _with(self, v: Version) -> Version:
        return attrs.evolve(v, original=self.original_v_prefix() + str(v))

    def set_prerelease(self, pre: str) -> Version:
        if pre:
            _validate_prerelease(pre)
        v = attrs.evolve(self, pre=pre)
        return attrs.evolve(v, original=self.original_v_prefix() + str(v))

    def set_metadata(self, meta: str) -> Version:
        if meta:
            _validate_metadata(meta)
        v = attrs.evolve(self, metadata=meta)
        return attrs.evolve(v, original=self.original_v_prefix() + str(v))


def parse_version(text: str) -> Version:
    """NewVersion (coerce mode, the default): `v1`, `1.2`, `01.2.3` are accepted."""
    m = _LOOSE.fullmatch(text)
    if m is None:
        raise SemverError(ERR_INVALID_SEMVER)
    pre, meta = m.group(5) or "", m.group(8) or ""
    if pre:
        _validate_prerelease(pre)
    if meta:
        _validate_metadata(meta)
    return Version(int(m.group(1)), int((m.group(2) or ".0")[1:]),
                   int((m.group(3) or ".0")[1:]), pre, meta, text)


def strict_version(text: str) -> Version:
    """StrictNewVersion: exactly SemVer 2.0.0 (three numbers, no `v`, no leading zeros)."""
    if not text:
        raise SemverError(ERR_EMPTY_STRING)
    parts = text.split(".", 2)
    if len(parts) != 3:
        raise SemverError(ERR_INVALID_SEMVER)
    meta = pre = ""
    if "+" in parts[2]:
        parts[2], meta = parts[2].split("+", 1)
        _validate_metadata(meta)
    if "-" in parts[2]:
        parts[2], pre = parts[2].split("-", 1)
        _validate_prerelease(pre)
    for p in parts:
        if not set(p) <= _NUM or not p:
            raise SemverError(ERR_INVALID_CHARACTERS)
        if len(p) > 1 and p[0] == "0":
            raise SemverError(ERR_SEGMENT_STARTS_ZERO)
    return Version(int(parts[0]), int(parts[1]), int(parts[2]), pre, meta, text)


# -- constraints ------------------------------------------------------------------------------

_CV = (r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
       r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
       r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
# Go's RE2 alternation is leftmost-first like Python's, so the operator groups read alike.
_CONSTRAINT = re.compile(rf"^\s*({_OPS})\s*({_CV})\s*$")
_RANGE = re.compile(rf"\s*({_CV})\s+-\s+({_CV})\s*")
_FIND = re.compile(rf"({_OPS})\s*({_CV})")
_VALID = re.compile(rf"^(\s*({_OPS})\s*({_CV})\s*)((?:\s+|,\s*)({_OPS})\s*({_CV})\s*)*$")


def _is_x(text: str) -> bool:
    return text in ("x", "*", "X")


@attrs.frozen
class Constraint:
    """One comparison: the operator as written, the version text as written (`orig`), the
    version it stands for, and which parts were wildcards."""

    op: str
    orig: str
    con: Version
    dirty: bool = False
    minor_dirty: bool = False
    patch_dirty: bool = False

    def check(self, v: Version, include_pre: bool) -> tuple[bool, str]:
        """(satisfied, why not) as the Go constraint function answers."""
        return _OPS_FUNCS[self.op](v, self, include_pre)

    def __str__(self) -> str:
        return self.op + self.orig


def rewrite_range(text: str) -> str:
    """rewriteRange: `1 - 2` becomes `>= 1, <= 2 `."""
    out = text
    for m in _RANGE.finditer(text):
        out = out.replace(m.group(0), f">= {m.group(1)}, <= {m.group(11)} ", 1)
    return out


def parse_constraint(text: str) -> Constraint:
    """parseConstraint: one operator and version; the empty string means `*`."""
    if not text:
        return Constraint("", "", Version(0, 0, 0, original="0.0.0"), dirty=True)
    m = _CONSTRAINT.match(text)
    if m is None:
        raise SemverError(f"improper constraint: {_go_quote(text)}")
    op, orig = m.group(1), m.group(2)
    major, minor, patch, pre = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
    dirty = minor_dirty = patch_dirty = False
    ver = orig
    if _is_x(major) or major == "":
        ver, dirty = f"0.0.0{pre}", True
    elif _is_x(minor[1:]) or minor == "":
        ver, dirty, minor_dirty = f"{major}.0.0{pre}", True, True
    elif _is_x(patch[1:]) or patch == "":
        ver, dirty, patch_dirty = f"{major}{minor}.0{pre}", True, True
    try:
        con = parse_version(ver)
    except SemverError:
        raise SemverError("constraint parser error") from None
    return Constraint(op, orig, con, dirty, minor_dirty, patch_dirty)


@attrs.frozen
class Constraints:
    """OR groups of AND-ed constraints; `contains_pre[i]` when group i names a pre-release."""

    groups: tuple[tuple[Constraint, ...], ...]
    contains_pre: tuple[bool, ...]
    include_prerelease: bool = False
    text: str = attrs.field(default="", eq=False)

    @classmethod
    def parse(cls, text: str) -> Constraints:
        """NewConstraint."""
        rewritten = rewrite_range(text)
        groups, pres = [], []
        for part in rewritten.split("||"):
            if not _VALID.match(part):
                raise SemverError(f"improper constraint: {_go_quote(part)}")
            found = [m.group(0) for m in _FIND.finditer(part)] or [part]
            group = tuple(parse_constraint(s) for s in found)
            groups.append(group)
            pres.append(any(c.con.pre for c in group))
        return cls(tuple(groups), tuple(pres), text=text)

    def _includes_pre(self, i: int) -> bool:
        return self.include_prerelease or self.contains_pre[i]

    def check(self, v: Version) -> bool:
        """Check: some OR group whose every constraint holds."""
        return any(all(c.check(v, self._includes_pre(i))[0] for c in group)
                   for i, group in enumerate(self.groups))

    def validate(self, v: Version) -> tuple[bool, list[str]]:
        """Validate: whether `v` satisfies, and if not every reason, as Masterminds words
        them."""
        errors: list[str] = []
        said_pre = False
        for i, group in enumerate(self.groups):
            joy = True
            for c in group:
                if not self._includes_pre(i) and v.pre:
                    if not said_pre:
                        errors.append(f"{_go_quote(str(v))} is a prerelease version and the "
                                      "constraint is only looking for release versions")
                        said_pre = True
                    joy = False
                    continue
                ok, why = c.check(v, self._includes_pre(i))
                if not ok:
                    errors.append(why)
                    joy = False
            if joy:
                return True, []
        return False, errors

    def __str__(self) -> str:
        return " || ".join(" ".join(str(c) for c in group) for group in self.groups)


def highest_matching(constraint: str, versions: list[str]) -> str | None:
    """The highest of `versions` (texts; unparsable ones skipped) that the range admits, as
    Helm's repository index picks a chart version (repo.IndexFile.Get)."""
    cons = Constraints.parse(constraint)
    best: tuple[Version, str] | None = None
    for text in versions:
        try:
            v = parse_version(text)
        except SemverError:
            continue
        if cons.check(v) and (best is None or v.compare(best[0]) > 0):
            best = (v, text)
    return None if best is None else best[1]


# -- the constraint functions ----------------------------------------------------------------


def _go_quote(text: str) -> str:
    """Go's %q of a plain ASCII string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pre_refused(v: Version, include_pre: bool) -> str:
    if v.pre and not include_pre:
        return (f"{_go_quote(str(v))} is a prerelease version and the constraint is only "
                "looking for release versions")
    return ""


def _say(v: Version, what: str, c: Constraint) -> tuple[bool, str]:
    return False, f"{_go_quote(str(v))} {what} {_go_quote(c.orig)}"


def _not_equal(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if c.dirty:
        if c.con.major != v.major:
            return True, ""
        if c.con.minor != v.minor and not c.minor_dirty:
            return True, ""
        if c.minor_dirty:
            return _say(v, "is equal to", c)
        if c.con.patch != v.patch and not c.patch_dirty:
            return True, ""
        if c.patch_dirty:
            if (v.pre or c.con.pre) and _compare_pre(v.pre, c.con.pre) != 0:
                return True, ""
            return _say(v, "is equal to", c)
    if v.equal(c.con):
        return _say(v, "is equal to", c)
    return True, ""


def _compare_pre(a: str, b: str) -> int:
    """comparePrerelease: identifiers one by one, an empty one lowest."""
    if a and b:
        return Version(0, 0, 0, a).compare(Version(0, 0, 0, b))
    return 0 if a == b else (-1 if not a else 1)


def _greater_than(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if not c.dirty:
        return (True, "") if v.compare(c.con) == 1 else _say(v, "is less than or equal to", c)
    if v.major > c.con.major:
        return True, ""
    if v.major < c.con.major or c.minor_dirty:
        return _say(v, "is less than or equal to", c)
    if c.patch_dirty:
        return (True, "") if v.minor > c.con.minor else _say(v, "is less than or equal to", c)
    return (True, "") if v.compare(c.con) == 1 else _say(v, "is less than or equal to", c)


def _less_than(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    return (True, "") if v.compare(c.con) < 0 else _say(v, "is greater than or equal to", c)


def _greater_than_equal(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    return (True, "") if v.compare(c.con) >= 0 else _say(v, "is less than", c)


def _less_than_equal(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if not c.dirty:
        return (True, "") if v.compare(c.con) <= 0 else _say(v, "is greater than", c)
    if v.major > c.con.major or (v.major == c.con.major and v.minor > c.con.minor
                                 and not c.minor_dirty):
        return _say(v, "is greater than", c)
    return True, ""


def _tilde(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if v.less_than(c.con):
        return _say(v, "is less than", c)
    if (c.con.major, c.con.minor, c.con.patch) == (0, 0, 0) and not c.minor_dirty \
            and not c.patch_dirty:
        return True, ""
    if v.major != c.con.major:
        return _say(v, "does not have same major version as", c)
    if v.minor != c.con.minor and not c.minor_dirty:
        return _say(v, "does not have same major and minor version as", c)
    return True, ""


def _tilde_or_equal(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if c.dirty:
        return _tilde(v, c, include_pre)
    return (True, "") if v.equal(c.con) else _say(v, "is not equal to", c)


def _caret(v: Version, c: Constraint, include_pre: bool) -> tuple[bool, str]:
    if refused := _pre_refused(v, include_pre):
        return False, refused
    if v.less_than(c.con):
        return _say(v, "is less than", c)
    if c.con.major > 0 or c.minor_dirty:
        return (True, "") if v.major == c.con.major else _say(
            v, "does not have same major version as", c)
    if c.con.major == 0 and v.major > 0:
        return _say(v, "does not have same major version as", c)
    if c.con.minor > 0 or c.patch_dirty:
        if v.minor == c.con.minor:
            return True, ""
        return False, (f"{_go_quote(str(v))} does not have same minor version as "
                       f"{_go_quote(c.orig)}. Expected minor versions to match when "
                       "constraint major version is 0")
    if c.con.minor == 0 and v.minor > 0:
        return _say(v, "does not have same minor version as", c)
    if c.con.patch == v.patch:
        return True, ""
    return False, (f"{_go_quote(str(v))} does not equal {_go_quote(c.orig)}. Expect version "
                   "and constraint to equal when major and minor versions are 0")


_OPS_FUNCS: dict[str, Callable[[Version, Constraint, bool], tuple[bool, str]]] = {
    "": _tilde_or_equal,
    "=": _tilde_or_equal,
    "!=": _not_equal,
    ">": _greater_than,
    "<": _less_than,
    ">=": _greater_than_equal,
    "=>": _greater_than_equal,
    "<=": _less_than_equal,
    "=<": _less_than_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}
