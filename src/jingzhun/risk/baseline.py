"""The rules-only baseline: the cn-2021 monitoring pack's department signals.

Score of a household-month = the number of the pack's ``warning`` and ``category`` rules that
fire on its indicators. The pack's rules are in force from 2021-01-01; the baseline applies
them, with the parameter values of ``AS_OF``, to the indicators of any month (the synthetic
history is 2019–2020). Conditions are compiled by the policy engine (``policy.expressions``),
so the baseline reads exactly what the pack says; a rule with a null input does not fire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jingzhun.policy.expressions import compile_expression, parse
from jingzhun.policy.pack import Pack, load_pack

AS_OF = dt.date(2021, 1, 1)
KINDS = ("warning", "category")


def rule_scores(pack: Pack, table: Any, engine: Any, when: dt.date = AS_OF) -> pd.DataFrame:
    """household_id, rules_score (rules fired), rules_fired (their ids, comma-joined)."""
    rules = [r for r in pack.rules if r.kind in KINDS]
    resolve = lambda name: pack.parameters.at(name, when)
    cols = {f"r{i}": compile_expression(parse(r.condition), table, resolve, where=r.id).fill_null(False)
            for i, r in enumerate(rules)}
    data = engine.to_arrow(table.select("household_id", **cols)).to_pandas()
    matrix = data[list(cols)].to_numpy(dtype=bool).reshape(len(data), len(cols))
    ids = np.array([r.id for r in rules], dtype=object)
    score = matrix.sum(axis=1)
    names = np.full(len(data), "", dtype=object)
    for i in np.flatnonzero(score):
        names[i] = ",".join(ids[matrix[i]])
    return pd.DataFrame({"household_id": data["household_id"], "rules_score": score.astype("int16"),
                         "rules_fired": names})


def load_rule_scores(ws: Any, periods: Sequence[str], pack: Pack | None = None) -> pd.DataFrame:
    """The baseline score of every household and month (indicators computed when missing)."""
    from jingzhun.policy.workspace import ensure_indicators

    pack = pack or load_pack("cn-2021")
    frames = []
    for period in periods:
        table = ws.engine.read_parquet(ensure_indicators(ws, period))
        frames.append(rule_scores(pack, table, ws.engine).assign(period=period))
    return pd.concat(frames, ignore_index=True)[["household_id", "period", "rules_score", "rules_fired"]]
