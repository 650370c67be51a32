"""Ingesting a synthetic province: every file reconciles, and what is quarantined or flagged is
exactly what the generator planted (the generator's truth is read here, never by the pipeline)."""

from __future__ import annotations

from collections import Counter

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from jingzhun.workspace import Workspace

QUARANTINE_PREFIXES = (
    "malformed_row", "encoding_error", "missing_required", "invalid_date", "invalid_number",
    "invalid_code", "out_of_range", "duplicate_row", "duplicate_key", "missing_column",
)


def _is_quarantine(code: str) -> bool:
    return code.split(":")[0] in QUARANTINE_PREFIXES


@pytest.fixture(scope="module")
def truth_defects(province):
    return pq.read_table(province / "truth" / "defects.parquet").to_pylist()


@pytest.fixture(scope="module")
def manifest(ingested):
    ws, _ = ingested
    return Workspace(ws).read_state("manifest")


def test_every_file_is_read_and_reconciles(ingested, manifest):
    ws, result = ingested
    files = result["files"]
    assert len(files) >= 14
    assert [f for f in files if "error" in f] == []
    for f in files:
        assert f["rows_in"] == f["accepted"] + f["quarantined"], f["file"]
        entry = manifest["files"][f["file"]]
        acc = pq.read_metadata(ws / entry["validated"]).num_rows
        qua = pq.read_metadata(ws / entry["quarantine"]).num_rows
        assert (acc, qua) == (f["accepted"], f["quarantined"]), f["file"]


def test_json_summary_keys_are_the_contract(ingested):
    _, result = ingested
    for f in result["files"]:
        assert {"file", "department", "rows_in", "accepted", "quarantined", "reasons"} <= set(f)
        assert sum(f["reasons"].values()) == f["quarantined"]


def test_quarantine_matches_planted_defects_row_by_row(ingested, manifest, truth_defects):
    ws, _ = ingested
    planted = {
        (d["file"], d["row"], d["expected"]) for d in truth_defects
        if d["expected"] and _is_quarantine(d["expected"])
    }
    assert len(planted) > 20, "the generator should plant detectable defects"
    found = set()
    for rel, entry in manifest["files"].items():
        q = pq.read_table(ws / entry["quarantine"], columns=["_file", "_row", "primary_reason"])
        found |= set(zip(q["_file"].to_pylist(), q["_row"].to_pylist(), q["primary_reason"].to_pylist()))
    assert found - planted == set(), "quarantined rows the generator did not plant"
    assert planted - found == set(), "planted defects that ingestion missed"


def test_quarantine_counts_per_defect_type_match_truth(ingested, truth_defects):
    _, result = ingested
    planted = Counter(
        (d["file"], d["expected"]) for d in truth_defects
        if d["expected"] and _is_quarantine(d["expected"])
    )
    counted = Counter()
    for f in result["files"]:
        for reason, n in f["reasons"].items():
            counted[(f["file"], reason)] += n
    assert counted == planted


def test_id_warnings_match_planted_id_defects(ingested, manifest, truth_defects):
    ws, _ = ingested
    planted = {
        (d["file"], d["row"], d["expected"]) for d in truth_defects
        if d["expected"] and d["expected"].startswith("id_")
    }
    assert planted, "the generator should plant ID defects"
    flagged = set()
    for entry in manifest["files"].values():
        t = pq.read_table(ws / entry["validated"], columns=["_file", "_row", "_dq_flags"])
        for file, row, flags in zip(t["_file"].to_pylist(), t["_row"].to_pylist(), t["_dq_flags"].to_pylist()):
            for flag in flags or []:
                if flag.split(":")[0] in ("id_missing", "id_invalid", "id_upgraded_15"):
                    flagged.add((file, row, flag))
    assert flagged == planted


def test_quarantined_rows_keep_their_original_values(ingested, manifest):
    ws, _ = ingested
    checked = 0
    for entry in manifest["files"].values():
        q = pq.read_table(ws / entry["quarantine"])
        if q.num_rows:
            assert pc.all(pc.greater(pc.utf8_length(q["raw"]), 2)).as_py()
            assert all(entry_msg and "row" in entry_msg for entry_msg in q["message"].to_pylist())
            checked += q.num_rows
    assert checked > 0


def test_ingesting_again_changes_nothing(ingested, province):
    from jingzhun.cli.data import ingest_source
    from jingzhun.pipeline import outputs_digest

    ws, _ = ingested
    before = outputs_digest(Workspace(ws), ("raw", "validated", "quarantine"))
    again = ingest_source(province, ws)
    assert {f["status"] for f in again["files"]} == {"unchanged"}
    assert outputs_digest(Workspace(ws), ("raw", "validated", "quarantine")) == before


def test_late_reports_show_in_timeliness_where_planted(ingested, truth_defects):
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.workspace import read_json

    ws, _ = ingested
    run_pipeline(Workspace(ws), [s for s in STAGES if s.name == "quality"])
    report = read_json(ws / "reports" / "quality" / "quality.json")["departments"]
    planted = {d["file"].split("/")[0] for d in truth_defects if d["defect"] == "late_report"}
    assert {"health", "hrss"} <= planted
    for dept in planted:
        fields = report[dept]["timeliness"]["fields"]
        assert max(f["late_share"] for f in fields.values()) > 0, dept
    # A company's founding date is an attribute, not an event: no timeliness for market.
    assert report["market"]["timeliness"] is None
