"""When households acquire the assets that exclusion rules look at (domain.md §5): cars,
commercial housing, registered businesses. Owned at the start (month −1) or bought during the
window (monthly hazards, higher for better-off households; ours)."""

from __future__ import annotations

import numpy as np

from jingzhun.synth.config import SynthConfig
from jingzhun.synth.frame import Frame
from jingzhun.synth.rng import substream
from jingzhun.synth.schedule import NEVER, first_month


def plan_purchases(cfg: SynthConfig, hh: Frame, p: Frame) -> None:
    rng = substream(cfg.seed, "purchases")
    M = cfg.months
    wz = hh["welfare"] - np.median(hh["welfare"])
    car_new = first_month(rng, 0.0015 * np.exp(0.8 * wz), M)
    hh["car_month"] = np.where(hh["car"], -1, np.where(car_new < NEVER, car_new, NEVER)
                               ).astype(np.int16)
    house_new = first_month(rng, 0.0006 * np.exp(1.0 * wz), M)
    hh["property_month"] = np.where(hh["commercial_housing"], -1, house_new).astype(np.int16)
    h = p["household"]
    age = (np.datetime64(cfg.start + "-01", "D") - p["birth"]).astype(np.int64) / 365.25
    adult = (age >= 22) & (age < 60) & (p["labour"] == 0) & (p["payroll"] == 0)
    bus_new = first_month(rng, np.where(adult, 0.0004 * np.exp(0.6 * wz[h]), 0.0), M)
    kind_new = np.where(rng.random(p.n) < 0.2, 2, 1)
    p["business_month"] = np.where(p["business"] > 0, -1, bus_new).astype(np.int16)
    p["business"] = np.where((p["business"] == 0) & (bus_new < NEVER), kind_new,
                             p["business"]).astype(np.int8)


def owned_by(month_col: np.ndarray, m: int) -> np.ndarray:
    """Owned in month ``m`` (bought at the start or by then)."""
    return month_col <= m
