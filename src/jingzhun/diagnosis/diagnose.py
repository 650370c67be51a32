"""Cause diagnosis: a primary and up to two secondary causes per household, with evidence.

``diagnose(table, period)`` evaluates every rule of ``causes.yaml`` on a household table (the
indicators joined with ``diagnosis.features``); the first cause whose rule holds, in the file's
order, is the primary cause, the next two distinct causes are the secondary ones. A rule whose
inputs are null does not hold. Each cause carries its evidence: the rule, its labels and
reference, and the values it read with their source department.

>>> import pandas as pd
>>> t = pd.DataFrame({"household_id": ["1"], "n_serious": [1], "n_disabled_severe": [0],
...     "n_normal_labour": [0], "n_students_higher": [0], "schooling_cost_12m_fen": [0],
...     "disaster_3m": [False], "water_safe": [True], "expected_km_to_market": [2.0],
...     "rural_hukou": [True], "land_mu": [2.0], "head_education_level": [2], "n_chronic": [0]})
>>> diagnose(t, "2019-01")[["primary_cause", "secondary_cause_1", "secondary_cause_2"]].values.tolist()
[['illness', 'lack_labour', 'lack_capital']]
"""

from __future__ import annotations

import json
from typing import Any

import ibis
import numpy as np
import pandas as pd

from jingzhun.diagnosis.rules import CauseRules, load_rules
from jingzhun.errors import ConfigError
from jingzhun.policy.evaluate import period_date
from jingzhun.policy.expressions import compile_expression

MAX_SECONDARY = 2


def _json_value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def fired_matrix(table: pd.DataFrame, period: str, rules: CauseRules) -> np.ndarray:
    """Boolean matrix households × rules: which rule holds (null inputs → False)."""
    missing = sorted(rules.inputs() - set(table.columns))
    if missing:
        raise ConfigError(f"the household table lacks {', '.join(missing)}",
                          where="diagnosis input table",
                          fix="build it with jingzhun.diagnosis.features.diagnosis_table")
    cols = sorted(rules.inputs())
    data = table[cols].copy()
    for c in cols:  # nullable pandas dtypes → plain numpy with NaN/None for ibis
        if str(data[c].dtype) in ("boolean", "Int64", "Float64"):
            data[c] = data[c].astype(object).where(data[c].notna(), None)
    t = ibis.memtable(data)
    resolve = rules.resolver(period_date(period))
    exprs = {f"r{i}": compile_expression(r.parsed, t, resolve, where=r.id).fill_null(False)
             for i, r in enumerate(rules.rules)}
    con = ibis.duckdb.connect()
    try:
        out = con.to_pyarrow(t.select(**exprs))
    finally:
        con.disconnect()
    if len(rules.rules) == 0:
        return np.zeros((len(table), 0), dtype=bool)
    return np.column_stack([out[f"r{i}"].to_numpy(zero_copy_only=False).astype(bool)
                            for i in range(len(rules.rules))])


def diagnose(table: pd.DataFrame, period: str, rules: CauseRules | None = None) -> pd.DataFrame:
    """One row per household: primary and secondary causes (codes, zh/en labels), the fired
    rule ids and ``evidence`` (JSON list, one entry per cause chosen)."""
    rules = rules or load_rules()
    fired = fired_matrix(table, period, rules)
    labels = rules.labels
    values = {c: table[c].tolist() for c in rules.inputs()}
    ids = table["household_id"].tolist()
    out: dict[str, list[Any]] = {k: [] for k in (
        "household_id", "primary_cause", "secondary_cause_1", "secondary_cause_2", "fired",
        "evidence")}
    for i, hid in enumerate(ids):
        chosen: list[str] = []
        evidence = []
        rule_ids = []
        for j in np.flatnonzero(fired[i]):
            rule = rules.rules[j]
            rule_ids.append(rule.id)
            if rule.cause in chosen or len(chosen) >= 1 + MAX_SECONDARY:
                continue
            chosen.append(rule.cause)
            evidence.append({
                "cause": rule.cause, "label_zh": labels[rule.cause].label_zh,
                "label_en": labels[rule.cause].label_en, "rule": rule.id,
                "rule_label_zh": rule.label_zh, "rule_label_en": rule.label_en,
                "reference": rule.reference,
                "evidence": {n: {"value": _json_value(values[n][i]), "source": rule.inputs[n]}
                             for n in sorted(rule.parsed.names)},
            })
        chosen += [None] * (1 + MAX_SECONDARY - len(chosen))  # type: ignore[list-item]
        out["household_id"].append(hid)
        out["primary_cause"].append(chosen[0])
        out["secondary_cause_1"].append(chosen[1])
        out["secondary_cause_2"].append(chosen[2])
        out["fired"].append(rule_ids)
        out["evidence"].append(json.dumps(evidence, ensure_ascii=False, sort_keys=True, default=str))
    df = pd.DataFrame(out)
    df.insert(2, "primary_label_zh", df["primary_cause"].map(lambda c: labels[c].label_zh if c else None))
    df.insert(3, "primary_label_en", df["primary_cause"].map(lambda c: labels[c].label_en if c else None))
    df.insert(1, "period", period)
    return df


def review_disagreements(diagnosis: pd.DataFrame, roll: pd.DataFrame) -> pd.DataFrame:
    """Households on the roll whose recorded main cause differs from the diagnosed primary
    cause, for review (复核): roll cause, diagnosed causes, whether the roll's cause is at least
    among the diagnosed secondaries, and the evidence."""
    j = diagnosis.merge(roll, on="household_id", how="inner")
    j = j[j["roll_main_cause"].notna()]
    diff = j[j["primary_cause"] != j["roll_main_cause"]].copy()
    diff["roll_cause_among_secondary"] = (
        (diff["secondary_cause_1"] == diff["roll_main_cause"])
        | (diff["secondary_cause_2"] == diff["roll_main_cause"]))
    keep = ["household_id", "period", "roll_main_cause", "primary_cause", "secondary_cause_1",
            "secondary_cause_2", "roll_cause_among_secondary", "evidence"]
    return diff[keep].sort_values("household_id").reset_index(drop=True)
