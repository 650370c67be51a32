"""The API on a real workspace: figures equal to what the Parquet zones say, drill-down,
lists with evidence, the household file masked, sensitive views audited, workflow steps
through ``jingzhun.monitoring.workflow``, sessions that end — on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import duckdb
import pytest
from fastapi.testclient import TestClient

from jingzhun.web.data import _lit as lit
from web.conftest import login


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:
        yield c


def _count(sql: str) -> int:
    return duckdb.sql(sql).fetchone()[0]


def test_login_wrong_password_and_no_session(client):
    assert client.post("/api/auth/login", json={"username": "county", "password": "nope-nope"}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "nobody", "password": "nope-nope"}).status_code == 401
    assert client.get("/api/overview").status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_overview_figures_match_the_zones(app, client):
    h = login(client, "county")
    me = client.get("/api/auth/me", headers=h).json()
    county = me["area_code"]
    data = app.state.data
    r = client.get("/api/overview?indicator=households", headers=h)
    assert r.status_code == 200
    body = r.json()
    ind = lit(data.indicators[data.period])
    assert body["area"] == {"code": county, "name": data.area_name(county), "level": "county"}
    assert body["totals"]["households"] == _count(f"SELECT count(*) FROM {ind} WHERE county_code = '{county}'")
    assert body["totals"]["persons"] == _count(f"SELECT sum(size) FROM {ind} WHERE county_code = '{county}'")
    warned = _count(f"SELECT count(DISTINCT w.household_id) FROM {lit(data.warnings[data.period])} w "
                    f"WHERE starts_with(w.village_code, '{county}')")
    assert body["totals"]["warnings"] == warned > 0
    # the map: only the user's county, valued by the indicator
    assert [c["code"] for c in body["counties"]] == [county]
    assert body["counties"][0]["value"] == body["totals"]["households"]


def test_province_drill_down_to_village(app, client):
    h = login(client, "province")
    data = app.state.data
    ind = lit(data.indicators[data.period])
    top = client.get("/api/areas/520000", headers=h).json()
    assert len(top["children"]) == 9  # Guizhou's 9 prefecture-level divisions
    assert sum(c["households"] for c in top["children"]) == _count(f"SELECT count(*) FROM {ind}")
    pref = top["children"][0]["code"]
    counties = client.get(f"/api/areas/{pref}", headers=h).json()["children"]
    assert all(c["code"].startswith(pref[:4]) and c["level"] == "county" for c in counties)
    towns = client.get(f"/api/areas/{counties[0]['code']}", headers=h).json()
    assert [b["level"] for b in towns["breadcrumbs"]] == ["province", "prefecture", "county"]
    town = towns["children"][0]
    assert town["level"] == "township" and not town["name"].isdigit()  # a name from the addresses
    villages = client.get(f"/api/areas/{town['code']}", headers=h).json()["children"]
    v = villages[0]
    hh = client.get(f"/api/areas/{v['code']}/households?limit=500", headers=h).json()
    assert hh["total"] == v["households"] == len(hh["items"])
    assert all(i["village_code"] == v["code"] for i in hh["items"])


def test_crosscheck_lists_carry_evidence(app, client):
    h = login(client, "province")
    data = app.state.data
    period = max(data.crosschecks)
    r = client.get("/api/crosscheck?limit=500", headers=h).json()
    expected = dict(duckdb.sql(f"SELECT finding, count(*) FROM {lit(data.crosschecks[period])} GROUP BY 1").fetchall())
    assert r["counts"] == expected and r["total"] == sum(expected.values()) > 0
    for item in r["items"]:
        assert item["evidence"]["values"] and item["label_zh"]
        if item["finding"] == "wrongly_missed":  # missed: the eligibility rules that fired
            assert item["evidence"]["rules"] and item["fired"]
    only = client.get("/api/crosscheck?finding=wrongly_missed&limit=500", headers=h).json()
    assert {i["finding"] for i in only["items"]} <= {"wrongly_missed"}
    assert only["total"] == expected.get("wrongly_missed", 0)
    assert client.get("/api/crosscheck?finding=bogus", headers=h).status_code == 422


def test_household_file_is_masked_and_sensitive_view_is_audited(app, client):
    h = login(client, "village")
    village = client.get("/api/auth/me", headers=h).json()["area_code"]
    hid = client.get(f"/api/areas/{village}/households?limit=1", headers=h).json()["items"][0]["household_id"]
    f = client.get(f"/api/households/{hid}", headers=h)
    assert f.status_code == 200
    body = f.json()
    assert body["village_code"] == village and body["members"]
    for m in body["members"]:
        assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", m["id_number_masked"]), m["id_number_masked"]
    assert not re.search(r"\b\d{17}[\dX]\b", f.text)  # no full ID number anywhere in the file
    assert body["indicators"] and body["decisions"][0]["status"]
    # the full data needs a purpose …
    assert client.post(f"/api/households/{hid}/sensitive", json={}, headers=h).status_code == 422
    before = client.get("/api/audit/verify", headers=login(client, "auditor")).json()["entries"]
    s = client.post(f"/api/households/{hid}/sensitive", json={"purpose": "入户核实联系户主 home visit"}, headers=h)
    assert s.status_code == 200
    full = s.json()["members"][0]["id_number"]
    assert full[:6] + "********" + full[-4:] == body["members"][0]["id_number_masked"] or any(
        m["id_number_masked"] == full[:6] + "********" + full[-4:] for m in body["members"])
    a = login(client, "auditor")
    after = client.get("/api/audit/verify", headers=a).json()
    assert after == {**after, "ok": True, "entries": before + 1}
    last = client.get("/api/audit?limit=1", headers=a).json()["items"][0]
    assert (last["username"], last["action"], last["subject"], last["purpose"]) == (
        "village", "view_sensitive", hid, "入户核实联系户主 home visit")


def test_workflow_step_and_refused_transition(app, client):
    h = login(client, "county")
    q = client.get("/api/warnings?state=new&limit=1", headers=h).json()
    case = q["items"][0]["case"]
    assert case["state"] == "new" and "home_visit" in case["actions"]
    r = client.post(f"/api/cases/{case['id']}/actions", json={"action": "home_visit", "note": "入户核实，收入属实"}, headers=h)
    assert r.status_code == 200 and r.json()["state"] == "home_visit"
    hist = r.json()["history"]
    assert [s["action"] for s in hist] == ["open", "home_visit"] and hist[-1]["user"] == "county (county)"
    again = client.post(f"/api/cases/{case['id']}/actions", json={"action": "home_visit", "note": "x"}, headers=h)
    assert again.status_code == 409 and "not allowed" in again.json()["detail"]["what"]
    # a village officer may not decide (county level)
    hv = login(client, "village")
    r2 = client.post(f"/api/cases/{case['id']}/actions", json={"action": "dismiss", "note": "x", "reason": "y"}, headers=hv)
    assert r2.status_code in (403, 404)


def test_logout_ends_the_session_and_expired_sessions_fail(app, client):
    from sqlalchemy import update

    from jingzhun.web.store import AuthSession

    h = login(client, "county")
    assert client.get("/api/auth/me", headers=h).status_code == 200
    assert client.post("/api/auth/logout", headers=h).status_code == 204
    assert client.get("/api/auth/me", headers=h).status_code == 401
    h2 = login(client, "county")
    with app.state.store() as s, s.begin():
        s.execute(update(AuthSession).values(expires_at="2000-01-01T00:00:00.000000+00:00"))
    assert client.get("/api/auth/me", headers=h2).status_code == 401


def test_static_dashboard_is_served_without_external_urls(client):
    r = client.get("/")
    assert r.status_code == 200 and "精准" in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    for path in ("/static/app.js", "/static/i18n.js", "/static/style.css", "/"):
        text = client.get(path).text
        assert not re.search(r"https?://(?!127\.0\.0\.1)", text), path
    assert client.get("/static/vendor/echarts.min.js").status_code == 200
    gj = client.get("/static/maps/guizhou_counties.json").json()
    from jingzhun.geo import guizhou_divisions

    assert sorted(f["properties"]["name"] for f in gj["features"]) == sorted(guizhou_divisions()["county_code"])
