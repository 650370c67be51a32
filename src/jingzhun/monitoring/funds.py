"""Fund supervision (资金监管): anomalies in the one-card assistance payments.

The checks are pure functions of a few small tables (``FundInputs``); ``funds_workspace``
assembles them from a workspace (registry, validated extracts, indicators). Each anomaly row
carries its evidence as JSON (the values read, with their source file and row or extract
month), so a supervisor can verify it without re-running anything.

| anomaly | when |
| --- | --- |
| ``dead_payee`` 死亡冒领 | the payee's death date (household-registry death record) is before the payment date |
| ``duplicate_payment`` 重复发放 | a second payment to the same person, programme and period paid for |
| ``excluded_household`` 比对排除户领取 | a means-tested payment to a household with a car, a company or a member on the public payroll in the payment month |
| ``cadre_relative`` 优亲厚友 | a means-tested payment to a payee in the same hukou household as a village cadre |
| ``above_standard`` 超标准发放 | the amount is above the programme's monthly standard |
| ``unknown_payee`` 户籍查无此人 | the payee is not in the household registry |
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from jingzhun.monitoring.errors import MonitoringError
from jingzhun.policy.parameters import ParameterSet

ANOMALIES: dict[str, tuple[str, str]] = {
    "dead_payee": ("收款人在发放日期前已死亡", "payee dead before the payment date"),
    "duplicate_payment": ("同一人同一项目同一期间重复发放", "duplicate payment (same person, programme and period)"),
    "excluded_household": ("发放给比对应排除的家庭（车辆、公司、财政供养）",
                           "paid to a household excluded by a rule (car, company, public payroll)"),
    "cadre_relative": ("收款人与村干部同一户籍家庭（优亲厚友）",
                       "payee in the same hukou household as a village cadre"),
    "above_standard": ("发放金额超过项目标准", "amount above the programme standard"),
    "unknown_payee": ("收款人不在户籍登记中", "payee unknown to the household registry"),
}
EXCLUSION_FLAGS = ("owns_car", "owns_company", "public_payroll_member")
PAYMENT_COLUMNS = ("file", "row", "serial_no", "programme", "pay_period", "pay_date", "amount_fen",
                   "person_id", "household_id", "household_size", "registered")
OUTPUT_COLUMNS = ["file", "row", "serial_no", "pay_period", "pay_date", "programme", "amount_fen",
                  "person_id", "household_id", "anomaly", "label_zh", "label_en", "evidence"]


@dataclass(frozen=True)
class Programme:
    code: str
    label_zh: str
    label_en: str
    means_tested: bool
    once_per_period: bool = False
    standard: str | None = None
    per: str | None = None  # "household" (× members) or "person"


@lru_cache(maxsize=1)
def programmes() -> dict[str, Programme]:
    """The shipped programme table (``monitoring/programmes.yaml``)."""
    text = (resources.files("jingzhun.monitoring") / "programmes.yaml").read_text(encoding="utf-8")
    return {code: Programme(code=code, **spec) for code, spec in yaml.safe_load(text).items()}


@lru_cache(maxsize=1)
def standards() -> ParameterSet:
    """The shipped programme standards (``monitoring/standards.yaml``, dated, referenced)."""
    text = (resources.files("jingzhun.monitoring") / "standards.yaml").read_text(encoding="utf-8")
    return ParameterSet.from_yaml(text, "monitoring/standards.yaml")


@dataclass
class FundInputs:
    """What the checks read.

    payments: one row per payment: ``file``, ``row`` (its validated record), ``serial_no``,
        ``programme``, ``pay_period`` (YYYY-MM paid for), ``pay_date`` (YYYY-MM-DD),
        ``amount_fen``, ``person_id`` (registry person, null when the record did not link),
        ``household_id`` (the payee's hukou household in the pay month, null if none),
        ``household_size`` (the most members alive at a month's end in the 12 months to the pay
        month: 低保 is reviewed yearly, so a death since the review does not make the amount
        irregular), ``registered`` (the payee is in the household registry or known to another
        department), optional ``known_to`` (departments that know the payee); optional ``payee_key`` (who the payee is when there is
        no person, e.g. the ID number).
    deaths: ``person_id``, ``death_date`` (YYYY-MM-DD), ``source`` (file:row of the record).
    household_flags: ``household_id``, ``period`` and the three exclusion indicators
        (with ``<flag>__extract`` when known).
    cadres: ``household_id``, ``period``, ``cadre_person_id``, ``position``, ``source``: the
        households holding a village cadre in that month.
    """

    payments: pd.DataFrame
    deaths: pd.DataFrame
    household_flags: pd.DataFrame
    cadres: pd.DataFrame


def _check_columns(frame: pd.DataFrame, needed: tuple[str, ...] | list[str], name: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise MonitoringError(f"the {name} table lacks columns {missing}", where=name,
                              fix="build the inputs with jingzhun.monitoring.funds_workspace")


def _rows(payments: pd.DataFrame, mask: np.ndarray, anomaly: str, evidence: list[dict[str, Any]]) -> pd.DataFrame:
    out = payments.loc[mask].copy()
    out["anomaly"] = anomaly
    out["label_zh"], out["label_en"] = ANOMALIES[anomaly]
    out["evidence"] = [json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) for e in evidence]
    return out


def unknown_payees(p: pd.DataFrame) -> pd.DataFrame:
    mask = ~p["registered"].fillna(False).astype(bool).to_numpy()
    known = p["known_to"] if "known_to" in p else pd.Series(None, index=p.index)
    ev = [{"person_id": pid if isinstance(pid, str) else None, "known_to": k if isinstance(k, str) else None,
           "registry": "no household-registry record and no other department knows this payee / 户籍库及其他部门均无此人"}
          for pid, k in zip(p.loc[mask, "person_id"], known[mask])]
    return _rows(p, mask, "unknown_payee", ev)


def dead_payees(p: pd.DataFrame, deaths: pd.DataFrame) -> pd.DataFrame:
    d = (deaths.dropna(subset=["person_id", "death_date"]).sort_values(["person_id", "death_date"])
         .drop_duplicates("person_id"))
    m = p[["person_id", "pay_date"]].reset_index().merge(d, on="person_id", how="inner")
    m = m[m["death_date"].astype(str) < m["pay_date"].astype(str)]
    mask = p.index.isin(m["index"])
    m = m.set_index("index").loc[p.index[mask]]
    ev = [{"death_date": r.death_date, "death_record": r.source, "pay_date": r.pay_date}
          for r in m.itertuples()]
    return _rows(p, mask, "dead_payee", ev)


def duplicate_payments(p: pd.DataFrame) -> pd.DataFrame:
    who = p["person_id"].astype(object).where(p["person_id"].notna(),
                                              p.get("payee_key", pd.Series(None, index=p.index)))
    once = {c for c, prog in programmes().items() if prog.once_per_period}
    q = p.assign(_who=who).dropna(subset=["_who"])
    q = q[q["programme"].isin(once)]
    q = q.sort_values(["_who", "programme", "pay_period", "pay_date", "file", "row"])
    g = q.groupby(["_who", "programme", "pay_period"], sort=False)
    q = q.assign(n_before=g.cumcount(), first_serial=g["serial_no"].transform("first"),
                 first_date=g["pay_date"].transform("first"), first_amount=g["amount_fen"].transform("first"))
    dup = q[q["n_before"] > 0]
    mask = p.index.isin(dup.index)
    dup = dup.loc[p.index[mask]]
    ev = [{"first_payment": {"serial_no": r.first_serial, "pay_date": r.first_date,
                             "amount_fen": int(r.first_amount)},
           "times_paid_before": int(r.n_before), "pay_period": r.pay_period, "programme": r.programme}
          for r in dup.itertuples()]
    return _rows(p, mask, "duplicate_payment", ev)


def _means_tested(p: pd.DataFrame, progs: dict[str, Programme]) -> np.ndarray:
    return p["programme"].map(lambda c: progs[c].means_tested if c in progs else True).to_numpy(bool)


def excluded_households(p: pd.DataFrame, flags: pd.DataFrame, progs: dict[str, Programme]) -> pd.DataFrame:
    cols = ["household_id", "period", *EXCLUSION_FLAGS,
            *[f"{f}__extract" for f in EXCLUSION_FLAGS if f"{f}__extract" in flags.columns]]
    f = flags[cols].rename(columns={"period": "pay_period"})
    m = p[["household_id", "pay_period"]].reset_index().merge(f, on=["household_id", "pay_period"], how="inner")
    hit = m[list(EXCLUSION_FLAGS)].fillna(False).astype(bool).any(axis=1)
    m = m[hit.to_numpy()].set_index("index")
    mask = p.index.isin(m.index) & _means_tested(p, progs)
    m = m.loc[p.index[mask]]
    ev = []
    for r in m.to_dict("records"):
        fired = {k: True for k in EXCLUSION_FLAGS if bool(r[k]) and not pd.isna(r[k])}
        ev.append({"household_id": r["household_id"], "month": r["pay_period"],
                   "indicators": fired,
                   "extract": {k: r.get(f"{k}__extract") for k in fired if r.get(f"{k}__extract")}})
    return _rows(p, mask, "excluded_household", ev)


def cadre_relatives(p: pd.DataFrame, cadres: pd.DataFrame, progs: dict[str, Programme]) -> pd.DataFrame:
    c = (cadres.rename(columns={"period": "pay_period"})
         .groupby(["household_id", "pay_period"], as_index=False)
         .agg(cadres=("cadre_person_id", lambda s: sorted(set(s))),
              positions=("position", lambda s: sorted(set(s))),
              sources=("source", lambda s: sorted(set(s)))))
    m = p[["household_id", "pay_period", "person_id"]].reset_index().merge(
        c, on=["household_id", "pay_period"], how="inner").set_index("index")
    mask = p.index.isin(m.index) & _means_tested(p, progs)
    m = m.loc[p.index[mask]]
    ev = [{"household_id": r.household_id, "cadre_person_ids": r.cadres, "positions": r.positions,
           "cadre_records": r.sources, "payee_is_cadre": r.person_id in r.cadres}
          for r in m.itertuples()]
    return _rows(p, mask, "cadre_relative", ev)


def monthly_standard(programme: Programme, size: Any, when: dt.date, params: ParameterSet) -> int | None:
    """The programme's monthly standard in fen (None when it has none or the size is unknown)."""
    if not programme.standard:
        return None
    yearly = int(params.at(programme.standard, when))
    if programme.per == "household":
        if size is None or pd.isna(size) or int(size) <= 0:
            return None
        return int(size) * yearly // 12
    return yearly // 12


def above_standard(p: pd.DataFrame, progs: dict[str, Programme], params: ParameterSet) -> pd.DataFrame:
    std = np.full(len(p), -1, dtype=np.int64)
    refs: list[str | None] = [None] * len(p)
    for i, (code, period, size) in enumerate(zip(p["programme"], p["pay_period"], p["household_size"])):
        prog = progs.get(code)
        if prog is None or not prog.standard:
            continue
        when = dt.date.fromisoformat(f"{period}-01")
        s = monthly_standard(prog, size, when, params)
        if s is not None:
            std[i] = s
            refs[i] = prog.standard
    amount = p["amount_fen"].to_numpy(np.int64)
    mask = (std >= 0) & (amount > std)
    ev = []
    for i in np.flatnonzero(mask):
        prog = progs[p["programme"].iat[i]]
        when = dt.date.fromisoformat(f"{p['pay_period'].iat[i]}-01")
        value = params.get(prog.standard).at(when)  # type: ignore[arg-type]
        ev.append({"amount_fen": int(amount[i]), "standard_fen": int(std[i]),
                   "ratio": round(float(amount[i]) / std[i], 2) if std[i] else None,
                   "parameter": refs[i], "per": prog.per,
                   "household_size": None if prog.per != "household" else int(p["household_size"].iat[i]),
                   "reference": value.reference, "unverified": value.unverified})
    return _rows(p, mask, "above_standard", ev)


def find_anomalies(inputs: FundInputs, progs: dict[str, Programme] | None = None,
                   params: ParameterSet | None = None) -> pd.DataFrame:
    """Every (payment, anomaly) found, with its labels and evidence (JSON)."""
    progs = progs or programmes()
    params = params or standards()
    p = inputs.payments
    _check_columns(p, PAYMENT_COLUMNS, "payments")
    _check_columns(inputs.deaths, ("person_id", "death_date", "source"), "deaths")
    _check_columns(inputs.household_flags, ("household_id", "period", *EXCLUSION_FLAGS), "household_flags")
    _check_columns(inputs.cadres, ("household_id", "period", "cadre_person_id", "position", "source"), "cadres")
    p = p.reset_index(drop=True)
    parts = [unknown_payees(p), dead_payees(p, inputs.deaths), duplicate_payments(p),
             excluded_households(p, inputs.household_flags, progs),
             cadre_relatives(p, inputs.cadres, progs), above_standard(p, progs, params)]
    out = pd.concat([x for x in parts if len(x)], ignore_index=True) if any(len(x) for x in parts) \
        else pd.DataFrame(columns=OUTPUT_COLUMNS)
    order = {a: i for i, a in enumerate(ANOMALIES)}
    out = out.assign(_o=out["anomaly"].map(order)).sort_values(["file", "row", "_o"])
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


def summary(anomalies: pd.DataFrame, payments: int) -> dict[str, Any]:
    counts = anomalies["anomaly"].value_counts()
    return {"payments": int(payments),
            "payments_with_anomaly": int(anomalies[["file", "row"]].drop_duplicates().shape[0]),
            "anomalies": {a: int(counts.get(a, 0)) for a in ANOMALIES},
            "amount_fen": {a: int(anomalies.loc[anomalies["anomaly"] == a, "amount_fen"].sum())
                           for a in ANOMALIES}}
