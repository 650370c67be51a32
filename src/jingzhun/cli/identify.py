"""``jingzhun identify``: evaluate a policy pack on a household indicator table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(identify)


def identify(
    households: Path = typer.Option(..., "--households", help="household indicator table (CSV, XLSX, Parquet)"),
    pack: str = typer.Option(..., "--pack", help="cn-2014, cn-2021 or a pack folder"),
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    out: Path = typer.Option(..., "--out", help="decisions with reasons (.csv or .parquet)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """Status and reasons for every household of a table in the indicator schema (docs/policy.md)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from jingzhun.cli.common import read_table
    from jingzhun.engine import connect
    from jingzhun.engine.base import write_parquet_atomic
    from jingzhun.policy.evaluate import evaluate
    from jingzhun.policy.pack import load_pack
    from jingzhun.settings import Settings

    with reported_errors():
        p = load_pack(pack)
        frame = read_table(households)
        engine = connect(Settings())
        try:
            table = engine.con.create_table("households", pa.Table.from_pandas(frame, preserve_index=False))
            decisions = evaluate(p, table, period, engine)
        finally:
            engine.close()
        if out.suffix.lower() == ".parquet":
            write_parquet_atomic(decisions, out)
        else:
            flat = decisions.set_column(
                decisions.schema.get_field_index("fired"), "fired",
                pa.array([";".join(x) for x in decisions["fired"].to_pylist()]),
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            pacsv.write_csv(flat, out)
    counts = Counter(decisions["status"].to_pylist())
    rules = Counter(r for fired in decisions["fired"].to_pylist() for r in fired)
    summary = {"pack": p.name, "period": period, "households": decisions.num_rows,
               "statuses": dict(sorted(counts.items())), "rules_fired": dict(sorted(rules.items())),
               "out": str(out)}
    if json_:
        emit_json(summary)
    else:
        out_console.print_json(data=summary)
