"""Dates and months in every format departments use (see docs/contracts.md).

Accepted date formats: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY/M/D``, ``YYYYMMDD``,
``YYYY.MM.DD``, ``YYYY年M月D日``, ``YYYY-MM-DD HH:MM:SS`` (the time is dropped), native date
cells (readers render them as ISO text) and, when ``excel_serial=True``, Excel serial day
numbers (1900 date system, as xlsx files store dates typed as numbers).

Impossible dates (``2019-02-30``, month 13, year 0) are invalid, never "rolled over".

>>> r = parse_dates(["2019年3月5日", "2019-02-30", "", "20190305"])
>>> r.dates.to_pylist()
[datetime.date(2019, 3, 5), None, None, datetime.date(2019, 3, 5)]
>>> r.invalid.tolist()
[False, True, False, False]
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.normalise._arrow import ArrayLike, fixed_width_matrix, present_mask, to_bool_mask
from jingzhun.normalise.text import normalise_strings, remove_spaces

_DAYS_BEFORE = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)

# Tried in order on the values not matched yet. Named groups y, m, d (or n for serials).
_DATE_PATTERNS = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?$",
    r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?$",
    r"^(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
    r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$",
)
_SERIAL_PATTERN = r"^(?P<n>\d{1,7})(?:\.\d+)?$"
_MONTH_PATTERNS = (
    r"^(?P<y>\d{4})(?P<m>\d{2})$",
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$",
    r"^(?P<y>\d{4})年(?P<m>\d{1,2})月$",
)
_EXCEL_EPOCH_DAYS = -25569  # 1899-12-30 as days since 1970-01-01


class DateParse(NamedTuple):
    """Result of :func:`parse_dates`: ``dates`` (date32, null when empty or invalid) and
    ``invalid`` (numpy bool: a value was given but is not a date)."""

    dates: pa.Array
    invalid: np.ndarray


class MonthParse(NamedTuple):
    """Result of :func:`parse_months`: ``months`` (``YYYY-MM`` strings) and ``invalid``."""

    months: pa.Array
    invalid: np.ndarray


def is_leap(y: np.ndarray) -> np.ndarray:
    return (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))


def valid_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Vectorised: True where (y, m, d) is a real calendar date with 1 <= y <= 9999."""
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    ok = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12) & (d >= 1)
    mdays = _DAYS_BEFORE[np.clip(m, 0, 12)] + ((m == 2) & is_leap(y))
    return ok & (d <= mdays)


