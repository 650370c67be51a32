"""Open statistics from a workspace: count tables by area and month with small-cell
suppression, and differentially private counts and means by area charged to the ledger.

Tables (households, from ``indicators/households_<period>.parquet``), one per prefecture with
its counties as rows and the months as columns (a province-wide table at prefecture level too):

* ``on_roll`` — households on the 建档立卡 roll;
* ``monitored`` — households under return-to-poverty monitoring;
* ``dibao`` — households receiving 低保.

Each published CSV holds the counts (suppressed cells empty) and a flag column; a JSON beside
it holds the threshold, the suppression summary and the attacker's interval check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from jingzhun.sharing.dp import dp_counts, dp_means
from jingzhun.sharing.ledger import Ledger
from jingzhun.sharing.settings import SharingSettings
from jingzhun.sharing.suppression import TOTAL, Suppression, suppress
from jingzhun.sharing.errors import SharingError

MEASURES = {"on_roll": ("建档立卡户数", "households on the roll"),
            "monitored": ("监测户数", "monitored households"),
            "dibao": ("低保户数", "households receiving dibao")}
INCOME_BOUNDS_FEN = (0, 5_000_000)   # per-capita income clamped to 0–50,000 yuan for DP means


def as_flag(s: pd.Series) -> pd.Series:
    """A boolean column with missing values as False."""
    return s.astype("boolean").fillna(False).astype(bool)


def periods_of(root: Path) -> list[str]:
    return sorted(p.stem.removeprefix("households_") for p in
                  (Path(root) / "indicators").glob("households_*.parquet"))


def household_panel(root: Path, periods: list[str] | None = None) -> pd.DataFrame:
    periods = periods or periods_of(root)
    if not periods:
        raise SharingError("no household indicators in the workspace",
                           where=str(Path(root) / "indicators"),
                           fix="run 'jingzhun run' (and 'jingzhun identify') first")
    cols = ["household_id", "county_code", "per_capita_net_income_fen", *MEASURES]
    frames = []
    for p in periods:
        path = Path(root) / "indicators" / f"households_{p}.parquet"
        df = pd.read_parquet(path)
        df = df[[c for c in cols if c in df.columns]].assign(period=p)
        frames.append(df)
    panel = pd.concat(frames, ignore_index=True)
    panel["prefecture_code"] = panel["county_code"].astype(str).str.slice(0, 4)
    return panel


def count_table(panel: pd.DataFrame, measure: str, area: str, periods: list[str],
                areas: list[str]) -> pd.DataFrame:
    flag = as_flag(panel[measure])
    t = panel[flag].groupby([area, "period"]).size().unstack("period")
    return t.reindex(index=areas, columns=periods).fillna(0).astype(int)


def linked_suppression(province: pd.DataFrame, prefectures: dict[str, pd.DataFrame],
                       threshold: int, ratio: float) -> dict[str, Suppression]:
    """Suppress the province table (prefectures × months) and each prefecture's table
    (counties × months) so that the cells they share — province cell (prefecture, month) and
    the prefecture table's total (total, month) — are hidden in both or in neither. A shared
    cell hidden in one table is forced into the other, which is solved again; forced sets only
    grow, so this ends."""
    force: dict[str, set[tuple[str, str]]] = {"province": set(), **{p: set() for p in prefectures}}
    counts = {"province": province, **prefectures}
    result = {k: suppress(v, threshold, ratio=ratio) for k, v in counts.items()}
    while True:
        changed: set[str] = set()
        hidden = {k: r.hidden() for k, r in result.items()}
        for pref in prefectures:
            for col in [*map(str, province.columns), TOTAL]:
                a, b = (str(pref), col), (TOTAL, col)
                if a in hidden["province"] or a in force["province"]:
                    if b not in force[pref]:
                        force[pref].add(b)
                        changed.add(pref)
                if b in hidden[pref] or b in force[pref]:
                    if a not in force["province"]:
                        force["province"].add(a)
                        changed.add("province")
        if not changed:
            return result
        for k in changed:
            result[k] = suppress(counts[k], threshold, ratio=ratio, force=force[k])


def _write_table(out: Path, name: str, sup: Suppression, meta: dict[str, Any]) -> dict[str, Any]:
    frame, flags = sup.frame(), sup.flags()
    long = frame.stack(future_stack=True).rename("value").reset_index() \
        .rename(columns={"row": "area", "col": "period"})
    long["flag"] = flags.stack(future_stack=True).to_numpy()
    tmp = out / f".{name}.csv.tmp"
    long.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(out / f"{name}.csv")
    widths = [hi - lo for lo, hi in sup.intervals.values()]
    meta = {"name": name, **meta, **sup.summary(),
            "min_interval_width": min(widths) if widths else None, "total_label": TOTAL}
    (out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    return meta


def publish_tables(root: Path, out: Path, *, settings: SharingSettings | None = None,
                   periods: list[str] | None = None, measures: list[str] | None = None,
                   ) -> dict[str, Any]:
    """Write suppressed count tables to ``out``; return a summary per table."""
    s = settings or SharingSettings.load(Path(root))
    periods = periods or periods_of(root)
    panel = household_panel(root, periods)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"threshold": s.small_cell_threshold,
                               "protection_ratio": s.protection_ratio, "tables": []}
    prefs = sorted(panel["prefecture_code"].unique())
    for measure in measures or list(MEASURES):
        if measure not in panel.columns:
            continue
        province = count_table(panel, measure, "prefecture_code", periods, prefs)
        per_pref = {}
        for pref in prefs:
            sub = panel[panel["prefecture_code"] == pref]
            per_pref[pref] = count_table(sub, measure, "county_code", periods,
                                         sorted(sub["county_code"].unique()))
        sups = linked_suppression(province, per_pref, s.small_cell_threshold, s.protection_ratio)
        for scope, sup in sups.items():
            meta = {"measure": measure, "label_zh": MEASURES[measure][0],
                    "label_en": MEASURES[measure][1],
                    "area_level": "prefecture_code" if scope == "province" else "county_code",
                    "scope": scope, "periods": periods}
            summary["tables"].append(_write_table(out, f"{measure}_{scope}", sup, meta))
    return summary


def publish_dp(root: Path, out: Path, *, epsilon: float, period: str | None = None,
               settings: SharingSettings | None = None, ledger: Ledger | None = None,
               ) -> dict[str, Any]:
    """DP counts (on roll, monitored) and mean per-capita income by county for one month.

    The whole release costs ``epsilon`` (split evenly over its three statistics; counties are
    disjoint), charged to the dataset ``indicators/households_<period>`` before any noise."""
    s = settings or SharingSettings.load(Path(root))
    period = period or (periods_of(root) or [None])[-1]
    if period is None:
        raise SharingError("no household indicators", where=str(root), fix="run the pipeline")
    panel = household_panel(root, [period])
    dataset = f"indicators/households_{period}"
    own = ledger is None
    ledger = ledger or Ledger.for_workspace(root, s.ledger_url)
    try:
        left = ledger.spend(dataset, epsilon, s.epsilon_budget)
        counties = sorted(panel["county_code"].astype(str).unique())
        part = epsilon / 3
        figures = []
        for measure in ("on_roll", "monitored"):
            rows = panel.loc[as_flag(panel[measure]), "county_code"].astype(str)
            figures += [f.as_dict() | {"measure": measure}
                        for f in dp_counts(counties, rows.tolist(), part, alpha=s.alpha)]
        inc = panel.dropna(subset=["per_capita_net_income_fen"])
        figures += [f.as_dict() | {"measure": "per_capita_net_income_fen"}
                    for f in dp_means(counties, inc["county_code"].astype(str).tolist(),
                                      inc["per_capita_net_income_fen"].round().astype("int64").tolist(),
                                      INCOME_BOUNDS_FEN, part, alpha=s.alpha)]
        rid = ledger.log(recipient="public", purpose="open_statistics", resource="JZ-OPEN-DP",
                         kind="dp", outcome="released", rows=len(figures), epsilon=epsilon,
                         details={"dataset": dataset, "epsilon_left": left})
    finally:
        if own:
            ledger.close()
    out.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(figures)
    name = f"dp_{period}_{rid[:8]}"
    df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8")
    meta = {"name": name, "release_id": rid, "dataset": dataset, "period": period,
            "epsilon": epsilon, "epsilon_left": left, "alpha": s.alpha, "figures": len(df),
            "privacy_unit": "household", "income_bounds_fen": list(INCOME_BOUNDS_FEN)}
    (out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return meta


__all__ = ["MEASURES", "count_table", "linked_suppression", "household_panel", "periods_of", "publish_dp",
           "publish_tables"]
