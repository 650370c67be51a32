"""kill -9 a `jingzhun run` in the middle of a stage, run it again: the outputs are identical
to those of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from jingzhun.pipeline import outputs_digest
from jingzhun.workspace import Workspace
from jingzhun.workspace.landing import land

from .conftest import jingzhun

OUTPUT_ZONES = ("validated", "quarantine", "registry", "indicators", "decisions", "reports")


def _validated_count(ws_path) -> int:
    manifest = Workspace(ws_path).read_state("manifest", {"files": {}})
    return sum(1 for e in manifest["files"].values() if e.get("status") == "validated")


def test_killed_run_resumes_to_identical_outputs(province, tmp_path):
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    for ws_path in (clean, crashed):
        ws = Workspace(ws_path)
        with ws.lock():
            land(ws, province)
    total_files = len(Workspace(clean).read_state("manifest")["files"])

    done = jingzhun("run", "--workspace", str(clean), "--json")
    assert done.returncode == 0, done.stderr

    # Slow the stage down (test hook) so it can be killed half-way through its files.
    proc = subprocess.Popen(
        [sys.executable, "-m", "jingzhun", "run", "--workspace", str(crashed)],
        env={**os.environ, "JINGZHUN_TEST_STAGE_DELAY": "0.5"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.time() + 300
    while _validated_count(crashed) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = _validated_count(crashed)
    assert 2 <= killed_at < total_files, "the kill must land mid-stage"
    assert not (crashed / "reports" / "quality" / "quality.json").exists()

    resumed = jingzhun("run", "--workspace", str(crashed), "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert outputs_digest(Workspace(crashed), OUTPUT_ZONES) == outputs_digest(
        Workspace(clean), OUTPUT_ZONES
    )
    leftovers = [p for p in crashed.rglob(".*.tmp")]
    assert leftovers == []
