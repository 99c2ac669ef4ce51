"""Label sets and label selectors, matched exactly as Kubernetes matches them.

Models: k8s.io/apimachinery v0.34 (Kubernetes v1.34): pkg/labels/selector.go (Requirement,
NewRequirement, Matches, String, internalSelector, Everything, Nothing, MatchesNothing,
RequiresExactMatch, the Lexer and Parser behind Parse, SelectorFromSet,
ValidatedSelectorFromSet, validateLabelKey, validateLabelValue); pkg/labels/labels.go
(Set.String, FormatLabels, Conflicts, Merge, ConvertSelectorToLabelsMap); pkg/selection
(the operators); pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector, LabelSelectorAsMap,
FormatLabelSelector); and the pieces of pkg/util/validation they use (IsQualifiedName,
IsDNS1123Subdomain, IsValidLabelValue, with their messages). Errors are raised as `ValueError`
carrying Go's `err.Error()` text.

Simplifies: requirements with equal keys keep their input order (Go's sort.Sort is stable only
up to 12 requirements; beyond that its pdqsort may reorder equal keys in String()). Where Go
ranges over a map and reports the first error it meets (matchLabels, SelectorFromSet), keys are
visited in sorted order, so the reported error is deterministic. LabelSelectorAsMap returns no
partial map with its error. Parse's field.PathOption is not offered (the root path is nil, as
in a plain labels.Parse call); new_requirement takes a dotted path instead.
ParseToLabelSelector, ValidatedSetSelector and DeepCopy are left out. v1.34's parser rejects
`x in (a,,)` and `x in (,,)` (an extra comma consumed; fixed in v1.35) and so does this one.

Covered by: tests/test_labels.py (ports of selector_test.go, labels_test.go and the
LabelSelector cases of meta/v1/helpers_test.go, plus Hypothesis round-trip properties).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from pyrsistent import PMap, pmap

from kubefold.core.errors import FieldError, aggregate, invalid, not_supported

# selection.Operator values.
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

UNARY_OPERATORS = (EXISTS, DOES_NOT_EXIST)
BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
VALID_REQUIREMENT_OPERATORS = BINARY_OPERATORS + UNARY_OPERATORS

# metav1.LabelSelectorOperator values and their selection.Operator.
LABEL_SELECTOR_OPERATORS: Mapping[str, str] = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
}


# --- Go renderings of bad values ----------------------------------------------------------


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v", '"': '\\"', "\\": "\\\\"}


def go_quote(s: str) -> str:
    """strconv.Quote, as `%q` prints a string."""
    out = []
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


# --- validation (util/validation) ---------------------------------------------------------

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
              "with an alphanumeric character")
_QNAME_MAX = 63
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character")
_LABEL_VALUE_MAX = 63
_DNS_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN_FMT = _DNS_LABEL_FMT + "(\\." + _DNS_LABEL_FMT + ")*"
_DNS_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                      "characters, '-' or '.', and must start and end with an alphanumeric "
                      "character")
_DNS_SUBDOMAIN_MAX = 253


def _byte_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def _matches(fmt: str, value: str) -> bool:
    return re.fullmatch(fmt, value) is not None


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    """validation.RegexError, double spaces before each "or" included."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def is_dns1123_subdomain(value: str) -> list[str]:
    """validation.IsDNS1123Subdomain."""
    errs = []
    if _byte_len(value) > _DNS_SUBDOMAIN_MAX:
        errs.append(_max_len_error(_DNS_SUBDOMAIN_MAX))
    if not _matches(_DNS_SUBDOMAIN_FMT, value):
        errs.append(_regex_error(_DNS_SUBDOMAIN_MSG, _DNS_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """validation.IsQualifiedName: an optional DNS-subdomain prefix and '/', then a name."""
    errs = []
    parts = value.split("/")
    if len(parts) > 2:
        return [
            "a qualified name "
            + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    if not name:
        errs.append("name part must be non-empty")
    elif _byte_len(name) > _QNAME_MAX:
        errs.append("name part " + _max_len_error(_QNAME_MAX))
    if not _matches(_QNAME_FMT, name):
        errs.append("name part " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name",
                                                "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """validation.IsValidLabelValue."""
    errs = []
    if _byte_len(value) > _LABEL_VALUE_MAX:
        errs.append(_max_len_error(_LABEL_VALUE_MAX))
    if not _matches(_LABEL_VALUE_FMT, value):
        errs.append(_regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value",
                                 "12345"))
    return errs


def _validate_label_key(key: str, field: str) -> FieldError | None:
    errs = is_qualified_name(key)
    return invalid(field, key, "; ".join(errs)) if errs else None


def _validate_label_value(key: str, value: str, field: str) -> FieldError | None:
    errs = is_valid_label_value(value)
    return invalid(f"{field}[{key}]", value, "; ".join(errs)) if errs else None


_INT64 = re.compile(r"[+-]?[0-9]+")


def _parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64), None where Go returns an error."""
    if not _INT64.fullmatch(s):
        return None
    n = int(s)
    return n if -(2**63) <= n < 2**63 else None


# --- Requirement ---------------------------------------------------------------------------


_ABSENT = object()


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Requirement:
    """labels.Requirement: a key, a selection operator and its values. Build checked ones with
    `new_requirement`; the bare constructor validates nothing (like Go's struct literal)."""

    key: str
    operator: str
    values: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Requirement.Matches."""
        op = self.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS):  # one lookup; an absent key matches nothing
            return labels.get(self.key, _ABSENT) in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        if op in (GREATER_THAN, LESS_THAN):
            return self._compares(labels)
        return False

    def _compares(self, labels: Mapping[str, str]) -> bool:
        if self.key not in labels or len(self.values) != 1:
            return False
        have = _parse_int64(labels[self.key])
        want = _parse_int64(self.values[0])
        if have is None or want is None:
            return False
        return have > want if self.operator == GREATER_THAN else have < want

    def __str__(self) -> str:
        """Requirement.String(): `!k`, `k`, `k=v`, `k in (a,b)`, `k>3`, ..."""
        op = self.operator
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        if op == EXISTS:
            return self.key
        values = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in (IN, NOT_IN):
            return f"{self.key} {op} ({values})"
        return self.key + _OPERATOR_SYMBOLS.get(op, "") + values


_OPERATOR_SYMBOLS = {EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", GREATER_THAN: ">",
                     LESS_THAN: "<"}


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def requirement_errors(
    key: str, operator: str, values: Sequence[str] | None, path: str = ""
) -> list[FieldError]:
    """The field errors NewRequirement aggregates; `values=None` is Go's nil slice."""
    errs: list[FieldError] = []
    key_err = _validate_label_key(key, _child(path, "key"))
    if key_err:
        errs.append(key_err)
    errs.extend(_operator_errors(operator, values, path))
    value_path = _child(path, "values")
    for i, value in enumerate(values or ()):
        value_err = _validate_label_value(key, value, f"{value_path}[{i}]")
        if value_err:
            errs.append(value_err)
    return errs


def _operator_errors(operator: str, values: Sequence[str] | None, path: str) -> list[FieldError]:
    value_path = _child(path, "values")
    n = len(values or ())
    shown = None if values is None else list(values)
    if operator in (IN, NOT_IN):
        detail = "for 'in', 'notin' operators, values set can't be empty"
        return [invalid(value_path, shown, detail)] if n == 0 else []
    if operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        detail = "exact-match compatibility requires one single value"
        return [invalid(value_path, shown, detail)] if n != 1 else []
    if operator in UNARY_OPERATORS:
        detail = "values set must be empty for exists and does not exist"
        return [invalid(value_path, shown, detail)] if n != 0 else []
    if operator in (GREATER_THAN, LESS_THAN):
        return _comparison_errors(values or (), value_path, shown)
    op_field = _child(path, "operator")
    return [not_supported(op_field, operator, VALID_REQUIREMENT_OPERATORS)]


def _comparison_errors(
    values: Sequence[str], value_path: str, shown: list[str] | None
) -> list[FieldError]:
    errs = []
    if len(values) != 1:
        errs.append(invalid(value_path, shown,
                            "for 'Gt', 'Lt' operators, exactly one value is required"))
    for i, value in enumerate(values):
        if _parse_int64(value) is None:
            errs.append(invalid(f"{value_path}[{i}]", value,
                                "for 'Gt', 'Lt' operators, the value must be an integer"))
    return errs


def new_requirement(
    key: str, operator: str, values: Sequence[str] | None = (), path: str = ""
) -> Requirement:
    """labels.NewRequirement: raises ValueError with the aggregated field errors."""
    errs = requirement_errors(key, operator, values, path)
    if errs:
        raise ValueError(aggregate(errs))
    return Requirement(key, operator, tuple(values or ()))


# --- Selector ------------------------------------------------------------------------------


def _by_key(requirements: Iterable[Requirement]) -> tuple[Requirement, ...]:
    """sort.Sort(ByKey(...)), keeping equal keys in input order."""
    return tuple(sorted(requirements, key=lambda r: r.key))


@attrs.frozen
class Selector:
    """labels.internalSelector: the AND of its requirements, always sorted by key."""

    requirements: tuple[Requirement, ...] = attrs.field(default=(), converter=_by_key)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        """Whether the selector leaves the selection space unrestricted."""
        return not self.requirements

    def add(self, *requirements: Requirement) -> Selector:
        """Selector.Add: a new selector with the requirements added, sorted by key."""
        return Selector(self.requirements + requirements)

    def requires_exact_match(self, label: str) -> str | None:
        """RequiresExactMatch: the single value the first requirement on `label` demands."""
        for r in self.requirements:
            if r.key == label:
                exact = r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1
                return r.values[0] if exact else None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


@attrs.frozen
class _NothingSelector(Selector):
    """labels.Nothing(): matches no label set; prints as the empty string."""

    def matches(self, labels: Mapping[str, str]) -> bool:
        return False

    def empty(self) -> bool:
        return False

    def add(self, *requirements: Requirement) -> Selector:
        return self

    def requires_exact_match(self, label: str) -> str | None:
        return None

    def __str__(self) -> str:
        return ""


EVERYTHING = Selector()
NOTHING: Selector = _NothingSelector()


def matches_nothing(selector: Selector) -> bool:
    """labels.MatchesNothing: true only for the NOTHING selector."""
    return isinstance(selector, _NothingSelector)


def selector_from_set(labels: Mapping[str, str]) -> Selector:
    """labels.SelectorFromSet: `k=v` for every label, unvalidated; empty -> EVERYTHING."""
    return Selector(Requirement(k, EQUALS, (v,)) for k, v in labels.items())


def validated_selector_from_set(labels: Mapping[str, str]) -> Selector:
    """labels.ValidatedSelectorFromSet: as selector_from_set, raising ValueError on a bad
    key or value."""
    return Selector(new_requirement(k, EQUALS, (v,)) for k, v in sorted(labels.items()))


# --- lexer ---------------------------------------------------------------------------------


class Token(enum.IntEnum):
    """labels.Token, numbered as in Go."""

    ERROR = 0
    END_OF_STRING = 1
    CLOSED_PAR = 2
    COMMA = 3
    DOES_NOT_EXIST = 4
    DOUBLE_EQUALS = 5
    EQUALS = 6
    GREATER_THAN = 7
    IDENTIFIER = 8
    IN = 9
    LESS_THAN = 10
    NOT_EQUALS = 11
    NOT_IN = 12
    OPEN_PAR = 13


_STRING_TO_TOKEN = {
    ")": Token.CLOSED_PAR, ",": Token.COMMA, "!": Token.DOES_NOT_EXIST,
    "==": Token.DOUBLE_EQUALS, "=": Token.EQUALS, ">": Token.GREATER_THAN, "in": Token.IN,
    "<": Token.LESS_THAN, "!=": Token.NOT_EQUALS, "notin": Token.NOT_IN, "(": Token.OPEN_PAR,
}
_WHITESPACE = " \t\r\n"
_SPECIAL = "=!(),><"
_END = "\0"  # Go's read() returns byte 0 at the end, so a NUL byte also ends a token

ScannedItem = tuple[Token, str]


@attrs.define
class _Lexer:
    s: str
    pos: int = 0

    def read(self) -> str:
        if self.pos < len(self.s):
            self.pos += 1
            return self.s[self.pos - 1]
        return _END

    def unread(self) -> None:
        self.pos -= 1

    def lex(self) -> ScannedItem:
        """Lexer.Lex: the next token and its literal."""
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == _END:
            return Token.END_OF_STRING, ""
        self.unread()
        return self._special() if ch in _SPECIAL else self._identifier()

    def _identifier(self) -> ScannedItem:
        buffer = []
        while True:
            ch = self.read()
            if ch == _END:
                break
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.unread()
                break
            buffer.append(ch)
        literal = "".join(buffer)
        return _STRING_TO_TOKEN.get(literal, Token.IDENTIFIER), literal

    def _special(self) -> ScannedItem:
        """The longest run of special symbols that still forms a token."""
        last: ScannedItem | None = None
        buffer = ""
        while True:
            ch = self.read()
            if ch == _END:
                break
            if ch not in _SPECIAL:
                self.unread()
                break
            buffer += ch
            token = _STRING_TO_TOKEN.get(buffer)
            if token is not None:
                last = (token, buffer)
            elif last is not None:
                self.unread()
                break
        if last is None:
            return Token.ERROR, f"error expected: keyword found '{buffer}'"
        return last


def tokenize(s: str) -> tuple[ScannedItem, ...]:
    """Parser.scan: every token of `s`, the END_OF_STRING token last."""
    lexer = _Lexer(s)
    items = [lexer.lex()]
    while items[-1][0] != Token.END_OF_STRING:
        items.append(lexer.lex())
    return tuple(items)


# --- parser --------------------------------------------------------------------------------


class _Context(enum.Enum):
    """ParserContext: in VALUES, the keywords `in` and `notin` are plain identifiers."""

    KEY_AND_OPERATOR = 0
    VALUES = 1


def _in_context(item: ScannedItem, context: _Context) -> ScannedItem:
    token, literal = item
    if context is _Context.VALUES and token in (Token.IN, Token.NOT_IN):
        return Token.IDENTIFIER, literal
    return token, literal


@attrs.define
class _Parser:
    items: tuple[ScannedItem, ...]
    position: int = 0

    def lookahead(self, context: _Context) -> ScannedItem:
        return _in_context(self.items[self.position], context)

    def consume(self, context: _Context) -> ScannedItem:
        item = self.items[self.position]
        self.position = min(self.position + 1, len(self.items) - 1)
        return _in_context(item, context)

    def parse(self) -> list[Requirement]:
        """Parser.parse: requirements separated by commas, up to the end of the string."""
        requirements: list[Requirement] = []
        while True:
            token, literal = self.lookahead(_Context.VALUES)
            if token == Token.END_OF_STRING:
                return requirements
            if token not in (Token.IDENTIFIER, Token.DOES_NOT_EXIST):
                raise ValueError(
                    f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self.parse_requirement())
            except ValueError as err:
                raise ValueError(f"unable to parse requirement: {err}") from None
            if self._after_requirement():
                return requirements

    def _after_requirement(self) -> bool:
        """Consume the ',' after a requirement; True at the end of the string."""
        token, literal = self.consume(_Context.VALUES)
        if token == Token.END_OF_STRING:
            return True
        if token != Token.COMMA:
            raise ValueError(f"found '{literal}', expected: ',' or 'end of string'")
        next_token, next_literal = self.lookahead(_Context.VALUES)
        if next_token not in (Token.IDENTIFIER, Token.DOES_NOT_EXIST):
            raise ValueError(f"found '{next_literal}', expected: identifier after ','")
        return False

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in UNARY_OPERATORS:
            return new_requirement(key, operator, [])
        operator = self.parse_operator()
        in_set = operator in (IN, NOT_IN)
        values = self.parse_values() if in_set else self.parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        """The key, after an optional `!`; a key ending the requirement means `exists`."""
        operator = ""
        token, literal = self.consume(_Context.VALUES)
        if token == Token.DOES_NOT_EXIST:
            operator = DOES_NOT_EXIST
            token, literal = self.consume(_Context.VALUES)
        if token != Token.IDENTIFIER:
            raise ValueError(f"found '{literal}', expected: identifier")
        key_err = _validate_label_key(literal, "<nil>")
        if key_err:
            raise ValueError(str(key_err))
        next_token, _ = self.lookahead(_Context.VALUES)
        if next_token in (Token.END_OF_STRING, Token.COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return literal, operator

    def parse_operator(self) -> str:
        token, literal = self.consume(_Context.KEY_AND_OPERATOR)
        operator = _TOKEN_OPERATORS.get(token)
        if operator is None:
            raise ValueError(f"found '{literal}', expected: {', '.join(BINARY_OPERATORS)}")
        return operator

    def parse_values(self) -> set[str]:
        """`( a, b, ... )`; empty slots stand for the empty value."""
        token, literal = self.consume(_Context.VALUES)
        if token != Token.OPEN_PAR:
            raise ValueError(f"found '{literal}' expected: '('")
        token, literal = self.lookahead(_Context.VALUES)
        if token in (Token.IDENTIFIER, Token.COMMA):
            values = self.parse_identifiers_list()
            if self.consume(_Context.VALUES)[0] != Token.CLOSED_PAR:
                raise ValueError(f"found '{literal}', expected: ')'")
            return values
        if token == Token.CLOSED_PAR:
            self.consume(_Context.VALUES)
            return {""}
        raise ValueError(f"found '{literal}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            token, literal = self.consume(_Context.VALUES)
            if token == Token.IDENTIFIER:
                values.add(literal)
                next_token, next_literal = self.lookahead(_Context.VALUES)
                if next_token == Token.CLOSED_PAR:
                    return values
                if next_token != Token.COMMA:
                    raise ValueError(f"found '{next_literal}', expected: ',' or ')'")
            elif token == Token.COMMA:
                if not values:
                    values.add("")  # "(,"
                next_token, _ = self.lookahead(_Context.VALUES)
                if next_token == Token.CLOSED_PAR:
                    values.add("")  # ",)"
                    return values
                if next_token == Token.COMMA:
                    self.consume(_Context.VALUES)
                    values.add("")  # ",,"
            else:
                raise ValueError(f"found '{literal}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        token, _ = self.lookahead(_Context.VALUES)
        if token in (Token.END_OF_STRING, Token.COMMA):
            return {""}
        token, literal = self.consume(_Context.VALUES)
        if token == Token.IDENTIFIER:
            return {literal}
        raise ValueError(f"found '{literal}', expected: identifier")


_TOKEN_OPERATORS = {
    Token.IN: IN, Token.EQUALS: EQUALS, Token.DOUBLE_EQUALS: DOUBLE_EQUALS,
    Token.GREATER_THAN: GREATER_THAN, Token.LESS_THAN: LESS_THAN, Token.NOT_IN: NOT_IN,
    Token.NOT_EQUALS: NOT_EQUALS,
}


def parse_to_requirements(selector: str) -> tuple[Requirement, ...]:
    """labels.ParseToRequirements: the parsed requirements, sorted by key."""
    return _by_key(_Parser(tokenize(selector)).parse())


def parse_selector(selector: str) -> Selector:
    """labels.Parse: the string form (`a=b,c in (d,e),!f,g>3`) to a Selector; ValueError
    with Go's message when it does not parse."""
    return Selector(parse_to_requirements(selector))


# --- label sets (labels.go) ----------------------------------------------------------------


def labels_string(labels: Mapping[str, str]) -> str:
    """Set.String(): `k=v` pairs sorted and joined by ','."""
    return ",".join(sorted(f"{k}={v}" for k, v in labels.items()))


def format_labels(labels: Mapping[str, str]) -> str:
    """labels.FormatLabels: as labels_string, `<none>` when empty."""
    return labels_string(labels) or "<none>"


def conflicts(labels1: Mapping[str, str], labels2: Mapping[str, str]) -> bool:
    """labels.Conflicts: some key is in both with different values."""
    return any(k in labels2 and labels2[k] != v for k, v in labels1.items())


def merge(labels1: Mapping[str, str], labels2: Mapping[str, str]) -> PMap[str, str]:
    """labels.Merge: the union, labels2 winning on conflicts."""
    return pmap({**labels1, **labels2})


# unicode.IsSpace, as strings.TrimSpace uses it.
_GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def convert_selector_to_labels_map(selector: str) -> PMap[str, str]:
    """labels.ConvertSelectorToLabelsMap: `k=v,k2=v2` to a label set, validating both."""
    result: dict[str, str] = {}
    if not selector:
        return pmap(result)
    for label in selector.split(","):
        parts = label.split("=")
        if len(parts) != 2:
            raise ValueError(f"invalid selector: [{' '.join(parts)}]")
        key = parts[0].strip(_GO_SPACE)
        key_err = _validate_label_key(key, "<nil>")
        if key_err:
            raise ValueError(str(key_err))
        value = parts[1].strip(_GO_SPACE)
        value_err = _validate_label_value(key, value, "")
        if value_err:
            raise ValueError(str(value_err))
        result[key] = value
    return pmap(result)


# --- metav1.LabelSelector helpers ----------------------------------------------------------


def label_selector_as_selector(ls: Any) -> Selector:
    """metav1.LabelSelectorAsSelector. `ls` has `.match_labels` (a mapping) and
    `.match_expressions` (items with `.key`, `.operator`, `.values`); None -> NOTHING,
    an empty selector -> EVERYTHING; ValueError with Go's message when invalid."""
    if ls is None:
        return NOTHING
    match_labels: Mapping[str, str] = ls.match_labels or {}
    expressions = tuple(ls.match_expressions or ())
    if not match_labels and not expressions:
        return EVERYTHING
    requirements = [new_requirement(k, EQUALS, (v,)) for k, v in sorted(match_labels.items())]
    for expr in expressions:
        operator = LABEL_SELECTOR_OPERATORS.get(expr.operator)
        if operator is None:
            raise ValueError(
                f"{go_quote(str(expr.operator))} is not a valid label selector operator")
        values = tuple(expr.values or ())
        requirements.append(new_requirement(expr.key, operator, values or None))
    return Selector(requirements)


def label_selector_as_map(ls: Any) -> PMap[str, str] | None:
    """metav1.LabelSelectorAsMap: matchLabels plus single-valued `In` expressions; ValueError
    for any other operator."""
    if ls is None:
        return None
    result = dict(ls.match_labels or {})
    for expr in ls.match_expressions or ():
        operator = go_quote(str(expr.operator))
        values = tuple(expr.values or ())
        if expr.operator == "In":
            if len(values) != 1:
                raise ValueError(f"operator {operator} without a single value cannot be "
                                 "converted into the old label selector format")
            result[expr.key] = values[0]
        elif expr.operator in LABEL_SELECTOR_OPERATORS:
            raise ValueError(
                f"operator {operator} cannot be converted into the old label selector format")
        else:
            raise ValueError(f"{operator} is not a valid selector operator")
    return pmap(result)


def format_label_selector(ls: Any) -> str:
    """metav1.FormatLabelSelector: the selector's string, `<none>` if it is empty,
    `<error>` if it is invalid."""
    try:
        text = str(label_selector_as_selector(ls))
    except ValueError:
        return "<error>"
    return text or "<none>"
