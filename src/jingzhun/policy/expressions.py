"""Rule conditions: a small, safe expression language compiled to Ibis (never ``eval``).

The syntax is a subset of Python expressions, parsed with :mod:`ast` and checked against a
whitelist::

    per_capita_income_fen < param("poverty_line_fen") and not owns_car
    oop_medical_12m_fen >= param("warning.oop_inpatient_fen") or new_serious_illness
    housing_grade in ["C", "D"]
    coalesce(labour_count, 0) == 0

Names are indicator columns; ``param("name")`` is a dated parameter resolved for the period;
functions: ``coalesce(a, b)``, ``is_null(a)``, ``abs(a)``, ``min(a, b)``, ``max(a, b)`` (min and
max skip nulls, as DuckDB and Spark do).
Division is guarded (``a / b`` is null when ``b`` is 0), because engines disagree on
division by zero. The compiled expression is an Ibis value, so it runs on any engine.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from jingzhun.errors import ConfigError

_COMPARE = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}
_ARITH = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
}


@dataclass(frozen=True)
class ParsedExpression:
    text: str
    tree: ast.Expression
    names: frozenset[str]
    params: frozenset[str]


class ExpressionError(ConfigError):
    """A rule condition that is not in the expression language."""


def parse(text: str, *, where: str = "condition") -> ParsedExpression:
    """Parse and check ``text``; returns the names and parameters it uses."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"cannot parse {text!r}: {exc.msg} at column {exc.offset}", where=where,
            fix="write a condition such as: per_capita_income_fen < param(\"poverty_line_fen\")",
        ) from exc
    names: set[str] = set()
    params: set[str] = set()
    for node in ast.walk(tree):
        _check(node, text, where)
        if isinstance(node, ast.Call) and node.func.id == "param":  # type: ignore[union-attr]
            params.add(node.args[0].value)  # type: ignore[attr-defined]
        elif isinstance(node, ast.Name) and not _is_function_name(tree, node):
            names.add(node.id)
    return ParsedExpression(text, tree, frozenset(names - {"True", "False"}), frozenset(params))


_FUNCTIONS = {"param", "coalesce", "is_null", "abs", "min", "max"}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Name, ast.Load, ast.Constant, ast.Call,
    ast.List, ast.Tuple, ast.In, ast.NotIn, *(_COMPARE.keys()),
)


def _is_function_name(tree: ast.AST, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))


def _check(node: ast.AST, text: str, where: str) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(
            f"{type(node).__name__} is not allowed in a condition: {text!r}", where=where,
            fix="use names, numbers, strings, and/or/not, comparisons, + - * /, in [...], "
                "param(), coalesce(), is_null(), abs(), min(), max()",
        )
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
            raise ExpressionError(
                f"unknown function in {text!r}", where=where,
                fix=f"functions allowed: {', '.join(sorted(_FUNCTIONS))}",
            )
        if node.func.id == "param" and not (
            len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            raise ExpressionError(
                f"param() takes one parameter name in quotes: {text!r}", where=where,
                fix='write param("poverty_line_fen")',
            )
    if isinstance(node, ast.Compare):
        for op, comp in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)) and not isinstance(comp, (ast.List, ast.Tuple)):
                raise ExpressionError(
                    f"'in' needs a literal list: {text!r}", where=where,
                    fix='write housing_grade in ["C", "D"]',
                )


def compile_expression(
    parsed: ParsedExpression, table: ir.Table, resolve_param: Callable[[str], Any],
    *, where: str = "condition",
) -> ir.Value:
    """Build the Ibis expression of ``parsed`` over ``table``'s columns."""
    missing = sorted(n for n in parsed.names if n not in table.columns)
    if missing:
        raise ExpressionError(
            f"condition uses unknown indicator(s): {', '.join(missing)}", where=where,
            fix="use indicator names from the indicator schema (docs/policy.md, section Indicators)",
        )

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            return ibis.literal(node.value)
        if isinstance(node, ast.Name):
            return table[node.id]
        if isinstance(node, ast.BoolOp):
            values = [build(v) for v in node.values]
            out = values[0]
            for v in values[1:]:
                out = (out & v) if isinstance(node.op, ast.And) else (out | v)
            return out
        if isinstance(node, ast.UnaryOp):
            v = build(node.operand)
            return ~v if isinstance(node.op, ast.Not) else -v
        if isinstance(node, ast.BinOp):
            a, b = build(node.left), build(node.right)
            if isinstance(node.op, ast.Div):
                return a / b.nullif(0)
            return _ARITH[type(node.op)](a, b)
        if isinstance(node, ast.Compare):
            left = build(node.left)
            result = None
            for op, comp in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)):
                    options = [c.value for c in comp.elts]  # type: ignore[attr-defined]
                    term = left.isin(options) if isinstance(op, ast.In) else left.notin(options)
                    right = None
                else:
                    right = build(comp)
                    term = _COMPARE[type(op)](left, right)
                result = term if result is None else (result & term)
                if right is not None:
                    left = right
            return result
        if isinstance(node, ast.Call):
            fn = node.func.id  # type: ignore[union-attr]
            if fn == "param":
                return ibis.literal(resolve_param(node.args[0].value))  # type: ignore[attr-defined]
            args = [build(a) for a in node.args]
            if fn == "coalesce":
                return ibis.coalesce(*args)
            if fn == "is_null":
                return args[0].isnull()
            if fn == "abs":
                return args[0].abs()
            if fn == "min":
                return ibis.least(*args)
            if fn == "max":
                return ibis.greatest(*args)
        raise ExpressionError(f"cannot compile {ast.dump(node)}", where=where)  # pragma: no cover

    return build(parsed.tree)
