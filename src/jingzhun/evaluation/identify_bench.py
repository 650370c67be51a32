"""Identification benchmark: the roll cross-check against the planted roll errors.

Synthesise a province, ingest it, run every stage (validate, registry, identify), then compare
the cross-check of the roll's month (``decisions/crosscheck_<month>.parquet``) with
``truth/roll_errors.parquet``: recall and precision per finding, households matched by the
household-registry number (户号), which the truth and the registry share.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

FINDINGS = ("wrongly_included", "wrongly_missed", "wrongly_exited")


def score_findings(findings: pd.DataFrame, truth_dir: Path) -> dict[str, dict[str, Any]]:
    """Recall and precision of each finding against the planted roll errors."""
    hh = pd.read_parquet(truth_dir / "households.parquet", columns=["household_id", "household_no"])
    errors = pd.read_parquet(truth_dir / "roll_errors.parquet", columns=["household_id", "error", "detail"])
    errors = errors.merge(hh, on="household_id")
    out: dict[str, dict[str, Any]] = {}
    for kind in FINDINGS:
        truth = set(errors.loc[errors["error"] == kind, "household_no"])
        found = set(findings.loc[findings["finding"] == kind, "household_id"])
        hit = len(truth & found)
        out[kind] = {"recall": round(hit / len(truth), 4) if truth else None,
                     "precision": round(hit / len(found), 4) if found else None,
                     "planted": len(truth), "flagged": len(found), "true_positives": hit}
        if kind != "wrongly_missed":
            by = errors[errors["error"] == kind]
            out[kind]["recall_by_detail"] = {
                d: round(len(set(g["household_no"]) & found) / len(g), 4)
                for d, g in by.groupby("detail")}
    return out
