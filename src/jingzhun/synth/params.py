"""Dated policy parameters used by the generator (values and sources in config.py)."""

from __future__ import annotations

import numpy as np

from jingzhun.synth.config import SynthConfig


def _interp_years(table: dict[int, float], t: np.ndarray) -> np.ndarray:
    """Linear interpolation of a year-keyed table at fractional years ``t`` (flat outside)."""
    years = np.array(sorted(table), dtype=float)
    vals = np.array([table[int(y)] for y in years], dtype=float)
    return np.interp(t, years, vals)


def month_year_fraction(cfg: SynthConfig, months: np.ndarray | int) -> np.ndarray:
    """Simulation month → fractional year, with January of year Y at Y.0."""
    k = cfg.start_year * 12 + cfg.start_month - 1 + np.asarray(months)
    return k / 12.0


def poverty_line_fen(cfg: SynthConfig, months: np.ndarray | int) -> np.ndarray:
    """Yearly per-capita line in fen for each simulation month.

    The published values (domain.md §2) are anchored at January of their year and
    interpolated linearly month by month in between (ours: avoids an artificial jump of
    24 % between 2019 and 2020); flat after the last value.
    """
    return np.round(_interp_years(cfg.poverty_line_yuan, month_year_fraction(cfg, months))
                    * 100).astype(np.int64)


def monitor_range_fen(cfg: SynthConfig, months: np.ndarray | int) -> np.ndarray:
    """Monitoring income range (domain.md §6), a step function by calendar year."""
    yrs = np.floor(month_year_fraction(cfg, months)).astype(int)
    keys = sorted(cfg.monitor_range_yuan)
    out = np.empty(np.shape(yrs), dtype=np.int64)
    flat = np.atleast_1d(yrs)
    res = np.array([cfg.monitor_range_yuan[max([k for k in keys if k <= y] or [keys[0]])]
                    for y in flat.tolist()], dtype=np.int64) * 100
    out = res.reshape(np.shape(yrs)) if np.shape(yrs) else res[0]
    return out


def start_incidence(cfg: SynthConfig) -> float:
    """Incidence among rural residents at the start: the published end-of-year figure for the
    year before the start (domain.md §7), interpolated when that year has no figure."""
    y = cfg.start_year - 1 + (cfg.start_month - 1) / 12.0
    return float(_interp_years(cfg.incidence_by_year, np.array([y]))[0])
