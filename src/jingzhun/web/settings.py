"""``WebSettings``: one typed, serialisable settings object for the web platform.

Precedence: explicit arguments > environment (``JINGZHUN_WEB_<FIELD>``) > defaults. The store
(users, sessions, audit) is SQLite in ``W/outputs/web.sqlite`` unless ``database_url`` names
another SQLAlchemy URL (PostgreSQL in production: ``postgresql+psycopg://user@host/db``);
``database_schema`` isolates the tables in a PostgreSQL schema. The workflow store is the one of
``jingzhun workflow`` (``Workflow.for_workspace``) unless ``workflow_url`` is given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jingzhun.web.errors import WebError

ENV_PREFIX = "JINGZHUN_WEB_"


class WebSettings(BaseModel):
    """Settings of one dashboard server."""

    model_config = ConfigDict(extra="forbid")

    workspace: Path = Field(..., description="the workspace folder whose zones are served")
    environment: Literal["development", "production"] = Field(
        "development", description="production refuses demo users and insecure cookies")
    database_url: str | None = Field(None, description="SQLAlchemy URL of the store (None: SQLite in the workspace)")
    database_schema: str | None = Field(None, description="PostgreSQL schema of the store tables")
    workflow_url: str | None = Field(None, description="SQLAlchemy URL of the workflow store (None: as `jingzhun workflow`)")
    session_minutes: int = Field(480, ge=1, le=7 * 24 * 60, description="a session expires this long after login")
    cookie_secure: bool = Field(False, description="send the session cookie over HTTPS only")
    demo_users: bool = Field(True, description="create demo users (one per role) at first start")
    demo_password: str = Field("jingzhun-demo", min_length=8, description="password of the demo users")
    period: str | None = Field(None, description="YYYY-MM shown by default (None: the latest decided month)")
    log_requests: bool = Field(True, description="log method, route template, status, ms (never paths or bodies)")

    @classmethod
    def load(cls, workspace: Path | str, **overrides: object) -> WebSettings:
        values: dict[str, object] = {"workspace": Path(workspace)}
        for name in cls.model_fields:
            env = os.environ.get(ENV_PREFIX + name.upper())
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            s = cls.model_validate(values)
        except Exception as exc:  # pydantic.ValidationError
            raise WebError("invalid web settings", where="WebSettings / JINGZHUN_WEB_*", fix=str(exc)) from exc
        s.check()
        return s

    def check(self) -> None:
        """Refuse unsafe settings outside development (house style: no default secrets)."""
        if self.environment == "production":
            if self.demo_users:
                raise WebError("demo users are not allowed in production", where="demo_users",
                               fix="set JINGZHUN_WEB_DEMO_USERS=false and create users with the API")
            if not self.cookie_secure:
                raise WebError("production needs secure cookies", where="cookie_secure",
                               fix="serve over HTTPS and set JINGZHUN_WEB_COOKIE_SECURE=true")

    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = Path(self.workspace) / "outputs" / "web.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
