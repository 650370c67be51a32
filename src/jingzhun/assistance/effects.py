"""Effects of measures on a household's per-capita income: expected values for the allocation
and random draws for the simulation (one documented model, docs/assistance.md).

A measure started at month 0 with lag L reaches its full effect over 3 months (as in the
generator: ``min(1, (t − L + 1) / 3)``), so at a horizon of H months it gives the fraction
``clip((H − L) / 3, 0, 1)`` of its yearly uplift. A household is *lifted* when it was below
the line and its per-capita income plus the uplift reaches the line.

>>> import numpy as np
>>> from jingzhun.assistance.catalogue import Effect
>>> e = Effect("income_gap", 0.85, 0.3, (1.2, 1.8), 40000, lag_months=(1, 2))
>>> p, _ = expected(e, inc=np.array([300000.0]), size=np.array([2]), line=321800.0,
...                 amount=np.array([np.nan]), to=np.array([np.nan]), horizon=12)
>>> round(float(p[0]), 3)   # success lifts; a failure lifts this 218-yuan gap half the time
0.925
"""

from __future__ import annotations

import numpy as np

from jingzhun.assistance.catalogue import Effect

RAMP_MONTHS = 3  # generator: the uplift builds up over 3 months
GRID = 32        # points of the uniform multiplier in the expected values


def ramp(lag: np.ndarray | float, horizon: int) -> np.ndarray:
    return np.clip((horizon - np.asarray(lag, dtype=float)) / RAMP_MONTHS, 0.0, 1.0)


def uplift_per_capita(e: Effect, inc: np.ndarray, size: np.ndarray, amount: np.ndarray,
                      to: np.ndarray, line: float, success: np.ndarray, u: np.ndarray,
                      lag: np.ndarray, horizon: int) -> np.ndarray:
    """Yearly per-capita uplift (fen) for given draws (``success`` bool, ``u`` the multiplier,
    ``lag`` months); arrays broadcast together."""
    inc0 = np.nan_to_num(inc, nan=0.0)
    f = ramp(lag, horizon)
    if e.kind == "income_gap":
        gap = np.maximum(line - inc0, 0.0)
        s = np.where(success, 1.0, e.failure_factor)
        return s * f * (gap * u + e.fixed_fen_per_capita)
    if e.kind == "fixed_income":
        return np.where(success, 1.0, 0.0) * f * np.nan_to_num(amount) / np.maximum(size, 1)
    if e.kind == "topup":
        return np.where(success, 1.0, 0.0) * f * np.maximum(np.nan_to_num(to) - inc0, 0.0)
    return np.zeros(np.broadcast(inc0, u).shape)


def expected(e: Effect, inc: np.ndarray, size: np.ndarray, line: float, amount: np.ndarray,
             to: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """(probability of being lifted, expected reduction of the household's poverty gap in fen
    = size × E[min(uplift, gap)]) per household; 0 for households at or above the line or of
    unknown income."""
    inc = np.asarray(inc, dtype=float)
    n = len(inc)
    gap = np.where(np.isnan(inc), 0.0, np.maximum(line - inc, 0.0))
    if e.kind == "none" or n == 0:
        return np.zeros(n), np.zeros(n)
    lo, hi = e.gap_multiplier
    us = lo + (hi - lo) * (np.arange(GRID) + 0.5) / GRID
    lags = np.arange(e.lag_months[0], e.lag_months[1] + 1)
    p_lift = np.zeros(n)
    red = np.zeros(n)
    branches = [(True, e.success_probability), (False, 1.0 - e.success_probability)]
    weight = 1.0 / (len(us) * len(lags))
    for ok, w in branches:
        if w <= 0:
            continue
        for lag in lags:
            up = uplift_per_capita(e, inc[:, None], size[:, None], amount[:, None], to[:, None],
                                   line, np.full((1, len(us)), ok), us[None, :], np.array(lag),
                                   horizon)
            lifted = (up >= gap[:, None]) & (gap[:, None] > 0)
            p_lift += w * weight * lifted.sum(axis=1)
            red += w * weight * np.minimum(up, gap[:, None]).sum(axis=1)
    return p_lift, red * np.maximum(np.asarray(size, dtype=float), 1.0)


def draw(e: Effect, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random (success, multiplier, lag) for n measure × replication cells."""
    success = rng.random(n) < e.success_probability
    lo, hi = e.gap_multiplier
    u = rng.uniform(lo, hi, n)
    lag = rng.integers(e.lag_months[0], e.lag_months[1] + 1, n)
    return success, u, lag


__all__ = ["draw", "expected", "ramp", "uplift_per_capita"]
