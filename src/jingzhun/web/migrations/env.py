"""Alembic environment of the web store: runs on the connection passed by ``store.upgrade``."""

from __future__ import annotations

from alembic import context

from jingzhun.web.store import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through jingzhun.web.store.upgrade
    raise RuntimeError("run migrations through jingzhun.web.store.upgrade(engine)")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
