"""Figures that counties and townships *report* (目标考核自报数据), one file per reporting month.

Target-based assessment rests on figures each area reports about itself. The generator writes
them to ``departments/reported/reported_<YYYYMM>.csv`` (contract ``reported``; one row per
county and per township) for December of every simulated year and for the last simulated
month. Honest areas report their true figures with a little noise (their own counting); the
over-reporting county (``World.over_county``, the one ``registration.py`` plants with extra
wrong exits and inflated roll incomes) reports rosier figures for itself and its townships:
``OVER_REPORT`` below (ours). ``truth/reported_overreporting.json`` records what was planted.

Areas count as of their latest annual review (动态调整: the start month and every January, when
the departments' yearly income check, housing appraisal and water assessment are made), so an
honest report agrees with the data the platform holds up to counting noise. Figures (rural
households, area from the household's village):

- ``rural_population``, ``poor_population``, ``poverty_incidence`` (poor / rural persons);
- ``exited_households``: households the roll records as exited; ``exited_income_per_capita_fen``:
  the mean per-capita income the roll records for them (the roll's own, inflated figure in the
  over-reporting county);
- ``housing_safe_rate``: roll households (poor or exited) living in grade A/B housing;
- ``water_safe_rate``: roll households living in a village with safe drinking water.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from jingzhun.synth.departments.registry import _yearly_months
from jingzhun.synth.extract import fmt_yuan, load_contract, s
from jingzhun.synth.registration import EXITED, NOT_ON_ROLL
from jingzhun.synth.rng import substream
from jingzhun.synth.world import World
from jingzhun.synth.writers import write_table

DEPARTMENT = "reported"

#: How the over-reporting county bends its figures (ours): multipliers of the true value, or the
#: value it claims whatever the truth ("floor"). Exited incomes come from the roll, which that
#: county already inflates (RollErrorRates.over_report_income).
OVER_REPORT: dict[str, dict[str, float]] = {
    "poverty_incidence": {"factor": 0.4},
    "poor_population": {"factor": 0.4},
    "housing_safe_rate": {"floor": 0.995},
    "water_safe_rate": {"floor": 1.0},
}
#: Relative noise of honest counting (lognormal sigma, ours).
HONEST_NOISE = 0.03


def reporting_months(w: World) -> list[int]:
    """Simulation months with a report: every December in the window, and the last month."""
    months = [m for m in range(w.M) if w.cfg.period(m).endswith("12")]
    if w.M - 1 not in months:
        months.append(w.M - 1)
    return months


def area_figures(w: World, m: int) -> pd.DataFrame:
    """True figures per county and township in month ``m`` (before any bending)."""
    hh = w.hh
    v = w.hist.village[m]
    rural = hh["rural"]
    size = w.hist.size[m].astype(np.int64) * rural
    poor = w.hm["poor"][m] & rural
    on_roll = hh["roll_status"] != NOT_ON_ROLL
    exited = hh["roll_status"] == EXITED
    vil = w.villages
    wfix = vil["water_fixed_month"].to_numpy()
    water_ok = vil["water_safe"].to_numpy() | ((wfix >= 0) & (wfix <= m))
    df = pd.DataFrame({
        "county_code": vil["county_code"].to_numpy()[v],
        "township_code": vil["township_code"].to_numpy()[v],
        "rural_population": size,
        "poor_population": size * poor,
        "roll": on_roll & (size > 0),
        "roll_housing_safe": on_roll & (size > 0) & (w.hist.danger[m] <= 1),
        "roll_water_safe": on_roll & (size > 0) & water_ok[v],
        "exited_households": exited & (size > 0),
        "exited_income": np.where(exited & (size > 0), hh["roll_income_pc"], 0.0),
    })
    parts = []
    for level, key in (("county", "county_code"), ("township", "township_code")):
        g = df.groupby(key, sort=True).sum(numeric_only=True)
        g = g[g["rural_population"] > 0]
        parts.append(pd.DataFrame({
            "area_level": level, "area_code": g.index.astype(str),
            "county_code": (g.index.astype(str) if level == "county" else
                            df.groupby(key, sort=True)["county_code"].first().loc[g.index]),
            "rural_population": g["rural_population"].to_numpy(),
            "poor_population": g["poor_population"].to_numpy(),
            "exited_households": g["exited_households"].to_numpy(),
            "exited_income_per_capita_fen": np.where(
                g["exited_households"] > 0,
                g["exited_income"] / g["exited_households"].clip(lower=1), np.nan),
            "housing_safe_rate": np.where(g["roll"] > 0, g["roll_housing_safe"]
                                          / g["roll"].clip(lower=1), np.nan),
            "water_safe_rate": np.where(g["roll"] > 0, g["roll_water_safe"]
                                        / g["roll"].clip(lower=1), np.nan),
        }))
    out = pd.concat(parts, ignore_index=True)
    out["county_code"] = out["county_code"].astype(str)
    return out


def bend(fig: pd.DataFrame, over_county_code: str, rng: np.random.Generator) -> pd.DataFrame:
    """Honest noise everywhere; the over-reporting county's (and its townships') rosy figures."""
    f = fig.copy()
    over = (f["county_code"] == over_county_code).to_numpy()
    n = len(f)

    def noise() -> np.ndarray:
        return rng.lognormal(0.0, HONEST_NOISE, n)

    f["poor_population"] = np.round(f["poor_population"] * noise())
    f["exited_income_per_capita_fen"] = f["exited_income_per_capita_fen"] * noise()
    for col in ("housing_safe_rate", "water_safe_rate"):
        f[col] = (f[col] * noise()).clip(upper=1.0)
    for col, how in OVER_REPORT.items():
        if col == "poverty_incidence":
            continue
        if "factor" in how:
            f.loc[over, col] = np.round(f.loc[over, col] * how["factor"])
        else:
            f.loc[over, col] = np.maximum(f.loc[over, col], how["floor"])  # NaN stays NaN
    f["poverty_incidence"] = f["poor_population"] / f["rural_population"]
    return f


def write_reported(w: World, out: Path) -> dict[str, Any]:
    """Write every reporting month's file under ``out/departments/reported``; return what was
    planted (for ``truth/``)."""
    c = load_contract(DEPARTMENT)
    folder = Path(out) / "departments" / DEPARTMENT
    folder.mkdir(parents=True, exist_ok=True)
    oc = w.div.iloc[w.over_county]
    names = dict(zip(w.div["county_code"], w.div["county_name"]))
    names.update(zip(w.towns["township_code"], w.towns["township_name"]))
    files: dict[str, int] = {}
    for m in reporting_months(w):
        period = w.cfg.period(m)
        review = max(x for x in _yearly_months(w) if x <= m)  # their latest annual review
        f = bend(area_figures(w, review), str(oc["county_code"]),
                 substream(w.cfg.seed, f"reported:{period}"))
        inc = f["exited_income_per_capita_fen"].to_numpy()
        cols = {
            "area_code": s(f["area_code"].to_numpy().astype(str)),
            "area_name": s(np.array([names.get(a, "") for a in f["area_code"]], dtype=object)),
            "area_level": s(np.where(f["area_level"] == "county", "县", "乡镇")),
            "report_month": s(np.full(len(f), f"{period[:4]}-{period[4:]}")),
            "rural_population": s(f["rural_population"].astype(np.int64).astype(str).to_numpy()),
            "poor_population": s(f["poor_population"].astype(np.int64).astype(str).to_numpy()),
            "poverty_incidence_pct": _pct(f["poverty_incidence"].to_numpy()),
            "exited_households": s(f["exited_households"].astype(np.int64).astype(str)
                                   .to_numpy()),
            "exited_income_per_capita_fen": fmt_yuan(
                np.round(np.nan_to_num(inc) / 100).astype(np.int64) * 100,
                always_decimals=False, missing=np.isnan(inc)),
            "housing_safe_rate_pct": _pct(f["housing_safe_rate"].to_numpy()),
            "water_safe_rate_pct": _pct(f["water_safe_rate"].to_numpy()),
        }
        rel = f"{DEPARTMENT}/" + c["files"]["pattern"].replace("{period}", period)
        files[rel] = write_table(Path(out) / "departments" / rel, c, cols)
    return {
        "county_code": str(oc["county_code"]), "county_name": str(oc["county_name"]),
        "files": files, "bending": OVER_REPORT,
        "description": "The county (and its townships) reports a lower poverty incidence and "
                       "poor population, near-complete safe housing and water, and the roll's "
                       "inflated incomes of exited households.",
    }


def _pct(x: np.ndarray) -> pa.Array:
    """Shares as percentages with 2 decimals, as report forms show them ("3.05")."""
    x = np.asarray(x, float)
    txt = np.array(["" if np.isnan(v) else f"{v * 100:.2f}" for v in x], dtype=object)
    return s(txt)
