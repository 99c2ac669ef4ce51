# ruff: noqa: E501  (the Go tables keep their rows on one line each)
"""Masterminds/semver's own tables (constraints_test.go and version_test.go at the version Helm
v3.21 vendors, v3.5.0), each test named for its Go test; the rows are copied as written.

Origin: github.com/Masterminds/semver (MIT licence, Copyright (C) 2014-2019, Matt Butcher and
Matt Farina); tables ported, code written here.
"""

from __future__ import annotations

import pytest

from kubefold.core import semver
from kubefold.core.semver import Constraints, SemverError, parse_constraint, parse_version

ERRORS = {
    "ErrInvalidSemVer": semver.ERR_INVALID_SEMVER,
    "ErrInvalidPrerelease": semver.ERR_INVALID_PRERELEASE,
    "ErrInvalidMetadata": semver.ERR_INVALID_METADATA,
    "ErrSegmentStartsZero": semver.ERR_SEGMENT_STARTS_ZERO,
}
OPS = {
    "constraintGreaterThanEqual": (">=", "=>"),
    "constraintTildeOrEqual": ("", "="),
    "constraintLessThanEqual": ("<=", "=<"),
    "constraintGreaterThan": (">",),
    "constraintLessThan": ("<",),
}


def ids(rows):
    return [" ".join(str(c) for c in row) for row in rows]


PARSE_CONSTRAINT = [
    (">= 1.2", "constraintGreaterThanEqual", "1.2.0", False),
    ("1.0", "constraintTildeOrEqual", "1.0.0", False),
    ("foo", None, "", True),
    ("<= 1.2", "constraintLessThanEqual", "1.2.0", False),
    ("=< 1.2", "constraintLessThanEqual", "1.2.0", False),
    ("=> 1.2", "constraintGreaterThanEqual", "1.2.0", False),
    ("v1.2", "constraintTildeOrEqual", "1.2.0", False),
    ("=1.5", "constraintTildeOrEqual", "1.5.0", False),
    ("> 1.3", "constraintGreaterThan", "1.3.0", False),
    ("< 1.4.1", "constraintLessThan", "1.4.1", False),
    ("< 40.50.10", "constraintLessThan", "40.50.10", False),
]

CONSTRAINT_CHECK = [
    ("=2.0.0", "1.2.3", False),
    ("=2.0.0", "2.0.0", True),
    ("=2.0", "1.2.3", False),
    ("=2.0", "2.0.0", True),
    ("=2.0", "2.0.1", True),
    ("4.1", "4.1.0", True),
    ("!=4.1.0", "4.1.0", False),
    ("!=4.1.0", "4.1.1", True),
    ("!=4.1", "4.1.0", False),
    ("!=4.1", "4.1.1", False),
    ("!=4.1", "5.1.0-alpha.1", False),
    ("!=4.1.0", "5.1.0-alpha.1", False),
    ("!=4.1-alpha", "4.1.0", True),
    ("!=4.1", "5.1.0", True),
    ("<11", "0.1.0", True),
    ("<11", "11.1.0", False),
    ("<1.1", "0.1.0", True),
    ("<1.1", "1.1.0", False),
    ("<1.1", "1.1.1", False),
    ("<=11", "1.2.3", True),
    ("<=11", "12.2.3", False),
    ("<=11", "11.2.3", True),
    ("<=1.1", "1.2.3", False),
    ("<=1.1", "0.1.0", True),
    ("<=1.1", "1.1.0", True),
    ("<=1.1", "1.1.1", True),
    (">1.1", "4.1.0", True),
    (">1.1", "1.1.0", False),
    (">0", "0", False),
    (">0", "1", True),
    (">0", "0.0.1-alpha", False),
    (">0.0", "0.0.1-alpha", False),
    (">0-0", "0.0.1-alpha", False),
    (">0.0-0", "0.0.1-alpha", False),
    (">0", "0.0.0-alpha", False),
    (">0-0", "0.0.0-alpha", False),
    (">0.0.0-0", "0.0.0-alpha", True),
    (">1.2.3-alpha.1", "1.2.3-alpha.2", True),
    (">1.2.3-alpha.1", "1.3.3-alpha.2", True),
    (">11", "11.1.0", False),
    (">11.1", "11.1.0", False),
    (">11.1", "11.1.1", False),
    (">11.1", "11.2.1", True),
    (">=11", "11.1.2", True),
    (">=11.1", "11.1.2", True),
    (">=11.1", "11.0.2", False),
    (">=1.1", "4.1.0", True),
    (">=1.1", "1.1.0", True),
    (">=1.1", "0.0.9", False),
    (">=0", "0.0.1-alpha", False),
    (">=0.0", "0.0.1-alpha", False),
    (">=0-0", "0.0.1-alpha", True),
    (">=0.0-0", "0.0.1-alpha", True),
    (">=0", "0.0.0-alpha", False),
    (">=0-0", "0.0.0-alpha", True),
    (">=0.0.0-0", "0.0.0-alpha", True),
    (">=0.0.0-0", "1.2.3", True),
    (">=0.0.0-0", "3.4.5-beta.1", True),
    ("<0", "0.0.0-alpha", False),
    ("<0-z", "0.0.0-alpha", True),
    (">=0", "0", True),
    ("=0", "1", False),
    ("*", "1", True),
    ("*", "4.5.6", True),
    ("*", "1.2.3-alpha.1", False),
    ("*-0", "1.2.3-alpha.1", True),
    ("2.*", "1", False),
    ("2.*", "3.4.5", False),
    ("2.*", "2.1.1", True),
    ("2.1.*", "2.1.1", True),
    ("2.1.*", "2.2.1", False),
    ("", "1", True),
    ("", "4.5.6", True),
    ("", "1.2.3-alpha.1", False),
    ("2", "1", False),
    ("2", "3.4.5", False),
    ("2", "2.1.1", True),
    ("2.1", "2.1.1", True),
    ("2.1", "2.2.1", False),
    ("~1.2.3", "1.2.4", True),
    ("~1.2.3", "1.3.4", False),
    ("~1.2", "1.2.4", True),
    ("~1.2", "1.3.4", False),
    ("~1", "1.2.4", True),
    ("~1", "2.3.4", False),
    ("~0.2.3", "0.2.5", True),
    ("~0.2.3", "0.3.5", False),
    ("~1.2.3-beta.2", "1.2.3-beta.4", True),
    ("~1.2.3-beta.2", "1.2.4-beta.2", True),
    ("~1.2.3-beta.2", "1.3.4-beta.2", False),
    ("^1.2.3", "1.8.9", True),
    ("^1.2.3", "2.8.9", False),
    ("^1.2.3", "1.2.1", False),
    ("^1.1.0", "2.1.0", False),
    ("^1.2.0", "2.2.1", False),
    ("^1.2.0", "1.2.1-alpha.1", False),
    ("^1.2.0-alpha.0", "1.2.1-alpha.1", True),
    ("^1.2.0-alpha.0", "1.2.1-alpha.0", True),
    ("^1.2.0-alpha.2", "1.2.0-alpha.1", False),
    ("^1.2", "1.8.9", True),
    ("^1.2", "2.8.9", False),
    ("^1", "1.8.9", True),
    ("^1", "2.8.9", False),
    ("^0.2.3", "0.2.5", True),
    ("^0.2.3", "0.5.6", False),
    ("^0.2", "0.2.5", True),
    ("^0.2", "0.5.6", False),
    ("^0.0.3", "0.0.3", True),
    ("^0.0.3", "0.0.4", False),
    ("^0.0", "0.0.3", True),
    ("^0.0", "0.1.4", False),
    ("^0.0", "1.0.4", False),
    ("^0", "0.2.3", True),
    ("^0", "1.1.4", False),
    ("^0.2.3-beta.2", "0.2.3-beta.4", True),
    ("^0.2.3-beta.2", "0.2.4-beta.2", True),
    ("^0.2.3-beta.2", "0.3.4-beta.2", False),
    ("^0.2.3-beta.2", "0.2.3-beta.2", True),
]

