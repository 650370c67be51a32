"""Resident identity numbers (公民身份号码, GB 11643-1999).

18 characters = 6-digit area code + 8-digit birth date (YYYYMMDD) + 3-digit sequence
(odd = male) + an ISO 7064 MOD 11-2 check character (0-9 or X). Legacy 15-digit numbers
have a 2-digit year and no check character: they convert by inserting "19" into the year.

Scalar functions for clarity and tests; ``*_array`` functions are vectorised with numpy for
millions of rows.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"  # index = (sum of weighted digits) mod 11
_CHECK_LUT = np.frombuffer(CHECK_CHARS.encode("ascii"), dtype=np.uint8)


def check_char(first17: str) -> str:
    """Check character for the first 17 digits.

    >>> check_char("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * int(w) for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def check_chars_array(first17: np.ndarray) -> np.ndarray:
    """Vectorised check characters: ``first17`` is an (n, 17) uint8 array of digit values.

    Returns an array of dtype ``<U1``.
    """
    idx = (first17.astype(np.int64) @ WEIGHTS) % 11
    return _CHECK_LUT[idx].view("S1").astype("U1")


def is_valid(id18: str) -> bool:
    """True if ``id18`` is 18 characters with a correct check character (upper-case X)."""
    if len(id18) != 18 or not id18[:17].isdigit():
        return False
    return check_char(id18[:17]) == id18[17]


def upgrade_15(id15: str) -> str:
    """Convert a legacy 15-digit number to 18 digits (insert "19", add the check character).

    >>> upgrade_15("110105491231002")
    '11010519491231002X'
    """
    if len(id15) != 15 or not id15.isdigit():
        raise ValueError(f"need 15 digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def digits_matrix(first17: np.ndarray) -> np.ndarray:
    """(n,) array of 17-character ASCII strings → (n, 17) uint8 digit values."""
    raw = np.asarray(first17, dtype="S17")
    return (np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(-1, 17) - ord("0")).astype(
        np.uint8
    )


# --- Vectorised normalisation of raw ID columns (added for ingestion) -----------------------

FLAG_MISSING = "id_missing"
FLAG_INVALID = "id_invalid"
FLAG_UPGRADED = "id_upgraded_15"
EARLIEST_BIRTH_YEAR = 1880


class IdNormalised(NamedTuple):
    """Result of :func:`normalise_ids`.

    ``ids``: 18-character IDs (upper-case X), null when missing or invalid.
    ``flags``: per row ``None`` (valid as given), ``"id_missing"``, ``"id_invalid"`` or
    ``"id_upgraded_15"``.
    ``cleaned``: the value after trimming, full-width folding, space removal and upper-casing
    (upgraded to 18 digits where that succeeded); null when missing. Used to compare rows.
    """

    ids: pa.Array
    flags: pa.Array
    cleaned: pa.Array


_DIGIT_LUT = np.zeros(256, dtype=bool)
_DIGIT_LUT[ord("0") : ord("9") + 1] = True
_CHECK_CHAR_LUT = _DIGIT_LUT.copy()
_CHECK_CHAR_LUT[ord("X")] = True


def _check_bytes(matrix: np.ndarray) -> np.ndarray:
    """Check character (as an ASCII byte) for the first 17 bytes of each row; rows must hold
    digits there (other rows get a meaningless value)."""
    total = np.zeros(len(matrix), dtype=np.int32)
    for i, w in enumerate(WEIGHTS.tolist()):
        total += (matrix[:, i].astype(np.int32) - ord("0")) * w
    return _CHECK_LUT[total % 11]


def _birth_ok(matrix: np.ndarray, start: int, latest_days: int | None) -> np.ndarray:
    from jingzhun.normalise.dates import days_from_civil, valid_ymd

    digits = matrix[:, start : start + 8].astype(np.int32) - ord("0")
    y = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    m = digits[:, 4] * 10 + digits[:, 5]
    d = digits[:, 6] * 10 + digits[:, 7]
    ok = valid_ymd(y, m, d) & (y >= EARLIEST_BIRTH_YEAR)
    if latest_days is not None:
        ok &= days_from_civil(y, m, d) <= latest_days
    return ok


def normalise_ids(values: Any, *, latest: _dt.date | None = None) -> IdNormalised:
    """Normalise raw ID numbers (vectorised).

    Trims, removes inner white space, folds full-width digits, upper-cases ``x``, upgrades
    15-digit legacy numbers to 18 digits, and validates length, digits, the birth date
    (a real date, year >= 1880, not after ``latest`` when given) and the check character.

    >>> r = normalise_ids([" 11010519491231002x ", "110105491231002", "110105194912310021", ""])
    >>> r.ids.to_pylist()
    ['11010519491231002X', '11010519491231002X', None, None]
    >>> r.flags.to_pylist()
    [None, 'id_upgraded_15', 'id_invalid', 'id_missing']
    """
    from jingzhun.normalise._arrow import as_string_array, fixed_width_matrix, to_bool_mask
    from jingzhun.normalise.dates import date_to_days
    from jingzhun.normalise.text import empty_to_null, fold_fullwidth, remove_spaces

    arr = as_string_array(values)
    n = len(arr)
    cleaned = empty_to_null(pc.ascii_upper(remove_spaces(fold_fullwidth(arr))))
    present = to_bool_mask(pc.is_valid(cleaned))
    latest_days = date_to_days(latest) if latest is not None else None

    out = np.zeros((n, 18), dtype=np.uint8)
    valid = np.zeros(n, dtype=bool)
    upgraded = np.zeros(n, dtype=bool)
    blen = pc.fill_null(pc.binary_length(cleaned), 0).to_numpy(zero_copy_only=False)

    rows = np.flatnonzero(blen == 18)
    if len(rows):
        mat = fixed_width_matrix(cleaned.take(pa.array(rows)), 18)
        shape = _DIGIT_LUT[mat[:, :17]].all(axis=1) & _CHECK_CHAR_LUT[mat[:, 17]]
        ok = shape & (_check_bytes(mat) == mat[:, 17]) & _birth_ok(mat, 6, latest_days)
        out[rows] = mat
        valid[rows] = ok

    rows = np.flatnonzero(blen == 15)
    if len(rows):
        mat15 = fixed_width_matrix(cleaned.take(pa.array(rows)), 15)
        shape = _DIGIT_LUT[mat15].all(axis=1)
        mat = np.empty((len(rows), 18), dtype=np.uint8)
        mat[:, :6] = mat15[:, :6]
        mat[:, 6] = ord("1")
        mat[:, 7] = ord("9")
        mat[:, 8:17] = mat15[:, 6:]
        mat[:, 17] = _check_bytes(mat)
        ok = shape & _birth_ok(mat, 6, latest_days)
        out[rows] = mat
        valid[rows] = ok
        upgraded[rows] = ok

    from jingzhun.normalise._arrow import matrix_to_strings

    ids = matrix_to_strings(out, valid)
    if upgraded.any():
        cleaned = pc.if_else(pa.array(upgraded), ids, cleaned)
    flag_codes = np.where(
        ~present, 1, np.where(~valid, 2, np.where(upgraded, 3, 0))
    ).astype(np.int8)
    dictionary = pa.array([None, FLAG_MISSING, FLAG_INVALID, FLAG_UPGRADED], type=pa.string())
    flags = pc.take(dictionary, pa.array(flag_codes))
    return IdNormalised(ids, flags, cleaned)


def sex_from_ids(ids: Any) -> pa.Array:
    """``"male"`` (odd 17th digit) / ``"female"`` for valid 18-character IDs, else null.

    >>> sex_from_ids(["11010519491231002X", None]).to_pylist()
    ['female', None]
    """
    from jingzhun.normalise._arrow import as_string_array

    arr = as_string_array(ids)
    digit = pc.utf8_slice_codeunits(arr, 16, 17)
    ok = pc.and_(pc.equal(pc.utf8_length(arr), 18), pc.utf8_is_digit(digit))
    digit = pc.if_else(ok, digit, pa.scalar("0"))
    odd = pc.equal(pc.bit_wise_and(pc.cast(digit, pa.int8()), 1), 1)
    sex = pc.if_else(odd, pa.scalar("male"), pa.scalar("female"))
    return pc.if_else(ok, sex, pa.scalar(None, pa.string()))


def birth_dates_from_ids(ids: Any) -> pa.Array:
    """Birth dates (date32) encoded in 18-character IDs; null where absent or impossible.

    >>> birth_dates_from_ids(["11010519491231002X"]).to_pylist()
    [datetime.date(1949, 12, 31)]
    """
    from jingzhun.normalise._arrow import as_string_array, fixed_width_matrix, to_bool_mask
    from jingzhun.normalise.dates import days_from_civil, valid_ymd, ymd_from_matrix

    arr = as_string_array(ids)
    n = len(arr)
    rows = np.flatnonzero(to_bool_mask(pc.match_substring_regex(arr, r"^\d{17}[\dX]$")))
    days = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if len(rows):
        mat = fixed_width_matrix(arr.take(pa.array(rows)), 18)
        y, m, d = ymd_from_matrix(mat, (6, 10, 12))
        good = valid_ymd(y, m, d)
        days[rows[good]] = days_from_civil(y[good], m[good], d[good])
        ok[rows[good]] = True
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=~ok).cast(pa.date32())
