"""Ports of apimachinery v1.34's tables: pkg/util/validation/validation_test.go and ip_test.go,
pkg/api/validation/generic_test.go and objectmeta_test.go.

Where Go only checks that a value fails, each case here also names the exact messages Go builds;
they are spelled out literally below so that a typo in the module cannot hide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest

from kubefold.core.errors import FORBIDDEN, INVALID, REQUIRED, TOO_LONG, FieldError
from kubefold.reducers.apiserver.validation import names as v

# --- Go's messages, written out -----------------------------------------------------------------
# RegexError ends every example with "', " and starts the next with " or ", so Kubernetes' own
# messages read "(e.g. 'my-name',  or '123-abc', ...": the double space is Go's, kept on purpose.

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
SUBDOMAIN_US_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is "
    "'_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
WILDCARD_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which "
    "must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
    "character (e.g. '*.example.com', regex used for validation is "
    "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
QNAME_TAIL = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
NAME_PART_MSG = "name part " + QNAME_TAIL
QNAME_SLASHES_MSG = (
    "a qualified name "
    + QNAME_TAIL
    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', "
    " or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
C_IDENT_MSG = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string of "
    "alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for "
    "validation is '[A-Za-z_][A-Za-z0-9_]*')"
)
HEADER_MSG = (
    "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', "
    "regex used for validation is '[-A-Za-z0-9]+')"
)
PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
    "'93%', regex used for validation is '[0-9]+%')"
)
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='"
)
DOTS = "must not contain dots"
PORT_CHARSET = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
PORT_LETTER = "must contain at least one letter (a-z)"
PORT_DOUBLE = "must not contain consecutive hyphens"
PORT_ENDS = "must not begin or end with a hyphen"
IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def maxlen(n: int) -> str:
    return f"must be no more than {n} characters"


def _cases(test: str, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
    """pytest params with ids `Test.../<value>` (long values shortened)."""
    out = []
    for row in rows:
        shown = repr(row[0])
        if len(shown) > 40:
            shown = shown[:20] + f"...len{len(str(row[0]))}"
        out.append(pytest.param(*row, id=f"{test}/{shown}"))
    return out


A63, A64 = "a" * 63, "a" * 64

# --- TestIsDNS1123Label -------------------------------------------------------------------------

DNS1123_LABEL_GOOD = [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
    "0", "01", "012", "1a", "1-a", "1--a--b--2", A63,
]  # fmt: skip
DNS1123_LABEL_BAD = (
    [(s, [LABEL_MSG]) for s in ["", "A", "ABC", "aBc", "A1", "A-1", "1-A"]]
    + [(s, [LABEL_MSG]) for s in ["-", "a-", "-a", "1-", "-1"]]
    + [(s, [LABEL_MSG]) for s in ["_", "a_", "_a", "a_b", "1_", "_1", "1_2"]]
    + [(s, [LABEL_MSG]) for s in [".", "a.", ".a", "1.", ".1"]]
    + [("a.b", [DOTS]), ("1.2", [DOTS])]
    + [(s, [LABEL_MSG]) for s in [" ", "a ", " a", "a b", "1 ", " 1", "1 2"]]
    + [(A64, [maxlen(63)])]
)


@pytest.mark.parametrize("value", _cases("TestIsDNS1123Label", [(s,) for s in DNS1123_LABEL_GOOD]))
def test_dns1123_label_good(value: str) -> None:
    assert v.is_dns1123_label(value) == []


@pytest.mark.parametrize(("value", "msgs"), _cases("TestIsDNS1123Label", DNS1123_LABEL_BAD))
def test_dns1123_label_bad(value: str, msgs: list[str]) -> None:
    assert v.is_dns1123_label(value) == msgs


def test_dns1123_label_too_long_and_malformed() -> None:
    """Both messages, in Go's order: the length first."""
    assert v.is_dns1123_label("A" * 64) == [maxlen(63), LABEL_MSG]


def test_dns1123_label_counts_bytes() -> None:
    """Go's len() counts UTF-8 bytes: 32 two-byte characters are 64 bytes."""
    assert v.is_dns1123_label("é" * 32) == [maxlen(63), LABEL_MSG]


def test_dns1123_label_rejects_trailing_newline() -> None:
    """Go's `$` does not match before a final newline, unlike Python's re.match."""
    assert v.is_dns1123_label("abc\n") == [LABEL_MSG]


# --- TestIsDNS1123Subdomain ---------------------------------------------------------------------

SUBDOMAIN_GOOD = [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
    "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a",
    "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
    "0.a", "01.a", "012.a", "1a.a", "1-a.a",
    "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
    "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55",
    "a" * 253,
]  # fmt: skip
SUBDOMAIN_BAD = [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a..b", "1.", ".1", "1..2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "A.a", "aB.a", "ab.A", "A1.a", "a1.A",
    "A.1", "aB.1", "A1.1", "1A.1",
    "0.A", "01.A", "012.A", "1A.a", "1a.A",
    "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee",
    "a@b", "a,b", "a;b", "a:b", "a%b", "a?b", "a$b",
]  # fmt: skip


@pytest.mark.parametrize("value", _cases("TestIsDNS1123Subdomain", [(s,) for s in SUBDOMAIN_GOOD]))
def test_dns1123_subdomain_good(value: str) -> None:
    assert v.is_dns1123_subdomain(value) == []


