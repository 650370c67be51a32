"""The measure catalogue as data (``catalogue.yaml``): load, check and evaluate it on a
household table.

>>> cat = load_catalogue()
>>> [m.id for m in cat.measures][:3]
['industry', 'employment', 'eco_post']
>>> cat.measure("housing_repair").closes
('housing_safe',)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import yaml

from jingzhun.errors import ConfigError
from jingzhun.policy.expressions import ParsedExpression, compile_expression, parse

CATALOGUE_FILE = Path(__file__).parent / "catalogue.yaml"
GAPS = ("housing_safe", "water_safe", "compulsory_education_secure", "basic_medical_secure")
EFFECT_KINDS = ("income_gap", "fixed_income", "topup", "none")
TYPES = ("industry", "employment", "ecological_post", "relocation", "housing_repair", "water",
         "health", "education", "safety_net")


@dataclass(frozen=True)
class Effect:
    kind: str
    success_probability: float = 1.0
    failure_factor: float = 0.0
    gap_multiplier: tuple[float, float] = (1.0, 1.0)
    fixed_fen_per_capita: int = 0
    amount: ParsedExpression | None = None   # fixed_income: household amount (fen/year)
    to: ParsedExpression | None = None       # topup: per-capita target (fen/year)
    lag_months: tuple[int, int] = (0, 0)

    @property
    def raises_income(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Measure:
    id: str
    type: str
    label_zh: str
    label_en: str
    causes: tuple[str, ...]
    eligibility: ParsedExpression
    cost: ParsedExpression
    capacity_level: str
    capacity_per_100: float | None
    capacity_slots: int | None
    duration_months: int
    closes: tuple[str, ...]
    effect: Effect
    sources: dict[str, str] = field(compare=False)
    assumption: str = "ours"


@dataclass(frozen=True)
class Catalogue:
    name: str
    measures: tuple[Measure, ...]
    parameters: dict[str, Any]

    def measure(self, mid: str) -> Measure:
        for m in self.measures:
            if m.id == mid:
                return m
        raise ConfigError(f"unknown measure {mid!r}", where=self.name,
                          fix=f"use one of {', '.join(m.id for m in self.measures)}")

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.measures]

    def resolve(self, name: str) -> Any:
        if name not in self.parameters:
            raise ConfigError(f"unknown parameter {name!r}", where=f"catalogue {self.name}",
                              fix=f"declare it under parameters: ({', '.join(self.parameters)})")
        return self.parameters[name]

    def names(self) -> set[str]:
        """Every table column an expression of the catalogue reads."""
        out: set[str] = set()
        for m in self.measures:
            for p in (m.eligibility, m.cost, m.effect.amount, m.effect.to):
                if p is not None:
                    out |= set(p.names)
        return out


def _need(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise ConfigError(f"missing {key!r}", where=where, fix=f"add {key}: to the entry")
    return raw[key]


def _expr(value: Any, where: str) -> ParsedExpression:
    return parse(str(value), where=where)


def _measure(raw: dict[str, Any], where: str) -> Measure:
    mid = str(_need(raw, "id", where))
    where = f"{where} measure {mid}"
    mtype = _need(raw, "type", where)
    if mtype not in TYPES:
        raise ConfigError(f"unknown measure type {mtype!r}", where=where, fix=f"one of {TYPES}")
    eff = dict(_need(raw, "effect", where))
    kind = eff.pop("kind", None)
    if kind not in EFFECT_KINDS:
        raise ConfigError(f"unknown effect kind {kind!r}", where=where, fix=f"one of {EFFECT_KINDS}")
    p = float(eff.get("success_probability", 1.0))
    if not 0.0 <= p <= 1.0:
        raise ConfigError(f"success_probability {p} outside [0, 1]", where=where)
    effect = Effect(
        kind=kind, success_probability=p, failure_factor=float(eff.get("failure_factor", 0.0)),
        gap_multiplier=tuple(eff.get("gap_multiplier", (1.0, 1.0))),  # type: ignore[arg-type]
        fixed_fen_per_capita=int(eff.get("fixed_fen_per_capita", 0)),
        amount=_expr(eff["amount_fen"], where) if "amount_fen" in eff else None,
        to=_expr(eff["to_fen"], where) if "to_fen" in eff else None,
        lag_months=tuple(eff.get("lag_months", (0, 0))),  # type: ignore[arg-type]
    )
    if kind == "fixed_income" and effect.amount is None or kind == "topup" and effect.to is None:
        raise ConfigError(f"effect {kind} needs {'amount_fen' if kind == 'fixed_income' else 'to_fen'}",
                          where=where)
    cap = dict(_need(raw, "capacity", where))
    level = cap.get("level")
    if level not in ("township", "county"):
        raise ConfigError(f"capacity level {level!r}", where=where, fix="township or county")
    closes = tuple(raw.get("closes", ()))
    bad = [g for g in closes if g not in GAPS]
    if bad:
        raise ConfigError(f"closes unknown gap(s) {bad}", where=where, fix=f"one of {GAPS}")
    assumption = str(_need(raw, "assumption", where))
    if assumption not in ("ours", "generator", "published"):
        raise ConfigError(f"assumption {assumption!r}", where=where,
                          fix="ours (unverified), generator or published")
    return Measure(
        id=mid, type=mtype, label_zh=_need(raw, "label_zh", where), label_en=_need(raw, "label_en", where),
        causes=tuple(raw.get("causes", ())), eligibility=_expr(_need(raw, "eligibility", where), where),
        cost=_expr(_need(raw, "cost_fen", where), where), capacity_level=level,
        capacity_per_100=cap.get("per_100_targets"), capacity_slots=cap.get("slots"),
        duration_months=int(_need(raw, "duration_months", where)), closes=closes, effect=effect,
        sources={k: str(raw[k]) for k in ("cost_source", "capacity_source", "effect_source") if k in raw},
        assumption=assumption,
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and check a catalogue file (default: the shipped ``catalogue.yaml``)."""
    path = Path(path or CATALOGUE_FILE)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the measure catalogue: {exc}", where=str(path),
                          fix="give a YAML file in the format of assistance/catalogue.yaml") from exc
    where = str(path)
    params = {k: (v["value"] if isinstance(v, dict) else v)
              for k, v in (raw.get("parameters") or {}).items()}
    measures = tuple(_measure(m, where) for m in _need(raw, "measures", where))
    ids = [m.id for m in measures]
    if len(set(ids)) != len(ids):
        raise ConfigError("duplicate measure ids", where=where, fix="give every measure its own id")
    return Catalogue(name=str(raw.get("name", path.stem)), measures=measures, parameters=params)


