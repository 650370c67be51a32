"""Masks, area codes, scopes and role permissions (table-driven), and logs without personal data."""

from __future__ import annotations

import logging

import pytest

from jingzhun.web.masking import mask_account, mask_id, mask_phone
from jingzhun.web.roles import level_of, parent_of, permissions_of, prefix_of
from jingzhun.web.scope import Scope, scope_for


@pytest.mark.parametrize("fn, value, masked", [
    (mask_id, "520402195003151736", "520402********1736"),
    (mask_id, "52240219500315173X", "522402********173X"),
    (mask_id, "520402500315173", "520402*****5173"),
    (mask_id, None, None),
    (mask_phone, "13912345678", "139****5678"),
    (mask_account, "6217001234567890123", "***************0123"),
])
def test_masks(fn, value, masked):
    assert fn(value) == masked


@pytest.mark.parametrize("code, level, prefix, parent", [
    ("520000", "province", "52", None),
    ("520100", "prefecture", "5201", "520000"),
    ("520102", "county", "520102", "520100"),
    ("520102001", "township", "520102001", "520102"),
    ("520102001203", "village", "520102001203", "520102001"),
])
def test_area_codes(code, level, prefix, parent):
    assert (level_of(code), prefix_of(code), parent_of(code)) == (level, prefix, parent)


@pytest.mark.parametrize("code", ["110000", "52010", "5201020011", "abcdef", ""])
def test_not_area_codes(code):
    assert level_of(code) is None


@pytest.mark.parametrize("role, area, prefix, aggregate", [
    ("province", "520000", "52", False),
    ("prefecture", "520300", "5203", False),
    ("county", "520102", "520102", False),
    ("village", "520102001203", "520102001203", False),
    ("county", "520100", None, False),        # wrong level → nothing (deny by default)
    ("township", None, None, False),
    ("nobody", "520000", None, False),        # unknown role → nothing
    ("department", "520000", None, False),    # no row-level jurisdiction
    ("auditor", None, "52", True),
    ("public", None, "52", True),
])
def test_scope_for(role, area, prefix, aggregate):
    s = scope_for(role, area)
    assert (s.prefix, s.aggregate_only) == (prefix, aggregate)


def test_scope_predicates():
    s = Scope("520102")
    assert s.sql("village_code") == ("starts_with(CAST(village_code AS VARCHAR), ?)", ["520102"])
    assert Scope.none().sql("village_code") == ("FALSE", [])
    assert s.allows("520102001203") and not s.allows("520103001203") and not s.allows(None)
    assert s.allows_area("520102001") and not s.allows_area("520100") and not s.allows_area("520000")
    pub = scope_for("public", None)
    assert pub.allows_area("520102") and not pub.allows_area("520102001")


@pytest.mark.parametrize("role, has, lacks", [
    ("province", {"overview", "lists", "household", "quality"}, {"sensitive", "workflow", "audit"}),
    ("village", {"lists", "household", "sensitive", "workflow"}, {"audit", "quality"}),
    ("auditor", {"audit", "overview"}, {"lists", "household", "sensitive"}),
    ("public", {"overview"}, {"lists", "household", "sensitive", "workflow", "audit", "quality"}),
])
def test_permissions(role, has, lacks):
    p = permissions_of(role)
    assert has <= p and not (lacks & p)


def test_request_log_has_no_personal_data(app, caplog):
    from fastapi.testclient import TestClient

    from web.conftest import login

    with TestClient(app) as c:
        h = login(c, "village")
        village = c.get("/api/auth/me", headers=h).json()["area_code"]
        hid = c.get(f"/api/areas/{village}/households?limit=1", headers=h).json()["items"][0]["household_id"]
        with caplog.at_level(logging.DEBUG):
            f = c.get(f"/api/households/{hid}", headers=h).json()
            s = c.post(f"/api/households/{hid}/sensitive", json={"purpose": "日志测试 log test"}, headers=h).json()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /api/households/{household_id} 200" in text
    secrets = [hid, village, *(m["name"] for m in f["members"]), *(m["id_number"] for m in s["members"] if m["id_number"])]
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # httpx: the test client's own log
    leaked = [(r.name, r.getMessage()[:120]) for r in server if any(x and x in r.getMessage() for x in secrets)]
    assert leaked == []


def test_store_on_postgresql_migrates_and_chains():
    """The store on the test PostgreSQL (JINGZHUN_TEST_PG_URL; scripts/test.sh starts a
    throwaway server when none answers) in a fresh schema: migrations, a user, a verified chain."""
    from sqlalchemy import select

    from jingzhun.web import audit
    from jingzhun.web.auth import create_user
    from jingzhun.web.store import User, open_store
    from web.conftest import _pg_schema

    eng, schema = _pg_schema()
    try:
        factory = open_store(eng.url.render_as_string(hide_password=False), schema)
        create_user(factory, "pg_county", "a-long-password", "county", area_code="520102")
        for i in range(3):
            audit.append(factory, username="pg_county", role="county", action="view_sensitive",
                         subject=f"H{i}", purpose="pg smoke")
        with factory() as s:
            assert s.scalar(select(User.role).where(User.username == "pg_county")) == "county"
        v = audit.verify(factory)
        assert v.ok and v.entries == 3
        factory.kw["bind"].dispose()
    finally:
        with eng.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        eng.dispose()
