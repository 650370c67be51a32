"""Outside checks used by the tests, written independently of jingzhun.sharing."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def attacker_intervals(published: pd.DataFrame, total_label: str) -> dict[tuple[str, str], tuple[float, float]]:
    """For a published two-way table (last row and column are totals; suppressed cells NaN),
    the min and max an attacker can derive for each suppressed cell from the additivity of
    rows and columns and non-negativity (linear programmes)."""
    rows, cols = list(published.index), list(published.columns)
    assert rows[-1] == total_label and cols[-1] == total_label
    hidden = [(r, c) for r in rows for c in cols if pd.isna(published.loc[r, c])]
    if not hidden:
        return {}
    idx = {cell: i for i, cell in enumerate(hidden)}
    A, b = [], []
    def value(r, c):
        return published.loc[r, c]
    inner_r, inner_c = rows[:-1], cols[:-1]
    # every line: sum of its inner cells - its total = 0 (rows incl. the total row, columns incl. total column)
    lines = [[(r, c) for c in inner_c] + [("-", (r, total_label))] for r in rows] + \
            [[(r, c) for r in inner_r] + [("-", (total_label, c))] for c in cols]
    for line in lines:
        coef = np.zeros(len(hidden))
        rhs = 0.0
        for item in line:
            sign, cell = (-1.0, item[1]) if item[0] == "-" else (1.0, item)
            if cell in idx:
                coef[idx[cell]] += sign
            else:
                rhs -= sign * float(value(*cell))
        if coef.any():
            A.append(coef)
            b.append(rhs)
    out = {}
    for cell, i in idx.items():
        c = np.zeros(len(hidden))
        c[i] = 1
        lo = linprog(c, A_eq=np.array(A), b_eq=np.array(b), bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(A), b_eq=np.array(b), bounds=(0, None), method="highs")
        assert lo.status == 0, f"published table is inconsistent at {cell}"
        out[cell] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


def joint_attacker_intervals(tables: dict[str, pd.DataFrame], links: list[tuple[tuple, tuple]],
                             total_label: str) -> dict[tuple, tuple[float, float]]:
    """Like :func:`attacker_intervals` over several published tables at once, where ``links``
    say that two cells (table, row, col) are the same number. A cell published in one table
    is known in all tables it is linked to."""
    parent: dict[tuple, tuple] = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    known: dict[tuple, float] = {}
    for name, t in tables.items():
        for r in t.index:
            for c in t.columns:
                if not pd.isna(t.loc[r, c]):
                    known[find((name, r, c))] = float(t.loc[r, c])
    hidden = sorted({find((n, r, c)) for n, t in tables.items() for r in t.index for c in t.columns
                     if pd.isna(t.loc[r, c])} - set(known))
    idx = {k: i for i, k in enumerate(hidden)}
    A, b = [], []
    for name, t in tables.items():
        rows, cols = list(t.index), list(t.columns)
        lines = [[(r, c) for c in cols[:-1]] + [("-", (r, total_label))] for r in rows] + \
                [[(r, c) for r in rows[:-1]] + [("-", (total_label, c))] for c in cols]
        for line in lines:
            coef, rhs = np.zeros(len(hidden)), 0.0
            for item in line:
                sign, cell = (-1.0, item[1]) if item[0] == "-" else (1.0, item)
                key = find((name, *cell))
                if key in idx:
                    coef[idx[key]] += sign
                else:
                    rhs -= sign * known[key]
            if coef.any():
                A.append(coef)
                b.append(rhs)
    out = {}
    for key, i in idx.items():
        c = np.zeros(len(hidden))
        c[i] = 1
        lo = linprog(c, A_eq=np.array(A), b_eq=np.array(b), bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(A), b_eq=np.array(b), bounds=(0, None), method="highs")
        assert lo.status == 0, f"published tables are inconsistent at {key}"
        out[key] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out
