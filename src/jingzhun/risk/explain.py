"""Per-household top factors (SHAP) in plain Chinese and English.

``PHRASES`` maps each model feature to its Chinese and English label and how to show its value
(``yuan`` for fen amounts, ``flag`` for yes/no, ``ratio``, ``share``, ``count``). A factor reads
"近6个月有成员失业：是" / "a member lost a job in the last 6 months: yes". Only factors that
*raise* the household's risk are listed (positive SHAP values), strongest first.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

# feature → (label_zh, label_en, kind)
PHRASES: dict[str, tuple[str, str, str]] = {
    "size": ("家庭人口", "household size", "count"),
    "rural_hukou": ("农业户口", "rural household registration", "flag"),
    "wage_income_fen": ("工资性收入（年化）", "wages (yearly)", "yuan"),
    "transfer_income_fen": ("转移性收入（年化）", "transfers (yearly)", "yuan"),
    "department_income_fen": ("部门核实收入（年化）", "income verified by departments (yearly)", "yuan"),
    "per_capita_net_income_fen": ("家庭年人均纯收入", "per-capita net income", "yuan"),
    "income_drop_share": ("收入较上年降幅", "fall in income on last year", "share"),
    "on_roll": ("建档立卡在册", "on the poverty roll", "flag"),
    "exited_poverty": ("已脱贫户", "exited poverty", "flag"),
    "roll_income_per_capita_fen": ("建档立卡记录人均纯收入", "per-capita income on the roll", "yuan"),
    "dibao": ("低保户", "on 低保 (minimum living allowance)", "flag"),
    "tekun": ("特困供养", "特困 support", "flag"),
    "owns_car": ("拥有小汽车", "owns a car", "flag"),
    "owns_commercial_housing": ("购买商品房", "bought commercial housing", "flag"),
    "owns_company": ("注册公司", "runs a registered company", "flag"),
    "public_payroll_member": ("有财政供养人员", "a member on the public payroll", "flag"),
    "village_cadre_member": ("有村干部", "a village cadre in the household", "flag"),
    "housing_safe": ("住房安全有保障", "housing safe", "flag"),
    "water_safe": ("饮水安全", "safe drinking water", "flag"),
    "labour_count": ("劳动力人数", "members able to work", "count"),
    "dependency_ratio": ("抚养比", "dependency ratio", "ratio"),
    "serious_illness_member": ("有大病成员", "a member with a serious illness", "flag"),
    "disabled_member": ("有残疾成员", "a member with a disability", "flag"),
    "oop_inpatient_ytd_fen": ("住院自付费用（年内累计）", "in-patient out-of-pocket costs this year", "yuan"),
    "oop_outpatient_month_fen": ("门诊自付费用（当月）", "out-patient out-of-pocket costs this month", "yuan"),
    "oop_12m_fen": ("医疗自付费用（近12个月）", "out-of-pocket medical costs, last 12 months", "yuan"),
    "schooling_cost_12m_fen": ("教育支出（年）", "schooling costs (yearly)", "yuan"),
    "rigid_spending_12m_fen": ("刚性支出（近12个月）", "unavoidable spending, last 12 months", "yuan"),
    "new_serious_illness_3m": ("近3个月新发大病", "a new serious illness in the last 3 months", "flag"),
    "new_disability_3m": ("近3个月新增残疾", "a new disability in the last 3 months", "flag"),
    "disaster_3m": ("近3个月所在村遭灾", "a disaster in the village in the last 3 months", "flag"),
    "job_loss_3m": ("近3个月有成员失业", "a member lost a job in the last 3 months", "flag"),
    "dropout_3m": ("近3个月有子女辍学", "a child dropped out in the last 3 months", "flag"),
    "main_earner_died_3m": ("近3个月劳动力死亡", "a working-age member died in the last 3 months", "flag"),
    "income_checked": ("有农户收入核查", "has a household income check", "flag"),
    "income_to_line": ("人均纯收入为贫困线的倍数", "per-capita income as a multiple of the poverty line", "ratio"),
    "department_income_pc_fen": ("部门核实人均收入", "department-verified income per person", "yuan"),
    "department_income_pc_to_line": ("部门核实人均收入为贫困线的倍数",
                                     "department-verified income per person as a multiple of the line", "ratio"),
    "wage_change_1m_fen": ("工资性收入较上月变化", "change in wages on last month", "yuan"),
    "wage_change_3m_fen": ("工资性收入较3个月前变化", "change in wages on 3 months ago", "yuan"),
    "department_income_change_3m_share": ("部门核实收入较3个月前变化", "change in verified income on 3 months ago", "share"),
    "labour_change_3m": ("劳动力人数较3个月前变化", "change in members able to work on 3 months ago", "count"),
    "size_change_3m": ("家庭人口较3个月前变化", "change in household size on 3 months ago", "count"),
    "job_loss_6m": ("近6个月有成员失业", "a member lost a job in the last 6 months", "flag"),
    "serious_illness_new_6m": ("近6个月新发大病", "a new serious illness in the last 6 months", "flag"),
    "oop_outpatient_3m_fen": ("门诊自付费用（近3个月）", "out-patient out-of-pocket costs, last 3 months", "yuan"),
    "rigid_to_income": ("刚性支出占家庭纯收入比例", "unavoidable spending as a share of household income", "share"),
    "income_without_wages_to_line": ("除工资外人均收入为贫困线的倍数",
                                     "income per person without wages as a multiple of the line", "ratio"),
    "wage_share": ("工资占家庭纯收入比例", "wages as a share of household income", "share"),
    "job_losses_12m": ("近12个月失业次数（按季度计）", "quarters with a job loss in the last 12 months", "count"),
}


def value_text(value: Any, kind: str) -> tuple[str, str]:
    """(zh, en) text of a feature value of the given kind."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "未知", "unknown"
    v = float(value)
    if kind == "flag":
        return ("是", "yes") if v >= 0.5 else ("否", "no")
    if kind == "yuan":
        y = round(v / 100)
        return f"{y:,}元", f"{y:,} yuan"
    if kind == "share":
        return f"{v * 100:.0f}%", f"{v * 100:.0f}%"
    if kind == "ratio":
        return f"{v:.2f}", f"{v:.2f}"
    if kind == "count":
        return f"{v:.0f}", f"{v:.0f}"
    raise ValueError(f"unknown value kind {kind!r}")


