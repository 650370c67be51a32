"""Household indicators for a period, from the registry and the validated extracts.

Everything is an Ibis expression over the workspace's Parquet files, executed once by the
engine: no per-household Python. A person-level record reaches its household through
``registry/record_links`` (record → person) and the household membership valid at the end of
the period (``registry/household_members``); a village-level record (water, emergency) through
the household's registered village. Formulas and sources: ``catalogue.INDICATORS``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from jingzhun.engine import Engine
from jingzhun.errors import ConfigError, PipelineError
from jingzhun.indicators.catalogue import INDICATORS
from jingzhun.policy.parameters import ParameterSet

PARAMETERS = Path(__file__).with_name("parameters.yaml")
CAR_TYPES = ("sedan", "small_passenger")
DIBAO_TYPES = ("rural_dibao", "urban_dibao")
DISABILITY_PROGRAMMES = ("disability_living", "disability_care")
OUTPATIENT_TYPES = ("outpatient", "chronic_outpatient")


# ---- periods ---------------------------------------------------------------------------
def check_period(period: str) -> str:
    try:
        dt.date.fromisoformat(f"{period}-01")
    except ValueError as exc:
        raise ConfigError(f"bad period {period!r}", where="--period", fix="write YYYY-MM") from exc
    return period


def shift(period: str, months: int) -> str:
    y, m = int(period[:4]), int(period[5:7])
    k = y * 12 + (m - 1) + months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def month_start(period: str) -> dt.date:
    return dt.date.fromisoformat(f"{period}-01")


def month_end(period: str) -> dt.date:
    return month_start(shift(period, 1)) - dt.timedelta(days=1)


# ---- table helpers ---------------------------------------------------------------------
def first_by(t: ibis.Table, by: list[str], order: list[Any]) -> ibis.Table:
    """One row per ``by`` group: the first in ``order`` (Ibis sort keys)."""
    w = ibis.window(group_by=[t[c] for c in by], order_by=order)
    m = t.mutate(_rn=ibis.row_number().over(w))
    return m.filter(m["_rn"] == 0).drop("_rn")


def in_window(col: Any, first: dt.date, last: dt.date) -> Any:
    return (col >= ibis.literal(first)) & (col <= ibis.literal(last))


def age_at(birth: Any, day: dt.date) -> Any:
    e = ibis.literal(day)
    later = (birth.month() > e.month()) | ((birth.month() == e.month()) & (birth.day() > e.day()))
    return e.year() - birth.year() - later.cast("int64")


@dataclass
class Sources:
    """The workspace's validated extracts and registry, as Ibis tables."""

    engine: Engine
    validated: dict[str, list[Path]]
    registry: Path

    def dept(self, name: str, upto: str) -> ibis.Table | None:
        paths = self.validated.get(name)
        if not paths:
            return None
        t = self.engine.read_parquet(paths)
        return t.filter(t["_period"] <= upto)

    def latest_extract(self, name: str, upto: str) -> ibis.Table | None:
        """Rows of the department's latest extract month up to ``upto``."""
        t = self.dept(name, upto)
        if t is None:
            return None
        return t.filter(t["_period"] == t["_period"].max())

    @cached_property
    def links(self) -> ibis.Table:
        t = self.engine.read_parquet(self.registry / "record_links.parquet")
        return t.select("department", "_file", "_row", "person_id")

    def linked(self, t: ibis.Table | None, name: str) -> ibis.Table | None:
        if t is None:
            return None
        links = self.links.filter(self.links["department"] == name).drop("department")
        return t.join(links, ["_file", "_row"])

    def persons(self) -> ibis.Table:
        p = self.engine.read_parquet(self.registry / "persons.parquet")
        return p.select("person_id", birth=p["birth_date"].cast("date"))

    def members(self, period: str) -> ibis.Table:
        hm = self.engine.read_parquet(self.registry / "household_members.parquet")
        live = hm.filter((hm["valid_from"] <= period)
                         & (hm["valid_to"].isnull() | (hm["valid_to"] > period)))
        live = first_by(live, ["person_id"], [ibis.desc(live["valid_from"]),
                                              ibis.desc(live["recorded"])])
        return live.select("person_id", "household_no", "relation_to_head", "county_code",
                           "township_code", "village_code")

    def hukou_events(self) -> ibis.Table:
        return self.engine.read_parquet(self.registry / "hukou_events.parquet")


