"""Monthly warnings on a workspace: indicators → cn-2021 rules (+ risk scores) → cadres →
``outputs/warnings/warnings_<period>.parquet``."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jingzhun.monitoring.warnings import assign_cadres, merge_warnings, risk_warnings, rule_warnings
from jingzhun.policy.pack import Pack, load_pack


def village_cadres(ws: Any) -> pd.DataFrame:
    """Every validated village-cadre row with its registry person and list month."""
    files = sorted((ws.zone("validated") / "village_cadres").glob("*.parquet"))
    if not files:
        return pd.DataFrame(columns=["village_code", "position", "name", "person_id", "list_period"])
    vc = pd.concat([pq.read_table(f, columns=["name", "position", "village_code", "_file", "_row", "_period"])
                    .to_pandas() for f in files], ignore_index=True)
    links = pq.read_table(ws.zone("registry") / "record_links.parquet",
                          columns=["department", "_file", "_row", "person_id"],
                          filters=[("department", "=", "village_cadres")]).to_pandas()
    vc = vc.merge(links.drop(columns="department"), on=["_file", "_row"], how="left")
    p = vc["_period"].astype(str).str.replace("-", "")
    vc["list_period"] = p.str[:4] + "-" + p.str[4:6]
    return vc[["village_code", "position", "name", "person_id", "list_period"]]


def warnings_workspace(ws: Any, period: str, *, pack: Pack | None = None,
                       risk_scores: pd.DataFrame | None = None, cadres: pd.DataFrame | None = None,
                       write: bool = True) -> pd.DataFrame:
    from jingzhun.engine.base import write_parquet_atomic
    from jingzhun.policy.workspace import ensure_indicators

    pack = pack or load_pack("cn-2021")
    path = ensure_indicators(ws, period)
    table = ws.engine.read_parquet(path)
    rules = rule_warnings(pack, table, period, ws.engine)
    risk = None
    if risk_scores is not None and len(risk_scores):
        villages = pq.read_table(path, columns=["household_id", "village_code"]).to_pandas()
        risk = risk_warnings(risk_scores, period, villages=villages)
    w = merge_warnings(rules, risk)
    w = assign_cadres(w, village_cadres(ws) if cadres is None else cadres, period)
    if write:
        write_parquet_atomic(pa.Table.from_pandas(w, preserve_index=False),
                             ws.zone("outputs") / "warnings" / f"warnings_{period}.parquet")
    return w
