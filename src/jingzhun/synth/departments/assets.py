"""Housing safety (住建), motor vehicles (交管), commercial housing (不动产) and registered
businesses (市场监管): the departments behind the exclusion checks of domain.md §5."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.synth.departments.common import area_cols, person_cols
from jingzhun.synth.departments.registry import _yearly_months
from jingzhun.synth.extract import (
    Extract,
    concat,
    encode,
    fmt_date,
    fmt_decimal,
    fmt_yuan,
    load_contract,
    lookup,
    s,
    zpad,
)
from jingzhun.synth.frame import group_rank
from jingzhun.synth.registration import POOR
from jingzhun.synth.rng import substream
from jingzhun.synth.schedule import NEVER
from jingzhun.synth.world import World

PLATE_PREFIX = {"520100": "贵A", "520200": "贵B", "520300": "贵C", "520600": "贵D",
                "522300": "贵E", "520500": "贵F", "520400": "贵G", "522600": "贵H",
                "522700": "贵J"}
PLATE_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))
GB32100 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_W = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
GB11714_W = np.array([3, 7, 9, 10, 5, 8, 4, 2])


def current_heads(w: World, m: int) -> np.ndarray:
    """Per household: the registered head if alive in month ``m``, else the oldest living
    member (-1 when nobody is left). Cached per month."""
    key = f"_heads_{m}"
    if key in w.info:
        return w.info[key]
    p = w.p
    if "_heads_members" not in w.info:
        # members of the households whose head dies within the window (a small set)
        hd = w.hh["head"]
        dies = np.flatnonzero(p["death_month"][hd] >= 0)
        mem = np.flatnonzero(np.isin(p["household"], dies))
        mem = mem[np.lexsort((p["birth"][mem].astype(np.int64), p["household"][mem]))]
        w.info["_heads_members"] = mem
    mem = w.info["_heads_members"]
    head = w.hh["head"].copy()
    dm_head = p["death_month"][head]
    gone = np.flatnonzero((dm_head >= 0) & (dm_head <= m))
    if gone.size:
        dm = p["death_month"][mem]
        ok = ((dm < 0) | (dm > m)) & (p["born_month"][mem] <= m) & np.isin(
            p["household"][mem], gone)
        cand = mem[ok]
        hh_o = p["household"][cand]
        first = np.r_[True, hh_o[1:] != hh_o[:-1]] if cand.size else np.zeros(0, bool)
        head[gone] = -1
        head[hh_o[first]] = cand[first]
    head = head.astype(np.int32)
    w.info[key] = head
    return head


def housing(w: World) -> Iterator[Extract]:
    c = load_contract("housing")
    rng = substream(w.cfg.seed, "dept:housing")
    hh = w.hh
    structures = ["brick_concrete", "brick_wood", "earth_wood", "wood"]
    for m in _yearly_months(w):
        heads = current_heads(w, m)
        hs = np.flatnonzero(hh["rural"] & (heads >= 0))
        pids = heads[hs]
        cols = person_cols(w, c, pids)
        v = w.village_of(hs, m)
        vc = w.villages["village_code"].to_numpy()[v]
        seq = group_rank(np.sort(v))[np.argsort(np.argsort(v, kind="stable"), kind="stable")]
        cols["appraisal_no"] = concat("JD", w.cfg.period(m)[:4], s(vc), zpad(seq, 4))
        cols["village_code"] = s(vc)
        moved = (hh["relocate_month"][hs] >= 0) & (hh["relocate_month"][hs] <= m)
        area = np.where(moved, 80 + 20 * (hh["size_start"][hs] > 4), hh["house_area"][hs])
        cols["floor_area"] = fmt_decimal(area, 1)
        struct = np.where(moved, 0, hh["structure"][hs])
        cols["structure"] = lookup(encode(c, "structure", structures), struct)
        by = np.where(moved, int(w.cfg.period(m)[:4]) - 1 + (w.cfg.period(m)[4:] > "06"),
                      hh["build_year"][hs])
        cols["build_year"] = s(by.astype(np.int64))
        grade = w.hist.danger[m][hs]
        cols["danger_grade"] = lookup(encode(c, "danger_grade", ["A", "B", "C", "D"]), grade)
        when = w.month_start(m) - rng.integers(1, 150, hs.size).astype("timedelta64[D]")
        cols["appraisal_date"] = fmt_date(when, "%Y%m%d")
        ren = w.hist.tables.get("housing")
        done = np.zeros(hh.n, bool)
        if ren is not None and len(ren):
            r = ren[(ren["why"] == "renovation") & (ren["month"] <= m)]
            done[r["household"].to_numpy()] = True
        planned = (hh["roll_status"] == POOR) & (w.hist.danger[m] >= 2)
        status = np.where(done[hs] | moved, 2, np.where(planned[hs], 1, 0))
        cols["renovation_status"] = lookup(encode(c, "renovation_status",
                                                  ["none", "planned", "done"]), status)
        yield Extract("housing", w.cfg.period(m), cols, pids.astype(np.int64),
                      notes={"household_id": hs.astype(np.int64)},
                      date_fields={"appraisal_date": ("%Y%m%d", "%Y-%m-%d")})


def _owners(w: World, hs: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """An adult owner per household (head mostly, else a working-age member)."""
    heads = current_heads(w, m)
    return heads[hs]


def _plates(serial: np.ndarray, prefix: np.ndarray) -> pa.Array:
    """Unique plates: a bijection of the serial number onto 5 characters (34^5 values)."""
    k = (serial.astype(np.int64) * 7_368_787 + 1_234_567) % (34 ** 5)
    chars = []
    for _ in range(5):
        chars.append(s(PLATE_CHARS[k % 34]))
        k //= 34
    return concat(s(prefix), chars[4], chars[3], chars[2], chars[1], chars[0])


def vehicles(w: World) -> Iterator[Extract]:
    c = load_contract("vehicles")
    rng = substream(w.cfg.seed, "dept:vehicles")
    hh = w.hh
    # vehicles: cars (car_month), motorcycles / three-wheelers (stock only), light trucks for
    # households with a business
    car_h = np.flatnonzero(hh["car_month"] < NEVER)
    moto_h = np.flatnonzero(hh["motorcycle"])
    truck_h = np.flatnonzero(hh["has_company"] & (rng.random(hh.n) < 0.3))
    veh_h = np.concatenate([car_h, moto_h, truck_h])
    vtype = np.concatenate([np.where(rng.random(car_h.size) < 0.6, 0, 1),
                            np.where(rng.random(moto_h.size) < 0.8, 3, 4),
                            np.full(truck_h.size, 2)])
    vmonth = np.concatenate([hh["car_month"][car_h], np.full(moto_h.size, -1),
                             np.full(truck_h.size, -1)])
    serial = rng.permutation(veh_h.size)
    pref_of_county = np.array([PLATE_PREFIX[x] for x in w.div["prefecture_code"]])
    plate_pref = pref_of_county[hh["county"][veh_h]]
    vt_names = ["sedan", "small_passenger", "light_truck", "motorcycle", "three_wheeler"]
    ptype = np.array([1, 1, 1, 2, 3])[vtype]  # small, small, small, motorcycle, low speed
    first_reg = np.where(vmonth < 0, w.month_start(0) - rng.integers(30, 4000, veh_h.size).astype(
        "timedelta64[D]"), w.starts_of(vmonth) + rng.integers(0, 28, veh_h.size).astype(
        "timedelta64[D]"))
    for m in range(w.M):
        sel = np.flatnonzero(vmonth < 0) if m == 0 else np.flatnonzero(vmonth == m)
        if sel.size == 0:
            continue
        hs = veh_h[sel]
        owners = _owners(w, hs, m, rng)
        ok = owners >= 0
        sel, hs, owners = sel[ok], hs[ok], owners[ok]
        cols = person_cols(w, c, owners)
        cols["plate_no"] = _plates(serial[sel], plate_pref[sel])
        cols["plate_type"] = lookup(encode(c, "plate_type", [
            "large_vehicle", "small_vehicle", "motorcycle", "low_speed_vehicle"]), ptype[sel])
        cols["vehicle_type"] = lookup(encode(c, "vehicle_type", vt_names), vtype[sel])
        cols["first_registration_date"] = fmt_date(first_reg[sel], "%Y-%m-%d")
        cols["status"] = lookup(encode(c, "status", ["normal", "transferred", "cancelled"]),
                                np.zeros(sel.size, np.int64))
        cols["address"] = w.address(hs, m)
        cols["county_code"] = area_cols(w, hs, m)["county_code"]
        yield Extract("vehicles", w.cfg.period(m), cols, owners.astype(np.int64),
                      notes={"household_id": hs.astype(np.int64)},
                      date_fields={"first_registration_date": ("%Y-%m-%d", "%Y%m%d")})


def property_(w: World) -> Iterator[Extract]:
    c = load_contract("property")
    rng = substream(w.cfg.seed, "dept:property")
    hh = w.hh
    own_h = np.flatnonzero(hh["property_month"] < NEVER)
    pm = hh["property_month"][own_h]
    signed = np.where(pm < 0, w.month_start(0) - rng.integers(30, 3200, own_h.size).astype(
        "timedelta64[D]"), w.starts_of(pm) + rng.integers(0, 28, own_h.size).astype(
        "timedelta64[D]"))
    in_gy = rng.random(own_h.size) < 0.3
    cty_codes = w.div["county_code"].to_numpy()
    county = np.where(in_gy, cty_codes[rng.integers(0, 6, own_h.size)],
                      cty_codes[hh["county"][own_h]])
    cname = w.div.set_index("county_code")["county_name"].reindex(county).to_numpy()
    proj = np.array(["花园", "新城", "华府", "雅苑", "国际社区", "御景", "湖畔小区", "锦苑"])
    tag = np.array(list("金碧龙华盛世阳光翠"))
    area = np.round(rng.uniform(60, 150, own_h.size), 2)
    price = rng.uniform(3500, 9000, own_h.size)
    for m in range(w.M):
        sel = np.flatnonzero(pm < 0) if m == 0 else np.flatnonzero(pm == m)
        if sel.size == 0:
            continue
        hs = own_h[sel]
        owners = current_heads(w, m)[hs]
        ok = owners >= 0
        sel, hs, owners = sel[ok], hs[ok], owners[ok]
        cols = person_cols(w, c, owners)
        yr = signed[sel].astype("datetime64[Y]").astype(np.int64) + 1970
        cols["contract_no"] = concat("WQ", s(county[sel]), s(yr), zpad(sel, 7))
        pname = (cname[sel].astype(object) + tag[rng.integers(0, 9, sel.size)].astype(object)
                 + proj[rng.integers(0, 8, sel.size)].astype(object))
        cols["project_name"] = s(pname)
        cols["address"] = concat(s(pname), s(rng.integers(1, 30, sel.size)), "栋",
                                 s(rng.integers(1, 4, sel.size)), "单元",
                                 s(rng.integers(101, 3300, sel.size)), "号")
        cols["floor_area"] = fmt_decimal(area[sel], 2)
        amount = np.round(area[sel] * price[sel] * 100).astype(np.int64)
        cols["contract_amount_fen"] = fmt_yuan(amount)
        cols["signed_date"] = fmt_date(signed[sel], "%Y-%m-%d")
        cols["county_code"] = s(county[sel])
        yield Extract("property", w.cfg.period(m), cols, owners.astype(np.int64),
                      notes={"household_id": hs.astype(np.int64)},
                      date_fields={"signed_date": ("%Y-%m-%d", "%Y/%m/%d")})


def credit_codes(rng: np.random.Generator, kind: np.ndarray, area: np.ndarray) -> pa.Array:
    """Unified social credit codes (GB 32100) with valid check characters: '9' + entity type
    (1 company, 2 individual business, 3 cooperative) + area + organisation code (GB 11714,
    8 digits + check) + check."""
    n = kind.size
    # organisation numbers: a bijection of a random start plus the row number (unique)
    base = (int(rng.integers(0, 10**8)) + np.arange(n, dtype=np.int64) * 7_654_321) % 10**8
    body8 = np.stack([(base // 10 ** (7 - i)) % 10 for i in range(8)], axis=1)
    c9 = 11 - (body8 @ GB11714_W) % 11
    org_chk = np.where(c9 == 10, 33, np.where(c9 == 11, 0, c9))  # X has value 33 in GB11714
    area_d = (np.frombuffer(np.asarray(area, "S6").tobytes(), np.uint8).reshape(-1, 6)
              - ord("0")).astype(np.int64)
    vals = np.column_stack([np.full(n, 9), kind, area_d, body8,
                            np.where(org_chk == 33, GB32100.index("X"), org_chk)])
    chk = (31 - (vals @ GB32100_W) % 31) % 31
    allv = np.column_stack([vals, chk])
    lut = np.frombuffer(GB32100.encode(), np.uint8)
    txt = lut[allv].astype(np.uint8).tobytes()
    return s(np.frombuffer(txt, dtype="S18"))


def market(w: World) -> Iterator[Extract]:
    c = load_contract("market")
    rng = substream(w.cfg.seed, "dept:market")
    p = w.p
    owners = np.flatnonzero(p["business"] > 0)
    bm = p["business_month"][owners]
    btype = np.where(p["business"][owners] == 2, 0, 1)  # 0 company, 1 individual
    # one cooperative per administrative village, led by its party secretary
    sec = np.flatnonzero(p["cadre"] == 1)
    owners = np.concatenate([owners, sec])
    bm = np.concatenate([bm, np.full(sec.size, -1, np.int16)])
    btype = np.concatenate([btype, np.full(sec.size, 2)])
    n = owners.size
    h = p["household"][owners]
    county = w.div["county_code"].to_numpy()[w.hh["county"][h]]
    codes = credit_codes(rng, np.array([1, 2, 3])[btype], county)
    shop = pa.array(["百货店", "农资店", "餐馆", "小卖部", "养殖场", "建材店", "汽修店", "理发店"])
    ind = pa.array(["农业科技", "建筑工程", "商贸", "物流", "生态农业", "旅游开发", "茶业", "食品"])
    coop_ind = pa.array(["种植", "养殖", "茶叶", "中药材", "食用菌", "蔬菜"])
    tag = pa.array(list("鑫源恒昌盛泰丰瑞"))

    def pick(table: pa.Array) -> pa.Array:
        return table.take(pa.array(rng.integers(0, len(table), n)))

    cname = w.county_text("county_name").take(pa.array(w.hh["county"][h].astype(np.int64)))
    vname = w.text("village_name").take(pa.array(w.hh["village"][h].astype(np.int64)))
    pname = w.text("name").take(pa.array(owners))
    company = concat("贵州", pick(tag), pick(tag), pick(ind), "有限公司")
    individual = concat(cname, pname, pick(shop))
    coop = concat(cname, vname, pick(coop_ind), "专业合作社")
    name = pc.if_else(pa.array(btype == 0), company,
                      pc.if_else(pa.array(btype == 1), individual, coop))
    cap = np.select([btype == 0, btype == 1], [rng.integers(10, 500, n), rng.integers(1, 10, n)],
                    rng.integers(5, 100, n)).astype(float)
    est = np.where(bm < 0, w.month_start(0) - rng.integers(60, 5000, n).astype("timedelta64[D]"),
                   w.starts_of(bm)
                   + rng.integers(0, 28, n).astype("timedelta64[D]"))
    status = np.where(bm < 0, np.searchsorted([0.9, 0.97], rng.random(n)), 0)
    for m in range(w.M):
        sel = np.flatnonzero(bm < 0) if m == 0 else np.flatnonzero(bm == m)
        if sel.size == 0:
            continue
        o = owners[sel]
        cols = person_cols(w, c, o)
        cols["credit_code"] = codes.take(pa.array(sel))
        cols["business_name"] = name.take(pa.array(sel))
        cols["business_type"] = lookup(encode(c, "business_type", [
            "company", "individual", "cooperative"]), btype[sel])
        cols["registered_capital_wan"] = fmt_decimal(cap[sel], 1)
        cols["established_date"] = fmt_date(est[sel], "%Y年%-m月%-d日")
        cols["status"] = lookup(encode(c, "status", ["active", "cancelled", "revoked"]),
                                status[sel])
        cols["address"] = w.address(p["household"][o], m)
        cols["county_code"] = s(county[sel])
        yield Extract("market", w.cfg.period(m), cols, o.astype(np.int64),
                      notes={"household_id": p["household"][o].astype(np.int64)},
                      date_fields={"established_date": ("%Y年%-m月%-d日", "%Y-%m-%d")})