def left(a: ibis.Table, b: ibis.Table, key: str) -> ibis.Table:
    """``a`` left-joined with ``b`` on ``key``, the key kept once."""
    j = a.left_join(b, key)
    return j.drop(f"{key}_right") if f"{key}_right" in j.columns else j


def _per_household(facts: ibis.Table | None, members: ibis.Table, **aggs: Any) -> ibis.Table | None:
    """Aggregate person-level ``facts`` (with ``person_id``) per household of ``members``."""
    if facts is None:
        return None
    j = facts.join(members.select("person_id", "household_no"), "person_id")
    return j.group_by("household_no").aggregate(**{k: f(j) for k, f in aggs.items()})


_NULL_TYPES = {"head_rural": "boolean", "any_rural": "boolean", "housing_safe": "boolean",
               "water_safe": "boolean",
               "roll_household_no": "string"}


def _null_type(column: str) -> str:
    if column.endswith("__extract") or column in ("roll_household_no",):
        return "string"
    return _NULL_TYPES.get(column, "int64")


class Frame:
    """A household frame and the per-household parts to left-join onto it.

    ``build()`` joins every part in one join chain (one SELECT, not a subquery per part: a
    deep nest of subqueries overflows the SQL generator's recursion) and then fills the
    defaults: missing values of a part become its default (``None`` keeps nulls); a part
    that is absent (``None``, its department has no extract) adds its columns as literals.
    """

    def __init__(self, base: ibis.Table) -> None:
        self.base = base
        self.parts: list[tuple[ibis.Table, str]] = []
        self.fill: dict[str, Any] = {}
        self.literals: dict[str, Any] = {}

    def attach(self, part: ibis.Table | None, defaults: dict[str, Any],
               key: str = "household_no") -> None:
        if part is None:
            self.literals.update(defaults)
            return
        self.parts.append((part, key))
        self.fill.update({k: v for k, v in defaults.items() if v is not None})

    def build(self) -> ibis.Table:
        t: Any = self.base
        keys = []
        for i, (part, key) in enumerate(self.parts):
            k = f"_k{i}"
            keys.append(k)
            part = part.rename({k: key})
            t = t.left_join(part, [t[key] == part[k]])
        t = t.drop(*keys) if keys else t
        return t.mutate(
            **{k: t[k].fill_null(v) for k, v in self.fill.items()},
            **{k: ibis.literal(v) if v is not None else ibis.null(_null_type(k))
               for k, v in self.literals.items()},
        )