@pytest.mark.parametrize(
    ("value", "msgs"),
    _cases("TestIsDNS1123Subdomain", [(s, [SUBDOMAIN_MSG]) for s in SUBDOMAIN_BAD])
    + _cases("TestIsDNS1123Subdomain", [("a" * 254, [maxlen(253)])]),
)
def test_dns1123_subdomain_bad(value: str, msgs: list[str]) -> None:
    assert v.is_dns1123_subdomain(value) == msgs


# --- TestIsDNS1035Label -------------------------------------------------------------------------

DNS1035_GOOD = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", A63]
DNS1035_BAD = [
    "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
]  # fmt: skip


@pytest.mark.parametrize("value", _cases("TestIsDNS1035Label", [(s,) for s in DNS1035_GOOD]))
def test_dns1035_label_good(value: str) -> None:
    assert v.is_dns1035_label(value) == []


@pytest.mark.parametrize(
    ("value", "msgs"),
    _cases("TestIsDNS1035Label", [(s, [DNS1035_MSG]) for s in DNS1035_BAD] + [(A64, [maxlen(63)])]),
)
def test_dns1035_label_bad(value: str, msgs: list[str]) -> None:
    assert v.is_dns1035_label(value) == msgs


# --- TestIsCIdentifier --------------------------------------------------------------------------

C_GOOD = [
    "a", "ab", "abc", "a1", "_a", "a_", "a_b", "a_1", "a__1__2__b", "__abc_123",
    "A", "AB", "AbC", "A1", "_A", "A_", "A_B", "A_1", "A__1__2__B", "__123_ABC",
]  # fmt: skip
C_BAD = [
    "", "1", "123", "1a",
    "-", "a-", "-a", "1-", "-1", "1_", "1_2",
    ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "#a#",
]  # fmt: skip


@pytest.mark.parametrize("value", _cases("TestIsCIdentifier", [(s,) for s in C_GOOD]))
def test_c_identifier_good(value: str) -> None:
    assert v.is_c_identifier(value) == []


@pytest.mark.parametrize("value", _cases("TestIsCIdentifier", [(s,) for s in C_BAD]))
def test_c_identifier_bad(value: str) -> None:
    assert v.is_c_identifier(value) == [C_IDENT_MSG]


# --- TestIsValidPortNum, TestIsInRange, TestIsValidGroupID, TestIsValidUserID -------------------


@pytest.mark.parametrize(
    "port", _cases("TestIsValidPortNum", [(p,) for p in [1, 2, 1000, 16384, 32768, 65535]])
)
def test_port_num_good(port: int) -> None:
    assert v.is_valid_port_num(port) == []


@pytest.mark.parametrize(
    "port", _cases("TestIsValidPortNum", [(p,) for p in [0, -1, 65536, 100000]])
)
def test_port_num_bad(port: int) -> None:
    assert v.is_valid_port_num(port) == ["must be between 1 and 65535, inclusive"]


@pytest.mark.parametrize(
    ("value", "lo", "hi", "msgs"),
    _cases(
        "TestIsInRange",
        [
            (1, 0, 10, []),
            (5, 5, 20, []),
            (25, 10, 25, []),
            (1, 2, 10, ["must be between 2 and 10, inclusive"]),
            (5, -4, 2, ["must be between -4 and 2, inclusive"]),
            (25, 100, 120, ["must be between 100 and 120, inclusive"]),
        ],
    ),
)
def test_in_range(value: int, lo: int, hi: int, msgs: list[str]) -> None:
    assert v.is_in_range(value, lo, hi) == msgs


ID_CASES: list[tuple[int, list[str]]] = [(i, []) for i in [0, 1, 1000, 65535, 2147483647]] + [
    (i, ["must be between 0 and 2147483647, inclusive"])
    for i in [-1, -1003, 2147483648, 4147483647]
]


@pytest.mark.parametrize(("gid", "msgs"), _cases("TestIsValidGroupID", ID_CASES))
def test_group_id(gid: int, msgs: list[str]) -> None:
    assert v.is_valid_group_id(gid) == msgs


@pytest.mark.parametrize(("uid", "msgs"), _cases("TestIsValidUserID", ID_CASES))
def test_user_id(uid: int, msgs: list[str]) -> None:
    assert v.is_valid_user_id(uid) == msgs


# --- TestIsValidPortName ------------------------------------------------------------------------

PORT_NAME_GOOD = ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"]
PORT_NAME_BAD = [
    ("longerthan15characters", [maxlen(15)]),
    ("", [PORT_CHARSET, PORT_LETTER]),
    ("a" * 16, [maxlen(15)]),
    ("12345", [PORT_LETTER]),
    ("1-2-3-4", [PORT_LETTER]),
    ("-begin", [PORT_ENDS]),
    ("end-", [PORT_ENDS]),
    ("two--hyphens", [PORT_DOUBLE]),
    ("whois++", [PORT_CHARSET]),
]


@pytest.mark.parametrize("value", _cases("TestIsValidPortName", [(s,) for s in PORT_NAME_GOOD]))
def test_port_name_good(value: str) -> None:
    assert v.is_valid_port_name(value) == []


@pytest.mark.parametrize(("value", "msgs"), _cases("TestIsValidPortName", PORT_NAME_BAD))
def test_port_name_bad(value: str, msgs: list[str]) -> None:
    assert v.is_valid_port_name(value) == msgs


# --- TestIsQualifiedName ------------------------------------------------------------------------

