"""Risk benchmark: the risk model vs the rules-only baseline on a synthetic province's history.

The truth stands in for the monitoring workflow's verified outcomes, and only for the training
months: the model is fitted on the outcomes of the months up to ``train_until`` and scored on
the months after it (test rows: month m > train_until, label from the truth of m … m+horizon).

Both systems flag, each month, the top ``share`` of the households scored that month (those
not in the monitored state at m); the model ranks by its probability, the baseline by the
number of cn-2021 warning and category rules that fire (``risk.baseline``). Measures:

- ``recall_top5``: share of the test rows that fell within the horizon and were flagged;
- ``auc``: ROC AUC of the score on the test rows;
- ``median_lead_months``: for every fall after ``train_until`` (out of the state in month f−1,
  in it in month f) that was flagged in the ``horizon`` months before, f minus the first such
  flag; median over those falls (``falls_flagged_share`` says how many were flagged at all).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.risk import (
    age_band,
    calibration,
    explain,
    fairness_report,
    fall_labels,
    falls,
    fit,
    flag_top_share,
    head_attributes,
    lead_times,
    load_panel,
    load_rule_scores,
    plot_calibration,
)
from jingzhun.risk.fairness import GROUPS, spread
from jingzhun.risk.metrics import auc, median_or_none, recall

SYSTEMS = {"model": "risk", "rules_only": "rules_score"}


def truth_outcomes(truth_dir: Path) -> pd.DataFrame:
    """The truth as verified outcomes: household_id (户号), period, outcome (poor relative to
    the line of its month, or in a monitored category)."""
    hh = pd.read_parquet(truth_dir / "households.parquet", columns=["household_id", "household_no"])
    hm = pd.read_parquet(truth_dir / "household_months.parquet",
                         columns=["household_id", "period", "poor", "monitor_category"])
    hm = hm.merge(hh, on="household_id")
    state = hm["poor"].astype(bool) | (hm["monitor_category"].fillna("none") != "none")
    return pd.DataFrame({"household_id": hm["household_no"].astype(str), "period": hm["period"].astype(str),
                         "outcome": state.to_numpy()})


def _scores(rows: pd.DataFrame, labels: np.ndarray, column: str, flags: np.ndarray) -> dict[str, Any]:
    r = recall(labels, flags)
    a = auc(labels, rows[column].to_numpy(dtype=float))
    return {"recall_top5": None if r is None else round(r, 4), "auc": None if a is None else round(a, 4)}


def bench_risk(province: Path, workspace: Path, *, train_until: str, horizon: int = 6,
               share: float = 0.05, seed: int = 0, periods: list[str] | None = None,
               examples: int = 3) -> dict[str, Any]:
    from jingzhun.workspace import Workspace

    timings: dict[str, float] = {}
    t = time.perf_counter()
    outcomes = truth_outcomes(province / "truth")
    periods = periods or sorted(outcomes["period"].unique())
    ws = Workspace(workspace, create=False)
    out_dir = ws.zone("reports") / "risk"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        panel = load_panel(ws, periods)
        timings["panel"] = time.perf_counter() - t
        t = time.perf_counter()
        rules = load_rule_scores(ws, periods)
        timings["rules"] = time.perf_counter() - t
        heads = head_attributes(ws)
    finally:
        ws.engine.close()

    # --- train on the verified outcomes of the training months only
    t = time.perf_counter()
    model = fit(panel, outcomes[outcomes["period"] <= train_until], horizon=horizon, seed=seed)
    timings["fit"] = time.perf_counter() - t
    t = time.perf_counter()
    panel["risk"] = model.predict(panel).astype("float64")
    timings["predict"] = time.perf_counter() - t
    labels = fall_labels(outcomes, horizon)
    last = labels.loc[labels["period"] > train_until, "period"].max()
    pool = panel[panel["period"] == last]  # features kept only for the month explained
    panel = panel[["household_id", "period", "county_code", "risk"]]  # bound the memory
    panel = panel.merge(rules[["household_id", "period", "rules_score"]], on=["household_id", "period"],
                        how="left")
    panel["rules_score"] = panel["rules_score"].fillna(0).astype(float)

    # --- the population scored each month: households not in the state then
    scored = panel.merge(outcomes, on=["household_id", "period"], how="inner")
    scored = scored[~scored["outcome"]].reset_index(drop=True)
    for name, column in SYSTEMS.items():
        scored[f"flag_{name}"] = flag_top_share(scored["period"].to_numpy(), scored[column].to_numpy(),
                                                share=share, seed=seed)

    test = scored.merge(labels[labels["period"] > train_until], on=["household_id", "period"], how="inner")
    y = test["label"].to_numpy(dtype=bool)
    test_falls = falls(outcomes)
    test_falls = test_falls[test_falls["period"] > train_until]

    result: dict[str, Any] = {}
    for name, column in SYSTEMS.items():
        res = _scores(test, y, column, test[f"flag_{name}"].to_numpy())
        flags = scored[["household_id", "period", f"flag_{name}"]].rename(columns={f"flag_{name}": "flagged"})
        lead = lead_times(flags, test_falls, horizon)
        res["median_lead_months"] = median_or_none(lead)
        res["falls_flagged_share"] = round(float(lead.notna().mean()), 4) if len(lead) else None
        res["mean_lead_months"] = round(float(lead.mean()), 2) if lead.notna().any() else None
        res["lead_months_distribution"] = {str(int(k)): int(v) for k, v in
                                           lead.dropna().value_counts().sort_index().items()}
        result[name] = res

    # --- calibration, fairness, explanations
    curve = calibration(y, test["risk"].to_numpy())
    plot_calibration(curve, out_dir / "calibration.png")
    test = test.merge(heads, on="household_id", how="left")
    for c in ("head_sex", "head_ethnicity"):
        test[c] = test[c].fillna("unknown")
    test["head_age_band"] = age_band(test["head_birth_date"], test["period"])
    fairness = {name: fairness_report(test.assign(flagged=test[f"flag_{name}"]), GROUPS)
                for name in SYSTEMS}
    (out_dir / "fairness.json").write_text(json.dumps(fairness, ensure_ascii=False, indent=1, sort_keys=True))
    fairness_summary = {
        name: {g: {"recall": spread(rep[g], "recall", min_positives=30),
                   "false_positive_rate": spread(rep[g], "false_positive_rate", min_positives=30)}
               for g in GROUPS if g != "county_code"} | {
            "county_code": {"recall": spread(rep["county_code"], "recall", min_positives=30)}}
        for name, rep in fairness.items()}

    t = time.perf_counter()
    chosen = test.loc[(test["period"] == last) & test["flag_model"], ["household_id"]]
    flagged = pool.merge(chosen, on="household_id").sort_values("risk", ascending=False)
    factors = explain(model, flagged)
    factors.assign(factors=factors["factors"].map(lambda f: json.dumps(f, ensure_ascii=False))) \
        .to_parquet(out_dir / f"factors_{last}.parquet", index=False)
    timings["explain"] = time.perf_counter() - t

    return {
        **result,
        "train_until": train_until, "horizon_months": horizon, "capacity_share": share,
        "test_periods": [str(test["period"].min()), str(test["period"].max())],
        "test_rows": len(test), "test_positives": int(y.sum()), "test_falls": len(test_falls),
        "train": model.summary(), "calibration": curve, "fairness": fairness_summary,
        "examples": [{"household_id": r.household_id, "period": r.period, "risk": round(float(r.risk), 4),
                      "factors_zh": r.factors_zh, "factors_en": r.factors_en}
                     for r in factors.head(examples).itertuples()],
        "outputs": {"calibration_png": str(out_dir / "calibration.png"),
                    "fairness": str(out_dir / "fairness.json"),
                    "factors": str(out_dir / f"factors_{last}.parquet")},
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }
