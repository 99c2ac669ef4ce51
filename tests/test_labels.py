"""Tests for kubefold.core.labels: ports of apimachinery v0.34 pkg/labels/selector_test.go,
pkg/labels/labels_test.go and the LabelSelector cases of pkg/apis/meta/v1/helpers_test.go,
plus Hypothesis properties of the string form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubefold.core.labels import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EVERYTHING,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    NOTHING,
    Requirement,
    Selector,
    Token,
    conflicts,
    convert_selector_to_labels_map,
    format_label_selector,
    format_labels,
    label_selector_as_map,
    label_selector_as_selector,
    labels_string,
    matches_nothing,
    merge,
    new_requirement,
    parse_selector,
    selector_from_set,
    tokenize,
    validated_selector_from_set,
)

T = Token
QNAME_RE = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
QNAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    f"validation is '{QNAME_RE}')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    f"'my_value',  or '12345', regex used for validation is '({QNAME_RE})?')"
)
BINARY = "in, notin, =, ==, !=, gt, lt"


def req(key: str, op: str, *values: str) -> Requirement:
    """getRequirement: a checked requirement; values sorted as sets.String.List() gives them."""
    return new_requirement(key, op, sorted(set(values)))


# --- selector_test.go ----------------------------------------------------------------------

GOOD = ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]


@pytest.mark.parametrize("text", GOOD, ids=[f"TestSelectorParse/good/{s!r}" for s in GOOD])
def test_selector_parse_good(text: str) -> None:
    assert str(parse_selector(text)) == text.replace(" ", "")


BAD = ["x=a||y=b", "x==a==b", "!x=a", "x<a"]


@pytest.mark.parametrize("text", BAD, ids=[f"TestSelectorParse/bad/{s}" for s in BAD])
def test_selector_parse_bad(text: str) -> None:
    with pytest.raises(ValueError):
        parse_selector(text)


def test_deterministic_parse() -> None:
    """TestDeterministicParse."""
    assert str(parse_selector("x=a,a=x")) == str(parse_selector("a=x,x=a")) == "a=x,x=a"


def test_everything() -> None:
    """TestEverything, TestNilMapIsValid, TestSetIsEmpty."""
    assert EVERYTHING.matches({"x": "y"})
    assert EVERYTHING.empty()
    assert selector_from_set({}).empty()
    assert selector_from_set({}) == EVERYTHING
    assert parse_selector("") == EVERYTHING


LABELSET = {"foo": "bar", "baz": "blah"}
SELECTOR_MATCHES = [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", LABELSET, True),
    ("baz=blah", LABELSET, True),
    ("foo=bar,baz=blah", LABELSET, True),
    ("foo=blah", LABELSET, False),
    ("baz=bar", LABELSET, False),
    ("foo=bar,foobar=bar,baz=blah", LABELSET, False),
]


@pytest.mark.parametrize(
    ("text", "labels", "want"),
    SELECTOR_MATCHES,
    ids=[f"TestSelectorMatches/{s!r}-{sorted(ls.items())}" for s, ls, _ in SELECTOR_MATCHES],
)
def test_selector_matches(text: str, labels: dict[str, str], want: bool) -> None:
    assert parse_selector(text).matches(labels) is want


SET_MATCHES = [{}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}]


@pytest.mark.parametrize("selector", SET_MATCHES,
                         ids=[f"TestSetMatches/{sorted(s.items())}" for s in SET_MATCHES])
def test_set_matches(selector: dict[str, str]) -> None:
    assert selector_from_set(selector).matches(LABELSET)


LEXER = [
    ("", T.END_OF_STRING), (",", T.COMMA), ("notin", T.NOT_IN), ("in", T.IN),
    ("=", T.EQUALS), ("==", T.DOUBLE_EQUALS), (">", T.GREATER_THAN), ("<", T.LESS_THAN),
    ("!", T.DOES_NOT_EXIST), ("!=", T.NOT_EQUALS), ("(", T.OPEN_PAR), (")", T.CLOSED_PAR),
    ("~", T.IDENTIFIER), ("||", T.IDENTIFIER),
]


@pytest.mark.parametrize(("text", "token"), LEXER, ids=[f"TestLexer/{s!r}" for s, _ in LEXER])
def test_lexer(text: str, token: Token) -> None:
    assert tokenize(text)[0] == (token, text)


LEXER_SEQUENCE = [
    ("key in ( value )", [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key notin ( value )", [T.IDENTIFIER, T.NOT_IN, T.OPEN_PAR, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key in ( value1, value2 )",
     [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.IDENTIFIER, T.COMMA, T.IDENTIFIER, T.CLOSED_PAR]),
    ("key", [T.IDENTIFIER]),
    ("!key", [T.DOES_NOT_EXIST, T.IDENTIFIER]),
    ("()", [T.OPEN_PAR, T.CLOSED_PAR]),
    ("x in (),y", [T.IDENTIFIER, T.IN, T.OPEN_PAR, T.CLOSED_PAR, T.COMMA, T.IDENTIFIER]),
    ("== != (), = notin",
     [T.DOUBLE_EQUALS, T.NOT_EQUALS, T.OPEN_PAR, T.CLOSED_PAR, T.COMMA, T.EQUALS, T.NOT_IN]),
    ("key>2", [T.IDENTIFIER, T.GREATER_THAN, T.IDENTIFIER]),
    ("key<1", [T.IDENTIFIER, T.LESS_THAN, T.IDENTIFIER]),
]


@pytest.mark.parametrize(("text", "tokens"), LEXER_SEQUENCE,
                         ids=[f"TestLexerSequence/{s}" for s, _ in LEXER_SEQUENCE])
def test_lexer_sequence(text: str, tokens: list[Token]) -> None:
    """TestLexerSequence, and TestParserLookahead (the scan ends with END_OF_STRING)."""
    scanned = tokenize(text)
    assert [t for t, _ in scanned] == [*tokens, T.END_OF_STRING]


def test_lexer_literals() -> None:
    """Literals of TestLexerSequence's longest case; whitespace separates, NUL ends a token."""
    assert tokenize("== != (), = notin") == (
        (T.DOUBLE_EQUALS, "=="), (T.NOT_EQUALS, "!="), (T.OPEN_PAR, "("),
        (T.CLOSED_PAR, ")"), (T.COMMA, ","), (T.EQUALS, "="), (T.NOT_IN, "notin"),
        (T.END_OF_STRING, ""),
    )
    assert tokenize("!==<=") == (
        (T.NOT_EQUALS, "!="), (T.EQUALS, "="), (T.LESS_THAN, "<"), (T.EQUALS, "="),
        (T.END_OF_STRING, ""),
    )
    # Go's read() returns byte 0 at the end: a NUL where a token starts ends the string,
    # a NUL inside a token ends just that token.
    assert parse_selector("x=y \0junk") == parse_selector("x=y")
    with pytest.raises(ValueError, match="^found 'junk', expected: ',' or 'end of string'$"):
        parse_selector("x=y\0junk")


