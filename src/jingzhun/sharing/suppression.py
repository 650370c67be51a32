"""Small-cell suppression of count tables with published totals.

Primary suppression hides every count in ``1 .. threshold-1`` (zeros are published: an empty
cell discloses nobody). Secondary suppression then hides the fewest further cells (weighted by
the counts they hide) so that no suppressed cell can be worked out from what is published.

The table is the vector ``a`` of every cell *including* the row totals, column totals and the
grand total, tied by linear equations ``A a = 0`` (each interior row and column adds up to its
total). An attacker knows ``A``, every published value and that counts are non-negative. For a
suppressed cell ``p`` we require that the attacker's feasible interval reaches at least
``a_p + upl_p`` above and ``a_p - lpl_p`` below (the protection levels, ``ratio × a_p``, at
least 1). That is the classical cell-suppression model of Fischetti & Salazar (2001): a mixed
integer programme with one binary per cell (suppress or not) and, for every primary cell and
both directions, a deviation vector that moves only suppressed cells and keeps ``A y = 0``.
It is solved with HiGHS (``scipy.optimize.milp``): jointly for small tables, else primary by
primary (each later problem sees the earlier suppressions for free; the result stays valid
because suppressing more only widens intervals). :func:`audit` re-checks any pattern with
linear programmes (min and max of every suppressed cell) and is what the tests trust.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from jingzhun.sharing.errors import SharingError

TOTAL = "合计 total"
JOINT_LIMIT = 60_000  # continuous variables above which primaries are protected one at a time


@dataclass
class LinearTable:
    """Cells (interior and margins) with the equations that tie them."""

    values: np.ndarray            # (n,) non-negative integers
    A: sparse.csr_matrix          # (m, n) with A @ values == 0
    rows: list[str]               # row label of each cell (TOTAL for the column totals)
    cols: list[str]               # column label of each cell (TOTAL for the row totals)

    @property
    def n(self) -> int:
        return len(self.values)


@dataclass
class Suppression:
    """The pattern of one table: which cells are hidden and why."""

    table: LinearTable
    primary: np.ndarray                 # bool (n,)
    suppressed: np.ndarray              # bool (n,), primary ⊆ suppressed
    method: str
    threshold: int
    intervals: dict[int, tuple[float, float]] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """The published table: counts as nullable integers, suppressed cells as <NA>."""
        t = self.table
        df = pd.DataFrame({"row": t.rows, "col": t.cols,
                           "value": pd.array(np.where(self.suppressed, 0, t.values), dtype="Int64")})
        df.loc[self.suppressed, "value"] = pd.NA
        rows = list(dict.fromkeys(t.rows))
        cols = list(dict.fromkeys(t.cols))
        return df.pivot(index="row", columns="col", values="value").reindex(index=rows, columns=cols)

    def flags(self) -> pd.DataFrame:
        """'P' primary, 'S' secondary, '' published — same shape as :meth:`frame`."""
        t = self.table
        flag = np.where(self.primary, "P", np.where(self.suppressed, "S", ""))
        df = pd.DataFrame({"row": t.rows, "col": t.cols, "flag": flag})
        rows = list(dict.fromkeys(t.rows))
        cols = list(dict.fromkeys(t.cols))
        return df.pivot(index="row", columns="col", values="flag").reindex(index=rows, columns=cols)

    def hidden(self) -> set[tuple[str, str]]:
        """(row, column) labels of the suppressed cells."""
        t = self.table
        return {(t.rows[i], t.cols[i]) for i in np.flatnonzero(self.suppressed)}

    def summary(self) -> dict[str, object]:
        return {"cells": int(self.table.n), "primary": int(self.primary.sum()),
                "secondary": int((self.suppressed & ~self.primary).sum()),
                "hidden_count": int(self.table.values[self.suppressed & ~self.primary].sum()),
                "threshold": self.threshold, "method": self.method}


def linear_table(counts: pd.DataFrame) -> LinearTable:
    """The cells of a two-way table of counts with its row, column and grand totals.

    >>> t = linear_table(pd.DataFrame({"a": [1, 2], "b": [3, 4]}, index=["x", "y"]))
    >>> t.values.tolist()
    [1, 3, 2, 4, 4, 6, 3, 7, 10]
    """
    if counts.isna().any().any():
        raise SharingError("a count table has missing cells", where="linear_table",
                           fix="fill empty cells with 0 before suppression")
    v = counts.to_numpy()
    if (v < 0).any() or not np.allclose(v, np.round(v)):
        raise SharingError("counts must be non-negative integers", where="linear_table",
                           fix="suppress counts, not amounts; publish amounts through the DP path")
    v = v.astype(np.int64)
    r, c = v.shape
    rows_l = [str(x) for x in counts.index]
    cols_l = [str(x) for x in counts.columns]
    values = np.concatenate([v.ravel(), v.sum(axis=1), v.sum(axis=0), [v.sum()]])
    rows = [rows_l[i] for i in range(r) for _ in range(c)] + rows_l + [TOTAL] * c + [TOTAL]
    cols = cols_l * r + [TOTAL] * r + cols_l + [TOTAL]
    R0, C0, T = r * c, r * c + r, r * c + r + c
    data, ri, ci = [], [], []
    eq = 0
    for i in range(r):                              # sum_j x_ij - R_i = 0
        for j in range(c):
            ri.append(eq); ci.append(i * c + j); data.append(1.0)
        ri.append(eq); ci.append(R0 + i); data.append(-1.0)
        eq += 1
    for j in range(c):                              # sum_i x_ij - C_j = 0
        for i in range(r):
            ri.append(eq); ci.append(i * c + j); data.append(1.0)
        ri.append(eq); ci.append(C0 + j); data.append(-1.0)
        eq += 1
    for i in range(r):                              # sum_i R_i - T = 0
        ri.append(eq); ci.append(R0 + i); data.append(1.0)
    ri.append(eq); ci.append(T); data.append(-1.0)
    eq += 1
    A = sparse.csr_matrix((data, (ri, ci)), shape=(eq, len(values)))
    return LinearTable(values=values, A=A, rows=rows, cols=cols)


def primary_cells(values: np.ndarray, threshold: int) -> np.ndarray:
    """Cells with 0 < count < threshold."""
    return (values > 0) & (values < threshold)


def protection_levels(values: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower protection of each cell: ceil(ratio·a), at least 1; lower ≤ a."""
    upl = np.maximum(1, np.ceil(ratio * values)).astype(float)
    lpl = np.minimum(values, upl).astype(float)
    return upl, lpl


