"""Small pyarrow helpers shared by the normalisers (vectorised; no per-row Python)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ArrayLike: TypeAlias = "pa.Array | pa.ChunkedArray | np.ndarray | Iterable[Any]"


def as_string_array(values: ArrayLike) -> pa.Array:
    """Any sequence of text (or None) as one contiguous ``pa.string()`` array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, pa.Array):
        arr = values
    else:
        try:
            import pandas as pd

            if isinstance(values, pd.Series):
                values = values.astype(object).where(values.notna(), None).to_numpy()
        except ImportError:  # pragma: no cover
            pass
        arr = pa.array(list(values) if not isinstance(values, np.ndarray) else values,
                       type=pa.string(), from_pandas=True)
    if arr.type == pa.large_string() or arr.type == pa.string_view():
        arr = arr.cast(pa.string())
    elif arr.type != pa.string():
        arr = pc.cast(arr, pa.string())
    return arr


def to_bool_mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Boolean arrow array (nulls = False) → numpy bool array."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def present_mask(arr: pa.Array) -> np.ndarray:
    """True where the value is neither null nor empty."""
    return to_bool_mask(pc.greater(pc.utf8_length(arr), 0))


def fixed_width_matrix(arr: pa.Array, width: int) -> np.ndarray:
    """ASCII strings all exactly ``width`` bytes long (no nulls) → (n, width) uint8 matrix."""
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    arr = arr.cast(pa.string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    start = int(offsets[0])
    if int(offsets[-1]) - start != n * width:  # pragma: no cover - guarded by callers
        raise ValueError("strings are not all of the same width")
    return data[start : start + n * width].reshape(n, width)


def matrix_to_strings(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """(n, width) uint8 ASCII matrix → string array; rows where ``valid`` is False are null."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix, dtype=np.uint8)
    arr = pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())]
    )
    if valid is not None and not bool(np.all(valid)):
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.string()))
    return arr


def scatter(n: int, positions: np.ndarray, values: pa.Array, type_: pa.DataType) -> pa.Array:
    """Array of length n, null except ``values`` at ``positions`` (sorted, unique)."""
    if len(positions) == n:
        return values.cast(type_)
    idx = np.full(n, -1, dtype=np.int64)
    idx[positions] = np.arange(len(positions), dtype=np.int64)
    indices = pa.array(idx, mask=idx < 0)
    return pc.take(values.cast(type_), indices)


def data_bytes(arr: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of all values of a string array (a view; nulls contribute nothing)."""
    if len(arr) == 0:
        return np.zeros(0, dtype=np.uint8)
    arr = arr.cast(pa.string())
    bufs = arr.buffers()
    if bufs[2] is None:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    return data[int(offsets[0]) : int(offsets[-1])]


def bytes_lut(values: Iterable[int]) -> np.ndarray:
    lut = np.zeros(256, dtype=bool)
    lut[list(values)] = True
    return lut


def has_any_byte(arr: pa.Array, lut: np.ndarray) -> bool:
    """Cheap pre-filter: does any value contain one of the bytes marked in ``lut``?"""
    data = data_bytes(arr)
    if len(data) == 0:
        return False
    # Chunked to bound memory of the boolean temporary on large columns.
    step = 1 << 24
    for start in range(0, len(data), step):
        if lut[data[start : start + step]].any():
            return True
    return False
