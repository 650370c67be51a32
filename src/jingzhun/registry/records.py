"""Person-level records of every department, reduced to distinct *profiles* for linkage.

A department's row is person-level when its contract declares both a ``name`` and an
``id_number`` field (the head of a 低保 case, a claimant, a payee, a car owner ...). Monthly
extracts repeat the same person with the same values many times, so linkage runs on the
distinct combinations of the identifying fields (a *profile*, keyed by an MD5 of its values)
and every record inherits its profile's person. At scale 0.01 this cuts the rows Splink sees
several-fold; it changes no decision, since equal values always score equally.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd

from jingzhun.contracts import Contract, load_contracts
from jingzhun.engine.base import Engine

#: Identifying fields of a profile (canonical names; missing columns are null).
PROFILE_FIELDS = (
    "id_number", "id_number_raw", "name", "sex", "birth_date",
    "county_code", "township_code", "village_code", "address", "phone",
)
RECORD_FIELDS = ("department", "_file", "_row", "_period")


def person_departments(contracts: dict[str, Contract] | None = None) -> list[str]:
    """Departments whose rows name a person (contract has ``name`` and ``id_number`` fields)."""
    contracts = contracts if contracts is not None else load_contracts()
    out = []
    for dept, contract in sorted(contracts.items()):
        fields = {c.field for c in contract.columns}
        if {"name", "id_number"} <= fields:
            out.append(dept)
    return out


def profile_key_expr(t: ibis.Table) -> ibis.Value:
    parts = [t[f].cast("string").fill_null("~") for f in PROFILE_FIELDS]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined.concat("|", p)
    return joined.hexdigest("md5")


def person_records(engine: Engine, files: dict[str, list[Path]]) -> ibis.Table:
    """One row per person-level record: department, _file, _row, _period, the profile
    fields (as strings) and ``profile_key``."""
    parts = []
    for dept in person_departments():
        paths = files.get(dept)
        if not paths:
            continue
        t = engine.read_parquet(paths)
        cols = {"department": ibis.literal(dept), "_file": t["_file"],
                "_row": t["_row"].cast("int64"), "_period": t["_period"].cast("string")}
        for f in PROFILE_FIELDS:
            cols[f] = t[f].cast("string") if f in t.columns else ibis.null("string")
        parts.append(t.select(**cols))
    if not parts:
        raise ValueError("no person-level department files in the validated zone")
    records = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return records.mutate(profile_key=profile_key_expr(records))


def profiles(records: ibis.Table) -> ibis.Table:
    """Distinct profiles with how often and when they were seen."""
    return records.group_by(["profile_key", *PROFILE_FIELDS]).aggregate(
        n_records=records.count(), first_period=records._period.min(),
        last_period=records._period.max(),
    )


def to_pandas(engine: Engine, table: ibis.Table, order_by: list[str]) -> pd.DataFrame:
    return engine.to_arrow(table.order_by(order_by)).to_pandas()


def evidence_table(engine: Engine, work: Path) -> ibis.Table:
    """One row per profile: its fields and record count, ``person_id`` (``pmap``), the
    departments that sent it, and the linkage keys ``name_fold``, ``name_pinyin_fuzzy``,
    ``dob``, ``id_anchor`` — from the registry's scratch files in ``work``."""
    fields = ", ".join(f"p.{f}" for f in PROFILE_FIELDS)
    _parquet = engine.parquet_relation
    return engine.sql(f"""
        SELECT p.profile_key, {fields}, p.n_records, m.person_id, d.departments,
               q.name_fold, q.name_pinyin_fuzzy, q.dob, q.id_anchor
        FROM {_parquet(work / "profiles.parquet")} p
        JOIN {_parquet(work / "pmap.parquet")} m ON m.profile_key = p.profile_key
        JOIN {_parquet(work / "prepared.parquet")} q ON q.profile_key = p.profile_key
        LEFT JOIN (SELECT profile_key, array_to_string(list_sort(list(department)), ',')
                          AS departments
                   FROM (SELECT DISTINCT profile_key, department
                         FROM {_parquet(work / "occ.parquet")})
                   GROUP BY profile_key) d
               ON d.profile_key = p.profile_key""")
