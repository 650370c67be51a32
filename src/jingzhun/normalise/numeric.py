"""Numbers and money as text → exact integers (money in fen, 分), never through floats.

>>> r = parse_money_fen(["1,234.50", "¥1234.5", "12.345", "", "-0.07", "3元"])
>>> r.values.to_pylist()
[123450, 123450, None, None, -7, 300]
>>> r.invalid.tolist()
[False, False, True, False, False, False]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.normalise._arrow import (
    ArrayLike,
    bytes_lut,
    has_any_byte,
    present_mask,
    to_bool_mask,
)
from jingzhun.normalise.text import fold_fullwidth, remove_spaces

# sign, integer part (plain or with thousands separators), fraction (any length: checked later)
_MONEY_RE = r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?$"
_INT_RE = r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?$"
_DECIMAL_RE = r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][-+]?\d+)?$"
_MAX_INT_DIGITS = 16  # fits int64 after ×100 with room to spare


class NumberParse(NamedTuple):
    """``values`` (int64 or float64 arrow array, null when empty/invalid) and ``invalid``
    (numpy bool: a value was given but is not a valid number)."""

    values: pa.Array
    invalid: np.ndarray


_CURRENCY_BYTES = bytes_lut([0xC2, 0xE4, 0xE5, ord("R"), ord("C"), ord("r"), ord("c")])
_PLAIN_MONEY_RE = r"^-?\d{1,16}(?:\.\d{1,2})?$"


def _prepare(values: ArrayLike, *, currency: bool) -> pa.Array:
    arr = remove_spaces(fold_fullwidth(values))
    if currency and has_any_byte(arr, _CURRENCY_BYTES):
        arr = pc.replace_substring_regex(arr, r"^([-+]?)(?:¥|RMB|CNY|人民币)", r"\1")
        arr = pc.replace_substring_regex(arr, r"(?:元|圆)$", "")
    return arr


def _digits_to_int(digits: pa.Array) -> np.ndarray:
    digits = pc.replace_substring(digits, ",", "")
    digits = pc.if_else(pc.equal(digits, ""), pa.scalar("0"), digits)
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)


def parse_money_fen(values: ArrayLike) -> NumberParse:
    """Yuan text with up to 2 decimals → exact int64 fen. More decimals → invalid.

    Accepts thousands separators (``1,234.50``), a leading ``¥``/``￥``/``RMB``, a trailing
    ``元``, full-width digits and a sign.
    """
    arr = _prepare(values, currency=True)
    n = len(arr)
    present = present_mask(arr)
    fen = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    # Fast path: plain "-1234.5" values, decided with a few vectorised kernels.
    plain = to_bool_mask(pc.match_substring_regex(arr, _PLAIN_MONEY_RE))
    if plain.any():
        sub = arr.filter(pa.array(plain)) if not plain.all() else arr
        blen = pc.binary_length(sub).to_numpy(zero_copy_only=False).astype(np.int64)
        dot = pc.find_substring(sub, ".").to_numpy(zero_copy_only=False).astype(np.int64)
        frac_len = np.where(dot < 0, 0, blen - dot - 1)
        digits = pc.cast(pc.replace_substring(sub, ".", ""), pa.int64())
        vals = digits.to_numpy(zero_copy_only=False) * (10 ** (2 - frac_len))
        fen[plain] = vals
        ok[plain] = True
    rest = present & ~plain
    if rest.any():
        sub_fen, sub_ok = _money_general(arr.filter(pa.array(rest)))
        fen[rest] = sub_fen
        ok[rest] = sub_ok
    out = pa.array(fen, type=pa.int64(), mask=~ok)
    return NumberParse(out, present & ~ok)


def _money_general(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Thousands separators, leading '+', '.5', '5.' and invalid values (regex path)."""
    n = len(arr)
    present = present_mask(arr)
    res = pc.extract_regex(arr, _MONEY_RE)
    matched = to_bool_mask(pc.is_valid(res)) & present
    valid_struct = pc.is_valid(res)
    ip = pc.if_else(valid_struct, pc.struct_field(res, "int"), pa.scalar(""))
    fp = pc.if_else(valid_struct, pc.struct_field(res, "frac"), pa.scalar(""))
    sign = pc.if_else(valid_struct, pc.struct_field(res, "sign"), pa.scalar(""))
    ilen = pc.utf8_length(pc.replace_substring(ip, ",", "")).to_numpy(zero_copy_only=False)
    flen = pc.utf8_length(fp).to_numpy(zero_copy_only=False)
    ok = matched & (flen <= 2) & (ilen <= _MAX_INT_DIGITS) & ((ilen > 0) | (flen > 0))
    ip = pc.if_else(pa.array(ok), ip, pa.scalar("0"))
    fp = pc.if_else(pa.array(ok), fp, pa.scalar(""))
    fen = _digits_to_int(ip) * 100 + _digits_to_int(pc.utf8_rpad(fp, 2, "0"))
    neg = to_bool_mask(pc.equal(sign, "-"))
    fen = np.where(neg, -fen, fen)
    return (fen if n else np.zeros(0, np.int64)), ok


def parse_integers(values: ArrayLike) -> NumberParse:
    """Integer text (``12``, ``1,200``, ``12.0`` as Excel writes it) → int64."""
    arr = _prepare(values, currency=False)
    present = present_mask(arr)
    plain = to_bool_mask(pc.match_substring_regex(arr, r"^-?\d{1,18}$"))
    if plain.all():  # fast path: every value is a plain integer
        return NumberParse(pc.cast(arr, pa.int64()), np.zeros(len(arr), dtype=bool))
    res = pc.extract_regex(arr, _INT_RE)
    valid_struct = pc.is_valid(res)
    ip = pc.if_else(valid_struct, pc.struct_field(res, "int"), pa.scalar("0"))
    ilen = pc.utf8_length(pc.replace_substring(ip, ",", "")).to_numpy(zero_copy_only=False)
    ok = to_bool_mask(valid_struct) & present & (ilen <= 18)
    ip = pc.if_else(pa.array(ok), ip, pa.scalar("0"))
    vals = _digits_to_int(ip)
    neg = to_bool_mask(pc.equal(pc.if_else(valid_struct, pc.struct_field(res, "sign"), ""), "-"))
    vals = np.where(neg, -vals, vals)
    return NumberParse(pa.array(vals, type=pa.int64(), mask=~ok), present & ~ok)


def parse_decimals(values: ArrayLike) -> NumberParse:
    """Decimal text → float64 (never use for money)."""
    arr = _prepare(values, currency=False)
    present = present_mask(arr)
    ok = to_bool_mask(pc.match_substring_regex(arr, _DECIMAL_RE)) & present
    ok &= to_bool_mask(pc.match_substring_regex(arr, r"\d"))
    clean = pc.if_else(pa.array(ok), pc.replace_substring(arr, ",", ""), pa.scalar("0"))
    vals = pc.cast(clean, pa.float64()).to_numpy(zero_copy_only=False)
    ok &= np.isfinite(vals)
    return NumberParse(pa.array(vals, type=pa.float64(), mask=~ok), present & ~ok)
