"""Synthetic townships (乡镇, 9-digit codes) and villages (村/社区, 12-digit codes) inside the
real 88 counties.

Assumptions (ours, documented in docs/synthetic-province.md):

- persons per village ≈ 2000 × √scale (at least 50): realistic (≈2000) at full scale while
  small runs still have several villages per county;
- about 10 villages per township, at least 2 townships per county;
- township codes: 001–099 街道 (streets), 100–199 镇 (towns), 200–299 乡; village codes:
  001–199 社区 (residents' committees), 200–399 村 (villagers' committees), as in the
  statistical division codes;
- core urban districts are all streets, 80 % communities; elsewhere the seat township has
  30 % communities;
- village coordinates scatter ~13 km around the county centre; distance to the market town
  is 1–3 km in seat townships and Gamma(2, 2.5 + 6 × county remoteness) km elsewhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.geo import county_population_weights, guizhou_divisions
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.names import unique_place_names
from jingzhun.synth.rng import substream

GUIYANG = (106.63, 26.65)

# Prefecture effect on log welfare (ours; ordering follows the 2014 incidence pattern: 贵阳
# lowest, 毕节/黔东南/黔西南/铜仁 highest).
PREFECTURE_EFFECT = {"520100": 0.40, "520300": 0.15, "520400": 0.0, "520200": -0.05,
                     "522700": -0.05, "522300": -0.10, "520600": -0.10, "522600": -0.15,
                     "520500": -0.15}
KIND_EFFECT = {"core": 0.35, "district": 0.10, "city": 0.12, "county": 0.0}
RURAL_SHARE_COMMUNITY = 0.12  # share of rural-hukou households in 社区
RURAL_SHARE_VILLAGE = 0.96


def build_areas(cfg: SynthConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Counties, townships and villages (one DataFrame each)."""
    rng = substream(cfg.seed, "areas")
    div = guizhou_divisions().copy()
    pop = county_population_weights(div).to_numpy()
    div["population_2020"] = pop
    div["target_persons"] = np.maximum(np.round(pop * cfg.scale), 30).astype(np.int64)
    d_gy = np.hypot((div["lon"] - GUIYANG[0]) * 100 * np.cos(np.radians(26.6)),
                    (div["lat"] - GUIYANG[1]) * 111)
    div["km_to_guiyang"] = d_gy.round(1)
    d_gy = d_gy.to_numpy()
    remote = (d_gy / d_gy.max()) * 0.7 + np.where(div["kind"].eq("county"), 0.3, 0.0)
    remote = np.where(div["kind"].eq("core"), 0.0, remote)
    div["remoteness"] = remote.round(3)
    div["autonomous"] = div["county_name"].str.contains("自治县")
    div["effect"] = (div["prefecture_code"].map(PREFECTURE_EFFECT)
                     + div["kind"].map(KIND_EFFECT) - 0.25 * remote
                     - 0.05 * div["autonomous"]).round(4)

    per_village = max(50.0, 2000.0 * np.sqrt(cfg.scale))
    n_vil = np.maximum(4, np.round(div["target_persons"].to_numpy() / per_village)).astype(int)
    n_town = np.maximum(2, np.round(n_vil / 10)).astype(int)
    n_vil = np.maximum(n_vil, 2 * n_town)

    # ---- townships
    c_idx = np.repeat(np.arange(len(div)), n_town)
    t_rank = np.arange(len(c_idx)) - np.repeat(np.cumsum(n_town) - n_town, n_town)
    kind = div["kind"].to_numpy()[c_idx]
    core = kind == "core"
    townish = (kind == "district") | (kind == "city")
    street = core | (townish & (t_rank < 2))
    is_town = ~street & ((t_rank == 0) | (rng.random(len(c_idx)) < 0.6))
    ttype = np.where(street, "street", np.where(is_town, "town", "township"))
    base = np.where(ttype == "street", 1, np.where(ttype == "town", 100, 200))
    # sequence within (county, type)
    key = c_idx * 3 + np.select([ttype == "street", ttype == "town"], [0, 1], 2)
    order = np.lexsort((t_rank, key))
    ks = key[order]
    start = np.r_[0, np.flatnonzero(ks[1:] != ks[:-1]) + 1]
    seq = np.empty(len(ks), dtype=int)
    seq[order] = np.arange(len(ks)) - np.repeat(start, np.diff(np.r_[start, len(ks)]))
    tcode = div["county_code"].to_numpy()[c_idx].astype(object) + np.char.zfill(
        (base + seq).astype(str), 3).astype(object)
    suffix = np.where(ttype == "street", "街道", np.where(ttype == "town", "镇", "乡"))
    tname = unique_place_names(rng, c_idx, suffix.astype(object), surname_share=0.0)
    seat = t_rank == 0
    tname = np.where(seat & (ttype == "town"), "城关镇", tname)
    towns = pd.DataFrame({"township_code": tcode, "township_name": tname,
                          "county_code": div["county_code"].to_numpy()[c_idx],
                          "township_type": ttype, "is_seat": seat})

    # ---- villages: split each county's villages over its townships
    t_of_county_start = np.cumsum(n_town) - n_town
    v_c = np.repeat(np.arange(len(div)), n_vil)
    v_rank = np.arange(len(v_c)) - np.repeat(np.cumsum(n_vil) - n_vil, n_vil)
    v_t = t_of_county_start[v_c] + (v_rank % n_town[v_c])
    v_kind_c = div["kind"].to_numpy()[v_c]
    v_seat = seat[v_t]
    comm_p = np.where(v_kind_c == "core", 0.8,
                      np.where(v_seat, 0.3, np.where(ttype[v_t] == "street", 0.6, 0.0)))
    community = rng.random(len(v_c)) < comm_p
    # every core-district township keeps at least one village-free community; fine either way
    vkey = v_t * 2 + (~community).astype(int)
    order = np.lexsort((v_rank, vkey))
    ks = vkey[order]
    start = np.r_[0, np.flatnonzero(ks[1:] != ks[:-1]) + 1]
    vseq = np.empty(len(ks), dtype=int)
    vseq[order] = np.arange(len(ks)) - np.repeat(start, np.diff(np.r_[start, len(ks)]))
    vnum = np.where(community, 1 + vseq, 200 + vseq)
    vcode = tcode[v_t] + np.char.zfill(vnum.astype(str), 3).astype(object)
    vname = unique_place_names(rng, v_t, np.where(community, "社区", "村").astype(object),
                               surname_share=0.35)
    lon = div["lon"].to_numpy()[v_c] + rng.normal(0, 0.12, len(v_c))
    lat = div["lat"].to_numpy()[v_c] + rng.normal(0, 0.11, len(v_c))
    rem_c = div["remoteness"].to_numpy()[v_c]
    dist = np.where(v_seat | community, rng.uniform(0.5, 3.0, len(v_c)),
                    rng.gamma(2.0, 2.5 + 6.0 * rem_c))
    weight = rng.lognormal(0, 0.45, len(v_c)) * np.where(community, 1.6, 1.0)
    # persons per village from the county target
    wsum = np.bincount(v_c, weights=weight)
    target = div["target_persons"].to_numpy()[v_c] * weight / wsum[v_c]
    villages = pd.DataFrame({
        "village_code": vcode, "village_name": vname, "township_code": tcode[v_t],
        "county_code": div["county_code"].to_numpy()[v_c],
        "prefecture_code": div["prefecture_code"].to_numpy()[v_c],
        "village_type": np.where(community, "community", "village"),
        "lon": lon.round(5), "lat": lat.round(5), "km_to_market": dist.round(1),
        "target_persons": target,
        "effect": rng.normal(0, 0.12, len(v_c)).round(4),
        "water_safe": rng.random(len(v_c)) < np.where(community, 0.99, 0.9 - 0.3 * rem_c),
        "disaster_prone": rng.gamma(2.0, 0.5, len(v_c)) * (1 + rem_c),
    })
    # unsafe water fixed during the window for half of the villages (ours)
    fix = rng.integers(0, cfg.months, len(villages))
    villages["water_fixed_month"] = np.where(~villages["water_safe"] & (rng.random(len(villages))
                                                                        < 0.5), fix, -1)
    villages = villages.sort_values("village_code", kind="stable").reset_index(drop=True)
    towns = towns.sort_values("township_code", kind="stable").reset_index(drop=True)
    return div, towns, villages


