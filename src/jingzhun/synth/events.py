"""Month-by-month life of the province: illness, disability, deaths, births, job loss and
return, disasters, unsignalled shocks, school, relocation, social assistance and the effect
of assistance measures. Vectorised over persons and households; the only loop is over months.

What makes falls into poverty predictable (ours, by design):

- serious illness: out-patient claims rise 1–2 months before onset for half the cases, an
  expensive in-patient claim at onset, the earnings of the ill person stop 1–4 months later;
- job loss: the HRSS separation record comes in the month of loss, wages stop the next month;
- disasters: the emergency report comes in the month of the disaster, farm income falls then;
- unsignalled shocks (business failure, family crises) and new disabilities (certificate
  issued 1–6 months after the fall) give no or only late signals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jingzhun.synth.codes import REL, STAGE
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.frame import Frame
from jingzhun.synth.names import sample_given
from jingzhun.synth.params import monitor_range_fen, poverty_line_fen
from jingzhun.synth.registration import POOR
from jingzhun.synth.rng import substream
from jingzhun.synth.schedule import (
    NEVER,
    disability_yearly,
    first_month,
    mortality_yearly,
    serious_illness_yearly,
    yearly_to_monthly,
)
from jingzhun.synth.welfare import (
    DIBAO_CLASS_FACTOR,
    RURAL_DIBAO_STANDARD_YUAN,
    URBAN_DIBAO_STANDARD_YUAN,
)

# disaster hazard per village-month by calendar month (ours; rainy season May–September)
DISASTER_SEASON = np.array([0.2, 0.2, 0.5, 0.8, 1.2, 2.0, 2.4, 2.0, 1.2, 0.5, 0.2, 0.2]) * 0.0012
DISASTER_TYPES = ["flood", "landslide", "hail", "drought", "storm"]
DISASTER_BY_MONTH = np.array([  # flood landslide hail drought storm, by calendar month
    [0.0, 0.2, 0.1, 0.6, 0.1], [0.0, 0.2, 0.1, 0.6, 0.1], [0.05, 0.2, 0.45, 0.2, 0.1],
    [0.1, 0.2, 0.5, 0.1, 0.1], [0.3, 0.3, 0.3, 0.0, 0.1], [0.5, 0.35, 0.05, 0.0, 0.1],
    [0.5, 0.35, 0.0, 0.05, 0.1], [0.4, 0.3, 0.0, 0.2, 0.1], [0.3, 0.3, 0.0, 0.3, 0.1],
    [0.1, 0.3, 0.0, 0.5, 0.1], [0.0, 0.3, 0.1, 0.5, 0.1], [0.0, 0.3, 0.1, 0.5, 0.1]])
# illness names (大病专项救治 categories; sensitive) and their codes in health's list
DISEASES = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
PRO_POOR_GROWTH = 0.35  # extra yearly growth at the line, fading out at 1.6 × the line (ours)
JOB_LOSS = 0.004  # monthly hazard of losing a job (ours)
REHIRE = 0.2  # monthly chance of a new job after a loss (ours); steady state ≈ 2 % out of work
MEASURES = ["industry", "employment", "relocation", "housing", "education", "health",
            "safety_net"]


@dataclass
class History:
    """Everything the departments and the truth tables are made from."""

    persons: Frame
    households: Frame
    months: int
    income: np.ndarray  # (M, H) household net income in the month (fen)
    size: np.ndarray  # (M, H) members alive
    oop: np.ndarray  # (M, H) out-of-pocket medical spending
    edu_cost: np.ndarray  # (M, H)
    assist: np.ndarray  # (M, H) int8: 0 none, 1 低保, 2 特困
    assist_fen: np.ndarray  # (M, H) monthly 低保/特困 amount
    village: np.ndarray  # (M, H) village index
    danger: np.ndarray  # (M, H) housing danger grade 0..3 (A..D)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _age(p: Frame, day: np.datetime64) -> np.ndarray:
    return (day - p["birth"]).astype(np.int64) / 365.25


def simulate(cfg: SynthConfig, hh: Frame, p: Frame, villages: pd.DataFrame,
             progress: object = None) -> History:
    rng = substream(cfg.seed, "events")
    M, H = cfg.months, hh.n
    P0 = p.n
    start_day = np.datetime64(cfg.start + "-01", "D")
    month_start = np.array([np.datetime64(f"{q[:4]}-{q[4:]}-01", "D") for q in cfg.periods]
                           + [np.datetime64(f"{cfg.period(M)[:4]}-{cfg.period(M)[4:]}-01", "D")])
    cal_month = np.array([int(q[4:]) for q in cfg.periods])
    age0 = _age(p, start_day)
    # ------------------------------------------------------------ schedules at the start
    chronic = p["health"] == 1
    serious0 = p["health"] == 2
    ill_m = first_month(rng, yearly_to_monthly(serious_illness_yearly(age0, chronic)), M)
    ill_m = np.where(serious0, NEVER, ill_m)
    lag = 1 + np.searchsorted([0.3, 0.6, 0.85], rng.random(P0), side="right")
    prodrome = rng.random(P0) < 0.5
    recover0 = first_month(rng, np.full(P0, 0.03), M)  # pre-existing serious cases
    recover_new = (ill_m.astype(np.int32) + lag
                   + rng.geometric(0.07, P0)).clip(0, NEVER).astype(np.int16)
    recover = np.where(serious0, recover0, np.where(ill_m < NEVER, recover_new, NEVER))
    mort = yearly_to_monthly(mortality_yearly(age0) * np.where(serious0, 5, 1)
                             * np.where(chronic, 1.4, 1))
    death_m = first_month(rng, mort, M)
    d_after = first_month(rng, np.full(P0, 0.015), M, start=np.minimum(ill_m, M))
    death_m = np.minimum(death_m, np.where(ill_m < NEVER, d_after, NEVER)).astype(np.int16)
    dis_m = first_month(rng, yearly_to_monthly(disability_yearly(age0)), M)
    dis_m = np.where(p["disability"] > 0, NEVER, dis_m)
    dis_grade = 1 + np.searchsorted([0.12, 0.32, 0.62], rng.random(P0), side="right")
    dis_kind = 1 + np.searchsorted(np.cumsum([0.12, 0.2, 0.03, 0.45, 0.08, 0.08]),
                                   rng.random(P0), side="right")
    cert_lag = rng.integers(1, 7, P0)
    worker = (p["wage_fen"] > 0) & ~np.isin(p["payroll"], [1, 2, 3, 4])
    employed = (p["wage_fen"] > 0) & p["employed0"]
    job_loss = np.where(worker & employed, first_month(rng, np.full(P0, JOB_LOSS), M), NEVER)
    cur_wage = (p["wage_fen"] / 12).astype(np.int64)
    shock_m = first_month(rng, np.full(H, 0.0012), M)
    shock_len = rng.integers(4, 13, H)
    shock_fac = rng.uniform(0.35, 0.7, H)

    # births scheduled at the start (one at most per woman in the window); newborns are
    # appended once and "not yet born" before their month
    rel_ok = np.isin(p["relation"], [REL["head"], REL["spouse"], REL["other"], REL["daughter"]])
    can = ~p["male"] & (age0 >= 18) & (age0 < 40) & rel_ok
    hz = np.where(np.isin(p["relation"], [REL["head"], REL["spouse"], REL["other"]]), 0.0055,
                  0.0015) * can
    b_m = first_month(rng, hz, M)
    mi = np.flatnonzero((b_m < NEVER) & (b_m < death_m))
    rec_births = pd.DataFrame()
    if mi.size:
        nb = _newborns(rng, p, mi, b_m[mi], month_start, hh)
        nb["person_id"] = np.arange(P0, P0 + mi.size)
        rec_births = pd.DataFrame({"person": nb["person_id"], "mother": mi, "month": b_m[mi]})
        p.append(nb)
    n_new = p.n - P0
    z16 = np.full(n_new, NEVER, np.int16)
    ill_m, recover, dis_m, death_m = (np.r_[ill_m, z16], np.r_[recover, z16], np.r_[dis_m, z16],
                                      np.r_[death_m, z16])
    lag, prodrome = np.r_[lag, np.ones(n_new, int)], np.r_[prodrome, np.zeros(n_new, bool)]
    serious0 = np.r_[serious0, np.zeros(n_new, bool)]
    chronic = np.r_[chronic, np.zeros(n_new, bool)]
    dis_grade = np.r_[dis_grade, np.ones(n_new, int)]
    dis_kind = np.r_[dis_kind, np.ones(n_new, int)]
    cert_lag = np.r_[cert_lag, np.ones(n_new, int)]
    worker, employed = np.r_[worker, np.zeros(n_new, bool)], np.r_[employed, np.zeros(n_new, bool)]
    job_loss = np.r_[job_loss, z16]
    cur_wage = np.r_[cur_wage, np.zeros(n_new, np.int64)]
    P0 = p.n

    # pro-poor growth (ours): low-income households' market incomes grow faster
    size0 = hh["size_start"].astype(float)
    line0 = float(poverty_line_fen(cfg, 0))
    inc0 = hh["income_start_fen"] / size0
    g_hh = cfg.income_growth + PRO_POOR_GROWTH * np.clip(1.6 - inc0 / line0, 0, 1) * hh["rural"]

    # ------------------------------------------------------------ assistance measures
    on_roll = hh["roll_status"] == POOR
    gap = np.maximum(poverty_line_fen(cfg, min(M, 24) - 1) * 1.0 - inc0, 0)
    ms = Frame(household=np.flatnonzero(on_roll).astype(np.int64))
    k = ms.n
    mt_rel = hh["remote"][ms["household"]] & (rng.random(k) < 0.3) & (cfg.start_year <= 2020)
    mt = np.where(mt_rel, MEASURES.index("relocation"),
                  np.where(rng.random(k) < 0.55, MEASURES.index("industry"),
                           MEASURES.index("employment")))
    ms["measure"] = mt.astype(np.int8)
    ms["start"] = rng.integers(0, max(1, min(M, 12)), k).astype(np.int16)
    lag_e = np.select([mt == MEASURES.index("industry"), mt == MEASURES.index("employment")],
                      [rng.integers(4, 10, k), rng.integers(1, 3, k)], rng.integers(3, 7, k))
    ms["effect"] = (ms["start"] + lag_e).astype(np.int16)
    success = rng.random(k) < 0.85
    ms["uplift_fen"] = np.round(np.where(success, 1.0, 0.3) * (
        gap[ms["household"]] * rng.uniform(1.2, 1.8, k) + 40000) * size0[ms["household"]]
        / 12).astype(np.int64)
    ms["grant_fen"] = np.where(mt == MEASURES.index("industry"),
                               rng.integers(20, 51, k) * 10000, 0).astype(np.int64)
    relocate_m = np.full(H, NEVER, np.int16)
    rel_sel = ms["household"][mt == MEASURES.index("relocation")]
    relocate_m[rel_sel] = ms["start"][mt == MEASURES.index("relocation")]
    uplift_start = np.full(H, NEVER, np.int16)
    uplift_start[ms["household"]] = ms["effect"]
    uplift_amt = np.zeros(H, np.int64)
    uplift_amt[ms["household"]] = ms["uplift_fen"]
    # housing renovation for roll households in C/D houses
    # ------------------------------------------------------------ state
    village = hh["village"].copy()
    county_of_v = pd.Index(sorted(villages["county_code"].unique())).get_indexer(
        villages["county_code"])
    # resettlement site per county: the first community of the seat township (else first village)
    vdf = pd.DataFrame({"v": np.arange(len(villages)), "c": county_of_v,
                        "comm": villages["village_type"].eq("community")})
    site = vdf.sort_values(["c", "comm", "v"], ascending=[True, False, True]).groupby("c")[
        "v"].first().to_numpy()
    danger = hh["danger"].copy()
    renov_m = np.where(on_roll & (danger >= 2), rng.integers(2, 12, H), NEVER).astype(np.int16)
    agri_fac_until = np.full(H, -1, np.int16)
    agri_fac = np.ones(H)
    assist = np.where(hh["tekun"], 2, np.where(hh["dibao"], 1, 0)).astype(np.int8)
    assist_amt = hh["dibao_month_fen"].copy()
    dstd = np.where(hh["rural"], RURAL_DIBAO_STANDARD_YUAN, URBAN_DIBAO_STANDARD_YUAN) * 100.0
    low_months = np.zeros(H, np.int16)

    out_income = np.zeros((M, H), np.int32)
    out_size = np.zeros((M, H), np.int16)
    out_oop = np.zeros((M, H), np.int32)
    out_edu = np.zeros((M, H), np.int32)
    out_assist = np.zeros((M, H), np.int8)
    out_assist_amt = np.zeros((M, H), np.int32)
    out_village = np.zeros((M, H), np.int32)
    out_danger = np.zeros((M, H), np.int8)

    rec: dict[str, list[pd.DataFrame]] = {k: [] for k in (
        "claims", "jobs", "disasters", "disaster_hits", "births", "school", "moves",
        "dibao_changes", "housing")}
    # job stock at the start
    kind0 = np.select([np.isin(p["payroll"], [1, 2, 3]), p["migrant"] == 2, p["migrant"] == 1],
                      [5, 3, 2], 1)
    js = np.flatnonzero(employed & (p["payroll"] != 4))
    rec["jobs"].append(pd.DataFrame({"person": js, "event": "stock", "month": -1,
                                     "kind": kind0[js], "wage_fen": cur_wage[js]}))
    unemployed_since = np.where(worker & ~employed, -1, NEVER).astype(np.int16)
    re_rate = np.full(P0, REHIRE)
    born_m = p["born_month"].copy()
    stage = p["stage"].copy()
    dropout_until = np.full(P0, NEVER, np.int16)
    shock_idx = cfg.month_index(cfg.migrant_shock_month) if cfg.migrant_shock_month else -99
    bus_net = (hh["business_gross_fen"] - hh["business_cost_fen"]) / 12
    base_other = (hh["agri_fen"] / 12, bus_net, hh["property_fen"] / 12, hh["eco_comp_fen"] / 12)
    claim_seq = 0

    for m in range(M):
        day0 = month_start[m]
        ndays = int((month_start[m + 1] - day0).astype(int))
        n_now = p.n
        alive = (death_m > m) & (born_m <= m)
        age = _age(p, day0)
        # ---------------- jobs (wages of the month are paid on the employment at its start)
        employed_start = employed.copy()
        lose = employed & (job_loss == m)
        if m == shock_idx:
            lose |= (employed & (p["migrant"] == 2) & worker
                     & (rng.random(n_now) < cfg.migrant_shock_share))
            re_rate = np.where(lose, 0.25, re_rate)
        lose &= alive
        employed = employed & ~lose
        unemployed_since = np.where(lose, m, unemployed_since).astype(np.int16)
        rehire = (~employed & (unemployed_since < m) & alive & (recover_gt(recover, ill_m, m))
                  & (rng.random(n_now) < re_rate))
        employed = employed | rehire
        ri = np.flatnonzero(rehire)
        cur_wage[ri] = (cur_wage[ri] * rng.uniform(0.8, 1.1, ri.size)).astype(np.int64)
        unemployed_since[ri] = NEVER
        job_loss[ri] = first_month(rng, np.full(ri.size, JOB_LOSS), M, start=m + 1)
        if lose.any() or rehire.any():
            idx = np.flatnonzero(lose | rehire)
            rec["jobs"].append(pd.DataFrame({
                "person": idx, "event": np.where(lose[idx], "separation", "hire"), "month": m,
                "kind": kind0[idx], "wage_fen": cur_wage[idx]}))
        # ---------------- health
        ill_now = ((serious0 & (recover > m)) | ((ill_m <= m) & (recover > m)))
        wage_stop = (ill_now & ~serious0 & (m >= ill_m + lag)) | (serious0 & (recover > m))
        dis_now = dis_m <= m
        dis_stop = dis_now & (dis_grade <= 2) & (m >= dis_m + 1)
        dis_cut = dis_now & (dis_grade > 2) & (m >= dis_m + 1)
        wfac = np.where(wage_stop | dis_stop, 0.0, np.where(dis_cut, 0.6, 1.0))
        growth = (1 + g_hh) ** (m / 12)
        paid = cur_wage * employed_start * alive * wfac
        wages_h = np.bincount(p["household"], weights=paid, minlength=H) * growth
        carer = np.bincount(p["household"], weights=(wage_stop & ~serious0 & alive),
                            minlength=H) > 0
        # ---------------- disasters
        vhz = DISASTER_SEASON[cal_month[m] - 1] * villages["disaster_prone"].to_numpy()
        hit_v = np.flatnonzero(rng.random(len(villages)) < vhz)
        if hit_v.size:
            dtype = (np.searchsorted(np.cumsum(DISASTER_BY_MONTH[cal_month[m] - 1]),
                                     rng.random(hit_v.size), side="right")).clip(0, 4)
            share = rng.uniform(0.3, 0.9, hit_v.size)
            sev = rng.uniform(0.2, 0.8, hit_v.size)
            vpos = np.full(len(villages), -1)
            vpos[hit_v] = np.arange(hit_v.size)
            hv = vpos[village]
            aff = (hv >= 0) & (rng.random(H) < np.where(hv >= 0, share[hv], 0))
            ah = np.flatnonzero(aff)
            loss = sev[hv[ah]] * rng.uniform(0.7, 1.3, ah.size)
            agri_fac[ah] = np.clip(1 - loss, 0.05, 1)
            agri_fac_until[ah] = m + rng.integers(6, 13, ah.size)
            dmg = rng.random(ah.size)
            newd = np.where(dmg < 0.06 * sev[hv[ah]], 3,
                            np.where(dmg < 0.1 * sev[hv[ah]], 2, -1))
            upd = newd > danger[ah]
            danger[ah[upd]] = newd[upd]
            loss_fen = np.round(hh["agri_fen"][ah] * loss * rng.uniform(0.6, 1.0, ah.size)
                                + (newd >= 2) * rng.integers(20000, 80000, ah.size) * 100)
            rec["disaster_hits"].append(pd.DataFrame({
                "household": ah, "month": m, "village": village[ah], "loss_fen": loss_fen,
                "house": np.where(newd == 3, "collapsed", np.where(newd == 2, "damaged", ""))}))
            rec["disasters"].append(pd.DataFrame({
                "village": hit_v, "month": m, "day": rng.integers(1, ndays + 1, hit_v.size),
                "type": np.array(DISASTER_TYPES)[dtype], "severity": sev}))
            if (upd & (newd >= 2)).any():
                rec["housing"].append(pd.DataFrame({"household": ah[upd], "month": m,
                                                    "danger": newd[upd], "why": "disaster"}))
        agri_fac = np.where(agri_fac_until < m, 1.0, agri_fac)
        # ---------------- renovation (danger → A) and relocation
        ren = renov_m == m
        if ren.any():
            danger[ren] = 0
            rec["housing"].append(pd.DataFrame({"household": np.flatnonzero(ren), "month": m,
                                                "danger": 0, "why": "renovation"}))
        mv = (relocate_m == m)
        if mv.any():
            hs = np.flatnonzero(mv)
            old = village[hs]
            village[hs] = site[county_of_v[old]]
            danger[hs] = 0
            agri_fac[hs] = 0.5
            agri_fac_until[hs] = NEVER
            rec["moves"].append(pd.DataFrame({"household": hs, "month": m, "from_village": old,
                                              "to_village": village[hs]}))
        # ---------------- income
        shock = (shock_m <= m) & (m < shock_m + shock_len)
        market = (wages_h * np.where(carer, 0.85, 1.0)
                  + base_other[0] * agri_fac * np.where(carer, 0.8, 1.0) * growth
                  + base_other[1] * growth + base_other[2] * growth)
        market = market * np.where(shock, shock_fac, 1.0)
        pens = np.bincount(p["household"], weights=(p["pension_fen"] + p["dis_allowance_fen"])
                           * alive / 12, minlength=H)
        uplift = np.where(uplift_start <= m, uplift_amt, 0) * np.minimum(
            1.0, (m - uplift_start + 1) / 3.0).clip(0, 1)
        size_m = np.bincount(p["household"], weights=alive, minlength=H).astype(np.int16)
        # 低保 dynamics: review on income without 低保
        excl = market + pens + base_other[3] + uplift
        pc_excl = 12 * excl / np.maximum(size_m, 1)
        low = pc_excl < 0.55 * dstd
        low_months = np.where(low, low_months + 1, 0).astype(np.int16)
        enter = (assist == 0) & (low_months >= 3) & (rng.random(H) < 0.2) & (size_m > 0)
        leave = (assist == 1) & ~hh["dibao_wrong"] & (pc_excl > 1.3 * dstd) & (rng.random(H) < 0.08)
        gone = (assist > 0) & (size_m == 0)
        if enter.any() or leave.any() or gone.any():
            n_lab = np.bincount(p["household"], weights=alive & (p["labour"] == 0), minlength=H)
            cls = np.where(n_lab == 0, 1, np.where(n_lab <= 1, 2, 3))
            fac = np.select([cls == 1, cls == 2], [DIBAO_CLASS_FACTOR[1], DIBAO_CLASS_FACTOR[2]],
                            DIBAO_CLASS_FACTOR[3])
            amt = np.round(size_m * dstd / 12 * fac / 100) * 100
            assist = np.where(enter, 1, np.where(leave | gone, 0, assist)).astype(np.int8)
            assist_amt = np.where(enter, amt, np.where(leave | gone, 0, assist_amt)
                                  ).astype(np.int64)
            chg = np.flatnonzero(enter | leave | gone)
            rec["dibao_changes"].append(pd.DataFrame({
                "household": chg, "month": m,
                "change": np.where(enter[chg], "enter", np.where(leave[chg], "leave", "ended"))}))
        income = excl + assist_amt
        # ---------------- medical claims
        claims, claim_seq = _claims(rng, p, m, day0, ndays, alive, age, ill_m, lag, prodrome,
                                    serious0, recover, chronic, hh, claim_seq)
        rec["claims"].append(claims)
        oop = np.bincount(p["household"][claims["person"].to_numpy()],
                          weights=claims["oop_fen"].to_numpy(), minlength=H)
        # ---------------- school (September transitions, monthly dropouts)
        st_events = []
        if cal_month[m] == 9:
            a9 = age
            new = stage.copy()
            pre = (a9 >= 3) & (a9 < 6) & (stage == 0) & (rng.random(n_now) < 0.75)
            new[pre] = STAGE["preschool"]
            new[(a9 >= 6) & (a9 < 7) & (stage <= 1)] = STAGE["primary"]
            new[(a9 >= 12) & (a9 < 13) & (stage == STAGE["primary"])] = STAGE["junior"]
            up = rng.random(n_now)
            rural_p = hh["rural"][p["household"]]
            f15 = (a9 >= 15) & (a9 < 16) & (stage == STAGE["junior"])
            new[f15] = np.where(up[f15] < np.where(rural_p[f15], 0.42, 0.6), STAGE["senior"],
                                np.where(up[f15] < np.where(rural_p[f15], 0.75, 0.92),
                                         STAGE["vocational"], 0))
            f18 = (a9 >= 18) & (a9 < 19) & np.isin(stage, [STAGE["senior"], STAGE["vocational"]])
            new[f18] = np.where(up[f18] < np.where(rural_p[f18], 0.3, 0.55), STAGE["tertiary"], 0)
            new[(a9 >= 22) & (stage == STAGE["tertiary"])] = 0
            new[~alive] = stage[~alive]
            ch = np.flatnonzero(new != stage)
            st_events.append(pd.DataFrame({"person": ch, "month": m, "event": np.where(
                new[ch] == 0, "leave", "enter"), "stage": new[ch]}))
            stage = new
        compulsory = np.isin(stage, [STAGE["primary"], STAGE["junior"]]) & (age >= 10) & alive
        poorish = (12 * income / np.maximum(size_m, 1)) < 1.5 * float(poverty_line_fen(cfg, m))
        drop = compulsory & (rng.random(n_now) < np.where(poorish[p["household"]], 0.002, 0.0002))
        back = (dropout_until == m)
        if drop.any() or back.any():
            d_i = np.flatnonzero(drop)
            b_i = np.flatnonzero(back)
            dropout_until[d_i] = m + rng.integers(2, 7, d_i.size)
            st_events.append(pd.DataFrame({"person": d_i, "month": m, "event": "dropout",
                                           "stage": stage[d_i]}))
            st_events.append(pd.DataFrame({"person": b_i, "month": m, "event": "return",
                                           "stage": stage[b_i]}))
        rec["school"].extend(st_events)
        in_drop = (dropout_until < NEVER) & (dropout_until > m)
        cost_p = np.select([stage == STAGE["senior"], stage == STAGE["vocational"],
                            stage == STAGE["tertiary"]], [25000, 15000, 100000], 0)
        cost_p = cost_p * alive * ~in_drop
        edu_cost = np.bincount(p["household"], weights=cost_p, minlength=H)
        # ---------------- record the month
        out_income[m] = np.round(income)
        out_size[m] = size_m
        out_oop[m] = np.minimum(np.round(oop), 2_000_000_000)
        out_edu[m] = np.round(edu_cost)
        out_assist[m] = assist
        out_assist_amt[m] = assist_amt
        out_village[m] = village
        out_danger[m] = danger
        if progress is not None:
            progress("simulate months", (m + 1) / M)  # type: ignore[operator]

    # ------------------------------------------------------------ final person columns
    p["death_month"] = np.where(death_m < M, death_m, -1).astype(np.int16)
    dd = np.where(death_m < M, rng.integers(0, 28, p.n), 0)
    p["death_date"] = np.where(
        death_m < M, month_start[np.minimum(death_m, M - 1)] + dd.astype("timedelta64[D]"),
        np.datetime64("NaT"))
    p["ill_month"] = np.where(ill_m < M, ill_m, -1).astype(np.int16)
    p["ill_lag"] = lag.astype(np.int8)
    p["recover_month"] = np.where(recover < M, recover, -1).astype(np.int16)
    p["dis_month"] = np.where(dis_m < M, dis_m, -1).astype(np.int16)
    p["dis_grade_new"] = np.where(dis_m < M, dis_grade, 0).astype(np.int8)
    p["dis_kind_new"] = np.where(dis_m < M, dis_kind, 0).astype(np.int8)
    p["cert_month"] = np.where(dis_m < M, dis_m + cert_lag, -1).astype(np.int16)
    p["stage_end"] = stage
    hh["relocate_month"] = np.where(relocate_m < M, relocate_m, -1).astype(np.int16)
    hh["shock_month"] = np.where(shock_m < M, shock_m, -1).astype(np.int16)
    hh["shock_len"] = shock_len.astype(np.int16)
    hist = History(persons=p, households=hh, months=M, income=out_income, size=out_size,
                   oop=out_oop, edu_cost=out_edu, assist=out_assist, assist_fen=out_assist_amt,
                   village=out_village, danger=out_danger)
    rec["births"] = [rec_births]
    for k2, lst in rec.items():
        lst = [x for x in lst if len(x)]
        hist.tables[k2] = pd.concat(lst, ignore_index=True) if lst else pd.DataFrame()
    ms_df = pd.DataFrame({k2: v for k2, v in ms.items()})
    ms_df["measure"] = np.array(MEASURES)[ms_df["measure"].to_numpy()]
    hist.tables["measures"] = ms_df[ms_df["start"] < M].reset_index(drop=True)
    return hist


def recover_gt(recover: np.ndarray, ill_m: np.ndarray, m: int) -> np.ndarray:
    """Not currently seriously ill (can take a job)."""
    return ~((ill_m <= m) & (recover > m))


def _claims(rng: np.random.Generator, p: Frame, m: int, day0: np.datetime64, ndays: int,
            alive: np.ndarray, age: np.ndarray, ill_m: np.ndarray, lag: np.ndarray,
            prodrome: np.ndarray, serious0: np.ndarray, recover: np.ndarray,
            chronic: np.ndarray, hh: Frame, seq0: int) -> tuple[pd.DataFrame, int]:
    """Medical insurance settlements of month ``m`` (one row per claim)."""
    n = p.n
    ill_now = (serious0 & (recover > m)) | ((ill_m <= m) & (recover > m))
    pre = prodrome & (ill_m > m) & (ill_m <= m + 2)
    # Bernoulli draws for the small baseline rates, Poisson only for the few ill people
    base_out = (0.008 + 0.0002 * np.maximum(age, 0)) * alive
    base_in = (0.004 + 0.00015 * np.maximum(age, 0) + 0.01 * chronic) * alive
    n_out = (rng.random(n) < base_out).astype(np.int64)
    n_chr = (rng.random(n) < 0.15 * chronic * alive).astype(np.int64)
    n_in = (rng.random(n) < base_in).astype(np.int64) + ((ill_m == m) & alive)
    sick = np.flatnonzero((ill_now | pre) & alive)
    n_out[sick] += rng.poisson(0.5 * ill_now[sick] + 0.6 * pre[sick])
    n_in[sick] += rng.poisson(0.22 * ill_now[sick])
    persons = np.concatenate([np.repeat(np.arange(n), n_out), np.repeat(np.arange(n), n_chr),
                              np.repeat(np.arange(n), n_in)])
    kind = np.concatenate([np.zeros(n_out.sum(), np.int8), np.ones(n_chr.sum(), np.int8),
                           np.full(n_in.sum(), 2, np.int8)])
    order = np.lexsort((kind, persons))
    persons, kind = persons[order], kind[order]
    k = persons.size
    onset = (ill_m[persons] == m) & (kind == 2)
    big = ill_now[persons] & (kind == 2)
    median = np.select([kind == 0, kind == 1, onset, big], [120, 350, 28000, 12000], 4500)
    total = np.round(median * rng.lognormal(0, np.where(kind == 2, 0.7, 0.6), k) * 100)
    total = np.clip(total, 500, 99_999_999).astype(np.int64)  # below the contract's max
    h = p["household"][persons]
    employee = np.isin(p["payroll"][persons], [1, 2, 3, 4])
    rate = np.select([kind == 0, kind == 1], [0.5, 0.65], np.where(employee, 0.8, 0.6))
    fund = np.round(total * rate).astype(np.int64)
    poor = (hh["roll_status"][h] == POOR) | hh["dibao"][h] | hh["tekun"][h]
    assist = np.where(poor & (kind == 2), np.round((total - fund) * 0.5), 0).astype(np.int64)
    oop = total - fund - assist
    los = np.where(kind == 2, rng.integers(2, 21, k), 0)
    day = rng.integers(0, ndays - 1, k)  # never the last day: times stay inside the month
    df = pd.DataFrame({
        "claim_no": np.arange(seq0, seq0 + k, dtype=np.int64), "person": persons, "month": m,
        "kind": kind, "settle_day": day, "los": los, "total_fen": total, "fund_fen": fund,
        "assist_fen": assist, "oop_fen": oop, "serious": big | onset,
        "hospital": rng.integers(0, 10, k), "employee": employee})
    return df, seq0 + k


def _newborns(rng: np.random.Generator, p: Frame, mothers: np.ndarray, months: np.ndarray,
              month_start: np.ndarray, hh: Frame) -> Frame:
    n = mothers.size
    h = p["household"][mothers]
    male = rng.random(n) < 0.53
    mrel = p["relation"][mothers]
    rel = np.where(np.isin(mrel, [REL["head"], REL["spouse"]]),
                   np.where(male, REL["son"], REL["daughter"]), REL["grandchild"])
    surname = p["surname"][hh["head"][h]]
    given = sample_given(rng, male, np.full(n, 2019), hh["ethnicity"][h] != 0)
    birth = month_start[months] + rng.integers(0, 28, n).astype("timedelta64[D]")
    z8 = np.zeros(n, np.int8)
    out = Frame(
        person_id=np.zeros(n, np.int64), household=h.astype(np.int64), relation=rel.astype(np.int8),
        male=male, birth=birth, ethnicity=p["ethnicity"][mothers], name=surname + given,
        surname=surname, education=np.full(n, -1, np.int8), stage=z8, health=z8, disability=z8,
        disability_kind=z8, labour=np.full(n, 3, np.int8), migrant=z8,
        local_work=np.zeros(n, bool), payroll=z8, cadre=z8,
        born_month=months.astype(np.int16), death_month=np.full(n, -1, np.int16),
    )
    for k in p:
        if k not in out:
            out[k] = np.zeros(n, dtype=p[k].dtype)
    return Frame(**{k: out[k] for k in p})


def household_months(cfg: SynthConfig, hist: History) -> dict[str, np.ndarray]:
    """Truth per household and month: per-capita net income of the 12 months to the month and
    poor vs the line."""
    M = hist.months
    poor = np.empty(hist.income.shape, bool)
    line = line12_fen(cfg, M)
    for m in range(M):
        poor[m] = (income_pc(hist, m) < line[m]) & (hist.size[m] > 0)
    return {"poor": poor, "line_fen": line}


def line12_fen(cfg: SynthConfig, months: int) -> np.ndarray:
    """The line a month's 12-month income is compared with: the mean of the (monthly
    interpolated) line over the same 12 months, months before the start counting as the start
    month — a year's income against that year's line."""
    line = poverty_line_fen(cfg, np.arange(months)).astype(np.float64)
    padded = np.r_[np.full(11, line[0]), line]
    return np.round(np.convolve(padded, np.ones(12) / 12, mode="valid")).astype(np.int64)


def income_pc(hist: History, m: int) -> np.ndarray:
    """Per-capita net income of every household in month ``m`` (fen): the income of the 12
    months to ``m`` (months before the start count as the start month) over the members at
    ``m``. The poverty line and the monitoring range are annual per-capita net income
    (人均纯收入, domain.md §5–6), so a month without wages lowers it by a twelfth of a year's
    wages, not to zero: a job loss pushes a household below the line only when the rest of its
    year's income is short, usually some months after the loss."""
    return income12(hist, m) // np.maximum(hist.size[m], 1)


