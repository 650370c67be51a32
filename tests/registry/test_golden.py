"""Survivorship rules (survivorship.yaml) and per-field provenance, table-driven."""

from __future__ import annotations

import pandas as pd
import pytest

from jingzhun.registry.golden import FieldRule, SurvivorshipError, golden_records, load_rules

RULES = [
    FieldRule("name", "priority", ("hukou", "roll")),
    FieldRule("residence", "latest", ("hukou",), ("village_code", "address")),
    FieldRule("phone", "latest"),
]

# person, department, last_period, n_records, name, village_code, address, phone
OCC = [
    ("P1", "medical_insurance", "2020-06", 5, "张玮", None, None, None),
    ("P1", "hukou", "2019-01", 1, "张伟", "V1", "一组", None),
    ("P1", "roll", "2019-03", 1, "張偉", "V1", "1组", "139"),
    ("P1", "health", "2020-02", 1, "张伟", "V2", "新家", None),
    ("P2", "health", "2019-05", 1, "李芳", "V3", None, "135"),
    ("P2", "payments", "2019-05", 3, "李方", None, None, "137"),
    ("P3", "hukou", "2019-01", 1, "王明", "V4", "老家", None),
    ("P3", "hrss", "2019-01", 1, "王明", "V5", "城里", None),
]


@pytest.fixture(scope="module")
def golden():
    occ = pd.DataFrame(OCC, columns=["person_id", "department", "last_period", "n_records",
                                     "name", "village_code", "address", "phone"])
    return golden_records(occ, RULES).set_index("person_id")


@pytest.mark.parametrize(
    ("person", "field", "value", "source", "extract", "why"),
    [
        ("P1", "name", "张伟", "hukou", "2019-01", "the household registry wins for the name"),
        ("P2", "name", "李方", "payments", "2019-05",
         "no listed source has it: latest month, then the value seen in most records"),
        ("P1", "village_code", "V2", "health", "2020-02",
         "the latest record with a village wins the residence"),
        ("P1", "address", "新家", "health", "2020-02",
         "the address comes from the same record as the village"),
        ("P3", "village_code", "V4", "hukou", "2019-01",
         "same month: the listed source (hukou) breaks the tie"),
        ("P3", "address", "老家", "hukou", "2019-01", "the group follows its village"),
        ("P1", "phone", "139", "roll", "2019-03", "the only phone"),
        ("P2", "phone", "137", "payments", "2019-05", "same month: the value in most records"),
    ],
)
def test_survivorship(golden, person, field, value, source, extract, why):
    row = golden.loc[person]
    assert (row[field], row[f"{field}__source"], row[f"{field}__extract"]) == (
        value, source, extract), why


def test_shipped_rules_declare_the_registry_first():
    rules = {r.field: r for r in load_rules()}
    for field in ("name", "birth_date", "sex", "id_number"):
        assert rules[field].rule == "priority" and rules[field].sources[0] == "hukou"
    assert rules["residence"].rule == "latest"
    assert rules["residence"].columns == ("village_code", "township_code", "county_code", "address")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fields: {name: {rule: newest}}", "rule must be one of"),
        ("fields: {name: {rule: latest, sorces: [hukou]}}", "unknown keys"),
        ("rules: {}", "no 'fields'"),
    ],
)
def test_bad_rule_files_are_explained(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurvivorshipError, match=message):
        load_rules(path)


@pytest.mark.parametrize("deaths", [{}, {"P1": "2019-05"}], ids=["no-death-yet", "one-death"])
def test_golden_sql_equals_golden_records(engine, tmp_path, deaths):
    """The SQL form the registry runs (one window query per rule) picks what the pandas
    reference picks, with the same provenance, on every engine; ``death_month`` is text even
    before anyone has died (a one-month workspace)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jingzhun.engine.base import write_parquet_atomic
    from jingzhun.registry.golden import golden_table

    occ = pd.DataFrame(OCC, columns=["person_id", "department", "last_period", "n_records",
                                     "name", "village_code", "address", "phone"])
    occ = occ.assign(profile_key=[f"k{i}" for i in range(len(occ))],
                     first_period=occ["last_period"])
    expected = golden_records(occ, RULES).sort_values("person_id", ignore_index=True)
    write_parquet_atomic(pa.Table.from_pandas(occ, preserve_index=False), tmp_path / "occ.parquet")
    table = engine.read_parquet(tmp_path / "occ.parquet")
    persons = golden_table(engine, table, RULES, pd.Series(deaths, dtype=str))
    engine.copy_parquet(persons, tmp_path / "persons.parquet")
    written = pq.read_table(tmp_path / "persons.parquet")
    assert written.schema.field("death_month").type == pa.string()
    got = written.to_pandas().sort_values("person_id", ignore_index=True)
    for col in expected.columns:
        assert got[col].tolist() == expected[col].where(expected[col].notna(), None).tolist(), col
    assert got["departments"].tolist() == [
        "health,hukou,medical_insurance,roll", "health,payments", "hrss,hukou"]
    assert got["n_records"].tolist() == [8, 4, 2]
    assert got["death_month"].tolist() == [deaths.get(p) for p in got["person_id"]]
