"""The verification workflow (核实流程) as a state machine, stored with SQLAlchemy 2.

new → home_visit (入户核实) → village_appraisal (村级评议) → notice (公示, ≥ 5 days) →
township_review (乡镇审核) → county decision: ``monitored`` (a monitored category) or
``dismissed`` (with a reason); a monitored household is followed (``follow_up``) until
``risk_cleared`` (the cn-2021 ``risk_cleared`` rule; never without labour).

Every transition names its user, has a timestamp and a note, and is appended to
``workflow_transitions``; nothing is ever updated or deleted there, so the full history stays.
An objection raised during the notice, or an appeal after the decision, must be answered
before the case moves on (the decision does not stand while an appeal is open).

SQLite (a file in the workspace) by default; PostgreSQL in production
(``Workflow("postgresql+psycopg://...")``); ``schema`` puts the tables in their own schema.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON, Date, DateTime, ForeignKey, Integer, String, Text, create_engine, func, select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from jingzhun.monitoring.errors import MonitoringError, TransitionError

NOTICE_MIN_DAYS = 5  # domain.md §6: a notice of at least 5 days
DUE_DAYS = 15  # domain.md §6: at most 15 days from first lead to decision
CATEGORIES = {  # the three monitored categories (cn-2021 pack statuses)
    "monitored_unstable": ("脱贫不稳定户", "exited but unstable"),
    "monitored_edge": ("边缘易致贫户", "on the edge, at risk"),
    "monitored_sudden_hardship": ("突发严重困难户", "sudden severe hardship"),
}
STATES = {
    "new": ("新预警", "new warning"),
    "home_visit": ("已入户核实", "home visit done"),
    "village_appraisal": ("已村级评议", "village appraisal done"),
    "notice": ("公示中", "under public notice"),
    "township_review": ("乡镇已审核", "township review done"),
    "monitored": ("纳入监测", "monitored"),
    "dismissed": ("不纳入监测", "dismissed"),
    "risk_cleared": ("风险已消除", "risk cleared"),
}
# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "home_visit": (("new",), "home_visit"),
    "village_appraisal": (("home_visit",), "village_appraisal"),
    "publish_notice": (("village_appraisal",), "notice"),
    "township_review": (("notice",), "township_review"),
    "decide_monitored": (("township_review",), "monitored"),
    "dismiss": (("township_review",), "dismissed"),
    "follow_up": (("monitored",), "monitored"),
    "clear_risk": (("monitored",), "risk_cleared"),
}
OPEN_STATES = ("new", "home_visit", "village_appraisal", "notice", "township_review")


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "workflow_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[str] = mapped_column(String(32), index=True)
    village_code: Mapped[str | None] = mapped_column(String(12))
    warning_period: Mapped[str | None] = mapped_column(String(7))
    warning_category: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(24), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due: Mapped[dt.date] = mapped_column(Date)
    responsible: Mapped[str | None] = mapped_column(String(64))
    notice_from: Mapped[dt.date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(40))
    dismissal_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Transition(Base):
    __tablename__ = "workflow_transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Objection(Base):
    __tablename__ = "workflow_objections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # objection (during notice) | appeal
    raised_by: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld | overturned


def _utc(t: dt.datetime | None) -> dt.datetime:
    t = t or dt.datetime.now(dt.timezone.utc)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return None if t is None else (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc))


@dataclass(frozen=True)
class Step:
    action: str
    from_state: str | None
    to_state: str
    user: str
    at: dt.datetime
    note: str
    details: dict[str, Any] | None



def _add_case(s: Session, household_id: str, *, user: str, note: str, at: dt.datetime,
              village_code: str | None, warning_period: str | None, warning_category: str | None,
              responsible: str | None, due: dt.date | None) -> int:
    """Add a new case and its opening step in the session's transaction; returns its id."""
    case = Case(household_id=household_id, village_code=village_code, warning_period=warning_period,
                warning_category=warning_category, state="new", opened_at=at,
                due=due or (at.date() + dt.timedelta(days=DUE_DAYS)), responsible=responsible)
    s.add(case)
    s.flush()
    s.add(Transition(case_id=case.id, action="open", from_state=None, to_state="new", user=user,
                     at=at, note=note, details={"warning_category": warning_category}))
    return case.id

class Workflow:
    """The workflow store. ``url``: any SQLAlchemy URL (default SQLite in memory)."""

    def __init__(self, url: str = "sqlite://", *, schema: str | None = None, echo: bool = False) -> None:
        self.engine = create_engine(url, echo=echo)
        if schema:
            self.engine = self.engine.execution_options(schema_translate_map={None: schema})
        Base.metadata.create_all(self.engine)

    @classmethod
    def for_workspace(cls, ws: Any) -> Workflow:
        """SQLite file ``W/outputs/workflow.sqlite`` unless ``JINGZHUN_WORKFLOW_URL`` is set."""
        import os

        url = os.environ.get("JINGZHUN_WORKFLOW_URL")
        if not url:
            path = ws.zone("outputs") / "workflow.sqlite"
            path.parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{path}"
        return cls(url)

    def close(self) -> None:
        self.engine.dispose()

    # --- cases -------------------------------------------------------------------------
    def open_case(self, household_id: str, *, user: str, note: str, at: dt.datetime | None = None,
                  village_code: str | None = None, warning_period: str | None = None,
                  warning_category: str | None = None, responsible: str | None = None,
                  due: dt.date | None = None) -> int:
        """A new case from a warning (or a self-report, a cadre's visit); returns its id."""
        self._who(user, note, "open")
        with Session(self.engine) as s, s.begin():
            return _add_case(s, household_id, user=user, note=note, at=_utc(at),
                             village_code=village_code, warning_period=warning_period,
                             warning_category=warning_category, responsible=responsible, due=due)

    def open_from_warnings(self, warnings: Any, *, user: str, note: str = "department warning / 部门筛查预警",
                           at: dt.datetime | None = None) -> list[int]:
        """One case per warned household without an open or monitored case already."""
        self._who(user, note, "open")
        at = _utc(at)
        ids = []
        with Session(self.engine) as s, s.begin():  # one transaction for the whole month
            busy = set(s.scalars(select(Case.household_id).where(
                Case.state.in_((*OPEN_STATES, "monitored")))))
            for w in warnings.to_dict("records"):
                if w["household_id"] in busy:
                    continue
                busy.add(w["household_id"])
                due = dt.date.fromisoformat(w["due"]) if w.get("due") else None
                ids.append(_add_case(s, w["household_id"], user=user, note=note, at=at, due=due,
                                     village_code=w.get("village_code"), warning_period=w.get("period"),
                                     warning_category=w.get("category"),
                                     responsible=w.get("cadre_name")))
        return ids

    def case(self, case_id: int) -> dict[str, Any]:
        with Session(self.engine) as s:
            c = self._get(s, case_id)
            return {k: getattr(c, k) for k in Case.__table__.columns.keys()}

    def history(self, case_id: int) -> list[Step]:
        with Session(self.engine) as s:
            self._get(s, case_id)
            rows = s.scalars(select(Transition).where(Transition.case_id == case_id).order_by(Transition.id))
            return [Step(r.action, r.from_state, r.to_state, r.user, _aware(r.at), r.note, r.details)
                    for r in rows]

    # --- transitions -------------------------------------------------------------------
    def advance(self, case_id: int, action: str, *, user: str, note: str, at: dt.datetime | None = None,
                category: str | None = None, reason: str | None = None,
                indicators: dict[str, Any] | None = None) -> str:
        """Apply ``action`` to the case; returns the new state or raises ``TransitionError``."""
        if action not in TRANSITIONS:
            raise TransitionError(f"unknown action {action!r}", where=f"case {case_id}",
                                  fix=f"one of: {', '.join(TRANSITIONS)}")
        self._who(user, note, action)
        at = _utc(at)
        starts, target = TRANSITIONS[action]
        with Session(self.engine) as s, s.begin():
            c = self._get(s, case_id)
            if c.state not in starts:
                raise TransitionError(
                    f"{action} is not allowed from state {c.state} ({STATES[c.state][0]}) / "
                    f"不能从“{STATES[c.state][0]}”执行此操作",
                    where=f"case {case_id}, household {c.household_id}",
                    fix=f"{action} needs the case in state {' or '.join(starts)}")
            open_ = self._open_objections(s, case_id)
            if open_ and action not in ("publish_notice",):
                raise TransitionError(
                    f"{len(open_)} {open_[0].kind}(s) not answered / 异议或申诉尚未答复",
                    where=f"case {case_id}", fix="answer every objection or appeal first (answer_objection)")
            details: dict[str, Any] = {}
            if action == "publish_notice":
                c.notice_from = at.date()
                details["notice_from"] = at.date().isoformat()
            elif action == "township_review":
                days = (at.date() - c.notice_from).days if c.notice_from else -1
                if days < NOTICE_MIN_DAYS:
                    raise TransitionError(
                        f"the notice has run {days} day(s); at least {NOTICE_MIN_DAYS} are required / "
                        f"公示不少于{NOTICE_MIN_DAYS}天",
                        where=f"case {case_id}", fix=f"review on or after {c.notice_from + dt.timedelta(days=NOTICE_MIN_DAYS)}")
                details["notice_days"] = days
            elif action == "decide_monitored":
                if category not in CATEGORIES:
                    raise TransitionError(f"monitoring needs a category, got {category!r}",
                                          where=f"case {case_id}", fix=f"one of: {', '.join(CATEGORIES)}")
                c.category, c.decided_at = category, at
                details["category"] = category
            elif action == "dismiss":
                if not reason or not reason.strip():
                    raise TransitionError("a dismissal needs a reason / 不纳入监测须说明理由",
                                          where=f"case {case_id}", fix="pass reason=...")
                c.dismissal_reason, c.decided_at = reason, at
                details["reason"] = reason
            elif action == "follow_up" and indicators:
                details["indicators"] = indicators
            elif action == "clear_risk":
                details.update(self._check_cleared(c, at, indicators))
                c.cleared_at = at
            s.add(Transition(case_id=case_id, action=action, from_state=c.state, to_state=target,
                             user=user, at=at, note=note, details=details or None))
            c.state = target
            return target

    def _check_cleared(self, c: Case, at: dt.datetime, indicators: dict[str, Any] | None) -> dict[str, Any]:
        from jingzhun.monitoring.clearance import risk_cleared

        if not indicators:
            raise TransitionError("risk clearance needs the household's indicators",
                                  where=f"case {c.id}", fix="pass indicators={...} of the latest month")
        decided = _aware(c.decided_at) or at
        months = (at.year - decided.year) * 12 + at.month - decided.month
        values = {**indicators, "monitored": True, "months_monitored": months}
        ok, why = risk_cleared(values, at.date())
        if not ok:
            raise TransitionError(f"the risk is not cleared / 未达到风险消除标准: {why}",
                                  where=f"case {c.id}, household {c.household_id}",
                                  fix="keep following the household (follow_up) until the rule holds")
        return {"indicators": values}

    # --- objections and appeals --------------------------------------------------------
    def raise_objection(self, case_id: int, *, user: str, text: str, at: dt.datetime | None = None) -> int:
        """An objection during the notice, or an appeal against a decision."""
        self._who(user, text, "objection")
        at = _utc(at)
        with Session(self.engine) as s, s.begin():
            c = self._get(s, case_id)
            if c.state == "notice":
                kind = "objection"
            elif c.state in ("monitored", "dismissed"):
                kind = "appeal"
            else:
                raise TransitionError(
                    f"objections are taken during the notice and appeals after the decision, not in state {c.state}",
                    where=f"case {case_id}", fix="wait for the notice, or appeal the decision")
            o = Objection(case_id=case_id, kind=kind, raised_by=user, raised_at=at, text=text)
            s.add(o)
            s.flush()
            s.add(Transition(case_id=case_id, action=f"raise_{kind}", from_state=c.state, to_state=c.state,
                             user=user, at=at, note=text, details={"objection_id": o.id}))
            return o.id

    def answer_objection(self, objection_id: int, *, user: str, answer: str, overturn: bool = False,
                         at: dt.datetime | None = None) -> str:
        """Answer an objection or appeal. An overturned decision sends the case back to the
        township review for a new decision; returns the case's state."""
        self._who(user, answer, "answer")
        at = _utc(at)
        with Session(self.engine) as s, s.begin():
            o = s.get(Objection, objection_id)
            if o is None:
                raise MonitoringError(f"no objection {objection_id}", where="workflow_objections")
            if o.answered_at is not None:
                raise TransitionError(f"objection {objection_id} is already answered", where=f"case {o.case_id}")
            c = self._get(s, o.case_id)
            o.answered_by, o.answered_at, o.answer = user, at, answer
            o.outcome = "overturned" if overturn else "upheld"
            target = c.state
            if overturn and o.kind == "appeal":
                target = "township_review"
                c.category, c.dismissal_reason, c.decided_at = None, None, None
            s.add(Transition(case_id=c.id, action=f"answer_{o.kind}", from_state=c.state, to_state=target,
                             user=user, at=at, note=answer, details={"objection_id": o.id, "outcome": o.outcome}))
            c.state = target
            return target

    def decision_stands(self, case_id: int) -> bool:
        with Session(self.engine) as s:
            c = self._get(s, case_id)
            return c.state in ("monitored", "dismissed", "risk_cleared") and not self._open_objections(s, case_id)

    # --- lists -------------------------------------------------------------------------
    def overdue(self, today: dt.date) -> list[dict[str, Any]]:
        """Open cases (no decision yet) past their due date."""
        with Session(self.engine) as s:
            rows = s.scalars(select(Case).where(Case.state.in_(OPEN_STATES), Case.due < today).order_by(Case.due, Case.id))
            return [{"case_id": c.id, "household_id": c.household_id, "state": c.state, "due": c.due,
                     "days_overdue": (today - c.due).days, "responsible": c.responsible} for c in rows]

    def monitored(self) -> list[dict[str, Any]]:
        """Monitored households still followed (not risk-cleared)."""
        with Session(self.engine) as s:
            rows = s.scalars(select(Case).where(Case.state == "monitored").order_by(Case.id))
            return [{"case_id": c.id, "household_id": c.household_id, "category": c.category} for c in rows]

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as s:
            return dict(s.execute(select(Case.state, func.count()).group_by(Case.state)).all())

    # --- helpers -----------------------------------------------------------------------
    @staticmethod
    def _who(user: str, note: str, action: str) -> None:
        if not user or not str(user).strip():
            raise TransitionError(f"{action}: every step needs a named user / 须记录操作人",
                                  where="user", fix="pass user='姓名 (role)'")
        if not note or not str(note).strip():
            raise TransitionError(f"{action}: every step needs a note / 须填写说明", where="note",
                                  fix="pass note='what was done or found'")

    @staticmethod
    def _get(s: Session, case_id: int) -> Case:
        c = s.get(Case, case_id)
        if c is None:
            raise MonitoringError(f"no case {case_id}", where="workflow_cases", fix="check the case id")
        return c

    @staticmethod
    def _open_objections(s: Session, case_id: int) -> list[Objection]:
        return list(s.scalars(select(Objection).where(Objection.case_id == case_id,
                                                      Objection.answered_at.is_(None))))


