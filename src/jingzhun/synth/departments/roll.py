"""建档立卡 roll as recorded at the start (member level, household fields repeated)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from jingzhun.synth.codes import CAUSES, ETH_ZH, GZ_ETHNICITIES
from jingzhun.synth.departments.common import education_col, person_cols, relation_col
from jingzhun.synth.extract import Extract, encode, fmt_yuan, load_contract, lookup, s
from jingzhun.synth.registration import EXITED, NOT_ON_ROLL
from jingzhun.synth.world import World, bank_text, phone_text


def roll(w: World) -> Iterator[Extract]:
    c = load_contract("roll")
    p, hh = w.p, w.hh
    on = hh["roll_status"] != NOT_ON_ROLL
    pids = np.flatnonzero(on[p["household"]] & w.alive(0) & (p["born_month"] < 0))
    h = p["household"][pids]
    cols = person_cols(w, c, pids)
    county = w.div["county_code"].to_numpy()[hh["county"][h]]
    cols["roll_household_no"] = s(np.char.add(county.astype(str), np.char.zfill(
        hh["household_id"][h].astype(str), 9)))
    cols["prefecture_name"] = s(w.div["prefecture_name"].to_numpy()[hh["county"][h]])
    cols["county_name"] = s(w.div["county_name"].to_numpy()[hh["county"][h]])
    cols["village_code"] = w.text("village_code").take(pa.array(hh["village"][h].astype(np.int64)))
    cols["relation_to_head"] = relation_col(c, p["relation"][pids])
    eth_codes = [ETH_ZH[e] for e in GZ_ETHNICITIES]
    eth_src = encode(c, "ethnicity", GZ_ETHNICITIES)
    assert eth_src == eth_codes
    cols["ethnicity"] = lookup(eth_src, p["ethnicity"][pids])
    cols["education"] = education_col(c, p["education"][pids], preschool=True)
    stage_canon = ["none", "preschool", "primary", "junior_secondary", "senior_secondary",
                   "vocational_secondary", "tertiary"]
    cols["school_stage"] = lookup(encode(c, "school_stage", stage_canon), p["stage"][pids])
    health = np.where((p["health"][pids] == 0) & (p["disability"][pids] > 0), 3, p["health"][pids])
    cols["health"] = lookup(encode(c, "health", ["healthy", "chronic", "serious", "disabled"]),
                            health)
    cols["labour_capacity"] = lookup(encode(c, "labour_capacity",
                                            ["normal", "weak", "lost", "none"]), p["labour"][pids])
    cols["migrant_work"] = lookup(encode(c, "migrant_work", ["none", "in_province",
                                                             "out_province"]), p["migrant"][pids])
    ht = np.where(hh["tekun"][h], 2, np.where(hh["dibao"][h], 1, 0))
    cols["household_type"] = lookup(encode(c, "household_type", ["ordinary", "dibao", "tekun"]), ht)
    causes = encode(c, "main_cause", CAUSES)
    cols["main_cause"] = lookup(causes, hh["roll_cause"][h])
    cols["other_cause_1"] = lookup(causes, hh["roll_other1"][h])
    cols["other_cause_2"] = lookup(causes, hh["roll_other2"][h])
    status = hh["roll_status"][h]
    cols["roll_status"] = lookup(encode(c, "roll_status", ["poor", "exited"]),
                                 (status == EXITED).astype(np.int64))
    ey = hh["roll_exit_year"][h].astype(np.int64)
    cols["exit_year"] = lookup([str(y) for y in range(2014, 2031)], np.where(ey > 0, ey - 2014, -1))
    cols["registration_year"] = s(hh["roll_reg_year"][h].astype(np.int64))
    cols["income_per_capita_fen"] = fmt_yuan(np.round(hh["roll_income_pc"][h] / 100).astype(
        np.int64) * 100, always_decimals=False)
    cols["household_size"] = s(hh["size_start"][h].astype(np.int64))
    cols["phone"] = phone_text(p["phone"][pids])
    cols["bank_account"] = bank_text(p["bank"][hh["head"][h]])
    yield Extract("roll", w.cfg.period(0), cols, pids.astype(np.int64),
                  notes={"household_id": h.astype(np.int64)})
