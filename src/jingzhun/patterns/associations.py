"""Association rules between causes, characteristics and outcomes (apriori, mlxtend).

Items are booleans observable in department data (``ITEMS``); rules carry support,
confidence and lift. The planted association of the synthetic province (remote ∧ no normal
labour ∧ illness ∧ rural → poor) is observable only through proxies: the village's distance
to market is in no extract (``remote`` uses the expected distance, diagnosis/features.py) and
"poor" is the income check below the line (rural households with a check)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError

# item → (zh label, how it is computed from the diagnosis table)
ITEM_LABELS = {
    "rural": "农业户口", "remote": "偏远村（预计距集镇≥10公里）", "no_normal_labour": "无普通劳动力",
    "illness": "有病人（大病或慢性病）", "disabled": "有残疾人", "elderly_head": "户主60岁以上",
    "low_education_head": "户主小学及以下", "little_land": "承包地不足0.8亩", "unsafe_water": "饮水不安全",
    "migrant": "有外出务工", "student_higher": "有高中及以上在读",
    "poor": "收入低于扶贫标准",
}


def items_frame(table: pd.DataFrame, line_fen: float, *, remote_km: float = 10.0,
                causes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Boolean item table (one row per household); with ``causes`` (a diagnosis), adds one
    item ``cause=<primary>`` per cause."""
    def b(s: pd.Series) -> np.ndarray:
        return s.fillna(False).astype(bool).to_numpy()

    def num(c: str) -> pd.Series:
        return pd.to_numeric(table[c], errors="coerce")

    if "declared_income_per_capita_fen" not in table.columns:
        raise ConfigError("the household table lacks declared_income_per_capita_fen",
                          where="associations", fix="join the indicators (diagnosis_table)")
    inc = num("declared_income_per_capita_fen")
    it = pd.DataFrame({
        "rural": b(table["rural_hukou"]),
        "remote": (num("expected_km_to_market") >= remote_km).to_numpy(),
        "no_normal_labour": (num("n_normal_labour") == 0).to_numpy(),
        "illness": ((num("n_serious") + num("n_chronic")) > 0).to_numpy(),
        "disabled": (num("n_disabled") > 0).to_numpy(),
        "elderly_head": (num("head_age") >= 60).to_numpy(),
        "low_education_head": (num("head_education_level") <= 1).to_numpy(),
        "little_land": (b(table["rural_hukou"]) & (num("land_mu") < 0.8).to_numpy()),
        "unsafe_water": (table["water_safe"] == False).to_numpy(),
        "migrant": (num("n_migrant") > 0).to_numpy(),
        "student_higher": (num("n_students_higher") > 0).to_numpy(),
        "poor": (inc < line_fen).to_numpy(),
    }, index=table["household_id"].to_numpy())
    # 低保 and the roll are consequences of poverty (statuses), not characteristics: kept out
    if causes is not None:
        c = causes.set_index("household_id")["primary_cause"].reindex(it.index)
        for cause in sorted(c.dropna().unique()):
            it[f"cause={cause}"] = (c == cause).to_numpy()
    return it


def mine_rules(items: pd.DataFrame, *, min_support: float = 0.005, min_confidence: float = 0.3,
               max_len: int = 5, consequents: tuple[str, ...] | None = ("poor",)) -> pd.DataFrame:
    """Apriori itemsets and rules, sorted by lift; ``consequents`` keeps rules whose
    consequent is exactly one of these items (None: all rules)."""
    from mlxtend.frequent_patterns import apriori, association_rules

    if items.empty:
        raise ConfigError("no households to mine", where="associations",
                          fix="check the period and the workspace")
    keep = ["antecedents", "consequents", "support", "confidence", "lift", "households"]
    freq = apriori(items.astype(bool), min_support=min_support, use_colnames=True,
                   max_len=max_len)
    if freq.empty:
        return pd.DataFrame(columns=keep)
    rules = association_rules(freq, metric="confidence", min_threshold=min_confidence)
    if rules.empty:
        return pd.DataFrame(columns=keep)
    rules["antecedents"] = rules["antecedents"].map(lambda s: tuple(sorted(s)))
    rules["consequents"] = rules["consequents"].map(lambda s: tuple(sorted(s)))
    if consequents is not None:
        rules = rules[rules["consequents"].map(lambda c: len(c) == 1 and c[0] in consequents)]
    rules = rules.assign(households=(rules["support"] * len(items)).round().astype(int))
    return rules[keep].sort_values(["lift", "support"], ascending=False).reset_index(drop=True)


def find_rule(rules: pd.DataFrame, antecedent: set[str], consequent: str) -> pd.Series | None:
    """The rule with exactly these antecedents and this consequent, if mined."""
    hit = rules[(rules["antecedents"].map(set) == antecedent)
                & (rules["consequents"] == (consequent,))]
    return None if hit.empty else hit.iloc[0]


def rule_text(antecedents: tuple[str, ...], consequents: tuple[str, ...]) -> str:
    zh = lambda xs: " ∧ ".join(ITEM_LABELS.get(x, x) for x in xs)
    return f"{' ∧ '.join(antecedents)} → {' ∧ '.join(consequents)} ({zh(antecedents)} → {zh(consequents)})"
