"""FastAPI router of the sharing service; the web app includes it with its own dependencies.

    from jingzhun.sharing.router import make_router
    app.include_router(make_router(workspace=get_workspace_path, recipient=current_recipient),
                       prefix="/api/sharing")

``workspace`` and ``recipient`` are ordinary FastAPI dependencies (callables): the first returns
the workspace folder, the second the authenticated recipient's code (the web app's login
decides who that is; this router trusts it). Errors map to 403 (no agreement, fields outside
the approved class), 429 (rate limit), 409 (privacy budget), 404 (unknown resource or table).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from jingzhun.sharing.catalogue import catalogue_json
from jingzhun.sharing.errors import (AccessDenied, BudgetExceeded, RateLimited, SharingConfigError,
                                     SharingError)
from jingzhun.sharing.exchange import Exchange
from jingzhun.sharing.search import SearchRequest, search


class ReleaseRequest(BaseModel):
    purpose: str
    fields: list[str] | None = None
    period: str | None = None
    pack: str | None = None
    filters: dict[str, Any] | None = None


def _status(exc: SharingError) -> int:
    if isinstance(exc, AccessDenied):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, BudgetExceeded):
        return 409
    if isinstance(exc, SharingConfigError):
        return 500
    return 400


def make_router(workspace: Callable[..., Path], recipient: Callable[..., str]) -> APIRouter:
    """The sharing API over the injected workspace and recipient dependencies."""
    router = APIRouter(tags=["sharing 数据共享"])

    def exchange(ws: Path = Depends(workspace)) -> Iterator[Exchange]:
        ex = Exchange(Path(ws))
        try:
            yield ex
        finally:
            ex.ledger.close()

    @router.get("/catalogue")
    def get_catalogue() -> dict[str, Any]:
        """The resource catalogue (GB/T 21063 metadata), public."""
        return catalogue_json()

    @router.get("/catalogue/{code}")
    def get_resource(code: str) -> dict[str, Any]:
        for r in catalogue_json()["resources"]:
            if r["code"] == code:
                return r
        raise HTTPException(404, f"unknown resource {code} / 未找到目录项")

    @router.post("/exchange/{code}")
    def post_release(code: str, body: ReleaseRequest, who: str = Depends(recipient),
                     ex: Exchange = Depends(exchange)) -> dict[str, Any]:
        """Release the approved minimum fields of a resource for the stated purpose."""
        if ex.catalogue.get(code) is None:
            raise HTTPException(404, f"unknown resource {code} / 未找到目录项")
        try:
            return ex.release(who, body.purpose, code, fields=body.fields, period=body.period,
                              filters=body.filters, pack=body.pack).model_dump()
        except SharingError as exc:
            raise HTTPException(_status(exc), str(exc)) from exc

    @router.post("/registry/search")
    def post_search(body: SearchRequest, who: str = Depends(recipient),
                    ex: Exchange = Depends(exchange)) -> dict[str, Any]:
        """DCI-style registry search; refusals come back as status 'rjct' (HTTP 200)."""
        try:
            return search(ex, who, body)
        except SharingError as exc:
            raise HTTPException(_status(exc), str(exc)) from exc

    @router.get("/open/tables")
    def list_tables(ws: Path = Depends(workspace)) -> list[dict[str, Any]]:
        """Published open tables (metadata), public."""
        folder = Path(ws) / "outputs" / "sharing" / "tables"
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]

    @router.get("/open/tables/{name}")
    def get_table(name: str, ws: Path = Depends(workspace)) -> dict[str, Any]:
        folder = Path(ws) / "outputs" / "sharing" / "tables"
        meta, csv = folder / f"{name}.json", folder / f"{name}.csv"
        if "/" in name or ".." in name or not meta.exists() or not csv.exists():
            raise HTTPException(404, f"no open table {name} / 未找到开放数据表")
        import pandas as pd

        df = pd.read_csv(csv, dtype={"area": str, "period": str, "flag": str})
        df = df.astype(object).where(df.notna(), None)
        return {"meta": json.loads(meta.read_text(encoding="utf-8")),
                "rows": df.to_dict(orient="records")}

    return router


__all__ = ["ReleaseRequest", "make_router"]
