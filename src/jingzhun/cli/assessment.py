"""``jingzhun evaluate``: panoramic performance assessment (全景考核) of counties, townships and
villages on a workspace, with Excel and PDF reports per level (docs/assessment.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, progress_bar, reported_errors


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)


def evaluate(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace after jingzhun run"),
    period: str | None = typer.Option(None, "--period",
                                      help="YYYY-MM (default: the latest month with indicators)"),
    weights: Path | None = typer.Option(None, "--weights",
                                        help="scorecard weights YAML (default: ours, "
                                             "assessment/weights.yaml)"),
    excel: bool = typer.Option(True, "--excel/--no-excel", help="write the Excel workbooks"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="write the PDF reports with charts"),
    json_: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """全景考核 Panoramic assessment: indicators per area, exit assessment, scorecards and
    rankings, reported vs computed figures (reports/assessment/<period>/)."""
    from jingzhun.assessment import AssessmentError, evaluate_workspace
    from jingzhun.workspace import Workspace

    with reported_errors():
        ws = Workspace(workspace, create=False)
        if period is None:
            found = sorted(p.stem.removeprefix("households_")
                           for p in ws.zone("indicators").glob("households_*.parquet"))
            if not found:
                raise AssessmentError("no household indicators in the workspace",
                                      where=str(ws.zone("indicators")),
                                      fix="run `jingzhun run --workspace W` first")
            period = found[-1]
        with ws.lock(), progress_bar("考核 evaluate", not json_) as progress:
            summary = evaluate_workspace(ws, period, weights=weights, excel=excel, pdf=pdf,
                                         progress=progress)
    if json_:
        emit_json(summary)
        return
    out_console.rule(f"[bold]全景考核 panoramic assessment {summary['period']}")
    for level, lv in summary["levels"].items():
        out_console.print(f"{level}: {lv['areas']} areas; exit {lv['exit']}; "
                          f"low confidence {lv['low_confidence']}")
        for t in lv["top"][:3]:
            out_console.print(f"   #{t['rank']} {t['name']} {t['area_code']}: {t['composite']}")
    tv = summary["targets_vs_panorama"]
    out_console.print(f"自报对比 reported vs computed: {tv['compared_areas']} areas, "
                      f"{tv['too_good_figures']} figures too good; flagged: "
                      + (", ".join(f"{f['name']} {f['area_code']}" for f in tv["over_reporting"])
                         or "none"))
    miss = [k for k, v in summary["indicators"].items() if not v["available"]]
    out_console.print(f"无数据指标 unavailable: {', '.join(miss) or 'none'}")
    for f in summary["files"]:
        out_console.print(f"  {f}")
