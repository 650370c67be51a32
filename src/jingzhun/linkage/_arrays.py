"""Vectorisation helpers for the comparison functions.

Text columns repeat a lot (a county has a few thousand distinct names), so Python-level work
is done once per *distinct* value through a dictionary encoding and spread back with a take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ArrayLike: TypeAlias = pa.Array | pa.ChunkedArray | np.ndarray | Iterable[Any]
_STRING = pa.string()


def as_array(values: ArrayLike, type_: pa.DataType | None = _STRING) -> pa.Array:
    """Any sequence (list, numpy, pandas, arrow) as one contiguous arrow array of ``type_``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        try:
            import pandas as pd

            if isinstance(values, pd.Series | pd.Index):
                values = values.astype(object).where(values.notna(), None).tolist()
        except ImportError:  # pragma: no cover
            pass
        if isinstance(values, np.ndarray):
            values = values.tolist()
        values = pa.array(list(values), type=type_, from_pandas=True)  # type: ignore[arg-type]
    if type_ is not None and values.type != type_:
        values = pc.cast(values, type_)
    return values


def map_distinct(
    values: ArrayLike, fn: Callable[[str], Any], type_: pa.DataType = _STRING
) -> pa.Array:
    """Apply ``fn`` to each distinct non-null string once; nulls stay null.

    >>> map_distinct(["ab", None, "ab"], str.upper).to_pylist()
    ['AB', None, 'AB']
    """
    arr = as_array(values)
    enc = pc.dictionary_encode(arr)
    mapped = pa.array([fn(v) for v in enc.dictionary.to_pylist()], type=type_)
    return mapped.take(enc.indices)


def map_distinct_pairs(
    left: ArrayLike, right: ArrayLike, fn: Callable[[str, str], Any], type_: pa.DataType
) -> pa.Array:
    """Apply ``fn(l, r)`` once per distinct pair of non-null values; null if either is null."""
    lt, rt = as_array(left), as_array(right)
    if len(lt) != len(rt):
        raise ValueError(f"arrays differ in length: {len(lt)} and {len(rt)}")
    table = pa.table({"l": lt, "r": rt})
    valid = pc.and_(pc.is_valid(lt), pc.is_valid(rt))
    pairs = table.filter(valid).group_by(["l", "r"]).aggregate([])
    results = pa.array(
        [fn(a, b) for a, b in zip(pairs["l"].to_pylist(), pairs["r"].to_pylist(), strict=True)],
        type=type_,
    )
    lookup = pairs.append_column("v", results)
    joined = (
        table.append_column("i", pa.array(np.arange(len(lt))))
        .join(lookup, ["l", "r"], join_type="left outer")
        .sort_by("i")
    )
    return joined["v"].combine_chunks()
