"""Ports of argo-rollouts utils/evaluate/evaluate_test.go (9f8d111), through
reducers/rollouts/analysis/evaluate.py: TestEvaluateResultWithSuccess, ...WithFailure,
...Inconclusive, ...NoSuccessConditionAndNotFailing, ...NoFailureConditionAndNotSuccessful,
...NoFailureConditionAndNoSuccessCondition, ...WithErrorOnSuccessCondition,
...WithErrorOnFailureCondition, TestEvaluateConditionWithSuccess, ...WithFailure,
TestErrorWithNonBoolReturn, TestErrorWithInvalidReference, TestEvaluateArray,
TestEvaluateInOperator, TestEvaluateFloat64, TestEvaluateInvalidStruct, TestEvaluateAsIntPanic,
TestEvaluateAsInt (3), TestEvaluateAsFloatError (2), TestEvaluateAsFloat (7), TestAsInt (3),
TestAsFloat (3), TestIsInf, TestIsNil (through `isNil(result)`),
TestEvaluateResultErrorMessageWithNilResult, ...WithEmptySlice, ...WithInvalidExpression,
...OnFailureCondition, TestIsNilOrEmpty (6).

Not ported: TestEqual (a helper of the notification code), TestDefaultFunc, TestIsNilFunc and
TestValueFromPointer (Go pointers; `default` and `isNil` are covered below through
expressions), the TestEvalTime* tests (EvalTime serves the Datadog and web providers'
time expressions, which kubefold does not evaluate). The `kubefold` cases at the end cover the
conditions the Argo docs write: comparisons, &&/||, len, indexing, isNaN/isInf, all/any, and
the clear error on what the subset leaves out."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from kubefold.reducers.rollouts.analysis.evaluate import (
    ERROR,
    FAILED,
    INCONCLUSIVE,
    SUCCESSFUL,
    EvalError,
    eval_condition,
    evaluate_result,
    is_nil_or_empty,
)

INVALID_REF_CONDITION = "a == true"


@pytest.mark.parametrize(("success", "failure", "phase", "error"), [
    ("true", "false", SUCCESSFUL, False),
    ("true", "true", FAILED, False),
    ("false", "false", INCONCLUSIVE, False),
    ("", "false", SUCCESSFUL, False),
    ("false", "", FAILED, False),
    ("", "", SUCCESSFUL, False),
    (INVALID_REF_CONDITION, "true", ERROR, True),
    ("true", INVALID_REF_CONDITION, ERROR, True)],
    ids=["TestEvaluateResultWithSuccess", "TestEvaluateResultWithFailure",
         "TestEvaluateResultInconclusive", "TestEvaluateResultNoSuccessConditionAndNotFailing",
         "TestEvaluateResultNoFailureConditionAndNotSuccessful",
         "TestEvaluateResultNoFailureConditionAndNoSuccessCondition",
         "TestEvaluateResultWithErrorOnSuccessCondition",
         "TestEvaluateResultWithErrorOnFailureCondition"])
def test_evaluate_result(success: str, failure: str, phase: str, error: bool) -> None:
    got, message = evaluate_result(True, success, failure)
    assert got == phase
    assert (message is not None) is error


def test_evaluate_condition_with_success() -> None:
    """TestEvaluateConditionWithSuccess."""
    assert eval_condition(True, "result == true") is True


def test_evaluate_condition_with_failure() -> None:
    """TestEvaluateConditionWithFailure."""
    assert eval_condition(True, "result == false") is False


def test_error_with_non_bool_return() -> None:
    """TestErrorWithNonBoolReturn."""
    with pytest.raises(EvalError, match="^expected bool, but got int$"):
        eval_condition(True, "1")


def test_error_with_invalid_reference() -> None:
    """TestErrorWithInvalidReference."""
    with pytest.raises(EvalError, match="^unknown name invalidVariable$"):
        eval_condition(True, "invalidVariable")


def test_evaluate_array() -> None:
    """TestEvaluateArray."""
    floats = {"service_apdex": {"label": None, "values": {"values": [2.0, 2.0]}}}
    assert eval_condition(floats, "all(result.service_apdex.values.values, {# > 1})") is True


def test_evaluate_in_operator() -> None:
    """TestEvaluateInOperator."""
    assert eval_condition([2.0, 2.0], "2 in result") is True


def test_evaluate_float64() -> None:
    """TestEvaluateFloat64."""
    assert eval_condition(5.0, "result > 1") is True


def test_evaluate_invalid_struct() -> None:
    """TestEvaluateInvalidStruct."""
    with pytest.raises(EvalError):
        eval_condition(True, "result.Name() == 'hi'")


def test_evaluate_as_int_panic() -> None:
    """TestEvaluateAsIntPanic."""
    with pytest.raises(EvalError):
        eval_condition("1.1", "asInt(result) == 1.1")


@pytest.mark.parametrize(("value", "expression", "want"), [
    ("1", "asInt(result) == 1", True), (1, "asInt(result) == 1", True),
    (1.123, "asInt(result) == 1", True)],
    ids=[f"TestEvaluateAsInt/{i}" for i in range(3)])
def test_evaluate_as_int(value: Any, expression: str, want: bool) -> None:
    assert eval_condition(value, expression) is want


@pytest.mark.parametrize(("value", "expression", "pattern"), [
    ("NotANum", "asFloat(result) == 1.1", r'strconv.ParseFloat: parsing "NotANum": invalid syntax'),
    ("1.1", 'asFloat(result) == "1.1"',
     r"invalid operation: == \(mismatched types float64 and string\)")],
    ids=[f"TestEvaluateAsFloatError/{i}" for i in range(2)])
def test_evaluate_as_float_error(value: Any, expression: str, pattern: str) -> None:
    with pytest.raises(EvalError) as err:
        eval_condition(value, expression)
    assert re.search(pattern, str(err.value))


@pytest.mark.parametrize(("value", "expression"), [
    ("1.1", "asFloat(result) == 1.1"), ("1.1", "asFloat(result) >= 1.1"),
    ("1.1", "asFloat(result) <= 1.1"), (1.1, "asFloat(result) == 1.1"),
    (1, "asFloat(result) == 1"), (1, "asFloat(result) >= 1"), (1, "asFloat(result) >= 1")],
    ids=[f"TestEvaluateAsFloat/{i}" for i in range(7)])
def test_evaluate_as_float(value: Any, expression: str) -> None:
    assert eval_condition(value, expression) is True


@pytest.mark.parametrize(("value", "output", "fails"), [
    ("1", 1, False), ("notint", 1, True), ("1.1", 1, True)],
    ids=[f"TestAsInt/{i}" for i in range(3)])
def test_as_int(value: str, output: int, fails: bool) -> None:
    if fails:
        with pytest.raises(EvalError):
            eval_condition(value, f"asInt(result) == {output}")
    else:
        assert eval_condition(value, f"asInt(result) == {output}") is True


@pytest.mark.parametrize(("value", "output", "fails"), [
    ("1", 1, False), ("notfloat", 1, True), ("1.1", 1.1, False)],
    ids=[f"TestAsFloat/{i}" for i in range(3)])
def test_as_float(value: str, output: float, fails: bool) -> None:
    if fails:
        with pytest.raises(EvalError):
            eval_condition(value, f"asFloat(result) == {output}")
    else:
        assert eval_condition(value, f"asFloat(result) == {output}") is True


def test_is_inf() -> None:
    """TestIsInf."""
    assert eval_condition(math.inf, "isInf(result)") is True
    assert eval_condition(0.0, "isInf(result)") is False


@pytest.mark.parametrize(("value", "want"), [
    (None, True), ([], False), (1.0, False), (["hi", "hello"], False), (1, False),
    (False, False)], ids=[f"TestIsNil/{i}" for i in range(6)])
def test_is_nil(value: Any, want: bool) -> None:
    """TestIsNil, as the condition sees it: a nil pointer and a nil slice are both nil in Go;
    a sample's value is never a nil slice, so an empty list is not nil here."""
    assert eval_condition(value, "isNil(result)") is want


