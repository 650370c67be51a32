"""The verification workflow: legal path, refused transitions, objections, overdue, risk
cleared, notices, full history — on SQLite and on PostgreSQL (a fresh schema, dropped after)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

from jingzhun.monitoring.errors import TransitionError
from jingzhun.monitoring.workflow import Workflow, public_notice

T0 = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
PG_URL = os.environ.get("JINGZHUN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def _postgres():
    import sqlalchemy

    schema = f"jz_test_{uuid.uuid4().hex[:10]}"
    try:
        eng = sqlalchemy.create_engine(PG_URL)
        with eng.begin() as c:
            c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # pragma: no cover - no server
        # the suite runs against a real PostgreSQL (developers' guide): a missing server is a
        # failure, never a silent skip
        pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {exc}; start it or set JINGZHUN_TEST_PG_URL")
    return eng, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def wf(request):
    if request.param == "sqlite":
        w = Workflow("sqlite://")
        yield w
        w.close()
        return
    eng, schema = _postgres()
    w = Workflow(PG_URL, schema=schema)
    try:
        yield w
    finally:
        w.close()
        with eng.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        with eng.connect() as c:
            left = c.exec_driver_sql(
                "select count(*) from information_schema.schemata where schema_name = %s", (schema,)).scalar()
        eng.dispose()
        assert left == 0


CLEARED = dict(months_income_above_range=6, measures_received=1, labour_count=2,
               rigid_spending_unresolved=False, compulsory_education_secure=True,
               basic_medical_secure=True, housing_safe=True, water_safe=True)


def to_review(wf: Workflow) -> int:
    cid = wf.open_case("52010200200160", user="system", note="warning 2021-02", at=T0)
    wf.advance(cid, "home_visit", user="王村医 (cadre)", note="visited, authorisation signed", at=day(1))
    wf.advance(cid, "village_appraisal", user="李书记", note="appraised by 12 villagers", at=day(2))
    wf.advance(cid, "publish_notice", user="李书记", note="notice posted", at=day(3))
    wf.advance(cid, "township_review", user="张乡长", note="reviewed", at=day(8))
    return cid


def test_full_path_to_monitored_and_cleared_keeps_every_step(wf):
    cid = to_review(wf)
    assert wf.advance(cid, "decide_monitored", user="县乡村振兴局", note="decided", at=day(10),
                      category="monitored_edge") == "monitored"
    assert wf.decision_stands(cid)
    wf.advance(cid, "follow_up", user="李书记", note="month 1", at=day(40), indicators={"labour_count": 2})
    with pytest.raises(TransitionError, match="not cleared"):  # only 5 months monitored
        wf.advance(cid, "clear_risk", user="县乡村振兴局", note="check", at=day(160), indicators=CLEARED)
    assert wf.advance(cid, "clear_risk", user="县乡村振兴局", note="cleared", at=day(200),
                      indicators=CLEARED) == "risk_cleared"
    steps = wf.history(cid)
    assert [(s.action, s.from_state, s.to_state) for s in steps] == [
        ("open", None, "new"), ("home_visit", "new", "home_visit"),
        ("village_appraisal", "home_visit", "village_appraisal"),
        ("publish_notice", "village_appraisal", "notice"), ("township_review", "notice", "township_review"),
        ("decide_monitored", "township_review", "monitored"), ("follow_up", "monitored", "monitored"),
        ("clear_risk", "monitored", "risk_cleared")]
    assert [s.user for s in steps][1:3] == ["王村医 (cadre)", "李书记"]
    assert steps[4].details == {"notice_days": 5}
    assert steps[1].at == day(1)
    assert wf.case(cid)["category"] == "monitored_edge"


ILLEGAL = [
    ("skip the home visit", [], "village_appraisal", {}),
    ("decide before the township review", ["home_visit", "village_appraisal"], "decide_monitored",
     {"category": "monitored_edge"}),
    ("publish the notice twice", ["home_visit", "village_appraisal", "publish_notice"], "publish_notice", {}),
    ("clear a case never monitored", [], "clear_risk", {"indicators": CLEARED}),
    ("unknown action", [], "approve", {}),
]


@pytest.mark.parametrize("name,before,action,kwargs", ILLEGAL, ids=[c[0] for c in ILLEGAL])
def test_illegal_transitions_are_refused(wf, name, before, action, kwargs):
    cid = wf.open_case("H1", user="system", note="warning", at=T0)
    for i, a in enumerate(before):
        wf.advance(cid, a, user="u", note="n", at=day(i + 1))
    state = wf.case(cid)["state"]
    n = len(wf.history(cid))
    with pytest.raises(TransitionError):
        wf.advance(cid, action, user="u", note="n", at=day(9), **kwargs)
    assert wf.case(cid)["state"] == state
    assert len(wf.history(cid)) == n


@pytest.mark.parametrize("kwargs,match", [
    ({"user": "", "note": "n"}, "named user"), ({"user": "u", "note": " "}, "note"),
])
def test_every_step_needs_a_user_and_a_note(wf, kwargs, match):
    cid = wf.open_case("H1", user="system", note="warning", at=T0)
    with pytest.raises(TransitionError, match=match):
        wf.advance(cid, "home_visit", at=day(1), **kwargs)


def test_notice_shorter_than_five_days_is_refused(wf):
    cid = wf.open_case("H1", user="s", note="w", at=T0)
    for i, a in enumerate(["home_visit", "village_appraisal", "publish_notice"]):
        wf.advance(cid, a, user="u", note="n", at=day(i))
    with pytest.raises(TransitionError, match="4 day"):
        wf.advance(cid, "township_review", user="u", note="n", at=day(6))
    assert wf.advance(cid, "township_review", user="u", note="n", at=day(7)) == "township_review"


def test_dismissal_needs_a_reason(wf):
    cid = to_review(wf)
    with pytest.raises(TransitionError, match="reason"):
        wf.advance(cid, "dismiss", user="county", note="n", at=day(10))
    assert wf.advance(cid, "dismiss", user="county", note="n", at=day(10), reason="收入高于监测范围") == "dismissed"
    assert wf.case(cid)["dismissal_reason"] == "收入高于监测范围"


def test_objection_during_notice_must_be_answered(wf):
    cid = wf.open_case("H1", user="s", note="w", at=T0)
    for i, a in enumerate(["home_visit", "village_appraisal", "publish_notice"]):
        wf.advance(cid, a, user="u", note="n", at=day(i))
    oid = wf.raise_objection(cid, user="村民甲", text="家里有车", at=day(3))
    with pytest.raises(TransitionError, match="not answered"):
        wf.advance(cid, "township_review", user="u", note="n", at=day(8))
    wf.answer_objection(oid, user="李书记", answer="核实：车辆已报废", at=day(8))
    assert wf.advance(cid, "township_review", user="u", note="n", at=day(8)) == "township_review"


def test_appeal_suspends_the_decision_and_an_overturn_sends_it_back(wf):
    cid = to_review(wf)
    wf.advance(cid, "dismiss", user="county", note="n", at=day(10), reason="收入高于监测范围")
    oid = wf.raise_objection(cid, user="户主", text="收入已下降", at=day(12))
    assert not wf.decision_stands(cid)
    assert wf.answer_objection(oid, user="county", answer="复核：收入确已下降", overturn=True,
                               at=day(14)) == "township_review"
    assert wf.advance(cid, "decide_monitored", user="county", note="n", at=day(15),
                      category="monitored_sudden_hardship") == "monitored"
    assert wf.decision_stands(cid)
    actions = [s.action for s in wf.history(cid)]
    assert actions[-4:] == ["dismiss", "raise_appeal", "answer_appeal", "decide_monitored"]


def test_no_labour_is_never_cleared(wf):
    cid = to_review(wf)
    wf.advance(cid, "decide_monitored", user="c", note="n", at=day(10), category="monitored_unstable")
    with pytest.raises(TransitionError, match="without labour"):
        wf.advance(cid, "clear_risk", user="c", note="n", at=day(300), indicators={**CLEARED, "labour_count": 0})
    assert wf.monitored() == [{"case_id": cid, "household_id": "52010200200160", "category": "monitored_unstable"}]


def test_overdue_lists_open_cases_past_their_due_date(wf):
    late = wf.open_case("H1", user="s", note="w", at=T0)
    wf.open_case("H2", user="s", note="w", at=day(10))
    done = to_review(wf)
    wf.advance(done, "dismiss", user="c", note="n", at=day(10), reason="r")
    rows = wf.overdue(dt.date(2021, 3, 20))
    assert [(r["case_id"], r["due"], r["days_overdue"]) for r in rows] == [(late, dt.date(2021, 3, 16), 4)]


def test_notice_never_shows_id_phone_bank_or_health():
    text = public_notice({"household_head": "张三", "village": "杨家寨村", "category": "monitored_edge",
                          "size": 4, "notice_from": "2021-03-04", "notice_to": "2021-03-09",
                          "id_number": "520102196602171577", "phone": "13686663562",
                          "bank_account": "6217293216542219908", "health": "尿毒症"})
    assert "张三" in text and "边缘易致贫户" in text and "杨家寨村" in text
    for secret in ("520102196602171577", "13686663562", "6217293216542219908", "尿毒症"):
        assert secret not in text
    leaked = public_notice({"household_head": "李四 520102196602171577 13686663562", "village": "村 大病住院",
                            "category": "monitored_sudden_hardship"})
    for secret in ("520102196602171577", "13686663562", "大病", "住院"):
        assert secret not in leaked
