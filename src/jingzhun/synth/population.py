"""Households and persons at the start of the simulation (fully vectorised).

Household typology (a planted, recoverable cluster; ours) decides the composition; ages,
health, disability, labour capacity, migrant work, education and school follow from age,
sex, typology and geography. Shares are ours unless noted (docs/synthetic-province.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.synth.codes import EDU, GZ_ETHNICITIES, REL, STAGE, TYPOLOGY
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.frame import Frame, group_rank
from jingzhun.synth.names import sample_given, sample_surnames
from jingzhun.synth.rng import substream

# Ethnic shares by prefecture (ours, approximate, after the 2020 census: 黔东南 Miao/Dong,
# 黔南/黔西南 Buyi, 铜仁 Tujia, 毕节/六盘水 Yi, 安顺 Buyi/Miao, 遵义 Gelao).
#                  han  miao buyi dong tujia  yi  gelao shui  hui  bai
ETH_SHARES = {
    "520100": [0.85, 0.05, 0.06, 0.00, 0.01, 0.00, 0.00, 0.00, 0.02, 0.01],
    "520200": [0.72, 0.08, 0.08, 0.00, 0.00, 0.09, 0.01, 0.00, 0.01, 0.01],
    "520300": [0.88, 0.04, 0.00, 0.00, 0.02, 0.00, 0.05, 0.00, 0.01, 0.00],
    "520400": [0.61, 0.15, 0.20, 0.00, 0.00, 0.01, 0.02, 0.00, 0.01, 0.00],
    "520500": [0.74, 0.10, 0.01, 0.00, 0.00, 0.10, 0.01, 0.00, 0.02, 0.02],
    "520600": [0.30, 0.17, 0.00, 0.10, 0.40, 0.00, 0.03, 0.00, 0.00, 0.00],
    "522300": [0.57, 0.09, 0.30, 0.00, 0.00, 0.01, 0.01, 0.00, 0.02, 0.00],
    "522600": [0.20, 0.43, 0.02, 0.30, 0.00, 0.00, 0.00, 0.02, 0.00, 0.03],
    "522700": [0.42, 0.13, 0.32, 0.00, 0.00, 0.00, 0.00, 0.08, 0.01, 0.04],
}
ETH_ZH_TOKENS = {"miao": "苗族", "buyi": "布依族", "dong": "侗族", "tujia": "土家族", "yi": "彝族",
                 "gelao": "仡佬族", "shui": "水族", "hui": "回族", "bai": "白族"}

# typology shares: rural households / urban households
TYPE_RURAL = [0.30, 0.15, 0.24, 0.08, 0.15, 0.08, 0.00]
TYPE_URBAN = [0.04, 0.03, 0.02, 0.03, 0.03, 0.03, 0.82]
# per type: head age (lo, hi), P(spouse), children Poisson mean, P(parents) , grandchildren
TYPE_SPEC = {
    "migrant_family": dict(age=(24, 50), spouse=0.92, kids=1.6, parents=0.25, grand=0.0),
    "left_behind_elderly": dict(age=(60, 88), spouse=0.6, kids=0.0, parents=0.0, grand=0.7),
    "farming_family": dict(age=(30, 62), spouse=0.9, kids=1.3, parents=0.3, grand=0.0),
    "ill_disabled": dict(age=(30, 72), spouse=0.7, kids=1.0, parents=0.2, grand=0.0),
    "multi_generation": dict(age=(48, 68), spouse=0.9, kids=1.4, parents=0.2, grand=1.6),
    "single_adult": dict(age=(28, 68), spouse=0.0, kids=0.0, parents=0.15, grand=0.0),
    "urban_wage": dict(age=(25, 62), spouse=0.85, kids=0.9, parents=0.15, grand=0.0),
}


def _expected_size(shares: list[float]) -> float:
    """Expected household size under the typology shares (for the household count)."""
    tot = 0.0
    for share, t in zip(shares, TYPOLOGY):
        sp = TYPE_SPEC[t]
        size = (1 + sp["spouse"] + sp["kids"] + 1.5 * sp["parents"] + sp["grand"]
                + (0.2 if t == "single_adult" else 0.0) + (0.7 if t == "multi_generation" else 0))
        tot += share * size
    return tot / sum(shares)


def _eth_probs(div: pd.DataFrame) -> np.ndarray:
    """(88, 10) ethnic shares per county: prefecture shares, boosted ×3 for the groups named
    in an autonomous county's name (e.g. 三都水族自治县)."""
    p = np.array([ETH_SHARES[c] for c in div["prefecture_code"]], dtype=float)
    for k, eth in enumerate(GZ_ETHNICITIES):
        tok = ETH_ZH_TOKENS.get(eth)
        if tok:
            has = div["county_name"].str.contains(tok).to_numpy()
            p[has, k] = np.maximum(p[has, k] * 3.0, 0.15)
    return p / p.sum(axis=1, keepdims=True)


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from an (n, k) probability matrix."""
    probs = np.asarray(probs, dtype=float)
    total = probs.sum(axis=1)
    u = rng.random(len(probs)) * total
    out = np.zeros(len(probs), np.int64)
    c = np.zeros(len(probs))
    for j in range(probs.shape[1] - 1):
        c += probs[:, j]
        out += u > c
    return out


def _choice(rng: np.random.Generator, probs: list[float] | np.ndarray, n: int) -> np.ndarray:
    """``n`` categorical draws from one probability vector."""
    cp = np.cumsum(np.asarray(probs, dtype=float))
    return np.searchsorted(cp / cp[-1], rng.random(n), side="right").clip(0, len(cp) - 1)


def build_population(cfg: SynthConfig, div: pd.DataFrame,
                     villages: pd.DataFrame) -> tuple[Frame, Frame]:
    """(households, persons) at the first day of the start month."""
    rng = substream(cfg.seed, "population")
    start_day = np.datetime64(cfg.start + "-01", "D")

    # ---------------- households per village
    community = villages["village_type"].eq("community").to_numpy()
    rural_p = np.where(community, 0.12, 0.96)
    mean_size = rural_p * _expected_size(TYPE_RURAL) + (1 - rural_p) * _expected_size(TYPE_URBAN)
    n_hh_v = np.maximum(1, np.round(villages["target_persons"].to_numpy() / mean_size)).astype(int)
    v = np.repeat(np.arange(len(villages)), n_hh_v)
    H = len(v)
    county_idx_of_v = pd.Index(div["county_code"]).get_indexer(villages["county_code"])
    c = county_idx_of_v[v]
    rural = rng.random(H) < rural_p[v]
    typ = np.where(rural, _choice(rng, TYPE_RURAL, H), _choice(rng, TYPE_URBAN, H))
    eth_hh = _choice_rows(rng, _eth_probs(div)[c])

    # ---------------- composition
    spec = {k: np.array([TYPE_SPEC[t][k] for t in TYPOLOGY], dtype=object) for k in
            ("age", "spouse", "kids", "parents", "grand")}
    lo = np.array([a[0] for a in spec["age"]])[typ]
    hi = np.array([a[1] for a in spec["age"]])[typ]
    head_age = rng.uniform(lo, hi + 1)
    has_spouse = rng.random(H) < spec["spouse"].astype(float)[typ]
    n_kids = rng.poisson(spec["kids"].astype(float)[typ])
    n_kids = np.minimum(n_kids, 4)
    n_par = (rng.random(H) < spec["parents"].astype(float)[typ]) * (1 + (rng.random(H) < 0.5))
    n_par = np.where(head_age > 62, 0, n_par)
    grand_mean = spec["grand"].astype(float)[typ]
    n_grand = np.minimum(rng.poisson(grand_mean), 3)
    n_sib = ((typ == TYPOLOGY.index("single_adult")) & (rng.random(H) < 0.2)).astype(int)
    n_inlaw = ((typ == TYPOLOGY.index("multi_generation")) & (rng.random(H) < 0.7)).astype(int)
    counts = np.stack([np.ones(H, int), has_spouse.astype(int), n_kids, n_par, n_grand, n_sib,
                       n_inlaw], axis=1)
    role_rel = [REL["head"], REL["spouse"], -1, REL["parent"], REL["grandchild"], REL["sibling"],
                REL["other"]]
    size = counts.sum(axis=1)

    hh_of = np.repeat(np.repeat(np.arange(H), 7), counts.ravel())
    role = np.repeat(np.tile(np.arange(7), H), counts.ravel())
    # persons ordered by household then role (repeat already gives that order)
    P = len(hh_of)
    within = group_rank(hh_of)

    # ---------------- age and sex
    ha = head_age[hh_of]
    u = rng.random(P)
    age = np.select(
        [role == 0, role == 1, role == 2, role == 3, role == 4, role == 5, role == 6],
        [ha, ha + rng.normal(-2, 3, P),
         np.where(typ[hh_of] == TYPOLOGY.index("multi_generation"), rng.uniform(18, 36, P),
                  ha - rng.uniform(22, 36, P)),
         np.minimum(ha + rng.uniform(22, 32, P), 97), ha - rng.uniform(44, 62, P),
         ha + rng.normal(0, 6, P), ha - rng.uniform(20, 30, P)],
    )
    age = np.clip(age, 0.05, 99)
    age = np.where(role == 1, np.maximum(age, 18), age)
    age = np.where(role == 6, np.maximum(age, 18), age)
    male_head_p = np.where(typ == TYPOLOGY.index("left_behind_elderly"), 0.7,
                           np.where(typ == TYPOLOGY.index("single_adult"), 0.8, 0.88))
    male = np.where(role == 0, u < male_head_p[hh_of], rng.random(P) < 0.515)
    head_male = np.zeros(H, bool)
    head_male[hh_of[role == 0]] = male[role == 0]
    male = np.where(role == 1, ~head_male[hh_of], male)
    male = np.where(role == 6, ~male, male)  # in-law: mostly 儿媳; flip for variety
    male = np.where(role == 6, rng.random(P) < 0.15, male)
    rel = np.array(role_rel)[role]
    rel = np.where(role == 2, np.where(male, REL["son"], REL["daughter"]), rel)

    days = np.round(age * 365.25).astype(np.int64) + rng.integers(0, 28, P)
    birth = start_day - days.astype("timedelta64[D]")
    birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
    age = (start_day - birth).astype(int) / 365.25

    # ---------------- ethnicity (spouses sometimes differ)
    eth = eth_hh[hh_of].copy()
    mixed = (role == 1) & (rng.random(P) < 0.12)
    eth[mixed] = _choice_rows(rng, _eth_probs(div)[c[hh_of[mixed]]])

    # ---------------- names: household surname for head's lineage; spouse/in-law/parent own
    minority = eth != 0
    sur_hh = sample_surnames(rng, eth_hh, GZ_ETHNICITIES)
    own_sur = sample_surnames(rng, eth, GZ_ETHNICITIES)
    lineage = np.isin(role, [0, 2, 4, 5]) | ((role == 3) & male)
    surname = np.where(lineage, sur_hh[hh_of], own_sur)
    gen_hh = sample_given(rng, np.ones(H, bool), np.full(H, 1990), eth_hh != 0)
    gen_hh = gen_hh.astype("<U1")  # the first character only
    share_gen = (rng.random(H) < 0.45)[hh_of] & (role == 2)
    gen = np.where(share_gen, gen_hh[hh_of], "")
    given = sample_given(rng, male, birth_year, minority, gen)
    name = surname + given

    # ---------------- school stage
    stage = np.zeros(P, np.int8)
    a = age
    r_urban = ~rural[hh_of]
    stage[(a >= 3) & (a < 6) & (rng.random(P) < 0.75)] = STAGE["preschool"]
    stage[(a >= 6) & (a < 12)] = STAGE["primary"]
    stage[(a >= 12) & (a < 15)] = STAGE["junior"]
    up = rng.random(P)
    sen = (a >= 15) & (a < 18) & (up < np.where(r_urban, 0.92, 0.75))
    stage[sen & (up < np.where(r_urban, 0.6, 0.42))] = STAGE["senior"]
    stage[sen & (stage == 0)] = STAGE["vocational"]
    stage[(a >= 18) & (a < 22) & (rng.random(P) < np.where(r_urban, 0.55, 0.25))] = \
        STAGE["tertiary"]

    # ---------------- education attained (adults by cohort; pupils by stage)
    cohort = np.clip((birth_year - 1930) / 70.0, 0, 1)
    probs = np.stack([
        0.45 - 0.42 * cohort,  # illiterate
        0.35 - 0.15 * cohort,  # primary
        0.12 + 0.28 * cohort,  # junior
        0.05 + 0.08 * cohort,  # senior
        0.02 + 0.06 * cohort,  # vocational
        0.01 + 0.15 * cohort + 0.15 * r_urban,  # tertiary
    ], axis=1)
    probs[~male, 0] += 0.08 * (1 - cohort[~male])
    edu = _choice_rows(rng, np.clip(probs, 0.001, None)).astype(np.int8)
    edu = np.where(a < 6, -1, edu)
    edu = np.where(stage == STAGE["primary"], EDU["primary"] - 1 + 1 * (a >= 9), edu)
    edu = np.where(stage == STAGE["primary"], np.where(a >= 9, EDU["primary"], -1), edu)
    edu = np.where(stage == STAGE["junior"], EDU["primary"], edu)
    edu = np.where(np.isin(stage, [STAGE["senior"], STAGE["vocational"]]),
                   EDU["junior_secondary"], edu)
    edu = np.where(stage == STAGE["tertiary"], EDU["senior_secondary"], edu)
    edu = np.where((a >= 6) & (a < 15) & (stage == 0), EDU["primary"], edu).astype(np.int8)

    # ---------------- health and disability
    ill_type = typ[hh_of] == TYPOLOGY.index("ill_disabled")
    p_chronic = np.clip(0.02 + 0.0045 * np.maximum(a - 25, 0), 0, 0.4)
    p_serious = 0.004 + 0.0003 * np.maximum(a - 40, 0)
    hu = rng.random(P)
    health = np.where(hu < p_serious, 2, np.where(hu < p_serious + p_chronic, 1, 0)).astype(np.int8)
    p_dis = 0.006 + 0.0006 * np.maximum(a - 30, 0)
    disab = np.where(rng.random(P) < p_dis, 1 + _choice(rng, [0.12, 0.2, 0.3, 0.38], P),
                     0).astype(np.int8)
    # ill/disabled households: the head or spouse (or a child) carries the condition
    key_member = ill_type & (role <= 1) & (within == (hh_of % 2) * (size[hh_of] > 1))
    kk = rng.random(P)
    health = np.where(key_member & (kk < 0.55), 2, health).astype(np.int8)
    disab = np.where(key_member & (kk >= 0.55), 1 + (rng.random(P) < 0.6), disab).astype(np.int8)
    dis_kind = np.where(disab > 0, 1 + _choice(rng, [0.12, 0.2, 0.03, 0.45, 0.08, 0.08, 0.04],
                                               P), 0).astype(np.int8)

    # ---------------- labour capacity: 0 normal, 1 weak, 2 lost, 3 none
    labour = np.zeros(P, np.int8)
    labour[(health == 1) | (a >= 60) | np.isin(disab, [3, 4])] = 1
    labour[(health == 2) | np.isin(disab, [1, 2])] = 2
    labour[(a < 16) | (stage > 0) | (a >= 75)] = 3
    labour[(a >= 16) & (stage > 0)] = 3

    # ---------------- migrant work (rural, normal labour 18–55)
    can_mig = rural[hh_of] & (labour == 0) & (a >= 18) & (a < 56)
    p_mig = np.select([typ[hh_of] == TYPOLOGY.index("migrant_family"),
                       typ[hh_of] == TYPOLOGY.index("multi_generation"),
                       typ[hh_of] == TYPOLOGY.index("farming_family")], [0.75, 0.45, 0.15], 0.2)
    migrant = np.where(can_mig & (rng.random(P) < p_mig),
                       1 + (rng.random(P) < 0.6), 0).astype(np.int8)
    # local wage work (non-migrant normal labour)
    local_work = (labour <= 1) & (a >= 18) & (a < 65) & (migrant == 0) & (
        rng.random(P) < np.where(rural[hh_of], 0.25, 0.75) * np.where(labour == 1, 0.4, 1.0))

    # ---------------- public payroll (财政供养): tertiary adults, mostly urban; retirees
    pay_p = np.where(edu == EDU["tertiary"], np.where(r_urban, 0.35, 0.12), 0.004)
    payroll = (a >= 22) & (a < 60) & (rng.random(P) < pay_p)
    retired = (a >= 60) & (a < 85) & r_urban & (rng.random(P) < 0.3)
    payroll_kind = np.where(payroll, 1 + _choice(rng, [0.35, 0.1, 0.55], P),
                            np.where(retired, 4, 0)).astype(np.int8)  # 1 公务员 2 参公 3 事业 4 退休
    local_work &= ~payroll
    migrant = np.where(payroll, 0, migrant).astype(np.int8)

    # ---------------- village cadres: 3–5 rural adults per administrative village
    vv = v[hh_of]
    village_is_vil = ~community[vv]
    elig = village_is_vil & rural[hh_of] & (a >= 28) & (a < 62) & (labour == 0) & (migrant == 0)
    score = rng.random(P) + 0.4 * (edu >= EDU["junior_secondary"]) + 0.2 * male
    n_cad = rng.integers(3, 6, len(villages))
    cand = np.flatnonzero(elig)
    order = cand[np.lexsort((-score[cand], vv[cand]))]
    rk = group_rank(vv[order])
    cadre = np.zeros(P, np.int8)
    chosen = order[rk < n_cad[vv[order]]]
    cadre[chosen] = 1 + group_rank(vv[chosen]).clip(0, 5)  # 1 书记 2 主任 3 会计 4 妇女主任 5 监委 6 组长
    local_work[chosen] = True

    # ---------------- household attributes
    land = np.where(rural, rng.gamma(2.2, 1.1, H) * (1 + 0.3 * size / 3), 0.0)
    land = np.where(rural & (rng.random(H) < 0.05), 0.0, land)  # landless
    km = villages["km_to_market"].to_numpy()[v] * rng.uniform(0.7, 1.3, H)
    struct_p = np.stack([0.45 + 0.45 * ~rural, 0.3 - 0.2 * ~rural, 0.15 - 0.15 * ~rural,
                         0.1 - 0.1 * ~rural], axis=1)
    structure = _choice_rows(rng, np.clip(struct_p, 0.0, None)).astype(np.int8)
    house_area = np.round(rng.gamma(6, 18, H) * (0.6 + 0.15 * size), 1)
    build_year = np.clip(np.round(rng.normal(1998 + 8 * (structure == 0), 12, H)), 1950,
                         cfg.start_year - 1).astype(np.int16)
    water_src = np.where(villages["water_safe"].to_numpy()[v] & (rng.random(H) < 0.97), 0,
                         1 + _choice(rng, [0.3, 0.35, 0.25, 0.1], H)
                         ).astype(np.int8)
    group_no = 1 + (rng.random(H) * np.clip(np.round(n_hh_v[v] / 25), 1, 12)).astype(np.int8)

    hh = Frame(
        household_id=np.arange(H, dtype=np.int64), village=v.astype(np.int32),
        county=c.astype(np.int16), rural=rural, typology=typ.astype(np.int8),
        ethnicity=eth_hh.astype(np.int8), size_start=size.astype(np.int16),
        group_no=group_no, land_mu=np.round(land, 1), km_to_market=np.round(km, 1),
        structure=structure, house_area=house_area, build_year=build_year,
        water_source=water_src, head=np.flatnonzero(role == 0).astype(np.int64),
    )
    persons = Frame(
        person_id=np.arange(P, dtype=np.int64), household=hh_of.astype(np.int64),
        relation=rel.astype(np.int8), male=male, birth=birth, ethnicity=eth.astype(np.int8),
        name=name, surname=surname, education=edu, stage=stage,
        health=health,
        disability=disab, disability_kind=dis_kind, labour=labour, migrant=migrant,
        local_work=local_work, payroll=payroll_kind, cadre=cadre,
        born_month=np.full(P, -1, np.int16), death_month=np.full(P, -1, np.int16),
    )
    return hh, persons
