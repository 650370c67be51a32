"""Monitoring benchmark: warnings and fund anomalies against the synthetic truth.

Warnings (households matched by 户号, which the truth and the registry share):

- a *fall* is a household not poor in month f−1 and poor in f (``household_months.poor``),
  for f from the 7th month of the window on, so its 6 months before are all observed;
- ``recall_6m``: falls with a warning in f−6 … f−1 / falls;
- ``median_lead_months``: f minus the earliest warned month among f−6 … f−1, over the falls
  caught;
- ``precision``: warnings (household-months not poor in the month, with 6 months of truth
  after) followed by a fall within 6 months / such warnings;
- ``precision_new_warnings``: the same over the new warnings only (the household was not
  warned the month before; the first month of the window has no month before and is left out).

Fund anomalies: (file, row, anomaly) against ``truth/payment_anomalies.parquet``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _index(period: pd.Series) -> np.ndarray:
    p = period.astype(str)
    return p.str[:4].astype(int).to_numpy() * 12 + p.str[5:7].astype(int).to_numpy() - 1


def score_warnings(warnings: pd.DataFrame, truth_dir: Path, horizon: int = 6) -> dict[str, Any]:
    hh = pd.read_parquet(truth_dir / "households.parquet", columns=["household_id", "household_no"])
    hm = pd.read_parquet(truth_dir / "household_months.parquet", columns=["household_id", "period", "poor"])
    hm = hm.merge(hh, on="household_id")
    hm["m"] = _index(hm["period"])
    first, last = int(hm["m"].min()), int(hm["m"].max())
    poor = hm.set_index(["household_no", "m"])["poor"]
    prev = hm.assign(m=hm["m"] + 1).set_index(["household_no", "m"])["poor"]
    j = hm.set_index(["household_no", "m"]).join(prev.rename("prev"), how="inner")
    falls = j[(j["poor"]) & (~j["prev"].astype(bool))].reset_index()[["household_no", "m"]]
    falls = falls[falls["m"] >= first + horizon]
    w = warnings[["household_id", "period"]].drop_duplicates().rename(columns={"household_id": "household_no"})
    w["m"] = _index(w["period"])
    pairs = falls.merge(w[["household_no", "m"]].rename(columns={"m": "wm"}), on="household_no")
    pairs = pairs[(pairs["wm"] >= pairs["m"] - horizon) & (pairs["wm"] <= pairs["m"] - 1)]
    lead = (pairs["m"] - pairs.groupby(["household_no", "m"])["wm"].transform("min")).groupby(
        [pairs["household_no"], pairs["m"]]).first()
    # precision over warnings with a full horizon, on households not poor that month
    wp = w[w["m"] <= last - horizon].merge(
        poor.rename("poor_now").reset_index(), on=["household_no", "m"], how="left")
    wp = wp[wp["poor_now"] == False]  # noqa: E712
    # a warning is good when any fall follows within the horizon (falls of any month)
    all_falls = j[(j["poor"]) & (~j["prev"].astype(bool))].reset_index()[["household_no", "m"]]
    fm2 = all_falls.rename(columns={"m": "fm"}).merge(wp[["household_no", "m"]], on="household_no")
    good = fm2[(fm2["fm"] > fm2["m"]) & (fm2["fm"] <= fm2["m"] + horizon)][["household_no", "m"]].drop_duplicates()
    # new warnings: the household was not warned the month before (a cadre's new visit; a
    # warning repeated month after month is the same case, not new work)
    before = set(zip(w["household_no"], w["m"] + 1))
    is_new = np.fromiter(((h, m) not in before for h, m in zip(wp["household_no"], wp["m"])),
                         bool, len(wp))
    new = wp[is_new & (wp["m"] > first).to_numpy()]
    good_new = new.merge(good, on=["household_no", "m"])
    return {
        "recall_6m": round(len(lead) / len(falls), 4) if len(falls) else None,
        "precision": round(len(good) / len(wp), 4) if len(wp) else None,
        "median_lead_months": float(lead.median()) if len(lead) else None,
        "falls": int(len(falls)), "falls_caught": int(len(lead)),
        "lead_months_distribution": {int(k): int(v) for k, v in lead.value_counts().sort_index().items()},
        "precision_new_warnings": round(len(good_new) / len(new), 4) if len(new) else None,
        "new_warnings_scored": int(len(new)),
        "warnings": int(len(w)), "warnings_scored_for_precision": int(len(wp)),
        "warned_households_per_month": round(len(w) / max(w["m"].nunique(), 1), 1),
    }


def score_funds(found: pd.DataFrame, truth_dir: Path) -> dict[str, Any]:
    truth = pd.read_parquet(truth_dir / "payment_anomalies.parquet", columns=["file", "row", "anomaly"])
    T = set(zip(truth["file"], truth["row"].astype(int), truth["anomaly"]))
    F = set(zip(found["file"], found["row"].astype(int), found["anomaly"]))
    hit = T & F
    out: dict[str, Any] = {"recall": round(len(hit) / len(T), 4) if T else None,
                           "precision": round(len(hit) / len(F), 4) if F else None,
                           "planted": len(T), "flagged": len(F), "by_anomaly": {}}
    for a in sorted({x[2] for x in T | F}):
        t = {x for x in T if x[2] == a}
        f = {x for x in F if x[2] == a}
        out["by_anomaly"][a] = {"recall": round(len(t & f) / len(t), 4) if t else None,
                                "precision": round(len(t & f) / len(f), 4) if f else None,
                                "planted": len(t), "flagged": len(f)}
    return out
