"""A small synthetic province (about 7,700 residents, 12 months), ingested and put through the
registry stage once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

SCALE, MONTHS, SEED = 0.0002, 12, 7


@pytest.fixture(scope="session")
def registry_ws(tmp_path_factory):
    from jingzhun.cli.data import ingest_source
    from jingzhun.pipeline import run_pipeline
    from jingzhun.pipeline.stages import STAGES
    from jingzhun.synth import SynthConfig, generate
    from jingzhun.workspace import Workspace

    base: Path = tmp_path_factory.mktemp("registry")
    generate(SynthConfig(scale=SCALE, months=MONTHS, seed=SEED), out=base / "province")
    ingest_source(base / "province", base / "ws")
    ws = Workspace(base / "ws")
    result = run_pipeline(ws, STAGES, only=["registry"])
    yield ws, base / "province", result["stages"]["registry"]
    ws.close()
