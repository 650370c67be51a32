"""人社 employment records and 财政供养 public payroll."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.synth.departments.common import late_delays, person_cols
from jingzhun.synth.departments.registry import _yearly_months
from jingzhun.synth.extract import (
    Extract,
    concat,
    encode,
    fmt_date,
    fmt_yuan,
    load_contract,
    money,
    lookup,
    s,
    zpad,
)
from jingzhun.synth.rng import substream
from jingzhun.synth.world import World

OUT_REGIONS = np.array(["浙江省宁波市", "浙江省温州市", "广东省东莞市", "广东省深圳市", "广东省佛山市",
                        "福建省泉州市", "江苏省苏州市", "上海市", "重庆市", "云南省昆明市"])
IN_REGIONS = np.array(["贵州省贵阳市", "贵州省遵义市", "贵州省六盘水市", "贵州省毕节市", "贵州省凯里市"])
FIRMS = np.array(["电子", "服装", "建筑", "物流", "鞋业", "五金", "家具", "食品", "餐饮", "保洁"])
EMP_TYPES = ["local_wage", "migrant_in_province", "migrant_out_province", "public_welfare_post"]


def _employer(rng: np.random.Generator, kind: np.ndarray, place_idx: np.ndarray,
              places: pa.Array, county_idx: np.ndarray, counties: pa.Array) -> pa.Array:
    """Employer names from small tables (no per-row Python strings)."""
    n = kind.size
    tags = pa.array(list("华鑫盛达宏源恒泰富祥"))
    tags2 = pa.array(list("兴丰瑞安顺成昌隆佳和"))
    firms = pa.array(list(FIRMS))
    name = concat(places.take(pa.array(place_idx)), tags.take(pa.array(rng.integers(0, 10, n))),
                  tags2.take(pa.array(rng.integers(0, 10, n))),
                  firms.take(pa.array(rng.integers(0, len(FIRMS), n))), "有限公司")
    post = concat(counties.take(pa.array(county_idx)), "生态护林员管护站")
    return pc.if_else(pa.array(kind == 4), post, name)


def hrss(w: World) -> Iterator[Extract]:
    c = load_contract("hrss")
    rng = substream(w.cfg.seed, "dept:hrss")
    p = w.p
    jobs = w.hist.tables["jobs"]
    jobs = jobs[jobs["kind"].between(1, 3)].reset_index(drop=True)
    # public welfare posts from the employment measures (head of household hired)
    ms = w.hist.tables["measures"]
    emp = ms[ms["measure"] == "employment"]
    heads = w.hh["head"][emp["household"].to_numpy()]
    posts = pd.DataFrame({"person": heads, "event": "hire", "month": emp["effect"].to_numpy(),
                          "kind": 4, "wage_fen": emp["uplift_fen"].to_numpy()})
    posts = posts[posts["month"] < w.M]
    ev = pd.concat([jobs, posts], ignore_index=True)
    delay = np.where(ev["event"].to_numpy() == "stock", 0,
                     late_delays(rng, len(ev), w.cfg.defects.late_report))
    ev["report"] = np.maximum(ev["month"].to_numpy(), 0) + delay
    chg = ev[(ev["event"] != "stock") & (ev["kind"] != 4)]
    w.info.setdefault("signals", []).append(pd.DataFrame({
        "type": np.where(chg["event"].to_numpy() == "separation", "job_loss", "job_found"),
        "person_id": chg["person"].to_numpy(), "month": chg["month"].to_numpy(),
        "signal_month": chg["report"].to_numpy()}))
    ev["late"] = delay > 0
    ev["day"] = rng.integers(0, 28, len(ev))
    reg_i = np.where(ev["kind"].to_numpy() == 3, rng.integers(0, len(OUT_REGIONS), len(ev)),
                     len(OUT_REGIONS) + rng.integers(0, len(IN_REGIONS), len(ev)))
    insured = rng.random(len(ev)) < 0.6
    dates = {"birth_date": ("%Y-%m-%d", "%Y/%m/%d"), "change_date": ("%Y-%m-%d", "%Y/%m/%d")}
    cnames = list(w.div["county_name"])
    regions = pa.array(list(OUT_REGIONS) + list(IN_REGIONS) + ["贵州省" + x for x in cnames])
    short = [r[3:5] if len(r) > 4 else r[:2] for r in list(OUT_REGIONS) + list(IN_REGIONS)]
    places = pa.array(short + cnames)
    counties = w.county_text("county_name")
    nfix = len(OUT_REGIONS) + len(IN_REGIONS)
    for m in range(w.M):
        sel = np.flatnonzero(ev["report"].to_numpy() == m)
        if sel.size == 0:
            continue
        e = ev.iloc[sel]
        pids = e["person"].to_numpy()
        kind = e["kind"].to_numpy()
        h = p["household"][pids]
        cols = person_cols(w, c, pids, "%Y-%m-%d")
        cols["record_id"] = concat("HR", w.cfg.period(m), zpad(np.arange(sel.size), 7))
        cols["employment_type"] = lookup(encode(c, "employment_type", EMP_TYPES), kind - 1)
        v = w.village_of(h, m)
        ci = w.county_index(v)
        cols["county_code"] = w.text("county_code").take(pa.array(v))
        ridx = np.where(np.isin(kind, [1, 4]), nfix + ci, reg_i[sel])
        cols["work_region"] = regions.take(pa.array(ridx))
        cols["employer_name"] = _employer(rng, kind, ridx, places, ci, counties)
        evt = e["event"].to_numpy()
        cols["change_type"] = lookup(encode(c, "change_type", ["stock", "hire", "separation"]),
                                     np.select([evt == "stock", evt == "hire"], [0, 1], 2))
        start = w.month_start(0) - rng.integers(30, 3000, sel.size).astype("timedelta64[D]")
        when = np.where(evt == "stock", start, w.starts_of(e["month"].to_numpy())
                        + e["day"].to_numpy().astype("timedelta64[D]"))
        cols["change_date"] = fmt_date(when, "%Y-%m-%d")
        cols["monthly_wage_fen"] = money(e["wage_fen"].to_numpy(), "parquet")
        cols["pension_insured"] = lookup(["Y", "N"], (~insured[sel]).astype(np.int64))
        yield Extract("hrss", w.cfg.period(m), cols, pids.astype(np.int64),
                      late=e["late"].to_numpy(), late_field="change_date", date_fields=dates)


def payroll(w: World) -> Iterator[Extract]:
    c = load_contract("payroll")
    rng = substream(w.cfg.seed, "dept:payroll")
    p = w.p
    cty = w.div.set_index("county_code")["county_name"]
    units = np.array(["人民政府办公室", "财政局", "教育局", "第一中学", "人民医院", "自然资源局",
                      "农业农村局", "公安局", "民族中学", "疾病预防控制中心", "税务局", "人民法院"])
    unit_type = np.array([1, 1, 1, 3, 3, 1, 1, 1, 3, 3, 2, 1])
    for m in _yearly_months(w):
        pids = np.flatnonzero((p["payroll"] > 0) & w.alive(m))
        h = p["household"][pids]
        county = w.villages["county_code"].to_numpy()[w.village_of(h, m)]
        u = rng.integers(0, len(units), pids.size)
        kind = p["payroll"][pids]
        u = np.where(kind == 3, np.where(u % 2 == 0, 3, 4), np.where(kind == 2, 10, u))
        cols = person_cols(w, c, pids)
        cols["employer_name"] = concat(s(cty.reindex(county).to_numpy()), s(units[u]))
        cols["employer_type"] = lookup(encode(c, "employer_type", [
            "government", "civil_service_like", "public_institution"]), unit_type[u] - 1)
        cols["staff_category"] = lookup(encode(c, "staff_category", ["active", "retired"]),
                                        (kind == 4).astype(np.int64))
        age_start = 22 + rng.integers(0, 6, pids.size)
        ws = p["birth"][pids] + (age_start * 365.25).astype("timedelta64[D]")
        ws = np.minimum(ws, w.month_start(m) - rng.integers(30, 400, pids.size).astype(
            "timedelta64[D]"))
        cols["work_start_date"] = fmt_date(ws, "%Y年%-m月%-d日")
        pay = np.where(kind == 4, p["pension_fen"][pids], p["wage_fen"][pids]) // 12
        cols["monthly_salary_fen"] = fmt_yuan(pay)
        cols["county_code"] = s(county)
        yield Extract("payroll", w.cfg.period(m), cols, pids.astype(np.int64),
                      date_fields={"work_start_date": ("%Y年%-m月%-d日", "%Y.%m.%d")})
