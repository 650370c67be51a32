"""``/api/crosscheck``: the roll cross-check lists (wrongly included / missed / exited) with evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from jingzhun.web.deps import DataDep, require
from jingzhun.web.routes.areas import Errors, Period, area_in_scope
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api", tags=["crosscheck"])
FINDINGS = ("wrongly_included", "wrongly_missed", "wrongly_exited", "exit_due")


@router.get("/crosscheck", responses=Errors)
def get_crosscheck(scope: Annotated[Scope, Depends(require("lists"))], data: DataDep,
                   finding: Annotated[str | None, Query(pattern="^(" + "|".join(FINDINGS) + ")$")] = None,
                   area: Annotated[str | None, Query(pattern=r"^52\d{4}(\d{3}){0,2}$")] = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                   period: Period = None) -> dict[str, Any]:
    code = area_in_scope(scope, area)
    if period is not None and period not in data.crosschecks:
        raise HTTPException(404, detail=f"no cross-check for {period}")
    return data.crosscheck(scope, finding=finding, code=code, limit=limit, offset=offset, period=period)
