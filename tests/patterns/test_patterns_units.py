"""Association rules, change points and typologies on small tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.errors import ConfigError
from jingzhun.patterns import change_points, cluster_households, find_rule, mine_rules
from jingzhun.patterns.changepoints import detect_change_points


def test_rule_support_confidence_lift():
    # 100 households: 10 with a∧b, 8 of them poor; 10 poor in all
    a = np.r_[np.ones(10), np.zeros(90)].astype(bool)
    poor = np.r_[np.ones(8), np.zeros(90), np.ones(2)].astype(bool)
    items = pd.DataFrame({"a": a, "b": a, "poor": poor})
    r = find_rule(mine_rules(items, min_support=0.05, min_confidence=0.5), {"a", "b"}, "poor")
    assert r is not None
    assert r["support"] == pytest.approx(0.08)
    assert r["confidence"] == pytest.approx(0.8)
    assert r["lift"] == pytest.approx(8.0)
    assert r["households"] == 8


def test_no_rule_below_confidence():
    items = pd.DataFrame({"a": [True] * 10 + [False] * 10, "poor": [True, False] * 10})
    assert find_rule(mine_rules(items, min_support=0.05, min_confidence=0.6), {"a"}, "poor") is None


@pytest.mark.parametrize("values,expected", [
    ([1.0] * 10 + [5.0] * 5, [10]),
    ([1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 1.02, 0.98, 1.0, 1.01, 0.99], []),
    ([0.0] * 6 + [3.0] * 6 + [0.0] * 6, [6, 12]),
    ([np.nan] * 5, []),
])
def test_change_points(values, expected):
    assert change_points(np.array(values)) == expected


def test_detect_change_points_reports_period_and_means():
    s = pd.DataFrame({"county_code": "520102", "period": [f"2019-{m:02d}" for m in range(1, 13)],
                      "value": [0.01] * 8 + [0.05] * 4})
    c = detect_change_points(s).iloc[0]
    assert (c["period"], c["direction"]) == ("2019-09", "up")
    assert (c["mean_before"], c["mean_after"]) == (0.01, 0.05)


def _households(n: int, **cols) -> pd.DataFrame:
    base = {"size": 3, "n_children": 1, "n_elderly": 0, "n_working_age": 2, "head_age": 40.0,
            "n_migrant": 0, "n_jobs": 1, "n_normal_labour": 2, "n_serious": 0, "n_chronic": 0,
            "n_disabled": 0, "land_mu": 2.0, "rural_hukou": True, "public_payroll_member": False,
            "owns_company": False, "county_code": "520102"}
    return pd.DataFrame([{**base, **cols}] * n)


def test_two_planted_types_are_separated():
    rng = np.random.default_rng(0)
    young = _households(60, n_migrant=2, n_jobs=2)
    old = _households(40, size=2, n_children=0, n_elderly=2, n_working_age=0, head_age=70.0,
                      n_jobs=0, n_normal_labour=0, n_chronic=1)
    t = pd.concat([young, old], ignore_index=True)
    t["head_age"] = t["head_age"] + rng.normal(0, 2, len(t))
    t["household_id"] = [f"h{i}" for i in range(len(t))]
    r = cluster_households(t, k=2, seed=1)
    assert r.labels.iloc[:60].nunique() == 1 and r.labels.iloc[60:].nunique() == 1
    assert r.labels.iloc[0] != r.labels.iloc[60]
    assert r.profiles["households"].tolist() == [60, 40]
    assert r.profiles.loc[1, "n_elderly"] == 2.0
    assert r.by_county.loc["520102"].tolist() == [60, 40]


def test_too_few_households_for_k():
    t = _households(3).assign(household_id=["a", "b", "c"])
    with pytest.raises(ConfigError, match="cannot make"):
        cluster_households(t, k=5)
