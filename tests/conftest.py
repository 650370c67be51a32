"""Shared fixtures. Engine-dependent tests take the ``engine`` fixture, which is parametrised
over every available backend (DuckDB now; Spark joins with the scale-out issue)."""

from __future__ import annotations

import pytest

from jingzhun.engine import connect
from jingzhun.settings import Settings
from synthetic_province import identified, ingested, province  # noqa: F401 - one build per session

BACKENDS = ["duckdb"]


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    eng = connect(Settings(engine=request.param), tmp_path / "db.duckdb")
    yield eng
    eng.close()
