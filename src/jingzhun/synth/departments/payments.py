"""惠民惠农 one-card payments, with planted fund anomalies (truth: payment_anomalies).

Programmes: 低保 / 特困 (monthly, household head), 残疾人两项补贴 (monthly, the disabled
person), 生态护林员 wages (employment measure), 产业奖补 (one-off), 教育资助 (semesters), 危房改造
补助 (on renovation), 临时救助 (after collapsed houses and serious illness).

Anomalies (a row may carry several): ``dead_payee`` (payee died before the payment date: the
roster is updated a month late, and for a share of deaths not for 1–6 months),
``duplicate_payment`` (same person, programme and period twice), ``excluded_household``
(means-tested payment to a household with a car, a company or a member on the public payroll,
domain.md §5), ``cadre_relative`` (means-tested payment to a village cadre's household),
``above_standard`` (amount above the programme standard), ``unknown_payee`` (ID unknown to
the registry).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jingzhun.synth.departments.assets import current_heads
from jingzhun.synth.departments.education import subsidies
from jingzhun.synth.extract import (
    Extract,
    concat,
    encode,
    fmt_date,
    fmt_yuan,
    ids_text,
    load_contract,
    lookup,
    s,
    zpad,
)
from jingzhun.synth.idnumbers import fake_ids, id_keys
from jingzhun.synth.names import sample_given, sample_surnames
from jingzhun.synth.registration import NOT_ON_ROLL
from jingzhun.synth.rng import substream
from jingzhun.synth.welfare import (
    DISABILITY_ALLOWANCE_YUAN,
    RURAL_DIBAO_STANDARD_YUAN,
    TEKUN_FACTOR,
    URBAN_DIBAO_STANDARD_YUAN,
)
from jingzhun.synth.world import World, bank_text

PROGRAMMES = ["rural_dibao", "urban_dibao", "tekun", "disability_living", "disability_care",
              "ranger_wage", "industry_grant", "education_grant", "housing_grant",
              "temporary_relief"]
PAY_DAY = np.array([10, 10, 10, 15, 15, 20, 18, 22, 25, 12])
MONTHLY = {0, 1, 2, 3, 4, 5}
NOT_MEANS_TESTED = {4}
DIS_MONTH_FEN = DISABILITY_ALLOWANCE_YUAN * 100 // 12


def _monthly_base(w: World, rng: np.random.Generator) -> Iterator[tuple[int, pd.DataFrame]]:
    """Legitimate payments of each month (before planted anomalies)."""
    p, hh = w.p, w.hh
    M = w.M
    cfg = w.cfg.payments
    stale = rng.random(p.n) < cfg.dead_payee_continue
    stale_k = rng.integers(1, 7, p.n)
    dm = p["death_month"]

    def still_paid(person: np.ndarray, m: int) -> np.ndarray:
        """Payee kept on the list in month m: alive at the end of m-1 (one-month lag), or a
        stale death within its extra months."""
        d = dm[person]
        return (d < 0) | (d >= m - 1) | (stale[person] & (m <= d + stale_k[person]))

    payee = current_heads(w, 0).astype(np.int64)
    ms = w.hist.tables["measures"]
    emp = ms[ms["measure"] == "employment"]
    ind = ms[ms["measure"] == "industry"]
    ranger_from = np.full(hh.n, 10**6)
    ranger_from[emp["household"].to_numpy()] = emp["effect"].to_numpy()
    ranger_amt = np.zeros(hh.n, np.int64)
    ranger_amt[emp["household"].to_numpy()] = emp["uplift_fen"].to_numpy()
    dis_old = (p["disability"] > 0) & (p["born_month"] < 0)
    grade = np.where(dis_old, p["disability"], p["dis_grade_new"])
    ren = w.hist.tables.get("housing")
    hits = w.hist.tables.get("disaster_hits")
    for m in range(M):
        rows = []
        heads = current_heads(w, m).astype(np.int64)
        gone = (dm[np.maximum(payee, 0)] >= 0) & (dm[np.maximum(payee, 0)] < m - 1)
        keep = gone & stale[np.maximum(payee, 0)] & (m <= dm[np.maximum(payee, 0)]
                                                     + stale_k[np.maximum(payee, 0)])
        payee = np.where((gone & ~keep) | (payee < 0), heads, payee)
        a = w.hist.assist[m]
        hs = np.flatnonzero((a > 0) & (payee >= 0))
        prog = np.where(a[hs] == 2, 2, np.where(hh["rural"][hs], 0, 1))
        rows.append(pd.DataFrame({"month": m, "programme": prog, "person": payee[hs],
                                  "household": hs, "amount_fen": w.hist.assist_fen[m][hs]}))
        # disability allowances (person-level)
        cert = dis_old | ((p["cert_month"] >= 0) & (p["cert_month"] <= m))
        alive_ok = still_paid(np.arange(p.n), m) & (p["born_month"] < m)
        care = np.flatnonzero(cert & (grade >= 1) & (grade <= 2) & alive_ok)
        living = np.flatnonzero(cert & (grade >= 1) & alive_ok & (a[p["household"]] > 0))
        for k, pp in ((4, care), (3, living)):
            rows.append(pd.DataFrame({"month": m, "programme": k, "person": pp,
                                      "household": p["household"][pp],
                                      "amount_fen": DIS_MONTH_FEN}))
        rh = np.flatnonzero((ranger_from <= m) & (payee >= 0))
        rows.append(pd.DataFrame({"month": m, "programme": 5, "person": payee[rh],
                                  "household": rh, "amount_fen": ranger_amt[rh]}))
        ih = ind.loc[ind["start"] == m, ["household", "grant_fen"]]
        ih = ih[payee[ih["household"].to_numpy()] >= 0]
        rows.append(pd.DataFrame({"month": m, "programme": 6,
                                  "person": payee[ih["household"].to_numpy()],
                                  "household": ih["household"].to_numpy(),
                                  "amount_fen": ih["grant_fen"].to_numpy()}))
        if w.cfg.period(m)[4:] in ("03", "09"):
            sub = subsidies(w, m)
            sub = sub[sub["amount_fen"] > 0]
            st = sub["person"].to_numpy()
            age = (w.month_start(m) - p["birth"][st]).astype(np.int64) / 365.25
            hsub = p["household"][st]
            pay_to = np.where(age >= 18, st, heads[hsub])
            ok = pay_to >= 0
            rows.append(pd.DataFrame({"month": m, "programme": 7, "person": pay_to[ok],
                                      "household": hsub[ok],
                                      "amount_fen": sub["amount_fen"].to_numpy()[ok]}))
        if ren is not None and len(ren):
            rr = ren[(ren["why"] == "renovation") & (ren["month"] == m)]["household"].to_numpy()
            rr = rr[heads[rr] >= 0]
            rows.append(pd.DataFrame({"month": m, "programme": 8, "person": heads[rr],
                                      "household": rr, "amount_fen": 3_500_000}))
        relief = []
        if hits is not None and len(hits):
            hc = hits[(hits["month"] == m - 1) & (hits["house"] == "collapsed")]["household"]
            relief.append(hc.to_numpy())
        ill = np.flatnonzero(p["ill_month"] == m - 1)
        ih2 = p["household"][ill]
        poorish = (hh["roll_status"][ih2] != NOT_ON_ROLL) | (w.hist.assist[max(m - 1, 0)][ih2] > 0)
        relief.append(ih2[poorish & (rng.random(ih2.size) < 0.5)])
        rel = np.unique(np.concatenate(relief)) if relief else np.zeros(0, np.int64)
        rel = rel[heads[rel] >= 0]
        rows.append(pd.DataFrame({"month": m, "programme": 9, "person": heads[rel],
                                  "household": rel,
                                  "amount_fen": rng.integers(20, 51, rel.size) * 10000}))
        base = pd.concat([r for r in rows if len(r)], ignore_index=True)
        base["day"] = PAY_DAY[base["programme"].to_numpy()] + rng.integers(-3, 4, len(base))
        yield m, base


ANOMALIES = ["dead_payee", "excluded_household", "cadre_relative", "above_standard",
             "duplicate_payment", "unknown_payee"]
BIT = {name: 1 << i for i, name in enumerate(ANOMALIES)}


def anomaly_names(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row indices, anomaly names) of a bitmask array, one entry per set bit."""
    idx = [np.flatnonzero(bits & b) for b in BIT.values()]
    names = [np.full(i.size, n, dtype=object) for n, i in zip(BIT, idx)]
    return np.concatenate(idx), np.concatenate(names)


