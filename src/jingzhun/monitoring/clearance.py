"""Risk cleared (风险消除): the cn-2021 pack's ``risk_cleared`` rule on one household.

The workflow supplies ``monitored`` and ``months_monitored``; the caller supplies the other
inputs (the household's latest indicators, months with income above the range, measures
received, whether rigid spending is resolved). A household without labour is never cleared
(domain.md §6), whatever the pack says; a rule with a missing input does not hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis

from jingzhun.policy.expressions import compile_expression, parse
from jingzhun.policy.pack import Pack, load_pack

RULE_ID = "cn2021.risk_cleared"


def risk_cleared(values: dict[str, Any], when: dt.date, pack: Pack | None = None) -> tuple[bool, str]:
    """(cleared?, reason in Chinese and English)."""
    pack = pack or load_pack("cn-2021")
    rule = next(r for r in pack.rules if r.id == RULE_ID)
    names = sorted(parse(rule.condition).names)
    missing = [n for n in names if values.get(n) is None]
    labour = values.get("labour_count")
    if labour is None or int(labour) <= 0:
        return False, "家庭无劳动力，不作风险消除 / a household without labour is not cleared"
    if missing:
        return False, f"缺少指标 missing inputs: {', '.join(missing)}"
    first = min(r.valid_from for r in pack.rules if r.valid_from)
    at = max(when, first)
    row = {n: [values[n]] for n in names}
    table = ibis.memtable(row)
    expr = compile_expression(parse(rule.condition), table, lambda n: pack.parameters.at(n, at), where=RULE_ID)
    ok = bool(ibis.duckdb.connect().execute(table.select(ok=expr.fill_null(False)))["ok"].iloc[0])
    if ok:
        return True, f"{rule.label_zh} / {rule.label_en}"
    return False, f"条件未满足 / condition not met: {rule.condition}"
