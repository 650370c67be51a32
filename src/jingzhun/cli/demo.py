"""``jingzhun demo``: generate a synthetic Guizhou, ingest it, run every stage, print a summary."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer

from jingzhun.cli.common import emit_json, out_console, progress_bar, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    scale: float = typer.Option(0.005, help="1.0 = Guizhou's 38.56 million residents"),
    months: int = typer.Option(24, help="months of events"),
    seed: int = typer.Option(1),
    data: Path = typer.Option(Path("demo"), help="folder for the province and the workspace"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve the dashboard afterwards"),
    json_: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Run the whole platform on a synthetic province and print what it found."""
    from jingzhun.cli.data import ingest_source, run_workspace
    from jingzhun.synth import SynthConfig, generate
    from jingzhun.workspace import Workspace, read_json

    province, workspace = data / "province", data / "workspace"
    config = SynthConfig(scale=scale, months=months, seed=seed)
    seconds: dict[str, float] = {}
    with reported_errors():
        t = time.perf_counter()
        previous = read_json(province / "synth.json", None)
        if previous and previous.get("config") == json.loads(config.model_dump_json()):
            synth = previous.get("summary", previous)
        else:
            with progress_bar("合成 synth", not json_) as progress:
                synth = generate(config, out=province, progress=progress)
        seconds["synth"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        with progress_bar("接收 ingest", not json_) as progress:
            ingested = ingest_source(province, workspace, progress)
        seconds["ingest"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        with progress_bar("运行 run", not json_) as progress:
            ran = run_workspace(workspace, progress=progress)
        seconds["run"] = round(time.perf_counter() - t, 2)
        quality = read_json(Workspace(workspace).zone("reports") / "quality" / "quality.json", {})
        ident_dir = Workspace(workspace).zone("reports") / "identify"
        identification = {f.stem: read_json(f, {}) for f in sorted(ident_dir.glob("*.json"))}
        t = time.perf_counter()
        with progress_bar("诊断 帮扶 预警 资金 operations", not json_) as progress:
            operations = demo_operations(workspace, ran["period"], progress)
        seconds["operations"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        from jingzhun.assessment import evaluate_workspace  # 全景考核: Excel + PDF per level

        with progress_bar("考核 evaluate", not json_) as progress:
            assessment = evaluate_workspace(Workspace(workspace), ran["period"], progress=progress)
        seconds["evaluate"] = round(time.perf_counter() - t, 2)
    files = ingested["files"]
    ok = [f for f in files if "error" not in f]
    rows_in = sum(f["rows_in"] for f in ok)
    accepted = sum(f["accepted"] for f in ok)
    quarantined = sum(f["quarantined"] for f in ok)
    reasons: dict[str, int] = {}
    for f in ok:
        for k, v in f.get("reasons", {}).items():
            reasons[k] = reasons.get(k, 0) + v
    summary: dict[str, Any] = {
        "scale": scale, "months": months, "seed": seed,
        "province": str(province), "workspace": str(workspace),
        "persons": synth.get("persons"), "households": synth.get("households"),
        "ingest": {
            "files": len(files), "unreadable_files": len(files) - len(ok),
            "rows_in": rows_in, "accepted": accepted, "quarantined": quarantined,
            "reconciled": rows_in == accepted + quarantined,
            "quarantine_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
        },
        "period": ran["period"],
        "stages": {k: v for k, v in ran["stages"].items()},
        "quality": {d: _quality_row(q) for d, q in quality.get("departments", {}).items()},
        "identification": {p: {"households": r.get("households"), "packs": r.get("packs"),
                               "cross_check": (r.get("cross_check") or {}).get("counts")}
                           for p, r in identification.items()},
        "seconds": seconds,
        "operations": operations,
        "assessment": {"files": assessment["files"],
                       "over_reporting": assessment["targets_vs_panorama"]["over_reporting"]},
        "dashboard": f"jingzhun serve --workspace {workspace}",
    }
    if json_:
        emit_json(summary)
    else:
        _print_summary(summary)
    if serve and not json_:
        from jingzhun.cli.web import prepare_demo_warnings, serve_workspace

        with reported_errors():
            prepare_demo_warnings(workspace)
            serve_workspace(workspace)  # blocking; Ctrl-C stops it


#: demo budgets (ours): closing every 三保障/water gap + this much per poor target household
DEMO_YUAN_PER_POOR = 1500


def demo_operations(workspace: Path, period: str, progress: Any = None) -> dict[str, Any]:
    """What a county runs each month after the pipeline, on the demo's latest month: causes
    (jingzhun diagnose), plans under demo budgets — each county gets what closing its
    三保障/water gaps costs plus 1,500 yuan per poor target household (jingzhun allocate), warnings with their workflow cases (jingzhun warnings --open-cases)
    and fund supervision of every month's payments (jingzhun funds)."""
    from jingzhun.assistance import AllocationSettings, allocate_workspace
    from jingzhun.assistance.budget import gap_closing_budgets
    from jingzhun.assistance.workspace import household_table, prepare
    from jingzhun.diagnosis import diagnose_workspace
    from jingzhun.monitoring.funds_workspace import funds_workspace
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.monitoring.workflow import Workflow
    from jingzhun.workspace import Workspace

    def step(label: str, share: float) -> None:
        if progress:
            progress(label, share)

    ws = Workspace(workspace, create=False)
    try:
        with ws.lock():
            step("diagnose", 0.0)
            causes = diagnose_workspace(ws, period)["summary"]
            step("allocate", 0.25)
            settings = AllocationSettings()
            budgets = prepare(household_table(ws, period), period, None, settings,
                              budget_rule=gap_closing_budgets(DEMO_YUAN_PER_POOR)).budgets
            plans = allocate_workspace(ws, period, budgets, settings=settings)
            step("warnings", 0.6)
            warned = warnings_workspace(ws, period)
            wf = Workflow.for_workspace(ws)
            try:
                opened = wf.open_from_warnings(warned, user="system (demo)")
            finally:
                wf.close()
            step("funds", 0.8)
            _, funds = funds_workspace(ws)
    finally:
        ws.engine.close()
    return {
        "period": period,
        "causes": {k: causes[k] for k in ("households", "disagreements_with_roll") if k in causes},
        "plans": {"targets": plans["targets"], "budget_yuan": sum(budgets.values()) // 100,
                  "plans": plans["plans"]},
        "warnings": {"households": len(warned),
                     "cases_opened": len(opened)},
        "fund_anomalies": {k: funds[k] for k in ("payments", "payments_with_anomaly", "anomalies")},
    }


def _print_summary(s: dict[str, Any]) -> None:
    from rich.table import Table

    out_console.rule("[bold]精准 Jingzhun demo — 合成贵州 synthetic Guizhou")
    out_console.print(
        f"规模 scale {s['scale']}: 人口 persons {s['persons']:,}, 户 households {s['households']:,}; "
        f"期间 period {s['period']}"
    )
    ing = s["ingest"]
    out_console.print(
        f"接收 ingested {ing['files']} files: {ing['rows_in']:,} rows = {ing['accepted']:,} accepted"
        f" + {ing['quarantined']:,} quarantined — "
        + ("[green]对账一致 reconciled[/]" if ing["reconciled"] else "[red]NOT reconciled[/]")
    )
    table = Table(title="数据质量 data quality (by department)")
    for col in ("部门 dept", "行数 rows", "通过 accepted", "完整性 complete", "重复 duplicates",
                "迟报 late", "首要问题 top defect"):
        table.add_column(col)
    for d, q in s["quality"].items():
        table.add_row(
            d, f"{q['rows_in']:,}", f"{q['accepted_share']:.1%}", f"{q['completeness']:.1%}",
            f"{q['duplicate_rows']:,}", "-" if q["late_share"] is None else f"{q['late_share']:.1%}",
            q["top_defect"] or "-",
        )
    out_console.print(table)
    for period, r in s.get("identification", {}).items():
        for pack, v in (r.get("packs") or {}).items():
            out_console.print(f"精准识别 identification {period} [{pack}]: {v['statuses']}")
        if r.get("cross_check"):
            c = r["cross_check"]
            out_console.print(
                f"  建档立卡比对 roll cross-check {period}: 错评 wrongly included "
                f"{c['wrongly_included']}, 应退未退 exit due {c.get('exit_due', 0)}, "
                f"漏评 wrongly missed {c['wrongly_missed']}, "
                f"错退 wrongly exited {c['wrongly_exited']} (decisions/crosscheck_{period}.parquet)")
    if s.get("operations"):
        o = s["operations"]
        out_console.print(
            f"{o['period']}: 致贫原因 causes {o['causes'].get('households')} households "
            f"({o['causes'].get('disagreements_with_roll')} to review); 帮扶计划 plans for "
            f"{o['plans']['targets']} target households, demo budget {o['plans']['budget_yuan']:,} yuan; "
            f"预警 warnings {o['warnings']['households']} households, "
            f"{o['warnings']['cases_opened']} workflow cases; 资金异常 payments with an anomaly "
            f"{o['fund_anomalies']['payments_with_anomaly']:,} of {o['fund_anomalies']['payments']:,}")
    if s.get("assessment"):
        out_console.print(f"全景考核 assessment: {', '.join(s['assessment']['files'])}; 疑似虚报 flagged: "
                          + (", ".join(f"{f['name']} {f['area_code']}" for f in s["assessment"]["over_reporting"]) or "none"))
    out_console.print(f"耗时 seconds: {s['seconds']}")


def _quality_row(q: dict[str, Any]) -> dict[str, Any]:
    """The figures a data officer scans first, from one department's quality report."""
    late = None
    if q.get("timeliness"):
        fields = q["timeliness"]["fields"].values()
        rows = sum(f["rows"] for f in fields)
        late = sum(f["late_share"] * f["rows"] for f in fields) / rows if rows else None
    top = q.get("top_defects") or []
    return {
        "rows_in": q["rows_in"],
        "accepted_share": q["validity"]["accepted_share"],
        "completeness": q["completeness"]["overall"],
        "duplicate_rows": q["uniqueness"]["duplicate_rows"],
        "late_share": late,
        "top_defect": f"{top[0]['reason']} ({top[0]['rows']})" if top else None,
    }
