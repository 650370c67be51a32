"""A contract compiled to a pandera schema, and pandera's failure cases turned into reasons.

The frame that is validated has one column per canonical field (pyarrow-backed pandas):
typed values for dates and numbers (null when empty *or* unparseable), and the trimmed,
folded source value for code, boolean and area-code columns (so the code list can be checked
with ``isin`` before mapping). Parse failures themselves (``invalid_date``,
``invalid_number``) come from the normalisers; a ``not_nullable`` failure on a value that was
given but could not be parsed is therefore not reported again as ``missing_required``.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa_
from pandera.errors import SchemaErrors

from jingzhun.contracts.model import ColumnSpec, Contract
from jingzhun.errors import JingzhunError
from jingzhun.normalise.codes import AREA_CODE_RE, normalise_code_key


@dataclass(frozen=True)
class CompiledSchema:
    """A pandera schema plus, per (field, check number), the reason code it stands for."""

    schema: pa_.DataFrameSchema
    check_reasons: dict[tuple[str, int], str]
    field_order: dict[str, int]
    bounds: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _bounds(col: ColumnSpec, period: str | None) -> tuple[Any, Any]:
    if col.type == "date":
        return col.date_bound("min", period), col.date_bound("max", period)
    if col.type in ("integer", "money"):
        return (None if col.min is None else int(col.min),
                None if col.max is None else int(col.max))
    if col.type == "decimal":
        return (None if col.min is None else float(col.min),
                None if col.max is None else float(col.max))
    return None, None


def compile_schema(contract: Contract, period: str | None) -> CompiledSchema:
    """Compile the contract's column rules (for one extract period) to a pandera schema.

    Rules: ``required`` → not nullable (``missing_required``); code lists → ``isin``
    (``invalid_code``); area codes → ``str_matches`` (``invalid_code``); ``min``/``max`` →
    ``ge``/``le`` (``out_of_range``; ``max: extract`` = last day of the extract month, skipped
    when the file name has no period).
    """
    columns: dict[str, pa_.Column] = {}
    reasons: dict[tuple[str, int], str] = {}
    bounds: dict[str, tuple[Any, Any]] = {}
    for col in contract.columns:
        checks: list[pa_.Check] = []
        kinds: list[str] = []
        if col.type in ("code", "boolean"):
            keys = sorted({normalise_code_key(k) for k in (col.codes or {})})
            checks.append(pa_.Check.isin(keys))
            kinds.append("invalid_code")
        elif col.type == "area_code":
            checks.append(pa_.Check.str_matches(AREA_CODE_RE))
            kinds.append("invalid_code")
        lo, hi = _bounds(col, period)
        bounds[col.field] = (lo, hi)
        if lo is not None:
            checks.append(pa_.Check.ge(lo))
            kinds.append("out_of_range")
        if hi is not None:
            checks.append(pa_.Check.le(hi))
            kinds.append("out_of_range")
        for i, kind in enumerate(kinds):
            reasons[(col.field, i)] = f"{kind}:{col.field}"
        # id_number never quarantines (missing IDs are warning flags), even if required.
        nullable = not col.required or col.type == "id_number"
        if nullable and not checks:
            continue  # nothing pandera could report for this column
        columns[col.field] = pa_.Column(
            checks=checks or None, nullable=nullable, coerce=False, required=True,
            description=col.label_en,
        )
    schema = pa_.DataFrameSchema(columns, coerce=False, strict=False,
                                 name=f"contract:{contract.department}")
    order = {c.field: i for i, c in enumerate(contract.columns)}
    return CompiledSchema(schema, reasons, order, bounds)


def run_schema(
    compiled: CompiledSchema, frame: pd.DataFrame, parse_invalid: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Validate ``frame`` lazily; return ``{reason: bool mask}`` for the failing rows.

    ``parse_invalid`` holds, per field, the rows whose value was given but could not be
    parsed: their ``not_nullable`` failure is not a ``missing_required``.
    """
    n = len(frame)
    out: dict[str, np.ndarray] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandas concat notice in pandera
            compiled.schema.validate(frame, lazy=True, inplace=True)
        return out
    except SchemaErrors as exc:
        fc = exc.failure_cases
    for (column, check, check_number), group in fc.groupby(
        ["column", "check", "check_number"], dropna=False, sort=False
    ):
        idx = group["index"].to_numpy()
        if len(idx) and pd.isna(idx).any():
            raise JingzhunError(
                f"pandera reported a schema-level failure on column {column!r}: {check}",
                where=compiled.schema.name,
                fix="this is a bug in Jingzhun's contract compilation; report it with the contract",
            )
        idx = idx.astype(np.int64)
        if check == "not_nullable":
            reason = f"missing_required:{column}"
            bad = parse_invalid.get(str(column))
            if bad is not None:
                idx = idx[~bad[idx]]
        else:
            key = (str(column), int(check_number))
            found = compiled.check_reasons.get(key)
            if found is None:
                raise JingzhunError(f"unexpected pandera check {check!r} on {column!r}",
                                    where=compiled.schema.name)
            reason = found
        if len(idx) == 0:
            continue
        mask = out.get(reason)
        if mask is None:
            mask = out[reason] = np.zeros(n, dtype=bool)
        mask[idx] = True
    return out


def duplicate_rows(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows that repeat an earlier row on ``columns`` (the first occurrence is kept), and for
    each row the position of the first row with the same values (-1 when not a duplicate).

    ``frame`` must have a RangeIndex. pandera's column ``unique`` check decides; it runs only
    on the rows that take part in a duplicate group (found with pandas hashing, narrowing on
    the first column: put the most selective column first), so it stays cheap on millions of
    rows.
    """
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    if n == 0 or not columns:
        return out, first
    # Rows duplicated on the first column are a superset of the rows duplicated on all of
    # them: narrow on it first (usually to nothing), then test all columns on what is left.
    subset = frame
    steps = [columns[:1], columns] if len(columns) > 1 else [columns]
    for cols in steps:
        involved = subset.duplicated(subset=cols, keep=False).to_numpy()
        if not involved.any():
            return out, first
        if not involved.all():
            subset = subset.loc[involved]
    # One integer per distinct combination among the involved rows; pandera's column-level
    # ``unique`` check (exclude_first) then decides which rows repeat an earlier one.
    groups = subset.groupby(columns, dropna=False, sort=False).ngroup().to_numpy(np.int64)
    positions = subset.index.to_numpy(np.int64)
    schema = pa_.DataFrameSchema(
        {"_group": pa_.Column(int, unique=True, report_duplicates="exclude_first")}
    )
    try:
        schema.validate(pd.DataFrame({"_group": groups}, index=positions), lazy=True)
    except SchemaErrors as exc:
        idx = exc.failure_cases["index"].dropna().to_numpy().astype(np.int64)
        out[np.unique(idx)] = True
    _, first_at = np.unique(groups, return_index=True)  # first occurrence of each group
    first_pos = positions[first_at]
    first[positions] = first_pos[groups]
    first[~out] = -1
    return out, first


def date_bound_text(value: Any) -> str:
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)
