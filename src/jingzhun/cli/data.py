"""Data commands: synth, ingest, run, quality."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from jingzhun.cli.common import (
    JsonOpt, emit_json, err_console, out_console, progress_bar, reported_errors,
)


def register(app: typer.Typer) -> None:
    app.command()(synth)
    app.command()(ingest)
    app.command()(run)
    app.command()(quality)


def synth(
    out: Path = typer.Option(..., "--out", help="output folder (departments/ and truth/)"),
    scale: float = typer.Option(0.001, help="1.0 = Guizhou's 38.56 million residents"),
    months: int = typer.Option(24, help="months of events to simulate"),
    seed: int = typer.Option(1, help="random seed: the same seed gives byte-identical files"),
    start: str = typer.Option("2019-01", help="first month (YYYY-MM)"),
    json_: bool = JsonOpt,
) -> None:
    """Generate a synthetic Guizhou: department extracts plus ground truth kept apart."""
    from jingzhun.synth import SynthConfig, generate

    with reported_errors(), progress_bar("合成 synth", not json_) as progress:
        summary = generate(
            SynthConfig(scale=scale, months=months, seed=seed, start=start), out=out,
            progress=progress,
        )
    if json_:
        emit_json(summary)
    else:
        out_console.print(f"[green]synthetic province written to[/] {out}")
        out_console.print_json(data={k: v for k, v in summary.items() if k != "files"})


def latest_period(manifest: dict[str, Any]) -> str | None:
    periods = [e.get("period") for e in manifest["files"].values() if e.get("period")]
    return max(periods) if periods else None


def ingest_source(source: Path, workspace: Path, progress: Any = None) -> dict[str, Any]:
    """Land ``source`` into ``workspace`` and validate; returns the per-file summary list."""
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.workspace import Workspace
    from jingzhun.workspace.landing import land

    ws = Workspace(workspace)
    try:
        with ws.lock():
            landed = land(ws, source)
        run_pipeline(ws, STAGES, only=["validate"], progress=progress)
        manifest = ws.read_state("manifest", {"files": {}})
    finally:
        ws.close()
    files = []
    for item in landed:
        entry = manifest["files"][item["file"]]
        row: dict[str, Any] = {"file": item["file"], "status": item["status"]}
        if entry.get("status") == "validated":
            row.update(entry["summary"])
            row["file"] = item["file"]
        else:
            row.update(department=entry.get("department"), error=entry.get("error"))
        files.append(row)
    return {"files": files}


def _files_table(files: list[dict[str, Any]]) -> Table:
    table = Table(title="接收与校验 ingestion", show_lines=False)
    for col in ("文件 file", "部门 dept", "读入 in", "接收 accepted", "隔离 quarantined", "主要原因 top reasons"):
        table.add_column(col)
    for f in files:
        if "error" in f:
            table.add_row(f["file"], str(f.get("department") or "?"), "-", "-", "-", f"[red]{f['error']}")
            continue
        top = sorted(f.get("reasons", {}).items(), key=lambda kv: -kv[1])[:3]
        table.add_row(
            f["file"], f["department"], str(f["rows_in"]), str(f["accepted"]), str(f["quarantined"]),
            ", ".join(f"{k}={v}" for k, v in top),
        )
    return table


def ingest(
    source: Path = typer.Option(..., "--source", help="folder with one sub-folder per department"),
    workspace: Path = typer.Option(..., "--workspace", help="workspace folder (created if missing)"),
    json_: bool = JsonOpt,
) -> None:
    """Land department extracts, validate them against their contracts, quarantine bad rows."""
    with reported_errors(), progress_bar("接收 ingest", not json_) as progress:
        result = ingest_source(source, workspace, progress)
    if json_:
        emit_json(result)
        return
    out_console.print(_files_table(result["files"]))
    tot_in = sum(f.get("rows_in", 0) for f in result["files"] if "error" not in f)
    tot_acc = sum(f.get("accepted", 0) for f in result["files"] if "error" not in f)
    tot_q = sum(f.get("quarantined", 0) for f in result["files"] if "error" not in f)
    out_console.print(
        f"rows in {tot_in} = accepted {tot_acc} + quarantined {tot_q}"
        f" ({'reconciled 对账一致' if tot_in == tot_acc + tot_q else 'NOT RECONCILED'})"
    )


def choose_engine(engine: str | None, spark_master: str | None = None) -> None:
    """Make ``engine`` (and the Spark master) the choice of every workspace this process
    opens: the environment layer of :class:`jingzhun.settings.Settings`."""
    import os

    if engine is not None:
        if engine not in ("duckdb", "spark"):
            raise typer.BadParameter(f"unknown engine {engine!r}: choose duckdb or spark",
                                     param_hint="--engine")
        os.environ["JINGZHUN_ENGINE"] = engine
    if spark_master is not None:
        os.environ["JINGZHUN_SPARK_MASTER"] = spark_master


def run_workspace(
    workspace: Path, period: str | None = None, stages: list[str] | None = None,
    force: bool = False, progress: Any = None,
) -> dict[str, Any]:
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.workspace import Workspace

    ws = Workspace(workspace, create=False)
    try:
        period = period or latest_period(ws.read_state("manifest", {"files": {}}))
        return run_pipeline(ws, STAGES, period=period, only=stages, force=force, progress=progress)
    finally:
        ws.close()


def run(
    workspace: Path = typer.Option(..., "--workspace"),
    period: str | None = typer.Option(None, help="YYYY-MM; default: the latest month in the data"),
    stage: list[str] = typer.Option(None, "--stage", help="run only these stages"),
    force: bool = typer.Option(False, help="re-run stages even if their inputs are unchanged"),
    engine: str | None = typer.Option(None, "--engine", help="duckdb or spark (default: the workspace settings)"),
    spark_master: str | None = typer.Option(None, "--spark-master", help="Spark master URL (default local[*])"),
    json_: bool = JsonOpt,
) -> None:
    """Run every pipeline stage in order (resumes after a crash)."""
    choose_engine(engine, spark_master)
    with reported_errors(), progress_bar("运行 run", not json_) as progress:
        result = run_workspace(workspace, period, stage or None, force, progress)
    if json_:
        emit_json(result)
    else:
        out_console.print_json(data=result)


def quality(
    workspace: Path = typer.Option(..., "--workspace"),
    json_: bool = JsonOpt,
) -> None:
    """Data-quality report per department: completeness, validity, uniqueness, timeliness."""
    from jingzhun.workspace import Workspace, read_json

    with reported_errors():
        run_workspace(workspace, stages=["quality"])
        report = read_json(Workspace(workspace, create=False).zone("reports") / "quality" / "quality.json", {})
    if json_:
        emit_json(report)
        return
    from jingzhun.quality import render_text

    out_console.print(render_text(report))
    if report.get("unreadable_files"):
        err_console.print(f"[red]unreadable files: {report['unreadable_files']}")
