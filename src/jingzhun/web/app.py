"""``create_app(settings)``: the FastAPI application of the dashboard.

Routers per resource (``routes/``), typed dependencies (``deps.py``), one settings object
(``settings.py``), the store migrated by Alembic at start (``store.py``). Static files of our
own (``static/``) are served from ``/``; nothing is loaded from the internet (the Content
Security Policy allows only this origin).

Application logs carry the method, the route *template* (``/api/households/{household_id}``),
the status and the milliseconds — never a concrete path, query, body or user data.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jingzhun import __version__
from jingzhun.errors import JingzhunError
from jingzhun.monitoring.workflow import Workflow
from jingzhun.web.assets import STATIC
from jingzhun.web.auth import ensure_demo_users
from jingzhun.web.data import WorkspaceData
from jingzhun.web.routes import (areas, audit, auth, crosscheck, exports, households, plans, quality,
                                 scorecards, warnings)
from jingzhun.web.routes.sharing import sharing_router
from jingzhun.web.settings import WebSettings
from jingzhun.web.store import open_store

log = logging.getLogger("jingzhun.web")
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'")


def workflow_for(settings: WebSettings) -> Workflow:
    import os

    url = settings.workflow_url or os.environ.get("JINGZHUN_WORKFLOW_URL")
    if url:
        return Workflow(url, schema=settings.database_schema)
    path = settings.workspace / "outputs" / "workflow.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return Workflow(f"sqlite:///{path}")


def create_app(settings: WebSettings) -> FastAPI:
    """The dashboard for one workspace. Creates the demo users on first start (development)."""
    settings.check()
    app = FastAPI(title="精准 Jingzhun — 防返贫监测与精准帮扶平台 API", version=__version__,
                  description="Jurisdiction-scoped API of the Jingzhun dashboard (docs/web.md).")
    app.state.settings = settings
    app.state.store = open_store(settings.store_url(), settings.database_schema)
    app.state.data = WorkspaceData(settings.workspace, settings.period)
    app.state.data.warmup()  # pre-aggregate the latest period's tables at start-up
    app.state.workflow = workflow_for(settings)
    app.state.demo_created = []
    if settings.demo_users:
        village = app.state.data.busiest_village()
        app.state.demo_created = ensure_demo_users(app.state.store, settings.demo_password, village)

    for r in (auth, areas, crosscheck, households, warnings, audit, quality, plans, scorecards, exports):
        app.include_router(r.router)
    app.include_router(sharing_router(), prefix="/api/sharing")

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    @app.middleware("http")
    async def headers_and_log(request: Request, call_next):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        if settings.log_requests:
            route = request.scope.get("route")
            template = getattr(route, "path", "(unmatched)")
            log.info("%s %s %d %.1fms", request.method, template, response.status_code,
                     (time.perf_counter() - t) * 1000)
        return response

    @app.exception_handler(JingzhunError)
    async def jingzhun_error(_: Request, exc: JingzhunError) -> JSONResponse:
        return JSONResponse({"detail": {"what": exc.what, "where": exc.where, "fix": exc.fix}}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
