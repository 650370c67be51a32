"""The 建档立卡 roll as it truly should be, and as it is recorded (with planted errors).

Truth: rural households registered since 2014 = the poor at the start plus the households
that were poor in 2014 and exited since (the 2014 incidence, domain.md §7, of rural
residents, chosen by lowest income with noise). Recorded roll: the truth with households
wrongly missed, wrongly exited (more so in the over-reporting county) and wrongly included
(cadres' relatives, owners of cars or companies, payroll households, households just above the
line), rates in RollErrorRates (ours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jingzhun.synth.codes import CAUSES
from jingzhun.synth.config import SynthConfig
from jingzhun.synth.frame import Frame
from jingzhun.synth.rng import substream

EXIT_YEAR_WEIGHTS = {2014: 0.08, 2015: 0.15, 2016: 0.22, 2017: 0.25, 2018: 0.30, 2019: 0.3,
                     2020: 0.3}

#: Noise (log income) of the 2014 identification: some low-income households were never
#: registered (ours)
REGISTRATION_NOISE = 0.6

# roll status codes (internal)
NOT_ON_ROLL, POOR, EXITED = 0, 1, 2


def choose_over_report_county(cfg: SynthConfig, div: pd.DataFrame) -> int:
    """Index of the county that over-reports its results (planted for the evaluation)."""
    rng = substream(cfg.seed, "over-report")
    cand = np.flatnonzero(div["kind"].eq("county").to_numpy()
                          & (div["effect"].to_numpy() < div["effect"].median()))
    return int(rng.choice(cand))


def build_roll(cfg: SynthConfig, hh: Frame, p: Frame, income_pc: np.ndarray, line: float,
               over_county: int, causes: np.ndarray) -> pd.DataFrame:
    """Adds truth columns to ``hh`` and returns roll_errors (household_id, error, detail)."""
    rng = substream(cfg.seed, "registration")
    H = hh.n
    rural = hh["rural"]
    size = hh["size_start"].astype(float)
    poor0 = rural & (income_pc < line)
    # ---- truth: ever registered since 2014
    inc14 = cfg.incidence_by_year.get(2014, 0.18)
    score = np.log(np.maximum(income_pc, 1)) + rng.normal(0, REGISTRATION_NOISE, H)
    score = np.where(poor0, -np.inf, score)
    score = np.where(rural, score, np.inf)
    order = np.argsort(score, kind="stable")
    cum = np.cumsum(size[order]) / size[rural].sum()
    hist = np.zeros(H, bool)
    hist[order[cum <= inc14]] = True
    hist |= poor0
    years = [y for y in sorted(EXIT_YEAR_WEIGHTS) if y < cfg.start_year] or [cfg.start_year - 1]
    wy = np.array([EXIT_YEAR_WEIGHTS.get(y, 0.2) for y in years])
    exit_year = np.where(hist & ~poor0, np.array(years)[
        np.searchsorted(np.cumsum(wy / wy.sum()), rng.random(H), side="right").clip(
            0, len(years) - 1)], 0)

    # ---- recorded roll
    status = np.where(poor0, POOR, np.where(hist, EXITED, NOT_ON_ROLL)).astype(np.int8)
    rec_exit = exit_year.copy()
    err = np.full(H, "", dtype=object)
    detail = np.full(H, "", dtype=object)
    re = cfg.roll_errors
    u = rng.random(H)
    in_over = hh["county"] == over_county
    h = p["household"]
    cadre_hh = np.bincount(h, weights=p["cadre"] > 0, minlength=H) > 0
    payroll_hh = np.bincount(h, weights=np.isin(p["payroll"], [1, 2, 3]), minlength=H) > 0
    # the exclusion checks of the rules (domain.md §5): such a household may not be on the roll
    # whatever its income, so it is never "missed"; on the roll it is wrongly included
    by_rule = hh["car"] | hh["commercial_housing"] | hh["has_company"] | payroll_hh
    missed = poor0 & ~by_rule & (u < re.wrongly_missed)
    p_exit = np.where(in_over, re.wrongly_exited * re.over_report_factor, re.wrongly_exited)
    wexit = poor0 & ~missed & (u >= re.wrongly_missed) & (u < re.wrongly_missed + p_exit)
    status[missed] = NOT_ON_ROLL
    status[wexit] = EXITED
    rec_exit[wexit] = np.array(years)[rng.integers(max(0, len(years) - 2), len(years),
                                                   wexit.sum())]
    err[missed], detail[missed] = "wrongly_missed", "poor_not_registered"
    err[wexit], detail[wexit] = "wrongly_exited", np.where(in_over[wexit], "over_report_county",
                                                           "exited_below_line")
    n_inc = int(round(re.wrongly_included * (status == POOR).sum()))
    cand = rural & ~poor0
    wgt = np.where(cand, 1.0, 0.0) * np.where(income_pc < 2 * line, 3.0, 1.0)
    wgt *= np.where(cadre_hh, 20.0, 1.0) * np.where(hh["car"], 4.0, 1.0)
    wgt *= np.where(payroll_hh, 4.0, 1.0) * np.where(hh["has_company"], 4.0, 1.0)
    wgt *= np.where(hist, 3.0, 1.0)
    if n_inc and wgt.sum() > 0:
        inc = rng.choice(H, size=min(n_inc, int((wgt > 0).sum())), replace=False,
                         p=wgt / wgt.sum())
        status[inc] = POOR
        rec_exit[inc] = 0
        err[inc] = "wrongly_included"
        detail[inc] = np.select(
            [cadre_hh[inc], payroll_hh[inc], hh["has_company"][inc], hh["car"][inc],
             hist[inc]],
            ["cadre_relative", "public_payroll", "company", "car", "overdue_exit"],
            "income_above_line")

    # truly poor households on the roll that a rule excludes are wrongly included as well
    viol = (status == POOR) & (err == "") & by_rule
    err[viol] = "wrongly_included"
    detail[viol] = np.select(
        [payroll_hh[viol], hh["has_company"][viol], hh["car"][viol]],
        ["public_payroll", "company", "car"], "commercial_housing")

    # recorded causes: the true main cause, misrecorded for a share
    rec_cause = causes.copy()
    mis = rng.random(H) < re.cause_misrecorded
    rec_cause[mis] = rng.integers(0, len(CAUSES), mis.sum())
    other1 = rng.integers(0, len(CAUSES), H)
    other2 = np.where(rng.random(H) < 0.5, rng.integers(0, len(CAUSES), H), -1)
    other1 = np.where(other1 == rec_cause, -1, other1)
    other2 = np.where((other2 == rec_cause) | (other2 == other1), -1, other2)
    noise = rng.lognormal(0, 0.12, H)
    rec_income = income_pc * noise * np.where(in_over & (status == EXITED),
                                              re.over_report_income, 1.0)
    reg_year = np.where(status > 0, np.where(rng.random(H) < 0.8, 2014,
                                             rng.integers(2015, max(2016, cfg.start_year), H)),
                        0)
    reg_year = np.where((rec_exit > 0) & (reg_year > rec_exit), 2014, reg_year)
    hh.update(poor_start=poor0, hist_registered=hist, exit_year_true=exit_year.astype(np.int16),
              roll_status=status, roll_exit_year=rec_exit.astype(np.int16),
              roll_cause=rec_cause.astype(np.int8), roll_other1=other1.astype(np.int8),
              roll_other2=other2.astype(np.int8), roll_income_pc=np.round(rec_income),
              roll_reg_year=reg_year.astype(np.int16), true_cause=causes.astype(np.int8),
              roll_error=err, cadre_household=cadre_hh, payroll_household=payroll_hh)
    sel = err != ""
    return pd.DataFrame({"household_id": hh["household_id"][sel], "error": err[sel],
                         "detail": detail[sel]})
