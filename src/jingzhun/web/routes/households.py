"""``/api/households/{id}``: the household file (一户一档), masked; ``…/sensitive``: full
personal data with a stated purpose, written to the audit log first."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from jingzhun.web import audit
from jingzhun.web.cases import cases_by_household
from jingzhun.web.deps import DataDep, StoreDep, UserDep, WorkflowDep, not_found, require
from jingzhun.web.routes.areas import Errors
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api/households", tags=["households"])
HouseholdId = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{4,32}$")]


class SensitiveIn(BaseModel):
    purpose: str = Field(..., min_length=4, max_length=500, pattern=r"^[^\x00]+$",
                         description="why the full data is needed (written to the audit log), e.g. 入户核实联系户主")


@router.get("/{household_id}", responses=Errors)
def get_household(household_id: HouseholdId, scope: Annotated[Scope, Depends(require("household"))],
                  data: DataDep, wf: WorkflowDep) -> dict[str, Any]:
    f = data.household_file(scope, household_id)
    if f is None:
        raise not_found("household")
    f["case"] = cases_by_household(wf, scope, [household_id]).get(household_id)
    return f


@router.post("/{household_id}/sensitive", responses=Errors)
def post_sensitive(household_id: HouseholdId, body: SensitiveIn,
                   scope: Annotated[Scope, Depends(require("sensitive"))], user: UserDep,
                   data: DataDep, store: StoreDep) -> dict[str, Any]:
    """Full ID numbers, phones, bank accounts, health and disability details of the members."""
    if data.household_village(scope, household_id) is None:
        raise not_found("household")
    entry = audit.append(store, username=user.username, role=user.role, action="view_sensitive",
                         subject=household_id, purpose=body.purpose.strip(),
                         details={"fields": ["id_number", "phone", "bank_account", "health", "disability"]})
    out = data.sensitive(scope, household_id)
    if out is None:  # pragma: no cover - checked above
        raise not_found("household")
    return {**out, "audit_entry": entry}
