"""Scorecards: a composite score per area with documented weights (weights.yaml, ours),
rankings among peers of the same level, a range from the indicators' intervals, and trends.

composite = Σ wᵢ·scoreᵢ / Σ wᵢ over the indicators available for the area (scoreᵢ in 0–100,
``Weights.score``); ``weight_coverage`` = Σ wᵢ available / Σ wᵢ of every weighted indicator.
``composite_low``/``composite_high``: the same with every indicator at the pessimistic /
optimistic end of its interval. ``low_confidence``: a weighted indicator rests on fewer than
``min_households`` households. Rank 1 = best; ties share the better rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.assessment.catalogue import BY_NAME, Weights


def scorecards(ind: pd.DataFrame, weights: Weights, min_households: int) -> pd.DataFrame:
    """One row per area: composite, its range, coverage, confidence, rank within the level."""
    wmap = {k: v for k, v in weights.indicators.items() if v.weight > 0}
    total = sum(v.weight for v in wmap.values())
    rows = []
    for (level, code), g in ind.groupby(["level", "area_code"], sort=True):
        acc = {"mid": 0.0, "low": 0.0, "high": 0.0, "w": 0.0}
        few, used = [], []
        for r in g.itertuples(index=False):
            w = wmap.get(r.indicator)
            s = weights.score(r.indicator, r.value) if w else None
            if s is None:
                continue
            higher = BY_NAME[r.indicator].higher_is_better
            lo = r.ci_low if r.ci_low == r.ci_low and r.ci_low is not None else r.value
            hi = r.ci_high if r.ci_high == r.ci_high and r.ci_high is not None else r.value
            worst_v, best_v = (lo, hi) if higher else (hi, lo)
            acc["mid"] += w.weight * s
            acc["low"] += w.weight * weights.score(r.indicator, worst_v)
            acc["high"] += w.weight * weights.score(r.indicator, best_v)
            acc["w"] += w.weight
            used.append(r.indicator)
            if r.households < min_households:
                few.append(r.indicator)
        comp = acc["mid"] / acc["w"] if acc["w"] else np.nan
        rows.append({"level": level, "area_code": code, "county_code": g["county_code"].iat[0],
                     "composite": comp,
                     "composite_low": acc["low"] / acc["w"] if acc["w"] else np.nan,
                     "composite_high": acc["high"] / acc["w"] if acc["w"] else np.nan,
                     "weight_coverage": acc["w"] / total if total else 0.0,
                     "indicators_used": ",".join(used), "few_households": ",".join(few),
                     "low_confidence": bool(few)})
    sc = pd.DataFrame(rows)
    if sc.empty:
        return sc
    sc["rank"] = sc.groupby("level")["composite"].rank(ascending=False, method="min")
    sc["peers"] = sc.groupby("level")["composite"].transform("count")
    return sc


def add_trend(current: pd.DataFrame, previous: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``trend`` = composite − the composite of the latest earlier period (``previous``:
    period → scorecards), ``previous_period`` names it; NaN without one."""
    out = current.copy()
    out["previous_period"] = None
    out["trend"] = np.nan
    if not previous:
        return out
    last = max(previous)
    prev = previous[last][["level", "area_code", "composite"]].rename(
        columns={"composite": "previous_composite"})
    out = out.merge(prev, on=["level", "area_code"], how="left")
    out["trend"] = out["composite"] - out["previous_composite"]
    out["previous_period"] = np.where(out["previous_composite"].notna(), last, None)
    return out.drop(columns="previous_composite")