NEW_CONSTRAINT = [
    (">= 1.1", 1, 1, False),
    (">40.50.60, < 50.70", 1, 2, False),
    ("2.0", 1, 1, False),
    ("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1, False),
    ("v1.2.3-0abc", 1, 1, False),
    ("v1.2.3-beta.01", 1, 1, True),
    (">= bar", 0, 0, True),
    ("BAR >= 1.2.3", 0, 0, True),
    (">= 1.2.3 < 2.0", 1, 2, False),
    (">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2, False),
    (">= 1.2.3, < 2.0", 1, 2, False),
    (">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2, False),
    ("3 - 4 || => 3.0, < 4", 2, 2, False),
    ("12.3.4.1234", 0, 0, True),
    ("12.23.4.1234", 0, 0, True),
    ("12.3.34.1234", 0, 0, True),
    ("12.3.34 ~1.2.3", 1, 2, False),
    ("12.3.34~ 1.2.3", 0, 0, True),
    ("1.0.0 - 2.0.0, <=2.0.0", 1, 3, False),
]

CONSTRAINTS_CHECK = [
    ("*", "1.2.3", True),
    ("~0.0.0", "1.2.3", True),
    ("0.x.x", "1.2.3", False),
    ("0.0.x", "1.2.3", False),
    ("0.0.0", "1.2.3", False),
    ("*", "1.2.3", True),
    ("^0.0.0", "1.2.3", False),
    ("= 2.0", "1.2.3", False),
    ("= 2.0", "2.0.0", True),
    ("4.1", "4.1.0", True),
    ("4.1.x", "4.1.3", True),
    ("1.x", "1.4", True),
    ("!=4.1", "4.1.0", False),
    ("!=4.1-alpha", "4.1.0-alpha", False),
    ("!=4.1-alpha", "4.1.1-alpha", False),
    ("!=4.1-alpha", "4.1.0", True),
    ("!=4.1", "5.1.0", True),
    ("!=4.x", "5.1.0", True),
    ("!=4.x", "4.1.0", False),
    ("!=4.1.x", "4.2.0", True),
    ("!=4.2.x", "4.2.3", False),
    (">1.1", "4.1.0", True),
    (">1.1", "1.1.0", False),
    ("<1.1", "0.1.0", True),
    ("<1.1", "1.1.0", False),
    ("<1.1", "1.1.1", False),
    ("<1.x", "1.1.1", False),
    ("<1.x", "0.1.1", True),
    ("<1.x", "2.0.0", False),
    ("<1.1.x", "1.2.1", False),
    ("<1.1.x", "1.1.500", False),
    ("<1.1.x", "1.0.500", True),
    ("<1.2.x", "1.1.1", True),
    (">=1.1", "4.1.0", True),
    (">=1.1", "4.1.0-beta", False),
    (">=1.1", "1.1.0", True),
    (">=1.1", "0.0.9", False),
    ("<=1.1", "0.1.0", True),
    ("<=1.1", "0.1.0-alpha", False),
    ("<=1.1-a", "0.1.0-alpha", True),
    ("<=1.1", "1.1.0", True),
    ("<=1.x", "1.1.0", True),
    ("<=2.x", "3.0.0", False),
    ("<=1.1", "1.1.1", True),
    ("<=1.1.x", "1.2.500", False),
    ("<=4.5", "3.4.0", True),
    ("<=4.5", "3.7.0", True),
    ("<=4.5", "4.6.3", False),
    (">1.1, <2", "1.1.1", False),
    (">1.1, <2", "1.2.1", True),
    (">1.1, <3", "4.3.2", False),
    (">=1.1, <2, !=1.2.3", "1.2.3", False),
    (">1.1 <2", "1.1.1", False),
    (">1.1 <2", "1.2.1", True),
    (">1.1    <3", "4.3.2", False),
    (">=1.1    <2    !=1.2.3", "1.2.3", False),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    (">=1.1 <2 !=1.2.3", "1.2.3", False),
    (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", False),
    ("> 1.1, <     2", "1.1.1", False),
    (">   1.1, <2", "1.2.1", True),
    (">1.1, <  3", "4.3.2", False),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", False),
    ("> 1.1 < 2", "1.1.1", False),
    (">1.1 < 2", "1.2.1", True),
    ("> 1.1    <3", "4.3.2", False),
    (">=1.1    < 2    != 1.2.3", "1.2.3", False),
    (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", False),
    (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", True),
    (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    (">= 1.1 <2 != 1.2.3", "1.2.3", False),
    (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", True),
    (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", False),
    (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", True),
    (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", False),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1", True),
    (">= 1.0.0  <= 2.0.0-beta", "3.0.0", False),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", False),
    (">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", False),
    (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", True),
    ("1.1 - 2", "1.1.1", True),
    ("1.5.0 - 4.5", "3.7.0", True),
    ("1.1-3", "4.3.2", False),
    ("^1.1", "1.1.1", True),
    ("^1.1", "4.3.2", False),
    ("^1.x", "1.1.1", True),
    ("^2.x", "1.1.1", False),
    ("^1.x", "2.1.1", False),
    ("^1.x", "1.1.1-beta1", False),
    ("^1.1.2-alpha", "1.2.1-beta1", True),
    ("^1.2.x-alpha", "1.1.1-beta1", False),
    ("^0.0.1", "0.0.1", True),
    ("^0.0.1", "0.3.1", False),
    ("~*", "2.1.1", True),
    ("~1", "2.1.1", False),
    ("~1", "1.3.5", True),
    ("~1", "1.4", True),
    ("~1.x", "2.1.1", False),
    ("~1.x", "1.3.5", True),
    ("~1.x", "1.4", True),
    ("~1.1", "1.1.1", True),
    ("~1.1", "1.1.1-alpha", False),
    ("~1.1-alpha", "1.1.1-beta", True),
    ("~1.1.1-beta", "1.1.1-alpha", False),
    ("~1.1.1-beta", "1.1.1", True),
    ("~1.2.3", "1.2.5", True),
    ("~1.2.3", "1.2.2", False),
    ("~1.2.3", "1.3.2", False),
    ("~1.1", "1.2.3", False),
    ("~1.3", "2.4.5", False),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", True),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", True),
]

CONSTRAINTS_CHECK_INCLUDE_PRERELEASE = [
    (">=1.1", "4.1.0-beta", True),
    (">1.1", "4.1.0-beta", True),
    ("<=1.1", "0.1.0-alpha", True),
    ("<1.1", "0.1.0-alpha", True),
    ("^1.x", "1.1.1-beta1", True),
    ("~1.1", "1.1.1-alpha", True),
    ("*", "1.2.3-alpha", True),
    ("= 2.0", "2.0.1-beta", True),
    ("*", "1.2.3", True),
    ("~0.0.0", "1.2.3", True),
    ("0.x.x", "1.2.3", False),
    ("0.0.x", "1.2.3", False),
    ("0.0.0", "1.2.3", False),
    ("*", "1.2.3", True),
    ("^0.0.0", "1.2.3", False),
    ("= 2.0", "1.2.3", False),
    ("= 2.0", "2.0.0", True),
    ("4.1", "4.1.0", True),
    ("4.1.x", "4.1.3", True),
    ("1.x", "1.4", True),
    ("!=4.1", "4.1.0", False),
    ("!=4.1-alpha", "4.1.0-alpha", False),
    ("!=4.1-alpha", "4.1.1-alpha", False),
    ("!=4.1-alpha", "4.1.0", True),
    ("!=4.1", "5.1.0", True),
    ("!=4.x", "5.1.0", True),
    ("!=4.x", "4.1.0", False),
    ("!=4.1.x", "4.2.0", True),
    ("!=4.2.x", "4.2.3", False),
    (">1.1", "4.1.0", True),
    (">1.1", "1.1.0", False),
    ("<1.1", "0.1.0", True),
    ("<1.1", "1.1.0", False),
    ("<1.1", "1.1.1", False),
    ("<1.x", "1.1.1", False),
    ("<1.x", "0.1.1", True),
    ("<1.x", "2.0.0", False),
    ("<1.1.x", "1.2.1", False),
    ("<1.1.x", "1.1.500", False),
    ("<1.1.x", "1.0.500", True),
    ("<1.2.x", "1.1.1", True),
    (">=1.1", "4.1.0", True),
    (">=1.1", "1.1.0", True),
    (">=1.1", "0.0.9", False),
    ("<=1.1", "0.1.0", True),
    ("<=1.1-a", "0.1.0-alpha", True),
    ("<=1.1", "1.1.0", True),
    ("<=1.x", "1.1.0", True),
    ("<=2.x", "3.0.0", False),
    ("<=1.1", "1.1.1", True),
    ("<=1.1.x", "1.2.500", False),
    ("<=4.5", "3.4.0", True),
    ("<=4.5", "3.7.0", True),
    ("<=4.5", "4.6.3", False),
    (">1.1, <2", "1.1.1", False),
    (">1.1, <2", "1.2.1", True),
    (">1.1, <3", "4.3.2", False),
    (">=1.1, <2, !=1.2.3", "1.2.3", False),
    (">1.1 <2", "1.1.1", False),
    (">1.1 <2", "1.2.1", True),
    (">1.1    <3", "4.3.2", False),
    (">=1.1    <2    !=1.2.3", "1.2.3", False),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    (">=1.1 <2 !=1.2.3", "1.2.3", False),
    (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", False),
    ("> 1.1, <     2", "1.1.1", False),
    (">   1.1, <2", "1.2.1", True),
    (">1.1, <  3", "4.3.2", False),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", False),
    ("> 1.1 < 2", "1.1.1", False),
    (">1.1 < 2", "1.2.1", True),
    ("> 1.1    <3", "4.3.2", False),
    (">=1.1    < 2    != 1.2.3", "1.2.3", False),
    (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", False),
    (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", True),
    (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    (">= 1.1 <2 != 1.2.3", "1.2.3", False),
    (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", True),
    (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", False),
    (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", True),
    (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", False),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1", True),
    (">= 1.0.0  <= 2.0.0-beta", "3.0.0", False),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", False),
    (">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", True),
    (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", False),
    (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", True),
    ("1.1 - 2", "1.1.1", True),
    ("1.5.0 - 4.5", "3.7.0", True),
    ("1.1-3", "4.3.2", False),
    ("^1.1", "1.1.1", True),
    ("^1.1", "4.3.2", False),
    ("^1.x", "1.1.1", True),
    ("^2.x", "1.1.1", False),
    ("^1.x", "2.1.1", False),
    ("^1.1.2-alpha", "1.2.1-beta1", True),
    ("^1.2.x-alpha", "1.1.1-beta1", False),
    ("^0.0.1", "0.0.1", True),
    ("^0.0.1", "0.3.1", False),
    ("~*", "2.1.1", True),
    ("~1", "2.1.1", False),
    ("~1", "1.3.5", True),
    ("~1", "1.4", True),
    ("~1.x", "2.1.1", False),
    ("~1.x", "1.3.5", True),
    ("~1.x", "1.4", True),
    ("~1.1", "1.1.1", True),
    ("~1.1-alpha", "1.1.1-beta", True),
    ("~1.1.1-beta", "1.1.1-alpha", False),
    ("~1.1.1-beta", "1.1.1", True),
    ("~1.2.3", "1.2.5", True),
    ("~1.2.3", "1.2.2", False),
    ("~1.2.3", "1.3.2", False),
    ("~1.1", "1.2.3", False),
    ("~1.3", "2.4.5", False),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", True),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", True),
]

REWRITE_RANGE = [
    ("2 - 3", ">= 2, <= 3 "),
    ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
    ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
    ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
    ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
]

IS_X = [
    ("A", False),
    ("%", False),
    ("X", True),
    ("x", True),
    ("*", True),
]

CONSTRAINTS_VALIDATE = [
    ("*", "1.2.3", True),
    ("~0.0.0", "1.2.3", True),
    ("= 2.0", "1.2.3", False),
    ("= 2.0", "2.0.0", True),
    ("4.1", "4.1.0", True),
    ("4.1.x", "4.1.3", True),
    ("1.x", "1.4", True),
    ("!=4.1", "4.1.0", False),
    ("!=4.1", "5.1.0", True),
    ("!=4.x", "5.1.0", True),
    ("!=4.x", "4.1.0", False),
    ("!=4.1.x", "4.2.0", True),
    ("!=4.2.x", "4.2.3", False),
    (">1.1", "4.1.0", True),
    (">1.1", "1.1.0", False),
    ("<1.1", "0.1.0", True),
    ("<1.1", "1.1.0", False),
    ("<1.1", "1.1.1", False),
    ("<1.x", "1.1.1", False),
    ("<2.x", "1.1.1", True),
    ("<1.x", "2.1.1", False),
    ("<1.1.x", "1.2.1", False),
    ("<1.1.x", "1.1.500", False),
    ("<1.2.x", "1.1.1", True),
    (">=1.1", "4.1.0", True),
    (">=1.1", "1.1.0", True),
    (">=1.1", "0.0.9", False),
    ("<=1.1", "0.1.0", True),
    ("<=1.1", "1.1.0", True),
    ("<=1.x", "1.1.0", True),
    ("<=2.x", "3.1.0", False),
    ("<=1.1", "1.1.1", True),
    ("<=1.1.x", "1.2.500", False),
    (">1.1, <2", "1.1.1", False),
    (">1.1, <2", "1.2.1", True),
    (">1.1, <3", "4.3.2", False),
    (">=1.1, <2, !=1.2.3", "1.2.3", False),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    ("1.1 - 2", "1.1.1", True),
    ("1.1-3", "4.3.2", False),
    ("^1.1", "1.1.1", True),
    ("^1.1", "1.1.1-alpha", False),
    ("^1.1.1-alpha", "1.1.1-beta", True),
    ("^1.1.1-beta", "1.1.1-alpha", False),
    ("^1.1", "4.3.2", False),
    ("^1.x", "1.1.1", True),
    ("^2.x", "1.1.1", False),
    ("^1.x", "2.1.1", False),
    ("^0.0.1", "0.1.3", False),
    ("^0.0.1", "0.0.1", True),
    ("~*", "2.1.1", True),
    ("~1", "2.1.1", False),
    ("~1", "1.3.5", True),
    ("~1", "1.3.5-beta", False),
    ("~1.x", "2.1.1", False),
    ("~1.x", "1.3.5", True),
    ("~1.x", "1.3.5-beta", False),
    ("~1.3.6-alpha", "1.3.5-beta", False),
    ("~1.3.5-alpha", "1.3.5-beta", True),
    ("~1.3.5-beta", "1.3.5-alpha", False),
    ("~1.x", "1.4", True),
    ("~1.1", "1.1.1", True),
    ("~1.2.3", "1.2.5", True),
    ("~1.2.3", "1.2.2", False),
    ("~1.2.3", "1.3.2", False),
    ("~1.1", "1.2.3", False),
    ("~1.3", "2.4.5", False),
]

CONSTRAINTS_VALIDATE_MESSAGES = [
    ("2.x", "1.2.3", "\"1.2.3\" is less than \"2.x\""),
    ("2", "1.2.3", "\"1.2.3\" is less than \"2\""),
    ("= 2.0", "1.2.3", "\"1.2.3\" is less than \"2.0\""),
    ("!=4.1", "4.1.0", "\"4.1.0\" is equal to \"4.1\""),
    ("!=4.x", "4.1.0", "\"4.1.0\" is equal to \"4.x\""),
    ("!=4.2.x", "4.2.3", "\"4.2.3\" is equal to \"4.2.x\""),
    (">1.1", "1.1.0", "\"1.1.0\" is less than or equal to \"1.1\""),
    ("<1.1", "1.1.0", "\"1.1.0\" is greater than or equal to \"1.1\""),
    ("<1.1", "1.1.1", "\"1.1.1\" is greater than or equal to \"1.1\""),
    ("<1.x", "2.1.1", "\"2.1.1\" is greater than or equal to \"1.x\""),
    ("<1.1.x", "1.2.1", "\"1.2.1\" is greater than or equal to \"1.1.x\""),
    (">=1.1", "0.0.9", "\"0.0.9\" is less than \"1.1\""),
    ("<=2.x", "3.1.0", "\"3.1.0\" is greater than \"2.x\""),
    ("<=1.1", "1.2.1", "\"1.2.1\" is greater than \"1.1\""),
    ("<=1.1.x", "1.2.500", "\"1.2.500\" is greater than \"1.1.x\""),
    (">1.1, <3", "4.3.2", "\"4.3.2\" is greater than or equal to \"3\""),
    (">=1.1, <2, !=1.2.3", "1.2.3", "\"1.2.3\" is equal to \"1.2.3\""),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", "\"3.0.0\" is greater than or equal to \"2\""),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", "\"1.2.3\" is equal to \"1.2.3\""),
    ("1.1 - 3", "4.3.2", "\"4.3.2\" is greater than \"3\""),
    ("^1.1", "4.3.2", "\"4.3.2\" does not have same major version as \"1.1\""),
    ("^1.12.7", "1.6.6", "\"1.6.6\" is less than \"1.12.7\""),
    ("^2.x", "1.1.1", "\"1.1.1\" is less than \"2.x\""),
    ("^1.x", "2.1.1", "\"2.1.1\" does not have same major version as \"1.x\""),
    ("^0.2", "0.3.0", "\"0.3.0\" does not have same minor version as \"0.2\". Expected minor versions to match when constraint major version is 0"),
    ("^0.2", "0.1.1", "\"0.1.1\" is less than \"0.2\""),
    ("^0.0.3", "0.1.1", "\"0.1.1\" does not have same minor version as \"0.0.3\""),
    ("^0.0.3", "0.0.4", "\"0.0.4\" does not equal \"0.0.3\". Expect version and constraint to equal when major and minor versions are 0"),
    ("^0.0.3", "0.0.2", "\"0.0.2\" is less than \"0.0.3\""),
    ("~1", "2.1.2", "\"2.1.2\" does not have same major version as \"1\""),
    ("~1.x", "2.1.1", "\"2.1.1\" does not have same major version as \"1.x\""),
    ("~1.2.3", "1.2.2", "\"1.2.2\" is less than \"1.2.3\""),
    ("~1.2.3", "1.3.2", "\"1.3.2\" does not have same major and minor version as \"1.2.3\""),
    ("~1.1", "1.2.3", "\"1.2.3\" does not have same major and minor version as \"1.1\""),
    ("~1.3", "2.4.5", "\"2.4.5\" does not have same major version as \"1.3\""),
    ("> 1.2.3", "1.2.3-beta.1", "\"1.2.3-beta.1\" is a prerelease version and the constraint is only looking for release versions"),
]

CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE = [
    ("^1.1", "1.1.1-alpha", True),
    ("~1", "1.3.5-beta", True),
    ("~1.x", "1.3.5-beta", True),
    (">=1.1", "4.1.0-beta", True),
    (">1.1", "4.1.0-beta", True),
    ("<=1.1", "0.1.0-alpha", True),
    ("<1.1", "0.1.0-alpha", True),
    ("^1.x", "1.1.1-beta1", True),
    ("~1.1", "1.1.1-alpha", True),
    ("*", "1.2.3-alpha", True),
    ("= 2.0", "2.0.1-beta", True),
    ("*", "1.2.3", True),
    ("~0.0.0", "1.2.3", True),
    ("= 2.0", "1.2.3", False),
    ("= 2.0", "2.0.0", True),
    ("4.1", "4.1.0", True),
    ("4.1.x", "4.1.3", True),
    ("1.x", "1.4", True),
    ("!=4.1", "4.1.0", False),
    ("!=4.1", "5.1.0", True),
    ("!=4.x", "5.1.0", True),
    ("!=4.x", "4.1.0", False),
    ("!=4.1.x", "4.2.0", True),
    ("!=4.2.x", "4.2.3", False),
    (">1.1", "4.1.0", True),
    (">1.1", "1.1.0", False),
    ("<1.1", "0.1.0", True),
    ("<1.1", "1.1.0", False),
    ("<1.1", "1.1.1", False),
    ("<1.x", "1.1.1", False),
    ("<2.x", "1.1.1", True),
    ("<1.x", "2.1.1", False),
    ("<1.1.x", "1.2.1", False),
    ("<1.1.x", "1.1.500", False),
    ("<1.2.x", "1.1.1", True),
    (">=1.1", "4.1.0", True),
    (">=1.1", "1.1.0", True),
    (">=1.1", "0.0.9", False),
    ("<=1.1", "0.1.0", True),
    ("<=1.1", "1.1.0", True),
    ("<=1.x", "1.1.0", True),
    ("<=2.x", "3.1.0", False),
    ("<=1.1", "1.1.1", True),
    ("<=1.1.x", "1.2.500", False),
    (">1.1, <2", "1.1.1", False),
    (">1.1, <2", "1.2.1", True),
    (">1.1, <3", "4.3.2", False),
    (">=1.1, <2, !=1.2.3", "1.2.3", False),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", False),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", True),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", True),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", False),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", False),
    ("1.1 - 2", "1.1.1", True),
    ("1.1-3", "4.3.2", False),
    ("^1.1", "1.1.1", True),
    ("^1.1.1-alpha", "1.1.1-beta", True),
    ("^1.1.1-beta", "1.1.1-alpha", False),
    ("^1.1", "4.3.2", False),
    ("^1.x", "1.1.1", True),
    ("^2.x", "1.1.1", False),
    ("^1.x", "2.1.1", False),
    ("^0.0.1", "0.1.3", False),
    ("^0.0.1", "0.0.1", True),
    ("~*", "2.1.1", True),
    ("~1", "2.1.1", False),
    ("~1", "1.3.5", True),
    ("~1.x", "2.1.1", False),
    ("~1.x", "1.3.5", True),
    ("~1.3.6-alpha", "1.3.5-beta", False),
    ("~1.3.5-alpha", "1.3.5-beta", True),
    ("~1.3.5-beta", "1.3.5-alpha", False),
    ("~1.x", "1.4", True),
    ("~1.1", "1.1.1", True),
    ("~1.2.3", "1.2.5", True),
    ("~1.2.3", "1.2.2", False),
    ("~1.2.3", "1.3.2", False),
    ("~1.1", "1.2.3", False),
    ("~1.3", "2.4.5", False),
]

CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE_MESSAGES = [
    ("> 1.2.3", "1.2.3-beta.1", "\"1.2.3-beta.1\" is less than or equal to \"1.2.3\""),
    ("< 1.2.3", "1.2.4-beta.1", "\"1.2.4-beta.1\" is greater than or equal to \"1.2.3\""),
    (">= 1.2.3", "1.2.3-beta.1", "\"1.2.3-beta.1\" is less than \"1.2.3\""),
    ("<= 1.2.3", "1.2.4-beta.1", "\"1.2.4-beta.1\" is greater than \"1.2.3\""),
    ("2.x", "1.2.3", "\"1.2.3\" is less than \"2.x\""),
    ("2", "1.2.3", "\"1.2.3\" is less than \"2\""),
    ("= 2.0", "1.2.3", "\"1.2.3\" is less than \"2.0\""),
    ("!=4.1", "4.1.0", "\"4.1.0\" is equal to \"4.1\""),
    ("!=4.x", "4.1.0", "\"4.1.0\" is equal to \"4.x\""),
    ("!=4.2.x", "4.2.3", "\"4.2.3\" is equal to \"4.2.x\""),
    (">1.1", "1.1.0", "\"1.1.0\" is less than or equal to \"1.1\""),
    ("<1.1", "1.1.0", "\"1.1.0\" is greater than or equal to \"1.1\""),
    ("<1.1", "1.1.1", "\"1.1.1\" is greater than or equal to \"1.1\""),
    ("<1.x", "2.1.1", "\"2.1.1\" is greater than or equal to \"1.x\""),
    ("<1.1.x", "1.2.1", "\"1.2.1\" is greater than or equal to \"1.1.x\""),
    (">=1.1", "0.0.9", "\"0.0.9\" is less than \"1.1\""),
    ("<=2.x", "3.1.0", "\"3.1.0\" is greater than \"2.x\""),
    ("<=1.1", "1.2.1", "\"1.2.1\" is greater than \"1.1\""),
    ("<=1.1.x", "1.2.500", "\"1.2.500\" is greater than \"1.1.x\""),
    (">1.1, <3", "4.3.2", "\"4.3.2\" is greater than or equal to \"3\""),
    (">=1.1, <2, !=1.2.3", "1.2.3", "\"1.2.3\" is equal to \"1.2.3\""),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", "\"3.0.0\" is greater than or equal to \"2\""),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", "\"1.2.3\" is equal to \"1.2.3\""),
    ("1.1 - 3", "4.3.2", "\"4.3.2\" is greater than \"3\""),
    ("^1.1", "4.3.2", "\"4.3.2\" does not have same major version as \"1.1\""),
    ("^1.12.7", "1.6.6", "\"1.6.6\" is less than \"1.12.7\""),
    ("^2.x", "1.1.1", "\"1.1.1\" is less than \"2.x\""),
    ("^1.x", "2.1.1", "\"2.1.1\" does not have same major version as \"1.x\""),
    ("^0.2", "0.3.0", "\"0.3.0\" does not have same minor version as \"0.2\". Expected minor versions to match when constraint major version is 0"),
    ("^0.2", "0.1.1", "\"0.1.1\" is less than \"0.2\""),
    ("^0.0.3", "0.1.1", "\"0.1.1\" does not have same minor version as \"0.0.3\""),
    ("^0.0.3", "0.0.4", "\"0.0.4\" does not equal \"0.0.3\". Expect version and constraint to equal when major and minor versions are 0"),
    ("^0.0.3", "0.0.2", "\"0.0.2\" is less than \"0.0.3\""),
    ("~1", "2.1.2", "\"2.1.2\" does not have same major version as \"1\""),
    ("~1.x", "2.1.1", "\"2.1.1\" does not have same major version as \"1.x\""),
    ("~1.2.3", "1.2.2", "\"1.2.2\" is less than \"1.2.3\""),
    ("~1.2.3", "1.3.2", "\"1.3.2\" does not have same major and minor version as \"1.2.3\""),
    ("~1.1", "1.2.3", "\"1.2.3\" does not have same major and minor version as \"1.1\""),
    ("~1.3", "2.4.5", "\"2.4.5\" does not have same major version as \"1.3\""),
]

CONSTRAINT_STRING = [
    ("*", "*"),
    (">=1.2.3", ">=1.2.3"),
    (">= 1.2.3", ">=1.2.3"),
    ("2.x,   >=1.2.3 || >4.5.6, < 5.7", "2.x >=1.2.3 || >4.5.6 <5.7"),
    ("2.x,   >=1.2.3 || >4.5.6, < 5.7 || >40.50.60, < 50.70", "2.x >=1.2.3 || >4.5.6 <5.7 || >40.50.60 <50.70"),
    ("1.2", "1.2"),
]

STRICT_NEW_VERSION = [
    ("1.2.3", False),
    ("1.2.3-alpha.01", True),
    ("1.2.3+test.01", False),
    ("1.2.3-alpha.-1", False),
    ("v1.2.3", True),
    ("1.0", True),
    ("v1.0", True),
    ("1", True),
    ("v1", True),
    ("1.2", True),
    ("1.2.beta", True),
    ("v1.2.beta", True),
    ("foo", True),
    ("1.2-5", True),
    ("v1.2-5", True),
    ("1.2-beta.5", True),
    ("v1.2-beta.5", True),
    ("\n1.2", True),
    ("\nv1.2", True),
    ("1.2.0-x.Y.0+metadata", False),
    ("v1.2.0-x.Y.0+metadata", True),
    ("1.2.0-x.Y.0+metadata-width-hypen", False),
    ("v1.2.0-x.Y.0+metadata-width-hypen", True),
    ("1.2.3-rc1-with-hypen", False),
    ("1.2.3-0abc123", False),
    ("1.2.3-beta.01", True),
    ("v1.2.3-rc1-with-hypen", True),
    ("1.2.3.4", True),
    ("v1.2.3.4", True),
    ("1.2.2147483648", False),
    ("1.2147483648.3", False),
    ("2147483648.3.0", False),
    ("20221209-update-renovatejson-v4", True),
    ("1.1.2+.123", True),
    ("1.0.0-alpha_beta", True),
    ("1.0.0-alpha..", True),
    ("1.0.0-alpha..1", True),
    ("01.1.1", True),
    ("1.01.1", True),
    ("1.1.01", True),
    ("9.8.7+meta+meta", True),
    ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", True),
    ("1.2.3-0123", True),
    ("1.2.3-0123.0123", True),
    ("+invalid", True),
    ("-invalid", True),
    ("-invalid.01", True),
    ("alpha+beta", True),
    ("1.2.3-alpha_beta+foo", True),
    ("1.0.0-alpha..1", True),
]

NEW_VERSION_LOOSE = [
    ("1.2.3", False),
    ("1.2.3-alpha.01", True),
    ("1.2.3+test.01", False),
    ("1.2.3-alpha.-1", False),
    ("v1.2.3", False),
    ("1.0", False),
    ("v1.0", False),
    ("1", False),
    ("v1", False),
    ("1.2.beta", True),
    ("v1.2.beta", True),
    ("foo", True),
    ("1.2-5", False),
    ("v1.2-5", False),
    ("1.2-beta.5", False),
    ("v1.2-beta.5", False),
    ("\n1.2", True),
    ("\nv1.2", True),
    ("1.2.0-x.Y.0+metadata", False),
    ("v1.2.0-x.Y.0+metadata", False),
    ("1.2.0-x.Y.0+metadata-width-hypen", False),
    ("v1.2.0-x.Y.0+metadata-width-hypen", False),
    ("1.2.3-rc1-with-hypen", False),
    ("v1.2.3-rc1-with-hypen", False),
    ("1.2.3-0abc123", False),
    ("1.2.3-beta.01", True),
    ("1.2.3.4", True),
    ("v1.2.3.4", True),
    ("1.2.2147483648", False),
    ("1.2147483648.3", False),
    ("2147483648.3.0", False),
    ("12.3.4.1234", True),
    ("12.23.4.1234", True),
    ("12.3.34.1234", True),
    ("20221209-update-renovatejson-v4", False),
    ("1.1.2+.123", True),
    ("1.0.0-alpha_beta", True),
    ("1.0.0-alpha..", True),
    ("1.0.0-alpha..1", True),
    ("9.8.7+meta+meta", True),
    ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", True),
    ("01.1.1", False),
    ("1.01.1", False),
    ("1.1.01", False),
]

COERCE_STRING = [
    ("1.2.3", "1.2.3"),
    ("v1.2.3", "1.2.3"),
    ("1.0", "1.0.0"),
    ("v1.0", "1.0.0"),
    ("1", "1.0.0"),
    ("v1", "1.0.0"),
    ("1.2-5", "1.2.0-5"),
    ("v1.2-5", "1.2.0-5"),
    ("1.2-beta.5", "1.2.0-beta.5"),
    ("v1.2-beta.5", "1.2.0-beta.5"),
    ("1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"),
    ("v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"),
    ("1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"),
    ("v1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"),
    ("1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"),
    ("v1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"),
]

COMPARE = [
    ("1.2.3", "1.5.1", -1),
    ("2.2.3", "1.5.1", 1),
    ("2.2.3", "2.2.2", 1),
    ("3.2-beta", "3.2-beta", 0),
    ("1.3", "1.1.4", 1),
    ("4.2", "4.2-beta", 1),
    ("4.2-beta", "4.2", -1),
    ("4.2-alpha", "4.2-beta", -1),
    ("4.2-alpha", "4.2-alpha", 0),
    ("4.2-beta.2", "4.2-beta.1", 1),
    ("4.2-beta2", "4.2-beta1", 1),
    ("4.2-beta", "4.2-beta.2", -1),
    ("4.2-beta", "4.2-beta.foo", -1),
    ("4.2-beta.2", "4.2-beta", 1),
    ("4.2-beta.foo", "4.2-beta", 1),
    ("1.2+bar", "1.2+baz", 0),
    ("1.0.0-beta.4", "1.0.0-beta.-2", -1),
    ("1.0.0-beta.-2", "1.0.0-beta.-3", -1),
    ("1.0.0-beta.-3", "1.0.0-beta.5", 1),
]

LESS_THAN = [
    ("1.2.3", "1.5.1", True),
    ("2.2.3", "1.5.1", False),
    ("3.2-beta", "3.2-beta", False),
]

LESS_THAN_EQUAL = [
    ("1.2.3", "1.5.1", True),
    ("2.2.3", "1.5.1", False),
    ("1.5.1", "1.5.1", True),
]

GREATER_THAN = [
    ("1.2.3", "1.5.1", False),
    ("2.2.3", "1.5.1", True),
    ("3.2-beta", "3.2-beta", False),
    ("3.2.0-beta.1", "3.2.0-beta.5", False),
    ("3.2-beta.4", "3.2-beta.2", True),
    ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", False),
    ("7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", True),
    ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.BAR", False),
]

GREATER_THAN_EQUAL = [
    ("1.2.3", "1.5.1", False),
    ("2.2.3", "1.5.1", True),
    ("1.5.1", "1.5.1", True),
]

EQUAL = [
    (("1.2.3"), ("1.5.1"), False),
    (("2.2.3"), ("1.5.1"), False),
    (("3.2-beta"), ("3.2-beta"), True),
    (("3.2-beta+foo"), ("3.2-beta+bar"), True),
    (None, None, True),
    (None, ("1.2.3"), False),
    (("1.2.3"), None, False),
]

INC = [
    ("1.2.3", "1.2.4", "patch", "1.2.4"),
    ("v1.2.4", "1.2.5", "patch", "v1.2.5"),
    ("1.2.3", "1.3.0", "minor", "1.3.0"),
    ("v1.2.4", "1.3.0", "minor", "v1.3.0"),
    ("1.2.3", "2.0.0", "major", "2.0.0"),
    ("v1.2.4", "2.0.0", "major", "v2.0.0"),
    ("1.2.3+meta", "1.2.4", "patch", "1.2.4"),
    ("1.2.3-beta+meta", "1.2.3", "patch", "1.2.3"),
    ("v1.2.4-beta+meta", "1.2.4", "patch", "v1.2.4"),
    ("1.2.3-beta+meta", "1.3.0", "minor", "1.3.0"),
    ("v1.2.4-beta+meta", "1.3.0", "minor", "v1.3.0"),
    ("1.2.3-beta+meta", "2.0.0", "major", "2.0.0"),
    ("v1.2.4-beta+meta", "2.0.0", "major", "v2.0.0"),
]

SET_PRERELEASE = [
    ("1.2.3", "**", "1.2.3", "", "1.2.3", "ErrInvalidPrerelease"),
    ("1.2.3", "beta", "1.2.3-beta", "beta", "1.2.3-beta", None),
    ("v1.2.4", "beta", "1.2.4-beta", "beta", "v1.2.4-beta", None),
]

SET_METADATA = [
    ("1.2.3", "**", "1.2.3", "", "1.2.3", "ErrInvalidMetadata"),
    ("1.2.3", "meta", "1.2.3+meta", "meta", "1.2.3+meta", None),
    ("v1.2.4", "meta", "1.2.4+meta", "meta", "v1.2.4+meta", None),
]

ORIGINAL_V_PREFIX = [
    ("1.2.3", ""),
    ("v1.2.4", "v"),
]

VALIDATE_PRERELEASE = [
    ("foo", None),
    ("alpha.1", None),
    ("alpha.01", "ErrSegmentStartsZero"),
    ("foo☃︎", "ErrInvalidPrerelease"),
    ("alpha.0-1", None),
]

VALIDATE_METADATA = [
    ("foo", None),
    ("alpha.1", None),
    ("alpha.01", None),
    ("foo☃︎", "ErrInvalidMetadata"),
    ("alpha.0-1", None),
    ("al-pha.1Phe70CgWe050H9K1mJwRUqTNQXZRERwLOEg37wpXUb4JgzgaD5YkL52ABnoyiE", None),
]


@pytest.mark.parametrize("text,op,version,err", PARSE_CONSTRAINT, ids=ids(PARSE_CONSTRAINT))
def test_parse_constraint(text, op, version, err):
    """TestParseConstraint."""
    if err:
        with pytest.raises(SemverError):
            parse_constraint(text)
        return
    c = parse_constraint(text)
    assert str(c.con) == version
    assert c.op in OPS[op]


@pytest.mark.parametrize("constraint,version,check", CONSTRAINT_CHECK, ids=ids(CONSTRAINT_CHECK))
def test_constraint_check(constraint, version, check):
    """TestConstraintCheck: one constraint, pre-releases admitted when it names one."""
    c = parse_constraint(constraint)
    assert c.check(parse_version(version), bool(c.con.pre))[0] is check


@pytest.mark.parametrize("text,ors,count,err", NEW_CONSTRAINT, ids=ids(NEW_CONSTRAINT))
def test_new_constraint(text, ors, count, err):
    """TestNewConstraint."""
    if err:
        with pytest.raises(SemverError):
            Constraints.parse(text)
        return
    cs = Constraints.parse(text)
    assert len(cs.groups) == ors
    assert len(cs.groups[0]) == count


@pytest.mark.parametrize("constraint,version,check", CONSTRAINTS_CHECK,
                         ids=ids(CONSTRAINTS_CHECK))
def test_constraints_check(constraint, version, check):
    """TestConstraintsCheck."""
    assert Constraints.parse(constraint).check(parse_version(version)) is check


@pytest.mark.parametrize("constraint,version,check", CONSTRAINTS_CHECK_INCLUDE_PRERELEASE,
                         ids=ids(CONSTRAINTS_CHECK_INCLUDE_PRERELEASE))
def test_constraints_check_include_prerelease(constraint, version, check):
    """TestConstraintsCheckIncludePrerelease."""
    cs = Constraints.parse(constraint)
    cs = Constraints(cs.groups, cs.contains_pre, include_prerelease=True)
    assert cs.check(parse_version(version)) is check


@pytest.mark.parametrize("text,rewritten", REWRITE_RANGE, ids=ids(REWRITE_RANGE))
def test_rewrite_range(text, rewritten):
    """TestRewriteRange."""
    assert semver.rewrite_range(text) == rewritten


@pytest.mark.parametrize("text,is_x", IS_X, ids=ids(IS_X))
def test_is_x(text, is_x):
    """TestIsX."""
    assert semver._is_x(text) is is_x


@pytest.mark.parametrize("constraint,version,check", CONSTRAINTS_VALIDATE,
                         ids=ids(CONSTRAINTS_VALIDATE))
def test_constraints_validate(constraint, version, check):
    """TestConstraintsValidate (first table)."""
    ok, _ = Constraints.parse(constraint).validate(parse_version(version))
    assert ok is check


@pytest.mark.parametrize("constraint,version,message", CONSTRAINTS_VALIDATE_MESSAGES,
                         ids=ids(CONSTRAINTS_VALIDATE_MESSAGES))
def test_constraints_validate_messages(constraint, version, message):
    """TestConstraintsValidate (the messages table: the first reason given)."""
    ok, reasons = Constraints.parse(constraint).validate(semver.strict_version(version))
    assert not ok
    assert reasons[0] == message


@pytest.mark.parametrize("constraint,version,check", CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE,
                         ids=ids(CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE))
def test_constraints_validate_include_prerelease(constraint, version, check):
    """TestConstraintsValidateIncludePrerelease (first table)."""
    cs = Constraints.parse(constraint)
    cs = Constraints(cs.groups, cs.contains_pre, include_prerelease=True)
    assert cs.validate(parse_version(version))[0] is check


@pytest.mark.parametrize("constraint,version,message",
                         CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE_MESSAGES,
                         ids=ids(CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE_MESSAGES))
def test_constraints_validate_include_prerelease_messages(constraint, version, message):
    """TestConstraintsValidateIncludePrerelease (the messages table)."""
    cs = Constraints.parse(constraint)
    cs = Constraints(cs.groups, cs.contains_pre, include_prerelease=True)
    ok, reasons = cs.validate(semver.strict_version(version))
    assert not ok
    assert reasons[0] == message


@pytest.mark.parametrize("constraint,text", CONSTRAINT_STRING, ids=ids(CONSTRAINT_STRING))
def test_constraint_string(constraint, text):
    """TestConstraintString: printed, and the print parses again."""
    assert str(Constraints.parse(constraint)) == text
    Constraints.parse(text)


@pytest.mark.parametrize("version,err", STRICT_NEW_VERSION, ids=ids(STRICT_NEW_VERSION))
def test_strict_new_version(version, err):
    """TestStrictNewVersion."""
    if err:
        with pytest.raises(SemverError):
            semver.strict_version(version)
    else:
        semver.strict_version(version)


@pytest.mark.parametrize("version,err", NEW_VERSION_LOOSE, ids=ids(NEW_VERSION_LOOSE))
def test_new_version_loose(version, err):
    """TestNewVersion/With loose NewVersion."""
    if err:
        with pytest.raises(SemverError):
            parse_version(version)
    else:
        assert parse_version(version).original == version


@pytest.mark.parametrize("version,expected", COERCE_STRING, ids=ids(COERCE_STRING))
def test_coerce_string(version, expected):
    """TestCoerceString and TestOriginal."""
    v = parse_version(version)
    assert str(v) == expected
    assert v.original == version


def test_parts():
    """TestParts."""
    v = parse_version("1.2.3-beta.1+build.123")
    assert (v.major, v.minor, v.patch, v.pre, v.metadata) == (1, 2, 3, "beta.1", "build.123")


@pytest.mark.parametrize("v1,v2,expected", COMPARE, ids=ids(COMPARE))
def test_compare(v1, v2, expected):
    """TestCompare."""
    assert parse_version(v1).compare(parse_version(v2)) == expected


@pytest.mark.parametrize("table,cmp", [
    (LESS_THAN, lambda c: c < 0), (LESS_THAN_EQUAL, lambda c: c <= 0),
    (GREATER_THAN, lambda c: c > 0), (GREATER_THAN_EQUAL, lambda c: c >= 0),
], ids=["TestLessThan", "TestLessThanEqual", "TestGreaterThan", "TestGreaterThanEqual"])
def test_ordering(table, cmp):
    """TestLessThan, TestLessThanEqual, TestGreaterThan, TestGreaterThanEqual."""
    for v1, v2, expected in table:
        assert cmp(parse_version(v1).compare(parse_version(v2))) is expected, (v1, v2)


@pytest.mark.parametrize("v1,v2,expected", EQUAL, ids=ids(EQUAL))
def test_equal(v1, v2, expected):
    """TestEqual (Go's nil versions equal only each other)."""
    if v1 is None or v2 is None:
        assert (v1 is v2) is expected
        return
    assert parse_version(v1).equal(parse_version(v2)) is expected


@pytest.mark.parametrize("v1,expected,how,original", INC, ids=ids(INC))
def test_inc(v1, expected, how, original):
    """TestInc."""
    v = getattr(parse_version(v1), f"inc_{how}")()
    assert str(v) == expected
    assert v.original == original


@pytest.mark.parametrize("v1,pre,expected,expected_pre,original,err", SET_PRERELEASE,
                         ids=ids(SET_PRERELEASE))
def test_set_prerelease(v1, pre, expected, expected_pre, original, err):
    """TestSetPrerelease."""
    if err:
        with pytest.raises(SemverError, match=ERRORS[err]):
            parse_version(v1).set_prerelease(pre)
        return
    v = parse_version(v1).set_prerelease(pre)
    assert (str(v), v.pre, v.original) == (expected, expected_pre, original)


@pytest.mark.parametrize("v1,meta,expected,expected_meta,original,err", SET_METADATA,
                         ids=ids(SET_METADATA))
def test_set_metadata(v1, meta, expected, expected_meta, original, err):
    """TestSetMetadata."""
    if err:
        with pytest.raises(SemverError, match=ERRORS[err]):
            parse_version(v1).set_metadata(meta)
        return
    v = parse_version(v1).set_metadata(meta)
    assert (str(v), v.metadata, v.original) == (expected, expected_meta, original)


@pytest.mark.parametrize("version,prefix", ORIGINAL_V_PREFIX, ids=ids(ORIGINAL_V_PREFIX))
def test_original_v_prefix(version, prefix):
    """TestOriginalVPrefix."""
    assert parse_version(version).original_v_prefix() == prefix


@pytest.mark.parametrize("pre,err", VALIDATE_PRERELEASE, ids=ids(VALIDATE_PRERELEASE))
def test_validate_prerelease(pre, err):
    """TestValidatePrerelease."""
    if err:
        with pytest.raises(SemverError, match=ERRORS[err]):
            semver._validate_prerelease(pre)
    else:
        semver._validate_prerelease(pre)


@pytest.mark.parametrize("meta,err", VALIDATE_METADATA, ids=ids(VALIDATE_METADATA))
def test_validate_metadata(meta, err):
    """TestValidateMetadata."""
    if err:
        with pytest.raises(SemverError, match=ERRORS[err]):
            semver._validate_metadata(meta)
    else:
        semver._validate_metadata(meta)


# -- how Helm uses ranges -------------------------------------------------------------------

@pytest.mark.parametrize("constraint,versions,expected", [
    ("^1.2.0", ["1.1.0", "1.2.0", "1.9.3", "2.0.0"], "1.9.3"),
    ("~1.2", ["1.2.0", "1.2.7", "1.3.0"], "1.2.7"),
    ("*", ["1.0.0", "2.0.0-rc.1", "1.5.0"], "1.5.0"),
    (">=2.0.0-0", ["1.0.0", "2.0.0-rc.1"], "2.0.0-rc.1"),
    (">3", ["1.0.0", "2.0.0"], None),
    ("1.2.x || 2.x", ["1.2.9", "2.4.0", "3.0.0"], "2.4.0"),
], ids=["caret", "tilde", "star skips pre-releases", "pre-release named", "none",
        "or"])
def test_highest_matching(constraint, versions, expected):
    """repo.IndexFile.Get's rule: the highest version the range admits."""
    assert semver.highest_matching(constraint, versions) == expected
