"""Golden person records: one value per field, chosen by declared survivorship rules.

The rules are data (``survivorship.yaml``, or a workspace's own file): per field, ``priority``
(an ordered list of departments) or ``latest`` (the latest extract wins). Each golden field
``F`` carries ``F__source`` (the department whose value survived) and ``F__extract`` (the
extract month it came from), so every later decision can say which department said what.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jingzhun.errors import JingzhunError

DEFAULT_RULES = Path(__file__).with_name("survivorship.yaml")
RULES = ("priority", "latest")


class SurvivorshipError(JingzhunError):
    """A survivorship rule file is malformed."""


@dataclass(frozen=True)
class FieldRule:
    field: str
    rule: str
    sources: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # a group: all taken from one record (first must be present)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.fields or (self.field,)


def load_rules(path: Path | None = None) -> list[FieldRule]:
    """Survivorship rules from YAML (default: the shipped ``survivorship.yaml``).

    >>> [r.field for r in load_rules()]
    ['name', 'id_number', 'sex', 'birth_date', 'residence', 'phone']
    >>> load_rules()[4].columns
    ('village_code', 'township_code', 'county_code', 'address')
    """
    path = path or DEFAULT_RULES
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise SurvivorshipError("no 'fields' mapping", where=str(path),
                                fix="write fields: {name: {rule: priority, sources: [hukou]}}")
    rules = []
    for name, spec in fields.items():
        spec = spec or {}
        unknown = set(spec) - {"rule", "sources", "reason", "fields"}
        if unknown or spec.get("rule") not in RULES:
            raise SurvivorshipError(
                f"field {name!r}: rule must be one of {RULES}; unknown keys {sorted(unknown)}",
                where=str(path), fix="use rule, sources (list of departments) and reason",
            )
        rules.append(FieldRule(name, spec["rule"], tuple(spec.get("sources") or ()),
                               tuple(spec.get("fields") or ())))
    return rules


def golden_records(occurrences: pd.DataFrame, rules: list[FieldRule]) -> pd.DataFrame:
    """Golden values per person.

    ``occurrences``: one row per (person, department, distinct values) with ``person_id``,
    ``department``, ``last_period`` (YYYY-MM), ``n_records`` and the field columns.

    >>> occ = pd.DataFrame({"person_id": ["P1", "P1"], "department": ["health", "hukou"],
    ...     "last_period": ["2020-05", "2019-01"], "n_records": [1, 1],
    ...     "name": ["张玮", "张伟"], "address": ["新地址", "老地址"]})
    >>> g = golden_records(occ, [FieldRule("name", "priority", ("hukou",)),
    ...                          FieldRule("address", "latest")])
    >>> g.iloc[0][["name", "name__source", "address", "address__source", "address__extract"]].tolist()
    ['张伟', 'hukou', '新地址', 'health', '2020-05']
    """
    persons = pd.DataFrame({"person_id": pd.unique(occurrences["person_id"])})
    persons = persons.sort_values("person_id", ignore_index=True)
    for rule in rules:
        cols = [c for c in rule.columns if c in occurrences.columns]
        key = rule.columns[0]
        if key not in occurrences.columns:
            for c in rule.columns:
                persons[c] = None
                persons[f"{c}__source"] = None
                persons[f"{c}__extract"] = None
            continue
        cand = occurrences.loc[
            occurrences[key].notna(),
            ["person_id", "department", "last_period", "n_records", *cols],
        ]
        rank = {d: i for i, d in enumerate(rule.sources)}
        cand = cand.assign(_rank=cand["department"].map(rank).fillna(len(rank)).astype(int))
        keys: list[Any]
        if rule.rule == "priority":
            keys = ["person_id", "_rank", "last_period", "n_records", *cols]
            asc = [True, True, False, False, *[True] * len(cols)]
        else:
            keys = ["person_id", "last_period", "_rank", "n_records", *cols]
            asc = [True, False, True, False, *[True] * len(cols)]
        best = cand.sort_values(keys, ascending=asc, kind="stable", na_position="last")
        best = best.drop_duplicates("person_id")
        picked = best[["person_id"]].copy()
        for c in rule.columns:
            picked[c] = best[c] if c in best.columns else None
            picked[f"{c}__source"] = best["department"]
            picked[f"{c}__extract"] = best["last_period"]
        persons = persons.merge(picked, on="person_id", how="left")
    return persons
