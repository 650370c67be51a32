"""Birth dates compared the way clerks get them wrong: day and month swapped, day mistyped.

Levels: ``exact`` → ``day_month_swapped`` (1985-03-12 vs 1985-12-03) → ``same_year_month``
→ ``different``; ``None`` when either date is missing. The Splink comparison
(:func:`jingzhun.linkage.comparisons.birth_date_comparison`) adds, between the swap and the
same year-month, a "one mistyped character" level built on the ID near-miss
(:func:`jingzhun.linkage.idnumber.id_near_miss` on the date text).

>>> import datetime as dt
>>> birth_date_level(dt.date(1985, 3, 12), dt.date(1985, 12, 3))
'day_month_swapped'
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EXACT = "exact"
SWAPPED = "day_month_swapped"
SAME_YEAR_MONTH = "same_year_month"
DIFFERENT = "different"
LEVELS = (EXACT, SWAPPED, SAME_YEAR_MONTH, DIFFERENT)


def is_day_month_swap(a: _dt.date | None, b: _dt.date | None) -> bool | None:
    """True if ``b`` is ``a`` with day and month exchanged (and the two dates differ).

    >>> import datetime as dt
    >>> is_day_month_swap(dt.date(1985, 3, 12), dt.date(1985, 12, 3))
    True
    >>> is_day_month_swap(dt.date(1985, 3, 3), dt.date(1985, 3, 3))
    False
    """
    if a is None or b is None:
        return None
    return a != b and a.year == b.year and a.month == b.day and a.day == b.month


def birth_date_level(a: _dt.date | None, b: _dt.date | None) -> str | None:
    """The comparison level of two birth dates (see the module doc)."""
    if a is None or b is None:
        return None
    if a == b:
        return EXACT
    if is_day_month_swap(a, b):
        return SWAPPED
    if a.year == b.year and a.month == b.month:
        return SAME_YEAR_MONTH
    return DIFFERENT


def _as_date_array(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        try:
            import pandas as pd

            if isinstance(values, pd.Series):
                values = pd.to_datetime(values, errors="coerce").dt.date
                values = values.astype(object).where(values.notna(), None).tolist()
        except ImportError:  # pragma: no cover
            pass
        values = pa.array(list(values), type=pa.date32(), from_pandas=True)
    if values.type != pa.date32():
        values = pc.cast(values, pa.date32())
    return values


def date_parts(values: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day (int32, 0 where missing) and a validity mask of a date column."""
    arr = _as_date_array(values)
    valid = np.asarray(pc.is_valid(arr).to_numpy(zero_copy_only=False), dtype=bool)
    filled = pc.fill_null(arr, pa.scalar(_dt.date(1970, 1, 1), pa.date32()))
    year = pc.year(filled).to_numpy().astype(np.int32)
    month = pc.month(filled).to_numpy().astype(np.int32)
    day = pc.day(filled).to_numpy().astype(np.int32)
    return np.where(valid, year, 0), np.where(valid, month, 0), np.where(valid, day, 0), valid


def birth_date_levels(left: Any, right: Any) -> pa.Array:
    """Vectorised :func:`birth_date_level` over two aligned date columns.

    >>> import datetime as dt
    >>> birth_date_levels([dt.date(1985, 3, 12), dt.date(1990, 1, 2), None],
    ...                   [dt.date(1985, 12, 3), dt.date(1990, 1, 20), dt.date(1990, 1, 1)]
    ...                   ).to_pylist()
    ['day_month_swapped', 'same_year_month', None]
    """
    ly, lm, ld, lv = date_parts(left)
    ry, rm, rd, rv = date_parts(right)
    if len(ly) != len(ry):
        raise ValueError(f"columns differ in length: {len(ly)} and {len(ry)}")
    same_y = ly == ry
    exact = same_y & (lm == rm) & (ld == rd)
    swapped = same_y & (lm == rd) & (ld == rm) & ~exact
    year_month = same_y & (lm == rm) & ~exact
    code = np.select([exact, swapped, year_month], [0, 1, 2], default=3)
    code = np.where(lv & rv, code, 4)
    dictionary = pa.array([*LEVELS, None], type=pa.string())
    return dictionary.take(pa.array(code))
