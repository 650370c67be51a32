"""Fairness report: recall and false-positive rate by group; age bands of the head."""

from __future__ import annotations

import pandas as pd

from jingzhun.risk.fairness import age_band, fairness_report, spread


def test_age_band_at_the_end_of_the_month():
    births = pd.Series(["1979-06-30", "1979-07-01", "1959-01-31", "1949-12-31", None, "garbage"])
    got = age_band(births, pd.Series(["2019-06"] * 6))
    assert got.tolist() == ["40-59", "<40", "60-69", "60-69", "unknown", "unknown"]


def test_fairness_report_by_group():
    rows = pd.DataFrame({
        "label":   [1, 1, 0, 0, 1, 0, 0, 0],
        "flagged": [1, 0, 1, 0, 1, 0, 0, 0],
        "head_sex": ["male"] * 4 + ["female"] * 4,
    })
    rep = fairness_report(rows, groups=("head_sex",))["head_sex"]
    assert rep["male"] == {"rows": 4, "positives": 2, "flagged": 2, "recall": 0.5, "false_positive_rate": 0.5}
    assert rep["female"] == {"rows": 4, "positives": 1, "flagged": 1, "recall": 1.0, "false_positive_rate": 0.0}
    s = spread(rep, "recall")
    assert (s["min_group"], s["max_group"], s["gap"]) == ("male", "female", 0.5)
    assert spread(rep, "recall", min_positives=2)["max_group"] == "male"
