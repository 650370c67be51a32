"""Alkire & Foster (2011) worked example, reproduced exactly, through the API and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as F

import pandas as pd
import pytest

from jingzhun.errors import ConfigError
from jingzhun.mpi import Indicator, MPISpec, alkire_foster
from jingzhun.mpi.spec import load_spec, shipped_specs

ACHIEVEMENTS = [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]]
CUTOFFS = (13, 12, 3, 1)
COLS = ["income", "schooling", "bmi", "insured"]


def _data() -> pd.DataFrame:
    return pd.DataFrame(ACHIEVEMENTS, columns=COLS)


def _spec(k: float) -> MPISpec:
    return MPISpec(tuple(Indicator(c, z, 0.25) for c, z in zip(COLS, CUTOFFS)), k=k)


@pytest.mark.parametrize(
    "k, H, A, M0",
    [
        (0.5, F(1, 2), F(3, 4), F(3, 8)),
        (0.25, F(3, 4), F(7, 12), F(7, 16)),
        (1.0, F(1, 4), F(1), F(1, 4)),
        (0.75, F(1, 4), F(1), F(1, 4)),
    ],
)
def test_headline_measures(k, H, A, M0):
    r = alkire_foster(_data(), _spec(k))
    assert r["H"] == pytest.approx(float(H), abs=1e-15)
    assert r["A"] == pytest.approx(float(A), abs=1e-15)
    assert r["M0"] == pytest.approx(float(M0), abs=1e-15)


def test_censored_headcounts_and_contributions_at_half():
    r = alkire_foster(_data(), _spec(0.5))
    assert [r["censored_headcount"][c] for c in COLS] == [0.25, 0.5, 0.25, 0.5]
    assert [r["contribution"][c] for c in COLS] == pytest.approx([1 / 6, 1 / 3, 1 / 6, 1 / 3])
    assert [r["uncensored_headcount"][c] for c in COLS] == [0.25, 0.75, 0.25, 0.5]


def test_adjusted_gap_measures():
    # Poor at k = 0.5: rows 2 and 3. Normalised gaps (z - x) / z of their deprivations.
    gaps = [F(5, 12), F(1), F(1, 26), F(1, 6), F(2, 3), F(1)]
    r = alkire_foster(_data(), _spec(0.5))
    assert r["M1"] == pytest.approx(float(sum(gaps) / 4 / 4))
    assert r["M2"] == pytest.approx(float(sum(g * g for g in gaps) / 4 / 4))


def test_decomposition_by_group_adds_up():
    data = _data().assign(county=["A", "A", "B", "B"])
    r = alkire_foster(data, _spec(0.5), by="county")
    assert r["groups"]["A"]["M0"] == pytest.approx(0.25)   # row 2 only: score 1/2, over 2 rows
    assert r["groups"]["B"]["M0"] == pytest.approx(0.5)    # row 3: score 1, over 2 rows
    assert sum(g["contribution"] for g in r["groups"].values()) == pytest.approx(1.0)


def test_missing_values_are_left_out_and_counted():
    data = pd.concat([_data(), pd.DataFrame([[float("nan"), 1.0, 1.0, 1.0]], columns=COLS)], ignore_index=True)
    r = alkire_foster(data, _spec(0.5))
    assert (r["n"], r["excluded_missing"], r["M0"]) == (4, 1, 0.375)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: Indicator.parse("income-13-0.25"), "COLUMN:CUTOFF:WEIGHT"),
        (lambda: MPISpec((Indicator("a", 1, 1),), k=0), "share of the total weight"),
        (lambda: alkire_foster(_data(), MPISpec((Indicator("nope", 1, 1),), k=0.5)), "nope"),
        (lambda: load_spec("no-such-spec"), "global-mpi"),
    ],
)
def test_errors_say_what_and_how(bad, message):
    with pytest.raises(ConfigError, match=message):
        bad()


def test_shipped_specs_load_with_weights_summing_to_one():
    assert {"global-mpi", "cn-two-assurances"} <= set(shipped_specs())
    g = load_spec("global-mpi")
    assert len(g.indicators) == 10 and g.k == pytest.approx(1 / 3)
    assert sum(i.weight for i in g.indicators) == pytest.approx(1.0)


def test_cli_reproduces_the_worked_example(tmp_path):
    path = tmp_path / "af.csv"
    _data().to_csv(path, index=False)
    args = [f"{c}:{z}:0.25" for c, z in zip(COLS, CUTOFFS)]
    cmd = [sys.executable, "-m", "jingzhun", "mpi", "--data", str(path), "--k", "0.5", "--json"]
    for a in args:
        cmd += ["--indicator", a]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    assert (r["H"], r["A"], r["M0"]) == (0.5, 0.75, 0.375)
