"""Small-cell suppression: no published cell below the threshold, none derivable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jingzhun.sharing.suppression import TOTAL, linear_table, suppress

from .checks import attacker_intervals


def _check(counts: pd.DataFrame, threshold: int, ratio: float = 0.5) -> pd.DataFrame:
    s = suppress(counts, threshold, ratio=ratio)
    pub = s.frame()
    full = counts.copy()
    full[TOTAL] = full.sum(axis=1)
    full.loc[TOTAL] = full.sum(axis=0)
    full.index, full.columns = [str(i) for i in full.index], [str(c) for c in full.columns]
    vals = pub.astype("float")
    vals.index.name = vals.columns.name = None
    full = full.astype(float)
    # 1. no published count in 1 .. threshold-1, published values are the true ones
    shown = vals.notna()
    assert not ((vals > 0) & (vals < threshold)).any().any()
    assert ((vals == full) | ~shown).all().all()
    # 2. every small true cell is hidden
    small = (full > 0) & (full < threshold)
    assert not (shown & small).any().any()
    # 3. none derivable: the attacker's interval of each hidden cell has width > 0 and
    #    reaches the protection levels
    for (r, c), (lo, hi) in attacker_intervals(vals, TOTAL).items():
        a = full.loc[r, c]
        assert hi - lo > 0, f"cell {(r, c)} = {a} is derivable"
        if 0 < a < threshold:
            level = max(1, int(np.ceil(ratio * a)))
            assert hi >= a + level - 1e-6 and lo <= a - min(a, level) + 1e-6
    return pub


CASES = [
    # name, table, threshold, cells hidden (row, col)
    ("one small cell needs a rectangle", [[3, 20, 30], [25, 40, 50]], 10,
     {("0", "a"), ("0", "b"), ("1", "a"), ("1", "b")}),
    ("nothing small, nothing hidden", [[12, 20], [25, 40]], 10, set()),
    ("zeros are published", [[0, 20], [25, 40]], 10, set()),
]


@pytest.mark.parametrize("name, rows, threshold, hidden", CASES, ids=[c[0] for c in CASES])
def test_known_patterns(name, rows, threshold, hidden):
    cols = ["a", "b", "c"][: len(rows[0])]
    counts = pd.DataFrame(rows, index=[str(i) for i in range(len(rows))], columns=cols)
    pub = _check(counts, threshold)
    got = {(r, c) for r in pub.index for c in pub.columns if pd.isna(pub.loc[r, c])}
    assert got == hidden


def test_primary_suppression_alone_is_derivable():
    """The check can fail: hiding only the small cell lets anyone subtract it from the total."""
    counts = pd.DataFrame([[3, 20], [25, 40]], index=["x", "y"], columns=["a", "b"])
    pub = counts.astype("Float64")
    pub[TOTAL] = counts.sum(axis=1)
    pub.loc[TOTAL] = pub.sum(axis=0)
    pub.loc["x", "a"] = pd.NA
    (lo, hi), = attacker_intervals(pub.astype(float), TOTAL).values()
    assert lo == hi == 3


def test_small_margins_are_protected_too():
    counts = pd.DataFrame([[2, 3, 0], [20, 30, 40], [15, 11, 12]], index=list("xyz"),
                          columns=list("abc"))
    pub = _check(counts, 10)
    assert pd.isna(pub.loc["x", TOTAL])   # row total 5 is itself a small cell


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_tables(seed):
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.poisson(9, (6, 5)), index=[f"r{i}" for i in range(6)],
                          columns=[f"m{j}" for j in range(5)])
    pub = _check(counts, 10)
    assert pub.isna().sum().sum() >= ((counts > 0) & (counts < 10)).sum().sum()


def test_linear_table_values_and_equations():
    t = linear_table(pd.DataFrame({"a": [1, 2], "b": [3, 4]}, index=["x", "y"]))
    assert t.values.tolist() == [1, 3, 2, 4, 4, 6, 3, 7, 10]
    assert not (t.A @ t.values).any()
    assert t.A.shape == (5, 9)
