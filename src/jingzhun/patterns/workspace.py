"""Pattern discovery on a workspace: typologies, association rules, change points; tables
(Parquet + CSV), charts (PNG) and one self-contained HTML report in ``out``."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from jingzhun.diagnosis.diagnose import diagnose
from jingzhun.diagnosis.features import diagnosis_table
from jingzhun.diagnosis.workspace import load_indicators
from jingzhun.engine.base import write_parquet_atomic
from jingzhun.indicators.build import check_period, sources_for
from jingzhun.patterns import associations, changepoints, charts, typology

POVERTY_PACK = "cn-2014"


def poverty_line_fen(period: str) -> float:
    """The national line of the identification pack for the period (policy parameters)."""
    from jingzhun.policy.pack import load_pack

    when = dt.date.fromisoformat(f"{period}-01")
    return float(load_pack(POVERTY_PACK).parameters.at("poverty_line_fen", when))


def _save(df: pd.DataFrame, out: Path, name: str) -> None:
    flat = df.copy()
    for c in flat.columns:
        if flat[c].map(lambda v: isinstance(v, tuple | list)).any():
            flat[c] = flat[c].map(lambda v: " & ".join(v) if isinstance(v, tuple | list) else v)
    flat.columns = [str(c) for c in flat.columns]
    write_parquet_atomic(pa.Table.from_pandas(flat, preserve_index=False), out / f"{name}.parquet")
    tmp = out / f"{name}.csv.tmp"
    flat.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(out / f"{name}.csv")


def patterns_workspace(ws: Any, period: str, out: Path, *, k: int = 7, seed: int = 0,
                       min_support: float = 0.005, series_upto: str | None = None,
                       ) -> dict[str, Any]:
    """Run the three analyses for ``period`` and write their outputs under ``out``."""
    check_period(period)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    src = sources_for(ws)
    table = diagnosis_table(src, period, indicators=load_indicators(ws, period))
    causes = diagnose(table, period)
    t1 = time.perf_counter()
    typ = typology.cluster_households(table, k=k, seed=seed)
    items = associations.items_frame(table, poverty_line_fen(period), causes=causes)
    rules = associations.mine_rules(items, min_support=min_support)
    t2 = time.perf_counter()
    series = changepoints.job_loss_series(src, series_upto or period)
    series = pd.concat([series, changepoints.province_series(series)], ignore_index=True)
    changes = changepoints.detect_change_points(series)
    trends = changepoints.trend(series)
    t3 = time.perf_counter()

    labels = typ.labels.rename_axis("household_id").reset_index()
    _save(labels, out, "typology_households")
    _save(typ.profiles, out, "typology_profiles")
    _save(typ.by_county.reset_index(), out, "typology_by_county")
    _save(rules, out, "association_rules")
    _save(series, out, "series_job_loss_3m")
    _save(changes, out, "change_points")
    _save(trends, out, "trends")
    pngs = {"typology": charts.cluster_chart(typ.profiles),
            "association_rules": charts.rules_chart(rules),
            "series_province": charts.series_chart(series, changes, "province",
                                                   "share of workers with a job loss in 3 months")}
    for name, png in pngs.items():
        (out / f"{name}.png").write_bytes(png)
    rules_view = rules.head(30).assign(
        rule=lambda d: [associations.rule_text(a, c) for a, c in zip(d["antecedents"],
                                                                     d["consequents"], strict=True)])
    charts.write_html(out / "patterns.html", f"模式发现 Pattern discovery — {period}", [
        ("户类型 Household typologies",
         "k-prototypes on household composition, labour, health, land and hukou type "
         "(department data). 按人口结构、劳动力、健康、土地和户籍类型聚类。",
         typ.profiles, [(pngs["typology"], "typology sizes")]),
        ("关联规则 Association rules",
         "Rules X → poor (income check below the line), by lift. 支持度、置信度、提升度。",
         rules_view[["rule", "support", "confidence", "lift", "households"]],
         [(pngs["association_rules"], "rules")]),
        ("变点 Change points",
         "Share of workers with a job separation in the last 3 months, per county (PELT). "
         "各县近3个月失业比例的变点。", changes, [(pngs["series_province"], "province series")]),
    ])
    summary = {
        "period": period, "households": len(table), "clusters": int(typ.profiles.shape[0]),
        "cluster_sizes": {int(r.cluster): int(r.households) for r in typ.profiles.itertuples()},
        "rules": len(rules),
        "top_rules": [{"rule": associations.rule_text(r.antecedents, r.consequents),
                       "support": round(r.support, 5), "confidence": round(r.confidence, 4),
                       "lift": round(r.lift, 2)} for r in rules.head(5).itertuples()],
        "change_points": len(changes),
        "province_change_points": changes.loc[changes["county_code"] == "province",
                                              "period"].tolist(),
        "out": str(out),
        "seconds": {"features": round(t1 - t0, 2), "clusters_rules": round(t2 - t1, 2),
                    "change_points": round(t3 - t2, 2)},
    }
    return {"table": table, "typology": typ, "items": items, "rules": rules, "series": series,
            "changes": changes, "summary": summary}
