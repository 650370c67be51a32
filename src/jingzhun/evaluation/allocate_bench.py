"""Allocation benchmark: optimiser vs greedy-by-cause vs proportional on a workspace's
households (no truth is read: the effects are the documented model of assistance/effects.py).

Budgets (ours, for the benchmark): each county gets what closing its 三保障/water gaps costs
(the cheapest closing measures) plus ``yuan_per_poor`` for each poor target household, so the
budget binds: not every poor household can get an income measure.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from jingzhun.assistance.budget import gap_closing_budgets
from jingzhun.assistance.instance import AllocationSettings


def bench_budgets(yuan_per_poor: float) -> Any:
    """The benchmark's budgets: :func:`jingzhun.assistance.budget.gap_closing_budgets`."""
    return gap_closing_budgets(yuan_per_poor)


def bench_allocate(table: Any, period: str, *, yuan_per_poor: float = 1500.0, seed: int = 0,
                   replications: int = 200, settings: AllocationSettings | None = None
                   ) -> dict[str, Any]:
    from jingzhun.assistance.workspace import compare, prepare

    t0 = time.perf_counter()
    inst = prepare(table, period, None, settings, budget_rule=bench_budgets(yuan_per_poor))
    t1 = time.perf_counter()
    result = compare(inst, seed=seed, replications=replications)
    result.pop("_chosen")
    result.pop("_report")
    result.update(period=period, targets=inst.n, poor=int(inst.households["poor"].sum()),
                  counties=len(inst.budgets), budget_fen=int(sum(inst.budgets.values())),
                  yuan_per_poor=yuan_per_poor, prepare_seconds=round(t1 - t0, 2),
                  compare_seconds=round(time.perf_counter() - t1, 2),
                  eligible_pairs=int(np.count_nonzero(inst.eligible)))
    return result


__all__ = ["bench_allocate", "bench_budgets"]
