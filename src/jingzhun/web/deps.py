"""Typed dependencies: the settings, the store, the data, the workflow, the current user and
the jurisdiction chokepoint ``require(permission)`` (→ ``Scope``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import sessionmaker

from jingzhun.monitoring.workflow import Workflow
from jingzhun.web.auth import CurrentUser, user_for_token
from jingzhun.web.data import WorkspaceData
from jingzhun.web.scope import Scope
from jingzhun.web.settings import WebSettings

COOKIE = "jz_session"


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


def get_store(request: Request) -> sessionmaker:
    return request.app.state.store


def get_data(request: Request) -> WorkspaceData:
    data: WorkspaceData = request.app.state.data
    data.refresh()
    return data


def get_workflow(request: Request) -> Workflow:
    return request.app.state.workflow


def token_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(COOKIE)


def current_user(request: Request, store: Annotated[sessionmaker, Depends(get_store)]) -> CurrentUser:
    user = user_for_token(store, token_of(request))
    if user is None:
        raise HTTPException(401, detail="请先登录 / login required (no valid session)",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


SettingsDep = Annotated[WebSettings, Depends(get_settings)]
StoreDep = Annotated[sessionmaker, Depends(get_store)]
DataDep = Annotated[WorkspaceData, Depends(get_data)]
WorkflowDep = Annotated[Workflow, Depends(get_workflow)]
UserDep = Annotated[CurrentUser, Depends(current_user)]


def require(permission: str) -> Callable[[CurrentUser], Scope]:
    """The chokepoint: the user's scope if the role grants ``permission``, else 403.
    A scope that sees nothing is refused too (deny by default)."""

    def dependency(user: UserDep) -> Scope:
        if permission not in user.permissions:
            raise HTTPException(403, detail=f"无权限 / your role ({user.role}) lacks the '{permission}' permission")
        scope = user.scope
        if scope.prefix is None:
            raise HTTPException(403, detail="无管辖范围 / your account has no valid jurisdiction")
        if scope.aggregate_only and permission not in ("overview", "audit"):
            raise HTTPException(403, detail="仅可查看汇总 / aggregate figures only")
        return scope

    dependency.__name__ = f"require_{permission}"
    return dependency


def not_found(what: str = "not found") -> HTTPException:
    """Outside the jurisdiction looks exactly like absent (no existence oracle)."""
    return HTTPException(404, detail=f"未找到 / {what} not found or outside your jurisdiction")
