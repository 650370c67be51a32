"""Labels from verified outcomes: will a household fall within the next ``horizon`` months?

The input is a table of *verified outcomes* (``household_id``, ``period``, ``outcome``): for each
household and month, whether it was in the monitored state — per-capita income below the
monitoring line, or in a monitored category. In production it comes from the monitoring
workflow's verification visits; in the benchmark the synthetic truth of the training months
stands in for it (docs/risk.md). The pipeline never reads the truth itself.

A row (household, month m) gets a label only when the household was *not* in the state at m
and every month m+1 … m+horizon is covered by the outcomes table; the label is true when the
household is in the state in any of those months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.errors import JingzhunError

OUTCOME_COLUMNS = ("household_id", "period", "outcome")


class RiskError(JingzhunError):
    """Risk-model inputs that cannot be used as given."""


def period_index(period: pd.Series) -> np.ndarray:
    """``YYYY-MM`` → months since year 0 (so that month arithmetic is integer arithmetic)."""
    s = period.astype(str)
    return (s.str[:4].astype(int) * 12 + s.str[5:7].astype(int) - 1).to_numpy()


def index_period(index: np.ndarray) -> np.ndarray:
    """Inverse of :func:`period_index`."""
    index = np.asarray(index, dtype=int)
    return np.array([f"{k // 12:04d}-{k % 12 + 1:02d}" for k in index], dtype=object)


def check_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in OUTCOME_COLUMNS if c not in outcomes.columns]
    if missing:
        raise RiskError(f"the outcomes table lacks {', '.join(missing)}", where="verified outcomes",
                        fix="give one row per household and month: household_id, period (YYYY-MM), "
                            "outcome (true when below the monitoring line or in a monitored category)")
    if outcomes.duplicated(["household_id", "period"]).any():
        raise RiskError("the outcomes table has several rows for one household and month",
                        where="verified outcomes", fix="keep one verified outcome per household and month")
    out = outcomes[list(OUTCOME_COLUMNS)].copy()
    out["outcome"] = out["outcome"].astype(bool)
    return out


def fall_labels(outcomes: pd.DataFrame, horizon: int = 6) -> pd.DataFrame:
    """``household_id``, ``period``, ``label`` for every household-month with a defined label.

    >>> o = pd.DataFrame({"household_id": ["a"] * 4, "period": ["2019-01", "2019-02", "2019-03", "2019-04"],
    ...                   "outcome": [False, False, True, True]})
    >>> fall_labels(o, horizon=2)["label"].tolist()
    [True, True]
    """
    o = check_outcomes(outcomes)
    o["_k"] = period_index(o["period"])
    last = int(o["_k"].max()) if len(o) else 0
    state = o.set_index(["household_id", "_k"])["outcome"]
    ahead = pd.Series(False, index=state.index)
    covered = pd.Series(True, index=state.index)
    for step in range(1, horizon + 1):
        # the state `step` months later, aligned on the current month
        later = state.copy()
        later.index = later.index.set_levels(later.index.levels[1] - step, level=1)
        got = later.reindex(state.index)
        covered &= got.notna()
        ahead |= got.astype("boolean").fillna(False).astype(bool)
    rows = o.set_index(["household_id", "_k"])
    keep = (~rows["outcome"]) & covered & (rows.index.get_level_values(1) + horizon <= last)
    out = rows.loc[keep, ["period"]].assign(label=ahead[keep].to_numpy()).reset_index()
    return out[["household_id", "period", "label"]].reset_index(drop=True)


def falls(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Months in which a household enters the state: ``household_id``, ``period`` (the fall
    month), having been out of it the month before (both months verified)."""
    o = check_outcomes(outcomes)
    o["_k"] = period_index(o["period"])
    prev = o[["household_id", "_k", "outcome"]].rename(columns={"outcome": "_before"})
    prev["_k"] += 1
    m = o.merge(prev, on=["household_id", "_k"], how="inner")
    hit = m[m["outcome"] & ~m["_before"]]
    return hit[["household_id", "period"]].sort_values(["household_id", "period"]).reset_index(drop=True)
