"""Social-resource offers (社会帮扶资源) from a file, matched to a workspace's households.

Offer file (YAML)::

    jobs:                         # enterprises' job offers
      - {id: J1, employer: 某某电子厂, village_code: "520102001001", slots: 3,
         skills: [basic], min_labour: 1, max_km: 60}
    donations:                    # NGOs' and enterprises' donations (yuan)
      - {id: D1, donor: 某基金会, amount_yuan: 20000, per_household_yuan: 2000,
         causes: [illness, disability], county_code: "520102"}

Targets are the assistance targets of the period (rural, on the roll or below the edge of
the line; ``instance.select_targets``); matching is ``resources.match_jobs`` and
``resources.match_donations``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jingzhun.assistance.instance import AllocationSettings, select_targets
from jingzhun.assistance.resources import Donation, Job, match_donations, match_jobs
from jingzhun.errors import ConfigError


def read_offers(path: Path) -> tuple[list[Job], list[Donation]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the offer file: {exc}", where=str(path),
                          fix="write YAML with 'jobs' and/or 'donations' lists") from exc
    jobs, donations = [], []
    for i, j in enumerate(data.get("jobs") or [], start=1):
        where = f"{path}: jobs[{i}]"
        try:
            jobs.append(Job(id=str(j["id"]), village_code=str(j["village_code"]),
                            slots=int(j["slots"]), skills=tuple(j.get("skills") or ()),
                            min_labour=int(j.get("min_labour", 1)),
                            max_km=float(j.get("max_km", 60))))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"bad job offer: {exc}", where=where,
                              fix="give id, village_code (12 digits) and slots") from exc
    for i, d in enumerate(data.get("donations") or [], start=1):
        where = f"{path}: donations[{i}]"
        try:
            donations.append(Donation(
                id=str(d["id"]), amount_fen=round(float(d["amount_yuan"]) * 100),
                per_household_fen=round(float(d["per_household_yuan"]) * 100),
                causes=tuple(d.get("causes") or ()),
                county_code=str(d["county_code"]) if d.get("county_code") else None))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"bad donation: {exc}", where=where,
                              fix="give id, amount_yuan and per_household_yuan") from exc
        if donations[-1].per_household_fen <= 0:
            raise ConfigError("per_household_yuan must be positive", where=where)
    return jobs, donations


def match_offers(table: pd.DataFrame, line: float, jobs: list[Job], donations: list[Donation],
                 settings: AllocationSettings | None = None) -> pd.DataFrame:
    """One row per match: household_id, village_code, offer (job/donation), offer_id,
    distance_km (jobs), amount_fen (donations)."""
    settings = settings or AllocationSettings()
    t = select_targets(table, line, settings.edge_factor).copy()
    inc = pd.to_numeric(t["per_capita_net_income_fen"], errors="coerce")
    t["gap_pc"] = (line - inc).clip(lower=0).fillna(0.0)
    if "head_education_level" not in t:
        t["head_education_level"] = float("nan")
    if "primary_cause" not in t:
        t["primary_cause"] = None
    j = match_jobs(t[["household_id", "village_code", "labour_count", "head_education_level",
                      "gap_pc"]], jobs, line)
    d = match_donations(t[["household_id", "county_code", "primary_cause", "gap_pc"]], donations)
    village = t.set_index("household_id")["village_code"]
    out = pd.concat([
        pd.DataFrame({"household_id": j["household_id"], "offer": "job", "offer_id": j["job_id"],
                      "distance_km": j["distance_km"], "amount_fen": pd.NA}),
        pd.DataFrame({"household_id": d["household_id"], "offer": "donation",
                      "offer_id": d["donation_id"], "distance_km": pd.NA,
                      "amount_fen": d["amount_fen"]}),
    ], ignore_index=True)
    out.insert(1, "village_code", village.reindex(out["household_id"]).to_numpy())
    return out


def summary(matches: pd.DataFrame, jobs: list[Job], donations: list[Donation]) -> dict[str, Any]:
    by = matches.groupby("offer_id").size().to_dict() if len(matches) else {}
    return {"jobs": {j.id: {"slots": j.slots, "filled": int(by.get(j.id, 0))} for j in jobs},
            "donations": {d.id: {"amount_fen": d.amount_fen, "households": int(by.get(d.id, 0))}
                          for d in donations},
            "matches": len(matches)}
