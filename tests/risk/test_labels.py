"""Label construction from verified outcomes: a fall within the horizon, from outside the state."""

from __future__ import annotations

import pandas as pd
import pytest

from jingzhun.risk.labels import RiskError, fall_labels, falls, index_period, period_index

MONTHS = ["2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04"]


def outcomes(states: dict[str, str]) -> pd.DataFrame:
    """One household per key; its states month by month as a string of 0/1 ('.' = not verified)."""
    rows = []
    for hh, s in states.items():
        for period, c in zip(MONTHS, s, strict=True):
            if c != ".":
                rows.append({"household_id": hh, "period": period, "outcome": c == "1"})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("states", "horizon", "expected"), [
    # never falls: every month with a full horizon is a negative
    ("000000", 2, {"2019-11": False, "2019-12": False, "2020-01": False, "2020-02": False}),
    # falls in 2020-02: the two months before see it within 2 months, 2020-01 too
    ("000111", 2, {"2019-11": False, "2019-12": True, "2020-01": True}),
    # horizon 3 reaches one month further back
    ("000111", 3, {"2019-11": True, "2019-12": True, "2020-01": True}),
    # already in the state: no label while in it; recovers in 2020-01, falls again 2020-03
    ("110010", 2, {"2020-01": True, "2020-02": True}),
    # a month not verified in the horizon leaves the row unlabelled
    ("00.000", 2, {"2020-02": False}),
])
def test_fall_labels(states, horizon, expected):
    got = fall_labels(outcomes({"a": states}), horizon)
    assert dict(zip(got["period"], got["label"], strict=True)) == expected


def test_fall_labels_keep_households_apart():
    got = fall_labels(outcomes({"a": "000001", "b": "000000"}), horizon=1)
    assert got[got["label"]].to_dict("records") == [
        {"household_id": "a", "period": "2020-03", "label": True}]
    assert len(got) == 10


@pytest.mark.parametrize(("states", "expected"), [
    ("000111", ["2020-02"]),
    ("110010", ["2020-03"]),      # the first month has no month before: not a fall
    ("0.1000", []),               # the month before is not verified
    ("010101", ["2019-12", "2020-02", "2020-04"]),
])
def test_falls(states, expected):
    assert falls(outcomes({"a": states}))["period"].tolist() == expected


def test_outcomes_are_checked():
    with pytest.raises(RiskError, match="lacks outcome"):
        fall_labels(pd.DataFrame({"household_id": ["a"], "period": ["2019-01"]}))
    dup = pd.DataFrame({"household_id": ["a", "a"], "period": ["2019-01"] * 2, "outcome": [True, False]})
    with pytest.raises(RiskError, match="several rows"):
        fall_labels(dup)


def test_period_index_round_trip():
    p = pd.Series(["2019-01", "2019-12", "2020-01"])
    k = period_index(p)
    assert (k[1] - k[0], k[2] - k[1]) == (11, 1)
    assert index_period(k).tolist() == p.tolist()
