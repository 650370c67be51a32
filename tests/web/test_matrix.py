"""Role × endpoint × jurisdiction: every role against its own and a foreign area.

Users of every role are made in county A (the demo users' county); the foreign objects are
in county B. Expected statuses: 401 without a session, 403 for a permission the role lacks,
404 for an object outside the jurisdiction (it looks absent). Every response body is scanned
for the household ids and village codes of county B: 0 leaks allowed."""

from __future__ import annotations

import io

import duckdb
import pytest
from fastapi.testclient import TestClient

from jingzhun.web.auth import create_user, hash_password
from jingzhun.web.data import _lit as lit
from web.conftest import PASSWORD, login

ROLES = ["province", "prefecture", "county", "township", "village", "department", "auditor", "public"]


@pytest.fixture(scope="module")
def world(app):
    data = app.state.data
    ind = lit(data.indicators[data.period])
    warned = lit(data.warnings[data.period])
    # county A: the demo users' county; county B: another county with warnings in another prefecture
    with app.state.store() as s:
        from sqlalchemy import select

        from jingzhun.web.store import User
        village_a = s.scalar(select(User.area_code).where(User.username == "village"))
    a = village_a[:6]
    b_village = duckdb.sql(f"SELECT village_code FROM {warned} WHERE substr(village_code, 1, 4) <> '{a[:4]}' "
                           f"GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    foreign_hh = {r[0] for r in duckdb.sql(f"SELECT household_id FROM {ind} WHERE county_code = '{b_village[:6]}'").fetchall()}
    foreign_villages = {r[0] for r in duckdb.sql(f"SELECT DISTINCT village_code FROM {ind} WHERE county_code = '{b_village[:6]}'").fetchall()}
    areas = {"province": "520000", "prefecture": a[:4] + "00", "county": a, "township": village_a[:9], "village": village_a}
    shared = hash_password(PASSWORD)  # argon2 is slow by design: one hash for the matrix users
    for role in ROLES:
        create_user(app.state.store, f"m_{role}", PASSWORD, role, area_code=areas.get(role),
                    department="health" if role == "department" else None, password_hash=shared)
    from sqlalchemy.orm import Session

    from jingzhun.monitoring.workflow import Case
    with Session(app.state.workflow.engine) as s:
        own_case = s.query(Case).filter(Case.village_code == village_a).order_by(Case.id).first().id
        foreign_case = s.query(Case).filter(Case.village_code == b_village).order_by(Case.id).first().id
    own_hh = duckdb.sql(f"SELECT household_id FROM {ind} WHERE village_code = '{village_a}' LIMIT 1").fetchone()[0]
    f_hh = duckdb.sql(f"SELECT household_id FROM {warned} WHERE village_code = '{b_village}' LIMIT 1").fetchone()[0]
    return {"a": village_a, "b": b_village, "own_hh": own_hh, "foreign_hh": f_hh, "own_case": own_case,
            "foreign_case": foreign_case, "leak_hh": foreign_hh, "leak_villages": foreign_villages}


def endpoints(w: dict) -> list[tuple[str, str, str, dict | None]]:
    """(name, method, path, json) — own-area and foreign-area variants."""
    act = {"action": "home_visit", "note": "matrix test"}
    return [
        ("overview", "GET", "/api/overview", None),
        ("area_own", "GET", f"/api/areas/{w['a'][:6]}", None),
        ("area_foreign", "GET", f"/api/areas/{w['b'][:6]}", None),
        ("village_own", "GET", f"/api/areas/{w['a']}", None),
        ("village_foreign", "GET", f"/api/areas/{w['b']}", None),
        ("households_own", "GET", f"/api/areas/{w['a']}/households", None),
        ("households_foreign", "GET", f"/api/areas/{w['b']}/households", None),
        ("crosscheck", "GET", "/api/crosscheck?limit=500", None),
        ("crosscheck_foreign", "GET", f"/api/crosscheck?area={w['b'][:6]}", None),
        ("household_own", "GET", f"/api/households/{w['own_hh']}", None),
        ("household_foreign", "GET", f"/api/households/{w['foreign_hh']}", None),
        ("sensitive_own", "POST", f"/api/households/{w['own_hh']}/sensitive", {"purpose": "matrix test"}),
        ("sensitive_foreign", "POST", f"/api/households/{w['foreign_hh']}/sensitive", {"purpose": "matrix test"}),
        ("warnings", "GET", "/api/warnings?limit=500", None),
        ("case_own", "GET", f"/api/cases/{w['own_case']}", None),
        ("case_foreign", "GET", f"/api/cases/{w['foreign_case']}", None),
        ("action_foreign", "POST", f"/api/cases/{w['foreign_case']}/actions", act),
        ("audit", "GET", "/api/audit/verify", None),
        ("quality", "GET", "/api/quality", None),
        ("plans", "GET", "/api/plans?limit=500", None),
        ("plans_foreign", "GET", f"/api/plans?area={w['b'][:6]}", None),
        ("scorecards", "GET", "/api/scorecards", None),
        ("xlsx_crosscheck", "GET", "/api/exports/crosscheck.xlsx", None),
        ("xlsx_crosscheck_foreign", "GET", f"/api/exports/crosscheck.xlsx?area={w['b'][:6]}", None),
        ("xlsx_warnings", "GET", "/api/exports/warnings.xlsx", None),
        ("pdf_own", "GET", f"/api/exports/households/{w['own_hh']}.pdf", None),
        ("pdf_foreign", "GET", f"/api/exports/households/{w['foreign_hh']}.pdf", None),
    ]


OFFICERS = {"province", "prefecture", "county", "township", "village"}
ACTORS = {"county", "township", "village"}


def expected(role: str, name: str) -> int:
    """The status each role must get (the policy of docs/web.md, written out)."""
    foreign = name.endswith("_foreign")
    if name in ("overview",):
        return 200 if role in OFFICERS | {"auditor", "public"} else 403
    if name.startswith("area_"):
        if role in ("auditor", "public"):
            return 200  # county totals are public aggregates
        if role not in OFFICERS:
            return 403
        if foreign and role != "province":
            return 404
        return 404 if role in ("township", "village") and not foreign else 200  # a county is above them
    if name.startswith("village_"):
        if role in ("auditor", "public"):
            return 404  # finer than county: not opened for aggregate-only roles
        if role not in OFFICERS:
            return 403
        return 404 if foreign and role != "province" else 200
    if name.startswith(("households_", "household_", "case_", "crosscheck", "plans", "xlsx_crosscheck", "pdf_")):
        if role not in OFFICERS:
            return 403
        return 404 if foreign and role != "province" else 200
    if name.startswith("sensitive_") or name == "action_foreign":
        if role not in ACTORS:
            return 403
        return 404 if foreign else 200
    if name == "scorecards":  # aggregates: county scorecards for auditors and the public
        return 200 if role in OFFICERS | {"auditor", "public"} else 403
    if name in ("warnings", "xlsx_warnings"):
        return 200 if role in OFFICERS else 403
    if name == "audit":
        return 200 if role == "auditor" else 403
    if name == "quality":
        return 200 if role in ("province", "department") else 403
    raise AssertionError(name)


def body_text(r) -> str:
    """What a response says: JSON/text as is; Excel cells and PDF text extracted (compressed)."""
    kind = r.headers.get("content-type", "")
    if r.status_code == 200 and kind.startswith("application/vnd.openxmlformats"):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
        return "\n".join(str(c) for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python()
                         for c in row)
    if r.status_code == 200 and kind.startswith("application/pdf"):
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(r.content)
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return r.text


def test_role_endpoint_jurisdiction_matrix(app, world):
    leaks, wrong = [], []
    with TestClient(app) as client:
        for method, path, body in [(m, p, b) for _, m, p, b in endpoints(world)]:
            r = client.request(method, path, json=body)
            if r.status_code != 401:
                wrong.append(("anonymous", path, r.status_code, 401))
        for role in ROLES:
            h = login(client, f"m_{role}")
            for name, method, path, body in endpoints(world):
                r = client.request(method, path, json=body, headers=h)
                want = expected(role, name)
                if r.status_code != want:
                    wrong.append((role, name, r.status_code, want))
                if role == "province":
                    continue  # the province legitimately sees county B
                text = body_text(r)
                found = [x for x in world["leak_hh"] | world["leak_villages"] if x in text]
                if found:
                    leaks.append((role, name, found[:3]))
    assert leaks == []
    assert wrong == []
    assert len(ROLES) * len(endpoints(world)) == 216  # the whole matrix ran
