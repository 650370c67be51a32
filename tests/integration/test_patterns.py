"""End to end on the small province: causes vs the truth and the roll, a planted typology and
the planted association recovered from department data, the 2020-02 migrant shock found as a
change point. Only this test (evaluation side) reads truth/."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from jingzhun.evaluation.causes_bench import score_causes

PLANTED = {"remote", "no_normal_labour", "illness", "rural"}


@pytest.fixture(scope="module")
def analysed(identified, province, tmp_path_factory):
    from jingzhun.patterns.workspace import patterns_workspace
    from jingzhun.workspace import Workspace

    ws = Workspace(identified, create=False)
    out = tmp_path_factory.mktemp("patterns")
    try:
        # the latest month: 12 months of chronic settlements; the income check of 2019-01
        result = patterns_workspace(ws, "2019-12", out, min_support=0.004)
    finally:
        ws.engine.close()
    return result, out


def test_causes_beat_nothing_and_list_roll_disagreements(identified, province):
    from jingzhun.diagnosis import diagnose_workspace
    from jingzhun.workspace import Workspace

    ws = Workspace(identified, create=False)
    try:
        r = diagnose_workspace(ws, "2019-01")
    finally:
        ws.engine.close()
    s = score_causes(r["diagnosis"], r["roll"], province / "truth")
    print("causes", s["all_households"]["accuracy"], s["roll_households"]["ours_accuracy"],
          s["roll_households"]["roll_accuracy"], s["review"])
    assert s["all_households"]["accuracy"] >= 0.7
    roll = s["roll_households"]
    assert roll["households"] > 50
    # the roll's recorded cause is wrong for ~20 % (planted); ours from department data is close
    assert 0.7 <= roll["roll_accuracy"] <= 0.9
    assert roll["ours_accuracy"] >= roll["roll_accuracy"] - 0.12
    # most of the roll's wrong causes are listed for review
    assert s["review"]["roll_errors_flagged_share"] >= 0.8
    assert len(r["review"]) == s["review"]["disagreements"]
    assert (ws.zone("decisions") / "causes_review_2019-01.parquet").exists()


def test_planted_typology_is_recovered(analysed, province):
    result, _ = analysed
    truth = pd.read_parquet(province / "truth" / "households.parquet",
                            columns=["household_no", "typology"]).set_index("household_no")
    m = truth.join(result["typology"].labels.rename("cluster"), how="inner")
    ct = pd.crosstab(m["cluster"], m["typology"])
    purity = (ct.max(axis=1) / ct.sum(axis=1))
    recall = (ct.max(axis=0) / ct.sum(axis=0))
    ari = adjusted_rand_score(m["typology"], m["cluster"])
    print("typology", ct.to_string(), purity.round(3).to_dict(), recall.round(3).to_dict(), ari)
    # the left-behind elderly and migrant families each dominate a cluster
    best = ct.idxmax(axis=1)
    dominated = {t for c, t in best.items() if purity[c] >= 0.6}
    assert {"migrant_family", "left_behind_elderly"} & dominated
    assert recall["left_behind_elderly"] >= 0.7
    assert ari >= 0.15


def test_planted_association_is_mined(analysed, province):
    from jingzhun.patterns import find_rule

    result, out = analysed
    rule = find_rule(result["rules"], PLANTED, "poor")
    print("rule", None if rule is None else rule.to_dict())
    assert rule is not None
    assert rule["lift"] >= 5 and rule["confidence"] >= 0.3
    items = result["items"]
    truth = pd.read_parquet(province / "truth" / "households.parquet",
                            columns=["household_no", "planted_association"]).set_index("household_no")
    flagged = items[list(PLANTED)].all(axis=1)
    j = truth.join(flagged.rename("proxy"), how="inner")
    # the observable proxy points at the planted households far more than at random
    share_planted = j.loc[j["proxy"], "planted_association"].mean()
    print("proxy precision", share_planted, "base", j["planted_association"].mean())
    assert share_planted >= 5 * j["planted_association"].mean()
    html = (out / "patterns.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "http://" not in html and "https://" not in html
    for name in ("typology_profiles.csv", "association_rules.parquet", "typology.png"):
        assert (out / name).stat().st_size > 0


def test_migrant_shock_is_a_change_point(tmp_path):
    """A 15-month province (the shock is in 2020-02; the shared one stops at 2019-12); only
    the HRSS extracts are ingested."""
    from jingzhun.cli.data import ingest_source
    from jingzhun.indicators.build import Sources
    from jingzhun.patterns.changepoints import (
        detect_change_points,
        job_loss_series,
        province_series,
    )
    from jingzhun.pipeline.stages import department_files
    from jingzhun.synth import SynthConfig, generate
    from jingzhun.workspace import Workspace

    generate(SynthConfig(scale=0.0005, months=15, seed=7), out=tmp_path / "province")
    src = tmp_path / "hrss_only" / "departments"
    shutil.copytree(tmp_path / "province" / "departments" / "hrss", src / "hrss")
    ingest_source(src.parent, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws", create=False)
    try:
        series = job_loss_series(Sources(ws.engine, department_files(ws, "validated"),
                                         ws.zone("registry")), "2020-03")
    finally:
        ws.engine.close()
    series = pd.concat([series, province_series(series)], ignore_index=True)
    changes = detect_change_points(series)
    prov = changes[changes["county_code"] == "province"].assign(
        jump=lambda d: (d["mean_after"] - d["mean_before"]).abs())
    print("province", prov.to_dict("records"))
    top = prov.sort_values("jump").iloc[-1]
    assert top["period"] == "2020-02" and top["direction"] == "up"
    assert top["mean_after"] > 3 * top["mean_before"]
    counties = changes[changes["county_code"] != "province"]
    hit = counties.loc[(counties["period"] == "2020-02") & (counties["direction"] == "up"),
                       "county_code"].nunique()
    n = series.loc[series["county_code"] != "province", "county_code"].nunique()
    print("counties with 2020-02", hit, "of", n)
    assert hit >= 0.6 * n
