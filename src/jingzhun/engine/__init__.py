"""The one table-engine interface. Domain code asks for an :class:`Engine`; it never names one.

Backends load lazily (``connect``), so the Spark backend costs nothing until it is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jingzhun.engine.base import Engine
from jingzhun.errors import ConfigError

if TYPE_CHECKING:
    from jingzhun.settings import Settings

__all__ = ["Engine", "connect", "spill_directory"]


def spill_directory(settings: Settings, database: Path | None) -> Path | None:
    """Where the engine spills: ``settings.temp_directory``, else ``_spill`` beside the
    workspace database (so spilled data stays inside the workspace), else None (DuckDB's own
    default for an in-memory database)."""
    if settings.temp_directory:
        return Path(settings.temp_directory)
    if database is not None:
        return Path(database).parent / "_spill"
    return None


def connect(settings: Settings, database: Path | None = None) -> Engine:
    """Open the engine the settings name (``duckdb`` by default)."""
    if settings.engine == "duckdb":
        from jingzhun.engine.duckdb import DuckDBEngine

        return DuckDBEngine(
            database, threads=settings.threads,
            memory_limit=settings.memory_limit or settings.default_memory_limit,
            temp_directory=spill_directory(settings, database),
        )
    if settings.engine == "spark":
        from jingzhun.engine.spark import SparkEngine

        # Spark's scratch folders are per session, not per workspace: settings.temp_directory,
        # else one temporary folder per process (a process may open several workspaces)
        return SparkEngine(
            settings.spark_master, threads=settings.threads,
            memory_limit=settings.memory_limit or settings.default_memory_limit,
            temp_directory=Path(settings.temp_directory) if settings.temp_directory else None,
        )
    raise ConfigError(
        f"unknown engine {settings.engine!r}", where="settings.engine",
        fix="use engine: duckdb (embedded) or engine: spark (scale-out)",
    )
