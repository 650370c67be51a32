"""Targeting errors with the definitions of Brown, Ravallion & van de Walle (2018, J. Dev. Econ.):

- inclusion error = non-poor among the selected / all selected;
- exclusion error = poor not selected / all poor.

>>> income = [6, 8, 11, 15, 21, 25, 30, 40, 50, 100]
>>> targeting_errors(poor=[i < 20 for i in income], selected=[i in (0, 1) for i in range(10)])
{'exclusion_error': 0.5, 'inclusion_error': 0.0, 'selected': 2, 'poor': 4}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def targeting_errors(poor: Sequence[bool] | np.ndarray, selected: Sequence[bool] | np.ndarray) -> dict:
    poor = np.asarray(poor, dtype=bool)
    selected = np.asarray(selected, dtype=bool)
    n_sel, n_poor = int(selected.sum()), int(poor.sum())
    return {
        "exclusion_error": float((poor & ~selected).sum() / n_poor) if n_poor else 0.0,
        "inclusion_error": float((selected & ~poor).sum() / n_sel) if n_sel else 0.0,
        "selected": n_sel,
        "poor": n_poor,
    }


def poorest_share(welfare: Sequence[float] | np.ndarray, share: float) -> np.ndarray:
    """Mask of the poorest ``share`` of units by welfare (ties broken by position)."""
    welfare = np.asarray(welfare, dtype=float)
    n = int(round(share * len(welfare)))
    mask = np.zeros(len(welfare), dtype=bool)
    mask[np.argsort(welfare, kind="stable")[:n]] = True
    return mask
