"""Pairwise precision/recall of a record → cluster assignment against the true persons.

Counts pairs without listing them: predicted pairs = Σ over clusters C(n, 2), true pairs =
Σ over persons C(n, 2), true positives = Σ over (cluster, person) cells C(n, 2). The *hard
subset* counts only pairs with at least one hard record (ID missing, invalid or wrong):
all pairs minus the pairs among easy records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _pairs(counts: pd.Series) -> int:
    n = counts.to_numpy(np.int64)
    return int((n * (n - 1) // 2).sum())


def _counts(frame: pd.DataFrame) -> tuple[int, int, int]:
    predicted = _pairs(frame.groupby("cluster", sort=False).size())
    true = _pairs(frame.groupby("person", sort=False).size())
    tp = _pairs(frame.groupby(["cluster", "person"], sort=False).size())
    return predicted, true, tp


def _scores(predicted: int, true: int, tp: int) -> dict[str, Any]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5),
            "predicted_pairs": predicted, "true_pairs": true, "true_positive_pairs": tp}


def pairwise_metrics(cluster: pd.Series, person: pd.Series, hard: pd.Series | None = None) -> dict[str, Any]:
    """Pairwise scores of ``cluster`` (predicted) vs ``person`` (true), aligned by position.
    Records with no true person (null) are dropped. With ``hard`` (bool per record), adds
    ``hard_subset`` scores over pairs that involve at least one hard record.

    >>> pairwise_metrics(pd.Series([1, 1, 2]), pd.Series(["a", "a", "a"]))["recall"]
    0.33333
    """
    frame = pd.DataFrame({"cluster": cluster.to_numpy(), "person": person.to_numpy()})
    if hard is not None:
        frame["hard"] = hard.to_numpy(bool)
    frame = frame[frame["person"].notna()]
    p, t, tp = _counts(frame)
    out = _scores(p, t, tp)
    out["records"] = len(frame)
    out["clusters"] = int(frame["cluster"].nunique())
    out["true_persons"] = int(frame["person"].nunique())
    if hard is not None:
        ep, et, etp = _counts(frame[~frame["hard"]])
        out["hard_subset"] = _scores(p - ep, t - et, tp - etp)
        out["hard_subset"]["records"] = int(frame["hard"].sum())
    return out


def record_truth(truth_dir: Path) -> pd.DataFrame:
    """``file``, ``row``, ``person_id`` (true) and ``true_id_number`` of every person record."""
    rp = pd.read_parquet(truth_dir / "record_persons.parquet")
    persons = pd.read_parquet(truth_dir / "persons.parquet", columns=["person_id", "id_number"])
    rp = rp.merge(persons.rename(columns={"id_number": "true_id_number"}), on="person_id", how="left")
    return rp
