"""Web fixtures: the integration workspace (scale 0.0005, 12 months, seed 7, every stage) plus
the latest month's warnings and allocation plans (``jingzhun allocate``), served by
``create_app`` on SQLite and on the real PostgreSQL (127.0.0.1:5432, db ``test``, or
``JINGZHUN_TEST_PG_URL``; a fresh schema, dropped after — a missing server fails).

One app per backend per session (``web_apps``): the API, matrix, audit, schemathesis and browser
tests share it, so the start-up (migrations, demo users, tables) is paid once per backend."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest


PG_URL = os.environ.get("JINGZHUN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "test-password-1"


@pytest.fixture(scope="session")
def web_ws(identified, tmp_path_factory) -> Path:  # noqa: F811
    """A copy of the identified workspace with the latest month's warnings and plans."""
    from jingzhun.monitoring.warnings_workspace import warnings_workspace
    from jingzhun.web.data import WorkspaceData
    from jingzhun.workspace import Workspace

    ws_path = tmp_path_factory.mktemp("web") / "w"
    shutil.copytree(identified, ws_path)
    period = WorkspaceData(ws_path).period
    ws = Workspace(ws_path, create=False)
    try:
        warnings_workspace(ws, period)
        allocate_plans(ws, period)
    finally:
        ws.engine.close()
    return ws_path


def allocate_plans(ws, period: str) -> None:
    """``jingzhun allocate`` for the period: 500,000 yuan per county with households."""
    import duckdb

    from jingzhun.assistance.workspace import allocate_workspace
    from jingzhun.web.data import WorkspaceData, _lit

    ind = WorkspaceData(ws.root).indicators[period]
    counties = [r[0] for r in duckdb.sql(f"SELECT DISTINCT county_code FROM read_parquet({_lit(ind)})").fetchall()]
    allocate_workspace(ws, period, {c: 50_000_000 for c in counties}, excel=False)


def _pg_schema() -> tuple[object, str]:
    import sqlalchemy

    schema = f"jz_web_{uuid.uuid4().hex[:10]}"
    try:
        eng = sqlalchemy.create_engine(PG_URL)
        with eng.begin() as c:
            c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # pragma: no cover - no server
        pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {exc}; start it or set JINGZHUN_TEST_PG_URL")
    return eng, schema


def make_app(ws: Path, backend: str, tmp: Path, **extra):
    """(app, cleanup) for one backend; workflow cases opened from the warnings."""
    import pandas as pd

    from jingzhun.web.app import create_app
    from jingzhun.web.settings import WebSettings

    cleanup = None
    if backend == "sqlite":
        settings = WebSettings(workspace=ws, database_url=f"sqlite:///{tmp / 'web.sqlite'}",
                               workflow_url=f"sqlite:///{tmp / 'wf.sqlite'}", demo_password=PASSWORD, **extra)
    else:
        eng, schema = _pg_schema()
        settings = WebSettings(workspace=ws, database_url=PG_URL, database_schema=schema, workflow_url=PG_URL,
                               demo_password=PASSWORD, **extra)

        def cleanup() -> None:
            app.state.workflow.close()
            app.state.store.kw["bind"].dispose()
            with eng.begin() as c:
                c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            eng.dispose()
    app = create_app(settings)
    data = app.state.data
    w = pd.read_parquet(data.warnings[max(data.warnings)])
    app.state.workflow.open_from_warnings(w, user="system (test)")
    return app, cleanup


@pytest.fixture(scope="session")
def web_apps(web_ws, tmp_path_factory):
    """backend → the session's app for it, made on first use."""
    made: dict[str, tuple] = {}

    def get(backend: str):
        if backend not in made:
            made[backend] = make_app(web_ws, backend, tmp_path_factory.mktemp(f"store_{backend}"))
            made[backend][0].state.backend = backend
        return made[backend][0]

    yield get
    for _, cleanup in made.values():
        if cleanup:
            cleanup()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def app(request, web_apps):
    return web_apps(request.param)


def login(client, username: str, password: str = PASSWORD) -> dict:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
