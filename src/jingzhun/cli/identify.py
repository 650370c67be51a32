"""``jingzhun identify``: evaluate a policy pack on a household indicator table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from jingzhun.cli.common import emit_json, out_console, reported_errors


def register(app: typer.Typer) -> None:
    app.command()(identify)
    app.command()(simulate)


def simulate(
    workspace: Path = typer.Option(..., "--workspace", help="a workspace whose registry is built"),
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    set_: list[str] = typer.Option(..., "--set", help="PARAMETER=VALUE (repeatable), e.g. poverty_line_fen=400000"),
    pack: str = typer.Option("", "--pack", help="cn-2014, cn-2021 or a folder (default: the pack in force that has the parameter)"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """What-if: change parameters without copying the pack; who enters and leaves, by county, and the cost."""
    from jingzhun.errors import ConfigError
    from jingzhun.indicators.build import check_period
    from jingzhun.policy.evaluate import period_date
    from jingzhun.policy.pack import load_pack, shipped_packs
    from jingzhun.policy.simulate import parse_settings
    from jingzhun.policy.simulate import simulate as run_simulation
    from jingzhun.policy.workspace import ensure_indicators
    from jingzhun.workspace import Workspace

    with reported_errors():
        check_period(period)
        changes = parse_settings(set_)
        if pack:
            chosen = load_pack(pack)
        else:
            when = period_date(period)
            fits = [load_pack(n) for n in shipped_packs()]
            fits = [p for p in fits if p.rules_on(when)
                    and all(c in p.parameters.parameters for c in changes)]
            if not fits:
                raise ConfigError(f"no pack in force in {period} has {', '.join(changes)}",
                                  where="--set", fix="name the pack with --pack")
            chosen = fits[0]
        ws = Workspace(workspace, create=False)
        try:
            import pyarrow.parquet as pq

            with ws.lock():
                path = ensure_indicators(ws, period)
            summary = run_simulation(chosen, changes, ws.engine.read_parquet(path),
                                     pq.read_table(path), period, ws.engine)
        finally:
            ws.engine.close()
    if json_:
        emit_json(summary)
    else:
        out_console.print_json(data=summary)


def identify(
    period: str = typer.Option(..., "--period", help="YYYY-MM"),
    workspace: Path | None = typer.Option(None, "--workspace", help="a workspace whose registry is built: indicators, decisions of every pack in force, roll cross-check"),
    households: Path | None = typer.Option(None, "--households", help="or: any household indicator table (CSV, XLSX, Parquet)"),
    pack: str | None = typer.Option(None, "--pack", help="with --households: cn-2014, cn-2021 or a pack folder"),
    out: Path | None = typer.Option(None, "--out", help="with --households: decisions with reasons (.csv or .parquet)"),
    refresh: bool = typer.Option(False, "--refresh", help="with --workspace: recompute the indicators"),
    json_: bool = typer.Option(False, "--json"),
) -> None:
    """Status and reasons per household: of a workspace (--workspace) or of any table in the
    indicator schema (--households, docs/policy.md)."""
    from jingzhun.errors import ConfigError

    with reported_errors():
        if (workspace is None) == (households is None):
            raise ConfigError("give either --workspace or --households", where="jingzhun identify",
                              fix="--workspace W --period P, or --households FILE --pack P --period P --out OUT")
        if workspace is not None:
            summary = _identify_workspace(workspace, period, refresh)
        else:
            if pack is None or out is None:
                raise ConfigError("--households needs --pack and --out", where="jingzhun identify",
                                  fix="add --pack cn-2014 --out decisions.parquet")
            summary = _identify_table(households, pack, period, out)
    if json_:
        emit_json(summary)
    else:
        out_console.print_json(data=summary)


def _identify_workspace(workspace: Path, period: str, refresh: bool) -> dict:
    from jingzhun.indicators.build import check_period
    from jingzhun.policy.workspace import identify_workspace
    from jingzhun.workspace import Workspace

    check_period(period)
    ws = Workspace(workspace, create=False)
    try:
        with ws.lock():
            summary = identify_workspace(ws, period, refresh=refresh)
    finally:
        ws.engine.close()
    summary["outputs"] = {"indicators": f"indicators/households_{period}.parquet",
                          "decisions": [f"decisions/{p}_{period}.parquet" for p in summary["packs"]],
                          "cross_check": (f"decisions/crosscheck_{period}.parquet"
                                          if summary["cross_check"] is not None else None)}
    return summary


def _identify_table(households: Path, pack: str, period: str, out: Path) -> dict:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from jingzhun.cli.common import read_table
    from jingzhun.engine import connect
    from jingzhun.engine.base import write_parquet_atomic
    from jingzhun.policy.evaluate import evaluate
    from jingzhun.policy.pack import load_pack
    from jingzhun.settings import Settings

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
    return {"pack": p.name, "period": period, "households": decisions.num_rows,
            "statuses": dict(sorted(counts.items())), "rules_fired": dict(sorted(rules.items())),
            "out": str(out)}
