"""SHAP factors in plain Chinese and English."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.risk.explain import PHRASES, phrase, top_factors, value_text
from jingzhun.risk.features import FEATURES


def test_every_model_feature_has_a_phrase():
    assert set(PHRASES) == set(FEATURES)
    for zh, en, kind in PHRASES.values():
        assert zh and en and kind in {"flag", "yuan", "share", "ratio", "count"}


@pytest.mark.parametrize(("feature", "value", "zh", "en"), [
    ("job_loss_6m", 1.0, "近6个月有成员失业：是", "a member lost a job in the last 6 months: yes"),
    ("housing_safe", 0.0, "住房安全有保障：否", "housing safe: no"),
    ("per_capita_net_income_fen", 412345.0, "家庭年人均纯收入：4,123元", "per-capita net income: 4,123 yuan"),
    ("wage_change_3m_fen", -1200000.0, "工资性收入较3个月前变化：-12,000元",
     "change in wages on 3 months ago: -12,000 yuan"),
    ("income_to_line", 1.234, "人均纯收入为贫困线的倍数：1.23",
     "per-capita income as a multiple of the poverty line: 1.23"),
    ("department_income_change_3m_share", -0.5, "部门核实收入较3个月前变化：-50%",
     "change in verified income on 3 months ago: -50%"),
    ("labour_count", 2.0, "劳动力人数：2", "members able to work: 2"),
    ("income_drop_share", float("nan"), "收入较上年降幅：未知", "fall in income on last year: unknown"),
])
def test_phrase(feature, value, zh, en):
    assert phrase(feature, value) == (zh, en)


def test_value_text_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="percentile"):
        value_text(1.0, "percentile")


def test_top_factors_keep_the_risk_raising_ones_strongest_first():
    values = pd.DataFrame({"job_loss_6m": [1.0, 0.0], "income_to_line": [1.1, 3.0],
                           "labour_count": [1.0, 2.0], "owns_car": [0.0, 1.0]})
    contributions = np.array([[0.9, 0.4, 0.05, -0.2],
                              [-0.3, -0.1, 0.2, -0.5]])
    got = top_factors(contributions, values, k=3)
    assert [f["feature"] for f in got[0]] == ["job_loss_6m", "income_to_line", "labour_count"]
    assert got[0][1]["zh"] == "人均纯收入为贫困线的倍数：1.10" and got[0][0]["shap"] == 0.9
    # only one factor raises the second household's risk
    assert [(f["feature"], f["en"]) for f in got[1]] == [("labour_count", "members able to work: 2")]
