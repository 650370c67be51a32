"""Small synthetic provinces shared by the synth tests (generated once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jingzhun.synth import SynthConfig, generate

SMALL = dict(scale=0.0005, months=8, start="2019-01")


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("province_a")
    summary = generate(SynthConfig(seed=1, **SMALL), out)
    return out, summary


@pytest.fixture(scope="session")
def province_again(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province_b")
    generate(SynthConfig(seed=1, **SMALL), out)
    return out


@pytest.fixture(scope="session")
def province_other_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province_c")
    generate(SynthConfig(seed=2, **SMALL), out)
    return out


@pytest.fixture(scope="session")
def truth(province: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    out, _ = province
    t: dict[str, Any] = {p.stem: pq.read_table(p).to_pandas() for p in
                         (out / "truth").glob("*.parquet")}
    t["planted"] = json.loads((out / "truth" / "planted.json").read_text(encoding="utf-8"))
    return t
