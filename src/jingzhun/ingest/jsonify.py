"""Vectorised JSON objects from string columns (for ``_extra`` and quarantine ``raw``)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.ingest.readers import BAD_BYTE_MARK
from jingzhun.normalise._arrow import bytes_lut, has_any_byte

_CONTROL_RE = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
_NEEDS_ESCAPE = bytes_lut([*range(0x00, 0x20), ord("\\"), ord('"'), 0xF4])  # F4: the marker


def _json_string(arr: pa.Array) -> pa.Array:
    """Each value as a JSON string literal (``"..."``) or ``null``."""
    if not has_any_byte(arr, _NEEDS_ESCAPE):
        quoted = pc.binary_join_element_wise(pa.scalar('"'), arr, pa.scalar('"'), "")
        return pc.fill_null(quoted, "null")
    arr = pc.replace_substring(arr, BAD_BYTE_MARK, "")
    esc = pc.replace_substring(arr, "\\", "\\\\")
    esc = pc.replace_substring(esc, '"', '\\"')
    esc = pc.replace_substring(esc, "\n", "\\n")
    esc = pc.replace_substring(esc, "\r", "\\r")
    esc = pc.replace_substring(esc, "\t", "\\t")
    quoted = pc.binary_join_element_wise(pa.scalar('"'), esc, pa.scalar('"'), "")
    other = pc.fill_null(pc.match_substring_regex(arr, _CONTROL_RE), False)
    if pc.any(other).as_py():
        rows = pc.filter(arr, other).to_pylist()
        fixed = pa.array([json.dumps(v, ensure_ascii=False) for v in rows], type=pa.string())
        quoted = pc.replace_with_mask(quoted, other, fixed)
    return pc.fill_null(quoted, "null")


def json_objects(columns: dict[str, pa.Array], n: int) -> pa.Array:
    """One JSON object per row: ``{"name": value, ...}`` in the given column order."""
    if not columns:
        return pa.array(["{}"] * n, type=pa.string())
    parts: list[pa.Array | pa.Scalar] = []
    for i, (name, arr) in enumerate(columns.items()):
        key = ("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":"
        parts.append(pa.scalar(key))
        parts.append(_json_string(arr.cast(pa.string())))
    parts.append(pa.scalar("}"))
    return pc.binary_join_element_wise(*parts, "")
