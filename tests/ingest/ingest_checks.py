"""Assertions shared by the ingestion tests (nothing lost; messages name file and row)."""

from __future__ import annotations

import json

import pyarrow as pa


def check_lossless(result, rows_in: int) -> None:
    """rows_in == accepted + quarantined, and each quarantined row keeps its original text."""
    s = result.summary
    assert s["rows_in"] == rows_in
    assert s["accepted"] + s["quarantined"] == rows_in
    assert result.accepted.num_rows == s["accepted"]
    assert result.quarantine.num_rows == s["quarantined"]
    rows = result.accepted.column("_row").to_pylist() + result.quarantine.column("_row").to_pylist()
    assert sorted(rows) == list(range(1, rows_in + 1)) or len(set(rows)) == rows_in
    for q in result.quarantine.to_pylist():
        assert q["message"].startswith(f"{s['file']}, row {q['_row']}: ")
        assert q["primary_reason"] == q["reasons"][0]
        assert q["raw"]


def raw_values(quarantine: pa.Table) -> dict[int, dict]:
    """Quarantined rows' original values by record number (raw JSON objects only)."""
    out = {}
    for q in quarantine.to_pylist():
        try:
            out[q["_row"]] = json.loads(q["raw"])
        except json.JSONDecodeError:
            out[q["_row"]] = q["raw"]
    return out