def phrase(feature: str, value: Any) -> tuple[str, str]:
    """Plain Chinese and English phrase of one factor.

    >>> phrase("job_loss_6m", 1.0)
    ('近6个月有成员失业：是', 'a member lost a job in the last 6 months: yes')
    """
    zh, en, kind = PHRASES[feature]
    vz, ve = value_text(value, kind)
    return f"{zh}：{vz}", f"{en}: {ve}"


def top_factors(contributions: np.ndarray, values: pd.DataFrame, k: int = 3) -> list[list[dict[str, Any]]]:
    """For each row, the ``k`` features with the largest positive contribution, with phrases."""
    names = list(values.columns)
    out = []
    vals = values.to_numpy(dtype=float)
    for i in range(contributions.shape[0]):
        order = np.argsort(-contributions[i], kind="stable")[:k]
        row = []
        for j in order:
            if contributions[i, j] <= 0:
                break
            zh, en = phrase(names[j], vals[i, j])
            row.append({"feature": names[j], "value": None if math.isnan(vals[i, j]) else float(vals[i, j]),
                        "shap": round(float(contributions[i, j]), 4), "zh": zh, "en": en})
        out.append(row)
    return out


def explain(model: Any, rows: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """SHAP (TreeExplainer, log-odds) top ``k`` risk-raising factors of each row of ``rows``:
    household_id, period, risk, factors (list of dicts), factors_zh, factors_en."""
    import shap

    x = model.matrix(rows)
    explainer = shap.TreeExplainer(model.booster)
    sv = explainer.shap_values(x)
    if isinstance(sv, list):  # older shap: one array per class
        sv = sv[1]
    sv = np.asarray(sv)
    if sv.ndim == 3:
        sv = sv[:, :, 1]
    factors = top_factors(sv, x, k)
    return pd.DataFrame({
        "household_id": rows["household_id"].to_numpy(), "period": rows["period"].to_numpy(),
        "risk": model.predict(rows), "factors": factors,
        "factors_zh": ["；".join(f["zh"] for f in fs) for fs in factors],
        "factors_en": ["; ".join(f["en"] for f in fs) for fs in factors],
    })