def income12(hist: History, m: int) -> np.ndarray:
    """Household income of the 12 months to ``m`` (fen; months before the start count as the
    start month)."""
    lo = max(0, m - 11)
    pad = 11 - (m - lo)
    i64 = np.int64
    return hist.income[lo:m + 1].sum(axis=0, dtype=i64) + pad * hist.income[0].astype(i64)


def monthly_status(cfg: SynthConfig, hist: History, hm: dict[str, np.ndarray], m: int
                   ) -> dict[str, np.ndarray]:
    """12-month income and spending (months before the start count as the start month) and
    the monitored category (domain.md §6) of every household in month ``m``:
    1 脱贫不稳定户 (registered in the truth, below the monitoring range), 2 边缘易致贫户 (never
    registered, below the range), 3 突发严重困难户 (12-month spending on health and schooling
    above half of the 12-month income), 0 none; only rural households, from
    ``cfg.monitoring_from``."""
    lo = max(0, m - 11)
    pad = 11 - (m - lo)
    i64 = np.int64
    inc12 = income12(hist, m)
    sp12 = (hist.oop[lo:m + 1].sum(axis=0, dtype=i64)
            + hist.edu_cost[lo:m + 1].sum(axis=0, dtype=i64)
            + pad * (hist.oop[0].astype(i64) + hist.edu_cost[0]))
    hh = hist.households
    below = income_pc(hist, m) < monitor_range_fen(cfg, m)
    hardship = sp12 > 0.5 * np.maximum(inc12, 1)
    cat = np.where(below & hh["hist_registered"], 1, np.where(below, 2, np.where(hardship, 3, 0)))
    live = hh["rural"] & (hist.size[m] > 0) & (m >= cfg.month_index(cfg.monitoring_from))
    return {"income12_fen": inc12, "spend12_fen": sp12,
            "category": np.where(live, cat, 0).astype(np.int8)}
