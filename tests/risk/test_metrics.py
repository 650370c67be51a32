"""Capacity flags, recall, false-positive rate, AUC and lead time, on small tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.risk.metrics import (
    auc,
    false_positive_rate,
    flag_top_share,
    lead_times,
    median_or_none,
    recall,
)


@pytest.mark.parametrize(("periods", "scores", "share", "expected"), [
    (["m"] * 4, [0.1, 0.9, 0.5, 0.2], 0.5, [False, True, True, False]),
    (["m"] * 4, [0.1, 0.9, 0.5, 0.2], 0.25, [False, True, False, False]),
    # capacity is per month: two per month at 50 %
    (["a", "a", "b", "b", "a", "b"], [1, 2, 3, 4, 0, 9], 0.5, [True, True, False, True, False, True]),
    # 5 % of 10 rows rounds to 0 (round half to even): nobody flagged
    (["m"] * 10, list(range(10)), 0.05, [False] * 10),
])
def test_flag_top_share(periods, scores, share, expected):
    assert flag_top_share(np.array(periods), np.array(scores, dtype=float), share).tolist() == expected


def test_ties_at_the_capacity_are_broken_at_random_but_reproducibly():
    scores = np.array([1.0] * 10 + [0.0] * 10)
    a = flag_top_share(np.array(["m"] * 20), scores, share=0.25, seed=3)
    b = flag_top_share(np.array(["m"] * 20), scores, share=0.25, seed=3)
    assert a.sum() == 5 and a[:10].sum() == 5 and (a == b).all()


@pytest.mark.parametrize(("labels", "flags", "rec", "fpr"), [
    ([1, 1, 0, 0], [1, 0, 1, 0], 0.5, 0.5),
    ([1, 1, 1, 0], [1, 1, 1, 0], 1.0, 0.0),
    ([0, 0, 0, 0], [1, 0, 0, 0], None, 0.25),
])
def test_recall_and_false_positive_rate(labels, flags, rec, fpr):
    assert recall(np.array(labels), np.array(flags)) == rec
    assert false_positive_rate(np.array(labels), np.array(flags)) == fpr


def test_auc():
    assert auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert auc(np.array([1, 1]), np.array([0.1, 0.2])) is None


def _flags(rows):
    return pd.DataFrame(rows, columns=["household_id", "period", "flagged"])


@pytest.mark.parametrize(("flag_rows", "fall", "horizon", "expected"), [
    # first flag 3 months before the fall (later flags do not matter)
    ([("a", "2020-01", True), ("a", "2020-02", False), ("a", "2020-03", True)], "2020-04", 6, 3.0),
    # a flag older than the horizon does not count
    ([("a", "2019-09", True), ("a", "2020-03", True)], "2020-04", 6, 1.0),
    ([("a", "2019-09", True)], "2020-04", 6, np.nan),
    # a flag in the month of the fall is not a warning
    ([("a", "2020-04", True)], "2020-04", 6, np.nan),
    # flags of another household do not count; the year boundary is a single month
    ([("b", "2019-12", True), ("a", "2019-12", True)], "2020-01", 6, 1.0),
])
def test_lead_times(flag_rows, fall, horizon, expected):
    got = lead_times(_flags(flag_rows), pd.DataFrame({"household_id": ["a"], "period": [fall]}), horizon)
    assert got.tolist() == [expected] or (np.isnan(expected) and np.isnan(got.iloc[0]))


def test_lead_times_one_per_fall_and_median():
    flags = _flags([("a", "2020-01", True), ("b", "2020-02", True), ("c", "2020-01", False)])
    fl = pd.DataFrame({"household_id": ["a", "b", "c", "a"], "period": ["2020-05", "2020-03", "2020-04", "2020-02"]})
    got = lead_times(flags, fl, horizon=6)
    assert got.tolist()[:2] == [4.0, 1.0] and np.isnan(got.iloc[2]) and got.iloc[3] == 1.0
    assert median_or_none(got) == 1.0
    assert median_or_none(pd.Series([np.nan])) is None
