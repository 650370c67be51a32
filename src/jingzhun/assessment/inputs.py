"""Assemble the assessment's household facts and event tables from a workspace's outputs.

Reads only what earlier stages and commands wrote (indicators, decisions, cross-check,
assistance plans, workflow, fund anomalies, validated payments and reported figures); never the
truth. A missing input leaves its columns out, so the indicators it feeds are reported as
unavailable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from jingzhun.assessment.catalogue import AssessmentError, parameter

PACKS = ("cn-2014", "cn-2021")


def _months_to(period: str, n: int = 12) -> list[str]:
    y, m = int(period[:4]), int(period[5:7])
    out = []
    for k in range(n):
        t = y * 12 + m - 1 - k
        out.append(f"{t // 12:04d}-{t % 12 + 1:02d}")
    return out


def household_facts(ws: Any, period: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per household of the period with the columns ``indicators.compute`` reads, and
    the sources used (name → file)."""
    ind_path = ws.zone("indicators") / f"households_{period}.parquet"
    if not ind_path.exists():
        raise AssessmentError(f"no household indicators for {period}", where=str(ind_path),
                              fix=f"run `jingzhun identify --workspace {ws.root} --period {period}`"
                                  " (or `jingzhun run`) first")
    cols = ["household_id", "county_code", "township_code", "village_code", "size",
            "rural_hukou", "on_roll", "exited_poverty", "per_capita_net_income_fen",
            "net_income_prev_12m_fen", "income_source", "compulsory_education_secure",
            "housing_safe", "water_safe"]
    ind = pd.read_parquet(ind_path, columns=cols)
    sources = {"indicators": str(ind_path.relative_to(ws.root))}
    hh = pd.DataFrame({
        "household_id": ind["household_id"], "county_code": ind["county_code"],
        "township_code": ind["township_code"], "village_code": ind["village_code"],
        "size": ind["size"], "rural": ind["rural_hukou"].fillna(False).astype(bool),
        "roll": (ind["on_roll"].fillna(False) | ind["exited_poverty"].fillna(False)).astype(bool),
        "exited": ind["exited_poverty"].fillna(False).astype(bool),
        "income_pc": ind["per_capita_net_income_fen"].where(
            ind["income_source"].eq("income_check")),
        "income_known": ind["per_capita_net_income_fen"].notna(),
        "edu_ok": ind["compulsory_education_secure"].astype(object),
        "housing_ok": ind["housing_safe"].astype(object),
        "water_ok": ind["water_safe"].astype(object),
    })
    total = ind["per_capita_net_income_fen"] * ind["size"]
    prev = ind["net_income_prev_12m_fen"]
    hh["growth"] = (total / prev.where(prev > 0) - 1).where(
        ind["income_source"].eq("income_check"))
    hh = hh[hh["village_code"].notna()].reset_index(drop=True)
    poor_statuses = parameter("poor_statuses", period)
    for pack in PACKS:
        path = ws.zone("decisions") / f"{pack}_{period}.parquet"
        if path.exists() and pack in poor_statuses:
            d = pd.read_parquet(path, columns=["household_id", "status"])
            poor = d.set_index("household_id")["status"].isin(poor_statuses[pack])
            hh["poor"] = hh["household_id"].map(poor).fillna(False).astype(bool)
            sources["decisions"] = str(path.relative_to(ws.root))
            break
    cc = ws.zone("decisions") / f"crosscheck_{period}.parquet"
    if cc.exists():
        f = pd.read_parquet(cc, columns=["household_id", "finding"])
        roll_findings = f[f["finding"].isin(["wrongly_included", "exit_due", "wrongly_exited"])]
        hh["flagged"] = hh["household_id"].isin(set(roll_findings["household_id"]))
        sources["crosscheck"] = str(cc.relative_to(ws.root))
    plans = ws.zone("outputs") / "assistance" / f"plans_{period}.parquet"
    if plans.exists():
        pl = pd.read_parquet(plans, columns=["household_id", "allocated"])
        hh["target"] = hh["household_id"].isin(set(pl["household_id"]))
        covered = set(pl.loc[pl["allocated"].map(lambda a: a is not None and len(a) > 0),
                             "household_id"])
        hh["covered"] = hh["household_id"].isin(covered)
        sources["plans"] = str(plans.relative_to(ws.root))
    return hh, sources


