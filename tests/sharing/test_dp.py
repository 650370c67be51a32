"""Differential privacy: ε per release, the ledger refuses to overspend, intervals cover."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from jingzhun.sharing.dp import dp_counts, dp_means
from jingzhun.sharing.errors import BudgetExceeded, RateLimited
from jingzhun.sharing.ledger import Ledger


@pytest.fixture
def ledger(tmp_path):
    lg = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    yield lg
    lg.close()


@pytest.mark.parametrize("spends, budget, refused_at, left", [
    ([0.5, 0.5, 0.5], 1.0, 2, 0.0),       # third release would reach 1.5 > 1.0
    ([0.3, 0.3, 0.3], 1.0, None, 0.1),
    ([1.0], 1.0, None, 0.0),              # exactly the budget is allowed
    ([1.2], 1.0, 0, 1.0),
])
def test_ledger_refuses_to_exceed_budget(ledger, spends, budget, refused_at, left):
    for i, eps in enumerate(spends):
        if i == refused_at:
            with pytest.raises(BudgetExceeded, match="would exceed the budget"):
                ledger.spend("indicators/households_2019-12", eps, budget)
        else:
            ledger.spend("indicators/households_2019-12", eps, budget)
    b, spent = ledger.budget("indicators/households_2019-12", budget)
    assert b == budget and b - spent == pytest.approx(left)


def test_budget_is_per_dataset_and_persistent(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    a = Ledger(url)
    a.spend("d1", 0.8, 1.0)
    a.close()
    b = Ledger(url)                        # a new process sees what was spent
    with pytest.raises(BudgetExceeded):
        b.spend("d1", 0.3, 1.0)
    assert b.spend("d2", 0.3, 1.0) == pytest.approx(0.7)
    b.close()


def test_publish_dp_charges_before_noise(identified, tmp_path):
    from jingzhun.sharing.settings import SharingSettings
    from jingzhun.sharing.tables import publish_dp

    s = SharingSettings(epsilon_budget=1.0, ledger_url=f"sqlite:///{tmp_path / 'l.sqlite'}")
    meta = publish_dp(identified, tmp_path / "dp", epsilon=0.6, settings=s)
    assert meta["epsilon_left"] == pytest.approx(0.4)
    import pandas as pd

    df = pd.read_csv(tmp_path / "dp" / f"{meta['name']}.csv", dtype={"area": str})
    assert set(df["measure"]) == {"on_roll", "monitored", "per_capita_net_income_fen"}
    assert (df["lower"] <= df["value"]).all() and (df["value"] <= df["upper"]).all()
    assert np.allclose(df["epsilon"], 0.2)       # ε split over three statistics
    with pytest.raises(BudgetExceeded):
        publish_dp(identified, tmp_path / "dp", epsilon=0.6, settings=s)
    assert len(list((tmp_path / "dp").glob("*.csv"))) == 1    # nothing released when refused


def test_count_intervals_cover_at_the_stated_rate():
    areas = ["a", "b"]
    rows = ["a"] * 40 + ["b"] * 7
    hits = n = 0
    for _ in range(150):
        for f in dp_counts(areas, rows, 0.5, alpha=0.1):
            truth = 40 if f.area == "a" else 7
            hits += f.lower <= truth <= f.upper
            n += 1
    assert hits / n >= 0.85          # stated 90 %; 300 draws
    f = dp_counts(areas, rows, 0.5, alpha=0.1)[0]
    assert f.upper - f.lower == pytest.approx(2 * (f.upper - f.value))


def test_means_are_within_bounds_and_cover():
    rng = np.random.default_rng(0)
    vals = rng.integers(0, 10_000, 400).tolist()
    areas = ["a"] * 200 + ["b"] * 200
    truth = {a: np.mean(vals[:200]) if a == "a" else np.mean(vals[200:]) for a in "ab"}
    hits = 0
    for _ in range(50):
        for f in dp_means(["a", "b"], areas, vals, (0, 10_000), 1.0):
            assert 0 <= f.lower <= f.upper <= 10_000
            hits += f.lower <= truth[f.area] <= f.upper
    assert hits / 100 >= 0.9
    assert f.confidence == pytest.approx(0.9)


def test_rate_limit_with_a_clock(tmp_path):
    now = [dt.datetime(2024, 1, 1, 12, 0, 0)]
    lg = Ledger(f"sqlite:///{tmp_path / 'r.sqlite'}", clock=lambda: now[0])
    for _ in range(3):
        lg.check_rate("r", 3, 60)
        lg.log(recipient="r", purpose="p", resource="X", kind="exchange", outcome="released")
    with pytest.raises(RateLimited, match="limit 3"):
        lg.check_rate("r", 3, 60)
    lg.check_rate("other", 3, 60)                     # per recipient
    now[0] += dt.timedelta(seconds=61)
    lg.check_rate("r", 3, 60)                         # the window moved on
    lg.close()
