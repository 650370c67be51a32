"""County budgets from a YAML or CSV file, as integer fen.

YAML::

    unit: yuan            # or fen
    budgets:
      "520102": 1200000

CSV: ``county_code`` and ``budget_yuan`` (or ``budget_fen``).

>>> parse_amount("1200.5", "yuan", "x")
120050
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jingzhun.errors import ConfigError

FIX = ('write YAML "unit: yuan" + "budgets: {county_code: amount}", or a CSV with county_code '
       'and budget_yuan (or budget_fen)')


def parse_amount(value: object, unit: str, where: str) -> int:
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(f"budget {value!r} is not a number", where=where, fix=FIX) from exc
    fen = d * 100 if unit == "yuan" else d
    if fen != fen.to_integral_value() or fen < 0:
        raise ConfigError(f"budget {value!r} {unit} is negative or has fractions of a fen",
                          where=where, fix=FIX)
    return int(fen)


def read_budgets(path: Path) -> dict[str, int]:
    path = Path(path)
    if not path.exists():
        raise ConfigError("budget file not found", where=str(path), fix=FIX)
    out: dict[str, int] = {}
    if path.suffix.lower() in (".yaml", ".yml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unit = str(raw.get("unit", "yuan"))
        if unit not in ("yuan", "fen") or not isinstance(raw.get("budgets"), dict):
            raise ConfigError("budget YAML needs unit (yuan|fen) and a budgets mapping",
                              where=str(path), fix=FIX)
        for code, v in raw["budgets"].items():
            out[str(code)] = parse_amount(v, unit, f"{path} county {code}")
    elif path.suffix.lower() == ".csv":
        df = pd.read_csv(path, dtype=str)
        col = "budget_fen" if "budget_fen" in df else "budget_yuan" if "budget_yuan" in df else None
        if col is None or "county_code" not in df:
            raise ConfigError("budget CSV needs county_code and budget_yuan or budget_fen",
                              where=str(path), fix=FIX)
        for k, (code, v) in enumerate(zip(df["county_code"], df[col]), start=2):
            out[str(code).strip()] = parse_amount(v, col.split("_")[1], f"{path} row {k}")
    else:
        raise ConfigError(f"unknown budget file type {path.suffix!r}", where=str(path), fix=FIX)
    return out


__all__ = ["parse_amount", "read_budgets"]


def gap_closing_budgets(yuan_per_poor: float) -> Any:
    """A budget rule (ours; the benchmark's and the demo's): each county gets what closing its
    三保障/water gaps costs (the cheapest closing measures) plus ``yuan_per_poor`` for each poor
    target household, so the budget binds: not every poor household gets an income measure.
    Returns ``rule(instance) → {county_code: fen}`` for ``assistance.workspace.prepare``."""
    from jingzhun.assistance.heuristic import State, close_gaps
    from jingzhun.assistance.instance import Instance

    def rule(inst: Instance) -> dict[str, int]:
        counties = sorted(set(inst.households["county_code"].astype(str)))
        probe = Instance(**{**inst.__dict__, "budgets": {c: 0 for c in counties}})
        state = State(probe)
        close_gaps(state)
        cost = (probe.cost * state.chosen).sum(axis=1)
        hh = inst.households
        out = {}
        for c in counties:
            rows = (hh["county_code"].astype(str) == c).to_numpy()
            poor = int(hh["poor"].to_numpy(bool)[rows].sum())
            out[c] = int(cost[rows].sum()) + int(round(yuan_per_poor * 100)) * poor
        return out
    return rule