def _plain(data: pd.DataFrame) -> pd.DataFrame:
    data = data.copy()
    for c in data.columns:  # nullable pandas dtypes → numpy with None for ibis
        if str(data[c].dtype) in ("boolean", "Int64", "Float64") or data[c].dtype == object:
            data[c] = data[c].astype(object).where(data[c].notna(), None)
    return data


def evaluate(cat: Catalogue, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per household × measure: ``eligible`` (bool; null inputs → not eligible), ``cost``
    (int fen), ``amount`` and ``to`` (effect values, float fen; NaN when unused)."""
    missing = sorted(cat.names() - set(table.columns))
    if missing:
        raise ConfigError(f"the household table lacks {', '.join(missing)}",
                          where=f"catalogue {cat.name}",
                          fix="join the indicators with the diagnosis features (assistance.plans.household_table)")
    cols = sorted(cat.names())
    t = ibis.memtable(_plain(table[cols]) if cols else pd.DataFrame({"_": np.zeros(len(table))}))
    exprs: dict[str, Any] = {}
    for i, m in enumerate(cat.measures):
        exprs[f"e{i}"] = compile_expression(m.eligibility, t, cat.resolve, where=m.id).fill_null(False)
        exprs[f"c{i}"] = compile_expression(m.cost, t, cat.resolve, where=m.id).cast("float64")
        for key, p in (("a", m.effect.amount), ("t", m.effect.to)):
            if p is not None:
                exprs[f"{key}{i}"] = compile_expression(p, t, cat.resolve, where=m.id).cast("float64")
    con = ibis.duckdb.connect()
    try:
        out = con.to_pyarrow(t.select(**exprs)).to_pandas() if len(table) else pd.DataFrame(
            {k: pd.Series(dtype=float) for k in exprs})
    finally:
        con.disconnect()
    idx, ids = table.index, cat.ids

    def frame(prefix: str, default: float) -> pd.DataFrame:
        return pd.DataFrame({mid: (out[f"{prefix}{i}"].to_numpy(dtype=float, na_value=default)
                                   if f"{prefix}{i}" in out else np.full(len(table), default))
                             for i, mid in enumerate(ids)}, index=idx)

    eligible = pd.DataFrame({mid: out[f"e{i}"].to_numpy(dtype=bool) for i, mid in enumerate(ids)},
                            index=idx)
    cost = frame("c", np.nan)
    bad = eligible & (cost.isna() | (cost < 0))
    if bad.to_numpy().any():
        mid = bad.columns[bad.any(axis=0)][0]
        raise ConfigError(f"measure {mid} has a null or negative cost for an eligible household",
                          where=f"catalogue {cat.name}", fix="make cost_fen defined for every eligible household")
    return {"eligible": eligible, "cost": cost.fillna(0).round().astype(np.int64),
            "amount": frame("a", np.nan), "to": frame("t", np.nan)}


__all__ = ["CATALOGUE_FILE", "GAPS", "Catalogue", "Effect", "Measure", "evaluate", "load_catalogue"]
