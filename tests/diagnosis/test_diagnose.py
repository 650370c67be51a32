"""Cause rules on hand-made households: primary, secondaries and evidence (real values)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jingzhun.diagnosis import diagnose, load_rules, review_disagreements
from jingzhun.errors import ConfigError

BASE = {"n_serious": 0, "n_disabled_severe": 0, "n_normal_labour": 2, "n_students_higher": 0,
        "schooling_cost_12m_fen": 0, "disaster_3m": False, "water_safe": True,
        "expected_km_to_market": 2.0, "rural_hukou": True, "land_mu": 3.0,
        "head_education_level": 2, "n_chronic": 0}

CASES = [  # (name, changes, primary, secondary 1, secondary 2)
    ("nothing observed: lack of capital", {}, "lack_capital", None, None),
    ("serious illness and no labour", {"n_serious": 1, "n_normal_labour": 0},
     "illness", "lack_labour", "lack_capital"),
    ("grade 1–2 disability", {"n_disabled_severe": 1}, "disability", "lack_capital", None),
    ("pupil in senior school, unsafe water", {"n_students_higher": 1, "water_safe": False},
     "schooling", "lack_water", "lack_capital"),
    ("remote village, little land, head with primary school",
     {"expected_km_to_market": 17.0, "land_mu": 0.5, "head_education_level": 1},
     "transport", "lack_land", "lack_skills"),
    ("urban household with no land is not short of land", {"rural_hukou": False, "land_mu": 0.0},
     "lack_capital", None, None),
    ("unknown land does not fire", {"land_mu": None}, "lack_capital", None, None),
    ("chronic illness only: illness after skills", {"n_chronic": 2, "head_education_level": 0},
     "lack_skills", "illness", "lack_capital"),
    ("serious and chronic illness count once", {"n_serious": 1, "n_chronic": 1},
     "illness", "lack_capital", None),
    ("schooling costs alone", {"schooling_cost_12m_fen": 300000}, "schooling", "lack_capital", None),
]


@pytest.mark.parametrize("name,changes,primary,s1,s2", CASES, ids=[c[0] for c in CASES])
def test_causes(name, changes, primary, s1, s2):
    t = pd.DataFrame([{**BASE, **changes, "household_id": "52000000000001"}])
    d = diagnose(t, "2019-01").iloc[0]
    assert (d["primary_cause"], d["secondary_cause_1"], d["secondary_cause_2"]) == (primary, s1, s2)


def test_evidence_names_values_sources_and_labels():
    t = pd.DataFrame([{**BASE, "household_id": "1", "n_serious": 2, "land_mu": 0.3}])
    d = diagnose(t, "2019-01").iloc[0]
    ev = json.loads(d["evidence"])
    assert [e["cause"] for e in ev] == ["illness", "lack_land", "lack_capital"]
    assert ev[0]["label_zh"] == "因病" and ev[0]["rule"] == "cause.serious_illness"
    assert ev[0]["evidence"] == {"n_serious": {"value": 2, "source": "health"}}
    assert ev[1]["evidence"]["land_mu"] == {"value": 0.3, "source": "agriculture"}
    assert d["primary_label_en"] == "illness" and d["primary_label_zh"] == "因病"
    assert "cause.default_capital" in d["fired"]


def test_review_lists_only_disagreements():
    t = pd.DataFrame([{**BASE, "household_id": "a", "n_serious": 1},
                      {**BASE, "household_id": "b"}, {**BASE, "household_id": "c"}])
    d = diagnose(t, "2019-01")
    roll = pd.DataFrame({"household_id": ["a", "b", "c"],
                         "roll_main_cause": ["illness", "transport", None]})
    r = review_disagreements(d, roll)
    assert r["household_id"].tolist() == ["b"]
    assert r.iloc[0]["roll_main_cause"] == "transport" and r.iloc[0]["primary_cause"] == "lack_capital"
    assert not r.iloc[0]["roll_cause_among_secondary"]


def test_shipped_rules_cover_the_official_list():
    rules = load_rules()
    assert [c.cause for c in rules.causes] == [
        "illness", "disability", "schooling", "disaster", "lack_land", "lack_water",
        "lack_skills", "lack_labour", "lack_capital", "transport", "low_motivation", "other"]
    covered = {r.cause for r in rules.rules} | set(rules.not_observable)
    assert covered == {c.cause for c in rules.causes}
    assert all(r.reference for r in rules.rules)


@pytest.mark.parametrize("text,message", [
    ("name: x\ncauses: [{cause: a, label_zh: 甲, label_en: a}]\nrules:\n"
     "  - {id: r, cause: b, label_zh: x, label_en: x, condition: 'True', reference: x}", "not in the cause list"),
    ("name: x\ncauses: [{cause: a, label_zh: 甲, label_en: a}]\nrules:\n"
     "  - {id: r, cause: a, label_zh: x, label_en: x, condition: 'n > 0', reference: x}", "without a source"),
    ("name: x\ncauses: [{cause: a, label_zh: 甲, label_en: a}]\nrules:\n"
     "  - {id: r, cause: a, label_zh: x, label_en: x, condition: 'n >', inputs: {n: x}, reference: x}", "cannot parse"),
    ("name: x\ncauses: []\n", "missing field 'rules'"),
])
def test_bad_rule_files_are_refused(tmp_path: Path, text, message):
    p = tmp_path / "causes.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_rules(p)


def test_missing_input_column_is_refused():
    with pytest.raises(ConfigError, match="lacks"):
        diagnose(pd.DataFrame({"household_id": ["1"], "n_serious": [1]}), "2019-01")
