"""Cause-diagnosis benchmark: our primary cause and the roll's recorded main cause against the
synthetic truth (``truth/households.parquet`` ``true_main_cause``), households matched by the
household-registry number (户号 = ``household_no`` in the truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd


def _accuracy(pred: pd.Series, truth: pd.Series) -> float | None:
    return round(float((pred == truth).mean()), 4) if len(truth) else None


def _per_cause(pred: pd.Series, truth: pd.Series) -> dict[str, dict[str, Any]]:
    out = {}
    for cause in sorted(set(truth.dropna()) | set(pred.dropna())):
        t, p = truth == cause, pred == cause
        hit = int((t & p).sum())
        out[cause] = {"truth": int(t.sum()), "predicted": int(p.sum()), "correct": hit,
                      "recall": round(hit / int(t.sum()), 4) if t.any() else None,
                      "precision": round(hit / int(p.sum()), 4) if p.any() else None}
    return out


def _confusion(pred: pd.Series, truth: pd.Series) -> dict[str, dict[str, int]]:
    ct = pd.crosstab(truth, pred)
    return {str(t): {str(p): int(n) for p, n in row.items() if n} for t, row in ct.iterrows()}


def score_causes(diagnosis: pd.DataFrame, roll: pd.DataFrame, truth_dir: Path) -> dict[str, Any]:
    """Accuracy of the primary cause overall, per cause and as confusion counts (truth → our
    cause), on every household and on the roll's households, where the roll's own main cause
    is scored the same way; the number of disagreements with the roll listed for review."""
    truth = pd.read_parquet(Path(truth_dir) / "households.parquet",
                            columns=["household_no", "true_main_cause"])
    j = diagnosis.merge(truth, left_on="household_id", right_on="household_no", how="inner")
    on_roll = j.merge(roll, on="household_id", how="inner")
    on_roll = on_roll[on_roll["roll_main_cause"].notna()]
    top3 = on_roll[["primary_cause", "secondary_cause_1", "secondary_cause_2"]].eq(
        on_roll["true_main_cause"], axis=0).any(axis=1)
    disagree = on_roll["primary_cause"] != on_roll["roll_main_cause"]
    roll_wrong = on_roll["roll_main_cause"] != on_roll["true_main_cause"]
    ours_right = on_roll["primary_cause"] == on_roll["true_main_cause"]
    return {
        "all_households": {
            "households": len(j),
            "accuracy": _accuracy(j["primary_cause"], j["true_main_cause"]),
            "per_cause": _per_cause(j["primary_cause"], j["true_main_cause"]),
            "confusion": _confusion(j["primary_cause"], j["true_main_cause"]),
        },
        "roll_households": {
            "households": len(on_roll),
            "ours_accuracy": _accuracy(on_roll["primary_cause"], on_roll["true_main_cause"]),
            "ours_top3_accuracy": round(float(top3.mean()), 4) if len(on_roll) else None,
            "roll_accuracy": _accuracy(on_roll["roll_main_cause"], on_roll["true_main_cause"]),
            "ours_per_cause": _per_cause(on_roll["primary_cause"], on_roll["true_main_cause"]),
            "roll_per_cause": _per_cause(on_roll["roll_main_cause"], on_roll["true_main_cause"]),
            "ours_confusion": _confusion(on_roll["primary_cause"], on_roll["true_main_cause"]),
            "roll_confusion": _confusion(on_roll["roll_main_cause"], on_roll["true_main_cause"]),
        },
        "review": {
            "disagreements": int(disagree.sum()),
            "roll_errors": int(roll_wrong.sum()),
            # of the disagreements, how many point at a roll cause that is wrong (useful
            # reviews) and how many at a roll cause that is right (our error)
            "disagreements_roll_wrong": int((disagree & roll_wrong).sum()),
            "disagreements_roll_wrong_ours_right": int((disagree & roll_wrong & ours_right).sum()),
            "roll_errors_flagged_share": (round(float((disagree & roll_wrong).sum()
                                                      / roll_wrong.sum()), 4)
                                          if roll_wrong.any() else None),
        },
    }
