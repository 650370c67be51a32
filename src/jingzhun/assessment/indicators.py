"""Assessment indicators per area (county, township, village) from household-level facts.

I/O-free: ``inputs.py`` assembles the facts from a workspace; this module only counts. Input
``hh`` (one row per household) has the area codes and these columns (any may be absent; an
indicator whose columns are absent is unavailable):

- ``size``, ``rural``, ``poor`` (a poor status in the pack in force) → poverty_incidence
- ``roll``, ``exited``, ``flagged`` (cross-check finding) → roll_flag_share, relapse_share
- ``target``, ``covered`` → measure_coverage
- ``growth`` (float, NaN unknown) → income_growth
- ``edu_ok``/``housing_ok``/``water_ok`` (True/False/None) → three_guarantees_rate,
  water_safe_rate, data_completeness (with ``income_known``)

``cases`` (workflow: ``village_code``, ``days`` to decision or NaN, ``overdue`` open past due)
and ``payments`` (``village_code``, ``anomalous``) feed the warning and fund indicators.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from jingzhun.assessment.catalogue import INDICATORS
from jingzhun.assessment.confidence import median_interval, wilson

KEYS = {"county": "county_code", "township": "township_code", "village": "village_code"}
COLUMNS = ["level", "area_code", "county_code", "indicator", "value", "numerator",
           "denominator", "households", "ci_low", "ci_high"]


def _known(s: pd.Series) -> pd.Series:
    return s.notna()


def _true(s: pd.Series) -> pd.Series:
    return s.eq(True)


def _area_rows(level: str, codes: pd.Series, county: pd.Series, name: str,
               num: pd.Series, den: pd.Series, households: pd.Series,
               value: pd.Series | None = None, ci: Callable[[float, float], tuple] = wilson
               ) -> pd.DataFrame:
    g = pd.DataFrame({"area_code": codes.to_numpy(), "county_code": county.to_numpy(),
                      "num": num.to_numpy(float), "den": den.to_numpy(float),
                      "hh": households.to_numpy(float)})
    agg = g.groupby("area_code", sort=True).agg(county_code=("county_code", "first"),
                                                 num=("num", "sum"), den=("den", "sum"),
                                                 hh=("hh", "sum"))
    val = agg["num"] / agg["den"].where(agg["den"] > 0) if value is None else value
    # Wilson on households: successes = the share × households (persons of one household are
    # not independent draws); for shares of households this is the plain count
    n_hh = agg["hh"].where(agg["den"] > 0, 0)
    lo, hi = zip(*[ci(v * n if n > 0 else 0.0, n) for v, n in zip(val.fillna(0), n_hh)]) \
        if len(agg) else ((), ())
    return pd.DataFrame({"level": level, "area_code": agg.index, "county_code": agg["county_code"],
                         "indicator": name, "value": val.to_numpy(float),
                         "numerator": agg["num"].to_numpy(), "denominator": agg["den"].to_numpy(),
                         "households": agg["hh"].to_numpy(), "ci_low": np.array(lo, float),
                         "ci_high": np.array(hi, float)})


def _incidence(level: str, hh: pd.DataFrame) -> pd.DataFrame:
    rural = _true(hh["rural"])
    poor = rural & _true(hh["poor"])
    size = hh["size"].fillna(0)
    key = KEYS[level]
    return _area_rows(level, hh[key], hh["county_code"], "poverty_incidence",
                      size * poor, size * rural, rural.astype(float))


def _share(level: str, hh: pd.DataFrame, name: str, num: pd.Series, den: pd.Series) -> pd.DataFrame:
    key = KEYS[level]
    return _area_rows(level, hh[key], hh["county_code"], name, num & den, den,
                      den.astype(float))


def _median(level: str, codes: pd.Series, county: pd.Series, name: str,
            values: pd.Series) -> pd.DataFrame:
    g = pd.DataFrame({"area_code": codes.to_numpy(), "county_code": county.to_numpy(),
                      "v": values.to_numpy(float)}).dropna(subset=["v"])
    rows = []
    for code, part in g.groupby("area_code", sort=True):
        lo, hi = median_interval(part["v"].to_numpy())
        rows.append({"level": level, "area_code": code, "county_code": part["county_code"].iat[0],
                     "indicator": name, "value": float(np.median(part["v"])),
                     "numerator": np.nan, "denominator": float(len(part)),
                     "households": float(len(part)), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=COLUMNS)


def _parents(hh: pd.DataFrame) -> pd.DataFrame:
    return hh[["village_code", "township_code", "county_code"]].drop_duplicates("village_code")


def _by_village(level: str, df: pd.DataFrame, hh: pd.DataFrame) -> pd.DataFrame:
    """Attach township and county codes to village-located rows (cases, payments)."""
    return df.merge(_parents(hh), on="village_code", how="inner")


def compute(hh: pd.DataFrame, cases: pd.DataFrame | None = None,
            payments: pd.DataFrame | None = None, *, response_days_max: int = 15,
            levels: tuple[str, ...] = ("county", "township", "village")
            ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Indicators per area (long table, ``COLUMNS``) and, per unavailable indicator, why."""
    have = set(hh.columns)
    missing: dict[str, str] = {}
    parts: list[pd.DataFrame] = []

    def need(name: str, cols: set[str], why: str) -> bool:
        if cols <= have:
            return True
        missing[name] = why
        return False

    for level in levels:
        if need("poverty_incidence", {"size", "rural", "poor"},
                "no decisions of a pack in force for the period: run jingzhun identify"):
            parts.append(_incidence(level, hh))
        if "roll" in have:
            roll = _true(hh["roll"])
            if need("roll_flag_share", {"flagged"},
                    "no cross-check for the period (decisions/crosscheck_<P>.parquet): the "
                    "cross-check runs while cn-2014 is in force; run jingzhun identify"):
                parts.append(_share(level, hh, "roll_flag_share", _true(hh["flagged"]), roll))
            if need("relapse_share", {"exited", "poor"}, "no decisions for the period"):
                parts.append(_share(level, hh, "relapse_share", _true(hh["poor"]),
                                    _true(hh["exited"])))
            if need("income_growth", {"growth"}, "no income check a year apart"):
                sel = roll & hh["growth"].notna()
                parts.append(_median(level, hh.loc[sel, KEYS[level]], hh.loc[sel, "county_code"],
                                     "income_growth", hh.loc[sel, "growth"]))
            if need("three_guarantees_rate", {"edu_ok", "housing_ok"}, "no indicators"):
                known = roll & _known(hh["edu_ok"]) & _known(hh["housing_ok"])
                ok = _true(hh["edu_ok"]) & _true(hh["housing_ok"])
                parts.append(_share(level, hh, "three_guarantees_rate", ok, known))
            if need("water_safe_rate", {"water_ok"}, "no indicators"):
                parts.append(_share(level, hh, "water_safe_rate", _true(hh["water_ok"]),
                                    roll & _known(hh["water_ok"])))
            if need("data_completeness", {"edu_ok", "housing_ok", "water_ok", "income_known"},
                    "no indicators"):
                cells = (_known(hh["edu_ok"]).astype(int) + _known(hh["housing_ok"]).astype(int)
                         + _known(hh["water_ok"]).astype(int)
                         + _true(hh["income_known"]).astype(int))
                key = KEYS[level]
                parts.append(_area_rows(level, hh.loc[roll, key], hh.loc[roll, "county_code"],
                                        "data_completeness", cells[roll], cells[roll] * 0 + 4,
                                        cells[roll] * 0 + 4.0))
        else:
            for n in ("roll_flag_share", "relapse_share", "income_growth",
                      "three_guarantees_rate", "water_safe_rate", "data_completeness"):
                missing.setdefault(n, "no indicators for the period: run jingzhun identify")
        if need("measure_coverage", {"target", "covered"},
                "no assistance plan for the period (outputs/assistance/plans_<P>.parquet): "
                "run jingzhun allocate"):
            t = _true(hh["target"])
            parts.append(_share(level, hh, "measure_coverage", _true(hh["covered"]), t))
        if cases is None or cases.empty:
            why = ("no workflow cases opened for warnings up to the period "
                   "(outputs/workflow.sqlite): run jingzhun warnings --open-cases and the workflow")
            missing.setdefault("warning_compliance_15d", why)
            missing.setdefault("warning_response_days", why)
        else:
            c = _by_village(level, cases, hh)
            decided = c["days"].notna()
            judged = decided | _true(c["overdue"])
            on_time = decided & (c["days"] <= response_days_max)
            key = KEYS[level]
            parts.append(_area_rows(level, c[key], c["county_code"], "warning_compliance_15d",
                                    on_time & judged, judged, judged.astype(float)))
            parts.append(_median(level, c.loc[decided, key], c.loc[decided, "county_code"],
                                 "warning_response_days", c.loc[decided, "days"]))
        if payments is None or payments.empty:
            missing.setdefault("fund_anomaly_rate",
                               "no fund supervision output (outputs/funds/anomalies_*.parquet) or "
                               "no payments in the 12 months: run jingzhun funds")
        else:
            p = _by_village(level, payments, hh)
            one = pd.Series(True, index=p.index)
            key = KEYS[level]
            parts.append(_area_rows(level, p[key], p["county_code"], "fund_anomaly_rate",
                                    _true(p["anomalous"]), one, one.astype(float)))
        missing.setdefault("fund_disbursement_rate",
                           "no extract carries budget allocations and their execution")
    out = pd.concat([x for x in parts if len(x)], ignore_index=True) if parts else None
    if out is None or out.empty:
        out = pd.DataFrame(columns=COLUMNS)
    out = out[out["value"].notna()]  # an area with nothing to count has no value, not 0
    order = {i.name: k for k, i in enumerate(INDICATORS)}
    out = out.sort_values(["level", "area_code", "indicator"], key=lambda s: s.map(order)
                          if s.name == "indicator" else s, kind="stable").reset_index(drop=True)
    return out[COLUMNS], missing
