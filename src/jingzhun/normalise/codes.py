"""Code lists: map the values a department writes to canonical values.

Values and code-list keys are compared after trimming and full-width folding, so ``" 1"``,
``"１"`` and ``"1"`` are the same code.

>>> r = map_codes(["1", " ２", "9", "x", ""], {"1": "male", "2": "female", "9": "unknown"})
>>> r.values.to_pylist(), r.invalid.tolist()
(['male', 'female', 'unknown', None, None], [False, False, False, True, False])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.normalise._arrow import ArrayLike, present_mask, to_bool_mask
from jingzhun.normalise.text import fold_text, normalise_strings

AREA_CODE_RE = r"^\d{6}(?:\d{3}(?:\d{3})?)?$"


class CodeMap(NamedTuple):
    """``values``: mapped canonical values (null when empty or unknown); ``keys``: the trimmed,
    folded source values (what was looked up); ``invalid``: value given but not in the list."""

    values: pa.Array
    keys: pa.Array
    invalid: np.ndarray


def normalise_code_key(value: Any) -> str:
    """How a code-list key from a contract is compared (same folding as the values).

    >>> normalise_code_key(" ０１ ")
    '01'
    """
    return fold_text(str(value))


def map_codes(values: ArrayLike, codes: Mapping[Any, Any]) -> CodeMap:
    """Map source codes to canonical values. Canonical values may be str or bool."""
    keys = normalise_strings(values)
    table_keys = [normalise_code_key(k) for k in codes]
    canon = list(codes.values())
    if canon and all(isinstance(v, bool) for v in canon):
        canon_arr = pa.array(canon, type=pa.bool_())
    else:
        canon_arr = pa.array([None if v is None else str(v) for v in canon], type=pa.string())
    idx = pc.index_in(keys, value_set=pa.array(table_keys, type=pa.string()))
    mapped = pc.take(canon_arr, idx)
    present = present_mask(keys)
    invalid = present & ~to_bool_mask(pc.is_valid(idx))
    return CodeMap(mapped, keys, invalid)


def normalise_area_codes(values: ArrayLike) -> CodeMap:
    """GB/T 2260 / statistical division codes: 6, 9 or 12 digits after trimming."""
    keys = normalise_strings(values)
    present = present_mask(keys)
    ok = to_bool_mask(pc.match_substring_regex(keys, AREA_CODE_RE))
    vals = pc.if_else(pa.array(ok), keys, pa.scalar(None, pa.string()))
    return CodeMap(vals, keys, present & ~ok)
