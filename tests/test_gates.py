"""The gate language: grammar, three-valued evaluation on weekly arrays, and error columns."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hmc.domain.gates import MAX_NESTING, MAX_TERMS, MAX_WINDOW, Gate, parse_gate
from hmc.errors import ConfigError, GateError

nan = np.nan
T, F, U = 1.0, 0.0, nan  # true, false, unknown


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


def run(text: str, **series: np.ndarray) -> np.ndarray:
    return parse_gate(text).evaluate(series)


# --- precedence and logic ------------------------------------------------------------------
def test_not_binds_tighter_than_and_tighter_than_or() -> None:
    a, b, c = arr(1, 1, 0, 0), arr(1, 0, 1, 0), arr(0, 0, 0, 1)
    # a or (b and c): [1, 1, 0, 0]; (a or b) and c would be [0, 0, 0, 0]
    assert_array_equal(run("a > 0 or b > 0 and c > 0", a=a, b=b, c=c), arr(1, 1, 0, 0))
    assert_array_equal(run("(a > 0 or b > 0) and c > 0", a=a, b=b, c=c), arr(0, 0, 0, 0))
    # (not a) and b: [0, 0, 1, 0]; not (a and b) would be [0, 1, 1, 1]
    assert_array_equal(run("not a > 0 and b > 0", a=a, b=b), arr(0, 0, 1, 0))
    assert_array_equal(run("not (a > 0 and b > 0)", a=a, b=b), arr(0, 1, 1, 1))


def test_comparisons_literals_and_unary_minus() -> None:
    x = arr(-3, -2.5, 0, 12)
    assert_array_equal(run("x < -2.5", x=x), arr(1, 0, 0, 0))
    assert_array_equal(run("x <= -2.5", x=x), arr(1, 1, 0, 0))
    assert_array_equal(run("x == 0", x=x), arr(0, 0, 1, 0))
    assert_array_equal(run("x != 0", x=x), arr(1, 1, 0, 1))
    assert_array_equal(run("12 >= x", x=x), arr(1, 1, 1, 1))
    assert_array_equal(run("x > 0.5 or false", x=x), arr(0, 0, 0, 1))
    assert_array_equal(run("true and not false", x=x), arr(1, 1, 1, 1))


def test_comparison_with_nan_is_unknown() -> None:
    assert_array_equal(run("x >= y", x=arr(1, nan, 3), y=arr(nan, 2, 3)), arr(U, U, T))


def test_kleene_and_or_not() -> None:
    a = arr(T, T, T, F, F, F, U, U, U)
    b = arr(T, F, U, T, F, U, T, F, U)
    assert_array_equal(run("a == 1 and b == 1", a=a, b=b), arr(T, F, U, F, F, F, U, F, U))
    assert_array_equal(run("a == 1 or b == 1", a=a, b=b), arr(T, T, T, T, F, U, T, U, U))
    assert_array_equal(run("not a == 1", a=a), arr(F, F, F, T, T, T, U, U, U))


# --- window functions ----------------------------------------------------------------------
def test_window_functions_are_trailing_and_strict_about_history() -> None:
    x = arr(4, 2, 6, 1, 3)
    s = {"x": x}
    assert_array_equal(parse_gate("mean(x, 3w) > 3").evaluate(s), arr(U, U, T, F, T))
    g = parse_gate("sum(x, 2w) >= 8 and min(x, 2w) >= 2 or max(x, 1w) == 3")
    # sum 2w: [U, 6, 8, 7, 4]; min 2w: [U, 2, 2, 1, 1]; max 1w: [4, 2, 6, 1, 3]
    assert_array_equal(g.evaluate(s), arr(U, F, T, F, T))


def test_window_values_exactly() -> None:
    x = arr(4, 2, 6, 1, 3)
    # mean(x, 3w) = [U, U, 4, 3, 10/3]; the thresholds pin each value from both sides
    assert_array_equal(run("mean(x, 3w) == 4", x=x), arr(U, U, T, F, F))
    assert_array_equal(run("mean(x, 3w) == 3", x=x), arr(U, U, F, T, F))
    assert_array_equal(run("sum(x, 5w) == 16", x=x), arr(U, U, U, U, T))
    assert_array_equal(run("max(x, 6w) > 0", x=x), arr(U, U, U, U, U))  # never enough history


def test_window_functions_skip_nan_and_all_nan_window_is_unknown() -> None:
    x = arr(2, nan, 4, nan, nan, nan)
    assert_array_equal(run("mean(x, 2w) == 2", x=x), arr(U, T, F, F, U, U))
    assert_array_equal(run("mean(x, 3w) == 3", x=x), arr(U, U, T, F, F, U))
    assert_array_equal(run("sum(x, 3w) == 4", x=x), arr(U, U, F, T, T, U))
    assert_array_equal(run("min(x, 3w) == 2", x=x), arr(U, U, T, F, F, U))
    assert_array_equal(run("max(x, 3w) == 4", x=x), arr(U, U, T, T, T, U))


def test_nested_window_functions() -> None:
    x = arr(1, 5, 2, 8)
    # max(x, 2w) = [U, 5, 5, 8]; mean of that over 2w = [U, 5, 5, 6.5]: the inner unknown
    # is skipped like any missing value, only the array start makes the outer window short
    assert_array_equal(run("mean(max(x, 2w), 2w) == 5", x=x), arr(U, T, T, F))


# --- sustained -----------------------------------------------------------------------------
def test_sustained_true_false_unknown() -> None:
    x = arr(1, 1, 1, 0, 1, nan, 1, 1, 1)
    got = run("sustained(x > 0, 3w)", x=x)
    # t0, t1: too little history, no false seen -> unknown; t3..t5 see the false at t3;
    # t6, t7 see the unknown at t5 but no false -> unknown; t8 = three known trues
    assert_array_equal(got, arr(U, U, T, F, F, F, U, U, T))


def test_sustained_short_history_with_a_false_is_false() -> None:
    assert_array_equal(run("sustained(x > 0, 4w)", x=arr(0, 1, 1)), arr(F, F, F))
    assert_array_equal(run("sustained(x > 0, 1w)", x=arr(0, 1, nan)), arr(F, T, U))


def test_example_gate_from_the_commission() -> None:
    gate = parse_gate(
        "sustained(mean(isis_attacks, 4w) <= 12, 12w) and isf_counter_terrorism >= 4",
        source="phase 2 / north",
    )
    weeks = 16
    attacks = np.full(weeks, 10.0)
    isf = np.full(weeks, 4.0)
    isf[-1] = nan
    expected = np.full(weeks, nan)  # 4w mean needs 4 weeks, then 12 more -> week index 14
    expected[14] = T
    assert_array_equal(
        gate.evaluate({"isis_attacks": attacks, "isf_counter_terrorism": isf}), expected
    )
    attacks[13] = 100.0  # mean over weeks 10..13 is 32.5 -> false for 12 weeks from week 13
    expected[13:] = F
    assert_array_equal(
        gate.evaluate({"isis_attacks": attacks, "isf_counter_terrorism": isf}), expected
    )


# --- API -----------------------------------------------------------------------------------
def test_indicators_and_value_semantics() -> None:
    gate = parse_gate("sustained(mean(a_1, 4w) <= 12, 2w) and (b >= a_1 or not c2 > -1)")
    assert gate.indicators() == frozenset({"a_1", "b", "c2"})
    assert parse_gate("true or 1 < 2").indicators() == frozenset()
    assert gate == parse_gate(gate.text, source="elsewhere")
    assert isinstance(gate, Gate) and gate.text.startswith("sustained(")


def test_identifiers_may_start_with_a_keyword_or_function_name() -> None:
    assert parse_gate("android > 1 or notes < 2 and mean > 0").indicators() == {
        "android",
        "notes",
        "mean",
    }


def test_missing_series_names_the_indicator() -> None:
    gate = parse_gate("a > 1 and bravo > 2", source="p1")
    with pytest.raises(GateError) as info:
        gate.evaluate({"a": arr(1, 2)})
    assert 'indicator "bravo"' in str(info.value)
    assert info.value.details["column"] == 11


def test_mismatched_series_lengths_are_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_gate("a > b").evaluate({"a": arr(1, 2), "b": arr(1, 2, 3)})


def test_result_length_and_dtype_follow_the_series() -> None:
    got = parse_gate("true").evaluate({"x": np.arange(3)})
    assert got.dtype == np.float64
    assert_array_equal(got, arr(1, 1, 1))
    empty = parse_gate("sustained(sum(x, 2w) > 1, 3w)").evaluate({"x": arr()})
    assert empty.shape == (0,)


def test_a_gate_of_no_indicator_takes_the_number_of_weeks() -> None:
    assert_array_equal(parse_gate("true").evaluate({}, weeks=3), arr(T, T, T))
    assert_array_equal(parse_gate("false or 1 > 2").evaluate({}, weeks=2), arr(F, F))
    assert parse_gate("true").evaluate({}, weeks=0).shape == (0,)
    with pytest.raises(ValueError, match="give weeks="):
        parse_gate("true").evaluate({})


def test_weeks_given_with_series_must_match_them() -> None:
    x = arr(1, 2, 3)
    assert_array_equal(parse_gate("x > 1").evaluate({"x": x}, weeks=3), arr(F, T, T))
    with pytest.raises(ValueError, match="weeks=4 but the series have 3 weeks"):
        parse_gate("x > 1").evaluate({"x": x}, weeks=4)
    with pytest.raises(ValueError, match="weeks=2 but the series have 3 weeks"):
        parse_gate("true").evaluate({"x": x}, weeks=2)
    with pytest.raises(ValueError, match="negative"):
        parse_gate("true").evaluate({}, weeks=-1)


# --- limits --------------------------------------------------------------------------------
def test_nesting_up_to_the_limit_parses_and_evaluates() -> None:
    assert MAX_NESTING == 50 and MAX_TERMS == 200
    text = "z > 1"
    for _ in range(MAX_NESTING):  # the deepest tree the limits allow, about 450 frames
        text = f"a > 1 or b > 1 and not sustained({text}, 1w)"
    x = arr(2, 2)
    assert_array_equal(parse_gate(text).evaluate({"a": x, "b": x, "z": x}), arr(T, T))
    many = " or ".join(["x > 1"] * MAX_TERMS)
    assert_array_equal(run(many, x=arr(0, 2)), arr(F, T))


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("(" * 51 + "x > 1" + ")" * 51, 51, "too deeply nested (at most 50 levels of parentheses)"),
        ("(" * 5000 + "x > 1" + ")" * 5000, 51, "too deeply nested"),
        ("mean(" * 60 + "x" + ", 1w)" * 60 + " > 1", 51 * 5, "too deeply nested"),
        (
            " or ".join(["x>1"] * 201),
            200 * 7 - 2,
            "too many conditions joined by and/or (at most 200)",
        ),
        (" and ".join(["x>1"] * 5000), 200 * 8 - 3, "too many conditions joined by and/or"),
    ],
)
def test_nesting_beyond_the_limits_is_refused_naming_the_gate(
    text: str, column: int, fragment: str
) -> None:
    with pytest.raises(GateError) as info:
        parse_gate(text, source="phase handover, gate north")
    first = str(info.value).split("\n")[0]
    assert first.startswith('gate "phase handover, gate north": ' + fragment)
    assert first.endswith(f"at column {column}")


def test_a_long_chain_of_not_is_folded() -> None:
    x = arr(0, 2)
    assert_array_equal(run("not " * 5000 + "x > 1", x=x), arr(F, T))
    assert_array_equal(run("not " * 5001 + "x > 1", x=x), arr(T, F))
    with pytest.raises(GateError, match="expected a condition, got a number at column 20001"):
        parse_gate("not " * 5000 + "x")


# --- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("x >= >= 3", 6, 'unexpected ">="'),
        ("a < b < c", 7, 'unexpected "<"'),
        ("x >= ", 5, "unexpected end of input"),
        ("x = 3", 3, 'unexpected "="'),
        ("4w > 1", 1, 'unexpected "4w"'),
        ("Foo > 1", 1, "lowercase"),
        ("mean(x, 4w)", 1, "must be a condition"),
        ("sustained(x, 4w)", 11, "expected a condition, got a number"),
        ("x > 1 and mean(a > 1, 4w) < 2", 16, "expected a number, got a condition"),
        ("median(x, 4w) > 1", 1, 'unknown function "median"'),
        ("x > 1 or mean(x, 0w) > 1", 18, "at least 1w"),
        ("x > 1 or mean(x, 521w) > 1", 18, "a window of 521w is too long (at most 520w)"),
        ("sustained(x > 1, 99999999999w)", 18, "a window of 99999999999w is too long"),
        ("mean(x, 4) > 1", 9, "like 4w"),
        ("sum(x) > 1", 1, "sum() takes a series and a window"),
        ("not x", 5, "expected a condition"),
        ("true and", 9, "unexpected end of input"),
        ("", 1, "empty"),
    ],
)
def test_errors_carry_column_and_caret(text: str, column: int, fragment: str) -> None:
    with pytest.raises(GateError) as info:
        parse_gate(text, source="phase 1 / north")
    err = info.value
    message = str(err)
    first, shown, caret = message.split("\n")
    assert first.startswith('gate "phase 1 / north": ')
    assert fragment in first
    assert first.endswith(f"at column {column}")
    assert shown == "  " + text
    assert caret == " " * (column + 1) + "^"
    assert err.details == {
        "source": "phase 1 / north",
        "line": 1,
        "column": column,
        "expression": text,
    }
    assert isinstance(err, ConfigError) and err.code == "invalid_gate" and err.status == 422


def test_a_window_is_at_most_ten_years() -> None:
    assert MAX_WINDOW == 520
    x = np.arange(520.0)
    assert run("sum(x, 520w) >= 0 and sustained(x >= 0, 520w)", x=x)[-1] == T
    assert run("mean(x, 0520w) > 0", x=x)[-1] == T  # leading zeros are the same number
    with pytest.raises(GateError) as info:  # int() refuses 4,300 digits: still a GateError
        parse_gate(f"mean(x, {'9' * 5000}w) > 1")
    first = str(info.value).splitlines()[0]
    assert first == f'gate "gate": a window of {"9" * 20}…w is too long (at most 520w) at column 9'


def test_error_message_matches_the_documented_shape() -> None:
    with pytest.raises(GateError) as info:
        parse_gate("x >= >= 3", source="p")
    assert str(info.value) == 'gate "p": unexpected ">=" at column 6\n  x >= >= 3\n       ^'


def test_unknown_function_lists_the_known_ones() -> None:
    with pytest.raises(GateError, match=r"known: mean, sum, min, max, sustained"):
        parse_gate("median(x, 4w) > 1")


def test_multiline_gate_reports_line_and_column() -> None:
    with pytest.raises(GateError) as info:
        parse_gate("x > 1 and\n  y")
    assert info.value.details["line"] == 2 and info.value.details["column"] == 3
    assert str(info.value).endswith("\n    y\n    ^")


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "x > 1; import os", "x.__class__ > 1", "x > 1 # comment", "lambda: 1"],
)
def test_python_is_not_evaluated(text: str) -> None:
    with pytest.raises(GateError, match="unexpected"):
        parse_gate(text)
