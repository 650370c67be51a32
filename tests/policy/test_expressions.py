"""The rule-condition language: what it accepts, what it refuses, and what it computes."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from jingzhun.policy.expressions import ExpressionError, compile_expression, parse
from jingzhun.policy.parameters import ParameterSet

PARAMS = ParameterSet.from_yaml(
    """
poverty_line_fen:
  unit: fen/person/year
  values:
    - {from: 2014-01-01, value: 280000, reference: "domain.md §2: 2800 yuan (2014)"}
    - {from: 2019-01-01, value: 321800, reference: "domain.md §2: 3218 yuan (2019)"}
""",
    "test",
)

HOUSEHOLDS = pa.table({
    "hh": [1, 2, 3, 4],
    "income_fen": [250000, 300000, 500000, None],
    "owns_car": [False, False, True, False],
    "housing_grade": ["A", "C", "D", "B"],
    "members": [2, 0, 3, 1],
})


def _eval(text: str, when=dt.date(2019, 6, 1)) -> list:
    engine = ibis.duckdb.connect()
    t = engine.create_table("h", HOUSEHOLDS)
    expr = compile_expression(parse(text), t, lambda n: PARAMS.at(n, when))
    return engine.to_pyarrow(t.order_by("hh").select(v=expr))["v"].to_pylist()


@pytest.mark.parametrize(
    "text, expected",
    [
        ('income_fen < param("poverty_line_fen")', [True, True, False, None]),
        ('income_fen < param("poverty_line_fen") and not owns_car', [True, True, False, None]),
        ('housing_grade in ["C", "D"]', [False, True, True, False]),
        ('housing_grade not in ["C", "D"]', [True, False, False, True]),
        ("coalesce(income_fen, 0) < 100000", [False, False, False, True]),
        ("is_null(income_fen)", [False, False, False, True]),
        ("income_fen / members > 200000", [False, None, False, None]),
        ("100000 < income_fen <= 300000", [True, True, False, None]),
        # min/max skip nulls (as on DuckDB and Spark)
        ("max(income_fen, 400000) == 400000", [True, True, False, True]),
    ],
)
def test_conditions_compute(text, expected):
    assert _eval(text) == expected


def test_parameter_is_resolved_for_the_period():
    assert _eval('income_fen < param("poverty_line_fen")', dt.date(2015, 1, 1)) == [True, False, False, None]


def test_parse_lists_inputs_and_parameters():
    p = parse('income_fen < param("poverty_line_fen") and not owns_car')
    assert p.names == {"income_fen", "owns_car"}
    assert p.params == {"poverty_line_fen"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("__import__('os').system('true')", "unknown function"),
        ("income_fen.real > 0", "Attribute is not allowed"),
        ("[x for x in y]", "ListComp is not allowed"),
        ("param(poverty_line_fen)", "param\\(\\) takes one parameter name"),
        ("housing_grade in grades", "'in' needs a literal list"),
        ("income_fen <", "cannot parse"),
        ("lambda: 1", "Lambda is not allowed"),
    ],
)
def test_unsafe_or_malformed_conditions_are_refused(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse(text)


def test_unknown_indicator_is_named():
    t = ibis.table({"a": "int64"}, name="t")
    with pytest.raises(ExpressionError, match="unknown indicator\\(s\\): b"):
        compile_expression(parse("b > 1"), t, lambda n: 0)
