"""`jingzhun allocate` end to end on the small province: plans, Excel per village, JSON."""

from __future__ import annotations

import json
import shutil
import zipfile

import pandas as pd

from .conftest import jingzhun


def test_allocate_writes_plans_and_excel(identified, tmp_path):
    ws = tmp_path / "w"
    shutil.copytree(identified, ws)
    ind = pd.read_parquet(ws / "indicators" / "households_2019-01.parquet", columns=["county_code"])
    budget = tmp_path / "budgets.csv"
    budget.write_text("county_code,budget_yuan\n" + "".join(
        f"{c},2000000\n" for c in sorted(ind["county_code"].dropna().unique())), encoding="utf-8")
    r = jingzhun("allocate", "--workspace", str(ws), "--budget-file", str(budget),
                 "--period", "2019-01", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["targets"] > 0 and out["result"]["violations"] == 0
    assert out["solver"]["method"] == "milp" and out["solver"]["optimality_gap"] < 1e-3
    plans = pd.read_parquet(out["plans"])
    assert len(plans) == out["targets"]
    gaps = plans[plans["open_gaps"].map(len) > 0]
    assert gaps["allocated"].map(len).gt(0).all()
    xlsx = list((ws / "outputs" / "assistance" / "plans_2019-01").rglob("*.xlsx"))
    assert len(xlsx) == out["excel_files"] == plans["village_code"].nunique()
    with zipfile.ZipFile(xlsx[0]) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert "户号 household" in strings and "预计脱贫概率" in strings


def test_allocate_refuses_a_budget_file_without_every_county(identified, tmp_path):
    ws = tmp_path / "w"
    shutil.copytree(identified, ws)
    budget = tmp_path / "b.yaml"
    budget.write_text('unit: yuan\nbudgets:\n  "000000": 1\n', encoding="utf-8")
    r = jingzhun("allocate", "--workspace", str(ws), "--budget-file", str(budget),
                 "--period", "2019-01", "--json", "--no-excel")
    assert r.returncode == 2
    assert "no budget" in r.stderr
