"""Open tables from the synthetic province: no small cell published, none derivable, not
even from the province and prefecture tables together."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jingzhun.sharing.settings import SharingSettings
from jingzhun.sharing.suppression import TOTAL
from jingzhun.sharing.tables import (count_table, household_panel, linked_suppression, periods_of,
                                     publish_tables)

from .checks import attacker_intervals, joint_attacker_intervals


def _read(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"area": str, "period": str})
    pub = df.pivot(index="area", columns="period", values="value")
    rows = [r for r in dict.fromkeys(df["area"]) if r != TOTAL] + [TOTAL]
    cols = [c for c in dict.fromkeys(df["period"]) if c != TOTAL] + [TOTAL]
    return pub.reindex(index=rows, columns=cols).astype(float)


def test_published_tables_hide_small_and_derivable_cells(identified, tmp_path):
    periods = periods_of(identified)
    summary = publish_tables(identified, tmp_path, settings=SharingSettings(small_cell_threshold=10),
                             measures=["on_roll"])
    panel = household_panel(identified, periods)
    tables, total_primary = {}, 0
    for meta in summary["tables"]:
        pub = _read(tmp_path / f"{meta['name']}.csv")
        tables[meta["scope"]] = pub
        assert not ((pub > 0) & (pub < 10)).any().any(), meta["name"]
        area = "prefecture_code" if meta["scope"] == "province" else "county_code"
        sub = panel if meta["scope"] == "province" else panel[panel["prefecture_code"] == meta["scope"]]
        truth = count_table(sub, "on_roll", area, periods, list(pub.index[:-1]))   # recomputed here
        truth[TOTAL] = truth.sum(axis=1)
        truth.loc[TOTAL] = truth.sum(axis=0)
        shown = pub.notna()
        assert ((pub == truth.astype(float)) | ~shown).all().all()
        assert not (shown & (truth > 0) & (truth < 10)).any().any()
        for cell, (lo, hi) in attacker_intervals(pub, TOTAL).items():
            assert hi - lo > 0, f"{meta['name']} {cell} is derivable"
        total_primary += meta["primary"]
        assert json.loads((tmp_path / f"{meta['name']}.json").read_text())["threshold"] == 10
    assert total_primary > 0        # the synthetic province does have small cells
    # linked: province cell (prefecture, month) is the prefecture table's (total, month)
    links = [(("province", p, c), (p, TOTAL, c)) for p in tables if p != "province"
             for c in tables["province"].columns]
    for (_, p, c), (q, r, cc) in links:
        assert pd.isna(tables["province"].loc[p, c]) == pd.isna(tables[q].loc[r, cc])
    for key, (lo, hi) in joint_attacker_intervals(tables, links, TOTAL).items():
        assert hi - lo > 0, f"{key} is derivable from the tables together"


def test_a_shared_cell_hidden_in_one_table_is_hidden_in_the_other():
    # Province: A's 3 in m1 is small; the cheapest complement is B's row (smaller than C's),
    # so B's monthly totals become hidden in B's own table too, and must be protected there.
    a = pd.DataFrame({"m1": [3], "m2": [20]}, index=["a1"])
    b = pd.DataFrame({"m1": [50, 60], "m2": [45, 52]}, index=["b1", "b2"])
    c = pd.DataFrame({"m1": [200], "m2": [210]}, index=["c1"])
    prov = pd.DataFrame([a.sum(), b.sum(), c.sum()], index=["A", "B", "C"])
    sups = linked_suppression(prov, {"A": a, "B": b, "C": c}, threshold=10, ratio=0.5)
    hp = sups["province"].hidden()
    assert {("A", "m1"), ("B", "m1")} <= hp
    assert (TOTAL, "m1") in sups["B"].hidden()           # forced by the province table
    for pref in "ABC":
        for col in ["m1", "m2", TOTAL]:
            assert ((pref, col) in hp) == ((TOTAL, col) in sups[pref].hidden())
    tabs = {k: s.frame().astype(float) for k, s in sups.items()}
    for t in tabs.values():
        t.index.name = t.columns.name = None
    links = [(("province", p, c), (p, TOTAL, c)) for p in "ABC" for c in ["m1", "m2", TOTAL]]
    widths = [hi - lo for lo, hi in joint_attacker_intervals(tabs, links, TOTAL).values()]
    assert widths and min(widths) > 0


@pytest.mark.parametrize("force, hidden_total", [((), False), ({(TOTAL, "m1")}, True)])
def test_forced_cells_are_hidden_and_protected(force, hidden_total):
    from jingzhun.sharing.suppression import suppress

    t = pd.DataFrame({"m1": [30, 40], "m2": [25, 20]}, index=["x", "y"])
    s = suppress(t, 10, force=force)
    assert ((TOTAL, "m1") in s.hidden()) is hidden_total
    for lo, hi in s.intervals.values():
        assert hi - lo > 0
