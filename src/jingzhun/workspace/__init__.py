"""A workspace folder: a DuckDB database, Parquet data zones and the run state.

Layout::

    W/
      jingzhun.duckdb          views over the zones (open it with any DuckDB client)
      settings.yaml            optional settings (see jingzhun.settings)
      raw/<department>/...     landed copies of the source files, byte for byte
      validated/<department>/  accepted rows, one Parquet file per source file
      quarantine/<department>/ rejected rows with reasons, one Parquet file per source file
      registry/ indicators/ decisions/ outputs/ reports/
      _state/manifest.json     every landed file: hash, department, period, ingestion summary
      _state/stages.json       completed stages with their input fingerprints

Data flows one way through the zones; each stage reads earlier zones and writes its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jingzhun.engine import Engine, connect
from jingzhun.errors import WorkspaceError
from jingzhun.settings import Settings

ZONES = (
    "raw", "validated", "quarantine", "registry", "indicators", "decisions", "outputs", "reports",
)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON (sorted keys, UTF-8) so that readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_json(path: Path, default: Any = None) -> Any:
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise WorkspaceError(
            f"state file is not valid JSON: {exc}", where=str(path),
            fix="restore it from backup or delete it to rebuild that state",
        ) from exc


class Workspace:
    """Paths, settings, engine and state of one workspace folder."""

    def __init__(self, root: Path | str, *, create: bool = True, settings: Settings | None = None):
        self.root = Path(root).resolve()
        if not self.root.exists():
            if not create:
                raise WorkspaceError(
                    "workspace folder does not exist", where=str(self.root),
                    fix="run 'jingzhun ingest --source DIR --workspace W' first",
                )
            self.root.mkdir(parents=True)
        for zone in ZONES:
            (self.root / zone).mkdir(exist_ok=True)
        self.state_dir.mkdir(exist_ok=True)
        self.settings = settings or Settings.load(self.root)
        self._engine: Engine | None = None

    @property
    def state_dir(self) -> Path:
        return self.root / "_state"

    @property
    def database(self) -> Path:
        return self.root / "jingzhun.duckdb"

    def zone(self, name: str) -> Path:
        if name not in ZONES:
            raise WorkspaceError(f"unknown zone {name!r}", fix=f"use one of {', '.join(ZONES)}")
        return self.root / name

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect(self.settings, self.database)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    # --- state ---------------------------------------------------------------------------
    def read_state(self, name: str, default: Any = None) -> Any:
        return read_json(self.state_dir / f"{name}.json", default)

    def write_state(self, name: str, data: Any) -> None:
        write_json_atomic(self.state_dir / f"{name}.json", data)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock: one writer per workspace. Released by the OS if the process dies."""
        path = self.state_dir / "lock"
        with open(path, "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WorkspaceError(
                    "workspace is in use by another jingzhun process", where=str(self.root),
                    fix="wait for it to finish, or stop it",
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def cleanup_temporaries(self) -> int:
        """Remove temporary files a killed process left behind (never visible as tables)."""
        removed = 0
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed
