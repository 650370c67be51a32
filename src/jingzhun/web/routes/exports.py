"""``/api/exports/…``: Excel lists (cross-check, warning queue) and the household file as PDF.

Each export is the same data the matching page shows, fetched through the same scope
chokepoint (``require``) and masked the same way; every export is written to the audit log
before it is sent (who, what, which scope, how many rows).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from jingzhun.web import audit
from jingzhun.web.cases import cases_by_household
from jingzhun.web.deps import DataDep, StoreDep, UserDep, WorkflowDep, not_found, require
from jingzhun.web.exports import CROSSCHECK_COLUMNS, WARNING_COLUMNS, household_pdf, list_xlsx
from jingzhun.web.routes.areas import Errors, Period, area_in_scope, home_area
from jingzhun.web.routes.crosscheck import FINDINGS
from jingzhun.web.routes.households import HouseholdId
from jingzhun.web.scope import Scope

router = APIRouter(prefix="/api/exports", tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000
Files = {**Errors, 200: {"content": {XLSX: {}}, "description": "an Excel workbook"}}


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/crosscheck.xlsx", responses=Files, response_class=Response)
def export_crosscheck(scope: Annotated[Scope, Depends(require("lists"))], data: DataDep, user: UserDep,
                      store: StoreDep,
                      finding: Annotated[str | None, Query(pattern="^(" + "|".join(FINDINGS) + ")$")] = None,
                      area: Annotated[str | None, Query(pattern=r"^52\d{4}(\d{3}){0,2}$")] = None,
                      period: Period = None) -> Response:
    """The cross-check list of the user's jurisdiction (or an area inside it) as Excel."""
    code = area_in_scope(scope, area)
    if period is not None and period not in data.crosschecks:
        raise HTTPException(404, detail=f"no cross-check for {period}")
    out = data.crosscheck(scope, finding=finding, code=code, limit=MAX_ROWS, offset=0, period=period)
    audit.append(store, username=user.username, role=user.role, action="export_crosscheck",
                 subject=code, purpose="Excel export",
                 details={"period": out["period"], "finding": finding, "rows": len(out["items"])})
    body = list_xlsx(out["items"], CROSSCHECK_COLUMNS, title=f"比对疑点清单 Cross-check list — {data.area_name(code)}",
                     note=f"period {out['period']} · area {code} · {len(out['items'])} rows · exported by {user.label}")
    return _attachment(body, XLSX, f"crosscheck_{code}_{out['period']}.xlsx")


@router.get("/warnings.xlsx", responses=Files, response_class=Response)
def export_warnings(scope: Annotated[Scope, Depends(require("lists"))], data: DataDep, user: UserDep,
                    store: StoreDep, wf: WorkflowDep, period: Period = None) -> Response:
    """The warning queue of the user's jurisdiction, with each household's workflow state, as Excel."""
    if period is not None and period not in data.warnings:
        raise HTTPException(404, detail=f"no warnings for {period}")
    rows = data.warning_rows(scope, period)[:MAX_ROWS]
    cases = cases_by_household(wf, scope, [r["household_id"] for r in rows])
    for r in rows:
        c = cases.get(r["household_id"])
        r["village_name"] = data.area_name(r["village_code"])
        r["state"] = f"{c['state_zh']} {c['state_en']}" if c else "未立案 no case"
    p = period or (max(data.warnings) if data.warnings else "none")
    audit.append(store, username=user.username, role=user.role, action="export_warnings",
                 subject=home_area(scope), purpose="Excel export", details={"period": p, "rows": len(rows)})
    body = list_xlsx(rows, WARNING_COLUMNS, title=f"预警清单 Warning queue — {data.area_name(home_area(scope))}",
                     note=f"period {p} · {len(rows)} rows · exported by {user.label}")
    return _attachment(body, XLSX, f"warnings_{home_area(scope)}_{p}.xlsx")


@router.get("/households/{household_id}.pdf", response_class=Response,
            responses={**Errors, 200: {"content": {"application/pdf": {}}, "description": "a PDF"}})
def export_household(household_id: HouseholdId, scope: Annotated[Scope, Depends(require("household"))],
                     data: DataDep, wf: WorkflowDep, user: UserDep, store: StoreDep) -> Response:
    """一户一档 as a PDF (masked like the page); the print is written to the audit log."""
    f = data.household_file(scope, household_id)
    if f is None:
        raise not_found("household")
    f["case"] = cases_by_household(wf, scope, [household_id]).get(household_id)
    entry = audit.append(store, username=user.username, role=user.role, action="export_household_pdf",
                         subject=household_id, purpose="PDF household file (masked)",
                         details={"village_code": f["village_code"]})
    return _attachment(household_pdf(f, printed_by=user.label, audit_entry=entry), "application/pdf",
                       f"household_{household_id}.pdf")
