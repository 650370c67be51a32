"""The rules-only baseline counts the cn-2021 warning and category rules that fire."""

from __future__ import annotations

import pandas as pd

from jingzhun.policy.pack import load_pack
from jingzhun.risk.baseline import rule_scores


def test_rule_scores_count_fired_rules(engine, tmp_path):
    rows = pd.DataFrame({
        "household_id": ["quiet", "job", "sick_edge"],
        "exited_poverty": [False, False, False], "on_roll": [False, False, False],
        "per_capita_net_income_fen": [900000.0, 900000.0, 550000.0],   # 5,500 < 6,000 yuan
        "rigid_spending_12m_fen": [0, 0, 0], "net_income_prev_12m_fen": [None, None, None],
        "income_drop_share": [None, None, None], "oop_inpatient_ytd_fen": [0, 0, 0],
        "oop_outpatient_month_fen": [0, 0, 0], "new_serious_illness_3m": [False, False, True],
        "new_disability_3m": [False] * 3, "disaster_3m": [False] * 3, "job_loss_3m": [False, True, False],
        "dropout_3m": [False] * 3, "schooling_cost_12m_fen": [0, 0, 0], "main_earner_died_3m": [False] * 3,
    })
    path = tmp_path / "ind.parquet"
    rows.to_parquet(path)
    got = rule_scores(load_pack("cn-2021"), engine.read_parquet(path), engine).set_index("household_id")
    assert got["rules_score"].to_dict() == {"quiet": 0, "job": 1, "sick_edge": 2}
    assert got.loc["job", "rules_fired"] == "cn2021.warn_job_loss"
    assert got.loc["sick_edge", "rules_fired"] == "cn2021.edge,cn2021.warn_new_serious_illness"
