"""Fund supervision and warnings on the small synthetic province, through the CLI."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from .conftest import jingzhun

MONTH = "2019-06"


def test_funds_and_warnings_on_the_small_province(identified, province, tmp_path):
    from jingzhun.evaluation.monitor_bench import score_funds

    ws = tmp_path / "w"
    shutil.copytree(identified, ws)
    r = jingzhun("funds", "--workspace", str(ws), "--month", MONTH, "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["months"] == [MONTH]
    found = pd.read_parquet(ws / "outputs" / "funds" / f"anomalies_{MONTH}.parquet")
    assert set(found["file"]) == {f"payments/payments_{MONTH.replace('-', '')}.csv"}
    assert sum(report["anomalies"].values()) == len(found)
    truth = pd.read_parquet(province / "truth" / "payment_anomalies.parquet")
    truth = truth[truth["file"] == f"payments/payments_{MONTH.replace('-', '')}.csv"]
    truth.to_parquet(tmp_path / "payment_anomalies.parquet")
    scores = score_funds(found, tmp_path)
    assert scores["recall"] >= 0.9 and scores["precision"] >= 0.85, scores
    assert all(json.loads(e) for e in found["evidence"])

    r = jingzhun("warnings", "--workspace", str(ws), "--month", MONTH, "--open-cases", "--user", "测试员", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    w = pd.read_parquet(ws / "outputs" / "warnings" / f"warnings_{MONTH}.parquet")
    assert summary["warnings"] == len(w) > 0
    assert set(w["due"]) == {"2019-07-16"} and set(w["rules_as_of"]) == {"2021-01-01"}
    assert summary["cases_opened"] == w["household_id"].nunique()
    village = w[w["village_code"].str[9:].astype(int) >= 200]  # 村 (not 社区) have cadres
    assert village["cadre_name"].notna().mean() >= 0.95  # a few lists lose rows to quarantine
    r = jingzhun("workflow", "--workspace", str(ws), "--today", "2019-08-01", "--json")
    status = json.loads(r.stdout)
    assert status["states"] == {"new": len(w)}
    assert len(status["overdue"]) == len(w)
