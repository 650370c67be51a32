"""Budget-optimal allocation: one mixed-integer programme per county, solved by HiGHS
(``scipy.optimize.milp``), with the greedy heuristic as fallback and the optimality gap
reported.

Per county, binary x[h, m] for each eligible pair, continuous z[h] ∈ [0, 1] (covered) for poor
households when floors apply::

    max  Σ value[h, m] x[h, m] − ε Σ cost[h, m] x[h, m]        (ε breaks ties towards cheaper)
    s.t. Σ cost x ≤ county budget
         Σ_{h in unit} x[h, m] ≤ capacity[m, unit]          (township or county)
         Σ_m x[h, m] ≤ max_measures,  Σ_{m raises income} x[h, m] ≤ max_income_measures
         Σ_{m closes g} x[h, m] ≥ 1   for every open gap g of h (三保障, water)
         z[h] ≤ Σ_m x[h, m];  Σ_{h in group} z[h] ≥ ⌈floor × |group|⌉   (township, cause)

If the floors make a county infeasible they are relaxed (× 0.5, × 0.25, then 0) and the
relaxation is reported; if the gaps alone do not fit the budget, :class:`AllocationError`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from jingzhun.assistance.catalogue import GAPS
from jingzhun.assistance.check import floor_groups
from jingzhun.assistance.heuristic import heuristic
from jingzhun.assistance.instance import Instance
from jingzhun.errors import JingzhunError


class AllocationError(JingzhunError):
    """An allocation that cannot be made as asked (budget below the mandatory measures)."""


@contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """HiGHS prints some messages on the C-level stdout even with disp off: keep stdout for
    the JSON summary."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _milp(*args: Any, **kwargs: Any) -> Any:
    with _solver_output_to_stderr():
        return milp(*args, **kwargs)


class _Rows:
    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: np.ndarray, vals: np.ndarray | float, lo: float, hi: float) -> None:
        k = len(self.lo)
        cols = np.asarray(cols)
        self.r.extend([k] * len(cols))
        self.c.extend(cols.tolist())
        self.v.extend(np.broadcast_to(np.asarray(vals, float), cols.shape).tolist())
        self.lo.append(lo)
        self.hi.append(hi)

    def constraint(self, nvar: int) -> LinearConstraint:
        A = sparse.csr_array((self.v, (self.r, self.c)), shape=(len(self.lo), nvar))
        return LinearConstraint(A, np.array(self.lo), np.array(self.hi))


def _model(inst: Instance, rows: np.ndarray, budget: int, floor_scale: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, LinearConstraint, int]:
    """Objective (minimise), integrality, pair index, constraints, number of pairs."""
    s = inst.settings
    elig = inst.eligible[rows]
    hi_, mi_ = np.nonzero(elig)
    hh = rows[hi_]
    npair = len(hh)
    value = inst.value()[hh, mi_]
    cost = inst.cost[hh, mi_].astype(float)
    eps = 1e-6 / max(cost.max(initial=1.0), 1.0)
    groups = [(k, mask[rows], need) for k, _, mask, need in floor_groups(inst)]
    groups = [(k, m, int(np.ceil(need * floor_scale - 1e-9))) for k, m, need in groups
              if m.any() and floor_scale > 0]
    poor_local = np.flatnonzero(np.zeros(len(rows), bool) | np.any(
        [m for _, m, _ in groups], axis=0)) if groups else np.array([], int)
    zcol = {int(h): npair + k for k, h in enumerate(poor_local)}
    nvar = npair + len(poor_local)
    c = np.concatenate([-value + eps * cost, np.zeros(len(poor_local))])
    integrality = np.concatenate([np.ones(npair), np.zeros(len(poor_local))])
    R = _Rows()
    R.add(np.arange(npair), cost, -np.inf, float(budget))
    pair_df = pd.DataFrame({"h": hi_, "m": mi_, "k": np.arange(npair)})
    for j, m in enumerate(inst.catalogue.measures):
        sel = pair_df[pair_df["m"] == j]
        if sel.empty:
            continue
        units = inst.unit_of(m.capacity_level)[rows][sel["h"].to_numpy()].astype(str)
        for u, ks in sel.groupby(units)["k"]:
            cap = inst.capacity.get((m.id, str(u)), 0)
            if len(ks) > cap:
                R.add(ks.to_numpy(), 1.0, -np.inf, float(cap))
    income = inst.raises_income
    gaps = inst.gap_matrix()[rows]
    closes = np.column_stack([inst.closes(g) for g in GAPS])
    for h, ks in pair_df.groupby("h")["k"]:
        ks = ks.to_numpy()
        ms = mi_[ks]
        if len(ks) > s.max_measures:
            R.add(ks, 1.0, -np.inf, float(s.max_measures))
        inc = ks[income[ms]]
        if len(inc) > s.max_income_measures:
            R.add(inc, 1.0, -np.inf, float(s.max_income_measures))
        for g in np.flatnonzero(gaps[h]):
            cl = ks[closes[ms, g]]
            if len(cl):
                R.add(cl, 1.0, 1.0, np.inf)
        if h in zcol:
            R.add(np.append(ks, zcol[h]), np.append(-np.ones(len(ks)), 1.0), -np.inf, 0.0)
    for _, mask, need in groups:
        cols = [zcol[int(h)] for h in np.flatnonzero(mask)]
        R.add(np.array(cols), 1.0, float(min(need, len(cols))), np.inf)
    return c, integrality, np.column_stack([hh, mi_]), R.constraint(nvar), npair


