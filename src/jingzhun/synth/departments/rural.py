"""水利 drinking water by village, 农业农村 land and industry projects, 应急 disaster reports."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pandas as pd

from jingzhun.synth.departments.assets import current_heads
from jingzhun.synth.departments.common import person_cols
from jingzhun.synth.departments.registry import _yearly_months
from jingzhun.synth.events import DISASTER_TYPES, income_pc
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
from jingzhun.synth.rng import substream
from jingzhun.synth.world import World

PROJECTS = ["none", "tea", "mushrooms", "vegetables", "pigs", "cattle", "herbs", "fruit"]


def water_safe(w: World, m: int) -> np.ndarray:
    """Per village: drinking water safe in month ``m``."""
    v = w.villages
    fixed = (v["water_fixed_month"].to_numpy() >= 0) & (v["water_fixed_month"].to_numpy() <= m)
    return v["water_safe"].to_numpy() | fixed


def water(w: World) -> Iterator[Extract]:
    c = load_contract("water")
    rng = substream(w.cfg.seed, "dept:water")
    vil = w.villages
    nv = len(vil)
    sources = ["piped", "well", "spring", "cistern", "river"]
    for m in _yearly_months(w):
        safe = water_safe(w, m)
        hh_v = w.hist.village[m]
        alive_h = w.hist.size[m] > 0
        n_h = np.bincount(hh_v[alive_h], minlength=nv)
        n_p = np.bincount(hh_v, weights=w.hist.size[m], minlength=nv).astype(np.int64)
        central = safe & (rng.random(nv) < 0.85)
        src = np.where(safe, 0, 1 + rng.integers(0, 4, nv))
        cols = {
            "village_code": s(vil["village_code"].to_numpy()),
            "village_name": s(vil["village_name"].to_numpy()),
            "supply_mode": lookup(encode(c, "supply_mode", ["central", "scattered"]),
                                  (~central).astype(np.int64)),
            "water_source": lookup(encode(c, "water_source", sources), src),
            "quality_ok": lookup(encode(c, "quality_ok", ["true", "false"]),
                                 (~safe).astype(np.int64)),
            "litres_per_person_day": fmt_decimal(np.where(safe, rng.uniform(45, 120, nv),
                                                          rng.uniform(12, 34, nv)), 1),
            "fetch_minutes": s(np.where(safe, rng.integers(0, 11, nv), rng.integers(21, 70, nv))),
            "interruption_days": s(np.where(safe, rng.integers(0, 25, nv),
                                            rng.integers(37, 100, nv))),
            "households": s(n_h.astype(np.int64)), "persons": s(n_p),
            "assessment_date": fmt_date(w.month_start(m) - rng.integers(1, 120, nv).astype(
                "timedelta64[D]"), "%Y/%-m/%-d"),
        }
        yield Extract("water", w.cfg.period(m), cols, np.full(nv, -1, np.int64),
                      notes={"village": np.arange(nv, dtype=np.int64)},
                      date_fields={"assessment_date": ("%Y/%-m/%-d", "%Y-%m-%d")})


def agriculture(w: World) -> Iterator[Extract]:
    c = load_contract("agriculture")
    rng = substream(w.cfg.seed, "dept:agriculture")
    hh = w.hh
    ms = w.hist.tables["measures"]
    ind = ms[ms["measure"] == "industry"]
    proj_of = np.zeros(hh.n, np.int64)
    proj_start = np.full(hh.n, -1, np.int64)
    proj_of[ind["household"].to_numpy()] = rng.integers(1, len(PROJECTS), len(ind))
    proj_start[ind["household"].to_numpy()] = ind["start"].to_numpy()
    other = (proj_of == 0) & hh["rural"] & (rng.random(hh.n) < 0.12)
    proj_other = rng.integers(1, len(PROJECTS), hh.n)
    forest = np.round(rng.gamma(1.2, 2.0, hh.n), 1)
    coop = rng.random(hh.n) < 0.3
    for m in _yearly_months(w):
        heads = current_heads(w, m)
        hs = np.flatnonzero(hh["rural"] & (heads >= 0))
        pids = heads[hs]
        cols = person_cols(w, c, pids)
        vi = pa.array(w.village_of(hs, m).astype(np.int64))
        cols["village_code"] = w.text("village_code").take(vi)
        land = hh["land_mu"][hs]
        cols["contracted_land_mu"] = fmt_decimal(land, 1)
        cultivated = np.round(land * rng.uniform(0.6, 1.0, hs.size), 1)
        cols["cultivated_land_mu"] = fmt_decimal(cultivated, 1)
        cols["forest_land_mu"] = fmt_decimal(forest[hs], 1)
        started = (proj_start[hs] >= 0) & (proj_start[hs] <= m)
        proj = np.where(started, proj_of[hs], np.where(other[hs], proj_other[hs], 0))
        cols["industry_project"] = lookup(encode(c, "industry_project", PROJECTS), proj)
        when = np.where(started, w.starts_of(proj_start[hs]),
                        w.month_start(0)
                        - rng.integers(100, 1500, hs.size).astype("timedelta64[D]"))
        when = np.where(proj > 0, when.astype("datetime64[D]"), np.datetime64("NaT"))
        cols["project_start_date"] = fmt_date(when, "%Y-%m-%d")
        cm = coop[hs] | started
        cols["coop_member"] = lookup(encode(c, "coop_member", ["true", "false"]),
                                     (~cm).astype(np.int64))
        div = np.where(cm, rng.integers(200, 1500, hs.size) * 100, 0)
        cols["dividend_fen"] = fmt_yuan(div, always_decimals=False, missing=~cm)
        # the yearly household income check (农户收入核查, 入户走访): annual net income per
        # person from every source, as the village recorded it (whole yuan)
        if m == 0:
            pc_inc = hh["income_start_fen"][hs] / np.maximum(hh["size_start"][hs], 1)
        else:
            pc_inc = income_pc(w.hist, m)[hs]
        cols["income_per_capita_fen"] = fmt_yuan(
            np.round(np.maximum(pc_inc, 0) / 100).astype(np.int64) * 100, always_decimals=False)
        cols["record_date"] = fmt_date(w.month_start(m) - rng.integers(1, 60, hs.size).astype(
            "timedelta64[D]"), "%Y-%m-%d")
        yield Extract("agriculture", w.cfg.period(m), cols, pids.astype(np.int64),
                      notes={"household_id": hs.astype(np.int64)},
                      date_fields={"project_start_date": ("%Y-%m-%d", "%Y年%-m月%-d日"),
                                   "record_date": ("%Y-%m-%d", "%Y年%-m月%-d日")})


def emergency(w: World) -> Iterator[Extract]:
    c = load_contract("emergency")
    rng = substream(w.cfg.seed, "dept:emergency")
    dis = w.hist.tables.get("disasters")
    hits = w.hist.tables.get("disaster_hits")
    if dis is None or not len(dis):
        dis = pd.DataFrame({"village": [], "month": [], "day": [], "type": [], "severity": []})
        hits = pd.DataFrame({"household": [], "month": [], "village": [], "loss_fen": [],
                             "house": []})
    vil = w.villages
    for m in range(w.M):
        # a month without disasters still sends its (empty) report
        d = dis[dis["month"] == m].reset_index(drop=True)
        hm = hits[hits["month"] == m]
        hi = hm["household"].to_numpy().astype(np.int64)  # an empty frame is float
        hm = hm.assign(size=w.hist.size[m][hi], land=w.hh["land_mu"][hi])
        agg = hm.groupby("village").agg(
            households=("household", "size"), persons=("size", "sum"), land=("land", "sum"),
            loss=("loss_fen", "sum"),
            collapsed=("house", lambda x: int((x == "collapsed").sum())),
            damaged=("house", lambda x: int((x == "damaged").sum())))
        agg = agg.reindex(d["village"].to_numpy()).fillna(0)
        v = d["village"].to_numpy().astype(np.int64)
        n = len(d)
        cols = {
            "disaster_no": concat("ZQ", s(vil["village_code"].to_numpy()[v]), w.cfg.period(m),
                                  zpad(np.arange(n), 2)),
            "disaster_type": lookup(encode(c, "disaster_type", DISASTER_TYPES),
                                    pd.Index(DISASTER_TYPES).get_indexer(d["type"]).astype(
                                        np.int64)),
            "occurred_date": fmt_date(w.month_start(m) + (d["day"].to_numpy().astype(np.int64)
                                                          - 1).astype("timedelta64[D]"),
                                      "%Y-%m-%d"),
            "county_code": s(vil["county_code"].to_numpy()[v]),
            "township_code": s(vil["township_code"].to_numpy()[v]),
            "village_code": s(vil["village_code"].to_numpy()[v]),
            "affected_households": s(agg["households"].to_numpy().astype(np.int64)),
            "affected_persons": s(agg["persons"].to_numpy().astype(np.int64)),
            "collapsed_houses": s(agg["collapsed"].to_numpy().astype(np.int64)),
            "damaged_houses": s(agg["damaged"].to_numpy().astype(np.int64)),
            "crop_area_mu": fmt_decimal(agg["land"].to_numpy() * d["severity"].to_numpy(), 1),
            "direct_loss_fen": fmt_yuan(agg["loss"].to_numpy().astype(np.int64)),
            "report_date": fmt_date(np.minimum(w.month_end(m), w.month_start(m) + (
                d["day"].to_numpy().astype(np.int64) - 1 + rng.integers(1, 4, n)).astype(
                    "timedelta64[D]")), "%Y-%m-%d"),
        }
        yield Extract("emergency", w.cfg.period(m), cols, np.full(n, -1, np.int64),
                      notes={"village": v.astype(np.int64)},
                      date_fields={"occurred_date": ("%Y-%m-%d", "%Y/%m/%d"),
                                   "report_date": ("%Y-%m-%d", "%Y/%m/%d")})