def test_default() -> None:
    """TestDefaultFunc through `default(result, d)`."""
    assert eval_condition(None, "default(result, 2) == 2") is True
    assert eval_condition(1.0, "default(result, 0) == 1") is True


def test_evaluate_result_error_message_with_nil_result() -> None:
    """TestEvaluateResultErrorMessageWithNilResult."""
    phase, message = evaluate_result(None, "result[0] >= 0.95", None)
    assert phase == ERROR
    assert message is not None and "metric result is nil or empty" in message
    assert "successCondition" in message


def test_evaluate_result_error_message_with_empty_slice() -> None:
    """TestEvaluateResultErrorMessageWithEmptySlice."""
    phase, message = evaluate_result([], "result[0] >= 0.95", None)
    assert phase == ERROR
    assert message is not None and "metric result is nil or empty" in message
    assert "successCondition" in message


def test_evaluate_result_error_message_with_invalid_expression() -> None:
    """TestEvaluateResultErrorMessageWithInvalidExpression."""
    phase, message = evaluate_result(True, INVALID_REF_CONDITION, None)
    assert phase == ERROR
    assert message is not None and "could not evaluate successCondition" in message
    assert INVALID_REF_CONDITION in message


def test_evaluate_result_error_message_on_failure_condition() -> None:
    """TestEvaluateResultErrorMessageOnFailureCondition."""
    phase, message = evaluate_result(True, "true", "invalidVar == true")
    assert phase == ERROR
    assert message is not None and "could not evaluate failureCondition" in message
    assert "invalidVar == true" in message


