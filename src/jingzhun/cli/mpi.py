"""``jingzhun mpi``: the Alkire–Foster multidimensional poverty index on any table."""

from __future__ import annotations

from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, read_table, reported_errors
from jingzhun.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command()(mpi)


def mpi(
    data: Path = typer.Option(..., "--data", help="CSV, XLSX or Parquet, one row per unit"),
    indicator: list[str] = typer.Option(
        None, "--indicator", help="COLUMN:CUTOFF:WEIGHT (deprived when value < cutoff); repeat"
    ),
    spec: str | None = typer.Option(
        None, "--spec", help="YAML specification, or a shipped one: global-mpi, cn-two-assurances"
    ),
    k: float | None = typer.Option(
        None, "--k", help="poverty cutoff as a share of the total weight (2 of 4 equal = 0.5)"
    ),
    by: str | None = typer.Option(None, "--by", help="decompose by this column (area or group)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """Alkire–Foster: H, A, M0 (M1, M2 for cardinal data), headcounts, contributions."""
    from jingzhun.mpi import Indicator, MPISpec, alkire_foster
    from jingzhun.mpi.spec import load_spec

    with reported_errors():
        if spec:
            parsed = load_spec(spec, k)
        else:
            if not indicator or k is None:
                raise ConfigError(
                    "give --indicator COLUMN:CUTOFF:WEIGHT (repeated) and --k, or --spec FILE",
                    where="jingzhun mpi",
                )
            parsed = MPISpec(indicators=tuple(Indicator.parse(i) for i in indicator), k=k)
        result = alkire_foster(read_table(data), parsed, by=by)
    if json_:
        emit_json(result)
        return
    out_console.print(
        f"H = {result['H']:.4f}  A = {result['A']:.4f}  M0 = {result['M0']:.4f}"
        f"  (n = {result['n']}, poor = {result['poor']}, k = {result['k']:.4f})"
    )
    out_console.print_json(data={"censored_headcount": result["censored_headcount"],
                                 "contribution": result["contribution"]})
