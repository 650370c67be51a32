"""``/api/warnings`` (the warning queue with each household's case) and workflow actions on
``/api/cases/{id}`` through ``jingzhun.monitoring.workflow``."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from jingzhun.monitoring.errors import MonitoringError, TransitionError
from jingzhun.monitoring.workflow import CATEGORIES, STATES, TRANSITIONS
from jingzhun.web import audit
from jingzhun.web.cases import cases_by_household, get_case
from jingzhun.web.deps import DataDep, StoreDep, UserDep, WorkflowDep, not_found, require
from jingzhun.web.routes.areas import Errors, Period
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api", tags=["warnings"])

#: Who may take which step (domain.md §6: village visit and appraisal → township review →
#: county decision). Higher levels may also take the lower levels' steps.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "home_visit": ("village", "township", "county"),
    "village_appraisal": ("village", "township", "county"),
    "publish_notice": ("village", "township", "county"),
    "follow_up": ("village", "township", "county"),
    "township_review": ("township", "county"),
    "decide_monitored": ("county",),
    "dismiss": ("county",),
    "clear_risk": ("county",),
}


class ActionIn(BaseModel):
    action: str = Field(..., pattern="^(" + "|".join(TRANSITIONS) + ")$")
    note: str = Field(..., min_length=1, max_length=2000, pattern=r"^[^\x00]+$",
                      description="what was done or found (no NUL bytes: PostgreSQL text)")
    category: str | None = Field(None, pattern="^(" + "|".join(CATEGORIES) + ")$")
    reason: str | None = Field(None, max_length=2000, pattern=r"^[^\x00]*$")


@router.get("/warnings", responses=Errors)
def get_warnings(scope: Annotated[Scope, Depends(require("lists"))], data: DataDep, wf: WorkflowDep,
                 period: Period = None,
                 state: Annotated[str | None, Query(pattern="^(" + "|".join([*STATES, "none"]) + ")$")] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    if period is not None and period not in data.warnings:
        raise HTTPException(404, detail=f"no warnings for {period}")
    if state:  # the filter needs every warned household's case
        ids = data.warning_ids(scope, period)
        cases = cases_by_household(wf, scope, ids)
        ids = [i for i in ids if (cases[i]["state"] if i in cases else "none") == state]
        total, page = len(ids), ids[offset:offset + limit]
        rows = data.warning_rows(scope, period, household_ids=page)
    else:  # only the page is read, with its cases
        total = data.warning_count(scope, period)
        rows = data.warning_rows(scope, period, limit=limit, offset=offset)
        cases = cases_by_household(wf, scope, [r["household_id"] for r in rows])
    for r in rows:
        c = cases.get(r["household_id"])
        r["village_name"] = data.area_name(r["village_code"])
        r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else None
        r["case"] = None if c is None else {k: c[k] for k in ("id", "state", "state_zh", "state_en", "due", "actions")}
    return {"period": period or (sorted(data.warnings)[-1] if data.warnings else None), "total": total,
            "items": rows}


@router.get("/cases/{case_id}", responses=Errors)
def get_case_route(case_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                   scope: Annotated[Scope, Depends(require("lists"))], wf: WorkflowDep) -> dict[str, Any]:
    c = get_case(wf, scope, case_id)
    if c is None:
        raise not_found("case")
    return c


@router.post("/cases/{case_id}/actions", responses={**Errors, 409: {"description": "not allowed in this state"}})
def post_action(case_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: ActionIn,
                scope: Annotated[Scope, Depends(require("workflow"))], user: UserDep,
                wf: WorkflowDep, store: StoreDep) -> dict[str, Any]:
    """One workflow step, named after the user; refused (409) from the wrong state."""
    if get_case(wf, scope, case_id) is None:
        raise not_found("case")
    if user.role not in ACTION_ROLES[body.action]:
        raise HTTPException(403, detail=f"无权限 / a {user.role} officer may not {body.action}")
    try:
        state = wf.advance(case_id, body.action, user=user.label, note=body.note, category=body.category,
                           reason=body.reason)
    except TransitionError as exc:
        raise HTTPException(409, detail={"what": exc.what, "where": exc.where, "fix": exc.fix}) from exc
    except MonitoringError as exc:
        raise HTTPException(404, detail=exc.what) from exc
    audit.append(store, username=user.username, role=user.role, action=f"workflow:{body.action}",
                 subject=f"case {case_id}", purpose="workflow step", details={"to_state": state})
    return get_case(wf, scope, case_id) or {}
