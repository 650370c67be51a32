"""Confidence of figures that rest on few households: Wilson score intervals for shares and
distribution-free (order-statistic) intervals for medians.

>>> lo, hi = wilson(1, 10)
>>> round(lo, 4), round(hi, 4)
(0.0179, 0.4042)
"""

from __future__ import annotations

import math

import numpy as np


def wilson(successes: float, n: float, z: float = 1.96) -> tuple[float | None, float | None]:
    """Wilson score interval of a share ``successes / n`` (None, None when n = 0)."""
    if n <= 0:
        return None, None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # clipped to [0, 1] and to contain p (rounding can leave p a hair outside)
    return max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p))


def median_interval(values: np.ndarray, z: float = 1.96) -> tuple[float | None, float | None]:
    """Order-statistic interval of the median: ranks n/2 ∓ z·√n/2 (clipped to the data)."""
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n == 0:
        return None, None
    lo = math.floor(n / 2 - z * math.sqrt(n) / 2)
    hi = math.ceil(n / 2 + z * math.sqrt(n) / 2)
    return float(x[max(lo, 0)]), float(x[min(hi, n - 1)])


def robust_z(values: np.ndarray, mad_floor: float = 0.0) -> np.ndarray:
    """(x − median) / (1.4826 · MAD), the MAD at least ``mad_floor`` (NaN stays NaN)."""
    x = np.asarray(values, float)
    ok = ~np.isnan(x)
    if not ok.any():
        return np.full_like(x, np.nan)
    med = np.median(x[ok])
    mad = max(1.4826 * float(np.median(np.abs(x[ok] - med))), mad_floor)
    if mad == 0:
        return np.where(ok, 0.0, np.nan)
    return (x - med) / mad
