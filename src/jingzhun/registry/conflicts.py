"""Conflicts a person must look at: possible ID misuse, and one person with two IDs.

- ``id_misuse``: one valid ID number whose records resolve to more than one person, or carry
  incompatible names (neither the same simplified/shape-folded name, nor the same dialect
  pinyin, nor one character apart) or incompatible birth dates (neither a day/month swap nor
  one character apart) — a household member's ID on someone else's row, or a borrowed ID.
  The ID's distinct names must form one group under "compatible", so a chain of ordinary
  errors (张建顺 / 长建顺 / 张建娜) is not a conflict.
- ``two_ids``: one resolved person whose records carry two different valid ID numbers.
- ``possible_two_ids``: two persons with different valid IDs but the same name, birth date
  and village — perhaps one person registered twice (never merged automatically).

Each conflict row holds its evidence as JSON: department, name, birth date, ID, person and
record count of every profile involved.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

EVIDENCE_COLUMNS = ("person_id", "departments", "name", "birth_date", "sex", "id_number",
                    "village_code", "n_records")


def _one_char_apart(a: pd.Series, b: pd.Series) -> np.ndarray:
    out = np.zeros(len(a), dtype=bool)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        if isinstance(x, str) and isinstance(y, str) and len(x) == len(y):
            out[i] = sum(c != d for c, d in zip(x, y, strict=True)) <= 1
    return out


def _names_compatible(a: dict, b: dict, column: str) -> bool:
    return bool(a["name_pinyin_fuzzy"] == b["name_pinyin_fuzzy"]
                or _one_char_apart(pd.Series([a[column]]), pd.Series([b[column]]))[0])


def _dates_compatible(a: dict, b: dict, column: str) -> bool:
    x, y = a[column], b[column]
    return bool(_swapped(x, y) or _one_char_apart(pd.Series([x]), pd.Series([y]))[0])


def _components(items: list[dict], column: str, compatible) -> int:
    """Connected components of ``items`` (distinct values) under ``compatible``."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if find(i) != find(j) and compatible(items[i], items[j], column):
                parent[find(j)] = find(i)
    return len({find(i) for i in range(len(items))})


def _swapped(a: object, b: object) -> bool:
    """'YYYY-MM-DD' texts with day and month exchanged."""
    if not (isinstance(a, str) and isinstance(b, str)) or len(a) != 10 or len(b) != 10:
        return False
    return a != b and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _evidence(group: pd.DataFrame) -> str:
    rows = group[list(EVIDENCE_COLUMNS)].astype(object).where(group[list(EVIDENCE_COLUMNS)].notna(), None)
    return json.dumps(rows.to_dict("records"), ensure_ascii=False, default=str)


def find_conflicts(profiles: pd.DataFrame) -> pd.DataFrame:
    """Conflicts among resolved ``profiles``: columns of :data:`EVIDENCE_COLUMNS` plus the
    linkage keys ``name_fold``, ``name_pinyin_fuzzy``, ``dob``, ``id_anchor``."""
    rows: list[dict[str, object]] = []
    p = profiles[profiles["id_number"].notna()]

    # 1. One ID, several persons or incompatible names/birth dates: the ID's distinct names
    #    (and birth dates) must form one group under "compatible" (see the module doc), so a
    #    chain of ordinary errors (张建顺 / 长建顺 / 张建娜) is not a conflict.
    incompatible = set()
    for column, compatible in (("name_fold", _names_compatible), ("dob", _dates_compatible)):
        values = p[["id_number", column, "name_pinyin_fuzzy"]].dropna(subset=[column])
        values = values.drop_duplicates(["id_number", column])
        several = values[values.duplicated("id_number", keep=False)]
        for id_number, group in several.groupby("id_number", sort=False):
            if _components(group.to_dict("records"), column, compatible) > 1:
                incompatible.add(id_number)
    persons_per_id = p.groupby("id_number")["person_id"].nunique()
    flagged = incompatible | set(persons_per_id[persons_per_id > 1].index)
    for id_number, group in p[p["id_number"].isin(flagged)].groupby("id_number", sort=True):
        rows.append({"kind": "id_misuse", "id_number": id_number,
                     "person_ids": ",".join(sorted(group["person_id"].unique())),
                     "reason": "one ID number with incompatible names or birth dates"
                     if id_number in incompatible
                     else "one ID number resolved to several persons",
                     "evidence": _evidence(group)})

    # 2. One person, two valid IDs.
    ids_per_person = p.groupby("person_id")["id_number"].nunique()
    several = p[p["person_id"].isin(ids_per_person[ids_per_person > 1].index)]
    for person_id, group in several.groupby("person_id", sort=True):
        rows.append({"kind": "two_ids", "id_number": ",".join(sorted(group["id_number"].unique())),
                     "person_ids": person_id,
                     "reason": "one person's records carry two different valid ID numbers",
                     "evidence": _evidence(group)})

    # 3. Same name, birth date and village under two persons with different IDs.
    anchored = p[p["id_anchor"].notna() & p["village_code"].notna() & p["dob"].notna()]
    keyed = anchored.drop_duplicates(["person_id", "name_fold", "dob", "village_code"])
    counts = keyed.groupby(["name_fold", "dob", "village_code"])["person_id"].nunique()
    dup = keyed.set_index(["name_fold", "dob", "village_code"]).index.isin(counts[counts > 1].index)
    for _key, group in keyed[dup].groupby(["name_fold", "dob", "village_code"], sort=True):
        if group["id_number"].nunique() < 2:
            continue
        rows.append({"kind": "possible_two_ids",
                     "id_number": ",".join(sorted(group["id_number"].unique())),
                     "person_ids": ",".join(sorted(group["person_id"].unique())),
                     "reason": "same name, birth date and village under different ID numbers",
                     "evidence": _evidence(group)})
    return pd.DataFrame(rows, columns=["kind", "id_number", "person_ids", "reason", "evidence"])


def conflict_candidates(engine: Any, evidence: Any) -> pd.DataFrame:
    """The profiles :func:`find_conflicts` can flag, selected in SQL from the ``evidence``
    table (one row per profile) so that only they come to pandas: whole groups of every ID
    with several persons, names or birth dates, of every person with several IDs, and of
    every (name, birth date, village) with several anchored persons. Ordered by profile key,
    as the full table is, so the result equals ``find_conflicts`` on the full table."""
    import ibis

    inner = str(ibis.to_sql(evidence, dialect="duckdb"))
    key = "name_fold, dob, village_code"
    query = f"""
        WITH ev AS ({inner}),
        p AS (SELECT * FROM ev WHERE id_number IS NOT NULL),
        a AS (SELECT id_number FROM p GROUP BY id_number
              HAVING count(DISTINCT person_id) > 1 OR count(DISTINCT name_fold) > 1
                  OR count(DISTINCT dob) > 1),
        b AS (SELECT person_id FROM p GROUP BY person_id HAVING count(DISTINCT id_number) > 1),
        c AS (SELECT {key} FROM p WHERE id_anchor IS NOT NULL AND village_code IS NOT NULL
              AND dob IS NOT NULL GROUP BY {key} HAVING count(DISTINCT person_id) > 1)
        SELECT * FROM p
        WHERE id_number IN (SELECT id_number FROM a) OR person_id IN (SELECT person_id FROM b)
           OR (id_anchor IS NOT NULL AND EXISTS (
                SELECT 1 FROM c WHERE c.name_fold = p.name_fold AND c.dob = p.dob
                AND c.village_code = p.village_code))
        ORDER BY profile_key"""
    return engine.to_arrow(engine.sql(query)).to_pandas()
