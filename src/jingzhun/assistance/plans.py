"""One plan per household (一户一策): the eligible measures ranked with reasons tied to the
diagnosed causes and the open 三保障/water gaps, and what the allocation gave.

Ranking: measures that close an open gap first (hard constraint), then those answering the
primary cause, then a secondary cause, then the others; within a rank, expected value per
10,000 yuan (P(lifted) or gap reduction).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assistance.catalogue import GAPS
from jingzhun.assistance.instance import Instance

GAP_LABELS = {"housing_safe": ("住房安全", "safe housing"),
              "water_safe": ("饮水安全", "safe drinking water"),
              "compulsory_education_secure": ("义务教育", "compulsory education"),
              "basic_medical_secure": ("基本医疗", "basic medical care")}


def _cause_labels() -> dict[str, tuple[str, str]]:
    from jingzhun.diagnosis.rules import load_rules

    return {c: (v.label_zh, v.label_en) for c, v in load_rules().labels.items()}


def _yuan(fen: float) -> str:
    return f"{fen / 100:,.0f}"


def candidates(inst: Instance, i: int, labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    hh = inst.households
    causes = [hh[c].iat[i] for c in ("primary_cause", "secondary_cause_1", "secondary_cause_2")]
    causes = [c if isinstance(c, str) else None for c in causes]
    open_gaps = [g for g in GAPS if hh[f"gap_{g}"].iat[i]]
    value = inst.value()
    out = []
    for j in np.flatnonzero(inst.eligible[i]):
        m = inst.catalogue.measures[j]
        zh: list[str] = []
        en: list[str] = []
        closes = [g for g in open_gaps if g in m.closes]
        for g in closes:
            zh.append(f"解决{GAP_LABELS[g][0]}缺口")
            en.append(f"closes the {GAP_LABELS[g][1]} gap")
        rank = 0 if closes else 3
        for k, c in enumerate(causes):
            if c and c in m.causes:
                lz, le = labels.get(c, (c, c))
                zh.append(f"{'主要' if k == 0 else '次要'}致贫原因：{lz}")
                en.append(f"{'primary' if k == 0 else 'secondary'} cause: {le}")
                rank = min(rank, 1 if k == 0 else 2)
                break
        cost = int(inst.cost[i, j])
        p = float(inst.p_lift[i, j])
        if m.effect.raises_income and hh["poor"].iat[i]:
            zh.append(f"预计脱贫概率 {p:.2f}")
            en.append(f"probability of being lifted {p:.2f}")
        zh.append(f"费用 {_yuan(cost)} 元")
        en.append(f"cost {_yuan(cost)} yuan")
        out.append({"measure": m.id, "label_zh": m.label_zh, "label_en": m.label_en,
                    "rank_group": rank, "cost_fen": cost, "p_lift": round(p, 4),
                    "value_per_10k_yuan": round(float(value[i, j]) / max(cost, 1) * 1e6, 4),
                    "reasons_zh": "；".join(zh), "reasons_en": "; ".join(en)})
    out.sort(key=lambda c: (c["rank_group"], -c["value_per_10k_yuan"], c["cost_fen"]))
    for r, c in enumerate(out, 1):
        c["rank"] = r
    return out


def plan_table(inst: Instance, chosen: np.ndarray, *, max_candidates: int = 5) -> pd.DataFrame:
    """One row per target household: causes, gaps, ranked candidates (JSON), allocated measures."""
    labels = _cause_labels()
    hh = inst.households
    ids = inst.catalogue.ids
    rows: list[dict[str, Any]] = []
    for i in range(inst.n):
        alloc = [ids[j] for j in np.flatnonzero(chosen[i])]
        cands = candidates(inst, i, labels)[:max_candidates]
        lz = {m.id: m.label_zh for m in inst.catalogue.measures}
        inc = hh["inc"].iat[i]
        rows.append({
            "household_id": hh["household_id"].iat[i], "county_code": hh["county_code"].iat[i],
            "township_code": hh["township_code"].iat[i], "village_code": hh["village_code"].iat[i],
            "size": int(hh["size"].iat[i]),
            "per_capita_net_income_fen": None if np.isnan(inc) else int(inc),
            "gap_per_capita_fen": int(hh["gap_pc"].iat[i]), "poor": bool(hh["poor"].iat[i]),
            "primary_cause": hh["primary_cause"].iat[i],
            "primary_cause_zh": labels.get(hh["primary_cause"].iat[i], (None,))[0],
            "secondary_causes": [c for c in (hh["secondary_cause_1"].iat[i], hh["secondary_cause_2"].iat[i])
                                 if isinstance(c, str)],
            "open_gaps": [g for g in GAPS if hh[f"gap_{g}"].iat[i]],
            "allocated": alloc, "allocated_zh": [lz[a] for a in alloc],
            "allocated_cost_fen": int((inst.cost[i] * chosen[i]).sum()),
            "p_lift": round(float(1 - np.prod(1 - inst.p_lift[i][chosen[i]])), 4),
            "candidates": json.dumps(cands, ensure_ascii=False),
        })
    return pd.DataFrame(rows)


__all__ = ["GAP_LABELS", "candidates", "plan_table"]
