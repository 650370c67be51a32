"""DuckDB backend: the embedded default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis

from jingzhun.engine.base import Engine


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(
        self, database: Path | None = None, *, threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.threads = threads
        self.memory_limit = memory_limit

    def _connect(self) -> Any:
        config: dict[str, Any] = {}
        if self.threads:
            config["threads"] = self.threads
        if self.memory_limit:
            config["memory_limit"] = self.memory_limit
        db = str(self.database) if self.database else ":memory:"
        return ibis.duckdb.connect(db, **config)

    def _register_view(self, name: str, parquet_paths: list[Path]) -> None:
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parquet_paths)
        self.con.raw_sql(
            f'CREATE OR REPLACE VIEW "{name}" AS '
            f"SELECT * FROM read_parquet([{files}], union_by_name = true)"
        )
