"""Apply an allocation with uncertain effects (``effects.draw``) and measure it: households
lifted (per 10,000 yuan), change of the poverty gap, coverage by township and by cause.

Model (docs/assistance.md): incomes stay as they are except for the measures' uplifts (no
growth, no new shocks: the comparison between allocations is what matters); each measure
draws its success, multiplier and lag independently; uplifts of a household's measures add up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assistance.effects import draw, uplift_per_capita
from jingzhun.assistance.instance import Instance

TEN_THOUSAND_YUAN_FEN = 1_000_000


def simulate(inst: Instance, chosen: np.ndarray, *, replications: int = 200,
             seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    hh = inst.households
    inc = hh["inc"].to_numpy(float)
    size = hh["size"].to_numpy(float)
    gap = hh["gap_pc"].to_numpy(float)
    poor = hh["poor"].to_numpy(bool)
    uplift = np.zeros((replications, inst.n))
    for j, m in enumerate(inst.catalogue.measures):
        rows = np.flatnonzero(chosen[:, j])
        if len(rows) == 0 or not m.effect.raises_income:
            continue
        ok, u, lag = (a.reshape(replications, len(rows))
                      for a in draw(m.effect, replications * len(rows), rng))
        uplift[:, rows] += uplift_per_capita(
            m.effect, inc[rows][None, :], size[rows][None, :], inst.amount[rows, j][None, :],
            inst.to[rows, j][None, :], inst.line, ok, u, lag, inst.settings.horizon_months)
    lifted = (uplift >= gap[None, :]) & poor[None, :]
    n_lifted = lifted.sum(axis=1)
    gap_before = float((gap * size).sum())
    gap_after = (np.maximum(gap[None, :] - uplift, 0.0) * size[None, :]).sum(axis=1)
    spent = int((inst.cost * chosen).sum())
    cov = chosen.any(axis=1)
    poor_df = pd.DataFrame({"township": hh["township_code"].to_numpy()[poor],
                            "cause": hh["primary_cause"].fillna("unknown").to_numpy()[poor],
                            "covered": cov[poor]})
    by_town = poor_df.groupby("township")["covered"].mean()
    by_cause = poor_df.groupby("cause")["covered"].agg(["mean", "size"])
    mean_lifted = float(n_lifted.mean())
    return {
        "households": inst.n, "poor": int(poor.sum()),
        "households_with_measures": int(cov.sum()), "measures": int(chosen.sum()),
        "measures_by_type": {m.id: int(chosen[:, j].sum())
                             for j, m in enumerate(inst.catalogue.measures) if chosen[:, j].any()},
        "spent_fen": spent,
        "lifted": round(mean_lifted, 2),
        "lifted_p5_p95": [int(np.percentile(n_lifted, 5)), int(np.percentile(n_lifted, 95))],
        "expected_lifted_model": round(float((inst.p_lift * chosen).sum()), 2),
        "lifted_per_10k_yuan": round(mean_lifted / (spent / TEN_THOUSAND_YUAN_FEN), 4) if spent else 0.0,
        "poverty_gap_before_fen": int(round(gap_before)),
        "poverty_gap_after_fen": int(round(float(gap_after.mean()))),
        "poverty_gap_change_share": round(float(gap_after.mean()) / gap_before - 1.0, 4)
        if gap_before else 0.0,
        "coverage_poor": round(float(cov[poor].mean()), 4) if poor.any() else None,
        "coverage_by_township": {"townships": int(len(by_town)),
                                 "min": round(float(by_town.min()), 4) if len(by_town) else None,
                                 "median": round(float(by_town.median()), 4) if len(by_town) else None},
        "coverage_by_cause": {str(c): {"poor": int(r["size"]), "covered": round(float(r["mean"]), 4)}
                              for c, r in by_cause.iterrows()},
        "replications": replications,
    }


__all__ = ["simulate"]
