"""Fairness report: recall and false-positive rate of the flags by group.

Groups: county, the household head's sex, age band and ethnicity. The head is the registry's
(``registry/households.parquet``); sex and birth date are the golden person's; ethnicity is not
in the golden record, so it is read from the hukou records linked to the head
(``registry/record_links`` → ``validated/hukou``), the most frequent value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jingzhun.risk.metrics import false_positive_rate, recall

AGE_BANDS = ((0, 40, "<40"), (40, 60, "40-59"), (60, 70, "60-69"), (70, 200, "70+"))
GROUPS = ("county_code", "head_sex", "head_age_band", "head_ethnicity")


def age_band(birth_date: pd.Series, period: pd.Series) -> pd.Series:
    """Age band of the head at the end of the month (``unknown`` without a birth date).

    >>> age_band(pd.Series(["1960-06-15", None]), pd.Series(["2019-06", "2019-06"])).tolist()
    ['40-59', 'unknown']
    """
    b = pd.to_datetime(birth_date, errors="coerce")
    p = pd.to_datetime(period.astype(str) + "-01") + pd.offsets.MonthEnd(0)
    age = p.dt.year - b.dt.year - ((p.dt.month < b.dt.month) | ((p.dt.month == b.dt.month) & (p.dt.day < b.dt.day)))
    out = pd.Series("unknown", index=birth_date.index, dtype=object)
    for lo, hi, label in AGE_BANDS:
        out[(age >= lo) & (age < hi)] = label
    return out


def head_attributes(ws: Any) -> pd.DataFrame:
    """household_id (户号), head_sex, head_birth_date, head_ethnicity."""
    reg = ws.zone("registry")
    hh = pd.read_parquet(reg / "households.parquet", columns=["household_no", "head_person_id"])
    persons = pd.read_parquet(reg / "persons.parquet", columns=["person_id", "sex", "birth_date"])
    out = hh.merge(persons, left_on="head_person_id", right_on="person_id", how="left")
    hukou = sorted((ws.zone("validated") / "hukou").glob("*.parquet"))
    eth = pd.DataFrame(columns=["person_id", "head_ethnicity"])
    if hukou:
        e = ws.engine
        links = e.read_parquet(reg / "record_links.parquet")
        links = links.filter(links["department"] == "hukou")
        h = e.read_parquet(hukou).select("_file", "_row", "ethnicity")
        j = links.join(h, ["_file", "_row"])
        j = j.filter(j["ethnicity"].notnull())
        j = j.group_by(["person_id", "ethnicity"]).aggregate(n=j.count())
        counts = e.to_arrow(j).to_pandas()
        counts = counts.sort_values(["person_id", "n", "ethnicity"], ascending=[True, False, True])
        eth = counts.drop_duplicates("person_id")[["person_id", "ethnicity"]].rename(
            columns={"ethnicity": "head_ethnicity"})
    out = out.merge(eth, left_on="head_person_id", right_on="person_id", how="left")
    return pd.DataFrame({
        "household_id": out["household_no"], "head_sex": out["sex"].fillna("unknown"),
        "head_birth_date": out["birth_date"], "head_ethnicity": out["head_ethnicity"].fillna("unknown"),
    })


def fairness_report(rows: pd.DataFrame, groups: tuple[str, ...] = GROUPS,
                    min_rows: int = 0) -> dict[str, dict[str, dict[str, Any]]]:
    """``rows``: label, flagged and the group columns. Per group value: rows, positives,
    flagged, recall, false-positive rate (groups with fewer than ``min_rows`` rows omitted)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for g in groups:
        out[g] = {}
        for value, part in rows.groupby(g, dropna=False, sort=True):
            if len(part) < min_rows:
                continue
            y = part["label"].to_numpy(dtype=bool)
            f = part["flagged"].to_numpy(dtype=bool)
            r, fpr = recall(y, f), false_positive_rate(y, f)
            out[g][str(value)] = {"rows": len(part), "positives": int(y.sum()), "flagged": int(f.sum()),
                                  "recall": None if r is None else round(r, 4),
                                  "false_positive_rate": None if fpr is None else round(fpr, 4)}
    return out


def spread(report: dict[str, dict[str, Any]], metric: str, min_positives: int = 1) -> dict[str, Any]:
    """Lowest and highest ``metric`` across a group's values (with at least ``min_positives``)."""
    vals = {k: v[metric] for k, v in report.items()
            if v[metric] is not None and v["positives"] >= min_positives}
    if not vals:
        return {"min": None, "max": None}
    lo, hi = min(vals, key=vals.get), max(vals, key=vals.get)
    return {"min": vals[lo], "min_group": lo, "max": vals[hi], "max_group": hi,
            "gap": round(float(np.subtract(vals[hi], vals[lo])), 4)}