QNAME_GOOD = [
    "simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
    "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
    "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
    "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", A63,
    "a" * 253 + "/" + "b" * 63,
]  # fmt: skip
QNAME_BAD = [
    ("nospecialchars%^=@", [NAME_PART_MSG]),
    ("cantendwithadash-", [NAME_PART_MSG]),
    ("-cantstartwithadash-", [NAME_PART_MSG]),
    ("only/one/slash", [QNAME_SLASHES_MSG]),
    ("Example.com/abc", ["prefix part " + SUBDOMAIN_MSG]),
    ("example_com/abc", ["prefix part " + SUBDOMAIN_MSG]),
    ("example.com/", ["name part must be non-empty", NAME_PART_MSG]),
    ("/simple", ["prefix part must be non-empty"]),
    (A64, ["name part " + maxlen(63)]),
    ("a" * 254 + "/abc", ["prefix part " + maxlen(253)]),
]


@pytest.mark.parametrize("value", _cases("TestIsQualifiedName", [(s,) for s in QNAME_GOOD]))
def test_qualified_name_good(value: str) -> None:
    assert v.is_qualified_name(value) == []


@pytest.mark.parametrize(("value", "msgs"), _cases("TestIsQualifiedName", QNAME_BAD))
def test_qualified_name_bad(value: str, msgs: list[str]) -> None:
    assert v.is_qualified_name(value) == msgs


# --- TestIsValidLabelValue ----------------------------------------------------------------------

LABEL_VALUE_GOOD = [
    "simple",
    "now-with-dashes",
    "1-starts-with-num",
    "end-with-num-1",
    "1234",
    A63,
    "",
]
LABEL_VALUE_BAD = [
    ("nospecialchars%^=@", [LABEL_VALUE_MSG]),
    ("Tama-nui-te-rā.is.Māori.sun", [LABEL_VALUE_MSG]),
    ("\\backslashes\\are\\bad", [LABEL_VALUE_MSG]),
    ("-starts-with-dash", [LABEL_VALUE_MSG]),
    ("ends-with-dash-", [LABEL_VALUE_MSG]),
    (".starts.with.dot", [LABEL_VALUE_MSG]),
    ("ends.with.dot.", [LABEL_VALUE_MSG]),
    (A64, [maxlen(63)]),
]


@pytest.mark.parametrize("value", _cases("TestIsValidLabelValue", [(s,) for s in LABEL_VALUE_GOOD]))
def test_label_value_good(value: str) -> None:
    assert v.is_valid_label_value(value) == []


@pytest.mark.parametrize(("value", "msgs"), _cases("TestIsValidLabelValue", LABEL_VALUE_BAD))
def test_label_value_bad(value: str, msgs: list[str]) -> None:
    assert v.is_valid_label_value(value) == msgs


# --- TestIsHTTPHeaderName, TestIsValidPercent, TestIsConfigMapKey -------------------------------

HEADER_GOOD = [
    "Accept-Encoding", "Host", "If-Modified-Since", "X-Forwarded-For",
    "a", "ab", "abc", "a1", "-a", "a-", "a-b", "a-1", "a--1--2--b", "--abc-123",
    "A", "AB", "AbC", "A1", "-A", "A-", "A-B", "A-1", "A--1--2--B", "--123-ABC",
]  # fmt: skip
HEADER_BAD = [
    "Host:", "X-Forwarded-For:", "X-@Home",
    "", "_", "a_", "_a", "1_", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#", "^", ",", ";", "=", "<",
    "?", "@", "{",
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "msgs"),
    _cases(
        "TestIsHTTPHeaderName",
        [(s, []) for s in HEADER_GOOD] + [(s, [HEADER_MSG]) for s in HEADER_BAD],
    ),
)
def test_http_header_name(value: str, msgs: list[str]) -> None:
    assert v.is_http_header_name(value) == msgs


PERCENT_GOOD = ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"]
PERCENT_BAD = ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%"]


@pytest.mark.parametrize(
    ("value", "msgs"),
    _cases(
        "TestIsValidPercent",
        [(s, []) for s in PERCENT_GOOD] + [(s, [PERCENT_MSG]) for s in PERCENT_BAD],
    ),
)
def test_percent(value: str, msgs: list[str]) -> None:
    assert v.is_valid_percent(value) == msgs


CONFIG_KEY_CASES: list[tuple[str, list[str]]] = [
    (s, [])
    for s in [
        "a",
        "good",
        "good-good",
        "still.good",
        "this.is.also.good",
        ".so.is.this",
        "THIS_IS_GOOD",
        "so_is_this_17",
    ]
] + [
    (".", ["must not be '.'"]),
    ("..", ["must not be '..'"]),
    ("..bad", ["must not start with '..'"]),
    ("b*d", [CONFIG_KEY_MSG]),
    ("bad!&bad", [CONFIG_KEY_MSG]),
]


@pytest.mark.parametrize(("value", "msgs"), _cases("TestIsConfigMapKey", CONFIG_KEY_CASES))
def test_config_map_key(value: str, msgs: list[str]) -> None:
    assert v.is_config_map_key(value) == msgs


# --- TestIsWildcardDNS1123Subdomain -------------------------------------------------------------

