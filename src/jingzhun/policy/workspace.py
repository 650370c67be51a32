"""Precise identification on a workspace: indicators → decisions → roll cross-check.

``identify_workspace(ws, period)`` writes

- ``indicators/households_<period>.parquet`` (jingzhun.indicators),
- ``decisions/<pack>_<period>.parquet`` for every shipped pack with rules in force then,
- ``decisions/crosscheck_<period>.parquet`` when the identification pack (cn-2014) is in force,
- ``reports/identify/<period>.json`` (the summary it returns).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from jingzhun.engine.base import write_parquet_atomic
from jingzhun.indicators import compute
from jingzhun.policy.crosscheck import cross_check, summary
from jingzhun.policy.evaluate import evaluate, period_date
from jingzhun.policy.pack import Pack, load_pack, shipped_packs
from jingzhun.workspace import write_json_atomic

CROSS_CHECK_PACK = "cn-2014"


def indicators_path(ws: Any, period: str) -> Path:
    return ws.zone("indicators") / f"households_{period}.parquet"


def ensure_indicators(ws: Any, period: str, *, refresh: bool = False) -> Path:
    path = indicators_path(ws, period)
    if refresh or not path.exists():
        write_parquet_atomic(compute(ws, period), path)
    return path


def decide(ws: Any, period: str, packs: dict[str, Pack] | None = None) -> dict[str, pa.Table]:
    """Decisions of every pack with rules in force in ``period`` (on the stored indicators)."""
    when = period_date(period)
    packs = packs or {name: load_pack(name) for name in shipped_packs()}
    table = ws.engine.read_parquet(indicators_path(ws, period))
    return {name: evaluate(p, table, period, ws.engine) for name, p in packs.items()
            if p.rules_on(when)}


def identify_workspace(ws: Any, period: str, *, refresh: bool = False,
                       packs: dict[str, Pack] | None = None, write: bool = True) -> dict[str, Any]:
    t0 = time.perf_counter()
    path = ensure_indicators(ws, period, refresh=refresh)
    t1 = time.perf_counter()
    decisions = decide(ws, period, packs)
    out: dict[str, Any] = {"period": period, "households": None, "packs": {}}
    for name, d in decisions.items():
        out["households"] = d.num_rows
        out["packs"][name] = {"statuses": dict(sorted(Counter(d["status"].to_pylist()).items()))}
        if write:
            write_parquet_atomic(d, ws.zone("decisions") / f"{name}_{period}.parquet")
    if CROSS_CHECK_PACK in decisions:
        import pyarrow.parquet as pq

        findings = cross_check(decisions[CROSS_CHECK_PACK], pq.read_table(path), period)
        out["cross_check"] = summary(findings)
        if write:
            write_parquet_atomic(findings, ws.zone("decisions") / f"crosscheck_{period}.parquet")
    else:
        out["cross_check"] = None
    if write:  # the report holds no timings, so a re-run gives the same bytes
        write_json_atomic(ws.zone("reports") / "identify" / f"{period}.json", out)
    out["seconds"] = {"indicators": round(t1 - t0, 2),
                      "decisions": round(time.perf_counter() - t1, 2)}
    return out


def data_periods(ws: Any) -> list[str]:
    """The months the identification stage covers: the latest roll's month and the latest
    month of any extract."""
    manifest = ws.read_state("manifest", {"files": {}})
    periods = [e["period"] for e in manifest["files"].values()
               if e.get("status") == "validated" and e.get("period")]
    rolls = [e["period"] for e in manifest["files"].values()
             if e.get("status") == "validated" and e.get("department") == "roll" and e.get("period")]
    out = set()
    if rolls:
        out.add(month_of(max(rolls)))
    if periods:
        out.add(month_of(max(periods)))
    return sorted(out)


def month_of(period: str) -> str:
    p = period.replace("-", "")
    return f"{p[:4]}-{p[4:6]}"
