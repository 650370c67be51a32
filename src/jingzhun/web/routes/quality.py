"""``/api/quality``: the data-quality report (a department officer sees their department)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from jingzhun.web.deps import SettingsDep, UserDep
from jingzhun.workspace import read_json

router = APIRouter(prefix="/api", tags=["quality"])


@router.get("/quality", responses={401: {"description": "not logged in"}, 403: {"description": "no permission"}})
def get_quality(user: UserDep, settings: SettingsDep) -> dict[str, Any]:
    if "quality" not in user.permissions:
        raise HTTPException(403, detail=f"无权限 / your role ({user.role}) lacks the 'quality' permission")
    report = read_json(settings.workspace / "reports" / "quality" / "quality.json", {}) or {}
    depts = report.get("departments", {})
    if user.role == "department":
        depts = {k: v for k, v in depts.items() if k == user.department}
    return {"departments": depts}