# --- public notices ---------------------------------------------------------------------
NOTICE_FIELDS = ("household_head", "village", "category", "size", "notice_from", "notice_to")
NEVER_SHOWN = ("id_number", "phone", "bank_account", "health")
_PATTERNS = [
    (re.compile(r"\d{17}[\dXx]|\d{15}"), "[身份证号已隐藏]"),
    (re.compile(r"\d{16,19}"), "[银行账号已隐藏]"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[电话已隐藏]"),
    (re.compile(r"(大病|重病|癌|肿瘤|残疾|精神|慢性病|病情|诊断|住院|尿毒症|白血病|艾滋)"), "[健康信息已隐藏]"),
]


def scrub(text: str) -> str:
    """Remove ID numbers, bank accounts, phones and health terms from free text."""
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def public_notice(fields: dict[str, Any]) -> str:
    """The text of a public notice (公示). Only ``NOTICE_FIELDS`` are shown; ID number, phone,
    bank account and health status never are, even when passed or written inside a value."""
    f = {k: scrub(str(fields[k])) for k in NOTICE_FIELDS if fields.get(k) is not None}
    cat = CATEGORIES.get(f.get("category", ""), (f.get("category", ""), ""))[0]
    lines = ["防返贫监测对象公示 / Public notice of monitored households",
             f"户主 head: {f.get('household_head', '')}",
             f"村 village: {f.get('village', '')}",
             f"拟纳入类别 proposed category: {cat}"]
    if "size" in f:
        lines.append(f"家庭人口 household size: {f['size']}")
    lines.append(f"公示期 notice period: {f.get('notice_from', '')} — {f.get('notice_to', '')}（不少于{NOTICE_MIN_DAYS}天）")
    lines.append("如有异议，请在公示期内向村委会或乡镇反映。Objections: to the village committee or township during the notice.")
    return "\n".join(lines)


def history_json(steps: list[Step]) -> str:
    return json.dumps([{"action": s.action, "from": s.from_state, "to": s.to_state, "user": s.user,
                        "at": s.at.isoformat(), "note": s.note, "details": s.details} for s in steps],
                      ensure_ascii=False)
