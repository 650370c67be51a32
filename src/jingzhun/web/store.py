"""The operational store: users, sessions and the audit log (SQLAlchemy 2, Alembic migrations).

SQLite embedded by default, PostgreSQL via URL. Tables are created only by the migrations in
``jingzhun/web/migrations`` (shipped inside the package); ``open_store`` upgrades to head.
With a ``schema`` (PostgreSQL) every connection's ``search_path`` is that schema, so the same
migrations and queries run unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Engine, Integer, String, Text, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from jingzhun.web.errors import WebError

MIGRATIONS = Path(__file__).parent / "migrations"


class Base(DeclarativeBase):
    pass


class User(Base):
    """An account. ``area_code`` is the jurisdiction (2/4/6/9/12 digits by role);
    ``permissions`` is a space-separated list on top of the role's defaults."""

    __tablename__ = "web_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(24))
    area_code: Mapped[str | None] = mapped_column(String(12))
    department: Mapped[str | None] = mapped_column(String(40))
    permissions: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))


class AuthSession(Base):
    """A login session; only the SHA-256 of the token is stored."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[str] = mapped_column(String(40))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    """One append-only, hash-chained audit entry (see ``jingzhun.web.audit``)."""

    __tablename__ = "web_audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head (entries, last hash): catches a deleted last entry."""

    __tablename__ = "web_audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def make_engine(url: str, schema: str | None = None) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if schema:
        if engine.dialect.name != "postgresql":
            raise WebError(f"a store schema needs PostgreSQL, not {engine.dialect.name}",
                           where="database_schema", fix="unset database_schema for SQLite")

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            cur.execute(f'SET search_path TO "{schema}"')
            cur.close()
            dbapi_conn.commit()
    elif engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _wal(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
    return engine


def upgrade(engine: Engine) -> None:
    """Run the Alembic migrations up to head on ``engine``."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str, schema: str | None = None) -> sessionmaker:
    """Engine + migrations to head; returns a session factory."""
    engine = make_engine(url, schema)
    try:
        upgrade(engine)
    except Exception as exc:
        raise WebError(f"cannot migrate the web store: {exc}", where=url.split("@")[-1],
                       fix="check the database URL and that the server is running") from exc
    return sessionmaker(engine, expire_on_commit=False)
