"""Monthly warnings (预警): the cn-2021 pack's department rules and the risk model's scores.

Each warning: household, month, category (``warning_categories.yaml``), the rules that fired
with the indicator values they read (and their extract months), the responsible village cadre
(the village-cadre list in force for the household's village) and a due date 15 days after
the warning is issued (the first day after the month whose data it reads).

The cn-2021 pack's rules are in force from 2021-01-01. For an earlier month (the synthetic
province starts in 2019) the rules are applied with their first parameter values
(``effective_date``); the JSON of a warning says so (``rules_as_of``).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from jingzhun.monitoring.errors import MonitoringError
from jingzhun.policy.expressions import compile_expression, parse
from jingzhun.policy.pack import Pack

KINDS = ("category", "warning")
DUE_DAYS = 15
CADRE_ORDER = ("party_secretary", "director", "supervisor", "accountant", "women_director", "group_leader")
WARNING_COLUMNS = ["household_id", "period", "village_code", "category", "category_zh", "category_en",
                   "rules", "evidence", "rules_as_of", "issued", "due", "cadre_person_id",
                   "cadre_name", "cadre_position"]


@lru_cache(maxsize=1)
def categories() -> dict[str, dict[str, str]]:
    text = (resources.files("jingzhun.monitoring") / "warning_categories.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def effective_date(pack: Pack, period: str) -> dt.date:
    """The date whose parameter values apply: the month's first day, or the first day any
    warning rule is in force when the month is earlier (documented back-casting)."""
    when = dt.date.fromisoformat(f"{period}-01")
    starts = [r.valid_from for r in pack.rules if r.kind in KINDS and r.valid_from]
    first = min(starts) if starts else when
    return max(when, first)


def issued_on(period: str) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y + (m == 12), m % 12 + 1, 1)


def rule_hits(pack: Pack, table: Any, period: str, engine: Any) -> pd.DataFrame:
    """household_id, village_code, one boolean per warning/category rule, and the indicators
    the rules read (with ``__extract`` columns)."""
    when = effective_date(pack, period)
    rules = [r for r in pack.rules if r.kind in KINDS and r.valid_on(when)]
    if not rules:
        raise MonitoringError(f"pack {pack.name} has no warning rule in force on {when}",
                              where=f"pack {pack.name}", fix="use the cn-2021 pack or a later period")
    resolve = lambda name: pack.parameters.at(name, when)  # noqa: E731
    cols = {r.id: compile_expression(parse(r.condition), table, resolve, where=r.id).fill_null(False)
            for r in rules}
    names = sorted({n for r in rules for n in parse(r.condition).names})
    extra = [f"{n}__extract" for n in names if f"{n}__extract" in table.columns]
    keep = ["household_id", "village_code", *[n for n in names if n not in ("household_id", "village_code")], *extra]
    data = engine.to_arrow(table.select(*keep, **{f"__r{i}": c for i, c in enumerate(cols.values())})).to_pandas()
    return data.rename(columns={f"__r{i}": rid for i, rid in enumerate(cols)}), rules, when


def _jsonable(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return round(float(v), 4)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def rule_warnings(pack: Pack, table: Any, period: str, engine: Any) -> pd.DataFrame:
    """One warning per household with at least one warning or category rule firing."""
    data, rules, when = rule_hits(pack, table, period, engine)
    ids = [r.id for r in rules]
    fired = data[ids].to_numpy(bool)
    rows = np.flatnonzero(fired.any(axis=1))
    cats = categories()
    order = [rid for rid in cats if rid in ids]
    # every rule parsed once and every column taken out of the frame once: the loop below
    # runs once per warned household (hundreds of thousands a month at province scale)
    names_of = {r.id: [n for n in sorted(parse(r.condition).names) if n in data] for r in rules}
    used = sorted({n for ns in names_of.values() for n in ns})
    col = {n: data[n].to_numpy() for n in used}
    ext_col = {n: data[f"{n}__extract"].to_numpy() for n in used if f"{n}__extract" in data}
    household, village = data["household_id"].to_numpy(), data["village_code"].to_numpy()
    out = []
    for i in rows:
        hit = [rid for rid, f in zip(ids, fired[i]) if f]
        first = next((rid for rid in order if rid in hit), hit[0])
        cat = cats.get(first, {"category": "other", "label_zh": "其他", "label_en": "other"})
        ev = []
        for r in rules:
            if r.id not in hit:
                continue
            vals = {n: _jsonable(col[n][i]) for n in names_of[r.id]}
            ext = {n: ext_col[n][i] for n in vals if n in ext_col and ext_col[n][i] is not None}
            ev.append({"rule": r.id, "label_zh": r.label_zh, "label_en": r.label_en,
                       "values": vals, "extract": ext, "sources": r.inputs,
                       "unverified": bool(r.unverified)})
        out.append({"household_id": household[i], "period": period,
                    "village_code": village[i], "category": cat["category"],
                    "category_zh": cat["label_zh"], "category_en": cat["label_en"],
                    "rules": ",".join(hit), "evidence": json.dumps(ev, ensure_ascii=False, default=str),
                    "rules_as_of": when.isoformat()})
    return _finish(pd.DataFrame(out, columns=WARNING_COLUMNS[:9]), period)


def risk_warnings(scores: pd.DataFrame, period: str, *, share: float = 0.05,
                  villages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Warnings from the risk model: the top ``share`` of the month's households by
    ``probability`` (columns household_id, probability, optional factors_zh/factors_en)."""
    s = scores.sort_values(["probability", "household_id"], ascending=[False, True])
    s = s.head(int(round(len(s) * share)))
    if villages is not None and "village_code" not in s:
        s = s.merge(villages[["household_id", "village_code"]], on="household_id", how="left")
    cat = categories()["risk_model"]
    ev = [json.dumps([{"rule": "risk_model", "probability": round(float(r.probability), 4),
                       "factors_zh": getattr(r, "factors_zh", None), "factors_en": getattr(r, "factors_en", None)}],
                     ensure_ascii=False) for r in s.itertuples()]
    out = pd.DataFrame({"household_id": s["household_id"].to_numpy(), "period": period,
                        "village_code": s.get("village_code"), "category": cat["category"],
                        "category_zh": cat["label_zh"], "category_en": cat["label_en"],
                        "rules": "risk_model", "evidence": ev, "rules_as_of": None})
    return _finish(out, period)


