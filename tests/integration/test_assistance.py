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


def test_offers_are_matched_within_their_limits(identified, tmp_path):
    ind = pd.read_parquet(identified / "indicators" / "households_2019-01.parquet")
    village = ind.loc[ind["rural_hukou"].fillna(False), "village_code"].mode().iloc[0]
    offers = tmp_path / "offers.yaml"
    offers.write_text(
        "jobs:\n"
        f"  - {{id: J1, village_code: '{village}', slots: 3, skills: [basic], min_labour: 1, max_km: 5}}\n"
        "donations:\n"
        "  - {id: D1, amount_yuan: 5000, per_household_yuan: 1000}\n", encoding="utf-8")
    out = tmp_path / "matches.csv"
    r = jingzhun("offers", "--workspace", str(identified), "--period", "2019-01",
                  "--offers", str(offers), "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    m = pd.read_csv(out, dtype={"household_id": str, "village_code": str})
    jobs = m[m["offer"] == "job"]
    assert 0 < len(jobs) <= 3 and summary["jobs"]["J1"]["filled"] == len(jobs)
    assert (jobs["distance_km"] <= 5).all() and jobs["household_id"].is_unique
    labour = ind.set_index("household_id")["labour_count"]
    assert (labour.reindex(jobs["household_id"]) >= 1).all()
    gifts = m[m["offer"] == "donation"]
    assert len(gifts) == 5 and gifts["amount_fen"].sum() == 500000
    bad = tmp_path / "bad.yaml"
    bad.write_text("jobs:\n  - {id: J2}\n", encoding="utf-8")
    r = jingzhun("offers", "--workspace", str(identified), "--period", "2019-01",
                  "--offers", str(bad), "--out", str(out))
    assert r.returncode != 0 and "jobs[1]" in r.stderr
