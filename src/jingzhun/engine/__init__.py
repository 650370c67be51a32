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

__all__ = ["Engine", "connect"]


def connect(settings: Settings, database: Path | None = None) -> Engine:
    """Open the engine the settings name (``duckdb`` by default)."""
    if settings.engine == "duckdb":
        from jingzhun.engine.duckdb import DuckDBEngine

        return DuckDBEngine(database, threads=settings.threads, memory_limit=settings.memory_limit)
    raise ConfigError(
        f"engine {settings.engine!r} is not available in this version",
        where="settings.engine",
        fix="use engine: duckdb (Spark arrives with the scale-out issue)",
    )
