"""The commands as a user runs them: JSON contracts, determinism, clear errors."""

from __future__ import annotations

import hashlib
import json

from .conftest import jingzhun


def _tree_digest(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_synth_same_seed_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        r = jingzhun("synth", "--scale", "0.001", "--seed", "1", "--out", str(out), "--json")
        assert r.returncode == 0, r.stderr
    digest_a = _tree_digest(a)
    assert len(digest_a) > 20
    assert digest_a == _tree_digest(b)


def test_ingest_json_and_quality_json(province, tmp_path):
    ws = tmp_path / "w"
    r = jingzhun("ingest", "--source", str(province), "--workspace", str(ws), "--json")
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    assert all(f["rows_in"] == f["accepted"] + f["quarantined"] for f in files)
    q = jingzhun("quality", "--workspace", str(ws), "--json")
    assert q.returncode == 0, q.stderr
    report = json.loads(q.stdout)
    assert {f["department"] for f in files} == set(report["departments"])


def test_missing_source_gives_a_clear_error(tmp_path):
    r = jingzhun("ingest", "--source", str(tmp_path / "nowhere"), "--workspace", str(tmp_path / "w"))
    assert r.returncode == 2
    assert "source folder does not exist" in r.stderr
    assert "nowhere" in r.stderr


def test_run_on_missing_workspace_says_how_to_fix(tmp_path):
    r = jingzhun("run", "--workspace", str(tmp_path / "absent"))
    assert r.returncode == 2
    assert "jingzhun ingest" in r.stderr
