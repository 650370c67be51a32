from __future__ import annotations

import pytest
from assistance_helpers import table

from jingzhun.assistance.catalogue import evaluate, load_catalogue
from jingzhun.errors import ConfigError

CASES = [  # (household, measure, eligible, cost in fen)
    ({}, "industry", True, 350000),
    ({"labour_count": 0}, "industry", False, 350000),
    ({"rural_hukou": False}, "employment", True, 200000),
    ({"size": 2}, "relocation", False, 4000000),
    ({"size": 2, "water_safe": False}, "relocation", True, 4000000),
    ({"housing_safe": None}, "housing_repair", False, 1400000),   # unknown is not a gap
    ({"housing_safe": False}, "housing_repair", True, 1400000),
    ({"labour_count": 0, "size": 2, "per_capita_net_income_fen": 300000.0}, "dibao", True,
     (390800 - 300000) * 2),
    ({"labour_count": 0, "dibao": True}, "dibao", False, 0),      # already on 低保 → no top-up
    ({"labour_count": 1}, "dibao", False, 0),
    ({"labour_count": 0, "size": 1}, "tekun", True, 508040),
    ({"schooling_cost_12m_fen": 300000}, "education", True, 300000),
    ({"compulsory_education_secure": False}, "education", True, 300000),
    ({}, "eco_post", True, 1000000),
]


@pytest.mark.parametrize("household, measure, eligible, cost", CASES)
def test_eligibility_and_cost(household, measure, eligible, cost):
    cat = load_catalogue()
    ev = evaluate(cat, table([household]))
    assert bool(ev["eligible"][measure].iat[0]) is eligible
    if eligible:
        assert int(ev["cost"][measure].iat[0]) == cost


def test_every_measure_states_its_sources_and_the_types_of_the_brief():
    cat = load_catalogue()
    assert {m.type for m in cat.measures} >= {"industry", "employment", "ecological_post",
                                             "relocation", "housing_repair", "health",
                                             "education", "safety_net"}
    for m in cat.measures:
        assert {"cost_source", "capacity_source", "effect_source"} <= set(m.sources), m.id
        assert m.assumption in ("ours", "generator")


@pytest.mark.parametrize("bad, message", [
    ("type: mining", "unknown measure type"),
    ("effect: {kind: magic}", "unknown effect kind"),
    ("capacity: {level: village}", "capacity level"),
    ("eligibility: \"__import__('os')\"", "unknown function"),
])
def test_bad_catalogue_entries_are_refused(tmp_path, bad, message):
    base = {"id": "x", "type": "industry", "label_zh": "x", "label_en": "x",
            "eligibility": "True", "cost_fen": 1, "capacity": "{level: county}",
            "duration_months": 1, "effect": "{kind: none}", "assumption": "ours"}
    key = bad.split(":")[0]
    lines = [f"    {k}: {v}" for k, v in base.items() if k != key] + [f"    {bad}"]
    lines[0] = "  - " + lines[0].strip()
    (tmp_path / "c.yaml").write_text("name: t\nmeasures:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_catalogue(tmp_path / "c.yaml")
