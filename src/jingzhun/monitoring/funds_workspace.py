"""Fund supervision on a workspace: assemble ``FundInputs`` from the registry, the validated
extracts and the indicators, run the checks, write ``outputs/funds/``.

Payments reach persons through ``registry/record_links`` (the payments extract is
person-level); the payee's household is the hukou household of the membership interval that
covers the pay month (or, for a payee who died or left, the last one that started by then).
"""

from __future__ import annotations

import calendar
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from jingzhun.monitoring.errors import MonitoringError
from jingzhun.monitoring.funds import EXCLUSION_FLAGS, FundInputs, find_anomalies, summary


def _month(text: str) -> str:
    t = str(text).replace("-", "")
    if len(t) < 6 or not t[:6].isdigit():
        raise MonitoringError(f"bad month {text!r}", where="--month", fix="write YYYY-MM")
    return f"{t[:4]}-{t[4:6]}"


def _validated(ws: Any, department: str) -> list[Path]:
    files = sorted((ws.zone("validated") / department).glob("*.parquet"))
    return files


def _read(files: list[Path], columns: list[str]) -> pd.DataFrame:
    frames = [pq.read_table(f, columns=columns).to_pandas() for f in files]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _links(ws: Any, department: str) -> pd.DataFrame:
    t = pq.read_table(ws.zone("registry") / "record_links.parquet",
                      columns=["department", "_file", "_row", "person_id"],
                      filters=[("department", "=", department)])
    return t.to_pandas().drop(columns="department")


def household_at(pairs: pd.DataFrame, intervals: pd.DataFrame, *, open_only: bool = False) -> pd.DataFrame:
    """(person_id, month) → household_no: the membership covering the end of the month, else
    (unless ``open_only``) the last one that started by then."""
    m = pairs.drop_duplicates().merge(
        intervals[["person_id", "household_no", "valid_from", "valid_to"]], on="person_id")
    m = m[m["valid_from"] <= m["month"]]
    covers = m["valid_to"].isna() | (m["valid_to"] > m["month"])
    if open_only:
        m = m[covers]
    m = m.assign(_c=covers.loc[m.index].astype(int)).sort_values(["person_id", "month", "_c", "valid_from"])
    return m.drop_duplicates(["person_id", "month"], keep="last")[["person_id", "month", "household_no"]]


def household_sizes(intervals: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    out = []
    for month in months:
        live = intervals[(intervals["valid_from"] <= month)
                         & (intervals["valid_to"].isna() | (intervals["valid_to"] > month))]
        out.append(live.groupby("household_no").size().rename("household_size").reset_index().assign(month=month))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["household_no", "household_size", "month"])


