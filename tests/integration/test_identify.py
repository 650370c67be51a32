"""Indicators, decisions and the roll cross-check on the small synthetic province, against its
ground truth (the pipeline never reads it; these tests do)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jingzhun.evaluation.identify_bench import score_findings
from jingzhun.indicators import INDICATORS

from .conftest import jingzhun

PERIOD = "2019-01"  # the roll's month (the synthetic start)


@pytest.fixture(scope="module")
def indicators(identified) -> pd.DataFrame:
    return pd.read_parquet(identified / "indicators" / f"households_{PERIOD}.parquet")


@pytest.fixture(scope="module")
def truth_households(province) -> pd.DataFrame:
    return pd.read_parquet(province / "truth" / "households.parquet")


def test_indicator_table_follows_the_catalogue(indicators):
    expected = ["household_id", "period"]
    for ind in INDICATORS[1:]:
        expected += [ind.name] + ([f"{ind.name}__extract"] if ind.extract else [])
    assert list(indicators.columns) == expected
    assert indicators["household_id"].is_unique
    assert (indicators["period"] == PERIOD).all()


def test_indicators_agree_with_the_truth(indicators, truth_households):
    t = truth_households.merge(indicators, left_on="household_no", right_on="household_id",
                               suffixes=("", "_ind"))
    assert len(t) >= 0.98 * len(truth_households)
    assert (t["rural_hukou"] == t["rural"]).mean() >= 0.99
    rural = t[t["rural"]]
    declared = rural["declared_income_per_capita_fen"]
    expected = ((rural["income_start_fen"] / rural["size_start"]) / 100).round() * 100
    assert declared.notna().mean() >= 0.97
    assert (declared == expected).mean() >= 0.97
    for ours, truth in (("owns_car", "car_at_start"),
                        ("owns_commercial_housing", "commercial_housing_at_start"),
                        ("owns_company", "company_at_start"),
                        ("public_payroll_member", "payroll_household"),
                        ("on_roll", None)):
        want = (t["roll_status"] == "poor") if truth is None else t[truth].astype(bool)
        agree = (t[ours].astype(bool) == want).mean()
        assert agree >= 0.97, (ours, agree)
    assert (t["size"] == t["size_start"]).mean() >= 0.97


def test_cross_check_finds_the_planted_roll_errors(identified, province):
    findings = pd.read_parquet(identified / "decisions" / f"crosscheck_{PERIOD}.parquet")
    scores = score_findings(findings, province / "truth")
    for kind in ("wrongly_included", "wrongly_missed"):
        assert scores[kind]["planted"] > 0
        assert scores[kind]["recall"] >= 0.9, (kind, scores[kind])
        assert scores[kind]["precision"] >= 0.8, (kind, scores[kind])
    evidence = json.loads(findings["evidence"].iloc[0])
    assert {"values", "rules"} <= set(evidence)


def test_every_decision_carries_its_reasons(identified):
    d = pd.read_parquet(identified / "decisions" / f"cn-2014_{PERIOD}.parquet")
    assert len(d) and d["reasons"].notna().all()
    for fired, reasons in zip(d["fired"], d["reasons"], strict=True):
        r = json.loads(reasons)
        assert [x["rule"] for x in r] == list(fired)
    income = d[d["fired"].map(lambda f: "cn2014.income_below_line" in f)]
    assert len(income)
    ev = json.loads(income["reasons"].iloc[0])[0]["evidence"]["per_capita_net_income_fen"]
    assert ev["source"] and ev["extract"] == PERIOD and ev["value"] < 321800


def test_identify_workspace_cli(identified):
    r = jingzhun("identify", "--workspace", str(identified), "--period", PERIOD, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["period"] == PERIOD and out["households"] > 0
    assert set(out["packs"]) == {"cn-2014"}
    assert set(out["cross_check"]["counts"]) == {"wrongly_included", "exit_due",
                                                 "wrongly_missed", "wrongly_exited"}
    assert out["cross_check"]["counts"]["exit_due"] == 0  # the roll's own month
    later_2020 = jingzhun("identify", "--workspace", str(identified), "--period", "2019-12", "--json")
    assert later_2020.returncode == 0, later_2020.stderr
    counts = json.loads(later_2020.stdout)["cross_check"]["counts"]
    assert counts["exit_due"] > 0
    later = jingzhun("identify", "--workspace", str(identified), "--period", "2021-03", "--json")
    assert later.returncode == 0, later.stderr
    assert set(json.loads(later.stdout)["packs"]) == {"cn-2021"}


def test_simulate_a_higher_line(identified):
    from jingzhun.policy.pack import load_pack

    before = load_pack("cn-2014").parameters.at("poverty_line_fen", pd.Timestamp(PERIOD).date())
    r = jingzhun("simulate", "--workspace", str(identified), "--period", PERIOD,
                 "--set", "poverty_line_fen=400000", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["pack"] == "cn-2014" and out["enter"] > 0 and out["leave"] == 0
    assert out["covered"]["after"] == out["covered"]["before"] + out["enter"]
    assert out["cost_fen"]["change"] > 0
    assert sum(c["enter"] for c in out["by_county"].values()) == out["enter"]
    # the pack itself is untouched: a reform, not a copy
    assert load_pack("cn-2014").parameters.at("poverty_line_fen", pd.Timestamp(PERIOD).date()) == before
    bad = jingzhun("simulate", "--workspace", str(identified), "--period", PERIOD,
                   "--set", "no_such_parameter=1")
    assert bad.returncode != 0 and "no_such_parameter" in bad.stderr
