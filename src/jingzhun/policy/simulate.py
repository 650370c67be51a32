"""What-if: apply a reform to a pack and compare the decisions with the pack in force.

A reform changes parameters for the whole validity of the pack (``Pack.reformed``); the pack
files are not copied or edited. Households *enter* when their status becomes a covered one
(eligible, or a monitored category) and *leave* when it stops being one. The cost is the
yearly poverty-gap transfer: for every covered household with a known income,
size × max(0, line − per-capita income), with the line of each scenario (the scenario's
``poverty_line_fen`` or ``monitoring_income_fen``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

from jingzhun.errors import ConfigError
from jingzhun.policy.evaluate import evaluate, period_date
from jingzhun.policy.pack import Pack

LINE_PARAMETERS = ("poverty_line_fen", "monitoring_income_fen")


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``["poverty_line_fen=400000", ...]`` → {name: value} (numbers, booleans, text)."""
    out = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"bad --set {item!r}", where="--set", fix="write PARAMETER=VALUE")
        out[name.strip()] = yaml.safe_load(raw)
    return out


def covered(status: str) -> bool:
    return status == "eligible" or status.startswith("monitored")


def _line(pack: Pack, when: dt.date) -> int | None:
    for name in LINE_PARAMETERS:
        if name in pack.parameters.parameters:
            return int(pack.parameters.at(name, when))
    return None


def _gap_cost(statuses: list[str], income: np.ndarray, size: np.ndarray, line: int | None) -> int:
    if line is None:
        return 0
    cov = np.array([covered(s) for s in statuses], bool) & ~np.isnan(income)
    gap = np.clip(line - income, 0, None) * size
    return int(gap[cov].sum())


def simulate(pack: Pack, changes: dict[str, Any], table: Any, indicators: pa.Table,
             period: str, engine: Any) -> dict[str, Any]:
    """Baseline vs reform: who enters and leaves, by county, and the cost."""
    when = period_date(period)
    for name in changes:
        pack.parameters.get(name)  # unknown parameter → a clear error
    reform = pack.reformed(changes)
    before = evaluate(pack, table, period, engine)
    after = evaluate(reform, table, period, engine)
    keys = before["household_id"].to_pylist()
    pos = {k: i for i, k in enumerate(indicators["household_id"].to_pylist())}
    idx = pa.array([pos[k] for k in keys])
    county = indicators["county_code"].take(idx).to_pylist()
    income = np.asarray(indicators["per_capita_net_income_fen"].take(idx).to_numpy(
        zero_copy_only=False), float)
    size = np.asarray(indicators["size"].take(idx).to_numpy(zero_copy_only=False), float)
    s0, s1 = before["status"].to_pylist(), after["status"].to_pylist()
    enter = [i for i, (a, b) in enumerate(zip(s0, s1, strict=True)) if not covered(a) and covered(b)]
    leave = [i for i, (a, b) in enumerate(zip(s0, s1, strict=True)) if covered(a) and not covered(b)]
    by_county: dict[str, dict[str, int]] = {}
    for kind, rows in (("enter", enter), ("leave", leave)):
        for i in rows:
            c = by_county.setdefault(county[i] or "unknown", {"enter": 0, "leave": 0})
            c[kind] += 1
    cost0 = _gap_cost(s0, income, size, _line(pack, when))
    cost1 = _gap_cost(s1, income, size, _line(reform, when))
    return {
        "pack": pack.name, "period": period, "changes": changes, "households": len(keys),
        "covered": {"before": sum(map(covered, s0)), "after": sum(map(covered, s1))},
        "enter": len(enter), "leave": len(leave),
        "statuses": {"before": dict(sorted(Counter(s0).items())),
                     "after": dict(sorted(Counter(s1).items()))},
        "by_county": dict(sorted(by_county.items())),
        "cost_fen": {"before": cost0, "after": cost1, "change": cost1 - cost0},
        "enter_households": [keys[i] for i in enter[:50]],
        "leave_households": [keys[i] for i in leave[:50]],
    }
