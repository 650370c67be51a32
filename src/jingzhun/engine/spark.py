"""Apache Spark backend: the scale-out engine (``engine: spark``; ``local[*]`` or a cluster).

One Spark session per process (starting one takes seconds), created with the settings of
shared/docs/engine-notes.md: Arrow on (nulls survive the pandas/Arrow round trip), the
workers' Python set to ours, ANSI SQL on and explicit, UTC session time zone, no web UI (no
port opened on an intranet server), Splink's similarity UDF jar on the class path (it ships
inside the splink wheel, nothing is downloaded).

SQL written in the house dialect (DuckDB's; e.g. ``read_parquet('…')``, ``list_sort``) is
translated by sqlglot, through Ibis (:meth:`SparkEngine.sql`) or :func:`transpile`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from jingzhun.engine.base import Engine
from jingzhun.errors import EngineError

_LOCK = threading.Lock()
_SESSION: Any = None
_SESSION_KEY: tuple[Any, ...] | None = None

#: Shuffle partitions for a local master: Spark's default of 200 makes every small group-by
#: launch 200 tasks on two cores.
LOCAL_SHUFFLE_PARTITIONS = 8


def session_config(master: str, *, memory: str | None = None,
                   temp_directory: Path | None = None) -> dict[str, str]:
    """The Spark configuration Jingzhun sets (a cluster's own defaults fill the rest).

    >>> c = session_config("local[2]")
    >>> c["spark.sql.execution.arrow.pyspark.enabled"], c["spark.sql.ansi.enabled"]
    ('true', 'true')
    """
    from splink.backends.spark import similarity_jar_location

    conf = {
        "spark.app.name": "jingzhun",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
        "spark.sql.ansi.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.legacy.timeParserPolicy": "CORRECTED",
        "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.caseSensitive": "false",
        # a run killed mid-way leaves a table's folder behind in the warehouse: overwrite it
        "spark.sql.legacy.allowNonEmptyLocationInCTAS": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.jars": similarity_jar_location(),
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }
    if master.startswith("local"):
        conf["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS)
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        if memory:
            conf["spark.driver.memory"] = memory
    scratch = Path(temp_directory) if temp_directory is not None else process_scratch()
    conf["spark.local.dir"] = str(scratch)
    conf["spark.sql.warehouse.dir"] = str(scratch / "spark-warehouse")
    return conf


def process_scratch() -> Path:
    """Spark's scratch folder when settings name none: one per process, in the system's
    temporary folder."""
    return Path(tempfile.gettempdir()) / f"jingzhun-spark-{os.getpid()}"


def spark_session(master: str = "local[*]", **kwargs: Any) -> Any:
    """The process's Spark session; created on first use with :func:`session_config`."""
    global _SESSION, _SESSION_KEY
    key = (master, tuple(sorted(kwargs.items())))
    with _LOCK:
        if _SESSION is not None and _SESSION_KEY == key:
            return _SESSION
        if _SESSION is not None:  # settings changed: a JVM holds one active session
            _SESSION.stop()
            _SESSION = None
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        try:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.master(master)
            for k, v in session_config(master, **kwargs).items():
                builder = builder.config(k, v)
            _SESSION = builder.getOrCreate()
            _SESSION.sparkContext.setLogLevel("ERROR")
            spill = kwargs.get("temp_directory")
            scratch = Path(spill) if spill else process_scratch()
            _SESSION.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
            if not spill:  # our own temporary folder goes with the process
                atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        except Exception as exc:
            raise EngineError(
                f"cannot start Spark ({master}): {exc}", where="settings.spark_master",
                fix="install Java 17+ (JAVA_HOME) and check the master URL; "
                    "'local[*]' runs on this machine",
            ) from exc
        _SESSION_KEY = key
        return _SESSION


def transpile(sql: str, dialect: str = "duckdb") -> str:
    """House-dialect SQL → Spark SQL (sqlglot)."""
    import sqlglot

    return ";\n".join(sqlglot.transpile(sql, read=dialect, write="spark"))


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, master: str = "local[*]", *, threads: int | None = None,
                 memory_limit: str | None = None, temp_directory: Path | None = None) -> None:
        super().__init__()
        if threads and master == "local[*]":
            master = f"local[{threads}]"
        self.master = master
        self.memory_limit = memory_limit
        self.temp_directory = temp_directory

    @property
    def session(self) -> Any:
        return spark_session(self.master, memory=_jvm_memory(self.memory_limit),
                             temp_directory=self.temp_directory)

    def _connect(self) -> Any:
        return ibis.pyspark.connect(self.session)

    def _dataframe(self, parquet_paths: list[Path]) -> Any:
        # mergeSchema: files of one department written months apart may differ in columns
        # (DuckDB's union_by_name)
        return self.session.read.option("mergeSchema", "true").parquet(
            *[str(p) for p in parquet_paths])

    def _register_view(self, name: str, parquet_paths: list[Path]) -> None:
        self._dataframe(parquet_paths).createOrReplaceTempView(name)

    def read_parquet(self, paths: Path | list[Path]) -> ibis.Table:
        plist = [paths] if isinstance(paths, Path) else list(paths)
        name = f"__jzv_{uuid.uuid4().hex[:12]}"  # not "__jz_": linkage drops those
        try:
            self._register_view(name, plist)
            return self.con.table(name)
        except Exception as exc:
            raise EngineError(
                f"cannot read Parquet: {exc}", where=", ".join(map(str, plist[:3])),
                fix="check the file exists and was written completely (re-run the stage)",
            ) from exc

    def sql(self, query: str) -> ibis.Table:
        try:
            return self.con.sql(query, dialect="duckdb")
        except Exception as exc:
            raise EngineError(f"query failed: {exc}", where=query[:500]) from exc

    def to_arrow(self, table: ibis.Table | pa.Table) -> pa.Table:
        if isinstance(table, pa.Table):
            return table
        try:
            return self.con.to_pyarrow(table)
        except Exception as exc:
            raise EngineError(f"query failed: {exc}", where=str(ibis.to_sql(table, dialect="pyspark"))[:500]) from exc

    def spark_frame(self, table: ibis.Table | pa.Table) -> Any:
        """A Spark DataFrame of an Ibis expression (or an Arrow table)."""
        if isinstance(table, pa.Table):
            return self.session.createDataFrame(table.to_pandas())
        self.con._run_pre_execute_hooks(table)  # noqa: SLF001 - registers the memtables it uses
        return self.session.sql(str(self.con.compile(table)))

    def _write_file(self, table: ibis.Table, path: Path) -> None:
        """Written by one Spark task (``coalesce(1)`` keeps a sorted table's order), not
        through the driver; the folder must be visible to the executors (docs/engines.md)."""
        if not write_single_parquet(self.spark_frame(table), path):
            super()._write_file(table, path)  # no part file (an empty table): via Arrow

    def map_groups(self, table: ibis.Table | pa.Table, by: str, fn: Callable[[Any], Any],
                   schema: pa.Schema) -> pa.Table:
        """``applyInPandas`` per group on the executors; the result in key order, rows of a
        group as ``fn`` returned them (as on DuckDB)."""
        import pandas as pd
        from pyspark.sql.pandas.types import from_arrow_schema

        seq = "__jz_seq"

        def run(group: pd.DataFrame) -> pd.DataFrame:
            out = fn(group.reset_index(drop=True))[schema.names].reset_index(drop=True)
            return out.assign(**{seq: range(len(out))})

        spark_schema = from_arrow_schema(schema.append(pa.field(seq, pa.int64())))
        try:
            result = self.spark_frame(table).groupBy(by).applyInPandas(run, schema=spark_schema)
            data = result.orderBy(by, seq).drop(seq).toArrow()
        except Exception as exc:
            raise EngineError(f"per-group work failed: {exc}", where=f"map_groups by {by}") from exc
        return data.cast(schema)

    def close(self) -> None:
        # the session is shared by the process (and Splink); only the Ibis handle goes
        self._con = None


def write_single_parquet(frame: Any, path: Path) -> bool:
    """A Spark DataFrame written by one task (``coalesce(1)`` keeps a sorted frame's order)
    to the single Parquet file ``path`` (not atomic: the caller writes to a temporary name).
    False when Spark wrote no part file (an empty frame)."""
    folder = path.with_name(path.name + ".parts")
    shutil.rmtree(folder, ignore_errors=True)
    try:
        frame.coalesce(1).write.mode("overwrite").option("compression", "zstd").parquet(str(folder))
        parts = sorted(folder.glob("part-*.parquet"))
        if len(parts) != 1:
            return False
        os.replace(parts[0], path)
        return True
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _jvm_memory(limit: str | None) -> str | None:
    """'16GB' → '16g' (the JVM's spelling)."""
    if not limit:
        return None
    s = limit.strip().lower().replace(" ", "")
    for suffix, unit in (("gib", "g"), ("gb", "g"), ("mib", "m"), ("mb", "m"), ("g", "g"), ("m", "m")):
        if s.endswith(suffix):
            return s[: -len(suffix)] + unit
    return s
