"""The catalogue covers every contract and every table the platform writes (it cannot rot)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jingzhun.contracts.loader import load_contracts
from jingzhun.sharing.catalogue import (catalogue_json, covers_column, load_catalogue,
                                        missing_departments, resource_for_path)

SRC = Path(__file__).resolve().parents[2] / "src" / "jingzhun"
ZONES = ("raw", "validated", "quarantine", "registry", "indicators", "decisions", "outputs", "reports")
# File names in the source that are not zone tables: scratch files, ground truth, inputs.
NOT_ZONE_TABLES = {
    "records", "profiles", "prepared", "clusters", "pmap", "occ", "evidence", "links_{}",  # registry/_spill
    "household_months", "roll_errors", "record_persons", "payment_anomalies",   # truth/ (benchmarks)
    "areas", "defects", "events",                                               # truth/ (synth)
    "synth", "manifest", "stages", "fairness", "factors_{}",                     # state, bench reports/
    "web_bench_workflow_{}",                                     # bench web's cache, outside the workspace
}


def test_every_contract_has_a_catalogue_entry():
    assert missing_departments() == []
    cat = load_catalogue()
    for dept, contract in load_contracts().items():
        for zone in ("validated", "raw", "quarantine"):
            r = next(r for r in cat.resources if r.department == dept and r.zone == zone)
            if zone != "quarantine":
                names = [c.field if zone == "validated" else c.source for c in contract.columns]
                assert [i.name for i in r.items][: len(contract.columns)] == names
            else:
                assert r.item("raw").personal == any(c.personal for c in contract.columns)
                continue
            for col in contract.columns:
                item = r.item(col.field if zone == "validated" else col.source)
                assert (item.personal, item.sensitive) == (col.personal, col.sensitive)
                if col.type == "id_number":
                    assert item.identifier


@pytest.mark.parametrize("rel, code", [
    ("validated/hukou/hukou_201901.csv.parquet", "JZ-DEPT-HUKOU-VALIDATED"),
    ("raw/health/health_201903.csv", "JZ-DEPT-HEALTH-RAW"),
    ("registry/persons.parquet", "JZ-REG-PERSONS"),
    ("indicators/households_2019-12.parquet", "JZ-IND-HOUSEHOLDS"),
    ("decisions/cn-2021_2019-12.parquet", "JZ-DEC-STATUS"),
    ("decisions/causes_2019-12.parquet", "JZ-DEC-CAUSES"),
    ("decisions/causes_review_2019-12.parquet", "JZ-DEC-CAUSES-REVIEW"),
    ("outputs/warnings/warnings_2019-12.parquet", "JZ-OUT-WARNINGS"),
    ("outputs/funds/anomalies_all.parquet", "JZ-OUT-FUNDS"),
    ("outputs/sharing/tables/dp/dp_2019-12_ab.csv", "JZ-OPEN-DP"),
])
def test_paths_resolve_to_their_resource(rel, code):
    assert resource_for_path(rel).code == code


def _zone_file_names() -> set[str]:
    """Every '<name>.parquet' / '<name>.sqlite' literal in the source, f-string holes as {}."""
    names = set()
    for py in SRC.rglob("*.py"):
        if "sharing" in py.parts:
            continue
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            m = re.fullmatch(r"(?:[a-z]+/)?([A-Za-z0-9_{}-]+)\.(parquet|sqlite)", text)
            if m and m.group(1) not in ("{}",):
                names.add(m.group(1))
    return names


def test_every_table_name_in_the_source_is_catalogued():
    """A new '<name>_{period}.parquet' anywhere in src/ fails here until it is catalogued."""
    cat = load_catalogue()
    patterns = {Path(r.path).stem.replace("{period}", "{}").replace("{name}", "{}").replace("{pack}", "{}")
                for r in cat.resources}
    missing = sorted(n for n in _zone_file_names() - NOT_ZONE_TABLES if n not in patterns)
    assert missing == [], f"add these tables to sharing/catalogue.yaml: {missing}"


def test_export_has_the_core_metadata():
    data = json.loads(json.dumps(catalogue_json(), ensure_ascii=False))
    core = {"category", "name_zh", "name_en", "code", "provider", "summary", "format", "items",
            "sharing", "sharing_label", "basis_text", "conditions", "openness", "update_cycle",
            "publication_date", "related"}
    for r in data["resources"]:
        assert core <= set(r), r["code"]
        assert r["basis_text"] and all(t for t in r["basis_text"])
        if r["sharing"] == "not_shared":
            assert r["openness"] == "not_open"
    codes = {r["code"] for r in data["resources"]}
    for r in data["resources"]:
        assert set(r["related"]) <= codes, r["code"]
    persons = next(r for r in data["resources"] if r["code"] == "JZ-REG-PERSONS")
    flags = {i["name"]: (i["personal"], i["direct"], i["identifier"]) for i in persons["items"]}
    assert flags["name"] == (True, True, False) and flags["id_number"] == (True, False, True)


def test_workspace_files_and_columns_are_catalogued(identified):
    cat = load_catalogue()
    seen = 0
    for path in sorted(identified.rglob("*")):
        rel = path.relative_to(identified).as_posix()
        if not path.is_file() or rel.split("/")[0] not in ZONES or path.name.startswith("."):
            continue
        r = resource_for_path(rel, cat)
        assert r is not None, f"{rel} is not catalogued"
        if path.suffix == ".parquet" and r.items:
            cols = pq.read_schema(path).names
            missing = [c for c in cols if not covers_column(r, c, cat.provenance_suffixes)]
            assert missing == [], f"{rel} ({r.code}) has uncatalogued columns {missing}"
        seen += 1
    assert seen > 50
