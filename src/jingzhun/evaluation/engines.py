"""Same answers on every engine: compare two workspaces' output tables row for row.

Used by the engine-comparison test (tests/engine/test_same_answers.py) and
``jingzhun bench pipeline --compare``. Tables are written in a fixed row order by every stage,
so rows are compared position by position; money is integer fen, so only doubles (model
scores, probabilities, shares) get a tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

#: Zones whose every table must agree between engines.
COMPARED_ZONES = ("validated", "quarantine", "registry", "indicators", "decisions", "outputs")

#: Relative tolerance on doubles (engines may sum in a different order).
FLOAT_RTOL = 1e-9


@dataclass
class TableDiff:
    table: str
    rows: tuple[int, int]
    problems: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.problems


def output_tables(root: Path, zones: tuple[str, ...] = COMPARED_ZONES) -> list[str]:
    """Parquet tables under ``zones`` of a workspace, relative paths, sorted."""
    out = []
    for zone in zones:
        base = Path(root) / zone
        if base.exists():
            out += [str(p.relative_to(root)) for p in base.rglob("*.parquet")
                    if not p.name.startswith(".")]
    return sorted(out)


def _column_problem(name: str, a: pd.Series, b: pd.Series) -> str | None:
    na, nb = a.isna().to_numpy(), b.isna().to_numpy()
    if (na != nb).any():
        i = int(np.flatnonzero(na != nb)[0])
        return f"{name}: null differs at row {i} ({a.iloc[i]!r} vs {b.iloc[i]!r})"
    keep = ~na
    if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
        x, y = a.to_numpy(float)[keep], b.to_numpy(float)[keep]
        bad = ~np.isclose(x, y, rtol=FLOAT_RTOL, atol=1e-12, equal_nan=True)
    else:
        x, y = a.to_numpy(object)[keep], b.to_numpy(object)[keep]
        bad = np.array([_norm(u) != _norm(v) for u, v in zip(x, y, strict=True)], dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(keep)[np.flatnonzero(bad)[0]])
        return (f"{name}: {int(bad.sum())} values differ, first at row {i} "
                f"({a.iloc[i]!r} vs {b.iloc[i]!r})")
    return None


def _norm(v: object) -> object:
    """Values equal across engines' Arrow types (int32 vs int64, numpy vs Python, lists)."""
    if isinstance(v, np.ndarray):
        return tuple(_norm(x) for x in v.tolist())
    if isinstance(v, (list, tuple)):
        return tuple(_norm(x) for x in v)
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, pd.Timestamp):
        return v.tz_localize(None) if v.tzinfo else v
    return v


def compare_table(a: Path, b: Path, name: str) -> TableDiff:
    ta, tb = pq.read_table(a), pq.read_table(b)
    diff = TableDiff(name, (ta.num_rows, tb.num_rows))
    if ta.column_names != tb.column_names:
        only_a = sorted(set(ta.column_names) - set(tb.column_names))
        only_b = sorted(set(tb.column_names) - set(ta.column_names))
        diff.problems.append(f"columns differ (only first: {only_a}, only second: {only_b}, "
                             f"or another order)")
        return diff
    if ta.num_rows != tb.num_rows:
        diff.problems.append(f"rows differ: {ta.num_rows} vs {tb.num_rows}")
        return diff
    fa, fb = ta.to_pandas(), tb.to_pandas()
    for col in ta.column_names:
        problem = _column_problem(col, fa[col], fb[col])
        if problem:
            diff.problems.append(problem)
    return diff


def compare_workspaces(a: Path, b: Path, zones: tuple[str, ...] = COMPARED_ZONES) -> dict:
    """Every output table of two workspaces: ``{"tables": n, "rows": n, "differences":
    {table: [problems]}, "missing": {"first": [...], "second": [...]}}``."""
    ta, tb = output_tables(a, zones), output_tables(b, zones)
    diffs, rows = {}, 0
    for name in sorted(set(ta) & set(tb)):
        d = compare_table(Path(a) / name, Path(b) / name, name)
        rows += d.rows[0]
        if not d.same:
            diffs[name] = d.problems
    return {"tables": len(set(ta) & set(tb)), "rows": rows, "differences": diffs,
            "missing": {"first": sorted(set(tb) - set(ta)), "second": sorted(set(ta) - set(tb))}}
