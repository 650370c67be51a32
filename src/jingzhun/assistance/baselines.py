"""Baselines the optimiser is compared with, in the same run.

Both first close every 三保障/water gap (the same step as the heuristic), then:

- **greedy-by-cause**: within each county, households from the largest per-capita gap down
  (neediest first) get the first eligible measure of the catalogue that answers their primary
  cause (else a secondary cause), while the county's budget and the capacities last;
- **proportional**: each county's remaining budget is split over its townships in proportion to
  their poor target households; within a township, households in the same order get their
  cause's measure while the township's share lasts.

Neither looks at the expected effect or the floors; the checker counts what they violate.
"""

from __future__ import annotations

import numpy as np

from jingzhun.assistance.heuristic import State, close_gaps
from jingzhun.assistance.instance import Instance


def _cause_measures(inst: Instance, i: int) -> list[int]:
    hh = inst.households
    out: list[int] = []
    for col in ("primary_cause", "secondary_cause_1", "secondary_cause_2"):
        cause = hh[col].iat[i]
        if cause is None or cause != cause:
            continue
        out += [j for j, m in enumerate(inst.catalogue.measures) if cause in m.causes and j not in out]
    return out


def _order(inst: Instance, rows: np.ndarray) -> np.ndarray:
    gap = inst.households["gap_pc"].to_numpy()[rows]
    poor = inst.households["poor"].to_numpy(bool)[rows]
    return rows[poor][np.argsort(-gap[poor], kind="stable")]


def _give(state: State, i: int, budget_left: float | None = None) -> int:
    """The first fitting cause measure for household i; returns its cost (0 if none)."""
    for j in _cause_measures(state.inst, i):
        cost = int(state.inst.cost[i, j])
        if budget_left is not None and cost > budget_left:
            continue
        if state.can_add(i, j):
            state.add(i, j)
            return cost
    return 0


def greedy_by_cause(inst: Instance) -> np.ndarray:
    state = State(inst)
    close_gaps(state)
    for _, rows in sorted(inst.households.groupby("county_code").indices.items()):
        for i in _order(inst, np.asarray(rows)):
            if not state.chosen[i, _cause_measures(inst, i)].any():
                _give(state, i)
    return state.chosen


def proportional(inst: Instance) -> np.ndarray:
    state = State(inst)
    close_gaps(state)
    hh = inst.households
    for county, rows in sorted(hh.groupby("county_code").indices.items()):
        rows = np.asarray(rows)
        left = inst.budgets.get(str(county), 0) - state.spent.get(str(county), 0)
        towns = hh["township_code"].to_numpy()[rows]
        poor = hh["poor"].to_numpy(bool)[rows]
        n_poor = max(int(poor.sum()), 1)
        for t in sorted(set(towns)):
            trows = rows[towns == t]
            share = max(left, 0) * int(hh["poor"].to_numpy(bool)[trows].sum()) / n_poor
            for i in _order(inst, trows):
                if not state.chosen[i, _cause_measures(inst, i)].any():
                    share -= _give(state, i, budget_left=share)
    return state.chosen


__all__ = ["greedy_by_cause", "proportional"]