WILDCARD_CASES: list[tuple[str, list[str]]] = [
    (s, []) for s in ["*.example.com", "*.bar.com", "*.foo.bar.com"]
] + [(s, [WILDCARD_MSG]) for s in ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"]]


@pytest.mark.parametrize(
    ("value", "msgs"), _cases("TestIsWildcardDNS1123Subdomain", WILDCARD_CASES)
)
def test_wildcard_subdomain(value: str, msgs: list[str]) -> None:
    assert v.is_wildcard_dns1123_subdomain(value) == msgs


# --- TestIsFullyQualifiedDomainName, TestIsFullyQualifiedName, TestIsDomainPrefixedPath ---------

FQDN_GOOD = [
    "a.com", "k8s.io", "dev.k8s.io", "dev.k8s.io.", "foo.example.com", "this.is.a.really.long.fqdn",
    "bbc.co.uk", "10.0.0.1", "hyphens-are-good.k8s.io", A63 + ".k8s.io",
    A63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 54 + ".k8s.io",
]  # fmt: skip
FQDN_BAD = [
    ".", "...", ".io", "com", ".com", "Dev.k8s.io", ".foo.example.com", "*.example.com",
    "*.bar.com", "*.foo.bar.com", "underscores_are_bad.k8s.io", "foo@bar.example.com",
    "http://foo.example.com", A64 + ".k8s.io",
    A63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 55 + ".k8s.io",
]  # fmt: skip


@pytest.mark.parametrize(
    "value", _cases("TestIsFullyQualifiedDomainName", [(s,) for s in FQDN_GOOD])
)
def test_fqdn_good(value: str) -> None:
    assert v.is_fully_qualified_domain_name("spec.host", value) == []


@pytest.mark.parametrize(
    "value", _cases("TestIsFullyQualifiedDomainName", [(s,) for s in FQDN_BAD])
)
def test_fqdn_bad(value: str) -> None:
    errs = v.is_fully_qualified_domain_name("spec.host", value)
    assert len(errs) == 1
    assert errs[0].field == "spec.host"


@pytest.mark.parametrize(
    ("value", "expected"),
    _cases(
        "TestIsFullyQualifiedDomainName",
        [
            (
                "com",
                'spec.host: Invalid value: "com": '
                "should be a domain with at least two segments separated by dots",
            ),
            (".io", f'spec.host: Invalid value: ".io": {SUBDOMAIN_MSG}'),
            (A64 + ".k8s.io", f'spec.host: Invalid value: "{A64}": {maxlen(63)}'),
            ("", "spec.host: Required value"),
        ],
    ),
)
def test_fqdn_messages(value: str, expected: str) -> None:
    assert [str(e) for e in v.is_fully_qualified_domain_name("spec.host", value)] == [expected]


FQN_GOOD = [
    "dev.k8s.io", "foo.example.com", "this.is.a.really.long.fqdn", "bbc.co.uk", "10.0.0.1",
    "hyphens-are-good.k8s.io", "a" * 246 + ".k8s.io",
]  # fmt: skip
FQN_BAD = [
    "...", "dev.k8s.io.", ".io", "Dev.k8s.io", "k8s.io", "*.example.com", "*.bar.com",
    "*.foo.bar.com", "underscores_are_bad.k8s.io", "foo@bar.example.com",
    "http://foo.example.com", "a" * 247 + ".k8s.io",
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "ok"),
    _cases(
        "TestIsFullyQualifiedName", [(s, True) for s in FQN_GOOD] + [(s, False) for s in FQN_BAD]
    ),
)
def test_fqn(value: str, ok: bool) -> None:
    assert (v.is_fully_qualified_name("spec.group", value) == []) is ok


@pytest.mark.parametrize(
    ("value", "expected"),
    _cases(
        "TestIsFullyQualifiedName",
        [
            (
                "k8s.io",
                'Invalid value: "k8s.io": '
                "should be a domain with at least three segments separated by dots",
            ),
            ("http://foo.k8s.io", f'Invalid value: "http://foo.k8s.io": {SUBDOMAIN_MSG}'),
            ("example@foo.k8s.io", f'Invalid value: "example@foo.k8s.io": {SUBDOMAIN_MSG}'),
            ("", "Required value"),
            ("A.B.C", f'Invalid value: "A.B.C": {SUBDOMAIN_MSG}'),
        ],
    ),
)
def test_fqn_messages(value: str, expected: str) -> None:
    assert [e.body() for e in v.is_fully_qualified_name("spec.group", value)] == [expected]


DPP_GOOD = [
    "a/b", "a/b/c/d", "a.com/foo", "a.b.c.d/foo", "k8s.io/foo/bar", "k8s.io/FOO/BAR",
    "dev.k8s.io/more/path", "this.is.a.really.long.fqdn/even/longer/path/just/because",
    "bbc.co.uk/path/goes/here", "10.0.0.1/foo", "hyphens-are-good.k8s.io/and-in-paths-too",
    "a" * 240 + ".k8s.io/a", "k8s.io/" + "a" * 240,
]  # fmt: skip
DPP_BAD = [
    ".", "...", "/b", "com", ".com", "a.b.c.d/foo?a=b", "a.b.c.d/foo#a", "Dev.k8s.io",
    ".foo.example.com", "*.example.com", "example.com/foo{}[]@^`", "underscores_are_bad.k8s.io",
    "underscores_are_bad.k8s.io/foo", "foo@bar.example.com", "foo@bar.example.com/foo",
    "a" * 247 + ".k8s.io",
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "ok"),
    _cases(
        "TestIsDomainPrefixedPath", [(s, True) for s in DPP_GOOD] + [(s, False) for s in DPP_BAD]
    ),
)
def test_domain_prefixed_path(value: str, ok: bool) -> None:
    assert (v.is_domain_prefixed_path("p", value) == []) is ok


