"""Exchange: minimum fields of the approved class only, pseudonyms per recipient, a log."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from jingzhun.sharing.errors import AccessDenied, RateLimited, SharingConfigError, SharingError
from jingzhun.sharing.exchange import Exchange, load_agreements
from jingzhun.sharing.search import SearchRequest, search

from .tiny import HOUSEHOLDS, IDS, tiny_workspace

RES = "JZ-IND-HOUSEHOLDS"
DIBAO = ["household_id", "period", "county_code", "size", "per_capita_net_income_fen", "owns_car",
         "owns_commercial_housing", "owns_company", "public_payroll_member", "dibao", "tekun"]


@pytest.fixture
def ex(tmp_path, sharing_env):
    e = Exchange(tiny_workspace(tmp_path / "w"), today=dt.date(2024, 6, 1))
    yield e
    e.ledger.close()


def test_release_has_exactly_the_approved_fields(ex):
    rel = ex.release("civil_affairs", "dibao_check", RES)
    assert rel.fields == DIBAO and rel.rows == 3
    assert all(set(r) == set(DIBAO) for r in rel.records)
    assert [r["size"] for r in rel.records] == [3, 4, 5]
    assert rel.pseudonymised == ["household_id"]
    assert not {r["household_id"] for r in rel.records} & set(HOUSEHOLDS)


@pytest.mark.parametrize("recipient, purpose, fields, match", [
    ("civil_affairs", "dibao_check", ["household_id", "serious_illness_member"], "outside what is approved"),
    ("civil_affairs", "dibao_check", ["village_code"], "outside what is approved"),
    ("statistics", "monitoring_statistics", ["dibao"], "outside what is approved"),
    ("statistics", "dibao_check", None, "no agreement"),         # purpose of someone else
    ("unknown", "dibao_check", None, "no agreement"),
])
def test_fields_outside_the_approved_class_are_refused(ex, recipient, purpose, fields, match):
    with pytest.raises(AccessDenied, match=match):
        ex.release(recipient, purpose, RES, fields=fields)
    log = ex.ledger.releases(recipient)
    assert log[-1]["outcome"] == "refused" and log[-1]["rows"] == 0


@pytest.mark.parametrize("code", ["JZ-REG-LINKS", "JZ-DEPT-HUKOU-RAW", "JZ-OUT-WORKFLOW"])
def test_not_shared_resources_are_never_released(ex, code):
    with pytest.raises(AccessDenied, match="not shared"):
        ex.release("civil_affairs", "dibao_check", code)


def test_pseudonyms_stable_per_recipient_and_different_across(ex):
    a1 = ex.release("civil_affairs", "dibao_check", RES, fields=["household_id"]).records
    a2 = ex.release("civil_affairs", "dibao_check", RES, fields=["household_id"]).records
    b = ex.release("statistics", "monitoring_statistics", RES, fields=["household_id"]).records
    assert a1 == a2
    assert not {r["household_id"] for r in a1} & {r["household_id"] for r in b}


def test_decisions_need_the_pack_and_keep_minimum_fields(ex):
    rel = ex.release("county_rural_revitalisation", "identification_review", "JZ-DEC-STATUS",
                     pack="cn-2021", period="2019-12")
    assert rel.fields == ["household_id", "period", "pack", "status", "reasons"]
    assert [r["status"] for r in rel.records] == ["monitored", "not_eligible", "not_eligible"]
    with pytest.raises(SharingError, match="needs a policy pack"):
        ex.release("county_rural_revitalisation", "identification_review", "JZ-DEC-STATUS")
    with pytest.raises(AccessDenied, match="outside what is approved"):
        ex.release("county_rural_revitalisation", "identification_review", "JZ-DEC-STATUS",
                   pack="cn-2021", fields=["household_id", "fired"])


def test_every_release_is_logged(ex):
    ex.release("civil_affairs", "dibao_check", RES, fields=["household_id", "dibao"],
               filters={"dibao": True})
    (row,) = ex.ledger.releases("civil_affairs")
    assert row["outcome"] == "released" and row["rows"] == 1
    assert row["fields"] == ["household_id", "dibao"] and row["purpose"] == "dibao_check"


def test_rate_limit_from_the_agreement(tmp_path, sharing_env):
    ws = tiny_workspace(tmp_path / "w")
    (ws / "sharing_agreements.yaml").write_text(yaml.safe_dump({"agreements": [{
        "id": "t", "recipient": "r", "purpose": "p", "basis": "test", "valid_from": "2019-01-01",
        "valid_to": "2030-12-31", "rate_limit": {"requests": 2, "window_seconds": 3600},
        "resources": {RES: ["household_id", "size"]}}]}), encoding="utf-8")
    ex = Exchange(ws, today=dt.date(2024, 6, 1))
    ex.release("r", "p", RES)
    ex.release("r", "p", RES)
    with pytest.raises(RateLimited):
        ex.release("r", "p", RES)
    ex.ledger.close()


@pytest.mark.parametrize("fields, sensitive_ok, match", [
    (["name"], True, "direct identifier"),
    (["dibao"], False, "without sensitive_approved"),
    (["no_such_item"], True, "has no item"),
])
def test_agreements_are_checked_against_the_catalogue(tmp_path, fields, sensitive_ok, match):
    (tmp_path / "sharing_agreements.yaml").write_text(yaml.safe_dump({"agreements": [{
        "id": "bad", "recipient": "r", "purpose": "p", "basis": "b", "valid_from": "2019-01-01",
        "valid_to": "2030-12-31", "sensitive_approved": sensitive_ok,
        "resources": {"JZ-REG-PERSONS" if fields == ["name"] else RES: fields}}]}), encoding="utf-8")
    with pytest.raises(SharingConfigError, match=match):
        load_agreements(tmp_path)


def test_expired_agreement_releases_nothing(tmp_path, sharing_env):
    ex = Exchange(tiny_workspace(tmp_path / "w"), today=dt.date(2031, 1, 1))
    with pytest.raises(AccessDenied):
        ex.release("civil_affairs", "dibao_check", RES)
    ex.ledger.close()


# --- DCI-style registry search -----------------------------------------------------------
def _req(**kw):
    base = {"query_type": "idtype-value", "query": {"type": "UIN", "value": IDS[1]},
            "authorize": {"purpose": "dibao_check"},
            "consent": {"ts": "2024-05-01T10:00:00", "purpose": "dibao_check"}}
    base.update(kw)
    return SearchRequest.model_validate(base)


def test_search_by_id_returns_the_pseudonymised_household(ex):
    ex.ledger.clock = lambda: dt.datetime(2024, 6, 1, 12)
    resp = search(ex, "civil_affairs", _req())
    assert resp["status"] == "succ" and resp["pagination"]["total_count"] == 1
    (rec,) = resp["data"]["reg_records"]
    assert set(rec) == set(DIBAO) and rec["size"] == 4
    direct = ex.release("civil_affairs", "dibao_check", RES, filters={"size": 4}).records[0]
    assert rec["household_id"] == direct["household_id"]        # same pseudonym, same purpose


@pytest.mark.parametrize("change, code", [
    ({"consent": None}, "rjct.consent.invalid"),
    ({"consent": {"ts": "2024-05-01T10:00:00", "purpose": "marketing"}}, "rjct.consent.invalid"),
    ({"consent": {"ts": "2020-01-01T10:00:00", "purpose": "dibao_check"}}, "rjct.consent.invalid"),
    ({"authorize": {"purpose": "audit"}}, "rjct.authorization.invalid"),
    ({"query_type": "predicate",
      "query": [{"attribute_name": "serious_illness_member", "operator": "eq", "attribute_value": True}]},
     "rjct.query.invalid"),
])
def test_search_refusals(ex, change, code):
    ex.ledger.clock = lambda: dt.datetime(2024, 6, 1, 12)
    resp = search(ex, "civil_affairs", _req(**change))
    assert resp["status"] == "rjct" and resp["status_reason_code"] == code
    assert resp["data"] is None


def test_search_by_predicate_is_paginated(ex):
    ex.ledger.clock = lambda: dt.datetime(2024, 6, 1, 12)
    req = _req(query_type="predicate",
               query=[{"attribute_name": "size", "operator": "ge", "attribute_value": 4}],
               pagination={"page_size": 1, "page_number": 2})
    resp = search(ex, "civil_affairs", req)
    assert resp["pagination"] == {"page_size": 1, "page_number": 2, "total_count": 2}
    assert [r["size"] for r in resp["data"]["reg_records"]] == [5]


def test_search_not_permitted_by_agreement(ex):
    req = _req(authorize={"purpose": "monitoring_statistics"}, consent=None)
    resp = search(ex, "statistics", req)
    assert resp["status"] == "rjct" and "does not permit" in resp["status_reason_message"]
