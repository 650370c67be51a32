"""History features of the panel: changes over months, shocks over 6 months, income vs line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.risk.features import BASE_FEATURES, FEATURES, add_history, frame_from_indicators


def indicator_rows(rows: list[dict]) -> pd.DataFrame:
    base = {name: 0 for name in BASE_FEATURES}
    base.update(county_code="520102", size=2, income_source="income_check", rural_hukou=True,
                per_capita_net_income_fen=500000.0, housing_safe=None, water_safe=True)
    return pd.DataFrame([{**base, **r} for r in rows])


def test_frame_from_indicators_is_numeric_with_missing_kept():
    f = frame_from_indicators(indicator_rows([{"household_id": "h", "period": "2019-01"}]))
    assert f["rural_hukou"].tolist() == [1.0] and np.isnan(f["housing_safe"].iloc[0])
    assert f["income_checked"].tolist() == [1.0]
    assert all(f[c].dtype == np.float32 for c in BASE_FEATURES)


def test_history_features():
    rows = indicator_rows([
        {"household_id": "h", "period": "2019-01", "wage_income_fen": 3_000_000, "department_income_fen": 3_000_000,
         "job_loss_3m": True, "labour_count": 2, "oop_outpatient_month_fen": 100},
        {"household_id": "h", "period": "2019-02", "wage_income_fen": 3_000_000, "department_income_fen": 3_000_000,
         "labour_count": 2, "oop_outpatient_month_fen": 200},
        {"household_id": "h", "period": "2019-03", "wage_income_fen": 1_000_000, "department_income_fen": 1_500_000,
         "labour_count": 2, "oop_outpatient_month_fen": 0},
        {"household_id": "h", "period": "2019-04", "wage_income_fen": 1_000_000, "department_income_fen": 1_500_000,
         "labour_count": 1, "oop_outpatient_month_fen": 50},
        # another household, same months: must not mix with h
        {"household_id": "g", "period": "2019-04", "wage_income_fen": 9_000_000, "department_income_fen": 9_000_000},
    ])
    p = add_history(frame_from_indicators(rows), line_fen=lambda period: 400000).set_index(["household_id", "period"])
    h4 = p.loc[("h", "2019-04")]
    assert h4["wage_change_1m_fen"] == 0 and h4["wage_change_3m_fen"] == -2_000_000
    assert h4["department_income_change_3m_share"] == pytest.approx(-0.5)
    assert h4["labour_change_3m"] == -1
    assert h4["job_loss_6m"] == 1.0          # the job loss flagged 3 months before
    assert h4["oop_outpatient_3m_fen"] == 250  # 200 + 0 + 50
    assert h4["income_to_line"] == pytest.approx(1.25)
    assert h4["department_income_pc_fen"] == 750_000
    assert h4["income_without_wages_to_line"] == 0      # 2 × 5,000 yuan − 10,000 yuan of wages
    assert p.loc[("h", "2019-01"), "income_without_wages_to_line"] == 0
    assert p.loc[("g", "2019-04"), "wage_share"] == 5    # wages above the checked income: capped
    assert h4["job_losses_12m"] == 1 and p.loc[("h", "2019-01"), "job_losses_12m"] == 1
    assert p.loc[("h", "2019-02"), "wage_change_1m_fen"] == 0
    assert np.isnan(p.loc[("h", "2019-02"), "wage_change_3m_fen"])  # no month 3 before
    assert p.loc[("h", "2019-02"), "job_loss_6m"] == 0.0
    assert np.isnan(p.loc[("g", "2019-04"), "wage_change_1m_fen"])
    assert list(p.columns) == ["county_code", *FEATURES]
