"""The risk model on the small province's history, scored against its truth (the risk package
never reads it: the benchmark hands the training months' truth over as verified outcomes)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from jingzhun.evaluation.risk_bench import bench_risk, truth_outcomes

from .conftest import jingzhun

TRAIN_UNTIL = "2019-06"   # 12 months: train on 2019-01..03 (labels to 2019-06), test 2019-07..09
HORIZON = 3


@pytest.fixture(scope="module")
def result(identified, province, tmp_path_factory):
    ws = tmp_path_factory.mktemp("risk") / "w"
    shutil.copytree(identified, ws)
    return bench_risk(province, ws, train_until=TRAIN_UNTIL, horizon=HORIZON, seed=0), ws


def test_model_beats_chance_and_reports_both_systems(result):
    out, _ = result
    assert out["test_periods"] == ["2019-07", "2019-09"] and out["test_positives"] > 20
    model, rules = out["model"], out["rules_only"]
    assert model["auc"] > 0.7, model
    assert model["recall_top5"] > 0.2, model
    assert 0 <= rules["recall_top5"] <= 1 and rules["auc"] is not None
    assert model["median_lead_months"] is not None and 1 <= model["median_lead_months"] <= HORIZON


def test_training_used_only_the_training_months(result):
    out, _ = result
    # labels of months up to 2019-03 need the truth of 2019-04..06 and nothing later
    assert out["train"]["train_periods"] == ["2019-01", "2019-03"]
    assert out["train"]["train_positives"] > 0


def test_calibration_fairness_and_factors_are_written(result):
    out, ws = result
    png = ws / "reports" / "risk" / "calibration.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(out["calibration"]["predicted"]) == len(out["calibration"]["observed"]) >= 3
    fairness = json.loads((ws / "reports" / "risk" / "fairness.json").read_text())
    assert set(fairness) == {"model", "rules_only"}
    by_sex = fairness["model"]["head_sex"]
    assert {"male", "female"} <= set(by_sex)
    assert sum(v["rows"] for v in by_sex.values()) == out["test_rows"]
    assert "han" in fairness["model"]["head_ethnicity"]
    factors = pd.read_parquet(ws / "reports" / "risk" / "factors_2019-09.parquet")
    assert len(factors) > 0 and factors["factors_zh"].str.contains("：").all()
    first = json.loads(factors["factors"].iloc[0])
    assert 1 <= len(first) <= 3 and all(f["shap"] > 0 for f in first)
    assert out["examples"][0]["factors_en"]


def test_truth_outcomes_use_the_household_number(province):
    o = truth_outcomes(province / "truth")
    hh = pd.read_parquet(province / "truth" / "households.parquet", columns=["household_no"])
    assert set(o["household_id"]) == set(hh["household_no"].astype(str))
    assert 0 < o["outcome"].mean() < 0.2


def test_bench_risk_command_is_registered():
    r = jingzhun("bench", "risk", "--help")
    assert r.returncode == 0, r.stderr
    assert "--train-until" in r.stdout and "--keep" in r.stdout
