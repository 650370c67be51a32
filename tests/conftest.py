"""Shared fixtures. Engine-dependent tests take the ``engine`` fixture, which is parametrised
over every backend: DuckDB and Spark (local[1], one session per test process)."""

from __future__ import annotations

import pytest

from jingzhun.engine import connect
from jingzhun.settings import Settings
from synthetic_province import identified, ingested, province  # noqa: F401 - one build per session

BACKENDS = ["duckdb", "spark"]


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    threads = 1 if request.param == "spark" else None
    eng = connect(Settings(engine=request.param, threads=threads), tmp_path / "db.duckdb")
    yield eng
    eng.close()
