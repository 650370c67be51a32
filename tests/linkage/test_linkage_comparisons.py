"""The Splink comparisons: their SQL levels agree with the Python functions, and stay portable.

Each case is a pair of prepared records; the comparison's CASE statement is run by DuckDB and
the level label it picks is checked against the expected level.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from jingzhun.linkage.comparisons import (
    admin_address_comparison,
    birth_date_comparison,
    chinese_comparisons,
    chinese_name_comparison,
    id_comparison,
    near_miss_sql,
    sex_comparison,
)
from jingzhun.linkage.idnumber import id_near_miss
from jingzhun.linkage.prepare import prepare_records
from jingzhun.linkage.settings import blocking_rules, build_settings


def _levels(comparison, left: dict, right: dict) -> str:
    """Run a comparison's CASE on one pair of prepared records; return the level's label."""
    comp = comparison.get_comparison("duckdb")
    row = {f"{k}_l": [v] for k, v in left.items()} | {f"{k}_r": [v] for k, v in right.items()}
    frame = pd.DataFrame(row)  # noqa: F841 - read by DuckDB
    whens = [
        f"ELSE {lvl.comparison_vector_value}" if lvl.sql_condition == "ELSE"
        else f"WHEN {lvl.sql_condition} THEN {lvl.comparison_vector_value}"
        for lvl in comp.comparison_levels
    ]
    value = duckdb.sql(f"SELECT CASE {' '.join(whens)} END FROM frame").fetchone()[0]
    labels = {lvl.comparison_vector_value: lvl.label_for_charts for lvl in comp.comparison_levels}
    return labels[value]


def _prepared(**fields) -> dict:
    base = {"record_id": "x", "name": None, "id_number": None, "id_number_raw": None,
            "sex": None, "birth_date": None, "county_code": None, "township_code": None,
            "village_code": None, "address": None}
    frame = prepare_records(pd.DataFrame([base | fields]))
    return {k: (None if pd.isna(v) else v) for k, v in frame.iloc[0].to_dict().items()}


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("张伟", "张伟", "Exact match on name"),
        ("张伟", "張偉", "Simplified / shape-folded name equal"),
        ("王明", "玉明", "Simplified / shape-folded name equal"),
        ("张伟", "张玮", "Pinyin equal (homophone)"),
        ("刘英", "牛英", "Near-homophone: Jaro-Winkler of folded pinyin >= 0.95"),
        ("李明", "李敏", "Near-homophone: Jaro-Winkler of folded pinyin >= 0.95"),
        ("陈建国", "陈建军", "All other comparisons"),
        ("张伟", "王伟", "All other comparisons"),
        ("张伟", None, "name is NULL"),
    ],
)
def test_name_levels(a, b, level):
    assert _levels(chinese_name_comparison(), _prepared(name=a), _prepared(name=b)) == level


ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("raw_b", "level"),
    [
        (ID, "Exact match on id_key"),
        ("110105491231002", "Exact match on id_key"),  # legacy 15-digit
        ("11010519491231003X", "One substituted character or adjacent transposition"),
        ("11010519492131002X", "One substituted character or adjacent transposition"),
        ("11010519491231200X", "All other comparisons"),
        ("520526198003120013", "All other comparisons"),
        (None, "id_key is NULL"),
    ],
)
def test_id_levels(raw_b, level):
    left = _prepared(id_number=ID, id_number_raw=ID)
    right = _prepared(id_number_raw=raw_b)
    assert _levels(id_comparison(), left, right) == level


def test_id_level_for_a_conflicting_id():
    left = _prepared(id_number=ID, sex="female")
    right = _prepared(id_number=ID, sex="male")  # the ID says female: a relative's ID
    assert right["id_conflict"] is True
    assert _levels(id_comparison(), left, right) == (
        "Same ID, contradicting a record's sex or birth date")


@pytest.mark.parametrize(
    "other",
    ["11010519491231003X", "11010519492131002X", "21010519491231002X", "1101051949123100X2",
     "11010519491231200X", "11010519491231113X", "110105194912310"],
)
def test_near_miss_sql_agrees_with_python(other):
    frame = pd.DataFrame({"k_l": [ID], "k_r": [other]})  # noqa: F841 - read by DuckDB
    got = duckdb.sql(f"SELECT {near_miss_sql('k', 18)} FROM frame").fetchone()[0]
    assert got == (id_near_miss(ID, other) in ("substitution", "transposition"))


D = dt.date


@pytest.mark.parametrize(
    ("b", "level"),
    [
        (D(1985, 3, 12), "Exact match on dob"),
        (D(1985, 12, 3), "Day and month swapped"),
        (D(1985, 3, 13), "One mistyped character"),
        (D(1958, 3, 12), "One mistyped character"),  # 85 ↔ 58 transposed
        (D(1985, 3, 28), "Same year and month"),
        (D(1986, 4, 1), "All other comparisons"),
        (None, "dob is NULL"),
    ],
)
def test_birth_date_levels(b, level):
    left, right = _prepared(birth_date=D(1985, 3, 12)), _prepared(birth_date=b)
    assert _levels(birth_date_comparison(), left, right) == level


def test_birth_date_from_the_id_when_the_record_has_none():
    left = _prepared(id_number=ID)
    right = _prepared(birth_date=D(1949, 12, 31))
    assert _levels(birth_date_comparison(), left, right) == "Exact match on dob"
    assert _levels(sex_comparison(), left, _prepared(sex="female")) == "Exact match on sex"


VIL = "520526104201"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ({"village_code": VIL, "address": "威宁彝族回族苗族自治县雪山镇光明村三组"},
         {"village_code": VIL, "address": "威宁县雪山镇光明村3组"},
         "Same address (normalised text)"),
        ({"village_code": VIL}, {"village_code": VIL}, "Same village"),
        ({"village_code": VIL}, {"township_code": VIL[:9]}, "Same township"),
        ({"village_code": VIL}, {"village_code": "520526105201"}, "Same county"),
        ({"village_code": VIL}, {"county_code": "520526"}, "Same county"),
        ({"village_code": VIL}, {"village_code": "520527104201"}, "All other comparisons"),
        ({"village_code": VIL}, {}, "county is NULL"),
        ({"address": "威宁县雪山镇光明村3组"}, {"address": "威宁县雪山镇光明村三组"},
         "Same address (normalised text)"),
    ],
)
def test_address_levels(a, b, level):
    assert _levels(admin_address_comparison(), _prepared(**a), _prepared(**b)) == level


_PORTABLE_FUNCTIONS = {"Substring", "Length", "Coalesce"}


def _functions(sql: str) -> set[str]:
    tree = sqlglot.parse_one(f"SELECT CASE WHEN {sql} THEN 1 END", read="duckdb")
    skip = (exp.Binary, exp.Connector, exp.Not, exp.Case, exp.If, exp.Paren)
    return {type(node).__name__ for node in tree.find_all(exp.Func) if not isinstance(node, skip)}


def test_custom_sql_uses_only_portable_functions():
    """No DuckDB-only function in our own SQL (Jaro-Winkler comes from Splink's dialects)."""
    for comparison in chinese_comparisons():
        for level in comparison.get_comparison("duckdb").comparison_levels:
            sql = level.sql_condition
            if sql == "ELSE" or "jaro_winkler" in sql:
                continue
            assert _functions(sql) <= _PORTABLE_FUNCTIONS, sql
            assert sqlglot.transpile(f"SELECT {sql}", read="duckdb", write="spark")
    for rule in blocking_rules():
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        assert _functions(sql) <= _PORTABLE_FUNCTIONS, sql


def test_build_settings_names_and_tf_columns():
    settings = build_settings().get_settings("duckdb")
    assert [c.output_column_name for c in settings.comparisons] == [
        "name", "id_key", "dob", "sex", "address", "phone"]
    tf_columns = {c.input_name for c in settings._term_frequency_columns}
    assert tf_columns == {"name", "name_fold", "name_pinyin"}


def test_prepare_file_batches_match_prepare_records(tmp_path):
    """prepare_file (keys per distinct value from a column left in chunks, as at scale 1.0
    where addresses exceed one 2 GiB string array; records a batch at a time) gives what
    prepare_records gives on the whole table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jingzhun.linkage.prepare import prepare_file

    rows = pd.DataFrame({
        "profile_key": [f"k{i}" for i in range(7)],
        "name": ["张三", "張三", "李四", None, "王 五", "张三", "欧阳·娜娜"],
        "address": ["贵州省贵阳市云岩区中华北路1号", None, "贵阳市云岩区中华北路1号",
                    "遵义市红花岗区", "遵义市红花岗区", "x", "毕节市"],
        "id_number": ["52010219800101001X", None, "520102198001010011", None, None, None, None],
    })
    src = tmp_path / "profiles.parquet"
    pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), src, row_group_size=2)
    out = tmp_path / "prepared.parquet"
    assert prepare_file(src, out, unique_id="profile_key", batch_rows=3) == 7
    got = pq.read_table(out).to_pandas()
    want = prepare_records(rows, unique_id="profile_key")
    assert got["profile_key"].tolist() == want["profile_key"].tolist()
    for col in ("name_fold", "name_pinyin_fuzzy", "surname_pinyin", "address_key", "id_key"):
        assert got[col].tolist() == want[col].tolist(), col
