"""Registry search in the style of the DCI social-registry standard (search request/response).

A request names the registry type (household), a query type — ``idtype-value`` (an ID number,
``UIN``, or a household number, ``HOUSEHOLD_NO``) or ``predicate`` (conditions on approved
attributes) — pagination, the purpose it is authorised for and, when the agreement requires
it, the data subject's consent for that purpose. The response has the DCI shape: status
(``succ``/``rjct``) with a reason code, records with the approved minimum fields only
(identifiers pseudonymised for the recipient and purpose) and the pagination with the total.
The resource searched is ``JZ-IND-HOUSEHOLDS`` (latest or given period).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from jingzhun.sharing.errors import AccessDenied
from jingzhun.sharing.exchange import Exchange, records_of, resource_file

RESOURCE = "JZ-IND-HOUSEHOLDS"
OPERATORS = {"eq", "ne", "lt", "le", "gt", "ge", "in"}


class IdQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["UIN", "HOUSEHOLD_NO"]
    value: str


class Predicate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attribute_name: str
    operator: str = "eq"
    attribute_value: Any


class Pagination(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page_size: int = Field(20, ge=1, le=500)
    page_number: int = Field(1, ge=1)


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ts: dt.datetime
    purpose: str
    given_by: str = Field("data_subject", description="data_subject | guardian")


class Authorize(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: str


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference_id: str = "1"
    reg_type: Literal["household"] = "household"
    query_type: Literal["idtype-value", "predicate"]
    query: IdQuery | list[Predicate]
    period: str | None = None
    pagination: Pagination = Field(default_factory=Pagination)
    consent: Consent | None = None
    authorize: Authorize


def _reject(ref: str, code: str, message: str) -> dict[str, Any]:
    return {"reference_id": ref, "status": "rjct", "status_reason_code": code,
            "status_reason_message": message, "data": None, "pagination": None}


def _household_of_uin(ex: Exchange, uin: str) -> list[str]:
    reg = ex.root / "registry"
    persons = pd.read_parquet(reg / "persons.parquet", columns=["person_id", "id_number"])
    pid = persons.loc[persons["id_number"] == uin.strip().upper(), "person_id"]
    if pid.empty:
        return []
    members = pd.read_parquet(reg / "household_members.parquet",
                              columns=["person_id", "household_no", "valid_to"])
    m = members[members["person_id"].isin(pid) & members["valid_to"].isna()]
    return sorted(m["household_no"].astype(str).unique())


def _apply(df: pd.DataFrame, p: Predicate) -> pd.Series:
    col, v = df[p.attribute_name], p.attribute_value
    ops = {"eq": lambda: col == v, "ne": lambda: col != v, "lt": lambda: col < v,
           "le": lambda: col <= v, "gt": lambda: col > v, "ge": lambda: col >= v,
           "in": lambda: col.isin(v if isinstance(v, list) else [v])}
    return ops[p.operator]()


def search(ex: Exchange, recipient: str, request: SearchRequest) -> dict[str, Any]:
    """Answer one DCI-style search request; refusals are answered (``rjct``) and logged."""
    ref, purpose = request.reference_id, request.authorize.purpose
    try:
        r, agreement, approved = ex.authorise(recipient, purpose, RESOURCE, kind="search")
    except AccessDenied as exc:
        return _reject(ref, "rjct.authorization.invalid", str(exc))
    def refuse(code: str, msg: str) -> dict[str, Any]:
        ex.ledger.log(recipient=recipient, purpose=purpose, resource=RESOURCE, kind="search",
                      outcome="refused", reason=f"{code}: {msg}")
        return _reject(ref, code, msg)
    if agreement is None or not agreement.search:
        return refuse("rjct.authorization.invalid",
                      "the agreement does not permit registry search / 协议未授权查询")
    if agreement.consent_required:
        c = request.consent
        now = ex.ledger.clock()
        if c is None or c.purpose != purpose or c.ts.replace(tzinfo=None) > now \
                or c.ts.replace(tzinfo=None) < now - dt.timedelta(days=365):
            return refuse("rjct.consent.invalid",
                          "consent for this purpose, given within the last year, is required "
                          "/ 需要数据主体对该用途的授权")
    path = resource_file(ex.root, r, request.period)
    if not path.exists():
        return refuse("rjct.reference_id.invalid", f"no data for period {request.period}")
    df = pd.read_parquet(path)
    if request.query_type == "idtype-value":
        if not isinstance(request.query, IdQuery):
            return refuse("rjct.query.invalid", "idtype-value needs {type, value}")
        ids = (_household_of_uin(ex, request.query.value) if request.query.type == "UIN"
               else [request.query.value])
        df = df[df["household_id"].astype(str).isin(ids)]
    else:
        if not isinstance(request.query, list):
            return refuse("rjct.query.invalid", "predicate needs a list of conditions")
        for p in request.query:
            if p.attribute_name not in approved or p.operator not in OPERATORS:
                return refuse("rjct.query.invalid",
                              f"attribute {p.attribute_name!r} or operator {p.operator!r} is not "
                              f"allowed; approved attributes: {approved}")
            if p.attribute_name in {i.name for i in r.items if i.identifier}:
                return refuse("rjct.query.invalid", "search identifiers with idtype-value")
            df = df[_apply(df, p).fillna(False).astype(bool)]
    total = len(df)
    pg = request.pagination
    page = df.sort_values("household_id").iloc[(pg.page_number - 1) * pg.page_size:
                                               pg.page_number * pg.page_size]
    out, pseudo = ex.minimise(page, r, approved, recipient, purpose)
    ex.ledger.log(recipient=recipient, purpose=purpose, resource=RESOURCE, kind="search",
                  outcome="released", fields=approved, rows=len(out),
                  details={"query_type": request.query_type, "total": total,
                           "page": pg.page_number})
    return {"reference_id": ref, "status": "succ", "status_reason_code": None,
            "data": {"reg_type": request.reg_type, "reg_records": records_of(out),
                     "pseudonymised": pseudo},
            "pagination": {"page_size": pg.page_size, "page_number": pg.page_number,
                           "total_count": total}}


__all__ = ["SearchRequest", "search"]