def test_domain_prefixed_path_messages() -> None:
    assert [str(e) for e in v.is_domain_prefixed_path("p", "com")] == [
        'p: Invalid value: "com": must be a domain-prefixed path (such as "acme.io/foo")'
    ]
    assert [str(e) for e in v.is_domain_prefixed_path("p", "a.b.c.d/foo?a=b")] == [
        'p: Invalid value: "foo?a=b": Invalid path (regex used for validation is '
        "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"
    ]


# --- TestIsRelaxedEnvVarName, TestIsDNS1123SubdomainWithUnderscore ------------------------------

RELAXED_GOOD = [
    "-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a", "a:a", "a_a", "aAz", "~a",
    "|a", "a0a", "a9", "/a", "a ", "#a", "0a", "0 a", "'a", "(a", "@a",
]  # fmt: skip
RELAXED_BAD = [
    ("", ["environment variable name must be non-empty"]),
] + [
    (s, [RELAXED_ENV_MSG])
    for s in [
        "=",
        "a=",
        "1=a",
        "a=b",
        "#%=&&",
        chr(1) + "abc",
        chr(130) + "abc",
        "Ç ç",
        "Ä ä",
        "Ñ ñ",
        "Ø ø",
    ]
]


@pytest.mark.parametrize(
    ("value", "msgs"),
    _cases("TestIsRelaxedEnvVarName", [(s, []) for s in RELAXED_GOOD] + RELAXED_BAD),
)
def test_relaxed_env_var_name(value: str, msgs: list[str]) -> None:
    assert v.is_relaxed_env_var_name(value) == msgs


def test_env_var_name() -> None:
    """IsEnvVarName (no Go table; the messages of validation.go)."""
    assert v.is_env_var_name("MY_ENV.NAME") == []
    assert v.is_env_var_name("1abc") == [
        "a valid environment variable name must consist of alphabetic characters, digits, '_', "
        "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
        "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
    ]
    assert v.is_env_var_name("..x") == ["must not start with '..'"]


SUBDOMAIN_US_CASES = [
    ("valid subdomain", "example.com", []),
    ("valid subdomain with underscore", "_example.com", []),
    ("valid subdomain with multiple segments", "sub._example.com", []),
    ("valid subdomain with hyphen", "sub-domain.example.com", []),
    ("valid subdomain with underscore in middle", "sub_domain.example.com", []),
    ("empty string", "", [SUBDOMAIN_US_MSG]),
    ("invalid uppercase characters", "Example.com", [SUBDOMAIN_US_MSG]),
    ("invalid starting character", "-example.com", [SUBDOMAIN_US_MSG]),
    ("invalid ending character", "example.com-", [SUBDOMAIN_US_MSG]),
    ("invalid characters", "example@.com", [SUBDOMAIN_US_MSG]),
    ("too long subdomain", "a." + "\x00" * 251 + ".com", [maxlen(253), SUBDOMAIN_US_MSG]),
    ("multiple dots", "example..com", [SUBDOMAIN_US_MSG]),
    ("underscore only", "_", [SUBDOMAIN_US_MSG]),
]


@pytest.mark.parametrize(
    ("value", "msgs"),
    [
        pytest.param(val, m, id=f"TestIsDNS1123SubdomainWithUnderscore/{n}")
        for n, val, m in SUBDOMAIN_US_CASES
    ],
)
def test_dns1123_subdomain_with_underscore(value: str, msgs: list[str]) -> None:
    assert v.is_dns1123_subdomain_with_underscore(value) == msgs


# --- TestIsValidIP ------------------------------------------------------------------------------

