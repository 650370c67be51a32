from __future__ import annotations

import numpy as np
import pytest

from jingzhun.assistance.catalogue import load_catalogue
from jingzhun.assistance.effects import expected, ramp

LINE = 321800.0
CASES = [  # (measure, per-capita income, size, amount, to, P(lifted), gap reduction fen)
    # gap 100 yuan: success lifts, and a failure (0.3 × (gap × U + 400) ≥ 120) lifts too
    ("employment", 311800.0, 2, np.nan, np.nan, 1.0, 2 * 10000.0),
    # gap 218 yuan: a failure lifts when U ≥ 1.4985, half of U(1.2, 1.8): 0.85 + 0.15 / 2
    ("employment", 300000.0, 2, np.nan, np.nan, 0.925, None),
    # gap 2,218 yuan: only success lifts (0.3 × (2218 × 1.8 + 400) < 2218)
    ("industry", 100000.0, 1, np.nan, np.nan, 0.85, None),
    ("dibao", 300000.0, 2, np.nan, 390800.0, 1.0, 2 * 21800.0),
    ("eco_post", 100000.0, 4, 1000000.0, np.nan, 0.95, 0.95 * 4 * 221800.0),
    ("eco_post", 100000.0, 5, 1000000.0, np.nan, 0.0, 0.95 * 5 * 200000.0),  # 2,000 < gap
    ("health", 100000.0, 3, np.nan, np.nan, 0.0, 0.0),
    ("industry", 400000.0, 3, np.nan, np.nan, 0.0, 0.0),   # above the line: nothing to lift
    ("industry", np.nan, 3, np.nan, np.nan, 0.0, 0.0),     # unknown income
]


@pytest.mark.parametrize("mid, inc, size, amount, to, p, red", CASES)
def test_expected_effects(mid, inc, size, amount, to, p, red):
    e = load_catalogue().measure(mid).effect
    got_p, got_red = expected(e, np.array([inc]), np.array([size]), LINE, np.array([amount]),
                              np.array([to]), horizon=12)
    assert got_p[0] == pytest.approx(p, abs=1e-9)
    if red is not None:
        assert got_red[0] == pytest.approx(red, rel=1e-9)


@pytest.mark.parametrize("lag, fraction", [(0, 1.0), (9, 1.0), (10, 2 / 3), (11, 1 / 3), (12, 0.0)])
def test_ramp_at_a_12_month_horizon(lag, fraction):
    assert float(ramp(lag, 12)) == pytest.approx(fraction)
