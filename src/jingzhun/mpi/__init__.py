"""Alkire–Foster multidimensional poverty measurement (Alkire & Foster 2011, J. Public Econ. 95).

For n units and d indicators with achievements x_ij, cutoffs z_j and weights w_j (normalised
to sum to 1):

- deprived: g0_ij = 1 if x_ij < z_j (or > z_j for indicators declared ``direction: above``);
- deprivation score: c_i = sum_j w_j g0_ij, a share of the total weight;
- multidimensionally poor: c_i >= k, with k also a share of the total weight
  ("2 of 4 equally weighted indicators" is k = 0.5);
- H = q / n (headcount ratio), A = mean of c_i over the poor (intensity), M0 = H * A;
- censored headcount of indicator j: share of all units that are poor and deprived in j;
  contribution of j to M0: w_j * censored_j / M0;
- M1 and M2 (adjusted gap and squared gap) for cardinal indicators with z_j > 0:
  M_a = (1/n) sum_i sum_j w_j [poor_i g0_ij ((z_j - x_ij)/z_j)^a];
- decomposition by group: M0 of each group, its population share and its contribution
  share_g * M0_g / M0.

Units with a missing value in any indicator are left out and counted (``excluded_missing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from jingzhun.errors import ConfigError

__all__ = ["Indicator", "MPISpec", "alkire_foster"]

_EPS = 1e-12


@dataclass(frozen=True)
class Indicator:
    column: str
    cutoff: float
    weight: float
    label: str | None = None
    direction: Literal["below", "above"] = "below"
    cardinal: bool = True

    @classmethod
    def parse(cls, text: str) -> Indicator:
        """Parse ``COLUMN:CUTOFF:WEIGHT`` (weight may be a fraction such as ``1/4``)."""
        parts = text.rsplit(":", 2)
        if len(parts) != 3:
            raise ConfigError(
                f"indicator {text!r} is not COLUMN:CUTOFF:WEIGHT", where="--indicator",
                fix="write e.g. --indicator income:13:0.25",
            )
        column, cutoff, weight = parts
        try:
            return cls(column=column, cutoff=float(cutoff), weight=_number(weight))
        except ValueError as exc:
            raise ConfigError(
                f"indicator {text!r}: cutoff and weight must be numbers", where="--indicator",
                fix="write e.g. --indicator income:13:0.25 or income:13:1/4",
            ) from exc


def _number(text: str) -> float:
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den)
    return float(text)


@dataclass(frozen=True)
class MPISpec:
    indicators: tuple[Indicator, ...]
    k: float
    name: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if not self.indicators:
            raise ConfigError("no indicators given", fix="give at least one --indicator")
        if any(i.weight <= 0 for i in self.indicators):
            raise ConfigError("indicator weights must be positive", fix="check the weights")
        if not 0 < self.k <= 1:
            raise ConfigError(
                f"k = {self.k} is not a share of the total weight in (0, 1]", where="--k",
                fix="e.g. --k 0.5 for 'half the weighted indicators'",
            )


def alkire_foster(data: pd.DataFrame, spec: MPISpec, by: str | None = None) -> dict[str, Any]:
    """Compute H, A, M0 (M1, M2 where every indicator is cardinal) and their breakdowns."""
    cols = [i.column for i in spec.indicators]
    missing = [c for c in cols + ([by] if by else []) if c not in data.columns]
    if missing:
        raise ConfigError(
            f"column(s) not in the data: {', '.join(missing)}",
            fix=f"available columns: {', '.join(map(str, data.columns))}",
        )
    values = data[cols].apply(pd.to_numeric, errors="coerce")
    complete = values.notna().all(axis=1).to_numpy()
    x = values.to_numpy(dtype=float)[complete]
    groups = data[by].to_numpy()[complete] if by else None
    w = np.array([i.weight for i in spec.indicators], dtype=float)
    w = w / w.sum()
    z = np.array([i.cutoff for i in spec.indicators], dtype=float)
    above = np.array([i.direction == "above" for i in spec.indicators])
    deprived = np.where(above, x > z, x < z)
    result = _measures(x, deprived, w, z, above, spec)
    result["n"] = int(len(x))
    result["excluded_missing"] = int((~complete).sum())
    result["k"] = spec.k
    result["weights"] = {c: float(v) for c, v in zip(cols, w)}
    if by:
        result["by"] = by
        result["groups"] = _decompose(x, deprived, w, z, above, spec, groups, result["M0"])
    return result


def _measures(x, deprived, w, z, above, spec: MPISpec) -> dict[str, Any]:
    n = len(x)
    cols = [i.column for i in spec.indicators]
    score = deprived.astype(float) @ w
    poor = score >= spec.k - _EPS
    q = int(poor.sum())
    H = q / n if n else 0.0
    A = float(score[poor].mean()) if q else 0.0
    M0 = float(np.where(poor, score, 0.0).mean()) if n else 0.0
    censored = (deprived & poor[:, None]).mean(axis=0) if n else np.zeros(len(w))
    uncensored = deprived.mean(axis=0) if n else np.zeros(len(w))
    out: dict[str, Any] = {
        "H": H, "A": A, "M0": M0, "poor": q,
        "censored_headcount": {c: float(v) for c, v in zip(cols, censored)},
        "uncensored_headcount": {c: float(v) for c, v in zip(cols, uncensored)},
        "contribution": {
            c: (float(wj * hj / M0) if M0 else 0.0) for c, wj, hj in zip(cols, w, censored)
        },
    }
    if all(i.cardinal for i in spec.indicators) and np.all(z > 0) and n:
        gap = np.where(above, (x - z) / z, (z - x) / z)
        gap = np.where(deprived & poor[:, None], np.clip(gap, 0, None), 0.0)
        out["M1"] = float((gap @ w).mean())
        out["M2"] = float(((gap**2) @ w).mean())
    return out


def _decompose(x, deprived, w, z, above, spec, groups, total_m0) -> dict[str, Any]:
    out = {}
    n = len(x)
    for g in sorted(pd.unique(groups), key=str):
        mask = groups == g
        m = _measures(x[mask], deprived[mask], w, z, above, spec)
        share = float(mask.sum() / n)
        out[str(g)] = {
            "n": int(mask.sum()), "population_share": share, "H": m["H"], "A": m["A"],
            "M0": m["M0"], "contribution": (share * m["M0"] / total_m0) if total_m0 else 0.0,
        }
    return out
