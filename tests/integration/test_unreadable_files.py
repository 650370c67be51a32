"""A file that cannot be read at all is reported by name and does not stop the others."""

from __future__ import annotations

import json
import shutil

from .conftest import jingzhun


def test_garbage_and_unknown_files_are_reported_and_others_ingested(province, tmp_path):
    source = tmp_path / "source"
    for dept in ("disability", "health"):
        shutil.copytree(province / "departments" / dept, source / dept)
    (source / "disability" / "disability_209901.xlsx").write_bytes(b"\x00garbage, not a workbook" * 40)
    (source / "unknown_dept").mkdir()
    (source / "unknown_dept" / "list.csv").write_text("a,b\n1,2\n", encoding="utf-8")

    r = jingzhun("ingest", "--source", str(source), "--workspace", str(tmp_path / "w"), "--json")
    assert r.returncode == 0, r.stderr
    files = {f["file"]: f for f in json.loads(r.stdout)["files"]}
    bad = files["disability/disability_209901.xlsx"]
    assert "disability_209901.xlsx" in bad["error"]
    assert "unknown_dept/list.csv" in files and "contract" in files["unknown_dept/list.csv"]["error"]
    good = [f for f in files.values() if "error" not in f]
    assert len(good) == len(files) - 2 >= 10
    assert all(f["rows_in"] == f["accepted"] + f["quarantined"] > 0 for f in good)
    # Landed byte for byte all the same: nothing is lost, even what cannot be read.
    assert (tmp_path / "w" / "raw" / "disability" / "disability_209901.xlsx").read_bytes().startswith(b"\x00garbage")