def _last_day(month: str) -> str:
    y, m = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def load_inputs(ws: Any, months: list[str] | None = None, *, indicators: Any = None) -> tuple[FundInputs, list[str]]:
    """The checks' inputs for the payments of ``months`` (all when None); payments of earlier
    months are read too, so a duplicate of an earlier payment is found. ``indicators(period)``
    gives the path of a month's indicators (default: computed and stored when missing)."""
    files = _validated(ws, "payments")
    if not files:
        raise MonitoringError("no validated payments extract", where=str(ws.zone("validated") / "payments"),
                              fix="ingest the one-card payments and run `jingzhun run --workspace W`")
    cols = ["serial_no", "programme", "pay_period", "id_number", "name", "amount_fen", "pay_date",
            "_file", "_row", "_period"]
    pay = _read(files, cols)
    pay["_period"] = pay["_period"].map(_month)
    wanted = sorted(set(pay["_period"])) if months is None else sorted({_month(m) for m in months})
    pay = pay[pay["_period"] <= max(wanted)]
    pay = pay.merge(_links(ws, "payments"), on=["_file", "_row"], how="left")
    pay["pay_period"] = pay["pay_period"].astype(str).map(_month)
    pay["pay_date"] = pay["pay_date"].astype(str).str[:10]

    reg = ws.zone("registry")
    intervals = pd.read_parquet(reg / "household_members.parquet",
                                columns=["person_id", "household_no", "valid_from", "valid_to"])
    registered = set(intervals["person_id"])
    pairs = pay[["person_id", "pay_period"]].dropna().rename(columns={"pay_period": "month"})
    hh = household_at(pairs, intervals)
    pay = pay.merge(hh.rename(columns={"month": "pay_period", "household_no": "household_id"}),
                    on=["person_id", "pay_period"], how="left")
    periods = sorted(set(pay["pay_period"]))
    first = min(periods)
    y, m = int(first[:4]), int(first[5:7]) - 12
    back = f"{y + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}"
    allm = sorted({p for p in set(intervals["valid_from"].dropna()) if back <= p <= max(periods)} | set(periods))
    sizes = household_sizes(intervals, allm)
    sizes["m"] = sizes["month"].str[:4].astype(int) * 12 + sizes["month"].str[5:7].astype(int)
    wide = sizes.pivot_table(index="household_no", columns="m", values="household_size", fill_value=0)
    full = range(int(wide.columns.min()), int(wide.columns.max()) + 1)
    wide = wide.reindex(columns=full).ffill(axis=1).fillna(0)  # size holds between changes
    peak = wide.T.rolling(13, min_periods=1).max().T
    keep_m = [int(p[:4]) * 12 + int(p[5:7]) for p in periods]
    peak = peak[[c for c in keep_m if c in peak.columns]].stack().rename("household_size").reset_index()
    peak["pay_period"] = [f"{v // 12 if v % 12 else v // 12 - 1}-{(v % 12) or 12:02d}" for v in peak["m"]]
    peak = peak[peak["household_size"] > 0].rename(columns={"household_no": "household_id"})
    pay = pay.merge(peak[["household_id", "pay_period", "household_size"]], on=["household_id", "pay_period"], how="left")
    persons_dep = pd.read_parquet(reg / "persons.parquet", columns=["person_id", "departments"])
    others = persons_dep[persons_dep["departments"].astype(str).str.split(",").map(
        lambda d: any(x != "payments" for x in d))]
    pay["registered"] = pay["person_id"].isin(registered) | pay["person_id"].isin(set(others["person_id"]))
    pay = pay.merge(persons_dep.rename(columns={"departments": "known_to"}), on="person_id", how="left")
    pay["payee_key"] = pay["id_number"].where(pay["id_number"].notna(), pay["name"])
    pay = pay.rename(columns={"_file": "file", "_row": "row"})

    # deaths: the hukou extract's death records, else the registry's death month
    hk = _read(_validated(ws, "hukou"), ["change_type", "death_date", "change_date", "_file", "_row"])
    hk = hk[hk["change_type"] == "death"]
    hk = hk.merge(_links(ws, "hukou"), on=["_file", "_row"])
    date = hk["death_date"].where(hk["death_date"].notna(), hk["change_date"]).astype(str).str[:10]
    deaths = pd.DataFrame({"person_id": hk["person_id"], "death_date": date,
                           "source": hk["_file"] + ":" + hk["_row"].astype(str)})
    persons = pd.read_parquet(reg / "persons.parquet", columns=["person_id", "death_month"])
    persons = persons[persons["death_month"].notna() & ~persons["person_id"].isin(set(deaths["person_id"]))]
    deaths = pd.concat([deaths, pd.DataFrame({
        "person_id": persons["person_id"], "death_date": persons["death_month"].map(_last_day),
        "source": "registry/persons.death_month"})], ignore_index=True)

    # exclusion indicators of the payee households, month by month
    if indicators is None:
        from jingzhun.policy.workspace import ensure_indicators

        indicators = lambda period: ensure_indicators(ws, period)  # noqa: E731
    flags = []
    for period in sorted(set(pay.loc[pay["_period"].isin(wanted), "pay_period"])):
        path = indicators(period)
        names = pq.read_schema(path).names
        keep = ["household_id", *EXCLUSION_FLAGS, *[f"{f}__extract" for f in EXCLUSION_FLAGS
                                                    if f"{f}__extract" in names]]
        flags.append(pq.read_table(path, columns=keep).to_pandas().assign(period=period))
    flags_df = pd.concat(flags, ignore_index=True)

    # village cadres: the latest list by the month (the first list before it), their household
    vc = _read(_validated(ws, "village_cadres"), ["position", "village_code", "_file", "_row", "_period"])
    vc["_period"] = vc["_period"].map(_month)
    vc = vc.merge(_links(ws, "village_cadres"), on=["_file", "_row"])
    lists = sorted(set(vc["_period"]))
    cad = []
    for period in periods:
        if not lists:
            break
        older = [x for x in lists if x <= period]
        use = older[-1] if older else lists[0]
        c = vc[vc["_period"] == use]
        at = household_at(c[["person_id"]].assign(month=period), intervals, open_only=True)
        c = c.merge(at, on="person_id")
        cad.append(pd.DataFrame({"household_id": c["household_no"], "period": period,
                                 "cadre_person_id": c["person_id"], "position": c["position"],
                                 "source": c["_file"] + ":" + c["_row"].astype(str)}))
    cadres = pd.concat(cad, ignore_index=True) if cad else pd.DataFrame(
        columns=["household_id", "period", "cadre_person_id", "position", "source"])
    return FundInputs(pay, deaths, flags_df, cadres), wanted


def funds_workspace(ws: Any, month: str | None = None, *, write: bool = True,
                    indicators: Any = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Anomalies of one month's payments file (``month``) or of every month (None)."""
    inputs, wanted = load_inputs(ws, [month] if month else None, indicators=indicators)
    found = find_anomalies(inputs)
    keep = inputs.payments.loc[inputs.payments["_period"].isin(wanted), ["file", "row"]]
    found = found.merge(keep, on=["file", "row"])
    report = {"months": wanted if not month else [_month(month)], **summary(found, len(keep))}
    if write:
        from jingzhun.engine.base import write_parquet_atomic
        from jingzhun.workspace import write_json_atomic
        import pyarrow as pa

        name = _month(month) if month else "all"
        out = ws.zone("outputs") / "funds"
        write_parquet_atomic(pa.Table.from_pandas(found, preserve_index=False), out / f"anomalies_{name}.parquet")
        write_json_atomic(ws.zone("reports") / "funds" / f"{name}.json", report)
    return found, report
