"""医保 settlements, 卫健 serious-illness register, 残联 disability certificates."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from jingzhun.synth.departments.common import area_cols, late_delays, person_cols
from jingzhun.synth.extract import (
    Extract,
    column,
    concat,
    encode,
    fmt_date,
    load_contract,
    money,
    lookup,
    s,
    zpad,
)
from jingzhun.synth.rng import substream
from jingzhun.synth.world import World

DIAG_OUT = np.array(["上呼吸道感染", "急性胃肠炎", "腰椎间盘突出", "关节炎", "支气管炎", "皮炎",
                     "牙周炎", "头痛"])
DIAG_CHRONIC = np.array(["高血压", "2型糖尿病", "慢性阻塞性肺疾病", "冠心病", "类风湿关节炎"])
DIAG_IN = np.array(["肺炎", "骨折", "阑尾炎", "胆囊炎", "分娩", "脑供血不足", "肾结石"])
DIAG_SERIOUS = np.array(["恶性肿瘤", "脑梗死", "慢性肾衰竭", "急性心肌梗死", "白血病",
                         "重度精神障碍"])
HOSP = np.array(["人民医院", "中医院", "第二人民医院", "妇幼保健院"])


def medical_insurance(w: World) -> Iterator[Extract]:
    c = load_contract("medical_insurance")
    rng = substream(w.cfg.seed, "dept:medical_insurance")
    p = w.p
    cl = w.hist.tables["claims"]
    month = cl["month"].to_numpy()
    bounds = np.searchsorted(month, np.arange(w.M + 1))
    dates = {"birth_date": ("%Y-%m-%d", "%Y%m%d"),
             "settlement_date": ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"),
             "admission_date": ("%Y-%m-%d", None), "discharge_date": ("%Y-%m-%d", None)}
    for m in range(w.M):
        e = cl.iloc[bounds[m]:bounds[m + 1]]
        n = len(e)
        pids = e["person"].to_numpy()
        h = p["household"][pids]
        kind = e["kind"].to_numpy()
        serious = e["serious"].to_numpy()
        cols = person_cols(w, c, pids, "%Y-%m-%d")
        cols["settlement_id"] = concat("S", w.cfg.period(m), zpad(e["claim_no"].to_numpy(), 10))
        cols["insured_no"] = s(p["insured_no"][pids])
        cols["insurance_type"] = lookup(encode(c, "insurance_type", ["employee", "resident"]),
                                        (~e["employee"].to_numpy()).astype(np.int64))
        cols["medical_type"] = lookup(encode(c, "medical_type", [
            "outpatient", "chronic_outpatient", "inpatient"]), kind)
        r = rng.random(n)
        dtab = pa.array(list(DIAG_OUT) + list(DIAG_CHRONIC) + list(DIAG_SERIOUS) + list(DIAG_IN))
        o1, o2, o3 = len(DIAG_OUT), len(DIAG_OUT) + len(DIAG_CHRONIC), \
            len(DIAG_OUT) + len(DIAG_CHRONIC) + len(DIAG_SERIOUS)
        didx = np.select([kind == 0, kind == 1, serious],
                         [(r * len(DIAG_OUT)).astype(int), o1 + (r * len(DIAG_CHRONIC)).astype(int),
                          o2 + (r * len(DIAG_SERIOUS)).astype(int)],
                         o3 + (r * len(DIAG_IN)).astype(int))
        diag = dtab.take(pa.array(didx))
        cols["diagnosis"] = diag
        v = w.village_of(h, m)
        ci = w.county_index(v)
        table = pa.array([cn + hn for cn in w.div["county_name"] for hn in HOSP]
                         + ["贵州医科大学附属医院"], pa.string())
        hidx = np.where(serious, len(table) - 1, ci * len(HOSP) + e["hospital"].to_numpy() % 4)
        cols["hospital_name"] = table.take(pa.array(hidx))
        settle = w.month_start(m) + e["settle_day"].to_numpy().astype("timedelta64[D]")
        los = e["los"].to_numpy().astype("timedelta64[D]")
        cols["admission_date"] = fmt_date(settle - los, "%Y-%m-%d")
        cols["discharge_date"] = fmt_date(settle, "%Y-%m-%d")
        cols["settlement_date"] = fmt_date(settle, "%Y-%m-%d %H:%M:%S",
                                           times=rng.integers(8 * 3600, 18 * 3600, n))
        for f, src in (("total_fen", "total_fen"), ("fund_paid_fen", "fund_fen"),
                       ("medical_assistance_fen", "assist_fen"),
                       ("out_of_pocket_fen", "oop_fen")):
            cols[f] = money(e[src].to_numpy(), "parquet")
        cols["county_code"] = w.text("county_code").take(pa.array(v))
        yield Extract("medical_insurance", w.cfg.period(m), cols, pids.astype(np.int64),
                      date_fields=dates)


def _disease(rng: np.random.Generator, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    n = age.size
    adult = rng.integers(2, 12, n)  # 03..12 (index 2..11)
    adult = np.where(male & np.isin(adult, [3, 4]), 6, adult)  # no cervical/breast for men
    return np.where(age < 15, rng.integers(0, 2, n), adult)


def health(w: World) -> Iterator[Extract]:
    c = load_contract("health")
    rng = substream(w.cfg.seed, "dept:health")
    p = w.p
    diseases = list(column(c, "disease")["codes"].values())
    stock = np.flatnonzero((p["health"] == 2) & w.alive(0) & (p["born_month"] < 0))
    new = np.flatnonzero(p["ill_month"] >= 0)
    lated = late_delays(rng, new.size, w.cfg.defects.late_report)
    delay = rng.integers(0, 2, new.size) + lated
    report = p["ill_month"][new] + delay
    dates = {"birth_date": ("%Y-%m-%d", "%Y/%m/%d"), "diagnosis_date": ("%Y-%m-%d", "%Y/%m/%d")}
    for m in range(w.M):
        if m == 0:
            pids = stock
            diag = w.month_start(0) - rng.integers(30, 2000, pids.size).astype("timedelta64[D]")
            late = np.zeros(pids.size, bool)
            ctype = 0
        else:
            sel = report == m
            pids = new[sel]
            diag = w.starts_of(p["ill_month"][pids]) + rng.integers(0, 28, pids.size).astype(
                "timedelta64[D]")
            late = lated[sel] > 0
            ctype = 1
        if pids.size == 0:
            continue
        h = p["household"][pids]
        cols = person_cols(w, c, pids, "%Y-%m-%d")
        ac = area_cols(w, h, m)
        cols["case_no"] = concat("DB", ac["county_code"], w.cfg.period(m),
                                 zpad(np.arange(pids.size), 6))
        age = (w.month_start(m) - p["birth"][pids]).astype(np.int64) / 365.25
        cols["disease"] = lookup(encode(c, "disease", diseases),
                                 _disease(rng, age, p["male"][pids]))
        cols["diagnosis_date"] = fmt_date(diag, "%Y-%m-%d")
        cols["hospital_name"] = s(np.array(["贵州医科大学附属医院", "贵州省人民医院", "遵义医科大学附属医院",
                                            "贵州省肿瘤医院"])[rng.integers(0, 4, pids.size)])
        cols["county_code"] = ac["county_code"]
        cols["village_code"] = ac["village_code"]
        cols["case_type"] = lookup(encode(c, "case_type", ["stock", "new"]),
                                   np.full(pids.size, ctype))
        yield Extract("health", w.cfg.period(m), cols, pids.astype(np.int64), late=late,
                      late_field="diagnosis_date", date_fields=dates)


def disability(w: World) -> Iterator[Extract]:
    c = load_contract("disability")
    rng = substream(w.cfg.seed, "dept:disability")
    p = w.p
    types = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
    stock = np.flatnonzero((p["disability"] > 0) & w.alive(0) & (p["born_month"] < 0))
    dates = {"issue_date": ("%Y/%m/%d", "%Y%m%d")}
    for m in range(w.M):
        if m == 0:
            pids = stock
            kind = p["disability_kind"][pids]
            grade = p["disability"][pids]
            issued = w.month_start(0) - rng.integers(30, 4000, pids.size).astype("timedelta64[D]")
            ctype = 0
        else:
            pids = np.flatnonzero((p["cert_month"] == m) & w.alive(m))
            kind = p["dis_kind_new"][pids]
            grade = p["dis_grade_new"][pids]
            issued = w.month_start(m) + rng.integers(0, 28, pids.size).astype("timedelta64[D]")
            ctype = 1
        if pids.size == 0:
            continue
        h = p["household"][pids]
        cols = person_cols(w, c, pids)
        cols["certificate_no"] = concat(s(p["id18"][pids]), s(kind.astype(np.int64)),
                                        s(grade.astype(np.int64)))
        cols["disability_type"] = lookup(encode(c, "disability_type", types), kind - 1)
        cols["disability_grade"] = lookup(encode(c, "disability_grade", ["1", "2", "3", "4"]),
                                          grade - 1)
        cols["issue_date"] = fmt_date(issued, "%Y/%m/%d")
        cols["address"] = w.address(h, m)
        cols["county_code"] = area_cols(w, h, m)["county_code"]
        cols["change_type"] = lookup(encode(c, "change_type", ["stock", "new"]),
                                     np.full(pids.size, ctype))
        yield Extract("disability", w.cfg.period(m), cols, pids.astype(np.int64),
                      date_fields=dates)