# ---- income --------------------------------------------------------------------------------
def income_block(src: Sources, period: str, params: ParameterSet) -> ibis.Table:
    """Per household at ``period``: size, wage, transfers, department income, income check."""
    when = month_start(period)
    end = month_end(period)
    mem = src.members(period)
    people = left(mem, src.persons(), "person_id")
    people = people.mutate(age=age_at(people["birth"], end))
    base = mem.group_by("household_no").aggregate(size=mem.count())

    hrss = src.dept("hrss", period)
    jobs = None
    if hrss is not None:
        h = src.linked(hrss.filter(hrss["change_date"] <= ibis.literal(end)), "hrss")
        cur = first_by(h, ["person_id"], [ibis.desc(h["change_date"]), ibis.desc(h["_period"]),
                                          ibis.desc(h["_row"])])
        cur = cur.filter(cur["change_type"] != "separation")
        jobs = _per_household(cur, mem, wage=lambda j: (12 * j["monthly_wage_fen"]).sum())

    pay = src.linked(src.latest_extract("payroll", period), "payroll")
    payroll = _per_household(
        pay, mem,
        salary=lambda j: (12 * j["monthly_salary_fen"]).sum(where=j["staff_category"] == "active"),
        pension=lambda j: (12 * j["monthly_salary_fen"]).sum(where=j["staff_category"] == "retired"),
    )
    retired = None if pay is None else pay.filter(pay["staff_category"] == "retired").select(
        "person_id").distinct().mutate(_ret=ibis.literal(True))
    elderly = people.filter(people["age"] >= int(params.at("pension_age", when)))
    if retired is not None:
        elderly = left(elderly, retired, "person_id")
        elderly = elderly.filter(elderly["_ret"].isnull())
    basic = elderly.group_by("household_no").aggregate(
        basic_pension=elderly.count() * int(params.at("basic_pension_fen", when)))

    ca = src.linked(src.latest_extract("civil_affairs", period), "civil_affairs")
    assist = _per_household(
        ca, mem, assistance=lambda j: (12 * j["monthly_amount_fen"]).sum(),
        dibao=lambda j: j["assistance_type"].isin(DIBAO_TYPES).any(),
        tekun=lambda j: (j["assistance_type"] == "tekun").any(),
    )
    pm = src.linked(src.latest_extract("payments", period), "payments")
    dis = None
    if pm is not None:
        pm = pm.filter(pm["programme"].isin(DISABILITY_PROGRAMMES))
        pm = pm.group_by("person_id", "programme").aggregate(amount=pm["amount_fen"].max())
        dis = _per_household(pm, mem, disability_allowance=lambda j: (12 * j["amount"]).sum())

    ag = src.dept("agriculture", period)
    check = None
    if ag is not None and "income_per_capita_fen" in ag.columns:
        ag = src.linked(ag.filter(ag["income_per_capita_fen"].notnull()), "agriculture")
        ag = first_by(ag, ["person_id"], [ibis.desc(ag["_period"]), ibis.desc(ag["_row"])])
        j = ag.join(mem.select("person_id", "household_no"), "person_id")
        j = first_by(j, ["household_no"], [ibis.desc(j["_period"]), ibis.asc(j["person_id"])])
        check = j.select("household_no", declared=j["income_per_capita_fen"],
                         declared__extract=j["_period"])

    t = Frame(base)
    t.attach(jobs, {"wage": 0})
    t.attach(payroll, {"salary": 0, "pension": 0})
    t.attach(basic, {"basic_pension": 0})
    t.attach(assist, {"assistance": 0, "dibao": False, "tekun": False})
    t.attach(dis, {"disability_allowance": 0})
    t.attach(check, {"declared": None, "declared__extract": None})
    t = t.build()
    return t.mutate(
        wage_income_fen=(t["wage"] + t["salary"]).cast("int64"),
        transfer_income_fen=(t["pension"] + t["basic_pension"] + t["assistance"]
                             + t["disability_allowance"]).cast("int64"),
    ).mutate(
        department_income_fen=lambda s: s["wage_income_fen"] + s["transfer_income_fen"],
    )


