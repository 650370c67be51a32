"""The synthetic areas' reported figures: honest noise, the over-reporting county's bending."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.synth.reported import HONEST_NOISE, OVER_REPORT, bend


def figures() -> pd.DataFrame:
    return pd.DataFrame({
        "area_level": ["county", "county", "township"],
        "area_code": ["520101", "520102", "520102001"],
        "county_code": ["520101", "520102", "520102"],
        "rural_population": [1000, 800, 500],
        "poor_population": [100, 50, 40],
        "exited_households": [30, 20, 10],
        "exited_income_per_capita_fen": [500000.0, 600000.0, np.nan],
        "housing_safe_rate": [0.80, 0.70, np.nan],
        "water_safe_rate": [0.90, 0.60, 0.50],
    })


def test_the_over_reporting_county_and_its_townships_bend_their_figures():
    f = bend(figures(), "520102", np.random.default_rng(0)).set_index("area_code")
    honest = f.loc["520101"]
    # honest: counting noise only (3 sigma of the lognormal), incidence = poor / rural
    assert abs(np.log(honest["poor_population"] / 100)) < 3 * HONEST_NOISE + 0.01
    assert honest["poverty_incidence"] == pytest.approx(honest["poor_population"] / 1000)
    assert honest["housing_safe_rate"] < 0.9 and honest["water_safe_rate"] <= 1.0
    over = f.loc["520102"]
    # 0.4 × (50 × noise) → about 20 poor persons of 800
    assert 17 <= over["poor_population"] <= 23
    assert over["poverty_incidence"] == pytest.approx(over["poor_population"] / 800)
    assert over["housing_safe_rate"] == OVER_REPORT["housing_safe_rate"]["floor"]
    assert over["water_safe_rate"] == 1.0
    town = f.loc["520102001"]
    assert town["water_safe_rate"] == 1.0
    assert np.isnan(town["housing_safe_rate"])  # nothing to report stays empty
    assert 14 <= town["poor_population"] <= 18  # 0.4 × 40 × noise


def test_same_seed_same_report():
    a = bend(figures(), "520102", np.random.default_rng(5))
    b = bend(figures(), "520102", np.random.default_rng(5))
    pd.testing.assert_frame_equal(a, b)