def _finish(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    issued = issued_on(period)
    frame = frame.assign(issued=issued.isoformat(), due=(issued + dt.timedelta(days=DUE_DAYS)).isoformat())
    for c in ("cadre_person_id", "cadre_name", "cadre_position"):
        frame[c] = None
    return frame[WARNING_COLUMNS]


def responsible_cadres(cadres: pd.DataFrame, period: str) -> pd.DataFrame:
    """village_code → the cadre responsible in ``period``: from the latest list by then (the
    first list before it), the party secretary first (``CADRE_ORDER``).
    ``cadres``: village_code, position, name, person_id, list_period."""
    lists = sorted(set(cadres["list_period"]))
    if not lists:
        return pd.DataFrame(columns=["village_code", "cadre_person_id", "cadre_name", "cadre_position"])
    older = [x for x in lists if x <= period]
    c = cadres[cadres["list_period"] == (older[-1] if older else lists[0])]
    rank = {p: i for i, p in enumerate(CADRE_ORDER)}
    c = c.assign(_r=c["position"].map(rank).fillna(len(rank))).sort_values(["village_code", "_r", "name"])
    c = c.drop_duplicates("village_code")
    return pd.DataFrame({"village_code": c["village_code"], "cadre_person_id": c["person_id"],
                         "cadre_name": c["name"], "cadre_position": c["position"]})


def assign_cadres(warnings: pd.DataFrame, cadres: pd.DataFrame, period: str) -> pd.DataFrame:
    resp = responsible_cadres(cadres, period)
    w = warnings.drop(columns=["cadre_person_id", "cadre_name", "cadre_position"]).merge(
        resp, on="village_code", how="left")
    return w[WARNING_COLUMNS]


def merge_warnings(*frames: pd.DataFrame) -> pd.DataFrame:
    """One warning per household and month: rules first, the risk model adds its evidence."""
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    allw = pd.concat(parts, ignore_index=True)
    out = []
    for (_, _), g in allw.groupby(["household_id", "period"], sort=True):
        row = g.iloc[0].to_dict()
        if len(g) > 1:
            row["rules"] = ",".join(g["rules"])
            row["evidence"] = json.dumps(sum((json.loads(e) for e in g["evidence"]), []), ensure_ascii=False)
        out.append(row)
    return pd.DataFrame(out, columns=WARNING_COLUMNS)
