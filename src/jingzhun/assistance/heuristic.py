"""Greedy allocation that respects every hard constraint it can: the optimiser's fallback, and
the shared first step of the baselines (close every 三保障/water gap with the cheapest measure).

``State`` tracks what is spent and used, so each step only adds pairs that keep the budget,
capacities and per-household limits.
"""

from __future__ import annotations

import numpy as np

from jingzhun.assistance.catalogue import GAPS
from jingzhun.assistance.check import floor_groups
from jingzhun.assistance.instance import Instance


class State:
    def __init__(self, inst: Instance, rows: np.ndarray | None = None) -> None:
        self.inst = inst
        self.chosen = np.zeros(inst.eligible.shape, bool)
        self.county = inst.households["county_code"].astype(str).to_numpy()
        self.spent: dict[str, int] = {c: 0 for c in inst.budgets}
        self.used: dict[tuple[str, str], int] = {}
        self.units = {lvl: inst.unit_of(lvl).astype(str) for lvl in ("township", "county")}
        self.income = inst.raises_income
        self.rows = np.arange(inst.n) if rows is None else rows
        self.gaps = inst.gap_matrix()
        self.closes = np.column_stack([inst.closes(g) for g in GAPS])  # (M, 4)

    def can_add(self, i: int, j: int, *, check_budget: bool = True) -> bool:
        inst = self.inst
        m = inst.catalogue.measures[j]
        if self.chosen[i, j] or not inst.eligible[i, j]:
            return False
        if self.chosen[i].sum() >= inst.settings.max_measures:
            return False
        if self.income[j] and (self.chosen[i] & self.income).sum() >= inst.settings.max_income_measures:
            return False
        key = (m.id, self.units[m.capacity_level][i])
        if self.used.get(key, 0) >= inst.capacity.get(key, 0):
            return False
        c = self.county[i]
        return not check_budget or self.spent.get(c, 0) + int(inst.cost[i, j]) <= inst.budgets.get(c, 0)

    def add(self, i: int, j: int) -> None:
        m = self.inst.catalogue.measures[j]
        self.chosen[i, j] = True
        c = self.county[i]
        self.spent[c] = self.spent.get(c, 0) + int(self.inst.cost[i, j])
        key = (m.id, self.units[m.capacity_level][i])
        self.used[key] = self.used.get(key, 0) + 1

    def open_gaps(self, i: int) -> list[int]:
        return [k for k in range(len(GAPS))
                if self.gaps[i, k] and not (self.chosen[i] & self.closes[:, k]).any()]


def close_gaps(state: State) -> None:
    """Every open gap gets a measure that closes it: the cheapest per gap closed (ties: the
    higher value). Budgets are not checked here: the gaps come first (hard constraint)."""
    inst = state.inst
    value = inst.value()
    closes, gaps = state.closes, state.gaps
    for i in state.rows[gaps[state.rows].any(axis=1)]:
        while True:
            open_ = state.open_gaps(i)
            if not open_:
                break
            n_closed = closes[:, open_].sum(axis=1)
            best, key = -1, None
            for j in np.flatnonzero(n_closed > 0):
                if not state.can_add(i, j, check_budget=False):
                    continue
                k = (inst.cost[i, j] / n_closed[j], -value[i, j])
                if key is None or k < key:
                    best, key = j, k
            if best < 0:
                break  # nothing eligible closes it: the checker reports it
            state.add(i, best)


def meet_floors(state: State) -> None:
    """Cover uncovered poor households of groups below their floor with the pair of best value
    per yuan (cheapest when no value)."""
    inst = state.inst
    value = inst.value()
    in_rows = np.zeros(inst.n, bool)
    in_rows[state.rows] = True
    for _, _, mask, need in floor_groups(inst):
        mask = mask & in_rows
        if not mask.any():
            continue
        have = int(state.chosen[mask].any(axis=1).sum())
        cands = []
        for i in np.flatnonzero(mask & ~state.chosen.any(axis=1)):
            for j in np.flatnonzero(inst.eligible[i]):
                cands.append((-value[i, j] / max(inst.cost[i, j], 1), inst.cost[i, j], i, j))
        for _, _, i, j in sorted(cands):
            if have >= need:
                break
            if not state.chosen[i].any() and state.can_add(i, j):
                state.add(i, j)
                have += 1


def add_best_ratio(state: State) -> None:
    """Add (household, measure) pairs by value per yuan while they fit."""
    inst = state.inst
    value = inst.value()
    rows = state.rows
    sub = value[rows] / np.maximum(inst.cost[rows], 1)
    sub = np.where(inst.eligible[rows] & (value[rows] > 0), sub, -1.0)
    order = np.argsort(-sub, axis=None, kind="stable")
    r, c = np.unravel_index(order, sub.shape)
    for ri, j in zip(r, c):
        if sub[ri, j] <= 0:
            break
        i = rows[ri]
        if state.can_add(i, j):
            state.add(i, j)


def heuristic(inst: Instance, rows: np.ndarray | None = None) -> np.ndarray:
    """Gaps, floors, then best value per yuan: a feasible allocation when one is easy to find."""
    state = State(inst, rows)
    close_gaps(state)
    meet_floors(state)
    add_best_ratio(state)
    return state.chosen


__all__ = ["State", "add_best_ratio", "close_gaps", "heuristic", "meet_floors"]
