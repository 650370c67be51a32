"""DuckDB backend: the embedded default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis

from jingzhun.engine.base import Engine

#: Memory limit of a connection when none is given: DuckDB's own default is 80 % of RAM,
#: which lets one stage take a shared machine; beyond the limit DuckDB spills to disk.
DEFAULT_MEMORY_LIMIT = "8GB"


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(
        self, database: Path | None = None, *, threads: int | None = None,
        memory_limit: str | None = None, temp_directory: Path | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.threads = threads
        self.memory_limit = memory_limit or DEFAULT_MEMORY_LIMIT
        self.temp_directory = temp_directory

    def duckdb_config(self) -> dict[str, Any]:
        """Connection settings shared by every DuckDB connection working for this engine
        (the Ibis one and Splink's): threads, memory limit, spill folder."""
        config: dict[str, Any] = {"memory_limit": self.memory_limit}
        if self.threads:
            config["threads"] = self.threads
        if self.temp_directory is not None:
            Path(self.temp_directory).mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = str(self.temp_directory)
        return config

    def _connect(self) -> Any:
        config = self.duckdb_config()
        db = str(self.database) if self.database else ":memory:"
        return ibis.duckdb.connect(db, **config)

    def _register_view(self, name: str, parquet_paths: list[Path]) -> None:
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parquet_paths)
        self.con.raw_sql(
            f'CREATE OR REPLACE VIEW "{name}" AS '
            f"SELECT * FROM read_parquet([{files}], union_by_name = true)"
        )

    def _write_file(self, table: ibis.Table, path: Path) -> None:
        """Written by DuckDB itself: no rows pass through Python."""
        self.con.to_parquet(table, path, compression="zstd")

    @contextmanager
    def large_sorts(self) -> Iterator[None]:
        """Without insertion order DuckDB may stream, sort and spill large ordered copies
        within its memory limit (it ran out at scale 0.1 with it); every ordered output
        has its ORDER BY."""
        self.con.raw_sql("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            self.con.raw_sql("SET preserve_insertion_order = true")
