"""An allocation instance: target households, the eligible (household, measure) pairs with
cost and expected value, capacities, budgets and settings. Engine-free (pandas + numpy), so the
optimiser, the baselines, the checker and the simulation all read the same numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.assistance.catalogue import GAPS, Catalogue, evaluate
from jingzhun.assistance.effects import expected
from jingzhun.errors import ConfigError


@dataclass(frozen=True)
class AllocationSettings:
    """Settings of an allocation (docs/assistance.md). Floors are shares of the poor target
    households of a township / of a primary cause (within a county) that must get a measure."""

    objective: str = "lifted"          # lifted | gap (reduction of the poverty gap)
    max_measures: int = 3              # per household
    max_income_measures: int = 1       # per household: measures that raise income
    floor_township: float = 0.2
    floor_cause: float = 0.2
    edge_factor: float = 1.5           # targets: rural and (on the roll or income < factor × line)
    horizon_months: int = 12
    time_limit_s: float = 60.0         # per county
    mip_rel_gap: float = 1e-4

    def __post_init__(self) -> None:
        if self.objective not in ("lifted", "gap"):
            raise ConfigError(f"objective {self.objective!r}", where="allocation settings",
                              fix="lifted or gap")
        for name in ("floor_township", "floor_cause"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} = {v} outside [0, 1]", where="allocation settings")


@dataclass
class Instance:
    households: pd.DataFrame      # one row per target household (index 0..n-1)
    catalogue: Catalogue
    eligible: np.ndarray          # (n, M) bool
    cost: np.ndarray              # (n, M) int64 fen
    p_lift: np.ndarray            # (n, M) probability of being lifted
    gap_red: np.ndarray           # (n, M) expected reduction of the poverty gap (fen)
    amount: np.ndarray            # (n, M) effect amounts (fen) for the simulation
    to: np.ndarray                # (n, M)
    line: float
    budgets: dict[str, int]       # county → fen
    capacity: dict[tuple[str, str], int]  # (measure id, unit code) → slots
    settings: AllocationSettings
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.households)

    @property
    def raises_income(self) -> np.ndarray:
        return np.array([m.effect.raises_income for m in self.catalogue.measures])

    def closes(self, gap: str) -> np.ndarray:
        return np.array([gap in m.closes for m in self.catalogue.measures])

    def value(self) -> np.ndarray:
        """The objective's value of each pair: P(lifted), or the gap reduction in lines."""
        if self.settings.objective == "lifted":
            return self.p_lift
        return self.gap_red / self.line

    def gap_matrix(self) -> np.ndarray:
        """(n, 4) bool: the household's open 三保障/water gaps (indicator False)."""
        return np.column_stack([self.households[f"gap_{g}"].to_numpy(bool) for g in GAPS])

    def unit_of(self, level: str) -> np.ndarray:
        return self.households["township_code" if level == "township" else "county_code"].to_numpy()


def select_targets(table: pd.DataFrame, line: float, edge_factor: float) -> pd.DataFrame:
    """Rural households on the roll or with a per-capita income below ``edge_factor`` × the
    line (the rural line applies to rural households; urban ones fall under urban 低保)."""
    inc = pd.to_numeric(table["per_capita_net_income_fen"], errors="coerce")
    rural = table["rural_hukou"].fillna(False).astype(bool)
    on_roll = table["on_roll"].fillna(False).astype(bool)
    keep = rural & (on_roll | (inc < edge_factor * line))
    return table[keep.to_numpy()].reset_index(drop=True)


def _slots(per_100: float | None, slots: int | None, n: int) -> int:
    if slots is not None:
        return int(slots)
    if per_100 is None:
        return n
    return int(math.ceil(per_100 * n / 100.0))


def build_instance(targets: pd.DataFrame, catalogue: Catalogue, line: float,
                   budgets: dict[str, int], settings: AllocationSettings | None = None) -> Instance:
    """The instance of ``targets`` (household table rows with indicators, diagnosis features and
    ``primary_cause`` / ``secondary_cause_1/2``)."""
    settings = settings or AllocationSettings()
    hh = targets.reset_index(drop=True).copy()
    for col in ("primary_cause", "secondary_cause_1", "secondary_cause_2"):
        if col not in hh:
            hh[col] = None
    inc = pd.to_numeric(hh["per_capita_net_income_fen"], errors="coerce").to_numpy(dtype=float)
    hh["inc"] = inc
    hh["gap_pc"] = np.where(np.isnan(inc), 0.0, np.maximum(line - inc, 0.0))
    hh["poor"] = hh["gap_pc"] > 0
    for g in GAPS:
        v = hh[g] if g in hh else pd.Series([None] * len(hh))
        hh[f"gap_{g}"] = v.astype(object).map(lambda x: x is False or x is np.False_).astype(bool)
    ev = evaluate(catalogue, hh)
    size = hh["size"].to_numpy(dtype=float)
    M = len(catalogue.measures)
    p_lift = np.zeros((len(hh), M))
    gap_red = np.zeros((len(hh), M))
    for j, m in enumerate(catalogue.measures):
        p_lift[:, j], gap_red[:, j] = expected(
            m.effect, inc, size, line, ev["amount"][m.id].to_numpy(), ev["to"][m.id].to_numpy(),
            settings.horizon_months)
    capacity: dict[tuple[str, str], int] = {}
    for m in catalogue.measures:
        col = "township_code" if m.capacity_level == "township" else "county_code"
        for unit, n in hh[col].value_counts().items():
            capacity[(m.id, str(unit))] = _slots(m.capacity_per_100, m.capacity_slots, int(n))
    return Instance(households=hh, catalogue=catalogue, eligible=ev["eligible"].to_numpy(bool),
                    cost=ev["cost"].to_numpy(np.int64), p_lift=p_lift, gap_red=gap_red,
                    amount=ev["amount"].to_numpy(float), to=ev["to"].to_numpy(float), line=line,
                    budgets={str(k): int(v) for k, v in budgets.items()}, capacity=capacity,
                    settings=settings)


def floor_count(share: float, n: int) -> int:
    """Households a floor requires out of ``n`` (rounded up)."""
    return int(math.ceil(share * n - 1e-9))


__all__ = ["AllocationSettings", "Instance", "build_instance", "floor_count", "select_targets"]
