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
    # Spark: one small local session per test process (the same settings as the
    # engine-comparison test, so the session is shared)
    extra = {"threads": 2, "memory_limit": "2GB"} if request.param == "spark" else {}
    eng = connect(Settings(engine=request.param, **extra), tmp_path / "db.duckdb")
    yield eng
    eng.close()