def _solve(table: LinearTable, protect: list[int], fixed: np.ndarray, upl: np.ndarray,
           lpl: np.ndarray, weights: np.ndarray, time_limit: float) -> np.ndarray:
    """MILP: cheapest suppression ⊇ fixed giving every cell in ``protect`` its protection."""
    n, A = table.n, table.A
    big = float(2 * table.values.max() + 10)
    blocks = [(p, s) for p in protect for s in (+1, -1) if not (s == -1 and lpl[p] <= 0)]
    nv = n + 2 * n * len(blocks)
    c = np.concatenate([weights, np.zeros(nv - n)])
    lb = np.zeros(nv)
    ub = np.concatenate([np.ones(n), np.full(nv - n, np.inf)])
    lb[:n] = fixed.astype(float)
    integrality = np.concatenate([np.ones(n), np.zeros(nv - n)])
    eye = sparse.identity(n, format="csr")
    rows_eq, rows_ineq, lo_ineq, hi_ineq = [], [], [], []
    for b, (p, s) in enumerate(blocks):
        off = n + 2 * n * b
        def place(M: sparse.spmatrix, col: int) -> sparse.csr_matrix:
            M = sparse.csr_matrix(M)
            return sparse.hstack([sparse.csr_matrix((M.shape[0], col)), M,
                                  sparse.csr_matrix((M.shape[0], nv - col - M.shape[1]))]).tocsr()
        rows_eq.append(place(sparse.hstack([A, -A]), off))            # A (y+ - y-) = 0
        # y+_c - big x_c <= 0 ; y-_c - a_c x_c <= 0
        rows_ineq.append(place(eye, off) - place(big * eye, 0))
        rows_ineq.append(place(eye, off + n) - place(sparse.diags(table.values.astype(float)), 0))
        lo_ineq += [np.full(n, -np.inf), np.full(n, -np.inf)]
        hi_ineq += [np.zeros(n), np.zeros(n)]
        e = sparse.csr_matrix(([float(s), -float(s)], ([0, 0], [p, n + p])), shape=(1, 2 * n))
        rows_ineq.append(place(e, off))                                # s (y+_p - y-_p) >= level
        lo_ineq.append(np.array([upl[p] if s == 1 else lpl[p]]))
        hi_ineq.append(np.array([np.inf]))
    cons = []
    if rows_eq:
        E = sparse.vstack(rows_eq).tocsr()
        cons.append(LinearConstraint(E, np.zeros(E.shape[0]), np.zeros(E.shape[0])))
        G = sparse.vstack(rows_ineq).tocsr()
        cons.append(LinearConstraint(G, np.concatenate(lo_ineq), np.concatenate(hi_ineq)))
    res = milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=cons,
               options={"time_limit": time_limit, "disp": False})
    if res.x is None:
        raise SharingError(f"secondary suppression found no pattern ({res.message})",
                           where=f"table of {n} cells, protecting cells {protect[:5]}",
                           fix="lower protection_ratio or publish a coarser table")
    return np.round(res.x[:n]) > 0.5


