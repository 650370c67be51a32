"""Abstract engine: a handful of primitives; everything else is shared, final code.

Modelled on Splink's ``DatabaseAPI``: a backend implements connecting, reading Parquet and
registering views; table expressions are Ibis expressions, so the SQL dialect lives in Ibis.
"""

from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from jingzhun.errors import EngineError

TableLike = ibis.Table | pa.Table


class Engine(ABC):
    """A connection to a table engine with Parquet zones as storage."""

    name: str = "abstract"

    def __init__(self) -> None:
        self._con: Any = None

    # --- primitives a backend provides -------------------------------------------------
    @abstractmethod
    def _connect(self) -> Any:
        """Return an Ibis backend connection."""

    @abstractmethod
    def _register_view(self, name: str, parquet_paths: list[Path]) -> None:
        """Create or replace a named view over Parquet files."""

    # --- shared, final code --------------------------------------------------------------
    @property
    def con(self) -> Any:
        if self._con is None:
            self._con = self._connect()
        return self._con

    def read_parquet(self, paths: Path | list[Path]) -> ibis.Table:
        """An Ibis table over one or several Parquet files (unioned by column name)."""
        plist = [paths] if isinstance(paths, Path) else list(paths)
        try:
            return self.con.read_parquet([str(p) for p in plist])
        except Exception as exc:
            raise EngineError(
                f"cannot read Parquet: {exc}", where=", ".join(map(str, plist[:3])),
                fix="check the file exists and was written completely (re-run the stage)",
            ) from exc

    def register(self, name: str, parquet_paths: list[Path]) -> None:
        """Expose Parquet files under a stable view name (e.g. ``validated__hukou``)."""
        try:
            self._register_view(name, parquet_paths)
        except Exception as exc:
            raise EngineError(f"cannot register view: {exc}", where=name) from exc

    def table(self, name: str) -> ibis.Table:
        try:
            return self.con.table(name)
        except Exception as exc:
            raise EngineError(
                f"no table named {name!r}", where=name,
                fix="run the stage that produces it (jingzhun run)",
            ) from exc

    def sql(self, query: str) -> ibis.Table:
        try:
            return self.con.sql(query)
        except Exception as exc:
            raise EngineError(f"query failed: {exc}", where=query[:500]) from exc

    def to_arrow(self, table: TableLike) -> pa.Table:
        if isinstance(table, pa.Table):
            return table
        try:
            return self.con.to_pyarrow(table)
        except Exception as exc:
            raise EngineError(f"query failed: {exc}", where=str(ibis.to_sql(table))[:500]) from exc

    def write_parquet(self, table: TableLike, path: Path) -> int:
        """Write a table to ``path`` atomically (temporary file, then rename). Returns rows."""
        data = self.to_arrow(table)
        write_parquet_atomic(data, path)
        return data.num_rows

    def close(self) -> None:
        if self._con is not None:
            try:
                self._con.disconnect()
            finally:
                self._con = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_parquet_atomic(data: pa.Table, path: Path) -> None:
    """Write Parquet so that a crash never leaves a half-written file under ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(data, tmp, compression="zstd")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