@pytest.mark.parametrize(("value", "want"), [
    (None, True), ([], True), ([], True), ([1.0], False), (42, False), ("hello", False)],
    ids=[f"TestIsNilOrEmpty/{i}" for i in range(6)])
def test_is_nil_or_empty(value: Any, want: bool) -> None:
    assert is_nil_or_empty(value) is want


# -- kubefold: the conditions the Argo docs write ---------------------------------------------

DOCS_CONDITIONS = [
    (0.97, "result >= 0.95", True),
    ([0.97], "result[0] >= 0.95", True),
    ([0.90], "result[0] >= 0.95", False),
    ([0.99, 0.2], "result[-1] < 0.5", True),
    (3, "result < 5 && result > 1", True),
    (7, "result < 5 || result > 6", True),
    ([1, 2, 3], "len(result) == 3", True),
    ([], "len(result) == 0", True),
    (math.nan, "isNaN(result)", True),
    ([math.nan], "isNaN(result[0]) || result[0] >= 0.95", True),
    ([0.96, 0.97], "all(result, {# >= 0.95})", True),
    ([0.96, 0.90], "all(result, {# >= 0.95})", False),
    ([0.96, 0.90], "any(result, # < 0.95)", True),
    ({"status": "ok"}, "result.status == 'ok'", True),
    ({"status": "ok"}, 'result["status"] != "bad"', True),
    (10, "result * 2 == 20 and not (result > 20)", True),
    (0.4, "result > 0.5 ? false : true", True),
]


@pytest.mark.parametrize(("value", "condition", "want"), DOCS_CONDITIONS,
                         ids=[f"kubefold/{c[1]}" for c in DOCS_CONDITIONS])
def test_docs_conditions(value: Any, condition: str, want: bool) -> None:
    assert eval_condition(value, condition) is want


@pytest.mark.parametrize(("condition", "pattern"), [
    ("result matches '^a'", "matches"),
    ("upper(result) == 'A'", "function upper is not supported"),
    ("result[5] > 1", "index out of range"),
    ("result > 'a'", "mismatched types"),
    ("result >", "unexpected end of expression")],
    ids=["kubefold/unsupported operator", "kubefold/unsupported function",
         "kubefold/index out of range", "kubefold/mismatched types", "kubefold/syntax"])
def test_clear_errors(condition: str, pattern: str) -> None:
    with pytest.raises(EvalError, match=pattern):
        eval_condition([1.0], condition)
