"""Event timings drawn once at the start (vectorised), so that precursors can be placed before
an event: serious illness, new disability, death, job loss, unsignalled shocks.

Hazards are yearly rates turned into monthly ones; a time-to-event is a geometric draw.
All rates are ours (orders of magnitude of Chinese vital and health statistics).
"""

from __future__ import annotations

import numpy as np

NEVER = np.int16(32000)


def first_month(rng: np.random.Generator, monthly_hazard: np.ndarray, months: int,
                start: np.ndarray | int = 0) -> np.ndarray:
    """First month ≥ ``start`` at which an event with the given monthly hazard occurs, or
    NEVER if it falls outside the window."""
    h = np.clip(monthly_hazard, 1e-9, 0.999)
    k = rng.geometric(h) - 1
    m = np.asarray(start) + k
    return np.where(m < months, m, NEVER).astype(np.int16)


def yearly_to_monthly(q: np.ndarray) -> np.ndarray:
    return 1 - (1 - np.clip(q, 0, 0.999)) ** (1 / 12)


def mortality_yearly(age: np.ndarray) -> np.ndarray:
    """Gompertz-like yearly mortality (≈ 7 ‰ crude rate for Guizhou's age structure)."""
    return np.clip(0.00004 * np.exp(0.088 * age) + 0.0004, 0, 0.5)


def serious_illness_yearly(age: np.ndarray, chronic: np.ndarray) -> np.ndarray:
    return (0.003 + 0.00035 * np.maximum(age - 30, 0)) * np.where(chronic, 2.0, 1.0)


def disability_yearly(age: np.ndarray) -> np.ndarray:
    return 0.0015 + 0.00015 * np.maximum(age - 40, 0)