def _flags(w: World, df: pd.DataFrame) -> np.ndarray:
    """Rule-based anomaly bits for rows with a known payee."""
    p, hh = w.p, w.hh
    person = df["person"].to_numpy()
    h = np.maximum(df["household"].to_numpy(), 0)
    m = df["month"].to_numpy()
    known = person >= 0
    pay_date = w.starts_of(m) + (df["day"].to_numpy() - 1).astype("timedelta64[D]")
    dd = p["death_date"][np.maximum(person, 0)]
    dead = known & ~np.isnat(dd) & (dd < pay_date)
    means = df["programme"].to_numpy() != 4
    comp_month = np.full(hh.n, 10**6)
    co = np.flatnonzero(p["business"] == 2)
    np.minimum.at(comp_month, p["household"][co], p["business_month"][co].astype(np.int64))
    excluded = known & means & ((hh["car_month"][h] <= m) | (comp_month[h] <= m)
                                | hh["payroll_household"][h])
    cadre = known & means & hh["cadre_household"][h]
    return (dead * BIT["dead_payee"] + excluded * BIT["excluded_household"]
            + cadre * BIT["cadre_relative"]).astype(np.int64)


def payments(w: World) -> Iterator[Extract]:
    c = load_contract("payments")
    rng = substream(w.cfg.seed, "dept:payments")
    p, hh = w.p, w.hh
    cfg = w.cfg.payments
    taken = np.unique(id_keys(p["id18"]))
    prog_codes = encode(c, "programme", PROGRAMMES)
    for m, base in _monthly_base(w, rng):
        n = len(base)
        prog = base["programme"].to_numpy()
        size = np.maximum(w.hist.size[m][base["household"].to_numpy()], 1).astype(np.int64)
        # above the standard (monthly means-tested and disability programmes)
        std = np.select(
            [prog == 0, prog == 1, prog == 2, np.isin(prog, [3, 4])],
            [size * RURAL_DIBAO_STANDARD_YUAN * 100 // 12,
             size * URBAN_DIBAO_STANDARD_YUAN * 100 // 12,
             int(RURAL_DIBAO_STANDARD_YUAN * 100 * TEKUN_FACTOR / 12), DIS_MONTH_FEN], 0)
        cand = np.flatnonzero(np.isin(prog, [0, 1, 2, 3, 4]))
        k = min(int(rng.binomial(n, cfg.above_standard)), cand.size)
        above = rng.choice(cand, size=k, replace=False) if k else np.zeros(0, np.int64)
        amt = base["amount_fen"].to_numpy().astype(np.int64)
        amt[above] = (np.round(std[above] * rng.uniform(1.5, 2.5, k) / 100) * 100)
        base["amount_fen"] = amt
        an = np.zeros(n, np.int64)
        an[above] = BIT["above_standard"]
        base["anomaly"] = an
        base["order"] = np.arange(n, dtype=float)
        # duplicates of monthly payments (not above the standard), a few days later
        cand = np.flatnonzero(np.isin(prog, list(MONTHLY)) & (an == 0))
        k = min(int(rng.binomial(n, cfg.duplicate)), cand.size)
        dup = base.iloc[np.sort(rng.choice(cand, size=k, replace=False))].copy()
        dup["day"] = np.minimum(dup["day"].to_numpy() + rng.integers(1, 6, k), 28)
        dup["anomaly"] = BIT["duplicate_payment"]
        dup["order"] = dup["order"].to_numpy() + 0.5
        # payees unknown to the registry
        k = int(rng.binomial(n, cfg.unknown_payee))
        fake = pd.DataFrame({"month": m, "programme": rng.choice([0, 9], k), "person": -1,
                             "household": -1, "amount_fen": rng.integers(20, 120, k) * 1000,
                             "day": rng.integers(5, 25, k), "anomaly": BIT["unknown_payee"],
                             "order": rng.uniform(0, n, k), "fake_i": np.arange(k),
                             "village": rng.integers(0, len(w.villages), k)})
        fake_id = fake_ids(rng, k, w.div["county_code"].to_numpy(), taken)
        fake_name = (sample_surnames(rng, np.zeros(k, np.int64), ["han"])
                     + sample_given(rng, rng.random(k) < 0.5, np.full(k, 1970),
                                    np.zeros(k, bool)))
        e = pd.concat([base, dup, fake], ignore_index=True)
        e = e.sort_values("order", kind="stable").reset_index(drop=True)
        e["day"] = e["day"].clip(1, 28)
        # final labels: the planted ones plus every rule that holds on the final rows
        anomaly = e["anomaly"].to_numpy().astype(np.int64) | _flags(w, e)
        ne = len(e)
        person = e["person"].to_numpy()
        known = person >= 0
        pp = np.maximum(person, 0)
        h = e["household"].to_numpy()
        fi = e["fake_i"].fillna(-1).to_numpy().astype(np.int64)
        ids = p["id18"][pp]
        if k:
            ids = np.where(known, ids, fake_id[np.maximum(fi, 0)])
        names = w.text("name").take(pa.array(pp))
        if (~known).any():
            names = pc.replace_with_mask(names, pa.array(~known), pa.array(
                fake_name[fi[~known]], pa.string()))
        head_bank = p["bank"][hh["head"][np.maximum(h, 0)]]
        bank = np.where(known, np.where(p["bank"][pp] > 0, p["bank"][pp], head_bank),
                        rng.integers(1, 10**15, ne))
        v = np.where(known, w.hist.village[m][np.maximum(h, 0)],
                     e["village"].fillna(0).to_numpy().astype(np.int64))
        cols = {
            "serial_no": concat("YKT", w.cfg.period(m), zpad(np.arange(ne), 8)),
            "programme": lookup(prog_codes, e["programme"].to_numpy()),
            "pay_period": s(np.full(ne, w.cfg.period(m))),
            "name": names, "id_number": ids_text(ids), "bank_account": bank_text(bank),
            "amount_fen": fmt_yuan(e["amount_fen"].to_numpy().astype(np.int64)),
            "pay_date": fmt_date(w.month_start(m) + (e["day"].to_numpy() - 1).astype(
                "timedelta64[D]"), "%Y-%m-%d"),
            "county_code": w.text("county_code").take(pa.array(v)),
            "village_code": w.text("village_code").take(pa.array(v)),
        }
        yield Extract("payments", w.cfg.period(m), cols,
                      np.where(known, person, -1).astype(np.int64),
                      protected=anomaly != 0,
                      notes={"anomaly": anomaly, "household_id": h.astype(np.int64)},
                      date_fields={"pay_date": ("%Y-%m-%d", "%Y%m%d")})
