"""Cross-check of the existing 建档立卡 roll (数据比对) against the decisions of the rules.

For a period in which the identification pack (cn-2014) is in force, every household gets at
most one finding:

- ``wrongly_included`` (错评): on the roll as poor, but a rule excludes it, or, in the roll's
  own month, its income is known, at or above the line, and no other eligibility rule holds
  (a household whose income is unknown is not flagged on income).
- ``exit_due`` (应退未退): after the roll's month, on the roll with a known income at or above
  the line and nothing else keeping it eligible: an exit to verify, not a registration error. After the roll's own date the second
  case may also be an exit that is due (应退未退): the verification visit decides.
- ``wrongly_missed`` (漏评): eligible (rural, below the line, nothing excludes it) and neither on
  the roll nor recorded as exited.
- ``wrongly_exited`` (错退): recorded as exited, but eligible again by the rules.

Each finding carries its evidence: the fired rules with their values, sources and extract
months (from the decisions' ``reasons``), the roll's own figures and the indicator values.
Findings are proposals for a person to verify (PIPL Art. 24), never automatic changes.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa

FINDINGS = {
    "wrongly_included": ("错评：在册但不符合条件", "wrongly included: on the roll, not eligible"),
    "exit_due": ("应退未退：收入已超过标准", "exit due: income now above the line"),
    "wrongly_missed": ("漏评：符合条件但未在册", "wrongly missed: eligible, not on the roll"),
    "wrongly_exited": ("错退：已退出但仍符合条件", "wrongly exited: exited, still eligible"),
}
EVIDENCE = ("on_roll__extract", "per_capita_net_income_fen", "per_capita_net_income_fen__extract", "income_source",
            "department_income_fen", "roll_income_per_capita_fen", "roll_household_no", "size",
            "on_roll", "exited_poverty", "rural_hukou")


def _col(t: pa.Table, name: str) -> np.ndarray:
    return t[name].to_numpy(zero_copy_only=False)


def cross_check(decisions: pa.Table, indicators: pa.Table, period: str | None = None) -> pa.Table:
    """Findings (one row per household with a finding), ordered by household."""
    ind = indicators.select([c for c in ("household_id", "county_code", "township_code",
                                         "village_code", *EVIDENCE) if c in indicators.column_names])
    key_d = decisions["household_id"].to_pylist()
    key_i = ind["household_id"].to_pylist()
    if key_d != key_i:
        pos = {k: i for i, k in enumerate(key_i)}
        ind = ind.take(pa.array([pos[k] for k in key_d]))
    status = _col(decisions, "status").astype(object)
    on_roll = np.asarray(pa.compute.fill_null(ind["on_roll"], False).to_numpy(zero_copy_only=False), bool)
    exited = np.asarray(pa.compute.fill_null(ind["exited_poverty"], False).to_numpy(zero_copy_only=False), bool)
    eligible = status == "eligible"
    # without a known income only an exclusion rule is evidence against a roll household
    income_known = ~np.asarray(pa.compute.is_null(ind["per_capita_net_income_fen"]), bool)
    evidence = (status == "excluded") | income_known
    # after the roll's own month, income above the line is progress, not a registration error
    roll_month = np.asarray(ind["on_roll__extract"].to_pylist(), dtype=object)
    later = np.array([m is not None and period is not None and period > m for m in roll_month], bool)
    finding = np.full(len(status), None, dtype=object)
    finding[on_roll & ~eligible & evidence] = "wrongly_included"
    finding[on_roll & ~eligible & income_known & (status != "excluded") & later] = "exit_due"
    finding[~on_roll & ~exited & eligible] = "wrongly_missed"
    finding[exited & ~on_roll & eligible] = "wrongly_exited"
    rows = np.flatnonzero(finding != None)
    reasons = decisions["reasons"].to_pylist()
    fired = decisions["fired"].to_pylist()
    ev_cols = {c: ind[c].to_pylist() for c in EVIDENCE if c in ind.column_names}
    out: dict[str, list[Any]] = {k: [] for k in (
        "household_id", "county_code", "township_code", "village_code", "finding", "label_zh",
        "label_en", "status", "fired", "evidence")}
    for r in rows:
        f = finding[r]
        out["household_id"].append(key_d[r])
        for c in ("county_code", "township_code", "village_code"):
            out[c].append(ind[c][r].as_py())
        out["finding"].append(f)
        out["label_zh"].append(FINDINGS[f][0])
        out["label_en"].append(FINDINGS[f][1])
        out["status"].append(status[r])
        out["fired"].append(fired[r])
        values = {c: v[r] for c, v in ev_cols.items()}
        out["evidence"].append(json.dumps({"values": values, "rules": json.loads(reasons[r])},
                                          ensure_ascii=False, default=str))
    schema = pa.schema([("household_id", pa.string()), ("county_code", pa.string()),
                        ("township_code", pa.string()), ("village_code", pa.string()),
                        ("finding", pa.string()), ("label_zh", pa.string()),
                        ("label_en", pa.string()), ("status", pa.string()),
                        ("fired", pa.list_(pa.string())), ("evidence", pa.string())])
    return pa.table(out, schema=schema)


def summary(findings: pa.Table) -> dict[str, Any]:
    """Counts by finding, and by county and finding."""
    f = findings["finding"].to_pylist()
    county = findings["county_code"].to_pylist()
    by_county: dict[str, dict[str, int]] = {}
    for c, k in zip(county, f, strict=True):
        by_county.setdefault(c or "unknown", {}).setdefault(k, 0)
        by_county[c or "unknown"][k] += 1
    return {"counts": {k: Counter(f).get(k, 0) for k in FINDINGS},
            "by_county": dict(sorted(by_county.items()))}
