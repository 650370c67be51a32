"""Cause diagnosis on a workspace: indicators + features → causes → review list."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import pyarrow as pa

from jingzhun.diagnosis.diagnose import diagnose, review_disagreements
from jingzhun.diagnosis.features import diagnosis_table, roll_causes
from jingzhun.diagnosis.rules import CauseRules, load_rules
from jingzhun.engine.base import write_parquet_atomic
from jingzhun.indicators.build import check_period, sources_for


def load_indicators(ws: Any, period: str) -> pd.DataFrame:
    """The stored indicator table of ``period`` (the identify stage's), else computed."""
    path = ws.zone("indicators") / f"households_{period}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    from jingzhun.indicators import compute

    return compute(ws, period).to_pandas()


def diagnose_workspace(ws: Any, period: str, rules: CauseRules | None = None,
                       write: bool = True) -> dict[str, Any]:
    """Diagnose every household of ``period``; write ``decisions/causes_<period>.parquet`` and
    ``decisions/causes_review_<period>.parquet``; return the tables and a JSON summary."""
    check_period(period)
    t0 = time.perf_counter()
    src = sources_for(ws)
    table = diagnosis_table(src, period, indicators=load_indicators(ws, period))
    t1 = time.perf_counter()
    diag = diagnose(table, period, rules or load_rules())
    roll = roll_causes(src, period)
    review = review_disagreements(diag, roll)
    t2 = time.perf_counter()
    if write:
        out = ws.zone("decisions")
        out.mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(pa.Table.from_pandas(diag, preserve_index=False),
                             out / f"causes_{period}.parquet")
        write_parquet_atomic(pa.Table.from_pandas(review, preserve_index=False),
                             out / f"causes_review_{period}.parquet")
    on_roll = diag["household_id"].isin(roll.loc[roll["roll_main_cause"].notna(), "household_id"])
    summary = {
        "period": period, "households": len(diag),
        "primary_causes": {str(k): int(v) for k, v in diag["primary_cause"].value_counts().items()},
        "roll_households": int(on_roll.sum()),
        "disagreements_with_roll": len(review),
        "seconds": {"features": round(t1 - t0, 2), "diagnosis": round(t2 - t1, 2)},
    }
    return {"diagnosis": diag, "review": review, "roll": roll, "table": table, "summary": summary}
