"""教育 student subsidy and dropout-monitoring lists (XLSX, quarterly)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from jingzhun.synth.codes import STAGE
from jingzhun.synth.departments.common import area_cols, person_cols
from jingzhun.synth.extract import Extract, concat, encode, fmt_yuan, load_contract, lookup, s
from jingzhun.synth.registration import POOR
from jingzhun.synth.world import World

STAGE_CANON = {STAGE["preschool"]: "preschool", STAGE["primary"]: "primary",
               STAGE["junior"]: "junior_secondary", STAGE["senior"]: "senior_secondary",
               STAGE["vocational"]: "vocational_secondary", STAGE["tertiary"]: "tertiary"}
SCHOOL = {STAGE["preschool"]: "中心幼儿园", STAGE["primary"]: "中心小学", STAGE["junior"]: "中学",
          STAGE["senior"]: "第一高级中学", STAGE["vocational"]: "中等职业学校",
          STAGE["tertiary"]: "贵州大学"}
# semester subsidies in fen (ours, order of magnitude of the national standards)
SUBSIDY = {"living_allowance": 50000, "national_grant": 100000, "yulu_plan": 150000}


def school_state(w: World, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stage, dropped_out, returned_recently) of every person in month ``m``."""
    p = w.p
    stage = p["stage"].copy()
    stage[p["born_month"] >= 0] = 0
    ev = w.hist.tables["school"]
    dropped = np.zeros(p.n, bool)
    returned = np.zeros(p.n, bool)
    if len(ev):
        e = ev[ev["month"] <= m]
        st = e[e["event"].isin(["enter", "leave"])].drop_duplicates("person", keep="last")
        stage[st["person"].to_numpy()] = np.where(st["event"].to_numpy() == "leave", 0,
                                                  st["stage"].to_numpy())
        dr = e[e["event"].isin(["dropout", "return"])].drop_duplicates("person", keep="last")
        dropped[dr.loc[dr["event"] == "dropout", "person"].to_numpy()] = True
        rt = dr[(dr["event"] == "return") & (dr["month"] > m - 3)]
        returned[rt["person"].to_numpy()] = True
    return stage, dropped, returned


def family_type(w: World, m: int) -> np.ndarray:
    """Per household: 0 registered poor (not exited), 1 dibao, 2 tekun, 3 disability
    (grade 1–2 member), 4 ordinary (including exited households)."""
    hh = w.hh
    if "_dis12_hh" not in w.info:
        w.info["_dis12_hh"] = np.bincount(w.p["household"], weights=np.isin(
            w.p["disability"], [1, 2]), minlength=hh.n) > 0
    a = w.hist.assist[m]
    return np.select([hh["roll_status"] == POOR, a == 1, a == 2, w.info["_dis12_hh"]],
                     [0, 1, 2, 3], 4)


def subsidies(w: World, m: int) -> pd.DataFrame:
    """Students listed in month ``m`` with their programme and amount (fen)."""
    p = w.p
    stage, dropped, returned = school_state(w, m)
    ft = family_type(w, m)[p["household"]]
    alive = w.alive(m)
    listed = alive & (((stage > 0) & (ft < 4)) | dropped | returned)
    pids = np.flatnonzero(listed)
    st = stage[pids]
    semester = w.cfg.period(m)[4:] in ("03", "09")
    prog = np.where(st >= STAGE["vocational"],
                    np.where(ft[pids] == 0, "yulu_plan", "national_grant"),
                    np.where(st == STAGE["senior"], "national_grant", "living_allowance"))
    give = semester & (ft[pids] < 4) & ~dropped[pids] & (st > 0)
    prog = np.where(give, prog, "none")
    amount = np.array([SUBSIDY.get(x, 0) for x in ("living_allowance", "national_grant",
                                                    "yulu_plan", "none")])[
        np.select([prog == "living_allowance", prog == "national_grant", prog == "yulu_plan"],
                  [0, 1, 2], 3)]
    return pd.DataFrame({"person": pids, "stage": st, "dropped": dropped[pids],
                         "returned": returned[pids], "family": ft[pids], "programme": prog,
                         "amount_fen": amount})


def education(w: World) -> Iterator[Extract]:
    c = load_contract("education")
    p = w.p
    towns = w.towns.set_index("township_code")["township_name"]
    cty = w.div.set_index("county_code")["county_name"]
    for m in range(w.M):
        if w.cfg.period(m)[4:] not in ("03", "06", "09", "12"):
            continue
        sub = subsidies(w, m)
        pids = sub["person"].to_numpy()
        h = p["household"][pids]
        st = sub["stage"].to_numpy()
        st_for_code = np.where(st == 0, STAGE["junior"], st)  # dropouts listed at their stage
        ev_stage = w.hist.tables["school"]
        if len(ev_stage):
            last = ev_stage[(ev_stage["event"] == "dropout") & (ev_stage["month"] <= m)
                            ].drop_duplicates("person", keep="last").set_index("person")["stage"]
            st_for_code = np.where(sub["dropped"].to_numpy(),
                                   last.reindex(pids).fillna(STAGE["junior"]).to_numpy()
                                   .astype(int),
                                   st_for_code)
        cols = person_cols(w, c, pids, "%Y-%m-%d")
        cols["student_no"] = concat("G", s(p["id18"][pids]))
        canon = [STAGE_CANON[k] for k in sorted(STAGE_CANON)]
        cols["school_stage"] = lookup(encode(c, "school_stage", canon), st_for_code - 1)
        ac = area_cols(w, h, m)
        tname = towns.reindex(ac["township_code"].to_numpy(zero_copy_only=False)).to_numpy()
        cname = cty.reindex(ac["county_code"].to_numpy(zero_copy_only=False)).to_numpy()
        school = np.array([SCHOOL[k] for k in range(1, 7)])[st_for_code - 1]
        local = np.where(st_for_code <= STAGE["junior"], tname, cname)
        cols["school_name"] = s(np.where(st_for_code == STAGE["tertiary"], school,
                                         local.astype(object) + school.astype(object)))
        status = np.select([sub["dropped"].to_numpy(), sub["returned"].to_numpy()], [1, 2], 0)
        cols["enrolment_status"] = lookup(encode(c, "enrolment_status", [
            "enrolled", "dropped_out", "returned"]), status)
        progs = ["living_allowance", "yulu_plan", "national_grant", "none"]
        prog = sub["programme"].to_numpy()
        cols["subsidy_programme"] = lookup(encode(c, "subsidy_programme", progs),
                                           pd.Index(progs).get_indexer(prog))
        amt = sub["amount_fen"].to_numpy()
        cols["subsidy_fen"] = fmt_yuan(amt, missing=amt == 0)
        cols["village_code"] = ac["village_code"]
        cols["family_type"] = lookup(encode(c, "family_type", [
            "registered_poor", "dibao", "tekun", "disability", "ordinary"]),
            sub["family"].to_numpy())
        yield Extract("education", w.cfg.period(m), cols, pids.astype(np.int64),
                      date_fields={"birth_date": ("%Y-%m-%d", "%Y.%m.%d")})