def workflow_cases(ws: Any, period: str, response_days_max: int) -> pd.DataFrame | None:
    """Cases opened for warnings of months ≤ ``period``: village, days to decision (NaN while
    open) and whether an open case is past due at the end of the period."""
    import os

    url = os.environ.get("JINGZHUN_WORKFLOW_URL")
    path = ws.zone("outputs") / "workflow.sqlite"
    if not url and not path.exists():
        return None
    from sqlalchemy import create_engine

    eng = create_engine(url or f"sqlite:///{path}")
    try:
        cases = pd.read_sql("SELECT village_code, warning_period, opened_at, decided_at, due "
                            "FROM workflow_cases", eng)
    except Exception:  # noqa: BLE001 - no table yet: the workflow never ran
        return None
    finally:
        eng.dispose()
    cases = cases[cases["warning_period"].notna() & (cases["warning_period"] <= period)]
    if cases.empty:
        return None
    opened = pd.to_datetime(cases["opened_at"], utc=True, format="mixed")
    decided = pd.to_datetime(cases["decided_at"], utc=True, format="mixed")
    end = pd.Timestamp(f"{period}-01", tz="UTC") + pd.offsets.MonthEnd(0)
    days = (decided - opened).dt.total_seconds() / 86400
    overdue = decided.isna() & (opened + pd.Timedelta(days=response_days_max) < end)
    return pd.DataFrame({"village_code": cases["village_code"].to_numpy(),
                         "days": days.to_numpy(), "overdue": overdue.to_numpy()})


def fund_payments(ws: Any, period: str) -> pd.DataFrame | None:
    """Payments paid for the 12 months to ``period`` (validated payments, located by their own
    village code) with ``anomalous`` from every fund-supervision output; None without one."""
    outs = sorted((ws.zone("outputs") / "funds").glob("anomalies_*.parquet"))
    if not outs:
        return None
    anomalies = pd.concat([pd.read_parquet(f, columns=["file", "row"]) for f in outs])
    flagged = set(zip(anomalies["file"], anomalies["row"].astype(int)))
    months = set(_months_to(period))
    parts = []
    for f in sorted((ws.zone("validated") / "payments").rglob("*.parquet")):
        p = pd.read_parquet(f, columns=["_file", "_row", "pay_period", "village_code"])
        p = p[p["pay_period"].isin(months)]
        if len(p):
            parts.append(p)
    if not parts:
        return None
    pay = pd.concat(parts, ignore_index=True)
    pay["anomalous"] = [(a, int(b)) in flagged for a, b in zip(pay["_file"], pay["_row"])]
    return pay[["village_code", "anomalous"]]


def reported_figures(ws: Any, period: str) -> tuple[pd.DataFrame | None, str | None]:
    """The areas' reported figures for the month ``period`` (validated ``reported`` extract);
    shares as fractions. (None, None) when no area reported on that month."""
    files = sorted((ws.zone("validated") / "reported").rglob("*.parquet"))
    parts = [pd.read_parquet(f) for f in files]
    parts = [p[p["report_month"] == period] for p in parts]
    parts = [p for p in parts if len(p)]
    if not parts:
        return None, None
    r = pd.concat(parts, ignore_index=True).drop_duplicates("area_code", keep="last")
    out = pd.DataFrame({
        "level": r["area_level"], "area_code": r["area_code"].astype(str),
        "area_name": r["area_name"],
        "rural_population": r["rural_population"].astype(float),
        "poor_population": r["poor_population"].astype(float),
        "poverty_incidence": r["poverty_incidence_pct"].astype(float) / 100,
        "exited_households": r["exited_households"].astype(float),
        "exited_income_per_capita_fen": r["exited_income_per_capita_fen"].astype(float),
        "housing_safe_rate": r["housing_safe_rate_pct"].astype(float) / 100,
        "water_safe_rate": r["water_safe_rate_pct"].astype(float) / 100,
    })
    return out, ",".join(sorted({str(x) for x in r["_file"]}))


def area_names(ws: Any) -> dict[str, str]:
    """Area code → name from the reported extracts and the geography (best effort)."""
    names: dict[str, str] = {}
    try:
        from jingzhun.geo.divisions import guizhou_divisions

        c = guizhou_divisions()
        names.update(dict(zip(c["county_code"].astype(str), c["county_name"])))
    except Exception:  # noqa: BLE001 - names are decoration: without the geography, codes only
        names = {}
    for f in sorted((ws.zone("validated") / "water").rglob("*.parquet")):  # village names
        try:
            r = pd.read_parquet(f, columns=["village_code", "village_name"])
        except (KeyError, ValueError, OSError):
            continue
        names.update({str(a): n for a, n in zip(r["village_code"], r["village_name"]) if n})
    for f in sorted((ws.zone("validated") / "reported").rglob("*.parquet")):
        r = pd.read_parquet(f, columns=["area_code", "area_name"])
        names.update({str(a): n for a, n in zip(r["area_code"], r["area_name"]) if n})
    return names


def today() -> str:
    return dt.date.today().isoformat()

