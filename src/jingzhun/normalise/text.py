"""Text as departments write it: full-width characters, stray white space, middle dots.

All functions take any sequence of strings (``pa.Array``, list, numpy, pandas) and return a
``pa.string()`` array of the same length; empty results become null. They are vectorised with
pyarrow.compute: only values that actually contain full-width characters go through Python.

>>> fold_fullwidth(["ＡＢＣ１２３", "abc"]).to_pylist()
['ABC123', 'abc']
>>> normalise_names([" 买买提 . 艾力 ", "阿依古丽•吐尔逊"]).to_pylist()
['买买提·艾力', '阿依古丽·吐尔逊']
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.normalise._arrow import ArrayLike, as_string_array, bytes_lut, has_any_byte

# U+FF01..U+FF5E are full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_FULLWIDTH_RE = "[\uff01-\uff5e\u3000\uffe5]"
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20
_FULLWIDTH_TABLE[0xFFE5] = 0xA5  # ￥ → ¥

# Characters that are not white space for pyarrow's trim but are invisible in a cell.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_SPACES_RE = r"[\s\p{Z}" + _INVISIBLE + "]+"
# Middle-dot variants used between the parts of minority names (Uyghur, Tibetan, foreign).
MIDDLE_DOT = "\u00b7"
_DOTS_RE = "[\u00b7\u2022\u30fb\uff65\u2027\u2219\u22c5\u0387\u16eb\u2e31.\uff0e]"

# Byte pre-filters (UTF-8 lead bytes) so that regex passes run only on columns that need them.
_FULLWIDTH_BYTES = bytes_lut([0xE3, 0xEF])  # U+3000 (E3 80 80), U+FF01..FF5E, U+FFE5 (EF ..)
_INVISIBLE_BYTES = bytes_lut([0xE2, 0xEF])  # U+200B..U+2060 (E2 ..), U+FEFF (EF BB BF)
# ASCII white space and control bytes, C2 (U+0085, U+00A0), E1 (U+1680, U+180E),
# E2 (U+2000.., U+2028/9, U+202F, U+205F, U+200B..), E3 (U+3000), EF (U+FEFF)
_SPACE_BYTES = bytes_lut([*range(0x00, 0x21), 0xC2, 0xE1, 0xE2, 0xE3, 0xEF])
_DOT_BYTES = bytes_lut([ord("."), 0xC2, 0xCE, 0xE1, 0xE2, 0xE3, 0xEF])


def fold_fullwidth(values: ArrayLike) -> pa.Array:
    """Full-width ASCII (Ａ１，) and the ideographic space folded to half-width; nulls kept."""
    arr = as_string_array(values)
    if not has_any_byte(arr, _FULLWIDTH_BYTES):
        return arr
    mask = pc.fill_null(pc.match_substring_regex(arr, _FULLWIDTH_RE), False)
    if not pc.any(mask).as_py():
        return arr
    affected = pc.filter(arr, mask).to_pylist()
    folded = pa.array([s.translate(_FULLWIDTH_TABLE) for s in affected], type=pa.string())
    return pc.replace_with_mask(arr, mask, folded)


def fold_text(value: str) -> str:
    """Scalar version of :func:`normalise_strings` for one value (contract keys, headers);
    returns "" for empty text."""
    return value.translate(_FULLWIDTH_TABLE).strip().strip(_INVISIBLE).strip()


def _trim(arr: pa.Array) -> pa.Array:
    arr = pc.utf8_trim_whitespace(arr)
    if has_any_byte(arr, _INVISIBLE_BYTES) and pc.any(
        pc.fill_null(pc.match_substring_regex(arr, "[" + _INVISIBLE + "]"), False)
    ).as_py():
        arr = pc.utf8_trim(arr, characters=_INVISIBLE + " \t\r\n\u3000\u00a0")
    return arr


def empty_to_null(arr: pa.Array) -> pa.Array:
    """Empty strings → null."""
    empty = pc.equal(pc.utf8_length(arr), 0)
    if not pc.any(pc.fill_null(empty, False)).as_py():
        return arr
    return pc.if_else(empty, pa.scalar(None, pa.string()), arr)


def normalise_strings(values: ArrayLike) -> pa.Array:
    """Type ``string``: trimmed, full-width folded; empty → null."""
    return empty_to_null(_trim(fold_fullwidth(values)))


def remove_spaces(values: ArrayLike) -> pa.Array:
    """All white space (incl. ideographic, non-breaking, zero-width) removed; nulls kept."""
    arr = as_string_array(values)
    if not has_any_byte(arr, _SPACE_BYTES):
        return arr
    return pc.replace_substring_regex(arr, _SPACES_RE, "")


def normalise_names(values: ArrayLike) -> pa.Array:
    """Type ``name``: full-width folded, all inner white space removed, middle dots unified.

    Every dot variant (``·•・･.．‧∙⋅``) becomes U+00B7 ``·``; leading/trailing dots are dropped.
    """
    arr = remove_spaces(fold_fullwidth(values))
    if has_any_byte(arr, _DOT_BYTES) and pc.any(
        pc.fill_null(pc.match_substring_regex(arr, _DOTS_RE), False)
    ).as_py():
        arr = pc.replace_substring_regex(arr, _DOTS_RE + "+", MIDDLE_DOT)
        arr = pc.utf8_trim(arr, characters=MIDDLE_DOT)
    return empty_to_null(arr)


