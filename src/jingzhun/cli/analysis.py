"""``jingzhun diagnose`` (causes of poverty) and ``jingzhun patterns`` (typologies, association
rules, change points) on a workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, reported_errors


def register(app: typer.Typer) -> None:
    @app.command("diagnose")
    def diagnose_cmd(
        workspace: Path = typer.Option(..., help="workspace folder (after `jingzhun run`)"),
        period: str = typer.Option(..., help="month YYYY-MM"),
        json_: bool = typer.Option(False, "--json", help="print the JSON summary"),
    ) -> None:
        """致贫原因诊断 — primary and secondary causes per household, with evidence; the
        roll's recorded causes that disagree go to decisions/causes_review_<period>.parquet."""
        from jingzhun.diagnosis import diagnose_workspace
        from jingzhun.workspace import Workspace

        with reported_errors():
            ws = Workspace(workspace, create=False)
            try:
                summary = diagnose_workspace(ws, period)["summary"]
            finally:
                ws.engine.close()
        if json_:
            emit_json(summary)
        else:
            typer.echo(f"{summary['households']} 户已诊断 households diagnosed; "
                       f"{summary['disagreements_with_roll']} 与建档立卡记录不一致待复核 "
                       f"disagreements with the roll to review")

    @app.command("patterns")
    def patterns_cmd(
        workspace: Path = typer.Option(..., help="workspace folder (after `jingzhun run`)"),
        period: str = typer.Option(..., help="month YYYY-MM of the household snapshot"),
        out: Path = typer.Option(..., help="folder for tables (Parquet, CSV), PNG and HTML"),
        clusters: int = typer.Option(7, help="number of household types"),
        series_upto: str | None = typer.Option(None, help="last month of the county series "
                                               "(default: the period)"),
        json_: bool = typer.Option(False, "--json", help="print the JSON summary"),
    ) -> None:
        """模式发现 — household typologies, association rules and change points per county."""
        from jingzhun.patterns.workspace import patterns_workspace
        from jingzhun.workspace import Workspace

        with reported_errors():
            ws = Workspace(workspace, create=False)
            try:
                summary = patterns_workspace(ws, period, out, k=clusters,
                                             series_upto=series_upto)["summary"]
            finally:
                ws.engine.close()
        if json_:
            emit_json(summary)
        else:
            typer.echo(f"{summary['clusters']} 类户 types, {summary['rules']} 条规则 rules, "
                       f"{summary['change_points']} 个变点 change points → {out}/patterns.html")
