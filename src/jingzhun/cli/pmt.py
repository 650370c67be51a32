"""``jingzhun pmt``: calibrate and compare proxy-means tests on any survey table."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, progress_bar, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(pmt)


def pmt(
    data: Path = typer.Option(..., "--data", help="CSV, XLSX or Parquet survey, one row per household"),
    welfare: str = typer.Option(..., "--welfare", help="welfare column (e.g. log per-capita spending)"),
    proxies: str = typer.Option(..., "--proxies", help="comma-separated proxy columns"),
    groups: str | None = typer.Option(None, "--groups", help="area column for group effects"),
    coverage: float = typer.Option(0.2, "--coverage", help="share of households to select"),
    folds: int = typer.Option(5), repeats: int = typer.Option(2), seed: int = typer.Option(0),
    models: str = typer.Option(",".join(("ols", "gbm", "quantile", "ensemble", "hybrid"))),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """OLS, boosting, quantile and hybrid PMTs: exclusion/inclusion errors, nested-CV best."""
    from jingzhun.cli.common import read_table
    from jingzhun.targeting.pmt import PMTConfig, calibrate

    cfg = PMTConfig(
        welfare=welfare, proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
        groups=groups, coverage=coverage, folds=folds, repeats=repeats, seed=seed,
        models=tuple(m.strip() for m in models.split(",") if m.strip()),
    )
    with reported_errors(), progress_bar("PMT", not json_) as progress:
        result = calibrate(read_table(data), cfg, progress)
    if json_:
        emit_json(result)
        return
    for name, m in result["models"].items():
        out_console.print(f"{name:9s} exclusion {m['exclusion_error']:.3f}  inclusion {m['inclusion_error']:.3f}")
    b = result["best"]
    out_console.print(f"best (nested CV): {b['name']} — held-out exclusion {b['exclusion_error']:.3f}")
