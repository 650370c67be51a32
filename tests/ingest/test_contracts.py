"""Contract loading, validation errors and file matching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jingzhun.contracts import compile_schema, contract_from_dict, load_contracts, match_file
from jingzhun.errors import ContractError

BASE = {
    "department": "demo",
    "name_zh": "示例",
    "name_en": "Demo",
    "files": {"pattern": "demo_{period}.csv", "format": "csv"},
    "row_kind": "person",
    "columns": [{"source": "A", "field": "a", "type": "string"}],
}


def _with(**changes):
    data = {**BASE, **changes}
    return data


def test_load_test_contracts(contracts):
    assert {"people", "payments", "villages", "gbk_people"} <= set(contracts)
    people = contracts["people"]
    assert people.fields == ["record_id", "id_number", "name", "sex", "birth_date", "income_fen"]
    assert people.id_fields == ["id_number"]
    assert contracts["payments"].event_date_fields == ["paid_on"]
    assert people.column("birth_date").date_bound("max", "2024-02") == dt.date(2024, 2, 29)


def test_default_folder_loads():
    # The package folder may be empty or hold the synthetic departments; it must load.
    assert isinstance(load_contracts(), dict)


@pytest.mark.parametrize(
    ("rel", "period"),
    [("people/people_202403.csv", "2024-03"), ("people/PEOPLE_202312.CSV", "2023-12"),
     ("villages/villages_2023_final.parquet", None)],
)
def test_match_file(contracts, rel, period):
    contract, p = match_file(rel, contracts)
    assert contract.department == rel.split("/")[0]
    assert p == period


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("nobody/x_202401.csv", "no contract for folder 'nobody'"),
        ("people/other_202401.csv", "does not match the people contract pattern"),
        ("people/people_202413.csv", "is not a month"),
        ("people_202401.csv", "must sit in its department's folder"),
    ],
)
def test_match_file_errors(contracts, rel, message):
    with pytest.raises(ContractError, match=message) as exc:
        match_file(rel, contracts)
    assert rel in str(exc.value)
    assert "how to fix" in str(exc.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with(columns=[{"source": "A", "field": "a", "type": "text"}]),
         "key columns[0] (source A).type"),
        (_with(columns=[{"source": "A", "field": "a", "type": "string", "requried": True}]),
         "requried"),
        (_with(columns=[{"source": "A", "field": "a", "type": "code"}]), "needs a non-empty"),
        (_with(columns=[{"source": "A", "field": "Bad Name", "type": "string"}]), "snake_case"),
        (_with(columns=[{"source": "A", "field": "a", "type": "date", "max": "tomorrow"}]),
         "ISO date"),
        (_with(columns=[{"source": "A", "field": "a", "type": "money", "min": 0.5}]),
         "in fen"),
        (_with(unique=["nope"]), "unique names unknown fields"),
        (_with(files={"pattern": "x.csv", "format": "doc"}), "key files.format"),
        (_with(columns=[{"source": "A", "field": "a", "type": "string"},
                        {"source": "B", "field": "a", "type": "string"}]), "declared twice"),
        ({k: v for k, v in BASE.items() if k != "row_kind"}, "key row_kind: Field required"),
    ],
)
def test_contract_errors_name_file_and_key(data, message):
    with pytest.raises(ContractError) as exc:
        contract_from_dict(data, "departments/demo.yaml")
    text = str(exc.value)
    assert message in text
    assert "where: departments/demo.yaml" in text
    assert "how to fix" in text


def test_yaml_syntax_error_names_line(tmp_path: Path):
    (tmp_path / "demo.yaml").write_text("department: demo\ncolumns: [\n  - x\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"demo.yaml, line \d+"):
        load_contracts(tmp_path)


def test_file_name_must_match_department(tmp_path: Path):
    import yaml

    (tmp_path / "other.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    with pytest.raises(ContractError, match="rename the file to demo.yaml"):
        load_contracts(tmp_path)


def test_compiled_schema_checks(contracts):
    compiled = compile_schema(contracts["people"], "2024-01")
    cols = compiled.schema.columns
    assert cols["record_id"].nullable is False
    assert "id_number" not in cols  # IDs never quarantine: nothing for pandera to check
    assert "name" in cols and cols["name"].nullable is False
    assert compiled.check_reasons[("sex", 0)] == "invalid_code:sex"
    assert compiled.check_reasons[("birth_date", 1)] == "out_of_range:birth_date"
    assert compiled.bounds["birth_date"] == (dt.date(1900, 1, 1), dt.date(2024, 1, 31))
    assert compiled.bounds["income_fen"] == (0, 100000000)