def suppress(counts: pd.DataFrame, threshold: int = 10, *, ratio: float = 0.5,
             force: Collection[tuple[str, str]] = (), time_limit: float = 30.0) -> Suppression:
    """Primary and secondary suppression of a two-way count table with its totals.

    ``force`` names cells (row, column labels; :data:`TOTAL` for margins) that must be hidden
    and protected like primary cells although they are not small: cells another published
    table hides (linked tables, see :func:`jingzhun.sharing.tables.publish_tables`)."""
    table = linear_table(counts)
    primary = primary_cells(table.values, threshold)
    wanted = {(str(r), str(c)) for r, c in force}
    forced = np.array([(r, c) in wanted for r, c in zip(table.rows, table.cols, strict=True)])
    protected = primary | forced
    suppressed = protected.copy()
    upl, lpl = protection_levels(table.values, ratio)
    weights = 1.0 + table.values.astype(float)
    protect = [int(i) for i in np.flatnonzero(protected)]
    method = "none"
    if protect:
        if 4 * table.n * len(protect) <= JOINT_LIMIT:
            suppressed = _solve(table, protect, protected, upl, lpl, weights, time_limit)
            method = "milp-joint"
        else:
            for p in sorted(protect, key=lambda i: -table.values[i]):
                w = np.where(suppressed, 0.0, weights)
                suppressed = _solve(table, [p], suppressed, upl, lpl, w, time_limit)
            method = "milp-sequential"
    intervals = audit(table, suppressed)
    # A secondary cell whose value is still fixed by the equations protects nobody: publish it.
    for i, (lo, hi) in list(intervals.items()):
        if not protected[i] and hi - lo <= 1e-9:
            suppressed[i] = False
    if method != "none":
        intervals = audit(table, suppressed)
    for i in np.flatnonzero(protected):
        lo, hi = intervals[int(i)]
        a = table.values[i]
        if hi < a + upl[i] - 1e-6 or lo > a - lpl[i] + 1e-6:
            raise SharingError(
                f"suppressed cell ({table.rows[i]}, {table.cols[i]}) is not protected: "
                f"feasible interval [{lo:g}, {hi:g}]", where="secondary suppression",
                fix="report this table; publish it at a coarser level meanwhile")
    return Suppression(table, primary, suppressed, method, threshold, intervals)


def audit(table: LinearTable, suppressed: np.ndarray) -> dict[int, tuple[float, float]]:
    """What an attacker can infer: min and max of every suppressed cell over all non-negative
    tables that agree with the published cells and the totals (linear programmes, HiGHS)."""
    S = np.flatnonzero(suppressed)
    if len(S) == 0:
        return {}
    P = np.flatnonzero(~suppressed)
    A = table.A.tocsc()
    A_s, A_p = A[:, S], A[:, P]
    rhs = -(A_p @ table.values[P].astype(float))
    keep = np.asarray(abs(A_s).sum(axis=1)).ravel() > 0      # equations touching hidden cells
    A_eq, b_eq = A_s[keep], rhs[keep]
    out: dict[int, tuple[float, float]] = {}
    for k, cell in enumerate(S):
        cost = np.zeros(len(S))
        cost[k] = 1.0
        lo = linprog(cost, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-cost, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if lo.status == 2:
            raise SharingError("published cells and totals are inconsistent",
                               where=f"cell ({table.rows[cell]}, {table.cols[cell]})",
                               fix="rebuild the table; margins must equal the sums")
        low = float(lo.fun) if lo.status == 0 else 0.0
        high = math.inf if hi.status == 3 else float(-hi.fun)
        out[int(cell)] = (low, high)
    return out


__all__ = ["LinearTable", "Suppression", "TOTAL", "audit", "linear_table", "primary_cells",
           "protection_levels", "suppress"]