def solve_county(inst: Instance, county: str, rows: np.ndarray) -> dict[str, Any]:
    """Allocate one county; returns chosen pairs and the solver's report."""
    s = inst.settings
    budget = inst.budgets.get(county, 0)
    t0 = time.perf_counter()
    report: dict[str, Any] = {"county": county, "households": int(len(rows))}
    for scale in (1.0, 0.5, 0.25, 0.0):
        if scale < 1.0 and s.floor_township == 0 and s.floor_cause == 0:
            break
        c, integrality, pairs, cons, npair = _model(inst, rows, budget, scale)
        if npair == 0:
            return {**report, "method": "empty", "pairs": pairs, "x": np.zeros(0, bool),
                    "objective": 0.0, "bound": 0.0, "gap": 0.0, "floor_scale": scale,
                    "seconds": round(time.perf_counter() - t0, 3)}
        res = _milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=[cons],
                   options={"time_limit": s.time_limit_s, "mip_rel_gap": s.mip_rel_gap,
                            "disp": False})
        if res.x is not None:
            x = res.x[:npair] > 0.5
            obj = float(inst.value()[pairs[x, 0], pairs[x, 1]].sum())
            bound = float(-getattr(res, "mip_dual_bound", res.fun) or 0.0)
            return {**report, "method": "milp", "status": int(res.status), "pairs": pairs, "x": x,
                    "objective": obj, "bound": max(bound, obj),
                    "gap": float(getattr(res, "mip_gap", 0.0) or 0.0), "floor_scale": scale,
                    "seconds": round(time.perf_counter() - t0, 3)}
        if res.status == 1:  # time limit without a solution: fall back
            break
    return {**report, **_fallback(inst, county, rows), "seconds": round(time.perf_counter() - t0, 3)}


def _fallback(inst: Instance, county: str, rows: np.ndarray) -> dict[str, Any]:
    chosen = heuristic(inst, rows)
    need = int((inst.cost[rows] * chosen[rows]).sum())
    if need > inst.budgets.get(county, 0):
        raise AllocationError(
            f"county {county}: the measures that close the 三保障/water gaps cost at least "
            f"{need / 100:,.0f} yuan, above its budget of {inst.budgets.get(county, 0) / 100:,.0f} yuan",
            where=f"budget of county {county}",
            fix="raise the county's budget in the budget file, or check the housing/water/education flags")
    pairs = np.argwhere(chosen[rows])
    pairs[:, 0] = rows[pairs[:, 0]]
    obj = float(inst.value()[pairs[:, 0], pairs[:, 1]].sum())
    # LP relaxation bound (floors off): the gap the heuristic leaves at most
    relaxed = replace(inst, settings=replace(inst.settings, floor_township=0.0, floor_cause=0.0))
    c, _, lp_pairs, cons, npair = _model(relaxed, rows, inst.budgets.get(county, 0), 0.0)
    res = _milp(c, integrality=np.zeros(len(c)), bounds=Bounds(0, 1), constraints=[cons])
    bound = float(-res.fun) if res.x is not None else obj
    return {"method": "heuristic", "pairs": pairs, "x": np.ones(len(pairs), bool), "objective": obj,
            "bound": max(bound, obj), "gap": (bound - obj) / bound if bound > 0 else 0.0,
            "floor_scale": 1.0}


