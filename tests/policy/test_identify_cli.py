from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd


def test_identify_any_household_table(tmp_path):
    data = pd.DataFrame({
        "household_id": [1, 2, 3],
        "rural_hukou": [True, True, True],
        "per_capita_net_income_fen": [250000, 500000, 250000],
        "food_clothing_secure": [True, True, True],
        "compulsory_education_secure": [True, True, True],
        "basic_medical_secure": [True, True, True],
        "housing_safe": [True, False, True],
        "water_safe": [True, True, True],
        "owns_car": [False, False, True],
        "owns_commercial_housing": [False, False, False],
        "owns_company": [False, False, False],
        "public_payroll_member": [False, False, False],
        "on_roll": [True, True, True],
    })
    path, out = tmp_path / "hh.csv", tmp_path / "decisions.parquet"
    data.to_csv(path, index=False)
    r = subprocess.run(
        [sys.executable, "-m", "jingzhun", "identify", "--households", str(path), "--pack",
         "cn-2014", "--period", "2019-06", "--out", str(out), "--json"],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["statuses"] == {"eligible": 1, "excluded": 1, "not_eligible": 1}
    decisions = pd.read_parquet(out)
    reasons = json.loads(decisions.loc[decisions.household_id == 3, "reasons"].item())
    car = next(x for x in reasons if x["rule"] == "cn2014.exclude_car")
    assert car["evidence"]["owns_car"] == {"value": True, "source": "vehicles"}
    assert car["label_zh"] and car["reference"]
