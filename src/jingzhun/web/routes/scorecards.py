"""``/api/scorecards``: the panoramic assessment's scorecards (``jingzhun evaluate``) of the
areas in the jurisdiction; auditors and the public see county scorecards only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from jingzhun.web.deps import DataDep, require
from jingzhun.web.routes.areas import Errors, Period
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api", tags=["scorecards"])


@router.get("/scorecards", responses=Errors)
def get_scorecards(scope: Annotated[Scope, Depends(require("overview"))], data: DataDep,
                   period: Period = None) -> dict[str, Any]:
    return data.scorecards(scope, period=period)
