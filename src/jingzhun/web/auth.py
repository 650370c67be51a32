"""Accounts, argon2 password hashes and expiring sessions.

A session token is 32 random bytes (URL-safe); the store keeps only its SHA-256, so a copy
of the database does not let anyone log in. Sessions expire ``session_minutes`` after login
and are revoked at logout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jingzhun.web.errors import AuthError
from jingzhun.web.roles import ROLES, level_of, permissions_of
from jingzhun.web.scope import Scope, scope_for
from jingzhun.web.store import AuthSession, User, iso, now_utc

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("not-a-password")


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user as the API sees it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    area_code: str | None
    department: str | None
    permissions: frozenset[str]

    @property
    def scope(self) -> Scope:
        return scope_for(self.role, self.area_code)

    @property
    def label(self) -> str:
        """How the user is named in workflow steps and audit entries."""
        return f"{self.username} ({self.role})"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(factory: sessionmaker, username: str, password: str, role: str, *,
                area_code: str | None = None, display_name: str | None = None,
                department: str | None = None, permissions: str = "", password_hash: str | None = None) -> int:
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}", where=f"user {username}", fix=f"one of: {', '.join(ROLES)}")
    level = ROLES[role].level
    if level is not None and level_of(area_code or "") != level:
        raise AuthError(f"a {role} officer needs a {level} area code, got {area_code!r}",
                        where=f"user {username}", fix="e.g. 520000 / 520100 / 520102 / 9 or 12 digits")
    if len(password) < 8:
        raise AuthError("password shorter than 8 characters", where=f"user {username}", fix="choose a longer one")
    with factory() as s, s.begin():
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise AuthError(f"user {username!r} exists", where="web_users", fix="choose another username")
        u = User(username=username, display_name=display_name or username, password_hash=password_hash or hash_password(password),
                 role=role, area_code=area_code, department=department, permissions=permissions,
                 active=True, created_at=iso(now_utc()))
        s.add(u)
        s.flush()
        return u.id


def _current(u: User) -> CurrentUser:
    return CurrentUser(u.id, u.username, u.display_name, u.role, u.area_code, u.department,
                       permissions_of(u.role, u.permissions or ""))


def login(factory: sessionmaker, username: str, password: str, minutes: int) -> tuple[str, dt.datetime, CurrentUser]:
    """Check the password; returns (token, expiry, user) or raises ``AuthError``."""
    with factory() as s, s.begin():
        u = s.scalar(select(User).where(User.username == username))
        try:
            _hasher.verify(u.password_hash if u else _DUMMY, password)
            ok = u is not None and u.active
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or u is None:
            raise AuthError("wrong username or password / 用户名或密码错误", where="login",
                            fix="check the username and password")
        if _hasher.check_needs_rehash(u.password_hash):
            u.password_hash = hash_password(password)
        token = secrets.token_urlsafe(32)
        now = now_utc()
        expires = now + dt.timedelta(minutes=minutes)
        s.add(AuthSession(token_hash=_digest(token), user_id=u.id, created_at=iso(now),
                          expires_at=iso(expires), revoked=False))
        return token, expires, _current(u)


def user_for_token(factory: sessionmaker, token: str | None) -> CurrentUser | None:
    """The user of a valid, unexpired, unrevoked session, else None."""
    if not token:
        return None
    with factory() as s:
        sess = s.get(AuthSession, _digest(token))
        if sess is None or sess.revoked or sess.expires_at <= iso(now_utc()):
            return None
        u = s.get(User, sess.user_id)
        return _current(u) if u is not None and u.active else None


def logout(factory: sessionmaker, token: str | None) -> None:
    if not token:
        return
    with factory() as s, s.begin():
        sess = s.get(AuthSession, _digest(token))
        if sess is not None:
            sess.revoked = True


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Demo accounts created at first start (development only): username → (role, area, name).
#: The area codes are real GB/T 2260 codes (Guiyang, Zunyi's 播州区 …); township/village codes
#: are picked from the workspace at start-up.
DEMO_USERS: dict[str, tuple[str, str | None, str]] = {
    "province": ("province", "520000", "省级演示用户 province demo"),
    "prefecture": ("prefecture", None, "市州演示用户 prefecture demo"),
    "county": ("county", None, "县级演示用户 county demo"),
    "township": ("township", None, "乡镇演示用户 township demo"),
    "village": ("village", None, "村级演示用户 village demo"),
    "auditor": ("auditor", None, "审计演示用户 auditor demo"),
    "public": ("public", None, "公众演示用户 public demo"),
    "data_officer": ("department", None, "部门数据管理员 department demo"),
}


def ensure_demo_users(factory: sessionmaker, password: str, village_code: str | None) -> list[str]:
    """Create the demo users once (areas nested around ``village_code``); returns created names."""
    v = village_code or "520102001001"
    areas = {"prefecture": v[:4] + "00", "county": v[:6], "township": v[:9], "village": v}
    created = []
    with factory() as s:
        existing = set(s.scalars(select(User.username)))
    shared_hash = None  # argon2 is slow by design: the demo users (one password) share one salted hash
    for name, (role, area, display) in DEMO_USERS.items():
        if name in existing:
            continue
        shared_hash = shared_hash or hash_password(password)
        dept = "medical_insurance" if role == "department" else None
        create_user(factory, name, password, role, area_code=area or areas.get(role), display_name=display,
                    department=dept, password_hash=shared_hash)
        created.append(name)
    return created


def user_count(s: Session) -> int:
    from sqlalchemy import func

    return int(s.scalar(select(func.count()).select_from(User)) or 0)
