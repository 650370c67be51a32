"""Conflicts: one ID with incompatible names or birth dates (possible misuse), one person with
two IDs, and two persons who may be one (same name, birth date, village; different IDs)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jingzhun.registry.conflicts import find_conflicts

# person, id, name, name_fold, fuzzy pinyin, dob, anchor?, village, departments
PROFILES = [
    # ID 1: 杨秀兰's ID typed on 刘德华's row (resolved apart) -> id_misuse
    ("P1", "ID1", "杨秀兰", "杨秀兰", "yang xiu lan", "1970-04-04", True, "V1", "hukou"),
    ("P2", "ID1", "刘德华", "刘德华", "liu de hua", "1968-02-14", False, "V1", "payments"),
    # ID 2: homophone and a swapped birth date are not conflicts
    ("P3", "ID2", "张伟", "张伟", "zang wei", "1980-03-12", True, "V2", "hukou"),
    ("P3", "ID2", "张玮", "张玮", "zang wei", "1980-12-03", False, "V2", "health"),
    # ID 3: one-character typo is not a conflict
    ("P4", "ID3", "王建国", "王建国", "wang jian guo", "1966-09-30", True, "V3", "hukou"),
    ("P4", "ID3", "王建图", "王建图", "wang jian tu", "1966-09-30", False, "V3", "roll"),
    # ID 4: same person record, a different birth year on another department's row -> misuse
    ("P5", "ID4", "吴芳", "吴芳", "wu fang", "1985-06-06", True, "V4", "hukou"),
    ("P5", "ID4", "吴芳", "吴芳", "wu fang", "1999-10-10", False, "V4", "vehicles"),
    # ID 9: a chain of ordinary errors (shape, then a typo) is not a conflict
    ("P9", "ID9", "长建顺", "长建顺", "zan jian sun", "1979-05-29", True, "V7", "hukou"),
    ("P9", "ID9", "张建顺", "张建顺", "zan jian sun", "1979-05-29", False, "V7", "hrss"),
    ("P9", "ID9", "张建娜", "张建娜", "zan jian na", "1979-05-29", False, "V7", "vehicles"),
    # person P6 carries two valid IDs -> two_ids
    ("P6", "ID5", "黄小红", "黄小红", "huang xiao hong", "2001-12-25", True, "V5", "hukou"),
    ("P6", "ID6", "黄小红", "黄小红", "huang xiao hong", "2001-12-25", False, "V5", "education"),
    # P7 and P8: same name, birth date and village, different IDs -> possible_two_ids
    ("P7", "ID7", "李明", "李明", "li min", "1990-01-01", True, "V6", "hukou"),
    ("P8", "ID8", "李明", "李明", "li min", "1990-01-01", True, "V6", "medical_insurance"),
]


@pytest.fixture(scope="module")
def conflicts() -> pd.DataFrame:
    rows = []
    for person, id_, name, fold, fuzzy, dob, anchored, village, dept in PROFILES:
        rows.append({"person_id": person, "id_number": id_, "name": name, "name_fold": fold,
                     "name_pinyin_fuzzy": fuzzy, "dob": dob, "birth_date": dob, "sex": None,
                     "id_anchor": id_ if anchored else None, "village_code": village,
                     "departments": dept, "n_records": 1})
    return find_conflicts(pd.DataFrame(rows))


@pytest.mark.parametrize(
    ("kind", "id_number", "persons", "why"),
    [
        ("id_misuse", "ID1", "P1,P2", "a relative's ID on another person's row"),
        ("id_misuse", "ID4", "P5", "one ID with two incompatible birth dates"),
        ("two_ids", "ID5,ID6", "P6", "one person, two valid IDs"),
        ("possible_two_ids", "ID7,ID8", "P7,P8", "same name, birth date, village"),
    ],
)
def test_conflict_is_flagged(conflicts, kind, id_number, persons, why):
    hit = conflicts[(conflicts["kind"] == kind) & (conflicts["id_number"] == id_number)]
    assert len(hit) == 1, why
    assert hit.iloc[0]["person_ids"] == persons
    evidence = json.loads(hit.iloc[0]["evidence"])
    assert {e["person_id"] for e in evidence} == set(persons.split(","))
    assert all("departments" in e and "name" in e for e in evidence)


@pytest.mark.parametrize(("id_number", "why"), [
    ("ID2", "homophone name, day/month swapped birth date"),
    ("ID3", "one mistyped character"),
    ("ID9", "长建顺 ~ 张建顺 ~ 张建娜: each one character from the next"),
])
def test_ordinary_errors_are_not_conflicts(conflicts, id_number, why):
    assert not conflicts["id_number"].str.contains(id_number).any(), why


def test_candidates_selected_in_sql_give_the_same_conflicts(tmp_path):
    """The registry sends pandas only the profiles `conflict_candidates` selects in SQL; the
    conflicts found on them equal those found on the whole table."""
    from jingzhun.engine.duckdb import DuckDBEngine
    from jingzhun.registry.conflicts import conflict_candidates

    rows = []
    for i, (person, id_, name, fold, fuzzy, dob, anchored, village, dept) in enumerate(PROFILES):
        rows.append({"profile_key": f"k{i:03d}", "person_id": person, "id_number": id_,
                     "name": name, "name_fold": fold, "name_pinyin_fuzzy": fuzzy, "dob": dob,
                     "birth_date": dob, "sex": None, "id_anchor": id_ if anchored else None,
                     "village_code": village, "departments": dept, "n_records": 1})
    for i in range(50):  # ordinary persons: one ID, one name, no conflict
        rows.append({"profile_key": f"z{i:03d}", "person_id": f"Q{i}", "id_number": f"N{i}",
                     "name": "赵六", "name_fold": "赵六", "name_pinyin_fuzzy": "zao liu",
                     "dob": f"1950-01-{1 + i % 28:02d}", "birth_date": None, "sex": None,
                     "id_anchor": f"N{i}", "village_code": f"W{i}", "departments": "hukou",
                     "n_records": 2})
    full = pd.DataFrame(rows).sort_values("profile_key", ignore_index=True)
    full.to_parquet(tmp_path / "evidence.parquet")
    with DuckDBEngine() as engine:
        picked = conflict_candidates(engine, engine.read_parquet(tmp_path / "evidence.parquet"))
    assert len(picked) < len(full)
    assert not picked["person_id"].str.startswith("Q").any()
    expected = find_conflicts(full)
    got = find_conflicts(picked)
    assert got.to_dict("records") == expected.to_dict("records")
    assert set(got["kind"]) == {"id_misuse", "two_ids", "possible_two_ids"}