# ---- the indicators ----------------------------------------------------------------------
def household_indicators(src: Sources, period: str, params: ParameterSet | None = None) -> ibis.Table:
    """The indicator table of every household registered at the end of ``period``."""
    check_period(period)
    params = params or ParameterSet.from_file(PARAMETERS)
    when = month_start(period)
    end = month_end(period)
    w3 = (month_start(shift(period, -2)), end)  # the last three months
    w12 = (month_start(shift(period, -11)), end)
    lo_age, hi_age = int(params.at("working_age_min", when)), int(params.at("working_age_max", when))
    mem = src.members(period)
    people = left(mem, src.persons(), "person_id")
    people = people.mutate(age=age_at(people["birth"], end))

    # household frame: size, head, area codes, rural
    heads = first_by(mem, ["household_no"], [ibis.desc(mem["relation_to_head"] == "head"),
                                             ibis.asc(mem["person_id"])])
    hk = src.linked(src.dept("hukou", period), "hukou")
    rural = None
    if hk is not None:
        last = first_by(hk, ["person_id"], [ibis.desc(hk["_period"]), ibis.desc(hk["_row"])])
        last = last.select("person_id", _rural=last["hukou_type"] == "rural")
        rm = mem.join(last, "person_id")
        rural = rm.group_by("household_no").aggregate(
            head_rural=rm["_rural"].any(where=rm["relation_to_head"] == "head"),
            any_rural=rm["_rural"].any())
    base = heads.select("household_no", "county_code", "township_code", "village_code")

    inc = income_block(src, period, params)
    prev = income_block(src, shift(period, -12), params)
    prev = prev.select("household_no", prev_size=prev["size"], prev_declared=prev["declared"],
                       prev_department=prev["department_income_fen"])
    t = Frame(base.join(inc, "household_no"))
    t.attach(prev, {"prev_size": None, "prev_declared": None, "prev_department": None})
    t.attach(rural, {"head_rural": None, "any_rural": None})

    # exclusion checks
    veh = src.dept("vehicles", period)
    if veh is not None:
        veh = src.linked(veh.filter(veh["vehicle_type"].isin(CAR_TYPES)
                                    & (veh["first_registration_date"] <= ibis.literal(end))), "vehicles")
    cars = _per_household(veh, mem, owns_car=lambda j: j.count() > 0,
                          owns_car__extract=lambda j: j["_period"].max())
    prop = src.dept("property", period)
    if prop is not None:
        prop = src.linked(prop.filter(prop["signed_date"] <= ibis.literal(end)), "property")
    houses = _per_household(prop, mem, owns_commercial_housing=lambda j: j.count() > 0,
                            owns_commercial_housing__extract=lambda j: j["_period"].max())
    mk = src.dept("market", period)
    if mk is not None:
        mk = first_by(mk, ["credit_code"], [ibis.desc(mk["_period"]), ibis.desc(mk["_row"])])
        mk = src.linked(mk.filter((mk["business_type"] == "company") & (mk["status"] == "active")),
                        "market")
    companies = _per_household(mk, mem, owns_company=lambda j: j.count() > 0,
                               owns_company__extract=lambda j: j["_period"].max())
    pay = src.linked(src.latest_extract("payroll", period), "payroll")
    if pay is not None:
        pay = pay.filter(pay["staff_category"] == "active")
    payroll = _per_household(pay, mem, public_payroll_member=lambda j: j.count() > 0,
                             public_payroll_member__extract=lambda j: j["_period"].max())
    cad = src.linked(src.latest_extract("village_cadres", period), "village_cadres")
    cadres = _per_household(cad, mem, village_cadre_member=lambda j: j.count() > 0,
                            village_cadre_member__extract=lambda j: j["_period"].max())
    roll = src.linked(src.latest_extract("roll", period), "roll")
    rolls = _per_household(
        roll, mem, _poor=lambda j: (j["roll_status"] == "poor").any(),
        _exited=lambda j: (j["roll_status"] == "exited").any(),
        roll_income_per_capita_fen=lambda j: j["income_per_capita_fen"].max(),
        roll_household_no=lambda j: j["roll_household_no"].max(),
        on_roll__extract=lambda j: j["_period"].max())
    for part, dflt in ((cars, "owns_car"), (houses, "owns_commercial_housing"),
                       (companies, "owns_company"), (payroll, "public_payroll_member"),
                       (cadres, "village_cadre_member")):
        t.attach(part, {dflt: False, f"{dflt}__extract": None})
    t.attach(rolls, {"_poor": False, "_exited": False, "roll_income_per_capita_fen": None,
                           "roll_household_no": None, "on_roll__extract": None})

    # 三保障 and water
    edu = src.linked(src.dept("education", period), "education")
    edu_part = edu_cost = dropouts = None
    if edu is not None:
        last = first_by(edu, ["person_id"], [ibis.desc(edu["_period"]), ibis.desc(edu["_row"])])
        last = last.join(people.select("person_id", "age"), "person_id")
        edu_part = _per_household(
            last, mem,
            compulsory_education_secure=lambda j: ~((j["enrolment_status"] == "dropped_out")
                                                   & j["age"].between(6, 15)).any(),
            compulsory_education_secure__extract=lambda j: j["_period"].max())
        costs = ibis.cases(
            (last["school_stage"] == "senior_secondary", int(params.at("school_cost_senior_fen", when))),
            (last["school_stage"] == "vocational_secondary", int(params.at("school_cost_vocational_fen", when))),
            (last["school_stage"] == "tertiary", int(params.at("school_cost_tertiary_fen", when))),
            else_=0)
        enrolled = last.filter(last["enrolment_status"] != "dropped_out").mutate(_cost=costs)
        edu_cost = _per_household(enrolled, mem, schooling_cost_12m_fen=lambda j: j["_cost"].sum())
        recent = edu.filter((edu["_period"] >= shift(period, -2))
                            & (edu["enrolment_status"] == "dropped_out"))
        dropouts = _per_household(recent, mem, dropout_3m=lambda j: j.count() > 0)
    t.attach(edu_part, {"compulsory_education_secure": True,
                              "compulsory_education_secure__extract": None})
    t.attach(edu_cost, {"schooling_cost_12m_fen": 0})
    t.attach(dropouts, {"dropout_3m": False})

    hs = src.dept("housing", period)
    housing = None
    if hs is not None:
        hs = src.linked(hs, "housing")
        hs = first_by(hs, ["person_id"], [ibis.desc(hs["_period"]), ibis.desc(hs["appraisal_date"])])
        safe = hs["danger_grade"].isin(("A", "B")) | (hs["renovation_status"] == "done")
        hs = hs.mutate(_safe=safe)
        housing = _per_household(hs, mem, housing_safe=lambda j: j["_safe"].all(),
                                 housing_safe__extract=lambda j: j["_period"].max())
    t.attach(housing, {"housing_safe": None, "housing_safe__extract": None})

    wa = src.dept("water", period)
    water = None
    if wa is not None:
        wa = first_by(wa, ["village_code"], [ibis.desc(wa["_period"]), ibis.desc(wa["_row"])])
        ok = (wa["quality_ok"].fill_null(False)
              & (wa["litres_per_person_day"] >= params.at("water_litres_min", when))
              & (wa["fetch_minutes"] <= params.at("water_fetch_minutes_max", when)))
        water = wa.select("village_code", water_safe=ok, water_safe__extract=wa["_period"])
    t.attach(water, {"water_safe": None, "water_safe__extract": None}, key="village_code")

    # health, disability, labour
    hl = src.linked(src.dept("health", period), "health")
    ill = new_ill = None
    if hl is not None:
        hl = hl.filter(hl["diagnosis_date"] <= ibis.literal(end))
        ill = hl.select("person_id").distinct().mutate(_ill=ibis.literal(True))
        new_ill = _per_household(hl.filter((hl["case_type"] == "new")
                                           & in_window(hl["diagnosis_date"], *w3)),
                                 mem, new_serious_illness_3m=lambda j: j.count() > 0)
    dz = src.linked(src.dept("disability", period), "disability")
    dis = new_dis = None
    if dz is not None:
        dz = dz.filter(dz["issue_date"] <= ibis.literal(end))
        dis = dz.group_by("person_id").aggregate(
            _dis=ibis.literal(True), _severe=dz["disability_grade"].isin(("1", "2")).any())
        new_dis = _per_household(dz.filter((dz["change_type"] == "new")
                                           & in_window(dz["issue_date"], *w3)),
                                 mem, new_disability_3m=lambda j: j.count() > 0)
    pp = people
    if ill is not None:
        pp = left(pp, ill, "person_id")
    else:
        pp = pp.mutate(_ill=ibis.literal(False))
    if dis is not None:
        pp = left(pp, dis, "person_id")
    else:
        pp = pp.mutate(_dis=ibis.literal(False), _severe=ibis.literal(False))
    pp = pp.mutate(_ill=pp["_ill"].fill_null(False), _dis=pp["_dis"].fill_null(False),
                   _severe=pp["_severe"].fill_null(False),
                   _working=pp["age"].between(lo_age, hi_age - 1))
    labour = pp.group_by("household_no").aggregate(
        labour_count=(pp["_working"] & ~pp["_ill"] & ~pp["_severe"]).sum().cast("int64"),
        _working_n=pp["_working"].sum().cast("int64"),
        _dependants=(pp["age"].notnull() & ~pp["_working"]).sum().cast("int64"),
        serious_illness_member=pp["_ill"].any(), disabled_member=pp["_dis"].any())
    t.attach(labour, {"labour_count": 0, "_working_n": 0, "_dependants": 0,
                            "serious_illness_member": False, "disabled_member": False})
    t.attach(new_ill, {"new_serious_illness_3m": False})
    t.attach(new_dis, {"new_disability_3m": False})

    # medical costs
    mi = src.dept("medical_insurance", period)
    med = None
    if mi is not None:
        mi = src.linked(mi.filter(in_window(mi["settlement_date"], w12[0], end)), "medical_insurance")
        mi = mi.mutate(_ytd=in_window(mi["settlement_date"], dt.date(when.year, 1, 1), end),
                       _month=in_window(mi["settlement_date"], when, end))
        med = _per_household(
            mi, mem,
            oop_12m_fen=lambda j: j["out_of_pocket_fen"].sum(),
            oop_inpatient_ytd_fen=lambda j: j["out_of_pocket_fen"].sum(
                where=j["_ytd"] & (j["medical_type"] == "inpatient")),
            oop_outpatient_month_fen=lambda j: j["out_of_pocket_fen"].sum(
                where=j["_month"] & j["medical_type"].isin(OUTPATIENT_TYPES)))
    t.attach(med, {"oop_12m_fen": 0, "oop_inpatient_ytd_fen": 0, "oop_outpatient_month_fen": 0})

    # shocks
    jl = src.dept("hrss", period)
    jobs_lost = None
    if jl is not None:
        jl = src.linked(jl.filter((jl["change_type"] == "separation")
                                  & in_window(jl["change_date"], *w3)), "hrss")
        jobs_lost = _per_household(jl, mem, job_loss_3m=lambda j: j.count() > 0)
    t.attach(jobs_lost, {"job_loss_3m": False})
    em = src.dept("emergency", period)
    if em is not None:
        em = em.filter(in_window(em["occurred_date"], *w3))
        dis_v = em.group_by("village_code").aggregate(disaster_3m=em.count() > 0)
    else:
        dis_v = None
    t.attach(dis_v, {"disaster_3m": False}, key="village_code")
    ev = src.hukou_events()
    deaths = ev.filter((ev["change_type"] == "death") & (ev["valid_month"] >= shift(period, -2))
                       & (ev["valid_month"] <= period))
    deaths = deaths.join(src.persons(), "person_id")
    deaths = deaths.filter(age_at(deaths["birth"], end).between(lo_age, hi_age - 1))
    died = deaths.group_by("household_no").aggregate(main_earner_died_3m=deaths.count() > 0)
    t.attach(died, {"main_earner_died_3m": False})

    # derived
    t = t.build()
    size = t["size"]
    # department records miss farm, business and property income: for a rural household they
    # are only a lower bound, so without an income check its income stays unknown (null)
    rural_hukou = ibis.coalesce(t["head_rural"], t["any_rural"])
    dept_pc = (t["department_income_fen"] / size).floor().cast("int64")
    per_capita = ibis.coalesce(t["declared"], ibis.ifelse(rural_hukou.fill_null(True),
                                                          ibis.null("int64"), dept_pc))
    prev_total = t["prev_declared"] * t["prev_size"]
    drop = ibis.ifelse(t["prev_department"] > 0,
                       ibis.greatest(0.0, 1.0 - t["department_income_fen"] / t["prev_department"]),
                       ibis.null("float64"))
    t = t.mutate(
        household_id=t["household_no"],
        rural_hukou=rural_hukou,
        declared_income_per_capita_fen=t["declared"],
        declared_income_per_capita_fen__extract=t["declared__extract"],
        per_capita_net_income_fen=per_capita,
        per_capita_net_income_fen__extract=ibis.coalesce(t["declared__extract"], ibis.literal(period)),
        income_source=ibis.cases((t["declared"].notnull(), "income_check"),
                                 (per_capita.notnull(), "department_records"),
                                 else_="unknown"),
        net_income_prev_12m_fen=prev_total.cast("int64"),
        income_drop_share=drop,
        on_roll=t["_poor"],
        exited_poverty=t["_exited"] & ~t["_poor"],
        exited_poverty__extract=t["on_roll__extract"],
        food_clothing_secure=ibis.null("boolean"),
        basic_medical_secure=ibis.null("boolean"),
        dependency_ratio=ibis.ifelse(t["_working_n"] > 0, t["_dependants"] / t["_working_n"],
                                     ibis.null("float64")),
        rigid_spending_12m_fen=(t["oop_12m_fen"] + t["schooling_cost_12m_fen"]).cast("int64"),
        rigid_spending_unresolved=ibis.null("boolean"),
        monitored=ibis.null("boolean"),
        months_monitored=ibis.null("int64"),
        months_income_above_range=ibis.null("int64"),
        measures_received=ibis.null("int64"),
        period=ibis.literal(period),
    )
    cols = ["household_id", "period"]
    for ind in INDICATORS:
        if ind.name == "household_id":
            continue
        cols.append(ind.name)
        if ind.extract:
            cols.append(f"{ind.name}__extract")
    return t.select(*cols).order_by("household_id")


def sources_for(ws: Any) -> Sources:
    """The Sources of a workspace whose registry stage has run."""
    from jingzhun.pipeline.stages import department_files

    reg = ws.zone("registry")
    if not (reg / "household_members.parquet").exists():
        raise PipelineError("the registry has not been built", where=str(reg),
                         fix="run `jingzhun run --workspace W` first")
    return Sources(ws.engine, department_files(ws, "validated"), reg)


def compute(ws: Any, period: str) -> pa.Table:
    """Indicators of ``period`` as an Arrow table (sorted by household)."""
    src = sources_for(ws)
    return ws.engine.to_arrow(household_indicators(src, period))
