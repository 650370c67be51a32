"""`jingzhun bench pipeline`: the JSON contract of the issue, on a tiny province (~30 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

STAGES = ("validate", "registry", "identify", "quality")


def test_bench_pipeline_prints_stages_total_scan_floor_and_memory(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "jingzhun", "bench", "pipeline", "--scale", "0.0001",
         "--engine", "duckdb", "--seed", "3", "--keep", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=600, env={**os.environ},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert {"stages", "total_seconds", "scan_floor_seconds", "peak_rss_mb"} <= set(out)
    assert set(out["stages"]) == set(STAGES)
    for name in STAGES:
        stage = out["stages"][name]
        assert stage["seconds"] >= 0 and stage["peak_rss_mb"] > 50
    # rows each stage wrote: validate = every input row (accepted + quarantined)
    validate = out["stages"]["validate"]
    assert validate["rows"] == validate["summary"]["rows_in"] > 1000
    assert out["stages"]["registry"]["rows"] > validate["summary"]["accepted"]
    assert out["stages"]["identify"]["rows"] > 0
    # the scan floor read every raw input row once, and every validated row once
    assert out["scan_floor"]["raw"]["rows"] == validate["summary"]["rows_in"]
    assert out["scan_floor"]["validated"]["rows"] == validate["summary"]["accepted"]
    assert 0 < out["scan_floor_seconds"] < out["total_seconds"]
    assert out["total_seconds"] >= sum(s["seconds"] for s in out["stages"].values()) - 0.1
    assert out["peak_rss_mb"] >= max(s["peak_rss_mb"] for s in out["stages"].values())
    assert out["engine"] == "duckdb" and out["persons"] > 1000
    # the registry's named steps, each timed, adding up to (at most) the stage
    steps = out["stages"]["registry"]["steps"]
    assert {"prepare", "link", "record links", "golden records", "households",
            "review queue"} <= set(steps)
    assert sum(s["seconds"] for s in steps.values()) <= out["stages"]["registry"]["seconds"] + 0.1
    assert out["stages"]["registry"]["summary"]["link_seconds"]["predict"] > 0
    # and every step and stage said so on stderr as it ended (a long run shows its progress)
    said = [json.loads(line) for line in r.stderr.splitlines() if line.startswith('{"at"')]
    stages_said = {x["done"]: x for x in said if ": " not in x["done"]}
    assert set(stages_said) == set(STAGES)
    assert stages_said["registry"]["seconds"] == out["stages"]["registry"]["seconds"]
    assert "registry: link" in {x["done"] for x in said}


def test_bench_pipeline_only_times_the_stages_asked_for(tmp_path):
    """``--only quality`` re-times one stage on the workspace a full run left in ``--keep``."""
    def bench(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "jingzhun", "bench", "pipeline", "--scale", "0.0001",
             "--engine", "duckdb", "--seed", "4", "--keep", str(tmp_path), "--json", *extra],
            capture_output=True, text=True, timeout=600, env={**os.environ},
        )
    r = bench("--only", "quality")
    assert r.returncode != 0 and "earlier run" in r.stderr  # no workspace yet
    full = bench()
    assert full.returncode == 0, full.stderr[-2000:]
    r = bench("--only", "quality")
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert set(out["stages"]) == {"quality"} and out["only"] == ["quality"]
    assert out["stages"]["quality"]["summary"] == json.loads(full.stdout)["stages"]["quality"]["summary"]
    assert 0 < out["stages"]["quality"]["seconds"] <= out["total_seconds"]
    assert out["scan_floor"]["validated"]["rows"] > 1000