def areas_table(div: pd.DataFrame, towns: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """All area units in one table (truth/areas.parquet)."""
    p = div.drop_duplicates("prefecture_code")
    rows = [
        pd.DataFrame({"code": "520000", "level": "province", "name": "贵州省", "parent_code": None,
                      "lon": 106.70546, "lat": 26.600055}, index=[0]),
        pd.DataFrame({"code": p["prefecture_code"], "level": "prefecture",
                      "name": p["prefecture_name"], "parent_code": "520000"}),
        pd.DataFrame({"code": div["county_code"], "level": "county", "name": div["county_name"],
                      "parent_code": div["prefecture_code"], "lon": div["lon"], "lat": div["lat"],
                      "county_kind": div["kind"], "remoteness": div["remoteness"],
                      "population_2020": div["population_2020"]}),
        pd.DataFrame({"code": towns["township_code"], "level": "township",
                      "name": towns["township_name"], "parent_code": towns["county_code"],
                      "township_type": towns["township_type"]}),
        pd.DataFrame({"code": villages["village_code"], "level": "village",
                      "name": villages["village_name"], "parent_code": villages["township_code"],
                      "lon": villages["lon"], "lat": villages["lat"],
                      "village_type": villages["village_type"],
                      "km_to_market": villages["km_to_market"],
                      "water_safe": villages["water_safe"]}),
    ]
    out = pd.concat(rows, ignore_index=True)
    return out
