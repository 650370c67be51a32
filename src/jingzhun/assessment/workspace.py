"""``jingzhun evaluate``: the panoramic assessment of one period on a workspace.

Writes ``reports/assessment/<P>/``: ``indicators.parquet`` (area × indicator, with intervals),
``exits.parquet``, ``scorecards.parquet``, ``targets.parquet`` (reported vs computed),
``outliers.parquet``, ``summary.json`` and, unless disabled, ``assessment_<level>.xlsx`` and
``assessment_<level>.pdf`` per level.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from jingzhun.assessment.catalogue import BY_NAME, INDICATORS, LEVELS, load_weights, parameter
from jingzhun.assessment.exits import assess_exits
from jingzhun.assessment.indicators import compute
from jingzhun.assessment.inputs import (
    area_names,
    fund_payments,
    household_facts,
    reported_figures,
    workflow_cases,
)
from jingzhun.assessment.scorecard import add_trend, scorecards
from jingzhun.assessment.targets import compare, computed_figures, flag_areas, peer_outliers


def _write(df: pd.DataFrame, path: Path) -> None:
    from jingzhun.engine.base import write_parquet_atomic

    write_parquet_atomic(pa.Table.from_pandas(df, preserve_index=False), path)


def _previous(ws: Any, period: str) -> dict[str, pd.DataFrame]:
    out = {}
    for f in sorted((ws.zone("reports") / "assessment").glob("*/scorecards.parquet")):
        if f.parent.name < period:
            out[f.parent.name] = pd.read_parquet(f)
    return out


def evaluate_workspace(ws: Any, period: str, *, weights: Path | None = None,
                       excel: bool = True, pdf: bool = True,
                       progress: Any = None) -> dict[str, Any]:
    """Run the assessment of ``period`` (YYYY-MM) and return its JSON summary."""
    say = progress or (lambda label, frac: None)
    t0 = time.perf_counter()
    w = load_weights(weights)
    days_max = int(parameter("response_days_max", period, earliest_ok=True))
    min_hh = int(parameter("min_households", period))
    say("inputs", 0.0)
    hh, sources = household_facts(ws, period)
    cases = workflow_cases(ws, period, days_max)
    payments = fund_payments(ws, period)
    say("indicators", 0.2)
    ind, missing = compute(hh, cases, payments, response_days_max=days_max)
    exits = assess_exits(ind, float(parameter("exit_incidence_max", period)),
                         float(parameter("exit_water_safe_min", period)))
    sc = add_trend(scorecards(ind, w, min_hh), _previous(ws, period))
    say("targets vs panorama", 0.5)
    reported, reported_files = reported_figures(ws, period)
    tg = parameter("too_good", period)
    if reported is not None:
        comp = compare(reported, computed_figures(hh, ind), tg)
        flags = flag_areas(comp, int(tg["min_figures"]))
    else:
        comp, flags = pd.DataFrame(), pd.DataFrame(columns=["level", "area_code", "too_good",
                                                             "compared", "figures",
                                                             "over_reporting"])
    outliers = peer_outliers(ind, float(parameter("peer_outlier_z", period)), min_hh)
    names = area_names(ws)
    out = ws.zone("reports") / "assessment" / period
    for name, df in (("indicators", ind), ("exits", exits), ("scorecards", sc),
                     ("targets", comp), ("outliers", outliers)):
        _write(df, out / f"{name}.parquet")
    summary = _summary(period, hh, ind, missing, exits, sc, comp, flags, outliers, names,
                       sources, reported_files, w)
    files = []
    if excel or pdf:
        from jingzhun.assessment.report import write_reports

        say("reports", 0.7)
        files = write_reports(out, period, summary, ind, exits, sc, comp, flags, outliers, names,
                              excel=excel, pdf=pdf)
    summary["files"] = [str(Path(f).relative_to(ws.root)) for f in files]
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    from jingzhun.workspace import write_json_atomic

    write_json_atomic(out / "summary.json", summary)
    say("done", 1.0)
    return summary


def _summary(period: str, hh: pd.DataFrame, ind: pd.DataFrame, missing: dict[str, str],
             exits: pd.DataFrame, sc: pd.DataFrame, comp: pd.DataFrame, flags: pd.DataFrame,
             outliers: pd.DataFrame, names: dict[str, str], sources: dict[str, str],
             reported_files: str | None, w: Any) -> dict[str, Any]:
    levels = {}
    for level in LEVELS:
        s = (sc[sc["level"] == level].dropna(subset=["composite"]).sort_values("rank")
             if len(sc) else sc)
        e = exits[exits["level"] == level] if len(exits) else exits
        levels[level] = {
            "areas": len(s),
            "low_confidence": int(s["low_confidence"].sum()) if len(s) else 0,
            "exit": {k: int(v) for k, v in e["status"].value_counts().sort_index().items()}
            if len(e) else {},
            "top": [{"area_code": r.area_code, "name": names.get(r.area_code, ""),
                     "composite": round(float(r.composite), 1), "rank": int(r.rank)}
                    for r in s.head(5).itertuples()],
            "bottom": [{"area_code": r.area_code, "name": names.get(r.area_code, ""),
                        "composite": round(float(r.composite), 1), "rank": int(r.rank)}
                       for r in s.tail(5).itertuples()],
        }
    flagged = flags[flags["over_reporting"]] if len(flags) else flags
    return {
        "period": period, "households": len(hh),
        "sources": sources, "reported_files": reported_files,
        "weights": {"valid_from": w.valid_from, "reference": w.reference,
                    "weights": {k: v.weight for k, v in w.indicators.items()}},
        "indicators": {i.name: ({"available": True, "areas": int((ind["indicator"] == i.name)
                                                                 .sum())}
                                if i.name not in missing else
                                {"available": False, "why": missing[i.name]})
                       for i in INDICATORS},
        "levels": levels,
        "targets_vs_panorama": {
            "compared_areas": int(comp[["level", "area_code"]].drop_duplicates().shape[0])
            if len(comp) else 0,
            "too_good_figures": int(comp["too_good"].sum()) if len(comp) else 0,
            "over_reporting": [{"level": r.level, "area_code": r.area_code,
                                "name": names.get(r.area_code, ""), "figures": r.figures}
                               for r in flagged.itertuples()],
        },
        "peer_outliers": [{"level": r.level, "area_code": r.area_code, "indicator": r.indicator,
                           "label_zh": BY_NAME[r.indicator].label_zh,
                           "value": round(float(r.value), 4), "z": round(float(r.z), 2),
                           "worse": bool(r.worse)}
                          for r in outliers[outliers["level"] == "county"].itertuples()],
    }
