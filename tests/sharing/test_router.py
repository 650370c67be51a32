"""The FastAPI router, mounted in its own small app with injected dependencies."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI, Header
from fastapi.testclient import TestClient

from jingzhun.sharing.router import make_router

from .tiny import HOUSEHOLDS, IDS, tiny_workspace


@pytest.fixture
def client(tmp_path, sharing_env):
    ws = tiny_workspace(tmp_path / "w")
    tables = ws / "outputs" / "sharing" / "tables"
    tables.mkdir(parents=True)
    (tables / "on_roll_5201.json").write_text(json.dumps({"name": "on_roll_5201", "threshold": 10}))
    (tables / "on_roll_5201.csv").write_text("area,period,value,flag\n520102,2019-12,,P\n520103,2019-12,12,\n")

    def recipient(x_recipient: str = Header(...)) -> str:   # the web app's login decides this
        return x_recipient

    app = FastAPI()
    app.include_router(make_router(workspace=lambda: ws, recipient=recipient), prefix="/api/sharing")
    return TestClient(app)


def test_catalogue_is_public(client):
    r = client.get("/api/sharing/catalogue")
    assert r.status_code == 200
    codes = {x["code"] for x in r.json()["resources"]}
    assert {"JZ-IND-HOUSEHOLDS", "JZ-DEPT-HUKOU-VALIDATED", "JZ-OPEN-TABLES"} <= codes
    one = client.get("/api/sharing/catalogue/JZ-REG-LINKS").json()
    assert one["sharing"] == "not_shared" and one["sharing_label"].startswith("不予共享")
    assert client.get("/api/sharing/catalogue/NOPE").status_code == 404


def test_release_minimum_fields(client):
    r = client.post("/api/sharing/exchange/JZ-IND-HOUSEHOLDS", headers={"X-Recipient": "civil_affairs"},
                    json={"purpose": "dibao_check", "fields": ["household_id", "size"]})
    assert r.status_code == 200
    body = r.json()
    assert [sorted(x) for x in body["records"]] == [["household_id", "size"]] * 3
    assert not {x["household_id"] for x in body["records"]} & set(HOUSEHOLDS)


@pytest.mark.parametrize("who, body, status", [
    ("civil_affairs", {"purpose": "dibao_check", "fields": ["serious_illness_member"]}, 403),
    ("statistics", {"purpose": "dibao_check"}, 403),
    ("civil_affairs", {"purpose": "dibao_check", "fields": ["name"]}, 403),
])
def test_release_refusals(client, who, body, status):
    r = client.post("/api/sharing/exchange/JZ-IND-HOUSEHOLDS", headers={"X-Recipient": who}, json=body)
    assert r.status_code == status
    assert "records" not in r.json()


def test_unknown_resource_404_and_missing_recipient_422(client):
    r = client.post("/api/sharing/exchange/NOPE", headers={"X-Recipient": "civil_affairs"},
                    json={"purpose": "dibao_check"})
    assert r.status_code == 404
    r = client.post("/api/sharing/exchange/JZ-IND-HOUSEHOLDS", json={"purpose": "dibao_check"})
    assert r.status_code == 422


def test_registry_search(client):
    import datetime as dt

    ts = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(tzinfo=None).isoformat()
    req = {"query_type": "idtype-value", "query": {"type": "UIN", "value": IDS[0]},
           "authorize": {"purpose": "dibao_check"}, "consent": {"ts": ts, "purpose": "dibao_check"}}
    r = client.post("/api/sharing/registry/search", headers={"X-Recipient": "civil_affairs"}, json=req)
    assert r.status_code == 200 and r.json()["status"] == "succ"
    assert r.json()["data"]["reg_records"][0]["size"] == 3
    req["consent"] = None
    r = client.post("/api/sharing/registry/search", headers={"X-Recipient": "civil_affairs"}, json=req)
    assert r.json()["status_reason_code"] == "rjct.consent.invalid"


def test_open_tables(client):
    assert client.get("/api/sharing/open/tables").json() == [{"name": "on_roll_5201", "threshold": 10}]
    t = client.get("/api/sharing/open/tables/on_roll_5201").json()
    assert t["rows"][0] == {"area": "520102", "period": "2019-12", "value": None, "flag": "P"}
    assert t["rows"][1]["value"] == 12
    assert client.get("/api/sharing/open/tables/..%2Fx").status_code == 404
