"""Fixtures for ingestion tests: the hand-written test contracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from jingzhun.contracts import load_contracts

CONTRACTS = Path(__file__).parent / "contracts"


@pytest.fixture(scope="session")
def contracts():
    return load_contracts(CONTRACTS)