PARSE_OPERATOR = [
    ("in", "x in (a)", None), ("=", "x=a", None), ("==", "x==a", None), (">", "x>1", None),
    ("<", "x<1", None), ("notin", "x notin (a)", None), ("!=", "x!=a", None),
    ("!", "x ! a", f"found '!', expected: {BINARY}"),
    ("exists", "x exists a", f"found 'exists', expected: {BINARY}"),
    ("(", "x ( a", f"found '(', expected: {BINARY}"),
]


@pytest.mark.parametrize(("token", "text", "error"), PARSE_OPERATOR,
                         ids=[f"TestParseOperator/{t}" for t, _, _ in PARSE_OPERATOR])
def test_parse_operator(token: str, text: str, error: str | None) -> None:
    if error is None:
        assert parse_selector(text).requirements[0].operator == {
            "in": IN, "=": EQUALS, "==": DOUBLE_EQUALS, ">": GREATER_THAN, "<": LESS_THAN,
            "notin": NOT_IN, "!=": NOT_EQUALS}[token]
    else:
        with pytest.raises(ValueError) as exc:
            parse_selector(text)
        assert str(exc.value) == f"unable to parse requirement: {error}"


A254 = "a" * 254
TOO_LONG = "axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui"
SUPPORTED = '"in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"'
REQUIREMENT_CONSTRUCTOR: list[tuple[str, str, list[str], str | None]] = [
    ("x1", IN, [],
     "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
    ("x2", NOT_IN, [],
     "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
    ("x3", IN, ["foo"], None),
    ("x4", NOT_IN, ["foo"], None),
    ("x5", EQUALS, ["bar", "foo"],
     'values: Invalid value: ["bar","foo"]: exact-match compatibility requires one single value'),
    ("x6", EXISTS, [], None),
    ("x7", DOES_NOT_EXIST, [], None),
    ("x8", EXISTS, ["foo"],
     'values: Invalid value: ["foo"]: values set must be empty for exists and does not exist'),
    ("x9", IN, ["bar"], None),
    ("x10", IN, ["bar"], None),
    ("x11", GREATER_THAN, ["1"], None),
    ("x12", LESS_THAN, ["6"], None),
    ("x13", GREATER_THAN, [],
     "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required"),
    ("x14", GREATER_THAN, ["bar"],
     'values[0]: Invalid value: "bar": for \'Gt\', \'Lt\' operators, the value must be an integer'),
    ("x15", LESS_THAN, ["bar"],
     'values[0]: Invalid value: "bar": for \'Gt\', \'Lt\' operators, the value must be an integer'),
    (A254, EXISTS, [],
     f'key: Invalid value: "{A254}": name part must be no more than 63 characters'),
    ("x16", EQUALS, [A254],
     f'values[0][x16]: Invalid value: "{A254}": must be no more than 63 characters'),
    ("x17", EQUALS, ["a b"], f'values[0][x17]: Invalid value: "a b": {LABEL_VALUE_MSG}'),
    ("x18", "unsupportedOp", [],
     f'operator: Unsupported value: "unsupportedOp": supported values: {SUPPORTED}'),
    # Beyond the Go table: the legacy cases of older releases, and aggregation of several errors.
    ("1foo", IN, ["bar"], None),
    ("1234", IN, ["bar"], None),
    ("a/b/c", IN, ["x y", "1"],
     f"[key: Invalid value: \"a/b/c\": a qualified name {QNAME_MSG} with an optional DNS "
     "subdomain prefix and '/' (e.g. 'example.com/MyName'), "
     f'values[0][a/b/c]: Invalid value: "x y": {LABEL_VALUE_MSG}]'),
]


@pytest.mark.parametrize(
    ("key", "op", "values", "error"),
    REQUIREMENT_CONSTRUCTOR,
    ids=[f"TestRequirementConstructor/{k[:8]}-{o}" for k, o, _, _ in REQUIREMENT_CONSTRUCTOR],
)
def test_requirement_constructor(key: str, op: str, values: list[str], error: str | None) -> None:
    if error is None:
        assert new_requirement(key, op, values) == Requirement(key, op, tuple(values))
    else:
        with pytest.raises(ValueError) as exc:
            new_requirement(key, op, values)
        assert str(exc.value) == error


def test_requirement_constructor_nil_values() -> None:
    """A nil values slice (LabelSelectorAsSelector's empty Values) prints as null."""
    with pytest.raises(ValueError, match=r"^values: Invalid value: null: for 'in', 'notin'"):
        new_requirement("x", IN, None)


def test_requirement_constructor_path() -> None:
    """field.WithPath prefixes every field."""
    with pytest.raises(ValueError) as exc:
        new_requirement("", EXISTS, [], path="spec.selector")
    assert str(exc.value) == (
        'spec.selector.key: Invalid value: "": name part must be non-empty; '
        f"name part {QNAME_MSG}"
    )


TO_STRING = [
    ([req("x", IN, "abc", "def"), req("y", NOT_IN, "jkl"), req("z", EXISTS)],
     "x in (abc,def),y notin (jkl),z"),
    ([req("x", NOT_IN, "abc", "def"), req("y", NOT_EQUALS, "jkl"), req("z", DOES_NOT_EXIST)],
     "x notin (abc,def),y!=jkl,!z"),
    ([req("x", NOT_IN, "abc"), req("y", IN, "jkl", "mno"), req("z", NOT_IN, "")],
     "x notin (abc),y in (jkl,mno),z notin ()"),
    ([req("x", EQUALS, "abc"), req("y", DOUBLE_EQUALS, "jkl"), req("z", NOT_EQUALS, "a"),
      req("z", EXISTS)], "x=abc,y==jkl,z!=a,z"),
    ([req("x", GREATER_THAN, "2"), req("y", LESS_THAN, "8"), req("z", EXISTS)], "x>2,y<8,z"),
]


@pytest.mark.parametrize(("requirements", "out"), TO_STRING,
                         ids=[f"TestToString/{out}" for _, out in TO_STRING])
def test_to_string(requirements: list[Requirement], out: str) -> None:
    assert str(Selector(tuple(requirements))) == out


def test_to_string_zero_requirement() -> None:
    """TestToString's invalid case: the zero Requirement prints as the empty string (our
    Selector sorts it first, so only the requirement itself is compared)."""
    assert str(Requirement("", "")) == ""
    assert str(Selector((req("x", IN, "abc", "def"), Requirement("", "")))) == ",x in (abc,def)"


REQUIREMENT_MATCHING = [
    ({"x": "foo", "y": "baz"}, [Requirement("", "")], False),
    ({"x": "foo", "y": "baz"}, [req("x", IN, "foo"), req("y", NOT_IN, "alpha")], True),
    ({"x": "foo", "y": "baz"}, [req("x", IN, "foo"), req("y", IN, "alpha")], False),
    ({"y": ""}, [req("x", NOT_IN, ""), req("y", EXISTS)], True),
    ({"y": ""}, [req("x", DOES_NOT_EXIST), req("y", EXISTS)], True),
    ({"y": ""}, [req("x", NOT_IN, ""), req("y", DOES_NOT_EXIST)], False),
    ({"y": "baz"}, [req("x", IN, "")], False),
    ({"z": "2"}, [req("z", GREATER_THAN, "1")], True),
    ({"z": "v2"}, [req("z", GREATER_THAN, "1")], False),
]


@pytest.mark.parametrize(
    ("labels", "requirements", "want"),
    REQUIREMENT_MATCHING,
    ids=[f"TestRequirementSelectorMatching/{i}" for i in range(len(REQUIREMENT_MATCHING))],
)
def test_requirement_selector_matching(
    labels: dict[str, str], requirements: list[Requirement], want: bool
) -> None:
    assert Selector(tuple(requirements)).matches(labels) is want


SET_SELECTOR_PARSER: list[tuple[str, list[Requirement] | None, bool]] = [
    ("", [], True),
    ("\rx", [req("x", EXISTS)], True),
    ("this-is-a-dns.domain.com/key-with-dash",
     [req("this-is-a-dns.domain.com/key-with-dash", EXISTS)], True),
    ("this-is-another-dns.domain.com/key-with-dash in (so,what)",
     [req("this-is-another-dns.domain.com/key-with-dash", IN, "so", "what")], True),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
     [req("0.1.2.domain/99", NOT_IN, "10.10.100.1", "tick.tack.clock")], True),
    ("foo  in\t (abc)", [req("foo", IN, "abc")], True),
    ("x notin\n (abc)", [req("x", NOT_IN, "abc")], True),
    ("x  notin\t\t\t(abc,def)", [req("x", NOT_IN, "abc", "def")], True),
    ("x in (abc,def)", [req("x", IN, "abc", "def")], True),
    ("x in (abc,)", [req("x", IN, "abc", "")], True),
    ("x in ()", [req("x", IN, "")], True),
    ("x notin (abc,,def),bar,z in (),w",
     [req("bar", EXISTS), req("w", EXISTS), req("x", NOT_IN, "abc", "", "def"),
      req("z", IN, "")], True),
    ("x,y in (a)", None, True),
    ("x=a", [req("x", EQUALS, "a")], True),
    ("x>1", [req("x", GREATER_THAN, "1")], True),
    ("x<7", [req("x", LESS_THAN, "7")], True),
    ("x=a,y!=b", [req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b")], True),
    ("x=a,y!=b,z in (h,i,j)",
     [req("x", EQUALS, "a"), req("y", NOT_EQUALS, "b"), req("z", IN, "h", "i", "j")], True),
    ("x=a||y=b", None, False),
    ("x,,y", None, False),
    (",x,y", None, False),
    ("x nott in (y)", None, False),
    ("x notin ( )", [req("x", NOT_IN, "")], True),
    ("x notin (, a)", [req("x", NOT_IN, "", "a")], True),
    ("a in (xyz),", None, False),
    ("a in (xyz)b notin ()", None, False),
    ("a ", [req("a", EXISTS)], True),
    ("a in (x,y,notin, z,in)", [req("a", IN, "in", "notin", "x", "y", "z")], True),
    ("a in (xyz abc)", None, False),
    ("a notin(", None, False),
    ("a (", None, False),
    ("(", None, False),
]


@pytest.mark.parametrize(("text", "want", "valid"), SET_SELECTOR_PARSER,
                         ids=[f"TestSetSelectorParser/{s!r}" for s, _, _ in SET_SELECTOR_PARSER])
def test_set_selector_parser(text: str, want: list[Requirement] | None, valid: bool) -> None:
    if not valid:
        with pytest.raises(ValueError):
            parse_selector(text)
        return
    got = parse_selector(text)
    if want is not None:
        assert got == Selector(tuple(want))


PARSE_ERRORS = [
    ("x=a||y=b", f'unable to parse requirement: values[0][x]: Invalid value: "a||y": '
                 f"{LABEL_VALUE_MSG}"),
    ("x==a==b", "found '==', expected: ',' or 'end of string'"),
    ("!x=a", "found '=', expected: ',' or 'end of string'"),
    ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' "
            "operators, the value must be an integer"),
    ("x,,y", "found ',', expected: identifier after ','"),
    (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
    ("x nott in (y)", f"unable to parse requirement: found 'nott', expected: {BINARY}"),
    ("a in (xyz),", "found '', expected: identifier after ','"),
    ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
    ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
    ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("a (", f"unable to parse requirement: found '(', expected: {BINARY}"),
    ("(", "found '(', expected: !, identifier, or 'end of string'"),
    ("x in y", "unable to parse requirement: found 'y' expected: '('"),
    ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
    ("x=(", "unable to parse requirement: found '(', expected: identifier"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("a/b/c", f"unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name "
              f"{QNAME_MSG} with an optional DNS subdomain prefix and '/' "
              "(e.g. 'example.com/MyName')"),
    ("x in (a$)", f'unable to parse requirement: values[0][x]: Invalid value: "a$": '
                  f"{LABEL_VALUE_MSG}"),
    # v1.34 consumes one comma too many after ",," (fixed for v1.35 by Kubernetes commit d4f8beb,
    # "Fix label selector parsing for consecutive commas"); kubefold keeps v1.34's behaviour.
    ("x in (a,,)", "unable to parse requirement: found ')', expected: ',', or identifier"),
    ("x in (,,)", "unable to parse requirement: found ')', expected: ',', or identifier"),
]


@pytest.mark.parametrize(("text", "error"), PARSE_ERRORS,
                         ids=[f"TestSetSelectorParser/error/{s!r}" for s, _ in PARSE_ERRORS])
def test_parse_error_messages(text: str, error: str) -> None:
    """The invalid TestSetSelectorParser inputs, with the messages Go's parser gives."""
    with pytest.raises(ValueError) as exc:
        parse_selector(text)
    assert str(exc.value) == error


ADD = [
    ("keyInOperator", Selector(()), req("key", IN, "value"),
     Selector((Requirement("key", IN, ("value",)),))),
    ("keyEqualsOperator", Selector((Requirement("key", IN, ("value",)),)),
     req("key2", EQUALS, "value2"),
     Selector((Requirement("key", IN, ("value",)), Requirement("key2", EQUALS, ("value2",))))),
]


@pytest.mark.parametrize(("name", "sel", "added", "want"), ADD,
                         ids=[f"TestAdd/{n}" for n, _, _, _ in ADD])
def test_add(name: str, sel: Selector, added: Requirement, want: Selector) -> None:
    assert sel.add(added) == want


def test_add_sorts_by_key() -> None:
    """Add sorts the requirements by key."""
    sel = Selector((Requirement("b", EXISTS),)).add(Requirement("a", EXISTS))
    assert [r.key for r in sel.requirements] == ["a", "b"]
    assert NOTHING.add(Requirement("a", EXISTS)) is NOTHING


SAFE_SORT = [
    ("ordered strings", ("bar", "foo"), "k in (bar,foo)"),
    ("unordered strings", ("foo", "bar"), "k in (bar,foo)"),
    ("duplicated strings", ("foo", "bar", "foo", "bar"), "k in (bar,bar,foo,foo)"),
]


@pytest.mark.parametrize(("name", "values", "out"), SAFE_SORT,
                         ids=[f"TestSafeSort/{n}" for n, _, _ in SAFE_SORT])
def test_safe_sort(name: str, values: tuple[str, ...], out: str) -> None:
    """String() sorts the values it prints and leaves the requirement's own values alone."""
    r = Requirement("k", IN, values)
    assert str(r) == out
    assert r.values == values


SET_SELECTOR_STRING = [({}, ""), ({"app": "foo"}, "app=foo"),
                       ({"app": "foo", "a": "b"}, "a=b,app=foo")]


@pytest.mark.parametrize(("labels", "out"), SET_SELECTOR_STRING,
                         ids=[f"TestSetSelectorString/{o}" for _, o in SET_SELECTOR_STRING])
def test_set_selector_string(labels: dict[str, str], out: str) -> None:
    assert str(selector_from_set(labels)) == out
    assert labels_string(labels) == out


REQUIRES_EXACT_MATCH = [
    ("keyInOperatorExactMatch", [Requirement("key", IN, ("value",))], "key", "value"),
    ("keyInOperatorNotExactMatch", [Requirement("key", IN, ("value", "value2"))], "key", None),
    ("keyInOperatorNotExactMatch2",
     [Requirement("key", IN, ("value", "value1")), Requirement("key2", IN, ("value2",))],
     "key2", "value2"),
    ("keyEqualOperatorExactMatch", [Requirement("key", EQUALS, ("value",))], "key", "value"),
    ("keyDoubleEqualOperatorExactMatch", [Requirement("key", DOUBLE_EQUALS, ("value",))],
     "key", "value"),
    ("keyNotEqualOperatorExactMatch", [Requirement("key", NOT_EQUALS, ("value",))], "key", None),
    ("keyEqualOperatorExactMatchFirst",
     [Requirement("key", IN, ("value",)), Requirement("key2", IN, ("value2",))], "key", "value"),
]


@pytest.mark.parametrize(("name", "requirements", "label", "want"), REQUIRES_EXACT_MATCH,
                         ids=[f"TestRequiresExactMatch/{n}" for n, _, _, _ in REQUIRES_EXACT_MATCH])
def test_requires_exact_match(
    name: str, requirements: list[Requirement], label: str, want: str | None
) -> None:
    assert Selector(tuple(requirements)).requires_exact_match(label) == want
    assert NOTHING.requires_exact_match(label) is None


def test_validated_selector_from_set() -> None:
    """TestValidatedSelectorFromSet."""
    assert validated_selector_from_set({"key": "val"}) == Selector(
        (Requirement("key", EQUALS, ("val",)),))
    with pytest.raises(ValueError) as exc:
        validated_selector_from_set({"Key": TOO_LONG})
    assert str(exc.value) == (
        f'values[0][Key]: Invalid value: "{TOO_LONG}": must be no more than 63 characters')
    # SelectorFromSet does not validate.
    assert selector_from_set({"Key": TOO_LONG}).matches({"Key": TOO_LONG})


REQUIREMENT_EQUAL = [
    ("same requirements should be equal",
     Requirement("key", EQUALS, ("foo", "bar")), Requirement("key", EQUALS, ("foo", "bar")), True),
    ("requirements with different keys should not be equal",
     Requirement("key1", EQUALS, ("foo", "bar")), Requirement("key2", EQUALS, ("foo", "bar")),
     False),
    ("requirements with different operators should not be equal",
     Requirement("key", EQUALS, ("foo", "bar")), Requirement("key", IN, ("foo", "bar")), False),
    ("requirements with different values should not be equal",
     Requirement("key", EQUALS, ("foo", "bar")), Requirement("key", EQUALS, ("foobar",)), False),
]


@pytest.mark.parametrize(("name", "x", "y", "want"), REQUIREMENT_EQUAL,
                         ids=[f"TestRequirementEqual/{n}" for n, _, _, _ in REQUIREMENT_EQUAL])
def test_requirement_equal(name: str, x: Requirement, y: Requirement, want: bool) -> None:
    assert (x == y) is want


MATCHES_NOTHING_SELECTORS = ["", "a", "!a", "a=b", "a!=b", "a in (b)", "a notin (b)", "a,!a",
                             "a=b,a!=b", "a in (b),a notin (b)"]


@pytest.mark.parametrize("text", MATCHES_NOTHING_SELECTORS,
                         ids=[f"TestMatchesNothing/{s!r}" for s in MATCHES_NOTHING_SELECTORS])
def test_matches_nothing(text: str) -> None:
    assert not matches_nothing(parse_selector(text))


def test_matches_nothing_constants() -> None:
    """TestMatchesNothing's Nothing/Everything/set cases, and Nothing's behaviour."""
    assert matches_nothing(NOTHING)
    assert not matches_nothing(EVERYTHING)
    assert not matches_nothing(selector_from_set({}))
    assert not matches_nothing(selector_from_set({"key": "value"}))
    assert not NOTHING.matches({}) and not NOTHING.matches({"x": "y"})
    assert not NOTHING.empty()
    assert str(NOTHING) == ""
    assert NOTHING != EVERYTHING


# --- labels_test.go ------------------------------------------------------------------------

SET_STRING = [({"x": "y"}, "x=y"), ({"foo": "bar"}, "foo=bar"),
              ({"foo": "bar", "baz": "qup"}, "baz=qup,foo=bar")]


@pytest.mark.parametrize(("labels", "out"), SET_STRING,
                         ids=[f"TestSetString/{o}" for _, o in SET_STRING])
def test_set_string(labels: dict[str, str], out: str) -> None:
    assert labels_string(labels) == out
    assert format_labels(labels) == out


def test_format_labels_empty() -> None:
    """FormatLabels prints an empty set as <none>."""
    assert format_labels({}) == "<none>"


LABEL_CONFLICT = [
    ({}, {}, False),
    ({"env": "test"}, {"infra": "true"}, False),
    ({"env": "test"}, {"infra": "true", "env": "test"}, False),
    ({"env": "test"}, {"env": "dev"}, True),
    ({"env": "test", "infra": "false"}, {"infra": "true", "color": "blue"}, True),
]


@pytest.mark.parametrize(("a", "b", "want"), LABEL_CONFLICT,
                         ids=[f"TestLabelConflict/{i}" for i in range(len(LABEL_CONFLICT))])
def test_label_conflict(a: dict[str, str], b: dict[str, str], want: bool) -> None:
    assert conflicts(a, b) is want
    assert conflicts(b, a) is want


LABEL_MERGE = [
    ({}, {}, {}),
    ({"infra": "true"}, {}, {"infra": "true"}),
    ({"infra": "true"}, {"env": "test", "color": "blue"},
     {"infra": "true", "env": "test", "color": "blue"}),
    ({"infra": "true"}, {"infra": "false"}, {"infra": "false"}),
]


@pytest.mark.parametrize(("a", "b", "want"), LABEL_MERGE,
                         ids=[f"TestLabelMerge/{i}" for i in range(len(LABEL_MERGE))])
def test_label_merge(a: dict[str, str], b: dict[str, str], want: dict[str, str]) -> None:
    assert dict(merge(a, b)) == want


LABEL_SELECTOR_PARSE: list[tuple[str, dict[str, str] | None]] = [
    ("", {}),
    ("x=a", {"x": "a"}),
    ("x=a,y=b,z=c", {"x": "a", "y": "b", "z": "c"}),
    (" x = a , y = b , z = c ", {"x": "a", "y": "b", "z": "c"}),
    ("color=green,env=test,service=front", {"color": "green", "env": "test", "service": "front"}),
    ("color=green, env=test, service=front",
     {"color": "green", "env": "test", "service": "front"}),
    (",", None), ("x", None), ("x,y", None), ("x=$y", None), ("x!=y", None), ("x==y", None),
    ("x=a||y=b", None), ("x in (y)", None), ("x notin (y)", None), ("x y", None),
]


@pytest.mark.parametrize(("text", "want"), LABEL_SELECTOR_PARSE,
                         ids=[f"TestLabelSelectorParse/{s!r}" for s, _ in LABEL_SELECTOR_PARSE])
def test_convert_selector_to_labels_map(text: str, want: dict[str, str] | None) -> None:
    if want is None:
        with pytest.raises(ValueError):
            convert_selector_to_labels_map(text)
    else:
        assert dict(convert_selector_to_labels_map(text)) == want


CONVERT_ERRORS = [
    ("x", "invalid selector: [x]"),
    ("x==y", "invalid selector: [x  y]"),
    ("x=$y", f'[x]: Invalid value: "$y": {LABEL_VALUE_MSG}'),
    ("x!=y", f'<nil>: Invalid value: "x!": name part {QNAME_MSG}'),
]


@pytest.mark.parametrize(("text", "error"), CONVERT_ERRORS,
                         ids=[f"TestLabelSelectorParse/error/{s}" for s, _ in CONVERT_ERRORS])
def test_convert_selector_to_labels_map_errors(text: str, error: str) -> None:
    with pytest.raises(ValueError) as exc:
        convert_selector_to_labels_map(text)
    assert str(exc.value) == error


# --- meta/v1 helpers_test.go ---------------------------------------------------------------


@attrs.frozen
class Expr:
    """Stand-in for metav1.LabelSelectorRequirement."""

    key: str
    operator: str
    values: tuple[str, ...] = ()


@attrs.frozen
class LabelSelector:
    """Stand-in for metav1.LabelSelector."""

    match_labels: Mapping[str, str] = attrs.field(factory=dict)
    match_expressions: tuple[Expr, ...] = ()


MATCH_LABELS = {"foo": "bar"}
MATCH_EXPRESSIONS = (Expr("baz", "In", ("qux", "norf")),)
AS_SELECTOR: list[tuple[str, LabelSelector | None, str | None, str | None]] = [
    ("nil", None, "", None),
    ("empty", LabelSelector(), "", None),
    ("matchLabels", LabelSelector(match_labels=MATCH_LABELS), "foo=bar", None),
    ("matchExpressions", LabelSelector(match_expressions=MATCH_EXPRESSIONS),
     "baz in (norf,qux)", None),
    ("both", LabelSelector(MATCH_LABELS, MATCH_EXPRESSIONS), "baz in (norf,qux),foo=bar", None),
    ("existsWithValues", LabelSelector(match_expressions=(Expr("baz", "Exists", ("qux", "norf")),)),
     None,
     'values: Invalid value: ["qux","norf"]: values set must be empty for exists and does not '
     "exist"),
    # Beyond the Go table: Go's messages for a bad operator and for In without values.
    ("badOperator", LabelSelector(match_expressions=(Expr("baz", "Equals", ("a",)),)), None,
     '"Equals" is not a valid label selector operator'),
    ("inWithoutValues", LabelSelector(match_expressions=(Expr("baz", "In"),)), None,
     "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
    ("badKey", LabelSelector(match_labels={"-a": "b"}), None,
     f'key: Invalid value: "-a": name part {QNAME_MSG}'),
    ("allOperators", LabelSelector({"a": "b"}, (Expr("c", "NotIn", ("d",)), Expr("e", "Exists"),
                                               Expr("f", "DoesNotExist"))),
     "a=b,c notin (d),e,!f", None),
]


@pytest.mark.parametrize(("name", "ls", "out", "error"), AS_SELECTOR,
                         ids=[f"TestLabelSelectorAsSelector/{n}" for n, _, _, _ in AS_SELECTOR])
def test_label_selector_as_selector(
    name: str, ls: LabelSelector | None, out: str | None, error: str | None
) -> None:
    if error is not None:
        with pytest.raises(ValueError) as exc:
            label_selector_as_selector(ls)
        assert str(exc.value) == error
        assert format_label_selector(ls) == "<error>"
        return
    assert str(label_selector_as_selector(ls)) == out
    assert format_label_selector(ls) == (out or "<none>")


def test_label_selector_as_selector_nil_and_empty() -> None:
    """nil selects nothing; an empty selector selects everything."""
    assert label_selector_as_selector(None) is NOTHING
    assert label_selector_as_selector(LabelSelector()) == EVERYTHING
    assert label_selector_as_selector(LabelSelector()).matches({"x": "y"})
    assert not label_selector_as_selector(None).matches({})


def _baz(operator: str, values: tuple[str, ...]) -> tuple[Expr, ...]:
    return (Expr("baz", operator, values),)


AS_MAP: list[tuple[LabelSelector | None, dict[str, str] | None, str]] = [
    (None, None, ""),
    (LabelSelector(match_labels=MATCH_LABELS), {"foo": "bar"}, ""),
    (LabelSelector(MATCH_LABELS, _baz("In", ("norf",))), {"foo": "bar", "baz": "norf"}, ""),
    (LabelSelector(match_expressions=_baz("In", ("norf",))), {"baz": "norf"}, ""),
    (LabelSelector(MATCH_LABELS, _baz("In", ("norf", "qux"))), None,
     'operator "In" without a single value cannot be converted into the old label selector '
     "format"),
    (LabelSelector(match_expressions=_baz("NotIn", ("norf", "qux"))), None,
     'operator "NotIn" cannot be converted into the old label selector format'),
    (LabelSelector(MATCH_LABELS, _baz("Exists", ())), None,
     'operator "Exists" cannot be converted into the old label selector format'),
    (LabelSelector(match_expressions=_baz("DoesNotExist", ())), None,
     'operator "DoesNotExist" cannot be converted into the old label selector format'),
    (LabelSelector(match_expressions=_baz("Bogus", ())), None,
     '"Bogus" is not a valid selector operator'),
]


@pytest.mark.parametrize(("ls", "out", "error"), AS_MAP,
                         ids=[f"TestLabelSelectorAsMap/{i}" for i in range(len(AS_MAP))])
def test_label_selector_as_map(
    ls: LabelSelector | None, out: dict[str, str] | None, error: str
) -> None:
    if error:
        with pytest.raises(ValueError) as exc:
            label_selector_as_map(ls)
        assert str(exc.value) == error
        return
    got = label_selector_as_map(ls)
    assert (None if got is None else dict(got)) == out


# --- properties ----------------------------------------------------------------------------

_NAME = st.from_regex(r"[a-z0-9]([-a-z0-9_.]{0,6}[a-z0-9])?", fullmatch=True)
_KEYS = st.one_of(
    _NAME,
    st.sampled_from(["in", "notin", "x", "app.kubernetes.io/name", "example.com/tier"]),
    st.builds(lambda p, n: f"{p}/{n}", st.sampled_from(["k8s.io", "a.b-c"]), _NAME),
)
_VALUES = st.one_of(st.just(""), _NAME, st.sampled_from(["in", "notin", "x", "1", "42"]))
_INTS = st.integers(0, 2**63 - 1).map(str)


@st.composite
def _requirements(draw: Any) -> Requirement:
    key = draw(_KEYS)
    op = draw(st.sampled_from([IN, NOT_IN, EXISTS, DOES_NOT_EXIST, EQUALS, DOUBLE_EQUALS,
                               NOT_EQUALS, GREATER_THAN, LESS_THAN]))
    if op in (EXISTS, DOES_NOT_EXIST):
        values: list[str] = []
    elif op in (GREATER_THAN, LESS_THAN):
        values = [draw(_INTS)]
    elif op in (IN, NOT_IN):
        # Unique values: v1.34 cannot re-parse its own "x in (,,)" (see PARSE_ERRORS).
        values = draw(st.lists(_VALUES, min_size=1, max_size=4, unique=True))
    else:
        values = [draw(_VALUES)]
    return new_requirement(key, op, values)


_LABEL_SETS = st.dictionaries(_KEYS, st.one_of(_VALUES, _INTS), max_size=6)


@given(st.lists(_requirements(), max_size=6), st.lists(_LABEL_SETS, min_size=1, max_size=8))
def test_string_form_round_trips(
    requirements: list[Requirement], label_sets: list[dict[str, str]]
) -> None:
    """parse_selector(str(s)) selects exactly the label sets `s` selects."""
    selector = Selector(tuple(requirements))
    reparsed = parse_selector(str(selector))
    for labels in [*label_sets, *({r.key: v} for r in requirements for v in r.values)]:
        assert reparsed.matches(labels) == selector.matches(labels)
    assert str(parse_selector(str(reparsed))) == str(reparsed)


_PIECES = st.sampled_from([*"ab1/.-_=!<>(), \t\n\0", "in", "notin", "a.b/c"])


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_parse_fails_only_with_value_error(text: str) -> None:
    """Any text either parses to a selector that prints and re-parses the same, or raises
    ValueError."""
    try:
        selector = parse_selector(text)
    except ValueError:
        return
    assert parse_selector(str(selector)) == selector
