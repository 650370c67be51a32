"""``jingzhun funds`` (fund supervision), ``jingzhun warnings`` (monthly warnings),
``jingzhun workflow`` (overdue and monitored cases) and ``jingzhun monitor`` (monthly
processing) on a workspace (docs/monitoring.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(funds)
    app.command()(warnings)
    app.command("workflow")(workflow_status)
    app.command("monitor")(monitor)


def funds(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace whose registry is built"),
    month: str | None = typer.Option(None, "--month", help="YYYY-MM: that month's payments file (default: every month)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """资金监管 Fund supervision: anomalies in the one-card payments, each with its evidence
    (outputs/funds/anomalies_<month|all>.parquet)."""
    from jingzhun.monitoring.funds_workspace import funds_workspace
    from jingzhun.workspace import Workspace

    with reported_errors():
        ws = Workspace(workspace, create=False)
        try:
            with ws.lock():
                _, report = funds_workspace(ws, month)
        finally:
            ws.engine.close()
    if json_:
        emit_json(report)
    else:
        out_console.print(f"付款 payments: {report['payments']}, 异常 with an anomaly: {report['payments_with_anomaly']}")
        for k, v in report["anomalies"].items():
            out_console.print(f"  {k}: {v} ({report['amount_fen'][k] / 100:,.2f} 元 yuan)")


def warnings(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace whose registry is built"),
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    open_cases: bool = typer.Option(False, "--open-cases", help="open a workflow case per new warned household"),
    user: str = typer.Option("system", "--user", help="who opens the cases"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """预警 Monthly warnings from the cn-2021 department rules, with the responsible cadre and
    a due date 15 days out (outputs/warnings/warnings_<month>.parquet)."""
    from jingzhun.indicators.build import check_period
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.monitoring.workflow import Workflow
    from jingzhun.workspace import Workspace

    with reported_errors():
        check_period(month)
        ws = Workspace(workspace, create=False)
        try:
            with ws.lock():
                w = warnings_workspace(ws, month)
                opened = []
                if open_cases:
                    wf = Workflow.for_workspace(ws)
                    opened = wf.open_from_warnings(w, user=user)
                    wf.close()
        finally:
            ws.engine.close()
    report = {"month": month, "warnings": int(len(w)),
              "by_category": {k: int(v) for k, v in w["category"].value_counts().sort_index().items()},
              "cases_opened": len(opened)}
    if json_:
        emit_json(report)
    else:
        out_console.print_json(data=report)


def workflow_status(
    workspace: Path = typer.Option(..., "--workspace"),
    today: str | None = typer.Option(None, "--today", help="YYYY-MM-DD (default: today)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """核实流程 Workflow: cases by state, overdue cases, monitored households."""
    from jingzhun.monitoring.workflow import Workflow
    from jingzhun.workspace import Workspace

    with reported_errors():
        ws = Workspace(workspace, create=False)
        wf = Workflow.for_workspace(ws)
        day = dt.date.fromisoformat(today) if today else dt.date.today()
        report = {"states": wf.counts(), "overdue": wf.overdue(day), "monitored": wf.monitored()}
        wf.close()
        ws.engine.close()
    if json_:
        emit_json(report)
    else:
        out_console.print_json(data=report, default=str)


def monitor(
    workspace: Path = typer.Option(..., "--workspace", help="workspace folder (created if missing)"),
    month: str = typer.Option(..., "--month", help="YYYY-MM: the month to process"),
    source: Path | None = typer.Option(
        None, "--source",
        help="department extracts folder: its files of the month and earlier are landed "
             "(default: the files already landed)"),
    recompute: bool = typer.Option(False, "--recompute", help="recompute every processed month"),
    open_cases: bool = typer.Option(False, "--open-cases", help="open a workflow case per new warned household"),
    user: str = typer.Option("system", "--user", help="who opens the cases"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """月度监测 Monthly processing: land and validate the month's extracts, update the registry,
    write the month's indicators, decisions, warnings and fund anomalies (earlier months are
    recomputed only when their inputs changed); _state/monitoring.json lists the months done."""
    from jingzhun.cli.common import progress_bar
    from jingzhun.monitoring.monthly import process_month
    from jingzhun.workspace import Workspace

    with reported_errors(), progress_bar(f"月度监测 monitor {month}", not json_) as progress:
        ws = Workspace(workspace, create=source is not None)
        try:
            report = process_month(ws, month, source=source, recompute=recompute,
                                   open_cases=open_cases, user=user, progress=progress)
        finally:
            ws.close()
    if json_:
        emit_json(report)
    else:
        out_console.print(
            f"{report['month']}: 预警 warnings {report['warnings']}, 资金异常 fund anomalies "
            f"{report['fund_anomalies']}, 重算 recomputed {', '.join(report['recomputed_months']) or '-'}; "
            f"已处理 processed {report['months_processed'][0]} … {report['months_processed'][-1]}")
