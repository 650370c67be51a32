"""Latent welfare, income by component and the calibration of the start incidence.

welfare w (log per-capita market income, relative) = county effect + village effect +
household structure + remoteness + a planted interaction + noise. Market income =
exp(α + w) × size, split into wages (per person), agriculture, household business and
property by each member's and the household's earning capacity. Transfers (pensions, 低保,
特困, disability allowances, ecological compensation) are added at fixed standards. α is found
by bisection so that the share of rural residents whose per-capita net income is below the
line equals the published incidence for the start (domain.md §7).

Standards below are ours (order of magnitude of Guizhou's 2019 values; unverified) and only
shape the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.synth.codes import EDU, TYPOLOGY
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.frame import Frame
from jingzhun.synth.params import poverty_line_fen, start_incidence
from jingzhun.synth.rng import substream

RURAL_DIBAO_STANDARD_YUAN = 3908  # per person per year (ours, unverified)
URBAN_DIBAO_STANDARD_YUAN = 7200
DIBAO_CLASS_FACTOR = {1: 0.8, 2: 0.5, 3: 0.3}  # A / B / C classes (ours)
TEKUN_FACTOR = 1.3
RURAL_PENSION_YUAN = 1250  # 城乡居民基础养老金 per year (ours)
DISABILITY_ALLOWANCE_YUAN = 70 * 12  # each of the 两项补贴, per year (ours)
UNEMPLOYED_START = 0.02  # workers out of work at the start (steady state of events.py)
REMOTE_KM = 10.0  # "remote" in the planted association
PLANTED_INTERACTION = -1.1  # remote & no normal labour & illness (ours, planted)
PLANTED_ASSISTANCE_MISS = 0.85  # share of those households without 低保/特困 (ours, planted)


def _per_hh(hh_of: np.ndarray, H: int, values: np.ndarray) -> np.ndarray:
    return np.bincount(hh_of, weights=values.astype(float), minlength=H)


def household_structure(hh: Frame, p: Frame, start_day: np.datetime64) -> dict[str, np.ndarray]:
    H = hh.n
    h = p["household"]
    age = (start_day - p["birth"]).astype(np.int64) / 365.25
    s = {
        "size": _per_hh(h, H, np.ones(p.n)),
        "n_normal": _per_hh(h, H, p["labour"] == 0),
        "n_weak": _per_hh(h, H, p["labour"] == 1),
        "n_child": _per_hh(h, H, age < 16),
        "n_old": _per_hh(h, H, age >= 65),
        "n_serious": _per_hh(h, H, p["health"] == 2),
        "n_chronic": _per_hh(h, H, p["health"] == 1),
        "n_dis12": _per_hh(h, H, np.isin(p["disability"], [1, 2])),
        "n_dis": _per_hh(h, H, p["disability"] > 0),
        "n_migrant": _per_hh(h, H, p["migrant"] > 0),
        "n_payroll": _per_hh(h, H, np.isin(p["payroll"], [1, 2, 3])),
        "n_retired": _per_hh(h, H, p["payroll"] == 4),
        "n_student_hi": _per_hh(h, H, p["stage"] >= 4),
        "n_cadre": _per_hh(h, H, p["cadre"] > 0),
    }
    head = hh["head"]
    s["head_edu"] = np.maximum(p["education"][head], 0).astype(float)
    s["age"] = age
    return s


def assign_welfare(cfg: SynthConfig, hh: Frame, p: Frame, div: pd.DataFrame,
                   villages: pd.DataFrame) -> dict[str, float]:
    """Adds welfare and income columns to ``hh`` and ``p`` in place; returns calibration info."""
    rng = substream(cfg.seed, "welfare")
    start_day = np.datetime64(cfg.start + "-01", "D")
    H, P = hh.n, p.n
    h = p["household"]
    s = household_structure(hh, p, start_day)
    size = s["size"]
    urban = ~hh["rural"]
    km = hh["km_to_market"]
    typ = hh["typology"]
    labour_ratio = (s["n_normal"] + 0.5 * s["n_weak"]) / size
    remote = km >= REMOTE_KM
    no_labour = s["n_normal"] == 0
    ill = (s["n_serious"] + s["n_chronic"]) > 0
    planted = remote & no_labour & ill & hh["rural"]
    w = (div["effect"].to_numpy()[hh["county"]] + villages["effect"].to_numpy()[hh["village"]]
         + 0.30 * urban + 0.9 * labour_ratio - 0.35 * (s["n_serious"] > 0)
         - 0.15 * s["n_chronic"] / size - 0.25 * (s["n_dis12"] > 0)
         + 0.22 * np.minimum(s["n_migrant"], 2) + 0.6 * (s["n_payroll"] > 0)
         + 0.25 * (s["n_retired"] > 0) + 0.05 * s["head_edu"]
         - np.minimum(0.03 * np.maximum(km - 5, 0), 0.5)
         - 0.15 * (typ == TYPOLOGY.index("single_adult"))
         - 0.10 * (typ == TYPOLOGY.index("left_behind_elderly"))
         + 0.15 * (s["n_cadre"] > 0)
         + PLANTED_INTERACTION * planted
         + rng.normal(0, 0.42, H))

    # business owners (个体工商户 / 有限责任公司), more likely in better-off households
    age = s["age"]
    wz = (w - np.median(w))[h]
    adult = (age >= 22) & (age < 65) & (p["labour"] <= 1) & (p["stage"] == 0)
    base_ind = np.where(urban[h], 0.06, 0.025) * np.exp(0.6 * wz)
    base_co = np.where(urban[h], 0.025, 0.006) * np.exp(0.9 * wz)
    u = rng.random(P)
    business = np.where(adult & (u < base_co), 2, np.where(adult & (u < base_co + base_ind), 1, 0))
    business = np.where(p["payroll"] > 0, 0, business).astype(np.int8)
    n_company = _per_hh(h, H, business == 2)
    n_indiv = _per_hh(h, H, business == 1)
    w = w + 0.35 * (n_company > 0) + 0.1 * (n_indiv > 0)

    # earning capacities
    mig = p["migrant"]
    cap_p = np.select(
        [np.isin(p["payroll"], [1, 2, 3]), mig == 2, mig == 1, p["local_work"] & (p["labour"] == 0),
         p["local_work"]],
        [1.5, 1.0, 0.78, 0.45, 0.2], 0.0) * rng.lognormal(0, 0.25, P)
    cap_p = cap_p + 0.25 * (p["cadre"] > 0)
    any_lab = (s["n_normal"] + s["n_weak"]) > 0
    cap_agri = np.where(hh["rural"], hh["land_mu"] * 0.09 * np.where(any_lab, 1.0, 0.3), 0.0)
    cap_bus = 0.9 * n_company + 0.45 * n_indiv
    cap_prop = 0.03 + 0.08 * urban
    cap_hh = _per_hh(h, H, cap_p) + cap_agri + cap_bus + cap_prop
    worker = (cap_p > 0) & ~np.isin(p["payroll"], [1, 2, 3, 4])
    employed0 = ~worker | (rng.random(P) >= UNEMPLOYED_START)
    realised = (_per_hh(h, H, cap_p * employed0) + cap_agri + cap_bus + cap_prop) / cap_hh
    rel_market = np.exp(w) * size  # relative household market income

    # transfers (annual fen), fixed standards
    pension_p = np.where(np.isin(p["payroll"], [4]), rng.lognormal(np.log(42000), 0.2, P) * 100,
                         np.where(age >= 60, RURAL_PENSION_YUAN * 100, 0))
    pension_p = np.round(pension_p).astype(np.int64)
    eco = np.where(hh["rural"] & (rng.random(H) < 0.2), np.round(hh["land_mu"] * 0.4) * 10000, 0)

    # 低保 / 特困 at the start: the lowest welfare (by rank, so independent of α)
    score = w - 0.3 * no_labour
    rk = pd.Series(score).groupby(hh["rural"]).rank(pct=True).to_numpy()
    # remote households with nobody able to work and illness are mostly missed by social
    # assistance (nobody to apply; planted, ours): this is what makes them poor
    missed = planted & (rng.random(H) < PLANTED_ASSISTANCE_MISS)
    tekun = (hh["rural"] & (size == 1) & (rk < 0.25) & ~missed
             & ((age[hh["head"]] >= 60) | (s["n_dis12"] > 0)) & no_labour)
    dibao = ~tekun & ~missed & np.where(hh["rural"], rk < 0.065, rk < 0.02)
    dclass = np.where(no_labour, 1, np.where(s["n_normal"] <= 1, 2, 3))
    # wrongly granted places: excluded-by-rule households (company, payroll) and cadres'
    # households, a share of the legitimate count
    bad = hh["rural"] & ~dibao & ~tekun & ((n_company > 0) | (s["n_payroll"] > 0)
                                            | (s["n_cadre"] > 0))
    n_bad = int(round(cfg.payments.excluded_on_dibao * dibao.sum()))
    cand = np.flatnonzero(bad)
    wrong = rng.choice(cand, size=min(n_bad, cand.size), replace=False) if cand.size else cand
    dibao_wrong = np.zeros(H, bool)
    dibao_wrong[wrong] = True
    dibao |= dibao_wrong
    std = np.where(hh["rural"], RURAL_DIBAO_STANDARD_YUAN, URBAN_DIBAO_STANDARD_YUAN) * 100
    dibao_month = np.where(dibao, np.round(size * std / 12 * np.vectorize(
        DIBAO_CLASS_FACTOR.get)(dclass) / 100) * 100, 0)
    dibao_month = np.where(tekun, np.round(std * TEKUN_FACTOR / 12 / 100) * 100, dibao_month)
    assisted = dibao | tekun
    dis_allow_p = ((p["disability"] > 0) & assisted[h]) * DISABILITY_ALLOWANCE_YUAN * 100 + \
        np.isin(p["disability"], [1, 2]) * DISABILITY_ALLOWANCE_YUAN * 100
    transfers = (_per_hh(h, H, pension_p) + eco + 12 * dibao_month
                 + _per_hh(h, H, dis_allow_p))

    # calibrate α on rural persons
    line = float(poverty_line_fen(cfg, 0))
    target = max(start_incidence(cfg), 0.005)
    rural_w = np.where(hh["rural"], size, 0.0)

    def incidence(alpha: float) -> float:
        pc = (np.exp(alpha) * rel_market * realised + transfers) / size
        return float(rural_w[pc < line].sum() / rural_w.sum())

    lo, hi = 0.0, 25.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if incidence(mid) > target:
            lo = mid
        else:
            hi = mid
    alpha = hi
    market = np.exp(alpha) * rel_market
    unit = market / cap_hh
    wage_p = np.round(unit[h] * cap_p).astype(np.int64)
    agri = np.round(unit * cap_agri).astype(np.int64)
    bus_gross = np.round(unit * cap_bus * 1.6).astype(np.int64)
    bus_cost = bus_gross - np.round(unit * cap_bus).astype(np.int64)
    prop = np.round(unit * cap_prop).astype(np.int64)
    # agriculture costs are netted inside agri (net farm income)

    hh.update(
        welfare=w.astype(np.float32), planted_assoc=planted, remote=remote,
        agri_fen=agri, business_gross_fen=bus_gross, business_cost_fen=bus_cost,
        property_fen=prop, eco_comp_fen=eco.astype(np.int64),
        dibao=dibao, tekun=tekun, dibao_wrong=dibao_wrong, dibao_class=dclass.astype(np.int8),
        dibao_month_fen=dibao_month.astype(np.int64),
        has_company=n_company > 0, has_indiv_business=n_indiv > 0,
    )
    p.update(wage_fen=wage_p, pension_fen=pension_p, business=business, employed0=employed0,
             dis_allowance_fen=dis_allow_p.astype(np.int64))

    # cars, commercial housing (by welfare; a few poor households too)
    wr = w - np.median(w)
    hh["car"] = rng.random(H) < 1 / (1 + np.exp(-(-2.3 + 1.4 * wr + 1.2 * urban
                                                 + 1.0 * (n_company > 0)))) + 0.01
    hh["motorcycle"] = hh["rural"] & (rng.random(H) < 0.35)
    hh["commercial_housing"] = rng.random(H) < 1 / (1 + np.exp(-(-3.2 + 1.3 * wr + 1.6 * urban)))
    total = household_income_start(hh, p)
    hh["income_start_fen"] = total
    pc = total / size
    # housing danger grade at the start: weak structures in poorer households (ours)
    weak = np.isin(hh["structure"], [2, 3])
    p_c = np.clip(0.02 + 0.25 * weak * (pc < 2.5 * line) + 0.1 * weak, 0, 0.6) * hh["rural"]
    ud = rng.random(H)
    hh["danger"] = np.where(ud < 0.2 * p_c, 3, np.where(ud < p_c, 2, np.where(
        ud < p_c + 0.5 * (1 - p_c), 1, 0))).astype(np.int8)
    return {"alpha": alpha, "target_incidence": target, "line_fen": line,
            "achieved_incidence": float(rural_w[pc < line].sum() / rural_w.sum())}


def household_income_start(hh: Frame, p: Frame) -> np.ndarray:
    """Annual net household income (fen) at the start, all components."""
    H = hh.n
    h = p["household"]
    return (_per_hh(h, H, p["wage_fen"] * p["employed0"] + p["pension_fen"]
                    + p["dis_allowance_fen"])
            + hh["agri_fen"] + hh["business_gross_fen"] - hh["business_cost_fen"]
            + hh["property_fen"] + hh["eco_comp_fen"] + 12 * hh["dibao_month_fen"])


def true_cause(hh: Frame, p: Frame, villages: pd.DataFrame, s: dict[str, np.ndarray]
               ) -> np.ndarray:
    """Main cause (index into codes.CAUSES) implied by the household's condition: the first
    applicable in the order illness, disability, lack of labour, schooling, lack of water,
    transport, lack of land, lack of skills, lack of capital (ours)."""
    from jingzhun.synth.codes import CAUSES

    conds = [
        ("illness", s["n_serious"] > 0),
        ("disability", s["n_dis12"] > 0),
        ("lack_labour", s["n_normal"] == 0),
        ("schooling", s["n_student_hi"] > 0),
        ("lack_water", hh["water_source"] > 0),
        ("transport", hh["km_to_market"] >= 15),
        ("lack_land", hh["rural"] & (hh["land_mu"] < 0.8)),
        ("lack_skills", s["head_edu"] <= EDU["primary"]),
        ("illness", s["n_chronic"] > 0),
    ]
    out = np.full(hh.n, CAUSES.index("lack_capital"), np.int8)
    for name, cond in reversed(conds):
        out[cond] = CAUSES.index(name)
    return out
