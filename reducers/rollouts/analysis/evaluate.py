"""successCondition and failureCondition: the subset of expr-lang that Argo Rollouts' analysis
documents, evaluated over `result`.

`evaluate_result(result, metric)` decides a measurement's phase as EvaluateResult does: no
conditions -> Successful; only a success condition -> Failed when it is false; only a failure
condition -> Successful when it is false; both false -> Inconclusive; an evaluation error ->
Error with Argo's message ("could not evaluate successCondition ...", or the nil-or-empty
message when the metric gave no data).

The language: numbers, strings ('...' or "..."), true, false, nil; `result` and, inside a
predicate, `#` (the element) and `.field` (its field); indexing `a[0]`, `a[-1]`, `a["k"]`
and fields `a.k`; `+ - * / %`; comparisons `== != < <= > >=`; `in`, `not in`; `&&`/`and`,
`||`/`or`, `!`/`not`; `c ? a : b`; `??`; calls of len, abs, isNaN, isInf, asInt, asFloat,
isNil, default, max, min, sum, first, last, and the predicates all, any, none, one, filter,
map and count, whose predicate is written `{# > 0.9}` or `# > 0.9`. Anything else (another
function, an operator such as `matches` or `..`) is an error naming it: the condition is not
silently misread.

Models: utils/evaluate/evaluate.go (EvaluateResult, EvalCondition, formatEvalError,
isNilOrEmpty, asInt, asFloat, isNil, default), argo-rollouts at 9f8d111, over
github.com/expr-lang/expr's operators and builtins.
Simplifies: expr type-checks a condition before running it; here a type mismatch is found
when it is evaluated (so `false && result[0] > 1` on a number is not an error); messages for
such errors are kubefold's own wording.
Covered by: tests/test_rollouts_evaluate.py (evaluate_test.go tables).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

SUCCESSFUL, FAILED, INCONCLUSIVE, ERROR = "Successful", "Failed", "Inconclusive", "Error"


class EvalError(Exception):
    """A condition that does not parse or does not evaluate (a value, not a kubefold bug:
    it becomes the measurement's Error message)."""


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>\?\?|\?\.|&&|\|\||==|!=|<=|>=|\.\.|\*\*|[-+*/%<>!?:,.()\[\]{}\#^])
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
""", re.VERBOSE)

_KEYWORDS = {"and": "&&", "or": "||", "not": "!"}


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise EvalError(f"unexpected character {text[pos]!r} at position {pos}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group()
        if kind == "ws":
            continue
        if kind == "num":
            out.append(("num", float(value) if any(c in value for c in ".eE") else int(value)))
        elif kind == "str":
            out.append(("str", _unquote(value)))
        elif kind == "name" and value in _KEYWORDS:
            out.append(("op", _KEYWORDS[value]))
        elif kind == "name" and value in ("true", "false"):
            out.append(("lit", value == "true"))
        elif kind == "name" and value == "nil":
            out.append(("lit", None))
        else:
            out.append((kind or "op", value))
    out.append(("end", None))
    return out


def _unquote(text: str) -> str:
    body = text[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


# The parse tree: tuples ("lit", v), ("name", n), ("el",), ("field", obj, key),
# ("index", obj, idx), ("call", fn, args), ("pred", body), ("unary", op, x),
# ("binary", op, a, b), ("cond", c, a, b).

_BINARY = {  # precedence: higher binds tighter
    "??": 1, "||": 2, "&&": 3,
    "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "in": 4, "not in": 4,
    "matches": 4, "contains": 4, "startsWith": 4, "endsWith": 4,
    "..": 5, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7, "**": 8, "^": 8,
}
_UNSUPPORTED_OPS = {"matches", "contains", "startsWith", "endsWith", "..", "**", "^", "?."}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, ahead: int = 0) -> tuple[str, Any]:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> tuple[str, Any]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        kind, got = self.take()
        if got != value or kind not in ("op",):
            raise EvalError(f"expected {value!r}, found {got!r}")

    def parse(self) -> Any:
        node = self.expression()
        if self.peek()[0] != "end":
            raise EvalError(f"unexpected token {self.peek()[1]!r}")
        return node

    def expression(self) -> Any:
        node = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take()
            yes = self.expression()
            self.expect(":")
            no = self.expression()
            return ("cond", node, yes, no)
        return node

    def _binary_op(self) -> str | None:
        kind, value = self.peek()
        if kind == "op" and value == "!" and self.peek(1) == ("name", "in"):
            return "not in"
        if kind in ("op", "name") and value in _BINARY:
            return str(value)
        return None

    def binary(self, min_prec: int) -> Any:
        left = self.unary()
        while True:
            op = self._binary_op()
            if op is None or _BINARY[op] <= min_prec:
                return left
            if op in _UNSUPPORTED_OPS:
                raise EvalError(f"operator {op!r} is not supported by kubefold's evaluator")
            self.take()
            if op == "not in":
                self.take()
            right = self.binary(_BINARY[op])
            left = ("binary", op, left, right)

    def unary(self) -> Any:
        kind, value = self.peek()
        if kind == "op" and value in ("!", "-", "+"):
            self.take()
            return ("unary", value, self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, value = self.take()
        if kind in ("num", "str", "lit"):
            return ("lit", value)
        if kind == "op" and value == "(":
            node = self.expression()
            self.expect(")")
            return node
        if kind == "op" and value == "#":
            return ("el",)
        if kind == "op" and value == "." and self.peek()[0] == "name":
            return ("field", ("el",), self.take()[1])
        if kind == "op" and value == "{":
            body = self.expression()
            self.expect("}")
            return ("pred", body)
        if kind == "op" and value == "[":
            items = []
            while self.peek() != ("op", "]"):
                items.append(self.expression())
                if self.peek() == ("op", ","):
                    self.take()
            self.take()
            return ("list", items)
        if kind == "name":
            if self.peek() == ("op", "("):
                self.take()
                args = []
                while self.peek() != ("op", ")"):
                    args.append(self.expression())
                    if self.peek() == ("op", ","):
                        self.take()
                    elif self.peek() != ("op", ")"):
                        raise EvalError(f"expected ',' or ')' in the call of {value}")
                self.take()
                return ("call", value, args)
            return ("name", value)
        if kind == "end":
            raise EvalError("unexpected end of expression")
        raise EvalError(f"unexpected token {value!r}")

    def postfix(self, node: Any) -> Any:
        while True:
            kind, value = self.peek()
            if kind == "op" and value == "[":
                self.take()
                index = self.expression()
                self.expect("]")
                node = ("index", node, index)
            elif kind == "op" and value == "." and self.peek(1)[0] == "name":
                self.take()
                node = ("field", node, self.take()[1])
            elif kind == "op" and value == "?.":
                raise EvalError("operator '?.' is not supported by kubefold's evaluator")
            else:
                return node


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _type(v: Any) -> str:
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "map"


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return bool(a == b) if _is_number(a) == _is_number(b) else False
    if op == "!=":
        return not _compare("==", a, b)
    if not (_is_number(a) and _is_number(b) or isinstance(a, str) and isinstance(b, str)):
        raise EvalError(f"invalid operation: {op} (mismatched types {_type(a)} and {_type(b)})")
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    if not (_is_number(a) and _is_number(b)):
        raise EvalError(f"invalid operation: {op} (mismatched types {_type(a)} and {_type(b)})")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return math.inf if a > 0 else (-math.inf if a < 0 else math.nan)
        return a / b
    if not (isinstance(a, int) and isinstance(b, int)):
        raise EvalError(f"invalid operation: % (mismatched types {_type(a)} and {_type(b)})")
    if b == 0:
        raise EvalError("integer divide by zero")
    return int(math.fmod(a, b))


_STATIC_CALL_TYPES = {"asInt": "int", "asFloat": "float64", "len": "int", "isNaN": "bool",
                      "isInf": "bool", "isNil": "bool", "all": "bool", "any": "bool",
                      "none": "bool", "one": "bool", "count": "int"}


def _static_type(node: Any) -> str | None:
    """The type expr's checker knows before running (literals and typed builtins); None
    for `result` and what is read from it, whose type is only known at run time."""
    if node[0] == "lit":
        return _type(node[1])
    if node[0] == "call":
        return _STATIC_CALL_TYPES.get(node[1])
    return None


def _mismatched(left: str | None, right: str | None) -> bool:
    """expr refuses `==` between two known, different types (numbers compare with numbers,
    and nil with anything)."""
    if left is None or right is None or "nil" in (left, right):
        return False
    numbers = ("int", "float64")
    return left != right and not (left in numbers and right in numbers)


def _truth(v: Any, what: str) -> bool:
    if not isinstance(v, bool):
        raise EvalError(f"invalid operation: {what} (mismatched types {_type(v)} and bool)")
    return v


class _Env:
    def __init__(self, result: Any) -> None:
        self.result = result

    def eval(self, node: Any, el: Any = None) -> Any:
        tag = node[0]
        if tag == "lit":
            return node[1]
        if tag == "list":
            return [self.eval(n, el) for n in node[1]]
        if tag == "el":
            return el
        if tag == "name":
            if node[1] == "result":
                return self.result
            raise EvalError(f"unknown name {node[1]}")
        if tag == "field":
            obj = self.eval(node[1], el)
            if isinstance(obj, dict):
                return obj.get(node[2])
            raise EvalError(f"cannot fetch {node[2]} from {_type(obj)}")
        if tag == "index":
            return self._index(self.eval(node[1], el), self.eval(node[2], el))
        if tag == "unary":
            value = self.eval(node[2], el)
            if node[1] == "!":
                return not _truth(value, "!")
            if not _is_number(value):
                raise EvalError(f"invalid operation: {node[1]} on {_type(value)}")
            return -value if node[1] == "-" else value
        if tag == "binary":
            return self._binary(node[1], node[2], node[3], el)
        if tag == "cond":
            return self.eval(node[2] if _truth(self.eval(node[1], el), "?:") else node[3], el)
        if tag == "call":
            return self._call(node[1], node[2], el)
        if tag == "pred":
            raise EvalError("a predicate {...} may only be an argument of a builtin")
        raise EvalError(f"cannot evaluate {tag}")

    def _index(self, obj: Any, index: Any) -> Any:
        if isinstance(obj, list):
            if not isinstance(index, int) or isinstance(index, bool):
                raise EvalError(f"cannot use {_type(index)} as index to array")
            i = index + len(obj) if index < 0 else index
            if not 0 <= i < len(obj):
                raise EvalError(f"index out of range: {index} (array length is {len(obj)})")
            return obj[i]
        if isinstance(obj, dict):
            return obj.get(index)
        if isinstance(obj, str) and isinstance(index, int):
            return obj[index]
        raise EvalError(f"cannot fetch {index!r} from {_type(obj)}")

    def _binary(self, op: str, left: Any, right: Any, el: Any) -> Any:
        if op == "&&":
            return _truth(self.eval(left, el), "&&") and _truth(self.eval(right, el), "&&")
        if op == "||":
            return _truth(self.eval(left, el), "||") or _truth(self.eval(right, el), "||")
        if op == "??":
            value = self.eval(left, el)
            return self.eval(right, el) if value is None else value
        if op in ("==", "!=") and _mismatched(_static_type(left), _static_type(right)):
            raise EvalError(f"invalid operation: {op} (mismatched types "
                            f"{_static_type(left)} and {_static_type(right)})")
        a, b = self.eval(left, el), self.eval(right, el)
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return _compare(op, a, b)
        if op in ("in", "not in"):
            if isinstance(b, dict):
                found = a in b
            elif isinstance(b, list):
                found = any(_compare("==", a, x) for x in b)
            else:
                raise EvalError(f"invalid operation: in (mismatched types {_type(a)} and "
                                f"{_type(b)})")
            return found if op == "in" else not found
        return _arith(op, a, b)

    def _call(self, name: str, args: list[Any], el: Any) -> Any:
        predicates: dict[str, Callable[[list[Any], Callable[[Any], Any]], Any]] = {
            "all": lambda xs, f: all(_truth(f(x), "all") for x in xs),
            "any": lambda xs, f: any(_truth(f(x), "any") for x in xs),
            "none": lambda xs, f: not any(_truth(f(x), "none") for x in xs),
            "one": lambda xs, f: sum(1 for x in xs if _truth(f(x), "one")) == 1,
            "filter": lambda xs, f: [x for x in xs if _truth(f(x), "filter")],
            "map": lambda xs, f: [f(x) for x in xs],
            "count": lambda xs, f: sum(1 for x in xs if _truth(f(x), "count")),
        }
        if name in predicates:
            if len(args) != 2:
                raise EvalError(f"{name} takes an array and a predicate")
            items = self.eval(args[0], el)
            if not isinstance(items, list):
                raise EvalError(f"builtin {name} takes only array (got {_type(items)})")
            body = args[1][1] if args[1][0] == "pred" else args[1]
            return predicates[name](items, lambda x: self.eval(body, x))
        if name == "isNil":  # EvalCondition's isNil ignores its argument
            return self.result is None
        if name == "default":  # default(_, d): d when result is nil, else result
            if len(args) != 2:
                raise EvalError("default takes two arguments")
            return self.eval(args[1], el) if self.result is None else self.result
        values = [self.eval(a, el) for a in args]
        return _builtin(name, values)


def _one(name: str, values: list[Any]) -> Any:
    if len(values) != 1:
        raise EvalError(f"{name} takes one argument (got {len(values)})")
    return values[0]


def _as_float(value: Any) -> float:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise EvalError(f'strconv.ParseFloat: parsing "{value}": invalid syntax') from None
    raise EvalError(f"asFloat() not supported on {_type(value)} {value}")


def _as_int(value: Any) -> int:
    if _is_number(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise EvalError(f'strconv.ParseInt: parsing "{value}": invalid syntax') from None
    raise EvalError(f"asInt() not supported on {_type(value)} {value}")


def _numbers(name: str, values: list[Any]) -> list[Any]:
    items = values[0] if len(values) == 1 and isinstance(values[0], list) else values
    if not items or not all(_is_number(v) for v in items):
        raise EvalError(f"{name} expects numbers (got {[_type(v) for v in items]})")
    return items


def _builtin(name: str, values: list[Any]) -> Any:
    if name == "len":
        v = _one(name, values)
        if isinstance(v, list | str | dict):
            return len(v)
        raise EvalError(f"invalid argument for len (type {_type(v)})")
    if name in ("isNaN", "isInf"):
        v = _one(name, values)
        if not isinstance(v, float):
            raise EvalError(f"cannot use {_type(v)} as argument (type float64) to call {name}")
        return math.isnan(v) if name == "isNaN" else math.isinf(v)
    if name == "asInt":
        return _as_int(_one(name, values))
    if name == "asFloat":
        return _as_float(_one(name, values))
    if name == "abs":
        v = _one(name, values)
        if not _is_number(v):
            raise EvalError(f"invalid argument for abs (type {_type(v)})")
        return abs(v)
    if name == "max":
        return max(_numbers(name, values))
    if name == "min":
        return min(_numbers(name, values))
    if name == "sum":
        return sum(_numbers(name, values))
    if name in ("first", "last"):
        v = _one(name, values)
        if not isinstance(v, list):
            raise EvalError(f"cannot get {name} of {_type(v)}")
        return (v[0] if name == "first" else v[-1]) if v else None
    raise EvalError(f"function {name} is not supported by kubefold's evaluator (supported: "
                    "len, abs, isNaN, isInf, asInt, asFloat, isNil, default, max, min, sum, "
                    "first, last, all, any, none, one, filter, map, count)")


def _normalise(value: Any) -> Any:
    """A sample's value as Go's evaluator sees it: lists as lists, maps as maps."""
    if isinstance(value, tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def eval_condition(result: Any, condition: str) -> bool:
    """EvalCondition: the condition's value, which must be a bool."""
    tree = _Parser(condition).parse()
    output = _Env(_normalise(result)).eval(tree)
    if not isinstance(output, bool):
        raise EvalError(f"expected bool, but got {_go_type_name(output)}")
    return output


def _go_type_name(value: Any) -> str:
    return {"int": "int", "float64": "float64", "string": "string", "nil": "<nil>",
            "array": "[]interface {}", "map": "map[string]interface {}"}.get(_type(value),
                                                                            _type(value))


def is_nil_or_empty(result: Any) -> bool:
    return result is None or isinstance(result, list | tuple) and len(result) == 0


def _format_eval_error(err: EvalError, condition_type: str, expression: str, result: Any
                       ) -> str:
    if is_nil_or_empty(result):
        return (f'could not evaluate {condition_type} "{expression}": metric result is nil or '
                "empty: no data returned from the metric provider")
    return f'could not evaluate {condition_type} "{expression}": {err}'


def evaluate_result(result: Any, success_condition: str | None,
                    failure_condition: str | None) -> tuple[str, str | None]:
    """EvaluateResult: (phase, error message or None)."""
    success = failure = False
    if success_condition:
        try:
            success = eval_condition(result, success_condition)
        except EvalError as err:
            return ERROR, _format_eval_error(err, "successCondition", success_condition, result)
    if failure_condition:
        try:
            failure = eval_condition(result, failure_condition)
        except EvalError as err:
            return ERROR, _format_eval_error(err, "failureCondition", failure_condition, result)
    if not success_condition and not failure_condition:
        return SUCCESSFUL, None
    if success_condition and not failure_condition:
        failure = not success
    elif failure_condition and not success_condition:
        success = not failure
    if failure:
        return FAILED, None
    if not success:
        return INCONCLUSIVE, None
    return SUCCESSFUL, None
