"""Shared CLI helpers: JSON output, Rich progress on stderr, error reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from jingzhun.errors import IngestError, JingzhunError

if TYPE_CHECKING:
    import pandas as pd

err_console = Console(stderr=True, soft_wrap=True)
# Piped output (logs, CI) gets a wide console so tables are not squeezed to 80 columns.
out_console = Console(width=None if sys.stdout.isatty() else 140)

JsonOpt = typer.Option(False, "--json", help="print a machine-readable JSON summary on stdout")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[Callable[[str, float], None]]:
    """Yields ``update(label, fraction)``; draws a Rich bar on stderr when it is a terminal."""
    if not enabled or not err_console.is_terminal:
        yield lambda label, frac: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as prog:
        task = prog.add_task(description, total=1.0)

        def update(label: str, frac: float) -> None:
            prog.update(task, completed=max(0.0, min(1.0, frac)), description=f"{description}: {label}")

        yield update


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a JingzhunError into a clear message on stderr and exit code 2."""
    try:
        yield
    except JingzhunError as exc:
        err_console.print(f"[bold red]错误 error:[/] {exc.what}")
        if exc.where:
            err_console.print(f"  位置 where: {exc.where}")
        if exc.fix:
            err_console.print(f"  处理 how to fix: {exc.fix}")
        raise typer.Exit(2) from exc


def read_table(path: Path) -> pd.DataFrame:
    """Read CSV (UTF-8 or GB18030), XLSX or Parquet into a DataFrame (analyst tools)."""
    import pandas as pd

    if not path.exists():
        raise IngestError("data file does not exist", where=str(path), fix="check the path")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, engine="calamine")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("file is neither UTF-8 nor GB18030 text", where=str(path),
                      fix="save it as UTF-8 CSV, XLSX or Parquet")
