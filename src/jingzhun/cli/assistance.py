"""``jingzhun allocate``: precise assistance (精准帮扶) on a workspace under county budgets."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, progress_bar, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(allocate)
    app.command()(offers)


def offers(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace whose registry is built"),
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    offers_file: Path = typer.Option(..., "--offers", help="YAML with jobs and donations (docs/assistance.md)"),
    out: Path = typer.Option(..., "--out", help="matches (.csv or .parquet)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """社会帮扶: match enterprises' job offers and donations to the households that need them."""
    from jingzhun.assistance.offers import match_offers, read_offers, summary
    from jingzhun.assistance.workspace import household_table, poverty_line
    from jingzhun.indicators.build import check_period
    from jingzhun.workspace import Workspace

    with reported_errors():
        check_period(period)
        jobs, donations = read_offers(offers_file)
        ws = Workspace(workspace, create=False)
        try:
            with ws.lock():
                table = household_table(ws, period)
        finally:
            ws.engine.close()
        matches = match_offers(table, poverty_line(period), jobs, donations)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".parquet":
            matches.to_parquet(out, index=False)
        else:
            matches.to_csv(out, index=False, encoding="utf-8-sig")
    result = {**summary(matches, jobs, donations), "period": period, "out": str(out)}
    if json_:
        emit_json(result)
    else:
        out_console.print_json(data=result)


def allocate(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace whose registry is built"),
    budget_file: Path = typer.Option(..., "--budget-file", help="county budgets: YAML (unit + budgets) or CSV (county_code, budget_yuan|budget_fen)"),
    period: str = typer.Option("", "--period", help="YYYY-MM (default: the latest indicator month of the workspace)"),
    objective: str = typer.Option("lifted", "--objective", help="lifted (households above the line) or gap (poverty-gap reduction)"),
    floor_township: float = typer.Option(0.2, help="minimum share of a township's poor households with a measure"),
    floor_cause: float = typer.Option(0.2, help="minimum share of a cause's poor households (per county) with a measure"),
    excel: bool = typer.Option(True, "--excel/--no-excel", help="write one Excel workbook per village"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """一户一策: rank measures per household, allocate under budgets (HiGHS), write the plans."""
    from jingzhun.assistance import AllocationSettings, allocate_workspace
    from jingzhun.assistance.budget import read_budgets
    from jingzhun.errors import ConfigError
    from jingzhun.workspace import Workspace

    with reported_errors():
        budgets = read_budgets(budget_file)
        settings = AllocationSettings(objective=objective, floor_township=floor_township,
                                      floor_cause=floor_cause)
        ws = Workspace(workspace, create=False)
        try:
            if not period:
                months = sorted(p.stem.split("_", 1)[1] for p in
                                ws.zone("indicators").glob("households_*.parquet"))
                if not months:
                    raise ConfigError("no indicator month in the workspace", where=str(workspace),
                                      fix="run `jingzhun run` first or give --period")
                period = months[-1]
            with ws.lock(), progress_bar("allocate", enabled=not json_) as update:
                summary = allocate_workspace(ws, period, budgets, settings=settings, excel=excel,
                                             progress=update)
        finally:
            ws.engine.close()
    if json_:
        emit_json(summary)
        return
    r = summary["result"]
    out_console.print(
        f"目标户 targets {summary['targets']}, 贫困户 poor {summary['poor']}; "
        f"措施 measures {r['measures']}, 费用 spent {r['spent_fen'] / 100:,.0f} 元 yuan; "
        f"预计脱贫 expected lifted {r['lifted']} ({r['lifted_per_10k_yuan']} per 10,000 yuan); "
        f"violations {r['violations']}; optimality gap {summary['solver']['optimality_gap']}")
    out_console.print(f"plans: {summary['plans']}; Excel: {summary['excel_files']} files")
