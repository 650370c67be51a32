"""``/api/auth``: log in (cookie + bearer token), log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from jingzhun.web.auth import login, logout
from jingzhun.web.deps import COOKIE, SettingsDep, StoreDep, UserDep, token_of
from jingzhun.web.errors import AuthError
from jingzhun.web.roles import ROLES

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(..., min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")  # no NUL/control chars
    password: str = Field(..., min_length=1, max_length=256)


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    role_zh: str
    role_en: str
    area_code: str | None
    department: str | None
    permissions: list[str]


class LoginOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut


def user_out(u) -> UserOut:  # noqa: ANN001 - CurrentUser
    r = ROLES[u.role]
    return UserOut(username=u.username, display_name=u.display_name, role=u.role, role_zh=r.zh, role_en=r.en,
                   area_code=u.area_code, department=u.department, permissions=sorted(u.permissions))


@router.post("/login", response_model=LoginOut, responses={401: {"description": "wrong username or password"}})
def post_login(body: LoginIn, response: Response, store: StoreDep, settings: SettingsDep) -> LoginOut:
    try:
        token, expires, user = login(store, body.username, body.password, settings.session_minutes)
    except AuthError as exc:
        raise HTTPException(401, detail=exc.what) from exc
    response.set_cookie(COOKIE, token, max_age=settings.session_minutes * 60, httponly=True, samesite="strict",
                        secure=settings.cookie_secure, path="/")
    return LoginOut(token=token, expires_at=expires.isoformat(), user=user_out(user))


@router.post("/logout", status_code=204, response_class=Response)
def post_logout(request: Request, store: StoreDep) -> Response:
    logout(store, token_of(request))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/me", response_model=UserOut, responses={401: {"description": "not logged in"}})
def get_me(user: UserDep) -> UserOut:
    return user_out(user)
