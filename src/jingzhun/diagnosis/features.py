"""Household features for cause diagnosis and pattern discovery, beyond the indicator table.

Everything comes from the workspace (registry and validated extracts, through
``jingzhun.indicators.build.Sources``) as of the end of a period, never from ground truth.
Each column is documented in ``FEATURES`` (name → zh/en label, formula, source departments),
which docs/diagnosis.md prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.indicators.build import Sources, check_period, month_end, month_start, shift

# hukou education codes (attained level), ordered
EDUCATION_ORDER = {"illiterate": 0, "preschool": 0, "primary": 1, "junior_secondary": 2,
                   "senior_secondary": 3, "vocational_secondary": 3, "tertiary": 4}
HIGHER_STAGES = ("senior_secondary", "vocational_secondary", "tertiary")
GUIYANG = (106.63, 26.65)  # provincial capital, from jingzhun.geo (public coordinates)


@dataclass(frozen=True)
class Feature:
    label_zh: str
    label_en: str
    formula: str
    sources: str


FEATURES: dict[str, Feature] = {
    "head_age": Feature("户主年龄", "head's age", "age of the registered head at the end of the "
                        "period (registry birth date)", "hukou"),
    "head_education_level": Feature(
        "户主文化程度", "head's education (0 illiterate … 4 tertiary)",
        "latest hukou education of the head, ranked illiterate/preschool 0, primary 1, junior 2, "
        "senior/vocational 3, tertiary 4", "hukou"),
    "n_children": Feature("未成年人数", "members under 16", "members aged < 16", "hukou"),
    "n_elderly": Feature("老年人数", "members aged 60+", "members aged ≥ 60", "hukou"),
    "n_working_age": Feature("劳动年龄人数", "members aged 16–59", "members aged 16–59", "hukou"),
    "n_students_higher": Feature(
        "高中及以上在读人数", "members in senior, vocational or tertiary education",
        "members enrolled in senior/vocational/tertiary education on their latest education "
        "record up to the period; without any education record, members aged 16–22 with no job "
        "record (proxy: the education list only covers subsidised pupils and is quarterly)",
        "education, hukou, hrss"),
    "n_chronic": Feature("慢性病人数", "members with a chronic illness",
                         "members with a chronic out-patient settlement in the last 12 months",
                         "medical_insurance"),
    "n_serious": Feature("大病人数", "members with a serious illness",
                         "members with a serious-illness case on the register", "health"),
    "n_disabled_severe": Feature("重度残疾人数", "members with a grade 1–2 disability",
                                 "members with a grade 1 or 2 disability certificate", "disability"),
    "n_disabled": Feature("残疾人数", "members with a disability certificate",
                          "members with any disability certificate", "disability"),
    "n_normal_labour": Feature(
        "普通劳动力人数", "members with normal labour capacity",
        "members aged 16–59, not in senior/vocational/tertiary education, without a serious or "
        "chronic illness and without a disability certificate (the roll's 普通劳动力)",
        "hukou, health, medical_insurance, disability, education"),
    "n_jobs": Feature("就业人数", "members with a current job",
                      "members whose latest employment record is not a separation", "hrss"),
    "n_migrant": Feature("外出务工人数", "members working away",
                         "members whose current job is migrant work (in or out of the province)", "hrss"),
    "land_mu": Feature("承包地面积（亩）", "contracted land (mu)",
                       "contracted land of the head on the latest agriculture extract", "agriculture"),
    "remote_village": Feature(
        "偏远村", "village far from the market town (proxy)",
        "a 村 (code 200–399) outside the county's seat township (its lowest township code), in "
        "a county whose expected distance to market, 2 × (2.5 + 6 × remoteness) km, is at least "
        "remote_km; remoteness = 0.7 × distance to 贵阳 / the largest such distance + 0.3 if "
        "the unit is a county (core districts 0). The village's own distance is in no extract",
        "hukou (codes), geo (public coordinates)"),
    "expected_km_to_market": Feature(
        "预计到集镇距离（公里）", "expected distance to the market town (km, proxy)",
        "1.75 km in seat townships and communities; else 2 × (2.5 + 6 × county remoteness)",
        "hukou (codes), geo"),
}


def _age(birth: pd.Series, day: pd.Timestamp) -> pd.Series:
    return (day - pd.to_datetime(birth)).dt.days / 365.25


def county_remoteness() -> pd.DataFrame:
    """County remoteness from public geography: distance to 贵阳 and the kind of unit."""
    from jingzhun.geo import guizhou_divisions

    div = guizhou_divisions()
    km = np.hypot((div["lon"] - GUIYANG[0]) * 100 * math.cos(math.radians(26.6)),
                  (div["lat"] - GUIYANG[1]) * 111)
    rem = km / km.max() * 0.7 + np.where(div["kind"].eq("county"), 0.3, 0.0)
    rem = np.where(div["kind"].eq("core"), 0.0, rem)
    return pd.DataFrame({"county_code": div["county_code"], "remoteness": rem})


def _linked(src: Sources, name: str, period: str, cols: list[str]) -> pd.DataFrame | None:
    t = src.linked(src.dept(name, period), name)
    if t is None:
        return None
    return src.engine.to_arrow(t.select("person_id", "_period", "_row", *cols)).to_pandas()


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["_period", "_row"]).drop_duplicates("person_id", keep="last")


def person_facts(src: Sources, period: str) -> pd.DataFrame:
    """One row per member at the end of ``period`` with the person-level facts."""
    check_period(period)
    end = pd.Timestamp(month_end(period))
    w12 = month_start(shift(period, -11))
    mem = src.engine.to_arrow(src.members(period)).to_pandas()
    persons = src.engine.to_arrow(src.persons()).to_pandas()
    p = mem.merge(persons, on="person_id", how="left")
    p["age"] = _age(p["birth"], end)
    hk = _linked(src, "hukou", period, ["education"])
    edu = _latest(hk.dropna(subset=["education"])) if hk is not None else None
    p["education_level"] = (p["person_id"].map(edu.set_index("person_id")["education"]
                                               .map(EDUCATION_ORDER)) if edu is not None else np.nan)
    health = _linked(src, "health", period, ["diagnosis_date"])
    serious = set(health.loc[pd.to_datetime(health["diagnosis_date"]) <= end, "person_id"]) \
        if health is not None else set()
    med = _linked(src, "medical_insurance", period, ["medical_type", "settlement_date"])
    chronic: set[Any] = set()
    if med is not None:
        sd = pd.to_datetime(med["settlement_date"])
        chronic = set(med.loc[(med["medical_type"] == "chronic_outpatient")
                              & (sd >= pd.Timestamp(w12)) & (sd <= end), "person_id"])
    dis = _linked(src, "disability", period, ["disability_grade", "issue_date"])
    dis_any: set[Any] = set()
    dis_severe: set[Any] = set()
    if dis is not None:
        dis = dis[pd.to_datetime(dis["issue_date"]) <= end]
        dis_any = set(dis["person_id"])
        dis_severe = set(dis.loc[dis["disability_grade"].astype(str).isin(["1", "2"]), "person_id"])
    ed = _linked(src, "education", period, ["school_stage", "enrolment_status"])
    student_known: dict[Any, bool] = {}
    if ed is not None:
        last = _latest(ed)
        student_known = dict(zip(last["person_id"], last["school_stage"].isin(HIGHER_STAGES)
                                 & (last["enrolment_status"] != "dropped_out"), strict=True))
    jobs = _linked(src, "hrss", period, ["change_type", "employment_type"])
    employed: set[Any] = set()
    migrant: set[Any] = set()
    ever_job: set[Any] = set()
    if jobs is not None:
        ever_job = set(jobs["person_id"])
        last = _latest(jobs)
        cur = last[last["change_type"] != "separation"]
        employed = set(cur["person_id"])
        migrant = set(cur.loc[cur["employment_type"].fillna("").str.startswith("migrant"),
                              "person_id"])
    pid = p["person_id"]
    p["serious"] = pid.isin(serious)
    p["chronic"] = pid.isin(chronic) & ~p["serious"]
    p["disabled"] = pid.isin(dis_any)
    p["disabled_severe"] = pid.isin(dis_severe)
    proxy_student = p["age"].between(16, 22, inclusive="left") & ~pid.isin(ever_job)
    p["student_higher"] = pid.map(student_known).astype("boolean").fillna(proxy_student).astype(bool)
    p["employed"] = pid.isin(employed)
    p["migrant"] = pid.isin(migrant)
    p["normal_labour"] = (p["age"].between(16, 60, inclusive="left") & ~p["student_higher"]
                          & ~p["serious"] & ~p["chronic"] & ~p["disabled"])
    return p


def household_features(src: Sources, period: str, *, remote_km: float = 15.0) -> pd.DataFrame:
    """One row per household (``household_id`` = 户号) with the columns of ``FEATURES``."""
    p = person_facts(src, period)
    p["child"] = p["age"] < 16
    p["elderly"] = p["age"] >= 60
    p["working_age"] = ~p["child"] & ~p["elderly"]
    g = p.groupby("household_no")
    out = pd.DataFrame(index=g.size().index)
    for col, flag in (("n_children", "child"), ("n_elderly", "elderly"),
                      ("n_working_age", "working_age"), ("n_students_higher", "student_higher"), ("n_chronic", "chronic"),
                      ("n_serious", "serious"), ("n_disabled_severe", "disabled_severe"),
                      ("n_disabled", "disabled"), ("n_normal_labour", "normal_labour"),
                      ("n_jobs", "employed"), ("n_migrant", "migrant")):
        out[col] = g[flag].sum().astype("int64")
    heads = p.sort_values(["household_no", "relation_to_head", "person_id"],
                          key=lambda s: s.ne("head") if s.name == "relation_to_head" else s)
    heads = heads.drop_duplicates("household_no").set_index("household_no")
    out["head_age"] = heads["age"].round(1)
    out["head_education_level"] = heads["education_level"]
    ag = _linked(src, "agriculture", period, ["contracted_land_mu"])
    if ag is not None:
        land = _latest(ag).set_index("person_id")["contracted_land_mu"]
        out["land_mu"] = heads["person_id"].map(land)
    else:
        out["land_mu"] = np.nan
    out = out.reset_index().rename(columns={"household_no": "household_id"})
    geo = heads[["county_code", "township_code", "village_code"]].reset_index().rename(
        columns={"household_no": "household_id"})
    out = out.merge(geo, on="household_id", how="left")
    out = out.merge(county_remoteness(), on="county_code", how="left")
    seat = out.groupby("county_code")["township_code"].transform("min")
    village_no = pd.to_numeric(out["village_code"].str[-3:], errors="coerce")
    is_cun = village_no >= 200
    out["expected_km_to_market"] = np.where(
        (out["township_code"] == seat) | ~is_cun, 1.75,
        2 * (2.5 + 6 * out["remoteness"].fillna(0.0))).round(2)
    out["remote_village"] = out["expected_km_to_market"] >= remote_km
    return out.drop(columns=["county_code", "township_code", "village_code"])


def roll_causes(src: Sources, period: str) -> pd.DataFrame:
    """The causes recorded on the latest 建档立卡 roll up to ``period``, per household of the
    registry (the head's roll row first): roll_main_cause, roll_other_cause_1/2, roll_status."""
    cols = ["main_cause", "other_cause_1", "other_cause_2", "roll_status", "relation_to_head"]
    t = src.linked(src.latest_extract("roll", period), "roll")
    if t is None:
        return pd.DataFrame(columns=["household_id", *(f"roll_{c}" for c in cols[:3]),
                                     "roll_status"])
    r = src.engine.to_arrow(t.select("person_id", *cols)).to_pandas()
    mem = src.engine.to_arrow(src.members(period).select("person_id", "household_no")).to_pandas()
    r = r.merge(mem, on="person_id")
    r = r.sort_values(["household_no", "relation_to_head"],
                      key=lambda s: s.ne("head") if s.name == "relation_to_head" else s)
    r = r.drop_duplicates("household_no")
    return pd.DataFrame({"household_id": r["household_no"].to_numpy(),
                         "roll_main_cause": r["main_cause"].to_numpy(),
                         "roll_other_cause_1": r["other_cause_1"].to_numpy(),
                         "roll_other_cause_2": r["other_cause_2"].to_numpy(),
                         "roll_status": r["roll_status"].to_numpy()})


def diagnosis_table(src: Sources, period: str, indicators: pd.DataFrame | None = None,
                    **kwargs: Any) -> pd.DataFrame:
    """The indicator table of ``period`` joined with ``household_features``."""
    if indicators is None:
        from jingzhun.indicators.build import household_indicators

        indicators = src.engine.to_arrow(household_indicators(src, period)).to_pandas()
    feats = household_features(src, period, **kwargs)
    return indicators.merge(feats, on="household_id", how="left")


__all__ = ["FEATURES", "Feature", "county_remoteness", "diagnosis_table", "household_features",
           "person_facts", "roll_causes"]
