"""Evaluate a pack on a household indicator table: a status and its reasons for every household.

Conditions run in the engine (Ibis); only the assembly of the human-readable reasons happens
in Python, on the rows where rules fired. A rule whose inputs are missing (null) does not fire.
Every fired rule is reported with its label, reference and the evidence values it read, with
their source department (and extract date when the table carries ``<indicator>__extract``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from jingzhun.engine import Engine
from jingzhun.errors import ConfigError
from jingzhun.policy.expressions import compile_expression, parse
from jingzhun.policy.pack import Pack, any_column, fired_column, status_expression


def period_date(period: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{period}-01")
    except ValueError as exc:
        raise ConfigError(f"bad period {period!r}", where="--period", fix="write YYYY-MM") from exc


def evaluate(pack: Pack, table: ibis.Table, period: str, engine: Engine,
             key: str = "household_id") -> pa.Table:
    """Decisions for ``period``: key, status (+ labels), fired rule ids, reasons (JSON)."""
    when = period_date(period)
    if key not in table.columns:
        raise ConfigError(f"the household table has no {key!r} column", where="households",
                          fix="name the household identifier column household_id")
    active = pack.rules_on(when)
    resolve = lambda name: pack.parameters.at(name, when)
    fired = {}
    for rule in pack.rules:
        if rule in active:
            expr = compile_expression(parse(rule.condition), table, resolve, where=rule.id)
            fired[fired_column(rule.id)] = expr.fill_null(False)
        else:
            fired[fired_column(rule.id)] = ibis.literal(False)
    t = table.mutate(**fired)
    kinds = sorted({r.kind for r in pack.rules})
    anys = {}
    for kind in kinds:
        cols = [t[fired_column(r.id)] for r in active if r.kind == kind]
        value = cols[0] if cols else ibis.literal(False)
        for c in cols[1:]:
            value = value | c
        anys[any_column(kind)] = value
    t = t.mutate(**anys)
    branches = []
    for s in pack.statuses:
        cond = compile_expression(status_expression(s.when, s.status), t, resolve, where=s.status)
        branches.append((cond.fill_null(False), s.status))
    t = t.mutate(status=ibis.cases(*branches, else_=pack.statuses[-1].status))
    evidence_cols = sorted({name for r in active for name in parse(r.condition).names})
    extract_cols = [f"{c}__extract" for c in evidence_cols if f"{c}__extract" in table.columns]
    keep = [key, "status", *[fired_column(r.id) for r in active], *evidence_cols, *extract_cols]
    data = engine.to_arrow(t.select(*keep).order_by(key))
    return _assemble(pack, active, data, key, period)


def _assemble(pack: Pack, active: list, data: pa.Table, key: str, period: str) -> pa.Table:
    n = data.num_rows
    labels = {s.status: s for s in pack.statuses}
    status = data["status"].to_pylist()
    if active:
        matrix = np.column_stack([
            data[fired_column(r.id)].to_numpy(zero_copy_only=False).astype(bool) for r in active
        ])
    else:
        matrix = np.zeros((n, 0), dtype=bool)
    rows, cols = np.nonzero(matrix)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.add.at(offsets, rows + 1, 1)
    offsets = np.cumsum(offsets, dtype=np.int32)
    values: dict[str, list] = {c: data[c].to_pylist() for c in data.column_names
                               if not c.startswith("_fired__") and c not in (key, "status")}
    ids, reasons_flat = [], []
    for r, c in zip(rows.tolist(), cols.tolist()):
        rule = active[c]
        evidence = {}
        for name in sorted(parse(rule.condition).names):
            item: dict[str, Any] = {"value": values[name][r], "source": rule.inputs.get(name)}
            if f"{name}__extract" in values:
                item["extract"] = values[f"{name}__extract"][r]
            evidence[name] = item
        ids.append(rule.id)
        reasons_flat.append({
            "rule": rule.id, "kind": rule.kind, "label_zh": rule.label_zh, "label_en": rule.label_en,
            "reference": rule.reference, "unverified": rule.unverified, "evidence": evidence,
        })
    fired_list = pa.ListArray.from_arrays(pa.array(offsets), pa.array(ids, pa.string()))
    reasons = [
        json.dumps(reasons_flat[offsets[i]:offsets[i + 1]], ensure_ascii=False, default=str,
                   sort_keys=True)
        for i in range(n)
    ]
    return pa.table({
        key: data[key],
        "period": pa.array([period] * n, pa.string()),
        "pack": pa.array([pack.name] * n, pa.string()),
        "status": pa.array(status, pa.string()),
        "status_label_zh": pa.array([labels[s].label_zh for s in status], pa.string()),
        "status_label_en": pa.array([labels[s].label_en for s in status], pa.string()),
        "fired": fired_list,
        "reasons": pa.array(reasons, pa.string()),
    })
