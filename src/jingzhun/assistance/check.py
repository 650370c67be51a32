"""Independent check of an allocation against every hard constraint (counts of violations).

An allocation is a (households × measures) boolean matrix over an :class:`Instance`. The
checker re-derives everything from the instance, not from the optimiser's model, so a test
that an optimiser's allocation has zero violations can fail.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assistance.catalogue import GAPS
from jingzhun.assistance.instance import Instance, floor_count


def spent_by_county(inst: Instance, chosen: np.ndarray) -> pd.Series:
    cost = (inst.cost * chosen).sum(axis=1)
    return pd.Series(cost, index=inst.households["county_code"].to_numpy()).groupby(level=0).sum()


def covered(chosen: np.ndarray) -> np.ndarray:
    return chosen.any(axis=1)


def floor_groups(inst: Instance) -> list[tuple[str, str, np.ndarray, int]]:
    """(kind, key, member mask over households, required count) for every fairness floor:
    poor target households of a township, and of a primary cause within a county."""
    hh = inst.households
    poor = hh["poor"].to_numpy(bool)
    out = []
    s = inst.settings
    if s.floor_township > 0:
        for t, idx in hh[poor].groupby("township_code").groups.items():
            mask = np.zeros(inst.n, bool)
            mask[np.asarray(idx)] = True
            out.append(("township", str(t), mask, floor_count(s.floor_township, len(idx))))
    if s.floor_cause > 0:
        keyed = hh[poor & hh["primary_cause"].notna().to_numpy()]
        for (c, cause), idx in keyed.groupby(["county_code", "primary_cause"]).groups.items():
            mask = np.zeros(inst.n, bool)
            mask[np.asarray(idx)] = True
            out.append(("cause", f"{c}:{cause}", mask, floor_count(s.floor_cause, len(idx))))
    return out


def violations(inst: Instance, chosen: np.ndarray) -> dict[str, Any]:
    """Counts per kind of violated constraint and ``total``."""
    chosen = np.asarray(chosen, bool)
    s = inst.settings
    out: dict[str, int] = {}
    out["ineligible"] = int((chosen & ~inst.eligible).sum())
    spent = spent_by_county(inst, chosen)
    out["budget"] = int(sum(1 for c, v in spent.items() if v > inst.budgets.get(str(c), 0)))
    cap = 0
    for j, m in enumerate(inst.catalogue.measures):
        units = inst.unit_of(m.capacity_level)
        counts = pd.Series(chosen[:, j], index=units).groupby(level=0).sum()
        cap += int(sum(1 for u, k in counts.items() if k > inst.capacity.get((m.id, str(u)), 0)))
    out["capacity"] = cap
    n_all = chosen.sum(axis=1)
    n_inc = (chosen & inst.raises_income[None, :]).sum(axis=1)
    out["household_limit"] = int(((n_all > s.max_measures) | (n_inc > s.max_income_measures)).sum())
    gaps = inst.gap_matrix()
    unclosed = 0
    for k, g in enumerate(GAPS):
        closed = (chosen & inst.closes(g)[None, :]).any(axis=1)
        unclosed += int((gaps[:, k] & ~closed).sum())
    out["gaps_unclosed"] = unclosed
    cov = covered(chosen)
    floors = [(kind, mask, need) for kind, _, mask, need in floor_groups(inst)]
    out["floor_township"] = sum(1 for kind, mask, need in floors
                                if kind == "township" and cov[mask].sum() < need)
    out["floor_cause"] = sum(1 for kind, mask, need in floors
                             if kind == "cause" and cov[mask].sum() < need)
    result: dict[str, Any] = dict(out)
    result["total"] = sum(out.values())
    return result


__all__ = ["covered", "floor_groups", "spent_by_county", "violations"]
