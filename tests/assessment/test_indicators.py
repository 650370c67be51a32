"""Hand-computed cases for every assessment indicator, the composite, exits and the
targets-vs-panorama flags (docs/assessment.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jingzhun.assessment.catalogue import AssessmentError, Weight, Weights, load_weights, parameter
from jingzhun.assessment.confidence import median_interval, robust_z, wilson
from jingzhun.assessment.exits import assess_exits
from jingzhun.assessment.indicators import compute
from jingzhun.assessment.scorecard import add_trend, scorecards
from jingzhun.assessment.targets import compare, computed_figures, flag_areas, peer_outliers

T, F, N = True, False, None

# Two villages in one township and county. Village A: 4 households, village B: 2.
#   id vil size rural poor roll exited flagged target covered growth edu housing water income_known
HH = [
    ("a1", "A", 4, T, T, T, F, T, T, T, 0.10, T, T, T, T),
    ("a2", "A", 2, T, F, T, T, F, T, F, 0.30, T, F, T, T),
    ("a3", "A", 3, T, T, T, T, F, T, T, -0.1, N, T, F, F),
    ("a4", "A", 5, F, F, F, F, F, F, F, 0.5, T, T, T, T),
    ("b1", "B", 1, T, F, T, T, T, F, F, 0.0, T, T, N, T),
    ("b2", "B", 2, T, F, F, F, F, T, T, np.nan, F, N, T, F),
]
COLS = ["household_id", "village_code", "size", "rural", "poor", "roll", "exited", "flagged",
        "target", "covered", "growth", "edu_ok", "housing_ok", "water_ok", "income_known"]


def households() -> pd.DataFrame:
    hh = pd.DataFrame(HH, columns=COLS)
    for c in ("edu_ok", "housing_ok", "water_ok"):
        hh[c] = hh[c].astype(object).where(hh[c].notna(), None)
    hh["township_code"] = "T1"
    hh["county_code"] = "C1"
    return hh


def value(ind: pd.DataFrame, level: str, area: str, name: str) -> pd.Series:
    r = ind[(ind["level"] == level) & (ind["area_code"] == area) & (ind["indicator"] == name)]
    assert len(r) == 1, (level, area, name)
    return r.iloc[0]


CASES = [
    # indicator, area (village), value, numerator, denominator
    # incidence: persons poor & rural / persons rural. A: (4+3)/(4+2+3) ; B: 0/(1+2)
    ("poverty_incidence", "A", 7 / 9, 7, 9),
    ("poverty_incidence", "B", 0.0, 0, 3),
    # roll flags: roll A = a1,a2,a3, flagged a1 → 1/3; B: roll b1, flagged → 1/1
    ("roll_flag_share", "A", 1 / 3, 1, 3),
    ("roll_flag_share", "B", 1.0, 1, 1),
    # relapse: exited and poor / exited. A: exited a2 (not poor), a3 (poor) → 1/2; B: b1 → 0/1
    ("relapse_share", "A", 0.5, 1, 2),
    ("relapse_share", "B", 0.0, 0, 1),
    # coverage: covered targets / targets. A: a1,a2,a3 targets, a1,a3 covered → 2/3; B: b2 → 1/1
    ("measure_coverage", "A", 2 / 3, 2, 3),
    ("measure_coverage", "B", 1.0, 1, 1),
    # 三保障: roll with both known: a1 (T,T), a2 (T,F) → 1/2 (a3 edu unknown); B: b1 (T,T) → 1/1
    ("three_guarantees_rate", "A", 0.5, 1, 2),
    ("three_guarantees_rate", "B", 1.0, 1, 1),
    # water: roll with a known assessment: a1 T, a2 T, a3 F → 2/3; B: b1 unknown → no value
    ("water_safe_rate", "A", 2 / 3, 2, 3),
    # completeness: known cells of 4 per roll household. a1 4, a2 4, a3 2 (housing, water)... a3:
    # edu N, housing T, water F, income F → 2 → 10/12; b1: edu, housing, income → 3/4
    ("data_completeness", "A", 10 / 12, 10, 12),
    ("data_completeness", "B", 3 / 4, 3, 4),
]


@pytest.mark.parametrize("name,area,expected,num,den", CASES)
def test_every_rate_indicator_by_hand(name, area, expected, num, den):
    ind, _ = compute(households())
    r = value(ind, "village", area, name)
    assert r["value"] == pytest.approx(expected)
    assert r["numerator"] == num and r["denominator"] == den


def test_water_of_a_village_without_assessment_is_absent_not_zero():
    ind, _ = compute(households())
    assert ind[(ind["area_code"] == "B") & (ind["indicator"] == "water_safe_rate")].empty


def test_income_growth_is_the_median_over_roll_households():
    ind, _ = compute(households())
    # roll households A: a1 0.10, a2 0.30, a3 −0.10 → median 0.10 (a4 not on the roll)
    assert value(ind, "village", "A", "income_growth")["value"] == pytest.approx(0.10)
    # township = A ∪ B: 0.10, 0.30, −0.10, 0.0 → median 0.05
    assert value(ind, "township", "T1", "income_growth")["value"] == pytest.approx(0.05)


def test_upper_levels_pool_households_not_village_rates():
    ind, _ = compute(households())
    # county incidence = 7 / 12 persons (not the mean of 7/9 and 0)
    assert value(ind, "county", "C1", "poverty_incidence")["value"] == pytest.approx(7 / 12)
    assert value(ind, "county", "C1", "roll_flag_share")["value"] == pytest.approx(2 / 4)


def test_warning_indicators_from_workflow_cases():
    cases = pd.DataFrame({"village_code": ["A", "A", "A", "B", "B"],
                          "days": [3.0, 20.0, np.nan, 10.0, np.nan],
                          "overdue": [False, False, True, False, False]})
    ind, missing = compute(households(), cases=cases, response_days_max=15)
    # A: decided 3 (on time), 20 (late), one open past due → 1 / 3; B: 10 on time, one open
    # not yet due (not judged) → 1 / 1
    assert value(ind, "village", "A", "warning_compliance_15d")["value"] == pytest.approx(1 / 3)
    assert value(ind, "village", "B", "warning_compliance_15d")["value"] == pytest.approx(1.0)
    assert value(ind, "village", "A", "warning_response_days")["value"] == pytest.approx(11.5)
    assert value(ind, "county", "C1", "warning_response_days")["value"] == pytest.approx(10.0)
    assert "warning_compliance_15d" not in missing


def test_fund_anomaly_rate_from_located_payments():
    pay = pd.DataFrame({"village_code": ["A"] * 4 + ["B"] * 2,
                        "anomalous": [True, False, False, False, True, True]})
    ind, missing = compute(households(), payments=pay)
    assert value(ind, "village", "A", "fund_anomaly_rate")["value"] == pytest.approx(0.25)
    assert value(ind, "county", "C1", "fund_anomaly_rate")["value"] == pytest.approx(0.5)
    assert "fund_anomaly_rate" not in missing


def test_missing_inputs_make_indicators_unavailable_with_a_reason():
    hh = households().drop(columns=["target", "covered", "flagged"])
    ind, missing = compute(hh)
    assert set(missing) == {"measure_coverage", "roll_flag_share", "warning_compliance_15d",
                            "warning_response_days", "fund_anomaly_rate",
                            "fund_disbursement_rate"}
    assert "jingzhun allocate" in missing["measure_coverage"]
    assert not ind["indicator"].isin(list(missing)).any()


@pytest.mark.parametrize("k,n,lo,hi", [
    (1, 10, 0.017875, 0.404149),   # textbook Wilson values
    (0, 10, 0.0, 0.277540),   # z²/(n + z²) = 3.8416 / 13.8416
    (10, 10, 0.722460, 1.0),
    (50, 100, 0.403832, 0.596168),
])
def test_wilson_interval(k, n, lo, hi):
    a, b = wilson(k, n)
    assert a == pytest.approx(lo, abs=1e-5) and b == pytest.approx(hi, abs=1e-5)


def test_wilson_of_nothing_and_median_interval_and_robust_z():
    assert wilson(0, 0) == (None, None)
    x = np.arange(1, 101, dtype=float)
    lo, hi = median_interval(x)  # ranks 50 ∓ 9.8 → indices 40 and 60
    assert (lo, hi) == (41.0, 61.0)
    z = robust_z(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    # median 3, MAD 1 → scale 1.4826
    assert z[4] == pytest.approx(97 / 1.4826)
    assert robust_z(np.array([0.0, 0.0, 1.0]), mad_floor=0.5)[2] == pytest.approx(2.0)


def test_composite_hand_computed():
    w = Weights(valid_from="2016-01-01", reference="test", indicators={
        "poverty_incidence": Weight(weight=2, best=0.0, worst=0.10),
        "measure_coverage": Weight(weight=1, best=1.0, worst=0.5),
        "water_safe_rate": Weight(weight=1, best=1.0, worst=0.5),
    })
    ind = pd.DataFrame([
        # incidence 0.04 → score 60; coverage 0.75 → 50; water missing for this area
        ("village", "V1", "C", "poverty_incidence", 0.04, 4, 100, 40, 0.02, 0.06),
        ("village", "V1", "C", "measure_coverage", 0.75, 3, 4, 4, 0.5, 1.0),
        # V2: incidence 0.12 → 0 (clipped); coverage 1.0 → 100; water 0.9 → 80
        ("village", "V2", "C", "poverty_incidence", 0.12, 12, 100, 50, 0.1, 0.14),
        ("village", "V2", "C", "measure_coverage", 1.0, 4, 4, 40, 0.9, 1.0),
        ("village", "V2", "C", "water_safe_rate", 0.9, 36, 40, 40, 0.8, 0.95),
    ], columns=["level", "area_code", "county_code", "indicator", "value", "numerator",
                "denominator", "households", "ci_low", "ci_high"])
    sc = scorecards(ind, w, min_households=30).set_index("area_code")
    assert sc.loc["V1", "composite"] == pytest.approx((2 * 60 + 1 * 50) / 3)
    assert sc.loc["V1", "weight_coverage"] == pytest.approx(3 / 4)
    # pessimistic: incidence 0.06 → 40, coverage 0.5 → 0 ; optimistic: 0.02 → 80, 1.0 → 100
    assert sc.loc["V1", "composite_low"] == pytest.approx((2 * 40 + 0) / 3)
    assert sc.loc["V1", "composite_high"] == pytest.approx((2 * 80 + 100) / 3)
    assert sc.loc["V2", "composite"] == pytest.approx((0 + 100 + 80) / 4)
    assert bool(sc.loc["V1", "low_confidence"])
    assert sc.loc["V1", "few_households"] == "measure_coverage"
    assert not sc.loc["V2", "low_confidence"]
    assert sc.loc["V1", "rank"] == 1 and sc.loc["V2", "rank"] == 2
    prev = {"2019-06": pd.DataFrame({"level": ["village"], "area_code": ["V1"],
                                     "composite": [50.0]})}
    tr = add_trend(sc.reset_index(), prev).set_index("area_code")
    assert tr.loc["V1", "trend"] == pytest.approx((2 * 60 + 50) / 3 - 50)
    assert tr.loc["V1", "previous_period"] == "2019-06"
    assert math.isnan(tr.loc["V2", "trend"])


def test_shipped_weights_and_parameters_load():
    w = load_weights()
    assert w.indicators["poverty_incidence"].weight == 20
    assert w.score("poverty_incidence", 0.05) == pytest.approx(50.0)
    assert w.score("measure_coverage", 0.2) == 0.0
    assert parameter("exit_incidence_max", "2019-12") == 0.03
    assert parameter("poor_statuses", "2019-12") == {"cn-2014": ["eligible"]}
    with pytest.raises(AssessmentError, match="no value in force"):
        parameter("response_days_max", "2019-12")
    assert parameter("response_days_max", "2019-12", earliest_ok=True) == 15


def test_weights_with_unknown_indicator_are_refused(tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text("valid_from: '2020-01-01'\nreference: x\nindicators:\n"
                 "  povrty: {weight: 1, best: 0, worst: 1}\n", encoding="utf-8")
    with pytest.raises(AssessmentError, match="unknown indicators"):
        load_weights(p)


EXIT_CASES = [
    # incidence value, ci_low, ci_high, water, status, certain, failed
    (0.02, 0.01, 0.025, 0.99, "meets", True, ""),
    (0.02, 0.005, 0.08, 0.99, "meets", False, ""),
    (0.05, 0.035, 0.07, None, "fails", True, "incidence 贫困发生率"),
    (0.05, 0.01, 0.12, 0.99, "fails", False, "incidence 贫困发生率"),
    (0.01, 0.0, 0.02, 0.80, "fails", True, "water 饮水安全"),
    (0.03, 0.02, 0.04, 0.99, "fails", False, "incidence 贫困发生率"),  # 3 % is not < 3 %
]


@pytest.mark.parametrize("inc,lo,hi,water,status,certain,failed", EXIT_CASES)
def test_exit_assessment(inc, lo, hi, water, status, certain, failed):
    rows = [("village", "V", "C", "poverty_incidence", inc, lo, hi)]
    if water is not None:
        rows.append(("village", "V", "C", "water_safe_rate", water, None, None))
    ind = pd.DataFrame(rows, columns=["level", "area_code", "county_code", "indicator", "value",
                                      "ci_low", "ci_high"])
    e = assess_exits(ind, 0.03, 0.95).iloc[0]
    assert (e["status"], bool(e["certain"]), e["failed_tests"]) == (status, certain, failed)
    assert e["water_tested"] == (water is not None)


TG = {"min_relative_gap": 0.15, "min_robust_z": 3.0, "mad_floor": 0.05, "min_figures": 2}


def test_too_good_needs_gap_interval_and_peer_outlier():
    # ten counties: nine report their computed figures within ±2 %, one reports half the
    # incidence and 99 % housing against 70 % computed
    codes = [f"C{i}" for i in range(10)]
    comp = pd.DataFrame(
        [("county", c, "poverty_incidence", 0.10, 0.08, 0.12, 500) for c in codes]
        + [("county", c, "housing_safe_rate", 0.70, 0.65, 0.75, 300) for c in codes],
        columns=["level", "area_code", "figure", "computed", "ci_low", "ci_high", "n"])
    noise = [0.0, 0.01, -0.01, 0.02, -0.02, 0.0, 0.01, -0.01, 0.0]
    rep = pd.DataFrame({"level": "county", "area_code": codes,
                        "poverty_incidence": [0.10 * (1 + e) for e in noise] + [0.05],
                        "housing_safe_rate": [0.70 * (1 + e) for e in noise] + [0.99]})
    c = compare(rep, comp, TG)
    bad = c[c["area_code"] == "C9"].set_index("figure")
    assert bad.loc["poverty_incidence", "relative_gap"] == pytest.approx(0.5)
    assert bad.loc["housing_safe_rate", "relative_gap"] == pytest.approx(0.29 / 0.70)
    assert bad["too_good"].all()
    assert not c[c["area_code"] != "C9"]["too_good"].any()
    flags = flag_areas(c, 2).set_index("area_code")
    assert flags["over_reporting"].sum() == 1 and flags.loc["C9", "over_reporting"]
    # one concept only (incidence and poor population are the same thing) is not enough
    one = c[c["figure"] == "poverty_incidence"]
    assert not flag_areas(one, 2)["over_reporting"].any()


def test_a_shared_gap_is_a_definition_not_over_reporting():
    # every county reports 30 % below the computed incidence: no peer outlier, no flag
    codes = [f"C{i}" for i in range(8)]
    comp = pd.DataFrame([("county", c, "poverty_incidence", 0.10, 0.09, 0.11, 900)
                         for c in codes],
                        columns=["level", "area_code", "figure", "computed", "ci_low",
                                 "ci_high", "n"])
    rep = pd.DataFrame({"level": "county", "area_code": codes, "poverty_incidence": 0.07})
    assert not compare(rep, comp, TG)["too_good"].any()


def test_too_good_inside_the_interval_of_a_small_area_is_not_flagged():
    codes = [f"C{i}" for i in range(8)]
    rows = [("county", c, "poverty_incidence", 0.10, 0.095, 0.105, 900) for c in codes[:-1]]
    rows.append(("county", "C7", "poverty_incidence", 0.10, 0.02, 0.35, 12))
    comp = pd.DataFrame(rows, columns=["level", "area_code", "figure", "computed", "ci_low",
                                       "ci_high", "n"])
    rep = pd.DataFrame({"level": "county", "area_code": codes,
                        "poverty_incidence": [0.10] * 7 + [0.05]})
    c = compare(rep, comp, TG).set_index("area_code")
    assert c.loc["C7", "relative_gap"] == pytest.approx(0.5) and not c.loc["C7", "too_good"]


def test_computed_figures_for_the_reported_ones():
    hh = households()
    hh["income_pc"] = [None, 500000.0, 300000.0, None, 400000.0, None]
    ind, _ = compute(hh)
    f = computed_figures(hh, ind, levels=("county",)).set_index("figure")
    assert f.loc["poverty_incidence", "computed"] == pytest.approx(7 / 12)
    assert f.loc["poor_population", "computed"] == 7
    assert f.loc["rural_population", "computed"] == 12
    assert f.loc["exited_households", "computed"] == 3
    assert f.loc["exited_income_per_capita_fen", "computed"] == pytest.approx(400000.0)
    # housing of roll households with a known appraisal: a1 T, a2 F, a3 T, b1 T → 3/4
    assert f.loc["housing_safe_rate", "computed"] == pytest.approx(0.75)


def test_peer_outliers():
    vals = [0.05, 0.06, 0.05, 0.055, 0.045, 0.05, 0.30]
    ind = pd.DataFrame({"level": "county", "area_code": [f"C{i}" for i in range(7)],
                        "indicator": "relapse_share", "value": vals, "households": 100})
    o = peer_outliers(ind, 3.5, 30)
    assert o["area_code"].tolist() == ["C6"] and bool(o["worse"].iat[0])
    assert peer_outliers(ind.assign(households=10), 3.5, 30).empty
