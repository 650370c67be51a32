"""The monitoring benchmark's warning scores on a hand-made truth of two households."""

from __future__ import annotations

import pandas as pd

from jingzhun.evaluation.monitor_bench import score_warnings

PERIODS = [f"2019-{m:02d}" for m in range(1, 13)]


def test_recall_lead_and_precision_of_all_and_of_new_warnings(tmp_path):
    pd.DataFrame({"household_id": ["t1", "t2"], "household_no": ["H1", "H2"]}).to_parquet(
        tmp_path / "households.parquet")
    rows = [("t1", p, p >= "2019-08") for p in PERIODS] + [("t2", p, False) for p in PERIODS]
    pd.DataFrame(rows, columns=["household_id", "period", "poor"]).to_parquet(
        tmp_path / "household_months.parquet")
    # H1 warned in March and again in April (the same case), then falls in August;
    # H2 warned in May and never falls
    warnings = pd.DataFrame({"household_id": ["H1", "H1", "H2"],
                             "period": ["2019-03", "2019-04", "2019-05"]})
    got = score_warnings(warnings, tmp_path)
    assert got["falls"] == 1 and got["falls_caught"] == 1
    assert got["recall_6m"] == 1.0
    assert got["median_lead_months"] == 5.0          # August − March
    assert got["precision"] == round(2 / 3, 4)        # H1 in March and April; not H2
    assert got["new_warnings_scored"] == 2            # April repeats March
    assert got["precision_new_warnings"] == 0.5
