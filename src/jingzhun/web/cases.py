"""Workflow cases seen through a ``Scope``: the web side of ``jingzhun.monitoring.workflow``.

Listing reads the workflow's own tables (``Case``) with the scope's predicate on the case's
village; every action goes through ``Workflow.advance`` (the state machine, its rules and
its append-only history are not re-implemented here).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingzhun.monitoring.workflow import CATEGORIES, STATES, TRANSITIONS, Case, Workflow
from jingzhun.web.scope import Scope


def _case_dict(c: Case) -> dict[str, Any]:
    d = {k: getattr(c, k) for k in Case.__table__.columns.keys()}
    d["state_zh"], d["state_en"] = STATES.get(c.state, (c.state, c.state))
    d["actions"] = [a for a, (starts, _) in TRANSITIONS.items() if c.state in starts]
    return d


def cases_by_household(wf: Workflow, scope: Scope, household_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest case of each household (inside the scope)."""
    if not household_ids or not scope.prefix:
        return {}
    out: dict[str, dict[str, Any]] = {}
    with Session(wf.engine) as s:
        for i in range(0, len(household_ids), 500):
            chunk = household_ids[i:i + 500]
            rows = s.scalars(select(Case).where(Case.household_id.in_(chunk),
                                                Case.village_code.startswith(scope.prefix)).order_by(Case.id))
            for c in rows:
                out[c.household_id] = _case_dict(c)
    return out


def get_case(wf: Workflow, scope: Scope, case_id: int) -> dict[str, Any] | None:
    """The case and its history, or None when it is unknown or outside the scope (→ 404)."""
    with Session(wf.engine) as s:
        c = s.get(Case, case_id)
        if c is None or not scope.allows(c.village_code):
            return None
        d = _case_dict(c)
    d["history"] = [{"action": st.action, "from": st.from_state, "to": st.to_state, "user": st.user,
                     "at": st.at.isoformat(), "note": st.note, "details": st.details} for st in wf.history(case_id)]
    return d


def labels() -> dict[str, Any]:
    return {"states": {k: {"zh": v[0], "en": v[1]} for k, v in STATES.items()},
            "categories": {k: {"zh": v[0], "en": v[1]} for k, v in CATEGORIES.items()},
            "actions": list(TRANSITIONS)}