# (name, value, strict error, legacy error, legacy-strict error)
IP_CASES = [
    ("ipv4", "1.2.3.4", "", "", ""),
    ("ipv4, all zeros", "0.0.0.0", "", "", ""),
    ("ipv4, max", "255.255.255.255", "", "", ""),
    ("ipv6", "1234::abcd", "", "", ""),
    ("ipv6, all zeros, collapsed", "::", "", "", ""),
    ("ipv6, max", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", "", ""),
    (
        "ipv6, all zeros, expanded (non-canonical)",
        "0:0:0:0:0:0:0:0",
        'must be in canonical form ("::")',
        "",
        "",
    ),
    (
        "ipv6, leading 0s (non-canonical)",
        "0001:002:03:4::",
        'must be in canonical form ("1:2:3:4::")',
        "",
        "",
    ),
    (
        "ipv6, capital letters (non-canonical)",
        "1234::ABCD",
        'must be in canonical form ("1234::abcd")',
        "",
        "",
    ),
    (
        "ipv4 with leading 0s",
        "1.1.1.01",
        "must not have leading 0s",
        "",
        "must not have leading 0s",
    ),
    (
        "ipv4-in-ipv6 value",
        "::ffff:1.1.1.1",
        "must not be an IPv4-mapped IPv6 address",
        "",
        "must not be an IPv4-mapped IPv6 address",
    ),
] + [
    (name, value, IP_MSG, IP_MSG, IP_MSG)
    for name, value in [
        ("empty string", ""),
        ("junk", "aaaaaaa"),
        ("domain name", "myhost.mydomain"),
        ("cidr", "1.2.3.0/24"),
        ("ipv4 with out-of-range octets", "1.2.3.400"),
        ("ipv4 with negative octets", "-1.0.0.0"),
        ("ipv6 with out-of-range segment", "2001:db8::10005"),
        ("ipv4:port", "1.2.3.4:80"),
        ("ipv6 with brackets", "[2001:db8::1]"),
        ("[ipv6]:port", "[2001:db8::1]:80"),
        ("host:port", "example.com:80"),
        ("ipv6 with zone", "1234::abcd%eth0"),
        ("ipv4 with zone", "169.254.0.0%eth0"),
    ]
]
IP_BAD_STRICT = [value for _, value, _, _, legacy_strict in IP_CASES if legacy_strict]


def _details(errs: list[FieldError]) -> list[str]:
    assert all(e.type == INVALID and e.field == "spec.clusterIP" for e in errs)
    return [e.detail for e in errs]


@pytest.mark.parametrize(
    ("value", "err", "legacy_err", "legacy_strict_err"),
    [pytest.param(*row[1:], id=f"TestIsValidIP/{row[0]}") for row in IP_CASES],
)
def test_valid_ip(value: str, err: str, legacy_err: str, legacy_strict_err: str) -> None:
    path = "spec.clusterIP"
    assert _details(v.is_valid_ip(path, value)) == ([err] if err else [])
    legacy = v.is_valid_ip_for_legacy_field(path, value, False)
    assert _details(legacy) == ([legacy_err] if legacy_err else [])
    legacy_strict = v.is_valid_ip_for_legacy_field(path, value, True)
    assert _details(legacy_strict) == ([legacy_strict_err] if legacy_strict_err else [])
    assert v.is_valid_ip_for_legacy_field(path, value, True, IP_BAD_STRICT) == []


# --- TestMaskTrailingDash and the name functions ------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("", "", id="TestMaskTrailingDash/empty string"),
        pytest.param("-", "-", id="TestMaskTrailingDash/only a single dash"),
        pytest.param("-foo", "-foo", id="TestMaskTrailingDash/has leading dash"),
        pytest.param(
            "-foo-", "-foa", id="TestMaskTrailingDash/has both leading and trailing dashes"
        ),
        pytest.param("b-", "a", id="TestMaskTrailingDash/has trailing dash"),
        pytest.param("ab", "ab", id="TestMaskTrailingDash/has neither leading nor trailing dashes"),
    ],
)
def test_mask_trailing_dash(before: str, after: str) -> None:
    assert v.mask_trailing_dash(before) == after


def test_name_functions_mask_only_prefixes() -> None:
    assert v.name_is_dns_subdomain("foo-", True) == []
    assert v.name_is_dns_subdomain("foo-", False) == [SUBDOMAIN_MSG]
    assert v.name_is_dns_label("web-", True) == []
    assert v.name_is_dns_label("web-", False) == [LABEL_MSG]
    assert v.name_is_dns1035_label("web-", True) == []
    assert v.name_is_dns1035_label("1web-", True) == [DNS1035_MSG]
    assert v.validate_namespace_name("foo.bar", False) == [DOTS]
    # Go slices bytes: half of 'é' stays behind and the prefix is still invalid.
    assert v.name_is_dns_label("é-", True) == [LABEL_MSG]


# --- Field helpers ------------------------------------------------------------------------------


def test_validate_nonnegative_field() -> None:
    assert v.validate_nonnegative_field(0, "spec.replicas") == []
    assert [str(e) for e in v.validate_nonnegative_field(-1, "spec.replicas")] == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    ]


def test_validate_immutable_field() -> None:
    assert v.validate_immutable_field("a", "a", "spec.selector") == []
    assert [str(e) for e in v.validate_immutable_field("b", "a", "spec.selector")] == [
        'spec.selector: Invalid value: "b": field is immutable'
    ]


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        pytest.param(
            ["x/a", "y/b"],
            ["x/a"],
            ['[]string{"y/b"}'],
            id="TestValidateFinalizersUpdate/invalid adding finalizers",
        ),
        pytest.param(
            ["x/b"],
            ["x/a"],
            ['[]string{"x/b"}'],
            id="TestValidateFinalizersUpdate/invalid changing finalizers",
        ),
        pytest.param(
            ["x/a"], ["x/a", "y/b"], [], id="TestValidateFinalizersUpdate/valid removing finalizers"
        ),
    ],
)
def test_validate_no_new_finalizers(new: list[str], old: list[str], expected: list[str]) -> None:
    errs = v.validate_no_new_finalizers(new, old, "metadata.finalizers")
    assert [str(e) for e in errs] == [
        "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
        f"deleted, found new finalizers {shown}"
        for shown in expected
    ]


# --- TestValidateAnnotations --------------------------------------------------------------------

LIMIT = 256 * 1024
ANNOTATIONS_GOOD = [
    {"simple": "bar"}, {"now-with-dashes": "bar"}, {"1-starts-with-num": "bar"}, {"1234": "bar"},
    {"simple/simple": "bar"}, {"now-with-dashes/simple": "bar"},
    {"now-with-dashes/now-with-dashes": "bar"}, {"now.with.dots/simple": "bar"},
    {"now-with.dashes-and.dots/simple": "bar"}, {"1-num.2-num/3-num": "bar"},
    {"1234/5678": "bar"}, {"1.2.3.4/5678": "bar"}, {"UpperCase123": "bar"},
    {"a": "b" * (LIMIT - 1)},
    {"a": "b" * (LIMIT // 2 - 1), "c": "d" * (LIMIT // 2 - 1)},
]  # fmt: skip


@pytest.mark.parametrize(
    "annotations",
    [
        pytest.param(a, id=f"TestValidateAnnotations/success[{i}]")
        for i, a in enumerate(ANNOTATIONS_GOOD)
    ],
)
def test_annotations_good(annotations: dict[str, str]) -> None:
    assert v.validate_annotations(annotations, "field") == []


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        pytest.param("nospecialchars^=@", NAME_PART_MSG, id="TestValidateAnnotations/name[0]"),
        pytest.param("cantendwithadash-", NAME_PART_MSG, id="TestValidateAnnotations/name[1]"),
        pytest.param("only/one/slash", QNAME_SLASHES_MSG, id="TestValidateAnnotations/name[2]"),
        pytest.param("a" * 254, "name part " + maxlen(63), id="TestValidateAnnotations/name[3]"),
    ],
)
def test_annotations_bad_name(key: str, detail: str) -> None:
    errs = v.validate_annotations({key: "bar"}, "field")
    assert [(e.type, e.field, e.bad_value, e.detail) for e in errs] == [
        (INVALID, "field", key, detail)
    ]