def _solve(inst: Instance, county: str, rows: np.ndarray, method: str) -> dict[str, Any]:
    if method == "heuristic":
        return {"county": county, "households": len(rows), **_fallback(inst, county, rows)}
    return solve_county(inst, county, rows)


#: What one county's solve returns through the engine's per-group adapter: the chosen
#: (household row, measure) pairs, and the county's report as JSON on a row with h = -1.
_GROUP_SCHEMA = pa.schema([("county_code", pa.string()), ("h", pa.int64()), ("k", pa.int64()),
                           ("report", pa.string())])


def _solve_counties_on(engine: Any, inst: Instance, counties: dict[Any, Any],
                       method: str) -> list[tuple[np.ndarray, dict[str, Any]]]:
    """Every county's MILP as one group of the engine's :meth:`~jingzhun.engine.base.Engine.map_groups`
    (in process on DuckDB, on the executors with applyInPandas on Spark)."""
    import json

    def one(group: pd.DataFrame) -> pd.DataFrame:
        county = str(group["county_code"].iloc[0])
        r = _solve(inst, county, np.asarray(counties[county]), method)
        pairs, x = r.pop("pairs"), r.pop("x")
        picked = pairs[x]
        return pd.DataFrame({
            "county_code": county, "h": np.r_[picked[:, 0], -1].astype(np.int64),
            "k": np.r_[picked[:, 1], -1].astype(np.int64),
            "report": [None] * len(picked) + [json.dumps(r, default=_plain)]})

    keys = pa.table({"county_code": sorted(counties)})
    out = engine.map_groups(keys, "county_code", one, _GROUP_SCHEMA).to_pandas()
    results = []
    for county, g in out.groupby("county_code", sort=True):
        body = g[g["h"] >= 0]
        results.append((body[["h", "k"]].to_numpy(np.int64), json.loads(g["report"].iloc[-1])))
    return results


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)


def allocate(inst: Instance, *, method: str = "milp", progress: Any = None,
             engine: Any = None) -> tuple[np.ndarray, dict[str, Any]]:
    """Allocate every county (``method`` milp or heuristic); the chosen matrix and a report
    with the objective, the bound, the optimality gap, relaxed floors and seconds. With an
    ``engine``, the counties are solved through its per-group adapter (in parallel on Spark)."""
    chosen = np.zeros(inst.eligible.shape, bool)
    counties = {str(c): rows for c, rows in inst.households.groupby("county_code").indices.items()}
    reports = []
    if engine is not None:
        solved = _solve_counties_on(engine, inst, counties, method)
    else:
        solved = []
        for k, (county, rows) in enumerate(sorted(counties.items())):
            r = _solve(inst, county, np.asarray(rows), method)
            pairs, x = r.pop("pairs"), r.pop("x")
            solved.append((pairs[x], r))
            if progress:
                progress(county, (k + 1) / len(counties))
    for picked, r in solved:
        chosen[picked[:, 0], picked[:, 1]] = True
        reports.append(r)
    obj = sum(r["objective"] for r in reports)
    bound = sum(r["bound"] for r in reports)
    # the fallback heuristic never breaks eligibility, budgets, capacities, household limits or
    # gap closing, but it may fall short of a fairness floor the MILP would meet: say so
    from jingzhun.assistance.check import violations

    v = violations(inst, chosen)
    return chosen, {
        "floors_unmet": {"township": int(v["floor_township"]), "cause": int(v["floor_cause"])},
        "method": method, "objective": round(obj, 4), "bound": round(bound, 4),
        "optimality_gap": round((bound - obj) / bound, 6) if bound > 0 else 0.0,
        "counties": len(reports),
        "counties_by_method": pd.Series([r["method"] for r in reports]).value_counts().to_dict()
        if reports else {},
        "floors_relaxed": [r["county"] for r in reports if r.get("floor_scale", 1.0) < 1.0],
        "max_county_seconds": max((r["seconds"] for r in reports if "seconds" in r), default=0.0),
        "per_county": reports,
    }


__all__ = ["AllocationError", "allocate", "solve_county"]
