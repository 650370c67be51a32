"""Measures of a risk ranking: flags at a fixed capacity, recall, AUC, lead time.

Capacity: each month, the cadres can visit ``share`` of the households scored that month; the
households with the highest scores are flagged (ties broken by a seeded random order, so a
coarse score such as a count of fired rules is not favoured or penalised by row order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.risk.labels import index_period, period_index


def flag_top_share(periods: pd.Series | np.ndarray, scores: np.ndarray, share: float = 0.05,
                   seed: int = 0) -> np.ndarray:
    """Boolean per row: among the rows of its month, in the top ``share`` by score
    (``round(share × rows of the month)`` rows per month).

    >>> flag_top_share(np.array(["m"] * 4), np.array([0.1, 0.9, 0.5, 0.2]), share=0.5).tolist()
    [False, True, True, False]
    """
    periods = np.asarray(periods)
    scores = np.asarray(scores, dtype=float)
    tiebreak = np.random.default_rng(seed).random(len(scores))
    flags = np.zeros(len(scores), dtype=bool)
    for p in np.unique(periods):
        idx = np.flatnonzero(periods == p)
        k = round(share * len(idx))
        if k == 0:
            continue
        order = np.lexsort((-tiebreak[idx], -scores[idx]))  # score desc, then random
        flags[idx[order[:k]]] = True
    return flags


def recall(labels: np.ndarray, flags: np.ndarray) -> float | None:
    """Share of the positives that were flagged (None without positives)."""
    labels = np.asarray(labels, dtype=bool)
    flags = np.asarray(flags, dtype=bool)
    n = int(labels.sum())
    return float((labels & flags).sum() / n) if n else None


def false_positive_rate(labels: np.ndarray, flags: np.ndarray) -> float | None:
    labels = np.asarray(labels, dtype=bool)
    flags = np.asarray(flags, dtype=bool)
    n = int((~labels).sum())
    return float((~labels & flags).sum() / n) if n else None


def auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(labels, dtype=bool)
    if labels.all() or not labels.any():
        return None
    return float(roc_auc_score(labels, scores))


def lead_times(flags: pd.DataFrame, falls: pd.DataFrame, horizon: int = 6) -> pd.Series:
    """Months between the first flag and the fall, one value per fall (NaN when not flagged).

    ``flags``: household_id, period, flagged (the months the household was scored).
    ``falls``: household_id, period (the month it entered the state). The first flag is the
    earliest flagged month among the ``horizon`` months before the fall.

    >>> flags = pd.DataFrame({"household_id": ["a", "a", "a"], "period": ["2019-01", "2019-02", "2019-03"],
    ...                       "flagged": [False, True, True]})
    >>> lead_times(flags, pd.DataFrame({"household_id": ["a"], "period": ["2019-04"]})).tolist()
    [2.0]
    """
    f = flags.loc[flags["flagged"].astype(bool), ["household_id", "period"]]
    f = pd.DataFrame({"household_id": f["household_id"].to_numpy(), "_flag": period_index(f["period"])})
    fa = pd.DataFrame({"household_id": falls["household_id"].to_numpy(), "_fall": period_index(falls["period"]),
                       "_i": np.arange(len(falls))})
    m = fa.merge(f, on="household_id", how="inner")
    m = m[(m["_flag"] < m["_fall"]) & (m["_flag"] >= m["_fall"] - horizon)]
    first = m.groupby("_i")["_flag"].min()
    lead = pd.Series(np.nan, index=fa["_i"])
    lead.loc[first.index] = fa.set_index("_i").loc[first.index, "_fall"] - first
    return lead.reset_index(drop=True).rename("lead_months")


def median_or_none(values: pd.Series) -> float | None:
    v = values.dropna()
    return float(v.median()) if len(v) else None


__all__ = ["auc", "false_positive_rate", "flag_top_share", "index_period", "lead_times",
           "median_or_none", "recall"]
