"""A small column store: a dict of equal-length numpy arrays (cheaper than pandas for the
generator's millions of rows), and vectorised group helpers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


class Frame(dict):  # type: ignore[type-arg]
    """Equal-length numpy columns by name.

    >>> f = Frame(a=np.arange(3), b=np.array([1., 2., 3.]))
    >>> f.n, f.take(np.array([2, 0]))["a"].tolist()
    (3, [2, 0])
    """

    def __init__(self, **cols: Any) -> None:
        super().__init__({k: np.asarray(v) for k, v in cols.items()})

    @property
    def n(self) -> int:
        return len(next(iter(self.values()))) if self else 0

    def take(self, idx: np.ndarray) -> Frame:
        return Frame(**{k: v[idx] for k, v in self.items()})

    def append(self, other: Frame) -> None:
        for k in self:
            self[k] = np.concatenate([self[k], other[k]])

    def to_arrow(self) -> pa.Table:
        cols = {}
        for k, v in self.items():
            if v.dtype.kind == "M":
                cols[k] = pa.array(v.astype("datetime64[D]"), type=pa.date32())
            elif v.dtype.kind == "S":
                cols[k] = pa.array(v.astype(object), type=pa.string())
            elif v.dtype.kind == "O":
                cols[k] = pa.array(v, type=pa.string())
            else:
                cols[k] = pa.array(v)
        return pa.table(cols)


def group_rank(keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its run of equal ``keys`` (keys grouped).

    >>> group_rank(np.array([5, 5, 7, 9, 9, 9])).tolist()
    [0, 1, 0, 0, 1, 2]
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, np.int64)
    brk = np.r_[True, keys[1:] != keys[:-1]]
    starts = np.flatnonzero(brk)
    lens = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lens)


def first_in_group(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal ``keys``."""
    return np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)
