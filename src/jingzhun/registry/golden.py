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


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _rule_sql(rule: FieldRule, columns: set[str], source: str) -> str:
    """One row per person: the surviving values of ``rule``'s columns, their department and
    extract month (the order of :func:`golden_records`, ties broken by profile key)."""
    rank = " ".join(f"WHEN {_sql_text(d)} THEN {i}" for i, d in enumerate(rule.sources))
    rank_sql = f"CASE department {rank} ELSE {len(rule.sources)} END" if rank else "0"
    present = [c for c in rule.columns if c in columns]
    by_value = [f'"{c}" ASC NULLS LAST' for c in present]
    if rule.rule == "priority":
        order = [f"{rank_sql} ASC", "last_period DESC", "n_records DESC", *by_value]
    else:
        order = ["last_period DESC", f"{rank_sql} ASC", "n_records DESC", *by_value]
    order += ["profile_key ASC", "department ASC"]
    picked = ", ".join(
        f'"{c}"' if c in columns else f'CAST(NULL AS VARCHAR) AS "{c}"' for c in rule.columns)
    return (f"SELECT person_id, {picked}, department AS _src, last_period AS _ext FROM ("
            f"SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY {', '.join(order)})"
            f' AS _rn FROM {source} WHERE "{rule.columns[0]}" IS NOT NULL) WHERE _rn = 1')


def golden_sql(rules: list[FieldRule], columns: set[str], source: str = "occ",
               source_sql: str | None = None) -> str:
    """:func:`golden_records` as one SQL query over the relation ``source`` (same columns), plus
    per person ``first_seen``, ``last_seen``, ``n_records``, ``n_profiles`` and
    ``departments``; ordered by person."""
    ctes = [f"{source} AS ({source_sql})"] if source_sql else []
    ctes += [f"r{i} AS ({_rule_sql(rule, columns, source)})" for i, rule in enumerate(rules)]
    ctes.append(
        "per AS (SELECT person_id, min(first_period) AS first_seen, max(last_period) AS last_seen,"
        " CAST(sum(n_records) AS BIGINT) AS n_records, count(DISTINCT profile_key) AS n_profiles,"
        " array_to_string(list_sort(list(DISTINCT department)), ',') AS departments"
        f" FROM {source} GROUP BY person_id)")
    select, joins = ["per.person_id"], []
    for i, rule in enumerate(rules):
        joins.append(f"LEFT JOIN r{i} ON r{i}.person_id = per.person_id")
        for c in rule.columns:
            select += [f'r{i}."{c}" AS "{c}"', f'r{i}._src AS "{c}__source"',
                       f'r{i}._ext AS "{c}__extract"']
    select += ["per.first_seen", "per.last_seen", "per.n_records", "per.n_profiles",
               "per.departments"]
    return (f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM per "
            f"{' '.join(joins)} ORDER BY per.person_id")


def golden_table(engine: Any, occurrences: Any, rules: list[FieldRule],
                 deaths: pd.Series) -> Any:
    """Golden persons as a table expression of ``engine`` (``occurrences``: an Ibis table
    with the columns :func:`golden_records` takes, plus ``profile_key`` and
    ``first_period``), with ``death_month`` from ``deaths`` (person → month; small)."""
    import ibis

    inner = str(ibis.to_sql(occurrences, dialect="duckdb"))
    persons = engine.sql(golden_sql(rules, set(occurrences.columns), "occ", inner))
    # typed: with no death yet (a one-month workspace) the columns would be of the null type,
    # which Spark cannot write to Parquet and DuckDB writes as integers
    dead = ibis.memtable(pd.DataFrame({"pid_": deaths.index.astype(str),
                                       "death_month": deaths.astype(str).to_numpy()}),
                         schema={"pid_": "string", "death_month": "string"})
    # the join keeps no order on a distributed engine: sort again
    return persons.left_join(dead, persons.person_id == dead.pid_).drop("pid_").order_by("person_id")
