"""Warnings from the cn-2021 rules on a hand-made indicator table; cadres and due dates."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jingzhun.indicators import INDICATORS
from jingzhun.monitoring.warnings import assign_cadres, effective_date, rule_warnings
from jingzhun.policy.pack import load_pack

BASE = {"rural_hukou": True, "exited_poverty": False, "on_roll": False, "per_capita_net_income_fen": 900_000,
        "oop_inpatient_ytd_fen": 0, "oop_outpatient_month_fen": 0, "new_serious_illness_3m": False,
        "new_disability_3m": False, "disaster_3m": False, "job_loss_3m": False, "dropout_3m": False,
        "schooling_cost_12m_fen": 0, "main_earner_died_3m": False, "income_drop_share": 0.0,
        "rigid_spending_12m_fen": 0, "net_income_prev_12m_fen": 2_000_000}
HOUSEHOLDS = [  # household, changes, expected category (None: no warning)
    ("H_quiet", {}, None),
    ("H_job", {"job_loss_3m": True}, "employment"),
    ("H_edge", {"per_capita_net_income_fen": 500_000}, "income"),
    ("H_ill", {"new_serious_illness_3m": True, "oop_inpatient_ytd_fen": 2_500_000}, "illness"),
    ("H_costs", {"rigid_spending_12m_fen": 3_000_000}, "sudden_hardship"),
]


def table(engine, tmp_path):
    cols = [i.name for i in INDICATORS]
    rows = []
    for hid, change, _ in HOUSEHOLDS:
        r = {c: None for c in cols}
        r.update(BASE, **change, household_id=hid, village_code="520102001200", monitored=None)
        rows.append(r)
    df = pd.DataFrame(rows)
    path = tmp_path / "ind.parquet"
    pq.write_table(pa.Table.from_pandas(df[[c for c in df.columns if df[c].notna().any()]],
                                        preserve_index=False), path)
    return engine.read_parquet(path)


def test_each_rule_family_gives_its_category_with_evidence(engine, tmp_path):
    pack = load_pack("cn-2021")
    w = rule_warnings(pack, table(engine, tmp_path), "2019-06", engine)
    got = dict(zip(w["household_id"], w["category"]))
    assert got == {h: c for h, _, c in HOUSEHOLDS if c}
    ev = json.loads(w.set_index("household_id").loc["H_ill", "evidence"])
    assert [e["rule"] for e in ev] == ["cn2021.warn_oop_inpatient_rural", "cn2021.warn_new_serious_illness"]
    assert ev[0]["values"] == {"exited_poverty": False, "oop_inpatient_ytd_fen": 2_500_000}
    assert set(w["issued"]) == {"2019-07-01"} and set(w["due"]) == {"2019-07-16"}
    assert set(w["rules_as_of"]) == {"2021-01-01"}


def test_rules_take_their_first_values_before_2021_and_the_month_after():
    pack = load_pack("cn-2021")
    assert str(effective_date(pack, "2019-06")) == "2021-01-01"
    assert str(effective_date(pack, "2022-03")) == "2022-03-01"


def test_the_party_secretary_of_the_list_in_force_is_responsible():
    w = pd.DataFrame({"household_id": ["A", "B"], "village_code": ["V1", "V2"], "period": "2020-03",
                      "cadre_person_id": None, "cadre_name": None, "cadre_position": None,
                      **{c: None for c in ("category", "category_zh", "category_en", "rules", "evidence",
                                           "rules_as_of", "issued", "due")}})
    cadres = pd.DataFrame([
        ("V1", "accountant", "甲", "P1", "2020-01"), ("V1", "party_secretary", "乙", "P2", "2020-01"),
        ("V1", "party_secretary", "丙", "P3", "2019-01"), ("V1", "director", "丁", "P4", "2021-01"),
    ], columns=["village_code", "position", "name", "person_id", "list_period"])
    out = assign_cadres(w, cadres, "2020-03").set_index("household_id")
    assert out.loc["A", "cadre_name"] == "乙" and out.loc["A", "cadre_position"] == "party_secretary"
    assert pd.isna(out.loc["B", "cadre_name"])
