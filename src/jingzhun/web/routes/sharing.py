"""``/api/sharing/…``: the sharing package's router (``jingzhun.sharing.router.make_router``)
with this app's dependencies. The catalogue and the published open tables (suppressed or
differentially private aggregates) are public; exchanges and registry searches need a logged-in
department data officer, whose department is the recipient the agreements name (deny by
default: any other role gets 403)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException

from jingzhun.sharing.router import make_router
from jingzhun.web.deps import SettingsDep, UserDep


def workspace_path(settings: SettingsDep) -> Path:
    return Path(settings.workspace)


def recipient(user: UserDep) -> str:
    if user.role != "department" or not user.department:
        raise HTTPException(403, detail="无权限 / only a department data officer may request shared data")
    return user.department


def sharing_router() -> APIRouter:
    return make_router(workspace=workspace_path, recipient=recipient)