@pytest.mark.parametrize(
    "annotations",
    [
        pytest.param({"a": "b" * LIMIT}, id="TestValidateAnnotations/totalSize[0]"),
        pytest.param(
            {"a": "b" * (LIMIT // 2), "c": "d" * (LIMIT // 2)},
            id="TestValidateAnnotations/totalSize[1]",
        ),
    ],
)
def test_annotations_too_large(annotations: dict[str, str]) -> None:
    errs = v.validate_annotations(annotations, "metadata.annotations")
    assert [(e.type, str(e)) for e in errs] == [
        (TOO_LONG, "metadata.annotations: Too long: may not be more than 262144 bytes")
    ]


def test_annotation_keys_ignore_case() -> None:
    """ValidateAnnotations lower-cases keys first, so an upper-case prefix is fine."""
    assert v.validate_annotations({"Example.COM/Key": "v"}, "a") == []
    assert v.validate_labels({"Example.COM/Key": "v"}, "l") != []


# --- ObjectMeta ---------------------------------------------------------------------------------


@attrs.frozen
class Ref:
    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool | None = None


@attrs.frozen
class Meta:
    name: str = ""
    generate_name: str = ""
    namespace: str = ""
    labels: Mapping[str, str] = attrs.field(factory=dict)
    annotations: Mapping[str, str] = attrs.field(factory=dict)
    finalizers: Sequence[str] = ()
    owner_references: Sequence[Ref] = ()


def _accept_all(name: str, prefix: bool) -> list[str]:
    return []


def _strs(errs: list[FieldError]) -> list[str]:
    return [str(e) for e in errs]


def test_object_meta_custom_name() -> None:
    """TestValidateObjectMetaCustomName: the name function sees both generateName and name."""

    def name_fn(s: str, prefix: bool) -> list[str]:
        return [] if s == "test" else ["name-gen"]

    errs = v.validate_object_meta(Meta(name="test", generate_name="foo"), False, name_fn, "field")
    assert _strs(errs) == ['field.generateName: Invalid value: "foo": name-gen']


def test_object_meta_namespaces_dots() -> None:
    """TestValidateObjectMetaNamespaces: a namespace must be a DNS label."""
    errs = v.validate_object_meta(
        Meta(name="test", namespace="foo.bar"), True, _accept_all, "field"
    )
    assert _strs(errs) == [f'field.namespace: Invalid value: "foo.bar": {DOTS}']


def test_object_meta_namespaces_too_long() -> None:
    """TestValidateObjectMetaNamespaces: 64 mixed-case characters give two errors."""
    namespace = "aB3" * 21 + "x"
    errs = v.validate_object_meta(
        Meta(name="test", namespace=namespace), True, _accept_all, "field"
    )
    assert _strs(errs) == [
        f'field.namespace: Invalid value: "{namespace}": {maxlen(63)}',
        f'field.namespace: Invalid value: "{namespace}": {LABEL_MSG}',
    ]


CONTROLLER_CONFLICT = (
    'Only one reference can have Controller set to true. Found "true" in references for '
    "customresourceKind2/name and customresourceKind3/name"
)
OWNER_CASES = [
    (
        "simple success - third party extension.",
        [Ref("customresourceVersion", "customresourceKind", "name", "1")],
        [],
    ),
    (
        "simple failures - event shouldn't be set as an owner",
        [Ref("v1", "Event", "name", "1")],
        [("field.ownerReferences", "/v1, Kind=Event is disallowed from being an owner")],
    ),
    (
        "simple controller ref success - one reference with Controller set",
        [
            Ref("customresourceVersion", "customresourceKind", "name", "1", False),
            Ref("customresourceVersion", "customresourceKind", "name", "2", True),
            Ref("customresourceVersion", "customresourceKind", "name", "3", False),
            Ref("customresourceVersion", "customresourceKind", "name", "4"),
        ],
        [],
    ),
    (
        "simple controller ref failure - two references with Controller set",
        [
            Ref("customresourceVersion", "customresourceKind1", "name", "1", False),
            Ref("customresourceVersion", "customresourceKind2", "name", "2", True),
            Ref("customresourceVersion", "customresourceKind3", "name", "3", True),
            Ref("customresourceVersion", "customresourceKind4", "name", "4"),
        ],
        [("field.ownerReferences", CONTROLLER_CONFLICT)],
    ),
    (
        "kubefold: every field empty",
        [Ref("", "", "", "")],
        [
            ("field.ownerReferences.apiVersion", "version must not be empty"),
            ("field.ownerReferences.kind", "must not be empty"),
            ("field.ownerReferences.name", "must not be empty"),
            ("field.ownerReferences.uid", "must not be empty"),
        ],
    ),
    (
        "kubefold: unparsable apiVersion",
        [Ref("a/b/c", "Kind", "n", "u")],
        [("field.ownerReferences.apiVersion", "version must not be empty")],
    ),
]


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        pytest.param(refs, exp, id=f"TestValidateObjectMetaOwnerReferences/{d}")
        for d, refs, exp in OWNER_CASES
    ],
)
def test_object_meta_owner_references(refs: list[Ref], expected: list[tuple[str, str]]) -> None:
    meta = Meta(name="test", namespace="test", owner_references=refs)
    errs = v.validate_object_meta(meta, True, _accept_all, "field")
    assert [(e.type, e.field, e.detail) for e in errs] == [(INVALID, f, d) for f, d in expected]


