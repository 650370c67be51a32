"""``/api/audit``: the audit log and its verification (auditors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from jingzhun.web import audit
from jingzhun.web.deps import StoreDep, require
from jingzhun.web.routes.areas import Errors
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", responses=Errors)
def get_audit(_: Annotated[Scope, Depends(require("audit"))], store: StoreDep,
              limit: Annotated[int, Query(ge=1, le=500)] = 100,
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    return {"items": audit.recent(store, limit, offset)}


@router.get("/verify", responses=Errors)
def get_verify(_: Annotated[Scope, Depends(require("audit"))], store: StoreDep) -> dict[str, Any]:
    return audit.verify(store).as_dict()
