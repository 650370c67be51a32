"""Abstract engine: a handful of primitives; everything else is shared, final code.

Modelled on Splink's ``DatabaseAPI``: a backend implements connecting, reading Parquet and
registering views; table expressions are Ibis expressions, so the SQL dialect lives in Ibis.
"""

from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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

    def parquet_relation(self, path: Path) -> str:
        """A Parquet file as a relation in house-dialect SQL (DuckDB's, which the other
        backends translate): ``read_parquet('…')``."""
        return "read_parquet('" + str(path).replace("'", "''") + "')"

    def copy_parquet(self, table: ibis.Table, path: Path) -> None:
        """Write ``table`` to one Parquet file at ``path`` atomically, streaming record batches
        (a backend that can write files itself overrides :meth:`_write_file`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            self._write_file(table, tmp)
            os.replace(tmp, path)
        except Exception as exc:
            raise EngineError(f"cannot write {path.name}: {exc}", where=str(path)) from exc
        finally:
            tmp.unlink(missing_ok=True)

    def _write_file(self, table: ibis.Table, path: Path) -> None:
        reader = self.con.to_pyarrow_batches(table)
        with pq.ParquetWriter(path, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)

    @contextmanager
    def large_sorts(self) -> Iterator[None]:
        """Tune the connection for big ordered copies inside the block (a no-op unless the
        backend needs it)."""
        yield

    def map_groups(
        self, table: TableLike, by: str, fn: Callable[[Any], Any], schema: pa.Schema,
    ) -> pa.Table:
        """Python work per group (an optimisation per county, model scoring): ``fn`` gets one
        group's rows as a pandas frame and returns a frame of ``schema``. Groups in key order;
        rows as ``fn`` returns them. Here (DuckDB): the table fetched as Arrow and grouped in
        this process; Spark overrides it with ``applyInPandas`` on its executors."""
        import pandas as pd

        data = self.to_arrow(table)
        if data.num_rows == 0:
            return schema.empty_table()
        frame = data.to_pandas()
        parts = [fn(group.reset_index(drop=True))
                 for _, group in frame.groupby(by, sort=True, dropna=False)]
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=schema.names)
        return pa.Table.from_pandas(out[schema.names], schema=schema, preserve_index=False)

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


@contextmanager
def parquet_sink(path: Path) -> Iterator[Callable[[pa.Table], None]]:
    """Write a Parquet file a table at a time (all with the schema of the first); it appears
    under ``path`` only when the block ends without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    writer: pq.ParquetWriter | None = None

    def write(table: pa.Table) -> None:
        nonlocal writer
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table)

    try:
        yield write
        if writer is None:
            raise EngineError("nothing was written", where=str(path),
                              fix="this is a bug in Jingzhun: write at least one table")
        writer.close()
        writer = None
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.close()
        if tmp.exists():
            tmp.unlink()


def write_parquet_atomic(data: pa.Table, path: Path) -> None:
    """Write Parquet so that a crash never leaves a half-written file under ``path``."""
    with parquet_sink(path) as write:
        write(data)