"""The small synthetic province of the test suite, generated once per test session (per
xdist worker) and ingested once. The root conftest registers these fixtures, so every test
folder shares one build; do not import them into another conftest (pytest would register a
second copy and build the province again)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCALE = 0.0005   # about 19,000 residents
MONTHS = 12
SEED = 7


def jingzhun(*args: str, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the installed CLI as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "jingzhun", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


@pytest.fixture(scope="session")
def province(tmp_path_factory) -> Path:
    from jingzhun.synth import SynthConfig, generate

    out = tmp_path_factory.mktemp("province")
    generate(SynthConfig(scale=SCALE, months=MONTHS, seed=SEED), out=out)
    return out


@pytest.fixture(scope="session")
def ingested(province, tmp_path_factory):
    from jingzhun.cli.data import ingest_source

    ws = tmp_path_factory.mktemp("ws") / "w"
    result = ingest_source(province, ws)
    return ws, result


@pytest.fixture(scope="session")
def identified(ingested, tmp_path_factory) -> Path:
    """A copy of the ingested workspace after every stage (registry, identify, quality) ran."""
    import shutil

    from jingzhun.cli.data import run_workspace

    src, _ = ingested
    ws = tmp_path_factory.mktemp("identify") / "w"
    shutil.copytree(src, ws)
    run_workspace(ws)
    return ws
