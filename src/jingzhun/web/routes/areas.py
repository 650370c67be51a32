"""``/api/meta``, ``/api/overview``, ``/api/areas/{code}`` (drill-down) and an area's households."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from jingzhun.web.cases import labels
from jingzhun.web.data import INDICATORS
from jingzhun.web.deps import DataDep, not_found, require
from jingzhun.web.roles import level_of, prefix_of
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api", tags=["overview"])
AreaCode = Annotated[str, Path(pattern=r"^52\d{4}(\d{3}){0,2}$", description="520000, 520100, 520102, 9 or 12 digits")]
Indicator = Annotated[str, Query(pattern="^(" + "|".join(INDICATORS) + ")$")]
Period = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Errors: dict[int | str, dict[str, Any]] = {401: {"description": "not logged in"}, 403: {"description": "no permission"},
                                          404: {"description": "outside the jurisdiction"}}


@router.get("/meta")
def get_meta(data: DataDep) -> dict[str, Any]:
    """Periods, map indicators and workflow labels (no personal data; no login needed)."""
    return {"period": data.period, "periods": data.periods, "warning_periods": sorted(data.warnings),
            "crosscheck_periods": sorted(data.crosschecks),
            "indicators": {k: {"zh": zh, "en": en} for k, (zh, en, _) in INDICATORS.items()},
            "workflow": labels()}


def home_area(scope: Scope) -> str:
    p = scope.prefix or "52"
    return {2: "520000", 4: p + "00"}.get(len(p), p)


def area_in_scope(scope: Scope, area: str | None) -> str:
    """The asked area (default: the user's own) when the scope allows it; 404 otherwise."""
    code = area or home_area(scope)
    if not scope.allows_area(code):
        raise not_found("area")
    return code


@router.get("/overview", responses=Errors)
def get_overview(scope: Annotated[Scope, Depends(require("overview"))], data: DataDep,
                 indicator: Indicator = "identified", period: Period = None) -> dict[str, Any]:
    """Key figures of the user's area and one indicator per county in the jurisdiction (map)."""
    if period is not None and period not in data.indicators:
        raise HTTPException(404, detail=f"no indicators for {period}")
    area = home_area(scope)
    fig = data.figures(scope, area, period)
    zh, en, _ = INDICATORS[indicator]
    return {"area": {"code": area, "name": data.area_name(area), "level": level_of(area)},
            "period": fig["period"], "totals": fig["totals"],
            "indicator": {"key": indicator, "zh": zh, "en": en},
            "counties": [{**r, "name": data.area_name(r["code"])} for r in data.county_values(scope, indicator, period)]}


@router.get("/areas/{code}", responses=Errors)
def get_area(code: AreaCode, scope: Annotated[Scope, Depends(require("overview"))], data: DataDep,
             period: Period = None) -> dict[str, Any]:
    """An area's figures and its children's (prefecture → county → township → village)."""
    if level_of(code) is None or not scope.allows_area(code):
        raise not_found("area")
    if period is not None and period not in data.indicators:
        raise HTTPException(404, detail=f"no indicators for {period}")
    fig = data.figures(scope, code, period)
    return {"code": code, "name": data.area_name(code), "level": level_of(code), "prefix": prefix_of(code),
            "breadcrumbs": data.breadcrumbs(code), **fig}


@router.get("/areas/{code}/households", responses=Errors)
def get_area_households(code: AreaCode, scope: Annotated[Scope, Depends(require("lists"))], data: DataDep,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                        period: Period = None) -> dict[str, Any]:
    """The households of an area inside the jurisdiction (head's name; no ID numbers)."""
    if level_of(code) is None or not scope.allows_area(code):
        raise not_found("area")
    if period is not None and period not in data.indicators:
        raise HTTPException(404, detail=f"no indicators for {period}")
    return {"code": code, "name": data.area_name(code),
            **data.households(scope, code, limit=limit, offset=offset, period=period)}
