"""Exports (Excel lists, PDF household file), allocation plans, scorecards, the open-data
router, code labels — on the shared web workspace, SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from jingzhun.web.data import WorkspaceData
from jingzhun.web.data import _lit as lit
from jingzhun.web.labels import RELATION, SEX, bilingual, label, yuan
from jingzhun.web.scope import Scope
from web.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def _sheet(content: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return wb.get_sheet_by_name(wb.sheet_names[0]).to_python()


def _audit_actions(client, action: str) -> list[dict]:
    h = login(client, "auditor")
    return [e for e in client.get("/api/audit?limit=500", headers=h).json()["items"] if e["action"] == action]


@pytest.mark.parametrize("table, code, zh, en", [
    (SEX, "male", "男", "male"),
    (SEX, "female", "女", "female"),
    (RELATION, "head", "户主", "head of household"),
    (RELATION, "grandchild", "孙子女", "grandchild"),
    (RELATION, "cousin", "cousin", "cousin"),  # unknown codes are shown, not hidden
])
def test_labels(table, code, zh, en):
    assert label(table, code) == {"code": code, "zh": zh, "en": en}
    assert label(table, None) is None
    assert bilingual(table, code) == (zh if zh == en else f"{zh} {en}")


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (123456, "1,234.56"), (-5, "-0.05"), (None, "—")])
def test_yuan(fen, text):
    assert yuan(fen) == text


def test_household_file_shows_labels_not_codes(app, client):
    h = login(client, "county")
    hid = client.get("/api/crosscheck?limit=1", headers=h).json()["items"][0]["household_id"]
    f = client.get(f"/api/households/{hid}", headers=h).json()
    heads = [m for m in f["members"] if m["relation_to_head"] == "head"]
    assert len(heads) == 1 and heads[0]["relation_label"] == {"code": "head", "zh": "户主", "en": "head of household"}
    for m in f["members"]:
        assert m["sex_label"]["zh"] in ("男", "女")
        assert m["relation_label"]["zh"] == RELATION[m["relation_to_head"]][0]
    assert f["indicator_labels"]["per_capita_net_income_fen"]["zh"] == "人均纯收入（元）"


def test_crosscheck_excel_is_the_scoped_list(app, client):
    h = login(client, "county")
    county = client.get("/api/auth/me", headers=h).json()["area_code"]
    listed = client.get("/api/crosscheck?limit=500", headers=h).json()
    r = client.get("/api/exports/crosscheck.xlsx", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(r.content)
    assert rows[0][0].startswith("比对疑点清单 Cross-check list")
    assert rows[2][0] == "户编号\nhousehold"
    body = rows[3:]
    assert len(body) == listed["total"] > 0
    assert sorted(x[0] for x in body) == sorted(i["household_id"] for i in listed["items"])
    assert all(str(x[1]).startswith(county) for x in body)
    entry = _audit_actions(client, "export_crosscheck")[0]
    assert entry["username"] == "county" and entry["details"]["rows"] == len(body)


def test_warning_excel_has_every_warning_with_its_state(app, client):
    h = login(client, "township")
    q = client.get("/api/warnings?limit=500", headers=h).json()
    rows = _sheet(client.get("/api/exports/warnings.xlsx", headers=h).content)[3:]
    assert len(rows) == q["total"] > 0
    states = {i["household_id"]: i["case"] for i in q["items"]}
    for row in rows:
        c = states[row[0]]
        assert row[9] == (f"{c['state_zh']} {c['state_en']}" if c else "未立案 no case")


def test_household_pdf_is_masked_and_audited(app, client):
    import pypdfium2 as pdfium

    h = login(client, "village")
    hid = client.get("/api/warnings?limit=1", headers=h).json()["items"][0]["household_id"]
    f = client.get(f"/api/households/{hid}", headers=h).json()
    r = client.get(f"/api/exports/households/{hid}.pdf", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content[:5] == b"%PDF-"
    doc = pdfium.PdfDocument(r.content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "一户一档" in text and hid in text
    for m in f["members"]:
        assert m["name"] in text
        if m["id_number_masked"]:
            assert m["id_number_masked"] in text
    full = client.post(f"/api/households/{hid}/sensitive", json={"purpose": "核对打印件"}, headers=h).json()
    assert not [m["id_number"] for m in full["members"] if m["id_number"] and m["id_number"] in text]
    entry = next(e for e in _audit_actions(client, "export_household_pdf") if e["subject"] == hid)
    assert entry["username"] == "village" and f"审计编号 audit entry {entry['id']}" in text
    if app.state.backend == "sqlite":  # look at it: test-artifacts/web/06_household_pdf.png
        SHOTS.mkdir(parents=True, exist_ok=True)
        img = doc[0].render(scale=1.5).to_pil()
        img.save(SHOTS / "06_household_pdf.png")
        dark = sum(1 for p in img.convert("L").getdata() if p < 128)
        assert dark > 5000  # text and table rules were drawn (a blank page has none)


def test_plans_are_the_allocation_in_the_jurisdiction(app, client):
    h = login(client, "county")
    county = client.get("/api/auth/me", headers=h).json()["area_code"]
    data = app.state.data
    period = max(data.plans)
    f = lit(data.plans[period])
    n, cost = duckdb.sql(f"SELECT count(*), sum(allocated_cost_fen) FROM {f} WHERE county_code = '{county}'").fetchone()
    body = client.get("/api/plans?limit=500", headers=h).json()
    assert body["computed"] and body["period"] == period
    assert body["totals"]["households"] == n == len(body["items"]) > 0
    assert body["totals"]["allocated_cost_fen"] == cost
    assert sum(c["households"] for c in body["children"]) == n
    assert all(c["code"].startswith(county) and len(c["code"]) == 9 for c in body["children"])
    counted = duckdb.sql(f"SELECT count(*) FROM (SELECT unnest(allocated) FROM {f} WHERE county_code = '{county}')").fetchone()[0]
    assert sum(m["households"] for m in body["measures"]) == counted
    assert all(i["village_code"].startswith(county) for i in body["items"])


def test_scorecards_not_computed_yet_then_read_in_scope(tmp_path):
    import pandas as pd

    empty = WorkspaceData(tmp_path)
    assert empty.scorecards(Scope("520102")) == {"period": None, "periods": [], "computed": False, "items": []}
    out = tmp_path / "reports" / "assessment" / "2019-12"
    out.mkdir(parents=True)
    pd.DataFrame([
        {"level": "county", "area_code": "520102", "county_code": "520102", "composite": 71.5, "rank": 3, "peers": 88},
        {"level": "county", "area_code": "520103", "county_code": "520103", "composite": 60.0, "rank": 9, "peers": 88},
        {"level": "township", "area_code": "520102001", "county_code": "520102", "composite": 55.0, "rank": 40,
         "peers": 900},
    ]).to_parquet(out / "scorecards.parquet")
    data = WorkspaceData(tmp_path)
    own = data.scorecards(Scope("520102"))
    assert own["computed"] and own["period"] == "2019-12"
    assert [(r["area_code"], r["composite"], r["rank"]) for r in own["items"]] == \
        [("520102", 71.5, 3), ("520102001", 55.0, 40)]
    public = data.scorecards(Scope("52", aggregate_only=True, finest_level="county"))
    assert [r["area_code"] for r in public["items"]] == ["520102", "520103"]
    assert data.scorecards(Scope.none())["items"] == []


def test_open_data_router_is_public_exchange_is_not(app, client):
    client.cookies.clear()  # anonymous: no session cookie left by an earlier login
    cat = client.get("/api/sharing/catalogue")
    assert cat.status_code == 200 and len(cat.json()["resources"]) > 0
    assert client.get("/api/sharing/open/tables").status_code == 200
    assert client.get("/api/sharing/open/tables/..%2Fsecret").status_code == 404
    body = {"purpose": "test", "fields": ["household_id"]}
    code = cat.json()["resources"][0]["code"]
    assert client.post(f"/api/sharing/exchange/{code}", json=body).status_code == 401
    h = login(client, "county")
    assert client.post(f"/api/sharing/exchange/{code}", json=body, headers=h).status_code == 403
    hp = login(client, "public")
    assert client.post("/api/sharing/registry/search", json={}, headers=hp).status_code == 403


def test_nul_bytes_are_refused_not_a_server_error(app, client):
    """PostgreSQL text cannot hold NUL (schemathesis found a 500 at login): refused with 422."""
    r = client.post("/api/auth/login", json={"username": "\x00", "password": "whatever-1"})
    assert r.status_code == 422
    h = login(client, "county")
    hid = client.get("/api/crosscheck?limit=1", headers=h).json()["items"][0]["household_id"]
    assert client.post(f"/api/households/{hid}/sensitive", json={"purpose": "核实\x00用途"}, headers=h).status_code == 422
    case = client.get("/api/warnings?limit=1", headers=h).json()["items"][0]["case"]
    r = client.post(f"/api/cases/{case['id']}/actions", json={"action": "home_visit", "note": "a\x00"}, headers=h)
    assert r.status_code == 422


def test_causes_are_labelled(app, client):
    from jingzhun.web.labels import causes

    h = login(client, "county")
    items = client.get("/api/plans?limit=500", headers=h).json()["items"]
    hid = next(i["household_id"] for i in items if i["primary_cause"])
    rows = client.get(f"/api/households/{hid}", headers=h).json()["causes"]
    assert rows
    for c in rows:
        assert c["primary_label_zh"] == causes()[c["primary_cause"]][0]
        for k in ("1", "2"):
            code = c[f"secondary_cause_{k}"]
            assert c[f"secondary_label_{k}"] == (None if code is None else
                                                {"code": code, "zh": causes()[code][0], "en": causes()[code][1]})
