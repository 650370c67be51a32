"""The ``jingzhun`` command (Typer). Every command takes ``--json`` for a machine-readable summary."""

from __future__ import annotations

import typer

from jingzhun import __version__
from jingzhun.cli import analysis, assistance, bench, data, demo, identify, linkage, monitoring, mpi, pmt

app = typer.Typer(
    name="jingzhun",
    help="精准 Jingzhun — find, help and follow every household at risk of poverty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data.register(app)
demo.register(app)
mpi.register(app)
identify.register(app)
linkage.register(app)
pmt.register(app)
analysis.register(app)
assistance.register(app)
monitoring.register(app)
__import__("jingzhun.cli.assessment", fromlist=["register"]).register(app)  # jingzhun evaluate
__import__("jingzhun.cli.web", fromlist=["register"]).register(app)  # jingzhun serve, jingzhun audit
__import__("jingzhun.cli.sharing", fromlist=["register"]).register(app)  # catalogue, publish, share
app.add_typer(bench.app, name="bench", help="benchmarks that print JSON")


@app.callback()
def engine_options(
    engine: str | None = typer.Option(
        None, "--engine", help="table engine for this command: duckdb (embedded) or spark "
        "(overrides the workspace's settings.yaml and JINGZHUN_ENGINE)"),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master URL with --engine spark (default local[*]; "
        "spark://host:7077, yarn, k8s://…)"),
) -> None:
    """Options before the command apply to every workspace it opens (through the settings'
    environment layer)."""
    data.choose_engine(engine, spark_master)


@app.command()
def version(json_: bool = typer.Option(False, "--json")) -> None:
    """Print the version."""
    if json_:
        from jingzhun.cli.common import emit_json

        emit_json({"version": __version__})
    else:
        typer.echo(__version__)


def main() -> None:
    app()
