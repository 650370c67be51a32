"""Social resources (enterprise and NGO offers) matched to households.

Jobs: one household at most per job place; a household qualifies when it has labour, the
skills the job asks for and lives within the job's distance. Among qualified pairs the
assignment minimises distance share minus need (per-capita gap share of the line), solved
exactly with ``scipy.optimize.linear_sum_assignment``. Donations are split neediest first among
households whose primary cause the donor names (and county, when given).

Distance is a proxy from the administrative codes (ours): same village 0 km, same township
5 km, same county 20 km, same prefecture 60 km, else 150 km. Skills (ours): every worker has
"basic"; a head with junior-secondary education or more adds "literate", senior or more
"technical".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

INFEASIBLE = 1e6


@dataclass(frozen=True)
class Job:
    id: str
    village_code: str
    slots: int
    skills: tuple[str, ...] = ()
    min_labour: int = 1
    max_km: float = 60.0


@dataclass(frozen=True)
class Donation:
    id: str
    amount_fen: int
    per_household_fen: int
    causes: tuple[str, ...] = ()
    county_code: str | None = None


def distance_km(a: str, b: str) -> float:
    a, b = str(a), str(b)
    if a == b:
        return 0.0
    if a[:9] == b[:9]:
        return 5.0
    if a[:6] == b[:6]:
        return 20.0
    if a[:4] == b[:4]:
        return 60.0
    return 150.0


def household_skills(head_education_level: float | None) -> set[str]:
    out = {"basic"}
    if head_education_level is not None and head_education_level == head_education_level:
        if head_education_level >= 2:
            out.add("literate")
        if head_education_level >= 3:
            out.add("technical")
    return out


def match_jobs(households: pd.DataFrame, jobs: list[Job], line: float) -> pd.DataFrame:
    """``households``: household_id, village_code, labour_count, head_education_level,
    gap_pc. Returns household_id, job_id, distance_km (one row per match)."""
    places = [(j, k) for j in jobs for k in range(j.slots)]
    if not places or households.empty:
        return pd.DataFrame(columns=["household_id", "job_id", "distance_km"])
    n = len(households)
    cost = np.full((n, len(places)), INFEASIBLE)
    skills = [household_skills(v) for v in households["head_education_level"]]
    for c, (job, _) in enumerate(places):
        for r, (v, lab, gap) in enumerate(zip(households["village_code"], households["labour_count"],
                                             households["gap_pc"])):
            d = distance_km(v, job.village_code)
            if lab >= job.min_labour and d <= job.max_km and set(job.skills) <= skills[r]:
                cost[r, c] = d / max(job.max_km, 1.0) - min(float(gap) / line, 1.0)
    rows, cols = linear_sum_assignment(cost)
    keep = cost[rows, cols] < INFEASIBLE
    return pd.DataFrame({
        "household_id": households["household_id"].to_numpy()[rows[keep]],
        "job_id": [places[c][0].id for c in cols[keep]],
        "distance_km": [distance_km(households["village_code"].iat[r], places[c][0].village_code)
                        for r, c in zip(rows[keep], cols[keep])],
    })


def match_donations(households: pd.DataFrame, donations: list[Donation]) -> pd.DataFrame:
    """``households``: household_id, county_code, primary_cause, gap_pc. One row per grant."""
    out = []
    order = households.sort_values("gap_pc", ascending=False, kind="stable")
    got: set[str] = set()
    for d in donations:
        left = d.amount_fen
        for row in order.itertuples(index=False):
            if left < d.per_household_fen:
                break
            if row.household_id in got or row.gap_pc <= 0:
                continue
            if d.causes and row.primary_cause not in d.causes:
                continue
            if d.county_code and str(row.county_code) != d.county_code:
                continue
            out.append({"household_id": row.household_id, "donation_id": d.id,
                        "amount_fen": d.per_household_fen})
            got.add(row.household_id)
            left -= d.per_household_fen
    return pd.DataFrame(out, columns=["household_id", "donation_id", "amount_fen"])


__all__ = ["Donation", "Job", "distance_km", "household_skills", "match_donations", "match_jobs"]
