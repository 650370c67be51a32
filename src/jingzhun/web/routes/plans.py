"""``/api/plans``: allocation plans of ``jingzhun allocate`` (一户一策), by area inside the
jurisdiction; ``computed: false`` when no plan was made yet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from jingzhun.web.deps import DataDep, require
from jingzhun.web.routes.areas import Errors, Period, area_in_scope
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api", tags=["plans"])


@router.get("/plans", responses=Errors)
def get_plans(scope: Annotated[Scope, Depends(require("lists"))], data: DataDep,
              area: Annotated[str | None, Query(pattern=r"^52\d{4}(\d{3}){0,2}$")] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50,
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
              period: Period = None) -> dict[str, Any]:
    code = area_in_scope(scope, area)
    if period is not None and period not in data.plans:
        raise HTTPException(404, detail=f"no allocation plans for {period}")
    return {"area": {"code": code, "name": data.area_name(code)}, "plan_periods": sorted(data.plans),
            **data.plans_summary(scope, code, period=period, limit=limit, offset=offset)}
