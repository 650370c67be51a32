from __future__ import annotations

import pandas as pd
import pytest

from jingzhun.assistance.budget import read_budgets
from jingzhun.assistance.resources import Donation, Job, distance_km, match_donations, match_jobs
from jingzhun.errors import ConfigError


@pytest.mark.parametrize("name, text, expected", [
    ("b.yaml", 'unit: yuan\nbudgets:\n  "520101": 1200.5\n  "520102": 0\n',
     {"520101": 120050, "520102": 0}),
    ("b.yaml", 'unit: fen\nbudgets:\n  "520101": 99\n', {"520101": 99}),
    ("b.csv", "county_code,budget_yuan\n520101,10\n520102,2.25\n", {"520101": 1000, "520102": 225}),
    ("b.csv", "county_code,budget_fen\n520101,7\n", {"520101": 7}),
])
def test_budget_files(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert read_budgets(tmp_path / name) == expected


@pytest.mark.parametrize("name, text", [
    ("b.csv", "county_code,budget_yuan\n520101,0.001\n"),   # a fraction of a fen
    ("b.csv", "county_code,budget_yuan\n520101,-5\n"),
    ("b.csv", "county,amount\n520101,5\n"),
    ("b.yaml", "unit: dollars\nbudgets: {}\n"),
    ("b.txt", "x"),
])
def test_bad_budget_files(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        read_budgets(tmp_path / name)


@pytest.mark.parametrize("a, b, km", [
    ("520101100200", "520101100200", 0.0), ("520101100200", "520101100201", 5.0),
    ("520101100200", "520101101200", 20.0), ("520101100200", "520102100200", 60.0),
    ("520101100200", "530101100200", 150.0)])
def test_distance_proxy(a, b, km):
    assert distance_km(a, b) == km


def test_jobs_go_to_near_qualified_needy_households():
    hh = pd.DataFrame({
        "household_id": ["near_needy", "near_rich", "far", "no_labour", "unskilled"],
        "village_code": ["520101100200", "520101100200", "520301100200", "520101100200",
                         "520101100200"],
        "labour_count": [1, 2, 1, 0, 1],
        "head_education_level": [2, 3, 4, 3, 1],
        "gap_pc": [200000.0, 0.0, 300000.0, 300000.0, 300000.0],
    })
    jobs = [Job("J1", "520101100201", slots=1, skills=("literate",), max_km=30)]
    got = match_jobs(hh, jobs, line=321800.0)
    assert got.to_dict("records") == [{"household_id": "near_needy", "job_id": "J1", "distance_km": 5.0}]
    two = match_jobs(hh, [Job("J1", "520101100201", slots=3, skills=("literate",), max_km=30)], 321800.0)
    assert sorted(two["household_id"]) == ["near_needy", "near_rich"]


def test_donations_go_neediest_first_within_cause_and_amount():
    hh = pd.DataFrame({"household_id": ["a", "b", "c", "d"], "county_code": ["1", "1", "1", "2"],
                       "primary_cause": ["illness", "illness", "lack_labour", "illness"],
                       "gap_pc": [100.0, 300.0, 500.0, 400.0]})
    got = match_donations(hh, [Donation("D", 250, 100, causes=("illness",), county_code="1")])
    assert got["household_id"].tolist() == ["b", "a"]
    assert got["amount_fen"].sum() == 200