def test_owner_reference_bad_values() -> None:
    """The banned owner is shown as its JSON object, the conflict as the whole list."""
    event = Ref("v1", "Event", "name", "1", True)
    (err,) = v.validate_owner_references([event], "r")
    assert err.bad_value == {
        "apiVersion": "v1",
        "kind": "Event",
        "name": "name",
        "uid": "1",
        "controller": True,
    }


def test_finalizers_prevent_conflicting() -> None:
    """TestValidateFinalizersPreventConflictingFinalizers."""
    meta = Meta(name="test", finalizers=("orphan", "foregroundDeletion"))
    errs = v.validate_object_meta(meta, False, v.name_is_dns_subdomain, "field")
    assert [(e.type, e.field, e.detail) for e in errs] == [
        (INVALID, "field.finalizers", "finalizer orphan and foregroundDeletion cannot be both set")
    ]


def test_finalizer_names() -> None:
    """ValidateFinalizerName: qualified names, each message on the finalizers path."""
    meta = Meta(name="test", finalizers=("kubernetes.io/pv-protection", "a/b/c", "-x"))
    errs = v.validate_object_meta(meta, False, v.name_is_dns_subdomain)
    assert _strs(errs) == [
        f'metadata.finalizers: Invalid value: "a/b/c": {QNAME_SLASHES_MSG}',
        f'metadata.finalizers: Invalid value: "-x": {NAME_PART_MSG}',
    ]


def test_object_meta_trims_trailing_slash() -> None:
    """TestValidateObjectMetaTrimsTrailingSlash: a generateName may end in '-'."""
    meta = Meta(name="test", generate_name="foo-")
    assert v.validate_object_meta(meta, False, v.name_is_dns_subdomain, "field") == []


@pytest.mark.parametrize(
    ("meta", "namespaced", "expected"),
    [
        pytest.param(
            Meta(),
            False,
            ["metadata.name: Required value: name or generateName is required"],
            id="kubefold/name required",
        ),
        pytest.param(
            Meta(name="Web"),
            False,
            [f'metadata.name: Invalid value: "Web": {SUBDOMAIN_MSG}'],
            id="kubefold/name invalid",
        ),
        pytest.param(
            Meta(name="web"),
            True,
            ["metadata.namespace: Required value"],
            id="kubefold/namespace required",
        ),
        pytest.param(
            Meta(name="web", namespace="default"),
            False,
            ["metadata.namespace: Forbidden: not allowed on this type"],
            id="kubefold/namespace forbidden",
        ),
        pytest.param(
            Meta(name="web", namespace="default", labels={"app": "-bad", "a/b/c": "ok"}),
            True,
            [
                f'metadata.labels: Invalid value: "-bad": {LABEL_VALUE_MSG}',
                f'metadata.labels: Invalid value: "a/b/c": {QNAME_SLASHES_MSG}',
            ],
            id="kubefold/labels",
        ),
        pytest.param(
            Meta(name="web", namespace="default", annotations={"bad key": "v"}),
            True,
            [f'metadata.annotations: Invalid value: "bad key": {NAME_PART_MSG}'],
            id="kubefold/annotations",
        ),
    ],
)
def test_object_meta_fields(meta: Meta, namespaced: bool, expected: list[str]) -> None:
    assert _strs(v.validate_object_meta(meta, namespaced, v.name_is_dns_subdomain)) == expected


def test_object_meta_error_order() -> None:
    """Go's order: generateName, name, namespace, labels, annotations, owners, finalizers."""
    meta = Meta(
        name="",
        generate_name="Bad-",
        namespace="default",
        labels={"x": "-"},
        annotations={"-": ""},
        finalizers=("-",),
        owner_references=(Ref("v1", "Pod", "", "u"),),
    )
    errs = v.validate_object_meta(meta, False, v.name_is_dns_subdomain)
    assert [(e.type, e.field) for e in errs] == [
        (INVALID, "metadata.generateName"),
        (REQUIRED, "metadata.name"),
        (FORBIDDEN, "metadata.namespace"),
        (INVALID, "metadata.labels"),
        (INVALID, "metadata.annotations"),
        (INVALID, "metadata.ownerReferences.name"),
        (INVALID, "metadata.finalizers"),
    ]


def test_object_meta_negative_generation() -> None:
    """ValidateNonnegativeField on metadata.generation, when the metadata carries one."""

    @attrs.frozen
    class MetaWithGeneration(Meta):
        generation: int = 0

    meta = MetaWithGeneration(name="web", generation=-1)
    assert _strs(v.validate_object_meta(meta, False, v.name_is_dns_subdomain)) == [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
    ]