def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Vectorised days since 1970-01-01 for proleptic Gregorian dates (H. Hinnant)."""
    y = np.asarray(y, dtype=np.int64) - (np.asarray(m) <= 2)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`days_from_civil`."""
    z = np.asarray(z, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_ISO_SEPS = np.zeros(256, dtype=bool)
_ISO_SEPS[[ord("-"), ord("/"), ord(".")]] = True


def ymd_from_matrix(mat: np.ndarray, pos: tuple[int, int, int]) -> tuple[np.ndarray, ...]:
    """Year, month, day from fixed positions of an (n, w) ASCII matrix (4, 2, 2 digits)."""
    v = mat.astype(np.int64) - ord("0")
    yp, mp, dp = pos
    y = v[:, yp] * 1000 + v[:, yp + 1] * 100 + v[:, yp + 2] * 10 + v[:, yp + 3]
    return y, v[:, mp] * 10 + v[:, mp + 1], v[:, dp] * 10 + v[:, dp + 1]


def _fast_fixed(arr: pa.Array, todo: np.ndarray, days: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Fast path for the common fixed-width shapes (YYYY-MM-DD, YYYYMMDD, with time):
    decided with numpy on the bytes; returns the rows still to try with the regexes."""
    if len(todo) == 0:
        return todo
    sub = arr.take(pa.array(todo)) if len(todo) < len(arr) else arr
    blen = pc.fill_null(pc.binary_length(sub), 0).to_numpy(zero_copy_only=False)
    decided = np.zeros(len(todo), dtype=bool)
    for width in (10, 8, 19):
        rows = np.flatnonzero(blen == width)
        if len(rows) == 0:
            continue
        mat = fixed_width_matrix(sub.take(pa.array(rows)), width)
        isd = _DIGIT[mat]
        if width == 8:
            shape = isd.all(axis=1)
            y, m, d = ymd_from_matrix(mat, (0, 4, 6))
        else:
            shape = (isd[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & _ISO_SEPS[mat[:, 4]]
                     & (mat[:, 4] == mat[:, 7]))
            if width == 19:
                shape &= (isd[:, [11, 12, 14, 15, 17, 18]].all(axis=1)
                          & ((mat[:, 10] == ord(" ")) | (mat[:, 10] == ord("T")))
                          & (mat[:, 13] == ord(":")) & (mat[:, 16] == ord(":"))
                          & (mat[:, 4] != ord(".")))
            y, m, d = ymd_from_matrix(mat, (0, 5, 8))
        good = shape & valid_ymd(y, m, d)
        target = todo[rows[good]]
        days[target] = days_from_civil(y[good], m[good], d[good])
        ok[target] = True
        decided[rows[shape]] = True
    return todo[~decided]


def _extract_ints(arr: pa.Array, pattern: str, names: tuple[str, ...]):
    res = pc.extract_regex(arr, pattern)
    matched = to_bool_mask(pc.is_valid(res))
    out = []
    for name in names:
        field = pc.struct_field(res, name)
        field = pc.if_else(pc.is_valid(res), field, pa.scalar("0"))
        field = pc.if_else(pc.equal(field, ""), pa.scalar("0"), field)
        out.append(pc.cast(field, pa.int64()).to_numpy(zero_copy_only=False))
    return matched, out


def _prepare(values: ArrayLike) -> pa.Array:
    arr = normalise_strings(values)
    # "2019 年 3 月 5 日" and similar: drop inner spaces only around 年月日.
    if pc.any(pc.fill_null(pc.match_substring(arr, "年"), False)).as_py():
        cn = pc.fill_null(pc.match_substring(arr, "年"), False)
        arr = pc.if_else(cn, remove_spaces(arr), arr)
    return arr


def parse_dates(values: ArrayLike, *, excel_serial: bool = False) -> DateParse:
    """Parse any supported date text → date32 array + invalid mask (see module doc)."""
    arr = _prepare(values)
    n = len(arr)
    present = present_mask(arr)
    days = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    todo = _fast_fixed(arr, np.flatnonzero(present), days, ok)
    patterns: list[tuple[str, bool]] = [(p, False) for p in _DATE_PATTERNS]
    if excel_serial:
        patterns.append((_SERIAL_PATTERN, True))
    for pattern, serial in patterns:
        if len(todo) == 0:
            break
        sub = arr.take(pa.array(todo)) if len(todo) < n else arr
        if serial:
            matched, (num,) = _extract_ints(sub, pattern, ("n",))
            # 1900 system: serial 60 is the fictitious 1900-02-29; 1..59 are one day later.
            good = matched & (num >= 1) & (num != 60) & (num <= 2958465)
            d = np.where(num < 60, num + _EXCEL_EPOCH_DAYS + 1, num + _EXCEL_EPOCH_DAYS)
        else:
            matched, (y, m, dd) = _extract_ints(sub, pattern, ("y", "m", "d"))
            good = matched & valid_ymd(y, m, dd)
            d = days_from_civil(y, m, dd)
        rows = todo[good]
        days[rows] = d[good]
        ok[rows] = True
        todo = todo[~matched]
    dates = pa.array(days.astype(np.int32), type=pa.int32(), mask=~ok).cast(pa.date32())
    return DateParse(dates, present & ~ok)


def parse_months(values: ArrayLike) -> MonthParse:
    """Parse ``YYYYMM``, ``YYYY-MM``, ``YYYY/MM``, ``YYYY年M月`` → ``YYYY-MM`` strings."""
    arr = _prepare(values)
    n = len(arr)
    present = present_mask(arr)
    ys = np.zeros(n, dtype=np.int64)
    ms = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    todo = np.flatnonzero(present)
    # Fast path: YYYYMM and YYYY-MM decided with numpy on the bytes.
    if len(todo):
        blen = pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
        decided = np.zeros(n, dtype=bool)
        for width in (6, 7):
            rows = np.flatnonzero(blen == width)
            if len(rows) == 0:
                continue
            mat = fixed_width_matrix(arr.take(pa.array(rows)), width)
            isd = _DIGIT[mat]
            if width == 6:
                shape = isd.all(axis=1)
            else:
                shape = isd[:, [0, 1, 2, 3, 5, 6]].all(axis=1) & _ISO_SEPS[mat[:, 4]]
            v = mat.astype(np.int64) - ord("0")
            y = v[:, 0] * 1000 + v[:, 1] * 100 + v[:, 2] * 10 + v[:, 3]
            m = v[:, width - 2] * 10 + v[:, width - 1]
            good = shape & (y >= 1) & (m >= 1) & (m <= 12)
            target = rows[good]
            ys[target], ms[target], ok[target] = y[good], m[good], True
            decided[rows[shape]] = True
        todo = todo[~decided[todo]]
    for pattern in _MONTH_PATTERNS:
        if len(todo) == 0:
            break
        sub = arr.take(pa.array(todo)) if len(todo) < n else arr
        matched, (y, m) = _extract_ints(sub, pattern, ("y", "m"))
        good = matched & (y >= 1) & (m >= 1) & (m <= 12)
        rows = todo[good]
        ys[rows], ms[rows], ok[rows] = y[good], m[good], True
        todo = todo[~matched]
    ystr = pc.utf8_lpad(pc.cast(pa.array(ys), pa.string()), 4, "0")
    mstr = pc.utf8_lpad(pc.cast(pa.array(ms), pa.string()), 2, "0")
    months = pc.binary_join_element_wise(ystr, mstr, "-")
    months = pc.if_else(pa.array(ok), months, pa.scalar(None, pa.string()))
    return MonthParse(months, present & ~ok)


def period_end(period: str) -> _dt.date:
    """Last day of a ``YYYY-MM`` period.

    >>> period_end("2024-02")
    datetime.date(2024, 2, 29)
    """
    y, m = int(period[:4]), int(period[5:7])
    nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def date_to_days(d: _dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - _dt.date(1970, 1, 1)).days
