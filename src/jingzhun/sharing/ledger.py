"""The sharing ledger (SQLAlchemy 2): every request and release, the ε spent per dataset.

SQLite at ``W/outputs/sharing/ledger.sqlite`` unless ``ledger_url`` (settings) or
``JINGZHUN_SHARING_LEDGER_URL`` names another database (PostgreSQL in production).

* ``sharing_requests`` — one row per request, released or refused, with recipient, purpose,
  resource, the fields released, row count and ε; the release log and the rate limiter's memory.
* ``sharing_budgets`` — per dataset the ε budget and the ε spent. :meth:`Ledger.spend` is a
  single conditional ``UPDATE … WHERE spent + ε <= budget``: two processes cannot overspend.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, DateTime, Float, Integer, String, Text, create_engine, func, select,
                        update)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from jingzhun.sharing.errors import BudgetExceeded, RateLimited

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class RequestRow(Base):
    __tablename__ = "sharing_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))           # exchange | search | tables | dp | microdata
    outcome: Mapped[str] = mapped_column(String(16))        # released | refused
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    fields: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    epsilon: Mapped[float | None] = mapped_column(Float, nullable=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class BudgetRow(Base):
    __tablename__ = "sharing_budgets"
    dataset: Mapped[str] = mapped_column(String(96), primary_key=True)
    budget: Mapped[float] = mapped_column(Float)
    spent: Mapped[float] = mapped_column(Float, default=0.0)


class Ledger:
    """Release log, rate limits and the ε budget of every dataset."""

    def __init__(self, url: str, *, clock: Clock = utcnow) -> None:
        self.url = url
        self.engine = create_engine(url)
        Base.metadata.create_all(self.engine)
        self.clock = clock

    @classmethod
    def for_workspace(cls, root: Path | str, url: str | None = None, *,
                      clock: Clock = utcnow) -> Ledger:
        if not url:
            path = Path(root) / "outputs" / "sharing" / "ledger.sqlite"
            path.parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{path}"
        return cls(url, clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    # --- release log ---------------------------------------------------------------------
    def log(self, *, recipient: str, purpose: str, resource: str, kind: str, outcome: str,
            reason: str | None = None, fields: list[str] | None = None, rows: int = 0,
            epsilon: float | None = None, details: dict[str, Any] | None = None,
            release_id: str | None = None) -> str:
        rid = release_id or str(uuid.uuid4())
        with Session(self.engine) as s, s.begin():
            s.add(RequestRow(release_id=rid, at=self.clock(), recipient=recipient, purpose=purpose,
                             resource=resource, kind=kind, outcome=outcome, reason=reason,
                             fields=fields, rows=rows, epsilon=epsilon,
                             details=json.loads(json.dumps(details or {}, default=str))))
        return rid

    def releases(self, recipient: str | None = None) -> list[dict[str, Any]]:
        with Session(self.engine) as s:
            q = select(RequestRow).order_by(RequestRow.id)
            if recipient:
                q = q.where(RequestRow.recipient == recipient)
            return [{c: getattr(r, c) for c in ("release_id", "at", "recipient", "purpose",
                                                 "resource", "kind", "outcome", "reason",
                                                 "fields", "rows", "epsilon", "details")}
                    for r in s.scalars(q)]

    # --- rate limit ----------------------------------------------------------------------
    def check_rate(self, recipient: str, limit: int, window_seconds: int) -> None:
        """Raise :class:`RateLimited` when ``recipient`` made ``limit`` requests in the window."""
        since = self.clock() - dt.timedelta(seconds=window_seconds)
        with Session(self.engine) as s:
            n = s.scalar(select(func.count()).select_from(RequestRow).where(
                RequestRow.recipient == recipient, RequestRow.at > since)) or 0
        if n >= limit:
            raise RateLimited(
                f"recipient {recipient!r} made {n} requests in the last {window_seconds} s "
                f"(limit {limit}) / 请求过于频繁", where="sharing ledger",
                fix=f"wait and retry after {window_seconds} s, or ask for a higher limit in the "
                    "sharing agreement")

    # --- differential privacy budget -----------------------------------------------------
    def budget(self, dataset: str, default: float) -> tuple[float, float]:
        """(budget, spent) of a dataset; registers it with ``default`` on first use."""
        with Session(self.engine) as s, s.begin():
            row = s.get(BudgetRow, dataset)
            if row is None:
                row = BudgetRow(dataset=dataset, budget=float(default), spent=0.0)
                s.add(row)
            return float(row.budget), float(row.spent)

    def set_budget(self, dataset: str, budget: float) -> None:
        with Session(self.engine) as s, s.begin():
            row = s.get(BudgetRow, dataset)
            if row is None:
                s.add(BudgetRow(dataset=dataset, budget=float(budget), spent=0.0))
            else:
                row.budget = float(budget)

    def spend(self, dataset: str, epsilon: float, default_budget: float) -> float:
        """Charge ``epsilon`` to ``dataset`` or raise :class:`BudgetExceeded`; returns what is left."""
        if epsilon <= 0:
            raise BudgetExceeded(f"ε must be positive, got {epsilon}", where=dataset,
                                 fix="pass --epsilon with a value such as 0.5")
        self.budget(dataset, default_budget)
        with Session(self.engine) as s, s.begin():
            res = s.execute(update(BudgetRow).where(
                BudgetRow.dataset == dataset,
                BudgetRow.spent + epsilon <= BudgetRow.budget + 1e-12,
            ).values(spent=BudgetRow.spent + epsilon))
            if res.rowcount != 1:
                row = s.get(BudgetRow, dataset)
                assert row is not None
                raise BudgetExceeded(
                    f"a release with ε={epsilon:g} would exceed the budget of {dataset!r}: "
                    f"spent {row.spent:g} of {row.budget:g} / 隐私预算不足",
                    where="sharing ledger (sharing_budgets)",
                    fix=f"use ε ≤ {max(0.0, row.budget - row.spent):g}, reuse an earlier release, "
                        "or have the data owner raise the budget (documented decision)")
            row = s.get(BudgetRow, dataset)
            assert row is not None
            return float(row.budget - row.spent)


__all__ = ["Ledger", "utcnow"]
