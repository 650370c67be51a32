"""Targets vs panorama (目标考核 vs 全景考核): the figures areas report against the ones computed
from the data, and statistical outliers among peers.

A reported figure is **too good** when all three hold (parameters.yaml ``too_good``, ours):

1. it is better than the computed figure by at least ``min_relative_gap`` of the computed
   value (better = lower for incidence and poor population, higher for the rest);
2. it lies outside the computed figure's 95 % interval, on the favourable side (so a small
   area's sampling noise is not a finding);
3. its relative gap is a robust outlier among the peers of the same level
   (z = (gap − median) / max(1.4826·MAD, ``mad_floor``) ≥ ``min_robust_z``): a gap every area
   shares is a definition difference, not over-reporting.

An area is flagged as **over-reporting** when at least ``min_figures`` figures are too good.
Flags are leads for an inspection (a person verifies), never a verdict.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assessment.confidence import robust_z

#: reported field → (label zh, label en, higher is better (None: neutral), unit)
FIGURES: dict[str, tuple[str, str, bool | None, str]] = {
    "rural_population": ("农村人口", "rural population", None, "persons"),
    "poor_population": ("贫困人口", "poor population", False, "persons"),
    "poverty_incidence": ("贫困发生率", "poverty incidence", False, "share"),
    "exited_households": ("已脱贫户数", "households exited", None, "households"),
    "exited_income_per_capita_fen": ("脱贫户人均纯收入（分）",
                                     "income per capita of exited households (fen)", True, "fen"),
    "housing_safe_rate": ("住房安全达标率", "safe housing (roll households)", True, "share"),
    "water_safe_rate": ("饮水安全达标率", "safe water (roll households)", True, "share"),
}


def computed_figures(hh: pd.DataFrame, ind: pd.DataFrame, levels: tuple[str, ...] = (
        "county", "township")) -> pd.DataFrame:
    """The computed counterpart of every reported figure, with a 95 % interval (long table:
    level, area_code, figure, computed, ci_low, ci_high, n)."""
    from scipy.stats import t as student_t

    from jingzhun.assessment.confidence import wilson
    from jingzhun.assessment.indicators import KEYS

    rows: list[dict[str, Any]] = []
    inc = ind[ind["indicator"] == "poverty_incidence"]
    for r in inc.itertuples(index=False):
        if r.level not in levels:
            continue
        rows.append({"level": r.level, "area_code": r.area_code, "figure": "poverty_incidence",
                     "computed": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "n": r.households})
        rows.append({"level": r.level, "area_code": r.area_code, "figure": "rural_population",
                     "computed": r.denominator, "ci_low": np.nan, "ci_high": np.nan,
                     "n": r.households})
        scale = r.denominator
        rows.append({"level": r.level, "area_code": r.area_code, "figure": "poor_population",
                     "computed": r.numerator, "ci_low": (r.ci_low or 0) * scale,
                     "ci_high": (r.ci_high or 0) * scale, "n": r.households})
    for level in levels:
        key = KEYS[level]
        if {"roll", "exited"} <= set(hh.columns):
            ex = hh[hh["exited"].fillna(False).astype(bool)]
            for code, g in hh.groupby(key, sort=True):
                e = ex[ex[key] == code] if len(ex) else ex
                rows.append({"level": level, "area_code": code, "figure": "exited_households",
                             "computed": float(len(e)), "ci_low": np.nan, "ci_high": np.nan,
                             "n": float(len(e))})
                inc_pc = e["income_pc"].dropna() if "income_pc" in e else pd.Series(dtype=float)
                if len(inc_pc):
                    m = float(round(inc_pc.mean()))  # integer fen
                    k = len(inc_pc)
                    se = float(inc_pc.std(ddof=1) / np.sqrt(k)) if k > 1 else m
                    q = float(student_t.ppf(0.975, k - 1)) if k > 1 else 1.96  # small samples
                    rows.append({"level": level, "area_code": code,
                                 "figure": "exited_income_per_capita_fen", "computed": m,
                                 "ci_low": m - q * se, "ci_high": m + q * se,
                                 "n": float(len(inc_pc))})
                roll = g[g["roll"].fillna(False).astype(bool)]
                for fig, col in (("housing_safe_rate", "housing_ok"),
                                 ("water_safe_rate", "water_ok")):
                    if col not in roll:
                        continue
                    known = roll[col].dropna().astype(bool)
                    if len(known):
                        lo, hi = wilson(float(known.sum()), float(len(known)))
                        rows.append({"level": level, "area_code": code, "figure": fig,
                                     "computed": float(known.mean()), "ci_low": lo,
                                     "ci_high": hi, "n": float(len(known))})
    return pd.DataFrame(rows, columns=["level", "area_code", "figure", "computed", "ci_low",
                                       "ci_high", "n"])


def compare(reported: pd.DataFrame, computed: pd.DataFrame, p: dict[str, float]) -> pd.DataFrame:
    """One row per area and figure: reported, computed, interval, relative gap (positive =
    reported better), robust z among peers, ``too_good``."""
    long = reported.melt(id_vars=["level", "area_code"], value_vars=[
        f for f in FIGURES if f in reported.columns], var_name="figure", value_name="reported")
    df = long.merge(computed, on=["level", "area_code", "figure"], how="inner")
    df = df.dropna(subset=["reported", "computed"]).reset_index(drop=True)
    higher = df["figure"].map(lambda f: FIGURES[f][2])
    diff = (df["reported"] - df["computed"]).where(higher.eq(True), df["computed"] - df["reported"])
    base = df["computed"].abs()
    gap = np.where(base > 0, diff / base.where(base > 0, 1), np.sign(diff))
    df["relative_gap"] = np.where(higher.isna(), (df["reported"] - df["computed"])
                                  / base.where(base > 0, 1), gap)
    outside = np.where(higher.eq(True), df["reported"] > df["ci_high"],
                       df["reported"] < df["ci_low"])
    df["outside_interval"] = outside & higher.notna() & df["ci_low"].notna()
    df["peer_z"] = np.nan
    for idx in df.groupby(["level", "figure"]).groups.values():
        df.loc[idx, "peer_z"] = robust_z(df.loc[idx, "relative_gap"].to_numpy(float),
                                         p["mad_floor"])
    df["too_good"] = (higher.notna() & (df["relative_gap"] >= p["min_relative_gap"])
                      & df["outside_interval"] & (df["peer_z"] >= p["min_robust_z"]))
    df["label_zh"] = df["figure"].map(lambda f: FIGURES[f][0])
    return df


#: figures that measure the same thing count once towards ``min_figures``
CONCEPT = {"poor_population": "poverty_incidence"}


def flag_areas(comparison: pd.DataFrame, min_figures: int) -> pd.DataFrame:
    """Areas with too-good figures on at least ``min_figures`` distinct concepts (poor
    population and incidence are one)."""
    c = comparison.assign(concept=comparison["figure"].map(lambda f: CONCEPT.get(f, f)))
    good = c[c["too_good"]]
    g = c.groupby(["level", "area_code"]).agg(compared=("figure", "count")).reset_index()
    k = good.groupby(["level", "area_code"]).agg(
        too_good=("concept", "nunique"), figures=("figure", ",".join)).reset_index()
    g = g.merge(k, on=["level", "area_code"], how="left")
    g["too_good"] = g["too_good"].fillna(0).astype(int)
    g["figures"] = g["figures"].fillna("")
    g["over_reporting"] = g["too_good"] >= min_figures
    return g


def peer_outliers(ind: pd.DataFrame, z_max: float, min_households: int) -> pd.DataFrame:
    """Computed indicators that are robust outliers among peers (|z| > z_max), areas with at
    least ``min_households`` households only; ``worse`` says whether the outlier is bad news.
    The MAD is floored (2 points of a share, 2 days), so that when most peers share one value
    a trivial deviation is not an outlier."""
    from jingzhun.assessment.catalogue import BY_NAME

    out = []
    for (level, name), g in ind.groupby(["level", "indicator"], sort=True):
        g = g[(g["households"] >= min_households) & g["value"].notna()]
        if len(g) < 5:
            continue
        # MAD floor: 2 points of a share, 2 days (a MAD of 0 would make any deviation infinite)
        floor = 2.0 if BY_NAME[name].kind == "median" and name.endswith("days") else 0.02
        z = robust_z(g["value"].to_numpy(float), floor)
        hit = np.abs(z) > z_max
        for r, zz in zip(g[hit].itertuples(index=False), z[hit]):
            higher = BY_NAME[name].higher_is_better
            out.append({"level": level, "area_code": r.area_code, "indicator": name,
                        "value": r.value, "peer_median": float(g["value"].median()),
                        "z": float(zz), "worse": bool((zz < 0) if higher else (zz > 0))})
    return pd.DataFrame(out, columns=["level", "area_code", "indicator", "value", "peer_median",
                                      "z", "worse"])
