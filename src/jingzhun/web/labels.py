"""Chinese/English labels of the codes shown in the household file and the exports.

The registry keeps codes (``male``, ``spouse``, ``income_check``); people read labels. An
unknown code is shown as itself in both languages (never hidden), so a new code in the data
shows up rather than disappearing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: code → (中文, English)
SEX: dict[str, tuple[str, str]] = {"male": ("男", "male"), "female": ("女", "female"),
                                   "1": ("男", "male"), "2": ("女", "female")}
RELATION: dict[str, tuple[str, str]] = {
    "head": ("户主", "head of household"), "spouse": ("配偶", "spouse"), "son": ("子", "son"),
    "daughter": ("女", "daughter"), "parent": ("父母", "parent"), "grandchild": ("孙子女", "grandchild"),
    "sibling": ("兄弟姐妹", "sibling"), "other": ("其他", "other relative"),
    "son_in_law": ("女婿", "son-in-law"), "daughter_in_law": ("儿媳", "daughter-in-law"),
    "grandparent": ("祖父母", "grandparent"),
}
INCOME_SOURCE: dict[str, tuple[str, str]] = {
    "income_check": ("收入核查", "income check"), "department_records": ("部门数据", "department records"),
    "declared": ("申报", "declared"), "roll": ("建档立卡系统", "the roll"), "unknown": ("不详", "unknown"),
}
#: household indicators of the file: column → (中文, English)
INDICATOR: dict[str, tuple[str, str]] = {
    "size": ("户人口", "household size"), "per_capita_net_income_fen": ("人均纯收入（元）", "net income per head (yuan)"),
    "income_source": ("收入来源", "income source"), "on_roll": ("建档立卡", "on the roll"),
    "exited_poverty": ("已脱贫", "exited poverty"), "dibao": ("低保", "dibao"), "tekun": ("特困", "tekun"),
    "owns_car": ("有车", "owns a car"), "owns_commercial_housing": ("有商品房", "owns commercial housing"),
    "owns_company": ("有企业", "owns a company"), "public_payroll_member": ("财政供养人员", "public payroll member"),
    "housing_safe": ("住房安全", "safe housing"), "water_safe": ("饮水安全", "safe water"),
    "compulsory_education_secure": ("义务教育有保障", "compulsory education secure"),
    "labour_count": ("劳动力人数", "working-age members"),
    "serious_illness_member": ("有大病成员", "seriously ill member"), "disabled_member": ("有残疾成员", "disabled member"),
    "oop_12m_fen": ("12个月自付医疗（元）", "12-month out-of-pocket medical (yuan)"),
    "schooling_cost_12m_fen": ("12个月教育支出（元）", "12-month schooling cost (yuan)"),
}
YES_NO = {True: ("是", "yes"), False: ("否", "no"), None: ("—", "—")}


def label(table: dict[str, tuple[str, str]], code: Any) -> dict[str, str] | None:
    """``{"code", "zh", "en"}`` of a code (the code itself when unknown), None for no code."""
    if code is None or code == "":
        return None
    zh, en = table.get(str(code), (str(code), str(code)))
    return {"code": str(code), "zh": zh, "en": en}


def bilingual(table: dict[str, tuple[str, str]], code: Any) -> str:
    """``"男 male"``: the label as one string (exports)."""
    lab = label(table, code)
    return "" if lab is None else (lab["zh"] if lab["zh"] == lab["en"] else f"{lab['zh']} {lab['en']}")


def yuan(fen: Any) -> str:
    """Integer fen as a yuan string with two decimals (display only; money stays fen)."""
    if fen is None:
        return "—"
    f = int(fen)
    sign = "-" if f < 0 else ""
    return f"{sign}{abs(f) // 100:,}.{abs(f) % 100:02d}"


@lru_cache(maxsize=1)
def causes() -> dict[str, tuple[str, str]]:
    """Poverty causes (致贫原因) as the diagnosis rules label them (``diagnosis/causes.yaml``)."""
    from jingzhun.diagnosis.rules import load_rules

    return {c: (v.label_zh, v.label_en) for c, v in load_rules().labels.items()}
